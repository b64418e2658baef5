/*
 * OpenSSL libcrypto 3 backend for crypto.h.
 *
 * MD4, DES and RC4 live in OpenSSL 3's "legacy" provider. We load it, with
 * "default" for SHA-1, into a library context of our own so that the
 * process-wide default context of an embedding program is left as it was.
 * The context and the fetched algorithms are created once and never change
 * afterwards; that is the only process-wide state in libuppp.
 *
 * Two hot paths use OpenSSL's low-level API, deprecated in 3.0, on purpose:
 *  - SHA-1 (SHA1_Init/Update/Final): an MPPE key change (RFC 3078 section
 *    7.3) hashes 2 blocks, once per packet on a stateless link. Through EVP
 *    3.0 a digest costs 1 or 2 mallocs (EVP_MD_CTX_new, and the provider
 *    context it re-creates on every init) and ~170 ns; SHA1_* works in a
 *    stack context, allocates nothing and takes ~100 ns (same SHA-NI code).
 *  - RC4 (RC4_KEY, RC4()): EVP gives no way to load a key schedule computed
 *    elsewhere, and its own schedule costs ~700 ns; RC4_KEY is a public
 *    struct, so we fill it from our faster schedule (rc4.c) and encrypt
 *    with OpenSSL's assembler RC4. crypto_load checks once that the struct
 *    is laid out as we fill it, and falls back to RC4_set_key if not.
 * Both stay in this file; nothing else sees an OpenSSL type.
 */
#define OPENSSL_SUPPRESS_DEPRECATED

#include "crypto.h"

#include <uppp/err.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/rc4.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
    pthread_once_t once;
    int status; /* 0 or a negative uppp_err */
    char detail[512];
    OSSL_LIB_CTX *libctx;
    EVP_MD *md4;
    EVP_MD *md5;
    EVP_MD *sha1;
    EVP_CIPHER *des_ecb;
    EVP_CIPHER *rc4;
    int rc4_own_schedule; /* RC4_KEY holds uppp_rc4_ksa's output as is */
} g = {.once = PTHREAD_ONCE_INIT};

static void set_unavailable(const char *what)
{
    unsigned long e = ERR_peek_last_error();
    char reason[160] = "";
    if (e != 0)
        ERR_error_string_n(e, reason, sizeof(reason));
    snprintf(g.detail, sizeof(g.detail),
             "OpenSSL %s unavailable (the \"legacy\" provider is required for MD4, DES and "
             "RC4; is legacy.so installed in OPENSSL_MODULES?)%s%s",
             what, reason[0] ? ": " : "", reason);
    g.status = UPPP_ERR_CRYPTO_UNAVAILABLE;
    ERR_clear_error();
}

/* Load a schedule from uppp_rc4_ksa into an RC4_KEY: RC4_INT entries,
 * indices x = y = 0 (draft-kaukonen-cipher-arcfour-03 section 3.2). */
static void rc4_key_from_ksa(RC4_KEY *k, const uint8_t *key, size_t keylen)
{
    uint8_t s[256];
    uppp_rc4_ksa(s, key, keylen);
    k->x = 0;
    k->y = 0;
    for (int i = 0; i < 256; i++)
        k->data[i] = s[i];
    uppp_memzero(s, sizeof(s));
}

/* Does RC4_set_key leave exactly what rc4_key_from_ksa builds? OpenSSL
 * picks a byte-wide layout on some CPUs (RC4_CHAR: Intel P4), which its
 * RC4() then expects; we only bypass RC4_set_key where it would not. */
static int rc4_layout_ok(void)
{
    static const uint8_t probe[16] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
                                      0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10};
    RC4_KEY a, b;
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    RC4_set_key(&a, (int)sizeof(probe), probe);
    rc4_key_from_ksa(&b, probe, sizeof(probe));
    return memcmp(&a, &b, sizeof(a)) == 0;
}

static void crypto_load(void)
{
    snprintf(g.detail, sizeof(g.detail), "crypto ready");
    g.libctx = OSSL_LIB_CTX_new();
    if (g.libctx == NULL) {
        set_unavailable("library context");
        return;
    }
    if (OSSL_PROVIDER_load(g.libctx, "default") == NULL) {
        set_unavailable("default provider");
        return;
    }
    if (OSSL_PROVIDER_load(g.libctx, "legacy") == NULL) {
        set_unavailable("legacy provider");
        return;
    }
    /* SHA-1 and RC4 are fetched only to report a broken install the same
     * way as before; the data path uses the low-level API (see the top). */
    g.sha1 = EVP_MD_fetch(g.libctx, "SHA1", NULL);
    g.md4 = EVP_MD_fetch(g.libctx, "MD4", NULL);
    g.md5 = EVP_MD_fetch(g.libctx, "MD5", NULL);
    g.des_ecb = EVP_CIPHER_fetch(g.libctx, "DES-ECB", NULL);
    g.rc4 = EVP_CIPHER_fetch(g.libctx, "RC4", NULL);
    if (g.sha1 == NULL)
        set_unavailable("SHA-1");
    else if (g.md4 == NULL)
        set_unavailable("MD4");
    else if (g.md5 == NULL)
        set_unavailable("MD5");
    else if (g.des_ecb == NULL)
        set_unavailable("DES-ECB");
    else if (g.rc4 == NULL)
        set_unavailable("RC4");
    else
        g.rc4_own_schedule = rc4_layout_ok();
}

int uppp_crypto_init(void)
{
    if (pthread_once(&g.once, crypto_load) != 0)
        return UPPP_ERR_CRYPTO_UNAVAILABLE;
    return g.status;
}

const char *uppp_crypto_status(void)
{
    if (uppp_crypto_init() == 0)
        return "crypto ready";
    return g.detail;
}

int uppp_md4(const uint8_t *data, size_t len, uint8_t out[UPPP_MD4_LEN])
{
    int rc = uppp_crypto_init();
    if (rc != 0)
        return rc;
    if (data == NULL && len != 0)
        return UPPP_ERR_INVALID;
    unsigned int outlen = 0;
    if (EVP_Digest(data ? (const void *)data : "", len, out, &outlen, g.md4, NULL) != 1 ||
        outlen != UPPP_MD4_LEN)
        return UPPP_ERR_CRYPTO;
    return 0;
}

/* One digest over the concatenation of n pieces. */
static int digest_vector(const EVP_MD *md, unsigned int mdlen, size_t n,
                         const uint8_t *const addr[], const size_t len[], uint8_t *out)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL)
        return UPPP_ERR_NOMEM;
    int rc = UPPP_ERR_CRYPTO;
    if (EVP_DigestInit_ex2(ctx, md, NULL) != 1)
        goto out;
    for (size_t i = 0; i < n; i++)
        if (len[i] != 0 && EVP_DigestUpdate(ctx, addr[i], len[i]) != 1)
            goto out;
    unsigned int outlen = 0;
    if (EVP_DigestFinal_ex(ctx, out, &outlen) != 1 || outlen != mdlen)
        goto out;
    rc = 0;
out:
    EVP_MD_CTX_free(ctx);
    return rc;
}

int uppp_sha1_vector(size_t n, const uint8_t *const addr[], const size_t len[],
                     uint8_t out[UPPP_SHA1_LEN])
{
    int rc = uppp_crypto_init();
    if (rc != 0)
        return rc;
    /* Low-level SHA-1 in a stack context: no malloc (see the top). */
    SHA_CTX c;
    rc = UPPP_ERR_CRYPTO;
    if (SHA1_Init(&c) != 1)
        goto out;
    for (size_t i = 0; i < n; i++)
        if (len[i] != 0 && SHA1_Update(&c, addr[i], len[i]) != 1)
            goto out;
    if (SHA1_Final(out, &c) != 1)
        goto out;
    rc = 0;
out:
    uppp_memzero(&c, sizeof(c));
    return rc;
}

int uppp_md5_vector(size_t n, const uint8_t *const addr[], const size_t len[],
                    uint8_t out[UPPP_MD5_LEN])
{
    int rc = uppp_crypto_init();
    if (rc != 0)
        return rc;
    return digest_vector(g.md5, UPPP_MD5_LEN, n, addr, len, out);
}

/* RFC 2433 appendix A, DesEncrypt: the 56 key bits are spread over eight
 * bytes, seven bits each in the high bits; the low bit is parity, which DES
 * ignores, but we set it odd so the key is well-formed. */
static void des_key_expand(const uint8_t k7[7], uint8_t k8[8])
{
    k8[0] = k7[0];
    k8[1] = (uint8_t)((k7[0] << 7) | (k7[1] >> 1));
    k8[2] = (uint8_t)((k7[1] << 6) | (k7[2] >> 2));
    k8[3] = (uint8_t)((k7[2] << 5) | (k7[3] >> 3));
    k8[4] = (uint8_t)((k7[3] << 4) | (k7[4] >> 4));
    k8[5] = (uint8_t)((k7[4] << 3) | (k7[5] >> 5));
    k8[6] = (uint8_t)((k7[5] << 2) | (k7[6] >> 6));
    k8[7] = (uint8_t)(k7[6] << 1);
    for (int i = 0; i < 8; i++) {
        uint8_t b = k8[i] & 0xfe;
        uint8_t ones = (uint8_t)__builtin_popcount(b);
        k8[i] = (uint8_t)(b | ((ones & 1) ? 0 : 1));
    }
}

int uppp_des_encrypt(const uint8_t clear[UPPP_DES_BLOCK_LEN], const uint8_t key7[UPPP_DES_KEY7_LEN],
                     uint8_t cypher[UPPP_DES_BLOCK_LEN])
{
    int rc = uppp_crypto_init();
    if (rc != 0)
        return rc;
    uint8_t k8[8];
    des_key_expand(key7, k8);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL) {
        uppp_memzero(k8, sizeof(k8));
        return UPPP_ERR_NOMEM;
    }
    rc = UPPP_ERR_CRYPTO;
    int outl = 0;
    if (EVP_EncryptInit_ex2(ctx, g.des_ecb, k8, NULL, NULL) == 1 &&
        EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
        EVP_EncryptUpdate(ctx, cypher, &outl, clear, UPPP_DES_BLOCK_LEN) == 1 &&
        outl == UPPP_DES_BLOCK_LEN)
        rc = 0;
    EVP_CIPHER_CTX_free(ctx);
    uppp_memzero(k8, sizeof(k8));
    return rc;
}

struct uppp_rc4 {
    RC4_KEY key;
    int keyed;
};

int uppp_rc4_new(struct uppp_rc4 **out)
{
    *out = NULL;
    int rc = uppp_crypto_init();
    if (rc != 0)
        return rc;
    struct uppp_rc4 *r = calloc(1, sizeof(*r));
    if (r == NULL)
        return UPPP_ERR_NOMEM;
    *out = r;
    return 0;
}

int uppp_rc4_setkey(struct uppp_rc4 *r, const uint8_t *key, size_t keylen)
{
    if (r == NULL || key == NULL || keylen == 0 || keylen > 256)
        return UPPP_ERR_INVALID;
    if (g.rc4_own_schedule)
        rc4_key_from_ksa(&r->key, key, keylen);
    else
        RC4_set_key(&r->key, (int)keylen, key);
    r->keyed = 1;
    return 0;
}

int uppp_rc4_crypt(struct uppp_rc4 *r, const uint8_t *in, uint8_t *out, size_t len)
{
    if (r == NULL || !r->keyed)
        return UPPP_ERR_INVALID;
    if (len != 0)
        RC4(&r->key, len, in, out);
    return 0;
}

int uppp_rc4_own_schedule(void)
{
    return uppp_crypto_init() == 0 && g.rc4_own_schedule;
}

void uppp_rc4_free(struct uppp_rc4 *r)
{
    if (r == NULL)
        return;
    uppp_memzero(r, sizeof(*r)); /* the key schedule */
    free(r);
}

void uppp_memzero(void *p, size_t len)
{
    if (p != NULL && len != 0)
        OPENSSL_cleanse(p, len);
}

int uppp_ct_memeq(const void *a, const void *b, size_t len)
{
    const volatile uint8_t *x = a, *y = b;
    uint8_t d = 0;
    for (size_t i = 0; i < len; i++)
        d |= (uint8_t)(x[i] ^ y[i]);
    return d == 0;
}
