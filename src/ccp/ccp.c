/*
 * CCP (RFC 1962) on the shared RFC 1661 automaton, generic over its methods
 * (struct uppp_ccp_method in ccp.h): ccp.c walks the options, hands each of
 * the method's type to it, keeps the failure policy and the automaton. The
 * MPPE method (RFC 3078 section 2, option 18) and its data path are in
 * ccp_mppe.c; the rules below are what the two make together.
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
#include "ccp_mppe.h"

#include <uppp/err.h>

#include "crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The methods, in the order they are offered: the first whose offer()
 * returns 1 is requested; with none, the first answers the peer. A new
 * method is one more line here. */
static const struct uppp_ccp_method *const methods[] = {
    &uppp_ccp_mppe_method,
};
#define N_METHODS (sizeof(methods) / sizeof(methods[0]))

static size_t state_size(void)
{
    size_t n = 0;
    for (size_t i = 0; i < N_METHODS; i++)
        if (methods[i]->state_size > n)
            n = methods[i]->state_size;
    return n;
}

/* The reason for a failure: pppd's words where the link then closes
 * (encryption required, or already in force), plain ones where it carries
 * on. */
static const char *fail_text(const struct uppp_session *s, enum uppp_ccp_fail k)
{
    const struct uppp_ccp *c = &s->ccp;
    return c->method->fail_text(c->st, k, s->cfg.mppe == UPPP_MPPE_REQUIRED || c->in_force);
}

void uppp_ccp_note_failure(struct uppp_session *s, enum uppp_ccp_fail k)
{
    struct uppp_ccp *c = &s->ccp;
    if (c->fail_pending)
        return;
    c->fail_pending = 1;
    snprintf(c->fail_why, sizeof(c->fail_why), "%s", fail_text(s, k));
}

static int is_negotiating_or_open(enum uppp_fsm_state st)
{
    return st >= UPPP_FSM_REQSENT && st <= UPPP_FSM_OPENED;
}

/* ---- automaton callbacks ---- */

static void ccp_resetci(struct uppp_fsm *f)
{
    struct uppp_session *s = uppp_fsm_session(f);
    s->ccp.method->resetci(s, s->ccp.st);
}

static size_t ccp_addci(struct uppp_fsm *f, uint8_t *buf, size_t cap)
{
    struct uppp_session *s = uppp_fsm_session(f);
    if (!s->ccp.offer)
        return 0;
    return s->ccp.method->addci(s, s->ccp.st, buf, cap);
}

static int ccp_ackci(struct uppp_fsm *f, const uint8_t *p, size_t len)
{
    struct uppp_session *s = uppp_fsm_session(f);
    /* RFC 1661 section 5.2: an Ack lists our options exactly. */
    uint8_t mine[UPPP_FSM_MAX_OPTS];
    size_t n = ccp_addci(f, mine, sizeof(mine));
    if (n != len || memcmp(mine, p, len) != 0)
        return 0;
    if (n != 0)
        s->ccp.method->acked(s, s->ccp.st);
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
    for (size_t off = 0; off < len; off += p[off + 1]) {
        const uint8_t *o = p + off;
        /* Suggestions for options we did not request are ignored, as
         * pppd does (nothing but our method could be requested from us). */
        if (o[0] != c->method->opt || !c->offer)
            continue;
        int rc = c->method->nakci(s, c->st, o, o[1]);
        if (rc == 0)
            continue;
        if (rc < 0)
            uppp_ccp_note_failure(s, (enum uppp_ccp_fail) - rc);
        if (c->fail_pending) {
            uppp_fsm_set_reason(f, "%s", c->fail_why);
            return -1;
        }
    }
    return 1;
}

static int ccp_rejci(struct uppp_fsm *f, const uint8_t *p, size_t len)
{
    struct uppp_session *s = uppp_fsm_session(f);
    struct uppp_ccp *c = &s->ccp;
    if (len == 0 || !well_formed(p, len))
        return 0;
    uint8_t mine[UPPP_FSM_MAX_OPTS];
    size_t n = ccp_addci(f, mine, sizeof(mine));
    for (size_t off = 0; off < len; off += p[off + 1]) {
        /* Only what we sent can be Rejected (RFC 1661 section 5.4). */
        if (n == 0 || p[off] != mine[0] || p[off + 1] != mine[1])
            return 0;
    }
    uppp_ccp_note_failure(s, UPPP_CCP_FAIL_REFUSED);
    uppp_fsm_set_reason(f, "%s", c->fail_why);
    return -1;
}

static int ccp_reqci(struct uppp_fsm *f, const uint8_t *p, size_t len, uint8_t *out, size_t *outlen,
                     int reject_if_disagree)
{
    struct uppp_session *s = uppp_fsm_session(f);
    struct uppp_ccp *c = &s->ccp;
    uint8_t nak[UPPP_FSM_MAX_OPTS], rej[UPPP_FSM_MAX_OPTS];
    size_t nnak = 0, nrej = 0;
    int seen = 0, acked = 0, rejected = 0;
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
        uint8_t sug[16];
        size_t nsug = 0;
        int verdict = UPPP_CONFREJ; /* Deflate, BSD, Predictor...: not ours */
        if (o[0] == c->method->opt) {
            /* A second option of the same type is Rejected. */
            verdict = seen ? UPPP_CONFREJ : c->method->reqci(s, c->st, o, olen, sug, &nsug);
            seen = 1;
            if (verdict == UPPP_CONFACK)
                acked = 1;
        }
        if (verdict == UPPP_CONFNAK && reject_if_disagree)
            verdict = UPPP_CONFREJ;
        if (verdict == UPPP_CONFNAK) {
            uppp_cp_opt_append(nak, &nnak, sug, nsug);
        } else if (verdict == UPPP_CONFREJ) {
            uppp_cp_opt_append(rej, &nrej, o, olen);
            if (o[0] == c->method->opt)
                rejected = 1;
        }
    }
    int code = uppp_cp_reply(rej, nrej, nak, nnak, out, outlen);
    if (code == UPPP_CONFACK)
        c->method->peer_acked(s, c->st, acked);
    /* pppd (rej_for_ci_mppe): Rejecting the peer's option for our method,
     * or a request without it, means the method cannot be agreed in the
     * peer's direction. The Reject still goes out; the failure is reported
     * once the automaton is done (uppp_ccp_settle()). */
    if (c->offer && (rejected || (code == UPPP_CONFREJ && !seen)))
        uppp_ccp_note_failure(s, UPPP_CCP_FAIL_NEGOTIATION);
    return code;
}

static void ccp_up(struct uppp_fsm *f)
{
    struct uppp_session *s = uppp_fsm_session(f);
    struct uppp_ccp *c = &s->ccp;
    int rc = c->method->open(s, c->st, c->offer);
    if (rc < 0) {
        uppp_ccp_note_failure(s, (enum uppp_ccp_fail) - rc);
        return;
    }
    if (rc > 0)
        return; /* nothing agreed, nothing offered: this link compresses nothing */
    c->up = 1;
    /* Once encrypted, never back to the clear; compression alone may. */
    c->in_force = c->method->encrypts == NULL || c->method->encrypts(c->st);
    uppp_post_type(s, UPPP_QEV_CCP_UP);
}

static void ccp_down(struct uppp_fsm *f)
{
    struct uppp_session *s = uppp_fsm_session(f);
    struct uppp_ccp *c = &s->ccp;
    int was_up = c->up;
    c->method->close(s, c->st);
    /* Once in force, the method stays "up" for the session's gate: with no
     * data path every network packet is dropped until CCP reopens or the
     * link goes. */
    c->up = c->in_force;
    if (was_up)
        uppp_post_type(s, UPPP_QEV_CCP_DOWN);
}

static int ccp_extcode(struct uppp_fsm *f, uint8_t code, uint8_t id, const uint8_t *p, size_t len)
{
    struct uppp_session *s = uppp_fsm_session(f);
    struct uppp_ccp *c = &s->ccp;
    (void)p, (void)len;
    /* RFC 1962 section 3.1; outside Opened they mean nothing (pppd too). */
    switch (code) {
    case UPPP_CCP_RESETREQ:
        if (f->state == UPPP_FSM_OPENED)
            c->method->reset_request(s, c->st, id);
        return 1;
    case UPPP_CCP_RESETACK:
        if (f->state == UPPP_FSM_OPENED)
            c->method->reset_ack(s, c->st, id);
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
    .extcode = ccp_extcode,
    .coderej_ok = ccp_coderej_ok,
};

/* ---- failure reporting ---- */

/* Every entry point's last act: the session then calls uppp_ccp_settle(),
 * after the automaton has finished with the event. */
static void post_settle(struct uppp_session *s)
{
    uppp_post_type(s, UPPP_QEV_CCP_SETTLE);
}

int uppp_ccp_settle(struct uppp_session *s, char *why, size_t cap)
{
    struct uppp_ccp *c = &s->ccp;
    struct uppp_fsm *f = &c->fsm;
    why[0] = '\0';
    if (!c->enabled)
        return UPPP_CCP_SETTLED; /* stopped with LCP: nothing to report */
    if (!c->fail_reported) {
        if (c->fail_pending) {
            snprintf(why, cap, "%s", c->fail_why);
        } else if (f->failed || (c->offer && !c->up && !is_negotiating_or_open(f->state) &&
                                 f->state != UPPP_FSM_STARTING)) {
            /* The automaton gave up (Max-Configure, endless Naks, a
             * catastrophic Code-Reject) or the peer stopped CCP
             * (Protocol-Reject, Terminate). */
            if (f->reason[0])
                uppp_log(s, UPPP_LOG_INFO, "%s", f->reason);
            snprintf(why, cap, "%s", fail_text(s, UPPP_CCP_FAIL_NEGOTIATION));
        }
        if (why[0]) {
            c->fail_reported = 1;
            c->fail_pending = 0;
            f->failed = 1; /* the session's gate: no longer waiting for CCP */
            if (is_negotiating_or_open(f->state))
                uppp_fsm_close(f, why, s->now);
            return UPPP_CCP_FAILED;
        }
    }
    if (c->in_force && !is_negotiating_or_open(f->state))
        return UPPP_CCP_GONE;
    return UPPP_CCP_SETTLED;
}

/* ---- the lost Configure-Ack ----
 *
 * pppd 2.4.9 ends the link when its CCP, Opened with MPPE, receives any
 * Configure-Request: RCR in Opened is This-Layer-Down first (RFC 1661
 * section 4.1), and its ccp_down then closes LCP ("MPPE disabled"). Under
 * loss that request is our own Restart timer's retransmission in
 * Ack-Sent: we Acked the peer's request, the peer's Ack of ours was lost,
 * and the peer is Opened. A peer sends compressed datagrams only once its
 * CCP is Opened (RFC 1962 section 2) and Reset-Requests only while its
 * decompressor runs (section 3.1, pppd answers and sends them only in
 * Opened), and it is Opened only after Acking our request (RFC 1661
 * section 4.2). So in Ack-Sent either one stands for that Ack: CCP opens
 * and the retransmission never goes. Only when we requested the method:
 * with nothing requested, nothing of ours could have been Acked. */
static int implied_ack(struct uppp_session *s, const char *evidence)
{
    struct uppp_ccp *c = &s->ccp;
    if (!c->enabled || !c->offer || c->fsm.state != UPPP_FSM_ACKSENT)
        return 0;
    c->peer_ncp = c->held = 0;
    if (!uppp_fsm_implied_ack(&c->fsm, s->now))
        return 0;
    uppp_log(s, UPPP_LOG_INFO,
             "CCP: %s in Ack-Sent: its Configure-Ack of our request was lost; CCP is Opened",
             evidence);
    return 1;
}

/* The same Ack, lost in the initial negotiation: then the pppd peer has
 * no data to send yet (its IPCP needs ours, which waits for CCP), only
 * its network control protocols, which pppd 2.4.9 starts once its CCP is
 * Opened when it requested MPPE (auth.c start_networks, ccp.c ccp_up) and
 * it is exactly such a pppd that ends the link on our retransmission. A
 * peer that starts them at once proves nothing by them, so they count
 * only when our Restart timer expires in Ack-Sent: the peer left our
 * request unanswered for a whole Restart period. If it had Nakked or
 * Rejected it and that was lost too, its own retransmitted request then
 * reaches us Opened and renegotiates CCP (RFC 1661 RCR+ in Opened); MPPE
 * stays in force meanwhile, so nothing goes in the clear. */
void uppp_ccp_peer_ncp(struct uppp_session *s)
{
    struct uppp_ccp *c = &s->ccp;
    /* Only what comes after our current request went says anything about
     * the peer's answer to it. */
    if (!c->enabled || !c->offer || c->fsm.state != UPPP_FSM_ACKSENT ||
        (c->peer_ncp && c->peer_ncp_id == c->fsm.id))
        return;
    c->peer_ncp = 1;
    c->peer_ncp_id = c->fsm.id;
    /* A whole Restart period without an answer has passed already. */
    if (c->held && c->held_id == c->fsm.id)
        (void)implied_ack(s, "the peer's network control protocols after a Restart period with "
                             "no answer");
}

/* Called first by the timer: the Restart timer is due in Ack-Sent.
 *
 * With no word at all from the peer for a Restart period, the pppd peer
 * that Acked and opened may still be about to speak: its first IPCP
 * Configure-Request can have been lost as well, and its retransmission
 * comes one Restart period after it, i.e. just after our timer. So the
 * first time our request goes unanswered in Ack-Sent, the retransmission
 * waits one more Restart period; the peer's network protocols heard in it
 * open CCP at once (uppp_ccp_peer_ncp). A peer that really lost our
 * request or its answer retransmits its own request meanwhile (Ack-Rcvd,
 * RFC 1661 TO+) and is Acked again; ours follows one period late. */
static void peer_ncp_due(struct uppp_session *s, uint64_t now)
{
    struct uppp_ccp *c = &s->ccp;
    if (c->fsm.state != UPPP_FSM_ACKSENT) {
        c->peer_ncp = c->held = 0; /* about a state left behind */
        return;
    }
    if (c->peer_ncp && c->fsm.id != c->peer_ncp_id)
        c->peer_ncp = 0; /* about a request left behind */
    if (c->fsm.deadline == 0 || now < c->fsm.deadline)
        return;
    if (c->peer_ncp) {
        (void)implied_ack(s, "the peer's network control protocols and no answer for a Restart "
                             "period");
    } else if (c->enabled && c->offer && !(c->held && c->held_id == c->fsm.id)) {
        c->held = 1;
        c->held_id = c->fsm.id;
        c->fsm.deadline = now + c->fsm.restart_ms;
        uppp_log(s, UPPP_LOG_DEBUG,
                 "CCP: no answer to our request for a Restart period in Ack-Sent: "
                 "one more before it is sent again");
    }
}

/* ---- services for the methods ---- */

void uppp_ccp_send_code(struct uppp_session *s, uint8_t code, uint8_t id, const uint8_t *data,
                        size_t len)
{
    uppp_fsm_send_code(&s->ccp.fsm, code, id, data, len);
}

uint8_t uppp_ccp_next_id(struct uppp_session *s)
{
    return s->ccp.fsm.next_id++;
}

int uppp_ccp_opened(const struct uppp_session *s)
{
    return s->ccp.fsm.state == UPPP_FSM_OPENED;
}

int uppp_ccp_max_tries(const struct uppp_session *s)
{
    return s->ccp.fsm.max_configure;
}

/* ---- entry points ---- */

void uppp_ccp_init(struct uppp_session *s)
{
    struct uppp_ccp *c = &s->ccp;
    uppp_fsm_init(&c->fsm, &ccp_ops, uppp_cp_send, s);
    uppp_fsm_configure(s, &c->fsm);
    c->method = methods[0];
    /* NULL on out of memory: CCP then never runs (uppp_ccp_start). */
    c->st = calloc(1, state_size());
}

void uppp_ccp_start(struct uppp_session *s, const struct uppp_keys *keys)
{
    struct uppp_ccp *c = &s->ccp;
    c->fail_pending = c->fail_reported = 0;
    c->in_force = c->up = 0;
    c->offer = 0;
    c->peer_ncp = c->held = 0;
    if (c->st == NULL) {
        uppp_log(s, UPPP_LOG_ERR, "CCP: out of memory");
        c->enabled = 0;
        uppp_post_end(s, UPPP_QEV_CCP_FAILED, UPPP_END_NEGOTIATION_FAILED, "%s",
                      "MPPE required but not available");
        return;
    }
    /* The first method that can be offered is requested. With none, the
     * first stays to answer (Reject) the peer; its offer() has prepared
     * it, unless another was tried last. */
    for (size_t i = 0; i < N_METHODS && !c->offer; i++) {
        c->method = methods[i];
        memset(c->st, 0, methods[i]->state_size);
        c->offer = methods[i]->offer(s, c->st, keys) == 1;
    }
    if (!c->offer && c->method != methods[0]) {
        c->method = methods[0];
        memset(c->st, 0, c->method->state_size);
        (void)c->method->offer(s, c->st, keys);
    }
    if (!c->offer && s->cfg.mppe >= UPPP_MPPE_OPTIONAL) {
        c->enabled = 0;
        uppp_post_end(s, UPPP_QEV_CCP_FAILED, UPPP_END_NEGOTIATION_FAILED, "%s",
                      fail_text(s, UPPP_CCP_FAIL_NOT_AVAILABLE));
        return;
    }
    /* Without an offer CCP still runs, so that a peer asking for MPPE gets
     * a Configure-Reject ("peer refused") rather than a Protocol-Reject. */
    c->enabled = 1;
    uppp_fsm_open(&c->fsm, s->now);
    uppp_fsm_up(&c->fsm, s->now);
    post_settle(s);
}

void uppp_ccp_stop(struct uppp_session *s)
{
    struct uppp_ccp *c = &s->ccp;
    /* Not enabled first: whatever the automaton says on the way down is
     * not a failure to report (LCP took CCP down). */
    c->enabled = 0;
    uppp_fsm_down(&c->fsm, s->now);
    c->up = c->in_force = 0;
    if (c->st != NULL) {
        c->method->close(s, c->st);
        uppp_memzero(c->st, c->method->state_size); /* the start keys */
    }
}

void uppp_ccp_protreject(struct uppp_session *s)
{
    uppp_fsm_protreject(&s->ccp.fsm, s->now);
    post_settle(s);
}

void uppp_ccp_input(struct uppp_session *s, const uint8_t *pkt, size_t len)
{
    struct uppp_ccp *c = &s->ccp;
    enum uppp_fsm_state old = c->fsm.state;
    if (uppp_cp_length(pkt, len) != 0 && pkt[0] == UPPP_CCP_RESETREQ)
        (void)implied_ack(s, "a Reset-Request from the peer"); /* then answered below */
    uppp_fsm_input(&c->fsm, pkt, len, s->now);
    if (old == UPPP_FSM_OPENED && c->fsm.state != UPPP_FSM_OPENED && len > 0 &&
        pkt[0] == UPPP_TERMREQ) {
        uppp_log(s, UPPP_LOG_NOTICE, "Compression disabled by peer.");
        if (c->in_force) {
            uppp_log(s, UPPP_LOG_ERR, "MPPE disabled, closing LCP");
            uppp_post_end(s, UPPP_QEV_CLOSE, UPPP_END_NEGOTIATION_FAILED, "MPPE disabled by peer");
        }
    }
    post_settle(s);
}

int uppp_ccp_data_input(struct uppp_session *s, const uint8_t *pkt, size_t len, int writable,
                        struct uppp_ccp_plain *out)
{
    struct uppp_ccp *c = &s->ccp;
    if (c->st == NULL)
        return 0;
    if (c->fsm.state == UPPP_FSM_ACKSENT && c->method->fresh != NULL &&
        c->method->fresh(c->st, pkt, len) && implied_ack(s, "compressed data from the peer"))
        post_settle(s); /* the method may have refused to open */
    return c->method->input(s, c->st, pkt, len, writable, out);
}

void uppp_ccp_data_done(struct uppp_session *s)
{
    if (s->ccp.st != NULL)
        s->ccp.method->input_done(s->ccp.st);
}

int uppp_ccp_send(struct uppp_session *s, uint16_t proto, const uint8_t *pkt, size_t len)
{
    if (s->ccp.st == NULL)
        return UPPP_ERR_DROPPED;
    return s->ccp.method->send(s, s->ccp.st, proto, pkt, len);
}

void uppp_ccp_timer(struct uppp_session *s, uint64_t now)
{
    peer_ncp_due(s, now);
    uppp_fsm_timer(&s->ccp.fsm, now);
    if (s->ccp.st != NULL)
        s->ccp.method->timer(s, s->ccp.st, now);
    post_settle(s);
}

uint64_t uppp_ccp_deadline(const struct uppp_session *s)
{
    uint64_t d = s->ccp.st != NULL ? s->ccp.method->deadline(s->ccp.st) : 0;
    return uppp_min_deadline(s->ccp.fsm.deadline, d);
}

void uppp_ccp_renegotiate(struct uppp_session *s)
{
    struct uppp_ccp *c = &s->ccp;
    if (!c->enabled)
        return;
    uppp_log(s, UPPP_LOG_INFO, "Renegotiating CCP");
    c->fail_pending = c->fail_reported = 0;
    c->peer_ncp = c->held = 0;
    /* Down then Up: from Opened this sends a fresh Configure-Request with no
     * Terminate in between, and the peer renegotiates on receiving it (RFC
     * 1661 section 4.1, RCR in Opened). MPPE stays in force meanwhile:
     * packets are dropped, not sent in the clear. */
    uppp_fsm_down(&c->fsm, s->now);
    uppp_fsm_open(&c->fsm, s->now);
    uppp_fsm_up(&c->fsm, s->now);
    post_settle(s);
}

void uppp_ccp_free(struct uppp_session *s)
{
    struct uppp_ccp *c = &s->ccp;
    if (c->st == NULL)
        return;
    c->method->close(s, c->st);
    uppp_memzero(c->st, state_size());
    free(c->st);
    c->st = NULL;
}

int uppp_ccp_enabled(const struct uppp_session *s)
{
    return s->ccp.enabled;
}

int uppp_ccp_mppe_up(const struct uppp_session *s)
{
    return s->ccp.up;
}

int uppp_ccp_in_force(const struct uppp_session *s)
{
    return s->ccp.in_force;
}

int uppp_ccp_encrypting(const struct uppp_session *s)
{
    return s->ccp.up && s->ccp.in_force;
}

int uppp_ccp_pending(const struct uppp_session *s)
{
    const struct uppp_ccp *c = &s->ccp;
    return c->enabled && !c->fsm.failed && !c->up && c->fsm.state != UPPP_FSM_STOPPED &&
           c->fsm.state != UPPP_FSM_CLOSED;
}

unsigned uppp_ccp_overhead(const struct uppp_session *s, int may_come)
{
    return s->ccp.up || may_come ? s->ccp.method->overhead : 0;
}

void uppp_ccp_status(const struct uppp_session *s, struct uppp_status *st)
{
    if (s->ccp.up && s->ccp.st != NULL)
        s->ccp.method->status(s->ccp.st, st);
}
