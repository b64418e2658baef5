/*
 * RC4 of our own: the key-scheduling algorithm (KSA) and the output
 * generator (PRGA) as in draft-kaukonen-cipher-arcfour-03 sections 3.1-3.3
 * (RC4 as published in 1994); RFC 6229 gives the known answers
 * tests/unit/test_crypto.c checks, along with agreement with OpenSSL.
 *
 * Why not OpenSSL: an MPPE key change (RFC 3078 section 7.3) runs RC4
 * under an interim key for only 8 or 16 octets, so it is all key schedule,
 * and a stateless link does one per packet plus the schedule of the new
 * session key. Through EVP a schedule costs ~700 ns, the one below ~250 ns
 * (AMD EPYC, OpenSSL 3.0). So key changes run the local RC4 below on the
 * stack, and uppp_rc4_setkey (crypto_openssl.c) loads this schedule into
 * OpenSSL's RC4 state; bulk RC4 stays with OpenSSL's assembler, faster than
 * our C PRGA (1402 octets: ~2100 ns against ~2400).
 *
 * The KSA is a chain of 256 dependent steps j += S[i] + K[i]. What slows a
 * plain loop down is that S[i] may just have been written by the swap of
 * an earlier step (when that step's j was i), so the CPU cannot safely read
 * it early. We read S[i+2] two steps ahead and patch it in a register when
 * one of the two swaps in between hit it; a swap further back has already
 * been stored before the read. Same permutation, shorter critical path:
 * ~250 ns for a 16-octet key where a plain loop takes ~600 (measured on
 * the AMD EPYC build machine, GCC 12 -O2).
 */
#include "crypto.h"

#include <string.h>

/* clang-format off */
static const uint8_t identity[256] = {
#define ID4(x) x, x + 1, x + 2, x + 3
#define ID16(x) ID4(x), ID4(x + 4), ID4(x + 8), ID4(x + 12)
#define ID64(x) ID16(x), ID16(x + 16), ID16(x + 32), ID16(x + 48)
    ID64(0), ID64(64), ID64(128), ID64(192)
#undef ID64
#undef ID16
#undef ID4
};
/* clang-format on */

/* The plain schedule, for key lengths that do not divide 16 (MPPE uses
 * only 8 and 16). */
static void ksa_plain(uint8_t s[256], const uint8_t *key, size_t keylen)
{
    unsigned j = 0;
    for (unsigned i = 0; i < 256; i++) {
        unsigned a = s[i];
        j = (j + a + key[i % keylen]) & 255;
        s[i] = s[j];
        s[j] = (uint8_t)a;
    }
}

void uppp_rc4_ksa(uint8_t s[256], const uint8_t *key, size_t keylen)
{
    memcpy(s, identity, 256);
    if (keylen > 16 || (keylen & (keylen - 1)) != 0) {
        ksa_plain(s, key, keylen);
        return;
    }
    /* K[i] = key[i mod keylen] (section 3.1: the key repeated); keylen is
     * a power of two up to 16, so K[i] = k[i mod 16]. k[16] is K[0] again,
     * for the step that looks one ahead at the end of each turn. */
    uint8_t k[17];
    for (size_t i = 0; i < 16; i++)
        k[i] = key[i & (keylen - 1)];
    k[16] = k[0];

    /* On entry to step i: j mod 256 is step i's j, a = S[i], n1 = S[i+1]
     * as read (patched for every swap before step i). j itself is left to
     * grow (under 2^17 after 256 steps) and only its low octet is used, so
     * no masking sits on the chain from one j to the next. */
    unsigned a = s[0], n1 = s[1];
    unsigned j = a + k[0];
    for (unsigned i0 = 0; i0 < 256; i0 += 16) {
        /* Sixteen steps per turn, unrolled: K's index and the look-ahead
         * offsets become constants. */
#pragma GCC unroll 16
        for (unsigned u = 0; u < 16; u++) {
            unsigned i = i0 + u;
            uint8_t jb = (uint8_t)j;
            unsigned n2 = s[(i + 2) & 255]; /* read before this swap */
            unsigned b = s[jb];
            s[jb] = (uint8_t)a;
            s[i] = (uint8_t)b;
            /* S[i+1] for the next step is a if this swap hit it. Rather
             * than wait for that choice, form the next j both ways and
             * pick one: the choice then costs one select on the chain. */
            int hit1 = jb == (uint8_t)(i + 1);
            unsigned j_hit = j + a + k[u + 1], j_miss = j + n1 + k[u + 1];
            unsigned next_a = hit1 ? a : n1;
            n2 = jb == (uint8_t)(i + 2) ? a : n2;
            j = hit1 ? j_hit : j_miss;
            a = next_a;
            n1 = n2;
        }
    }
    uppp_memzero(k, sizeof(k));
}

void uppp_rc4_local_setkey(struct uppp_rc4_local *r, const uint8_t *key, size_t keylen)
{
    uppp_rc4_ksa(r->s, key, keylen);
    r->x = 0;
    r->y = 0;
}

void uppp_rc4_local_crypt(struct uppp_rc4_local *r, const uint8_t *in, uint8_t *out, size_t len)
{
    unsigned x = r->x, y = r->y;
    uint8_t *s = r->s;
    for (size_t n = 0; n < len; n++) {
        x = (x + 1) & 255;
        unsigned tx = s[x];
        y = (y + tx) & 255;
        unsigned ty = s[y];
        s[x] = (uint8_t)ty;
        s[y] = (uint8_t)tx;
        out[n] = in[n] ^ s[(tx + ty) & 255];
    }
    r->x = (uint8_t)x;
    r->y = (uint8_t)y;
}
