/*
 * Inside the authentication phase: the state auth.c owns for pap.c, chap.c
 * and chap_ms.c, and the services auth.c gives them (secrets, names, the
 * outcome of each direction, MPPE keys).
 */
#ifndef UPPP_SRC_AUTH_INT_H
#define UPPP_SRC_AUTH_INT_H

#include "ppp.h"
#include "pap.h"
#include "chap.h"

#include <stdarg.h>

#include <uppp/escape.h>

struct uppp_auth_impl {
    struct uppp_pap_server pap_srv;
    struct uppp_pap_client pap_cli;
    /* The CHAP roles are 2 KB each and a session uses at most one of
     * them in most setups (a server only checks its peers): each is
     * allocated by uppp_auth_start only when LCP agreed its method, and
     * freed (wiped) by uppp_auth_stop. NULL: the role is not in use. */
    struct uppp_chap_server *chap_srv;
    struct uppp_chap_client *chap_cli;
    /* MS-CHAP runs in exactly one direction, so it may give the MPPE keys
     * (pppd ccp.c refuses MPPE when it ran both ways). */
    int keys_wanted;
    struct uppp_keys keys; /* derived, until the session takes them */
    int keys_given;        /* taken: a re-challenge does not replace them */
    /* Authentication goes on: set by start, cleared when a role fails (and
     * by stop). A role that posted failure sends nothing more. */
    int running;
};

static inline struct uppp_auth_impl *uppp_auth_impl(struct uppp_session *s)
{
    return (struct uppp_auth_impl *)s->auth.impl;
}

/* Ask the secrets callback. Returns 0 and fills out, or -1 (out wiped) if
 * there is none. The caller wipes out after use. */
int uppp_auth_get_secret(struct uppp_session *s, unsigned method, int for_peer, const char *client,
                         const char *server, struct uppp_secret *out);

/* Copy a received name field into out (UPPP_AUTH_NAME_MAX + 1 octets) as a
 * C string. Returns 0, or -1 if it is too long or holds a NUL. */
int uppp_auth_copy_name(char *out, const uint8_t *p, size_t len);

/* How long a role waits for the other side before giving up:
 * restart_ms times auth_max_tries (pppd: 3 s x 10). */
uint64_t uppp_auth_wait_ms(const struct uppp_session *s);
uint32_t uppp_auth_restart_ms(const struct uppp_session *s);
int uppp_auth_max_tries(const struct uppp_session *s);

/* Whether authentication goes on: started, and no role has failed. */
int uppp_auth_running(const struct uppp_session *s);

/* Outcome of one direction, posted to the session (handled after the
 * current call into auth returns). peer_ok passes the peer's name. The
 * fail functions take a reason for the session's end (NULL: pppd's
 * "Authentication failed" / "Failed to authenticate ourselves to peer"),
 * and stop authentication (uppp_auth_running() is 0 from then on). */
void uppp_auth_peer_ok(struct uppp_session *s, unsigned method, const char *name);
void uppp_auth_peer_fail(struct uppp_session *s, unsigned method, const char *reason);
void uppp_auth_us_ok(struct uppp_session *s, unsigned method);
void uppp_auth_us_fail(struct uppp_session *s, unsigned method, const char *reason);

/* MS-CHAP succeeded in one direction: derive the MPPE start keys from km
 * (if this is the direction that gives them; the session takes them with
 * the verdict, uppp_auth_take_keys()), then wipe km.
 * is_server: we are the authenticator. */
void uppp_auth_set_keys(struct uppp_session *s, unsigned method, int is_server,
                        struct uppp_chap_keymat *km);

/* MPPE start keys given with a verdict (RADIUS), in place of derived ones:
 * send is ours to encrypt with. Same rules as uppp_auth_set_keys. */
void uppp_auth_set_start_keys(struct uppp_session *s, unsigned method, const uint8_t send[16],
                              const uint8_t recv[16]);

#endif
