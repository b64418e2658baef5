/*
 * The enhanced GRE header of PPTP (RFC 2637 section 4.1; GRE itself is
 * RFC 1701): Flags and Version, Protocol Type 0x880B, a Key made of
 * Payload Length and Call ID, optional Sequence and Acknowledgment Numbers.
 */
#include <uppp/pptp_gre.h>
#include <uppp/err.h>

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

int uppp_gre_parse(const uint8_t *pkt, size_t len, struct uppp_gre_hdr *h)
{
    if (!pkt || !h)
        return UPPP_ERR_INVALID;
    if (len < UPPP_GRE_BASE_LEN)
        return UPPP_ERR_PARSE;
    uint8_t f1 = pkt[0], f2 = pkt[1];
    /* Section 4.1: C, R, s and Recur are 0, K is 1, Flags are 0, Ver 1. */
    if ((f1 & (UPPP_GRE_FLAG_C | UPPP_GRE_FLAG_R | UPPP_GRE_FLAG_s | UPPP_GRE_RECUR_MASK)) ||
        !(f1 & UPPP_GRE_FLAG_K) || (f2 & UPPP_GRE_FLAGS2_MASK) ||
        (f2 & UPPP_GRE_VER_MASK) != UPPP_GRE_VERSION_PPTP)
        return UPPP_ERR_PARSE;
    if ((unsigned)(pkt[2] << 8 | pkt[3]) != UPPP_GRE_PROTO_PPP)
        return UPPP_ERR_PARSE;
    h->payload_len = (uint16_t)(pkt[4] << 8 | pkt[5]);
    h->call_id = (uint16_t)(pkt[6] << 8 | pkt[7]);
    h->has_seq = (f1 & UPPP_GRE_FLAG_S) != 0;
    h->has_ack = (f2 & UPPP_GRE_FLAG_A) != 0;
    size_t hl = UPPP_GRE_BASE_LEN;
    h->seq = h->ack = 0;
    if (h->has_seq) {
        if (len < hl + UPPP_GRE_SEQ_LEN)
            return UPPP_ERR_PARSE;
        h->seq = get32(pkt + hl);
        hl += UPPP_GRE_SEQ_LEN;
    }
    if (h->has_ack) {
        if (len < hl + UPPP_GRE_ACK_LEN)
            return UPPP_ERR_PARSE;
        h->ack = get32(pkt + hl);
        hl += UPPP_GRE_ACK_LEN;
    }
    if (h->payload_len > len - hl)
        return UPPP_ERR_PARSE; /* truncated */
    /* Data without a sequence number cannot be ordered or acknowledged;
     * a sequence number without data (or a packet with neither) is
     * nothing the RFC defines. */
    if ((h->payload_len > 0) != h->has_seq || (!h->has_seq && !h->has_ack))
        return UPPP_ERR_PARSE;
    return (int)hl;
}

int uppp_gre_build(const struct uppp_gre_hdr *h, uint8_t *buf, size_t cap)
{
    if (!h || !buf || (h->payload_len > 0) != (h->has_seq != 0) || (!h->has_seq && !h->has_ack))
        return UPPP_ERR_INVALID;
    size_t hl = UPPP_GRE_BASE_LEN + (h->has_seq ? UPPP_GRE_SEQ_LEN : 0) +
                (h->has_ack ? UPPP_GRE_ACK_LEN : 0);
    if (cap < hl)
        return UPPP_ERR_NOBUF;
    buf[0] = (uint8_t)(UPPP_GRE_FLAG_K | (h->has_seq ? UPPP_GRE_FLAG_S : 0));
    buf[1] = (uint8_t)((h->has_ack ? UPPP_GRE_FLAG_A : 0) | UPPP_GRE_VERSION_PPTP);
    buf[2] = UPPP_GRE_PROTO_PPP >> 8;
    buf[3] = UPPP_GRE_PROTO_PPP & 0xff;
    buf[4] = (uint8_t)(h->payload_len >> 8);
    buf[5] = (uint8_t)h->payload_len;
    buf[6] = (uint8_t)(h->call_id >> 8);
    buf[7] = (uint8_t)h->call_id;
    size_t off = UPPP_GRE_BASE_LEN;
    if (h->has_seq) {
        put32(buf + off, h->seq);
        off += UPPP_GRE_SEQ_LEN;
    }
    if (h->has_ack)
        put32(buf + off, h->ack);
    return (int)hl;
}
