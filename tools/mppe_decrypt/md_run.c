/*
 * The pipeline (md_run.h): units to frames to the tracker, streaming.
 */
#include "md_run.h"

static int to_track(void *user, const struct md_unit *frame)
{
    return md_track_frame(user, frame);
}

int md_run(struct md_input *in, struct md_framer *fr, struct md_track *t)
{
    for (;;) {
        struct md_unit u;
        int rc = md_input_next(in, &u);
        if (rc <= 0)
            return rc;
        if (u.kind == MD_UNIT_LINK_END)
            rc = md_track_link_end(t, u.link);
        else
            rc = md_framer_feed(fr, &u, to_track, t);
        if (rc != 0)
            return rc;
    }
}
