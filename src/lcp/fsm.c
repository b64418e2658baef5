/*
 * The RFC 1661 option-negotiation automaton: section 4.1's state transition
 * table, run as data. Each cell of the table below is the RFC's
 * "actions/new-state"; one executor performs the actions in the order the
 * RFC's prose implies (This-Layer-Down first, the layer's up/started/
 * finished notifications after the state has changed).
 *
 * Beyond the table:
 *  - Max-Failure (section 4.6): after that many Configure-Naks sent without
 *    an Ack, options we would Nak are Rejected instead.
 *  - Configure-Naks/Rejects *received* are capped too (a peer that Naks
 *    forever, ppp-project/ppp#558): after max_failure + max_configure of
 *    them without an Ack, the layer closes with a reason.
 */
#include "fsm.h"

#include <uppp/escape.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum {
    A_TLU = 1 << 0,  /* This-Layer-Up */
    A_TLD = 1 << 1,  /* This-Layer-Down */
    A_TLS = 1 << 2,  /* This-Layer-Started */
    A_TLF = 1 << 3,  /* This-Layer-Finished */
    A_IRC = 1 << 4,  /* Initialize-Restart-Count */
    A_ZRC = 1 << 5,  /* Zero-Restart-Count */
    A_SCR = 1 << 6,  /* Send-Configure-Request */
    A_SCA = 1 << 7,  /* Send-Configure-Ack */
    A_SCN = 1 << 8,  /* Send-Configure-Nak/Rej */
    A_STR = 1 << 9,  /* Send-Terminate-Request */
    A_STA = 1 << 10, /* Send-Terminate-Ack */
    A_SCJ = 1 << 11, /* Send-Code-Reject */
    A_SER = 1 << 12, /* Send-Echo-Reply (handled by the layer's extcode) */
};

#define ILLEGAL 0xff
#define T(actions, next)                                                                           \
    {                                                                                              \
        (actions), (next)                                                                          \
    }
#define NO                                                                                         \
    {                                                                                              \
        0, ILLEGAL                                                                                 \
    }

struct cell {
    uint16_t actions;
    uint8_t next;
};

/* RFC 1661 section 4.1, [event][state]. Footnotes r, p and x need no extra
 * action here: we implement no restart option, and passive and crossed
 * connections follow from the transitions as written. */
static const struct cell table[UPPP_EV_COUNT][10] = {
    [UPPP_EV_UP] = {T(0, 2), T(A_IRC | A_SCR, 6), NO, NO, NO, NO, NO, NO, NO, NO},
    [UPPP_EV_DOWN] = {NO, NO, T(0, 0), T(A_TLS, 1), T(0, 0), T(0, 1), T(0, 1), T(0, 1), T(0, 1),
                      T(A_TLD, 1)},
    [UPPP_EV_OPEN] = {T(A_TLS, 1), T(0, 1), T(A_IRC | A_SCR, 6), T(0, 3), T(0, 5), T(0, 5), T(0, 6),
                      T(0, 7), T(0, 8), T(0, 9)},
    [UPPP_EV_CLOSE] = {T(0, 0), T(A_TLF, 0), T(0, 2), T(0, 2), T(0, 4), T(0, 4),
                       T(A_IRC | A_STR, 4), T(A_IRC | A_STR, 4), T(A_IRC | A_STR, 4),
                       T(A_TLD | A_IRC | A_STR, 4)},
    [UPPP_EV_TO_PLUS] = {NO, NO, NO, NO, T(A_STR, 4), T(A_STR, 5), T(A_SCR, 6), T(A_SCR, 6),
                         T(A_SCR, 8), NO},
    [UPPP_EV_TO_MINUS] = {NO, NO, NO, NO, T(A_TLF, 2), T(A_TLF, 3), T(A_TLF, 3), T(A_TLF, 3),
                          T(A_TLF, 3), NO},
    [UPPP_EV_RCR_PLUS] = {NO, NO, T(A_STA, 2), T(A_IRC | A_SCR | A_SCA, 8), T(0, 4), T(0, 5),
                          T(A_SCA, 8), T(A_SCA | A_TLU, 9), T(A_SCA, 8),
                          T(A_TLD | A_SCR | A_SCA, 8)},
    [UPPP_EV_RCR_MINUS] = {NO, NO, T(A_STA, 2), T(A_IRC | A_SCR | A_SCN, 6), T(0, 4), T(0, 5),
                           T(A_SCN, 6), T(A_SCN, 7), T(A_SCN, 6), T(A_TLD | A_SCR | A_SCN, 6)},
    [UPPP_EV_RCA] = {NO, NO, T(A_STA, 2), T(A_STA, 3), T(0, 4), T(0, 5), T(A_IRC, 7), T(A_SCR, 6),
                     T(A_IRC | A_TLU, 9), T(A_TLD | A_SCR, 6)},
    [UPPP_EV_RCN] = {NO, NO, T(A_STA, 2), T(A_STA, 3), T(0, 4), T(0, 5), T(A_IRC | A_SCR, 6),
                     T(A_SCR, 6), T(A_IRC | A_SCR, 8), T(A_TLD | A_SCR, 6)},
    [UPPP_EV_RTR] = {NO, NO, T(A_STA, 2), T(A_STA, 3), T(A_STA, 4), T(A_STA, 5), T(A_STA, 6),
                     T(A_STA, 6), T(A_STA, 6), T(A_TLD | A_ZRC | A_STA, 5)},
    [UPPP_EV_RTA] = {NO, NO, T(0, 2), T(0, 3), T(A_TLF, 2), T(A_TLF, 3), T(0, 6), T(0, 6), T(0, 8),
                     T(A_TLD | A_SCR, 6)},
    [UPPP_EV_RUC] = {NO, NO, T(A_SCJ, 2), T(A_SCJ, 3), T(A_SCJ, 4), T(A_SCJ, 5), T(A_SCJ, 6),
                     T(A_SCJ, 7), T(A_SCJ, 8), T(A_SCJ, 9)},
    [UPPP_EV_RXJ_PLUS] = {NO, NO, T(0, 2), T(0, 3), T(0, 4), T(0, 5), T(0, 6), T(0, 6), T(0, 8),
                          T(0, 9)},
    [UPPP_EV_RXJ_MINUS] = {NO, NO, T(A_TLF, 2), T(A_TLF, 3), T(A_TLF, 2), T(A_TLF, 3), T(A_TLF, 3),
                           T(A_TLF, 3), T(A_TLF, 3), T(A_TLD | A_IRC | A_STR, 5)},
    [UPPP_EV_RXR] = {NO, NO, T(0, 2), T(0, 3), T(0, 4), T(0, 5), T(0, 6), T(0, 7), T(0, 8),
                     T(A_SER, 9)},
};

/* The reply to a Configure-Request, built by reqci before the event runs. */
struct reply {
    uint8_t code;
    uint8_t id;
    const uint8_t *opts;
    size_t len;
};

/* The packet that caused RUC, for Send-Code-Reject. */
struct rejected {
    const uint8_t *pkt;
    size_t len;
};

static const char *const state_names[] = {"Initial",  "Starting", "Closed",   "Stopped",  "Closing",
                                          "Stopping", "Req-Sent", "Ack-Rcvd", "Ack-Sent", "Opened"};

const char *uppp_fsm_state_name(enum uppp_fsm_state s)
{
    return (unsigned)s < 10 ? state_names[s] : "?";
}

void uppp_fsm_init(struct uppp_fsm *f, const struct uppp_fsm_ops *ops, uppp_fsm_send_fn send,
                   void *ctx)
{
    memset(f, 0, sizeof(*f));
    f->ops = ops;
    f->send = send;
    f->ctx = ctx;
    f->state = UPPP_FSM_INITIAL;
    f->next_id = 1;
    /* RFC 1661 section 4.6 suggested values; pppd uses the same. */
    f->max_configure = 10;
    f->max_terminate = 2;
    f->max_failure = 5;
    f->restart_ms = 3000;
}

void uppp_fsm_set_reason(struct uppp_fsm *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->reason, sizeof(f->reason), fmt, ap);
    va_end(ap);
}

void uppp_fsm_send_code(struct uppp_fsm *f, uint8_t code, uint8_t id, const uint8_t *data,
                        size_t len)
{
    uint8_t pkt[UPPP_CP_HDRLEN + UPPP_FSM_MAX_OPTS];
    if (len > UPPP_FSM_MAX_OPTS)
        len = UPPP_FSM_MAX_OPTS;
    pkt[0] = code;
    pkt[1] = id;
    pkt[2] = (uint8_t)((len + UPPP_CP_HDRLEN) >> 8);
    pkt[3] = (uint8_t)(len + UPPP_CP_HDRLEN);
    if (len)
        memcpy(pkt + UPPP_CP_HDRLEN, data, len);
    f->send(f, pkt, len + UPPP_CP_HDRLEN);
}

static void start_timer(struct uppp_fsm *f)
{
    f->deadline = f->now + f->restart_ms;
    if (f->deadline == 0)
        f->deadline = 1;
}

/* Send-Configure-Request. A retransmission (TO+) reuses the identifier; a
 * fresh request starting a negotiation first resets our options. */
static void send_confreq(struct uppp_fsm *f, int retransmit, int fresh)
{
    if (fresh && f->ops->resetci)
        f->ops->resetci(f);
    if (!retransmit)
        f->id = f->next_id++;
    uint8_t opts[UPPP_FSM_MAX_OPTS];
    size_t len = f->ops->addci ? f->ops->addci(f, opts, sizeof(opts)) : 0;
    uppp_fsm_send_code(f, UPPP_CONFREQ, f->id, opts, len);
    f->restart_count--;
    start_timer(f);
}

static void send_termreq(struct uppp_fsm *f)
{
    f->term_id = f->next_id++;
    uppp_fsm_send_code(f, UPPP_TERMREQ, f->term_id, (const uint8_t *)f->reason, strlen(f->reason));
    f->restart_count--;
    start_timer(f);
}

static int timer_running(enum uppp_fsm_state s)
{
    return s >= UPPP_FSM_CLOSING && s <= UPPP_FSM_ACKSENT;
}

static void run(struct uppp_fsm *f, enum uppp_fsm_event ev, const struct reply *reply,
                uint8_t rx_id, const struct rejected *rej)
{
    enum uppp_fsm_state old = f->state;
    struct cell c = table[ev][old];
    if (c.next == ILLEGAL)
        return; /* RFC 1661: an illegal event in this state; ignore it. */
    uint16_t a = c.actions;
    int negotiating = old == UPPP_FSM_REQSENT || old == UPPP_FSM_ACKRCVD || old == UPPP_FSM_ACKSENT;

    if ((a & A_TLD) && f->ops->down)
        f->ops->down(f);
    if (a & A_IRC)
        f->restart_count = (a & A_STR) ? f->max_terminate : f->max_configure;
    if (a & A_ZRC) {
        f->restart_count = 0;
        start_timer(f);
    }
    /* A fresh request resets our options first, except after a
     * Configure-Request: rcv_confreq reset them before judging the peer's
     * (in Opened or Stopped, the states where this request is fresh), and
     * a second reset here would forget what it just agreed to, e.g. the
     * peer's IP address when pppd retransmits its IPCP request into our
     * Opened (pppd's fsm_rconfreq likewise resets once, then judges). */
    int rcr = ev == UPPP_EV_RCR_PLUS || ev == UPPP_EV_RCR_MINUS;
    if (a & A_SCR)
        send_confreq(f, ev == UPPP_EV_TO_PLUS, !negotiating && !rcr);
    if (a & (A_SCA | A_SCN)) {
        uppp_fsm_send_code(f, reply->code, reply->id, reply->opts, reply->len);
        if (reply->code == UPPP_CONFACK)
            f->nak_sent = 0;
        else if (reply->code == UPPP_CONFNAK)
            f->nak_sent++;
    }
    if (a & A_STR)
        send_termreq(f);
    if (a & A_STA)
        uppp_fsm_send_code(f, UPPP_TERMACK, rx_id, NULL, 0);
    if (a & A_SCJ)
        uppp_fsm_send_code(f, UPPP_CODEREJ, f->next_id++, rej->pkt, rej->len);

    f->state = (enum uppp_fsm_state)c.next;
    if (!timer_running(f->state))
        f->deadline = 0;
    if (f->state != UPPP_FSM_OPENED)
        f->implied_ack = 0;

    if ((a & A_TLU) && f->ops->up) {
        f->nak_rcvd = 0;
        f->ops->up(f);
    }
    if ((a & A_TLS) && f->ops->starting)
        f->ops->starting(f);
    if ((a & A_TLF) && f->ops->finished)
        f->ops->finished(f);
}

void uppp_fsm_up(struct uppp_fsm *f, uint64_t now)
{
    f->now = now;
    run(f, UPPP_EV_UP, NULL, 0, NULL);
}

void uppp_fsm_down(struct uppp_fsm *f, uint64_t now)
{
    f->now = now;
    run(f, UPPP_EV_DOWN, NULL, 0, NULL);
}

void uppp_fsm_open(struct uppp_fsm *f, uint64_t now)
{
    f->now = now;
    f->failed = 0;
    f->reason[0] = '\0';
    run(f, UPPP_EV_OPEN, NULL, 0, NULL);
}

void uppp_fsm_close(struct uppp_fsm *f, const char *reason, uint64_t now)
{
    f->now = now;
    if (reason != NULL)
        uppp_fsm_set_reason(f, "%s", reason);
    run(f, UPPP_EV_CLOSE, NULL, 0, NULL);
}

/* Give up on the negotiation: remember why, then Close (RFC 1661 section
 * 4.6, "not converging"). */
static void fail(struct uppp_fsm *f)
{
    f->failed = 1;
    run(f, UPPP_EV_CLOSE, NULL, 0, NULL);
}

void uppp_fsm_timer(struct uppp_fsm *f, uint64_t now)
{
    if (f->deadline == 0 || now < f->deadline)
        return;
    f->now = now;
    f->deadline = 0;
    if (f->restart_count > 0) {
        run(f, UPPP_EV_TO_PLUS, NULL, 0, NULL);
        return;
    }
    if (f->state >= UPPP_FSM_REQSENT && f->state <= UPPP_FSM_ACKSENT) {
        f->failed = 1;
        uppp_fsm_set_reason(f, "%s: no response to %d Configure-Requests", f->ops->name,
                            f->max_configure);
    }
    run(f, UPPP_EV_TO_MINUS, NULL, 0, NULL);
}

static void rcv_confreq(struct uppp_fsm *f, uint8_t id, const uint8_t *p, size_t len)
{
    switch (f->state) {
    case UPPP_FSM_CLOSED:
    case UPPP_FSM_CLOSING:
    case UPPP_FSM_STOPPING:
        /* No options are judged in these states (RCR+ and RCR- act alike). */
        run(f, UPPP_EV_RCR_PLUS, NULL, id, NULL);
        return;
    case UPPP_FSM_STOPPED:
    case UPPP_FSM_REQSENT:
    case UPPP_FSM_ACKRCVD:
    case UPPP_FSM_ACKSENT:
    case UPPP_FSM_OPENED:
        break;
    default:
        return;
    }
    /* Options are judged against fresh ones when we were not negotiating. */
    if ((f->state == UPPP_FSM_OPENED || f->state == UPPP_FSM_STOPPED) && f->ops->resetci)
        f->ops->resetci(f);
    static const uint8_t none[1];
    uint8_t out[UPPP_FSM_MAX_OPTS];
    size_t outlen = 0;
    int code = UPPP_CONFACK;
    f->rcr_id = id;
    if (f->ops->reqci)
        code = f->ops->reqci(f, len ? p : none, len, out, &outlen, f->nak_sent >= f->max_failure);
    else if (len > 0) {
        /* A layer with no options rejects whatever it is offered. */
        code = UPPP_CONFREJ;
        outlen = len < sizeof(out) ? len : sizeof(out);
        memcpy(out, p, outlen);
    }
    struct reply r = {(uint8_t)code, id, code == UPPP_CONFACK ? p : out,
                      code == UPPP_CONFACK ? len : outlen};
    run(f, code == UPPP_CONFACK ? UPPP_EV_RCR_PLUS : UPPP_EV_RCR_MINUS, &r, id, NULL);
}

static void rcv_confack(struct uppp_fsm *f, uint8_t id, const uint8_t *p, size_t len)
{
    if (id != f->id || f->state < UPPP_FSM_CLOSED)
        return;
    if (f->state == UPPP_FSM_OPENED && f->implied_ack) {
        /* The Ack uppp_fsm_implied_ack() stood in for, late after all
         * (reordered behind the evidence): already taken, not a crossed
         * renegotiation (RCA in Opened would restart it, and pppd 2.4.9
         * closes the link on our next Configure-Request). */
        f->implied_ack = 0;
        return;
    }
    if (f->state >= UPPP_FSM_REQSENT && f->ops->ackci && !f->ops->ackci(f, p, len))
        return; /* bogus: RFC 1661 section 5.2, discard */
    if (f->state >= UPPP_FSM_REQSENT)
        f->nak_rcvd = 0;
    run(f, UPPP_EV_RCA, NULL, id, NULL);
}

static void rcv_confnakrej(struct uppp_fsm *f, uint8_t code, uint8_t id, const uint8_t *p,
                           size_t len)
{
    if (id != f->id || f->state < UPPP_FSM_CLOSED)
        return;
    if (f->state >= UPPP_FSM_REQSENT) {
        int (*judge)(struct uppp_fsm *, const uint8_t *, size_t) =
            code == UPPP_CONFNAK ? f->ops->nakci : f->ops->rejci;
        int ok = judge ? judge(f, p, len) : 0;
        if (ok == 0)
            return; /* bogus: discard */
        if (ok < 0) {
            fail(f);
            return;
        }
        if (++f->nak_rcvd > f->max_failure + f->max_configure) {
            uppp_fsm_set_reason(f, "%s: peer sent %d Configure-Naks/Rejects without agreeing",
                                f->ops->name, f->nak_rcvd - 1);
            fail(f);
            return;
        }
    }
    run(f, UPPP_EV_RCN, NULL, id, NULL);
}

static void rcv_termreq(struct uppp_fsm *f, uint8_t id, const uint8_t *p, size_t len)
{
    if (f->state == UPPP_FSM_OPENED) {
        /* The peer's words go into log lines and the end reason: escaped. */
        char term[UPPP_FSM_PEER_TERM_MAX + 1];
        uppp_escape(term, sizeof(term), p, len, 0);
        f->peer_terminated = 1;
        if (len > 0)
            uppp_fsm_set_reason(f, UPPP_FSM_TERM_PREFIX ": %s", term);
        else
            uppp_fsm_set_reason(f, UPPP_FSM_TERM_PREFIX);
    }
    run(f, UPPP_EV_RTR, NULL, id, NULL);
}

static void rcv_coderej(struct uppp_fsm *f, const uint8_t *p, size_t len)
{
    if (len < 1)
        return;
    uint8_t code = p[0];
    int ok = f->ops->coderej_ok ? f->ops->coderej_ok(f, code) : code > UPPP_CODEREJ;
    if (!ok) {
        f->failed = 1;
        uppp_fsm_set_reason(f, "%s: peer rejected code %u", f->ops->name, code);
    }
    run(f, ok ? UPPP_EV_RXJ_PLUS : UPPP_EV_RXJ_MINUS, NULL, 0, NULL);
}

int uppp_fsm_implied_ack(struct uppp_fsm *f, uint64_t now)
{
    if (f->state != UPPP_FSM_ACKSENT)
        return 0;
    f->now = now;
    /* Our request as the peer would have Acked it (RFC 1661 section 5.2:
     * the Ack lists our options exactly), through the same path as a real
     * Ack, so the layer records what was agreed in ackci. */
    uint8_t opts[UPPP_FSM_MAX_OPTS];
    size_t len = f->ops->addci ? f->ops->addci(f, opts, sizeof(opts)) : 0;
    rcv_confack(f, f->id, opts, len);
    if (f->state != UPPP_FSM_OPENED)
        return 0;
    f->implied_ack = 1;
    return 1;
}

void uppp_fsm_protreject(struct uppp_fsm *f, uint64_t now)
{
    f->now = now;
    run(f, UPPP_EV_RXJ_MINUS, NULL, 0, NULL);
}

size_t uppp_cp_length(const uint8_t *pkt, size_t len)
{
    if (len < UPPP_CP_HDRLEN)
        return 0;
    size_t plen = (size_t)pkt[2] << 8 | pkt[3];
    return plen >= UPPP_CP_HDRLEN && plen <= len ? plen : 0;
}

void uppp_fsm_input(struct uppp_fsm *f, const uint8_t *pkt, size_t len, uint64_t now)
{
    /* RFC 1661 section 5: a packet shorter than its header or than its own
     * Length field is silently discarded; octets past Length are padding. */
    size_t plen = uppp_cp_length(pkt, len);
    if (plen == 0)
        return;
    f->now = now;
    uint8_t code = pkt[0], id = pkt[1];
    const uint8_t *p = pkt + UPPP_CP_HDRLEN;
    size_t dlen = plen - UPPP_CP_HDRLEN;
    if (f->state == UPPP_FSM_INITIAL || f->state == UPPP_FSM_STARTING)
        return; /* the lower layer is not up: nothing can arrive */
    switch (code) {
    case UPPP_CONFREQ:
        rcv_confreq(f, id, p, dlen);
        break;
    case UPPP_CONFACK:
        rcv_confack(f, id, p, dlen);
        break;
    case UPPP_CONFNAK:
    case UPPP_CONFREJ:
        rcv_confnakrej(f, code, id, p, dlen);
        break;
    case UPPP_TERMREQ:
        rcv_termreq(f, id, p, dlen);
        break;
    case UPPP_TERMACK:
        run(f, UPPP_EV_RTA, NULL, id, NULL);
        break;
    case UPPP_CODEREJ:
        rcv_coderej(f, p, dlen);
        break;
    default:
        if (f->ops->extcode && f->ops->extcode(f, code, id, p, dlen))
            break;
        struct rejected rej = {pkt, plen};
        run(f, UPPP_EV_RUC, NULL, id, &rej);
        break;
    }
}

void uppp_cp_opt_append(uint8_t *buf, size_t *n, const uint8_t *o, size_t olen)
{
    if (*n + olen <= UPPP_FSM_MAX_OPTS) {
        memcpy(buf + *n, o, olen);
        *n += olen;
    }
}

int uppp_cp_reply(const uint8_t *rej, size_t nrej, const uint8_t *nak, size_t nnak, uint8_t *out,
                  size_t *outlen)
{
    if (nrej) {
        memcpy(out, rej, nrej);
        *outlen = nrej;
        return UPPP_CONFREJ;
    }
    if (nnak) {
        memcpy(out, nak, nnak);
        *outlen = nnak;
        return UPPP_CONFNAK;
    }
    *outlen = 0;
    return UPPP_CONFACK;
}
