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

#endif
