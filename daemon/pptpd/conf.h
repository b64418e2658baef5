/*
 * upppd-pptpd's configuration: pptpd 1.4.0's /etc/pptpd.conf format and
 * its address pairing (facts from poptop's configfile.c, pptpd.c and
 * pptpmanager.c), plus the limits of our own.
 *
 * The file, as pptpd reads it: one "keyword value" per line, the keyword
 * case-sensitive, '#' starts a comment line, trailing blanks are dropped,
 * a line that starts with a blank or is longer than pptpd's buffer is
 * ignored (with a warning here), and for each keyword the FIRST line that
 * names it wins (read_config_file stops at the first match). Unknown
 * keywords are ignored by pptpd; we warn about them too.
 *
 * Addresses: "localip" and "remoteip" take pptpd's lists,
 * "10.0.0.2-20,10.0.0.30,10.1-3.0.1": entries separated by commas, each a
 * dotted quad or a quad with one "a-b" range in any one octet. The lists
 * fill connection slots in order: slot i gets localip[i] and remoteip[i].
 * remoteip is read first; fewer remote addresses than "connections"
 * lowers the connection limit to their number. Then localip: exactly one
 * address is shared by every slot; otherwise fewer local addresses lower
 * the limit again. Addresses beyond the limit are ignored with a warning.
 * pptpd resolves host names in single entries; we do not (no DNS in a
 * config parser) and say so.
 *
 * Pure code: no I/O except upppd_pptpd_conf_load(), which reads the file.
 */
#ifndef UPPPD_PPTPD_CONF_H
#define UPPPD_PPTPD_CONF_H

#include <stddef.h>
#include <stdint.h>

#define UPPPD_PPTPD_CONF_DEFAULT "/etc/pptpd.conf"
#define UPPPD_PPTPD_OPTIONS_DEFAULT "/etc/ppp/pptpd-options"
#define UPPPD_PPTPD_PIDFILE_DEFAULT "/var/run/pptpd.pid"
#define UPPPD_PPTPD_PORT 1723
/* pptpd's defaults.h. */
#define UPPPD_PPTPD_CONNECTIONS_DEFAULT 100
#define UPPPD_PPTPD_LOCALIP_DEFAULT "192.168.0.1-100"
#define UPPPD_PPTPD_REMOTEIP_DEFAULT "192.168.1.1-100"
#define UPPPD_PPTPD_STIMEOUT_DEFAULT 10
/* Our bound on "connections" (and so on the address slots held). */
#define UPPPD_PPTPD_CONNECTIONS_MAX 10000
/* pptpd's MAX_CONFIG_STRING_SIZE: longer lines are ignored. */
#define UPPPD_PPTPD_LINE_MAX 512

#define UPPPD_PPTPD_PATH_LEN 4096

struct upppd_pptpd_conf {
    /* ---- pptpd's keywords ---- */
    char option[UPPPD_PPTPD_PATH_LEN];  /* PPP options file; "" = the default */
    char pidfile[UPPPD_PPTPD_PATH_LEN]; /* "" = the default */
    uint32_t listen;                    /* host order; 0 = every address */
    int connections;                    /* the limit, after the address pairing */
    int debug;
    int stimeout_s; /* half-open: no Start-Control-Connection-Request within */
    int noipparam;  /* do not pass the client's address as ipparam */
    char speed[16]; /* "speed": the tty speed scripts see (pptpd: 115200) */
    /* Address slots, connections of each (after upppd_pptpd_conf_finish). */
    uint32_t *local, *remote; /* host order */
    int delegate;             /* "delegate": accepted, no slots (warned) */

    /* ---- Ours (keywords pptpd ignores, so one file serves both) ---- */
    int port;                 /* upppd-port (1723) */
    int calls_per_connection; /* upppd-calls-per-connection (1, as pptpctrl) */
    int max_msgs_per_sec;     /* upppd-max-msgs-per-sec (50) */
    int gre_timeout_s;        /* upppd-gre-timeout: clear a call with no GRE (30) */
    int echo_interval_s;      /* upppd-echo-interval (60; 0 = off) */

    /* Raw lists as given ("" = not given). */
    char localip[UPPPD_PPTPD_LINE_MAX];
    char remoteip[UPPPD_PPTPD_LINE_MAX];
    /* Which keywords were given (the command line fills only the rest). */
    unsigned given;

    /* Warnings that do not stop parsing; NULL = none. */
    void (*warn)(void *ctx, const char *msg);
    void *warn_ctx;
    char error[512];
};

/* Bits of upppd_pptpd_conf.given. */
enum {
    UPPPD_PPTPD_GIVEN_OPTION = 1u << 0,
    UPPPD_PPTPD_GIVEN_LISTEN = 1u << 1,
    UPPPD_PPTPD_GIVEN_CONNECTIONS = 1u << 2,
    UPPPD_PPTPD_GIVEN_PIDFILE = 1u << 3,
    UPPPD_PPTPD_GIVEN_STIMEOUT = 1u << 4,
    UPPPD_PPTPD_GIVEN_DEBUG = 1u << 5,
};

/* pptpd's defaults and ours; nothing allocated. */
/* A decimal integer in [lo, hi], digits only (no sign, no spaces): 0, or
 * -1 (*out untouched). Shared by pptpd.conf and the command line. */
int upppd_pptpd_parse_int(const char *s, int lo, int hi, int *out);

/* A dotted quad, each octet 0..255 in at most 3 decimal digits, in host
 * order: 0, or -1 (*out untouched). */
int upppd_pptpd_parse_quad(const char *s, uint32_t *out);

void upppd_pptpd_conf_init(struct upppd_pptpd_conf *c);
void upppd_pptpd_conf_free(struct upppd_pptpd_conf *c);

/* Parse file text (name for messages). Returns 0, or UPPP_ERR_PARSE with
 * c->error set (a bad number or address; a ranged list is checked by
 * upppd_pptpd_conf_finish()). */
int upppd_pptpd_conf_parse(struct upppd_pptpd_conf *c, const char *text, size_t len,
                           const char *name);

/* Read and parse path. must_exist = 0: a missing file leaves the defaults
 * (pptpd without -c). Returns as upppd_pptpd_conf_parse(), or
 * UPPP_ERR_INVALID with c->error set when the file cannot be read. */
int upppd_pptpd_conf_load(struct upppd_pptpd_conf *c, const char *path, int must_exist);

/* Expand the address lists into slots and settle the connection limit as
 * pptpd does (see the top of this file). Returns 0, UPPP_ERR_PARSE with
 * c->error set (a malformed list, no address at all) or UPPP_ERR_NOMEM. */
int upppd_pptpd_conf_finish(struct upppd_pptpd_conf *c);

/* Expand one pptpd address list into at most max addresses (host order).
 * Returns the number written (warning when addresses were left over), or
 * UPPP_ERR_PARSE with err set. Exposed for tests and the fuzz target. */
int upppd_pptpd_ip_list(const char *list, uint32_t *out, int max, char *err, size_t errcap,
                        int *truncated);

#endif
