/*
 * Fuzz the runas helper's request check (daemon/privsep.c): the helper runs
 * as root and must refuse anything but a well-formed request for a hook
 * script, resolv.conf or a secret, whatever the unprivileged side sends.
 * Oracle: an accepted script request has exactly its nargs + nenv
 * NUL-terminated strings, and no variable that changes how a root script
 * runs (LD_*, PATH, BASH_ENV, ENV, IFS).
 */
#include "privsep.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const bad[] = {"LD_", "PATH=", "BASH_ENV=", "ENV=", "IFS="};
    if (upppd_privsep_check_request(data, size) != 1)
        return 0;
    size_t off = 8;
    unsigned nargs = data[6], nenv = data[7];
    for (unsigned i = 0; i < nargs + nenv; i++) {
        const uint8_t *end = memchr(data + off, 0, size - off);
        if (end == NULL)
            abort();
        if (i >= nargs)
            for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++)
                if (strncmp((const char *)data + off, bad[b], strlen(bad[b])) == 0)
                    abort();
        off = (size_t)(end - data) + 1;
    }
    if (off != size)
        abort();
    return 0;
}
