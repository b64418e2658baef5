/*
 * Framing below the session (see framing.h).
 *
 * Async HDLC (RFC 1662) through hdlc.c. Linux ppp_async decides the opening
 * flag by time: a frame gets its own opening flag only if it is an LCP
 * configuration packet or more than a second has passed since the previous
 * frame; otherwise the previous closing flag opens it (RFC 1662 4.4.2). We
 * do the same, with the session's clock.
 *
 * With framing "none" a frame goes out as Address/Control (unless ACFC),
 * protocol (1 octet under PFC) and information, as PPTP carries it (RFC
 * 2637 section 4.4).
 */
#include "ppp.h"
#include "framing.h"

#include <uppp/err.h>
#include <uppp/hdlc.h>

#include "crypto.h"

#include <stdlib.h>
#include <string.h>

/* Largest frame we build: FF 03, protocol, information up to 64 KiB. */
#define FRAME_MAX (4 + 65535)
#define FLAG_TIME_MS 1000 /* Linux ppp_async flag_time */
#define RX_SLACK 128      /* octets tolerated above the MRU */
#define BUF_STEP 256      /* transmit buffers grow in steps of this */

/* The transmit buffers start empty and grow to the largest frame sent so
 * far, never to the 64 KiB worst case up front: a server holds thousands
 * of sessions, and a link with a 1500-octet MTU needs 1.5 KB and its HDLC
 * encoding, not 192 KB (session-bench, issue 9 item 9). A buffer grows at
 * most once per BUF_STEP of frame size, so sending stays allocation-free
 * once the link carries full-size packets. The old contents are wiped:
 * they held a frame, possibly one in the clear. */
static int reserve(uint8_t **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t n = (need + BUF_STEP - 1) / BUF_STEP * BUF_STEP;
    uint8_t *p = malloc(n);
    if (p == NULL)
        return UPPP_ERR_NOMEM;
    if (*buf != NULL) {
        uppp_memzero(*buf, *cap);
        free(*buf);
    }
    *buf = p;
    *cap = n;
    return 0;
}

int uppp_framing_init(struct uppp_session *s)
{
    if (s->cfg.framing != UPPP_FRAMING_ASYNC_HDLC)
        return 0;
    uppp_hdlc_tx_init(&s->hdlc_tx, UPPP_HDLC_FCS16);
    /* Linux ppp_async never takes its receive buffer below 1500 octets,
     * whatever MRU was negotiated; neither do we. */
    struct uppp_hdlc_rx_config rc = {
        .mru = s->cfg.mru > UPPP_LCP_DEFAULT_MRU ? s->cfg.mru : UPPP_LCP_DEFAULT_MRU,
        .slack = RX_SLACK,
        .accm = UPPP_HDLC_DEFAULT_ACCM,
        .fcs = UPPP_HDLC_FCS16,
    };
    return uppp_hdlc_rx_new(&s->rx, &rc);
}

void uppp_framing_free(struct uppp_session *s)
{
    free(s->txbuf);
    free(s->wirebuf);
    s->txbuf = s->wirebuf = NULL;
    s->txbuf_cap = s->wirebuf_cap = 0;
    uppp_hdlc_rx_free(s->rx);
    s->rx = NULL;
}

void uppp_framing_set_rx_accm(struct uppp_session *s, uint32_t accm)
{
    if (s->rx != NULL)
        uppp_hdlc_rx_set_accm(s->rx, accm);
}

void uppp_framing_send(struct uppp_session *s, const struct uppp_txframe *tx)
{
    if (s->cb.output == NULL || tx->len + 4 > FRAME_MAX)
        return;
    int hdlc = s->cfg.framing == UPPP_FRAMING_ASYNC_HDLC;
    /* Out of memory: the frame is lost, as on a bad line; the protocols
     * retransmit (RFC 1661 section 4.6). */
    if (reserve(&s->txbuf, &s->txbuf_cap, tx->len + 4) != 0 ||
        (hdlc && reserve(&s->wirebuf, &s->wirebuf_cap, UPPP_HDLC_ENCODE_BOUND(tx->len + 4)) != 0)) {
        uppp_log(s, UPPP_LOG_ERR, "out of memory: frame not sent");
        return;
    }
    uint8_t *f = s->txbuf;
    size_t n = 0;
    if (!tx->acfc && !hdlc) {
        f[n++] = 0xff;
        f[n++] = 0x03;
    }
    if (!tx->pfc)
        f[n++] = (uint8_t)(tx->proto >> 8);
    f[n++] = (uint8_t)tx->proto;
    memcpy(f + n, tx->info, tx->len);
    n += tx->len;
    if (!hdlc) {
        s->stats.bytes_out += n;
        s->cb.output(s->cb.user, f, n);
        if (tx->proto == UPPP_PROTO_PAP)
            uppp_memzero(f, n); /* it carried a password */
        return;
    }
    unsigned flags = tx->acfc ? 0 : UPPP_HDLC_TX_ADDR_CTRL;
    if (tx->accm == 0xffffffffu)
        flags |= UPPP_HDLC_TX_ALL_CTRL;
    if (!tx->accm_all_flag && s->tx_last_ms != 0 && s->now - s->tx_last_ms < FLAG_TIME_MS)
        flags |= UPPP_HDLC_TX_NO_OPEN_FLAG;
    s->tx_last_ms = s->now ? s->now : 1;
    uppp_hdlc_tx_set_accm(&s->hdlc_tx, tx->accm);
    size_t wlen = 0;
    if (uppp_hdlc_encode(&s->hdlc_tx, flags, f, n, s->wirebuf, s->wirebuf_cap, &wlen) != 0)
        return;
    s->stats.bytes_out += wlen;
    s->cb.output(s->cb.user, s->wirebuf, wlen);
    if (tx->proto == UPPP_PROTO_PAP) {
        uppp_memzero(f, n); /* it carried a password */
        uppp_memzero(s->wirebuf, wlen);
    }
}

void uppp_framing_input(struct uppp_session *s, const uint8_t *data, size_t len)
{
    while (len > 0 && !s->dead) {
        size_t used = 0;
        struct uppp_hdlc_frame fr;
        int rc = uppp_hdlc_rx_next(s->rx, data, len, &used, &fr);
        data += used;
        len -= used;
        if (rc != 1)
            break;
        uppp_frame_input(s, fr.data, fr.len);
    }
}

void uppp_framing_add_stats(const struct uppp_session *s, struct uppp_status *st)
{
    if (s->rx == NULL)
        return;
    /* The deframer keeps its own totals; the session counts the frames it
     * finds bad itself, so the two are added, never assigned. */
    const struct uppp_hdlc_stats *h = uppp_hdlc_rx_stats(s->rx);
    st->bad_fcs += h->fcs_errors;
    st->bad_frames += h->too_long + h->too_short + h->aborts + h->bad_addr_ctrl;
}
