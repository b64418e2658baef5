/*
 * Fuzz target for PPTP's enhanced GRE (RFC 2637 section 4;
 * include/uppp/pptp_gre.h): the header parser and the data channel's
 * reorder buffer, window and acks fed arbitrary packets.
 *
 * Input: 2 header octets, then records of [length][time step][packet].
 *   [0] bits 0-1: reorder timeout 0 / 1 / 300 / 10000 ms; bit 2: recv
 *       window 4 (else 64); bit 3: send a payload after every record;
 *       bit 4: ack delay 50 ms; bit 5: enforce the peer window; bit 6:
 *       our sequence numbers start at 0xfffffff0
 *   [1] the peer window (0 = unlimited)
 * Our Call ID is 0x002a; the seeds use it so the fuzzer starts inside.
 *
 * Checks:
 * 1. The header parser: a header it accepts rebuilds to the same octets
 *    (the A/S layout is canonical), and its length is 8, 12 or 16.
 * 2. The data channel: it never delivers more payloads than it received
 *    data packets, each delivered payload is one that was sent to it, its
 *    counters match what the callbacks saw, everything it sends parses
 *    with the peer's Call ID, its sequence numbers count up by one, and
 *    acks never go backwards.
 */
#include <uppp/pptp_gre.h>
#include <uppp/err.h>

#include <stdlib.h>
#include <string.h>

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if (!(x))                                                                                  \
            abort();                                                                               \
    } while (0)

struct run {
    uint64_t delivered, data_in;
    uint64_t sent_data, sent_acks;
    uint32_t next_seq;
    int have_ack;
    uint32_t last_ack;
};

static void on_output(void *user, const uint8_t *pkt, size_t len)
{
    struct run *r = user;
    struct uppp_gre_hdr h;
    int hl = uppp_gre_parse(pkt, len, &h);
    CHECK(hl > 0);
    CHECK(h.call_id == 0x0007);
    CHECK((size_t)hl + h.payload_len == len);
    if (h.has_seq) {
        CHECK(h.seq == r->next_seq);
        r->next_seq++;
        r->sent_data++;
    } else {
        r->sent_acks++;
    }
    if (h.has_ack) {
        CHECK(!r->have_ack || (int32_t)(h.ack - r->last_ack) >= 0);
        r->have_ack = 1;
        r->last_ack = h.ack;
    }
}

static void on_deliver(void *user, const uint8_t *p, size_t len)
{
    struct run *r = user;
    (void)p;
    CHECK(len > 0 && len <= 4096);
    r->delivered++;
    CHECK(r->delivered <= r->data_in);
}

static void check_header(const uint8_t *p, size_t len)
{
    struct uppp_gre_hdr h;
    int hl = uppp_gre_parse(p, len, &h);
    if (hl < 0)
        return;
    CHECK(hl == 8 || hl == 12 || hl == 16);
    uint8_t buf[UPPP_GRE_MAX_HEADER_LEN];
    CHECK(uppp_gre_build(&h, buf, sizeof(buf)) == hl);
    CHECK(memcmp(buf, p, (size_t)hl) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    static const uint32_t waits[4] = {0, 1, 300, 10000};
    struct uppp_pptp_gre_config cfg;
    uppp_pptp_gre_config_init(&cfg);
    cfg.call_id = 0x002a;
    cfg.peer_call_id = 0x0007;
    cfg.reorder_timeout_ms = waits[data[0] & 3];
    cfg.recv_window = (data[0] & 4) ? 4 : 64;
    cfg.ack_delay_ms = (data[0] & 16) ? 50 : 0;
    cfg.peer_window = data[1];
    cfg.enforce_peer_window = (data[0] & 32) != 0;
    if (data[0] & 64)
        cfg.first_seq = 0xfffffff0u; /* our numbers wrap soon */
    if (data[0] & 128)
        cfg.poke_ms = 0;
    struct run r = {.next_seq = cfg.first_seq};
    struct uppp_pptp_gre_callbacks cb = {.output = on_output, .deliver = on_deliver};
    struct uppp_pptp_gre *g = NULL;
    CHECK(uppp_pptp_gre_new(&g, &cfg, &cb, &r) == 0);
    uint64_t now = 0;
    size_t off = 2;
    static const uint8_t payload[100] = {0xff, 0x03, 0xc0, 0x21};
    while (off + 2 <= size) {
        size_t len = data[off];
        now += data[off + 1];
        off += 2;
        if (len > size - off)
            len = size - off;
        const uint8_t *p = data + off;
        off += len;
        check_header(p, len);
        struct uppp_gre_hdr h;
        if (uppp_gre_parse(p, len, &h) > 0 && h.call_id == cfg.call_id && h.has_seq)
            r.data_in++;
        int rc = uppp_pptp_gre_recv(g, p, len, now);
        CHECK(rc == 0 || rc == UPPP_ERR_PARSE || rc == UPPP_ERR_PROTO);
        if (uppp_pptp_gre_next_timer(g) <= now)
            CHECK(uppp_pptp_gre_handle_timer(g, now) == 0);
        if (data[0] & 8) {
            int sr = uppp_pptp_gre_send(g, payload, 1 + len % sizeof(payload), now);
            CHECK(sr == 0 || sr == UPPP_ERR_LIMIT);
        }
    }
    /* Let every wait run out. */
    for (int i = 0; i < 300; i++) {
        uint64_t t = uppp_pptp_gre_next_timer(g);
        if (t == UINT64_MAX)
            break;
        now = t > now ? t : now;
        CHECK(uppp_pptp_gre_handle_timer(g, now) == 0);
    }
    const struct uppp_pptp_gre_stats *st = uppp_pptp_gre_stats(g);
    CHECK(st->rx_delivered == r.delivered);
    CHECK(st->tx_data == r.sent_data);
    CHECK(st->tx_acks + st->tx_pokes == r.sent_acks); /* both go out alone */
    /* Nothing waits once every timer has run. */
    CHECK(uppp_pptp_gre_next_timer(g) == UINT64_MAX);
    uppp_pptp_gre_del(g);
    return 0;
}
