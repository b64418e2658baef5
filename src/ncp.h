/*
 * What IPCP and IPV6CP share beyond the automaton: the rule that the link
 * closes once no network protocol is left (pppd's np_finished).
 */
#ifndef UPPP_SRC_NCP_H
#define UPPP_SRC_NCP_H

#include "fsm.h"

struct uppp_session;

/* A network protocol reached This-Layer-Finished (f). If no network
 * protocol is left open and LCP is Opened, close the link with "No network
 * protocols running", as pppd does. The session's end reason is why (our
 * own refusal), else f's failure reason or the peer's Terminate-Request;
 * the end code is UPPP_END_NEGOTIATION_FAILED if the protocol failed or no
 * network protocol ever opened (pppd's exit status 10), else UPPP_END_OK. */
void uppp_ncp_finished(struct uppp_session *s, struct uppp_fsm *f, const char *why);

#endif
