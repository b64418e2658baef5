/*
 * The RADIUS client's state machine (include/uppp/radius_client.h):
 * pending requests in a fixed table, an Identifier map per server,
 * retransmission and failover driven by the caller's clock.
 *
 * RFC 2865 section 3 and RFC 5080 section 2.2.1: a retransmission to the
 * same server keeps the Identifier and the Request Authenticator (the
 * packet is re-encoded to the same octets); a move to another server is a
 * new request there. Identifiers are allocated per server, round robin,
 * so a late answer to an abandoned request is unlikely to match a new one.
 */
#include <uppp/radius_client.h>
#include <uppp/err.h>

#include "crypto.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct slot {
    int used;
    uint64_t handle;
    size_t server;  /* where it is now */
    size_t tried;   /* servers tried so far, this one included */
    unsigned sends; /* sends to this server */
    uint64_t deadline;
    int placed; /* id is marked on server */
    uint8_t id;
    uint8_t auth[16];
    struct uppp_radius_req req;
};

struct uppp_radius_client {
    struct uppp_radius_client_config cfg;
    struct uppp_radius_client_callbacks cb;
    struct uppp_radius_client_stats st;
    size_t preferred; /* the server that answered last */
    size_t npending;
    int all_down_logged;
    uint8_t next_id[UPPP_RADIUS_MAX_SERVERS];
    uint8_t id_used[UPPP_RADIUS_MAX_SERVERS][32];
    uint8_t pkt[UPPP_RADIUS_MAX_PACKET];
    struct uppp_radius_reply reply;
    struct slot *slots;
};

static void logf_(struct uppp_radius_client *c, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void logf_(struct uppp_radius_client *c, int level, const char *fmt, ...)
{
    if (c->cb.log == NULL)
        return;
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    c->cb.log(c->cb.user, level, line);
}

int uppp_radius_client_new(struct uppp_radius_client **out,
                           const struct uppp_radius_client_config *cfg,
                           const struct uppp_radius_client_callbacks *cb)
{
    if (out == NULL || cfg == NULL || cb == NULL || cb->random == NULL || cb->send == NULL ||
        cb->done == NULL || cfg->nservers == 0 || cfg->nservers > UPPP_RADIUS_MAX_SERVERS ||
        cfg->max_pending > UPPP_RADIUS_MAX_PENDING)
        return UPPP_ERR_INVALID;
    for (size_t i = 0; i < cfg->nservers; i++)
        if (cfg->servers[i].secret_len == 0 || cfg->servers[i].secret_len > UPPP_RADIUS_SECRET_MAX)
            return UPPP_ERR_INVALID;
    struct uppp_radius_client *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return UPPP_ERR_NOMEM;
    c->cfg = *cfg;
    c->cb = *cb;
    if (c->cfg.timeout_ms == 0)
        c->cfg.timeout_ms = 10000;
    if (c->cfg.tries == 0)
        c->cfg.tries = 3;
    if (c->cfg.max_pending == 0)
        c->cfg.max_pending = UPPP_RADIUS_MAX_PENDING;
    c->slots = calloc(c->cfg.max_pending, sizeof(*c->slots));
    if (c->slots == NULL) {
        uppp_radius_client_del(c);
        return UPPP_ERR_NOMEM;
    }
    *out = c;
    return 0;
}

void uppp_radius_client_del(struct uppp_radius_client *c)
{
    if (c == NULL)
        return;
    if (c->slots != NULL) {
        uppp_memzero(c->slots, c->cfg.max_pending * sizeof(*c->slots));
        free(c->slots);
    }
    uppp_memzero(c, sizeof(*c));
    free(c);
}

static void id_mark(struct uppp_radius_client *c, size_t server, uint8_t id, int used)
{
    if (used)
        c->id_used[server][id >> 3] |= (uint8_t)(1u << (id & 7));
    else
        c->id_used[server][id >> 3] &= (uint8_t) ~(1u << (id & 7));
}

static int id_taken(const struct uppp_radius_client *c, size_t server, uint8_t id)
{
    return c->id_used[server][id >> 3] >> (id & 7) & 1;
}

static void release(struct uppp_radius_client *c, struct slot *sl)
{
    if (sl->placed)
        id_mark(c, sl->server, sl->id, 0);
    uppp_memzero(sl, sizeof(*sl));
    c->npending--;
}

/* Encode the slot's request for its server and send it. */
static int transmit(struct uppp_radius_client *c, struct slot *sl)
{
    const uint8_t *secret = c->cfg.servers[sl->server].secret;
    size_t slen = c->cfg.servers[sl->server].secret_len;
    int n = uppp_radius_encode(&sl->req, sl->id, sl->auth, secret, slen, c->pkt, sizeof(c->pkt));
    if (n < 0)
        return n;
    c->cb.send(c->cb.user, sl->server, c->pkt, (size_t)n);
    c->st.sent++;
    return 0;
}

/* Move the slot to `server`: a fresh Identifier and authenticator there.
 * max_pending <= 256 leaves a free Identifier on every server. */
static int place(struct uppp_radius_client *c, struct slot *sl, size_t server, uint64_t now)
{
    uint8_t id = c->next_id[server];
    while (id_taken(c, server, id))
        id++;
    c->next_id[server] = (uint8_t)(id + 1);
    if (c->cb.random(c->cb.user, sl->auth, sizeof(sl->auth)) != 0)
        return UPPP_ERR_RANDOM;
    sl->server = server;
    sl->id = id;
    sl->sends = 1;
    sl->deadline = now + c->cfg.timeout_ms;
    sl->placed = 1;
    id_mark(c, server, id, 1);
    return transmit(c, sl);
}

int uppp_radius_client_submit(struct uppp_radius_client *c, const struct uppp_radius_req *req,
                              uint64_t handle, uint64_t now)
{
    if (c == NULL || req == NULL)
        return UPPP_ERR_INVALID;
    if (c->npending >= c->cfg.max_pending)
        return UPPP_ERR_LIMIT;
    struct slot *sl = NULL;
    for (size_t i = 0; i < c->cfg.max_pending && sl == NULL; i++)
        if (!c->slots[i].used)
            sl = &c->slots[i];
    sl->used = 1;
    sl->handle = handle;
    sl->req = *req;
    sl->tried = 1;
    c->npending++;
    int rc = place(c, sl, c->preferred, now);
    if (rc != 0)
        release(c, sl);
    return rc;
}

int uppp_radius_client_cancel(struct uppp_radius_client *c, uint64_t handle)
{
    if (c == NULL)
        return UPPP_ERR_INVALID;
    int found = 0;
    for (size_t i = 0; i < c->cfg.max_pending; i++)
        if (c->slots[i].used && c->slots[i].handle == handle) {
            release(c, &c->slots[i]);
            found = 1;
        }
    return found ? 0 : UPPP_ERR_NO_REQUEST;
}

int uppp_radius_client_input(struct uppp_radius_client *c, size_t server, const uint8_t *pkt,
                             size_t len, uint64_t now)
{
    (void)now;
    if (c == NULL || server >= c->cfg.nservers)
        return UPPP_ERR_INVALID;
    size_t plen;
    if (uppp_radius_check_framing(pkt, len, &plen) != 0) {
        c->st.dropped_malformed++;
        logf_(c, 4, "radius: malformed datagram from server %zu dropped (%zu octets)", server, len);
        return UPPP_ERR_PARSE;
    }
    struct slot *sl = NULL;
    for (size_t i = 0; i < c->cfg.max_pending && sl == NULL; i++)
        if (c->slots[i].used && c->slots[i].server == server && c->slots[i].id == pkt[1])
            sl = &c->slots[i];
    int expected = 0;
    if (sl != NULL) {
        uint8_t q = sl->req.code;
        uint8_t r = pkt[0];
        expected = q == UPPP_RADIUS_ACCOUNTING_REQUEST
                       ? r == UPPP_RADIUS_ACCOUNTING_RESPONSE
                       : (r == UPPP_RADIUS_ACCESS_ACCEPT || r == UPPP_RADIUS_ACCESS_REJECT ||
                          r == UPPP_RADIUS_ACCESS_CHALLENGE);
    }
    if (!expected) {
        c->st.dropped_unknown++;
        logf_(c, 6, "radius: %s id %u from server %zu matches no request: dropped",
              uppp_radius_code_name(pkt[0]), pkt[1], server);
        return UPPP_ERR_NO_REQUEST;
    }
    const uint8_t *secret = c->cfg.servers[server].secret;
    size_t slen = c->cfg.servers[server].secret_len;
    int rc = uppp_radius_verify_response(pkt, plen, sl->auth, secret, slen, 1);
    if (rc == UPPP_ERR_AUTH && c->cfg.allow_no_ma &&
        uppp_radius_verify_response(pkt, plen, sl->auth, secret, slen, 0) == 0)
        rc = 0;
    if (rc != 0) {
        int no_ma = rc == UPPP_ERR_AUTH &&
                    uppp_radius_verify_response(pkt, plen, sl->auth, secret, slen, 0) == 0;
        if (no_ma)
            c->st.dropped_no_ma++;
        else
            c->st.dropped_bad_auth++;
        logf_(c, 4, "radius: %s id %u from server %zu dropped: %s", uppp_radius_code_name(pkt[0]),
              pkt[1], server,
              no_ma ? "no Message-Authenticator (required against Blast-RADIUS; see "
                      "radius-allow-no-message-authenticator)"
              : rc == UPPP_ERR_AUTH ? "bad authenticator (wrong secret or forged)"
                                    : "malformed Message-Authenticator");
        return rc == UPPP_ERR_PARSE ? UPPP_ERR_PARSE : UPPP_ERR_AUTH;
    }
    uppp_radius_reply_decode(pkt, plen, sl->auth, secret, slen, &c->reply);
    uint64_t handle = sl->handle;
    c->preferred = server;
    c->all_down_logged = 0;
    release(c, sl);
    c->cb.done(c->cb.user, handle, 0, &c->reply);
    uppp_radius_reply_wipe(&c->reply);
    return 0;
}

uint64_t uppp_radius_client_next_timer(const struct uppp_radius_client *c)
{
    uint64_t t = UINT64_MAX;
    if (c == NULL)
        return t;
    for (size_t i = 0; i < c->cfg.max_pending; i++)
        if (c->slots[i].used && c->slots[i].deadline < t)
            t = c->slots[i].deadline;
    return t;
}

int uppp_radius_client_handle_timer(struct uppp_radius_client *c, uint64_t now)
{
    if (c == NULL)
        return UPPP_ERR_INVALID;
    for (size_t i = 0; i < c->cfg.max_pending; i++) {
        struct slot *sl = &c->slots[i];
        if (!sl->used || sl->deadline > now)
            continue;
        if (sl->sends < c->cfg.tries) {
            sl->sends++;
            sl->deadline = now + c->cfg.timeout_ms;
            c->st.retransmits++;
            if (transmit(c, sl) == 0)
                continue;
        } else if (sl->tried < c->cfg.nservers) {
            size_t next = (sl->server + 1) % c->cfg.nservers;
            logf_(c, 5, "radius: server %zu did not answer, trying server %zu", sl->server, next);
            id_mark(c, sl->server, sl->id, 0);
            sl->placed = 0;
            sl->tried++;
            c->st.failovers++;
            c->preferred = next;
            if (place(c, sl, next, now) == 0)
                continue;
        }
        /* Every server had its tries (or encoding failed): give up. */
        uint64_t handle = sl->handle;
        c->st.timeouts++;
        if (!c->all_down_logged)
            logf_(c, 3,
                  "radius: no RADIUS server answered (%zu servers, %u tries each, %u ms "
                  "apart): its requests fail until one answers",
                  c->cfg.nservers, c->cfg.tries, (unsigned)c->cfg.timeout_ms);
        c->all_down_logged = 1;
        release(c, sl);
        c->cb.done(c->cb.user, handle, UPPP_ERR_TIMEOUT, NULL);
    }
    return 0;
}

size_t uppp_radius_client_pending(const struct uppp_radius_client *c)
{
    return c ? c->npending : 0;
}

void uppp_radius_client_get_stats(const struct uppp_radius_client *c,
                                  struct uppp_radius_client_stats *st)
{
    if (c != NULL && st != NULL)
        *st = c->st;
}
