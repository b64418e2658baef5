/*
 * pptpd's command line (see cli.h). A small parser of our own rather than
 * getopt_long: it keeps no global state, so tests and the daemon can run
 * it more than once.
 */
#include "cli.h"
#include "conf.h"

#include <uppp/err.h>
#include <uppp/escape.h>

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct flag {
    char s;          /* short form */
    const char *l;   /* long form */
    int arg;         /* takes a value */
    const char *why; /* accepted and ignored, with this warning; NULL: honoured */
};

static const struct flag flags[] = {
    {'b', "bcrelay", 1, "no broadcast relay (bcrelay) in upppd-pptpd"},
    {'c', "conf", 1, NULL},
    {'d', "debug", 0, NULL},
    {'e', "ppp", 1, "there is no pppd to run: PPP is built in"},
    {'f', "fg", 0, NULL},
    {'h', "help", 0, NULL},
    {'i', "noipparam", 0, NULL},
    {'l', "listen", 1, NULL},
    {'o', "option", 1, NULL},
    {'p', "pidfile", 1, NULL},
    {'s', "speed", 1, NULL},
    {'t', "stimeout", 1, NULL},
    {'v', "version", 0, NULL},
    {'w', "logwtmp", 0, "no wtmp logging in upppd-pptpd"},
    {'C', "connections", 1, NULL},
    {'D', "delegate", 0, "addresses always come from localip/remoteip or the PPP options"},
    {0, "port", 1, NULL},
    {0, "runas", 1, NULL},
};

static int fail(struct upppd_pptpd_cli *cli, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int fail(struct upppd_pptpd_cli *cli, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cli->error, sizeof(cli->error), fmt, ap);
    va_end(ap);
    return UPPP_ERR_PARSE;
}

static void warn(struct upppd_pptpd_cli *cli, const struct flag *f)
{
    if (cli->warn == NULL)
        return;
    char msg[200];
    snprintf(msg, sizeof(msg), "-%c/--%s accepted and ignored: %s", f->s, f->l, f->why);
    cli->warn(cli->warn_ctx, msg);
}

static int apply(struct upppd_pptpd_cli *cli, const struct flag *f, const char *v)
{
    char shown[128];
    if (f->why) {
        warn(cli, f);
        return 0;
    }
    switch (f->s) {
    case 'c':
        cli->conf = v;
        break;
    case 'd':
        cli->debug = 1;
        break;
    case 'f':
        cli->foreground = 1;
        break;
    case 'h':
        return UPPPD_PPTPD_CLI_HELP;
    case 'v':
        return UPPPD_PPTPD_CLI_VERSION;
    case 'i':
        cli->noipparam = 1;
        break;
    case 'l':
        if (upppd_pptpd_parse_quad(v, &cli->listen) != 0) {
            uppp_escape(shown, sizeof(shown), v, strlen(v), UPPP_ESCAPE_VISIBLE);
            return fail(cli, "Invalid listening address: %s (a dotted quad)", shown);
        }
        cli->listen_set = 1;
        break;
    case 'o':
        cli->option = v;
        break;
    case 'p':
        cli->pidfile = v;
        break;
    case 's':
        if (upppd_pptpd_parse_int(v, 1, 100000000, &(int){0}) != 0)
            return fail(cli, "-s/--speed: a number (the speed scripts are told)");
        cli->speed = v;
        break;
    case 't':
        if (upppd_pptpd_parse_int(v, 1, 3600, &cli->stimeout_s) != 0)
            return fail(cli, "-t/--stimeout: seconds from 1 to 3600");
        break;
    case 'C':
        /* pptpd: atoi, 0 or less means the default of 100. */
        if (upppd_pptpd_parse_int(v, 0, UPPPD_PPTPD_CONNECTIONS_MAX, &cli->connections) != 0)
            return fail(cli, "-C/--connections: a number from 1 to %d",
                        UPPPD_PPTPD_CONNECTIONS_MAX);
        break;
    case 0:
        if (strcmp(f->l, "runas") == 0) {
            /* A user name as useradd takes it (as upppd's runas option):
             * nothing to escape in a log line. */
            if (v[0] == 0 || v[0] == '-' || strlen(v) > 32 ||
                strspn(v, "abcdefghijklmnopqrstuvwxyz"
                          "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                          "0123456789._-") != strlen(v))
                return fail(cli, "--runas: invalid user name");
            cli->runas = v;
            break;
        }
        if (upppd_pptpd_parse_int(v, 1, 65535, &cli->port) != 0)
            return fail(cli, "--port: a TCP port from 1 to 65535");
        break;
    }
    return 0;
}

static const struct flag *by_short(char c)
{
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        if (flags[i].s && flags[i].s == c)
            return &flags[i];
    return NULL;
}

static const struct flag *by_long(const char *s, size_t len)
{
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        if (strlen(flags[i].l) == len && strncmp(flags[i].l, s, len) == 0)
            return &flags[i];
    return NULL;
}

int upppd_pptpd_cli_parse(struct upppd_pptpd_cli *cli, int argc, char *const argv[])
{
    char shown[128];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int rc;
        if (a[0] == '-' && a[1] == '-' && a[2]) {
            const char *name = a + 2, *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            const struct flag *f = by_long(name, len);
            if (f == NULL) {
                uppp_escape(shown, sizeof(shown), a, strlen(a), UPPP_ESCAPE_VISIBLE);
                return fail(cli, "unknown option %s (see --help)", shown);
            }
            const char *v = NULL;
            if (f->arg) {
                v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
                if (v == NULL)
                    return fail(cli, "--%s needs a value", f->l);
            } else if (eq) {
                return fail(cli, "--%s takes no value", f->l);
            }
            if ((rc = apply(cli, f, v)) != 0)
                return rc;
            continue;
        }
        if (a[0] != '-' || a[1] == 0) {
            uppp_escape(shown, sizeof(shown), a, strlen(a), UPPP_ESCAPE_VISIBLE);
            return fail(cli, "unexpected argument \"%s\": pptpd takes options only (see --help)",
                        shown);
        }
        /* -fd, -C5, -C 5 */
        for (const char *p = a + 1; *p; p++) {
            const struct flag *f = by_short(*p);
            if (f == NULL) {
                uppp_escape(shown, sizeof(shown), p, 1, UPPP_ESCAPE_VISIBLE);
                return fail(cli, "unknown option -%s (see --help)", shown);
            }
            const char *v = NULL;
            if (f->arg) {
                v = p[1] ? p + 1 : (i + 1 < argc ? argv[++i] : NULL);
                if (v == NULL)
                    return fail(cli, "-%c needs a value", f->s);
            }
            if ((rc = apply(cli, f, v)) != 0)
                return rc;
            if (f->arg)
                break;
        }
    }
    return 0;
}

static int copy_path(struct upppd_pptpd_conf *c, char *dst, size_t cap, const char *v,
                     const char *what)
{
    if (strlen(v) >= cap) {
        snprintf(c->error, sizeof(c->error), "%s: path too long", what);
        return UPPP_ERR_PARSE;
    }
    memcpy(dst, v, strlen(v) + 1);
    return 0;
}

int upppd_pptpd_cli_apply(const struct upppd_pptpd_cli *cli, struct upppd_pptpd_conf *c)
{
    if (cli->option && copy_path(c, c->option, sizeof(c->option), cli->option, "-o") != 0)
        return UPPP_ERR_PARSE;
    if (cli->pidfile && copy_path(c, c->pidfile, sizeof(c->pidfile), cli->pidfile, "-p") != 0)
        return UPPP_ERR_PARSE;
    if (cli->speed)
        snprintf(c->speed, sizeof(c->speed), "%s", cli->speed);
    if (cli->listen_set)
        c->listen = cli->listen;
    if (cli->debug)
        c->debug = 1;
    if (cli->noipparam)
        c->noipparam = 1;
    if (cli->connections)
        c->connections = cli->connections;
    if (cli->stimeout_s)
        c->stimeout_s = cli->stimeout_s;
    if (cli->port)
        c->port = cli->port;
    return 0;
}

void upppd_pptpd_cli_help(FILE *f)
{
    fputs("Usage: upppd-pptpd [options]\n"
          "\n"
          "A PPTP server (RFC 2637) that is a drop-in for pptpd 1.4.0: the same flags, the\n"
          "same /etc/pptpd.conf, the same PPP options file, chap-secrets and ip-up/ip-down\n"
          "scripts. One process serves every control connection and call; PPP, MS-CHAP,\n"
          "MPPE and GRE run in user space, each call on its own pppN TUN interface.\n"
          "\n"
          "Options (pptpd's):\n"
          "  -c, --conf FILE         configuration file (default /etc/pptpd.conf; without\n"
          "                          -c a missing file means pptpd's defaults)\n"
          "  -o, --option FILE       PPP options file for every call\n"
          "                          (default: the conf file's \"option\", else\n"
          "                          /etc/ppp/pptpd-options)\n"
          "  -l, --listen A.B.C.D    listen on this local address only (default: all)\n"
          "  -p, --pidfile FILE      process ID file (default /var/run/pptpd.pid)\n"
          "  -C, --connections N     most concurrent control connections (default 100;\n"
          "                          fewer if localip/remoteip hold fewer addresses)\n"
          "  -t, --stimeout SECONDS  close a connection that sends no\n"
          "                          Start-Control-Connection-Request within this (10)\n"
          "  -i, --noipparam         do not pass the client's address to ip-up as ipparam\n"
          "  -s, --speed BAUD        the speed ip-up and ip-down are told (115200)\n"
          "  -d, --debug             debug logging (also the PPP options' \"debug\")\n"
          "  -f, --fg                stay in the foreground\n"
          "  -h, --help              this text\n"
          "  -v, --version           print the version\n"
          "\n"
          "Accepted with a warning, meaningless here: -b/--bcrelay IF, -e/--ppp FILE,\n"
          "-w/--logwtmp, -D/--delegate.\n"
          "\n"
          "Ours:\n"
          "  --port N                TCP port (default 1723; also $UPPPD_PPTPD_PORT)\n"
          "  --runas USER            after opening port 1723 and the GRE socket, run as\n"
          "                          USER with CAP_NET_ADMIN and CAP_NET_RAW; a root\n"
          "                          helper runs the scripts and reads the secrets\n"
          "                          (wins over \"runas USER\" in the PPP options file)\n"
          "\n"
          "pptpd.conf keywords: option, localip, remoteip (pptpd's lists:\n"
          "10.0.0.2-20,10.0.0.30; slot i pairs localip[i] with remoteip[i], one localip\n"
          "is shared by all), listen, connections, debug, stimeout, noipparam, speed,\n"
          "pidfile; logwtmp, bcrelay, delegate are ignored with a warning. Limits of\n"
          "our own: upppd-calls-per-connection N (1), upppd-max-msgs-per-sec N (50),\n"
          "upppd-gre-timeout SECONDS (30), upppd-echo-interval SECONDS (60),\n"
          "upppd-port N (1723).\n"
          "\n"
          "Environment: UPPPD_ETC moves /etc/ppp (chap-secrets, ip-up, ip-down),\n"
          "UPPPD_RUNDIR moves /run (root only). Logs go to syslog (daemon facility)\n"
          "and, with -f, to standard error. See upppd-pptpd(8).\n",
          f);
}
