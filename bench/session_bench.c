/*
 * session-bench: many authenticator sessions in one process, as a PPP
 * server would hold them (issue 9 item 9).
 *
 * N authenticator sessions (MS-CHAPv2, RFC 2759; MPPE-128 required,
 * RFC 3078/3079; IPCP, RFC 1332; no TUN) run in this process, each over its
 * own AF_UNIX stream socketpair carrying async HDLC (RFC 1662), as the
 * daemon's pty links do. Their N peers run in a forked child, so the
 * peers' CPU and heap are counted apart. Both processes run the daemon's
 * kind of loop: one epoll over the sockets and one timeout, the earliest of
 * every session's uppp_session_next_timer(). Only the public API of
 * include/uppp/ is used.
 *
 * One line on stdout, key=value as the other benches print:
 *   sessions   N
 *   up         sessions in the Running phase (IPCP up) after the idle time
 *   bytes_per_session  live heap (glibc mallinfo2: malloc headers and
 *              OpenSSL's allocations included) held by the N sessions once
 *              all are up, divided by N. The one-time global state (the
 *              OpenSSL library context and legacy provider) is loaded
 *              before, by a warm-up pair, and not counted; -v prints it.
 *   idle_cpu_pct  this process's CPU time (getrusage: user + system) over
 *              the idle time, established sessions exchanging only LCP
 *              echoes (lcp-echo-interval 30, RFC 1661 section 5.8), as a
 *              percentage of the wall time
 *   setup_ms_p50/p99  wall time from uppp_session_new() to the Running
 *              phase, over the sessions that got there. All N are opened
 *              at once, as after a server restart, so this includes the
 *              queueing behind the others.
 *
 * Usage: session-bench [-n SESSIONS] [-t IDLE_SECONDS] [-v]
 * Exit status 0 when all N sessions are up at the end, 1 otherwise.
 *
 * To list where the heap goes (size and caller of every allocation the
 * sessions keep), run it under glibc's mtrace, which it switches on around
 * the opening of the sessions:
 *   LD_PRELOAD=libc_malloc_debug.so.0 MALLOC_TRACE=/tmp/m session-bench -n 1 -t 0
 *   mtrace session-bench /tmp/m
 */
#include <uppp/err.h>
#include <uppp/session.h>

#include <errno.h>
#include <malloc.h>
#include <mcheck.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define BENCH_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BENCH_ASAN 1
#endif
#endif
#ifdef BENCH_ASAN
/* In the ASan runtime of both GCC and clang; GCC ships no header for it. */
size_t __sanitizer_get_current_allocated_bytes(void);
#endif

#define ECHO_INTERVAL_MS 30000 /* lcp-echo-interval 30 */
#define ECHO_FAILURE 4         /* lcp-echo-failure 4 */
#define SETUP_TIMEOUT_MS 120000
#define SERVER_NAME "server"

/* One end of one link: a session and its socket. */
struct end {
    struct uppp_session *s;
    int fd;       /* -1 once closed */
    int idx;      /* also the user number of the peer's name */
    int server;   /* 1: authenticator */
    int up;       /* reached Running */
    uint64_t due; /* cached uppp_session_next_timer() */
    uint64_t t_open_us, t_up_us;
    uint64_t write_fail; /* frames the socket would not take */
    unsigned delivered;  /* IP packets received */
};

/* A set of ends driven by one loop. */
struct loop {
    struct end *ends;
    int n;
    int epfd;
    int nup, ndead;
};

static int verbose;

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t now_ms(void)
{
    return now_us() / 1000u;
}

/* Live heap bytes of this process. glibc's mallinfo2 sums every arena;
 * hblkhd counts the blocks large enough to be mmapped. Under ASan,
 * malloc is ASan's and mallinfo2 reports nothing, so ask ASan. */
static size_t heap_in_use(void)
{
#ifdef BENCH_ASAN
    return __sanitizer_get_current_allocated_bytes();
#else
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
#endif
}

/* ---- session callbacks ---- */

/* The socket is a line: a frame it will not take now is lost, as on a
 * serial line, and LCP/CCP/IPCP retransmit (RFC 1661 section 4.6). */
static void cb_output(void *user, const uint8_t *data, size_t len)
{
    struct end *e = user;
    if (e->fd < 0)
        return;
    while (len > 0) {
        ssize_t w = write(e->fd, data, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            e->write_fail++;
            return;
        }
        data += w;
        len -= (size_t)w;
    }
}

/* The peers send every packet back, so each authenticator's packet makes
 * a round trip through MPPE both ways. */
static void cb_deliver(void *user, uint16_t proto, const uint8_t *pkt, size_t len)
{
    struct end *e = user;
    e->delivered++;
    if (!e->server)
        uppp_session_send_ip(e->s, proto, pkt, len, now_ms());
}

static void cb_event(void *user, const struct uppp_event *ev)
{
    struct end *e = user;
    if (ev->type == UPPP_EVENT_PHASE && ev->phase == UPPP_PHASE_RUNNING && !e->up) {
        e->up = 1;
        e->t_up_us = now_us();
    }
}

static int cb_random(void *user, void *buf, size_t len)
{
    (void)user;
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t r = getrandom(p, len, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return UPPP_ERR_RANDOM;
        p += r;
        len -= (size_t)r;
    }
    return 0;
}

/* Every user has a password of its own, derived from its name, which both
 * ends can compute; the authenticator checks the name the peer sent. */
static int cb_get_secret(void *user, const struct uppp_secret_query *q, struct uppp_secret *out)
{
    (void)user;
    if (q->method != UPPP_AUTH_MSCHAP_V2 || strncmp(q->client, "user", 4) != 0 ||
        strcmp(q->server, SERVER_NAME) != 0)
        return -1;
    memset(out, 0, sizeof(*out));
    out->kind = UPPP_SECRET_PASSWORD;
    snprintf(out->password, sizeof(out->password), "pw-%s-bench", q->client);
    return 0;
}

static void cb_log(void *user, int level, const char *line)
{
    struct end *e = user;
    if (level <= UPPP_LOG_WARN)
        fprintf(stderr, "session-bench: %s %d: %s\n", e->server ? "server" : "peer", e->idx, line);
}

/* ---- sessions ---- */

static void end_config(const struct end *e, struct uppp_config *cfg)
{
    uppp_config_init(cfg);
    cfg->framing = UPPP_FRAMING_ASYNC_HDLC;
    cfg->echo_interval_ms = ECHO_INTERVAL_MS;
    cfg->echo_failure = ECHO_FAILURE;
    cfg->mppe = UPPP_MPPE_REQUIRED; /* require-mppe-128 */
    cfg->mppe_bits = 1u << 2;
    if (e->server) {
        /* name server require-mschap-v2 10.0.0.1:10.64.x.y */
        snprintf(cfg->our_name, sizeof(cfg->our_name), SERVER_NAME);
        cfg->require_auth = UPPP_AUTH_MSCHAP_V2;
        cfg->ip_local = 0x0a000001;
        cfg->ip_remote = 0x0a400000u + (uint32_t)e->idx + 2;
    } else {
        /* name userI remotename server noauth noipdefault */
        snprintf(cfg->our_name, sizeof(cfg->our_name), "user%d", e->idx);
        snprintf(cfg->remote_name, sizeof(cfg->remote_name), SERVER_NAME);
        cfg->refuse_auth = UPPP_AUTH_ALL & ~UPPP_AUTH_MSCHAP_V2;
    }
}

static int end_open(struct loop *l, struct end *e)
{
    struct uppp_config cfg;
    end_config(e, &cfg);
    struct uppp_callbacks cb = {
        .user = e,
        .output = cb_output,
        .deliver = cb_deliver,
        .event = cb_event,
        .random = cb_random,
        .get_secret = cb_get_secret,
        .log = cb_log,
    };
    e->t_open_us = now_us();
    int rc = uppp_session_new(&e->s, &cfg, &cb);
    if (rc != 0) {
        fprintf(stderr, "session-bench: uppp_session_new: %s\n", uppp_strerror(rc));
        return rc;
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = e};
    if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, e->fd, &ev) != 0) {
        perror("session-bench: epoll_ctl");
        return UPPP_ERR_INVALID;
    }
    rc = uppp_session_start(e->s, now_ms());
    if (rc != 0) {
        fprintf(stderr, "session-bench: uppp_session_start: %s\n", uppp_strerror(rc));
        return rc;
    }
    e->due = uppp_session_next_timer(e->s);
    return 0;
}

static void end_close_fd(struct loop *l, struct end *e)
{
    if (e->fd < 0)
        return;
    epoll_ctl(l->epfd, EPOLL_CTL_DEL, e->fd, NULL);
    close(e->fd);
    e->fd = -1;
}

/* After every call into a session: note its next deadline, and whether it
 * ended (then its line is hung up, as the daemon does). */
static void end_after(struct loop *l, struct end *e)
{
    if (uppp_session_is_dead(e->s)) {
        if (e->fd >= 0) {
            l->ndead++;
            end_close_fd(l, e);
        }
        e->due = UINT64_MAX;
        return;
    }
    e->due = uppp_session_next_timer(e->s);
}

static void end_readable(struct loop *l, struct end *e)
{
    static uint8_t buf[4096];
    for (;;) {
        ssize_t r = read(e->fd, buf, sizeof(buf));
        if (r > 0) {
            uppp_session_input(e->s, buf, (size_t)r, now_ms());
            end_after(l, e);
            if (e->fd < 0)
                return;
            continue;
        }
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        /* EOF or error: the other end is gone. */
        uppp_session_hangup(e->s, now_ms());
        end_after(l, e);
        end_close_fd(l, e);
        return;
    }
}

/* Run due timers and return the earliest deadline left. The deadlines are
 * cached per session, so this is a scan of N integers, not N calls. */
static uint64_t run_timers(struct loop *l)
{
    uint64_t now = now_ms(), next = UINT64_MAX;
    for (int i = 0; i < l->n; i++) {
        struct end *e = &l->ends[i];
        if (e->s == NULL)
            continue;
        if (e->due <= now) {
            uppp_session_handle_timer(e->s, now);
            end_after(l, e);
        }
        if (e->due < next)
            next = e->due;
    }
    return next;
}

static int count_up(const struct loop *l)
{
    int n = 0;
    for (int i = 0; i < l->n; i++)
        n += l->ends[i].up;
    return n;
}

/* Drive the loop until stop() says so or until the absolute time until_ms. */
static void loop_run(struct loop *l, uint64_t until_ms, int (*stop)(const struct loop *))
{
    struct epoll_event evs[256];
    for (;;) {
        uint64_t next = run_timers(l);
        if (stop != NULL && stop(l))
            return;
        uint64_t now = now_ms();
        if (now >= until_ms)
            return;
        if (next > until_ms)
            next = until_ms;
        int timeout = next <= now ? 0 : (int)(next - now);
        int k = epoll_wait(l->epfd, evs, 256, timeout);
        if (k < 0 && errno != EINTR) {
            perror("session-bench: epoll_wait");
            return;
        }
        for (int i = 0; i < k; i++) {
            struct end *e = evs[i].data.ptr;
            if (e->fd >= 0)
                end_readable(l, e);
        }
    }
}

static int all_up_or_dead(const struct loop *l)
{
    for (int i = 0; i < l->n; i++)
        if (!l->ends[i].up && l->ends[i].fd >= 0)
            return 0;
    return 1;
}

static int all_returned(const struct loop *l)
{
    for (int i = 0; i < l->n; i++)
        if (l->ends[i].up && !l->ends[i].delivered && l->ends[i].fd >= 0)
            return 0;
    return 1;
}

/* One IPv4/UDP packet of the session's full IP MTU from every session that
 * is up, echoed by its peer: every buffer of the data path then holds a
 * full-size frame, so the heap is that of a session that carries traffic,
 * not of one that only negotiated. */
static void send_full_packets(struct loop *l)
{
    static uint8_t pkt[2048];
    for (int i = 0; i < l->n; i++) {
        struct end *e = &l->ends[i];
        if (!e->up || e->fd < 0)
            continue;
        struct uppp_status st;
        uppp_session_status(e->s, &st);
        size_t len = st.ip_mtu < sizeof(pkt) ? st.ip_mtu : sizeof(pkt);
        memset(pkt, 0, len);
        pkt[0] = 0x45; /* IPv4, 20-octet header (RFC 791) */
        pkt[2] = (uint8_t)(len >> 8);
        pkt[3] = (uint8_t)len;
        pkt[8] = 64; /* TTL */
        pkt[9] = 17; /* UDP */
        for (int k = 0; k < 4; k++) {
            pkt[12 + k] = (uint8_t)(st.ip_local >> (24 - 8 * k));
            pkt[16 + k] = (uint8_t)(st.ip_remote >> (24 - 8 * k));
        }
        int rc = uppp_session_send_ip(e->s, UPPP_PROTO_IP, pkt, len, now_ms());
        if (rc != 0)
            fprintf(stderr, "session-bench: session %d: send_ip: %d\n", e->idx, rc);
        end_after(l, e);
    }
    loop_run(l, now_ms() + SETUP_TIMEOUT_MS, all_returned);
}

static int all_closed(const struct loop *l)
{
    return l->ndead >= l->n;
}

static int loop_init(struct loop *l, struct end *ends, int n)
{
    memset(l, 0, sizeof(*l));
    l->ends = ends;
    l->n = n;
    l->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (l->epfd < 0) {
        perror("session-bench: epoll_create1");
        return -1;
    }
    return 0;
}

static void loop_free(struct loop *l)
{
    for (int i = 0; i < l->n; i++) {
        struct end *e = &l->ends[i];
        end_close_fd(l, e);
        uppp_session_del(e->s);
        e->s = NULL;
    }
    close(l->epfd);
}

/* ---- the two processes ---- */

/* The peers: open one client session per socket and run until every
 * authenticator has hung up. Dies with the parent. */
static int run_peers(int *fds, int n)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    struct end *ends = calloc((size_t)n, sizeof(*ends));
    struct loop l;
    if (ends == NULL || loop_init(&l, ends, n) != 0)
        return 1;
    for (int i = 0; i < n; i++) {
        ends[i].fd = fds[i];
        ends[i].idx = i;
        if (end_open(&l, &ends[i]) != 0)
            return 1;
    }
    loop_run(&l, UINT64_MAX, all_closed);
    loop_free(&l);
    free(ends);
    return 0;
}

/* Both ends of one link in this process, run until both are up, then
 * closed: the crypto library's one-time state (library context, legacy
 * provider, fetched algorithms) is then loaded before the heap baseline. */
static int warm_up(void)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0) {
        perror("session-bench: socketpair");
        return -1;
    }
    struct end ends[2] = {{.fd = sv[0], .server = 1}, {.fd = sv[1]}};
    struct loop l;
    if (loop_init(&l, ends, 2) != 0)
        return -1;
    int rc = 0;
    for (int i = 0; i < 2 && rc == 0; i++)
        rc = end_open(&l, &ends[i]);
    if (rc == 0)
        loop_run(&l, now_ms() + SETUP_TIMEOUT_MS, all_up_or_dead);
    int up = count_up(&l);
    loop_free(&l);
    if (up != 2) {
        fprintf(stderr, "session-bench: the warm-up link did not come up\n");
        return -1;
    }
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of n sorted values, in ms rounded. */
static unsigned long pct_ms(const uint64_t *v, int n, int pct)
{
    if (n == 0)
        return 0;
    int rank = (pct * n + 99) / 100;
    if (rank < 1)
        rank = 1;
    return (unsigned long)((v[rank - 1] + 500) / 1000);
}

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* Every session holds one socket here and one in the child; both halves
 * exist in both processes until the fork is done. */
static int raise_fd_limit(int n)
{
    struct rlimit rl;
    rlim_t need = (rlim_t)n * 2 + 64;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return -1;
    if (rl.rlim_cur >= need)
        return 0;
    if (rl.rlim_max < need)
        rl.rlim_max = need; /* root may raise it */
    rl.rlim_cur = need;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
        fprintf(stderr, "session-bench: %d sessions need %lu file descriptors: %s\n", n,
                (unsigned long)need, strerror(errno));
        return -1;
    }
    return 0;
}

static void usage(const char *argv0)
{
    fprintf(stderr, "usage: %s [-n SESSIONS] [-t IDLE_SECONDS] [-v]\n", argv0);
    exit(2);
}

int main(int argc, char **argv)
{
    int n = 1000, idle_s = 60, opt;
    while ((opt = getopt(argc, argv, "n:t:v")) != -1) {
        char *endp = NULL;
        long v;
        switch (opt) {
        case 'n':
        case 't':
            errno = 0;
            v = strtol(optarg, &endp, 10);
            if (errno != 0 || *optarg == '\0' || *endp != '\0' || v < (opt == 'n') || v > 1000000)
                usage(argv[0]);
            if (opt == 'n')
                n = (int)v;
            else
                idle_s = (int)v;
            break;
        case 'v':
            verbose = 1;
            break;
        default:
            usage(argv[0]);
        }
    }
    if (optind != argc)
        usage(argv[0]);
    if (raise_fd_limit(n) != 0)
        return 1;
    signal(SIGPIPE, SIG_IGN);

    size_t heap0 = heap_in_use();
    if (warm_up() != 0)
        return 1;
    size_t heap_global = heap_in_use() - heap0;

    /* Everything this process needs is allocated before the baseline, so
     * the heap delta is the sessions' alone. */
    struct end *ends = calloc((size_t)n, sizeof(*ends));
    int *peer_fds = calloc((size_t)n, sizeof(*peer_fds));
    uint64_t *setup = calloc((size_t)n, sizeof(*setup));
    struct loop l;
    if (ends == NULL || peer_fds == NULL || setup == NULL || loop_init(&l, ends, n) != 0) {
        fprintf(stderr, "session-bench: out of memory\n");
        return 1;
    }
    for (int i = 0; i < n; i++) {
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0) {
            perror("session-bench: socketpair");
            return 1;
        }
        ends[i].fd = sv[0];
        ends[i].idx = i;
        ends[i].server = 1;
        peer_fds[i] = sv[1];
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        perror("session-bench: fork");
        return 1;
    }
    if (pid == 0) {
        for (int i = 0; i < n; i++)
            close(ends[i].fd);
        _exit(run_peers(peer_fds, n));
    }
    for (int i = 0; i < n; i++)
        close(peer_fds[i]);

    /* The authenticators, all at once. mtrace() is a no-op unless glibc's
     * malloc debugging is preloaded (see the top of this file). */
    mtrace();
    size_t heap1 = heap_in_use();
    for (int i = 0; i < n; i++)
        if (end_open(&l, &ends[i]) != 0)
            return 1;
    loop_run(&l, now_ms() + SETUP_TIMEOUT_MS, all_up_or_dead);
    send_full_packets(&l);
    size_t heap2 = heap_in_use();
    muntrace();

    /* Idle: only LCP echoes, both ways. */
    double cpu0 = cpu_seconds();
    uint64_t wall0 = now_us();
    loop_run(&l, now_ms() + (uint64_t)idle_s * 1000u, NULL);
    double cpu = cpu_seconds() - cpu0;
    double wall = (double)(now_us() - wall0) / 1e6;
    size_t heap3 = heap_in_use();

    int up = 0, nsetup = 0, returned = 0;
    uint64_t write_fail = 0;
    for (int i = 0; i < n; i++) {
        struct end *e = &ends[i];
        struct uppp_status st;
        uppp_session_status(e->s, &st);
        if (e->up && st.phase == UPPP_PHASE_RUNNING && st.mppe_bits == 128)
            up++;
        returned += e->delivered > 0;
        if (e->up)
            setup[nsetup++] = e->t_up_us - e->t_open_us;
        write_fail += e->write_fail;
    }
    qsort(setup, (size_t)nsetup, sizeof(*setup), cmp_u64);
    size_t per_session = heap2 > heap1 ? (heap2 - heap1) / (size_t)n : 0;
    /* Under a tenth of a second (-t 0) the ratio means nothing. */
    double cpu_pct = wall >= 0.1 ? 100.0 * cpu / wall : 0.0;
    printf("sessions=%d up=%d bytes_per_session=%zu idle_cpu_pct=%.3f setup_ms_p50=%lu "
           "setup_ms_p99=%lu\n",
           n, up, per_session, cpu_pct, pct_ms(setup, nsetup, 50), pct_ms(setup, nsetup, 99));
    if (verbose)
        fprintf(stderr,
                "session-bench: global_crypto_bytes=%zu heap_growth_idle=%ld "
                "idle_cpu_s=%.3f idle_wall_s=%.3f setup_ms_max=%lu lost_writes=%llu "
                "packets_returned=%d\n",
                heap_global, (long)heap3 - (long)heap2, cpu, wall, pct_ms(setup, nsetup, 100),
                (unsigned long long)write_fail, returned);
    fflush(stdout);

    /* Hang up every link; the peers see EOF and end. */
    loop_free(&l);
    int status = 0;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fprintf(stderr, "session-bench: the peer process failed (status %d)\n", status);
    free(ends);
    free(peer_fds);
    free(setup);
    return up == n ? 0 : 1;
}
