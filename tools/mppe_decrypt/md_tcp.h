/*
 * One direction of a captured TCP connection (RFC 793 section 3.3:
 * sequence numbers), put back in order for the PPTP control connection
 * (RFC 2637 section 1.4: its messages are a byte stream over TCP port
 * 1723) and cut into messages by libuppp's reassembler
 * (uppp/pptp_msg.h).
 *
 * A passive observer sees retransmissions, segments out of order and
 * segments the capture lost. Old octets are dropped; segments ahead of the
 * next expected octet wait (at most MD_TCP_HOLD of them, MD_TCP_HOLD_BYTES
 * in all); when that is full the gap is given up. After a gap, or a
 * capture that starts mid-connection, the stream resynchronises on the
 * next PPTP header (Length of a known type, PPTP Message Type 1, the Magic
 * Cookie), so one lost segment costs the messages in it, not the rest.
 */
#ifndef MD_TCP_H
#define MD_TCP_H

#include <uppp/pptp_msg.h>

#include <stddef.h>
#include <stdint.h>

#define MD_TCP_HOLD 8
#define MD_TCP_HOLD_BYTES 16384

struct md_tcp_held {
    uint32_t seq;
    size_t len;
    uint8_t *data;
};

struct md_tcp_stats {
    uint64_t messages; /* control messages reassembled */
    uint64_t gaps;     /* octets never seen: a gap given up */
    uint64_t resyncs;  /* times the stream looked for the next header */
};

struct md_tcp_dir {
    int started, resync;
    uint32_t next; /* sequence number of the next octet in order */
    struct uppp_pptp_stream st;
    /* While resynchronising: the last octets seen, where a header may
     * begin that the next segment completes. */
    uint8_t carry[UPPP_PPTP_HEADER_LEN - 1];
    size_t carry_n;
    struct md_tcp_held held[MD_TCP_HOLD];
    size_t nheld, held_bytes;
};

/* Called with each whole message (valid for the call only); a non-zero
 * return stops the feed and is returned. */
typedef int (*md_tcp_msg_fn)(void *user, const uint8_t *msg, size_t len);

void md_tcp_init(struct md_tcp_dir *d);
/* Free what is held. */
void md_tcp_clear(struct md_tcp_dir *d);

/* One segment of this direction: its sequence number, SYN flag and data.
 * Returns 0, the callback's non-zero value, or UPPP_ERR_NOMEM. */
int md_tcp_segment(struct md_tcp_dir *d, uint32_t seq, int syn, const uint8_t *data, size_t len,
                   md_tcp_msg_fn cb, void *user, struct md_tcp_stats *st);

#endif
