/*
 * A Configure-Request that reaches an Opened automaton (RFC 1661 section
 * 4.1, RCR in Opened: This-Layer-Down, Send-Configure-Request, and the
 * answer) must be judged against fresh options and then remembered: the
 * renegotiation that follows ends with what the peer asked for. pppd
 * retransmits its IPCP request whenever our Configure-Ack of it is lost,
 * so this happens under loss (interop bed, PPTP_NETEM_AT=boot): upppd
 * once forgot the peer's address there and fell back to 10.64.64.64.
 */
#include "testutil.h"
#include "session_harness.h"

/* A at 10.0.0.1 gives B 10.0.0.2; A authenticates B by MS-CHAPv2; both
 * require MPPE-128, stateful when `stateful`. */
static void setup(struct th_link *l, int stateful)
{
    th_init(l, 7);
    struct uppp_config *ca = &l->a.cfg, *cb = &l->b.cfg;
    ca->require_auth = UPPP_AUTH_MSCHAP_V2;
    ca->mppe = cb->mppe = UPPP_MPPE_REQUIRED;
    ca->mppe_want_stateful = cb->mppe_want_stateful = stateful;
    ca->mppe_stateful_ok = cb->mppe_stateful_ok = stateful;
    for (int i = 0; i < 2; i++)
        th_add_secret(i ? &l->b : &l->a, "bob", "alice", "bob-pw");
    th_start(l);
    th_run(l, l->now + 30000, th_both_running);
    assert_true(th_both_running(l));
}

/* A's Configure-Request (protocol, id, one option) again, straight into
 * B, as if A had retransmitted it; then everything settles. */
static void replay_request(struct th_link *l, uint16_t proto, const uint8_t *opt, size_t olen)
{
    size_t sent = l->b.wire_len;
    uint8_t f[64] = {0xff, 0x03, (uint8_t)(proto >> 8), (uint8_t)proto, 1,
                     0x77, 0,    (uint8_t)(4 + olen)};
    memcpy(f + 8, opt, olen);
    assert_true(uppp_session_input(l->b.s, f, 8 + olen, l->now) >= 0);
    /* It renegotiates: B's own request and its answer went out. */
    assert_true(l->b.qlen >= 2);
    assert_true(l->b.wire_len > sent);
    th_run(l, l->now + 30000, NULL);
    assert_true(th_both_running(l));
}

/* 10 marked packets each way, each arriving intact. */
static void carries_both_ways(struct th_link *l)
{
    struct th_end *ends[2] = {&l->a, &l->b};
    for (int d = 0; d < 2; d++) {
        struct th_end *from = ends[d], *to = ends[!d];
        for (int i = 0; i < 10; i++) {
            uint8_t pkt[400];
            size_t n = th_make_ipv4(pkt, 100 + (size_t)i * 20, 0x0a000001, 0x0a000002, "RCR-OPENED",
                                    (uint16_t)i);
            th_send_ip_arrives(l, from, to, pkt, n);
        }
    }
}

/* Both up again with A at 10.0.0.1 and B at 10.0.0.2, each knowing the
 * other's address, and IP crossing both ways. */
static void check_addresses(struct th_link *l)
{
    struct uppp_status sa, sb;
    uppp_session_status(l->a.s, &sa);
    uppp_session_status(l->b.s, &sb);
    assert_int_equal(sb.ip_remote, 0x0a000001); /* not forgotten */
    assert_int_equal(sb.ip_local, 0x0a000002);
    assert_int_equal(sa.ip_local, 0x0a000001);
    assert_int_equal(sa.ip_remote, 0x0a000002);
    carries_both_ways(l);
}

/* As pppd does it: B's Configure-Ack of A's IPCP request is lost, so A,
 * in Ack-Sent, retransmits the request to B, which is Opened. A answers
 * B's new request from Ack-Sent and sends no other request of its own: B
 * must remember the one it judged. */
static void test_ipcp_retransmission_into_opened(void **state)
{
    (void)state;
    struct th_link l;
    th_init(&l, 9);
    th_start(&l);
    int dropped = 0;
    for (int steps = 0; steps < 100000 && !th_both_running(&l); steps++) {
        struct th_end *from = l.a.qlen ? &l.a : l.b.qlen ? &l.b : NULL;
        if (from == NULL) {
            assert_true(th_fire_timers(&l, l.now + 30000));
            continue;
        }
        const struct th_frame *f = &from->q[from->qhead];
        uint16_t proto;
        size_t off = th_frame_proto(f->data, f->len, &proto);
        if (!dropped && from == &l.b && proto == UPPP_PROTO_IPCP && off < f->len &&
            f->data[off] == 2 /* Configure-Ack */) {
            th_pop(from);
            dropped = 1;
            continue;
        }
        th_move_one(&l, from, from == &l.a ? &l.b : &l.a);
    }
    assert_int_equal(dropped, 1);
    th_run(&l, l.now + 30000, NULL);
    assert_true(th_both_running(&l));
    check_addresses(&l);
    th_free(&l);
}

static void test_ipcp_request_into_opened(void **state)
{
    (void)state;
    struct th_link l;
    setup(&l, 0);
    static const uint8_t addr[] = {3, 6, 10, 0, 0, 1}; /* A's address, as A asked */
    replay_request(&l, UPPP_PROTO_IPCP, addr, sizeof(addr));
    check_addresses(&l);
    th_free(&l);
}

/* MPPE's mode comes from each side's request: stateful must stay
 * stateful after the peer's request is judged again. */
static void test_ccp_request_into_opened(void **state)
{
    (void)state;
    for (int stateful = 0; stateful <= 1; stateful++) {
        struct th_link l;
        setup(&l, stateful);
        /* option 18: S (128 bits), and H unless stateful */
        const uint8_t mppe[] = {18, 6, stateful ? 0 : 0x01, 0, 0, 0x40};
        replay_request(&l, UPPP_PROTO_CCP, mppe, sizeof(mppe));
        struct uppp_status sa, sb;
        uppp_session_status(l.a.s, &sa);
        uppp_session_status(l.b.s, &sb);
        assert_int_equal(sa.mppe_bits, 128);
        assert_int_equal(sb.mppe_bits, 128);
        assert_int_equal(sa.mppe_stateless, !stateful);
        assert_int_equal(sb.mppe_stateless, !stateful);
        carries_both_ways(&l);
        th_free(&l);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipcp_retransmission_into_opened),
        cmocka_unit_test(test_ipcp_request_into_opened),
        cmocka_unit_test(test_ccp_request_into_opened),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
