/*
 * A PPTP client link on the event loop (RFC 2637): the TCP control
 * connection to the server (non-blocking connect, uppp_pptp_ctrl as PNS),
 * one outgoing call, and the call's enhanced GRE data channel
 * (uppp_pptp_gre) through the process's raw GRE socket (gre_sock.h). It
 * carries whole PPP frames: the owner sends with upppd_pptp_link_send and
 * gets received frames through ops.frame, in sequence order.
 *
 * Lifetime: open (TCP connect starts) -> CONNECTING -> CONTROL (SCCRQ
 * sent) -> CALLING (OCRQ sent) -> UP -> (stop, or the server hangs up) ->
 * CLOSED. The owner runs the loop and reads l->state; ops.down says when a
 * link that was UP went away (the PPP session then hangs up).
 */
#ifndef UPPPD_PPTP_LINK_H
#define UPPPD_PPTP_LINK_H

#include "gre_sock.h"
#include "loop.h"

#include <uppp/pptp_ctrl.h>
#include <uppp/pptp_gre.h>

#include <stddef.h>
#include <stdint.h>

enum upppd_pptp_link_state {
    UPPPD_PPTP_IDLE = 0,
    UPPPD_PPTP_CONNECTING, /* TCP connect in progress */
    UPPPD_PPTP_CONTROL,    /* Start-Control-Connection-Request sent */
    UPPPD_PPTP_CALLING,    /* Outgoing-Call-Request sent */
    UPPPD_PPTP_UP,         /* the call carries frames */
    UPPPD_PPTP_STOPPING,   /* our teardown, or the call went down: clearing, stopping */
    UPPPD_PPTP_CLOSED,     /* over; TCP closed */
};

struct upppd_pptp_link_params {
    const char *host;    /* for log lines (escaped there) */
    uint32_t server;     /* IPv4, network byte order */
    uint16_t port;       /* host order */
    uint32_t localbind;  /* IPv4, network byte order; 0 = any */
    uint32_t reorder_ms; /* uppp_pptp_gre reorder_timeout_ms */
    uint32_t echo_ms;    /* uppp_pptp_ctrl echo_interval_ms (0 = none) */
    uint32_t connect_timeout_ms;
};

struct upppd_pptp_link_ops {
    void *user;
    /* One received PPP frame (HDLC-free), borrowed. It may call
     * upppd_pptp_link_send. */
    void (*frame)(void *user, const uint8_t *frame, size_t len);
    /* A link that was UP is gone (why: for the log; the link logged the
     * details). Called once; may not free the link. */
    void (*down)(void *user, const char *why);
    void (*log)(void *user, int level, const char *line);
};

struct upppd_pptp_link {
    struct upppd_loop *loop;
    struct upppd_gre_sock *gs;
    struct upppd_pptp_link_params p;
    struct upppd_pptp_link_ops ops;
    enum upppd_pptp_link_state state;
    int fd;
    struct upppd_watch w;
    int out_armed;
    uint8_t obuf[4096]; /* control messages waiting for TCP (each at most 220 octets) */
    size_t olen;
    struct uppp_pptp_ctrl *ctrl;
    int in_ctrl; /* inside a uppp_pptp_ctrl call: do not re-enter it */
    int want_call, want_stop, want_close;
    struct uppp_pptp_gre *gre;
    struct upppd_gre_call call;
    uint16_t call_id, peer_call_id;
    struct upppd_loop_timer timer;
    uint64_t connect_deadline;
    struct upppd_defer after;
    char fail[160]; /* why the link never came up, or why it went down */
    int was_up, down_told;
    int sli_sent; /* Set-Link-Info sent with these ACCMs */
    uint32_t sli_send, sli_recv;
};

/* Start connecting to p->server:p->port. gs must be open (one per
 * process) and outlive the link. Returns 0, or -1 with the reason in
 * l->fail (socket, bind to localbind or connect failed at once). */
int upppd_pptp_link_open(struct upppd_pptp_link *l, struct upppd_loop *loop,
                         struct upppd_gre_sock *gs, const struct upppd_pptp_link_params *p,
                         const struct upppd_pptp_link_ops *ops);

/* Send one PPP frame on the call (dropped unless UP). Returns 0 or a
 * uppp_pptp_gre_send error (UPPP_ERR_CLOSED when not UP). */
int upppd_pptp_link_send(struct upppd_pptp_link *l, const uint8_t *frame, size_t len);

/* The ACCMs LCP agreed: Set-Link-Info (RFC 2637 2.15) when the call is up
 * and they differ from what was sent last. */
void upppd_pptp_link_set_accm(struct upppd_pptp_link *l, uint32_t send_accm, uint32_t recv_accm);

/* Orderly teardown: Call-Clear-Request, then Stop-Control-Connection-
 * Request, each bounded by uppp_pptp_ctrl's stop timeout, then TCP closes.
 * Before the control connection is up it closes at once. */
void upppd_pptp_link_stop(struct upppd_pptp_link *l);

/* Close everything now (a second signal). */
void upppd_pptp_link_abort(struct upppd_pptp_link *l);

/* Free the control and GRE objects, unregister, close TCP. */
void upppd_pptp_link_free(struct upppd_pptp_link *l);

/* Look host up (a dotted quad or a name; IPv4 only). Returns 0 and
 * *addr (network byte order), or -1 with a message in err. */
int upppd_pptp_resolve(const char *host, uint32_t *addr, char *err, size_t errcap);

#endif
