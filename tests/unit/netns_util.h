/* For unit tests that need real sockets (raw GRE): move the test process
 * into a network namespace of its own with loopback up, so its traffic
 * never meets the host's or another test's. Header-only. */
#ifndef UPPP_NETNS_UTIL_H
#define UPPP_NETNS_UTIL_H

#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* Returns 0 when the process is in a fresh namespace with lo up, -1 when
 * that is not possible (not root): the caller skips. */
static inline int tu_private_netns(void)
{
    if (geteuid() != 0 || unshare(CLONE_NEWNET) < 0)
        return -1;
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0)
        return -1;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
    int rc = ioctl(s, SIOCGIFFLAGS, &ifr);
    if (rc == 0) {
        ifr.ifr_flags |= IFF_UP;
        rc = ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    close(s);
    return rc;
}

#endif
