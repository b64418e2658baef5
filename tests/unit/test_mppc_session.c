/*
 * MPPC (RFC 2118) between two libuppp sessions: negotiated through the C
 * bit of CCP option 18 with MPPE-128 stateful and stateless (RFC 3078
 * section 2), and alone; text packets both ways that must arrive intact and
 * take fewer octets on the wire; loss, duplicates and reordering on the
 * link, after which Reset-Requests (stateful) or the per-packet flush
 * (stateless) bring both histories back; and a peer without mppc, which
 * gets plain MPPE, or refuses MPPC alone in MPPC's name. Two sessions in
 * memory (session_harness.h).
 */
#include "testutil.h"
#include "session_harness.h"

#include "../../bench/mppc_corpus.h"

enum mode { MPPC_ALONE, MPPE_STATEFUL, MPPE_STATELESS, MPPE_STATEFUL_RFC };

static void start(struct th_link *l, enum mode m, int b_mppc, uint64_t seed)
{
    th_init(l, seed);
    l->a.cfg.mppc = 1;
    l->b.cfg.mppc = b_mppc;
    l->a.cfg.debug = l->b.cfg.debug = 0;
    if (m == MPPC_ALONE) {
        l->a.cfg.mppe = l->b.cfg.mppe = UPPP_MPPE_OFF;
    } else {
        l->a.cfg.require_auth = UPPP_AUTH_MSCHAP_V2;
        l->a.cfg.mppe = UPPP_MPPE_REQUIRED;
        l->a.cfg.mppe_bits = 4;
        /* RFC 3078 section 8.2 resets (FreeBSD, npppd) instead of Linux's. */
        l->a.cfg.mppe_rfc_reset = l->b.cfg.mppe_rfc_reset = m == MPPE_STATEFUL_RFC;
        if (m == MPPE_STATEFUL || m == MPPE_STATEFUL_RFC) {
            l->a.cfg.mppe_want_stateful = l->b.cfg.mppe_want_stateful = 1;
            l->a.cfg.mppe_stateful_ok = l->b.cfg.mppe_stateful_ok = 1;
        }
        th_add_secret(&l->a, "bob", "alice", "bob-pw");
        th_add_secret(&l->b, "bob", "alice", "bob-pw");
    }
    th_start(l);
    th_run(l, 60000, th_both_running);
    assert_true(th_both_running(l));
    th_run(l, l->now, NULL);
}

struct tally {
    unsigned sent, intact, wrong;
    size_t plain, wire;
};

/* One text packet from -> to; counts whether it arrived, and intact. */
static void one(struct th_link *l, struct th_end *from, struct th_end *to, unsigned i, uint64_t *s,
                struct tally *t)
{
    static uint8_t pkt[1500];
    size_t len = 60 + mc_next(s) % 1000;
    mc_ip_packet(pkt, len, i * 1000u, 5000, i & 1, s);
    unsigned before = to->delivered;
    size_t wire = from->wire_len;
    if (uppp_session_send_ip(from->s, UPPP_PROTO_IP, pkt, len, l->now) != 0)
        return;
    t->sent++;
    t->plain += len;
    t->wire += from->wire_len - wire;
    th_run(l, l->now + 20, NULL);
    if (to->delivered == before)
        return;
    if (to->last_len == len && memcmp(to->last, pkt, len) == 0)
        t->intact++;
    else
        t->wrong++;
}

/* Two packets from -> to back to back, so that the link may swap them:
 * whatever arrives last must be one of the two, intact. */
static void pair(struct th_link *l, struct th_end *from, struct th_end *to, unsigned i, uint64_t *s,
                 struct tally *t)
{
    static uint8_t pkt[2][1500];
    size_t len[2];
    unsigned before = to->delivered, sent = 0;
    for (int k = 0; k < 2; k++) {
        len[k] = 60 + mc_next(s) % 1000;
        mc_ip_packet(pkt[k], len[k], (i * 2u + (unsigned)k) * 1000u, 5000, k, s);
        if (uppp_session_send_ip(from->s, UPPP_PROTO_IP, pkt[k], len[k], l->now) == 0)
            sent++;
    }
    t->sent += sent;
    th_run(l, l->now + 20, NULL);
    unsigned got = to->delivered - before;
    assert_true(got <= sent + 2); /* duplicates of a frame are dropped, not delivered twice */
    if (got == 0)
        return;
    int ok = 0;
    for (int k = 0; k < 2; k++)
        ok |= to->last_len == len[k] && memcmp(to->last, pkt[k], len[k]) == 0;
    if (ok)
        t->intact += got > sent ? sent : got;
    else
        t->wrong++;
}

static void traffic_pairs(struct th_link *l, unsigned n, uint64_t *s, struct tally *t)
{
    for (unsigned i = 0; i < n && th_both_running(l); i++) {
        pair(l, &l->a, &l->b, i, s, t);
        pair(l, &l->b, &l->a, i, s, t);
    }
}

static void traffic(struct th_link *l, unsigned n, uint64_t *s, struct tally *t)
{
    for (unsigned i = 0; i < n && th_both_running(l); i++) {
        one(l, &l->a, &l->b, i, s, t);
        one(l, &l->b, &l->a, i, s, t);
    }
}

static void check_status(struct th_link *l, int mppe_bits, int stateless, int mppc)
{
    struct th_end *ends[2] = {&l->a, &l->b};
    for (int i = 0; i < 2; i++) {
        struct uppp_status st;
        uppp_session_status(ends[i]->s, &st);
        assert_int_equal(st.mppe_bits, mppe_bits);
        if (mppe_bits)
            assert_int_equal(st.mppe_stateless, stateless);
        assert_int_equal(st.mppc, mppc);
        /* The overhead is MPPE's: a packet that does not shrink goes as
         * it is, header and protocol field around it. */
        assert_int_equal(st.ip_mtu, st.peer_mru - (mppe_bits || mppc ? 4 : 0));
    }
}

static void run_mode(enum mode m)
{
    static const char *const names[] = {"MPPC alone", "MPPE-128 stateful + MPPC",
                                        "MPPE-128 stateless + MPPC",
                                        "MPPE-128 stateful (RFC 3078 resets) + MPPC"};
    struct th_link l;
    start(&l, m, 1, 42 + (uint64_t)m);
    check_status(&l, m == MPPC_ALONE ? 0 : 128, m == MPPE_STATELESS, 3);
    uint64_t s = 7 + (uint64_t)m;

    /* Clean: every packet intact, and the text shrinks on the wire. */
    struct tally clean = {0};
    traffic(&l, 200, &s, &clean);
    assert_int_equal(clean.intact, clean.sent);
    assert_int_equal(clean.wrong, 0);
    assert_true(clean.wire * 10 < clean.plain * 8);

    /* Loss, duplicates, reordering (packets go in pairs so the link can
     * swap them): nothing wrong is ever delivered, most packets are. */
    l.drop_pct = 5;
    l.dup_pct = 3;
    l.reorder_pct = 3;
    struct tally lossy = {0};
    traffic_pairs(&l, 200, &s, &lossy);
    l.drop_pct = l.dup_pct = l.reorder_pct = 0;
    th_run(&l, l.now + 5000, NULL);
    assert_true(th_both_running(&l));
    assert_int_equal(lossy.wrong, 0);
    assert_true(lossy.intact * 10 > lossy.sent * 7);

    /* Clean again: the histories are back in step; at most the packet
     * that reveals a leftover loss is lost per direction. */
    struct tally tail = {0};
    traffic(&l, 100, &s, &tail);
    assert_int_equal(tail.wrong, 0);
    assert_true(tail.intact + 4 >= tail.sent);
    struct uppp_status sa, sb;
    uppp_session_status(l.a.s, &sa);
    uppp_session_status(l.b.s, &sb);
    print_message("%s: clean %zu -> %zu octets; lossy %u/%u intact (link dropped %u, duplicated "
                  "%u, reordered %u), %llu Reset-Requests; tail %u/%u\n",
                  names[m], clean.plain, clean.wire, lossy.intact, lossy.sent, l.dropped,
                  l.duplicated, l.reordered,
                  (unsigned long long)(sa.mppe_resets_sent + sb.mppe_resets_sent), tail.intact,
                  tail.sent);
    if (m != MPPE_STATELESS)
        assert_true(sa.mppe_resets_sent + sb.mppe_resets_sent > 0);
    th_free(&l);
}

static void test_mppc_alone(void **state)
{
    (void)state;
    run_mode(MPPC_ALONE);
}

static void test_mppe_stateful_mppc(void **state)
{
    (void)state;
    run_mode(MPPE_STATEFUL);
}

static void test_mppe_stateless_mppc(void **state)
{
    (void)state;
    run_mode(MPPE_STATELESS);
}

/* A peer without mppc Naks the C bit away: plain MPPE, and the wire is
 * MPPE's own (no B/C bits, protocol field in every packet's clear size). */
static void test_mppe_stateful_rfc_mppc(void **state)
{
    (void)state;
    run_mode(MPPE_STATEFUL_RFC);
}

static void test_peer_without_mppc(void **state)
{
    (void)state;
    struct th_link l;
    start(&l, MPPE_STATELESS, 0, 5);
    check_status(&l, 128, 1, 0);
    uint64_t s = 3;
    struct tally t = {0};
    traffic(&l, 20, &s, &t);
    assert_int_equal(t.intact, t.sent);
    /* MPPE adds 4 octets and compresses nothing (plus the 1-octet PPP
     * protocol 0xFD under PFC, or 2). */
    assert_true(t.wire >= t.plain + 4 * t.sent);
    th_free(&l);

    /* MPPC alone offered to a peer that does not do it: CCP ends with
     * nothing agreed and the link carries IP in the clear. Both ends say
     * it was MPPC that was refused, and neither speaks of MPPE, which
     * nobody asked for. */
    start(&l, MPPC_ALONE, 0, 6);
    check_status(&l, 0, 0, 0);
    assert_non_null(strstr(l.a.logbuf, "peer refused MPPC; continuing without compression"));
    assert_non_null(strstr(l.b.logbuf, "Refusing MPPC requested by peer (mppc not enabled)"));
    assert_null(strstr(l.a.logbuf, "MPPE"));
    assert_null(strstr(l.b.logbuf, "MPPE"));
    struct tally c = {0};
    traffic(&l, 10, &s, &c);
    assert_int_equal(c.intact, c.sent);
    assert_true(c.sent > 0);
    th_free(&l);
}

/* Encryption required, the peer offers compression only: MPPC alone must
 * not stand in for MPPE. The link ends; nothing crosses. */
static void test_mppc_no_substitute_for_mppe(void **state)
{
    (void)state;
    struct th_link l;
    th_init(&l, 9);
    l.a.cfg.mppc = l.b.cfg.mppc = 1;
    l.a.cfg.debug = l.b.cfg.debug = 0;
    l.a.cfg.require_auth = UPPP_AUTH_MSCHAP_V2;
    l.a.cfg.mppe = UPPP_MPPE_REQUIRED;
    l.b.cfg.mppe = UPPP_MPPE_OFF;
    th_add_secret(&l.a, "bob", "alice", "bob-pw");
    th_add_secret(&l.b, "bob", "alice", "bob-pw");
    th_start(&l);
    th_run(&l, 60000, NULL);
    struct uppp_status st;
    uppp_session_status(l.a.s, &st);
    assert_int_equal(st.mppe_bits, 0);
    assert_int_equal(st.mppc, 0);
    assert_true(uppp_session_is_dead(l.a.s));
    assert_int_equal(l.a.delivered + l.b.delivered, 0);
    th_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mppc_alone),
        cmocka_unit_test(test_mppe_stateful_mppc),
        cmocka_unit_test(test_mppe_stateless_mppc),
        cmocka_unit_test(test_mppe_stateful_rfc_mppc),
        cmocka_unit_test(test_peer_without_mppc),
        cmocka_unit_test(test_mppc_no_substitute_for_mppe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
