/*
 * Fuzz target: LCP packets (RFC 1661 section 5, options of section 6) into
 * a session in the Establish phase, then, once the fuzzer has opened LCP,
 * into an opened link (Echo, Protocol-Reject, Terminate, renegotiation).
 *
 * Input: records of [len][len bytes], each sent as one LCP packet (code,
 * id, length, data) to a session using framing "none". The session's own
 * Configure-Requests are Acked by the harness between records (the magic
 * number is read back from what it sent), so option parsing of the peer's
 * requests, Naks and Rejects is reached in every state.
 */
#include <uppp/session.h>

#include <stdint.h>
#include <string.h>

struct ctx {
    uint8_t last_req[256];
    size_t last_req_len;
    uint32_t seed;
};

static void out(void *u, const uint8_t *d, size_t n)
{
    struct ctx *c = u;
    /* Remember our last LCP Configure-Request (ff 03 c0 21 01 ...). */
    if (n >= 8 && n - 4 <= sizeof(c->last_req) && d[2] == 0xc0 && d[3] == 0x21 && d[4] == 1) {
        memcpy(c->last_req, d + 4, n - 4);
        c->last_req_len = n - 4;
    }
}

static int rnd(void *u, void *buf, size_t n)
{
    struct ctx *c = u;
    uint8_t *p = buf;
    for (size_t i = 0; i < n; i++) {
        c->seed = c->seed * 1103515245u + 12345u;
        p[i] = (uint8_t)(c->seed >> 16);
    }
    return 0;
}

static void feed(struct uppp_session *s, const uint8_t *pkt, size_t len, uint64_t now)
{
    uint8_t f[4 + 256];
    f[0] = 0xff;
    f[1] = 0x03;
    f[2] = 0xc0;
    f[3] = 0x21;
    memcpy(f + 4, pkt, len);
    uppp_session_input_frame(s, f, len + 4, now);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct uppp_config cfg;
    uppp_config_init(&cfg);
    cfg.framing = UPPP_FRAMING_NONE;
    cfg.mppe = UPPP_MPPE_OFF;
    cfg.echo_interval_ms = 1000;
    cfg.echo_failure = 3;
    cfg.debug = 1;
    struct ctx c = {.seed = 7};
    struct uppp_callbacks cb = {.user = &c, .output = out, .random = rnd};
    struct uppp_session *s;
    if (uppp_session_new(&s, &cfg, &cb) != 0)
        return 0;
    uint64_t now = 1;
    uppp_session_start(s, now);
    size_t off = 0;
    while (off < size && !uppp_session_is_dead(s)) {
        size_t len = data[off++];
        if (len > size - off)
            len = size - off;
        if (len > 252)
            len = 252;
        feed(s, data + off, len, now);
        off += len;
        /* Ack our latest request so the fuzzer can reach the Opened state. */
        if (c.last_req_len >= 4 && c.last_req_len <= 256) {
            uint8_t ack[256];
            memcpy(ack, c.last_req, c.last_req_len);
            ack[0] = 2;
            feed(s, ack, c.last_req_len, now);
            c.last_req_len = 0;
        }
        now += 700;
        if (uppp_session_next_timer(s) <= now)
            uppp_session_handle_timer(s, now);
    }
    uppp_session_del(s);
    return 0;
}
