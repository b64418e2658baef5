/* upppd options: every option group with pppd 2.4.9's semantics, the
 * options-file syntax, pppd's order of files (in a temporary $UPPPD_ETC
 * and $HOME), file/call, exact error messages and exit status 2, the MPPE
 * spellings of 1999 and of the MPPE/MPPC patch, --help and the man page
 * listing every option, and dump reading back to the same configuration. */
#define _GNU_SOURCE /* nftw */
#include "testutil.h"

#include "options.h"
#include "options_int.h"
#include "words.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- helpers ---- */

static char warnings[16384];

static void capture_warning(void *ctx, const char *msg)
{
    (void)ctx;
    strncat(warnings, msg, sizeof(warnings) - strlen(warnings) - 2);
    strcat(warnings, "\n");
}

static struct upppd_opts *new_opts(void)
{
    struct upppd_opts *o = malloc(sizeof(*o));
    assert_non_null(o);
    upppd_opts_init(o);
    o->warn = capture_warning;
    warnings[0] = 0;
    return o;
}

static void del_opts(struct upppd_opts *o)
{
    upppd_opts_free(o);
    free(o);
}

/* Split on spaces (no quoting) and parse as a command line, then finish. */
static int run_line(struct upppd_opts *o, const char *line)
{
    char buf[4096];
    char *argv[256];
    int argc = 0;
    snprintf(buf, sizeof(buf), "%s", line);
    for (char *t = strtok(buf, " "); t != NULL; t = strtok(NULL, " "))
        argv[argc++] = t;
    int rc = upppd_opts_parse_argv(o, argc, argv);
    if (rc == 0)
        rc = upppd_opts_finish(o);
    return rc;
}

static int run_text(struct upppd_opts *o, const char *text)
{
    int rc = upppd_opts_parse_text(o, text, strlen(text), "t.conf");
    if (rc == 0)
        rc = upppd_opts_finish(o);
    return rc;
}

/* Parse a line into fresh options and expect an error with this message. */
static void expect_error(const char *line, const char *msg)
{
    struct upppd_opts *o = new_opts();
    int rc = run_line(o, line);
    assert_int_equal(rc, UPPP_ERR_PARSE);
    assert_int_equal(upppd_opts_exit_status(rc), 2);
    assert_string_equal(o->error, msg);
    del_opts(o);
}

static void expect_text_error(const char *text, const char *msg)
{
    struct upppd_opts *o = new_opts();
    int rc = run_text(o, text);
    assert_int_equal(rc, UPPP_ERR_PARSE);
    assert_string_equal(o->error, msg);
    del_opts(o);
}

/* A temporary tree for $UPPPD_ETC and $HOME. */
static char tmpdir[256];

static void tmp_make(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/upppd-opts-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    char p[512];
    snprintf(p, sizeof(p), "%s/etc", tmpdir);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(p, sizeof(p), "%s/etc/peers", tmpdir);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(p, sizeof(p), "%s/home", tmpdir);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(p, sizeof(p), "%s/etc", tmpdir);
    setenv("UPPPD_ETC", p, 1);
    snprintf(p, sizeof(p), "%s/home", tmpdir);
    setenv("HOME", p, 1);
}

static void tmp_write(const char *rel, const char *text)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/%s", tmpdir, rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static const char *tmp_path(const char *rel)
{
    static char p[512];
    snprintf(p, sizeof(p), "%s/%s", tmpdir, rel);
    return p;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void tmp_remove(void)
{
    nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    unsetenv("UPPPD_ETC");
}

/* ---- defaults ---- */

static void test_defaults(void **state)
{
    (void)state;
    struct upppd_opts *o = new_opts();
    assert_int_equal(run_line(o, ""), 0);
    struct uppp_config def;
    uppp_config_init(&def);
    assert_int_equal(o->cfg.mru, def.mru);
    assert_int_equal(o->cfg.mppe, UPPP_MPPE_ALLOWED);
    assert_int_equal(o->cfg.mppe_bits, 7);
    assert_int_equal(o->cfg.require_auth, 0);
    assert_int_equal(o->cfg.refuse_auth, 0);
    assert_int_equal(o->maxfail, 10);
    assert_int_equal(o->holdoff, 30);
    assert_int_equal(o->logfd, 1);
    assert_int_equal(o->unit, -1);
    assert_int_equal(o->modem, 1);
    assert_int_equal(o->flow, UPPPD_FLOW_UNCHANGED);
    assert_int_equal(o->default_device, 1);
    assert_int_equal(o->auth_required, 0);
    /* Our name defaults to the host name. */
    char host[256];
    assert_int_equal(gethostname(host, sizeof(host)), 0);
    assert_string_equal(o->name, host);
    assert_string_equal(o->cfg.our_name, host);
    del_opts(o);
}

/* ---- Link ---- */

static void test_link(void **state)
{
    (void)state;
    struct upppd_opts *o = new_opts();
    assert_int_equal(run_line(o, "null 115200 crtscts local lock persist nodetach maxfail 0 "
                                 "holdoff 5"),
                     0);
    assert_string_equal(o->device, "/dev/null"); /* /dev/ prepended */
    assert_int_equal(o->default_device, 0);
    assert_int_equal(o->speed, 115200);
    assert_int_equal(o->flow, UPPPD_FLOW_CRTSCTS);
    assert_int_equal(o->modem, 0);
    assert_int_equal(o->lock, 1);
    assert_int_equal(o->persist, 1);
    assert_int_equal(o->nodetach, 1);
    assert_int_equal(o->maxfail, 0);
    assert_int_equal(o->holdoff, 5);
    del_opts(o);

    o = new_opts();
    assert_int_equal(run_line(o, "/dev/null crtscts nocrtscts local modem lock nolock persist "
                                 "nopersist nodetach updetach"),
                     0);
    assert_string_equal(o->device, "/dev/null");
    assert_int_equal(o->flow, UPPPD_FLOW_NONE);
    assert_int_equal(o->modem, 1);
    assert_int_equal(o->lock, 0);
    assert_int_equal(o->persist, 0);
    assert_int_equal(o->updetach, 1); /* updetach clears nodetach */
    assert_int_equal(o->nodetach, 0);
    del_opts(o);

    o = new_opts();
    assert_int_equal(run_line(o, "updetach -detach -crtscts"), 0);
    assert_int_equal(o->nodetach, 1);
    assert_int_equal(o->updetach, 0);
    assert_int_equal(o->flow, UPPPD_FLOW_NONE);
    del_opts(o);

    /* Commands with spaces, as the shell passes them. */
    o = new_opts();
    char *argv[] = {"pty",        "upppd notty debug", "connect", "chat -v -f /etc/chat",
                    "disconnect", "/bin/true"};
    assert_int_equal(upppd_opts_parse_argv(o, 6, argv), 0);
    assert_int_equal(upppd_opts_finish(o), 0);
    assert_string_equal(o->pty_cmd, "upppd notty debug");
    assert_string_equal(o->connect_cmd, "chat -v -f /etc/chat");
    assert_string_equal(o->disconnect_cmd, "/bin/true");
    assert_int_equal(o->default_device, 0);
    del_opts(o);

    o = new_opts();
    assert_int_equal(run_line(o, "notty"), 0);
    assert_int_equal(o->notty, 1);
    assert_int_equal(o->default_device, 0);
    del_opts(o);

    /* tty.c's checks, with pppd's words. */
    expect_error("notty pty x", "pty option is incompatible with notty option");
    expect_error("null pty x", "pty option precludes specifying device name");
    expect_error("notty /dev/null", "notty option precludes specifying device name");
    /* A word that is not a character device, a speed or addresses. */
    expect_error("/dev/no-such-tty", "unrecognized option '/dev/no-such-tty'");
    expect_error("0", "unrecognized option '0'"); /* zero is not a speed */
    expect_error("maxfail -1", "maxfail value must be >= 0");
    expect_error("holdoff x", "invalid numeric parameter 'x' for holdoff option");
    expect_error("holdoff 5x", "invalid numeric parameter '5x' for holdoff option");
}

/* ---- PPTP client: each option maps a pptp-linux flag ---- */

static void test_pptp(void **state)
{
    (void)state;
    struct upppd_opts *o = new_opts();
    assert_int_equal(run_line(o, "pptp vpn.example.com"), 0);
    assert_string_equal(o->pptp_host, "vpn.example.com");
    /* pptp-linux's defaults: port 1723, --timeout 0.3 s, Echo every 60 s. */
    assert_int_equal(o->pptp_port, 1723);
    assert_int_equal(o->pptp_reorder_ms, 300);
    assert_int_equal(o->pptp_echo_s, 60);
    assert_string_equal(o->pptp_localbind, "");
    assert_int_equal(o->pptp_nohostroute, 0);
    assert_int_equal(o->default_device, 0); /* no tty needed */
    del_opts(o);

    o = new_opts();
    assert_int_equal(run_line(o, "pptp 192.0.2.1 pptp-port 10723 pptp-reorder-timeout 0 "
                                 "pptp-localbind 192.0.2.7 pptp-echo-interval 0 pptp-nohostroute "
                                 "defaultroute"),
                     0);
    assert_string_equal(o->pptp_host, "192.0.2.1");
    assert_int_equal(o->pptp_port, 10723);
    assert_int_equal(o->pptp_reorder_ms, 0);
    assert_string_equal(o->pptp_localbind, "192.0.2.7");
    assert_int_equal(o->pptp_echo_s, 0);
    assert_int_equal(o->pptp_nohostroute, 1);
    del_opts(o);

    /* From a file, as "call vpn" would read it. */
    o = new_opts();
    assert_int_equal(run_text(o, "pptp \"vpn.corp\"\npptp-reorder-timeout 1000\n"), 0);
    assert_string_equal(o->pptp_host, "vpn.corp");
    assert_int_equal(o->pptp_reorder_ms, 1000);
    del_opts(o);

    expect_error("pptp", "too few parameters for option pptp");
    expect_error("pptp x pty y", "pptp option is incompatible with the pty option");
    expect_error("pptp x notty", "pptp option is incompatible with the notty option");
    expect_error("pptp x /dev/null", "pptp option is incompatible with the device name option");
    expect_error("pptp x pptp-port 0", "pptp-port value must be between 1 and 65535");
    expect_error("pptp x pptp-port 65536", "pptp-port value must be between 1 and 65535");
    expect_error("pptp x pptp-reorder-timeout 10001",
                 "pptp-reorder-timeout value must be between 0 and 10000");
    expect_error("pptp x pptp-reorder-timeout 0.3",
                 "invalid numeric parameter '0.3' for pptp-reorder-timeout option");
    expect_error("pptp x pptp-echo-interval -1",
                 "pptp-echo-interval value must be between 0 and 3600");
    expect_error("pptp x pptp-localbind host.example",
                 "invalid IPv4 address 'host.example' for pptp-localbind");
    struct upppd_opts *e = new_opts();
    char *argv[] = {"pptp", ""};
    assert_int_equal(upppd_opts_parse_argv(e, 2, argv), UPPP_ERR_PARSE);
    assert_string_equal(e->error, "the pptp option needs a host");
    del_opts(e);
}

/* ---- Identity and authentication ---- */

struct auth_row {
    const char *line;
    unsigned require, refuse;
};

static void test_auth(void **state)
{
    (void)state;
    static const struct auth_row rows[] = {
        {"", 0, 0},
        {"auth", UPPP_AUTH_ALL, 0},
        {"auth noauth", 0, 0},
        {"require-pap", UPPP_AUTH_PAP, 0},
        {"+pap", UPPP_AUTH_PAP, 0},
        {"require-pap noauth", 0, 0}, /* the last of auth/noauth/require-* wins */
        {"require-pap noauth auth", UPPP_AUTH_PAP, 0},
        {"noauth require-mschap-v2", UPPP_AUTH_MSCHAP_V2, 0},
        {"auth require-chap", UPPP_AUTH_CHAP_MD5, 0},
        {"require-chap require-mschap +mschap-v2",
         UPPP_AUTH_CHAP_MD5 | UPPP_AUTH_MSCHAP_V1 | UPPP_AUTH_MSCHAP_V2, 0},
        {"+chap +mschap", UPPP_AUTH_CHAP_MD5 | UPPP_AUTH_MSCHAP_V1, 0},
        /* 1999 spellings */
        {"+chapms", UPPP_AUTH_MSCHAP_V1, 0},
        {"+chapms-v2", UPPP_AUTH_MSCHAP_V2, 0},
        {"-chapms -chapms-v2", 0, UPPP_AUTH_MSCHAP_V1 | UPPP_AUTH_MSCHAP_V2},
        {"refuse-pap refuse-chap", 0, UPPP_AUTH_PAP | UPPP_AUTH_CHAP_MD5},
        {"-pap -chap -mschap -mschap-v2 refuse-eap", 0, UPPP_AUTH_ALL},
        {"refuse-mschap refuse-mschap-v2 require-mschap-v2", UPPP_AUTH_MSCHAP_V2,
         UPPP_AUTH_MSCHAP_V1 | UPPP_AUTH_MSCHAP_V2},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct upppd_opts *o = new_opts();
        assert_int_equal(run_line(o, rows[i].line), 0);
        if (o->cfg.require_auth != rows[i].require || o->cfg.refuse_auth != rows[i].refuse)
            fail_msg("'%s': require %#x refuse %#x", rows[i].line, o->cfg.require_auth,
                     o->cfg.refuse_auth);
        assert_int_equal(o->auth_required, rows[i].require != 0);
        del_opts(o);
    }

    /* A security option we cannot honour is an error. */
    expect_error("require-eap", "require-eap: upppd does not support EAP (use require-mschap-v2)");

    struct upppd_opts *o = new_opts();
    assert_int_equal(run_line(o, "name srv remotename corp chapms-strip-domain show-password "
                                 "password s3cret"),
                     0);
    assert_string_equal(o->name, "srv");
    assert_string_equal(o->cfg.our_name, "srv");
    assert_string_equal(o->remotename, "corp");
    assert_string_equal(o->cfg.remote_name, "corp");
    assert_int_equal(o->cfg.strip_domain, 1);
    assert_int_equal(o->cfg.show_password, 1);
    assert_string_equal(o->password, "s3cret");
    assert_int_equal(o->password_set, 1);
    upppd_opts_free(o); /* wipes the password */
    assert_int_equal(o->password[0], 0);
    assert_int_equal(o->password_set, 0);
    free(o);

    /* user wins over name for the name we send. */
    o = new_opts();
    assert_int_equal(run_line(o, "name srv user alice show-password hide-password"), 0);
    assert_string_equal(o->name, "srv");
    assert_string_equal(o->user, "alice");
    assert_string_equal(o->cfg.our_name, "alice");
    assert_int_equal(o->cfg.show_password, 0);
    del_opts(o);

    char longname[300];
    memset(longname, 'n', 299);
    longname[299] = 0;
    char line[400];
    snprintf(line, sizeof(line), "name %s", longname);
    expect_error(line, "name value is too long (at most 255 bytes)");
}

/* ---- MPPE ---- */

struct mppe_row {
    const char *line;
    enum uppp_mppe_policy policy;
    unsigned bits;
    int stateful_ok, want_stateful;
};

static void test_mppe(void **state)
{
    (void)state;
    static const struct mppe_row rows[] = {
        {"", UPPP_MPPE_ALLOWED, 7, 0, 0},
        /* pppd 2.4.9: require-mppe is {40, 128}; ours adds 56 */
        {"require-mppe", UPPP_MPPE_REQUIRED, 7, 0, 0},
        {"+mppe", UPPP_MPPE_REQUIRED, 7, 0, 0},
        /* require-mppe-N alone: that strength only, and MPPE required */
        {"require-mppe-128", UPPP_MPPE_REQUIRED, 4, 0, 0},
        {"require-mppe-40", UPPP_MPPE_REQUIRED, 1, 0, 0},
        {"require-mppe-56", UPPP_MPPE_REQUIRED, 2, 0, 0},
        {"require-mppe-40 require-mppe-128", UPPP_MPPE_REQUIRED, 5, 0, 0},
        {"+mppe-40 +mppe-128", UPPP_MPPE_REQUIRED, 5, 0, 0},
        /* nomppe-N removes one */
        {"require-mppe nomppe-40", UPPP_MPPE_REQUIRED, 6, 0, 0},
        {"require-mppe nomppe-56", UPPP_MPPE_REQUIRED, 5, 0, 0},
        {"require-mppe -mppe-40 -mppe-128", UPPP_MPPE_REQUIRED, 2, 0, 0},
        /* as in pppd, require-mppe sets the whole set again */
        {"nomppe-40 require-mppe", UPPP_MPPE_REQUIRED, 7, 0, 0},
        {"nomppe", UPPP_MPPE_OFF, 7, 0, 0},
        {"-mppe", UPPP_MPPE_OFF, 7, 0, 0},
        {"require-mppe nomppe", UPPP_MPPE_OFF, 7, 0, 0},
        {"nomppe require-mppe-128", UPPP_MPPE_REQUIRED, 4, 0, 0},
        /* without require, nomppe-N narrows what we accept */
        {"nomppe-40", UPPP_MPPE_ALLOWED, 6, 0, 0},
        {"nomppe-40 nomppe-56 nomppe-128", UPPP_MPPE_OFF, 0, 0, 0},
        /* ours: mppe-optional */
        {"mppe-optional", UPPP_MPPE_OPTIONAL, 7, 0, 0},
        {"mppe-optional nomppe-56", UPPP_MPPE_OPTIONAL, 5, 0, 0},
        {"require-mppe-128 mppe-optional", UPPP_MPPE_OPTIONAL, 4, 0, 0},
        {"mppe-optional nomppe", UPPP_MPPE_OFF, 7, 0, 0},
        /* 1999 spellings */
        {"mppe-128", UPPP_MPPE_REQUIRED, 4, 0, 0},
        {"mppe-40", UPPP_MPPE_REQUIRED, 1, 0, 0},
        {"mppe-40 mppe-128 mppe-stateless", UPPP_MPPE_REQUIRED, 5, 0, 0},
        {"request-mppe-stateful mppe-stateless", UPPP_MPPE_ALLOWED, 7, 0, 0},
        /* the MPPE/MPPC patch's word form */
        {"mppe required,no40,no56,stateless", UPPP_MPPE_REQUIRED, 4, 0, 0},
        {"mppe-stateful mppe required,no40,no56,stateless", UPPP_MPPE_REQUIRED, 4, 0, 0},
        {"mppe required", UPPP_MPPE_REQUIRED, 7, 0, 0},
        {"mppe no40", UPPP_MPPE_OPTIONAL, 6, 0, 0},
        {"mppe required,no128 require-mppe-128", UPPP_MPPE_REQUIRED, 7, 0, 0},
        /* stateful mode */
        {"mppe-stateful", UPPP_MPPE_ALLOWED, 7, 1, 0},
        {"require-mppe-128 mppe-stateful", UPPP_MPPE_REQUIRED, 4, 1, 0},
        {"request-mppe-stateful", UPPP_MPPE_ALLOWED, 7, 1, 1}, /* implies mppe-stateful */
        {"request-mppe-stateful nomppe-stateful", UPPP_MPPE_ALLOWED, 7, 0, 0},
        {"mppe-stateless mppe-stateful", UPPP_MPPE_ALLOWED, 7, 1, 0},
        {"mppe-stateful nomppe-stateful", UPPP_MPPE_ALLOWED, 7, 0, 0},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct upppd_opts *o = new_opts();
        int rc = run_line(o, rows[i].line);
        if (rc != 0)
            fail_msg("'%s': %s", rows[i].line, o->error);
        const struct uppp_config *c = &o->cfg;
        if (c->mppe != rows[i].policy ||
            (c->mppe != UPPP_MPPE_OFF && c->mppe_bits != rows[i].bits) ||
            c->mppe_stateful_ok != rows[i].stateful_ok ||
            c->mppe_want_stateful != rows[i].want_stateful)
            fail_msg("'%s': policy %d bits %u stateful_ok %d want_stateful %d", rows[i].line,
                     c->mppe, c->mppe_bits, c->mppe_stateful_ok, c->mppe_want_stateful);
        del_opts(o);
    }

    /* Errors rather than a link in the clear. */
    expect_error("require-mppe-128 nomppe-128",
                 "MPPE is required but nomppe-40, nomppe-56 and nomppe-128 leave no key length "
                 "to use");
    expect_error("mppe required,no40,no56,no128",
                 "MPPE is required but nomppe-40, nomppe-56 and nomppe-128 leave no key length "
                 "to use");
    expect_error("mppe-optional nomppe-40 nomppe-56 nomppe-128",
                 "mppe-optional: nomppe-40, nomppe-56 and nomppe-128 leave no key length to use");
    expect_error("require-mppe noccp",
                 "noccp conflicts with required MPPE: MPPE is negotiated by CCP");
    expect_error("-ccp mppe-128", "noccp conflicts with required MPPE: MPPE is negotiated by CCP");
    expect_error("mppe-optional noccp",
                 "noccp conflicts with mppe-optional: MPPE is negotiated by CCP");
    expect_error("mppe required,foo", "unknown item 'foo' in mppe option 'required,foo' "
                                      "(expected required, stateless, no40, no56, no128)");
    expect_error("mppe", "too few parameters for option mppe");

    struct upppd_opts *o = new_opts();
    assert_int_equal(run_line(o, "noccp nobsdcomp -bsdcomp nodeflate -deflate nopredictor1 "
                                 "-predictor1 novjccomp -vjccomp"),
                     0);
    assert_int_equal(o->cfg.no_ccp, 1);
    del_opts(o);

    /* The two spellings give the same configuration. */
    struct upppd_opts *a = new_opts(), *b = new_opts();
    assert_int_equal(run_line(a, "name alice remotename corp require-mschap-v2 require-mppe-128"),
                     0);
    assert_int_equal(run_line(b, "name alice remotename corp +chapms-v2 mppe-128 mppe-stateless"),
                     0);
    assert_memory_equal(&a->cfg, &b->cfg, sizeof(a->cfg));
    del_opts(a);
    del_opts(b);
}

/* ---- IP and IPv6 ---- */

static void test_ip(void **state)
{
    (void)state;
    struct upppd_opts *o = new_opts();
    assert_int_equal(run_line(o, "10.0.0.1:10.0.0.2 noipdefault ipcp-accept-local "
                                 "ipcp-accept-remote usepeerdns defaultroute replacedefaultroute"),
                     0);
    assert_int_equal(o->cfg.ip_local, 0x0a000001);
    assert_int_equal(o->cfg.ip_remote, 0x0a000002);
    assert_int_equal(o->noipdefault, 1);
    assert_int_equal(o->cfg.accept_local, 1);
    assert_int_equal(o->cfg.accept_remote, 1);
    assert_int_equal(o->usepeerdns, 1);
    assert_int_equal(o->cfg.use_peer_dns, 1);
    assert_int_equal(o->defaultroute, 1);
    assert_int_equal(o->replacedefaultroute, 1);
    del_opts(o);

    o = new_opts();
    assert_int_equal(run_line(o, ":192.168.7.2 defaultroute nodefaultroute replacedefaultroute "
                                 "noreplacedefaultroute noip"),
                     0);
    assert_int_equal(o->cfg.ip_local, 0);
    assert_int_equal(o->cfg.ip_remote, 0xc0a80702);
    assert_int_equal(o->defaultroute, 0);
    assert_int_equal(o->replacedefaultroute, 0);
    assert_int_equal(o->cfg.no_ip, 1);
    del_opts(o);

    o = new_opts();
    assert_int_equal(run_line(o, "192.168.7.1: -ip"), 0);
    assert_int_equal(o->cfg.ip_local, 0xc0a80701);
    assert_int_equal(o->cfg.ip_remote, 0);
    assert_int_equal(o->cfg.no_ip, 1);
    del_opts(o);

    expect_error("127.0.0.1:", "bad local IP address 127.0.0.1");
    expect_error(":224.0.0.1", "bad remote IP address 224.0.0.1");
    expect_error("host:10.0.0.2", "invalid local IP address 'host' (give a dotted quad; upppd "
                                  "does not look up host names)");
    expect_error("10.0.0.1:10.0.0.1", "local and remote IP addresses are both 10.0.0.1");

    /* ms-dns: one value is both servers; later values shift in. */
    o = new_opts();
    assert_int_equal(run_line(o, "ms-dns 10.1.1.1"), 0);
    assert_int_equal(o->cfg.dns[0], 0x0a010101);
    assert_int_equal(o->cfg.dns[1], 0x0a010101);
    del_opts(o);
    o = new_opts();
    assert_int_equal(run_line(o, "ms-dns 10.1.1.1 ms-dns 10.1.1.2"), 0);
    assert_int_equal(o->cfg.dns[0], 0x0a010101);
    assert_int_equal(o->cfg.dns[1], 0x0a010102);
    del_opts(o);
    o = new_opts();
    assert_int_equal(run_line(o, "ms-dns 10.1.1.1 ms-dns 10.1.1.2 ms-dns 10.1.1.3"), 0);
    assert_int_equal(o->cfg.dns[0], 0x0a010102);
    assert_int_equal(o->cfg.dns[1], 0x0a010103);
    del_opts(o);
    expect_error("ms-dns dns.example", "invalid address parameter 'dns.example' for ms-dns option");

    /* IPv6 */
    o = new_opts();
    assert_int_equal(run_line(o, "+ipv6 ipv6 ::dead:beef,::2"), 0);
    assert_int_equal(o->cfg.ipv6, 1);
    assert_true(o->cfg.ipv6_local == 0xdeadbeefULL);
    assert_true(o->cfg.ipv6_remote == 2);
    del_opts(o);
    o = new_opts();
    assert_int_equal(run_line(o, "+ipv6 ipv6 ,::1:2:3:4 noipv6"), 0);
    assert_int_equal(o->cfg.ipv6, 0);
    assert_true(o->cfg.ipv6_local == 0);
    assert_true(o->cfg.ipv6_remote == 0x0001000200030004ULL);
    del_opts(o);
    o = new_opts();
    assert_int_equal(run_line(o, "+ipv6 -ipv6"), 0);
    assert_int_equal(o->cfg.ipv6, 0);
    del_opts(o);
    expect_error("ipv6 fe80::1,", "Illegal interface identifier (local): fe80::1");
    expect_error("ipv6 ::1,::", "Illegal interface identifier (remote): ::");
    expect_error("ipv6 x", "Illegal interface identifier (local): x");
}

/* ---- LCP ---- */

static void test_lcp(void **state)
{
    (void)state;
    struct upppd_opts *o = new_opts();
    assert_int_equal(run_line(o, "mtu 1400 mru 0x5dc asyncmap a0000 asyncmap 200 nopcomp "
                                 "noaccomp nomagic novj -vj lcp-echo-interval 5 "
                                 "lcp-echo-failure 4 lcp-max-configure 12 lcp-max-terminate 3 "
                                 "lcp-max-failure 6 lcp-restart 2 idle 600 maxconnect 3600"),
                     0);
    const struct uppp_config *c = &o->cfg;
    assert_int_equal(c->mtu, 1400);
    assert_int_equal(c->mru, 1500);         /* 0x5dc: pppd reads numbers with strtoul base 0 */
    assert_int_equal(c->asyncmap, 0xa0200); /* several asyncmaps are ORed */
    assert_int_equal(c->no_pcomp, 1);
    assert_int_equal(c->no_accomp, 1);
    assert_int_equal(c->no_magic, 1);
    assert_int_equal(c->echo_interval_ms, 5000);
    assert_int_equal(c->echo_failure, 4);
    assert_int_equal(c->max_configure, 12);
    assert_int_equal(c->max_terminate, 3);
    assert_int_equal(c->max_failure, 6);
    assert_int_equal(c->restart_ms, 2000);
    assert_int_equal(o->idle, 600);
    assert_int_equal(o->maxconnect, 3600);
    del_opts(o);

    o = new_opts();
    assert_int_equal(run_line(o, "-pc -ac default-asyncmap mru 128 mtu 16384"), 0);
    assert_int_equal(o->cfg.no_pcomp, 1);
    assert_int_equal(o->cfg.no_accomp, 1);
    assert_int_equal(o->cfg.asyncmap, 0xffffffffu);
    assert_int_equal(o->cfg.mru, 128);
    assert_int_equal(o->cfg.mtu, 16384);
    del_opts(o);

    expect_error("mru 100", "mru value must be between 128 and 16384");
    expect_error("mtu 16385", "mtu value must be between 128 and 16384");
    expect_error("mru abc", "invalid numeric parameter 'abc' for mru option");
    expect_error("asyncmap zz", "invalid numeric parameter 'zz' for asyncmap option");
    expect_error("asyncmap 100000000", "invalid numeric parameter '100000000' for asyncmap "
                                       "option");
    expect_error("lcp-max-configure 0", "lcp-max-configure value must be between 1 and 1000");
    expect_error("lcp-restart 0", "lcp-restart value must be between 1 and 3600");
    expect_error("lcp-echo-interval 99999999",
                 "lcp-echo-interval value must be between 0 and 2147483");
    expect_error("idle 99999999999", "idle value must be between 0 and 2147483647");
}

/* ---- Interface and logging ---- */

static void test_iflog(void **state)
{
    (void)state;
    struct upppd_opts *o = new_opts();
    assert_int_equal(run_line(o, "ifname vpn0 unit 7 linkname corp ipparam x debug -d kdebug 3 "
                                 "logfd 3 dump dryrun"),
                     0);
    assert_string_equal(o->ifname, "vpn0");
    assert_int_equal(o->unit, 7);
    assert_string_equal(o->linkname, "corp");
    assert_string_equal(o->ipparam, "x");
    assert_int_equal(o->debug, 2);
    assert_int_equal(o->cfg.debug, 2);
    assert_int_equal(o->kdebug, 3);
    assert_int_equal(o->logfd, 3);
    assert_int_equal(o->dump, 1);
    assert_int_equal(o->dryrun, 1);
    del_opts(o);

    o = new_opts();
    assert_int_equal(run_line(o, "logfd 3 logfile /tmp/x.log"), 0);
    assert_string_equal(o->logfile, "/tmp/x.log");
    assert_int_equal(o->logfd, -1);
    del_opts(o);
    o = new_opts();
    assert_int_equal(run_line(o, "logfile /tmp/x.log nolog"), 0);
    assert_string_equal(o->logfile, "");
    assert_int_equal(o->logfd, -1);
    del_opts(o);
    o = new_opts();
    assert_int_equal(run_line(o, "nologfd"), 0);
    assert_int_equal(o->logfd, -1);
    del_opts(o);

    expect_error("ifname abcdefghijklmnop", "ifname value is too long (at most 15 bytes)");
    expect_error("ifname a/b", "invalid interface name 'a/b' for ifname option");
    expect_error("ifname ppp:1", "invalid interface name 'ppp:1' for ifname option");
    expect_error("ifname ..", "invalid interface name '..' for ifname option");
    expect_error("unit -2", "unit value must be between 0 and 99999999");
    expect_error("linkname a/b", "linkname value may not contain /");
    expect_error("kdebug", "too few parameters for option kdebug");
}

/* ---- errors and exit status ---- */

static void test_errors(void **state)
{
    (void)state;
    expect_error("xyz", "unrecognized option 'xyz'");
    expect_error("mru 1400 bogus-option", "unrecognized option 'bogus-option'");
    expect_error("mru", "too few parameters for option mru");
    expect_text_error("mru 1400\n\n  bogus\n", "In file t.conf:3: unrecognized option 'bogus'");
    expect_text_error("# comment\nlcp-echo-interval 5 mru", "In file t.conf:2: too few "
                                                            "parameters for option 'mru'");
    expect_text_error("noauth\n\n\nmru 50\n",
                      "In file t.conf:4: mru value must be between 128 and 16384");
    expect_text_error("auth\nrequire-eap # no\n",
                      "In file t.conf:2: require-eap: upppd does not support EAP (use "
                      "require-mschap-v2)");

    assert_int_equal(upppd_opts_exit_status(0), 0);
    assert_int_equal(upppd_opts_exit_status(UPPPD_OPTS_HELP), 0);
    assert_int_equal(upppd_opts_exit_status(UPPPD_OPTS_VERSION), 0);
    assert_int_equal(upppd_opts_exit_status(UPPP_ERR_PARSE), 2);
    assert_int_equal(upppd_opts_exit_status(UPPP_ERR_NOMEM), 1);

    struct upppd_opts *o = new_opts();
    char *h[] = {"mru", "1400", "--help", "bogus"};
    assert_int_equal(upppd_opts_parse_argv(o, 4, h), UPPPD_OPTS_HELP);
    del_opts(o);
    o = new_opts();
    char *h2[] = {"-h"};
    assert_int_equal(upppd_opts_parse_argv(o, 1, h2), UPPPD_OPTS_HELP);
    del_opts(o);
    o = new_opts();
    char *v[] = {"--version"};
    assert_int_equal(upppd_opts_parse_argv(o, 1, v), UPPPD_OPTS_VERSION);
    del_opts(o);
}

/* ---- options-file syntax ---- */

static void test_syntax(void **state)
{
    (void)state;
    struct upppd_opts *o = new_opts();
    const char *text = "# a comment line\n"
                       "name \"Alice Smith\" remotename 'corp vpn'   # trailing comment\n"
                       "ipparam a\\sb\\tc\\x41\\101\\\\z\n"
                       "connect \"chat -f \\\"x y\\\"\" disconnect mid\"dle \"word\n"
                       "linkname li\\\n"
                       "nk\n"
                       "user \"\"\n"
                       "pty 'cmd # not a comment'\n"
                       "mtu 1400#comment touching the word\n"
                       "\t lcp-echo-interval\n\n  7\n";
    assert_int_equal(run_text(o, text), 0);
    assert_string_equal(o->name, "Alice Smith");
    assert_string_equal(o->remotename, "corp vpn");
    assert_string_equal(o->ipparam, "a b\tcAA\\z");
    assert_string_equal(o->connect_cmd, "chat -f \"x y\"");
    assert_string_equal(o->disconnect_cmd, "middle word");
    assert_string_equal(o->linkname, "link"); /* backslash-newline continues the word */
    assert_string_equal(o->user, "");
    assert_string_equal(o->pty_cmd, "cmd # not a comment");
    assert_int_equal(o->cfg.mtu, 1400);
    assert_int_equal(o->cfg.echo_interval_ms, 7000); /* the argument may be on a later line */
    assert_string_equal(warnings, "");
    del_opts(o);

    /* Escapes: \n \r \a \b \f, octal of one digit, \x with one digit, any
     * other character stands for itself. */
    o = new_opts();
    assert_int_equal(run_text(o, "ipparam \\n\\r\\a\\b\\f\\7\\x9\\q\\\"\n"), 0);
    assert_string_equal(o->ipparam, "\n\r\a\b\f\a\tq\"");
    del_opts(o);

    /* A word longer than 1023 bytes is cut, with a warning. */
    o = new_opts();
    char big[3000];
    strcpy(big, "ipparam ");
    memset(big + 8, 'x', 2000);
    strcpy(big + 2008, "\n");
    assert_int_equal(run_text(o, big), 0);
    assert_int_equal(strlen(o->ipparam), UPPPD_WORD_MAX - 1);
    assert_non_null(strstr(warnings, "In file t.conf:1: warning: word too long, cut to 1023 "
                                     "bytes (xxxxxxxxxxxxxxxxxxxx...)"));
    del_opts(o);

    /* A quote left open runs to the end of the file, with a warning. */
    o = new_opts();
    assert_int_equal(run_text(o, "\nipparam \"abc def\nghi"), 0);
    assert_string_equal(o->ipparam, "abc def\nghi");
    assert_non_null(strstr(warnings, "In file t.conf:2: warning: quoted word runs to end of "
                                     "file (abc def\nghi...)"));
    del_opts(o);

    /* Empty text, and text that is only comments and space. */
    o = new_opts();
    assert_int_equal(run_text(o, ""), 0);
    assert_int_equal(run_text(o, "  # nothing\n\t\n#\n"), 0);
    del_opts(o);
}

/* ---- pppd's order of files, file and call ---- */

static int load(struct upppd_opts *o, const char *line, const char *stdin_tty)
{
    char buf[4096];
    char *argv[256];
    int argc = 0;
    snprintf(buf, sizeof(buf), "%s", line);
    for (char *t = strtok(buf, " "); t != NULL; t = strtok(NULL, " "))
        argv[argc++] = t;
    return upppd_opts_load_all(o, argc, argv, stdin_tty);
}

static void test_order(void **state)
{
    (void)state;
    tmp_make();
    tmp_write("etc/options", "mru 1000 lcp-echo-interval 1 ms-dns 10.9.9.1\n");
    tmp_write("home/.ppprc", "mru 1100 lcp-echo-failure 2\n");
    tmp_write("etc/options.null", "mru 1200 lcp-echo-failure 7 lcp-max-configure 9\n");

    /* options < ~/.ppprc < options.<tty> < command line */
    struct upppd_opts *o = new_opts();
    assert_string_equal(o->etc, tmp_path("etc"));
    assert_int_equal(load(o, "/dev/null mru 1300", NULL), 0);
    assert_int_equal(o->cfg.mru, 1300);
    assert_int_equal(o->cfg.echo_interval_ms, 1000);
    assert_int_equal(o->cfg.echo_failure, 7);
    assert_int_equal(o->cfg.max_configure, 9);
    assert_int_equal(o->cfg.dns[0], 0x0a090901);
    del_opts(o);

    o = new_opts();
    assert_int_equal(load(o, "null", NULL), 0);
    assert_int_equal(o->cfg.mru, 1200);
    del_opts(o);

    /* The device may come from ~/.ppprc; its options file is still read. */
    tmp_write("home/.ppprc", "null\nmru 1100\n");
    o = new_opts();
    assert_int_equal(load(o, "", NULL), 0);
    assert_string_equal(o->device, "/dev/null");
    assert_int_equal(o->cfg.mru, 1200);
    del_opts(o);
    tmp_write("home/.ppprc", "mru 1100\n");

    /* No device: the terminal on stdin names the file (slashes become dots). */
    tmp_write("etc/options.pts.7", "lcp-max-configure 4\n");
    o = new_opts();
    assert_int_equal(load(o, "", "/dev/pts/7"), 0);
    assert_int_equal(o->cfg.max_configure, 4);
    assert_int_equal(o->default_device, 1);
    del_opts(o);
    o = new_opts();
    assert_int_equal(load(o, "", NULL), UPPP_ERR_PARSE);
    assert_string_equal(o->error, "no device specified and stdin is not a tty");
    del_opts(o);

    /* pty and notty: no per-device file. */
    o = new_opts();
    assert_int_equal(load(o, "notty", "/dev/pts/7"), 0);
    assert_int_equal(o->cfg.max_configure, 10);
    assert_int_equal(o->cfg.mru, 1100);
    del_opts(o);

    /* The per-device file may not change the device. */
    tmp_write("etc/options.null", "zero\n");
    o = new_opts();
    assert_int_equal(load(o, "null", NULL), UPPP_ERR_PARSE);
    char msg[2048];
    snprintf(msg, sizeof(msg), "In file %s:1: the device name may not be changed in %s",
             tmp_path("etc/options.null"), tmp_path("etc/options.null"));
    assert_string_equal(o->error, msg);
    del_opts(o);
    /* ... nor through a file it includes. */
    tmp_write("etc/options.null", "file ../inc\n");
    tmp_write("inc", "notty\n");
    char cwd[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(tmp_path("etc")), 0);
    o = new_opts();
    assert_int_equal(load(o, "null", NULL), UPPP_ERR_PARSE);
    snprintf(msg, sizeof(msg), "In file ../inc:1: the notty option may not be changed in ../inc");
    assert_string_equal(o->error, msg);
    del_opts(o);
    assert_int_equal(chdir(cwd), 0);
    tmp_write("etc/options.null", "\n\npty x\n");
    o = new_opts();
    assert_int_equal(load(o, "null", NULL), UPPP_ERR_PARSE);
    snprintf(msg, sizeof(msg), "In file %s:3: the pty option may not be changed in %s",
             tmp_path("etc/options.null"), tmp_path("etc/options.null"));
    assert_string_equal(o->error, msg);
    del_opts(o);

    /* An error in a standard file stops everything, with its place. */
    tmp_write("etc/options", "\nnosuchoption\n");
    o = new_opts();
    assert_int_equal(load(o, "notty", NULL), UPPP_ERR_PARSE);
    snprintf(msg, sizeof(msg), "In file %s:2: unrecognized option 'nosuchoption'",
             tmp_path("etc/options"));
    assert_string_equal(o->error, msg);
    assert_int_equal(upppd_opts_exit_status(UPPP_ERR_PARSE), 2);
    del_opts(o);

    /* Missing standard files are fine. */
    tmp_remove();
    tmp_make();
    o = new_opts();
    assert_int_equal(load(o, "notty mru 1400", NULL), 0);
    assert_int_equal(o->cfg.mru, 1400);
    del_opts(o);
    tmp_remove();
}

static void test_file_call(void **state)
{
    (void)state;
    tmp_make();
    tmp_write("etc/peers/corp", "# the corp VPN\nname alice remotename corp\n"
                                "file inc.conf\n");
    char inc[512];
    snprintf(inc, sizeof(inc), "require-mppe-128 ipparam \"from inc\"\n");
    tmp_write("inc.conf", inc);
    /* file takes a path as given (relative to the working directory). */
    char cwd[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(tmpdir), 0);

    struct upppd_opts *o = new_opts();
    assert_int_equal(load(o, "call corp notty", NULL), 0);
    assert_string_equal(o->name, "alice");
    assert_string_equal(o->remotename, "corp");
    assert_string_equal(o->ipparam, "from inc");
    assert_int_equal(o->cfg.mppe, UPPP_MPPE_REQUIRED);
    assert_string_equal(o->call_name, "corp");
    del_opts(o);

    o = new_opts();
    char *argv[] = {"file", (char *)tmp_path("inc.conf")};
    assert_int_equal(upppd_opts_parse_argv(o, 2, argv), 0);
    assert_string_equal(o->ipparam, "from inc");
    del_opts(o);

    o = new_opts();
    assert_int_equal(upppd_opts_parse_file(o, tmp_path("inc.conf"), 1), 0);
    assert_string_equal(o->ipparam, "from inc");
    assert_int_equal(upppd_opts_parse_file(o, tmp_path("none"), 0), 0);
    assert_int_equal(upppd_opts_parse_file(o, tmp_path("none"), 1), UPPP_ERR_PARSE);
    char msg[2048];
    snprintf(msg, sizeof(msg), "Can't open options file %s: No such file or directory",
             tmp_path("none"));
    assert_string_equal(o->error, msg);
    del_opts(o);

    expect_error("file /nonexistent/x",
                 "Can't open options file /nonexistent/x: No such file or directory");
    expect_error("call ../x", "call option value may not contain .. or start with /");
    expect_error("call a/../x", "call option value may not contain .. or start with /");
    expect_error("call /etc/passwd", "call option value may not contain .. or start with /");
    expect_error("call a/..", "call option value may not contain .. or start with /");
    o = new_opts();
    assert_int_equal(run_line(o, "call nosuchpeer"), UPPP_ERR_PARSE);
    snprintf(msg, sizeof(msg), "Can't open options file %s: No such file or directory",
             tmp_path("etc/peers/nosuchpeer"));
    assert_string_equal(o->error, msg);
    del_opts(o);

    /* A missing file named in a file is reported at its place. */
    tmp_write("etc/peers/bad", "\nfile missing.conf\n");
    o = new_opts();
    assert_int_equal(run_line(o, "call bad"), UPPP_ERR_PARSE);
    snprintf(msg, sizeof(msg),
             "In file %s:2: Can't open options file missing.conf: No such file or directory",
             tmp_path("etc/peers/bad"));
    assert_string_equal(o->error, msg);
    del_opts(o);

    /* A file that includes itself stops with an error, not a crash. */
    tmp_write("etc/peers/loop", "call loop\n");
    o = new_opts();
    assert_int_equal(run_line(o, "call loop"), UPPP_ERR_PARSE);
    snprintf(msg, sizeof(msg), "In file %s:1: options files nested too deeply (at %s)",
             tmp_path("etc/peers/loop"), tmp_path("etc/peers/loop"));
    assert_string_equal(o->error, msg);
    del_opts(o);

    /* no_files (for fuzzing) */
    o = new_opts();
    o->no_files = 1;
    assert_int_equal(run_line(o, "call corp"), UPPP_ERR_PARSE);
    assert_string_equal(o->error, "the call option is disabled here");
    del_opts(o);

    assert_int_equal(chdir(cwd), 0);
    tmp_remove();
}

/* ---- --help, the man page, dump ---- */

static char *slurp_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return NULL;
    static char buf[1 << 18];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static void test_help_and_man(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    upppd_opts_help(f);
    fclose(f);
    const char *man = slurp_file(UPPP_SOURCE_DIR "/daemon/upppd.8");
    assert_non_null(man);
    for (size_t i = 0; i < upppd_opt_table_len; i++) {
        const char *name = upppd_opt_table[i].name;
        if (strstr(text, name) == NULL)
            fail_msg("--help does not mention %s", name);
        /* troff writes '-' as "\-". */
        char esc[128];
        size_t k = 0;
        for (const char *p = name; *p && k + 3 < sizeof(esc); p++) {
            if (*p == '-')
                esc[k++] = '\\';
            esc[k++] = *p;
        }
        esc[k] = 0;
        if (name[0] != '<' && strstr(man, esc) == NULL)
            fail_msg("upppd.8 does not mention %s", name);
    }
    for (int g = 0; g < G_COUNT; g++)
        assert_non_null(strstr(text, upppd_opt_group_title[g]));
    /* Lines fit in 80 columns. */
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) : strlen(p);
        if (l > 79)
            fail_msg("help line too long: %.*s", (int)l, p);
        p += l + (nl != NULL);
    }
    free(text);
}

static char *dump_of(const struct upppd_opts *o)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    upppd_opts_dump(o, f);
    fclose(f);
    return text;
}

/* dump reads back (as an options file) to the same configuration. */
static void roundtrip(const char *line)
{
    struct upppd_opts *a = new_opts(), *b = new_opts();
    if (run_line(a, line) != 0)
        fail_msg("'%s': %s", line, a->error);
    char *text = dump_of(a);
    if (run_text(b, text) != 0)
        fail_msg("dump of '%s' does not parse: %s\n%s", line, b->error, text);
    if (memcmp(&a->cfg, &b->cfg, sizeof(a->cfg)) != 0)
        fail_msg("dump of '%s' differs:\n%s", line, text);
    assert_string_equal(a->device, b->device);
    assert_int_equal(a->speed, b->speed);
    assert_int_equal(a->flow, b->flow);
    assert_int_equal(a->modem, b->modem);
    assert_int_equal(a->lock, b->lock);
    assert_string_equal(a->pty_cmd, b->pty_cmd);
    assert_int_equal(a->notty, b->notty);
    assert_int_equal(a->nodetach, b->nodetach);
    assert_int_equal(a->updetach, b->updetach);
    assert_int_equal(a->persist, b->persist);
    assert_int_equal(a->maxfail, b->maxfail);
    assert_int_equal(a->holdoff, b->holdoff);
    assert_string_equal(a->connect_cmd, b->connect_cmd);
    assert_string_equal(a->disconnect_cmd, b->disconnect_cmd);
    assert_string_equal(a->name, b->name);
    assert_string_equal(a->user, b->user);
    assert_string_equal(a->remotename, b->remotename);
    assert_int_equal(a->auth_required, b->auth_required);
    assert_int_equal(a->noipdefault, b->noipdefault);
    assert_int_equal(a->usepeerdns, b->usepeerdns);
    assert_int_equal(a->defaultroute, b->defaultroute);
    assert_int_equal(a->replacedefaultroute, b->replacedefaultroute);
    assert_int_equal(a->idle, b->idle);
    assert_int_equal(a->maxconnect, b->maxconnect);
    assert_string_equal(a->ifname, b->ifname);
    assert_int_equal(a->unit, b->unit);
    assert_string_equal(a->linkname, b->linkname);
    assert_string_equal(a->ipparam, b->ipparam);
    assert_int_equal(a->debug, b->debug);
    assert_int_equal(a->kdebug, b->kdebug);
    assert_string_equal(a->logfile, b->logfile);
    assert_int_equal(a->logfd, b->logfd);
    assert_int_equal(a->dump, b->dump);
    assert_int_equal(a->dryrun, b->dryrun);
    assert_string_equal(a->pptp_host, b->pptp_host);
    assert_int_equal(a->pptp_port, b->pptp_port);
    assert_int_equal(a->pptp_reorder_ms, b->pptp_reorder_ms);
    assert_string_equal(a->pptp_localbind, b->pptp_localbind);
    assert_int_equal(a->pptp_echo_s, b->pptp_echo_s);
    assert_int_equal(a->pptp_nohostroute, b->pptp_nohostroute);
    free(text);
    del_opts(a);
    del_opts(b);
}

static void test_dump(void **state)
{
    (void)state;
    roundtrip("");
    roundtrip("/dev/null 38400 crtscts local lock nodetach persist maxfail 3 holdoff 9 connect "
              "chat disconnect hangup name srv user alice remotename corp require-pap "
              "require-mschap-v2 refuse-chap refuse-mschap chapms-strip-domain show-password "
              "require-mppe-128 require-mppe-40 request-mppe-stateful 10.0.0.1:10.0.0.2 "
              "noipdefault ipcp-accept-local ipcp-accept-remote ms-dns 1.1.1.1 ms-dns 8.8.8.8 "
              "usepeerdns defaultroute replacedefaultroute +ipv6 ipv6 ::1,::2 mtu 1400 mru 1400 "
              "asyncmap a0000 nopcomp noaccomp nomagic lcp-echo-interval 10 lcp-echo-failure 3 "
              "lcp-max-configure 5 lcp-max-terminate 4 lcp-max-failure 3 lcp-restart 4 idle 60 "
              "maxconnect 600 ifname vpn0 unit 3 linkname corp ipparam x debug debug kdebug 1 "
              "logfd 4 dump dryrun");
    roundtrip("pty upppd updetach auth noccp noip nomppe nocrtscts ms-dns 9.9.9.9 :10.0.0.9 "
              "logfile /tmp/l mppe-stateful");
    roundtrip("notty noauth mppe-optional nomppe-40 ipv6 ,::5 nolog");
    roundtrip("notty mppe required,no40,no56,stateless");
    roundtrip("notty mppe no128 auth");
    roundtrip("notty nomppe-40 nomppe-56 nomppe-128");
    roundtrip("pptp vpn.example.com pptp-port 1724 pptp-reorder-timeout 0 pptp-localbind 10.9.8.7 "
              "pptp-echo-interval 0 pptp-nohostroute defaultroute require-mppe-128");
    roundtrip("pptp 2001:db8::1 pptp-reorder-timeout 10000");

    /* Quoting survives, the password is hidden, sources are named. */
    struct upppd_opts *o = new_opts();
    char *argv[] = {"ipparam", "a \"b\"\\c\td", "password", "secret!"};
    assert_int_equal(upppd_opts_parse_argv(o, 4, argv), 0);
    assert_int_equal(upppd_opts_parse_text(o, "\n\nmru 1400\n", 11, "my.conf"), 0);
    assert_int_equal(upppd_opts_finish(o), 0);
    char *text = dump_of(o);
    assert_non_null(strstr(text, "# upppd options in effect:\n"));
    assert_non_null(strstr(text, "ipparam \"a \\\"b\\\"\\\\c\\011d\"\t\t# (from command line)\n"));
    assert_non_null(strstr(text, "password ??????\t\t# (from command line)\n"));
    assert_null(strstr(text, "secret!"));
    assert_non_null(strstr(text, "mru 1400\t\t# (from my.conf:3)\n"));
    struct upppd_opts *b = new_opts();
    assert_int_equal(run_text(b, text), 0);
    assert_string_equal(b->ipparam, "a \"b\"\\c\td");
    del_opts(b);
    free(text);
    del_opts(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),  cmocka_unit_test(test_link),
        cmocka_unit_test(test_auth),      cmocka_unit_test(test_mppe),
        cmocka_unit_test(test_ip),        cmocka_unit_test(test_lcp),
        cmocka_unit_test(test_iflog),     cmocka_unit_test(test_errors),
        cmocka_unit_test(test_syntax),    cmocka_unit_test(test_order),
        cmocka_unit_test(test_file_call), cmocka_unit_test(test_help_and_man),
        cmocka_unit_test(test_dump),      cmocka_unit_test(test_pptp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
