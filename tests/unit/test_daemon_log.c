/* upppd's logger (daemon/log.c): whatever a message holds, one call is one
 * line, ending at the newline the logger adds, with no control byte or DEL
 * in it: the last line of defence if a new message forgets to escape a
 * peer's string (issue 8, item 1). And the lines written before the log
 * is open (option errors, warnings, a log file that cannot be opened):
 * with their level as "<N>" when stderr is a journal stream, plain when
 * it is not. */
#include "testutil.h"

#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
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

/* stderr on a pipe while fn runs, $JOURNAL_STREAM naming that pipe
 * (js 1), another stream (js 0) or unset (js -1); what came out of the
 * pipe is in out. */
static void on_stderr(int js, void (*fn)(void), char *out, size_t cap)
{
    int p[2], saved = dup(2);
    assert_int_equal(pipe(p), 0);
    dup2(p[1], 2);
    close(p[1]);
    struct stat st;
    assert_int_equal(fstat(2, &st), 0);
    char v[64];
    snprintf(v, sizeof(v), "%llu:%llu", (unsigned long long)st.st_dev,
             (unsigned long long)st.st_ino + (js == 1 ? 0 : 1));
    if (js >= 0)
        setenv("JOURNAL_STREAM", v, 1);
    else
        unsetenv("JOURNAL_STREAM");
    fn();
    unsetenv("JOURNAL_STREAM");
    dup2(saved, 2);
    close(saved);
    ssize_t n = read(p[0], out, cap - 1);
    close(p[0]);
    out[n > 0 ? n : 0] = '\0';
}

/* The log in journal mode: "<N>" before each line when $JOURNAL_STREAM
 * names stderr, none when it names another stream. */
static void journal_lines(void)
{
    struct upppd_log lg;
    upppd_log_open(&lg, "test", 0, 1, NULL);
    int on = upppd_log_journal_detect(&lg);
    if (!on)
        lg.fd = 2; /* to read it back here */
    upppd_log_line(&lg, LOG_NOTICE, on ? "journal" : "plain");
    upppd_log_line(&lg, LOG_NOTICE, "Connect: ppp0 <--> /dev/pts/3");
    upppd_log_line(&lg, LOG_ERR, "LCP: timeout");
    upppd_log_close(&lg);
}

static void test_journal_stream(void **state)
{
    (void)state;
    char out[512];
    on_stderr(1, journal_lines, out, sizeof(out));
    assert_string_equal(out, "<5>journal\n<5>Connect: ppp0 <--> /dev/pts/3\n<3>LCP: timeout\n");
    on_stderr(0, journal_lines, out, sizeof(out));
    assert_string_equal(out, "plain\nConnect: ppp0 <--> /dev/pts/3\nLCP: timeout\n");
}

static void early_lines(void)
{
    upppd_log_stderr(LOG_WARNING, "upppd: warning: %s", "plugin radattr.so ignored");
    upppd_log_stderr(LOG_ERR, "upppd: unrecognized option '%s'", "bad\nline");
}

static void test_early_lines_journal(void **state)
{
    (void)state;
    char out[512];
    on_stderr(1, early_lines, out, sizeof(out));
    assert_string_equal(out, "<4>upppd: warning: plugin radattr.so ignored\n"
                             "<3>upppd: unrecognized option 'bad\\nline'\n");
}

static void test_early_lines_plain(void **state)
{
    (void)state;
    char out[512];
    const char *plain = "upppd: warning: plugin radattr.so ignored\n"
                        "upppd: unrecognized option 'bad\\nline'\n";
    on_stderr(0, early_lines, out, sizeof(out)); /* a redirected stderr */
    assert_string_equal(out, plain);
    on_stderr(-1, early_lines, out, sizeof(out)); /* not under systemd */
    assert_string_equal(out, plain);
}

/* The daemons open the log file after deciding on journal mode, so a
 * log file that cannot be opened is an error line like any other. */
static void bad_logfile(void)
{
    struct upppd_log lg;
    upppd_log_open(&lg, "test", 0, 1, NULL);
    assert_int_equal(upppd_log_journal_detect(&lg), 1);
    upppd_log_open_file(&lg, "/nonexistent-upppd-dir/log");
    assert_int_equal(lg.file_fd, -1);
    upppd_log_close(&lg);
}

static void test_logfile_error_journal(void **state)
{
    (void)state;
    char out[512];
    on_stderr(1, bad_logfile, out, sizeof(out));
    assert_string_equal(out, "<3>Can't open log file /nonexistent-upppd-dir/log: No such file or "
                             "directory\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_controls_neutralised), cmocka_unit_test(test_long_line_one_newline),
        cmocka_unit_test(test_journal_stream),       cmocka_unit_test(test_early_lines_journal),
        cmocka_unit_test(test_early_lines_plain),    cmocka_unit_test(test_logfile_error_journal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
