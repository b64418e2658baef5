/* Logging targets for upppd (see log.h). */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <uppp/escape.h>

void upppd_log_open(struct upppd_log *lg, const char *ident, int use_syslog, int fd,
                    const char *logfile)
{
    lg->use_syslog = use_syslog;
    lg->fd = fd;
    lg->file_fd = -1;
    lg->journal = 0;
    if (use_syslog)
        openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
    upppd_log_open_file(lg, logfile);
}

void upppd_log_open_file(struct upppd_log *lg, const char *logfile)
{
    if (logfile == NULL || logfile[0] == '\0')
        return;
    if (lg->file_fd >= 0)
        close(lg->file_fd);
    lg->file_fd = open(logfile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (lg->file_fd < 0)
        upppd_logf(lg, LOG_ERR, "Can't open log file %s: %s", logfile, strerror(errno));
}

/* systemd.exec(5): JOURNAL_STREAM is "device:inode" of the stream it
 * connected stdout/stderr to; a redirected stderr no longer matches. */
static int stderr_is_journal(void)
{
    const char *js = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat st;
    return js != NULL && sscanf(js, "%llu:%llu", &dev, &ino) == 2 && fstat(2, &st) == 0 &&
           (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

int upppd_log_journal_detect(struct upppd_log *lg)
{
    if (!stderr_is_journal())
        return 0;
    if (lg->use_syslog)
        closelog();
    lg->use_syslog = 0;
    lg->fd = 2;
    lg->journal = 1;
    return 1;
}

void upppd_log_close(struct upppd_log *lg)
{
    if (lg->file_fd >= 0)
        close(lg->file_fd);
    lg->file_fd = -1;
    if (lg->use_syslog)
        closelog();
}

static void write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        buf += n;
        len -= (size_t)n;
    }
}

/* Control bytes and DEL become their escape (escape.h), so that a line
 * ends only at the newline added here and cannot drive a terminal, even if
 * a message forgot to escape a peer's string. Backslashes are left alone:
 * the escapes already in the line stay readable. Bytes of 0x80 and above
 * pass (an admin's UTF-8 names). Returns the length, cut at a whole
 * escape to leave room for the newline. */
static size_t neutralise(char *out, size_t cap, const char *line)
{
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)line; *p; p++) {
        char e[UPPP_ESCAPE_CHAR_MAX] = {(char)*p, 0};
        size_t n = (*p < 0x20 || *p == 0x7f) ? uppp_escape_char(e, *p, 0) : 1;
        if (o + n + 2 > cap)
            break;
        memcpy(out + o, e, n);
        o += n;
    }
    out[o] = '\0';
    return o;
}

/* A line as it goes out: neutralised, with its newline, and room for
 * "<N>" kept in front. */
struct out_line {
    char buf[4 + 1100];
    size_t n; /* the line and its newline, at buf + 3 */
};

static void out_line_set(struct out_line *ol, const char *line)
{
    ol->n = neutralise(ol->buf + 3, sizeof(ol->buf) - 3, line);
    ol->buf[3 + ol->n++] = '\n';
}

/* To a stream, with the sd-daemon(3) level prefix if it is the journal's. */
static void out_line_write(struct out_line *ol, int fd, int journal, int level)
{
    if (!journal) {
        write_all(fd, ol->buf + 3, ol->n);
        return;
    }
    ol->buf[0] = '<';
    ol->buf[1] = (char)('0' + (level & 7));
    ol->buf[2] = '>';
    write_all(fd, ol->buf, ol->n + 3);
}

void upppd_log_line(struct upppd_log *lg, int level, const char *line)
{
    if (level >= LOG_DEBUG && !lg->debug)
        return;
    struct out_line ol;
    out_line_set(&ol, line);
    if (lg->use_syslog)
        syslog(level, "%.*s", (int)ol.n - 1, ol.buf + 3);
    if (lg->fd >= 0)
        out_line_write(&ol, lg->fd, lg->journal, level);
    if (lg->file_fd >= 0)
        write_all(lg->file_fd, ol.buf + 3, ol.n);
}

void upppd_log_stderr(int level, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    struct out_line ol;
    out_line_set(&ol, line);
    out_line_write(&ol, 2, stderr_is_journal(), level);
}

void upppd_log_id_line(struct upppd_log *lg, const char *id, int level, const char *line)
{
    char tag[200], full[1024];
    uppp_escape(tag, sizeof(tag), id, strlen(id), 0);
    snprintf(full, sizeof(full), "[%s] %s", tag, line);
    upppd_log_line(lg, level, full);
}

void upppd_logf(struct upppd_log *lg, int level, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    upppd_log_line(lg, level, line);
}
