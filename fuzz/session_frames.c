/*
 * Fuzz target: a whole session fed arbitrary frames or bytes.
 *
 * Input: byte 0 picks the configuration (framing, roles, auth, MPPE
 * policy); then records of [len][time step][len bytes] fed as frames (or
 * as HDLC bytes), with the session's timers run as time advances. Whatever
 * the session sends is discarded. Any crash, sanitizer report or hang is a
 * finding.
 */
#include <uppp/session.h>

#include <stdint.h>
#include <string.h>

static void out(void *u, const uint8_t *d, size_t n)
{
    (void)u, (void)d, (void)n;
}

static void deliver(void *u, uint16_t p, const uint8_t *d, size_t n)
{
    (void)u, (void)p, (void)d, (void)n;
}

static int rnd(void *u, void *buf, size_t n)
{
    uint8_t *p = buf;
    uint32_t *st = u;
    for (size_t i = 0; i < n; i++) {
        *st = *st * 1103515245u + 12345u;
        p[i] = (uint8_t)(*st >> 16);
    }
    return 0;
}

static int secret(void *u, const struct uppp_secret_query *q, struct uppp_secret *s)
{
    (void)u, (void)q;
    memset(s, 0, sizeof(*s));
    s->kind = UPPP_SECRET_PASSWORD;
    strcpy(s->password, "fuzzpass");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t sel = data[0];
    struct uppp_config cfg;
    uppp_config_init(&cfg);
    cfg.framing = (sel & 1) ? UPPP_FRAMING_ASYNC_HDLC : UPPP_FRAMING_NONE;
    static const unsigned auths[4] = {0, UPPP_AUTH_PAP, UPPP_AUTH_MSCHAP_V1, UPPP_AUTH_MSCHAP_V2};
    cfg.require_auth = auths[(sel >> 1) & 3];
    cfg.mppe = (enum uppp_mppe_policy)((sel >> 3) & 3);
    cfg.mppe_stateful_ok = (sel >> 5) & 1;
    cfg.ipv6 = (sel >> 6) & 1;
    cfg.debug = (sel >> 7) & 1;
    cfg.echo_interval_ms = 5000;
    cfg.echo_failure = 3;
    strcpy(cfg.our_name, "fuzz");
    uint32_t seed = 1;
    struct uppp_callbacks cb = {
        .user = &seed, .output = out, .deliver = deliver, .random = rnd, .get_secret = secret};
    struct uppp_session *s;
    if (uppp_session_new(&s, &cfg, &cb) != 0)
        return 0;
    uint64_t now = 1;
    uppp_session_start(s, now);
    size_t off = 1;
    while (off + 2 <= size && !uppp_session_is_dead(s)) {
        size_t len = data[off];
        uint8_t step = data[off + 1];
        off += 2;
        if (len > size - off)
            len = size - off;
        if (cfg.framing == UPPP_FRAMING_NONE)
            uppp_session_input_frame(s, data + off, len, now);
        else
            uppp_session_input(s, data + off, len, now);
        off += len;
        now += (uint64_t)step * 100;
        if (uppp_session_next_timer(s) <= now)
            uppp_session_handle_timer(s, now);
        uint8_t ip[64] = {0x45};
        uppp_session_send_ip(s, UPPP_PROTO_IP, ip, sizeof(ip), now);
    }
    uppp_session_close(s, "fuzz done", now);
    uppp_session_del(s);
    return 0;
}
