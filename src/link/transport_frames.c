/*
 * The whole-frame transport: one PPP frame per packet, no HDLC (PPTP's GRE,
 * RFC 2637 section 4.4; L2TP, RFC 2661 section 4.1; SSTP; tests). A frame
 * goes out as Address/Control (unless ACFC), protocol (1 octet under PFC)
 * and information, exactly as framing.c built it; there is no ACCM, no FCS
 * and no deframing.
 */
#include "transport.h"

#include <string.h>

struct frames_link {
    uint8_t *buf; /* one frame, head and body joined (uppp_reserve) */
    size_t cap;
};

static int frames_init(void *st, const struct uppp_config *cfg)
{
    (void)st, (void)cfg;
    return 0;
}

static void frames_free(void *st)
{
    struct frames_link *f = st;
    uppp_release(&f->buf, &f->cap);
}

/* The caller's output takes one contiguous frame: join head and body. */
static int frames_encode(void *st, const uint8_t *head, size_t head_len, const uint8_t *body,
                         size_t body_len, unsigned flags, uint32_t accm, uint64_t now,
                         const uint8_t **out, size_t *outlen)
{
    (void)flags, (void)accm, (void)now;
    struct frames_link *f = st;
    if (head_len == 0) {
        *out = body;
        *outlen = body_len;
        return 0;
    }
    int rc = uppp_reserve(&f->buf, &f->cap, head_len + body_len);
    if (rc != 0)
        return rc;
    memcpy(f->buf, head, head_len);
    if (body_len != 0)
        memcpy(f->buf + head_len, body, body_len);
    *out = f->buf;
    *outlen = head_len + body_len;
    return 0;
}

const struct uppp_transport_ops uppp_transport_frames = {
    .name = "frames",
    .byte_stream = 0,
    .uses_accm = 0,
    .encoder_adds_addr_ctrl = 0,
    .state_size = sizeof(struct frames_link),
    .init = frames_init,
    .free = frames_free,
    .encode = frames_encode,
};
