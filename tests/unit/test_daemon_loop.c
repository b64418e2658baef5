/* The daemon's event loop (daemon/loop.c): timers fire in deadline order
 * from one timerfd, a timer due again at once cannot block the loop or
 * starve it, deferred work queued between passes runs without waiting.
 * And the loop carrying many sessions at once (daemon/sess.c): 50
 * authenticators and their 50 peers, each pair over a
 * socketpair (async HDLC, RFC 1662), no TUN (IP comes to a callback), all
 * in one loop with one timerfd. Every pair authenticates with MS-CHAPv2
 * (RFC 2759), brings up MPPE-128 (RFC 3078) and IPCP (RFC 1332), carries a
 * packet each way, and closes with a Terminate exchange (RFC 1661 5.5). */
#include "testutil.h"
#include "sess_end.h"

#include "loop.h"
#include "sess.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

/* -DNPAIRS=400 (and LOOP_DEBUG=1 for each phase's time) to try a bigger
 * loop by hand; each pair takes two fds. */
#ifndef NPAIRS
#define NPAIRS 50
#endif

static struct sess_end ends[2 * NPAIRS];

static void packet_for(int idx, int reply, uint8_t *pkt, size_t len)
{
    memset(pkt, 0, len);
    pkt[0] = 0x45; /* IPv4, 20-byte header */
    pkt[2] = (uint8_t)(len >> 8);
    pkt[3] = (uint8_t)len;
    for (size_t i = 20; i < len; i++)
        pkt[i] = (uint8_t)(idx * 7 + (int)i + reply);
}

static int on_secret(void *user, const struct uppp_secret_query *q, struct uppp_secret *out)
{
    struct sess_end *e = user;
    char want[32];
    snprintf(want, sizeof(want), "client%d", e->idx);
    /* Each pair has its own password, so a session mixed up with another
     * pair's would fail to authenticate. */
    if (q->method != UPPP_AUTH_MSCHAP_V2 || strcmp(q->client, want) != 0 ||
        strcmp(q->server, "server") != 0)
        return -1;
    out->kind = UPPP_SECRET_PASSWORD;
    snprintf(out->password, sizeof(out->password), "secret-%d", e->idx);
    return 0;
}

static void config(struct uppp_config *cfg, int idx, int server)
{
    uppp_config_init(cfg);
    cfg->mppe = UPPP_MPPE_REQUIRED;
    cfg->mppe_bits = 1u << 2; /* 128 */
    /* Every session holds a deadline in the heap once up. */
    cfg->echo_interval_ms = 30000;
    cfg->echo_failure = 4;
    /* A peer that got Terminate-Request waits one Restart period before it
     * ends (RFC 1661 4.2, Stopping): keep that short for the test. */
    cfg->restart_ms = 300;
    if (server) {
        snprintf(cfg->our_name, sizeof(cfg->our_name), "server");
        cfg->require_auth = UPPP_AUTH_MSCHAP_V2;
        cfg->ip_local = 0x0a000001;
        cfg->ip_remote = 0x0a010000 | (uint32_t)(idx + 2);
    } else {
        snprintf(cfg->our_name, sizeof(cfg->our_name), "client%d", idx);
        snprintf(cfg->remote_name, sizeof(cfg->remote_name), "server");
    }
}

static int count_timerfds(void)
{
    DIR *d = opendir("/proc/self/fd");
    assert_non_null(d);
    int n = 0;
    char path[300], target[64];
    for (struct dirent *de; (de = readdir(d)) != NULL;) {
        snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
        ssize_t len = readlink(path, target, sizeof(target) - 1);
        if (len <= 0)
            continue;
        target[len] = 0;
        n += strcmp(target, "anon_inode:[timerfd]") == 0;
    }
    closedir(d);
    return n;
}

/* Run passes until pred holds for every end, at most 30 s of real time. */
static void run_until(struct upppd_loop *l, int (*pred)(const struct sess_end *))
{
    se_run_until(l, ends, 2 * NPAIRS, sizeof(ends[0]), pred);
}

static void test_fifty_sessions_one_loop(void **state)
{
    (void)state;
    int timerfds_before = count_timerfds();
    struct upppd_loop loop;
    assert_int_equal(upppd_loop_init(&loop), 0);
    int fds[2 * NPAIRS];
    for (int p = 0; p < NPAIRS; p++) {
        assert_int_equal(
            socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, &fds[2 * p]), 0);
        for (int side = 0; side < 2; side++) {
            struct sess_end *e = &ends[2 * p + side];
            memset(e, 0, sizeof(*e));
            e->idx = p;
            e->server = side == 0;
            struct uppp_config cfg;
            config(&cfg, p, e->server);
            struct upppd_sess_ops ops = {
                .user = e, .event = se_on_event, .deliver = se_on_deliver, .get_secret = on_secret};
            assert_int_equal(upppd_sess_init(&e->sess, &loop, &cfg, &ops), 0);
            int fd = fds[2 * p + side];
            assert_int_equal(upppd_sess_attach(&e->sess, fd, fd, -1, NULL), 0);
        }
    }
    uint64_t now = upppd_loop_now();
    for (int i = 0; i < 2 * NPAIRS; i++)
        upppd_sess_start(&ends[i].sess, now);

    run_until(&loop, se_is_running);
    /* One timerfd for the whole loop, however many sessions; every
     * session's deadline (LCP echo, at least) is in the one heap. */
    assert_int_equal(count_timerfds(), timerfds_before + 1);
    assert_true(loop.heap.n >= 2 * NPAIRS);
    for (int i = 0; i < 2 * NPAIRS; i++) {
        struct uppp_status st;
        uppp_session_status(ends[i].sess.s, &st);
        assert_int_equal(st.phase, UPPP_PHASE_RUNNING);
        assert_int_equal(st.mppe_bits, 128);
        if (ends[i].server)
            assert_int_equal(st.ip_remote, 0x0a010000u | (uint32_t)(ends[i].idx + 2));
        else
            assert_int_equal(st.ip_local, 0x0a010000u | (uint32_t)(ends[i].idx + 2));
    }

    /* A packet from each authenticator to its own peer, and a different
     * one back: a pair's packet never reaches another pair. */
    uint8_t pkt[100];
    for (int p = 0; p < NPAIRS; p++) {
        packet_for(p, 0, pkt, sizeof(pkt));
        assert_int_equal(upppd_sess_send_ip(&ends[2 * p].sess, UPPP_PROTO_IP, pkt, sizeof(pkt)), 0);
        packet_for(p, 1, pkt, sizeof(pkt));
        assert_int_equal(upppd_sess_send_ip(&ends[2 * p + 1].sess, UPPP_PROTO_IP, pkt, sizeof(pkt)),
                         0);
    }
    run_until(&loop, se_got_one);
    for (int i = 0; i < 2 * NPAIRS; i++) {
        struct sess_end *e = &ends[i];
        assert_int_equal(e->got, 1);
        packet_for(e->idx, e->server, pkt, sizeof(pkt));
        assert_int_equal(e->last_len, sizeof(pkt));
        assert_memory_equal(e->last, pkt, sizeof(pkt));
    }

    /* Authenticators close; their peers answer Terminate-Request and every
     * session ends, leaving nothing in the heap. */
    now = upppd_loop_now();
    for (int p = 0; p < NPAIRS; p++) {
        assert_int_equal(uppp_session_close(ends[2 * p].sess.s, "done", now), 0);
        upppd_sess_touch(&ends[2 * p].sess);
    }
    run_until(&loop, se_is_dead);
    for (int i = 0; i < 2 * NPAIRS; i++) {
        struct uppp_status st;
        uppp_session_status(ends[i].sess.s, &st);
        assert_int_equal(st.end, ends[i].server ? UPPP_END_USER_REQUEST : UPPP_END_HANGUP);
        upppd_sess_free(&ends[i].sess);
        close(fds[i]);
    }
    assert_int_equal(loop.heap.n, 0);
    upppd_loop_fini(&loop);
    assert_int_equal(count_timerfds(), timerfds_before);
}

/* ---- the loop's own timers and deferred work ---- */

struct tick {
    struct upppd_loop_timer t;
    struct upppd_loop *l;
    int fired, again; /* again: set itself due at once this many times */
    int order;
};

static int fire_seq;

static void on_tick(struct upppd_loop_timer *t, uint64_t now)
{
    struct tick *k = (struct tick *)t;
    k->fired++;
    k->order = ++fire_seq;
    if (k->again-- > 0)
        assert_int_equal(upppd_loop_timer_set(k->l, t, now), 0);
}

struct deferred {
    struct upppd_defer d; /* first: the loop hands back this pointer */
    int runs;
};

static void on_defer(struct upppd_defer *d)
{
    ((struct deferred *)d)->runs++;
}

static void test_loop_timers(void **state)
{
    (void)state;
    struct upppd_loop l;
    assert_int_equal(upppd_loop_init(&l), 0);
    struct tick a = {.l = &l}, b = {.l = &l};
    upppd_loop_timer_init(&a.t, on_tick);
    upppd_loop_timer_init(&b.t, on_tick);
    uint64_t t0 = upppd_loop_now();
    assert_int_equal(upppd_loop_timer_set(&l, &a.t, t0 + 60), 0);
    assert_int_equal(upppd_loop_timer_set(&l, &b.t, t0 + 20), 0);
    /* Blocking passes (-1): only the timerfd can end them. */
    while (!a.fired)
        assert_true(upppd_loop_run_once(&l, -1) >= 0);
    assert_true(upppd_loop_now() >= t0 + 60);
    assert_int_equal(b.fired, 1);
    assert_true(b.order < a.order);

    /* The same deadline set again after the timerfd expired still wakes
     * the loop (the timerfd must be re-armed, not assumed armed). */
    uint64_t t1 = upppd_loop_now() + 20;
    assert_int_equal(upppd_loop_timer_set(&l, &a.t, t1), 0);
    while (a.fired < 2)
        assert_true(upppd_loop_run_once(&l, -1) >= 0);
    assert_int_equal(upppd_loop_timer_set(&l, &a.t, t1), 0); /* already past */
    assert_true(upppd_loop_run_once(&l, -1) >= 0);
    assert_int_equal(a.fired, 3);

    /* A timer that keeps itself due fires once per pass and never blocks. */
    a.again = 5;
    assert_int_equal(upppd_loop_timer_set(&l, &a.t, upppd_loop_now()), 0);
    for (int pass = 1; pass <= 6; pass++) {
        assert_true(upppd_loop_run_once(&l, -1) >= 0);
        assert_int_equal(a.fired, 3 + pass);
    }
    assert_false(upppd_timer_queued(&a.t.node));

    /* Deferred work queued between passes runs in the next one, once
     * however often it was queued, without blocking it. */
    struct deferred w = {.runs = 0};
    upppd_loop_defer_init(&w.d, on_defer);
    upppd_loop_defer(&l, &w.d);
    upppd_loop_defer(&l, &w.d);
    assert_true(upppd_loop_run_once(&l, -1) >= 0);
    assert_int_equal(w.runs, 1);
    /* Undeferred, it does not run. */
    upppd_loop_defer(&l, &w.d);
    upppd_loop_undefer(&l, &w.d);
    assert_int_equal(upppd_loop_run_once(&l, 0), 0);
    assert_int_equal(w.runs, 1);
    upppd_loop_fini(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loop_timers),
        cmocka_unit_test(test_fifty_sessions_one_loop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
