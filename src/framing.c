/*
 * Framing below the session (see framing.h). With framing "none" a frame
 * goes out as Address/Control (unless ACFC), protocol (1 octet under PFC)
 * and information, exactly as PPTP carries it (RFC 2637 section 4.4).
 */
#include "ppp.h"
#include "framing.h"

#include <uppp/err.h>

#include <stdlib.h>
#include <string.h>

/* Largest frame we build: protocol, information up to 64 KiB, FF 03. */
#define FRAME_MAX (4 + 65535)

static size_t build_frame(const struct uppp_txframe *tx, uint8_t *out, size_t cap)
{
    size_t n = 0;
    if (tx->len + 4 > cap)
        return 0;
    if (!tx->acfc) {
        out[n++] = 0xff;
        out[n++] = 0x03;
    }
    if (!tx->pfc)
        out[n++] = (uint8_t)(tx->proto >> 8);
    out[n++] = (uint8_t)tx->proto;
    memcpy(out + n, tx->info, tx->len);
    return n + tx->len;
}

int uppp_framing_init(struct uppp_session *s)
{
    s->txbuf = malloc(FRAME_MAX);
    return s->txbuf ? 0 : UPPP_ERR_NOMEM;
}

void uppp_framing_free(struct uppp_session *s)
{
    free(s->txbuf);
    s->txbuf = NULL;
}

void uppp_framing_send(struct uppp_session *s, const struct uppp_txframe *tx)
{
    size_t n = build_frame(tx, s->txbuf, FRAME_MAX);
    if (n == 0 || s->cb.output == NULL)
        return;
    s->stats.bytes_out += n;
    s->cb.output(s->cb.user, s->txbuf, n);
}

void uppp_framing_input(struct uppp_session *s, const uint8_t *data, size_t len)
{
    uppp_frame_input(s, data, len);
}
