/*
 * Fuzz upppd-pptpd's command-line parser: the input is split at NUL or
 * newline into argv words (at most 64), parsed, and applied to a
 * configuration, which is then finished (address slots).
 */
#include "cli.h"
#include "conf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = 0;
    char *argv[66];
    int argc = 0;
    argv[argc++] = (char *)"upppd-pptpd";
    char *p = text;
    while (argc < 65 && p <= text + size) {
        argv[argc++] = p;
        size_t l = strcspn(p, "\n");
        p[l] = 0;
        p += l + 1;
    }
    argv[argc] = NULL;
    struct upppd_pptpd_cli cli;
    memset(&cli, 0, sizeof(cli));
    if (upppd_pptpd_cli_parse(&cli, argc, argv) == 0) {
        struct upppd_pptpd_conf c;
        upppd_pptpd_conf_init(&c);
        if (upppd_pptpd_cli_apply(&cli, &c) == 0 && upppd_pptpd_conf_finish(&c) == 0 &&
            (c.connections < 1 || c.connections > UPPPD_PPTPD_CONNECTIONS_MAX))
            abort();
        upppd_pptpd_conf_free(&c);
    }
    free(text);
    return 0;
}
