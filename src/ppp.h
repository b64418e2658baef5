/*
 * Inside a uppp_session: the state of every layer, and the services that
 * session.c offers the protocol modules (lcp.c, auth.c/pap.c/chap.c, ccp.c,
 * ipcp.c, ipv6cp.c). A module calls down (the automaton, the codecs, the
 * send and log services below) and reports up by posting an event
 * (uppp_post); only session.c calls into the modules, and it moves what
 * one layer needs from another (keys, link parameters) as values. RFC 1661
 * section 3.2's phase diagram is session.c's.
 */
#ifndef UPPP_SRC_PPP_H
#define UPPP_SRC_PPP_H

#include <uppp/session.h>

#include "fsm.h"

#include <uppp/hdlc.h>

#include <stdarg.h>
#include <stdint.h>

struct uppp_transport_ops;

/* MPPE start keys left by MS-CHAP (RFC 3079), for ccp.c. */
struct uppp_keys {
    int have;        /* MS-CHAP ran and produced keys */
    unsigned method; /* UPPP_AUTH_MSCHAP_V1 or _V2 */
    uint8_t send_start[16];
    uint8_t recv_start[16];
    int have_lm;          /* MS-CHAPv1 with a plaintext password: LM keys */
    uint8_t lm_start[16]; /* RFC 3079 sections 2.1/2.2, both directions */
};

#include "lcp.h"
#include "auth.h"
#include "ccp.h"
#include "ipcp.h"
#include "ipv6cp.h"
#include "ncp.h"

/* ---- the event queue: how a layer reports to the session ----
 *
 * A layer never calls back into the session's phase logic: it posts an
 * event and returns. The session drains the queue after every call it makes
 * into a layer (input, timers, open/close, send_ip), so a layer can never
 * be stopped, reset or freed while one of its own functions is running.
 * Guarantees:
 *  - events are handled in the order they were posted (FIFO), each after
 *    the layer call that posted it has returned, and before the session's
 *    entry point returns to its caller;
 *  - handlers may call into layers, which may post more events: those join
 *    the end of the same drain;
 *  - the queue is bounded (UPPP_EVQ_LEN); no layer call posts more than a
 *    few events (the whole unit suite, matrix and fuzz seeds included,
 *    never has more than 3 waiting), so overflow is a bug: the session
 *    then ends with UPPP_END_FATAL rather than lose an event;
 *  - when LCP leaves Opened, the session takes every layer above it down
 *    and discards the events those layers had queued but not yet had
 *    handled: an authentication verdict or a CCP failure of a link that
 *    has gone down is void (RFC 1661 section 3.7: everything above LCP
 *    goes down with it). */
enum uppp_qev_type {
    UPPP_QEV_LCP_UP = 1,   /* LCP Opened */
    UPPP_QEV_LCP_DOWN,     /* LCP left Opened; peer_terminated, why */
    UPPP_QEV_LCP_FINISHED, /* LCP reached Closed/Stopped; failed, why */
    UPPP_QEV_AUTH,         /* one direction of authentication finished */
    UPPP_QEV_CCP_UP,       /* the CCP method is in force both ways */
    UPPP_QEV_CCP_DOWN,     /* it went out of force */
    UPPP_QEV_CCP_FAILED,   /* CCP could not be agreed: why */
    UPPP_QEV_CCP_SETTLE,   /* CCP left Opened or finished: check the policy */
    UPPP_QEV_NCP_UP,       /* proto: IPCP or IPV6CP Opened */
    UPPP_QEV_NCP_DOWN,     /* proto left Opened */
    UPPP_QEV_NCP_FINISHED, /* proto reached Closed/Stopped; failed, why */
    UPPP_QEV_PROTREJ,      /* the peer Protocol-Rejected proto (LCP saw it) */
    UPPP_QEV_END,          /* record why the session ends (end, why) */
    UPPP_QEV_CLOSE,        /* shut the link down (end, why) */
};

struct uppp_qev {
    enum uppp_qev_type type;
    uint16_t proto;      /* NCP events */
    unsigned method;     /* AUTH: the uppp_auth bit */
    int for_peer;        /* AUTH: we checked the peer (1) or proved ourselves (0) */
    int ok;              /* AUTH: it succeeded */
    int failed;          /* FINISHED: the automaton gave up (its failed flag) */
    int peer_terminated; /* LCP_DOWN: the peer sent Terminate-Request */
    enum uppp_end end;   /* END, CLOSE; AUTH failure when why is set */
    char why[160];       /* reason (as long as the session's); AUTH success: the peer's name */
};

#define UPPP_EVQ_LEN 8

/* An event as it waits in the queue: the fields of uppp_qev, with its
 * reason (most events have none) in one of UPPP_EVQ_WHY shared slots
 * rather than 160 octets in each entry, which saves 0.7 KB per session
 * (session-bench). Running out of slots is an overflow like a full
 * queue (the suite never has more than 3 events waiting). */
#define UPPP_EVQ_WHY 4
struct uppp_qev_queued {
    uint8_t type; /* enum uppp_qev_type */
    uint8_t for_peer, ok, failed, peer_terminated;
    int8_t why; /* slot in evq_why, -1: none */
    uint16_t proto;
    unsigned method;
    enum uppp_end end;
};

struct uppp_session {
    struct uppp_config cfg;
    struct uppp_callbacks cb;
    enum uppp_phase phase;
    uint64_t now;

    struct uppp_lcp lcp;
    struct uppp_auth_state auth;
    struct uppp_ccp ccp;
    struct uppp_ipcp ipcp;
    struct uppp_ipv6cp ipv6cp;
    struct uppp_keys keys;

    const struct uppp_transport_ops *transport; /* what carries our frames */
    void *tstate;                               /* its state */
    /* Transmit framing, set when LCP opens (RFC 1662 section 7). */
    uint32_t tx_accm;
    int tx_pfc, tx_acfc;
    unsigned auth_peer_method, auth_our_method; /* what LCP agreed */
    int peer_done, our_done;                    /* which directions succeeded */

    int ncp_started; /* network protocols have been opened */
    int ncps_up;     /* how many NCPs are Opened */

    enum uppp_end end;
    int end_set;
    char reason[160];
    int ended; /* the session is over: entry points do nothing */
    /* LCP finished right after we sent a Terminate-Ack: the session ends
     * at linger_until (see lcp_finished in session.c); termack_at is when
     * the last one went out. */
    uint64_t termack_at, linger_until;

    /* Events posted by the layers, drained by session.c (see uppp_post). */
    struct uppp_qev_queued evq[UPPP_EVQ_LEN];
    char evq_why[UPPP_EVQ_WHY][160]; /* their reasons */
    unsigned evq_why_used;           /* bit i: slot i is taken */
    unsigned evq_head, evq_len;
    int evq_overflow;
    int draining;

    struct uppp_status stats; /* counters; the rest is filled on demand */
    /* Clear network packets received while MPPE is in force: when the
     * debug line last went out, and how many were dropped since. */
    uint64_t clear_in_logged_at;
    uint64_t clear_in_unlogged;
};

/* ---- services of session.c ---- */

/* Log a line at level (printf-style). Never pass secrets. */
void uppp_log(struct uppp_session *s, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Send one PPP packet: protocol + info. Control packets are logged
 * pppd-style under debug. Applies PFC/ACFC and the framing. */
void uppp_send_packet(struct uppp_session *s, uint16_t proto, const uint8_t *info, size_t len);

/* Log a control packet pppd-style ("sent [LCP ConfReq id=0x1 ...]"). */
void uppp_log_packet(struct uppp_session *s, const char *dir, uint16_t proto, const uint8_t *info,
                     size_t len);

/* The send callback of every control protocol's automaton: the packet
 * goes out under the automaton's protocol number. */
void uppp_cp_send(struct uppp_fsm *f, const uint8_t *pkt, size_t len);

/* Random bytes from the caller's callback (deterministic in tests). */
int uppp_random(struct uppp_session *s, void *buf, size_t len);

/* Post an event (copied). Layers call this and nothing else of the
 * session's phase logic. */
void uppp_post(struct uppp_session *s, const struct uppp_qev *ev);
/* Shorthands: post a bare event of type t; post END or CLOSE with a
 * printf-style reason. */
void uppp_post_type(struct uppp_session *s, enum uppp_qev_type t);
void uppp_post_end(struct uppp_session *s, enum uppp_qev_type t, enum uppp_end end, const char *fmt,
                   ...) __attribute__((format(printf, 4, 5)));

/* Install the MPPE start keys (what MS-CHAP leaves for CCP). The auth
 * layer calls it; tests call it to run CCP without authentication. The keys
 * are copied; the previous ones are wiped. */
void uppp_session_set_mppe_keys(struct uppp_session *s, const struct uppp_keys *keys);

/* The largest Information field we send: the peer's MRU (RFC 1661 section
 * 6.1; 1500 when it named none), or the mtu option if that is lower. The
 * IP MTU is that, less MPPE's 4 octets when MPPE is or may be in force.
 * Decided here and nowhere else: send_ip, the status (so the TUN MTU) and
 * the MPPE transmit buffer all ask these. */
uint16_t uppp_link_mtu(const struct uppp_session *s);
uint16_t uppp_ip_mtu(const struct uppp_session *s);

/* The owning session of an fsm (every fsm's ctx is its session). */
static inline struct uppp_session *uppp_fsm_session(struct uppp_fsm *f)
{
    return (struct uppp_session *)f->ctx;
}

/* Apply the configured LCP counters and timer to a layer's automaton. */
void uppp_fsm_configure(struct uppp_session *s, struct uppp_fsm *f);

/* Earliest of two deadlines where 0 means none. */
static inline uint64_t uppp_min_deadline(uint64_t a, uint64_t b)
{
    if (a == 0)
        return b;
    if (b == 0)
        return a;
    return a < b ? a : b;
}

/* Big-endian helpers for option parsing. */
static inline uint16_t uppp_get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}
static inline uint32_t uppp_get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void uppp_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static inline void uppp_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

#endif
