/*
 * MPPE key derivation from MS-CHAP credentials (RFC 3079).
 *
 * Vocabulary, as in Linux ppp_mppe and pppd: a *start key* is what
 * authentication hands to the MPPE engine (16 bytes; 40- and 56-bit MPPE use
 * its first 8). The engine turns it into the *initial session key* with
 * GetNewKeyFromSHA(start, start) and the 40/56-bit salt; see mppe.h.
 *
 * All functions return 0 or a negative uppp_err (see err.h). Arguments are
 * inputs first, outputs last; array sizes are given in the prototypes.
 */
#ifndef UPPP_MPPE_KEYS_H
#define UPPP_MPPE_KEYS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define UPPP_MPPE_MASTER_KEY_LEN 16
#define UPPP_MPPE_START_KEY_LEN 16
#define UPPP_MPPE_MAX_KEY_LEN 16

/* Session key length in bytes for a strength: 8 for 40 and 56 bits, 16 for
 * 128; UPPP_ERR_INVALID for any other value. */
int uppp_mppe_key_len(int bits);

/* RFC 3079 section 3.4: GetMasterKey(PasswordHashHash[16], NTResponse[24]). */
int uppp_get_master_key(const uint8_t password_hash_hash[16], const uint8_t nt_response[24],
                        uint8_t master_key[16]);

/* RFC 3079 section 3.4: GetAsymetricStartKey. key_len is 8 or 16. is_send
 * and is_server pick the magic constant: the server's send key is the
 * client's receive key (Magic3 for server-send / client-receive). */
int uppp_get_asymmetric_start_key(const uint8_t master_key[16], uint8_t *session_key,
                                  size_t key_len, int is_send, int is_server);

/* RFC 3079 section 3.4 GetNewKeyFromSHA (section 2.4 Get_Key):
 * SHA1(start_key[0..key_len) | SHApad1 | session_key[0..key_len) | SHApad2),
 * truncated to key_len (1..20). interim_key may alias session_key. */
int uppp_get_new_key_from_sha(const uint8_t *start_key, const uint8_t *session_key, size_t key_len,
                              uint8_t *interim_key);

/* RFC 3079 section 2.4 Get_Start_Key (MS-CHAPv1, 128-bit):
 * SHA1(NtPasswordHashHash | NtPasswordHashHash | Challenge)[0..16). */
int uppp_get_start_key(const uint8_t challenge[8], const uint8_t nt_password_hash_hash[16],
                       uint8_t initial_session_key[16]);

/* Reduce a session key to its effective strength in place (RFC 3079
 * sections 2.1, 2.2, 3.1, 3.2): 40 bits replaces the first three bytes with
 * D1 26 9E, 56 bits the first byte with D1, 128 bits changes nothing. */
int uppp_mppe_reduce_key(uint8_t *key, int bits);

/* Initial session key from a start key, as Linux ppp_mppe computes it and as
 * RFC 3079's samples do: GetNewKeyFromSHA(start, start, len) then reduce.
 * key receives uppp_mppe_key_len(bits) bytes. */
int uppp_mppe_initial_session_key(const uint8_t start_key[16], int bits, uint8_t key[16]);

/* The two MPPE start keys after MS-CHAPv2 (RFC 3079 section 3), from the
 * authenticator's point of view when is_server is 1, the peer's when 0. */
int uppp_mppe_v2_start_keys(const uint8_t password_hash_hash[16], const uint8_t nt_response[24],
                            int is_server, uint8_t send_start[16], uint8_t recv_start[16]);

/* The MPPE start key after MS-CHAPv1 from the NT hash (RFC 3079 section
 * 2.3), the same in both directions. challenge is the authenticator's. */
int uppp_mppe_v1_nt_start_key(const uint8_t challenge[8], const uint8_t nt_password_hash_hash[16],
                              uint8_t start[16]);

/* The MPPE start key after MS-CHAPv1 from the LAN Manager hash, for 40 and
 * 56 bits only (RFC 3079 sections 2.1, 2.2): its first 8 bytes, the rest
 * zero. pppd has never offered these keys. */
int uppp_mppe_v1_lm_start_key(const uint8_t lm_password_hash[16], uint8_t start[16]);

#ifdef __cplusplus
}
#endif

#endif
