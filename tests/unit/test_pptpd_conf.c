/* upppd-pptpd's configuration: pptpd.conf lines as pptpd 1.4.0 reads them
 * (first occurrence wins, comments, blanks, long lines), pptpd's address
 * lists and their pairing into connection slots, broken configs, and the
 * command line (pptpd's flags, the ignored ones, errors). */
#include "testutil.h"

#include "cli.h"
#include "conf.h"

#include <uppp/err.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char warnings[8192];

static void capture(void *ctx, const char *msg)
{
    (void)ctx;
    strncat(warnings, msg, sizeof(warnings) - strlen(warnings) - 2);
    strcat(warnings, "\n");
}

static void conf_new(struct upppd_pptpd_conf *c)
{
    upppd_pptpd_conf_init(c);
    c->warn = capture;
    warnings[0] = 0;
}

static int parse(struct upppd_pptpd_conf *c, const char *text)
{
    conf_new(c);
    int rc = upppd_pptpd_conf_parse(c, text, strlen(text), "pptpd.conf");
    if (rc == 0)
        rc = upppd_pptpd_conf_finish(c);
    return rc;
}

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static void test_defaults(void **state)
{
    (void)state;
    struct upppd_pptpd_conf c;
    assert_int_equal(parse(&c, ""), 0);
    /* pptpd's defaults.h: 100 connections, 192.168.0.1-100 / 192.168.1.1-100. */
    assert_int_equal(c.connections, 100);
    assert_int_equal(c.local[0], IP(192, 168, 0, 1));
    assert_int_equal(c.local[99], IP(192, 168, 0, 100));
    assert_int_equal(c.remote[0], IP(192, 168, 1, 1));
    assert_int_equal(c.remote[99], IP(192, 168, 1, 100));
    assert_int_equal(c.stimeout_s, 10);
    assert_int_equal(c.port, 1723);
    assert_int_equal(c.calls_per_connection, 1);
    assert_string_equal(c.speed, "115200");
    upppd_pptpd_conf_free(&c);
}

static void test_debian_sample(void **state)
{
    (void)state;
    struct upppd_pptpd_conf c;
    const char *text = "###############\n"
                       "# Sample Poptop configuration file /etc/pptpd.conf\n"
                       "option /etc/ppp/pptpd-options\n"
                       "#debug\n"
                       "logwtmp\n"
                       "#bcrelay eth1\n"
                       "localip 192.168.0.1\n"
                       "remoteip 192.168.0.234-238,192.168.0.245\n"
                       "connections 10   \n"
                       "stimeout 5\n"
                       "listen 10.1.2.3\n";
    assert_int_equal(parse(&c, text), 0);
    assert_string_equal(c.option, "/etc/ppp/pptpd-options");
    assert_int_equal(c.debug, 0);
    assert_int_equal(c.stimeout_s, 5);
    assert_int_equal(c.listen, IP(10, 1, 2, 3));
    /* Six remote addresses lower the limit of 10 to 6; one localip is
     * shared by every slot. */
    assert_int_equal(c.connections, 6);
    for (int i = 0; i < 6; i++)
        assert_int_equal(c.local[i], IP(192, 168, 0, 1));
    assert_int_equal(c.remote[0], IP(192, 168, 0, 234));
    assert_int_equal(c.remote[4], IP(192, 168, 0, 238));
    assert_int_equal(c.remote[5], IP(192, 168, 0, 245));
    assert_non_null(strstr(warnings, "logwtmp ignored"));
    assert_non_null(strstr(warnings, "reduced to 6"));
    upppd_pptpd_conf_free(&c);
}

static void test_pairing(void **state)
{
    (void)state;
    struct upppd_pptpd_conf c;
    /* One local address per slot: slot i pairs local[i] with remote[i];
     * the shorter list sets the limit. */
    assert_int_equal(parse(&c, "connections 5\nlocalip 10.0.0.1-3\nremoteip 10.0.1.1-5\n"), 0);
    assert_int_equal(c.connections, 3);
    assert_int_equal(c.local[2], IP(10, 0, 0, 3));
    assert_int_equal(c.remote[2], IP(10, 0, 1, 3));
    upppd_pptpd_conf_free(&c);
    /* More addresses than connections: the rest ignored, with a warning. */
    assert_int_equal(parse(&c, "connections 2\nlocalip 10.0.0.1\nremoteip 10.0.1.1-9\n"), 0);
    assert_int_equal(c.connections, 2);
    assert_non_null(strstr(warnings, "extra IP addresses in remoteip ignored"));
    upppd_pptpd_conf_free(&c);
    /* A range in another octet (pptpd: "192.168-178.1.231"). */
    assert_int_equal(parse(&c, "connections 3\nlocalip 10.0.0.1\nremoteip 10.1-3.0.7\n"), 0);
    assert_int_equal(c.remote[0], IP(10, 1, 0, 7));
    assert_int_equal(c.remote[2], IP(10, 3, 0, 7));
    upppd_pptpd_conf_free(&c);
}

static void test_first_wins(void **state)
{
    (void)state;
    struct upppd_pptpd_conf c;
    /* pptpd's read_config_file stops at the first line with the keyword;
     * a line that starts with a blank is not a keyword line; case counts. */
    assert_int_equal(parse(&c, "stimeout 7\nstimeout 9\n  stimeout 3\nSTIMEOUT 4\n"), 0);
    assert_int_equal(c.stimeout_s, 7);
    assert_non_null(strstr(warnings, "given again"));
    assert_non_null(strstr(warnings, "starting with a blank"));
    assert_non_null(strstr(warnings, "unknown keyword \"STIMEOUT\""));
    upppd_pptpd_conf_free(&c);
}

static void test_ours(void **state)
{
    (void)state;
    struct upppd_pptpd_conf c;
    assert_int_equal(parse(&c, "upppd-port 11723\nupppd-calls-per-connection 4\n"
                               "upppd-max-msgs-per-sec 0\nupppd-gre-timeout 3\n"
                               "upppd-echo-interval 0\nbcrelay eth1\ndelegate\nnoipparam\n"),
                     0);
    assert_int_equal(c.port, 11723);
    assert_int_equal(c.calls_per_connection, 4);
    assert_int_equal(c.max_msgs_per_sec, 0);
    assert_int_equal(c.gre_timeout_s, 3);
    assert_int_equal(c.echo_interval_s, 0);
    assert_int_equal(c.noipparam, 1);
    assert_non_null(strstr(warnings, "bcrelay ignored"));
    assert_non_null(strstr(warnings, "delegate ignored"));
    upppd_pptpd_conf_free(&c);
}

static void test_broken(void **state)
{
    (void)state;
    struct upppd_pptpd_conf c;
    static const char *const bad[] = {
        "listen 10.0.0.256\n",
        "listen host.example\n",
        "connections many\n",
        "connections 99999999\n",
        "stimeout 0\n",
        "upppd-port 70000\n",
        "upppd-calls-per-connection 0\n",
        "remoteip 10.0.0.5-2\n",
        "remoteip 10.0.0.1-2-3\n",
        "remoteip 10.0-1.0.1-2\n",
        "remoteip 10.0.0.1,,10.0.0.2\n",
        "remoteip 10.0.0.300\n",
        "remoteip vpn.example.com\n",
        "localip 1.2.3\n",
        "localip\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        c.error[0] = 0;
        assert_int_equal(parse(&c, bad[i]), UPPP_ERR_PARSE);
        assert_true(c.error[0] != 0);
        upppd_pptpd_conf_free(&c);
    }
    /* A hostile name is escaped in the message. */
    assert_int_equal(parse(&c, "remoteip \x1b[2J\n"), UPPP_ERR_PARSE);
    assert_null(strchr(c.error, '\x1b'));
    upppd_pptpd_conf_free(&c);
    /* A line longer than pptpd's buffer is ignored, not cut. */
    char longline[700];
    memset(longline, 'x', sizeof(longline));
    memcpy(longline, "option ", 7);
    longline[sizeof(longline) - 2] = '\n';
    longline[sizeof(longline) - 1] = 0;
    assert_int_equal(parse(&c, longline), 0);
    assert_string_equal(c.option, "");
    assert_non_null(strstr(warnings, "long line ignored"));
    upppd_pptpd_conf_free(&c);
}

static void test_load(void **state)
{
    (void)state;
    struct upppd_pptpd_conf c;
    conf_new(&c);
    /* Without -c a missing file is pptpd's defaults; with -c an error. */
    assert_int_equal(upppd_pptpd_conf_load(&c, "/nonexistent/pptpd.conf", 0), 0);
    assert_int_equal(upppd_pptpd_conf_load(&c, "/nonexistent/pptpd.conf", 1), UPPP_ERR_INVALID);
    assert_non_null(strstr(c.error, "/nonexistent/pptpd.conf"));
    assert_int_equal(upppd_pptpd_conf_load(&c, "/", 1), UPPP_ERR_INVALID);
    char path[] = "/tmp/pptpd-conf-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "connections 3\nlocalip 10.9.0.1\nremoteip 10.9.0.2-9\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    assert_int_equal(upppd_pptpd_conf_load(&c, path, 1), 0);
    assert_int_equal(upppd_pptpd_conf_finish(&c), 0);
    assert_int_equal(c.connections, 3);
    assert_int_equal(c.remote[2], IP(10, 9, 0, 4));
    unlink(path);
    upppd_pptpd_conf_free(&c);
}

static int cli(struct upppd_pptpd_cli *k, const char *const *words)
{
    int argc = 0;
    char *argv[32];
    argv[argc++] = (char *)"upppd-pptpd";
    while (*words)
        argv[argc++] = (char *)*words++;
    memset(k, 0, sizeof(*k));
    k->warn = capture;
    warnings[0] = 0;
    return upppd_pptpd_cli_parse(k, argc, argv);
}

static void test_cli(void **state)
{
    (void)state;
    struct upppd_pptpd_cli k;
    const char *w1[] = {"-c",
                        "/x/pptpd.conf",
                        "-fd",
                        "-o/x/opts",
                        "--listen=10.0.0.1",
                        "-C",
                        "7",
                        "--pidfile",
                        "/run/p.pid",
                        "-t",
                        "4",
                        "-i",
                        "--port",
                        "1724",
                        "--runas=upppd",
                        NULL};
    assert_int_equal(cli(&k, w1), 0);
    assert_string_equal(k.conf, "/x/pptpd.conf");
    assert_int_equal(k.foreground, 1);
    assert_int_equal(k.debug, 1);
    assert_string_equal(k.option, "/x/opts");
    assert_int_equal(k.listen, IP(10, 0, 0, 1));
    assert_int_equal(k.connections, 7);
    assert_string_equal(k.pidfile, "/run/p.pid");
    assert_int_equal(k.stimeout_s, 4);
    assert_int_equal(k.noipparam, 1);
    assert_int_equal(k.port, 1724);
    assert_string_equal(k.runas, "upppd");
    /* The command line wins over the file. */
    struct upppd_pptpd_conf c;
    assert_int_equal(parse(&c, "connections 50\noption /etc/other\nstimeout 9\n"), 0);
    assert_int_equal(upppd_pptpd_cli_apply(&k, &c), 0);
    assert_int_equal(upppd_pptpd_conf_finish(&c), 0);
    assert_int_equal(c.connections, 7);
    assert_string_equal(c.option, "/x/opts");
    assert_int_equal(c.stimeout_s, 4);
    upppd_pptpd_conf_free(&c);

    /* pptpd flags with no meaning here: accepted, each with a warning. */
    const char *w2[] = {"-b", "eth1", "-e", "/usr/sbin/pppd", "-w", "-D", "--bcrelay=br0", NULL};
    assert_int_equal(cli(&k, w2), 0);
    assert_non_null(strstr(warnings, "-b/--bcrelay"));
    assert_non_null(strstr(warnings, "-e/--ppp"));
    assert_non_null(strstr(warnings, "-w/--logwtmp"));
    assert_non_null(strstr(warnings, "-D/--delegate"));

    const char *wh[] = {"-h", NULL}, *wv[] = {"--version", NULL};
    assert_int_equal(cli(&k, wh), UPPPD_PPTPD_CLI_HELP);
    assert_int_equal(cli(&k, wv), UPPPD_PPTPD_CLI_VERSION);

    const char *const *bad[] = {
        (const char *[]){"-x", NULL},
        (const char *[]){"--nope", NULL},
        (const char *[]){"-c", NULL},
        (const char *[]){"-l", "1.2.3.4.5", NULL},
        (const char *[]){"-C", "-1", NULL},
        (const char *[]){"--port=0", NULL},
        (const char *[]){"--fg=1", NULL},
        (const char *[]){"stray", NULL},
        (const char *[]){"-t", "abc", NULL},
        (const char *[]){"-s", "fast", NULL},
        (const char *[]){"--runas", "-x", NULL},
        (const char *[]){"--runas=a/b", NULL},
        (const char *[]){"--runas=", NULL},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(cli(&k, (const char *const *)bad[i]), UPPP_ERR_PARSE);
        assert_true(k.error[0] != 0);
    }
    /* The help is the man page's summary: every pptpd flag is in it. */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    upppd_pptpd_cli_help(f);
    fclose(f);
    for (const char *p = "cdefhilopstvwCDb"; *p; p++) {
        char flag[4] = {'-', *p, ',', 0};
        char flag2[4] = {'-', *p, '/', 0};
        assert_true(strstr(buf, flag) || strstr(buf, flag2));
    }
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults), cmocka_unit_test(test_debian_sample),
        cmocka_unit_test(test_pairing),  cmocka_unit_test(test_first_wins),
        cmocka_unit_test(test_ours),     cmocka_unit_test(test_broken),
        cmocka_unit_test(test_load),     cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
