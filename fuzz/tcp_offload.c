/*
 * Fuzz target for the TUN offload helpers (include/uppp/tcp_offload.h):
 * what a TUN with IFF_VNET_HDR hands upppd, cut by uppp_tso_split, and the
 * packets that come out fed to the coalescer.
 *
 * Input: a 10-octet virtio-net header, then the IP packet.
 *
 * Checks:
 * 1. uppp_tso_split never reads or writes outside the packet (ASan), and
 *    every packet it emits lies inside it; a TCP segment cut from a GSO
 *    packet carries a TCP checksum that verifies and an IP length equal to
 *    its own length.
 * 2. The coalescer takes every emitted packet (flushing as told); what it
 *    returns is at most UPPP_GRO_BUF octets, parses as a header, and when
 *    it is GSO, splits again without error into packets that each fit the
 *    advertised segment size.
 */
#include <uppp/err.h>
#include <uppp/tcp_offload.h>

#include <stdlib.h>
#include <string.h>

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if (!(x))                                                                                  \
            abort();                                                                               \
    } while (0)

static uint8_t gbuf[UPPP_GRO_BUF];
static uint8_t again[UPPP_GRO_BUF];

struct run {
    const uint8_t *lo, *hi;
    int gso;
    struct uppp_gro g;
    size_t resplit_mss;
};

static uint16_t sum_be(const uint8_t *p, size_t len, uint32_t acc)
{
    for (size_t i = 0; i < len; i += 2)
        acc += (uint32_t)(p[i] << 8 | (i + 1 < len ? p[i + 1] : 0));
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return (uint16_t)acc;
}

static void check_tcp(const uint8_t *p, size_t len)
{
    int v6 = (p[0] >> 4) == 6;
    size_t ihl = v6 ? 40 : (size_t)(p[0] & 15) * 4;
    CHECK(len >= ihl + 20);
    if (v6)
        CHECK((size_t)(p[4] << 8 | p[5]) + 40 == len);
    else
        CHECK((size_t)(p[2] << 8 | p[3]) == len && sum_be(p, ihl, 0) == 0xffff);
    uint32_t acc = 6 + (uint32_t)(len - ihl) + sum_be(p + (v6 ? 8 : 12), v6 ? 32 : 8, 0);
    CHECK(sum_be(p + ihl, len - ihl, acc) == 0xffff);
}

static void resplit_emit(void *user, const uint8_t *pkt, size_t len)
{
    struct run *r = user;
    check_tcp(pkt, len);
    size_t ihl = (pkt[0] >> 4) == 6 ? 40 : (size_t)(pkt[0] & 15) * 4;
    size_t hl = ihl + (size_t)(pkt[ihl + 12] >> 4) * 4;
    CHECK(len - hl <= r->resplit_mss);
}

static void flush(struct run *r)
{
    size_t n = uppp_gro_take(&r->g);
    if (n == 0)
        return;
    CHECK(n <= UPPP_GRO_BUF && n > UPPP_VNET_HDR_LEN);
    struct uppp_vnet_hdr h;
    CHECK(uppp_vnet_hdr_parse(gbuf, n, &h) == 0);
    if (h.gso_type == UPPP_VNET_GSO_NONE)
        return;
    CHECK(h.flags == UPPP_VNET_F_NEEDS_CSUM && h.gso_size > 0);
    memcpy(again, gbuf + UPPP_VNET_HDR_LEN, n - UPPP_VNET_HDR_LEN);
    r->resplit_mss = h.gso_size;
    CHECK(uppp_tso_split(&h, again, n - UPPP_VNET_HDR_LEN, resplit_emit, r) > 0);
}

static void emit(void *user, const uint8_t *pkt, size_t len)
{
    struct run *r = user;
    CHECK(pkt >= r->lo && pkt + len <= r->hi && len > 0);
    if (r->gso)
        check_tcp(pkt, len);
    enum uppp_gro_verdict v = uppp_gro_add(&r->g, pkt, len);
    if (v == UPPP_GRO_FLUSH) {
        flush(r);
        v = uppp_gro_add(&r->g, pkt, len);
        CHECK(v == UPPP_GRO_HELD);
    } else if (v == UPPP_GRO_PASS) {
        flush(r);
    }
    if (r->g.len == 0)
        return;
    /* Re-split what is held so far, as the kernel would if it forwarded
     * the packet: every piece is a valid segment. */
    uint8_t copy[UPPP_GRO_BUF];
    struct uppp_gro probe = r->g;
    memcpy(copy, gbuf, UPPP_VNET_HDR_LEN + r->g.len);
    size_t n = uppp_gro_take(&probe);
    struct uppp_vnet_hdr h;
    CHECK(uppp_vnet_hdr_parse(gbuf, n, &h) == 0);
    if (h.gso_type != UPPP_VNET_GSO_NONE) {
        memcpy(again, gbuf + UPPP_VNET_HDR_LEN, n - UPPP_VNET_HDR_LEN);
        r->resplit_mss = h.gso_size;
        CHECK(uppp_tso_split(&h, again, n - UPPP_VNET_HDR_LEN, resplit_emit, r) > 0);
    }
    memcpy(gbuf, copy, UPPP_VNET_HDR_LEN + r->g.len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct uppp_vnet_hdr h;
    if (uppp_vnet_hdr_parse(data, size, &h) < 0 || size - UPPP_VNET_HDR_LEN > 65535)
        return 0;
    size_t len = size - UPPP_VNET_HDR_LEN;
    uint8_t *pkt = malloc(len ? len : 1);
    CHECK(pkt != NULL);
    memcpy(pkt, data + UPPP_VNET_HDR_LEN, len);
    struct run r = {.lo = pkt, .hi = pkt + len, .gso = (h.gso_type & 0x7f) != 0};
    uppp_gro_init(&r.g, gbuf);
    r.g.psh_joins = h.hdr_len & 1; /* both ways of treating PSH */
    int n = uppp_tso_split(&h, pkt, len, emit, &r);
    CHECK(n > 0 || n == UPPP_ERR_PARSE);
    flush(&r);
    free(pkt);
    return 0;
}
