/*
 * IP below PPTP for mppe-decrypt: the link layers a PPTP capture comes in
 * (Ethernet II with 802.1Q/802.1ad tags, Linux cooked SLL and SLL2, raw IP)
 * down to an IPv4 packet, and IPv4 itself (RFC 791 section 3.1) with
 * bounded fragment reassembly (section 3.2) for the two protocols PPTP
 * uses, GRE and TCP.
 *
 * Memory is bounded: MD_FRAG_SLOTS datagrams of at most MD_FRAG_MAX octets
 * are reassembled at once; one that does not complete within
 * MD_FRAG_TIMEOUT_US of capture time, or is pushed out by newer ones, is
 * counted as lost.
 */
#ifndef MD_IP_H
#define MD_IP_H

#include <stddef.h>
#include <stdint.h>

/* Datagrams reassembled at once, and the largest: a GRE header, a PPP
 * frame the tool handles (MD_MAX_FRAME) and room for an IPv4 header. */
#define MD_FRAG_SLOTS 16
#define MD_FRAG_MAX (16384 + 128)
/* Linux's ipfrag_time default: a datagram not whole by then is lost. */
#define MD_FRAG_TIMEOUT_US 30000000u

/* Is dlt a link type carrying IP that md_link_ipv4() reads? */
int md_link_carries_ip(int dlt);

/* The IPv4 packet in one link-layer record. Returns 1 with *ip and *len
 * set (pointing into p), 0 when the record is not IPv4 (ARP, IPv6, a
 * truncated header...). */
int md_link_ipv4(int dlt, const uint8_t *p, size_t n, const uint8_t **ip, size_t *len);

struct md_ipv4 {
    uint32_t src, dst;
    uint8_t proto;
    const uint8_t *payload; /* valid until the next md_ip_input() */
    size_t len;
};

struct md_ip_stats {
    uint64_t packets;     /* IPv4 packets seen */
    uint64_t malformed;   /* bad version, header length or total length */
    uint64_t truncated;   /* cut by the snapshot length */
    uint64_t fragments;   /* fragments of GRE or TCP datagrams */
    uint64_t reassembled; /* datagrams made whole again */
    uint64_t frag_lost;   /* datagrams given up: timed out, pushed out, too big */
};

struct md_ip;

/* Returns 0 or UPPP_ERR_NOMEM. */
int md_ip_new(struct md_ip **out);
void md_ip_del(struct md_ip *ip);

/* One IPv4 packet captured at ts_us. Returns 1 with *out set when a whole
 * GRE or TCP datagram is there (as is, or the last fragment that completed
 * one), 0 otherwise (another protocol, a fragment held, malformed: see the
 * stats), or UPPP_ERR_NOMEM. */
int md_ip_input(struct md_ip *ip, uint64_t ts_us, const uint8_t *p, size_t n, struct md_ipv4 *out);

/* Give up every datagram still waiting for fragments (end of capture). */
void md_ip_finish(struct md_ip *ip);

const struct md_ip_stats *md_ip_stats(const struct md_ip *ip);

#endif
