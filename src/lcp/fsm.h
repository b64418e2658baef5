/*
 * The RFC 1661 option-negotiation automaton (section 4), shared by LCP, IPCP,
 * IPV6CP and CCP. Each protocol plugs in through a table of callbacks, as
 * npppd and pppd do (resetci, addci, ackci, nakci, rejci, reqci, up, down,
 * starting, finished, extcode). States, events and actions use the RFC's
 * names. The automaton does no I/O: it sends through a callback, and keeps
 * its Restart timer as a deadline that the session polls.
 */
#ifndef UPPP_SRC_FSM_H
#define UPPP_SRC_FSM_H

#include <stddef.h>
#include <stdint.h>

/* RFC 1661 section 5: packet codes shared by every control protocol. */
enum uppp_cp_code {
    UPPP_CONFREQ = 1,
    UPPP_CONFACK = 2,
    UPPP_CONFNAK = 3,
    UPPP_CONFREJ = 4,
    UPPP_TERMREQ = 5,
    UPPP_TERMACK = 6,
    UPPP_CODEREJ = 7,
};

#define UPPP_CP_HDRLEN 4 /* code, identifier, length (RFC 1661 section 5) */

/* RFC 1661 section 4.2. */
enum uppp_fsm_state {
    UPPP_FSM_INITIAL = 0,
    UPPP_FSM_STARTING = 1,
    UPPP_FSM_CLOSED = 2,
    UPPP_FSM_STOPPED = 3,
    UPPP_FSM_CLOSING = 4,
    UPPP_FSM_STOPPING = 5,
    UPPP_FSM_REQSENT = 6,
    UPPP_FSM_ACKRCVD = 7,
    UPPP_FSM_ACKSENT = 8,
    UPPP_FSM_OPENED = 9,
};

/* RFC 1661 section 4.3. */
enum uppp_fsm_event {
    UPPP_EV_UP = 0,
    UPPP_EV_DOWN,
    UPPP_EV_OPEN,
    UPPP_EV_CLOSE,
    UPPP_EV_TO_PLUS,
    UPPP_EV_TO_MINUS,
    UPPP_EV_RCR_PLUS,
    UPPP_EV_RCR_MINUS,
    UPPP_EV_RCA,
    UPPP_EV_RCN,
    UPPP_EV_RTR,
    UPPP_EV_RTA,
    UPPP_EV_RUC,
    UPPP_EV_RXJ_PLUS,
    UPPP_EV_RXJ_MINUS,
    UPPP_EV_RXR,
    UPPP_EV_COUNT
};

struct uppp_fsm;

/* Largest Configure-Request/Reply option area we build. */
#define UPPP_FSM_MAX_OPTS 1500

struct uppp_fsm_ops {
    const char *name; /* "LCP", "IPCP", ... as pppd logs it */
    uint16_t proto;
    /* Reset our wanted options to the configured ones (before a new
     * negotiation: RFC 1661 "irc" at the start). */
    void (*resetci)(struct uppp_fsm *f);
    /* Write our Configure-Request options into buf; return the length. */
    size_t (*addci)(struct uppp_fsm *f, uint8_t *buf, size_t cap);
    /* Peer Acked our request with options p. 1 if it is exactly what we
     * sent, 0 if bogus (the packet is discarded). */
    int (*ackci)(struct uppp_fsm *f, const uint8_t *p, size_t len);
    /* Peer Naked (nakci) or Rejected (rejci) options. 1 if understood and
     * our next request has been adjusted, 0 if bogus (discarded), or -1 if
     * negotiation cannot succeed: the fsm then closes with the reason that
     * the callback stored by uppp_fsm_set_reason(). */
    int (*nakci)(struct uppp_fsm *f, const uint8_t *p, size_t len);
    int (*rejci)(struct uppp_fsm *f, const uint8_t *p, size_t len);
    /* Judge the peer's request p. Write the reply's options into out and
     * their length into *outlen; return UPPP_CONFACK, UPPP_CONFNAK or
     * UPPP_CONFREJ. When reject_if_disagree is set (Max-Failure reached),
     * options that would be Naked are Rejected instead. */
    int (*reqci)(struct uppp_fsm *f, const uint8_t *p, size_t len, uint8_t *out, size_t *outlen,
                 int reject_if_disagree);
    void (*up)(struct uppp_fsm *f);       /* tlu: This-Layer-Up */
    void (*down)(struct uppp_fsm *f);     /* tld: This-Layer-Down */
    void (*starting)(struct uppp_fsm *f); /* tls: This-Layer-Started */
    void (*finished)(struct uppp_fsm *f); /* tlf: This-Layer-Finished */
    /* Codes other than 1..7. Return 1 if handled, 0 to send Code-Reject. */
    int (*extcode)(struct uppp_fsm *f, uint8_t code, uint8_t id, const uint8_t *p, size_t len);
    /* A Code-Reject arrived for code: 1 if it is tolerable (RXJ+), 0 if
     * catastrophic (RXJ-). NULL: only codes 8 and up are tolerable. */
    int (*coderej_ok)(struct uppp_fsm *f, uint8_t code);
};

/* Send one control packet (code, id, length, data) for f's protocol. */
typedef void (*uppp_fsm_send_fn)(struct uppp_fsm *f, const uint8_t *pkt, size_t len);

/* The reason set when the peer terminates, before its text. */
#define UPPP_FSM_TERM_PREFIX "peer requested termination"
#define UPPP_FSM_TERM_PREFIX_LEN (sizeof(UPPP_FSM_TERM_PREFIX ": ") - 1)
#define UPPP_FSM_PEER_TERM_MAX 100

struct uppp_fsm {
    const struct uppp_fsm_ops *ops;
    uppp_fsm_send_fn send;
    void *ctx; /* the owning protocol's state */

    enum uppp_fsm_state state;
    uint8_t id;        /* identifier of our current Configure-Request */
    uint8_t term_id;   /* identifier of our last Terminate-Request */
    uint8_t next_id;   /* next identifier to use */
    uint8_t rcr_id;    /* identifier of the Configure-Request being judged (reqci) */
    int restart_count; /* RFC 1661 section 4.6 Restart counter */
    int nak_sent;      /* Naks sent since our last Ack (Max-Failure) */
    int nak_rcvd;      /* Naks/Rejects received since we were Acked */
    uint64_t deadline; /* Restart timer; 0 when stopped */
    uint64_t now;      /* time of the event being handled */

    /* RFC 1661 section 4.6 counters and the Restart timer, configurable. */
    int max_configure;
    int max_terminate;
    int max_failure;
    uint32_t restart_ms;

    /* Why the layer went or is going down, for the Terminate-Request and
     * the session's failure report. */
    char reason[UPPP_FSM_TERM_PREFIX_LEN + UPPP_FSM_PEER_TERM_MAX + 1];
    /* The peer sent Terminate-Request in Opened; its text (escaped, at
     * most UPPP_FSM_PEER_TERM_MAX octets, for pppd's "LCP terminated by
     * peer (...)") is reason after UPPP_FSM_TERM_PREFIX, not kept twice:
     * four automata per session (session-bench). */
    int peer_terminated;
    /* Set when the automaton gave up: Max-Configure, Max-Failure, a fatal
     * nakci/rejci, a catastrophic Code/Protocol-Reject. */
    int failed;
    /* Opened by uppp_fsm_implied_ack(): the peer's real Configure-Ack of
     * our request f->id may still come (late, reordered) and is then not
     * a reason to renegotiate. Cleared when it comes or on leaving Opened. */
    int implied_ack;
};

void uppp_fsm_init(struct uppp_fsm *f, const struct uppp_fsm_ops *ops, uppp_fsm_send_fn send,
                   void *ctx);

/* Administrative and lower-layer events (RFC 1661 section 4.3). */
void uppp_fsm_up(struct uppp_fsm *f, uint64_t now);
void uppp_fsm_down(struct uppp_fsm *f, uint64_t now);
void uppp_fsm_open(struct uppp_fsm *f, uint64_t now);
void uppp_fsm_close(struct uppp_fsm *f, const char *reason, uint64_t now);

/* A received packet of f's protocol (code onward). Malformed packets are
 * discarded silently, as RFC 1661 section 5 requires. */
void uppp_fsm_input(struct uppp_fsm *f, const uint8_t *pkt, size_t len, uint64_t now);

/* The Length field of a control packet of len octets (code onward) when
 * the packet is well formed by RFC 1661 section 5 (a whole header, Length
 * at least the header and no more than len), else 0: such a packet is
 * silently discarded. */
size_t uppp_cp_length(const uint8_t *pkt, size_t len);

/* The layer has evidence that the peer is Opened although its
 * Configure-Ack of our current request never arrived (CCP: the peer's
 * compressed datagrams or Reset-Request, which RFC 1962 allows only once
 * its CCP is Opened, or pppd's network protocols, see ccp.c; the peer is
 * Opened only after Acking our request, RFC 1661 section 4.2). In
 * Ack-Sent only, and only if our current request is one
 * ackci accepts as Acked (f->id, the options addci gives now), this runs
 * RCA as if that Ack had come: This-Layer-Up, the Restart timer stops.
 * Returns 1 if the automaton is now Opened, 0 if nothing changed. */
int uppp_fsm_implied_ack(struct uppp_fsm *f, uint64_t now);

/* Our protocol was Protocol-Rejected by the peer: RXJ- (RFC 1661 5.7). */
void uppp_fsm_protreject(struct uppp_fsm *f, uint64_t now);

/* Fire the Restart timer if its deadline has passed. */
void uppp_fsm_timer(struct uppp_fsm *f, uint64_t now);

/* Store a reason (printf-style) for a failure or a Terminate-Request. */
void uppp_fsm_set_reason(struct uppp_fsm *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Send a packet of an extension code (Echo, Reset-Request, ...) with the
 * given id. */
void uppp_fsm_send_code(struct uppp_fsm *f, uint8_t code, uint8_t id, const uint8_t *data,
                        size_t len);

const char *uppp_fsm_state_name(enum uppp_fsm_state s);

/* Append option o (olen octets) to a reply list being built in buf (*n
 * octets so far), if it fits in UPPP_FSM_MAX_OPTS octets. */
void uppp_cp_opt_append(uint8_t *buf, size_t *n, const uint8_t *o, size_t olen);

/* The reply to a Configure-Request (RFC 1661 5.2-5.4): Configure-Reject
 * with the rejected options if there are any, else Configure-Nak with the
 * Nakked ones, else Configure-Ack. The chosen list is copied to out (with
 * its length in *outlen; 0 for an Ack). Returns the code. */
int uppp_cp_reply(const uint8_t *rej, size_t nrej, const uint8_t *nak, size_t nnak, uint8_t *out,
                  size_t *outlen);

#endif
