/*
 * MPPE on the wire (RFC 3078): the CCP option that negotiates it (section 2)
 * and the two-byte header in front of every encrypted datagram (section
 * 3.1). That header is also MPPC's (RFC 2118 section 3.1: the same A/B/C/D
 * flags and 12-bit coherency count), so both CCP methods read and write it
 * here and nowhere else. The engine is in mppe.h, the CCP automaton uses
 * the option bits.
 */
#ifndef UPPP_MPPE_WIRE_H
#define UPPP_MPPE_WIRE_H

#include <stdint.h>

/* RFC 3078 section 3: every MPPE datagram travels as PPP protocol 0x00FD
 * (shared with CCP "compressed datagram", RFC 1962 section 4), possibly
 * PFC-compressed to the single byte 0xFD. */
#define UPPP_PPP_PROTO_MPPE 0x00FD

/* RFC 3078 section 3: only PPP protocols 0x0021..0x00FA go through MPPE;
 * everything else (LCP, CCP, IPCP, ...) is sent with its own number, in the
 * clear. Linux ppp_mppe applies exactly this range. */
#define UPPP_MPPE_PROTO_MIN 0x0021
#define UPPP_MPPE_PROTO_MAX 0x00FA

/* RFC 3078 section 3.1: |A|B|C|D| 12-bit coherency count |, big-endian. */
#define UPPP_MPPE_HDR_LEN 2
/* A: the RC4 tables were re-initialised before this packet ("FLUSHED"). */
#define UPPP_MPPE_BIT_A 0x80
#define UPPP_MPPE_BIT_FLUSHED UPPP_MPPE_BIT_A
/* B, C: MPPC (RFC 2118) only, no meaning for MPPE; ignored on receive as
 * Linux ignores them. */
#define UPPP_MPPE_BIT_B 0x40
#define UPPP_MPPE_BIT_C 0x20
/* D: the packet is encrypted. */
#define UPPP_MPPE_BIT_D 0x10
#define UPPP_MPPE_BIT_ENCRYPTED UPPP_MPPE_BIT_D
/* The four flag bits live in the top nibble of the first header byte. */
#define UPPP_MPPE_BITS_MASK 0xF0

/* RFC 3078 section 3.1: the count goes 0..4095 and wraps to 0. */
#define UPPP_MPPE_CCOUNT_MASK 0x0FFF
#define UPPP_MPPE_CCOUNT_SPACE 4096
/* RFC 3078 sections 7.2, 8.2: in stateful mode the packet whose count has
 * low octet 0xFF is the "flag" packet, sent under a new key. */
#define UPPP_MPPE_FLAG_LOW_OCTET 0xFF

/* The header's flags (A..D, in place: UPPP_MPPE_BIT_*) and coherency count
 * (RFC 3078 section 3.1, RFC 2118 section 3.1). */
static inline unsigned uppp_ccp_hdr_flags(const uint8_t hdr[UPPP_MPPE_HDR_LEN])
{
    return hdr[0] & UPPP_MPPE_BITS_MASK;
}
static inline unsigned uppp_ccp_hdr_count(const uint8_t hdr[UPPP_MPPE_HDR_LEN])
{
    return ((unsigned)(hdr[0] & 0x0f) << 8) | hdr[1];
}
/* Write flags (UPPP_MPPE_BIT_* only) and count (taken modulo 4096). */
static inline void uppp_ccp_hdr_put(uint8_t hdr[UPPP_MPPE_HDR_LEN], unsigned flags, unsigned count)
{
    count &= UPPP_MPPE_CCOUNT_MASK;
    hdr[0] = (uint8_t)((flags & UPPP_MPPE_BITS_MASK) | (count >> 8));
    hdr[1] = (uint8_t)count;
}

/* Bytes an MPPE packet adds in front of the payload, not counting the
 * outer 0x00FD protocol field: the header plus the encrypted 2-byte inner
 * protocol. The MTU offered to the network layer shrinks by this much. */
#define UPPP_MPPE_OVERHEAD 4

/* RFC 3078 section 2: CCP configuration option 18, length 6, then 32
 * "Supported Bits", most significant octet first. Values below are of that
 * 32-bit big-endian word. */
#define UPPP_CCP_OPT_MPPE 18
#define UPPP_CCP_OPT_MPPE_LEN 6
/* H (0x01 in the most significant octet): stateless mode. */
#define UPPP_MPPE_OPT_H 0x01000000u
/* M (0x80 in the least significant octet): 56-bit keys. */
#define UPPP_MPPE_OPT_M 0x00000080u
/* S (0x40): 128-bit keys. */
#define UPPP_MPPE_OPT_S 0x00000040u
/* L (0x20): 40-bit keys. */
#define UPPP_MPPE_OPT_L 0x00000020u
/* D (0x10): obsolete, SHOULD NOT be accepted. */
#define UPPP_MPPE_OPT_D 0x00000010u
/* C (0x01): MPPC compression (RFC 2118), which we do not implement. */
#define UPPP_MPPE_OPT_C 0x00000001u
/* Every bit RFC 3078 defines; the rest are reserved and MUST be 0. */
#define UPPP_MPPE_OPT_KNOWN                                                                        \
    (UPPP_MPPE_OPT_H | UPPP_MPPE_OPT_M | UPPP_MPPE_OPT_S | UPPP_MPPE_OPT_L | UPPP_MPPE_OPT_D |     \
     UPPP_MPPE_OPT_C)

#endif
