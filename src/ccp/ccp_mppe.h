/*
 * MPPE (RFC 3078) as a CCP method: its state, visible to tests and fuzz
 * targets that check what was negotiated. Everything else goes through
 * struct uppp_ccp_method (ccp.h).
 */
#ifndef UPPP_SRC_CCP_MPPE_H
#define UPPP_SRC_CCP_MPPE_H

#include <stddef.h>
#include <stdint.h>

struct uppp_session;
struct uppp_mppe;
struct uppp_mppc_comp;
struct uppp_mppc_decomp;
struct uppp_ccp_plain;

/* One direction's MPPE option: the RFC 3078 section 2 Supported Bits word,
 * or off. */
struct uppp_ccp_mppe_opt {
    int on;
    uint32_t bits; /* UPPP_MPPE_OPT_H | one or more of S, M, L */
};

struct uppp_ccp_mppe {
    struct uppp_keys keys; /* start keys, given by offer (wiped on close) */
    int bits;              /* negotiated strength (the weaker direction) */
    int stateless;

    /* ---- negotiation ---- */
    uint32_t allowed;              /* strengths we request and accept (S, M, L bits) */
    int stateful_ok;               /* we accept stateful mode */
    struct uppp_ccp_mppe_opt want; /* our next Configure-Request */
    struct uppp_ccp_mppe_opt got;  /* Acked by the peer: what we receive */
    struct uppp_ccp_mppe_opt his;  /* the peer's request we Acked: what we send */
    struct uppp_ccp_mppe_opt pend; /* what reqci Acked in the request being judged */
    int asked_stateful;            /* we Nakked the peer's stateless request once */
    uint8_t asked_stateful_id;     /* the identifier of that request */

    /* ---- data path ---- */
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
    /* Plaintext of the packet being delivered, until input_done: in place
     * in the transport's receive buffer, or in rxbuf (allocated only for
     * transports whose frames are the caller's). */
    uint8_t *rx_plain_at;
    size_t rx_plain;

    /* ---- MPPC (RFC 2118): the C bit of the same option; ccp_mppc.c ---- */
    int mppc_ok;                     /* we negotiate C (config mppc) */
    int said_no_mppc;                /* logged refusing the peer's MPPC, this negotiation */
    struct uppp_mppc_comp *comp;     /* what we send is compressed */
    struct uppp_mppc_decomp *decomp; /* what we receive is */
    uint8_t *cbuf;                   /* compressed, before encryption */
    int tx_flush_each;               /* stateless (H): a fresh history every packet */
    /* Without MPPE the header's coherency count is MPPC's own. */
    unsigned tx_cc, rx_cc;
    int rx_seen; /* a packet has set rx_cc */
};

/* The session's MPPE state (NULL if CCP has no state: out of memory). */
struct uppp_ccp_mppe *uppp_ccp_mppe_state(struct uppp_session *s);

/* Strength in bits of a Supported Bits word's strongest key bit (0 if
 * none). */
int uppp_ccp_mppe_strength(uint32_t bits);

/* ---- MPPC's data path (ccp_mppc.c), for ccp_mppe.c ---- */

/* Start (de)compression where got/his carry C. Returns 0 or
 * UPPP_ERR_NOMEM. */
int uppp_ccp_mppc_open(struct uppp_session *s, struct uppp_ccp_mppe *c);
void uppp_ccp_mppc_close(struct uppp_ccp_mppe *c);
/* Compress (then encrypt, if MPPE runs) and send. Returns 0 or
 * UPPP_ERR_DROPPED. */
int uppp_ccp_mppc_send(struct uppp_session *s, struct uppp_ccp_mppe *c, uint16_t proto,
                       const uint8_t *pkt, size_t len);
/* A 0x00FD packet when MPPC runs without MPPE: 1 with the packet in out,
 * or 0 (dropped, counted; a Reset-Request is asked for through *need_reset). */
int uppp_ccp_mppc_input(struct uppp_session *s, struct uppp_ccp_mppe *c, const uint8_t *pkt,
                        size_t len, struct uppp_ccp_plain *out, int *need_reset);
/* Decompress what MPPE decrypted (bits: its header flags) into out: 1, or 0
 * when it cannot be (dropped, counted; the decompressor now waits for A). */
int uppp_ccp_mppc_expand(struct uppp_session *s, struct uppp_ccp_mppe *c, unsigned bits,
                         const uint8_t *data, size_t len, struct uppp_ccp_plain *out);

#endif
