/*
 * Two uppp_sessions wired back to back in memory under a virtual clock.
 * Deterministic: randomness comes from a seeded generator, time only moves
 * when nothing is in flight (to the earlier of the two sessions' timers).
 * Frames can be impaired (dropped, duplicated, reordered, corrupted) from a
 * seed, and every byte put on the "wire" is kept for leak checks.
 * Header-only; include after testutil.h.
 */
#ifndef UPPP_SESSION_HARNESS_H
#define UPPP_SESSION_HARNESS_H

#include <uppp/session.h>
#include <uppp/err.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TH_MAX_QUEUE 4096
#define TH_MAX_FRAME 4200
#define TH_MAX_SECRETS 8

struct th_frame {
    size_t len;
    uint8_t data[TH_MAX_FRAME];
};

struct th_secret {
    char client[256], server[256];
    struct uppp_secret secret;
};

struct th_link;

struct th_end {
    struct th_link *link;
    int idx;
    struct uppp_session *s;
    struct uppp_config cfg;
    struct th_secret secrets[TH_MAX_SECRETS];
    int nsecrets;
    /* frames this end sent, waiting for the other end */
    struct th_frame *q;
    size_t qhead, qlen;
    /* delivered IP packets */
    unsigned delivered;
    uint8_t last[TH_MAX_FRAME];
    size_t last_len;
    uint16_t last_proto;
    /* the wire, as sent by this end */
    uint8_t *wire;
    size_t wire_len, wire_cap;
    int events[16];
    /* auth_request: when async_auth is set, the peer's response is kept
     * here (copied) and answered later by the test */
    int async_auth;
    int auth_requests;
    struct uppp_auth_request req;
    char req_name[256];
    uint8_t req_challenge[64], req_response[64];
    /* the last link parameters the session reported, and how often */
    struct uppp_link_params lparams;
    int link_calls;
    int log_debug;     /* print log lines to stdout */
    char logbuf[8192]; /* tail of the log, for asserts */
    size_t loglen;
    uint64_t rng;
};

struct th_link {
    uint64_t now;
    struct th_end a, b;
    /* impairment, percent per frame */
    int drop_pct, dup_pct, reorder_pct, corrupt_pct;
    uint64_t rng;
    unsigned dropped, duplicated, reordered, corrupted;
};

static inline uint64_t th_rand(uint64_t *st)
{
    /* xorshift64* */
    uint64_t x = *st ? *st : 0x9e3779b97f4a7c15ull;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *st = x;
    return x * 2685821657736338717ull;
}

static inline void th_output(void *user, const uint8_t *data, size_t len)
{
    struct th_end *e = user;
    if (e->wire_len + len > e->wire_cap) {
        size_t nc = (e->wire_cap ? e->wire_cap * 2 : 65536);
        while (nc < e->wire_len + len)
            nc *= 2;
        e->wire = realloc(e->wire, nc);
        assert_non_null(e->wire);
        e->wire_cap = nc;
    }
    memcpy(e->wire + e->wire_len, data, len);
    e->wire_len += len;
    if (len > TH_MAX_FRAME || e->qlen >= TH_MAX_QUEUE)
        return; /* the link is full: lost */
    struct th_frame *f = &e->q[(e->qhead + e->qlen) % TH_MAX_QUEUE];
    memcpy(f->data, data, len);
    f->len = len;
    e->qlen++;
}

static inline void th_deliver(void *user, uint16_t proto, const uint8_t *pkt, size_t len)
{
    struct th_end *e = user;
    e->delivered++;
    e->last_proto = proto;
    e->last_len = len < sizeof(e->last) ? len : sizeof(e->last);
    memcpy(e->last, pkt, e->last_len);
}

static inline void th_event(void *user, const struct uppp_event *ev)
{
    struct th_end *e = user;
    if ((unsigned)ev->type < 16)
        e->events[ev->type]++;
}

static inline void th_link_params(void *user, const struct uppp_link_params *p)
{
    struct th_end *e = user;
    e->lparams = *p;
    e->link_calls++;
}

static inline int th_auth_request(void *user, const struct uppp_auth_request *rq)
{
    struct th_end *e = user;
    if (!e->async_auth)
        return -1;
    e->auth_requests++;
    e->req = *rq;
    snprintf(e->req_name, sizeof(e->req_name), "%s", rq->name);
    e->req.name = e->req_name;
    e->req.user = NULL;
    size_t cl = rq->challenge_len < sizeof(e->req_challenge) ? rq->challenge_len : 0;
    size_t rl = rq->response_len < sizeof(e->req_response) ? rq->response_len : 0;
    if (cl != 0) /* PAP has no challenge (NULL) */
        memcpy(e->req_challenge, rq->challenge, cl);
    if (rl != 0)
        memcpy(e->req_response, rq->response, rl);
    e->req.challenge = e->req_challenge;
    e->req.response = e->req_response;
    return 0;
}

static inline int th_random(void *user, void *buf, size_t len)
{
    struct th_end *e = user;
    uint8_t *p = buf;
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)(th_rand(&e->rng) >> 32);
    return 0;
}

static inline int th_get_secret(void *user, const struct uppp_secret_query *q,
                                struct uppp_secret *out)
{
    struct th_end *e = user;
    for (int i = 0; i < e->nsecrets; i++) {
        struct th_secret *s = &e->secrets[i];
        if ((strcmp(s->client, "*") == 0 || strcmp(s->client, q->client) == 0) &&
            (strcmp(s->server, "*") == 0 || strcmp(s->server, q->server) == 0)) {
            *out = s->secret;
            return 0;
        }
    }
    return -1;
}

static inline void th_log(void *user, int level, const char *line)
{
    struct th_end *e = user;
    (void)level;
    if (e->log_debug)
        printf("[%c] %s\n", e->idx ? 'B' : 'A', line);
    size_t n = strlen(line);
    if (n + 2 > sizeof(e->logbuf))
        return;
    if (e->loglen + n + 2 > sizeof(e->logbuf)) {
        /* keep the newer half */
        size_t keep = sizeof(e->logbuf) / 2;
        memmove(e->logbuf, e->logbuf + e->loglen - keep, keep);
        e->loglen = keep;
    }
    memcpy(e->logbuf + e->loglen, line, n);
    e->loglen += n;
    e->logbuf[e->loglen++] = '\n';
    e->logbuf[e->loglen] = '\0';
}

static inline void th_add_secret(struct th_end *e, const char *client, const char *server,
                                 const char *password)
{
    assert_true(e->nsecrets < TH_MAX_SECRETS);
    struct th_secret *s = &e->secrets[e->nsecrets++];
    snprintf(s->client, sizeof(s->client), "%s", client);
    snprintf(s->server, sizeof(s->server), "%s", server);
    memset(&s->secret, 0, sizeof(s->secret));
    s->secret.kind = UPPP_SECRET_PASSWORD;
    snprintf(s->secret.password, sizeof(s->secret.password), "%s", password);
}

/* Prepare both ends with pppd's defaults and framing "none"; the test then
 * adjusts a.cfg / b.cfg and calls th_start(). */
static inline void th_init(struct th_link *l, uint64_t seed)
{
    memset(l, 0, sizeof(*l));
    l->now = 1;
    l->rng = seed ^ 0x5eed;
    struct th_end *ends[2] = {&l->a, &l->b};
    for (int i = 0; i < 2; i++) {
        struct th_end *e = ends[i];
        e->link = l;
        e->idx = i;
        e->rng = seed * 2 + (uint64_t)i + 1;
        e->q = calloc(TH_MAX_QUEUE, sizeof(struct th_frame));
        assert_non_null(e->q);
        uppp_config_init(&e->cfg);
        e->cfg.framing = UPPP_FRAMING_NONE;
        e->log_debug = getenv("TH_DEBUG") != NULL;
        e->cfg.debug = 1;
    }
    snprintf(l->a.cfg.our_name, sizeof(l->a.cfg.our_name), "alice");
    snprintf(l->b.cfg.our_name, sizeof(l->b.cfg.our_name), "bob");
    /* IPCP needs addresses: A is configured "10.0.0.1:10.0.0.2" and B
     * takes its address from A (noipdefault), as in the pppd captures. */
    l->a.cfg.ip_local = 0x0a000001;
    l->a.cfg.ip_remote = 0x0a000002;
}

static inline int th_create(struct th_end *e)
{
    struct uppp_callbacks cb = {
        .user = e,
        .output = th_output,
        .deliver = th_deliver,
        .event = th_event,
        .random = th_random,
        .get_secret = th_get_secret,
        .log = th_log,
        .link_params = th_link_params,
        .auth_request = th_auth_request,
    };
    return uppp_session_new(&e->s, &e->cfg, &cb);
}

static inline void th_start(struct th_link *l)
{
    assert_int_equal(th_create(&l->a), 0);
    assert_int_equal(th_create(&l->b), 0);
    assert_int_equal(uppp_session_start(l->a.s, l->now), 0);
    assert_int_equal(uppp_session_start(l->b.s, l->now), 0);
}

/* A frame as the harness carries it (framing none: [FF 03] protocol
 * information): its protocol in *proto and the offset of its information,
 * or 0 (and *proto 0) if it is too short to have one. */
static inline size_t th_frame_proto(const uint8_t *f, size_t len, uint16_t *proto)
{
    size_t off = 0;
    *proto = 0;
    if (len >= 2 && f[0] == 0xff && f[1] == 0x03)
        off = 2;
    if (off >= len)
        return 0;
    if (f[off] & 1) {
        *proto = f[off];
        return off + 1;
    }
    if (off + 2 > len)
        return 0;
    *proto = (uint16_t)(f[off] << 8 | f[off + 1]);
    return off + 2;
}

/* Take the frame at the head of e's queue (qlen > 0) off it: lost, or
 * read by the test itself. The pointer stays good until e sends again. */
static inline struct th_frame *th_pop(struct th_end *e)
{
    struct th_frame *f = &e->q[e->qhead];
    e->qhead = (e->qhead + 1) % TH_MAX_QUEUE;
    e->qlen--;
    return f;
}

/* Move one frame from `from`'s queue into `to`, with impairment. */
static inline void th_move_one(struct th_link *l, struct th_end *from, struct th_end *to)
{
    struct th_frame f = *th_pop(from);
    if (l->drop_pct && (int)(th_rand(&l->rng) % 100) < l->drop_pct) {
        l->dropped++;
        return;
    }
    if (l->reorder_pct && from->qlen > 0 && (int)(th_rand(&l->rng) % 100) < l->reorder_pct) {
        /* swap with the next frame in the queue: it overtakes this one */
        struct th_frame *next = &from->q[from->qhead];
        struct th_frame tmp = *next;
        *next = f;
        f = tmp;
        l->reordered++;
    }
    if (l->corrupt_pct && f.len > 0 && (int)(th_rand(&l->rng) % 100) < l->corrupt_pct) {
        size_t pos = th_rand(&l->rng) % f.len;
        f.data[pos] ^= (uint8_t)(1u << (th_rand(&l->rng) % 8));
        l->corrupted++;
    }
    int copies = 1;
    if (l->dup_pct && (int)(th_rand(&l->rng) % 100) < l->dup_pct) {
        copies = 2;
        l->duplicated++;
    }
    for (int i = 0; i < copies && !uppp_session_is_dead(to->s); i++)
        assert_true(uppp_session_input(to->s, f.data, f.len, l->now) >= 0);
}

/* With nothing in flight: move the clock to the earlier of the two
 * sessions' timers and fire both, if that is no later than `until`.
 * Returns 1 if it did, 0 if no timer is due by then. */
static inline int th_fire_timers(struct th_link *l, uint64_t until)
{
    uint64_t ta = uppp_session_next_timer(l->a.s);
    uint64_t tb = uppp_session_next_timer(l->b.s);
    uint64_t t = ta < tb ? ta : tb;
    if (t == UINT64_MAX || t > until)
        return 0;
    if (t > l->now)
        l->now = t;
    uppp_session_handle_timer(l->a.s, l->now);
    uppp_session_handle_timer(l->b.s, l->now);
    return 1;
}

/* Run until both queues are empty and no timer is due before `until`, or
 * until `stop(l)` says so. Returns the number of steps taken. */
static inline unsigned th_run(struct th_link *l, uint64_t until, int (*stop)(struct th_link *))
{
    unsigned steps = 0;
    while (steps < 2000000) {
        steps++;
        if (stop && stop(l))
            break;
        if (l->a.qlen) {
            th_move_one(l, &l->a, &l->b);
            continue;
        }
        if (l->b.qlen) {
            th_move_one(l, &l->b, &l->a);
            continue;
        }
        if (!th_fire_timers(l, until))
            break;
    }
    if (until != UINT64_MAX && l->now < until && !(stop && stop(l)))
        l->now = until;
    return steps;
}

static inline int th_both_running(struct th_link *l)
{
    struct uppp_status sa, sb;
    uppp_session_status(l->a.s, &sa);
    uppp_session_status(l->b.s, &sb);
    return sa.phase == UPPP_PHASE_RUNNING && sb.phase == UPPP_PHASE_RUNNING;
}

static inline int th_both_dead(struct th_link *l)
{
    return uppp_session_is_dead(l->a.s) && uppp_session_is_dead(l->b.s);
}

/* A minimal valid IPv4 packet of total length len (>= 28) carrying marker. */
static inline size_t th_make_ipv4(uint8_t *p, size_t len, uint32_t src, uint32_t dst,
                                  const char *marker, uint16_t seq)
{
    memset(p, 0, len);
    p[0] = 0x45;
    p[2] = (uint8_t)(len >> 8);
    p[3] = (uint8_t)len;
    p[4] = (uint8_t)(seq >> 8);
    p[5] = (uint8_t)seq;
    p[8] = 64;
    p[9] = 1; /* ICMP */
    p[12] = (uint8_t)(src >> 24), p[13] = (uint8_t)(src >> 16), p[14] = (uint8_t)(src >> 8),
    p[15] = (uint8_t)src;
    p[16] = (uint8_t)(dst >> 24), p[17] = (uint8_t)(dst >> 16), p[18] = (uint8_t)(dst >> 8),
    p[19] = (uint8_t)dst;
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    p[10] = (uint8_t)(~sum >> 8);
    p[11] = (uint8_t)~sum;
    p[20] = 8; /* echo request */
    size_t ml = marker ? strlen(marker) : 0;
    for (size_t i = 28; i < len; i++)
        p[i] = ml ? (uint8_t)marker[(i - 28) % ml] : (uint8_t)(i * 7 + seq);
    return len;
}

/* from sends the IP packet pkt (n octets); once the link has carried it,
 * to must have delivered exactly that packet, once. */
static inline void th_send_ip_arrives(struct th_link *l, struct th_end *from, struct th_end *to,
                                      const uint8_t *pkt, size_t n)
{
    unsigned before = to->delivered;
    assert_int_equal(uppp_session_send_ip(from->s, UPPP_PROTO_IP, pkt, n, l->now), 0);
    th_run(l, l->now, NULL);
    assert_int_equal(to->delivered, before + 1);
    assert_int_equal(to->last_len, n);
    assert_memory_equal(to->last, pkt, n);
}

/* Does the wire sent by e contain needle anywhere? */
static inline int th_wire_contains(const struct th_end *e, const char *needle)
{
    size_t n = strlen(needle);
    if (n == 0 || e->wire_len < n)
        return 0;
    for (size_t i = 0; i + n <= e->wire_len; i++)
        if (memcmp(e->wire + i, needle, n) == 0)
            return 1;
    return 0;
}

static inline void th_free(struct th_link *l)
{
    struct th_end *ends[2] = {&l->a, &l->b};
    for (int i = 0; i < 2; i++) {
        uppp_session_del(ends[i]->s);
        free(ends[i]->q);
        free(ends[i]->wire);
    }
}

#endif
