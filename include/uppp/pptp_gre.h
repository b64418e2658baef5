/*
 * PPTP's enhanced GRE (RFC 2637 section 4): the header codec of section 4.1
 * and one call's data channel without I/O: sequence numbers, acks
 * (piggy-backed, or alone when no data goes out), the sliding window of
 * section 4.2, and a reorder buffer (section 4.3 lets a receiver reorder).
 *
 * The reorder buffer exists for stateful MPPE (RFC 3078 section 8): a
 * dropped frame costs a Reset-Request round trip and every frame until the
 * next flag, a late one costs nothing if it is put back in order. So a
 * packet ahead of a gap waits up to reorder_timeout_ms (300 ms, pptp-linux's
 * default) for the gap to fill, then the gap is given up. Memory is bounded
 * by recv_window buffered packets of at most max_payload octets.
 *
 * The caller owns the raw GRE socket: it passes each received GRE packet
 * (the IP header already removed) to uppp_pptp_gre_recv() and sends what
 * comes out of the output callback; payloads (PPP frames, HDLC-free) come
 * out of the deliver callback in sequence order.
 */
#ifndef UPPP_PPTP_GRE_H
#define UPPP_PPTP_GRE_H

#include <stddef.h>
#include <stdint.h>

#include <uppp/pptp_wire.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------ header codec */

struct uppp_gre_hdr {
    uint16_t payload_len;
    uint16_t call_id; /* the Key's low half: the receiver's Call ID */
    uint8_t has_seq, has_ack;
    uint32_t seq, ack;
};

/* Parse the enhanced GRE header at the start of pkt (len octets). Checks:
 * C, R, s and Recur zero, K set, the other flag bits zero, Version 1,
 * Protocol Type 0x880B, the header's optional fields present, Payload
 * Length no more than what follows, and a payload only with a sequence
 * number (section 4.1: S is set whenever there is a payload); trailing
 * octets after the payload are ignored. Returns the header length (8 to
 * 16; the payload follows it), UPPP_ERR_INVALID for a NULL pointer or
 * UPPP_ERR_PARSE. */
int uppp_gre_parse(const uint8_t *pkt, size_t len, struct uppp_gre_hdr *h);

/* Build the header for h into buf; the caller puts h->payload_len octets
 * after it. Returns the header length, UPPP_ERR_INVALID (NULL, a payload
 * without a sequence number) or UPPP_ERR_NOBUF. */
int uppp_gre_build(const struct uppp_gre_hdr *h, uint8_t *buf, size_t cap);

/* ------------------------------------------------- the data channel */

/* Bounds on the reorder buffer (slots) and on its wait. */
#define UPPP_PPTP_GRE_MAX_WINDOW 256
#define UPPP_PPTP_GRE_MAX_REORDER_MS 10000

struct uppp_pptp_gre_config {
    uint16_t call_id;      /* ours: received packets must carry it */
    uint16_t peer_call_id; /* the peer's: the Key of packets we send */
    /* Our first sequence number (default 1, as pptp-linux; any value is
     * valid, the receiver takes the first it sees). */
    uint32_t first_seq;
    /* The peer's Packet Recv. Window Size from its call message. */
    uint16_t peer_window;
    /* Hold our packets to peer_window unacknowledged (section 4.2). Off by
     * default, following the real peers over the RFC: pptp-linux advertises
     * a window of 3 (PPTP_WINDOW in its pptp_options.h) yet never limits
     * its own sending and takes whatever arrives; honouring that 3 would
     * cap a call at 3 packets per ack round trip. */
    int enforce_peer_window;
    /* Reorder buffer slots (1..UPPP_PPTP_GRE_MAX_WINDOW; default 64, our
     * advertised Packet Recv. Window Size). */
    uint16_t recv_window;
    /* How long a packet after a gap waits for the gap (0..10000 ms; default
     * 300, pptp-linux's --timeout default). 0: never wait, drop nothing
     * early, deliver out-of-order packets at once skipping the gap. */
    uint32_t reorder_timeout_ms;
    /* An ack with no data to ride on goes out alone this long after the
     * packet it acknowledges (default 0: at the next handle_timer, i.e. as
     * soon as the caller's loop has sent whatever data it had). */
    uint32_t ack_delay_ms;
    /* Largest payload we send or buffer (default 4096; PPP frames of a
     * 1500-octet MRU plus MPPE and protocol overhead fit). */
    uint16_t max_payload;
    /* A sequence number more than this far ahead is taken as forged or
     * corrupt and dropped (pptp-linux's MISSING_WINDOW, 300), unless
     * UPPP_PPTP_GRE_RESYNC_RUN such packets in a row follow each other:
     * then the peer really jumped (a long outage) and we follow. */
    uint32_t missing_window;
    /* Our data still unacknowledged this long after the last packet we
     * sent: an ack goes out alone (default 400 ms; 0: never), again at the
     * same interval, at most UPPP_PPTP_GRE_MAX_POKES times per burst. For
     * pptpd 1.4.0: pptpctrl hands on the packets waiting in its reorder
     * queue behind a lost one only when its next GRE packet arrives (its
     * select() timeout ignores the queue), so after a loss at the end of a
     * burst they waited for our next data, i.e. TCP's next retransmission,
     * and under stateful MPPE the loss itself went unseen until then. Any
     * GRE packet releases them once its 300 ms wait is over. */
    uint32_t poke_ms;
};
#define UPPP_PPTP_GRE_RESYNC_RUN 3
#define UPPP_PPTP_GRE_MAX_POKES 3

void uppp_pptp_gre_config_init(struct uppp_pptp_gre_config *cfg);

struct uppp_pptp_gre_callbacks {
    /* One whole GRE packet (header + payload) to send. */
    void (*output)(void *user, const uint8_t *pkt, size_t len);
    /* One payload, in sequence order. It may call uppp_pptp_gre_send(). */
    void (*deliver)(void *user, const uint8_t *payload, size_t len);
};

struct uppp_pptp_gre_stats {
    uint64_t tx_data, tx_acks, tx_window_full;
    uint64_t tx_pokes;     /* lone acks for our unacknowledged data (poke_ms) */
    uint64_t rx_delivered; /* payloads handed to deliver */
    uint64_t rx_buffered;  /* arrived after a gap and waited */
    uint64_t rx_lost;      /* sequence numbers given up (timeout or pressure) */
    uint64_t rx_stale;     /* duplicates and packets behind what was delivered */
    uint64_t rx_overwin;   /* too far ahead: dropped as forged */
    uint64_t rx_resyncs;   /* jumps followed (UPPP_PPTP_GRE_RESYNC_RUN) */
    uint64_t rx_bad_key;   /* another call's Call ID */
    uint64_t rx_bad_ack;   /* an ack for a packet we never sent */
    uint64_t rx_ack_only;  /* acks that came alone */
    uint64_t rx_errors;    /* malformed headers, oversized payloads */
};

struct uppp_pptp_gre;

/* Returns 0, UPPP_ERR_INVALID (NULL, no callbacks, a bound out of range)
 * or UPPP_ERR_NOMEM. cfg and cb are copied. */
int uppp_pptp_gre_new(struct uppp_pptp_gre **pg, const struct uppp_pptp_gre_config *cfg,
                      const struct uppp_pptp_gre_callbacks *cb, void *user);

void uppp_pptp_gre_del(struct uppp_pptp_gre *g);

/* Send one payload: the next sequence number (the first is first_seq),
 * and our pending ack rides along.
 * Returns 0, UPPP_ERR_INVALID (NULL, empty payload), UPPP_ERR_NOBUF
 * (len > max_payload) or UPPP_ERR_LIMIT (enforce_peer_window is set and
 * peer_window packets are unacknowledged: the caller drops or holds the
 * payload). */
int uppp_pptp_gre_send(struct uppp_pptp_gre *g, const uint8_t *payload, size_t len, uint64_t now);

/* One received GRE packet. Payloads in order are delivered before it
 * returns. Returns 0 when the packet was used (delivered, buffered, an
 * ack) or dropped as a duplicate, stale or too far ahead (see stats);
 * UPPP_ERR_PARSE for a malformed header or a payload over max_payload;
 * UPPP_ERR_PROTO when its Call ID is not ours (nothing in it is used, not
 * even the ack); UPPP_ERR_INVALID for a NULL pointer. */
int uppp_pptp_gre_recv(struct uppp_pptp_gre *g, const uint8_t *pkt, size_t len, uint64_t now);

/* Packets the peer has not acknowledged yet. */
uint32_t uppp_pptp_gre_unacked(const struct uppp_pptp_gre *g);

/* When handle_timer is next due (reorder wait, lone ack, poke), or
 * UINT64_MAX. */
uint64_t uppp_pptp_gre_next_timer(const struct uppp_pptp_gre *g);

/* Give up gaps whose wait is over (delivering what waited behind them) and
 * send a lone ack if one is due (an ack or a poke, see poke_ms). Returns 0 or UPPP_ERR_INVALID
 * (NULL). */
int uppp_pptp_gre_handle_timer(struct uppp_pptp_gre *g, uint64_t now);

const struct uppp_pptp_gre_stats *uppp_pptp_gre_stats(const struct uppp_pptp_gre *g);

#ifdef __cplusplus
}
#endif

#endif
