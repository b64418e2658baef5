/*
 * The TUN interface that carries the link's IP traffic (Linux
 * /dev/net/tun), configured with plain ioctls: MTU, point-to-point IPv4
 * addresses, IPv6 link-local addresses, up/down, default route.
 *
 * Every function returns 0 or -1 with a message in err (errcap bytes).
 */
#ifndef UPPPD_TUN_H
#define UPPPD_TUN_H

#include <stddef.h>
#include <stdint.h>

#define UPPPD_IFNAMSIZ 16

struct upppd_tun {
    int fd;
    char name[UPPPD_IFNAMSIZ];
    int default_route; /* we added a default route via this interface */
    int vnet;          /* every packet read or written starts with a virtio-net header */
};

/* Create (or attach to) a TUN interface named want (e.g. "ppp0"); the
 * kernel's final name goes to t->name. The fd is non-blocking. */
int upppd_tun_open(struct upppd_tun *t, const char *want, char *err, size_t errcap);
/* As upppd_tun_open, with the TCP offloads when the kernel grants them
 * (IFF_VNET_HDR, TUNSETVNETLE, TUNSETOFFLOAD with TUN_F_CSUM, TUN_F_TSO4 and
 * TUN_F_TSO6): then t->vnet is 1 and reads bring TCP super-packets to cut
 * with uppp_tso_split (uppp/tcp_offload.h), writes take a virtio-net
 * header. Otherwise, or when UPPPD_TUN_OFFLOAD=0 is in the environment,
 * a plain TUN as upppd_tun_open (t->vnet 0). */
int upppd_tun_open_offload(struct upppd_tun *t, const char *want, char *err, size_t errcap);
void upppd_tun_close(struct upppd_tun *t);

int upppd_tun_set_mtu(const struct upppd_tun *t, unsigned mtu, char *err, size_t errcap);
/* Point-to-point addresses (host order) with a /32 netmask. */
int upppd_tun_set_ipv4(const struct upppd_tun *t, uint32_t local, uint32_t remote, char *err,
                       size_t errcap);
/* Add fe80::<ifid>/64 (ifid in host order). */
int upppd_tun_add_ipv6_ll(const struct upppd_tun *t, uint64_t ifid, char *err, size_t errcap);
int upppd_tun_set_up(const struct upppd_tun *t, int up, char *err, size_t errcap);
/* Add (add=1) or delete a default route through the interface. With
 * replace, an existing default route is deleted first (replacedefaultroute;
 * we do not restore it afterwards: say so in the man page). */
int upppd_tun_default_route(struct upppd_tun *t, int add, int replace, char *err, size_t errcap);

/* Format fe80::xxxx:xxxx:xxxx:xxxx the way pppd prints it. */
void upppd_format_ll(uint64_t ifid, char *buf, size_t cap);

#endif
