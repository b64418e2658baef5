/*
 * A RADIUS client that does no I/O: Identifiers, retransmission and
 * failover across servers on the caller's clock (RFC 2865 sections 2.5 and
 * 3; RFC 5080 section 2.2.1 on keeping the Identifier and authenticator
 * when retransmitting to the same server).
 *
 * The caller submits requests (radius.h) with a handle of its own; the
 * client sends datagrams through the send callback (to server i of the
 * list: the caller owns the sockets and addresses), takes the datagrams
 * that come back with uppp_radius_client_input(), and reports each
 * request's end once through done: a verified, decoded response, or
 * UPPP_ERR_TIMEOUT after every server was tried. A request goes to the
 * server that answered last, is sent there `tries` times `timeout_ms`
 * apart, then to the next server, with a new Identifier and a new Request
 * Authenticator (its secret differs), until each server was tried once.
 *
 * The number of requests in flight is bounded (max_pending, at most 256 so
 * an Identifier is always free on every server). Responses that do not
 * match a pending request, fail the authenticator check or lack a required
 * Message-Authenticator are dropped, counted and logged; the request waits
 * on for a good one.
 */
#ifndef UPPP_RADIUS_CLIENT_H
#define UPPP_RADIUS_CLIENT_H

#include <uppp/radius.h>

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define UPPP_RADIUS_MAX_SERVERS 8
#define UPPP_RADIUS_MAX_PENDING 256

struct uppp_radius_client_config {
    size_t nservers; /* 1..UPPP_RADIUS_MAX_SERVERS */
    struct {
        uint8_t secret[UPPP_RADIUS_SECRET_MAX];
        size_t secret_len; /* 1..UPPP_RADIUS_SECRET_MAX */
    } servers[UPPP_RADIUS_MAX_SERVERS];
    uint32_t timeout_ms; /* between tries; 0: 10 s (radiusclient's radius_timeout) */
    unsigned tries;      /* sends per server; 0: 3 (radius_retries) */
    int allow_no_ma;     /* accept Access responses without Message-Authenticator */
    size_t max_pending;  /* 0: UPPP_RADIUS_MAX_PENDING */
};

struct uppp_radius_client_callbacks {
    void *user;
    /* Fill buf with len random bytes (Request Authenticators, RFC 2865
     * 3 wants them unpredictable); 0 or negative. Required. */
    int (*random)(void *user, void *buf, size_t len);
    /* Put one datagram on the wire to server `server`. Required. */
    void (*send)(void *user, size_t server, const uint8_t *pkt, size_t len);
    /* A request ended: result 0 with the decoded reply (borrowed for the
     * call; its keys are wiped afterwards), or UPPP_ERR_TIMEOUT with reply
     * NULL. Required. May submit and cancel, not delete the client. */
    void (*done)(void *user, uint64_t handle, int result, const struct uppp_radius_reply *reply);
    /* One log line (no newline); NULL: none. */
    void (*log)(void *user, int level, const char *line);
};

struct uppp_radius_client_stats {
    uint64_t sent, retransmits, failovers, timeouts;
    uint64_t dropped_unknown;  /* no pending request with that Identifier */
    uint64_t dropped_bad_auth; /* Response Authenticator or Message-Authenticator wrong */
    uint64_t dropped_no_ma;    /* Message-Authenticator missing but required */
    uint64_t dropped_malformed;
};

struct uppp_radius_client;

/* Returns 0, UPPP_ERR_INVALID (a NULL argument or callback, a server count
 * or secret length out of range) or UPPP_ERR_NOMEM. cfg is copied. */
int uppp_radius_client_new(struct uppp_radius_client **out,
                           const struct uppp_radius_client_config *cfg,
                           const struct uppp_radius_client_callbacks *cb);
/* Wipes the secrets and passwords; done is not called. */
void uppp_radius_client_del(struct uppp_radius_client *c);

/* Send req (copied; its password is wiped from the copy when the request
 * ends) and track it under handle. Returns 0, UPPP_ERR_INVALID,
 * UPPP_ERR_LIMIT (max_pending requests in flight), UPPP_ERR_NOBUF (too big
 * to encode), UPPP_ERR_RANDOM, UPPP_ERR_CRYPTO. */
int uppp_radius_client_submit(struct uppp_radius_client *c, const struct uppp_radius_req *req,
                              uint64_t handle, uint64_t now);
/* Forget every request under handle (its session went away); done is not
 * called for them. Returns 0, or UPPP_ERR_NO_REQUEST if there was none. */
int uppp_radius_client_cancel(struct uppp_radius_client *c, uint64_t handle);

/* A datagram from server `server`. Returns 0 (a request ended: done was
 * called), or why it was dropped: UPPP_ERR_PARSE (malformed),
 * UPPP_ERR_NO_REQUEST (no such request pending on that server),
 * UPPP_ERR_AUTH (bad authenticator, or no Message-Authenticator while one
 * is required), UPPP_ERR_INVALID (bad server index). */
int uppp_radius_client_input(struct uppp_radius_client *c, size_t server, const uint8_t *pkt,
                             size_t len, uint64_t now);

/* Absolute time of the next retransmission or give-up; UINT64_MAX if none. */
uint64_t uppp_radius_client_next_timer(const struct uppp_radius_client *c);
/* Retransmit, fail over, or give up on what is due. Returns 0 or
 * UPPP_ERR_INVALID. */
int uppp_radius_client_handle_timer(struct uppp_radius_client *c, uint64_t now);

size_t uppp_radius_client_pending(const struct uppp_radius_client *c);
void uppp_radius_client_get_stats(const struct uppp_radius_client *c,
                                  struct uppp_radius_client_stats *st);

#ifdef __cplusplus
}
#endif

#endif
