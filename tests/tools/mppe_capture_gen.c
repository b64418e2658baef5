/*
 * Makes MPPE captures for the mppe-decrypt test: two libuppp sessions back
 * to back in memory under a virtual clock (as tests/unit/session_harness.h
 * does), MS-CHAP v1 or v2 (RFC 2433, RFC 2759), MPPE 40/56/128 stateless or
 * stateful (RFC 3078), ICMP echo packets both ways, optionally dropping a
 * share of the MPPE frames. Every frame that reaches a session is written,
 * in the order it arrives, to a pcap of link type PPP_WITH_DIR (direction
 * "sent" = from A, the authenticator): the capture a tap in front of the
 * receivers would make. Every packet a session delivers is written to the
 * expected file as "src<TAB>dst<TAB>icmp type<TAB>payload hex", the fields
 * tshark prints for the decrypted capture. With "mppc" last, both sessions
 * negotiate MPPC (RFC 2118) too; with bits "none" as well, MPPC alone, and
 * with method "none" also no authentication at all.
 *
 * usage: mppe-capture-gen OUT.pcap EXPECTED.txt v1|v2|none 40|56|128|none
 *                         stateless|stateful LOSS_PERCENT SEED PACKETS [mppc]
 */
#include "gen_util.h"

#include <uppp/err.h>
#include <uppp/session.h>

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QMAX 4096
#define FMAX 4200

struct frame {
    size_t len;
    uint8_t d[FMAX];
};

struct end {
    struct uppp_session *s;
    struct uppp_config cfg;
    struct frame *q;
    size_t head, len;
    int idx;
    uint64_t rng;
};

static struct end ends[2];
static pcap_dumper_t *dump;
static FILE *expected;
static uint64_t now = 1, rng = 12345;
static int loss_pct;
static unsigned dropped;

static void out_cb(void *user, const uint8_t *data, size_t len)
{
    struct end *e = user;
    if (len > FMAX || e->len == QMAX)
        return;
    struct frame *f = &e->q[(e->head + e->len++) % QMAX];
    memcpy(f->d, data, len);
    f->len = len;
}

static void deliver_cb(void *user, uint16_t proto, const uint8_t *p, size_t len)
{
    (void)user;
    gen_expect(expected, proto, p, len);
}

static int random_cb(void *user, void *buf, size_t len)
{
    struct end *e = user;
    for (size_t i = 0; i < len; i++)
        ((uint8_t *)buf)[i] = (uint8_t)(gen_rnd(&e->rng) >> 32);
    return 0;
}

static int running(void)
{
    struct uppp_status a, b;
    uppp_session_status(ends[0].s, &a);
    uppp_session_status(ends[1].s, &b);
    return a.phase == UPPP_PHASE_RUNNING && b.phase == UPPP_PHASE_RUNNING;
}

/* Move one frame from e to the other end, writing it to the capture. */
static void move_one(struct end *e)
{
    struct frame *f = &e->q[e->head];
    e->head = (e->head + 1) % QMAX;
    e->len--;
    /* Loss hits MPPE data only (protocol 0x00FD, PFC or not), so that the
     * handshake, CCP and its Reset-Requests get through. */
    int mppe = (f->d[0] == 0xfd) || (f->len > 1 && f->d[0] == 0 && f->d[1] == 0xfd);
    if (mppe && loss_pct && (int)(gen_rnd(&rng) % 100) < loss_pct) {
        dropped++;
        return;
    }
    uint8_t rec[FMAX + 1];
    rec[0] = e->idx == 0; /* PPP_WITH_DIR: non-zero = sent by A */
    memcpy(rec + 1, f->d, f->len);
    struct pcap_pkthdr h;
    h.ts.tv_sec = (time_t)(1700000000 + now / 1000);
    h.ts.tv_usec = (suseconds_t)(now % 1000 * 1000);
    h.caplen = h.len = (bpf_u_int32)(f->len + 1);
    pcap_dump((u_char *)dump, &h, rec);
    uppp_session_input(ends[1 - e->idx].s, f->d, f->len, now);
}

static void run(uint64_t until, int stop_running)
{
    for (unsigned steps = 0; steps < 1000000; steps++) {
        if (stop_running && running())
            return;
        if (ends[0].len) {
            move_one(&ends[0]);
            continue;
        }
        if (ends[1].len) {
            move_one(&ends[1]);
            continue;
        }
        uint64_t ta = uppp_session_next_timer(ends[0].s);
        uint64_t tb = uppp_session_next_timer(ends[1].s);
        uint64_t t = ta < tb ? ta : tb;
        if (t == UINT64_MAX || t > until)
            break;
        if (t > now)
            now = t;
        uppp_session_handle_timer(ends[0].s, now);
        uppp_session_handle_timer(ends[1].s, now);
    }
    if (now < until && !stop_running)
        now = until;
}

int main(int argc, char **argv)
{
    if (argc != 9 && !(argc == 10 && strcmp(argv[9], "mppc") == 0)) {
        fprintf(stderr,
                "usage: %s OUT.pcap EXPECTED.txt v1|v2|none 40|56|128|none stateless|stateful "
                "LOSS_PERCENT SEED PACKETS [mppc]\n",
                argv[0]);
        return 2;
    }
    int v2 = strcmp(argv[3], "v2") == 0, bits = atoi(argv[4]);
    int stateful = strcmp(argv[5], "stateful") == 0;
    int mppc = argc == 10;
    loss_pct = atoi(argv[6]);
    uint64_t seed = strtoull(argv[7], NULL, 10);
    int npkts = atoi(argv[8]);
    rng ^= seed;
    pcap_t *dead = pcap_open_dead(204 /* LINKTYPE_PPP_WITH_DIR */, 65535);
    dump = pcap_dump_open(dead, argv[1]);
    expected = fopen(argv[2], "w");
    if (dump == NULL || expected == NULL) {
        fprintf(stderr, "cannot create the outputs\n");
        return 1;
    }
    for (int i = 0; i < 2; i++) {
        struct end *e = &ends[i];
        e->idx = i;
        e->rng = seed * 2 + (uint64_t)i + 1;
        e->q = calloc(QMAX, sizeof(struct frame));
        uppp_config_init(&e->cfg);
        e->cfg.framing = UPPP_FRAMING_NONE;
        /* bits "none" (atoi 0): MPPC alone, no MPPE. */
        e->cfg.mppe = bits == 0 ? UPPP_MPPE_OFF : UPPP_MPPE_REQUIRED;
        e->cfg.mppe_bits = bits == 40 ? 1u : bits == 56 ? 2u : 4u;
        e->cfg.mppc = mppc;
        e->cfg.mppe_stateful_ok = stateful;
        e->cfg.mppe_want_stateful = stateful;
        e->cfg.debug = 1;
    }
    snprintf(ends[0].cfg.our_name, sizeof(ends[0].cfg.our_name), "gen-server");
    snprintf(ends[1].cfg.our_name, sizeof(ends[1].cfg.our_name), "gen-user");
    if (strcmp(argv[3], "none") != 0)
        ends[0].cfg.require_auth = v2 ? UPPP_AUTH_MSCHAP_V2 : UPPP_AUTH_MSCHAP_V1;
    ends[0].cfg.ip_local = 0x0a000001;
    ends[0].cfg.ip_remote = 0x0a000002;
    for (int i = 0; i < 2; i++) {
        struct uppp_callbacks cb = {.user = &ends[i],
                                    .output = out_cb,
                                    .deliver = deliver_cb,
                                    .random = random_cb,
                                    .get_secret = gen_secret_cb,
                                    .log = gen_log_cb};
        if (uppp_session_new(&ends[i].s, &ends[i].cfg, &cb) != 0 ||
            uppp_session_start(ends[i].s, now) != 0) {
            fprintf(stderr, "session setup failed\n");
            return 1;
        }
    }
    run(UINT64_MAX, 1);
    if (!running()) {
        fprintf(stderr, "the link did not come up\n");
        return 1;
    }
    uint8_t pkt[64];
    for (int i = 0; i < npkts; i++) {
        for (int a = 0; a < 2; a++) {
            size_t n = gen_icmp(pkt, a == 0 ? 0x0a000001 : 0x0a000002,
                                a == 0 ? 0x0a000002 : 0x0a000001, a == 0 ? 'A' : 'B', (unsigned)i);
            uppp_session_send_ip(ends[a].s, 0x0021, pkt, n, now);
        }
        run(now + 10, 0);
    }
    run(now + 10000, 0);
    struct uppp_status a, b;
    uppp_session_status(ends[0].s, &a);
    uppp_session_status(ends[1].s, &b);
    fprintf(stderr, "gen: %s %d %s loss=%d%%: dropped=%u delivered=%llu+%llu\n", argv[3], bits,
            argv[5], loss_pct, dropped, (unsigned long long)a.packets_in,
            (unsigned long long)b.packets_in);
    for (int i = 0; i < 2; i++) {
        uppp_session_del(ends[i].s);
        free(ends[i].q);
    }
    pcap_dump_close(dump);
    pcap_close(dead);
    fclose(expected);
    return 0;
}
