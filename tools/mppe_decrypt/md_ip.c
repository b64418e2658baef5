/*
 * Link layers to IPv4 and IPv4 reassembly (md_ip.h). Header layouts:
 * Ethernet II and IEEE 802.1Q/802.1ad tags; Linux cooked capture v1 and v2
 * (tcpdump.org LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2: the protocol is an
 * EtherType); raw IP (LINKTYPE_RAW: the version nibble says which);
 * IPv4 (RFC 791 section 3.1), reassembly as in section 3.2 with a bitmap of
 * 8-octet blocks per datagram.
 */
#include "md_ip.h"
#include "md_wire.h"

#include <uppp/err.h>

#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int md_link_carries_ip(int dlt)
{
    return dlt == MD_DLT_EN10MB || dlt == MD_DLT_LINUX_SLL || dlt == MD_DLT_LINUX_SLL2 ||
           dlt == DLT_RAW || dlt == MD_DLT_IPV4;
}

/* An EtherType at p[-2..-1]... given as value; VLAN tags in front of the
 * real EtherType are stepped over (each: TCI, then the next EtherType). */
static int ethertype_ipv4(uint16_t type, const uint8_t *p, size_t n, const uint8_t **ip,
                          size_t *len)
{
    for (int tags = 0; tags <= MD_MAX_VLAN_TAGS; tags++) {
        if (type == MD_ETHERTYPE_IPV4) {
            *ip = p;
            *len = n;
            return n > 0;
        }
        if (type != MD_ETHERTYPE_VLAN && type != MD_ETHERTYPE_QINQ && type != MD_ETHERTYPE_QINQ_OLD)
            return 0;
        if (n < MD_VLAN_TAG_LEN)
            return 0;
        type = be16(p + 2);
        p += MD_VLAN_TAG_LEN;
        n -= MD_VLAN_TAG_LEN;
    }
    return 0;
}

int md_link_ipv4(int dlt, const uint8_t *p, size_t n, const uint8_t **ip, size_t *len)
{
    switch (dlt) {
    case MD_DLT_EN10MB:
        if (n < MD_ETH_HDR_LEN)
            return 0;
        return ethertype_ipv4(be16(p + 12), p + MD_ETH_HDR_LEN, n - MD_ETH_HDR_LEN, ip, len);
    case MD_DLT_LINUX_SLL:
        /* packet type, ARPHRD, address length, address[8], protocol */
        if (n < MD_SLL_HDR_LEN)
            return 0;
        return ethertype_ipv4(be16(p + 14), p + MD_SLL_HDR_LEN, n - MD_SLL_HDR_LEN, ip, len);
    case MD_DLT_LINUX_SLL2:
        /* protocol, reserved, ifindex, ARPHRD, packet type, address length,
         * address[8] */
        if (n < MD_SLL2_HDR_LEN)
            return 0;
        return ethertype_ipv4(be16(p), p + MD_SLL2_HDR_LEN, n - MD_SLL2_HDR_LEN, ip, len);
    case MD_DLT_IPV4:
        *ip = p;
        *len = n;
        return n > 0;
    default:
        if (dlt != DLT_RAW || n < 1 || (p[0] >> 4) != 4)
            return 0;
        *ip = p;
        *len = n;
        return 1;
    }
}

/* ------------------------------------------------------------ reassembly */

#define BLOCKS (MD_FRAG_MAX / 8)

struct frag {
    int used;
    uint32_t src, dst;
    uint16_t id;
    uint8_t proto;
    uint64_t first_us;
    size_t total; /* payload length, 0 until the last fragment came */
    uint8_t have[(BLOCKS + 7) / 8];
    uint8_t data[MD_FRAG_MAX];
};

struct md_ip {
    struct md_ip_stats st;
    struct frag *slots; /* MD_FRAG_SLOTS, allocated on the first fragment */
    uint8_t *whole;     /* the datagram handed out */
};

int md_ip_new(struct md_ip **out)
{
    struct md_ip *ip = calloc(1, sizeof(*ip));
    if (ip == NULL)
        return UPPP_ERR_NOMEM;
    *out = ip;
    return 0;
}

void md_ip_del(struct md_ip *ip)
{
    if (ip == NULL)
        return;
    free(ip->slots);
    free(ip->whole);
    free(ip);
}

static void frag_drop(struct md_ip *ip, struct frag *f)
{
    ip->st.frag_lost++;
    f->used = 0;
}

static int complete(const struct frag *f)
{
    if (f->total == 0)
        return 0;
    for (size_t b = 0; b < (f->total + 7) / 8; b++)
        if (!(f->have[b / 8] & (1u << (b % 8))))
            return 0;
    return 1;
}

/* A fragment (RFC 791 section 3.2): off and n in octets of the payload.
 * Returns 1 with the datagram in out when it completed it. */
static int fragment(struct md_ip *ip, uint64_t ts, uint32_t src, uint32_t dst, uint16_t id,
                    uint8_t proto, size_t off, int more, const uint8_t *p, size_t n,
                    struct md_ipv4 *out)
{
    ip->st.fragments++;
    if (ip->slots == NULL && (ip->slots = calloc(MD_FRAG_SLOTS, sizeof(struct frag))) == NULL)
        return UPPP_ERR_NOMEM;
    struct frag *f = NULL, *oldest = NULL, *freeslot = NULL;
    for (int i = 0; i < MD_FRAG_SLOTS; i++) {
        struct frag *s = &ip->slots[i];
        if (s->used && ts - s->first_us > MD_FRAG_TIMEOUT_US && ts > s->first_us)
            frag_drop(ip, s);
        if (!s->used) {
            if (freeslot == NULL)
                freeslot = s;
            continue;
        }
        if (s->src == src && s->dst == dst && s->id == id && s->proto == proto)
            f = s;
        else if (oldest == NULL || s->first_us < oldest->first_us)
            oldest = s;
    }
    if (f == NULL) {
        if (freeslot == NULL) {
            frag_drop(ip, oldest);
            freeslot = oldest;
        }
        f = freeslot;
        memset(f->have, 0, sizeof(f->have));
        f->used = 1;
        f->src = src;
        f->dst = dst;
        f->id = id;
        f->proto = proto;
        f->first_us = ts;
        f->total = 0;
    }
    /* Only the last fragment may end off an 8-octet boundary. */
    if (off + n > MD_FRAG_MAX || (more && n % 8 != 0) || (!more && f->total != 0)) {
        frag_drop(ip, f);
        return 0;
    }
    memcpy(f->data + off, p, n);
    for (size_t b = off / 8; b < (off + n + 7) / 8; b++)
        f->have[b / 8] |= (uint8_t)(1u << (b % 8));
    if (!more)
        f->total = off + n;
    if (!complete(f))
        return 0;
    if (ip->whole == NULL && (ip->whole = malloc(MD_FRAG_MAX)) == NULL)
        return UPPP_ERR_NOMEM;
    memcpy(ip->whole, f->data, f->total);
    f->used = 0;
    ip->st.reassembled++;
    out->payload = ip->whole;
    out->len = f->total;
    return 1;
}

int md_ip_input(struct md_ip *ip, uint64_t ts_us, const uint8_t *p, size_t n, struct md_ipv4 *out)
{
    ip->st.packets++;
    if (n < MD_IPV4_MIN_HDR || (p[0] >> 4) != 4) {
        ip->st.malformed++;
        return 0;
    }
    size_t hl = (size_t)(p[0] & 0x0f) * 4;
    size_t tl = be16(p + 2);
    if (hl < MD_IPV4_MIN_HDR || tl < hl) {
        ip->st.malformed++;
        return 0;
    }
    if (tl > n) {
        ip->st.truncated++;
        return 0;
    }
    out->proto = p[9];
    out->src = be32(p + 12);
    out->dst = be32(p + 16);
    if (out->proto != MD_IPPROTO_GRE && out->proto != MD_IPPROTO_TCP)
        return 0;
    uint16_t fo = be16(p + 6);
    if (fo & (MD_IP_MF | MD_IP_OFFMASK))
        return fragment(ip, ts_us, out->src, out->dst, be16(p + 4), out->proto,
                        (size_t)(fo & MD_IP_OFFMASK) * 8, (fo & MD_IP_MF) != 0, p + hl, tl - hl,
                        out);
    out->payload = p + hl;
    out->len = tl - hl;
    return 1;
}

void md_ip_finish(struct md_ip *ip)
{
    for (int i = 0; ip->slots != NULL && i < MD_FRAG_SLOTS; i++)
        if (ip->slots[i].used)
            frag_drop(ip, &ip->slots[i]);
}

const struct md_ip_stats *md_ip_stats(const struct md_ip *ip)
{
    return &ip->st;
}
