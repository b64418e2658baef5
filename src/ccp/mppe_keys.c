/*
 * MPPE key derivation, RFC 3079 sections 2 (MS-CHAPv1) and 3 (MS-CHAPv2).
 * Function names follow the RFC pseudo-code.
 */
#include <uppp/mppe_keys.h>
#include <uppp/err.h>

#include "crypto.h"

#include <string.h>

/* RFC 3079 sections 2.4 and 3.4: SHApad1 (40 x 0x00), SHApad2 (40 x 0xf2). */
static const uint8_t sha_pad1[40] = {0};
static const uint8_t sha_pad2[40] = {0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2,
                                     0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2,
                                     0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2,
                                     0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2};

/* RFC 3079 section 3.4, Magic1..3. */
static const char magic1[] = "This is the MPPE Master Key";
static const char magic2[] = "On the client side, this is the send key; "
                             "on the server side, it is the receive key.";
static const char magic3[] = "On the client side, this is the receive key; "
                             "on the server side, it is the send key.";

_Static_assert(sizeof(magic1) - 1 == 27, "Magic1 is 27 octets");
_Static_assert(sizeof(magic2) - 1 == 84, "Magic2 is 84 octets");
_Static_assert(sizeof(magic3) - 1 == 84, "Magic3 is 84 octets");

int uppp_mppe_key_len(int bits)
{
    switch (bits) {
    case 40:
    case 56:
        return 8;
    case 128:
        return 16;
    }
    return UPPP_ERR_INVALID;
}

int uppp_get_master_key(const uint8_t password_hash_hash[16], const uint8_t nt_response[24],
                        uint8_t master_key[16])
{
    const uint8_t *addr[3] = {password_hash_hash, nt_response, (const uint8_t *)magic1};
    const size_t len[3] = {16, 24, 27};
    uint8_t digest[UPPP_SHA1_LEN];
    int rc = uppp_sha1_vector(3, addr, len, digest);
    if (rc == 0)
        memcpy(master_key, digest, 16);
    uppp_memzero(digest, sizeof(digest));
    return rc;
}

int uppp_get_asymmetric_start_key(const uint8_t master_key[16], uint8_t *session_key,
                                  size_t key_len, int is_send, int is_server)
{
    if (key_len != 8 && key_len != 16)
        return UPPP_ERR_INVALID;
    /* Send-on-server and receive-on-client are the same key (Magic3). */
    const char *s = (!is_send == !is_server) ? magic3 : magic2;
    const uint8_t *addr[4] = {master_key, sha_pad1, (const uint8_t *)s, sha_pad2};
    const size_t len[4] = {16, 40, 84, 40};
    uint8_t digest[UPPP_SHA1_LEN];
    int rc = uppp_sha1_vector(4, addr, len, digest);
    if (rc == 0)
        memcpy(session_key, digest, key_len);
    uppp_memzero(digest, sizeof(digest));
    return rc;
}

int uppp_get_new_key_from_sha(const uint8_t *start_key, const uint8_t *session_key, size_t key_len,
                              uint8_t *interim_key)
{
    if (key_len == 0 || key_len > UPPP_SHA1_LEN)
        return UPPP_ERR_INVALID;
    const uint8_t *addr[4] = {start_key, sha_pad1, session_key, sha_pad2};
    const size_t len[4] = {key_len, 40, key_len, 40};
    uint8_t digest[UPPP_SHA1_LEN];
    int rc = uppp_sha1_vector(4, addr, len, digest);
    if (rc == 0)
        memcpy(interim_key, digest, key_len);
    uppp_memzero(digest, sizeof(digest));
    return rc;
}

int uppp_get_start_key(const uint8_t challenge[8], const uint8_t nt_password_hash_hash[16],
                       uint8_t initial_session_key[16])
{
    const uint8_t *addr[3] = {nt_password_hash_hash, nt_password_hash_hash, challenge};
    const size_t len[3] = {16, 16, 8};
    uint8_t digest[UPPP_SHA1_LEN];
    int rc = uppp_sha1_vector(3, addr, len, digest);
    if (rc == 0)
        memcpy(initial_session_key, digest, 16);
    uppp_memzero(digest, sizeof(digest));
    return rc;
}

int uppp_mppe_reduce_key(uint8_t *key, int bits)
{
    switch (bits) {
    case 40:
        key[0] = 0xd1;
        key[1] = 0x26;
        key[2] = 0x9e;
        return 0;
    case 56:
        key[0] = 0xd1;
        return 0;
    case 128:
        return 0;
    }
    return UPPP_ERR_INVALID;
}

int uppp_mppe_initial_session_key(const uint8_t start_key[16], int bits, uint8_t key[16])
{
    int len = uppp_mppe_key_len(bits);
    if (len < 0)
        return len;
    int rc = uppp_get_new_key_from_sha(start_key, start_key, (size_t)len, key);
    if (rc != 0)
        return rc;
    return uppp_mppe_reduce_key(key, bits);
}

int uppp_mppe_v2_start_keys(const uint8_t password_hash_hash[16], const uint8_t nt_response[24],
                            int is_server, uint8_t send_start[16], uint8_t recv_start[16])
{
    uint8_t master[UPPP_MPPE_MASTER_KEY_LEN];
    int rc = uppp_get_master_key(password_hash_hash, nt_response, master);
    if (rc == 0)
        rc = uppp_get_asymmetric_start_key(master, send_start, 16, 1, is_server);
    if (rc == 0)
        rc = uppp_get_asymmetric_start_key(master, recv_start, 16, 0, is_server);
    uppp_memzero(master, sizeof(master));
    return rc;
}

int uppp_mppe_v1_nt_start_key(const uint8_t challenge[8], const uint8_t nt_password_hash_hash[16],
                              uint8_t start[16])
{
    return uppp_get_start_key(challenge, nt_password_hash_hash, start);
}

int uppp_mppe_v1_lm_start_key(const uint8_t lm_password_hash[16], uint8_t start[16])
{
    memcpy(start, lm_password_hash, 8);
    memset(start + 8, 0, 8);
    return 0;
}
