/*
 * CCP (RFC 1962) with MPPE as its only compressor (RFC 3078 section 2),
 * and the MPPE data path: encryption of outgoing network packets,
 * decryption of protocol 0x00FD, Reset-Request/Reset-Ack (codes 14, 15).
 */
#ifndef UPPP_SRC_CCP_H
#define UPPP_SRC_CCP_H

#include "fsm.h"

#include <stddef.h>
#include <stdint.h>

struct uppp_session;

struct uppp_ccp {
    struct uppp_fsm fsm;
    int enabled; /* CCP is opened on this link */
    int mppe_up; /* MPPE negotiated in both directions: data is encrypted */
    int bits;    /* negotiated strength */
    int stateless;
    void *impl; /* owned by ccp.c: MPPE states, option state */
};

void uppp_ccp_init(struct uppp_session *s);
/* Network phase: open CCP (lower layer up + open). */
void uppp_ccp_start(struct uppp_session *s);
/* LCP went down. */
void uppp_ccp_stop(struct uppp_session *s);
/* A CCP packet (code onward). */
void uppp_ccp_input(struct uppp_session *s, const uint8_t *pkt, size_t len);
/* A 0x00FD packet: decrypt and pass to uppp_network_input(). */
void uppp_ccp_data_input(struct uppp_session *s, const uint8_t *pkt, size_t len);
/* Encrypt and send a network packet. 0 sent, 1 dropped (counted). */
int uppp_ccp_send(struct uppp_session *s, uint16_t proto, const uint8_t *pkt, size_t len);
void uppp_ccp_timer(struct uppp_session *s, uint64_t now);
uint64_t uppp_ccp_deadline(const struct uppp_session *s);
/* Renegotiate (pppd SIGUSR2). */
void uppp_ccp_renegotiate(struct uppp_session *s);
void uppp_ccp_free(struct uppp_session *s);

#endif
