/*
 * IPV6CP, the IPv6 Control Protocol (RFC 5072), run by the shared RFC 1661
 * automaton. Debian's pppd opens it by default, so we negotiate it too.
 *
 * Interface-Identifier (section 4.1): each side proposes the 64-bit
 * identifier of its link-local address fe80::/64. Unless one is configured,
 * ours is drawn at random (non-zero) for every negotiation, as pppd does.
 * Comparing the peer's request with our own tentative identifier:
 *  - zero, ours non-zero: Nak with a non-zero identifier for the peer;
 *  - different and non-zero: Ack;
 *  - equal and non-zero (a collision): Nak with a new, different one;
 *  - both zero: Reject, no unique identifier can be chosen.
 * A Nak of ours carries the identifier the peer suggests: we take it,
 * unless it is zero or the one we suggested to the peer (which would
 * collide), in which case we draw a new one.
 * Like pppd, we first suggest a configured remote identifier, and Nak once
 * with one when the peer's request lacks the option.
 *
 * IPv6-Compression-Protocol (4.2) is not implemented and is Rejected.
 */
#include "ppp.h"

#include <stdio.h>
#include <string.h>

/* pppd's form of a link-local address: fe80:: and four zero-padded groups
 * ("fe80::f5d4:f7e8:879f:0d95", as in the captures). */
struct llstr {
    char s[32];
};

static struct llstr ll_str(uint64_t id)
{
    struct llstr b;
    snprintf(b.s, sizeof(b.s), "fe80::%04x:%04x:%04x:%04x", (unsigned)(id >> 48) & 0xffff,
             (unsigned)(id >> 32) & 0xffff, (unsigned)(id >> 16) & 0xffff, (unsigned)id & 0xffff);
    return b;
}

static uint64_t get64(const uint8_t *p)
{
    return (uint64_t)uppp_get32(p) << 32 | uppp_get32(p + 4);
}

static void put64(uint8_t *p, uint64_t v)
{
    uppp_put32(p, (uint32_t)(v >> 32));
    uppp_put32(p + 4, (uint32_t)v);
}

/* A random identifier that is neither zero nor a nor b. The draws are
 * bounded, so a failing or constant random source cannot hang us: then a
 * fixed sequence takes over, which also avoids zero, a and b. */
static uint64_t new_id(struct uppp_session *s, uint64_t a, uint64_t b)
{
    uint64_t id = 0;
    for (int tries = 0; tries < 8; tries++) {
        if (uppp_random(s, &id, sizeof(id)) != 0)
            break;
        if (id != 0 && id != a && id != b)
            return id;
    }
    id = 0x0200000000000001ull ^ (s->now * 0x9e3779b97f4a7c15ull);
    while (id == 0 || id == a || id == b)
        id++;
    return id;
}

static size_t put_id_opt(uint8_t *p, uint64_t id)
{
    p[0] = UPPP_IPV6CP_OPT_IFACEID;
    p[1] = UPPP_IPV6CP_IFACEID_LEN;
    put64(p + 2, id);
    return UPPP_IPV6CP_IFACEID_LEN;
}

static void ipv6cp_resetci(struct uppp_fsm *f)
{
    struct uppp_session *s = uppp_fsm_session(f);
    struct uppp_ipv6cp *v = &s->ipv6cp;
    v->neg_id = 1;
    v->want_id = v->cfg_local != 0 ? v->cfg_local : new_id(s, 0, 0);
    v->suggested = 0;
    v->req_id = 1;
    v->his_neg_id = 0;
    v->his_id = 0;
}

static size_t ipv6cp_addci(struct uppp_fsm *f, uint8_t *p, size_t cap)
{
    const struct uppp_ipv6cp *v = &uppp_fsm_session(f)->ipv6cp;
    if (!v->neg_id || cap < UPPP_IPV6CP_IFACEID_LEN)
        return 0;
    return put_id_opt(p, v->want_id);
}

static int ipv6cp_ackci(struct uppp_fsm *f, const uint8_t *p, size_t len)
{
    uint8_t mine[UPPP_IPV6CP_IFACEID_LEN];
    size_t n = ipv6cp_addci(f, mine, sizeof(mine));
    return n == len && memcmp(mine, p, len) == 0;
}

/* Next well-formed option at *off, or NULL at the end (*bad set when an
 * option's length is impossible). */
static const uint8_t *next_opt(const uint8_t *p, size_t len, size_t *off, int *bad)
{
    if (*off >= len)
        return NULL;
    if (len - *off < 2 || p[*off + 1] < 2 || p[*off + 1] > len - *off) {
        *bad = 1;
        return NULL;
    }
    const uint8_t *o = p + *off;
    *off += o[1];
    return o;
}

static int ipv6cp_nakci(struct uppp_fsm *f, const uint8_t *p, size_t len)
{
    struct uppp_session *s = uppp_fsm_session(f);
    struct uppp_ipv6cp *v = &s->ipv6cp;
    int seen = 0, bad = 0, neg = v->neg_id;
    uint64_t want = v->want_id;
    size_t off = 0;
    const uint8_t *o;
    while ((o = next_opt(p, len, &off, &bad)) != NULL) {
        if (o[0] == UPPP_IPV6CP_OPT_IFACEID) {
            if (o[1] != UPPP_IPV6CP_IFACEID_LEN || seen)
                return 0;
            seen = 1;
            /* RFC 5072 4.1: use the identifier the peer suggests (even
             * for an option we did not send: the peer wants it), but
             * never zero nor the one we gave the peer. */
            want = get64(o + 2);
            if (want == 0 || want == v->suggested)
                want = new_id(s, v->suggested, 0);
            neg = 1;
        } else if (o[0] == UPPP_IPV6CP_OPT_COMP && o[1] < 4) {
            return 0;
        }
        /* Compression and unknown suggestions: not taken. */
    }
    if (bad)
        return 0;
    v->neg_id = neg;
    v->want_id = want;
    return 1;
}

static int ipv6cp_rejci(struct uppp_fsm *f, const uint8_t *p, size_t len)
{
    struct uppp_ipv6cp *v = &uppp_fsm_session(f)->ipv6cp;
    int neg = v->neg_id, bad = 0;
    size_t off = 0;
    const uint8_t *o;
    while ((o = next_opt(p, len, &off, &bad)) != NULL) {
        /* RFC 1661 5.4: only what we sent, unchanged. */
        if (o[0] != UPPP_IPV6CP_OPT_IFACEID || o[1] != UPPP_IPV6CP_IFACEID_LEN || !neg ||
            get64(o + 2) != v->want_id)
            return 0;
        neg = 0;
    }
    if (bad)
        return 0;
    v->neg_id = neg;
    return 1;
}

/* RFC 5072 4.1: judge the peer's identifier against our tentative one.
 * Returns UPPP_CONFACK, UPPP_CONFREJ, or UPPP_CONFNAK with *sug set. */
static int judge_id(struct uppp_session *s, uint64_t id, uint64_t *sug)
{
    struct uppp_ipv6cp *v = &s->ipv6cp;
    if (id == 0 && v->want_id == 0)
        return UPPP_CONFREJ; /* both zero: no unique identifier possible */
    if (v->cfg_remote != 0 && v->cfg_remote != v->want_id && id != v->cfg_remote &&
        v->suggested == 0) {
        /* First, propose the identifier configured for the peer (pppd). */
        *sug = v->suggested = v->cfg_remote;
        return UPPP_CONFNAK;
    }
    if (id == 0 || id == v->want_id) {
        /* Zero, or a collision with ours: suggest a non-zero one that
         * differs from ours. */
        uint64_t c = v->suggested == 0 ? v->cfg_remote : 0;
        if (c == 0 || c == v->want_id)
            c = new_id(s, v->want_id, id);
        *sug = v->suggested = c;
        return UPPP_CONFNAK;
    }
    return UPPP_CONFACK;
}

static int ipv6cp_reqci(struct uppp_fsm *f, const uint8_t *p, size_t len, uint8_t *out,
                        size_t *outlen, int reject_if_disagree)
{
    struct uppp_session *s = uppp_fsm_session(f);
    struct uppp_ipv6cp *v = &s->ipv6cp;
    uint8_t nak[UPPP_FSM_MAX_OPTS], rej[UPPP_FSM_MAX_OPTS];
    size_t nnak = 0, nrej = 0;
    v->his_neg_id = 0;
    v->his_id = 0;
    size_t off = 0;
    while (off < len) {
        const uint8_t *o = p + off;
        size_t olen = len - off >= 2 ? o[1] : 0;
        if (olen < 2 || olen > len - off) {
            uppp_cp_opt_append(rej, &nrej, o, len - off); /* malformed: reject the rest */
            break;
        }
        off += olen;
        uint8_t sug[UPPP_IPV6CP_IFACEID_LEN];
        int verdict = UPPP_CONFREJ; /* compression (4.2), unknown */
        if (o[0] == UPPP_IPV6CP_OPT_IFACEID && olen == UPPP_IPV6CP_IFACEID_LEN && !v->his_neg_id) {
            uint64_t id = get64(o + 2), alt = 0;
            verdict = judge_id(s, id, &alt);
            if (verdict == UPPP_CONFNAK)
                put_id_opt(sug, alt);
            if (verdict != UPPP_CONFREJ) {
                v->his_neg_id = 1;
                v->his_id = id;
            }
        }
        if (verdict == UPPP_CONFNAK && reject_if_disagree)
            verdict = UPPP_CONFREJ;
        if (verdict == UPPP_CONFNAK)
            uppp_cp_opt_append(nak, &nnak, sug, sizeof(sug));
        else if (verdict == UPPP_CONFREJ)
            uppp_cp_opt_append(rej, &nrej, o, olen);
    }
    /* No Interface-Identifier: Nak once with one for the peer. pppd sends
     * its configured one even when that is zero; we send a usable one. */
    if (nrej == 0 && !v->his_neg_id && v->req_id && !reject_if_disagree) {
        if (nnak == 0)
            v->req_id = 0;
        uint64_t c = v->cfg_remote != 0 && v->cfg_remote != v->want_id ? v->cfg_remote
                                                                       : new_id(s, v->want_id, 0);
        v->suggested = c;
        uint8_t sug[UPPP_IPV6CP_IFACEID_LEN];
        uppp_cp_opt_append(nak, &nnak, sug, put_id_opt(sug, c));
    }
    return uppp_cp_reply(rej, nrej, nak, nnak, out, outlen);
}

static void ipv6cp_refuse(struct uppp_session *s, const char *why)
{
    struct uppp_ipv6cp *v = &s->ipv6cp;
    snprintf(v->why, sizeof(v->why), "%s", why);
    uppp_log(s, UPPP_LOG_ERR, "%s", why);
    v->fsm.failed = 1;
    uppp_fsm_close(&v->fsm, why, s->now);
}

static void ipv6cp_up(struct uppp_fsm *f)
{
    struct uppp_session *s = uppp_fsm_session(f);
    struct uppp_ipv6cp *v = &s->ipv6cp;
    uint64_t his = v->his_neg_id ? v->his_id : v->cfg_remote;
    /* Both ends need a distinct, non-zero identifier (pppd ipv6cp_up). */
    if (his == 0) {
        ipv6cp_refuse(s, "Could not determine remote LL address");
        return;
    }
    if (v->want_id == 0) {
        ipv6cp_refuse(s, "Could not determine local LL address");
        return;
    }
    if (v->want_id == his) {
        ipv6cp_refuse(s, "local and remote LL addresses are equal");
        return;
    }
    v->local = v->want_id;
    v->remote = his;
    uppp_log(s, UPPP_LOG_NOTICE, "local  LL address %s", ll_str(v->local).s);
    uppp_log(s, UPPP_LOG_NOTICE, "remote LL address %s", ll_str(v->remote).s);
    v->up = 1;
    v->was_up = 1;
    uppp_ncp_post(s, f, 1);
}

static void ipv6cp_down(struct uppp_fsm *f)
{
    struct uppp_session *s = uppp_fsm_session(f);
    struct uppp_ipv6cp *v = &s->ipv6cp;
    if (!v->up)
        return;
    v->up = 0;
    v->local = v->remote = 0;
    uppp_ncp_post(s, f, 0);
}

static void ipv6cp_starting(struct uppp_fsm *f)
{
    struct uppp_ipv6cp *v = &uppp_fsm_session(f)->ipv6cp;
    v->open = 1;
    v->why[0] = '\0';
}

static void ipv6cp_finished(struct uppp_fsm *f)
{
    struct uppp_session *s = uppp_fsm_session(f);
    s->ipv6cp.open = 0;
    uppp_ncp_post_finished(s, f, s->ipv6cp.why);
}

static const struct uppp_fsm_ops ipv6cp_ops = {
    .name = "IPV6CP",
    .proto = UPPP_PROTO_IPV6CP,
    .resetci = ipv6cp_resetci,
    .addci = ipv6cp_addci,
    .ackci = ipv6cp_ackci,
    .nakci = ipv6cp_nakci,
    .rejci = ipv6cp_rejci,
    .reqci = ipv6cp_reqci,
    .up = ipv6cp_up,
    .down = ipv6cp_down,
    .starting = ipv6cp_starting,
    .finished = ipv6cp_finished,
};

void uppp_ipv6cp_init(struct uppp_session *s)
{
    struct uppp_ipv6cp *v = &s->ipv6cp;
    uppp_fsm_init(&v->fsm, &ipv6cp_ops, uppp_cp_send, s);
    uppp_fsm_configure(s, &v->fsm);
    v->cfg_local = s->cfg.ipv6_local;
    v->cfg_remote = s->cfg.ipv6_remote;
}

void uppp_ipv6cp_free(struct uppp_session *s)
{
    (void)s;
}

int uppp_ipv6cp_is_open(const struct uppp_session *s)
{
    return s->ipv6cp.open;
}

int uppp_ipv6cp_was_up(const struct uppp_session *s)
{
    return s->ipv6cp.was_up;
}
