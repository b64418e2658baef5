/*
 * Peer-supplied strings in the log (issue 8, item 1): a hostile CHAP/PAP
 * name, Failure/Success message or LCP Terminate reason must reach every
 * log line escaped (include/uppp/escape.h): no byte below 0x20, no DEL, no
 * ESC, nothing of 0x80 and above, so it can neither forge a line nor drive
 * the admin's terminal. Every log line of both ends is checked as it is
 * produced. Also the escaper itself, and the peer name scripts see.
 */
#include "testutil.h"
#include "session_harness.h"

#include <stdio.h>
#include <uppp/escape.h>

#include "ppp.h"
#include "chap.h"

/* The name of the issue: clears the screen, then forges a syslog line. */
static const char evil[] = "evil\033[2J\nMay  1 00:00:00 host upppd[1]: forged\x9b\xe9";
/* How it must appear in a log line. */
static const char evil_shown[] = "evil\\033[2J\\nMay  1 00:00:00 host upppd[1]: forged\\233\\351";

static int bad_lines;
static char first_bad[1100];

/* The harness's log callback, plus a check of every byte of the line. */
static void checked_log(void *user, int level, const char *line)
{
    for (const unsigned char *p = (const unsigned char *)line; *p; p++) {
        if (*p < 0x20 || *p >= 0x7f) {
            if (bad_lines++ == 0)
                snprintf(first_bad, sizeof(first_bad), "%s", line);
            break;
        }
    }
    th_log(user, level, line);
}

static void start(struct th_link *l)
{
    struct th_end *ends[2] = {&l->a, &l->b};
    bad_lines = 0;
    first_bad[0] = '\0';
    for (int i = 0; i < 2; i++) {
        struct uppp_callbacks cb = {.user = ends[i],
                                    .output = th_output,
                                    .deliver = th_deliver,
                                    .event = th_event,
                                    .random = th_random,
                                    .get_secret = th_get_secret,
                                    .log = checked_log};
        assert_int_equal(uppp_session_new(&ends[i]->s, &ends[i]->cfg, &cb), 0);
    }
    assert_int_equal(uppp_session_start(l->a.s, l->now), 0);
    assert_int_equal(uppp_session_start(l->b.s, l->now), 0);
}

static void assert_clean_log(void)
{
    if (bad_lines)
        fail_msg("%d log line(s) with raw control bytes, first: %s", bad_lines, first_bad);
}

/* A demands method of B; B's name (or A's, when the authenticator is the
 * hostile one) is evil. known: A holds a secret for evil. */
static void setup(struct th_link *l, unsigned method, int evil_is_client, int known)
{
    th_init(l, 42 + method);
    l->a.cfg.mppe = UPPP_MPPE_OFF;
    l->b.cfg.mppe = UPPP_MPPE_OFF;
    l->a.cfg.require_auth = method;
    if (evil_is_client) {
        snprintf(l->b.cfg.our_name, sizeof(l->b.cfg.our_name), "%s", evil);
        if (known)
            th_add_secret(&l->a, evil, "*", "pw");
        th_add_secret(&l->b, evil, "*", "pw");
    } else {
        snprintf(l->a.cfg.our_name, sizeof(l->a.cfg.our_name), "%s", evil);
        th_add_secret(&l->a, "bob", "*", "pw");
        if (known)
            th_add_secret(&l->b, "bob", "*", "pw");
    }
}

static void run_to_end(struct th_link *l)
{
    th_run(l, l->now + 200000, th_both_running);
}

static const unsigned methods[] = {UPPP_AUTH_PAP, UPPP_AUTH_CHAP_MD5, UPPP_AUTH_MSCHAP_V1,
                                   UPPP_AUTH_MSCHAP_V2};

/* One run per method with a hostile name on one side; the end that logs
 * it (A for a hostile client, B for a hostile authenticator) must show it
 * escaped, and every line of both ends must be clean. */
static void evil_runs(int evil_is_client, int known, size_t first_method)
{
    for (size_t i = first_method; i < sizeof(methods) / sizeof(methods[0]); i++) {
        struct th_link l;
        setup(&l, methods[i], evil_is_client, known);
        start(&l);
        th_run(&l, l.now + 200000, known ? th_both_running : th_both_dead);
        struct th_end *e = evil_is_client ? &l.a : &l.b;
        assert_true(known ? th_both_running(&l) : uppp_session_is_dead(e->s));
        assert_clean_log();
        assert_non_null(strstr(e->logbuf, evil_shown));
        struct uppp_status st;
        uppp_session_status(e->s, &st);
        for (const unsigned char *p = (const unsigned char *)st.reason; *p; p++)
            assert_true(*p >= 0x20 && *p < 0x7f);
        /* The name as sent: check_addr() gets it to match the secret's. */
        if (known)
            assert_string_equal(st.peer_name, evil);
        th_free(&l);
    }
}

/* The authenticator accepts a hostile name it has a secret for. */
static void test_evil_client_accepted(void **state)
{
    (void)state;
    evil_runs(1, 1, 0);
}

/* ... and refuses one it has no secret for: "No ... secret found for
 * authenticating", "Peer ... failed", "Connection terminated". */
static void test_evil_client_unknown(void **state)
{
    (void)state;
    evil_runs(1, 0, 0);
}

/* A hostile authenticator's name (CHAP: PAP sends none): "No CHAP secret
 * found for authenticating us to ...", and the reason the client ends with. */
static void test_evil_authenticator(void **state)
{
    (void)state;
    evil_runs(0, 0, 1);
}

/* An LCP Terminate-Request whose reason is hostile. */
static void test_evil_terminate_reason(void **state)
{
    (void)state;
    struct th_link l;
    setup(&l, 0, 1, 1);
    start(&l);
    run_to_end(&l);
    assert_true(th_both_running(&l));
    uint8_t f[128] = {0xc0, 0x21, 5, 0x77, 0, 0};
    size_t n = sizeof(evil) - 1;
    memcpy(f + 6, evil, n);
    f[5] = (uint8_t)(4 + n);
    assert_int_equal(uppp_session_input_frame(l.a.s, f, 6 + n, l.now), 0);
    th_run(&l, l.now + 200000, th_both_dead);
    assert_clean_log();
    assert_non_null(strstr(l.a.logbuf, "LCP terminated by peer (evil\\033[2J\\nMay"));
    struct uppp_status st;
    uppp_session_status(l.a.s, &st);
    assert_non_null(strstr(st.reason, evil_shown));
    th_free(&l);
}

/* Failure and Success messages the authenticator chooses: rewritten in
 * flight, length kept, to hold ESC and a newline
 * (lower case only: the fields MS-CHAP parses are upper case). */
static int rewrite_msg(struct th_link *l)
{
    struct th_end *e = &l->a;
    for (size_t k = 0; k < e->qlen; k++) {
        struct th_frame *f = &e->q[(e->qhead + k) % TH_MAX_QUEUE];
        uint8_t *p = f->data + ((f->len >= 2 && f->data[0] == 0xff) ? 2 : 0);
        size_t n = f->len - (size_t)(p - f->data);
        int chap = n > 6 && p[0] == 0xc2 && p[1] == 0x23 &&
                   (p[2] == UPPP_CHAP_SUCCESS || p[2] == UPPP_CHAP_FAILURE);
        int pap = n > 7 && p[0] == 0xc0 && p[1] == 0x23 && (p[2] == 2 || p[2] == 3);
        size_t off = chap ? 6 : pap ? 7 : 0;
        for (size_t j = off; off && j < n; j++)
            if (p[j] == 'c' || p[j] == 'e' || p[j] == 'o') /* not in S=, E= or hex */
                p[j] = p[j] == 'c' ? '\n' : p[j] == 'e' ? 0x1b : '\r';
    }
    return th_both_dead(l);
}

static void test_evil_messages(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        for (int wrong = 0; wrong < 2; wrong++) {
            struct th_link l;
            setup(&l, methods[i], 1, 1);
            if (wrong)
                snprintf(l.b.secrets[0].secret.password, sizeof(l.b.secrets[0].secret.password),
                         "bad");
            /* No packet dump: the escapes seen are those of the messages. */
            l.a.cfg.debug = l.b.cfg.debug = 0;
            start(&l);
            th_run(&l, l.now + 200000, rewrite_msg);
            assert_clean_log();
            /* MS-CHAPv1's Failure holds no text of the peer's (no M=). */
            int has_text = !(methods[i] == UPPP_AUTH_MSCHAP_V1 && wrong);
            if (has_text && !strstr(l.b.logbuf, "\\n") && !strstr(l.b.logbuf, "\\033") &&
                !strstr(l.b.logbuf, "\\r"))
                fail_msg("%s wrong=%d: no message logged:\n%s",
                         methods[i] == UPPP_AUTH_PAP ? "PAP" : "CHAP", wrong, l.b.logbuf);
            th_free(&l);
        }
    }
}

/* The escaper: pppd's print_string() style, and its "%v". */
static void test_escape(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        unsigned flags;
        const char *want;
    } rows[] = {
        {"plain name", 0, "plain name"},
        {"a\"b\\c", 0, "a\\\"b\\\\c"},
        {"\n\r\t\033\177", 0, "\\n\\r\\t\\033\\177"},
        {"\xe9\x9b", 0, "\\351\\233"},
        {"\xe9", UPPP_ESCAPE_PPPD_SIGNED, "\\37777777751"},
        {"a\033\n\t\177\\", UPPP_ESCAPE_VISIBLE, "a^[^J\t^?\\"},
        {"\xe9\x9b", UPPP_ESCAPE_VISIBLE, "M-iM-^["},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char out[64];
        size_t n = uppp_escape(out, sizeof(out), rows[i].in, strlen(rows[i].in), rows[i].flags);
        assert_string_equal(out, rows[i].want);
        assert_int_equal(n, strlen(rows[i].want));
    }
    /* An escape that does not fit is left out whole. */
    char out[6];
    assert_int_equal(uppp_escape(out, sizeof(out), "ab\033c", 4, 0), 2);
    assert_string_equal(out, "ab");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_evil_client_accepted),
        cmocka_unit_test(test_evil_client_unknown),
        cmocka_unit_test(test_evil_authenticator),
        cmocka_unit_test(test_evil_terminate_reason),
        cmocka_unit_test(test_evil_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
