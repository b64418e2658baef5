/*
 * Fuzz target for RADIUS responses (include/uppp/radius.h,
 * radius_client.h): the framing check, the authenticator checks, the
 * reply decoder (Microsoft attributes, key decryption) and the client fed
 * the input as a server's answer to a pending request.
 *
 * Input: one datagram. The target also re-signs it (Response Authenticator
 * and, if the datagram has a 16-octet Message-Authenticator, that too) so
 * the decoder behind the checks is reached, as a server knowing the secret
 * could.
 *
 * Checks: nothing crashes or reads out of bounds; a datagram the framing
 * check refuses is refused by every later stage; a re-signed datagram
 * passes verification exactly when its framing is good and it has at most
 * one Message-Authenticator; the client ends the request at most once.
 */
#include <uppp/radius_client.h>
#include <uppp/err.h>

#include "crypto.h"

#include <stdlib.h>
#include <string.h>

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if (!(x))                                                                                  \
            abort();                                                                               \
    } while (0)

static const uint8_t secret[] = "fuzzsecret";
#define SLEN 10

struct ctx {
    uint8_t last[UPPP_RADIUS_MAX_PACKET];
    size_t last_len;
    int done;
};

static int f_random(void *user, void *buf, size_t len)
{
    (void)user;
    memset(buf, 0x5a, len);
    return 0;
}

static void f_send(void *user, size_t server, const uint8_t *pkt, size_t len)
{
    struct ctx *c = user;
    (void)server;
    memcpy(c->last, pkt, len);
    c->last_len = len;
}

static void f_done(void *user, uint64_t h, int result, const struct uppp_radius_reply *r)
{
    struct ctx *c = user;
    (void)h;
    CHECK(result == 0 && r != NULL);
    c->done++;
}

/* Sign p as a server would for the request authenticator auth. Returns 0
 * if it has at most one 16-octet Message-Authenticator. */
static int resign(uint8_t *p, size_t len, const uint8_t auth[16])
{
    size_t pos = UPPP_RADIUS_HDR_LEN, vlen, ma = 0;
    uint8_t type;
    const uint8_t *val;
    int count = 0, badlen = 0;
    while (uppp_radius_next_attr(p, len, &pos, &type, &val, &vlen))
        if (type == UPPP_RA_MESSAGE_AUTHENTICATOR) {
            count++;
            badlen |= vlen != 16;
            ma = (size_t)(val - p);
        }
    memcpy(p + 4, auth, 16);
    if (count == 1 && !badlen) {
        memset(p + ma, 0, 16);
        const uint8_t *a[1] = {p};
        size_t l[1] = {len};
        CHECK(uppp_hmac_md5_vector(secret, SLEN, 1, a, l, p + ma) == 0);
    }
    const uint8_t *a[2] = {p, secret};
    size_t l[2] = {len, SLEN};
    uint8_t ra[16];
    CHECK(uppp_md5_vector(2, a, l, ra) == 0);
    memcpy(p + 4, ra, 16);
    return count <= 1 && !badlen ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > UPPP_RADIUS_MAX_PACKET)
        return 0;
    static uint8_t pkt[UPPP_RADIUS_MAX_PACKET];
    memcpy(pkt, data, size);
    uint8_t auth[16];
    memset(auth, 0x5a, sizeof(auth));
    size_t plen = 0;
    int framed = uppp_radius_check_framing(pkt, size, &plen) == 0;
    struct uppp_radius_reply r;
    if (!framed) {
        CHECK(uppp_radius_verify_response(pkt, size, auth, secret, SLEN, 0) == UPPP_ERR_PARSE);
        CHECK(uppp_radius_reply_decode(pkt, size, auth, secret, SLEN, &r) == UPPP_ERR_PARSE);
        return 0;
    }
    (void)uppp_radius_verify_response(pkt, size, auth, secret, SLEN, 1);
    CHECK(uppp_radius_reply_decode(pkt, size, auth, secret, SLEN, &r) == 0);
    CHECK(r.nclass <= UPPP_RADIUS_MAX_CLASS);
    CHECK(strlen(r.chap2_success) < sizeof(r.chap2_success));
    int one_ma = resign(pkt, plen, auth) == 0;
    int v = uppp_radius_verify_response(pkt, plen, auth, secret, SLEN, 0);
    CHECK(one_ma ? v == 0 : v == UPPP_ERR_PARSE);

    /* The client with one pending Access-Request: the datagram answers it
     * when its Identifier and code fit. */
    struct ctx c = {.done = 0};
    struct uppp_radius_client_config cfg = {.nservers = 1, .max_pending = 2, .allow_no_ma = 1};
    memcpy(cfg.servers[0].secret, secret, SLEN);
    cfg.servers[0].secret_len = SLEN;
    struct uppp_radius_client_callbacks cb = {&c, f_random, f_send, f_done, NULL};
    struct uppp_radius_client *cl = NULL;
    CHECK(uppp_radius_client_new(&cl, &cfg, &cb) == 0);
    struct uppp_radius_req q;
    uppp_radius_req_init(&q, UPPP_RADIUS_ACCESS_REQUEST);
    CHECK(uppp_radius_req_add(&q, UPPP_RA_USER_NAME, "u", 1) == 0);
    CHECK(uppp_radius_client_submit(cl, &q, 1, 0) == 0);
    pkt[1] = c.last[1];
    int signed_ok = resign(pkt, plen, c.last + 4) == 0;
    int rc = uppp_radius_client_input(cl, 0, pkt, plen, 1);
    int code = pkt[0];
    int access = code == UPPP_RADIUS_ACCESS_ACCEPT || code == UPPP_RADIUS_ACCESS_REJECT ||
                 code == UPPP_RADIUS_ACCESS_CHALLENGE;
    CHECK(rc == 0 ? c.done == 1 : c.done == 0);
    CHECK(rc != 0 || (access && signed_ok));
    if (access && signed_ok)
        CHECK(rc == 0);
    rc = uppp_radius_client_input(cl, 0, pkt, plen, 2);
    CHECK(c.done <= 1 && rc != 0);
    uppp_radius_client_del(cl);
    return 0;
}
