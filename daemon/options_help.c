/*
 * --help (every option in the table, grouped as in upppd(8)) and the
 * "dump" option (pppd options.c print_options(): the options in effect
 * with where each came from). Our dump is written as options-file text
 * that reads back to the same configuration.
 */
#include "options_int.h"

#include <arpa/inet.h>
#include <string.h>

#define HELP_WIDTH 79
#define HELP_COL 26

/* Print text wrapped at HELP_WIDTH, starting at column col, continuation
 * lines indented to indent; ends with a newline. */
static void wrap_at(FILE *f, const char *text, int col, int indent)
{
    const char *p = text;
    while (*p != 0) {
        while (*p == ' ')
            p++;
        const char *end = p;
        const char *brk = NULL;
        while (*end != 0 && col + (end - p) < HELP_WIDTH) {
            if (*end == ' ')
                brk = end;
            end++;
        }
        if (*end != 0 && brk != NULL)
            end = brk;
        fprintf(f, "%.*s\n", (int)(end - p), p);
        p = end;
        if (*p != 0) {
            fprintf(f, "%*s", indent, "");
            col = indent;
        }
    }
}

static void wrap(FILE *f, const char *text, int col)
{
    wrap_at(f, text, col, HELP_COL);
}

void upppd_opts_help(FILE *f)
{
    fprintf(f,
            "upppd version %s: a userspace PPP daemon with MS-CHAP and MPPE over TUN,\n"
            "compatible with pppd 2.4.9's options.\n\n",
            upppd_version());
    fprintf(f, "Usage: upppd [ options ]\n\n");
    wrap_at(f,
            "Options are read from /etc/ppp/options, ~/.ppprc, /etc/ppp/options.<ttyname> and "
            "then the command line; a later option overrides an earlier one. $UPPPD_ETC "
            "replaces /etc/ppp. In files, words are separated by white space, # starts a "
            "comment, and \"quotes\" and \\ escapes work as in pppd. See upppd(8).",
            0, 0);
    for (int g = 0; g < G_COUNT; g++) {
        fprintf(f, "\n%s:\n", upppd_opt_group_title[g]);
        for (size_t i = 0; i < upppd_opt_table_len; i++) {
            const struct opt_def *d = &upppd_opt_table[i];
            if ((int)d->group != g || d->help == NULL)
                continue;
            char names[256];
            int n = snprintf(names, sizeof(names), "%s%s%s", d->name, d->arg ? " " : "",
                             d->arg ? d->arg : "");
            /* Aliases follow their entry in the table. */
            for (size_t j = i + 1; j < upppd_opt_table_len && upppd_opt_table[j].help == NULL &&
                                   upppd_opt_table[j].id == d->id;
                 j++)
                n +=
                    snprintf(names + n, sizeof(names) - (size_t)n, ", %s", upppd_opt_table[j].name);
            int col = 2 + n;
            if (col + 2 > HELP_COL) {
                /* Long name lists get lines of their own. */
                fprintf(f, "  ");
                wrap_at(f, names, 2, 4);
                fprintf(f, "%*s", HELP_COL, "");
            } else {
                fprintf(f, "  %s%*s", names, HELP_COL - col, "");
            }
            wrap(f, d->help, HELP_COL);
        }
    }
    fprintf(f, "\n");
    wrap_at(f,
            "Exit status as pppd's: 0 ok, 1 fatal error, 2 error in the options, 5 signal, "
            "6 lock failed, 7 cannot open the device, 8 connect script failed, 9 pty command "
            "failed, 10 negotiation failed, 11 the peer failed to authenticate, 12 idle, 13 "
            "connect time over, 15 no echo replies, 16 hangup, 17 loopback, 19 we failed to "
            "authenticate.",
            0, 0);
}

/* ---- dump ---- */

/* A word quoted so that the options-file reader gives it back unchanged. */
static void put_word(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p != 0; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(f, "\\%03o", *p); /* always three digits: a digit may follow */
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* End a dump line with the place the latest of the given options came from. */
static void from(FILE *f, const struct upppd_opts *o, const enum opt_id *ids, size_t n)
{
    char best[UPPPD_PATH_LEN + 16] = "", buf[UPPPD_PATH_LEN + 16];
    uint32_t best_seq = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t s = upppd_opt_source(o, ids[i], buf, sizeof(buf));
        if (s > best_seq) {
            best_seq = s;
            memcpy(best, buf, sizeof(best));
        }
    }
    if (best_seq != 0)
        fprintf(f, "\t\t# (from %s)", best);
    fputc('\n', f);
}

#define FROM(...)                                                                                  \
    do {                                                                                           \
        const enum opt_id ids_[] = {__VA_ARGS__};                                                  \
        from(f, o, ids_, sizeof(ids_) / sizeof(ids_[0]));                                          \
    } while (0)

static void put_flag(FILE *f, const struct upppd_opts *o, int on, const char *name, enum opt_id id)
{
    if (!on)
        return;
    fputs(name, f);
    from(f, o, &id, 1);
}

static void put_str(FILE *f, const struct upppd_opts *o, const char *name, const char *value,
                    enum opt_id id)
{
    if (value[0] == 0)
        return;
    fprintf(f, "%s ", name);
    put_word(f, value);
    from(f, o, &id, 1);
}

static void put_int(FILE *f, const struct upppd_opts *o, const char *name, long value, long dflt,
                    enum opt_id id)
{
    if (value == dflt)
        return;
    fprintf(f, "%s %ld", name, value);
    from(f, o, &id, 1);
}

static const char *ip(uint32_t a, char buf[INET_ADDRSTRLEN])
{
    struct in_addr in = {htonl(a)};
    return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

static const char *ifid(uint64_t id, char buf[INET6_ADDRSTRLEN])
{
    if (id == 0)
        return "";
    struct in6_addr a;
    memset(&a, 0, sizeof(a));
    for (int i = 0; i < 8; i++)
        a.s6_addr[15 - i] = (uint8_t)(id >> (8 * i));
    return inet_ntop(AF_INET6, &a, buf, INET6_ADDRSTRLEN);
}

void upppd_opts_dump(const struct upppd_opts *o, FILE *f)
{
    const struct uppp_config *c = &o->cfg;
    struct uppp_config def;
    uppp_config_init(&def);
    char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

    fprintf(f, "# upppd options in effect:\n");

    /* Link */
    if (o->device[0] != 0) {
        put_word(f, o->device);
        FROM(O_DEVICE);
    }
    if (o->speed != 0) {
        fprintf(f, "%lu", o->speed);
        FROM(O_SPEED);
    }
    put_flag(f, o, o->flow == UPPPD_FLOW_CRTSCTS, "crtscts", O_CRTSCTS);
    put_flag(f, o, o->flow == UPPPD_FLOW_NONE, "nocrtscts", O_NOCRTSCTS);
    put_flag(f, o, !o->modem, "local", O_LOCAL);
    put_flag(f, o, o->lock, "lock", O_LOCK);
    put_str(f, o, "pty", o->pty_cmd, O_PTY);
    put_flag(f, o, o->notty, "notty", O_NOTTY);
    put_flag(f, o, o->nodetach, "nodetach", O_NODETACH);
    put_flag(f, o, o->updetach, "updetach", O_UPDETACH);
    put_flag(f, o, o->persist, "persist", O_PERSIST);
    put_int(f, o, "maxfail", o->maxfail, 10, O_MAXFAIL);
    put_int(f, o, "holdoff", o->holdoff, 30, O_HOLDOFF);
    put_str(f, o, "connect", o->connect_cmd, O_CONNECT);
    put_str(f, o, "disconnect", o->disconnect_cmd, O_DISCONNECT);

    /* Identity and authentication */
    if (o->priv.stamp_seq[O_NAME] != 0)
        put_str(f, o, "name", o->name, O_NAME);
    put_str(f, o, "user", o->user, O_USER);
    put_str(f, o, "remotename", o->remotename, O_REMOTENAME);
    if (o->password_set) {
        fprintf(f, "password ??????");
        FROM(O_PASSWORD);
    }
    if (o->auth_required) {
        unsigned bits = o->priv.auth_bits;
        if (bits == 0) {
            fprintf(f, "auth");
            FROM(O_AUTH);
        }
        put_flag(f, o, bits & UPPP_AUTH_PAP, "require-pap", O_REQ_PAP);
        put_flag(f, o, bits & UPPP_AUTH_CHAP_MD5, "require-chap", O_REQ_CHAP);
        put_flag(f, o, bits & UPPP_AUTH_MSCHAP_V1, "require-mschap", O_REQ_MSCHAP);
        put_flag(f, o, bits & UPPP_AUTH_MSCHAP_V2, "require-mschap-v2", O_REQ_MSCHAP_V2);
    } else {
        put_flag(f, o, o->priv.stamp_seq[O_NOAUTH] != 0, "noauth", O_NOAUTH);
    }
    put_flag(f, o, c->refuse_auth & UPPP_AUTH_PAP, "refuse-pap", O_REF_PAP);
    put_flag(f, o, c->refuse_auth & UPPP_AUTH_CHAP_MD5, "refuse-chap", O_REF_CHAP);
    put_flag(f, o, c->refuse_auth & UPPP_AUTH_MSCHAP_V1, "refuse-mschap", O_REF_MSCHAP);
    put_flag(f, o, c->refuse_auth & UPPP_AUTH_MSCHAP_V2, "refuse-mschap-v2", O_REF_MSCHAP_V2);
    put_flag(f, o, c->strip_domain, "chapms-strip-domain", O_STRIP_DOMAIN);
    put_flag(f, o, c->show_password, "show-password", O_SHOW_PASSWORD);

    /* MPPE */
#define MPPE_IDS                                                                                   \
    O_REQ_MPPE, O_REQ_MPPE_40, O_REQ_MPPE_56, O_REQ_MPPE_128, O_NOMPPE, O_NOMPPE_40, O_NOMPPE_56,  \
        O_NOMPPE_128, O_MPPE_OPTIONAL, O_MPPE_WORDS
    static const struct {
        unsigned bit;
        const char *req, *no;
    } strengths[] = {{MPPE_BIT_40, "require-mppe-40", "nomppe-40"},
                     {MPPE_BIT_56, "require-mppe-56", "nomppe-56"},
                     {MPPE_BIT_128, "require-mppe-128", "nomppe-128"}};
    if (c->mppe == UPPP_MPPE_OFF) {
        if (o->priv.mppe_off) {
            fprintf(f, "nomppe");
            FROM(MPPE_IDS);
        } else { /* every strength removed */
            for (size_t i = 0; i < 3; i++) {
                fprintf(f, "%s", strengths[i].no);
                FROM(MPPE_IDS);
            }
        }
    } else {
        if (o->priv.mppe_required) {
            if (c->mppe_bits == MPPE_BITS_ALL) {
                fprintf(f, "require-mppe");
                FROM(MPPE_IDS);
            } else {
                for (size_t i = 0; i < 3; i++)
                    if (c->mppe_bits & strengths[i].bit) {
                        fprintf(f, "%s", strengths[i].req);
                        FROM(MPPE_IDS);
                    }
            }
        } else {
            for (size_t i = 0; i < 3; i++)
                if (!(c->mppe_bits & strengths[i].bit)) {
                    fprintf(f, "%s", strengths[i].no);
                    FROM(MPPE_IDS);
                }
        }
        if (c->mppe == UPPP_MPPE_OPTIONAL) {
            fprintf(f, "mppe-optional");
            FROM(MPPE_IDS);
        }
    }
    if (c->mppe_want_stateful) {
        fprintf(f, "request-mppe-stateful");
        FROM(O_REQ_MPPE_STATEFUL);
    } else if (c->mppe_stateful_ok) {
        fprintf(f, "mppe-stateful");
        FROM(O_MPPE_STATEFUL);
    }
    put_flag(f, o, c->no_ccp, "noccp", O_NOCCP);

    /* IP */
    if (o->priv.ip_local_set || o->priv.ip_remote_set) {
        fprintf(f, "%s:%s", o->priv.ip_local_set ? ip(c->ip_local, a) : "",
                o->priv.ip_remote_set ? ip(c->ip_remote, b) : "");
        FROM(O_ADDRS);
    }
    put_flag(f, o, o->noipdefault, "noipdefault", O_NOIPDEFAULT);
    put_flag(f, o, c->accept_local, "ipcp-accept-local", O_ACCEPT_LOCAL);
    put_flag(f, o, c->accept_remote, "ipcp-accept-remote", O_ACCEPT_REMOTE);
    if (o->priv.ms_dns_count > 0) {
        fprintf(f, "ms-dns %s", ip(c->dns[0], a));
        FROM(O_MS_DNS);
        if (c->dns[1] != c->dns[0]) {
            fprintf(f, "ms-dns %s", ip(c->dns[1], a));
            FROM(O_MS_DNS);
        }
    }
    put_flag(f, o, o->usepeerdns, "usepeerdns", O_USEPEERDNS);
    put_flag(f, o, o->defaultroute, "defaultroute", O_DEFAULTROUTE);
    put_flag(f, o, o->replacedefaultroute, "replacedefaultroute", O_REPLACEDEFAULTROUTE);
    put_flag(f, o, c->no_ip, "noip", O_NOIP);

    /* IPv6 */
    put_flag(f, o, c->ipv6, "+ipv6", O_IPV6_ON);
    if (c->ipv6_local != 0 || c->ipv6_remote != 0) {
        fprintf(f, "ipv6 %s,%s", ifid(c->ipv6_local, a), ifid(c->ipv6_remote, b));
        FROM(O_IPV6_IDS);
    }

    /* LCP */
    put_int(f, o, "mtu", c->mtu, def.mtu, O_MTU);
    put_int(f, o, "mru", c->mru, def.mru, O_MRU);
    if (c->asyncmap != def.asyncmap) {
        fprintf(f, "asyncmap %x", (unsigned)c->asyncmap);
        FROM(O_ASYNCMAP, O_DEFAULT_ASYNCMAP);
    }
    put_flag(f, o, c->no_pcomp, "nopcomp", O_NOPCOMP);
    put_flag(f, o, c->no_accomp, "noaccomp", O_NOACCOMP);
    put_flag(f, o, c->no_magic, "nomagic", O_NOMAGIC);
    put_int(f, o, "lcp-echo-interval", (long)(c->echo_interval_ms / 1000),
            (long)(def.echo_interval_ms / 1000), O_ECHO_INTERVAL);
    put_int(f, o, "lcp-echo-failure", c->echo_failure, def.echo_failure, O_ECHO_FAILURE);
    put_int(f, o, "lcp-max-configure", c->max_configure, def.max_configure, O_MAX_CONFIGURE);
    put_int(f, o, "lcp-max-terminate", c->max_terminate, def.max_terminate, O_MAX_TERMINATE);
    put_int(f, o, "lcp-max-failure", c->max_failure, def.max_failure, O_MAX_FAILURE);
    put_int(f, o, "lcp-restart", (long)(c->restart_ms / 1000), (long)(def.restart_ms / 1000),
            O_LCP_RESTART);
    put_int(f, o, "idle", o->idle, 0, O_IDLE);
    put_int(f, o, "maxconnect", o->maxconnect, 0, O_MAXCONNECT);

    /* Interface and logging */
    put_str(f, o, "ifname", o->ifname, O_IFNAME);
    put_int(f, o, "unit", o->unit, -1, O_UNIT);
    put_str(f, o, "linkname", o->linkname, O_LINKNAME);
    put_str(f, o, "ipparam", o->ipparam, O_IPPARAM);
    for (int i = 0; i < o->debug; i++)
        put_flag(f, o, 1, "debug", O_DEBUG);
    put_int(f, o, "kdebug", o->kdebug, 0, O_KDEBUG);
    put_str(f, o, "logfile", o->logfile, O_LOGFILE);
    if (o->logfile[0] == 0) {
        if (o->logfd < 0)
            put_flag(f, o, 1, "nolog", O_NOLOG);
        else
            put_int(f, o, "logfd", o->logfd, 1, O_LOGFD);
    }
    put_flag(f, o, o->dump, "dump", O_DUMP);
    put_flag(f, o, o->dryrun, "dryrun", O_DRYRUN);

    /* PPTP client */
    put_str(f, o, "pptp", o->pptp_host, O_PPTP);
    put_int(f, o, "pptp-port", o->pptp_port, 1723, O_PPTP_PORT);
    put_int(f, o, "pptp-reorder-timeout", o->pptp_reorder_ms, 300, O_PPTP_REORDER);
    put_str(f, o, "pptp-localbind", o->pptp_localbind, O_PPTP_LOCALBIND);
    put_int(f, o, "pptp-echo-interval", o->pptp_echo_s, 60, O_PPTP_ECHO);
    put_flag(f, o, o->pptp_nohostroute, "pptp-nohostroute", O_PPTP_NOHOSTROUTE);
}
