/*
 * runas USER: the root helper and the switch to USER (see privsep.h).
 *
 * A request is one SOCK_SEQPACKET message (so a message is never split or
 * merged), the answer one int32:
 *   SCRIPT: type, name index, wait_ms (int32), nargs, nenv, then nargs +
 *           nenv NUL-terminated strings (arguments, then NAME=value);
 *   RESOLV: type, two uint32 nameserver addresses (host order);
 *   SECRET: type, for_peer, flags (client given, server given), method
 *           (uint32), then the client and server names NUL-terminated;
 *           answered by struct secret_reply and the address rules.
 */
#define _GNU_SOURCE
#include "privsep.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include <uppp/err.h>
#include "crypto.h" /* uppp_memzero */

enum { REQ_SCRIPT = 1, REQ_RESOLV = 2, REQ_SECRET = 3 };

#define SECRET_HDR 7
#define MAX_RULES 256

struct secret_reply {
    int32_t rc;
    int32_t have_peer, any_addr, bad_addrs;
    uint32_t n_rules;
    struct uppp_secret secret;
};

/* The only programs the helper runs: pppd's hook scripts in $ETC. */
static const char *const script_names[] = {
    "ip-pre-up", "ip-up", "ip-down", "ipv6-up", "ipv6-down", "auth-up", "auth-down",
};
#define N_SCRIPTS (sizeof(script_names) / sizeof(script_names[0]))

/* pppd's script variables (run.c sets them): nothing else reaches a root
 * script, so a subverted upppd cannot pass LD_PRELOAD or BASH_ENV. */
static const char *const env_names[] = {
    "IFNAME",   "DEVICE",    "SPEED",        "PPPD_PID",   "PPPLOGNAME", "ORIG_UID", "PEERNAME",
    "IPLOCAL",  "IPREMOTE",  "DNS1",         "DNS2",       "LLLOCAL",    "LLREMOTE", "IPPARAM",
    "LINKNAME", "CALL_FILE", "CONNECT_TIME", "BYTES_SENT", "BYTES_RCVD",
};

#define SCRIPT_HDR 8
#define MAX_WAIT_MS 60000

struct req {
    int type;
    unsigned name;
    int32_t wait_ms;
    unsigned nargs, nenv;
    const char *args[UPPPD_PRIVSEP_MAX_ARGS];
    const char *env[UPPPD_MAX_ENV];
    uint32_t dns[2];
    struct uppp_secret_query q;
};

static int env_allowed(const char *var)
{
    const char *eq = strchr(var, '=');
    if (eq == NULL)
        return 0;
    size_t n = (size_t)(eq - var);
    for (size_t i = 0; i < sizeof(env_names) / sizeof(env_names[0]); i++)
        if (strlen(env_names[i]) == n && memcmp(env_names[i], var, n) == 0)
            return 1;
    return 0;
}

/* Checks one request; the strings point into msg. Returns the type, or 0. */
static int parse_request(const uint8_t *msg, size_t len, struct req *r)
{
    memset(r, 0, sizeof(*r));
    if (len < 1 || len > UPPPD_PRIVSEP_MSG_MAX)
        return 0;
    if (msg[0] == REQ_RESOLV) {
        if (len != 1 + 2 * sizeof(uint32_t))
            return 0;
        memcpy(r->dns, msg + 1, sizeof(r->dns));
        return r->type = REQ_RESOLV;
    }
    if (msg[0] == REQ_SECRET) {
        if (len < SECRET_HDR || msg[1] > 1 || msg[2] > 3)
            return 0;
        r->q.for_peer = msg[1];
        memcpy(&r->q.method, msg + 3, sizeof(uint32_t));
        size_t off = SECRET_HDR;
        const char *names[2] = {NULL, NULL};
        for (int i = 0; i < 2; i++) {
            const uint8_t *end = off < len ? memchr(msg + off, 0, len - off) : NULL;
            if (end == NULL)
                return 0;
            if (msg[2] & (1u << i))
                names[i] = (const char *)msg + off;
            off = (size_t)(end - msg) + 1;
        }
        if (off != len)
            return 0;
        r->q.client = names[0];
        r->q.server = names[1];
        return r->type = REQ_SECRET;
    }
    if (msg[0] != REQ_SCRIPT || len < SCRIPT_HDR)
        return 0;
    r->name = msg[1];
    memcpy(&r->wait_ms, msg + 2, sizeof(r->wait_ms));
    r->nargs = msg[6];
    r->nenv = msg[7];
    if (r->name >= N_SCRIPTS || r->wait_ms < 0 || r->wait_ms > MAX_WAIT_MS ||
        r->nargs > UPPPD_PRIVSEP_MAX_ARGS || r->nenv > UPPPD_MAX_ENV)
        return 0;
    size_t off = SCRIPT_HDR;
    for (unsigned i = 0; i < r->nargs + r->nenv; i++) {
        const uint8_t *end = memchr(msg + off, 0, len - off);
        if (end == NULL)
            return 0;
        const char *s = (const char *)msg + off;
        if (i < r->nargs) {
            r->args[i] = s;
        } else {
            if (!env_allowed(s))
                return 0;
            r->env[i - r->nargs] = s;
        }
        off = (size_t)(end - msg) + 1;
    }
    if (off != len)
        return 0;
    return r->type = REQ_SCRIPT;
}

int upppd_privsep_check_request(const uint8_t *msg, size_t len)
{
    struct req r;
    return parse_request(msg, len, &r);
}

/* ---- the helper (root) ---- */

static int helper_script(const struct upppd_privsep_conf *conf, const struct req *r, int *running)
{
    if (r->wait_ms == 0 && *running >= UPPPD_PRIVSEP_MAX_RUNNING)
        return UPPPD_PRIVSEP_ERR_REFUSED;
    char path[4096 + 32];
    snprintf(path, sizeof(path), "%s/%s", conf->etc_dir, script_names[r->name]);
    char *argv[UPPPD_PRIVSEP_MAX_ARGS + 2];
    argv[0] = path;
    for (unsigned i = 0; i < r->nargs; i++)
        argv[1 + i] = (char *)r->args[i];
    argv[1 + r->nargs] = NULL;
    /* As run.c's script_env(): a fixed PATH, then the variables given. */
    struct upppd_env env = {0};
    upppd_env_set(&env, "PATH", "/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin");
    for (unsigned i = 0; i < r->nenv; i++) {
        const char *eq = strchr(r->env[i], '=');
        char name[32];
        snprintf(name, sizeof(name), "%.*s", (int)(eq - r->env[i]), r->env[i]);
        upppd_env_set(&env, name, "%s", eq + 1);
    }
    pid_t pid = upppd_script_start(path, argv, &env);
    upppd_env_free(&env);
    if (pid == 0)
        return 1;
    if (pid < 0)
        return UPPPD_PRIVSEP_ERR_REFUSED;
    if (r->wait_ms == 0) {
        (*running)++;
        return 0;
    }
    return upppd_script_wait(pid, r->wait_ms);
}

static int helper_resolv(const struct upppd_privsep_conf *conf, const struct req *r)
{
    char path[4096 + 32], a[INET_ADDRSTRLEN];
    snprintf(path, sizeof(path), "%s/resolv.conf", conf->etc_dir);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return UPPPD_PRIVSEP_ERR_REFUSED;
    for (int i = 0; i < 2; i++)
        if (r->dns[i]) {
            struct in_addr in = {.s_addr = htonl(r->dns[i])};
            inet_ntop(AF_INET, &in, a, sizeof(a));
            fprintf(f, "nameserver %s\n", a);
        }
    return fclose(f) == 0 ? 0 : UPPPD_PRIVSEP_ERR_REFUSED;
}

/* The lookup as root; the reply carries the secret: wiped after sending. */
static size_t helper_secret(const struct upppd_privsep_conf *conf, const struct req *r,
                            uint8_t *out, size_t cap)
{
    struct secret_reply h;
    memset(&h, 0, sizeof(h));
    struct upppd_secret_store *st = conf->store;
    h.rc = st ? upppd_store_get_secret(st, &r->q, &h.secret) : UPPP_ERR_INVALID;
    size_t n = 0;
    if (h.rc == 0 && r->q.for_peer && st->have_peer) {
        h.have_peer = 1;
        h.any_addr = st->peer_addrs.any_addr;
        h.bad_addrs = st->peer_addrs.bad_addrs;
        n = st->peer_addrs.n_rules;
        if (n > MAX_RULES) {
            n = 0;
            h.bad_addrs = 1; /* too many to pass on: allow none, never more */
        }
        h.n_rules = (uint32_t)n;
    }
    size_t len = sizeof(h) + n * sizeof(struct upppd_addr_rule);
    if (len > cap) {
        uppp_memzero(&h, sizeof(h));
        return 0;
    }
    memcpy(out, &h, sizeof(h));
    if (n > 0)
        memcpy(out + sizeof(h), st->peer_addrs.rules, n * sizeof(struct upppd_addr_rule));
    uppp_memzero(&h, sizeof(h));
    return len;
}

static void helper_reap(int *running)
{
    int st;
    while (*running > 0 && waitpid(-1, &st, WNOHANG) > 0)
        (*running)--;
}

static _Noreturn void helper_main(int fd, const struct upppd_privsep_conf *conf)
{
    /* Nothing of upppd's but the socket and stdio: the TUN, the link and
     * the loop stay with their owner (a TUN held here would outlive it).
     * syslog's socket goes first: libc would otherwise keep writing to its
     * number once that is our socket. The store logs through descriptors
     * closed here, so it logs nothing; its errors still reach upppd as
     * return codes. */
    closelog();
    if (conf->store != NULL)
        conf->store->log = NULL;
    if (fd != 3) {
        dup3(fd, 3, O_CLOEXEC); /* scripts must not inherit it */
        fd = 3;
    }
    syscall(SYS_close_range, 4U, ~0U, 0U);
    /* With notty, stdin and stdout are the link: not ours to hold open.
     * stderr stays, for the scripts' diagnostics (the journal). */
    int nul = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (nul >= 0) {
        dup2(nul, 0);
        dup2(nul, 1);
        if (nul > 2)
            close(nul);
    }
    /* upppd's signals stay blocked (its signalfd's mask): a SIGTERM to the
     * whole service must not stop the helper before the ip-down script
     * it is about to run. It ends when upppd's end of the socket closes. */
    static uint8_t msg[UPPPD_PRIVSEP_MSG_MAX];
    int running = 0;
    for (;;) {
        helper_reap(&running);
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 1000) < 0 && errno != EINTR)
            break;
        if (!(p.revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        ssize_t n = recv(fd, msg, sizeof(msg), MSG_TRUNC);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        struct req r;
        int32_t res = UPPPD_PRIVSEP_ERR_REFUSED;
        int type = (size_t)n <= sizeof(msg) ? parse_request(msg, (size_t)n, &r) : 0;
        if (type == REQ_SECRET) {
            static uint8_t
                rep[sizeof(struct secret_reply) + MAX_RULES * sizeof(struct upppd_addr_rule)];
            size_t len = helper_secret(conf, &r, rep, sizeof(rep));
            ssize_t sent =
                len ? send(fd, rep, len, MSG_NOSIGNAL) : send(fd, &res, sizeof(res), MSG_NOSIGNAL);
            uppp_memzero(rep, len);
            if (sent < 0)
                break;
            continue;
        }
        if (type == REQ_SCRIPT)
            res = helper_script(conf, &r, &running);
        else if (type == REQ_RESOLV)
            res = helper_resolv(conf, &r);
        if (send(fd, &res, sizeof(res), MSG_NOSIGNAL) < 0)
            break;
    }
    for (int i = 0; i < UPPPD_PRIVSEP_MAX_PIDFILES && conf->pidfiles[i]; i++)
        unlink(conf->pidfiles[i]);
    _exit(0);
}

/* ---- the unprivileged side ---- */

/* Keep CAP_NET_ADMIN and CAP_NET_RAW (those we have) effective and
 * permitted; nothing inheritable, so the pty command, connect scripts and
 * anything else we start get none. */
static int keep_net_caps(void)
{
    struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct d[2];
    if (syscall(SYS_capget, &h, d) < 0)
        return -1;
    uint32_t keep = (1u << CAP_NET_ADMIN) | (1u << CAP_NET_RAW);
    d[0].permitted &= keep;
    d[0].effective = d[0].permitted;
    d[0].inheritable = 0;
    d[1].permitted = d[1].effective = d[1].inheritable = 0;
    return (int)syscall(SYS_capset, &h, d);
}

static int drop_fail(char *err, size_t errcap, const char *what)
{
    snprintf(err, errcap, "runas: %s: %s", what, strerror(errno));
    return UPPPD_PRIVSEP_ERR_SYSTEM;
}

int upppd_privsep_drop(struct upppd_privsep *ps, const struct upppd_privsep_conf *conf, char *err,
                       size_t errcap)
{
    ps->fd = -1;
    ps->pid = -1;
    ps->orig_uid = getuid();
    errno = 0;
    struct passwd *pw = getpwnam(conf->user);
    if (pw == NULL) {
        /* Our own configuration's name: still escaped by the caller's log. */
        snprintf(err, errcap, "runas: no user named %s", conf->user);
        return UPPPD_PRIVSEP_ERR_USER;
    }
    if (pw->pw_uid == 0) {
        snprintf(err, errcap, "runas: %s is root: nothing would be dropped", conf->user);
        return UPPPD_PRIVSEP_ERR_USER;
    }
    ps->uid = pw->pw_uid;
    ps->gid = pw->pw_gid;
    if (geteuid() != 0) {
        errno = EPERM;
        return drop_fail(err, errcap, "not running as root");
    }
    /* Before the fork: USER's groups from the group database. */
    int ngroups = 64;
    gid_t groups[64];
    if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &ngroups) < 0)
        ngroups = 0;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return drop_fail(err, errcap, "socketpair");
    pid_t pid = fork();
    if (pid < 0) {
        close(sv[0]);
        close(sv[1]);
        return drop_fail(err, errcap, "fork");
    }
    if (pid == 0) {
        close(sv[0]);
        helper_main(sv[1], conf);
    }
    close(sv[1]);
    ps->fd = sv[0];
    ps->pid = pid;
    /* The switch. Any failure past here leaves a half-switched process:
     * the caller must exit. */
    if (prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) < 0 ||
        setgroups((size_t)(ngroups > 0 ? ngroups : 0), groups) < 0 ||
        setresgid(ps->gid, ps->gid, ps->gid) < 0 || setresuid(ps->uid, ps->uid, ps->uid) < 0 ||
        prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L) < 0 || keep_net_caps() < 0) {
        int e = errno;
        upppd_privsep_close(ps);
        errno = e;
        return drop_fail(err, errcap, "cannot switch user");
    }
    /* Root must be out of reach now. */
    if (setresuid(0, 0, 0) == 0) {
        upppd_privsep_close(ps);
        errno = EPERM;
        return drop_fail(err, errcap, "could regain root");
    }
    return 0;
}

static int call(struct upppd_privsep *ps, const void *msg, size_t len)
{
    if (ps->fd < 0)
        return UPPPD_PRIVSEP_ERR_GONE;
    ssize_t n;
    do
        n = send(ps->fd, msg, len, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n != (ssize_t)len)
        return UPPPD_PRIVSEP_ERR_GONE;
    int32_t res;
    do
        n = recv(ps->fd, &res, sizeof(res), 0);
    while (n < 0 && errno == EINTR);
    return n == (ssize_t)sizeof(res) ? res : UPPPD_PRIVSEP_ERR_GONE;
}

size_t upppd_privsep_encode_script(uint8_t *msg, size_t cap, const char *name, char *const args[],
                                   const struct upppd_env *env, int wait_ms)
{
    unsigned idx = 0;
    while (idx < N_SCRIPTS && strcmp(script_names[idx], name) != 0)
        idx++;
    unsigned nargs = 0;
    while (args[nargs] != NULL)
        nargs++;
    if (idx == N_SCRIPTS || nargs > UPPPD_PRIVSEP_MAX_ARGS || wait_ms < 0 ||
        wait_ms > MAX_WAIT_MS || env->n > UPPPD_MAX_ENV || cap < SCRIPT_HDR)
        return 0;
    int32_t w = wait_ms;
    msg[0] = REQ_SCRIPT;
    msg[1] = (uint8_t)idx;
    memcpy(msg + 2, &w, sizeof(w));
    msg[6] = (uint8_t)nargs;
    size_t off = SCRIPT_HDR;
    unsigned nenv = 0;
    for (int i = 0; i < (int)nargs + env->n; i++) {
        const char *s = i < (int)nargs ? args[i] : env->vars[i - (int)nargs];
        if (i >= (int)nargs && strncmp(s, "PATH=", 5) == 0)
            continue; /* the helper sets its own */
        size_t l = strlen(s) + 1;
        if (off + l > cap)
            return 0;
        memcpy(msg + off, s, l);
        off += l;
        if (i >= (int)nargs)
            nenv++;
    }
    msg[7] = (uint8_t)nenv;
    return off;
}

int upppd_privsep_script(struct upppd_privsep *ps, const char *name, char *const args[],
                         const struct upppd_env *env, int wait_ms)
{
    static uint8_t msg[UPPPD_PRIVSEP_MSG_MAX];
    size_t len = upppd_privsep_encode_script(msg, sizeof(msg), name, args, env, wait_ms);
    return len ? call(ps, msg, len) : UPPPD_PRIVSEP_ERR_REFUSED;
}

int upppd_privsep_resolv(struct upppd_privsep *ps, const uint32_t dns[2])
{
    uint8_t msg[1 + 2 * sizeof(uint32_t)];
    msg[0] = REQ_RESOLV;
    memcpy(msg + 1, dns, 2 * sizeof(uint32_t));
    return call(ps, msg, sizeof(msg));
}

int upppd_privsep_get_secret(struct upppd_privsep *ps, struct upppd_secret_store *store,
                             const struct uppp_secret_query *q, struct uppp_secret *out)
{
    static uint8_t buf[sizeof(struct secret_reply) + MAX_RULES * sizeof(struct upppd_addr_rule)];
    memset(out, 0, sizeof(*out));
    size_t lc = q->client ? strlen(q->client) + 1 : 1, ls = q->server ? strlen(q->server) + 1 : 1;
    if (ps->fd < 0 || SECRET_HDR + lc + ls > UPPPD_PRIVSEP_MSG_MAX)
        return UPPP_ERR_INVALID;
    uint8_t *m = buf;
    m[0] = REQ_SECRET;
    m[1] = q->for_peer ? 1 : 0;
    m[2] = (uint8_t)((q->client ? 1 : 0) | (q->server ? 2 : 0));
    uint32_t method = q->method;
    memcpy(m + 3, &method, sizeof(method));
    memcpy(m + SECRET_HDR, q->client ? q->client : "", lc);
    memcpy(m + SECRET_HDR + lc, q->server ? q->server : "", ls);
    ssize_t n;
    do
        n = send(ps->fd, m, SECRET_HDR + lc + ls, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return UPPP_ERR_INVALID;
    do
        n = recv(ps->fd, buf, sizeof(buf), 0);
    while (n < 0 && errno == EINTR);
    struct secret_reply h;
    if (n < (ssize_t)sizeof(h)) {
        /* A refusal (int32) or nothing: the helper could not look it up. */
        uppp_memzero(buf, sizeof(buf));
        return UPPP_ERR_INVALID;
    }
    memcpy(&h, buf, sizeof(h));
    int rc = h.rc;
    size_t nr = h.n_rules;
    if (nr > MAX_RULES || (size_t)n != sizeof(h) + nr * sizeof(struct upppd_addr_rule)) {
        rc = UPPP_ERR_INVALID;
    } else if (rc == 0) {
        *out = h.secret;
        if (q->for_peer && h.have_peer) {
            /* As upppd_store_get_secret() records it. */
            free(store->peer_addrs.rules);
            memset(&store->peer_addrs, 0, sizeof(store->peer_addrs));
            store->peer_addrs.rules = nr ? malloc(nr * sizeof(struct upppd_addr_rule)) : NULL;
            if (nr && store->peer_addrs.rules == NULL) {
                uppp_memzero(out, sizeof(*out));
                rc = UPPP_ERR_NOMEM;
            } else {
                if (nr)
                    memcpy(store->peer_addrs.rules, buf + sizeof(h),
                           nr * sizeof(struct upppd_addr_rule));
                store->peer_addrs.n_rules = nr;
                store->peer_addrs.any_addr = h.any_addr;
                store->peer_addrs.bad_addrs = h.bad_addrs;
                snprintf(store->peer, sizeof(store->peer), "%s", q->client ? q->client : "");
                store->have_peer = 1;
            }
        }
    }
    uppp_memzero(&h, sizeof(h));
    uppp_memzero(buf, sizeof(buf));
    return rc;
}

void upppd_privsep_close(struct upppd_privsep *ps)
{
    if (ps->fd >= 0)
        close(ps->fd);
    ps->fd = -1;
    if (ps->pid > 0) {
        /* It may already be reaped by run.c's SIGCHLD handler (ECHILD). */
        while (waitpid(ps->pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    ps->pid = -1;
}
