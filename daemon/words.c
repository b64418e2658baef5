/*
 * pppd's options-file word syntax (pppd 2.4.9 options.c getword(); pppd(8)
 * "OPTIONS FILES"), on a memory buffer, and a small-file reader for the
 * options and secrets files. See words.h for the rules.
 */
#include "words.h"

#include "crypto.h" /* uppp_memzero */

#include <uppp/hex.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define END (-1)

void upppd_words_init(struct upppd_words *w, const char *text, size_t len, const char *name)
{
    memset(w, 0, sizeof(*w));
    w->p = text;
    w->end = text + len;
    w->line = 1;
    w->name = name != NULL ? name : "?";
}

static int get(struct upppd_words *w)
{
    if (w->p >= w->end)
        return END;
    int c = (unsigned char)*w->p++;
    if (c == '\n')
        w->line++;
    return c;
}

/* Put back the character just read; a line break is counted again when it
 * is read again. */
static void unget(struct upppd_words *w)
{
    w->p--;
    if (*w->p == '\n')
        w->line--;
}

/* The C locale's isspace(), without depending on the locale. */
static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static int is_octal(int c)
{
    return c >= '0' && c <= '7';
}

static void warnf(struct upppd_words *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void warnf(struct upppd_words *w, const char *fmt, ...)
{
    if (w->warn == NULL)
        return;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    w->warn(w->warn_ctx, msg);
}

int upppd_words_next(struct upppd_words *w, char word[UPPPD_WORD_MAX], unsigned *line, int *newline)
{
    size_t len = 0;
    int escape = 0, comment = 0, quoted = 0, c;
    int seen = 0; /* a word started (it may still be empty: "") */
    int too_long = 0;

    *newline = 0;
    word[0] = 0;
    w->nul = 0;

    /* Skip white space and comments. A line break ends a comment and is
     * reported; backslash-newline is a continuation and is not. */
    for (;;) {
        c = get(w);
        if (c == END)
            break;
        if (c == '\n') {
            if (!escape) {
                *newline = 1;
                comment = 0;
            } else {
                escape = 0;
            }
            continue;
        }
        if (comment)
            continue;
        if (escape)
            break; /* an escaped character starts a word */
        if (c == '\\') {
            escape = 1;
            continue;
        }
        if (c == '#') {
            comment = 1;
            continue;
        }
        if (!is_space(c))
            break;
    }
    *line = w->line;

    while (c != END) {
        seen = 1;
        int value;
        if (escape) {
            escape = 0;
            if (c == '\n') { /* continuation inside a word */
                c = get(w);
                continue;
            }
            int have_next = 0; /* c already holds the character after the escape */
            switch (c) {
            case 'a':
                value = '\a';
                break;
            case 'b':
                value = '\b';
                break;
            case 'f':
                value = '\f';
                break;
            case 'n':
                value = '\n';
                break;
            case 'r':
                value = '\r';
                break;
            case 's':
                value = ' ';
                break;
            case 't':
                value = '\t';
                break;
            default:
                if (is_octal(c)) {
                    value = 0;
                    for (int n = 0; n < 3 && is_octal(c); n++) {
                        value = (value << 3) + (c - '0');
                        c = get(w);
                    }
                    have_next = 1;
                } else if (c == 'x') {
                    value = 0;
                    c = get(w);
                    for (int n = 0; n < 2 && c != END && uppp_hex_digit(c) >= 0; n++) {
                        value = (value << 4) + uppp_hex_digit(c);
                        c = get(w);
                    }
                    have_next = 1;
                } else {
                    value = c;
                }
                break;
            }
            if (len < UPPPD_WORD_MAX - 1)
                word[len++] = (char)(value & 0xff);
            else
                too_long = 1;
            if ((value & 0xff) == 0)
                w->nul = 1;
            if (!have_next)
                c = get(w);
            continue;
        }
        if (c == '\\') {
            escape = 1;
            c = get(w);
            continue;
        }
        if (quoted) {
            if (c == quoted) {
                quoted = 0;
                c = get(w);
                continue;
            }
        } else if (c == '"' || c == '\'') {
            quoted = c;
            c = get(w);
            continue;
        } else if (is_space(c) || c == '#') {
            unget(w); /* the break or comment belongs to what follows */
            break;
        }
        if (len < UPPPD_WORD_MAX - 1)
            word[len++] = (char)c;
        else
            too_long = 1;
        if (c == 0)
            w->nul = 1;
        c = get(w);
    }
    word[len] = 0;

    if (!seen)
        return 0;
    /* pppd quotes the word's first 20 bytes; not when it may be a secret. */
    char shown[32] = "";
    if (!w->hide_words)
        snprintf(shown, sizeof(shown), " (%.20s...)", word);
    if (c == END && quoted)
        warnf(w, "In file %s:%u: warning: quoted word runs to end of file%s", w->name, *line,
              shown);
    if (too_long)
        warnf(w, "In file %s:%u: warning: word too long, cut to %d bytes%s", w->name, *line,
              UPPPD_WORD_MAX - 1, shown);
    uppp_memzero(shown, sizeof(shown));
    return 1;
}

int upppd_read_file(const char *path, char **buf, size_t *len, struct stat *st_out,
                    int regular_only)
{
    /* O_NONBLOCK: opening a FIFO without a writer must not hang us. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | (regular_only ? O_NONBLOCK : 0));
    if (fd < 0)
        return -errno;
    struct stat st;
    int err = 0;
    size_t cap = 4096, n = 0;
    char *b = NULL;
    if (fstat(fd, &st) < 0) {
        err = errno;
        goto out;
    }
    if (S_ISDIR(st.st_mode)) {
        err = EISDIR;
        goto out;
    }
    if (regular_only && !S_ISREG(st.st_mode)) {
        err = EINVAL;
        goto out;
    }
    if ((b = malloc(cap)) == NULL) {
        err = ENOMEM;
        goto out;
    }
    for (;;) {
        if (n == cap) {
            if (cap >= UPPPD_FILE_MAX) {
                err = EFBIG;
                goto out;
            }
            /* Not realloc: the old block may hold a secret and must be wiped. */
            char *nb = malloc(cap * 2);
            if (nb == NULL) {
                err = ENOMEM;
                goto out;
            }
            memcpy(nb, b, n);
            uppp_memzero(b, n);
            free(b);
            b = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, b + n, cap - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            err = errno;
            goto out;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
out:
    close(fd);
    if (err != 0) {
        if (b != NULL) {
            uppp_memzero(b, n);
            free(b);
        }
        return -err;
    }
    if (st_out != NULL)
        *st_out = st;
    *buf = b;
    *len = n;
    return 0;
}
