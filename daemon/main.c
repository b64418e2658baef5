/*
 * upppd: a pppd-compatible PPP daemon with MS-CHAP and MPPE, in userspace,
 * carrying IP through a TUN interface. main() reads the options in pppd's
 * order, checks that authentication can work, detaches as pppd does, and
 * hands over to the event loop (run.c).
 */
#define _GNU_SOURCE
#include "log.h"
#include "options.h"
#include "run.h"
#include "secrets.h"

#include <uppp/err.h>

#include "crypto.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

static void warn_stderr(void *ctx, const char *msg)
{
    (void)ctx;
    upppd_log_stderr(LOG_WARNING, "upppd: warning: %s", msg);
}

static void store_log(void *ctx, int level, const char *msg)
{
    upppd_log_line(ctx, level, msg);
}

/* pppd (auth.c auth_check_options) refuses to start when it must
 * authenticate the peer and has no usable secret to do it with; so do we,
 * with pppd's words. */
static int check_auth_possible(const struct upppd_opts *o, struct upppd_secret_store *st,
                               struct upppd_log *lg)
{
    unsigned req = o->cfg.require_auth;
    if (req == 0)
        return 0;
    const char *client = o->remotename[0] ? o->remotename : NULL;
    if (upppd_store_usable_methods(st, 1, client, o->cfg.our_name, req) != 0)
        return 0;
    upppd_logf(lg, LOG_ERR, "The remote system is required to authenticate itself");
    upppd_logf(lg, LOG_ERR,
               "but I couldn't find any suitable secret (password) for it to use to do so.");
    return -1;
}

/* Detach as pppd does: the parent returns at once, or with updetach when
 * the child says IP is up (or exits first). Returns the write end of the
 * updetach pipe in the child, or -1. */
static int detach(int updetach, int *parent_status)
{
    int p[2] = {-1, -1};
    if (updetach && pipe2(p, O_CLOEXEC) < 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid > 0) {
        if (updetach) {
            close(p[1]);
            char c;
            ssize_t n;
            do
                n = read(p[0], &c, 1);
            while (n < 0 && errno == EINTR);
            if (n == 1) {
                *parent_status = 0;
            } else {
                int st = 0;
                waitpid(pid, &st, 0);
                *parent_status = WIFEXITED(st) ? WEXITSTATUS(st) : 1;
            }
        } else {
            *parent_status = 0;
        }
        return -2; /* we are the parent: exit with *parent_status */
    }
    setsid();
    int nul = open("/dev/null", O_RDWR);
    if (nul >= 0) {
        dup2(nul, 0);
        if (nul > 2)
            close(nul);
    }
    if (updetach) {
        close(p[0]);
        return p[1];
    }
    return -1;
}

/* pppd 2.4.9, installed setuid root, lets its caller name only files the
 * caller could open, and takes privileged options only from root-owned
 * files. upppd does not implement that model (every option is trusted, see
 * "DIFFERENCES FROM PPPD" in upppd.8), so a setuid or setgid upppd would
 * read any file for anyone and run its scripts as root: refuse, before any
 * option or file is read. It needs root only for its TUN device; run it as
 * root (sudo) instead. */
static int refuse_setid(void)
{
    if (getuid() == geteuid() && getgid() == getegid())
        return 0;
    upppd_log_stderr(LOG_ERR,
                     "upppd: refusing to run setuid or setgid (real uid %u, effective uid %u): "
                     "upppd does not implement pppd's privileged options; remove the setuid bit "
                     "and run it as root",
                     (unsigned)getuid(), (unsigned)geteuid());
    return -1;
}

/* UPPPD_ETC, UPPPD_RUNDIR and UPPPD_LOCKDIR move where upppd reads its
 * options, secrets and scripts and writes its pid, lock and resolv.conf
 * files: only root may move them. For anyone else they are dropped here,
 * once, so no later getenv (nor a pty command we start) sees them. */
static void drop_env_unless_root(void)
{
    static const char *const vars[] = {"UPPPD_ETC", "UPPPD_RUNDIR", "UPPPD_LOCKDIR"};
    if (getuid() == 0)
        return;
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        if (getenv(vars[i]) != NULL) {
            /* Only the name: the value is the caller's, unescaped. */
            upppd_log_stderr(LOG_WARNING, "upppd: warning: %s ignored: only root may set it",
                             vars[i]);
            unsetenv(vars[i]);
        }
}

int main(int argc, char **argv)
{
    if (refuse_setid() != 0)
        return 1;
    drop_env_unless_root();
    struct upppd_opts o;
    upppd_opts_init(&o);
    o.warn = warn_stderr;
    const char *tty = isatty(0) ? ttyname(0) : NULL;
    int rc = upppd_opts_load_all(&o, argc - 1, argv + 1, tty);
    if (rc == UPPPD_OPTS_HELP) {
        upppd_opts_help(stdout);
        upppd_opts_free(&o);
        return 0;
    }
    if (rc == UPPPD_OPTS_VERSION) {
        printf("upppd version %s\n", upppd_version());
        upppd_opts_free(&o);
        return 0;
    }
    if (rc != 0) {
        upppd_log_stderr(LOG_ERR, "upppd: %s", o.error);
        upppd_opts_free(&o);
        return upppd_opts_exit_status(rc);
    }
    /* With notty the link is our stdout: never write anything else there. */
    FILE *out = o.notty ? stderr : stdout;
    if (o.dump)
        upppd_opts_dump(&o, out);
    if (o.dryrun) {
        upppd_opts_free(&o);
        return 0;
    }

    struct upppd_log lg;
    int logfd = o.logfd;
    if (o.notty && logfd == 1)
        logfd = -1; /* pppd: not to the fd that carries the link */
    upppd_log_open(&lg, "upppd", 1, logfd, NULL);
    lg.debug = o.debug > 0;
    /* Under systemd: the journal stream (stderr) instead of syslog and
     * logfd (log.h), so journald stores each line once; a logfile stays,
     * opened after that so a failure to open it is told the same way. */
    if (o.nodetach || o.notty)
        upppd_log_journal_detect(&lg);
    upppd_log_open_file(&lg, o.logfile);

    if (uppp_crypto_init() != 0) {
        upppd_logf(&lg, LOG_ERR, "%s", uppp_crypto_status());
        upppd_opts_free(&o);
        return 1;
    }
    struct upppd_secret_store store;
    upppd_store_init(&store, o.etc);
    store.log = store_log;
    store.log_ctx = &lg;
    store.unit = o.unit;
    if (o.password_set) {
        snprintf(store.password, sizeof(store.password), "%s", o.password);
        store.password_set = 1;
    }
    /* With RADIUS the server checks the peer (pppd's plugin replaces the
     * secrets-file checks the same way). */
    if (!o.radius && check_auth_possible(&o, &store, &lg) != 0) {
        upppd_store_free(&store);
        upppd_opts_free(&o);
        return 1;
    }

    struct upppd_run r;
    memset(&r, 0, sizeof(r));
    r.cfg = o.cfg;
    r.link.device = o.device[0] ? o.device : NULL;
    r.link.speed = (unsigned)o.speed;
    r.link.crtscts = o.flow == UPPPD_FLOW_CRTSCTS;
    r.link.local = !o.modem;
    r.link.lock = o.lock;
    r.link.lock_dir = getenv("UPPPD_LOCKDIR") ? getenv("UPPPD_LOCKDIR") : "/var/lock";
    r.link.pty_cmd = o.pty_cmd[0] ? o.pty_cmd : NULL;
    r.link.notty = o.notty || (!o.device[0] && !o.pty_cmd[0] && !o.pptp_host[0]);
    if (o.pptp_host[0]) {
        r.pptp_host = o.pptp_host;
        r.pptp_port = (uint16_t)o.pptp_port;
        r.pptp_reorder_ms = (uint32_t)o.pptp_reorder_ms;
        r.pptp_echo_s = (uint32_t)o.pptp_echo_s;
        r.pptp_hostroute = !o.pptp_nohostroute;
        struct in_addr lb = {0};
        if (o.pptp_localbind[0] && inet_pton(AF_INET, o.pptp_localbind, &lb) != 1)
            lb.s_addr = 0; /* checked by the option parser */
        r.pptp_localbind = lb.s_addr;
    }
    r.connect_cmd = o.connect_cmd[0] ? o.connect_cmd : NULL;
    r.disconnect_cmd = o.disconnect_cmd[0] ? o.disconnect_cmd : NULL;
    r.ifname = o.ifname[0] ? o.ifname : NULL;
    r.unit = o.unit;
    r.linkname = o.linkname[0] ? o.linkname : NULL;
    r.ipparam = o.ipparam[0] ? o.ipparam : NULL;
    r.etc_dir = o.etc;
    r.run_dir = getenv("UPPPD_RUNDIR") ? getenv("UPPPD_RUNDIR") : "/run";
    r.call_file = o.call_name[0] ? o.call_name : NULL;
    r.defaultroute = o.defaultroute;
    r.replacedefaultroute = o.replacedefaultroute;
    r.usepeerdns = o.usepeerdns;
    r.persist = o.persist;
    r.maxfail = o.maxfail;
    r.holdoff_s = o.holdoff;
    r.idle_s = o.idle > 0 ? (unsigned)o.idle : 0;
    r.maxconnect_s = o.maxconnect > 0 ? (unsigned)o.maxconnect : 0;
    r.updetach_fd = -1;
    r.secrets = &store;
    r.get_secret = upppd_store_get_secret;
    r.check_addr = o.cfg.require_auth && !o.radius ? upppd_store_check_addr : NULL;
    r.log = &lg;
    const char *avpairs[UPPPD_MAX_AVPAIRS];
    for (int i = 0; i < o.n_avpairs; i++)
        avpairs[i] = o.avpairs[i];
    r.radius = o.radius;
    r.radius_params = (struct upppd_radius_params){.config_file = o.radius_config,
                                                   .avpairs = avpairs,
                                                   .n_avpairs = (size_t)o.n_avpairs,
                                                   .allow_no_ma = o.radius_allow_no_ma};
    r.remotenumber = o.remotenumber[0] ? o.remotenumber : NULL;
    r.runas = o.runas[0] ? o.runas : NULL;

    if (!o.nodetach && !o.notty) {
        int parent_status = 0;
        int fd = detach(o.updetach, &parent_status);
        if (fd == -2)
            return parent_status;
        r.updetach_fd = fd;
        /* Detached: stop logging to the terminal, as pppd does. */
        if (lg.fd >= 0 && lg.fd <= 2)
            lg.fd = -1;
    }

    int status = upppd_run(&r);
    upppd_log_close(&lg);
    upppd_store_free(&store);
    upppd_opts_free(&o);
    return status;
}
