/*
 * Tests for PPTP's enhanced GRE (RFC 2637 section 4): the header codec
 * against bytes laid out from the section 4.1 figure (the 0x3081 / 0x3001 /
 * 0x2081 first words are what pptp-linux and pptpd put on the wire for data
 * with an ack, data alone and an ack alone), every field check, and the
 * data channel: lost, duplicated and reordered packets (each case run at
 * three starting points, two of them crossing the 32-bit and the sign
 * wrap), a full window, acks piggy-backed and alone, forged Call IDs,
 * sequence and acknowledgment numbers, and a random storm.
 */
#include "testutil.h"

#include <uppp/pptp_gre.h>
#include <uppp/err.h>

#include <stdio.h>
#include <stdlib.h>

/* -------------------------------------------------------------- header */

static void test_header_known_answers(void **state)
{
    (void)state;
    static const struct {
        struct uppp_gre_hdr h;
        const char *hex;
    } rows[] = {
        {{5, 0x002a, 1, 1, 7, 3}, "3081 880b 0005 002a 00000007 00000003"},
        {{5, 0x002a, 1, 0, 7, 0}, "3001 880b 0005 002a 00000007"},
        {{0, 0x002a, 0, 1, 0, 3}, "2081 880b 0000 002a 00000003"},
        {{1500, 0xffff, 1, 1, 0xffffffff, 0xfffffffe}, "3081 880b 05dc ffff ffffffff fffffffe"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        uint8_t buf[UPPP_GRE_MAX_HEADER_LEN + 1600];
        int n = uppp_gre_build(&rows[i].h, buf, sizeof(buf));
        assert_true(n > 0);
        tu_assert_hex(buf, (size_t)n, rows[i].hex);
        memset(buf + n, 0xab, rows[i].h.payload_len);
        struct uppp_gre_hdr back;
        assert_int_equal(uppp_gre_parse(buf, (size_t)n + rows[i].h.payload_len, &back), n);
        assert_int_equal(back.payload_len, rows[i].h.payload_len);
        assert_int_equal(back.call_id, rows[i].h.call_id);
        assert_int_equal(back.has_seq, rows[i].h.has_seq);
        assert_int_equal(back.has_ack, rows[i].h.has_ack);
        assert_int_equal(back.seq, rows[i].h.seq);
        assert_int_equal(back.ack, rows[i].h.ack);
        assert_int_equal(uppp_gre_build(&rows[i].h, buf, (size_t)n - 1), UPPP_ERR_NOBUF);
    }
}

static void test_header_rejects(void **state)
{
    (void)state;
    static const struct {
        const char *what, *hex;
    } rows[] = {
        {"C set", "b081 880b 0005 002a 00000007 00000003 0102030405"},
        {"R set", "7081 880b 0005 002a 00000007 00000003 0102030405"},
        {"s set", "3881 880b 0005 002a 00000007 00000003 0102030405"},
        {"Recur 1", "3181 880b 0005 002a 00000007 00000003 0102030405"},
        {"K clear", "1081 880b 0005 002a 00000007 00000003 0102030405"},
        {"a Flags bit", "3089 880b 0005 002a 00000007 00000003 0102030405"},
        {"version 0 (plain GRE)", "3080 880b 0005 002a 00000007 00000003 0102030405"},
        {"version 2", "3082 880b 0005 002a 00000007 00000003 0102030405"},
        {"protocol IPv4", "3081 0800 0005 002a 00000007 00000003 0102030405"},
        {"payload length past the end", "3081 880b 0006 002a 00000007 00000003 0102030405"},
        {"cut inside the sequence number", "3081 880b 0000 002a 0000"},
        {"cut inside the ack", "3081 880b 0000 002a 00000007 0000"},
        {"shorter than the base header", "3081 880b 0000 00"},
        {"payload without a sequence number", "2081 880b 0005 002a 00000003 0102030405"},
        {"neither sequence nor ack", "2001 880b 0000 002a"},
        {"sequence number without payload", "3001 880b 0000 002a 00000007"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        uint8_t buf[64];
        size_t n = tu_hex(rows[i].hex, buf, sizeof(buf));
        struct uppp_gre_hdr h;
        int r = uppp_gre_parse(buf, n, &h);
        if (r != UPPP_ERR_PARSE)
            fprintf(stderr, "row %zu (%s): %d\n", i, rows[i].what, r);
        assert_int_equal(r, UPPP_ERR_PARSE);
    }
    /* Trailing octets after the payload are ignored. */
    uint8_t buf[64];
    size_t n = tu_hex("3001 880b 0002 002a 00000007 0102 ffff", buf, sizeof(buf));
    struct uppp_gre_hdr h;
    assert_int_equal(uppp_gre_parse(buf, n, &h), 12);
    assert_int_equal(h.payload_len, 2);
    struct uppp_gre_hdr bad = {.payload_len = 3};
    assert_int_equal(uppp_gre_build(&bad, buf, sizeof(buf)), UPPP_ERR_INVALID);
}

/* ------------------------------------------------------- the receiver */

#define MAXDELIV 512

struct rx {
    struct uppp_pptp_gre *g;
    uint32_t got[MAXDELIV]; /* offsets delivered, from the payloads */
    size_t ngot;
    uint8_t out[MAXDELIV][64]; /* packets it sent (acks) */
    size_t outlen[MAXDELIV];
    size_t nout;
    struct uppp_pptp_gre *echo; /* if set, deliver sends a reply through it */
};

static void rx_output(void *user, const uint8_t *pkt, size_t len)
{
    struct rx *r = user;
    assert_true(r->nout < MAXDELIV);
    memcpy(r->out[r->nout], pkt, len < 64 ? len : 64);
    r->outlen[r->nout++] = len;
}

static void rx_deliver(void *user, const uint8_t *p, size_t len)
{
    struct rx *r = user;
    assert_int_equal(len, 4);
    assert_true(r->ngot < MAXDELIV);
    r->got[r->ngot++] = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void rx_init(struct rx *r, void (*tweak)(struct uppp_pptp_gre_config *))
{
    memset(r, 0, sizeof(*r));
    struct uppp_pptp_gre_config cfg;
    uppp_pptp_gre_config_init(&cfg);
    cfg.call_id = 0x002a;
    cfg.peer_call_id = 0x0007;
    if (tweak)
        tweak(&cfg);
    struct uppp_pptp_gre_callbacks cb = {.output = rx_output, .deliver = rx_deliver};
    assert_int_equal(uppp_pptp_gre_new(&r->g, &cfg, &cb, r), 0);
}

/* A data packet from the peer: sequence number seq, the offset as payload. */
static size_t peer_packet(uint8_t *buf, uint16_t call_id, uint32_t seq, uint32_t off)
{
    struct uppp_gre_hdr h = {.payload_len = 4, .call_id = call_id, .has_seq = 1, .seq = seq};
    int n = uppp_gre_build(&h, buf, 64);
    assert_true(n > 0);
    buf[n] = (uint8_t)(off >> 24);
    buf[n + 1] = (uint8_t)(off >> 16);
    buf[n + 2] = (uint8_t)(off >> 8);
    buf[n + 3] = (uint8_t)off;
    return (size_t)n + 4;
}

enum op { OP_END, OP_RX, OP_AT };

struct reorder_case {
    const char *name;
    struct {
        enum op op;
        uint32_t v; /* RX: offset from the base; AT: time (ms) */
    } ops[80];
    uint32_t want[80]; /* delivered offsets, ended by UINT32_MAX */
    uint64_t lost, stale, overwin, resyncs;
};

#define RX(x)                                                                                      \
    {                                                                                              \
        OP_RX, (x)                                                                                 \
    }
#define AT(t)                                                                                      \
    {                                                                                              \
        OP_AT, (t)                                                                                 \
    }
#define E UINT32_MAX

static const struct reorder_case cases[] = {
    {"in order", {RX(0), RX(1), RX(2)}, {0, 1, 2, E}, 0, 0, 0, 0},
    {"two swapped", {RX(0), RX(2), RX(1)}, {0, 1, 2, E}, 0, 0, 0, 0},
    {"three reversed", {RX(0), RX(3), RX(2), RX(1)}, {0, 1, 2, 3, E}, 0, 0, 0, 0},
    {"first packet sets the start", {RX(5), RX(6), RX(4)}, {5, 6, E}, 0, 1, 0, 0},
    {"lost: waits 300 ms, not 299", {RX(0), RX(2), RX(3), AT(299)}, {0, E}, 0, 0, 0, 0},
    {"lost: gives up at 300 ms", {RX(0), RX(2), RX(3), AT(300)}, {0, 2, 3, E}, 1, 0, 0, 0},
    {"late after the give-up is stale",
     {RX(0), RX(2), AT(300), RX(1), RX(3)},
     {0, 2, 3, E},
     1,
     1,
     0,
     0},
    {"duplicates", {RX(0), RX(1), RX(1), RX(0)}, {0, 1, E}, 0, 2, 0, 0},
    {"duplicate while waiting", {RX(0), RX(2), RX(2), RX(1)}, {0, 1, 2, E}, 0, 1, 0, 0},
    {"two gaps, each waits from its own packet",
     {RX(0), RX(2), AT(100), RX(4), AT(300), AT(399), AT(400)},
     {0, 2, 4, E},
     2,
     0,
     0,
     0},
    {"a gap filled in time", {RX(0), RX(2), AT(250), RX(1), AT(600)}, {0, 1, 2, E}, 0, 0, 0, 0},
    {"forged far ahead is dropped", {RX(0), RX(1000), RX(1)}, {0, 1, E}, 0, 0, 1, 0},
    {"a real jump is followed after three in a row",
     {RX(0), RX(1000), RX(1001), RX(1002), RX(1003)},
     {0, 1002, 1003, E},
     0,
     0,
     2,
     1},
    {"scattered far-ahead packets never resync",
     {RX(0), RX(1000), RX(2000), RX(3000), RX(4000), RX(1)},
     {0, 1, E},
     0,
     0,
     4,
     0},
    {"full buffer moves on without waiting",
     {RX(0),  RX(2),  RX(3),  RX(4),  RX(5),  RX(6),  RX(7),  RX(8),  RX(9),  RX(10), RX(11),
      RX(12), RX(13), RX(14), RX(15), RX(16), RX(17), RX(18), RX(19), RX(20), RX(21), RX(22),
      RX(23), RX(24), RX(25), RX(26), RX(27), RX(28), RX(29), RX(30), RX(31), RX(32), RX(33),
      RX(34), RX(35), RX(36), RX(37), RX(38), RX(39), RX(40), RX(41), RX(42), RX(43), RX(44),
      RX(45), RX(46), RX(47), RX(48), RX(49), RX(50), RX(51), RX(52), RX(53), RX(54), RX(55),
      RX(56), RX(57), RX(58), RX(59), RX(60), RX(61), RX(62), RX(63), RX(64), RX(65), RX(66)},
     {0,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
      24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46,
      47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, E},
     1,
     0,
     0,
     0},
};

static void run_case(const struct reorder_case *c, uint32_t base)
{
    struct rx r;
    rx_init(&r, NULL);
    uint64_t now = 0;
    for (size_t i = 0; c->ops[i].op != OP_END; i++) {
        if (c->ops[i].op == OP_RX) {
            uint8_t pkt[64];
            size_t n = peer_packet(pkt, 0x002a, base + c->ops[i].v, c->ops[i].v);
            assert_int_equal(uppp_pptp_gre_recv(r.g, pkt, n, now), 0);
        } else {
            now = c->ops[i].v;
            assert_int_equal(uppp_pptp_gre_handle_timer(r.g, now), 0);
        }
    }
    size_t nwant = 0;
    while (c->want[nwant] != E)
        nwant++;
    const struct uppp_pptp_gre_stats *st = uppp_pptp_gre_stats(r.g);
    if (r.ngot != nwant || st->rx_lost != c->lost || st->rx_stale != c->stale ||
        st->rx_overwin != c->overwin || st->rx_resyncs != c->resyncs)
        fprintf(stderr,
                "%s (base %#x): got %zu want %zu; lost %llu stale %llu overwin %llu "
                "resyncs %llu\n",
                c->name, base, r.ngot, nwant, (unsigned long long)st->rx_lost,
                (unsigned long long)st->rx_stale, (unsigned long long)st->rx_overwin,
                (unsigned long long)st->rx_resyncs);
    assert_int_equal(r.ngot, nwant);
    for (size_t i = 0; i < nwant; i++)
        assert_int_equal(r.got[i], c->want[i]);
    assert_int_equal(st->rx_lost, c->lost);
    assert_int_equal(st->rx_stale, c->stale);
    assert_int_equal(st->rx_overwin, c->overwin);
    assert_int_equal(st->rx_resyncs, c->resyncs);
    assert_int_equal(st->rx_delivered, nwant);
    uppp_pptp_gre_del(r.g);
}

static void test_reorder_table(void **state)
{
    (void)state;
    /* 0, just below the 32-bit wrap, and just below the sign flip of
     * serial-number arithmetic. */
    static const uint32_t bases[] = {0, 0xfffffff0u, 0x7ffffff8u};
    for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++)
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
            run_case(&cases[i], bases[b]);
}

static void zero_wait(struct uppp_pptp_gre_config *cfg)
{
    cfg->reorder_timeout_ms = 0;
}

/* reorder_timeout 0: nothing waits. */
static void test_no_reorder_wait(void **state)
{
    (void)state;
    struct rx r;
    rx_init(&r, zero_wait);
    uint8_t pkt[64];
    static const uint32_t seqs[] = {0, 2, 1, 3};
    for (size_t i = 0; i < 4; i++) {
        size_t n = peer_packet(pkt, 0x002a, seqs[i], seqs[i]);
        uppp_pptp_gre_recv(r.g, pkt, n, 0);
    }
    assert_int_equal(r.ngot, 3); /* 0, 2, 3: 1 came too late */
    assert_int_equal(r.got[1], 2);
    assert_int_equal(uppp_pptp_gre_stats(r.g)->rx_lost, 1);
    assert_int_equal(uppp_pptp_gre_stats(r.g)->rx_stale, 1);
    uppp_pptp_gre_del(r.g);
}

/* ---------------------------------------------------- window and acks */

static void window4(struct uppp_pptp_gre_config *cfg)
{
    cfg->peer_window = 4;
    cfg->enforce_peer_window = 1;
}

static size_t peer_ack(uint8_t *buf, uint16_t call_id, uint32_t ack)
{
    struct uppp_gre_hdr h = {.call_id = call_id, .has_ack = 1, .ack = ack};
    int n = uppp_gre_build(&h, buf, 64);
    assert_true(n > 0);
    return (size_t)n;
}

static void test_full_window(void **state)
{
    (void)state;
    struct rx r;
    rx_init(&r, window4);
    uint8_t p[4] = {0, 0, 0, 1}, pkt[64];
    for (int i = 0; i < 4; i++)
        assert_int_equal(uppp_pptp_gre_send(r.g, p, 4, 0), 0);
    assert_int_equal(uppp_pptp_gre_send(r.g, p, 4, 0), UPPP_ERR_LIMIT);
    assert_int_equal(uppp_pptp_gre_unacked(r.g), 4);
    /* Packets went out with sequence numbers 1..4 (pptp-linux starts at 1
     * too), key = peer's ID, and no ack (nothing received yet). */
    assert_int_equal(r.nout, 4);
    tu_assert_hex(r.out[0], r.outlen[0], "3001 880b 0004 0007 00000001 00000001");
    tu_assert_hex(r.out[3], r.outlen[3], "3001 880b 0004 0007 00000004 00000001");
    /* An ack alone for 1 and 2 opens the window by two. */
    size_t n = peer_ack(pkt, 0x002a, 2);
    assert_int_equal(uppp_pptp_gre_recv(r.g, pkt, n, 1), 0);
    assert_int_equal(uppp_pptp_gre_unacked(r.g), 2);
    assert_int_equal(uppp_pptp_gre_stats(r.g)->rx_ack_only, 1);
    assert_int_equal(uppp_pptp_gre_send(r.g, p, 4, 1), 0);
    assert_int_equal(uppp_pptp_gre_send(r.g, p, 4, 1), 0);
    assert_int_equal(uppp_pptp_gre_send(r.g, p, 4, 1), UPPP_ERR_LIMIT);
    /* An ack for a packet never sent, and an old ack: ignored. */
    n = peer_ack(pkt, 0x002a, 100);
    assert_int_equal(uppp_pptp_gre_recv(r.g, pkt, n, 2), 0);
    assert_int_equal(uppp_pptp_gre_stats(r.g)->rx_bad_ack, 1);
    n = peer_ack(pkt, 0x002a, 1);
    assert_int_equal(uppp_pptp_gre_recv(r.g, pkt, n, 2), 0);
    assert_int_equal(uppp_pptp_gre_unacked(r.g), 4);
    /* A forged Call ID carrying a good ack is refused whole. */
    n = peer_ack(pkt, 0x002b, 6);
    assert_int_equal(uppp_pptp_gre_recv(r.g, pkt, n, 2), UPPP_ERR_PROTO);
    assert_int_equal(uppp_pptp_gre_unacked(r.g), 4);
    n = peer_ack(pkt, 0x002a, 6);
    assert_int_equal(uppp_pptp_gre_recv(r.g, pkt, n, 2), 0);
    assert_int_equal(uppp_pptp_gre_unacked(r.g), 0);
    assert_int_equal(uppp_pptp_gre_stats(r.g)->tx_window_full, 2);
    uppp_pptp_gre_del(r.g);
}

/* Our sequence numbers and the window across the 32-bit wrap. */
static void window4_wrap(struct uppp_pptp_gre_config *cfg)
{
    window4(cfg);
    cfg->first_seq = 0xfffffffe;
}

static void test_send_wrap(void **state)
{
    (void)state;
    struct rx r;
    rx_init(&r, window4_wrap);
    uint8_t p[4] = {0, 0, 0, 1}, pkt[64];
    for (int i = 0; i < 4; i++)
        assert_int_equal(uppp_pptp_gre_send(r.g, p, 4, 0), 0);
    assert_int_equal(uppp_pptp_gre_send(r.g, p, 4, 0), UPPP_ERR_LIMIT);
    tu_assert_hex(r.out[1], r.outlen[1], "3001 880b 0004 0007 ffffffff 00000001");
    tu_assert_hex(r.out[2], r.outlen[2], "3001 880b 0004 0007 00000000 00000001");
    /* An ack for 0 (after the wrap) covers fffffffe, ffffffff and 0. */
    size_t n = peer_ack(pkt, 0x002a, 0);
    assert_int_equal(uppp_pptp_gre_recv(r.g, pkt, n, 1), 0);
    assert_int_equal(uppp_pptp_gre_unacked(r.g), 1);
    /* An ack from before the wrap is old now; one past 1 was never sent. */
    n = peer_ack(pkt, 0x002a, 0xffffffff);
    uppp_pptp_gre_recv(r.g, pkt, n, 1);
    n = peer_ack(pkt, 0x002a, 2);
    uppp_pptp_gre_recv(r.g, pkt, n, 1);
    assert_int_equal(uppp_pptp_gre_unacked(r.g), 1);
    assert_int_equal(uppp_pptp_gre_stats(r.g)->rx_bad_ack, 1);
    uppp_pptp_gre_del(r.g);
}

/* By default the peer's window is not enforced: pptp-linux advertises 3. */
static void window3(struct uppp_pptp_gre_config *cfg)
{
    cfg->peer_window = 3;
}

static void test_window_not_enforced(void **state)
{
    (void)state;
    struct rx r;
    rx_init(&r, window3);
    uint8_t p[4] = {1, 2, 3, 4};
    for (int i = 0; i < 100; i++)
        assert_int_equal(uppp_pptp_gre_send(r.g, p, 4, 0), 0);
    assert_int_equal(uppp_pptp_gre_unacked(r.g), 100);
    uppp_pptp_gre_del(r.g);
}

/* Acks ride on data going out, or go alone at the ack timer. */
static void test_acks(void **state)
{
    (void)state;
    struct rx r;
    rx_init(&r, NULL);
    uint8_t pkt[64], p[4] = {9, 9, 9, 9};
    assert_int_equal(uppp_pptp_gre_next_timer(r.g), UINT64_MAX);
    for (uint32_t s = 10; s < 13; s++) {
        size_t n = peer_packet(pkt, 0x002a, s, s);
        uppp_pptp_gre_recv(r.g, pkt, n, 5);
    }
    assert_int_equal(uppp_pptp_gre_next_timer(r.g), 5); /* ack_delay 0 */
    /* Data going out carries the ack for 12: no lone ack follows. */
    assert_int_equal(uppp_pptp_gre_send(r.g, p, 4, 5), 0);
    tu_assert_hex(r.out[0], r.outlen[0], "3081 880b 0004 0007 00000001 0000000c 09090909");
    assert_int_equal(uppp_pptp_gre_next_timer(r.g), 405); /* the poke (test_poke) */
    assert_int_equal(uppp_pptp_gre_handle_timer(r.g, 6), 0);
    assert_int_equal(r.nout, 1);
    /* Nothing to send after the next one: the ack goes alone. */
    size_t n = peer_packet(pkt, 0x002a, 13, 13);
    uppp_pptp_gre_recv(r.g, pkt, n, 7);
    assert_int_equal(uppp_pptp_gre_handle_timer(r.g, 7), 0);
    assert_int_equal(r.nout, 2);
    tu_assert_hex(r.out[1], r.outlen[1], "2081 880b 0000 0007 0000000d");
    assert_int_equal(uppp_pptp_gre_stats(r.g)->tx_acks, 1);
    /* A packet that only waits (after a gap) is not acknowledged. */
    n = peer_packet(pkt, 0x002a, 15, 15);
    uppp_pptp_gre_recv(r.g, pkt, n, 8);
    assert_int_equal(uppp_pptp_gre_next_timer(r.g), 308);
    uppp_pptp_gre_del(r.g);
}

/* Our data unacknowledged poke_ms after our last packet: an ack goes out
 * alone, up to UPPP_PPTP_GRE_MAX_POKES times, so that pptpd's pptpctrl,
 * which releases the packets held behind a lost one only when a GRE packet
 * arrives, releases them (seen in the PPTP bed under netem: held until
 * TCP's next retransmission, seconds later). An ack for everything stops
 * it; nothing is poked before we have an ack number to send. */
static void test_poke(void **state)
{
    (void)state;
    struct rx r;
    rx_init(&r, NULL);
    uint8_t pkt[64], p[4] = {7, 7, 7, 7};
    /* Nothing received yet: no ack number, no poke. */
    assert_int_equal(uppp_pptp_gre_send(r.g, p, 4, 0), 0);
    assert_int_equal(uppp_pptp_gre_next_timer(r.g), 400);
    uppp_pptp_gre_handle_timer(r.g, 400);
    assert_int_equal(r.nout, 1);
    assert_int_equal(uppp_pptp_gre_next_timer(r.g), UINT64_MAX);
    /* The peer's packet 20, acked at once; then our data 2..4 at 1000. */
    size_t n = peer_packet(pkt, 0x002a, 20, 20);
    uppp_pptp_gre_recv(r.g, pkt, n, 900);
    uppp_pptp_gre_handle_timer(r.g, 900);
    assert_int_equal(r.nout, 2);
    for (int i = 0; i < 3; i++)
        assert_int_equal(uppp_pptp_gre_send(r.g, p, 4, 1000 + i), 0);
    assert_int_equal(r.nout, 5);
    /* The peer acks 2 only (3 was lost, 4 waits behind it). */
    n = peer_ack(pkt, 0x002a, 2);
    uppp_pptp_gre_recv(r.g, pkt, n, 1050);
    assert_int_equal(uppp_pptp_gre_next_timer(r.g), 1402);
    uppp_pptp_gre_handle_timer(r.g, 1401);
    assert_int_equal(r.nout, 5);
    uppp_pptp_gre_handle_timer(r.g, 1402);
    assert_int_equal(r.nout, 6);
    tu_assert_hex(r.out[5], r.outlen[5], "2081 880b 0000 0007 00000014");
    /* Again, poke_ms apart, UPPP_PPTP_GRE_MAX_POKES in all. */
    for (uint64_t t = 1802; uppp_pptp_gre_next_timer(r.g) != UINT64_MAX; t += 400) {
        assert_int_equal(uppp_pptp_gre_next_timer(r.g), t);
        uppp_pptp_gre_handle_timer(r.g, t);
    }
    assert_int_equal(uppp_pptp_gre_stats(r.g)->tx_pokes, UPPP_PPTP_GRE_MAX_POKES);
    assert_int_equal(r.nout, 5 + UPPP_PPTP_GRE_MAX_POKES);
    /* New data re-arms it; an ack for everything stops it. */
    assert_int_equal(uppp_pptp_gre_send(r.g, p, 4, 5000), 0);
    assert_int_equal(uppp_pptp_gre_next_timer(r.g), 5400);
    n = peer_ack(pkt, 0x002a, 5);
    uppp_pptp_gre_recv(r.g, pkt, n, 5100);
    assert_int_equal(uppp_pptp_gre_next_timer(r.g), UINT64_MAX);
    uppp_pptp_gre_del(r.g);
}

static void no_poke(struct uppp_pptp_gre_config *cfg)
{
    cfg->poke_ms = 0;
}

static void test_poke_off(void **state)
{
    (void)state;
    struct rx r;
    rx_init(&r, no_poke);
    uint8_t pkt[64], p[4] = {7, 7, 7, 7};
    size_t n = peer_packet(pkt, 0x002a, 20, 20);
    uppp_pptp_gre_recv(r.g, pkt, n, 0);
    assert_int_equal(uppp_pptp_gre_send(r.g, p, 4, 0), 0);
    assert_int_equal(uppp_pptp_gre_next_timer(r.g), UINT64_MAX);
    uppp_pptp_gre_del(r.g);
}

static void delay50(struct uppp_pptp_gre_config *cfg)
{
    cfg->ack_delay_ms = 50;
}

static void test_ack_delay(void **state)
{
    (void)state;
    struct rx r;
    rx_init(&r, delay50);
    uint8_t pkt[64];
    size_t n = peer_packet(pkt, 0x002a, 0, 0);
    uppp_pptp_gre_recv(r.g, pkt, n, 100);
    n = peer_packet(pkt, 0x002a, 1, 1);
    uppp_pptp_gre_recv(r.g, pkt, n, 120);
    /* The ack is due 50 ms after the first unacknowledged packet. */
    assert_int_equal(uppp_pptp_gre_next_timer(r.g), 150);
    uppp_pptp_gre_handle_timer(r.g, 149);
    assert_int_equal(r.nout, 0);
    uppp_pptp_gre_handle_timer(r.g, 150);
    tu_assert_hex(r.out[0], r.outlen[0], "2081 880b 0000 0007 00000001");
    uppp_pptp_gre_del(r.g);
}

/* Forged Call IDs and garbage change nothing. */
static void test_forged(void **state)
{
    (void)state;
    struct rx r;
    rx_init(&r, NULL);
    uint8_t pkt[64];
    size_t n = peer_packet(pkt, 0x002a, 100, 100);
    uppp_pptp_gre_recv(r.g, pkt, n, 0);
    /* Another call's ID, in sequence or not: refused, not delivered, and
     * the receive state does not move. */
    for (uint32_t s = 0; s < 400; s += 7) {
        n = peer_packet(pkt, 0x002b, s, s);
        assert_int_equal(uppp_pptp_gre_recv(r.g, pkt, n, 1), UPPP_ERR_PROTO);
    }
    n = peer_packet(pkt, 0x002a, 101, 101);
    uppp_pptp_gre_recv(r.g, pkt, n, 2);
    assert_int_equal(r.ngot, 2);
    assert_int_equal(r.got[1], 101);
    const struct uppp_pptp_gre_stats *st = uppp_pptp_gre_stats(r.g);
    assert_int_equal(st->rx_bad_key, 58);
    /* Oversized payloads and broken headers. */
    uint8_t big[5000];
    memset(big, 0, sizeof(big));
    struct uppp_gre_hdr h = {.payload_len = 4097, .call_id = 0x002a, .has_seq = 1, .seq = 102};
    int hl = uppp_gre_build(&h, big, sizeof(big));
    assert_int_equal(uppp_pptp_gre_recv(r.g, big, (size_t)hl + 4097, 3), UPPP_ERR_PARSE);
    assert_int_equal(uppp_pptp_gre_recv(r.g, big, 3, 3), UPPP_ERR_PARSE);
    assert_int_equal(st->rx_errors, 2);
    assert_int_equal(r.ngot, 2);
    uppp_pptp_gre_del(r.g);
}

/* Random storm: duplicates, reordering, loss, forged numbers, time
 * passing. Whatever happens, deliveries only move forward (no payload
 * twice, none out of order) and every counter adds up. */
static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

struct storm {
    struct uppp_pptp_gre *g;
    uint32_t last;
    int any;
    uint64_t n;
};

static void storm_out(void *user, const uint8_t *pkt, size_t len)
{
    (void)user;
    (void)pkt;
    assert_true(len >= 12);
}

static void storm_deliver(void *user, const uint8_t *p, size_t len)
{
    struct storm *s = user;
    assert_int_equal(len, 4);
    uint32_t v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    if (s->any)
        assert_true((int32_t)(v - s->last) > 0);
    s->any = 1;
    s->last = v;
    s->n++;
}

static void test_storm(void **state)
{
    (void)state;
    struct uppp_pptp_gre_config cfg;
    uppp_pptp_gre_config_init(&cfg);
    cfg.call_id = 1;
    struct uppp_pptp_gre_callbacks cb = {.output = storm_out, .deliver = storm_deliver};
    struct storm s = {0};
    assert_int_equal(uppp_pptp_gre_new(&s.g, &cfg, &cb, &s), 0);
    uint32_t head = 0xffff0000u;
    uint64_t now = 0;
    uint8_t pkt[64];
    for (int i = 0; i < 200000; i++) {
        uint32_t r = rnd();
        uint32_t seq;
        switch (r % 16) {
        case 0:
            seq = rnd(); /* forged anywhere */
            break;
        case 1:
        case 2:
            seq = head - (r >> 8) % 80; /* old / duplicate */
            break;
        case 3:
            head++; /* lost */
            continue;
        default:
            seq = head + (r >> 8) % 6; /* near the head, reordered */
            if (seq == head)
                head++;
        }
        size_t n = peer_packet(pkt, 1, seq, seq);
        assert_int_equal(uppp_pptp_gre_recv(s.g, pkt, n, now), 0);
        now += r % 3;
        if (uppp_pptp_gre_next_timer(s.g) <= now)
            uppp_pptp_gre_handle_timer(s.g, now);
    }
    const struct uppp_pptp_gre_stats *st = uppp_pptp_gre_stats(s.g);
    assert_int_equal(st->rx_delivered, s.n);
    /* The head moves on about 37,000 times (1/16 lost + 12/16 * 1/6). */
    assert_true(s.n > 30000);
    assert_true(st->rx_delivered + st->rx_lost > 35000);
    assert_true(st->rx_stale > 0 && st->rx_lost > 0 && st->rx_overwin > 0);
    uppp_pptp_gre_del(s.g);
}

static void test_invalid_config(void **state)
{
    (void)state;
    struct uppp_pptp_gre_config cfg;
    struct uppp_pptp_gre_callbacks cb = {.output = storm_out, .deliver = storm_deliver};
    struct uppp_pptp_gre *g;
    static const struct {
        uint16_t recv_window;
        uint32_t reorder, missing;
        uint16_t max_payload;
    } rows[] = {
        {0, 300, 300, 4096},
        {UPPP_PPTP_GRE_MAX_WINDOW + 1, 300, 300, 4096},
        {64, UPPP_PPTP_GRE_MAX_REORDER_MS + 1, 300, 4096},
        {64, 300, 63, 4096},
        {64, 300, 300, 0},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        uppp_pptp_gre_config_init(&cfg);
        cfg.recv_window = rows[i].recv_window;
        cfg.reorder_timeout_ms = rows[i].reorder;
        cfg.missing_window = rows[i].missing;
        cfg.max_payload = rows[i].max_payload;
        assert_int_equal(uppp_pptp_gre_new(&g, &cfg, &cb, NULL), UPPP_ERR_INVALID);
    }
    uppp_pptp_gre_config_init(&cfg);
    assert_int_equal(uppp_pptp_gre_new(&g, &cfg, &cb, NULL), 0);
    uint8_t p[8] = {0};
    assert_int_equal(uppp_pptp_gre_send(g, p, 0, 0), UPPP_ERR_INVALID);
    uint8_t big[4097] = {0};
    assert_int_equal(uppp_pptp_gre_send(g, big, sizeof(big), 0), UPPP_ERR_NOBUF);
    uppp_pptp_gre_del(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_known_answers),
        cmocka_unit_test(test_header_rejects),
        cmocka_unit_test(test_reorder_table),
        cmocka_unit_test(test_no_reorder_wait),
        cmocka_unit_test(test_full_window),
        cmocka_unit_test(test_window_not_enforced),
        cmocka_unit_test(test_send_wrap),
        cmocka_unit_test(test_acks),
        cmocka_unit_test(test_ack_delay),
        cmocka_unit_test(test_poke),
        cmocka_unit_test(test_poke_off),
        cmocka_unit_test(test_forged),
        cmocka_unit_test(test_storm),
        cmocka_unit_test(test_invalid_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
