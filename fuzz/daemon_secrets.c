/*
 * Fuzz the secrets-file parser with arbitrary text, then look up secrets
 * for names taken from the parsed lines and for unknown names, with every
 * method, and check addresses. "@/path" secrets are turned into plain
 * ones first so that the input cannot make us read files.
 */
#include "secrets.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned methods[] = {UPPP_AUTH_PAP, UPPP_AUTH_CHAP_MD5, UPPP_AUTH_MSCHAP_V1,
                                   UPPP_AUTH_MSCHAP_V2};
static const uint32_t addrs[] = {0x0a000001, 0x0a0000ff, 0xc0a80101, 0x7f000001,
                                 0xe0000001, 0x00000000, 0xffffffff};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct upppd_secrets *s = NULL;
    if (upppd_secrets_parse(&s, (const char *)data, size, "fuzz", NULL, NULL) != 0)
        return 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->e[i].secret[0] == '@')
            s->e[i].secret[0] = 'x';
    for (size_t i = 0; i <= s->n && i < 8; i++) {
        const char *client = i < s->n ? s->e[i].client : NULL;
        const char *server = i < s->n ? s->e[i].server : "";
        for (size_t m = 0; m < sizeof(methods) / sizeof(methods[0]); m++) {
            struct uppp_secret out;
            const struct upppd_secret_entry *e = NULL;
            int rc = upppd_secrets_lookup(s, client, server, methods[m], &out, &e);
            if (rc == 0) {
                if (e == NULL || out.kind == UPPP_SECRET_NONE)
                    abort();
                for (size_t a = 0; a < sizeof(addrs) / sizeof(addrs[0]); a++) {
                    int ok = upppd_secret_addr_ok(e, addrs[a], (int)a - 1);
                    /* Loopback and multicast are never allowed. */
                    if (ok && (addrs[a] >> 24 == 127 || addrs[a] >> 28 >= 0xe))
                        abort();
                }
                (void)upppd_secret_suggested_ip(e, 3);
            }
        }
    }
    upppd_secrets_free(s);
    return 0;
}
