/*
 * What MS-CHAPv1 (RFC 2433) and MS-CHAPv2 (RFC 2759) add to CHAP, both
 * roles: the Response value (RFC 2433 section 6, RFC 2759 section 4), the
 * Success message with its authenticator response (RFC 2759 section 5),
 * the Failure message (RFC 2433 section 8, RFC 2759 section 6), and the
 * password change after E=648 (RFC 2759 section 7; RFC 2433 section 10,
 * Change Password version 2). pppd has never done the password change.
 * The arithmetic is in mschap.c (include/uppp/mschap.h).
 *
 * Interop notes, by peer:
 * - Win98 sets the MS-CHAPv2 Flags octet (to 4) and takes an M= in the
 *   Success message for an error; pppd leaves M= out for such peers, and
 *   so do we, or always with cfg.mschap_win98_flags.
 * - Windows Server 2019 sends "S=<40 hex>M=<text>", without the space
 *   RFC 2759 section 5 puts before M=; pppd accepts it, so do we.
 * - pppd answers a failure with "E=691 R=1 ... V=0"; we send what the RFCs
 *   and Windows send: R=0 (we never accept a retry), V=2 (MS-CHAPv1, the
 *   code-6 change packet) or V=3 (MS-CHAPv2), M= only for MS-CHAPv2.
 */
#include "chap_ms.h"
#include "auth_int.h"
#include "crypto.h"
#include "utf16.h"

#include <uppp/err.h>
#include <uppp/hex.h>
#include <uppp/mschap.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void hex_upper(char *out, const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

/* The new password of a Change-Password, UTF-16LE (units code units), as a
 * C string in out (cap octets with its zero). Returns -1 on an unpaired
 * surrogate, an embedded U+0000 (it would end the string early) or lack of
 * room. */
static int password_to_utf8(const uint8_t *in, size_t units, char *out, size_t cap)
{
    size_t n = 0;
    if (cap == 0 || uppp_utf16le_to_utf8(in, units, (uint8_t *)out, cap - 1, &n) != 0)
        return -1;
    out[n] = '\0';
    return strlen(out) == n ? 0 : -1;
}

/* The NT password hash of a secret: computed from a password (UTF-8 to
 * UTF-16LE, RFC 2759 8.3) or stored as such. Logs why not. */
static int secret_nt_hash(struct uppp_session *s, const struct uppp_secret *sec, const char *who,
                          uint8_t hash[16])
{
    if (sec->kind == UPPP_SECRET_NTHASH) {
        memcpy(hash, sec->nt_hash, 16);
        return 0;
    }
    int rc = uppp_nt_password_hash(sec->password, strlen(sec->password), hash);
    if (rc != 0)
        uppp_log(s, UPPP_LOG_ERR, "MS-CHAP: the password for %s cannot be used: %s", who,
                 uppp_strerror(rc));
    return rc;
}

/* MS-CHAPv1 LAN Manager keys (RFC 3079 2.1, 2.2) need the plaintext. */
static void lm_keymat(const struct uppp_secret *sec, const char *pw, struct uppp_chap_keymat *km)
{
    const char *p = sec != NULL ? (sec->kind == UPPP_SECRET_PASSWORD ? sec->password : NULL) : pw;
    km->have_lm = p != NULL && uppp_lm_password_hash(p, strlen(p), km->lm_hash) == 0;
    if (!km->have_lm)
        uppp_memzero(km->lm_hash, sizeof(km->lm_hash));
}

static int omit_m(const struct uppp_session *s, const struct uppp_chap_server *ss)
{
    /* pppd chap_ms.c: Win98 sets the Flags octet and chokes on M=. */
    return s->cfg.mschap_win98_flags || ss->ms_flags != 0;
}

static const char *error_words(int e)
{
    switch (e) {
    case UPPP_MSCHAP_E_RESTRICTED_LOGON_HOURS:
        return "Restricted logon hours";
    case UPPP_MSCHAP_E_ACCT_DISABLED:
        return "Account disabled";
    case UPPP_MSCHAP_E_PASSWD_EXPIRED:
        return "Password expired";
    case UPPP_MSCHAP_E_NO_DIALIN_PERMISSION:
        return "No dialin permission";
    case UPPP_MSCHAP_E_AUTHENTICATION_FAILURE:
        return "Authentication failure";
    case UPPP_MSCHAP_E_CHANGING_PASSWORD:
        return "Error changing password";
    default:
        return NULL;
    }
}

/* ---- authenticator ---- */

void uppp_chapms_set_failure(struct uppp_session *s, struct uppp_chap_server *ss, int error,
                             const uint8_t *chal)
{
    char hex[33];
    int n;
    if (ss->method == UPPP_AUTH_MSCHAP_V2) {
        const char *m = error == UPPP_MSCHAP_E_PASSWD_EXPIRED      ? "Password expired"
                        : error == UPPP_MSCHAP_E_CHANGING_PASSWORD ? "Error changing password"
                                                                   : UPPP_MSCHAP_MSG_FAILED;
        hex_upper(hex, chal, 16);
        n = snprintf(ss->reply, sizeof(ss->reply), "E=%d R=0 C=%s V=%d%s%s", error, hex,
                     UPPP_MSV2_CHPW_VERSION, omit_m(s, ss) ? "" : " M=", omit_m(s, ss) ? "" : m);
    } else {
        /* RFC 2433 section 8 has no M=. */
        hex_upper(hex, chal, 8);
        n = snprintf(ss->reply, sizeof(ss->reply), "E=%d R=0 C=%s V=%d", error, hex,
                     UPPP_MSV1_CHPW_VERSION);
    }
    ss->reply_len = n > 0 && (size_t)n < sizeof(ss->reply) ? (size_t)n : 0;
}

/* "S=<40 hex>" and, unless omitted, " M=Access granted" (RFC 2759 5). */
static int set_success_v2(struct uppp_session *s, struct uppp_chap_server *ss,
                          const uint8_t hash[16], const uint8_t nt[24], const uint8_t pchal[16],
                          const uint8_t achal[16])
{
    char sresp[UPPP_MSCHAP_AUTH_RESPONSE_SIZE];
    int rc = uppp_generate_authenticator_response_pwhash(hash, nt, pchal, achal, ss->peer,
                                                         strlen(ss->peer), sresp);
    if (rc != 0) {
        uppp_log(s, UPPP_LOG_ERR, "MS-CHAP-v2: authenticator response failed: %s",
                 uppp_strerror(rc));
        return rc;
    }
    int n = snprintf(ss->reply, sizeof(ss->reply), "%s%s", sresp,
                     omit_m(s, ss) ? "" : " M=" UPPP_CHAP_MSG_GRANTED);
    ss->reply_len = (size_t)n;
    return 0;
}

int uppp_chapms_verify(struct uppp_session *s, struct uppp_chap_server *ss, const uint8_t *val,
                       size_t vlen, const struct uppp_secret *sec)
{
    int v2 = ss->method == UPPP_AUTH_MSCHAP_V2;
    if (vlen != UPPP_MSV2_RESPONSE_LEN) {
        uppp_log(s, UPPP_LOG_WARN, "%s: Response value of %zu octets, not 49",
                 uppp_chap_method_name(ss->method), vlen);
        return UPPP_CHAPMS_FAIL;
    }
    if (v2)
        ss->ms_flags = val[UPPP_MSV2_FLAGS];
    /* The Failure text again, now that the Flags octet is known. */
    uppp_chapms_set_failure(s, ss, UPPP_MSCHAP_E_AUTHENTICATION_FAILURE, ss->challenge);
    if (!v2 && val[UPPP_MSV1_USE_NT] == 0) {
        /* pppd's wording: we do not check LAN Manager responses. */
        uppp_log(s, UPPP_LOG_NOTICE, "Peer request for LANMAN auth not supported");
        return UPPP_CHAPMS_FAIL;
    }
    uint8_t hash[16];
    if (secret_nt_hash(s, sec, ss->shown, hash) != 0)
        return UPPP_CHAPMS_FAIL;
    int rc;
    if (v2)
        rc = uppp_check_nt_response_pwhash(ss->challenge, val + UPPP_MSV2_PEER_CHAL, ss->peer,
                                           strlen(ss->peer), hash, val + UPPP_MSV2_NT_RESP);
    else
        rc = uppp_check_challenge_response(ss->challenge, hash, val + UPPP_MSV1_NT_RESP);
    int verdict = UPPP_CHAPMS_FAIL;
    if (rc != 0 && rc != UPPP_ERR_AUTH)
        uppp_log(s, UPPP_LOG_ERR, "%s: %s", uppp_chap_method_name(ss->method), uppp_strerror(rc));
    if (rc == 0 && sec->expired) {
        /* RFC 2759 section 7: the right old password, but expired. A
         * fresh challenge for the change (C=); MS-CHAPv1 keeps the last
         * one, as RFC 2433 section 10 computes the new response on it. */
        const uint8_t *c = ss->challenge;
        if (v2) {
            if (uppp_random(s, ss->chpw_challenge, 16) != 0) {
                uppp_memzero(hash, sizeof(hash));
                return UPPP_CHAPMS_FAIL;
            }
            c = ss->chpw_challenge;
        }
        memcpy(ss->old_hash, hash, 16);
        uppp_chapms_set_failure(s, ss, UPPP_MSCHAP_E_PASSWD_EXPIRED, c);
        verdict = UPPP_CHAPMS_EXPIRED;
    } else if (rc == 0 && v2) {
        if (set_success_v2(s, ss, hash, val + UPPP_MSV2_NT_RESP, val + UPPP_MSV2_PEER_CHAL,
                           ss->challenge) == 0) {
            ss->km.have = 1;
            memcpy(ss->km.pw_hash, hash, 16);
            memcpy(ss->km.nt_response, val + UPPP_MSV2_NT_RESP, 24);
            verdict = UPPP_CHAPMS_OK;
        }
    } else if (rc == 0) {
        ss->reply_len = (size_t)snprintf(ss->reply, sizeof(ss->reply), UPPP_CHAP_MSG_GRANTED);
        ss->km.have = 1;
        memcpy(ss->km.pw_hash, hash, 16);
        memcpy(ss->km.challenge, ss->challenge, 8);
        lm_keymat(sec, NULL, &ss->km);
        verdict = UPPP_CHAPMS_OK;
    }
    uppp_memzero(hash, sizeof(hash));
    return verdict;
}

/* Hand the new password to the caller. */
static int store_new_password(struct uppp_session *s, struct uppp_chap_server *ss,
                              const uint8_t *pw16, size_t pwlen, const uint8_t new_hash[16])
{
    if (s->cb.set_password == NULL) {
        uppp_log(s, UPPP_LOG_WARN, "MS-CHAP: no way to store a new password for %s", ss->shown);
        return -1;
    }
    struct uppp_secret ns;
    memset(&ns, 0, sizeof(ns));
    memcpy(ns.nt_hash, new_hash, 16);
    ns.kind = password_to_utf8(pw16, pwlen / 2, ns.password, sizeof(ns.password)) == 0
                  ? UPPP_SECRET_PASSWORD
                  : UPPP_SECRET_NTHASH;
    if (ns.kind == UPPP_SECRET_NTHASH)
        uppp_memzero(ns.password, sizeof(ns.password));
    struct uppp_secret_query q = {
        .method = ss->method, .for_peer = 1, .client = ss->user, .server = s->cfg.our_name};
    int rc = s->cb.set_password(s->cb.user, &q, &ns);
    if (rc == 0 && ss->method == UPPP_AUTH_MSCHAP_V1)
        lm_keymat(NULL, ns.kind == UPPP_SECRET_PASSWORD ? ns.password : NULL, &ss->km);
    uppp_memzero(&ns, sizeof(ns));
    if (rc != 0)
        uppp_log(s, UPPP_LOG_WARN, "MS-CHAP: the new password for %s was refused", ss->shown);
    return rc;
}

int uppp_chapms_change_password(struct uppp_session *s, struct uppp_chap_server *ss, uint8_t code,
                                const uint8_t *p, size_t len)
{
    int v2 = code == UPPP_CHAP_MSV2_CHPW;
    /* RFC 2759 7: 582 octets after the header; RFC 2433 10: 1114. */
    if (len < (v2 ? UPPP_MSV2_CHPW_LEN : UPPP_MSV1_CHPW_LEN)) {
        uppp_log(s, UPPP_LOG_DEBUG, "MS-CHAP: short Change-Password packet dropped");
        return -1;
    }
    const uint8_t *achal = v2 ? ss->chpw_challenge : ss->challenge;
    uppp_chapms_set_failure(s, ss, UPPP_MSCHAP_E_CHANGING_PASSWORD, achal);

    uint8_t pw16[UPPP_MSCHAP_PWBLOCK_PASSWORD_LEN], new_hash[16], enc[16];
    size_t pwlen = 0;
    int verdict = UPPP_CHAPMS_FAIL;
    const uint8_t *nt = p + (v2 ? UPPP_MSV2_CHPW_NT_RESP : UPPP_MSV1_CHPW_NT_RESP);
    const uint8_t *pchal = p + UPPP_MSV2_CHPW_PEER_CHAL;
    /* The new password, encrypted under the old hash (RFC 2759 8.9/8.10);
     * then the old hash encrypted with the new (8.12), which proves the
     * sender knew the old password; then a response on the new one. */
    int rc = uppp_decrypt_pw_block_with_password_hash(p + UPPP_MSV2_CHPW_ENC_PW, ss->old_hash, pw16,
                                                      &pwlen);
    if (rc == 0)
        rc = uppp_nt_password_hash_utf16le(pw16, pwlen, new_hash);
    if (rc == 0)
        rc = uppp_nt_password_hash_encrypted_with_block(ss->old_hash, new_hash, enc);
    if (rc == 0 && !uppp_ct_memeq(enc, p + UPPP_MSV2_CHPW_ENC_HASH, 16))
        rc = UPPP_ERR_AUTH;
    if (rc == 0 && v2)
        rc = uppp_check_nt_response_pwhash(achal, pchal, ss->peer, strlen(ss->peer), new_hash, nt);
    else if (rc == 0)
        rc = uppp_check_challenge_response(achal, new_hash, nt);
    if (rc != 0) {
        uppp_log(s, UPPP_LOG_WARN, "MS-CHAP: bad Change-Password packet from %s: %s", ss->shown,
                 uppp_strerror(rc));
    } else if (store_new_password(s, ss, pw16, pwlen, new_hash) == 0) {
        if (v2 && set_success_v2(s, ss, new_hash, nt, pchal, achal) != 0)
            goto out;
        if (!v2)
            ss->reply_len = (size_t)snprintf(ss->reply, sizeof(ss->reply), UPPP_CHAP_MSG_GRANTED);
        ss->km.have = 1;
        memcpy(ss->km.pw_hash, new_hash, 16);
        memcpy(ss->km.nt_response, nt, 24);
        memcpy(ss->km.challenge, ss->challenge, 8);
        uppp_log(s, UPPP_LOG_NOTICE, "MS-CHAP: %s changed the expired password", ss->shown);
        verdict = UPPP_CHAPMS_OK;
    }
out:
    if (verdict != UPPP_CHAPMS_OK)
        uppp_memzero(&ss->km, sizeof(ss->km));
    uppp_memzero(ss->old_hash, sizeof(ss->old_hash));
    uppp_memzero(pw16, sizeof(pw16));
    uppp_memzero(new_hash, sizeof(new_hash));
    uppp_memzero(enc, sizeof(enc));
    return verdict;
}

/* ---- peer ---- */

int uppp_chapms_make_response(struct uppp_session *s, struct uppp_chap_client *cs,
                              const struct uppp_secret *sec, uint8_t out[49])
{
    uint8_t hash[16];
    memset(out, 0, UPPP_MSV2_RESPONSE_LEN);
    memset(&cs->km, 0, sizeof(cs->km));
    int rc = secret_nt_hash(s, sec, s->cfg.our_name, hash);
    if (rc != 0)
        return rc;
    if (cs->method == UPPP_AUTH_MSCHAP_V1) {
        /* RFC 2433 section 6: LM response zero-filled, NT flag set. */
        rc = uppp_challenge_response(cs->challenge, hash, out + UPPP_MSV1_NT_RESP);
        out[UPPP_MSV1_USE_NT] = 1;
        memcpy(cs->km.challenge, cs->challenge, 8);
        lm_keymat(sec, NULL, &cs->km);
    } else {
        /* RFC 2759 section 4: random Peer-Challenge, 8 zero octets, the
         * NT-Response, Flags 0. */
        rc = uppp_random(s, cs->peer_challenge, 16) != 0 ? UPPP_ERR_RANDOM : 0;
        if (rc == 0)
            rc = uppp_generate_nt_response_pwhash(cs->auth_challenge, cs->peer_challenge,
                                                  s->cfg.our_name, strlen(s->cfg.our_name), hash,
                                                  cs->nt_response);
        memcpy(out + UPPP_MSV2_PEER_CHAL, cs->peer_challenge, 16);
        memcpy(out + UPPP_MSV2_NT_RESP, cs->nt_response, 24);
        memcpy(cs->km.nt_response, cs->nt_response, 24);
    }
    if (rc != 0) {
        uppp_log(s, UPPP_LOG_ERR, "%s: cannot compute our response: %s",
                 uppp_chap_method_name(cs->method), uppp_strerror(rc));
        uppp_memzero(&cs->km, sizeof(cs->km));
    } else {
        memcpy(cs->pw_hash, hash, 16);
        memcpy(cs->km.pw_hash, hash, 16);
        cs->km.have = 1;
    }
    uppp_memzero(hash, sizeof(hash));
    return rc;
}

int uppp_chapms_check_success(struct uppp_session *s, struct uppp_chap_client *cs,
                              const uint8_t *msg, size_t len)
{
    if (cs->method != UPPP_AUTH_MSCHAP_V2)
        return 0;
    const size_t n = UPPP_MSCHAP_AUTH_RESPONSE_LEN;
    if (len < n || memcmp(msg, "S=", 2) != 0) {
        uppp_log(s, UPPP_LOG_ERR, "MS-CHAPv2 Success packet is badly formed.");
        return -1;
    }
    int rc = uppp_check_authenticator_response_pwhash(
        cs->pw_hash, cs->nt_response, cs->peer_challenge, cs->auth_challenge, s->cfg.our_name,
        strlen(s->cfg.our_name), (const char *)msg, n);
    if (rc != 0) {
        uppp_log(s, UPPP_LOG_ERR, "MS-CHAPv2 mutual authentication failed.");
        return -1;
    }
    /* RFC 2759 5: " M=<msg>" may follow; Windows Server 2019 leaves out
     * the space. */
    const uint8_t *rest = msg + n;
    size_t rlen = len - n;
    if (rlen >= 3 && memcmp(rest, " M=", 3) == 0) {
        rest += 3, rlen -= 3;
    } else if (rlen >= 2 && memcmp(rest, "M=", 2) == 0) {
        rest += 2, rlen -= 2;
    } else if (rlen != 0) {
        uppp_log(s, UPPP_LOG_ERR, "MS-CHAPv2 Success packet is badly formed.");
        return -1;
    }
    if (rlen > 0) {
        char shown[UPPP_CHAP_MAX_MSG * 4 + 1];
        uppp_escape(shown, sizeof(shown), rest, rlen, 0);
        uppp_log(s, UPPP_LOG_DEBUG, "MS-CHAP-v2 success message: %s", shown);
    }
    return 0;
}

/* The fields of a Failure message (RFC 2433 8, RFC 2759 6). */
struct ms_failure {
    int has_e, e;
    int has_v, v;
    int has_c;
    const char *c;
    size_t clen;
    const char *m; /* M=: the rest of the message */
};

static void parse_failure(const char *t, struct ms_failure *f)
{
    memset(f, 0, sizeof(*f));
    const char *p = t;
    while (*p) {
        while (*p == ' ')
            p++;
        if (strncmp(p, "M=", 2) == 0) {
            f->m = p + 2;
            return;
        }
        const char *end = strchr(p, ' ');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n >= 2 && p[1] == '=') {
            char num[12] = "";
            size_t k = n - 2 < sizeof(num) - 1 ? n - 2 : sizeof(num) - 1;
            memcpy(num, p + 2, k);
            num[k] = '\0';
            if (p[0] == 'E') {
                f->has_e = 1;
                f->e = atoi(num);
            } else if (p[0] == 'V') {
                f->has_v = 1;
                f->v = atoi(num);
            } else if (p[0] == 'C') {
                f->has_c = 1;
                f->c = p + 2;
                f->clen = n - 2;
            }
        }
        p += n;
    }
}

/* MS-CHAPv2 Change-Password (RFC 2759 section 7), answering the Failure
 * with identifier id and challenge achal. */
static int send_chpw_v2(struct uppp_session *s, struct uppp_chap_client *cs, uint8_t id,
                        const uint8_t achal[16])
{
    const char *npw = s->cfg.new_password;
    size_t nlen = strnlen(npw, UPPP_NEW_PASSWORD_MAX);
    uint8_t body[UPPP_MSV2_CHPW_LEN], rnd[UPPP_MSCHAP_PWBLOCK_PASSWORD_LEN], new_hash[16],
        pchal[16], nt[24];
    memset(body, 0, sizeof(body));
    int rc = uppp_nt_password_hash(npw, nlen, new_hash);
    if (rc == 0 && (uppp_random(s, rnd, sizeof(rnd)) != 0 || uppp_random(s, pchal, 16) != 0))
        rc = UPPP_ERR_RANDOM;
    if (rc == 0)
        rc = uppp_encrypt_pw_block_with_password_hash(npw, nlen, cs->pw_hash, rnd,
                                                      body + UPPP_MSV2_CHPW_ENC_PW);
    if (rc == 0)
        rc = uppp_nt_password_hash_encrypted_with_block(cs->pw_hash, new_hash,
                                                        body + UPPP_MSV2_CHPW_ENC_HASH);
    if (rc == 0)
        rc = uppp_generate_nt_response_pwhash(achal, pchal, s->cfg.our_name,
                                              strlen(s->cfg.our_name), new_hash, nt);
    if (rc == 0) {
        memcpy(body + UPPP_MSV2_CHPW_PEER_CHAL, pchal, 16);
        memcpy(body + UPPP_MSV2_CHPW_NT_RESP, nt, 24);
        /* From here Success is checked against the new password. */
        memcpy(cs->pw_hash, new_hash, 16);
        memcpy(cs->peer_challenge, pchal, 16);
        memcpy(cs->auth_challenge, achal, 16);
        memcpy(cs->nt_response, nt, 24);
        memset(&cs->km, 0, sizeof(cs->km));
        cs->km.have = 1;
        memcpy(cs->km.pw_hash, new_hash, 16);
        memcpy(cs->km.nt_response, nt, 24);
        cs->chpw_id = id;
        cs->state = UPPP_CHAPC_CHPW;
        uppp_chap_client_send(s, cs, UPPP_CHAP_MSV2_CHPW, id, body, sizeof(body));
    } else {
        uppp_log(s, UPPP_LOG_ERR, "MS-CHAP: cannot build Change-Password: %s", uppp_strerror(rc));
    }
    uppp_memzero(body, sizeof(body));
    uppp_memzero(rnd, sizeof(rnd));
    uppp_memzero(new_hash, sizeof(new_hash));
    return rc;
}

/* MS-CHAPv1 Change Password version 2 (RFC 2433 section 10). The new
 * response is on "the same challenge used in the last response". */
static int send_chpw_v1(struct uppp_session *s, struct uppp_chap_client *cs, uint8_t id)
{
    const char *npw = s->cfg.new_password;
    size_t nlen = strnlen(npw, UPPP_NEW_PASSWORD_MAX);
    uint8_t body[UPPP_MSV1_CHPW_LEN], rnd[UPPP_MSCHAP_PWBLOCK_PASSWORD_LEN], new_hash[16];
    /* The LAN Manager fields SHOULD be zero-filled (RFC 2433 section 10). */
    memset(body, 0, sizeof(body));
    int rc = uppp_nt_password_hash(npw, nlen, new_hash);
    if (rc == 0 && uppp_random(s, rnd, sizeof(rnd)) != 0)
        rc = UPPP_ERR_RANDOM;
    if (rc == 0)
        rc = uppp_encrypt_pw_block_with_password_hash(npw, nlen, cs->pw_hash, rnd,
                                                      body + UPPP_MSV1_CHPW_ENC_PW);
    if (rc == 0)
        rc = uppp_nt_password_hash_encrypted_with_block(cs->pw_hash, new_hash,
                                                        body + UPPP_MSV1_CHPW_ENC_HASH);
    if (rc == 0)
        rc = uppp_challenge_response(cs->challenge, new_hash, body + UPPP_MSV1_CHPW_NT_RESP);
    if (rc == 0) {
        /* Flags, bit 0 "use the NT response", in network order as every
         * PPP field. */
        body[UPPP_MSV1_CHPW_FLAGS + 1] = 1;
        memcpy(cs->pw_hash, new_hash, 16);
        memset(&cs->km, 0, sizeof(cs->km));
        cs->km.have = 1;
        memcpy(cs->km.pw_hash, new_hash, 16);
        memcpy(cs->km.challenge, cs->challenge, 8);
        lm_keymat(NULL, npw, &cs->km);
        cs->chpw_id = id;
        cs->state = UPPP_CHAPC_CHPW;
        uppp_chap_client_send(s, cs, UPPP_CHAP_MSV1_CHPW2, id, body, sizeof(body));
    } else {
        uppp_log(s, UPPP_LOG_ERR, "MS-CHAP: cannot build Change-Password: %s", uppp_strerror(rc));
    }
    uppp_memzero(body, sizeof(body));
    uppp_memzero(rnd, sizeof(rnd));
    uppp_memzero(new_hash, sizeof(new_hash));
    return rc;
}

int uppp_chapms_handle_failure(struct uppp_session *s, struct uppp_chap_client *cs, uint8_t id,
                               const uint8_t *msg, size_t len, char *reason, size_t cap)
{
    char text[UPPP_CHAP_MAX_MSG * 4 + 1];
    uppp_escape(text, sizeof(text), msg, len, 0);
    struct ms_failure f;
    parse_failure(text, &f);
    const char *words = f.has_e ? error_words(f.e) : NULL;

    if (f.has_e && f.e == UPPP_MSCHAP_E_PASSWD_EXPIRED && s->cfg.new_password[0] &&
        cs->state == UPPP_CHAPC_RESPONDED) {
        uint8_t c[16];
        uint8_t next = (uint8_t)(id + 1); /* RFC 2759 7: Failure's id plus 1 */
        if (cs->method == UPPP_AUTH_MSCHAP_V2 && f.has_v && f.v >= UPPP_MSV2_CHPW_VERSION &&
            f.has_c && uppp_hex_decode(c, sizeof(c), f.c, f.clen) == (int)sizeof(c)) {
            uppp_log(s, UPPP_LOG_NOTICE, "MS-CHAP: password expired; changing it");
            if (send_chpw_v2(s, cs, next, c) == 0)
                return 1;
        } else if (cs->method == UPPP_AUTH_MSCHAP_V1 && f.has_v && f.v >= UPPP_MSV1_CHPW_VERSION) {
            uppp_log(s, UPPP_LOG_NOTICE, "MS-CHAP: password expired; changing it");
            if (send_chpw_v1(s, cs, next) == 0)
                return 1;
        } else {
            uppp_log(s, UPPP_LOG_WARN,
                     "MS-CHAP: password expired, but the authenticator offers no password "
                     "change we support");
        }
    }
    if (f.m != NULL && f.m[0])
        uppp_log(s, UPPP_LOG_INFO, "Remote message: %s", f.m);
    if (words != NULL) {
        snprintf(reason, cap, "MS-CHAP authentication failed: E=%d %s", f.e, words);
        uppp_log(s, UPPP_LOG_ERR, "%s", reason);
    } else if (f.has_e) {
        uppp_log(s, UPPP_LOG_ERR, "Unknown MS-CHAP authentication failure: %s", text);
        snprintf(reason, cap, "MS-CHAP authentication failed: E=%d", f.e);
    } else {
        uppp_log(s, UPPP_LOG_ERR, "MS-CHAP authentication failed: %s", text);
        snprintf(reason, cap, "MS-CHAP authentication failed");
    }
    return 0;
}
