/*
 * Fuzz target for the async HDLC deframer and encoder (RFC 1662 sections 3,
 * 4 and 7.1; include/uppp/hdlc.h).
 *
 * Input: 6 header octets, then the body.
 *   [0] bit 0: FCS-32; bit 1: encoder adds FF 03; bit 2: small MRU;
 *       bit 3: LCP-style escaping of all control characters; bit 4: extra
 *       256-bit transmit map; bit 5: no opening flag on the second frame
 *   [1..4] receive ACCM (little-endian)
 *   [5] seed for the chunk sizes, the MRU and the transmit map
 *
 * Checks:
 * 1. The body as raw wire bytes: fed whole, fed in random chunks and fed
 *    one octet at a time, the deframer gives the same frames and the same
 *    counters; each frame obeys the documented bounds.
 * 2. Round trip: the body encoded as a frame (twice, back to back) and
 *    decoded again gives the body back exactly when it is a frame the
 *    deframer accepts (Protocol field present, not too long), and nothing
 *    otherwise.
 */
#include <uppp/hdlc.h>

#include <stdlib.h>
#include <string.h>

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if (!(x))                                                                                  \
            abort();                                                                               \
    } while (0)

struct run {
    uint8_t *data; /* frames back to back, FF 03 put back where present */
    size_t len, cap, frames;
    size_t max_len;
};

static void run_cb(void *user, const struct uppp_hdlc_frame *fr)
{
    struct run *r = user;
    CHECK(fr->len >= 1 && fr->len <= r->max_len);
    CHECK((fr->data[0] & 1) || fr->len >= 2);
    CHECK(fr->addr_ctrl || fr->data[0] != 0xff);
    size_t need = fr->len + 2 + sizeof(size_t);
    CHECK(r->len + need <= r->cap);
    memcpy(r->data + r->len, &fr->len, sizeof(size_t));
    r->len += sizeof(size_t);
    r->data[r->len++] = fr->addr_ctrl;
    r->data[r->len++] = fr->after_error;
    memcpy(r->data + r->len, fr->data, fr->len);
    r->len += fr->len;
    r->frames++;
}

static uint32_t next_rand(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 16;
}

static struct uppp_hdlc_rx *make_rx(const struct uppp_hdlc_rx_config *cfg)
{
    struct uppp_hdlc_rx *rx = NULL;
    CHECK(uppp_hdlc_rx_new(&rx, cfg) == 0);
    return rx;
}

/* Feed body with chunk sizes from mode: 0 whole, 1 random, 2 single octets. */
static void deframe(const struct uppp_hdlc_rx_config *cfg, const uint8_t *body, size_t n, int mode,
                    uint32_t seed, struct run *r, struct uppp_hdlc_stats *st)
{
    struct uppp_hdlc_rx *rx = make_rx(cfg);
    size_t off = 0;
    while (off < n) {
        size_t take = n - off;
        if (mode == 1)
            take = 1 + next_rand(&seed) % (take < 64 ? take : 64);
        else if (mode == 2)
            take = 1;
        CHECK(uppp_hdlc_rx_input(rx, body + off, take, run_cb, r) == 0);
        off += take;
    }
    *st = *uppp_hdlc_rx_stats(rx);
    CHECK(st->bytes == n);
    CHECK(st->frames == r->frames);
    uppp_hdlc_rx_free(rx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 6)
        return 0;
    const uint8_t mode = data[0];
    const uint32_t accm = (uint32_t)data[1] | (uint32_t)data[2] << 8 | (uint32_t)data[3] << 16 |
                          (uint32_t)data[4] << 24;
    uint32_t seed = data[5];
    const uint8_t *body = data + 6;
    const size_t n = size - 6;

    const enum uppp_hdlc_fcs_type fcs = mode & 1 ? UPPP_HDLC_FCS32 : UPPP_HDLC_FCS16;
    const size_t fcs_len = fcs == UPPP_HDLC_FCS32 ? 4 : 2;
    struct uppp_hdlc_rx_config cfg = {
        .mru = mode & 4 ? data[5] % 64 : 1500,
        .slack = data[5] % 3,
        .accm = accm,
        .fcs = fcs,
    };
    /* Largest frame delivered: FF 03 and 2-octet Protocol allowance, the
     * MRU and slack, minus whatever the frame really had of FF 03. */
    const size_t max_len = 4 + cfg.mru + cfg.slack;

    /* 1. Raw wire bytes, three ways of chunking. */
    struct run runs[3];
    struct uppp_hdlc_stats st[3];
    for (int m = 0; m < 3; m++) {
        runs[m] = (struct run){.cap = 4 * n + 64, .max_len = max_len};
        runs[m].data = malloc(runs[m].cap);
        CHECK(runs[m].data != NULL);
        deframe(&cfg, body, n, m, seed, &runs[m], &st[m]);
    }
    for (int m = 1; m < 3; m++) {
        CHECK(runs[m].len == runs[0].len && runs[m].frames == runs[0].frames);
        CHECK(memcmp(runs[m].data, runs[0].data, runs[0].len) == 0);
        CHECK(memcmp(&st[m], &st[0], sizeof(st[0])) == 0);
    }
    for (int m = 0; m < 3; m++)
        free(runs[m].data);

    /* 2. Round trip. The transmit map escapes at least what the receiver
     * discards (RFC 1662 section 7.1: the peer must map what we ask). */
    struct uppp_hdlc_tx tx;
    CHECK(uppp_hdlc_tx_init(&tx, fcs) == 0);
    CHECK(uppp_hdlc_tx_set_accm(&tx, accm | next_rand(&seed) << 16) == 0);
    if (mode & 16) {
        uint32_t map[8];
        for (int i = 0; i < 8; i++)
            map[i] = next_rand(&seed) * 0x10001u & 0x01010101u;
        map[0] |= accm;
        CHECK(uppp_hdlc_tx_set_xaccm(&tx, map) == 0);
    }
    unsigned flags =
        (mode & 2 ? UPPP_HDLC_TX_ADDR_CTRL : 0) | (mode & 8 ? UPPP_HDLC_TX_ALL_CTRL : 0);
    size_t bound = uppp_hdlc_encode_bound(&tx, flags, n);
    CHECK(bound <= UPPP_HDLC_ENCODE_BOUND(n));
    uint8_t *wire = malloc(2 * bound);
    CHECK(wire != NULL);
    size_t w1 = 0, w2 = 0;
    CHECK(uppp_hdlc_encode(&tx, flags, body, n, wire, bound, &w1) == 0);
    CHECK(w1 <= bound && w1 >= n + fcs_len + 1);
    unsigned flags2 = flags | (mode & 32 ? UPPP_HDLC_TX_NO_OPEN_FLAG : 0);
    CHECK(uppp_hdlc_encode(&tx, flags2, body, n, wire + w1, bound, &w2) == 0);
    if (w1 > 0) /* one octet short never fits */
        CHECK(uppp_hdlc_encode(&tx, flags, body, n, wire, w1 - 1, &(size_t){0}) < 0);

    /* What the deframer must make of this frame (RFC 1662 sections 3.1,
     * 3.2 and 4.3 as ppp_async applies them, see src/link/hdlc.c). */
    const uint8_t *want = body;
    size_t want_len = n;
    bool want_ac = flags & UPPP_HDLC_TX_ADDR_CTRL;
    bool ok = true;
    size_t unescaped = n + fcs_len + (want_ac ? 2 : 0);
    if (!want_ac && n >= 1 && body[0] == 0xff) {
        if (n < 2 || body[1] != 0x03)
            ok = false;
        want += 2;
        want_len = n >= 2 ? n - 2 : 0;
        want_ac = true;
    }
    if (ok && (want_len == 0 || ((want[0] & 1) == 0 && want_len < 2)))
        ok = false;
    if (unescaped > 4 + cfg.mru + cfg.slack + fcs_len)
        ok = false;
    if (n == 0) /* FCS only: too short, not an empty frame */
        ok = false;

    struct run r = {.cap = 2 * n + 64, .max_len = max_len};
    r.data = malloc(r.cap);
    CHECK(r.data != NULL);
    struct uppp_hdlc_stats rst;
    deframe(&cfg, wire, w1 + w2, 1, seed, &r, &rst);
    CHECK(rst.garbage_bytes == 0 && rst.aborts == 0 && rst.fcs_errors == 0);
    CHECK(rst.accm_discards == 0);
    if (ok) {
        CHECK(r.frames == 2);
        size_t off = 0;
        for (int i = 0; i < 2; i++) {
            size_t len;
            memcpy(&len, r.data + off, sizeof(size_t));
            off += sizeof(size_t);
            CHECK(len == want_len);
            CHECK(r.data[off] == want_ac);
            CHECK(r.data[off + 1] == 0); /* no frame lost before it */
            off += 2;
            CHECK(memcmp(r.data + off, want, want_len) == 0);
            off += len;
        }
    } else {
        CHECK(r.frames == 0);
        CHECK(rst.too_long + rst.too_short + rst.bad_addr_ctrl == 2);
    }
    free(r.data);
    free(wire);
    return 0;
}
