/*
 * IPCP, the IP Control Protocol (RFC 1332), with the name-server options of
 * RFC 1877: wire format and per-session state.
 */
#ifndef UPPP_SRC_IPCP_H
#define UPPP_SRC_IPCP_H

#include "fsm.h"

#include <stdint.h>

/* RFC 1332 section 3 and RFC 1877 section 1: configuration options. */
enum uppp_ipcp_opt {
    UPPP_IPCP_OPT_ADDRS = 1,  /* 3.1 IP-Addresses, deprecated: Rejected */
    UPPP_IPCP_OPT_COMP = 2,   /* 3.2 IP-Compression-Protocol (VJ): Rejected */
    UPPP_IPCP_OPT_ADDR = 3,   /* 3.3 IP-Address, length 6 */
    UPPP_IPCP_OPT_DNS1 = 129, /* RFC 1877 1.1 Primary DNS Server Address */
    UPPP_IPCP_OPT_NBNS1 = 130,
    UPPP_IPCP_OPT_DNS2 = 131, /* RFC 1877 1.3 Secondary DNS Server Address */
    UPPP_IPCP_OPT_NBNS2 = 132,
};

#define UPPP_IPCP_ADDR_LEN 6 /* type, length, 4-octet address */

/* pppd's Max-Failure for IPCP (see uppp_ipcp_init). */
#define UPPP_IPCP_MAX_FAILURE 100

/* pppd's stand-in for a peer address nobody knows (10.64.64.64 + unit). */
#define UPPP_IPCP_DEFAULT_REMOTE 0x0a404040u

/* What we put in our Configure-Request; once Acked, what we got. */
struct uppp_ipcp_opts {
    int neg_addr;   /* send IP-Address */
    uint32_t addr;  /* our address, 0 = "please assign one" */
    int req_dns[2]; /* ask for primary / secondary DNS */
    uint32_t dns[2];
};

struct uppp_ipcp {
    struct uppp_fsm fsm;
    int up;
    uint32_t local, remote; /* negotiated, host order; 0 while down */
    uint32_t dns[2];        /* what the peer gave us; 0 while down */

    /* pppd's "wantoptions": configuration, kept across negotiations. */
    uint32_t ouraddr;  /* our address (updated when IPCP opens) */
    uint32_t hisaddr;  /* the address we want the peer to have, 0 = none */
    int accept_local;  /* take the peer's idea of our address */
    int accept_remote; /* take the peer's idea of its address */
    int req_addr;      /* Nak a request lacking IP-Address, once */

    struct uppp_ipcp_opts want; /* our request, adjusted by Naks/Rejects */
    int his_neg_addr;           /* the peer sent IP-Address ... */
    uint32_t his_addr;          /* ... with this address */

    int open;      /* started and not yet finished (pppd's ipcp_is_open) */
    int was_up;    /* reached Opened at least once */
    char why[128]; /* why we refused to open, for the session's end reason */
};

struct uppp_session;
void uppp_ipcp_init(struct uppp_session *s);
void uppp_ipcp_free(struct uppp_session *s);
/* The peer's address was decided after configuration (an authentication
 * back end's Framed-IP-Address): it is the one the peer gets, as if
 * configured; before IPCP starts. */
void uppp_ipcp_set_remote(struct uppp_session *s, uint32_t addr);

/* Started and not yet finished (pppd's ipcp_is_open); has reached Opened
 * at least once in this LCP session. */
int uppp_ipcp_is_open(const struct uppp_session *s);
int uppp_ipcp_was_up(const struct uppp_session *s);

#endif
