/*
 * The host route to a PPTP server through the old gateway (pptp-linux
 * does this unless --nohostroute): before defaultroute moves the default
 * route onto the tunnel, the server must stay reachable the way it was, or
 * the tunnel's own TCP and GRE would be routed into the tunnel.
 *
 * The route the kernel uses now is read from /proc/net/route (IPv4, the
 * main table), and the host route is added and removed with SIOCADDRT /
 * SIOCDELRT, as tun.c does for the default route.
 */
#ifndef UPPPD_ROUTE_H
#define UPPPD_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#define UPPPD_ROUTE_DEV_LEN 16

/* From /proc/net/route text: the route the kernel would choose for dst
 * (longest prefix, then lowest metric; routes that are not up and those
 * through skip_dev, the tunnel, are left out). Addresses in network byte
 * order. Returns 0 with *gw (0 when dst is on-link) and dev, or -1 if no
 * route matches. Malformed lines are skipped. */
int upppd_route_parse(const char *text, uint32_t dst, const char *skip_dev, uint32_t *gw,
                      char dev[UPPPD_ROUTE_DEV_LEN]);

/* The same from /proc/net/route. Returns 0 or -1 (no route, or the file
 * cannot be read). */
int upppd_route_lookup(uint32_t dst, const char *skip_dev, uint32_t *gw,
                       char dev[UPPPD_ROUTE_DEV_LEN]);

/* Add (add = 1) or delete the host route dst/32 via gw (0: on-link) on
 * dev. Returns 0 or -1 with a message in err. */
int upppd_route_host(int add, uint32_t dst, uint32_t gw, const char *dev, char *err, size_t errcap);

#endif
