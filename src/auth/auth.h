/*
 * Authentication phase (RFC 1661 section 3.5): PAP (RFC 1334), CHAP-MD5
 * (RFC 1994), MS-CHAPv1 (RFC 2433) and MS-CHAPv2 (RFC 2759), each as
 * authenticator and as peer. auth.c runs both directions and posts each
 * result to the session (UPPP_QEV_AUTH); pap.c and chap.c hold the
 * protocols.
 */
#ifndef UPPP_SRC_AUTH_H
#define UPPP_SRC_AUTH_H

#include <stddef.h>
#include <stdint.h>

struct uppp_session;

struct uppp_keys;

struct uppp_auth_state {
    unsigned peer_method; /* we authenticate the peer with this (0: no) */
    unsigned our_method;  /* we authenticate ourselves with this (0: no) */
    void *impl;           /* protocol state, owned by auth.c */
};

void uppp_auth_init(struct uppp_session *s);
/* LCP is up: start authenticating the peer with peer_method and/or
 * ourselves with our_method (uppp_auth bits, 0 for none). */
void uppp_auth_start(struct uppp_session *s, unsigned peer_method, unsigned our_method);
/* A PAP or CHAP packet (code onward). */
void uppp_auth_input(struct uppp_session *s, uint16_t proto, const uint8_t *pkt, size_t len);
void uppp_auth_timer(struct uppp_session *s, uint64_t now);
uint64_t uppp_auth_deadline(const struct uppp_session *s);
/* The peer Protocol-Rejected PAP or CHAP (proto): the role using it fails
 * at once, as in pppd. */
void uppp_auth_protreject(struct uppp_session *s, uint16_t proto);
/* LCP went down: stop, forget (keys included). */
void uppp_auth_stop(struct uppp_session *s);
/* Move the MPPE start keys MS-CHAP derived (RFC 3079) into out and forget
 * them; out is left alone if there are none. Once per LCP session. */
void uppp_auth_take_keys(struct uppp_session *s, struct uppp_keys *out);
/* The caller's verdict on a pending authentication request (public
 * uppp_session_auth_verdict). Returns 0 or UPPP_ERR_NO_REQUEST. */
struct uppp_auth_verdict;
int uppp_auth_verdict(struct uppp_session *s, const struct uppp_auth_verdict *v);
/* Free and wipe everything. */
void uppp_auth_free(struct uppp_session *s);

#endif
