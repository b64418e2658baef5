/*
 * Output of mppe-decrypt: a pcap of the decrypted packets with link type
 * raw IP (LINKTYPE_RAW, tcpdump.org link types), through libpcap's dump
 * writer so that tshark and Wireshark read it as any other capture.
 */
#ifndef MD_OUT_H
#define MD_OUT_H

#include <stddef.h>
#include <stdint.h>

struct md_out;

/* Create path. Returns 0, UPPP_ERR_INVALID (cannot be created: err says
 * why), UPPP_ERR_NOMEM. */
int md_out_open(struct md_out **out, const char *path, char *err, size_t errlen);

/* One IPv4 or IPv6 packet with its capture time. */
void md_out_packet(struct md_out *o, uint64_t ts_us, const uint8_t *ip, size_t len);

/* Flush and close. Returns 0 or UPPP_ERR_INVALID (a write failed). NULL
 * is fine. */
int md_out_close(struct md_out *o);

#endif
