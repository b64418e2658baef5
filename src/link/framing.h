/*
 * The frame layer under a session: session.c describes one uppp_txframe per
 * packet; framing.c builds the frame and has the transport (transport.h:
 * async HDLC for byte streams, or whole frames for PPTP-like transports)
 * encode it, and gets frames back from the transport's input.
 */
#ifndef UPPP_SRC_FRAMING_H
#define UPPP_SRC_FRAMING_H

#include <stddef.h>
#include <stdint.h>

#include <uppp/session.h>

struct uppp_session;
struct uppp_status;
struct uppp_transport_ops;

struct uppp_txframe {
    uint16_t proto;
    const uint8_t *info;
    size_t len;
    int acfc;          /* omit FF 03 (RFC 1661 6.6) */
    int pfc;           /* 1-octet protocol (RFC 1661 6.5) */
    uint32_t accm;     /* transmit ACCM (RFC 1662 7.1) */
    int accm_all_flag; /* LCP configuration packet: always an opening flag */
};

/* The transport for a configured framing (NULL: none such). */
const struct uppp_transport_ops *uppp_transport_for(enum uppp_framing framing);

/* Pick and set up the transport. Returns 0, UPPP_ERR_NOMEM or
 * UPPP_ERR_INVALID. */
int uppp_framing_init(struct uppp_session *s);
void uppp_framing_free(struct uppp_session *s);
/* Receive ACCM once LCP has agreed one (RFC 1662 7.1). */
void uppp_framing_set_rx_accm(struct uppp_session *s, uint32_t accm);
void uppp_framing_send(struct uppp_session *s, const struct uppp_txframe *tx);
/* Whether input is a byte stream (deframed by uppp_framing_next()) or
 * one frame per call. */
int uppp_framing_byte_stream(const struct uppp_session *s);
/* Byte-stream input: the next complete frame, consuming data and len as
 * far as it ends. Returns 1 with frame and flen set (valid until the next
 * call), or 0 when the bytes are used up. */
int uppp_framing_next(struct uppp_session *s, const uint8_t **data, size_t *len,
                      const uint8_t **frame, size_t *flen);
/* Add the transport's error counts (FCS, too long/short, aborts) to st. */
void uppp_framing_add_stats(const struct uppp_session *s, struct uppp_status *st);
/* One whole frame (FF 03 optional, protocol, information). */
void uppp_frame_input(struct uppp_session *s, const uint8_t *frame, size_t len, int writable);

#endif
