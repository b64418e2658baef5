/*
 * pppd's word syntax for options files and secrets files (pppd 2.4.9
 * options.c getword(), described in pppd(8) "OPTIONS FILES"):
 *
 *  - words are separated by white space; a line may hold several;
 *  - '#' outside quotes starts a comment that runs to the end of the line,
 *    and also ends the word it touches ("mtu#x" is "mtu");
 *  - "double" or 'single' quotes make white space and '#' literal; a quoted
 *    part may sit inside a word (a"b c"d is one word, ab cd);
 *  - a backslash escapes the next character, inside or outside quotes:
 *    \a \b \f \n \r \s (space) \t, \ooo (up to three octal digits),
 *    \xhh (up to two hex digits); any other character stands for itself;
 *    backslash-newline is a line continuation and vanishes;
 *  - a word longer than UPPPD_WORD_MAX - 1 bytes is cut, with a warning.
 *
 * The tokenizer works on a buffer, so it can be fuzzed and tested without
 * files. It tells, for each word, the line it starts on and whether a line
 * break came before it: the secrets file format is line oriented.
 */
#ifndef UPPPD_WORDS_H
#define UPPPD_WORDS_H

#include <stddef.h>
#include <sys/stat.h>

/* pppd's MAXWORDLEN. */
#define UPPPD_WORD_MAX 1024

struct upppd_words {
    const char *p;
    const char *end;
    unsigned line;    /* line of the next unread character, from 1 */
    const char *name; /* file name for warnings */
    /* Called with one line of text for each warning; may be NULL. */
    void (*warn)(void *ctx, const char *msg);
    void *warn_ctx;
    /* Set by the caller: warnings about the next words do not quote them,
     * because they may be secrets (every word of a secrets file, the
     * argument of "password"). pppd quotes the first 20 bytes. */
    int hide_words;
    /* Set by upppd_words_next(): the word returned held a NUL byte, raw or
     * escaped, so the C string is shorter than the word. */
    int nul;
};

/* Start reading text[0..len). name is used in warnings and must outlive w. */
void upppd_words_init(struct upppd_words *w, const char *text, size_t len, const char *name);

/*
 * Read the next word into word[UPPPD_WORD_MAX] (NUL-terminated; an escaped
 * NUL, "\000", ends the C string early as it does in pppd; w->nul tells
 * the caller, which may refuse it). Sets *line to
 * the line the word starts on and *newline to 1 if a line break (outside a
 * comment's backslash continuation) came between the previous word and
 * this one. Returns 1 for a word, 0 at the end of the text.
 *
 * Difference from pppd: an empty quoted word ("") at the very end of the
 * text is returned as a word; pppd drops it.
 */
int upppd_words_next(struct upppd_words *w, char word[UPPPD_WORD_MAX], unsigned *line,
                     int *newline);

/* Options and secrets files are a few lines; anything larger is refused. */
#define UPPPD_FILE_MAX (1u << 20)

/*
 * Read a whole file (at most UPPPD_FILE_MAX bytes) into a malloc'd buffer.
 * regular_only: refuse anything but a regular file, without blocking on a
 * FIFO or device (for secrets). Returns 0 with *buf and *len set (the
 * caller wipes and frees *buf: it may hold secrets) and *st filled if st
 * is not NULL; or -errno (-EISDIR for a directory, -EINVAL for a file that
 * is not regular under regular_only, -EFBIG if too large).
 */
int upppd_read_file(const char *path, char **buf, size_t *len, struct stat *st, int regular_only);

#endif
