/*
 * The end of the network protocols (RFC 1661 section 3.5: the Network phase
 * lasts while network-layer protocols run). pppd closes the link once every
 * network protocol it opened has finished, with LCP's Terminate-Request
 * saying "No network protocols running"; peers and administrators expect the
 * same here.
 */
#include "ppp.h"

void uppp_ncp_finished(struct uppp_session *s, struct uppp_fsm *f, const char *why)
{
    if (s->dead || s->ipcp.open || s->ipv6cp.open || s->lcp.fsm.state != UPPP_FSM_OPENED)
        return;
    /* pppd's exit status is "negotiation failed" until a network protocol
     * comes up (auth.c np_up sets EXIT_OK); a protocol that gave up is a
     * negotiation failure whatever came before. */
    int ever_up = s->ipcp.was_up || s->ipv6cp.was_up;
    enum uppp_end end = (f->failed || !ever_up) ? UPPP_END_NEGOTIATION_FAILED : UPPP_END_OK;
    if (why != NULL && why[0] != '\0')
        uppp_set_end(s, end, "%s", why);
    else if (f->failed && f->reason[0] != '\0')
        uppp_set_end(s, end, "%s", f->reason);
    else if (f->reason[0] != '\0')
        uppp_set_end(s, end, "%s: %s", f->ops->name, f->reason);
    uppp_link_close(s, end, "No network protocols running");
}
