/*
 * PPP framing (md_frame.h): RFC 1662 section 4 via uppp/hdlc.h, and the PPP
 * header of RFC 1661 section 2 with ACFC/PFC (section 6.5, 6.6).
 */
#include "md_frame.h"
#include "md_wire.h"

#include <uppp/err.h>
#include <uppp/hdlc.h>

#include <stdlib.h>

struct md_framer {
    struct uppp_hdlc_rx *rx[2];
    md_frame_cb cb;
    void *user;
    const struct md_unit *unit;
    int stop;
};

int md_framer_new(struct md_framer **out)
{
    struct md_framer *f = calloc(1, sizeof(*f));
    if (f == NULL)
        return UPPP_ERR_NOMEM;
    /* Receive ACCM 0: an escaped octet decodes the same under any ACCM,
     * and 0 keeps control characters a peer sent unescaped after LCP
     * negotiated a smaller map than the default (RFC 1662 section 7.1).
     * The MRU is generous: the recorder saw what the peers accepted. */
    struct uppp_hdlc_rx_config cfg = {
        .mru = MD_MAX_FRAME, .slack = 64, .accm = 0, .fcs = UPPP_HDLC_FCS16};
    for (int d = 0; d < 2; d++) {
        int rc = uppp_hdlc_rx_new(&f->rx[d], &cfg);
        if (rc != 0) {
            md_framer_del(f);
            return rc;
        }
    }
    *out = f;
    return 0;
}

void md_framer_del(struct md_framer *f)
{
    if (f == NULL)
        return;
    uppp_hdlc_rx_free(f->rx[0]);
    uppp_hdlc_rx_free(f->rx[1]);
    free(f);
}

int md_framer_feed(struct md_framer *f, const struct md_unit *u, md_frame_cb cb, void *user)
{
    if (u->kind == MD_UNIT_FRAME)
        return cb(user, u);
    if (u->dir == MD_DIR_UNKNOWN)
        return UPPP_ERR_INVALID;
    struct uppp_hdlc_rx *rx = f->rx[u->dir];
    const uint8_t *p = u->data;
    size_t left = u->len;
    while (left > 0) {
        size_t used = 0;
        struct uppp_hdlc_frame fr;
        int rc = uppp_hdlc_rx_next(rx, p, left, &used, &fr);
        if (rc < 0)
            return rc;
        p += used;
        left -= used;
        if (rc == 1) {
            /* The deframer removed FF 03; the frame is Protocol onwards. */
            struct md_unit fu = *u;
            fu.kind = MD_UNIT_FRAME;
            fu.data = fr.data;
            fu.len = fr.len;
            int r = cb(user, &fu);
            if (r != 0)
                return r;
        }
    }
    return 0;
}

uint64_t md_framer_bad(const struct md_framer *f)
{
    uint64_t n = 0;
    for (int d = 0; d < 2; d++) {
        const struct uppp_hdlc_stats *s = uppp_hdlc_rx_stats(f->rx[d]);
        n += s->fcs_errors + s->too_long + s->too_short + s->aborts + s->bad_addr_ctrl;
    }
    return n;
}

int md_ppp_split(const uint8_t *p, size_t n, uint16_t *proto, const uint8_t **info,
                 size_t *info_len)
{
    if (n >= 2 && p[0] == MD_PPP_ADDR && p[1] == MD_PPP_CTRL) {
        p += 2;
        n -= 2;
    }
    if (n >= 1 && (p[0] & 1)) {
        *proto = p[0]; /* PFC: a one-octet Protocol is odd */
        p++;
        n--;
    } else if (n >= 2 && (p[1] & 1)) {
        *proto = (uint16_t)(p[0] << 8 | p[1]);
        p += 2;
        n -= 2;
    } else {
        return UPPP_ERR_PARSE;
    }
    *info = p;
    *info_len = n;
    return 0;
}
