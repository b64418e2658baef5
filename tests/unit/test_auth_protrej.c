/* A Protocol-Reject of the authentication protocol in use (issue 8 item
 * 8): as pppd 2.4.9 (chap_protrej, upap_protrej), the role that was
 * rejected fails at once, with pppd's exit status (11 when we authenticate
 * the peer, 19 when we authenticate to it) and log line, instead of
 * retrying until the 30 s give-up. */
#include "testutil.h"
#include "session_harness.h"

static int both_authenticating(struct th_link *l)
{
    struct uppp_status sa, sb;
    uppp_session_status(l->a.s, &sa);
    uppp_session_status(l->b.s, &sb);
    return sa.phase == UPPP_PHASE_AUTHENTICATE && sb.phase == UPPP_PHASE_AUTHENTICATE;
}

static void flush(struct th_end *e)
{
    e->qhead = e->qlen = 0;
}

/* Feed `to` an LCP Protocol-Reject of proto (RFC 1661 section 5.7). */
static void protreject(struct th_link *l, struct th_end *to, uint16_t proto)
{
    const uint8_t f[] = {
        0xff,           0x03, 0xc0, 0x21, 0x08, 0x42, 0x00, 0x0a, (uint8_t)(proto >> 8),
        (uint8_t)proto, 0x01, 0x01, 0x00, 0x04};
    assert_int_equal(uppp_session_input_frame(to->s, f, sizeof(f), l->now), 0);
}

struct protrej_case {
    unsigned method; /* what A demands of B */
    int reject_at_a; /* A (the authenticator) gets the reject; else B */
    int after_up;    /* sent once the link runs, not during authentication */
    enum uppp_end end;
    const char *reason, *line; /* line: NULL for none */
};

static const struct protrej_case cases[] = {
    /* pppd chap_protrej: the authenticator fails silently (auth_peer_fail)
     * whenever it has started, even after the peer succeeded. */
    {UPPP_AUTH_CHAP_MD5, 1, 0, UPPP_END_PEER_AUTH_FAILED, "Authentication failed", NULL},
    {UPPP_AUTH_MSCHAP_V2, 1, 0, UPPP_END_PEER_AUTH_FAILED, "Authentication failed", NULL},
    {UPPP_AUTH_MSCHAP_V2, 1, 1, UPPP_END_PEER_AUTH_FAILED, "Authentication failed", NULL},
    /* The peer role only while it has not succeeded. */
    {UPPP_AUTH_CHAP_MD5, 0, 0, UPPP_END_AUTH_TOPEER_FAILED,
     "Failed to authenticate ourselves to peer",
     "CHAP authentication failed due to protocol-reject"},
    {UPPP_AUTH_MSCHAP_V1, 0, 0, UPPP_END_AUTH_TOPEER_FAILED,
     "Failed to authenticate ourselves to peer",
     "CHAP authentication failed due to protocol-reject"},
    {UPPP_AUTH_MSCHAP_V2, 0, 1, UPPP_END_NONE, NULL, NULL},
    /* pppd upap_protrej, both roles while authenticating. */
    {UPPP_AUTH_PAP, 1, 0, UPPP_END_PEER_AUTH_FAILED, "Authentication failed",
     "PAP authentication of peer failed (protocol-reject)"},
    {UPPP_AUTH_PAP, 0, 0, UPPP_END_AUTH_TOPEER_FAILED, "Failed to authenticate ourselves to peer",
     "PAP authentication failed due to protocol-reject"},
    {UPPP_AUTH_PAP, 1, 1, UPPP_END_NONE, NULL, NULL},
    {UPPP_AUTH_PAP, 0, 1, UPPP_END_NONE, NULL, NULL},
};

static void run_case(const struct protrej_case *c, int idx)
{
    struct th_link l;
    th_init(&l, 800 + (uint64_t)idx);
    l.a.cfg.require_auth = c->method;
    l.a.cfg.mppe = l.b.cfg.mppe = UPPP_MPPE_OFF;
    th_add_secret(&l.a, "bob", "alice", "bob-pw");
    th_add_secret(&l.b, "bob", "*", "bob-pw"); /* PAP: no name from A */
    th_start(&l);
    if (c->after_up) {
        th_run(&l, 60000, th_both_running);
        assert_true(th_both_running(&l));
    } else {
        th_run(&l, 60000, both_authenticating);
        assert_true(both_authenticating(&l));
        /* Whatever is in flight is lost: the rejecting peer answers no
         * more. */
        flush(&l.a);
        flush(&l.b);
    }
    th_run(&l, l.now, NULL);
    struct th_end *e = c->reject_at_a ? &l.a : &l.b;
    uint16_t proto = c->method == UPPP_AUTH_PAP ? UPPP_PROTO_PAP : UPPP_PROTO_CHAP;
    uint64_t t0 = l.now;
    protreject(&l, e, proto);
    th_run(&l, t0 + 1000, NULL);

    struct uppp_status st;
    uppp_session_status(e->s, &st);
    if (c->end == UPPP_END_NONE) {
        /* Nothing in progress to fail: the link carries on. */
        assert_true(th_both_running(&l));
    } else {
        /* At once: well before a retransmission (3 s) could be sent. */
        assert_true(uppp_session_is_dead(e->s));
        assert_int_equal(st.end, c->end);
        assert_string_equal(st.reason, c->reason);
    }
    if (c->line != NULL)
        assert_non_null(strstr(e->logbuf, c->line));
    th_free(&l);
}

static void test_protocol_reject_of_auth(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run_case(&cases[i], (int)i);
}

/* A Protocol-Reject of CHAP when no authentication runs changes nothing. */
static void test_protocol_reject_without_auth(void **state)
{
    (void)state;
    struct th_link l;
    th_init(&l, 880);
    l.a.cfg.mppe = l.b.cfg.mppe = UPPP_MPPE_OFF;
    th_start(&l);
    th_run(&l, 60000, th_both_running);
    assert_true(th_both_running(&l));
    protreject(&l, &l.a, UPPP_PROTO_CHAP);
    protreject(&l, &l.b, UPPP_PROTO_PAP);
    th_run(&l, l.now + 1000, NULL);
    assert_true(th_both_running(&l));
    th_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_protocol_reject_of_auth),
        cmocka_unit_test(test_protocol_reject_without_auth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
