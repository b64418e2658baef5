/* The PPTP client's host route (daemon/route.c): which route the kernel
 * uses now for the server, read from /proc/net/route text (addresses as
 * the kernel prints them: the big-endian value in %08X, so 0101A8C0 is
 * 192.168.1.1 on a little-endian host). Longest prefix wins, then the
 * lowest metric; routes down or through the tunnel are left out; broken
 * lines are skipped. */
#include "testutil.h"

#include "route.h"

#include <arpa/inet.h>
#include <stdio.h>

static uint32_t ip(const char *s)
{
    return inet_addr(s);
}

/* A /proc/net/route line for dst/mask via gw on dev. */
static void line(char *buf, size_t cap, const char *dev, const char *dst, const char *gw,
                 unsigned flags, unsigned metric, const char *mask)
{
    size_t n = strlen(buf);
    snprintf(buf + n, cap - n, "%s\t%08X\t%08X\t%04X\t0\t0\t%u\t%08X\t0\t0\t0\n", dev, ip(dst),
             ip(gw), flags, metric, ip(mask));
}

static void test_route_parse(void **state)
{
    (void)state;
    char t[4096] =
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";
    line(t, sizeof(t), "eth0", "0.0.0.0", "192.168.1.1", 0x3, 100, "0.0.0.0");
    line(t, sizeof(t), "eth1", "0.0.0.0", "10.1.1.1", 0x3, 50, "0.0.0.0");
    line(t, sizeof(t), "eth0", "192.168.1.0", "0.0.0.0", 0x1, 0, "255.255.255.0");
    line(t, sizeof(t), "wlan0", "172.16.0.0", "192.168.9.1", 0x3, 0, "255.240.0.0");
    line(t, sizeof(t), "ppp0", "0.0.0.0", "0.0.0.0", 0x1, 0, "0.0.0.0");
    line(t, sizeof(t), "ppp0", "203.0.113.0", "0.0.0.0", 0x1, 0, "255.255.255.0");
    line(t, sizeof(t), "eth2", "198.51.100.0", "10.9.9.9", 0x2, 0, "255.255.255.0"); /* down */
    line(t, sizeof(t), "eth3", "198.18.0.0", "10.9.9.9", 0x3, 0, "255.0.255.0");     /* odd mask */
    strcat(t, "garbage line\n\tnothing\n");

    uint32_t gw = 1;
    char dev[UPPPD_ROUTE_DEV_LEN];
    /* The default route of the lowest metric, the tunnel's left out. */
    assert_int_equal(upppd_route_parse(t, ip("8.8.8.8"), "ppp0", &gw, dev), 0);
    assert_int_equal(gw, ip("10.1.1.1"));
    assert_string_equal(dev, "eth1");
    /* A longer prefix wins over any default. */
    assert_int_equal(upppd_route_parse(t, ip("172.20.3.4"), "ppp0", &gw, dev), 0);
    assert_int_equal(gw, ip("192.168.9.1"));
    assert_string_equal(dev, "wlan0");
    /* On-link: no gateway, no host route needed. */
    assert_int_equal(upppd_route_parse(t, ip("192.168.1.77"), "ppp0", &gw, dev), 0);
    assert_int_equal(gw, 0);
    assert_string_equal(dev, "eth0");
    /* Not left out, the tunnel's /24 would win. */
    assert_int_equal(upppd_route_parse(t, ip("203.0.113.9"), NULL, &gw, dev), 0);
    assert_string_equal(dev, "ppp0");
    assert_int_equal(upppd_route_parse(t, ip("203.0.113.9"), "ppp0", &gw, dev), 0);
    assert_string_equal(dev, "eth1");
    /* A route that is not up, and a non-contiguous mask, are not used. */
    assert_int_equal(upppd_route_parse(t, ip("198.51.100.7"), "ppp0", &gw, dev), 0);
    assert_string_equal(dev, "eth1");
    assert_int_equal(upppd_route_parse(t, ip("198.18.0.7"), "ppp0", &gw, dev), 0);
    assert_string_equal(dev, "eth1");

    /* Nothing matches without a default route. */
    char u[1024] = "";
    line(u, sizeof(u), "eth0", "192.168.1.0", "0.0.0.0", 0x1, 0, "255.255.255.0");
    assert_int_equal(upppd_route_parse(u, ip("8.8.8.8"), NULL, &gw, dev), -1);
    assert_int_equal(upppd_route_parse("", ip("8.8.8.8"), NULL, &gw, dev), -1);
    /* An interface name too long for IFNAMSIZ is not one. */
    char v[1024] = "";
    line(v, sizeof(v), "a-very-long-interface-name", "0.0.0.0", "10.0.0.1", 0x3, 0, "0.0.0.0");
    assert_int_equal(upppd_route_parse(v, ip("8.8.8.8"), NULL, &gw, dev), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_route_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
