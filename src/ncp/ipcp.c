/*
 * IPCP, the IP Control Protocol (RFC 1332), with the DNS server options of
 * RFC 1877, run by the shared RFC 1661 automaton.
 *
 * Addresses follow pppd 2.4.9 (ipcp.c), which is what our peers are:
 *  - "local:remote" configures both addresses. With no local address
 *    (noipdefault) we request 0.0.0.0, which RFC 1332 section 3.3 defines
 *    as "please assign me one", and take the address the peer Naks with.
 *  - ipcp-accept-local / ipcp-accept-remote: take the peer's idea of our
 *    own / of its address even when one is configured.
 *  - A peer asking for 0.0.0.0 (or for an address we do not accept) is
 *    Naked with the address we have for it; when we have none, the option
 *    is Rejected. A request without IP-Address is Naked once with ours.
 *  - The peer's address must pass the check_addr callback (pppd's
 *    auth_ip_addr). We Nak a disallowed address when we have an
 *    alternative; when IPCP opens with one anyway, we refuse to run it.
 *  - When nobody knows the peer's address, pppd 2.4.9 defaults it to
 *    10.64.64.64 with a warning, and the side that has no address of its
 *    own fails ("Could not determine local IP address"). pppd 2.5.0 added
 *    "Peer refused to agree to his IP address" (commit 9fe8923, after
 *    2.4.9); we keep 2.4.9's behaviour.
 *
 * RFC 1877: we give our DNS servers to a peer that asks (section 1.1/1.3:
 * a request for 0.0.0.0 is Naked with the address) and Reject the option
 * when we have none; with use_peer_dns we ask for them, and drop the
 * request if it is Rejected. NBNS (WINS) options are Rejected.
 *
 * VJ TCP/IP header compression (section 3.2) is not implemented: the
 * option is Rejected, and never requested. IP-Addresses (3.1, deprecated in
 * favour of 3.3) is Rejected too.
 */
#include "ppp.h"

#include <stdio.h>
#include <string.h>

/* Dotted quad; 16 octets hold "255.255.255.255". */
struct ipstr {
    char s[20];
};

static struct ipstr ip_str(uint32_t a)
{
    struct ipstr b;
    snprintf(b.s, sizeof(b.s), "%u.%u.%u.%u", (unsigned)(a >> 24) & 0xff,
             (unsigned)(a >> 16) & 0xff, (unsigned)(a >> 8) & 0xff, (unsigned)a & 0xff);
    return b;
}

/* May the peer use this address? (the session's address restrictions) */
static int addr_allowed(struct uppp_session *s, uint32_t addr)
{
    if (s->cb.check_addr == NULL)
        return 1;
    return s->cb.check_addr(s->cb.user, s->stats.peer_name, addr) != 0;
}

static size_t put_addr_opt(uint8_t *p, uint8_t type, uint32_t addr)
{
    p[0] = type;
    p[1] = UPPP_IPCP_ADDR_LEN;
    uppp_put32(p + 2, addr);
    return UPPP_IPCP_ADDR_LEN;
}

static int dns_index(uint8_t type)
{
    return type == UPPP_IPCP_OPT_DNS2;
}

static void ipcp_resetci(struct uppp_fsm *f)
{
    struct uppp_session *s = uppp_fsm_session(f);
    struct uppp_ipcp *i = &s->ipcp;
    memset(&i->want, 0, sizeof(i->want));
    i->want.neg_addr = 1;
    /* pppd asks for the address it opened with last time, unless it was
     * told to let the peer choose (noipdefault). */
    i->want.addr = s->cfg.ip_local != 0 ? i->ouraddr : 0;
    i->want.req_dns[0] = i->want.req_dns[1] = s->cfg.use_peer_dns;
    i->req_addr = 1;
    i->his_neg_addr = 0;
    i->his_addr = 0;
}

static size_t ipcp_addci(struct uppp_fsm *f, uint8_t *p, size_t cap)
{
    const struct uppp_ipcp_opts *w = &uppp_fsm_session(f)->ipcp.want;
    size_t n = 0;
    if (cap < 3 * UPPP_IPCP_ADDR_LEN)
        return 0;
    if (w->neg_addr)
        n += put_addr_opt(p + n, UPPP_IPCP_OPT_ADDR, w->addr);
    if (w->req_dns[0])
        n += put_addr_opt(p + n, UPPP_IPCP_OPT_DNS1, w->dns[0]);
    if (w->req_dns[1])
        n += put_addr_opt(p + n, UPPP_IPCP_OPT_DNS2, w->dns[1]);
    return n;
}

static int ipcp_ackci(struct uppp_fsm *f, const uint8_t *p, size_t len)
{
    uint8_t mine[3 * UPPP_IPCP_ADDR_LEN];
    size_t n = ipcp_addci(f, mine, sizeof(mine));
    /* RFC 1661 5.2: the Ack lists our options exactly, in order. */
    return n == len && memcmp(mine, p, len) == 0;
}

/* Next well-formed option at *off, or NULL at the end. Sets *bad when an
 * option's length is impossible. */
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

static int ipcp_nakci(struct uppp_fsm *f, const uint8_t *p, size_t len)
{
    struct uppp_ipcp *i = &uppp_fsm_session(f)->ipcp;
    struct uppp_ipcp_opts next = i->want;
    int seen_addr = 0, seen_dns[2] = {0, 0}, bad = 0;
    size_t off = 0;
    const uint8_t *o;
    while ((o = next_opt(p, len, &off, &bad)) != NULL) {
        size_t olen = o[1];
        switch (o[0]) {
        case UPPP_IPCP_OPT_ADDR: {
            if (olen != UPPP_IPCP_ADDR_LEN || seen_addr)
                return 0;
            seen_addr = 1;
            /* RFC 1332 3.3: the Nak carries the address the peer would
             * have us use. Taken only when we may (pppd's accept_local),
             * and never 0.0.0.0. */
            uint32_t a = uppp_get32(o + 2);
            if (a != 0 && i->accept_local)
                next.addr = a;
            /* An IP-Address we did not send: the peer wants us to send
             * one; pppd complies when it has an address to send. */
            if (!i->want.neg_addr && next.addr != 0)
                next.neg_addr = 1;
            break;
        }
        case UPPP_IPCP_OPT_DNS1:
        case UPPP_IPCP_OPT_DNS2: {
            int d = dns_index(o[0]);
            if (olen != UPPP_IPCP_ADDR_LEN || seen_dns[d])
                return 0;
            seen_dns[d] = 1;
            /* RFC 1877: the Nak carries the server address. A suggestion
             * of an option we did not request is taken too, as pppd does
             * ("some peers get huffy if we don't"). */
            next.dns[d] = uppp_get32(o + 2);
            next.req_dns[d] = 1;
            break;
        }
        case UPPP_IPCP_OPT_COMP:
            if (olen != 4 && olen != 6)
                return 0;
            break; /* asks us to request VJ: we will not */
        case UPPP_IPCP_OPT_ADDRS:
            if (olen != 10)
                return 0;
            break; /* the deprecated form: we keep to IP-Address */
        default:
            break; /* suggestions we do not take (NBNS, unknown) */
        }
    }
    if (bad)
        return 0;
    i->want = next;
    return 1;
}

static int ipcp_rejci(struct uppp_fsm *f, const uint8_t *p, size_t len)
{
    struct uppp_ipcp *i = &uppp_fsm_session(f)->ipcp;
    struct uppp_ipcp_opts next = i->want;
    int bad = 0;
    size_t off = 0;
    const uint8_t *o;
    /* RFC 1661 5.4: a Reject lists options we sent, values unchanged;
     * anything else makes it bogus. */
    while ((o = next_opt(p, len, &off, &bad)) != NULL) {
        if (o[1] != UPPP_IPCP_ADDR_LEN)
            return 0;
        uint32_t v = uppp_get32(o + 2);
        switch (o[0]) {
        case UPPP_IPCP_OPT_ADDR:
            if (!next.neg_addr || v != next.addr)
                return 0;
            next.neg_addr = 0;
            break;
        case UPPP_IPCP_OPT_DNS1:
        case UPPP_IPCP_OPT_DNS2: {
            int d = dns_index(o[0]);
            if (!next.req_dns[d] || v != next.dns[d])
                return 0;
            next.req_dns[d] = 0;
            break;
        }
        default:
            return 0;
        }
    }
    if (bad)
        return 0;
    i->want = next;
    return 1;
}

/* Judge the peer's IP-Address option: UPPP_CONFACK, or UPPP_CONFNAK with
 * the address to suggest in *sug, or UPPP_CONFREJ. pppd 2.4.9's rules. */
static int judge_addr(struct uppp_session *s, uint32_t a, uint32_t *sug)
{
    struct uppp_ipcp *i = &s->ipcp;
    if (a != i->hisaddr &&
        (a == 0 || !i->accept_remote || (i->hisaddr != 0 && !addr_allowed(s, a)))) {
        /* It has none, or not the one we insist on, or one it may not
         * use while we have another for it. (hisaddr is non-zero here:
         * with none configured, accept_remote is set.) */
        *sug = i->hisaddr;
        return UPPP_CONFNAK;
    }
    if (a == 0) {
        /* Neither side knows the peer's address: 0.0.0.0 cannot be
         * Acked, so the option goes, and we won't Nak for it later. */
        i->req_addr = 0;
        return UPPP_CONFREJ;
    }
    return UPPP_CONFACK;
}

static int ipcp_reqci(struct uppp_fsm *f, const uint8_t *p, size_t len, uint8_t *out,
                      size_t *outlen, int reject_if_disagree)
{
    struct uppp_session *s = uppp_fsm_session(f);
    struct uppp_ipcp *i = &s->ipcp;
    uint8_t nak[UPPP_FSM_MAX_OPTS], rej[UPPP_FSM_MAX_OPTS];
    size_t nnak = 0, nrej = 0;
    i->his_neg_addr = 0;
    i->his_addr = 0;
    size_t off = 0;
    while (off < len) {
        const uint8_t *o = p + off;
        size_t olen = len - off >= 2 ? o[1] : 0;
        if (olen < 2 || olen > len - off) {
            /* RFC 1661 section 5: a malformed option; reject the rest. */
            uppp_cp_opt_append(rej, &nrej, o, len - off);
            break;
        }
        off += olen;
        uint8_t sug[UPPP_IPCP_ADDR_LEN];
        int verdict = UPPP_CONFREJ;
        switch (o[0]) {
        case UPPP_IPCP_OPT_ADDR: {
            if (olen != UPPP_IPCP_ADDR_LEN || i->his_neg_addr)
                break; /* garbage, or a second one */
            uint32_t a = uppp_get32(o + 2), want = 0;
            verdict = judge_addr(s, a, &want);
            if (verdict == UPPP_CONFREJ)
                break;
            if (verdict == UPPP_CONFNAK)
                put_addr_opt(sug, UPPP_IPCP_OPT_ADDR, want);
            i->his_neg_addr = 1;
            i->his_addr = a;
            break;
        }
        case UPPP_IPCP_OPT_DNS1:
        case UPPP_IPCP_OPT_DNS2: {
            /* RFC 1877: the peer asks for our DNS server; 0.0.0.0 (or a
             * wrong one) is Naked with ours. No server: Reject. */
            uint32_t ours = s->cfg.dns[dns_index(o[0])];
            if (olen != UPPP_IPCP_ADDR_LEN || ours == 0)
                break;
            verdict = UPPP_CONFACK;
            if (uppp_get32(o + 2) != ours) {
                verdict = UPPP_CONFNAK;
                put_addr_opt(sug, o[0], ours);
            }
            break;
        }
        default:
            /* VJ (3.2), IP-Addresses (3.1), NBNS, unknown: not ours. */
            break;
        }
        if (verdict == UPPP_CONFNAK && reject_if_disagree)
            verdict = UPPP_CONFREJ;
        if (verdict == UPPP_CONFNAK)
            uppp_cp_opt_append(nak, &nnak, sug, sizeof(sug));
        else if (verdict == UPPP_CONFREJ)
            uppp_cp_opt_append(rej, &nrej, o, olen);
    }
    /* No IP-Address in the request: Nak once with the address we want it
     * to have (pppd appends it, 0.0.0.0 included, so that a peer that
     * knows its address sends it). */
    if (nrej == 0 && !i->his_neg_addr && i->req_addr && !reject_if_disagree) {
        if (nnak == 0)
            i->req_addr = 0;
        uint8_t sug[UPPP_IPCP_ADDR_LEN];
        uppp_cp_opt_append(nak, &nnak, sug, put_addr_opt(sug, UPPP_IPCP_OPT_ADDR, i->hisaddr));
    }
    return uppp_cp_reply(rej, nrej, nak, nnak, out, outlen);
}

/* Refuse to run IPCP after all: log pppd's error line, close IPCP with
 * pppd's Terminate-Request text, and remember why for the session. */
static void ipcp_refuse(struct uppp_session *s, const char *term_reason, const char *why)
{
    struct uppp_ipcp *i = &s->ipcp;
    snprintf(i->why, sizeof(i->why), "%s", why);
    uppp_log(s, UPPP_LOG_ERR, "%s", why);
    i->fsm.failed = 1;
    uppp_fsm_close(&i->fsm, term_reason, s->now);
}

static void ipcp_up(struct uppp_fsm *f)
{
    struct uppp_session *s = uppp_fsm_session(f);
    struct uppp_ipcp *i = &s->ipcp;
    char why[96];
    uint32_t his = i->his_neg_addr ? i->his_addr : i->hisaddr;

    /* Both ends need an address (pppd ipcp_up, in its order). */
    if (!i->want.neg_addr && i->ouraddr != 0) {
        ipcp_refuse(s, "Refused our IP address", "Peer refused to agree to our IP address");
        return;
    }
    if (i->want.addr == 0) {
        ipcp_refuse(s, "Could not determine local IP address",
                    "Could not determine local IP address");
        return;
    }
    if (his == 0) {
        his = UPPP_IPCP_DEFAULT_REMOTE;
        uppp_log(s, UPPP_LOG_WARN, "Could not determine remote IP address: defaulting to %s",
                 ip_str(his).s);
    }
    if (!addr_allowed(s, his)) {
        snprintf(why, sizeof(why), "Peer is not authorized to use remote address %s",
                 ip_str(his).s);
        ipcp_refuse(s, "Unauthorized remote IP address", why);
        return;
    }
    i->ouraddr = i->want.addr; /* pppd keeps it for a renegotiation */
    i->local = i->want.addr;
    i->remote = his;
    for (int d = 0; d < 2; d++)
        i->dns[d] = i->want.req_dns[d] ? i->want.dns[d] : 0;
    uppp_log(s, UPPP_LOG_NOTICE, "local  IP address %s", ip_str(i->local).s);
    uppp_log(s, UPPP_LOG_NOTICE, "remote IP address %s", ip_str(i->remote).s);
    if (i->dns[0])
        uppp_log(s, UPPP_LOG_NOTICE, "primary   DNS address %s", ip_str(i->dns[0]).s);
    if (i->dns[1])
        uppp_log(s, UPPP_LOG_NOTICE, "secondary DNS address %s", ip_str(i->dns[1]).s);
    i->up = 1;
    i->was_up = 1;
    uppp_ncp_post(s, f, 1);
}

static void ipcp_down(struct uppp_fsm *f)
{
    struct uppp_session *s = uppp_fsm_session(f);
    struct uppp_ipcp *i = &s->ipcp;
    if (!i->up)
        return; /* closed from ipcp_up before it was announced */
    i->up = 0;
    i->local = i->remote = 0;
    i->dns[0] = i->dns[1] = 0;
    uppp_ncp_post(s, f, 0);
}

static void ipcp_starting(struct uppp_fsm *f)
{
    struct uppp_ipcp *i = &uppp_fsm_session(f)->ipcp;
    i->open = 1;
    i->why[0] = '\0';
}

static void ipcp_finished(struct uppp_fsm *f)
{
    struct uppp_session *s = uppp_fsm_session(f);
    s->ipcp.open = 0;
    uppp_ncp_post_finished(s, f, s->ipcp.why);
}

static const struct uppp_fsm_ops ipcp_ops = {
    .name = "IPCP",
    .proto = UPPP_PROTO_IPCP,
    .resetci = ipcp_resetci,
    .addci = ipcp_addci,
    .ackci = ipcp_ackci,
    .nakci = ipcp_nakci,
    .rejci = ipcp_rejci,
    .reqci = ipcp_reqci,
    .up = ipcp_up,
    .down = ipcp_down,
    .starting = ipcp_starting,
    .finished = ipcp_finished,
};

void uppp_ipcp_init(struct uppp_session *s)
{
    struct uppp_ipcp *i = &s->ipcp;
    const struct uppp_config *c = &s->cfg;
    uppp_fsm_init(&i->fsm, &ipcp_ops, uppp_cp_send, s);
    uppp_fsm_configure(s, &i->fsm);
    /* pppd 2.4.9 (ipcp_init): some 3G modems stall with repeated IPCP
     * Naks while they reach their network, so IPCP Naks 100 times before
     * it Rejects, and takes as many Naks, not LCP's 5. */
    i->fsm.max_failure = UPPP_IPCP_MAX_FAILURE;
    i->ouraddr = c->ip_local;
    i->hisaddr = c->ip_remote;
    /* pppd: an address we were not given is one we take from the peer. */
    i->accept_local = c->accept_local || c->ip_local == 0;
    i->accept_remote = c->accept_remote || c->ip_remote == 0;
}

void uppp_ipcp_set_remote(struct uppp_session *s, uint32_t addr)
{
    s->ipcp.hisaddr = addr;
    s->ipcp.accept_remote = s->cfg.accept_remote;
}

void uppp_ipcp_free(struct uppp_session *s)
{
    (void)s;
}

int uppp_ipcp_is_open(const struct uppp_session *s)
{
    return s->ipcp.open;
}

int uppp_ipcp_was_up(const struct uppp_session *s)
{
    return s->ipcp.was_up;
}
