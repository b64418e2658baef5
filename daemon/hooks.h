/*
 * pppd's hook scripts for one link: /etc/ppp/ip-up, ip-pre-up, ip-down,
 * ipv6-up, ipv6-down, auth-up, auth-down with pppd 2.4.9's arguments and
 * environment. Shared by upppd (run.c, one link) and upppd-pptpd (one
 * link per call).
 */
#ifndef UPPPD_HOOKS_H
#define UPPPD_HOOKS_H

#include "log.h"

#include <uppp/session.h>

#include <stdint.h>

/* What the scripts are told about the link; the caller fills it. */
struct upppd_hooks {
    const char *etc_dir;   /* where the scripts are */
    const char *ifname;    /* "" before there is an interface */
    const char *device;    /* the "tty" argument and DEVICE */
    unsigned speed;        /* the "speed" argument and SPEED */
    const char *ipparam;   /* or NULL */
    const char *linkname;  /* or NULL */
    const char *call_file; /* or NULL */
    uint64_t t_start;      /* link start (ms, the loop's clock): CONNECT_TIME */
    struct upppd_log *log;
    /* pppd never clears IPLOCAL, PEERNAME, ... once set, so the down
     * scripts see the values that were in use: kept here. Zero it for
     * each new link. */
    struct uppp_status keep;
};

enum upppd_hook_kind { UPPPD_HOOK_IP, UPPPD_HOOK_IPV6, UPPPD_HOOK_AUTH };

/* Run <etc_dir>/<name> for session s (its status fills the arguments and
 * environment); wait up to wait_ms for it when wait_ms > 0. A missing
 * script is skipped, as pppd does. */
void upppd_hook_run(struct upppd_hooks *h, struct uppp_session *s, const char *name,
                    enum upppd_hook_kind kind, int wait_ms);

/* Dotted quad of a host-order address. */
void upppd_ip_str(uint32_t a, char *buf, size_t cap);

#endif
