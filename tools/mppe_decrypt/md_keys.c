/*
 * Key checks and derivation for mppe-decrypt (md_keys.h): RFC 2433 section
 * A.5 / RFC 2759 section 8.1 to test a candidate against the captured
 * NT-Response, RFC 3079 sections 2.3 (v1) and 3.4 (v2) for the start keys,
 * 2.1/2.2 for v1's LM keys.
 */
#include "md_keys.h"

#include <uppp/err.h>
#include <uppp/hex.h>
#include <uppp/mppe_keys.h>
#include <uppp/mschap.h>

#include <string.h>

int md_keys_check_nt_hash(const struct md_handshake *h, const uint8_t nt_hash[16])
{
    if (h->v2)
        return uppp_check_nt_response_pwhash(h->chal, h->resp + MD_MSCHAP2_PEER_CHAL_OFF, h->user,
                                             h->user_len, nt_hash, h->resp + MD_MSCHAP2_NT_OFF);
    return uppp_check_challenge_response(h->chal, nt_hash, h->resp + MD_MSCHAP1_NT_OFF);
}

int md_keys_check_password(const struct md_handshake *h, const char *pw, size_t len)
{
    uint8_t hash[16];
    int rc = uppp_nt_password_hash(pw, len, hash);
    if (rc == 0)
        rc = md_keys_check_nt_hash(h, hash);
    explicit_bzero(hash, sizeof(hash));
    return rc;
}

int md_keys_derive(const struct md_handshake *h, const struct md_creds *c,
                   struct md_session_keys *k)
{
    memset(k, 0, sizeof(*k));
    if (c->kind == MD_CRED_KEYS) {
        memcpy(k->a_send, c->send_key, 16);
        memcpy(k->a_recv, c->recv_key, 16);
        return 0;
    }
    uint8_t hash[16], hh[16];
    int rc;
    if (c->kind == MD_CRED_PASSWORD)
        rc = uppp_nt_password_hash(c->password, strlen(c->password), hash);
    else if (c->kind == MD_CRED_NTHASH)
        memcpy(hash, c->nt_hash, 16), rc = 0;
    else
        return UPPP_ERR_INVALID;
    if (rc == 0)
        rc = md_keys_check_nt_hash(h, hash);
    if (rc == 0)
        rc = uppp_hash_nt_password_hash(hash, hh);
    if (rc == 0 && h->v2) {
        rc = uppp_mppe_v2_start_keys(hh, h->resp + MD_MSCHAP2_NT_OFF, 1, k->a_send, k->a_recv);
    } else if (rc == 0) {
        rc = uppp_mppe_v1_nt_start_key(h->chal, hh, k->a_send);
        memcpy(k->a_recv, k->a_send, 16);
        uint8_t lmh[16];
        /* Only a password has an LM hash, and only an ASCII one of at most
         * 14 characters (RFC 2433 A.2). */
        if (rc == 0 && c->kind == MD_CRED_PASSWORD &&
            uppp_lm_password_hash(c->password, strlen(c->password), lmh) == 0 &&
            uppp_mppe_v1_lm_start_key(lmh, k->lm) == 0)
            k->have_lm = 1;
        explicit_bzero(lmh, sizeof(lmh));
    }
    explicit_bzero(hash, sizeof(hash));
    explicit_bzero(hh, sizeof(hh));
    if (rc != 0)
        explicit_bzero(k, sizeof(*k));
    return rc;
}

int md_keys_parse_hex16(const char *s, uint8_t out[16])
{
    return uppp_hex_decode(out, 16, s, strlen(s)) == 16 ? 0 : UPPP_ERR_PARSE;
}
