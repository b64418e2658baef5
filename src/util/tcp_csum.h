/*
 * Internet checksum pieces (RFC 1071) shared by tcp_tso.c and tcp_gro.c:
 * sums are kept in native byte order (RFC 1071 section 2(B): the sum does
 * not depend on it) and stored back as they were read.
 */
#ifndef UPPP_TCP_CSUM_H
#define UPPP_TCP_CSUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Add len octets at p to acc. p must start at an even offset of the
 * checksummed whole; only the last piece may have an odd length. */
static inline uint64_t uppp_csum_add(uint64_t acc, const uint8_t *p, size_t len)
{
    while (len >= 8) {
        uint32_t a, b;
        memcpy(&a, p, 4);
        memcpy(&b, p + 4, 4);
        acc += (uint64_t)a + b;
        p += 8;
        len -= 8;
    }
    if (len >= 4) {
        uint32_t a;
        memcpy(&a, p, 4);
        acc += a;
        p += 4;
        len -= 4;
    }
    if (len >= 2) {
        uint16_t a;
        memcpy(&a, p, 2);
        acc += a;
        p += 2;
        len -= 2;
    }
    if (len) {
        /* The odd last octet is the high-order half of a word padded with
         * zero (RFC 1071 section 4.1), wherever the native order puts it. */
        uint8_t w[2] = {p[0], 0};
        uint16_t a;
        memcpy(&a, w, 2);
        acc += a;
    }
    return acc;
}

static inline uint16_t uppp_csum_fold(uint64_t acc)
{
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return (uint16_t)acc;
}

/* The TCP pseudo-header's sum (RFC 793 3.1, RFC 8200 8.1) for an IP packet
 * ip whose TCP segment is tcp_len octets. */
static inline uint64_t uppp_csum_pseudo(const uint8_t *ip, int v6, size_t tcp_len)
{
    uint64_t acc;
    if (v6) {
        uint8_t w[8] = {(uint8_t)(tcp_len >> 24),
                        (uint8_t)(tcp_len >> 16),
                        (uint8_t)(tcp_len >> 8),
                        (uint8_t)tcp_len,
                        0,
                        0,
                        0,
                        6};
        acc = uppp_csum_add(0, ip + 8, 32);
        return uppp_csum_add(acc, w, sizeof(w));
    }
    uint8_t w[4] = {0, 6, (uint8_t)(tcp_len >> 8), (uint8_t)tcp_len};
    acc = uppp_csum_add(0, ip + 12, 8);
    return uppp_csum_add(acc, w, sizeof(w));
}

static inline void uppp_csum_store(uint8_t *at, uint16_t v)
{
    memcpy(at, &v, 2);
}

static inline uint16_t uppp_rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t uppp_rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void uppp_wr16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void uppp_wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* The IP and TCP header lengths of a TCP packet: IPv4 (options allowed,
 * no fragment) or IPv6 whose next header is TCP (no extension headers).
 * Returns 0 or -1. */
static inline int uppp_tcp_headers(const uint8_t *pkt, size_t len, int *v6, size_t *ihl,
                                   size_t *thl)
{
    if (len < 20)
        return -1;
    if ((pkt[0] >> 4) == 4) {
        size_t i = (size_t)(pkt[0] & 0x0f) * 4;
        if (i < 20 || pkt[9] != 6 || ((pkt[6] & 0x3f) | pkt[7]) != 0)
            return -1;
        *v6 = 0;
        *ihl = i;
    } else if ((pkt[0] >> 4) == 6) {
        if (len < 40 || pkt[6] != 6)
            return -1;
        *v6 = 1;
        *ihl = 40;
    } else {
        return -1;
    }
    if (len < *ihl + 20)
        return -1;
    size_t t = (size_t)(pkt[*ihl + 12] >> 4) * 4;
    if (t < 20 || len < *ihl + t)
        return -1;
    *thl = t;
    return 0;
}

#define UPPP_TCP_FIN 0x01
#define UPPP_TCP_SYN 0x02
#define UPPP_TCP_RST 0x04
#define UPPP_TCP_PSH 0x08
#define UPPP_TCP_ACK 0x10
#define UPPP_TCP_CWR 0x80

#endif
