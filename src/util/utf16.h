/*
 * UTF-8 to UTF-16LE, as MS-CHAP needs for passwords (RFC 2433 appendix A.6,
 * RFC 2759 section 8.3: the NT password is "0-to-256-unicode-char", hashed
 * as little-endian UTF-16 without a terminating zero), and back, for the new
 * password of an MS-CHAPv2 Change-Password (RFC 2759 section 7).
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

/* Convert units UTF-16LE code units at in to UTF-8 at out (cap octets, no
 * terminating zero added).
 *
 * Strict as the other direction (RFC 2781 section 2.2): a high surrogate
 * must be followed by a low one and a low one must follow a high one.
 * U+0000 is a character like any other: a caller that needs a C string
 * checks for it. The result of a valid input converts back to the same
 * units with uppp_utf8_to_utf16le.
 *
 * Returns 0 with the octet count in *out_len; UPPP_ERR_UTF8 for an unpaired
 * surrogate; UPPP_ERR_PASSWORD_TOO_LONG if out is too small; UPPP_ERR_INVALID
 * for a NULL pointer. On error, out is wiped and *out_len is 0.
 */
int uppp_utf16le_to_utf8(const uint8_t *in, size_t units, uint8_t *out, size_t cap,
                         size_t *out_len);

#endif
