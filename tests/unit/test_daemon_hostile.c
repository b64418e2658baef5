/*
 * Hostile and careless files (issue 8): warnings that never quote a secret
 * (item 2), an empty peer name matching only "*" client lines (item 3),
 * options files that are FIFOs or devices (item 9), include fan-out
 * (item 10), NUL bytes in options files (item 11), and the reason a
 * secrets file was skipped (item 12).
 */
#include "testutil.h"

#include "options.h"
#include "options_int.h"
#include "secrets.h"
#include "words.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char warnings[65536];

static void capture(void *ctx, const char *msg)
{
    (void)ctx;
    strncat(warnings, msg, sizeof(warnings) - strlen(warnings) - 2);
    strcat(warnings, "\n");
}

static void capture_log(void *ctx, int level, const char *msg)
{
    (void)level;
    capture(ctx, msg);
}

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/upppd-hostile.XXXXXX");
    assert_non_null(mkdtemp(dir));
    warnings[0] = '\0';
    /* A test that blocks on a FIFO fails instead of hanging. */
    alarm(20);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    alarm(0);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    return 0;
}

static const char *path_of(const char *rel)
{
    static char p[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof(p[k]), "%s/%s", dir, rel);
    return p[k];
}

static void write_bytes(const char *rel, const char *text, size_t len)
{
    FILE *f = fopen(path_of(rel), "w");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
}

static void write_text(const char *rel, const char *text)
{
    write_bytes(rel, text, strlen(text));
}

static struct upppd_opts *new_opts(void)
{
    struct upppd_opts *o = calloc(1, sizeof(*o));
    assert_non_null(o);
    upppd_opts_init(o);
    o->warn = capture;
    return o;
}

static void del_opts(struct upppd_opts *o)
{
    upppd_opts_free(o);
    free(o);
}

/* ---- item 2: warnings never quote a secret ---- */

/* Parse secrets text: the warnings must hold want and not hidden. */
static void secrets_warn(const char *text, const char *want, const char *hidden)
{
    struct upppd_secrets *s = NULL;
    warnings[0] = '\0';
    assert_int_equal(upppd_secrets_parse(&s, text, strlen(text), "chap-secrets", capture, NULL), 0);
    upppd_secrets_free(s);
    if (strstr(warnings, want) == NULL || strstr(warnings, hidden) != NULL)
        fail_msg("want \"%s\" and no \"%s\" in:\n%s", want, hidden, warnings);
}

static void test_secrets_warnings_hide_words(void **state)
{
    (void)state;
    secrets_warn("client server \"MyS3cretPassw0rd-unterminated\n",
                 "quoted word runs to end of file", "MyS3");
    /* A word over 1,023 bytes: a long secret. */
    char longer[1200 + 64];
    int n = snprintf(longer, sizeof(longer), "client server ");
    memset(longer + n, 'S', 1200);
    memcpy(longer + n, "LongSecret", 10);
    longer[n + 1200] = '\0';
    secrets_warn(longer, "word too long", "LongSecret");
    /* A secret with an unquoted space: its second half reads as an address. */
    secrets_warn("client server my Secret-Half 10.0.0.1\n",
                 "bad address (word 4) for client client", "Secret-Half");
}

static void test_options_warnings_hide_password(void **state)
{
    (void)state;
    struct upppd_opts *o = new_opts();
    write_text("opts", "password \"OptFileSecret99");
    upppd_opts_parse_file(o, path_of("opts"), 1);
    assert_non_null(strstr(warnings, "quoted word runs to end of file"));
    assert_null(strstr(warnings, "OptFileSecret"));

    char text[1300];
    int n = snprintf(text, sizeof(text), "password ");
    memset(text + n, 'P', 1100);
    memcpy(text + n, "LongOptSecret", 13);
    text[n + 1100] = '\0';
    write_text("opts2", text);
    warnings[0] = '\0';
    upppd_opts_parse_file(o, path_of("opts2"), 1);
    assert_non_null(strstr(warnings, "word too long"));
    assert_null(strstr(warnings, "LongOptSecret"));
    del_opts(o);

    /* Other options' words are still shown: they help find the mistake. */
    o = new_opts();
    write_text("opts3", "name \"unterminated-name");
    warnings[0] = '\0';
    upppd_opts_parse_file(o, path_of("opts3"), 1);
    assert_non_null(strstr(warnings, "(unterminated-name...)"));
    del_opts(o);
}

/* ---- item 3: an empty name matches only "*" client lines ---- */

static void test_empty_name(void **state)
{
    (void)state;
    static const char named[] = "alice server alice-pw 10.77.0.2\n"
                                "bob server bob-pw *\n";
    static const char wild[] = "alice server alice-pw 10.77.0.2\n"
                               "* server any-pw 10.77.0.9\n";
    struct upppd_secrets *s = NULL;
    struct uppp_secret out;
    const struct upppd_secret_entry *e = NULL;

    assert_int_equal(upppd_secrets_parse(&s, named, strlen(named), "chap-secrets", capture, NULL),
                     0);
    assert_int_equal(upppd_secrets_lookup(s, "", "server", UPPP_AUTH_CHAP_MD5, &out, &e),
                     UPPP_ERR_AUTH);
    assert_int_equal(upppd_secrets_lookup(s, "alice", "server", UPPP_AUTH_CHAP_MD5, &out, &e), 0);
    assert_string_equal(out.password, "alice-pw");
    assert_int_equal(upppd_secrets_lookup(s, "bob", "server", UPPP_AUTH_CHAP_MD5, &out, &e), 0);
    assert_string_equal(out.password, "bob-pw");
    assert_int_equal(upppd_secrets_lookup(s, "carol", "server", UPPP_AUTH_CHAP_MD5, &out, &e),
                     UPPP_ERR_AUTH);
    upppd_secrets_free(s);

    assert_int_equal(upppd_secrets_parse(&s, wild, strlen(wild), "chap-secrets", capture, NULL), 0);
    assert_int_equal(upppd_secrets_lookup(s, "", "server", UPPP_AUTH_CHAP_MD5, &out, &e), 0);
    assert_string_equal(out.password, "any-pw");
    assert_true(upppd_secret_addr_ok(e, 0x0a4d0009, -1));
    assert_false(upppd_secret_addr_ok(e, 0x0a4d0002, -1));
    assert_int_equal(upppd_secrets_lookup(s, "alice", "server", UPPP_AUTH_CHAP_MD5, &out, &e), 0);
    assert_string_equal(out.password, "alice-pw");
    upppd_secrets_free(s);
    memset(&out, 0, sizeof(out));
}

/* Through the store, as the session asks for the peer's secret. */
static void test_empty_name_store(void **state)
{
    (void)state;
    write_text("chap-secrets", "alice server alice-pw 10.77.0.2\nbob server bob-pw *\n");
    chmod(path_of("chap-secrets"), 0600);
    struct upppd_secret_store st;
    upppd_store_init(&st, dir);
    struct uppp_secret out;
    struct uppp_secret_query q = {
        .method = UPPP_AUTH_MSCHAP_V2, .for_peer = 1, .client = "", .server = "server"};
    assert_int_not_equal(upppd_store_get_secret(&st, &q, &out), 0);
    assert_int_equal(upppd_store_check_addr(&st, "", 0x0a4d0002), 0);
    q.client = "alice";
    assert_int_equal(upppd_store_get_secret(&st, &q, &out), 0);
    assert_string_equal(out.password, "alice-pw");
    upppd_store_free(&st);
}

/* ---- item 9: options files that are not regular files ---- */

static void test_options_fifo(void **state)
{
    (void)state;
    assert_int_equal(mkfifo(path_of("fifo"), 0600), 0);
    struct upppd_opts *o = new_opts();
    assert_int_equal(upppd_opts_parse_file(o, path_of("fifo"), 1), UPPP_ERR_PARSE);
    assert_non_null(strstr(o->error, "not a regular file"));
    del_opts(o);

    /* "file" from the command line, and a directory, and a device. */
    const char *paths[] = {path_of("fifo"), dir, "/dev/zero"};
    for (size_t i = 0; i < 3; i++) {
        o = new_opts();
        char *argv[] = {"file", (char *)paths[i]};
        assert_int_equal(upppd_opts_parse_argv(o, 2, argv), UPPP_ERR_PARSE);
        assert_non_null(strstr(o->error, paths[i]));
        assert_non_null(strstr(o->error, i == 1 ? "Is a directory" : "not a regular file"));
        del_opts(o);
    }
}

/* $UPPPD_ETC/options as a FIFO: refused, not waited on. */
static void test_etc_options_fifo(void **state)
{
    (void)state;
    assert_int_equal(mkfifo(path_of("options"), 0600), 0);
    assert_int_equal(setenv("UPPPD_ETC", dir, 1), 0);
    assert_int_equal(setenv("HOME", dir, 1), 0);
    struct upppd_opts *o = new_opts();
    unsetenv("UPPPD_ETC");
    char *argv[] = {"notty"};
    assert_int_equal(upppd_opts_load_all(o, 1, argv, NULL), UPPP_ERR_PARSE);
    assert_non_null(strstr(o->error, path_of("options")));
    assert_non_null(strstr(o->error, "not a regular file"));
    del_opts(o);
}

/* ---- item 10: include fan-out ---- */

/* Write rel as n lines "file <dir>/target". */
static void write_includes(const char *rel, const char *target, int n)
{
    char text[4096] = "";
    for (int k = 0; k < n; k++) {
        char l[300];
        snprintf(l, sizeof(l), "file %s/%s\n", dir, target);
        strcat(text, l);
    }
    write_text(rel, text);
}

/* Parsing rel must stop with an error holding want. */
static void expect_parse_error(const char *rel, const char *want)
{
    struct upppd_opts *o = new_opts();
    assert_int_equal(upppd_opts_parse_file(o, path_of(rel), 1), UPPP_ERR_PARSE);
    if (strstr(o->error, want) == NULL)
        fail_msg("want \"%s\" in \"%s\"", want, o->error);
    del_opts(o);
}

static void test_include_fanout(void **state)
{
    (void)state;
    /* 4 includes per level, 15 levels deep: 4^15 files without a bound. */
    for (int i = 0; i < 15; i++) {
        char name[16], next[16];
        snprintf(name, sizeof(name), "f%d", i);
        snprintf(next, sizeof(next), "f%d", i + 1);
        write_includes(name, next, 4);
    }
    write_text("f15", "noauth\n");
    expect_parse_error("f0", "too many options files");
}

static void test_include_bytes(void **state)
{
    (void)state;
    /* A 900 KB file of comments, included over and over. */
    size_t big = 900 * 1024;
    char *text = malloc(big);
    assert_non_null(text);
    memset(text, '#', big);
    text[big - 1] = '\n';
    write_bytes("big", text, big);
    free(text);
    write_includes("top", "big", 20);
    expect_parse_error("top", "options files too large in total");
}

/* ---- item 11: NUL bytes ---- */

static void test_nul_bytes(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        size_t len;
        unsigned line;
    } rows[] = {
        {"noauth\nname \"\\000x\"\n", 20, 2},
        {"name \"\\x00x\"\n", 13, 1},
        {"noauth\n\nname a\0x\n", 17, 3},
        {"password \"se\\0cret\"\n", 20, 1},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        write_bytes("nul", rows[i].text, rows[i].len);
        struct upppd_opts *o = new_opts();
        assert_int_equal(upppd_opts_parse_file(o, path_of("nul"), 1), UPPP_ERR_PARSE);
        char want[512];
        snprintf(want, sizeof(want), "In file %s:%u: NUL byte in a word", path_of("nul"),
                 rows[i].line);
        assert_string_equal(o->error, want);
        del_opts(o);
    }
}

/* ---- item 12: why a secrets file was skipped ---- */

static void test_secrets_file_skipped(void **state)
{
    (void)state;
    struct {
        const char *how;
        const char *reason;
    } rows[] = {
        {"fifo", "not a regular file"}, {"dir", "Is a directory"}, {"dev", "not a regular file"}};
    for (size_t i = 0; i < 3; i++) {
        char sub[32];
        snprintf(sub, sizeof(sub), "etc%zu", i);
        assert_int_equal(mkdir(path_of(sub), 0700), 0);
        char p[300];
        snprintf(p, sizeof(p), "%s/chap-secrets", path_of(sub));
        if (i == 0)
            assert_int_equal(mkfifo(p, 0600), 0);
        else if (i == 1)
            assert_int_equal(mkdir(p, 0700), 0);
        else
            assert_int_equal(symlink("/dev/zero", p), 0);
        struct upppd_secret_store st;
        upppd_store_init(&st, path_of(sub));
        st.log = capture_log;
        warnings[0] = '\0';
        assert_int_equal(upppd_store_usable_methods(&st, 1, NULL, "server", UPPP_AUTH_MSCHAP_V2),
                         0);
        char want[400];
        snprintf(want, sizeof(want), "Can't open secret file %s: %s", p, rows[i].reason);
        if (strstr(warnings, want) == NULL)
            fail_msg("%s: want \"%s\" in:\n%s", rows[i].how, want, warnings);
        upppd_store_free(&st);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_secrets_warnings_hide_words, setup, teardown),
        cmocka_unit_test_setup_teardown(test_options_warnings_hide_password, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_name_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_options_fifo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_etc_options_fifo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_include_fanout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_include_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nul_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secrets_file_skipped, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
