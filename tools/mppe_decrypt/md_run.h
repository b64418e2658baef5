/*
 * The mppe-decrypt pipeline without its command line: capture units
 * (md_capture.h) through the framer (md_frame.h) into the session tracker
 * (md_track.h). Shared by the tool and its fuzz target.
 */
#ifndef MD_RUN_H
#define MD_RUN_H

#include "md_capture.h"
#include "md_frame.h"
#include "md_track.h"

/* Run the whole capture. Returns 0 at its end, UPPP_ERR_PARSE when it is
 * truncated or malformed (md_input_error() says where; everything before
 * was processed), UPPP_ERR_NOMEM, UPPP_ERR_CRYPTO*. */
int md_run(struct md_input *in, struct md_framer *fr, struct md_track *t);

#endif
