/*
 * TUN interface setup with ioctls (see tun.h). A TUN device is already
 * point-to-point and carries bare IP packets with IFF_NO_PI, so the session
 * can hand packets straight through.
 */
#include "tun.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/ipv6.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int fail(char *err, size_t cap, const char *what, const char *name)
{
    snprintf(err, cap, "%s %s: %s", what, name, strerror(errno));
    return -1;
}

int upppd_tun_open(struct upppd_tun *t, const char *want, char *err, size_t errcap)
{
    memset(t, 0, sizeof(*t));
    t->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (t->fd < 0)
        return fail(err, errcap, "cannot open", "/dev/net/tun");
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    if (want != NULL && want[0] != '\0')
        snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", want);
    if (ioctl(t->fd, TUNSETIFF, &ifr) < 0) {
        int e = errno;
        close(t->fd);
        t->fd = -1;
        errno = e;
        return fail(err, errcap, "cannot create TUN interface", want ? want : "");
    }
    snprintf(t->name, sizeof(t->name), "%s", ifr.ifr_name);
    return 0;
}

/* The offloads need the header's size (10: no num_buffers), its byte
 * order fixed to little-endian (the uppp_vnet_hdr codec's, whatever the
 * host's), and TSO only with checksum offload. Any refusal (an old or
 * restricted kernel, an existing device made without IFF_VNET_HDR) and the
 * caller falls back to a plain TUN. */
static int open_vnet(struct upppd_tun *t, const char *want)
{
    memset(t, 0, sizeof(*t));
    t->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (t->fd < 0)
        return -1;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI | IFF_VNET_HDR;
    if (want != NULL && want[0] != '\0')
        snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", want);
    int hdr = 10, le = 1;
    unsigned off = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
    if (ioctl(t->fd, TUNSETIFF, &ifr) < 0 || ioctl(t->fd, TUNSETVNETHDRSZ, &hdr) < 0 ||
        ioctl(t->fd, TUNSETVNETLE, &le) < 0 || ioctl(t->fd, TUNSETOFFLOAD, off) < 0) {
        close(t->fd);
        t->fd = -1;
        return -1;
    }
    snprintf(t->name, sizeof(t->name), "%s", ifr.ifr_name);
    t->vnet = 1;
    return 0;
}

int upppd_tun_open_offload(struct upppd_tun *t, const char *want, char *err, size_t errcap)
{
    const char *env = getenv("UPPPD_TUN_OFFLOAD");
    if ((env == NULL || strcmp(env, "0") != 0) && open_vnet(t, want) == 0)
        return 0;
    return upppd_tun_open(t, want, err, errcap);
}

void upppd_tun_close(struct upppd_tun *t)
{
    if (t->fd >= 0)
        close(t->fd);
    t->fd = -1;
}

/* Run one interface ioctl on a throwaway socket of the given family. */
static int if_ioctl(int family, unsigned long req, void *arg)
{
    int s = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return -1;
    int rc = ioctl(s, req, arg);
    int e = errno;
    close(s);
    errno = e;
    return rc;
}

int upppd_tun_set_mtu(const struct upppd_tun *t, unsigned mtu, char *err, size_t errcap)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", t->name);
    ifr.ifr_mtu = (int)mtu;
    if (if_ioctl(AF_INET, SIOCSIFMTU, &ifr) < 0)
        return fail(err, errcap, "cannot set MTU of", t->name);
    return 0;
}

static void set_sin(struct sockaddr *sa, uint32_t addr)
{
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(addr);
    memcpy(sa, &sin, sizeof(sin));
}

int upppd_tun_set_ipv4(const struct upppd_tun *t, uint32_t local, uint32_t remote, char *err,
                       size_t errcap)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", t->name);
    set_sin(&ifr.ifr_addr, local);
    if (if_ioctl(AF_INET, SIOCSIFADDR, &ifr) < 0)
        return fail(err, errcap, "cannot set local address of", t->name);
    set_sin(&ifr.ifr_dstaddr, remote);
    if (if_ioctl(AF_INET, SIOCSIFDSTADDR, &ifr) < 0)
        return fail(err, errcap, "cannot set remote address of", t->name);
    set_sin(&ifr.ifr_netmask, 0xffffffffu);
    if (if_ioctl(AF_INET, SIOCSIFNETMASK, &ifr) < 0)
        return fail(err, errcap, "cannot set netmask of", t->name);
    return 0;
}

int upppd_tun_add_ipv6_ll(const struct upppd_tun *t, uint64_t ifid, char *err, size_t errcap)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", t->name);
    if (if_ioctl(AF_INET6, SIOCGIFINDEX, &ifr) < 0)
        return fail(err, errcap, "cannot find interface", t->name);
    struct in6_ifreq r6;
    memset(&r6, 0, sizeof(r6));
    r6.ifr6_ifindex = ifr.ifr_ifindex;
    r6.ifr6_prefixlen = 64;
    r6.ifr6_addr.s6_addr[0] = 0xfe;
    r6.ifr6_addr.s6_addr[1] = 0x80;
    for (int i = 0; i < 8; i++)
        r6.ifr6_addr.s6_addr[8 + i] = (uint8_t)(ifid >> (56 - 8 * i));
    if (if_ioctl(AF_INET6, SIOCSIFADDR, &r6) < 0 && errno != EEXIST)
        return fail(err, errcap, "cannot add IPv6 link-local address to", t->name);
    return 0;
}

int upppd_tun_set_up(const struct upppd_tun *t, int up, char *err, size_t errcap)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", t->name);
    if (if_ioctl(AF_INET, SIOCGIFFLAGS, &ifr) < 0)
        return fail(err, errcap, "cannot read flags of", t->name);
    if (up)
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    else
        ifr.ifr_flags &= ~IFF_UP;
    if (if_ioctl(AF_INET, SIOCSIFFLAGS, &ifr) < 0)
        return fail(err, errcap, up ? "cannot bring up" : "cannot bring down", t->name);
    return 0;
}

static int route_ioctl(unsigned long req, const char *dev)
{
    struct rtentry rt;
    memset(&rt, 0, sizeof(rt));
    set_sin(&rt.rt_dst, 0);
    set_sin(&rt.rt_genmask, 0);
    set_sin(&rt.rt_gateway, 0);
    rt.rt_flags = RTF_UP;
    rt.rt_dev = (char *)dev;
    return if_ioctl(AF_INET, req, &rt);
}

int upppd_tun_default_route(struct upppd_tun *t, int add, int replace, char *err, size_t errcap)
{
    if (!add) {
        if (t->default_route && route_ioctl(SIOCDELRT, t->name) < 0 && errno != ESRCH)
            return fail(err, errcap, "cannot delete default route via", t->name);
        t->default_route = 0;
        return 0;
    }
    if (replace) {
        /* Remove whatever default route exists (any device). */
        struct rtentry rt;
        memset(&rt, 0, sizeof(rt));
        set_sin(&rt.rt_dst, 0);
        set_sin(&rt.rt_genmask, 0);
        rt.rt_flags = RTF_UP;
        while (if_ioctl(AF_INET, SIOCDELRT, &rt) == 0)
            ;
    }
    if (route_ioctl(SIOCADDRT, t->name) < 0) {
        if (errno == EEXIST)
            snprintf(err, errcap, "not replacing existing default route (use replacedefaultroute)");
        else
            fail(err, errcap, "cannot add default route via", t->name);
        return -1;
    }
    t->default_route = 1;
    return 0;
}

void upppd_format_ll(uint64_t ifid, char *buf, size_t cap)
{
    /* pppd prints all four groups of the identifier in full, zero-padded
     * (fe80::f5d4:f7e8:879f:0d95 in our captures). */
    snprintf(buf, cap, "fe80::%04x:%04x:%04x:%04x", (unsigned)(ifid >> 48) & 0xffff,
             (unsigned)(ifid >> 32) & 0xffff, (unsigned)(ifid >> 16) & 0xffff,
             (unsigned)ifid & 0xffff);
}
