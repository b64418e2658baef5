/* The session's IP data path and its counters (issue 8, items 5 and 12):
 * the IP MTU against the peer's MRU with MPPE stateless and stateful, both
 * directions (a packet of exactly the MTU crosses, one octet more is refused
 * with UPPP_ERR_NOBUF), the framing error counters, and clear IP received
 * while MPPE is required (counted, logged under debug, rate-limited).
 * Two sessions in memory; MS-CHAPv2 gives the MPPE keys. */
#include "testutil.h"
#include "session_harness.h"

#include <uppp/hdlc.h>

/* A authenticates B with MS-CHAPv2 and requires MPPE-128; B allows it. */
static void start_mppe(struct th_link *l, int stateless, uint16_t mru_a, uint16_t mru_b)
{
    l->a.cfg.require_auth = UPPP_AUTH_MSCHAP_V2;
    l->a.cfg.mppe = UPPP_MPPE_REQUIRED;
    l->a.cfg.mppe_bits = 4;
    l->a.cfg.mru = mru_a;
    l->b.cfg.mru = mru_b;
    if (!stateless) {
        l->a.cfg.mppe_want_stateful = l->b.cfg.mppe_want_stateful = 1;
        l->a.cfg.mppe_stateful_ok = l->b.cfg.mppe_stateful_ok = 1;
    }
    th_add_secret(&l->a, "bob", "alice", "bob-pw");
    th_add_secret(&l->b, "bob", "alice", "bob-pw");
    th_start(l);
    th_run(l, 60000, th_both_running);
    assert_true(th_both_running(l));
    th_run(l, l->now, NULL);
}

/* from sends an IP packet of exactly its MTU, which must arrive intact, and
 * one of MTU + 1, which must be refused by name and never reach the wire. */
static void mtu_one_way(struct th_link *l, struct th_end *from, struct th_end *to, uint16_t to_mru)
{
    struct uppp_status st;
    uppp_session_status(from->s, &st);
    assert_int_equal(st.mppe_bits, 128);
    assert_int_equal(st.peer_mru, to_mru);
    /* RFC 3078 section 3: 4 octets of MPPE header and protocol. */
    assert_int_equal(st.ip_mtu, to_mru - 4);

    static uint8_t pkt[TH_MAX_FRAME];
    size_t n = th_make_ipv4(pkt, st.ip_mtu, 0x0a000001, 0x0a000002, "MTU-MARKER", 7);
    th_send_ip_arrives(l, from, to, pkt, n);
    unsigned delivered = to->delivered;

    size_t wire = from->wire_len;
    n = th_make_ipv4(pkt, st.ip_mtu + 1u, 0x0a000001, 0x0a000002, "MTU-MARKER", 8);
    assert_int_equal(uppp_session_send_ip(from->s, UPPP_PROTO_IP, pkt, n, l->now), UPPP_ERR_NOBUF);
    th_run(l, l->now, NULL);
    assert_int_equal(to->delivered, delivered); /* nothing more */
    assert_int_equal(from->wire_len, wire);

    struct uppp_status after;
    uppp_session_status(from->s, &after);
    assert_int_equal(after.dropped_other, st.dropped_other);
    assert_int_equal(after.packets_out, st.packets_out + 1);
}

static void test_mtu_matrix(void **state)
{
    (void)state;
    /* MRUs of A and B: each is the other's peer MRU. */
    static const uint16_t mrus[][2] = {
        {1400, 1400}, {1500, 1500}, {2000, 2000}, {1400, 2000}, {2000, 1500}};
    int cases = 0;
    for (int stateless = 0; stateless < 2; stateless++) {
        for (size_t i = 0; i < sizeof(mrus) / sizeof(mrus[0]); i++, cases++) {
            struct th_link l;
            th_init(&l, 500 + (uint64_t)cases);
            start_mppe(&l, stateless, mrus[i][0], mrus[i][1]);
            struct uppp_status st;
            uppp_session_status(l.a.s, &st);
            assert_int_equal(st.mppe_stateless, stateless);
            mtu_one_way(&l, &l.a, &l.b, mrus[i][1]);
            mtu_one_way(&l, &l.b, &l.a, mrus[i][0]);
            assert_false(th_wire_contains(&l.a, "MTU-MARKER"));
            assert_false(th_wire_contains(&l.b, "MTU-MARKER"));
            th_free(&l);
        }
    }
    assert_int_equal(cases, 10);
}

/* Bad frames are counted by the deframer (FCS, too short...) and by the
 * session (no protocol after FF 03); neither count may overwrite the
 * other. */
static void test_bad_frame_counters(void **state)
{
    (void)state;
    struct th_link l;
    th_init(&l, 9);
    l.a.cfg.framing = UPPP_FRAMING_ASYNC_HDLC;
    assert_int_equal(th_create(&l.a), 0);
    assert_int_equal(uppp_session_start(l.a.s, l.now), 0);

    struct uppp_hdlc_tx tx;
    assert_int_equal(uppp_hdlc_tx_init(&tx, UPPP_HDLC_FCS16), 0);
    uint8_t wire[64];
    size_t wlen = 0;
    /* A good FCS around a Protocol field whose second octet is even (RFC
     * 1661 section 2): the session's bad frame. */
    static const uint8_t bad_proto[] = {0x80, 0x20, 0x01, 0x01, 0x00, 0x04};
    assert_int_equal(uppp_hdlc_encode(&tx, UPPP_HDLC_TX_ADDR_CTRL, bad_proto, sizeof(bad_proto),
                                      wire, sizeof(wire), &wlen),
                     0);
    /* Then a frame too short for an FCS: the deframer's. */
    static const uint8_t runt[] = {0x7e, 0x21, 0x7e};
    for (int round = 1; round <= 3; round++) {
        assert_int_equal(uppp_session_input(l.a.s, wire, wlen, l.now), 0);
        assert_int_equal(uppp_session_input(l.a.s, runt, sizeof(runt), l.now), 0);
        struct uppp_status st;
        uppp_session_status(l.a.s, &st);
        assert_int_equal(st.bad_frames, 2 * round);
        assert_int_equal(st.bad_fcs, 0);
    }
    th_free(&l);
}

static size_t clear_ip_frame(uint8_t *f, uint16_t seq)
{
    f[0] = 0xff;
    f[1] = 0x03;
    f[2] = 0x00;
    f[3] = 0x21;
    return 4 + th_make_ipv4(f + 4, 100, 0x0a000002, 0x0a000001, "CLEAR", seq);
}

static unsigned count_lines(const char *log, const char *needle)
{
    unsigned n = 0;
    for (const char *p = strstr(log, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

#define CLEAR_LINE "clear IP packet(s) from the peer dropped: MPPE is required"

/* Clear IP from a peer while MPPE is required is dropped, counted apart
 * from what we refused to send, and logged under debug at most once a
 * second, with the number dropped. */
static void test_clear_in_counted_and_logged(void **state)
{
    (void)state;
    struct th_link l;
    th_init(&l, 12);
    start_mppe(&l, 1, 1500, 1500);

    uint8_t f[256];
    struct uppp_status st;
    unsigned delivered = l.a.delivered;
    size_t n = clear_ip_frame(f, 1);
    assert_int_equal(uppp_session_input_frame(l.a.s, f, n, l.now), 0);
    uppp_session_status(l.a.s, &st);
    assert_int_equal(st.dropped_clear_in, 1);
    assert_int_equal(st.dropped_clear, 1);
    assert_int_equal(l.a.delivered, delivered);
    assert_int_equal(count_lines(l.a.logbuf, CLEAR_LINE), 1);
    assert_non_null(strstr(l.a.logbuf, "MPPE: 1 " CLEAR_LINE));

    /* A flood: counted in full, not logged line by line. */
    for (uint16_t i = 0; i < 500; i++) {
        n = clear_ip_frame(f, i);
        assert_int_equal(uppp_session_input_frame(l.a.s, f, n, l.now + i), 0);
    }
    uppp_session_status(l.a.s, &st);
    assert_int_equal(st.dropped_clear_in, 501);
    assert_int_equal(count_lines(l.a.logbuf, CLEAR_LINE), 1);
    /* A second later the next one reports what was held back. */
    l.now += 1000;
    n = clear_ip_frame(f, 999);
    assert_int_equal(uppp_session_input_frame(l.a.s, f, n, l.now), 0);
    assert_int_equal(count_lines(l.a.logbuf, CLEAR_LINE), 2);
    assert_non_null(strstr(l.a.logbuf, "MPPE: 501 " CLEAR_LINE));

    uppp_session_status(l.a.s, &st);
    assert_int_equal(st.dropped_clear_in, 502);
    assert_int_equal(l.a.delivered, delivered);
    th_free(&l);

    /* Without debug: still counted, never logged. */
    th_init(&l, 13);
    l.a.cfg.debug = 0;
    start_mppe(&l, 1, 1500, 1500);
    n = clear_ip_frame(f, 1);
    assert_int_equal(uppp_session_input_frame(l.a.s, f, n, l.now), 0);
    uppp_session_status(l.a.s, &st);
    assert_int_equal(st.dropped_clear_in, 1);
    assert_null(strstr(l.a.logbuf, CLEAR_LINE));
    th_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mtu_matrix),
        cmocka_unit_test(test_bad_frame_counters),
        cmocka_unit_test(test_clear_in_counted_and_logged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
