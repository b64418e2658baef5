/* The runas helper's requests (daemon/privsep.c): what upppd_privsep_script()
 * encodes is what the root helper accepts, and the helper refuses, byte by
 * byte, what a subverted unprivileged upppd could send instead: variables
 * outside pppd's set (LD_PRELOAD), a script index past the list, strings
 * without their NUL, trailing bytes, a wrong resolv length, a bad secret
 * query. The helper itself runs in tests/e2e/runas.sh (root). */
#define _GNU_SOURCE
#include "testutil.h"

#include "privsep.h"

#include <string.h>

static uint8_t msg[UPPPD_PRIVSEP_MSG_MAX];
static char *args[] = {"ppp0", "/dev/pts/3", "0", "10.0.0.1", "10.0.0.2", "param", NULL};

static size_t encode(const char *name, const char *extra_var, int wait_ms)
{
    struct upppd_env e = {0};
    upppd_env_set(&e, "PATH", "/bin");
    upppd_env_set(&e, "IFNAME", "ppp0");
    upppd_env_set(&e, "PEERNAME", "client");
    if (extra_var != NULL)
        upppd_env_set(&e, extra_var, "x");
    size_t n = upppd_privsep_encode_script(msg, sizeof(msg), name, args, &e, wait_ms);
    upppd_env_free(&e);
    return n;
}

static void test_script_requests(void **state)
{
    (void)state;
    static const struct {
        const char *name, *var;
        int wait_ms;
        int encodes, accepted;
    } rows[] = {
        {"ip-up", NULL, 0, 1, 1},
        {"ip-down", NULL, 5000, 1, 1},
        {"auth-up", "IPPARAM", 0, 1, 1},
        {"ipv6-down", "BYTES_RCVD", 60000, 1, 1},
        {"ip-up", "LD_PRELOAD", 0, 1, 0}, /* encoded, refused by the helper */
        {"ip-up", "BASH_ENV", 0, 1, 0},
        {"ip-up", "IFNAMEX", 0, 1, 0},   /* a prefix of a name is not the name */
        {"../../bin/sh", NULL, 0, 0, 0}, /* only the hook scripts, by name */
        {"ip-up", NULL, 60001, 0, 0},
        {"ip-up", NULL, -1, 0, 0},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        size_t n = encode(rows[i].name, rows[i].var, rows[i].wait_ms);
        assert_int_equal(n != 0, rows[i].encodes);
        if (n == 0)
            continue;
        /* PATH is never sent: the helper sets its own. */
        assert_null(memmem(msg, n, "PATH=", 5));
        assert_int_equal(upppd_privsep_check_request(msg, n), rows[i].accepted ? 1 : 0);
    }
}

static void test_script_bytes(void **state)
{
    (void)state;
    size_t n = encode("ip-up", NULL, 0);
    assert_int_equal(upppd_privsep_check_request(msg, n), 1);
    /* Cut anywhere: a string loses its NUL or a header field goes. */
    for (size_t cut = 0; cut < n; cut++)
        assert_int_equal(upppd_privsep_check_request(msg, cut), 0);
    /* A trailing byte, a NUL included. */
    msg[n] = 0;
    assert_int_equal(upppd_privsep_check_request(msg, n + 1), 0);
    /* Script index 7 is past the seven hook scripts. */
    msg[1] = 7;
    assert_int_equal(upppd_privsep_check_request(msg, n), 0);
    msg[1] = 1;
    /* More arguments than the limit. */
    msg[6] = UPPPD_PRIVSEP_MAX_ARGS + 1;
    assert_int_equal(upppd_privsep_check_request(msg, n), 0);
    /* Unknown type. */
    msg[0] = 9;
    assert_int_equal(upppd_privsep_check_request(msg, n), 0);
    assert_int_equal(upppd_privsep_check_request(msg, 0), 0);
}

static void test_resolv_and_secret(void **state)
{
    (void)state;
    uint8_t r[10] = {2, 1, 0, 0, 10, 2, 0, 0, 10, 0};
    assert_int_equal(upppd_privsep_check_request(r, 9), 2);
    assert_int_equal(upppd_privsep_check_request(r, 8), 0);
    assert_int_equal(upppd_privsep_check_request(r, 10), 0);

    uint8_t s[] = {3, 1, 3, 0x20, 0, 0, 0, 'c', 'l', 'i', 0, 's', 'r', 'v', 0};
    assert_int_equal(upppd_privsep_check_request(s, sizeof(s)), 3);
    assert_int_equal(upppd_privsep_check_request(s, sizeof(s) - 1), 0); /* no NUL */
    s[1] = 2;                                                           /* for_peer 0 or 1 */
    assert_int_equal(upppd_privsep_check_request(s, sizeof(s)), 0);
    s[1] = 0;
    s[2] = 4; /* flags: client and server only */
    assert_int_equal(upppd_privsep_check_request(s, sizeof(s)), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_script_requests),
        cmocka_unit_test(test_script_bytes),
        cmocka_unit_test(test_resolv_and_secret),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
