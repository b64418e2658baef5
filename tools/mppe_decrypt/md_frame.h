/*
 * PPP framing for mppe-decrypt: async HDLC byte streams (RFC 1662 section
 * 4) through libuppp's public deframer, one per direction, and the PPP
 * header of a frame (RFC 1661 section 2; Address/Control of RFC 1662
 * section 3.1 and their compression, PFC of RFC 1661 section 6.5).
 */
#ifndef MD_FRAME_H
#define MD_FRAME_H

#include "md_capture.h"

#include <stddef.h>
#include <stdint.h>

struct md_framer;

/* Returns 0, UPPP_ERR_NOMEM. */
int md_framer_new(struct md_framer **out);
void md_framer_del(struct md_framer *f);

typedef int (*md_frame_cb)(void *user, const struct md_unit *frame);

/* Pass a unit on as frames: an MD_UNIT_FRAME as is, an MD_UNIT_HDLC unit
 * through its direction's deframer (bad FCS, aborts and garbage dropped).
 * cb's non-zero return stops the feed and is returned. Returns 0, cb's
 * value, or UPPP_ERR_INVALID (an HDLC unit of unknown direction). */
int md_framer_feed(struct md_framer *f, const struct md_unit *u, md_frame_cb cb, void *user);

/* Frames dropped by the deframers (FCS errors, aborts, too long). */
uint64_t md_framer_bad(const struct md_framer *f);

/* Split a frame into Protocol and Information, skipping FF 03 if present.
 * Returns 0, or UPPP_ERR_PARSE (no room for a Protocol field, or an even
 * first octet with a single-octet Protocol). */
int md_ppp_split(const uint8_t *frame, size_t len, uint16_t *proto, const uint8_t **info,
                 size_t *info_len);

#endif
