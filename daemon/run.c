/*
 * The daemon's event loop (see run.h). It owns every syscall: link and TUN
 * reads and writes, signals through a signalfd, the session's timers
 * through a timerfd, scripts, pid files. The protocol lives in libuppp.
 */
#define _GNU_SOURCE
#include "run.h"

#include "scripts.h"
#include "sysrand.h"
#include "tun.h"

#include <uppp/err.h>
#include <uppp/escape.h>

#include <arpa/inet.h>
#include <errno.h>
#include <pwd.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define OBUF_MAX (512 * 1024)  /* link output we hold before dropping */
#define OBUF_PAUSE (64 * 1024) /* stop reading TUN above this (backpressure) */
#define TUN_MAX_PKT 65536

enum { TAG_LINK_R = 1, TAG_LINK_W, TAG_TUN, TAG_SIG, TAG_TIMER };

struct ctx {
    struct upppd_run *r;
    struct upppd_log *log;
    struct uppp_session *s;
    struct upppd_link link;
    struct upppd_tun *tun;
    int ep, sfd, tfd;
    uint8_t *obuf;
    size_t olen;
    int out_armed, tun_paused;
    uint64_t t_start, last_activity;
    int ip_up, ipv6_up, auth_up, reached_running;
    int terminating;               /* signals received asking us to stop */
    int hup_restart;               /* SIGHUP: end this link, persist restarts it */
    int child_status;              /* wait status of the pty command, once reaped */
    int link_dead;                 /* a write to the link failed: hang up from the loop */
    int mppe_bits, mppe_stateless; /* as negotiated, for the summary */
    uint8_t *pkt;
    struct uppp_status final;
    struct uppp_status script_st; /* addresses and names the scripts keep seeing */
};

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int ep_set(struct ctx *c, int op, int fd, uint32_t events, int tag)
{
    struct epoll_event ev = {.events = events, .data.u32 = (uint32_t)tag};
    return epoll_ctl(c->ep, op, fd, &ev);
}

/* The link is one fd (tty, pty) or two (stdin/stdout): keep EPOLLOUT on
 * whichever writes, only while output is pending. */
static void arm_output(struct ctx *c, int want)
{
    if (want == c->out_armed)
        return;
    c->out_armed = want;
    if (c->link.wfd == c->link.rfd)
        ep_set(c, EPOLL_CTL_MOD, c->link.rfd, EPOLLIN | (want ? EPOLLOUT : 0), TAG_LINK_R);
    else
        ep_set(c, EPOLL_CTL_MOD, c->link.wfd, want ? EPOLLOUT : 0, TAG_LINK_W);
}

static void pause_tun(struct ctx *c, int pause)
{
    if (c->tun == NULL || c->tun->fd < 0 || pause == c->tun_paused)
        return;
    c->tun_paused = pause;
    ep_set(c, EPOLL_CTL_MOD, c->tun->fd, pause ? 0 : EPOLLIN, TAG_TUN);
}

static void hangup(struct ctx *c, const char *why)
{
    if (uppp_session_is_dead(c->s))
        return;
    upppd_logf(c->log, LOG_NOTICE, "%s", why);
    uppp_session_hangup(c->s, mono_ms());
}

static void flush_output(struct ctx *c)
{
    size_t off = 0;
    while (off < c->olen) {
        ssize_t n = write(c->link.wfd, c->obuf + off, c->olen - off);
        if (n > 0) {
            off += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        /* The link is gone. This can run inside a session callback, which
         * must not re-enter the session: the loop hangs up afterwards. */
        c->olen = 0;
        c->link_dead = 1;
        return;
    }
    memmove(c->obuf, c->obuf + off, c->olen - off);
    c->olen -= off;
    arm_output(c, c->olen > 0);
    pause_tun(c, c->olen > OBUF_PAUSE);
}

static void on_output(void *user, const uint8_t *data, size_t len)
{
    struct ctx *c = user;
    if (c->olen + len > OBUF_MAX)
        return; /* the link is stuck: drop rather than grow without bound */
    memcpy(c->obuf + c->olen, data, len);
    c->olen += len;
    /* Frames collect while one batch of events is handled and go out in
     * one write after it (see the loop); a large backlog goes at once. */
    if (!c->out_armed && c->olen >= OBUF_PAUSE)
        flush_output(c);
}

static void on_deliver(void *user, uint16_t proto, const uint8_t *pkt, size_t len)
{
    struct ctx *c = user;
    (void)proto;
    c->last_activity = mono_ms();
    if (c->tun == NULL || c->tun->fd < 0)
        return;
    /* A full TUN queue drops the packet, as a full device queue would. */
    if (write(c->tun->fd, pkt, len) < 0 && errno != EAGAIN)
        upppd_logf(c->log, LOG_DEBUG, "write to %s: %s", c->tun->name, strerror(errno));
}

static void on_log(void *user, int level, const char *line)
{
    struct ctx *c = user;
    upppd_log_line(c->log, level, line);
}

static int on_secret(void *user, const struct uppp_secret_query *q, struct uppp_secret *out)
{
    struct ctx *c = user;
    if (c->r->get_secret == NULL)
        return -1;
    return c->r->get_secret(c->r->secrets, q, out);
}

static int on_check_addr(void *user, const char *peer, uint32_t addr)
{
    struct ctx *c = user;
    if (c->r->check_addr == NULL)
        return 1;
    return c->r->check_addr(c->r->secrets, peer, addr);
}

static void ip_str(uint32_t a, char *buf, size_t cap)
{
    struct in_addr in = {.s_addr = htonl(a)};
    inet_ntop(AF_INET, &in, buf, (socklen_t)cap);
}

/* pppd sets IPLOCAL/IPREMOTE, LLLOCAL/LLREMOTE, PEERNAME and DNS1/DNS2 in
 * its script environment when they become known and never clears them, so
 * ip-down, ipv6-down and auth-down see the values that were in use. The
 * session has cleared its copies by then: fill st from what was kept. */
static void script_keep(struct ctx *c, struct uppp_status *st)
{
    struct uppp_status *k = &c->script_st;
    if (st->ip_local) {
        k->ip_local = st->ip_local;
        k->ip_remote = st->ip_remote;
    } else {
        st->ip_local = k->ip_local;
        st->ip_remote = k->ip_remote;
    }
    if (st->ipv6_up) {
        k->ipv6_up = 1;
        k->ipv6_local = st->ipv6_local;
        k->ipv6_remote = st->ipv6_remote;
    } else if (k->ipv6_up) {
        st->ipv6_up = 1;
        st->ipv6_local = k->ipv6_local;
        st->ipv6_remote = k->ipv6_remote;
    }
    if (st->peer_name[0])
        memcpy(k->peer_name, st->peer_name, sizeof(k->peer_name));
    else
        memcpy(st->peer_name, k->peer_name, sizeof(st->peer_name));
    if (st->dns[0] || st->dns[1])
        memcpy(k->dns, st->dns, sizeof(k->dns));
    else
        memcpy(st->dns, k->dns, sizeof(st->dns));
}

/* The name of the real user who ran us, or the uid: pppd's auth-up
 * "user-name" and PPPLOGNAME ("the username of the real user-id"). */
static void real_user(char *buf, size_t cap)
{
    struct passwd *pw = getpwuid(getuid());
    if (pw != NULL && pw->pw_name != NULL)
        snprintf(buf, cap, "%s", pw->pw_name);
    else
        snprintf(buf, cap, "%u", (unsigned)getuid());
}

/* The peer's name as scripts see it. pppd cleans the name with "%v" as it
 * receives it (chap-new.c, upap.c), so its scripts (PEERNAME, auth-up's
 * peer-name argument) never get a control character. The library keeps the
 * name as sent (the secret and its address rules are looked up by it, so a
 * UTF-8 name in the secrets file matches, which pppd's cleaned "M-" form
 * never would); it is cleaned here, as pppd does. */
static void script_peer_name(const struct uppp_status *st, char *buf, size_t cap)
{
    uppp_escape(buf, cap, st->peer_name, strlen(st->peer_name), UPPP_ESCAPE_VISIBLE);
}

/* pppd's script environment and arguments. */
static void script_env(struct ctx *c, struct upppd_env *e, const struct uppp_status *st)
{
    char a[INET6_ADDRSTRLEN], user[256];
    upppd_env_set(e, "PATH", "/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin");
    upppd_env_set(e, "IFNAME", "%s", c->tun ? c->tun->name : "");
    upppd_env_set(e, "DEVICE", "%s", c->link.name);
    upppd_env_set(e, "SPEED", "%u", c->r->link.speed);
    upppd_env_set(e, "PPPD_PID", "%d", (int)getpid());
    real_user(user, sizeof(user));
    upppd_env_set(e, "PPPLOGNAME", "%s", user);
    upppd_env_set(e, "ORIG_UID", "%u", (unsigned)getuid());
    if (st->peer_name[0]) {
        char peer[sizeof(st->peer_name) * 4];
        script_peer_name(st, peer, sizeof(peer));
        upppd_env_set(e, "PEERNAME", "%s", peer);
    }
    if (st->ip_local) {
        ip_str(st->ip_local, a, sizeof(a));
        upppd_env_set(e, "IPLOCAL", "%s", a);
        ip_str(st->ip_remote, a, sizeof(a));
        upppd_env_set(e, "IPREMOTE", "%s", a);
    }
    if (st->dns[0]) {
        ip_str(st->dns[0], a, sizeof(a));
        upppd_env_set(e, "DNS1", "%s", a);
    }
    if (st->dns[1]) {
        ip_str(st->dns[1], a, sizeof(a));
        upppd_env_set(e, "DNS2", "%s", a);
    }
    if (st->ipv6_up) {
        upppd_format_ll(st->ipv6_local, a, sizeof(a));
        upppd_env_set(e, "LLLOCAL", "%s", a);
        upppd_format_ll(st->ipv6_remote, a, sizeof(a));
        upppd_env_set(e, "LLREMOTE", "%s", a);
    }
    if (c->r->ipparam)
        upppd_env_set(e, "IPPARAM", "%s", c->r->ipparam);
    if (c->r->linkname)
        upppd_env_set(e, "LINKNAME", "%s", c->r->linkname);
    if (c->r->call_file)
        upppd_env_set(e, "CALL_FILE", "%s", c->r->call_file);
    upppd_env_set(e, "CONNECT_TIME", "%llu", (unsigned long long)((mono_ms() - c->t_start) / 1000));
    upppd_env_set(e, "BYTES_SENT", "%llu", (unsigned long long)st->bytes_out);
    upppd_env_set(e, "BYTES_RCVD", "%llu", (unsigned long long)st->bytes_in);
}

enum script_kind { SCRIPT_IP, SCRIPT_IPV6, SCRIPT_AUTH };

/* Run /etc/ppp/<name>; wait for it when wait_ms > 0. The arguments are
 * pppd 2.4.9's: "interface tty speed local remote ipparam" for the ip and
 * ipv6 scripts (link-local addresses for ipv6), "interface peer-name
 * user-name tty speed" for auth-up and auth-down. */
static void run_script(struct ctx *c, const char *name, enum script_kind kind, int wait_ms)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", c->r->etc_dir, name);
    struct uppp_status st;
    uppp_session_status(c->s, &st);
    script_keep(c, &st);
    struct upppd_env env = {0};
    script_env(c, &env, &st);
    char speed[16], l[256], rm[64];
    char *ifname = c->tun ? c->tun->name : (char *)"";
    snprintf(speed, sizeof(speed), "%u", c->r->link.speed);
    if (kind == SCRIPT_IPV6) {
        upppd_format_ll(st.ipv6_local, l, sizeof(l));
        upppd_format_ll(st.ipv6_remote, rm, sizeof(rm));
    } else if (kind == SCRIPT_IP) {
        ip_str(st.ip_local, l, sizeof(l));
        ip_str(st.ip_remote, rm, sizeof(rm));
    } else {
        real_user(l, sizeof(l));
    }
    char *argv[] = {
        path, ifname, c->link.name, speed, l, rm, (char *)(c->r->ipparam ? c->r->ipparam : ""),
        NULL};
    char peer[sizeof(st.peer_name) * 4];
    script_peer_name(&st, peer, sizeof(peer));
    char *auth_argv[] = {path, ifname, peer, l, c->link.name, speed, NULL};
    pid_t pid = upppd_script_start(path, kind == SCRIPT_AUTH ? auth_argv : argv, &env);
    upppd_env_free(&env);
    if (pid <= 0)
        return;
    upppd_logf(c->log, LOG_DEBUG, "Script %s started (pid %d)", path, (int)pid);
    if (wait_ms > 0) {
        int ws = upppd_script_wait(pid, wait_ms);
        upppd_logf(c->log, LOG_DEBUG, "Script %s finished (pid %d), status = 0x%x", path, (int)pid,
                   ws < 0 ? 0xff : ws);
    }
}

static void write_resolv(struct ctx *c, const struct uppp_status *st)
{
    char path[512], a[INET_ADDRSTRLEN];
    snprintf(path, sizeof(path), "%s/resolv.conf", c->r->etc_dir);
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        upppd_logf(c->log, LOG_WARNING, "can't create %s: %s", path, strerror(errno));
        return;
    }
    for (int i = 0; i < 2; i++)
        if (st->dns[i]) {
            ip_str(st->dns[i], a, sizeof(a));
            fprintf(f, "nameserver %s\n", a);
        }
    fclose(f);
}

static void ip_up(struct ctx *c)
{
    struct uppp_status st;
    uppp_session_status(c->s, &st);
    char err[256];
    c->ip_up = 1;
    c->reached_running = 1;
    if (c->r->usepeerdns && (st.dns[0] || st.dns[1]))
        write_resolv(c, &st);
    if (c->tun) {
        if (upppd_tun_set_mtu(c->tun, st.ip_mtu, err, sizeof(err)) < 0 ||
            upppd_tun_set_ipv4(c->tun, st.ip_local, st.ip_remote, err, sizeof(err)) < 0)
            upppd_logf(c->log, LOG_ERR, "%s", err);
        run_script(c, "ip-pre-up", SCRIPT_IP, 5000);
        if (upppd_tun_set_up(c->tun, 1, err, sizeof(err)) < 0)
            upppd_logf(c->log, LOG_ERR, "%s", err);
        if (c->r->defaultroute &&
            upppd_tun_default_route(c->tun, 1, c->r->replacedefaultroute, err, sizeof(err)) < 0)
            upppd_logf(c->log, LOG_WARNING, "%s", err);
    }
    upppd_logf(c->log, LOG_INFO, "MTU of %s set to %u", c->tun ? c->tun->name : "-", st.ip_mtu);
    run_script(c, "ip-up", SCRIPT_IP, 0);
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
    run_script(c, "ip-down", SCRIPT_IP, 5000);
}

static void ipv6_up(struct ctx *c)
{
    struct uppp_status st;
    uppp_session_status(c->s, &st);
    char err[256];
    c->ipv6_up = 1;
    c->reached_running = 1;
    if (c->tun) {
        if (upppd_tun_set_mtu(c->tun, st.ip_mtu, err, sizeof(err)) < 0 ||
            upppd_tun_set_up(c->tun, 1, err, sizeof(err)) < 0 ||
            upppd_tun_add_ipv6_ll(c->tun, st.ipv6_local, err, sizeof(err)) < 0)
            upppd_logf(c->log, LOG_ERR, "%s", err);
    }
    run_script(c, "ipv6-up", SCRIPT_IPV6, 0);
}

static void on_event(void *user, const struct uppp_event *ev)
{
    struct ctx *c = user;
    switch (ev->type) {
    case UPPP_EVENT_AUTH_UP: {
        struct uppp_status st;
        uppp_session_status(c->s, &st);
        if (st.auth_peer && !c->auth_up) {
            c->auth_up = 1;
            run_script(c, "auth-up", SCRIPT_AUTH, 0);
        }
        break;
    }
    case UPPP_EVENT_CCP_UP: {
        struct uppp_status st;
        uppp_session_status(c->s, &st);
        c->mppe_bits = st.mppe_bits;
        c->mppe_stateless = st.mppe_stateless;
        break;
    }
    case UPPP_EVENT_IP_UP:
        ip_up(c);
        break;
    case UPPP_EVENT_IP_DOWN:
        ip_down(c);
        break;
    case UPPP_EVENT_IPV6_UP:
        ipv6_up(c);
        break;
    case UPPP_EVENT_IPV6_DOWN:
        if (c->ipv6_up)
            run_script(c, "ipv6-down", SCRIPT_IPV6, 5000);
        c->ipv6_up = 0;
        break;
    default:
        break;
    }
}

static void read_link(struct ctx *c)
{
    uint8_t buf[16384];
    for (int i = 0; i < 64; i++) {
        ssize_t n = read(c->link.rfd, buf, sizeof(buf));
        if (n > 0) {
            uppp_session_input(c->s, buf, (size_t)n, mono_ms());
            if (uppp_session_is_dead(c->s))
                return;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        hangup(c, "Modem hangup"); /* EOF, or EIO when the pty's other end closed */
        return;
    }
}

static void read_tun(struct ctx *c)
{
    for (int i = 0; i < 64 && !c->tun_paused; i++) {
        ssize_t n = read(c->tun->fd, c->pkt, TUN_MAX_PKT);
        if (n <= 0)
            return;
        uint16_t proto = (c->pkt[0] >> 4) == 6 ? UPPP_PROTO_IPV6 : UPPP_PROTO_IP;
        c->last_activity = mono_ms();
        uppp_session_send_ip(c->s, proto, c->pkt, (size_t)n, c->last_activity);
    }
}

static void on_signal(struct ctx *c)
{
    struct signalfd_siginfo si;
    while (read(c->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        uint64_t now = mono_ms();
        switch (si.ssi_signo) {
        case SIGTERM:
        case SIGINT:
            upppd_logf(c->log, LOG_NOTICE, "Terminating on signal %u", si.ssi_signo);
            if (++c->terminating > 1) {
                /* A second signal: stop waiting for the Terminate-Ack. */
                uppp_session_close_end(c->s, UPPP_END_USER_REQUEST, "User request", now);
                uppp_session_hangup(c->s, now);
            } else {
                uppp_session_close_end(c->s, UPPP_END_USER_REQUEST, "User request", now);
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
            uppp_session_close_end(c->s, UPPP_END_USER_REQUEST, "User request", now);
            break;
        case SIGUSR1:
            c->log->debug = !c->log->debug;
            upppd_logf(c->log, LOG_NOTICE, "debug %s", c->log->debug ? "on" : "off");
            break;
        case SIGUSR2:
            uppp_session_renegotiate_ccp(c->s, now);
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

static void arm_timer(struct ctx *c)
{
    uint64_t t = uppp_session_next_timer(c->s);
    if (c->r->idle_s && c->ip_up) {
        uint64_t idle = c->last_activity + (uint64_t)c->r->idle_s * 1000;
        if (idle < t)
            t = idle;
    }
    if (c->r->maxconnect_s && c->reached_running) {
        uint64_t mc = c->t_start + (uint64_t)c->r->maxconnect_s * 1000;
        if (mc < t)
            t = mc;
    }
    struct itimerspec its;
    memset(&its, 0, sizeof(its));
    if (t != UINT64_MAX) {
        if (t == 0)
            t = 1;
        its.it_value.tv_sec = (time_t)(t / 1000);
        its.it_value.tv_nsec = (long)(t % 1000) * 1000000;
    }
    timerfd_settime(c->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void on_timer(struct ctx *c)
{
    uint64_t exp;
    if (read(c->tfd, &exp, sizeof(exp)) < 0 && errno != EAGAIN)
        return;
    uint64_t now = mono_ms();
    uppp_session_handle_timer(c->s, now);
    if (c->r->idle_s && c->ip_up && now >= c->last_activity + (uint64_t)c->r->idle_s * 1000) {
        upppd_logf(c->log, LOG_NOTICE, "Terminating connection due to lack of activity.");
        uppp_session_close_end(c->s, UPPP_END_IDLE_TIMEOUT, "Link inactive", now);
    }
    if (c->r->maxconnect_s && c->reached_running &&
        now >= c->t_start + (uint64_t)c->r->maxconnect_s * 1000) {
        upppd_logf(c->log, LOG_NOTICE, "Connect time expired");
        uppp_session_close_end(c->s, UPPP_END_CONNECT_TIME, "Connect time expired", now);
    }
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

/* One connection: link up, session, until it dies. Returns pppd's status. */
static int one_link(struct ctx *c)
{
    struct upppd_run *r = c->r;
    char err[512];
    int rc = upppd_link_open(&c->link, &r->link, err, sizeof(err));
    if (rc != 0) {
        upppd_logf(c->log, LOG_ERR, "%s", err);
        return rc == UPPPD_LINK_ERR_LOCK ? 6 : rc == UPPPD_LINK_ERR_PTY ? 9 : 7;
    }
    if (r->connect_cmd) {
        int st = upppd_run_chat(r->connect_cmd, c->link.rfd, 60000);
        if (st != 0) {
            upppd_logf(c->log, LOG_ERR, "Connect script failed");
            upppd_link_close(&c->link);
            return 8;
        }
    }
    struct uppp_callbacks cb = {
        .user = c,
        .output = on_output,
        .deliver = on_deliver,
        .event = on_event,
        .random = upppd_random_cb,
        .get_secret = on_secret,
        .check_addr = on_check_addr,
        .log = on_log,
    };
    rc = uppp_session_new(&c->s, &r->cfg, &cb);
    if (rc != 0) {
        upppd_logf(c->log, LOG_ERR, "cannot start session: %s%s%s", uppp_strerror(rc),
                   rc == UPPP_ERR_CRYPTO_UNAVAILABLE ? ": " : "",
                   rc == UPPP_ERR_CRYPTO_UNAVAILABLE ? uppp_crypto_status() : "");
        upppd_link_close(&c->link);
        return 1;
    }
    c->olen = 0;
    c->out_armed = 0;
    c->link_dead = 0;
    c->ip_up = c->ipv6_up = c->auth_up = c->reached_running = 0;
    c->mppe_bits = c->mppe_stateless = 0;
    memset(&c->script_st, 0, sizeof(c->script_st));
    /* epoll refuses (EPERM) what it cannot watch: a regular file or
     * /dev/null given to notty as stdin or stdout. Ignored, that left a
     * link that never read a byte and an LCP timeout 30 s later, so fail
     * now and say why. pppd polls such input, reads EOF and hangs up (exit
     * 16); upppd exits 7, as for a device it cannot use. */
    if (ep_set(c, EPOLL_CTL_ADD, c->link.rfd, EPOLLIN, TAG_LINK_R) < 0 ||
        (c->link.wfd != c->link.rfd && ep_set(c, EPOLL_CTL_ADD, c->link.wfd, 0, TAG_LINK_W) < 0)) {
        upppd_logf(c->log, LOG_ERR,
                   "The link (%s) cannot be watched for input and output: %s (with notty, "
                   "stdin and stdout must be a tty, pipe or socket, not a regular file or "
                   "/dev/null)",
                   c->link.name, strerror(errno));
        epoll_ctl(c->ep, EPOLL_CTL_DEL, c->link.rfd, NULL);
        uppp_session_del(c->s);
        c->s = NULL;
        upppd_link_close(&c->link);
        return 7;
    }
    upppd_logf(c->log, LOG_INFO, "Connect: %s <--> %s", c->tun ? c->tun->name : "-", c->link.name);
    c->t_start = c->last_activity = mono_ms();
    uppp_session_start(c->s, c->t_start);

    while (!uppp_session_is_dead(c->s)) {
        /* What the session produced since the last pass goes out now. */
        if (c->olen > 0 && !c->out_armed && !c->link_dead)
            flush_output(c);
        if (c->link_dead) {
            hangup(c, "Modem hangup");
            break;
        }
        arm_timer(c);
        struct epoll_event evs[8];
        int n = epoll_wait(c->ep, evs, 8, -1);
        if (n < 0 && errno != EINTR)
            break;
        for (int i = 0; i < n && !uppp_session_is_dead(c->s); i++) {
            switch (evs[i].data.u32) {
            case TAG_LINK_R:
                if (evs[i].events & EPOLLOUT)
                    flush_output(c);
                if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
                    read_link(c);
                break;
            case TAG_LINK_W:
                flush_output(c);
                break;
            case TAG_TUN:
                read_tun(c);
                break;
            case TAG_SIG:
                on_signal(c);
                break;
            case TAG_TIMER:
                on_timer(c);
                break;
            }
            if (c->link_dead)
                hangup(c, "Modem hangup");
        }
    }
    /* Last words (a Terminate-Ack) go out if the link still takes them. */
    if (c->olen > 0 && c->link.wfd >= 0)
        flush_output(c);

    uppp_session_status(c->s, &c->final);
    if (c->ip_up)
        ip_down(c);
    if (c->ipv6_up)
        run_script(c, "ipv6-down", SCRIPT_IPV6, 5000);
    if (c->auth_up)
        run_script(c, "auth-down", SCRIPT_AUTH, 5000);
    if (c->tun) {
        upppd_tun_set_up(c->tun, 0, err, sizeof(err));
    }
    uint64_t secs = (mono_ms() - c->t_start) / 1000;
    upppd_logf(c->log, LOG_INFO, "Connect time %.1f minutes.", (double)secs / 60.0);
    upppd_logf(c->log, LOG_INFO, "Sent %llu bytes, received %llu bytes.",
               (unsigned long long)c->final.bytes_out, (unsigned long long)c->final.bytes_in);
    upppd_logf(c->log, LOG_NOTICE,
               "summary: connect %llus, sent %llu bytes %llu packets, received %llu bytes %llu "
               "packets, mppe %d%s, exit %d (%s)",
               (unsigned long long)secs, (unsigned long long)c->final.bytes_out,
               (unsigned long long)c->final.packets_out, (unsigned long long)c->final.bytes_in,
               (unsigned long long)c->final.packets_in, c->mppe_bits,
               c->mppe_bits ? (c->mppe_stateless ? " stateless" : " stateful") : "",
               (int)c->final.end, c->final.reason);

    epoll_ctl(c->ep, EPOLL_CTL_DEL, c->link.rfd, NULL);
    if (c->link.wfd != c->link.rfd)
        epoll_ctl(c->ep, EPOLL_CTL_DEL, c->link.wfd, NULL);
    if (r->disconnect_cmd && upppd_run_chat(r->disconnect_cmd, c->link.rfd, 30000) != 0)
        upppd_logf(c->log, LOG_WARNING, "disconnect script failed");
    pid_t child = c->link.child;
    upppd_link_close(&c->link);
    int pty_failed = 0;
    if (child != 0) {
        /* Closing the pty hangs it up; give the command a moment to see
         * that and finish on its own before we end it. */
        int ws = child > 0 ? upppd_script_wait(child, 3000) : c->child_status;
        child = child > 0 ? child : -child;
        if (ws < 0)
            upppd_logf(c->log, LOG_NOTICE, "pty command (pid %d) killed", (int)child);
        else if (WIFEXITED(ws))
            upppd_logf(c->log, LOG_INFO, "pty command (pid %d) exited with status %d", (int)child,
                       WEXITSTATUS(ws));
        /* The shell could not run the command (126, 127) and nothing ever
         * came from it: pppd's "pty command failed" (exit 9). */
        if (ws >= 0 && WIFEXITED(ws) && (WEXITSTATUS(ws) == 126 || WEXITSTATUS(ws) == 127) &&
            c->final.bytes_in == 0) {
            upppd_logf(c->log, LOG_ERR, "pty command failed: \"%s\" could not be run",
                       r->link.pty_cmd);
            pty_failed = 1;
        }
        c->link.child = 0;
    }
    int status = pty_failed ? 9 : (int)c->final.end;
    uppp_session_del(c->s);
    c->s = NULL;
    return status;
}

static int open_tun(struct ctx *c, struct upppd_tun *tun)
{
    char err[256], name[UPPPD_IFNAMSIZ];
    if (c->r->ifname) {
        if (upppd_tun_open(tun, c->r->ifname, err, sizeof(err)) == 0)
            return 0;
    } else if (c->r->unit >= 0) {
        snprintf(name, sizeof(name), "ppp%d", c->r->unit);
        if (upppd_tun_open(tun, name, err, sizeof(err)) == 0)
            return 0;
    } else {
        /* The first free pppN, as pppd picks its unit. */
        for (int u = 0; u < 256; u++) {
            snprintf(name, sizeof(name), "ppp%d", u);
            if (upppd_tun_open(tun, name, err, sizeof(err)) == 0)
                return 0;
            if (errno != EBUSY && errno != EEXIST)
                break;
        }
    }
    upppd_logf(c->log, LOG_ERR, "%s", err);
    return -1;
}

int upppd_run(struct upppd_run *r)
{
    struct ctx c;
    memset(&c, 0, sizeof(c));
    c.r = r;
    c.log = r->log;
    c.ep = epoll_create1(EPOLL_CLOEXEC);
    c.obuf = malloc(OBUF_MAX);
    c.pkt = malloc(TUN_MAX_PKT);
    if (c.ep < 0 || c.obuf == NULL || c.pkt == NULL) {
        upppd_logf(c.log, LOG_ERR, "out of resources: %s", strerror(errno));
        return 1;
    }
    sigset_t mask;
    sigemptyset(&mask);
    int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGCHLD};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaddset(&mask, sigs[i]);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    signal(SIGPIPE, SIG_IGN);
    c.sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    c.tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    ep_set(&c, EPOLL_CTL_ADD, c.sfd, EPOLLIN, TAG_SIG);
    ep_set(&c, EPOLL_CTL_ADD, c.tfd, EPOLLIN, TAG_TIMER);

    struct upppd_tun tun = {.fd = -1};
    int status = 0;
    if (!r->cfg.no_ip || r->cfg.ipv6) {
        if (open_tun(&c, &tun) < 0) {
            status = 1;
            goto out;
        }
        c.tun = &tun;
        ep_set(&c, EPOLL_CTL_ADD, tun.fd, EPOLLIN, TAG_TUN);
        upppd_logf(c.log, LOG_INFO, "Using interface %s", tun.name);
    }
    write_pidfiles(&c, 1);

    int failures = 0;
    for (;;) {
        c.hup_restart = 0;
        status = one_link(&c);
        if (c.terminating || !r->persist)
            break;
        /* stdin that cannot be watched will not change by reopening it. */
        if (status == 6 || status == 1 || (status == 7 && r->link.notty))
            break;
        failures = c.reached_running ? 0 : failures + 1;
        if (r->maxfail > 0 && failures >= r->maxfail) {
            upppd_logf(c.log, LOG_NOTICE, "Maximum connect attempts (%d) exceeded", r->maxfail);
            break;
        }
        int hold = c.hup_restart ? 0 : r->holdoff_s;
        if (hold > 0) {
            /* Sleep through holdoff, but wake for a terminating signal. */
            uint64_t until = mono_ms() + (uint64_t)hold * 1000;
            while (!c.terminating && mono_ms() < until) {
                struct epoll_event ev;
                int left = (int)(until - mono_ms());
                if (epoll_wait(c.ep, &ev, 1, left) == 1 && ev.data.u32 == TAG_SIG) {
                    struct signalfd_siginfo si;
                    while (read(c.sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
                        if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
                            c.terminating = 1;
                }
            }
            if (c.terminating) {
                status = 5;
                break;
            }
        }
    }
out:
    write_pidfiles(&c, 0);
    if (c.tun)
        upppd_tun_close(&tun);
    close(c.sfd);
    close(c.tfd);
    close(c.ep);
    free(c.obuf);
    free(c.pkt);
    return status;
}
