/*
 * Hex text to octets: the one decoder behind every place that reads hex
 * (nthash: secrets, MS-CHAPv2's "S=" authenticator response and "C="
 * challenge, mppe-keys' and mppe-decrypt's options, hex dumps, "\x"
 * escapes in option files).
 *
 * Strict on purpose, since most of its input is a key or a hash: digits
 * 0-9, a-f and A-F (cases may be mixed), two per octet, high nibble first;
 * no "0x" prefix, no separators, no white space, no odd trailing digit.
 * A caller that allows more (spaces in a test vector, a run of digits that
 * ends a dump line) picks the digits out itself with uppp_hex_digit().
 */
#ifndef UPPP_HEX_H
#define UPPP_HEX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The value of the hex digit c (0-15), or -1 if c is none (EOF included). */
int uppp_hex_digit(int c);

/* Decode the len characters at hex (no NUL needed; a NUL among them is a
 * bad digit) into out, which holds cap octets. Returns the number of
 * octets written, len / 2 (0 for len 0), or
 *   UPPP_ERR_INVALID  hex is NULL with len > 0, out is NULL with cap > 0,
 *                     or len / 2 does not fit an int;
 *   UPPP_ERR_PARSE    len is odd, or a character is not a hex digit;
 *   UPPP_ERR_NOBUF    len / 2 is more than cap (nothing is decoded).
 * On an error no decoded octet is left in out: what was written is wiped,
 * as the text may be a secret. */
int uppp_hex_decode(uint8_t *out, size_t cap, const char *hex, size_t len);

#ifdef __cplusplus
}
#endif

#endif
