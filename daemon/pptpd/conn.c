/*
 * One PPTP control connection in upppd-pptpd (see server.h): TCP bytes in
 * and out of a uppp_pptp_ctrl in the PAC role (RFC 2637 section 3), its
 * timers on the loop, and its calls. Everything the library asks for
 * (clearing a call, stopping) is done at the end of the pass, outside its
 * callbacks, which must not re-enter it.
 */
#define _GNU_SOURCE
#include "server.h"

#include <uppp/err.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#define FROM(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

/* Replies we hold for a client that does not read them; beyond this it is
 * stuck or hostile and the connection is closed. Control messages are at
 * most 220 octets, so this is hundreds of replies. */
#define OBUF_MAX (64 * 1024)
/* Reads per readiness event: a flooding connection cannot starve others
 * (the library's message rate limit closes it soon after). */
#define READ_BURST 8
#define READ_SIZE 4096

static void conn_log(void *user, int level, const char *line)
{
    struct upppd_pptpd_conn *c = user;
    /* The library logs a refused call each time; the limit is ours to log
     * once (a hostile client would repeat it as fast as it may). */
    if (strstr(line, "refused: ") != NULL) {
        c->srv->st.calls_failed++;
        upppd_pptpd_limit_once(c->srv, UPPPD_PPTPD_LOGGED_CALLS,
                               "%s: call refused (%s); calls per connection: %d", c->label,
                               strstr(line, "refused: ") + 9, c->srv->conf->calls_per_connection);
        return;
    }
    char buf[600];
    snprintf(buf, sizeof(buf), "%s: %s", c->label, line);
    upppd_log_line(c->srv->log, level, buf);
}

static void arm_output(struct upppd_pptpd_conn *c, int want)
{
    if (want == c->out_armed || c->fd < 0)
        return;
    c->out_armed = want;
    upppd_loop_rewatch(c->srv->loop, &c->w, EPOLLIN | (want ? EPOLLOUT : 0));
}

static void mark_closed(struct upppd_pptpd_conn *c)
{
    if (c->closed)
        return;
    c->closed = 1;
    upppd_loop_defer(c->srv->loop, &c->after);
}

static void flush(struct upppd_pptpd_conn *c)
{
    size_t off = 0;
    while (off < c->olen && c->fd >= 0) {
        ssize_t n = write(c->fd, c->obuf + off, c->olen - off);
        if (n > 0) {
            off += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        c->olen = 0; /* broken: the read side sees it too */
        return;
    }
    memmove(c->obuf, c->obuf + off, c->olen - off);
    c->olen -= off;
    arm_output(c, c->olen > 0);
}

static void on_output(void *user, const uint8_t *data, size_t len)
{
    struct upppd_pptpd_conn *c = user;
    if (c->olen + len > OBUF_MAX) {
        c->srv->st.closed_stuck++;
        upppd_pptpd_limit_once(c->srv, UPPPD_PPTPD_LOGGED_STUCK,
                               "%s: client does not read its replies: connection closed", c->label);
        c->stop = 0;
        c->olen = 0;
        c->want_abort = 1;
        upppd_loop_defer(c->srv->loop, &c->after);
        return;
    }
    if (c->olen + len > c->ocap) {
        size_t cap = c->ocap ? c->ocap : 512;
        while (cap < c->olen + len)
            cap *= 2;
        uint8_t *b = realloc(c->obuf, cap);
        if (b == NULL)
            return;
        c->obuf = b;
        c->ocap = cap;
    }
    memcpy(c->obuf + c->olen, data, len);
    c->olen += len;
    upppd_loop_defer(c->srv->loop, &c->after);
}

static struct upppd_pptpd_call *find(struct upppd_pptpd_conn *c, uint16_t call_id)
{
    for (struct upppd_pptpd_call *k = c->calls; k; k = k->next)
        if (k->call_id == call_id && !k->ctrl_down)
            return k;
    return NULL;
}

static void closed_event(struct upppd_pptpd_conn *c, const struct uppp_pptp_event *ev)
{
    struct upppd_pptpd_server *s = c->srv;
    switch (ev->reason) {
    case UPPP_PPTP_CLOSE_TIMEOUT:
        if (!c->connected) {
            s->st.closed_halfopen++;
            upppd_pptpd_limit_once(s, UPPPD_PPTPD_LOGGED_HALFOPEN,
                                   "%s: no Start-Control-Connection-Request within %d s: "
                                   "half-open connection closed",
                                   c->label, s->conf->stimeout_s);
        }
        break;
    case UPPP_PPTP_CLOSE_RATE:
        s->st.closed_rate++;
        upppd_pptpd_limit_once(s, UPPPD_PPTPD_LOGGED_RATE,
                               "%s: more than %d control messages in a second: connection closed",
                               c->label, s->conf->max_msgs_per_sec);
        break;
    case UPPP_PPTP_CLOSE_PROTOCOL:
        s->st.closed_protocol++;
        break;
    default:
        break;
    }
    mark_closed(c);
}

static void on_event(void *user, const struct uppp_pptp_event *ev)
{
    struct upppd_pptpd_conn *c = user;
    struct upppd_pptpd_call *k;
    switch (ev->type) {
    case UPPP_PPTP_EV_CONNECTED:
        c->connected = 1;
        conn_log(c, LOG_INFO, "control connection started");
        break;
    case UPPP_PPTP_EV_CALL_UP:
        if (upppd_pptpd_call_new(c, ev) == NULL) {
            conn_log(c, LOG_ERR, "out of memory for a call: connection stopped");
            c->stop = 1;
            upppd_loop_defer(c->srv->loop, &c->after);
        }
        break;
    case UPPP_PPTP_EV_CALL_DOWN:
        if ((k = find(c, ev->call_id)) != NULL)
            upppd_pptpd_call_down(k, "Call cleared on the control connection");
        upppd_loop_defer(c->srv->loop, &c->after);
        break;
    case UPPP_PPTP_EV_CLOSED:
        closed_event(c, ev);
        break;
    default: /* Set-Link-Info: ACCMs mean nothing to whole frames over GRE */
        break;
    }
}

static void on_io(struct upppd_watch *w, uint32_t events)
{
    struct upppd_pptpd_conn *c = FROM(w, struct upppd_pptpd_conn, w);
    if (c->closed)
        return;
    if (events & EPOLLOUT)
        flush(c);
    if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
        return;
    uint8_t *buf = c->srv->loop->scratch;
    for (int i = 0; i < READ_BURST && !c->closed; i++) {
        ssize_t n = read(c->fd, buf, READ_SIZE);
        if (n > 0) {
            uppp_pptp_ctrl_read(c->ctrl, buf, (size_t)n, upppd_loop_now());
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        /* EOF or a reset: pptp-linux closes TCP after its
         * Call-Clear-Request without Stop-Control-Connection. */
        uppp_pptp_ctrl_tcp_closed(c->ctrl, upppd_loop_now());
        mark_closed(c);
        break;
    }
    upppd_loop_defer(c->srv->loop, &c->after);
}

static void on_timer(struct upppd_loop_timer *t, uint64_t now)
{
    struct upppd_pptpd_conn *c = FROM(t, struct upppd_pptpd_conn, timer);
    if (c->closed)
        return;
    uppp_pptp_ctrl_handle_timer(c->ctrl, now);
    upppd_loop_defer(c->srv->loop, &c->after);
}

/* Drop calls that are over; the server frees the connection itself. */
static void reap_calls(struct upppd_pptpd_conn *c)
{
    struct upppd_pptpd_call **pp = &c->calls;
    while (*pp) {
        struct upppd_pptpd_call *k = *pp;
        if (k->dead && (k->ctrl_down || c->closed)) {
            *pp = k->next;
            upppd_pptpd_call_free(k);
        } else {
            pp = &k->next;
        }
    }
}

static void after_pass(struct upppd_defer *d)
{
    struct upppd_pptpd_conn *c = FROM(d, struct upppd_pptpd_conn, after);
    struct upppd_pptpd_server *s = c->srv;
    uint64_t now = upppd_loop_now();
    if (c->want_abort && !c->closed) {
        c->want_abort = 0;
        uppp_pptp_ctrl_tcp_closed(c->ctrl, now);
        mark_closed(c);
    }
    if (!c->closed) {
        int live = 0;
        for (struct upppd_pptpd_call *k = c->calls; k; k = k->next) {
            if (k->clear && !k->ctrl_down) {
                k->clear = 0;
                /* Call-Disconnect-Notify; CALL_DOWN comes back at once. */
                uppp_pptp_ctrl_clear(c->ctrl, k->call_id, now);
                k->ctrl_down = 1;
                /* pptpctrl serves one call and exits when pppd does: its
                 * client sees the control connection stop. */
                if (s->conf->calls_per_connection == 1 || s->stopping)
                    c->stop = 1;
            }
            live += !k->dead;
        }
        if (c->stop && live == 0 && uppp_pptp_ctrl_state(c->ctrl) != UPPP_PPTP_CONN_CLOSED &&
            uppp_pptp_ctrl_state(c->ctrl) != UPPP_PPTP_CONN_WAIT_STOP_REPLY) {
            c->stop = 0;
            uppp_pptp_ctrl_stop(c->ctrl, now);
        }
    }
    if (c->olen > 0 && !c->out_armed)
        flush(c);
    reap_calls(c);
    if (c->closed) {
        upppd_loop_timer_cancel(s->loop, &c->timer);
        if (c->fd >= 0) {
            if (c->olen > 0)
                flush(c); /* the last reply (Stop-Control-Connection-Reply) */
            upppd_loop_unwatch(s->loop, &c->w);
            close(c->fd);
            c->fd = -1;
        }
        upppd_loop_defer(s->loop, &s->reap);
        return;
    }
    uint64_t t = uppp_pptp_ctrl_next_timer(c->ctrl);
    upppd_loop_timer_set(s->loop, &c->timer, t == UINT64_MAX ? UPPPD_TIMER_NONE : t);
}

void upppd_pptpd_conn_poke(struct upppd_pptpd_conn *c)
{
    upppd_loop_defer(c->srv->loop, &c->after);
}

struct upppd_pptpd_conn *upppd_pptpd_conn_new(struct upppd_pptpd_server *s, int fd, uint32_t peer)
{
    struct upppd_pptpd_conn *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        close(fd);
        return NULL;
    }
    c->srv = s;
    c->fd = fd;
    c->peer = peer;
    /* The call's GRE leaves from this address (call.c, gre_sock.h). A
     * failure leaves 0: the kernel picks, as before. */
    struct sockaddr_in la;
    socklen_t ll = sizeof(la);
    if (getsockname(fd, (struct sockaddr *)&la, &ll) == 0 && la.sin_family == AF_INET)
        c->local = la.sin_addr.s_addr;
    c->id = s->next_conn_id++;
    struct in_addr in = {.s_addr = peer};
    inet_ntop(AF_INET, &in, c->peer_str, sizeof(c->peer_str));
    snprintf(c->label, sizeof(c->label), "pptp[%u] %s", c->id, c->peer_str);
    upppd_loop_timer_init(&c->timer, on_timer);
    upppd_loop_defer_init(&c->after, after_pass);

    const struct upppd_pptpd_conf *cf = s->conf;
    struct uppp_pptp_ctrl_config cfg;
    uppp_pptp_ctrl_config_init(&cfg, UPPP_PPTP_PAC);
    cfg.start_timeout_ms = (uint32_t)cf->stimeout_s * 1000;
    cfg.max_msgs_per_sec = (uint32_t)cf->max_msgs_per_sec;
    cfg.max_calls = (uint16_t)cf->calls_per_connection;
    cfg.echo_interval_ms = (uint32_t)cf->echo_interval_s * 1000;
    /* Call IDs unique across the connections of one client address (the
     * GRE demultiplexer's key), as pptpd steps its unique_call_id by
     * MAX_CALLS_PER_TCP_LINK per connection; pptpd's first is 0 too. */
    cfg.first_call_id = s->next_call_base;
    s->next_call_base = (uint16_t)(s->next_call_base + cf->calls_per_connection);
    snprintf(cfg.host_name, sizeof(cfg.host_name), "upppd-pptpd");
    snprintf(cfg.vendor, sizeof(cfg.vendor), "upppd");
    struct uppp_pptp_ctrl_callbacks cb = {.output = on_output, .event = on_event, .log = conn_log};
    c->w = (struct upppd_watch){.fd = fd, .cb = on_io};
    if (uppp_pptp_ctrl_new(&c->ctrl, &cfg, &cb, c) != 0 ||
        upppd_loop_watch(s->loop, &c->w, EPOLLIN) < 0) {
        uppp_pptp_ctrl_del(c->ctrl);
        close(fd);
        free(c);
        return NULL;
    }
    c->next = s->conns;
    s->conns = c;
    s->nconns++;
    uppp_pptp_ctrl_start(c->ctrl, upppd_loop_now());
    conn_log(c, LOG_DEBUG, "TCP connection accepted");
    upppd_loop_defer(s->loop, &c->after);
    return c;
}

void upppd_pptpd_conn_free(struct upppd_pptpd_conn *c)
{
    struct upppd_pptpd_server *s = c->srv;
    while (c->calls) {
        struct upppd_pptpd_call *k = c->calls;
        c->calls = k->next;
        upppd_pptpd_call_down(k, "Control connection closed");
        upppd_pptpd_call_free(k);
    }
    upppd_loop_timer_cancel(s->loop, &c->timer);
    upppd_loop_undefer(s->loop, &c->after);
    if (c->fd >= 0) {
        upppd_loop_unwatch(s->loop, &c->w);
        close(c->fd);
    }
    uppp_pptp_ctrl_del(c->ctrl);
    free(c->obuf);
    free(c);
}
