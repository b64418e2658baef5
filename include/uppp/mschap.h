/*
 * MS-CHAP arithmetic: version 1 (RFC 2433 appendix A) and version 2
 * (RFC 2759 section 8), including the change-password blocks of both.
 *
 * One function per step of the RFCs' pseudo-code, named after it in snake
 * case (NtPasswordHash -> uppp_nt_password_hash). Arguments are inputs
 * first, outputs last; every fixed size is in the prototype, in octets.
 *
 * Passwords are UTF-8 (pointer + length, no terminator needed) and are hashed
 * as UTF-16LE, which is what Windows does; pppd instead zero-extends each
 * byte, which agrees only for ASCII passwords. A password may be 0 to 256
 * UTF-16 code units long (RFC 2759 section 4; a character outside the BMP
 * counts as two). Every function that needs only the NT password hash has a
 * variant that takes the 16-octet hash (suffix _pwhash, or the RFC's own
 * hash-level step such as uppp_challenge_response), so a secret can be
 * stored as an NT hash instead of a password.
 *
 * All functions return 0 or a negative uppp_err (err.h); each comment lists
 * the codes specific to it. Any function may also return
 * UPPP_ERR_CRYPTO_UNAVAILABLE (OpenSSL's legacy provider is missing; see
 * uppp_crypto_status()), UPPP_ERR_CRYPTO or UPPP_ERR_NOMEM. Every function
 * that takes a password may return UPPP_ERR_UTF8 (not valid UTF-8) and
 * UPPP_ERR_PASSWORD_TOO_LONG, and returns UPPP_ERR_INVALID for a NULL
 * pointer (a password or user name may be NULL when its length is 0).
 * Outputs are undefined on error. Intermediate secrets are wiped.
 */
#ifndef UPPP_MSCHAP_H
#define UPPP_MSCHAP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* MS-CHAPv1 challenge; also the 8-octet output of ChallengeHash. */
#define UPPP_MSCHAP_CHALLENGE_LEN 8
/* MS-CHAPv2 Authenticator-Challenge and Peer-Challenge (RFC 2759 sections 3, 4). */
#define UPPP_MSCHAP_V2_CHALLENGE_LEN 16
/* NtPasswordHash, LmPasswordHash, PasswordHashHash. */
#define UPPP_MSCHAP_HASH_LEN 16
/* NT-Response / LM-Response (ChallengeResponse output). */
#define UPPP_MSCHAP_RESPONSE_LEN 24
/* "S=" and 40 uppercase hex digits, as on the wire (RFC 2759 section 5)... */
#define UPPP_MSCHAP_AUTH_RESPONSE_LEN 42
/* ...and the buffer that holds it with a terminating NUL. */
#define UPPP_MSCHAP_AUTH_RESPONSE_SIZE 43
/* Longest NT password in UTF-16 code units (RFC 2759 section 4). */
#define UPPP_MSCHAP_MAX_PASSWORD_UNITS 256
/* Longest LAN Manager password in characters (RFC 2433 appendix A.2). */
#define UPPP_MSCHAP_LM_MAX_PASSWORD 14
/* datatype-PWBLOCK: 256 UTF-16 units then a 4-octet PasswordLength
 * (RFC 2759 section 8.9, RFC 2433 appendix A.11). */
#define UPPP_MSCHAP_PWBLOCK_LEN 516
#define UPPP_MSCHAP_PWBLOCK_PASSWORD_LEN 512

/* ---- Hashes (RFC 2433 A.2, A.6; RFC 2759 8.3, 8.4) ---------------------- */

/* NtPasswordHash: MD4 of the UTF-16LE password, no terminator.
 * password: password_len octets of UTF-8. password_hash: 16 octets out. */
int uppp_nt_password_hash(const char *password, size_t password_len, uint8_t password_hash[16]);

/* NtPasswordHash of a password already in UTF-16LE (e.g. from
 * uppp_decrypt_pw_block_with_password_hash). password_len is in octets:
 * even and at most 512, otherwise UPPP_ERR_INVALID. */
int uppp_nt_password_hash_utf16le(const uint8_t *password, size_t password_len,
                                  uint8_t password_hash[16]);

/* HashNtPasswordHash: MD4 of the 16-octet hash. */
int uppp_hash_nt_password_hash(const uint8_t password_hash[16], uint8_t password_hash_hash[16]);

/* LmPasswordHash (RFC 2433 A.2, A.3): the password uppercased and
 * zero-padded to 14 characters, each 7-octet half used as a DES key to
 * encrypt "KGS!@#$%".
 *
 * The RFC's input is "0-to-14-oem-char": bytes in the peer's OEM code page,
 * uppercased by that code page's rules. The code page is a local setting of
 * the Windows machine (437, 850, ...), so no choice is right for every peer;
 * we accept only ASCII, uppercase a-z to A-Z, and return
 * UPPP_ERR_LM_PASSWORD for any other character rather than guess.
 * password: password_len octets of UTF-8, at most 14 characters (else
 * UPPP_ERR_PASSWORD_TOO_LONG). password_hash: 16 octets out. */
int uppp_lm_password_hash(const char *password, size_t password_len, uint8_t password_hash[16]);

/* ---- Challenge responses (RFC 2433 A.1, A.5, A.7; RFC 2759 8.1, 8.2, 8.5) */

/* ChallengeHash (RFC 2759 8.2): SHA-1(PeerChallenge | AuthenticatorChallenge
 * | UserName) truncated to 8 octets. user_name (user_name_len octets, as sent
 * in the Response's Name field) is used without any "DOMAIN\" prefix: the
 * part after the last backslash, as RFC 2759 sections 4 and 8.2 require. */
int uppp_challenge_hash(const uint8_t peer_challenge[16], const uint8_t authenticator_challenge[16],
                        const char *user_name, size_t user_name_len, uint8_t challenge[8]);

/* ChallengeResponse: the 8-octet challenge DES-encrypted under each 7-octet
 * third of the 16-octet hash zero-padded to 21. This is also the hash
 * variant of NtChallengeResponse (with the NT hash) and of
 * LmChallengeResponse (with the LM hash). response: 24 octets out. */
int uppp_challenge_response(const uint8_t challenge[8], const uint8_t password_hash[16],
                            uint8_t response[24]);

/* NtChallengeResponse (RFC 2433 A.5): MS-CHAPv1 NT response to the
 * authenticator's 8-octet challenge. response: 24 octets out. */
int uppp_nt_challenge_response(const uint8_t challenge[8], const char *password,
                               size_t password_len, uint8_t response[24]);

/* LmChallengeResponse (RFC 2433 A.1). Same password rules as
 * uppp_lm_password_hash. RFC 2433 section 6 deprecates it: peers SHOULD send
 * zeros in this field. response: 24 octets out. */
int uppp_lm_challenge_response(const uint8_t challenge[8], const char *password,
                               size_t password_len, uint8_t response[24]);

/* Authenticator side of MS-CHAPv1: recompute ChallengeResponse(challenge[8],
 * password_hash[16]) and compare it in constant time with received[24].
 * Returns 0 if they match, UPPP_ERR_AUTH if not. */
int uppp_check_challenge_response(const uint8_t challenge[8], const uint8_t password_hash[16],
                                  const uint8_t received[24]);

/* GenerateNTResponse (RFC 2759 8.1): the MS-CHAPv2 NT-Response.
 * authenticator_challenge and peer_challenge: 16 octets each; user_name as
 * for uppp_challenge_hash; response: 24 octets out. */
int uppp_generate_nt_response(const uint8_t authenticator_challenge[16],
                              const uint8_t peer_challenge[16], const char *user_name,
                              size_t user_name_len, const char *password, size_t password_len,
                              uint8_t response[24]);

/* GenerateNTResponse from the 16-octet NT password hash. */
int uppp_generate_nt_response_pwhash(const uint8_t authenticator_challenge[16],
                                     const uint8_t peer_challenge[16], const char *user_name,
                                     size_t user_name_len, const uint8_t password_hash[16],
                                     uint8_t response[24]);

/* Authenticator side of MS-CHAPv2: recompute GenerateNTResponse and compare
 * it in constant time with the peer's 24-octet received NT-Response.
 * Returns 0 if they match, UPPP_ERR_AUTH if not. */
int uppp_check_nt_response(const uint8_t authenticator_challenge[16],
                           const uint8_t peer_challenge[16], const char *user_name,
                           size_t user_name_len, const char *password, size_t password_len,
                           const uint8_t received[24]);
int uppp_check_nt_response_pwhash(const uint8_t authenticator_challenge[16],
                                  const uint8_t peer_challenge[16], const char *user_name,
                                  size_t user_name_len, const uint8_t password_hash[16],
                                  const uint8_t received[24]);

/* ---- Authenticator response (RFC 2759 8.7, 8.8) ------------------------- */

/* GenerateAuthenticatorResponse: writes "S=" and 40 uppercase hex digits
 * (42 octets, RFC 2759 section 5) plus a NUL into auth_response[43].
 * nt_response: 24 octets; challenges: 16 octets each. */
int uppp_generate_authenticator_response(const char *password, size_t password_len,
                                         const uint8_t nt_response[24],
                                         const uint8_t peer_challenge[16],
                                         const uint8_t authenticator_challenge[16],
                                         const char *user_name, size_t user_name_len,
                                         char auth_response[43]);
int uppp_generate_authenticator_response_pwhash(const uint8_t password_hash[16],
                                                const uint8_t nt_response[24],
                                                const uint8_t peer_challenge[16],
                                                const uint8_t authenticator_challenge[16],
                                                const char *user_name, size_t user_name_len,
                                                char auth_response[43]);

/* CheckAuthenticatorResponse: the peer's check of the Success packet.
 * received is the 42-octet authenticator response as on the wire, "S=" and
 * 40 hex digits; the caller splits it from the " M=<message>" that follows
 * (RFC 2759 section 5). Hex digits are accepted in either case: the RFC
 * says the authenticator MUST send uppercase, but the value is what matters.
 * The 20-octet values are compared in constant time.
 * Returns 0 if it matches; UPPP_ERR_AUTH if it is well-formed but wrong
 * (RFC 2759 section 5: the peer MUST then end the session);
 * UPPP_ERR_PARSE if received_len is not 42 or the text is not "S=" and
 * 40 hex digits. */
int uppp_check_authenticator_response(const char *password, size_t password_len,
                                      const uint8_t nt_response[24],
                                      const uint8_t peer_challenge[16],
                                      const uint8_t authenticator_challenge[16],
                                      const char *user_name, size_t user_name_len,
                                      const char *received, size_t received_len);
int uppp_check_authenticator_response_pwhash(const uint8_t password_hash[16],
                                             const uint8_t nt_response[24],
                                             const uint8_t peer_challenge[16],
                                             const uint8_t authenticator_challenge[16],
                                             const char *user_name, size_t user_name_len,
                                             const char *received, size_t received_len);

/* ---- Change password, MS-CHAPv2 (RFC 2759 7, 8.9-8.13) and v1 Change
 * Password version 2 (RFC 2433 10, A.11-A.17) --------------------------- */

/* EncryptPwBlockWithPasswordHash (RFC 2759 8.10, RFC 2433 A.12): the new
 * password as UTF-16LE at the end of the 512-octet password area, the area
 * before it filled with random octets, PasswordLength (its octet count) as
 * a 4-octet little-endian integer (Windows byte order, as the field is a
 * Windows DWORD), all RC4-encrypted under the 16-octet password_hash.
 * random: 512 octets from the caller's random source, of which the first
 * 512 - 2 * units are used (the library makes no system call, so it has
 * none of its own; NULL only for a 256-unit password, which uses none).
 * pw_block: 516 octets out. Returns 0, UPPP_ERR_INVALID (a NULL argument,
 * or NULL random where fill is needed), UPPP_ERR_UTF8, UPPP_ERR_PASSWORD_TOO_LONG,
 * UPPP_ERR_CRYPTO_UNAVAILABLE or UPPP_ERR_CRYPTO. */
int uppp_encrypt_pw_block_with_password_hash(const char *password, size_t password_len,
                                             const uint8_t password_hash[16], const uint8_t *random,
                                             uint8_t pw_block[516]);

/* The authenticator's inverse of EncryptPwBlockWithPasswordHash: RC4-decrypt
 * pw_block[516] under password_hash[16] and copy out the password, as
 * UTF-16LE, into password_utf16le[512]; *password_len receives its length in
 * octets. Returns UPPP_ERR_PARSE if PasswordLength is odd or above 512 (the
 * usual sign of a wrong old hash). Not in the RFCs' pseudo-code. */
int uppp_decrypt_pw_block_with_password_hash(const uint8_t pw_block[516],
                                             const uint8_t password_hash[16],
                                             uint8_t password_utf16le[512], size_t *password_len);

/* NewPasswordEncryptedWithOldNtPasswordHash (RFC 2759 8.9, RFC 2433 A.11):
 * EncryptPwBlockWithPasswordHash(new password, NtPasswordHash(old)).
 * The hash variant is uppp_encrypt_pw_block_with_password_hash with the old
 * NT hash. random as there; encrypted_pw_block: 516 octets out. */
int uppp_new_password_encrypted_with_old_nt_password_hash(
    const char *new_password, size_t new_password_len, const char *old_password,
    size_t old_password_len, const uint8_t *random, uint8_t encrypted_pw_block[516]);

/* NtPasswordHashEncryptedWithBlock (RFC 2759 8.13, RFC 2433 A.17): each
 * 8-octet half of password_hash[16] DES-encrypted under the first 7 octets of
 * the matching half of block[16]. cypher: 16 octets out. */
int uppp_nt_password_hash_encrypted_with_block(const uint8_t password_hash[16],
                                               const uint8_t block[16], uint8_t cypher[16]);

/* OldNtPasswordHashEncryptedWithNewNtPasswordHash (RFC 2759 8.12, RFC 2433
 * A.14): NtPasswordHashEncryptedWithBlock(NtPasswordHash(old),
 * NtPasswordHash(new)). The hash variant is
 * uppp_nt_password_hash_encrypted_with_block(old hash, new hash).
 * encrypted_password_hash: 16 octets out. */
int uppp_old_nt_password_hash_encrypted_with_new_nt_password_hash(
    const char *new_password, size_t new_password_len, const char *old_password,
    size_t old_password_len, uint8_t encrypted_password_hash[16]);

/* NewPasswordEncryptedWithOldLmPasswordHash (RFC 2433 A.15):
 * EncryptPwBlockWithPasswordHash(new password, LmPasswordHash(old)).
 * Deprecated by RFC 2433 section 10: peers SHOULD zero-fill this field.
 * old_password follows the uppp_lm_password_hash rules. */
int uppp_new_password_encrypted_with_old_lm_password_hash(
    const char *new_password, size_t new_password_len, const char *old_password,
    size_t old_password_len, const uint8_t *random, uint8_t encrypted_pw_block[516]);

/* OldLmPasswordHashEncryptedWithNewNtPasswordHash (RFC 2433 A.16):
 * NtPasswordHashEncryptedWithBlock(LmPasswordHash(old), NtPasswordHash(new)).
 * Deprecated by RFC 2433 section 10 like the previous one. */
int uppp_old_lm_password_hash_encrypted_with_new_nt_password_hash(
    const char *new_password, size_t new_password_len, const char *old_password,
    size_t old_password_len, uint8_t encrypted_password_hash[16]);

/* ---- Change Password version 1 (RFC 2433 section 9, A.8-A.10) -------------
 * RFC 2433 deprecates this packet: it leaks the new hash to an eavesdropper
 * who knows the challenge (section 11), and peers SHOULD NOT send it. */

/* PasswordHashEncryptedWithBlock (RFC 2433 A.9): each 8-octet half of
 * password_hash[16] DES-encrypted under the first 7 octets of block[8].
 * cypher: 16 octets out. */
int uppp_password_hash_encrypted_with_block(const uint8_t password_hash[16], const uint8_t block[8],
                                            uint8_t cypher[16]);

/* LmEncryptedPasswordHash (RFC 2433 A.8): PasswordHashEncryptedWithBlock(
 * LmPasswordHash(password), key_value[8]), key_value being the last
 * challenge. Password rules as uppp_lm_password_hash. cypher: 16 octets. */
int uppp_lm_encrypted_password_hash(const char *password, size_t password_len,
                                    const uint8_t key_value[8], uint8_t cypher[16]);

/* NtEncryptedPasswordHash (RFC 2433 A.10): PasswordHashEncryptedWithBlock(
 * NtPasswordHash(password), challenge[8]). The RFC's prototype says
 * "0-to-14-oem-char Password", evidently copied from A.8; NtPasswordHash
 * takes up to 256 Unicode characters, and so does this. The hash variant is
 * uppp_password_hash_encrypted_with_block. cypher: 16 octets out. */
int uppp_nt_encrypted_password_hash(const char *password, size_t password_len,
                                    const uint8_t challenge[8], uint8_t cypher[16]);

#ifdef __cplusplus
}
#endif

#endif
