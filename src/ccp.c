/* CCP/MPPE: placeholder until the MPPE engine lands. */
#include "ppp.h"

static const struct uppp_fsm_ops ccp_ops = {.name = "CCP", .proto = UPPP_PROTO_CCP};

static void ccp_send(struct uppp_fsm *f, const uint8_t *pkt, size_t len)
{
    uppp_send_packet(uppp_fsm_session(f), UPPP_PROTO_CCP, pkt, len);
}

void uppp_ccp_init(struct uppp_session *s)
{
    uppp_fsm_init(&s->ccp.fsm, &ccp_ops, ccp_send, s);
}

void uppp_ccp_start(struct uppp_session *s)
{
    uppp_ccp_is_failed(s, "MPPE required but peer negotiation failed");
}

void uppp_ccp_stop(struct uppp_session *s)
{
    uppp_fsm_down(&s->ccp.fsm, s->now);
}

void uppp_ccp_input(struct uppp_session *s, const uint8_t *pkt, size_t len)
{
    uppp_fsm_input(&s->ccp.fsm, pkt, len, s->now);
}

void uppp_ccp_data_input(struct uppp_session *s, const uint8_t *pkt, size_t len)
{
    (void)pkt, (void)len;
    s->stats.dropped_other++;
}

int uppp_ccp_send(struct uppp_session *s, uint16_t proto, const uint8_t *pkt, size_t len)
{
    (void)proto, (void)pkt, (void)len;
    s->stats.dropped_clear++;
    return 1;
}

void uppp_ccp_timer(struct uppp_session *s, uint64_t now)
{
    uppp_fsm_timer(&s->ccp.fsm, now);
}

uint64_t uppp_ccp_deadline(const struct uppp_session *s)
{
    return s->ccp.fsm.deadline;
}

void uppp_ccp_renegotiate(struct uppp_session *s)
{
    (void)s;
}

void uppp_ccp_free(struct uppp_session *s)
{
    (void)s;
}
