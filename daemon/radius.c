/*
 * RADIUS on the daemon's event loop (radius.h): sockets, the library
 * client's timers, Access-Requests built from the session's
 * uppp_auth_request (RFC 2865 5.2/5.3/2.2, RFC 2548 2.1-2.3), verdicts
 * from the answers, and accounting (RFC 2866).
 */
#include "radius.h"

#include <uppp/err.h>
#include <uppp/escape.h>
#include <uppp/mppe_keys.h>

#include "crypto.h" /* uppp_memzero */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#define FROM(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

struct rsock {
    struct upppd_watch w;
    struct upppd_radius *r;
    int acct;
    size_t idx;
};

struct side {
    struct uppp_radius_client *client;
    struct rsock socks[UPPPD_RADIUS_MAX_SERVERS];
    size_t n;
    struct upppd_loop_timer timer;
    struct upppd_radius *r;
    int acct;
};

/* An accounting record waiting for a free Identifier. */
struct acct_wait {
    struct acct_wait *next;
    struct uppp_radius_req req;
};

/* Records waiting beyond this are dropped and logged (a server that is
 * down for long with thousands of sessions ending). */
#define ACCT_WAIT_MAX 4096

struct upppd_radius {
    struct upppd_loop *loop;
    struct upppd_radius_conf conf;
    struct upppd_radius_params p;
    struct side auth, acct;
    uint32_t nas_ip;              /* host order */
    struct uppp_radius_req extra; /* the avpairs */
    uint64_t next_handle;
    struct upppd_radius_call *wait_head, *wait_tail; /* waiting for an Identifier */
    struct acct_wait *acct_head, *acct_tail;         /* accounting records, likewise */
    size_t acct_waiting;
    /* An Access-Request's answer names its call by handle; calls that
     * ended are cancelled in the client, so a handle always finds a live
     * call. The calls in flight, by handle. */
    struct upppd_radius_call *calls[UPPP_RADIUS_MAX_PENDING];
};

static void rlog(struct upppd_radius *r, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void rlog(struct upppd_radius *r, int level, const char *fmt, ...)
{
    if (r->p.log == NULL)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    r->p.log(r->p.log_user, level, line);
}

static void client_log(void *user, int level, const char *line)
{
    struct side *sd = user;
    rlog(sd->r, level, "%s%s", sd->acct ? "accounting " : "", line);
}

static void rearm(struct side *sd)
{
    uint64_t t = uppp_radius_client_next_timer(sd->client);
    upppd_loop_timer_set(sd->r->loop, &sd->timer, t == UINT64_MAX ? UPPPD_TIMER_NONE : t);
}

static void on_timer(struct upppd_loop_timer *t, uint64_t now)
{
    struct side *sd = FROM(t, struct side, timer);
    uppp_radius_client_handle_timer(sd->client, now);
    rearm(sd);
}

static void on_send(void *user, size_t server, const uint8_t *pkt, size_t len)
{
    struct side *sd = user;
    /* A refused send (no route, ICMP unreachable reported on a connected
     * socket) is a lost datagram: the retransmission timer covers it. */
    if (send(sd->socks[server].w.fd, pkt, len, MSG_DONTWAIT) < 0)
        rlog(sd->r, LOG_DEBUG, "radius: send to server %zu: %s", server, strerror(errno));
}

static void on_readable(struct upppd_watch *w, uint32_t events)
{
    (void)events;
    struct rsock *s = FROM(w, struct rsock, w);
    struct side *sd = s->acct ? &s->r->acct : &s->r->auth;
    uint8_t buf[UPPP_RADIUS_MAX_PACKET];
    for (int i = 0; i < 64; i++) {
        ssize_t n = recv(w->fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (n < 0)
            break; /* EAGAIN, or an ICMP error: the timer retries */
        uppp_radius_client_input(sd->client, s->idx, buf, (size_t)n, upppd_loop_now());
    }
    rearm(sd);
}

static void drain_waiting(struct upppd_radius *r);

/* ---------------------------------------------------------------- verdicts */

static unsigned types_to_bits(uint32_t t)
{
    return (t & UPPP_RADIUS_MPPE_TYPE_40 ? 1u : 0) | (t & UPPP_RADIUS_MPPE_TYPE_56 ? 2u : 0) |
           (t & UPPP_RADIUS_MPPE_TYPE_128 ? 4u : 0);
}

static void give_verdict(struct upppd_radius_call *call, const struct uppp_auth_verdict *v)
{
    int rc = uppp_session_auth_verdict(call->sess->s, v, upppd_loop_now());
    if (rc != 0 && rc != UPPP_ERR_NO_REQUEST)
        rlog(call->r, LOG_WARNING, "radius: verdict not taken: %s", uppp_strerror(rc));
    upppd_sess_touch(call->sess);
}

static void accept_call(struct upppd_radius_call *call, const struct uppp_radius_reply *rp)
{
    struct upppd_radius *r = call->r;
    char who[300];
    uppp_escape(who, sizeof(who), call->user, strlen(call->user), 0);
    struct uppp_peer_limits lim = {0};
    /* RFC 2865 5.8: 0xFFFFFFFF lets the user choose, 0xFFFFFFFE asks the
     * NAS to pick; both leave our configuration as it is. */
    if ((rp->have & UPPP_RADIUS_HAVE_FRAMED_IP) && rp->framed_ip != 0xffffffffu &&
        rp->framed_ip != 0xfffffffeu && rp->framed_ip != 0)
        lim.ip_remote = call->framed_ip = rp->framed_ip;
    if ((rp->have & UPPP_RADIUS_HAVE_MTU) && rp->framed_mtu >= 64 && rp->framed_mtu <= 65535)
        lim.mtu = (uint16_t)rp->framed_mtu;
    /* RFC 2548 2.4.4: policy 2 = encryption required, 1 = allowed. */
    if ((rp->have & UPPP_RADIUS_HAVE_MPPE_POLICY) && rp->mppe_policy == 2)
        lim.mppe_required = 1;
    if (rp->have & UPPP_RADIUS_HAVE_MPPE_TYPES)
        lim.mppe_bits = types_to_bits(rp->mppe_types) ? types_to_bits(rp->mppe_types) : 8;
    if (rp->have & UPPP_RADIUS_HAVE_NETMASK)
        rlog(r, LOG_INFO, "radius: Framed-IP-Netmask for %s ignored: the link is point to point",
             who);
    struct uppp_auth_verdict v = {.ok = 1};
    uint8_t send_key[16], recv_key[16];
    const char *fail = NULL;
    if (call->method == UPPP_AUTH_MSCHAP_V2) {
        if (!(rp->have & UPPP_RADIUS_HAVE_CHAP2_SUCCESS))
            fail = "no MS-CHAP2-Success in the Access-Accept";
        v.message = rp->chap2_success;
        if (rp->have & UPPP_RADIUS_HAVE_MPPE_KEYS) {
            v.send_key = rp->send_key;
            v.recv_key = rp->recv_key;
        }
    } else if (call->method == UPPP_AUTH_MSCHAP_V1) {
        /* RFC 2548 2.4.1 with FreeRADIUS's and pppd's reading: bytes 8..23
         * hold the NT hash hash, from which RFC 3079 2.4 derives the one
         * start key for both directions with our challenge. */
        if ((rp->have & UPPP_RADIUS_HAVE_V1_KEYS) &&
            uppp_mppe_v1_nt_start_key(call->challenge, rp->v1_keys + 8, send_key) == 0) {
            memcpy(recv_key, send_key, 16);
            v.send_key = send_key;
            v.recv_key = recv_key;
        } else if (rp->have & UPPP_RADIUS_HAVE_MPPE_KEYS) {
            v.send_key = rp->send_key;
            v.recv_key = rp->recv_key;
        }
    } else if (rp->have & UPPP_RADIUS_HAVE_REPLY_MESSAGE) {
        v.message = rp->reply_message;
    }
    if (fail == NULL && call->check_ip != NULL && call->check_ip(call, lim.ip_remote) != 0)
        fail = "its Framed-IP-Address is another call's";
    int rc = fail ? 0 : uppp_session_set_peer_limits(call->sess->s, &lim);
    if (rc == UPPP_ERR_INVALID)
        fail = "its MPPE policy and types cannot be met with this configuration";
    if (fail != NULL) {
        rlog(r, LOG_ERR, "radius: Access-Accept for %s refused: %s", who, fail);
        struct uppp_auth_verdict no = {.ok = 0};
        give_verdict(call, &no);
    } else {
        call->accepted = 1;
        call->session_timeout =
            rp->have & UPPP_RADIUS_HAVE_SESSION_TIMEOUT ? rp->session_timeout : 0;
        call->idle_timeout = rp->have & UPPP_RADIUS_HAVE_IDLE_TIMEOUT ? rp->idle_timeout : 0;
        call->interim_s = rp->have & UPPP_RADIUS_HAVE_INTERIM ? rp->interim_interval : 0;
        call->nclass = rp->nclass;
        for (size_t i = 0; i < rp->nclass; i++) {
            call->class_len[i] = rp->class_len[i];
            memcpy(call->class_val[i], rp->class_val[i], rp->class_len[i]);
        }
        rlog(r, LOG_INFO, "radius: %s accepted%s%s", who,
             v.send_key ? ", MPPE keys from the server" : "",
             lim.mppe_required ? ", encryption required" : "");
        give_verdict(call, &v);
        if (call->on_accept != NULL)
            call->on_accept(call);
    }
    uppp_memzero(send_key, sizeof(send_key));
    uppp_memzero(recv_key, sizeof(recv_key));
}

static void on_auth_done(void *user, uint64_t handle, int result,
                         const struct uppp_radius_reply *rp)
{
    struct side *sd = user;
    struct upppd_radius *r = sd->r;
    struct upppd_radius_call *call = r->calls[handle % UPPP_RADIUS_MAX_PENDING];
    if (call == NULL || call->handle != handle)
        return;
    r->calls[handle % UPPP_RADIUS_MAX_PENDING] = NULL;
    call->auth_pending = 0;
    char who[300];
    uppp_escape(who, sizeof(who), call->user, strlen(call->user), 0);
    if (result == 0 && rp->code == UPPP_RADIUS_ACCESS_ACCEPT) {
        accept_call(call, rp);
        drain_waiting(r);
        return;
    }
    struct uppp_auth_verdict v = {.ok = 0};
    if (result != 0) {
        /* The client logged "no RADIUS server answered" once; the peer
         * hears that authentication failed. */
        if (call->method == UPPP_AUTH_PAP || call->method == UPPP_AUTH_CHAP_MD5)
            v.message = "Authentication failed";
        rlog(r, LOG_NOTICE, "radius: no answer for %s: authentication failed", who);
    } else {
        if ((call->method & (UPPP_AUTH_MSCHAP_V1 | UPPP_AUTH_MSCHAP_V2)) &&
            (rp->have & UPPP_RADIUS_HAVE_CHAP_ERROR))
            v.message = rp->chap_error; /* to the peer unchanged */
        else if (rp->have & UPPP_RADIUS_HAVE_REPLY_MESSAGE &&
                 !(call->method & (UPPP_AUTH_MSCHAP_V1 | UPPP_AUTH_MSCHAP_V2)))
            v.message = rp->reply_message;
        char msg[300];
        uppp_escape(msg, sizeof(msg), rp->reply_message, strlen(rp->reply_message), 0);
        rlog(r, LOG_NOTICE, "radius: %s rejected (%s%s%s)", who, uppp_radius_code_name(rp->code),
             msg[0] ? ": " : "", msg);
    }
    give_verdict(call, &v);
    drain_waiting(r);
}

/* Send the accounting records that wait, while Identifiers are free. */
static void drain_acct(struct upppd_radius *r)
{
    while (r->acct_head != NULL &&
           uppp_radius_client_pending(r->acct.client) < UPPP_RADIUS_MAX_PENDING) {
        struct acct_wait *w = r->acct_head;
        r->acct_head = w->next;
        if (r->acct_head == NULL)
            r->acct_tail = NULL;
        r->acct_waiting--;
        int rc =
            uppp_radius_client_submit(r->acct.client, &w->req, ++r->next_handle, upppd_loop_now());
        if (rc != 0)
            rlog(r, LOG_ERR, "radius: accounting record not sent: %s", uppp_strerror(rc));
        free(w);
    }
    rearm(&r->acct);
}

static void on_acct_done(void *user, uint64_t handle, int result,
                         const struct uppp_radius_reply *rp)
{
    struct side *sd = user;
    (void)rp;
    if (result != 0)
        rlog(sd->r, LOG_WARNING, "radius: accounting record %llu lost: no server answered",
             (unsigned long long)handle);
    drain_acct(sd->r);
}

/* ------------------------------------------------------------ requests */

static int add_common(struct upppd_radius *r, struct upppd_radius_call *call,
                      struct uppp_radius_req *q)
{
    int rc = uppp_radius_req_add(q, UPPP_RA_USER_NAME, call->user, strlen(call->user));
    rc = rc ? rc : uppp_radius_req_add_u32(q, UPPP_RA_SERVICE_TYPE, 2);    /* Framed-User */
    rc = rc ? rc : uppp_radius_req_add_u32(q, UPPP_RA_FRAMED_PROTOCOL, 1); /* PPP */
    rc = rc ? rc : uppp_radius_req_add_u32(q, UPPP_RA_NAS_PORT, call->nas_port);
    if (rc == 0 && r->nas_ip != 0)
        rc = uppp_radius_req_add_u32(q, UPPP_RA_NAS_IP_ADDRESS, r->nas_ip);
    if (rc == 0 && r->conf.nas_identifier[0])
        rc = uppp_radius_req_add(q, UPPP_RA_NAS_IDENTIFIER, r->conf.nas_identifier,
                                 strlen(r->conf.nas_identifier));
    if (rc == 0 && call->calling[0])
        rc = uppp_radius_req_add(q, UPPP_RA_CALLING_STATION_ID, call->calling,
                                 strlen(call->calling));
    if (rc == 0 && r->extra.attrs_len > 0) {
        if (q->attrs_len + r->extra.attrs_len > sizeof(q->attrs))
            return UPPP_ERR_NOBUF;
        memcpy(q->attrs + q->attrs_len, r->extra.attrs, r->extra.attrs_len);
        q->attrs_len += r->extra.attrs_len;
    }
    return rc;
}

static int add_credentials(struct uppp_radius_req *q, const struct uppp_auth_request *req)
{
    uint8_t b[64];
    const uint32_t ms = UPPP_RADIUS_VENDOR_MICROSOFT;
    switch (req->method) {
    case UPPP_AUTH_PAP:
        if (req->response_len == 0 || req->response_len > UPPP_RADIUS_PASSWORD_MAX)
            return UPPP_ERR_INVALID;
        return uppp_radius_req_set_password(q, req->response, req->response_len);
    case UPPP_AUTH_CHAP_MD5: {
        /* RFC 2865 5.3, 5.40: CHAP Identifier then the Response. */
        if (req->response_len != 16 || req->challenge_len == 0 || req->challenge_len > 64)
            return UPPP_ERR_INVALID;
        b[0] = req->id;
        memcpy(b + 1, req->response, 16);
        int rc = uppp_radius_req_add(q, UPPP_RA_CHAP_PASSWORD, b, 17);
        return rc ? rc
                  : uppp_radius_req_add(q, UPPP_RA_CHAP_CHALLENGE, req->challenge,
                                        req->challenge_len);
    }
    case UPPP_AUTH_MSCHAP_V1:
    case UPPP_AUTH_MSCHAP_V2: {
        int v2 = req->method == UPPP_AUTH_MSCHAP_V2;
        if (req->response_len != 49 || req->challenge_len != (v2 ? 16u : 8u))
            return UPPP_ERR_INVALID;
        int rc = uppp_radius_req_add_vsa(q, ms, UPPP_RA_MS_CHAP_CHALLENGE, req->challenge,
                                         req->challenge_len);
        /* RFC 2548 2.3.2 (v2): Ident, Flags, Peer-Challenge, Reserved,
         * Response; 2.1.3 (v1): Ident, Flags, LM-Response, NT-Response.
         * The PPP Response Value (RFC 2759 4, RFC 2433 3) ends with its
         * Flags; v1 Flags 1 = use the NT-Response. */
        b[0] = req->id;
        b[1] = v2 ? req->response[48] : 1;
        memcpy(b + 2, req->response, 48);
        if (rc == 0)
            rc = uppp_radius_req_add_vsa(
                q, ms, v2 ? UPPP_RA_MS_CHAP2_RESPONSE : UPPP_RA_MS_CHAP_RESPONSE, b, 50);
        return rc;
    }
    default:
        return UPPP_ERR_INVALID;
    }
}

/* Put call's request in flight. Returns 0, UPPP_ERR_LIMIT when every
 * Identifier is taken, or the client's error. */
static int submit_auth(struct upppd_radius *r, struct upppd_radius_call *call,
                       const struct uppp_radius_req *q)
{
    if (uppp_radius_client_pending(r->auth.client) >= UPPP_RADIUS_MAX_PENDING)
        return UPPP_ERR_LIMIT;
    /* A handle whose slot in calls[] is free: fewer than max_pending
     * calls are in flight, so one is found within that many tries. */
    uint64_t handle = 0;
    for (int i = 0; i < UPPP_RADIUS_MAX_PENDING; i++) {
        handle = ++r->next_handle;
        if (r->calls[handle % UPPP_RADIUS_MAX_PENDING] == NULL)
            break;
    }
    if (r->calls[handle % UPPP_RADIUS_MAX_PENDING] != NULL)
        return UPPP_ERR_LIMIT;
    int rc = uppp_radius_client_submit(r->auth.client, q, handle, upppd_loop_now());
    if (rc == 0) {
        call->handle = handle;
        r->calls[handle % UPPP_RADIUS_MAX_PENDING] = call;
    }
    return rc;
}

int upppd_radius_call_auth(struct upppd_radius_call *call, const struct uppp_auth_request *req)
{
    struct upppd_radius *r = call->r;
    if (call->auth_pending)
        return UPPP_ERR_INVALID;
    /* radiusclient's default_realm: a name without a realm gets it. */
    if (r->conf.default_realm[0] && strchr(req->name, '@') == NULL)
        snprintf(call->user, sizeof(call->user), "%s@%s", req->name, r->conf.default_realm);
    else
        snprintf(call->user, sizeof(call->user), "%s", req->name);
    call->method = req->method;
    memset(call->challenge, 0, sizeof(call->challenge));
    if (req->challenge_len <= sizeof(call->challenge) && req->challenge != NULL)
        memcpy(call->challenge, req->challenge, req->challenge_len);
    struct uppp_radius_req *q = malloc(sizeof(*q));
    if (q == NULL)
        return UPPP_ERR_NOMEM;
    uppp_radius_req_init(q, UPPP_RADIUS_ACCESS_REQUEST);
    int rc = add_common(r, call, q);
    if (rc == 0)
        rc = add_credentials(q, req);
    if (rc == 0)
        rc = submit_auth(r, call, q);
    if (rc == UPPP_ERR_LIMIT) {
        /* Every Identifier is in flight: wait in line (FIFO), the request
         * goes out when an answer or a give-up frees one. */
        call->wait_req = q;
        call->wait_next = NULL;
        *(r->wait_head ? &r->wait_tail->wait_next : &r->wait_head) = call;
        r->wait_tail = call;
        call->auth_pending = 1;
        return 0;
    }
    uppp_radius_req_wipe(q);
    free(q);
    if (rc != 0) {
        rlog(r, LOG_ERR, "radius: cannot ask the server: %s", uppp_strerror(rc));
        return rc;
    }
    call->auth_pending = 1;
    rearm(&r->auth);
    return 0;
}

static void unwait(struct upppd_radius *r, struct upppd_radius_call *call)
{
    struct upppd_radius_call **pp = &r->wait_head, *prev = NULL;
    while (*pp != NULL && *pp != call) {
        prev = *pp;
        pp = &(*pp)->wait_next;
    }
    if (*pp == NULL)
        return;
    *pp = call->wait_next;
    if (r->wait_tail == call)
        r->wait_tail = prev;
    uppp_radius_req_wipe(call->wait_req);
    free(call->wait_req);
    call->wait_req = NULL;
    call->wait_next = NULL;
}

/* Send what waits in line while Identifiers are free. */
static void drain_waiting(struct upppd_radius *r)
{
    while (r->wait_head != NULL) {
        struct upppd_radius_call *call = r->wait_head;
        int rc = submit_auth(r, call, call->wait_req);
        if (rc == UPPP_ERR_LIMIT)
            break;
        unwait(r, call);
        if (rc != 0) {
            rlog(r, LOG_ERR, "radius: cannot ask the server: %s", uppp_strerror(rc));
            call->auth_pending = 0;
            struct uppp_auth_verdict no = {.ok = 0};
            give_verdict(call, &no);
        }
    }
    rearm(&r->auth);
}

/* ----------------------------------------------------------- accounting */

static int acct_send(struct upppd_radius_call *call, uint32_t status_type,
                     const struct uppp_status *st)
{
    struct upppd_radius *r = call->r;
    struct uppp_radius_req *q = malloc(sizeof(*q));
    if (q == NULL)
        return UPPP_ERR_NOMEM;
    uppp_radius_req_init(q, UPPP_RADIUS_ACCOUNTING_REQUEST);
    int rc = uppp_radius_req_add_u32(q, UPPP_RA_ACCT_STATUS_TYPE, status_type);
    rc = rc ? rc : add_common(r, call, q);
    rc = rc ? rc
            : uppp_radius_req_add(q, UPPP_RA_ACCT_SESSION_ID, call->session_id,
                                  strlen(call->session_id));
    rc = rc ? rc : uppp_radius_req_add_u32(q, UPPP_RA_ACCT_AUTHENTIC, 1); /* RADIUS */
    rc = rc ? rc : uppp_radius_req_add_u32(q, UPPP_RA_ACCT_DELAY_TIME, 0);
    if (rc == 0 && call->acct_ip != 0)
        rc = uppp_radius_req_add_u32(q, UPPP_RA_FRAMED_IP_ADDRESS, call->acct_ip);
    if (rc == 0)
        rc = uppp_radius_req_add_u32(q, UPPP_RA_NAS_PORT_TYPE, call->nas_port_type);
    /* RFC 2865 5.25: Class is echoed unchanged in accounting. */
    for (size_t i = 0; rc == 0 && i < call->nclass; i++)
        rc = uppp_radius_req_add(q, UPPP_RA_CLASS, call->class_val[i], call->class_len[i]);
    if (rc == 0 && status_type != UPPP_RADIUS_ACCT_START && st != NULL) {
        uint64_t secs = (upppd_loop_now() - call->t_acct_start) / 1000;
        /* RFC 2866 5.3/5.4: octets from and to the port; RFC 2869 5.1/5.2:
         * the 2^32 overflows in Gigawords. */
        rc = uppp_radius_req_add_u32(q, UPPP_RA_ACCT_SESSION_TIME, (uint32_t)secs);
        rc =
            rc ? rc : uppp_radius_req_add_u32(q, UPPP_RA_ACCT_INPUT_OCTETS, (uint32_t)st->bytes_in);
        rc = rc ? rc
                : uppp_radius_req_add_u32(q, UPPP_RA_ACCT_OUTPUT_OCTETS, (uint32_t)st->bytes_out);
        rc = rc ? rc
                : uppp_radius_req_add_u32(q, UPPP_RA_ACCT_INPUT_GIGAWORDS,
                                          (uint32_t)(st->bytes_in >> 32));
        rc = rc ? rc
                : uppp_radius_req_add_u32(q, UPPP_RA_ACCT_OUTPUT_GIGAWORDS,
                                          (uint32_t)(st->bytes_out >> 32));
        rc = rc ? rc
                : uppp_radius_req_add_u32(q, UPPP_RA_ACCT_INPUT_PACKETS, (uint32_t)st->packets_in);
        rc =
            rc ? rc
               : uppp_radius_req_add_u32(q, UPPP_RA_ACCT_OUTPUT_PACKETS, (uint32_t)st->packets_out);
        if (rc == 0 && status_type == UPPP_RADIUS_ACCT_STOP)
            rc = uppp_radius_req_add_u32(q, UPPP_RA_ACCT_TERMINATE_CAUSE,
                                         upppd_radius_term_cause(st->end));
    }
    if (rc == 0 && (r->acct_head != NULL ||
                    uppp_radius_client_pending(r->acct.client) >= UPPP_RADIUS_MAX_PENDING)) {
        /* Every Identifier is in flight: the record waits in line. */
        struct acct_wait *w = r->acct_waiting < ACCT_WAIT_MAX ? malloc(sizeof(*w)) : NULL;
        if (w == NULL) {
            rc = UPPP_ERR_LIMIT;
        } else {
            w->req = *q;
            w->next = NULL;
            *(r->acct_tail ? &r->acct_tail->next : &r->acct_head) = w;
            r->acct_tail = w;
            r->acct_waiting++;
            free(q);
            return 0;
        }
    } else if (rc == 0) {
        rc = uppp_radius_client_submit(r->acct.client, q, ++r->next_handle, upppd_loop_now());
    }
    free(q);
    if (rc != 0)
        rlog(r, LOG_ERR, "radius: accounting record not sent: %s", uppp_strerror(rc));
    rearm(&r->acct);
    return rc;
}

static void on_interim(struct upppd_loop_timer *t, uint64_t now)
{
    struct upppd_radius_call *call = FROM(t, struct upppd_radius_call, interim);
    if (!call->acct_started || call->sess->s == NULL)
        return;
    struct uppp_status st;
    uppp_session_status(call->sess->s, &st);
    acct_send(call, UPPP_RADIUS_ACCT_INTERIM, &st);
    upppd_loop_timer_set(call->r->loop, &call->interim, now + (uint64_t)call->interim_s * 1000);
}

void upppd_radius_call_acct_start(struct upppd_radius_call *call)
{
    if (call->r == NULL || call->acct_started)
        return;
    struct uppp_status st;
    uppp_session_status(call->sess->s, &st);
    call->acct_started = 1;
    call->acct_ip = st.ip_remote;
    call->t_acct_start = upppd_loop_now();
    acct_send(call, UPPP_RADIUS_ACCT_START, &st);
    if (call->interim_s > 0) {
        /* pppd's plugin: no interval below 60 s. */
        if (call->interim_s < 60)
            call->interim_s = 60;
        upppd_loop_timer_set(call->r->loop, &call->interim,
                             call->t_acct_start + (uint64_t)call->interim_s * 1000);
    }
}

void upppd_radius_call_end(struct upppd_radius_call *call, const struct uppp_status *st)
{
    struct upppd_radius *r = call->r;
    if (r == NULL)
        return;
    if (call->auth_pending && call->wait_req != NULL) {
        unwait(r, call);
        call->auth_pending = 0;
    } else if (call->auth_pending) {
        uppp_radius_client_cancel(r->auth.client, call->handle);
        r->calls[call->handle % UPPP_RADIUS_MAX_PENDING] = NULL;
        call->auth_pending = 0;
        drain_waiting(r);
    }
    upppd_loop_timer_cancel(r->loop, &call->interim);
    if (call->acct_started) {
        acct_send(call, UPPP_RADIUS_ACCT_STOP, st);
        call->acct_started = 0;
    }
}

uint32_t upppd_radius_term_cause(enum uppp_end end)
{
    /* pppd/plugins/radius/radius.c radius_acct_stop()'s table. */
    switch (end) {
    case UPPP_END_OK: /* = UPPP_END_NONE */
        return UPPP_RADIUS_TERM_USER_REQUEST;
    case UPPP_END_USER_REQUEST: /* we were told to stop (a signal) */
        return UPPP_RADIUS_TERM_ADMIN_RESET;
    case UPPP_END_HANGUP:
    case UPPP_END_NO_ECHO:
        return UPPP_RADIUS_TERM_LOST_CARRIER;
    case UPPP_END_NEGOTIATION_FAILED:
    case UPPP_END_PEER_AUTH_FAILED:
    case UPPP_END_AUTH_TOPEER_FAILED:
        return UPPP_RADIUS_TERM_SERVICE_UNAVAILABLE;
    case UPPP_END_IDLE_TIMEOUT:
        return UPPP_RADIUS_TERM_IDLE_TIMEOUT;
    case UPPP_END_CONNECT_TIME:
        return UPPP_RADIUS_TERM_SESSION_TIMEOUT;
    default:
        return UPPP_RADIUS_TERM_NAS_ERROR;
    }
}

void upppd_radius_call_init(struct upppd_radius_call *call, struct upppd_radius *r,
                            struct upppd_sess *sess, uint32_t nas_port, const char *calling)
{
    memset(call, 0, sizeof(*call));
    call->r = r;
    call->sess = sess;
    call->nas_port = nas_port;
    call->nas_port_type = 5; /* Virtual (RFC 2865 5.41): a pty or a PPTP call */
    if (calling != NULL)
        snprintf(call->calling, sizeof(call->calling), "%s", calling);
    upppd_loop_timer_init(&call->interim, on_interim);
    uint8_t id[8] = {0};
    if (upppd_random(NULL, id, sizeof(id)) != 0)
        memcpy(id, &sess, sizeof(id) < sizeof(sess) ? sizeof(id) : sizeof(sess));
    for (int i = 0; i < 8; i++)
        snprintf(call->session_id + 2 * i, 3, "%02X", id[i]);
}

/* ------------------------------------------------------------ set up */

static int open_side(struct upppd_radius *r, struct side *sd, int acct, char *err, size_t cap)
{
    struct upppd_radius_server *sv = acct ? r->conf.acct : r->conf.auth;
    size_t n = acct ? r->conf.nacct : r->conf.nauth;
    sd->r = r;
    sd->acct = acct;
    struct uppp_radius_client_config cc = {.nservers = n,
                                           .timeout_ms = r->conf.timeout_s * 1000,
                                           .tries = r->conf.retries,
                                           .allow_no_ma = r->p.allow_no_ma};
    for (size_t i = 0; i < n; i++) {
        memcpy(cc.servers[i].secret, sv[i].secret, sv[i].secret_len);
        cc.servers[i].secret_len = sv[i].secret_len;
        struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_DGRAM}, *ai = NULL;
        char port[8];
        snprintf(port, sizeof(port), "%u", sv[i].port);
        int g = getaddrinfo(sv[i].host, port, &hints, &ai);
        if (g != 0) {
            snprintf(err, cap, "RADIUS server %s: %s", sv[i].host, gai_strerror(g));
            uppp_memzero(&cc, sizeof(cc));
            return -1;
        }
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        int ok = fd >= 0;
        if (ok && r->conf.bindaddr[0]) {
            struct sockaddr_in b = {.sin_family = AF_INET};
            inet_pton(AF_INET, r->conf.bindaddr, &b.sin_addr);
            ok = bind(fd, (struct sockaddr *)&b, sizeof(b)) == 0;
        }
        /* Connected: the kernel passes us only this server's datagrams. */
        ok = ok && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0;
        freeaddrinfo(ai);
        sd->socks[i] =
            (struct rsock){.w = {.fd = fd, .cb = on_readable}, .r = r, .acct = acct, .idx = i};
        sd->n = i + 1;
        if (ok && r->nas_ip == 0) {
            struct sockaddr_in me;
            socklen_t ml = sizeof(me);
            if (getsockname(fd, (struct sockaddr *)&me, &ml) == 0)
                r->nas_ip = ntohl(me.sin_addr.s_addr);
        }
        if (!ok || upppd_loop_watch(r->loop, &sd->socks[i].w, EPOLLIN) < 0) {
            snprintf(err, cap, "RADIUS server %s: socket: %s", sv[i].host, strerror(errno));
            uppp_memzero(&cc, sizeof(cc));
            return -1;
        }
    }
    struct uppp_radius_client_callbacks cb = {
        .user = sd,
        .random = upppd_random,
        .send = on_send,
        .done = acct ? on_acct_done : on_auth_done,
        .log = client_log,
    };
    int rc = uppp_radius_client_new(&sd->client, &cc, &cb);
    uppp_memzero(&cc, sizeof(cc));
    upppd_loop_timer_init(&sd->timer, on_timer);
    if (rc != 0) {
        snprintf(err, cap, "RADIUS client: %s", uppp_strerror(rc));
        return -1;
    }
    return 0;
}

static void close_side(struct upppd_radius *r, struct side *sd)
{
    for (size_t i = 0; i < sd->n; i++)
        if (sd->socks[i].w.fd >= 0) {
            upppd_loop_unwatch(r->loop, &sd->socks[i].w);
            close(sd->socks[i].w.fd);
        }
    if (sd->r != NULL)
        upppd_loop_timer_cancel(r->loop, &sd->timer);
    uppp_radius_client_del(sd->client);
}

static void conf_warn(void *ctx, const char *msg)
{
    struct upppd_radius *r = ctx;
    rlog(r, LOG_WARNING, "%s", msg);
}

int upppd_radius_open(struct upppd_radius **out, struct upppd_loop *loop,
                      const struct upppd_radius_params *p, char *err, size_t errcap)
{
    struct upppd_radius *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    r->loop = loop;
    r->p = *p;
    const char *path = p->config_file && p->config_file[0] ? p->config_file
                                                           : "/etc/radiusclient/radiusclient.conf";
    int rc = upppd_radius_conf_load(&r->conf, path, err, errcap, conf_warn, r);
    uppp_radius_req_init(&r->extra, UPPP_RADIUS_ACCESS_REQUEST);
    for (size_t i = 0; rc == 0 && i < p->n_avpairs; i++)
        rc = upppd_radius_avpair(&r->extra, p->avpairs[i], err, errcap);
    if (rc == 0)
        rc = open_side(r, &r->auth, 0, err, errcap);
    if (rc == 0)
        rc = open_side(r, &r->acct, 1, err, errcap);
    upppd_radius_conf_wipe_secrets(&r->conf);
    if (rc != 0) {
        /* The message may quote the configuration (a host name). */
        char raw[1024];
        snprintf(raw, sizeof(raw), "%s", err);
        uppp_escape(err, errcap, raw, strlen(raw), UPPP_ESCAPE_VISIBLE);
        upppd_radius_close(r);
        return -1;
    }
    if (r->conf.bindaddr[0]) {
        struct in_addr a;
        inet_pton(AF_INET, r->conf.bindaddr, &a);
        r->nas_ip = ntohl(a.s_addr);
    }
    *out = r;
    return 0;
}

void upppd_radius_close(struct upppd_radius *r)
{
    if (r == NULL)
        return;
    while (r->wait_head != NULL)
        unwait(r, r->wait_head);
    while (r->acct_head != NULL) {
        struct acct_wait *w = r->acct_head;
        r->acct_head = w->next;
        free(w);
    }
    close_side(r, &r->auth);
    close_side(r, &r->acct);
    upppd_radius_conf_wipe(&r->conf);
    free(r);
}

size_t upppd_radius_pending(const struct upppd_radius *r)
{
    return r ? uppp_radius_client_pending(r->auth.client) +
                   uppp_radius_client_pending(r->acct.client) + r->acct_waiting
             : 0;
}
