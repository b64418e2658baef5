/* The daemon session's frame mode (daemon/sess.c, upppd_sess_attach_frames)
 * with the PPTP plumbing under it, as upppd's client and upppd-pptpd run
 * it: two sessions (UPPP_FRAMING_NONE) authenticate with MS-CHAPv2
 * (RFC 2759), bring up MPPE-128 (RFC 3078) and IPCP (RFC 1332) and carry
 * IP each way, first with frames handed across in memory at the end of
 * each loop pass, then (as root, in a network namespace of the test's own)
 * through two enhanced GRE channels (RFC 2637 section 4) and two raw GRE
 * sockets (daemon/gre_sock.c) on loopback, under the loop's timers. The
 * link_params callback reports what LCP agreed (the ACCMs for PPTP's
 * Set-Link-Info, section 2.15). */
#define _GNU_SOURCE
#include "netns_util.h"
#include "testutil.h"
#include "sess_end.h"

#include "gre_sock.h"
#include "loop.h"
#include "sess.h"

#include <uppp/pptp_gre.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#define QMAX 64

struct end {
    struct sess_end se; /* first: the session callbacks' user is the end */
    struct end *peer;
    int params;
    struct uppp_link_params lp;
    /* memory link: frames waiting for the end of the pass */
    uint8_t q[QMAX][1600];
    size_t qlen[QMAX];
    int nq;
    /* GRE link */
    struct upppd_gre_sock *gs;
    struct upppd_gre_call call;
    struct uppp_pptp_gre *gre;
    struct upppd_loop_timer gre_timer;
    uint32_t peer_addr;
};

static struct end ends[2];
static struct upppd_defer wire;
static struct upppd_loop *wire_loop;

static void on_link_params(void *user, const struct uppp_link_params *p)
{
    struct end *e = user;
    e->params++;
    e->lp = *p;
}

static int on_secret(void *user, const struct uppp_secret_query *q, struct uppp_secret *out)
{
    (void)user;
    if (q->method != UPPP_AUTH_MSCHAP_V2 || strcmp(q->client, "client") != 0)
        return -1;
    out->kind = UPPP_SECRET_PASSWORD;
    snprintf(out->password, sizeof(out->password), "frames-secret");
    return 0;
}

static void config(struct uppp_config *cfg, int server)
{
    uppp_config_init(cfg);
    cfg->framing = UPPP_FRAMING_NONE;
    cfg->mppe = UPPP_MPPE_REQUIRED;
    cfg->mppe_bits = 1u << 2; /* 128 */
    cfg->restart_ms = 300;
    if (server) {
        snprintf(cfg->our_name, sizeof(cfg->our_name), "server");
        cfg->require_auth = UPPP_AUTH_MSCHAP_V2;
        cfg->ip_local = 0x0a000001;
        cfg->ip_remote = 0x0a000002;
    } else {
        snprintf(cfg->our_name, sizeof(cfg->our_name), "client");
        snprintf(cfg->remote_name, sizeof(cfg->remote_name), "server");
    }
}

static void packet_for(int reply, uint8_t *pkt, size_t len)
{
    memset(pkt, 0, len);
    pkt[0] = 0x45;
    pkt[2] = (uint8_t)(len >> 8);
    pkt[3] = (uint8_t)len;
    for (size_t i = 20; i < len; i++)
        pkt[i] = (uint8_t)(i * 3 + (size_t)reply);
}

/* ---- memory link: the frames a pass produced cross at its end ---- */

static void mem_send(void *user, const uint8_t *frame, size_t len)
{
    struct end *e = user;
    assert_true(len <= sizeof(e->q[0]));
    assert_true(e->nq < QMAX);
    memcpy(e->q[e->nq], frame, len);
    e->qlen[e->nq++] = len;
    upppd_loop_defer(wire_loop, &wire);
}

static void wire_run(struct upppd_defer *d)
{
    (void)d;
    for (int i = 0; i < 2; i++) {
        struct end *e = &ends[i];
        int n = e->nq;
        e->nq = 0;
        for (int k = 0; k < n; k++)
            upppd_sess_input_frame(&e->peer->se.sess, e->q[k], e->qlen[k]);
    }
}

/* ---- GRE link: session -> uppp_pptp_gre -> raw socket and back ---- */

static void gre_arm(struct end *e)
{
    /* uppp_pptp_gre's "never" (UINT64_MAX) is the heap's UPPPD_TIMER_NONE. */
    assert_int_equal(
        upppd_loop_timer_set(wire_loop, &e->gre_timer, uppp_pptp_gre_next_timer(e->gre)), 0);
}

static void gre_send(void *user, const uint8_t *frame, size_t len)
{
    struct end *e = user;
    assert_int_equal(uppp_pptp_gre_send(e->gre, frame, len, upppd_loop_now()), 0);
    gre_arm(e);
}

static void gre_output(void *user, const uint8_t *pkt, size_t len)
{
    struct end *e = user;
    assert_int_equal(upppd_gre_sock_send(e->gs, e->peer_addr, pkt, len), 0);
}

static void gre_deliver(void *user, const uint8_t *payload, size_t len)
{
    struct end *e = user;
    upppd_sess_input_frame(&e->se.sess, payload, len);
}

static void gre_recv(struct upppd_gre_call *c, const uint8_t *gre, size_t len, uint64_t now)
{
    struct end *e = (struct end *)(void *)((char *)c - offsetof(struct end, call));
    assert_int_equal(uppp_pptp_gre_recv(e->gre, gre, len, now), 0);
    gre_arm(e);
}

static void gre_fire(struct upppd_loop_timer *t, uint64_t now)
{
    struct end *e = (struct end *)(void *)((char *)t - offsetof(struct end, gre_timer));
    uppp_pptp_gre_handle_timer(e->gre, now);
    gre_arm(e);
}

static void run_until(struct upppd_loop *l, int (*pred)(const struct sess_end *))
{
    se_run_until(l, ends, 2, sizeof(ends[0]), pred);
}

static void setup_ends(struct upppd_loop *l, upppd_sess_send_frame_fn send)
{
    wire_loop = l;
    upppd_loop_defer_init(&wire, wire_run);
    for (int i = 0; i < 2; i++) {
        struct end *e = &ends[i];
        memset(e, 0, sizeof(*e));
        e->se.server = i == 0;
        e->peer = &ends[1 - i];
        struct uppp_config cfg;
        config(&cfg, e->se.server);
        struct upppd_sess_ops ops = {.user = e,
                                     .event = se_on_event,
                                     .deliver = se_on_deliver,
                                     .get_secret = on_secret,
                                     .link_params = on_link_params};
        assert_int_equal(upppd_sess_init(&e->se.sess, l, &cfg, &ops), 0);
        assert_int_equal(upppd_sess_attach_frames(&e->se.sess, -1, NULL, send, e), 0);
    }
}

/* Up, a packet each way, down by the server's close. */
static void exercise(struct upppd_loop *l)
{
    uint64_t now = upppd_loop_now();
    upppd_sess_start(&ends[0].se.sess, now);
    upppd_sess_start(&ends[1].se.sess, now);
    run_until(l, se_is_running);
    for (int i = 0; i < 2; i++) {
        struct uppp_status st;
        uppp_session_status(ends[i].se.sess.s, &st);
        assert_int_equal(st.phase, UPPP_PHASE_RUNNING);
        assert_int_equal(st.mppe_bits, 128);
        /* LCP opened and said so; a frame link negotiates no ACCM, so
         * Set-Link-Info would carry all-ones (RFC 1662 7.1's default). */
        assert_int_equal(ends[i].params, 1);
        assert_int_equal(ends[i].lp.recv_accm, 0xffffffffu);
        assert_int_equal(ends[i].lp.send_accm, 0xffffffffu);
    }
    uint8_t pkt[200];
    packet_for(0, pkt, sizeof(pkt));
    assert_int_equal(upppd_sess_send_ip(&ends[0].se.sess, UPPP_PROTO_IP, pkt, sizeof(pkt)), 0);
    packet_for(1, pkt, sizeof(pkt));
    assert_int_equal(upppd_sess_send_ip(&ends[1].se.sess, UPPP_PROTO_IP, pkt, sizeof(pkt)), 0);
    run_until(l, se_got_one);
    for (int i = 0; i < 2; i++) {
        packet_for(ends[i].se.server, pkt, sizeof(pkt));
        assert_int_equal(ends[i].se.got, 1);
        assert_int_equal(ends[i].se.last_len, sizeof(pkt));
        assert_memory_equal(ends[i].se.last, pkt, sizeof(pkt));
    }
    assert_int_equal(uppp_session_close(ends[0].se.sess.s, "done", upppd_loop_now()), 0);
    upppd_sess_touch(&ends[0].se.sess);
    run_until(l, se_is_dead);
    /* LCP left Opened: reported again. */
    for (int i = 0; i < 2; i++)
        assert_int_equal(ends[i].params, 2);
    struct uppp_status st;
    uppp_session_status(ends[1].se.sess.s, &st);
    assert_int_equal(st.end, UPPP_END_HANGUP);
}

static void test_frames_in_memory(void **state)
{
    (void)state;
    struct upppd_loop l;
    assert_int_equal(upppd_loop_init(&l), 0);
    setup_ends(&l, mem_send);
    exercise(&l);
    for (int i = 0; i < 2; i++)
        upppd_sess_free(&ends[i].se.sess);
    upppd_loop_undefer(&l, &wire);
    assert_int_equal(l.heap.n, 0);
    upppd_loop_fini(&l);
}

static void test_frames_over_gre(void **state)
{
    (void)state;
    if (tu_private_netns() < 0) {
        skip(); /* needs root: CAP_NET_RAW and a namespace of our own */
        return;
    }
    struct upppd_loop l;
    assert_int_equal(upppd_loop_init(&l), 0);
    setup_ends(&l, gre_send);
    static struct upppd_gre_sock socks[2];
    const char *addr[2] = {"127.0.0.1", "127.0.0.2"};
    const uint16_t ids[2] = {0, 17}; /* pptpd's first Call ID is 0 */
    for (int i = 0; i < 2; i++) {
        struct end *e = &ends[i];
        assert_int_equal(upppd_gre_sock_open(&socks[i], &l, inet_addr(addr[i])), 0);
        e->gs = &socks[i];
        e->peer_addr = inet_addr(addr[1 - i]);
        struct uppp_pptp_gre_config gc;
        uppp_pptp_gre_config_init(&gc);
        gc.call_id = ids[i];
        gc.peer_call_id = ids[1 - i];
        struct uppp_pptp_gre_callbacks cb = {.output = gre_output, .deliver = gre_deliver};
        assert_int_equal(uppp_pptp_gre_new(&e->gre, &gc, &cb, e), 0);
        upppd_loop_timer_init(&e->gre_timer, gre_fire);
        e->call =
            (struct upppd_gre_call){.peer = e->peer_addr, .call_id = ids[i], .recv = gre_recv};
        assert_int_equal(upppd_gre_sock_register(e->gs, &e->call), 0);
    }
    exercise(&l);
    for (int i = 0; i < 2; i++) {
        struct end *e = &ends[i];
        const struct uppp_pptp_gre_stats *st = uppp_pptp_gre_stats(e->gre);
        assert_true(st->tx_data >= 5);
        assert_true(st->rx_delivered >= 5);
        assert_int_equal(st->rx_lost, 0);
        assert_int_equal(e->gs->st.rx_unknown, 0);
        assert_int_equal(e->gs->st.tx_errors, 0);
        upppd_sess_free(&e->se.sess);
        upppd_loop_timer_cancel(&l, &e->gre_timer);
        upppd_gre_sock_unregister(e->gs, &e->call);
        uppp_pptp_gre_del(e->gre);
        upppd_gre_sock_close(e->gs);
    }
    upppd_loop_undefer(&l, &wire);
    upppd_loop_fini(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frames_in_memory),
        cmocka_unit_test(test_frames_over_gre),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
