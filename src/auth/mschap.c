/*
 * MS-CHAP hashes and responses: MS-CHAPv1 (RFC 2433 appendix A.1-A.7) and
 * MS-CHAPv2 (RFC 2759 sections 8.1-8.8), one function per pseudo-code step.
 * The change-password blocks are in mschap_chpw.c.
 */
#include <uppp/mschap.h>
#include <uppp/err.h>
#include <uppp/hex.h>

#include "crypto.h"
#include "utf16.h"

#include <string.h>

/* UTF-8 password to UTF-16LE in a 512-octet buffer the caller wipes. */
static int password_utf16(const char *password, size_t password_len, uint8_t buf[512],
                          size_t *octets)
{
    size_t units = 0;
    int rc =
        uppp_utf8_to_utf16le(password, password_len, buf, UPPP_MSCHAP_MAX_PASSWORD_UNITS, &units);
    *octets = 2 * units;
    return rc;
}

int uppp_nt_password_hash_utf16le(const uint8_t *password, size_t password_len,
                                  uint8_t password_hash[16])
{
    if ((password == NULL && password_len != 0) || password_hash == NULL || password_len % 2 != 0 ||
        password_len > UPPP_MSCHAP_PWBLOCK_PASSWORD_LEN)
        return UPPP_ERR_INVALID;
    /* RFC 2759 8.3: MD4 over the password only, no terminating zero. */
    return uppp_md4(password, password_len, password_hash);
}

int uppp_nt_password_hash(const char *password, size_t password_len, uint8_t password_hash[16])
{
    if (password_hash == NULL)
        return UPPP_ERR_INVALID;
    uint8_t buf[UPPP_MSCHAP_PWBLOCK_PASSWORD_LEN];
    size_t n = 0;
    int rc = password_utf16(password, password_len, buf, &n);
    if (rc == 0)
        rc = uppp_md4(buf, n, password_hash);
    uppp_memzero(buf, sizeof(buf));
    return rc;
}

int uppp_hash_nt_password_hash(const uint8_t password_hash[16], uint8_t password_hash_hash[16])
{
    if (password_hash == NULL || password_hash_hash == NULL)
        return UPPP_ERR_INVALID;
    return uppp_md4(password_hash, UPPP_MSCHAP_HASH_LEN, password_hash_hash);
}

/* RFC 2433 A.3: DesHash encrypts this fixed text under a 7-octet key. */
static const uint8_t lm_std_text[8] = {'K', 'G', 'S', '!', '@', '#', '$', '%'};

int uppp_lm_password_hash(const char *password, size_t password_len, uint8_t password_hash[16])
{
    if (password_hash == NULL)
        return UPPP_ERR_INVALID;
    /* Decode first, so that invalid UTF-8 is reported as such and the
     * 14-character limit counts characters, not octets. Work stays bounded:
     * the decoder stops past 14 units. */
    uint8_t u16[2 * UPPP_MSCHAP_LM_MAX_PASSWORD];
    size_t units = 0;
    int rc = uppp_utf8_to_utf16le(password, password_len, u16, UPPP_MSCHAP_LM_MAX_PASSWORD, &units);
    /* A.2: uppercase, zero-pad to 14 characters. */
    uint8_t ucase[UPPP_MSCHAP_LM_MAX_PASSWORD] = {0};
    for (size_t i = 0; rc == 0 && i < units; i++) {
        uint16_t c = (uint16_t)(u16[2 * i] | u16[2 * i + 1] << 8);
        if (c >= 0x80) {
            /* The OEM code page is the peer's local setting; see mschap.h. */
            rc = UPPP_ERR_LM_PASSWORD;
            break;
        }
        ucase[i] = (uint8_t)(c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c);
    }
    /* A.2: each 7-octet half is a DES key for the standard text (A.3). */
    if (rc == 0)
        rc = uppp_des_encrypt(lm_std_text, ucase, password_hash);
    if (rc == 0)
        rc = uppp_des_encrypt(lm_std_text, ucase + 7, password_hash + 8);
    uppp_memzero(u16, sizeof(u16));
    uppp_memzero(ucase, sizeof(ucase));
    return rc;
}

int uppp_challenge_hash(const uint8_t peer_challenge[16], const uint8_t authenticator_challenge[16],
                        const char *user_name, size_t user_name_len, uint8_t challenge[8])
{
    if (peer_challenge == NULL || authenticator_challenge == NULL || challenge == NULL ||
        (user_name == NULL && user_name_len != 0))
        return UPPP_ERR_INVALID;
    /* RFC 2759 8.2: only the user name, "excluding any prepended domain
     * name"; section 4 shows the form "BIGCO\johndoe". Cut after the last
     * backslash. */
    const char *name = user_name;
    size_t len = user_name_len;
    for (size_t i = user_name_len; i > 0; i--) {
        if (user_name[i - 1] == '\\') {
            name = user_name + i;
            len = user_name_len - i;
            break;
        }
    }
    const uint8_t *addr[3] = {peer_challenge, authenticator_challenge, (const uint8_t *)name};
    const size_t lens[3] = {UPPP_MSCHAP_V2_CHALLENGE_LEN, UPPP_MSCHAP_V2_CHALLENGE_LEN, len};
    uint8_t digest[UPPP_SHA1_LEN];
    int rc = uppp_sha1_vector(len ? 3 : 2, addr, lens, digest);
    if (rc == 0)
        memcpy(challenge, digest, UPPP_MSCHAP_CHALLENGE_LEN);
    uppp_memzero(digest, sizeof(digest));
    return rc;
}

int uppp_challenge_response(const uint8_t challenge[8], const uint8_t password_hash[16],
                            uint8_t response[24])
{
    if (challenge == NULL || password_hash == NULL || response == NULL)
        return UPPP_ERR_INVALID;
    /* RFC 2433 A.7 / RFC 2759 8.5: ZPasswordHash is the hash zero-padded to
     * 21 octets, three 7-octet DES keys. */
    uint8_t z[21] = {0};
    memcpy(z, password_hash, UPPP_MSCHAP_HASH_LEN);
    int rc = 0;
    for (int i = 0; rc == 0 && i < 3; i++)
        rc = uppp_des_encrypt(challenge, z + 7 * i, response + 8 * i);
    uppp_memzero(z, sizeof(z));
    return rc;
}

int uppp_nt_challenge_response(const uint8_t challenge[8], const char *password,
                               size_t password_len, uint8_t response[24])
{
    uint8_t hash[UPPP_MSCHAP_HASH_LEN];
    int rc = uppp_nt_password_hash(password, password_len, hash);
    if (rc == 0)
        rc = uppp_challenge_response(challenge, hash, response);
    uppp_memzero(hash, sizeof(hash));
    return rc;
}

int uppp_lm_challenge_response(const uint8_t challenge[8], const char *password,
                               size_t password_len, uint8_t response[24])
{
    uint8_t hash[UPPP_MSCHAP_HASH_LEN];
    int rc = uppp_lm_password_hash(password, password_len, hash);
    if (rc == 0)
        rc = uppp_challenge_response(challenge, hash, response);
    uppp_memzero(hash, sizeof(hash));
    return rc;
}

/* Compare a computed 24-octet response with a received one, constant time. */
static int response_matches(int rc, const uint8_t mine[24], const uint8_t received[24])
{
    if (rc != 0)
        return rc;
    if (received == NULL)
        return UPPP_ERR_INVALID;
    return uppp_ct_memeq(mine, received, UPPP_MSCHAP_RESPONSE_LEN) ? 0 : UPPP_ERR_AUTH;
}

int uppp_check_challenge_response(const uint8_t challenge[8], const uint8_t password_hash[16],
                                  const uint8_t received[24])
{
    uint8_t mine[UPPP_MSCHAP_RESPONSE_LEN];
    int rc = uppp_challenge_response(challenge, password_hash, mine);
    rc = response_matches(rc, mine, received);
    uppp_memzero(mine, sizeof(mine));
    return rc;
}

int uppp_generate_nt_response_pwhash(const uint8_t authenticator_challenge[16],
                                     const uint8_t peer_challenge[16], const char *user_name,
                                     size_t user_name_len, const uint8_t password_hash[16],
                                     uint8_t response[24])
{
    /* RFC 2759 8.1. */
    uint8_t challenge[UPPP_MSCHAP_CHALLENGE_LEN];
    int rc = uppp_challenge_hash(peer_challenge, authenticator_challenge, user_name, user_name_len,
                                 challenge);
    if (rc == 0)
        rc = uppp_challenge_response(challenge, password_hash, response);
    uppp_memzero(challenge, sizeof(challenge));
    return rc;
}

int uppp_generate_nt_response(const uint8_t authenticator_challenge[16],
                              const uint8_t peer_challenge[16], const char *user_name,
                              size_t user_name_len, const char *password, size_t password_len,
                              uint8_t response[24])
{
    uint8_t hash[UPPP_MSCHAP_HASH_LEN];
    int rc = uppp_nt_password_hash(password, password_len, hash);
    if (rc == 0)
        rc = uppp_generate_nt_response_pwhash(authenticator_challenge, peer_challenge, user_name,
                                              user_name_len, hash, response);
    uppp_memzero(hash, sizeof(hash));
    return rc;
}

int uppp_check_nt_response_pwhash(const uint8_t authenticator_challenge[16],
                                  const uint8_t peer_challenge[16], const char *user_name,
                                  size_t user_name_len, const uint8_t password_hash[16],
                                  const uint8_t received[24])
{
    uint8_t mine[UPPP_MSCHAP_RESPONSE_LEN];
    int rc = uppp_generate_nt_response_pwhash(authenticator_challenge, peer_challenge, user_name,
                                              user_name_len, password_hash, mine);
    rc = response_matches(rc, mine, received);
    uppp_memzero(mine, sizeof(mine));
    return rc;
}

int uppp_check_nt_response(const uint8_t authenticator_challenge[16],
                           const uint8_t peer_challenge[16], const char *user_name,
                           size_t user_name_len, const char *password, size_t password_len,
                           const uint8_t received[24])
{
    uint8_t hash[UPPP_MSCHAP_HASH_LEN];
    int rc = uppp_nt_password_hash(password, password_len, hash);
    if (rc == 0)
        rc = uppp_check_nt_response_pwhash(authenticator_challenge, peer_challenge, user_name,
                                           user_name_len, hash, received);
    uppp_memzero(hash, sizeof(hash));
    return rc;
}

/* RFC 2759 8.7, Magic1 ("Magic server to client signing constant") and
 * Magic2 ("Pad to make it do more than one iteration"). */
static const char auth_magic1[] = "Magic server to client signing constant";
static const char auth_magic2[] = "Pad to make it do more than one iteration";
_Static_assert(sizeof(auth_magic1) - 1 == 39, "RFC 2759 Magic1 is 39 octets");
_Static_assert(sizeof(auth_magic2) - 1 == 41, "RFC 2759 Magic2 is 41 octets");

/* The 20-octet digest that GenerateAuthenticatorResponse encodes as hex. */
static int authenticator_digest(const uint8_t password_hash[16], const uint8_t nt_response[24],
                                const uint8_t peer_challenge[16],
                                const uint8_t authenticator_challenge[16], const char *user_name,
                                size_t user_name_len, uint8_t digest[UPPP_SHA1_LEN])
{
    if (password_hash == NULL || nt_response == NULL)
        return UPPP_ERR_INVALID;
    uint8_t hash_hash[UPPP_MSCHAP_HASH_LEN], challenge[UPPP_MSCHAP_CHALLENGE_LEN];
    uint8_t inner[UPPP_SHA1_LEN];
    int rc = uppp_hash_nt_password_hash(password_hash, hash_hash);
    if (rc == 0) {
        const uint8_t *addr[3] = {hash_hash, nt_response, (const uint8_t *)auth_magic1};
        const size_t len[3] = {UPPP_MSCHAP_HASH_LEN, UPPP_MSCHAP_RESPONSE_LEN, 39};
        rc = uppp_sha1_vector(3, addr, len, inner);
    }
    if (rc == 0)
        rc = uppp_challenge_hash(peer_challenge, authenticator_challenge, user_name, user_name_len,
                                 challenge);
    if (rc == 0) {
        const uint8_t *addr[3] = {inner, challenge, (const uint8_t *)auth_magic2};
        const size_t len[3] = {UPPP_SHA1_LEN, UPPP_MSCHAP_CHALLENGE_LEN, 41};
        rc = uppp_sha1_vector(3, addr, len, digest);
    }
    uppp_memzero(hash_hash, sizeof(hash_hash));
    uppp_memzero(challenge, sizeof(challenge));
    uppp_memzero(inner, sizeof(inner));
    return rc;
}

int uppp_generate_authenticator_response_pwhash(const uint8_t password_hash[16],
                                                const uint8_t nt_response[24],
                                                const uint8_t peer_challenge[16],
                                                const uint8_t authenticator_challenge[16],
                                                const char *user_name, size_t user_name_len,
                                                char auth_response[43])
{
    if (auth_response == NULL)
        return UPPP_ERR_INVALID;
    uint8_t digest[UPPP_SHA1_LEN];
    int rc = authenticator_digest(password_hash, nt_response, peer_challenge,
                                  authenticator_challenge, user_name, user_name_len, digest);
    if (rc == 0) {
        /* RFC 2759 section 5: hex digits A-F MUST be uppercase. */
        static const char hex[] = "0123456789ABCDEF";
        auth_response[0] = 'S';
        auth_response[1] = '=';
        for (int i = 0; i < UPPP_SHA1_LEN; i++) {
            auth_response[2 + 2 * i] = hex[digest[i] >> 4];
            auth_response[3 + 2 * i] = hex[digest[i] & 0xf];
        }
        auth_response[UPPP_MSCHAP_AUTH_RESPONSE_LEN] = '\0';
    }
    uppp_memzero(digest, sizeof(digest));
    return rc;
}

int uppp_generate_authenticator_response(const char *password, size_t password_len,
                                         const uint8_t nt_response[24],
                                         const uint8_t peer_challenge[16],
                                         const uint8_t authenticator_challenge[16],
                                         const char *user_name, size_t user_name_len,
                                         char auth_response[43])
{
    uint8_t hash[UPPP_MSCHAP_HASH_LEN];
    int rc = uppp_nt_password_hash(password, password_len, hash);
    if (rc == 0)
        rc = uppp_generate_authenticator_response_pwhash(hash, nt_response, peer_challenge,
                                                         authenticator_challenge, user_name,
                                                         user_name_len, auth_response);
    uppp_memzero(hash, sizeof(hash));
    return rc;
}

/* "S=" and 40 hex digits, exactly 42 octets, to the 20-octet value. */
static int parse_authenticator_response(const char *s, size_t len, uint8_t out[UPPP_SHA1_LEN])
{
    if (s == NULL || len != UPPP_MSCHAP_AUTH_RESPONSE_LEN || s[0] != 'S' || s[1] != '=')
        return UPPP_ERR_PARSE;
    if (uppp_hex_decode(out, UPPP_SHA1_LEN, s + 2, len - 2) != UPPP_SHA1_LEN)
        return UPPP_ERR_PARSE;
    return 0;
}

int uppp_check_authenticator_response_pwhash(const uint8_t password_hash[16],
                                             const uint8_t nt_response[24],
                                             const uint8_t peer_challenge[16],
                                             const uint8_t authenticator_challenge[16],
                                             const char *user_name, size_t user_name_len,
                                             const char *received, size_t received_len)
{
    uint8_t theirs[UPPP_SHA1_LEN], mine[UPPP_SHA1_LEN];
    int rc = parse_authenticator_response(received, received_len, theirs);
    if (rc == 0)
        rc = authenticator_digest(password_hash, nt_response, peer_challenge,
                                  authenticator_challenge, user_name, user_name_len, mine);
    /* RFC 2759 8.8; compare the values, not the text, in constant time. */
    if (rc == 0 && !uppp_ct_memeq(mine, theirs, sizeof(mine)))
        rc = UPPP_ERR_AUTH;
    uppp_memzero(theirs, sizeof(theirs));
    uppp_memzero(mine, sizeof(mine));
    return rc;
}

int uppp_check_authenticator_response(const char *password, size_t password_len,
                                      const uint8_t nt_response[24],
                                      const uint8_t peer_challenge[16],
                                      const uint8_t authenticator_challenge[16],
                                      const char *user_name, size_t user_name_len,
                                      const char *received, size_t received_len)
{
    uint8_t hash[UPPP_MSCHAP_HASH_LEN];
    int rc = uppp_nt_password_hash(password, password_len, hash);
    if (rc == 0)
        rc = uppp_check_authenticator_response_pwhash(hash, nt_response, peer_challenge,
                                                      authenticator_challenge, user_name,
                                                      user_name_len, received, received_len);
    uppp_memzero(hash, sizeof(hash));
    return rc;
}
