/*
 * pppd's hook scripts (see hooks.h): arguments and environment as pppd
 * 2.4.9 sets them (main.c, auth.c, ipcp.c, ipv6cp.c).
 */
#define _GNU_SOURCE
#include "hooks.h"

#include "scripts.h"
#include "tun.h"

#include <uppp/escape.h>

#include <arpa/inet.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "loop.h"

void upppd_ip_str(uint32_t a, char *buf, size_t cap)
{
    struct in_addr in = {.s_addr = htonl(a)};
    inet_ntop(AF_INET, &in, buf, (socklen_t)cap);
}

/* pppd sets IPLOCAL/IPREMOTE, LLLOCAL/LLREMOTE, PEERNAME and DNS1/DNS2 in
 * its script environment when they become known and never clears them, so
 * ip-down, ipv6-down and auth-down see the values that were in use. The
 * session has cleared its copies by then: fill st from what was kept. */
static void keep(struct upppd_hooks *h, struct uppp_status *st)
{
    struct uppp_status *k = &h->keep;
    if (st->ip_local) {
        k->ip_local = st->ip_local;
        k->ip_remote = st->ip_remote;
    } else {
        st->ip_local = k->ip_local;
        st->ip_remote = k->ip_remote;
    }
    if (st->ipv6_up) {
        k->ipv6_up = 1;
        k->ipv6_local = st->ipv6_local;
        k->ipv6_remote = st->ipv6_remote;
    } else if (k->ipv6_up) {
        st->ipv6_up = 1;
        st->ipv6_local = k->ipv6_local;
        st->ipv6_remote = k->ipv6_remote;
    }
    if (st->peer_name[0])
        memcpy(k->peer_name, st->peer_name, sizeof(k->peer_name));
    else
        memcpy(st->peer_name, k->peer_name, sizeof(st->peer_name));
    if (st->dns[0] || st->dns[1])
        memcpy(k->dns, st->dns, sizeof(k->dns));
    else
        memcpy(st->dns, k->dns, sizeof(st->dns));
}

/* The name of the real user who ran us, or the uid: pppd's auth-up
 * "user-name" and PPPLOGNAME ("the username of the real user-id"). */
static void real_user(char *buf, size_t cap)
{
    struct passwd *pw = getpwuid(getuid());
    if (pw != NULL && pw->pw_name != NULL)
        snprintf(buf, cap, "%s", pw->pw_name);
    else
        snprintf(buf, cap, "%u", (unsigned)getuid());
}

/* The peer's name as scripts see it. pppd cleans the name with "%v" as it
 * receives it (chap-new.c, upap.c), so its scripts (PEERNAME, auth-up's
 * peer-name argument) never get a control character. The library keeps the
 * name as sent (the secret and its address rules are looked up by it, so a
 * UTF-8 name in the secrets file matches, which pppd's cleaned "M-" form
 * never would); it is cleaned here, as pppd does. */
static void peer_name(const struct uppp_status *st, char *buf, size_t cap)
{
    uppp_escape(buf, cap, st->peer_name, strlen(st->peer_name), UPPP_ESCAPE_VISIBLE);
}

/* pppd's script environment. */
static void env(struct upppd_hooks *h, struct upppd_env *e, const struct uppp_status *st)
{
    char a[INET6_ADDRSTRLEN], user[256];
    upppd_env_set(e, "PATH", "/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin");
    upppd_env_set(e, "IFNAME", "%s", h->ifname ? h->ifname : "");
    upppd_env_set(e, "DEVICE", "%s", h->device ? h->device : "");
    upppd_env_set(e, "SPEED", "%u", h->speed);
    upppd_env_set(e, "PPPD_PID", "%d", (int)getpid());
    real_user(user, sizeof(user));
    upppd_env_set(e, "PPPLOGNAME", "%s", user);
    upppd_env_set(e, "ORIG_UID", "%u", (unsigned)getuid());
    if (st->peer_name[0]) {
        char peer[sizeof(st->peer_name) * 4];
        peer_name(st, peer, sizeof(peer));
        upppd_env_set(e, "PEERNAME", "%s", peer);
    }
    if (st->ip_local) {
        upppd_ip_str(st->ip_local, a, sizeof(a));
        upppd_env_set(e, "IPLOCAL", "%s", a);
        upppd_ip_str(st->ip_remote, a, sizeof(a));
        upppd_env_set(e, "IPREMOTE", "%s", a);
    }
    if (st->dns[0]) {
        upppd_ip_str(st->dns[0], a, sizeof(a));
        upppd_env_set(e, "DNS1", "%s", a);
    }
    if (st->dns[1]) {
        upppd_ip_str(st->dns[1], a, sizeof(a));
        upppd_env_set(e, "DNS2", "%s", a);
    }
    if (st->ipv6_up) {
        upppd_format_ll(st->ipv6_local, a, sizeof(a));
        upppd_env_set(e, "LLLOCAL", "%s", a);
        upppd_format_ll(st->ipv6_remote, a, sizeof(a));
        upppd_env_set(e, "LLREMOTE", "%s", a);
    }
    if (h->ipparam)
        upppd_env_set(e, "IPPARAM", "%s", h->ipparam);
    if (h->linkname)
        upppd_env_set(e, "LINKNAME", "%s", h->linkname);
    if (h->call_file)
        upppd_env_set(e, "CALL_FILE", "%s", h->call_file);
    upppd_env_set(e, "CONNECT_TIME", "%llu",
                  (unsigned long long)((upppd_loop_now() - h->t_start) / 1000));
    upppd_env_set(e, "BYTES_SENT", "%llu", (unsigned long long)st->bytes_out);
    upppd_env_set(e, "BYTES_RCVD", "%llu", (unsigned long long)st->bytes_in);
}

/* The arguments are pppd 2.4.9's: "interface tty speed local remote
 * ipparam" for the ip and ipv6 scripts (link-local addresses for ipv6),
 * "interface peer-name user-name tty speed" for auth-up and auth-down. */
void upppd_hook_run(struct upppd_hooks *h, struct uppp_session *s, const char *name,
                    enum upppd_hook_kind kind, int wait_ms)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", h->etc_dir, name);
    struct uppp_status st;
    uppp_session_status(s, &st);
    keep(h, &st);
    struct upppd_env e = {0};
    env(h, &e, &st);
    char speed[16], l[256], rm[64];
    char *ifname = (char *)(h->ifname ? h->ifname : "");
    char *dev = (char *)(h->device ? h->device : "");
    snprintf(speed, sizeof(speed), "%u", h->speed);
    if (kind == UPPPD_HOOK_IPV6) {
        upppd_format_ll(st.ipv6_local, l, sizeof(l));
        upppd_format_ll(st.ipv6_remote, rm, sizeof(rm));
    } else if (kind == UPPPD_HOOK_IP) {
        upppd_ip_str(st.ip_local, l, sizeof(l));
        upppd_ip_str(st.ip_remote, rm, sizeof(rm));
    } else {
        real_user(l, sizeof(l));
    }
    char *argv[] = {path, ifname, dev, speed, l, rm, (char *)(h->ipparam ? h->ipparam : ""), NULL};
    char peer[sizeof(st.peer_name) * 4];
    peer_name(&st, peer, sizeof(peer));
    char *auth_argv[] = {path, ifname, peer, l, dev, speed, NULL};
    pid_t pid = upppd_script_start(path, kind == UPPPD_HOOK_AUTH ? auth_argv : argv, &e);
    upppd_env_free(&e);
    if (pid <= 0)
        return;
    upppd_logf(h->log, LOG_DEBUG, "Script %s started (pid %d)", path, (int)pid);
    if (wait_ms > 0) {
        int ws = upppd_script_wait(pid, wait_ms);
        upppd_logf(h->log, LOG_DEBUG, "Script %s finished (pid %d), status = 0x%x", path, (int)pid,
                   ws < 0 ? 0xff : ws);
    }
}
