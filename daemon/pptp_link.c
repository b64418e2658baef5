/*
 * A PPTP client link (see pptp_link.h): RFC 2637 section 3.1 (control
 * connection, PNS side), 3.2 (outgoing call) and 4 (enhanced GRE) wired to
 * a TCP socket, the process's raw GRE socket and the loop's timers.
 *
 * The library objects must not be re-entered from their own callbacks, so
 * what an event asks for (place the call, stop, close TCP) is flagged and
 * done at the end of the pass (after_pass), which also flushes TCP output
 * and sets the one timer at the earliest of the control connection's, the
 * GRE channel's and the connect deadline.
 */
#define _GNU_SOURCE
#include "pptp_link.h"

#include <uppp/err.h>
#include <uppp/escape.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#define FROM(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))
#define READ_BURST 16

static void logf_(struct upppd_pptp_link *l, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void logf_(struct upppd_pptp_link *l, int level, const char *fmt, ...)
{
    if (l->ops.log == NULL)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    l->ops.log(l->ops.user, level, line);
}

/* The host as given (options file or command line), safe for a log line. */
static const char *host_esc(const struct upppd_pptp_link *l, char *buf, size_t cap)
{
    const char *h = l->p.host ? l->p.host : "";
    uppp_escape(buf, cap, h, strlen(h), 0);
    return buf;
}

int upppd_pptp_resolve(const char *host, uint32_t *addr, char *err, size_t errcap)
{
    struct in_addr a;
    if (inet_pton(AF_INET, host, &a) == 1) {
        *addr = a.s_addr;
        return 0;
    }
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res = NULL;
    int rc = getaddrinfo(host, NULL, &hints, &res);
    char esc[4 * 256 + 1];
    uppp_escape(esc, sizeof(esc), host, strlen(host), 0);
    if (rc != 0 || res == NULL) {
        snprintf(err, errcap, "cannot resolve PPTP server \"%s\": %s", esc,
                 rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
        return -1;
    }
    *addr = ((const struct sockaddr_in *)(const void *)res->ai_addr)->sin_addr.s_addr;
    freeaddrinfo(res);
    return 0;
}

static void set_fail(struct upppd_pptp_link *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void set_fail(struct upppd_pptp_link *l, const char *fmt, ...)
{
    if (l->fail[0] != 0)
        return; /* the first cause is the one worth reporting */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->fail, sizeof(l->fail), fmt, ap);
    va_end(ap);
}

/* A link that was up went away: tell the owner once (its session hangs up). */
static void tell_down(struct upppd_pptp_link *l)
{
    if (!l->was_up || l->down_told)
        return;
    l->down_told = 1;
    if (l->ops.down)
        l->ops.down(l->ops.user, l->fail[0] ? l->fail : "PPTP link down");
}

static void drop_gre(struct upppd_pptp_link *l)
{
    if (l->gre == NULL)
        return;
    upppd_gre_sock_unregister(l->gs, &l->call);
    const struct uppp_pptp_gre_stats *g = uppp_pptp_gre_stats(l->gre);
    /* What the call's GRE went through (the pokes: see poke_ms in
     * uppp/pptp_gre.h), for the interop bed and for admins. */
    logf_(l, LOG_INFO,
          "pptp GRE: sent %llu data, %llu lone acks, %llu pokes; received %llu, %llu "
          "reordered, %llu lost, %llu stale",
          (unsigned long long)g->tx_data, (unsigned long long)g->tx_acks,
          (unsigned long long)g->tx_pokes, (unsigned long long)g->rx_delivered,
          (unsigned long long)g->rx_buffered, (unsigned long long)g->rx_lost,
          (unsigned long long)g->rx_stale);
    uppp_pptp_gre_del(l->gre);
    l->gre = NULL;
}

static void close_tcp(struct upppd_pptp_link *l)
{
    if (l->fd < 0)
        return;
    upppd_loop_unwatch(l->loop, &l->w);
    close(l->fd);
    l->fd = -1;
    l->olen = 0;
}

/* ---- TCP ---- */

static void arm_out(struct upppd_pptp_link *l, int want)
{
    if (l->fd < 0 || want == l->out_armed)
        return;
    l->out_armed = want;
    upppd_loop_rewatch(l->loop, &l->w, EPOLLIN | (want ? EPOLLOUT : 0));
}

static void flush_tcp(struct upppd_pptp_link *l)
{
    if (l->fd < 0 || l->state == UPPPD_PPTP_CONNECTING)
        return;
    size_t off = 0;
    while (off < l->olen) {
        ssize_t n = send(l->fd, l->obuf + off, l->olen - off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            off += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        /* Broken: the read side will see it too; stop writing. */
        l->olen = 0;
        return;
    }
    memmove(l->obuf, l->obuf + off, l->olen - off);
    l->olen -= off;
    arm_out(l, l->olen > 0);
}

static void ctrl_output(void *user, const uint8_t *data, size_t len)
{
    struct upppd_pptp_link *l = user;
    if (l->olen + len > sizeof(l->obuf)) {
        /* Control messages are small and few (the library bounds them):
         * a full buffer means TCP is stuck, which the echo timer ends. */
        logf_(l, LOG_WARNING, "PPTP control output stuck: message dropped");
        return;
    }
    memcpy(l->obuf + l->olen, data, len);
    l->olen += len;
    upppd_loop_defer(l->loop, &l->after);
}

/* ---- GRE ---- */

static void gre_output(void *user, const uint8_t *pkt, size_t len)
{
    struct upppd_pptp_link *l = user;
    upppd_gre_sock_send(l->gs, l->p.server, pkt, len);
}

static void gre_deliver(void *user, const uint8_t *payload, size_t len)
{
    struct upppd_pptp_link *l = user;
    if (l->ops.frame)
        l->ops.frame(l->ops.user, payload, len);
}

static void gre_recv(struct upppd_gre_call *c, const uint8_t *gre, size_t len, uint64_t now)
{
    struct upppd_pptp_link *l = FROM(c, struct upppd_pptp_link, call);
    if (l->gre == NULL)
        return;
    /* Malformed and stale packets are counted in the channel's stats. */
    uppp_pptp_gre_recv(l->gre, gre, len, now);
    upppd_loop_defer(l->loop, &l->after);
}

static int start_gre(struct upppd_pptp_link *l, const struct uppp_pptp_event *ev)
{
    struct uppp_pptp_gre_config gc;
    uppp_pptp_gre_config_init(&gc);
    gc.call_id = ev->call_id;
    gc.peer_call_id = ev->peer_call_id;
    gc.peer_window = ev->peer_window;
    gc.reorder_timeout_ms = l->p.reorder_ms;
    struct uppp_pptp_gre_callbacks cb = {.output = gre_output, .deliver = gre_deliver};
    int rc = uppp_pptp_gre_new(&l->gre, &gc, &cb, l);
    if (rc != 0) {
        set_fail(l, "cannot set up the GRE channel: %s", uppp_strerror(rc));
        return -1;
    }
    l->call =
        (struct upppd_gre_call){.peer = l->p.server, .call_id = ev->call_id, .recv = gre_recv};
    if (upppd_gre_sock_register(l->gs, &l->call) < 0) {
        set_fail(l, "GRE key (call ID %u) already in use", (unsigned)ev->call_id);
        uppp_pptp_gre_del(l->gre);
        l->gre = NULL;
        return -1;
    }
    return 0;
}

/* ---- control connection events ---- */

static const char *close_reason(enum uppp_pptp_close_reason r)
{
    switch (r) {
    case UPPP_PPTP_CLOSE_LOCAL:
    case UPPP_PPTP_CLOSE_LOCAL_TIMEOUT:
        return "closed by us";
    case UPPP_PPTP_CLOSE_PEER_STOP:
        return "the server stopped the control connection";
    case UPPP_PPTP_CLOSE_PEER_TCP:
        return "the server closed the TCP connection";
    case UPPP_PPTP_CLOSE_REFUSED:
        return "the server refused the control connection";
    case UPPP_PPTP_CLOSE_TIMEOUT:
        return "no Start-Control-Connection-Reply in time";
    case UPPP_PPTP_CLOSE_NO_ECHO:
        return "no answer to Echo-Request";
    case UPPP_PPTP_CLOSE_PROTOCOL:
        return "protocol error on the control connection";
    case UPPP_PPTP_CLOSE_RATE:
        return "control message flood";
    }
    return "closed";
}

static void ctrl_event(void *user, const struct uppp_pptp_event *ev)
{
    struct upppd_pptp_link *l = user;
    char h[1025];
    switch (ev->type) {
    case UPPP_PPTP_EV_CONNECTED:
        logf_(l, LOG_INFO, "PPTP control connection to %s established", host_esc(l, h, sizeof(h)));
        l->want_call = 1;
        break;
    case UPPP_PPTP_EV_CALL_UP:
        if (l->state != UPPPD_PPTP_CALLING || ev->call_id != l->call_id)
            break;
        l->peer_call_id = ev->peer_call_id;
        if (start_gre(l, ev) < 0) {
            logf_(l, LOG_ERR, "%s", l->fail);
            l->want_stop = 1;
            l->state = UPPPD_PPTP_STOPPING;
            break;
        }
        l->state = UPPPD_PPTP_UP;
        l->was_up = 1;
        /* pptp-linux's words. */
        logf_(l, LOG_NOTICE, "Outgoing call established (call ID %u, peer's call ID %u).",
              (unsigned)ev->call_id, (unsigned)ev->peer_call_id);
        break;
    case UPPP_PPTP_EV_CALL_DOWN:
        if (ev->call_id != l->call_id)
            break;
        drop_gre(l);
        if (ev->result != 0) {
            set_fail(l, "call cleared by the server (result %u, error %u)", (unsigned)ev->result,
                     (unsigned)ev->error);
            if (l->state != UPPPD_PPTP_STOPPING)
                logf_(l, LOG_NOTICE, "PPTP %s", l->fail);
        }
        if (l->state != UPPPD_PPTP_STOPPING) {
            /* Without its call the control connection has no use:
             * stop it (bounded), as pptp-linux exits. */
            l->state = UPPPD_PPTP_STOPPING;
            l->want_stop = 1;
        }
        /* Told at the end of the pass: a call that went down with its
         * connection (result 0) gets the connection's reason, which
         * follows in the same read. */
        l->want_down = 1;
        break;
    case UPPP_PPTP_EV_SET_LINK_INFO:
        break; /* only a PAC receives it */
    case UPPP_PPTP_EV_WAN_ERROR:
        logf_(l, LOG_INFO, "PPTP WAN-Error-Notify from the server for call ID %u",
              (unsigned)ev->call_id);
        break;
    case UPPP_PPTP_EV_CLOSED:
        drop_gre(l);
        if (ev->reason != UPPP_PPTP_CLOSE_LOCAL && ev->reason != UPPP_PPTP_CLOSE_LOCAL_TIMEOUT) {
            char why[1200];
            snprintf(why, sizeof(why), "PPTP control connection to %s: %s",
                     host_esc(l, h, sizeof(h)), close_reason(ev->reason));
            if (l->state != UPPPD_PPTP_STOPPING)
                logf_(l, LOG_NOTICE, "%s", why);
            set_fail(l, "%s", why);
        } else if (ev->reason == UPPP_PPTP_CLOSE_LOCAL_TIMEOUT) {
            logf_(l, LOG_INFO, "PPTP teardown step timed out; closing the connection");
        }
        l->state = UPPPD_PPTP_CLOSED;
        l->want_close = 1;
        tell_down(l);
        break;
    }
    upppd_loop_defer(l->loop, &l->after);
}

static void ctrl_log(void *user, int level, const char *line)
{
    struct upppd_pptp_link *l = user;
    if (l->ops.log)
        l->ops.log(l->ops.user, level, line);
}

/* ---- the pass's end: deferred actions, output, the timer ---- */

static void after_pass(struct upppd_defer *d)
{
    struct upppd_pptp_link *l = FROM(d, struct upppd_pptp_link, after);
    uint64_t now = upppd_loop_now();
    if (l->want_call && l->ctrl && l->state == UPPPD_PPTP_CONTROL) {
        l->want_call = 0;
        l->in_ctrl = 1;
        int rc = uppp_pptp_ctrl_call(l->ctrl, now, &l->call_id);
        l->in_ctrl = 0;
        if (rc == 0) {
            l->state = UPPPD_PPTP_CALLING;
        } else {
            set_fail(l, "cannot place the call: %s", uppp_strerror(rc));
            l->want_stop = 1;
        }
    }
    if (l->want_stop && l->ctrl) {
        l->want_stop = 0;
        if (l->state != UPPPD_PPTP_CLOSED)
            l->state = UPPPD_PPTP_STOPPING;
        l->in_ctrl = 1;
        int rc = uppp_pptp_ctrl_stop(l->ctrl, now);
        l->in_ctrl = 0;
        if (rc == UPPP_ERR_CLOSED) {
            l->state = UPPPD_PPTP_CLOSED;
            l->want_close = 1;
        }
    }
    if (l->want_down) {
        l->want_down = 0;
        set_fail(l, "call ended");
        tell_down(l);
    }
    flush_tcp(l);
    if (l->want_close) {
        /* The last message (StopCCRP, or our StopCCRQ) went out above, if
         * TCP took it; nothing more is owed. */
        l->want_close = 0;
        close_tcp(l);
    }
    uint64_t t = UPPPD_TIMER_NONE;
    if (l->state == UPPPD_PPTP_CONNECTING)
        t = l->connect_deadline;
    if (l->ctrl && l->state != UPPPD_PPTP_CLOSED) {
        uint64_t c = uppp_pptp_ctrl_next_timer(l->ctrl);
        t = c < t ? c : t;
    }
    if (l->gre) {
        uint64_t g = uppp_pptp_gre_next_timer(l->gre);
        t = g < t ? g : t;
    }
    upppd_loop_timer_set(l->loop, &l->timer, t);
}

static void on_timer(struct upppd_loop_timer *t, uint64_t now)
{
    struct upppd_pptp_link *l = FROM(t, struct upppd_pptp_link, timer);
    if (l->state == UPPPD_PPTP_CONNECTING && now >= l->connect_deadline) {
        char h[1025];
        set_fail(l, "cannot connect to PPTP server %s: timed out", host_esc(l, h, sizeof(h)));
        l->state = UPPPD_PPTP_CLOSED;
        l->want_close = 1;
    }
    if (l->ctrl && l->state != UPPPD_PPTP_CONNECTING && l->state != UPPPD_PPTP_CLOSED &&
        now >= uppp_pptp_ctrl_next_timer(l->ctrl)) {
        l->in_ctrl = 1;
        uppp_pptp_ctrl_handle_timer(l->ctrl, now);
        l->in_ctrl = 0;
    }
    if (l->gre && now >= uppp_pptp_gre_next_timer(l->gre))
        uppp_pptp_gre_handle_timer(l->gre, now);
    upppd_loop_defer(l->loop, &l->after);
}

static void connected(struct upppd_pptp_link *l)
{
    int soerr = 0;
    socklen_t sl = sizeof(soerr);
    char h[1025];
    if (getsockopt(l->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
        soerr = errno;
    if (soerr != 0) {
        set_fail(l, "cannot connect to PPTP server %s port %u: %s", host_esc(l, h, sizeof(h)),
                 (unsigned)l->p.port, strerror(soerr));
        l->state = UPPPD_PPTP_CLOSED;
        l->want_close = 1;
        return;
    }
    l->state = UPPPD_PPTP_CONTROL;
    l->out_armed = 1; /* connect watched EPOLLOUT; arm_out turns it off */
    arm_out(l, 0);
    l->in_ctrl = 1;
    uppp_pptp_ctrl_start(l->ctrl, upppd_loop_now());
    l->in_ctrl = 0;
}

static void read_tcp(struct upppd_pptp_link *l)
{
    uint8_t *buf = l->loop->scratch;
    for (int i = 0; i < READ_BURST && l->fd >= 0 && l->state != UPPPD_PPTP_CLOSED; i++) {
        ssize_t n = recv(l->fd, buf, UPPPD_LOOP_SCRATCH, MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        l->in_ctrl = 1;
        if (n > 0)
            uppp_pptp_ctrl_read(l->ctrl, buf, (size_t)n, upppd_loop_now());
        else
            uppp_pptp_ctrl_tcp_closed(l->ctrl, upppd_loop_now()); /* EOF or reset */
        l->in_ctrl = 0;
        if (n <= 0)
            return;
    }
}

static void on_tcp(struct upppd_watch *w, uint32_t events)
{
    struct upppd_pptp_link *l = FROM(w, struct upppd_pptp_link, w);
    if (l->fd < 0)
        return;
    if (l->state == UPPPD_PPTP_CONNECTING) {
        if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
            connected(l);
    } else {
        if (events & EPOLLOUT)
            flush_tcp(l);
        if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
            read_tcp(l);
    }
    upppd_loop_defer(l->loop, &l->after);
}

/* ---- our Call ID ---- */

/* Every upppd client on a host shares the host's GRE: the kernel gives
 * each raw socket every packet, and a packet is told apart only by its
 * source (the server) and its Key (our Call ID). Two clients of one server
 * with the same Call ID (pptp-linux and the library both start at 0) would
 * take each other's frames. pptp-linux avoids it with one call manager per
 * server; we reserve the ID: an abstract Unix socket named after (server,
 * Call ID) can be bound by one process only, in this network namespace,
 * which is exactly the scope of the GRE we see, and it goes away with us.
 * The ID itself is random, so a reservation rarely needs a second try. */
static int reserve_call_id(struct upppd_pptp_link *l, uint16_t *id)
{
    int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return -1;
    for (int tries = 0; tries < 64; tries++) {
        uint16_t cand;
        if (getrandom(&cand, sizeof(cand), 0) != (ssize_t)sizeof(cand))
            break;
        struct sockaddr_un sun = {.sun_family = AF_UNIX};
        int n = snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1, "upppd-pptp-call-%08x-%04x",
                         (unsigned)ntohl(l->p.server), (unsigned)cand);
        if (bind(s, (struct sockaddr *)&sun,
                 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n)) == 0) {
            *id = cand;
            l->id_lock = s;
            return 0;
        }
        if (errno != EADDRINUSE)
            break;
    }
    close(s);
    return -1;
}

/* ---- the owner's calls ---- */

int upppd_pptp_link_open(struct upppd_pptp_link *l, struct upppd_loop *loop,
                         struct upppd_gre_sock *gs, const struct upppd_pptp_link_params *p,
                         const struct upppd_pptp_link_ops *ops)
{
    memset(l, 0, sizeof(*l));
    l->loop = loop;
    l->gs = gs;
    l->p = *p;
    l->ops = *ops;
    l->fd = -1;
    l->id_lock = -1;
    upppd_loop_timer_init(&l->timer, on_timer);
    upppd_loop_defer_init(&l->after, after_pass);
    char h[1025];

    struct uppp_pptp_ctrl_config cc;
    uppp_pptp_ctrl_config_init(&cc, UPPP_PPTP_PNS);
    cc.echo_interval_ms = p->echo_ms;
    /* One call per connection: a client never needs more. */
    cc.max_calls = 1;
    if (reserve_call_id(l, &cc.first_call_id) < 0) {
        set_fail(l, "cannot reserve a PPTP Call ID: %s", strerror(errno));
        return -1;
    }
    struct uppp_pptp_ctrl_callbacks cb = {
        .output = ctrl_output, .event = ctrl_event, .log = ctrl_log};
    int rc = uppp_pptp_ctrl_new(&l->ctrl, &cc, &cb, l);
    if (rc != 0) {
        set_fail(l, "cannot set up PPTP: %s", uppp_strerror(rc));
        return -1;
    }
    l->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (l->fd < 0) {
        set_fail(l, "cannot create a TCP socket: %s", strerror(errno));
        return -1;
    }
    int one = 1;
    /* Control messages are small and each waits for its answer. */
    setsockopt(l->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (p->localbind != 0) {
        struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = p->localbind};
        if (bind(l->fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
            char a[INET_ADDRSTRLEN];
            inet_ntop(AF_INET, &sin.sin_addr, a, sizeof(a));
            set_fail(l, "cannot bind to local address %s: %s", a, strerror(errno));
            close(l->fd); /* not watched yet */
            l->fd = -1;
            return -1;
        }
    }
    char a[INET_ADDRSTRLEN];
    struct in_addr ia = {.s_addr = p->server};
    inet_ntop(AF_INET, &ia, a, sizeof(a));
    logf_(l, LOG_INFO, "Connecting to PPTP server %s (%s) port %u", host_esc(l, h, sizeof(h)), a,
          (unsigned)p->port);
    struct sockaddr_in sin = {
        .sin_family = AF_INET, .sin_port = htons(p->port), .sin_addr.s_addr = p->server};
    l->state = UPPPD_PPTP_CONNECTING;
    l->connect_deadline =
        upppd_loop_now() + (p->connect_timeout_ms ? p->connect_timeout_ms : 60000);
    if (connect(l->fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 && errno != EINPROGRESS) {
        set_fail(l, "cannot connect to PPTP server %s port %u: %s", h, (unsigned)p->port,
                 strerror(errno));
        int fd = l->fd;
        l->fd = -1;
        close(fd);
        l->state = UPPPD_PPTP_CLOSED;
        return -1;
    }
    l->w = (struct upppd_watch){.fd = l->fd, .cb = on_tcp};
    if (upppd_loop_watch(loop, &l->w, EPOLLIN | EPOLLOUT) < 0) {
        set_fail(l, "cannot watch the TCP socket: %s", strerror(errno));
        int fd = l->fd;
        l->fd = -1;
        close(fd);
        l->state = UPPPD_PPTP_CLOSED;
        return -1;
    }
    upppd_loop_defer(loop, &l->after);
    return 0;
}

int upppd_pptp_link_send(struct upppd_pptp_link *l, const uint8_t *frame, size_t len)
{
    if (l->state != UPPPD_PPTP_UP || l->gre == NULL)
        return UPPP_ERR_CLOSED;
    int rc = uppp_pptp_gre_send(l->gre, frame, len, upppd_loop_now());
    /* A pending lone ack just rode along: its timer changes. Cheap: the
     * deferred step runs once per pass. */
    upppd_loop_defer(l->loop, &l->after);
    return rc;
}

void upppd_pptp_link_set_accm(struct upppd_pptp_link *l, uint32_t send_accm, uint32_t recv_accm)
{
    /* Skipped inside a control-connection callback (the call going down
     * takes LCP down with it) and whenever the call is not up. */
    if (l->in_ctrl || l->state != UPPPD_PPTP_UP || l->ctrl == NULL)
        return;
    /* LCP reports again when it goes down (all-ones, RFC 1662 7.1); on a
     * frame link that is what it agreed anyway: say each change once. */
    if (l->sli_sent && l->sli_send == send_accm && l->sli_recv == recv_accm)
        return;
    l->sli_sent = 1;
    l->sli_send = send_accm;
    l->sli_recv = recv_accm;
    l->in_ctrl = 1;
    uppp_pptp_ctrl_set_link_info(l->ctrl, l->call_id, send_accm, recv_accm);
    l->in_ctrl = 0;
    upppd_loop_defer(l->loop, &l->after);
}

void upppd_pptp_link_stop(struct upppd_pptp_link *l)
{
    l->down_told = 1; /* the owner ends it: ops.down is not for this */
    if (l->state == UPPPD_PPTP_CLOSED)
        return;
    if (l->state == UPPPD_PPTP_CONNECTING || l->ctrl == NULL) {
        l->state = UPPPD_PPTP_CLOSED;
        l->want_close = 1;
    } else {
        l->want_stop = 1;
    }
    upppd_loop_defer(l->loop, &l->after);
}

void upppd_pptp_link_abort(struct upppd_pptp_link *l)
{
    drop_gre(l);
    close_tcp(l);
    l->state = UPPPD_PPTP_CLOSED;
    upppd_loop_timer_cancel(l->loop, &l->timer);
}

void upppd_pptp_link_free(struct upppd_pptp_link *l)
{
    upppd_pptp_link_abort(l);
    if (l->id_lock >= 0) {
        close(l->id_lock);
        l->id_lock = -1;
    }
    upppd_loop_undefer(l->loop, &l->after);
    if (l->ctrl) {
        uppp_pptp_ctrl_del(l->ctrl);
        l->ctrl = NULL;
    }
}
