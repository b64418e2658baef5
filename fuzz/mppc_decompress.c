/*
 * Fuzz target for the MPPC decompressor (RFC 2118, uppp/mppc.h): arbitrary
 * packets with arbitrary A/B/C flags into one decompressor, interleaved
 * with genuine packets that our compressor makes and a second decompressor
 * must restore exactly.
 *
 * Input: byte 0 sets max_out (64 << (b & 7), at most 8192). Then records:
 *   op (1 octet): bits 4-7 the flags (A 0x80, B 0x40, C 0x20), bit 0 which
 *   kind; then a length octet L (+ 256 * (op >> 1 & 7)) and that many
 *   octets, clamped to what is left.
 *   kind 0: the octets go to the fuzzed decompressor as a packet;
 *   kind 1: they are compressed (a flush first when bit 3 is set) and go to
 *           the genuine decompressor, which must return them unchanged.
 *
 * Checked: only documented return codes; on success at most max_out octets
 * (and never more than the history), every one readable; after an error on
 * a compressed packet the decompressor waits, and refuses compressed
 * packets without A; genuine round trips are exact.
 */
#include <uppp/err.h>
#include <uppp/mppc.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c))                                                                                  \
            abort();                                                                               \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t max_out = (size_t)64 << (data[0] & 7);
    if (max_out > UPPP_MPPC_HIST)
        max_out = UPPP_MPPC_HIST;
    struct uppp_mppc_decomp *d = NULL, *gd = NULL;
    struct uppp_mppc_comp *gc = NULL;
    if (uppp_mppc_decomp_new(&d) != 0 || uppp_mppc_decomp_new(&gd) != 0 ||
        uppp_mppc_comp_new(&gc) != 0)
        abort();
    static uint8_t cbuf[UPPP_MPPC_HIST];
    size_t at = 1;
    while (at + 2 <= size) {
        unsigned op = data[at];
        size_t len = data[at + 1] + 256u * ((op >> 1) & 7);
        at += 2;
        if (len > size - at)
            len = size - at;
        const uint8_t *pkt = data + at;
        at += len;
        unsigned flags = op & (UPPP_MPPE_BIT_A | UPPP_MPPE_BIT_B | UPPP_MPPE_BIT_C);
        const uint8_t *out;
        size_t out_len;
        if ((op & 1) == 0) {
            int was_waiting = uppp_mppc_decomp_waiting(d);
            int rc = uppp_mppc_decompress(d, flags, pkt, len, max_out, &out, &out_len);
            CHECK(rc == 0 || rc == UPPP_ERR_PARSE || rc == UPPP_ERR_LIMIT || rc == UPPP_ERR_PROTO);
            if (rc == UPPP_ERR_PROTO)
                CHECK(was_waiting && (flags & UPPP_MPPE_BIT_C) && !(flags & UPPP_MPPE_BIT_A));
            if (rc == 0) {
                CHECK(out_len <= max_out && out_len <= UPPP_MPPC_HIST);
                CHECK(out != NULL || out_len == 0);
                if (!(flags & UPPP_MPPE_BIT_C))
                    CHECK(out == pkt && out_len == len);
                /* Touch every octet: ASan sees a read out of bounds. */
                volatile uint8_t sink = 0;
                for (size_t k = 0; k < out_len; k++)
                    sink ^= out[k];
                (void)sink;
            } else if (flags & UPPP_MPPE_BIT_C) {
                CHECK(uppp_mppc_decomp_waiting(d));
            } else {
                CHECK(rc == UPPP_ERR_LIMIT && len > max_out);
            }
        } else if (len > 0) {
            if (op & 8)
                uppp_mppc_comp_flush(gc);
            unsigned fl;
            int n = uppp_mppc_compress(gc, pkt, len, cbuf, sizeof(cbuf), &fl);
            CHECK(n > 0 && (size_t)n <= len);
            int rc = uppp_mppc_decompress(gd, fl, cbuf, (size_t)n, UPPP_MPPC_HIST, &out, &out_len);
            CHECK(rc == 0 && out_len == len && memcmp(out, pkt, len) == 0);
        }
    }
    uppp_mppc_decomp_del(d);
    uppp_mppc_decomp_del(gd);
    uppp_mppc_comp_del(gc);
    return 0;
}
