/*
 * Asynchronous HDLC-like framing for PPP, RFC 1662 sections 3 and 4 with the
 * ACCM of section 7.1; FCS-16 or FCS-32 per link (appendix C, fcs.h).
 *
 * No I/O and no allocation on the data path:
 * - uppp_hdlc_encode() turns one PPP frame into wire bytes in a buffer the
 *   caller supplies.
 * - struct uppp_hdlc_rx is fed the byte stream in chunks of any size and
 *   hands back one complete, checked frame at a time.
 *
 * What the caller decides, and this layer does not: the frame passed to the
 * encoder starts with the Protocol field, already compressed or not (PFC,
 * RFC 1661 section 6.5); the caller asks for the FF 03 Address/Control
 * prefix per frame (ACFC, RFC 1661 section 6.6), and for LCP codes 1 to 7
 * also asks for UPPP_HDLC_TX_ADDR_CTRL | UPPP_HDLC_TX_ALL_CTRL, since those
 * "are always sent as if no Configuration Options were negotiated" (RFC 1661
 * section 5), which is what Linux ppp_async does for them.
 */
#ifndef UPPP_HDLC_H
#define UPPP_HDLC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uppp/fcs.h>

#ifdef __cplusplus
extern "C" {
#endif

#define UPPP_HDLC_FLAG 0x7e   /* RFC 1662 section 4.1 Flag Sequence */
#define UPPP_HDLC_ESCAPE 0x7d /* RFC 1662 section 4.2 Control Escape */
#define UPPP_HDLC_TRANS 0x20  /* escaped octets are XORed with this */
#define UPPP_PPP_ADDRESS 0xff /* RFC 1662 section 3.1 All-Stations */
#define UPPP_PPP_CONTROL 0x03 /* RFC 1662 section 3.1 Unnumbered Information */

/* RFC 1662 section 7.1: the default ACCM in each direction. */
#define UPPP_HDLC_DEFAULT_ACCM 0xffffffffu

/* FCS length in bits. FCS-32 needs the LCP FCS-Alternatives option (RFC
 * 1570); Linux ppp_async implements FCS-16 only, so a pppd peer always
 * uses FCS-16. */
enum uppp_hdlc_fcs_type {
    UPPP_HDLC_FCS16 = 16,
    UPPP_HDLC_FCS32 = 32,
};

/* ---------------------------------------------------------------- encoder */

/* Per-frame flags for uppp_hdlc_encode(). */
enum {
    /* Prepend Address and Control (FF 03): ACFC not negotiated, or an LCP
     * packet with code 1..7. */
    UPPP_HDLC_TX_ADDR_CTRL = 1u << 0,
    /* Leave out the opening flag: the closing flag of the previous frame
     * serves as this frame's opening flag (RFC 1662 section 4.4.2). Linux
     * ppp_async sends an opening flag only for LCP codes 1..7 or after its
     * flag_time (1 s by default) has passed since the previous frame; the
     * caller owns the clock, so the caller decides. */
    UPPP_HDLC_TX_NO_OPEN_FLAG = 1u << 1,
    /* Escape every octet below 0x20 whatever the ACCM (RFC 1661 section 5;
     * Linux ppp_async's "islcp"). */
    UPPP_HDLC_TX_ALL_CTRL = 1u << 2,
};

/* Transmit settings of one link. A plain value: fill it with
 * uppp_hdlc_tx_init() and change it with the setters; the fields are
 * private. */
struct uppp_hdlc_tx {
    uint32_t xaccm[8]; /* octet c is escaped iff bit c & 31 of xaccm[c >> 5] */
    uint8_t fcs_len;   /* 2 or 4 */
    bool ext;          /* octets >= 0x20 besides 7D and 7E are escaped */
};

/* Worst case wire size of a frame of len octets, for any flags and FCS:
 * two flags plus every octet of FF 03, frame and a 4-octet FCS escaped. */
#define UPPP_HDLC_ENCODE_BOUND(len) (2 + 2 * ((size_t)(len) + 2 + 4))

/* Set tx to the RFC 1662 defaults with this FCS: ACCM 0xffffffff, plus 7D
 * and 7E, which are always escaped (RFC 1662 section 4.2).
 * Returns 0, or UPPP_ERR_INVALID if tx is NULL or fcs is not 16 or 32. */
int uppp_hdlc_tx_init(struct uppp_hdlc_tx *tx, enum uppp_hdlc_fcs_type fcs);

/* Set the 32-bit transmit ACCM for octets 0x00-0x1f (the peer's negotiated
 * Async-Control-Character-Map, RFC 1662 section 7.1); octets 0x20-0xff go
 * back to "only 7D and 7E". Returns 0, or UPPP_ERR_INVALID if tx is NULL. */
int uppp_hdlc_tx_set_accm(struct uppp_hdlc_tx *tx, uint32_t accm);

/* Set the full 256-bit transmit map (RFC 1662 section 7.1: "the sending
 * ACCM may be up to 256 bits"; Linux PPPIOCSXASYNCMAP). map[i] bit j stands
 * for octet 32 * i + j. 7D and 7E are always added. 5E is always removed,
 * because escaped it would read 7D 7E, the abort sequence (Linux clears it
 * too), and so are 0x20..0x3f, whose escaped forms 7D 00..1F a receiver
 * drops if they are in its ACCM (section 7.1 allows 0x40..0xff only).
 * Returns 0, or UPPP_ERR_INVALID. */
int uppp_hdlc_tx_set_xaccm(struct uppp_hdlc_tx *tx, const uint32_t map[8]);

/* Switch the FCS. Returns 0, or UPPP_ERR_INVALID. */
int uppp_hdlc_tx_set_fcs(struct uppp_hdlc_tx *tx, enum uppp_hdlc_fcs_type fcs);

/* Worst case wire size of a frame of len octets under these settings and
 * flags (the UPPP_HDLC_TX_* above); SIZE_MAX if that does not fit a size_t.
 * uppp_hdlc_encode() never writes more. */
size_t uppp_hdlc_encode_bound(const struct uppp_hdlc_tx *tx, unsigned flags, size_t len);

/* Frame one PPP frame: [flag] [FF 03] frame FCS flag, every octet after the
 * opening flag escaped per the map (RFC 1662 section 4.2), the FCS computed
 * over FF 03 and frame, sent least significant octet first (RFC 1662 section
 * 3.1). frame starts with the Protocol field. Writes at most out_cap octets
 * at out and the count to *out_len.
 * Returns 0; UPPP_ERR_INVALID if an argument is NULL (frame may be NULL if
 * frame_len is 0) or flags has unknown bits; UPPP_ERR_NOBUF if out_cap is
 * too small (nothing useful is left in out then). */
int uppp_hdlc_encode(const struct uppp_hdlc_tx *tx, unsigned flags, const uint8_t *frame,
                     size_t frame_len, uint8_t *out, size_t out_cap, size_t *out_len);

/* The same for a frame given in two pieces, head then body (head: the
 * Protocol field; body: the Information field), so a caller need not copy
 * them together first; the output is the same as uppp_hdlc_encode() of the
 * two joined. Either piece may be NULL if its length is 0. Same returns. */
int uppp_hdlc_encode2(const struct uppp_hdlc_tx *tx, unsigned flags, const uint8_t *head,
                      size_t head_len, const uint8_t *body, size_t body_len, uint8_t *out,
                      size_t out_cap, size_t *out_len);

/* ---------------------------------------------------------------- decoder */

struct uppp_hdlc_rx_config {
    /* Largest Information + Padding field accepted: the MRU we negotiated
     * (RFC 1661 section 6.1; 1500 by default). Linux ppp_async never goes
     * below 1500 here, whatever was negotiated. */
    size_t mru;
    /* Octets tolerated above mru before a frame counts as too long, for
     * peers that overshoot. The decoder's buffer is sized once, here:
     * FF 03 + 2-octet Protocol + mru + slack + 4-octet FCS. mru + slack is
     * at most UPPP_HDLC_MAX_MRU. */
    size_t slack;
    /* Receive ACCM (RFC 1662 section 7.1); UPPP_HDLC_DEFAULT_ACCM until
     * LCP negotiates another. */
    uint32_t accm;
    enum uppp_hdlc_fcs_type fcs;
};

#define UPPP_HDLC_MAX_MRU (1u << 20)

/* One received frame, Address/Control and FCS removed. data points into the
 * decoder and stays valid until the next call on that decoder. */
struct uppp_hdlc_frame {
    const uint8_t *data; /* Protocol field (1 or 2 octets), Information, Padding */
    size_t len;          /* >= 1; >= 2 when data[0] is even (uncompressed Protocol) */
    bool addr_ctrl;      /* FF 03 was present (false: the peer used ACFC) */
    bool after_error;    /* frames were dropped since the previous good frame */
};

/* Counters; they only grow. */
struct uppp_hdlc_stats {
    uint64_t bytes;         /* octets fed in */
    uint64_t frames;        /* good frames delivered */
    uint64_t fcs_errors;    /* bad FCS */
    uint64_t too_long;      /* more than FF 03 + 2 + mru + slack + FCS octets */
    uint64_t too_short;     /* no room for FCS and a Protocol field */
    uint64_t aborts;        /* ended by 7D 7E (RFC 1662 section 4.3) */
    uint64_t bad_addr_ctrl; /* began with FF not followed by 03 */
    uint64_t garbage_bytes; /* octets before the first flag, outside any frame */
    uint64_t accm_discards; /* unescaped octets in the receive ACCM, removed */
};

struct uppp_hdlc_rx;

/* Create a decoder, hunting for its first flag. The one allocation happens
 * here. Returns 0 and sets *out; UPPP_ERR_INVALID if an argument is NULL,
 * fcs is not 16 or 32 or mru + slack exceeds UPPP_HDLC_MAX_MRU;
 * UPPP_ERR_NOMEM. */
int uppp_hdlc_rx_new(struct uppp_hdlc_rx **out, const struct uppp_hdlc_rx_config *cfg);

/* Free a decoder; NULL is ignored. */
void uppp_hdlc_rx_free(struct uppp_hdlc_rx *d);

/* Forget any partial frame and hunt for a flag again (e.g. after the line
 * was re-opened); counters are kept. */
void uppp_hdlc_rx_reset(struct uppp_hdlc_rx *d);

/* Change the receive ACCM, e.g. when LCP opens (Linux ppp_async switches it
 * on our Configure-Ack being received). Returns 0, or UPPP_ERR_INVALID. */
int uppp_hdlc_rx_set_accm(struct uppp_hdlc_rx *d, uint32_t accm);

/* Switch the FCS; applies from the next frame. Returns 0, or
 * UPPP_ERR_INVALID. */
int uppp_hdlc_rx_set_fcs(struct uppp_hdlc_rx *d, enum uppp_hdlc_fcs_type fcs);

/* Change the MRU; applies from the next frame. Returns 0, or
 * UPPP_ERR_INVALID if mru + slack exceeds what the decoder was created with
 * (its buffer never grows). */
int uppp_hdlc_rx_set_mru(struct uppp_hdlc_rx *d, size_t mru);

/* Counters so far; never NULL for a valid decoder. */
const struct uppp_hdlc_stats *uppp_hdlc_rx_stats(const struct uppp_hdlc_rx *d);

/* Consume input up to and including the flag that ends the next good frame,
 * or all of it. Sets *used to the octets consumed (the caller passes the
 * rest next time).
 * Returns 1 when *frame holds a frame, 0 when all input was consumed without
 * completing one, UPPP_ERR_INVALID if an argument is NULL (in may be NULL
 * if len is 0). Bad frames are counted in the stats and skipped. */
int uppp_hdlc_rx_next(struct uppp_hdlc_rx *d, const uint8_t *in, size_t len, size_t *used,
                      struct uppp_hdlc_frame *frame);

typedef void (*uppp_hdlc_frame_cb)(void *user, const struct uppp_hdlc_frame *frame);

/* Consume all of in, calling cb for each good frame (frame->data is valid
 * during the call only). cb must not call into d.
 * Returns 0, or UPPP_ERR_INVALID if d or cb is NULL, or in is NULL with a
 * non-zero len. */
int uppp_hdlc_rx_input(struct uppp_hdlc_rx *d, const uint8_t *in, size_t len, uppp_hdlc_frame_cb cb,
                       void *user);

#ifdef __cplusplus
}
#endif

#endif
