/*
 * upppd-pptpd's server: one process, one event loop (loop.h) for every
 * PPTP control connection (conn.c: TCP 1723, a uppp_pptp_ctrl as PAC) and
 * every call (call.c: the GRE flow through the process's one raw GRE
 * socket, gre_sock.h, a upppd_sess in frame mode with its own pppN TUN,
 * pppd's hook scripts). server.c accepts connections, holds the address
 * slots and the limits, and frees what ended at the end of each pass.
 *
 * Limits against abuse, each logged once when first hit (a flood must not
 * become a log flood) and counted in upppd_pptpd_stats:
 *   - concurrent control connections (conf.connections; extra TCP
 *     connections are closed at once);
 *   - calls per control connection (the library's max_calls: the extra
 *     Outgoing-Call-Request gets a "no resources" reply);
 *   - control messages per second per connection (the library's
 *     max_msgs_per_sec: the connection is closed);
 *   - half-open connections: no Start-Control-Connection-Request within
 *     stimeout (the library's start_timeout_ms: closed);
 *   - a TCP peer that does not read our replies (output bounded: closed);
 *   - calls with no GRE within gre_timeout: cleared.
 * A hostile connection can use only its own bounded objects; it reaches
 * other clients' calls only through the GRE demultiplexer, which keys on
 * (source address, our Call ID).
 */
#ifndef UPPPD_PPTPD_SERVER_H
#define UPPPD_PPTPD_SERVER_H

#include "conf.h"
#include "gre_sock.h"
#include "hooks.h"
#include "log.h"
#include "loop.h"
#include "sess.h"
#include "tun.h"

#include <uppp/pptp_ctrl.h>
#include <uppp/pptp_gre.h>
#include <uppp/session.h>

#include <stdint.h>

struct upppd_pptpd_server;
struct upppd_pptpd_conn;
struct upppd_pptpd_rcall; /* radius_calls.h */
struct upppd_radius;

/* One call: a PPP session carried over GRE. */
struct upppd_pptpd_call {
    struct upppd_pptpd_conn *conn;
    struct upppd_pptpd_call *next; /* the connection's calls */
    uint16_t call_id, peer_call_id;
    int slot;       /* address slot, -1 none */
    char label[48]; /* "ppp3 pptp[7]" for log lines */
    struct upppd_gre_call gc;
    struct uppp_pptp_gre *flow;
    struct upppd_sess sess;
    struct upppd_tun tun;
    struct upppd_secret_store *store;
    struct upppd_hooks hooks;
    char device[40]; /* the scripts' "tty": "pptp:<client address>" */
    char ipparam[16];
    struct upppd_loop_timer timer; /* GRE flow timers and the no-GRE deadline */
    struct upppd_defer after;      /* end of pass: run due flow timers, re-arm */
    uint64_t gre_deadline;         /* UPPPD_TIMER_NONE once GRE came */
    uint64_t t_start;
    int sess_made, ip_up, auth_up, dead, down_done;
    /* MPPE and MPPC as they were when IPCP came up, for the summary (CCP is
     * down by the time it is written). */
    int mppe_bits, mppe_stateless, mppc;
    int clear;     /* the call is to be cleared on the control connection */
    int ctrl_down; /* the control connection has it down already */

    /* plugin radius.so: this call's RADIUS state (radius_calls.h). */
    struct upppd_pptpd_rcall *rad;
};

/* One control connection. */
struct upppd_pptpd_conn {
    struct upppd_pptpd_server *srv;
    struct upppd_pptpd_conn *next;
    unsigned id;
    int fd;
    uint32_t peer;  /* network order */
    uint32_t local; /* our address of the TCP connection (getsockname), network order */
    char peer_str[16];
    char label[48]; /* "pptp[7] 10.0.0.9" */
    struct uppp_pptp_ctrl *ctrl;
    struct upppd_watch w;
    struct upppd_loop_timer timer;
    struct upppd_defer after; /* end of pass: flush, clear calls, re-arm, close */
    uint8_t *obuf;
    size_t olen, ocap;
    int out_armed;
    int closed;     /* CLOSED came or TCP broke: free at the end of the pass */
    int stop;       /* send Stop-Control-Connection-Request at the end of the pass */
    int connected;  /* Start-Control-Connection came */
    int want_abort; /* the client does not read: close at the end of the pass */
    struct upppd_pptpd_call *calls;
    uint16_t first_call_id;
};

struct upppd_pptpd_stats {
    uint64_t accepted, refused_full, closed;
    uint64_t calls_up, calls_failed, calls_no_gre, calls_no_slot;
    uint64_t closed_halfopen, closed_rate, closed_protocol, closed_stuck;
};

struct upppd_pptpd_server {
    struct upppd_loop *loop;
    const struct upppd_pptpd_conf *conf;
    struct uppp_config ppp; /* from the options files; per call: addresses, framing */
    struct upppd_log *log;
    const char *etc_dir;
    struct upppd_gre_sock gre;
    int lfd;
    struct upppd_watch w_listen;
    int listen_paused;
    struct upppd_pptpd_conn *conns;
    int nconns;
    struct upppd_pptpd_call **slots; /* conf->connections entries, NULL = free */
    unsigned next_conn_id;
    uint16_t next_call_base;
    struct upppd_defer reap;
    int reap_pending;
    unsigned logged; /* limits already logged once */
    int stopping;
    struct upppd_pptpd_stats st;
    /* runas (privsep.h): the root helper for scripts and secrets, or NULL
     * (or its fd < 0); orig_uid: who started us. Set by main.c. */
    struct upppd_privsep *ps;
    uid_t orig_uid;
    /* Tests: no TUN (IP goes nowhere) when set. */
    int no_tun;
    struct upppd_radius *rad; /* plugin radius.so (radius_calls.h), or NULL */
};

/* Bits of upppd_pptpd_server.logged. */
enum {
    UPPPD_PPTPD_LOGGED_CONNS = 1u << 0,
    UPPPD_PPTPD_LOGGED_CALLS = 1u << 1,
    UPPPD_PPTPD_LOGGED_RATE = 1u << 2,
    UPPPD_PPTPD_LOGGED_HALFOPEN = 1u << 3,
    UPPPD_PPTPD_LOGGED_NOGRE = 1u << 4,
    UPPPD_PPTPD_LOGGED_SLOTS = 1u << 5,
    UPPPD_PPTPD_LOGGED_STUCK = 1u << 6,
    UPPPD_PPTPD_LOGGED_PROTO = 1u << 7,
};

/* Set up the server on loop: the listening socket (conf->listen, port
 * conf->port), the raw GRE socket, the slots. ppp is the PPP configuration
 * from the options files (copied). Returns 0, or -1 with a message in err
 * (errno kept: EADDRINUSE, EPERM without CAP_NET_RAW, ...). */
int upppd_pptpd_server_init(struct upppd_pptpd_server *s, struct upppd_loop *loop,
                            const struct upppd_pptpd_conf *conf, const struct uppp_config *ppp,
                            const char *etc_dir, struct upppd_log *log, char *err, size_t errcap);

/* Orderly stop (SIGTERM): stop listening, end every session (LCP
 * Terminate), clear every call, stop every connection. The loop runs on
 * until upppd_pptpd_server_idle(). */
void upppd_pptpd_server_stop(struct upppd_pptpd_server *s);
int upppd_pptpd_server_idle(const struct upppd_pptpd_server *s);

/* Close everything at once and free. */
void upppd_pptpd_server_fini(struct upppd_pptpd_server *s);

/* Log a limit the first time it is hit. */
void upppd_pptpd_limit_once(struct upppd_pptpd_server *s, unsigned bit, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- conn.c ---- */
/* Take over an accepted TCP fd. Returns the connection or NULL (the fd is
 * then closed). */
struct upppd_pptpd_conn *upppd_pptpd_conn_new(struct upppd_pptpd_server *s, int fd, uint32_t peer);
/* Free a closed connection (its calls first). */
void upppd_pptpd_conn_free(struct upppd_pptpd_conn *c);
/* Ask for a clear of call k at the end of the pass (k->clear set). */
void upppd_pptpd_conn_poke(struct upppd_pptpd_conn *c);

/* ---- call.c ---- */
/* The control connection brought call_id up. Returns the call, or NULL
 * when it cannot be carried (no address, no TUN, ...; logged): the caller
 * clears it. */
struct upppd_pptpd_call *upppd_pptpd_call_new(struct upppd_pptpd_conn *c,
                                              const struct uppp_pptp_event *ev);
/* The call went down on the control connection (or the connection
 * closed): end the session at once, run the down scripts. */
void upppd_pptpd_call_down(struct upppd_pptpd_call *k, const char *why);
/* Orderly end (SIGTERM): LCP Terminate-Request; the call is cleared when
 * the session is over. */
void upppd_pptpd_call_close(struct upppd_pptpd_call *k);
void upppd_pptpd_call_free(struct upppd_pptpd_call *k);

#endif
