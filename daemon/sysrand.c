/*
 * Random bytes for the session's random callback (LCP magic numbers, CHAP
 * challenges, IPv6 interface identifiers), from the kernel's getrandom().
 * It lives in the daemon because libuppp makes no system call: the library
 * asks its caller for randomness, so that tests stay deterministic.
 */
#include "sysrand.h"

#include <uppp/err.h>

#include <errno.h>
#include <stdint.h>
#include <sys/random.h>

int upppd_random_bytes(void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return UPPP_ERR_RANDOM;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int upppd_random_cb(void *user, void *buf, size_t len)
{
    (void)user;
    return upppd_random_bytes(buf, len);
}
