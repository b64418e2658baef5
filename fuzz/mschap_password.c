/*
 * Fuzz target for the MS-CHAP inputs that come from outside: passwords as
 * UTF-8 (RFC 2759 section 8.3; converted to UTF-16LE) and as UTF-16LE (a
 * Change-Password's new one, RFC 2759 section 7), the authenticator
 * response string of a Success packet (RFC 2759 sections 5 and 8.8), a user
 * name with a DOMAIN\ prefix (section 8.2) and a received PWBLOCK (RFC 2759
 * section 8.10). The whole input is used for each.
 *
 * Besides "no crash, no sanitizer report", it checks properties:
 * - an accepted UTF-8 input re-encodes from its UTF-16LE to the same octets
 *   (so nothing overlong, no surrogate, nothing past U+10FFFF slipped in),
 *   and the UTF-16LE has no unpaired surrogate;
 * - read as UTF-16LE, the input converts to UTF-8 exactly when its
 *   surrogates pair up, and back to the same units;
 * - NtPasswordHash fails exactly when the conversion fails and otherwise is
 *   MD4 of the conversion; LmPasswordHash only accepts 0..14 ASCII octets
 *   and ignores case;
 * - CheckAuthenticatorResponse accepts exactly the right "S=" string (hex
 *   in either case) and nothing else;
 * - ChallengeHash of a name equals that of its part after the last '\'.
 */
#include <uppp/err.h>
#include <uppp/mschap.h>

#include "crypto.h"
#include "utf16.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

/* RFC 2759 section 9.2 values, the fixed side of every check. */
static const uint8_t pw_hash[16] = {0x44, 0xEB, 0xBA, 0x8D, 0x53, 0x12, 0xB8, 0xD6,
                                    0x11, 0x47, 0x44, 0x11, 0xF5, 0x69, 0x89, 0xAE};
static const uint8_t auth_ch[16] = {0x5B, 0x5D, 0x7C, 0x7D, 0x7B, 0x3F, 0x2F, 0x3E,
                                    0x3C, 0x2C, 0x60, 0x21, 0x32, 0x26, 0x26, 0x28};
static const uint8_t peer_ch[16] = {0x21, 0x40, 0x23, 0x24, 0x25, 0x5E, 0x26, 0x2A,
                                    0x28, 0x29, 0x5F, 0x2B, 0x3A, 0x33, 0x7C, 0x7E};
static const uint8_t nt_resp[24] = {0x82, 0x30, 0x9E, 0xCD, 0x8D, 0x70, 0x8B, 0x5E,
                                    0xA0, 0x8F, 0xAA, 0x39, 0x81, 0xCD, 0x83, 0x54,
                                    0x42, 0x33, 0x11, 0x4A, 0x3D, 0x85, 0xD6, 0xDF};
static const char good_response[] = "S=407A5589115FD0D6209F510FE9C04566932CDA56";

/* Whether units UTF-16LE code units pair every surrogate (RFC 2781
 * section 2.2), the one thing that makes them invalid. */
static int surrogates_paired(const uint8_t *in, size_t units)
{
    for (size_t i = 0; i < units; i++) {
        unsigned c = in[2 * i + 1];
        if (c >= 0xdc && c <= 0xdf)
            return 0;
        if (c >= 0xd8 && c <= 0xdb) {
            if (i + 1 >= units || in[2 * i + 3] < 0xdc || in[2 * i + 3] > 0xdf)
                return 0;
            i++;
        }
    }
    return 1;
}

/* The input as UTF-16LE: accepted exactly when its surrogates pair up, and
 * then converted back to the same units. */
static void fuzz_utf16(const uint8_t *data, size_t size)
{
    size_t units = size / 2 > 256 ? 256 : size / 2;
    uint8_t u8[4 * 256], back[512];
    size_t n = 0, units2 = 0;
    int rc = uppp_utf16le_to_utf8(data, units, u8, sizeof(u8), &n);
    CHECK(rc == (surrogates_paired(data, units) ? 0 : UPPP_ERR_UTF8));
    if (rc != 0) {
        CHECK(n == 0);
        return;
    }
    CHECK(uppp_utf8_to_utf16le((const char *)u8, n, back, 256, &units2) == 0);
    CHECK(units2 == units && memcmp(back, data, 2 * units) == 0);
    /* One octet short of the room it needs: refused, nothing written. */
    if (n > 0)
        CHECK(uppp_utf16le_to_utf8(data, units, u8, n - 1, &n) == UPPP_ERR_PASSWORD_TOO_LONG &&
              n == 0);
}

static void fuzz_password(const uint8_t *data, size_t size)
{
    const char *pw = (const char *)data;
    uint8_t u16[512], back[4 * 256], h1[16], h2[16];
    size_t units = 0;
    int rc = uppp_utf8_to_utf16le(pw, size, u16, 256, &units);
    CHECK(rc == 0 || rc == UPPP_ERR_UTF8 || rc == UPPP_ERR_PASSWORD_TOO_LONG);
    if (rc == 0) {
        size_t n = 0;
        CHECK(uppp_utf16le_to_utf8(u16, units, back, sizeof(back), &n) == 0);
        CHECK(n == size && memcmp(back, data, size) == 0);
    } else {
        CHECK(units == 0);
    }

    int rc2 = uppp_nt_password_hash(pw, size, h1);
    CHECK(rc2 == rc);
    if (rc == 0) {
        CHECK(uppp_md4(u16, 2 * units, h2) == 0);
        CHECK(memcmp(h1, h2, 16) == 0);
    }

    rc2 = uppp_lm_password_hash(pw, size, h1);
    if (rc2 == 0) {
        CHECK(size <= 14);
        uint8_t up[14];
        for (size_t i = 0; i < size; i++) {
            CHECK(data[i] < 0x80);
            up[i] = (uint8_t)(data[i] >= 'a' && data[i] <= 'z' ? data[i] - 32 : data[i]);
        }
        CHECK(uppp_lm_password_hash((const char *)up, size, h2) == 0);
        CHECK(memcmp(h1, h2, 16) == 0);
    } else {
        CHECK(rc2 == UPPP_ERR_UTF8 || rc2 == UPPP_ERR_PASSWORD_TOO_LONG ||
              rc2 == UPPP_ERR_LM_PASSWORD);
    }
}

static int hex_eq_ci(const uint8_t *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t x = a[i];
        if (x >= 'a' && x <= 'f')
            x = (uint8_t)(x - 32);
        if (x != (uint8_t)b[i])
            return 0;
    }
    return 1;
}

static void fuzz_authenticator_response(const uint8_t *data, size_t size)
{
    int rc = uppp_check_authenticator_response_pwhash(pw_hash, nt_resp, peer_ch, auth_ch, "User", 4,
                                                      (const char *)data, size);
    int right = size == 42 && data[0] == 'S' && data[1] == '=' &&
                hex_eq_ci(data + 2, good_response + 2, 40);
    if (right)
        CHECK(rc == 0);
    else
        CHECK(rc == UPPP_ERR_PARSE || rc == UPPP_ERR_AUTH);
    if (size != 42)
        CHECK(rc == UPPP_ERR_PARSE);
}

static void fuzz_user_name(const uint8_t *data, size_t size)
{
    uint8_t c1[8], c2[8];
    const char *name = (const char *)data;
    CHECK(uppp_challenge_hash(peer_ch, auth_ch, name, size, c1) == 0);
    const char *base = name;
    for (size_t i = 0; i < size; i++)
        if (name[i] == '\\')
            base = name + i + 1;
    size_t base_len = size - (size_t)(base - name);
    CHECK(uppp_challenge_hash(peer_ch, auth_ch, base, base_len, c2) == 0);
    CHECK(memcmp(c1, c2, 8) == 0);
}

static void fuzz_pw_block(const uint8_t *data, size_t size)
{
    if (size < UPPP_MSCHAP_PWBLOCK_LEN)
        return;
    uint8_t pw[512], h[16];
    size_t len = 1234;
    int rc = uppp_decrypt_pw_block_with_password_hash(data, pw_hash, pw, &len);
    CHECK(rc == 0 || rc == UPPP_ERR_PARSE);
    if (rc == 0) {
        CHECK(len <= 512 && len % 2 == 0);
        CHECK(uppp_nt_password_hash_utf16le(pw, len, h) == 0);
    } else {
        CHECK(len == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_password(data, size);
    fuzz_utf16(data, size);
    fuzz_authenticator_response(data, size);
    fuzz_user_name(data, size);
    fuzz_pw_block(data, size);
    return 0;
}
