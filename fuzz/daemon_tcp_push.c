/*
 * Fuzz target for daemon/tcp_push.c: any octets as the IP packet a session
 * delivers to a TUN with offloads.
 *
 * Checks:
 * 1. upppd_tcp_copy_without_psh never reads or writes outside the packet
 *    or the output (ASan), and says 1 only for a packet that fits.
 * 2. When it copies, the copy differs from the input in at most the TCP
 *    flags octet (PSH cleared, nothing else) and the two checksum octets,
 *    and the one's complement sum over the TCP segment moves by exactly
 *    the flags change: a checksum that verified still verifies, one that
 *    did not still does not (RFC 1624).
 * 3. The coalescer takes the copy like any packet (ASan).
 */
#include "tcp_push.h"

#include <uppp/tcp_offload.h>

#include <stdlib.h>
#include <string.h>

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if (!(x))                                                                                  \
            abort();                                                                               \
    } while (0)

static uint8_t gbuf[UPPP_GRO_BUF];

/* One's complement sum of 16-bit big-endian words, folded. */
static uint16_t ocsum(const uint8_t *p, size_t len)
{
    uint32_t acc = 0;
    for (size_t i = 0; i < len; i += 2)
        acc += (uint32_t)(p[i] << 8 | (i + 1 < len ? p[i + 1] : 0));
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return (uint16_t)acc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t out[2048];
    int r = upppd_tcp_copy_without_psh(data, size, out, sizeof(out));
    CHECK(r == 0 || r == 1);
    if (r == 0)
        return 0;
    CHECK(size <= sizeof(out));
    size_t ihl = (data[0] >> 4) == 6 ? 40 : (size_t)(data[0] & 15) * 4;
    CHECK(size >= ihl + 20);
    for (size_t i = 0; i < size; i++)
        if (i != ihl + 13 && i != ihl + 16 && i != ihl + 17)
            CHECK(out[i] == data[i]);
    CHECK((data[ihl + 13] & 0x08) && out[ihl + 13] == (data[ihl + 13] & ~0x08));
    /* The segment's sum (checksum field included) is unchanged: whatever
     * the pseudo-header adds, verification gives the same answer. Sums
     * equal up to the two representations of zero. */
    uint16_t a = ocsum(data + ihl, size - ihl), b = ocsum(out + ihl, size - ihl);
    CHECK(a == b || (a == 0xffff && b == 0) || (a == 0 && b == 0xffff));
    struct uppp_gro g;
    uppp_gro_init(&g, gbuf);
    uppp_gro_add(&g, out, size);
    uppp_gro_take(&g);
    return 0;
}
