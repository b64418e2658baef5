/*
 * upppd's logging: syslog (daemon facility), a log file, and/or a file
 * descriptor, pppd-style. Debug lines only when debug is on (SIGUSR1
 * toggles it). Secrets never reach here: the library does not log them.
 */
#ifndef UPPPD_LOG_H
#define UPPPD_LOG_H

struct upppd_log {
    int use_syslog;
    int fd;      /* -1: none */
    int file_fd; /* logfile, -1: none */
    int debug;
};

/* ident: the program name for syslog. */
void upppd_log_open(struct upppd_log *lg, const char *ident, int use_syslog, int fd,
                    const char *logfile);
void upppd_log_close(struct upppd_log *lg);
/* level is a syslog level (LOG_ERR ... LOG_DEBUG). */
void upppd_log_line(struct upppd_log *lg, int level, const char *line);
void upppd_logf(struct upppd_log *lg, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
