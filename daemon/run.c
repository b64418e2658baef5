/*
 * pppd's behaviour for one link (see run.h): the link and its connect and
 * disconnect scripts, the TUN, the hook scripts (ip-up, auth-up, ... with
 * pppd 2.4.9's arguments and environment), idle and maxconnect, signals
 * (one signalfd), pid files, persist and holdoff, and pppd's exit codes.
 * The session itself runs on the daemon's event loop (loop.c, sess.c) as
 * its only session; the protocol lives in libuppp.
 */
#define _GNU_SOURCE
#include "run.h"

#include "gre_sock.h"
#include "hooks.h"
#include "loop.h"
#include "privsep.h"
#include "pptp_link.h"
#include "route.h"
#include "scripts.h"
#include "secnotice.h"
#include "sess.h"
#include "tun.h"

#include <uppp/err.h>
#include <uppp/escape.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

struct ctx {
    struct upppd_run *r;
    struct upppd_log *log;
    struct upppd_loop loop;
    struct upppd_sess sess; /* the link's session; sess.s is NULL between links */
    struct upppd_link link;
    struct upppd_tun *tun;
    int sfd;
    struct upppd_watch w_sig;
    struct upppd_loop_timer limits; /* idle and maxconnect */
    uint64_t t_start;
    int ip_up, ipv6_up, auth_up, reached_running;
    int terminating;               /* signals received asking us to stop */
    int in_holdoff;                /* between links: only a terminating signal counts */
    int hup_restart;               /* SIGHUP: end this link, persist restarts it */
    int child_status;              /* wait status of the pty command, once reaped */
    int mppe_bits, mppe_stateless; /* as negotiated, for the summary */
    int mppc;                      /* uppp_status.mppc: 1 we compress, 2 the peer does */
    struct uppp_status final;
    struct upppd_radius *rad; /* plugin radius.so, or NULL */
    struct upppd_radius_call call;
    struct upppd_privsep ps;  /* runas: the root helper (ps.fd < 0: none) */
    uid_t orig_uid;           /* who started us, before runas */
    char pidfile[2][512];     /* written at start, removed at the end */
    struct upppd_hooks hooks; /* the scripts' view of the link */
    /* PPTP (r->pptp_host): the process's raw GRE socket, opened once for
     * every link under persist, the current call, the host route. */
    struct upppd_gre_sock gs;
    int gs_open;
    struct upppd_pptp_link pl;
    uint32_t pptp_server; /* network byte order */
    uint32_t hr_gw;
    char hr_dev[UPPPD_ROUTE_DEV_LEN]; /* "" = no host route added */
};

#define FROM(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

static void arm_limits(struct ctx *c);

static uint64_t mono_ms(void)
{
    return upppd_loop_now();
}

static void on_log(void *user, int level, const char *line)
{
    struct ctx *c = user;
    upppd_log_line(c->log, level, line);
}

static int on_secret(void *user, const struct uppp_secret_query *q, struct uppp_secret *out)
{
    struct ctx *c = user;
    /* With RADIUS the peer is never checked against the secrets files. */
    if (c->r->get_secret == NULL || (c->rad != NULL && q->for_peer))
        return -1;
    /* runas: the secrets files are root's; the helper reads them. */
    if (c->ps.fd >= 0)
        return upppd_privsep_get_secret(&c->ps, c->r->secrets, q, out);
    return c->r->get_secret(c->r->secrets, q, out);
}

static int on_auth_request(void *user, const struct uppp_auth_request *req)
{
    struct ctx *c = user;
    return upppd_radius_call_auth(&c->call, req);
}

/* pppd's plugin: Session-Timeout becomes maxconnect, Idle-Timeout idle. */
static void on_radius_accept(struct upppd_radius_call *call)
{
    struct ctx *c = FROM(call, struct ctx, call);
    if (call->session_timeout > 0)
        c->r->maxconnect_s = call->session_timeout;
    if (call->idle_timeout > 0)
        c->r->idle_s = call->idle_timeout;
}

static void on_radius_log(void *user, int level, const char *line)
{
    struct ctx *c = user;
    upppd_log_line(c->log, level, line);
}

static int on_check_addr(void *user, const char *peer, uint32_t addr)
{
    struct ctx *c = user;
    if (c->r->check_addr == NULL)
        return 1;
    return c->r->check_addr(c->r->secrets, peer, addr);
}

/* The hook scripts (hooks.c) with this link's arguments. */
static void run_script(struct ctx *c, const char *name, enum upppd_hook_kind kind, int wait_ms)
{
    c->hooks.etc_dir = c->r->etc_dir;
    c->hooks.ifname = c->tun ? c->tun->name : "";
    c->hooks.device = c->link.name;
    c->hooks.speed = c->r->link.speed;
    c->hooks.ipparam = c->r->ipparam;
    c->hooks.linkname = c->r->linkname;
    c->hooks.call_file = c->r->call_file;
    c->hooks.t_start = c->t_start;
    c->hooks.log = c->log;
    c->hooks.ps = &c->ps;
    c->hooks.orig_uid_set = 1;
    c->hooks.orig_uid = c->orig_uid;
    upppd_hook_run(&c->hooks, c->sess.s, name, kind, wait_ms);
}

static void write_resolv(struct ctx *c, const struct uppp_status *st)
{
    char path[512], a[INET_ADDRSTRLEN];
    snprintf(path, sizeof(path), "%s/resolv.conf", c->r->etc_dir);
    if (c->ps.fd >= 0) {
        if (upppd_privsep_resolv(&c->ps, st->dns) != 0)
            upppd_logf(c->log, LOG_WARNING, "can't create %s (root helper)", path);
        return;
    }
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        upppd_logf(c->log, LOG_WARNING, "can't create %s: %s", path, strerror(errno));
        return;
    }
    for (int i = 0; i < 2; i++)
        if (st->dns[i]) {
            upppd_ip_str(st->dns[i], a, sizeof(a));
            fprintf(f, "nameserver %s\n", a);
        }
    fclose(f);
}

/* pptp-linux (unless --nohostroute) keeps the server reachable through
 * the route it has now, so that moving the default route onto the tunnel
 * does not route the tunnel into itself; the route goes when IP does. Only
 * a route through a gateway needs it: an on-link server stays on-link. */
static void pptp_hostroute(struct ctx *c, int add)
{
    char err[256];
    if (!add) {
        if (c->hr_dev[0] != 0 &&
            upppd_route_host(0, c->pptp_server, c->hr_gw, c->hr_dev, err, sizeof(err)) < 0)
            upppd_logf(c->log, LOG_WARNING, "%s", err);
        c->hr_dev[0] = 0;
        return;
    }
    if (!c->r->pptp_host || !c->r->pptp_hostroute || c->hr_dev[0] != 0)
        return;
    uint32_t gw = 0;
    char dev[UPPPD_ROUTE_DEV_LEN];
    if (upppd_route_lookup(c->pptp_server, c->tun ? c->tun->name : NULL, &gw, dev) < 0 || gw == 0)
        return;
    if (upppd_route_host(1, c->pptp_server, gw, dev, err, sizeof(err)) < 0) {
        /* EEXIST: the admin has one already; it stays theirs. */
        if (errno != EEXIST)
            upppd_logf(c->log, LOG_WARNING, "%s", err);
        return;
    }
    c->hr_gw = gw;
    snprintf(c->hr_dev, sizeof(c->hr_dev), "%s", dev);
    char a[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &(struct in_addr){.s_addr = c->pptp_server}, a, sizeof(a));
    inet_ntop(AF_INET, &(struct in_addr){.s_addr = gw}, g, sizeof(g));
    upppd_logf(c->log, LOG_INFO, "Added host route to PPTP server %s via %s dev %s", a, g, dev);
}

static void ip_up(struct ctx *c)
{
    struct uppp_status st;
    uppp_session_status(c->sess.s, &st);
    char err[256];
    c->ip_up = 1;
    if (!c->reached_running)
        upppd_security_notice(c->log, NULL, &c->r->cfg, &st);
    c->reached_running = 1;
    arm_limits(c);
    if (c->r->usepeerdns && (st.dns[0] || st.dns[1]))
        write_resolv(c, &st);
    if (c->tun) {
        if (upppd_tun_set_mtu(c->tun, st.ip_mtu, err, sizeof(err)) < 0 ||
            upppd_tun_set_ipv4(c->tun, st.ip_local, st.ip_remote, err, sizeof(err)) < 0)
            upppd_logf(c->log, LOG_ERR, "%s", err);
        run_script(c, "ip-pre-up", UPPPD_HOOK_IP, 5000);
        if (upppd_tun_set_up(c->tun, 1, err, sizeof(err)) < 0)
            upppd_logf(c->log, LOG_ERR, "%s", err);
        if (c->r->defaultroute)
            pptp_hostroute(c, 1);
        if (c->r->defaultroute &&
            upppd_tun_default_route(c->tun, 1, c->r->replacedefaultroute, err, sizeof(err)) < 0)
            upppd_logf(c->log, LOG_WARNING, "%s", err);
    }
    upppd_logf(c->log, LOG_INFO, "MTU of %s set to %u", c->tun ? c->tun->name : "-", st.ip_mtu);
    run_script(c, "ip-up", UPPPD_HOOK_IP, 0);
    if (c->r->updetach_fd >= 0) {
        if (write(c->r->updetach_fd, "u", 1) < 0) {
            /* the parent is gone: nothing to tell */
        }
        close(c->r->updetach_fd);
        c->r->updetach_fd = -1;
    }
}

static void ip_down(struct ctx *c)
{
    if (!c->ip_up)
        return;
    c->ip_up = 0;
    char err[256];
    if (c->tun && c->tun->default_route)
        upppd_tun_default_route(c->tun, 0, 0, err, sizeof(err));
    pptp_hostroute(c, 0);
    run_script(c, "ip-down", UPPPD_HOOK_IP, 5000);
}

static void ipv6_up(struct ctx *c)
{
    struct uppp_status st;
    uppp_session_status(c->sess.s, &st);
    char err[256];
    c->ipv6_up = 1;
    if (!c->reached_running)
        upppd_security_notice(c->log, NULL, &c->r->cfg, &st);
    c->reached_running = 1;
    arm_limits(c);
    if (c->tun) {
        if (upppd_tun_set_mtu(c->tun, st.ip_mtu, err, sizeof(err)) < 0 ||
            upppd_tun_set_up(c->tun, 1, err, sizeof(err)) < 0 ||
            upppd_tun_add_ipv6_ll(c->tun, st.ipv6_local, err, sizeof(err)) < 0)
            upppd_logf(c->log, LOG_ERR, "%s", err);
    }
    run_script(c, "ipv6-up", UPPPD_HOOK_IPV6, 0);
}

static void on_event(void *user, const struct uppp_event *ev)
{
    struct ctx *c = user;
    switch (ev->type) {
    case UPPP_EVENT_AUTH_UP: {
        struct uppp_status st;
        uppp_session_status(c->sess.s, &st);
        if (st.auth_peer && !c->auth_up) {
            c->auth_up = 1;
            run_script(c, "auth-up", UPPPD_HOOK_AUTH, 0);
        }
        break;
    }
    case UPPP_EVENT_CCP_UP: {
        struct uppp_status st;
        uppp_session_status(c->sess.s, &st);
        c->mppe_bits = st.mppe_bits;
        c->mppe_stateless = st.mppe_stateless;
        c->mppc = st.mppc;
        break;
    }
    case UPPP_EVENT_IP_UP:
        ip_up(c);
        if (c->rad != NULL)
            upppd_radius_call_acct_start(&c->call);
        break;
    case UPPP_EVENT_IP_DOWN:
        ip_down(c);
        break;
    case UPPP_EVENT_IPV6_UP:
        ipv6_up(c);
        break;
    case UPPP_EVENT_IPV6_DOWN:
        if (c->ipv6_up)
            run_script(c, "ipv6-down", UPPPD_HOOK_IPV6, 5000);
        c->ipv6_up = 0;
        break;
    default:
        break;
    }
}

/* Between links (holdoff) only SIGTERM and SIGINT count: they end the
 * wait, and upppd, with status 5. */
static void on_signal_holdoff(struct ctx *c)
{
    struct signalfd_siginfo si;
    while (read(c->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
        if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
            c->terminating++; /* counted: a PPTP teardown ends at a new one */
}

static void on_signal(struct upppd_watch *w, uint32_t events)
{
    struct ctx *c = FROM(w, struct ctx, w_sig);
    (void)events;
    if (c->in_holdoff) {
        on_signal_holdoff(c);
        return;
    }
    /* The link ended earlier in this pass: leave the signal pending for the
     * holdoff wait or the next link, as the one-link loop always did. */
    if (upppd_sess_is_dead(&c->sess))
        return;
    struct signalfd_siginfo si;
    while (read(c->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        uint64_t now = mono_ms();
        upppd_sess_touch(&c->sess);
        switch (si.ssi_signo) {
        case SIGTERM:
        case SIGINT:
            upppd_logf(c->log, LOG_NOTICE, "Terminating on signal %u", si.ssi_signo);
            if (++c->terminating > 1) {
                /* A second signal: stop waiting for the Terminate-Ack. */
                uppp_session_close_end(c->sess.s, UPPP_END_USER_REQUEST, "User request", now);
                uppp_session_hangup(c->sess.s, now);
            } else {
                uppp_session_close_end(c->sess.s, UPPP_END_USER_REQUEST, "User request", now);
            }
            break;
        case SIGHUP:
            upppd_logf(c->log, LOG_NOTICE, "Hangup (SIGHUP)");
            c->hup_restart = 1;
            /* pppd (main.c handle_events): the status becomes 5
             * (EXIT_USER_REQUEST) unless it is already 16 (the link hung up
             * first), and the link closes with "User request". Here the
             * first end recorded wins, so a hangup, or any other end
             * already reached, is kept. */
            uppp_session_close_end(c->sess.s, UPPP_END_USER_REQUEST, "User request", now);
            break;
        case SIGUSR1:
            c->log->debug = !c->log->debug;
            upppd_logf(c->log, LOG_NOTICE, "debug %s", c->log->debug ? "on" : "off");
            break;
        case SIGUSR2:
            uppp_session_renegotiate_ccp(c->sess.s, now);
            break;
        case SIGCHLD: {
            int st;
            pid_t pid;
            while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
                if (pid == c->link.child) {
                    c->child_status = st;
                    c->link.child = -pid; /* reaped */
                }
            break;
        }
        }
    }
}

/* idle and maxconnect (pppd's options of those names): one loop timer at
 * the earlier of the two deadlines. Traffic moves the idle deadline
 * without touching the heap; the timer re-reads it when it fires. */
static uint64_t limits_deadline(struct ctx *c)
{
    uint64_t t = UPPPD_TIMER_NONE;
    if (c->r->idle_s && c->ip_up)
        t = c->sess.last_activity + (uint64_t)c->r->idle_s * 1000;
    if (c->r->maxconnect_s && c->reached_running) {
        uint64_t mc = c->t_start + (uint64_t)c->r->maxconnect_s * 1000;
        if (mc < t)
            t = mc;
    }
    return t;
}

static void arm_limits(struct ctx *c)
{
    upppd_loop_timer_set(&c->loop, &c->limits, limits_deadline(c));
}

static void on_limits(struct upppd_loop_timer *t, uint64_t now)
{
    struct ctx *c = FROM(t, struct ctx, limits);
    if (upppd_sess_is_dead(&c->sess))
        return;
    if (c->r->idle_s && c->ip_up && now >= c->sess.last_activity + (uint64_t)c->r->idle_s * 1000) {
        upppd_logf(c->log, LOG_NOTICE, "Terminating connection due to lack of activity.");
        uppp_session_close_end(c->sess.s, UPPP_END_IDLE_TIMEOUT, "Link inactive", now);
        upppd_sess_touch(&c->sess);
        return;
    }
    if (c->r->maxconnect_s && c->reached_running &&
        now >= c->t_start + (uint64_t)c->r->maxconnect_s * 1000) {
        upppd_logf(c->log, LOG_NOTICE, "Connect time expired");
        uppp_session_close_end(c->sess.s, UPPP_END_CONNECT_TIME, "Connect time expired", now);
        upppd_sess_touch(&c->sess);
        return;
    }
    arm_limits(c);
}

static void write_pidfiles(struct ctx *c, int create)
{
    char path[512];
    const char *names[2] = {NULL, NULL};
    char unitname[32];
    if (c->tun) {
        snprintf(unitname, sizeof(unitname), "%s", c->tun->name);
        names[0] = unitname;
    }
    char ln[300];
    if (c->r->linkname) {
        /* pppd names it ppp-<linkname>.pid, holding the pid and the
         * interface name. */
        snprintf(ln, sizeof(ln), "ppp-%s", c->r->linkname);
        names[1] = ln;
    }
    for (int i = 0; i < 2; i++) {
        if (names[i] == NULL)
            continue;
        snprintf(path, sizeof(path), "%s/%s.pid", c->r->run_dir, names[i]);
        snprintf(c->pidfile[i], sizeof(c->pidfile[i]), "%s", path);
        if (!create) {
            unlink(path);
            continue;
        }
        FILE *f = fopen(path, "w");
        if (f == NULL) {
            upppd_logf(c->log, LOG_WARNING, "Failed to create pid file %s: %s", path,
                       strerror(errno));
            continue;
        }
        fprintf(f, "%d\n", (int)getpid());
        if (i == 1 && c->tun)
            fprintf(f, "%s\n", c->tun->name);
        fclose(f);
    }
}

/* The link and its connect script. Returns 0, or pppd's status. */
static int link_up(struct ctx *c)
{
    char err[512];
    int rc = upppd_link_open(&c->link, &c->r->link, err, sizeof(err));
    if (rc != 0) {
        upppd_logf(c->log, LOG_ERR, "%s", err);
        return rc == UPPPD_LINK_ERR_LOCK ? 6 : rc == UPPPD_LINK_ERR_PTY ? 9 : 7;
    }
    if (c->r->connect_cmd && upppd_run_chat(c->r->connect_cmd, c->link.rfd, 60000) != 0) {
        upppd_logf(c->log, LOG_ERR, "Connect script failed");
        upppd_link_close(&c->link);
        return 8;
    }
    return 0;
}

/* ---- a PPTP call as the link (pptp_link.h) ---- */

static void pptp_frame(void *user, const uint8_t *frame, size_t len)
{
    struct ctx *c = user;
    if (c->sess.s != NULL)
        upppd_sess_input_frame(&c->sess, frame, len);
}

/* The call or the control connection went away under a running session:
 * for PPP that is the line hanging up, as pppd sees pptp-linux exit. */
static void pptp_down(void *user, const char *why)
{
    struct ctx *c = user;
    (void)why; /* pptp_link logged it */
    if (c->sess.s != NULL)
        upppd_sess_hangup(&c->sess, "Modem hangup");
}

static void sess_send_frame(void *user, const uint8_t *frame, size_t len)
{
    struct ctx *c = user;
    upppd_pptp_link_send(&c->pl, frame, len);
}

/* Set-Link-Info when LCP opens. Not when it closes: the call is about to
 * be cleared, and pptp-linux (which never sees LCP) sends none then. */
static void on_link_params(void *user, const struct uppp_link_params *p)
{
    struct ctx *c = user;
    if (!c->r->pptp_host || c->sess.s == NULL)
        return;
    struct uppp_status st;
    uppp_session_status(c->sess.s, &st);
    if (st.phase == UPPP_PHASE_TERMINATE || st.phase == UPPP_PHASE_DEAD)
        return;
    upppd_pptp_link_set_accm(&c->pl, p->send_accm, p->recv_accm);
}

/* Run the loop until the link reaches UPPPD_PPTP_CLOSED (or UP when
 * up_too), a terminating signal comes, or until (UPPPD_TIMER_NONE: no
 * bound). Signals are only counted meanwhile (there is no session).
 * Returns 1 if a signal ended the wait. */
static int pptp_wait(struct ctx *c, int up_too, uint64_t until)
{
    int before = c->terminating;
    c->in_holdoff = 1;
    for (;;) {
        enum upppd_pptp_link_state st = c->pl.state;
        if (st == UPPPD_PPTP_CLOSED || (up_too && st == UPPPD_PPTP_UP) || c->terminating != before)
            break;
        uint64_t now = mono_ms();
        if (now >= until)
            break;
        int wait = until == UPPPD_TIMER_NONE ? -1 : (int)(until - now);
        if (upppd_loop_run_once(&c->loop, wait) < 0)
            break;
    }
    c->in_holdoff = 0;
    return c->terminating != before;
}

/* Orderly teardown (Call-Clear-Request, Stop-Control-Connection-Request,
 * TCP close: uppp_pptp_ctrl bounds each step at 3 s, this bounds the
 * whole), cut short by a new signal. */
static void pptp_link_down(struct ctx *c)
{
    upppd_pptp_link_stop(&c->pl);
    if (pptp_wait(c, 0, mono_ms() + 10000))
        upppd_logf(c->log, LOG_NOTICE, "PPTP teardown cut short by a signal");
    upppd_pptp_link_free(&c->pl);
}

/* TCP, control connection and call. Returns 0 when the call is up, 8
 * when it could not be set up (pppd's "connect script failed"), 5 on a
 * signal, 1 without a raw GRE socket. */
static int pptp_link_up(struct ctx *c)
{
    struct upppd_run *r = c->r;
    char err[512];
    c->link.rfd = c->link.wfd = -1;
    c->link.child = 0;
    /* Scripts get the server as their tty argument and DEVICE. */
    snprintf(c->link.name, sizeof(c->link.name), "%s", r->pptp_host);
    if (upppd_pptp_resolve(r->pptp_host, &c->pptp_server, err, sizeof(err)) < 0) {
        upppd_logf(c->log, LOG_ERR, "%s", err);
        return 8;
    }
    if (!c->gs_open) {
        if (upppd_gre_sock_open(&c->gs, &c->loop, r->pptp_localbind) < 0) {
            upppd_logf(c->log, LOG_ERR, "cannot open a raw GRE socket: %s%s", strerror(errno),
                       errno == EPERM ? " (PPTP needs CAP_NET_RAW)" : "");
            return 1;
        }
        c->gs_open = 1;
    }
    struct upppd_pptp_link_params p = {
        .host = r->pptp_host,
        .server = c->pptp_server,
        .port = r->pptp_port ? r->pptp_port : 1723,
        .localbind = r->pptp_localbind,
        .reorder_ms = r->pptp_reorder_ms,
        .echo_ms = r->pptp_echo_s * 1000,
    };
    struct upppd_pptp_link_ops ops = {
        .user = c, .frame = pptp_frame, .down = pptp_down, .log = on_log};
    if (upppd_pptp_link_open(&c->pl, &c->loop, &c->gs, &p, &ops) < 0) {
        upppd_logf(c->log, LOG_ERR, "%s", c->pl.fail);
        upppd_pptp_link_free(&c->pl);
        return 8;
    }
    if (pptp_wait(c, 1, UPPPD_TIMER_NONE)) {
        upppd_logf(c->log, LOG_NOTICE, "Terminating on signal while setting up the PPTP call");
        pptp_link_down(c);
        return 5;
    }
    if (c->pl.state == UPPPD_PPTP_UP)
        return 0;
    upppd_logf(c->log, LOG_ERR, "PPTP call to %s failed%s%s", c->link.name,
               c->pl.fail[0] ? ": " : "", c->pl.fail);
    pptp_link_down(c);
    return 8;
}

/* A new session on the open link, watched by the loop. Returns 0, or
 * pppd's status (the link is then closed). */
static int session_up(struct ctx *c)
{
    struct upppd_sess_ops ops = {
        .user = c,
        .event = on_event,
        .log = on_log,
        .get_secret = on_secret,
        .check_addr = on_check_addr,
        .auth_request = c->rad != NULL ? on_auth_request : NULL,
        .link_params = on_link_params,
    };
    int rc = upppd_sess_init(&c->sess, &c->loop, &c->r->cfg, &ops);
    if (rc != 0) {
        upppd_logf(c->log, LOG_ERR, "cannot start session: %s%s%s", uppp_strerror(rc),
                   rc == UPPP_ERR_CRYPTO_UNAVAILABLE ? ": " : "",
                   rc == UPPP_ERR_CRYPTO_UNAVAILABLE ? uppp_crypto_status() : "");
        upppd_link_close(&c->link);
        return 1;
    }
    c->ip_up = c->ipv6_up = c->auth_up = c->reached_running = 0;
    c->mppe_bits = c->mppe_stateless = c->mppc = 0;
    if (c->rad != NULL) {
        /* pppd's map-to-ifname: NAS-Port is the unit number of pppN. */
        const char *u = c->tun ? c->tun->name + strcspn(c->tun->name, "0123456789") : "";
        /* pppd: Calling-Station-Id is remotenumber, else ipparam; the port
         * type Virtual for a pty, Async for a serial line. */
        upppd_radius_call_init(&c->call, c->rad, &c->sess, (uint32_t)strtoul(u, NULL, 10),
                               c->r->remotenumber ? c->r->remotenumber : c->r->ipparam);
        c->call.nas_port_type = c->r->link.pty_cmd ? 5 : 0;
        c->call.on_accept = on_radius_accept;
    }
    memset(&c->hooks.keep, 0, sizeof(c->hooks.keep));
    /* epoll refuses (EPERM) what it cannot watch: a regular file or
     * /dev/null given to notty as stdin or stdout. Ignored, that left a
     * link that never read a byte and an LCP timeout 30 s later, so fail
     * now and say why. pppd polls such input, reads EOF and hangs up (exit
     * 16); upppd exits 7, as for a device it cannot use. */
    if (c->r->pptp_host) {
        if (upppd_sess_attach_frames(&c->sess, c->tun ? c->tun->fd : -1,
                                     c->tun ? c->tun->name : NULL, sess_send_frame, c) == 0) {
            upppd_sess_set_tun_vnet(&c->sess, c->tun ? c->tun->vnet : 0);
            return 0;
        }
        upppd_logf(c->log, LOG_ERR, "cannot watch the TUN device: %s", strerror(errno));
        upppd_sess_free(&c->sess);
        return 1;
    }
    if (upppd_sess_attach(&c->sess, c->link.rfd, c->link.wfd, c->tun ? c->tun->fd : -1,
                          c->tun ? c->tun->name : NULL) < 0) {
        upppd_logf(c->log, LOG_ERR,
                   "The link (%s) cannot be watched for input and output: %s (with notty, "
                   "stdin and stdout must be a tty, pipe or socket, not a regular file or "
                   "/dev/null)",
                   c->link.name, strerror(errno));
        upppd_sess_free(&c->sess);
        upppd_link_close(&c->link);
        return 7;
    }
    upppd_sess_set_tun_vnet(&c->sess, c->tun ? c->tun->vnet : 0);
    return 0;
}

/* pppd's closing lines, and ours. Scripts parse the summary (the interop
 * matrix reads "mppe X, exit N (...)"): new words go at its end. */
static void log_summary(struct ctx *c)
{
    uint64_t secs = (mono_ms() - c->t_start) / 1000;
    upppd_logf(c->log, LOG_INFO, "Connect time %.1f minutes.", (double)secs / 60.0);
    upppd_logf(c->log, LOG_INFO, "Sent %llu bytes, received %llu bytes.",
               (unsigned long long)c->final.bytes_out, (unsigned long long)c->final.bytes_in);
    upppd_logf(c->log, LOG_NOTICE,
               "summary: connect %llus, sent %llu bytes %llu packets, received %llu bytes %llu "
               "packets, mppe %d%s, exit %d (%s)%s",
               (unsigned long long)secs, (unsigned long long)c->final.bytes_out,
               (unsigned long long)c->final.packets_out, (unsigned long long)c->final.bytes_in,
               (unsigned long long)c->final.packets_in, c->mppe_bits,
               upppd_mppe_mode_word(c->mppe_bits, c->mppe_stateless), (int)c->final.end,
               c->final.reason, upppd_mppc_words(c->mppc));
}

/* The down scripts, the interface down, the summary. */
static void session_down(struct ctx *c)
{
    char err[256];
    uppp_session_status(c->sess.s, &c->final);
    upppd_loop_timer_cancel(&c->loop, &c->limits);
    if (c->ip_up)
        ip_down(c);
    if (c->ipv6_up)
        run_script(c, "ipv6-down", UPPPD_HOOK_IPV6, 5000);
    if (c->auth_up)
        run_script(c, "auth-down", UPPPD_HOOK_AUTH, 5000);
    if (c->tun)
        upppd_tun_set_up(c->tun, 0, err, sizeof(err));
    log_summary(c);
}

/* Disconnect script, link closed, the pty command's end. Returns 1 when
 * pppd would say "pty command failed" (exit 9). */
static int link_down(struct ctx *c)
{
    struct upppd_run *r = c->r;
    if (r->disconnect_cmd && upppd_run_chat(r->disconnect_cmd, c->link.rfd, 30000) != 0)
        upppd_logf(c->log, LOG_WARNING, "disconnect script failed");
    pid_t child = c->link.child;
    upppd_link_close(&c->link);
    if (child == 0)
        return 0;
    c->link.child = 0;
    /* Closing the pty hangs it up; give the command a moment to see that
     * and finish on its own before we end it. */
    int ws = child > 0 ? upppd_script_wait(child, 3000) : c->child_status;
    child = child > 0 ? child : -child;
    if (ws < 0)
        upppd_logf(c->log, LOG_NOTICE, "pty command (pid %d) killed", (int)child);
    else if (WIFEXITED(ws))
        upppd_logf(c->log, LOG_INFO, "pty command (pid %d) exited with status %d", (int)child,
                   WEXITSTATUS(ws));
    /* The shell could not run the command (126, 127) and nothing ever came
     * from it: pppd's "pty command failed" (exit 9). */
    if (ws >= 0 && WIFEXITED(ws) && (WEXITSTATUS(ws) == 126 || WEXITSTATUS(ws) == 127) &&
        c->final.bytes_in == 0) {
        upppd_logf(c->log, LOG_ERR, "pty command failed: \"%s\" could not be run", r->link.pty_cmd);
        return 1;
    }
    return 0;
}

/* One connection: link up, session, until it dies. Returns pppd's status. */
static int one_link(struct ctx *c)
{
    int pptp = c->r->pptp_host != NULL;
    int rc = pptp ? pptp_link_up(c) : link_up(c);
    if (rc == 0)
        rc = session_up(c);
    if (rc != 0) {
        if (pptp && c->pl.state != UPPPD_PPTP_IDLE && c->pl.ctrl != NULL)
            pptp_link_down(c);
        return rc;
    }
    upppd_logf(c->log, LOG_INFO, "Connect: %s <--> %s", c->tun ? c->tun->name : "-", c->link.name);
    c->t_start = mono_ms();
    upppd_sess_start(&c->sess, c->t_start);
    while (!upppd_sess_is_dead(&c->sess))
        if (upppd_loop_run_once(&c->loop, -1) < 0)
            break;
    upppd_sess_detach(&c->sess);
    session_down(c);
    if (c->rad != NULL) {
        /* Accounting Stop goes out and is waited for (bounded by the
         * servers' timeouts and tries), as pppd's plugin does. */
        upppd_radius_call_end(&c->call, &c->final);
        while (upppd_radius_pending(c->rad) > 0)
            if (upppd_loop_run_once(&c->loop, -1) < 0)
                break;
    }
    int pty_failed = 0;
    if (pptp)
        pptp_link_down(c);
    else
        pty_failed = link_down(c);
    upppd_sess_free(&c->sess);
    return pty_failed ? 9 : (int)c->final.end;
}

static int open_tun(struct ctx *c, struct upppd_tun *tun)
{
    char err[256], name[UPPPD_IFNAMSIZ];
    if (c->r->ifname) {
        if (upppd_tun_open_offload(tun, c->r->ifname, err, sizeof(err)) == 0)
            return 0;
    } else if (c->r->unit >= 0) {
        snprintf(name, sizeof(name), "ppp%d", c->r->unit);
        if (upppd_tun_open_offload(tun, name, err, sizeof(err)) == 0)
            return 0;
    } else {
        /* The first free pppN, as pppd picks its unit. */
        for (int u = 0; u < 256; u++) {
            snprintf(name, sizeof(name), "ppp%d", u);
            if (upppd_tun_open_offload(tun, name, err, sizeof(err)) == 0)
                return 0;
            if (errno != EBUSY && errno != EEXIST)
                break;
        }
    }
    upppd_logf(c->log, LOG_ERR, "%s", err);
    return -1;
}

/* The signals upppd acts on, blocked and read through one signalfd. */
static int signals_open(struct ctx *c)
{
    sigset_t mask;
    sigemptyset(&mask);
    int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGCHLD};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaddset(&mask, sigs[i]);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    signal(SIGPIPE, SIG_IGN);
    c->sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    c->w_sig = (struct upppd_watch){.fd = c->sfd, .cb = on_signal};
    return c->sfd < 0 ? -1 : upppd_loop_watch(&c->loop, &c->w_sig, EPOLLIN);
}

/* Sleep through holdoff, but wake for a terminating signal. Returns 1 if
 * one came. */
static int holdoff(struct ctx *c, int hold_s)
{
    uint64_t until = mono_ms() + (uint64_t)hold_s * 1000;
    c->in_holdoff = 1;
    for (uint64_t now; !c->terminating && (now = mono_ms()) < until;)
        upppd_loop_run_once(&c->loop, (int)(until - now));
    c->in_holdoff = 0;
    return c->terminating;
}

/* pppd's persist: links one after another until a signal, maxfail or a
 * failure that reopening cannot mend. */
static int persist(struct ctx *c)
{
    struct upppd_run *r = c->r;
    int failures = 0, status;
    for (;;) {
        c->hup_restart = 0;
        status = one_link(c);
        if (c->terminating || !r->persist)
            return status;
        /* stdin that cannot be watched will not change by reopening it. */
        if (status == 6 || status == 1 || (status == 7 && r->link.notty))
            return status;
        failures = c->reached_running ? 0 : failures + 1;
        if (r->maxfail > 0 && failures >= r->maxfail) {
            upppd_logf(c->log, LOG_NOTICE, "Maximum connect attempts (%d) exceeded", r->maxfail);
            return status;
        }
        int hold = c->hup_restart ? 0 : r->holdoff_s;
        if (hold > 0 && holdoff(c, hold))
            return 5;
    }
}

/* runas USER (privsep.h): everything that needs root is open (TUN, pid
 * files); the rest runs as USER with CAP_NET_ADMIN and CAP_NET_RAW, the
 * scripts through the root helper. */
static int runas(struct ctx *c)
{
    struct upppd_privsep_conf conf = {
        .user = c->r->runas, .etc_dir = c->r->etc_dir, .store = c->r->secrets};
    int n = 0;
    for (int i = 0; i < 2; i++)
        if (c->pidfile[i][0])
            conf.pidfiles[n++] = c->pidfile[i];
    char err[512];
    if (upppd_privsep_drop(&c->ps, &conf, err, sizeof(err)) != 0) {
        upppd_logf(c->log, LOG_ERR, "%s", err);
        return -1;
    }
    upppd_logf(c->log, LOG_INFO,
               "Running as %s (uid %u) with CAP_NET_ADMIN and CAP_NET_RAW; "
               "scripts run as root by helper %d",
               c->r->runas, (unsigned)c->ps.uid, (int)c->ps.pid);
    return 0;
}

int upppd_run(struct upppd_run *r)
{
    struct ctx c;
    memset(&c, 0, sizeof(c));
    c.r = r;
    c.log = r->log;
    c.sfd = -1;
    c.ps.fd = -1;
    c.orig_uid = getuid();
    upppd_loop_timer_init(&c.limits, on_limits);
    if (r->pptp_host)
        r->cfg.framing = UPPP_FRAMING_NONE; /* whole frames over GRE, no HDLC */
    if (upppd_loop_init(&c.loop) < 0 || signals_open(&c) < 0) {
        upppd_logf(c.log, LOG_ERR, "out of resources: %s", strerror(errno));
        return 1;
    }
    struct upppd_tun tun = {.fd = -1};
    int status = 1;
    if (r->radius) {
        char err[512];
        r->radius_params.log = on_radius_log;
        r->radius_params.log_user = &c;
        if (upppd_radius_open(&c.rad, &c.loop, &r->radius_params, err, sizeof(err)) != 0) {
            upppd_logf(c.log, LOG_ERR, "RADIUS: %s", err);
            goto out;
        }
    }
    if (!r->cfg.no_ip || r->cfg.ipv6) {
        if (open_tun(&c, &tun) < 0)
            goto out;
        c.tun = &tun;
        upppd_logf(c.log, LOG_INFO, "Using interface %s", tun.name);
    }
    write_pidfiles(&c, 1);
    if (r->runas && runas(&c) != 0)
        goto out;
    status = persist(&c);
out:
    /* runas: the helper removes the pid files when we close it. */
    if (c.ps.fd >= 0)
        upppd_privsep_close(&c.ps);
    else
        write_pidfiles(&c, 0);
    if (c.gs_open)
        upppd_gre_sock_close(&c.gs);
    if (c.tun)
        upppd_tun_close(&tun);
    if (c.sfd >= 0)
        close(c.sfd);
    upppd_radius_close(c.rad);
    upppd_loop_fini(&c.loop);
    return status;
}
