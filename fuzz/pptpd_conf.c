/*
 * Fuzz upppd-pptpd's pptpd.conf parser and pptpd's address lists: any
 * text, then the pairing into connection slots. Checks the limit stays
 * within its bounds and every slot exists.
 */
#include "conf.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct upppd_pptpd_conf c;
    upppd_pptpd_conf_init(&c);
    if (upppd_pptpd_conf_parse(&c, (const char *)data, size, "fuzz") == 0 &&
        upppd_pptpd_conf_finish(&c) == 0) {
        if (c.connections < 1 || c.connections > UPPPD_PPTPD_CONNECTIONS_MAX)
            abort();
        /* Every slot is readable: ASan catches a short array. */
        volatile uint32_t sum = 0;
        for (int i = 0; i < c.connections; i++)
            sum += c.remote[i] ^ c.local[i];
        (void)sum;
    }
    upppd_pptpd_conf_free(&c);
    return 0;
}
