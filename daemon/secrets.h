/*
 * pppd's secrets files, /etc/ppp/chap-secrets (CHAP, MS-CHAP, MS-CHAPv2)
 * and /etc/ppp/pap-secrets (PAP), as pppd(8) "AUTHENTICATION" and pppd
 * 2.4.9 auth.c (scan_authfile(), set_allowed_addrs(), auth_ip_addr(),
 * check_access()) describe them.
 *
 * A file is read into words as an options file (words.h). Each line is
 *     client  server  secret  [address ...]  [-- option ...]
 * "*" as client or server matches any name. A secret "@/path" is read from
 * the first word of that file when it is used. Ours: a secret written
 * nthash:<32 hex digits> is an NT password hash (MD4 of the UTF-16LE
 * password, RFC 2759 section 8.3), so no plaintext password need be on
 * disk; only MS-CHAP (and MPPE's keys) can use it.
 *
 * Choosing a line (scan_authfile()): the best match wins, that is the one
 * with the fewest wildcards, a literal client counting more than a literal
 * server; among equals the first line wins.
 *
 * Addresses the client may use (set_allowed_addrs(), ip_addr_check()):
 * a.b.c.d, a.b.c.d/n (1 <= n <= 32), a.b.c.d/n+ (the address in that
 * subnet whose host part is the interface unit + 1), "!" before any of
 * these to exclude it, "*" any address (later words ignored), "-" no more
 * addresses (alone: none). The first rule that matches decides; an address
 * no rule matches is refused, so a line with no addresses allows none.
 * Loopback, multicast and class E addresses are always refused.
 * Differences from pppd: host and network names are not looked up, and an
 * address we cannot parse makes the line allow no address at all (pppd
 * skips the word, which can turn "!bad 10.0.0.0/8" into a wider rule).
 */
#ifndef UPPPD_SECRETS_H
#define UPPPD_SECRETS_H

#include <stddef.h>
#include <stdint.h>

#include <uppp/err.h>
#include <uppp/session.h>

#ifdef __cplusplus
extern "C" {
#endif

#define UPPPD_CHAP_SECRETS "chap-secrets"
#define UPPPD_PAP_SECRETS "pap-secrets"

struct upppd_addr_rule {
    uint32_t base; /* host order, already masked */
    uint32_t mask;
    int permit;    /* 0 for "!addr" */
    int plus_unit; /* "a.b.c.d/n+": host part = unit + 1 */
};

struct upppd_secret_entry {
    char *client;
    char *server;
    char *secret;   /* as written: a password, "@/path" or "nthash:..." */
    int bad_secret; /* malformed nthash: using this line fails */
    unsigned line;
    struct upppd_addr_rule *rules;
    size_t n_rules;
    int any_addr;   /* "*" reached */
    int bad_addrs;  /* an address did not parse: allow none */
    char **options; /* words after "--" (pppd applies them for this peer) */
    size_t n_options;
};

typedef void (*upppd_warn_fn)(void *ctx, const char *msg);

struct upppd_secrets {
    char *name; /* file name, for messages */
    struct upppd_secret_entry *e;
    size_t n;
    upppd_warn_fn warn; /* warnings found while parsing and looking up */
    void *warn_ctx;
};

/*
 * Parse secrets-file text. Lines with fewer than three words are skipped
 * with a warning (pppd skips them silently); warnings never contain
 * secrets. Returns 0 with *out (free with upppd_secrets_free()) or
 * UPPP_ERR_NOMEM.
 */
int upppd_secrets_parse(struct upppd_secrets **out, const char *text, size_t len, const char *name,
                        upppd_warn_fn warn, void *warn_ctx);

/*
 * Read and parse a secrets file. Warns (pppd's words) if the file grants
 * any access to group or others. Returns 0, UPPP_ERR_INVALID with err set
 * ("Can't open secret file <path>: <reason>") if the file is missing or
 * unreadable, or UPPP_ERR_NOMEM.
 */
int upppd_secrets_load(struct upppd_secrets **out, const char *path, upppd_warn_fn warn,
                       void *warn_ctx, char *err, size_t errcap);

/* Free and wipe every secret. NULL is fine. */
void upppd_secrets_free(struct upppd_secrets *s);

/*
 * The secret for client on server, chosen as pppd does. NULL for client,
 * NULL or "" for server, means "not known yet" and matches any line; an
 * empty client name (a peer that sent none) matches only "*" client lines,
 * as in pppd. The secret
 * is checked against method (one uppp_auth bit): an NT hash is refused for
 * PAP and CHAP-MD5. "@/path" secrets are read now; a line whose file cannot
 * be read is passed over with a warning, as in pppd.
 * Returns 0 with *out filled (and *entry, if not NULL, set to the line);
 * UPPP_ERR_AUTH if no line matches; UPPP_ERR_INVALID if the best line's
 * secret cannot be used for method (malformed, or an NT hash for PAP or
 * CHAP-MD5).
 */
int upppd_secrets_lookup(const struct upppd_secrets *s, const char *client, const char *server,
                         unsigned method, struct uppp_secret *out,
                         const struct upppd_secret_entry **entry);

/*
 * Turn a secret word into a uppp_secret: "nthash:" and 32 hex digits is an
 * NT hash, anything else a password. Returns 0, or UPPP_ERR_PARSE for a
 * malformed nthash (and for a password longer than uppp_secret allows).
 */
int upppd_secret_from_word(const char *word, struct uppp_secret *out);

/* May the client of entry e use addr (host order) on interface unit (for
 * "/n+" rules; -1 if unknown)? Returns 1 or 0. */
int upppd_secret_addr_ok(const struct upppd_secret_entry *e, uint32_t addr, int unit);

/* The first single address e allows (pppd offers it to the peer when no
 * remote address was configured), or 0. */
uint32_t upppd_secret_suggested_ip(const struct upppd_secret_entry *e, int unit);

/*
 * The glue for uppp_callbacks: get_secret and check_addr. The files are
 * read afresh for each lookup, as pppd does, so edits apply to the next
 * authentication.
 */
struct upppd_secret_store {
    char etc[4096];      /* directory holding chap-secrets and pap-secrets */
    char password[1025]; /* the "password" option: our secret for every peer */
    int password_set;
    int unit; /* interface unit, for "/n+" address rules; -1 unknown */
    /* Log a line (UPPP_LOG_* level); never given a secret. May be NULL. */
    void (*log)(void *ctx, int level, const char *msg);
    void *log_ctx;
    /* Addresses allowed to the peer that authenticated with us. */
    char peer[256];
    int have_peer;
    struct upppd_secret_entry peer_addrs; /* only rules, n_rules, any_addr, bad_addrs */
};

/* etc: the directory (the daemon passes upppd_opts.etc). */
void upppd_store_init(struct upppd_secret_store *st, const char *etc);
void upppd_store_free(struct upppd_secret_store *st);

/* uppp_callbacks.get_secret with user = a struct upppd_secret_store.
 * For our own secret (for_peer 0) the "password" option wins over the
 * files, as in pppd. Returns as upppd_secrets_lookup(), or
 * UPPP_ERR_INVALID if the file cannot be read (logged). */
int upppd_store_get_secret(void *store, const struct uppp_secret_query *q, struct uppp_secret *out);

/* uppp_callbacks.check_addr: 1 if the peer that authenticated as peer may
 * use addr, else 0 (also when no line authenticated that peer). Install it
 * only when the peer must authenticate. */
int upppd_store_check_addr(void *store, const char *peer, uint32_t addr);

/*
 * Which of methods (uppp_auth bits) have a secret we could use, as pppd's
 * have_pap_secret() / have_chap_secret() decide before starting (auth.c
 * auth_check_options(), auth_reset()): for_peer 1 checks secrets for
 * authenticating the peer (client: remotename or NULL, server: our name)
 * and, as pppd does, counts only lines that let the peer use some address;
 * for_peer 0 checks our own (client: our user name, server: remotename or
 * NULL), where the password option makes every method usable. An NT hash
 * counts only for MS-CHAP. A missing file gives none of its methods.
 * pppd exits with status 1 when auth is required and this is 0 for the peer.
 */
unsigned upppd_store_usable_methods(struct upppd_secret_store *st, int for_peer, const char *client,
                                    const char *server, unsigned methods);

#ifdef __cplusplus
}
#endif

#endif
