/*
 * Fuzz the radiusclient.conf parser, the servers-file parser and avpair
 * (daemon/radius_conf.h) with arbitrary text: the input up to the first
 * "\n--\n" is the configuration, the rest the servers file; each line of
 * the servers part is also tried as an avpair.
 *
 * Checks: no crash or overread; a configuration that parses has 1..8
 * servers of each kind with non-empty NUL-terminated host names, a timeout
 * and retries above 0, and non-empty file names; after the servers file
 * parses, every server has a secret of 1..128 octets; an avpair that is
 * accepted appends exactly one well-formed attribute.
 */
#include "radius_conf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if (!(x))                                                                                  \
            abort();                                                                               \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_servers(const struct upppd_radius_server *s, size_t n, int secrets)
{
    CHECK(n >= 1 && n <= UPPPD_RADIUS_MAX_SERVERS);
    for (size_t i = 0; i < n; i++) {
        CHECK(memchr(s[i].host, 0, sizeof(s[i].host)) != NULL && s[i].host[0] != 0);
        if (secrets)
            CHECK(s[i].secret_len >= 1 && s[i].secret_len <= UPPP_RADIUS_SECRET_MAX);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    size_t conf_len = size, rest = size;
    for (size_t i = 0; i + 4 <= size; i++)
        if (memcmp(text + i, "\n--\n", 4) == 0) {
            conf_len = i + 1;
            rest = i + 4;
            break;
        }
    struct upppd_radius_conf *c = malloc(sizeof(*c));
    CHECK(c != NULL);
    char err[256];
    if (upppd_radius_conf_parse(c, text, conf_len, "fuzz.conf", err, sizeof(err), NULL, NULL) ==
        0) {
        check_servers(c->auth, c->nauth, 0);
        check_servers(c->acct, c->nacct, 0);
        CHECK(c->timeout_s > 0 && c->retries > 0);
        CHECK(c->servers_file[0] != 0 && c->dictionary[0] != 0);
        if (upppd_radius_servers_parse(c, text + rest, size - rest, "servers", err, sizeof(err)) ==
            0) {
            check_servers(c->auth, c->nauth, 1);
            check_servers(c->acct, c->nacct, 1);
        }
    } else {
        CHECK(memchr(err, 0, sizeof(err)) != NULL && err[0] != 0);
    }
    upppd_radius_conf_wipe(c);
    free(c);

    /* avpair, on each line after the separator. */
    struct uppp_radius_req *r = malloc(sizeof(*r));
    CHECK(r != NULL);
    uppp_radius_req_init(r, UPPP_RADIUS_ACCESS_REQUEST);
    char line[300];
    for (size_t i = rest; i < size;) {
        size_t e = i;
        while (e < size && text[e] != '\n')
            e++;
        size_t n = e - i < sizeof(line) - 1 ? e - i : sizeof(line) - 1;
        memcpy(line, text + i, n);
        line[n] = 0;
        i = e + 1;
        size_t before = r->attrs_len;
        if (upppd_radius_avpair(r, line, err, sizeof(err)) == 0) {
            CHECK(r->attrs_len > before + 1);
            CHECK(r->attrs[before + 1] == r->attrs_len - before);
        } else {
            CHECK(r->attrs_len == before);
        }
    }
    free(r);
    return 0;
}
