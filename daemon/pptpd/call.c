/*
 * One PPTP call in upppd-pptpd (see server.h): the enhanced GRE flow
 * (RFC 2637 section 4) registered on the process's raw GRE socket by
 * (client address, our Call ID), a PPP session in frame mode on its own
 * pppN TUN with the address pair of its slot, pppd's ip-up/ip-down, and
 * the deadline for the first GRE packet.
 *
 * What pptpd's pptpctrl hands pppd, we give the session: the options
 * files, "local:remote" from the slot, "ipparam <client address>" unless
 * noipparam.
 */
#define _GNU_SOURCE
#include "server.h"

#include "privsep.h"
#include "secnotice.h"
#include "radius_calls.h"
#include "secrets.h"

#include <uppp/err.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#define FROM(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

static void call_log(void *user, int level, const char *line)
{
    struct upppd_pptpd_call *k = user;
    /* "[ppp3 pptp[7]] ...": every line of a call carries its id (log.h). */
    upppd_log_id_line(k->conn->srv->log, k->label, level, line);
}

static void set_label(struct upppd_pptpd_call *k)
{
    snprintf(k->label, sizeof(k->label), "%s pptp[%u]", k->tun.fd >= 0 ? k->tun.name : "-",
             k->conn->id);
}

/* Re-arm the call's timer at the earlier of the flow's timers and the
 * no-GRE deadline. */
static void rearm(struct upppd_pptpd_call *k)
{
    uint64_t t = k->dead ? UPPPD_TIMER_NONE : uppp_pptp_gre_next_timer(k->flow);
    if (t == UINT64_MAX)
        t = UPPPD_TIMER_NONE;
    if (!k->dead && k->gre_deadline < t)
        t = k->gre_deadline;
    upppd_loop_timer_set(k->conn->srv->loop, &k->timer, t);
}

static void after_pass(struct upppd_defer *d)
{
    struct upppd_pptpd_call *k = FROM(d, struct upppd_pptpd_call, after);
    if (k->flow && !k->dead) {
        uint64_t now = upppd_loop_now();
        if (uppp_pptp_gre_next_timer(k->flow) <= now)
            uppp_pptp_gre_handle_timer(k->flow, now); /* lone acks go out here */
    }
    rearm(k);
}

static void on_timer(struct upppd_loop_timer *t, uint64_t now)
{
    struct upppd_pptpd_call *k = FROM(t, struct upppd_pptpd_call, timer);
    struct upppd_pptpd_server *s = k->conn->srv;
    if (k->dead)
        return;
    uppp_pptp_gre_handle_timer(k->flow, now);
    if (now >= k->gre_deadline) {
        k->gre_deadline = UPPPD_TIMER_NONE;
        s->st.calls_no_gre++;
        upppd_pptpd_limit_once(s, UPPPD_PPTPD_LOGGED_NOGRE,
                               "%s: no GRE within %d s: call cleared (is GRE, IP protocol 47, "
                               "let through?)",
                               k->label, s->conf->gre_timeout_s);
        upppd_sess_hangup(&k->sess, "no GRE from the client");
    }
    upppd_loop_defer(s->loop, &k->after);
}

/* Flow -> socket. */
static void gre_output(void *user, const uint8_t *pkt, size_t len)
{
    struct upppd_pptpd_call *k = user;
    /* From the address the client connected to (gre_sock.h). */
    upppd_gre_sock_send_from(&k->conn->srv->gre, k->conn->local, k->conn->peer, pkt, len);
}

/* Flow -> session: payloads in sequence order. */
static void gre_deliver(void *user, const uint8_t *payload, size_t len)
{
    struct upppd_pptpd_call *k = user;
    if (!k->dead)
        upppd_sess_input_frame(&k->sess, payload, len);
}

/* Socket -> flow. */
static void gre_recv(struct upppd_gre_call *gc, const uint8_t *gre, size_t len, uint64_t now)
{
    struct upppd_pptpd_call *k = FROM(gc, struct upppd_pptpd_call, gc);
    if (k->dead)
        return;
    if (uppp_pptp_gre_recv(k->flow, gre, len, now) == 0)
        k->gre_deadline = UPPPD_TIMER_NONE;
    upppd_loop_defer(k->conn->srv->loop, &k->after);
}

/* Session -> flow. */
static void send_frame(void *user, const uint8_t *frame, size_t len)
{
    struct upppd_pptpd_call *k = user;
    if (k->flow)
        uppp_pptp_gre_send(k->flow, frame, len, upppd_loop_now());
}

static void hook(struct upppd_pptpd_call *k, const char *name)
{
    k->hooks.ifname = k->tun.fd >= 0 ? k->tun.name : "";
    upppd_hook_run(&k->hooks, k->sess.s, name, UPPPD_HOOK_IP, 0);
}

static void ip_up(struct upppd_pptpd_call *k)
{
    struct uppp_status st;
    uppp_session_status(k->sess.s, &st);
    char err[256];
    k->ip_up = 1;
    k->conn->srv->st.calls_up++;
    if (k->tun.fd >= 0) {
        if (upppd_tun_set_mtu(&k->tun, st.ip_mtu, err, sizeof(err)) < 0 ||
            upppd_tun_set_ipv4(&k->tun, st.ip_local, st.ip_remote, err, sizeof(err)) < 0 ||
            upppd_tun_set_up(&k->tun, 1, err, sizeof(err)) < 0)
            call_log(k, LOG_ERR, err);
    }
    /* What this call's protection is worth, once per call (secnotice.h). */
    upppd_security_notice(k->conn->srv->log, k->label, &k->conn->srv->ppp, &st);
    k->mppe_bits = st.mppe_bits;
    k->mppe_stateless = st.mppe_stateless;
    k->mppc = st.mppc;
    char line[128];
    snprintf(line, sizeof(line), "MTU set to %u, mppe %d%s%s", st.ip_mtu, st.mppe_bits,
             upppd_mppe_mode_word(st.mppe_bits, st.mppe_stateless), upppd_mppc_words(st.mppc));
    call_log(k, LOG_INFO, line);
    hook(k, "ip-up");
    upppd_pptpd_radius_ip_up(k);
}

static void ip_down(struct upppd_pptpd_call *k)
{
    if (!k->ip_up)
        return;
    k->ip_up = 0;
    /* Not waited for: one slow script must not stall every other call.
     * The loop reaps it (SIGCHLD). */
    hook(k, "ip-down");
}

static void summary(struct upppd_pptpd_call *k)
{
    struct uppp_status st;
    uppp_session_status(k->sess.s, &st);
    const struct uppp_pptp_gre_stats *g = uppp_pptp_gre_stats(k->flow);
    char line[400];
    snprintf(line, sizeof(line),
             "summary: connect %llus, sent %llu bytes, received %llu bytes, gre lost %llu "
             "reordered %llu stale %llu, mppe resets sent %llu rcvd %llu, dropped %llu, end %d "
             "(%s), mppe %d%s%s",
             (unsigned long long)((upppd_loop_now() - k->t_start) / 1000),
             (unsigned long long)st.bytes_out, (unsigned long long)st.bytes_in,
             (unsigned long long)g->rx_lost, (unsigned long long)g->rx_buffered,
             (unsigned long long)g->rx_stale, (unsigned long long)st.mppe_resets_sent,
             (unsigned long long)st.mppe_resets_rcvd, (unsigned long long)st.dropped_other,
             (int)st.end, st.reason, k->mppe_bits,
             upppd_mppe_mode_word(k->mppe_bits, k->mppe_stateless), upppd_mppc_words(k->mppc));
    call_log(k, LOG_NOTICE, line);
}

/* The session is over: down scripts, then the call is cleared on the
 * control connection (Call-Disconnect-Notify); with one call per
 * connection, as pptpctrl, the connection is stopped too. */
static void finished(struct upppd_pptpd_call *k)
{
    if (k->down_done)
        return;
    k->down_done = 1;
    ip_down(k);
    if (k->tun.fd >= 0) {
        char err[128];
        upppd_tun_set_up(&k->tun, 0, err, sizeof(err));
    }
    summary(k);
    upppd_pptpd_radius_call_end(k); /* accounting Stop with the summary's counters */
}

static void on_event(void *user, const struct uppp_event *ev)
{
    struct upppd_pptpd_call *k = user;
    switch (ev->type) {
    case UPPP_EVENT_IP_UP:
        ip_up(k);
        break;
    case UPPP_EVENT_IP_DOWN:
        ip_down(k);
        break;
    case UPPP_EVENT_DEAD:
        finished(k);
        k->dead = 1;
        k->clear = 1;
        upppd_pptpd_conn_poke(k->conn);
        break;
    default:
        break;
    }
}

static int on_secret(void *user, const struct uppp_secret_query *q, struct uppp_secret *out)
{
    struct upppd_pptpd_call *k = user;
    /* runas: the secrets files are root's; the helper reads them. */
    struct upppd_privsep *ps = k->conn->srv->ps;
    if (ps != NULL && ps->fd >= 0)
        return upppd_privsep_get_secret(ps, k->store, q, out);
    return upppd_store_get_secret(k->store, q, out);
}

static int on_check_addr(void *user, const char *peer, uint32_t addr)
{
    struct upppd_pptpd_call *k = user;
    return upppd_store_check_addr(k->store, peer, addr);
}

static void store_log(void *ctx, int level, const char *msg)
{
    call_log(ctx, level, msg);
}

/* The first free pppN, as pppd picks its unit. */
static int open_tun(struct upppd_pptpd_call *k, char *err, size_t errcap)
{
    char name[UPPPD_IFNAMSIZ];
    for (int u = 0; u < 4096; u++) {
        snprintf(name, sizeof(name), "ppp%d", u);
        if (upppd_tun_open_offload(&k->tun, name, err, errcap) == 0)
            return 0;
        if (errno != EBUSY && errno != EEXIST)
            return -1;
    }
    return -1;
}

static int take_slot(struct upppd_pptpd_server *s, struct upppd_pptpd_call *k)
{
    for (int i = 0; i < s->conf->connections; i++)
        if (s->slots[i] == NULL) {
            s->slots[i] = k;
            k->slot = i;
            return 0;
        }
    return -1;
}

/* Everything a call needs; -1 (logged) when something is missing. */
static int call_setup(struct upppd_pptpd_call *k, const struct uppp_pptp_event *ev)
{
    struct upppd_pptpd_conn *c = k->conn;
    struct upppd_pptpd_server *s = c->srv;
    char err[256];
    if (take_slot(s, k) < 0) {
        s->st.calls_no_slot++;
        upppd_pptpd_limit_once(s, UPPPD_PPTPD_LOGGED_SLOTS,
                               "%s: no free address slot (%d in use): call refused", c->label,
                               s->conf->connections);
        return -1;
    }
    k->gc.peer = c->peer;
    k->gc.call_id = ev->call_id;
    k->gc.recv = gre_recv;
    if (upppd_gre_sock_register(&s->gre, &k->gc) < 0) {
        snprintf(err, sizeof(err), "Call ID %u of %s already carries GRE: call refused",
                 (unsigned)ev->call_id, c->peer_str);
        call_log(k, LOG_WARNING, err);
        return -1;
    }
    struct uppp_pptp_gre_config gcfg;
    uppp_pptp_gre_config_init(&gcfg);
    gcfg.call_id = ev->call_id;
    gcfg.peer_call_id = ev->peer_call_id;
    gcfg.peer_window = ev->peer_window;
    struct uppp_pptp_gre_callbacks gcb = {.output = gre_output, .deliver = gre_deliver};
    if (uppp_pptp_gre_new(&k->flow, &gcfg, &gcb, k) != 0) {
        call_log(k, LOG_ERR, "out of memory for the GRE flow");
        return -1;
    }
    if (!s->no_tun) {
        if (open_tun(k, err, sizeof(err)) < 0) {
            call_log(k, LOG_ERR, err);
            return -1;
        }
        set_label(k);
    }
    k->store = malloc(sizeof(*k->store));
    if (k->store == NULL) {
        call_log(k, LOG_ERR, "out of memory");
        return -1;
    }
    upppd_store_init(k->store, s->etc_dir);
    k->store->log = store_log;
    k->store->log_ctx = k;
    k->store->unit = -1;
    if (k->tun.fd >= 0)
        sscanf(k->tun.name, "ppp%d", &k->store->unit);

    struct uppp_config cfg = s->ppp;
    cfg.framing = UPPP_FRAMING_NONE;
    /* pptpctrl gives pppd "local:remote" from the slot; a later
     * "local:remote" in the options file would not override it either. */
    cfg.ip_local = s->conf->local[k->slot];
    cfg.ip_remote = s->conf->remote[k->slot];
    struct upppd_sess_ops ops = {
        .user = k,
        .event = on_event,
        .log = call_log,
        .get_secret = on_secret,
        .check_addr = cfg.require_auth ? on_check_addr : NULL,
    };
    if (upppd_pptpd_radius_call_new(k, &ops) != 0) {
        call_log(k, LOG_ERR, "out of memory");
        return -1;
    }
    int rc = upppd_sess_init(&k->sess, s->loop, &cfg, &ops);
    if (rc != 0) {
        snprintf(err, sizeof(err), "cannot start the session: %s", uppp_strerror(rc));
        call_log(k, LOG_ERR, err);
        return -1;
    }
    k->sess_made = 1;
    if (upppd_sess_attach_frames(&k->sess, k->tun.fd, k->tun.fd >= 0 ? k->tun.name : NULL,
                                 send_frame, k) < 0) {
        snprintf(err, sizeof(err), "cannot watch the TUN: %s", strerror(errno));
        call_log(k, LOG_ERR, err);
        return -1;
    }
    upppd_sess_set_tun_vnet(&k->sess, k->tun.fd >= 0 ? k->tun.vnet : 0);
    /* The scripts' view: pptpctrl runs pppd on a pty, whose name is its
     * "tty"; ours is the client's address. */
    snprintf(k->device, sizeof(k->device), "pptp:%s", c->peer_str);
    snprintf(k->ipparam, sizeof(k->ipparam), "%s", c->peer_str);
    k->hooks.etc_dir = s->etc_dir;
    k->hooks.device = k->device;
    k->hooks.speed = (unsigned)strtoul(s->conf->speed, NULL, 10);
    k->hooks.ipparam = s->conf->noipparam ? NULL : k->ipparam;
    k->hooks.log = s->log;
    k->hooks.ps = s->ps; /* runas: the root helper runs them (privsep.h) */
    k->hooks.orig_uid_set = 1;
    k->hooks.orig_uid = s->orig_uid;
    return 0;
}

struct upppd_pptpd_call *upppd_pptpd_call_new(struct upppd_pptpd_conn *c,
                                              const struct uppp_pptp_event *ev)
{
    struct upppd_pptpd_server *s = c->srv;
    struct upppd_pptpd_call *k = calloc(1, sizeof(*k));
    if (k == NULL)
        return NULL;
    k->conn = c;
    k->call_id = ev->call_id;
    k->peer_call_id = ev->peer_call_id;
    k->slot = -1;
    k->tun.fd = -1;
    upppd_loop_timer_init(&k->timer, on_timer);
    upppd_loop_defer_init(&k->after, after_pass);
    k->next = c->calls;
    c->calls = k;
    set_label(k);
    uint64_t now = upppd_loop_now();
    k->t_start = k->hooks.t_start = now;
    if (call_setup(k, ev) < 0) {
        s->st.calls_failed++;
        k->dead = k->down_done = 1;
        k->clear = 1;
        upppd_pptpd_conn_poke(c);
        return k;
    }
    char line[160];
    snprintf(line, sizeof(line),
             "call %u (client's %u) from %s: local IP %u.%u.%u.%u, remote %u.%u.%u.%u",
             (unsigned)k->call_id, (unsigned)k->peer_call_id, c->peer_str,
             s->conf->local[k->slot] >> 24, s->conf->local[k->slot] >> 16 & 255,
             s->conf->local[k->slot] >> 8 & 255, s->conf->local[k->slot] & 255,
             s->conf->remote[k->slot] >> 24, s->conf->remote[k->slot] >> 16 & 255,
             s->conf->remote[k->slot] >> 8 & 255, s->conf->remote[k->slot] & 255);
    call_log(k, LOG_INFO, line);
    k->gre_deadline = now + (uint64_t)s->conf->gre_timeout_s * 1000;
    upppd_sess_start(&k->sess, now);
    rearm(k);
    return k;
}

void upppd_pptpd_call_down(struct upppd_pptpd_call *k, const char *why)
{
    k->ctrl_down = 1; /* nothing left to clear */
    if (k->dead)
        return;
    if (k->sess_made)
        upppd_sess_hangup(&k->sess, why); /* DEAD follows: scripts, summary */
    k->dead = 1;
    finished(k);
}

void upppd_pptpd_call_close(struct upppd_pptpd_call *k)
{
    if (k->dead || !k->sess_made)
        return;
    uppp_session_close_end(k->sess.s, UPPP_END_USER_REQUEST, "User request", upppd_loop_now());
    upppd_sess_touch(&k->sess);
}

void upppd_pptpd_call_free(struct upppd_pptpd_call *k)
{
    struct upppd_pptpd_server *s = k->conn->srv;
    upppd_loop_timer_cancel(s->loop, &k->timer);
    upppd_loop_undefer(s->loop, &k->after);
    upppd_gre_sock_unregister(&s->gre, &k->gc);
    upppd_pptpd_radius_call_free(k);
    if (k->sess_made)
        upppd_sess_free(&k->sess);
    uppp_pptp_gre_del(k->flow);
    if (k->tun.fd >= 0)
        upppd_tun_close(&k->tun);
    if (k->store) {
        upppd_store_free(k->store);
        free(k->store);
    }
    if (k->slot >= 0)
        s->slots[k->slot] = NULL;
    free(k);
}
