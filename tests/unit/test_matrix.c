/*
 * The full matrix of issue 3, end to end between two in-memory sessions:
 * every authentication method (PAP, CHAP-MD5, MS-CHAPv1, MS-CHAPv2) with
 * each side as authenticator, x MPPE 40/56/128 x stateless/stateful x
 * policy required/optional/off on both sides. Each case asserts the
 * negotiated result, that IP packets flow both ways intact (300 one way,
 * so a stateful link crosses its 0xFF rekey), and that no packet crossed
 * the wire in the clear when MPPE was negotiated. A case that cannot work
 * (MPPE required after PAP or CHAP-MD5) must fail with pppd's reason.
 */
#include "testutil.h"
#include "session_harness.h"

static const unsigned methods[] = {UPPP_AUTH_PAP, UPPP_AUTH_CHAP_MD5, UPPP_AUTH_MSCHAP_V1,
                                   UPPP_AUTH_MSCHAP_V2};
static const int bits[] = {40, 56, 128};
static const enum uppp_mppe_policy policies[] = {UPPP_MPPE_REQUIRED, UPPP_MPPE_OPTIONAL,
                                                 UPPP_MPPE_OFF};

static unsigned bitmask(int b)
{
    return b == 40 ? 1u : b == 56 ? 2u : 4u;
}

#define MARKER "CLEARTEXT-MARKER-upppd"

static int send_many(struct th_link *l, struct th_end *from, struct th_end *to, int count,
                     uint32_t src, uint32_t dst)
{
    unsigned before = to->delivered;
    uint8_t pkt[1400];
    for (int i = 0; i < count; i++) {
        size_t len = 100 + (size_t)(i * 37) % 1200;
        th_make_ipv4(pkt, len, src, dst, MARKER, (uint16_t)i);
        if (uppp_session_send_ip(from->s, UPPP_PROTO_IP, pkt, len, l->now) != 0)
            return -1;
        th_run(l, l->now, NULL);
        if (to->last_len != len || memcmp(to->last, pkt, len) != 0)
            return -2;
    }
    return (int)(to->delivered - before);
}

static void run_case(unsigned method, int a_auths, int b, int stateful, enum uppp_mppe_policy pol,
                     unsigned *cases)
{
    struct th_link l;
    th_init(&l, 1000 + *cases);
    (*cases)++;
    struct th_end *auth = a_auths ? &l.a : &l.b, *peer = a_auths ? &l.b : &l.a;
    auth->cfg.require_auth = method;
    th_add_secret(auth, peer->cfg.our_name, "*", "Matrix-pw1");
    th_add_secret(peer, peer->cfg.our_name, "*", "Matrix-pw1");
    struct th_end *ends[2] = {&l.a, &l.b};
    for (int i = 0; i < 2; i++) {
        ends[i]->cfg.mppe = pol;
        ends[i]->cfg.mppe_bits = bitmask(b);
        ends[i]->cfg.mppe_stateful_ok = stateful;
    }
    l.b.cfg.mppe_want_stateful = stateful;
    th_start(&l);
    th_run(&l, 120000, th_both_running);

    int ms = method == UPPP_AUTH_MSCHAP_V1 || method == UPPP_AUTH_MSCHAP_V2;
    struct uppp_status sa, sb;
    uppp_session_status(l.a.s, &sa);
    uppp_session_status(l.b.s, &sb);
    char what[128];
    snprintf(what, sizeof(what), "method=%u a_auths=%d bits=%d stateful=%d policy=%d", method,
             a_auths, b, stateful, (int)pol);

    if (pol == UPPP_MPPE_REQUIRED && !ms) {
        /* No MS-CHAP, no keys: pppd refuses to run unencrypted. */
        th_run(&l, l.now + 120000, th_both_dead);
        uppp_session_status(l.a.s, &sa);
        uppp_session_status(l.b.s, &sb);
        if (!(th_both_dead(&l) &&
              (sa.end == UPPP_END_NEGOTIATION_FAILED || sb.end == UPPP_END_NEGOTIATION_FAILED))) {
            print_error("%s: expected negotiation failure, got ends %d/%d (%s | %s)\n", what,
                        sa.end, sb.end, sa.reason, sb.reason);
            fail();
        }
        th_free(&l);
        return;
    }
    if (!th_both_running(&l)) {
        print_error("%s: not running: %s | %s\nA log:\n%s\nB log:\n%s\n", what, sa.reason,
                    sb.reason, l.a.logbuf, l.b.logbuf);
        fail();
    }
    int want_mppe = ms && pol != UPPP_MPPE_OFF;
    assert_int_equal(sa.mppe_bits, want_mppe ? b : 0);
    assert_int_equal(sb.mppe_bits, want_mppe ? b : 0);
    if (want_mppe) {
        assert_int_equal(sa.mppe_stateless, !stateful);
        assert_int_equal(sb.mppe_stateless, !stateful);
        /* Both directions in the same mode: pppd's single line, no "/". */
        char line[80];
        snprintf(line, sizeof(line), "MPPE %d-bit %s compression enabled", b,
                 stateful ? "stateful" : "stateless");
        assert_non_null(strstr(l.a.logbuf, line));
        assert_non_null(strstr(l.b.logbuf, line));
    }
    /* Secrets never reach the log, whatever the method. */
    assert_null(strstr(l.a.logbuf, "Matrix-pw1"));
    assert_null(strstr(l.b.logbuf, "Matrix-pw1"));
    assert_int_equal(a_auths ? sa.auth_peer : sb.auth_peer, method);
    assert_int_equal(a_auths ? sb.auth_us : sa.auth_us, method);

    int n1 = send_many(&l, &l.a, &l.b, 300, 0x0a000001, 0x0a000002);
    int n2 = send_many(&l, &l.b, &l.a, 40, 0x0a000002, 0x0a000001);
    if (n1 != 300 || n2 != 40) {
        print_error("%s: delivered %d/300 and %d/40\n", what, n1, n2);
        fail();
    }
    assert_int_equal(th_wire_contains(&l.a, MARKER), !want_mppe);
    assert_int_equal(th_wire_contains(&l.b, MARKER), !want_mppe);

    assert_int_equal(uppp_session_close(l.a.s, "User request", l.now), 0);
    th_run(&l, l.now + 60000, th_both_dead);
    assert_true(th_both_dead(&l));
    uppp_session_status(l.a.s, &sa);
    uppp_session_status(l.b.s, &sb);
    assert_int_equal(sa.end, UPPP_END_USER_REQUEST);
    assert_int_equal(sb.end, UPPP_END_HANGUP);
    th_free(&l);
}

static void test_matrix(void **state)
{
    (void)state;
    unsigned cases = 0;
    for (size_t m = 0; m < 4; m++)
        for (int a_auths = 0; a_auths < 2; a_auths++)
            for (size_t b = 0; b < 3; b++)
                for (int stateful = 0; stateful < 2; stateful++)
                    for (size_t p = 0; p < 3; p++)
                        run_case(methods[m], a_auths, bits[b], stateful, policies[p], &cases);
    print_message("matrix: %u cases\n", cases);
    assert_int_equal(cases, 144);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
