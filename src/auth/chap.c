/*
 * CHAP (RFC 1994), both roles, with the MD5 algorithm here and the
 * Microsoft ones (RFC 2433, RFC 2759) in chap_ms.c.
 *
 * Authenticator (RFC 1994 section 2): send a Challenge with a fresh random
 * value and our name (4.1), retransmit it every Restart period, at most
 * auth_max_tries times, check the Response against the secret and answer
 * Success or Failure (4.2). The answer is kept: a retransmitted Response
 * (same Identifier) gets the very same packet again, which is what lets a
 * peer whose Success was lost recover. With chap_interval_ms the peer is
 * challenged again periodically (RFC 1994 section 2).
 *
 * Peer: answer each Challenge with a Response carrying our name. A
 * retransmitted Challenge (same Identifier and value) gets the same
 * Response again; MS-CHAPv2 depends on it, since its Response holds a
 * random Peer-Challenge that the Success message is computed over. Like
 * pppd 2.5 (chap-response-interval), we also retransmit the Response on
 * the Restart timer until Success or Failure comes, so a lost Success does
 * not leave us waiting for ever.
 */
#include "auth_int.h"
#include "chap_ms.h"
#include "crypto.h"

#include <uppp/err.h>

#include <stdio.h>
#include <string.h>

const char *uppp_chap_method_name(unsigned method)
{
    switch (method) {
    case UPPP_AUTH_MSCHAP_V2:
        return "MS-CHAP-v2";
    case UPPP_AUTH_MSCHAP_V1:
        return "MS-CHAP";
    default:
        return "CHAP";
    }
}

static int is_ms(unsigned method)
{
    return method == UPPP_AUTH_MSCHAP_V1 || method == UPPP_AUTH_MSCHAP_V2;
}

/* Write header and data into out (cap octets); returns the length or 0. */
static size_t chap_build(uint8_t *out, size_t cap, uint8_t code, uint8_t id, const uint8_t *data,
                         size_t len)
{
    if (len > cap - UPPP_CHAP_HDRLEN || len > 0xffff - UPPP_CHAP_HDRLEN)
        return 0;
    out[0] = code;
    out[1] = id;
    uppp_put16(out + 2, (uint16_t)(UPPP_CHAP_HDRLEN + len));
    if (len)
        memcpy(out + UPPP_CHAP_HDRLEN, data, len);
    return UPPP_CHAP_HDRLEN + len;
}

void uppp_chap_send(struct uppp_session *s, uint8_t code, uint8_t id, const uint8_t *data,
                    size_t len)
{
    uint8_t pkt[UPPP_CHAP_HDRLEN + UPPP_CHAP_MAX_PKT];
    size_t n = chap_build(pkt, sizeof(pkt), code, id, data, len);
    if (n)
        uppp_send_packet(s, UPPP_PROTO_CHAP, pkt, n);
    uppp_memzero(pkt, sizeof(pkt));
}

/* RFC 1994 4.1: Value-Size, Value, Name. */
struct chap_vn {
    const uint8_t *value;
    size_t vlen;
    const uint8_t *name;
    size_t nlen;
};

static int parse_vn(const uint8_t *p, size_t len, struct chap_vn *v)
{
    if (len < 1 || len < 1u + p[0])
        return -1;
    v->vlen = p[0];
    v->value = p + 1;
    v->name = p + 1 + v->vlen;
    v->nlen = len - 1 - v->vlen;
    return 0;
}

/* CHAP-MD5 response (RFC 1994 section 4.1): MD5(Identifier | secret |
 * Challenge). */
static int md5_response(uint8_t id, const char *secret, const uint8_t *chal, size_t clen,
                        uint8_t out[16])
{
    const uint8_t *addr[3] = {&id, (const uint8_t *)secret, chal};
    const size_t lens[3] = {1, strlen(secret), clen};
    return uppp_md5_vector(3, addr, lens, out);
}

/* ---- authenticator ---- */

static void send_challenge(struct uppp_session *s, struct uppp_chap_server *ss)
{
    uint8_t data[1 + UPPP_CHAP_MAX_CHALLENGE + UPPP_AUTH_NAME_MAX];
    size_t nlen = strnlen(s->cfg.our_name, UPPP_AUTH_NAME_MAX);
    data[0] = (uint8_t)ss->challenge_len;
    memcpy(data + 1, ss->challenge, ss->challenge_len);
    memcpy(data + 1 + ss->challenge_len, s->cfg.our_name, nlen);
    uppp_chap_send(s, UPPP_CHAP_CHALLENGE, ss->id, data, 1 + ss->challenge_len + nlen);
    ss->xmits++;
    ss->deadline = s->now + uppp_auth_restart_ms(s);
}

/* A new Challenge: next Identifier, fresh value (pppd's lengths: 16 for
 * MS-CHAPv2 (RFC 2759 section 3), 8 for MS-CHAPv1 (RFC 2433 section 5),
 * 16 to 23 for MD5). */
static int new_challenge(struct uppp_session *s, struct uppp_chap_server *ss)
{
    size_t len = ss->method == UPPP_AUTH_MSCHAP_V2   ? 16
                 : ss->method == UPPP_AUTH_MSCHAP_V1 ? 8
                                                     : UPPP_CHAP_MD5_MIN_CHALLENGE;
    if (ss->method == UPPP_AUTH_CHAP_MD5) {
        uint8_t r = 0;
        if (uppp_random(s, &r, 1) != 0)
            return -1;
        len += r % (UPPP_CHAP_MD5_MAX_CHALLENGE - UPPP_CHAP_MD5_MIN_CHALLENGE + 1);
    }
    if (uppp_random(s, ss->challenge, len) != 0)
        return -1;
    ss->challenge_len = len;
    ss->id++;
    ss->xmits = 0;
    ss->state = UPPP_CHAPS_CHALLENGED;
    return 0;
}

static void challenge_now(struct uppp_session *s, struct uppp_chap_server *ss)
{
    if (new_challenge(s, ss) != 0) {
        uppp_log(s, UPPP_LOG_ERR, "CHAP: no random bytes for a challenge");
        ss->state = UPPP_CHAPS_BAD;
        ss->deadline = 0;
        uppp_auth_peer_fail(s, ss->method, "Authentication failed: no random challenge");
        return;
    }
    send_challenge(s, ss);
}

void uppp_chap_server_start(struct uppp_session *s, unsigned method)
{
    struct uppp_chap_server *ss = uppp_auth_impl(s)->chap_srv;
    ss->method = method;
    /* pppd starts from a random Identifier. */
    if (uppp_random(s, &ss->id, 1) != 0)
        ss->id = 0;
    challenge_now(s, ss);
}

/* Send (and keep) the answer to packet (code, id). */
static void answer(struct uppp_session *s, struct uppp_chap_server *ss, uint8_t code, uint8_t id,
                   uint8_t reply_code)
{
    ss->answered = 1;
    ss->answered_code = code;
    ss->answered_id = id;
    ss->reply_code = reply_code;
    uppp_chap_send(s, reply_code, id, (const uint8_t *)ss->reply, ss->reply_len);
}

static void set_reply(struct uppp_chap_server *ss, const char *msg)
{
    ss->reply_len = (size_t)snprintf(ss->reply, sizeof(ss->reply), "%s", msg);
    if (ss->reply_len >= sizeof(ss->reply))
        ss->reply_len = sizeof(ss->reply) - 1;
}

/* The verdict on a Response or Change-Password packet: answer it and
 * report. Called last. */
static void conclude(struct uppp_session *s, struct uppp_chap_server *ss, uint8_t code, uint8_t id,
                     int verdict)
{
    ss->deadline = 0;
    if (verdict == UPPP_CHAPMS_EXPIRED) {
        /* RFC 2759 7 / RFC 2433 10: the Change-Password packet carries the
         * Failure's Identifier plus 1. */
        answer(s, ss, code, id, UPPP_CHAP_FAILURE);
        ss->state = UPPP_CHAPS_CHPW;
        ss->chpw_id = (uint8_t)(id + 1);
        ss->deadline = s->now + uppp_auth_wait_ms(s);
        uppp_log(s, UPPP_LOG_NOTICE, "%s: password of %s has expired; waiting for a new one",
                 uppp_chap_method_name(ss->method), ss->shown);
        return;
    }
    if (verdict == UPPP_CHAPMS_OK) {
        answer(s, ss, code, id, UPPP_CHAP_SUCCESS);
        ss->state = UPPP_CHAPS_OPEN;
        if (s->cfg.chap_interval_ms)
            ss->rechallenge = s->now + s->cfg.chap_interval_ms;
        uppp_auth_set_keys(s, ss->method, 1, &ss->km);
        if (ss->authenticated) {
            uppp_log(s, UPPP_LOG_DEBUG, "CHAP peer re-authentication succeeded for %s", ss->shown);
            return;
        }
        ss->authenticated = 1;
        uppp_log(s, UPPP_LOG_NOTICE, "CHAP peer authentication succeeded for %s", ss->shown);
        uppp_auth_peer_ok(s, ss->method, ss->user);
        return;
    }
    uppp_memzero(&ss->km, sizeof(ss->km));
    answer(s, ss, code, id, UPPP_CHAP_FAILURE);
    ss->state = UPPP_CHAPS_BAD;
    ss->rechallenge = 0;
    uppp_log(s, UPPP_LOG_WARN, "Peer %s failed CHAP authentication", ss->shown);
    uppp_auth_peer_fail(s, ss->method, NULL);
}

static int verify_md5(struct uppp_session *s, struct uppp_chap_server *ss, uint8_t id,
                      const struct chap_vn *v, const struct uppp_secret *sec)
{
    if (sec->kind != UPPP_SECRET_PASSWORD) {
        uppp_log(s, UPPP_LOG_ERR,
                 "CHAP: the secret for %s is an NT hash; CHAP-MD5 needs the plaintext password",
                 ss->shown);
        return UPPP_CHAPMS_FAIL;
    }
    if (sec->expired) {
        uppp_log(s, UPPP_LOG_WARN, "CHAP: the password of %s has expired", ss->shown);
        return UPPP_CHAPMS_FAIL;
    }
    if (v->vlen != UPPP_CHAP_MD5_RESPONSE_LEN)
        return UPPP_CHAPMS_FAIL;
    uint8_t md[16];
    int rc = md5_response(id, sec->password, ss->challenge, ss->challenge_len, md);
    int ok = rc == 0 && uppp_ct_memeq(md, v->value, sizeof(md));
    if (rc != 0)
        uppp_log(s, UPPP_LOG_ERR, "CHAP: MD5 failed: %s", uppp_strerror(rc));
    uppp_memzero(md, sizeof(md));
    return ok ? UPPP_CHAPMS_OK : UPPP_CHAPMS_FAIL;
}

/* Offer the Response to the caller's auth_request (RADIUS). 1 if it will
 * answer later: the Response is then pending, a retransmission of it is
 * not passed on again (rresponse ignores it: not CHALLENGED), and if no
 * verdict comes within the give-up time the peer fails. */
static int pass_on(struct uppp_session *s, struct uppp_chap_server *ss, uint8_t id,
                   const struct chap_vn *v)
{
    if (s->cb.auth_request == NULL)
        return 0;
    if (ss->method == UPPP_AUTH_MSCHAP_V2 && v->vlen == UPPP_MSV2_RESPONSE_LEN) {
        /* The Failure text with the Flags octet known (Win98 omits M=). */
        ss->ms_flags = v->value[UPPP_MSV2_FLAGS];
        uppp_chapms_set_failure(s, ss, UPPP_MSCHAP_E_AUTHENTICATION_FAILURE, ss->challenge);
    }
    struct uppp_auth_request rq = {
        .method = ss->method,
        .name = ss->peer,
        .user = ss->user,
        .id = id,
        .challenge = ss->challenge,
        .challenge_len = ss->challenge_len,
        .response = v->value,
        .response_len = v->vlen,
    };
    if (s->cb.auth_request(s->cb.user, &rq) != 0)
        return 0;
    ss->state = UPPP_CHAPS_PENDING;
    ss->deadline = s->now + uppp_auth_wait_ms(s);
    uppp_log(s, UPPP_LOG_DEBUG, "CHAP: the response of %s waits for the caller's verdict",
             ss->shown);
    return 1;
}

int uppp_chap_verdict(struct uppp_session *s, const struct uppp_auth_verdict *v)
{
    struct uppp_auth_impl *a = s->auth.impl;
    if (a == NULL || a->chap_srv == NULL || a->chap_srv->state != UPPP_CHAPS_PENDING)
        return UPPP_ERR_NO_REQUEST;
    struct uppp_chap_server *ss = a->chap_srv;
    int verdict = v->ok ? UPPP_CHAPMS_OK : UPPP_CHAPMS_FAIL;
    if (v->message != NULL) {
        set_reply(ss, v->message);
    } else if (v->ok && ss->method == UPPP_AUTH_MSCHAP_V2) {
        /* The peer checks S= (RFC 2759 section 5): without it the peer
         * would refuse us, so it is a failure here and now. */
        uppp_log(s, UPPP_LOG_ERR,
                 "MS-CHAP-v2: the verdict on %s has no success message (S=): failing", ss->shown);
        verdict = UPPP_CHAPMS_FAIL;
    } else if (v->ok) {
        set_reply(ss, UPPP_CHAP_MSG_GRANTED);
    } /* a failure without message: the text set when the Response came */
    if (verdict == UPPP_CHAPMS_OK && v->send_key != NULL && v->recv_key != NULL)
        uppp_auth_set_start_keys(s, ss->method, v->send_key, v->recv_key);
    ss->state = UPPP_CHAPS_CHALLENGED; /* conclude() moves it on */
    conclude(s, ss, UPPP_CHAP_RESPONSE, ss->id, verdict);
    return 0;
}

static void rresponse(struct uppp_session *s, uint8_t id, const uint8_t *p, size_t len)
{
    struct uppp_chap_server *ss = uppp_auth_impl(s)->chap_srv;
    if (ss->state != UPPP_CHAPS_CHALLENGED || id != ss->id) {
        /* RFC 1994 4.2: a retransmitted Response gets the same answer. */
        if (ss->answered && ss->answered_code == UPPP_CHAP_RESPONSE && id == ss->answered_id)
            uppp_chap_send(s, ss->reply_code, id, (const uint8_t *)ss->reply, ss->reply_len);
        return;
    }
    struct chap_vn v;
    if (parse_vn(p, len, &v) != 0) {
        uppp_log(s, UPPP_LOG_DEBUG, "CHAP: malformed Response dropped");
        return;
    }
    /* The answer if nothing better is found. */
    if (is_ms(ss->method))
        uppp_chapms_set_failure(s, ss, UPPP_MSCHAP_E_AUTHENTICATION_FAILURE, ss->challenge);
    else
        set_reply(ss, UPPP_CHAP_MSG_DENIED);
    int verdict = UPPP_CHAPMS_FAIL;
    if (uppp_auth_copy_name(ss->peer, v.name, v.nlen) != 0) {
        char shown[64];
        uppp_escape(shown, sizeof(shown), v.name, v.nlen, 0);
        uppp_log(s, UPPP_LOG_WARN, "CHAP: bad peer name \"%s\" (too long or holds a NUL)", shown);
        snprintf(ss->user, sizeof(ss->user), "%s", shown);
        snprintf(ss->shown, sizeof(ss->shown), "%s", shown);
        conclude(s, ss, UPPP_CHAP_RESPONSE, id, verdict);
        return;
    }
    /* pppd chapms-strip-domain: look the user up without "DOMAIN\". The
     * MS-CHAPv2 hash always uses the stripped name (RFC 2759 8.2), and is
     * computed in chap_ms.c from the name as sent. */
    const char *user = ss->peer;
    const char *bs = strrchr(ss->peer, '\\');
    if (s->cfg.strip_domain && bs != NULL)
        user = bs + 1;
    memmove(ss->user, user, strlen(user) + 1);
    uppp_escape(ss->shown, sizeof(ss->shown), ss->user, strlen(ss->user), 0);

    if (pass_on(s, ss, id, &v))
        return; /* the caller answers later (uppp_chap_verdict) */
    struct uppp_secret sec;
    if (uppp_auth_get_secret(s, ss->method, 1, ss->user, s->cfg.our_name, &sec) != 0) {
        uppp_log(s, UPPP_LOG_ERR, "No CHAP secret found for authenticating %s", ss->shown);
    } else if (is_ms(ss->method)) {
        verdict = uppp_chapms_verify(s, ss, v.value, v.vlen, &sec);
    } else {
        verdict = verify_md5(s, ss, id, &v, &sec);
        set_reply(ss, verdict == UPPP_CHAPMS_OK ? UPPP_CHAP_MSG_GRANTED : UPPP_CHAP_MSG_DENIED);
    }
    uppp_memzero(&sec, sizeof(sec));
    conclude(s, ss, UPPP_CHAP_RESPONSE, id, verdict);
}

static void rchangepw(struct uppp_session *s, uint8_t code, uint8_t id, const uint8_t *p,
                      size_t len)
{
    struct uppp_chap_server *ss = uppp_auth_impl(s)->chap_srv;
    uint8_t want = ss->method == UPPP_AUTH_MSCHAP_V2 ? UPPP_CHAP_MSV2_CHPW : UPPP_CHAP_MSV1_CHPW2;
    if (code != want)
        return;
    if (ss->state != UPPP_CHAPS_CHPW || id != ss->chpw_id) {
        if (ss->answered && ss->answered_code == code && id == ss->answered_id)
            uppp_chap_send(s, ss->reply_code, id, (const uint8_t *)ss->reply, ss->reply_len);
        return;
    }
    int verdict = uppp_chapms_change_password(s, ss, code, p, len);
    if (verdict < 0)
        return; /* malformed: dropped, keep waiting */
    conclude(s, ss, code, id, verdict);
}

/* ---- peer ---- */

void uppp_chap_client_start(struct uppp_session *s, unsigned method)
{
    struct uppp_chap_client *cs = uppp_auth_impl(s)->chap_cli;
    cs->method = method;
    cs->state = UPPP_CHAPC_WAIT;
    /* Do not wait for ever for a Challenge that never comes. */
    cs->deadline = s->now + uppp_auth_wait_ms(s);
}

static void client_send_kept(struct uppp_session *s, struct uppp_chap_client *cs)
{
    if (cs->pkt_len)
        uppp_send_packet(s, UPPP_PROTO_CHAP, cs->pkt, cs->pkt_len);
    cs->xmits++;
    cs->deadline = s->now + uppp_auth_restart_ms(s);
}

void uppp_chap_client_send(struct uppp_session *s, struct uppp_chap_client *cs, uint8_t code,
                           uint8_t id, const uint8_t *data, size_t len)
{
    cs->pkt_len = chap_build(cs->pkt, sizeof(cs->pkt), code, id, data, len);
    cs->xmits = 0;
    client_send_kept(s, cs);
}

static void client_fail(struct uppp_session *s, struct uppp_chap_client *cs, const char *reason)
{
    cs->state = UPPP_CHAPC_BAD;
    cs->deadline = 0;
    uppp_memzero(&cs->km, sizeof(cs->km));
    uppp_memzero(cs->pw_hash, sizeof(cs->pw_hash));
    uppp_auth_us_fail(s, cs->method, reason);
}

static void rchallenge(struct uppp_session *s, uint8_t id, const uint8_t *p, size_t len)
{
    struct uppp_chap_client *cs = uppp_auth_impl(s)->chap_cli;
    if (cs->state == UPPP_CHAPC_IDLE || cs->state == UPPP_CHAPC_BAD || cs->state == UPPP_CHAPC_CHPW)
        return;
    struct chap_vn v;
    if (parse_vn(p, len, &v) != 0)
        return;
    size_t want = cs->method == UPPP_AUTH_MSCHAP_V2   ? 16
                  : cs->method == UPPP_AUTH_MSCHAP_V1 ? 8
                                                      : 0;
    if ((want && v.vlen != want) || v.vlen == 0 || v.vlen > sizeof(cs->challenge)) {
        uppp_log(s, UPPP_LOG_DEBUG, "%s: Challenge with a %zu-octet value dropped",
                 uppp_chap_method_name(cs->method), v.vlen);
        return;
    }
    /* A retransmitted Challenge: the same Response again. */
    if ((cs->state == UPPP_CHAPC_RESPONDED || cs->state == UPPP_CHAPC_OPEN) && id == cs->id &&
        v.vlen == cs->challenge_len && memcmp(v.value, cs->challenge, v.vlen) == 0) {
        if (cs->pkt_len)
            uppp_send_packet(s, UPPP_PROTO_CHAP, cs->pkt, cs->pkt_len);
        return;
    }
    /* pppd: remotename names the authenticator; else take the Name field
     * (Microsoft authenticators may leave it empty, RFC 2433 section 5). */
    if (s->cfg.remote_name[0])
        snprintf(cs->server, sizeof(cs->server), "%s", s->cfg.remote_name);
    else if (uppp_auth_copy_name(cs->server, v.name, v.nlen) != 0)
        uppp_escape(cs->server, sizeof(cs->server), v.name, v.nlen, 0);

    cs->id = id;
    cs->challenge_len = v.vlen;
    memcpy(cs->challenge, v.value, v.vlen);
    if (cs->method == UPPP_AUTH_MSCHAP_V2)
        memcpy(cs->auth_challenge, v.value, 16);

    struct uppp_secret sec;
    if (cs->use_new) {
        /* The secrets the caller gave us still hold the old password. */
        memset(&sec, 0, sizeof(sec));
        sec.kind = UPPP_SECRET_PASSWORD;
        snprintf(sec.password, sizeof(sec.password), "%s", s->cfg.new_password);
    } else if (uppp_auth_get_secret(s, cs->method, 0, s->cfg.our_name, cs->server, &sec) != 0) {
        /* The why becomes the end reason, logged and shown in the summary. */
        char shown[UPPP_AUTH_NAME_MAX * 4 + 1], why[sizeof(shown) + 64];
        uppp_escape(shown, sizeof(shown), cs->server, strlen(cs->server), 0);
        snprintf(why, sizeof(why), "No CHAP secret found for authenticating us to %s", shown);
        uppp_log(s, UPPP_LOG_ERR, "%s", why);
        client_fail(s, cs, why);
        return;
    }
    uint8_t data[1 + UPPP_MSV2_RESPONSE_LEN + UPPP_AUTH_NAME_MAX];
    size_t vlen = 0;
    int rc = 0;
    if (is_ms(cs->method)) {
        rc = uppp_chapms_make_response(s, cs, &sec, data + 1);
        vlen = UPPP_MSV2_RESPONSE_LEN;
    } else if (sec.kind != UPPP_SECRET_PASSWORD) {
        uppp_log(s, UPPP_LOG_ERR,
                 "CHAP: our secret is an NT hash; CHAP-MD5 needs the plaintext password");
        rc = UPPP_ERR_INVALID;
    } else {
        rc = md5_response(id, sec.password, cs->challenge, cs->challenge_len, data + 1);
        vlen = UPPP_CHAP_MD5_RESPONSE_LEN;
        if (rc != 0)
            uppp_log(s, UPPP_LOG_ERR, "CHAP: MD5 failed: %s", uppp_strerror(rc));
    }
    uppp_memzero(&sec, sizeof(sec));
    if (rc != 0) {
        uppp_memzero(data, sizeof(data));
        client_fail(s, cs, "Failed to compute our CHAP response");
        return;
    }
    size_t nlen = strnlen(s->cfg.our_name, UPPP_AUTH_NAME_MAX);
    data[0] = (uint8_t)vlen;
    memcpy(data + 1 + vlen, s->cfg.our_name, nlen);
    cs->state = UPPP_CHAPC_RESPONDED;
    uppp_chap_client_send(s, cs, UPPP_CHAP_RESPONSE, id, data, 1 + vlen + nlen);
    uppp_memzero(data, sizeof(data));
}

static void rsuccess(struct uppp_session *s, uint8_t id, const uint8_t *p, size_t len)
{
    struct uppp_chap_client *cs = uppp_auth_impl(s)->chap_cli;
    int changed = cs->state == UPPP_CHAPC_CHPW && id == cs->chpw_id;
    if (!(cs->state == UPPP_CHAPC_RESPONDED && id == cs->id) && !changed)
        return; /* RFC 1994 4.2: it must answer our Response */
    if (is_ms(cs->method)) {
        if (uppp_chapms_check_success(s, cs, p, len) != 0) {
            /* RFC 2759 section 5: the peer MUST end the session. */
            client_fail(s, cs, "MS-CHAP mutual authentication failed");
            return;
        }
    }
    if (cs->method != UPPP_AUTH_MSCHAP_V2 && len > 0) {
        char msg[UPPP_CHAP_MAX_MSG * 4 + 1];
        uppp_escape(msg, sizeof(msg), p, len, 0);
        uppp_log(s, UPPP_LOG_INFO, "CHAP authentication succeeded: %s", msg);
    }
    if (changed) {
        uppp_log(s, UPPP_LOG_NOTICE, "MS-CHAP password changed");
        cs->use_new = 1;
    }
    cs->state = UPPP_CHAPC_OPEN;
    cs->deadline = 0;
    uppp_auth_set_keys(s, cs->method, 0, &cs->km);
    uppp_memzero(cs->pw_hash, sizeof(cs->pw_hash));
    uppp_log(s, UPPP_LOG_NOTICE, "CHAP authentication succeeded");
    uppp_auth_us_ok(s, cs->method);
}

static void rfailure(struct uppp_session *s, uint8_t id, const uint8_t *p, size_t len)
{
    struct uppp_chap_client *cs = uppp_auth_impl(s)->chap_cli;
    if (!(cs->state == UPPP_CHAPC_RESPONDED && id == cs->id) &&
        !(cs->state == UPPP_CHAPC_CHPW && id == cs->chpw_id))
        return;
    char reason[160] = "";
    if (is_ms(cs->method)) {
        if (uppp_chapms_handle_failure(s, cs, id, p, len, reason, sizeof(reason)) == 1)
            return; /* a Change-Password packet went out */
    } else if (len > 0) {
        char msg[UPPP_CHAP_MAX_MSG * 4 + 1];
        uppp_escape(msg, sizeof(msg), p, len, 0);
        uppp_log(s, UPPP_LOG_INFO, "CHAP authentication failed: %s", msg);
    }
    uppp_log(s, UPPP_LOG_ERR, "CHAP authentication failed");
    client_fail(s, cs, reason[0] ? reason : NULL);
}

/* ---- both ---- */

void uppp_chap_input(struct uppp_session *s, uint8_t code, uint8_t id, const uint8_t *p, size_t len)
{
    struct uppp_auth_impl *a = uppp_auth_impl(s);
    int server = s->auth.peer_method != 0 && s->auth.peer_method != UPPP_AUTH_PAP &&
                 a->chap_srv != NULL && a->chap_srv->state != UPPP_CHAPS_IDLE;
    int client = s->auth.our_method != 0 && s->auth.our_method != UPPP_AUTH_PAP &&
                 a->chap_cli != NULL && a->chap_cli->state != UPPP_CHAPC_IDLE;
    switch (code) {
    case UPPP_CHAP_CHALLENGE:
        if (client)
            rchallenge(s, id, p, len);
        return;
    case UPPP_CHAP_RESPONSE:
        if (server)
            rresponse(s, id, p, len);
        return;
    case UPPP_CHAP_SUCCESS:
        if (client)
            rsuccess(s, id, p, len);
        return;
    case UPPP_CHAP_FAILURE:
        if (client)
            rfailure(s, id, p, len);
        return;
    case UPPP_CHAP_MSV1_CHPW2:
    case UPPP_CHAP_MSV2_CHPW:
        if (server && is_ms(a->chap_srv->method))
            rchangepw(s, code, id, p, len);
        return;
    default:
        /* Code 5 (RFC 2433 section 9, deprecated) and unknown codes: CHAP
         * has no Code-Reject, so they are dropped. */
        uppp_log(s, UPPP_LOG_DEBUG, "CHAP: code %u dropped", code);
        return;
    }
}

void uppp_chap_timer(struct uppp_session *s, uint64_t now)
{
    struct uppp_auth_impl *a = uppp_auth_impl(s);
    struct uppp_chap_server *ss = a->chap_srv;
    struct uppp_chap_client *cs = a->chap_cli;

    if (ss != NULL && ss->deadline != 0 && now >= ss->deadline) {
        ss->deadline = 0;
        if (ss->state == UPPP_CHAPS_CHALLENGED && ss->xmits < uppp_auth_max_tries(s)) {
            send_challenge(s, ss);
        } else if (ss->state == UPPP_CHAPS_CHALLENGED || ss->state == UPPP_CHAPS_CHPW ||
                   ss->state == UPPP_CHAPS_PENDING) {
            if (ss->state == UPPP_CHAPS_CHALLENGED)
                uppp_log(s, UPPP_LOG_WARN, "No response to %d CHAP challenges", ss->xmits);
            else if (ss->state == UPPP_CHAPS_PENDING)
                uppp_log(s, UPPP_LOG_WARN, "No verdict on the CHAP response of %s", ss->shown);
            else
                uppp_log(s, UPPP_LOG_WARN, "No Change-Password packet from the peer");
            ss->state = UPPP_CHAPS_BAD;
            uppp_memzero(ss->old_hash, sizeof(ss->old_hash));
            uppp_auth_peer_fail(s, ss->method, NULL);
            return;
        }
    }
    if (ss != NULL && ss->rechallenge != 0 && now >= ss->rechallenge) {
        ss->rechallenge = 0;
        if (ss->state == UPPP_CHAPS_OPEN) {
            challenge_now(s, ss);
            if (!uppp_auth_running(s))
                return;
        }
    }
    if (cs != NULL && cs->deadline != 0 && now >= cs->deadline) {
        cs->deadline = 0;
        if (cs->state == UPPP_CHAPC_WAIT) {
            uppp_log(s, UPPP_LOG_ERR, "No CHAP challenge received from the peer");
            client_fail(s, cs, "No CHAP challenge received from the peer");
        } else if (cs->state == UPPP_CHAPC_RESPONDED || cs->state == UPPP_CHAPC_CHPW) {
            if (cs->xmits >= uppp_auth_max_tries(s)) {
                uppp_log(s, UPPP_LOG_ERR, "No answer to our CHAP response");
                client_fail(s, cs, "No answer to our CHAP response");
            } else {
                client_send_kept(s, cs);
            }
        }
    }
}
