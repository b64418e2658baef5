/*
 * pppd-style packet log lines.
 *
 * Renders one PPP packet the way pppd 2.4.9 (Debian 12 build: MS-CHAP, MPPE,
 * IPv6, CBCP, IPX, EAP-TLS, multilink) prints it in its debug log, so that a
 * log of upppd can be compared line by line with a log of pppd:
 *
 *   sent [LCP ConfReq id=0x1 <asyncmap 0x0> <auth chap MS-v2> <magic 0xc33506>]
 *   rcvd [CCP ConfReq id=0x1 <mppe +H -M +S -L -D -C>]
 *   rcvd [Compressed data] 90 00 5f a2 ab 0c 0b e3 ...
 *
 * The packet layout is RFC 1661 section 5 (Code, Identifier, Length, Data);
 * option names and values follow pppd, not the RFCs (e.g. IPV6CP interface
 * identifiers are shown as "fe80::" plus four zero-padded groups).
 *
 * Pure functions: no allocation, no global state, no I/O. The output is
 * always NUL-terminated and silently truncated to the buffer, as pppd
 * truncates its own lines to UPPP_PKTLOG_PPPD_LINE_MAX - 1 characters. The
 * formatter never reads outside info[0..len).
 */
#ifndef UPPP_PKTLOG_H
#define UPPP_PKTLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* pppd formats each log line into a 1024-byte buffer (utils.c logit()); a
 * buffer of this size reproduces its truncation of very long packets. */
#define UPPP_PKTLOG_PPPD_LINE_MAX 1024

/* Print PAP passwords instead of "<hidden>" (pppd's "show-password" option).
 * Off by default so that secrets never reach a log by accident. */
#define UPPP_PKTLOG_SHOW_PASSWORD 0x1u

/*
 * Render one packet into buf as "<dir> [<packet>]".
 *
 *   dir       "sent" or "rcvd" (any string is copied as is, followed by one
 *             space); NULL for no prefix at all.
 *   protocol  the PPP protocol number (already decompressed if PFC was used).
 *   info      the information field after the protocol: for control
 *             protocols Code, Identifier, Length, Data, plus any padding.
 *   flags     UPPP_PKTLOG_* bits; 0 for pppd's defaults.
 *
 * Returns the number of characters written, not counting the terminating
 * NUL (always < cap; equal to cap - 1 when the line was truncated or fits
 * exactly), or UPPP_ERR_INVALID if buf is NULL, cap is 0, info is NULL with
 * len > 0, len exceeds INT32_MAX, or flags has unknown bits.
 */
int uppp_pktlog_format(char *buf, size_t cap, const char *dir, uint16_t protocol,
                       const uint8_t *info, size_t len, unsigned flags);

/*
 * Same, from a whole PPP frame as the HDLC deframer returns it (RFC 1662:
 * no flags, no FCS): an optional Address/Control 0xff 0x03, then a 1- or
 * 2-byte protocol field (RFC 1661 section 6.5, PFC), then the information
 * field.
 *
 * Returns the number of characters written (as above), UPPP_ERR_INVALID for
 * bad arguments, or UPPP_ERR_PARSE if the frame ends before its protocol
 * field does (buf then holds an empty string).
 */
int uppp_pktlog_format_frame(char *buf, size_t cap, const char *dir, const uint8_t *frame,
                             size_t len, unsigned flags);

/*
 * True if the packet is an LCP Echo-Request or Echo-Reply with a sane Length
 * field. pppd does not log these when its debug level is 1 and the link is
 * up (main.c dump_packet()); a daemon that wants the same quiet log asks
 * this before formatting.
 */
bool uppp_pktlog_is_lcp_echo(uint16_t protocol, const uint8_t *info, size_t len);

#ifdef __cplusplus
}
#endif

#endif
