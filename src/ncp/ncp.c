/*
 * The network protocols' reports to the session (RFC 1661 section 3.5: the
 * Network phase lasts while network-layer protocols run); the session
 * decides what they mean for the link (see ncp.h).
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
    snprintf(ev.why, sizeof(ev.why), "%s", why != NULL ? why : "");
    snprintf(ev.detail, sizeof(ev.detail), "%s", f->reason);
    uppp_post(s, &ev);
}
