/* Authentication phase: placeholder until PAP/CHAP land. */
#include "ppp.h"

void uppp_auth_init(struct uppp_session *s)
{
    (void)s;
}

void uppp_auth_start(struct uppp_session *s, unsigned peer_method, unsigned our_method)
{
    s->auth.peer_method = peer_method;
    s->auth.our_method = our_method;
    if (peer_method)
        uppp_auth_is_done(s, 1, peer_method, 0);
    else if (our_method)
        uppp_auth_is_done(s, 0, our_method, 0);
}

void uppp_auth_input(struct uppp_session *s, uint16_t proto, const uint8_t *pkt, size_t len)
{
    (void)s, (void)proto, (void)pkt, (void)len;
}

void uppp_auth_timer(struct uppp_session *s, uint64_t now)
{
    (void)s, (void)now;
}

uint64_t uppp_auth_deadline(const struct uppp_session *s)
{
    (void)s;
    return 0;
}

void uppp_auth_stop(struct uppp_session *s)
{
    s->auth.peer_done = s->auth.our_done = 0;
}

void uppp_auth_free(struct uppp_session *s)
{
    (void)s;
}
