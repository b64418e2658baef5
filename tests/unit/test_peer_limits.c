/*
 * uppp_session_set_peer_limits(): what a RADIUS server grants the peer
 * (Framed-IP-Address, Framed-MTU, MS-MPPE-Encryption-Policy/-Types) is
 * applied between the peer's response and the verdict, with real sessions
 * on both ends: the peer gets the server's address instead of the
 * configured one, encryption becomes required at the strength allowed, and
 * limits that cannot be met or come too late are refused.
 */
#include "testutil.h"
#include "session_harness.h"

#include <uppp/mppe_keys.h>
#include <uppp/mschap.h>

#define PW "secret-b"

static void setup(struct th_link *l, uint64_t seed)
{
    th_init(l, seed);
    l->a.cfg.require_auth = UPPP_AUTH_MSCHAP_V2;
    l->a.cfg.mppe = UPPP_MPPE_ALLOWED; /* pppd's default: only the server requires it */
    l->b.cfg.mppe = UPPP_MPPE_ALLOWED;
    l->a.async_auth = 1;
    th_add_secret(&l->b, "bob", "*", PW);
    th_start(l);
}

static int a_has_request(struct th_link *l)
{
    return l->a.auth_requests > 0;
}

static void verdict(struct th_link *l)
{
    const struct uppp_auth_request *rq = &l->a.req;
    char sresp[UPPP_MSCHAP_AUTH_RESPONSE_SIZE];
    assert_int_equal(uppp_generate_authenticator_response(PW, strlen(PW), rq->response + 24,
                                                          rq->response, rq->challenge, rq->name,
                                                          strlen(rq->name), sresp),
                     0);
    uint8_t h[16], hh[16], send[16], recv[16];
    assert_int_equal(uppp_nt_password_hash(PW, strlen(PW), h), 0);
    assert_int_equal(uppp_hash_nt_password_hash(h, hh), 0);
    assert_int_equal(uppp_mppe_v2_start_keys(hh, rq->response + 24, 1, send, recv), 0);
    struct uppp_auth_verdict v = {.ok = 1, .message = sresp, .send_key = send, .recv_key = recv};
    assert_int_equal(uppp_session_auth_verdict(l->a.s, &v, l->now), 0);
}

static void test_limits_applied(void **state)
{
    (void)state;
    struct th_link l;
    setup(&l, 41);
    th_run(&l, 60000, a_has_request);
    /* Impossible: required with no strength in common (the config allows
     * all three; types 0x10 is none of them); nothing applied. */
    struct uppp_peer_limits bad = {.mppe_required = 1, .mppe_bits = 0x10};
    assert_int_equal(uppp_session_set_peer_limits(l.a.s, &bad), UPPP_ERR_INVALID);
    assert_int_equal(uppp_session_set_peer_limits(l.a.s, NULL), UPPP_ERR_INVALID);
    struct uppp_peer_limits lim = {
        .ip_remote = 0x0a090909, .mtu = 1400, .mppe_bits = 4, .mppe_required = 1};
    assert_int_equal(uppp_session_set_peer_limits(l.a.s, &lim), 0);
    verdict(&l);
    th_run(&l, l.now + 60000, th_both_running);
    assert_true(th_both_running(&l));
    struct uppp_status sa, sb;
    uppp_session_status(l.a.s, &sa);
    uppp_session_status(l.b.s, &sb);
    assert_int_equal(sa.ip_remote, 0x0a090909);
    assert_int_equal(sb.ip_local, 0x0a090909);
    assert_int_equal(sa.mppe_bits, 128);
    assert_int_equal(sb.mppe_bits, 128);
    assert_true(sa.ip_mtu <= 1400);
    /* Too late now. */
    assert_int_equal(uppp_session_set_peer_limits(l.a.s, &lim), UPPP_ERR_PROTO);
    th_free(&l);
}

/* Without the limits the same link runs unencrypted (MPPE only allowed on
 * both ends, and neither asks): the limits above made the difference. */
static void test_without_limits(void **state)
{
    (void)state;
    struct th_link l;
    setup(&l, 42);
    th_run(&l, 60000, a_has_request);
    verdict(&l);
    th_run(&l, l.now + 60000, th_both_running);
    assert_true(th_both_running(&l));
    struct uppp_status sa;
    uppp_session_status(l.a.s, &sa);
    assert_int_equal(sa.ip_remote, 0x0a000002);
    assert_int_equal(sa.mppe_bits, 0);
    th_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limits_applied),
        cmocka_unit_test(test_without_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
