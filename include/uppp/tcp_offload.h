/*
 * TCP segmentation and receive coalescing for a TUN device that carries
 * the virtio-net header (Linux IFF_VNET_HDR with TUNSETOFFLOAD TUN_F_CSUM,
 * TUN_F_TSO4, TUN_F_TSO6). Why: inside a slow guest a system call per
 * IP packet dominates the data path. With the offloads one read() from the
 * TUN returns a TCP "super-packet" of up to 64 KiB that the kernel did not
 * segment, and one write() can hand the kernel many consecutive segments of
 * one TCP stream at once; the local TCP stack then also handles one packet
 * where it would have handled forty.
 *
 * uppp_tso_split() cuts what was read into MTU-sized IPv4/IPv6 TCP packets
 * (sequence numbers, IP identification and lengths, flags, IP and TCP
 * checksums) and completes a checksum the kernel left partial.
 * struct uppp_gro coalesces consecutive full-sized segments of one TCP
 * stream into one packet with a virtio-net header asking the kernel to take
 * it as a GSO packet (what the kernel's own GRO would have built).
 *
 * The header's layout is virtio 1.x "struct virtio_net_hdr" (10 octets,
 * little-endian: the daemon sets TUNSETVNETLE). Pure functions, no
 * allocation, no I/O.
 */
#ifndef UPPP_TCP_OFFLOAD_H
#define UPPP_TCP_OFFLOAD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define UPPP_VNET_HDR_LEN 10
#define UPPP_VNET_F_NEEDS_CSUM 0x01 /* checksum at csum_start + csum_offset is partial */
#define UPPP_VNET_GSO_NONE 0
#define UPPP_VNET_GSO_TCPV4 1
#define UPPP_VNET_GSO_TCPV6 4
#define UPPP_VNET_GSO_ECN 0x80 /* the stream uses ECN: CWR only on the first segment */

struct uppp_vnet_hdr {
    uint8_t flags;
    uint8_t gso_type;
    uint16_t hdr_len;  /* IP + TCP header octets (advisory: we compute it) */
    uint16_t gso_size; /* TCP payload octets per segment (the MSS) */
    uint16_t csum_start, csum_offset;
};

/* Read the header from b (len octets). Returns 0, UPPP_ERR_INVALID (NULL)
 * or UPPP_ERR_PARSE (shorter than UPPP_VNET_HDR_LEN). */
int uppp_vnet_hdr_parse(const uint8_t *b, size_t len, struct uppp_vnet_hdr *h);

/* Write h as UPPP_VNET_HDR_LEN octets to out. */
void uppp_vnet_hdr_build(const struct uppp_vnet_hdr *h, uint8_t out[UPPP_VNET_HDR_LEN]);

/* The Internet checksum (RFC 1071) of len octets, folded and complemented,
 * as it is stored in a header (network byte order in out[0..1]). */
void uppp_inet_csum(const uint8_t *p, size_t len, uint8_t out[2]);

typedef void (*uppp_tso_emit_fn)(void *user, const uint8_t *pkt, size_t len);

/* One packet read from the TUN, h its virtio-net header and pkt the IP
 * packet after it, turned into the IP packets it stands for, each passed
 * to emit in order:
 *   - no GSO and no partial checksum: pkt itself;
 *   - a partial checksum (UPPP_VNET_F_NEEDS_CSUM) and no GSO: pkt with the
 *     checksum completed over csum_start..len (TCP or UDP alike);
 *   - GSO TCPV4/TCPV6: segments of at most gso_size payload octets, each
 *     with its own IP length, IPv4 identification (+1 per segment) and
 *     header checksum, TCP sequence number and checksum; FIN and PSH only
 *     on the last segment, CWR only on the first.
 * pkt is rewritten in place (segment headers are written over payload
 * already emitted), so each emitted packet is valid only during its emit
 * call. Returns the number of packets emitted (>= 1), UPPP_ERR_INVALID
 * (NULL) or UPPP_ERR_PARSE (an empty packet, an unknown GSO type, headers that do not fit
 * or contradict the GSO type, IPv6 extension headers under GSO, an
 * IPv4 fragment, a checksum position outside the packet): nothing is
 * emitted then. */
int uppp_tso_split(const struct uppp_vnet_hdr *h, uint8_t *pkt, size_t len, uppp_tso_emit_fn emit,
                   void *user);

/* The coalescer: holds one growing packet in a caller's buffer. */
#define UPPP_GRO_MAX_IP 65535 /* an IPv4 total length, an IPv6 payload length */
#define UPPP_GRO_BUF (UPPP_VNET_HDR_LEN + UPPP_GRO_MAX_IP)

struct uppp_gro {
    uint8_t *buf; /* UPPP_GRO_BUF octets: header, then the held IP packet */
    size_t len;   /* IP packet octets held (0: nothing held) */
    uint16_t hl;  /* IP + TCP header octets of the held packet */
    uint16_t mss; /* payload of the first segment: every one but the last has it */
    uint16_t nseg;
    uint8_t closed; /* the last segment was short or had PSH: take it */
    uint32_t next_seq;
    /* Set by the caller after uppp_gro_init: PSH does not end the held
     * packet but is carried on it, so the kernel's segmentation (when it
     * forwards the packet) puts it on the last segment. For a caller that
     * takes the held packet at the end of each pass anyway, so data after
     * a PSH waits no longer than without it (see daemon/sess.c). */
    uint8_t psh_joins;
};

/* Set g up over buf (UPPP_GRO_BUF octets, owned by the caller). */
void uppp_gro_init(struct uppp_gro *g, uint8_t *buf);

enum uppp_gro_verdict {
    UPPP_GRO_PASS = 0, /* not a segment we coalesce: take the held packet,
                        * then write this one alone (flags 0, GSO none) */
    UPPP_GRO_HELD = 1, /* copied into the held packet */
    UPPP_GRO_FLUSH = 2 /* a segment of another stream (or not the next one):
                        * take the held packet, then add this one again */
};

/* Offer one IP packet that is to be written to the TUN. Coalesced are TCP
 * segments with payload whose only flags are ACK (and PSH, which ends the
 * packet unless psh_joins is set; the packet carries it then), IPv4
 * without options and fragments, IPv6 without extension headers, and
 * whose TCP checksum is right: the packet written carries a partial
 * checksum the kernel then trusts, so a segment corrupted on the
 * way (MPPE has no integrity check) must be left for the kernel to drop.
 * Segments join the held packet when everything but the IP length,
 * identification and checksum and the TCP sequence number, PSH and
 * checksum equals the first segment's, the sequence number follows on,
 * every earlier segment was full-sized and the total stays within
 * UPPP_GRO_MAX_IP. Returns a verdict (never negative). */
enum uppp_gro_verdict uppp_gro_add(struct uppp_gro *g, const uint8_t *pkt, size_t len);

/* Finish the held packet for writing: its virtio-net header (GSO with
 * gso_size = the first segment's payload and a partial TCP checksum when
 * two or more segments were coalesced, else all zero and the segment as it
 * came) and lengths. Returns the octets to write from g->buf (header
 * included), 0 when nothing is held; g is empty afterwards, the octets stay
 * in g->buf until the next uppp_gro_add. */
size_t uppp_gro_take(struct uppp_gro *g);

#ifdef __cplusplus
}
#endif

#endif
