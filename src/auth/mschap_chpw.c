/*
 * MS-CHAP change-password blocks: the MS-CHAPv2 Change-Password packet
 * (RFC 2759 section 7, pseudo-code 8.9-8.13) and the MS-CHAPv1 Change
 * Password packets version 1 (RFC 2433 section 9, A.8-A.10) and version 2
 * (RFC 2433 section 10, A.11-A.17). The two versions share the PWBLOCK and
 * the hash-encrypted-with-hash steps.
 */
#include <uppp/mschap.h>
#include <uppp/err.h>

#include "crypto.h"
#include "utf16.h"

#include <string.h>

/* RC4 of len octets in place under a 16-octet password hash (RFC 2759 8.11,
 * RFC 2433 A.13: Rc4Encrypt with the hash as key, from keystream start). */
static int rc4_with_hash(const uint8_t password_hash[16], uint8_t *buf, size_t len)
{
    struct uppp_rc4 *rc4 = NULL;
    int rc = uppp_rc4_new(&rc4);
    if (rc == 0)
        rc = uppp_rc4_setkey(rc4, password_hash, UPPP_MSCHAP_HASH_LEN);
    if (rc == 0)
        rc = uppp_rc4_crypt(rc4, buf, buf, len);
    uppp_rc4_free(rc4);
    return rc;
}

int uppp_encrypt_pw_block_with_password_hash(const char *password, size_t password_len,
                                             const uint8_t password_hash[16], const uint8_t *random,
                                             uint8_t pw_block[516])
{
    if (password_hash == NULL || pw_block == NULL)
        return UPPP_ERR_INVALID;
    uint8_t clear[UPPP_MSCHAP_PWBLOCK_LEN];
    size_t units = 0;
    /* Convert straight into the start of the block, then move it to the end:
     * the password sits right-aligned before PasswordLength (RFC 2759 8.10,
     * PwOffset = sizeof(Password) - PwSize). */
    int rc =
        uppp_utf8_to_utf16le(password, password_len, clear, UPPP_MSCHAP_MAX_PASSWORD_UNITS, &units);
    if (rc == 0) {
        size_t pw_size = 2 * units;
        size_t offset = UPPP_MSCHAP_PWBLOCK_PASSWORD_LEN - pw_size;
        memmove(clear + offset, clear, pw_size);
        /* "Fill ClearPwBlock with random octet values": only the part in
         * front of the password survives, so only that is filled. */
        if (offset != 0 && random == NULL)
            rc = UPPP_ERR_INVALID; /* the library has no random source of its own */
        else if (offset != 0)
            memcpy(clear, random, offset);
        /* PasswordLength is a Windows DWORD: little-endian. Its high two
         * octets are always zero since PwSize <= 512. */
        clear[512] = (uint8_t)pw_size;
        clear[513] = (uint8_t)(pw_size >> 8);
        clear[514] = 0;
        clear[515] = 0;
    }
    if (rc == 0) {
        memcpy(pw_block, clear, sizeof(clear));
        rc = rc4_with_hash(password_hash, pw_block, UPPP_MSCHAP_PWBLOCK_LEN);
        if (rc != 0)
            uppp_memzero(pw_block, UPPP_MSCHAP_PWBLOCK_LEN);
    }
    uppp_memzero(clear, sizeof(clear));
    return rc;
}

int uppp_decrypt_pw_block_with_password_hash(const uint8_t pw_block[516],
                                             const uint8_t password_hash[16],
                                             uint8_t password_utf16le[512], size_t *password_len)
{
    if (pw_block == NULL || password_hash == NULL || password_utf16le == NULL ||
        password_len == NULL)
        return UPPP_ERR_INVALID;
    *password_len = 0;
    uint8_t clear[UPPP_MSCHAP_PWBLOCK_LEN];
    memcpy(clear, pw_block, sizeof(clear));
    int rc = rc4_with_hash(password_hash, clear, sizeof(clear));
    if (rc == 0) {
        uint32_t pw_size = (uint32_t)clear[512] | (uint32_t)clear[513] << 8 |
                           (uint32_t)clear[514] << 16 | (uint32_t)clear[515] << 24;
        if (pw_size > UPPP_MSCHAP_PWBLOCK_PASSWORD_LEN || pw_size % 2 != 0) {
            rc = UPPP_ERR_PARSE;
        } else {
            memcpy(password_utf16le, clear + UPPP_MSCHAP_PWBLOCK_PASSWORD_LEN - pw_size, pw_size);
            *password_len = pw_size;
        }
    }
    uppp_memzero(clear, sizeof(clear));
    return rc;
}

int uppp_new_password_encrypted_with_old_nt_password_hash(
    const char *new_password, size_t new_password_len, const char *old_password,
    size_t old_password_len, const uint8_t *random, uint8_t encrypted_pw_block[516])
{
    uint8_t old_hash[UPPP_MSCHAP_HASH_LEN];
    int rc = uppp_nt_password_hash(old_password, old_password_len, old_hash);
    if (rc == 0)
        rc = uppp_encrypt_pw_block_with_password_hash(new_password, new_password_len, old_hash,
                                                      random, encrypted_pw_block);
    uppp_memzero(old_hash, sizeof(old_hash));
    return rc;
}

int uppp_new_password_encrypted_with_old_lm_password_hash(
    const char *new_password, size_t new_password_len, const char *old_password,
    size_t old_password_len, const uint8_t *random, uint8_t encrypted_pw_block[516])
{
    uint8_t old_hash[UPPP_MSCHAP_HASH_LEN];
    int rc = uppp_lm_password_hash(old_password, old_password_len, old_hash);
    if (rc == 0)
        rc = uppp_encrypt_pw_block_with_password_hash(new_password, new_password_len, old_hash,
                                                      random, encrypted_pw_block);
    uppp_memzero(old_hash, sizeof(old_hash));
    return rc;
}

int uppp_nt_password_hash_encrypted_with_block(const uint8_t password_hash[16],
                                               const uint8_t block[16], uint8_t cypher[16])
{
    if (password_hash == NULL || block == NULL || cypher == NULL)
        return UPPP_ERR_INVALID;
    /* RFC 2759 8.13: "2nd 7-octets Block" is octets 7..13, as the DES key
     * example of RFC 2759 9.3 / RFC 2433 B.3 shows for this very function
     * (raw keys FC..6C and 0E..7F of hash FC..6C 0E..7F 4E AC). */
    int rc = uppp_des_encrypt(password_hash, block, cypher);
    if (rc == 0)
        rc = uppp_des_encrypt(password_hash + 8, block + 7, cypher + 8);
    return rc;
}

int uppp_old_nt_password_hash_encrypted_with_new_nt_password_hash(
    const char *new_password, size_t new_password_len, const char *old_password,
    size_t old_password_len, uint8_t encrypted_password_hash[16])
{
    uint8_t old_hash[UPPP_MSCHAP_HASH_LEN], new_hash[UPPP_MSCHAP_HASH_LEN];
    int rc = uppp_nt_password_hash(old_password, old_password_len, old_hash);
    if (rc == 0)
        rc = uppp_nt_password_hash(new_password, new_password_len, new_hash);
    if (rc == 0)
        rc =
            uppp_nt_password_hash_encrypted_with_block(old_hash, new_hash, encrypted_password_hash);
    uppp_memzero(old_hash, sizeof(old_hash));
    uppp_memzero(new_hash, sizeof(new_hash));
    return rc;
}

int uppp_old_lm_password_hash_encrypted_with_new_nt_password_hash(
    const char *new_password, size_t new_password_len, const char *old_password,
    size_t old_password_len, uint8_t encrypted_password_hash[16])
{
    uint8_t old_hash[UPPP_MSCHAP_HASH_LEN], new_hash[UPPP_MSCHAP_HASH_LEN];
    int rc = uppp_lm_password_hash(old_password, old_password_len, old_hash);
    if (rc == 0)
        rc = uppp_nt_password_hash(new_password, new_password_len, new_hash);
    if (rc == 0)
        rc =
            uppp_nt_password_hash_encrypted_with_block(old_hash, new_hash, encrypted_password_hash);
    uppp_memzero(old_hash, sizeof(old_hash));
    uppp_memzero(new_hash, sizeof(new_hash));
    return rc;
}

int uppp_password_hash_encrypted_with_block(const uint8_t password_hash[16], const uint8_t block[8],
                                            uint8_t cypher[16])
{
    if (password_hash == NULL || block == NULL || cypher == NULL)
        return UPPP_ERR_INVALID;
    /* RFC 2433 A.9: unlike A.17, both halves use the first 7 octets of the
     * (8-octet) block. */
    int rc = uppp_des_encrypt(password_hash, block, cypher);
    if (rc == 0)
        rc = uppp_des_encrypt(password_hash + 8, block, cypher + 8);
    return rc;
}

int uppp_lm_encrypted_password_hash(const char *password, size_t password_len,
                                    const uint8_t key_value[8], uint8_t cypher[16])
{
    uint8_t hash[UPPP_MSCHAP_HASH_LEN];
    int rc = uppp_lm_password_hash(password, password_len, hash);
    if (rc == 0)
        rc = uppp_password_hash_encrypted_with_block(hash, key_value, cypher);
    uppp_memzero(hash, sizeof(hash));
    return rc;
}

int uppp_nt_encrypted_password_hash(const char *password, size_t password_len,
                                    const uint8_t challenge[8], uint8_t cypher[16])
{
    uint8_t hash[UPPP_MSCHAP_HASH_LEN];
    int rc = uppp_nt_password_hash(password, password_len, hash);
    if (rc == 0)
        rc = uppp_password_hash_encrypted_with_block(hash, challenge, cypher);
    uppp_memzero(hash, sizeof(hash));
    return rc;
}
