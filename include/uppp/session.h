/*
 * A PPP session that does no I/O (the ngtcp2 model).
 *
 * The caller feeds link bytes (async HDLC, RFC 1662) or whole PPP frames in,
 * together with the current time in milliseconds; frames to send come out
 * through the output callback. IP/IPv6 packets go in with
 * uppp_session_send_ip() and come out through the deliver callback. The
 * session says when its next timer expires (uppp_session_next_timer()) and
 * the caller calls uppp_session_handle_timer() then. Randomness, secrets
 * and logging come through callbacks, so tests are deterministic and the
 * daemon can use getrandom() and its secrets files: the library makes no
 * system call.
 *
 * Everything runs in the caller's thread, inside the call that fed it; the
 * callbacks must not re-enter the session except through send_ip.
 */
#ifndef UPPP_SESSION_H
#define UPPP_SESSION_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* PPP protocol numbers (RFC 1661 section 2, RFC 1700 / IANA). */
enum uppp_proto {
    UPPP_PROTO_IP = 0x0021,
    UPPP_PROTO_IPV6 = 0x0057,
    UPPP_PROTO_COMP = 0x00fd, /* compressed/encrypted datagram (RFC 1962) */
    UPPP_PROTO_IPCP = 0x8021,
    UPPP_PROTO_IPV6CP = 0x8057,
    UPPP_PROTO_CCP = 0x80fd,
    UPPP_PROTO_LCP = 0xc021,
    UPPP_PROTO_PAP = 0xc023,
    UPPP_PROTO_LQR = 0xc025,
    UPPP_PROTO_CHAP = 0xc223,
    UPPP_PROTO_EAP = 0xc227,
};

/* Authentication methods, as bits so a configuration can allow several. */
enum uppp_auth {
    UPPP_AUTH_NONE = 0,
    UPPP_AUTH_PAP = 1 << 0,
    UPPP_AUTH_CHAP_MD5 = 1 << 1,
    UPPP_AUTH_MSCHAP_V1 = 1 << 2,
    UPPP_AUTH_MSCHAP_V2 = 1 << 3,
    UPPP_AUTH_ALL = 0xf,
};

/* MPPE policy (pppd 2.4.9 semantics plus our additions). */
enum uppp_mppe_policy {
    UPPP_MPPE_OFF = 0,      /* nomppe: never negotiate it */
    UPPP_MPPE_ALLOWED = 1,  /* accept if the peer asks (pppd's default) */
    UPPP_MPPE_OPTIONAL = 2, /* request it; run in the clear, with a warning, if refused */
    UPPP_MPPE_REQUIRED = 3, /* require-mppe: no network traffic without it */
};

enum uppp_framing {
    UPPP_FRAMING_ASYNC_HDLC = 0, /* byte stream: flags, escapes, FCS (RFC 1662) */
    UPPP_FRAMING_NONE = 1,       /* whole PPP frames in and out (PPTP, tests) */
};

enum uppp_phase {
    UPPP_PHASE_DEAD = 0,
    UPPP_PHASE_ESTABLISH,
    UPPP_PHASE_AUTHENTICATE,
    UPPP_PHASE_NETWORK,
    UPPP_PHASE_RUNNING, /* Network, with at least one network protocol up */
    UPPP_PHASE_TERMINATE,
};

/* Why a session ended, with pppd's exit status for each (man pppd). */
enum uppp_end {
    UPPP_END_NONE = 0, /* still running */
    UPPP_END_OK = 0,
    UPPP_END_FATAL = 1,
    UPPP_END_USER_REQUEST = 5,        /* we closed it (signal) */
    UPPP_END_NEGOTIATION_FAILED = 10, /* LCP/CCP/IPCP failure, MPPE refused */
    UPPP_END_PEER_AUTH_FAILED = 11,   /* the peer failed to authenticate to us */
    UPPP_END_IDLE_TIMEOUT = 12,
    UPPP_END_CONNECT_TIME = 13,
    UPPP_END_NO_ECHO = 15, /* LCP echo failures: peer is dead */
    UPPP_END_HANGUP = 16,  /* link went down / peer terminated */
    UPPP_END_LOOPBACK = 17,
    UPPP_END_AUTH_TOPEER_FAILED = 19, /* we failed to authenticate to the peer */
};

struct uppp_config {
    enum uppp_framing framing;

    /* ---- LCP (RFC 1661 section 6) ---- */
    uint16_t mru;              /* our MRU, default 1500 */
    uint16_t mtu;              /* upper bound on what we send; 0 = peer's MRU */
    uint32_t asyncmap;         /* our receive ACCM, default 0 */
    int no_pcomp;              /* don't request/accept PFC */
    int no_accomp;             /* don't request/accept ACFC */
    int no_magic;              /* don't request a Magic-Number */
    uint32_t echo_interval_ms; /* LCP Echo-Request interval; 0 = off */
    int echo_failure;          /* unanswered echoes before the link is dead */
    int max_configure;         /* RFC 1661 Max-Configure, default 10 */
    int max_terminate;         /* default 2 */
    int max_failure;           /* default 5 */
    uint32_t restart_ms;       /* Restart timer, default 3000 */

    /* ---- Authentication ---- */
    unsigned require_auth;     /* methods we demand of the peer (uppp_auth bits) */
    unsigned refuse_auth;      /* methods we refuse to do when the peer asks us */
    char our_name[256];        /* name we use (pppd "name"/"user") */
    char remote_name[256];     /* name we expect the authenticator to use ("remotename") */
    int strip_domain;          /* chapms-strip-domain: drop DOMAIN\ from names */
    int mschap_win98_flags;    /* omit M= in MS-CHAP Success/Failure (Win98 peers) */
    uint32_t chap_interval_ms; /* re-challenge period; 0 = off */
    int auth_max_tries;        /* challenges/requests before giving up, default 10 */
    /* New password for MS-CHAPv2 change-password when the authenticator says
     * E=648 (expired): UTF-8, at most UPPP_NEW_PASSWORD_MAX octets. NULL or
     * empty: a 648 is an ordinary failure. uppp_session_new copies it (and
     * wipes its copy when the session is deleted); a pointer rather than an
     * array so a session does not carry 1 KB for a rarely used option. */
    const char *new_password;

    /* ---- CCP / MPPE (RFC 1962, RFC 3078) ---- */
    int no_ccp;
    enum uppp_mppe_policy mppe;
    unsigned mppe_bits;     /* allowed strengths: bit 0 = 40, 1 = 56, 2 = 128 */
    int mppe_stateful_ok;   /* mppe-stateful: accept a stateful request */
    int mppe_want_stateful; /* request-mppe-stateful: ask for stateful */
    int mppe_rfc_reset;     /* RFC 3078 section 8.2 reset instead of Linux's */
    /* Answer Reset-Requests exactly as Linux does (a key change on the next
     * count) instead of on the next flag packet; see mppe.h. */
    int mppe_linux_exact_reset;
    /* mppc: negotiate MPPC compression (RFC 2118), the C bit of CCP option
     * 18, alone or with MPPE (RFC 3078 section 2). Off by default, as in
     * mpd5. With stateless MPPE the history is flushed every packet. */
    int mppc;

    /* ---- IPCP (RFC 1332, RFC 1877) ---- */
    int no_ip;
    uint32_t ip_local;  /* host order; 0 = let the peer assign (noipdefault) */
    uint32_t ip_remote; /* 0 = accept the peer's */
    int accept_local;   /* ipcp-accept-local */
    int accept_remote;  /* ipcp-accept-remote */
    uint32_t dns[2];    /* ms-dns values we give the peer */
    int use_peer_dns;   /* ask the peer for DNS (usepeerdns) */

    /* ---- IPV6CP (RFC 5072) ---- */
    int ipv6;            /* open IPV6CP */
    uint64_t ipv6_local; /* interface identifier; 0 = random */
    uint64_t ipv6_remote;

    int debug;         /* log every control packet pppd-style through the log callback */
    int show_password; /* log PAP passwords (pppd show-password) */
};

/* Fill cfg with pppd's defaults. */
void uppp_config_init(struct uppp_config *cfg);

/* The longest uppp_config.new_password (octets, without the NUL). */
#define UPPP_NEW_PASSWORD_MAX 1024

enum uppp_secret_kind { UPPP_SECRET_NONE = 0, UPPP_SECRET_PASSWORD, UPPP_SECRET_NTHASH };

struct uppp_secret {
    enum uppp_secret_kind kind;
    char password[1025]; /* UTF-8, NUL-terminated (PASSWORD) */
    uint8_t nt_hash[16]; /* (NTHASH) */
    /* The password has expired. MS-CHAP (either version) checks it, then
     * answers E=648 and accepts a password change (RFC 2759 section 7,
     * RFC 2433 section 10) through set_password; PAP and CHAP-MD5, which
     * cannot change it, fail. Ignored when we prove ourselves. */
    int expired;
};

/* What the session asks the secrets callback for. For our own credentials
 * (we authenticate to the peer) client is our name and server is the
 * authenticator's name; for checking the peer, client is the name it sent
 * and server is our name. */
struct uppp_secret_query {
    unsigned method; /* one uppp_auth bit */
    int for_peer;    /* 1: to verify the peer; 0: to prove ourselves */
    const char *client;
    const char *server;
};

enum uppp_log_level {
    UPPP_LOG_ERR = 3,
    UPPP_LOG_WARN = 4,
    UPPP_LOG_NOTICE = 5,
    UPPP_LOG_INFO = 6,
    UPPP_LOG_DEBUG = 7
};

enum uppp_event_type {
    UPPP_EVENT_PHASE,   /* phase changed */
    UPPP_EVENT_AUTH_UP, /* an authentication direction succeeded */
    UPPP_EVENT_CCP_UP,  /* compression/encryption negotiated */
    UPPP_EVENT_CCP_DOWN,
    UPPP_EVENT_IP_UP, /* IPCP opened: addresses known */
    UPPP_EVENT_IP_DOWN,
    UPPP_EVENT_IPV6_UP,
    UPPP_EVENT_IPV6_DOWN,
    UPPP_EVENT_DEAD, /* the session ended; see uppp_status.end */
};

struct uppp_event {
    enum uppp_event_type type;
    enum uppp_phase phase;
};

/* The peer's PAP Authenticate-Request or its answer to our CHAP Challenge
 * (CHAP-MD5, MS-CHAPv1, MS-CHAPv2), for a caller that checks it elsewhere
 * (a RADIUS server: the fields map to User-Password, CHAP-Challenge/
 * CHAP-Password, MS-CHAP-Challenge/MS-CHAP-Response and
 * MS-CHAP2-Response, RFC 2865, RFC 2548). Borrowed for the call only:
 * a PAP password must be copied, used and wiped by the callee. */
struct uppp_auth_request {
    unsigned method;  /* one uppp_auth bit */
    const char *name; /* the Name the peer sent, as sent (NUL-free, C string) */
    const char *user; /* the name to look up (domain stripped under strip_domain) */
    uint8_t id;       /* the CHAP Identifier */
    /* our challenge: 16 octets (MS-CHAPv2), 8 (v1), 16..23 (MD5); PAP: none */
    const uint8_t *challenge;
    size_t challenge_len;
    /* the Response Value: 16 octets (MD5), 49 (MS-CHAP v1/v2); PAP: the
     * password */
    const uint8_t *response;
    size_t response_len;
};

/* The verdict on a uppp_auth_request, given later with
 * uppp_session_auth_verdict(). */
struct uppp_auth_verdict {
    int ok; /* the peer is authenticated */
    /* The Message of our Success/Failure (PAP: Ack/Nak), as the server
     * gave it (MS-CHAPv2
     * success: "S=<40 hex> M=..." from MS-CHAP2-Success; failure:
     * "E=691 R=0 C=... V=3 M=..."). NULL: "Access granted"/"Access denied",
     * or for MS-CHAP failures our own E=691 text. An MS-CHAPv2 success
     * needs it (the peer checks S=). */
    const char *message;
    /* MPPE start keys (RFC 3079; RADIUS MS-MPPE-Send-Key/Recv-Key, 16
     * octets each): send_key is the one we encrypt with. NULL: none (no
     * MPPE unless it is optional). MS-CHAPv1's LAN Manager key cannot be
     * given: 40/56-bit MPPE is then disabled. */
    const uint8_t *send_key;
    const uint8_t *recv_key;
};

/* What LCP agreed for the link, for a transport that needs it: PPTP's
 * Set-Link-Info carries the ACCMs to the PAC's HDLC side (RFC 2637 section
 * 2.15). Before LCP opens and after it leaves Opened: all-ones ACCMs, no
 * compression (RFC 1662 section 7.1). */
struct uppp_link_params {
    uint32_t send_accm; /* ACCM of what we send (the peer asked for it) */
    uint32_t recv_accm; /* ACCM of what we receive (we asked for it) */
    int pfc;            /* we send PPP protocol fields compressed (RFC 1661 6.5) */
    int acfc;           /* we omit Address and Control (RFC 1661 6.6) */
};

struct uppp_callbacks {
    void *user;
    /* Bytes (async HDLC) or one PPP frame (framing none) to put on the link. */
    void (*output)(void *user, const uint8_t *data, size_t len);
    /* A received IP (0x0021) or IPv6 (0x0057) packet. */
    void (*deliver)(void *user, uint16_t proto, const uint8_t *pkt, size_t len);
    void (*event)(void *user, const struct uppp_event *ev);
    /* Fill buf with len random bytes; return 0 or a negative error.
     * Required (magic numbers, challenges, IPv6 identifiers). */
    int (*random)(void *user, void *buf, size_t len);
    /* Look up a secret. Return 0 and fill out, or a negative value if none. */
    int (*get_secret)(void *user, const struct uppp_secret_query *q, struct uppp_secret *out);
    /* May the authenticated peer `peer` use address `addr` (host order)?
     * NULL: any address is allowed. */
    int (*check_addr)(void *user, const char *peer, uint32_t addr);
    /* One log line, without newline. NULL: no logging. */
    void (*log)(void *user, int level, const char *line);
    /* MS-CHAP change-password: the peer q->client, whose secret was marked
     * expired, chose a new password and proved it knows the old one (q has
     * for_peer 1 and server = our name). new_secret->nt_hash always holds
     * the new NT hash; new_secret->kind is UPPP_SECRET_PASSWORD with the
     * UTF-8 password in new_secret->password when the peer's UTF-16 is well
     * formed, else UPPP_SECRET_NTHASH. Return 0 to store it (the peer is
     * then authenticated with it), or a negative value to refuse (the peer
     * gets E=709). NULL: every change is refused. */
    int (*set_password)(void *user, const struct uppp_secret_query *q,
                        const struct uppp_secret *new_secret);
    /* LCP opened or left Opened: the link parameters it agreed, for the
     * transport (see struct uppp_link_params). With async HDLC the session
     * applies them itself. NULL: not needed. */
    void (*link_params)(void *user, const struct uppp_link_params *p);
    /* Check the peer's PAP request or CHAP response elsewhere (RADIUS).
     * Called instead of get_secret when it arrives; return 0 to answer later with
     * uppp_session_auth_verdict() (the session keeps running meanwhile:
     * timers, LCP echoes; a repeated Response is not passed on again), or
     * a negative value to check it with get_secret as usual. NULL: always
     * get_secret. A password change (E=648) needs get_secret. */
    int (*auth_request)(void *user, const struct uppp_auth_request *req);
};

/* Everything negotiated so far, and counters. */
struct uppp_status {
    enum uppp_phase phase;
    enum uppp_end end; /* UPPP_END_NONE while the session runs */
    char reason[160];  /* why it ended, pppd-style */

    unsigned auth_peer;  /* method the peer authenticated with (to us) */
    unsigned auth_us;    /* method we authenticated with (to the peer) */
    char peer_name[256]; /* name the peer authenticated as, as sent: escape it to log it */

    int mppe_bits; /* 0 if MPPE is off, else 40/56/128 */
    int mppe_stateless;
    int mppc;                     /* MPPC compression (RFC 2118): bit 0 we send, bit 1 we receive */
    uint32_t ip_local, ip_remote; /* host order */
    uint32_t dns[2];
    int ipv6_up;
    uint64_t ipv6_local, ipv6_remote;
    uint16_t peer_mru;
    uint16_t ip_mtu; /* MTU for the IP layer (MPPE overhead removed) */

    uint64_t bytes_in, bytes_out;     /* link bytes */
    uint64_t packets_in, packets_out; /* IP packets delivered / sent */
    uint64_t dropped_clear;           /* network packets dropped: clear while MPPE on */
    uint64_t dropped_clear_in;        /* of those, clear ones received from the peer */
    uint64_t dropped_other;           /* dropped: no NCP, too big, decrypt failures */
    uint64_t mppe_resets_sent, mppe_resets_rcvd, mppe_resyncs;
    uint64_t bad_fcs, bad_frames;
};

struct uppp_session;

/* Every function below that returns int returns 0 or a negative uppp_err
 * (uppp/err.h); each comment lists the codes. A NULL session is always
 * UPPP_ERR_INVALID. Calls on a session that has ended (uppp_status.end set,
 * uppp_session_is_dead()) do nothing and return 0 unless said otherwise. */

/* Create a session. cfg is copied; cb is copied. cb->random is required:
 * the library has no random source of its own. Returns 0, UPPP_ERR_NOMEM,
 * UPPP_ERR_INVALID (NULL argument, no random callback, inconsistent
 * configuration, a new_password longer than UPPP_NEW_PASSWORD_MAX) or UPPP_ERR_CRYPTO_UNAVAILABLE
 * when MS-CHAP or MPPE is configured and the crypto backend cannot load. */
int uppp_session_new(struct uppp_session **out, const struct uppp_config *cfg,
                     const struct uppp_callbacks *cb);
void uppp_session_del(struct uppp_session *s);

/* The link is up: start LCP. Returns 0, or UPPP_ERR_INVALID (the session
 * has already ended: a session runs once). */
int uppp_session_start(struct uppp_session *s, uint64_t now);
/* Close administratively (LCP Terminate-Request carrying reason). Returns
 * 0 or UPPP_ERR_INVALID. */
int uppp_session_close(struct uppp_session *s, const char *reason, uint64_t now);
/* Close for a reason of the caller's with its pppd exit status (idle
 * timeout 12, connect time 13, hangup signal 16, ...). Returns 0 or
 * UPPP_ERR_INVALID. */
int uppp_session_close_end(struct uppp_session *s, enum uppp_end end, const char *reason,
                           uint64_t now);
/* The lower layer went away (EOF, hangup): the session ends at once. */
void uppp_session_hangup(struct uppp_session *s, uint64_t now);

/* Feed link bytes (async HDLC framing; with framing none, one whole frame
 * as uppp_session_input_frame()). Returns 0 or UPPP_ERR_INVALID (NULL data
 * with a length). Bad frames are counted, never returned as errors. */
int uppp_session_input(struct uppp_session *s, const uint8_t *data, size_t len, uint64_t now);
/* Feed one whole PPP frame (framing none): optional FF 03, protocol, info.
 * Returns 0 or UPPP_ERR_INVALID. */
int uppp_session_input_frame(struct uppp_session *s, const uint8_t *frame, size_t len,
                             uint64_t now);

/* Send an IP (0x0021) or IPv6 (0x0057) packet. Returns 0 if it was sent;
 * UPPP_ERR_DROPPED if it was dropped and counted because it cannot go now
 * (its network protocol is not up, the session has ended, or MPPE is
 * required and not up: never in the clear); UPPP_ERR_INVALID for another
 * protocol or a NULL packet; UPPP_ERR_NOBUF if it is larger than the MTU. */
int uppp_session_send_ip(struct uppp_session *s, uint16_t proto, const uint8_t *pkt, size_t len,
                         uint64_t now);

/* The verdict on the pending uppp_auth_request: answers the peer (Success
 * or Failure with v->message) and goes on as a synchronous check would.
 * Returns 0; UPPP_ERR_INVALID (NULL s or v); UPPP_ERR_NO_REQUEST when no
 * request is pending (answered already, or the link went down meanwhile:
 * the verdict is void). */
int uppp_session_auth_verdict(struct uppp_session *s, const struct uppp_auth_verdict *v,
                              uint64_t now);

/* What an authentication back end grants the peer it authenticates
 * (RADIUS Framed-IP-Address, Framed-MTU, MS-MPPE-Encryption-Policy and
 * -Types, RFC 2865 5.8/5.12, RFC 2548 2.4.4-2.4.5). Zero fields change
 * nothing. */
struct uppp_peer_limits {
    uint32_t ip_remote; /* the peer's address (host order), as if configured */
    uint16_t mtu;       /* lower our MTU to this */
    unsigned mppe_bits; /* allowed strengths (bit 0 = 40, 1 = 56, 2 = 128), ANDed in */
    int mppe_required;  /* encryption required for this peer */
};

/* Apply l before the network phase, typically just before
 * uppp_session_auth_verdict(). Returns 0; UPPP_ERR_INVALID (NULL argument,
 * or limits that cannot be met: encryption required with noccp or with no
 * strength left); UPPP_ERR_PROTO (the network phase has begun). Nothing
 * is applied on an error. */
int uppp_session_set_peer_limits(struct uppp_session *s, const struct uppp_peer_limits *l);

/* Renegotiate CCP (pppd's SIGUSR2). Returns 0 or UPPP_ERR_INVALID. */
int uppp_session_renegotiate_ccp(struct uppp_session *s, uint64_t now);

/* When the next timer expires (absolute ms), or UINT64_MAX if none. */
uint64_t uppp_session_next_timer(const struct uppp_session *s);
/* Run the timers that are due at now. Returns 0 or UPPP_ERR_INVALID. */
int uppp_session_handle_timer(struct uppp_session *s, uint64_t now);

void uppp_session_status(const struct uppp_session *s, struct uppp_status *st);
int uppp_session_is_dead(const struct uppp_session *s);

const char *uppp_phase_name(enum uppp_phase p);

#ifdef __cplusplus
}
#endif

#endif
