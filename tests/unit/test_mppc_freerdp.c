/*
 * MPPC against an independent codec: FreeRDP's (libfreerdp2, RDP4 mode, the
 * 8 KiB history of RFC 2118). Its packet flags are RFC 2118's A/B/C bits
 * with the same values (PACKET_FLUSHED 0x80, PACKET_AT_FRONT 0x40,
 * PACKET_COMPRESSED 0x20). Our packets decompress with FreeRDP, FreeRDP's
 * with ours, over a long stream of packets that wraps the history many
 * times; and we decode FreeRDP's own published vector (test_mppc.c) the
 * same way FreeRDP does here.
 *
 * Built only where FreeRDP's headers are (scripts/setup.sh installs
 * freerdp2-dev).
 */
#include "testutil.h"

#include <uppp/err.h>
#include <uppp/mppc.h>

#include "../../bench/mppc_corpus.h"

#include <freerdp/codec/mppc.h>

#include <stdlib.h>

#define NPKTS 100000

/* The i-th packet of the shared stream: text, HTML, IP/TCP, random, runs. */
static size_t make_packet(uint8_t *pkt, unsigned i, uint64_t *s)
{
    unsigned kind = (unsigned)(mc_next(s) % 6);
    size_t len = 1 + mc_next(s) % 1500;
    if (kind == 0) {
        for (size_t k = 0; k < len; k++)
            pkt[k] = (uint8_t)mc_next(s);
    } else if (kind == 1) {
        for (size_t k = 0; k < len; k++)
            pkt[k] = (uint8_t)(0x41 + mc_next(s) % 3);
    } else if (kind == 2) {
        mc_text(pkt, len, s);
    } else if (kind == 3) {
        mc_html(pkt, len, s);
    } else {
        if (len < 40)
            len = 40;
        mc_ip_packet(pkt, len, i * 1000u, (uint16_t)(4000 + i % 3), kind & 1, s);
    }
    return len;
}

static void test_ours_into_freerdp(void **state)
{
    (void)state;
    struct uppp_mppc_comp *c;
    assert_int_equal(uppp_mppc_comp_new(&c), 0);
    MPPC_CONTEXT *fd = mppc_context_new(0, FALSE);
    assert_non_null(fd);
    uint64_t s = 99;
    static uint8_t pkt[UPPP_MPPC_HIST], out[UPPP_MPPC_HIST + 8];
    uint64_t in_total = 0, out_total = 0;
    for (unsigned i = 0; i < NPKTS; i++) {
        size_t len = make_packet(pkt, i, &s);
        if (i % 5000 == 4999)
            uppp_mppc_comp_flush(c);
        unsigned fl;
        int n = uppp_mppc_compress(c, pkt, len, out, sizeof(out) - 8, &fl);
        assert_true(n > 0);
        memset(out + n, 0, 8);
        BYTE *res = NULL;
        UINT32 rlen = 0;
        int rc = mppc_decompress(fd, out, (UINT32)n, &res, &rlen, fl);
        if (rc < 0 || rlen != len || memcmp(res, pkt, len) != 0)
            fail_msg("packet %u (len %zu, flags 0x%x): FreeRDP says %d, %u octets", i, len, fl, rc,
                     rlen);
        in_total += len;
        out_total += (size_t)n;
    }
    print_message("upppd -> FreeRDP: %llu -> %llu octets\n", (unsigned long long)in_total,
                  (unsigned long long)out_total);
    mppc_context_free(fd);
    uppp_mppc_comp_del(c);
}

static void test_freerdp_into_ours(void **state)
{
    (void)state;
    struct uppp_mppc_decomp *d;
    assert_int_equal(uppp_mppc_decomp_new(&d), 0);
    MPPC_CONTEXT *fc = mppc_context_new(0, TRUE);
    assert_non_null(fc);
    uint64_t s = 1234;
    static uint8_t pkt[UPPP_MPPC_HIST], buf[UPPP_MPPC_HIST + 8];
    unsigned wrapped = 0;
    for (unsigned i = 0; i < NPKTS; i++) {
        size_t len = make_packet(pkt, i, &s);
        BYTE *res = buf;
        UINT32 rlen = sizeof(buf);
        UINT32 fl = 0;
        assert_true(mppc_compress(fc, pkt, (UINT32)len, &res, &rlen, &fl) >= 0);
        if (fl & PACKET_AT_FRONT)
            wrapped++;
        const uint8_t *p;
        size_t pl;
        int rc = uppp_mppc_decompress(d, fl & 0xe0, res, rlen, UPPP_MPPC_HIST, &p, &pl);
        if (rc != 0 || pl != len || memcmp(p, pkt, len) != 0)
            fail_msg("packet %u (len %zu, flags 0x%x): we say %d, %zu octets", i, len, fl, rc, pl);
    }
    /* The stream went round the history many times. */
    assert_true(wrapped > 1000);
    mppc_context_free(fc);
    uppp_mppc_decomp_del(d);
}

/* FreeRDP compresses the bells string to its published vector, and our
 * decompressor (test_mppc.c) reads that vector: check the first half here
 * so the vector is known to be FreeRDP's own output. */
static void test_freerdp_bells(void **state)
{
    (void)state;
    static const char bells[] = "for.whom.the.bell.tolls,.the.bell.tolls.for.thee!";
    MPPC_CONTEXT *fc = mppc_context_new(0, TRUE);
    assert_non_null(fc);
    BYTE buf[128], *res = buf;
    UINT32 rlen = sizeof(buf), fl = 0;
    assert_true(mppc_compress(fc, (BYTE *)bells, (UINT32)strlen(bells), &res, &rlen, &fl) >= 0);
    tu_assert_hex(res, rlen, "666f722e77686f6d2e7468652e62656c6c2e746f6c6c732cf4372e66fa1f199484");
    assert_int_equal(fl & 0xe0, PACKET_AT_FRONT | PACKET_COMPRESSED);
    mppc_context_free(fc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_freerdp_bells),
        cmocka_unit_test(test_ours_into_freerdp),
        cmocka_unit_test(test_freerdp_into_ours),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
