/*
 * The async HDLC-like transport (RFC 1662) for byte streams: serial lines
 * and ptys, through hdlc.c.
 *
 * Linux ppp_async decides the opening flag by time: a frame gets its own
 * opening flag only if it is an LCP configuration packet or more than a
 * second has passed since the previous frame; otherwise the previous
 * closing flag opens it (RFC 1662 4.4.2). We do the same, with the
 * session's clock.
 */
#include "transport.h"

#include <uppp/err.h>
#include <uppp/hdlc.h>
#include <uppp/session.h>

#include "crypto.h"
#include "lcp.h"

#include <stdlib.h>
#include <string.h>

#define FLAG_TIME_MS 1000 /* Linux ppp_async flag_time */
#define RX_SLACK 128      /* octets tolerated above the MRU */

struct hdlc_link {
    struct uppp_hdlc_rx *rx;
    struct uppp_hdlc_tx tx;
    uint8_t *wire;       /* one encoded frame */
    size_t wire_cap;     /* grown to the largest encoding yet (uppp_reserve) */
    uint64_t tx_last_ms; /* when the last frame went out (opening flags) */
};

static int hdlc_init(void *st, const struct uppp_config *cfg)
{
    struct hdlc_link *h = st;
    uppp_hdlc_tx_init(&h->tx, UPPP_HDLC_FCS16);
    /* Linux ppp_async never takes its receive buffer below 1500 octets,
     * whatever MRU was negotiated; neither do we. */
    struct uppp_hdlc_rx_config rc = {
        .mru = cfg->mru > UPPP_LCP_DEFAULT_MRU ? cfg->mru : UPPP_LCP_DEFAULT_MRU,
        .slack = RX_SLACK,
        .accm = UPPP_HDLC_DEFAULT_ACCM,
        .fcs = UPPP_HDLC_FCS16,
    };
    return uppp_hdlc_rx_new(&h->rx, &rc);
}

static void hdlc_free(void *st)
{
    struct hdlc_link *h = st;
    uppp_release(&h->wire, &h->wire_cap);
    uppp_hdlc_rx_free(h->rx);
    h->rx = NULL;
}

static int hdlc_encode(void *st, const uint8_t *head, size_t head_len, const uint8_t *body,
                       size_t body_len, unsigned flags, uint32_t accm, uint64_t now,
                       const uint8_t **out, size_t *outlen)
{
    struct hdlc_link *h = st;
    int rc = uppp_reserve(&h->wire, &h->wire_cap, UPPP_HDLC_ENCODE_BOUND(head_len + body_len));
    if (rc != 0)
        return rc;
    unsigned f = (flags & UPPP_TX_ADDR_CTRL) ? UPPP_HDLC_TX_ADDR_CTRL : 0;
    if (accm == 0xffffffffu)
        f |= UPPP_HDLC_TX_ALL_CTRL;
    if (!(flags & UPPP_TX_LCP_CONF) && h->tx_last_ms != 0 && now - h->tx_last_ms < FLAG_TIME_MS)
        f |= UPPP_HDLC_TX_NO_OPEN_FLAG;
    h->tx_last_ms = now ? now : 1;
    uppp_hdlc_tx_set_accm(&h->tx, accm);
    size_t wlen = 0;
    rc = uppp_hdlc_encode2(&h->tx, f, head, head_len, body, body_len, h->wire, h->wire_cap, &wlen);
    if (rc != 0)
        return rc;
    *out = h->wire;
    *outlen = wlen;
    return 0;
}

static int hdlc_next(void *st, const uint8_t **data, size_t *len, const uint8_t **frame,
                     size_t *flen)
{
    struct hdlc_link *h = st;
    while (*len > 0) {
        size_t used = 0;
        struct uppp_hdlc_frame fr;
        int rc = uppp_hdlc_rx_next(h->rx, *data, *len, &used, &fr);
        *data += used;
        *len -= used;
        if (rc == 1) {
            *frame = fr.data;
            *flen = fr.len;
            return 1;
        }
        if (rc != 0 || used == 0)
            break;
    }
    return 0;
}

static void hdlc_set_rx_accm(void *st, uint32_t accm)
{
    uppp_hdlc_rx_set_accm(((struct hdlc_link *)st)->rx, accm);
}

static void hdlc_add_stats(const void *st, struct uppp_status *out)
{
    /* The deframer keeps its own totals; the session counts the frames it
     * finds bad itself, so the two are added, never assigned. */
    const struct uppp_hdlc_stats *s = uppp_hdlc_rx_stats(((const struct hdlc_link *)st)->rx);
    out->bad_fcs += s->fcs_errors;
    out->bad_frames += s->too_long + s->too_short + s->aborts + s->bad_addr_ctrl;
}

const struct uppp_transport_ops uppp_transport_hdlc = {
    .name = "async HDLC",
    .byte_stream = 1,
    .uses_accm = 1,
    .encoder_adds_addr_ctrl = 1,
    .frames_writable = 1, /* hdlc.c's receive buffer, ours */
    .state_size = sizeof(struct hdlc_link),
    .init = hdlc_init,
    .free = hdlc_free,
    .encode = hdlc_encode,
    .next = hdlc_next,
    .set_rx_accm = hdlc_set_rx_accm,
    .add_stats = hdlc_add_stats,
};
