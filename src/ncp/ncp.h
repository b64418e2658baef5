/*
 * What IPCP (RFC 1332) and IPV6CP (RFC 5072) share beyond the automaton:
 * how they report to the session. The rule that the link closes once no
 * network protocol is left (pppd's np_finished) is the session's, acting on
 * UPPP_QEV_NCP_FINISHED.
 */
#ifndef UPPP_SRC_NCP_H
#define UPPP_SRC_NCP_H

#include "fsm.h"

struct uppp_session;

/* Post NCP_UP or NCP_DOWN for f's protocol. */
void uppp_ncp_post(struct uppp_session *s, struct uppp_fsm *f, int up);

/* f reached This-Layer-Finished: post NCP_FINISHED with why (our own
 * refusal, may be empty), f's failed flag and reason. */
void uppp_ncp_post_finished(struct uppp_session *s, struct uppp_fsm *f, const char *why);

/* ---- for the session: IPCP and IPV6CP by protocol number ---- */
#include <stddef.h>
#include <stdint.h>
struct uppp_status;
/* Open (lower layer up + open), take down with LCP, Protocol-Rejected, a
 * packet (code onward), the retransmission timer and its deadline. */
void uppp_ncp_start(struct uppp_session *s, uint16_t proto);
void uppp_ncp_lower_down(struct uppp_session *s, uint16_t proto);
void uppp_ncp_protreject(struct uppp_session *s, uint16_t proto);
void uppp_ncp_input(struct uppp_session *s, uint16_t proto, const uint8_t *pkt, size_t len);
void uppp_ncp_timer(struct uppp_session *s, uint16_t proto, uint64_t now);
uint64_t uppp_ncp_deadline(const struct uppp_session *s, uint16_t proto);
/* Whether the network protocol for data_proto (0x0021 IP, 0x0057 IPv6)
 * is Opened. */
int uppp_ncp_carries(const struct uppp_session *s, uint16_t data_proto);
/* Fill the status's address fields. */
void uppp_ncp_status(const struct uppp_session *s, struct uppp_status *st);

#endif
