/*
 * Fuzz the options-file reader (pppd's word syntax, every option's
 * argument parser, upppd_opts_finish()) with arbitrary text. "file" and
 * "call" are disabled so the input cannot pull in files. Oracle: when the
 * text is accepted, upppd_opts_dump() must read back to the same
 * configuration.
 */
#include "options.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct upppd_opts a, b; /* large: keep them off the stack */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    upppd_opts_init(&a);
    a.no_files = 1;
    int rc = upppd_opts_parse_text(&a, (const char *)data, size, "fuzz");
    if (rc == 0)
        rc = upppd_opts_finish(&a);
    if (rc == 0) {
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        if (f == NULL)
            abort();
        upppd_opts_dump(&a, f);
        fclose(f);
        upppd_opts_init(&b);
        b.no_files = 1;
        int rc2 = upppd_opts_parse_text(&b, text, len, "dump");
        if (rc2 == 0)
            rc2 = upppd_opts_finish(&b);
        if (rc2 != 0) {
            fprintf(stderr, "dump does not read back: %s\n%s", b.error, text);
            abort();
        }
        if (memcmp(&a.cfg, &b.cfg, sizeof(a.cfg)) != 0 || strcmp(a.device, b.device) != 0 ||
            strcmp(a.ipparam, b.ipparam) != 0 || a.debug != b.debug || a.logfd != b.logfd) {
            fprintf(stderr, "dump reads back differently:\n%s", text);
            abort();
        }
        free(text);
        upppd_opts_free(&b);
    }
    upppd_opts_free(&a);
    return 0;
}
