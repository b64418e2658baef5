/* The security notices at network up (see secnotice.h). */
#include "secnotice.h"

#include <stdio.h>
#include <syslog.h>

static void notice(struct upppd_log *lg, const char *id, const char *line)
{
    if (id != NULL)
        upppd_log_id_line(lg, id, LOG_NOTICE, line);
    else
        upppd_log_line(lg, LOG_NOTICE, line);
}

int upppd_security_notice(struct upppd_log *lg, const char *id, const struct uppp_config *cfg,
                          const struct uppp_status *st)
{
    char line[256];
    int n = 0;
    if (st->mppe_bits == 0) {
        notice(lg, id,
               "Security: no MPPE: IP packets cross this link unencrypted (upppd(8) SECURITY)");
        n++;
    } else if (st->mppe_bits < 128) {
        /* CCP settles on one strength; with 128 allowed here and not
         * chosen, the peer offered or accepted no more (RFC 3078 3). */
        int ours128 = (cfg->mppe_bits & 4u) != 0;
        snprintf(line, sizeof(line),
                 "Security: MPPE with a %d-bit key, open to exhaustive search; %s", st->mppe_bits,
                 ours128 ? "128 bits were allowed here: the peer offered no more, or the "
                           "unprotected negotiation was altered"
                         : "allow 128 bits (require-mppe-128)");
        notice(lg, id, line);
        n++;
    }
    if ((st->auth_peer | st->auth_us) & UPPP_AUTH_MSCHAP_V1) {
        notice(lg, id,
               "Security: MS-CHAPv1 authenticated this link: weaker than MS-CHAPv2 (LM hash, "
               "one challenge); prefer require-mschap-v2");
        n++;
    }
    return n;
}

const char *upppd_mppe_mode_word(int bits, int stateless)
{
    return bits ? (stateless ? " stateless" : " stateful") : "";
}

const char *upppd_mppc_words(int mppc)
{
    static const char *const w[] = {"", ", mppc send only", ", mppc receive only", ", mppc"};
    return w[mppc & 3];
}
