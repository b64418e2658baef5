/*
 * Cost of PPTP's GRE data channel (RFC 2637 section 4; src/pptp/) per
 * packet, and memory per call, measured in one process without I/O.
 *
 * Two uppp_pptp_gre objects face each other: every packet one sends is
 * received by the other at once, acks flow back from the receiver's timer
 * every 32 packets (what one event-loop turn would do), 1400-octet
 * payloads (an MPPE-sized PPP frame). Cases: in order; 1% of packets
 * swapped with their successor (the reorder buffer works); memcpy of the
 * same payloads as the reference. Memory: heap bytes per control
 * connection (PAC, defaults) and per GRE channel (defaults, nothing
 * buffered), from mallinfo2() around 1000 of each.
 *
 * Output: one line per case with packets/s, MB/s and the ratio to memcpy;
 * then "pptp_mem ctrl_bytes=... gre_bytes=...".
 */
#define _GNU_SOURCE
#include <uppp/pptp_ctrl.h>
#include <uppp/pptp_gre.h>

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PAYLOAD 1400
#define NPKT 400000
#define BATCH 32

struct side {
    struct uppp_pptp_gre *g, *peer;
    uint64_t now;
    uint64_t delivered;
    int swap_every; /* 0: in order; n: hold every nth packet back one */
    uint64_t n_out;
    uint8_t held[PAYLOAD + 64];
    size_t held_len;
};

static void to_peer(void *user, const uint8_t *pkt, size_t len)
{
    struct side *s = user;
    s->n_out++;
    if (s->swap_every && s->n_out % (uint64_t)s->swap_every == 0 && len <= sizeof(s->held)) {
        memcpy(s->held, pkt, len); /* arrives after the next one */
        s->held_len = len;
        return;
    }
    uppp_pptp_gre_recv(s->peer, pkt, len, s->now);
    if (s->held_len) {
        uppp_pptp_gre_recv(s->peer, s->held, s->held_len, s->now);
        s->held_len = 0;
    }
}

static void count(void *user, const uint8_t *p, size_t len)
{
    struct side *s = user;
    (void)p;
    (void)len;
    s->delivered++;
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double run(int swap_every, uint64_t *delivered)
{
    struct side a = {0}, b = {0};
    struct uppp_pptp_gre_config ca, cb;
    uppp_pptp_gre_config_init(&ca);
    ca.call_id = 1;
    ca.peer_call_id = 2;
    cb = ca;
    cb.call_id = 2;
    cb.peer_call_id = 1;
    struct uppp_pptp_gre_callbacks cba = {.output = to_peer, .deliver = count};
    if (uppp_pptp_gre_new(&a.g, &ca, &cba, &a) || uppp_pptp_gre_new(&b.g, &cb, &cba, &b)) {
        fprintf(stderr, "pptp-bench: cannot create the channels\n");
        exit(1);
    }
    a.peer = b.g;
    b.peer = a.g;
    a.swap_every = swap_every;
    static uint8_t payload[PAYLOAD];
    memset(payload, 0x5a, sizeof(payload));
    double t0 = now_ns();
    for (int i = 0; i < NPKT; i++) {
        if (uppp_pptp_gre_send(a.g, payload, sizeof(payload), a.now) != 0) {
            fprintf(stderr, "pptp-bench: window full at %d\n", i);
            exit(1);
        }
        if (i % BATCH == BATCH - 1) {
            a.now = b.now = a.now + 1;
            uppp_pptp_gre_handle_timer(b.g, b.now); /* the lone ack back */
        }
    }
    if (a.held_len) /* the last one was held back */
        uppp_pptp_gre_recv(b.g, a.held, a.held_len, a.now);
    double ns = now_ns() - t0;
    *delivered = b.delivered;
    uppp_pptp_gre_del(a.g);
    uppp_pptp_gre_del(b.g);
    return ns;
}

static double run_memcpy(void)
{
    static uint8_t src[PAYLOAD + 16], dst[PAYLOAD + 16];
    memset(src, 0x5a, sizeof(src));
    volatile uint8_t sink = 0;
    double t0 = now_ns();
    for (int i = 0; i < NPKT; i++) {
        src[0] = (uint8_t)i;
        memcpy(dst, src, sizeof(src));
        sink ^= dst[PAYLOAD / 2];
    }
    (void)sink;
    return now_ns() - t0;
}

static void ev_nop(void *user, const struct uppp_pptp_event *ev)
{
    (void)user;
    (void)ev;
}

static void out_nop(void *user, const uint8_t *d, size_t n)
{
    (void)user;
    (void)d;
    (void)n;
}

static void memory(void)
{
    enum { N = 1000 };
    static struct uppp_pptp_ctrl *c[N];
    static struct uppp_pptp_gre *g[N];
    struct uppp_pptp_ctrl_config cc;
    uppp_pptp_ctrl_config_init(&cc, UPPP_PPTP_PAC);
    struct uppp_pptp_ctrl_callbacks ccb = {.output = out_nop, .event = ev_nop};
    struct uppp_pptp_gre_config gc;
    uppp_pptp_gre_config_init(&gc);
    struct uppp_pptp_gre_callbacks gcb = {.output = out_nop, .deliver = out_nop};
    size_t m0 = mallinfo2().uordblks;
    for (int i = 0; i < N; i++)
        if (uppp_pptp_ctrl_new(&c[i], &cc, &ccb, NULL))
            exit(1);
    size_t m1 = mallinfo2().uordblks;
    for (int i = 0; i < N; i++)
        if (uppp_pptp_gre_new(&g[i], &gc, &gcb, NULL))
            exit(1);
    size_t m2 = mallinfo2().uordblks;
    if (m1 == m0) /* ASan's allocator: mallinfo2() does not see it */
        printf("pptp_mem n/a (mallinfo2 does not see this allocator)\n");
    else
        printf("pptp_mem ctrl_bytes=%zu gre_bytes=%zu (per object, heap; a full reorder ring "
               "adds up to %u x %u payload octets)\n",
               (m1 - m0) / N, (m2 - m1) / N, (unsigned)gc.recv_window, (unsigned)gc.max_payload);
    for (int i = 0; i < N; i++) {
        uppp_pptp_ctrl_del(c[i]);
        uppp_pptp_gre_del(g[i]);
    }
}

int main(void)
{
    double ref = run_memcpy();
    static const struct {
        const char *name;
        int swap_every;
    } cases[] = {{"gre send+recv, in order", 0}, {"gre send+recv, 1% swapped", 100}};
    printf("pptp-bench: %d packets of %d octets, acks every %d\n", NPKT, PAYLOAD, BATCH);
    printf("  %-30s %8.0f MB/s\n", "memcpy", (double)NPKT * PAYLOAD / ref * 1e3);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint64_t delivered;
        double ns = run(cases[i].swap_every, &delivered);
        if (delivered != NPKT) {
            fprintf(stderr, "pptp-bench: %s: delivered %llu of %d\n", cases[i].name,
                    (unsigned long long)delivered, NPKT);
            return 1;
        }
        printf("  %-30s %8.2f Mpps %8.0f MB/s  %5.2f x memcpy time\n", cases[i].name,
               NPKT / ns * 1e3, (double)NPKT * PAYLOAD / ns * 1e3, ns / ref);
    }
    memory();
    return 0;
}
