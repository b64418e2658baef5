/*
 * PPTP for mppe-decrypt (RFC 2637): from IPv4 packets to the PPP frames of
 * each call, with the call as the link and its two GRE directions paired.
 *
 * The TCP 1723 control connections are reassembled (md_tcp.h) and their
 * Outgoing-Call-Reply and Incoming-Call-Reply read (sections 2.8, 2.10):
 * each carries both Call IDs of a call, so it pairs the GRE packets of the
 * two directions (the Key's Call ID is the receiver's, section 4.1). The
 * PNS is the client: its direction (PNS->PAC) is MD_DIR_B, the PAC's
 * (PAC->PNS, where pptpd's pppd authenticates) MD_DIR_A. A call ends with
 * Call-Clear-Request, Call-Disconnect-Notify (2.12, 2.13), the
 * Stop-Control-Connection messages or the end of its TCP connection.
 *
 * GRE packets (section 4.1, uppp_gre_parse) of a call pass through
 * libuppp's GRE receiver (uppp/pptp_gre.h), the one upppd runs: it puts
 * reordered packets back in sequence order (waiting up to 300 ms of
 * capture time for a gap, as pptp-linux), drops duplicates and counts what
 * never came. So stateful MPPE sees what upppd's receiver would see.
 *
 * A capture without the control connection (a "proto gre" filter, or one
 * started mid-call) still works: GRE flows of unknown Call IDs are paired
 * by address, the first unpaired flow each way between two hosts.
 *
 * Memory is bounded: MD_PPTP_MAX_CALLS calls (the oldest ended one, else
 * the least recently active, makes room), MD_PPTP_MAX_CONNS control
 * connections, each GRE receiver's window, and the queue of frames handed
 * out, which holds at most what one packet or one timer releases.
 */
#ifndef MD_PPTP_H
#define MD_PPTP_H

#include "md_capture.h"
#include "md_ip.h"
#include "md_tcp.h"

#include <stddef.h>
#include <stdint.h>

#define MD_PPTP_MAX_CALLS 1024
#define MD_PPTP_MAX_CONNS 1024
/* Calls whose receivers hold packets at once; past it the longest waiting
 * gives its gaps up early, bounding the buffered payloads. */
#define MD_PPTP_MAX_WAITING 64

struct md_pptp_stats {
    uint64_t gre;           /* GRE packets with a payload */
    uint64_t gre_bad;       /* not enhanced GRE (uppp_gre_parse refused them) */
    uint64_t gre_lost;      /* sequence numbers that never came */
    uint64_t gre_dup;       /* duplicates and packets too late */
    uint64_t calls;         /* calls paired by their control connection */
    uint64_t calls_guessed; /* GRE flows paired by address alone */
    uint64_t conns;         /* control connections */
    uint64_t ctrl_bad;      /* control messages that did not parse */
    struct md_tcp_stats tcp;
};

struct md_pptp;

/* Returns 0, UPPP_ERR_NOMEM. */
int md_pptp_new(struct md_pptp **out);
void md_pptp_del(struct md_pptp *p);

/* One IPv4 packet from the capture. PPP frames it completes are queued for
 * md_pptp_next(). Returns 0, or UPPP_ERR_NOMEM. */
int md_pptp_input(struct md_pptp *p, uint64_t ts_us, const uint8_t *ip, size_t len);

/* The capture ended: release every waiting frame, end every call. */
int md_pptp_finish(struct md_pptp *p);

/* The next queued unit: 1 with *u set (an MD_UNIT_FRAME, or an
 * MD_UNIT_LINK_END when a call is over; data valid until the next call),
 * 0 if none. */
int md_pptp_next(struct md_pptp *p, struct md_unit *u);

const struct md_pptp_stats *md_pptp_stats(const struct md_pptp *p);
const struct md_ip_stats *md_pptp_ip_stats(const struct md_pptp *p);

#endif
