/*
 * The send side of TUN offloads (see uppp/tcp_offload.h): the virtio-net
 * header, checksum completion and the segmentation of a TCP super-packet,
 * done as the kernel's own software GSO would (tcp_gso_segment: sequence
 * numbers advance by the MSS, FIN and PSH stay on the last segment, CWR on
 * the first; inet_gso_segment: the IPv4 identification counts up).
 */
#include <uppp/err.h>
#include <uppp/tcp_offload.h>

#include "tcp_csum.h"

int uppp_vnet_hdr_parse(const uint8_t *b, size_t len, struct uppp_vnet_hdr *h)
{
    if (b == NULL || h == NULL)
        return UPPP_ERR_INVALID;
    if (len < UPPP_VNET_HDR_LEN)
        return UPPP_ERR_PARSE;
    h->flags = b[0];
    h->gso_type = b[1];
    h->hdr_len = (uint16_t)(b[2] | b[3] << 8);
    h->gso_size = (uint16_t)(b[4] | b[5] << 8);
    h->csum_start = (uint16_t)(b[6] | b[7] << 8);
    h->csum_offset = (uint16_t)(b[8] | b[9] << 8);
    return 0;
}

void uppp_vnet_hdr_build(const struct uppp_vnet_hdr *h, uint8_t out[UPPP_VNET_HDR_LEN])
{
    const uint16_t v[4] = {h->hdr_len, h->gso_size, h->csum_start, h->csum_offset};
    out[0] = h->flags;
    out[1] = h->gso_type;
    for (int i = 0; i < 4; i++) {
        out[2 + 2 * i] = (uint8_t)v[i];
        out[3 + 2 * i] = (uint8_t)(v[i] >> 8);
    }
}

void uppp_inet_csum(const uint8_t *p, size_t len, uint8_t out[2])
{
    uppp_csum_store(out, (uint16_t)~uppp_csum_fold(uppp_csum_add(0, p, len)));
}

/* A partial checksum (the kernel's CHECKSUM_PARTIAL): the field holds the
 * pseudo-header's sum, the rest from csum_start on is still to be added. */
static int complete_csum(const struct uppp_vnet_hdr *h, uint8_t *pkt, size_t len)
{
    size_t start = h->csum_start, at = start + h->csum_offset;
    if (start >= len || at + 2 > len)
        return UPPP_ERR_PARSE;
    uint16_t v = (uint16_t)~uppp_csum_fold(uppp_csum_add(0, pkt + start, len - start));
    /* UDP sends a computed zero as all ones (RFC 768); offset 6 is UDP's
     * checksum field, TCP's is at 16. */
    if (v == 0 && h->csum_offset == 6)
        v = 0xffff;
    uppp_csum_store(pkt + at, v);
    return 0;
}

int uppp_tso_split(const struct uppp_vnet_hdr *h, uint8_t *pkt, size_t len, uppp_tso_emit_fn emit,
                   void *user)
{
    if (h == NULL || pkt == NULL || emit == NULL)
        return UPPP_ERR_INVALID;
    if (len == 0)
        return UPPP_ERR_PARSE; /* a header alone */
    unsigned type = h->gso_type & ~UPPP_VNET_GSO_ECN;
    if (type == UPPP_VNET_GSO_NONE) {
        if ((h->flags & UPPP_VNET_F_NEEDS_CSUM) && complete_csum(h, pkt, len) < 0)
            return UPPP_ERR_PARSE;
        emit(user, pkt, len);
        return 1;
    }
    if (type != UPPP_VNET_GSO_TCPV4 && type != UPPP_VNET_GSO_TCPV6)
        return UPPP_ERR_PARSE;
    int v6;
    size_t ihl, thl;
    if (uppp_tcp_headers(pkt, len, &v6, &ihl, &thl) < 0 || v6 != (type == UPPP_VNET_GSO_TCPV6) ||
        h->gso_size == 0)
        return UPPP_ERR_PARSE;
    size_t hl = ihl + thl, payload = len - hl, mss = h->gso_size;
    uint8_t tmpl[120]; /* at most 60 (IPv4) or 40 (IPv6) + 60 (TCP) */
    memcpy(tmpl, pkt, hl);
    uint32_t seq0 = uppp_rd32(tmpl + ihl + 4);
    uint16_t id0 = uppp_rd16(tmpl + 4);
    uint8_t flags = tmpl[ihl + 13];
    size_t nseg = payload ? (payload + mss - 1) / mss : 1;
    for (size_t i = 0; i < nseg; i++) {
        size_t off = i * mss;
        size_t chunk = payload - off < mss ? payload - off : mss;
        /* Segment i's headers go just before its payload, over the tail
         * of what segment i - 1 (already emitted) carried. */
        uint8_t *s = pkt + off;
        if (i > 0)
            memcpy(s, tmpl, hl);
        uint8_t *tcp = s + ihl;
        if (v6) {
            uppp_wr16(s + 4, (uint32_t)(thl + chunk));
        } else {
            uppp_wr16(s + 2, (uint32_t)(hl + chunk));
            uppp_wr16(s + 4, (uint32_t)(id0 + i));
            s[10] = s[11] = 0;
            uppp_inet_csum(s, ihl, s + 10);
        }
        uppp_wr32(tcp + 4, seq0 + (uint32_t)off);
        uint8_t f = flags;
        if (i + 1 < nseg)
            f &= (uint8_t) ~(UPPP_TCP_FIN | UPPP_TCP_PSH);
        if (i > 0)
            f &= (uint8_t)~UPPP_TCP_CWR;
        tcp[13] = f;
        tcp[16] = tcp[17] = 0;
        uint64_t acc = uppp_csum_pseudo(s, v6, thl + chunk);
        acc = uppp_csum_add(acc, tcp, thl + chunk);
        uppp_csum_store(tcp + 16, (uint16_t)~uppp_csum_fold(acc));
        emit(user, s, hl + chunk);
    }
    return (int)nseg;
}
