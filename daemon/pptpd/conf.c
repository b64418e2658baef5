/*
 * pptpd.conf and pptpd's address lists (see conf.h for the rules, taken
 * from poptop 1.4.0's configfile.c and pptpd.c processIPStr()).
 */
#define _GNU_SOURCE
#include "conf.h"

#include <uppp/err.h>
#include <uppp/escape.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A pptpd.conf larger than this is not a configuration file. */
#define CONF_FILE_MAX (1024 * 1024)

static void warnf(struct upppd_pptpd_conf *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void warnf(struct upppd_pptpd_conf *c, const char *fmt, ...)
{
    if (c->warn == NULL)
        return;
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    c->warn(c->warn_ctx, msg);
}

static int fail(struct upppd_pptpd_conf *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int fail(struct upppd_pptpd_conf *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->error, sizeof(c->error), fmt, ap);
    va_end(ap);
    return UPPP_ERR_PARSE;
}

void upppd_pptpd_conf_init(struct upppd_pptpd_conf *c)
{
    memset(c, 0, sizeof(*c));
    c->connections = UPPPD_PPTPD_CONNECTIONS_DEFAULT;
    c->stimeout_s = UPPPD_PPTPD_STIMEOUT_DEFAULT;
    snprintf(c->speed, sizeof(c->speed), "115200");
    c->port = UPPPD_PPTPD_PORT;
    c->calls_per_connection = 1;
    c->max_msgs_per_sec = 50;
    c->gre_timeout_s = 30;
    c->echo_interval_s = 60;
}

void upppd_pptpd_conf_free(struct upppd_pptpd_conf *c)
{
    free(c->local);
    free(c->remote);
    c->local = c->remote = NULL;
}

/* conf.h */
int upppd_pptpd_parse_int(const char *s, int lo, int hi, int *out)
{
    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    char *end;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

/* conf.h */
int upppd_pptpd_parse_quad(const char *s, uint32_t *out)
{
    uint32_t a = 0;
    for (int i = 0; i < 4; i++) {
        if (*s < '0' || *s > '9')
            return -1;
        unsigned v = 0;
        int digits = 0;
        while (*s >= '0' && *s <= '9') {
            v = v * 10 + (unsigned)(*s++ - '0');
            if (++digits > 3 || v > 255)
                return -1;
        }
        a = a << 8 | v;
        if (i < 3 && *s++ != '.')
            return -1;
    }
    if (*s)
        return -1;
    *out = a;
    return 0;
}

static void visible(char *buf, size_t cap, const char *s)
{
    uppp_escape(buf, cap, s, strlen(s), UPPP_ESCAPE_VISIBLE);
}

/* One "a.b.c.d" or "a.b.c.d" with one octet written "lo-hi". */
static int ip_entry(const char *e, uint32_t *out, int max, int *n, char *err, size_t errcap,
                    int *truncated)
{
    char shown[160];
    const char *dash = strchr(e, '-');
    if (dash == NULL) {
        uint32_t a;
        if (upppd_pptpd_parse_quad(e, &a) != 0) {
            visible(shown, sizeof(shown), e);
            /* pptpd would look a name up here (gethostbyname). */
            snprintf(err, errcap,
                     "bad IP address \"%s\" (a dotted quad; host names are not "
                     "looked up)",
                     shown);
            return UPPP_ERR_PARSE;
        }
        if (*n == max) {
            *truncated = 1;
            return 0;
        }
        out[(*n)++] = a;
        return 0;
    }
    /* Split into four octet fields, one of which holds the range. */
    char f[4][8];
    int nf = 0, rf = -1;
    const char *p = e;
    while (nf < 4) {
        const char *q = p;
        while (*q && *q != '.')
            q++;
        size_t l = (size_t)(q - p);
        if (l == 0 || l >= sizeof(f[0]))
            break;
        memcpy(f[nf], p, l);
        f[nf][l] = 0;
        if (strchr(f[nf], '-'))
            rf = rf < 0 ? nf : 4; /* 4: a second range */
        nf++;
        if (*q == 0)
            break;
        p = q + 1;
    }
    int lo, hi;
    char *d = rf >= 0 && rf < 4 ? strchr(f[rf], '-') : NULL;
    if (nf != 4 || rf < 0 || rf > 3 || strchr(e, '-') != strrchr(e, '-') || d == NULL) {
        visible(shown, sizeof(shown), e);
        snprintf(err, errcap, "bad IP range \"%s\" (one octet may be a range: 10.0.0.2-20)", shown);
        return UPPP_ERR_PARSE;
    }
    *d = 0;
    if (upppd_pptpd_parse_int(f[rf], 0, 255, &lo) != 0 ||
        upppd_pptpd_parse_int(d + 1, 0, 255, &hi) != 0 || lo > hi) {
        visible(shown, sizeof(shown), e);
        snprintf(err, errcap, "bad IP range \"%s\" (each bound 0-255, low to high)", shown);
        return UPPP_ERR_PARSE;
    }
    for (int v = lo; v <= hi; v++) {
        char quad[40];
        /* v goes into the ranged field. */
        char *fields[4] = {f[0], f[1], f[2], f[3]};
        char num[8];
        snprintf(num, sizeof(num), "%d", v);
        fields[rf] = num;
        snprintf(quad, sizeof(quad), "%s.%s.%s.%s", fields[0], fields[1], fields[2], fields[3]);
        uint32_t a;
        if (upppd_pptpd_parse_quad(quad, &a) != 0) {
            visible(shown, sizeof(shown), e);
            snprintf(err, errcap, "bad IP range \"%s\"", shown);
            return UPPP_ERR_PARSE;
        }
        if (*n == max) {
            *truncated = 1;
            return 0;
        }
        out[(*n)++] = a;
    }
    return 0;
}

int upppd_pptpd_ip_list(const char *list, uint32_t *out, int max, char *err, size_t errcap,
                        int *truncated)
{
    *truncated = 0;
    int n = 0;
    const char *p = list;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t l = comma ? (size_t)(comma - p) : strlen(p);
        char entry[64];
        if (l == 0 || l >= sizeof(entry)) {
            snprintf(err, errcap, "bad address list: %s entry", l ? "an overlong" : "an empty");
            return UPPP_ERR_PARSE;
        }
        memcpy(entry, p, l);
        entry[l] = 0;
        int rc = ip_entry(entry, out, max, &n, err, errcap, truncated);
        if (rc != 0)
            return rc;
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    return n;
}

/* Keywords whose value is a path or an address; first occurrence wins. */
static int keyword(struct upppd_pptpd_conf *c, const char *name, unsigned line, const char *kw,
                   const char *val, unsigned *seen)
{
    char shown[160];
    int v;
    struct {
        const char *kw;
        unsigned bit;
    } once[] = {{"option", 1u << 0},
                {"listen", 1u << 1},
                {"connections", 1u << 2},
                {"pidfile", 1u << 3},
                {"stimeout", 1u << 4},
                {"debug", 1u << 5},
                {"localip", 1u << 6},
                {"remoteip", 1u << 7},
                {"noipparam", 1u << 8},
                {"speed", 1u << 9},
                {"upppd-port", 1u << 10},
                {"upppd-calls-per-connection", 1u << 11},
                {"upppd-max-msgs-per-sec", 1u << 12},
                {"upppd-gre-timeout", 1u << 13},
                {"upppd-echo-interval", 1u << 14},
                {"delegate", 1u << 15}};
    for (size_t i = 0; i < sizeof(once) / sizeof(once[0]); i++)
        if (strcmp(kw, once[i].kw) == 0) {
            if (*seen & once[i].bit) {
                warnf(c, "%s:%u: %s given again: pptpd uses the first one", name, line, kw);
                return 0;
            }
            *seen |= once[i].bit;
            break;
        }
    if (strcmp(kw, "option") == 0) {
        if (strlen(val) >= sizeof(c->option))
            return fail(c, "%s:%u: option: path too long", name, line);
        snprintf(c->option, sizeof(c->option), "%s", val);
        c->given |= UPPPD_PPTPD_GIVEN_OPTION;
    } else if (strcmp(kw, "pidfile") == 0) {
        if (strlen(val) >= sizeof(c->pidfile))
            return fail(c, "%s:%u: pidfile: path too long", name, line);
        snprintf(c->pidfile, sizeof(c->pidfile), "%s", val);
        c->given |= UPPPD_PPTPD_GIVEN_PIDFILE;
    } else if (strcmp(kw, "listen") == 0) {
        if (upppd_pptpd_parse_quad(val, &c->listen) != 0) {
            visible(shown, sizeof(shown), val);
            return fail(c, "%s:%u: Invalid listening address: %s (a dotted quad)", name, line,
                        shown);
        }
        c->given |= UPPPD_PPTPD_GIVEN_LISTEN;
    } else if (strcmp(kw, "connections") == 0) {
        /* pptpd: atoi, and 0 or less means the default. */
        if (upppd_pptpd_parse_int(val, 0, UPPPD_PPTPD_CONNECTIONS_MAX, &v) != 0)
            return fail(c, "%s:%u: connections: a number from 1 to %d", name, line,
                        UPPPD_PPTPD_CONNECTIONS_MAX);
        c->connections = v > 0 ? v : UPPPD_PPTPD_CONNECTIONS_DEFAULT;
        c->given |= UPPPD_PPTPD_GIVEN_CONNECTIONS;
    } else if (strcmp(kw, "stimeout") == 0) {
        /* pptpd 1.4.0 reads this keyword only while its stimeout is 0,
         * which it never is (the default is 10): the file's value has no
         * effect there. We honour it, as its man page says. */
        if (upppd_pptpd_parse_int(val, 1, 3600, &v) != 0)
            return fail(c, "%s:%u: stimeout: seconds from 1 to 3600", name, line);
        c->stimeout_s = v;
        c->given |= UPPPD_PPTPD_GIVEN_STIMEOUT;
    } else if (strcmp(kw, "debug") == 0) {
        c->debug = 1;
        c->given |= UPPPD_PPTPD_GIVEN_DEBUG;
    } else if (strcmp(kw, "noipparam") == 0) {
        c->noipparam = 1;
    } else if (strcmp(kw, "speed") == 0) {
        if (upppd_pptpd_parse_int(val, 1, 100000000, &v) != 0)
            return fail(c, "%s:%u: speed: a number", name, line);
        snprintf(c->speed, sizeof(c->speed), "%d", v);
    } else if (strcmp(kw, "localip") == 0 || strcmp(kw, "remoteip") == 0) {
        char *dst = kw[0] == 'l' ? c->localip : c->remoteip;
        if (val[0] == 0)
            return fail(c, "%s:%u: %s: an address list is needed", name, line, kw);
        snprintf(dst, UPPPD_PPTPD_LINE_MAX, "%s", val);
    } else if (strcmp(kw, "upppd-port") == 0) {
        if (upppd_pptpd_parse_int(val, 1, 65535, &c->port) != 0)
            return fail(c, "%s:%u: upppd-port: a port from 1 to 65535", name, line);
    } else if (strcmp(kw, "upppd-calls-per-connection") == 0) {
        if (upppd_pptpd_parse_int(val, 1, 1024, &c->calls_per_connection) != 0)
            return fail(c, "%s:%u: upppd-calls-per-connection: 1 to 1024", name, line);
    } else if (strcmp(kw, "upppd-max-msgs-per-sec") == 0) {
        if (upppd_pptpd_parse_int(val, 0, 100000, &c->max_msgs_per_sec) != 0)
            return fail(c, "%s:%u: upppd-max-msgs-per-sec: 0 (no limit) to 100000", name, line);
    } else if (strcmp(kw, "upppd-gre-timeout") == 0) {
        if (upppd_pptpd_parse_int(val, 1, 3600, &c->gre_timeout_s) != 0)
            return fail(c, "%s:%u: upppd-gre-timeout: seconds from 1 to 3600", name, line);
    } else if (strcmp(kw, "upppd-echo-interval") == 0) {
        if (upppd_pptpd_parse_int(val, 0, 3600, &c->echo_interval_s) != 0)
            return fail(c, "%s:%u: upppd-echo-interval: seconds from 0 to 3600", name, line);
    } else if (strcmp(kw, "logwtmp") == 0 || strcmp(kw, "bcrelay") == 0 || strcmp(kw, "ppp") == 0) {
        warnf(c, "%s:%u: %s ignored: upppd-pptpd has no %s", name, line, kw,
              kw[0] == 'l'   ? "wtmp logging"
              : kw[0] == 'b' ? "broadcast relay"
                             : "pppd binary");
    } else if (strcmp(kw, "delegate") == 0) {
        warnf(c,
              "%s:%u: delegate ignored: addresses come from localip/remoteip (or the PPP "
              "options)",
              name, line);
    } else {
        visible(shown, sizeof(shown), kw);
        warnf(c, "%s:%u: unknown keyword \"%s\" ignored", name, line, shown);
    }
    return 0;
}

int upppd_pptpd_conf_parse(struct upppd_pptpd_conf *c, const char *text, size_t len,
                           const char *name)
{
    unsigned seen = 0, line = 0;
    size_t pos = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        line++;
        size_t l = end - pos;
        const char *s = text + pos;
        pos = end + 1;
        if (l + 1 >= UPPPD_PPTPD_LINE_MAX) {
            warnf(c, "%s:%u: long line ignored (pptpd reads %d characters)", name, line,
                  UPPPD_PPTPD_LINE_MAX - 2);
            continue;
        }
        char buf[UPPPD_PPTPD_LINE_MAX];
        memcpy(buf, s, l);
        buf[l] = 0;
        if (memchr(s, 0, l) != NULL) {
            warnf(c, "%s:%u: line with a NUL ignored", name, line);
            continue;
        }
        while (l > 0 && (buf[l - 1] == ' ' || buf[l - 1] == '\t' || buf[l - 1] == '\r'))
            buf[--l] = 0;
        if (l == 0 || buf[0] == '#')
            continue;
        if (buf[0] == ' ' || buf[0] == '\t') {
            warnf(c, "%s:%u: line starting with a blank ignored (as pptpd does)", name, line);
            continue;
        }
        char *val = buf;
        while (*val && *val != ' ' && *val != '\t')
            val++;
        if (*val)
            *val++ = 0;
        while (*val == ' ' || *val == '\t')
            val++;
        int rc = keyword(c, name, line, buf, val, &seen);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int upppd_pptpd_conf_load(struct upppd_pptpd_conf *c, const char *path, int must_exist)
{
    char shown[256];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT && !must_exist)
            return 0;
        visible(shown, sizeof(shown), path);
        snprintf(c->error, sizeof(c->error), "Config file %s: %s", shown, strerror(errno));
        return UPPP_ERR_INVALID;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > CONF_FILE_MAX) {
        visible(shown, sizeof(shown), path);
        snprintf(c->error, sizeof(c->error),
                 "Config file %s: not a regular file of at most %d "
                 "bytes",
                 shown, CONF_FILE_MAX);
        close(fd);
        return UPPP_ERR_INVALID;
    }
    char *text = malloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (text && got < (size_t)st.st_size) {
        ssize_t n = read(fd, text + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (text == NULL) {
        snprintf(c->error, sizeof(c->error), "out of memory");
        return UPPP_ERR_NOMEM;
    }
    visible(shown, sizeof(shown), path);
    int rc = upppd_pptpd_conf_parse(c, text, got, shown);
    free(text);
    return rc;
}

int upppd_pptpd_conf_finish(struct upppd_pptpd_conf *c)
{
    char err[256];
    int trunc, n;
    upppd_pptpd_conf_free(c);
    if (c->connections <= 0 || c->connections > UPPPD_PPTPD_CONNECTIONS_MAX)
        c->connections = UPPPD_PPTPD_CONNECTIONS_DEFAULT;
    c->local = calloc((size_t)c->connections, sizeof(uint32_t));
    c->remote = calloc((size_t)c->connections, sizeof(uint32_t));
    if (c->local == NULL || c->remote == NULL) {
        upppd_pptpd_conf_free(c);
        snprintf(c->error, sizeof(c->error), "out of memory");
        return UPPP_ERR_NOMEM;
    }
    /* Remote first, then local, as pptpd does: a single local address is
     * then spread over however many slots the remote list left. */
    const char *lists[2] = {c->remoteip[0] ? c->remoteip : UPPPD_PPTPD_REMOTEIP_DEFAULT,
                            c->localip[0] ? c->localip : UPPPD_PPTPD_LOCALIP_DEFAULT};
    for (int k = 0; k < 2; k++) {
        uint32_t *dst = k == 0 ? c->remote : c->local;
        const char *kw = k == 0 ? "remoteip" : "localip";
        n = upppd_pptpd_ip_list(lists[k], dst, c->connections, err, sizeof(err), &trunc);
        if (n < 0) {
            upppd_pptpd_conf_free(c);
            return fail(c, "%s: %s", kw, err);
        }
        if (trunc)
            warnf(c, "connections limit (%d) reached, extra IP addresses in %s ignored",
                  c->connections, kw);
        if (k == 1 && n == 1) {
            for (int i = 1; i < c->connections; i++)
                c->local[i] = c->local[0];
        } else if (n < c->connections) {
            warnf(c,
                  "Maximum of %d connections reduced to %d, not enough IP addresses given in "
                  "%s",
                  c->connections, n, kw);
            c->connections = n;
        }
    }
    return 0;
}
