/*
 * One session on the event loop (see sess.h): link bytes in and out (async
 * HDLC, RFC 1662, framed by the library) or whole frames through the
 * owner (PPTP), IP between the session and a TUN
 * fd or the owner, and the session's deadline kept in the loop's heap.
 */
#define _GNU_SOURCE
#include "sess.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/uio.h>
#include <syslog.h>
#include <unistd.h>

#include <uppp/tcp_offload.h>

#define OBUF_MAX (512 * 1024)  /* link output we hold before dropping */
#define OBUF_PAUSE (64 * 1024) /* stop reading TUN above this (backpressure) */
#define OBUF_MIN 4096          /* first allocation: an idle session stays small */
#define READ_BURST 64 /* reads per readiness event, so one busy link cannot starve the rest */

#define FROM(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

static void sess_log(struct upppd_sess *x, int level, const char *line)
{
    if (x->ops.log)
        x->ops.log(x->ops.user, level, line);
}

/* The link is one fd (tty, pty, socket) or two (stdin/stdout): keep
 * EPOLLOUT on whichever writes, only while output is pending. */
static void arm_output(struct upppd_sess *x, int want)
{
    if (want == x->out_armed || !x->watching)
        return;
    x->out_armed = want;
    if (x->wfd == x->rfd)
        upppd_loop_rewatch(x->loop, &x->w_link, EPOLLIN | (want ? EPOLLOUT : 0));
    else
        upppd_loop_rewatch(x->loop, &x->w_out, want ? EPOLLOUT : 0);
}

static void pause_tun(struct upppd_sess *x, int pause)
{
    if (x->tunfd < 0 || pause == x->tun_paused || !x->watching)
        return;
    x->tun_paused = pause;
    upppd_loop_rewatch(x->loop, &x->w_tun, pause ? 0 : EPOLLIN);
}

static void flush_output(struct upppd_sess *x)
{
    size_t off = 0;
    while (off < x->olen) {
        ssize_t n = write(x->wfd, x->obuf + off, x->olen - off);
        if (n > 0) {
            off += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        /* The link is gone. This can run inside a session callback, which
         * must not re-enter the session: hang up at the end of the pass. */
        x->olen = 0;
        x->link_dead = 1;
        upppd_loop_defer(x->loop, &x->after);
        return;
    }
    memmove(x->obuf, x->obuf + off, x->olen - off);
    x->olen -= off;
    arm_output(x, x->olen > 0);
    pause_tun(x, x->olen > OBUF_PAUSE);
}

static int obuf_room(struct upppd_sess *x, size_t len)
{
    if (x->olen + len > OBUF_MAX)
        return 0; /* the link is stuck: drop rather than grow without bound */
    if (x->olen + len <= x->ocap)
        return 1;
    size_t cap = x->ocap ? x->ocap : OBUF_MIN;
    while (cap < x->olen + len)
        cap *= 2;
    uint8_t *b = realloc(x->obuf, cap);
    if (b == NULL)
        return 0;
    x->obuf = b;
    x->ocap = cap;
    return 1;
}

static void on_output(void *user, const uint8_t *data, size_t len)
{
    struct upppd_sess *x = user;
    if (x->send_frame != NULL) {
        /* A datagram link has no stream to batch into: each frame goes
         * out on its own, now. */
        x->send_frame(x->frame_user, data, len);
        upppd_loop_defer(x->loop, &x->after);
        return;
    }
    if (!obuf_room(x, len))
        return;
    memcpy(x->obuf + x->olen, data, len);
    x->olen += len;
    /* Frames collect while one pass is handled and go out in one write at
     * its end (see after_pass); a large backlog goes at once. */
    if (!x->out_armed && x->olen >= OBUF_PAUSE)
        flush_output(x);
    upppd_loop_defer(x->loop, &x->after);
}

static void tun_write_failed(struct upppd_sess *x)
{
    /* A full TUN queue drops the packet, as a full device queue would. */
    if (errno == EAGAIN)
        return;
    char line[160];
    snprintf(line, sizeof(line), "write to %s: %s", x->tun_name, strerror(errno));
    sess_log(x, LOG_DEBUG, line);
}

/* The loop's coalescer (loop->tun_gro) and the session whose TUN its held
 * packet is for. */
struct tun_gro {
    struct uppp_gro g;
    struct upppd_sess *owner;
    uint8_t buf[UPPP_GRO_BUF];
};

static void gro_flush(struct tun_gro *tg)
{
    size_t n = uppp_gro_take(&tg->g);
    struct upppd_sess *x = tg->owner;
    tg->owner = NULL;
    if (n > 0 && x != NULL && x->tunfd >= 0 && write(x->tunfd, tg->g.buf, n) < 0)
        tun_write_failed(x);
}

/* One IP packet to a TUN with offloads: TCP segments join the held packet,
 * anything else goes alone behind a header that asks for nothing (after
 * the held packet, to keep the order). */
static void deliver_vnet(struct upppd_sess *x, const uint8_t *pkt, size_t len)
{
    struct tun_gro *tg = x->loop->tun_gro;
    if (tg == NULL) {
        tg = malloc(sizeof(*tg));
        if (tg != NULL) {
            uppp_gro_init(&tg->g, tg->buf);
            /* PSH does not end a joined packet: it rides on the packet's
             * end. The kernel's GRO stops at PSH so as not to hold data
             * back, but the held packet is written at the end of this pass
             * whatever comes, so nothing waits longer. Stopping there cost
             * issue 10's VM bench a TUN write, a wake-up of the reader and
             * a TCP ack back through the tunnel every 3-4 segments, as the
             * sending TCP set PSH that often (tests/interop/README.md). A
             * forwarded packet is segmented again with PSH on its last
             * segment, where a receiver that waits for PSH still finds it. */
            tg->g.psh_joins = 1;
            tg->owner = NULL;
            x->loop->tun_gro = tg;
        }
    }
    enum uppp_gro_verdict v = UPPP_GRO_PASS;
    if (tg != NULL) {
        if (tg->owner != x)
            gro_flush(tg);
        v = uppp_gro_add(&tg->g, pkt, len);
        if (v == UPPP_GRO_FLUSH) {
            gro_flush(tg);
            v = uppp_gro_add(&tg->g, pkt, len);
        }
        if (v == UPPP_GRO_HELD) {
            tg->owner = x; /* written by after_pass, or before another packet */
            upppd_loop_defer(x->loop, &x->after);
            return;
        }
        gro_flush(tg);
    }
    static const uint8_t none[UPPP_VNET_HDR_LEN]; /* flags 0, GSO_NONE */
    struct iovec iov[2] = {{.iov_base = (void *)none, .iov_len = sizeof(none)},
                           {.iov_base = (void *)pkt, .iov_len = len}};
    if (writev(x->tunfd, iov, 2) < 0)
        tun_write_failed(x);
}

/* Write what the coalescer holds for x (end of pass, detach). */
static void gro_flush_for(struct upppd_sess *x)
{
    struct tun_gro *tg = x->loop != NULL ? x->loop->tun_gro : NULL;
    if (tg != NULL && tg->owner == x)
        gro_flush(tg);
}

static void on_deliver(void *user, uint16_t proto, const uint8_t *pkt, size_t len)
{
    struct upppd_sess *x = user;
    x->last_activity = upppd_loop_now();
    if (x->tunfd < 0) {
        if (x->ops.deliver)
            x->ops.deliver(x->ops.user, proto, pkt, len);
        return;
    }
    if (x->tun_vnet) {
        deliver_vnet(x, pkt, len);
        return;
    }
    if (write(x->tunfd, pkt, len) < 0)
        tun_write_failed(x);
}

static void on_event(void *user, const struct uppp_event *ev)
{
    struct upppd_sess *x = user;
    if (x->ops.event)
        x->ops.event(x->ops.user, ev);
}

static void on_log(void *user, int level, const char *line)
{
    sess_log(user, level, line);
}

static int on_secret(void *user, const struct uppp_secret_query *q, struct uppp_secret *out)
{
    struct upppd_sess *x = user;
    return x->ops.get_secret ? x->ops.get_secret(x->ops.user, q, out) : -1;
}

static int on_check_addr(void *user, const char *peer, uint32_t addr)
{
    struct upppd_sess *x = user;
    return x->ops.check_addr ? x->ops.check_addr(x->ops.user, peer, addr) : 1;
}

static int on_auth_request(void *user, const struct uppp_auth_request *req)
{
    struct upppd_sess *x = user;
    return x->ops.auth_request(x->ops.user, req);
}

static void on_link_params(void *user, const struct uppp_link_params *p)
{
    struct upppd_sess *x = user;
    if (x->ops.link_params)
        x->ops.link_params(x->ops.user, p);
}

/* The library takes its randomness from us (challenges, magic numbers,
 * interface identifiers): the kernel's CSPRNG. */
int upppd_random(void *user, void *buf, size_t len)
{
    (void)user;
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

void upppd_sess_hangup(struct upppd_sess *x, const char *why)
{
    if (uppp_session_is_dead(x->s))
        return;
    sess_log(x, LOG_NOTICE, why);
    uppp_session_hangup(x->s, upppd_loop_now());
    upppd_loop_defer(x->loop, &x->after);
}

static void read_link(struct upppd_sess *x)
{
    uint8_t *buf = x->loop->scratch;
    for (int i = 0; i < READ_BURST; i++) {
        ssize_t n = read(x->rfd, buf, UPPPD_LOOP_SCRATCH);
        if (n > 0) {
            uppp_session_input(x->s, buf, (size_t)n, upppd_loop_now());
            if (uppp_session_is_dead(x->s))
                return;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        upppd_sess_hangup(x, "Modem hangup"); /* EOF, or EIO when the pty's other end closed */
        return;
    }
}

static void send_segment(void *user, const uint8_t *pkt, size_t len)
{
    upppd_sess_send_ip(user, (pkt[0] >> 4) == 6 ? UPPP_PROTO_IPV6 : UPPP_PROTO_IP, pkt, len);
}

static void read_tun(struct upppd_sess *x)
{
    uint8_t *pkt = x->loop->scratch;
    for (int i = 0; i < READ_BURST && !x->tun_paused; i++) {
        ssize_t n = read(x->tunfd, pkt, UPPPD_LOOP_SCRATCH);
        if (n <= 0)
            return;
        if (!x->tun_vnet) {
            send_segment(x, pkt, (size_t)n);
            continue;
        }
        /* One read may be a TCP super-packet of up to 64 KiB: cut it into
         * packets of the interface's MTU here, as the kernel would have. */
        struct uppp_vnet_hdr h;
        if (uppp_vnet_hdr_parse(pkt, (size_t)n, &h) < 0 || (size_t)n == UPPP_VNET_HDR_LEN ||
            uppp_tso_split(&h, pkt + UPPP_VNET_HDR_LEN, (size_t)n - UPPP_VNET_HDR_LEN, send_segment,
                           x) < 0)
            x->tun_bad++;
        if (uppp_session_is_dead(x->s))
            return;
    }
}

/* After every event a failed write hangs up at once, as the one-link loop
 * always did, so nothing else of this pass reaches a session on a dead
 * link. */
static void after_event(struct upppd_sess *x)
{
    if (x->link_dead)
        upppd_sess_hangup(x, "Modem hangup");
    upppd_loop_defer(x->loop, &x->after);
}

static void on_link(struct upppd_watch *w, uint32_t events)
{
    struct upppd_sess *x = FROM(w, struct upppd_sess, w_link);
    if (uppp_session_is_dead(x->s))
        return;
    if (events & EPOLLOUT)
        flush_output(x);
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
        read_link(x);
    after_event(x);
}

static void on_link_out(struct upppd_watch *w, uint32_t events)
{
    struct upppd_sess *x = FROM(w, struct upppd_sess, w_out);
    (void)events;
    if (uppp_session_is_dead(x->s))
        return;
    flush_output(x);
    after_event(x);
}

static void on_tun(struct upppd_watch *w, uint32_t events)
{
    struct upppd_sess *x = FROM(w, struct upppd_sess, w_tun);
    (void)events;
    if (uppp_session_is_dead(x->s))
        return;
    read_tun(x);
    after_event(x);
}

static void on_timer(struct upppd_loop_timer *t, uint64_t now)
{
    struct upppd_sess *x = FROM(t, struct upppd_sess, timer);
    if (uppp_session_is_dead(x->s))
        return;
    uppp_session_handle_timer(x->s, now);
    after_event(x);
}

/* End of a pass in which the session did something: what it produced goes
 * out in one write, a dead link hangs up, and the heap learns the
 * session's next deadline. */
static void after_pass(struct upppd_defer *d)
{
    struct upppd_sess *x = FROM(d, struct upppd_sess, after);
    gro_flush_for(x);
    if (x->olen > 0 && !x->out_armed && !x->link_dead && x->watching)
        flush_output(x);
    if (x->link_dead)
        upppd_sess_hangup(x, "Modem hangup");
    uint64_t t = uppp_session_is_dead(x->s) ? UPPPD_TIMER_NONE : uppp_session_next_timer(x->s);
    if (upppd_loop_timer_set(x->loop, &x->timer, t) < 0)
        sess_log(x, LOG_ERR, "out of memory for a timer: the session may stall");
}

int upppd_sess_init(struct upppd_sess *x, struct upppd_loop *loop, const struct uppp_config *cfg,
                    const struct upppd_sess_ops *ops)
{
    memset(x, 0, sizeof(*x));
    x->loop = loop;
    x->ops = *ops;
    x->rfd = x->wfd = x->tunfd = -1;
    upppd_loop_timer_init(&x->timer, on_timer);
    upppd_loop_defer_init(&x->after, after_pass);
    struct uppp_callbacks cb = {
        .user = x,
        .output = on_output,
        .deliver = on_deliver,
        .event = on_event,
        .random = upppd_random,
        .get_secret = on_secret,
        .check_addr = on_check_addr,
        .log = on_log,
        .auth_request = x->ops.auth_request ? on_auth_request : NULL,
        .link_params = on_link_params,
    };
    return uppp_session_new(&x->s, cfg, &cb);
}

int upppd_sess_attach(struct upppd_sess *x, int rfd, int wfd, int tunfd, const char *tun_name)
{
    x->rfd = rfd;
    x->wfd = wfd;
    x->send_frame = NULL;
    x->tunfd = tunfd;
    snprintf(x->tun_name, sizeof(x->tun_name), "%s", tun_name ? tun_name : "-");
    x->w_link = (struct upppd_watch){.fd = rfd, .cb = on_link};
    x->w_out = (struct upppd_watch){.fd = wfd, .cb = on_link_out};
    x->w_tun = (struct upppd_watch){.fd = tunfd, .cb = on_tun};
    x->out_armed = x->tun_paused = x->link_dead = 0;
    x->olen = 0;
    if (upppd_loop_watch(x->loop, &x->w_link, EPOLLIN) < 0)
        return -1;
    if (wfd != rfd && upppd_loop_watch(x->loop, &x->w_out, 0) < 0) {
        int e = errno;
        upppd_loop_unwatch(x->loop, &x->w_link);
        errno = e;
        return -1;
    }
    if (tunfd >= 0 && upppd_loop_watch(x->loop, &x->w_tun, EPOLLIN) < 0) {
        int e = errno;
        upppd_loop_unwatch(x->loop, &x->w_link);
        if (wfd != rfd)
            upppd_loop_unwatch(x->loop, &x->w_out);
        errno = e;
        return -1;
    }
    x->watching = 1;
    return 0;
}

int upppd_sess_attach_frames(struct upppd_sess *x, int tunfd, const char *tun_name,
                             upppd_sess_send_frame_fn send_frame, void *user)
{
    if (send_frame == NULL) {
        errno = EINVAL;
        return -1;
    }
    x->rfd = x->wfd = -1;
    x->tunfd = tunfd;
    x->send_frame = send_frame;
    x->frame_user = user;
    snprintf(x->tun_name, sizeof(x->tun_name), "%s", tun_name ? tun_name : "-");
    x->w_tun = (struct upppd_watch){.fd = tunfd, .cb = on_tun};
    x->out_armed = x->tun_paused = x->link_dead = 0;
    x->olen = 0;
    if (tunfd >= 0 && upppd_loop_watch(x->loop, &x->w_tun, EPOLLIN) < 0)
        return -1;
    x->watching = 1;
    return 0;
}

void upppd_sess_set_tun_vnet(struct upppd_sess *x, int vnet)
{
    x->tun_vnet = vnet;
}

void upppd_sess_input_frame(struct upppd_sess *x, const uint8_t *frame, size_t len)
{
    if (uppp_session_is_dead(x->s))
        return;
    uppp_session_input_frame(x->s, frame, len, upppd_loop_now());
    upppd_loop_defer(x->loop, &x->after);
}

void upppd_sess_start(struct upppd_sess *x, uint64_t now)
{
    x->last_activity = now;
    uppp_session_start(x->s, now);
    /* Outside a pass: send LCP's first request and set the timer now. */
    upppd_loop_undefer(x->loop, &x->after);
    after_pass(&x->after);
}

void upppd_sess_touch(struct upppd_sess *x)
{
    upppd_loop_defer(x->loop, &x->after);
}

int upppd_sess_send_ip(struct upppd_sess *x, uint16_t proto, const uint8_t *pkt, size_t len)
{
    x->last_activity = upppd_loop_now();
    int rc = uppp_session_send_ip(x->s, proto, pkt, len, x->last_activity);
    upppd_loop_defer(x->loop, &x->after);
    return rc;
}

int upppd_sess_is_dead(const struct upppd_sess *x)
{
    return x->s == NULL || uppp_session_is_dead(x->s);
}

void upppd_sess_detach(struct upppd_sess *x)
{
    gro_flush_for(x); /* delivered before the end: still written */
    /* Last words (a Terminate-Ack) go out if the link still takes them. */
    if (x->olen > 0 && x->wfd >= 0 && !x->link_dead)
        flush_output(x);
    if (x->watching) {
        if (x->rfd >= 0)
            upppd_loop_unwatch(x->loop, &x->w_link);
        if (x->wfd != x->rfd && x->wfd >= 0)
            upppd_loop_unwatch(x->loop, &x->w_out);
        if (x->tunfd >= 0)
            upppd_loop_unwatch(x->loop, &x->w_tun);
        x->watching = 0;
    }
    upppd_loop_timer_cancel(x->loop, &x->timer);
    upppd_loop_undefer(x->loop, &x->after);
}

void upppd_sess_free(struct upppd_sess *x)
{
    upppd_sess_detach(x);
    uppp_session_del(x->s);
    x->s = NULL;
    free(x->obuf);
    x->obuf = NULL;
    x->olen = x->ocap = 0;
}
