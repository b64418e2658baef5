/*
 * The process's one raw GRE socket (IP protocol 47) on the event loop, and
 * the demultiplexer that hands each received PPTP GRE packet (RFC 2637
 * section 4.1) to the call it belongs to.
 *
 * One socket serves every call of the process, client or server: Linux
 * gives each raw socket a copy of every GRE packet for the host, so one per
 * call would cost each packet N copies. Its existence also matters: while
 * no raw GRE socket is open, the host answers GRE with ICMP
 * protocol-unreachable, which makes a PPTP peer drop the call.
 *
 * A call is found by (peer IPv4 address, our Call ID): the Key carries the
 * receiver's Call ID (section 4.1), and Call IDs are only unique per
 * control connection, so the source address is part of the key. Packets
 * that are malformed, not for a registered call, or from the wrong source
 * are counted and dropped without a log line each (a flood must not become
 * a log flood). Work per packet is bounded: one header check, one hash
 * lookup, one callback.
 */
#ifndef UPPPD_GRE_SOCK_H
#define UPPPD_GRE_SOCK_H

#include "loop.h"

#include <stddef.h>
#include <stdint.h>

/* One registered call: the owner embeds it and fills peer, call_id, recv. */
struct upppd_gre_call {
    uint32_t peer;    /* the peer's IPv4 address, network byte order */
    uint16_t call_id; /* ours: the Key of the GRE packets the peer sends */
    /* One GRE packet for this call (IP header removed, GRE header checked
     * by uppp_gre_parse), borrowed for the call; now = upppd_loop_now().
     * It may unregister this call (not others), and may send. */
    void (*recv)(struct upppd_gre_call *c, const uint8_t *gre, size_t len, uint64_t now);
    struct upppd_gre_call *next; /* the socket's hash chain */
    int registered;
};

struct upppd_gre_stats {
    uint64_t rx_packets; /* read from the socket or fed to upppd_gre_sock_demux */
    uint64_t rx_delivered;
    uint64_t rx_bad_ip;  /* not a whole unfragmented IPv4 GRE packet */
    uint64_t rx_bad_gre; /* not an enhanced GRE header (uppp_gre_parse) */
    uint64_t rx_unknown; /* no call registered for (source, Key) */
    uint64_t tx_packets;
    uint64_t tx_errors; /* sendto failed (full buffer, no route): dropped */
};

struct upppd_gre_txq; /* packets waiting for the end of the pass (gre_sock.c) */

struct upppd_gre_sock {
    struct upppd_loop *loop;
    int fd; /* -1: demux only (upppd_gre_sock_init) */
    struct upppd_watch w;
    struct upppd_gre_txq *txq;
    struct upppd_defer txflush;
    struct upppd_gre_call **buckets;
    size_t ncalls;
    struct upppd_gre_stats st;
};

/* The demultiplexer without a socket (tests, fuzzing): 0, or -1 with errno
 * ENOMEM. */
int upppd_gre_sock_init(struct upppd_gre_sock *g, struct upppd_loop *loop);

/* Open the raw socket, bound to local (IPv4, network byte order; 0 = any
 * address: every GRE packet of the host), non-blocking, watched on loop.
 * Returns 0, or -1 with errno (EPERM without CAP_NET_RAW, EADDRNOTAVAIL,
 * ENOMEM, ...). */
int upppd_gre_sock_open(struct upppd_gre_sock *g, struct upppd_loop *loop, uint32_t local);

/* Stop watching, close the socket, free the table. Registered calls are
 * simply forgotten. Safe on a zeroed or closed object. */
void upppd_gre_sock_close(struct upppd_gre_sock *g);

/* Register c (peer, call_id and recv filled in). Returns 0, or -1 with
 * errno EEXIST (that key is taken) or EINVAL (no recv, already
 * registered). */
int upppd_gre_sock_register(struct upppd_gre_sock *g, struct upppd_gre_call *c);

/* Forget c; nothing is delivered to it after this. No-op if c is not
 * registered. */
void upppd_gre_sock_unregister(struct upppd_gre_sock *g, struct upppd_gre_call *c);

/* The call registered for (peer, call_id), or NULL. */
struct upppd_gre_call *upppd_gre_sock_find(const struct upppd_gre_sock *g, uint32_t peer,
                                           uint16_t call_id);

/* One received IPv4 packet (header included, as a raw socket reads it):
 * check it, find its call, hand it over. Returns 0 when a call took it,
 * UPPP_ERR_PARSE (bad IP or GRE header) or UPPP_ERR_PROTO (no such call);
 * each is counted in the stats. */
int upppd_gre_sock_demux(struct upppd_gre_sock *g, const uint8_t *ip, size_t len, uint64_t now);

/* Send one GRE packet (header + payload, as uppp_pptp_gre's output gives
 * it) to peer (network byte order); the kernel adds the IP header. The
 * packet is copied and goes out with the others of this loop pass in one
 * sendmmsg at the end of the pass (or when 16 wait). A full socket buffer
 * drops the packet, as a full device queue would; failures are counted in
 * tx_errors. Returns 0, or -1 with errno (no socket: EBADF; a packet
 * larger than 8 KiB: EMSGSIZE). */
int upppd_gre_sock_send(struct upppd_gre_sock *g, uint32_t peer, const uint8_t *pkt, size_t len);

/* upppd_gre_sock_send from the source address local (network byte order;
 * 0: the kernel's choice, as upppd_gre_sock_send). A PPTP client takes GRE
 * only from the address it connected its TCP to (pptp-linux connect()s its
 * GRE socket; upppd's gre_sock keys calls by source), so a server with
 * several addresses sends each call's GRE from the local address of its
 * control connection. Same return codes as upppd_gre_sock_send; a local
 * address the host does not have makes the sendmmsg fail (tx_errors). */
int upppd_gre_sock_send_from(struct upppd_gre_sock *g, uint32_t local, uint32_t peer,
                             const uint8_t *pkt, size_t len);

#endif
