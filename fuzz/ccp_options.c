/*
 * Fuzz target: CCP option parsing and the MPPE data path (RFC 1962, RFC
 * 3078), on one session brought to the Network phase (LCP Opened by hand,
 * no authentication, MS-CHAP keys installed) with its CCP in Req-Sent.
 *
 * Input: byte 0 picks the CCP/MPPE configuration, byte 1 the keys (and
 * MPPC, see below); then
 * records [op][len][len bytes]:
 *   op & 3 == 0  a CCP packet (code, id, length, options...) as given;
 *   op & 3 == 1  an 0x00FD packet: the bytes as given, or (op & 4) encrypted
 *                by a peer-side MPPE sender that matches what we negotiated
 *                (op & 8: "lost", sent but not delivered);
 *   op & 3 == 2  helpers: (op & 4) Ack our last CCP Configure-Request, so
 *                the fuzzer reaches Opened; (op & 8) send an IP packet;
 *                (op & 16) renegotiate CCP; (op & 32) clear IP in;
 *                (op & 64) Ack our IPCP request and send an empty one, so
 *                decrypted packets get delivered;
 *   op & 3 == 3  time passes ((op >> 2) * 250 ms) and timers run.
 * Whatever the session sends is kept only to find our last ConfReq. Any
 * crash, sanitizer report or hang is a finding.
 */
#include "ppp.h"
#include "ccp_mppe.h"

#include <uppp/mppe.h>
#include <uppp/mppe_wire.h>
#include <uppp/session.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fz {
    uint32_t seed;
    uint8_t lcp_req[256]; /* our LCP Configure-Request (code onward) */
    size_t lcp_req_len;
    uint8_t ccp_req[64]; /* our last CCP Configure-Request (code onward) */
    size_t ccp_req_len;
    uint8_t ipcp_req[256]; /* our last IPCP Configure-Request */
    size_t ipcp_req_len;
};

/* Frames come out as [FF 03] protocol information (framing none). */
static void out(void *u, const uint8_t *d, size_t n)
{
    struct fz *z = u;
    size_t off = (n >= 2 && d[0] == 0xff && d[1] == 0x03) ? 2 : 0;
    if (n < off + 3 || (d[off] & 1))
        return;
    uint16_t proto = (uint16_t)(d[off] << 8 | d[off + 1]);
    const uint8_t *p = d + off + 2;
    size_t len = n - off - 2;
    if (len < 1 || p[0] != 1)
        return;
    if (proto == UPPP_PROTO_LCP && len <= sizeof(z->lcp_req)) {
        memcpy(z->lcp_req, p, len);
        z->lcp_req_len = len;
    } else if (proto == UPPP_PROTO_CCP && len <= sizeof(z->ccp_req)) {
        memcpy(z->ccp_req, p, len);
        z->ccp_req_len = len;
    } else if (proto == UPPP_PROTO_IPCP && len <= sizeof(z->ipcp_req)) {
        memcpy(z->ipcp_req, p, len);
        z->ipcp_req_len = len;
    }
}

static unsigned delivered;

static void deliver(void *u, uint16_t p, const uint8_t *d, size_t n)
{
    (void)u, (void)p, (void)d, (void)n;
    delivered++;
}

/* CCP_FUZZ_LOG=1 prints the session's log, to check what a seed reaches. */
static void log_line(void *u, int level, const char *line)
{
    (void)u, (void)level;
    fprintf(stderr, "%s\n", line);
}

static int rnd(void *u, void *buf, size_t n)
{
    struct fz *z = u;
    uint8_t *p = buf;
    for (size_t i = 0; i < n; i++) {
        z->seed = z->seed * 1103515245u + 12345u;
        p[i] = (uint8_t)(z->seed >> 16);
    }
    return 0;
}

static void feed(struct uppp_session *s, uint16_t proto, const uint8_t *p, size_t len, uint64_t now)
{
    uint8_t frame[2 + 1600];
    if (len > 1600)
        len = 1600;
    frame[0] = (uint8_t)(proto >> 8);
    frame[1] = (uint8_t)proto;
    memcpy(frame + 2, p, len);
    uppp_session_input_frame(s, frame, len + 2, now);
}

/* The peer's sender for our receive direction, made when CCP opens. */
static struct uppp_mppe *peer_tx(struct uppp_session *s, struct uppp_mppe **tx, int *gen,
                                 int *made_gen)
{
    if (!uppp_ccp_mppe_up(s) || uppp_ccp_mppe_state(s)->rx == NULL)
        return NULL;
    if (*tx != NULL && *made_gen == *gen)
        return *tx;
    uppp_mppe_del(*tx);
    *tx = NULL;
    struct uppp_mppe_config mc;
    memset(&mc, 0, sizeof(mc));
    mc.bits = uppp_ccp_mppe_strength(uppp_ccp_mppe_state(s)->got.bits);
    mc.stateless = (uppp_ccp_mppe_state(s)->got.bits & UPPP_MPPE_OPT_H) != 0;
    mc.reset_policy = s->cfg.mppe_rfc_reset ? UPPP_MPPE_RESET_RFC3078 : UPPP_MPPE_RESET_LINUX;
    const uint8_t *key = s->keys.recv_start;
    if (mc.bits < 128 && s->keys.method == UPPP_AUTH_MSCHAP_V1 && s->keys.have_lm)
        key = s->keys.lm_start;
    memcpy(mc.start_key, key, 16);
    if (uppp_mppe_new(tx, &mc) != 0)
        *tx = NULL;
    *made_gen = *gen;
    return *tx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint8_t sel = data[0], ksel = data[1];
    struct uppp_config cfg;
    uppp_config_init(&cfg);
    cfg.framing = UPPP_FRAMING_NONE;
    cfg.mppe = (enum uppp_mppe_policy)(sel & 3);
    cfg.mppe_bits = (sel >> 2) & 7;
    if (cfg.mppe_bits == 0)
        cfg.mppe_bits = 7;
    cfg.mppe_stateful_ok = (sel >> 5) & 1;
    cfg.mppe_want_stateful = (sel >> 6) & 1;
    cfg.mppe_rfc_reset = (sel >> 7) & 1;
    cfg.debug = (ksel >> 7) & 1;
    cfg.no_pcomp = (ksel >> 6) & 1;
    cfg.max_failure = 1 + ((ksel >> 3) & 7);
    /* MPPC (RFC 2118), from key-selector bits that mean nothing otherwise:
     * without keys, bit 0 asks for MPPC alone; with MS-CHAPv2 keys (bit 0
     * clear) bit 1 (LM keys, MS-CHAPv1 only) asks for MPPE + MPPC. */
    cfg.mppc = (ksel & 4) ? (ksel & 1) : (!(ksel & 1) && (ksel & 2));
    struct fz z;
    memset(&z, 0, sizeof(z));
    z.seed = 1;
    struct uppp_callbacks cb = {.user = &z, .output = out, .deliver = deliver, .random = rnd};
    if (getenv("CCP_FUZZ_LOG") != NULL) {
        cb.log = log_line;
        cfg.debug = 1;
    }
    struct uppp_session *s;
    if (uppp_session_new(&s, &cfg, &cb) != 0)
        return 0;

    struct uppp_keys keys;
    memset(&keys, 0, sizeof(keys));
    keys.have = (ksel & 4) == 0;
    keys.method = (ksel & 1) ? UPPP_AUTH_MSCHAP_V1 : UPPP_AUTH_MSCHAP_V2;
    keys.have_lm = (ksel >> 1) & 1;
    for (int i = 0; i < 16; i++) {
        keys.send_start[i] = (uint8_t)(0x11 + i);
        keys.recv_start[i] = (uint8_t)(0x5a + 3 * i);
        keys.lm_start[i] = i < 8 ? (uint8_t)(0xa0 + i) : 0;
    }
    uppp_session_set_mppe_keys(s, &keys);

    /* LCP by hand: Ack our request, and send an empty one of ours. */
    uint64_t now = 1;
    uppp_session_start(s, now);
    if (z.lcp_req_len >= 4) {
        z.lcp_req[0] = UPPP_CONFACK;
        feed(s, UPPP_PROTO_LCP, z.lcp_req, z.lcp_req_len, now);
    }
    static const uint8_t lcp_req[] = {UPPP_CONFREQ, 0x01, 0x00, 0x04};
    feed(s, UPPP_PROTO_LCP, lcp_req, sizeof(lcp_req), now);

    struct uppp_mppe *tx = NULL;
    int gen = 0, made_gen = -1, was_up = 0;
    size_t off = 2;
    unsigned records = 0;
    while (off + 2 <= size && !uppp_session_is_dead(s) && records++ < 4096) {
        uint8_t op = data[off];
        size_t len = data[off + 1];
        off += 2;
        if (len > size - off)
            len = size - off;
        const uint8_t *p = data + off;
        off += len;
        /* A new MPPE session (renegotiated) needs a new peer sender. */
        if (uppp_ccp_mppe_up(s) && uppp_ccp_mppe_state(s)->rx != NULL && !was_up)
            gen++;
        was_up = uppp_ccp_mppe_up(s) && uppp_ccp_mppe_state(s)->rx != NULL;

        switch (op & 3) {
        case 0:
            feed(s, UPPP_PROTO_CCP, p, len, now);
            break;
        case 1: {
            struct uppp_mppe *t = (op & 4) ? peer_tx(s, &tx, &gen, &made_gen) : NULL;
            if (t == NULL) {
                feed(s, UPPP_PROTO_COMP, p, len, now);
                break;
            }
            uint8_t pkt[4 + 256];
            int n = uppp_mppe_encrypt(t, UPPP_PROTO_IP, p, len, pkt, sizeof(pkt));
            if ((op & 16) && n > 0)
                uppp_mppe_reset_requested(t);
            if (n > 0 && !(op & 8))
                feed(s, UPPP_PROTO_COMP, pkt, (size_t)n, now);
            break;
        }
        case 2:
            if ((op & 4) && z.ccp_req_len >= 4) {
                uint8_t ack[64];
                memcpy(ack, z.ccp_req, z.ccp_req_len);
                ack[0] = UPPP_CONFACK;
                feed(s, UPPP_PROTO_CCP, ack, z.ccp_req_len, now);
            }
            if (op & 8) {
                uint8_t ip[20 + 256] = {0x45};
                memcpy(ip + 1, p, len < 255 ? len : 255);
                uppp_session_send_ip(s, UPPP_PROTO_IP, ip, 20 + len, now);
            }
            if (op & 16)
                uppp_session_renegotiate_ccp(s, now);
            if (op & 32)
                feed(s, UPPP_PROTO_IP, p, len, now);
            if ((op & 64) && z.ipcp_req_len >= 4) {
                uint8_t ack[256];
                memcpy(ack, z.ipcp_req, z.ipcp_req_len);
                ack[0] = UPPP_CONFACK;
                feed(s, UPPP_PROTO_IPCP, ack, z.ipcp_req_len, now);
                static const uint8_t req[] = {UPPP_CONFREQ, 0x01, 0x00, 0x04};
                feed(s, UPPP_PROTO_IPCP, req, sizeof(req), now);
            }
            break;
        case 3:
            now += (uint64_t)(op >> 2) * 250;
            if (uppp_session_next_timer(s) <= now)
                uppp_session_handle_timer(s, now);
            break;
        }
    }
    if (cb.log != NULL)
        fprintf(stderr, "-- %u packets delivered\n", delivered);
    delivered = 0;
    uppp_mppe_del(tx);
    uppp_session_close(s, "fuzz done", now);
    uppp_session_del(s);
    return 0;
}
