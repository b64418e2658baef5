/*
 * Running pppd's hook scripts (/etc/ppp/ip-up, ip-down, auth-up, ...) with
 * pppd's arguments and environment.
 */
#ifndef UPPPD_SCRIPTS_H
#define UPPPD_SCRIPTS_H

#include <sys/types.h>

#define UPPPD_MAX_ENV 32

struct upppd_env {
    int n;
    char *vars[UPPPD_MAX_ENV + 1]; /* "NAME=value", NULL-terminated */
};

void upppd_env_set(struct upppd_env *e, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void upppd_env_free(struct upppd_env *e);

/* Start path with argv (argv[0] is path) and exactly env as environment.
 * Returns the child's pid, 0 if the script does not exist or is not
 * executable (not an error: pppd skips missing scripts), -1 on failure. */
pid_t upppd_script_start(const char *path, char *const argv[], const struct upppd_env *env);
/* Wait for pid up to timeout_ms; returns its wait status, or -1 (and kills
 * it) on timeout. */
int upppd_script_wait(pid_t pid, int timeout_ms);
/* Run a shell command (connect/disconnect scripts) with stdin/stdout on fd
 * and wait for it. Returns its exit status, or -1. */
int upppd_run_chat(const char *cmd, int fd, int timeout_ms);

#endif
