/*
 * MPPE as a CCP method (struct uppp_ccp_method, ccp.h): the negotiation of
 * CCP option 18 (RFC 3078 section 2, pppd 2.4.9's rules, at the end of
 * this file) and the data path: network packets 0x0021..0x00FA out as
 * protocol 0x00FD (RFC 3078 section 3, RFC 1962 section 2.1), 0x00FD in,
 * and the Reset-Request/Reset-Ack exchange of RFC 1962 section 3.1 that
 * resynchronises stateful MPPE (RFC 3078 section 8.2). The cipher is
 * uppp/mppe.h; this file ties it to the link.
 *
 * Order matters with Linux peers. After it detects a loss, Linux's
 * ppp_generic (SC_DC_ERROR) hands every MPPE packet to pppd undecrypted
 * until a Reset-Ack arrives, so on a Reset-Request we send the Reset-Ack
 * first and only then make the next data packet FLUSHED: a FLUSHED packet
 * that overtook the Reset-Ack would be wasted there, and recovery would
 * wait for the next flag packet, up to 256 packets later.
 *
 * As a receiver we ask again (same identifier, RFC 1962 section 3.1) every
 * UPPP_CCP_RESET_TIMEOUT_MS, or sooner when packets keep being discarded
 * (UPPP_CCP_RESET_REPEAT_DISCARDS), while no Reset-Ack has come and the
 * cipher is still discarding, at most Max-Configure times; a packet
 * discarded after the Reset-Ack starts a new request, as pppd does.
 *
 * Stateful packets that decrypt to junk also draw a Reset-Request, and a
 * long run of them a CCP renegotiation (UPPP_CCP_DESYNC_LIMIT): the only
 * way back once Linux-style resets have left the two ciphers a key change
 * apart.
 */
#include "ppp.h"
#include "ccp_mppe.h"

#include <uppp/err.h>
#include <uppp/mppc.h>
#include <uppp/mppe.h>
#include <uppp/mppe_wire.h>

#include "crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Receive buffer slack over our MRU: peers that overshoot it a little
 * (pppd and Linux accept a few octets more) still get through. */
#define RX_SLACK 64

static int new_cipher(struct uppp_session *s, struct uppp_ccp_mppe *c, struct uppp_mppe **out,
                      uint32_t bits, const uint8_t nt_start[16])
{
    struct uppp_mppe_config mc;
    memset(&mc, 0, sizeof(mc));
    mc.bits = uppp_ccp_mppe_strength(bits);
    mc.stateless = (bits & UPPP_MPPE_OPT_H) != 0;
    mc.mppc = (bits & UPPP_MPPE_OPT_C) != 0;
    /* Linux-compatible by default, answering Reset-Requests on the flag
     * packet so that a lost answer cannot desync a pppd peer for good (see
     * enum uppp_mppe_reset_policy). */
    mc.reset_policy = s->cfg.mppe_rfc_reset           ? UPPP_MPPE_RESET_RFC3078
                      : s->cfg.mppe_linux_exact_reset ? UPPP_MPPE_RESET_LINUX
                                                      : UPPP_MPPE_RESET_LINUX_FLAG;
    /* RFC 3079 sections 2.1, 2.2: after MS-CHAPv1, 40 and 56 bits are keyed
     * from the LAN Manager hash (the same key both ways); otherwise the
     * direction's start key, of which 40/56 bits use the first 8 octets. */
    const uint8_t *key = nt_start;
    if (mc.bits < 128 && c->keys.method == UPPP_AUTH_MSCHAP_V1 && c->keys.have_lm)
        key = c->keys.lm_start;
    memcpy(mc.start_key, key, sizeof(mc.start_key));
    int rc = uppp_mppe_new(out, &mc);
    uppp_memzero(&mc, sizeof(mc));
    return rc;
}

static void mppe_close(struct uppp_session *s, void *st);

/* Create both ciphers from the negotiated options and the start keys.
 * Returns 0 or a negative uppp_err. */
static int open_ciphers(struct uppp_session *s, struct uppp_ccp_mppe *c)
{
    mppe_close(s, c);
    unsigned our_mru = s->cfg.mru > UPPP_LCP_DEFAULT_MRU ? s->cfg.mru : UPPP_LCP_DEFAULT_MRU;
    /* An MPPE frame is the IP MTU's packet plus UPPP_MPPE_OVERHEAD, which
     * is the link MTU; a new LCP negotiation reopens CCP, so it holds. */
    c->txcap = uppp_link_mtu(s);
    c->rxcap = our_mru + RX_SLACK;
    c->txbuf = malloc(c->txcap);
    /* rxbuf is allocated on the first packet that needs it: over async
     * HDLC every packet is decrypted in place (mppe_input). */
    if (c->txbuf == NULL) {
        mppe_close(s, c);
        return UPPP_ERR_NOMEM;
    }
    /* got: what the peer Acked of our request, i.e. what we receive; his:
     * the peer's request we Acked, what we send (RFC 1962 section 4).
     * Without a strength (MPPC alone) a direction has no cipher. */
    int rc = 0;
    if (uppp_ccp_mppe_strength(c->got.bits))
        rc = new_cipher(s, c, &c->rx, c->got.bits, c->keys.recv_start);
    if (rc == 0 && uppp_ccp_mppe_strength(c->his.bits))
        rc = new_cipher(s, c, &c->tx, c->his.bits, c->keys.send_start);
    if (rc == 0)
        rc = uppp_ccp_mppc_open(s, c);
    if (rc != 0) {
        mppe_close(s, c);
        return rc;
    }
    return 0;
}

static void mppe_close(struct uppp_session *s, void *st)
{
    struct uppp_ccp_mppe *c = st;
    (void)s;
    uppp_mppe_del(c->tx);
    uppp_mppe_del(c->rx);
    c->tx = c->rx = NULL;
    uppp_ccp_mppc_close(c);
    /* Plaintext passed through both buffers. */
    if (c->txbuf)
        uppp_memzero(c->txbuf, c->txcap);
    if (c->rxbuf)
        uppp_memzero(c->rxbuf, c->rxcap);
    if (c->rx_plain_at == c->rxbuf) {
        /* Wiped above. (Plaintext in the transport's buffer stays
         * pointed at: input_done still wipes it.) */
        c->rx_plain_at = NULL;
        c->rx_plain = 0;
    }
    free(c->txbuf);
    free(c->rxbuf);
    c->txbuf = c->rxbuf = NULL;
    c->txcap = c->rxcap = 0;
    c->rreq_pending = 0;
    c->rreq_tries = 0;
    c->rreq_deadline = 0;
    c->rx_resyncs = 0;
    c->rx_lost_answers = 0;
    c->rreq_discards = 0;
    c->rreq_repeat_at = 0;
    c->nonsense = 0;
}

/* The cipher is beyond repair (sanity exhausted, crypto failure): pppd's
 * ccp_datainput closes CCP and, MPPE being required, LCP. */
static void mppe_fatal(struct uppp_session *s, const char *what)
{
    uppp_log(s, UPPP_LOG_ERR, "%s", what);
    uppp_log(s, UPPP_LOG_ERR, "Too many MPPE errors, closing LCP");
    uppp_post_end(s, UPPP_QEV_CLOSE, UPPP_END_NEGOTIATION_FAILED, "Too many MPPE errors");
}

static int mppe_send(struct uppp_session *s, void *st, uint16_t proto, const uint8_t *pkt,
                     size_t len)
{
    struct uppp_ccp_mppe *c = st;
    if (c->txbuf != NULL && c->tx == NULL && c->comp == NULL && uppp_ccp_opened(s) &&
        uppp_mppe_protocol_encrypted(proto)) {
        /* MPPC alone, agreed for the other direction only: this one goes
         * as it is (RFC 1962 section 4 lets the directions differ). */
        s->stats.packets_out++;
        uppp_send_packet(s, proto, pkt, len);
        return 0;
    }
    if ((c->tx == NULL && c->comp == NULL) || !uppp_ccp_opened(s)) {
        /* MPPE is in force but being renegotiated: never in the clear. */
        s->stats.dropped_clear++;
        return UPPP_ERR_DROPPED;
    }
    if (c->comp != NULL) {
        if (!uppp_mppe_protocol_encrypted(proto)) {
            s->stats.dropped_other++;
            return UPPP_ERR_DROPPED;
        }
        return uppp_ccp_mppc_send(s, c, proto, pkt, len);
    }
    /* send_ip has already refused anything over the IP MTU (the buffer is
     * sized from the same uppp_link_mtu()); this is the buffer's own guard. */
    if (!uppp_mppe_protocol_encrypted(proto) || len + UPPP_MPPE_OVERHEAD > c->txcap) {
        s->stats.dropped_other++;
        return UPPP_ERR_DROPPED;
    }
    /* In place: the payload goes where the cipher wants it, after the
     * 2-octet header and the 2-octet protocol. */
    memcpy(c->txbuf + UPPP_MPPE_OVERHEAD, pkt, len);
    int n = uppp_mppe_encrypt(c->tx, proto, c->txbuf + UPPP_MPPE_OVERHEAD, len, c->txbuf, c->txcap);
    if (n < 0) {
        s->stats.dropped_other++;
        mppe_fatal(s, "MPPE: encryption failed");
        return UPPP_ERR_DROPPED;
    }
    s->stats.packets_out++;
    uppp_send_packet(s, UPPP_PROTO_COMP, c->txbuf, (size_t)n);
    return 0;
}

static void send_reset_request(struct uppp_session *s, struct uppp_ccp_mppe *c, int fresh)
{
    if (fresh) {
        /* RFC 1962 section 3.1: a new identifier for a new request. */
        c->rreq_id = uppp_ccp_next_id(s);
        c->rreq_tries = 0;
        c->rreq_pending = 1;
    }
    uppp_ccp_send_code(s, UPPP_CCP_RESETREQ, c->rreq_id, NULL, 0);
    c->rreq_repeat_at = c->rreq_tries == 0 ? UPPP_CCP_RESET_REPEAT_DISCARDS : c->rreq_repeat_at * 2;
    c->rreq_discards = 0;
    c->rreq_tries++;
    s->stats.mppe_resets_sent++;
    c->rreq_deadline = s->now + UPPP_CCP_RESET_TIMEOUT_MS;
    if (c->rreq_deadline == 0)
        c->rreq_deadline = 1;
}

/* A packet was discarded for want of a reset: ask, or ask again early
 * (RFC 1962 section 3.1, same identifier) when discards pile up. */
static void ask_reset(struct uppp_session *s, struct uppp_ccp_mppe *c)
{
    if (!c->rreq_pending)
        send_reset_request(s, c, 1);
    else if (++c->rreq_discards >= c->rreq_repeat_at && c->rreq_tries < uppp_ccp_max_tries(s))
        send_reset_request(s, c, 0);
}

static void reset_done(struct uppp_ccp_mppe *c)
{
    c->rreq_pending = 0;
    c->rreq_deadline = 0;
}

/* Count a stateful packet that decrypted to junk; 1 if that was one too
 * many and CCP is being renegotiated (see UPPP_CCP_DESYNC_LIMIT). */
static int junk(struct uppp_session *s, struct uppp_ccp_mppe *c)
{
    if (++c->nonsense < UPPP_CCP_DESYNC_LIMIT)
        return 0;
    c->nonsense = 0;
    uppp_log(s, UPPP_LOG_WARN,
             "MPPE: %d packets in a row decrypt to nonsense: keys out of step, renegotiating CCP",
             UPPP_CCP_DESYNC_LIMIT);
    uppp_ccp_renegotiate(s);
    return 1;
}

/* Decrypt buf (len octets) in place and judge the result. */
static int decrypt_at(struct uppp_session *s, struct uppp_ccp_mppe *c, uint8_t *buf, size_t len,
                      struct uppp_ccp_plain *out)
{
    struct uppp_mppe_rx rx;
    int rc = uppp_mppe_decrypt(c->rx, buf, len, &rx);

    struct uppp_mppe_stats st;
    if (uppp_mppe_get_stats(c->rx, &st) == 0 && st.resyncs != c->rx_resyncs) {
        /* A FLUSHED packet put us back in step (RFC 3078 section 8.2);
         * whatever the Reset-Ack does now, there is nothing to repeat. */
        s->stats.mppe_resyncs += st.resyncs - c->rx_resyncs;
        c->rx_resyncs = st.resyncs;
        reset_done(c);
        if (st.resync_extra_keys != c->rx_lost_answers && s->cfg.debug)
            /* A Linux peer's FLUSHED answer to an earlier Reset-Request was
             * lost too; the cipher found the extra key change (mppe.h). */
            uppp_log(s, UPPP_LOG_DEBUG,
                     "MPPE: resynced %llu key change(s) further on: the peer's earlier "
                     "FLUSHED answer was lost",
                     (unsigned long long)(st.resync_extra_keys - c->rx_lost_answers));
        c->rx_lost_answers = st.resync_extra_keys;
    }

    int stateful = !(c->got.bits & UPPP_MPPE_OPT_H);
    if (rc != UPPP_MPPE_OK && !(rc == UPPP_MPPE_DROP && rx.reason == UPPP_MPPE_DROP_OLD_COUNT))
        /* A packet the sender's history holds and ours will not: until
         * the next FLUSHED packet nothing compressed makes sense. */
        uppp_mppc_decomp_lost(c->decomp);
    if (rc == UPPP_MPPE_OK && c->decomp != NULL) {
        /* RFC 3078 section 3.1: decrypt, then decompress. */
        struct uppp_ccp_plain p;
        if (!uppp_ccp_mppc_expand(s, c, rx.bits, rx.payload, rx.payload_len, &p)) {
            /* Stateless: the next packet flushes the history anyway. */
            if (!(c->got.bits & UPPP_MPPE_OPT_H))
                ask_reset(s, c);
            return 0;
        }
        rx.protocol = p.proto;
        rx.payload = (uint8_t *)p.data;
        rx.payload_len = p.len;
    }
    switch (rc) {
    case UPPP_MPPE_OK:
        if (rx.protocol == UPPP_PROTO_IP || rx.protocol == UPPP_PROTO_IPV6) {
            c->nonsense = 0;
        } else if (stateful) {
            /* Nothing we carry: most likely junk that happened to pass the
             * cipher's protocol check; treated as below, and the cipher
             * resyncs on the next FLUSHED packet. */
            if (junk(s, c))
                return 0;
            (void)uppp_mppe_rx_junk(c->rx);
            uppp_mppc_decomp_lost(c->decomp);
            if (!c->rreq_pending)
                send_reset_request(s, c, 1);
        }
        /* The session delivers it, then calls input_done (the wipe). */
        out->proto = rx.protocol;
        out->data = rx.payload;
        out->len = rx.payload_len;
        return 1;
    case UPPP_MPPE_NEED_RESET:
        s->stats.dropped_other++;
        if (!c->rreq_pending)
            send_reset_request(s, c, 1);
        return 0;
    case UPPP_MPPE_DROP:
        s->stats.dropped_other++;
        if (rx.reason == UPPP_MPPE_DROP_WAIT_FLUSHED) {
            if (!c->rreq_pending) {
                /* Still discarding after the Reset-Ack came: the FLUSHED
                 * answer was lost; ask again (pppd does the same on the
                 * next error). */
                send_reset_request(s, c, 1);
            } else if (++c->rreq_discards >= c->rreq_repeat_at &&
                       c->rreq_tries < uppp_ccp_max_tries(s)) {
                /* RFC 1962 section 3.1: repeat, same identifier. */
                send_reset_request(s, c, 0);
            }
        } else if (rx.reason == UPPP_MPPE_DROP_BAD_PROTOCOL && stateful) {
            if (junk(s, c))
                return 0;
            /* A packet that decrypts to nonsense: damage, or the two RC4
             * streams parted (a corrupted header made us re-key). A reset
             * costs nothing when in step and realigns the streams under
             * RFC 3078 resets; Linux itself never notices. */
            if (!c->rreq_pending)
                send_reset_request(s, c, 1);
        }
        if (s->cfg.debug)
            uppp_log(s, UPPP_LOG_DEBUG, "MPPE: dropped a packet: %s",
                     uppp_mppe_drop_reason_str(rx.reason));
        return 0;
    case UPPP_MPPE_FATAL:
    default:
        s->stats.dropped_other++;
        mppe_fatal(s, rc == UPPP_MPPE_FATAL ? "MPPE: the peer sent too many undecryptable packets"
                                            : "MPPE: decryption failed");
        return 0;
    }
}

static int mppe_input(struct uppp_session *s, void *state, const uint8_t *pkt, size_t len,
                      int writable, struct uppp_ccp_plain *out)
{
    struct uppp_ccp_mppe *c = state;
    if ((c->rx == NULL && c->decomp == NULL) || !uppp_ccp_opened(s) || len > c->rxcap) {
        /* Not (yet) agreed, being renegotiated, or larger than our MRU. */
        s->stats.dropped_other++;
        return 0;
    }
    if (c->rx == NULL) {
        /* MPPC alone: nothing to decrypt, and the history keeps what it
         * hands out (not wiped by input_done). */
        int need_reset;
        int rc = uppp_ccp_mppc_input(s, c, pkt, len, out, &need_reset);
        if (need_reset)
            ask_reset(s, c);
        if (rc == 1 && out->data >= pkt && out->data < pkt + len && writable) {
            c->rx_plain_at = (uint8_t *)pkt;
            c->rx_plain = len;
        }
        return rc;
    }
    uint8_t *buf;
    if (writable) {
        /* The transport's receive buffer, ours until the next frame:
         * decrypt in place, no copy and no buffer of our own. */
        buf = (uint8_t *)pkt;
    } else {
        /* The caller's (whole-frame transports): copy first. */
        if (c->rxbuf == NULL && (c->rxbuf = malloc(c->rxcap)) == NULL) {
            uppp_log(s, UPPP_LOG_ERR, "MPPE: out of memory: packet dropped");
            s->stats.dropped_other++;
            return 0;
        }
        memcpy(c->rxbuf, pkt, len);
        buf = c->rxbuf;
    }
    int rc = decrypt_at(s, c, buf, len, out);
    if (rc == 1) {
        /* Plaintext: the session delivers it, then input_done wipes it. */
        c->rx_plain_at = buf;
        c->rx_plain = len;
    } else if (writable) {
        /* Dropped, maybe half decrypted: leave no plaintext behind. (A
         * copy in rxbuf is wiped when the cipher closes.) */
        uppp_memzero(buf, len);
    }
    return rc;
}

/* How far into a fresh data path the first datagram we see from the peer
 * may be: its earlier ones may have been lost too. */
#define FRESH_COUNT_WINDOW 256

/* Could pkt be among the peer's first datagrams under our current request
 * (want: what we receive)? Both ends start counting at 0 (RFC 3078
 * section 3.1's count; Linux ppp_mppe and uppp/mppe.h alike), D is set
 * exactly when the request has a strength. A stale datagram of an earlier
 * agreement, overtaken by a renegotiation, mostly fails the count. */
static int mppe_fresh(const void *st, const uint8_t *pkt, size_t len)
{
    const struct uppp_ccp_mppe *c = st;
    if (!c->want.on || len <= UPPP_MPPE_HDR_LEN)
        return 0;
    int encrypted = (c->want.bits & (UPPP_MPPE_OPT_S | UPPP_MPPE_OPT_M | UPPP_MPPE_OPT_L)) != 0;
    int d = (uppp_ccp_hdr_flags(pkt) & UPPP_MPPE_BIT_D) != 0;
    return d == encrypted && uppp_ccp_hdr_count(pkt) < FRESH_COUNT_WINDOW;
}

static void mppe_reset_request(struct uppp_session *s, void *st, uint8_t id)
{
    struct uppp_ccp_mppe *c = st;
    s->stats.mppe_resets_rcvd++;
    /* Reset-Ack first, then FLUSHED on the next data packet (see the top
     * of this file). RFC 1962 section 3.1: the identifier is copied. */
    uppp_ccp_send_code(s, UPPP_CCP_RESETACK, id, NULL, 0);
    if (c->tx != NULL)
        uppp_mppe_reset_requested(c->tx);
    /* RFC 2118 section 4.3: the history too (the cipher's FLUSHED packet
     * flushes it anyway; without MPPE this is the whole answer). */
    uppp_mppc_comp_flush(c->comp);
}

static void mppe_reset_ack(struct uppp_session *s, void *st, uint8_t id)
{
    struct uppp_ccp_mppe *c = st;
    (void)s;
    /* RFC 1962 section 3.1: only the Ack of the request in progress counts;
     * the cipher resyncs on the FLUSHED packet itself. */
    if (c->rreq_pending && id == c->rreq_id)
        reset_done(c);
}

/* Repeat an unanswered Reset-Request when its time has come. */
static void mppe_timer(struct uppp_session *s, void *st, uint64_t now)
{
    struct uppp_ccp_mppe *c = st;
    if (c->rreq_deadline == 0 || now < c->rreq_deadline)
        return;
    c->rreq_deadline = 0;
    int waiting =
        (c->rx != NULL && uppp_mppe_rx_waiting(c->rx)) || uppp_mppc_decomp_waiting(c->decomp);
    if (!c->rreq_pending || !uppp_ccp_opened(s) || !waiting ||
        c->rreq_tries >= uppp_ccp_max_tries(s)) {
        /* In step again, or asked often enough: the next discarded packet
         * starts a new request. */
        reset_done(c);
        return;
    }
    send_reset_request(s, c, 0);
}

/* ---- negotiation (RFC 3078 section 2, pppd 2.4.9 ccp.c semantics; see
 * the top of ccp.c for the rules and our deliberate differences) ---- */

#define H_BIT UPPP_MPPE_OPT_H
#define C_BIT UPPP_MPPE_OPT_C
#define STRENGTHS (UPPP_MPPE_OPT_S | UPPP_MPPE_OPT_M | UPPP_MPPE_OPT_L)

/* pppd's failure texts (ccp.c), which admins grep for; plain ones where the
 * link carries on (mppe-optional). When we asked for MPPC alone (no
 * strength to offer) the texts name MPPC: "peer refused MPPE" would send
 * the admin after encryption that was never asked for. Encryption
 * required always names MPPE. */
static const char *mppe_fail_text(const void *st, enum uppp_ccp_fail k, int required)
{
    const struct uppp_ccp_mppe *c = st;
    if (!required && c->allowed == 0 && c->mppc_ok) {
        switch (k) {
        case UPPP_CCP_FAIL_REFUSED:
            return "peer refused MPPC";
        case UPPP_CCP_FAIL_NEGOTIATION:
            return "MPPC negotiation with peer failed";
        case UPPP_CCP_FAIL_NOT_AVAILABLE:
            break;
        }
        return "MPPC not available";
    }
    switch (k) {
    case UPPP_CCP_FAIL_REFUSED:
        return required ? "MPPE required but peer refused" : "peer refused MPPE";
    case UPPP_CCP_FAIL_NEGOTIATION:
        return required ? "MPPE required but peer negotiation failed"
                        : "MPPE negotiation with peer failed";
    case UPPP_CCP_FAIL_NOT_AVAILABLE:
        break;
    }
    return required ? "MPPE required but not available" : "MPPE not available";
}

int uppp_ccp_mppe_strength(uint32_t bits)
{
    if (bits & UPPP_MPPE_OPT_S)
        return 128;
    if (bits & UPPP_MPPE_OPT_M)
        return 56;
    if (bits & UPPP_MPPE_OPT_L)
        return 40;
    return 0;
}

static uint32_t strongest(uint32_t bits)
{
    if (bits & UPPP_MPPE_OPT_S)
        return UPPP_MPPE_OPT_S;
    if (bits & UPPP_MPPE_OPT_M)
        return UPPP_MPPE_OPT_M;
    return bits & UPPP_MPPE_OPT_L;
}

/* Strengths we may use with the keys at hand (UPPP_MPPE_OPT_S/M/L). */
static uint32_t allowed_strengths(struct uppp_session *s, const struct uppp_keys *keys)
{
    uint32_t a = 0;
    if (s->cfg.mppe_bits & 1)
        a |= UPPP_MPPE_OPT_L;
    if (s->cfg.mppe_bits & 2)
        a |= UPPP_MPPE_OPT_M;
    if (s->cfg.mppe_bits & 4)
        a |= UPPP_MPPE_OPT_S;
    if (keys->method == UPPP_AUTH_MSCHAP_V1 && !keys->have_lm &&
        (a & (UPPP_MPPE_OPT_L | UPPP_MPPE_OPT_M))) {
        /* RFC 3079 sections 2.1, 2.2: after MS-CHAPv1, 40 and 56 bits are
         * keyed from the LAN Manager hash, which an NT-hash secret lacks. */
        uppp_log(s, UPPP_LOG_NOTICE, "Disabling 40/56-bit MPPE; MS-CHAP LM keys not available");
        a &= UPPP_MPPE_OPT_S;
    }
    return a;
}

static int mppe_offer(struct uppp_session *s, void *st, const struct uppp_keys *keys)
{
    struct uppp_ccp_mppe *c = st;
    c->keys = *keys;
    c->stateful_ok = s->cfg.mppe_stateful_ok || s->cfg.mppe_want_stateful;
    c->allowed = 0;
    if (s->cfg.mppe != UPPP_MPPE_OFF && keys->have)
        c->allowed = allowed_strengths(s, keys);
    if (c->allowed == 0 && keys->have && s->cfg.mppe >= UPPP_MPPE_OPTIONAL)
        uppp_log(s, UPPP_LOG_ERR, "MPPE: no key strength left to negotiate");
    /* MPPC (RFC 2118) is the C bit of the same option: asked for with
     * MPPE, or alone (mpd5 and Windows do both). */
    c->mppc_ok = s->cfg.mppc != 0;
    return c->allowed != 0 || c->mppc_ok;
}

static void mppe_resetci(struct uppp_session *s, void *st)
{
    struct uppp_ccp_mppe *c = st;
    int offer = c->allowed != 0 || c->mppc_ok;
    c->want.on = offer;
    c->want.bits = 0;
    if (c->allowed != 0)
        c->want.bits = (s->cfg.mppe_want_stateful ? 0 : H_BIT) | c->allowed;
    if (c->mppc_ok)
        c->want.bits |= C_BIT;
    c->got.on = 0;
    c->asked_stateful = 0;
    c->said_no_mppc = 0;
}

static size_t mppe_addci(struct uppp_session *s, void *st, uint8_t *buf, size_t cap)
{
    struct uppp_ccp_mppe *c = st;
    (void)s;
    if (!c->want.on || cap < UPPP_CCP_OPT_MPPE_LEN)
        return 0;
    buf[0] = UPPP_CCP_OPT_MPPE;
    buf[1] = UPPP_CCP_OPT_MPPE_LEN;
    uppp_put32(buf + 2, c->want.bits);
    return UPPP_CCP_OPT_MPPE_LEN;
}

static void mppe_acked(struct uppp_session *s, void *st)
{
    struct uppp_ccp_mppe *c = st;
    (void)s;
    c->got = c->want;
}

static int mppe_nakci(struct uppp_session *s, void *st, const uint8_t *o, size_t olen)
{
    struct uppp_ccp_mppe *c = st;
    if (olen != UPPP_CCP_OPT_MPPE_LEN || !c->want.on)
        return 0; /* not a suggestion for what we sent: ignored */
    uint32_t n = uppp_get32(o + 2);
    /* (Stateful MPPC alone is MPPC's normal mode, not refused.) */
    if (!(n & H_BIT) && !c->stateful_ok && ((n & STRENGTHS) || !(c->want.bits & C_BIT))) {
        uppp_log(s, UPPP_LOG_ERR, "Refusing MPPE stateful mode offered by peer");
        return -UPPP_CCP_FAIL_NEGOTIATION;
    }
    /* MPPC may be Nakked away, or be all that is left when encryption is
     * not wanted for sure (mppe-optional or require-mppe want it). */
    int mppe_needed = (c->want.bits & STRENGTHS) && s->cfg.mppe >= UPPP_MPPE_OPTIONAL;
    if ((n & ~(H_BIT | (c->want.bits & (STRENGTHS | C_BIT)))) != 0 ||
        !(n & (mppe_needed ? STRENGTHS : STRENGTHS | C_BIT))) {
        /* RFC 3078 section 2.1: the initiator may only take one of the
         * options it offered. Anything else: give up, as pppd does. */
        uppp_log(s, UPPP_LOG_INFO, "CCP: peer suggests MPPE bits 0x%08x, we offered 0x%08x", n,
                 c->want.bits);
        return -UPPP_CCP_FAIL_NEGOTIATION;
    }
    c->want.bits = n;
    return 1;
}

/* Judge the peer's MPPE option: UPPP_CONFACK as requested, UPPP_CONFNAK
 * with our counter-proposal in sug, or UPPP_CONFREJ. pppd 2.4.9
 * ccp_reqci, generalised to 56 bits. */
static int mppe_reqci(struct uppp_session *s, void *st, const uint8_t *o, size_t olen, uint8_t *sug,
                      size_t *nsug)
{
    struct uppp_ccp_mppe *c = st;
    if (olen != UPPP_CCP_OPT_MPPE_LEN)
        return UPPP_CONFREJ;
    uint32_t n = uppp_get32(o + 2);
    if ((n & C_BIT) && !(n & STRENGTHS) && !c->mppc_ok && !c->said_no_mppc) {
        /* The peer asks for compression alone, which we do not do: say
         * so in MPPC's name (the Reject, or the Nak to encryption, that
         * follows would otherwise only show up as MPPE bits). Once per
         * negotiation, not per retransmission. */
        c->said_no_mppc = 1;
        uppp_log(s, UPPP_LOG_INFO, "Refusing MPPC requested by peer (mppc not enabled)");
    }
    if (c->allowed == 0 && !c->mppc_ok)
        return UPPP_CONFREJ;
    int verdict = UPPP_CONFACK;
    /* RFC 3078 section 2: D is obsolete and SHOULD NOT be accepted, C is
     * MPPC (RFC 2118: kept if we do it), the reserved bits MUST be 0: Nak
     * them away. */
    uint32_t ours = H_BIT | STRENGTHS | (c->mppc_ok ? C_BIT : 0);
    if (n & ~ours) {
        verdict = UPPP_CONFNAK;
        n &= ours;
    }
    if (c->allowed == 0) {
        /* MPPC alone: no strength to give, none taken. */
        if (n & STRENGTHS) {
            verdict = UPPP_CONFNAK;
            n &= ~STRENGTHS;
        }
        if (!(n & C_BIT))
            return UPPP_CONFREJ;
        goto done;
    }
    if (!(n & H_BIT) && !c->stateful_ok && ((n & STRENGTHS) || !c->mppc_ok)) {
        /* pppd Rejects rather than Nakking with H (stateful mode is bad
         * over the Internet; a peer that can do stateless asks for it). */
        uppp_log(s, UPPP_LOG_ERR, "Refusing MPPE stateful mode offered by peer");
        return UPPP_CONFREJ;
    }
    /* The same identifier is the same request sent again: our Nak was
     * lost (pppd keeps the identifier when it retransmits, RFC 1661
     * section 5.1), so it is no answer to it. Seen in the PPTP bed under
     * netem: that retransmission Acked, the directions differed, and pppd
     * ended the link when our own late Configure-Request reopened CCP. */
    int resent = c->asked_stateful && s->ccp.fsm.rcr_id == c->asked_stateful_id;
    if ((n & H_BIT) && s->cfg.mppe_want_stateful && (!c->asked_stateful || resent)) {
        /* pppd 2.4.9 always asks for stateless, and switches its request
         * to stateful when Nakked so if it has mppe-stateful (ccp.c
         * ccp_nakci). Without this Nak the two directions would differ.
         * Asked once per negotiation: a peer that asks for stateless again
         * in a new request gets stateless in its direction. */
        c->asked_stateful = 1;
        c->asked_stateful_id = s->ccp.fsm.rcr_id;
        verdict = UPPP_CONFNAK;
        n &= ~H_BIT;
    }
    uint32_t req = n & STRENGTHS, common = req & c->allowed;
    if (req & (req - 1)) {
        /* Several strengths: RFC 3078 section 2.1, the strongest. */
        if (!common)
            return UPPP_CONFREJ;
        verdict = UPPP_CONFNAK;
        n = (n & ~STRENGTHS) | strongest(common);
    } else if (req) {
        if (!common)
            return UPPP_CONFREJ;
    } else {
        /* None: tell the peer what it can choose from. */
        verdict = UPPP_CONFNAK;
        n = (n & (H_BIT | C_BIT)) | c->allowed;
    }
done:
    if (verdict == UPPP_CONFACK) {
        c->pend.on = 1;
        c->pend.bits = n;
    } else {
        sug[0] = UPPP_CCP_OPT_MPPE;
        sug[1] = UPPP_CCP_OPT_MPPE_LEN;
        uppp_put32(sug + 2, n);
        *nsug = UPPP_CCP_OPT_MPPE_LEN;
    }
    return verdict;
}

static void mppe_peer_acked(struct uppp_session *s, void *st, int had_option)
{
    struct uppp_ccp_mppe *c = st;
    (void)s;
    c->his.on = had_option && c->pend.on;
    c->his.bits = c->his.on ? c->pend.bits : 0;
    c->pend.on = 0;
    c->pend.bits = 0;
}

/* One direction's agreement in words: "MPPE 128-bit stateless", "MPPC",
 * "MPPE 128-bit stateful + MPPC", or "none". */
static void describe(char *out, size_t cap, const struct uppp_ccp_mppe_opt *o)
{
    int bits = o->on ? uppp_ccp_mppe_strength(o->bits) : 0;
    int mppc = o->on && (o->bits & C_BIT);
    if (bits)
        snprintf(out, cap, "MPPE %d-bit %s%s", bits, (o->bits & H_BIT) ? "stateless" : "stateful",
                 mppc ? " + MPPC" : "");
    else
        snprintf(out, cap, "%s", mppc ? "MPPC" : "none");
}

static void log_enabled(struct uppp_session *s, const struct uppp_ccp_mppe *c)
{
    char rx[48], tx[48];
    describe(rx, sizeof(rx), &c->got);
    describe(tx, sizeof(tx), &c->his);
    /* pppd's line ("MPPE 128-bit stateless compression enabled") names
     * what we receive; we name both directions when they differ. */
    if (strcmp(rx, tx) == 0)
        uppp_log(s, UPPP_LOG_NOTICE, "%s compression enabled", rx);
    else
        uppp_log(s, UPPP_LOG_NOTICE, "%s / %s compression enabled", rx, tx);
}

static int mppe_open(struct uppp_session *s, void *st, int offered)
{
    struct uppp_ccp_mppe *c = st;
    int rx_mppe = c->got.on && uppp_ccp_mppe_strength(c->got.bits);
    int tx_mppe = c->his.on && uppp_ccp_mppe_strength(c->his.bits);
    int mppc = (c->got.on && (c->got.bits & C_BIT)) || (c->his.on && (c->his.bits & C_BIT));
    if (!rx_mppe && !tx_mppe && mppc && s->cfg.mppe < UPPP_MPPE_OPTIONAL) {
        /* MPPC alone (RFC 2118), in one direction or both. */
        int rc = open_ciphers(s, c);
        if (rc != 0) {
            uppp_log(s, UPPP_LOG_ERR, "MPPC: cannot start: %s", uppp_strerror(rc));
            return -UPPP_CCP_FAIL_NOT_AVAILABLE;
        }
        c->bits = 0;
        c->stateless = 0;
        log_enabled(s, c);
        return 0;
    }
    if (rx_mppe != tx_mppe || !rx_mppe) {
        /* RFC 1962 section 4 lets a direction go uncompressed; MPPE must not
         * (RFC 3078 section 2: "if MPPE negotiation is attempted and fails,
         * the link SHOULD be terminated"). Without an offer there is
         * nothing to check: this link simply compresses nothing. */
        if (!offered)
            return 1;
        uppp_log(s, UPPP_LOG_INFO, "CCP: MPPE agreed for %s only",
                 rx_mppe   ? "receiving"
                 : tx_mppe ? "sending"
                           : "neither direction");
        return -UPPP_CCP_FAIL_NEGOTIATION;
    }
    int rc = open_ciphers(s, c);
    if (rc != 0) {
        uppp_log(s, UPPP_LOG_ERR, "MPPE: cannot start the cipher: %s", uppp_strerror(rc));
        return -UPPP_CCP_FAIL_NOT_AVAILABLE;
    }
    int rb = uppp_ccp_mppe_strength(c->got.bits), tb = uppp_ccp_mppe_strength(c->his.bits);
    c->bits = rb < tb ? rb : tb;
    c->stateless = (c->got.bits & H_BIT) && (c->his.bits & H_BIT);
    log_enabled(s, c);
    return 0;
}

static void mppe_input_done(void *st)
{
    struct uppp_ccp_mppe *c = st;
    if (c->rx_plain_at != NULL && c->rx_plain != 0)
        uppp_memzero(c->rx_plain_at, c->rx_plain);
    c->rx_plain_at = NULL;
    c->rx_plain = 0;
}

static int mppe_encrypts(const void *st)
{
    const struct uppp_ccp_mppe *c = st;
    return c->tx != NULL || c->rx != NULL;
}

static uint64_t mppe_deadline(const void *st)
{
    return ((const struct uppp_ccp_mppe *)st)->rreq_deadline;
}

static void mppe_status(const void *st, struct uppp_status *out)
{
    const struct uppp_ccp_mppe *c = st;
    out->mppe_bits = c->bits;
    out->mppe_stateless = c->stateless;
    out->mppc = (c->comp != NULL ? 1 : 0) | (c->decomp != NULL ? 2 : 0);
}

struct uppp_ccp_mppe *uppp_ccp_mppe_state(struct uppp_session *s)
{
    return s->ccp.method == &uppp_ccp_mppe_method ? s->ccp.st : NULL;
}

const struct uppp_ccp_method uppp_ccp_mppe_method = {
    .name = "MPPE",
    .opt = UPPP_CCP_OPT_MPPE,
    .state_size = sizeof(struct uppp_ccp_mppe),
    .overhead = UPPP_MPPE_OVERHEAD,
    .offer = mppe_offer,
    .resetci = mppe_resetci,
    .addci = mppe_addci,
    .acked = mppe_acked,
    .nakci = mppe_nakci,
    .reqci = mppe_reqci,
    .peer_acked = mppe_peer_acked,
    .open = mppe_open,
    .close = mppe_close,
    .send = mppe_send,
    .input = mppe_input,
    .input_done = mppe_input_done,
    .fresh = mppe_fresh,
    .reset_request = mppe_reset_request,
    .reset_ack = mppe_reset_ack,
    .timer = mppe_timer,
    .deadline = mppe_deadline,
    .encrypts = mppe_encrypts,
    .status = mppe_status,
    .fail_text = mppe_fail_text,
};
