/*
 * MPPC codec (RFC 2118, uppp/mppc.h): the RFC's worked example, FreeRDP's
 * published vector, round trips over a million random and packet-shaped
 * inputs with flushes and wraps, and hostile bitstreams.
 */
#include "testutil.h"

#include <uppp/err.h>
#include <uppp/mppc.h>

#include "../../bench/mppc_corpus.h"

#include <stdlib.h>

#if defined(__SANITIZE_ADDRESS__)
#define TRIPS 250000
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TRIPS 250000
#endif
#endif
#ifndef TRIPS
#define TRIPS 1000000
#endif

#define A UPPP_MPPE_BIT_A
#define B UPPP_MPPE_BIT_B
#define C UPPP_MPPE_BIT_C

static const char bells[] = "for.whom.the.bell.tolls,.the.bell.tolls.for.thee!";

/*
 * RFC 2118 section 4 compresses this string to
 *   for.whom.the.bell.tolls,<16,15>.<40,4><19,3>e!
 * (the same example and tuples as MS-RDPBCGR 3.1.8.4.1). Its tuples are
 * right: <16,15> is ".the.bell.tolls" from position 8, <40,4> "for." from
 * 0, <19,3> "the" from 25. Encoded with the section 4.1/4.2 tables,
 * literals 8 bits each (all < 0x80), <16,15> = 1111 010000 110 111,
 * <40,4> = 1111 101000 10 00, <19,3> = 1111 010011 0, padded with zeros:
 */
static const char bells_rfc[] = "666f722e77686f6d2e7468652e62656c6c2e746f6c6c732c"
                                "f4372efa23d3329080";
/* FreeRDP's TestFreeRDPCodecMppc vector, RDP4 (8 KiB): its hash finds
 * "or." where "for." was, so .f<40,3><35,3>e! and a different tail. */
static const char bells_freerdp[] = "666f722e77686f6d2e7468652e62656c6c2e746f6c6c732c"
                                    "f4372e66fa1f199484";

static void test_rfc2118_example(void **state)
{
    (void)state;
    struct uppp_mppc_comp *c;
    struct uppp_mppc_decomp *d;
    assert_int_equal(uppp_mppc_comp_new(&c), 0);
    assert_int_equal(uppp_mppc_decomp_new(&d), 0);
    uint8_t out[128];
    unsigned fl;
    int n = uppp_mppc_compress(c, (const uint8_t *)bells, strlen(bells), out, sizeof(out), &fl);
    assert_true(n > 0);
    /* A fresh history: flushed, at the front, compressed. */
    assert_int_equal(fl, A | B | C);
    tu_assert_hex(out, (size_t)n, bells_rfc);

    const uint8_t *p;
    size_t pl;
    assert_int_equal(uppp_mppc_decompress(d, fl, out, (size_t)n, 8192, &p, &pl), 0);
    assert_int_equal(pl, strlen(bells));
    assert_memory_equal(p, bells, pl);
    uppp_mppc_comp_del(c);
    uppp_mppc_decomp_del(d);
}

static void test_freerdp_vector(void **state)
{
    (void)state;
    struct uppp_mppc_decomp *d;
    assert_int_equal(uppp_mppc_decomp_new(&d), 0);
    uint8_t in[64];
    size_t n = tu_hex(bells_freerdp, in, sizeof(in));
    const uint8_t *p;
    size_t pl;
    /* FreeRDP's own test passes PACKET_AT_FRONT | PACKET_COMPRESSED. */
    assert_int_equal(uppp_mppc_decompress(d, B | C, in, n, 8192, &p, &pl), 0);
    assert_int_equal(pl, strlen(bells));
    assert_memory_equal(p, bells, pl);
    uppp_mppc_decomp_del(d);
}

/* Round trip one packet through c and d; returns the compressed size. */
static size_t trip(struct uppp_mppc_comp *c, struct uppp_mppc_decomp *d, const uint8_t *pkt,
                   size_t len)
{
    static uint8_t out[UPPP_MPPC_HIST];
    unsigned fl;
    int n = uppp_mppc_compress(c, pkt, len, out, sizeof(out), &fl);
    assert_true(n > 0);
    if (fl & C)
        assert_true((size_t)n < len);
    else
        assert_int_equal((size_t)n, len);
    const uint8_t *p;
    size_t pl;
    int rc = uppp_mppc_decompress(d, fl, out, (size_t)n, len, &p, &pl);
    if (rc != 0)
        fail_msg("decompress: %d (len %zu, flags 0x%x)", rc, len, fl);
    assert_int_equal(pl, len);
    if (memcmp(p, pkt, len) != 0)
        fail_msg("round trip differs (len %zu, flags 0x%x)", len, fl);
    return (size_t)n;
}

/* A million packets: random octets (all grow: sent as they are), random
 * runs over a small alphabet (matches of every length and offset), and
 * IPv4/TCP packets of text and HTML; a flush now and then as a Reset-Request
 * would make, and a second pair that flushes every packet (stateless). */
static void test_round_trips(void **state)
{
    (void)state;
    struct uppp_mppc_comp *c, *cs;
    struct uppp_mppc_decomp *d, *ds;
    assert_int_equal(uppp_mppc_comp_new(&c), 0);
    assert_int_equal(uppp_mppc_decomp_new(&d), 0);
    assert_int_equal(uppp_mppc_comp_new(&cs), 0);
    assert_int_equal(uppp_mppc_decomp_new(&ds), 0);
    uint64_t s = 0x1234567887654321ULL;
    static uint8_t pkt[UPPP_MPPC_HIST];
    uint64_t in_total = 0, out_total = 0, ip_in = 0, ip_out = 0;
    /* A million (about 3 s); a quarter under a sanitizer, which is ten
     * times slower. UPPP_MPPC_TRIPS overrides. */
    const char *env = getenv("UPPP_MPPC_TRIPS");
    unsigned trips = env ? (unsigned)atoi(env) : TRIPS;
    for (unsigned i = 0; i < trips; i++) {
        unsigned kind = (unsigned)(mc_next(&s) % 8);
        size_t len;
        if (kind == 0) {
            len = 1 + mc_next(&s) % 200;
            for (size_t k = 0; k < len; k++)
                pkt[k] = (uint8_t)mc_next(&s);
        } else if (kind == 1) {
            /* Small alphabet, some long runs; now and then a big packet
             * (up to the whole history) to force wraps. */
            len = 1 + mc_next(&s) % ((i % 64) == 0 ? UPPP_MPPC_HIST : 300);
            unsigned alpha = 1 + (unsigned)(mc_next(&s) % 4);
            for (size_t k = 0; k < len; k++)
                pkt[k] = (uint8_t)(0x7e + mc_next(&s) % alpha);
        } else {
            len = 40 + mc_next(&s) % 160;
            mc_ip_packet(pkt, len, i * 1460u, (uint16_t)(1024 + i % 7), kind & 1, &s);
        }
        struct uppp_mppc_comp *cc = (i & 1) ? cs : c;
        struct uppp_mppc_decomp *dd = (i & 1) ? ds : d;
        if (i & 1)
            uppp_mppc_comp_flush(cs); /* stateless: flushed every packet */
        else if (mc_next(&s) % 1000 == 0)
            uppp_mppc_comp_flush(c); /* a Reset-Request */
        size_t n = trip(cc, dd, pkt, len);
        in_total += len;
        out_total += n;
        if (kind >= 2) {
            ip_in += len;
            ip_out += n;
        }
    }
    /* It compresses: short text packets, half of them flushed every time,
     * still shrink by a fifth (0.74 when written). */
    print_message("ip packets %llu -> %llu octets\n", (unsigned long long)ip_in,
                  (unsigned long long)ip_out);
    if (trips >= 10000)
        assert_true(ip_out * 100 < ip_in * 80);
    assert_true(out_total <= in_total);
    uppp_mppc_comp_del(c);
    uppp_mppc_comp_del(cs);
    uppp_mppc_decomp_del(d);
    uppp_mppc_decomp_del(ds);
}

/* A packet that grows goes as it is, and the next carries A (FreeBSD). */
static void test_growth_flushes(void **state)
{
    (void)state;
    struct uppp_mppc_comp *c;
    struct uppp_mppc_decomp *d;
    assert_int_equal(uppp_mppc_comp_new(&c), 0);
    assert_int_equal(uppp_mppc_decomp_new(&d), 0);
    uint8_t text[300], rnd[300], out[400];
    uint64_t s = 7;
    mc_text(text, sizeof(text), &s);
    for (size_t k = 0; k < sizeof(rnd); k++)
        rnd[k] = (uint8_t)(0x80 | mc_next(&s)); /* every literal 9 bits */
    unsigned fl;
    trip(c, d, text, sizeof(text));
    assert_false(uppp_mppc_comp_flush_pending(c));
    int n = uppp_mppc_compress(c, rnd, sizeof(rnd), out, sizeof(out), &fl);
    assert_int_equal(n, (int)sizeof(rnd));
    assert_int_equal(fl & C, 0);
    assert_memory_equal(out, rnd, sizeof(rnd));
    assert_true(uppp_mppc_comp_flush_pending(c));
    const uint8_t *p;
    size_t pl;
    assert_int_equal(uppp_mppc_decompress(d, fl, out, (size_t)n, 1500, &p, &pl), 0);
    assert_ptr_equal(p, out);
    n = uppp_mppc_compress(c, text, sizeof(text), out, sizeof(out), &fl);
    assert_int_equal(fl, A | B | C);
    assert_int_equal(uppp_mppc_decompress(d, fl, out, (size_t)n, 1500, &p, &pl), 0);
    assert_int_equal(pl, sizeof(text));
    assert_memory_equal(p, text, pl);
    /* One octet cannot shrink. */
    n = uppp_mppc_compress(c, text, 1, out, sizeof(out), &fl);
    assert_int_equal(n, 1);
    assert_int_equal(fl & C, 0);
    /* Arguments. */
    assert_int_equal(uppp_mppc_compress(c, text, 0, out, sizeof(out), &fl), UPPP_ERR_INVALID);
    assert_int_equal(uppp_mppc_compress(c, text, UPPP_MPPC_HIST + 1, out, 9000, &fl),
                     UPPP_ERR_INVALID);
    assert_int_equal(uppp_mppc_compress(c, text, sizeof(text), out, 10, &fl), UPPP_ERR_NOBUF);
    uppp_mppc_comp_del(c);
    uppp_mppc_decomp_del(d);
}

/* Hostile bitstreams: each is refused with its error, and the
 * decompressor then waits for A. */
static void test_hostile(void **state)
{
    (void)state;
    static const struct {
        const char *hex;
        unsigned flags;
        size_t max;
        int rc;
    } rows[] = {
        /* offset 0 (1111 000000), length 3 */
        {"f000", A | C, 8192, UPPP_ERR_PARSE},
        /* 'a', then <1,?> with 12 ones in the length code: no such code */
        {"61 f0 7f f8", A | C, 8192, UPPP_ERR_PARSE},
        /* a copy from before anything was written: offset 5 at 0 after A,
         * which wraps into unwritten history */
        {"f140", A | C, 8192, UPPP_ERR_PARSE},
        /* "aa" then <1,8191> (111111111110 + 12 bits): past the history */
        {"61 61 f0 7f fb ff c0", A | C, 8192, UPPP_ERR_LIMIT},
        /* 'a' then <1,5>: 6 octets, over max_out */
        {"61 f0 64", A | C, 4, UPPP_ERR_LIMIT},
        /* a 9-bit literal cut off: 8 bits left starting with 10 */
        {"80", A | C, 8192, UPPP_ERR_PARSE},
        /* an offset code cut off */
        {"61 ff", A | C, 8192, UPPP_ERR_PARSE},
        /* raw, over max_out */
        {"01 02 03", A, 2, UPPP_ERR_LIMIT},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct uppp_mppc_decomp *d;
        assert_int_equal(uppp_mppc_decomp_new(&d), 0);
        uint8_t in[32];
        size_t n = tu_hex(rows[i].hex, in, sizeof(in));
        const uint8_t *p;
        size_t pl;
        int rc = uppp_mppc_decompress(d, rows[i].flags, in, n, rows[i].max, &p, &pl);
        if (rc != rows[i].rc)
            fail_msg("row %zu: %d, want %d", i, rc, rows[i].rc);
        if (rows[i].flags & C) {
            /* Now refused until A ... */
            assert_true(uppp_mppc_decomp_waiting(d));
            uint8_t lit[1] = {0x61};
            assert_int_equal(uppp_mppc_decompress(d, C, lit, 1, 8192, &p, &pl), UPPP_ERR_PROTO);
            /* ... which brings it back. */
            assert_int_equal(uppp_mppc_decompress(d, A | C, lit, 1, 8192, &p, &pl), 0);
            assert_int_equal(pl, 1);
            assert_int_equal(p[0], 'a');
            assert_false(uppp_mppc_decomp_waiting(d));
        }
        uppp_mppc_decomp_del(d);
    }
    /* A copy that repeats its own output (offset 1 length 5: "aaaaaa"). */
    struct uppp_mppc_decomp *d;
    assert_int_equal(uppp_mppc_decomp_new(&d), 0);
    uint8_t in[8];
    size_t n = tu_hex("61 f0 64", in, sizeof(in)); /* 'a' 1111000001 1001 + pad */
    const uint8_t *p;
    size_t pl;
    assert_int_equal(uppp_mppc_decompress(d, A | C, in, n, 8192, &p, &pl), 0);
    assert_int_equal(pl, 6);
    assert_memory_equal(p, "aaaaaa", 6);
    /* A loss reported by the caller: compressed packets wait for A, raw
     * ones still pass (they need no history). */
    uppp_mppc_decomp_lost(d);
    assert_int_equal(uppp_mppc_decompress(d, C, in, n, 8192, &p, &pl), UPPP_ERR_PROTO);
    assert_int_equal(uppp_mppc_decompress(d, 0, in, n, 8192, &p, &pl), 0);
    assert_ptr_equal(p, in);
    assert_int_equal(uppp_mppc_decompress(NULL, 0, in, n, 8192, &p, &pl), UPPP_ERR_INVALID);
    uppp_mppc_decomp_del(d);
}

/* Behind a B wrap, an offset may reach into the previous round's history
 * (FreeRDP's compressor makes such copies); it must have been written. */
static void test_wrapped_offset(void **state)
{
    (void)state;
    struct uppp_mppc_decomp *d;
    assert_int_equal(uppp_mppc_decomp_new(&d), 0);
    /* 'b', <1,8188>, 'c': 8190 octets of history. */
    static uint8_t in[16];
    size_t n = tu_hex("62 f0 7f fb ff 18 c0", in, sizeof(in));
    const uint8_t *p;
    size_t pl;
    assert_int_equal(uppp_mppc_decompress(d, A | C, in, n, 8192, &p, &pl), 0);
    assert_int_equal(pl, 8190);
    assert_int_equal(p[8188], 'b');
    assert_int_equal(p[8189], 'c');
    /* B: back to the front. 'a' then <6,3> from position 1 reads indices
     * 8187..8189 of the round before ("bbc"): allowed, as FreeRDP's
     * decompressor does. */
    n = tu_hex("61 f1 80", in, sizeof(in));
    assert_int_equal(uppp_mppc_decompress(d, B | C, in, n, 8192, &p, &pl), 0);
    assert_int_equal(pl, 4);
    assert_memory_equal(p, "abbc", 4);
    /* B again: 'a' then <3,3> from position 1 starts at index 8190, never
     * written since the flush: refused. */
    n = tu_hex("61 f0 c0", in, sizeof(in));
    assert_int_equal(uppp_mppc_decompress(d, B | C, in, n, 8192, &p, &pl), UPPP_ERR_PARSE);
    uppp_mppc_decomp_del(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc2118_example), cmocka_unit_test(test_freerdp_vector),
        cmocka_unit_test(test_round_trips),     cmocka_unit_test(test_growth_flushes),
        cmocka_unit_test(test_hostile),         cmocka_unit_test(test_wrapped_offset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
