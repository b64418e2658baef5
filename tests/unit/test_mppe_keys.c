/* Known answers for RFC 3079 key derivation (sections 2.5 and 3.5). */
#include "testutil.h"

#include <uppp/mppe_keys.h>
#include <uppp/err.h>

#include "crypto.h"

#define PW_HASH_HASH "41C00C584BD2D91C4017A2A12FA59F3F"
#define NT_RESPONSE "82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF"

static void rc4_test_message(const uint8_t *key, size_t keylen, const char *want)
{
    struct uppp_rc4 *rc4;
    assert_int_equal(uppp_rc4_new(&rc4), 0);
    assert_int_equal(uppp_rc4_setkey(rc4, key, keylen), 0);
    uint8_t out[12];
    assert_int_equal(uppp_rc4_crypt(rc4, (const uint8_t *)"test message", out, 12), 0);
    uppp_rc4_free(rc4);
    tu_assert_hex(out, 12, want);
}

/* RFC 3079 section 3.5: master key and server send keys. */
static void test_v2_master_and_send_keys(void **state)
{
    (void)state;
    uint8_t hh[16], ntr[24], master[16], start[16], key[16];
    tu_hex(PW_HASH_HASH, hh, sizeof(hh));
    tu_hex(NT_RESPONSE, ntr, sizeof(ntr));
    assert_int_equal(uppp_get_master_key(hh, ntr, master), 0);
    tu_assert_hex(master, 16, "FDECE3717A8C838CB388E527AE3CDD31");

    assert_int_equal(uppp_get_asymmetric_start_key(master, start, 16, 1, 1), 0);
    tu_assert_hex(start, 16, "8B7CDC149B993A1BA118CB153F56DCCB");
    assert_int_equal(uppp_get_asymmetric_start_key(master, start, 8, 1, 1), 0);
    tu_assert_hex(start, 8, "8B7CDC149B993A1B");

    uint8_t send[16], recv[16];
    assert_int_equal(uppp_mppe_v2_start_keys(hh, ntr, 1, send, recv), 0);
    tu_assert_hex(send, 16, "8B7CDC149B993A1BA118CB153F56DCCB");

    assert_int_equal(uppp_mppe_initial_session_key(send, 40, key), 0);
    tu_assert_hex(key, 8, "D1269EC49FA62E3E");
    rc4_test_message(key, 8, "929137917E5803D668D75898");

    /* The RFC prints the last ciphertext byte as 58; recomputation gives B8. */
    assert_int_equal(uppp_mppe_initial_session_key(send, 56, key), 0);
    tu_assert_hex(key, 8, "D15C00C49FA62E3E");
    rc4_test_message(key, 8, "3F106833FA448DA842BC57B8");

    assert_int_equal(uppp_mppe_initial_session_key(send, 128, key), 0);
    tu_assert_hex(key, 16, "405CB2247A7956E6E211007AE27B22D4");
    rc4_test_message(key, 16, "81848317DF68846272FB5ABE");
}

/* The server's send key is the client's receive key and vice versa. */
static void test_v2_directions_mirror(void **state)
{
    (void)state;
    uint8_t hh[16], ntr[24], ss[16], sr[16], cs[16], cr[16];
    tu_hex(PW_HASH_HASH, hh, sizeof(hh));
    tu_hex(NT_RESPONSE, ntr, sizeof(ntr));
    assert_int_equal(uppp_mppe_v2_start_keys(hh, ntr, 1, ss, sr), 0);
    assert_int_equal(uppp_mppe_v2_start_keys(hh, ntr, 0, cs, cr), 0);
    assert_memory_equal(ss, cr, 16);
    assert_memory_equal(sr, cs, 16);
    assert_memory_not_equal(ss, sr, 16);
}

/* RFC 3079 section 2.5.3. The RFC's step 3 prints "ac ca" where step 4 and
 * recomputation give "ac c1". */
static void test_v1_128(void **state)
{
    (void)state;
    uint8_t hh[16], ch[8], start[16], key[16];
    tu_hex(PW_HASH_HASH, hh, sizeof(hh));
    tu_hex("102db5df085d3041", ch, sizeof(ch));
    assert_int_equal(uppp_mppe_v1_nt_start_key(ch, hh, start), 0);
    tu_assert_hex(start, 16, "a8947850cfc0acc1d1789fb62ddcddb0");
    assert_int_equal(uppp_mppe_initial_session_key(start, 128, key), 0);
    tu_assert_hex(key, 16, "59d159bc09f76f1da2a86a28ffec0b1e");
}

/* RFC 3079 sections 2.5.1 and 2.5.2, from the given LmPasswordHash. */
static void test_v1_lm_40_56(void **state)
{
    (void)state;
    uint8_t lm[16], start[16], key[16];
    tu_hex("76a152936096d7830e2390227404afd2", lm, sizeof(lm));
    assert_int_equal(uppp_mppe_v1_lm_start_key(lm, start), 0);
    assert_int_equal(uppp_get_new_key_from_sha(start, start, 8, key), 0);
    tu_assert_hex(key, 8, "d80801538cec4a08");
    assert_int_equal(uppp_mppe_initial_session_key(start, 40, key), 0);
    tu_assert_hex(key, 8, "d1269e538cec4a08");
    assert_int_equal(uppp_mppe_initial_session_key(start, 56, key), 0);
    tu_assert_hex(key, 8, "d10801538cec4a08");
}

static void test_bad_strength(void **state)
{
    (void)state;
    uint8_t k[16] = {0};
    assert_int_equal(uppp_mppe_key_len(64), UPPP_ERR_INVALID);
    assert_int_equal(uppp_mppe_reduce_key(k, 0), UPPP_ERR_INVALID);
    assert_int_equal(uppp_mppe_initial_session_key(k, 41, k), UPPP_ERR_INVALID);
    assert_int_equal(uppp_get_asymmetric_start_key(k, k, 12, 1, 1), UPPP_ERR_INVALID);
    assert_int_equal(uppp_get_new_key_from_sha(k, k, 0, k), UPPP_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v2_master_and_send_keys),
        cmocka_unit_test(test_v2_directions_mirror),
        cmocka_unit_test(test_v1_128),
        cmocka_unit_test(test_v1_lm_40_56),
        cmocka_unit_test(test_bad_strength),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
