/* The PPTP client link (daemon/pptp_link.c) against a PAC made of the
 * library's own parts on the same loop (uppp_pptp_ctrl as PAC over a real
 * TCP connection, uppp_pptp_gre through a second raw GRE socket), as root
 * in a network namespace of the test's own (skipped otherwise):
 * - the call comes up (RFC 2637 3.1, 3.2.1) and PPP frames cross GRE both
 *   ways (section 4); Set-Link-Info (2.15) goes once per change of ACCMs;
 * - our orderly stop clears the call before it stops the connection
 *   (Call-Clear-Request, then Stop-Control-Connection-Request), bounded;
 * - a PAC that clears the call (Call-Disconnect-Notify) or drops TCP
 *   takes the link down once (ops.down) and it ends closed;
 * - nobody listening: closed at once with the reason. */
#define _GNU_SOURCE
#include "netns_util.h"
#include "testutil.h"

#include "gre_sock.h"
#include "loop.h"
#include "pptp_link.h"

#include <uppp/err.h>
#include <uppp/pptp_ctrl.h>
#include <uppp/pptp_gre.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define FROM(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))
#define PORT 17230

/* ---- the PAC ---- */

struct pac {
    struct upppd_loop *loop;
    struct upppd_gre_sock gs;
    int lfd, fd;
    struct upppd_watch wl, wc;
    struct uppp_pptp_ctrl *ctrl;
    struct uppp_pptp_gre *gre;
    struct upppd_gre_call call;
    struct upppd_loop_timer timer;
    uint16_t call_id, peer_call_id;
    int up, calls_down, closed, sli;
    enum uppp_pptp_close_reason reason;
    int order[8], norder; /* event types in order */
    int frames;
    uint8_t last[64];
    size_t last_len;
};

static void pac_arm(struct pac *p)
{
    uint64_t t = p->ctrl ? uppp_pptp_ctrl_next_timer(p->ctrl) : UINT64_MAX;
    if (p->gre && uppp_pptp_gre_next_timer(p->gre) < t)
        t = uppp_pptp_gre_next_timer(p->gre);
    assert_int_equal(upppd_loop_timer_set(p->loop, &p->timer, t), 0);
}

static void pac_out(void *user, const uint8_t *data, size_t len)
{
    struct pac *p = user;
    assert_int_equal(write(p->fd, data, len), (ssize_t)len);
}

static void pac_gre_out(void *user, const uint8_t *pkt, size_t len)
{
    struct pac *p = user;
    assert_int_equal(upppd_gre_sock_send(&p->gs, inet_addr("127.0.0.2"), pkt, len), 0);
}

static void pac_gre_deliver(void *user, const uint8_t *payload, size_t len)
{
    struct pac *p = user;
    p->frames++;
    assert_true(len <= sizeof(p->last));
    memcpy(p->last, payload, len);
    p->last_len = len;
}

static void pac_gre_recv(struct upppd_gre_call *c, const uint8_t *gre, size_t len, uint64_t now)
{
    struct pac *p = FROM(c, struct pac, call);
    uppp_pptp_gre_recv(p->gre, gre, len, now);
    pac_arm(p);
}

static void pac_event(void *user, const struct uppp_pptp_event *ev)
{
    struct pac *p = user;
    if (p->norder < 8)
        p->order[p->norder++] = ev->type;
    if (ev->type == UPPP_PPTP_EV_CALL_UP) {
        struct uppp_pptp_gre_config gc;
        uppp_pptp_gre_config_init(&gc);
        gc.call_id = ev->call_id;
        gc.peer_call_id = ev->peer_call_id;
        struct uppp_pptp_gre_callbacks cb = {.output = pac_gre_out, .deliver = pac_gre_deliver};
        assert_int_equal(uppp_pptp_gre_new(&p->gre, &gc, &cb, p), 0);
        p->call = (struct upppd_gre_call){
            .peer = inet_addr("127.0.0.2"), .call_id = ev->call_id, .recv = pac_gre_recv};
        assert_int_equal(upppd_gre_sock_register(&p->gs, &p->call), 0);
        p->call_id = ev->call_id;
        p->peer_call_id = ev->peer_call_id;
        p->up = 1;
    } else if (ev->type == UPPP_PPTP_EV_CALL_DOWN) {
        p->calls_down++;
    } else if (ev->type == UPPP_PPTP_EV_SET_LINK_INFO) {
        p->sli++;
    } else if (ev->type == UPPP_PPTP_EV_CLOSED) {
        p->closed = 1;
        p->reason = ev->reason;
    }
}

static void pac_read(struct upppd_watch *w, uint32_t events)
{
    struct pac *p = FROM(w, struct pac, wc);
    (void)events;
    uint8_t buf[4096];
    ssize_t n = read(p->fd, buf, sizeof(buf));
    if (p->closed)
        return;
    if (n > 0)
        uppp_pptp_ctrl_read(p->ctrl, buf, (size_t)n, upppd_loop_now());
    else if (n == 0 || errno != EAGAIN)
        uppp_pptp_ctrl_tcp_closed(p->ctrl, upppd_loop_now());
    pac_arm(p);
}

static void pac_accept(struct upppd_watch *w, uint32_t events)
{
    struct pac *p = FROM(w, struct pac, wl);
    (void)events;
    p->fd = accept4(p->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    assert_true(p->fd >= 0);
    struct uppp_pptp_ctrl_config cc;
    uppp_pptp_ctrl_config_init(&cc, UPPP_PPTP_PAC);
    struct uppp_pptp_ctrl_callbacks cb = {.output = pac_out, .event = pac_event};
    assert_int_equal(uppp_pptp_ctrl_new(&p->ctrl, &cc, &cb, p), 0);
    assert_int_equal(uppp_pptp_ctrl_start(p->ctrl, upppd_loop_now()), 0);
    p->wc = (struct upppd_watch){.fd = p->fd, .cb = pac_read};
    assert_int_equal(upppd_loop_watch(p->loop, &p->wc, EPOLLIN), 0);
    upppd_loop_unwatch(p->loop, &p->wl); /* one connection per test */
    pac_arm(p);
}

static void pac_timer(struct upppd_loop_timer *t, uint64_t now)
{
    struct pac *p = FROM(t, struct pac, timer);
    if (p->ctrl && !p->closed)
        uppp_pptp_ctrl_handle_timer(p->ctrl, now);
    if (p->gre)
        uppp_pptp_gre_handle_timer(p->gre, now);
    pac_arm(p);
}

static void pac_open(struct pac *p, struct upppd_loop *l)
{
    memset(p, 0, sizeof(*p));
    p->loop = l;
    p->fd = -1;
    upppd_loop_timer_init(&p->timer, pac_timer);
    assert_int_equal(upppd_gre_sock_open(&p->gs, l, inet_addr("127.0.0.1")), 0);
    p->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(p->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in sin = {
        .sin_family = AF_INET, .sin_port = htons(PORT), .sin_addr.s_addr = inet_addr("127.0.0.1")};
    assert_int_equal(bind(p->lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
    assert_int_equal(listen(p->lfd, 4), 0);
    p->wl = (struct upppd_watch){.fd = p->lfd, .cb = pac_accept};
    assert_int_equal(upppd_loop_watch(l, &p->wl, EPOLLIN), 0);
}

static void pac_close(struct pac *p)
{
    if (p->fd >= 0) {
        upppd_loop_unwatch(p->loop, &p->wc);
        close(p->fd);
    } else if (p->fd == -1) {
        upppd_loop_unwatch(p->loop, &p->wl); /* never accepted */
    }                                        /* -2: the test closed it */
    close(p->lfd);
    upppd_loop_timer_cancel(p->loop, &p->timer);
    if (p->gre) {
        upppd_gre_sock_unregister(&p->gs, &p->call);
        uppp_pptp_gre_del(p->gre);
    }
    uppp_pptp_ctrl_del(p->ctrl);
    upppd_gre_sock_close(&p->gs);
}

/* ---- the client link ---- */

struct cli {
    struct upppd_pptp_link l;
    int frames, downs;
    uint8_t last[64];
    size_t last_len;
};

static void cli_frame(void *user, const uint8_t *frame, size_t len)
{
    struct cli *c = user;
    c->frames++;
    assert_true(len <= sizeof(c->last));
    memcpy(c->last, frame, len);
    c->last_len = len;
}

static void cli_down(void *user, const char *why)
{
    struct cli *c = user;
    assert_non_null(why);
    c->downs++;
}

static struct upppd_gre_sock cli_gs;

static void cli_open(struct cli *c, struct upppd_loop *l, uint16_t port)
{
    memset(c, 0, sizeof(*c));
    struct upppd_pptp_link_params p = {.host = "pac\n\"test\"", /* escaped in log lines */
                                       .server = inet_addr("127.0.0.1"),
                                       .port = port,
                                       .localbind = inet_addr("127.0.0.2"),
                                       .reorder_ms = 300,
                                       .echo_ms = 60000};
    struct upppd_pptp_link_ops ops = {.user = c, .frame = cli_frame, .down = cli_down};
    assert_int_equal(upppd_pptp_link_open(&c->l, l, &cli_gs, &p, &ops), 0);
}

/* Run passes until pred, at most 10 s. */
static void run_until(struct upppd_loop *l, int (*pred)(void *), void *arg)
{
    uint64_t until = upppd_loop_now() + 10000;
    while (!pred(arg)) {
        assert_true(upppd_loop_now() < until);
        assert_true(upppd_loop_run_once(l, 100) >= 0);
    }
}

static int link_up(void *arg)
{
    return ((struct cli *)arg)->l.state == UPPPD_PPTP_UP;
}

static int link_closed(void *arg)
{
    return ((struct cli *)arg)->l.state == UPPPD_PPTP_CLOSED;
}

static int pac_up(void *arg)
{
    return ((struct pac *)arg)->up;
}

static int frames_crossed(void *arg)
{
    struct cli *c = arg;
    return c->frames >= 1 && c->l.gs->st.rx_delivered >= 1;
}

static int pac_got_frame(void *arg)
{
    return ((struct pac *)arg)->frames >= 1;
}

/* Up, and a frame each way; then end as `how` says. */
static void one_call(int how)
{
    struct upppd_loop l;
    assert_int_equal(upppd_loop_init(&l), 0);
    assert_int_equal(upppd_gre_sock_open(&cli_gs, &l, inet_addr("127.0.0.2")), 0);
    static struct pac p;
    static struct cli c;
    pac_open(&p, &l);
    cli_open(&c, &l, PORT);
    run_until(&l, link_up, &c);
    run_until(&l, pac_up, &p);
    assert_int_equal(c.l.call_id, p.peer_call_id);
    assert_int_equal(c.l.peer_call_id, p.call_id);

    static const uint8_t lcp[] = {0xff, 0x03, 0xc0, 0x21, 0x01, 0x01, 0x00, 0x04};
    assert_int_equal(upppd_pptp_link_send(&c.l, lcp, sizeof(lcp)), 0);
    run_until(&l, pac_got_frame, &p);
    assert_int_equal(p.last_len, sizeof(lcp));
    assert_memory_equal(p.last, lcp, sizeof(lcp));
    static const uint8_t back[] = {0xff, 0x03, 0xc0, 0x21, 0x02, 0x01, 0x00, 0x04};
    assert_int_equal(uppp_pptp_gre_send(p.gre, back, sizeof(back), upppd_loop_now()), 0);
    run_until(&l, frames_crossed, &c);
    assert_int_equal(c.last_len, sizeof(back));
    assert_memory_equal(c.last, back, sizeof(back));

    /* Set-Link-Info once per change (LCP reports again going down). */
    upppd_pptp_link_set_accm(&c.l, 0xffffffffu, 0xffffffffu);
    upppd_pptp_link_set_accm(&c.l, 0xffffffffu, 0xffffffffu);
    upppd_pptp_link_set_accm(&c.l, 0, 0xffffffffu);
    for (int i = 0; i < 5; i++)
        upppd_loop_run_once(&l, 50);
    assert_int_equal(p.sli, 2);

    if (how == 0) {
        /* Our stop: the call is cleared, then the connection stopped. */
        upppd_pptp_link_stop(&c.l);
        run_until(&l, link_closed, &c);
        for (int i = 0; i < 5 && !p.closed; i++)
            upppd_loop_run_once(&l, 50);
        assert_int_equal(c.downs, 0); /* we ended it: nobody to tell */
        assert_int_equal(p.calls_down, 1);
        assert_true(p.closed);
        assert_int_equal(p.reason, UPPP_PPTP_CLOSE_PEER_STOP);
        int down_at = -1, closed_at = -1;
        for (int i = 0; i < p.norder; i++) {
            if (p.order[i] == UPPP_PPTP_EV_CALL_DOWN)
                down_at = i;
            if (p.order[i] == UPPP_PPTP_EV_CLOSED)
                closed_at = i;
        }
        assert_true(down_at >= 0 && closed_at > down_at);
    } else if (how == 1) {
        /* The PAC clears the call: down once, then our stop, closed. */
        assert_int_equal(uppp_pptp_ctrl_clear(p.ctrl, p.call_id, upppd_loop_now()), 0);
        run_until(&l, link_closed, &c);
        assert_int_equal(c.downs, 1);
        assert_non_null(strstr(c.l.fail, "call cleared by the server"));
        /* Nothing is delivered to a call that is gone. */
        assert_int_equal(upppd_pptp_link_send(&c.l, lcp, sizeof(lcp)), UPPP_ERR_CLOSED);
    } else {
        /* The PAC vanishes (TCP closed without a word). */
        upppd_loop_unwatch(&l, &p.wc);
        close(p.fd);
        p.fd = -2;
        run_until(&l, link_closed, &c);
        assert_int_equal(c.downs, 1);
        assert_non_null(strstr(c.l.fail, "closed the TCP connection"));
        /* The host name is escaped wherever it appears. */
        assert_null(strchr(c.l.fail, '\n'));
    }
    assert_int_equal(c.l.fd, -1);
    upppd_pptp_link_free(&c.l);
    pac_close(&p);
    upppd_gre_sock_close(&cli_gs);
    upppd_loop_fini(&l);
}

static int in_ns = -1;

static int need_ns(void)
{
    if (in_ns < 0)
        in_ns = tu_private_netns() == 0;
    return in_ns;
}

static void test_our_stop(void **state)
{
    (void)state;
    if (!need_ns()) {
        skip();
        return;
    }
    one_call(0);
}

static void test_pac_clears(void **state)
{
    (void)state;
    if (!need_ns()) {
        skip();
        return;
    }
    one_call(1);
}

static void test_pac_vanishes(void **state)
{
    (void)state;
    if (!need_ns()) {
        skip();
        return;
    }
    one_call(2);
}

static void test_refused(void **state)
{
    (void)state;
    if (!need_ns()) {
        skip();
        return;
    }
    struct upppd_loop l;
    assert_int_equal(upppd_loop_init(&l), 0);
    assert_int_equal(upppd_gre_sock_open(&cli_gs, &l, inet_addr("127.0.0.2")), 0);
    static struct cli c;
    cli_open(&c, &l, PORT + 1); /* nobody listens */
    run_until(&l, link_closed, &c);
    assert_non_null(strstr(c.l.fail, "Connection refused"));
    assert_int_equal(c.downs, 0); /* never up */
    upppd_pptp_link_free(&c.l);
    upppd_gre_sock_close(&cli_gs);
    upppd_loop_fini(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_our_stop),
        cmocka_unit_test(test_pac_clears),
        cmocka_unit_test(test_pac_vanishes),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
