/*
 * The link framing under a session: async HDLC (RFC 1662, via hdlc.c) for
 * byte streams, or none for transports that carry whole frames (PPTP's GRE,
 * tests). session.c builds one uppp_txframe per packet; framing.c turns it
 * into output bytes and turns input bytes back into frames.
 */
#ifndef UPPP_SRC_FRAMING_H
#define UPPP_SRC_FRAMING_H

#include <stddef.h>
#include <stdint.h>

struct uppp_session;
struct uppp_status;

struct uppp_txframe {
    uint16_t proto;
    const uint8_t *info;
    size_t len;
    int acfc;          /* omit FF 03 (RFC 1661 6.6) */
    int pfc;           /* 1-octet protocol (RFC 1661 6.5) */
    uint32_t accm;     /* transmit ACCM (RFC 1662 7.1) */
    int accm_all_flag; /* LCP configuration packet: always an opening flag */
};

int uppp_framing_init(struct uppp_session *s);
void uppp_framing_free(struct uppp_session *s);
/* Receive ACCM once LCP has agreed one (RFC 1662 7.1). */
void uppp_framing_set_rx_accm(struct uppp_session *s, uint32_t accm);
void uppp_framing_send(struct uppp_session *s, const struct uppp_txframe *tx);
/* Async HDLC bytes in: the next complete frame, consuming data and len as
 * far as it ends. Returns 1 with frame and flen set (valid until the next
 * call), or 0 when the bytes are used up. */
int uppp_framing_next(struct uppp_session *s, const uint8_t **data, size_t *len,
                      const uint8_t **frame, size_t *flen);
/* Add the deframer's error counts (FCS, too long/short, aborts) to st. */
void uppp_framing_add_stats(const struct uppp_session *s, struct uppp_status *st);
/* One whole frame (FF 03 optional, protocol, information). */
void uppp_frame_input(struct uppp_session *s, const uint8_t *frame, size_t len);

#endif
