/*
 * radiusclient.conf, the servers file and avpair as pppd 2.4.9's radius
 * plugin reads them (daemon/radius_conf.h): the stock file from pppd's
 * radiusclient (every keyword), server lists and ports, what pppd refuses
 * (duplicates, missing servers, bad numbers), what it only warns about
 * (unknown keywords), secrets by host, and avpair's names and values.
 */
#include "testutil.h"

#include "radius_conf.h"

#include <stdio.h>

static int warnings;
static void count_warn(void *ctx, const char *msg)
{
    (void)ctx;
    (void)msg;
    warnings++;
}

static int parse(struct upppd_radius_conf *c, const char *text, char *err)
{
    return upppd_radius_conf_parse(c, text, strlen(text), "test.conf", err, 256, count_warn, NULL);
}

/* radiusclient.conf as pppd's radiusclient/etc/radiusclient.conf.in
 * lays it out, filled in. */
static const char stock[] = "# General settings\n"
                            "auth_order\tradius\n"
                            "login_tries\t4\n"
                            "login_timeout\t60\n"
                            "nologin /etc/nologin\n"
                            "issue\t/etc/radiusclient/issue\n"
                            "authserver \tradius1.example:1645, radius2.example\n"
                            "acctserver \tradius1.example\n"
                            "servers\t\t/etc/radiusclient/servers\n"
                            "dictionary \t/etc/radiusclient/dictionary\n"
                            "login_radius\t/usr/sbin/login.radius\n"
                            "seqfile\t\t/var/run/radius.seq\n"
                            "mapfile\t\t/etc/radiusclient/port-id-map\n"
                            "default_realm\n"
                            "radius_timeout\t10\n"
                            "radius_retries\t3\n"
                            "login_local\t/bin/login\n"
                            "nas_identifier nas-7\n"
                            "bindaddr *\n";

static void test_stock_file(void **state)
{
    (void)state;
    struct upppd_radius_conf c;
    char err[256] = "";
    warnings = 0;
    assert_int_equal(parse(&c, stock, err), 0);
    assert_int_equal(warnings, 0);
    assert_int_equal(c.nauth, 2);
    assert_string_equal(c.auth[0].host, "radius1.example");
    assert_int_equal(c.auth[0].port, 1645);
    assert_string_equal(c.auth[1].host, "radius2.example");
    assert_int_equal(c.auth[1].port, 1812);
    assert_int_equal(c.nacct, 1);
    assert_int_equal(c.acct[0].port, 1813);
    assert_int_equal(c.timeout_s, 10);
    assert_int_equal(c.retries, 3);
    assert_string_equal(c.nas_identifier, "nas-7");
    assert_string_equal(c.bindaddr, "");
    assert_string_equal(c.default_realm, "");
    assert_string_equal(c.dictionary, "/etc/radiusclient/dictionary");

    const char servers[] = "# Server Name or Client/Server pair\t\tKey\n"
                           "radius1.example\t\tsecret-one\n"
                           "nas-7/radius2.example  secret-two\n"
                           "lonely-name-without-secret\n";
    assert_int_equal(upppd_radius_servers_parse(&c, servers, strlen(servers), "servers", err, 256),
                     0);
    assert_int_equal(c.auth[0].secret_len, 10);
    assert_memory_equal(c.auth[0].secret, "secret-one", 10);
    assert_memory_equal(c.auth[1].secret, "secret-two", 10);
    assert_memory_equal(c.acct[0].secret, "secret-one", 10);
    upppd_radius_conf_wipe(&c);
    assert_int_equal(c.auth[0].secret_len, 0);
}

static void test_refused(void **state)
{
    (void)state;
    struct upppd_radius_conf c;
    char err[256];
    const char *const bad[][2] = {
        {"authserver a\nauthserver b\nacctserver a\nservers s\ndictionary d\n", "duplicate"},
        {"acctserver a\nservers s\ndictionary d\n", "no authserver"},
        {"authserver a\nservers s\ndictionary d\n", "no acctserver"},
        {"authserver a\nacctserver a\ndictionary d\n", "no servers"},
        {"authserver a\nacctserver a\nservers s\n", "no dictionary"},
        {"authserver a:99999\n", "bad port"},
        {"authserver a:\n", "bad port"},
        {"authserver\n", "bogus"},
        {"radius_timeout 0\n", "radius_timeout"},
        {"radius_retries -1\n", "radius_retries"},
        {"radius_retries 3x\n", "radius_retries"},
        {"bindaddr host.example\n", "bindaddr"},
        {" authserver a\n", "bogus format"},
        {"authserver a,b,c,d,e,f,g,h,i\n", "more than 8"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = 0;
        if (parse(&c, bad[i][0], err) != -1 || strstr(err, bad[i][1]) == NULL)
            fail_msg("'%s': expected an error with '%s', got '%s'", bad[i][0], bad[i][1], err);
        assert_non_null(strstr(err, "test.conf"));
    }
    /* An unknown keyword is a warning; a long line is an error, not a
     * truncation; a NUL is refused. */
    warnings = 0;
    assert_int_equal(
        parse(&c, "frobnicate 1\nauthserver a\nacctserver a\nservers s\ndictionary d\n", err), 0);
    assert_int_equal(warnings, 1);
    char longline[700];
    memset(longline, 'x', sizeof(longline));
    memcpy(longline, "servers ", 8);
    longline[sizeof(longline) - 1] = 0;
    assert_int_equal(parse(&c, longline, err), -1);
    assert_int_equal(
        upppd_radius_conf_parse(&c, "servers a\0b\n", 12, "test.conf", err, 256, NULL, NULL), -1);
    /* A server without a line in the servers file; a secret too long. */
    assert_int_equal(parse(&c, "authserver a\nacctserver b\nservers s\ndictionary d\n", err), 0);
    assert_int_equal(upppd_radius_servers_parse(&c, "a x\n", 4, "servers", err, 256), -1);
    assert_non_null(strstr(err, "couldn't find RADIUS server b"));
    char longsec[200] = "b ";
    memset(longsec + 2, 's', 150);
    longsec[152] = 0;
    assert_int_equal(upppd_radius_servers_parse(&c, longsec, strlen(longsec), "servers", err, 256),
                     -1);
}

static void test_avpair(void **state)
{
    (void)state;
    struct uppp_radius_req r;
    uppp_radius_req_init(&r, UPPP_RADIUS_ACCESS_REQUEST);
    char err[256];
    assert_int_equal(upppd_radius_avpair(&r, "Called-Station-Id=10.0.0.1", err, sizeof(err)), 0);
    assert_int_equal(upppd_radius_avpair(&r, "nas-port-type=Virtual", err, sizeof(err)), 0);
    assert_int_equal(upppd_radius_avpair(&r, "NAS-IP-Address=192.0.2.9", err, sizeof(err)), 0);
    assert_int_equal(upppd_radius_avpair(&r, "Framed-MTU=1400", err, sizeof(err)), 0);
    tu_assert_hex(r.attrs, r.attrs_len,
                  "1e0a 31302e302e302e31"
                  "3d06 00000005"
                  "0406 c0000209"
                  "0c06 00000578");
    assert_int_equal(upppd_radius_avpair(&r, "Nonsense=1", err, sizeof(err)), -1);
    assert_int_equal(upppd_radius_avpair(&r, "Framed-MTU=big", err, sizeof(err)), -1);
    assert_int_equal(upppd_radius_avpair(&r, "Framed-MTU=-1", err, sizeof(err)), -1);
    assert_int_equal(upppd_radius_avpair(&r, "NAS-IP-Address=host", err, sizeof(err)), -1);
    assert_int_equal(upppd_radius_avpair(&r, "no equals sign", err, sizeof(err)), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stock_file),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_avpair),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
