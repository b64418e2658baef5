/*
 * MS-CHAPv1 (RFC 2433) and MS-CHAPv2 (RFC 2759) on top of CHAP: wire
 * constants of the Response, Success, Failure and Change-Password packets,
 * and the steps chap.c hands to chap_ms.c. The arithmetic itself is in
 * include/uppp/mschap.h.
 */
#ifndef UPPP_SRC_CHAP_MS_H
#define UPPP_SRC_CHAP_MS_H

#include "chap.h"

#include <uppp/session.h>

#include <stddef.h>
#include <stdint.h>

/* RFC 2433 section 6: the MS-CHAPv1 Response value. */
#define UPPP_MSV1_RESPONSE_LEN 49
#define UPPP_MSV1_LM_RESP 0  /* 24 octets, deprecated: we send zeros */
#define UPPP_MSV1_NT_RESP 24 /* 24 octets */
#define UPPP_MSV1_USE_NT 48  /* 1 octet: 1 = use the NT response */

/* RFC 2759 section 4: the MS-CHAPv2 Response value. */
#define UPPP_MSV2_RESPONSE_LEN 49
#define UPPP_MSV2_PEER_CHAL 0 /* 16 octets */
#define UPPP_MSV2_RESERVED 16 /* 8 octets, zero */
#define UPPP_MSV2_NT_RESP 24  /* 24 octets */
#define UPPP_MSV2_FLAGS 48    /* 1 octet, zero (Win98 sets 4: see chap_ms.c) */

/* RFC 2759 section 7: Change-Password (code 7) after the header. */
#define UPPP_MSV2_CHPW_LEN 582
#define UPPP_MSV2_CHPW_ENC_PW 0      /* 516: new password, PWBLOCK under the old hash */
#define UPPP_MSV2_CHPW_ENC_HASH 516  /* 16: old hash encrypted with the new */
#define UPPP_MSV2_CHPW_PEER_CHAL 532 /* 16 */
#define UPPP_MSV2_CHPW_RESERVED 548  /* 8, zero */
#define UPPP_MSV2_CHPW_NT_RESP 556   /* 24: on the new password and C= */
#define UPPP_MSV2_CHPW_FLAGS 580     /* 2, zero */

/* RFC 2433 section 10: Change Password version 2 (code 6) after the header. */
#define UPPP_MSV1_CHPW_LEN 1114
#define UPPP_MSV1_CHPW_ENC_PW 0         /* 516: new password, PWBLOCK under the old NT hash */
#define UPPP_MSV1_CHPW_ENC_HASH 516     /* 16: old NT hash encrypted with the new */
#define UPPP_MSV1_CHPW_LM_ENC_PW 532    /* 516: deprecated, zero */
#define UPPP_MSV1_CHPW_LM_ENC_HASH 1048 /* 16: deprecated, zero */
#define UPPP_MSV1_CHPW_LM_RESP 1064     /* 24: deprecated, zero */
#define UPPP_MSV1_CHPW_NT_RESP 1088     /* 24: on the new password, same challenge */
#define UPPP_MSV1_CHPW_FLAGS 1112       /* 2: bit 0 = use the NT response */

/* RFC 2433 section 8, RFC 2759 section 6: Failure error codes. */
enum uppp_mschap_error {
    UPPP_MSCHAP_E_RESTRICTED_LOGON_HOURS = 646,
    UPPP_MSCHAP_E_ACCT_DISABLED = 647,
    UPPP_MSCHAP_E_PASSWD_EXPIRED = 648,
    UPPP_MSCHAP_E_NO_DIALIN_PERMISSION = 649,
    UPPP_MSCHAP_E_AUTHENTICATION_FAILURE = 691,
    UPPP_MSCHAP_E_CHANGING_PASSWORD = 709,
};

/* Change-password versions announced in V= (RFC 2433 section 8: 2 for the
 * code-6 packet; RFC 2759 section 6: 3 for MS-CHAPv2's code 7). */
#define UPPP_MSV1_CHPW_VERSION 2
#define UPPP_MSV2_CHPW_VERSION 3

#define UPPP_MSCHAP_MSG_FAILED "Authentication failed"

enum uppp_chapms_verdict {
    UPPP_CHAPMS_OK = 0,
    UPPP_CHAPMS_FAIL = 1,
    UPPP_CHAPMS_EXPIRED = 2, /* right password, but expired: E=648 sent */
};

struct uppp_session;

/* Authenticator: write the Failure message for error (E=) into ss->reply,
 * with challenge chal as C= (RFC 2433 section 8, RFC 2759 section 6). */
void uppp_chapms_set_failure(struct uppp_session *s, struct uppp_chap_server *ss, int error,
                             const uint8_t *chal);

/* Authenticator: check the Response value val (vlen octets) to ss's
 * challenge against sec; write the Success or Failure message into
 * ss->reply and, on success, the key material into ss->km. Returns a
 * uppp_chapms_verdict. */
int uppp_chapms_verify(struct uppp_session *s, struct uppp_chap_server *ss, const uint8_t *val,
                       size_t vlen, const struct uppp_secret *sec);

/* Authenticator in state CHPW: check a Change-Password packet (code 6 or 7,
 * data p of len octets), hand the new password to the set_password
 * callback, and write the answer into ss->reply. Returns UPPP_CHAPMS_OK or
 * UPPP_CHAPMS_FAIL, or -1 if the packet is too short (it is dropped). */
int uppp_chapms_change_password(struct uppp_session *s, struct uppp_chap_server *ss, uint8_t code,
                                const uint8_t *p, size_t len);

/* Peer: the Response value (49 octets) to cs->challenge. Returns 0, or a
 * negative uppp_err (logged). */
int uppp_chapms_make_response(struct uppp_session *s, struct uppp_chap_client *cs,
                              const struct uppp_secret *sec, uint8_t out[49]);

/* Peer: a Success message. MS-CHAPv2 checks the authenticator response
 * (RFC 2759 section 5). Returns 0 if it is accepted, -1 if not (logged). */
int uppp_chapms_check_success(struct uppp_session *s, struct uppp_chap_client *cs,
                              const uint8_t *msg, size_t len);

/* Peer: a Failure message (id: its identifier). Logs the error in words.
 * Returns 1 if a Change-Password packet went out instead (E=648 and
 * cfg.new_password), 0 if authentication has failed; then reason holds why. */
int uppp_chapms_handle_failure(struct uppp_session *s, struct uppp_chap_client *cs, uint8_t id,
                               const uint8_t *msg, size_t len, char *reason, size_t cap);

#endif
