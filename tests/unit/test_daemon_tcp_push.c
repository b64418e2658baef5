/* daemon/tcp_push.c: PSH cleared on TCP segments bound for a TUN, the
 * checksum updated by RFC 1624, so uppp_gro joins segments across PSH.
 * The packets are known answers: each pair built by an independent script
 * (Python, RFC 1071 sums over the whole packet) with PSH set and clear;
 * the function's incremental update must give the second byte for byte. */
#include "testutil.h"

#include "tcp_push.h"

#include <uppp/tcp_offload.h>

#include <string.h>

/* 192.0.2.2:40000 -> 192.0.2.1:5001, seq 1000, 8 octets, PSH|ACK / ACK. */
static const uint8_t v4_psh[] = {
    0x45, 0x00, 0x00, 0x30, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0xa4, 0x90, 0xc0, 0x00, 0x02, 0x02,
    0xc0, 0x00, 0x02, 0x01, 0x9c, 0x40, 0x13, 0x89, 0x00, 0x00, 0x03, 0xe8, 0x0a, 0x0b, 0x0c, 0x0d,
    0x50, 0x18, 0x01, 0xf5, 0x4f, 0xee, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
};

static const uint8_t v4_nopsh[] = {
    0x45, 0x00, 0x00, 0x30, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0xa4, 0x90, 0xc0, 0x00, 0x02, 0x02,
    0xc0, 0x00, 0x02, 0x01, 0x9c, 0x40, 0x13, 0x89, 0x00, 0x00, 0x03, 0xe8, 0x0a, 0x0b, 0x0c, 0x0d,
    0x50, 0x10, 0x01, 0xf5, 0x4f, 0xf6, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
};

/* The next segment: seq 1008, ACK. */
static const uint8_t v4_next[] = {
    0x45, 0x00, 0x00, 0x30, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0xa4, 0x90, 0xc0, 0x00, 0x02, 0x02,
    0xc0, 0x00, 0x02, 0x01, 0x9c, 0x40, 0x13, 0x89, 0x00, 0x00, 0x03, 0xf0, 0x0a, 0x0b, 0x0c, 0x0d,
    0x50, 0x10, 0x01, 0xf5, 0x2f, 0xce, 0x00, 0x00, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
};

/* 2001::2 -> 2001::1, the same segment. */
static const uint8_t v6_psh[] = {
    0x60, 0x00, 0x00, 0x00, 0x00, 0x1c, 0x06, 0x40, 0x20, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x20, 0x01, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x9c, 0x40,
    0x13, 0x89, 0x00, 0x00, 0x03, 0xe8, 0x0a, 0x0b, 0x0c, 0x0d, 0x50, 0x18, 0x01, 0xf5,
    0x93, 0xed, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
};

static const uint8_t v6_nopsh[] = {
    0x60, 0x00, 0x00, 0x00, 0x00, 0x1c, 0x06, 0x40, 0x20, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x20, 0x01, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x9c, 0x40,
    0x13, 0x89, 0x00, 0x00, 0x03, 0xe8, 0x0a, 0x0b, 0x0c, 0x0d, 0x50, 0x10, 0x01, 0xf5,
    0x93, 0xf5, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
};

static void test_clear_psh_known_answers(void **state)
{
    (void)state;
    uint8_t out[128];
    memset(out, 0xee, sizeof(out));
    assert_int_equal(upppd_tcp_copy_without_psh(v4_psh, sizeof(v4_psh), out, sizeof(out)), 1);
    assert_memory_equal(out, v4_nopsh, sizeof(v4_nopsh));
    assert_int_equal(out[sizeof(v4_nopsh)], 0xee); /* nothing written past it */
    assert_int_equal(upppd_tcp_copy_without_psh(v6_psh, sizeof(v6_psh), out, sizeof(out)), 1);
    assert_memory_equal(out, v6_nopsh, sizeof(v6_nopsh));
}

static void test_clear_psh_leaves_alone(void **state)
{
    (void)state;
    uint8_t out[128], p[128];
    /* No PSH; no room; truncated before the flags; NULL. */
    assert_int_equal(upppd_tcp_copy_without_psh(v4_nopsh, sizeof(v4_nopsh), out, sizeof(out)), 0);
    assert_int_equal(upppd_tcp_copy_without_psh(v4_psh, sizeof(v4_psh), out, sizeof(v4_psh) - 1),
                     0);
    assert_int_equal(upppd_tcp_copy_without_psh(v4_psh, 20 + 13, out, sizeof(out)), 0);
    assert_int_equal(upppd_tcp_copy_without_psh(v4_psh, 0, out, sizeof(out)), 0);
    assert_int_equal(upppd_tcp_copy_without_psh(NULL, 40, out, sizeof(out)), 0);
    assert_int_equal(upppd_tcp_copy_without_psh(v4_psh, sizeof(v4_psh), NULL, 100), 0);
    /* UDP, a later fragment, a first fragment (MF), IPv6 UDP, version 5. */
    static const struct {
        size_t at;
        uint8_t v;
    } edits[] = {{9, 17}, {7, 0x10}, {6, 0x60}, {6 + 1000, 17}, {0, 0x55}};
    for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
        const uint8_t *src = edits[i].at >= 1000 ? v6_psh : v4_psh;
        size_t len = edits[i].at >= 1000 ? sizeof(v6_psh) : sizeof(v4_psh);
        memcpy(p, src, len);
        p[edits[i].at % 1000] = edits[i].v;
        assert_int_equal(upppd_tcp_copy_without_psh(p, len, out, sizeof(out)), 0);
    }
}

/* What it is for: uppp_gro ends a packet at PSH (FLUSH for the next
 * segment); with PSH cleared first, the next segment joins. A corrupt
 * segment stays corrupt through the update: the coalescer still refuses
 * it (PASS). */
static void test_clear_psh_lets_gro_join(void **state)
{
    (void)state;
    static uint8_t gbuf[UPPP_GRO_BUF];
    uint8_t seg[128];
    struct uppp_gro g;
    uppp_gro_init(&g, gbuf);
    assert_int_equal(uppp_gro_add(&g, v4_psh, sizeof(v4_psh)), UPPP_GRO_HELD);
    assert_int_equal(uppp_gro_add(&g, v4_next, sizeof(v4_next)), UPPP_GRO_FLUSH);
    uppp_gro_take(&g);

    assert_int_equal(upppd_tcp_copy_without_psh(v4_psh, sizeof(v4_psh), seg, sizeof(seg)), 1);
    assert_int_equal(uppp_gro_add(&g, seg, sizeof(v4_psh)), UPPP_GRO_HELD);
    assert_int_equal(uppp_gro_add(&g, v4_next, sizeof(v4_next)), UPPP_GRO_HELD);
    assert_int_equal(uppp_gro_take(&g), UPPP_VNET_HDR_LEN + 20 + 20 + 16);
    assert_memory_equal(gbuf + UPPP_VNET_HDR_LEN + 40, v4_psh + 40, 8);
    assert_memory_equal(gbuf + UPPP_VNET_HDR_LEN + 48, v4_next + 40, 8);

    uint8_t bad[sizeof(v4_psh)];
    memcpy(bad, v4_psh, sizeof(bad));
    bad[44] ^= 0x40;
    assert_int_equal(upppd_tcp_copy_without_psh(bad, sizeof(bad), seg, sizeof(seg)), 1);
    assert_int_equal(uppp_gro_add(&g, seg, sizeof(bad)), UPPP_GRO_PASS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clear_psh_known_answers),
        cmocka_unit_test(test_clear_psh_leaves_alone),
        cmocka_unit_test(test_clear_psh_lets_gro_join),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
