/*
 * The network-protocol layer as the session sees it: IPCP (RFC 1332) and
 * IPV6CP (RFC 5072) driven by protocol number, and their reports to the
 * session (RFC 1661 section 3.5: the Network phase lasts while
 * network-layer protocols run); the session decides what they mean for
 * the link (see ncp.h).
 */
#include "ppp.h"

#include <stdio.h>
#include <string.h>

void uppp_ncp_post(struct uppp_session *s, struct uppp_fsm *f, int up)
{
    struct uppp_qev ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = up ? UPPP_QEV_NCP_UP : UPPP_QEV_NCP_DOWN;
    ev.proto = f->ops->proto;
    uppp_post(s, &ev);
}

void uppp_ncp_post_finished(struct uppp_session *s, struct uppp_fsm *f, const char *why)
{
    struct uppp_qev ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = UPPP_QEV_NCP_FINISHED;
    ev.proto = f->ops->proto;
    ev.failed = f->failed;
    /* Why the session would end if this was the last one: our own refusal,
     * else the automaton's failure, else the peer's Terminate-Request. */
    if (why != NULL && why[0] != '\0')
        snprintf(ev.why, sizeof(ev.why), "%s", why);
    else if (f->failed && f->reason[0] != '\0')
        snprintf(ev.why, sizeof(ev.why), "%s", f->reason);
    else if (f->reason[0] != '\0')
        snprintf(ev.why, sizeof(ev.why), "%s: %s", f->ops->name, f->reason);
    uppp_post(s, &ev);
}

/* The automaton of a network protocol (NULL: not one of ours). */
static struct uppp_fsm *fsm_of(struct uppp_session *s, uint16_t proto)
{
    if (proto == UPPP_PROTO_IPCP)
        return &s->ipcp.fsm;
    if (proto == UPPP_PROTO_IPV6CP)
        return &s->ipv6cp.fsm;
    return NULL;
}

void uppp_ncp_start(struct uppp_session *s, uint16_t proto)
{
    struct uppp_fsm *f = fsm_of(s, proto);
    if (f != NULL) {
        uppp_fsm_open(f, s->now);
        uppp_fsm_up(f, s->now);
    }
}

void uppp_ncp_lower_down(struct uppp_session *s, uint16_t proto)
{
    struct uppp_fsm *f = fsm_of(s, proto);
    if (f != NULL)
        uppp_fsm_down(f, s->now);
}

void uppp_ncp_protreject(struct uppp_session *s, uint16_t proto)
{
    struct uppp_fsm *f = fsm_of(s, proto);
    if (f != NULL)
        uppp_fsm_protreject(f, s->now);
}

void uppp_ncp_input(struct uppp_session *s, uint16_t proto, const uint8_t *pkt, size_t len)
{
    struct uppp_fsm *f = fsm_of(s, proto);
    if (f != NULL)
        uppp_fsm_input(f, pkt, len, s->now);
}

void uppp_ncp_timer(struct uppp_session *s, uint16_t proto, uint64_t now)
{
    struct uppp_fsm *f = fsm_of(s, proto);
    if (f != NULL)
        uppp_fsm_timer(f, now);
}

uint64_t uppp_ncp_deadline(const struct uppp_session *s, uint16_t proto)
{
    if (proto == UPPP_PROTO_IPCP)
        return s->ipcp.fsm.deadline;
    if (proto == UPPP_PROTO_IPV6CP)
        return s->ipv6cp.fsm.deadline;
    return 0;
}

int uppp_ncp_carries(const struct uppp_session *s, uint16_t data_proto)
{
    if (data_proto == UPPP_PROTO_IP)
        return s->ipcp.up;
    if (data_proto == UPPP_PROTO_IPV6)
        return s->ipv6cp.up;
    return 0;
}

void uppp_ncp_status(const struct uppp_session *s, struct uppp_status *st)
{
    st->ip_local = s->ipcp.local;
    st->ip_remote = s->ipcp.remote;
    st->dns[0] = s->ipcp.dns[0];
    st->dns[1] = s->ipcp.dns[1];
    st->ipv6_up = s->ipv6cp.up;
    st->ipv6_local = s->ipv6cp.local;
    st->ipv6_remote = s->ipv6cp.remote;
}
