/*
 * Escaping of peer- and file-supplied bytes before they reach a log line.
 *
 * A peer chooses its CHAP/PAP name, its Failure/Success messages and its
 * Terminate reasons; put raw into a log, such a string can clear the
 * admin's terminal (ESC sequences) or forge whole log lines (a newline
 * followed by a syslog prefix). Every such string goes through this one
 * escaper, which the packet dump (pktlog.h) uses too, so that a name looks
 * the same in "rcvd [CHAP Response ... name = "..."]" and in
 * "CHAP peer authentication succeeded for ...".
 *
 * The style is pppd's utils.c print_string(): printable ASCII as is, '"'
 * and '\\' preceded by a backslash, \n \r \t by name, anything else as a
 * backslash and octal digits. The output never holds a byte below 0x20,
 * 0x7f, or any byte of 0x80 and above.
 */
#ifndef UPPP_ESCAPE_H
#define UPPP_ESCAPE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Octets 0x80..0xff as pppd's packet dump prints them: pppd reads the bytes
 * through a signed char, so 0xe9 comes out as "\37777777751". Only for
 * log lines that must compare byte for byte with pppd's packet dump. */
#define UPPP_ESCAPE_PPPD_SIGNED 0x1u

/* pppd's "%v" (utils.c vslprintf()): 0x80..0xff become "M-" and the low
 * seven bits, control characters "^X" (DEL "^?"), nothing else is changed.
 * pppd cleans a peer's name this way as it receives it, and that clean name
 * is what its scripts see in PEERNAME. */
#define UPPP_ESCAPE_VISIBLE 0x2u

/* The longest escape of one octet ("\37777777751"), plus a NUL. */
#define UPPP_ESCAPE_CHAR_MAX 13

/* Write the escape of one octet into out (NUL-terminated); returns its
 * length (1 to UPPP_ESCAPE_CHAR_MAX - 1). flags: UPPP_ESCAPE_* bits. */
size_t uppp_escape_char(char out[UPPP_ESCAPE_CHAR_MAX], uint8_t ch, unsigned flags);

/* Escape len octets of s into buf (always NUL-terminated if cap > 0). An
 * escape that does not fit whole is left out, and so is everything after
 * it: the output is the escape of a prefix of s. Returns the number of
 * characters written. A buffer of 4 * len + 1 holds any input unless
 * UPPP_ESCAPE_PPPD_SIGNED is given (then 11 * len + 1). */
size_t uppp_escape(char *buf, size_t cap, const void *s, size_t len, unsigned flags);

#ifdef __cplusplus
}
#endif

#endif
