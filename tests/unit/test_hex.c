/*
 * The one hex decoder (include/uppp/hex.h): what it accepts (both cases,
 * mixed), what it refuses (odd length, a bad digit anywhere, separators,
 * a prefix, more octets than the buffer holds), that it writes nothing
 * past len / 2 and leaves nothing decoded behind after an error, and a
 * known answer from RFC 2759 section 9.2.
 */
#include "testutil.h"

#include <uppp/err.h>
#include <uppp/hex.h>
#include <uppp/mschap.h>

static void test_digit(void **state)
{
    (void)state;
    /* Every octet value and EOF: only the 22 digit characters have one. */
    int digits = 0;
    for (int c = -1; c < 256; c++) {
        int v = uppp_hex_digit(c);
        if (c >= '0' && c <= '9')
            assert_int_equal(v, c - '0');
        else if (c >= 'a' && c <= 'f')
            assert_int_equal(v, c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            assert_int_equal(v, c - 'A' + 10);
        else
            assert_int_equal(v, -1);
        digits += v >= 0;
    }
    assert_int_equal(digits, 22);
    /* A char with the top bit set arrives negative where char is signed. */
    assert_int_equal(uppp_hex_digit((char)0xe6), -1);
}

static void test_decode_table(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int rc;          /* octets or UPPP_ERR_* */
        const char *out; /* rc octets, as C escapes */
    } rows[] = {
        {"", 0, ""},
        {"00", 1, "\x00"},
        {"ff", 1, "\xff"},
        {"FF", 1, "\xff"},
        {"0123456789abcdef", 8, "\x01\x23\x45\x67\x89\xab\xcd\xef"},
        {"0123456789ABCDEF", 8, "\x01\x23\x45\x67\x89\xab\xcd\xef"},
        {"aBcD", 2, "\xab\xcd"},
        /* odd length: a trailing nibble is an error, not an octet */
        {"0", UPPP_ERR_PARSE, ""},
        {"abc", UPPP_ERR_PARSE, ""},
        /* bad digits, first and last position */
        {"g0", UPPP_ERR_PARSE, ""},
        {"0g", UPPP_ERR_PARSE, ""},
        {"00112233445566778899aabbccddeefG", UPPP_ERR_PARSE, ""},
        /* no separators, prefix, white space or sign */
        {"00 11", UPPP_ERR_PARSE, ""},
        {"00:11", UPPP_ERR_PARSE, ""},
        {"0x11", UPPP_ERR_PARSE, ""},
        {" 011", UPPP_ERR_PARSE, ""},
        {"0011\n", UPPP_ERR_PARSE, ""},
        {"-1", UPPP_ERR_PARSE, ""},
        {"\xe6\x97", UPPP_ERR_PARSE, ""},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        uint8_t out[16];
        memset(out, 0x5a, sizeof(out));
        int rc = uppp_hex_decode(out, sizeof(out), rows[i].in, strlen(rows[i].in));
        if (rc != rows[i].rc)
            fail_msg("row %zu \"%s\": %d, want %d", i, rows[i].in, rc, rows[i].rc);
        if (rc > 0)
            assert_memory_equal(out, rows[i].out, (size_t)rc);
        /* Nothing past the decoded octets is touched. */
        for (size_t k = rc > 0 ? (size_t)rc : 0; k < sizeof(out); k++)
            if (out[k] != 0x5a && !(rc < 0 && out[k] == 0))
                fail_msg("row %zu: octet %zu written", i, k);
    }
}

static void test_len_not_nul(void **state)
{
    (void)state;
    uint8_t out[4];
    /* len counts; what follows is not read... */
    assert_int_equal(uppp_hex_decode(out, sizeof(out), "abcdZZ", 4), 2);
    assert_int_equal(out[0], 0xab);
    assert_int_equal(out[1], 0xcd);
    /* ...and a NUL within len is a bad digit, not an end. */
    assert_int_equal(uppp_hex_decode(out, sizeof(out), "ab\0d", 4), UPPP_ERR_PARSE);
}

static void test_cap(void **state)
{
    (void)state;
    uint8_t out[4] = {0x5a, 0x5a, 0x5a, 0x5a};
    /* Exactly cap octets fit. */
    assert_int_equal(uppp_hex_decode(out, 3, "a1b2c3", 6), 3);
    assert_int_equal(out[3], 0x5a);
    /* One more does not, and nothing is written. */
    memset(out, 0x5a, sizeof(out));
    assert_int_equal(uppp_hex_decode(out, 3, "a1b2c3d4", 8), UPPP_ERR_NOBUF);
    for (size_t k = 0; k < sizeof(out); k++)
        assert_int_equal(out[k], 0x5a);
    /* cap 0 takes only the empty text; out may then be NULL. */
    assert_int_equal(uppp_hex_decode(NULL, 0, "", 0), 0);
    assert_int_equal(uppp_hex_decode(NULL, 0, NULL, 0), 0);
    assert_int_equal(uppp_hex_decode(NULL, 0, "00", 2), UPPP_ERR_NOBUF);
    /* A length check comes before the buffer's: odd is malformed. */
    assert_int_equal(uppp_hex_decode(out, 1, "abcde", 5), UPPP_ERR_PARSE);
}

static void test_invalid(void **state)
{
    (void)state;
    uint8_t out[4];
    assert_int_equal(uppp_hex_decode(out, sizeof(out), NULL, 2), UPPP_ERR_INVALID);
    assert_int_equal(uppp_hex_decode(NULL, 4, "00", 2), UPPP_ERR_INVALID);
}

static void test_wipe_on_error(void **state)
{
    (void)state;
    /* The text may be a key: a bad digit late in it leaves none of the
     * octets decoded before it in out. */
    uint8_t out[16];
    memset(out, 0x5a, sizeof(out));
    const char *h = "8846f7eaee8fb117ad06bdd830b758zz";
    assert_int_equal(uppp_hex_decode(out, sizeof(out), h, strlen(h)), UPPP_ERR_PARSE);
    for (size_t k = 0; k < 15; k++)
        assert_int_equal(out[k], 0);
    assert_int_equal(out[15], 0x5a);
}

/* RFC 2759 section 9.2: the NT hash of "clientPass", printed there as hex,
 * is what the library computes from the password. */
static void test_rfc2759_known_answer(void **state)
{
    (void)state;
    static const char rfc_hash[] = "44EBBA8D5312B8D611474411F56989AE";
    uint8_t from_hex[16], computed[16];
    assert_int_equal(uppp_hex_decode(from_hex, sizeof(from_hex), rfc_hash, strlen(rfc_hash)), 16);
    assert_int_equal(uppp_nt_password_hash("clientPass", 10, computed), 0);
    assert_memory_equal(from_hex, computed, 16);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_digit),
        cmocka_unit_test(test_decode_table),
        cmocka_unit_test(test_len_not_nul),
        cmocka_unit_test(test_cap),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_wipe_on_error),
        cmocka_unit_test(test_rfc2759_known_answer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
