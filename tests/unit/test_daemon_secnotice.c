/* The security notices at network up (daemon/secnotice.c): a table of
 * negotiated outcomes and the notices each must give, read back from a
 * real pipe; a session id in front of each line, escaped. The journal
 * form of the log is in test_daemon_log.c. */
#include "testutil.h"

#include "log.h"
#include "secnotice.h"

#include <stdio.h>
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_session_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
