/*
 * Session tracking for mppe-decrypt: follows each link's LCP (RFC 1661
 * section 5: a new Configure-Request after authentication starts a new
 * session), its MS-CHAP exchange (RFC 1994 section 4, RFC 2433, RFC 2759),
 * CCP's MPPE option per direction (RFC 1962 section 2, RFC 3078 section 2)
 * and decrypts the MPPE frames (RFC 3078 section 3) with libuppp's receiver,
 * the one upppd runs, so stateful streams resync across loss exactly as
 * upppd does; MPPC-compressed ones (RFC 2118, the C bit) are decompressed
 * after it with libuppp's decompressor, under MPPE or alone.
 */
#ifndef MD_TRACK_H
#define MD_TRACK_H

#include "md_capture.h"
#include "md_keys.h"

#include <stddef.h>
#include <stdint.h>

/* The most sessions one capture may hold; later ones are not tracked and
 * their frames are counted as orphans. */
#define MD_MAX_SESSIONS 100000
/* The most links (PPTP calls) tracked at once; the PPTP reader ends calls
 * before it has more (MD_PPTP_MAX_CALLS). */
#define MD_MAX_LINKS 4096

enum md_key_state {
    MD_KEY_NONE = 0, /* no credentials given (password check mode) */
    MD_KEY_OK,       /* the credentials answer the captured response */
    MD_KEY_WRONG,    /* they do not: the wrong password or hash */
    MD_KEY_GIVEN,    /* master keys given: nothing to check them against */
};

struct md_session {
    unsigned id; /* 1, 2, ... in capture order */
    uint32_t link;
    struct md_handshake hs;
    enum md_key_state key;
    int bits;                           /* 40, 56, 128; 0 before CCP settled */
    int stateless;                      /* -1 before CCP settled */
    int mppc;                           /* MPPC (RFC 2118) in a direction */
    int auth;                           /* 1: MS-CHAP; 0: none seen, MPPC alone (hs is empty) */
    uint64_t frames, decrypted, failed; /* decrypted: to plausible IPv4/IPv6 */
};

struct md_track_stats {
    uint64_t frames;         /* PPP frames seen */
    uint64_t bad_frames;     /* no Protocol field */
    uint64_t other_protocol; /* protocols the tool does not look into */
    uint64_t orphan_mppe;    /* MPPE frames outside any handshake */
    int seen_challenge, seen_response, seen_success, seen_ccp;
};

typedef void (*md_packet_cb)(void *user, uint64_t ts_us, const uint8_t *ip, size_t len);

struct md_track_config {
    const struct md_creds *creds; /* kind MD_CRED_NONE: handshakes only */
    md_packet_cb packet;          /* decrypted IPv4/IPv6, may be NULL */
    void *user;
};

struct md_track;

/* Returns 0, UPPP_ERR_NOMEM, UPPP_ERR_INVALID. */
int md_track_new(struct md_track **out, const struct md_track_config *cfg);
void md_track_del(struct md_track *t);

/* Feed one PPP frame (an MD_UNIT_FRAME unit). Returns 0, UPPP_ERR_NOMEM,
 * UPPP_ERR_CRYPTO / UPPP_ERR_CRYPTO_UNAVAILABLE; malformed packets are
 * counted, not errors. */
int md_track_frame(struct md_track *t, const struct md_unit *frame);

/* The link is over (a PPTP call ended): its session state is freed and
 * its slot reused; a frame on the same link number later starts afresh.
 * Returns 0 (also for a link never seen). */
int md_track_link_end(struct md_track *t, uint32_t link);

/* Sessions so far, in order; valid until the next md_track_frame(). */
const struct md_session *md_track_sessions(const struct md_track *t, size_t *n);
const struct md_track_stats *md_track_stats(const struct md_track *t);

#endif
