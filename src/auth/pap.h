/*
 * PAP, the Password Authentication Protocol (RFC 1334 section 2): wire
 * format and the state of each role. pap.c runs both roles; auth.c owns the
 * state and drives the timers.
 */
#ifndef UPPP_SRC_PAP_H
#define UPPP_SRC_PAP_H

#include <stddef.h>
#include <stdint.h>

/* RFC 1334 section 2.2: packet codes. */
enum uppp_pap_code {
    UPPP_PAP_AUTHREQ = 1,
    UPPP_PAP_AUTHACK = 2,
    UPPP_PAP_AUTHNAK = 3,
};

#define UPPP_PAP_HDRLEN 4 /* code, identifier, length (RFC 1334 section 2.2) */
/* Peer-ID and Password each have a one-octet length (RFC 1334 2.2.1). */
#define UPPP_PAP_MAX_FIELD 255

/* The messages pppd puts in Authenticate-Ack and -Nak (auth.c
 * check_passwd), so a peer's log reads the same with either of us. */
#define UPPP_PAP_MSG_ACK "Login ok"
#define UPPP_PAP_MSG_NAK "Login incorrect"

struct uppp_session;

/* Authenticator: waits for an Authenticate-Request. */
enum uppp_pap_srv_state {
    UPPP_PAPS_IDLE = 0,
    UPPP_PAPS_LISTEN,
    UPPP_PAPS_PENDING, /* the request went to the caller (auth_request): its verdict */
    UPPP_PAPS_OPEN,
    UPPP_PAPS_BAD
};

struct uppp_pap_server {
    enum uppp_pap_srv_state state;
    uint64_t deadline; /* give up waiting for a request (or a verdict); 0 = none */
    /* A request waiting for the caller's verdict: its identifier and name. */
    uint8_t id;
    char user[256];
};

/* Peer: sends Authenticate-Requests until answered. */
enum uppp_pap_cli_state { UPPP_PAPC_IDLE = 0, UPPP_PAPC_PENDING, UPPP_PAPC_OPEN, UPPP_PAPC_BAD };

struct uppp_pap_client {
    enum uppp_pap_cli_state state;
    uint8_t first_id, id; /* ids of our first and latest request this round */
    int xmits;
    uint64_t deadline; /* next retransmission */
};

void uppp_pap_server_start(struct uppp_session *s);
void uppp_pap_client_start(struct uppp_session *s);
/* A PAP packet: code, id, and the data after the header (len octets). */
void uppp_pap_input(struct uppp_session *s, uint8_t code, uint8_t id, const uint8_t *p, size_t len);
void uppp_pap_timer(struct uppp_session *s, uint64_t now);

/* The caller's verdict on the pending request. Returns 0 or
 * UPPP_ERR_NO_REQUEST. */
struct uppp_auth_verdict;
int uppp_pap_verdict(struct uppp_session *s, const struct uppp_auth_verdict *v);

#endif
