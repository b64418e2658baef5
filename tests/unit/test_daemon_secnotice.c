/* The security notices at network up (daemon/secnotice.c) and the journal
 * form of the log (daemon/log.c): a table of negotiated outcomes and the
 * notices each must give, read back from a real pipe; a session id in
 * front of each line, escaped; "<5>" level prefixes when $JOURNAL_STREAM
 * names stderr, and none when it names another stream. */
#include "testutil.h"

#include "log.h"
#include "secnotice.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

static char out[4096];

/* Run the notices for (cfg bits, status) into a pipe; returns the count. */
static int notices(unsigned cfg_bits, int mppe, unsigned auth_peer, unsigned auth_us,
                   const char *id)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    struct upppd_log lg;
    upppd_log_open(&lg, "test", 0, p[1], NULL);
    struct uppp_config cfg;
    uppp_config_init(&cfg);
    cfg.mppe_bits = cfg_bits;
    struct uppp_status st = {0};
    st.mppe_bits = mppe;
    st.auth_peer = auth_peer;
    st.auth_us = auth_us;
    int n = upppd_security_notice(&lg, id, &cfg, &st);
    upppd_log_close(&lg);
    close(p[1]);
    ssize_t r = read(p[0], out, sizeof(out) - 1);
    close(p[0]);
    out[r > 0 ? r : 0] = '\0';
    return n;
}

static int lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void test_table(void **state)
{
    (void)state;
    static const struct {
        unsigned cfg_bits;
        int mppe;
        unsigned auth_peer, auth_us;
        int want;
        const char *text; /* in the output */
    } rows[] = {
        {7, 128, UPPP_AUTH_MSCHAP_V2, 0, 0, ""},
        {7, 0, UPPP_AUTH_MSCHAP_V2, 0, 1, "no MPPE: IP packets cross this link unencrypted"},
        {7, 40, UPPP_AUTH_MSCHAP_V2, 0, 1, "128 bits were allowed here: the peer offered no more"},
        {3, 56, 0, UPPP_AUTH_MSCHAP_V2, 1, "56-bit key, open to exhaustive search; allow 128"},
        {7, 128, 0, UPPP_AUTH_MSCHAP_V1, 1, "MS-CHAPv1 authenticated this link"},
        {1, 40, UPPP_AUTH_MSCHAP_V1, 0, 2, "40-bit key"},
        {0, 0, UPPP_AUTH_PAP, 0, 1, "no MPPE"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        int n = notices(rows[i].cfg_bits, rows[i].mppe, rows[i].auth_peer, rows[i].auth_us, NULL);
        assert_int_equal(n, rows[i].want);
        assert_int_equal(lines(out), rows[i].want);
        assert_non_null(strstr(out, rows[i].text));
    }
}

static void test_session_id(void **state)
{
    (void)state;
    assert_int_equal(notices(7, 0, 0, 0, "call 17 al\033ce"), 1);
    assert_true(strncmp(out, "[call 17 al\\033ce] Security: no MPPE", 36) == 0);
}

/* Log one line with stderr on a pipe and JOURNAL_STREAM naming it (or
 * not); returns what came out of the pipe. */
static void journal_line(int name_it)
{
    int p[2], saved = dup(2);
    assert_int_equal(pipe(p), 0);
    dup2(p[1], 2);
    close(p[1]);
    struct stat st;
    assert_int_equal(fstat(2, &st), 0);
    char js[64];
    snprintf(js, sizeof(js), "%llu:%llu", (unsigned long long)st.st_dev,
             (unsigned long long)st.st_ino + (name_it ? 0 : 1));
    setenv("JOURNAL_STREAM", js, 1);
    struct upppd_log lg;
    upppd_log_open(&lg, "test", 0, 1, NULL);
    int on = upppd_log_journal_detect(&lg);
    assert_int_equal(on, name_it);
    if (!on)
        lg.fd = 2; /* to read it back here */
    upppd_log_line(&lg, LOG_NOTICE, "Connect: ppp0 <--> /dev/pts/3");
    upppd_log_line(&lg, LOG_ERR, "LCP: timeout");
    upppd_log_close(&lg);
    unsetenv("JOURNAL_STREAM");
    dup2(saved, 2);
    close(saved);
    ssize_t r = read(p[0], out, sizeof(out) - 1);
    close(p[0]);
    out[r > 0 ? r : 0] = '\0';
}

static void test_journal_stream(void **state)
{
    (void)state;
    journal_line(1);
    assert_string_equal(out, "<5>Connect: ppp0 <--> /dev/pts/3\n<3>LCP: timeout\n");
    journal_line(0);
    assert_string_equal(out, "Connect: ppp0 <--> /dev/pts/3\nLCP: timeout\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_session_id),
        cmocka_unit_test(test_journal_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
