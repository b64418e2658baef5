/*
 * Fuzz target: IPCP (RFC 1332/1877) and IPV6CP (RFC 5072) option handling:
 * Configure-Request judging, Ack/Nak/Reject of our requests, and the
 * up/down/finished paths behind them, through the public API only.
 *
 * A scripted peer first brings one session to the Network phase (framing
 * none, no authentication, no MPPE). Input layout:
 *   cfg0 cfg1, then records: ctl len body[len]
 * cfg0 bits: 0 local address, 1 remote address, 2 ipcp-accept-local,
 *   3 ipcp-accept-remote, 4 DNS servers to give, 5 usepeerdns, 6 IPv6,
 *   7 check_addr denies odd addresses.
 * cfg1 bits: 0 IPv6 local identifier, 1 IPv6 remote identifier, 2 the
 *   random source fails, 3 Max-Failure 1 (IPV6CP; IPCP keeps pppd's 100).
 * ctl bits: 0 IPV6CP (else IPCP); 1 first Ack the session's latest
 *   Configure-Request of that protocol; 2 first let the timers fire;
 *   3 give body the identifier of the session's latest request and a
 *   Length field that matches; 4 first send the session's latest request
 *   back with code body[0] (a Nak or Reject of exactly our options).
 *   body is the control packet (code onward).
 */
#include <uppp/session.h>

#include <stdint.h>
#include <string.h>

struct fz {
    struct uppp_session *s;
    uint64_t rng;
    int rng_fails;
    /* the session's latest Configure-Request per protocol */
    uint8_t req[3][600];
    size_t req_len[3];
};

enum { P_LCP, P_IPCP, P_IPV6CP };

static int slot(uint16_t proto)
{
    return proto == UPPP_PROTO_LCP ? P_LCP : proto == UPPP_PROTO_IPCP ? P_IPCP : P_IPV6CP;
}

static void out(void *user, const uint8_t *d, size_t n)
{
    struct fz *z = user;
    if (n < 5 || d[0] != 0xff || d[1] != 0x03)
        return;
    uint16_t proto = (uint16_t)(d[2] << 8 | d[3]);
    if (proto != UPPP_PROTO_LCP && proto != UPPP_PROTO_IPCP && proto != UPPP_PROTO_IPV6CP)
        return;
    if (d[4] != 1 || n - 4 > sizeof(z->req[0]))
        return;
    int k = slot(proto);
    memcpy(z->req[k], d + 4, n - 4);
    z->req_len[k] = n - 4;
}

static int rnd(void *user, void *buf, size_t len)
{
    struct fz *z = user;
    if (z->rng_fails)
        return -1;
    uint8_t *p = buf;
    for (size_t i = 0; i < len; i++) {
        z->rng ^= z->rng << 13;
        z->rng ^= z->rng >> 7;
        z->rng ^= z->rng << 17;
        p[i] = (uint8_t)z->rng;
    }
    return 0;
}

static int deny_odd(void *user, const char *peer, uint32_t addr)
{
    (void)user, (void)peer;
    return (addr & 1) == 0;
}

static void feed(struct fz *z, uint16_t proto, const uint8_t *info, size_t len, uint64_t now)
{
    uint8_t f[4 + 600];
    if (len > 600)
        len = 600;
    f[0] = 0xff;
    f[1] = 0x03;
    f[2] = (uint8_t)(proto >> 8);
    f[3] = (uint8_t)proto;
    memcpy(f + 4, info, len);
    uppp_session_input_frame(z->s, f, len + 4, now);
}

/* Send the session's latest request of proto back with another code. */
static void echo_latest(struct fz *z, int k, uint16_t proto, uint8_t code, uint64_t now)
{
    if (z->req_len[k] < 4)
        return;
    uint8_t a[600];
    memcpy(a, z->req[k], z->req_len[k]);
    a[0] = code;
    feed(z, proto, a, z->req_len[k], now);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint8_t c0 = data[0], c1 = data[1];
    data += 2;
    size -= 2;

    struct fz z;
    memset(&z, 0, sizeof(z));
    z.rng = 0x9e3779b97f4a7c15ull ^ ((uint64_t)c0 << 8 | c1);
    z.rng_fails = (c1 & 4) != 0;

    struct uppp_config cfg;
    uppp_config_init(&cfg);
    cfg.framing = UPPP_FRAMING_NONE;
    cfg.mppe = UPPP_MPPE_OFF;
    cfg.ip_local = (c0 & 1) ? 0x0a000001 : 0;
    cfg.ip_remote = (c0 & 2) ? 0x0a000002 : 0;
    cfg.accept_local = (c0 & 4) != 0;
    cfg.accept_remote = (c0 & 8) != 0;
    if (c0 & 16) {
        cfg.dns[0] = 0x08080808;
        cfg.dns[1] = 0x01010101;
    }
    cfg.use_peer_dns = (c0 & 32) != 0;
    cfg.ipv6 = (c0 & 64) != 0;
    cfg.ipv6_local = (c1 & 1) ? 0x0123456789abcdefull : 0;
    cfg.ipv6_remote = (c1 & 2) ? 0xfedcba9876543210ull : 0;
    if (c1 & 8)
        cfg.max_failure = 1;

    struct uppp_callbacks cb = {
        .user = &z,
        .output = out,
        .random = rnd,
        .check_addr = (c0 & 128) ? deny_odd : NULL,
    };
    if (uppp_session_new(&z.s, &cfg, &cb) != 0)
        return 0;
    uint64_t now = 1;
    uppp_session_start(z.s, now);
    /* The scripted peer: Ack the LCP request, send an empty one. */
    echo_latest(&z, P_LCP, UPPP_PROTO_LCP, 2, now);
    static const uint8_t lcp_req[] = {1, 0x42, 0, 4};
    feed(&z, UPPP_PROTO_LCP, lcp_req, sizeof(lcp_req), now);

    size_t off = 0;
    while (off + 2 <= size && !uppp_session_is_dead(z.s)) {
        uint8_t ctl = data[off], len = data[off + 1];
        off += 2;
        if (len > size - off)
            len = (uint8_t)(size - off);
        uint8_t body[256];
        memcpy(body, data + off, len);
        off += len;
        uint16_t proto = (ctl & 1) ? UPPP_PROTO_IPV6CP : UPPP_PROTO_IPCP;
        int k = slot(proto);
        if (ctl & 4) {
            uint64_t t = uppp_session_next_timer(z.s);
            if (t != UINT64_MAX) {
                now = t > now ? t : now;
                uppp_session_handle_timer(z.s, now);
            }
        }
        if ((ctl & 16) && len >= 1)
            echo_latest(&z, k, proto, data[off - len], now);
        if (ctl & 2)
            echo_latest(&z, k, proto, 2, now);
        if ((ctl & 8) && len >= 4) {
            body[1] = z.req_len[k] >= 2 ? z.req[k][1] : 1;
            body[2] = 0;
            body[3] = len;
        }
        feed(&z, proto, body, len, now);
        uint8_t ip[40] = {0x45};
        uppp_session_send_ip(z.s, UPPP_PROTO_IP, ip, sizeof(ip), now);
    }
    struct uppp_status st;
    uppp_session_status(z.s, &st);
    uppp_session_del(z.s);
    return 0;
}
