/*
 * IPV6CP, the IPv6 Control Protocol (RFC 5072): wire format and per-session
 * state.
 */
#ifndef UPPP_SRC_IPV6CP_H
#define UPPP_SRC_IPV6CP_H

#include "fsm.h"

#include <stdint.h>

/* RFC 5072 section 4. */
enum uppp_ipv6cp_opt {
    UPPP_IPV6CP_OPT_IFACEID = 1, /* 4.1 Interface-Identifier, length 10 */
    UPPP_IPV6CP_OPT_COMP = 2,    /* 4.2 IPv6-Compression-Protocol: Rejected */
};

#define UPPP_IPV6CP_IFACEID_LEN 10 /* type, length, 8-octet identifier */

struct uppp_ipv6cp {
    struct uppp_fsm fsm;
    int up;
    uint64_t local, remote; /* interface identifiers; 0 while down */

    uint64_t cfg_local;  /* configured identifier; 0 = a random one each time */
    uint64_t cfg_remote; /* identifier we suggest for the peer; 0 = none */

    int neg_id;         /* send Interface-Identifier */
    uint64_t want_id;   /* our tentative identifier */
    uint64_t suggested; /* the last identifier we Naked the peer with */
    int req_id;         /* Nak a request lacking Interface-Identifier, once */
    int his_neg_id;     /* the peer sent Interface-Identifier ... */
    uint64_t his_id;    /* ... with this identifier */

    int open;      /* started and not yet finished */
    int was_up;    /* reached Opened at least once */
    char why[128]; /* why we refused to open */
};

struct uppp_session;
void uppp_ipv6cp_init(struct uppp_session *s);
void uppp_ipv6cp_free(struct uppp_session *s);

/* Started and not yet finished (pppd's ipv6cp_is_open); has reached Opened
 * at least once in this LCP session. */
int uppp_ipv6cp_is_open(const struct uppp_session *s);
int uppp_ipv6cp_was_up(const struct uppp_session *s);

#endif
