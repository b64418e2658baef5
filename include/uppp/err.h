/*
 * Error codes shared by every libuppp function.
 *
 * One convention across the public API, as ngtcp2's: a function returns 0
 * (UPPP_OK) on success and a negative uppp_err on failure, and its comment
 * lists every code it can return. uppp_strerror() turns a code into one
 * line of English. Non-negative results other than 0 are never errors:
 * they are counts (octets written, as uppp_mppe_encrypt()) or a verdict of
 * the function's own enum (uppp_mppe_decrypt() returns enum
 * uppp_mppe_result, all of whose values are >= 0), documented there.
 */
#ifndef UPPP_ERR_H
#define UPPP_ERR_H

#ifdef __cplusplus
extern "C" {
#endif

enum uppp_err {
    UPPP_OK = 0,
    /* An argument is out of range (NULL buffer, bad length, bad value). */
    UPPP_ERR_INVALID = -1,
    /* Memory allocation failed. */
    UPPP_ERR_NOMEM = -2,
    /* OpenSSL's "legacy" provider (MD4, DES, RC4) could not be loaded. */
    UPPP_ERR_CRYPTO_UNAVAILABLE = -3,
    /* A crypto primitive failed inside OpenSSL. */
    UPPP_ERR_CRYPTO = -4,
    /* A password is not valid UTF-8. */
    UPPP_ERR_UTF8 = -5,
    /* A password is longer than 256 UTF-16 code units (RFC 2759 section 8),
     * or longer than 14 characters where a LAN Manager hash is needed
     * (RFC 2433 appendix A.2). */
    UPPP_ERR_PASSWORD_TOO_LONG = -6,
    /* A received value does not match the expected one (e.g. an
     * authenticator response): authentication failed. */
    UPPP_ERR_AUTH = -7,
    /* The random source failed (the session's random callback, or the
     * caller's getrandom()). */
    UPPP_ERR_RANDOM = -8,
    /* A buffer supplied by the caller is too small. */
    UPPP_ERR_NOBUF = -9,
    /* A packet or string could not be parsed. */
    UPPP_ERR_PARSE = -10,
    /* A password has no LAN Manager form: LmPasswordHash is defined on OEM
     * code-page characters (RFC 2433 appendix A.2) and libuppp accepts only
     * ASCII there, since the OEM code page is the peer's local setting. */
    UPPP_ERR_LM_PASSWORD = -11,
    /* A message is valid but not allowed in this state or direction (a
     * PPTP reply nobody asked for, a second Start-Control-Connection). */
    UPPP_ERR_PROTO = -12,
    /* A configured bound was reached: calls per connection, Call IDs,
     * messages per second, the peer's receive window. */
    UPPP_ERR_LIMIT = -13,
    /* The connection or call is closed; nothing more is accepted. */
    UPPP_ERR_CLOSED = -14,
    /* A packet was dropped, and counted, because it cannot go now: its
     * network protocol is not up, or encryption is required and not up
     * (never sent in the clear). Not fatal: later packets may go. */
    UPPP_ERR_DROPPED = -15,
    /* An answer to a request that is not pending: uppp_session_auth_verdict
     * after the verdict was given, or after the link went down. */
    UPPP_ERR_NO_REQUEST = -16,
    /* No server answered a request within its tries (RADIUS: every server
     * of the list timed out). */
    UPPP_ERR_TIMEOUT = -17,
};

/* One line describing err; never NULL. */
const char *uppp_strerror(int err);

/* Detail for the last UPPP_ERR_CRYPTO_UNAVAILABLE: which algorithm or
 * provider failed to load and why. Never NULL. */
const char *uppp_crypto_status(void);

#ifdef __cplusplus
}
#endif

#endif
