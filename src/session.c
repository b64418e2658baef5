/*
 * The session: RFC 1661 section 3's phases (Dead, Establish, Authenticate,
 * Network, Terminate) tying the layers together, demultiplexing received
 * frames by protocol (section 2), and the data path for IP packets, which
 * when MPPE is in force never crosses the link in the clear.
 */
#include "ppp.h"
#include "framing.h"

#include <uppp/err.h>
#include <uppp/mppe_wire.h>
#include <uppp/pktlog.h>

#include "crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void uppp_config_init(struct uppp_config *c)
{
    memset(c, 0, sizeof(*c));
    c->framing = UPPP_FRAMING_ASYNC_HDLC;
    c->mru = UPPP_LCP_DEFAULT_MRU;
    c->asyncmap = 0;
    c->max_configure = 10;
    c->max_terminate = 2;
    c->max_failure = 5;
    c->restart_ms = 3000;
    c->auth_max_tries = 10;
    c->mppe = UPPP_MPPE_ALLOWED;
    c->mppe_bits = 0x7; /* 40, 56 and 128 */
    c->ipv6 = 0;
}

const char *uppp_phase_name(enum uppp_phase p)
{
    static const char *const names[] = {"Dead",    "Establish", "Authenticate",
                                        "Network", "Running",   "Terminate"};
    return (unsigned)p < sizeof(names) / sizeof(names[0]) ? names[p] : "?";
}

void uppp_log(struct uppp_session *s, int level, const char *fmt, ...)
{
    if (s->cb.log == NULL)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    s->cb.log(s->cb.user, level, line);
}

int uppp_random(struct uppp_session *s, void *buf, size_t len)
{
    if (s->cb.random != NULL)
        return s->cb.random(s->cb.user, buf, len);
    return uppp_random_bytes(buf, len);
}

void uppp_emit(struct uppp_session *s, enum uppp_event_type type)
{
    if (s->cb.event == NULL)
        return;
    struct uppp_event ev = {type, s->phase};
    s->cb.event(s->cb.user, &ev);
}

void uppp_new_phase(struct uppp_session *s, enum uppp_phase phase)
{
    if (s->phase == phase)
        return;
    s->phase = phase;
    if (s->cfg.debug)
        uppp_log(s, UPPP_LOG_DEBUG, "phase: %s", uppp_phase_name(phase));
    uppp_emit(s, UPPP_EVENT_PHASE);
}

void uppp_set_end(struct uppp_session *s, enum uppp_end end, const char *fmt, ...)
{
    if (s->end_set)
        return;
    s->end_set = 1;
    s->end = end;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->reason, sizeof(s->reason), fmt, ap);
    va_end(ap);
}

void uppp_fsm_configure(struct uppp_session *s, struct uppp_fsm *f)
{
    if (s->cfg.max_configure > 0)
        f->max_configure = s->cfg.max_configure;
    if (s->cfg.max_terminate > 0)
        f->max_terminate = s->cfg.max_terminate;
    if (s->cfg.max_failure > 0)
        f->max_failure = s->cfg.max_failure;
    if (s->cfg.restart_ms > 0)
        f->restart_ms = s->cfg.restart_ms;
}

static int is_control(uint16_t proto)
{
    return proto >= 0x8000;
}

void uppp_send_packet(struct uppp_session *s, uint16_t proto, const uint8_t *info, size_t len)
{
    if (s->dead)
        return;
    if (s->cfg.debug && is_control(proto))
        uppp_log_packet(s, "sent", proto, info, len);
    /* RFC 1661 6.5/6.6 and RFC 1662 7.1: LCP configuration packets always
     * go with both fields uncompressed and every control character
     * escaped, so the peer can read them whatever it believes is agreed. */
    int lcp_conf =
        proto == UPPP_PROTO_LCP && len > 0 && info[0] >= UPPP_CONFREQ && info[0] <= UPPP_CODEREJ;
    struct uppp_txframe tx = {
        .proto = proto,
        .info = info,
        .len = len,
        .acfc = s->tx_acfc && !lcp_conf,
        .pfc = s->tx_pfc && proto < 0x100 && (proto & 1),
        .accm = lcp_conf ? 0xffffffffu : s->tx_accm,
        .accm_all_flag = lcp_conf,
    };
    uppp_framing_send(s, &tx);
}

void uppp_cp_send(struct uppp_fsm *f, const uint8_t *pkt, size_t len)
{
    uppp_send_packet(uppp_fsm_session(f), f->ops->proto, pkt, len);
}

void uppp_link_close(struct uppp_session *s, enum uppp_end end, const char *reason)
{
    uppp_set_end(s, end, "%s", reason);
    if (s->phase != UPPP_PHASE_DEAD)
        uppp_new_phase(s, UPPP_PHASE_TERMINATE);
    uppp_fsm_close(&s->lcp.fsm, reason, s->now);
}

/* ---- phase transitions ---- */

static void start_ncps(struct uppp_session *s)
{
    if (s->ncp_started)
        return;
    s->ncp_started = 1;
    if (!s->cfg.no_ip) {
        uppp_fsm_open(&s->ipcp.fsm, s->now);
        uppp_fsm_up(&s->ipcp.fsm, s->now);
    }
    if (s->cfg.ipv6) {
        uppp_fsm_open(&s->ipv6cp.fsm, s->now);
        uppp_fsm_up(&s->ipv6cp.fsm, s->now);
    }
}

/* Whether network packets must wait for (or are refused without) MPPE. */
static int mppe_gate(const struct uppp_session *s)
{
    return s->cfg.mppe == UPPP_MPPE_REQUIRED ||
           (s->cfg.mppe == UPPP_MPPE_OPTIONAL && s->ccp.enabled && !s->ccp.fsm.failed &&
            !s->ccp.mppe_up && s->ccp.fsm.state != UPPP_FSM_STOPPED &&
            s->ccp.fsm.state != UPPP_FSM_CLOSED);
}

static void start_network(struct uppp_session *s)
{
    uppp_new_phase(s, UPPP_PHASE_NETWORK);
    if (s->cfg.mppe == UPPP_MPPE_REQUIRED && !s->keys.have) {
        /* pppd's wording, so admins find the same line in both logs. */
        uppp_log(s, UPPP_LOG_ERR, "MPPE required, but keys are not available.");
        uppp_link_close(s, UPPP_END_NEGOTIATION_FAILED, "MPPE required but not available");
        return;
    }
    /* CCP runs even without MPPE to offer, so a peer asking for MPPE gets a
     * Configure-Reject ("peer refused") as from pppd; ccp.c decides what to
     * request from the policy and the keys. */
    if (!s->cfg.no_ccp)
        uppp_ccp_start(s);
    if (s->phase != UPPP_PHASE_NETWORK)
        return; /* CCP found MPPE impossible and closed the link */
    /* pppd (auth.c start_networks): with encryption required, the network
     * protocols wait until CCP is up, so no packet can leave in the clear.
     * mppe-optional waits the same way, for the outcome either way. */
    if (s->ccp.enabled && s->cfg.mppe >= UPPP_MPPE_OPTIONAL)
        return;
    start_ncps(s);
}

void uppp_lcp_is_up(struct uppp_session *s)
{
    unsigned peer = s->lcp.got.auth, us = s->lcp.his.auth;
    if (peer == 0 && us == 0) {
        start_network(s);
        return;
    }
    uppp_new_phase(s, UPPP_PHASE_AUTHENTICATE);
    uppp_auth_start(s, peer, us);
}

void uppp_auth_is_done(struct uppp_session *s, int for_peer, unsigned method, int ok)
{
    if (s->phase != UPPP_PHASE_AUTHENTICATE && s->phase < UPPP_PHASE_NETWORK)
        return;
    if (!ok) {
        if (for_peer)
            uppp_link_close(s, UPPP_END_PEER_AUTH_FAILED, "Authentication failed");
        else
            uppp_link_close(s, UPPP_END_AUTH_TOPEER_FAILED,
                            "Failed to authenticate ourselves to peer");
        return;
    }
    if (for_peer) {
        s->auth.peer_done = 1;
        s->stats.auth_peer = method;
    } else {
        s->auth.our_done = 1;
        s->stats.auth_us = method;
    }
    uppp_emit(s, UPPP_EVENT_AUTH_UP);
    if (s->phase != UPPP_PHASE_AUTHENTICATE)
        return; /* a re-challenge succeeded while the network runs */
    if ((s->auth.peer_method && !s->auth.peer_done) || (s->auth.our_method && !s->auth.our_done))
        return;
    start_network(s);
}

void uppp_ccp_is_up(struct uppp_session *s)
{
    uppp_emit(s, UPPP_EVENT_CCP_UP);
    start_ncps(s);
}

void uppp_ccp_is_down(struct uppp_session *s)
{
    uppp_emit(s, UPPP_EVENT_CCP_DOWN);
}

void uppp_ccp_is_failed(struct uppp_session *s, const char *why)
{
    if (s->cfg.mppe == UPPP_MPPE_REQUIRED) {
        uppp_log(s, UPPP_LOG_ERR, "%s", why);
        uppp_link_close(s, UPPP_END_NEGOTIATION_FAILED, why);
        return;
    }
    if (s->cfg.mppe == UPPP_MPPE_OPTIONAL)
        uppp_log(s, UPPP_LOG_WARN, "%s; mppe-optional: continuing WITHOUT encryption", why);
    start_ncps(s);
}

void uppp_ncp_is_up(struct uppp_session *s, uint16_t proto)
{
    s->ncps_up++;
    uppp_new_phase(s, UPPP_PHASE_RUNNING);
    uppp_emit(s, proto == UPPP_PROTO_IPCP ? UPPP_EVENT_IP_UP : UPPP_EVENT_IPV6_UP);
}

void uppp_ncp_is_down(struct uppp_session *s, uint16_t proto)
{
    if (s->ncps_up > 0)
        s->ncps_up--;
    if (s->ncps_up == 0 && s->phase == UPPP_PHASE_RUNNING)
        uppp_new_phase(s, UPPP_PHASE_NETWORK);
    uppp_emit(s, proto == UPPP_PROTO_IPCP ? UPPP_EVENT_IP_DOWN : UPPP_EVENT_IPV6_DOWN);
}

void uppp_lcp_is_down(struct uppp_session *s)
{
    /* The peer asked to end the link (RTR in Opened): that is why it ends,
     * whatever happens next (a hangup of the line, say). */
    if (s->lcp.fsm.peer_terminated && s->lcp.fsm.state == UPPP_FSM_OPENED) {
        /* pppd's line, so logs compare line by line. */
        if (s->lcp.fsm.peer_term[0])
            uppp_log(s, UPPP_LOG_NOTICE, "LCP terminated by peer (%s)", s->lcp.fsm.peer_term);
        else
            uppp_log(s, UPPP_LOG_NOTICE, "LCP terminated by peer");
        s->lcp.fsm.peer_terminated = 0;
        if (!s->end_set)
            uppp_set_end(s, UPPP_END_HANGUP, "%s", s->lcp.fsm.reason);
    }
    /* Terminate first, so the layers going down below do not pass
     * through Network on the way. */
    if (s->phase != UPPP_PHASE_DEAD)
        uppp_new_phase(s, UPPP_PHASE_TERMINATE);
    /* Everything above LCP goes down with it (RFC 1661 3.6, 3.7). */
    uppp_fsm_down(&s->ipcp.fsm, s->now);
    uppp_fsm_down(&s->ipv6cp.fsm, s->now);
    uppp_ccp_stop(s);
    uppp_auth_stop(s);
    s->ncp_started = 0;
}

static void session_dead(struct uppp_session *s)
{
    if (s->dead)
        return;
    if (!s->end_set) {
        if (s->lcp.fsm.failed)
            uppp_set_end(s, UPPP_END_NEGOTIATION_FAILED, "%s", s->lcp.fsm.reason);
        else if (s->lcp.fsm.reason[0])
            uppp_set_end(s, UPPP_END_HANGUP, "%s", s->lcp.fsm.reason);
        else
            uppp_set_end(s, UPPP_END_HANGUP, "link terminated");
    }
    uppp_new_phase(s, UPPP_PHASE_DEAD);
    s->dead = 1;
    uppp_log(s, UPPP_LOG_NOTICE, "Connection terminated: %s", s->reason);
    uppp_emit(s, UPPP_EVENT_DEAD);
}

void uppp_lcp_is_finished(struct uppp_session *s)
{
    session_dead(s);
}

/* ---- input ---- */

/* A peer that sends clear IP while MPPE is required is misconfigured or
 * probing: say so under debug, at most once a second (a flood of them must
 * not flood the log), with how many were dropped since the last line.
 * pppd drops these without a word; so do we without debug. */
#define CLEAR_IN_LOG_MS 1000

static void clear_in_dropped(struct uppp_session *s)
{
    s->clear_in_unlogged++;
    if (!s->cfg.debug ||
        (s->clear_in_logged_at != 0 && s->now - s->clear_in_logged_at < CLEAR_IN_LOG_MS))
        return;
    uppp_log(s, UPPP_LOG_DEBUG, "MPPE: %llu clear IP packet(s) from the peer dropped: MPPE is %s",
             (unsigned long long)s->clear_in_unlogged,
             s->cfg.mppe == UPPP_MPPE_REQUIRED ? "required" : "on");
    s->clear_in_logged_at = s->now ? s->now : 1;
    s->clear_in_unlogged = 0;
}

void uppp_network_input(struct uppp_session *s, uint16_t proto, const uint8_t *pkt, size_t len,
                        int was_encrypted)
{
    if (!was_encrypted && (s->ccp.mppe_up || mppe_gate(s))) {
        /* Never accept clear traffic while encryption is (to be) in force. */
        s->stats.dropped_clear++;
        s->stats.dropped_clear_in++;
        clear_in_dropped(s);
        return;
    }
    int up = proto == UPPP_PROTO_IP ? s->ipcp.up : proto == UPPP_PROTO_IPV6 ? s->ipv6cp.up : 0;
    if (!up) {
        s->stats.dropped_other++;
        return;
    }
    s->stats.packets_in++;
    if (s->cb.deliver != NULL)
        s->cb.deliver(s->cb.user, proto, pkt, len);
}

void uppp_frame_input(struct uppp_session *s, const uint8_t *frame, size_t len)
{
    /* RFC 1662 section 3.2: Address and Control may be absent (ACFC);
     * we accept both forms whatever was negotiated, as pppd does. */
    if (len >= 2 && frame[0] == 0xff && frame[1] == 0x03) {
        frame += 2;
        len -= 2;
    }
    if (len < 1) {
        s->stats.bad_frames++;
        return;
    }
    /* RFC 1661 section 6.5: an odd first octet is a 1-octet protocol. */
    uint16_t proto;
    if (frame[0] & 1) {
        proto = frame[0];
        frame++;
        len--;
    } else {
        if (len < 2 || !(frame[1] & 1)) {
            s->stats.bad_frames++;
            return;
        }
        proto = uppp_get16(frame);
        frame += 2;
        len -= 2;
    }
    if (s->cfg.debug && is_control(proto))
        uppp_log_packet(s, "rcvd", proto, frame, len);

    if (proto == UPPP_PROTO_LCP) {
        uppp_fsm_input(&s->lcp.fsm, frame, len, s->now);
        return;
    }
    /* RFC 1661 3.4/3.5: before LCP is Opened, everything else is dropped. */
    if (s->lcp.fsm.state != UPPP_FSM_OPENED) {
        s->stats.dropped_other++;
        return;
    }
    switch (proto) {
    case UPPP_PROTO_PAP:
    case UPPP_PROTO_CHAP:
        uppp_auth_input(s, proto, frame, len);
        return;
    case UPPP_PROTO_CCP:
        if (s->ccp.enabled && s->phase >= UPPP_PHASE_NETWORK) {
            uppp_ccp_input(s, frame, len);
            return;
        }
        break;
    case UPPP_PROTO_IPCP:
        if (!s->cfg.no_ip) {
            if (s->phase >= UPPP_PHASE_NETWORK)
                uppp_fsm_input(&s->ipcp.fsm, frame, len, s->now);
            return;
        }
        break;
    case UPPP_PROTO_IPV6CP:
        if (s->cfg.ipv6) {
            if (s->phase >= UPPP_PHASE_NETWORK)
                uppp_fsm_input(&s->ipv6cp.fsm, frame, len, s->now);
            return;
        }
        break;
    case UPPP_PROTO_COMP:
        if (s->ccp.enabled) {
            uppp_ccp_data_input(s, frame, len);
            return;
        }
        break;
    case UPPP_PROTO_IP:
    case UPPP_PROTO_IPV6:
        uppp_network_input(s, proto, frame, len, 0);
        return;
    }
    uppp_lcp_protreject(s, proto, frame, len);
}

/* ---- public API ---- */

int uppp_session_new(struct uppp_session **out, const struct uppp_config *cfg,
                     const struct uppp_callbacks *cb)
{
    if (out == NULL || cfg == NULL || cb == NULL)
        return UPPP_ERR_INVALID;
    *out = NULL;
    if (cfg->framing != UPPP_FRAMING_ASYNC_HDLC && cfg->framing != UPPP_FRAMING_NONE)
        return UPPP_ERR_INVALID;
    if (cfg->mru < UPPP_LCP_MIN_MRU || (cfg->mppe != UPPP_MPPE_OFF && (cfg->mppe_bits & 7) == 0))
        return UPPP_ERR_INVALID;
    /* Required MPPE needs CCP: without it no packet could ever flow. */
    if (cfg->mppe == UPPP_MPPE_REQUIRED && cfg->no_ccp)
        return UPPP_ERR_INVALID;
    /* Load crypto now if any method that needs it may run, in either role,
     * so a missing legacy provider is reported here and not mid-link. */
    unsigned chap_any = UPPP_AUTH_MSCHAP_V1 | UPPP_AUTH_MSCHAP_V2 | UPPP_AUTH_CHAP_MD5;
    int needs_crypto = (cfg->mppe != UPPP_MPPE_OFF && !cfg->no_ccp) ||
                       (cfg->require_auth & chap_any) || (~cfg->refuse_auth & chap_any);
    if (needs_crypto) {
        int rc = uppp_crypto_init();
        if (rc != 0)
            return rc;
    }
    struct uppp_session *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return UPPP_ERR_NOMEM;
    s->cfg = *cfg;
    s->cb = *cb;
    s->phase = UPPP_PHASE_DEAD;
    s->tx_accm = 0xffffffffu;
    if (uppp_framing_init(s) != 0) {
        free(s);
        return UPPP_ERR_NOMEM;
    }
    uppp_lcp_init(s);
    uppp_auth_init(s);
    uppp_ccp_init(s);
    uppp_ipcp_init(s);
    uppp_ipv6cp_init(s);
    *out = s;
    return 0;
}

void uppp_session_del(struct uppp_session *s)
{
    if (s == NULL)
        return;
    uppp_auth_free(s);
    uppp_ccp_free(s);
    uppp_ipcp_free(s);
    uppp_ipv6cp_free(s);
    uppp_framing_free(s);
    uppp_memzero(&s->keys, sizeof(s->keys));
    uppp_memzero(&s->cfg, sizeof(s->cfg));
    free(s);
}

int uppp_session_start(struct uppp_session *s, uint64_t now)
{
    if (s == NULL || s->dead)
        return UPPP_ERR_INVALID;
    s->now = now;
    uppp_new_phase(s, UPPP_PHASE_ESTABLISH);
    uppp_fsm_open(&s->lcp.fsm, now);
    uppp_fsm_up(&s->lcp.fsm, now);
    return 0;
}

int uppp_session_close(struct uppp_session *s, const char *reason, uint64_t now)
{
    if (s == NULL)
        return UPPP_ERR_INVALID;
    if (s->dead)
        return 0;
    s->now = now;
    uppp_link_close(s, UPPP_END_USER_REQUEST, reason ? reason : "User request");
    return 0;
}

int uppp_session_close_end(struct uppp_session *s, enum uppp_end end, const char *reason,
                           uint64_t now)
{
    if (s == NULL)
        return UPPP_ERR_INVALID;
    if (s->dead)
        return 0;
    s->now = now;
    uppp_link_close(s, end, reason ? reason : "User request");
    return 0;
}

void uppp_session_hangup(struct uppp_session *s, uint64_t now)
{
    if (s == NULL || s->dead)
        return;
    s->now = now;
    uppp_set_end(s, UPPP_END_HANGUP, "Modem hangup");
    uppp_fsm_down(&s->lcp.fsm, now);
    session_dead(s);
}

int uppp_session_input_frame(struct uppp_session *s, const uint8_t *frame, size_t len, uint64_t now)
{
    if (s == NULL || (frame == NULL && len != 0))
        return UPPP_ERR_INVALID;
    if (s->dead)
        return 0;
    s->now = now;
    s->stats.bytes_in += len;
    uppp_frame_input(s, frame, len);
    return 0;
}

int uppp_session_input(struct uppp_session *s, const uint8_t *data, size_t len, uint64_t now)
{
    if (s == NULL || (data == NULL && len != 0))
        return UPPP_ERR_INVALID;
    if (s->cfg.framing != UPPP_FRAMING_ASYNC_HDLC)
        return uppp_session_input_frame(s, data, len, now);
    if (s->dead)
        return 0;
    s->now = now;
    s->stats.bytes_in += len;
    uppp_framing_input(s, data, len);
    return 0;
}

static uint16_t peer_mru(const struct uppp_session *s)
{
    return s->lcp.his.neg_mru ? s->lcp.his.mru : UPPP_LCP_DEFAULT_MRU;
}

/* Unlike pppd, which sets the interface MTU to the lowest of the peer's
 * MRU, our own MRU and the mtu option (lcp_up), our own MRU does not cap
 * what we send: the peer's MRU is the limit RFC 1661 section 6.1 sets, and
 * "mtu" lowers it. Computed per packet, so kept cheap. */
uint16_t uppp_link_mtu(const struct uppp_session *s)
{
    uint16_t mtu = peer_mru(s);
    return s->cfg.mtu && s->cfg.mtu < mtu ? s->cfg.mtu : mtu;
}

uint16_t uppp_ip_mtu(const struct uppp_session *s)
{
    unsigned mtu = uppp_link_mtu(s);
    /* RFC 3078 section 3: MPPE adds 2 header octets and encrypts the
     * 2-octet protocol field, so IP gets 4 fewer octets. */
    if (s->ccp.mppe_up || s->cfg.mppe >= UPPP_MPPE_OPTIONAL)
        mtu = mtu > UPPP_MPPE_OVERHEAD ? mtu - UPPP_MPPE_OVERHEAD : 0;
    return (uint16_t)mtu;
}

int uppp_session_send_ip(struct uppp_session *s, uint16_t proto, const uint8_t *pkt, size_t len,
                         uint64_t now)
{
    if (s == NULL || (proto != UPPP_PROTO_IP && proto != UPPP_PROTO_IPV6) || pkt == NULL)
        return UPPP_ERR_INVALID;
    s->now = now;
    int up = proto == UPPP_PROTO_IP ? s->ipcp.up : s->ipv6cp.up;
    if (s->dead || !up) {
        s->stats.dropped_other++;
        return 1;
    }
    if (len > uppp_ip_mtu(s))
        return UPPP_ERR_NOBUF;
    if (s->ccp.mppe_up)
        return uppp_ccp_send(s, proto, pkt, len);
    if (mppe_gate(s)) {
        s->stats.dropped_clear++;
        return 1;
    }
    s->stats.packets_out++;
    uppp_send_packet(s, proto, pkt, len);
    return 0;
}

int uppp_session_renegotiate_ccp(struct uppp_session *s, uint64_t now)
{
    if (s == NULL)
        return UPPP_ERR_INVALID;
    s->now = now;
    if (s->ccp.enabled)
        uppp_ccp_renegotiate(s);
    return 0;
}

uint64_t uppp_session_next_timer(const struct uppp_session *s)
{
    if (s == NULL || s->dead)
        return UINT64_MAX;
    uint64_t d = uppp_lcp_deadline(s);
    d = uppp_min_deadline(d, uppp_auth_deadline(s));
    d = uppp_min_deadline(d, uppp_ccp_deadline(s));
    d = uppp_min_deadline(d, s->ipcp.fsm.deadline);
    d = uppp_min_deadline(d, s->ipv6cp.fsm.deadline);
    return d == 0 ? UINT64_MAX : d;
}

int uppp_session_handle_timer(struct uppp_session *s, uint64_t now)
{
    if (s == NULL)
        return UPPP_ERR_INVALID;
    if (s->dead)
        return 0;
    s->now = now;
    uppp_lcp_timer(s, now);
    if (!s->dead)
        uppp_auth_timer(s, now);
    if (!s->dead)
        uppp_ccp_timer(s, now);
    if (!s->dead)
        uppp_fsm_timer(&s->ipcp.fsm, now);
    if (!s->dead)
        uppp_fsm_timer(&s->ipv6cp.fsm, now);
    return 0;
}

void uppp_session_status(const struct uppp_session *s, struct uppp_status *st)
{
    *st = s->stats;
    st->phase = s->phase;
    st->end = s->dead ? s->end : UPPP_END_NONE;
    snprintf(st->reason, sizeof(st->reason), "%s", s->end_set ? s->reason : "");
    st->mppe_bits = s->ccp.mppe_up ? s->ccp.bits : 0;
    st->mppe_stateless = s->ccp.mppe_up && s->ccp.stateless;
    st->ip_local = s->ipcp.local;
    st->ip_remote = s->ipcp.remote;
    st->dns[0] = s->ipcp.dns[0];
    st->dns[1] = s->ipcp.dns[1];
    st->ipv6_up = s->ipv6cp.up;
    st->ipv6_local = s->ipv6cp.local;
    st->ipv6_remote = s->ipv6cp.remote;
    st->peer_mru = peer_mru(s);
    st->ip_mtu = uppp_ip_mtu(s);
    uppp_framing_add_stats(s, st);
}

int uppp_session_is_dead(const struct uppp_session *s)
{
    return s == NULL || s->dead;
}

void uppp_log_packet(struct uppp_session *s, const char *dir, uint16_t proto, const uint8_t *info,
                     size_t len)
{
    /* pppd leaves LCP echoes out of its log unless debug is given twice. */
    if (s->cfg.debug < 2 && uppp_pktlog_is_lcp_echo(proto, info, len))
        return;
    char line[UPPP_PKTLOG_PPPD_LINE_MAX];
    unsigned flags = s->cfg.show_password ? UPPP_PKTLOG_SHOW_PASSWORD : 0;
    if (uppp_pktlog_format(line, sizeof(line), dir, proto, info, len, flags) >= 0)
        uppp_log(s, UPPP_LOG_DEBUG, "%s", line);
}
