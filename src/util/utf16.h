/*
 * UTF-8 to UTF-16LE, as MS-CHAP needs for passwords (RFC 2433 appendix A.6,
 * RFC 2759 section 8.3: the NT password is "0-to-256-unicode-char", hashed
 * as little-endian UTF-16 without a terminating zero).
 *
 * Internal to libuppp: the public MS-CHAP functions take UTF-8 and call this.
 */
#ifndef UPPP_SRC_UTF16_H
#define UPPP_SRC_UTF16_H

#include <stddef.h>
#include <stdint.h>

/* Convert utf8_len bytes of UTF-8 at utf8 to UTF-16LE at out.
 *
 * Decoding is strict (RFC 3629 section 4): overlong forms, encoded surrogates
 * (U+D800..U+DFFF), code points above U+10FFFF, stray continuation bytes and
 * truncated sequences are all rejected. U+0000 is accepted: the length is
 * explicit, so an embedded zero is just a character. Code points above U+FFFF
 * become a surrogate pair (two units).
 *
 * out must hold 2 * max_units bytes; *out_units receives the number of UTF-16
 * code units written (the byte length is twice that). Work is bounded by
 * max_units: the scan stops as soon as the limit is passed.
 *
 * utf8 may be NULL when utf8_len is 0.
 *
 * Returns 0; UPPP_ERR_UTF8 if the input is not valid UTF-8;
 * UPPP_ERR_PASSWORD_TOO_LONG if it needs more than max_units code units
 * (whichever problem comes first in the input); UPPP_ERR_INVALID for a NULL
 * pointer. On error, out is wiped and *out_units is 0.
 */
int uppp_utf8_to_utf16le(const char *utf8, size_t utf8_len, uint8_t *out, size_t max_units,
                         size_t *out_units);

#endif
