/* Session core: LCP + NCP bring-up, data, termination, loopback and echo
 * failure, over two in-memory sessions (framing none, no auth, no MPPE). */
#include "testutil.h"
#include "session_harness.h"

static void plain_cfg(struct th_link *l)
{
    l->a.cfg.mppe = UPPP_MPPE_OFF;
    l->b.cfg.mppe = UPPP_MPPE_OFF;
}

static void test_bringup_data_close(void **state)
{
    (void)state;
    struct th_link l;
    th_init(&l, 1);
    plain_cfg(&l);
    th_start(&l);
    th_run(&l, 60000, th_both_running);
    assert_true(th_both_running(&l));

    uint8_t pkt[1500];
    size_t n = th_make_ipv4(pkt, 1000, 0x0a000001, 0x0a000002, "hello", 1);
    assert_int_equal(uppp_session_send_ip(l.a.s, UPPP_PROTO_IP, pkt, n, l.now), 0);
    th_run(&l, l.now, NULL);
    assert_int_equal(l.b.delivered, 1);
    assert_int_equal(l.b.last_len, n);
    assert_memory_equal(l.b.last, pkt, n);

    assert_int_equal(uppp_session_send_ip(l.b.s, UPPP_PROTO_IP, pkt, n, l.now), 0);
    th_run(&l, l.now, NULL);
    assert_int_equal(l.a.delivered, 1);

    /* Too big for the MTU. */
    uint8_t big[1600];
    n = th_make_ipv4(big, 1501, 1, 2, NULL, 2);
    assert_int_equal(uppp_session_send_ip(l.a.s, UPPP_PROTO_IP, big, n, l.now), UPPP_ERR_NOBUF);

    assert_int_equal(uppp_session_close(l.a.s, "User request", l.now), 0);
    th_run(&l, l.now + 60000, th_both_dead);
    assert_true(th_both_dead(&l));
    struct uppp_status sa, sb;
    uppp_session_status(l.a.s, &sa);
    uppp_session_status(l.b.s, &sb);
    assert_int_equal(sa.end, UPPP_END_USER_REQUEST);
    assert_int_equal(sb.end, UPPP_END_HANGUP);
    assert_non_null(strstr(sb.reason, "User request"));
    assert_non_null(strstr(l.b.logbuf, "LCP terminated by peer (User request)"));
    th_free(&l);
}

/* Both ends over async HDLC with this MRU, no auth, no MPPE, up. */
static void async_link_up(struct th_link *l, uint64_t seed, uint16_t mru)
{
    th_init(l, seed);
    plain_cfg(l);
    l->a.cfg.framing = UPPP_FRAMING_ASYNC_HDLC;
    l->b.cfg.framing = UPPP_FRAMING_ASYNC_HDLC;
    l->a.cfg.mru = mru;
    l->b.cfg.mru = mru;
    th_start(l);
    th_run(l, 60000, th_both_running);
    assert_true(th_both_running(l));
}

/* The same over async HDLC, with corrupted bytes on the wire: bad FCS is
 * counted, the link still comes up and carries data. */
static void test_async_hdlc(void **state)
{
    (void)state;
    struct th_link l;
    async_link_up(&l, 5, 1500); /* the default MRU */
    /* After LCP, ACCM 0 is in force: a raw 0x11 may appear on the wire. */
    uint8_t pkt[600];
    size_t n = th_make_ipv4(pkt, 600, 0x0a000001, 0x0a000002, "\x11\x13\x7e\x7d", 1);
    unsigned ok = 0;
    for (int i = 0; i < 50; i++) {
        assert_int_equal(uppp_session_send_ip(l.a.s, UPPP_PROTO_IP, pkt, n, l.now), 0);
        th_run(&l, l.now, NULL);
    }
    ok = l.b.delivered;
    assert_int_equal(ok, 50);
    assert_memory_equal(l.b.last, pkt, n);
    l.corrupt_pct = 50;
    for (int i = 0; i < 50; i++) {
        assert_int_equal(uppp_session_send_ip(l.a.s, UPPP_PROTO_IP, pkt, n, l.now), 0);
        th_run(&l, l.now, NULL);
    }
    struct uppp_status sb;
    uppp_session_status(l.b.s, &sb);
    assert_true(l.corrupted > 0);
    assert_int_equal(sb.bad_fcs + (l.b.delivered - ok), 50);
    th_free(&l);
}

/* RFC 1661 6.2: the peer Naks our Auth-Protocol with one it would rather
 * use; we fall back along MS-CHAPv2, MS-CHAPv1, CHAP-MD5, PAP to one we
 * allow. And when nothing we allow is left: "peer refused to authenticate". */
static void test_auth_fallback(void **state)
{
    (void)state;
    struct th_link l;
    th_init(&l, 6);
    plain_cfg(&l);
    l.a.cfg.require_auth = UPPP_AUTH_MSCHAP_V2 | UPPP_AUTH_CHAP_MD5 | UPPP_AUTH_PAP;
    l.b.cfg.refuse_auth = UPPP_AUTH_MSCHAP_V2 | UPPP_AUTH_MSCHAP_V1;
    th_add_secret(&l.a, "bob", "*", "pw-fallback");
    th_add_secret(&l.b, "bob", "*", "pw-fallback");
    th_start(&l);
    th_run(&l, 60000, th_both_running);
    assert_true(th_both_running(&l));
    struct uppp_status sa;
    uppp_session_status(l.a.s, &sa);
    assert_int_equal(sa.auth_peer, UPPP_AUTH_CHAP_MD5);
    assert_non_null(strstr(l.a.logbuf, "rcvd [LCP ConfNak id=0x1 <auth chap MD5>]"));
    th_free(&l);

    th_init(&l, 7);
    plain_cfg(&l);
    l.a.cfg.require_auth = UPPP_AUTH_MSCHAP_V2;
    l.b.cfg.refuse_auth = UPPP_AUTH_ALL & ~UPPP_AUTH_PAP;
    th_start(&l);
    th_run(&l, 60000, th_both_dead);
    assert_true(th_both_dead(&l));
    uppp_session_status(l.a.s, &sa);
    assert_int_equal(sa.end, UPPP_END_PEER_AUTH_FAILED);
    assert_string_equal(sa.reason, "peer refused to authenticate");
    th_free(&l);
}

/* The transmit buffers grow with the frames (framing.c): small control
 * frames first, then data frames up to the MRU of 2000 whose every
 * payload octet is a flag and so doubles when escaped (RFC 1662 section
 * 4.2), then small ones again. Each arrives intact, and the wire shows the
 * escaping, so the encoding had the room it needed. */
static void test_async_frame_sizes(void **state)
{
    (void)state;
    struct th_link l;
    async_link_up(&l, 8, 2000);
    static const size_t sizes[] = {40, 300, 2000, 1000, 1999, 60, 2000};
    static uint8_t pkt[2000];
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        size_t n = th_make_ipv4(pkt, sizes[i], 0x0a000001, 0x0a000002, "\x7e", (uint16_t)i);
        size_t wire0 = l.a.wire_len;
        unsigned got = l.b.delivered;
        assert_int_equal(uppp_session_send_ip(l.a.s, UPPP_PROTO_IP, pkt, n, l.now), 0);
        assert_true(l.a.wire_len - wire0 > 2 * (n - 28));
        th_run(&l, l.now, NULL);
        assert_int_equal(l.b.delivered, got + 1);
        assert_int_equal(l.b.last_len, n);
        assert_memory_equal(l.b.last, pkt, n);
    }
    /* Above the MTU: refused, as before. */
    static uint8_t big[2001];
    size_t n = th_make_ipv4(big, sizeof(big), 1, 2, NULL, 9);
    assert_int_equal(uppp_session_send_ip(l.a.s, UPPP_PROTO_IP, big, n, l.now), UPPP_ERR_NOBUF);
    th_free(&l);
}

static int a_dead(struct th_link *l)
{
    return uppp_session_is_dead(l->a.s);
}

/* Our own frames come back: Magic-Number loopback detection (RFC 1661 6.4). */
static void test_loopback(void **state)
{
    (void)state;
    struct th_link l;
    th_init(&l, 2);
    plain_cfg(&l);
    assert_int_equal(th_create(&l.a), 0);
    assert_int_equal(uppp_session_start(l.a.s, l.now), 0);
    for (int i = 0; i < 10000 && !uppp_session_is_dead(l.a.s); i++) {
        if (l.a.qlen) {
            struct th_frame f = *th_pop(&l.a);
            uppp_session_input(l.a.s, f.data, f.len, l.now);
        } else {
            uint64_t t = uppp_session_next_timer(l.a.s);
            if (t == UINT64_MAX)
                break;
            l.now = t;
            uppp_session_handle_timer(l.a.s, l.now);
        }
    }
    struct uppp_status st;
    uppp_session_status(l.a.s, &st);
    assert_true(uppp_session_is_dead(l.a.s));
    assert_int_equal(st.end, UPPP_END_LOOPBACK);
    assert_string_equal(st.reason, "Loopback detected");
    assert_non_null(strstr(l.a.logbuf, "Serial line is looped back."));
    th_free(&l);
}

/* The peer stops answering: LCP echo failure ends the link (exit 15). */
static void test_echo_timeout(void **state)
{
    (void)state;
    struct th_link l;
    th_init(&l, 3);
    plain_cfg(&l);
    l.a.cfg.echo_interval_ms = 10000;
    l.a.cfg.echo_failure = 3;
    th_start(&l);
    th_run(&l, 60000, th_both_running);
    assert_true(th_both_running(&l));
    l.drop_pct = 100;
    th_run(&l, l.now + 600000, a_dead);
    struct uppp_status st;
    uppp_session_status(l.a.s, &st);
    assert_true(uppp_session_is_dead(l.a.s));
    assert_int_equal(st.end, UPPP_END_NO_ECHO);
    assert_non_null(strstr(l.a.logbuf, "No response to 3 echo-requests"));
    th_free(&l);
}

/* No answer at all: Max-Configure ConfReqs, then negotiation failed. */
static void test_no_peer(void **state)
{
    (void)state;
    struct th_link l;
    th_init(&l, 4);
    plain_cfg(&l);
    assert_int_equal(th_create(&l.a), 0);
    assert_int_equal(uppp_session_start(l.a.s, l.now), 0);
    unsigned sent = 0;
    while (!uppp_session_is_dead(l.a.s)) {
        sent += (unsigned)l.a.qlen;
        l.a.qlen = 0;
        uint64_t t = uppp_session_next_timer(l.a.s);
        assert_true(t != UINT64_MAX);
        l.now = t;
        uppp_session_handle_timer(l.a.s, l.now);
    }
    struct uppp_status st;
    uppp_session_status(l.a.s, &st);
    assert_int_equal(sent, 10);
    assert_int_equal(st.end, UPPP_END_NEGOTIATION_FAILED);
    assert_non_null(strstr(st.reason, "LCP"));
    th_free(&l);
}

/* The session tells the transport what LCP agreed (PPTP's Set-Link-Info
 * carries the ACCMs): on a frame transport no ACCM is negotiated, so both
 * stay all ones, and PFC/ACFC are what the peer asked for; with async HDLC
 * the ACCMs are the agreed ones (0 here, pppd's default asyncmap). Leaving
 * Opened puts the defaults back. */
static void test_link_params(void **state)
{
    (void)state;
    for (int hdlc = 0; hdlc < 2; hdlc++) {
        struct th_link l;
        th_init(&l, 7);
        plain_cfg(&l);
        if (hdlc) {
            l.a.cfg.framing = UPPP_FRAMING_ASYNC_HDLC;
            l.b.cfg.framing = UPPP_FRAMING_ASYNC_HDLC;
        }
        l.b.cfg.no_pcomp = 1; /* b neither asks for PFC nor accepts it */
        th_start(&l);
        th_run(&l, 60000, th_both_running);
        assert_true(th_both_running(&l));
        assert_true(l.a.link_calls >= 1);
        assert_int_equal(l.a.lparams.send_accm, hdlc ? 0 : 0xffffffffu);
        assert_int_equal(l.a.lparams.recv_accm, hdlc ? 0 : 0xffffffffu);
        assert_int_equal(l.a.lparams.pfc, 0);
        assert_int_equal(l.a.lparams.acfc, 1);
        assert_int_equal(l.b.lparams.pfc, 0);
        assert_int_equal(l.b.lparams.acfc, 1);
        int calls = l.a.link_calls;
        assert_int_equal(uppp_session_close(l.a.s, NULL, l.now), 0);
        th_run(&l, l.now + 60000, th_both_dead);
        assert_true(l.a.link_calls > calls);
        assert_int_equal(l.a.lparams.send_accm, 0xffffffffu);
        assert_int_equal(l.a.lparams.recv_accm, 0xffffffffu);
        assert_int_equal(l.a.lparams.pfc, 0);
        assert_int_equal(l.a.lparams.acfc, 0);
        th_free(&l);
    }
}

/* The library has no random source of its own (it makes no system call):
 * a session without the random callback is refused at creation, not found
 * out when the first magic number is drawn. */
static void test_random_required(void **state)
{
    (void)state;
    struct uppp_config cfg;
    uppp_config_init(&cfg);
    struct uppp_callbacks cb = {0};
    struct uppp_session *s = (struct uppp_session *)&cb;
    assert_int_equal(uppp_session_new(&s, &cfg, &cb), UPPP_ERR_INVALID);
    assert_null(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bringup_data_close), cmocka_unit_test(test_async_hdlc),
        cmocka_unit_test(test_auth_fallback),      cmocka_unit_test(test_loopback),
        cmocka_unit_test(test_echo_timeout),       cmocka_unit_test(test_no_peer),
        cmocka_unit_test(test_random_required),    cmocka_unit_test(test_link_params),
        cmocka_unit_test(test_async_frame_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
