/*
 * PSH off TCP segments bound for a TUN (see tcp_push.h): IPv4 (RFC 791
 * section 3.1) and IPv6 without extension headers (RFC 8200 section 3),
 * the TCP flags and checksum (RFC 9293 section 3.1), updated by RFC 1624.
 */
#include "tcp_push.h"

#include <string.h>

#define TCP_PSH 0x08
#define IPPROTO_TCP_NUM 6

/* RFC 1624 equation 3: HC' = ~(~HC + ~m + m'), one's complement sums. */
static uint16_t csum_update(uint16_t hc, uint16_t m, uint16_t m2)
{
    uint32_t sum = (uint16_t)~hc + (uint32_t)(uint16_t)~m + m2;
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

int upppd_tcp_copy_without_psh(const uint8_t *pkt, size_t len, uint8_t *out, size_t cap)
{
    size_t ihl;
    if (pkt == NULL || out == NULL || len < 1 || len > cap)
        return 0;
    if ((pkt[0] >> 4) == 4) {
        if (len < 20)
            return 0;
        ihl = (size_t)(pkt[0] & 15) * 4;
        /* A fragment (offset or MF) may not hold the TCP header. */
        if (ihl < 20 || pkt[9] != IPPROTO_TCP_NUM || (((pkt[6] & 0x3f) << 8) | pkt[7]) != 0)
            return 0;
    } else if ((pkt[0] >> 4) == 6) {
        ihl = 40;
        if (len < ihl || pkt[6] != IPPROTO_TCP_NUM)
            return 0;
    } else {
        return 0;
    }
    if (len < ihl + 20 || !(pkt[ihl + 13] & TCP_PSH))
        return 0;
    memcpy(out, pkt, len);
    uint8_t *tcp = out + ihl;
    uint16_t m = (uint16_t)(tcp[12] << 8 | tcp[13]);
    tcp[13] &= (uint8_t)~TCP_PSH;
    uint16_t m2 = (uint16_t)(tcp[12] << 8 | tcp[13]);
    uint16_t hc = (uint16_t)(tcp[16] << 8 | tcp[17]);
    hc = csum_update(hc, m, m2);
    tcp[16] = (uint8_t)(hc >> 8);
    tcp[17] = (uint8_t)hc;
    return 1;
}
