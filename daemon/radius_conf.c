/*
 * radiusclient.conf, the servers file and avpair, as pppd 2.4.9's radius
 * plugin reads them (see radius_conf.h for what is accepted and why).
 */
#include "radius_conf.h"

#include <uppp/err.h>
#include <uppp/escape.h>

#include "crypto.h" /* uppp_memzero */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum kw {
    K_AUTH_ORDER,
    K_LOGIN_TRIES,
    K_LOGIN_TIMEOUT,
    K_NOLOGIN,
    K_ISSUE,
    K_AUTHSERVER,
    K_ACCTSERVER,
    K_SERVERS,
    K_DICTIONARY,
    K_LOGIN_RADIUS,
    K_SEQFILE,
    K_MAPFILE,
    K_DEFAULT_REALM,
    K_TIMEOUT,
    K_RETRIES,
    K_NAS_IDENTIFIER,
    K_BINDADDR,
    K_LOGIN_LOCAL,
    K_COUNT
};

/* pppd/plugins/radius/options.h's table, in its order. */
static const char *const kw_names[K_COUNT] = {
    "auth_order",     "login_tries", "login_timeout", "nologin",        "issue",
    "authserver",     "acctserver",  "servers",       "dictionary",     "login_radius",
    "seqfile",        "mapfile",     "default_realm", "radius_timeout", "radius_retries",
    "nas_identifier", "bindaddr",    "login_local",
};

static int fail(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Messages quote the files (names, keywords, hosts) and reach the log:
 * control characters and high octets are made visible as pppd's %v does
 * (uppp/escape.h). */
static void visible(char *out, size_t cap, const char *msg)
{
    uppp_escape(out, cap, msg, strlen(msg), UPPP_ESCAPE_VISIBLE);
}

static int fail(char *err, size_t cap, const char *fmt, ...)
{
    char raw[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof(raw), fmt, ap);
    va_end(ap);
    visible(err, cap, raw);
    return -1;
}

static int copy_str(char *dst, size_t cap, const char *v)
{
    size_t n = strlen(v);
    if (n >= cap)
        return -1;
    memcpy(dst, v, n + 1);
    return 0;
}

static int parse_uint(const char *v, unsigned max, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long x = strtoul(v, &end, 10);
    if (end == v || *end != 0 || errno != 0 || x == 0 || x > max || v[0] == '-')
        return -1;
    *out = (unsigned)x;
    return 0;
}

/* "host[:port]" entries separated by commas, blanks or tabs. */
static int parse_servers(struct upppd_radius_server *s, size_t *n, char *v, uint16_t defport,
                         const char *name, unsigned line, char *err, size_t cap)
{
    *n = 0;
    for (char *save = NULL, *tok = strtok_r(v, ", \t", &save); tok != NULL;
         tok = strtok_r(NULL, ", \t", &save)) {
        if (*n == UPPPD_RADIUS_MAX_SERVERS)
            return fail(err, cap, "%s: line %u: more than %d servers", name, line,
                        UPPPD_RADIUS_MAX_SERVERS);
        struct upppd_radius_server *sv = &s[*n];
        memset(sv, 0, sizeof(*sv));
        sv->port = defport;
        char *colon = strchr(tok, ':');
        if (colon != NULL) {
            *colon = 0;
            unsigned port;
            if (parse_uint(colon + 1, 65535, &port) != 0)
                return fail(err, cap, "%s: line %u: bad port \"%.20s\"", name, line, colon + 1);
            sv->port = (uint16_t)port;
        }
        if (tok[0] == 0 || copy_str(sv->host, sizeof(sv->host), tok) != 0)
            return fail(err, cap, "%s: line %u: bad server name", name, line);
        (*n)++;
    }
    if (*n == 0)
        return fail(err, cap, "%s: line %u: bogus option value", name, line);
    return 0;
}

/* One "keyword value" line; p is NUL-terminated and modifiable. */
static int conf_line(struct upppd_radius_conf *c, char *p, const char *name, unsigned line,
                     char *err, size_t cap, upppd_radius_warn_fn warn, void *wctx)
{
    size_t pos = strcspn(p, "\t ");
    if (pos == 0)
        return fail(err, cap, "%s: line %u: bogus format", name, line);
    char *val = p + pos;
    if (*val != 0)
        *val++ = 0;
    while (isspace((unsigned char)*val))
        val++;
    size_t vl = strlen(val);
    while (vl > 0 && isspace((unsigned char)val[vl - 1]))
        val[--vl] = 0;
    int k = -1;
    for (int i = 0; i < K_COUNT; i++)
        if (strcmp(p, kw_names[i]) == 0)
            k = i;
    if (k < 0) {
        if (warn != NULL) {
            char raw[160], msg[320];
            snprintf(raw, sizeof(raw), "%s: line %u: unrecognized keyword: %.40s", name, line, p);
            visible(msg, sizeof(msg), raw);
            warn(wctx, msg);
        }
        return 0;
    }
    if (c->seen & (1u << k))
        return fail(err, cap, "%s: line %u: duplicate option line: %s", name, line, p);
    c->seen |= 1u << k;
    switch (k) {
    case K_AUTHSERVER:
        return parse_servers(c->auth, &c->nauth, val, 1812, name, line, err, cap);
    case K_ACCTSERVER:
        return parse_servers(c->acct, &c->nacct, val, 1813, name, line, err, cap);
    case K_TIMEOUT:
    case K_RETRIES:
    case K_LOGIN_TRIES:
    case K_LOGIN_TIMEOUT: {
        unsigned v;
        if (parse_uint(val, 3600, &v) != 0)
            return fail(err, cap, "%s: line %u: %s must be a number from 1 to 3600", name, line, p);
        if (k == K_TIMEOUT)
            c->timeout_s = v;
        else if (k == K_RETRIES)
            c->retries = v;
        return 0;
    }
    case K_SERVERS:
    case K_DICTIONARY: {
        char *dst = k == K_SERVERS ? c->servers_file : c->dictionary;
        if (val[0] == 0 || copy_str(dst, UPPPD_RADIUS_PATH_LEN, val) != 0)
            return fail(err, cap, "%s: line %u: bad file name for %s", name, line, p);
        return 0;
    }
    case K_NAS_IDENTIFIER:
        if (copy_str(c->nas_identifier, sizeof(c->nas_identifier), val) != 0)
            return fail(err, cap, "%s: line %u: nas_identifier too long", name, line);
        return 0;
    case K_DEFAULT_REALM:
        if (copy_str(c->default_realm, sizeof(c->default_realm), val) != 0)
            return fail(err, cap, "%s: line %u: default_realm too long", name, line);
        return 0;
    case K_BINDADDR: {
        struct in_addr a;
        if (strcmp(val, "*") != 0 && inet_pton(AF_INET, val, &a) != 1)
            return fail(err, cap, "%s: line %u: bindaddr must be * or an IPv4 address", name, line);
        return copy_str(c->bindaddr, sizeof(c->bindaddr), strcmp(val, "*") ? val : "");
    }
    default:
        return 0; /* the login program's options: accepted, unused */
    }
}

int upppd_radius_conf_parse(struct upppd_radius_conf *c, const char *text, size_t len,
                            const char *name, char *err, size_t errcap, upppd_radius_warn_fn warn,
                            void *warn_ctx)
{
    memset(c, 0, sizeof(*c));
    char buf[512];
    unsigned line = 0;
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && text[e] != '\n')
            e++;
        line++;
        size_t n = e - i;
        if (n >= sizeof(buf))
            return fail(err, errcap, "%s: line %u: longer than %zu characters", name, line,
                        sizeof(buf) - 1);
        memcpy(buf, text + i, n);
        buf[n] = 0;
        i = e + 1;
        if (n > 0 && buf[n - 1] == '\r')
            buf[--n] = 0;
        if (memchr(buf, 0, n) != NULL)
            return fail(err, errcap, "%s: line %u: NUL character", name, line);
        if (n == 0 || buf[0] == '#')
            continue;
        if (conf_line(c, buf, name, line, err, errcap, warn, warn_ctx) != 0)
            return -1;
    }
    if (c->nauth == 0)
        return fail(err, errcap, "%s: no authserver specified", name);
    if (c->nacct == 0)
        return fail(err, errcap, "%s: no acctserver specified", name);
    if (c->servers_file[0] == 0)
        return fail(err, errcap, "%s: no servers file specified", name);
    if (c->dictionary[0] == 0)
        return fail(err, errcap, "%s: no dictionary specified", name);
    if (c->timeout_s == 0)
        c->timeout_s = 10;
    if (c->retries == 0)
        c->retries = 3;
    return 0;
}

static void set_secret(struct upppd_radius_server *s, size_t n, const char *host, const char *sec,
                       size_t slen)
{
    for (size_t i = 0; i < n; i++)
        if (s[i].secret_len == 0 && strcmp(s[i].host, host) == 0) {
            memcpy(s[i].secret, sec, slen);
            s[i].secret_len = slen;
        }
}

int upppd_radius_servers_parse(struct upppd_radius_conf *c, const char *text, size_t len,
                               const char *name, char *err, size_t errcap)
{
    char buf[512];
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && text[e] != '\n')
            e++;
        size_t n = e - i < sizeof(buf) - 1 ? e - i : sizeof(buf) - 1;
        memcpy(buf, text + i, n);
        buf[n] = 0;
        i = e + 1;
        if (buf[0] == '#')
            continue;
        char *save = NULL;
        char *host = strtok_r(buf, " \t\r", &save);
        char *sec = host ? strtok_r(NULL, " \t\r", &save) : NULL;
        if (sec == NULL)
            continue; /* radiusclient skips a line without a secret */
        size_t slen = strlen(sec);
        if (slen > UPPP_RADIUS_SECRET_MAX) {
            uppp_memzero(buf, sizeof(buf));
            return fail(err, errcap, "%s: the secret for %.64s is longer than %d characters", name,
                        host, UPPP_RADIUS_SECRET_MAX);
        }
        /* The "name1/name2" paired form: the server is whichever name is
         * not us; we do not resolve our own names, so either matches. */
        char *slash = strchr(host, '/');
        if (slash != NULL) {
            *slash = 0;
            set_secret(c->auth, c->nauth, slash + 1, sec, slen);
            set_secret(c->acct, c->nacct, slash + 1, sec, slen);
        }
        set_secret(c->auth, c->nauth, host, sec, slen);
        set_secret(c->acct, c->nacct, host, sec, slen);
        uppp_memzero(buf, sizeof(buf));
    }
    for (size_t i = 0; i < c->nauth + c->nacct; i++) {
        const struct upppd_radius_server *s = i < c->nauth ? &c->auth[i] : &c->acct[i - c->nauth];
        if (s->secret_len == 0)
            return fail(err, errcap, "couldn't find RADIUS server %.64s in %s", s->host, name);
    }
    return 0;
}

static char *read_all(const char *path, size_t *len, char *err, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fail(err, cap, "can't open %s: %s", path, strerror(errno));
        return NULL;
    }
    size_t n = 0, c = 4096;
    char *b = malloc(c);
    while (b != NULL) {
        size_t r = fread(b + n, 1, c - n, f);
        n += r;
        if (n < c)
            break;
        if (c >= (1u << 20)) {
            free(b);
            b = NULL;
            fail(err, cap, "%s: larger than 1 MiB", path);
            break;
        }
        char *nb = realloc(b, c * 2);
        if (nb == NULL)
            free(b);
        b = nb;
        c *= 2;
    }
    fclose(f);
    if (b == NULL && err[0] == 0)
        fail(err, cap, "out of memory reading %s", path);
    *len = n;
    return b;
}

int upppd_radius_conf_load(struct upppd_radius_conf *c, const char *path, char *err, size_t errcap,
                           upppd_radius_warn_fn warn, void *warn_ctx)
{
    err[0] = 0;
    size_t len;
    char *text = read_all(path, &len, err, errcap);
    if (text == NULL)
        return -1;
    int rc = upppd_radius_conf_parse(c, text, len, path, err, errcap, warn, warn_ctx);
    free(text);
    if (rc != 0)
        return rc;
    if (access(c->dictionary, R_OK) != 0)
        return fail(err, errcap, "Can't read dictionary file %s: %s", c->dictionary,
                    strerror(errno));
    text = read_all(c->servers_file, &len, err, errcap);
    if (text == NULL)
        return -1;
    rc = upppd_radius_servers_parse(c, text, len, c->servers_file, err, errcap);
    uppp_memzero(text, len);
    free(text);
    return rc;
}

void upppd_radius_conf_wipe(struct upppd_radius_conf *c)
{
    uppp_memzero(c, sizeof(*c));
}

void upppd_radius_conf_wipe_secrets(struct upppd_radius_conf *c)
{
    for (size_t i = 0; i < UPPPD_RADIUS_MAX_SERVERS; i++) {
        uppp_memzero(c->auth[i].secret, sizeof(c->auth[i].secret));
        uppp_memzero(c->acct[i].secret, sizeof(c->acct[i].secret));
    }
}

/* avpair: the attributes a NAS may sensibly add, by dictionary name. */
enum av_type { AV_STRING, AV_INT, AV_ADDR };
struct av_def {
    const char *name;
    uint8_t type;
    enum av_type kind;
};
static const struct av_def av_defs[] = {
    {"User-Name", UPPP_RA_USER_NAME, AV_STRING},
    {"NAS-IP-Address", UPPP_RA_NAS_IP_ADDRESS, AV_ADDR},
    {"NAS-Port", UPPP_RA_NAS_PORT, AV_INT},
    {"Service-Type", UPPP_RA_SERVICE_TYPE, AV_INT},
    {"Framed-Protocol", UPPP_RA_FRAMED_PROTOCOL, AV_INT},
    {"Framed-IP-Address", UPPP_RA_FRAMED_IP_ADDRESS, AV_ADDR},
    {"Framed-IP-Netmask", UPPP_RA_FRAMED_IP_NETMASK, AV_ADDR},
    {"Framed-MTU", UPPP_RA_FRAMED_MTU, AV_INT},
    {"Reply-Message", UPPP_RA_REPLY_MESSAGE, AV_STRING},
    {"Class", UPPP_RA_CLASS, AV_STRING},
    {"Session-Timeout", UPPP_RA_SESSION_TIMEOUT, AV_INT},
    {"Idle-Timeout", UPPP_RA_IDLE_TIMEOUT, AV_INT},
    {"Called-Station-Id", UPPP_RA_CALLED_STATION_ID, AV_STRING},
    {"Calling-Station-Id", UPPP_RA_CALLING_STATION_ID, AV_STRING},
    {"NAS-Identifier", UPPP_RA_NAS_IDENTIFIER, AV_STRING},
    {"Acct-Session-Id", UPPP_RA_ACCT_SESSION_ID, AV_STRING},
    {"NAS-Port-Type", UPPP_RA_NAS_PORT_TYPE, AV_INT},
    {"Acct-Interim-Interval", UPPP_RA_ACCT_INTERIM_INTERVAL, AV_INT},
};
/* Named integer values from the standard dictionary. */
static const struct {
    uint8_t type;
    const char *name;
    uint32_t v;
} av_values[] = {
    {UPPP_RA_SERVICE_TYPE, "Login-User", 1},    {UPPP_RA_SERVICE_TYPE, "Framed-User", 2},
    {UPPP_RA_SERVICE_TYPE, "Outbound-User", 5}, {UPPP_RA_FRAMED_PROTOCOL, "PPP", 1},
    {UPPP_RA_NAS_PORT_TYPE, "Async", 0},        {UPPP_RA_NAS_PORT_TYPE, "Sync", 1},
    {UPPP_RA_NAS_PORT_TYPE, "Virtual", 5},      {UPPP_RA_NAS_PORT_TYPE, "Ethernet", 15},
};

int upppd_radius_avpair(struct uppp_radius_req *req, const char *text, char *err, size_t errcap)
{
    const char *eq = strchr(text, '=');
    if (eq == NULL)
        return fail(err, errcap, "avpair \"%.40s\": expected Attribute=value", text);
    const struct av_def *d = NULL;
    size_t nl = (size_t)(eq - text);
    for (size_t i = 0; i < sizeof(av_defs) / sizeof(av_defs[0]); i++)
        if (strlen(av_defs[i].name) == nl && strncasecmp(av_defs[i].name, text, nl) == 0)
            d = &av_defs[i];
    if (d == NULL)
        return fail(err, errcap, "avpair: unknown attribute \"%.*s\"", (int)(nl > 40 ? 40 : nl),
                    text);
    const char *v = eq + 1;
    int rc;
    if (d->kind == AV_STRING) {
        rc = uppp_radius_req_add(req, d->type, v, strlen(v));
    } else if (d->kind == AV_ADDR) {
        struct in_addr a;
        if (inet_pton(AF_INET, v, &a) != 1)
            return fail(err, errcap, "avpair %s: \"%.40s\" is not an IPv4 address", d->name, v);
        rc = uppp_radius_req_add_u32(req, d->type, ntohl(a.s_addr));
    } else {
        uint32_t x = 0;
        int found = 0;
        for (size_t i = 0; i < sizeof(av_values) / sizeof(av_values[0]); i++)
            if (av_values[i].type == d->type && strcasecmp(av_values[i].name, v) == 0) {
                x = av_values[i].v;
                found = 1;
            }
        char *end;
        errno = 0;
        unsigned long ul = found ? 0 : strtoul(v, &end, 10);
        if (!found && (v[0] == 0 || v[0] == '-' || *end != 0 || errno != 0 || ul > UINT32_MAX))
            return fail(err, errcap, "avpair %s: \"%.40s\" is not a number or a known value",
                        d->name, v);
        if (!found)
            x = (uint32_t)ul;
        rc = uppp_radius_req_add_u32(req, d->type, x);
    }
    if (rc != 0)
        return fail(err, errcap, "avpair %s: value too long", d->name);
    return 0;
}
