/*
 * The narrow crypto interface libuppp needs: MD4, MD5 (and HMAC-MD5), SHA-1, single DES-ECB with a
 * 7-byte key, RC4 with state carried across calls, random bytes, and two
 * hygiene helpers. The one backend is OpenSSL libcrypto 3 (crypto_openssl.c);
 * nothing else in the tree includes an OpenSSL header. The one primitive of
 * our own is an RC4 key schedule for short keystreams (rc4.c), where
 * OpenSSL's per-call cost would dominate.
 *
 * Every function returns 0 or a negative uppp_err. If OpenSSL's legacy
 * provider cannot be loaded, the algorithms that live there (MD4, DES, RC4)
 * return UPPP_ERR_CRYPTO_UNAVAILABLE and uppp_crypto_status() says why; the
 * library never exits on behalf of its caller.
 */
#ifndef UPPP_SRC_CRYPTO_H
#define UPPP_SRC_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define UPPP_MD4_LEN 16
#define UPPP_MD5_LEN 16
#define UPPP_SHA1_LEN 20
#define UPPP_DES_KEY7_LEN 7
#define UPPP_DES_BLOCK_LEN 8

#if defined(__GNUC__)
#define UPPP_MUST_CHECK __attribute__((warn_unused_result))
#else
#define UPPP_MUST_CHECK
#endif

/* Load the providers (idempotent, thread-safe). Called implicitly by every
 * primitive below; exposed so a daemon can fail early with a clear message. */
int uppp_crypto_init(void) UPPP_MUST_CHECK;

int uppp_md4(const uint8_t *data, size_t len, uint8_t out[UPPP_MD4_LEN]) UPPP_MUST_CHECK;

/* MD5 over the concatenation of n (addr[i], len[i]) pieces (CHAP-MD5,
 * RFC 1994 section 4.1). */
int uppp_md5_vector(size_t n, const uint8_t *const addr[], const size_t len[],
                    uint8_t out[UPPP_MD5_LEN]) UPPP_MUST_CHECK;

/* HMAC-MD5 (RFC 2104) over the concatenation of n pieces under key
 * (RADIUS Message-Authenticator, RFC 3579 section 3.2). hmac_md5.c builds
 * it on uppp_md5_vector, so it needs nothing more of the backend. key_len
 * is 0..64 (RADIUS secrets are at most 128 octets: longer keys are first
 * hashed, as RFC 2104 says). */
#define UPPP_HMAC_MD5_MAX_PIECES 6
int uppp_hmac_md5_vector(const uint8_t *key, size_t key_len, size_t n, const uint8_t *const addr[],
                         const size_t len[], uint8_t out[UPPP_MD5_LEN]) UPPP_MUST_CHECK;

/* SHA-1 over the concatenation of n (addr[i], len[i]) pieces. */
int uppp_sha1_vector(size_t n, const uint8_t *const addr[], const size_t len[],
                     uint8_t out[UPPP_SHA1_LEN]) UPPP_MUST_CHECK;

/* DES-ECB of one block under a 56-bit key given as 7 bytes; the key is spread
 * to 8 bytes with odd parity as RFC 2433 appendix A (DesEncrypt) describes. */
int uppp_des_encrypt(const uint8_t clear[UPPP_DES_BLOCK_LEN], const uint8_t key7[UPPP_DES_KEY7_LEN],
                     uint8_t cypher[UPPP_DES_BLOCK_LEN]) UPPP_MUST_CHECK;

/* RC4 whose keystream position persists across uppp_rc4_crypt() calls until
 * the next uppp_rc4_setkey(). */
struct uppp_rc4;
int uppp_rc4_new(struct uppp_rc4 **out) UPPP_MUST_CHECK;
int uppp_rc4_setkey(struct uppp_rc4 *rc4, const uint8_t *key, size_t keylen) UPPP_MUST_CHECK;
/* in and out may be the same buffer. */
int uppp_rc4_crypt(struct uppp_rc4 *rc4, const uint8_t *in, uint8_t *out,
                   size_t len) UPPP_MUST_CHECK;
void uppp_rc4_free(struct uppp_rc4 *rc4);
/* 1 if uppp_rc4_setkey loads the key schedule of rc4.c into OpenSSL's RC4
 * (the fast path), 0 if this OpenSSL lays its RC4 state out otherwise and
 * its own schedule is used. For benchmarks and diagnostics. */
int uppp_rc4_own_schedule(void);

/* RC4 of our own (rc4.c), for a few octets of keystream under a key used
 * once: an MPPE key change (RFC 3078 section 7.3). The state lives on the
 * caller's stack; wipe it with uppp_memzero after use. keylen is 1..256;
 * none of these fail. */
struct uppp_rc4_local {
    uint8_t s[256];
    uint8_t x, y;
};
/* The key schedule alone: s becomes the permutation RC4 starts from. */
void uppp_rc4_ksa(uint8_t s[256], const uint8_t *key, size_t keylen);
void uppp_rc4_local_setkey(struct uppp_rc4_local *r, const uint8_t *key, size_t keylen);
/* in and out may be the same buffer. */
void uppp_rc4_local_crypt(struct uppp_rc4_local *r, const uint8_t *in, uint8_t *out, size_t len);

/* Wipe memory in a way the compiler may not elide. */
void uppp_memzero(void *p, size_t len);

/* 1 if equal, 0 otherwise, in time that depends only on len. */
int uppp_ct_memeq(const void *a, const void *b, size_t len);

#endif
