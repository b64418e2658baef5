/* The MPPE/MPPC header (RFC 3078 section 3.1, RFC 2118 section 3.1) that
 * both CCP methods share (uppp/mppe_wire.h): a table of (flags, count,
 * octets) rows, read and written both ways, as WireGuard tests its
 * replay counter. */
#include "testutil.h"

#include <uppp/mppe_wire.h>

static void test_header_table(void **state)
{
    (void)state;
    static const struct {
        unsigned flags, count;
        uint8_t b0, b1;
    } rows[] = {
        {0, 0, 0x00, 0x00},
        {UPPP_MPPE_BIT_D, 1, 0x10, 0x01},
        {UPPP_MPPE_BIT_A | UPPP_MPPE_BIT_D, 0x0ff, 0x90, 0xff}, /* a stateful flag packet */
        {UPPP_MPPE_BIT_A | UPPP_MPPE_BIT_D, 0xfff, 0x9f, 0xff}, /* the last count */
        {UPPP_MPPE_BIT_B | UPPP_MPPE_BIT_C, 0x123, 0x61, 0x23}, /* MPPC's bits */
        {UPPP_MPPE_BITS_MASK, 0xabc, 0xfa, 0xbc},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        uint8_t h[UPPP_MPPE_HDR_LEN];
        uppp_ccp_hdr_put(h, rows[i].flags, rows[i].count);
        assert_int_equal(h[0], rows[i].b0);
        assert_int_equal(h[1], rows[i].b1);
        assert_int_equal(uppp_ccp_hdr_flags(h), rows[i].flags);
        assert_int_equal(uppp_ccp_hdr_count(h), rows[i].count);
    }
    /* The count wraps at 4096 (section 3.1); bits outside A..D are not
     * flags and never leak into the count. */
    uint8_t h[UPPP_MPPE_HDR_LEN];
    uppp_ccp_hdr_put(h, UPPP_MPPE_BIT_D | 0x0f, 4096 + 5);
    assert_int_equal(h[0], 0x10);
    assert_int_equal(h[1], 0x05);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
