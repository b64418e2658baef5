/*
 * Host route to the PPTP server (see route.h). /proc/net/route prints each
 * address as the kernel's big-endian 32-bit value in %08X, so reading it
 * back with strtoul gives the s_addr bit pattern on any host.
 */
#define _GNU_SOURCE
#include "route.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_ROUTE_FILE (1024 * 1024) /* a host with more routes than this uses the default */

static int prefix_len(uint32_t mask_be)
{
    uint32_t m = ntohl(mask_be);
    int n = 0;
    while (m & 0x80000000u) {
        n++;
        m <<= 1;
    }
    return m == 0 ? n : -1; /* a non-contiguous mask is not a route we understand */
}

int upppd_route_parse(const char *text, uint32_t dst, const char *skip_dev, uint32_t *gw,
                      char dev[UPPPD_ROUTE_DEV_LEN])
{
    int best_len = -1;
    unsigned long best_metric = 0;
    const char *p = text;
    while (*p != 0) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char line[512];
        if (len < sizeof(line)) {
            memcpy(line, p, len);
            line[len] = 0;
            char ifc[64];
            unsigned long d, g, flags, refcnt, use, metric, mask;
            /* Iface Destination Gateway Flags RefCnt Use Metric Mask ... */
            if (sscanf(line, "%63s %lx %lx %lx %lu %lu %lu %lx", ifc, &d, &g, &flags, &refcnt, &use,
                       &metric, &mask) == 8 &&
                (flags & RTF_UP) && strlen(ifc) < UPPPD_ROUTE_DEV_LEN &&
                (skip_dev == NULL || strcmp(ifc, skip_dev) != 0)) {
                int pl = prefix_len((uint32_t)mask);
                if (pl >= 0 && (dst & (uint32_t)mask) == ((uint32_t)d & (uint32_t)mask) &&
                    (pl > best_len || (pl == best_len && metric < best_metric))) {
                    best_len = pl;
                    best_metric = metric;
                    *gw = (flags & RTF_GATEWAY) ? (uint32_t)g : 0;
                    memcpy(dev, ifc, strlen(ifc) + 1); /* fits: checked above */
                }
            }
        }
        p += len + (nl != NULL);
    }
    return best_len >= 0 ? 0 : -1;
}

int upppd_route_lookup(uint32_t dst, const char *skip_dev, uint32_t *gw,
                       char dev[UPPPD_ROUTE_DEV_LEN])
{
    FILE *f = fopen("/proc/net/route", "re");
    if (f == NULL)
        return -1;
    char *text = malloc(MAX_ROUTE_FILE + 1);
    if (text == NULL) {
        fclose(f);
        return -1;
    }
    size_t n = fread(text, 1, MAX_ROUTE_FILE, f);
    fclose(f);
    text[n] = 0;
    int rc = upppd_route_parse(text, dst, skip_dev, gw, dev);
    free(text);
    return rc;
}

static void set_sin(struct sockaddr *sa, uint32_t addr_be)
{
    struct sockaddr_in *sin = (struct sockaddr_in *)(void *)sa;
    memset(sin, 0, sizeof(*sin));
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = addr_be;
}

int upppd_route_host(int add, uint32_t dst, uint32_t gw, const char *dev, char *err, size_t errcap)
{
    struct rtentry rt;
    memset(&rt, 0, sizeof(rt));
    set_sin(&rt.rt_dst, dst);
    set_sin(&rt.rt_genmask, 0xffffffffu);
    set_sin(&rt.rt_gateway, gw);
    rt.rt_flags = RTF_UP | RTF_HOST | (gw ? RTF_GATEWAY : 0);
    rt.rt_dev = (char *)dev;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int rc = s < 0 ? -1 : ioctl(s, add ? SIOCADDRT : SIOCDELRT, &rt);
    int e = errno;
    if (s >= 0)
        close(s);
    if (rc < 0) {
        char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
        struct in_addr ia = {.s_addr = dst}, ib = {.s_addr = gw};
        inet_ntop(AF_INET, &ia, a, sizeof(a));
        inet_ntop(AF_INET, &ib, b, sizeof(b));
        snprintf(err, errcap, "cannot %s host route to %s via %s dev %s: %s",
                 add ? "add" : "delete", a, b, dev, strerror(e));
        return -1;
    }
    return 0;
}
