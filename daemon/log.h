/*
 * upppd's logging: syslog (daemon facility), a log file, and/or a file
 * descriptor, pppd-style. Debug lines only when debug is on (SIGUSR1
 * toggles it). Secrets never reach here: the library does not log them.
 *
 * Under systemd (issue 14) stderr is a journal stream: then the lines go
 * there only, each with its syslog level as an sd-daemon(3) "<N>" prefix,
 * and not to syslog as well (journald would store them twice). journald
 * adds the time, the unit and the pid; a process with many sessions
 * (upppd-pptpd) gives each line the session's id with upppd_log_id_line().
 */
#ifndef UPPPD_LOG_H
#define UPPPD_LOG_H

struct upppd_log {
    int use_syslog;
    int fd;      /* -1: none */
    int file_fd; /* logfile, -1: none */
    int debug;
    int journal; /* stderr is a journal stream: "<N>" level prefixes */
};

/* ident: the program name for syslog. */
void upppd_log_open(struct upppd_log *lg, const char *ident, int use_syslog, int fd,
                    const char *logfile);
/* Open (append, create 0600) the log file too; a failure is logged to
 * the other targets. NULL or "" does nothing. upppd_log_open() does this
 * with its logfile; the daemons do it after upppd_log_journal_detect(),
 * so that under systemd the failure carries its level like every line. */
void upppd_log_open_file(struct upppd_log *lg, const char *logfile);
void upppd_log_close(struct upppd_log *lg);
/* If $JOURNAL_STREAM names our stderr (systemd set it), switch to journal
 * mode: stderr only, no syslog, the log file kept. Returns 1 if switched. */
int upppd_log_journal_detect(struct upppd_log *lg);
/* level is a syslog level (LOG_ERR ... LOG_DEBUG). */
void upppd_log_line(struct upppd_log *lg, int level, const char *line);
void upppd_logf(struct upppd_log *lg, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Before the log is open (a bad option, a refused environment, a
 * warning while the options are read): one line to stderr, neutralised
 * as upppd_log_line() does, with its level's "<N>" prefix when stderr is
 * a journal stream ($JOURNAL_STREAM names it, as systemd sets it) so
 * journald files it at that level like every later line; plain
 * otherwise (a terminal, a file, a pipe). The caller's text says who
 * speaks ("upppd: warning: ..."). */
void upppd_log_stderr(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A line of one session among many: "[id] line". id names it (a call id
 * and the peer's name, say); it is escaped here, whatever it holds, so
 * 1,000 sessions' lines can be told apart with grep or journalctl -g. */
void upppd_log_id_line(struct upppd_log *lg, const char *id, int level, const char *line);

#endif
