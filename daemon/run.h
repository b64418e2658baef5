/*
 * One upppd run: open the link (a device, a pty, stdin, or a PPTP call),
 * drive a uppp_session on the daemon's event
 * loop (loop.h, sess.h: link, TUN, one signalfd, one timerfd for every
 * timer), configure TUN and run scripts as the session's events say, and
 * repeat under `persist`. Returns pppd's exit status.
 */
#ifndef UPPPD_RUN_H
#define UPPPD_RUN_H

#include <uppp/session.h>

#include "link.h"
#include "log.h"

struct upppd_run {
    struct uppp_config cfg;
    struct upppd_link_params link;
    const char *connect_cmd;    /* connect "script", or NULL */
    const char *disconnect_cmd; /* disconnect "script", or NULL */

    const char *ifname;    /* wanted interface name, or NULL */
    int unit;              /* -1: first free pppN */
    const char *linkname;  /* or NULL */
    const char *ipparam;   /* or NULL */
    const char *etc_dir;   /* /etc/ppp or $UPPPD_ETC */
    const char *run_dir;   /* /run or $UPPPD_RUNDIR */
    const char *call_file; /* CALL_FILE for scripts, or NULL */

    int defaultroute, replacedefaultroute, usepeerdns;
    int persist, maxfail, holdoff_s;
    unsigned idle_s, maxconnect_s;
    int updetach_fd; /* write a byte here when IP is up (updetach), or -1 */

    /* PPTP client (pptp_link.h): when pptp_host is set the link is a PPTP
     * call to it instead of a device, pty or stdin. */
    const char *pptp_host;
    uint16_t pptp_port;
    uint32_t pptp_localbind; /* IPv4, network byte order; 0 = any */
    uint32_t pptp_reorder_ms;
    uint32_t pptp_echo_s;
    int pptp_hostroute; /* with defaultroute: keep the server reachable via the old gateway */

    /* Secrets, through the daemon's secrets module. */
    void *secrets;
    int (*get_secret)(void *secrets, const struct uppp_secret_query *q, struct uppp_secret *out);
    int (*check_addr)(void *secrets, const char *peer, uint32_t addr);

    struct upppd_log *log;
};

int upppd_run(struct upppd_run *r);

#endif
