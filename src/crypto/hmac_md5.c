/*
 * HMAC-MD5 (RFC 2104 section 2) on top of uppp_md5_vector, for RADIUS's
 * Message-Authenticator (RFC 3579 section 3.2). Written over the narrow
 * interface rather than the backend so crypto_openssl.c stays the only
 * file that knows OpenSSL.
 */
#include "crypto.h"

#include <uppp/err.h>

#include <string.h>

#define BLOCK 64

int uppp_hmac_md5_vector(const uint8_t *key, size_t key_len, size_t n, const uint8_t *const addr[],
                         const size_t len[], uint8_t out[UPPP_MD5_LEN])
{
    if (n > UPPP_HMAC_MD5_MAX_PIECES || (key == NULL && key_len > 0))
        return UPPP_ERR_INVALID;
    uint8_t k[BLOCK] = {0}, pad[BLOCK], inner[UPPP_MD5_LEN];
    int rc = 0;
    if (key_len > BLOCK) {
        const uint8_t *a[1] = {key};
        size_t l[1] = {key_len};
        rc = uppp_md5_vector(1, a, l, k);
    } else if (key_len > 0) {
        memcpy(k, key, key_len);
    }
    const uint8_t *a[UPPP_HMAC_MD5_MAX_PIECES + 1];
    size_t l[UPPP_HMAC_MD5_MAX_PIECES + 1];
    if (rc == 0) {
        for (int i = 0; i < BLOCK; i++)
            pad[i] = k[i] ^ 0x36;
        a[0] = pad;
        l[0] = BLOCK;
        for (size_t i = 0; i < n; i++) {
            a[i + 1] = addr[i];
            l[i + 1] = len[i];
        }
        rc = uppp_md5_vector(n + 1, a, l, inner);
    }
    if (rc == 0) {
        for (int i = 0; i < BLOCK; i++)
            pad[i] = k[i] ^ 0x5c;
        a[0] = pad;
        a[1] = inner;
        l[1] = UPPP_MD5_LEN;
        rc = uppp_md5_vector(2, a, l, out);
    }
    uppp_memzero(k, sizeof(k));
    uppp_memzero(pad, sizeof(pad));
    uppp_memzero(inner, sizeof(inner));
    return rc;
}
