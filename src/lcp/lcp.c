/*
 * LCP, the Link Control Protocol (RFC 1661 sections 5 and 6): option
 * negotiation through the shared automaton, Magic-Number loopback
 * detection (6.4), Echo-Request keepalives, Protocol-Reject (5.7) and the
 * authentication-protocol fallback order MS-CHAPv2, MS-CHAPv1, CHAP-MD5,
 * PAP (pppd prefers them in the same order).
 */
#include "ppp.h"
#include <stdio.h>
#include <string.h>

static const unsigned auth_order[] = {UPPP_AUTH_MSCHAP_V2, UPPP_AUTH_MSCHAP_V1, UPPP_AUTH_CHAP_MD5,
                                      UPPP_AUTH_PAP};

static unsigned best_auth(unsigned mask)
{
    for (size_t i = 0; i < sizeof(auth_order) / sizeof(auth_order[0]); i++)
        if (mask & auth_order[i])
            return auth_order[i];
    return 0;
}

/* Auth-Protocol option body for a method: protocol and CHAP algorithm. */
static size_t put_auth(uint8_t *p, unsigned method)
{
    p[0] = UPPP_LCP_OPT_AUTH;
    if (method == UPPP_AUTH_PAP) {
        p[1] = 4;
        uppp_put16(p + 2, UPPP_PROTO_PAP);
        return 4;
    }
    p[1] = 5;
    uppp_put16(p + 2, UPPP_PROTO_CHAP);
    p[4] = method == UPPP_AUTH_MSCHAP_V2   ? UPPP_CHAP_MSV2
           : method == UPPP_AUTH_MSCHAP_V1 ? UPPP_CHAP_MSV1
                                           : UPPP_CHAP_MD5;
    return 5;
}

/* The method an Auth-Protocol option names, or 0 if we know none. */
static unsigned parse_auth(const uint8_t *p, size_t len)
{
    if (len == 4 && uppp_get16(p + 2) == UPPP_PROTO_PAP)
        return UPPP_AUTH_PAP;
    if (len == 5 && uppp_get16(p + 2) == UPPP_PROTO_CHAP) {
        switch (p[4]) {
        case UPPP_CHAP_MD5:
            return UPPP_AUTH_CHAP_MD5;
        case UPPP_CHAP_MSV1:
            return UPPP_AUTH_MSCHAP_V1;
        case UPPP_CHAP_MSV2:
            return UPPP_AUTH_MSCHAP_V2;
        }
    }
    return 0;
}

static uint32_t new_magic(struct uppp_session *s)
{
    uint32_t m = 0;
    /* Zero means "no magic" (RFC 1661 6.4), so draw until it is not. */
    for (int i = 0; i < 8 && m == 0; i++)
        if (uppp_random(s, &m, sizeof(m)) != 0)
            m = (uint32_t)(s->now * 2654435761u) | 1;
    return m ? m : 1;
}

static void lcp_resetci(struct uppp_fsm *f)
{
    struct uppp_session *s = uppp_fsm_session(f);
    struct uppp_lcp *l = &s->lcp;
    const struct uppp_config *c = &s->cfg;
    memset(&l->want, 0, sizeof(l->want));
    l->want.neg_mru = c->mru != UPPP_LCP_DEFAULT_MRU;
    l->want.mru = c->mru;
    /* pppd always requests an ACCM on async lines; it means nothing on a
     * frame-oriented link (RFC 1662 section 7.1). */
    l->want.neg_accm = l->accm_applies;
    l->want.accm = c->asyncmap;
    l->auth_left = c->require_auth;
    l->want.auth = best_auth(l->auth_left);
    l->want.neg_magic = !c->no_magic;
    l->want.magic = l->want.neg_magic ? new_magic(s) : 0;
    l->want.pfc = !c->no_pcomp;
    l->want.acfc = !c->no_accomp;
    memset(&l->got, 0, sizeof(l->got));
}

static size_t lcp_addci(struct uppp_fsm *f, uint8_t *p, size_t cap)
{
    struct uppp_lcp_opts *w = &uppp_fsm_session(f)->lcp.want;
    size_t n = 0;
    if (cap < 32)
        return 0;
    if (w->neg_mru) {
        p[n] = UPPP_LCP_OPT_MRU;
        p[n + 1] = 4;
        uppp_put16(p + n + 2, w->mru);
        n += 4;
    }
    if (w->neg_accm) {
        p[n] = UPPP_LCP_OPT_ACCM;
        p[n + 1] = 6;
        uppp_put32(p + n + 2, w->accm);
        n += 6;
    }
    if (w->auth)
        n += put_auth(p + n, w->auth);
    if (w->neg_magic) {
        p[n] = UPPP_LCP_OPT_MAGIC;
        p[n + 1] = 6;
        uppp_put32(p + n + 2, w->magic);
        n += 6;
    }
    if (w->pfc) {
        p[n] = UPPP_LCP_OPT_PFC;
        p[n + 1] = 2;
        n += 2;
    }
    if (w->acfc) {
        p[n] = UPPP_LCP_OPT_ACFC;
        p[n + 1] = 2;
        n += 2;
    }
    return n;
}

static int lcp_ackci(struct uppp_fsm *f, const uint8_t *p, size_t len)
{
    struct uppp_lcp *l = &uppp_fsm_session(f)->lcp;
    uint8_t mine[64];
    size_t n = lcp_addci(f, mine, sizeof(mine));
    /* RFC 1661 5.2: the Ack must list our options exactly, in order. */
    if (n != len || memcmp(mine, p, len) != 0)
        return 0;
    l->got = l->want;
    l->loopbacks = 0;
    return 1;
}

/* Count a sign of a looped-back line; 1 once there were too many, and the
 * session has been asked to close the link. */
static int note_loopback(struct uppp_session *s)
{
    if (++s->lcp.loopbacks < UPPP_LCP_LOOPBACK_FAIL)
        return 0;
    uppp_log(s, UPPP_LOG_NOTICE, "Serial line is looped back.");
    uppp_fsm_set_reason(&s->lcp.fsm, "Loopback detected");
    uppp_post_end(s, UPPP_QEV_CLOSE, UPPP_END_LOOPBACK, "Loopback detected");
    return 1;
}

/* Walk options: each must have a sane length and lie inside the packet. */
#define FOR_EACH_OPT(p, len, o, olen)                                                              \
    for (size_t off_ = 0; off_ + 2 <= (len) && (p)[off_ + 1] >= 2 &&                               \
                          off_ + (p)[off_ + 1] <= (len) && ((o) = (p) + off_, (olen) = (o)[1], 1); \
         off_ += (olen))

static int lcp_nakci(struct uppp_fsm *f, const uint8_t *p, size_t len)
{
    struct uppp_session *s = uppp_fsm_session(f);
    struct uppp_lcp *l = &s->lcp;
    struct uppp_lcp_opts next = l->want;
    const uint8_t *o;
    size_t olen;
    size_t seen = 0;
    FOR_EACH_OPT(p, len, o, olen)
    {
        seen += olen;
        switch (o[0]) {
        case UPPP_LCP_OPT_MRU:
            if (olen != 4)
                return 0;
            /* Take a smaller MRU, or the default (pppd does the same). */
            if (uppp_get16(o + 2) <= next.mru || uppp_get16(o + 2) <= UPPP_LCP_DEFAULT_MRU) {
                next.mru = uppp_get16(o + 2);
                next.neg_mru = next.mru != UPPP_LCP_DEFAULT_MRU;
            }
            break;
        case UPPP_LCP_OPT_ACCM:
            if (olen != 6)
                return 0;
            next.neg_accm = 1;
            next.accm |= uppp_get32(o + 2);
            break;
        case UPPP_LCP_OPT_AUTH: {
            if (!next.auth)
                break; /* a Nak for an option we didn't send: ignore */
            unsigned sug = parse_auth(o, olen);
            l->auth_left &= ~next.auth;
            if (sug && (s->cfg.require_auth & sug) && (l->auth_left & sug))
                next.auth = sug;
            else
                next.auth = best_auth(l->auth_left);
            if (!next.auth) {
                uppp_log(s, UPPP_LOG_ERR, "peer refused to authenticate: terminating link");
                uppp_fsm_set_reason(f, "peer refused to authenticate");
                uppp_post_end(s, UPPP_QEV_END, UPPP_END_PEER_AUTH_FAILED,
                              "peer refused to authenticate");
                return -1;
            }
            break;
        }
        case UPPP_LCP_OPT_MAGIC:
            if (olen != 6)
                return 0;
            /* A Nak of our magic number is a sign of a looped-back line. */
            next.magic = new_magic(s);
            next.neg_magic = 1;
            if (note_loopback(s)) {
                /* The session closes the link once we return; the Nak is
                 * not answered with one more request. */
                l->want = next;
                return 0;
            }
            break;
        case UPPP_LCP_OPT_PFC:
        case UPPP_LCP_OPT_ACFC:
        default:
            break; /* the peer suggests options we did not request: ignore */
        }
    }
    if (seen != len)
        return 0;
    l->want = next;
    return 1;
}

static int lcp_rejci(struct uppp_fsm *f, const uint8_t *p, size_t len)
{
    struct uppp_session *s = uppp_fsm_session(f);
    struct uppp_lcp_opts next = s->lcp.want;
    const uint8_t *o;
    size_t olen;
    size_t seen = 0;
    FOR_EACH_OPT(p, len, o, olen)
    {
        seen += olen;
        switch (o[0]) {
        case UPPP_LCP_OPT_MRU:
            next.neg_mru = 0;
            break;
        case UPPP_LCP_OPT_ACCM:
            next.neg_accm = 0;
            break;
        case UPPP_LCP_OPT_AUTH:
            if (next.auth) {
                uppp_log(s, UPPP_LOG_ERR, "peer refused to authenticate: terminating link");
                uppp_fsm_set_reason(f, "peer refused to authenticate");
                uppp_post_end(s, UPPP_QEV_END, UPPP_END_PEER_AUTH_FAILED,
                              "peer refused to authenticate");
                return -1;
            }
            break;
        case UPPP_LCP_OPT_MAGIC:
            next.neg_magic = 0;
            next.magic = 0;
            break;
        case UPPP_LCP_OPT_PFC:
            next.pfc = 0;
            break;
        case UPPP_LCP_OPT_ACFC:
            next.acfc = 0;
            break;
        default:
            return 0; /* rejecting what we never sent: bogus */
        }
    }
    if (seen != len)
        return 0;
    s->lcp.want = next;
    return 1;
}

static int lcp_reqci(struct uppp_fsm *f, const uint8_t *p, size_t len, uint8_t *out, size_t *outlen,
                     int reject_if_disagree)
{
    struct uppp_session *s = uppp_fsm_session(f);
    struct uppp_lcp *l = &s->lcp;
    const struct uppp_config *c = &s->cfg;
    uint8_t nak[UPPP_FSM_MAX_OPTS], rej[UPPP_FSM_MAX_OPTS];
    size_t nnak = 0, nrej = 0;
    struct uppp_lcp_opts his;
    memset(&his, 0, sizeof(his));
    size_t off = 0;
    while (off < len) {
        const uint8_t *o = p + off;
        size_t olen = len - off >= 2 ? o[1] : 0;
        if (olen < 2 || off + olen > len) {
            /* A malformed option: reject the rest of the request. */
            uppp_cp_opt_append(rej, &nrej, o, len - off);
            break;
        }
        off += olen;
        uint8_t sug[8];
        size_t nsug = 0;
        int verdict = UPPP_CONFACK;
        switch (o[0]) {
        case UPPP_LCP_OPT_MRU:
            if (olen != 4) {
                verdict = UPPP_CONFREJ;
            } else if (uppp_get16(o + 2) < UPPP_LCP_MIN_MRU) {
                verdict = UPPP_CONFNAK;
                sug[0] = UPPP_LCP_OPT_MRU;
                sug[1] = 4;
                uppp_put16(sug + 2, UPPP_LCP_MIN_MRU);
                nsug = 4;
            } else {
                his.neg_mru = 1;
                his.mru = uppp_get16(o + 2);
            }
            break;
        case UPPP_LCP_OPT_ACCM:
            if (olen != 6 || !l->accm_applies) {
                verdict = UPPP_CONFREJ;
            } else {
                his.neg_accm = 1;
                his.accm = uppp_get32(o + 2);
            }
            break;
        case UPPP_LCP_OPT_AUTH: {
            unsigned m = parse_auth(o, olen);
            unsigned can = UPPP_AUTH_ALL & ~c->refuse_auth;
            if (his.auth || olen < 4) {
                verdict = UPPP_CONFREJ; /* a second auth option, or garbage */
            } else if (m && (can & m)) {
                his.auth = m;
            } else if (best_auth(can)) {
                /* Nak with the method we would rather use (RFC 1661 6.2). */
                verdict = UPPP_CONFNAK;
                nsug = put_auth(sug, best_auth(can));
            } else {
                verdict = UPPP_CONFREJ;
            }
            break;
        }
        case UPPP_LCP_OPT_MAGIC:
            if (olen != 6) {
                verdict = UPPP_CONFREJ;
            } else if (l->want.neg_magic && uppp_get32(o + 2) == l->want.magic &&
                       l->want.magic != 0) {
                /* RFC 1661 6.4: our own magic number: perhaps looped back. */
                verdict = UPPP_CONFNAK;
                sug[0] = UPPP_LCP_OPT_MAGIC;
                sug[1] = 6;
                uppp_put32(sug + 2, new_magic(s));
                nsug = 6;
                note_loopback(s);
            } else {
                his.neg_magic = 1;
                his.magic = uppp_get32(o + 2);
            }
            break;
        case UPPP_LCP_OPT_PFC:
            if (olen != 2 || c->no_pcomp)
                verdict = UPPP_CONFREJ;
            else
                his.pfc = 1;
            break;
        case UPPP_LCP_OPT_ACFC:
            if (olen != 2 || c->no_accomp)
                verdict = UPPP_CONFREJ;
            else
                his.acfc = 1;
            break;
        default:
            verdict = UPPP_CONFREJ; /* Quality-Protocol, callback, MRRU...: not ours */
            break;
        }
        if (verdict == UPPP_CONFNAK && reject_if_disagree)
            verdict = UPPP_CONFREJ;
        if (verdict == UPPP_CONFNAK)
            uppp_cp_opt_append(nak, &nnak, sug, nsug);
        else if (verdict == UPPP_CONFREJ)
            uppp_cp_opt_append(rej, &nrej, o, olen);
    }
    int code = uppp_cp_reply(rej, nrej, nak, nnak, out, outlen);
    if (code == UPPP_CONFACK)
        l->his = his;
    return code;
}

static void lcp_up(struct uppp_fsm *f)
{
    struct uppp_session *s = uppp_fsm_session(f);
    struct uppp_lcp *l = &s->lcp;
    l->echos_pending = 0;
    l->echo_deadline = s->cfg.echo_interval_ms ? s->now + s->cfg.echo_interval_ms : 0;
    uppp_post_type(s, UPPP_QEV_LCP_UP);
}

static void lcp_down(struct uppp_fsm *f)
{
    struct uppp_session *s = uppp_fsm_session(f);
    struct uppp_qev ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = UPPP_QEV_LCP_DOWN;
    s->lcp.echo_deadline = 0;
    if (f->peer_terminated && f->state == UPPP_FSM_OPENED) {
        /* The peer asked to end the link (RTR in Opened). pppd's line, so
         * logs compare line by line, logged before our Terminate-Ack. */
        const char *term = f->reason + UPPP_FSM_TERM_PREFIX_LEN;
        if (strncmp(f->reason, UPPP_FSM_TERM_PREFIX ": ", UPPP_FSM_TERM_PREFIX_LEN) == 0 && *term)
            uppp_log(s, UPPP_LOG_NOTICE, "LCP terminated by peer (%s)", term);
        else
            uppp_log(s, UPPP_LOG_NOTICE, "LCP terminated by peer");
        f->peer_terminated = 0;
        ev.peer_terminated = 1;
        snprintf(ev.why, sizeof(ev.why), "%s", f->reason);
    }
    uppp_post(s, &ev);
}

static void lcp_finished(struct uppp_fsm *f)
{
    struct uppp_qev ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = UPPP_QEV_LCP_FINISHED;
    ev.failed = f->failed;
    snprintf(ev.why, sizeof(ev.why), "%s", f->reason);
    uppp_post(uppp_fsm_session(f), &ev);
}

void uppp_lcp_link_params(const struct uppp_session *s, struct uppp_lcp_link *p)
{
    const struct uppp_lcp *l = &s->lcp;
    if (l->fsm.state != UPPP_FSM_OPENED) {
        /* RFC 1662 section 7.1: until LCP opens, every control character
         * is escaped, and nothing is compressed. */
        p->tx_accm = p->rx_accm = 0xffffffffu;
        p->tx_pfc = p->tx_acfc = 0;
        p->peer_auth = p->our_auth = 0;
        return;
    }
    /* Afterwards the peer's ACCM applies to what we send, ours to what we
     * receive; PFC/ACFC apply to what we send only if the peer asked. */
    p->tx_accm = l->his.neg_accm ? l->his.accm : 0xffffffffu;
    p->rx_accm = l->got.neg_accm ? l->got.accm : 0xffffffffu;
    p->tx_pfc = l->his.pfc;
    p->tx_acfc = l->his.acfc;
    p->peer_auth = l->got.auth;
    p->our_auth = l->his.auth;
}

uint16_t uppp_lcp_peer_mru(const struct uppp_session *s)
{
    return s->lcp.his.neg_mru ? s->lcp.his.mru : UPPP_LCP_DEFAULT_MRU;
}

int uppp_lcp_opened(const struct uppp_session *s)
{
    return s->lcp.fsm.state == UPPP_FSM_OPENED;
}

static uint32_t our_magic(const struct uppp_lcp *l)
{
    return l->got.neg_magic ? l->got.magic : 0;
}

static int lcp_extcode(struct uppp_fsm *f, uint8_t code, uint8_t id, const uint8_t *p, size_t len)
{
    struct uppp_session *s = uppp_fsm_session(f);
    struct uppp_lcp *l = &s->lcp;
    switch (code) {
    case UPPP_LCP_PROTREJ: {
        if (f->state != UPPP_FSM_OPENED || len < 2)
            return 1;
        uint16_t proto = uppp_get16(p);
        if (proto == UPPP_PROTO_LCP) {
            uppp_post_end(s, UPPP_QEV_CLOSE, UPPP_END_NEGOTIATION_FAILED,
                          "LCP was Protocol-Rejected");
            return 1;
        }
        uppp_log(s, UPPP_LOG_INFO, "Protocol-Reject for protocol 0x%04x received", proto);
        /* The layer that owns proto is the session's to tell. */
        struct uppp_qev ev;
        memset(&ev, 0, sizeof(ev));
        ev.type = UPPP_QEV_PROTREJ;
        ev.proto = proto;
        uppp_post(s, &ev);
        return 1;
    }
    case UPPP_LCP_ECHOREQ: {
        if (f->state != UPPP_FSM_OPENED || len < 4)
            return 1;
        uint32_t m = uppp_get32(p);
        if (m != 0 && m == our_magic(l))
            uppp_log(s, UPPP_LOG_WARN, "appear to have received our own echo-request!");
        uint8_t rep[UPPP_FSM_MAX_OPTS];
        size_t n = len < sizeof(rep) ? len : sizeof(rep);
        memcpy(rep, p, n);
        uppp_put32(rep, our_magic(l));
        uppp_fsm_send_code(f, UPPP_LCP_ECHOREP, id, rep, n);
        return 1;
    }
    case UPPP_LCP_ECHOREP:
        if (f->state != UPPP_FSM_OPENED || len < 4)
            return 1;
        if (uppp_get32(p) != 0 && uppp_get32(p) == our_magic(l)) {
            uppp_log(s, UPPP_LOG_WARN, "appear to have received our own echo-reply!");
            return 1;
        }
        l->echos_pending = 0;
        return 1;
    case UPPP_LCP_DISCREQ:
    case UPPP_LCP_IDENT:
    case UPPP_LCP_TIMEREM:
        return 1; /* accepted and ignored */
    }
    return 0;
}

/* RFC 1661 5.6: a Code-Reject of a configuration or termination code is
 * catastrophic; the rest (Echo, Discard, Identification) is not. */
static int lcp_coderej_ok(struct uppp_fsm *f, uint8_t code)
{
    (void)f;
    return code > UPPP_LCP_PROTREJ;
}

static const struct uppp_fsm_ops lcp_ops = {
    .name = "LCP",
    .proto = UPPP_PROTO_LCP,
    .resetci = lcp_resetci,
    .addci = lcp_addci,
    .ackci = lcp_ackci,
    .nakci = lcp_nakci,
    .rejci = lcp_rejci,
    .reqci = lcp_reqci,
    .up = lcp_up,
    .down = lcp_down,
    .finished = lcp_finished,
    .extcode = lcp_extcode,
    .coderej_ok = lcp_coderej_ok,
};

void uppp_lcp_init(struct uppp_session *s, int accm_applies)
{
    s->lcp.accm_applies = accm_applies;
    uppp_fsm_init(&s->lcp.fsm, &lcp_ops, uppp_cp_send, s);
    uppp_fsm_configure(s, &s->lcp.fsm);
}

void uppp_lcp_timer(struct uppp_session *s, uint64_t now)
{
    struct uppp_lcp *l = &s->lcp;
    uppp_fsm_timer(&l->fsm, now);
    if (l->echo_deadline == 0 || now < l->echo_deadline || l->fsm.state != UPPP_FSM_OPENED)
        return;
    if (s->cfg.echo_failure > 0 && l->echos_pending >= s->cfg.echo_failure) {
        uppp_log(s, UPPP_LOG_NOTICE, "No response to %d echo-requests", l->echos_pending);
        uppp_log(s, UPPP_LOG_NOTICE, "Serial link appears to be disconnected.");
        uppp_post_end(s, UPPP_QEV_CLOSE, UPPP_END_NO_ECHO, "Peer not responding");
        return;
    }
    uint8_t data[4];
    uppp_put32(data, our_magic(l));
    uppp_fsm_send_code(&l->fsm, UPPP_LCP_ECHOREQ, ++l->echo_id, data, sizeof(data));
    l->echos_pending++;
    l->echo_deadline = now + s->cfg.echo_interval_ms;
}

uint64_t uppp_lcp_deadline(const struct uppp_session *s)
{
    return uppp_min_deadline(s->lcp.fsm.deadline, s->lcp.echo_deadline);
}

void uppp_lcp_protreject(struct uppp_session *s, uint16_t proto, const uint8_t *info, size_t len)
{
    if (s->lcp.fsm.state != UPPP_FSM_OPENED)
        return; /* RFC 1661 5.7: only in the Opened state */
    uint8_t pkt[UPPP_FSM_MAX_OPTS];
    uint16_t mru = uppp_lcp_peer_mru(s);
    size_t room = (mru > UPPP_CP_HDRLEN + 2u ? mru - UPPP_CP_HDRLEN - 2u : 0);
    if (room > sizeof(pkt) - 2)
        room = sizeof(pkt) - 2;
    if (len > room)
        len = room; /* truncated to fit the peer's MRU (5.7) */
    uppp_put16(pkt, proto);
    memcpy(pkt + 2, info, len);
    uppp_log(s, UPPP_LOG_DEBUG, "Protocol-Reject for unsupported protocol 0x%x", proto);
    uppp_fsm_send_code(&s->lcp.fsm, UPPP_LCP_PROTREJ, s->lcp.fsm.next_id++, pkt, len + 2);
}

void uppp_lcp_open(struct uppp_session *s)
{
    uppp_fsm_open(&s->lcp.fsm, s->now);
    uppp_fsm_up(&s->lcp.fsm, s->now);
}

void uppp_lcp_close(struct uppp_session *s, const char *reason)
{
    uppp_fsm_close(&s->lcp.fsm, reason, s->now);
}

void uppp_lcp_lower_down(struct uppp_session *s)
{
    uppp_fsm_down(&s->lcp.fsm, s->now);
}

void uppp_lcp_input(struct uppp_session *s, const uint8_t *pkt, size_t len)
{
    uppp_fsm_input(&s->lcp.fsm, pkt, len, s->now);
}
