/*
 * RADIUS attribute hiding: User-Password (RFC 2865 section 5.2), which
 * RFC 2548 section 2.4.1 reuses for MS-CHAP-MPPE-Keys, and the salted
 * MS-MPPE-Send-Key/Recv-Key encryption (RFC 2548 sections 2.4.2-2.4.3).
 *
 * Both XOR 16-octet blocks with an MD5 chain: b(1) = MD5(secret | A),
 * b(i) = MD5(secret | c(i-1)), where c is the cipher text; A is the Request
 * Authenticator, followed by the Salt for the MPPE keys. pyrad#235 got the
 * chain wrong by feeding the plain text back; the known-answer test from
 * OpenBSD's libradius regression suite guards ours.
 */
#include <uppp/radius.h>
#include <uppp/err.h>

#include "crypto.h"

#include <string.h>

/* XOR in (a multiple of 16 octets) with the chain; decrypt selects which
 * side is the cipher text fed back. extra (salt) follows auth in b(1). */
static int md5_chain(const uint8_t *in, size_t len, const uint8_t auth[16], const uint8_t *extra,
                     size_t extra_len, const uint8_t *secret, size_t secret_len, uint8_t *out,
                     int decrypt)
{
    uint8_t b[16], prev[16];
    memcpy(prev, auth, 16);
    for (size_t i = 0; i < len; i += 16) {
        const uint8_t *a[3] = {secret, prev, extra};
        size_t l[3] = {secret_len, 16, extra_len};
        if (uppp_md5_vector(i == 0 && extra_len > 0 ? 3 : 2, a, l, b) != 0) {
            uppp_memzero(b, sizeof(b));
            return UPPP_ERR_CRYPTO;
        }
        for (int k = 0; k < 16; k++) {
            uint8_t c = decrypt ? in[i + k] : (uint8_t)(in[i + k] ^ b[k]);
            out[i + k] = (uint8_t)(in[i + k] ^ b[k]);
            prev[k] = c;
        }
    }
    uppp_memzero(b, sizeof(b));
    return 0;
}

static int check_secret(const uint8_t *auth, const uint8_t *secret, size_t secret_len)
{
    return auth == NULL || secret == NULL || secret_len == 0 || secret_len > UPPP_RADIUS_SECRET_MAX
               ? UPPP_ERR_INVALID
               : 0;
}

int uppp_radius_hide(const uint8_t *in, size_t in_len, const uint8_t auth[16],
                     const uint8_t *secret, size_t secret_len, uint8_t *out, size_t cap)
{
    if (check_secret(auth, secret, secret_len) != 0 || out == NULL || (in == NULL && in_len) ||
        in_len > UPPP_RADIUS_PASSWORD_MAX)
        return UPPP_ERR_INVALID;
    size_t len = in_len == 0 ? 16 : (in_len + 15) & ~(size_t)15;
    if (len > cap)
        return UPPP_ERR_NOBUF;
    uint8_t pad[UPPP_RADIUS_PASSWORD_MAX] = {0};
    if (in_len > 0)
        memcpy(pad, in, in_len);
    int rc = md5_chain(pad, len, auth, NULL, 0, secret, secret_len, out, 0);
    uppp_memzero(pad, sizeof(pad));
    return rc != 0 ? rc : (int)len;
}

int uppp_radius_unhide(const uint8_t *in, size_t in_len, const uint8_t auth[16],
                       const uint8_t *secret, size_t secret_len, uint8_t *out, size_t cap)
{
    if (check_secret(auth, secret, secret_len) != 0 || in == NULL || out == NULL || in_len == 0 ||
        in_len % 16 != 0 || in_len > UPPP_RADIUS_PASSWORD_MAX)
        return UPPP_ERR_INVALID;
    if (in_len > cap)
        return UPPP_ERR_NOBUF;
    int rc = md5_chain(in, in_len, auth, NULL, 0, secret, secret_len, out, 1);
    return rc != 0 ? rc : (int)in_len;
}

int uppp_radius_mppe_key_decrypt(const uint8_t *val, size_t len, const uint8_t req_auth[16],
                                 const uint8_t *secret, size_t secret_len, uint8_t *key, size_t cap)
{
    if (check_secret(req_auth, secret, secret_len) != 0 || key == NULL)
        return UPPP_ERR_INVALID;
    /* RFC 2548 2.4.2: the Salt's most significant bit must be set; the
     * String is a multiple of 16 octets (here at most 240 of a VSA). */
    if (val == NULL || len < 2 + 16 || (len - 2) % 16 != 0 || !(val[0] & 0x80))
        return UPPP_ERR_PARSE;
    uint8_t plain[256];
    int rc = md5_chain(val + 2, len - 2, req_auth, val, 2, secret, secret_len, plain, 1);
    if (rc == 0) {
        size_t klen = plain[0];
        if (klen == 0 || klen > len - 3)
            rc = UPPP_ERR_PARSE;
        else if (klen > cap)
            rc = UPPP_ERR_NOBUF;
        else {
            memcpy(key, plain + 1, klen);
            rc = (int)klen;
        }
    }
    uppp_memzero(plain, sizeof(plain));
    return rc;
}

int uppp_radius_mppe_key_encrypt(const uint8_t *key, size_t key_len, const uint8_t salt[2],
                                 const uint8_t req_auth[16], const uint8_t *secret,
                                 size_t secret_len, uint8_t *out, size_t cap)
{
    if (check_secret(req_auth, secret, secret_len) != 0 || key == NULL || salt == NULL ||
        out == NULL || key_len == 0 || key_len > 200)
        return UPPP_ERR_INVALID;
    size_t slen = (key_len + 1 + 15) & ~(size_t)15;
    if (2 + slen > cap)
        return UPPP_ERR_NOBUF;
    uint8_t plain[256] = {0};
    plain[0] = (uint8_t)key_len;
    memcpy(plain + 1, key, key_len);
    out[0] = (uint8_t)(salt[0] | 0x80);
    out[1] = salt[1];
    int rc = md5_chain(plain, slen, req_auth, out, 2, secret, secret_len, out + 2, 0);
    uppp_memzero(plain, sizeof(plain));
    return rc != 0 ? rc : (int)(2 + slen);
}
