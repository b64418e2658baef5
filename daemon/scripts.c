/* Hook scripts (see scripts.h). */
#define _GNU_SOURCE
#include "scripts.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void upppd_env_set(struct upppd_env *e, const char *name, const char *fmt, ...)
{
    if (e->n >= UPPPD_MAX_ENV)
        return;
    char val[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(val, sizeof(val), fmt, ap);
    va_end(ap);
    char *var = NULL;
    if (asprintf(&var, "%s=%s", name, val) < 0)
        return;
    e->vars[e->n++] = var;
    e->vars[e->n] = NULL;
}

void upppd_env_free(struct upppd_env *e)
{
    for (int i = 0; i < e->n; i++)
        free(e->vars[i]);
    e->n = 0;
    e->vars[0] = NULL;
}

static void child_reset(void)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int sig = 1; sig < 32; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
}

pid_t upppd_script_start(const char *path, char *const argv[], const struct upppd_env *env)
{
    if (access(path, X_OK) != 0)
        return 0;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        child_reset();
        setsid();
        /* Scripts get /dev/null as stdin/stdout so they cannot disturb the
         * link; stderr is kept for their diagnostics. */
        int nul = open("/dev/null", O_RDWR);
        if (nul >= 0) {
            dup2(nul, 0);
            dup2(nul, 1);
        }
        static char *const empty[] = {NULL};
        execve(path, argv, env ? (char *const *)env->vars : empty);
        _exit(127);
    }
    return pid;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int upppd_script_wait(pid_t pid, int timeout_ms)
{
    long long end = now_ms() + timeout_ms;
    for (;;) {
        int st;
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid)
            return st;
        if (r < 0 && errno != EINTR)
            return -1;
        if (now_ms() >= end) {
            kill(pid, SIGTERM);
            usleep(100000);
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            return -1;
        }
        usleep(10000);
    }
}

int upppd_run_chat(const char *cmd, int fd, int timeout_ms)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        child_reset();
        dup2(fd, 0);
        dup2(fd, 1);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    int st = upppd_script_wait(pid, timeout_ms);
    if (st < 0 || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}
