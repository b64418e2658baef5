/*
 * PSH taken off TCP segments on their way into a TUN with offloads, so the
 * coalescer (uppp_gro, see uppp/tcp_offload.h) joins a whole pass's worth
 * of a stream instead of stopping at every PSH.
 *
 * uppp_gro follows the kernel's GRO and closes a packet at PSH. Over PPTP
 * in issue 10's VM bench the sending TCP set PSH every 3-4 segments, so
 * the receiving upppd-pptpd wrote ~4 segments per TUN write: each write
 * woke the reader and drew one TCP ack, which went back through the tunnel
 * (TUN read, stateless MPPE, GRE) and cost the sender a decryption and a
 * TUN write. The kernel flushes GRO at PSH to not hold data back; upppd
 * flushes at the end of every pass anyway, so joining across PSH delays
 * nothing. And Linux's receiving TCP ignores PSH (tcp_rcv_established's
 * header prediction masks it out, data reaches readers without it), and
 * the TUN's stack is always Linux's.
 */
#ifndef UPPPD_TCP_PUSH_H
#define UPPPD_TCP_PUSH_H

#include <stddef.h>
#include <stdint.h>

/* If pkt (len octets, an IPv4 or IPv6 packet) is a TCP segment with PSH
 * set, copy it to out (cap octets) with PSH clear and the TCP checksum
 * updated incrementally (RFC 1624 equation 3: a segment that was corrupt
 * stays corrupt, and the coalescer's check still rejects it). Returns 1
 * when out holds that copy, 0 when pkt has no PSH to clear (not TCP, a
 * fragment, no PSH, truncated) or is larger than cap: use pkt as it is. */
int upppd_tcp_copy_without_psh(const uint8_t *pkt, size_t len, uint8_t *out, size_t cap);

#endif
