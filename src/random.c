/*
 * Random bytes for challenges and magic numbers, from the kernel's getrandom().
 * Only the daemon and tools call this; the protocol core asks its caller for
 * randomness through a callback so that tests stay deterministic.
 */
#include "crypto.h"

#include <uppp/err.h>

#include <errno.h>
#include <sys/random.h>

int uppp_random_bytes(void *buf, size_t len)
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
