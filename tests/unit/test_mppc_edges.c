/*
 * MPPC codec (RFC 2118, uppp/mppc.h): the edges of its fast paths. The
 * decompressor copies in 16- or 8-octet chunks that may run past a copy's
 * end and puts the overrun back; the compressor compares 16 octets at once,
 * writes its bits 8 octets at a time and gives up on a packet as soon as
 * it would not be smaller. Here: every offset 1..40 with many lengths
 * against a byte-at-a-time model, copies that end at the end of the
 * history, an overrun over the round before's history that a later copy
 * still reads, out_cap never passed, 8192-octet packets, packets that grow
 * part way, a flush before every packet, and a table that still names
 * the round before's positions after a wrap or flush.
 *
 * Streams are made here by a small encoder of the section 4.1/4.2 codes,
 * written apart from the library's.
 */
#include "testutil.h"

#include <uppp/err.h>
#include <uppp/mppc.h>

#include "../../bench/mppc_corpus.h"

#include <stdlib.h>

#define A UPPP_MPPE_BIT_A
#define B UPPP_MPPE_BIT_B
#define C UPPP_MPPE_BIT_C
#define HIST UPPP_MPPC_HIST

/* ---- an encoder of the bitstream, one bit at a time ---- */

struct enc {
    uint8_t buf[2 * HIST];
    size_t bits;
};

static void enc_bits(struct enc *e, uint32_t v, unsigned n)
{
    while (n-- > 0) {
        size_t at = e->bits / 8;
        if (at >= sizeof(e->buf))
            fail_msg("encoder full");
        if ((e->bits & 7) == 0)
            e->buf[at] = 0;
        if ((v >> n) & 1)
            e->buf[at] |= (uint8_t)(0x80 >> (e->bits & 7));
        e->bits++;
    }
}

static void enc_literal(struct enc *e, uint8_t b)
{
    if (b < 0x80)
        enc_bits(e, b, 8);
    else
        enc_bits(e, 0x100u | (b & 0x7fu), 9);
}

static void enc_copy(struct enc *e, unsigned off, unsigned len)
{
    if (off < 64)
        enc_bits(e, 0x3c0u | off, 10);
    else if (off < 320)
        enc_bits(e, 0xe00u | (off - 64), 12);
    else
        enc_bits(e, 0xc000u | (off - 320), 16);
    if (len == 3) {
        enc_bits(e, 0, 1);
        return;
    }
    unsigned k = 2;
    while ((len >> (k + 1)) != 0)
        k++;
    enc_bits(e, (1u << k) - 2u, k); /* k - 1 ones and a zero */
    enc_bits(e, len & ((1u << k) - 1u), k);
}

static size_t enc_len(const struct enc *e)
{
    return (e->bits + 7) / 8;
}

/* Decompress e as one packet and check it yields want. */
static void expect(struct uppp_mppc_decomp *d, unsigned flags, const struct enc *e,
                   const uint8_t *want, size_t want_len, const char *what, unsigned a, unsigned b)
{
    const uint8_t *p;
    size_t pl;
    int rc = uppp_mppc_decompress(d, flags, e->buf, enc_len(e), HIST, &p, &pl);
    if (rc != 0)
        fail_msg("%s %u/%u: decompress %d", what, a, b, rc);
    if (pl != want_len || memcmp(p, want, pl) != 0)
        fail_msg("%s %u/%u: output differs (%zu octets, want %zu)", what, a, b, pl, want_len);
}

/* The octets a packet of PREFIX literals, then <off, len>, then 'z' makes
 * (a copy repeats its last off octets: RFC 2118 section 4.2). */
#define PREFIX 48

static size_t model(uint8_t *out, unsigned off, unsigned len)
{
    size_t o = 0;
    for (; o < PREFIX; o++)
        out[o] = (uint8_t)(0x21 + (o * 37) % 200); /* both literal kinds */
    for (unsigned k = 0; k < len; k++, o++)
        out[o] = out[o - off];
    out[o++] = 'z';
    return o;
}

static void encode_model(struct enc *e, unsigned off, unsigned len)
{
    e->bits = 0;
    for (size_t o = 0; o < PREFIX; o++)
        enc_literal(e, (uint8_t)(0x21 + (o * 37) % 200));
    enc_copy(e, off, len);
    enc_literal(e, 'z');
}

/* Every offset 1..40 (below 8 byte by byte, 8..15 in 8-octet chunks that
 * read what the same copy wrote, 16 up in 16-octet chunks) with lengths
 * around every chunk boundary, at the front and ending at the very end of
 * the history (where the overrun lands in SLACK). */
static void test_copy_offsets(void **state)
{
    (void)state;
    static const unsigned lens[] = {3,  4,  5,  6,  7,  8,  9,  15, 16,  17,  23,  24,
                                    25, 31, 32, 33, 47, 48, 49, 64, 100, 255, 256, 1000};
    struct uppp_mppc_decomp *d;
    assert_int_equal(uppp_mppc_decomp_new(&d), 0);
    static uint8_t want[HIST];
    static struct enc e, fill;
    unsigned checked = 0;
    for (unsigned off = 1; off <= 40; off++) {
        if (off > PREFIX)
            break;
        for (size_t li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
            unsigned len = lens[li];
            size_t n = model(want, off, len);
            encode_model(&e, off, len);
            /* At the front of a fresh history. */
            expect(d, A | B | C, &e, want, n, "front", off, len);
            /* Ending at the history's last octet: a first packet fills
             * the history up to HIST - n with literals. */
            fill.bits = 0;
            for (size_t k = 0; k < HIST - n; k++)
                enc_literal(&fill, (uint8_t)k);
            const uint8_t *p;
            size_t pl;
            assert_int_equal(
                uppp_mppc_decompress(d, A | B | C, fill.buf, enc_len(&fill), HIST, &p, &pl), 0);
            assert_int_equal(pl, HIST - n);
            expect(d, C, &e, want, n, "end", off, len);
            /* Nothing more fits: one more literal is over the history. */
            struct enc one = {.bits = 0};
            enc_literal(&one, 'x');
            assert_int_equal(uppp_mppc_decompress(d, C, one.buf, enc_len(&one), HIST, &p, &pl),
                             UPPP_ERR_LIMIT);
            checked++;
        }
    }
    assert_int_equal(checked, 40 * (sizeof(lens) / sizeof(lens[0])));
    uppp_mppc_decomp_del(d);
}

/* A copy at the front after a B wrap runs its chunks past its end, over
 * octets of the round before; a later copy in the same packet reaches
 * behind the wrap into exactly those octets (FreeRDP's compressor makes
 * such copies) and must find them as they were. */
static void test_overrun_keeps_old_round(void **state)
{
    (void)state;
    static const unsigned offs[] = {8, 9, 15, 16, 17, 40};
    for (size_t oi = 0; oi < sizeof(offs) / sizeof(offs[0]); oi++) {
        for (unsigned len = 3; len <= 20; len++) {
            struct uppp_mppc_decomp *d;
            assert_int_equal(uppp_mppc_decomp_new(&d), 0);
            /* Round one: 8190 literals, old[k]. */
            static uint8_t old[HIST];
            static struct enc e;
            e.bits = 0;
            for (size_t k = 0; k < HIST - 2; k++) {
                old[k] = (uint8_t)(k * 11 + 5);
                enc_literal(&e, old[k]);
            }
            const uint8_t *p;
            size_t pl;
            assert_int_equal(uppp_mppc_decompress(d, A | B | C, e.buf, enc_len(&e), HIST, &p, &pl),
                             0);
            /* Round two, at the front: 40 literals, <off, len>, then a
             * copy of 3 from just past the first copy's end in the round
             * before: positions o + 1 .. o + 3 where o = 40 + len. */
            uint8_t want[128];
            e.bits = 0;
            size_t o = 0;
            for (; o < 40; o++) {
                want[o] = (uint8_t)(0x30 + o);
                enc_literal(&e, want[o]);
            }
            enc_copy(&e, offs[oi], len);
            for (unsigned k = 0; k < len; k++, o++)
                want[o] = want[o - offs[oi]];
            enc_copy(&e, HIST - 1, 3); /* from o + 1 in the round before */
            for (unsigned k = 0; k < 3; k++)
                want[o + k] = old[o + 1 + k];
            o += 3;
            expect(d, B | C, &e, want, o, "overrun", offs[oi], len);
            uppp_mppc_decomp_del(d);
        }
    }
}

/* Round trip one packet with out_cap exactly len and canaries after it;
 * returns the compressed size. */
static size_t trip_exact(struct uppp_mppc_comp *c, struct uppp_mppc_decomp *d, const uint8_t *pkt,
                         size_t len, unsigned *flags)
{
    static uint8_t out[HIST + 64];
    memset(out, 0xa5, sizeof(out));
    int n = uppp_mppc_compress(c, pkt, len, out, len, flags);
    assert_true(n > 0);
    for (size_t k = len; k < sizeof(out); k++)
        if (out[k] != 0xa5)
            fail_msg("compress wrote past out_cap (len %zu, at %zu)", len, k);
    if (*flags & C)
        assert_true((size_t)n < len);
    else
        assert_int_equal((size_t)n, len);
    const uint8_t *p;
    size_t pl;
    int rc = uppp_mppc_decompress(d, *flags, out, (size_t)n, len, &p, &pl);
    if (rc != 0)
        fail_msg("decompress %d (len %zu, flags 0x%x)", rc, len, *flags);
    if (pl != len || memcmp(p, pkt, len) != 0)
        fail_msg("round trip differs (len %zu, flags 0x%x)", len, *flags);
    return (size_t)n;
}

/* Every length 1..300 and some larger, of runs, text and random octets:
 * never an octet past out_cap (the 8-octet stores stop short of it; under
 * 16 octets the packet goes through a buffer of its own). */
static void test_out_cap_exact(void **state)
{
    (void)state;
    struct uppp_mppc_comp *c;
    struct uppp_mppc_decomp *d;
    assert_int_equal(uppp_mppc_comp_new(&c), 0);
    assert_int_equal(uppp_mppc_decomp_new(&d), 0);
    static uint8_t pkt[HIST];
    uint64_t s = 99;
    unsigned compressed = 0, raw = 0;
    for (size_t len = 1; len <= 340; len++) {
        size_t L = len <= 300 ? len : (len - 300) * 200; /* then 200..8000 */
        for (unsigned kind = 0; kind < 3; kind++) {
            if (kind == 0)
                memset(pkt, 'r', L);
            else if (kind == 1)
                mc_text(pkt, L, &s);
            else
                for (size_t k = 0; k < L; k++)
                    pkt[k] = (uint8_t)mc_next(&s);
            unsigned fl;
            trip_exact(c, d, pkt, L, &fl);
            if (fl & C)
                compressed++;
            else
                raw++;
        }
    }
    /* Runs shrink from 4 octets on ('r' and <1, len - 1> in 19 bits or
     * more), random data never does, text does once it is long enough. */
    print_message("compressed %u, raw %u\n", compressed, raw);
    assert_true(compressed >= 337 + 250);
    assert_true(raw >= 340 + 3);
    uppp_mppc_comp_del(c);
    uppp_mppc_decomp_del(d);
}

/* Whole-history packets: each starts at the front (B), a run of 8192 is
 * one literal and copies of at most 8191, random ones go as they are and
 * the next packet carries A. */
static void test_8192(void **state)
{
    (void)state;
    struct uppp_mppc_comp *c;
    struct uppp_mppc_decomp *d;
    assert_int_equal(uppp_mppc_comp_new(&c), 0);
    assert_int_equal(uppp_mppc_decomp_new(&d), 0);
    static uint8_t pkt[HIST];
    uint64_t s = 5;
    unsigned fl;
    mc_text(pkt, HIST, &s);
    size_t n = trip_exact(c, d, pkt, HIST, &fl);
    assert_int_equal(fl, A | B | C);
    assert_true(n < HIST / 2);
    mc_html(pkt, HIST, &s);
    trip_exact(c, d, pkt, HIST, &fl);
    assert_int_equal(fl, B | C);
    memset(pkt, 0, HIST);
    n = trip_exact(c, d, pkt, HIST, &fl);
    assert_int_equal(fl, B | C);
    /* A literal (8 bits), <1, 8191> (10 + 24 bits): 6 octets. */
    assert_int_equal(n, 6);
    for (size_t k = 0; k < HIST; k++)
        pkt[k] = (uint8_t)mc_next(&s);
    n = trip_exact(c, d, pkt, HIST, &fl);
    assert_int_equal(fl, 0);
    assert_int_equal(n, HIST);
    assert_true(uppp_mppc_comp_flush_pending(c));
    for (size_t k = 0; k < HIST; k++)
        pkt[k] = (uint8_t)("ab"[k & 1]);
    trip_exact(c, d, pkt, HIST, &fl);
    assert_int_equal(fl, A | B | C);
    uppp_mppc_comp_del(c);
    uppp_mppc_decomp_del(d);
}

/* A packet that shrinks for a while and then grows: the compressor stops
 * once its output would reach len octets and sends the packet as it is
 * (flushing, so the next has A); one that shrinks just enough stays
 * compressed. Sizes around the point where it stops pay or not. */
static void test_grows_part_way(void **state)
{
    (void)state;
    struct uppp_mppc_comp *c;
    struct uppp_mppc_decomp *d;
    assert_int_equal(uppp_mppc_comp_new(&c), 0);
    assert_int_equal(uppp_mppc_decomp_new(&d), 0);
    static uint8_t pkt[1500];
    uint64_t s = 17;
    unsigned seen_c = 0, seen_raw = 0;
    /* zeros then 9-bit literals: the zeros save about all their octets,
     * the literals cost 1/8 more; z zeros carry about 8 z random ones. */
    for (size_t z = 4; z <= 200; z += 4) {
        memset(pkt, 0, z);
        for (size_t k = z; k < sizeof(pkt); k++)
            pkt[k] = (uint8_t)(0x80 | mc_next(&s));
        unsigned fl;
        trip_exact(c, d, pkt, sizeof(pkt), &fl);
        if (fl & C) {
            seen_c++;
        } else {
            seen_raw++;
            assert_true(uppp_mppc_comp_flush_pending(c));
        }
        /* Whatever happened, text goes on compressing and decompressing. */
        mc_text(pkt, 600, &s);
        trip_exact(c, d, pkt, 600, &fl);
        assert_true(fl & C);
    }
    assert_true(seen_c > 0);
    assert_true(seen_raw > 0);
    uppp_mppc_comp_del(c);
    uppp_mppc_decomp_del(d);
}

/* Stateless: a flush before every packet, each one A | B, sizes 1..1500,
 * through one decompressor. */
static void test_stateless(void **state)
{
    (void)state;
    struct uppp_mppc_comp *c;
    struct uppp_mppc_decomp *d;
    assert_int_equal(uppp_mppc_comp_new(&c), 0);
    assert_int_equal(uppp_mppc_decomp_new(&d), 0);
    static uint8_t pkt[1500];
    uint64_t s = 23;
    for (size_t len = 1; len <= sizeof(pkt); len += 7) {
        mc_ip_packet(pkt, len < 40 ? 40 : len, (uint32_t)len, 80, len & 1, &s);
        uppp_mppc_comp_flush(c);
        unsigned fl;
        trip_exact(c, d, pkt, len, &fl);
        assert_true(fl & A);
        if (fl & C)
            assert_true(fl & B);
    }
    uppp_mppc_comp_del(c);
    uppp_mppc_decomp_del(d);
}

/* After a B wrap or a flush the compressor's table still names positions
 * of the round before. Some lie at or past the position being coded and
 * hold exactly its octets (the same packet again, at the same place or
 * further on): used, they would be copies from the future or from offset
 * 0. The packets here invite both, and must still round trip. */
static void test_old_round_never_matched(void **state)
{
    (void)state;
    struct uppp_mppc_comp *c;
    struct uppp_mppc_decomp *d;
    assert_int_equal(uppp_mppc_comp_new(&c), 0);
    assert_int_equal(uppp_mppc_decomp_new(&d), 0);
    static uint8_t pkt[1500], rep[1500];
    uint64_t s = 29;
    unsigned fl;
    /* 100 random octets 15 times: compresses on its own repeats. */
    for (size_t k = 0; k < 100; k++)
        rep[k] = (uint8_t)mc_next(&s);
    for (size_t k = 100; k < sizeof(rep); k++)
        rep[k] = rep[k - 100];
    /* Positions 0..6000 text, 6000..7500 rep; rep again wraps to 0. */
    for (int k = 0; k < 4; k++) {
        mc_text(pkt, sizeof(pkt), &s);
        trip_exact(c, d, pkt, sizeof(pkt), &fl);
    }
    trip_exact(c, d, rep, sizeof(rep), &fl);
    assert_int_equal(fl, C);
    size_t n = trip_exact(c, d, rep, sizeof(rep), &fl);
    assert_int_equal(fl, B | C);
    assert_true(n < 200);
    /* The same packet at the same place after a flush. */
    mc_text(pkt, sizeof(pkt), &s);
    trip_exact(c, d, pkt, sizeof(pkt), &fl);
    for (int k = 0; k < 3; k++) {
        uppp_mppc_comp_flush(c);
        trip_exact(c, d, pkt, sizeof(pkt), &fl);
        assert_int_equal(fl, A | B | C);
    }
    uppp_mppc_comp_del(c);
    uppp_mppc_decomp_del(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copy_offsets),
        cmocka_unit_test(test_overrun_keeps_old_round),
        cmocka_unit_test(test_out_cap_exact),
        cmocka_unit_test(test_8192),
        cmocka_unit_test(test_grows_part_way),
        cmocka_unit_test(test_stateless),
        cmocka_unit_test(test_old_round_never_matched),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
