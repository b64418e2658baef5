/*
 * Tests for the TUN offload helpers (include/uppp/tcp_offload.h): the
 * Internet checksum against RFC 1071's worked example and a textbook IPv4
 * header, the virtio-net header codec, TSO super-packets (IPv4 with
 * options, IPv6) cut into segments whose every field is checked and whose
 * checksums are recomputed here by a plain RFC 1071 loop, partial checksums
 * completed, malformed input refused, and the coalescer: a split
 * super-packet coalesced back into one GSO packet that splits again into
 * the same segments, and every rule that keeps a segment out.
 */
#include "testutil.h"

#include <uppp/err.h>
#include <uppp/tcp_offload.h>

#include <stdio.h>
#include <stdlib.h>

/* RFC 1071 the slow way: 16-bit big-endian words, end-around carry. */
static uint16_t ref_sum(const uint8_t *p, size_t len, uint32_t acc)
{
    for (size_t i = 0; i < len; i += 2)
        acc += (uint32_t)(p[i] << 8 | (i + 1 < len ? p[i + 1] : 0));
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return (uint16_t)acc;
}

/* The TCP checksum of ip verifies: the sum over pseudo-header and segment
 * is all ones. */
static int tcp_csum_ok(const uint8_t *ip, size_t len)
{
    int v6 = (ip[0] >> 4) == 6;
    size_t ihl = v6 ? 40 : (size_t)(ip[0] & 15) * 4;
    size_t tl = len - ihl;
    uint32_t acc = 6 + (uint32_t)tl;
    acc += ref_sum(ip + (v6 ? 8 : 12), v6 ? 32 : 8, 0);
    return ref_sum(ip + ihl, tl, acc) == 0xffff;
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void test_inet_csum_known_answers(void **state)
{
    (void)state;
    /* RFC 1071 section 3: the sum of 0001 f203 f4f5 f6f7 is ddf2. */
    uint8_t a[8], out[2];
    tu_hex("0001f203f4f5f6f7", a, sizeof(a));
    uppp_inet_csum(a, sizeof(a), out);
    tu_assert_hex(out, 2, "220d");
    /* Odd length: the last octet is padded with zero. */
    uppp_inet_csum(a, 7, out);
    assert_int_equal(rd16(out), (uint16_t)~ref_sum(a, 7, 0));
    /* An IPv4 header whose checksum is b861. */
    uint8_t ip[20];
    tu_hex("450000730000400040110000c0a80001c0a800c7", ip, sizeof(ip));
    uppp_inet_csum(ip, sizeof(ip), out);
    tu_assert_hex(out, 2, "b861");
}

static void test_vnet_hdr_codec(void **state)
{
    (void)state;
    struct uppp_vnet_hdr h = {UPPP_VNET_F_NEEDS_CSUM, UPPP_VNET_GSO_TCPV4, 52, 1356, 20, 16};
    uint8_t b[UPPP_VNET_HDR_LEN];
    uppp_vnet_hdr_build(&h, b);
    tu_assert_hex(b, sizeof(b), "0101 3400 4c05 1400 1000"); /* little-endian */
    struct uppp_vnet_hdr back;
    assert_int_equal(uppp_vnet_hdr_parse(b, sizeof(b), &back), 0);
    assert_memory_equal(&back, &h, sizeof(h));
    assert_int_equal(uppp_vnet_hdr_parse(b, 9, &back), UPPP_ERR_PARSE);
    assert_int_equal(uppp_vnet_hdr_parse(NULL, 10, &back), UPPP_ERR_INVALID);
}

/* A TCP packet: IPv4 (with 4 octets of options when opts) or IPv6, TCP
 * with a 12-octet timestamp option, payload octets i*7+seed. Checksums are
 * left as the kernel leaves them under TSO (the pseudo-header's sum). */
static size_t make_tcp(uint8_t *p, int v6, int opts, uint32_t seq, uint8_t flags, size_t payload,
                       uint8_t seed)
{
    size_t ihl = v6 ? 40 : opts ? 24 : 20, thl = 32, len = ihl + thl + payload;
    memset(p, 0, ihl + thl);
    if (v6) {
        p[0] = 0x60;
        p[4] = (uint8_t)((thl + payload) >> 8);
        p[5] = (uint8_t)(thl + payload);
        p[6] = 6;
        p[7] = 64;
        p[8] = 0x20, p[9] = 0x01, p[23] = 1; /* 2001::1 */
        p[24] = 0x20, p[25] = 0x01, p[39] = 2;
    } else {
        p[0] = (uint8_t)(0x40 | ihl / 4);
        p[2] = (uint8_t)(len >> 8), p[3] = (uint8_t)len;
        p[4] = 0x12, p[5] = 0x34;
        p[6] = 0x40; /* DF */
        p[8] = 64, p[9] = 6;
        p[12] = 192, p[13] = 0, p[14] = 2, p[15] = 2;
        p[16] = 192, p[17] = 0, p[18] = 2, p[19] = 1;
        if (opts)
            p[20] = 1, p[21] = 1, p[22] = 1, p[23] = 0; /* NOPs, EOL */
    }
    uint8_t *t = p + ihl;
    t[0] = 0x9c, t[1] = 0x40, t[2] = 0x13, t[3] = 0x89;
    t[4] = (uint8_t)(seq >> 24), t[5] = (uint8_t)(seq >> 16), t[6] = (uint8_t)(seq >> 8);
    t[7] = (uint8_t)seq;
    t[8] = 0x0a, t[9] = 0x0b, t[10] = 0x0c, t[11] = 0x0d;
    t[12] = (uint8_t)((thl / 4) << 4);
    t[13] = flags;
    t[14] = 0x01, t[15] = 0xf5;
    t[20] = 1, t[21] = 1, t[22] = 8, t[23] = 10; /* NOP NOP TS */
    t[24] = 0xde, t[25] = 0xad, t[26] = 0xbe, t[27] = 0xef, t[31] = 7;
    for (size_t i = 0; i < payload; i++)
        t[thl + i] = (uint8_t)(i * 7 + seed);
    return len;
}

/* Give a built packet right checksums (IPv4 header, TCP). */
static void fix_csums(uint8_t *p, size_t len)
{
    int v6 = (p[0] >> 4) == 6;
    size_t ihl = v6 ? 40 : (size_t)(p[0] & 15) * 4;
    if (!v6) {
        p[10] = p[11] = 0;
        uppp_inet_csum(p, ihl, p + 10);
    }
    uint8_t *t = p + ihl;
    t[16] = t[17] = 0;
    uint32_t acc = 6 + (uint32_t)(len - ihl) + ref_sum(p + (v6 ? 8 : 12), v6 ? 32 : 8, 0);
    uint16_t c = (uint16_t)~ref_sum(t, len - ihl, acc);
    t[16] = (uint8_t)(c >> 8), t[17] = (uint8_t)c;
}

#define MAXSEG 64

struct seen {
    size_t n;
    size_t len[MAXSEG];
    uint8_t pkt[MAXSEG][4200];
};

static void keep(void *user, const uint8_t *pkt, size_t len)
{
    struct seen *s = user;
    assert_true(s->n < MAXSEG && len <= sizeof(s->pkt[0]));
    memcpy(s->pkt[s->n], pkt, len);
    s->len[s->n++] = len;
}

/* Every segment of a cut super-packet (orig, whose payload is total
 * octets): lengths, identification, sequence numbers, flags, checksums and
 * the payload in order. */
static void check_segments(const struct seen *s, const uint8_t *orig, size_t total, size_t mss)
{
    int v6 = (orig[0] >> 4) == 6;
    size_t ihl = v6 ? 40 : (size_t)(orig[0] & 15) * 4, hl = ihl + 32;
    size_t nseg = (total + mss - 1) / mss;
    assert_int_equal(s->n, nseg);
    uint8_t flags = orig[ihl + 13];
    for (size_t i = 0; i < nseg; i++) {
        const uint8_t *p = s->pkt[i];
        size_t chunk = i + 1 < nseg ? mss : total - i * mss;
        assert_int_equal(s->len[i], hl + chunk);
        if (v6) {
            assert_int_equal(rd16(p + 4), 32 + chunk);
            assert_memory_equal(p + 6, orig + 6, 34);
        } else {
            assert_int_equal(rd16(p + 2), hl + chunk);
            assert_int_equal(rd16(p + 4), (uint16_t)(0x1234 + i));
            assert_int_equal(ref_sum(p, ihl, 0), 0xffff);
            assert_memory_equal(p + 12, orig + 12, ihl - 12);
        }
        assert_int_equal(rd32(p + ihl + 4), (uint32_t)(rd32(orig + ihl + 4) + i * mss));
        uint8_t want = flags;
        if (i + 1 < nseg)
            want &= (uint8_t)~0x09; /* FIN, PSH */
        if (i > 0)
            want &= (uint8_t)~0x80; /* CWR */
        assert_int_equal(p[ihl + 13], want);
        assert_memory_equal(p + ihl + 20, orig + ihl + 20, 12); /* options */
        assert_true(tcp_csum_ok(p, s->len[i]));
        assert_memory_equal(p + hl, orig + hl + i * mss, chunk);
    }
}

static void split_case(int v6, int opts, size_t payload, uint16_t mss, uint8_t flags)
{
    static uint8_t pkt[65536], orig[65536];
    static struct seen s;
    size_t len = make_tcp(pkt, v6, opts, 0xfffff000u, flags, payload, 3);
    memcpy(orig, pkt, len);
    struct uppp_vnet_hdr h = {
        UPPP_VNET_F_NEEDS_CSUM, v6 ? UPPP_VNET_GSO_TCPV6 : UPPP_VNET_GSO_TCPV4, 0, mss, 0, 16};
    s.n = 0;
    int n = uppp_tso_split(&h, pkt, len, keep, &s);
    assert_int_equal(n, (int)((payload + mss - 1) / mss));
    check_segments(&s, orig, payload, mss);
}

static void test_tso_split(void **state)
{
    (void)state;
    /* The bed's MSS over PPTP (1396 - 40), a 64 KiB-ish super-packet, a
     * last short segment, sequence numbers crossing 2^32; CWR|PSH|FIN. */
    split_case(0, 0, 44 * 1356 + 100, 1356, 0x80 | 0x10 | 0x08 | 0x01);
    split_case(0, 1, 10000, 1356, 0x10 | 0x08);
    split_case(1, 0, 30000, 1336, 0x10);
    /* Exactly full segments, and segments over 1500 octets. */
    split_case(0, 0, 3 * 1448, 1448, 0x10);
    split_case(1, 0, 5 * 4000 + 1, 4000, 0x10 | 0x08);
    /* One segment; a tiny MSS under the header length. */
    split_case(0, 0, 500, 1356, 0x10);
    split_case(0, 1, 200, 40, 0x10);
}

static void test_tso_plain_and_partial(void **state)
{
    (void)state;
    static uint8_t pkt[2000];
    struct seen s = {0};
    /* No flags: the packet as it is. */
    size_t len = make_tcp(pkt, 0, 0, 1, 0x18, 100, 1);
    struct uppp_vnet_hdr none = {0};
    assert_int_equal(uppp_tso_split(&none, pkt, len, keep, &s), 1);
    assert_int_equal(s.len[0], len);
    assert_memory_equal(s.pkt[0], pkt, len);
    /* A partial TCP checksum: the pseudo-header's sum in the field. */
    fix_csums(pkt, len);
    uint8_t want[2] = {pkt[36], pkt[37]};
    uint32_t ps = 6 + (uint32_t)(len - 20) + ref_sum(pkt + 12, 8, 0);
    ps = ref_sum(NULL, 0, ps);
    pkt[36] = (uint8_t)(ps >> 8), pkt[37] = (uint8_t)ps;
    struct uppp_vnet_hdr part = {UPPP_VNET_F_NEEDS_CSUM, 0, 0, 0, 20, 16};
    s.n = 0;
    assert_int_equal(uppp_tso_split(&part, pkt, len, keep, &s), 1);
    assert_memory_equal(s.pkt[0] + 36, want, 2);
    /* UDP whose sum comes out zero is sent as ffff (RFC 768). */
    uint8_t udp[28];
    tu_hex("4500001c0000400040110000c0000202c0000201 0000 0000 0008 0000", udp, sizeof(udp));
    /* Pick a source port that makes the full sum ffff: zero checksum. */
    uint16_t rest = ref_sum(udp + 12, 8, 17 + 8 + 8);
    uint16_t port = (uint16_t)~rest;
    udp[20] = (uint8_t)(port >> 8), udp[21] = (uint8_t)port;
    struct uppp_vnet_hdr pu = {UPPP_VNET_F_NEEDS_CSUM, 0, 0, 0, 20, 6};
    uint16_t pseudo = ref_sum(udp + 12, 8, 17 + 8);
    udp[26] = (uint8_t)(pseudo >> 8), udp[27] = (uint8_t)pseudo;
    s.n = 0;
    assert_int_equal(uppp_tso_split(&pu, udp, sizeof(udp), keep, &s), 1);
    tu_assert_hex(s.pkt[0] + 26, 2, "ffff");
}

static void test_tso_malformed(void **state)
{
    (void)state;
    static uint8_t pkt[4000];
    struct seen s = {0};
    size_t len = make_tcp(pkt, 0, 0, 1, 0x10, 3000, 1);
    struct uppp_vnet_hdr h = {UPPP_VNET_F_NEEDS_CSUM, UPPP_VNET_GSO_TCPV4, 0, 1356, 20, 16};
    struct uppp_vnet_hdr bad, none_hdr = {0};
    bad = h, bad.gso_type = 3; /* UFO */
    assert_int_equal(uppp_tso_split(&bad, pkt, len, keep, &s), UPPP_ERR_PARSE);
    bad = h, bad.gso_type = UPPP_VNET_GSO_TCPV6; /* an IPv4 packet */
    assert_int_equal(uppp_tso_split(&bad, pkt, len, keep, &s), UPPP_ERR_PARSE);
    bad = h, bad.gso_size = 0;
    assert_int_equal(uppp_tso_split(&bad, pkt, len, keep, &s), UPPP_ERR_PARSE);
    assert_int_equal(uppp_tso_split(&h, pkt, 45, keep, &s), UPPP_ERR_PARSE); /* TCP cut */
    assert_int_equal(uppp_tso_split(&h, pkt, 19, keep, &s), UPPP_ERR_PARSE);
    pkt[9] = 17; /* UDP under TCP GSO */
    assert_int_equal(uppp_tso_split(&h, pkt, len, keep, &s), UPPP_ERR_PARSE);
    pkt[9] = 6;
    pkt[6] = 0x20; /* MF */
    assert_int_equal(uppp_tso_split(&h, pkt, len, keep, &s), UPPP_ERR_PARSE);
    pkt[6] = 0x40;
    pkt[32] = 0x40; /* data offset 16 octets */
    assert_int_equal(uppp_tso_split(&h, pkt, len, keep, &s), UPPP_ERR_PARSE);
    pkt[32] = 0x80;
    struct uppp_vnet_hdr part = {UPPP_VNET_F_NEEDS_CSUM, 0, 0, 0, 100, 16};
    assert_int_equal(uppp_tso_split(&part, pkt, 117, keep, &s), UPPP_ERR_PARSE);
    part.csum_start = 200;
    assert_int_equal(uppp_tso_split(&part, pkt, 150, keep, &s), UPPP_ERR_PARSE);
    uint8_t six[60] = {0x60};
    six[6] = 0; /* a hop-by-hop header first */
    struct uppp_vnet_hdr h6 = {1, UPPP_VNET_GSO_TCPV6, 0, 1000, 40, 16};
    assert_int_equal(uppp_tso_split(&h6, six, sizeof(six), keep, &s), UPPP_ERR_PARSE);
    assert_int_equal(uppp_tso_split(&none_hdr, pkt, 0, keep, &s), UPPP_ERR_PARSE);
    assert_int_equal(uppp_tso_split(NULL, pkt, len, keep, &s), UPPP_ERR_INVALID);
    assert_int_equal(uppp_tso_split(&h, pkt, len, NULL, &s), UPPP_ERR_INVALID);
    assert_int_equal(s.n, 0);
}

/* Every segment in s offered to a fresh coalescer over gbuf: each must be
 * held; returns what uppp_gro_take gives. */
static size_t join_all(uint8_t *gbuf, const struct seen *s, int psh_joins)
{
    struct uppp_gro g;
    uppp_gro_init(&g, gbuf);
    g.psh_joins = (uint8_t)psh_joins;
    for (size_t i = 0; i < s->n; i++)
        assert_int_equal(uppp_gro_add(&g, s->pkt[i], s->len[i]), UPPP_GRO_HELD);
    size_t n = uppp_gro_take(&g);
    assert_int_equal(uppp_gro_take(&g), 0); /* empty now */
    return n;
}

/* Split a super-packet, coalesce its segments, split the result again:
 * the same segments. */
static void roundtrip(int v6, size_t payload, uint16_t mss, uint8_t flags)
{
    static uint8_t pkt[65536], orig[65536], gbuf[UPPP_GRO_BUF], again[65536];
    static struct seen s, s2;
    size_t len = make_tcp(pkt, v6, 0, 777, flags, payload, 9);
    memcpy(orig, pkt, len);
    struct uppp_vnet_hdr h = {1, v6 ? UPPP_VNET_GSO_TCPV6 : UPPP_VNET_GSO_TCPV4, 0, mss, 0, 0};
    s.n = 0;
    assert_true(uppp_tso_split(&h, pkt, len, keep, &s) > 0);
    size_t n = join_all(gbuf, &s, 0);
    assert_int_equal(n, UPPP_VNET_HDR_LEN + len);
    struct uppp_vnet_hdr gh;
    assert_int_equal(uppp_vnet_hdr_parse(gbuf, n, &gh), 0);
    if (s.n > 1) {
        assert_int_equal(gh.gso_type, h.gso_type);
        assert_int_equal(gh.gso_size, mss);
        assert_int_equal(gh.flags, UPPP_VNET_F_NEEDS_CSUM);
        assert_int_equal(gh.csum_start, v6 ? 40 : 20);
        assert_int_equal(gh.csum_offset, 16);
        assert_int_equal(gh.hdr_len, (v6 ? 40 : 20) + 32);
    } else {
        assert_int_equal(gh.gso_type, 0);
        assert_int_equal(gh.flags, 0);
    }
    memcpy(again, gbuf + UPPP_VNET_HDR_LEN, n - UPPP_VNET_HDR_LEN);
    s2.n = 0;
    assert_int_equal(uppp_tso_split(&gh, again, n - UPPP_VNET_HDR_LEN, keep, &s2), (int)s.n);
    for (size_t i = 0; i < s.n; i++) {
        assert_int_equal(s2.len[i], s.len[i]);
        /* The IPv4 identification restarts from the first segment's. */
        assert_memory_equal(s2.pkt[i], s.pkt[i], s.len[i]);
    }
    (void)orig;
}

static void test_gro_roundtrip(void **state)
{
    (void)state;
    roundtrip(0, 30 * 1356 + 17, 1356, 0x10 | 0x08); /* PSH on the last */
    roundtrip(1, 20 * 1336, 1336, 0x10);
    roundtrip(0, 1000, 1356, 0x10); /* one segment: written as it came */
    roundtrip(0, 10 * 4000, 4000, 0x10);
}

static void test_gro_rules(void **state)
{
    (void)state;
    static uint8_t gbuf[UPPP_GRO_BUF];
    uint8_t a[1500], b[1500];
    struct uppp_gro g;
    uppp_gro_init(&g, gbuf);
    size_t la = make_tcp(a, 0, 0, 1000, 0x10, 1000, 1);
    fix_csums(a, la);
    /* Corrupt: left alone for the kernel to drop. */
    a[100] ^= 1;
    assert_int_equal(uppp_gro_add(&g, a, la), UPPP_GRO_PASS);
    a[100] ^= 1;
    assert_int_equal(uppp_gro_add(&g, a, la), UPPP_GRO_HELD);
    /* The next segment of the same stream joins. */
    size_t lb = make_tcp(b, 0, 0, 2000, 0x10, 1000, 2);
    fix_csums(b, lb);
    assert_int_equal(uppp_gro_add(&g, b, lb), UPPP_GRO_HELD);
    /* Not the next sequence number. */
    lb = make_tcp(b, 0, 0, 2000, 0x10, 1000, 2);
    fix_csums(b, lb);
    assert_int_equal(uppp_gro_add(&g, b, lb), UPPP_GRO_FLUSH);
    /* Another port, another ack, another window, other options, another
     * TTL, TOS or address: another stream. */
    static const size_t at[] = {20 + 1, 20 + 9, 20 + 15, 20 + 31, 8, 1, 13};
    for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
        lb = make_tcp(b, 0, 0, 3000, 0x10, 1000, 3);
        b[at[i]] ^= 0x01;
        fix_csums(b, lb);
        assert_int_equal(uppp_gro_add(&g, b, lb), UPPP_GRO_FLUSH);
    }
    /* Bigger than the first segment. */
    lb = make_tcp(b, 0, 0, 3000, 0x10, 1001, 3);
    fix_csums(b, lb);
    assert_int_equal(uppp_gro_add(&g, b, lb), UPPP_GRO_FLUSH);
    /* A short one joins and ends the packet. */
    lb = make_tcp(b, 0, 0, 3000, 0x10, 10, 3);
    fix_csums(b, lb);
    assert_int_equal(uppp_gro_add(&g, b, lb), UPPP_GRO_HELD);
    lb = make_tcp(b, 0, 0, 3010, 0x10, 10, 3);
    fix_csums(b, lb);
    assert_int_equal(uppp_gro_add(&g, b, lb), UPPP_GRO_FLUSH);
    size_t n = uppp_gro_take(&g);
    assert_int_equal(n, UPPP_VNET_HDR_LEN + 20 + 32 + 2010);
    assert_int_equal(rd16(gbuf + UPPP_VNET_HDR_LEN + 2), 20 + 32 + 2010);
    assert_int_equal(ref_sum(gbuf + UPPP_VNET_HDR_LEN, 20, 0), 0xffff);
    /* Never coalesced: SYN, FIN, RST, no ACK, no payload, IPv4 options,
     * UDP, a length that is not the packet's. */
    static const uint8_t flags[] = {0x12, 0x11, 0x14, 0x00, 0x18 | 0x20};
    for (size_t i = 0; i < sizeof(flags); i++) {
        lb = make_tcp(b, 0, 0, 1, flags[i], 100, 1);
        fix_csums(b, lb);
        assert_int_equal(uppp_gro_add(&g, b, lb), UPPP_GRO_PASS);
    }
    lb = make_tcp(b, 0, 0, 1, 0x10, 0, 1);
    fix_csums(b, lb);
    assert_int_equal(uppp_gro_add(&g, b, lb), UPPP_GRO_PASS);
    lb = make_tcp(b, 0, 1, 1, 0x10, 100, 1);
    fix_csums(b, lb);
    assert_int_equal(uppp_gro_add(&g, b, lb), UPPP_GRO_PASS);
    lb = make_tcp(b, 0, 0, 1, 0x10, 100, 1);
    fix_csums(b, lb);
    assert_int_equal(uppp_gro_add(&g, b, lb + 1), UPPP_GRO_PASS);
    b[9] = 17;
    assert_int_equal(uppp_gro_add(&g, b, lb), UPPP_GRO_PASS);
    assert_int_equal(uppp_gro_add(NULL, b, lb), UPPP_GRO_PASS);
    assert_int_equal(uppp_gro_take(&g), 0);
}

/* PSH on segments inside a stream: by default it ends the held packet,
 * as the kernel's GRO; with psh_joins the segments join and the packet
 * carries PSH, which splitting it again puts on the last segment only
 * (what a forwarded packet looks like after the kernel's segmentation). */
static void test_gro_psh_joins(void **state)
{
    (void)state;
    static uint8_t pkt[65536], orig[65536], gbuf[UPPP_GRO_BUF], again[65536];
    static struct seen s, s2;
    for (int v6 = 0; v6 <= 1; v6++) {
        size_t len = make_tcp(pkt, v6, 0, 5000, 0x18, 6 * 1000, 4);
        memcpy(orig, pkt, len);
        struct uppp_vnet_hdr h = {1, v6 ? UPPP_VNET_GSO_TCPV6 : UPPP_VNET_GSO_TCPV4, 0, 1000, 0, 0};
        s.n = 0;
        assert_int_equal(uppp_tso_split(&h, pkt, len, keep, &s), 6);
        size_t ihl = v6 ? 40 : 20;
        for (size_t i = 1; i < 5; i += 2) { /* PSH on the second and fourth too */
            s.pkt[i][ihl + 13] |= 0x08;
            fix_csums(s.pkt[i], s.len[i]);
        }
        struct uppp_gro g;
        uppp_gro_init(&g, gbuf);
        assert_int_equal(uppp_gro_add(&g, s.pkt[0], s.len[0]), UPPP_GRO_HELD);
        assert_int_equal(uppp_gro_add(&g, s.pkt[1], s.len[1]), UPPP_GRO_HELD);
        assert_int_equal(uppp_gro_add(&g, s.pkt[2], s.len[2]), UPPP_GRO_FLUSH);
        assert_int_equal(gbuf[UPPP_VNET_HDR_LEN + ihl + 13], 0x18);
        (void)uppp_gro_take(&g);
        size_t n = join_all(gbuf, &s, 1);
        assert_int_equal(n, UPPP_VNET_HDR_LEN + len);
        struct uppp_vnet_hdr gh;
        assert_int_equal(uppp_vnet_hdr_parse(gbuf, n, &gh), 0);
        assert_int_equal(gh.gso_size, 1000);
        assert_int_equal(gbuf[UPPP_VNET_HDR_LEN + ihl + 13], 0x18);
        memcpy(again, gbuf + UPPP_VNET_HDR_LEN, n - UPPP_VNET_HDR_LEN);
        s2.n = 0;
        assert_int_equal(uppp_tso_split(&gh, again, n - UPPP_VNET_HDR_LEN, keep, &s2), 6);
        check_segments(&s2, orig, 6 * 1000, 1000); /* PSH on the last only */
        /* PSH on a middle segment alone still reaches the end. */
        s.pkt[5][ihl + 13] &= (uint8_t)~0x08;
        fix_csums(s.pkt[5], s.len[5]);
        assert_int_equal(join_all(gbuf, &s, 1), UPPP_VNET_HDR_LEN + len);
        assert_int_equal(gbuf[UPPP_VNET_HDR_LEN + ihl + 13], 0x18);
    }
}

/* The held packet stops at 65535 IP octets. */
static void test_gro_limit(void **state)
{
    (void)state;
    static uint8_t gbuf[UPPP_GRO_BUF];
    uint8_t b[1500];
    struct uppp_gro g;
    uppp_gro_init(&g, gbuf);
    uint32_t seq = 1;
    int held = 0;
    for (;;) {
        size_t lb = make_tcp(b, 0, 0, seq, 0x10, 1400, 5);
        fix_csums(b, lb);
        enum uppp_gro_verdict v = uppp_gro_add(&g, b, lb);
        if (v != UPPP_GRO_HELD) {
            assert_int_equal(v, UPPP_GRO_FLUSH);
            break;
        }
        held++;
        seq += 1400;
    }
    assert_int_equal(held, (65535 - 52) / 1400);
    size_t n = uppp_gro_take(&g);
    assert_true(n - UPPP_VNET_HDR_LEN <= 65535);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inet_csum_known_answers),
        cmocka_unit_test(test_vnet_hdr_codec),
        cmocka_unit_test(test_tso_split),
        cmocka_unit_test(test_tso_plain_and_partial),
        cmocka_unit_test(test_tso_malformed),
        cmocka_unit_test(test_gro_roundtrip),
        cmocka_unit_test(test_gro_rules),
        cmocka_unit_test(test_gro_limit),
        cmocka_unit_test(test_gro_psh_joins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
