/*
 * Internals shared by options.c (the option table and what each option
 * does), options_load.c (command line, files, pppd's order) and
 * options_help.c (--help and dump).
 */
#ifndef UPPPD_OPTIONS_INT_H
#define UPPPD_OPTIONS_INT_H

#include "options.h"

enum opt_id {
    /* Options files */
    O_FILE,
    O_CALL,
    O_HELP,
    O_VERSION,
    /* Link */
    O_DEVICE, /* a word naming a character device */
    O_SPEED,  /* a word that is a decimal number */
    O_CRTSCTS,
    O_NOCRTSCTS,
    O_LOCAL,
    O_MODEM,
    O_LOCK,
    O_NOLOCK,
    O_PTY,
    O_NOTTY,
    O_NODETACH,
    O_UPDETACH,
    O_PERSIST,
    O_NOPERSIST,
    O_MAXFAIL,
    O_HOLDOFF,
    O_CONNECT,
    O_DISCONNECT,
    /* Identity and authentication */
    O_NAME,
    O_USER,
    O_REMOTENAME,
    O_PASSWORD,
    O_AUTH,
    O_NOAUTH,
    O_REQ_PAP,
    O_REQ_CHAP,
    O_REQ_MSCHAP,
    O_REQ_MSCHAP_V2,
    O_REQ_EAP,
    O_REF_PAP,
    O_REF_CHAP,
    O_REF_MSCHAP,
    O_REF_MSCHAP_V2,
    O_REF_EAP,
    O_STRIP_DOMAIN,
    O_SHOW_PASSWORD,
    O_HIDE_PASSWORD,
    /* MPPE and CCP */
    O_REQ_MPPE,
    O_REQ_MPPE_40,
    O_REQ_MPPE_56,
    O_REQ_MPPE_128,
    O_NOMPPE,
    O_NOMPPE_40,
    O_NOMPPE_56,
    O_NOMPPE_128,
    O_MPPE_STATEFUL,
    O_NOMPPE_STATEFUL,
    O_REQ_MPPE_STATEFUL,
    O_MPPE_STATELESS,
    O_MPPE_OPTIONAL,
    O_MPPE_WORDS,
    O_NOCCP,
    O_NOCOMP, /* nobsdcomp, nodeflate, ...: we never compress */
    /* IP */
    O_ADDRS, /* a word holding ':' : local:remote */
    O_NOIPDEFAULT,
    O_ACCEPT_LOCAL,
    O_ACCEPT_REMOTE,
    O_MS_DNS,
    O_USEPEERDNS,
    O_DEFAULTROUTE,
    O_NODEFAULTROUTE,
    O_REPLACEDEFAULTROUTE,
    O_NOREPLACEDEFAULTROUTE,
    O_NOIP,
    /* IPv6 */
    O_IPV6_ON,
    O_NOIPV6,
    O_IPV6_IDS,
    /* LCP */
    O_MTU,
    O_MRU,
    O_ASYNCMAP,
    O_DEFAULT_ASYNCMAP,
    O_NOPCOMP,
    O_NOACCOMP,
    O_NOMAGIC,
    O_NOVJ,
    O_ECHO_INTERVAL,
    O_ECHO_FAILURE,
    O_MAX_CONFIGURE,
    O_MAX_TERMINATE,
    O_MAX_FAILURE,
    O_LCP_RESTART,
    O_IDLE,
    O_MAXCONNECT,
    /* Interface and logging */
    O_IFNAME,
    O_UNIT,
    O_LINKNAME,
    O_IPPARAM,
    O_DEBUG,
    O_KDEBUG,
    O_LOGFILE,
    O_LOGFD,
    O_NOLOG,
    O_DUMP,
    O_DRYRUN,
    /* PPTP client */
    O_PPTP,
    O_PPTP_PORT,
    O_PPTP_REORDER,
    O_PPTP_LOCALBIND,
    O_PPTP_ECHO,
    O_PPTP_NOHOSTROUTE,
    O_COUNT
};

enum opt_group { G_FILES, G_LINK, G_AUTH, G_MPPE, G_IP, G_IPV6, G_LCP, G_IFLOG, G_PPTP, G_COUNT };

struct opt_def {
    const char *name; /* as typed; "<device>" etc. for the words matched by shape */
    enum opt_id id;
    enum opt_group group;
    const char *arg;  /* argument name for --help; NULL: the option takes none */
    const char *help; /* NULL: an alias, documented with the entry above it of the same id */
};

extern const struct opt_def upppd_opt_table[];
extern const size_t upppd_opt_table_len;
extern const char *const upppd_opt_group_title[G_COUNT];

/* Where the words being parsed come from. */
struct upppd_pctx {
    const char *source; /* file name, or "command line" */
    unsigned line;      /* 0 on the command line */
    int is_file;
    int tty_file; /* $ETC/options.<tty>: the device, pty and notty are fixed */
};

/* The entry for an option name, or NULL. Words matched by shape (device,
 * speed, local:remote) are not found here. */
const struct opt_def *upppd_opt_find(const char *name);

/* Apply one option; arg is NULL for options without an argument. Returns 0,
 * UPPP_ERR_PARSE / UPPP_ERR_NOMEM, or UPPPD_OPTS_HELP / UPPPD_OPTS_VERSION. */
int upppd_opt_apply(struct upppd_opts *o, const struct opt_def *d, const char *arg,
                    const struct upppd_pctx *pc);

/* Try a word that is not an option name as a device, a speed or
 * local:remote addresses. Returns 1 if applied, 0 if the word is none of
 * them (the caller reports "unrecognized option"), or a negative error. */
int upppd_opt_wild(struct upppd_opts *o, const char *word, const struct upppd_pctx *pc);

/* Format an error into o->error, prefixed with "In file F:N: " for a file.
 * Returns UPPP_ERR_PARSE. */
int upppd_opt_errorf(struct upppd_opts *o, const struct upppd_pctx *pc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Pass a warning to o->warn. */
void upppd_opt_warnf(const struct upppd_opts *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Read options from a file (file / call / the standard files). */
int upppd_opt_read_file(struct upppd_opts *o, const char *path, int must_exist, int tty_file,
                        const struct upppd_pctx *from);

/* Record that option id was set from pc (for dump). */
void upppd_opt_stamp(struct upppd_opts *o, enum opt_id id, const struct upppd_pctx *pc);

/* Write where option id was last set from ("command line",
 * "/etc/ppp/options:3") into buf. Returns its sequence number (larger =
 * later), or 0 if it was never set. */
uint32_t upppd_opt_source(const struct upppd_opts *o, enum opt_id id, char *buf, size_t cap);

/* MPPE strength bits as in uppp_config.mppe_bits. */
#define MPPE_BIT_40 1u
#define MPPE_BIT_56 2u
#define MPPE_BIT_128 4u
#define MPPE_BITS_ALL 7u

#endif
