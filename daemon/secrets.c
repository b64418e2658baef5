/*
 * pppd's secrets files (pppd(8) "AUTHENTICATION"; pppd 2.4.9 auth.c
 * scan_authfile(), set_allowed_addrs(), ip_addr_check(), bad_ip_adrs(),
 * check_access(), get_secret()) plus our nthash: secrets. See secrets.h.
 */
#include "secrets.h"
#include "words.h"

#include "crypto.h" /* uppp_memzero */

#include <uppp/hex.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* scan_authfile()'s score bits: a literal client beats a literal server. */
#define NONWILD_SERVER 1
#define NONWILD_CLIENT 2

static const char nthash_prefix[] = "nthash:";

static void warnf(upppd_warn_fn warn, void *ctx, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void warnf(upppd_warn_fn warn, void *ctx, const char *fmt, ...)
{
    if (warn == NULL)
        return;
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    warn(ctx, msg);
}

static void wipe_str(char *s)
{
    if (s != NULL) {
        uppp_memzero(s, strlen(s));
        free(s);
    }
}

static void entry_free(struct upppd_secret_entry *e)
{
    wipe_str(e->client);
    wipe_str(e->server);
    wipe_str(e->secret);
    free(e->rules);
    for (size_t i = 0; i < e->n_options; i++)
        wipe_str(e->options[i]);
    free(e->options);
    memset(e, 0, sizeof(*e));
}

void upppd_secrets_free(struct upppd_secrets *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n; i++)
        entry_free(&s->e[i]);
    free(s->e);
    free(s->name);
    free(s);
}

int upppd_secret_from_word(const char *word, struct uppp_secret *out)
{
    memset(out, 0, sizeof(*out));
    if (strncmp(word, nthash_prefix, sizeof(nthash_prefix) - 1) == 0) {
        /* Exactly 32 digits: a short, long or odd one is refused, not
         * padded or cut (uppp_hex_decode wipes what it wrote). */
        const char *h = word + sizeof(nthash_prefix) - 1;
        if (uppp_hex_decode(out->nt_hash, sizeof(out->nt_hash), h, strlen(h)) !=
            (int)sizeof(out->nt_hash)) {
            uppp_memzero(out, sizeof(*out));
            return UPPP_ERR_PARSE;
        }
        out->kind = UPPP_SECRET_NTHASH;
        return 0;
    }
    size_t n = strlen(word);
    if (n >= sizeof(out->password))
        return UPPP_ERR_PARSE;
    memcpy(out->password, word, n + 1);
    out->kind = UPPP_SECRET_PASSWORD;
    return 0;
}

/* ---- Addresses ---- */

/* auth.c bad_ip_adrs(): loopback net, multicast, class E. */
static int bad_ip(uint32_t a)
{
    return (a >> 24) == 127 || (a >> 28) == 0xe || (a >> 28) == 0xf;
}

/* One address word (without a leading "!"). Returns 0 or -1. */
static int parse_rule(const char *word, struct upppd_addr_rule *r)
{
    char buf[64];
    if (strlen(word) >= sizeof(buf))
        return -1;
    strcpy(buf, word);
    uint32_t mask = 0xffffffffu;
    r->plus_unit = 0;
    char *slash = strchr(buf, '/');
    if (slash != NULL) {
        *slash = 0;
        const char *p = slash + 1;
        if (*p < '0' || *p > '9')
            return -1;
        int bits = 0;
        while (*p >= '0' && *p <= '9' && bits <= 32)
            bits = bits * 10 + (*p++ - '0');
        if (bits <= 0 || bits > 32)
            return -1;
        if (*p == '+') {
            r->plus_unit = 1;
            p++;
        }
        if (*p != 0)
            return -1;
        mask = bits == 32 ? 0xffffffffu : ~(0xffffffffu >> bits);
    }
    struct in_addr a;
    if (inet_pton(AF_INET, buf, &a) != 1)
        return -1;
    r->mask = mask;
    r->base = ntohl(a.s_addr) & mask;
    return 0;
}

static int add_rule(struct upppd_secret_entry *e, const struct upppd_addr_rule *r)
{
    struct upppd_addr_rule *n = realloc(e->rules, (e->n_rules + 1) * sizeof(*n));
    if (n == NULL)
        return UPPP_ERR_NOMEM;
    e->rules = n;
    e->rules[e->n_rules++] = *r;
    return 0;
}

/* set_allowed_addrs(): the words after the secret, up to "--". */
static int parse_addrs(struct upppd_secret_entry *e, char **w, size_t n, const char *file,
                       upppd_warn_fn warn, void *ctx)
{
    for (size_t i = 0; i < n; i++) {
        const char *word = w[i];
        if (strcmp(word, "-") == 0)
            break;
        if (strcmp(word, "*") == 0) {
            e->any_addr = 1;
            break;
        }
        struct upppd_addr_rule r;
        int permit = 1;
        if (word[0] == '!') {
            permit = 0;
            word++;
        }
        if (parse_rule(word, &r) < 0) {
            /* Not quoted: with a space in an unquoted secret, the rest
             * of the secret lands here. */
            warnf(warn, ctx,
                  "In file %s:%u: bad address (word %zu) for client %.64s: it may use no "
                  "address",
                  file, e->line, i + 4, e->client);
            e->bad_addrs = 1;
            continue;
        }
        r.permit = permit;
        if (add_rule(e, &r) < 0)
            return UPPP_ERR_NOMEM;
    }
    return 0;
}

static int rule_matches(const struct upppd_addr_rule *r, uint32_t addr, int unit)
{
    uint32_t base = r->base, mask = r->mask;
    if (r->plus_unit) {
        /* The host part is unit + 1; it must fit in the subnet. */
        if (unit < 0 || (uint64_t)unit + 1 >= (uint64_t)(~mask))
            return 0;
        base = (base & mask) + (uint32_t)unit + 1;
        mask = 0xffffffffu;
    }
    return (addr & mask) == base;
}

int upppd_secret_addr_ok(const struct upppd_secret_entry *e, uint32_t addr, int unit)
{
    if (bad_ip(addr) || e->bad_addrs)
        return 0;
    for (size_t i = 0; i < e->n_rules; i++)
        if (rule_matches(&e->rules[i], addr, unit))
            return e->rules[i].permit;
    return e->any_addr; /* "*" ended the list; otherwise nothing matched: refuse */
}

uint32_t upppd_secret_suggested_ip(const struct upppd_secret_entry *e, int unit)
{
    if (e->bad_addrs)
        return 0;
    for (size_t i = 0; i < e->n_rules; i++) {
        const struct upppd_addr_rule *r = &e->rules[i];
        if (!r->permit)
            continue;
        if (r->plus_unit) {
            if (unit >= 0 && (uint64_t)unit + 1 < (uint64_t)(~r->mask))
                return (r->base & r->mask) + (uint32_t)unit + 1;
        } else if (r->mask == 0xffffffffu) {
            return r->base;
        }
    }
    return 0;
}

/* ---- Parsing ---- */

struct line {
    char **w;
    size_t n, cap;
    unsigned lineno;
};

static void line_clear(struct line *l)
{
    for (size_t i = 0; i < l->n; i++)
        wipe_str(l->w[i]);
    l->n = 0;
}

static int line_push(struct line *l, const char *word)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        char **w = realloc(l->w, cap * sizeof(*w));
        if (w == NULL)
            return UPPP_ERR_NOMEM;
        l->w = w;
        l->cap = cap;
    }
    if ((l->w[l->n] = strdup(word)) == NULL)
        return UPPP_ERR_NOMEM;
    l->n++;
    return 0;
}

/* Turn one line's words into an entry (taking ownership of the words). */
static int finish_line(struct upppd_secrets *s, struct line *l)
{
    if (l->n == 0)
        return 0;
    if (l->n < 3) {
        warnf(s->warn, s->warn_ctx,
              "In file %s:%u: ignoring a line with %zu word%s (need client, server, secret)",
              s->name, l->lineno, l->n, l->n == 1 ? "" : "s");
        line_clear(l);
        return 0;
    }
    struct upppd_secret_entry *ne = realloc(s->e, (s->n + 1) * sizeof(*ne));
    if (ne == NULL)
        return UPPP_ERR_NOMEM;
    s->e = ne;
    struct upppd_secret_entry *e = &s->e[s->n++];
    memset(e, 0, sizeof(*e));
    e->line = l->lineno;
    e->client = l->w[0];
    e->server = l->w[1];
    e->secret = l->w[2];

    if (strncmp(e->secret, nthash_prefix, sizeof(nthash_prefix) - 1) == 0) {
        struct uppp_secret tmp;
        if (upppd_secret_from_word(e->secret, &tmp) < 0) {
            /* Keep the line so that it still wins the match and fails,
             * rather than letting a wildcard line stand in for it. */
            warnf(s->warn, s->warn_ctx,
                  "In file %s:%u: malformed nthash: secret for client %.64s (need 32 hex "
                  "digits): this line cannot be used",
                  s->name, e->line, e->client);
            e->bad_secret = 1;
        }
        uppp_memzero(&tmp, sizeof(tmp));
    }

    size_t dashdash = l->n;
    for (size_t i = 3; i < l->n; i++)
        if (strcmp(l->w[i], "--") == 0) {
            dashdash = i;
            break;
        }
    int rc = parse_addrs(e, l->w + 3, dashdash - 3, s->name, s->warn, s->warn_ctx);
    if (rc == 0 && dashdash < l->n) {
        size_t n = l->n - dashdash - 1;
        if (n > 0) {
            e->options = calloc(n, sizeof(char *));
            if (e->options == NULL) {
                rc = UPPP_ERR_NOMEM;
            } else {
                for (size_t i = 0; i < n; i++) {
                    e->options[i] = l->w[dashdash + 1 + i];
                    l->w[dashdash + 1 + i] = NULL;
                }
                e->n_options = n;
            }
        }
    }
    /* The first three words now belong to the entry; wipe the rest. */
    for (size_t i = 3; i < l->n; i++)
        wipe_str(l->w[i]);
    l->n = 0;
    return rc;
}

int upppd_secrets_parse(struct upppd_secrets **out, const char *text, size_t len, const char *name,
                        upppd_warn_fn warn, void *warn_ctx)
{
    struct upppd_secrets *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return UPPP_ERR_NOMEM;
    s->name = strdup(name != NULL ? name : "(secrets)");
    if (s->name == NULL) {
        free(s);
        return UPPP_ERR_NOMEM;
    }
    s->warn = warn;
    s->warn_ctx = warn_ctx;

    struct upppd_words w;
    upppd_words_init(&w, text, len, s->name);
    w.warn = warn;
    w.warn_ctx = warn_ctx;
    w.hide_words = 1; /* any word of a secrets file may be a secret */
    char word[UPPPD_WORD_MAX];
    unsigned lineno;
    int nl, rc = 0;
    struct line l = {NULL, 0, 0, 0};
    /* A line starts with a word that follows a line break (the first word
     * of the file starts one too). */
    while (rc == 0 && upppd_words_next(&w, word, &lineno, &nl)) {
        if (nl || l.n == 0) {
            rc = finish_line(s, &l);
            l.lineno = lineno;
        }
        if (rc == 0)
            rc = line_push(&l, word);
    }
    if (rc == 0)
        rc = finish_line(s, &l);
    line_clear(&l);
    free(l.w);
    uppp_memzero(word, sizeof(word));
    if (rc != 0) {
        upppd_secrets_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

static const char *file_error(int rc)
{
    return rc == -EINVAL ? "not a regular file" : strerror(-rc);
}

/* auth.c check_access(). */
static void check_access(const struct stat *st, const char *path, upppd_warn_fn warn, void *ctx)
{
    if ((st->st_mode & (S_IRWXG | S_IRWXO)) != 0)
        warnf(warn, ctx, "Warning - secret file %s has world and/or group access", path);
}

int upppd_secrets_load(struct upppd_secrets **out, const char *path, upppd_warn_fn warn,
                       void *warn_ctx, char *err, size_t errcap)
{
    char *buf = NULL;
    size_t len = 0;
    struct stat st;
    int rc = upppd_read_file(path, &buf, &len, &st, 1);
    if (rc == -ENOMEM)
        return UPPP_ERR_NOMEM;
    if (rc < 0) {
        if (err != NULL && errcap > 0)
            snprintf(err, errcap, "Can't open secret file %s: %s", path, file_error(rc));
        return UPPP_ERR_INVALID;
    }
    check_access(&st, path, warn, warn_ctx);
    rc = upppd_secrets_parse(out, buf, len, path, warn, warn_ctx);
    uppp_memzero(buf, len);
    free(buf);
    return rc;
}

/* "@/path": the first word of that file (scan_authfile()). */
static int read_indirect(const struct upppd_secrets *s, const struct upppd_secret_entry *e,
                         char word[UPPPD_WORD_MAX])
{
    const char *path = e->secret + 1;
    char *buf = NULL;
    size_t len = 0;
    struct stat st;
    int rc = upppd_read_file(path, &buf, &len, &st, 1);
    if (rc < 0) {
        warnf(s->warn, s->warn_ctx, "In file %s:%u: can't open indirect secret file %s: %s",
              s->name, e->line, path, file_error(rc));
        return -1;
    }
    check_access(&st, path, s->warn, s->warn_ctx);
    struct upppd_words w;
    upppd_words_init(&w, buf, len, path);
    unsigned line;
    int nl;
    int got = upppd_words_next(&w, word, &line, &nl);
    uppp_memzero(buf, len);
    free(buf);
    if (!got) {
        warnf(s->warn, s->warn_ctx, "In file %s:%u: no secret in indirect secret file %s", s->name,
              e->line, path);
        return -1;
    }
    return 0;
}

static int is_wild(const char *w)
{
    return w[0] == '*' && w[1] == 0;
}

int upppd_secrets_lookup(const struct upppd_secrets *s, const char *client, const char *server,
                         unsigned method, struct uppp_secret *out,
                         const struct upppd_secret_entry **entry)
{
    /* An empty client name is a name, not "unknown": as in pppd's
     * scan_authfile(), it matches only "*" (and "") client lines, so a peer
     * that sends no name cannot take the first named line. */
    if (server != NULL && server[0] == 0)
        server = NULL;

    int best_flag = -1;
    const struct upppd_secret_entry *best = NULL;
    char word[UPPPD_WORD_MAX], best_word[UPPPD_WORD_MAX];
    best_word[0] = 0;

    for (size_t i = 0; i < s->n; i++) {
        const struct upppd_secret_entry *e = &s->e[i];
        int flag = 0;
        if (!is_wild(e->client)) {
            if (client != NULL && strcmp(e->client, client) != 0)
                continue;
            flag |= NONWILD_CLIENT;
        }
        if (!is_wild(e->server)) {
            if (server != NULL && strcmp(e->server, server) != 0)
                continue;
            flag |= NONWILD_SERVER;
        }
        if (flag <= best_flag)
            continue; /* the earlier line of equal rank wins */
        if (e->secret[0] == '@' && e->secret[1] == '/') {
            if (read_indirect(s, e, word) < 0)
                continue; /* as pppd: try the other lines */
        } else {
            snprintf(word, sizeof(word), "%s", e->secret);
        }
        best_flag = flag;
        best = e;
        memcpy(best_word, word, sizeof(word));
        if (flag == (NONWILD_CLIENT | NONWILD_SERVER))
            break; /* nothing can beat it */
    }
    uppp_memzero(word, sizeof(word));

    int rc = 0;
    if (best == NULL) {
        rc = UPPP_ERR_AUTH;
    } else if (best->bad_secret || upppd_secret_from_word(best_word, out) < 0) {
        warnf(s->warn, s->warn_ctx,
              "In file %s:%u: the secret for %.64s on %.64s is malformed (nthash: needs 32 "
              "hex digits)",
              s->name, best->line, best->client, best->server);
        rc = UPPP_ERR_INVALID;
    } else if (out->kind == UPPP_SECRET_NTHASH &&
               (method == UPPP_AUTH_PAP || method == UPPP_AUTH_CHAP_MD5)) {
        warnf(s->warn, s->warn_ctx,
              "In file %s:%u: the secret for %.64s on %.64s is an NT hash, which only MS-CHAP "
              "can use, not %s",
              s->name, best->line, best->client, best->server,
              method == UPPP_AUTH_PAP ? "PAP" : "CHAP-MD5");
        rc = UPPP_ERR_INVALID;
    }
    if (rc != 0)
        uppp_memzero(out, sizeof(*out));
    else if (entry != NULL)
        *entry = best;
    uppp_memzero(best_word, sizeof(best_word));
    return rc;
}

/* ---- The session callbacks ---- */

void upppd_store_init(struct upppd_secret_store *st, const char *etc)
{
    memset(st, 0, sizeof(*st));
    snprintf(st->etc, sizeof(st->etc), "%s", etc != NULL ? etc : "/etc/ppp");
    st->unit = -1;
}

static void forget_peer(struct upppd_secret_store *st)
{
    free(st->peer_addrs.rules);
    memset(&st->peer_addrs, 0, sizeof(st->peer_addrs));
    memset(st->peer, 0, sizeof(st->peer));
    st->have_peer = 0;
}

void upppd_store_free(struct upppd_secret_store *st)
{
    forget_peer(st);
    uppp_memzero(st->password, sizeof(st->password));
    st->password_set = 0;
}

static void store_warn(void *ctx, const char *msg)
{
    struct upppd_secret_store *st = ctx;
    if (st->log != NULL)
        st->log(st->log_ctx, UPPP_LOG_WARN, msg);
}

int upppd_store_get_secret(void *store, const struct uppp_secret_query *q, struct uppp_secret *out)
{
    struct upppd_secret_store *st = store;
    memset(out, 0, sizeof(*out));

    /* auth.c get_secret(): the password option is our secret for anyone. */
    if (!q->for_peer && st->password_set)
        return upppd_secret_from_word(st->password, out) == 0 ? 0 : UPPP_ERR_INVALID;

    const char *file = q->method == UPPP_AUTH_PAP ? UPPPD_PAP_SECRETS : UPPPD_CHAP_SECRETS;
    char path[sizeof(st->etc) + 32], err[sizeof(path) + 128];
    snprintf(path, sizeof(path), "%s/%s", st->etc, file);
    struct upppd_secrets *s = NULL;
    int rc = upppd_secrets_load(&s, path, store_warn, st, err, sizeof(err));
    if (rc == UPPP_ERR_INVALID) {
        if (st->log != NULL)
            st->log(st->log_ctx, UPPP_LOG_ERR, err);
        return rc;
    }
    if (rc < 0)
        return rc;

    const struct upppd_secret_entry *e = NULL;
    rc = upppd_secrets_lookup(s, q->client, q->server, q->method, out, &e);
    if (rc == 0 && q->for_peer) {
        /* Remember what this peer may use (set_allowed_addrs()). */
        forget_peer(st);
        if (e->n_rules > 0) {
            st->peer_addrs.rules = malloc(e->n_rules * sizeof(*e->rules));
            if (st->peer_addrs.rules == NULL) {
                upppd_secrets_free(s);
                uppp_memzero(out, sizeof(*out));
                return UPPP_ERR_NOMEM;
            }
            memcpy(st->peer_addrs.rules, e->rules, e->n_rules * sizeof(*e->rules));
        }
        st->peer_addrs.n_rules = e->n_rules;
        st->peer_addrs.any_addr = e->any_addr;
        st->peer_addrs.bad_addrs = e->bad_addrs;
        snprintf(st->peer, sizeof(st->peer), "%s", q->client != NULL ? q->client : "");
        st->have_peer = 1;
    }
    upppd_secrets_free(s);
    return rc;
}

int upppd_store_check_addr(void *store, const char *peer, uint32_t addr)
{
    struct upppd_secret_store *st = store;
    if (!st->have_peer || peer == NULL || strcmp(peer, st->peer) != 0)
        return 0;
    return upppd_secret_addr_ok(&st->peer_addrs, addr, st->unit);
}

/* auth.c some_ip_ok(): the line lets the client use some address. */
static int some_ip_ok(const struct upppd_secret_entry *e)
{
    if (e->bad_addrs)
        return 0;
    if (e->any_addr)
        return 1;
    for (size_t i = 0; i < e->n_rules; i++)
        if (e->rules[i].permit)
            return 1;
    return 0;
}

unsigned upppd_store_usable_methods(struct upppd_secret_store *st, int for_peer, const char *client,
                                    const char *server, unsigned methods)
{
    if (!for_peer && st->password_set)
        return methods & UPPP_AUTH_ALL;
    unsigned usable = 0;
    static const char *const files[2] = {UPPPD_PAP_SECRETS, UPPPD_CHAP_SECRETS};
    for (int f = 0; f < 2; f++) {
        unsigned in_file = f == 0 ? UPPP_AUTH_PAP : UPPP_AUTH_ALL & ~UPPP_AUTH_PAP;
        if ((methods & in_file) == 0)
            continue;
        char path[sizeof(st->etc) + 32];
        snprintf(path, sizeof(path), "%s/%s", st->etc, files[f]);
        struct upppd_secrets *s = NULL;
        char err[sizeof(path) + 128];
        int rc = upppd_secrets_load(&s, path, store_warn, st, err, sizeof(err));
        if (rc != 0) {
            /* Say why the file was skipped (a FIFO, a directory, a device),
             * or the admin sees only "couldn't find any suitable secret".
             * pppd is silent about a missing file; so are we. */
            struct stat sb;
            if (rc == UPPP_ERR_INVALID && (stat(path, &sb) == 0 || errno != ENOENT))
                store_warn(st, err);
            continue;
        }
        for (unsigned m = 1; m <= UPPP_AUTH_MSCHAP_V2; m <<= 1) {
            if ((methods & in_file & m) == 0)
                continue;
            struct uppp_secret out;
            const struct upppd_secret_entry *e = NULL;
            if (upppd_secrets_lookup(s, client, server, m, &out, &e) == 0 &&
                (!for_peer || some_ip_ok(e)))
                usable |= m;
            uppp_memzero(&out, sizeof(out));
        }
        upppd_secrets_free(s);
    }
    return usable;
}
