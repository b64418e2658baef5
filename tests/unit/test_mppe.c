/*
 * The MPPE engine (RFC 3078): coherency-count logic as a table, agreement
 * with an independent model of Linux ppp_mppe's sender, known answers from
 * RFC 3079 section 3.5, long round trips with seeded loss, the two reset
 * policies, the sanity score, the stateless count-jump cap, stats and API
 * errors. Linux compatibility on real captures is in test_mppe_capture.c.
 */
#include "testutil.h"

#include <uppp/err.h>
#include <uppp/mppe.h>
#include <uppp/mppe_keys.h>

#include "crypto.h"

#include <stdio.h>
#include <stdlib.h>

/* RFC 3079 section 3.5: the server's send start key. */
#define START_KEY_HEX "8B7CDC149B993A1BA118CB153F56DCCB"

#define PKT_MAX 512

/* xorshift64*: seeded, so every run sees the same losses. */
static uint64_t rng_state;
static void rng_seed(uint64_t s)
{
    rng_state = s ? s : 1;
}
static uint32_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 32);
}
static int chance(unsigned per_mille)
{
    return rng() % 1000 < per_mille;
}

static void start_key(uint8_t key[16])
{
    tu_hex(START_KEY_HEX, key, 16);
}

static struct uppp_mppe *mk(int bits, int stateless, int policy, unsigned max_rekey)
{
    struct uppp_mppe_config cfg = {
        .bits = bits, .stateless = stateless, .reset_policy = policy, .max_rekey = max_rekey};
    start_key(cfg.start_key);
    struct uppp_mppe *st = NULL;
    assert_int_equal(uppp_mppe_new(&st, &cfg), 0);
    assert_non_null(st);
    return st;
}

static struct uppp_mppe_stats stats_of(const struct uppp_mppe *st)
{
    struct uppp_mppe_stats s;
    assert_int_equal(uppp_mppe_get_stats(st, &s), 0);
    return s;
}

static unsigned pkt_count(const uint8_t *p)
{
    return ((unsigned)(p[0] & 0x0f) << 8) | p[1];
}

/* ---------------------------------------------------------------------
 * An independent model of Linux 6.1 ppp_mppe's compressor (mppe_init,
 * mppe_rekey, mppe_compress), written from its behaviour with the crypto
 * primitives only, to check our sender against.
 */
struct model {
    uint8_t start[16], key[16];
    size_t kl;
    int bits, stateless, flush;
    unsigned cc;
    struct uppp_rc4 *rc4;
};

static void model_salt(struct model *m)
{
    if (m->bits == 40) {
        m->key[0] = 0xd1;
        m->key[1] = 0x26;
        m->key[2] = 0x9e;
    } else if (m->bits == 56) {
        m->key[0] = 0xd1;
    }
}

static void model_init(struct model *m, int bits, int stateless)
{
    memset(m, 0, sizeof(*m));
    start_key(m->start);
    m->bits = bits;
    m->stateless = stateless;
    m->kl = bits == 128 ? 16 : 8;
    /* Initial key: SHA of (start, start), salted, no RC4 step. */
    assert_int_equal(uppp_get_new_key_from_sha(m->start, m->start, m->kl, m->key), 0);
    model_salt(m);
    assert_int_equal(uppp_rc4_new(&m->rc4), 0);
    assert_int_equal(uppp_rc4_setkey(m->rc4, m->key, m->kl), 0);
    m->cc = 4095;
}

static void model_rekey(struct model *m)
{
    uint8_t d[16];
    assert_int_equal(uppp_get_new_key_from_sha(m->start, m->key, m->kl, d), 0);
    assert_int_equal(uppp_rc4_setkey(m->rc4, d, m->kl), 0);
    assert_int_equal(uppp_rc4_crypt(m->rc4, d, m->key, m->kl), 0);
    model_salt(m);
    assert_int_equal(uppp_rc4_setkey(m->rc4, m->key, m->kl), 0);
}

/* plain = protocol field (1 or 2 bytes) + payload. */
static size_t model_encrypt(struct model *m, const uint8_t *plain, size_t n, uint8_t *out)
{
    m->cc = (m->cc + 1) % 4096;
    uint8_t bits = 0x10;
    if (m->stateless || (m->cc & 0xff) == 0xff || m->flush) {
        model_rekey(m);
        bits |= 0x80;
    }
    m->flush = 0;
    out[0] = (uint8_t)(bits | (m->cc >> 8));
    out[1] = (uint8_t)m->cc;
    assert_int_equal(uppp_rc4_crypt(m->rc4, plain, out + 2, n), 0);
    return n + 2;
}

/* ---------------------------------------------------------------------
 * A sender/receiver pair and the packets in flight.
 */
struct sent {
    uint8_t pkt[PKT_MAX];
    size_t len;
    uint8_t payload[PKT_MAX];
    size_t plen;
    int answers_reset; /* stateful, FLUSHED because of a Reset-Request */
};

struct link {
    struct uppp_mppe *tx, *rx;
    uint32_t seq;
    int ip_like; /* payloads start like an IPv4 header (0x45) */
    int reset_pending;
    struct sent ring[8]; /* the last packets sent, ring[seq % 8] */
};

static void link_init(struct link *l, int bits, int stateless, int tx_policy, int rx_policy,
                      unsigned max_rekey)
{
    memset(l, 0, sizeof(*l));
    l->tx = mk(bits, stateless, tx_policy, max_rekey);
    l->rx = mk(bits, stateless, rx_policy, max_rekey);
}

static void link_free(struct link *l)
{
    uppp_mppe_del(l->tx);
    uppp_mppe_del(l->rx);
}

static void link_reset_request(struct link *l)
{
    assert_int_equal(uppp_mppe_reset_requested(l->tx), 0);
    l->reset_pending = 1;
}

/* Encrypt the next packet: protocol 0x0021, a payload that names its
 * sequence number, random length when plen is 0. */
static struct sent *link_send(struct link *l, size_t plen)
{
    struct sent *s = &l->ring[l->seq % 8];
    if (plen == 0)
        plen = 4 + rng() % 200;
    s->plen = plen;
    for (size_t i = 0; i < plen; i++)
        s->payload[i] = (uint8_t)(i < 4 ? l->seq >> (8 * i) : rng());
    if (l->ip_like)
        s->payload[0] = 0x45;
    int n = uppp_mppe_encrypt(l->tx, 0x0021, s->payload, plen, s->pkt, sizeof(s->pkt));
    assert_int_equal(n, (int)plen + UPPP_MPPE_OVERHEAD);
    s->len = (size_t)n;
    s->answers_reset = l->reset_pending && (s->pkt[0] & UPPP_MPPE_BIT_FLUSHED);
    l->reset_pending = 0;
    l->seq++;
    return s;
}

/* Deliver a copy of s; if OK, the payload must be exactly what was sent. */
static int link_deliver(struct link *l, const struct sent *s, struct uppp_mppe_rx *rx)
{
    uint8_t buf[PKT_MAX];
    memcpy(buf, s->pkt, s->len);
    int res = uppp_mppe_decrypt(l->rx, buf, s->len, rx);
    if (res == UPPP_MPPE_OK) {
        assert_int_equal(rx->reason, UPPP_MPPE_DROP_NONE);
        assert_int_equal(rx->protocol, 0x0021);
        assert_int_equal(rx->payload_len, s->plen);
        assert_memory_equal(rx->payload, s->payload, s->plen);
        assert_true(rx->payload >= buf && rx->payload + rx->payload_len <= buf + s->len);
    } else {
        assert_int_not_equal(rx->reason, UPPP_MPPE_DROP_NONE);
    }
    return res;
}

/* Send and deliver n packets in order, all of which must be OK. */
static void link_sync(struct link *l, int n)
{
    for (int i = 0; i < n; i++) {
        struct uppp_mppe_rx rx;
        assert_int_equal(link_deliver(l, link_send(l, 8), &rx), UPPP_MPPE_OK);
    }
}

/* ---------------------------------------------------------------------
 * The coherency-count table. Each row builds a fresh link, then:
 * delivers `pre` packets in order; sends `lost1` that never arrive; if
 * `probe`, delivers one more (which must say NEED_RESET: the receiver is
 * now discarding); sends `lost2` more that never arrive; gives the sender a
 * Reset-Request if `reset`; and then delivers the packet under test: the
 * next one sent, or (replay > 0) a copy of the one sent `replay` packets
 * ago, with header bits set/cleared and truncated as asked. It checks the
 * result, the reason, the packet's count and the receiver's key changes.
 */
struct cc_row {
    const char *name;
    int stateless, policy;
    unsigned max_rekey;
    int pre, lost1, probe, lost2, reset, replay;
    uint8_t set_bits, clear_bits;
    size_t truncate;
    unsigned count; /* coherency count of the packet under test */
    int result;
    enum uppp_mppe_drop_reason reason;
    unsigned rekeys;
};

#define LNX UPPP_MPPE_RESET_LINUX
#define RFC UPPP_MPPE_RESET_RFC3078
#define OK_ UPPP_MPPE_OK, UPPP_MPPE_DROP_NONE
#define DROP(r) UPPP_MPPE_DROP, UPPP_MPPE_DROP_##r
#define A UPPP_MPPE_BIT_A
#define B UPPP_MPPE_BIT_B
#define C UPPP_MPPE_BIT_C
#define D UPPP_MPPE_BIT_D

static const struct cc_row cc_rows[] = {
    /* name                                    sl pol cap  pre lost1 probe lost2 rst rpl set clr
       trunc count result rekeys */
    /* Stateful, Linux policy. */
    {"sf: first packet, count 0, initial key", 0, LNX, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, OK_, 0},
    {"sf: in order", 0, LNX, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 5, OK_, 0},
    {"sf: flag packet 0xFF changes key", 0, LNX, 0, 255, 0, 0, 0, 0, 0, 0, 0, 0, 255, OK_, 1},
    {"sf: packet after the flag", 0, LNX, 0, 256, 0, 0, 0, 0, 0, 0, 0, 0, 256, OK_, 0},
    {"sf: flag packet without FLUSHED", 0, LNX, 0, 255, 0, 0, 0, 0, 0, 0, A, 0, 255,
     DROP(NOT_FLUSHED), 0},
    {"sf: gap asks for a reset", 0, LNX, 0, 10, 2, 0, 0, 0, 0, 0, 0, 0, 12, UPPP_MPPE_NEED_RESET,
     UPPP_MPPE_DROP_PACKET_LOSS, 0},
    {"sf: discarding drops non-FLUSHED", 0, LNX, 0, 10, 2, 1, 0, 0, 0, 0, 0, 0, 13,
     DROP(WAIT_FLUSHED), 0},
    {"sf: FLUSHED resyncs, one key change", 0, LNX, 0, 10, 2, 1, 3, 1, 0, 0, 0, 0, 16, OK_, 1},
    {"sf: resync across a missed flag", 0, LNX, 0, 250, 1, 1, 10, 1, 0, 0, 0, 0, 262, OK_, 2},
    {"sf: resync across the wrap (0xFFF)", 0, LNX, 0, 4090, 1, 1, 10, 1, 0, 0, 0, 0, 6, OK_, 2},
    {"sf: resync across three blocks", 0, LNX, 0, 10, 1, 1, 1000, 1, 0, 0, 0, 0, 1012, OK_, 4},
    {"sf: loss revealed by a FLUSHED packet", 0, LNX, 0, 10, 3, 0, 0, 1, 0, 0, 0, 0, 13, OK_, 1},
    {"sf: loss revealed by the flag packet", 0, LNX, 0, 200, 55, 0, 0, 0, 0, 0, 0, 0, 255, OK_, 1},
    {"sf: flag packet after a missed flag", 0, LNX, 0, 200, 311, 0, 0, 0, 0, 0, 0, 0, 511, OK_, 2},
    {"sf: reset answered in order", 0, LNX, 0, 10, 0, 0, 0, 1, 0, 0, 0, 0, 10, OK_, 1},
    {"sf: duplicate is not a loss", 0, LNX, 0, 10, 0, 0, 0, 0, 1, 0, 0, 0, 9, DROP(OLD_COUNT), 0},
    {"sf: late packet is not a loss", 0, LNX, 0, 100, 0, 0, 0, 0, 3, 0, 0, 0, 97, DROP(OLD_COUNT),
     0},
    {"sf: D bit clear", 0, LNX, 0, 3, 0, 0, 0, 0, 0, 0, D, 0, 3, DROP(NOT_ENCRYPTED), 0},
    {"sf: B and C ignored (as Linux)", 0, LNX, 0, 3, 0, 0, 0, 0, 0, B | C, 0, 0, 3, OK_, 0},
    {"sf: header only", 0, LNX, 0, 3, 0, 0, 0, 0, 0, 0, 0, 2, 3, DROP(TOO_SHORT), 0},
    {"sf: 0xFFF is a flag packet", 0, LNX, 0, 4095, 0, 0, 0, 0, 0, 0, 0, 0, 4095, OK_, 1},
    {"sf: count wraps to 0", 0, LNX, 0, 4096, 0, 0, 0, 0, 0, 0, 0, 0, 0, OK_, 0},
    /* Stateful, RFC 3078 section 8.2 policy. */
    {"rfc: reset answered by RC4 re-init", 0, RFC, 0, 10, 0, 0, 0, 1, 0, 0, 0, 0, 10, OK_, 0},
    {"rfc: FLUSHED resyncs by re-init", 0, RFC, 0, 10, 2, 1, 3, 1, 0, 0, 0, 0, 16, OK_, 0},
    {"rfc: resync across a missed flag", 0, RFC, 0, 250, 1, 1, 10, 1, 0, 0, 0, 0, 262, OK_, 1},
    {"rfc: reset on a flag packet", 0, RFC, 0, 255, 0, 0, 0, 1, 0, 0, 0, 0, 255, OK_, 1},
    {"rfc: flag packet changes key", 0, RFC, 0, 255, 0, 0, 0, 0, 0, 0, 0, 0, 255, OK_, 1},
    /* Stateless: a key change per count step, whatever the policy. */
    {"sl: first packet, one key change", 1, LNX, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, OK_, 1},
    {"sl: in order", 1, LNX, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 7, OK_, 1},
    {"sl: 9 lost, 10 key changes", 1, LNX, 0, 5, 9, 0, 0, 0, 0, 0, 0, 0, 14, OK_, 10},
    {"sl: duplicate", 1, LNX, 0, 5, 0, 0, 0, 0, 1, 0, 0, 0, 4, DROP(OLD_COUNT), 0},
    {"sl: late", 1, LNX, 0, 50, 0, 0, 0, 0, 3, 0, 0, 0, 47, DROP(OLD_COUNT), 0},
    {"sl: FLUSHED missing", 1, LNX, 0, 5, 0, 0, 0, 0, 0, 0, A, 0, 5, DROP(NOT_FLUSHED), 0},
    {"sl: jump at the cap", 1, LNX, 16, 5, 15, 0, 0, 0, 0, 0, 0, 0, 20, OK_, 16},
    {"sl: jump beyond the cap", 1, LNX, 16, 5, 16, 0, 0, 0, 0, 0, 0, 0, 21, DROP(COUNT_JUMP), 0},
    {"sl: default cap 1000 (FreeBSD)", 1, LNX, 0, 1, 1000, 0, 0, 0, 0, 0, 0, 0, 1001,
     DROP(COUNT_JUMP), 0},
    {"sl: count wraps to 0", 1, LNX, 0, 4096, 0, 0, 0, 0, 0, 0, 0, 0, 0, OK_, 1},
    {"sl: D bit clear", 1, LNX, 0, 5, 0, 0, 0, 0, 0, 0, D, 0, 5, DROP(NOT_ENCRYPTED), 0},
    {"sl: Reset-Request changes nothing", 1, LNX, 0, 5, 0, 0, 0, 1, 0, 0, 0, 0, 5, OK_, 1},
    {"sl: same under RFC policy", 1, RFC, 0, 5, 9, 0, 0, 1, 0, 0, 0, 0, 14, OK_, 10},
};

static void run_cc_row(const struct cc_row *r)
{
    struct link l;
    struct uppp_mppe_rx rx;
    link_init(&l, 128, r->stateless, r->policy, r->policy, r->max_rekey);
    link_sync(&l, r->pre);
    for (int i = 0; i < r->lost1; i++)
        link_send(&l, 8);
    if (r->probe)
        assert_int_equal(link_deliver(&l, link_send(&l, 8), &rx), UPPP_MPPE_NEED_RESET);
    for (int i = 0; i < r->lost2; i++)
        link_send(&l, 8);
    if (r->reset)
        link_reset_request(&l);
    struct sent s = r->replay ? l.ring[(l.seq - (uint32_t)r->replay) % 8] : *link_send(&l, 8);
    s.pkt[0] = (uint8_t)((s.pkt[0] | r->set_bits) & ~r->clear_bits);
    if (r->truncate)
        s.len = r->truncate;
    if (pkt_count(s.pkt) != r->count)
        fail_msg("%s: packet count %u, table says %u", r->name, pkt_count(s.pkt), r->count);
    uint64_t before = stats_of(l.rx).rekeys;
    int res = link_deliver(&l, &s, &rx);
    uint64_t rekeys = stats_of(l.rx).rekeys - before;
    if (res != r->result || rx.reason != r->reason || rekeys != r->rekeys)
        fail_msg("%s: got result %d reason %d (%s) rekeys %llu; want %d %d %llu", r->name, res,
                 rx.reason, uppp_mppe_drop_reason_str(rx.reason), (unsigned long long)rekeys,
                 r->result, r->reason, (unsigned long long)r->rekeys);
    /* After an OK the link stays in sync. */
    if (res == UPPP_MPPE_OK)
        link_sync(&l, 3);
    link_free(&l);
}

static void test_coherency_table(void **state)
{
    (void)state;
    rng_seed(7);
    for (size_t i = 0; i < sizeof(cc_rows) / sizeof(cc_rows[0]); i++)
        run_cc_row(&cc_rows[i]);
}

/* ---------------------------------------------------------------------
 * Known answers and the Linux model.
 */

/* RFC 3079 section 3.5 encrypts "test message" under the initial session
 * key; a stateful first packet (count 0, no FLUSHED, no key change) must
 * use exactly that keystream. */
static void test_first_packet_known_answer(void **state)
{
    (void)state;
    static const struct {
        int bits;
        const char *cipher;
    } kat[] = {
        {40, "929137917E5803D668D75898"},
        {56, "3F106833FA448DA842BC57B8"}, /* RFC misprints the last byte as 58 */
        {128, "81848317DF68846272FB5ABE"},
    };
    const uint8_t *msg = (const uint8_t *)"test message";
    for (size_t k = 0; k < 3; k++) {
        uint8_t keystream[12], payload[10] = "abcdefghij", out[64];
        tu_hex(kat[k].cipher, keystream, 12);
        for (int i = 0; i < 12; i++)
            keystream[i] ^= msg[i];
        struct uppp_mppe *tx = mk(kat[k].bits, 0, LNX, 0);
        assert_int_equal(uppp_mppe_encrypt(tx, 0x0021, payload, 10, out, sizeof(out)), 14);
        assert_int_equal(out[0], UPPP_MPPE_BIT_D); /* count 0, not FLUSHED */
        assert_int_equal(out[1], 0);
        uint8_t plain[12] = {0x00, 0x21};
        memcpy(plain + 2, payload, 10);
        for (int i = 0; i < 12; i++)
            assert_int_equal(out[2 + i] ^ plain[i], keystream[i]);
        uppp_mppe_del(tx);
    }
}

/* Our sender and receiver against the Linux model over two wraps of the
 * count, stateful and stateless, all strengths, with Reset-Requests
 * sprinkled in: identical bytes on the wire, identical plaintext out. */
static void test_sender_matches_linux_model(void **state)
{
    (void)state;
    static const int bits[] = {40, 56, 128};
    rng_seed(11);
    for (int stateless = 0; stateless <= 1; stateless++) {
        for (size_t b = 0; b < 3; b++) {
            struct model m;
            model_init(&m, bits[b], stateless);
            struct link l;
            link_init(&l, bits[b], stateless, LNX, LNX, 0);
            int n = 2 * 4096 + 300;
            for (int i = 0; i < n; i++) {
                if (i % 997 == 500) {
                    link_reset_request(&l);
                    m.flush = 1;
                }
                struct sent *s = link_send(&l, 1 + rng() % 64);
                uint8_t plain[PKT_MAX] = {0x00, 0x21}, want[PKT_MAX];
                memcpy(plain + 2, s->payload, s->plen);
                size_t wn = model_encrypt(&m, plain, s->plen + 2, want);
                assert_int_equal(wn, s->len);
                assert_memory_equal(s->pkt, want, wn);
                assert_int_equal(pkt_count(s->pkt), (unsigned)i % 4096);
                struct uppp_mppe_rx rx;
                assert_int_equal(link_deliver(&l, s, &rx), UPPP_MPPE_OK);
            }
            struct uppp_mppe_stats ts = stats_of(l.tx), rs = stats_of(l.rx);
            /* Stateful: one key change per flag packet (counts x..0xFF:
             * 32 in two wraps, plus 1 in the last 300) and one per reset
             * (9 of them, none on a flag packet). Stateless: one each. */
            uint64_t want_rekeys = stateless ? (uint64_t)n : 33 + 9;
            assert_int_equal(ts.rekeys, want_rekeys);
            assert_int_equal(rs.rekeys, want_rekeys);
            assert_int_equal(ts.flushed, want_rekeys);
            assert_int_equal(rs.packets, (uint64_t)n);
            assert_int_equal(rs.dropped, 0);
            uppp_rc4_free(m.rc4);
            link_free(&l);
        }
    }
}

/* Packets longer than an Ethernet MTU, stateless and stateful, all
 * strengths: the sender's bytes match the Linux model octet for octet
 * (copying and in-place encryption alike), and the receiver hands back the
 * exact payload. An earlier speed-up once broke packets over 1500 octets
 * without any other test noticing. */
static void test_long_packets(void **state)
{
    (void)state;
    static const size_t sizes[] = {1, 1397, 1498, 1499, 1500, 1501, 1502, 1600, 2048, 4095, 9000};
    static const int bits[] = {40, 56, 128};
    enum { BIG = 9000 + UPPP_MPPE_OVERHEAD };
    static uint8_t plain[BIG], want[BIG], pkt[BIG], inplace[BIG];
    rng_seed(23);
    for (int stateless = 0; stateless <= 1; stateless++) {
        for (size_t b = 0; b < 3; b++) {
            struct model m;
            model_init(&m, bits[b], stateless);
            struct uppp_mppe *tx = mk(bits[b], stateless, LNX, 0);
            struct uppp_mppe *rx = mk(bits[b], stateless, LNX, 0);
            /* Twice through the sizes, a little over 256 packets: stateful
             * mode then crosses a flag packet (key change) as well. */
            for (int i = 0; i < 300; i++) {
                size_t n = sizes[(size_t)i % (sizeof(sizes) / sizeof(sizes[0]))];
                plain[0] = 0x00;
                plain[1] = 0x21;
                for (size_t k = 0; k < n; k++)
                    plain[2 + k] = (uint8_t)rng();
                size_t wn = model_encrypt(&m, plain, n + 2, want);
                int got;
                if (i % 2) {
                    memcpy(inplace + UPPP_MPPE_OVERHEAD, plain + 2, n);
                    got = uppp_mppe_encrypt(tx, 0x0021, inplace + UPPP_MPPE_OVERHEAD, n, inplace,
                                            sizeof(inplace));
                    memcpy(pkt, inplace, n + UPPP_MPPE_OVERHEAD);
                } else {
                    got = uppp_mppe_encrypt(tx, 0x0021, plain + 2, n, pkt, sizeof(pkt));
                }
                assert_int_equal(got, (int)wn);
                assert_memory_equal(pkt, want, wn);
                struct uppp_mppe_rx r;
                assert_int_equal(uppp_mppe_decrypt(rx, pkt, wn, &r), UPPP_MPPE_OK);
                assert_int_equal(r.protocol, 0x0021);
                assert_int_equal(r.payload_len, n);
                assert_memory_equal(r.payload, plain + 2, n);
            }
            uppp_rc4_free(m.rc4);
            uppp_mppe_del(tx);
            uppp_mppe_del(rx);
        }
    }
}

/* The decrypted protocol may be PFC-compressed (Linux accepts it). */
static void test_pfc_inside(void **state)
{
    (void)state;
    struct model m;
    model_init(&m, 128, 1);
    struct uppp_mppe *rx = mk(128, 1, LNX, 0);
    uint8_t plain[] = {0x57, 0x60, 0x00, 0x00, 0x00}, pkt[16];
    size_t n = model_encrypt(&m, plain, sizeof(plain), pkt);
    struct uppp_mppe_rx r;
    assert_int_equal(uppp_mppe_decrypt(rx, pkt, n, &r), UPPP_MPPE_OK);
    assert_int_equal(r.protocol, 0x0057);
    assert_int_equal(r.payload_len, 4);
    assert_memory_equal(r.payload, plain + 1, 4);
    /* A one-byte protocol outside 0x21..0xFA is garbage. */
    uint8_t bad[] = {0x01, 0xaa};
    n = model_encrypt(&m, bad, sizeof(bad), pkt);
    assert_int_equal(uppp_mppe_decrypt(rx, pkt, n, &r), UPPP_MPPE_DROP);
    assert_int_equal(r.reason, UPPP_MPPE_DROP_BAD_PROTOCOL);
    /* So is an even two-byte one, even inside the range. */
    uint8_t even[] = {0x00, 0x22, 0xaa};
    n = model_encrypt(&m, even, sizeof(even), pkt);
    assert_int_equal(uppp_mppe_decrypt(rx, pkt, n, &r), UPPP_MPPE_DROP);
    assert_int_equal(r.reason, UPPP_MPPE_DROP_BAD_PROTOCOL);
    /* A protocol byte alone is a valid, empty packet. */
    uint8_t only[] = {0x21};
    n = model_encrypt(&m, only, sizeof(only), pkt);
    assert_int_equal(uppp_mppe_decrypt(rx, pkt, n, &r), UPPP_MPPE_OK);
    assert_int_equal(r.protocol, 0x0021);
    assert_int_equal(r.payload_len, 0);
    uppp_rc4_free(m.rc4);
    uppp_mppe_del(rx);
}

/* Zero-copy encryption gives the same bytes as the copying path. */
static void test_encrypt_in_place(void **state)
{
    (void)state;
    for (int stateless = 0; stateless <= 1; stateless++) {
        struct uppp_mppe *a = mk(128, stateless, LNX, 0), *b = mk(128, stateless, LNX, 0);
        for (int i = 0; i < 600; i++) {
            uint8_t payload[100], out1[128], out2[128];
            for (size_t j = 0; j < sizeof(payload); j++)
                payload[j] = (uint8_t)(i + j);
            size_t len = 1 + (size_t)i % 100;
            assert_int_equal(uppp_mppe_encrypt(a, 0x0057, payload, len, out1, sizeof(out1)),
                             (int)len + 4);
            memcpy(out2 + UPPP_MPPE_OVERHEAD, payload, len);
            assert_int_equal(
                uppp_mppe_encrypt(b, 0x0057, out2 + UPPP_MPPE_OVERHEAD, len, out2, sizeof(out2)),
                (int)len + 4);
            assert_memory_equal(out1, out2, len + 4);
        }
        uppp_mppe_del(a);
        uppp_mppe_del(b);
    }
}

/* ---------------------------------------------------------------------
 * Round trips with seeded impairment.
 */
struct rt_result {
    int delivered, lost, resets, resyncs;
};

/* n packets through a channel that drops (per mille), duplicates and swaps
 * neighbours. On NEED_RESET the Reset-Request reaches the sender 3 packets
 * later; while the receiver keeps waiting, it is repeated every 20 packets
 * (CCP's restart timer). With protect_reset, the FLUSHED packet answering a
 * Reset-Request is never dropped or delayed: Linux's scheme cannot survive
 * its loss (see test_lost_reset_answer), nor its overtaking by a later
 * FLUSHED packet. Every OK must carry exactly what was sent
 * (link_deliver checks). */
static struct rt_result round_trip(int stateless, int policy, int bits, unsigned drop,
                                   int protect_reset, int n, uint64_t seed)
{
    struct link l;
    struct rt_result res = {0};
    rng_seed(seed);
    link_init(&l, bits, stateless, policy, policy, 0);
    int reset_in = -1, waiting_for = 0;
    struct sent held;
    int have_held = 0;
    for (int i = 0; i < n; i++) {
        if (reset_in >= 0 && reset_in-- == 0)
            link_reset_request(&l);
        struct sent s = *link_send(&l, 0);
        struct sent *order[3];
        int k = 0;
        if (chance(drop) && !(protect_reset && s.answers_reset)) {
            res.lost++;
        } else if (!have_held && !(protect_reset && s.answers_reset) && chance(10)) {
            held = s; /* delivered after the next one */
            have_held = 1;
            continue;
        } else {
            order[k++] = &s;
            if (chance(10))
                order[k++] = &s;
        }
        if (have_held) {
            order[k++] = &held;
            have_held = 0;
        }
        for (int j = 0; j < k; j++) {
            struct uppp_mppe_rx rx;
            int r = link_deliver(&l, order[j], &rx);
            if (r == UPPP_MPPE_OK) {
                res.delivered++;
            } else if (r == UPPP_MPPE_NEED_RESET) {
                assert_false(stateless);
                res.resets++;
                reset_in = 3;
            } else {
                assert_int_equal(r, UPPP_MPPE_DROP);
                assert_true(rx.reason == UPPP_MPPE_DROP_OLD_COUNT ||
                            rx.reason == UPPP_MPPE_DROP_WAIT_FLUSHED);
            }
        }
        if (uppp_mppe_rx_waiting(l.rx)) {
            if (++waiting_for % 20 == 0)
                reset_in = 0;
        } else {
            waiting_for = 0;
        }
    }
    /* The link ends usable: after a last reset, a clean packet gets through. */
    link_reset_request(&l);
    struct uppp_mppe_rx rx;
    assert_int_equal(link_deliver(&l, link_send(&l, 0), &rx), UPPP_MPPE_OK);
    res.resyncs = (int)stats_of(l.rx).resyncs;
    assert_int_equal(stats_of(l.rx).sanity < 100, 1);
    link_free(&l);
    print_message("%s %s %d-bit: %d sent, %d lost on the wire, %d delivered, %d resets, "
                  "%d resyncs\n",
                  stateless ? "stateless" : "stateful", policy == LNX ? "linux" : "rfc3078", bits,
                  n, res.lost, res.delivered, res.resets, res.resyncs);
    return res;
}

static void test_round_trip_stateless(void **state)
{
    (void)state;
    struct rt_result r = round_trip(1, LNX, 128, 50, 0, 10000, 1);
    /* Stateless loses only what the channel lost, and the swapped ones. */
    assert_true(r.lost > 300);
    assert_true(r.delivered > 10000 - r.lost - 200);
    assert_int_equal(r.resets, 0);
    r = round_trip(1, LNX, 40, 50, 0, 10000, 2);
    assert_true(r.delivered > 10000 - r.lost - 200);
}

static void test_round_trip_stateful_linux(void **state)
{
    (void)state;
    struct rt_result r = round_trip(0, LNX, 128, 20, 1, 10000, 3);
    assert_true(r.lost > 100);
    assert_true(r.resets > 50);
    assert_true(r.resyncs >= r.resets / 2);
    assert_true(r.delivered > 7000);
    r = round_trip(0, LNX, 40, 20, 1, 10000, 4);
    assert_true(r.resets > 50 && r.delivered > 7000);
}

static void test_round_trip_stateful_rfc(void **state)
{
    (void)state;
    /* RFC 3078 policy survives losing anything, Reset answers included. */
    struct rt_result r = round_trip(0, RFC, 128, 20, 0, 10000, 5);
    assert_true(r.lost > 100);
    assert_true(r.resets > 50);
    assert_true(r.delivered > 7000);
}

/* Sender and receiver agree across the 0xFF boundary and the 4096 wrap
 * with no loss at all: every packet OK, no reset, no resync. */
static void test_agree_across_boundaries(void **state)
{
    (void)state;
    for (int stateless = 0; stateless <= 1; stateless++) {
        struct link l;
        link_init(&l, 128, stateless, LNX, LNX, 0);
        rng_seed(13);
        link_sync(&l, 4096 + 4096 + 257);
        struct uppp_mppe_stats s = stats_of(l.rx);
        assert_int_equal(s.packets, 8449);
        assert_int_equal(s.resets + s.resyncs + s.dropped, 0);
        assert_int_equal(s.rekeys, stateless ? 8449 : 33);
        link_free(&l);
    }
}

/* ---------------------------------------------------------------------
 * Reset policies.
 */

/* Loss, Reset-Request, FLUSHED answer; then 20 packets. Returns how many
 * of the 21 were delivered intact. */
static int reset_exchange(int tx_policy, int rx_policy)
{
    struct link l;
    struct uppp_mppe_rx rx;
    rng_seed(17);
    link_init(&l, 128, 0, tx_policy, rx_policy, 0);
    link_sync(&l, 10);
    link_send(&l, 8);
    assert_int_equal(link_deliver(&l, link_send(&l, 8), &rx), UPPP_MPPE_NEED_RESET);
    link_reset_request(&l);
    int good = 0;
    for (int i = 0; i < 21; i++) {
        struct sent *s = link_send(&l, 40);
        uint8_t buf[PKT_MAX];
        memcpy(buf, s->pkt, s->len);
        int r = uppp_mppe_decrypt(l.rx, buf, s->len, &rx);
        good += r == UPPP_MPPE_OK && rx.payload_len == s->plen &&
                memcmp(rx.payload, s->payload, s->plen) == 0;
    }
    link_free(&l);
    return good;
}

static void test_reset_policies(void **state)
{
    (void)state;
    assert_int_equal(reset_exchange(LNX, LNX), 21);
    assert_int_equal(reset_exchange(RFC, RFC), 21);
    /* Linux and FreeBSD/npppd behaviour do not mix: garbage from the
     * first reset on. */
    assert_int_equal(reset_exchange(LNX, RFC), 0);
    assert_int_equal(reset_exchange(RFC, LNX), 0);

    /* Several Reset-Requests before the next packet count as one. */
    struct link l;
    struct uppp_mppe_rx rx;
    link_init(&l, 128, 0, LNX, LNX, 0);
    link_sync(&l, 3);
    link_reset_request(&l);
    link_reset_request(&l);
    link_reset_request(&l);
    struct sent *s = link_send(&l, 8);
    assert_true(s->pkt[0] & UPPP_MPPE_BIT_FLUSHED);
    assert_int_equal(link_deliver(&l, s, &rx), UPPP_MPPE_OK);
    s = link_send(&l, 8);
    assert_false(s->pkt[0] & UPPP_MPPE_BIT_FLUSHED);
    assert_int_equal(link_deliver(&l, s, &rx), UPPP_MPPE_OK);
    assert_int_equal(stats_of(l.tx).rekeys, 1);
    assert_int_equal(stats_of(l.tx).resets, 3);
    link_free(&l);
}

/* The FLUSHED packet answering a Reset-Request is lost and the request is
 * repeated. The RFC 3078 scheme did not change the key, so the second
 * answer resyncs. Linux's changed it twice and a Linux receiver can only
 * know of one, so between two Linux peers the link stays garbage; our
 * receiver looks a few key changes further when it resyncs and recovers. */
static int lost_reset_answer(int policy)
{
    struct link l;
    struct uppp_mppe_rx rx;
    rng_seed(19);
    link_init(&l, 128, 0, policy, policy, 0);
    l.ip_like = 1;
    link_sync(&l, 10);
    link_send(&l, 8);
    assert_int_equal(link_deliver(&l, link_send(&l, 8), &rx), UPPP_MPPE_NEED_RESET);
    link_reset_request(&l);
    assert_true(link_send(&l, 8)->answers_reset); /* lost */
    for (int i = 0; i < 5; i++)
        assert_int_equal(link_deliver(&l, link_send(&l, 8), &rx), UPPP_MPPE_DROP);
    link_reset_request(&l);
    int good = 0;
    for (int i = 0; i < 20; i++) {
        struct sent *s = link_send(&l, 40);
        uint8_t buf[PKT_MAX];
        memcpy(buf, s->pkt, s->len);
        int r = uppp_mppe_decrypt(l.rx, buf, s->len, &rx);
        good += r == UPPP_MPPE_OK && rx.payload_len == s->plen &&
                memcmp(rx.payload, s->payload, s->plen) == 0;
    }
    link_free(&l);
    return good;
}

/* Linux policy: the answer to a Reset-Request is lost and nothing more is
 * asked; the next FLUSHED packet is the flag packet at count 0x..FF, two
 * key changes after our last good one where a Linux receiver would count
 * one. We find the second and say so in the stats. */
static void test_lost_reset_answer_flag_packet(void **state)
{
    (void)state;
    struct link l;
    struct uppp_mppe_rx rx;
    rng_seed(23);
    link_init(&l, 128, 0, LNX, LNX, 0);
    l.ip_like = 1;
    link_sync(&l, 100);
    link_send(&l, 8); /* lost */
    assert_int_equal(link_deliver(&l, link_send(&l, 8), &rx), UPPP_MPPE_NEED_RESET);
    link_reset_request(&l);
    assert_true(link_send(&l, 8)->answers_reset); /* lost too */
    int flag_seen = 0, good_after = 0;
    for (int i = 0; i < 300; i++) {
        struct sent *s = link_send(&l, 30);
        int is_flag = (pkt_count(s->pkt) & 0xff) == 0xff;
        int r = link_deliver(&l, s, &rx);
        if (is_flag) {
            flag_seen = 1;
            assert_int_equal(r, UPPP_MPPE_OK);
        }
        if (flag_seen)
            good_after += r == UPPP_MPPE_OK;
        else
            assert_int_equal(r, UPPP_MPPE_DROP);
    }
    assert_true(flag_seen);
    assert_true(good_after > 0);
    struct uppp_mppe_stats st = stats_of(l.rx);
    assert_int_equal(st.resync_extra_keys, 1);
    assert_int_equal(st.resyncs, 1);
    link_free(&l);
}

/* An independent model of Linux 6.1 ppp_mppe's stateful decompressor
 * (mppe_decompress): in the discard state a FLUSHED packet resyncs after
 * one key change per 256-count block crossed; every FLUSHED packet then
 * changes key. It does not look at the decrypted protocol. */
struct linux_rx {
    struct model m;
    int discard;
};

/* Returns 1 if the packet decrypts to exactly plain (2-octet protocol
 * 0x0021 + payload), 0 if dropped or garbage. */
static int linux_rx_packet(struct linux_rx *r, const uint8_t *pkt, size_t len, const uint8_t *plain,
                           size_t plen)
{
    unsigned cc = ((unsigned)(pkt[0] & 0x0f) << 8) | pkt[1];
    int flushed = (pkt[0] & 0x80) != 0;
    if (!r->discard) {
        r->m.cc = (r->m.cc + 1) % 4096;
        if (cc != r->m.cc) {
            r->discard = 1;
            return 0;
        }
    } else {
        if (!flushed)
            return 0;
        while ((cc & ~0xffu) != (r->m.cc & ~0xffu)) {
            model_rekey(&r->m);
            r->m.cc = (r->m.cc + 256) % 4096;
        }
        r->discard = 0;
        r->m.cc = cc;
    }
    if (flushed)
        model_rekey(&r->m);
    uint8_t out[PKT_MAX];
    assert_int_equal(uppp_rc4_crypt(r->m.rc4, pkt + 2, out, len - 2), 0);
    return len - 2 == plen && memcmp(out, plain, plen) == 0;
}

/* Our sender against the Linux receiver model, losing a packet now and
 * then and the answer to every Reset-Request, for 900 packets; then 300
 * packets on a clean line, of which the last 300 are counted. With Linux's
 * own answer the two never agree again; with the flag-packet answer
 * (UPPP_MPPE_RESET_LINUX_FLAG) they agree again at the next flag packet. */
static int lost_answers_vs_linux_rx(int policy)
{
    struct link l;
    rng_seed(29);
    link_init(&l, 128, 0, policy, policy, 0);
    struct linux_rx r;
    model_init(&r.m, 128, 0);
    r.discard = 0;
    int good_late = 0;
    for (int i = 0; i < 1500; i++) {
        struct sent *s = link_send(&l, 20);
        uint8_t plain[PKT_MAX];
        plain[0] = 0x00;
        plain[1] = 0x21;
        memcpy(plain + 2, s->payload, s->plen);
        int lost = i < 900 && ((i % 97) == 13 || s->answers_reset);
        if (lost)
            continue;
        int was_discarding = r.discard;
        int ok = linux_rx_packet(&r, s->pkt, s->len, plain, s->plen + 2);
        if (!was_discarding && r.discard)
            link_reset_request(&l); /* pppd sends CCP Reset-Request */
        if (i >= 1200)
            good_late += ok;
    }
    uppp_rc4_free(r.m.rc4);
    link_free(&l);
    return good_late;
}

static void test_flag_answer_survives_loss_vs_linux(void **state)
{
    (void)state;
    assert_int_equal(lost_answers_vs_linux_rx(LNX), 0);
    assert_int_equal(lost_answers_vs_linux_rx(UPPP_MPPE_RESET_LINUX_FLAG), 300);
}

static void test_lost_reset_answer(void **state)
{
    (void)state;
    assert_int_equal(lost_reset_answer(RFC), 20);
    assert_int_equal(lost_reset_answer(LNX), 20);
}

/* A resync can only guess which key change a Linux peer is at: when the
 * answer to a Reset-Request was lost, the next FLUSHED packet is the only
 * witness, and if it does not start like IP the guess falls back to the key
 * the counts explain, one change behind the sender. Every in-order packet
 * after that decrypts to junk. A Linux receiver keeps changing key on each
 * FLUSHED packet in step with the sender and never catches up (seen in the
 * interop matrix against pppd 2.4.9 as minutes of junk on a quiet link);
 * ours takes junk as a loss of sync, discards until the next FLUSHED
 * packet and looks ahead again there. */
static void test_wrong_resync_guess_recovers(void **state)
{
    (void)state;
    struct link l;
    struct uppp_mppe_rx rx;
    rng_seed(29);
    link_init(&l, 128, 0, LNX, UPPP_MPPE_RESET_LINUX_FLAG, 0);
    l.ip_like = 1;
    link_sync(&l, 10);
    link_send(&l, 8); /* lost */
    assert_int_equal(link_deliver(&l, link_send(&l, 8), &rx), UPPP_MPPE_NEED_RESET);
    link_reset_request(&l);
    assert_true(link_send(&l, 8)->answers_reset); /* lost: the sender is a key ahead */
    link_reset_request(&l);
    /* The answer that arrives is not IP (its first octet is not 0x45..0x4f
     * under any key we try, with this seed), so the resync falls back. */
    l.ip_like = 0;
    struct sent *s = link_send(&l, 8);
    l.ip_like = 1;
    assert_true(s->answers_reset);
    uint8_t buf[PKT_MAX];
    memcpy(buf, s->pkt, s->len);
    int r = uppp_mppe_decrypt(l.rx, buf, s->len, &rx);
    assert_false(r == UPPP_MPPE_OK && rx.payload_len == s->plen &&
                 memcmp(rx.payload, s->payload, s->plen) == 0);
    assert_int_equal(stats_of(l.rx).resync_extra_keys, 0);
    /* Junk that happens to parse is found out by the session (not IP). */
    if (r == UPPP_MPPE_OK)
        assert_int_equal(uppp_mppe_rx_junk(l.rx), 0);
    assert_true(uppp_mppe_rx_waiting(l.rx));
    /* The junk makes the session ask for a reset; the answer resyncs. */
    link_reset_request(&l);
    int good = 0;
    for (int i = 0; i < 20; i++) {
        s = link_send(&l, 40);
        memcpy(buf, s->pkt, s->len);
        r = uppp_mppe_decrypt(l.rx, buf, s->len, &rx);
        good += r == UPPP_MPPE_OK && rx.payload_len == s->plen &&
                memcmp(rx.payload, s->payload, s->plen) == 0;
    }
    assert_int_equal(good, 20);
    assert_int_equal(stats_of(l.rx).resync_extra_keys, 1);
    link_free(&l);
}

/* ---------------------------------------------------------------------
 * Drops, sanity, the jump cap.
 */

/* A packet with D clear is never handed up, in either mode, even though
 * its bytes would "decrypt". */
static void test_unencrypted_dropped(void **state)
{
    (void)state;
    for (int stateless = 0; stateless <= 1; stateless++) {
        struct uppp_mppe *rx = mk(128, stateless, LNX, 0);
        uint8_t pkt[] = {UPPP_MPPE_BIT_FLUSHED, 0x00, 0x00, 0x21, 0x45, 0x00};
        struct uppp_mppe_rx r;
        assert_int_equal(uppp_mppe_decrypt(rx, pkt, sizeof(pkt), &r), UPPP_MPPE_DROP);
        assert_int_equal(r.reason, UPPP_MPPE_DROP_NOT_ENCRYPTED);
        assert_null(r.payload);
        assert_int_equal(r.payload_len, 0);
        assert_int_equal(pkt[2], 0x00); /* not touched */
        assert_int_equal(stats_of(rx).drops[UPPP_MPPE_DROP_NOT_ENCRYPTED], 1);
        assert_int_equal(stats_of(rx).sanity, 100);
        uppp_mppe_del(rx);
    }
}

/* Linux's arithmetic: +100 per bogon, halved per good packet, fatal at
 * 1600; fatal is final. */
static void test_sanity_score(void **state)
{
    (void)state;
    struct link l;
    struct uppp_mppe_rx rx;
    link_init(&l, 128, 1, LNX, LNX, 0);
    uint8_t bogon[] = {0x00, 0x00, 0x00};
    for (int i = 0; i < 3; i++)
        assert_int_equal(uppp_mppe_decrypt(l.rx, bogon, 3, &rx), UPPP_MPPE_DROP);
    assert_int_equal(stats_of(l.rx).sanity, 300);
    link_sync(&l, 1);
    assert_int_equal(stats_of(l.rx).sanity, 150);
    link_sync(&l, 8);
    assert_int_equal(stats_of(l.rx).sanity, 0);
    for (int i = 0; i < 15; i++)
        assert_int_equal(uppp_mppe_decrypt(l.rx, bogon, 3, &rx), UPPP_MPPE_DROP);
    assert_int_equal(uppp_mppe_decrypt(l.rx, bogon, 3, &rx), UPPP_MPPE_FATAL);
    assert_int_equal(rx.reason, UPPP_MPPE_DROP_NOT_ENCRYPTED);
    /* Even a perfect packet is refused now. */
    assert_int_equal(link_deliver(&l, link_send(&l, 8), &rx), UPPP_MPPE_FATAL);
    assert_int_equal(rx.reason, UPPP_MPPE_DROP_DEAD);
    link_free(&l);
}

/* A stream of random bytes ends in FATAL, quickly, in both modes, with
 * bounded key changes on the way. */
static void test_garbage_stream_fatal(void **state)
{
    (void)state;
    rng_seed(23);
    for (int stateless = 0; stateless <= 1; stateless++) {
        struct uppp_mppe *rx = mk(128, stateless, LNX, 0);
        int i, fatal = -1;
        for (i = 0; i < 2000 && fatal < 0; i++) {
            uint8_t pkt[64];
            size_t n = rng() % sizeof(pkt);
            for (size_t j = 0; j < n; j++)
                pkt[j] = (uint8_t)rng();
            struct uppp_mppe_rx r;
            int res = uppp_mppe_decrypt(rx, pkt, n, &r);
            assert_true(res >= UPPP_MPPE_OK && res <= UPPP_MPPE_FATAL);
            if (res == UPPP_MPPE_FATAL)
                fatal = i;
        }
        assert_true(fatal > 0 && fatal < 200);
        struct uppp_mppe_stats s = stats_of(rx);
        assert_int_equal(s.dropped, (uint64_t)i - s.packets);
        assert_true(s.rekeys <= (uint64_t)i * UPPP_MPPE_DEFAULT_MAX_REKEY);
        uppp_mppe_del(rx);
    }
}

/* Stateless: a forged or corrupted count far ahead that does not decrypt
 * to a sane protocol does not move the receiver (Linux would, and then
 * drop the sender's real packets as late). */
static void test_stateless_bad_packet_not_committed(void **state)
{
    (void)state;
    struct link l;
    struct uppp_mppe_rx rx;
    rng_seed(29);
    link_init(&l, 128, 1, LNX, LNX, 0);
    link_sync(&l, 5);
    struct uppp_mppe *tx2 = mk(128, 1, LNX, 0);
    struct sent ahead = {0};
    for (int i = 0; i <= 5 + 500; i++) /* a second sender, 500 counts ahead */
        ahead.len = (size_t)uppp_mppe_encrypt(tx2, 0x0021, (const uint8_t *)"xxxxxxxx", 8,
                                              ahead.pkt, sizeof(ahead.pkt));
    ahead.pkt[2] ^= 0x01; /* protocol 0x0021 now decrypts as 0x01: invalid */
    uint8_t buf[PKT_MAX];
    memcpy(buf, ahead.pkt, ahead.len);
    assert_int_equal(uppp_mppe_decrypt(l.rx, buf, ahead.len, &rx), UPPP_MPPE_DROP);
    assert_int_equal(rx.reason, UPPP_MPPE_DROP_BAD_PROTOCOL);
    link_sync(&l, 3); /* the real stream carries on */
    uppp_mppe_del(tx2);
    link_free(&l);
}

static void test_stateless_jump_cap(void **state)
{
    (void)state;
    struct link l;
    struct uppp_mppe_rx rx;
    link_init(&l, 128, 1, LNX, LNX, UPPP_MPPE_MAX_REKEY_LIMIT);
    link_sync(&l, 1);
    for (int i = 0; i < 2047; i++)
        link_send(&l, 8);
    /* A jump of exactly half the space is still ahead (Linux agrees). */
    assert_int_equal(link_deliver(&l, link_send(&l, 8), &rx), UPPP_MPPE_OK);
    for (int i = 0; i < 2048; i++)
        link_send(&l, 8);
    /* One more and it reads as late. */
    assert_int_equal(link_deliver(&l, link_send(&l, 8), &rx), UPPP_MPPE_DROP);
    assert_int_equal(rx.reason, UPPP_MPPE_DROP_OLD_COUNT);
    link_free(&l);

    struct uppp_mppe_config cfg = {.bits = 128, .max_rekey = UPPP_MPPE_MAX_REKEY_LIMIT + 1};
    struct uppp_mppe *st = (struct uppp_mppe *)&cfg;
    assert_int_equal(uppp_mppe_new(&st, &cfg), UPPP_ERR_INVALID);
    assert_null(st);

    /* Sustained jumps beyond the cap (a long outage, or nonsense) end in
     * FATAL rather than a receiver stuck forever. */
    link_init(&l, 128, 1, LNX, LNX, 10);
    link_sync(&l, 1);
    int res = UPPP_MPPE_DROP, i;
    for (i = 0; i < 100 && res == UPPP_MPPE_DROP; i++) {
        for (int j = 0; j < 11; j++)
            link_send(&l, 8);
        res = link_deliver(&l, link_send(&l, 8), &rx);
        assert_true(res == UPPP_MPPE_FATAL || rx.reason == UPPP_MPPE_DROP_COUNT_JUMP);
    }
    assert_int_equal(res, UPPP_MPPE_FATAL);
    assert_int_equal(i, 16);
    assert_int_equal(stats_of(l.rx).rekeys, 1);
    link_free(&l);
}

/* ---------------------------------------------------------------------
 * Stats and API.
 */
static void test_stats(void **state)
{
    (void)state;
    struct link l;
    struct uppp_mppe_rx rx;
    rng_seed(31);
    link_init(&l, 128, 0, LNX, LNX, 0);
    link_sync(&l, 300); /* flag packet 255 inside */
    link_send(&l, 8);   /* lost */
    assert_int_equal(link_deliver(&l, link_send(&l, 8), &rx), UPPP_MPPE_NEED_RESET);
    assert_true(uppp_mppe_rx_waiting(l.rx));
    assert_int_equal(link_deliver(&l, link_send(&l, 8), &rx), UPPP_MPPE_DROP);
    link_reset_request(&l);
    assert_int_equal(link_deliver(&l, link_send(&l, 8), &rx), UPPP_MPPE_OK);
    assert_false(uppp_mppe_rx_waiting(l.rx));
    assert_int_equal(link_deliver(&l, &l.ring[(l.seq - 1) % 8], &rx), UPPP_MPPE_DROP);

    struct uppp_mppe_stats t = stats_of(l.tx), r = stats_of(l.rx);
    assert_int_equal(t.packets, 304);
    assert_int_equal(t.bytes, 304 * 8);
    assert_int_equal(t.rekeys, 2);
    assert_int_equal(t.flushed, 2);
    assert_int_equal(t.resets, 1);
    assert_int_equal(t.dropped, 0);
    assert_int_equal(r.packets, 301);
    assert_int_equal(r.bytes, 301 * 8);
    assert_int_equal(r.rekeys, 2);
    assert_int_equal(r.flushed, 2);
    assert_int_equal(r.resets, 1);
    assert_int_equal(r.resyncs, 1);
    assert_int_equal(r.dropped, 3);
    assert_int_equal(r.drops[UPPP_MPPE_DROP_PACKET_LOSS], 1);
    assert_int_equal(r.drops[UPPP_MPPE_DROP_WAIT_FLUSHED], 1);
    assert_int_equal(r.drops[UPPP_MPPE_DROP_OLD_COUNT], 1);
    assert_int_equal(r.sanity, 1);
    link_free(&l);
}

static void test_api_errors(void **state)
{
    (void)state;
    struct uppp_mppe_config cfg = {.bits = 64};
    struct uppp_mppe *st = NULL;
    assert_int_equal(uppp_mppe_new(&st, &cfg), UPPP_ERR_INVALID);
    assert_int_equal(uppp_mppe_new(&st, NULL), UPPP_ERR_INVALID);
    assert_int_equal(uppp_mppe_new(NULL, &cfg), UPPP_ERR_INVALID);
    cfg.bits = 128;
    cfg.reset_policy = 7;
    assert_int_equal(uppp_mppe_new(&st, &cfg), UPPP_ERR_INVALID);
    uppp_mppe_del(NULL);

    assert_true(uppp_mppe_protocol_encrypted(0x0021));
    assert_true(uppp_mppe_protocol_encrypted(0x00fa));
    assert_false(uppp_mppe_protocol_encrypted(0x0020));
    assert_false(uppp_mppe_protocol_encrypted(0x00fb));
    assert_false(uppp_mppe_protocol_encrypted(0x80fd));
    assert_false(uppp_mppe_protocol_encrypted(0xc021));

    struct uppp_mppe *tx = mk(128, 0, LNX, 0), *rx = mk(128, 0, LNX, 0);
    uint8_t out[16], payload[12] = {0};
    struct uppp_mppe_rx r;
    assert_int_equal(uppp_mppe_encrypt(tx, 0xc021, payload, 4, out, sizeof(out)), UPPP_ERR_INVALID);
    assert_int_equal(uppp_mppe_encrypt(tx, 0x0021, payload, 12, out, 15), UPPP_ERR_NOBUF);
    assert_int_equal(uppp_mppe_encrypt(tx, 0x0021, NULL, 4, out, sizeof(out)), UPPP_ERR_INVALID);
    assert_int_equal(uppp_mppe_encrypt(NULL, 0x0021, payload, 4, out, sizeof(out)),
                     UPPP_ERR_INVALID);
    /* Refused calls did not consume a count. */
    assert_int_equal(uppp_mppe_encrypt(tx, 0x0021, payload, 12, out, 16), 16);
    assert_int_equal(pkt_count(out), 0);
    assert_int_equal(uppp_mppe_encrypt(tx, 0x0021, NULL, 0, out, 4), 4);
    /* One state is one direction. */
    assert_int_equal(uppp_mppe_decrypt(tx, out, 4, &r), UPPP_ERR_INVALID);
    assert_int_equal(uppp_mppe_decrypt(rx, NULL, 4, &r), UPPP_ERR_INVALID);
    assert_int_equal(uppp_mppe_decrypt(rx, out, 4, NULL), UPPP_ERR_INVALID);
    assert_int_equal(uppp_mppe_decrypt(rx, out, 0, &r), UPPP_MPPE_DROP);
    assert_int_equal(r.reason, UPPP_MPPE_DROP_TOO_SHORT);
    assert_int_equal(uppp_mppe_encrypt(rx, 0x0021, payload, 4, out, sizeof(out)), UPPP_ERR_INVALID);
    assert_int_equal(uppp_mppe_reset_requested(rx), UPPP_ERR_INVALID);
    assert_int_equal(uppp_mppe_reset_requested(NULL), UPPP_ERR_INVALID);
    assert_int_equal(uppp_mppe_get_stats(NULL, NULL), UPPP_ERR_INVALID);
    assert_false(uppp_mppe_rx_waiting(NULL));

    for (int i = 0; i < UPPP_MPPE_DROP_REASON_COUNT; i++) {
        const char *s = uppp_mppe_drop_reason_str((enum uppp_mppe_drop_reason)i);
        assert_non_null(s);
        assert_true(strlen(s) > 5);
        for (int j = 0; j < i; j++)
            assert_string_not_equal(s, uppp_mppe_drop_reason_str((enum uppp_mppe_drop_reason)j));
    }
    assert_string_equal(uppp_mppe_drop_reason_str(UPPP_MPPE_DROP_REASON_COUNT),
                        "unknown MPPE drop reason");
    uppp_mppe_del(tx);
    uppp_mppe_del(rx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_coherency_table),
        cmocka_unit_test(test_first_packet_known_answer),
        cmocka_unit_test(test_sender_matches_linux_model),
        cmocka_unit_test(test_pfc_inside),
        cmocka_unit_test(test_long_packets),
        cmocka_unit_test(test_encrypt_in_place),
        cmocka_unit_test(test_round_trip_stateless),
        cmocka_unit_test(test_round_trip_stateful_linux),
        cmocka_unit_test(test_round_trip_stateful_rfc),
        cmocka_unit_test(test_agree_across_boundaries),
        cmocka_unit_test(test_reset_policies),
        cmocka_unit_test(test_lost_reset_answer),
        cmocka_unit_test(test_lost_reset_answer_flag_packet),
        cmocka_unit_test(test_flag_answer_survives_loss_vs_linux),
        cmocka_unit_test(test_wrong_resync_guess_recovers),
        cmocka_unit_test(test_unencrypted_dropped),
        cmocka_unit_test(test_sanity_score),
        cmocka_unit_test(test_garbage_stream_fatal),
        cmocka_unit_test(test_stateless_bad_packet_not_committed),
        cmocka_unit_test(test_stateless_jump_cap),
        cmocka_unit_test(test_stats),
        cmocka_unit_test(test_api_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
