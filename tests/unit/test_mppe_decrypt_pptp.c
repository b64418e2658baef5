/*
 * Unit tests of mppe-decrypt's PPTP input (tools/mppe_decrypt/): the link
 * layers down to IPv4 (Ethernet II, 802.1Q/802.1ad, Linux SLL/SLL2, raw),
 * IPv4 fragment reassembly (RFC 791 section 3.2), the TCP reassembly of
 * the control connection (RFC 793 section 3.3, RFC 2637 section 1.4) and
 * the pairing of a call's GRE directions by its Call-Reply (RFC 2637
 * sections 2.8, 2.10, 4.1). Messages and GRE headers are built with
 * libuppp's own builders.
 */
#include "testutil.h"

#include "md_ip.h"
#include "md_pptp.h"
#include "md_tcp.h"
#include "md_wire.h"

#include <uppp/err.h>
#include <uppp/pptp_gre.h>
#include <uppp/pptp_msg.h>

#include <pcap/pcap.h>
#include <stdio.h>

/* ---- link layers: table of (link type, record, IPv4 found at) ---- */
static void test_link_ipv4(void **state)
{
    (void)state;
    /* An IPv4 header's first octets stand for the packet: 45 00. */
#define ETH "020000000001 020000000002"
    static const struct {
        int dlt;
        const char *hex;
        int found;
        size_t at; /* octets before the IPv4 packet */
    } rows[] = {
        {MD_DLT_EN10MB, ETH "0800 4500", 1, 14},
        {MD_DLT_EN10MB, ETH "0806 0001", 0, 0},                      /* ARP */
        {MD_DLT_EN10MB, ETH "86dd 6000", 0, 0},                      /* IPv6 */
        {MD_DLT_EN10MB, ETH "8100 0064 0800 4500", 1, 18},           /* 802.1Q */
        {MD_DLT_EN10MB, ETH "88a8 0001 8100 0064 0800 4500", 1, 22}, /* 802.1ad */
        {MD_DLT_EN10MB, ETH "8100 0064", 0, 0},                      /* tag, no type */
        {MD_DLT_EN10MB, ETH "8100 0001 8100 0002 8100 0003 8100 0004 8100 0005 0800 4500", 0,
         0},                                 /* five tags: more than MD_MAX_VLAN_TAGS */
        {MD_DLT_EN10MB, "0200000000", 0, 0}, /* truncated */
        {MD_DLT_LINUX_SLL, "0004 0001 0006 020000000002 0000 0800 4500", 1, 16},
        {MD_DLT_LINUX_SLL, "0004 0001 0006 020000000002 0000 0806 0001", 0, 0},
        {MD_DLT_LINUX_SLL2, "0800 0000 00000002 0001 04 06 0200000000020000 4500", 1, 20},
        {MD_DLT_LINUX_SLL2, "86dd 0000 00000002 0001 04 06 0200000000020000 6000", 0, 0},
        {DLT_RAW, "4500", 1, 0},
        {DLT_RAW, "6000", 0, 0},
        {MD_DLT_IPV4, "4500", 1, 0},
        {MD_DLT_IPV4, "", 0, 0},
    };
#undef ETH
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        uint8_t rec[128];
        size_t n = tu_hex(rows[i].hex, rec, sizeof(rec));
        const uint8_t *ip = NULL;
        size_t len = 0;
        int got = md_link_ipv4(rows[i].dlt, rec, n, &ip, &len);
        if (got != rows[i].found)
            fail_msg("row %zu: found %d, want %d", i, got, rows[i].found);
        if (got) {
            assert_ptr_equal(ip, rec + rows[i].at);
            assert_int_equal(len, n - rows[i].at);
        }
    }
    assert_true(md_link_carries_ip(MD_DLT_EN10MB) && md_link_carries_ip(DLT_RAW));
    assert_false(md_link_carries_ip(MD_DLT_PPP));
}

/* ---- IPv4 and its fragments ---- */

static size_t ipv4(uint8_t *p, int proto, uint16_t id, unsigned frag, const uint8_t *pl, size_t n)
{
    memset(p, 0, 20);
    p[0] = 0x45;
    p[2] = (uint8_t)((20 + n) >> 8);
    p[3] = (uint8_t)(20 + n);
    p[4] = (uint8_t)(id >> 8);
    p[5] = (uint8_t)id;
    p[6] = (uint8_t)(frag >> 8);
    p[7] = (uint8_t)frag;
    p[8] = 64;
    p[9] = (uint8_t)proto;
    memcpy(p + 12, "\xc0\x00\x02\x0a\xc6\x33\x64\x01", 8);
    memcpy(p + 20, pl, n);
    return 20 + n;
}

static void test_ip_fragments(void **state)
{
    (void)state;
    struct md_ip *ip;
    assert_int_equal(md_ip_new(&ip), 0);
    uint8_t pl[40], pkt[128];
    for (size_t i = 0; i < sizeof(pl); i++)
        pl[i] = (uint8_t)i;
    struct md_ipv4 out;
    /* Whole: handed out as is. */
    size_t n = ipv4(pkt, MD_IPPROTO_GRE, 1, 0, pl, 40);
    assert_int_equal(md_ip_input(ip, 0, pkt, n, &out), 1);
    assert_int_equal(out.len, 40);
    assert_int_equal(out.src, 0xc000020a);
    assert_int_equal(out.dst, 0xc6336401);
    /* Another protocol, a bad version, a total length beyond the record. */
    n = ipv4(pkt, 17, 1, 0, pl, 40);
    assert_int_equal(md_ip_input(ip, 0, pkt, n, &out), 0);
    pkt[0] = 0x65;
    assert_int_equal(md_ip_input(ip, 0, pkt, n, &out), 0);
    n = ipv4(pkt, MD_IPPROTO_GRE, 1, 0, pl, 40);
    assert_int_equal(md_ip_input(ip, 0, pkt, n - 1, &out), 0);
    assert_int_equal(md_ip_stats(ip)->malformed, 1);
    assert_int_equal(md_ip_stats(ip)->truncated, 1);
    /* Last fragment first, then the first: whole. */
    n = ipv4(pkt, MD_IPPROTO_GRE, 2, 3, pl + 24, 16);
    assert_int_equal(md_ip_input(ip, 1, pkt, n, &out), 0);
    n = ipv4(pkt, MD_IPPROTO_GRE, 2, MD_IP_MF, pl, 24);
    assert_int_equal(md_ip_input(ip, 2, pkt, n, &out), 1);
    assert_int_equal(out.len, 40);
    assert_memory_equal(out.payload, pl, 40);
    /* A middle fragment off an 8-octet boundary: the datagram is lost. */
    n = ipv4(pkt, MD_IPPROTO_GRE, 3, MD_IP_MF, pl, 20);
    assert_int_equal(md_ip_input(ip, 3, pkt, n, &out), 0);
    assert_int_equal(md_ip_stats(ip)->frag_lost, 1);
    /* Beyond MD_FRAG_MAX: lost. */
    n = ipv4(pkt, MD_IPPROTO_GRE, 4, MD_FRAG_MAX / 8, pl, 8);
    assert_int_equal(md_ip_input(ip, 4, pkt, n, &out), 0);
    assert_int_equal(md_ip_stats(ip)->frag_lost, 2);
    /* A first fragment whose rest never comes: lost after 30 s of capture
     * time, when another fragment arrives. */
    n = ipv4(pkt, MD_IPPROTO_TCP, 5, MD_IP_MF, pl, 8);
    assert_int_equal(md_ip_input(ip, 10, pkt, n, &out), 0);
    n = ipv4(pkt, MD_IPPROTO_TCP, 6, MD_IP_MF, pl, 8);
    assert_int_equal(md_ip_input(ip, 10 + MD_FRAG_TIMEOUT_US + 1, pkt, n, &out), 0);
    assert_int_equal(md_ip_stats(ip)->frag_lost, 3);
    /* More datagrams than slots: the oldest is pushed out. */
    for (uint16_t id = 100; id < 100 + MD_FRAG_SLOTS; id++) {
        n = ipv4(pkt, MD_IPPROTO_GRE, id, MD_IP_MF, pl, 8);
        assert_int_equal(md_ip_input(ip, 10 + MD_FRAG_TIMEOUT_US + id, pkt, n, &out), 0);
    }
    assert_int_equal(md_ip_stats(ip)->frag_lost, 4);
    md_ip_finish(ip);
    assert_int_equal(md_ip_stats(ip)->frag_lost, 4 + MD_FRAG_SLOTS);
    assert_int_equal(md_ip_stats(ip)->reassembled, 1);
    md_ip_del(ip);
}

/* ---- TCP: segments in any order to whole control messages ---- */

struct got_msgs {
    int n;
    unsigned types[16];
};

static int on_msg(void *user, const uint8_t *m, size_t len)
{
    struct got_msgs *g = user;
    struct uppp_pptp_msg pm;
    assert_int_equal(uppp_pptp_msg_parse(m, len, &pm), 0);
    assert_true(g->n < 16);
    g->types[g->n++] = pm.type;
    return 0;
}

/* A stream of SCCRQ (156 octets), ECHORQ (16), CCRQ (16), ECHORQ (16). */
static size_t stream(uint8_t *b)
{
    static const enum uppp_pptp_ctrl_type t[] = {UPPP_PPTP_SCCRQ, UPPP_PPTP_ECHORQ, UPPP_PPTP_CCRQ,
                                                 UPPP_PPTP_ECHORQ};
    size_t n = 0;
    for (size_t i = 0; i < 4; i++) {
        struct uppp_pptp_msg m = {.type = t[i]};
        int r = uppp_pptp_msg_build(&m, b + n, 512 - n);
        assert_true(r > 0);
        n += (size_t)r;
    }
    return n;
}

static void test_tcp_reassembly(void **state)
{
    (void)state;
    uint8_t b[512];
    size_t len = stream(b);
    assert_int_equal(len, 204);
    /* Segments as (start, end) in the stream, in arrival order; the SYN
     * takes the sequence number before octet 0 (isn: 0xffffff80, so the
     * stream wraps past 2^32). want: messages out, gap octets. */
    static const struct {
        const char *what;
        int syn;
        size_t seg[10][2];
        size_t nseg;
        int want;
        uint64_t gaps;
    } rows[] = {
        {"in order", 1, {{0, 204}}, 1, 4, 0},
        {"split, middle first", 1, {{100, 180}, {0, 100}, {180, 204}}, 3, 4, 0},
        {"retransmitted and overlapping", 1, {{0, 100}, {0, 100}, {50, 170}, {160, 204}}, 4, 4, 0},
        {"the last first", 1, {{188, 204}, {172, 188}, {156, 172}, {0, 156}}, 4, 4, 0},
        /* The SCCRQ's second part never comes: nine segments after it fill
         * the hold, the gap is given up, the stream resyncs on the next
         * header and the three small messages still come out. */
        {"gap given up",
         1,
         {{0, 100},
          {156, 164},
          {164, 172},
          {172, 180},
          {180, 188},
          {188, 192},
          {192, 196},
          {196, 200},
          {200, 202},
          {202, 204}},
         10,
         3,
         56},
        /* No SYN seen (the capture began mid-connection in the SCCRQ): the
         * stream starts at the next header. */
        {"mid-connection", 0, {{100, 204}}, 1, 3, 0},
    };
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        struct md_tcp_dir d;
        struct md_tcp_stats st = {0};
        struct got_msgs g = {0};
        md_tcp_init(&d);
        uint32_t isn = 0xffffff80u;
        if (rows[r].syn)
            assert_int_equal(md_tcp_segment(&d, isn, 1, NULL, 0, on_msg, &g, &st), 0);
        for (size_t i = 0; i < rows[r].nseg; i++) {
            size_t a = rows[r].seg[i][0], e = rows[r].seg[i][1];
            assert_int_equal(
                md_tcp_segment(&d, isn + 1 + (uint32_t)a, 0, b + a, e - a, on_msg, &g, &st), 0);
        }
        if (g.n != rows[r].want || st.gaps != rows[r].gaps)
            fail_msg("%s: %d messages, %llu gap octets; want %d, %llu", rows[r].what, g.n,
                     (unsigned long long)st.gaps, rows[r].want, (unsigned long long)rows[r].gaps);
        assert_int_equal(g.types[g.n - 1], UPPP_PPTP_ECHORQ);
        md_tcp_clear(&d);
    }
    /* Garbage in order between messages: skipped up to the next header. */
    uint8_t gb[600];
    memcpy(gb, b, 156);
    memcpy(gb + 156, "garbage!", 8);
    memcpy(gb + 164, b + 156, 48);
    struct md_tcp_dir d;
    struct md_tcp_stats st = {0};
    struct got_msgs g = {0};
    md_tcp_init(&d);
    assert_int_equal(md_tcp_segment(&d, 7, 1, NULL, 0, on_msg, &g, &st), 0);
    assert_int_equal(md_tcp_segment(&d, 8, 0, gb, 212, on_msg, &g, &st), 0);
    assert_int_equal(g.n, 4);
    assert_int_equal(st.resyncs, 1);
    md_tcp_clear(&d);
}

/* ---- PPTP: a Call-Reply pairs the GRE directions of its call ---- */

#define PNS 0xc000020au
#define PAC 0xc6336401u

static size_t ip_from(uint8_t *p, uint32_t src, uint32_t dst, int proto, const uint8_t *pl,
                      size_t n)
{
    size_t len = ipv4(p, proto, 9, 0, pl, n);
    for (int i = 0; i < 4; i++) {
        p[12 + i] = (uint8_t)(src >> (24 - 8 * i));
        p[16 + i] = (uint8_t)(dst >> (24 - 8 * i));
    }
    return len;
}

/* One control message in one TCP segment, PAC port 1723, PNS port 40000. */
static void ctrl(struct md_pptp *p, int from_pns, uint32_t seq, const struct uppp_pptp_msg *m)
{
    uint8_t t[300], pkt[400];
    memset(t, 0, 20);
    t[0] = from_pns ? 0x9c : 0x06;
    t[1] = from_pns ? 0x40 : 0xbb;
    t[2] = from_pns ? 0x06 : 0x9c;
    t[3] = from_pns ? 0xbb : 0x40;
    t[4] = (uint8_t)(seq >> 24);
    t[5] = (uint8_t)(seq >> 16);
    t[6] = (uint8_t)(seq >> 8);
    t[7] = (uint8_t)seq;
    t[12] = 5 << 4;
    t[13] = 0x18;
    int n = uppp_pptp_msg_build(m, t + 20, sizeof(t) - 20);
    assert_true(n > 0);
    size_t len =
        ip_from(pkt, from_pns ? PNS : PAC, from_pns ? PAC : PNS, MD_IPPROTO_TCP, t, 20 + (size_t)n);
    assert_int_equal(md_pptp_input(p, 1000, pkt, len), 0);
}

static void gre(struct md_pptp *p, uint32_t src, uint32_t dst, uint16_t key, uint32_t seq,
                uint8_t mark)
{
    uint8_t g[64], pkt[128];
    struct uppp_gre_hdr h = {.payload_len = 4, .call_id = key, .has_seq = 1, .seq = seq};
    int hl = uppp_gre_build(&h, g, sizeof(g));
    assert_true(hl > 0);
    memcpy(g + hl, "\xc0\x21\x01", 3); /* an LCP frame, marked */
    g[hl + 3] = mark;
    size_t len = ip_from(pkt, src, dst, MD_IPPROTO_GRE, g, (size_t)hl + 4);
    assert_int_equal(md_pptp_input(p, 2000 + seq, pkt, len), 0);
}

static void want_unit(struct md_pptp *p, enum md_unit_kind kind, uint32_t link, enum md_dir dir,
                      uint8_t mark)
{
    struct md_unit u;
    assert_int_equal(md_pptp_next(p, &u), 1);
    assert_int_equal(u.kind, kind);
    assert_int_equal(u.link, link);
    if (kind == MD_UNIT_FRAME) {
        assert_int_equal(u.dir, dir);
        assert_int_equal(u.len, 4);
        assert_int_equal(u.data[3], mark);
    }
}

static void test_pptp_pairing(void **state)
{
    (void)state;
    struct md_pptp *p;
    assert_int_equal(md_pptp_new(&p), 0);
    /* Outgoing call: PNS Call ID 0x4000, PAC Call ID 0x0100. */
    struct uppp_pptp_msg m = {.type = UPPP_PPTP_OCRP};
    m.u.ocrp.call_id = 0x0100;
    m.u.ocrp.peer_call_id = 0x4000;
    m.u.ocrp.result = UPPP_PPTP_OCRP_CONNECTED;
    ctrl(p, 0, 1, &m);
    /* GRE to the PNS carries the PNS's ID (direction A, PAC -> PNS); to
     * the PAC the PAC's (B). A wrong key between the same hosts is
     * another (guessed) call. */
    gre(p, PAC, PNS, 0x4000, 1, 'a');
    gre(p, PNS, PAC, 0x0100, 1, 'b');
    gre(p, PNS, PAC, 0x0101, 1, 'x');
    want_unit(p, MD_UNIT_FRAME, 1, MD_DIR_A, 'a');
    want_unit(p, MD_UNIT_FRAME, 1, MD_DIR_B, 'b');
    want_unit(p, MD_UNIT_FRAME, 2, MD_DIR_B, 'x');
    /* Out of order: held until the gap fills, then both in order. */
    gre(p, PAC, PNS, 0x4000, 3, 'c');
    struct md_unit u;
    assert_int_equal(md_pptp_next(p, &u), 0);
    gre(p, PAC, PNS, 0x4000, 2, 'b');
    want_unit(p, MD_UNIT_FRAME, 1, MD_DIR_A, 'b');
    want_unit(p, MD_UNIT_FRAME, 1, MD_DIR_A, 'c');
    /* A duplicate is dropped. */
    gre(p, PAC, PNS, 0x4000, 3, 'c');
    assert_int_equal(md_pptp_next(p, &u), 0);
    /* A refused call pairs nothing. */
    m.u.ocrp.call_id = 0x0200;
    m.u.ocrp.peer_call_id = 0x5000;
    m.u.ocrp.result = UPPP_PPTP_OCRP_BUSY;
    ctrl(p, 0, 1 + UPPP_PPTP_OCRP_LEN, &m);
    /* An incoming call: ICRP from the PNS holds its ID (0x4001) and the
     * PAC's (0x0300). */
    struct uppp_pptp_msg ic = {.type = UPPP_PPTP_ICRP};
    ic.u.icrp.call_id = 0x4001;
    ic.u.icrp.peer_call_id = 0x0300;
    ic.u.icrp.result = UPPP_PPTP_ICRP_CONNECT;
    ctrl(p, 1, 1, &ic);
    gre(p, PNS, PAC, 0x0300, 1, 'i');
    gre(p, PAC, PNS, 0x4001, 1, 'j');
    want_unit(p, MD_UNIT_FRAME, 3, MD_DIR_B, 'i');
    want_unit(p, MD_UNIT_FRAME, 3, MD_DIR_A, 'j');
    /* The first call is set up again with the same IDs: the old link ends. */
    m.u.ocrp.call_id = 0x0100;
    m.u.ocrp.peer_call_id = 0x4000;
    m.u.ocrp.result = UPPP_PPTP_OCRP_CONNECTED;
    ctrl(p, 0, 1 + 2 * UPPP_PPTP_OCRP_LEN, &m);
    want_unit(p, MD_UNIT_LINK_END, 1, MD_DIR_A, 0);
    gre(p, PAC, PNS, 0x4000, 1, 'n');
    want_unit(p, MD_UNIT_FRAME, 4, MD_DIR_A, 'n');
    /* GRE of a call before its reply: guessed, then the reply adopts it
     * (the same link, the same direction names). */
    gre(p, PNS, PAC, 0x0500, 1, 'e');
    want_unit(p, MD_UNIT_FRAME, 5, MD_DIR_B, 'e');
    assert_int_equal(md_pptp_stats(p)->calls_guessed, 2);
    m.u.ocrp.call_id = 0x0500;
    m.u.ocrp.peer_call_id = 0x4005;
    ctrl(p, 0, 1 + 3 * UPPP_PPTP_OCRP_LEN, &m);
    assert_int_equal(md_pptp_next(p, &u), 0);
    gre(p, PAC, PNS, 0x4005, 1, 'f');
    want_unit(p, MD_UNIT_FRAME, 5, MD_DIR_A, 'f');
    assert_int_equal(md_pptp_stats(p)->calls, 4);
    assert_int_equal(md_pptp_stats(p)->calls_guessed, 1);
    /* The end: every call over. */
    assert_int_equal(md_pptp_finish(p), 0);
    int ends = 0;
    while (md_pptp_next(p, &u) == 1)
        ends += u.kind == MD_UNIT_LINK_END;
    assert_int_equal(ends, 4);
    assert_int_equal(md_pptp_stats(p)->gre_dup, 1);
    md_pptp_del(p);
}

/* Past MD_PPTP_MAX_WAITING receivers holding packets, the one waiting
 * longest gives its gap up: what is buffered stays bounded. */
static void test_pptp_waiting_bound(void **state)
{
    (void)state;
    struct md_pptp *p;
    assert_int_equal(md_pptp_new(&p), 0);
    int calls = MD_PPTP_MAX_WAITING + 6, frames = 0;
    struct md_unit u;
    for (int i = 0; i < calls; i++) {
        uint32_t host = 0x0a000001u + (uint32_t)i; /* a call per host, guessed */
        gre(p, host, PAC, 1, 1, 'a');
        gre(p, host, PAC, 1, 3, 'c'); /* 2 is missing: 3 waits */
        while (md_pptp_next(p, &u) == 1)
            frames += u.kind == MD_UNIT_FRAME;
    }
    /* Every first packet, and the third of the six that waited longest. */
    assert_int_equal(frames, calls + 6);
    assert_int_equal(md_pptp_finish(p), 0);
    while (md_pptp_next(p, &u) == 1)
        frames += u.kind == MD_UNIT_FRAME;
    assert_int_equal(frames, 2 * calls);
    md_pptp_del(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_link_ipv4),          cmocka_unit_test(test_ip_fragments),
        cmocka_unit_test(test_tcp_reassembly),     cmocka_unit_test(test_pptp_pairing),
        cmocka_unit_test(test_pptp_waiting_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
