/*
 * MPPC's data path inside the MPPE method (ccp_mppe.c): one CCP option (18)
 * and one method, whose C bit asks for RFC 2118 compression alone or under
 * MPPE (RFC 3078 section 2). The codec is uppp/mppc.h.
 *
 * Order (RFC 3078 section 3.1, implementation note): the sender compresses
 * the protocol field and payload, then encrypts; the receiver decrypts,
 * then decompresses. One header serves both, and its FLUSHED bit (A) means
 * both a fresh RC4 state and a fresh history: so the compressor flushes
 * whenever the cipher will (stateless mode, the stateful flag packet, the
 * answer to a Reset-Request), and a packet that grows goes out
 * uncompressed with the next one FLUSHED (FreeBSD ng_mppc does the same).
 *
 * Without MPPE the coherency count is MPPC's own (RFC 2118 section 3.1): a
 * gap in it means the histories parted, so the receiver asks for a reset
 * (RFC 2118 section 4.3, by MPPE's Reset-Request rules in ccp_mppe.c) and
 * drops compressed packets until one carries A.
 */
#include "ppp.h"
#include "ccp_mppe.h"

#include <uppp/err.h>
#include <uppp/mppc.h>
#include <uppp/mppe.h>
#include <uppp/mppe_wire.h>

#include "crypto.h"

#include <stdlib.h>
#include <string.h>

/* Counts this far behind the last one are late or repeated packets, as in
 * the stateful MPPE receiver (mppe.c). */
#define OLD_WINDOW 256

int uppp_ccp_mppc_open(struct uppp_session *s, struct uppp_ccp_mppe *c)
{
    (void)s;
    uppp_ccp_mppc_close(c);
    int tx = c->his.on && (c->his.bits & UPPP_MPPE_OPT_C);
    int rx = c->got.on && (c->got.bits & UPPP_MPPE_OPT_C);
    if (tx) {
        if (uppp_mppc_comp_new(&c->comp) != 0 || (c->cbuf = malloc(c->txcap)) == NULL) {
            uppp_ccp_mppc_close(c);
            return UPPP_ERR_NOMEM;
        }
        /* RFC 3078 section 3.1: stateless applies to MPPC as well. */
        c->tx_flush_each = (c->his.bits & UPPP_MPPE_OPT_H) != 0;
    }
    if (rx && uppp_mppc_decomp_new(&c->decomp) != 0) {
        uppp_ccp_mppc_close(c);
        return UPPP_ERR_NOMEM;
    }
    /* The first packet carries count 0, as MPPE's. */
    c->tx_cc = UPPP_MPPE_CCOUNT_MASK;
    c->rx_seen = 0;
    return 0;
}

void uppp_ccp_mppc_close(struct uppp_ccp_mppe *c)
{
    uppp_mppc_comp_del(c->comp);
    uppp_mppc_decomp_del(c->decomp);
    c->comp = NULL;
    c->decomp = NULL;
    if (c->cbuf != NULL) {
        uppp_memzero(c->cbuf, c->txcap);
        free(c->cbuf);
        c->cbuf = NULL;
    }
    c->tx_flush_each = 0;
}

int uppp_ccp_mppc_send(struct uppp_session *s, struct uppp_ccp_mppe *c, uint16_t proto,
                       const uint8_t *pkt, size_t len)
{
    if (len + UPPP_MPPE_OVERHEAD > c->txcap) {
        s->stats.dropped_other++;
        return UPPP_ERR_DROPPED;
    }
    /* Protocol field and payload side by side, after the header's room. */
    uint8_t *plain = c->txbuf + UPPP_MPPE_HDR_LEN;
    plain[0] = (uint8_t)(proto >> 8);
    plain[1] = (uint8_t)proto;
    memcpy(plain + 2, pkt, len);
    if (c->tx_flush_each || (c->tx != NULL && uppp_mppe_next_flushed(c->tx)))
        uppp_mppc_comp_flush(c->comp);
    unsigned fl;
    int m = uppp_mppc_compress(c->comp, plain, len + 2, c->cbuf, c->txcap, &fl);
    int n;
    if (m < 0) {
        n = m;
    } else if (c->tx != NULL) {
        n = uppp_mppe_encrypt_mppc(c->tx, fl, c->cbuf, (size_t)m, c->txbuf, c->txcap);
    } else {
        c->tx_cc = (c->tx_cc + 1) & UPPP_MPPE_CCOUNT_MASK;
        uppp_ccp_hdr_put(c->txbuf, fl, c->tx_cc);
        memcpy(c->txbuf + UPPP_MPPE_HDR_LEN, c->cbuf, (size_t)m);
        n = m + UPPP_MPPE_HDR_LEN;
    }
    if (m > 0)
        uppp_memzero(c->cbuf, (size_t)m);
    if (n < 0) {
        uppp_memzero(c->txbuf, len + UPPP_MPPE_OVERHEAD);
        s->stats.dropped_other++;
        uppp_log(s, UPPP_LOG_ERR, "MPPC: cannot send a packet: %s", uppp_strerror(n));
        return UPPP_ERR_DROPPED;
    }
    /* What is left of the plaintext past the (shorter) packet. */
    if ((size_t)n < len + UPPP_MPPE_OVERHEAD)
        uppp_memzero(c->txbuf + n, len + UPPP_MPPE_OVERHEAD - (size_t)n);
    s->stats.packets_out++;
    uppp_send_packet(s, UPPP_PROTO_COMP, c->txbuf, (size_t)n);
    return 0;
}

int uppp_ccp_mppc_expand(struct uppp_session *s, struct uppp_ccp_mppe *c, unsigned bits,
                         const uint8_t *data, size_t len, struct uppp_ccp_plain *out)
{
    const uint8_t *p;
    size_t pl;
    int rc = uppp_mppc_decompress(c->decomp, bits, data, len, c->rxcap, &p, &pl);
    if (rc != 0) {
        s->stats.dropped_other++;
        if (s->cfg.debug)
            uppp_log(s, UPPP_LOG_DEBUG, "MPPC: dropped a packet: %s", uppp_strerror(rc));
        return 0;
    }
    /* The protocol field, PFC-compressed or not (RFC 1661 section 6.5). */
    size_t hl = pl >= 1 && (p[0] & 1) ? 1 : 2;
    if (pl < hl || (hl == 2 && !(p[1] & 1))) {
        /* Nonsense out of the history: it is not the sender's. */
        uppp_mppc_decomp_lost(c->decomp);
        s->stats.dropped_other++;
        return 0;
    }
    out->proto = hl == 1 ? p[0] : (uint16_t)(p[0] << 8 | p[1]);
    out->data = p + hl;
    out->len = pl - hl;
    return 1;
}

int uppp_ccp_mppc_input(struct uppp_session *s, struct uppp_ccp_mppe *c, const uint8_t *pkt,
                        size_t len, struct uppp_ccp_plain *out, int *need_reset)
{
    *need_reset = 0;
    if (len < UPPP_MPPE_HDR_LEN + 1 || (uppp_ccp_hdr_flags(pkt) & UPPP_MPPE_BIT_D)) {
        /* Too short, or encrypted on a link without MPPE (FreeBSD refuses
         * it too). */
        s->stats.dropped_other++;
        return 0;
    }
    unsigned bits = uppp_ccp_hdr_flags(pkt), cc = uppp_ccp_hdr_count(pkt);
    if (c->rx_seen) {
        unsigned ahead = (cc - c->rx_cc - 1) & UPPP_MPPE_CCOUNT_MASK;
        if (ahead >= UPPP_MPPE_CCOUNT_SPACE - OLD_WINDOW) {
            s->stats.dropped_other++;
            return 0;
        }
        if (ahead != 0 && !(bits & UPPP_MPPE_BIT_A))
            uppp_mppc_decomp_lost(c->decomp);
    }
    c->rx_cc = cc;
    c->rx_seen = 1;
    int rc =
        uppp_ccp_mppc_expand(s, c, bits, pkt + UPPP_MPPE_HDR_LEN, len - UPPP_MPPE_HDR_LEN, out);
    if (rc == 0 && uppp_mppc_decomp_waiting(c->decomp))
        *need_reset = 1;
    return rc;
}
