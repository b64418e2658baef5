/*
 * CCP (RFC 1962) with MPPE as its only compressor (RFC 3078 section 2),
 * and the MPPE data path: encryption of outgoing network packets,
 * decryption of protocol 0x00FD, Reset-Request/Reset-Ack (RFC 1962 section
 * 3.1, codes 14 and 15). ccp.c negotiates, ccp_mppe.c moves the data; the
 * cipher itself is uppp/mppe.h, the option 18 bits are uppp/mppe_wire.h.
 */
#ifndef UPPP_SRC_CCP_H
#define UPPP_SRC_CCP_H

#include "fsm.h"

#include <stddef.h>
#include <stdint.h>

struct uppp_session;
struct uppp_mppe;

/* RFC 1962 section 3: CCP codes beyond the shared 1..7. */
enum uppp_ccp_code {
    UPPP_CCP_RESETREQ = 14,
    UPPP_CCP_RESETACK = 15,
};

/* RFC 1962 section 4 / IANA: CCP option types we recognise by name (only to
 * Reject them; MPPE, type 18, is the one we implement). */
enum uppp_ccp_opt {
    UPPP_CCP_OPT_PRED1 = 1,
    UPPP_CCP_OPT_PRED2 = 2,
    UPPP_CCP_OPT_MPPE = 18, /* RFC 3078 section 2, length 6 */
    UPPP_CCP_OPT_BSD = 21,
    UPPP_CCP_OPT_DEFLATE = 26,
};

/* pppd's RACKTIMEOUT: how long to wait for a Reset-Ack before repeating a
 * Reset-Request (RFC 1962 section 3.1 asks for repeats, not how often). */
#define UPPP_CCP_RESET_TIMEOUT_MS 1000
/* A Reset-Request is also repeated early once this many packets have been
 * discarded since it went, then after twice as many, and so on: at high
 * packet rates a lost request would otherwise cost a second of traffic,
 * while the doubling keeps a long round trip from drawing a storm. */
#define UPPP_CCP_RESET_REPEAT_DISCARDS 8
/* Stateful MPPE: this many packets in a row that decrypt to a protocol we
 * do not carry mean the two RC4 streams have parted for good (Linux-style
 * resets cannot undo the loss of the FLUSHED packet answering a
 * Reset-Request). CCP is then renegotiated, which restarts both ciphers
 * from the start keys; a pppd peer answers that by closing the link, as it
 * would after its own "Too many MPPE errors". */
#define UPPP_CCP_DESYNC_LIMIT 32

/* One direction's MPPE option: the RFC 3078 section 2 Supported Bits word,
 * or off. */
struct uppp_ccp_mppe_opt {
    int on;
    uint32_t bits; /* UPPP_MPPE_OPT_H | one or more of S, M, L */
};

struct uppp_ccp {
    struct uppp_fsm fsm;
    int enabled; /* CCP is opened on this link */
    int mppe_up; /* MPPE is in force: data is encrypted (or dropped) */
    int bits;    /* negotiated strength (the weaker direction) */
    int stateless;

    /* ---- negotiation (ccp.c) ---- */
    int offer;                     /* we negotiate MPPE on this link */
    uint32_t allowed;              /* strengths we request and accept (S, M, L bits) */
    int stateful_ok;               /* we accept stateful mode */
    struct uppp_ccp_mppe_opt want; /* our next Configure-Request */
    struct uppp_ccp_mppe_opt got;  /* Acked by the peer: what we receive */
    struct uppp_ccp_mppe_opt his;  /* the peer's request we Acked: what we send */
    int in_force;                  /* MPPE has been up: never fall back to the clear */
    int asked_stateful;            /* we Nakked the peer's stateless request once */
    int fail_pending;              /* a failure found inside a callback, reported later */
    char fail_why[96];             /* its reason */
    int fail_reported;             /* this negotiation's failure has been reported */
    int stopping;                  /* LCP is taking us down: no failure reports */
    int settling;

    /* ---- data path (ccp_mppe.c) ---- */
    struct uppp_mppe *tx, *rx;
    uint8_t *txbuf, *rxbuf;
    size_t txcap, rxcap;
    int rreq_pending;         /* a Reset-Request waits for its Reset-Ack */
    uint8_t rreq_id;          /* its identifier */
    int rreq_tries;           /* times it was sent */
    uint64_t rreq_deadline;   /* when to repeat it; 0 when stopped */
    unsigned rreq_discards;   /* packets discarded since it was last sent */
    unsigned rreq_repeat_at;  /* ... at which it is repeated early */
    uint64_t rx_resyncs;      /* the receiver's resync count already counted */
    uint64_t rx_lost_answers; /* the receiver's lost_answers already logged */
    unsigned nonsense;        /* stateful: packets in a row that decrypted to junk */
};

void uppp_ccp_init(struct uppp_session *s);
/* Network phase: open CCP (lower layer up + open). */
void uppp_ccp_start(struct uppp_session *s);
/* LCP went down. */
void uppp_ccp_stop(struct uppp_session *s);
/* A CCP packet (code onward). */
void uppp_ccp_input(struct uppp_session *s, const uint8_t *pkt, size_t len);
/* A 0x00FD packet: decrypt and pass to uppp_network_input(). */
void uppp_ccp_data_input(struct uppp_session *s, const uint8_t *pkt, size_t len);
/* Encrypt and send a network packet. 0 sent, 1 dropped (counted). */
int uppp_ccp_send(struct uppp_session *s, uint16_t proto, const uint8_t *pkt, size_t len);
void uppp_ccp_timer(struct uppp_session *s, uint64_t now);
uint64_t uppp_ccp_deadline(const struct uppp_session *s);
/* Renegotiate (pppd SIGUSR2). */
void uppp_ccp_renegotiate(struct uppp_session *s);
void uppp_ccp_free(struct uppp_session *s);

/* ---- between ccp.c and ccp_mppe.c ---- */

/* Create both ciphers from the negotiated options and the session's keys.
 * Returns 0 or a negative uppp_err. */
int uppp_ccp_mppe_open(struct uppp_session *s);
/* Wipe and free both ciphers and forget any pending Reset-Request. */
void uppp_ccp_mppe_close(struct uppp_session *s);
/* A Reset-Request (code 14) or Reset-Ack (15) arrived while Opened. */
void uppp_ccp_reset_request_input(struct uppp_session *s, uint8_t id);
void uppp_ccp_reset_ack_input(struct uppp_session *s, uint8_t id);
/* Repeat an unanswered Reset-Request when its time has come. */
void uppp_ccp_reset_timer(struct uppp_session *s, uint64_t now);

/* Strength in bits of a Supported Bits word's strongest key bit (0 if
 * none). */
int uppp_ccp_mppe_strength(uint32_t bits);

#endif
