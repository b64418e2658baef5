/*
 * CCP (RFC 1962) negotiating MPPE (RFC 3078 section 2, option 18) on the
 * shared RFC 1661 automaton. The data path and Reset-Request/Reset-Ack are
 * in ccp_mppe.c.
 *
 * RFC 1962 section 4: each side's Configure-Request lists what it can
 * *receive*; the peer's request we Ack is what we *send*. MPPE counts as up
 * only when both directions agreed on it: we never send in the clear while
 * the peer encrypts, nor the other way round.
 *
 * The semantics are pppd 2.4.9's (pppd/ccp.c), so existing peers behave as
 * they do with pppd:
 *  - our request carries exactly the strengths we allow, stateless (H) unless
 *    configured to prefer stateful (pppd always asks stateless);
 *  - a peer request with several strengths is Nakked with the strongest one
 *    we allow (RFC 3078 section 2.1 agrees), with none with all we allow;
 *    C, D and reserved bits are Nakked cleared; a single strength we do not
 *    allow, or stateful mode when we refuse it, is Rejected;
 *  - a Nak of our request is taken if it asks for a subset of our strengths
 *    (and a mode we accept), otherwise negotiation has failed;
 *  - a Reject of our option 18 means "MPPE required but peer refused", any
 *    other failure "MPPE required but peer negotiation failed" (pppd's exact
 *    texts; with mppe-optional we continue in the clear with a warning);
 *  - if we Reject the peer's MPPE option, or Reject a request that has none,
 *    negotiation has failed too (pppd: rej_for_ci_mppe).
 * Differences, all deliberate:
 *  - 56-bit (M) is a strength we can negotiate (pppd treats M as
 *    unsupported and Naks it away);
 *  - after MS-CHAPv1, 40 and 56 bits use the LAN Manager start key as RFC
 *    3079 sections 2.1 and 2.2 say; pppd instead refuses 40-bit after
 *    MS-CHAPv1. Without LM keys (an NT-hash secret) we drop 40 and 56;
 *  - a peer Ack of our request with no MPPE request of its own is a failure
 *    (pppd would then encrypt only what it receives);
 *  - once MPPE has been up, losing it (CCP terminated, renegotiation
 *    failing) closes the link whatever the policy, as pppd's ccp_down does:
 *    no silent fall-back to the clear.
 * Loops end: received Naks are capped by the automaton, and after
 * Max-Failure Naks of our own we Reject instead (RFC 1661 section 4.6).
 */
#include "ppp.h"

#include <uppp/err.h>
#include <uppp/mppe_wire.h>

#include "crypto.h"

#include <stdio.h>
#include <string.h>

#define H_BIT UPPP_MPPE_OPT_H
#define STRENGTHS (UPPP_MPPE_OPT_S | UPPP_MPPE_OPT_M | UPPP_MPPE_OPT_L)

/* pppd's failure texts (ccp.c), which admins grep for. */
#define TXT_REFUSED "MPPE required but peer refused"
#define TXT_NEG_FAILED "MPPE required but peer negotiation failed"
#define TXT_NOT_AVAILABLE "MPPE required but not available"

enum fail_kind { FAIL_REFUSED, FAIL_NEGOTIATION, FAIL_NOT_AVAILABLE };

/* The reason for a failure: pppd's words where the link then closes (MPPE
 * required, or already in force), plain ones where it carries on. */
static const char *fail_text(const struct uppp_session *s, enum fail_kind k)
{
    if (s->cfg.mppe == UPPP_MPPE_REQUIRED || s->ccp.in_force) {
        switch (k) {
        case FAIL_REFUSED:
            return TXT_REFUSED;
        case FAIL_NEGOTIATION:
            return TXT_NEG_FAILED;
        case FAIL_NOT_AVAILABLE:
            return TXT_NOT_AVAILABLE;
        }
    }
    switch (k) {
    case FAIL_REFUSED:
        return "peer refused MPPE";
    case FAIL_NEGOTIATION:
        return "MPPE negotiation with peer failed";
    case FAIL_NOT_AVAILABLE:
        break;
    }
    return "MPPE not available";
}

/* Remember a failure found inside an automaton callback; settle() reports
 * it once the automaton has finished the event. */
static void note_failure(struct uppp_session *s, enum fail_kind k)
{
    struct uppp_ccp *c = &s->ccp;
    if (c->fail_pending)
        return;
    c->fail_pending = 1;
    snprintf(c->fail_why, sizeof(c->fail_why), "%s", fail_text(s, k));
}

int uppp_ccp_mppe_strength(uint32_t bits)
{
    if (bits & UPPP_MPPE_OPT_S)
        return 128;
    if (bits & UPPP_MPPE_OPT_M)
        return 56;
    if (bits & UPPP_MPPE_OPT_L)
        return 40;
    return 0;
}

static uint32_t strongest(uint32_t bits)
{
    if (bits & UPPP_MPPE_OPT_S)
        return UPPP_MPPE_OPT_S;
    if (bits & UPPP_MPPE_OPT_M)
        return UPPP_MPPE_OPT_M;
    return bits & UPPP_MPPE_OPT_L;
}

static int is_negotiating_or_open(enum uppp_fsm_state st)
{
    return st >= UPPP_FSM_REQSENT && st <= UPPP_FSM_OPENED;
}

/* ---- automaton callbacks ---- */

static void ccp_resetci(struct uppp_fsm *f)
{
    struct uppp_session *s = uppp_fsm_session(f);
    struct uppp_ccp *c = &s->ccp;
    c->want.on = c->offer;
    c->want.bits = c->offer ? (s->cfg.mppe_want_stateful ? 0 : H_BIT) | c->allowed : 0;
    c->got.on = 0;
    c->asked_stateful = 0;
}

static size_t ccp_addci(struct uppp_fsm *f, uint8_t *buf, size_t cap)
{
    struct uppp_ccp *c = &uppp_fsm_session(f)->ccp;
    if (!c->want.on || cap < UPPP_CCP_OPT_MPPE_LEN)
        return 0;
    buf[0] = UPPP_CCP_OPT_MPPE;
    buf[1] = UPPP_CCP_OPT_MPPE_LEN;
    uppp_put32(buf + 2, c->want.bits);
    return UPPP_CCP_OPT_MPPE_LEN;
}

static int ccp_ackci(struct uppp_fsm *f, const uint8_t *p, size_t len)
{
    struct uppp_ccp *c = &uppp_fsm_session(f)->ccp;
    /* RFC 1661 section 5.2: an Ack lists our options exactly. */
    if (c->want.on) {
        if (len != UPPP_CCP_OPT_MPPE_LEN || p[0] != UPPP_CCP_OPT_MPPE ||
            p[1] != UPPP_CCP_OPT_MPPE_LEN || uppp_get32(p + 2) != c->want.bits)
            return 0;
    } else if (len != 0) {
        return 0;
    }
    c->got = c->want;
    return 1;
}

/* Walk the options of p; 1 if they tile it exactly, else 0. */
static int well_formed(const uint8_t *p, size_t len)
{
    size_t off = 0;
    while (off < len) {
        if (len - off < 2 || p[off + 1] < 2 || p[off + 1] > len - off)
            return 0;
        off += p[off + 1];
    }
    return 1;
}

static int ccp_nakci(struct uppp_fsm *f, const uint8_t *p, size_t len)
{
    struct uppp_session *s = uppp_fsm_session(f);
    struct uppp_ccp *c = &s->ccp;
    if (!well_formed(p, len))
        return 0;
    struct uppp_ccp_mppe_opt next = c->want;
    for (size_t off = 0; off < len; off += p[off + 1]) {
        const uint8_t *o = p + off;
        /* Suggestions for options we did not request are ignored, as
         * pppd does (nothing but MPPE could be requested from us). */
        if (o[0] != UPPP_CCP_OPT_MPPE || o[1] != UPPP_CCP_OPT_MPPE_LEN || !c->want.on)
            continue;
        uint32_t n = uppp_get32(o + 2);
        if (!(n & H_BIT) && !c->stateful_ok) {
            uppp_log(s, UPPP_LOG_ERR, "Refusing MPPE stateful mode offered by peer");
            note_failure(s, FAIL_NEGOTIATION);
        } else if ((n & ~(H_BIT | (c->want.bits & STRENGTHS))) != 0 || !(n & STRENGTHS)) {
            /* RFC 3078 section 2.1: the initiator may only take one of the
             * options it offered. Anything else: give up, as pppd does. */
            uppp_log(s, UPPP_LOG_INFO, "CCP: peer suggests MPPE bits 0x%08x, we offered 0x%08x", n,
                     c->want.bits);
            note_failure(s, FAIL_NEGOTIATION);
        }
        if (c->fail_pending) {
            uppp_fsm_set_reason(f, "%s", c->fail_why);
            return -1;
        }
        next.bits = n;
    }
    c->want = next;
    return 1;
}

static int ccp_rejci(struct uppp_fsm *f, const uint8_t *p, size_t len)
{
    struct uppp_session *s = uppp_fsm_session(f);
    struct uppp_ccp *c = &s->ccp;
    if (len == 0 || !well_formed(p, len))
        return 0;
    for (size_t off = 0; off < len; off += p[off + 1]) {
        /* Only what we sent can be Rejected (RFC 1661 section 5.4). */
        if (p[off] != UPPP_CCP_OPT_MPPE || p[off + 1] != UPPP_CCP_OPT_MPPE_LEN || !c->want.on)
            return 0;
    }
    note_failure(s, FAIL_REFUSED);
    uppp_fsm_set_reason(f, "%s", c->fail_why);
    return -1;
}

/* Judge the peer's MPPE option (o, olen): UPPP_CONFACK with *bits as
 * requested, UPPP_CONFNAK with *bits our counter-proposal, or UPPP_CONFREJ.
 * pppd 2.4.9 ccp_reqci, generalised to 56 bits. */
static int judge_mppe(struct uppp_session *s, const uint8_t *o, size_t olen, uint32_t *bits)
{
    struct uppp_ccp *c = &s->ccp;
    if (!c->offer || olen != UPPP_CCP_OPT_MPPE_LEN)
        return UPPP_CONFREJ;
    uint32_t n = uppp_get32(o + 2);
    int verdict = UPPP_CONFACK;
    /* RFC 3078 section 2: D is obsolete and SHOULD NOT be accepted, C is
     * MPPC (not implemented), the reserved bits MUST be 0: Nak them away. */
    if (n & ~(H_BIT | STRENGTHS)) {
        verdict = UPPP_CONFNAK;
        n &= H_BIT | STRENGTHS;
    }
    if (!(n & H_BIT) && !c->stateful_ok) {
        /* pppd Rejects rather than Nakking with H (stateful mode is bad
         * over the Internet; a peer that can do stateless asks for it). */
        uppp_log(s, UPPP_LOG_ERR, "Refusing MPPE stateful mode offered by peer");
        return UPPP_CONFREJ;
    }
    if ((n & H_BIT) && s->cfg.mppe_want_stateful && !c->asked_stateful) {
        /* pppd 2.4.9 always asks for stateless, and switches its request
         * to stateful when Nakked so if it has mppe-stateful (ccp.c
         * ccp_nakci). Without this Nak the two directions would differ.
         * Asked once per negotiation: a peer that asks for stateless again
         * gets stateless in its direction. */
        c->asked_stateful = 1;
        verdict = UPPP_CONFNAK;
        n &= ~H_BIT;
    }
    uint32_t req = n & STRENGTHS, common = req & c->allowed;
    if (req & (req - 1)) {
        /* Several strengths: RFC 3078 section 2.1, the strongest. */
        if (!common)
            return UPPP_CONFREJ;
        verdict = UPPP_CONFNAK;
        n = (n & ~STRENGTHS) | strongest(common);
    } else if (req) {
        if (!common)
            return UPPP_CONFREJ;
    } else {
        /* None: tell the peer what it can choose from. */
        verdict = UPPP_CONFNAK;
        n = (n & H_BIT) | c->allowed;
    }
    *bits = n;
    return verdict;
}

static int ccp_reqci(struct uppp_fsm *f, const uint8_t *p, size_t len, uint8_t *out, size_t *outlen,
                     int reject_if_disagree)
{
    struct uppp_session *s = uppp_fsm_session(f);
    struct uppp_ccp *c = &s->ccp;
    uint8_t nak[UPPP_FSM_MAX_OPTS], rej[UPPP_FSM_MAX_OPTS];
    size_t nnak = 0, nrej = 0;
    struct uppp_ccp_mppe_opt his = {0, 0};
    int mppe_seen = 0, mppe_rejected = 0;
    size_t off = 0;
    while (off < len) {
        const uint8_t *o = p + off;
        size_t olen = len - off >= 2 ? o[1] : 0;
        if (olen < 2 || off + olen > len) {
            /* Malformed: reject the rest of the request. */
            uppp_cp_opt_append(rej, &nrej, o, len - off);
            break;
        }
        off += olen;
        uint32_t bits = 0;
        int verdict = UPPP_CONFREJ; /* Deflate, BSD, Predictor...: not ours */
        if (o[0] == UPPP_CCP_OPT_MPPE) {
            verdict = his.on || mppe_seen ? UPPP_CONFREJ : judge_mppe(s, o, olen, &bits);
            mppe_seen = 1;
            if (verdict == UPPP_CONFACK) {
                his.on = 1;
                his.bits = bits;
            }
        }
        if (verdict == UPPP_CONFNAK && reject_if_disagree)
            verdict = UPPP_CONFREJ;
        if (verdict == UPPP_CONFNAK) {
            uint8_t sug[UPPP_CCP_OPT_MPPE_LEN] = {UPPP_CCP_OPT_MPPE, UPPP_CCP_OPT_MPPE_LEN};
            uppp_put32(sug + 2, bits);
            uppp_cp_opt_append(nak, &nnak, sug, sizeof(sug));
        } else if (verdict == UPPP_CONFREJ) {
            uppp_cp_opt_append(rej, &nrej, o, olen);
            if (o[0] == UPPP_CCP_OPT_MPPE)
                mppe_rejected = 1;
        }
    }
    int code = UPPP_CONFACK;
    code = uppp_cp_reply(rej, nrej, nak, nnak, out, outlen);
    if (code == UPPP_CONFACK)
        c->his = his;
    /* pppd (rej_for_ci_mppe): Rejecting the peer's MPPE, or a request
     * without it, means MPPE cannot be agreed in the peer's direction. The
     * Reject still goes out; settle() reports after. */
    if (c->offer && (mppe_rejected || (code == UPPP_CONFREJ && !mppe_seen)))
        note_failure(s, FAIL_NEGOTIATION);
    return code;
}

static void log_enabled(struct uppp_session *s)
{
    struct uppp_ccp *c = &s->ccp;
    char rx[40], tx[40];
    snprintf(rx, sizeof(rx), "MPPE %d-bit %s", uppp_ccp_mppe_strength(c->got.bits),
             (c->got.bits & H_BIT) ? "stateless" : "stateful");
    snprintf(tx, sizeof(tx), "MPPE %d-bit %s", uppp_ccp_mppe_strength(c->his.bits),
             (c->his.bits & H_BIT) ? "stateless" : "stateful");
    /* pppd's line ("MPPE 128-bit stateless compression enabled") names
     * what we receive; we name both directions when they differ. */
    if (strcmp(rx, tx) == 0)
        uppp_log(s, UPPP_LOG_NOTICE, "%s compression enabled", rx);
    else
        uppp_log(s, UPPP_LOG_NOTICE, "%s / %s compression enabled", rx, tx);
}

static void ccp_up(struct uppp_fsm *f)
{
    struct uppp_session *s = uppp_fsm_session(f);
    struct uppp_ccp *c = &s->ccp;
    if (!c->got.on || !c->his.on) {
        /* RFC 1962 section 4 lets a direction go uncompressed; MPPE must not
         * (RFC 3078 section 2: "if MPPE negotiation is attempted and fails,
         * the link SHOULD be terminated"). Without an offer there is
         * nothing to check: this link simply compresses nothing. */
        if (c->offer) {
            uppp_log(s, UPPP_LOG_INFO, "CCP: MPPE agreed for %s only",
                     c->got.on   ? "receiving"
                     : c->his.on ? "sending"
                                 : "neither direction");
            note_failure(s, FAIL_NEGOTIATION);
        }
        return;
    }
    int rc = uppp_ccp_mppe_open(s);
    if (rc != 0) {
        uppp_log(s, UPPP_LOG_ERR, "MPPE: cannot start the cipher: %s", uppp_strerror(rc));
        note_failure(s, FAIL_NOT_AVAILABLE);
        return;
    }
    int rb = uppp_ccp_mppe_strength(c->got.bits), tb = uppp_ccp_mppe_strength(c->his.bits);
    c->bits = rb < tb ? rb : tb;
    c->stateless = (c->got.bits & H_BIT) && (c->his.bits & H_BIT);
    c->mppe_up = 1;
    c->in_force = 1;
    log_enabled(s);
    uppp_ccp_is_up(s);
}

static void ccp_down(struct uppp_fsm *f)
{
    struct uppp_session *s = uppp_fsm_session(f);
    struct uppp_ccp *c = &s->ccp;
    int was_up = c->mppe_up;
    uppp_ccp_mppe_close(s);
    /* Once in force, MPPE stays "up" for the session's gate: with no cipher
     * every network packet is dropped until CCP reopens or the link goes. */
    c->mppe_up = c->in_force;
    if (was_up)
        uppp_ccp_is_down(s);
}

static void settle(struct uppp_session *s);

static void ccp_finished(struct uppp_fsm *f)
{
    settle(uppp_fsm_session(f));
}

static int ccp_extcode(struct uppp_fsm *f, uint8_t code, uint8_t id, const uint8_t *p, size_t len)
{
    struct uppp_session *s = uppp_fsm_session(f);
    (void)p, (void)len;
    /* RFC 1962 section 3.1; outside Opened they mean nothing (pppd too). */
    switch (code) {
    case UPPP_CCP_RESETREQ:
        if (f->state == UPPP_FSM_OPENED)
            uppp_ccp_reset_request_input(s, id);
        return 1;
    case UPPP_CCP_RESETACK:
        if (f->state == UPPP_FSM_OPENED)
            uppp_ccp_reset_ack_input(s, id);
        return 1;
    }
    return 0;
}

/* RFC 1661 section 5.6: Code-Reject of codes 1..7 is catastrophic. Some
 * Windows versions Code-Reject Reset-Ack (OpenBSD npppd never sends it for
 * that reason): that, and a Code-Reject of Reset-Request, are tolerated. */
static int ccp_coderej_ok(struct uppp_fsm *f, uint8_t code)
{
    (void)f;
    return code > UPPP_CODEREJ;
}

static const struct uppp_fsm_ops ccp_ops = {
    .name = "CCP",
    .proto = UPPP_PROTO_CCP,
    .resetci = ccp_resetci,
    .addci = ccp_addci,
    .ackci = ccp_ackci,
    .nakci = ccp_nakci,
    .rejci = ccp_rejci,
    .reqci = ccp_reqci,
    .up = ccp_up,
    .down = ccp_down,
    .finished = ccp_finished,
    .extcode = ccp_extcode,
    .coderej_ok = ccp_coderej_ok,
};

/* ---- failure reporting ---- */

static void report(struct uppp_session *s, const char *why)
{
    if (s->ccp.in_force) {
        uppp_log(s, UPPP_LOG_ERR, "%s", why);
        uppp_link_close(s, UPPP_END_NEGOTIATION_FAILED, why);
    } else {
        uppp_ccp_is_failed(s, why);
    }
}

/* Called after every automaton event that ccp.c starts (and from
 * This-Layer-Finished): report a failure once, and never let MPPE that was
 * in force quietly disappear. */
static void settle(struct uppp_session *s)
{
    struct uppp_ccp *c = &s->ccp;
    struct uppp_fsm *f = &c->fsm;
    if (c->settling || s->dead || c->stopping)
        return;
    c->settling = 1;
    if (!c->fail_reported) {
        char why[sizeof(c->fail_why)];
        why[0] = '\0';
        if (c->fail_pending) {
            snprintf(why, sizeof(why), "%s", c->fail_why);
        } else if (f->failed || (c->offer && !c->mppe_up && !is_negotiating_or_open(f->state) &&
                                 f->state != UPPP_FSM_STARTING)) {
            /* The automaton gave up (Max-Configure, endless Naks, a
             * catastrophic Code-Reject) or the peer stopped CCP
             * (Protocol-Reject, Terminate). */
            if (f->reason[0])
                uppp_log(s, UPPP_LOG_INFO, "%s", f->reason);
            snprintf(why, sizeof(why), "%s", fail_text(s, FAIL_NEGOTIATION));
        }
        if (why[0]) {
            c->fail_reported = 1;
            c->fail_pending = 0;
            f->failed = 1; /* the session's gate: no longer waiting for CCP */
            if (is_negotiating_or_open(f->state))
                uppp_fsm_close(f, why, s->now);
            report(s, why);
            c->settling = 0;
            return;
        }
    }
    if (c->in_force && !c->stopping && !s->dead && s->lcp.fsm.state == UPPP_FSM_OPENED &&
        !is_negotiating_or_open(f->state)) {
        /* pppd ccp_down: MPPE going away takes the link with it. */
        uppp_log(s, UPPP_LOG_ERR, "MPPE disabled");
        uppp_link_close(s, UPPP_END_NEGOTIATION_FAILED, "MPPE disabled");
    }
    c->settling = 0;
}

/* ---- entry points ---- */

void uppp_ccp_init(struct uppp_session *s)
{
    uppp_fsm_init(&s->ccp.fsm, &ccp_ops, uppp_cp_send, s);
    uppp_fsm_configure(s, &s->ccp.fsm);
}

/* Strengths we may use with the keys at hand (UPPP_MPPE_OPT_S/M/L). */
static uint32_t allowed_strengths(struct uppp_session *s)
{
    uint32_t a = 0;
    if (s->cfg.mppe_bits & 1)
        a |= UPPP_MPPE_OPT_L;
    if (s->cfg.mppe_bits & 2)
        a |= UPPP_MPPE_OPT_M;
    if (s->cfg.mppe_bits & 4)
        a |= UPPP_MPPE_OPT_S;
    if (s->keys.method == UPPP_AUTH_MSCHAP_V1 && !s->keys.have_lm &&
        (a & (UPPP_MPPE_OPT_L | UPPP_MPPE_OPT_M))) {
        /* RFC 3079 sections 2.1, 2.2: after MS-CHAPv1, 40 and 56 bits are
         * keyed from the LAN Manager hash, which an NT-hash secret lacks. */
        uppp_log(s, UPPP_LOG_NOTICE, "Disabling 40/56-bit MPPE; MS-CHAP LM keys not available");
        a &= UPPP_MPPE_OPT_S;
    }
    return a;
}

void uppp_ccp_start(struct uppp_session *s)
{
    struct uppp_ccp *c = &s->ccp;
    c->stopping = 0;
    c->fail_pending = c->fail_reported = 0;
    c->in_force = c->mppe_up = 0;
    c->got.on = c->his.on = 0;
    c->stateful_ok = s->cfg.mppe_stateful_ok || s->cfg.mppe_want_stateful;
    c->allowed = 0;
    if (s->cfg.mppe != UPPP_MPPE_OFF && s->keys.have)
        c->allowed = allowed_strengths(s);
    c->offer = c->allowed != 0;
    if (!c->offer && s->cfg.mppe >= UPPP_MPPE_OPTIONAL) {
        if (s->keys.have)
            uppp_log(s, UPPP_LOG_ERR, "MPPE: no key strength left to negotiate");
        c->enabled = 0;
        uppp_ccp_is_failed(s, fail_text(s, FAIL_NOT_AVAILABLE));
        return;
    }
    /* Without an offer CCP still runs, so that a peer asking for MPPE gets
     * a Configure-Reject ("peer refused") rather than a Protocol-Reject. */
    c->enabled = 1;
    uppp_fsm_open(&c->fsm, s->now);
    uppp_fsm_up(&c->fsm, s->now);
    settle(s);
}

void uppp_ccp_stop(struct uppp_session *s)
{
    struct uppp_ccp *c = &s->ccp;
    c->stopping = 1;
    uppp_fsm_down(&c->fsm, s->now);
    uppp_ccp_mppe_close(s);
    c->mppe_up = c->in_force = 0;
    c->enabled = 0;
}

void uppp_ccp_input(struct uppp_session *s, const uint8_t *pkt, size_t len)
{
    struct uppp_ccp *c = &s->ccp;
    enum uppp_fsm_state old = c->fsm.state;
    uppp_fsm_input(&c->fsm, pkt, len, s->now);
    if (old == UPPP_FSM_OPENED && c->fsm.state != UPPP_FSM_OPENED && len > 0 &&
        pkt[0] == UPPP_TERMREQ && !s->dead) {
        uppp_log(s, UPPP_LOG_NOTICE, "Compression disabled by peer.");
        if (c->in_force && !c->stopping) {
            uppp_log(s, UPPP_LOG_ERR, "MPPE disabled, closing LCP");
            uppp_link_close(s, UPPP_END_NEGOTIATION_FAILED, "MPPE disabled by peer");
        }
    }
    settle(s);
}

void uppp_ccp_timer(struct uppp_session *s, uint64_t now)
{
    uppp_fsm_timer(&s->ccp.fsm, now);
    if (!s->dead)
        uppp_ccp_reset_timer(s, now);
    settle(s);
}

uint64_t uppp_ccp_deadline(const struct uppp_session *s)
{
    return uppp_min_deadline(s->ccp.fsm.deadline, s->ccp.rreq_deadline);
}

void uppp_ccp_renegotiate(struct uppp_session *s)
{
    struct uppp_ccp *c = &s->ccp;
    if (!c->enabled || c->stopping || s->dead)
        return;
    uppp_log(s, UPPP_LOG_INFO, "Renegotiating CCP");
    c->fail_pending = c->fail_reported = 0;
    /* Down then Up: from Opened this sends a fresh Configure-Request with no
     * Terminate in between, and the peer renegotiates on receiving it (RFC
     * 1661 section 4.1, RCR in Opened). MPPE stays in force meanwhile:
     * packets are dropped, not sent in the clear. */
    uppp_fsm_down(&c->fsm, s->now);
    uppp_fsm_open(&c->fsm, s->now);
    uppp_fsm_up(&c->fsm, s->now);
    settle(s);
}

void uppp_ccp_free(struct uppp_session *s)
{
    uppp_ccp_mppe_close(s);
}

void uppp_session_set_mppe_keys(struct uppp_session *s, const struct uppp_keys *keys)
{
    uppp_memzero(&s->keys, sizeof(s->keys));
    s->keys = *keys;
}
