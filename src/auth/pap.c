/*
 * PAP (RFC 1334 section 2), both roles.
 *
 * Peer: send Authenticate-Request (Peer-ID, Password) and retransmit it
 * every Restart period until an Ack or Nak comes, at most auth_max_tries
 * times (RFC 1334 2.2.1; pppd pap-restart 3 s, pap-max-authreq 10).
 * Authenticator: wait for a request, at most restart_ms x auth_max_tries
 * (pppd pap-timeout: 30 s), check it against the secret, answer Ack or Nak,
 * and answer a duplicate request the same way (RFC 1334 2.2.2).
 */
#include "auth_int.h"
#include "crypto.h"

#include <uppp/err.h>

#include <stdio.h>
#include <string.h>

static void pap_send(struct uppp_session *s, uint8_t code, uint8_t id, const uint8_t *data,
                     size_t len)
{
    uint8_t pkt[UPPP_PAP_HDRLEN + 2 + 2 * UPPP_PAP_MAX_FIELD];
    if (len > sizeof(pkt) - UPPP_PAP_HDRLEN)
        return;
    pkt[0] = code;
    pkt[1] = id;
    uppp_put16(pkt + 2, (uint16_t)(UPPP_PAP_HDRLEN + len));
    memcpy(pkt + UPPP_PAP_HDRLEN, data, len);
    uppp_send_packet(s, UPPP_PROTO_PAP, pkt, UPPP_PAP_HDRLEN + len);
    uppp_memzero(pkt, sizeof(pkt)); /* it may hold a password */
}

/* Ack or Nak with a one-octet Msg-Length (RFC 1334 2.2.2); msg NULL:
 * pppd's. */
static void pap_answer_msg(struct uppp_session *s, uint8_t code, uint8_t id, const char *msg)
{
    if (msg == NULL)
        msg = code == UPPP_PAP_AUTHACK ? UPPP_PAP_MSG_ACK : UPPP_PAP_MSG_NAK;
    uint8_t data[1 + UPPP_PAP_MAX_FIELD];
    size_t n = strnlen(msg, UPPP_PAP_MAX_FIELD);
    data[0] = (uint8_t)n;
    memcpy(data + 1, msg, n);
    pap_send(s, code, id, data, 1 + n);
}

static void pap_answer(struct uppp_session *s, uint8_t code, uint8_t id)
{
    pap_answer_msg(s, code, id, NULL);
}

/* ---- authenticator ---- */

void uppp_pap_server_start(struct uppp_session *s)
{
    struct uppp_pap_server *ps = &uppp_auth_impl(s)->pap_srv;
    ps->state = UPPP_PAPS_LISTEN;
    ps->deadline = s->now + uppp_auth_wait_ms(s);
}

/* Is the request's password the secret's? */
static int pap_check(struct uppp_session *s, const char *user, const char *shown, const uint8_t *pw,
                     size_t pwlen)
{
    struct uppp_secret sec;
    int ok = 0;
    if (uppp_auth_get_secret(s, UPPP_AUTH_PAP, 1, user, s->cfg.our_name, &sec) != 0) {
        uppp_log(s, UPPP_LOG_WARN, "No PAP secret found for authenticating %s", shown);
    } else if (sec.kind != UPPP_SECRET_PASSWORD) {
        /* An NT hash cannot be compared with a clear password. */
        uppp_log(s, UPPP_LOG_ERR,
                 "PAP: the secret for %s is an NT hash; PAP needs the plaintext password", shown);
    } else if (sec.expired) {
        uppp_log(s, UPPP_LOG_WARN, "PAP: the password of %s has expired", shown);
    } else {
        size_t n = strlen(sec.password);
        ok = n == pwlen && uppp_ct_memeq(sec.password, pw, n);
    }
    uppp_memzero(&sec, sizeof(sec));
    return ok;
}

static void conclude(struct uppp_session *s, struct uppp_pap_server *ps, uint8_t id, int ok,
                     const char *msg, const char *user, const char *shown);

/* Offer the request to the caller's auth_request (RADIUS). 1 if it will
 * answer later; meanwhile repeated requests are not passed on again (the
 * state is no longer LISTEN) and the give-up time runs. */
static int pass_on(struct uppp_session *s, struct uppp_pap_server *ps, uint8_t id, const char *user,
                   const uint8_t *pw, size_t pwlen)
{
    if (s->cb.auth_request == NULL)
        return 0;
    struct uppp_auth_request rq = {
        .method = UPPP_AUTH_PAP,
        .name = user,
        .user = user,
        .id = id,
        .response = pw,
        .response_len = pwlen,
    };
    if (s->cb.auth_request(s->cb.user, &rq) != 0)
        return 0;
    ps->state = UPPP_PAPS_PENDING;
    ps->id = id;
    snprintf(ps->user, sizeof(ps->user), "%s", user);
    ps->deadline = s->now + uppp_auth_wait_ms(s);
    return 1;
}

int uppp_pap_verdict(struct uppp_session *s, const struct uppp_auth_verdict *v)
{
    struct uppp_pap_server *ps = &uppp_auth_impl(s)->pap_srv;
    if (ps->state != UPPP_PAPS_PENDING)
        return UPPP_ERR_NO_REQUEST;
    char shown[sizeof(ps->user) * 4];
    uppp_escape(shown, sizeof(shown), ps->user, strlen(ps->user), 0);
    conclude(s, ps, ps->id, v->ok, v->message, ps->user, shown);
    return 0;
}

static void pap_rauthreq(struct uppp_session *s, uint8_t id, const uint8_t *p, size_t len)
{
    struct uppp_pap_server *ps = &uppp_auth_impl(s)->pap_srv;
    /* RFC 1334 2.2.2: a duplicate request gets the same answer again. */
    if (ps->state == UPPP_PAPS_OPEN || ps->state == UPPP_PAPS_BAD) {
        pap_answer(s, ps->state == UPPP_PAPS_OPEN ? UPPP_PAP_AUTHACK : UPPP_PAP_AUTHNAK, id);
        return;
    }
    if (ps->state != UPPP_PAPS_LISTEN)
        return;
    /* Peer-ID Length, Peer-ID, Passwd-Length, Password (RFC 1334 2.2.1). */
    if (len < 1 || len < 1u + p[0] + 1u || len < 1u + p[0] + 1u + p[1 + p[0]]) {
        uppp_log(s, UPPP_LOG_DEBUG, "PAP: short Authenticate-Request dropped");
        return;
    }
    size_t ulen = p[0];
    const uint8_t *pw = p + 1 + ulen + 1;
    size_t pwlen = p[1 + ulen];
    char user[UPPP_AUTH_NAME_MAX + 1];
    char shown[UPPP_AUTH_NAME_MAX * 4 + 1];
    uppp_escape(shown, sizeof(shown), p + 1, ulen, 0);
    int ok;
    if (uppp_auth_copy_name(user, p + 1, ulen) != 0) {
        uppp_log(s, UPPP_LOG_WARN, "PAP: peer name \"%s\" holds a NUL: refused", shown);
        ok = 0;
    } else if (pass_on(s, ps, id, user, pw, pwlen)) {
        return; /* the caller answers later (uppp_pap_verdict) */
    } else {
        ok = pap_check(s, user, shown, pw, pwlen);
    }
    conclude(s, ps, id, ok, NULL, user, shown);
}

/* Answer the request and report. Called last. */
static void conclude(struct uppp_session *s, struct uppp_pap_server *ps, uint8_t id, int ok,
                     const char *msg, const char *user, const char *shown)
{
    ps->deadline = 0;
    ps->state = ok ? UPPP_PAPS_OPEN : UPPP_PAPS_BAD;
    pap_answer_msg(s, ok ? UPPP_PAP_AUTHACK : UPPP_PAP_AUTHNAK, id, msg);
    if (ok) {
        uppp_log(s, UPPP_LOG_NOTICE, "PAP peer authentication succeeded for %s", shown);
        uppp_auth_peer_ok(s, UPPP_AUTH_PAP, user);
    } else {
        uppp_log(s, UPPP_LOG_WARN, "PAP peer authentication failed for %s", shown);
        uppp_auth_peer_fail(s, UPPP_AUTH_PAP, NULL);
    }
}

/* ---- peer ---- */

/* Build and send our request; returns 0, or -1 if we have no usable
 * password (the failure is reported). */
static int pap_sauthreq(struct uppp_session *s)
{
    struct uppp_pap_client *pc = &uppp_auth_impl(s)->pap_cli;
    struct uppp_secret sec;
    const char *user = s->cfg.our_name;
    const char *why = NULL;
    if (uppp_auth_get_secret(s, UPPP_AUTH_PAP, 0, user, s->cfg.remote_name, &sec) != 0)
        why = "No secret found for PAP login";
    else if (sec.kind != UPPP_SECRET_PASSWORD)
        why = "PAP needs the plaintext password, but the secret is an NT hash";
    else if (strlen(sec.password) > UPPP_PAP_MAX_FIELD || strlen(user) > UPPP_PAP_MAX_FIELD)
        why = "PAP user name or password longer than 255 octets";
    if (why != NULL) {
        uppp_memzero(&sec, sizeof(sec));
        uppp_log(s, UPPP_LOG_ERR, "%s", why);
        pc->state = UPPP_PAPC_BAD;
        pc->deadline = 0;
        uppp_auth_us_fail(s, UPPP_AUTH_PAP, why);
        return -1;
    }
    uint8_t data[2 + 2 * UPPP_PAP_MAX_FIELD];
    size_t ulen = strlen(user), pwlen = strlen(sec.password);
    data[0] = (uint8_t)ulen;
    memcpy(data + 1, user, ulen);
    data[1 + ulen] = (uint8_t)pwlen;
    memcpy(data + 2 + ulen, sec.password, pwlen);
    uppp_memzero(&sec, sizeof(sec));
    /* pppd uses a new identifier for each transmission. */
    pc->id++;
    if (pc->xmits == 0)
        pc->first_id = pc->id;
    pc->xmits++;
    pap_send(s, UPPP_PAP_AUTHREQ, pc->id, data, 2 + ulen + pwlen);
    uppp_memzero(data, sizeof(data));
    pc->deadline = s->now + uppp_auth_restart_ms(s);
    return 0;
}

void uppp_pap_client_start(struct uppp_session *s)
{
    struct uppp_pap_client *pc = &uppp_auth_impl(s)->pap_cli;
    uint8_t id = 0;
    if (uppp_random(s, &id, 1) != 0)
        id = (uint8_t)s->now;
    pc->id = id;
    pc->xmits = 0;
    pc->state = UPPP_PAPC_PENDING;
    pap_sauthreq(s);
}

static void pap_rauthresp(struct uppp_session *s, uint8_t code, uint8_t id, const uint8_t *p,
                          size_t len)
{
    struct uppp_pap_client *pc = &uppp_auth_impl(s)->pap_cli;
    if (pc->state != UPPP_PAPC_PENDING)
        return;
    /* An answer to any of this round's requests (ids first_id..id) will
     * do: a retransmission may cross the answer to the one before. */
    if ((uint8_t)(id - pc->first_id) > (uint8_t)(pc->id - pc->first_id))
        return;
    char msg[UPPP_PAP_MAX_FIELD * 4 + 1] = "";
    if (len >= 1 && p[0] > 0 && len >= 1u + p[0])
        uppp_escape(msg, sizeof(msg), p + 1, p[0], 0);
    pc->deadline = 0;
    if (code == UPPP_PAP_AUTHACK) {
        pc->state = UPPP_PAPC_OPEN;
        if (msg[0])
            uppp_log(s, UPPP_LOG_INFO, "Remote message: %s", msg);
        uppp_log(s, UPPP_LOG_NOTICE, "PAP authentication succeeded");
        uppp_auth_us_ok(s, UPPP_AUTH_PAP);
    } else {
        pc->state = UPPP_PAPC_BAD;
        if (msg[0])
            uppp_log(s, UPPP_LOG_INFO, "Remote message: %s", msg);
        uppp_log(s, UPPP_LOG_ERR, "PAP authentication failed");
        uppp_auth_us_fail(s, UPPP_AUTH_PAP, NULL);
    }
}

void uppp_pap_input(struct uppp_session *s, uint8_t code, uint8_t id, const uint8_t *p, size_t len)
{
    struct uppp_auth_impl *a = uppp_auth_impl(s);
    switch (code) {
    case UPPP_PAP_AUTHREQ:
        if (s->auth.peer_method == UPPP_AUTH_PAP && a->pap_srv.state != UPPP_PAPS_IDLE)
            pap_rauthreq(s, id, p, len);
        return;
    case UPPP_PAP_AUTHACK:
    case UPPP_PAP_AUTHNAK:
        if (s->auth.our_method == UPPP_AUTH_PAP)
            pap_rauthresp(s, code, id, p, len);
        return;
    default:
        return; /* RFC 1334 has no Code-Reject: drop it */
    }
}

void uppp_pap_timer(struct uppp_session *s, uint64_t now)
{
    struct uppp_auth_impl *a = uppp_auth_impl(s);
    struct uppp_pap_server *ps = &a->pap_srv;
    struct uppp_pap_client *pc = &a->pap_cli;
    if (ps->state == UPPP_PAPS_LISTEN && ps->deadline != 0 && now >= ps->deadline) {
        ps->deadline = 0;
        ps->state = UPPP_PAPS_BAD;
        uppp_log(s, UPPP_LOG_WARN, "Peer did not send a PAP Authenticate-Request in time");
        uppp_auth_peer_fail(s, UPPP_AUTH_PAP, "Authentication failed: no PAP request from peer");
        return;
    }
    if (ps->state == UPPP_PAPS_PENDING && ps->deadline != 0 && now >= ps->deadline) {
        char shown[sizeof(ps->user) * 4];
        uppp_escape(shown, sizeof(shown), ps->user, strlen(ps->user), 0);
        uppp_log(s, UPPP_LOG_WARN, "No verdict on the PAP request of %s", shown);
        conclude(s, ps, ps->id, 0, NULL, ps->user, shown);
        return;
    }
    if (pc->state == UPPP_PAPC_PENDING && pc->deadline != 0 && now >= pc->deadline) {
        if (pc->xmits >= uppp_auth_max_tries(s)) {
            pc->deadline = 0;
            pc->state = UPPP_PAPC_BAD;
            uppp_log(s, UPPP_LOG_ERR, "No response to PAP authenticate-requests");
            uppp_auth_us_fail(s, UPPP_AUTH_PAP, "No response to PAP authenticate-requests");
            return;
        }
        pap_sauthreq(s);
    }
}
