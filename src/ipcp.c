/* IPCP/IPV6CP: placeholder with no options until the real ones land. */
#include "ppp.h"

static void ipcp_up(struct uppp_fsm *f)
{
    struct uppp_session *s = uppp_fsm_session(f);
    s->ipcp.up = 1;
    uppp_ncp_is_up(s, UPPP_PROTO_IPCP);
}

static void ipcp_down(struct uppp_fsm *f)
{
    struct uppp_session *s = uppp_fsm_session(f);
    s->ipcp.up = 0;
    uppp_ncp_is_down(s, UPPP_PROTO_IPCP);
}

static const struct uppp_fsm_ops ipcp_ops = {
    .name = "IPCP", .proto = UPPP_PROTO_IPCP, .up = ipcp_up, .down = ipcp_down};
static const struct uppp_fsm_ops ipv6cp_ops = {.name = "IPV6CP", .proto = UPPP_PROTO_IPV6CP};

static void ipcp_send(struct uppp_fsm *f, const uint8_t *pkt, size_t len)
{
    uppp_send_packet(uppp_fsm_session(f), f->ops->proto, pkt, len);
}

void uppp_ipcp_init(struct uppp_session *s)
{
    uppp_fsm_init(&s->ipcp.fsm, &ipcp_ops, ipcp_send, s);
    uppp_fsm_configure(s, &s->ipcp.fsm);
}

void uppp_ipcp_free(struct uppp_session *s)
{
    (void)s;
}

void uppp_ipv6cp_init(struct uppp_session *s)
{
    uppp_fsm_init(&s->ipv6cp.fsm, &ipv6cp_ops, ipcp_send, s);
    uppp_fsm_configure(s, &s->ipv6cp.fsm);
}

void uppp_ipv6cp_free(struct uppp_session *s)
{
    (void)s;
}
