/* Authentication that answers later (issue 9 item 4): the authenticator
 * passes the peer's CHAP Response to the caller (auth_request) and gets
 * the verdict, the message for the peer and the MPPE keys back later
 * (uppp_session_auth_verdict), as a RADIUS client will. Meanwhile the
 * session keeps its timers and LCP echoes; a repeated Response is not
 * passed on twice; a verdict for a link that went down is refused; a
 * failure verdict fails the peer as a wrong password would. A computes
 * here what a RADIUS server would (RFC 2759 S=, RFC 3079 keys). */
#include "testutil.h"
#include "session_harness.h"

#include <uppp/mppe_keys.h>
#include <uppp/mschap.h>

#define PW "secret-b"

/* A authenticates B with method, A answers asynchronously and has no
 * secrets at all (a fallback to get_secret would fail the peer). */
static void setup(struct th_link *l, uint64_t seed, unsigned method, int mppe)
{
    th_init(l, seed);
    l->a.cfg.require_auth = method;
    l->a.cfg.mppe = mppe ? UPPP_MPPE_REQUIRED : UPPP_MPPE_OFF;
    l->b.cfg.mppe = mppe ? UPPP_MPPE_ALLOWED : UPPP_MPPE_OFF;
    l->a.cfg.echo_interval_ms = 5000;
    l->a.cfg.echo_failure = 3;
    l->a.cfg.debug = 2; /* echoes in the log */
    l->a.async_auth = 1;
    th_add_secret(&l->b, "bob", "*", PW);
    th_start(l);
}

static int a_has_request(struct th_link *l)
{
    return l->a.auth_requests > 0;
}

static struct uppp_status status(struct th_end *e)
{
    struct uppp_status st;
    uppp_session_status(e->s, &st);
    return st;
}

/* The MS-CHAPv2 verdict a RADIUS server would send: S= and the keys. */
static void v2_verdict(const struct uppp_auth_request *rq, char msg[64], uint8_t send[16],
                       uint8_t recv[16])
{
    assert_int_equal(rq->response_len, 49);
    assert_int_equal(rq->challenge_len, 16);
    const uint8_t *pchal = rq->response, *nt = rq->response + 24;
    char sresp[UPPP_MSCHAP_AUTH_RESPONSE_SIZE];
    assert_int_equal(uppp_generate_authenticator_response(PW, strlen(PW), nt, pchal, rq->challenge,
                                                          rq->name, strlen(rq->name), sresp),
                     0);
    snprintf(msg, 64, "%s M=Welcome", sresp);
    uint8_t h[16], hh[16];
    assert_int_equal(uppp_nt_password_hash(PW, strlen(PW), h), 0);
    assert_int_equal(uppp_hash_nt_password_hash(h, hh), 0);
    assert_int_equal(uppp_mppe_v2_start_keys(hh, nt, 1, send, recv), 0);
}

/* The verdict comes 20 s later; LCP echoes run meanwhile; B repeats its
 * Response and it is not passed on again; then MPPE-128 comes up with the
 * keys given and data flows both ways. */
static void test_late_verdict(void **state)
{
    (void)state;
    struct th_link l;
    setup(&l, 31, UPPP_AUTH_MSCHAP_V2, 1);
    th_run(&l, 60000, a_has_request);
    assert_int_equal(l.a.auth_requests, 1);
    assert_int_equal(l.a.req.method, UPPP_AUTH_MSCHAP_V2);
    assert_string_equal(l.a.req.name, "bob");

    uint64_t out0 = status(&l.a).bytes_out, in0 = status(&l.a).bytes_in;
    th_run(&l, l.now + 20000, NULL);
    struct uppp_status sa = status(&l.a);
    assert_int_equal(sa.end, UPPP_END_NONE);
    assert_int_equal(sa.phase, UPPP_PHASE_AUTHENTICATE);
    assert_true(sa.bytes_out > out0);       /* echoes went out */
    assert_true(sa.bytes_in > in0);         /* echo replies and repeated Responses came */
    assert_int_equal(l.a.auth_requests, 1); /* ... but were not asked again */
    assert_non_null(strstr(l.a.logbuf, "EchoReq"));

    char msg[64];
    uint8_t send[16], recv[16];
    v2_verdict(&l.a.req, msg, send, recv);
    struct uppp_auth_verdict v = {.ok = 1, .message = msg, .send_key = send, .recv_key = recv};
    assert_int_equal(uppp_session_auth_verdict(l.a.s, &v, l.now), 0);
    assert_int_equal(uppp_session_auth_verdict(l.a.s, &v, l.now), UPPP_ERR_NO_REQUEST);
    th_run(&l, l.now + 60000, th_both_running);
    assert_true(th_both_running(&l));
    sa = status(&l.a);
    struct uppp_status sb = status(&l.b);
    assert_int_equal(sa.auth_peer, UPPP_AUTH_MSCHAP_V2);
    assert_string_equal(sa.peer_name, "bob");
    assert_int_equal(sa.mppe_bits, 128);
    assert_int_equal(sb.mppe_bits, 128);
    assert_non_null(strstr(l.b.logbuf, "Welcome"));

    uint8_t pkt[200];
    size_t n = th_make_ipv4(pkt, sizeof(pkt), 0x0a000001, 0x0a000002, "late", 4);
    assert_int_equal(uppp_session_send_ip(l.a.s, UPPP_PROTO_IP, pkt, n, l.now), 0);
    assert_int_equal(uppp_session_send_ip(l.b.s, UPPP_PROTO_IP, pkt, n, l.now), 0);
    th_run(&l, l.now, NULL);
    assert_int_equal(l.a.delivered, 1);
    assert_int_equal(l.b.delivered, 1);
    th_free(&l);
}

/* A verdict with no request pending, and after the link went down while
 * one was: refused, and nothing is sent. */
static void test_verdict_after_down(void **state)
{
    (void)state;
    struct th_link l;
    setup(&l, 32, UPPP_AUTH_MSCHAP_V2, 1);
    struct uppp_auth_verdict v = {.ok = 1, .message = "S=0"};
    assert_int_equal(uppp_session_auth_verdict(l.a.s, &v, l.now), UPPP_ERR_NO_REQUEST);
    assert_int_equal(uppp_session_auth_verdict(l.a.s, NULL, l.now), UPPP_ERR_INVALID);
    th_run(&l, 60000, a_has_request);
    assert_int_equal(l.a.auth_requests, 1);
    assert_int_equal(uppp_session_close(l.a.s, NULL, l.now), 0);
    th_run(&l, l.now + 60000, th_both_dead);
    size_t wire = l.a.wire_len;
    assert_int_equal(uppp_session_auth_verdict(l.a.s, &v, l.now), UPPP_ERR_NO_REQUEST);
    assert_int_equal(l.a.wire_len, wire);
    assert_int_equal(status(&l.a).end, UPPP_END_USER_REQUEST);
    th_free(&l);
}

/* A failure verdict: the peer gets our E=691 Failure and fails as with a
 * wrong password (exit statuses 11 and 19). */
static void test_failure_verdict(void **state)
{
    (void)state;
    struct th_link l;
    setup(&l, 33, UPPP_AUTH_MSCHAP_V2, 1);
    th_run(&l, 60000, a_has_request);
    struct uppp_auth_verdict v = {.ok = 0};
    assert_int_equal(uppp_session_auth_verdict(l.a.s, &v, l.now), 0);
    th_run(&l, l.now + 60000, th_both_dead);
    assert_int_equal(status(&l.a).end, UPPP_END_PEER_AUTH_FAILED);
    assert_int_equal(status(&l.b).end, UPPP_END_AUTH_TOPEER_FAILED);
    assert_non_null(strstr(l.b.logbuf, "E=691"));
    th_free(&l);
}

/* CHAP-MD5, no message: "Access granted"; and the give-up time applies to
 * a verdict that never comes. */
static void test_md5_and_give_up(void **state)
{
    (void)state;
    struct th_link l;
    setup(&l, 34, UPPP_AUTH_CHAP_MD5, 0);
    th_run(&l, 60000, a_has_request);
    assert_int_equal(l.a.req.response_len, 16);
    struct uppp_auth_verdict v = {.ok = 1};
    assert_int_equal(uppp_session_auth_verdict(l.a.s, &v, l.now), 0);
    th_run(&l, l.now + 60000, th_both_running);
    assert_true(th_both_running(&l));
    assert_non_null(strstr(l.b.logbuf, "Access granted"));
    th_free(&l);

    setup(&l, 35, UPPP_AUTH_CHAP_MD5, 0);
    th_run(&l, 60000, a_has_request);
    th_run(&l, l.now + 120000, th_both_dead);
    assert_int_equal(status(&l.a).end, UPPP_END_PEER_AUTH_FAILED);
    assert_non_null(strstr(l.a.logbuf, "No verdict on the CHAP response of bob"));
    th_free(&l);
}

/* PAP: the password reaches the caller; repeated requests while it is
 * pending are not passed on; the Ack carries the caller's message. */
static void test_pap(void **state)
{
    (void)state;
    struct th_link l;
    setup(&l, 36, UPPP_AUTH_PAP, 0);
    th_run(&l, 60000, a_has_request);
    assert_int_equal(l.a.req.method, UPPP_AUTH_PAP);
    assert_string_equal(l.a.req.name, "bob");
    assert_int_equal(l.a.req.response_len, strlen(PW));
    assert_memory_equal(l.a.req.response, PW, strlen(PW));
    th_run(&l, l.now + 10000, NULL);
    assert_int_equal(l.a.auth_requests, 1);
    assert_int_equal(status(&l.a).end, UPPP_END_NONE);
    struct uppp_auth_verdict v = {.ok = 1, .message = "Welcome, bob"};
    assert_int_equal(uppp_session_auth_verdict(l.a.s, &v, l.now), 0);
    th_run(&l, l.now + 60000, th_both_running);
    assert_true(th_both_running(&l));
    assert_string_equal(status(&l.a).peer_name, "bob");
    assert_non_null(strstr(l.b.logbuf, "Welcome, bob"));
    th_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_late_verdict),
        cmocka_unit_test(test_verdict_after_down),
        cmocka_unit_test(test_failure_verdict),
        cmocka_unit_test(test_md5_and_give_up),
        cmocka_unit_test(test_pap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
