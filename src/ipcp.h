/*
 * IPCP (RFC 1332, DNS options RFC 1877) and IPV6CP (RFC 5072).
 */
#ifndef UPPP_SRC_IPCP_H
#define UPPP_SRC_IPCP_H

#include "fsm.h"

#include <stdint.h>

struct uppp_session;

struct uppp_ipcp {
    struct uppp_fsm fsm;
    int up;
    uint32_t local, remote; /* negotiated, host order */
    uint32_t dns[2];        /* what the peer gave us */
    void *impl;
};

struct uppp_ipv6cp {
    struct uppp_fsm fsm;
    int up;
    uint64_t local, remote; /* interface identifiers */
    void *impl;
};

void uppp_ipcp_init(struct uppp_session *s);
void uppp_ipcp_free(struct uppp_session *s);
void uppp_ipv6cp_init(struct uppp_session *s);
void uppp_ipv6cp_free(struct uppp_session *s);

#endif
