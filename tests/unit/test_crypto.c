/*
 * The crypto interface (src/crypto/crypto.h) where it is ours rather than a plain
 * call into OpenSSL: the RC4 key schedule of rc4.c, both as the local RC4
 * of a key change and as the schedule uppp_rc4_setkey loads into OpenSSL's
 * RC4, and uppp_sha1_vector over OpenSSL's low-level SHA-1. Known answers
 * from RFC 6229, then agreement with OpenSSL's EVP RC4 and SHA-1 (an
 * independent implementation) over many random keys, inputs and splits.
 */
#include "testutil.h"

#include "crypto.h"

#include <openssl/evp.h>
#include <openssl/provider.h>
#include <stdlib.h>

/* xorshift64*: seeded, so every run checks the same cases. */
static uint64_t rng_state = 88172645463325252ULL;
static uint32_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 32);
}
static void rng_fill(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)rng();
}

/* The reference: OpenSSL's RC4 through EVP, in a library context of the
 * test's own (RC4 lives in the legacy provider). */
static OSSL_LIB_CTX *ref_ctx;
static OSSL_PROVIDER *ref_legacy, *ref_default;
static EVP_CIPHER *ref_rc4;

static int setup(void **state)
{
    (void)state;
    ref_ctx = OSSL_LIB_CTX_new();
    if (ref_ctx == NULL || (ref_legacy = OSSL_PROVIDER_load(ref_ctx, "legacy")) == NULL ||
        (ref_default = OSSL_PROVIDER_load(ref_ctx, "default")) == NULL)
        return -1;
    ref_rc4 = EVP_CIPHER_fetch(ref_ctx, "RC4", NULL);
    return ref_rc4 == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    EVP_CIPHER_free(ref_rc4);
    OSSL_PROVIDER_unload(ref_legacy);
    OSSL_PROVIDER_unload(ref_default);
    OSSL_LIB_CTX_free(ref_ctx);
    return 0;
}

static void ref_rc4_crypt(const uint8_t *key, size_t keylen, const uint8_t *in, uint8_t *out,
                          size_t len)
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int outl = 0;
    assert_non_null(c);
    assert_int_equal(EVP_EncryptInit_ex2(c, ref_rc4, NULL, NULL, NULL), 1);
    assert_int_equal(EVP_CIPHER_CTX_set_key_length(c, (int)keylen), 1);
    assert_int_equal(EVP_EncryptInit_ex2(c, NULL, key, NULL, NULL), 1);
    assert_int_equal(EVP_EncryptUpdate(c, out, &outl, in, (int)len), 1);
    assert_int_equal(outl, (int)len);
    EVP_CIPHER_CTX_free(c);
}

/* RFC 6229 section 2, offset 0, for the key lengths MPPE uses (64 and 128
 * bits: the unrolled schedule) and one it does not (40: the plain one);
 * and three short texts widely quoted as RC4 examples. */
static void test_rc4_known_answers(void **state)
{
    (void)state;
    static const struct {
        const char *key, *plain, *cipher;
    } kat[] = {
        {"0102030405", "00000000000000000000000000000000", "b2396305f03dc027ccc3524a0a1118a8"},
        {"0102030405060708", "00000000000000000000000000000000",
         "97ab8a1bf0afb96132f2f67258da15a8"},
        {"0102030405060708090a0b0c0d0e0f10", "00000000000000000000000000000000",
         "9ac7cc9a609d1ef7b2932899cde41b97"},
        {"4b6579" /* "Key" */, "506c61696e74657874" /* "Plaintext" */, "bbf316e8d940af0ad3"},
        {"57696b69" /* "Wiki" */, "7065646961" /* "pedia" */, "1021bf0420"},
        {"536563726574" /* "Secret" */, "41747461636b206174206461776e" /* "Attack at dawn" */,
         "45a01f645fc35b383552544b9bf5"},
    };
    for (size_t t = 0; t < sizeof(kat) / sizeof(kat[0]); t++) {
        uint8_t key[32], plain[32], out[32];
        size_t kl = tu_hex(kat[t].key, key, sizeof(key));
        size_t n = tu_hex(kat[t].plain, plain, sizeof(plain));
        struct uppp_rc4_local r;
        uppp_rc4_local_setkey(&r, key, kl);
        uppp_rc4_local_crypt(&r, plain, out, n);
        tu_assert_hex(out, n, kat[t].cipher);

        struct uppp_rc4 *o;
        assert_int_equal(uppp_rc4_new(&o), 0);
        assert_int_equal(uppp_rc4_setkey(o, key, kl), 0);
        assert_int_equal(uppp_rc4_crypt(o, plain, out, n), 0);
        tu_assert_hex(out, n, kat[t].cipher);
        uppp_rc4_free(o);
    }
}

/* Our schedule against OpenSSL's over many random keys: every key length
 * from 1 to 32 octets and 256, with 8 and 16 (MPPE's) most often. The
 * keys are random, so the swaps the look-ahead patches (j landing one or
 * two ahead of i) happen a few times per key. */
static void test_rc4_local_matches_openssl(void **state)
{
    (void)state;
    for (int t = 0; t < 20000; t++) {
        size_t kl;
        switch (t % 4) {
        case 0:
            kl = 8;
            break;
        case 1:
            kl = 16;
            break;
        case 2:
            kl = 1 + rng() % 32;
            break;
        default:
            kl = t % 400 == 3 ? 256 : 1 + rng() % 32;
            break;
        }
        uint8_t key[256], in[64], want[64], got[64];
        rng_fill(key, kl);
        rng_fill(in, sizeof(in));
        ref_rc4_crypt(key, kl, in, want, sizeof(in));
        struct uppp_rc4_local r;
        uppp_rc4_local_setkey(&r, key, kl);
        /* In two pieces: the stream position carries across calls. */
        size_t split = rng() % sizeof(in);
        uppp_rc4_local_crypt(&r, in, got, split);
        uppp_rc4_local_crypt(&r, in + split, got + split, sizeof(in) - split);
        assert_memory_equal(got, want, sizeof(in));
    }
}

/* uppp_rc4, keyed through our schedule, against OpenSSL's own over long
 * streams in random pieces (packets over 1500 octets included), and
 * re-keyed in place many times as the MPPE engine does. */
static void test_rc4_matches_openssl(void **state)
{
    (void)state;
    struct uppp_rc4 *o;
    assert_int_equal(uppp_rc4_new(&o), 0);
    static uint8_t in[9000], want[9000], got[9000];
    for (int t = 0; t < 500; t++) {
        size_t kl = t % 3 == 0 ? 8 : t % 3 == 1 ? 16 : 1 + rng() % 256;
        size_t n = 1 + rng() % sizeof(in);
        uint8_t key[256];
        rng_fill(key, kl);
        rng_fill(in, n);
        ref_rc4_crypt(key, kl, in, want, n);
        assert_int_equal(uppp_rc4_setkey(o, key, kl), 0);
        for (size_t off = 0; off < n;) {
            size_t piece = 1 + rng() % 2000;
            if (piece > n - off)
                piece = n - off;
            assert_int_equal(uppp_rc4_crypt(o, in + off, got + off, piece), 0);
            off += piece;
        }
        assert_memory_equal(got, want, n);
    }
    uppp_rc4_free(o);
}

/* uppp_sha1_vector against EVP SHA-1 of the concatenation: random lengths
 * across the 55/56/64-octet padding edges, in up to 5 pieces, empty pieces
 * included. */
static void test_sha1_matches_openssl(void **state)
{
    (void)state;
    EVP_MD *sha1 = EVP_MD_fetch(ref_ctx, "SHA1", NULL);
    assert_non_null(sha1);
    for (int t = 0; t < 5000; t++) {
        uint8_t data[300], want[UPPP_SHA1_LEN], got[UPPP_SHA1_LEN];
        size_t total = t < 300 ? (size_t)t : rng() % sizeof(data);
        rng_fill(data, total);
        unsigned int wl = 0;
        assert_int_equal(EVP_Digest(data, total, want, &wl, sha1, NULL), 1);
        assert_int_equal(wl, UPPP_SHA1_LEN);

        const uint8_t *addr[5];
        size_t len[5], n = 1 + rng() % 5, off = 0;
        for (size_t i = 0; i < n; i++) {
            size_t l = i + 1 == n ? total - off : rng() % (total - off + 1);
            addr[i] = data + off;
            len[i] = l;
            off += l;
        }
        assert_int_equal(uppp_sha1_vector(n, addr, len, got), 0);
        assert_memory_equal(got, want, UPPP_SHA1_LEN);
    }
    EVP_MD_free(sha1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rc4_known_answers),
        cmocka_unit_test(test_rc4_local_matches_openssl),
        cmocka_unit_test(test_rc4_matches_openssl),
        cmocka_unit_test(test_sha1_matches_openssl),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
