/*
 * The session: RFC 1661 section 3's phases (Dead, Establish, Authenticate,
 * Network, Terminate) tying the layers together, demultiplexing received
 * frames by protocol (section 2), and the data path for IP packets, which
 * when MPPE is in force never crosses the link in the clear. The only
 * caller of the layers: they report back through the event queue
 * (uppp_post in ppp.h), drained here after every call into a layer, and
 * the phase logic below is the queue's handlers.
 */
#include "ppp.h"
#include "framing.h"
#include "transport.h"

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
    /* The only source: the library makes no system call (session_new
     * refuses a session without one). */
    return s->cb.random(s->cb.user, buf, len) == 0 ? 0 : UPPP_ERR_RANDOM;
}

static void emit(struct uppp_session *s, enum uppp_event_type type)
{
    if (s->cb.event == NULL)
        return;
    struct uppp_event ev = {type, s->phase};
    s->cb.event(s->cb.user, &ev);
}

static void new_phase(struct uppp_session *s, enum uppp_phase phase)
{
    if (s->phase == phase)
        return;
    s->phase = phase;
    if (s->cfg.debug)
        uppp_log(s, UPPP_LOG_DEBUG, "phase: %s", uppp_phase_name(phase));
    emit(s, UPPP_EVENT_PHASE);
}

/* Record why the session is ending (the first reason wins), and its pppd
 * exit status. */
static void set_end(struct uppp_session *s, enum uppp_end end, const char *reason)
{
    if (s->end_set)
        return;
    s->end_set = 1;
    s->end = end;
    snprintf(s->reason, sizeof(s->reason), "%s", reason);
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

/* The Restart time (RFC 1661 section 4.6), for lcp_finished. */
static uint64_t restart_ms(const struct uppp_session *s)
{
    return s->cfg.restart_ms ? s->cfg.restart_ms : 3000;
}

void uppp_send_packet(struct uppp_session *s, uint16_t proto, const uint8_t *info, size_t len)
{
    if (s->ended)
        return;
    if (s->cfg.debug && is_control(proto))
        uppp_log_packet(s, "sent", proto, info, len);
    if (proto == UPPP_PROTO_LCP && len > 0 && info[0] == UPPP_TERMACK) {
        /* See lcp_finished. */
        s->termack_at = s->now ? s->now : 1;
        if (s->linger_until != 0)
            s->linger_until = s->termack_at + restart_ms(s);
    }
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

/* Shut the link down: record the end, then LCP Close with reason (sent in
 * the Terminate-Request). */
static void link_close(struct uppp_session *s, enum uppp_end end, const char *reason)
{
    set_end(s, end, reason);
    if (s->phase != UPPP_PHASE_DEAD)
        new_phase(s, UPPP_PHASE_TERMINATE);
    uppp_lcp_close(s, reason);
}

void uppp_session_set_mppe_keys(struct uppp_session *s, const struct uppp_keys *keys)
{
    uppp_memzero(&s->keys, sizeof(s->keys));
    s->keys = *keys;
}

/* ---- the event queue ---- */

void uppp_post(struct uppp_session *s, const struct uppp_qev *ev)
{
    if (s->evq_len == UPPP_EVQ_LEN) {
        s->evq_overflow = 1;
        return;
    }
    struct uppp_qev_queued q = {
        .type = (uint8_t)ev->type,
        .for_peer = ev->for_peer != 0,
        .ok = ev->ok != 0,
        .failed = ev->failed != 0,
        .peer_terminated = ev->peer_terminated != 0,
        .why = -1,
        .proto = ev->proto,
        .method = ev->method,
        .end = ev->end,
    };
    if (ev->why[0] != '\0') {
        int slot = 0;
        while (slot < UPPP_EVQ_WHY && (s->evq_why_used & (1u << slot)))
            slot++;
        if (slot == UPPP_EVQ_WHY) {
            s->evq_overflow = 1;
            return;
        }
        s->evq_why_used |= 1u << slot;
        memcpy(s->evq_why[slot], ev->why, sizeof(s->evq_why[slot]));
        q.why = (int8_t)slot;
    }
    s->evq[(s->evq_head + s->evq_len) % UPPP_EVQ_LEN] = q;
    s->evq_len++;
}

/* Free a queued event's reason slot (wiped: it may hold a peer name). */
static void free_why(struct uppp_session *s, struct uppp_qev_queued *q)
{
    if (q->why >= 0) {
        uppp_memzero(s->evq_why[q->why], sizeof(s->evq_why[q->why]));
        s->evq_why_used &= ~(1u << q->why);
        q->why = -1;
    }
}

void uppp_post_type(struct uppp_session *s, enum uppp_qev_type t)
{
    struct uppp_qev ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = t;
    uppp_post(s, &ev);
}

void uppp_post_end(struct uppp_session *s, enum uppp_qev_type t, enum uppp_end end, const char *fmt,
                   ...)
{
    struct uppp_qev ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = t;
    ev.end = end;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ev.why, sizeof(ev.why), fmt, ap);
    va_end(ap);
    uppp_post(s, &ev);
}

/* LCP left Opened: the events the layers above it queued and the session
 * has not handled belong to a link that is gone (see uppp_post). LCP's own
 * events and the reasons for the end stay. */
static void discard_upper_events(struct uppp_session *s)
{
    unsigned kept = 0;
    for (unsigned i = 0; i < s->evq_len; i++) {
        struct uppp_qev_queued *e = &s->evq[(s->evq_head + i) % UPPP_EVQ_LEN];
        int keep = e->type == UPPP_QEV_LCP_UP || e->type == UPPP_QEV_LCP_DOWN ||
                   e->type == UPPP_QEV_LCP_FINISHED || e->type == UPPP_QEV_END ||
                   e->type == UPPP_QEV_CLOSE;
        if (keep)
            s->evq[(s->evq_head + kept++) % UPPP_EVQ_LEN] = *e;
        else
            free_why(s, e); /* may hold a peer name */
    }
    s->evq_len = kept;
}

/* ---- phase transitions: the handlers of the layers' events ---- */

static void start_ncps(struct uppp_session *s)
{
    if (s->ncp_started)
        return;
    s->ncp_started = 1;
    if (!s->cfg.no_ip)
        uppp_ncp_start(s, UPPP_PROTO_IPCP);
    if (s->cfg.ipv6)
        uppp_ncp_start(s, UPPP_PROTO_IPV6CP);
}

/* Whether network packets must wait for (or are refused without) MPPE. */
static int mppe_gate(const struct uppp_session *s)
{
    return s->cfg.mppe == UPPP_MPPE_REQUIRED ||
           (s->cfg.mppe == UPPP_MPPE_OPTIONAL && uppp_ccp_pending(s));
}

static void start_network(struct uppp_session *s)
{
    new_phase(s, UPPP_PHASE_NETWORK);
    if (s->cfg.mppe == UPPP_MPPE_REQUIRED && !s->keys.have) {
        /* pppd's wording, so admins find the same line in both logs. */
        uppp_log(s, UPPP_LOG_ERR, "MPPE required, but keys are not available.");
        link_close(s, UPPP_END_NEGOTIATION_FAILED, "MPPE required but not available");
        return;
    }
    /* CCP runs even without MPPE to offer, so a peer asking for MPPE gets a
     * Configure-Reject ("peer refused") as from pppd; ccp.c decides what to
     * request from the policy and the keys. If it finds MPPE impossible it
     * posts CCP_FAILED, handled next. */
    if (!s->cfg.no_ccp)
        uppp_ccp_start(s, &s->keys);
    /* pppd (auth.c start_networks): with encryption required, the network
     * protocols wait until CCP is up, so no packet can leave in the clear.
     * mppe-optional waits the same way, for the outcome either way. */
    if (s->cfg.mppe >= UPPP_MPPE_OPTIONAL && !s->cfg.no_ccp)
        return;
    start_ncps(s);
}

/* The link parameters LCP agreed go to the frame layer and the transport,
 * and to the caller's transport (PPTP's Set-Link-Info carries the ACCMs). */
static void apply_link(struct uppp_session *s, const struct uppp_lcp_link *p)
{
    s->tx_accm = p->tx_accm;
    s->tx_pfc = p->tx_pfc;
    s->tx_acfc = p->tx_acfc;
    uppp_framing_set_rx_accm(s, p->rx_accm);
    if (s->cb.link_params != NULL) {
        struct uppp_link_params lp = {
            .send_accm = p->tx_accm, .recv_accm = p->rx_accm, .pfc = p->tx_pfc, .acfc = p->tx_acfc};
        s->cb.link_params(s->cb.user, &lp);
    }
}

static void lcp_is_up(struct uppp_session *s)
{
    struct uppp_lcp_link p;
    uppp_lcp_link_params(s, &p);
    apply_link(s, &p);
    unsigned peer = p.peer_auth, us = p.our_auth;
    s->auth_peer_method = peer;
    s->auth_our_method = us;
    s->peer_done = s->our_done = 0;
    if (peer == 0 && us == 0) {
        start_network(s);
        return;
    }
    new_phase(s, UPPP_PHASE_AUTHENTICATE);
    uppp_auth_start(s, peer, us);
}

static void auth_is_done(struct uppp_session *s, const struct uppp_qev *ev)
{
    if (s->phase != UPPP_PHASE_AUTHENTICATE && s->phase < UPPP_PHASE_NETWORK)
        return;
    if (!ev->ok) {
        if (ev->why[0])
            set_end(s, ev->for_peer ? UPPP_END_PEER_AUTH_FAILED : UPPP_END_AUTH_TOPEER_FAILED,
                    ev->why);
        if (ev->for_peer)
            link_close(s, UPPP_END_PEER_AUTH_FAILED, "Authentication failed");
        else
            link_close(s, UPPP_END_AUTH_TOPEER_FAILED, "Failed to authenticate ourselves to peer");
        return;
    }
    if (ev->for_peer) {
        s->peer_done = 1;
        s->stats.auth_peer = ev->method;
        snprintf(s->stats.peer_name, sizeof(s->stats.peer_name), "%s", ev->why);
    } else {
        s->our_done = 1;
        s->stats.auth_us = ev->method;
    }
    /* MS-CHAP leaves MPPE start keys (RFC 3079); the first set stays for
     * the whole LCP session (a re-challenge does not replace what CCP may
     * already use). */
    if (!s->keys.have)
        uppp_auth_take_keys(s, &s->keys);
    emit(s, UPPP_EVENT_AUTH_UP);
    if (s->phase != UPPP_PHASE_AUTHENTICATE)
        return; /* a re-challenge succeeded while the network runs */
    if ((s->auth_peer_method && !s->peer_done) || (s->auth_our_method && !s->our_done))
        return;
    start_network(s);
}

/* CCP could not be agreed (Rejected, failed, or refused MPPE). Once MPPE
 * has been in force, losing it closes the link whatever the policy. */
static void ccp_is_failed(struct uppp_session *s, const char *why)
{
    if (s->cfg.mppe == UPPP_MPPE_REQUIRED || uppp_ccp_in_force(s)) {
        uppp_log(s, UPPP_LOG_ERR, "%s", why);
        link_close(s, UPPP_END_NEGOTIATION_FAILED, why);
        return;
    }
    if (s->cfg.mppe == UPPP_MPPE_OPTIONAL)
        uppp_log(s, UPPP_LOG_WARN, "%s; mppe-optional: continuing WITHOUT encryption", why);
    else if (s->cfg.mppe == UPPP_MPPE_OFF)
        /* Only MPPC alone was asked for: the link carries on as it is. */
        uppp_log(s, UPPP_LOG_NOTICE, "%s; continuing without compression", why);
    start_ncps(s);
}

static void ccp_settle(struct uppp_session *s)
{
    char why[128];
    switch (uppp_ccp_settle(s, why, sizeof(why))) {
    case UPPP_CCP_FAILED:
        ccp_is_failed(s, why);
        break;
    case UPPP_CCP_GONE:
        /* pppd ccp_down: MPPE going away takes the link with it. */
        if (uppp_lcp_opened(s)) {
            uppp_log(s, UPPP_LOG_ERR, "MPPE disabled");
            link_close(s, UPPP_END_NEGOTIATION_FAILED, "MPPE disabled");
        }
        break;
    default:
        break;
    }
}

static void ncp_is_up(struct uppp_session *s, uint16_t proto)
{
    s->ncps_up++;
    new_phase(s, UPPP_PHASE_RUNNING);
    emit(s, proto == UPPP_PROTO_IPCP ? UPPP_EVENT_IP_UP : UPPP_EVENT_IPV6_UP);
}

static void ncp_is_down(struct uppp_session *s, uint16_t proto)
{
    if (s->ncps_up > 0)
        s->ncps_up--;
    if (s->ncps_up == 0 && s->phase == UPPP_PHASE_RUNNING)
        new_phase(s, UPPP_PHASE_NETWORK);
    emit(s, proto == UPPP_PROTO_IPCP ? UPPP_EVENT_IP_DOWN : UPPP_EVENT_IPV6_DOWN);
}

/* A network protocol finished (RFC 1661 section 3.5: the Network phase
 * lasts while network-layer protocols run). pppd closes the link once
 * every network protocol it opened has finished, with LCP's
 * Terminate-Request saying "No network protocols running"; peers and
 * administrators expect the same here. */
static void ncp_finished(struct uppp_session *s, const struct uppp_qev *ev)
{
    if (uppp_ipcp_is_open(s) || uppp_ipv6cp_is_open(s) || !uppp_lcp_opened(s))
        return;
    /* pppd's exit status is "negotiation failed" until a network protocol
     * comes up (auth.c np_up sets EXIT_OK); a protocol that gave up is a
     * negotiation failure whatever came before. */
    int ever_up = uppp_ipcp_was_up(s) || uppp_ipv6cp_was_up(s);
    enum uppp_end end = (ev->failed || !ever_up) ? UPPP_END_NEGOTIATION_FAILED : UPPP_END_OK;
    if (ev->why[0] != '\0')
        set_end(s, end, ev->why);
    link_close(s, end, "No network protocols running");
}

static void lcp_is_down(struct uppp_session *s, const struct uppp_qev *ev)
{
    /* The peer asked to end the link (RTR in Opened): that is why it ends,
     * whatever happens next (a hangup of the line, say). lcp.c logged it. */
    if (ev->peer_terminated)
        set_end(s, UPPP_END_HANGUP, ev->why);
    /* Terminate first, so the layers going down below do not pass
     * through Network on the way. */
    if (s->phase != UPPP_PHASE_DEAD)
        new_phase(s, UPPP_PHASE_TERMINATE);
    struct uppp_lcp_link p;
    uppp_lcp_link_params(s, &p);
    apply_link(s, &p);
    /* Everything above LCP goes down with it (RFC 1661 3.6, 3.7); what
     * those layers had still to say is void. */
    discard_upper_events(s);
    uppp_ncp_lower_down(s, UPPP_PROTO_IPCP);
    uppp_ncp_lower_down(s, UPPP_PROTO_IPV6CP);
    uppp_ccp_stop(s);
    uppp_auth_stop(s);
    /* The keys belong to this LCP session's authentication. */
    uppp_memzero(&s->keys, sizeof(s->keys));
    s->peer_done = s->our_done = 0;
    s->ncp_started = 0;
}

static void record_end(struct uppp_session *s, int failed, const char *reason)
{
    if (s->end_set)
        return;
    if (failed)
        set_end(s, UPPP_END_NEGOTIATION_FAILED, reason);
    else if (reason[0])
        set_end(s, UPPP_END_HANGUP, reason);
    else
        set_end(s, UPPP_END_HANGUP, "link terminated");
}

static void session_dead(struct uppp_session *s, int failed, const char *reason)
{
    if (s->ended)
        return;
    record_end(s, failed, reason);
    s->linger_until = 0;
    new_phase(s, UPPP_PHASE_DEAD);
    s->ended = 1;
    uppp_log(s, UPPP_LOG_NOTICE, "Connection terminated: %s", s->reason);
    emit(s, UPPP_EVENT_DEAD);
}

/* RFC 1661 section 3.7: "The receiver of a Terminate-Request ... MUST NOT
 * disconnect until at least one Restart time has passed after sending a
 * Terminate-Ack." The automaton reaches Closed at once when both ends sent
 * Terminate-Requests and ours is acked (Closing: RTR sta, RTA tlf), but our
 * own Terminate-Ack may still be on its way: hanging up then lost it in
 * the interop matrix, and pppd, never acked, ended with "Modem hangup"
 * (16) instead of its authentication failure (11 or 19). So the session
 * stays, its end recorded, until one Restart time after the last
 * Terminate-Ack we sent, or until the link goes down under it. */
static void lcp_finished(struct uppp_session *s, const struct uppp_qev *ev)
{
    if (s->termack_at != 0 && s->now < s->termack_at + restart_ms(s)) {
        record_end(s, ev->failed, ev->why);
        s->linger_until = s->termack_at + restart_ms(s);
        return;
    }
    session_dead(s, ev->failed, ev->why);
}

/* The peer Protocol-Rejected a protocol of ours (RFC 1661 5.7): its layer
 * stops (the automaton's RXJ-, or the authentication role fails). */
static void protreject(struct uppp_session *s, uint16_t proto)
{
    if (proto == UPPP_PROTO_IPCP || proto == UPPP_PROTO_IPV6CP)
        uppp_ncp_protreject(s, proto);
    else if (proto == UPPP_PROTO_CCP)
        uppp_ccp_protreject(s);
    else if (proto == UPPP_PROTO_PAP || proto == UPPP_PROTO_CHAP)
        uppp_auth_protreject(s, proto);
}

static void handle(struct uppp_session *s, const struct uppp_qev *ev)
{
    switch (ev->type) {
    case UPPP_QEV_LCP_UP:
        lcp_is_up(s);
        break;
    case UPPP_QEV_LCP_DOWN:
        lcp_is_down(s, ev);
        break;
    case UPPP_QEV_LCP_FINISHED:
        lcp_finished(s, ev);
        break;
    case UPPP_QEV_AUTH:
        auth_is_done(s, ev);
        break;
    case UPPP_QEV_CCP_UP:
        emit(s, UPPP_EVENT_CCP_UP);
        start_ncps(s);
        break;
    case UPPP_QEV_CCP_DOWN:
        emit(s, UPPP_EVENT_CCP_DOWN);
        break;
    case UPPP_QEV_CCP_FAILED:
        ccp_is_failed(s, ev->why);
        break;
    case UPPP_QEV_CCP_SETTLE:
        ccp_settle(s);
        break;
    case UPPP_QEV_NCP_UP:
        ncp_is_up(s, ev->proto);
        break;
    case UPPP_QEV_NCP_DOWN:
        ncp_is_down(s, ev->proto);
        break;
    case UPPP_QEV_NCP_FINISHED:
        ncp_finished(s, ev);
        break;
    case UPPP_QEV_PROTREJ:
        protreject(s, ev->proto);
        break;
    case UPPP_QEV_END:
        set_end(s, ev->end, ev->why);
        break;
    case UPPP_QEV_CLOSE:
        link_close(s, ev->end, ev->why);
        break;
    }
}

/* Act on everything the layers posted, in order (see uppp_post). Called by
 * every entry point after each call into a layer. */
static void drain(struct uppp_session *s)
{
    if (s->draining)
        return; /* a handler's own layer calls: the outer loop continues */
    s->draining = 1;
    while (s->evq_len > 0 && !s->ended) {
        struct uppp_qev_queued *q = &s->evq[s->evq_head];
        struct uppp_qev ev;
        memset(&ev, 0, sizeof(ev));
        ev.type = (enum uppp_qev_type)q->type;
        ev.for_peer = q->for_peer;
        ev.ok = q->ok;
        ev.failed = q->failed;
        ev.peer_terminated = q->peer_terminated;
        ev.proto = q->proto;
        ev.method = q->method;
        ev.end = q->end;
        if (q->why >= 0)
            memcpy(ev.why, s->evq_why[q->why], sizeof(ev.why));
        free_why(s, q);
        memset(q, 0, sizeof(*q));
        s->evq_head = (s->evq_head + 1) % UPPP_EVQ_LEN;
        s->evq_len--;
        handle(s, &ev);
        uppp_memzero(&ev, sizeof(ev));
    }
    if (s->evq_overflow && !s->ended) {
        /* A layer posted more than the queue holds: a bug, not the peer's
         * doing. End rather than run on with an event lost. */
        s->evq_overflow = 0;
        uppp_log(s, UPPP_LOG_ERR, "internal error: event queue overflow");
        link_close(s, UPPP_END_FATAL, "internal error");
        s->draining = 0;
        drain(s);
        return;
    }
    /* Once the session is over, nothing queued matters. */
    if (s->ended) {
        uppp_memzero(s->evq, sizeof(s->evq));
        uppp_memzero(s->evq_why, sizeof(s->evq_why));
        s->evq_why_used = 0;
        s->evq_len = 0;
    }
    s->draining = 0;
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

/* Dispatch a decrypted/decompressed or clear network packet. */
static void network_input(struct uppp_session *s, uint16_t proto, const uint8_t *pkt, size_t len,
                          int was_encrypted)
{
    if (!was_encrypted && (uppp_ccp_encrypting(s) || mppe_gate(s))) {
        /* Never accept clear traffic while encryption is (to be) in force. */
        s->stats.dropped_clear++;
        s->stats.dropped_clear_in++;
        clear_in_dropped(s);
        return;
    }
    if (!uppp_ncp_carries(s, proto)) {
        s->stats.dropped_other++;
        return;
    }
    s->stats.packets_in++;
    if (s->cb.deliver != NULL)
        s->cb.deliver(s->cb.user, proto, pkt, len);
}

void uppp_frame_input(struct uppp_session *s, const uint8_t *frame, size_t len, int writable)
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
        uppp_lcp_input(s, frame, len);
        return;
    }
    /* RFC 1661 3.4/3.5: before LCP is Opened, everything else is dropped. */
    if (!uppp_lcp_opened(s)) {
        s->stats.dropped_other++;
        return;
    }
    /* pppd (main.c get_input): until authentication is over, everything
     * but LCP, LQR and the authentication protocols is discarded, not
     * Protocol-Rejected. An authenticator starts CCP and IPCP as soon as
     * it sends its Success; when that Success is lost we are still
     * authenticating when its CCP Configure-Request comes, and a reject
     * makes it give up MPPE (pptpd's pppd closed the link, "MPPE required
     * but peer negotiation failed"). Our Response is retransmitted, its
     * Success comes again, and CCP's retransmission is then answered. */
    if (s->phase <= UPPP_PHASE_AUTHENTICATE && proto != UPPP_PROTO_PAP &&
        proto != UPPP_PROTO_CHAP && proto != UPPP_PROTO_EAP && proto != UPPP_PROTO_LQR) {
        s->stats.dropped_other++;
        return;
    }
    switch (proto) {
    case UPPP_PROTO_PAP:
    case UPPP_PROTO_CHAP:
        uppp_auth_input(s, proto, frame, len);
        return;
    case UPPP_PROTO_CCP:
        if (uppp_ccp_enabled(s) && s->phase >= UPPP_PHASE_NETWORK) {
            uppp_ccp_input(s, frame, len);
            return;
        }
        break;
    case UPPP_PROTO_IPCP:
    case UPPP_PROTO_IPV6CP:
        if (proto == UPPP_PROTO_IPCP ? !s->cfg.no_ip : s->cfg.ipv6) {
            if (s->phase >= UPPP_PHASE_NETWORK) {
                /* What it tells of the peer's CCP (a lost Configure-Ack). */
                uppp_ccp_peer_ncp(s);
                uppp_ncp_input(s, proto, frame, len);
            }
            return;
        }
        break;
    case UPPP_PROTO_COMP:
        if (uppp_ccp_enabled(s)) {
            /* The pipeline: plaintext out of the CCP method, delivered
             * by the session. */
            struct uppp_ccp_plain plain;
            if (uppp_ccp_data_input(s, frame, len, writable, &plain) == 1) {
                network_input(s, plain.proto, plain.data, plain.len, 1);
                uppp_ccp_data_done(s);
            }
            return;
        }
        break;
    case UPPP_PROTO_IP:
    case UPPP_PROTO_IPV6:
        network_input(s, proto, frame, len, 0);
        return;
    }
    uppp_lcp_protreject(s, proto, frame, len);
}

/* ---- public API ---- */

/* Wipe and free the session's copy of the new password (a secret). */
static void free_new_password(struct uppp_session *s)
{
    size_t n = strlen(s->cfg.new_password);
    if (n != 0) {
        char *npw = (char *)s->cfg.new_password;
        uppp_memzero(npw, n);
        free(npw);
    }
    s->cfg.new_password = "";
}

int uppp_session_new(struct uppp_session **out, const struct uppp_config *cfg,
                     const struct uppp_callbacks *cb)
{
    if (out == NULL)
        return UPPP_ERR_INVALID;
    *out = NULL;
    if (cfg == NULL || cb == NULL || cb->random == NULL)
        return UPPP_ERR_INVALID;
    if (uppp_transport_for(cfg->framing) == NULL)
        return UPPP_ERR_INVALID;
    if (cfg->mru < UPPP_LCP_MIN_MRU || (cfg->mppe != UPPP_MPPE_OFF && (cfg->mppe_bits & 7) == 0))
        return UPPP_ERR_INVALID;
    /* Required MPPE needs CCP: without it no packet could ever flow. */
    if (cfg->mppe == UPPP_MPPE_REQUIRED && cfg->no_ccp)
        return UPPP_ERR_INVALID;
    size_t npw_len =
        cfg->new_password != NULL ? strnlen(cfg->new_password, UPPP_NEW_PASSWORD_MAX + 1) : 0;
    if (npw_len > UPPP_NEW_PASSWORD_MAX)
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
    /* The configuration is copied in, the new password too (only when
     * set: it is rarely used). Never NULL from here on. */
    s->cfg.new_password = "";
    if (npw_len != 0) {
        char *npw = malloc(npw_len + 1);
        if (npw == NULL) {
            free(s);
            return UPPP_ERR_NOMEM;
        }
        memcpy(npw, cfg->new_password, npw_len + 1);
        s->cfg.new_password = npw;
    }
    s->cb = *cb;
    s->phase = UPPP_PHASE_DEAD;
    s->tx_accm = 0xffffffffu;
    int rc = uppp_framing_init(s);
    if (rc != 0) {
        uppp_framing_free(s);
        free_new_password(s);
        free(s);
        return rc;
    }
    uppp_lcp_init(s, s->transport->uses_accm);
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
    uppp_memzero(s->evq, sizeof(s->evq));
    uppp_memzero(s->evq_why, sizeof(s->evq_why));
    free_new_password(s);
    uppp_memzero(&s->cfg, sizeof(s->cfg));
    free(s);
}

int uppp_session_start(struct uppp_session *s, uint64_t now)
{
    if (s == NULL || s->ended)
        return UPPP_ERR_INVALID;
    s->now = now;
    new_phase(s, UPPP_PHASE_ESTABLISH);
    uppp_lcp_open(s);
    drain(s);
    return 0;
}

int uppp_session_close(struct uppp_session *s, const char *reason, uint64_t now)
{
    if (s == NULL)
        return UPPP_ERR_INVALID;
    if (s->ended)
        return 0;
    s->now = now;
    link_close(s, UPPP_END_USER_REQUEST, reason ? reason : "User request");
    drain(s);
    return 0;
}

int uppp_session_close_end(struct uppp_session *s, enum uppp_end end, const char *reason,
                           uint64_t now)
{
    if (s == NULL)
        return UPPP_ERR_INVALID;
    if (s->ended)
        return 0;
    s->now = now;
    link_close(s, end, reason ? reason : "User request");
    drain(s);
    return 0;
}

void uppp_session_hangup(struct uppp_session *s, uint64_t now)
{
    if (s == NULL || s->ended)
        return;
    s->now = now;
    set_end(s, UPPP_END_HANGUP, "Modem hangup");
    uppp_lcp_lower_down(s);
    drain(s);
    session_dead(s, 0, "");
}

int uppp_session_input_frame(struct uppp_session *s, const uint8_t *frame, size_t len, uint64_t now)
{
    if (s == NULL || (frame == NULL && len != 0))
        return UPPP_ERR_INVALID;
    if (s->ended)
        return 0;
    s->now = now;
    s->stats.bytes_in += len;
    uppp_frame_input(s, frame, len, 0); /* the caller's */
    drain(s);
    return 0;
}

int uppp_session_input(struct uppp_session *s, const uint8_t *data, size_t len, uint64_t now)
{
    if (s == NULL || (data == NULL && len != 0))
        return UPPP_ERR_INVALID;
    if (!uppp_framing_byte_stream(s))
        return uppp_session_input_frame(s, data, len, now);
    if (s->ended)
        return 0;
    s->now = now;
    s->stats.bytes_in += len;
    /* Frame by frame, each handled to the end (events drained) before the
     * next: a frame that ends the session leaves the rest unread. */
    const uint8_t *frame;
    size_t flen;
    while (!s->ended && uppp_framing_next(s, &data, &len, &frame, &flen) == 1) {
        uppp_frame_input(s, frame, flen, s->transport->frames_writable);
        drain(s);
    }
    return 0;
}

static uint16_t peer_mru(const struct uppp_session *s)
{
    return uppp_lcp_peer_mru(s);
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
    /* The CCP method in force, or the one that may come (encryption
     * required or optional), says what it adds: RFC 3078 section 3, MPPE
     * adds 2 header octets and encrypts the 2-octet protocol field. */
    unsigned over = uppp_ccp_overhead(s, s->cfg.mppe >= UPPP_MPPE_OPTIONAL);
    mtu = mtu > over ? mtu - over : 0;
    return (uint16_t)mtu;
}

int uppp_session_send_ip(struct uppp_session *s, uint16_t proto, const uint8_t *pkt, size_t len,
                         uint64_t now)
{
    if (s == NULL || (proto != UPPP_PROTO_IP && proto != UPPP_PROTO_IPV6) || pkt == NULL)
        return UPPP_ERR_INVALID;
    s->now = now;
    if (s->ended || !uppp_ncp_carries(s, proto)) {
        s->stats.dropped_other++;
        return UPPP_ERR_DROPPED;
    }
    if (len > uppp_ip_mtu(s))
        return UPPP_ERR_NOBUF;
    if (uppp_ccp_mppe_up(s)) {
        int rc = uppp_ccp_send(s, proto, pkt, len);
        drain(s);
        return rc;
    }
    if (mppe_gate(s)) {
        s->stats.dropped_clear++;
        return UPPP_ERR_DROPPED;
    }
    s->stats.packets_out++;
    uppp_send_packet(s, proto, pkt, len);
    return 0;
}

int uppp_session_auth_verdict(struct uppp_session *s, const struct uppp_auth_verdict *v,
                              uint64_t now)
{
    if (s == NULL || v == NULL)
        return UPPP_ERR_INVALID;
    if (s->ended)
        return UPPP_ERR_NO_REQUEST;
    s->now = now;
    int rc = uppp_auth_verdict(s, v);
    drain(s);
    return rc;
}

int uppp_session_set_peer_limits(struct uppp_session *s, const struct uppp_peer_limits *l)
{
    if (s == NULL || l == NULL)
        return UPPP_ERR_INVALID;
    if (s->ended)
        return 0;
    if (s->phase >= UPPP_PHASE_NETWORK)
        return UPPP_ERR_PROTO;
    unsigned bits = s->cfg.mppe_bits & 7;
    if (l->mppe_bits != 0)
        bits &= l->mppe_bits;
    int required = l->mppe_required || s->cfg.mppe == UPPP_MPPE_REQUIRED;
    if (required && (bits == 0 || s->cfg.no_ccp))
        return UPPP_ERR_INVALID;
    if (l->mppe_bits != 0) {
        if (bits == 0)
            s->cfg.mppe = UPPP_MPPE_OFF; /* no strength the server allows: no MPPE */
        else
            s->cfg.mppe_bits = bits;
    }
    if (l->mppe_required)
        s->cfg.mppe = UPPP_MPPE_REQUIRED;
    if (l->mtu != 0 && (s->cfg.mtu == 0 || l->mtu < s->cfg.mtu))
        s->cfg.mtu = l->mtu;
    if (l->ip_remote != 0) {
        s->cfg.ip_remote = l->ip_remote;
        uppp_ipcp_set_remote(s, l->ip_remote);
    }
    return 0;
}

int uppp_session_renegotiate_ccp(struct uppp_session *s, uint64_t now)
{
    if (s == NULL)
        return UPPP_ERR_INVALID;
    s->now = now;
    if (!s->ended && uppp_ccp_enabled(s)) {
        uppp_ccp_renegotiate(s);
        drain(s);
    }
    return 0;
}

uint64_t uppp_session_next_timer(const struct uppp_session *s)
{
    if (s == NULL || s->ended)
        return UINT64_MAX;
    uint64_t d = uppp_lcp_deadline(s);
    d = uppp_min_deadline(d, s->linger_until);
    d = uppp_min_deadline(d, uppp_auth_deadline(s));
    d = uppp_min_deadline(d, uppp_ccp_deadline(s));
    d = uppp_min_deadline(d, uppp_ncp_deadline(s, UPPP_PROTO_IPCP));
    d = uppp_min_deadline(d, uppp_ncp_deadline(s, UPPP_PROTO_IPV6CP));
    return d == 0 ? UINT64_MAX : d;
}

int uppp_session_handle_timer(struct uppp_session *s, uint64_t now)
{
    if (s == NULL)
        return UPPP_ERR_INVALID;
    s->now = now;
    if (!s->ended && s->linger_until != 0 && now >= s->linger_until) {
        session_dead(s, 0, "");
        return 0;
    }
    /* Each layer's timers, each call's events handled before the next
     * layer runs: a layer that LCP took down meanwhile has no timer left. */
    if (!s->ended)
        uppp_lcp_timer(s, now);
    drain(s);
    if (!s->ended)
        uppp_auth_timer(s, now);
    drain(s);
    if (!s->ended)
        uppp_ccp_timer(s, now);
    drain(s);
    if (!s->ended)
        uppp_ncp_timer(s, UPPP_PROTO_IPCP, now);
    drain(s);
    if (!s->ended)
        uppp_ncp_timer(s, UPPP_PROTO_IPV6CP, now);
    drain(s);
    return 0;
}

void uppp_session_status(const struct uppp_session *s, struct uppp_status *st)
{
    *st = s->stats;
    st->phase = s->phase;
    st->end = s->ended ? s->end : UPPP_END_NONE;
    snprintf(st->reason, sizeof(st->reason), "%s", s->end_set ? s->reason : "");
    uppp_ccp_status(s, st);
    uppp_ncp_status(s, st);
    st->peer_mru = peer_mru(s);
    st->ip_mtu = uppp_ip_mtu(s);
    uppp_framing_add_stats(s, st);
}

int uppp_session_is_dead(const struct uppp_session *s)
{
    return s == NULL || s->ended;
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
