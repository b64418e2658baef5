/* A lost CHAP Success (seen in the PPTP bed under netem, against pptpd's
 * pppd 2.4.9): the authenticator has moved on to the Network phase and its
 * CCP Configure-Request reaches us while we still wait for the Success.
 * As pppd (main.c get_input) we discard it instead of sending a
 * Protocol-Reject, which made pppd drop MPPE and close the link ("MPPE
 * required but peer negotiation failed"); our retransmitted Response
 * brings the Success again and the link comes up with MPPE. */
#include "testutil.h"
#include "session_harness.h"

struct tally {
    int successes_dropped, ccp_in_auth, protrej_from_b;
};

/* One step: A's frames first, as th_run. The first CHAP Success from A is
 * lost; what B sends is watched for an LCP Protocol-Reject. */
static int step(struct th_link *l, struct tally *t, int lose_success)
{
    struct th_end *from = l->a.qlen ? &l->a : l->b.qlen ? &l->b : NULL;
    if (from == NULL)
        return 0;
    const struct th_frame *f = &from->q[from->qhead];
    uint16_t proto;
    size_t off = th_frame_proto(f->data, f->len, &proto);
    const uint8_t *body = f->data + off;
    if (from == &l->a && proto == UPPP_PROTO_CHAP && body[0] == 3 && lose_success &&
        t->successes_dropped == 0) {
        t->successes_dropped++;
        th_pop(from);
        return 1;
    }
    if (from == &l->a && proto == UPPP_PROTO_CCP) {
        struct uppp_status st;
        uppp_session_status(l->b.s, &st);
        if (st.phase == UPPP_PHASE_AUTHENTICATE)
            t->ccp_in_auth++;
    }
    if (from == &l->b && proto == UPPP_PROTO_LCP && body[0] == 8)
        t->protrej_from_b++;
    th_move_one(l, from, from == &l->a ? &l->b : &l->a);
    return 1;
}

static void run(struct th_link *l, struct tally *t, int lose_success, uint64_t until)
{
    for (unsigned n = 0; n < 200000 && !th_both_running(l); n++) {
        if (step(l, t, lose_success))
            continue;
        uint64_t ta = uppp_session_next_timer(l->a.s);
        uint64_t tb = uppp_session_next_timer(l->b.s);
        uint64_t tt = ta < tb ? ta : tb;
        if (tt == UINT64_MAX || tt > until || uppp_session_is_dead(l->a.s) ||
            uppp_session_is_dead(l->b.s))
            break;
        if (tt > l->now)
            l->now = tt;
        uppp_session_handle_timer(l->a.s, l->now);
        uppp_session_handle_timer(l->b.s, l->now);
    }
}

static void setup(struct th_link *l, uint64_t seed, unsigned method)
{
    th_init(l, seed);
    l->a.cfg.require_auth = method;
    l->a.cfg.mppe = l->b.cfg.mppe = UPPP_MPPE_REQUIRED;
    th_add_secret(&l->a, "bob", "alice", "bob-pw");
    th_add_secret(&l->b, "bob", "alice", "bob-pw");
    th_start(l);
}

static void check_lost_success(unsigned method, uint64_t seed)
{
    struct th_link l;
    struct tally t = {0};
    setup(&l, seed, method);
    run(&l, &t, 1, 60000);
    assert_int_equal(t.successes_dropped, 1);
    /* The case happened: CCP came while B was still authenticating. */
    assert_true(t.ccp_in_auth >= 1);
    assert_int_equal(t.protrej_from_b, 0);
    assert_true(th_both_running(&l));
    struct uppp_status sa, sb;
    uppp_session_status(l.a.s, &sa);
    uppp_session_status(l.b.s, &sb);
    assert_int_equal(sa.mppe_bits, 128);
    assert_int_equal(sb.mppe_bits, 128);
    /* Within the Response's restart period and CCP's: no give-up. */
    assert_true(l.now < 20000);
    th_free(&l);
}

static void test_lost_success_mschapv2(void **state)
{
    (void)state;
    check_lost_success(UPPP_AUTH_MSCHAP_V2, 31);
}

static void test_lost_success_mschapv1(void **state)
{
    (void)state;
    check_lost_success(UPPP_AUTH_MSCHAP_V1, 32);
}

/* Without the loss the same link comes up at once and B still rejects
 * nothing: the hook itself changes nothing else. */
static void test_no_loss(void **state)
{
    (void)state;
    struct th_link l;
    struct tally t = {0};
    setup(&l, 33, UPPP_AUTH_MSCHAP_V2);
    run(&l, &t, 0, 60000);
    assert_int_equal(t.successes_dropped, 0);
    assert_int_equal(t.protrej_from_b, 0);
    assert_true(th_both_running(&l));
    assert_true(l.now < 3000);
    th_free(&l);
}

/* A protocol we do not speak still gets its Protocol-Reject once the
 * link is past authentication (RFC 1661 section 5.7). */
static void test_unknown_protocol_rejected_after_auth(void **state)
{
    (void)state;
    struct th_link l;
    struct tally t = {0};
    setup(&l, 34, UPPP_AUTH_MSCHAP_V2);
    run(&l, &t, 0, 60000);
    assert_true(th_both_running(&l));
    size_t before = l.b.wire_len;
    const uint8_t f[] = {0xff, 0x03, 0x80, 0x2b, 0x01, 0x01, 0x00, 0x04}; /* IPXCP */
    assert_int_equal(uppp_session_input_frame(l.b.s, f, sizeof(f), l.now), 0);
    assert_true(l.b.qlen >= 1);
    const struct th_frame *last = &l.b.q[(l.b.qhead + l.b.qlen - 1) % TH_MAX_QUEUE];
    uint16_t proto;
    size_t off = th_frame_proto(last->data, last->len, &proto);
    assert_int_equal(proto, UPPP_PROTO_LCP);
    assert_int_equal(last->data[off], 8);
    assert_true(l.b.wire_len > before);
    th_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lost_success_mschapv2),
        cmocka_unit_test(test_lost_success_mschapv1),
        cmocka_unit_test(test_no_loss),
        cmocka_unit_test(test_unknown_protocol_rejected_after_auth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
