/*
 * Capture input for mppe-decrypt: one reader per file format, each turning
 * its file into a stream of "units" (a PPP frame, or a chunk of an async
 * HDLC byte stream, RFC 1662 section 4) with a time, a link and a
 * direction. Formats: pcap and pcapng through libpcap, pppd's "record" file
 * (see md_wire.h), and the hex dumps of shared/captures.
 *
 * Memory is bounded whatever the file size: a reader holds one record or
 * line at a time (at most MD_MAX_FRAME, MD_REC_MAX_DATA or MD_HEX_MAX_LINE
 * octets) and hands it out by pointer, valid until the next call.
 *
 * PPTP (GRE plus the TCP 1723 control connection, md_pptp.h) comes in
 * pcaps of link types that carry IP (Ethernet, Linux SLL/SLL2, raw IP):
 * each call is a link of its own, its GRE payloads units of kind
 * MD_UNIT_FRAME whose `link` names the call, so one capture carries many
 * links; MD_UNIT_LINK_END says a call is over and its link number free.
 */
#ifndef MD_CAPTURE_H
#define MD_CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The two directions of a link. A is the side that sent (recording pppd;
 * "A>P" in a hex dump; PPP_WITH_DIR "sent"); B the other. UNKNOWN for link
 * types that do not say (DLT_PPP, DLT_PPP_SERIAL). */
enum md_dir { MD_DIR_A = 0, MD_DIR_B = 1, MD_DIR_UNKNOWN = 2 };

enum md_unit_kind {
    MD_UNIT_FRAME = 0,    /* one PPP frame: [FF 03] Protocol Information, no FCS */
    MD_UNIT_HDLC = 1,     /* async HDLC line bytes, to go through the deframer */
    MD_UNIT_LINK_END = 2, /* no data: `link` is over (a PPTP call ended) */
};

struct md_unit {
    uint64_t ts_us; /* microseconds since the epoch (or since the start) */
    uint32_t link;  /* which PPP link; 0 for single-link formats */
    enum md_dir dir;
    enum md_unit_kind kind;
    const uint8_t *data; /* valid until the next md_input_next() */
    size_t len;
};

struct md_input;

/* Open fp (which must be seekable: the format is told from its first
 * octets) and take ownership of it. Returns 0 and sets *out, or
 * UPPP_ERR_PARSE (no known format; err says why), UPPP_ERR_NOMEM. */
int md_input_open(struct md_input **out, FILE *fp, char *err, size_t errlen);

/* The next unit. Returns 1 with *u set, 0 at the end of the capture,
 * UPPP_ERR_PARSE when the file is truncated or malformed (md_input_error()
 * says where; units before it were good). Records of link types not
 * understood are skipped and counted (md_input_skipped()). */
int md_input_next(struct md_input *in, struct md_unit *u);

/* "pcap", "pcapng", "pppd-record" or "hex". */
const char *md_input_format(const struct md_input *in);
/* The last error, "" if none. */
const char *md_input_error(const struct md_input *in);
/* Records skipped as of a link type or kind the tool does not read. */
uint64_t md_input_skipped(const struct md_input *in);

struct md_pptp_stats;
struct md_ip_stats;
/* PPTP's counters (and, through ip, IPv4's) for link types carrying IP;
 * NULL for the others. */
const struct md_pptp_stats *md_input_pptp(const struct md_input *in, const struct md_ip_stats **ip);

/* Close the file and free; NULL is fine. */
void md_input_close(struct md_input *in);

#endif
