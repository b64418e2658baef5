/*
 * What the link's protection is worth, said once when the network comes
 * up (issue 14; upppd(8) and docs/SECURITY.md say why): a notice when IP
 * runs without MPPE, when MPPE runs with a 40- or 56-bit key (and whether
 * 128 bits were allowed on our side, so the peer chose less), and when
 * MS-CHAPv1 authenticated the link. upppd-pptpd calls it per session.
 */
#ifndef UPPPD_SECNOTICE_H
#define UPPPD_SECNOTICE_H

#include <uppp/session.h>

#include "log.h"

/* Log the notices (LOG_NOTICE) for a session whose network just came up:
 * cfg is its configuration, st its status. id: the session's id for
 * upppd_log_id_line(), or NULL for a one-session process. Returns how many
 * lines were logged. */
int upppd_security_notice(struct upppd_log *lg, const char *id, const struct uppp_config *cfg,
                          const struct uppp_status *st);

/* The words that end a summary or up line for MPPC (uppp_status.mppc: bit
 * 1 we compress, bit 2 the peer does): "", ", mppc send only", ", mppc
 * receive only" or ", mppc". Scripts read upppd's summary, so both
 * daemons say it alike. */
const char *upppd_mppc_words(int mppc);

/* The word after "mppe <bits>" in the same lines: " stateless" or
 * " stateful", or "" when MPPE is off (bits 0). */
const char *upppd_mppe_mode_word(int bits, int stateless);

#endif
