/*
 * The byte stream under the PPP session: a serial device (raw termios,
 * speed, flow control, UUCP lock), a command on a pty we allocate (pppd's
 * `pty "cmd"`), or our own stdin/stdout (`notty`).
 *
 * Functions return 0 or -1 with a message in err.
 */
#ifndef UPPPD_LINK_H
#define UPPPD_LINK_H

#include <stddef.h>
#include <sys/types.h>

struct upppd_link {
    int rfd, wfd;       /* read and write ends (the same fd for a tty/pty) */
    pid_t child;        /* the pty command, or 0 */
    char name[256];     /* device path, "pty", or "stdin" */
    char lockfile[280]; /* UUCP lock we hold, or "" */
    int is_tty;
};

struct upppd_link_params {
    const char *device;   /* path, or NULL */
    unsigned speed;       /* 0 = leave as is */
    int crtscts;          /* hardware flow control */
    int local;            /* ignore modem control lines (CLOCAL) */
    int lock;             /* create a UUCP lock in lock_dir */
    const char *lock_dir; /* default /var/lock */
    const char *pty_cmd;  /* pty "cmd", or NULL */
    int notty;            /* use stdin/stdout */
};

/* Errors distinguish why, for pppd's exit codes. */
enum upppd_link_err {
    UPPPD_LINK_OK = 0,
    UPPPD_LINK_ERR_OPEN = -7, /* cannot open/configure the device (exit 7) */
    UPPPD_LINK_ERR_LOCK = -6, /* device is locked (exit 6) */
    UPPPD_LINK_ERR_PTY = -9,  /* the pty command could not start (exit 9) */
};

int upppd_link_open(struct upppd_link *l, const struct upppd_link_params *p, char *err,
                    size_t errcap);
void upppd_link_close(struct upppd_link *l);
/* Put a tty fd into raw 8-bit mode at speed (0: unchanged). */
int upppd_tty_raw(int fd, unsigned speed, int crtscts, int local, char *err, size_t errcap);

#endif
