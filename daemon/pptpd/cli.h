/*
 * upppd-pptpd's command line: pptpd 1.4.0's flags (pptpd(8); optstring
 * "b:c:de:fhil:o:p:s:t:vwC:D" in poptop's pptpd.c), each with its long
 * form, and --port of our own. Flags that mean nothing without pppd and
 * pptpctrl (-b bcrelay, -e ppp binary, -w logwtmp, -D delegate) are
 * accepted with a warning so a pptpd command line works unchanged.
 *
 * Pure code: parses words, prints only in upppd_pptpd_cli_help().
 */
#ifndef UPPPD_PPTPD_CLI_H
#define UPPPD_PPTPD_CLI_H

#include "conf.h"

#include <stdio.h>

#define UPPPD_PPTPD_CLI_HELP 1
#define UPPPD_PPTPD_CLI_VERSION 2

struct upppd_pptpd_cli {
    const char *conf;    /* -c; NULL: /etc/pptpd.conf, and it may be missing */
    const char *option;  /* -o */
    const char *pidfile; /* -p */
    const char *speed;   /* -s */
    uint32_t listen;     /* -l, host order */
    int listen_set;
    int foreground;    /* -f */
    int debug;         /* -d */
    int noipparam;     /* -i */
    int connections;   /* -C; 0 = not given */
    int stimeout_s;    /* -t; 0 = not given */
    int port;          /* --port; 0 = not given */
    const char *runas; /* --runas USER; NULL = not given (the PPP options' runas) */
    void (*warn)(void *ctx, const char *msg);
    void *warn_ctx;
    char error[256];
};

/* Parse argv[1..argc-1]. Returns 0, UPPPD_PPTPD_CLI_HELP,
 * UPPPD_PPTPD_CLI_VERSION, or UPPP_ERR_PARSE with cli->error set. The
 * strings stay argv's. */
int upppd_pptpd_cli_parse(struct upppd_pptpd_cli *cli, int argc, char *const argv[]);

/* The command line wins over the file, as in pptpd: copy what was given
 * into c (before upppd_pptpd_conf_finish()). Returns 0 or UPPP_ERR_PARSE
 * with c->error set (a path too long). */
int upppd_pptpd_cli_apply(const struct upppd_pptpd_cli *cli, struct upppd_pptpd_conf *c);

void upppd_pptpd_cli_help(FILE *f);

#endif
