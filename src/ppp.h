/*
 * Inside a uppp_session: the state of every layer, and the services that
 * session.c offers the protocol modules (lcp.c, auth.c/pap.c/chap.c, ccp.c,
 * ipcp.c, ipv6cp.c). Modules talk to each other only through the session's
 * phase functions below, as RFC 1661 section 3.2's phase diagram does.
 */
#ifndef UPPP_SRC_PPP_H
#define UPPP_SRC_PPP_H

#include <uppp/session.h>

#include "fsm.h"

#include <uppp/hdlc.h>

#include <stdarg.h>
#include <stdint.h>

struct uppp_hdlc_rx;

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

    struct uppp_hdlc_rx *rx; /* async HDLC deframer (framing async) */
    uint8_t *txbuf;          /* one outgoing frame, built in place */
    uint8_t *wirebuf;        /* its HDLC encoding */
    /* Their sizes, grown to the largest frame sent yet (framing.c). */
    size_t txbuf_cap, wirebuf_cap;
    struct uppp_hdlc_tx hdlc_tx;
    uint64_t tx_last_ms; /* when the last frame went out (opening flags) */
    /* Transmit framing, set when LCP opens (RFC 1662 section 7). */
    uint32_t tx_accm;
    int tx_pfc, tx_acfc;

    int ncp_started; /* network protocols have been opened */
    int ncps_up;     /* how many NCPs are Opened */

    enum uppp_end end;
    int end_set;
    char reason[160];
    int dead;

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

/* Record why the session is ending (the first reason wins), and its pppd
 * exit status. */
void uppp_set_end(struct uppp_session *s, enum uppp_end end, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Shut the link down: record the end, then LCP Close with reason (sent in
 * the Terminate-Request). */
void uppp_link_close(struct uppp_session *s, enum uppp_end end, const char *reason);

void uppp_emit(struct uppp_session *s, enum uppp_event_type type);
void uppp_new_phase(struct uppp_session *s, enum uppp_phase phase);

/* ---- phase transitions, called by the layers ---- */
void uppp_lcp_is_up(struct uppp_session *s);       /* LCP Opened */
void uppp_lcp_is_down(struct uppp_session *s);     /* LCP left Opened */
void uppp_lcp_is_finished(struct uppp_session *s); /* LCP reached Closed/Stopped */
/* One direction of authentication finished. for_peer: we checked the peer
 * (1) or proved ourselves (0). ok: it succeeded. */
void uppp_auth_is_done(struct uppp_session *s, int for_peer, unsigned method, int ok);
void uppp_ccp_is_up(struct uppp_session *s);
void uppp_ccp_is_down(struct uppp_session *s);
/* CCP could not be agreed (Rejected, failed, or refused MPPE). */
void uppp_ccp_is_failed(struct uppp_session *s, const char *why);
void uppp_ncp_is_up(struct uppp_session *s, uint16_t proto);
void uppp_ncp_is_down(struct uppp_session *s, uint16_t proto);

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

/* Dispatch a decrypted/decompressed or clear network packet. */
void uppp_network_input(struct uppp_session *s, uint16_t proto, const uint8_t *pkt, size_t len,
                        int was_encrypted);

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
