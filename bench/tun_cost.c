/*
 * What N TUN interfaces cost the kernel (issue 9 item 5): the question is
 * whether a server carrying thousands of PPP sessions should give each its
 * own TUN, as upppd does today (pppd's one pppN per link), or offer one
 * shared TUN that routes by destination address.
 *
 * In a network namespace of its own (unshare(CLONE_NEWNET): nothing of the
 * host's is touched and nothing is left behind), it opens N TUN devices
 * exactly as upppd does (daemon/tun.c: /dev/net/tun, IFF_TUN | IFF_NO_PI,
 * the fd held open), then configures each as upppd does when IPCP comes up
 * (MTU, point-to-point /32 addresses, up), then closes them all. No
 * traffic. Times are wall clock; memory is the change in /proc/meminfo's
 * Slab, SUnreclaim and Percpu (per-CPU stats of each net_device), and in
 * MemAvailable, which also catches page allocations outside the slab
 * (noisy on a shared machine: read it as an order of magnitude).
 *
 * Usage: tun-cost [N [noconf]]   (root; default 1000; noconf skips the
 * configure step, to time closing interfaces that were never up).
 * Output: key=value lines.
 *
 * The numbers measured and the recommendation (one shared TUN as an option
 * for the server) are in docs/TUN-COST.md. Closing takes ~20 ms per
 * interface, so a run of 1000 lasts about half a minute.
 */
#define _GNU_SOURCE
#include "tun.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct mem {
    long slab, sunreclaim, percpu, available; /* kB */
};

static long meminfo_kb(const char *text, const char *key)
{
    const char *p = strstr(text, key);
    return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

static struct mem mem_now(void)
{
    struct mem m = {-1, -1, -1, -1};
    char buf[8192];
    FILE *f = fopen("/proc/meminfo", "r");
    if (f == NULL)
        return m;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = 0;
    m.slab = meminfo_kb(buf, "\nSlab:");
    m.sunreclaim = meminfo_kb(buf, "\nSUnreclaim:");
    m.percpu = meminfo_kb(buf, "\nPercpu:");
    m.available = meminfo_kb(buf, "\nMemAvailable:");
    return m;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Freed slab objects go back with RCU and per-CPU caches: let them settle
 * so the deltas are the interfaces' and not in-flight frees. */
static struct mem mem_settled(void)
{
    sync();
    usleep(300000);
    return mem_now();
}

static void print_mem(const char *phase, const struct mem *a, const struct mem *b, int n)
{
    long slab = b->slab - a->slab, sunr = b->sunreclaim - a->sunreclaim;
    long pcpu = b->percpu - a->percpu, avail = a->available - b->available;
    printf("%s_slab_kb=%ld\n%s_sunreclaim_kb=%ld\n%s_percpu_kb=%ld\n%s_memavailable_drop_kb=%ld\n",
           phase, slab, phase, sunr, phase, pcpu, phase, avail);
    printf("%s_kernel_bytes_per_if=%ld\n", phase, (slab + pcpu) * 1024 / n);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1000;
    int configure = !(argc > 2 && strcmp(argv[2], "noconf") == 0);
    if (n <= 0 || n > 100000 || (argc > 2 && configure) || argc > 3) {
        fprintf(stderr, "usage: tun-cost [N [noconf]]   (N 1..100000, default 1000)\n");
        return 2;
    }
    if (unshare(CLONE_NEWNET) < 0) {
        fprintf(stderr, "tun-cost: cannot make a network namespace: %s (run as root)\n",
                strerror(errno));
        return 1;
    }
    struct upppd_tun *t = calloc((size_t)n, sizeof(*t));
    if (t == NULL)
        return 1;
    char err[256], name[UPPPD_IFNAMSIZ];
    printf("interfaces=%d\n", n);

    struct mem m0 = mem_settled();
    double t0 = now_s();
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof(name), "ppp%d", i);
        if (upppd_tun_open(&t[i], name, err, sizeof(err)) < 0) {
            fprintf(stderr, "tun-cost: interface %d: %s\n", i, err);
            return 1;
        }
    }
    double t1 = now_s();
    struct mem m1 = mem_settled();
    printf("create_ms=%.1f\ncreate_us_per_if=%.1f\n", (t1 - t0) * 1e3, (t1 - t0) * 1e6 / n);
    print_mem("create", &m0, &m1, n);

    /* What ip_up() does: MTU, 10.0.0.1 -> 10.<i>/32, up. */
    double t2 = now_s();
    for (int i = 0; i < n && configure; i++) {
        uint32_t remote = 0x0a800000u + (uint32_t)i;
        if (upppd_tun_set_mtu(&t[i], 1400, err, sizeof(err)) < 0 ||
            upppd_tun_set_ipv4(&t[i], 0x0a000001u, remote, err, sizeof(err)) < 0 ||
            upppd_tun_set_up(&t[i], 1, err, sizeof(err)) < 0) {
            fprintf(stderr, "tun-cost: configure %s: %s\n", t[i].name, err);
            return 1;
        }
    }
    double t3 = now_s();
    struct mem m2 = mem_settled();
    if (configure) {
        printf("configure_ms=%.1f\nconfigure_us_per_if=%.1f\n", (t3 - t2) * 1e3,
               (t3 - t2) * 1e6 / n);
        print_mem("configured", &m0, &m2, n);
    }

    double t4 = now_s();
    for (int i = 0; i < n; i++)
        upppd_tun_close(&t[i]);
    double t5 = now_s();
    struct mem m3 = mem_settled();
    printf("remove_ms=%.1f\nremove_us_per_if=%.1f\n", (t5 - t4) * 1e3, (t5 - t4) * 1e6 / n);
    print_mem("after_remove", &m0, &m3, n);
    free(t);
    return 0;
}
