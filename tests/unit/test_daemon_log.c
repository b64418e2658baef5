/* upppd's logger (daemon/log.c): whatever a message holds, one call is one
 * line, ending at the newline the logger adds, with no control byte or DEL
 * in it: the last line of defence if a new message forgets to escape a
 * peer's string (issue 8, item 1). */
#include "testutil.h"

#include "log.h"

#include <syslog.h>
#include <unistd.h>

static void logged(const char *line, char *out, size_t cap)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    struct upppd_log lg;
    upppd_log_open(&lg, "test", 0, p[1], NULL);
    upppd_log_line(&lg, LOG_NOTICE, line);
    upppd_log_close(&lg);
    close(p[1]);
    ssize_t n = read(p[0], out, cap - 1);
    close(p[0]);
    assert_true(n > 0);
    out[n] = '\0';
}

static void test_controls_neutralised(void **state)
{
    (void)state;
    char out[1200];
    logged("evil\033[2J\nMay  1 00:00:00 host upppd[1]: forged\r\t\177 caf\xc3\xa9 a\\b", out,
           sizeof(out));
    assert_string_equal(out, "evil\\033[2J\\nMay  1 00:00:00 host upppd[1]: forged\\r\\t\\177 "
                             "caf\xc3\xa9 a\\b\n");
}

/* A long line full of escapes is cut, but still ends in one newline. */
static void test_long_line_one_newline(void **state)
{
    (void)state;
    char line[1000], out[1200];
    memset(line, '\033', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\0';
    logged(line, out, sizeof(out));
    size_t n = strlen(out);
    assert_true(n > 1);
    assert_int_equal(out[n - 1], '\n');
    for (size_t i = 0; i + 1 < n; i++)
        assert_true((unsigned char)out[i] >= 0x20 && out[i] != 0x7f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_controls_neutralised),
        cmocka_unit_test(test_long_line_one_newline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
