/*
 * Link devices (see link.h). The pty command runs with the pty's slave as
 * its stdin and stdout, already in raw mode, so that two upppd processes
 * can be joined back to back: upppd pty "upppd notty ...".
 */
#define _GNU_SOURCE
#include "link.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

static const struct {
    unsigned baud;
    speed_t code;
} speeds[] = {
    {50, B50},       {75, B75},         {110, B110},       {134, B134},       {150, B150},
    {200, B200},     {300, B300},       {600, B600},       {1200, B1200},     {1800, B1800},
    {2400, B2400},   {4800, B4800},     {9600, B9600},     {19200, B19200},   {38400, B38400},
    {57600, B57600}, {115200, B115200}, {230400, B230400}, {460800, B460800}, {921600, B921600},
};

int upppd_tty_raw(int fd, unsigned speed, int crtscts, int local, char *err, size_t errcap)
{
    struct termios tio;
    if (tcgetattr(fd, &tio) < 0) {
        snprintf(err, errcap, "tcgetattr: %s", strerror(errno));
        return -1;
    }
    cfmakeraw(&tio);
    tio.c_cflag |= CREAD | CS8;
    if (crtscts)
        tio.c_cflag |= CRTSCTS;
    else
        tio.c_cflag &= ~(tcflag_t)CRTSCTS;
    if (local)
        tio.c_cflag |= CLOCAL;
    tio.c_cc[VMIN] = 1;
    tio.c_cc[VTIME] = 0;
    if (speed != 0) {
        size_t i;
        for (i = 0; i < sizeof(speeds) / sizeof(speeds[0]); i++)
            if (speeds[i].baud == speed)
                break;
        if (i == sizeof(speeds) / sizeof(speeds[0])) {
            snprintf(err, errcap, "unsupported speed %u", speed);
            return -1;
        }
        cfsetispeed(&tio, speeds[i].code);
        cfsetospeed(&tio, speeds[i].code);
    }
    if (tcsetattr(fd, TCSAFLUSH, &tio) < 0) {
        snprintf(err, errcap, "tcsetattr: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* UUCP lock file: /var/lock/LCK..<basename>, holding our pid as ten
 * characters and a newline (the HDB format pppd writes). A stale lock
 * (its process is gone) is removed. */
static int take_lock(struct upppd_link *l, const char *dir, const char *device, char *err,
                     size_t errcap)
{
    const char *base = strrchr(device, '/');
    base = base ? base + 1 : device;
    snprintf(l->lockfile, sizeof(l->lockfile), "%s/LCK..%s", dir ? dir : "/var/lock", base);
    for (int tries = 0; tries < 2; tries++) {
        int fd = open(l->lockfile, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd >= 0) {
            char buf[16];
            int n = snprintf(buf, sizeof(buf), "%10d\n", (int)getpid());
            if (write(fd, buf, (size_t)n) != n) {
                close(fd);
                unlink(l->lockfile);
                break;
            }
            close(fd);
            return 0;
        }
        if (errno != EEXIST)
            break;
        char buf[32] = "";
        fd = open(l->lockfile, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            ssize_t n = read(fd, buf, sizeof(buf) - 1);
            buf[n > 0 ? n : 0] = '\0';
            close(fd);
        }
        long pid = strtol(buf, NULL, 10);
        if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM)) {
            snprintf(err, errcap, "Device %s is locked by pid %ld", device, pid);
            l->lockfile[0] = '\0';
            return UPPPD_LINK_ERR_LOCK;
        }
        unlink(l->lockfile); /* stale */
    }
    snprintf(err, errcap, "Can't create lock file %s: %s", l->lockfile, strerror(errno));
    l->lockfile[0] = '\0';
    return UPPPD_LINK_ERR_LOCK;
}

static int open_pty_cmd(struct upppd_link *l, const char *cmd, char *err, size_t errcap)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0) {
        snprintf(err, errcap, "cannot allocate a pty: %s", strerror(errno));
        if (m >= 0)
            close(m);
        return UPPPD_LINK_ERR_PTY;
    }
    const char *sname = ptsname(m);
    int sl = sname ? open(sname, O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
    if (sl < 0) {
        snprintf(err, errcap, "cannot open pty slave: %s", strerror(errno));
        close(m);
        return UPPPD_LINK_ERR_PTY;
    }
    /* Raw before the command starts, or the line discipline echoes our
     * first ConfReq back and both ends see a looped-back line. */
    if (upppd_tty_raw(sl, 0, 0, 1, err, errcap) < 0) {
        close(sl);
        close(m);
        return UPPPD_LINK_ERR_PTY;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errcap, "fork: %s", strerror(errno));
        close(sl);
        close(m);
        return UPPPD_LINK_ERR_PTY;
    }
    if (pid == 0) {
        setsid();
        dup2(sl, 0);
        dup2(sl, 1);
        /* stderr stays ours so the command's messages reach our log. */
        signal(SIGPIPE, SIG_DFL);
        signal(SIGCHLD, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    close(sl);
    l->rfd = l->wfd = m;
    l->child = pid;
    l->is_tty = 1;
    snprintf(l->name, sizeof(l->name), "%s", sname ? sname : "pty");
    return 0;
}

int upppd_link_open(struct upppd_link *l, const struct upppd_link_params *p, char *err,
                    size_t errcap)
{
    memset(l, 0, sizeof(*l));
    l->rfd = l->wfd = -1;
    int rc;
    if (p->pty_cmd != NULL) {
        rc = open_pty_cmd(l, p->pty_cmd, err, errcap);
    } else if (p->notty || p->device == NULL) {
        l->rfd = dup(0);
        l->wfd = dup(1);
        if (l->rfd < 0 || l->wfd < 0) {
            snprintf(err, errcap, "cannot use stdin/stdout: %s", strerror(errno));
            rc = UPPPD_LINK_ERR_OPEN;
        } else {
            snprintf(l->name, sizeof(l->name), "stdin");
            l->is_tty = isatty(l->rfd);
            rc = 0;
        }
    } else {
        if (p->lock && (rc = take_lock(l, p->lock_dir, p->device, err, errcap)) != 0)
            return rc;
        int fd = open(p->device, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
            snprintf(err, errcap, "Failed to open %s: %s", p->device, strerror(errno));
            upppd_link_close(l);
            return UPPPD_LINK_ERR_OPEN;
        }
        l->rfd = l->wfd = fd;
        snprintf(l->name, sizeof(l->name), "%s", p->device);
        l->is_tty = isatty(fd);
        if (l->is_tty && upppd_tty_raw(fd, p->speed, p->crtscts, p->local, err, errcap) < 0) {
            upppd_link_close(l);
            return UPPPD_LINK_ERR_OPEN;
        }
        rc = 0;
    }
    if (rc != 0)
        return rc;
    fcntl(l->rfd, F_SETFL, fcntl(l->rfd, F_GETFL) | O_NONBLOCK);
    if (l->wfd != l->rfd)
        fcntl(l->wfd, F_SETFL, fcntl(l->wfd, F_GETFL) | O_NONBLOCK);
    return 0;
}

/* Closing a pty's master hangs its slave up, and Linux then throws away
 * whatever the slave has not read yet: the last frames we wrote (the
 * Terminate-Ack that lets the peer end with its own exit status; pppd
 * 2.4.9 in the interop matrix otherwise saw a hangup and exited 16 instead
 * of 19). So give the pty command up to PTY_DRAIN_MS to read them, as long
 * as it is still there to read. */
#define PTY_DRAIN_MS 1000

static void drain_pty(struct upppd_link *l)
{
    if (l->child <= 0 || l->wfd < 0)
        return;
    const char *sname = ptsname(l->wfd);
    int sl = sname ? open(sname, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC) : -1;
    if (sl < 0)
        return;
    for (int waited = 0; waited < PTY_DRAIN_MS; waited += 5) {
        int unread = 0;
        if (ioctl(sl, FIONREAD, &unread) < 0 || unread == 0 || kill(l->child, 0) < 0)
            break;
        usleep(5000);
    }
    close(sl);
}

void upppd_link_close(struct upppd_link *l)
{
    drain_pty(l);
    if (l->rfd >= 0)
        close(l->rfd);
    if (l->wfd >= 0 && l->wfd != l->rfd)
        close(l->wfd);
    l->rfd = l->wfd = -1;
    if (l->lockfile[0] != '\0') {
        unlink(l->lockfile);
        l->lockfile[0] = '\0';
    }
}
