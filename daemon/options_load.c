/*
 * Where options come from (pppd(8) "OPTIONS FILES"; pppd 2.4.9 options.c
 * parse_args(), options_from_file(), options_from_user(),
 * options_for_tty(), readfile(), callfile(); tty.c
 * tty_process_extra_options()): the command line, options files, and
 * pppd's order $ETC/options, ~/.ppprc, $ETC/options.<ttyname>, command
 * line.
 */
#include "options_int.h"
#include "words.h"

#include "crypto.h" /* uppp_memzero */

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Options files nest (file, call) without limit in pppd; a loop would
 * recurse until the stack runs out. */
#define MAX_DEPTH 16
/* Nor does it bound the fan-out: 4 "file" lines per level, 15 levels deep,
 * is 4^15 files. Real configurations read a handful of small files. */
#define MAX_FILES 100
#define MAX_TOTAL_BYTES (4u << 20)
#define MAX_SOURCES 1000

static const char *const version = "0.1.0";

const char *upppd_version(void)
{
    return version;
}

void upppd_opts_init(struct upppd_opts *o)
{
    memset(o, 0, sizeof(*o));
    uppp_config_init(&o->cfg);
    o->modem = 1;
    o->maxfail = 10;
    o->holdoff = 30;
    o->logfd = 1;
    o->unit = -1;
    o->pptp_port = 1723;
    o->pptp_reorder_ms = 300;
    o->pptp_echo_s = 60;
    const char *etc = getenv("UPPPD_ETC");
    snprintf(o->etc, sizeof(o->etc), "%s", etc != NULL && etc[0] != 0 ? etc : "/etc/ppp");
}

void upppd_opts_free(struct upppd_opts *o)
{
    for (size_t i = 0; i < o->priv.n_sources; i++)
        free(o->priv.sources[i]);
    free(o->priv.sources);
    o->priv.sources = NULL;
    o->priv.n_sources = 0;
    uppp_memzero(o->password, sizeof(o->password));
    o->password_set = 0;
}

static uint16_t intern_source(struct upppd_opts *o, const char *name)
{
    for (size_t i = 0; i < o->priv.n_sources; i++)
        if (strcmp(o->priv.sources[i], name) == 0)
            return (uint16_t)(i + 1);
    if (o->priv.n_sources >= MAX_SOURCES)
        return 0;
    char **s = realloc(o->priv.sources, (o->priv.n_sources + 1) * sizeof(*s));
    if (s == NULL)
        return 0;
    o->priv.sources = s;
    s[o->priv.n_sources] = strdup(name);
    if (s[o->priv.n_sources] == NULL)
        return 0;
    return (uint16_t)++o->priv.n_sources;
}

void upppd_opt_stamp(struct upppd_opts *o, enum opt_id id, const struct upppd_pctx *pc)
{
    o->priv.stamp_seq[id] = ++o->priv.seq;
    o->priv.stamp_src[id] = intern_source(o, pc->source);
    o->priv.stamp_line[id] = pc->line;
}

uint32_t upppd_opt_source(const struct upppd_opts *o, enum opt_id id, char *buf, size_t cap)
{
    uint32_t seq = o->priv.stamp_seq[id];
    if (seq == 0)
        return 0;
    uint16_t src = o->priv.stamp_src[id];
    const char *name = src != 0 ? o->priv.sources[src - 1] : "?";
    if (o->priv.stamp_line[id] != 0)
        snprintf(buf, cap, "%s:%u", name, o->priv.stamp_line[id]);
    else
        snprintf(buf, cap, "%s", name);
    return seq;
}

/* One option word with its argument (used only if the option takes one),
 * or a word matched by shape. */
static int one_option(struct upppd_opts *o, const char *word, const char *arg,
                      const struct upppd_pctx *pc)
{
    const struct opt_def *d = upppd_opt_find(word);
    if (d == NULL) {
        int rc = upppd_opt_wild(o, word, pc);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return upppd_opt_errorf(o, pc, "unrecognized option '%s'", word);
        return 0;
    }
    return upppd_opt_apply(o, d, d->arg != NULL ? arg : NULL, pc);
}

int upppd_opts_parse_argv(struct upppd_opts *o, int argc, char *const argv[])
{
    const struct upppd_pctx pc = {"command line", 0, 0, 0};
    for (int i = 0; i < argc; i++) {
        const char *word = argv[i];
        const struct opt_def *d = upppd_opt_find(word);
        const char *arg = NULL;
        if (d != NULL && d->arg != NULL) {
            if (i + 1 >= argc)
                return upppd_opt_errorf(o, &pc, "too few parameters for option %s", word);
            arg = argv[++i];
        }
        int rc = one_option(o, word, arg, &pc);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Options whose argument is a secret: warnings must not quote it. The
 * --help name of the argument says so. */
static int secret_arg(const struct opt_def *d)
{
    return d->arg != NULL && strcmp(d->arg, "SECRET") == 0;
}

/* pppd takes a NUL byte ("\000" or a raw one) as the end of the word, so
 * 'name "\000x"' silently gives an empty name; we refuse it. */
static int nul_error(struct upppd_opts *o, const struct upppd_pctx *pc)
{
    return upppd_opt_errorf(o, pc, "NUL byte in a word");
}

static int parse_buf(struct upppd_opts *o, const char *text, size_t len, const char *name,
                     int tty_file)
{
    struct upppd_words w;
    upppd_words_init(&w, text, len, name);
    w.warn = o->warn;
    w.warn_ctx = o->warn_ctx;

    char word[UPPPD_WORD_MAX], arg[UPPPD_WORD_MAX];
    unsigned line, arg_line;
    arg[0] = 0;
    int nl, rc = 0;
    while (upppd_words_next(&w, word, &line, &nl)) {
        struct upppd_pctx pc = {name, line, 1, tty_file};
        if (w.nul) {
            rc = nul_error(o, &pc);
            break;
        }
        const struct opt_def *d = upppd_opt_find(word);
        if (d != NULL && d->arg != NULL) {
            w.hide_words = secret_arg(d);
            int got = upppd_words_next(&w, arg, &arg_line, &nl);
            w.hide_words = 0;
            if (!got) {
                rc = upppd_opt_errorf(o, &pc, "too few parameters for option '%s'", word);
                break;
            }
            if (w.nul) {
                pc.line = arg_line;
                rc = nul_error(o, &pc);
                break;
            }
        }
        rc = one_option(o, word, arg, &pc);
        if (rc != 0)
            break;
    }
    uppp_memzero(word, sizeof(word)); /* may have held a password */
    uppp_memzero(arg, sizeof(arg));
    return rc;
}

int upppd_opts_parse_text(struct upppd_opts *o, const char *text, size_t len, const char *name)
{
    return parse_buf(o, text, len, name != NULL ? name : "(text)", 0);
}

int upppd_opt_read_file(struct upppd_opts *o, const char *path, int must_exist, int tty_file,
                        const struct upppd_pctx *from)
{
    if (o->priv.depth >= MAX_DEPTH)
        return upppd_opt_errorf(o, from, "options files nested too deeply (at %s)", path);
    if (o->priv.files_read >= MAX_FILES)
        return upppd_opt_errorf(o, from, "too many options files (over %d, at %s)", MAX_FILES,
                                path);
    char *buf = NULL;
    size_t len = 0;
    /* Regular files only, opened without blocking: a FIFO would wait for a
     * writer forever, a device could be read without end. */
    int rc = upppd_read_file(path, &buf, &len, NULL, 1);
    if (rc == -ENOMEM)
        return UPPP_ERR_NOMEM;
    if (rc == -EINVAL || rc == -EISDIR) /* there, but not a file: even if optional */
        return upppd_opt_errorf(o, from, "Can't open options file %s: %s", path,
                                rc == -EINVAL ? "not a regular file" : strerror(-rc));
    if (rc < 0) {
        if (!must_exist) {
            if (rc != -ENOENT && rc != -ENOTDIR)
                upppd_opt_warnf(o, "Warning: can't open options file %s: %s", path, strerror(-rc));
            return 0;
        }
        return upppd_opt_errorf(o, from, "Can't open options file %s: %s", path, strerror(-rc));
    }
    o->priv.files_read++;
    o->priv.bytes_read += len;
    if (o->priv.bytes_read > MAX_TOTAL_BYTES) {
        rc = upppd_opt_errorf(o, from, "options files too large in total (over %u bytes, at %s)",
                              MAX_TOTAL_BYTES, path);
        uppp_memzero(buf, len);
        free(buf);
        return rc;
    }
    o->priv.depth++;
    rc = parse_buf(o, buf, len, path, tty_file);
    o->priv.depth--;
    uppp_memzero(buf, len);
    free(buf);
    return rc;
}

int upppd_opts_parse_file(struct upppd_opts *o, const char *path, int must_exist)
{
    const struct upppd_pctx pc = {"command line", 0, 0, 0};
    return upppd_opt_read_file(o, path, must_exist, 0, &pc);
}

/* ~/.ppprc. pppd looks the home directory up with getpwuid(getuid()); we
 * prefer $HOME so that tests (and sudo -E users) can point it elsewhere. */
static int user_file(char *path, size_t cap)
{
    const char *home = getenv("HOME");
    if (home == NULL || home[0] == 0) {
        struct passwd *pw = getpwuid(getuid());
        if (pw == NULL || pw->pw_dir == NULL || pw->pw_dir[0] == 0)
            return -1;
        home = pw->pw_dir;
    }
    if ((size_t)snprintf(path, cap, "%s/.ppprc", home) >= cap)
        return -1;
    return 0;
}

/* options.c options_for_tty(): $ETC/options.<tty>, where <tty> is the
 * device without its /dev/ and with any other / turned into a dot. */
static int tty_file(const struct upppd_opts *o, const char *dev, char *path, size_t cap)
{
    const char *p = strstr(dev, "/dev/");
    if (p != NULL)
        dev = p + 5;
    if (dev[0] == 0 || strcmp(dev, "tty") == 0)
        return -1;
    int n = snprintf(path, cap, "%s/options.", o->etc);
    if (n < 0 || (size_t)n + strlen(dev) >= cap)
        return -1;
    char *q = path + n;
    for (; *dev != 0; dev++)
        *q++ = *dev == '/' ? '.' : *dev;
    *q = 0;
    return 0;
}

static int system_and_user_files(struct upppd_opts *o)
{
    const struct upppd_pctx top = {"command line", 0, 0, 0};
    char path[UPPPD_PATH_LEN];
    int rc;
    if ((size_t)snprintf(path, sizeof(path), "%s/options", o->etc) < sizeof(path) &&
        (rc = upppd_opt_read_file(o, path, 0, 0, &top)) != 0)
        return rc;
    if (user_file(path, sizeof(path)) == 0 && (rc = upppd_opt_read_file(o, path, 0, 0, &top)) != 0)
        return rc;
    return 0;
}

int upppd_opts_load_all(struct upppd_opts *o, int argc, char *const argv[], const char *stdin_tty)
{
    /* pppd reads $ETC/options and ~/.ppprc, then the command line, and only
     * then options.<tty> with a lower priority than the command line. We get
     * the same result by reading everything once to learn the device, then
     * reading the files in order with the command line last. */
    char tty[UPPPD_PATH_LEN] = "";
    struct upppd_opts *scout = malloc(sizeof(*scout));
    if (scout == NULL)
        return UPPP_ERR_NOMEM;
    upppd_opts_init(scout);
    memcpy(scout->etc, o->etc, sizeof(o->etc));
    scout->no_files = o->no_files;
    int rc = system_and_user_files(scout);
    if (rc == 0)
        rc = upppd_opts_parse_argv(scout, argc, argv);
    if (rc != 0) {
        memcpy(o->error, scout->error, sizeof(o->error));
    } else if (scout->pty_cmd[0] == 0 && !scout->notty && scout->pptp_host[0] == 0) {
        if (scout->device[0] != 0)
            memcpy(tty, scout->device, sizeof(tty));
        else if (stdin_tty != NULL)
            snprintf(tty, sizeof(tty), "%s", stdin_tty);
        else
            rc = upppd_opt_errorf(o, NULL, "no device specified and stdin is not a tty");
    }
    upppd_opts_free(scout);
    free(scout);
    if (rc != 0)
        return rc;

    if ((rc = system_and_user_files(o)) != 0)
        return rc;
    char path[UPPPD_PATH_LEN];
    if (tty[0] != 0 && tty_file(o, tty, path, sizeof(path)) == 0) {
        const struct upppd_pctx top = {"command line", 0, 0, 0};
        if ((rc = upppd_opt_read_file(o, path, 0, 1, &top)) != 0)
            return rc;
    }
    if ((rc = upppd_opts_parse_argv(o, argc, argv)) != 0)
        return rc;
    return upppd_opts_finish(o);
}
