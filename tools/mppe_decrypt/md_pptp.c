/*
 * PPTP demultiplexing for mppe-decrypt (md_pptp.h): control connections
 * (RFC 2637 section 2, over TCP as section 1.4 says), calls, and the GRE
 * data channel of section 4.
 */
#include "md_pptp.h"
#include "md_wire.h"

#include <uppp/err.h>
#include <uppp/pptp_gre.h>
#include <uppp/pptp_msg.h>

#include <stdlib.h>
#include <string.h>

#define NEVER UINT64_MAX
/* Each GRE payload goes through the receiver with its capture time in
 * front, so a frame released from the reorder buffer keeps the time stamp
 * it was captured with. */
#define STAMP_LEN 8
/* Largest GRE payload taken: a PPP frame of a 1500-octet MRU with MPPE is
 * about 1510; the library's default 4096 leaves room. Larger ones count as
 * lost. */
#define MAX_PAYLOAD 4096

struct queued {
    struct queued *next;
    struct md_unit u;
    uint8_t data[];
};

struct call;
struct rxctx {
    struct md_pptp *p;
    struct call *c;
    int dir;
};

/* Direction d of a call: GRE from ip[d] to ip[1 - d] carrying Call ID
 * key[d], the receiver's. d = MD_DIR_A: PAC -> PNS (key: the PNS's Call
 * ID); MD_DIR_B: PNS -> PAC (key: the PAC's). */
struct call {
    int used, guessed, ended;
    uint32_t link, conn;
    uint32_t ip[2];
    uint16_t key[2];
    int have[2];
    uint64_t last_us;
    struct uppp_pptp_gre *rx[2];
    struct rxctx ctx[2];
    uint64_t due[2]; /* the receiver's next timer, ms */
};

struct conn {
    uint32_t id;
    uint32_t ip[2];
    uint16_t port[2];
    int fin[2];
    uint64_t last_us;
    struct md_tcp_dir dir[2];
};

struct md_pptp {
    struct md_pptp_stats st;
    struct md_ip *ip;
    struct call *calls; /* MD_PPTP_MAX_CALLS, allocated with the first */
    struct call *hit;   /* the last call a GRE packet went to */
    struct conn *conns[MD_PPTP_MAX_CONNS];
    uint32_t next_link, next_conn;
    /* timers: (call, direction) pairs with packets waiting */
    unsigned waiting;
    uint64_t min_due;
    uint64_t now_us; /* the latest capture time: the receivers' clock */
    uint64_t rec_us; /* the time stamp of the record at hand */
    /* the control message being handled comes from this side */
    struct conn *cur;
    int cur_side;
    struct queued *head, *tail, *out;
    uint8_t stamped[UPPP_GRE_MAX_HEADER_LEN + STAMP_LEN + MAX_PAYLOAD];
};

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int md_pptp_new(struct md_pptp **out)
{
    struct md_pptp *p = calloc(1, sizeof(*p));
    if (p == NULL)
        return UPPP_ERR_NOMEM;
    if (md_ip_new(&p->ip) != 0) {
        free(p);
        return UPPP_ERR_NOMEM;
    }
    p->next_link = 1;
    p->next_conn = 1;
    p->min_due = NEVER;
    *out = p;
    return 0;
}

/* ----------------------------------------------------------- the queue */

static int enqueue(struct md_pptp *p, const struct md_unit *u)
{
    struct queued *q = malloc(sizeof(*q) + u->len);
    if (q == NULL)
        return UPPP_ERR_NOMEM;
    q->next = NULL;
    q->u = *u;
    if (u->len > 0)
        memcpy(q->data, u->data, u->len);
    q->u.data = q->data;
    if (p->tail != NULL)
        p->tail->next = q;
    else
        p->head = q;
    p->tail = q;
    return 0;
}

int md_pptp_next(struct md_pptp *p, struct md_unit *u)
{
    free(p->out);
    p->out = p->head;
    if (p->out == NULL)
        return 0;
    p->head = p->out->next;
    if (p->head == NULL)
        p->tail = NULL;
    *u = p->out->u;
    return 1;
}

/* ---------------------------------------------------- GRE receivers */

static void gre_output(void *user, const uint8_t *pkt, size_t len)
{
    (void)user; /* acks: the observer sends nothing */
    (void)pkt;
    (void)len;
}

static void gre_deliver(void *user, const uint8_t *payload, size_t len)
{
    struct rxctx *x = user;
    if (len <= STAMP_LEN)
        return;
    uint64_t ts = 0;
    for (int i = 0; i < STAMP_LEN; i++)
        ts = ts << 8 | payload[i];
    struct md_unit u = {.ts_us = ts,
                        .link = x->c->link,
                        .dir = (enum md_dir)x->dir,
                        .kind = MD_UNIT_FRAME,
                        .data = payload + STAMP_LEN,
                        .len = len - STAMP_LEN};
    /* Out of memory: the frame is lost, as a receiver short of memory
     * would lose it; the error itself surfaces at the next allocation. */
    (void)enqueue(x->p, &u);
}

/* Record direction d's next timer in the waiting count. */
static void set_due(struct md_pptp *p, struct call *c, int d)
{
    uint64_t due = c->rx[d] != NULL ? uppp_pptp_gre_next_timer(c->rx[d]) : NEVER;
    if ((c->due[d] == NEVER) != (due == NEVER))
        p->waiting += due == NEVER ? (unsigned)-1 : 1u;
    c->due[d] = due;
    if (due < p->min_due)
        p->min_due = due;
}

/* Run the receiver's timers at now (ms): gaps whose wait is over are given
 * up, the packets behind them released; the ack it owes goes nowhere. */
static void rx_timer(struct md_pptp *p, struct call *c, int d, uint64_t now)
{
    if (c->rx[d] == NULL)
        return;
    (void)uppp_pptp_gre_handle_timer(c->rx[d], now);
    set_due(p, c, d);
}

/* Everything waiting in a direction, released (the capture or the call
 * ended, or memory pressure). */
static void rx_flush(struct md_pptp *p, struct call *c, int d)
{
    uint64_t later = p->now_us / 1000 + UPPP_PPTP_GRE_MAX_REORDER_MS + 1;
    if (c->due[d] != NEVER && c->due[d] >= later)
        later = c->due[d] + 1;
    rx_timer(p, c, d, later);
}

static void run_timers(struct md_pptp *p)
{
    uint64_t now = p->now_us / 1000;
    if (p->waiting == 0 || now < p->min_due || p->calls == NULL)
        return;
    p->min_due = NEVER;
    for (size_t i = 0; i < MD_PPTP_MAX_CALLS; i++) {
        struct call *c = &p->calls[i];
        for (int d = 0; c->used && d < 2; d++) {
            if (c->due[d] <= now)
                rx_timer(p, c, d, now);
            else if (c->due[d] < p->min_due)
                p->min_due = c->due[d];
        }
    }
}

/* Too many receivers hold packets: the one waiting longest gives up. */
static void relieve(struct md_pptp *p)
{
    /* Each round empties one receiver; the bound is a guard. */
    for (int round = 0; round < 2 * MD_PPTP_MAX_CALLS && p->waiting > MD_PPTP_MAX_WAITING;
         round++) {
        struct call *best = NULL;
        int bd = 0;
        for (size_t i = 0; i < MD_PPTP_MAX_CALLS; i++)
            for (int d = 0; d < 2; d++)
                if (p->calls[i].used && p->calls[i].due[d] != NEVER &&
                    (best == NULL || p->calls[i].due[d] < best->due[bd])) {
                    best = &p->calls[i];
                    bd = d;
                }
        if (best == NULL)
            return;
        rx_flush(p, best, bd);
    }
}

static int make_rx(struct md_pptp *p, struct call *c, int d)
{
    struct uppp_pptp_gre_config cfg;
    uppp_pptp_gre_config_init(&cfg);
    cfg.call_id = c->key[d];
    cfg.peer_call_id = c->key[1 - d];
    cfg.max_payload = STAMP_LEN + MAX_PAYLOAD;
    struct uppp_pptp_gre_callbacks cb = {.output = gre_output, .deliver = gre_deliver};
    c->ctx[d] = (struct rxctx){.p = p, .c = c, .dir = d};
    return uppp_pptp_gre_new(&c->rx[d], &cfg, &cb, &c->ctx[d]);
}

/* ---------------------------------------------------------------- calls */

/* Release what the call's receivers hold, free them, and tell the tracker
 * the link is over. */
static int end_call(struct md_pptp *p, struct call *c)
{
    for (int d = 0; d < 2; d++) {
        if (c->rx[d] == NULL)
            continue;
        rx_flush(p, c, d);
        const struct uppp_pptp_gre_stats *s = uppp_pptp_gre_stats(c->rx[d]);
        p->st.gre_lost += s->rx_lost + s->rx_overwin;
        p->st.gre_dup += s->rx_stale;
        uppp_pptp_gre_del(c->rx[d]);
        c->rx[d] = NULL;
        set_due(p, c, d);
    }
    if (p->hit == c)
        p->hit = NULL;
    c->used = 0;
    struct md_unit u = {.ts_us = p->now_us, .link = c->link, .kind = MD_UNIT_LINK_END};
    return enqueue(p, &u);
}

/* The call's control connection said it is over: release what waits. GRE
 * may still trail in (LCP's Terminate exchange), so the call stays until
 * its slot is needed. */
static void call_ended(struct md_pptp *p, struct call *c)
{
    c->ended = 1;
    for (int d = 0; d < 2; d++)
        if (c->rx[d] != NULL)
            rx_flush(p, c, d);
}

static struct call *find_call(struct md_pptp *p, uint32_t src, uint32_t dst, uint16_t key, int *dir)
{
    struct call *h = p->hit;
    for (int d = 0; h != NULL && d < 2; d++)
        if (h->have[d] && h->key[d] == key && h->ip[d] == src && h->ip[1 - d] == dst) {
            *dir = d;
            return h;
        }
    for (size_t i = 0; p->calls != NULL && i < MD_PPTP_MAX_CALLS; i++) {
        struct call *c = &p->calls[i];
        for (int d = 0; c->used && d < 2; d++)
            if (c->have[d] && c->key[d] == key && c->ip[d] == src && c->ip[1 - d] == dst) {
                *dir = d;
                p->hit = c;
                return c;
            }
    }
    return NULL;
}

/* A free slot: the oldest ended call, else the least recently active one,
 * makes room. */
static int new_slot(struct md_pptp *p, struct call **out)
{
    if (p->calls == NULL && (p->calls = calloc(MD_PPTP_MAX_CALLS, sizeof(*p->calls))) == NULL)
        return UPPP_ERR_NOMEM;
    struct call *victim = NULL;
    for (size_t i = 0; i < MD_PPTP_MAX_CALLS; i++) {
        struct call *c = &p->calls[i];
        if (!c->used) {
            victim = c;
            break;
        }
        if (victim == NULL || (c->ended && !victim->ended) ||
            (c->ended == victim->ended && c->last_us < victim->last_us))
            victim = c;
    }
    if (victim->used) {
        int rc = end_call(p, victim);
        if (rc != 0)
            return rc;
    }
    memset(victim, 0, sizeof(*victim));
    victim->used = 1;
    victim->link = p->next_link++;
    victim->last_us = p->now_us;
    victim->due[0] = victim->due[1] = NEVER;
    *out = victim;
    return 0;
}

/* GRE of the call came before its reply (the capture lost the reply's
 * first segment, or caught the packets out of order): the guessed call is
 * this one. It keeps its link and its direction names, so the session on
 * it goes on; only the keys come from the reply. Returns 1 if adopted. */
static int adopt_guessed(struct md_pptp *p, uint32_t pac_ip, uint32_t pns_ip, uint16_t pac_cid,
                         uint16_t pns_cid)
{
    for (size_t i = 0; p->calls != NULL && i < MD_PPTP_MAX_CALLS; i++) {
        struct call *c = &p->calls[i];
        if (!c->used || !c->guessed || c->ended)
            continue;
        uint16_t want[2];
        if (c->ip[MD_DIR_A] == pac_ip && c->ip[MD_DIR_B] == pns_ip) {
            want[MD_DIR_A] = pns_cid;
            want[MD_DIR_B] = pac_cid;
        } else if (c->ip[MD_DIR_A] == pns_ip && c->ip[MD_DIR_B] == pac_ip) {
            want[MD_DIR_A] = pac_cid;
            want[MD_DIR_B] = pns_cid;
        } else {
            continue;
        }
        int match = 0, clash = 0;
        for (int d = 0; d < 2; d++)
            if (c->have[d]) {
                match |= c->key[d] == want[d];
                clash |= c->key[d] != want[d];
            }
        if (!match || clash)
            continue;
        for (int d = 0; d < 2; d++) {
            c->key[d] = want[d];
            c->have[d] = 1;
        }
        c->guessed = 0;
        c->conn = p->cur != NULL ? p->cur->id : 0;
        p->st.calls_guessed--;
        p->st.calls++;
        return 1;
    }
    return 0;
}

/* A call the control connection set up (Outgoing- or Incoming-Call-Reply). */
static int new_call(struct md_pptp *p, uint32_t pac_ip, uint32_t pns_ip, uint16_t pac_cid,
                    uint16_t pns_cid)
{
    if (adopt_guessed(p, pac_ip, pns_ip, pac_cid, pns_cid))
        return 0;
    /* Calls that held these IDs before (ended, or guessed from GRE that
     * came before the reply) are over. */
    int d;
    struct call *old;
    while ((old = find_call(p, pac_ip, pns_ip, pns_cid, &d)) != NULL ||
           (old = find_call(p, pns_ip, pac_ip, pac_cid, &d)) != NULL) {
        int rc = end_call(p, old);
        if (rc != 0)
            return rc;
    }
    struct call *c;
    int rc = new_slot(p, &c);
    if (rc != 0)
        return rc;
    c->conn = p->cur != NULL ? p->cur->id : 0;
    c->ip[MD_DIR_A] = pac_ip;
    c->ip[MD_DIR_B] = pns_ip;
    c->key[MD_DIR_A] = pns_cid;
    c->key[MD_DIR_B] = pac_cid;
    c->have[0] = c->have[1] = 1;
    p->st.calls++;
    return 0;
}

/* GRE of a Call ID no control message named: pair it with the first
 * unpaired flow the other way between the same hosts, or start a call. */
static int guess_call(struct md_pptp *p, uint32_t src, uint32_t dst, uint16_t key,
                      struct call **out, int *dir)
{
    for (size_t i = 0; p->calls != NULL && i < MD_PPTP_MAX_CALLS; i++) {
        struct call *c = &p->calls[i];
        if (c->used && c->guessed && !c->ended && !c->have[MD_DIR_A] && c->ip[MD_DIR_A] == src &&
            c->ip[MD_DIR_B] == dst) {
            c->have[MD_DIR_A] = 1;
            c->key[MD_DIR_A] = key;
            *out = c;
            *dir = MD_DIR_A;
            return 0;
        }
    }
    struct call *c;
    int rc = new_slot(p, &c);
    if (rc != 0)
        return rc;
    /* Which end is the PNS cannot be told: the first flow seen is taken
     * as the PNS's; the tracker needs the two apart, not their names. */
    c->guessed = 1;
    c->ip[MD_DIR_B] = src;
    c->ip[MD_DIR_A] = dst;
    c->key[MD_DIR_B] = key;
    c->have[MD_DIR_B] = 1;
    p->st.calls_guessed++;
    *out = c;
    *dir = MD_DIR_B;
    return 0;
}

static int gre_input(struct md_pptp *p, const struct md_ipv4 *ip)
{
    struct uppp_gre_hdr h;
    int hl = uppp_gre_parse(ip->payload, ip->len, &h);
    if (hl < 0) {
        p->st.gre_bad++;
        return 0;
    }
    if (!h.has_seq)
        return 0; /* an ack alone */
    p->st.gre++;
    int d;
    struct call *c = find_call(p, ip->src, ip->dst, h.call_id, &d);
    if (c == NULL) {
        int rc = guess_call(p, ip->src, ip->dst, h.call_id, &c, &d);
        if (rc != 0)
            return rc;
    }
    c->last_us = p->now_us;
    if (h.payload_len > MAX_PAYLOAD) {
        p->st.gre_lost++;
        return 0;
    }
    if (c->rx[d] == NULL) {
        int rc = make_rx(p, c, d);
        if (rc != 0)
            return rc;
    }
    /* The same header with the time stamp in front of the payload (the
     * ack is of no use to an observer). */
    struct uppp_gre_hdr s = h;
    s.payload_len = (uint16_t)(h.payload_len + STAMP_LEN);
    s.has_ack = 0;
    int sl = uppp_gre_build(&s, p->stamped, sizeof(p->stamped));
    if (sl < 0)
        return sl;
    for (int i = 0; i < STAMP_LEN; i++)
        p->stamped[sl + i] = (uint8_t)(p->rec_us >> (8 * (STAMP_LEN - 1 - i)));
    memcpy(p->stamped + sl + STAMP_LEN, ip->payload + hl, h.payload_len);
    uint64_t now = p->now_us / 1000;
    (void)uppp_pptp_gre_recv(c->rx[d], p->stamped, (size_t)sl + s.payload_len, now);
    rx_timer(p, c, d, now); /* the ack it owes, and its next timer */
    relieve(p);
    return 0;
}

/* ------------------------------------------------- control connections */

static void end_conn_calls(struct md_pptp *p, uint32_t conn)
{
    for (size_t i = 0; p->calls != NULL && i < MD_PPTP_MAX_CALLS; i++)
        if (p->calls[i].used && p->calls[i].conn == conn)
            call_ended(p, &p->calls[i]);
}

static struct call *call_by_key(struct md_pptp *p, uint32_t conn, int d, uint16_t key)
{
    for (size_t i = 0; p->calls != NULL && i < MD_PPTP_MAX_CALLS; i++) {
        struct call *c = &p->calls[i];
        if (c->used && !c->guessed && c->conn == conn && c->key[d] == key)
            return c;
    }
    return NULL;
}

/* One control message from side cur_side of connection cur. */
static int on_message(void *user, const uint8_t *msg, size_t len)
{
    struct md_pptp *p = user;
    struct conn *k = p->cur;
    int s = p->cur_side;
    struct uppp_pptp_msg m;
    if (uppp_pptp_msg_parse(msg, len, &m) != 0) {
        p->st.ctrl_bad++;
        return 0;
    }
    struct call *c;
    switch (m.type) {
    case UPPP_PPTP_OCRP: /* PAC -> PNS: Call ID is the PAC's, Peer's the PNS's */
        if (m.u.ocrp.result != UPPP_PPTP_OCRP_CONNECTED)
            return 0;
        return new_call(p, k->ip[s], k->ip[1 - s], m.u.ocrp.call_id, m.u.ocrp.peer_call_id);
    case UPPP_PPTP_ICRP: /* PNS -> PAC: Call ID is the PNS's, Peer's the PAC's */
        if (m.u.icrp.result != UPPP_PPTP_ICRP_CONNECT)
            return 0;
        return new_call(p, k->ip[1 - s], k->ip[s], m.u.icrp.peer_call_id, m.u.icrp.call_id);
    case UPPP_PPTP_CCRQ: /* PNS -> PAC, the PNS's Call ID */
        if ((c = call_by_key(p, k->id, MD_DIR_A, m.u.ccrq.call_id)) != NULL)
            call_ended(p, c);
        return 0;
    case UPPP_PPTP_CDN: /* PAC -> PNS, the PAC's Call ID */
        if ((c = call_by_key(p, k->id, MD_DIR_B, m.u.cdn.call_id)) != NULL)
            call_ended(p, c);
        return 0;
    case UPPP_PPTP_STOPCCRQ:
    case UPPP_PPTP_STOPCCRP:
        end_conn_calls(p, k->id);
        return 0;
    default:
        return 0;
    }
}

static void close_conn(struct md_pptp *p, size_t i)
{
    struct conn *k = p->conns[i];
    end_conn_calls(p, k->id);
    md_tcp_clear(&k->dir[0]);
    md_tcp_clear(&k->dir[1]);
    free(k);
    p->conns[i] = NULL;
}

static int tcp_input(struct md_pptp *p, const struct md_ipv4 *ip)
{
    const uint8_t *t = ip->payload;
    if (ip->len < MD_TCP_MIN_HDR)
        return 0;
    uint16_t sport = be16(t), dport = be16(t + 2);
    if (sport != UPPP_PPTP_TCP_PORT && dport != UPPP_PPTP_TCP_PORT)
        return 0;
    size_t off = (size_t)(t[12] >> 4) * 4;
    if (off < MD_TCP_MIN_HDR || off > ip->len)
        return 0;
    uint8_t flags = t[13];
    size_t slot = MD_PPTP_MAX_CONNS, oldest = 0;
    int side = 0;
    for (size_t i = 0; i < MD_PPTP_MAX_CONNS; i++) {
        struct conn *k = p->conns[i];
        if (k == NULL) {
            if (slot == MD_PPTP_MAX_CONNS)
                slot = i;
            continue;
        }
        if (p->conns[oldest] == NULL || k->last_us < p->conns[oldest]->last_us)
            oldest = i;
        for (int sd = 0; sd < 2; sd++)
            if (k->ip[sd] == ip->src && k->port[sd] == sport && k->ip[1 - sd] == ip->dst &&
                k->port[1 - sd] == dport) {
                p->cur = k;
                side = sd;
                slot = i;
                goto found;
            }
    }
    /* A new connection starts with a SYN, or data when the capture began
     * after it; a bare ACK or FIN (the last of a closed one) starts none. */
    if ((flags & MD_TCP_RST) || (!(flags & MD_TCP_SYN) && off == ip->len))
        return 0;
    if (slot == MD_PPTP_MAX_CONNS) {
        close_conn(p, oldest);
        slot = oldest;
    }
    struct conn *k = calloc(1, sizeof(*k));
    if (k == NULL)
        return UPPP_ERR_NOMEM;
    k->id = p->next_conn++;
    k->ip[0] = ip->src;
    k->ip[1] = ip->dst;
    k->port[0] = sport;
    k->port[1] = dport;
    md_tcp_init(&k->dir[0]);
    md_tcp_init(&k->dir[1]);
    p->conns[slot] = k;
    p->cur = k;
    p->st.conns++;
found:
    p->cur->last_us = p->now_us;
    p->cur_side = side;
    int rc = md_tcp_segment(&p->cur->dir[side], be32(t + 4), (flags & MD_TCP_SYN) != 0, t + off,
                            ip->len - off, on_message, p, &p->st.tcp);
    if (rc != 0)
        return rc;
    if (flags & MD_TCP_FIN)
        p->cur->fin[side] = 1;
    if ((flags & MD_TCP_RST) || (p->cur->fin[0] && p->cur->fin[1]))
        close_conn(p, slot);
    p->cur = NULL;
    return 0;
}

/* ------------------------------------------------------------ the input */

int md_pptp_input(struct md_pptp *p, uint64_t ts_us, const uint8_t *ipkt, size_t len)
{
    p->rec_us = ts_us;
    if (ts_us > p->now_us)
        p->now_us = ts_us; /* the receivers' clock never goes back */
    run_timers(p);
    struct md_ipv4 ip;
    int rc = md_ip_input(p->ip, ts_us, ipkt, len, &ip);
    if (rc <= 0)
        return rc;
    if (ip.proto == MD_IPPROTO_GRE)
        return gre_input(p, &ip);
    return tcp_input(p, &ip);
}

int md_pptp_finish(struct md_pptp *p)
{
    md_ip_finish(p->ip);
    for (size_t i = 0; i < MD_PPTP_MAX_CONNS; i++)
        if (p->conns[i] != NULL)
            close_conn(p, i);
    for (size_t i = 0; p->calls != NULL && i < MD_PPTP_MAX_CALLS; i++)
        if (p->calls[i].used) {
            int rc = end_call(p, &p->calls[i]);
            if (rc != 0)
                return rc;
        }
    return 0;
}

void md_pptp_del(struct md_pptp *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < MD_PPTP_MAX_CONNS; i++)
        if (p->conns[i] != NULL) {
            md_tcp_clear(&p->conns[i]->dir[0]);
            md_tcp_clear(&p->conns[i]->dir[1]);
            free(p->conns[i]);
        }
    for (size_t i = 0; p->calls != NULL && i < MD_PPTP_MAX_CALLS; i++)
        for (int d = 0; d < 2; d++)
            uppp_pptp_gre_del(p->calls[i].rx[d]);
    free(p->calls);
    while (p->head != NULL) {
        struct queued *q = p->head;
        p->head = q->next;
        free(q);
    }
    free(p->out);
    md_ip_del(p->ip);
    free(p);
}

const struct md_pptp_stats *md_pptp_stats(const struct md_pptp *p)
{
    return &p->st;
}

const struct md_ip_stats *md_pptp_ip_stats(const struct md_pptp *p)
{
    return md_ip_stats(p->ip);
}
