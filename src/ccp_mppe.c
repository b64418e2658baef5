/*
 * The MPPE data path under CCP: network packets 0x0021..0x00FA out as
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

#include <uppp/err.h>
#include <uppp/mppe.h>

#include "crypto.h"

#include <stdlib.h>
#include <string.h>

/* Receive buffer slack over our MRU: peers that overshoot it a little
 * (pppd and Linux accept a few octets more) still get through. */
#define RX_SLACK 64

static int new_cipher(struct uppp_session *s, struct uppp_mppe **out, uint32_t bits,
                      const uint8_t nt_start[16])
{
    struct uppp_mppe_config mc;
    memset(&mc, 0, sizeof(mc));
    mc.bits = uppp_ccp_mppe_strength(bits);
    mc.stateless = (bits & UPPP_MPPE_OPT_H) != 0;
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
    if (mc.bits < 128 && s->keys.method == UPPP_AUTH_MSCHAP_V1 && s->keys.have_lm)
        key = s->keys.lm_start;
    memcpy(mc.start_key, key, sizeof(mc.start_key));
    int rc = uppp_mppe_new(out, &mc);
    uppp_memzero(&mc, sizeof(mc));
    return rc;
}

int uppp_ccp_mppe_open(struct uppp_session *s)
{
    struct uppp_ccp *c = &s->ccp;
    uppp_ccp_mppe_close(s);
    unsigned our_mru = s->cfg.mru > UPPP_LCP_DEFAULT_MRU ? s->cfg.mru : UPPP_LCP_DEFAULT_MRU;
    /* An MPPE frame is the IP MTU's packet plus UPPP_MPPE_OVERHEAD, which
     * is the link MTU; a new LCP negotiation reopens CCP, so it holds. */
    c->txcap = uppp_link_mtu(s);
    c->rxcap = our_mru + RX_SLACK;
    c->txbuf = malloc(c->txcap);
    c->rxbuf = malloc(c->rxcap);
    if (c->txbuf == NULL || c->rxbuf == NULL) {
        uppp_ccp_mppe_close(s);
        return UPPP_ERR_NOMEM;
    }
    /* got: what the peer Acked of our request, i.e. what we receive; his:
     * the peer's request we Acked, what we send (RFC 1962 section 4). */
    int rc = new_cipher(s, &c->rx, c->got.bits, s->keys.recv_start);
    if (rc == 0)
        rc = new_cipher(s, &c->tx, c->his.bits, s->keys.send_start);
    if (rc != 0) {
        uppp_ccp_mppe_close(s);
        return rc;
    }
    return 0;
}

void uppp_ccp_mppe_close(struct uppp_session *s)
{
    struct uppp_ccp *c = &s->ccp;
    uppp_mppe_del(c->tx);
    uppp_mppe_del(c->rx);
    c->tx = c->rx = NULL;
    /* Plaintext passed through both buffers. */
    if (c->txbuf)
        uppp_memzero(c->txbuf, c->txcap);
    if (c->rxbuf)
        uppp_memzero(c->rxbuf, c->rxcap);
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
    uppp_link_close(s, UPPP_END_NEGOTIATION_FAILED, "Too many MPPE errors");
}

int uppp_ccp_send(struct uppp_session *s, uint16_t proto, const uint8_t *pkt, size_t len)
{
    struct uppp_ccp *c = &s->ccp;
    if (c->tx == NULL || c->fsm.state != UPPP_FSM_OPENED) {
        /* MPPE is in force but being renegotiated: never in the clear. */
        s->stats.dropped_clear++;
        return 1;
    }
    /* send_ip has already refused anything over the IP MTU (the buffer is
     * sized from the same uppp_link_mtu()); this is the buffer's own guard. */
    if (!uppp_mppe_protocol_encrypted(proto) || len + UPPP_MPPE_OVERHEAD > c->txcap) {
        s->stats.dropped_other++;
        return 1;
    }
    /* In place: the payload goes where the cipher wants it, after the
     * 2-octet header and the 2-octet protocol. */
    memcpy(c->txbuf + UPPP_MPPE_OVERHEAD, pkt, len);
    int n = uppp_mppe_encrypt(c->tx, proto, c->txbuf + UPPP_MPPE_OVERHEAD, len, c->txbuf, c->txcap);
    if (n < 0) {
        s->stats.dropped_other++;
        mppe_fatal(s, "MPPE: encryption failed");
        return 1;
    }
    s->stats.packets_out++;
    uppp_send_packet(s, UPPP_PROTO_COMP, c->txbuf, (size_t)n);
    return 0;
}

static void send_reset_request(struct uppp_session *s, int fresh)
{
    struct uppp_ccp *c = &s->ccp;
    if (fresh) {
        /* RFC 1962 section 3.1: a new identifier for a new request. */
        c->rreq_id = c->fsm.next_id++;
        c->rreq_tries = 0;
        c->rreq_pending = 1;
    }
    uppp_fsm_send_code(&c->fsm, UPPP_CCP_RESETREQ, c->rreq_id, NULL, 0);
    c->rreq_repeat_at = c->rreq_tries == 0 ? UPPP_CCP_RESET_REPEAT_DISCARDS : c->rreq_repeat_at * 2;
    c->rreq_discards = 0;
    c->rreq_tries++;
    s->stats.mppe_resets_sent++;
    c->rreq_deadline = s->now + UPPP_CCP_RESET_TIMEOUT_MS;
    if (c->rreq_deadline == 0)
        c->rreq_deadline = 1;
}

static void reset_done(struct uppp_ccp *c)
{
    c->rreq_pending = 0;
    c->rreq_deadline = 0;
}

/* Count a stateful packet that decrypted to junk; 1 if that was one too
 * many and CCP is being renegotiated (see UPPP_CCP_DESYNC_LIMIT). */
static int junk(struct uppp_session *s)
{
    struct uppp_ccp *c = &s->ccp;
    if (++c->nonsense < UPPP_CCP_DESYNC_LIMIT)
        return 0;
    c->nonsense = 0;
    uppp_log(s, UPPP_LOG_WARN,
             "MPPE: %d packets in a row decrypt to nonsense: keys out of step, renegotiating CCP",
             UPPP_CCP_DESYNC_LIMIT);
    uppp_ccp_renegotiate(s);
    return 1;
}

void uppp_ccp_data_input(struct uppp_session *s, const uint8_t *pkt, size_t len)
{
    struct uppp_ccp *c = &s->ccp;
    if (c->rx == NULL || c->fsm.state != UPPP_FSM_OPENED || len > c->rxcap) {
        /* Not (yet) agreed, being renegotiated, or larger than our MRU. */
        s->stats.dropped_other++;
        return;
    }
    memcpy(c->rxbuf, pkt, len);
    struct uppp_mppe_rx rx;
    int rc = uppp_mppe_decrypt(c->rx, c->rxbuf, len, &rx);

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
    switch (rc) {
    case UPPP_MPPE_OK:
        if (rx.protocol == UPPP_PROTO_IP || rx.protocol == UPPP_PROTO_IPV6) {
            c->nonsense = 0;
        } else if (stateful) {
            /* Nothing we carry: most likely junk that happened to pass the
             * cipher's protocol check; treated as below, and the cipher
             * resyncs on the next FLUSHED packet. */
            if (junk(s))
                return;
            (void)uppp_mppe_rx_junk(c->rx);
            if (!c->rreq_pending)
                send_reset_request(s, 1);
        }
        uppp_network_input(s, rx.protocol, rx.payload, rx.payload_len, 1);
        uppp_memzero(c->rxbuf, len);
        return;
    case UPPP_MPPE_NEED_RESET:
        s->stats.dropped_other++;
        if (!c->rreq_pending)
            send_reset_request(s, 1);
        return;
    case UPPP_MPPE_DROP:
        s->stats.dropped_other++;
        if (rx.reason == UPPP_MPPE_DROP_WAIT_FLUSHED) {
            if (!c->rreq_pending) {
                /* Still discarding after the Reset-Ack came: the FLUSHED
                 * answer was lost; ask again (pppd does the same on the
                 * next error). */
                send_reset_request(s, 1);
            } else if (++c->rreq_discards >= c->rreq_repeat_at &&
                       c->rreq_tries < c->fsm.max_configure) {
                /* RFC 1962 section 3.1: repeat, same identifier. */
                send_reset_request(s, 0);
            }
        } else if (rx.reason == UPPP_MPPE_DROP_BAD_PROTOCOL && stateful) {
            if (junk(s))
                return;
            /* A packet that decrypts to nonsense: damage, or the two RC4
             * streams parted (a corrupted header made us re-key). A reset
             * costs nothing when in step and realigns the streams under
             * RFC 3078 resets; Linux itself never notices. */
            if (!c->rreq_pending)
                send_reset_request(s, 1);
        }
        if (s->cfg.debug)
            uppp_log(s, UPPP_LOG_DEBUG, "MPPE: dropped a packet: %s",
                     uppp_mppe_drop_reason_str(rx.reason));
        return;
    case UPPP_MPPE_FATAL:
    default:
        s->stats.dropped_other++;
        mppe_fatal(s, rc == UPPP_MPPE_FATAL ? "MPPE: the peer sent too many undecryptable packets"
                                            : "MPPE: decryption failed");
        return;
    }
}

void uppp_ccp_reset_request_input(struct uppp_session *s, uint8_t id)
{
    struct uppp_ccp *c = &s->ccp;
    s->stats.mppe_resets_rcvd++;
    /* Reset-Ack first, then FLUSHED on the next data packet (see the top
     * of this file). RFC 1962 section 3.1: the identifier is copied. */
    uppp_fsm_send_code(&c->fsm, UPPP_CCP_RESETACK, id, NULL, 0);
    if (c->tx != NULL)
        uppp_mppe_reset_requested(c->tx);
}

void uppp_ccp_reset_ack_input(struct uppp_session *s, uint8_t id)
{
    struct uppp_ccp *c = &s->ccp;
    /* RFC 1962 section 3.1: only the Ack of the request in progress counts;
     * the cipher resyncs on the FLUSHED packet itself. */
    if (c->rreq_pending && id == c->rreq_id)
        reset_done(c);
}

void uppp_ccp_reset_timer(struct uppp_session *s, uint64_t now)
{
    struct uppp_ccp *c = &s->ccp;
    if (c->rreq_deadline == 0 || now < c->rreq_deadline)
        return;
    c->rreq_deadline = 0;
    if (!c->rreq_pending || c->rx == NULL || c->fsm.state != UPPP_FSM_OPENED ||
        !uppp_mppe_rx_waiting(c->rx) || c->rreq_tries >= c->fsm.max_configure) {
        /* In step again, or asked often enough: the next discarded packet
         * starts a new request. */
        reset_done(c);
        return;
    }
    send_reset_request(s, 0);
}
