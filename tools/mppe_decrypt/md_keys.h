/*
 * Keys for mppe-decrypt: what the analyst gives (password, NT hash, or the
 * MPPE master keys as RADIUS hands them over, MS-MPPE-Send-Key and
 * MS-MPPE-Recv-Key of RFC 2548 section 2.4), checked against a captured
 * MS-CHAP exchange (RFC 2433 section 5, RFC 2759 section 4) and turned into
 * each direction's MPPE start key (RFC 3079 sections 2 and 3).
 */
#ifndef MD_KEYS_H
#define MD_KEYS_H

#include "md_wire.h"

#include <stddef.h>
#include <stdint.h>

enum md_cred_kind { MD_CRED_NONE = 0, MD_CRED_PASSWORD, MD_CRED_NTHASH, MD_CRED_KEYS };

struct md_creds {
    enum md_cred_kind kind;
    char password[1025]; /* UTF-8, NUL-terminated */
    uint8_t nt_hash[16];
    /* The authenticator's send and receive keys (RADIUS's view): A->P and
     * P->A start keys. */
    uint8_t send_key[16], recv_key[16];
};

/* One captured MS-CHAP exchange: Challenge, Response and Success. */
struct md_handshake {
    int v2;           /* 1: MS-CHAPv2, 0: MS-CHAPv1 */
    uint8_t chal[16]; /* the authenticator's (8 octets used for v1) */
    uint8_t resp[MD_MSCHAP_RESP_LEN];
    char user[MD_MAX_NAME + 1]; /* Response Name, NUL-terminated, raw */
    size_t user_len;
};

/* Start keys of one session. */
struct md_session_keys {
    uint8_t a_send[16]; /* authenticator -> peer */
    uint8_t a_recv[16]; /* peer -> authenticator */
    /* MS-CHAPv1 40/56 bits may be keyed from the LM hash instead (RFC 3079
     * sections 2.1, 2.2; upppd does so when it has the password), pppd from
     * the NT hash: both are tried, see md_track.c. */
    int have_lm;
    uint8_t lm[16];
};

/* Does the NT hash answer the captured response? Returns 0 if so,
 * UPPP_ERR_AUTH if not, UPPP_ERR_CRYPTO / UPPP_ERR_CRYPTO_UNAVAILABLE. */
int md_keys_check_nt_hash(const struct md_handshake *h, const uint8_t nt_hash[16]);

/* The same for a password candidate (UTF-8): 0, UPPP_ERR_AUTH,
 * UPPP_ERR_UTF8, UPPP_ERR_PASSWORD_TOO_LONG, UPPP_ERR_CRYPTO*. */
int md_keys_check_password(const struct md_handshake *h, const char *pw, size_t len);

/* Derive the session's start keys from creds, checking a password or hash
 * against the response first. Returns 0, UPPP_ERR_AUTH (it does not
 * match: the wrong password), UPPP_ERR_INVALID (no credentials), or the
 * codes of md_keys_check_password(). */
int md_keys_derive(const struct md_handshake *h, const struct md_creds *c,
                   struct md_session_keys *k);

/* Parse exactly 32 hex digits into 16 octets. Returns 0 or UPPP_ERR_PARSE. */
int md_keys_parse_hex16(const char *s, uint8_t out[16]);

#endif
