/*
 * Fuzz the secrets-file parser with arbitrary text, then look up secrets
 * for names taken from the parsed lines and for unknown names, with every
 * method, and check addresses. "@/path" secrets are turned into plain
 * ones first so that the input cannot make us read files. The input's
 * start, as an "nthash:" secret, also checks the hex decoder behind that
 * form against a reading of its own: accepted exactly when it is 32 hex
 * digits, and then the hash is what they spell.
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

static void check_nthash_word(const uint8_t *data, size_t size)
{
    static const char digits[] = "0123456789abcdef";
    char word[7 + 40 + 1] = "nthash:";
    size_t n = size < 40 ? size : 40;
    memcpy(word + 7, data, n);
    word[7 + n] = 0;
    size_t len = strlen(word + 7);
    int hex = len == 32;
    for (size_t i = 0; hex && i < len; i++)
        hex = word[7 + i] != 0 && strchr("0123456789abcdefABCDEF", word[7 + i]) != NULL;
    struct uppp_secret out;
    int rc = upppd_secret_from_word(word, &out);
    if ((rc == 0) != hex)
        abort();
    if (rc != 0)
        return;
    for (size_t i = 0; i < 32; i++) {
        int v = out.nt_hash[i / 2] >> (i % 2 ? 0 : 4) & 15;
        char c = word[7 + i];
        if (c >= 'A' && c <= 'F')
            c = (char)(c - 'A' + 'a');
        if (digits[v] != c || out.kind != UPPP_SECRET_NTHASH)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_nthash_word(data, size);
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
