/*
 * RADIUS for the daemon: the library's client (uppp/radius_client.h) on
 * the event loop, UDP sockets to the servers of radiusclient.conf, and what
 * pppd's radius plugin does with the answers (ppp-project/ppp
 * pppd/plugins/radius/radius.c, for the facts): Access-Requests from the
 * session's auth_request, the verdict with the MPPE keys, address, MTU and
 * encryption policy, Session-Timeout and Idle-Timeout for the owner, and
 * accounting Start / Interim-Update / Stop with the session's counters.
 *
 * Nothing here blocks: a request goes out, the loop runs on (every other
 * session too), and the answer or the give-up comes as a loop event.
 *
 * At most 256 Access-Requests and 256 Accounting-Requests are in flight
 * (the Identifiers of a server); more wait in line (FIFO) and go out as
 * answers come.
 *
 * One upppd_radius serves every session of a process; each session embeds
 * a struct upppd_radius_call. The call must stay valid until
 * upppd_radius_call_end(), after which no callback names it.
 */
#ifndef UPPPD_RADIUS_H
#define UPPPD_RADIUS_H

#include "loop.h"
#include "radius_conf.h"
#include "sess.h"

#include <uppp/radius_client.h>
#include <uppp/session.h>

#include <stddef.h>
#include <stdint.h>

struct upppd_radius;

struct upppd_radius_params {
    const char *config_file; /* radiusclient.conf; NULL: the default */
    const char *const *avpairs;
    size_t n_avpairs;
    int allow_no_ma; /* radius-allow-no-message-authenticator */
    /* Log lines (syslog levels). */
    void (*log)(void *user, int level, const char *line);
    void *log_user;
};

struct upppd_radius_call {
    struct upppd_radius *r;
    struct upppd_sess *sess;
    uint64_t handle;
    uint32_t nas_port;
    char calling[64];      /* Calling-Station-Id; "" = none */
    char user[256];        /* User-Name sent (the peer's name, realm added) */
    char session_id[20];   /* Acct-Session-Id */
    unsigned method;       /* of the pending request */
    uint8_t challenge[16]; /* MS-CHAPv1: keys are derived from it */
    int auth_pending;
    int accepted;
    /* More than 256 requests at once: this one waits in line (FIFO). */
    struct upppd_radius_call *wait_next;
    struct uppp_radius_req *wait_req;
    /* From the Access-Accept, for the owner and for accounting. */
    uint32_t framed_ip;
    uint32_t session_timeout, idle_timeout, interim_s; /* seconds; 0 = none */
    size_t nclass;
    size_t class_len[UPPP_RADIUS_MAX_CLASS];
    uint8_t class_val[UPPP_RADIUS_MAX_CLASS][253];
    /* Accounting. */
    int acct_started;
    uint32_t acct_ip;       /* the peer's address at Start, for every record */
    uint32_t nas_port_type; /* RFC 2865 5.41: Virtual (5) unless the owner says Async (0) */
    uint64_t t_acct_start;
    struct upppd_loop_timer interim;
    /* Before an Access-Accept is taken (NULL: no check): may the peer
     * have address ip (Framed-IP-Address, host order; 0 = the owner's own
     * choice)? Nonzero refuses the peer (a server with many calls: the
     * address is another call's). */
    int (*check_ip)(struct upppd_radius_call *call, uint32_t ip);
    /* Called after the verdict of an Access-Accept went to the session
     * (NULL: nothing to do); the owner applies session_timeout and
     * idle_timeout. */
    void (*on_accept)(struct upppd_radius_call *call);
};

/* Read the configuration, resolve the servers, open one UDP socket per
 * server on loop. Returns 0, or -1 with err (the configuration, a name
 * that does not resolve, a socket). */
int upppd_radius_open(struct upppd_radius **out, struct upppd_loop *loop,
                      const struct upppd_radius_params *p, char *err, size_t errcap);
void upppd_radius_close(struct upppd_radius *r);

/* Requests (authentication and accounting) still in flight. */
size_t upppd_radius_pending(const struct upppd_radius *r);

void upppd_radius_call_init(struct upppd_radius_call *call, struct upppd_radius *r,
                            struct upppd_sess *sess, uint32_t nas_port, const char *calling);
/* For the sess ops' auth_request: ask the server. Returns 0 (the verdict
 * comes later), or a negative uppp_err (then the peer fails: with RADIUS
 * there is no fallback to the secrets files, as with pppd's plugin). */
int upppd_radius_call_auth(struct upppd_radius_call *call, const struct uppp_auth_request *req);
/* IPCP came up: Accounting Start, and Interim-Update every
 * Acct-Interim-Interval (at least 60 s, as pppd). */
void upppd_radius_call_acct_start(struct upppd_radius_call *call);
/* The session ended (st: its final status): cancel a pending request,
 * send Accounting Stop if Start was sent. */
void upppd_radius_call_end(struct upppd_radius_call *call, const struct uppp_status *st);

/* RFC 2866 5.10 Acct-Terminate-Cause for a session's end, as pppd's
 * plugin maps its exit status. */
uint32_t upppd_radius_term_cause(enum uppp_end end);

#endif
