/*
 * pptp-probe: a PPTP client for testing upppd-pptpd, built from the real
 * components (the library's PNS control connection, its GRE flow, the
 * daemon's frame-mode session and GRE socket), and the hostile clients of
 * issue 10, which speak raw PPTP with the library's message builders.
 *
 *   pptp-probe SERVER PORT call USER PASSWORD [N [HOLD_S [MPPE]]]
 *       N calls at once (one control connection each): MS-CHAPv2, IPCP,
 *       then an ICMP echo to the server's end of each link, answered by
 *       the server's kernel through its pppN. Hold HOLD_S seconds (memory
 *       measurements), then end each call in order. MPPE: "128" (default),
 *       "128-stateful", "40". Prints "calls_up=N pings_ok=N".
 *   pptp-probe SERVER PORT hostile CASE
 *       badlen, badcookie, outoforder, flood (10,000 SCCRQs), callids
 *       (Outgoing-Call-Requests until refused), slowloris (one byte a
 *       second), gre-forge (GRE with forged Call IDs and sequence numbers
 *       at every Call ID). Exit 0 when the server behaved: answered what
 *       it should, closed what it should, within bounded time.
 */
#define _GNU_SOURCE
#include "gre_sock.h"
#include "loop.h"
#include "sess.h"

#include <uppp/pptp_ctrl.h>
#include <uppp/pptp_gre.h>
#include <uppp/pptp_msg.h>
#include <uppp/session.h>

#include "crypto.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FROM(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

static struct sockaddr_in server;
static const char *user, *pass;
static struct upppd_loop loop;
static struct upppd_gre_sock gre;
static const char *mppe_mode = "128";

struct pcall {
    int fd;
    struct uppp_pptp_ctrl *ctrl;
    struct upppd_watch w;
    struct upppd_loop_timer timer, gtimer;
    struct upppd_defer after;
    int connected, placed, up, ip_up, dead, closed, pings_ok;
    uint16_t call_id;
    struct upppd_gre_call gc;
    struct uppp_pptp_gre *flow;
    struct upppd_sess sess;
    int sess_made;
    uint32_t ip_local, ip_remote;
};

static void die(const char *what)
{
    fprintf(stderr, "pptp-probe: %s: %s\n", what, strerror(errno));
    exit(2);
}

static int tcp_connect(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&server, sizeof(server)) < 0)
        die("connect");
    return fd;
}

/* ---------------------------------------------------------- good calls */

static void c_output(void *user_, const uint8_t *data, size_t len)
{
    struct pcall *c = user_;
    if (send(c->fd, data, len, MSG_NOSIGNAL) < 0)
        c->closed = 1;
}

static void gre_arm(struct pcall *c)
{
    upppd_loop_timer_set(&loop, &c->gtimer, c->flow ? uppp_pptp_gre_next_timer(c->flow) : 0);
}

static void g_output(void *user_, const uint8_t *pkt, size_t len)
{
    (void)user_;
    upppd_gre_sock_send(&gre, server.sin_addr.s_addr, pkt, len);
}

static void g_deliver(void *user_, const uint8_t *payload, size_t len)
{
    struct pcall *c = user_;
    if (!c->dead)
        upppd_sess_input_frame(&c->sess, payload, len);
}

static void g_recv(struct upppd_gre_call *gc, const uint8_t *pkt, size_t len, uint64_t now)
{
    struct pcall *c = FROM(gc, struct pcall, gc);
    uppp_pptp_gre_recv(c->flow, pkt, len, now);
    upppd_loop_defer(&loop, &c->after);
}

static void g_fire(struct upppd_loop_timer *t, uint64_t now)
{
    struct pcall *c = FROM(t, struct pcall, gtimer);
    uppp_pptp_gre_handle_timer(c->flow, now);
    gre_arm(c);
}

static void s_send(void *user_, const uint8_t *frame, size_t len)
{
    struct pcall *c = user_;
    uppp_pptp_gre_send(c->flow, frame, len, upppd_loop_now());
    upppd_loop_defer(&loop, &c->after);
}

static uint16_t csum(const uint8_t *p, size_t len)
{
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        s += (uint32_t)p[i] << 8 | p[i + 1];
    if (len & 1)
        s += (uint32_t)p[len - 1] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static void ping(struct pcall *c)
{
    uint8_t pkt[84] = {0x45, 0, 0, 84, 0, 1, 0x40, 0, 64, 1};
    for (int i = 0; i < 4; i++) {
        pkt[12 + i] = (uint8_t)(c->ip_local >> (24 - 8 * i));
        pkt[16 + i] = (uint8_t)(c->ip_remote >> (24 - 8 * i));
    }
    uint16_t s = csum(pkt, 20);
    pkt[10] = (uint8_t)(s >> 8);
    pkt[11] = (uint8_t)s;
    pkt[20] = 8; /* echo request */
    pkt[24] = 0x12;
    pkt[25] = 0x34;
    for (int i = 28; i < 84; i++)
        pkt[i] = (uint8_t)i;
    s = csum(pkt + 20, 64);
    pkt[22] = (uint8_t)(s >> 8);
    pkt[23] = (uint8_t)s;
    upppd_sess_send_ip(&c->sess, UPPP_PROTO_IP, pkt, sizeof(pkt));
}

static void s_deliver(void *user_, uint16_t proto, const uint8_t *pkt, size_t len)
{
    struct pcall *c = user_;
    if (proto == UPPP_PROTO_IP && len >= 28 && pkt[9] == 1 && pkt[20] == 0 && pkt[24] == 0x12)
        c->pings_ok++;
}

static void s_event(void *user_, const struct uppp_event *ev)
{
    struct pcall *c = user_;
    if (ev->type == UPPP_EVENT_IP_UP) {
        struct uppp_status st;
        uppp_session_status(c->sess.s, &st);
        c->ip_local = st.ip_local;
        c->ip_remote = st.ip_remote;
        c->ip_up = 1;
        upppd_loop_defer(&loop, &c->after);
    } else if (ev->type == UPPP_EVENT_DEAD) {
        c->dead = 1;
        upppd_loop_defer(&loop, &c->after);
    }
}

static int s_secret(void *user_, const struct uppp_secret_query *q, struct uppp_secret *out)
{
    (void)user_;
    if (q->for_peer)
        return -1;
    out->kind = UPPP_SECRET_PASSWORD;
    snprintf(out->password, sizeof(out->password), "%s", pass);
    return 0;
}

static void call_up(struct pcall *c, const struct uppp_pptp_event *ev)
{
    struct uppp_pptp_gre_config gc;
    uppp_pptp_gre_config_init(&gc);
    gc.call_id = ev->call_id;
    gc.peer_call_id = ev->peer_call_id;
    gc.peer_window = ev->peer_window;
    struct uppp_pptp_gre_callbacks gcb = {.output = g_output, .deliver = g_deliver};
    if (uppp_pptp_gre_new(&c->flow, &gc, &gcb, c) != 0)
        die("gre");
    c->gc.peer = server.sin_addr.s_addr;
    c->gc.call_id = ev->call_id;
    c->gc.recv = g_recv;
    if (upppd_gre_sock_register(&gre, &c->gc) < 0)
        die("gre register");
    struct uppp_config cfg;
    uppp_config_init(&cfg);
    cfg.framing = UPPP_FRAMING_NONE;
    cfg.restart_ms = 1000;
    snprintf(cfg.our_name, sizeof(cfg.our_name), "%s", user);
    cfg.mppe = UPPP_MPPE_REQUIRED;
    cfg.mppe_bits = strcmp(mppe_mode, "40") == 0 ? 1u : 4u;
    cfg.mppe_stateful_ok = 1;
    cfg.mppe_want_stateful = strstr(mppe_mode, "stateful") != NULL;
    struct upppd_sess_ops ops = {
        .user = c, .event = s_event, .deliver = s_deliver, .get_secret = s_secret};
    if (upppd_sess_init(&c->sess, &loop, &cfg, &ops) != 0 ||
        upppd_sess_attach_frames(&c->sess, -1, NULL, s_send, c) != 0)
        die("session");
    c->sess_made = 1;
    c->up = 1;
    c->call_id = ev->call_id;
    upppd_sess_start(&c->sess, upppd_loop_now());
}

static void c_event(void *user_, const struct uppp_pptp_event *ev)
{
    struct pcall *c = user_;
    if (ev->type == UPPP_PPTP_EV_CONNECTED)
        c->connected = 1;
    else if (ev->type == UPPP_PPTP_EV_CALL_UP)
        call_up(c, ev);
    else if (ev->type == UPPP_PPTP_EV_CALL_DOWN && c->sess_made && !c->dead)
        upppd_sess_hangup(&c->sess, "call down");
    else if (ev->type == UPPP_PPTP_EV_CLOSED)
        c->closed = 1;
    upppd_loop_defer(&loop, &c->after);
}

static void c_after(struct upppd_defer *d)
{
    struct pcall *c = FROM(d, struct pcall, after);
    uint64_t now = upppd_loop_now();
    if (c->connected && !c->placed) {
        c->placed = 1;
        uint16_t id;
        uppp_pptp_ctrl_call(c->ctrl, now, &id);
    }
    if (c->ip_up == 1) {
        c->ip_up = 2;
        ping(c);
    }
    if (c->dead == 1 && !c->closed) {
        c->dead = 2;
        uppp_pptp_ctrl_stop(c->ctrl, now); /* CCRQ, then StopCCRQ */
    }
    if (c->flow)
        gre_arm(c);
    uint64_t t = uppp_pptp_ctrl_next_timer(c->ctrl);
    upppd_loop_timer_set(&loop, &c->timer, t);
}

static void c_io(struct upppd_watch *w, uint32_t ev)
{
    struct pcall *c = FROM(w, struct pcall, w);
    (void)ev;
    uint8_t buf[4096];
    ssize_t n = read(c->fd, buf, sizeof(buf));
    if (n > 0)
        uppp_pptp_ctrl_read(c->ctrl, buf, (size_t)n, upppd_loop_now());
    else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        uppp_pptp_ctrl_tcp_closed(c->ctrl, upppd_loop_now());
        upppd_loop_unwatch(&loop, &c->w);
        c->closed = 1;
    }
    upppd_loop_defer(&loop, &c->after);
}

static void c_timer(struct upppd_loop_timer *t, uint64_t now)
{
    struct pcall *c = FROM(t, struct pcall, timer);
    uppp_pptp_ctrl_handle_timer(c->ctrl, now);
    upppd_loop_defer(&loop, &c->after);
}

static void pcall_start(struct pcall *c)
{
    memset(c, 0, sizeof(*c));
    c->fd = tcp_connect();
    fcntl(c->fd, F_SETFL, O_NONBLOCK);
    struct uppp_pptp_ctrl_config cfg;
    uppp_pptp_ctrl_config_init(&cfg, UPPP_PPTP_PNS);
    struct uppp_pptp_ctrl_callbacks cb = {.output = c_output, .event = c_event};
    if (uppp_pptp_ctrl_new(&c->ctrl, &cfg, &cb, c) != 0)
        die("ctrl");
    upppd_loop_timer_init(&c->timer, c_timer);
    upppd_loop_timer_init(&c->gtimer, g_fire);
    upppd_loop_defer_init(&c->after, c_after);
    c->w = (struct upppd_watch){.fd = c->fd, .cb = c_io};
    upppd_loop_watch(&loop, &c->w, EPOLLIN);
    uppp_pptp_ctrl_start(c->ctrl, upppd_loop_now());
    upppd_loop_defer(&loop, &c->after);
}

static void run_for(int ms, int (*done)(struct pcall *, int), struct pcall *cs, int n)
{
    uint64_t end = upppd_loop_now() + (uint64_t)ms;
    while (upppd_loop_now() < end && !(done && done(cs, n)))
        upppd_loop_run_once(&loop, 100);
}

static int all_pinged(struct pcall *cs, int n)
{
    for (int i = 0; i < n; i++)
        if (cs[i].pings_ok == 0)
            return 0;
    return 1;
}

static int all_closed(struct pcall *cs, int n)
{
    for (int i = 0; i < n; i++)
        if (!cs[i].closed)
            return 0;
    return 1;
}

static int do_calls(int n, int hold_s)
{
    if (uppp_crypto_init() != 0)
        return 2;
    struct pcall *cs = calloc((size_t)n, sizeof(*cs));
    for (int i = 0; i < n; i++)
        pcall_start(&cs[i]);
    run_for(30000, all_pinged, cs, n);
    int up = 0, ok = 0;
    for (int i = 0; i < n; i++) {
        up += cs[i].ip_up != 0;
        ok += cs[i].pings_ok > 0;
    }
    printf("calls_up=%d pings_ok=%d\n", up, ok);
    fflush(stdout);
    if (hold_s > 0)
        run_for(hold_s * 1000, NULL, cs, n);
    /* End in order: LCP Terminate, then (on DEAD) the control connection. */
    for (int i = 0; i < n; i++)
        if (cs[i].sess_made && !cs[i].dead)
            uppp_session_close_end(cs[i].sess.s, UPPP_END_USER_REQUEST, "User request",
                                   upppd_loop_now()),
                upppd_sess_touch(&cs[i].sess);
    run_for(10000, all_closed, cs, n);
    return ok == n ? 0 : 1;
}

/* ------------------------------------------------------------ hostile */

static size_t build(unsigned type, uint8_t *buf, uint16_t call_id)
{
    struct uppp_pptp_msg m;
    memset(&m, 0, sizeof(m));
    m.type = (enum uppp_pptp_ctrl_type)type;
    if (type == UPPP_PPTP_SCCRQ) {
        m.u.sccrq.version = UPPP_PPTP_PROTOCOL_VERSION;
        m.u.sccrq.framing_caps = 3;
        m.u.sccrq.bearer_caps = 3;
    } else if (type == UPPP_PPTP_OCRQ) {
        m.u.ocrq.call_id = call_id;
        m.u.ocrq.min_bps = 300;
        m.u.ocrq.max_bps = 100000000;
        m.u.ocrq.bearer_type = 3;
        m.u.ocrq.framing_type = 3;
        m.u.ocrq.recv_window = 64;
    }
    int n = uppp_pptp_msg_build(&m, buf, UPPP_PPTP_MSG_MAX_LEN);
    if (n < 0) {
        fprintf(stderr, "build %u failed\n", type);
        exit(2);
    }
    return (size_t)n;
}

/* Wait up to ms for the server to close fd (EOF or reset), reading and
 * discarding what it sends. Returns 1 if it closed. */
static int closed_within(int fd, int ms)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        int left = ms - (int)((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
        if (left <= 0)
            return 0;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, left) <= 0)
            continue;
        uint8_t buf[4096];
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n <= 0)
            return 1;
    }
}

/* The first control message the server sends back (type), or -1. */
static int reply_type(int fd, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    uint8_t buf[UPPP_PPTP_MSG_MAX_LEN];
    size_t have = 0;
    while (have < UPPP_PPTP_HEADER_LEN && poll(&p, 1, ms) > 0) {
        ssize_t n = read(fd, buf + have, sizeof(buf) - have);
        if (n <= 0)
            return -1;
        have += (size_t)n;
    }
    return have >= 10 ? buf[8] << 8 | buf[9] : -1;
}

static int expect(int ok, const char *what)
{
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    return ok ? 0 : 1;
}

static int hostile(const char *kase)
{
    uint8_t m[UPPP_PPTP_MSG_MAX_LEN * 2];
    int fd, fails = 0;
    if (strcmp(kase, "badlen") == 0) {
        /* A length shorter than the header, and one longer than any
         * message: each connection is closed. */
        for (int v = 0; v < 2; v++) {
            fd = tcp_connect();
            size_t n = build(UPPP_PPTP_SCCRQ, m, 0);
            m[0] = 0;
            m[1] = v == 0 ? 4 : 0xff;
            send(fd, m, n, MSG_NOSIGNAL);
            fails += expect(closed_within(fd, 3000), v ? "length 255 closed" : "length 4 closed");
            close(fd);
        }
    } else if (strcmp(kase, "badcookie") == 0) {
        fd = tcp_connect();
        size_t n = build(UPPP_PPTP_SCCRQ, m, 0);
        m[4] ^= 0xff;
        send(fd, m, n, MSG_NOSIGNAL);
        fails += expect(closed_within(fd, 3000), "bad magic cookie closed");
        close(fd);
    } else if (strcmp(kase, "outoforder") == 0) {
        /* An Outgoing-Call-Request before Start-Control-Connection. */
        fd = tcp_connect();
        size_t n = build(UPPP_PPTP_OCRQ, m, 1);
        send(fd, m, n, MSG_NOSIGNAL);
        fails += expect(closed_within(fd, 3000), "OCRQ before SCCRQ closed");
        close(fd);
        /* A second SCCRQ on an established connection. */
        fd = tcp_connect();
        n = build(UPPP_PPTP_SCCRQ, m, 0);
        send(fd, m, n, MSG_NOSIGNAL);
        fails += expect(reply_type(fd, 3000) == UPPP_PPTP_SCCRP, "SCCRP to the first SCCRQ");
        send(fd, m, n, MSG_NOSIGNAL);
        fails += expect(closed_within(fd, 3000), "second SCCRQ closed");
        close(fd);
    } else if (strcmp(kase, "flood") == 0) {
        /* 10,000 Start-Control-Connection-Requests back to back on one
         * connection: the message rate limit closes it, and the server
         * does not queue 10,000 replies. */
        fd = tcp_connect();
        size_t n = build(UPPP_PPTP_SCCRQ, m, 0);
        uint8_t *all = malloc(n * 10000);
        for (int i = 0; i < 10000; i++)
            memcpy(all + (size_t)i * n, m, n);
        size_t off = 0;
        while (off < n * 10000) {
            ssize_t w = send(fd, all + off, n * 10000 - off, MSG_NOSIGNAL);
            if (w <= 0)
                break;
            off += (size_t)w;
        }
        free(all);
        fails += expect(closed_within(fd, 5000), "10,000 SCCRQs: connection closed");
        close(fd);
    } else if (strcmp(kase, "callids") == 0) {
        /* Outgoing-Call-Requests until one is refused: the call limit,
         * not memory or Call IDs, ends it. */
        fd = tcp_connect();
        size_t n = build(UPPP_PPTP_SCCRQ, m, 0);
        send(fd, m, n, MSG_NOSIGNAL);
        reply_type(fd, 3000);
        int refused = 0, i;
        for (i = 0; i < 2000 && !refused; i++) {
            n = build(UPPP_PPTP_OCRQ, m, (uint16_t)(i + 1));
            send(fd, m, n, MSG_NOSIGNAL);
            uint8_t r[UPPP_PPTP_OCRP_LEN];
            size_t have = 0;
            struct pollfd p = {.fd = fd, .events = POLLIN};
            while (have < sizeof(r) && poll(&p, 1, 3000) > 0) {
                ssize_t k = read(fd, r + have, sizeof(r) - have);
                if (k <= 0)
                    break;
                have += (size_t)k;
            }
            if (have < sizeof(r))
                break;
            /* OCRP: Result Code at octet 16; 1 = Connected. */
            if (r[9] == UPPP_PPTP_OCRP && r[16] != 1)
                refused = 1;
            usleep(30000); /* under the message rate limit */
        }
        fails += expect(refused, "an Outgoing-Call-Request refused at the call limit");
        printf("calls before refusal: %d\n", i - 1);
        close(fd);
    } else if (strcmp(kase, "slowloris") == 0) {
        /* One byte a second of a Start-Control-Connection-Request: the
         * half-open limit (stimeout) closes it. */
        fd = tcp_connect();
        size_t n = build(UPPP_PPTP_SCCRQ, m, 0);
        int closed = 0;
        for (size_t i = 0; i < n && !closed; i++) {
            if (send(fd, m + i, 1, MSG_NOSIGNAL) <= 0)
                closed = 1;
            else
                closed = closed_within(fd, 1000);
        }
        fails += expect(closed, "slowloris closed before its SCCRQ was whole");
        close(fd);
    } else if (strcmp(kase, "gre-forge") == 0) {
        /* GRE for every Call ID with random sequence and ack numbers; the
         * calls of other clients must not notice (checked by the caller). */
        int raw = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_GRE);
        if (raw < 0)
            die("raw socket");
        uint8_t pkt[64];
        srand(7);
        for (int id = 0; id < 65536; id++) {
            struct uppp_gre_hdr h = {.payload_len = 8,
                                     .call_id = (uint16_t)id,
                                     .has_seq = 1,
                                     .has_ack = 1,
                                     .seq = (uint32_t)rand(),
                                     .ack = (uint32_t)rand()};
            int hl = uppp_gre_build(&h, pkt, sizeof(pkt));
            memset(pkt + hl, 0xff, 8);
            sendto(raw, pkt, (size_t)hl + 8, 0, (struct sockaddr *)&server, sizeof(server));
            if ((id & 1023) == 0)
                usleep(1000);
        }
        close(raw);
        fails += expect(1, "65,536 forged GRE packets sent");
    } else {
        fprintf(stderr, "unknown case %s\n", kase);
        return 2;
    }
    return fails ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: pptp-probe SERVER PORT call USER PASS [N [HOLD [MPPE]]] | "
                        "hostile CASE\n");
        return 2;
    }
    server.sin_family = AF_INET;
    server.sin_port = htons((uint16_t)atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &server.sin_addr) != 1)
        return 2;
    signal(SIGPIPE, SIG_IGN);
    if (strcmp(argv[3], "hostile") == 0 && argc >= 5)
        return hostile(argv[4]);
    if (strcmp(argv[3], "call") != 0 || argc < 6)
        return 2;
    user = argv[4];
    pass = argv[5];
    int n = argc > 6 ? atoi(argv[6]) : 1;
    int hold = argc > 7 ? atoi(argv[7]) : 0;
    if (argc > 8)
        mppe_mode = argv[8];
    if (upppd_loop_init(&loop) < 0 || upppd_gre_sock_open(&gre, &loop, 0) < 0)
        die("loop/gre");
    int rc = do_calls(n < 1 ? 1 : n, hold);
    upppd_gre_sock_close(&gre);
    return rc;
}
