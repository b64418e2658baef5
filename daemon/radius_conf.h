/*
 * pppd's radius plugin configuration: radiusclient.conf, its servers file
 * and the avpair option, read as pppd 2.4.9's bundled radiusclient does
 * (ppp-project/ppp pppd/plugins/radius/config.c, options.h, avpair.c).
 *
 * radiusclient.conf: one "keyword value" per line; '#' in the first
 * column or an empty line is skipped; a keyword given twice is an error;
 * an unknown keyword is a warning (pppd goes on). Keywords pppd 2.4.9
 * knows: auth_order, login_tries, login_timeout, nologin, issue,
 * authserver, acctserver, servers, dictionary, login_radius, seqfile,
 * mapfile, default_realm, radius_timeout, radius_retries, nas_identifier,
 * bindaddr, login_local. We use authserver, acctserver ("host[:port]",
 * several separated by commas or blanks, default ports 1812 and 1813),
 * servers, dictionary, default_realm, radius_timeout (seconds per try),
 * radius_retries (sends per server), nas_identifier and bindaddr; the
 * login-program ones are accepted and ignored, as the plugin ignores them.
 * pppd requires authserver, acctserver, servers and dictionary, and so do
 * we; where pppd also demands seqfile and mapfile we do not (nothing reads
 * them here), and missing radius_timeout/radius_retries default to 10 s
 * and 3 (radiusclient's sample) where pppd's would read a NULL.
 *
 * The servers file: "host secret" per line ('#' comments), the secret of
 * each server named in authserver/acctserver found by its host name. The
 * dictionary must be a readable file, as pppd loads it; we do not read it:
 * the attributes we send and act on are built in (RFC 2865, 2866, 2869,
 * 2548), and avpair knows their dictionary names.
 *
 * Pure parsing: the caller reads the files (upppd_radius_conf_load does).
 */
#ifndef UPPPD_RADIUS_CONF_H
#define UPPPD_RADIUS_CONF_H

#include <uppp/radius.h>

#include <stddef.h>
#include <stdint.h>

#define UPPPD_RADIUS_HOST_LEN 256
#define UPPPD_RADIUS_PATH_LEN 4096
#define UPPPD_RADIUS_MAX_SERVERS 8 /* radiusclient's SERVER_MAX */

struct upppd_radius_server {
    char host[UPPPD_RADIUS_HOST_LEN];
    uint16_t port;
    size_t secret_len;
    uint8_t secret[UPPP_RADIUS_SECRET_MAX];
};

struct upppd_radius_conf {
    struct upppd_radius_server auth[UPPPD_RADIUS_MAX_SERVERS];
    struct upppd_radius_server acct[UPPPD_RADIUS_MAX_SERVERS];
    size_t nauth, nacct;
    unsigned timeout_s; /* radius_timeout */
    unsigned retries;   /* radius_retries: sends per server */
    char servers_file[UPPPD_RADIUS_PATH_LEN];
    char dictionary[UPPPD_RADIUS_PATH_LEN];
    char nas_identifier[254];
    char bindaddr[64];
    char default_realm[128];
    unsigned seen; /* keywords given (bit per keyword), for duplicates */
};

typedef void (*upppd_radius_warn_fn)(void *ctx, const char *msg);

/* Parse radiusclient.conf text (name for messages). Returns 0, or -1 with
 * a message in err ("FILE: line N: ..."). Warnings go to warn (may be
 * NULL). */
int upppd_radius_conf_parse(struct upppd_radius_conf *c, const char *text, size_t len,
                            const char *name, char *err, size_t errcap, upppd_radius_warn_fn warn,
                            void *warn_ctx);

/* Fill the secrets of every server from servers-file text. Returns 0, or
 * -1 with err naming a server that has no line, or a secret too long. */
int upppd_radius_servers_parse(struct upppd_radius_conf *c, const char *text, size_t len,
                               const char *name, char *err, size_t errcap);

/* Read the file path, the servers file it names, and check the
 * dictionary can be read. Returns 0 or -1 with err. */
int upppd_radius_conf_load(struct upppd_radius_conf *c, const char *path, char *err, size_t errcap,
                           upppd_radius_warn_fn warn, void *warn_ctx);

/* Wipe everything (wipe_secrets: only the secrets). */
void upppd_radius_conf_wipe(struct upppd_radius_conf *c);
void upppd_radius_conf_wipe_secrets(struct upppd_radius_conf *c);

/* One avpair option, "Name=value" in dictionary names (User-Name-like
 * strings, integers with their named values for Service-Type,
 * Framed-Protocol, NAS-Port-Type, and dotted-quad addresses). Appends the
 * attribute to req. Returns 0, or -1 with err. */
int upppd_radius_avpair(struct uppp_radius_req *req, const char *text, char *err, size_t errcap);

#endif
