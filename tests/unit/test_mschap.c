/*
 * MS-CHAP v1/v2 (RFC 2433, RFC 2759): the RFCs' known answers, values from
 * real pppd 2.4.9 sessions (shared/captures), UTF-8 handling, DOMAIN\user
 * stripping, authenticator-response checking, the change-password blocks,
 * and agreement of the password and NT-hash variants.
 */
#include "testutil.h"

#include <uppp/mschap.h>
#include <uppp/err.h>

#include "crypto.h"
#include "utf16.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define S(str) (str), (sizeof(str) - 1)

/* RFC 2759 section 9.2. */
#define V2_USER "User"
#define V2_PASSWORD "clientPass"
#define V2_AUTH_CHALLENGE "5B5D7C7D7B3F2F3E3C2C602132262628"
#define V2_PEER_CHALLENGE "21402324255E262A28295F2B3A337C7E"
#define V2_CHALLENGE "D02E4386BCE91226"
#define V2_PASSWORD_HASH "44EBBA8D5312B8D611474411F56989AE"
#define V2_NT_RESPONSE "82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF"
#define V2_PASSWORD_HASH_HASH "41C00C584BD2D91C4017A2A12FA59F3F"
#define V2_AUTH_RESPONSE "S=407A5589115FD0D6209F510FE9C04566932CDA56"

struct v2_inputs {
    uint8_t auth_ch[16], peer_ch[16], nt_response[24], pw_hash[16];
};

static void v2_load(struct v2_inputs *in)
{
    tu_hex(V2_AUTH_CHALLENGE, in->auth_ch, 16);
    tu_hex(V2_PEER_CHALLENGE, in->peer_ch, 16);
    tu_hex(V2_NT_RESPONSE, in->nt_response, 24);
    tu_hex(V2_PASSWORD_HASH, in->pw_hash, 16);
}

static void test_rfc2759_hash_example(void **state)
{
    (void)state;
    struct v2_inputs in;
    v2_load(&in);
    uint8_t challenge[8], hash[16], hash_hash[16], resp[24];
    char auth[UPPP_MSCHAP_AUTH_RESPONSE_SIZE];

    assert_int_equal(uppp_challenge_hash(in.peer_ch, in.auth_ch, S(V2_USER), challenge), 0);
    tu_assert_hex(challenge, 8, V2_CHALLENGE);
    assert_int_equal(uppp_nt_password_hash(S(V2_PASSWORD), hash), 0);
    tu_assert_hex(hash, 16, V2_PASSWORD_HASH);
    assert_int_equal(uppp_challenge_response(challenge, hash, resp), 0);
    tu_assert_hex(resp, 24, V2_NT_RESPONSE);
    assert_int_equal(
        uppp_generate_nt_response(in.auth_ch, in.peer_ch, S(V2_USER), S(V2_PASSWORD), resp), 0);
    tu_assert_hex(resp, 24, V2_NT_RESPONSE);
    assert_int_equal(uppp_hash_nt_password_hash(hash, hash_hash), 0);
    tu_assert_hex(hash_hash, 16, V2_PASSWORD_HASH_HASH);
    assert_int_equal(uppp_generate_authenticator_response(S(V2_PASSWORD), in.nt_response,
                                                          in.peer_ch, in.auth_ch, S(V2_USER), auth),
                     0);
    assert_string_equal(auth, V2_AUTH_RESPONSE);
    assert_int_equal(uppp_check_authenticator_response(S(V2_PASSWORD), in.nt_response, in.peer_ch,
                                                       in.auth_ch, S(V2_USER), S(V2_AUTH_RESPONSE)),
                     0);
    assert_int_equal(
        uppp_check_nt_response(in.auth_ch, in.peer_ch, S(V2_USER), S(V2_PASSWORD), in.nt_response),
        0);
}

/* RFC 2433 appendix B.2. RFC 2759 section 9.3 prints this password as the
 * four ASCII octets 4D 79 50 77; the hash is over UTF-16LE (B.2 has it
 * right: 4D 00 79 00 50 00 77 00). */
static void test_rfc2433_hash_example(void **state)
{
    (void)state;
    uint8_t ch[8], hash[16], resp[24];
    tu_hex("102DB5DF085D3041", ch, 8);
    assert_int_equal(uppp_nt_password_hash(S("MyPw"), hash), 0);
    tu_assert_hex(hash, 16, "FC156AF7EDCD6C0EDDE3337D427F4EAC");
    uint8_t u16[8];
    tu_hex("4D00790050007700", u16, 8);
    uint8_t hash2[16];
    assert_int_equal(uppp_nt_password_hash_utf16le(u16, 8, hash2), 0);
    assert_memory_equal(hash, hash2, 16);

    const char *want = "4E9D3C8F9CFD385D5BF4D3246791956CA4C351AB409A3D61";
    assert_int_equal(uppp_nt_challenge_response(ch, S("MyPw"), resp), 0);
    tu_assert_hex(resp, 24, want);
    assert_int_equal(uppp_challenge_response(ch, hash, resp), 0);
    tu_assert_hex(resp, 24, want);

    assert_int_equal(uppp_check_challenge_response(ch, hash, resp), 0);
    resp[23] ^= 0x01;
    assert_int_equal(uppp_check_challenge_response(ch, hash, resp), UPPP_ERR_AUTH);
}

/* LmPasswordHash: RFC 3079 section 2.5.1 for "clientPass"; the empty
 * password's well-known LM hash (AAD3B435B51404EE twice, DES of "KGS!@#$%"
 * under the zero key); and "SecREt01" with its LM response to challenge
 * 0123456789ABCDEF, the worked example of E. Glass's "The NTLM
 * Authentication Protocol" (recomputed with `openssl enc -des-ecb`). */
static void test_lm_known_answers(void **state)
{
    (void)state;
    uint8_t hash[16], ch[8], resp[24];
    assert_int_equal(uppp_lm_password_hash(S("clientPass"), hash), 0);
    tu_assert_hex(hash, 16, "76a152936096d7830e2390227404afd2");
    assert_int_equal(uppp_lm_password_hash(S("CLIENTpass"), hash), 0);
    tu_assert_hex(hash, 16, "76a152936096d7830e2390227404afd2");
    assert_int_equal(uppp_lm_password_hash(NULL, 0, hash), 0);
    tu_assert_hex(hash, 16, "aad3b435b51404eeaad3b435b51404ee");

    assert_int_equal(uppp_lm_password_hash(S("SecREt01"), hash), 0);
    tu_assert_hex(hash, 16, "ff3750bcc2b22412c2265b23734e0dac");
    tu_hex("0123456789abcdef", ch, 8);
    assert_int_equal(uppp_lm_challenge_response(ch, S("SecREt01"), resp), 0);
    tu_assert_hex(resp, 24, "c337cd5cbd44fc9782a667af6d427c6de67c20c2d3e77c56");
    assert_int_equal(uppp_challenge_response(ch, hash, resp), 0);
    tu_assert_hex(resp, 24, "c337cd5cbd44fc9782a667af6d427c6de67c20c2d3e77c56");
}

/* RFC 2433 A.2: 0 to 14 OEM characters; we take ASCII only. */
static void test_lm_password_rules(void **state)
{
    (void)state;
    uint8_t hash[16], h2[16];
    assert_int_equal(uppp_lm_password_hash(S("abcdefghijklmn"), hash), 0);
    assert_int_equal(uppp_lm_password_hash(S("ABCDEFGHIJKLMN"), h2), 0);
    assert_memory_equal(hash, h2, 16);
    assert_int_equal(uppp_lm_password_hash(S("abcdefghijklmno"), hash), UPPP_ERR_PASSWORD_TOO_LONG);
    assert_int_equal(uppp_lm_password_hash(S("caf\xc3\xa9"), hash), UPPP_ERR_LM_PASSWORD);
    assert_int_equal(uppp_lm_password_hash(S("caf\xe9"), hash), UPPP_ERR_UTF8);
    /* Only a-z change: digits and punctuation keep their values. */
    assert_int_equal(uppp_lm_password_hash(S("a1!{~"), hash), 0);
    assert_int_equal(uppp_lm_password_hash(S("A1!{~"), h2), 0);
    assert_memory_equal(hash, h2, 16);
    assert_int_equal(uppp_lm_password_hash(S("[1!{~"), h2), 0);
    assert_memory_not_equal(hash, h2, 16);
    uint8_t ch[8] = {0}, resp[24];
    assert_int_equal(uppp_lm_challenge_response(ch, S("\xe2\x82\xac"), resp), UPPP_ERR_LM_PASSWORD);
}

/* Real pppd 2.4.9 sessions (shared/captures/mschapv*-mppe128.txt, password "testpass123",
 * user "testuser"): our responses are byte for byte pppd's. */
static void test_pppd_captures(void **state)
{
    (void)state;
    uint8_t ch[8], resp[24];
    tu_hex("02b5951eefe7e146", ch, 8);
    assert_int_equal(uppp_nt_challenge_response(ch, S("testpass123"), resp), 0);
    tu_assert_hex(resp, 24, "f527c4cb82866b6ff3703808fefdf75231fd470938bb1896");

    uint8_t auth_ch[16], peer_ch[16];
    char auth[UPPP_MSCHAP_AUTH_RESPONSE_SIZE];
    tu_hex("74fad8ccfe64e37624778159e1ab365e", auth_ch, 16);
    tu_hex("06f79fdb67a4a96aefabf6bd0921e841", peer_ch, 16);
    assert_int_equal(
        uppp_generate_nt_response(auth_ch, peer_ch, S("testuser"), S("testpass123"), resp), 0);
    tu_assert_hex(resp, 24, "65a54e97b8cc1b7e6466834be39c7652a4131b79d8eaff1c");
    assert_int_equal(uppp_generate_authenticator_response(S("testpass123"), resp, peer_ch, auth_ch,
                                                          S("testuser"), auth),
                     0);
    assert_string_equal(auth, "S=07215145B2DFCD7AA9BC933162A2FEA3287FCD97");
}

/* "Pässwörd-€": 10 characters, 14 octets of UTF-8, hashed over the UTF-16LE
 * built here by hand. */
static void test_utf8_password(void **state)
{
    (void)state;
    static const char pw[] = "P\xc3\xa4ssw\xc3\xb6rd-\xe2\x82\xac";
    static const uint8_t u16[] = {'P',  0, 0xe4, 0, 's', 0, 's', 0, 'w',  0,
                                  0xf6, 0, 'r',  0, 'd', 0, '-', 0, 0xac, 0x20};
    uint8_t want[16], got[16];
    assert_int_equal(uppp_md4(u16, sizeof(u16), want), 0);
    assert_int_equal(uppp_nt_password_hash(pw, sizeof(pw) - 1, got), 0);
    assert_memory_equal(got, want, 16);
    /* Independently, `openssl dgst -md4` of those 20 octets. */
    tu_assert_hex(got, 16, "f5ef9a1288032f0d02706461f7760b7e");
    /* pppd would hash the 14 UTF-8 octets zero-extended; that differs. */
    uint8_t zext[28];
    for (size_t i = 0; i < 14; i++) {
        zext[2 * i] = (uint8_t)pw[i];
        zext[2 * i + 1] = 0;
    }
    assert_int_equal(uppp_md4(zext, sizeof(zext), want), 0);
    assert_memory_not_equal(got, want, 16);
    /* The NT hash is case-sensitive. */
    assert_int_equal(uppp_nt_password_hash(S("p\xc3\xa4ssw\xc3\xb6rd-\xe2\x82\xac"), want), 0);
    assert_memory_not_equal(got, want, 16);
}

/* A 4-octet UTF-8 character becomes a surrogate pair (RFC 2781 2.1). */
static void test_utf8_surrogate_pair(void **state)
{
    (void)state;
    uint8_t out[512];
    size_t units = 99;
    /* "a", U+1F600, "b" */
    assert_int_equal(uppp_utf8_to_utf16le(S("a\xf0\x9f\x98\x80"
                                            "b"),
                                          out, 256, &units),
                     0);
    assert_int_equal(units, 4);
    tu_assert_hex(out, 8, "61003dd800de6200");
    uint8_t got[16];
    assert_int_equal(uppp_nt_password_hash(S("a\xf0\x9f\x98\x80"
                                             "b"),
                                           got),
                     0);
    tu_assert_hex(got, 16, "ffdc8b254768fd97bf7c08fcffd66fc1");

    /* Edges of the valid ranges. */
    struct {
        const char *in;
        size_t len;
        const char *want;
    } ok[] = {
        {S("\x00"), "0000"},
        {S("\x7f"), "7f00"},
        {S("\xc2\x80"), "8000"},
        {S("\xdf\xbf"), "ff07"},
        {S("\xe0\xa0\x80"), "0008"},
        {S("\xed\x9f\xbf"), "ffd7"},
        {S("\xee\x80\x80"), "00e0"},
        {S("\xef\xbf\xbf"), "ffff"},
        {S("\xf0\x90\x80\x80"), "00d800dc"},
        {S("\xf4\x8f\xbf\xbf"), "ffdbffdf"},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        assert_int_equal(uppp_utf8_to_utf16le(ok[i].in, ok[i].len, out, 256, &units), 0);
        tu_assert_hex(out, 2 * units, ok[i].want);
    }
}

static void test_utf8_invalid(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t len;
    } bad[] = {
        {S("\x80")},                     /* lone continuation */
        {S("ab\xbf")},                   /* continuation after ASCII */
        {S("\xc3")},                     /* truncated 2-octet */
        {S("\xe2\x82")},                 /* truncated 3-octet */
        {S("\xf0\x9f\x98")},             /* truncated 4-octet */
        {S("\xc3(")},                    /* bad continuation */
        {S("\xe2(\xac")},                /* bad second continuation */
        {S("\xe2\x82(")},                /* bad third */
        {S("\xc0\xaf")},                 /* overlong '/' */
        {S("\xc1\xbf")},                 /* overlong */
        {S("\xe0\x80\xaf")},             /* overlong 3-octet */
        {S("\xe0\x9f\xbf")},             /* overlong U+07FF */
        {S("\xf0\x80\x80\xaf")},         /* overlong 4-octet */
        {S("\xf0\x8f\xbf\xbf")},         /* overlong U+FFFF */
        {S("\xed\xa0\x80")},             /* lone high surrogate U+D800 */
        {S("\xed\xbf\xbf")},             /* lone low surrogate U+DFFF */
        {S("\xed\xa0\xbd\xed\xb8\x80")}, /* CESU-8 pair */
        {S("\xf4\x90\x80\x80")},         /* U+110000 */
        {S("\xf5\x80\x80\x80")},
        {S("\xf8\x88\x80\x80\x80")}, /* 5-octet form */
        {S("\xfe")},
        {S("\xff")},
    };
    uint8_t out[512], hash[16];
    size_t units;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(uppp_utf8_to_utf16le(bad[i].in, bad[i].len, out, 256, &units),
                         UPPP_ERR_UTF8);
        assert_int_equal(units, 0);
        assert_int_equal(uppp_nt_password_hash(bad[i].in, bad[i].len, hash), UPPP_ERR_UTF8);
    }
}

/* UTF-16LE back to UTF-8 (a Change-Password's new password): the edges of
 * each UTF-8 length, a pair, U+0000; unpaired surrogates refused; the room
 * counted exactly. */
static void test_utf16_to_utf8(void **state)
{
    (void)state;
    static const struct {
        const char *u16;
        const char *in;
        size_t len;
    } ok[] = {
        {"0000", S("\x00")},
        {"7f00", S("\x7f")},
        {"8000", S("\xc2\x80")},
        {"ff07", S("\xdf\xbf")},
        {"0008", S("\xe0\xa0\x80")},
        {"ffd7", S("\xed\x9f\xbf")},
        {"00e0", S("\xee\x80\x80")},
        {"ffff", S("\xef\xbf\xbf")},
        {"00d800dc", S("\xf0\x90\x80\x80")},
        {"ffdbffdf", S("\xf4\x8f\xbf\xbf")},
        {"61003dd800de6200", S("a\xf0\x9f\x98\x80"
                               "b")},
    };
    uint8_t u16[64], out[64];
    size_t n;
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        size_t units = tu_hex(ok[i].u16, u16, sizeof(u16)) / 2;
        n = 99;
        assert_int_equal(uppp_utf16le_to_utf8(u16, units, out, sizeof(out), &n), 0);
        assert_int_equal(n, ok[i].len);
        assert_memory_equal(out, ok[i].in, n);
        /* Exactly the room it needs, and one octet less. */
        assert_int_equal(uppp_utf16le_to_utf8(u16, units, out, ok[i].len, &n), 0);
        assert_int_equal(uppp_utf16le_to_utf8(u16, units, out, ok[i].len - 1, &n),
                         UPPP_ERR_PASSWORD_TOO_LONG);
        assert_int_equal(n, 0);
    }
    static const char *const bad[] = {
        "00d8",         /* high surrogate at the end */
        "00dc",         /* low surrogate alone */
        "6100ffdf",     /* low after an ordinary unit */
        "00d86100",     /* high followed by an ordinary unit */
        "00d800d800dc", /* high followed by a high */
        "00dc00d8",     /* a pair the wrong way round */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t units = tu_hex(bad[i], u16, sizeof(u16)) / 2;
        memset(out, 0x5a, sizeof(out));
        n = 99;
        assert_int_equal(uppp_utf16le_to_utf8(u16, units, out, sizeof(out), &n), UPPP_ERR_UTF8);
        assert_int_equal(n, 0);
        /* What was written before the error is wiped. */
        assert_int_equal(out[0], bad[i][0] == '6' ? 0 : 0x5a);
    }
    assert_int_equal(uppp_utf16le_to_utf8(NULL, 0, out, sizeof(out), &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(uppp_utf16le_to_utf8(NULL, 1, out, sizeof(out), &n), UPPP_ERR_INVALID);
}

static void test_password_length(void **state)
{
    (void)state;
    char pw[4 * 300];
    uint8_t hash[16], want[16], u16[600];
    memset(pw, 'x', sizeof(pw));
    memset(u16, 0, sizeof(u16));
    for (int i = 0; i < 300; i++)
        u16[2 * i] = 'x';
    assert_int_equal(uppp_nt_password_hash(pw, 256, hash), 0);
    assert_int_equal(uppp_md4(u16, 512, want), 0);
    assert_memory_equal(hash, want, 16);
    assert_int_equal(uppp_nt_password_hash(pw, 257, hash), UPPP_ERR_PASSWORD_TOO_LONG);
    assert_int_equal(uppp_nt_password_hash(pw, sizeof(pw), hash), UPPP_ERR_PASSWORD_TOO_LONG);

    /* 256 "€" (3 octets each, one unit each) fit; the limit is in units. */
    for (int i = 0; i < 257; i++)
        memcpy(pw + 3 * i, "\xe2\x82\xac", 3);
    assert_int_equal(uppp_nt_password_hash(pw, 3 * 256, hash), 0);
    assert_int_equal(uppp_nt_password_hash(pw, 3 * 257, hash), UPPP_ERR_PASSWORD_TOO_LONG);

    /* 128 non-BMP characters are 256 units; one ASCII more is too many, and
     * a surrogate pair does not fit in the last single unit. */
    for (int i = 0; i < 129; i++)
        memcpy(pw + 4 * i, "\xf0\x9f\x98\x80", 4);
    assert_int_equal(uppp_nt_password_hash(pw, 4 * 128, hash), 0);
    assert_int_equal(uppp_nt_password_hash(pw, 4 * 129, hash), UPPP_ERR_PASSWORD_TOO_LONG);
    memset(pw, 'x', 255);
    memcpy(pw + 255, "\xf0\x9f\x98\x80", 4);
    assert_int_equal(uppp_nt_password_hash(pw, 255 + 4, hash), UPPP_ERR_PASSWORD_TOO_LONG);
    assert_int_equal(uppp_nt_password_hash(pw, 254, hash), 0);

    /* The empty password: MD4 of nothing. */
    assert_int_equal(uppp_nt_password_hash(NULL, 0, hash), 0);
    tu_assert_hex(hash, 16, "31d6cfe0d16ae931b73c59d7e0c089c0");
}

/* RFC 2759 sections 4 and 8.2: the domain prefix is not hashed. */
static void test_domain_stripped(void **state)
{
    (void)state;
    struct v2_inputs in;
    v2_load(&in);
    uint8_t c1[8], c2[8], resp[24];
    static const char *const names[] = {"BIGCO\\User", "\\User", "A\\B\\User"};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(
            uppp_challenge_hash(in.peer_ch, in.auth_ch, names[i], strlen(names[i]), c1), 0);
        tu_assert_hex(c1, 8, V2_CHALLENGE);
    }
    assert_int_equal(
        uppp_generate_nt_response(in.auth_ch, in.peer_ch, S("BIGCO\\User"), S(V2_PASSWORD), resp),
        0);
    tu_assert_hex(resp, 24, V2_NT_RESPONSE);
    assert_int_equal(uppp_check_authenticator_response(S(V2_PASSWORD), in.nt_response, in.peer_ch,
                                                       in.auth_ch, S("BIGCO\\User"),
                                                       S(V2_AUTH_RESPONSE)),
                     0);
    /* A trailing backslash leaves the empty name; a slash is no separator. */
    assert_int_equal(uppp_challenge_hash(in.peer_ch, in.auth_ch, S("BIGCO\\"), c1), 0);
    assert_int_equal(uppp_challenge_hash(in.peer_ch, in.auth_ch, NULL, 0, c2), 0);
    assert_memory_equal(c1, c2, 8);
    assert_int_equal(uppp_challenge_hash(in.peer_ch, in.auth_ch, S("BIGCO/User"), c1), 0);
    assert_memory_not_equal(c1, c2, 8);
    tu_hex(V2_CHALLENGE, c2, 8);
    assert_memory_not_equal(c1, c2, 8);
    /* The user name is case-sensitive octets. */
    assert_int_equal(uppp_challenge_hash(in.peer_ch, in.auth_ch, S("user"), c1), 0);
    assert_memory_not_equal(c1, c2, 8);
}

static void test_check_authenticator_response(void **state)
{
    (void)state;
    struct v2_inputs in;
    v2_load(&in);
    char s[64];
#define CHECK(str, len)                                                                            \
    uppp_check_authenticator_response_pwhash(in.pw_hash, in.nt_response, in.peer_ch, in.auth_ch,   \
                                             S(V2_USER), (str), (len))
    assert_int_equal(CHECK(V2_AUTH_RESPONSE, 42), 0);
    /* Lowercase hex carries the same value. */
    strcpy(s, "S=407a5589115fd0d6209f510fe9c04566932cda56");
    assert_int_equal(CHECK(s, 42), 0);

    /* Every one-bit change of the 20-octet value is rejected. */
    uint8_t v[20];
    tu_hex(V2_AUTH_RESPONSE + 2, v, 20);
    for (int bit = 0; bit < 160; bit++) {
        v[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        s[0] = 'S';
        s[1] = '=';
        for (int i = 0; i < 20; i++)
            snprintf(s + 2 + 2 * i, 3, "%02X", v[i]);
        assert_int_equal(CHECK(s, 42), UPPP_ERR_AUTH);
        v[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    /* Wrong inputs on our side: another NT-Response or user. */
    in.nt_response[0] ^= 1;
    assert_int_equal(CHECK(V2_AUTH_RESPONSE, 42), UPPP_ERR_AUTH);
    in.nt_response[0] ^= 1;
    assert_int_equal(uppp_check_authenticator_response(S("clientpass"), in.nt_response, in.peer_ch,
                                                       in.auth_ch, S(V2_USER), S(V2_AUTH_RESPONSE)),
                     UPPP_ERR_AUTH);

    /* Malformed. */
    static const char *const malformed[] = {
        "",
        "S=",
        "S=407A5589115FD0D6209F510FE9C04566932CDA5",   /* 41 */
        "S=407A5589115FD0D6209F510FE9C04566932CDA566", /* 43 */
        "S=407A5589115FD0D6209F510FE9C04566932CDA56 M=hello",
        "s=407A5589115FD0D6209F510FE9C04566932CDA56",
        "S:407A5589115FD0D6209F510FE9C04566932CDA56",
        " S=407A5589115FD0D6209F510FE9C04566932CDA5",
        "S=407A5589115FD0D6209F510FE9C04566932CDA5G",
        "S=407A5589115FD0D6209F510FE9C04566932CDA5 ",
        "S= 07A5589115FD0D6209F510FE9C04566932CDA56",
        "S=0x7A5589115FD0D6209F510FE9C04566932CDA56",
        "S=407A5589115FD0D6209F510FE9C04566932CD-56",
    };
    for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++)
        assert_int_equal(CHECK(malformed[i], strlen(malformed[i])), UPPP_ERR_PARSE);
    /* An embedded NUL inside the 42 octets. */
    memcpy(s, V2_AUTH_RESPONSE, 42);
    s[20] = '\0';
    assert_int_equal(CHECK(s, 42), UPPP_ERR_PARSE);
    assert_int_equal(CHECK(NULL, 0), UPPP_ERR_PARSE);
    assert_int_equal(CHECK(NULL, 42), UPPP_ERR_PARSE);
#undef CHECK
}

/* Each password function and its NT-hash counterpart agree, for ASCII,
 * non-ASCII, empty and maximum-length passwords. */
static void test_pwhash_variants_agree(void **state)
{
    (void)state;
    char longest[256];
    memset(longest, 'Z', sizeof(longest));
    const struct {
        const char *pw;
        size_t len;
    } pws[] = {
        {S(V2_PASSWORD)}, {S("P\xc3\xa4ssw\xc3\xb6rd-\xe2\x82\xac")}, {"", 0}, {longest, 256}};
    struct v2_inputs in;
    v2_load(&in);
    uint8_t ch8[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    uint8_t random[512];
    for (int i = 0; i < 512; i++)
        random[i] = (uint8_t)(i * 7 + 3);

    for (size_t i = 0; i < sizeof(pws) / sizeof(pws[0]); i++) {
        const char *pw = pws[i].pw;
        size_t len = pws[i].len;
        uint8_t h[16], a[24], b[24];
        char sa[43], sb[43];
        assert_int_equal(uppp_nt_password_hash(pw, len, h), 0);

        assert_int_equal(uppp_generate_nt_response(in.auth_ch, in.peer_ch, S(V2_USER), pw, len, a),
                         0);
        assert_int_equal(uppp_generate_nt_response_pwhash(in.auth_ch, in.peer_ch, S(V2_USER), h, b),
                         0);
        assert_memory_equal(a, b, 24);
        assert_int_equal(uppp_check_nt_response(in.auth_ch, in.peer_ch, S(V2_USER), pw, len, a), 0);
        assert_int_equal(uppp_check_nt_response_pwhash(in.auth_ch, in.peer_ch, S(V2_USER), h, a),
                         0);
        a[5] ^= 0x40;
        assert_int_equal(uppp_check_nt_response_pwhash(in.auth_ch, in.peer_ch, S(V2_USER), h, a),
                         UPPP_ERR_AUTH);
        a[5] ^= 0x40;

        assert_int_equal(uppp_generate_authenticator_response(pw, len, a, in.peer_ch, in.auth_ch,
                                                              S(V2_USER), sa),
                         0);
        assert_int_equal(uppp_generate_authenticator_response_pwhash(h, a, in.peer_ch, in.auth_ch,
                                                                     S(V2_USER), sb),
                         0);
        assert_string_equal(sa, sb);
        assert_int_equal(strlen(sa), 42);
        assert_int_equal(uppp_check_authenticator_response(pw, len, a, in.peer_ch, in.auth_ch,
                                                           S(V2_USER), sa, 42),
                         0);

        assert_int_equal(uppp_nt_challenge_response(ch8, pw, len, a), 0);
        assert_int_equal(uppp_challenge_response(ch8, h, b), 0);
        assert_memory_equal(a, b, 24);

        uint8_t ea[16], eb[16];
        assert_int_equal(uppp_nt_encrypted_password_hash(pw, len, ch8, ea), 0);
        assert_int_equal(uppp_password_hash_encrypted_with_block(h, ch8, eb), 0);
        assert_memory_equal(ea, eb, 16);

        /* As old password, and as new password, of a change. */
        uint8_t hn[16];
        assert_int_equal(uppp_nt_password_hash(S("new"), hn), 0);
        assert_int_equal(
            uppp_old_nt_password_hash_encrypted_with_new_nt_password_hash(S("new"), pw, len, ea),
            0);
        assert_int_equal(uppp_nt_password_hash_encrypted_with_block(h, hn, eb), 0);
        assert_memory_equal(ea, eb, 16);
        assert_int_equal(
            uppp_old_nt_password_hash_encrypted_with_new_nt_password_hash(pw, len, S("old"), ea),
            0);
        assert_int_equal(uppp_nt_password_hash(S("old"), hn), 0);
        assert_int_equal(uppp_nt_password_hash_encrypted_with_block(hn, h, eb), 0);
        assert_memory_equal(ea, eb, 16);

        uint8_t ba[516], bb[516];
        assert_int_equal(
            uppp_new_password_encrypted_with_old_nt_password_hash(S("new"), pw, len, random, ba),
            0);
        assert_int_equal(uppp_encrypt_pw_block_with_password_hash(S("new"), h, random, bb), 0);
        assert_memory_equal(ba, bb, 516);
    }
}

/* RFC 2759 section 7 / 8.9-8.13: the Change-Password blocks. */
static void test_change_password_v2(void **state)
{
    (void)state;
    /* New password with a non-BMP character: 15 units, 30 octets. */
    static const char new_pw[] = "N\xc3\xabw-p\xc3\xa4ssw\xc3\xb6rd \xf0\x9f\x98\x80";
    uint8_t new_u16[64];
    size_t units;
    assert_int_equal(uppp_utf8_to_utf16le(S(new_pw), new_u16, 32, &units), 0);
    assert_int_equal(units, 15);
    uint8_t random[512];
    for (int i = 0; i < 512; i++)
        random[i] = (uint8_t)(0xa5 ^ i);

    uint8_t old_hash[16], block[516];
    assert_int_equal(uppp_nt_password_hash(S("clientPass"), old_hash), 0);
    assert_int_equal(uppp_new_password_encrypted_with_old_nt_password_hash(
                         S(new_pw), S("clientPass"), random, block),
                     0);

    /* Structure, decrypting by hand with RC4 under the old hash (8.10):
     * random fill, then the password right-aligned, then PasswordLength as
     * a little-endian 32-bit octet count. */
    uint8_t clear[516];
    struct uppp_rc4 *rc4;
    assert_int_equal(uppp_rc4_new(&rc4), 0);
    assert_int_equal(uppp_rc4_setkey(rc4, old_hash, 16), 0);
    assert_int_equal(uppp_rc4_crypt(rc4, block, clear, 516), 0);
    uppp_rc4_free(rc4);
    assert_memory_equal(clear, random, 512 - 30);
    assert_memory_equal(clear + 512 - 30, new_u16, 30);
    tu_assert_hex(clear + 512, 4, "1e000000");

    /* The library's inverse gives the new password back. */
    uint8_t got[512];
    size_t got_len = 0;
    assert_int_equal(uppp_decrypt_pw_block_with_password_hash(block, old_hash, got, &got_len), 0);
    assert_int_equal(got_len, 30);
    assert_memory_equal(got, new_u16, 30);
    uint8_t h1[16], h2[16];
    assert_int_equal(uppp_nt_password_hash_utf16le(got, got_len, h1), 0);
    assert_int_equal(uppp_nt_password_hash(S(new_pw), h2), 0);
    assert_memory_equal(h1, h2, 16);

    /* Under a wrong hash the length field is garbage (this one is
     * deterministic: 0x???????? with non-zero high octets). */
    uint8_t wrong[16];
    memcpy(wrong, old_hash, 16);
    wrong[0] ^= 1;
    assert_int_equal(uppp_decrypt_pw_block_with_password_hash(block, wrong, got, &got_len),
                     UPPP_ERR_PARSE);
    assert_int_equal(got_len, 0);

    /* The fill is the caller's randomness (the library has none of its own
     * and refuses NULL where fill is needed): fresh fill, different blocks,
     * the same password. */
    uint8_t block2[516], fill1[512], fill2[512];
    assert_int_equal(getrandom(fill1, sizeof(fill1), 0), (ssize_t)sizeof(fill1));
    assert_int_equal(getrandom(fill2, sizeof(fill2), 0), (ssize_t)sizeof(fill2));
    assert_int_equal(uppp_encrypt_pw_block_with_password_hash(S(new_pw), old_hash, NULL, block),
                     UPPP_ERR_INVALID);
    assert_int_equal(uppp_encrypt_pw_block_with_password_hash(S(new_pw), old_hash, fill1, block),
                     0);
    assert_int_equal(uppp_encrypt_pw_block_with_password_hash(S(new_pw), old_hash, fill2, block2),
                     0);
    assert_memory_not_equal(block, block2, 512 - 30);
    assert_memory_equal(block + 512 - 30, block2 + 512 - 30, 34);
    assert_int_equal(uppp_decrypt_pw_block_with_password_hash(block2, old_hash, got, &got_len), 0);
    assert_int_equal(got_len, 30);
    assert_memory_equal(got, new_u16, 30);

    /* Edge sizes: empty (all fill) and 256 units (no fill; random unused). */
    assert_int_equal(uppp_encrypt_pw_block_with_password_hash(NULL, 0, old_hash, random, block), 0);
    assert_int_equal(uppp_decrypt_pw_block_with_password_hash(block, old_hash, got, &got_len), 0);
    assert_int_equal(got_len, 0);
    char longest[256];
    memset(longest, 'q', sizeof(longest));
    assert_int_equal(uppp_encrypt_pw_block_with_password_hash(longest, 256, old_hash, NULL, block),
                     0);
    assert_int_equal(uppp_decrypt_pw_block_with_password_hash(block, old_hash, got, &got_len), 0);
    assert_int_equal(got_len, 512);
    assert_int_equal(got[0], 'q');
    assert_int_equal(got[511], 0);
    assert_int_equal(uppp_encrypt_pw_block_with_password_hash(longest, 256, old_hash, NULL, block),
                     0);
    assert_int_equal(uppp_encrypt_pw_block_with_password_hash("\xff", 1, old_hash, random, block),
                     UPPP_ERR_UTF8);

    /* Encrypted-Hash (8.12, 8.13): new "MyPw", old "clientPass". The DES keys
     * are the parity-corrected keys RFC 2759 section 9.3 prints for the
     * hash of "MyPw" (FD0B5B5E7F6E34D9, 0E6E796737EA08FE); the value was
     * computed with `openssl enc -des-ecb -K` under those keys. It checks
     * that the second key is octets 7..13 of the new hash. */
    uint8_t enc[16];
    assert_int_equal(uppp_old_nt_password_hash_encrypted_with_new_nt_password_hash(
                         S("MyPw"), S("clientPass"), enc),
                     0);
    tu_assert_hex(enc, 16, "6f69bbe9311fd36714e380e62855261d");
}

/* Tampered PWBLOCKs: PasswordLength odd, too big, high octets set. */
static void test_pw_block_bad_length(void **state)
{
    (void)state;
    uint8_t hash[16] = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6};
    static const char *const lens[] = {"01000000", "02020000", "00000100", "00000001", "ffffffff"};
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        uint8_t clear[516] = {0}, block[516], out[512];
        size_t n = 7;
        tu_hex(lens[i], clear + 512, 4);
        struct uppp_rc4 *rc4;
        assert_int_equal(uppp_rc4_new(&rc4), 0);
        assert_int_equal(uppp_rc4_setkey(rc4, hash, 16), 0);
        assert_int_equal(uppp_rc4_crypt(rc4, clear, block, 516), 0);
        uppp_rc4_free(rc4);
        assert_int_equal(uppp_decrypt_pw_block_with_password_hash(block, hash, out, &n),
                         UPPP_ERR_PARSE);
        assert_int_equal(n, 0);
    }
}

/* RFC 2433 sections 9 and 10, A.8-A.10, A.15, A.16. Known answers computed
 * with `openssl enc -des-ecb` under parity keys built by hand. */
static void test_change_password_v1(void **state)
{
    (void)state;
    uint8_t ch[8], out[16], lm[16], nt[16], a[516], b[516];
    tu_hex("102DB5DF085D3041", ch, 8);
    /* Both halves of the hash under the first 7 octets of the challenge. */
    assert_int_equal(uppp_nt_encrypted_password_hash(S("MyPw"), ch, out), 0);
    tu_assert_hex(out, 16, "9e0521f3f7eaee3955f61e38be9a8ef3");
    assert_int_equal(uppp_lm_encrypted_password_hash(S("clientPass"), ch, out), 0);
    tu_assert_hex(out, 16, "802f4ae88b461fa1fb08d2106ac9b554");
    /* The eighth octet of the block is not used. */
    ch[7] ^= 0xff;
    assert_int_equal(uppp_lm_encrypted_password_hash(S("clientPass"), ch, out), 0);
    tu_assert_hex(out, 16, "802f4ae88b461fa1fb08d2106ac9b554");

    /* A.15, A.16 are the NT steps with the old LM hash. */
    uint8_t random[512] = {0};
    assert_int_equal(uppp_lm_password_hash(S("clientPass"), lm), 0);
    assert_int_equal(uppp_nt_password_hash(S("MyPw"), nt), 0);
    assert_int_equal(uppp_new_password_encrypted_with_old_lm_password_hash(
                         S("MyPw"), S("clientPass"), random, a),
                     0);
    assert_int_equal(uppp_encrypt_pw_block_with_password_hash(S("MyPw"), lm, random, b), 0);
    assert_memory_equal(a, b, 516);
    uint8_t got[512];
    size_t n;
    assert_int_equal(uppp_decrypt_pw_block_with_password_hash(a, lm, got, &n), 0);
    tu_assert_hex(got, n, "4D00790050007700");
    assert_int_equal(uppp_old_lm_password_hash_encrypted_with_new_nt_password_hash(
                         S("MyPw"), S("clientPass"), out),
                     0);
    uint8_t want[16];
    assert_int_equal(uppp_nt_password_hash_encrypted_with_block(lm, nt, want), 0);
    assert_memory_equal(out, want, 16);
    assert_int_equal(uppp_old_lm_password_hash_encrypted_with_new_nt_password_hash(
                         S("MyPw"), S("\xc3\xa9t\xc3\xa9"), out),
                     UPPP_ERR_LM_PASSWORD);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    uint8_t b16[16] = {0}, b24[24] = {0}, b8[8] = {0}, blk[516];
    char s[43];
    size_t n;
    assert_int_equal(uppp_nt_password_hash(NULL, 1, b16), UPPP_ERR_INVALID);
    assert_int_equal(uppp_nt_password_hash("x", 1, NULL), UPPP_ERR_INVALID);
    assert_int_equal(uppp_nt_password_hash_utf16le(b24, 3, b16), UPPP_ERR_INVALID);
    uint8_t big[514] = {0};
    assert_int_equal(uppp_nt_password_hash_utf16le(big, 514, b16), UPPP_ERR_INVALID);
    assert_int_equal(uppp_lm_password_hash(NULL, 2, b16), UPPP_ERR_INVALID);
    assert_int_equal(uppp_challenge_hash(b16, b16, NULL, 3, b8), UPPP_ERR_INVALID);
    assert_int_equal(uppp_challenge_hash(NULL, b16, "a", 1, b8), UPPP_ERR_INVALID);
    assert_int_equal(uppp_challenge_response(b8, NULL, b24), UPPP_ERR_INVALID);
    assert_int_equal(uppp_check_challenge_response(b8, b16, NULL), UPPP_ERR_INVALID);
    assert_int_equal(uppp_generate_authenticator_response_pwhash(b16, b24, b16, b16, "u", 1, NULL),
                     UPPP_ERR_INVALID);
    assert_int_equal(uppp_generate_authenticator_response_pwhash(NULL, b24, b16, b16, "u", 1, s),
                     UPPP_ERR_INVALID);
    assert_int_equal(uppp_encrypt_pw_block_with_password_hash("x", 1, NULL, NULL, blk),
                     UPPP_ERR_INVALID);
    assert_int_equal(uppp_decrypt_pw_block_with_password_hash(blk, b16, big, NULL),
                     UPPP_ERR_INVALID);
    assert_int_equal(uppp_nt_password_hash_encrypted_with_block(b16, NULL, b16), UPPP_ERR_INVALID);
    assert_int_equal(uppp_password_hash_encrypted_with_block(NULL, b8, b16), UPPP_ERR_INVALID);
    assert_int_equal(uppp_utf8_to_utf16le("x", 1, blk, 1, NULL), UPPP_ERR_INVALID);
    assert_int_equal(uppp_utf8_to_utf16le(NULL, 1, blk, 1, &n), UPPP_ERR_INVALID);
    assert_int_equal(uppp_utf8_to_utf16le("x", 1, blk, 0, &n), UPPP_ERR_PASSWORD_TOO_LONG);
    assert_int_equal(uppp_utf8_to_utf16le(NULL, 0, NULL, 0, &n), 0);
    assert_int_equal(n, 0);
    assert_string_not_equal(uppp_strerror(UPPP_ERR_LM_PASSWORD), "unknown error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc2759_hash_example),
        cmocka_unit_test(test_rfc2433_hash_example),
        cmocka_unit_test(test_lm_known_answers),
        cmocka_unit_test(test_lm_password_rules),
        cmocka_unit_test(test_pppd_captures),
        cmocka_unit_test(test_utf8_password),
        cmocka_unit_test(test_utf8_surrogate_pair),
        cmocka_unit_test(test_utf8_invalid),
        cmocka_unit_test(test_utf16_to_utf8),
        cmocka_unit_test(test_password_length),
        cmocka_unit_test(test_domain_stripped),
        cmocka_unit_test(test_check_authenticator_response),
        cmocka_unit_test(test_pwhash_variants_agree),
        cmocka_unit_test(test_change_password_v2),
        cmocka_unit_test(test_pw_block_bad_length),
        cmocka_unit_test(test_change_password_v1),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
