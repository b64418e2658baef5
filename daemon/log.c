/* Logging targets for upppd (see log.h). */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

void upppd_log_open(struct upppd_log *lg, const char *ident, int use_syslog, int fd,
                    const char *logfile)
{
    lg->use_syslog = use_syslog;
    lg->fd = fd;
    lg->file_fd = -1;
    if (use_syslog)
        openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
    if (logfile != NULL && logfile[0] != '\0') {
        lg->file_fd = open(logfile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (lg->file_fd < 0)
            upppd_logf(lg, LOG_ERR, "Can't open log file %s: %s", logfile, strerror(errno));
    }
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

void upppd_log_line(struct upppd_log *lg, int level, const char *line)
{
    if (level >= LOG_DEBUG && !lg->debug)
        return;
    if (lg->use_syslog)
        syslog(level, "%s", line);
    char buf[1100];
    int n = snprintf(buf, sizeof(buf), "%s\n", line);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(buf))
        n = sizeof(buf) - 1;
    if (lg->fd >= 0)
        write_all(lg->fd, buf, (size_t)n);
    if (lg->file_fd >= 0)
        write_all(lg->file_fd, buf, (size_t)n);
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
