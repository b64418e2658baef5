/*
 * Makes PPTP captures for the mppe-decrypt test: CALLS calls, each two
 * libuppp sessions (the PAC's authenticates, as pptpd's pppd does) whose
 * frames travel through libuppp's GRE channels (uppp/pptp_gre.h, RFC 2637
 * section 4) over a simulated network under a virtual clock, which loses a
 * share of the MPPE packets and delays others so that they arrive out of
 * order (and now and then twice). The traffic: ICMP echoes, every fifth
 * packet a TCP segment instead. The control connections (RFC 2637
 * section 2) are built with libuppp's message builders (uppp/pptp_msg.h):
 * even calls are outgoing (OCRQ/OCRP), odd ones incoming (ICRQ/ICRP/ICCN),
 * spread over two control connections from two PNS addresses, with a
 * refused call among them. Every packet is written, as it arrives, to a
 * pcap in the link type asked for: the capture a tap in front of the
 * receivers makes. MPPE modes cycle over the calls.
 *
 * Outputs: the pcap; EXPECTED, one line per IPv4 packet a session
 * delivered, as tshark prints the decrypted capture's fields (ip.src,
 * ip.dst, icmp.type, data); on stdout one line per call:
 *   user=U method=mschapv1|mschapv2 bits=B mode=stateless|stateful [mppc=yes]
 *   delivered=N
 *
 * usage: pptp-capture-gen OUT.pcap EXPECTED LINK CALLS LOSS% REORDER% SEED
 *                         PACKETS [OPTIONS]
 *   LINK     ether | vlan (802.1Q) | sll | sll2 | raw | ipv4
 *   OPTIONS  comma-separated: frag (GRE datagrams cut into IP fragments,
 *            some sent last fragment first), noctrl (the control
 *            connections are left out of the capture), tcpmess (control
 *            messages split over segments sent out of order and
 *            retransmitted), mppc (every call negotiates MPPC, RFC 2118,
 *            under its MPPE)
 */
#include "gen_util.h"

#include <uppp/err.h>
#include <uppp/pptp_gre.h>
#include <uppp/pptp_msg.h>
#include <uppp/session.h>

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXCALLS 64
#define MAXFLIGHT 65536
#define PKTMAX 4200
#define PAC_IP 0xc6336401u /* 198.51.100.1 */
#define PNS_IP 0xc000020au /* 192.0.2.10, + the connection's index */
#define NCONN 2

struct call;

struct side {
    struct uppp_session *s;
    struct uppp_config cfg;
    struct uppp_pptp_gre *g;
    struct call *call;
    int idx; /* 0: the PAC, 1: the PNS */
    uint64_t rng;
    uint64_t delivered;
};

struct call {
    struct side e[2];
    uint16_t cid[2]; /* Call IDs: [0] the PAC's, [1] the PNS's */
    int conn, v2, bits, stateful;
};

struct flight {
    uint64_t at, order;
    struct side *to;
    size_t len;
    uint8_t d[PKTMAX];
};

struct conn {
    uint32_t seq[2]; /* next sequence number: [0] PAC -> PNS, [1] PNS -> PAC */
};

static struct call calls[MAXCALLS];
static int ncalls;
static struct flight *flights;
static size_t nflights;
static uint64_t order;
static struct conn conns[NCONN];
static pcap_dumper_t *dump;
static FILE *expected;
static uint64_t now = 1, rng = 777;
static int loss_pct, reorder_pct, opt_frag, opt_noctrl, opt_tcpmess, opt_mppc;
static int link_kind; /* index in links[] */
static uint16_t ip_id;

static const struct {
    const char *name;
    int dlt;
} links[] = {{"ether", 1},  {"vlan", 1},      {"sll", 113},
             {"sll2", 276}, {"raw", DLT_RAW}, {"ipv4", 228}};

static uint32_t side_ip(const struct side *e)
{
    return e->idx == 0 ? PAC_IP : PNS_IP + (uint32_t)e->call->conn;
}

/* ------------------------------------------------------------- writing */

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v & 0xffff);
}

/* One IP datagram (or fragment) to the capture, in the link type. */
static void write_record(const uint8_t *ip, size_t len, int outgoing)
{
    uint8_t rec[PKTMAX + 64];
    size_t hl = 0;
    switch (link_kind) {
    case 0:
    case 1:
        memset(rec, 0, 12);
        rec[0] = 2;
        rec[5] = 1;
        rec[6] = 2;
        rec[11] = 2;
        hl = 12;
        if (link_kind == 1) {
            put16(rec + hl, 0x8100);
            put16(rec + hl + 2, 100); /* VLAN 100 */
            hl += 4;
        }
        put16(rec + hl, 0x0800);
        hl += 2;
        break;
    case 2: /* Linux SLL: packet type, ARPHRD_ETHER, address length, address, protocol */
        memset(rec, 0, 16);
        put16(rec, outgoing ? 4 : 0);
        put16(rec + 2, 1);
        put16(rec + 4, 6);
        rec[6] = 2;
        put16(rec + 14, 0x0800);
        hl = 16;
        break;
    case 3: /* SLL2: protocol, reserved, ifindex, ARPHRD, packet type, addr len, addr */
        memset(rec, 0, 20);
        put16(rec, 0x0800);
        put32(rec + 4, 2);
        put16(rec + 8, 1);
        rec[10] = outgoing ? 4 : 0;
        rec[11] = 6;
        rec[12] = 2;
        hl = 20;
        break;
    default:
        break;
    }
    memcpy(rec + hl, ip, len);
    struct pcap_pkthdr h;
    h.ts.tv_sec = (time_t)(1700000000 + now / 1000);
    h.ts.tv_usec = (suseconds_t)(now % 1000 * 1000);
    h.caplen = h.len = (bpf_u_int32)(hl + len);
    pcap_dump((u_char *)dump, &h, rec);
}

static void ip_header(uint8_t *p, uint32_t src, uint32_t dst, int proto, size_t total,
                      unsigned frag)
{
    memset(p, 0, 20);
    p[0] = 0x45;
    put16(p + 2, (unsigned)total);
    put16(p + 4, ip_id);
    put16(p + 6, frag);
    p[8] = 64;
    p[9] = (uint8_t)proto;
    put32(p + 12, src);
    put32(p + 16, dst);
    put16(p + 10, gen_ip_checksum(p, 20));
}

/* An IP datagram from src to dst, fragmented when asked (GRE only). */
static void write_ip(uint32_t src, uint32_t dst, int proto, const uint8_t *pl, size_t n,
                     int outgoing)
{
    uint8_t ip[PKTMAX + 20];
    ip_id++;
    if (!(opt_frag && proto == 47 && n > 24)) {
        ip_header(ip, src, dst, proto, 20 + n, 0);
        memcpy(ip + 20, pl, n);
        write_record(ip, 20 + n, outgoing);
        return;
    }
    /* Two fragments: 24 octets (three 8-octet blocks), then the rest. */
    uint8_t ip2[PKTMAX + 20];
    ip_header(ip, src, dst, proto, 20 + 24, 0x2000);
    memcpy(ip + 20, pl, 24);
    ip_header(ip2, src, dst, proto, 20 + n - 24, 24 / 8);
    memcpy(ip2 + 20, pl + 24, n - 24);
    if (ip_id % 3 == 0) {
        write_record(ip2, 20 + n - 24, outgoing);
        write_record(ip, 20 + 24, outgoing);
    } else {
        write_record(ip, 20 + 24, outgoing);
        write_record(ip2, 20 + n - 24, outgoing);
    }
}

static void write_tcp(int conn, int from_pns, uint32_t seq, unsigned flags, const uint8_t *d,
                      size_t n)
{
    if (opt_noctrl)
        return;
    uint8_t t[PKTMAX];
    memset(t, 0, 20);
    put16(t, from_pns ? 40000u + (unsigned)conn : 1723u);
    put16(t + 2, from_pns ? 1723u : 40000u + (unsigned)conn);
    put32(t + 4, seq);
    put32(t + 8, conns[conn].seq[from_pns ? 0 : 1]);
    t[12] = 5 << 4;
    t[13] = (uint8_t)flags;
    put16(t + 14, 65535);
    if (n > 0)
        memcpy(t + 20, d, n);
    uint32_t pns = PNS_IP + (uint32_t)conn;
    write_ip(from_pns ? pns : PAC_IP, from_pns ? PAC_IP : pns, 6, t, 20 + n, from_pns);
}

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_PSH_ACK 0x18
#define TCP_ACK 0x10

/* A control message on connection conn; with tcpmess, cut in two: the
 * second part sent first, then the first, then the first again. */
static void ctrl_send(int conn, int from_pns, const struct uppp_pptp_msg *m)
{
    uint8_t b[UPPP_PPTP_MSG_MAX_LEN];
    int n = uppp_pptp_msg_build(m, b, sizeof(b));
    if (n < 0) {
        fprintf(stderr, "msg build: %d\n", n);
        exit(1);
    }
    uint32_t *seq = &conns[conn].seq[from_pns ? 1 : 0];
    if (opt_tcpmess && n > 20) {
        size_t cut = (size_t)n / 3;
        write_tcp(conn, from_pns, *seq + (uint32_t)cut, TCP_PSH_ACK, b + cut, (size_t)n - cut);
        write_tcp(conn, from_pns, *seq, TCP_PSH_ACK, b, cut);
        write_tcp(conn, from_pns, *seq, TCP_PSH_ACK, b, cut);
    } else {
        write_tcp(conn, from_pns, *seq, TCP_PSH_ACK, b, (size_t)n);
    }
    *seq += (uint32_t)n;
}

/* ------------------------------------------------------------ network */

static int is_mppe(const uint8_t *f, size_t n)
{
    if (n >= 2 && f[0] == 0xff && f[1] == 0x03) {
        f += 2;
        n -= 2;
    }
    return (n >= 1 && f[0] == 0xfd) || (n >= 2 && f[0] == 0 && f[1] == 0xfd);
}

static void schedule(struct side *to, const uint8_t *pkt, size_t len, uint64_t delay)
{
    if (nflights == MAXFLIGHT || len > PKTMAX)
        return;
    struct flight *f = &flights[nflights++];
    f->at = now + delay;
    f->order = order++;
    f->to = to;
    f->len = len;
    memcpy(f->d, pkt, len);
}

static void gre_out(void *user, const uint8_t *pkt, size_t len)
{
    struct side *e = user;
    struct side *to = &e->call->e[1 - e->idx];
    struct uppp_gre_hdr h;
    int hl = uppp_gre_parse(pkt, len, &h);
    int mppe = hl > 0 && h.has_seq && is_mppe(pkt + hl, h.payload_len);
    if (mppe && loss_pct && (int)(gen_rnd(&rng) % 100) < loss_pct)
        return;
    uint64_t delay = 1;
    if (mppe && reorder_pct && (int)(gen_rnd(&rng) % 100) < reorder_pct)
        delay += 2 + gen_rnd(&rng) % 40; /* overtaken by the next ones */
    schedule(to, pkt, len, delay);
    if (mppe && reorder_pct && gen_rnd(&rng) % 50 == 0)
        schedule(to, pkt, len, delay + 3); /* and now and then twice */
}

static void gre_deliver(void *user, const uint8_t *payload, size_t len)
{
    struct side *e = user;
    uppp_session_input(e->s, payload, len, now);
}

static void arrive(size_t i)
{
    struct flight f = flights[i];
    flights[i] = flights[--nflights];
    struct side *to = f.to;
    struct side *from = &to->call->e[1 - to->idx];
    write_ip(side_ip(from), side_ip(to), 47, f.d, f.len, from->idx == 1);
    uppp_pptp_gre_recv(to->g, f.d, f.len, now);
}

/* ------------------------------------------------------------ sessions */

static void out_cb(void *user, const uint8_t *data, size_t len)
{
    struct side *e = user;
    uppp_pptp_gre_send(e->g, data, len, now);
}

static void deliver_cb(void *user, uint16_t proto, const uint8_t *p, size_t len)
{
    struct side *e = user;
    if (proto == 0x0021)
        e->delivered++;
    gen_expect(expected, proto, p, len);
}

static int random_cb(void *user, void *buf, size_t len)
{
    struct side *e = user;
    for (size_t i = 0; i < len; i++)
        ((uint8_t *)buf)[i] = (uint8_t)(gen_rnd(&e->rng) >> 32);
    return 0;
}

/* Timers before arrivals at the same instant, as the decryptor runs them. */
static void run(uint64_t until, int stop_when_up)
{
    for (unsigned steps = 0; steps < 50000000; steps++) {
        if (stop_when_up) {
            int up = 1;
            for (int c = 0; c < ncalls && up; c++)
                for (int i = 0; i < 2; i++) {
                    struct uppp_status st;
                    uppp_session_status(calls[c].e[i].s, &st);
                    up &= st.phase == UPPP_PHASE_RUNNING;
                }
            if (up)
                return;
        }
        uint64_t t = UINT64_MAX;
        for (int c = 0; c < ncalls; c++)
            for (int i = 0; i < 2; i++) {
                uint64_t a = uppp_session_next_timer(calls[c].e[i].s);
                uint64_t b = uppp_pptp_gre_next_timer(calls[c].e[i].g);
                t = a < t ? a : t;
                t = b < t ? b : t;
            }
        size_t first = nflights;
        for (size_t i = 0; i < nflights; i++)
            if (first == nflights || flights[i].at < flights[first].at ||
                (flights[i].at == flights[first].at && flights[i].order < flights[first].order))
                first = i;
        uint64_t ta = first < nflights ? flights[first].at : UINT64_MAX;
        uint64_t next = t < ta ? t : ta;
        if (next == UINT64_MAX || next > until)
            break;
        if (next > now)
            now = next;
        if (t <= ta) {
            for (int c = 0; c < ncalls; c++)
                for (int i = 0; i < 2; i++) {
                    struct side *e = &calls[c].e[i];
                    if (uppp_pptp_gre_next_timer(e->g) <= now)
                        uppp_pptp_gre_handle_timer(e->g, now);
                    if (uppp_session_next_timer(e->s) <= now)
                        uppp_session_handle_timer(e->s, now);
                }
        } else {
            arrive(first);
        }
    }
    if (now < until && !stop_when_up)
        now = until;
}

static void setup_call(int c)
{
    static const struct {
        int v2, bits, stateful;
    } modes[] = {{1, 128, 0}, {0, 40, 1}, {1, 56, 1}, {0, 128, 0}, {1, 128, 1}, {0, 56, 0}};
    struct call *k = &calls[c];
    k->conn = c % NCONN;
    k->cid[0] = (uint16_t)(0x100 + 7 * c);
    k->cid[1] = (uint16_t)(0x4000 + 3 * c);
    k->v2 = modes[c % 6].v2;
    k->bits = modes[c % 6].bits;
    k->stateful = modes[c % 6].stateful;
    for (int i = 0; i < 2; i++) {
        struct side *e = &k->e[i];
        e->idx = i;
        e->call = k;
        e->rng = rng * 2 + (uint64_t)(c * 2 + i) + 1;
        uppp_config_init(&e->cfg);
        e->cfg.framing = UPPP_FRAMING_NONE;
        e->cfg.mppe = UPPP_MPPE_REQUIRED;
        e->cfg.mppe_bits = k->bits == 40 ? 1u : k->bits == 56 ? 2u : 4u;
        e->cfg.mppe_stateful_ok = k->stateful;
        e->cfg.mppe_want_stateful = k->stateful;
        e->cfg.mppc = opt_mppc;
        struct uppp_pptp_gre_config gc;
        uppp_pptp_gre_config_init(&gc);
        gc.call_id = k->cid[i];
        gc.peer_call_id = k->cid[1 - i];
        struct uppp_pptp_gre_callbacks gcb = {.output = gre_out, .deliver = gre_deliver};
        if (uppp_pptp_gre_new(&e->g, &gc, &gcb, e) != 0) {
            fprintf(stderr, "gre setup failed\n");
            exit(1);
        }
    }
    snprintf(k->e[0].cfg.our_name, sizeof(k->e[0].cfg.our_name), "gen-server");
    snprintf(k->e[1].cfg.our_name, sizeof(k->e[1].cfg.our_name), "gen-user-%d", c);
    k->e[0].cfg.require_auth = k->v2 ? UPPP_AUTH_MSCHAP_V2 : UPPP_AUTH_MSCHAP_V1;
    k->e[0].cfg.ip_local = 0x0a010001u + ((uint32_t)c << 8);
    k->e[0].cfg.ip_remote = 0x0a010002u + ((uint32_t)c << 8);
    for (int i = 0; i < 2; i++) {
        struct uppp_callbacks cb = {.user = &k->e[i],
                                    .output = out_cb,
                                    .deliver = deliver_cb,
                                    .random = random_cb,
                                    .get_secret = gen_secret_cb,
                                    .log = gen_log_cb};
        if (uppp_session_new(&k->e[i].s, &k->e[i].cfg, &cb) != 0) {
            fprintf(stderr, "session setup failed\n");
            exit(1);
        }
    }
}

/* The control connections up to the calls (section 3: SCCRQ/SCCRP, then
 * one call setup per call), a refused call among them. */
static void control_open(void)
{
    for (int k = 0; k < NCONN && k < ncalls; k++) {
        conns[k].seq[0] = 0x10000000u * (uint32_t)(k + 1);
        conns[k].seq[1] = 0xfffff000u + (uint32_t)k; /* wraps during the connection */
        write_tcp(k, 1, conns[k].seq[1]++, TCP_SYN, NULL, 0);
        write_tcp(k, 0, conns[k].seq[0]++, TCP_SYN | TCP_ACK, NULL, 0);
        struct uppp_pptp_msg m = {.type = UPPP_PPTP_SCCRQ};
        m.u.sccrq.version = UPPP_PPTP_PROTOCOL_VERSION;
        m.u.sccrq.framing_caps = UPPP_PPTP_FRAMING_ASYNC;
        uppp_pptp_text_set(&m.u.sccrq.host, "gen-pns");
        ctrl_send(k, 1, &m);
        m.type = UPPP_PPTP_SCCRP;
        m.u.sccrq.result = UPPP_PPTP_SCCRP_OK;
        uppp_pptp_text_set(&m.u.sccrq.host, "gen-pac");
        ctrl_send(k, 0, &m);
        /* Busy: no call, and its IDs must pair nothing. */
        memset(&m, 0, sizeof(m));
        m.type = UPPP_PPTP_OCRP;
        m.u.ocrp.call_id = 0x7777;
        m.u.ocrp.peer_call_id = 0x7778;
        m.u.ocrp.result = UPPP_PPTP_OCRP_BUSY;
        ctrl_send(k, 0, &m);
    }
    for (int c = 0; c < ncalls; c++) {
        struct call *k = &calls[c];
        struct uppp_pptp_msg m;
        memset(&m, 0, sizeof(m));
        if (c % 2 == 0) {
            m.type = UPPP_PPTP_OCRQ;
            m.u.ocrq.call_id = k->cid[1];
            m.u.ocrq.serial = (uint16_t)c;
            m.u.ocrq.recv_window = 64;
            ctrl_send(k->conn, 1, &m);
            memset(&m, 0, sizeof(m));
            m.type = UPPP_PPTP_OCRP;
            m.u.ocrp.call_id = k->cid[0];
            m.u.ocrp.peer_call_id = k->cid[1];
            m.u.ocrp.result = UPPP_PPTP_OCRP_CONNECTED;
            m.u.ocrp.recv_window = 64;
            ctrl_send(k->conn, 0, &m);
        } else {
            m.type = UPPP_PPTP_ICRQ;
            m.u.icrq.call_id = k->cid[0];
            m.u.icrq.serial = (uint16_t)c;
            ctrl_send(k->conn, 0, &m);
            memset(&m, 0, sizeof(m));
            m.type = UPPP_PPTP_ICRP;
            m.u.icrp.call_id = k->cid[1];
            m.u.icrp.peer_call_id = k->cid[0];
            m.u.icrp.result = UPPP_PPTP_ICRP_CONNECT;
            m.u.icrp.recv_window = 64;
            ctrl_send(k->conn, 1, &m);
            memset(&m, 0, sizeof(m));
            m.type = UPPP_PPTP_ICCN;
            m.u.iccn.peer_call_id = k->cid[1];
            ctrl_send(k->conn, 0, &m);
        }
    }
}

static void control_close(void)
{
    for (int c = 0; c < ncalls; c++) {
        struct uppp_pptp_msg m = {.type = UPPP_PPTP_CCRQ};
        m.u.ccrq.call_id = calls[c].cid[1];
        ctrl_send(calls[c].conn, 1, &m);
        memset(&m, 0, sizeof(m));
        m.type = UPPP_PPTP_CDN;
        m.u.cdn.call_id = calls[c].cid[0];
        m.u.cdn.result = UPPP_PPTP_CDN_REQUEST;
        ctrl_send(calls[c].conn, 0, &m);
    }
    for (int k = 0; k < NCONN && k < ncalls; k++) {
        struct uppp_pptp_msg m = {.type = UPPP_PPTP_STOPCCRQ};
        m.u.stop.reason_or_result = UPPP_PPTP_STOP_NONE;
        ctrl_send(k, 1, &m);
        m.type = UPPP_PPTP_STOPCCRP;
        m.u.stop.reason_or_result = UPPP_PPTP_RESULT_OK;
        ctrl_send(k, 0, &m);
        write_tcp(k, 1, conns[k].seq[1], TCP_FIN | TCP_ACK, NULL, 0);
        write_tcp(k, 0, conns[k].seq[0], TCP_FIN | TCP_ACK, NULL, 0);
    }
}

int main(int argc, char **argv)
{
    if (argc != 9 && argc != 10) {
        fprintf(stderr,
                "usage: %s OUT.pcap EXPECTED ether|vlan|sll|sll2|raw|ipv4 CALLS LOSS%% "
                "REORDER%% SEED PACKETS [frag,noctrl,tcpmess,mppc]\n",
                argv[0]);
        return 2;
    }
    link_kind = -1;
    for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
        if (strcmp(argv[3], links[i].name) == 0)
            link_kind = (int)i;
    ncalls = atoi(argv[4]);
    loss_pct = atoi(argv[5]);
    reorder_pct = atoi(argv[6]);
    rng ^= strtoull(argv[7], NULL, 10);
    int npkts = atoi(argv[8]);
    const char *opts = argc == 10 ? argv[9] : "";
    opt_frag = strstr(opts, "frag") != NULL;
    opt_noctrl = strstr(opts, "noctrl") != NULL;
    opt_tcpmess = strstr(opts, "tcpmess") != NULL;
    opt_mppc = strstr(opts, "mppc") != NULL;
    if (link_kind < 0 || ncalls < 1 || ncalls > MAXCALLS) {
        fprintf(stderr, "bad link type or number of calls (1..%d)\n", MAXCALLS);
        return 2;
    }
    pcap_t *dead = pcap_open_dead(links[link_kind].dlt, 65535);
    dump = pcap_dump_open(dead, argv[1]);
    expected = fopen(argv[2], "w");
    flights = calloc(MAXFLIGHT, sizeof(*flights));
    if (dump == NULL || expected == NULL || flights == NULL) {
        fprintf(stderr, "cannot create the outputs\n");
        return 1;
    }
    for (int c = 0; c < ncalls; c++)
        setup_call(c);
    control_open();
    for (int c = 0; c < ncalls; c++)
        for (int i = 0; i < 2; i++)
            uppp_session_start(calls[c].e[i].s, now);
    run(UINT64_MAX, 1);
    uint8_t pkt[GEN_TCP_LEN];
    for (int n = 0; n < npkts; n++) {
        for (int c = 0; c < ncalls; c++)
            for (int i = 0; i < 2; i++) {
                struct side *e = &calls[c].e[i];
                uint32_t a = e->cfg.ip_local ? e->cfg.ip_local : calls[c].e[0].cfg.ip_remote;
                uint32_t b = e->cfg.ip_local ? e->cfg.ip_remote : calls[c].e[0].cfg.ip_local;
                /* Every fifth packet is TCP, the others ICMP echoes. */
                size_t len = n % 5 == 4 ? gen_tcp(pkt, a, b, i == 0 ? 'A' : 'B', (unsigned)n)
                                        : gen_icmp(pkt, a, b, i == 0 ? 'A' : 'B', (unsigned)n);
                uppp_session_send_ip(e->s, 0x0021, pkt, len, now);
            }
        run(now + 10, 0);
    }
    run(now + 10000, 0);
    control_close();
    for (int c = 0; c < ncalls; c++) {
        struct call *k = &calls[c];
        printf("user=gen-user-%d method=mschap%s bits=%d mode=%s%s delivered=%llu\n", c,
               k->v2 ? "v2" : "v1", k->bits, k->stateful ? "stateful" : "stateless",
               opt_mppc ? " mppc=yes" : "",
               (unsigned long long)(k->e[0].delivered + k->e[1].delivered));
        for (int i = 0; i < 2; i++) {
            uppp_session_del(k->e[i].s);
            uppp_pptp_gre_del(k->e[i].g);
        }
    }
    pcap_dump_close(dump);
    pcap_close(dead);
    fclose(expected);
    free(flights);
    return 0;
}
