/*
 * Least privilege for upppd (option runas USER, issue 14): after upppd has
 * opened what needs root (its TUN interface, pid files; upppd-pptpd: port
 * 1723 and the raw GRE socket), it forks a small root helper and switches
 * itself to USER, keeping only CAP_NET_ADMIN (to configure the interface:
 * addresses, MTU, up/down, routes) and CAP_NET_RAW (to reopen a raw
 * socket under persist) as effective capabilities.
 *
 * pppd runs /etc/ppp/ip-up and the other hook scripts as root; so does
 * upppd under runas, through the helper (OpenBSD npppd's privileged helper
 * is the model): the unprivileged process asks over a socketpair, the
 * helper checks the request and runs the script as root. The helper does
 * nothing else but write usepeerdns's resolv.conf and remove the pid files
 * at the end, and read the secrets files (root's, mode 0600) for each
 * authentication, as pppd reads them afresh. It trusts nothing in a request: only the hook scripts
 * by name (never a path), only pppd's script variables (so no LD_PRELOAD), bounded sizes, at most
 * UPPPD_PRIVSEP_MAX_RUNNING scripts at once. It exits when the unprivileged side closes the socket
 * (upppd exited, or died), after the last script it waits for.
 *
 * Everything else (the link, the pty command, connect scripts, the session)
 * runs as USER: a serial device must be readable and writable by USER
 * (e.g. USER in group dialout: the switch takes USER's groups).
 *
 * upppd-pptpd: bind port 1723 and open the GRE socket, block the signals
 * (signalfd), then upppd_privsep_drop(). New TUN interfaces can still be
 * made afterwards (CAP_NET_ADMIN, /dev/net/tun is 0666). Ask the helper
 * for scripts with wait_ms 0 (a waited script blocks the caller, and so
 * every session), for secrets from the get_secret callback.
 */
#ifndef UPPPD_PRIVSEP_H
#define UPPPD_PRIVSEP_H

#include <stdint.h>
#include <sys/types.h>

#include "scripts.h"
#include "secrets.h"

#define UPPPD_PRIVSEP_MAX_RUNNING 16
#define UPPPD_PRIVSEP_MAX_ARGS 8
#define UPPPD_PRIVSEP_MSG_MAX 16384
#define UPPPD_PRIVSEP_MAX_PIDFILES 4

/* Errors (negative, beside errno values in the error texts). */
#define UPPPD_PRIVSEP_ERR_USER (-1)    /* no such user */
#define UPPPD_PRIVSEP_ERR_SYSTEM (-2)  /* fork, socketpair, setuid, capset failed */
#define UPPPD_PRIVSEP_ERR_REFUSED (-3) /* the helper refused the request */
#define UPPPD_PRIVSEP_ERR_GONE (-4)    /* the helper is not there */

struct upppd_privsep {
    int fd;    /* our end of the socketpair, -1 when not separated */
    pid_t pid; /* the helper */
    uid_t uid; /* USER's */
    gid_t gid;
    uid_t orig_uid; /* who started upppd (PPPLOGNAME, ORIG_UID) */
};

/* What the helper may touch, fixed before the fork. */
struct upppd_privsep_conf {
    const char *user;                                     /* runas USER */
    const char *etc_dir;                                  /* the scripts' directory */
    const char *pidfiles[UPPPD_PRIVSEP_MAX_PIDFILES + 1]; /* removed at the end; NULL-ended */
    struct upppd_secret_store *store; /* the helper's copy answers secret lookups */
};

/*
 * Fork the helper and switch this process to conf->user: its groups, then
 * its gid and uid, keeping CAP_NET_ADMIN and CAP_NET_RAW effective (those
 * of the two that this process had). Call as root, after every file that
 * needs root is open. Returns 0; UPPPD_PRIVSEP_ERR_USER or
 * UPPPD_PRIVSEP_ERR_SYSTEM with a message in err (then nothing changed,
 * or the process must exit: ps->fd is -1 either way).
 */
int upppd_privsep_drop(struct upppd_privsep *ps, const struct upppd_privsep_conf *conf, char *err,
                       size_t errcap);

/*
 * Run the hook script `name` (ip-up, ip-down, ip-pre-up, ipv6-up,
 * ipv6-down, auth-up, auth-down) in the helper as root, with args (after
 * argv[0], at most UPPPD_PRIVSEP_MAX_ARGS, NULL-ended) and env. With
 * wait_ms > 0, waits for it (killed after wait_ms) and returns its wait
 * status (-1: timed out and killed); otherwise returns 0 once started.
 * Returns 1 when the script does not exist (pppd skips it),
 * UPPPD_PRIVSEP_ERR_REFUSED, or UPPPD_PRIVSEP_ERR_GONE.
 */
int upppd_privsep_script(struct upppd_privsep *ps, const char *name, char *const args[],
                         const struct upppd_env *env, int wait_ms);

/* Write $ETC/resolv.conf with the nameservers dns[0], dns[1] (host order,
 * 0: none) as usepeerdns does. Returns 0, UPPPD_PRIVSEP_ERR_REFUSED (the
 * helper could not write it), or UPPPD_PRIVSEP_ERR_GONE. */
int upppd_privsep_resolv(struct upppd_privsep *ps, const uint32_t dns[2]);

/*
 * upppd_store_get_secret() done by the helper (the files stay root's):
 * fills out and, for a peer that authenticated with us, store's record of
 * the addresses it may use (for upppd_store_check_addr()). Returns as
 * upppd_store_get_secret(), or UPPP_ERR_INVALID when the helper is gone.
 */
int upppd_privsep_get_secret(struct upppd_privsep *ps, struct upppd_secret_store *store,
                             const struct uppp_secret_query *q, struct uppp_secret *out);

/* Close our end: the helper removes the pid files and exits once its
 * scripts are done; wait for it. */
void upppd_privsep_close(struct upppd_privsep *ps);

/* For fuzzing and tests: check one request as the helper does. Returns the
 * request type (>0) when valid, 0 when refused. */
int upppd_privsep_check_request(const uint8_t *msg, size_t len);
/* The request upppd_privsep_script() sends, into msg (cap bytes). Returns
 * its length, or 0 when it cannot be made (unknown script, too long). */
size_t upppd_privsep_encode_script(uint8_t *msg, size_t cap, const char *name, char *const args[],
                                   const struct upppd_env *env, int wait_ms);

#endif
