/*
 * RADIUS for upppd-pptpd's calls (radius_calls.h): the process's
 * upppd_radius on the server's loop, and per call its upppd_radius_call,
 * the address check against the other calls, and the Session-Timeout /
 * Idle-Timeout timer.
 */
#define _GNU_SOURCE
#include "radius_calls.h"

#include "radius.h"

#include <uppp/err.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#define FROM(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

struct upppd_pptpd_rcall {
    struct upppd_radius_call rc;
    struct upppd_pptpd_call *k;
    struct upppd_loop_timer limits; /* Session-Timeout, Idle-Timeout */
    uint64_t t_asked, t_ip_up;
    int ended;
    /* The call's own secrets lookup, for our name only. */
    int (*get_secret)(void *user, const struct uppp_secret_query *q, struct uppp_secret *out);
};

static void klog(struct upppd_pptpd_call *k, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void klog(struct upppd_pptpd_call *k, int level, const char *fmt, ...)
{
    char line[400], full[480];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    snprintf(full, sizeof(full), "%s: %s", k->label, line);
    upppd_log_line(k->conn->srv->log, level, full);
}

static void radius_log(void *user, int level, const char *line)
{
    struct upppd_pptpd_server *s = user;
    upppd_log_line(s->log, level, line);
}

int upppd_pptpd_radius_open(struct upppd_pptpd_server *s, const struct upppd_opts *o, char *err,
                            size_t errcap)
{
    s->rad = NULL;
    if (!o->radius)
        return 0;
    const char *avpairs[UPPPD_MAX_AVPAIRS];
    for (int i = 0; i < o->n_avpairs && i < UPPPD_MAX_AVPAIRS; i++)
        avpairs[i] = o->avpairs[i];
    struct upppd_radius_params p = {.config_file = o->radius_config,
                                    .avpairs = avpairs,
                                    .n_avpairs = (size_t)o->n_avpairs,
                                    .allow_no_ma = o->radius_allow_no_ma,
                                    .log = radius_log,
                                    .log_user = s};
    if (upppd_radius_open(&s->rad, s->loop, &p, err, errcap) != 0) {
        s->rad = NULL;
        return -1;
    }
    return 0;
}

void upppd_pptpd_radius_close(struct upppd_pptpd_server *s)
{
    upppd_radius_close(s->rad);
    s->rad = NULL;
}

size_t upppd_pptpd_radius_pending(const struct upppd_pptpd_server *s)
{
    return upppd_radius_pending(s->rad);
}

/* ------------------------------------------------------------ the session */

static int on_auth_request(void *user, const struct uppp_auth_request *req)
{
    struct upppd_pptpd_call *k = user;
    if (k->rad == NULL)
        return UPPP_ERR_INVALID;
    k->rad->t_asked = upppd_loop_now();
    return upppd_radius_call_auth(&k->rad->rc, req);
}

/* With RADIUS the peer is never checked against the secrets files (pppd's
 * plugin replaces those checks); our own name's secrets still come from
 * the call's own lookup (the secrets files, or the root helper under
 * runas). */
static int on_secret(void *user, const struct uppp_secret_query *q, struct uppp_secret *out)
{
    struct upppd_pptpd_call *k = user;
    if (q->for_peer || k->rad == NULL || k->rad->get_secret == NULL)
        return -1;
    return k->rad->get_secret(user, q, out);
}

/* The address call k2 has or will have, 0 when not settled yet (its
 * peer not accepted, IPCP not up). */
static uint32_t call_addr(const struct upppd_pptpd_call *k2)
{
    const struct upppd_pptpd_server *s = k2->conn->srv;
    if (k2->dead || !k2->sess_made || k2->slot < 0)
        return 0;
    if (k2->ip_up) {
        struct uppp_status st;
        uppp_session_status(k2->sess.s, &st);
        return st.ip_remote;
    }
    if (k2->rad != NULL && k2->rad->rc.accepted)
        return k2->rad->rc.framed_ip ? k2->rad->rc.framed_ip : s->conf->remote[k2->slot];
    return 0;
}

/* Two calls must never share a peer address: the TUNs would route it
 * twice. The pool's addresses are distinct, so only a Framed-IP-Address
 * (ours or another call's) can collide. */
static int check_ip(struct upppd_radius_call *rc, uint32_t ip)
{
    struct upppd_pptpd_rcall *r = FROM(rc, struct upppd_pptpd_rcall, rc);
    struct upppd_pptpd_call *k = r->k;
    struct upppd_pptpd_server *s = k->conn->srv;
    uint32_t mine = ip ? ip : s->conf->remote[k->slot];
    for (struct upppd_pptpd_conn *c = s->conns; c; c = c->next)
        for (struct upppd_pptpd_call *k2 = c->calls; k2; k2 = k2->next) {
            if (k2 == k || call_addr(k2) != mine)
                continue;
            char a[16];
            upppd_ip_str(mine, a, sizeof(a));
            klog(k, LOG_WARNING, "peer address %s%s is in use by %s: peer refused", a,
                 ip ? " (Framed-IP-Address)" : "", k2->label);
            return -1;
        }
    if (ip != 0 && ip == s->conf->local[k->slot]) {
        klog(k, LOG_WARNING, "Framed-IP-Address is our own address: peer refused");
        return -1;
    }
    return 0;
}

static void on_accept(struct upppd_radius_call *rc)
{
    struct upppd_pptpd_rcall *r = FROM(rc, struct upppd_pptpd_rcall, rc);
    /* The latency a client sees from the server (bench/radius_bench.sh
     * reads it for the PPTP variant). */
    klog(r->k, LOG_INFO, "RADIUS Access-Accept after %llu ms (session-timeout %u s, idle %u s)",
         (unsigned long long)(upppd_loop_now() - r->t_asked), rc->session_timeout,
         rc->idle_timeout);
}

/* ------------------------------------------------------------- timeouts */

static void arm_limits(struct upppd_pptpd_rcall *r, uint64_t now)
{
    struct upppd_pptpd_call *k = r->k;
    uint64_t t = UPPPD_TIMER_NONE;
    if (r->rc.session_timeout)
        t = r->t_ip_up + (uint64_t)r->rc.session_timeout * 1000;
    if (r->rc.idle_timeout) {
        uint64_t last = k->sess.last_activity > r->t_ip_up ? k->sess.last_activity : r->t_ip_up;
        uint64_t ti = last + (uint64_t)r->rc.idle_timeout * 1000;
        if (ti < t)
            t = ti;
    }
    if (t != UPPPD_TIMER_NONE && t <= now)
        t = now + 1;
    upppd_loop_timer_set(k->conn->srv->loop, &r->limits, t);
}

/* As upppd's maxconnect and idle (run.c), for this call alone. */
static void on_limits(struct upppd_loop_timer *t, uint64_t now)
{
    struct upppd_pptpd_rcall *r = FROM(t, struct upppd_pptpd_rcall, limits);
    struct upppd_pptpd_call *k = r->k;
    if (k->dead || r->ended || !k->ip_up)
        return;
    if (r->rc.session_timeout && now >= r->t_ip_up + (uint64_t)r->rc.session_timeout * 1000) {
        klog(k, LOG_NOTICE, "Connect time expired (Session-Timeout %u s)", r->rc.session_timeout);
        uppp_session_close_end(k->sess.s, UPPP_END_CONNECT_TIME, "Connect time expired", now);
        upppd_sess_touch(&k->sess);
        return;
    }
    uint64_t last = k->sess.last_activity > r->t_ip_up ? k->sess.last_activity : r->t_ip_up;
    if (r->rc.idle_timeout && now >= last + (uint64_t)r->rc.idle_timeout * 1000) {
        klog(k, LOG_NOTICE, "Terminating connection due to lack of activity (Idle-Timeout %u s)",
             r->rc.idle_timeout);
        uppp_session_close_end(k->sess.s, UPPP_END_IDLE_TIMEOUT, "Link inactive", now);
        upppd_sess_touch(&k->sess);
        return;
    }
    arm_limits(r, now);
}

/* ------------------------------------------------------------- the call */

int upppd_pptpd_radius_call_new(struct upppd_pptpd_call *k, struct upppd_sess_ops *ops)
{
    struct upppd_pptpd_server *s = k->conn->srv;
    if (s->rad == NULL)
        return 0;
    struct upppd_pptpd_rcall *r = calloc(1, sizeof(*r));
    if (r == NULL)
        return UPPP_ERR_NOMEM;
    r->k = k;
    /* pppd's map-to-ifname: NAS-Port is the unit of pppN. */
    uint32_t port = (uint32_t)k->slot;
    if (k->tun.fd >= 0)
        port = (uint32_t)strtoul(k->tun.name + strcspn(k->tun.name, "0123456789"), NULL, 10);
    /* pptpctrl: "remotenumber <client address>", whatever noipparam says.
     * Only the session's address is kept: it is made after this. */
    upppd_radius_call_init(&r->rc, s->rad, &k->sess, port, k->conn->peer_str);
    r->rc.nas_port_type = 5; /* Virtual */
    r->rc.check_ip = check_ip;
    r->rc.on_accept = on_accept;
    upppd_loop_timer_init(&r->limits, on_limits);
    r->get_secret = ops->get_secret;
    ops->auth_request = on_auth_request;
    ops->get_secret = on_secret;
    ops->check_addr = NULL; /* the server's Framed-IP-Address, checked in check_ip */
    k->rad = r;
    return 0;
}

void upppd_pptpd_radius_ip_up(struct upppd_pptpd_call *k)
{
    struct upppd_pptpd_rcall *r = k->rad;
    if (r == NULL || r->ended)
        return;
    r->t_ip_up = upppd_loop_now();
    upppd_radius_call_acct_start(&r->rc);
    if (r->rc.session_timeout || r->rc.idle_timeout)
        arm_limits(r, r->t_ip_up);
}

void upppd_pptpd_radius_call_end(struct upppd_pptpd_call *k)
{
    struct upppd_pptpd_rcall *r = k->rad;
    if (r == NULL || r->ended)
        return;
    r->ended = 1;
    upppd_loop_timer_cancel(k->conn->srv->loop, &r->limits);
    struct uppp_status st;
    memset(&st, 0, sizeof(st));
    if (k->sess_made && k->sess.s != NULL)
        uppp_session_status(k->sess.s, &st);
    upppd_radius_call_end(&r->rc, &st);
}

void upppd_pptpd_radius_call_free(struct upppd_pptpd_call *k)
{
    if (k->rad == NULL)
        return;
    upppd_pptpd_radius_call_end(k);
    free(k->rad);
    k->rad = NULL;
}
