/*
 * Fuzz the /proc/net/route reader of the PPTP client's host route
 * (daemon/route.c) with arbitrary text. The first 4 octets are the
 * destination looked up, the rest is the file.
 *
 * Checks: a route found names an interface that fits IFNAMSIZ, is not the
 * skipped one, and appears in the text; without a newline-free line of
 * eight fields nothing is found.
 */
#include "route.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    uint32_t dst;
    memcpy(&dst, data, 4);
    char *text = malloc(size - 4 + 1);
    if (text == NULL)
        abort();
    memcpy(text, data + 4, size - 4);
    text[size - 4] = 0;
    uint32_t gw = 0;
    char dev[UPPPD_ROUTE_DEV_LEN];
    if (upppd_route_parse(text, dst, "ppp0", &gw, dev) == 0) {
        size_t n = strnlen(dev, sizeof(dev));
        if (n == 0 || n >= sizeof(dev) || strcmp(dev, "ppp0") == 0 || strstr(text, dev) == NULL)
            abort();
    }
    free(text);
    return 0;
}
