/*
 * The whole-frame transport: one PPP frame per packet, no HDLC (PPTP's GRE,
 * RFC 2637 section 4.4; L2TP, RFC 2661 section 4.1; SSTP; tests). A frame
 * goes out as Address/Control (unless ACFC), protocol (1 octet under PFC)
 * and information, exactly as framing.c built it; there is no ACCM, no FCS
 * and no deframing.
 */
#include "transport.h"

static int frames_init(void *st, const struct uppp_config *cfg)
{
    (void)st, (void)cfg;
    return 0;
}

static void frames_free(void *st)
{
    (void)st;
}

static int frames_encode(void *st, const uint8_t *frame, size_t len, unsigned flags, uint32_t accm,
                         uint64_t now, const uint8_t **out, size_t *outlen)
{
    (void)st, (void)flags, (void)accm, (void)now;
    *out = frame;
    *outlen = len;
    return 0;
}

const struct uppp_transport_ops uppp_transport_frames = {
    .name = "frames",
    .byte_stream = 0,
    .uses_accm = 0,
    .encoder_adds_addr_ctrl = 0,
    .state_size = 1,
    .init = frames_init,
    .free = frames_free,
    .encode = frames_encode,
};
