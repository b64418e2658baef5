/*
 * Throughput of the async HDLC framing (RFC 1662; src/link/hdlc.c, src/link/fcs.c)
 * against memcpy of the same bytes, measured in the same process.
 *
 * The traffic is what an MPPE link carries: 1500-octet frames of random
 * (encrypted-looking) data, PFC and ACFC on, ACCM 0 in both directions, so
 * about 1 octet in 128 is escaped. A second case uses ACCM 0xffffffff on
 * both ends, as before LCP opens (1 in 7 octets escaped).
 *
 * Output: one line per case with MB/s and the ratio time(case) /
 * time(memcpy of the same input bytes); best of several rounds.
 */
#define _GNU_SOURCE
#include <uppp/hdlc.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FRAME 1500
#define NFRAMES 256 /* ~390 KB of wire: fits L2 on most machines */
#define ROUNDS 7
#define TARGET_NS 200000000.0 /* per measurement */

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint8_t rnd8(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint8_t)(rng >> 24);
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static volatile uint64_t sink;

static void frame_cb(void *user, const struct uppp_hdlc_frame *fr)
{
    (void)user;
    sink += fr->len + fr->data[fr->len - 1];
}

struct ctx {
    const uint8_t *wire;
    size_t wire_len;
    const uint8_t *frames;
    uint8_t *dst;
    struct uppp_hdlc_rx *rx;
    struct uppp_hdlc_tx tx;
    size_t expect_frames;
};

/* Each op processes ctx->wire_len input octets (decode, memcpy) or the
 * frames that encode to them (encode). */
typedef void (*op_fn)(struct ctx *c);

static void op_memcpy(struct ctx *c)
{
    memcpy(c->dst, c->wire, c->wire_len);
    sink += c->dst[c->wire_len / 2];
}

static void op_memcpy_frames(struct ctx *c)
{
    memcpy(c->dst, c->frames, (size_t)FRAME * NFRAMES);
    sink += c->dst[FRAME];
}

static void op_decode(struct ctx *c)
{
    uint64_t before = uppp_hdlc_rx_stats(c->rx)->frames;
    if (uppp_hdlc_rx_input(c->rx, c->wire, c->wire_len, frame_cb, NULL) != 0 ||
        uppp_hdlc_rx_stats(c->rx)->frames - before != c->expect_frames) {
        fprintf(stderr, "decode lost frames\n");
        exit(1);
    }
}

static void op_encode(struct ctx *c)
{
    uint8_t *o = c->dst;
    for (int i = 0; i < NFRAMES; i++) {
        size_t n;
        uppp_hdlc_encode(&c->tx, UPPP_HDLC_TX_NO_OPEN_FLAG, c->frames + (size_t)i * FRAME, FRAME, o,
                         UPPP_HDLC_ENCODE_BOUND(FRAME), &n);
        o += n;
    }
    sink += (size_t)(o - c->dst);
}

static void op_fcs16(struct ctx *c)
{
    sink += uppp_fcs16(UPPP_FCS16_INIT, c->frames, (size_t)FRAME * NFRAMES);
}

/* RFC 1662 C.1's table, built at start-up by the C.1 generator. */
static uint16_t rfc_fcstab[256];

static void make_rfc_table(void)
{
    for (unsigned b = 0; b < 256; b++) {
        unsigned v = b;
        for (int i = 8; i--;)
            v = v & 1 ? (v >> 1) ^ 0x8408 : v >> 1;
        rfc_fcstab[b] = (uint16_t)v;
    }
}

static void op_fcs16_bytewise(struct ctx *c)
{
    /* RFC 1662 C.2 pppfcs16(): one table lookup per octet, for scale. */
    uint16_t f = UPPP_FCS16_INIT;
    const uint8_t *p = c->frames;
    for (size_t i = 0; i < (size_t)FRAME * NFRAMES; i++)
        f = (uint16_t)((f >> 8) ^ rfc_fcstab[(f ^ p[i]) & 0xff]);
    sink += f;
}

/* Best time per call, in ns. */
static double measure(op_fn fn, struct ctx *c)
{
    double t0 = now_ns();
    fn(c);
    double one = now_ns() - t0;
    long iters = one > 0 ? (long)(TARGET_NS / ROUNDS / one) : 1000;
    if (iters < 1)
        iters = 1;
    double best = 1e300;
    for (int r = 0; r < ROUNDS; r++) {
        t0 = now_ns();
        for (long i = 0; i < iters; i++)
            fn(c);
        double t = (now_ns() - t0) / (double)iters;
        if (t < best)
            best = t;
    }
    return best;
}

static void report(const char *name, double ns, size_t bytes, double ref_ns)
{
    printf("  %-44s %8.0f MB/s   %5.2f x memcpy time\n", name, bytes / ns * 1e3, ns / ref_ns);
}

static int run_case(const char *title, uint32_t accm)
{
    static uint8_t frames[(size_t)FRAME * NFRAMES];
    static uint8_t wire[UPPP_HDLC_ENCODE_BOUND(FRAME) * NFRAMES];
    static uint8_t dst[sizeof(wire)];
    for (size_t i = 0; i < sizeof(frames); i++)
        frames[i] = rnd8();
    for (int i = 0; i < NFRAMES; i++)
        frames[(size_t)i * FRAME] = 0xfd; /* MPPE, PFC */

    struct ctx c = {.frames = frames, .dst = dst, .expect_frames = NFRAMES};
    if (uppp_hdlc_tx_init(&c.tx, UPPP_HDLC_FCS16) != 0 || uppp_hdlc_tx_set_accm(&c.tx, accm) != 0)
        return 1;
    struct uppp_hdlc_rx_config cfg = {
        .mru = 1500, .slack = 0, .accm = accm, .fcs = UPPP_HDLC_FCS16};
    if (uppp_hdlc_rx_new(&c.rx, &cfg) != 0)
        return 1;
    /* The wire: one opening flag, then frames sharing flags. */
    size_t w = 0;
    for (int i = 0; i < NFRAMES; i++) {
        size_t n;
        if (uppp_hdlc_encode(&c.tx, i ? UPPP_HDLC_TX_NO_OPEN_FLAG : 0, frames + (size_t)i * FRAME,
                             FRAME, wire + w, sizeof(wire) - w, &n) != 0)
            return 1;
        w += n;
    }
    c.wire = wire;
    c.wire_len = w;

    printf("%s: %d frames of %d octets, %zu wire octets (%.2f%% escaped)\n", title, NFRAMES, FRAME,
           w, 100.0 * (double)(w - (size_t)NFRAMES * (FRAME + 3) - 1) / (double)w);
    double ref = measure(op_memcpy, &c);
    report("memcpy of the wire bytes (reference)", ref, w, ref);
    report("deframe + unescape + FCS-16 check", measure(op_decode, &c), w, ref);
    double ref_f = measure(op_memcpy_frames, &c);
    report("encode (escape + FCS-16), vs memcpy of frames", measure(op_encode, &c), sizeof(frames),
           ref_f);
    report("FCS-16 slice-by-8, vs memcpy of frames", measure(op_fcs16, &c), sizeof(frames), ref_f);
    report("FCS-16 bytewise (RFC 1662 C.2 loop)", measure(op_fcs16_bytewise, &c), sizeof(frames),
           ref_f);
    uppp_hdlc_rx_free(c.rx);
    return 0;
}

int main(void)
{
    make_rfc_table();
    if (run_case("ACCM 0 (after LCP)", 0) != 0)
        return 1;
    if (run_case("ACCM 0xffffffff (default)", UPPP_HDLC_DEFAULT_ACCM) != 0)
        return 1;
    return 0;
}
