/*
 * CCP (RFC 1962): the automaton, its failure policy, and the interface a
 * compression/encryption method plugs into (struct uppp_ccp_method). MPPE
 * (RFC 3078) is the first method, in ccp_mppe.c; its cipher is
 * uppp/mppe.h, its option and header bits uppp/mppe_wire.h.
 */
#ifndef UPPP_SRC_CCP_H
#define UPPP_SRC_CCP_H

#include "fsm.h"

#include <stddef.h>
#include <stdint.h>

struct uppp_session;
struct uppp_mppe;

struct uppp_keys;
struct uppp_status;

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

enum uppp_ccp_fail {
    UPPP_CCP_FAIL_REFUSED = 1,
    UPPP_CCP_FAIL_NEGOTIATION,
    UPPP_CCP_FAIL_NOT_AVAILABLE
};

/* A packet a method decrypted/decompressed: valid until input_done. */
struct uppp_ccp_plain {
    uint16_t proto;
    const uint8_t *data;
    size_t len;
};

/*
 * A CCP method (RFC 1962 section 4 calls them compression algorithms; MPPE,
 * RFC 3078, is one): pppd's struct compressor without I/O. ccp.c runs the
 * automaton and hands the method the options of its type; the method keeps
 * its own state (state_size octets, allocated by ccp.c, wiped on close) and
 * its data path, one direction each way, with its own reset handling (RFC
 * 1962 section 3.1). A method adds itself to the table in ccp.c: nothing
 * else, the session least of all, names it.
 * Each side's request lists what it can receive, so "got" (what the peer
 * Acked of ours) is the receive direction and "his" (the peer's request we
 * Acked) the send direction.
 */
struct uppp_ccp_method {
    const char *name;
    uint8_t opt;       /* its CCP option type */
    size_t state_size; /* octets of state */
    /* Octets it adds to a network packet (the session's IP MTU). */
    unsigned overhead;

    /* ---- negotiation ---- */
    /* A new negotiation with the start keys authentication left: 1 to
     * request the method, 0 to answer the peer only. */
    int (*offer)(struct uppp_session *s, void *st, const struct uppp_keys *keys);
    /* Our next request from scratch (RFC 1661 resetci). */
    void (*resetci)(struct uppp_session *s, void *st);
    /* Our option (o[0] = opt), or 0 octets when we request nothing. */
    size_t (*addci)(struct uppp_session *s, void *st, uint8_t *o, size_t cap);
    /* The peer Acked our request (ccp.c checked it is ours octet for
     * octet). */
    void (*acked)(struct uppp_session *s, void *st);
    /* A Nak suggestion for our option: 1 taken, 0 ignored (not about what
     * we sent), or -enum uppp_ccp_fail. */
    int (*nakci)(struct uppp_session *s, void *st, const uint8_t *o, size_t olen);
    /* The peer's option: UPPP_CONFACK, UPPP_CONFNAK with sug (*nsug octets,
     * at most 16), or UPPP_CONFREJ. */
    int (*reqci)(struct uppp_session *s, void *st, const uint8_t *o, size_t olen, uint8_t *sug,
                 size_t *nsug);
    /* The peer's request was Acked: what reqci Acked last is now in force
     * (or nothing, when the request had no option of ours). */
    void (*peer_acked)(struct uppp_session *s, void *st, int had_option);

    /* ---- data path ---- */
    /* CCP Opened: 0 and the data path is up in both directions; 1 when
     * nothing was agreed and nothing was offered (the link compresses
     * nothing, RFC 1962 section 4); or -enum uppp_ccp_fail (the method
     * logged why). offered: we requested the method. */
    int (*open)(struct uppp_session *s, void *st, int offered);
    /* Wipe and free the data path; forget pending resets. */
    void (*close)(struct uppp_session *s, void *st);
    /* A network packet out (send) and protocol 0x00FD in (input). send
     * returns 0 or UPPP_ERR_DROPPED (counted). input returns 1 with the
     * plaintext in out (the session delivers it, then calls input_done,
     * which wipes it), or 0 when the packet was dropped (counted).
     * writable: pkt is the session's own (the transport's receive buffer)
     * and may be decrypted in place; otherwise it is the caller's. */
    int (*send)(struct uppp_session *s, void *st, uint16_t proto, const uint8_t *pkt, size_t len);
    int (*input)(struct uppp_session *s, void *st, const uint8_t *pkt, size_t len, int writable,
                 struct uppp_ccp_plain *out);
    void (*input_done)(void *st);
    /* Could pkt (a 0x00FD datagram, CCP not yet Opened) be one of the
     * first the peer sends on a data path opened with our current request?
     * 1 or 0 (NULL: never). ccp.c then takes it for the peer's lost
     * Configure-Ack (uppp_ccp_data_input). */
    int (*fresh)(const void *st, const uint8_t *pkt, size_t len);
    /* Reset-Request (code 14) and Reset-Ack (15) arrived while Opened. */
    void (*reset_request)(struct uppp_session *s, void *st, uint8_t id);
    void (*reset_ack)(struct uppp_session *s, void *st, uint8_t id);
    /* Its own timer (repeating a Reset-Request); 0 = none. */
    void (*timer)(struct uppp_session *s, void *st, uint64_t now);
    uint64_t (*deadline)(const void *st);
    /* 1 when what open() started encrypts (a compression-only agreement,
     * MPPC alone, may fall back to the clear; encryption never does). */
    int (*encrypts)(const void *st);
    /* Fill its part of the status. */
    void (*status)(const void *st, struct uppp_status *out);
    /* Failure texts, pppd's where the link then closes (required: 1);
     * st says what was being negotiated (MPPE, or MPPC alone). */
    const char *(*fail_text)(const void *st, enum uppp_ccp_fail kind, int required);
};

/* The methods, in the order they are offered (ccp.c). */
extern const struct uppp_ccp_method uppp_ccp_mppe_method;

struct uppp_ccp {
    struct uppp_fsm fsm;
    int enabled;  /* CCP is opened on this link */
    int up;       /* the method is in force: data is encrypted (or dropped) */
    int in_force; /* it has been up: never fall back to the clear */
    int offer;    /* we request the method on this link */
    const struct uppp_ccp_method *method;
    void *st; /* its state */

    int fail_pending;  /* a failure found inside a callback, reported later */
    char fail_why[96]; /* its reason */
    int fail_reported; /* this negotiation's failure has been reported */

    /* The peer's network control protocols spoke while we were in
     * Ack-Sent with our request peer_ncp_id out (uppp_ccp_peer_ncp). */
    int peer_ncp;
    uint8_t peer_ncp_id;
    /* Our Restart timer, due in Ack-Sent with no word from the peer, was
     * put off once for our request held_id (see ccp.c, "the lost
     * Configure-Ack"). */
    int held;
    uint8_t held_id;
};

void uppp_ccp_init(struct uppp_session *s);
/* Network phase: open CCP (lower layer up + open) with the MPPE start keys
 * authentication left (copied; keys->have 0 for none). Posts CCP_FAILED if
 * the policy wants MPPE and it cannot be offered. */
void uppp_ccp_start(struct uppp_session *s, const struct uppp_keys *keys);
/* LCP went down: stop, forget the keys, report nothing. */
void uppp_ccp_stop(struct uppp_session *s);
/* The peer Protocol-Rejected CCP. */
void uppp_ccp_protreject(struct uppp_session *s);

/* What the session's CCP_SETTLE handler must do, once the automaton has
 * finished an event: nothing; report the failure in why (the automaton is
 * already closing); or, MPPE having been in force and CCP having left the
 * negotiating states, take the link down (pppd's ccp_down). */
enum uppp_ccp_settle { UPPP_CCP_SETTLED = 0, UPPP_CCP_FAILED, UPPP_CCP_GONE };
int uppp_ccp_settle(struct uppp_session *s, char *why, size_t cap);

/* Queries for the session (the state stays CCP's). */
int uppp_ccp_enabled(const struct uppp_session *s);
int uppp_ccp_mppe_up(const struct uppp_session *s);  /* encrypted, or dropped: never clear */
int uppp_ccp_in_force(const struct uppp_session *s); /* has been up: never fall back */
/* Encryption is (or was, and is to be again) in force: clear network
 * packets from the peer are refused. Compression alone does not count. */
int uppp_ccp_encrypting(const struct uppp_session *s);
/* Still negotiating (mppe-optional waits for the outcome either way). */
int uppp_ccp_pending(const struct uppp_session *s);
/* Octets the method adds to a network packet, when it is up or (may_come)
 * may come up. */
unsigned uppp_ccp_overhead(const struct uppp_session *s, int may_come);
/* Fill the status's MPPE fields. */
void uppp_ccp_status(const struct uppp_session *s, struct uppp_status *st);
/* A packet of the peer's network control protocols (IPCP, IPV6CP) came.
 * pppd 2.4.9, when it requested MPPE, starts them only once its CCP is
 * Opened: if our request then goes unanswered for a Restart period in
 * Ack-Sent, the peer's Ack of it was lost, and CCP opens instead of
 * retransmitting (see ccp.c). */
void uppp_ccp_peer_ncp(struct uppp_session *s);
/* A CCP packet (code onward). */
void uppp_ccp_input(struct uppp_session *s, const uint8_t *pkt, size_t len);
/* A 0x00FD packet: 1 with the plaintext in out (deliver it, then call
 * uppp_ccp_data_done()), or 0 when it was dropped. In Ack-Sent a datagram
 * the method calls fresh opens CCP first: the peer's Configure-Ack of our
 * request was lost (see ccp.c, implied_ack()). */
int uppp_ccp_data_input(struct uppp_session *s, const uint8_t *pkt, size_t len, int writable,
                        struct uppp_ccp_plain *out);
void uppp_ccp_data_done(struct uppp_session *s);
/* Encrypt and send a network packet. Returns 0 (sent) or
 * UPPP_ERR_DROPPED (dropped and counted). */
int uppp_ccp_send(struct uppp_session *s, uint16_t proto, const uint8_t *pkt, size_t len);
void uppp_ccp_timer(struct uppp_session *s, uint64_t now);
uint64_t uppp_ccp_deadline(const struct uppp_session *s);
/* Renegotiate (pppd SIGUSR2). */
void uppp_ccp_renegotiate(struct uppp_session *s);
void uppp_ccp_free(struct uppp_session *s);

/* ---- services of ccp.c for the methods ---- */

/* Note a failure found inside a negotiation callback; reported once the
 * automaton has finished the event (uppp_ccp_settle()). */
void uppp_ccp_note_failure(struct uppp_session *s, enum uppp_ccp_fail kind);
/* Send a CCP packet of code with id (Reset-Request/Ack); a fresh
 * identifier from uppp_ccp_next_id(). */
void uppp_ccp_send_code(struct uppp_session *s, uint8_t code, uint8_t id, const uint8_t *data,
                        size_t len);
uint8_t uppp_ccp_next_id(struct uppp_session *s);
/* CCP is Opened (the data path runs only then). */
int uppp_ccp_opened(const struct uppp_session *s);
/* Max-Configure: how often a Reset-Request is repeated at most. */
int uppp_ccp_max_tries(const struct uppp_session *s);

#endif
