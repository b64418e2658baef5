/*
 * CHAP (RFC 1994) wire format, and the per-role state of CHAP with each of
 * its algorithms: MD5 (RFC 1994), MS-CHAPv1 (RFC 2433) and MS-CHAPv2
 * (RFC 2759). chap.c runs the exchange; chap_ms.c holds what is specific to
 * Microsoft's variants (chap_ms.h has their wire constants).
 */
#ifndef UPPP_SRC_CHAP_H
#define UPPP_SRC_CHAP_H

#include <stddef.h>
#include <stdint.h>

/* RFC 1994 section 4: packet codes. MS-CHAP adds change-password codes:
 * 5 and 6 (RFC 2433 sections 9 and 10) and 7 (RFC 2759 section 7). */
enum uppp_chap_code {
    UPPP_CHAP_CHALLENGE = 1,
    UPPP_CHAP_RESPONSE = 2,
    UPPP_CHAP_SUCCESS = 3,
    UPPP_CHAP_FAILURE = 4,
    UPPP_CHAP_MSV1_CHPW1 = 5, /* deprecated (RFC 2433 section 9): never sent, ignored */
    UPPP_CHAP_MSV1_CHPW2 = 6,
    UPPP_CHAP_MSV2_CHPW = 7,
};

#define UPPP_CHAP_HDRLEN 4 /* code, identifier, length (RFC 1994 section 4) */

/* RFC 1994 section 4.1: MD5 response value; pppd (chap-md5.c) sends
 * challenges of 16 to 23 random octets, and so do we. */
#define UPPP_CHAP_MD5_RESPONSE_LEN 16
#define UPPP_CHAP_MD5_MIN_CHALLENGE 16
#define UPPP_CHAP_MD5_MAX_CHALLENGE 23
#define UPPP_CHAP_MAX_CHALLENGE 24
/* RFC 1994 4.1 bounds a received challenge only by its one-octet size. */
#define UPPP_CHAP_MAX_RX_CHALLENGE 255

/* pppd's messages for CHAP-MD5 and MS-CHAPv1 Success/Failure. */
#define UPPP_CHAP_MSG_GRANTED "Access granted"
#define UPPP_CHAP_MSG_DENIED "Access denied"

#define UPPP_AUTH_NAME_MAX 255 /* names we accept or send (pppd MAXNAMELEN 256) */

/* Largest CHAP packet we build: the MS-CHAPv1 Change-Password (version 2)
 * packet, 1118 octets (RFC 2433 section 10). */
#define UPPP_CHAP_MAX_PKT 1120
#define UPPP_CHAP_MAX_MSG 256

struct uppp_session;

/* What MS-CHAP leaves for the MPPE keys (RFC 3079), wiped once used. */
struct uppp_chap_keymat {
    int have;
    uint8_t challenge[8];    /* MS-CHAPv1: the authenticator's challenge */
    uint8_t nt_response[24]; /* MS-CHAPv2 */
    uint8_t pw_hash[16];     /* NtPasswordHash */
    int have_lm;
    uint8_t lm_hash[16]; /* LmPasswordHash, MS-CHAPv1 with a plaintext password */
};

enum uppp_chaps_state {
    UPPP_CHAPS_IDLE = 0,
    UPPP_CHAPS_CHALLENGED, /* Challenge sent, waiting for the Response */
    UPPP_CHAPS_CHPW,       /* E=648 sent, waiting for a Change-Password packet */
    UPPP_CHAPS_PENDING,    /* the Response went to the caller (auth_request): its verdict */
    UPPP_CHAPS_OPEN,       /* the peer authenticated */
    UPPP_CHAPS_BAD,        /* the peer failed */
};

/* Authenticator. */
struct uppp_chap_server {
    enum uppp_chaps_state state;
    unsigned method;
    uint8_t id; /* identifier of the current Challenge (and of a pending Response) */
    uint8_t challenge[UPPP_CHAP_MAX_CHALLENGE];
    size_t challenge_len;
    int xmits;
    uint64_t deadline;    /* retransmission or give-up time; 0 = none */
    uint64_t rechallenge; /* next re-authentication (chap_interval_ms); 0 = none */
    int authenticated;    /* the peer has succeeded once: a later failure is a re-challenge's */

    /* The answer to the last Response or Change-Password packet, kept so a
     * retransmission of it gets the very same answer (RFC 1994 4.2). */
    int answered;
    uint8_t answered_code; /* code of the packet answered */
    uint8_t answered_id;
    uint8_t reply_code; /* Success or Failure */
    char reply[UPPP_CHAP_MAX_MSG];
    size_t reply_len;

    int ms_flags;                      /* MS-CHAPv2 Flags octet of the Response (Win98 sets it) */
    char peer[UPPP_AUTH_NAME_MAX + 1]; /* Name field of the Response, as sent */
    char user[UPPP_AUTH_NAME_MAX + 1]; /* the name we looked up (domain stripped if asked) */
    /* user escaped (escape.h): the only form of it that goes into a log line */
    char shown[UPPP_AUTH_NAME_MAX * 4 + 1];

    /* Password change (RFC 2759 7, RFC 2433 10). */
    uint8_t chpw_id;            /* the identifier the Change-Password must carry */
    uint8_t chpw_challenge[16]; /* MS-CHAPv2: C= of our E=648 Failure */
    uint8_t old_hash[16];       /* NtPasswordHash of the expired password */

    struct uppp_chap_keymat km;
};

enum uppp_chapc_state {
    UPPP_CHAPC_IDLE = 0,
    UPPP_CHAPC_WAIT,      /* waiting for a Challenge */
    UPPP_CHAPC_RESPONDED, /* Response sent, waiting for Success/Failure */
    UPPP_CHAPC_CHPW,      /* Change-Password sent */
    UPPP_CHAPC_OPEN,      /* authenticated (a re-challenge may come) */
    UPPP_CHAPC_BAD,
};

/* Peer. */
struct uppp_chap_client {
    enum uppp_chapc_state state;
    unsigned method;
    uint8_t id; /* identifier of the Challenge answered */
    uint8_t challenge[UPPP_CHAP_MAX_RX_CHALLENGE];
    size_t challenge_len;
    /* The last packet we sent (Response or Change-Password), resent on the
     * timer and for a retransmitted Challenge. */
    uint8_t pkt[UPPP_CHAP_MAX_PKT];
    size_t pkt_len;
    int xmits;
    uint64_t deadline;
    char server[UPPP_AUTH_NAME_MAX + 1]; /* authenticator's name for the secrets lookup */

    /* MS-CHAPv2 mutual authentication: what the Success's S= is checked
     * against. */
    uint8_t peer_challenge[16];
    uint8_t auth_challenge[16];
    uint8_t pw_hash[16];
    uint8_t nt_response[24];
    uint8_t chpw_id;
    int use_new; /* we changed our password: answer later Challenges with cfg.new_password */

    struct uppp_chap_keymat km;
};

void uppp_chap_server_start(struct uppp_session *s, unsigned method);
void uppp_chap_client_start(struct uppp_session *s, unsigned method);
void uppp_chap_input(struct uppp_session *s, uint8_t code, uint8_t id, const uint8_t *p,
                     size_t len);
void uppp_chap_timer(struct uppp_session *s, uint64_t now);

/* Peer: build packet (code, id, data) into cs->pkt, send it, and resend it
 * on the Restart timer until it is answered. */
void uppp_chap_client_send(struct uppp_session *s, struct uppp_chap_client *cs, uint8_t code,
                           uint8_t id, const uint8_t *data, size_t len);

/* Send a CHAP packet: code, id, then the data. */
void uppp_chap_send(struct uppp_session *s, uint8_t code, uint8_t id, const uint8_t *data,
                    size_t len);

/* "CHAP" / "MS-CHAP" / "MS-CHAP-v2" as pppd names them. */
const char *uppp_chap_method_name(unsigned method);

/* The caller's verdict on the pending Response (see struct
 * uppp_auth_verdict). Returns 0 or UPPP_ERR_NO_REQUEST. */
struct uppp_auth_verdict;
int uppp_chap_verdict(struct uppp_session *s, const struct uppp_auth_verdict *v);

#endif
