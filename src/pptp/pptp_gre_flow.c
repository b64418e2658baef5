/*
 * One PPTP call's GRE data channel (RFC 2637 sections 4.2 sliding window,
 * 4.2.5 multi-packet acknowledgment, 4.3 out-of-sequence packets), with a
 * bounded reorder buffer for the sake of stateful MPPE (see pptp_gre.h).
 *
 * Sequence numbers are compared in serial-number arithmetic (the signed
 * difference of two uint32_t), so nothing changes at the 32-bit wrap.
 * The buffer is a ring of recv_window slots indexed by seq % slots: a slot
 * holds only sequence numbers in (expected, expected + slots), so no two
 * waiting packets share a slot and every scan is bounded by slots.
 */
#include <uppp/pptp_gre.h>
#include <uppp/err.h>

#include <stdlib.h>
#include <string.h>

#define NEVER UINT64_MAX

struct slot {
    uint8_t *data; /* NULL: empty */
    uint16_t len;
    uint32_t seq;
    uint64_t arrival;
};

struct uppp_pptp_gre {
    struct uppp_pptp_gre_config cfg;
    struct uppp_pptp_gre_callbacks cb;
    void *user;
    struct uppp_pptp_gre_stats st;
    /* send side */
    uint32_t tx_next;  /* sequence number of our next data packet */
    uint32_t tx_acked; /* highest of ours the peer acknowledged (tx_next - 1 at start) */
    uint64_t poke_due; /* when to poke the peer about unacknowledged data */
    unsigned pokes;    /* pokes since our last data packet */
    /* receive side */
    int rx_started;
    uint32_t rx_expected; /* next sequence number to deliver */
    int ack_pending;      /* rx_expected - 1 not yet acknowledged to the peer */
    uint64_t ack_due;
    size_t buffered;
    uint32_t over_last; /* last too-far-ahead sequence number, for resync */
    unsigned over_run;
    uint8_t *tx;
    struct slot slots[];
};

void uppp_pptp_gre_config_init(struct uppp_pptp_gre_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    /* pptp-linux starts at 1 ("first sequence number sent must be 1" in
     * its pptp_gre.c); any start is valid, so match the common peer. */
    cfg->first_seq = 1;
    cfg->peer_window = 64;
    cfg->recv_window = 64;
    cfg->reorder_timeout_ms = 300;
    cfg->ack_delay_ms = 0;
    cfg->max_payload = 4096;
    cfg->missing_window = 300;
    cfg->poke_ms = 400;
}

int uppp_pptp_gre_new(struct uppp_pptp_gre **pg, const struct uppp_pptp_gre_config *cfg,
                      const struct uppp_pptp_gre_callbacks *cb, void *user)
{
    if (!pg || !cfg || !cb || !cb->output || !cb->deliver || cfg->recv_window == 0 ||
        cfg->recv_window > UPPP_PPTP_GRE_MAX_WINDOW ||
        cfg->reorder_timeout_ms > UPPP_PPTP_GRE_MAX_REORDER_MS || cfg->max_payload == 0 ||
        cfg->missing_window < cfg->recv_window)
        return UPPP_ERR_INVALID;
    struct uppp_pptp_gre *g = calloc(1, sizeof(*g) + cfg->recv_window * sizeof(struct slot));
    if (!g)
        return UPPP_ERR_NOMEM;
    g->tx = malloc((size_t)cfg->max_payload + UPPP_GRE_MAX_HEADER_LEN);
    if (!g->tx) {
        free(g);
        return UPPP_ERR_NOMEM;
    }
    g->cfg = *cfg;
    g->cb = *cb;
    g->user = user;
    g->tx_next = cfg->first_seq;
    g->tx_acked = cfg->first_seq - 1;
    g->ack_due = NEVER;
    g->poke_due = NEVER;
    *pg = g;
    return 0;
}

void uppp_pptp_gre_del(struct uppp_pptp_gre *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->cfg.recv_window; i++)
        free(g->slots[i].data);
    free(g->tx);
    free(g);
}

const struct uppp_pptp_gre_stats *uppp_pptp_gre_stats(const struct uppp_pptp_gre *g)
{
    return &g->st;
}

uint32_t uppp_pptp_gre_unacked(const struct uppp_pptp_gre *g)
{
    return g->tx_next - 1 - g->tx_acked;
}

/* ---------------------------------------------------------------- send */

static void send_packet(struct uppp_pptp_gre *g, const uint8_t *payload, size_t len)
{
    struct uppp_gre_hdr h = {.payload_len = (uint16_t)len, .call_id = g->cfg.peer_call_id};
    if (len) {
        h.has_seq = 1;
        h.seq = g->tx_next++;
    }
    if (g->ack_pending) {
        h.has_ack = 1;
        h.ack = g->rx_expected - 1; /* highest delivered in order (4.1) */
        g->ack_pending = 0;
        g->ack_due = NEVER;
    }
    int hl = uppp_gre_build(&h, g->tx, UPPP_GRE_MAX_HEADER_LEN);
    if (hl < 0)
        return; /* cannot happen: lengths were checked by the callers */
    if (len)
        memcpy(g->tx + hl, payload, len);
    g->cb.output(g->user, g->tx, (size_t)hl + len);
}

int uppp_pptp_gre_send(struct uppp_pptp_gre *g, const uint8_t *payload, size_t len, uint64_t now)
{
    if (!g || !payload || len == 0)
        return UPPP_ERR_INVALID;
    if (len > g->cfg.max_payload)
        return UPPP_ERR_NOBUF;
    /* Section 4.2: no more than the peer's window unacknowledged. */
    if (g->cfg.enforce_peer_window && g->cfg.peer_window &&
        uppp_pptp_gre_unacked(g) >= g->cfg.peer_window) {
        g->st.tx_window_full++;
        return UPPP_ERR_LIMIT;
    }
    send_packet(g, payload, len);
    g->st.tx_data++;
    g->poke_due = g->cfg.poke_ms ? now + g->cfg.poke_ms : NEVER;
    g->pokes = 0;
    return 0;
}

/* Our data unacknowledged poke_ms after our last packet: an ack alone (see
 * poke_ms in pptp_gre.h). It needs an ack number, so only once we have
 * received; the same ack again is harmless to every peer. */
static void poke(struct uppp_pptp_gre *g, uint64_t now)
{
    g->poke_due = NEVER;
    if (uppp_pptp_gre_unacked(g) == 0 || !g->rx_started)
        return;
    g->ack_pending = 1;
    send_packet(g, NULL, 0);
    g->st.tx_pokes++;
    if (++g->pokes < UPPP_PPTP_GRE_MAX_POKES)
        g->poke_due = now + g->cfg.poke_ms;
}

/* ------------------------------------------------------------- receive */

static int32_t sdiff(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b);
}

static struct slot *slot_of(struct uppp_pptp_gre *g, uint32_t seq)
{
    return &g->slots[seq % g->cfg.recv_window];
}

static void note_delivered(struct uppp_pptp_gre *g, uint64_t now)
{
    if (!g->ack_pending) {
        g->ack_pending = 1;
        g->ack_due = now + g->cfg.ack_delay_ms;
    }
}

/* Deliver one payload as sequence number rx_expected and move on. State is
 * updated first, so deliver may send (and piggy-back the ack). */
static void deliver_one(struct uppp_pptp_gre *g, const uint8_t *p, size_t len, uint64_t now)
{
    g->rx_expected++;
    g->st.rx_delivered++;
    note_delivered(g, now);
    g->cb.deliver(g->user, p, len);
}

/* Deliver waiting packets while the next expected one is there. */
static void drain(struct uppp_pptp_gre *g, uint64_t now)
{
    while (g->buffered) {
        struct slot *s = slot_of(g, g->rx_expected);
        if (!s->data || s->seq != g->rx_expected)
            return;
        uint8_t *data = s->data;
        s->data = NULL;
        g->buffered--;
        deliver_one(g, data, s->len, now);
        free(data);
    }
}

/* Give up the gap before the lowest waiting packet and deliver from there.
 * Returns 0 if nothing waits. */
static int skip_gap(struct uppp_pptp_gre *g, uint64_t now)
{
    if (!g->buffered)
        return 0;
    for (uint32_t d = 1; d < g->cfg.recv_window; d++) {
        struct slot *s = slot_of(g, g->rx_expected + d);
        if (s->data && s->seq == g->rx_expected + d) {
            g->st.rx_lost += d;
            g->rx_expected += d;
            drain(g, now);
            return 1;
        }
    }
    return 0;
}

/* Move rx_expected up to target, delivering what waits on the way and
 * counting what never came. */
static void advance_to(struct uppp_pptp_gre *g, uint32_t target, uint64_t now)
{
    while (sdiff(target, g->rx_expected) > 0) {
        struct slot *s = slot_of(g, g->rx_expected);
        if (s->data && s->seq == g->rx_expected) {
            drain(g, now);
        } else {
            g->rx_expected++;
            g->st.rx_lost++;
        }
    }
    drain(g, now);
}

static void flush_expired(struct uppp_pptp_gre *g, uint64_t now)
{
    for (;;) {
        uint64_t oldest = NEVER;
        for (size_t i = 0; i < g->cfg.recv_window; i++)
            if (g->slots[i].data && g->slots[i].arrival < oldest)
                oldest = g->slots[i].arrival;
        if (oldest == NEVER || oldest + g->cfg.reorder_timeout_ms > now)
            return;
        if (!skip_gap(g, now))
            return;
    }
}

static void data_packet(struct uppp_pptp_gre *g, uint32_t seq, const uint8_t *p, size_t len,
                        uint64_t now)
{
    if (!g->rx_started) {
        g->rx_started = 1;
        g->rx_expected = seq;
    }
    int32_t d = sdiff(seq, g->rx_expected);
    if (d < 0) {
        g->st.rx_stale++;
        return;
    }
    if ((uint32_t)d > g->cfg.missing_window) {
        /* Far ahead: forged, or a real jump after a long outage. Follow
         * only a run of consecutive ones. */
        g->over_run = g->over_run && seq == g->over_last + 1 ? g->over_run + 1 : 1;
        g->over_last = seq;
        if (g->over_run < UPPP_PPTP_GRE_RESYNC_RUN) {
            g->st.rx_overwin++;
            return;
        }
        g->st.rx_resyncs++;
        g->over_run = 0;
        for (size_t i = 0; i < g->cfg.recv_window; i++) {
            free(g->slots[i].data);
            g->slots[i].data = NULL;
        }
        g->buffered = 0;
        g->rx_expected = seq;
        d = 0;
    }
    g->over_run = 0;
    if (d >= (int32_t)g->cfg.recv_window) {
        /* Beyond the buffer: the gaps older than one window are lost (the
         * sender has moved on past them); move up until seq fits. */
        advance_to(g, seq - g->cfg.recv_window + 1, now);
        d = sdiff(seq, g->rx_expected);
    }
    if (d == 0) {
        deliver_one(g, p, len, now);
        drain(g, now);
        return;
    }
    struct slot *s = slot_of(g, seq);
    if (s->data) {
        g->st.rx_stale++; /* the same sequence number is already waiting */
        return;
    }
    s->data = malloc(len);
    if (!s->data) {
        g->st.rx_lost++; /* no memory: as if it never came */
        return;
    }
    memcpy(s->data, p, len);
    s->len = (uint16_t)len;
    s->seq = seq;
    s->arrival = now;
    g->buffered++;
    g->st.rx_buffered++;
    if (g->cfg.reorder_timeout_ms == 0)
        flush_expired(g, now);
}

int uppp_pptp_gre_recv(struct uppp_pptp_gre *g, const uint8_t *pkt, size_t len, uint64_t now)
{
    if (!g || !pkt)
        return UPPP_ERR_INVALID;
    struct uppp_gre_hdr h;
    int hl = uppp_gre_parse(pkt, len, &h);
    if (hl < 0) {
        g->st.rx_errors++;
        return hl;
    }
    if (h.call_id != g->cfg.call_id) {
        g->st.rx_bad_key++;
        return UPPP_ERR_PROTO;
    }
    if (h.payload_len > g->cfg.max_payload) {
        g->st.rx_errors++;
        return UPPP_ERR_PARSE;
    }
    if (h.has_ack) {
        /* Acks only move forward, and never past what we sent. */
        int32_t ahead = sdiff(h.ack, g->tx_acked);
        if (ahead > 0 && sdiff(h.ack, g->tx_next - 1) <= 0) {
            g->tx_acked = h.ack;
            if (uppp_pptp_gre_unacked(g) == 0)
                g->poke_due = NEVER;
        } else if (ahead > 0)
            g->st.rx_bad_ack++;
        if (!h.has_seq)
            g->st.rx_ack_only++;
    }
    if (h.has_seq)
        data_packet(g, h.seq, pkt + hl, h.payload_len, now);
    return 0;
}

/* -------------------------------------------------------------- timers */

uint64_t uppp_pptp_gre_next_timer(const struct uppp_pptp_gre *g)
{
    if (!g)
        return NEVER;
    uint64_t t = g->ack_pending ? g->ack_due : NEVER;
    if (g->poke_due < t)
        t = g->poke_due;
    for (size_t i = 0; i < g->cfg.recv_window; i++)
        if (g->slots[i].data && g->slots[i].arrival + g->cfg.reorder_timeout_ms < t)
            t = g->slots[i].arrival + g->cfg.reorder_timeout_ms;
    return t;
}

int uppp_pptp_gre_handle_timer(struct uppp_pptp_gre *g, uint64_t now)
{
    if (!g)
        return UPPP_ERR_INVALID;
    flush_expired(g, now);
    if (g->ack_pending && now >= g->ack_due) {
        send_packet(g, NULL, 0);
        g->st.tx_acks++;
    }
    if (now >= g->poke_due)
        poke(g, now);
    return 0;
}
