/*
 * The receive side of TUN offloads (see uppp/tcp_offload.h): consecutive
 * segments of one TCP stream joined into one packet that the kernel takes
 * as GSO. The rules follow what the kernel's GRO joins (tcp_gro_receive:
 * the same ack, window and options, only ACK and a final PSH (or, with
 * psh_joins, a PSH anywhere, carried to the joined packet's end);
 * inet_gro_receive: the same addresses, TOS, TTL and DF), so what the
 * local TCP sees is what it would have seen from a NIC with GRO.
 */
#include <uppp/tcp_offload.h>

#include "tcp_csum.h"

void uppp_gro_init(struct uppp_gro *g, uint8_t *buf)
{
    memset(g, 0, sizeof(*g));
    g->buf = buf;
}

/* Everything that must equal between the held packet's first segment (a)
 * and a new segment (b) of the same header lengths. */
static int same_stream(const uint8_t *a, const uint8_t *b, int v6, size_t ihl, size_t thl)
{
    if (v6) {
        /* version, traffic class, flow label; next header, hop limit;
         * both addresses */
        if (memcmp(a, b, 4) != 0 || memcmp(a + 6, b + 6, 34) != 0)
            return 0;
    } else {
        /* TOS; DF (no fragments come here); TTL, protocol; addresses */
        if (a[1] != b[1] || memcmp(a + 6, b + 6, 4) != 0 || memcmp(a + 12, b + 12, 8) != 0)
            return 0;
    }
    const uint8_t *ta = a + ihl, *tb = b + ihl;
    /* ports; the ack; data offset; window and urgent pointer; options */
    return memcmp(ta, tb, 4) == 0 && memcmp(ta + 8, tb + 8, 5) == 0 &&
           memcmp(ta + 14, tb + 14, 2) == 0 && memcmp(ta + 18, tb + 18, thl - 18) == 0;
}

enum uppp_gro_verdict uppp_gro_add(struct uppp_gro *g, const uint8_t *pkt, size_t len)
{
    int v6;
    size_t ihl, thl;
    if (g == NULL || g->buf == NULL || pkt == NULL ||
        uppp_tcp_headers(pkt, len, &v6, &ihl, &thl) < 0)
        return UPPP_GRO_PASS;
    /* The IP length must be the packet's (no padding, nothing cut), and no
     * IPv4 options: one header layout per held packet. */
    if (v6 ? uppp_rd16(pkt + 4) + 40u != len : ihl != 20 || uppp_rd16(pkt + 2) != len)
        return UPPP_GRO_PASS;
    const uint8_t *tcp = pkt + ihl;
    uint8_t flags = tcp[13];
    size_t hl = ihl + thl, payload = len - hl;
    if ((flags & ~(UPPP_TCP_ACK | UPPP_TCP_PSH)) != 0 || !(flags & UPPP_TCP_ACK) || payload == 0)
        return UPPP_GRO_PASS;
    uint64_t acc = uppp_csum_pseudo(pkt, v6, len - ihl);
    if (uppp_csum_fold(uppp_csum_add(acc, tcp, len - ihl)) != 0xffff)
        return UPPP_GRO_PASS; /* corrupt: the kernel drops it and counts it */
    uint32_t seq = uppp_rd32(tcp + 4);
    uint8_t *held = g->buf + UPPP_VNET_HDR_LEN;
    if (g->len == 0) {
        memcpy(held, pkt, len);
        g->len = len;
        g->hl = (uint16_t)hl;
        g->mss = (uint16_t)payload;
        g->nseg = 1;
        g->closed = !g->psh_joins && (flags & UPPP_TCP_PSH) != 0;
        g->next_seq = seq + (uint32_t)payload;
        return UPPP_GRO_HELD;
    }
    int held_v6 = (held[0] >> 4) == 6;
    size_t room = UPPP_GRO_MAX_IP - (held_v6 ? g->len - 40 : g->len);
    if (g->closed || held_v6 != v6 || g->hl != hl || seq != g->next_seq || payload > g->mss ||
        payload > room || !same_stream(held, pkt, v6, ihl, thl))
        return UPPP_GRO_FLUSH;
    memcpy(held + g->len, pkt + hl, payload);
    g->len += payload;
    g->nseg++;
    g->next_seq += (uint32_t)payload;
    held[ihl + 13] |= flags & UPPP_TCP_PSH;
    if (payload < g->mss || ((flags & UPPP_TCP_PSH) && !g->psh_joins))
        g->closed = 1;
    return UPPP_GRO_HELD;
}

size_t uppp_gro_take(struct uppp_gro *g)
{
    if (g == NULL || g->len == 0)
        return 0;
    uint8_t *ip = g->buf + UPPP_VNET_HDR_LEN;
    struct uppp_vnet_hdr h = {0};
    if (g->nseg > 1) {
        int v6 = (ip[0] >> 4) == 6;
        size_t ihl = v6 ? 40 : 20;
        if (v6) {
            uppp_wr16(ip + 4, (uint32_t)(g->len - 40));
        } else {
            uppp_wr16(ip + 2, (uint32_t)g->len);
            ip[10] = ip[11] = 0;
            uppp_inet_csum(ip, ihl, ip + 10);
        }
        /* Partial: the pseudo-header's sum, uncomplemented, as a NIC
         * driver leaves it for CHECKSUM_PARTIAL. */
        uppp_csum_store(ip + ihl + 16, uppp_csum_fold(uppp_csum_pseudo(ip, v6, g->len - ihl)));
        h.flags = UPPP_VNET_F_NEEDS_CSUM;
        h.gso_type = v6 ? UPPP_VNET_GSO_TCPV6 : UPPP_VNET_GSO_TCPV4;
        h.hdr_len = g->hl;
        h.gso_size = g->mss;
        h.csum_start = (uint16_t)ihl;
        h.csum_offset = 16;
    }
    uppp_vnet_hdr_build(&h, g->buf);
    size_t n = UPPP_VNET_HDR_LEN + g->len;
    g->len = 0;
    g->nseg = 0;
    return n;
}
