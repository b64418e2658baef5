/*
 * The frame layer between the session and its transport (see framing.h):
 * picks the transport for the configuration, builds each outgoing PPP frame
 * (RFC 1661 section 2, with ACFC 6.6 and PFC 6.5 applied) and hands it to
 * the transport to encode, and passes received frames up. The only place
 * that reads the configuration's framing choice.
 */
#include "ppp.h"
#include "framing.h"
#include "transport.h"

#include <uppp/err.h>

#include "crypto.h"

#include <stdlib.h>
#include <string.h>

/* Largest frame we build: FF 03, protocol, information up to 64 KiB. */
#define FRAME_MAX (4 + 65535)
#define BUF_STEP 256 /* transmit buffers grow in steps of this */

/* A buffer grows at most once per BUF_STEP of frame size, so sending
 * stays allocation-free once the link carries full-size packets. */
int uppp_reserve(uint8_t **buf, size_t *cap, size_t need)
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

void uppp_release(uint8_t **buf, size_t *cap)
{
    if (*buf != NULL)
        uppp_memzero(*buf, *cap);
    free(*buf);
    *buf = NULL;
    *cap = 0;
}

const struct uppp_transport_ops *uppp_transport_for(enum uppp_framing framing)
{
    switch (framing) {
    case UPPP_FRAMING_ASYNC_HDLC:
        return &uppp_transport_hdlc;
    case UPPP_FRAMING_NONE:
        return &uppp_transport_frames;
    }
    return NULL;
}

int uppp_framing_init(struct uppp_session *s)
{
    s->transport = uppp_transport_for(s->cfg.framing);
    if (s->transport == NULL)
        return UPPP_ERR_INVALID;
    s->tstate = calloc(1, s->transport->state_size);
    if (s->tstate == NULL)
        return UPPP_ERR_NOMEM;
    return s->transport->init(s->tstate, &s->cfg);
}

void uppp_framing_free(struct uppp_session *s)
{
    if (s->tstate != NULL)
        s->transport->free(s->tstate);
    free(s->tstate);
    s->tstate = NULL;
}

void uppp_framing_set_rx_accm(struct uppp_session *s, uint32_t accm)
{
    if (s->transport->set_rx_accm != NULL)
        s->transport->set_rx_accm(s->tstate, accm);
}

void uppp_framing_send(struct uppp_session *s, const struct uppp_txframe *tx)
{
    if (s->cb.output == NULL || tx->len + 4 > FRAME_MAX)
        return;
    const struct uppp_transport_ops *t = s->transport;
    /* The header is built here and the information stays where the caller
     * has it: the transport encodes the two pieces (no per-session frame
     * buffer; a server holds thousands of sessions). */
    uint8_t hdr[4];
    size_t n = 0;
    if (!tx->acfc && !t->encoder_adds_addr_ctrl) {
        hdr[n++] = 0xff;
        hdr[n++] = 0x03;
    }
    if (!tx->pfc)
        hdr[n++] = (uint8_t)(tx->proto >> 8);
    hdr[n++] = (uint8_t)tx->proto;
    unsigned flags =
        (tx->acfc ? 0 : UPPP_TX_ADDR_CTRL) | (tx->accm_all_flag ? UPPP_TX_LCP_CONF : 0);
    const uint8_t *out = NULL;
    size_t outlen = 0;
    int rc =
        t->encode(s->tstate, hdr, n, tx->info, tx->len, flags, tx->accm, s->now, &out, &outlen);
    if (rc == 0) {
        s->stats.bytes_out += outlen;
        s->cb.output(s->cb.user, out, outlen);
    } else if (rc == UPPP_ERR_NOMEM) {
        /* The frame is lost, as on a bad line; the protocols retransmit
         * (RFC 1661 section 4.6). */
        uppp_log(s, UPPP_LOG_ERR, "out of memory: frame not sent");
    }
    if (tx->proto == UPPP_PROTO_PAP && out != NULL && out != tx->info) {
        /* It carried a password: wipe the transport's copy. */
        uppp_memzero((void *)out, outlen);
    }
}

int uppp_framing_byte_stream(const struct uppp_session *s)
{
    return s->transport->byte_stream;
}

int uppp_framing_next(struct uppp_session *s, const uint8_t **data, size_t *len,
                      const uint8_t **frame, size_t *flen)
{
    return s->transport->next(s->tstate, data, len, frame, flen);
}

void uppp_framing_add_stats(const struct uppp_session *s, struct uppp_status *st)
{
    if (s->transport->add_stats != NULL)
        s->transport->add_stats(s->tstate, st);
}
