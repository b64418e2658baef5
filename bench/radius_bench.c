/*
 * radius-bench: N PPP sessions authenticate at once through RADIUS, from
 * the daemon's many-session core (daemon/sess.c and daemon/radius.c on one
 * event loop), each against a peer session over a socketpair (async HDLC).
 * The authenticator sessions ask a real RADIUS server (FreeRADIUS in the
 * tests) with the daemon's RADIUS module; the peers prove a password they
 * know locally, so MPPE coming up and a packet crossing each way shows the
 * keys from the server equal the peer's own (RFC 3079).
 *
 *   radius-bench --config FILE --method pap|chap|mschap|mschap-v2
 *                --user U --password P [--sessions N] [--expect accept|reject]
 *                [--mppe | --mppe-from-radius] [--want-ip A.B.C.D] [--allow-no-ma]
 *                [--timeout S]
 *                [--hold MS]
 *
 * Prints one key=value line:
 *   radius_auth sessions=N accepted=A rejected=R p50_ms=X p99_ms=Y
 *   mppe_bits=B traffic=ok|fail ip=A.B.C.D bytes_in=I bytes_out=O
 * (bytes: the first authenticator's link counters, as its Stop carries)
 * p50/p99: from the session handing the peer's response to RADIUS until
 * its verdict (accept: the authenticator's AUTH_UP; reject: its end).
 * Exit 0 when every session met --expect (and, for accept, traffic crossed
 * both ways, with MPPE when --mppe), 1 otherwise, 2 on bad usage.
 * --hold keeps the accepted links up that many ms before the traffic
 * (a test stops the RADIUS server meanwhile).
 */
#include "loop.h"
#include "radius.h"
#include "sess.h"

#include <uppp/err.h>
#include <uppp/session.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#define FROM(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

struct pair {
    struct upppd_sess srv, cli;
    struct upppd_radius_call call;
    int fds[2];
    uint64_t t_req, t_verdict;
    int asked, auth_up, srv_ip_up, cli_ip_up;
    unsigned srv_rx, cli_rx;
};

static struct {
    const char *config, *user, *password, *want_ip;
    unsigned method;
    int sessions, expect_accept, mppe, mppe_from_radius, allow_no_ma, verbose;
    unsigned timeout_s, hold_ms;
    struct upppd_radius *rad;
} g = {.sessions = 1, .expect_accept = 1, .timeout_s = 60};

static void on_log(void *user, int level, const char *line)
{
    (void)user;
    if (g.verbose || level <= LOG_WARNING)
        fprintf(stderr, "%s\n", line);
}

static int srv_auth_request(void *user, const struct uppp_auth_request *req)
{
    struct pair *p = user;
    p->asked = 1;
    p->t_req = upppd_loop_now();
    return upppd_radius_call_auth(&p->call, req);
}

static void srv_event(void *user, const struct uppp_event *ev)
{
    struct pair *p = user;
    if (ev->type == UPPP_EVENT_AUTH_UP && !p->auth_up) {
        p->auth_up = 1;
        p->t_verdict = upppd_loop_now();
    } else if (ev->type == UPPP_EVENT_IP_UP) {
        p->srv_ip_up = 1;
        upppd_radius_call_acct_start(&p->call);
    }
}

static void cli_event(void *user, const struct uppp_event *ev)
{
    struct pair *p = user;
    if (ev->type == UPPP_EVENT_IP_UP)
        p->cli_ip_up = 1;
}

static void srv_deliver(void *user, uint16_t proto, const uint8_t *pkt, size_t len)
{
    struct pair *p = user;
    (void)proto;
    if (len >= 24 && memcmp(pkt + 20, "ping", 4) == 0)
        p->srv_rx++;
}

static void cli_deliver(void *user, uint16_t proto, const uint8_t *pkt, size_t len)
{
    struct pair *p = user;
    (void)proto;
    if (len >= 24 && memcmp(pkt + 20, "pong", 4) == 0)
        p->cli_rx++;
}

static int cli_secret(void *user, const struct uppp_secret_query *q, struct uppp_secret *out)
{
    (void)user;
    if (q->for_peer)
        return -1;
    out->kind = UPPP_SECRET_PASSWORD;
    snprintf(out->password, sizeof(out->password), "%s", g.password);
    return 0;
}

static unsigned parse_method(const char *s)
{
    if (strcmp(s, "pap") == 0)
        return UPPP_AUTH_PAP;
    if (strcmp(s, "chap") == 0)
        return UPPP_AUTH_CHAP_MD5;
    if (strcmp(s, "mschap") == 0)
        return UPPP_AUTH_MSCHAP_V1;
    if (strcmp(s, "mschap-v2") == 0)
        return UPPP_AUTH_MSCHAP_V2;
    return 0;
}

static size_t ipv4(uint8_t *b, uint32_t src, uint32_t dst, const char *text)
{
    memset(b, 0, 24);
    b[0] = 0x45;
    b[3] = 24;
    b[8] = 64;
    b[9] = 253; /* experimental */
    for (int i = 0; i < 4; i++) {
        b[12 + i] = (uint8_t)(src >> (24 - 8 * i));
        b[16 + i] = (uint8_t)(dst >> (24 - 8 * i));
    }
    unsigned sum = 0;
    for (int i = 0; i < 20; i += 2)
        sum += (unsigned)(b[i] << 8 | b[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    b[10] = (uint8_t)(~sum >> 8);
    b[11] = (uint8_t)~sum;
    memcpy(b + 20, text, 4);
    return 24;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int usage(void)
{
    fprintf(stderr, "usage: radius-bench --config FILE --method pap|chap|mschap|mschap-v2 "
                    "--user U --password P [--sessions N] [--expect accept|reject] [--mppe] "
                    "[--mppe-from-radius] [--want-ip A.B.C.D] [--allow-no-ma] [--timeout S] "
                    "[--hold MS] [-v]\n");
    return 2;
}

static int setup_pair(struct upppd_loop *loop, struct pair *p, int i)
{
    struct uppp_config sc, cc;
    uppp_config_init(&sc);
    uppp_config_init(&cc);
    /* A short Restart timer: a closed link lingers one Restart time
     * (RFC 1661 3.7), which is all the wait at the end of a run. */
    sc.restart_ms = cc.restart_ms = 500;
    sc.require_auth = g.method;
    snprintf(sc.our_name, sizeof(sc.our_name), "upppd-nas");
    sc.ip_local = 0x0a4d0001;                      /* 10.77.0.1 */
    sc.ip_remote = 0x0a4e0000 | (uint32_t)(i + 2); /* 10.78.x.y unless RADIUS says */
    /* --mppe-from-radius: MPPE only allowed here, as pppd's default, so
     * only the server's MS-MPPE-Encryption-Policy can make it required. */
    sc.mppe = g.mppe_from_radius ? UPPP_MPPE_ALLOWED : g.mppe ? UPPP_MPPE_REQUIRED : UPPP_MPPE_OFF;
    snprintf(cc.our_name, sizeof(cc.our_name), "%s", g.user);
    cc.mppe = g.mppe || g.mppe_from_radius ? UPPP_MPPE_ALLOWED : UPPP_MPPE_OFF;
    cc.refuse_auth = UPPP_AUTH_ALL & ~g.method;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, p->fds) < 0)
        return -1;
    struct upppd_sess_ops so = {.user = p,
                                .event = srv_event,
                                .deliver = srv_deliver,
                                .log = on_log,
                                .auth_request = srv_auth_request};
    struct upppd_sess_ops co = {.user = p,
                                .event = cli_event,
                                .deliver = cli_deliver,
                                .log = NULL,
                                .get_secret = cli_secret};
    if (upppd_sess_init(&p->srv, loop, &sc, &so) != 0 ||
        upppd_sess_init(&p->cli, loop, &cc, &co) != 0)
        return -1;
    upppd_radius_call_init(&p->call, g.rad, &p->srv, (uint32_t)i, "192.0.2.1");
    if (upppd_sess_attach(&p->srv, p->fds[0], p->fds[0], -1, NULL) < 0 ||
        upppd_sess_attach(&p->cli, p->fds[1], p->fds[1], -1, NULL) < 0)
        return -1;
    return 0;
}

static int pair_settled(const struct pair *p)
{
    if (upppd_sess_is_dead(&p->srv) || upppd_sess_is_dead(&p->cli))
        return 1;
    return p->srv_ip_up && p->cli_ip_up;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--mppe") == 0)
            g.mppe = 1;
        else if (strcmp(a, "--mppe-from-radius") == 0)
            g.mppe = g.mppe_from_radius = 1;
        else if (strcmp(a, "--allow-no-ma") == 0)
            g.allow_no_ma = 1;
        else if (strcmp(a, "-v") == 0)
            g.verbose = 1;
        else if (v == NULL)
            return usage();
        else if (strcmp(a, "--config") == 0)
            g.config = argv[++i];
        else if (strcmp(a, "--method") == 0)
            g.method = parse_method(argv[++i]);
        else if (strcmp(a, "--user") == 0)
            g.user = argv[++i];
        else if (strcmp(a, "--password") == 0)
            g.password = argv[++i];
        else if (strcmp(a, "--sessions") == 0)
            g.sessions = atoi(argv[++i]);
        else if (strcmp(a, "--expect") == 0)
            g.expect_accept = strcmp(argv[++i], "accept") == 0;
        else if (strcmp(a, "--want-ip") == 0)
            g.want_ip = argv[++i];
        else if (strcmp(a, "--timeout") == 0)
            g.timeout_s = (unsigned)atoi(argv[++i]);
        else if (strcmp(a, "--hold") == 0)
            g.hold_ms = (unsigned)atoi(argv[++i]);
        else
            return usage();
    }
    if (g.config == NULL || g.method == 0 || g.user == NULL || g.password == NULL ||
        g.sessions < 1 || g.sessions > 1000)
        return usage();

    struct upppd_loop loop;
    if (upppd_loop_init(&loop) < 0) {
        perror("loop");
        return 1;
    }
    struct upppd_radius_params rp = {
        .config_file = g.config, .allow_no_ma = g.allow_no_ma, .log = on_log};
    char err[512];
    if (upppd_radius_open(&g.rad, &loop, &rp, err, sizeof(err)) != 0) {
        fprintf(stderr, "radius-bench: %s\n", err);
        return 1;
    }
    struct pair *pairs = calloc((size_t)g.sessions, sizeof(*pairs));
    for (int i = 0; i < g.sessions; i++)
        if (pairs == NULL || setup_pair(&loop, &pairs[i], i) != 0) {
            fprintf(stderr, "radius-bench: cannot set up session %d\n", i);
            return 1;
        }
    uint64_t t0 = upppd_loop_now();
    for (int i = 0; i < g.sessions; i++) {
        upppd_sess_start(&pairs[i].srv, t0);
        upppd_sess_start(&pairs[i].cli, t0);
    }
    uint64_t deadline = t0 + (uint64_t)g.timeout_s * 1000;
    for (;;) {
        int settled = 0;
        for (int i = 0; i < g.sessions; i++)
            settled += pair_settled(&pairs[i]);
        if (settled == g.sessions || upppd_loop_now() > deadline)
            break;
        upppd_loop_run_once(&loop, 100);
    }
    /* Hold the links (the test may stop the RADIUS server meanwhile:
     * running sessions must not notice), then a packet each way on every
     * link that came up. */
    uint64_t until = upppd_loop_now() + g.hold_ms;
    while (upppd_loop_now() < until)
        upppd_loop_run_once(&loop, 50);
    uint8_t pkt[24];
    for (int i = 0; i < g.sessions; i++) {
        struct pair *p = &pairs[i];
        if (!p->srv_ip_up || !p->cli_ip_up)
            continue;
        struct uppp_status cs;
        uppp_session_status(p->cli.s, &cs);
        upppd_sess_send_ip(&p->cli, UPPP_PROTO_IP, pkt,
                           ipv4(pkt, cs.ip_local, cs.ip_remote, "ping"));
        upppd_sess_send_ip(&p->srv, UPPP_PROTO_IP, pkt,
                           ipv4(pkt, cs.ip_remote, cs.ip_local, "pong"));
    }
    until = upppd_loop_now() + 500;
    while (upppd_loop_now() < until)
        upppd_loop_run_once(&loop, 50);

    int accepted = 0, rejected = 0, traffic_ok = 1, mppe_bits = -1, ok = 1;
    uint64_t *lat = calloc((size_t)g.sessions, sizeof(*lat));
    size_t nlat = 0;
    char ip[INET_ADDRSTRLEN] = "-";
    for (int i = 0; i < g.sessions; i++) {
        struct pair *p = &pairs[i];
        struct uppp_status ss;
        uppp_session_status(p->srv.s, &ss);
        if (p->auth_up) {
            accepted++;
            lat[nlat++] = p->t_verdict - p->t_req;
        } else if (upppd_sess_is_dead(&p->srv) && ss.end == UPPP_END_PEER_AUTH_FAILED) {
            rejected++;
        }
        if (p->auth_up) {
            if (p->srv_rx == 0 || p->cli_rx == 0)
                traffic_ok = 0;
            if (mppe_bits < 0 || ss.mppe_bits < mppe_bits)
                mppe_bits = ss.mppe_bits;
            struct in_addr a = {.s_addr = htonl(ss.ip_remote)};
            inet_ntop(AF_INET, &a, ip, sizeof(ip));
            if (g.want_ip && strcmp(ip, g.want_ip) != 0)
                ok = 0;
        }
        /* The peer hangs up: the authenticator ends and sends its Stop. */
        if (!upppd_sess_is_dead(&p->cli)) {
            uppp_session_close(p->cli.s, "bench done", upppd_loop_now());
            upppd_sess_touch(&p->cli);
        }
    }
    /* Rejected sessions are timed to their end. */
    until = upppd_loop_now() + 10000;
    for (;;) {
        int dead = 0;
        for (int i = 0; i < g.sessions; i++)
            dead += upppd_sess_is_dead(&pairs[i].srv);
        if (dead == g.sessions || upppd_loop_now() > until)
            break;
        upppd_loop_run_once(&loop, 50);
    }
    unsigned long long in0 = 0, out0 = 0;
    for (int i = 0; i < g.sessions; i++) {
        struct pair *p = &pairs[i];
        struct uppp_status ss;
        uppp_session_status(p->srv.s, &ss);
        if (i == 0) {
            in0 = ss.bytes_in;
            out0 = ss.bytes_out;
        }
        upppd_radius_call_end(&p->call, &ss);
    }
    until = upppd_loop_now() + 60000;
    while (upppd_radius_pending(g.rad) > 0 && upppd_loop_now() < until)
        upppd_loop_run_once(&loop, 100);
    qsort(lat, nlat, sizeof(*lat), cmp_u64);
    uint64_t p50 = nlat ? lat[(nlat - 1) / 2] : 0, p99 = nlat ? lat[(nlat * 99 + 99) / 100 - 1] : 0;
    printf("radius_auth sessions=%d accepted=%d rejected=%d p50_ms=%llu p99_ms=%llu "
           "mppe_bits=%d traffic=%s ip=%s bytes_in=%llu bytes_out=%llu\n",
           g.sessions, accepted, rejected, (unsigned long long)p50, (unsigned long long)p99,
           mppe_bits < 0 ? 0 : mppe_bits, accepted && traffic_ok ? "ok" : "fail", ip, in0, out0);
    if (g.expect_accept)
        ok = ok && accepted == g.sessions && traffic_ok && (!g.mppe || mppe_bits == 128);
    else
        ok = ok && rejected == g.sessions;
    for (int i = 0; i < g.sessions; i++) {
        upppd_sess_free(&pairs[i].srv);
        upppd_sess_free(&pairs[i].cli);
        close(pairs[i].fds[0]);
        close(pairs[i].fds[1]);
    }
    free(pairs);
    free(lat);
    upppd_radius_close(g.rad);
    upppd_loop_fini(&loop);
    return ok ? 0 : 1;
}
