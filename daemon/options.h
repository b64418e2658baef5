/*
 * upppd's command line and options files, compatible with pppd 2.4.9
 * (pppd(8); facts from ppp-project/ppp pppd/options.c, auth.c, ccp.c,
 * ipcp.c, tty.c). Pure code: it reads options files but opens no device,
 * runs nothing and prints nothing except in upppd_opts_help() and
 * upppd_opts_dump(). The caller (main.c) prints errors as
 * "upppd: <message>" and exits with upppd_opts_exit_status().
 *
 * Where options come from, in pppd's order (pppd(8) "OPTIONS FILES"):
 * $ETC/options, ~/.ppprc, $ETC/options.<ttyname>, then the command line,
 * where $ETC is $UPPPD_ETC or /etc/ppp. "file F" and "call NAME"
 * ($ETC/peers/NAME) read more options wherever they appear. As pppd does,
 * we scan the command line (and the first two files) for the device name
 * before reading options.<ttyname>; options given later override earlier
 * ones, so the command line wins.
 *
 * We run as root, so pppd's privileged-option rules (which options an
 * ordinary user may give, and the priorities that stop a user overriding
 * root's files) do not apply and are not implemented: every option is
 * accepted from every source, and the last one given wins.
 */
#ifndef UPPPD_OPTIONS_H
#define UPPPD_OPTIONS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <uppp/err.h>
#include <uppp/session.h>

#ifdef __cplusplus
extern "C" {
#endif

#define UPPPD_PATH_LEN 4096
#define UPPPD_NAME_LEN 256      /* as uppp_config.our_name */
#define UPPPD_IFNAME_LEN 16     /* IFNAMSIZ: 15 characters and a NUL */
#define UPPPD_PASSWORD_LEN 1025 /* as uppp_secret.password */
#define UPPPD_ERROR_LEN 1024

/* Positive results of the parse functions: print and exit 0. */
#define UPPPD_OPTS_HELP 1    /* --help or -h: print upppd_opts_help() */
#define UPPPD_OPTS_VERSION 2 /* --version: print "upppd version X" */

/* pppd's exit status for errors in the options (pppd(8) EXIT STATUS). */
#define UPPPD_EXIT_OPTION_ERROR 2

enum upppd_flow {
    UPPPD_FLOW_UNCHANGED = 0, /* neither crtscts nor nocrtscts: leave the port alone */
    UPPPD_FLOW_CRTSCTS = 1,
    UPPPD_FLOW_NONE = 2, /* nocrtscts */
};

#define UPPPD_OPTS_SLOTS 128

/* Private bookkeeping; read through the public fields only. */
struct upppd_opts_priv {
    unsigned mppe_want; /* pppd's ccp_wantoptions.mppe: strengths required */
    unsigned mppe_deny; /* strengths removed with nomppe-N */
    int mppe_required, mppe_optional, mppe_off;
    int auth_required;
    unsigned auth_bits;   /* require-* given */
    unsigned refuse_bits; /* refuse-* given */
    int ms_dns_count;
    int ip_local_set, ip_remote_set;
    int depth;           /* file/call nesting */
    unsigned files_read; /* options files read, all includes counted */
    size_t bytes_read;   /* and their bytes */
    char **sources;      /* names of the places options came from */
    size_t n_sources;
    uint32_t seq;                         /* counts options applied */
    uint32_t stamp_seq[UPPPD_OPTS_SLOTS]; /* per option id: when last applied */
    uint16_t stamp_src[UPPPD_OPTS_SLOTS]; /* 1 + index in sources; 0 = never */
    uint32_t stamp_line[UPPPD_OPTS_SLOTS];
};

struct upppd_opts {
    /* The protocol configuration: uppp_config_init() then the options.
     * Complete after upppd_opts_finish() (upppd_opts_load_all() calls it). */
    struct uppp_config cfg;

    /* ---- Link ---- */
    char device[UPPPD_PATH_LEN];  /* serial device, "/dev/" prepended; "" = none named */
    int default_device;           /* no device, pty or notty: use the terminal on stdin */
    unsigned long speed;          /* baud rate; 0 = leave unchanged */
    enum upppd_flow flow;         /* crtscts / nocrtscts */
    int modem;                    /* 1 (default, "modem"): use CD/DTR; 0: "local" */
    int lock;                     /* UUCP lock file in /var/lock */
    char pty_cmd[UPPPD_PATH_LEN]; /* pty "command"; "" = no pty */
    int notty;                    /* link is stdin/stdout */
    int nodetach;
    int updetach;
    int persist;
    int maxfail; /* failed attempts before giving up; 0 = no limit (10) */
    int holdoff; /* seconds before reconnecting (30) */
    char connect_cmd[UPPPD_PATH_LEN];
    char disconnect_cmd[UPPPD_PATH_LEN];

    /* ---- Identity and authentication ---- */
    char name[UPPPD_NAME_LEN];         /* "name"; the hostname if not given (after finish) */
    char user[UPPPD_NAME_LEN];         /* "user": name we authenticate as; "" = name */
    char remotename[UPPPD_NAME_LEN];   /* "remotename" (also in cfg.remote_name) */
    char password[UPPPD_PASSWORD_LEN]; /* "password": our secret, instead of the files */
    int password_set;
    int auth_required; /* the peer must authenticate (after finish) */

    /* ---- IP (the rest is in cfg) ---- */
    int noipdefault;
    int usepeerdns; /* write $ETC/resolv.conf (also cfg.use_peer_dns) */
    int defaultroute;
    int replacedefaultroute;

    /* ---- Timers (seconds, 0 = none) ---- */
    int idle;
    int maxconnect;

    /* ---- Interface and logging ---- */
    char ifname[UPPPD_IFNAME_LEN]; /* "" = ppp<unit> */
    int unit;                      /* -1 = first free */
    char linkname[UPPPD_NAME_LEN];
    char ipparam[UPPPD_PATH_LEN];
    int debug;  /* number of "debug" options (also cfg.debug) */
    int kdebug; /* accepted, ignored: there is no kernel driver */
    char logfile[UPPPD_PATH_LEN];
    int logfd; /* 1 (stdout) by default; -1 = nolog */
    int dump;
    int dryrun;
    char call_name[UPPPD_NAME_LEN]; /* last "call" value (CALL_FILE for scripts) */

    /* ---- PPTP client (RFC 2637; each maps a pptp-linux flag) ---- */
    char pptp_host[UPPPD_NAME_LEN]; /* "pptp HOST": the link is a PPTP call; "" = none */
    int pptp_port;                  /* TCP port (1723) */
    int pptp_reorder_ms;            /* reorder wait, ms (300: pptp-linux --timeout 0.3) */
    char pptp_localbind[64];        /* --localbind: IPv4 source address; "" = any */
    int pptp_echo_s;                /* Echo-Request interval, s (60); 0 = none */
    int pptp_nohostroute;           /* --nohostroute */

    /* ---- Where options come from; set by upppd_opts_init() ---- */
    char etc[UPPPD_PATH_LEN]; /* $UPPPD_ETC or /etc/ppp */
    int no_files;             /* 1: "file" and "call" are errors (fuzzing) */
    /* Warnings that do not stop parsing (e.g. a word cut for length). */
    void (*warn)(void *ctx, const char *msg);
    void *warn_ctx;

    /* The last error, without the "upppd: " prefix. */
    char error[UPPPD_ERROR_LEN];

    struct upppd_opts_priv priv;
};

/* pppd's defaults: uppp_config_init(), maxfail 10, holdoff 30, modem, logfd
 * 1, unit -1; PPTP port 1723, reorder wait 300 ms, echo every 60 s; etc from $UPPPD_ETC (or
 * /etc/ppp). */
void upppd_opts_init(struct upppd_opts *o);

/* Free what init and parsing allocated and wipe the password. */
void upppd_opts_free(struct upppd_opts *o);

/*
 * Parse command-line words (argv[0] is the first option, not the program
 * name; pass argc - 1, argv + 1 from main). Returns 0; UPPP_ERR_PARSE with
 * o->error set (exit status 2); UPPP_ERR_NOMEM; UPPPD_OPTS_HELP or
 * UPPPD_OPTS_VERSION.
 */
int upppd_opts_parse_argv(struct upppd_opts *o, int argc, char *const argv[]);

/* Parse an options file. must_exist = 0: a missing file is not an error
 * (as for $ETC/options). Returns as upppd_opts_parse_argv(). */
int upppd_opts_parse_file(struct upppd_opts *o, const char *path, int must_exist);

/* Parse options-file text from memory; name is used in messages. Returns
 * as upppd_opts_parse_argv(). */
int upppd_opts_parse_text(struct upppd_opts *o, const char *text, size_t len, const char *name);

/*
 * Everything, in pppd's order: $ETC/options, ~/.ppprc ($HOME), then
 * $ETC/options.<ttyname> for the device (or for stdin_tty, the name of the
 * terminal on stdin, when no device, pty or notty is given; NULL if stdin
 * is not a terminal), then the command line (argc/argv as for
 * upppd_opts_parse_argv()), then upppd_opts_finish(). Returns as
 * upppd_opts_parse_argv().
 */
int upppd_opts_load_all(struct upppd_opts *o, int argc, char *const argv[], const char *stdin_tty);

/*
 * Check the options as a whole and derive cfg (MPPE policy and strengths,
 * authentication bits, our name). Errors: device with pty or notty, pty
 * with notty, pptp with a device, pty or notty, MPPE required with noccp or with every strength
 * removed. Returns 0 or UPPP_ERR_PARSE with o->error set.
 */
int upppd_opts_finish(struct upppd_opts *o);

/* The exit status for a parse result: 0 for help/version, 2 for an option
 * error, 1 for anything else (out of memory). */
int upppd_opts_exit_status(int rc);

/* --help: every option, grouped as in upppd(8). */
void upppd_opts_help(FILE *f);

/* The "dump" option: the options in effect, one per line, as options-file
 * text that reads back to the same configuration, each with the place it
 * came from ("# (from /etc/ppp/options:3)"). The password is shown as
 * "??????" as pppd does. Call after upppd_opts_finish(). */
void upppd_opts_dump(const struct upppd_opts *o, FILE *f);

/* "upppd version X". */
const char *upppd_version(void);

#ifdef __cplusplus
}
#endif

#endif
