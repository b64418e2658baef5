/* The daemon's GRE demultiplexer (daemon/gre_sock.c): calls keyed by
 * (peer address, our Call ID) get their own packets and nothing else;
 * forged Keys, a right Key from the wrong source, broken IPv4 (RFC 791
 * 3.1) and GRE (RFC 2637 4.1) headers are counted and dropped. Then the
 * real raw socket, as root in a network namespace of the test's own: three
 * sockets on loopback addresses exchange GRE through the kernel. */
#define _GNU_SOURCE
#include "netns_util.h"
#include "testutil.h"

#include "gre_sock.h"
#include "loop.h"

#include <uppp/err.h>
#include <uppp/pptp_gre.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

struct rcall {
    struct upppd_gre_call c;
    struct upppd_gre_sock *g;
    int got;
    size_t last_len;
    uint32_t last_seq;
    int unregister_on_recv;
};

static void on_recv(struct upppd_gre_call *c, const uint8_t *gre, size_t len, uint64_t now)
{
    struct rcall *r = (struct rcall *)(void *)c;
    (void)now;
    struct uppp_gre_hdr h;
    assert_true(uppp_gre_parse(gre, len, &h) > 0);
    assert_int_equal(h.call_id, c->call_id); /* never another call's packet */
    r->got++;
    r->last_len = len;
    r->last_seq = h.seq;
    if (r->unregister_on_recv)
        upppd_gre_sock_unregister(r->g, c);
}

static void rcall_init(struct rcall *r, struct upppd_gre_sock *g, const char *peer, uint16_t id)
{
    memset(r, 0, sizeof(*r));
    r->g = g;
    r->c.peer = inet_addr(peer);
    r->c.call_id = id;
    r->c.recv = on_recv;
}

/* A GRE data packet for Key call_id with sequence number seq and a payload
 * of plen octets; returns its length. */
static size_t gre_packet(uint8_t *buf, size_t cap, uint16_t call_id, uint32_t seq, size_t plen)
{
    struct uppp_gre_hdr h = {
        .payload_len = (uint16_t)plen, .call_id = call_id, .has_seq = 1, .seq = seq};
    int hl = uppp_gre_build(&h, buf, cap);
    assert_true(hl > 0);
    assert_true((size_t)hl + plen <= cap);
    memset(buf + hl, 0xA5, plen);
    return (size_t)hl + plen;
}

/* The same inside an IPv4 header from src (as a raw socket reads it). */
static size_t ip_packet(uint8_t *buf, size_t cap, const char *src, uint16_t call_id, uint32_t seq,
                        size_t plen)
{
    assert_true(cap > 20);
    size_t glen = gre_packet(buf + 20, cap - 20, call_id, seq, plen);
    size_t total = 20 + glen;
    memset(buf, 0, 20);
    buf[0] = 0x45;
    buf[2] = (uint8_t)(total >> 8);
    buf[3] = (uint8_t)total;
    buf[6] = 0x40; /* DF */
    buf[8] = 64;
    buf[9] = 47;
    uint32_t a = inet_addr(src);
    memcpy(buf + 12, &a, 4);
    a = inet_addr("10.0.0.254");
    memcpy(buf + 16, &a, 4);
    return total;
}

static void test_demux_table(void **state)
{
    (void)state;
    struct upppd_gre_sock g;
    assert_int_equal(upppd_gre_sock_init(&g, NULL), 0);
    struct rcall a5, a6, b5, dup;
    rcall_init(&a5, &g, "10.0.0.1", 5);
    rcall_init(&a6, &g, "10.0.0.1", 6);
    rcall_init(&b5, &g, "10.0.0.2", 5); /* the same Call ID from another peer */
    rcall_init(&dup, &g, "10.0.0.1", 5);
    assert_int_equal(upppd_gre_sock_register(&g, &a5.c), 0);
    assert_int_equal(upppd_gre_sock_register(&g, &a6.c), 0);
    assert_int_equal(upppd_gre_sock_register(&g, &b5.c), 0);
    errno = 0;
    assert_int_equal(upppd_gre_sock_register(&g, &dup.c), -1);
    assert_int_equal(errno, EEXIST);
    assert_int_equal(upppd_gre_sock_register(&g, &a5.c), -1); /* twice */
    assert_ptr_equal(upppd_gre_sock_find(&g, inet_addr("10.0.0.2"), 5), &b5.c);

    uint8_t p[2048];
    size_t n = ip_packet(p, sizeof(p), "10.0.0.1", 5, 100, 50);
    assert_int_equal(upppd_gre_sock_demux(&g, p, n, 1), 0);
    n = ip_packet(p, sizeof(p), "10.0.0.1", 6, 101, 60);
    assert_int_equal(upppd_gre_sock_demux(&g, p, n, 1), 0);
    n = ip_packet(p, sizeof(p), "10.0.0.2", 5, 102, 70);
    /* Ethernet padding after the datagram is not part of it. */
    memset(p + n, 0, 10);
    assert_int_equal(upppd_gre_sock_demux(&g, p, n + 10, 1), 0);
    assert_int_equal(a5.got, 1);
    assert_int_equal(a5.last_seq, 100);
    assert_int_equal(a6.got, 1);
    assert_int_equal(a6.last_seq, 101);
    assert_int_equal(b5.got, 1);
    assert_int_equal(b5.last_seq, 102);
    assert_int_equal(b5.last_len, n - 20);

    /* Forged: a Key nobody registered, a right Key from the wrong source. */
    n = ip_packet(p, sizeof(p), "10.0.0.1", 7, 1, 10);
    assert_int_equal(upppd_gre_sock_demux(&g, p, n, 1), UPPP_ERR_PROTO);
    n = ip_packet(p, sizeof(p), "10.0.0.3", 5, 1, 10);
    assert_int_equal(upppd_gre_sock_demux(&g, p, n, 1), UPPP_ERR_PROTO);
    n = ip_packet(p, sizeof(p), "10.0.0.2", 6, 1, 10);
    assert_int_equal(upppd_gre_sock_demux(&g, p, n, 1), UPPP_ERR_PROTO);
    assert_int_equal(g.st.rx_unknown, 3);

    /* Broken IPv4 headers. */
    size_t good = ip_packet(p, sizeof(p), "10.0.0.1", 5, 1, 10);
    assert_int_equal(upppd_gre_sock_demux(&g, p, 19, 1), UPPP_ERR_PARSE); /* short */
    uint8_t q[2048];
    struct {
        int off;
        uint8_t val;
    } bad[] = {
        {0, 0x65}, /* IPv6 version nibble */
        {0, 0x44}, /* IHL 4 */
        {0, 0x4f}, /* IHL 15: 60 octets of header, more than the datagram holds */
        {9, 17},   /* UDP */
        {6, 0x20}, /* More Fragments */
        {7, 0x01}, /* a fragment offset */
        {2, 0xff}, /* total length beyond what was read */
        {3, 0x05}, /* total length below the header's */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memcpy(q, p, good);
        q[bad[i].off] = bad[i].val;
        if (bad[i].off == 3)
            q[2] = 0;
        assert_int_equal(upppd_gre_sock_demux(&g, q, good, 1), UPPP_ERR_PARSE);
    }
    assert_int_equal(g.st.rx_bad_ip, 1 + sizeof(bad) / sizeof(bad[0]));
    /* Broken GRE: version 0 (plain GRE), a payload length past the end. */
    memcpy(q, p, good);
    q[21] &= 0xf8;
    assert_int_equal(upppd_gre_sock_demux(&g, q, good, 1), UPPP_ERR_PARSE);
    memcpy(q, p, good);
    q[2] = 0;
    q[3] = 20 + 12; /* the IP length cuts the GRE payload short */
    assert_int_equal(upppd_gre_sock_demux(&g, q, good, 1), UPPP_ERR_PARSE);
    assert_int_equal(g.st.rx_bad_gre, 2);
    assert_int_equal(a5.got, 1); /* none of them reached a call */

    /* A call may unregister itself from its own callback (its call was
     * cleared); then it is unknown. */
    a5.unregister_on_recv = 1;
    assert_int_equal(upppd_gre_sock_demux(&g, p, good, 1), 0);
    assert_int_equal(a5.got, 2);
    assert_false(a5.c.registered);
    assert_int_equal(upppd_gre_sock_demux(&g, p, good, 1), UPPP_ERR_PROTO);
    assert_int_equal(a5.got, 2);
    upppd_gre_sock_unregister(&g, &a5.c); /* again: a no-op */
    assert_int_equal(g.ncalls, 2);
    /* The key is free again. */
    assert_int_equal(upppd_gre_sock_register(&g, &dup.c), 0);
    assert_int_equal(upppd_gre_sock_demux(&g, p, good, 1), 0);
    assert_int_equal(dup.got, 1);
    assert_int_equal(g.st.rx_delivered, 5);
    upppd_gre_sock_close(&g);
    upppd_gre_sock_close(&g); /* twice is harmless */
}

/* Many calls, many collisions in the table: each still gets only its own. */
static void test_demux_many(void **state)
{
    (void)state;
    enum { N = 3000 };
    struct upppd_gre_sock g;
    assert_int_equal(upppd_gre_sock_init(&g, NULL), 0);
    static struct rcall calls[N];
    char addr[32];
    for (int i = 0; i < N; i++) {
        snprintf(addr, sizeof(addr), "10.1.%d.%d", i % 7, 1 + i % 5);
        rcall_init(&calls[i], &g, addr, (uint16_t)(i / 35));
        assert_int_equal(upppd_gre_sock_register(&g, &calls[i].c), 0);
    }
    uint8_t p[256];
    for (int i = 0; i < N; i++) {
        snprintf(addr, sizeof(addr), "10.1.%d.%d", i % 7, 1 + i % 5);
        size_t n = ip_packet(p, sizeof(p), addr, (uint16_t)(i / 35), (uint32_t)i, 8);
        assert_int_equal(upppd_gre_sock_demux(&g, p, n, 1), 0);
    }
    for (int i = 0; i < N; i += 2)
        upppd_gre_sock_unregister(&g, &calls[i].c);
    for (int i = 0; i < N; i++) {
        assert_int_equal(calls[i].got, 1);
        assert_int_equal(calls[i].last_seq, (uint32_t)i);
        snprintf(addr, sizeof(addr), "10.1.%d.%d", i % 7, 1 + i % 5);
        size_t n = ip_packet(p, sizeof(p), addr, (uint16_t)(i / 35), (uint32_t)i, 8);
        assert_int_equal(upppd_gre_sock_demux(&g, p, n, 1), i % 2 ? 0 : UPPP_ERR_PROTO);
    }
    assert_int_equal(g.ncalls, N / 2);
    upppd_gre_sock_close(&g);
}

/* Three raw sockets in a namespace of our own: "server" bound to
 * 127.0.0.1, peers bound to 127.0.0.2 and 127.0.0.3. */
static void test_raw_loopback(void **state)
{
    (void)state;
    if (tu_private_netns() < 0) {
        skip(); /* needs root: CAP_NET_RAW and a namespace of our own */
        return;
    }
    struct upppd_loop l;
    assert_int_equal(upppd_loop_init(&l), 0);
    struct upppd_gre_sock srv, p2, p3;
    assert_int_equal(upppd_gre_sock_open(&srv, &l, inet_addr("127.0.0.1")), 0);
    assert_int_equal(upppd_gre_sock_open(&p2, &l, inet_addr("127.0.0.2")), 0);
    assert_int_equal(upppd_gre_sock_open(&p3, &l, inet_addr("127.0.0.3")), 0);
    struct rcall s2, s3, back;
    rcall_init(&s2, &srv, "127.0.0.2", 0); /* pptpd's first Call ID is 0 */
    rcall_init(&s3, &srv, "127.0.0.3", 1);
    rcall_init(&back, &p2, "127.0.0.1", 40000);
    assert_int_equal(upppd_gre_sock_register(&srv, &s2.c), 0);
    assert_int_equal(upppd_gre_sock_register(&srv, &s3.c), 0);
    assert_int_equal(upppd_gre_sock_register(&p2, &back.c), 0);

    uint8_t pkt[2048];
    size_t n;
    for (uint32_t i = 0; i < 10; i++) {
        n = gre_packet(pkt, sizeof(pkt), 0, i, 1400);
        assert_int_equal(upppd_gre_sock_send(&p2, inet_addr("127.0.0.1"), pkt, n), 0);
    }
    n = gre_packet(pkt, sizeof(pkt), 1, 7, 100);
    assert_int_equal(upppd_gre_sock_send(&p3, inet_addr("127.0.0.1"), pkt, n), 0);
    /* 127.0.0.3 forging 127.0.0.2's Key, and a Key nobody has. */
    n = gre_packet(pkt, sizeof(pkt), 0, 99, 100);
    assert_int_equal(upppd_gre_sock_send(&p3, inet_addr("127.0.0.1"), pkt, n), 0);
    n = gre_packet(pkt, sizeof(pkt), 2, 99, 100);
    assert_int_equal(upppd_gre_sock_send(&p3, inet_addr("127.0.0.1"), pkt, n), 0);
    /* Plain GRE (version 0) from a stranger. */
    n = gre_packet(pkt, sizeof(pkt), 0, 1, 10);
    pkt[1] &= 0xf8;
    assert_int_equal(upppd_gre_sock_send(&p3, inet_addr("127.0.0.1"), pkt, n), 0);
    /* And the way back, to a socket bound elsewhere. */
    n = gre_packet(pkt, sizeof(pkt), 40000, 5, 20);
    assert_int_equal(upppd_gre_sock_send(&srv, inet_addr("127.0.0.2"), pkt, n), 0);

    /* Loopback delivers synchronously: the packets are queued already; a
     * bounded number of passes reads them. */
    for (int i = 0; i < 20 && srv.st.rx_packets < 14; i++)
        upppd_loop_run_once(&l, 100);
    upppd_loop_run_once(&l, 0);
    assert_int_equal(s2.got, 10);
    assert_int_equal(s2.last_seq, 9);
    assert_int_equal(s2.last_len, 16 - 4 + 1400); /* header with S, no A */
    assert_int_equal(s3.got, 1);
    assert_int_equal(back.got, 1);
    assert_int_equal(srv.st.rx_packets, 14);
    assert_int_equal(srv.st.rx_unknown, 2);
    assert_int_equal(srv.st.rx_bad_gre, 1);
    /* Bound sockets see only what is addressed to them. */
    assert_int_equal(p2.st.rx_packets, 1);
    assert_int_equal(p3.st.rx_packets, 0);
    assert_int_equal(srv.st.tx_packets, 1);
    assert_int_equal(p3.st.tx_packets, 4);

    upppd_gre_sock_close(&srv);
    upppd_gre_sock_close(&p2);
    upppd_gre_sock_close(&p3);
    upppd_loop_fini(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demux_table),
        cmocka_unit_test(test_demux_many),
        cmocka_unit_test(test_raw_loopback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
