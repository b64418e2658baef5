/*
 * The PPTP control connection and its calls, without I/O (RFC 2637
 * sections 3.1 and 3.2, for both roles: PNS = client, PAC = server).
 *
 * The caller owns the TCP socket: it feeds the bytes it read with
 * uppp_pptp_ctrl_read(), writes what comes out of the output callback, and
 * tells the object when the peer closed TCP. Time is the caller's clock in
 * milliseconds; uppp_pptp_ctrl_next_timer() says when to call
 * uppp_pptp_ctrl_handle_timer(). Events say when the connection is up, a
 * call is up (with the peer's Call ID and receive window, what GRE needs)
 * or down, and when the connection is over (the caller then closes TCP).
 *
 * Everything runs inside the call that fed it; callbacks must not re-enter
 * the object. One object per TCP connection: a hostile connection can use
 * up only its own object's bounded call table, timers and buffer.
 */
#ifndef UPPP_PPTP_CTRL_H
#define UPPP_PPTP_CTRL_H

#include <stddef.h>
#include <stdint.h>

#include <uppp/pptp_wire.h>

#ifdef __cplusplus
extern "C" {
#endif

enum uppp_pptp_role {
    UPPP_PPTP_PNS = 0, /* PPTP Network Server: the client, places outgoing calls */
    UPPP_PPTP_PAC = 1, /* PPTP Access Concentrator: the server */
};

/* The most calls one connection may hold (a bound on the call table). */
#define UPPP_PPTP_MAX_CALLS_LIMIT 1024

struct uppp_pptp_ctrl_config {
    enum uppp_pptp_role role;
    /* Section 3.1.4: an Echo-Request after this long without a message
     * from the peer (60 s), and the connection is dead if nothing comes
     * back within echo_timeout_ms (60 s). 0 = no keep-alive. */
    uint32_t echo_interval_ms;
    uint32_t echo_timeout_ms;
    /* How long to wait for Start-Control-Connection-Reply,
     * Outgoing-Call-Reply, Incoming-Call-Reply/-Connected (60 s). */
    uint32_t reply_timeout_ms;
    /* Each teardown step (Call-Disconnect-Notify after our
     * Call-Clear-Request, Stop-Control-Connection-Reply after our
     * Stop-Control-Connection-Request) waits this long (3 s, as mpd). */
    uint32_t stop_timeout_ms;
    /* PAC: close a connection that sends no Start-Control-Connection-
     * Request within this long (half-open; 0 = off; default 10 s). */
    uint32_t start_timeout_ms;
    /* More control messages than this within one second is abuse: the
     * connection is closed (0 = no limit; default 50). */
    uint32_t max_msgs_per_sec;
    /* Calls this connection may hold at once (1..UPPP_PPTP_MAX_CALLS_LIMIT,
     * default 16). */
    uint16_t max_calls;
    /* Our first Call ID; later ones count up, skipping those in use.
     * Default 0: pptpd's first Call ID is 0, so 0 is an ordinary Call ID. */
    uint16_t first_call_id;
    /* Our Packet Recv. Window Size (section 4.2.1; default 64, as
     * pptp-linux and pptpd advertise) and Packet Processing Delay. */
    uint16_t recv_window;
    uint16_t proc_delay;
    uint32_t connect_speed; /* bps reported in OCRP/ICCN (default 100000000) */
    uint16_t firmware;
    char host_name[UPPP_PPTP_HOSTNAME_LEN + 1];
    char vendor[UPPP_PPTP_VENDOR_LEN + 1];
};

/* Fill cfg with the defaults above for role. */
void uppp_pptp_ctrl_config_init(struct uppp_pptp_ctrl_config *cfg, enum uppp_pptp_role role);

enum uppp_pptp_conn_state {
    UPPP_PPTP_CONN_IDLE = 0,
    UPPP_PPTP_CONN_WAIT_CTL_REPLY,   /* PNS: SCCRQ sent */
    UPPP_PPTP_CONN_WAIT_CTL_REQUEST, /* PAC: TCP up, waiting for SCCRQ */
    UPPP_PPTP_CONN_ESTABLISHED,
    UPPP_PPTP_CONN_CLEARING,        /* our stop: waiting for calls to clear */
    UPPP_PPTP_CONN_WAIT_STOP_REPLY, /* our StopCCRQ sent */
    UPPP_PPTP_CONN_CLOSED,          /* over: the caller closes TCP */
};

enum uppp_pptp_call_state {
    UPPP_PPTP_CALL_IDLE = 0,
    UPPP_PPTP_CALL_WAIT_REPLY,   /* PNS: OCRQ sent; PAC: ICRQ sent */
    UPPP_PPTP_CALL_WAIT_CONNECT, /* PNS: ICRP sent, waiting for ICCN */
    UPPP_PPTP_CALL_ESTABLISHED,
    UPPP_PPTP_CALL_WAIT_DISCONNECT, /* PNS: CCRQ sent, waiting for CDN */
};

enum uppp_pptp_close_reason {
    UPPP_PPTP_CLOSE_LOCAL = 1,     /* our stop completed (StopCCRP, or the peer closed TCP) */
    UPPP_PPTP_CLOSE_LOCAL_TIMEOUT, /* our stop: a teardown step timed out */
    UPPP_PPTP_CLOSE_PEER_STOP,     /* the peer sent Stop-Control-Connection-Request */
    UPPP_PPTP_CLOSE_PEER_TCP,      /* the peer closed TCP */
    UPPP_PPTP_CLOSE_REFUSED,       /* SCCRP with a result other than 1 */
    UPPP_PPTP_CLOSE_TIMEOUT,       /* no SCCRP / SCCRQ in time */
    UPPP_PPTP_CLOSE_NO_ECHO,       /* keep-alive failed */
    UPPP_PPTP_CLOSE_PROTOCOL,      /* malformed or out-of-order message */
    UPPP_PPTP_CLOSE_RATE,          /* more than max_msgs_per_sec */
};

enum uppp_pptp_event_type {
    UPPP_PPTP_EV_CONNECTED = 1, /* control connection established */
    UPPP_PPTP_EV_CALL_UP,       /* call_id, peer_call_id, peer_window, peer_delay */
    UPPP_PPTP_EV_CALL_DOWN,     /* call_id, peer_call_id, result, error */
    UPPP_PPTP_EV_SET_LINK_INFO, /* PAC: call_id, send_accm, recv_accm */
    UPPP_PPTP_EV_WAN_ERROR,     /* PNS: call_id (counters not passed on) */
    UPPP_PPTP_EV_CLOSED,        /* reason, err; the last event */
};

struct uppp_pptp_event {
    enum uppp_pptp_event_type type;
    uint16_t call_id;      /* ours: the Key of GRE packets we receive */
    uint16_t peer_call_id; /* the peer's: the Key of GRE packets we send */
    uint16_t peer_window;  /* peer's Packet Recv. Window Size */
    uint16_t peer_delay;   /* peer's Packet Processing / Transmit Delay */
    /* CALL_DOWN: the CDN Result Code when the PAC cleared it, 0 when it
     * ended locally (timeout, our clear, connection closed). CLOSED: the
     * SCCRP/StopCCRP result when there was one. */
    uint8_t result, error;
    enum uppp_pptp_close_reason reason;
    int err; /* CLOSED: the uppp_err that caused it, 0 for an orderly close */
    uint32_t send_accm, recv_accm;
};

struct uppp_pptp_ctrl_callbacks {
    /* Bytes to write to the TCP connection, in order. */
    void (*output)(void *user, const uint8_t *data, size_t len);
    void (*event)(void *user, const struct uppp_pptp_event *ev);
    /* One log line (uppp_log_level), without newline; peer strings in it are
     * escaped. NULL: no logging. */
    void (*log)(void *user, int level, const char *line);
};

struct uppp_pptp_ctrl;

/* Create a control connection object. cfg and cb are copied. Returns 0,
 * UPPP_ERR_INVALID (NULL pointer, no output/event callback, max_calls 0
 * or above UPPP_PPTP_MAX_CALLS_LIMIT) or UPPP_ERR_NOMEM. */
int uppp_pptp_ctrl_new(struct uppp_pptp_ctrl **pc, const struct uppp_pptp_ctrl_config *cfg,
                       const struct uppp_pptp_ctrl_callbacks *cb, void *user);

void uppp_pptp_ctrl_del(struct uppp_pptp_ctrl *c);

/* TCP is connected: a PNS sends Start-Control-Connection-Request, a PAC
 * starts waiting for one (start_timeout_ms). Returns 0, UPPP_ERR_INVALID
 * (NULL) or UPPP_ERR_PROTO (already started). */
int uppp_pptp_ctrl_start(struct uppp_pptp_ctrl *c, uint64_t now);

/* Bytes read from TCP, in any split. Returns 0, or (the connection is then
 * CLOSED and the CLOSED event has been sent) UPPP_ERR_PARSE for a broken
 * message or stream, UPPP_ERR_PROTO for a message out of order or in the
 * wrong direction, UPPP_ERR_LIMIT for more than max_msgs_per_sec;
 * UPPP_ERR_CLOSED if it was closed already (the bytes are ignored);
 * UPPP_ERR_PROTO, without closing, before uppp_pptp_ctrl_start();
 * UPPP_ERR_INVALID for a NULL pointer. Messages for unknown calls are
 * logged and ignored: they are what a clear racing a notify looks like. */
int uppp_pptp_ctrl_read(struct uppp_pptp_ctrl *c, const uint8_t *data, size_t len, uint64_t now);

/* Place a call: a PNS sends Outgoing-Call-Request, a PAC
 * Incoming-Call-Request. *call_id gets our Call ID; CALL_UP or CALL_DOWN
 * follows. Returns 0, UPPP_ERR_INVALID (NULL), UPPP_ERR_PROTO (connection
 * not established) or UPPP_ERR_LIMIT (max_calls calls, or every Call ID
 * in use). */
int uppp_pptp_ctrl_call(struct uppp_pptp_ctrl *c, uint64_t now, uint16_t *call_id);

/* Clear our call call_id: a PNS sends Call-Clear-Request and waits
 * stop_timeout_ms for Call-Disconnect-Notify; a PAC sends
 * Call-Disconnect-Notify (Admin Shutdown) and the call is down at once.
 * Returns 0, UPPP_ERR_INVALID (NULL, no such call) or UPPP_ERR_CLOSED. */
int uppp_pptp_ctrl_clear(struct uppp_pptp_ctrl *c, uint16_t call_id, uint64_t now);

/* PNS: send Set-Link-Info for call_id (section 2.15). Returns 0,
 * UPPP_ERR_INVALID (NULL, no such established call, or we are the PAC) or
 * UPPP_ERR_CLOSED. */
int uppp_pptp_ctrl_set_link_info(struct uppp_pptp_ctrl *c, uint16_t call_id, uint32_t send_accm,
                                 uint32_t recv_accm);

/* Orderly teardown, in the order issue 10 asks for: every call cleared
 * first (as uppp_pptp_ctrl_clear), then Stop-Control-Connection-Request,
 * each step bounded by stop_timeout_ms; CLOSED ends it. Before the
 * connection is established it just closes. Returns 0, UPPP_ERR_INVALID
 * (NULL) or UPPP_ERR_CLOSED. */
int uppp_pptp_ctrl_stop(struct uppp_pptp_ctrl *c, uint64_t now);

/* The peer closed TCP (or it broke): every call goes down, then CLOSED. */
void uppp_pptp_ctrl_tcp_closed(struct uppp_pptp_ctrl *c, uint64_t now);

/* When handle_timer is next due (caller's ms clock), or UINT64_MAX. */
uint64_t uppp_pptp_ctrl_next_timer(const struct uppp_pptp_ctrl *c);

/* Run the timers due at now. Returns 0, UPPP_ERR_INVALID (NULL) or
 * UPPP_ERR_CLOSED when the connection is (now) closed. */
int uppp_pptp_ctrl_handle_timer(struct uppp_pptp_ctrl *c, uint64_t now);

enum uppp_pptp_conn_state uppp_pptp_ctrl_state(const struct uppp_pptp_ctrl *c);

/* State of our call call_id (UPPP_PPTP_CALL_IDLE if there is none). */
enum uppp_pptp_call_state uppp_pptp_ctrl_call_state(const struct uppp_pptp_ctrl *c,
                                                    uint16_t call_id);

#ifdef __cplusplus
}
#endif

#endif
