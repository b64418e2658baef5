/*
 * Fuzz the daemon's GRE demultiplexer (daemon/gre_sock.c): arbitrary
 * octets as a raw socket would read them (IPv4 header, RFC 791 3.1, then
 * enhanced GRE, RFC 2637 4.1), against a table of calls from two peers.
 *
 * Checks: a packet reaches a call only when its IPv4 source and its Key
 * are that call's, what the call gets is inside the input and parses as
 * GRE with that Key, every packet is counted exactly once (delivered, bad
 * IP, bad GRE or unknown), and the result code matches the counter.
 */
#include "gre_sock.h"

#include <uppp/err.h>
#include <uppp/pptp_gre.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if (!(x))                                                                                  \
            abort();                                                                               \
    } while (0)

/* 10.0.0.1 and 10.0.0.2 in network byte order, however the host orders. */
static const uint8_t peer_a[4] = {10, 0, 0, 1}, peer_b[4] = {10, 0, 0, 2};

struct fcall {
    struct upppd_gre_call c;
    const uint8_t *in;
    size_t in_len;
    int got;
};

static void on_recv(struct upppd_gre_call *c, const uint8_t *gre, size_t len, uint64_t now)
{
    struct fcall *f = (struct fcall *)(void *)c;
    (void)now;
    CHECK(gre >= f->in && gre + len <= f->in + f->in_len);
    struct uppp_gre_hdr h;
    CHECK(uppp_gre_parse(gre, len, &h) > 0);
    CHECK(h.call_id == c->call_id);
    uint32_t src;
    memcpy(&src, gre - (size_t)(f->in[0] & 0x0f) * 4 + 12, 4);
    CHECK(src == c->peer);
    f->got++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct upppd_gre_sock g;
    if (upppd_gre_sock_init(&g, NULL) < 0)
        abort();
    static struct fcall calls[4];
    const uint16_t ids[4] = {0, 0x2a, 0, 0xffff};
    for (int i = 0; i < 4; i++) {
        memset(&calls[i], 0, sizeof(calls[i]));
        memcpy(&calls[i].c.peer, i < 2 ? peer_a : peer_b, 4);
        calls[i].c.call_id = ids[i];
        calls[i].c.recv = on_recv;
        calls[i].in = data;
        calls[i].in_len = size;
        CHECK(upppd_gre_sock_register(&g, &calls[i].c) == 0);
    }
    int rc = upppd_gre_sock_demux(&g, data, size, 1);
    int got = 0;
    for (int i = 0; i < 4; i++)
        got += calls[i].got;
    CHECK(g.st.rx_packets == 1);
    CHECK(g.st.rx_delivered + g.st.rx_bad_ip + g.st.rx_bad_gre + g.st.rx_unknown == 1);
    CHECK((rc == 0) == (got == 1) && got <= 1 && (rc == 0) == (g.st.rx_delivered == 1));
    CHECK((rc == UPPP_ERR_PROTO) == (g.st.rx_unknown == 1));
    CHECK((rc == UPPP_ERR_PARSE) == (g.st.rx_bad_ip + g.st.rx_bad_gre == 1));
    upppd_gre_sock_close(&g);
    return 0;
}
