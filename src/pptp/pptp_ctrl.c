/*
 * PPTP control connection and call state machines (RFC 2637 section 3.1
 * control connection originator/receiver, 3.1.4 keep-alive, 3.2.3
 * incoming and 3.2.4 outgoing call states), without I/O.
 *
 * Roles are fixed (the PNS connects, the PAC listens), so the SCCRQ
 * collision of section 3.1.3 cannot happen and a SCCRQ arriving at a PNS is
 * a protocol error. Interop facts from the pptpd/pptp-linux test bed of
 * issue 10 shape the teardown:
 * - pptpd (1.4.0) answers Call-Clear-Request by closing TCP without a
 *   Call-Disconnect-Notify (its pptpctrl.c says "violating RFC" and drops
 *   the connection), so a PNS in CLEARING treats TCP closing as the end of
 *   every call and of the connection, not as an error;
 * - pptp-linux (1.10.0) sends Call-Clear-Request and then closes TCP
 *   without Stop-Control-Connection, so a PAC answers the clear with a
 *   CDN and expects the close;
 * - pptp-linux waits about 2 s after the SCCRP before its
 *   Outgoing-Call-Request, so a PAC arms no timer for the first call;
 * - pptpd's first Call ID is 0, so no Call ID value means "none" here.
 */
#include <uppp/pptp_ctrl.h>
#include <uppp/pptp_msg.h>
#include <uppp/escape.h>
#include <uppp/err.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NEVER UINT64_MAX
#define LOG_WARN 4
#define LOG_INFO 6
#define LOG_DEBUG 7

struct call {
    enum uppp_pptp_call_state state;
    uint16_t id;        /* ours */
    uint16_t peer_id;   /* the peer's, once known (peer_known) */
    uint8_t peer_known; /* 0 is a real Call ID (pptpd), so a flag says "unset" */
    uint16_t peer_window, peer_delay;
    uint64_t deadline; /* reply/disconnect timeout, NEVER if none */
};

struct uppp_pptp_ctrl {
    struct uppp_pptp_ctrl_config cfg;
    struct uppp_pptp_ctrl_callbacks cb;
    void *user;
    enum uppp_pptp_conn_state state;
    struct uppp_pptp_stream stream;
    uint64_t deadline;  /* SCCRP/SCCRQ/StopCCRP wait, NEVER if none */
    uint64_t echo_due;  /* when to send the next Echo-Request */
    uint64_t echo_wait; /* when an unanswered Echo-Request means dead */
    uint32_t echo_id;
    uint64_t rate_start;
    uint32_t rate_count;
    uint16_t next_call_id;
    uint16_t serial;
    size_t ncalls; /* slots in use */
    struct call calls[];
};

static void logf_(struct uppp_pptp_ctrl *c, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void logf_(struct uppp_pptp_ctrl *c, int level, const char *fmt, ...)
{
    if (!c->cb.log)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    c->cb.log(c->user, level, line);
}

void uppp_pptp_ctrl_config_init(struct uppp_pptp_ctrl_config *cfg, enum uppp_pptp_role role)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->role = role;
    cfg->echo_interval_ms = 60000;
    cfg->echo_timeout_ms = 60000;
    cfg->reply_timeout_ms = 60000;
    cfg->stop_timeout_ms = 3000;
    cfg->start_timeout_ms = 10000;
    cfg->max_msgs_per_sec = 50;
    cfg->max_calls = 16;
    cfg->first_call_id = 0;
    cfg->recv_window = 64;
    cfg->proc_delay = 0;
    cfg->connect_speed = 100000000;
    cfg->firmware = 0x0100;
    snprintf(cfg->host_name, sizeof(cfg->host_name), "%s", "upppd");
    snprintf(cfg->vendor, sizeof(cfg->vendor), "%s", "upppd");
}

int uppp_pptp_ctrl_new(struct uppp_pptp_ctrl **pc, const struct uppp_pptp_ctrl_config *cfg,
                       const struct uppp_pptp_ctrl_callbacks *cb, void *user)
{
    if (!pc || !cfg || !cb || !cb->output || !cb->event || cfg->max_calls == 0 ||
        cfg->max_calls > UPPP_PPTP_MAX_CALLS_LIMIT)
        return UPPP_ERR_INVALID;
    struct uppp_pptp_ctrl *c = calloc(1, sizeof(*c) + cfg->max_calls * sizeof(struct call));
    if (!c)
        return UPPP_ERR_NOMEM;
    c->cfg = *cfg;
    c->cfg.host_name[UPPP_PPTP_HOSTNAME_LEN] = 0;
    c->cfg.vendor[UPPP_PPTP_VENDOR_LEN] = 0;
    c->cb = *cb;
    c->user = user;
    c->state = UPPP_PPTP_CONN_IDLE;
    uppp_pptp_stream_init(&c->stream);
    c->deadline = c->echo_due = c->echo_wait = NEVER;
    c->next_call_id = cfg->first_call_id;
    *pc = c;
    return 0;
}

void uppp_pptp_ctrl_del(struct uppp_pptp_ctrl *c)
{
    free(c);
}

enum uppp_pptp_conn_state uppp_pptp_ctrl_state(const struct uppp_pptp_ctrl *c)
{
    return c ? c->state : UPPP_PPTP_CONN_CLOSED;
}

/* ------------------------------------------------------------ helpers */

static void send_msg(struct uppp_pptp_ctrl *c, const struct uppp_pptp_msg *m)
{
    uint8_t buf[UPPP_PPTP_MSG_MAX_LEN];
    int n = uppp_pptp_msg_build(m, buf, sizeof(buf));
    if (n > 0) {
        logf_(c, LOG_DEBUG, "pptp sent %s", uppp_pptp_type_name((unsigned)m->type));
        c->cb.output(c->user, buf, (size_t)n);
    }
}

static void emit(struct uppp_pptp_ctrl *c, const struct uppp_pptp_event *ev)
{
    c->cb.event(c->user, ev);
}

static struct call *find_call(struct uppp_pptp_ctrl *c, uint16_t id, int by_peer)
{
    for (size_t i = 0; i < c->cfg.max_calls; i++) {
        struct call *k = &c->calls[i];
        if (k->state == UPPP_PPTP_CALL_IDLE || (by_peer && !k->peer_known))
            continue;
        if ((by_peer ? k->peer_id : k->id) == id)
            return k;
    }
    return NULL;
}

/* A free slot and an unused Call ID of ours, or NULL. Bounded: at most
 * max_calls + 1 candidate IDs are tried, since only max_calls are in use. */
static struct call *alloc_call(struct uppp_pptp_ctrl *c)
{
    struct call *slot = NULL;
    for (size_t i = 0; i < c->cfg.max_calls && !slot; i++)
        if (c->calls[i].state == UPPP_PPTP_CALL_IDLE)
            slot = &c->calls[i];
    if (!slot)
        return NULL;
    for (size_t tries = 0; tries <= c->cfg.max_calls; tries++) {
        uint16_t id = c->next_call_id++;
        if (!find_call(c, id, 0)) {
            memset(slot, 0, sizeof(*slot));
            slot->id = id;
            slot->deadline = NEVER;
            c->ncalls++;
            return slot;
        }
    }
    return NULL;
}

static void call_down(struct uppp_pptp_ctrl *c, struct call *k, uint8_t result, uint8_t error)
{
    struct uppp_pptp_event ev = {.type = UPPP_PPTP_EV_CALL_DOWN,
                                 .call_id = k->id,
                                 .peer_call_id = k->peer_id,
                                 .result = result,
                                 .error = error};
    int was_up = k->state != UPPP_PPTP_CALL_IDLE;
    k->state = UPPP_PPTP_CALL_IDLE;
    k->deadline = NEVER;
    if (was_up) {
        c->ncalls--;
        emit(c, &ev);
    }
}

static void call_up(struct uppp_pptp_ctrl *c, struct call *k)
{
    k->state = UPPP_PPTP_CALL_ESTABLISHED;
    k->deadline = NEVER;
    struct uppp_pptp_event ev = {.type = UPPP_PPTP_EV_CALL_UP,
                                 .call_id = k->id,
                                 .peer_call_id = k->peer_id,
                                 .peer_window = k->peer_window,
                                 .peer_delay = k->peer_delay};
    logf_(c, LOG_INFO, "pptp call up: call id %u, peer call id %u, peer window %u", (unsigned)k->id,
          (unsigned)k->peer_id, (unsigned)k->peer_window);
    emit(c, &ev);
}

/* The end: every call goes down, then CLOSED. Idempotent. */
static int close_conn(struct uppp_pptp_ctrl *c, enum uppp_pptp_close_reason reason, int err,
                      uint8_t result)
{
    if (c->state == UPPP_PPTP_CONN_CLOSED)
        return err;
    for (size_t i = 0; i < c->cfg.max_calls; i++)
        call_down(c, &c->calls[i], 0, 0);
    c->state = UPPP_PPTP_CONN_CLOSED;
    c->deadline = c->echo_due = c->echo_wait = NEVER;
    logf_(c, err ? LOG_WARN : LOG_INFO, "pptp control connection closed (reason %d%s%s)",
          (int)reason, err ? ": " : "", err ? uppp_strerror(err) : "");
    struct uppp_pptp_event ev = {
        .type = UPPP_PPTP_EV_CLOSED, .reason = reason, .err = err, .result = result};
    emit(c, &ev);
    return err;
}

static void send_stop_request(struct uppp_pptp_ctrl *c, uint64_t now)
{
    struct uppp_pptp_msg m = {.type = UPPP_PPTP_STOPCCRQ};
    m.u.stop.reason_or_result = UPPP_PPTP_STOP_NONE;
    send_msg(c, &m);
    c->state = UPPP_PPTP_CONN_WAIT_STOP_REPLY;
    c->deadline = now + c->cfg.stop_timeout_ms;
}

/* In CLEARING, once no call waits for its CDN, the second step. */
static void clearing_progress(struct uppp_pptp_ctrl *c, uint64_t now)
{
    if (c->state == UPPP_PPTP_CONN_CLEARING && c->ncalls == 0)
        send_stop_request(c, now);
}

static void send_cdn(struct uppp_pptp_ctrl *c, struct call *k, uint8_t result, uint8_t error)
{
    struct uppp_pptp_msg m = {.type = UPPP_PPTP_CDN};
    m.u.cdn.call_id = k->id; /* section 2.13: the PAC's Call ID */
    m.u.cdn.result = result;
    m.u.cdn.error = error;
    send_msg(c, &m);
}

static void send_ccrq(struct uppp_pptp_ctrl *c, struct call *k, uint64_t now)
{
    struct uppp_pptp_msg m = {.type = UPPP_PPTP_CCRQ};
    m.u.ccrq.call_id = k->id; /* section 2.12: the PNS's Call ID */
    send_msg(c, &m);
    k->state = UPPP_PPTP_CALL_WAIT_DISCONNECT;
    k->deadline = now + c->cfg.stop_timeout_ms;
}

/* Our side clears a call: a PNS asks (CCRQ, then waits for the CDN), a PAC
 * tells (CDN, Admin Shutdown) and the call is down at once. */
static void clear_call(struct uppp_pptp_ctrl *c, struct call *k, uint64_t now)
{
    if (c->cfg.role == UPPP_PPTP_PNS) {
        if (k->state != UPPP_PPTP_CALL_WAIT_DISCONNECT)
            send_ccrq(c, k, now);
    } else {
        send_cdn(c, k, UPPP_PPTP_CDN_ADMIN_SHUTDOWN, UPPP_PPTP_ERROR_NONE);
        call_down(c, k, 0, 0);
    }
}

/* -------------------------------------------------------------- API */

int uppp_pptp_ctrl_start(struct uppp_pptp_ctrl *c, uint64_t now)
{
    if (!c)
        return UPPP_ERR_INVALID;
    if (c->state != UPPP_PPTP_CONN_IDLE)
        return UPPP_ERR_PROTO;
    if (c->cfg.role == UPPP_PPTP_PNS) {
        struct uppp_pptp_msg m = {.type = UPPP_PPTP_SCCRQ};
        m.u.sccrq.version = UPPP_PPTP_PROTOCOL_VERSION;
        m.u.sccrq.framing_caps = UPPP_PPTP_FRAMING_ASYNC | UPPP_PPTP_FRAMING_SYNC;
        m.u.sccrq.bearer_caps = UPPP_PPTP_BEARER_ANALOG | UPPP_PPTP_BEARER_DIGITAL;
        m.u.sccrq.firmware = c->cfg.firmware;
        uppp_pptp_text_set(&m.u.sccrq.host, c->cfg.host_name);
        uppp_pptp_text_set(&m.u.sccrq.vendor, c->cfg.vendor);
        send_msg(c, &m);
        c->state = UPPP_PPTP_CONN_WAIT_CTL_REPLY;
        c->deadline = now + c->cfg.reply_timeout_ms;
    } else {
        c->state = UPPP_PPTP_CONN_WAIT_CTL_REQUEST;
        c->deadline = c->cfg.start_timeout_ms ? now + c->cfg.start_timeout_ms : NEVER;
    }
    return 0;
}

static int can_send(const struct uppp_pptp_ctrl *c)
{
    return c->state != UPPP_PPTP_CONN_CLOSED && c->state != UPPP_PPTP_CONN_IDLE;
}

int uppp_pptp_ctrl_call(struct uppp_pptp_ctrl *c, uint64_t now, uint16_t *call_id)
{
    if (!c || !call_id)
        return UPPP_ERR_INVALID;
    if (c->state != UPPP_PPTP_CONN_ESTABLISHED)
        return UPPP_ERR_PROTO;
    struct call *k = alloc_call(c);
    if (!k)
        return UPPP_ERR_LIMIT;
    struct uppp_pptp_msg m;
    memset(&m, 0, sizeof(m));
    if (c->cfg.role == UPPP_PPTP_PNS) {
        m.type = UPPP_PPTP_OCRQ;
        m.u.ocrq.call_id = k->id;
        m.u.ocrq.serial = c->serial++;
        m.u.ocrq.min_bps = 300;
        m.u.ocrq.max_bps = c->cfg.connect_speed;
        m.u.ocrq.bearer_type = UPPP_PPTP_BEARER_ANALOG | UPPP_PPTP_BEARER_DIGITAL;
        m.u.ocrq.framing_type = UPPP_PPTP_FRAMING_ASYNC | UPPP_PPTP_FRAMING_SYNC;
        m.u.ocrq.recv_window = c->cfg.recv_window;
        m.u.ocrq.proc_delay = c->cfg.proc_delay;
    } else {
        m.type = UPPP_PPTP_ICRQ;
        m.u.icrq.call_id = k->id;
        m.u.icrq.serial = c->serial++;
        m.u.icrq.bearer_type = UPPP_PPTP_BEARER_DIGITAL;
    }
    send_msg(c, &m);
    k->state = UPPP_PPTP_CALL_WAIT_REPLY;
    k->deadline = now + c->cfg.reply_timeout_ms;
    *call_id = k->id;
    return 0;
}

int uppp_pptp_ctrl_clear(struct uppp_pptp_ctrl *c, uint16_t call_id, uint64_t now)
{
    if (!c)
        return UPPP_ERR_INVALID;
    if (!can_send(c))
        return UPPP_ERR_CLOSED;
    struct call *k = find_call(c, call_id, 0);
    if (!k)
        return UPPP_ERR_INVALID;
    clear_call(c, k, now);
    clearing_progress(c, now);
    return 0;
}

int uppp_pptp_ctrl_set_link_info(struct uppp_pptp_ctrl *c, uint16_t call_id, uint32_t send_accm,
                                 uint32_t recv_accm)
{
    if (!c || c->cfg.role != UPPP_PPTP_PNS)
        return UPPP_ERR_INVALID;
    if (!can_send(c))
        return UPPP_ERR_CLOSED;
    struct call *k = find_call(c, call_id, 0);
    if (!k || k->state != UPPP_PPTP_CALL_ESTABLISHED)
        return UPPP_ERR_INVALID;
    struct uppp_pptp_msg m = {.type = UPPP_PPTP_SLI};
    m.u.sli.peer_call_id = k->peer_id; /* section 2.15: the PAC's Call ID */
    m.u.sli.send_accm = send_accm;
    m.u.sli.recv_accm = recv_accm;
    send_msg(c, &m);
    return 0;
}

int uppp_pptp_ctrl_stop(struct uppp_pptp_ctrl *c, uint64_t now)
{
    if (!c)
        return UPPP_ERR_INVALID;
    switch (c->state) {
    case UPPP_PPTP_CONN_CLOSED:
        return UPPP_ERR_CLOSED;
    case UPPP_PPTP_CONN_IDLE:
    case UPPP_PPTP_CONN_WAIT_CTL_REPLY:
    case UPPP_PPTP_CONN_WAIT_CTL_REQUEST:
        close_conn(c, UPPP_PPTP_CLOSE_LOCAL, 0, 0);
        return 0;
    case UPPP_PPTP_CONN_CLEARING:
    case UPPP_PPTP_CONN_WAIT_STOP_REPLY:
        return 0; /* already on its way */
    case UPPP_PPTP_CONN_ESTABLISHED:
        break;
    }
    c->state = UPPP_PPTP_CONN_CLEARING;
    c->echo_due = c->echo_wait = NEVER;
    for (size_t i = 0; i < c->cfg.max_calls; i++) {
        struct call *k = &c->calls[i];
        if (k->state != UPPP_PPTP_CALL_IDLE)
            clear_call(c, k, now);
    }
    clearing_progress(c, now);
    return 0;
}

void uppp_pptp_ctrl_tcp_closed(struct uppp_pptp_ctrl *c, uint64_t now)
{
    (void)now;
    if (!c || c->state == UPPP_PPTP_CONN_CLOSED)
        return;
    /* Our own teardown ends here too: pptpd closes TCP in answer to a
     * Call-Clear-Request, and any peer may close in answer to StopCCRQ. */
    if (c->state == UPPP_PPTP_CONN_CLEARING || c->state == UPPP_PPTP_CONN_WAIT_STOP_REPLY)
        close_conn(c, UPPP_PPTP_CLOSE_LOCAL, 0, 0);
    else
        close_conn(c, UPPP_PPTP_CLOSE_PEER_TCP, 0, 0);
}

/* ----------------------------------------------------------- receive */

static void log_peer_identity(struct uppp_pptp_ctrl *c, const struct uppp_pptp_sccrq *s)
{
    char host[4 * 64 + 1], vendor[4 * 64 + 1];
    uppp_escape(host, sizeof(host), s->host.s, s->host.len, 0);
    uppp_escape(vendor, sizeof(vendor), s->vendor.s, s->vendor.len, 0);
    logf_(c, LOG_INFO, "pptp peer host \"%s\" vendor \"%s\" firmware %#x", host, vendor,
          (unsigned)s->firmware);
}

static void send_sccrp(struct uppp_pptp_ctrl *c, uint8_t result, uint8_t error)
{
    struct uppp_pptp_msg m = {.type = UPPP_PPTP_SCCRP};
    m.u.sccrq.version = UPPP_PPTP_PROTOCOL_VERSION;
    m.u.sccrq.result = result;
    m.u.sccrq.error = error;
    m.u.sccrq.framing_caps = UPPP_PPTP_FRAMING_ASYNC | UPPP_PPTP_FRAMING_SYNC;
    m.u.sccrq.bearer_caps = UPPP_PPTP_BEARER_ANALOG | UPPP_PPTP_BEARER_DIGITAL;
    m.u.sccrq.max_channels = c->cfg.max_calls;
    m.u.sccrq.firmware = c->cfg.firmware;
    uppp_pptp_text_set(&m.u.sccrq.host, c->cfg.host_name);
    uppp_pptp_text_set(&m.u.sccrq.vendor, c->cfg.vendor);
    send_msg(c, &m);
}

static void established(struct uppp_pptp_ctrl *c, uint64_t now)
{
    c->state = UPPP_PPTP_CONN_ESTABLISHED;
    c->deadline = NEVER;
    c->echo_due = c->cfg.echo_interval_ms ? now + c->cfg.echo_interval_ms : NEVER;
    struct uppp_pptp_event ev = {.type = UPPP_PPTP_EV_CONNECTED};
    emit(c, &ev);
}

static int proto_error(struct uppp_pptp_ctrl *c, const struct uppp_pptp_msg *m)
{
    logf_(c, LOG_WARN, "pptp unexpected %s in state %d", uppp_pptp_type_name((unsigned)m->type),
          (int)c->state);
    return close_conn(c, UPPP_PPTP_CLOSE_PROTOCOL, UPPP_ERR_PROTO, 0);
}

static void unknown_call(struct uppp_pptp_ctrl *c, const struct uppp_pptp_msg *m, unsigned id)
{
    logf_(c, LOG_INFO, "pptp %s for unknown call id %u ignored",
          uppp_pptp_type_name((unsigned)m->type), id);
}

/* A call the peer asks for (OCRQ at a PAC, ICRQ at a PNS), with the peer's
 * Call ID; NULL with *error set when it is refused (both replies use
 * General Error = 2 for that). */
static struct call *accept_call(struct uppp_pptp_ctrl *c, const struct uppp_pptp_msg *m,
                                uint16_t peer_id, uint8_t *error)
{
    struct call *k = NULL;
    if (find_call(c, peer_id, 1))
        /* A second call with the same peer Call ID could not be told apart
         * in Call-Clear-Request / Call-Disconnect-Notify. */
        *error = UPPP_PPTP_ERROR_BAD_CALL_ID;
    else if (c->state != UPPP_PPTP_CONN_ESTABLISHED || !(k = alloc_call(c)))
        *error = UPPP_PPTP_ERROR_NO_RESOURCE;
    if (!k) {
        logf_(c, LOG_WARN, "pptp %s refused: %s", uppp_pptp_type_name((unsigned)m->type),
              uppp_pptp_error_name(*error));
        return NULL;
    }
    k->peer_id = peer_id;
    k->peer_known = 1;
    return k;
}

/* PAC: an Outgoing-Call-Request (section 3.2.4.1). */
static void rx_ocrq(struct uppp_pptp_ctrl *c, const struct uppp_pptp_msg *m)
{
    const struct uppp_pptp_ocrq *o = &m->u.ocrq;
    struct uppp_pptp_msg r = {.type = UPPP_PPTP_OCRP};
    r.u.ocrp.peer_call_id = o->call_id;
    struct call *k = accept_call(c, m, o->call_id, &r.u.ocrp.error);
    if (!k) {
        r.u.ocrp.result = UPPP_PPTP_OCRP_GENERAL_ERROR;
        send_msg(c, &r);
        return;
    }
    k->peer_window = o->recv_window;
    k->peer_delay = o->proc_delay;
    r.u.ocrp.call_id = k->id;
    r.u.ocrp.result = UPPP_PPTP_OCRP_CONNECTED;
    r.u.ocrp.speed = c->cfg.connect_speed;
    r.u.ocrp.recv_window = c->cfg.recv_window;
    r.u.ocrp.proc_delay = c->cfg.proc_delay;
    send_msg(c, &r);
    call_up(c, k);
}

/* PNS: an Incoming-Call-Request (section 3.2.3.2). */
static void rx_icrq(struct uppp_pptp_ctrl *c, const struct uppp_pptp_msg *m, uint64_t now)
{
    struct uppp_pptp_msg r = {.type = UPPP_PPTP_ICRP};
    r.u.icrp.peer_call_id = m->u.icrq.call_id;
    struct call *k = accept_call(c, m, m->u.icrq.call_id, &r.u.icrp.error);
    if (!k) {
        r.u.icrp.result = UPPP_PPTP_ICRP_GENERAL_ERROR;
        send_msg(c, &r);
        return;
    }
    r.u.icrp.call_id = k->id;
    r.u.icrp.result = UPPP_PPTP_ICRP_CONNECT;
    r.u.icrp.recv_window = c->cfg.recv_window;
    r.u.icrp.tx_delay = c->cfg.proc_delay;
    send_msg(c, &r);
    k->state = UPPP_PPTP_CALL_WAIT_CONNECT;
    k->deadline = now + c->cfg.reply_timeout_ms;
}

/* The answer to a call we placed (OCRP at a PNS, ICRP at a PAC): the call
 * it names, ready to come up, or NULL when it names no call of ours waiting
 * for a reply (ignored: a reply racing our clear) or refuses the call
 * (down, with the peer's result). */
static struct call *rx_reply(struct uppp_pptp_ctrl *c, const struct uppp_pptp_msg *m,
                             uint16_t our_id, uint16_t peer_id, int ok, uint8_t result,
                             uint8_t error, uint16_t window, uint16_t delay, uint64_t now)
{
    struct call *k = find_call(c, our_id, 0);
    if (!k || k->state != UPPP_PPTP_CALL_WAIT_REPLY) {
        unknown_call(c, m, our_id);
        return NULL;
    }
    k->peer_id = peer_id;
    k->peer_known = 1;
    k->peer_window = window;
    k->peer_delay = delay;
    if (!ok) {
        logf_(c, LOG_WARN, "pptp %s: %s (%s)", uppp_pptp_type_name((unsigned)m->type),
              uppp_pptp_result_name((unsigned)m->type, result), uppp_pptp_error_name(error));
        call_down(c, k, result, error);
        clearing_progress(c, now);
        return NULL;
    }
    return k;
}

static int handle_msg(struct uppp_pptp_ctrl *c, const struct uppp_pptp_msg *m, uint64_t now)
{
    const int pns = c->cfg.role == UPPP_PPTP_PNS;
    const int est = c->state == UPPP_PPTP_CONN_ESTABLISHED || c->state == UPPP_PPTP_CONN_CLEARING ||
                    c->state == UPPP_PPTP_CONN_WAIT_STOP_REPLY;
    struct call *k;

    logf_(c, LOG_DEBUG, "pptp rcvd %s", uppp_pptp_type_name((unsigned)m->type));
    /* Any message shows the peer is alive (section 3.1.4 asks for an echo
     * only after 60 s of silence). */
    c->echo_wait = NEVER;
    if (c->state == UPPP_PPTP_CONN_ESTABLISHED && c->cfg.echo_interval_ms)
        c->echo_due = now + c->cfg.echo_interval_ms;

    switch (m->type) {
    case UPPP_PPTP_SCCRQ:
        if (pns || c->state != UPPP_PPTP_CONN_WAIT_CTL_REQUEST)
            return proto_error(c, m);
        log_peer_identity(c, &m->u.sccrq);
        if (m->u.sccrq.version != UPPP_PPTP_PROTOCOL_VERSION) {
            send_sccrp(c, UPPP_PPTP_SCCRP_BAD_VERSION, UPPP_PPTP_ERROR_NONE);
            return close_conn(c, UPPP_PPTP_CLOSE_PROTOCOL, UPPP_ERR_PROTO,
                              UPPP_PPTP_SCCRP_BAD_VERSION);
        }
        send_sccrp(c, UPPP_PPTP_SCCRP_OK, UPPP_PPTP_ERROR_NONE);
        established(c, now);
        return 0;
    case UPPP_PPTP_SCCRP:
        if (!pns || c->state != UPPP_PPTP_CONN_WAIT_CTL_REPLY)
            return proto_error(c, m);
        log_peer_identity(c, &m->u.sccrq);
        if (m->u.sccrq.result != UPPP_PPTP_SCCRP_OK) {
            logf_(c, LOG_WARN, "pptp peer refused the control connection: %s (%s)",
                  uppp_pptp_result_name(UPPP_PPTP_SCCRP, m->u.sccrq.result),
                  uppp_pptp_error_name(m->u.sccrq.error));
            return close_conn(c, UPPP_PPTP_CLOSE_REFUSED, 0, m->u.sccrq.result);
        }
        established(c, now);
        return 0;
    case UPPP_PPTP_STOPCCRQ:
        if (!est)
            return proto_error(c, m);
        logf_(c, LOG_INFO, "pptp peer stops the control connection: %s",
              uppp_pptp_stop_reason_name(m->u.stop.reason_or_result));
        {
            struct uppp_pptp_msg r = {.type = UPPP_PPTP_STOPCCRP};
            r.u.stop.reason_or_result = UPPP_PPTP_RESULT_OK;
            send_msg(c, &r);
        }
        /* Both sides stopping at once: ours is complete as well. */
        return close_conn(c,
                          c->state == UPPP_PPTP_CONN_ESTABLISHED ? UPPP_PPTP_CLOSE_PEER_STOP
                                                                 : UPPP_PPTP_CLOSE_LOCAL,
                          0, 0);
    case UPPP_PPTP_STOPCCRP:
        if (c->state != UPPP_PPTP_CONN_WAIT_STOP_REPLY)
            return proto_error(c, m);
        return close_conn(c, UPPP_PPTP_CLOSE_LOCAL, 0, m->u.stop.reason_or_result);
    case UPPP_PPTP_ECHORQ:
        if (!est)
            return proto_error(c, m);
        {
            struct uppp_pptp_msg r = {.type = UPPP_PPTP_ECHORP};
            r.u.echo.id = m->u.echo.id;
            r.u.echo.result = UPPP_PPTP_RESULT_OK;
            send_msg(c, &r);
        }
        return 0;
    case UPPP_PPTP_ECHORP:
        if (!est)
            return proto_error(c, m);
        return 0; /* liveness already noted above */
    case UPPP_PPTP_OCRQ:
        if (pns || !est)
            return proto_error(c, m);
        rx_ocrq(c, m);
        return 0;
    case UPPP_PPTP_OCRP:
        if (!pns || !est)
            return proto_error(c, m);
        k = rx_reply(c, m, m->u.ocrp.peer_call_id, m->u.ocrp.call_id,
                     m->u.ocrp.result == UPPP_PPTP_OCRP_CONNECTED, m->u.ocrp.result,
                     m->u.ocrp.error, m->u.ocrp.recv_window, m->u.ocrp.proc_delay, now);
        if (k)
            call_up(c, k);
        return 0;
    case UPPP_PPTP_ICRQ:
        if (!pns || !est)
            return proto_error(c, m);
        rx_icrq(c, m, now);
        return 0;
    case UPPP_PPTP_ICRP:
        if (pns || !est)
            return proto_error(c, m);
        k = rx_reply(c, m, m->u.icrp.peer_call_id, m->u.icrp.call_id,
                     m->u.icrp.result == UPPP_PPTP_ICRP_CONNECT, m->u.icrp.result, m->u.icrp.error,
                     m->u.icrp.recv_window, m->u.icrp.tx_delay, now);
        if (!k)
            return 0;
        {
            struct uppp_pptp_msg r = {.type = UPPP_PPTP_ICCN};
            r.u.iccn.peer_call_id = k->peer_id;
            r.u.iccn.speed = c->cfg.connect_speed;
            r.u.iccn.recv_window = c->cfg.recv_window;
            r.u.iccn.tx_delay = c->cfg.proc_delay;
            r.u.iccn.framing_type = UPPP_PPTP_FRAMING_ASYNC;
            send_msg(c, &r);
        }
        call_up(c, k);
        return 0;
    case UPPP_PPTP_ICCN:
        if (!pns || !est)
            return proto_error(c, m);
        k = find_call(c, m->u.iccn.peer_call_id, 0);
        if (!k || k->state != UPPP_PPTP_CALL_WAIT_CONNECT) {
            unknown_call(c, m, m->u.iccn.peer_call_id);
            return 0;
        }
        k->peer_window = m->u.iccn.recv_window;
        k->peer_delay = m->u.iccn.tx_delay;
        call_up(c, k);
        return 0;
    case UPPP_PPTP_CCRQ:
        if (pns || !est)
            return proto_error(c, m);
        k = find_call(c, m->u.ccrq.call_id, 1);
        if (!k) {
            unknown_call(c, m, m->u.ccrq.call_id);
            return 0;
        }
        send_cdn(c, k, UPPP_PPTP_CDN_REQUEST, UPPP_PPTP_ERROR_NONE);
        call_down(c, k, 0, 0);
        clearing_progress(c, now);
        return 0;
    case UPPP_PPTP_CDN:
        if (!pns || !est)
            return proto_error(c, m);
        k = find_call(c, m->u.cdn.call_id, 1);
        if (!k) {
            unknown_call(c, m, m->u.cdn.call_id);
            return 0;
        }
        logf_(c, LOG_INFO, "pptp Call-Disconnect-Notify for call id %u: %s", (unsigned)k->id,
              uppp_pptp_result_name(UPPP_PPTP_CDN, m->u.cdn.result));
        call_down(c, k, m->u.cdn.result, m->u.cdn.error);
        clearing_progress(c, now);
        return 0;
    case UPPP_PPTP_WEN:
    case UPPP_PPTP_SLI: {
        /* WEN goes PAC -> PNS, SLI PNS -> PAC; both name the receiver's
         * own Call ID (sections 2.14, 2.15). */
        int want_pns = m->type == UPPP_PPTP_WEN;
        if (pns != want_pns || !est)
            return proto_error(c, m);
        uint16_t id = want_pns ? m->u.wen.peer_call_id : m->u.sli.peer_call_id;
        k = find_call(c, id, 0);
        if (!k || k->state != UPPP_PPTP_CALL_ESTABLISHED) {
            unknown_call(c, m, id);
            return 0;
        }
        struct uppp_pptp_event ev = {.type = want_pns ? UPPP_PPTP_EV_WAN_ERROR
                                                      : UPPP_PPTP_EV_SET_LINK_INFO,
                                     .call_id = k->id,
                                     .peer_call_id = k->peer_id};
        if (!want_pns) {
            ev.send_accm = m->u.sli.send_accm;
            ev.recv_accm = m->u.sli.recv_accm;
        }
        emit(c, &ev);
        return 0;
    }
    }
    return proto_error(c, m);
}

int uppp_pptp_ctrl_read(struct uppp_pptp_ctrl *c, const uint8_t *data, size_t len, uint64_t now)
{
    if (!c || (!data && len))
        return UPPP_ERR_INVALID;
    if (c->state == UPPP_PPTP_CONN_CLOSED)
        return UPPP_ERR_CLOSED;
    if (c->state == UPPP_PPTP_CONN_IDLE)
        return UPPP_ERR_PROTO; /* not started: nothing can be in order yet */
    size_t off = 0;
    while (off < len && c->state != UPPP_PPTP_CONN_CLOSED) {
        size_t used, mlen;
        const uint8_t *mp;
        int r = uppp_pptp_stream_next(&c->stream, data + off, len - off, &used, &mp, &mlen);
        off += used;
        if (r < 0) {
            logf_(c, LOG_WARN, "pptp control stream broken (bad length, type or cookie)");
            return close_conn(c, UPPP_PPTP_CLOSE_PROTOCOL, r, 0);
        }
        if (r == 0)
            break;
        /* Rate limit per connection: a second-long window on the caller's
         * clock, so a flood costs at most max_msgs_per_sec messages of work. */
        if (now >= c->rate_start + 1000 || now < c->rate_start) {
            c->rate_start = now;
            c->rate_count = 0;
        }
        if (c->cfg.max_msgs_per_sec && ++c->rate_count > c->cfg.max_msgs_per_sec) {
            logf_(c, LOG_WARN, "pptp more than %u control messages in a second",
                  (unsigned)c->cfg.max_msgs_per_sec);
            return close_conn(c, UPPP_PPTP_CLOSE_RATE, UPPP_ERR_LIMIT, 0);
        }
        struct uppp_pptp_msg m;
        r = uppp_pptp_msg_parse(mp, mlen, &m);
        if (r < 0)
            return close_conn(c, UPPP_PPTP_CLOSE_PROTOCOL, r, 0);
        r = handle_msg(c, &m, now);
        if (r < 0)
            return r;
    }
    return 0;
}

/* ------------------------------------------------------------ timers */

uint64_t uppp_pptp_ctrl_next_timer(const struct uppp_pptp_ctrl *c)
{
    if (!c || c->state == UPPP_PPTP_CONN_CLOSED)
        return NEVER;
    uint64_t t = c->deadline;
    if (c->echo_due < t)
        t = c->echo_due;
    if (c->echo_wait < t)
        t = c->echo_wait;
    for (size_t i = 0; i < c->cfg.max_calls; i++)
        if (c->calls[i].state != UPPP_PPTP_CALL_IDLE && c->calls[i].deadline < t)
            t = c->calls[i].deadline;
    return t;
}

int uppp_pptp_ctrl_handle_timer(struct uppp_pptp_ctrl *c, uint64_t now)
{
    if (!c)
        return UPPP_ERR_INVALID;
    if (c->state == UPPP_PPTP_CONN_CLOSED)
        return UPPP_ERR_CLOSED;
    if (now >= c->deadline) {
        c->deadline = NEVER;
        switch (c->state) {
        case UPPP_PPTP_CONN_WAIT_CTL_REPLY:
        case UPPP_PPTP_CONN_WAIT_CTL_REQUEST:
            logf_(c, LOG_WARN, "pptp no Start-Control-Connection-%s in time",
                  c->state == UPPP_PPTP_CONN_WAIT_CTL_REPLY ? "Reply" : "Request");
            close_conn(c, UPPP_PPTP_CLOSE_TIMEOUT, 0, 0);
            return UPPP_ERR_CLOSED;
        case UPPP_PPTP_CONN_WAIT_STOP_REPLY:
            close_conn(c, UPPP_PPTP_CLOSE_LOCAL_TIMEOUT, 0, 0);
            return UPPP_ERR_CLOSED;
        default:
            break;
        }
    }
    if (now >= c->echo_wait) {
        logf_(c, LOG_WARN, "pptp no answer to Echo-Request: peer is gone");
        close_conn(c, UPPP_PPTP_CLOSE_NO_ECHO, 0, 0);
        return UPPP_ERR_CLOSED;
    }
    if (now >= c->echo_due && c->state == UPPP_PPTP_CONN_ESTABLISHED) {
        struct uppp_pptp_msg m = {.type = UPPP_PPTP_ECHORQ};
        m.u.echo.id = ++c->echo_id;
        send_msg(c, &m);
        c->echo_due = NEVER; /* the next one once something comes back */
        c->echo_wait = now + c->cfg.echo_timeout_ms;
    }
    for (size_t i = 0; i < c->cfg.max_calls; i++) {
        struct call *k = &c->calls[i];
        if (k->state == UPPP_PPTP_CALL_IDLE || now < k->deadline)
            continue;
        logf_(c, LOG_WARN, "pptp call id %u: no answer in time (state %d)", (unsigned)k->id,
              (int)k->state);
        call_down(c, k, 0, 0);
    }
    /* A call that never got its CDN is down anyway: the next step runs,
     * with its own timeout. */
    clearing_progress(c, now);
    return 0;
}

enum uppp_pptp_call_state uppp_pptp_ctrl_call_state(const struct uppp_pptp_ctrl *c,
                                                    uint16_t call_id)
{
    if (!c)
        return UPPP_PPTP_CALL_IDLE;
    for (size_t i = 0; i < c->cfg.max_calls; i++)
        if (c->calls[i].state != UPPP_PPTP_CALL_IDLE && c->calls[i].id == call_id)
            return c->calls[i].state;
    return UPPP_PPTP_CALL_IDLE;
}
