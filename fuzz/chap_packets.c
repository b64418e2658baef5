/*
 * Fuzz target: PAP (RFC 1334), CHAP (RFC 1994) and MS-CHAP (RFC 2433,
 * RFC 2759) packets into a session in the Authenticate phase, as
 * authenticator, as peer, or both at once.
 *
 * The driver brings a session (framing none) through LCP with crafted
 * frames, then reads the input as operations:
 *   byte 0: mode. bits 0-1 method (PAP, CHAP-MD5, MS-CHAPv1, MS-CHAPv2);
 *           bits 2-3 role (0 we authenticate the peer, 1 the peer
 *           authenticates us, 2-3 both); bit 4 secrets are NT hashes;
 *           bit 5 the peer's password has expired; bit 6 we have a new
 *           password for a change; bit 7 strip-domain and Win98 flags.
 *   then ops, each one byte (low 3 bits the kind, the rest arguments):
 *     0 raw CHAP packet: 2-octet length (little endian), that many octets
 *     1 raw PAP packet, same layout
 *     2 raw CHAP packet whose identifier is replaced by that of our last
 *       Challenge (bit 3 clear) or of our last Failure plus 1 (bit 3 set)
 *     3 advance the clock by (next byte) x 250 ms and run the timers;
 *       bit 3: toggle answering later (auth_request); bit 4: then give a
 *       verdict (bit 5 ok, bit 6 with a message, bit 7 with keys)
 *     4 a correct Response to our last Challenge (bit 3: then flip the
 *       bit the next byte names), or with bit 4 a correct Change-Password
 *       after our E=648 Failure
 *     5 a correct Success for our last Response (bit 3: a Failure built
 *       from the next raw packet's octets instead)
 *     6 a correct PAP Authenticate-Request
 *     7 a raw LCP packet (2-octet length and octets)
 * Correct packets are computed with the same password the session's
 * secrets callback returns, so the fuzzer reaches the success, cache,
 * re-challenge and change-password paths, not only the parsers.
 */
#include <uppp/err.h>
#include <uppp/hex.h>
#include <uppp/mschap.h>
#include <uppp/session.h>

#include "crypto.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PW "fuzz-pw"
#define NEWPW "n\xc3\xa9w-pw"

struct fz {
    struct uppp_session *s;
    unsigned method;
    int nthash, expired;
    int async;    /* auth_request answers "later" */
    int requests; /* times it was asked */
    uint64_t now;
    uint64_t rng;
    uint8_t lcp_req[256];
    size_t lcp_req_len;
    int have_lcp_req;
    /* our last Challenge, Response, Failure */
    uint8_t chal_id, chal[64];
    size_t chal_len;
    int have_chal;
    uint8_t resp[700];
    size_t resp_len;
    int have_resp;
    /* the last Challenge fed to us */
    uint8_t rx_chal[64];
    size_t rx_chal_len;
    uint8_t fail_id;
    char fail_msg[300];
    int have_fail;
    int pw_changed;
};

static void out_cb(void *user, const uint8_t *data, size_t len)
{
    struct fz *z = user;
    size_t off = (len >= 2 && data[0] == 0xff && data[1] == 0x03) ? 2 : 0;
    if (len < off + 2 + 4)
        return;
    uint16_t proto = (uint16_t)(data[off] << 8 | data[off + 1]);
    const uint8_t *p = data + off + 2;
    size_t n = len - off - 2;
    if (proto == 0xc021 && p[0] == 1 && n - 4 <= sizeof(z->lcp_req)) {
        z->lcp_req_len = n - 4;
        memcpy(z->lcp_req, p + 4, n - 4);
        z->have_lcp_req = p[1] + 1; /* id + 1 */
    } else if (proto == 0xc223 && p[0] == 1 && n >= 5 && p[4] <= sizeof(z->chal) &&
               n >= 5u + p[4]) {
        z->chal_id = p[1];
        z->chal_len = p[4];
        memcpy(z->chal, p + 5, p[4]);
        z->have_chal = 1;
    } else if (proto == 0xc223 && (p[0] == 2 || p[0] == 6 || p[0] == 7) && n <= sizeof(z->resp)) {
        memcpy(z->resp, p, n);
        z->resp_len = n;
        z->have_resp = 1;
    } else if (proto == 0xc223 && p[0] == 4) {
        z->fail_id = p[1];
        size_t m = n - 4 < sizeof(z->fail_msg) - 1 ? n - 4 : sizeof(z->fail_msg) - 1;
        memcpy(z->fail_msg, p + 4, m);
        z->fail_msg[m] = '\0';
        z->have_fail = 1;
    }
}

static int rand_cb(void *user, void *buf, size_t len)
{
    struct fz *z = user;
    uint8_t *p = buf;
    for (size_t i = 0; i < len; i++) {
        z->rng ^= z->rng << 13;
        z->rng ^= z->rng >> 7;
        z->rng ^= z->rng << 17;
        p[i] = (uint8_t)z->rng;
    }
    return 0;
}

/* The answer-later path: the request must be well formed whatever the
 * peer sent (the name a C string, lengths within the protocol's). */
static int authreq_cb(void *user, const struct uppp_auth_request *rq)
{
    struct fz *z = user;
    if (!z->async)
        return -1;
    if (rq->name == NULL || strlen(rq->name) > 255 || rq->response_len > 255 ||
        rq->challenge_len > 64 || (rq->response_len != 0 && rq->response == NULL) ||
        (rq->challenge_len != 0 && rq->challenge == NULL))
        abort();
    z->requests++;
    return 0;
}

static int secret_cb(void *user, const struct uppp_secret_query *q, struct uppp_secret *out)
{
    struct fz *z = user;
    memset(out, 0, sizeof(*out));
    const char *pw = z->pw_changed && q->for_peer ? NEWPW : PW;
    if (z->nthash) {
        out->kind = UPPP_SECRET_NTHASH;
        if (uppp_nt_password_hash(pw, strlen(pw), out->nt_hash) != 0)
            return -1;
    } else {
        out->kind = UPPP_SECRET_PASSWORD;
        strcpy(out->password, pw);
    }
    out->expired = q->for_peer && z->expired && !z->pw_changed;
    return 0;
}

static int setpw_cb(void *user, const struct uppp_secret_query *q, const struct uppp_secret *ns)
{
    struct fz *z = user;
    (void)q;
    (void)ns;
    z->pw_changed = 1;
    return 0;
}

/* FUZZ_DEBUG=1 prints the session's log, to check what a seed reaches. */
static void log_cb(void *user, int level, const char *line)
{
    (void)user;
    fprintf(stderr, "<%d> %s\n", level, line);
}

static void feed(struct fz *z, uint16_t proto, const uint8_t *p, size_t len)
{
    uint8_t frame[2 + 1200];
    if (len > sizeof(frame) - 2)
        len = sizeof(frame) - 2;
    frame[0] = (uint8_t)(proto >> 8);
    frame[1] = (uint8_t)proto;
    memcpy(frame + 2, p, len);
    if (proto == 0xc223 && len >= 5 && p[0] == 1 && p[4] <= sizeof(z->rx_chal) &&
        len >= 5u + p[4]) {
        z->rx_chal_len = p[4];
        memcpy(z->rx_chal, p + 5, p[4]);
    }
    uppp_session_input_frame(z->s, frame, len + 2, z->now);
}

static void feed_cp(struct fz *z, uint16_t proto, uint8_t code, uint8_t id, const uint8_t *data,
                    size_t len)
{
    uint8_t pkt[1200];
    if (len > sizeof(pkt) - 4)
        return;
    pkt[0] = code;
    pkt[1] = id;
    pkt[2] = (uint8_t)((len + 4) >> 8);
    pkt[3] = (uint8_t)(len + 4);
    memcpy(pkt + 4, data, len);
    feed(z, proto, pkt, len + 4);
}

static void md5_resp(uint8_t id, const uint8_t *chal, size_t clen, uint8_t out[16])
{
    const uint8_t *addr[3] = {&id, (const uint8_t *)PW, chal};
    const size_t lens[3] = {1, strlen(PW), clen};
    if (uppp_md5_vector(3, addr, lens, out) != 0)
        memset(out, 0, 16);
}

/* A correct Response to our last Challenge, from "bob". */
static size_t make_response(struct fz *z, uint8_t *v)
{
    uint8_t h[16];
    if (uppp_nt_password_hash(PW, strlen(PW), h) != 0)
        return 0;
    size_t n;
    if (z->method == UPPP_AUTH_CHAP_MD5) {
        v[0] = 16;
        md5_resp(z->chal_id, z->chal, z->chal_len, v + 1);
        n = 17;
    } else if (z->method == UPPP_AUTH_MSCHAP_V1) {
        if (z->chal_len != 8)
            return 0;
        memset(v, 0, 50);
        v[0] = 49;
        if (uppp_challenge_response(z->chal, h, v + 25) != 0)
            return 0;
        v[49] = 1;
        n = 50;
    } else {
        if (z->chal_len != 16)
            return 0;
        memset(v, 0, 50);
        v[0] = 49;
        memset(v + 1, 0x5a, 16);
        if (uppp_generate_nt_response(z->chal, v + 1, "bob", 3, PW, strlen(PW), v + 25) != 0)
            return 0;
        n = 50;
    }
    memcpy(v + n, "bob", 3);
    return n + 3;
}

/* A correct Change-Password after our E=648 (RFC 2759 7, RFC 2433 10). */
static size_t make_chpw(struct fz *z, uint8_t *b, uint8_t *code)
{
    uint8_t oldh[16], newh[16], rnd[512];
    memset(rnd, 0x33, sizeof(rnd));
    if (uppp_nt_password_hash(PW, strlen(PW), oldh) != 0 ||
        uppp_nt_password_hash(NEWPW, strlen(NEWPW), newh) != 0)
        return 0;
    if (z->method == UPPP_AUTH_MSCHAP_V2) {
        const char *c = strstr(z->fail_msg, "C=");
        uint8_t ch[16];
        if (c == NULL || strlen(c) < 34 || uppp_hex_decode(ch, sizeof(ch), c + 2, 32) != 16)
            return 0;
        memset(b, 0, 582);
        if (uppp_encrypt_pw_block_with_password_hash(NEWPW, strlen(NEWPW), oldh, rnd, b) != 0 ||
            uppp_nt_password_hash_encrypted_with_block(oldh, newh, b + 516) != 0)
            return 0;
        memset(b + 532, 0x44, 16);
        if (uppp_generate_nt_response(ch, b + 532, "bob", 3, NEWPW, strlen(NEWPW), b + 556) != 0)
            return 0;
        *code = 7;
        return 582;
    }
    if (z->method != UPPP_AUTH_MSCHAP_V1 || z->chal_len != 8)
        return 0;
    memset(b, 0, 1114);
    if (uppp_encrypt_pw_block_with_password_hash(NEWPW, strlen(NEWPW), oldh, rnd, b) != 0 ||
        uppp_nt_password_hash_encrypted_with_block(oldh, newh, b + 516) != 0 ||
        uppp_challenge_response(z->chal, newh, b + 1088) != 0)
        return 0;
    b[1113] = 1;
    *code = 6;
    return 1114;
}

/* A correct Success for our last Response (as the authenticator would). */
static size_t make_success(struct fz *z, char *msg, size_t cap)
{
    if (z->method != UPPP_AUTH_MSCHAP_V2) {
        strcpy(msg, "Access granted");
        return strlen(msg);
    }
    const uint8_t *r = z->resp;
    if (z->resp_len < 4 + 1 + 49 || r[0] != 2 || r[4] != 49 || z->rx_chal_len != 16)
        return 0;
    char s[43];
    if (uppp_generate_authenticator_response(PW, strlen(PW), r + 5 + 24, r + 5, z->rx_chal,
                                             (const char *)z->resp + 5 + 49, z->resp_len - 5 - 49,
                                             s) != 0)
        return 0;
    size_t n = (size_t)snprintf(msg, cap, "%s M=ok", s);
    return n < cap ? n : 0;
}

static uint16_t take16(const uint8_t **d, size_t *n)
{
    if (*n < 2) {
        *n = 0;
        return 0;
    }
    uint16_t v = (uint16_t)((*d)[0] | (*d)[1] << 8);
    *d += 2;
    *n -= 2;
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned methods[4] = {UPPP_AUTH_PAP, UPPP_AUTH_CHAP_MD5, UPPP_AUTH_MSCHAP_V1,
                                        UPPP_AUTH_MSCHAP_V2};
    static const uint8_t alg[4] = {0, 5, 0x80, 0x81};
    if (size < 1)
        return 0;
    struct fz z;
    memset(&z, 0, sizeof(z));
    z.rng = 0x9e3779b97f4a7c15ull;
    z.now = 1;
    uint8_t mode = data[0];
    data++, size--;
    int mi = mode & 3, role = (mode >> 2) & 3;
    z.method = methods[mi];
    z.nthash = (mode >> 4) & 1;
    z.expired = (mode >> 5) & 1;
    int we_check = role != 1, peer_checks = role != 0;

    struct uppp_config cfg;
    uppp_config_init(&cfg);
    cfg.framing = UPPP_FRAMING_NONE;
    cfg.mppe = UPPP_MPPE_OFF;
    cfg.no_magic = 1;
    cfg.auth_max_tries = 4;
    cfg.chap_interval_ms = (mode & 0x80) ? 5000 : 0;
    cfg.strip_domain = (mode >> 7) & 1;
    cfg.mschap_win98_flags = (mode >> 7) & 1;
    cfg.debug = 1;
    strcpy(cfg.our_name, peer_checks && !we_check ? "bob" : "alice");
    if (mode & 0x40)
        cfg.new_password = NEWPW;
    cfg.require_auth = we_check ? z.method : 0;
    struct uppp_callbacks cb = {
        .user = &z,
        .output = out_cb,
        .random = rand_cb,
        .get_secret = secret_cb,
        .set_password = setpw_cb,
        .log = getenv("FUZZ_DEBUG") ? log_cb : NULL,
        .auth_request = authreq_cb,
    };
    if (uppp_session_new(&z.s, &cfg, &cb) != 0)
        return 0;
    uppp_session_start(z.s, z.now);

    /* LCP: the peer's request (with our auth option if it checks us), then
     * an Ack of ours. */
    uint8_t opts[8];
    size_t on = 0;
    if (peer_checks) {
        opts[0] = 3;
        if (z.method == UPPP_AUTH_PAP) {
            opts[1] = 4, opts[2] = 0xc0, opts[3] = 0x23;
            on = 4;
        } else {
            opts[1] = 5, opts[2] = 0xc2, opts[3] = 0x23, opts[4] = alg[mi];
            on = 5;
        }
    }
    feed_cp(&z, 0xc021, 1, 1, opts, on);
    if (z.have_lcp_req)
        feed_cp(&z, 0xc021, 2, (uint8_t)(z.have_lcp_req - 1), z.lcp_req, z.lcp_req_len);

    uint8_t buf[1200];
    char msg[300];
    while (size > 0 && !uppp_session_is_dead(z.s)) {
        uint8_t op = data[0];
        data++, size--;
        switch (op & 7) {
        case 0:
        case 1:
        case 2:
        case 7: {
            size_t n = take16(&data, &size);
            if (n > size)
                n = size;
            memcpy(buf, data, n < sizeof(buf) ? n : sizeof(buf));
            data += n, size -= n;
            if (n > sizeof(buf))
                n = sizeof(buf);
            if ((op & 7) == 2 && n >= 2)
                buf[1] = (op & 8) ? (uint8_t)(z.fail_id + 1) : z.chal_id;
            uint16_t proto = (op & 7) == 1 ? 0xc023 : (op & 7) == 7 ? 0xc021 : 0xc223;
            feed(&z, proto, buf, n);
            break;
        }
        case 3:
            if (size > 0) {
                z.now += (uint64_t)data[0] * 250;
                data++, size--;
            }
            uppp_session_handle_timer(z.s, z.now);
            if (op & 0x08)
                z.async = !z.async;
            if (op & 0x10) {
                /* A verdict, perhaps with nothing pending, perhaps after
                 * the link went down: refused, never a crash. */
                static const uint8_t key[16] = {1, 2, 3};
                struct uppp_auth_verdict v = {
                    .ok = (op >> 5) & 1,
                    .message = (op & 0x40) ? "S=00 M=fuzz" : NULL,
                    .send_key = (op & 0x80) ? key : NULL,
                    .recv_key = key,
                };
                int rc = uppp_session_auth_verdict(z.s, &v, z.now);
                if (rc != 0 && rc != UPPP_ERR_NO_REQUEST)
                    abort();
            }
            break;
        case 4: {
            if (op & 0x10) {
                uint8_t code = 0;
                size_t n = z.have_fail ? make_chpw(&z, buf, &code) : 0;
                if (n)
                    feed_cp(&z, 0xc223, code, (uint8_t)(z.fail_id + 1), buf, n);
                break;
            }
            size_t n = z.have_chal ? make_response(&z, buf) : 0;
            if (n && (op & 8) && size > 0) {
                buf[(data[0] >> 3) % n] ^= (uint8_t)(1u << (data[0] & 7));
                data++, size--;
            }
            if (n)
                feed_cp(&z, 0xc223, 2, z.chal_id, buf, n);
            break;
        }
        case 5: {
            if (!z.have_resp)
                break;
            if (op & 8) {
                size_t n = take16(&data, &size);
                if (n > size)
                    n = size;
                if (n > sizeof(buf))
                    n = sizeof(buf);
                memcpy(buf, data, n);
                data += n, size -= n;
                feed_cp(&z, 0xc223, 4, z.resp[1], buf, n);
                break;
            }
            size_t n = make_success(&z, msg, sizeof(msg));
            if (n)
                feed_cp(&z, 0xc223, 3, z.resp[1], (const uint8_t *)msg, n);
            break;
        }
        case 6: {
            uint8_t req[32];
            req[0] = 3;
            memcpy(req + 1, "bob", 3);
            req[4] = (uint8_t)strlen(PW);
            memcpy(req + 5, PW, strlen(PW));
            feed_cp(&z, 0xc023, 1, (uint8_t)(op >> 3), req, 5 + strlen(PW));
            break;
        }
        }
    }
    /* Let every timer run out: whatever state the packets left, the session
     * must finish without hanging. */
    for (int i = 0; i < 200 && !uppp_session_is_dead(z.s); i++) {
        uint64_t t = uppp_session_next_timer(z.s);
        if (t == UINT64_MAX)
            break;
        z.now = t > z.now ? t : z.now + 1;
        uppp_session_handle_timer(z.s, z.now);
    }
    uppp_session_del(z.s);
    return 0;
}
