/*
 * Strict UTF-8 decoding (RFC 3629 section 4) and UTF-16LE encoding
 * (RFC 2781 section 2.1) for MS-CHAP passwords, and the way back (RFC 2781
 * section 2.2, RFC 3629 section 3) for a changed one. pppd zero-extends
 * each byte instead, which is only right for ASCII; Windows hashes the
 * UTF-16 form of the password, so a non-ASCII password only interoperates
 * if decoded.
 */
#include "utf16.h"

#include <uppp/err.h>

#include "crypto.h"

/* Decode one code point starting at s[0] (with n >= 1 bytes available).
 * Returns the number of bytes consumed, or 0 if the sequence is invalid.
 * The well-formed byte sequences are exactly those of RFC 3629's table:
 * the second-byte ranges below rule out overlongs (C0, C1, E0 80..9F,
 * F0 80..8F), surrogates (ED A0..BF) and values past U+10FFFF (F4 90..,
 * F5..FF). */
static size_t utf8_decode(const uint8_t *s, size_t n, uint32_t *cp)
{
    uint8_t b0 = s[0];
    if (b0 < 0x80) {
        *cp = b0;
        return 1;
    }
    size_t len;
    uint8_t lo = 0x80, hi = 0xbf; /* allowed range of the second byte */
    uint32_t c;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
        len = 2;
        c = b0 & 0x1fu;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
        len = 3;
        c = b0 & 0x0fu;
        if (b0 == 0xe0)
            lo = 0xa0; /* overlong below U+0800 */
        else if (b0 == 0xed)
            hi = 0x9f; /* U+D800..U+DFFF are surrogates, not characters */
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        len = 4;
        c = b0 & 0x07u;
        if (b0 == 0xf0)
            lo = 0x90; /* overlong below U+10000 */
        else if (b0 == 0xf4)
            hi = 0x8f; /* above U+10FFFF */
    } else {
        return 0; /* continuation byte, C0/C1 (always overlong), F5..FF */
    }
    if (n < len)
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    c = (c << 6) | (s[1] & 0x3fu);
    for (size_t i = 2; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3fu);
    }
    *cp = c;
    return len;
}

int uppp_utf8_to_utf16le(const char *utf8, size_t utf8_len, uint8_t *out, size_t max_units,
                         size_t *out_units)
{
    if (out_units == NULL || (utf8 == NULL && utf8_len != 0) || (out == NULL && max_units != 0))
        return UPPP_ERR_INVALID;
    *out_units = 0;
    const uint8_t *s = (const uint8_t *)utf8;
    size_t i = 0, u = 0;
    int rc = 0;
    while (i < utf8_len) {
        uint32_t cp;
        size_t used = utf8_decode(s + i, utf8_len - i, &cp);
        if (used == 0) {
            rc = UPPP_ERR_UTF8;
            break;
        }
        i += used;
        if (cp < 0x10000) {
            if (u + 1 > max_units) {
                rc = UPPP_ERR_PASSWORD_TOO_LONG;
                break;
            }
            out[2 * u] = (uint8_t)cp;
            out[2 * u + 1] = (uint8_t)(cp >> 8);
            u++;
        } else {
            /* RFC 2781 section 2.1: a surrogate pair carries the 20 bits
             * of cp - 0x10000, high half first. */
            if (u + 2 > max_units) {
                rc = UPPP_ERR_PASSWORD_TOO_LONG;
                break;
            }
            uint32_t v = cp - 0x10000;
            uint16_t w1 = (uint16_t)(0xd800 | (v >> 10));
            uint16_t w2 = (uint16_t)(0xdc00 | (v & 0x3ff));
            out[2 * u] = (uint8_t)w1;
            out[2 * u + 1] = (uint8_t)(w1 >> 8);
            out[2 * u + 2] = (uint8_t)w2;
            out[2 * u + 3] = (uint8_t)(w2 >> 8);
            u += 2;
        }
    }
    if (rc != 0) {
        /* The output is (part of) a password. */
        uppp_memzero(out, 2 * u);
        return rc;
    }
    *out_units = u;
    return 0;
}

int uppp_utf16le_to_utf8(const uint8_t *in, size_t units, uint8_t *out, size_t cap, size_t *out_len)
{
    if (out_len == NULL || (in == NULL && units != 0) || (out == NULL && cap != 0))
        return UPPP_ERR_INVALID;
    *out_len = 0;
    size_t o = 0;
    int rc = 0;
    uint8_t b[4]; /* one character of a password */
    for (size_t i = 0; i < units; i++) {
        uint32_t c = (uint32_t)in[2 * i] | (uint32_t)in[2 * i + 1] << 8;
        if (c >= 0xdc00 && c <= 0xdfff) {
            rc = UPPP_ERR_UTF8; /* a low surrogate without its high one */
            break;
        }
        if (c >= 0xd800 && c <= 0xdbff) {
            uint32_t d = i + 1 < units ? (uint32_t)in[2 * i + 2] | (uint32_t)in[2 * i + 3] << 8 : 0;
            if (d < 0xdc00 || d > 0xdfff) {
                rc = UPPP_ERR_UTF8;
                break;
            }
            c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
            i++;
        }
        /* RFC 3629 section 3: 1 to 4 octets by the code point's size. */
        size_t n;
        if (c < 0x80) {
            b[0] = (uint8_t)c;
            n = 1;
        } else if (c < 0x800) {
            b[0] = (uint8_t)(0xc0 | c >> 6);
            b[1] = (uint8_t)(0x80 | (c & 0x3f));
            n = 2;
        } else if (c < 0x10000) {
            b[0] = (uint8_t)(0xe0 | c >> 12);
            b[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
            b[2] = (uint8_t)(0x80 | (c & 0x3f));
            n = 3;
        } else {
            b[0] = (uint8_t)(0xf0 | c >> 18);
            b[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3f));
            b[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
            b[3] = (uint8_t)(0x80 | (c & 0x3f));
            n = 4;
        }
        if (n > cap - o) {
            rc = UPPP_ERR_PASSWORD_TOO_LONG;
            break;
        }
        for (size_t k = 0; k < n; k++)
            out[o + k] = b[k];
        o += n;
    }
    uppp_memzero(b, sizeof(b));
    if (rc != 0) {
        if (o > 0)
            uppp_memzero(out, o); /* (part of) a password */
        return rc;
    }
    *out_len = o;
    return 0;
}
