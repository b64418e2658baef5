/* pppd's secrets files: words, quoting and comments, pppd's precedence of
 * literal over wildcard names, @/path secrets, our nthash: secrets, the
 * address lists (with ! exclusions, subnets, /n+, - and *), options after
 * "--", malformed lines, the permissions warning, missing files, and the
 * get_secret / check_addr glue for the session. */
#define _GNU_SOURCE /* nftw */
#include "testutil.h"

#include "crypto.h"
#include "secrets.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char warnings[16384];

static void capture(void *ctx, const char *msg)
{
    (void)ctx;
    strncat(warnings, msg, sizeof(warnings) - strlen(warnings) - 2);
    strcat(warnings, "\n");
}

static struct upppd_secrets *parse(const char *text)
{
    struct upppd_secrets *s = NULL;
    warnings[0] = 0;
    assert_int_equal(upppd_secrets_parse(&s, text, strlen(text), "secrets", capture, NULL), 0);
    assert_non_null(s);
    return s;
}

/* The password chosen for client on server, or NULL if none. */
static const char *pick(const struct upppd_secrets *s, const char *client, const char *server)
{
    static struct uppp_secret out;
    if (upppd_secrets_lookup(s, client, server, UPPP_AUTH_MSCHAP_V2, &out, NULL) != 0)
        return NULL;
    assert_int_equal(out.kind, UPPP_SECRET_PASSWORD);
    return out.password;
}

static char tmpdir[256];

static void tmp_make(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/upppd-secrets-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
}

static const char *tmp_path(const char *rel)
{
    static char p[8][512]; /* several may be live in one call */
    static int i;
    i = (i + 1) % 8;
    snprintf(p[i], sizeof(p[i]), "%s/%s", tmpdir, rel);
    return p[i];
}

static void tmp_write(const char *rel, const char *text, mode_t mode)
{
    const char *p = tmp_path(rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(p, mode), 0);
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
}

/* ---- format ---- */

static void test_parse(void **state)
{
    (void)state;
    struct upppd_secrets *s = parse("# Secrets for authentication using CHAP\n"
                                    "# client\tserver\tsecret\t\t\tIP addresses\n"
                                    "alice   corp  \"correct horse battery\"   10.0.0.2\n"
                                    "\n"
                                    "'bob smith' * 'it''s' # comment after the line\n"
                                    "carol corp pa\\ss\\x21\\s\\\n"
                                    "   10.0.0.3\n"
                                    "dave corp \"\"\n");
    assert_int_equal(s->n, 4);
    assert_string_equal(s->e[0].client, "alice");
    assert_string_equal(s->e[0].server, "corp");
    assert_string_equal(s->e[0].secret, "correct horse battery");
    assert_int_equal(s->e[0].line, 3);
    assert_int_equal(s->e[0].n_rules, 1);
    assert_string_equal(s->e[1].client, "bob smith");
    assert_string_equal(s->e[1].server, "*");
    assert_string_equal(s->e[1].secret, "its");
    assert_int_equal(s->e[1].line, 5);
    assert_int_equal(s->e[1].n_rules, 0);
    /* Escapes, and a backslash-newline continues the line. */
    assert_string_equal(s->e[2].secret, "pa s! "); /* \s is a space */
    assert_int_equal(s->e[2].n_rules, 1);
    assert_int_equal(s->e[2].rules[0].base, 0x0a000003);
    assert_string_equal(s->e[3].secret, ""); /* an empty secret is a secret */
    assert_string_equal(warnings, "");
    assert_string_equal(pick(s, "alice", "corp"), "correct horse battery");
    assert_string_equal(pick(s, "bob smith", "anything"), "its");
    assert_string_equal(pick(s, "dave", "corp"), "");
    assert_null(pick(s, "Alice", "corp")); /* case matters */
    assert_null(pick(s, "eve", "corp"));
    upppd_secrets_free(s);

    /* An empty file has no entries. */
    s = parse("");
    assert_int_equal(s->n, 0);
    assert_null(pick(s, "alice", "corp"));
    upppd_secrets_free(s);
}

static void test_malformed(void **state)
{
    (void)state;
    struct upppd_secrets *s = parse("alice\n"
                                    "bob corp\n"
                                    "carol corp pw\n"
                                    "dave \\\n corp pw2\n"
                                    "erin corp");
    assert_int_equal(s->n, 2);
    assert_string_equal(s->e[0].client, "carol");
    assert_string_equal(s->e[1].client, "dave");
    assert_string_equal(s->e[1].secret, "pw2");
    assert_string_equal(warnings,
                        "In file secrets:1: ignoring a line with 1 word (need client, server, "
                        "secret)\n"
                        "In file secrets:2: ignoring a line with 2 words (need client, server, "
                        "secret)\n"
                        "In file secrets:6: ignoring a line with 2 words (need client, server, "
                        "secret)\n");
    upppd_secrets_free(s);

    /* Bytes that are not text do not upset the parser. */
    const char junk[] = "a\0b c \xff\xfe d\r\n\"unterminated";
    struct upppd_secrets *j = NULL;
    assert_int_equal(upppd_secrets_parse(&j, junk, sizeof(junk) - 1, "junk", NULL, NULL), 0);
    upppd_secrets_free(j);
}

/* ---- which line wins ---- */

struct prec_row {
    const char *client, *server, *want;
};

static void test_precedence(void **state)
{
    (void)state;
    static const char *const file = "*      *     wild-wild\n"
                                    "*      srv   wild-srv\n"
                                    "alice  *     alice-wild\n"
                                    "alice  srv   alice-srv\n"
                                    "alice  srv   alice-srv-second\n"
                                    "bob    *     bob-wild-1\n"
                                    "bob    *     bob-wild-2\n";
    static const struct prec_row rows[] = {
        {"alice", "srv", "alice-srv"}, /* exact; the first of equal lines wins */
        {"alice", "other", "alice-wild"},
        {"carol", "srv", "wild-srv"},
        {"carol", "other", "wild-wild"},
        {"bob", "srv", "bob-wild-1"}, /* a literal client beats a literal server */
        {"bob", "other", "bob-wild-1"},
        /* Unknown names (NULL, or "" for the server) match any line; literal
         * lines rank higher. An empty client name matches only "*" client
         * lines, as in pppd (issue 8). */
        {NULL, "srv", "alice-srv"},
        {"", "", "wild-srv"},
        {"carol", NULL, "wild-srv"},
        {"bob", "", "bob-wild-1"},
    };
    struct upppd_secrets *s = parse(file);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const char *got = pick(s, rows[i].client, rows[i].server);
        if (got == NULL || strcmp(got, rows[i].want) != 0)
            fail_msg("%s on %s: got %s, want %s", rows[i].client ? rows[i].client : "(null)",
                     rows[i].server ? rows[i].server : "(null)", got ? got : "(none)",
                     rows[i].want);
    }
    upppd_secrets_free(s);

    /* The rank does not depend on the order of the lines. */
    s = parse("alice srv exact\n* srv wild-srv\nalice * alice-wild\n* * wild-wild\n");
    assert_string_equal(pick(s, "alice", "srv"), "exact");
    upppd_secrets_free(s);
    s = parse("* * wild-wild\nalice * alice-wild\n* srv wild-srv\nalice srv exact\n");
    assert_string_equal(pick(s, "alice", "srv"), "exact");
    assert_string_equal(pick(s, "alice", "x"), "alice-wild");
    upppd_secrets_free(s);

    /* No line for the pair. */
    s = parse("alice srv pw\n");
    struct uppp_secret out;
    assert_int_equal(upppd_secrets_lookup(s, "bob", "srv", UPPP_AUTH_PAP, &out, NULL),
                     UPPP_ERR_AUTH);
    assert_int_equal(out.kind, UPPP_SECRET_NONE);
    const struct upppd_secret_entry *e = NULL;
    assert_int_equal(upppd_secrets_lookup(s, "alice", "srv", UPPP_AUTH_PAP, &out, &e), 0);
    assert_ptr_equal(e, &s->e[0]);
    upppd_secrets_free(s);
}

/* ---- @/path ---- */

static void test_at_file(void **state)
{
    (void)state;
    tmp_make();
    tmp_write("s1", "  \"pass word\" ignored words\n", 0600);
    tmp_write("s2", "# only a comment\n", 0600);
    tmp_write("s3", "nthash:8846f7eaee8fb117ad06bdd830b7586c\n", 0600);
    tmp_write("open", "opensecret\n", 0644);
    char text[2048];
    snprintf(text, sizeof(text),
             "alice srv @%s\n"
             "bob srv @%s\n" /* missing: passed over */
             "bob * bob-fallback\n"
             "carol srv @%s\n" /* no word in it: passed over */
             "dave srv @%s\n"
             "erin srv @relative\n" /* needs @/ to be a file */
             "frank srv @%s\n",
             tmp_path("s1"), tmp_path("missing"), tmp_path("s2"), tmp_path("s3"), tmp_path("open"));
    struct upppd_secrets *s = parse(text);
    assert_string_equal(pick(s, "alice", "srv"), "pass word");
    warnings[0] = 0;
    assert_string_equal(pick(s, "bob", "srv"), "bob-fallback");
    char want[1024];
    snprintf(want, sizeof(want),
             "In file secrets:2: can't open indirect secret file %s: No such file or directory\n",
             tmp_path("missing"));
    assert_string_equal(warnings, want);
    warnings[0] = 0;
    assert_null(pick(s, "carol", "srv"));
    snprintf(want, sizeof(want), "In file secrets:4: no secret in indirect secret file %s\n",
             tmp_path("s2"));
    assert_string_equal(warnings, want);
    struct uppp_secret out;
    assert_int_equal(upppd_secrets_lookup(s, "dave", "srv", UPPP_AUTH_MSCHAP_V1, &out, NULL), 0);
    assert_int_equal(out.kind, UPPP_SECRET_NTHASH);
    assert_string_equal(pick(s, "erin", "srv"), "@relative");
    warnings[0] = 0;
    assert_string_equal(pick(s, "frank", "srv"), "opensecret");
    snprintf(want, sizeof(want), "Warning - secret file %s has world and/or group access\n",
             tmp_path("open"));
    assert_string_equal(warnings, want);
    upppd_secrets_free(s);
    tmp_remove();
}

/* ---- nthash: ---- */

static void test_nthash(void **state)
{
    (void)state;
    /* The NT hash of "password": MD4 over its UTF-16LE form (RFC 2759 8.3). */
    static const uint8_t pw16[] = {'p', 0, 'a', 0, 's', 0, 's', 0, 'w', 0, 'o', 0, 'r', 0, 'd', 0};
    uint8_t md4[16];
    assert_int_equal(uppp_md4(pw16, sizeof(pw16), md4), 0);
    tu_assert_hex(md4, 16, "8846f7eaee8fb117ad06bdd830b7586c");

    struct upppd_secrets *s = parse("alice srv nthash:8846F7EAEE8FB117ad06bdd830b7586c\n"
                                    "bob srv nthash:8846f7eaee8fb117ad06bdd830b7586\n"
                                    "* srv guest\n");
    struct uppp_secret out;
    assert_int_equal(upppd_secrets_lookup(s, "alice", "srv", UPPP_AUTH_MSCHAP_V2, &out, NULL), 0);
    assert_int_equal(out.kind, UPPP_SECRET_NTHASH);
    assert_memory_equal(out.nt_hash, md4, 16);
    assert_int_equal(upppd_secrets_lookup(s, "alice", "srv", UPPP_AUTH_MSCHAP_V1, &out, NULL), 0);
    assert_int_equal(out.kind, UPPP_SECRET_NTHASH);

    /* PAP and CHAP-MD5 need the password itself. */
    warnings[0] = 0;
    assert_int_equal(upppd_secrets_lookup(s, "alice", "srv", UPPP_AUTH_PAP, &out, NULL),
                     UPPP_ERR_INVALID);
    assert_int_equal(out.kind, UPPP_SECRET_NONE);
    assert_string_equal(warnings, "In file secrets:1: the secret for alice on srv is an NT hash, "
                                  "which only MS-CHAP can use, not PAP\n");
    assert_int_equal(upppd_secrets_lookup(s, "alice", "srv", UPPP_AUTH_CHAP_MD5, &out, NULL),
                     UPPP_ERR_INVALID);

    /* A malformed hash (31 digits) makes its line unusable; the wildcard
     * line does not stand in for it. */
    assert_int_equal(s->e[1].bad_secret, 1);
    warnings[0] = 0;
    assert_int_equal(upppd_secrets_lookup(s, "bob", "srv", UPPP_AUTH_MSCHAP_V2, &out, NULL),
                     UPPP_ERR_INVALID);
    assert_non_null(strstr(warnings, "In file secrets:2: the secret for bob on srv is malformed"));
    assert_string_equal(pick(s, "carol", "srv"), "guest");
    upppd_secrets_free(s);

    /* The parse warning names the line and client, never the secret. */
    s = parse("bob srv nthash:zz0102030405060708090a0b0c0d0e0f\n");
    assert_string_equal(warnings, "In file secrets:1: malformed nthash: secret for client bob "
                                  "(need 32 hex digits): this line cannot be used\n");
    assert_null(strstr(warnings, "zz01"));
    upppd_secrets_free(s);

    /* upppd_secret_from_word */
    assert_int_equal(upppd_secret_from_word("nthash:00112233445566778899aabbccddeeff", &out), 0);
    assert_int_equal(out.kind, UPPP_SECRET_NTHASH);
    tu_assert_hex(out.nt_hash, 16, "00112233445566778899aabbccddeeff");
    assert_int_equal(upppd_secret_from_word("nthash:00112233445566778899aabbccddeeff0", &out),
                     UPPP_ERR_PARSE);
    assert_int_equal(upppd_secret_from_word("nthash:0011223344556677889gaabbccddeeff", &out),
                     UPPP_ERR_PARSE);
    assert_int_equal(upppd_secret_from_word("nthash:", &out), UPPP_ERR_PARSE);
    assert_int_equal(upppd_secret_from_word("NTHASH:00112233445566778899aabbccddeeff", &out), 0);
    assert_int_equal(out.kind, UPPP_SECRET_PASSWORD); /* the prefix is lower case */
    assert_int_equal(upppd_secret_from_word("Pässwörd-€", &out), 0);
    assert_string_equal(out.password, "Pässwörd-€");
    char big[1100];
    memset(big, 'x', 1024);
    big[1024] = 0;
    assert_int_equal(upppd_secret_from_word(big, &out), 0);
    big[1024] = 'x';
    big[1025] = 0;
    assert_int_equal(upppd_secret_from_word(big, &out), UPPP_ERR_PARSE);
}

/* ---- addresses ---- */

struct addr_row {
    const char *words; /* after "c s pw" */
    const char *addr;
    int unit;
    int ok;
};

static uint32_t a4(const char *s)
{
    unsigned a, b, c, d;
    assert_int_equal(sscanf(s, "%u.%u.%u.%u", &a, &b, &c, &d), 4);
    return a << 24 | b << 16 | c << 8 | d;
}

static void test_addresses(void **state)
{
    (void)state;
    static const struct addr_row rows[] = {
        {"", "10.0.0.1", -1, 0}, /* three words: no address allowed */
        {"*", "10.0.0.1", -1, 1},
        {"*", "192.0.2.200", -1, 1},
        {"-", "10.0.0.1", -1, 0},
        {"10.0.0.1", "10.0.0.1", -1, 1},
        {"10.0.0.1", "10.0.0.2", -1, 0},
        {"10.0.0.1 10.0.0.2", "10.0.0.2", -1, 1},
        {"10.0.0.0/24", "10.0.0.77", -1, 1},
        {"10.0.0.0/24", "10.0.1.77", -1, 0},
        {"10.0.0.9/24", "10.0.0.1", -1, 1}, /* host bits of a subnet are ignored */
        {"10.0.0.0/8", "10.200.0.1", -1, 1},
        {"0.0.0.0/1", "100.0.0.1", -1, 1},
        {"0.0.0.0/1", "200.0.0.1", -1, 0},
        {"10.0.0.5/32", "10.0.0.5", -1, 1},
        /* The first matching rule decides. */
        {"!10.0.0.5 10.0.0.0/24", "10.0.0.5", -1, 0},
        {"!10.0.0.5 10.0.0.0/24", "10.0.0.6", -1, 1},
        {"10.0.0.0/24 !10.0.0.5", "10.0.0.5", -1, 1},
        {"!10.0.0.0/28 *", "10.0.0.3", -1, 0},
        {"!10.0.0.0/28 *", "10.0.0.30", -1, 1},
        /* "-" ends the list; "*" ends it too. */
        {"10.0.0.1 - 10.0.0.2", "10.0.0.2", -1, 0},
        {"10.0.0.1 - 10.0.0.2", "10.0.0.1", -1, 1},
        {"* !10.0.0.1", "10.0.0.1", -1, 1},
        /* /n+: the host part is the unit + 1. */
        {"10.0.0.0/24+", "10.0.0.5", 4, 1},
        {"10.0.0.0/24+", "10.0.0.4", 4, 0},
        {"10.0.0.0/24+", "10.0.0.5", -1, 0}, /* unit unknown */
        {"10.0.0.0/30+", "10.0.0.3", 1, 0},  /* unit + 1 = 2... fits */
        {"10.0.0.0/30+", "10.0.0.2", 1, 1},
        {"10.0.0.0/30+", "10.0.0.3", 2, 0}, /* 3 is the broadcast: unit too large */
        /* Never loopback or multicast, even with "*". */
        {"*", "127.0.0.1", -1, 0},
        {"*", "224.0.0.5", -1, 0},
        {"*", "250.0.0.5", -1, 0},
        /* Words that do not parse make the line allow nothing. */
        {"10.0.0.0/0", "10.0.0.1", -1, 0},
        {"10.0.0.0/33", "10.0.0.1", -1, 0},
        {"10.0.0.0/24x", "10.0.0.1", -1, 0},
        {"10.0.0.0/", "10.0.0.1", -1, 0},
        {"host.example 10.0.0.1", "10.0.0.1", -1, 0},
        {"!bad 10.0.0.0/8", "10.0.0.1", -1, 0},
        {"10.0.0.1 !10.0.0.256", "10.0.0.1", -1, 0},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char text[256];
        snprintf(text, sizeof(text), "c s pw %s\n", rows[i].words);
        struct upppd_secrets *s = parse(text);
        assert_int_equal(s->n, 1);
        int ok = upppd_secret_addr_ok(&s->e[0], a4(rows[i].addr), rows[i].unit);
        if (ok != rows[i].ok)
            fail_msg("'%s' with %s unit %d: got %d", rows[i].words, rows[i].addr, rows[i].unit, ok);
        upppd_secrets_free(s);
    }

    struct upppd_secrets *s = parse("c s pw !host.example 10.0.0.0/8\n");
    assert_string_equal(warnings, "In file secrets:1: bad address (word 4) for client c: "
                                  "it may use no address\n");
    upppd_secrets_free(s);

    /* The address pppd offers the peer when none was configured. */
    static const struct {
        const char *words;
        int unit;
        const char *want;
    } sug[] = {
        {"10.0.0.0/24 10.0.0.9", -1, "10.0.0.9"},
        {"!10.0.0.3 10.0.0.4", -1, "10.0.0.4"},
        {"*", -1, "0.0.0.0"},
        {"", -1, "0.0.0.0"},
        {"10.0.0.0/24+", 2, "10.0.0.3"},
        {"10.0.0.0/24+", -1, "0.0.0.0"},
        {"bad 10.0.0.4", -1, "0.0.0.0"},
    };
    for (size_t i = 0; i < sizeof(sug) / sizeof(sug[0]); i++) {
        char text[256];
        snprintf(text, sizeof(text), "c s pw %s\n", sug[i].words);
        s = parse(text);
        assert_int_equal(upppd_secret_suggested_ip(&s->e[0], sug[i].unit), a4(sug[i].want));
        upppd_secrets_free(s);
    }
}

static void test_options_after_dashdash(void **state)
{
    (void)state;
    struct upppd_secrets *s = parse("alice srv pw 10.0.0.1 -- mru 1400 debug\n"
                                    "bob srv pw -- ipparam \"b o b\"\n"
                                    "carol srv pw 10.0.0.3 --\n");
    assert_int_equal(s->n, 3);
    assert_int_equal(s->e[0].n_rules, 1);
    assert_int_equal(s->e[0].n_options, 3);
    assert_string_equal(s->e[0].options[0], "mru");
    assert_string_equal(s->e[0].options[1], "1400");
    assert_string_equal(s->e[0].options[2], "debug");
    assert_int_equal(s->e[1].n_rules, 0);
    assert_int_equal(upppd_secret_addr_ok(&s->e[1], a4("10.0.0.1"), -1), 0);
    assert_int_equal(s->e[1].n_options, 2);
    assert_string_equal(s->e[1].options[1], "b o b");
    assert_int_equal(s->e[2].n_options, 0);
    assert_int_equal(upppd_secret_addr_ok(&s->e[2], a4("10.0.0.3"), -1), 1);
    upppd_secrets_free(s);
}

/* ---- files ---- */

static void test_load(void **state)
{
    (void)state;
    tmp_make();
    struct upppd_secrets *s = NULL;
    char err[1024], want[1024];

    warnings[0] = 0;
    assert_int_equal(upppd_secrets_load(&s, tmp_path("none"), capture, NULL, err, sizeof(err)),
                     UPPP_ERR_INVALID);
    snprintf(want, sizeof(want), "Can't open secret file %s: No such file or directory",
             tmp_path("none"));
    assert_string_equal(err, want);
    assert_int_equal(upppd_secrets_load(&s, tmpdir, capture, NULL, err, sizeof(err)),
                     UPPP_ERR_INVALID);
    snprintf(want, sizeof(want), "Can't open secret file %s: Is a directory", tmpdir);
    assert_string_equal(err, want);

    tmp_write("chap-secrets", "alice srv pw\n", 0600);
    assert_int_equal(
        upppd_secrets_load(&s, tmp_path("chap-secrets"), capture, NULL, err, sizeof(err)), 0);
    assert_string_equal(warnings, "");
    assert_string_equal(pick(s, "alice", "srv"), "pw");
    upppd_secrets_free(s);

    static const mode_t loose[] = {0644, 0640, 0604, 0610, 0602};
    for (size_t i = 0; i < sizeof(loose) / sizeof(loose[0]); i++) {
        assert_int_equal(chmod(tmp_path("chap-secrets"), loose[i]), 0);
        warnings[0] = 0;
        assert_int_equal(
            upppd_secrets_load(&s, tmp_path("chap-secrets"), capture, NULL, err, sizeof(err)), 0);
        snprintf(want, sizeof(want), "Warning - secret file %s has world and/or group access\n",
                 tmp_path("chap-secrets"));
        assert_string_equal(warnings, want);
        upppd_secrets_free(s);
    }

    /* Unreadable (tests may run as root, who reads anything). */
    if (geteuid() != 0) {
        assert_int_equal(chmod(tmp_path("chap-secrets"), 0), 0);
        assert_int_equal(
            upppd_secrets_load(&s, tmp_path("chap-secrets"), capture, NULL, err, sizeof(err)),
            UPPP_ERR_INVALID);
        snprintf(want, sizeof(want), "Can't open secret file %s: Permission denied",
                 tmp_path("chap-secrets"));
        assert_string_equal(err, want);
    }
    /* Only regular files: a device or a FIFO is refused without blocking. */
    assert_int_equal(upppd_secrets_load(&s, "/dev/null", capture, NULL, err, sizeof(err)),
                     UPPP_ERR_INVALID);
    assert_string_equal(err, "Can't open secret file /dev/null: not a regular file");
    assert_int_equal(mkfifo(tmp_path("fifo"), 0600), 0);
    assert_int_equal(upppd_secrets_load(&s, tmp_path("fifo"), capture, NULL, err, sizeof(err)),
                     UPPP_ERR_INVALID);
    snprintf(want, sizeof(want), "Can't open secret file %s: not a regular file", tmp_path("fifo"));
    assert_string_equal(err, want);
    char text[600];
    snprintf(text, sizeof(text), "alice srv @%s\n", tmp_path("fifo"));
    s = parse(text);
    assert_null(pick(s, "alice", "srv"));
    snprintf(want, sizeof(want),
             "In file secrets:1: can't open indirect secret file %s: not a regular file\n",
             tmp_path("fifo"));
    assert_string_equal(warnings, want);
    upppd_secrets_free(s);

    upppd_secrets_free(NULL);
    tmp_remove();
}

/* ---- the session callbacks ---- */

static char logbuf[8192];

static void log_line(void *ctx, int level, const char *msg)
{
    (void)ctx;
    char line[1024];
    snprintf(line, sizeof(line), "%d %s\n", level, msg);
    strncat(logbuf, line, sizeof(logbuf) - strlen(logbuf) - 1);
}

static void test_store(void **state)
{
    (void)state;
    tmp_make();
    tmp_write("chap-secrets",
              "alice srv pw !10.0.0.13 10.0.0.0/24\n"
              "*     srv guest -\n"
              "srv   corp ours\n"
              "pool  srv pw2 192.168.5.0/24+\n",
              0600);
    tmp_write("pap-secrets", "papuser srv pappw *\n", 0600);
    struct upppd_secret_store st;
    upppd_store_init(&st, tmpdir);
    st.log = log_line;
    logbuf[0] = 0;
    struct uppp_secret out;
    struct uppp_secret_query q = {UPPP_AUTH_MSCHAP_V2, 1, "alice", "srv"};

    /* Nobody authenticated yet: no address. */
    assert_int_equal(upppd_store_check_addr(&st, "alice", a4("10.0.0.7")), 0);

    assert_int_equal(upppd_store_get_secret(&st, &q, &out), 0);
    assert_int_equal(out.kind, UPPP_SECRET_PASSWORD);
    assert_string_equal(out.password, "pw");
    assert_int_equal(upppd_store_check_addr(&st, "alice", a4("10.0.0.7")), 1);
    assert_int_equal(upppd_store_check_addr(&st, "alice", a4("10.0.0.13")), 0);
    assert_int_equal(upppd_store_check_addr(&st, "alice", a4("10.0.1.7")), 0);
    assert_int_equal(upppd_store_check_addr(&st, "mallory", a4("10.0.0.7")), 0);

    /* The wildcard line allows no address ("-"). */
    struct uppp_secret_query qe = {UPPP_AUTH_MSCHAP_V1, 1, "eve", "srv"};
    assert_int_equal(upppd_store_get_secret(&st, &qe, &out), 0);
    assert_string_equal(out.password, "guest");
    assert_int_equal(upppd_store_check_addr(&st, "eve", a4("10.0.0.7")), 0);
    assert_int_equal(upppd_store_check_addr(&st, "alice", a4("10.0.0.7")), 0); /* replaced */

    /* /n+ uses the unit. */
    st.unit = 6;
    struct uppp_secret_query qp = {UPPP_AUTH_MSCHAP_V2, 1, "pool", "srv"};
    assert_int_equal(upppd_store_get_secret(&st, &qp, &out), 0);
    assert_int_equal(upppd_store_check_addr(&st, "pool", a4("192.168.5.7")), 1);
    assert_int_equal(upppd_store_check_addr(&st, "pool", a4("192.168.5.6")), 0);

    /* PAP reads pap-secrets. */
    struct uppp_secret_query qpap = {UPPP_AUTH_PAP, 1, "papuser", "srv"};
    assert_int_equal(upppd_store_get_secret(&st, &qpap, &out), 0);
    assert_string_equal(out.password, "pappw");
    assert_int_equal(upppd_store_check_addr(&st, "papuser", a4("203.0.113.9")), 1);
    assert_int_equal(upppd_store_check_addr(&st, "papuser", a4("127.0.0.1")), 0);
    struct uppp_secret_query qpap2 = {UPPP_AUTH_PAP, 1, "alice", "srv"};
    assert_int_equal(upppd_store_get_secret(&st, &qpap2, &out), UPPP_ERR_AUTH);

    /* Our own secret: from the file, or the password option. */
    struct uppp_secret_query qus = {UPPP_AUTH_MSCHAP_V2, 0, "srv", "corp"};
    assert_int_equal(upppd_store_get_secret(&st, &qus, &out), 0);
    assert_string_equal(out.password, "ours");
    snprintf(st.password, sizeof(st.password), "from-option");
    st.password_set = 1;
    assert_int_equal(upppd_store_get_secret(&st, &qus, &out), 0);
    assert_string_equal(out.password, "from-option");
    /* ... but not for checking the peer. */
    assert_int_equal(upppd_store_get_secret(&st, &q, &out), 0);
    assert_string_equal(out.password, "pw");
    assert_string_equal(logbuf, "");

    /* Files are read afresh: edits apply, permissions are checked. */
    tmp_write("chap-secrets", "alice srv newpw *\n", 0644);
    assert_int_equal(upppd_store_get_secret(&st, &q, &out), 0);
    assert_string_equal(out.password, "newpw");
    char want[1024];
    snprintf(want, sizeof(want), "4 Warning - secret file %s has world and/or group access\n",
             tmp_path("chap-secrets"));
    assert_string_equal(logbuf, want);

    /* A missing file is an error, logged. */
    logbuf[0] = 0;
    assert_int_equal(remove(tmp_path("pap-secrets")), 0);
    assert_int_equal(upppd_store_get_secret(&st, &qpap, &out), UPPP_ERR_INVALID);
    assert_int_equal(out.kind, UPPP_SECRET_NONE);
    snprintf(want, sizeof(want), "3 Can't open secret file %s: No such file or directory\n",
             tmp_path("pap-secrets"));
    assert_string_equal(logbuf, want);

    upppd_store_free(&st);
    assert_int_equal(st.password_set, 0);
    assert_int_equal(st.password[0], 0);
    assert_int_equal(st.have_peer, 0);
    tmp_remove();
}

/* pppd's have_pap_secret() / have_chap_secret(). */
static void test_usable_methods(void **state)
{
    (void)state;
    tmp_make();
    tmp_write("chap-secrets",
              "alice srv pw *\n"
              "bob   srv nthash:8846f7eaee8fb117ad06bdd830b7586c *\n"
              "*     srv guest -\n",
              0600);
    tmp_write("pap-secrets", "papuser srv pappw 10.0.0.1\n", 0600);
    struct upppd_secret_store st;
    upppd_store_init(&st, tmpdir);
    const unsigned chap = UPPP_AUTH_CHAP_MD5 | UPPP_AUTH_MSCHAP_V1 | UPPP_AUTH_MSCHAP_V2;
    const unsigned ms = UPPP_AUTH_MSCHAP_V1 | UPPP_AUTH_MSCHAP_V2;

    /* Checking the peer: any client on our name. */
    assert_int_equal(upppd_store_usable_methods(&st, 1, NULL, "srv", UPPP_AUTH_ALL), UPPP_AUTH_ALL);
    assert_int_equal(upppd_store_usable_methods(&st, 1, NULL, "srv", UPPP_AUTH_MSCHAP_V2),
                     UPPP_AUTH_MSCHAP_V2);
    /* remotename bob: an NT hash serves MS-CHAP only. */
    assert_int_equal(upppd_store_usable_methods(&st, 1, "bob", "srv", UPPP_AUTH_ALL), ms);
    /* The best line for eve allows no address: as pppd, it does not count. */
    assert_int_equal(upppd_store_usable_methods(&st, 1, "eve", "srv", UPPP_AUTH_ALL), 0);
    assert_int_equal(upppd_store_usable_methods(&st, 1, NULL, "other", UPPP_AUTH_ALL), 0);
    /* Our own secrets need no address. */
    assert_int_equal(upppd_store_usable_methods(&st, 0, "alice", NULL, UPPP_AUTH_ALL), chap);
    assert_int_equal(upppd_store_usable_methods(&st, 0, "papuser", "srv", UPPP_AUTH_PAP),
                     UPPP_AUTH_PAP);
    /* ... and the "* srv" line serves any client for CHAP. */
    assert_int_equal(upppd_store_usable_methods(&st, 0, "papuser", "srv", UPPP_AUTH_ALL),
                     UPPP_AUTH_ALL);
    assert_int_equal(upppd_store_usable_methods(&st, 0, "nobody", "x", UPPP_AUTH_ALL), 0);
    /* The password option serves every method. */
    st.password_set = 1;
    snprintf(st.password, sizeof(st.password), "pw");
    assert_int_equal(upppd_store_usable_methods(&st, 0, "nobody", "x", UPPP_AUTH_ALL),
                     UPPP_AUTH_ALL);
    assert_int_equal(upppd_store_usable_methods(&st, 1, "nobody", "x", UPPP_AUTH_ALL), 0);
    /* A missing file gives none of its methods. */
    assert_int_equal(remove(tmp_path("pap-secrets")), 0);
    assert_int_equal(upppd_store_usable_methods(&st, 1, NULL, "srv", UPPP_AUTH_ALL), chap);
    upppd_store_free(&st);
    tmp_remove();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_at_file),
        cmocka_unit_test(test_nthash),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_options_after_dashdash),
        cmocka_unit_test(test_load),
        cmocka_unit_test(test_store),
        cmocka_unit_test(test_usable_methods),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
