/*
 * upppd-pptpd: a drop-in for pptpd 1.4.0 (see cli.h, conf.h, server.h).
 * main() reads pptpd's command line and /etc/pptpd.conf, the PPP options
 * as pptpctrl's pppd would ($ETC/options, then the "option" file), opens
 * the sockets, detaches as pptpd does unless -f, writes the pid file and
 * runs the event loop until SIGTERM, which ends every call in order.
 */
#define _GNU_SOURCE
#include "cli.h"
#include "conf.h"
#include "radius_calls.h"
#include "server.h"

#include "log.h"
#include "options.h"
#include "privsep.h"
#include "secrets.h"

#include <uppp/err.h>

#include "crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

/* After SIGTERM, how long calls get to end in order before we close. */
#define STOP_GRACE_MS 5000

static struct upppd_log *g_log; /* for the warning callbacks before the server exists */

static void warn_cb(void *ctx, const char *msg)
{
    (void)ctx;
    if (g_log)
        upppd_logf(g_log, LOG_WARNING, "%s", msg);
    else
        upppd_log_stderr(LOG_WARNING, "upppd-pptpd: warning: %s", msg);
}

struct sig {
    struct upppd_watch w;
    struct upppd_pptpd_server *srv;
    struct upppd_log *log;
    struct upppd_privsep *ps;
    uint64_t stop_at;
};

static void on_signal(struct upppd_watch *w, uint32_t events)
{
    struct sig *g = (struct sig *)(void *)w;
    (void)events;
    struct signalfd_siginfo si;
    while (read(w->fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        switch (si.ssi_signo) {
        case SIGTERM:
        case SIGINT:
            if (!g->srv->stopping) {
                upppd_logf(g->log, LOG_NOTICE, "Terminating on signal %u", si.ssi_signo);
                upppd_pptpd_server_stop(g->srv);
                g->stop_at = upppd_loop_now() + STOP_GRACE_MS;
            } else {
                g->stop_at = 0; /* a second signal: now */
            }
            break;
        case SIGUSR1:
            g->log->debug = !g->log->debug;
            upppd_logf(g->log, LOG_NOTICE, "debug %s", g->log->debug ? "on" : "off");
            break;
        case SIGCHLD:
            /* ip-up and ip-down are not waited for (one slow script must
             * not stall every call): reap them here. */
            for (pid_t p; (p = waitpid(-1, NULL, WNOHANG)) > 0;) {
                /* runas: the helper died (it only exits when we close
                 * its socket): no scripts or secrets any more. */
                if (g->ps->fd >= 0 && p == g->ps->pid) {
                    upppd_logf(g->log, LOG_ERR, "the root helper (pid %d) died", (int)p);
                    g->ps->pid = -1;
                }
            }
            break;
        default:
            break;
        }
    }
}

static int signals_open(struct upppd_loop *loop, struct sig *g)
{
    sigset_t mask;
    sigemptyset(&mask);
    int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGCHLD};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaddset(&mask, sigs[i]);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    signal(SIGPIPE, SIG_IGN);
    int fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    g->w = (struct upppd_watch){.fd = fd, .cb = on_signal};
    return fd < 0 ? -1 : upppd_loop_watch(loop, &g->w, EPOLLIN);
}

static void drop_env_unless_root(void)
{
    static const char *const vars[] = {"UPPPD_ETC", "UPPPD_RUNDIR", "UPPPD_PPTPD_PORT"};
    if (getuid() == 0)
        return;
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        if (getenv(vars[i]) != NULL) {
            upppd_log_stderr(LOG_WARNING, "upppd-pptpd: warning: %s ignored: only root may set it",
                             vars[i]);
            unsetenv(vars[i]);
        }
}

/* pptpctrl's pppd reads $ETC/options, then "file <option>". Returns 0 or
 * prints why not. */
static int load_ppp_options(struct upppd_opts *o, const struct upppd_pptpd_conf *c,
                            const struct upppd_pptpd_cli *cli)
{
    upppd_opts_init(o);
    o->warn = warn_cb;
    char path[UPPPD_PATH_LEN + 16];
    snprintf(path, sizeof(path), "%s/options", o->etc);
    int rc = upppd_opts_parse_file(o, path, 0);
    const char *file = c->option[0] ? c->option : UPPPD_PPTPD_OPTIONS_DEFAULT;
    /* pptpd checks the file it was given is readable; the default may be
     * missing (then pppd's defaults and $ETC/options apply). */
    int must = c->option[0] != 0 || cli->option != NULL;
    if (rc == 0)
        rc = upppd_opts_parse_file(o, file, must);
    if (rc == 0)
        rc = upppd_opts_finish(o);
    if (rc != 0) {
        upppd_log_stderr(LOG_ERR, "upppd-pptpd: PPP options: %s", o->error);
        return -1;
    }
    if (o->debug)
        o->cfg.debug = o->debug;
    return 0;
}

static void store_log(void *ctx, int level, const char *msg)
{
    upppd_log_line(ctx, level, msg);
}

/* runas USER (from the PPP options file, as for upppd; privsep.h): port
 * 1723 and the GRE socket are open, the signals blocked; from here on the
 * process runs as USER with CAP_NET_ADMIN (new pppN TUNs, their addresses)
 * and CAP_NET_RAW, and the root helper runs the scripts and reads the
 * secrets files. Returns 0 or -1 (logged). */
static int runas(struct upppd_privsep *ps, struct upppd_secret_store *store, const char *user,
                 const char *etc, const char *pidfile, struct upppd_log *lg)
{
    upppd_store_init(store, etc);
    store->log = store_log;
    store->log_ctx = lg;
    store->unit = -1;
    struct upppd_privsep_conf pc = {.user = user, .etc_dir = etc, .store = store};
    pc.pidfiles[0] = pidfile;
    char err[512];
    if (upppd_privsep_drop(ps, &pc, err, sizeof(err)) != 0) {
        upppd_logf(lg, LOG_ERR, "runas %s: %s", user, err);
        return -1;
    }
    /* Each call makes its TUN as USER from here on: a /dev/net/tun that
     * only root may open (mode 0600 in some containers) would fail every
     * call, so say it now, once. */
    int t = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (t < 0 && (errno == EACCES || errno == EPERM)) {
        upppd_logf(lg, LOG_ERR,
                   "runas %s: %s cannot open /dev/net/tun (%s): make it mode 0666, "
                   "as Debian does, or run without runas",
                   user, user, strerror(errno));
        return -1;
    }
    if (t >= 0)
        close(t);
    upppd_logf(lg, LOG_INFO,
               "Running as %s (uid %u) with CAP_NET_ADMIN and CAP_NET_RAW; "
               "scripts and secrets through root helper %d",
               user, (unsigned)ps->uid, (int)ps->pid);
    return 0;
}

static void write_pidfile(const char *path, struct upppd_log *lg)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        upppd_logf(lg, LOG_ERR, "failed to open pid file %s: %s", path, strerror(errno));
        return;
    }
    fprintf(f, "%d\n", (int)getpid());
    fclose(f);
}

static int detach(void)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid > 0)
        _exit(0);
    setsid();
    int nul = open("/dev/null", O_RDWR);
    if (nul >= 0) {
        dup2(nul, 0);
        dup2(nul, 1);
        dup2(nul, 2);
        if (nul > 2)
            close(nul);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (getuid() != geteuid() || getgid() != getegid()) {
        upppd_log_stderr(LOG_ERR, "upppd-pptpd: refusing to run setuid or setgid; run it as root");
        return 1;
    }
    drop_env_unless_root();
    struct upppd_pptpd_cli cli;
    memset(&cli, 0, sizeof(cli));
    cli.warn = warn_cb;
    int rc = upppd_pptpd_cli_parse(&cli, argc, argv);
    if (rc == UPPPD_PPTPD_CLI_HELP) {
        upppd_pptpd_cli_help(stdout);
        return 0;
    }
    if (rc == UPPPD_PPTPD_CLI_VERSION) {
        printf("upppd-pptpd version %s (pptpd 1.4.0 compatible)\n", upppd_version());
        return 0;
    }
    if (rc != 0) {
        upppd_log_stderr(LOG_ERR, "upppd-pptpd: %s", cli.error);
        return 1;
    }

    struct upppd_pptpd_conf conf;
    upppd_pptpd_conf_init(&conf);
    conf.warn = warn_cb;
    const char *conf_path = cli.conf ? cli.conf : UPPPD_PPTPD_CONF_DEFAULT;
    rc = upppd_pptpd_conf_load(&conf, conf_path, cli.conf != NULL);
    const char *env_port = getenv("UPPPD_PPTPD_PORT");
    if (rc == 0 && env_port && !cli.port) {
        char *end;
        long p = strtol(env_port, &end, 10);
        if (*env_port == 0 || *end || p < 1 || p > 65535) {
            snprintf(conf.error, sizeof(conf.error), "UPPPD_PPTPD_PORT: a port from 1 to 65535");
            rc = UPPP_ERR_PARSE;
        } else {
            conf.port = (int)p;
        }
    }
    if (rc == 0)
        rc = upppd_pptpd_cli_apply(&cli, &conf);
    if (rc == 0)
        rc = upppd_pptpd_conf_finish(&conf);
    if (rc != 0) {
        upppd_log_stderr(LOG_ERR, "upppd-pptpd: %s", conf.error);
        upppd_pptpd_conf_free(&conf);
        return 1;
    }
    struct upppd_opts o;
    if (load_ppp_options(&o, &conf, &cli) != 0) {
        upppd_opts_free(&o);
        upppd_pptpd_conf_free(&conf);
        return 1;
    }

    struct upppd_log lg;
    upppd_log_open(&lg, "upppd-pptpd", 1, cli.foreground ? 2 : -1, NULL);
    lg.debug = conf.debug || o.debug > 0;
    /* Under systemd (-f, stderr a journal stream): lines go to the journal
     * once, with their levels, not to syslog as well (log.h); the log
     * file after that, so a failure to open it is told the same way. */
    if (cli.foreground)
        upppd_log_journal_detect(&lg);
    upppd_log_open_file(&lg, o.logfile);
    g_log = &lg;
    struct upppd_privsep ps = {.fd = -1, .pid = -1};
    struct upppd_secret_store helper_store;
    int have_store = 0;
    int status = 1;
    if (uppp_crypto_init() != 0) {
        upppd_logf(&lg, LOG_ERR, "%s", uppp_crypto_status());
        goto out_opts;
    }
    struct upppd_loop loop;
    if (upppd_loop_init(&loop) < 0) {
        upppd_logf(&lg, LOG_ERR, "out of resources: %s", strerror(errno));
        goto out_opts;
    }
    struct upppd_pptpd_server srv;
    memset(&srv, 0, sizeof(srv));
    struct sig g = {.srv = &srv, .log = &lg, .ps = &ps, .stop_at = UPPPD_TIMER_NONE};
    char err[512];
    if (signals_open(&loop, &g) < 0 ||
        upppd_pptpd_server_init(&srv, &loop, &conf, &o.cfg, o.etc, &lg, err, sizeof(err)) < 0) {
        upppd_logf(&lg, LOG_ERR, "%s", err);
        goto out_loop;
    }
    if (upppd_pptpd_radius_open(&srv, &o, err, sizeof(err)) < 0) {
        upppd_logf(&lg, LOG_ERR, "RADIUS: %s", err);
        goto out_srv;
    }
    if (!cli.foreground) {
        if (detach() < 0) {
            upppd_logf(&lg, LOG_ERR, "fork: %s", strerror(errno));
            goto out_srv;
        }
    }
    const char *pidfile = conf.pidfile[0] ? conf.pidfile : UPPPD_PPTPD_PIDFILE_DEFAULT;
    write_pidfile(pidfile, &lg);
    srv.orig_uid = getuid();
    srv.ps = &ps;
    /* --runas wins over the PPP options file's runas. */
    const char *user = cli.runas ? cli.runas : o.runas[0] ? o.runas : NULL;
    if (user) {
        have_store = 1;
        if (runas(&ps, &helper_store, user, o.etc, pidfile, &lg) != 0) {
            unlink(pidfile);
            goto out_srv;
        }
    }
    upppd_logf(&lg, LOG_NOTICE, "upppd-pptpd %s started", upppd_version());
    for (;;) {
        int timeout = -1;
        if (srv.stopping) {
            uint64_t now = upppd_loop_now();
            /* Every call over and its accounting Stop answered. */
            if ((upppd_pptpd_server_idle(&srv) && upppd_pptpd_radius_pending(&srv) == 0) ||
                now >= g.stop_at)
                break;
            timeout = (int)(g.stop_at - now);
        }
        if (upppd_loop_run_once(&loop, timeout) < 0 && errno != EINTR)
            break;
    }
    /* runas: the helper removes the pid file when we close it. */
    if (ps.fd < 0)
        unlink(pidfile);
    status = 0;
out_srv:
    upppd_pptpd_server_fini(&srv);
    upppd_pptpd_radius_close(&srv);
    upppd_privsep_close(&ps); /* after the calls' ip-down requests */
    if (have_store)
        upppd_store_free(&helper_store);
out_loop:
    if (g.w.fd >= 0)
        close(g.w.fd);
    upppd_loop_fini(&loop);
out_opts:
    upppd_logf(&lg, LOG_INFO, "upppd-pptpd exiting");
    upppd_log_close(&lg);
    upppd_opts_free(&o);
    upppd_pptpd_conf_free(&conf);
    return status;
}
