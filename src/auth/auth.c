/*
 * The Authenticate phase (RFC 1661 section 3.5): runs the authenticator
 * role (we check the peer) and the peer role (we prove ourselves) side by
 * side, each with the method LCP agreed for it (RFC 1661 section 6.2), and
 * reports each outcome to the session. PAP (RFC 1334) is in pap.c, CHAP
 * with MD5 (RFC 1994), MS-CHAPv1 (RFC 2433) and MS-CHAPv2 (RFC 2759) in
 * chap.c and chap_ms.c. Also here: the secrets lookup, and the MPPE start
 * keys (RFC 3079) MS-CHAP leaves behind.
 */
#include "auth_int.h"
#include "crypto.h"

#include <uppp/err.h>
#include <uppp/mppe_keys.h>
#include <uppp/mschap.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MSCHAP_ANY (UPPP_AUTH_MSCHAP_V1 | UPPP_AUTH_MSCHAP_V2)

void uppp_auth_init(struct uppp_session *s)
{
    s->auth.impl = calloc(1, sizeof(struct uppp_auth_impl));
}

static void free_role(void *role, size_t size)
{
    if (role != NULL)
        uppp_memzero(role, size); /* challenges, hashes, key material */
    free(role);
}

/* Wipe the state and free the CHAP roles: they held secrets' hashes. */
static void wipe_impl(struct uppp_session *s)
{
    struct uppp_auth_impl *a = s->auth.impl;
    if (a == NULL)
        return;
    free_role(a->chap_srv, sizeof(*a->chap_srv));
    free_role(a->chap_cli, sizeof(*a->chap_cli));
    uppp_memzero(a, sizeof(*a));
}

/* Allocate the CHAP roles the agreed methods use (PAP's are embedded). */
static int alloc_roles(struct uppp_auth_impl *a, unsigned peer_method, unsigned our_method)
{
    if (peer_method != 0 && peer_method != UPPP_AUTH_PAP) {
        a->chap_srv = calloc(1, sizeof(*a->chap_srv));
        if (a->chap_srv == NULL)
            return -1;
    }
    if (our_method != 0 && our_method != UPPP_AUTH_PAP) {
        a->chap_cli = calloc(1, sizeof(*a->chap_cli));
        if (a->chap_cli == NULL)
            return -1;
    }
    return 0;
}

void uppp_auth_start(struct uppp_session *s, unsigned peer_method, unsigned our_method)
{
    s->auth.peer_method = peer_method;
    s->auth.our_method = our_method;
    if (s->auth.impl == NULL)
        s->auth.impl = calloc(1, sizeof(struct uppp_auth_impl));
    else
        wipe_impl(s);
    if (s->auth.impl != NULL && alloc_roles(s->auth.impl, peer_method, our_method) != 0)
        wipe_impl(s); /* running stays 0: fail below */
    if (s->auth.impl == NULL ||
        (peer_method != 0 && peer_method != UPPP_AUTH_PAP && uppp_auth_impl(s)->chap_srv == NULL) ||
        (our_method != 0 && our_method != UPPP_AUTH_PAP && uppp_auth_impl(s)->chap_cli == NULL)) {
        uppp_log(s, UPPP_LOG_ERR, "authentication: out of memory");
        if (peer_method)
            uppp_auth_peer_fail(s, peer_method, "Authentication failed: out of memory");
        else
            uppp_auth_us_fail(s, our_method, "Authentication failed: out of memory");
        return;
    }
    struct uppp_auth_impl *a = uppp_auth_impl(s);
    a->running = 1;

    /* pppd ccp.c: MPPE keys come from MS-CHAP run in exactly one direction.
     * RFC 3079 derives them from the credentials of "the peer that
     * initiated the call", which PPP cannot tell; with MS-CHAP both ways
     * pppd refuses MPPE rather than pick one, and so do we: no keys. */
    int ms_peer = (peer_method & MSCHAP_ANY) != 0, ms_us = (our_method & MSCHAP_ANY) != 0;
    a->keys_wanted = ms_peer != ms_us;
    if (ms_peer && ms_us) {
        if (s->cfg.mppe == UPPP_MPPE_REQUIRED)
            uppp_log(s, UPPP_LOG_ERR, "MPPE required, but auth done in both directions.");
        else
            uppp_log(s, UPPP_LOG_INFO, "MS-CHAP in both directions: no MPPE keys");
    }

    if (peer_method == UPPP_AUTH_PAP)
        uppp_pap_server_start(s);
    else if (peer_method != 0)
        uppp_chap_server_start(s, peer_method);
    if (!uppp_auth_running(s))
        return; /* the authenticator failed at once: nothing more is sent */
    if (our_method == UPPP_AUTH_PAP)
        uppp_pap_client_start(s);
    else if (our_method != 0)
        uppp_chap_client_start(s, our_method);
}

void uppp_auth_input(struct uppp_session *s, uint16_t proto, const uint8_t *pkt, size_t len)
{
    if (s->auth.impl == NULL || len < UPPP_CHAP_HDRLEN)
        return;
    /* RFC 1334 2.2 / RFC 1994 4: octets beyond Length are padding; a
     * Length beyond the data or below the header means a bad packet. */
    size_t plen = uppp_get16(pkt + 2);
    if (plen < UPPP_CHAP_HDRLEN || plen > len) {
        uppp_log(s, UPPP_LOG_DEBUG, "%s: bad length %zu in a %zu-octet packet: dropped",
                 proto == UPPP_PROTO_PAP ? "PAP" : "CHAP", plen, len);
        return;
    }
    if (proto == UPPP_PROTO_PAP)
        uppp_pap_input(s, pkt[0], pkt[1], pkt + UPPP_PAP_HDRLEN, plen - UPPP_PAP_HDRLEN);
    else
        uppp_chap_input(s, pkt[0], pkt[1], pkt + UPPP_CHAP_HDRLEN, plen - UPPP_CHAP_HDRLEN);
}

void uppp_auth_timer(struct uppp_session *s, uint64_t now)
{
    if (!uppp_auth_running(s))
        return;
    uppp_pap_timer(s, now);
    if (uppp_auth_running(s))
        uppp_chap_timer(s, now);
}

uint64_t uppp_auth_deadline(const struct uppp_session *s)
{
    const struct uppp_auth_impl *a = s->auth.impl;
    if (a == NULL)
        return 0;
    uint64_t d = uppp_min_deadline(a->pap_srv.deadline, a->pap_cli.deadline);
    if (a->chap_srv != NULL) {
        d = uppp_min_deadline(d, a->chap_srv->deadline);
        d = uppp_min_deadline(d, a->chap_srv->rechallenge);
    }
    if (a->chap_cli != NULL)
        d = uppp_min_deadline(d, a->chap_cli->deadline);
    return d;
}

/* A peer that Protocol-Rejects the protocol we authenticate with will never
 * answer it: fail now rather than retry until the give-up (RFC 1661 section
 * 5.7 leaves it to us). As pppd 2.4.9 (chap_protrej, upap_protrej): the
 * peer role fails while it has not succeeded (exit 19), with pppd's error
 * line; the PAP authenticator while it waits (exit 11), with its line; the
 * CHAP authenticator once it has started, even after the peer succeeded
 * (CHAP re-challenges), and without a line of its own. The peer role goes
 * first so that with CHAP both ways the status is pppd's last one, 19. */
void uppp_auth_protreject(struct uppp_session *s, uint16_t proto)
{
    if (!uppp_auth_running(s))
        return;
    struct uppp_auth_impl *a = uppp_auth_impl(s);
    if (proto == UPPP_PROTO_PAP) {
        if (a->pap_cli.state == UPPP_PAPC_PENDING) {
            uppp_log(s, UPPP_LOG_ERR, "PAP authentication failed due to protocol-reject");
            uppp_auth_us_fail(s, UPPP_AUTH_PAP, NULL);
        } else if (a->pap_srv.state == UPPP_PAPS_LISTEN || a->pap_srv.state == UPPP_PAPS_PENDING) {
            uppp_log(s, UPPP_LOG_ERR, "PAP authentication of peer failed (protocol-reject)");
            uppp_auth_peer_fail(s, UPPP_AUTH_PAP, NULL);
        }
        return;
    }
    if (proto != UPPP_PROTO_CHAP)
        return;
    enum uppp_chapc_state c = a->chap_cli != NULL ? a->chap_cli->state : UPPP_CHAPC_IDLE;
    if (c == UPPP_CHAPC_WAIT || c == UPPP_CHAPC_RESPONDED || c == UPPP_CHAPC_CHPW) {
        uppp_log(s, UPPP_LOG_ERR, "CHAP authentication failed due to protocol-reject");
        uppp_auth_us_fail(s, a->chap_cli->method, NULL);
        return;
    }
    enum uppp_chaps_state v = a->chap_srv != NULL ? a->chap_srv->state : UPPP_CHAPS_IDLE;
    if (v == UPPP_CHAPS_CHALLENGED || v == UPPP_CHAPS_CHPW || v == UPPP_CHAPS_PENDING ||
        v == UPPP_CHAPS_OPEN)
        uppp_auth_peer_fail(s, a->chap_srv->method, NULL);
}

void uppp_auth_stop(struct uppp_session *s)
{
    /* Wiping clears running and the keys too: they belong to this LCP
     * session's authentication. */
    wipe_impl(s);
}

void uppp_auth_take_keys(struct uppp_session *s, struct uppp_keys *out)
{
    struct uppp_auth_impl *a = s->auth.impl;
    if (a == NULL || !a->keys.have)
        return;
    *out = a->keys;
    uppp_memzero(&a->keys, sizeof(a->keys));
    a->keys_given = 1;
}

void uppp_auth_free(struct uppp_session *s)
{
    wipe_impl(s);
    free(s->auth.impl);
    s->auth.impl = NULL;
}

/* ---- services for pap.c, chap.c, chap_ms.c ---- */

int uppp_auth_get_secret(struct uppp_session *s, unsigned method, int for_peer, const char *client,
                         const char *server, struct uppp_secret *out)
{
    memset(out, 0, sizeof(*out));
    if (s->cb.get_secret == NULL)
        return -1;
    struct uppp_secret_query q = {
        .method = method, .for_peer = for_peer, .client = client, .server = server};
    if (s->cb.get_secret(s->cb.user, &q, out) != 0 || out->kind == UPPP_SECRET_NONE) {
        uppp_memzero(out, sizeof(*out));
        return -1;
    }
    /* Whatever the callback left, the password is a C string from here. */
    out->password[sizeof(out->password) - 1] = '\0';
    return 0;
}

int uppp_auth_copy_name(char *out, const uint8_t *p, size_t len)
{
    out[0] = '\0';
    if (len > UPPP_AUTH_NAME_MAX || memchr(p, 0, len) != NULL)
        return -1;
    memcpy(out, p, len);
    out[len] = '\0';
    return 0;
}

uint32_t uppp_auth_restart_ms(const struct uppp_session *s)
{
    return s->cfg.restart_ms ? s->cfg.restart_ms : 3000;
}

int uppp_auth_max_tries(const struct uppp_session *s)
{
    return s->cfg.auth_max_tries > 0 ? s->cfg.auth_max_tries : 10;
}

uint64_t uppp_auth_wait_ms(const struct uppp_session *s)
{
    return (uint64_t)uppp_auth_restart_ms(s) * (uint64_t)uppp_auth_max_tries(s);
}

int uppp_auth_running(const struct uppp_session *s)
{
    const struct uppp_auth_impl *a = s->auth.impl;
    return a != NULL && a->running;
}

/* Post one direction's outcome. A failure ends authentication here and
 * now: the session will close the link once we return, and until then no
 * role sends anything more. */
static void done(struct uppp_session *s, int for_peer, unsigned method, int ok, const char *text)
{
    struct uppp_qev ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = UPPP_QEV_AUTH;
    ev.for_peer = for_peer;
    ev.method = method;
    ev.ok = ok;
    if (text != NULL)
        snprintf(ev.why, sizeof(ev.why), "%s", text);
    if (!ok && s->auth.impl != NULL)
        uppp_auth_impl(s)->running = 0;
    uppp_post(s, &ev);
    uppp_memzero(&ev, sizeof(ev));
}

void uppp_auth_peer_ok(struct uppp_session *s, unsigned method, const char *name)
{
    done(s, 1, method, 1, name);
}

void uppp_auth_peer_fail(struct uppp_session *s, unsigned method, const char *reason)
{
    done(s, 1, method, 0, reason);
}

void uppp_auth_us_ok(struct uppp_session *s, unsigned method)
{
    done(s, 0, method, 1, NULL);
}

void uppp_auth_us_fail(struct uppp_session *s, unsigned method, const char *reason)
{
    done(s, 0, method, 0, reason);
}

void uppp_auth_set_keys(struct uppp_session *s, unsigned method, int is_server,
                        struct uppp_chap_keymat *km)
{
    struct uppp_auth_impl *a = uppp_auth_impl(s);
    /* A re-challenge does not replace the keys CCP may already use. */
    if (!km->have || !a->keys_wanted || a->keys_given || a->keys.have) {
        uppp_memzero(km, sizeof(*km));
        return;
    }
    struct uppp_keys k;
    memset(&k, 0, sizeof(k));
    uint8_t hh[16];
    int rc = uppp_hash_nt_password_hash(km->pw_hash, hh);
    if (rc == 0 && method == UPPP_AUTH_MSCHAP_V2) {
        /* RFC 3079 section 3: the authenticator's send key is the peer's
         * receive key. */
        rc = uppp_mppe_v2_start_keys(hh, km->nt_response, is_server, k.send_start, k.recv_start);
    } else if (rc == 0) {
        /* RFC 3079 section 2.3: one key for both directions. */
        rc = uppp_mppe_v1_nt_start_key(km->challenge, hh, k.send_start);
        memcpy(k.recv_start, k.send_start, sizeof(k.recv_start));
        if (rc == 0 && km->have_lm)
            k.have_lm = uppp_mppe_v1_lm_start_key(km->lm_hash, k.lm_start) == 0;
    }
    if (rc == 0) {
        k.have = 1;
        k.method = method;
        a->keys = k; /* the session takes them with the verdict */
    } else {
        uppp_log(s, UPPP_LOG_ERR, "MPPE keys could not be derived: %s", uppp_strerror(rc));
    }
    uppp_memzero(&k, sizeof(k));
    uppp_memzero(hh, sizeof(hh));
    uppp_memzero(km, sizeof(*km));
}

int uppp_auth_verdict(struct uppp_session *s, const struct uppp_auth_verdict *v)
{
    if (!uppp_auth_running(s) || s->auth.peer_method == 0)
        return UPPP_ERR_NO_REQUEST;
    if (s->auth.peer_method == UPPP_AUTH_PAP)
        return uppp_pap_verdict(s, v);
    return uppp_chap_verdict(s, v);
}

void uppp_auth_set_start_keys(struct uppp_session *s, unsigned method, const uint8_t send[16],
                              const uint8_t recv[16])
{
    struct uppp_auth_impl *a = uppp_auth_impl(s);
    /* The same rules as derived keys: one direction of MS-CHAP, and a
     * re-challenge does not replace what CCP may already use. */
    if (!(method & MSCHAP_ANY) || !a->keys_wanted || a->keys_given || a->keys.have)
        return;
    a->keys.have = 1;
    a->keys.method = method;
    memcpy(a->keys.send_start, send, sizeof(a->keys.send_start));
    memcpy(a->keys.recv_start, recv, sizeof(a->keys.recv_start));
}
