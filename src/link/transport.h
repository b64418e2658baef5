/*
 * What carries PPP frames under a session: the transport interface (as
 * OpenBSD npppd's PPP talks to PPTP, L2TP and PPPoE through send/recv
 * pointers). Two exist: async HDLC-like framing for byte streams (RFC 1662:
 * serial lines, ptys; transport_hdlc.c) and whole frames for transports
 * that carry one PPP frame per packet without HDLC (PPTP over GRE, RFC 2637
 * section 4.4; L2TP; SSTP; tests; transport_frames.c). ACFC and PFC apply
 * to both (framing.c builds the frame); only HDLC has an ACCM.
 */
#ifndef UPPP_SRC_TRANSPORT_H
#define UPPP_SRC_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

struct uppp_status;
struct uppp_config;

struct uppp_transport_ops {
    const char *name;
    /* Input is a byte stream to deframe with next(); otherwise each input
     * call carries exactly one frame. */
    int byte_stream;
    /* LCP negotiates an Async-Control-Character-Map (RFC 1662 section
     * 7.1): meaningless without HDLC's escaping. */
    int uses_accm;
    /* The encoder adds Address and Control itself (HDLC escapes them);
     * otherwise framing.c puts FF 03 in the frame unless ACFC. */
    int encoder_adds_addr_ctrl;
    /* next() hands out frames in the transport's own buffer, which the
     * session may overwrite until the next call to next(): MPPE then
     * decrypts in place, with no receive buffer of its own (a server holds
     * thousands of sessions; session-bench). */
    int frames_writable;
    size_t state_size;

    /* Set up state (state_size zeroed octets). Returns 0 or a negative
     * uppp_err. */
    int (*init)(void *st, const struct uppp_config *cfg);
    void (*free)(void *st);
    /* Encode one frame for the wire at time now: the frame is head (the
     * header framing.c built: Address/Control unless the encoder adds them
     * or ACFC, and the Protocol field) followed by body (the Information
     * field, the caller's). Taking the two apart saves a per-session copy
     * of every frame (session-bench). out and outlen receive the bytes to
     * write (the transport's buffer, or body itself if head is empty).
     * flags are UPPP_TX_* below; accm is the transmit ACCM. Returns 0 or a
     * negative uppp_err (nothing is written then). */
    int (*encode)(void *st, const uint8_t *head, size_t head_len, const uint8_t *body,
                  size_t body_len, unsigned flags, uint32_t accm, uint64_t now, const uint8_t **out,
                  size_t *outlen);
    /* Byte streams: the next complete frame from data and len (consumed
     * as far as it ends). Returns 1 with frame and flen set, else 0. */
    int (*next)(void *st, const uint8_t **data, size_t *len, const uint8_t **frame, size_t *flen);
    /* The receive ACCM LCP agreed (NULL: none). */
    void (*set_rx_accm)(void *st, uint32_t accm);
    /* Add the transport's error counts to the status (NULL: none). */
    void (*add_stats)(const void *st, struct uppp_status *out);
};

/* Grow buf to hold need octets (framing.c): buffers start empty and grow,
 * in steps, to the largest frame sent so far, never to the 64 KiB worst
 * case up front (a server holds thousands of sessions; session-bench). The
 * old contents are wiped: they held a frame, possibly one in the clear.
 * Returns 0 or UPPP_ERR_NOMEM (the buffer is then unchanged). */
int uppp_reserve(uint8_t **buf, size_t *cap, size_t need);
/* Wipe (it held a frame, possibly in the clear) and free a buffer grown by
 * uppp_reserve; *buf and *cap are left empty. */
void uppp_release(uint8_t **buf, size_t *cap);

/* flags for encode */
#define UPPP_TX_ADDR_CTRL 1u /* send FF 03 (no ACFC) */
#define UPPP_TX_LCP_CONF 2u  /* an LCP configuration packet (RFC 1662 7.1, 4.4.2) */

extern const struct uppp_transport_ops uppp_transport_hdlc;
extern const struct uppp_transport_ops uppp_transport_frames;

#endif
