/*
 * LCP (RFC 1661 sections 5 and 6; RFC 1570 for codes 12-13): wire format
 * and per-session state.
 */
#ifndef UPPP_SRC_LCP_H
#define UPPP_SRC_LCP_H

#include "fsm.h"

#include <stdint.h>

/* RFC 1661 section 5: LCP codes beyond the shared 1..7. */
enum uppp_lcp_code {
    UPPP_LCP_PROTREJ = 8,
    UPPP_LCP_ECHOREQ = 9,
    UPPP_LCP_ECHOREP = 10,
    UPPP_LCP_DISCREQ = 11,
    UPPP_LCP_IDENT = 12,   /* RFC 1570 */
    UPPP_LCP_TIMEREM = 13, /* RFC 1570 */
};

/* RFC 1661 section 6: configuration options. */
enum uppp_lcp_opt {
    UPPP_LCP_OPT_MRU = 1,     /* 6.1, length 4 */
    UPPP_LCP_OPT_ACCM = 2,    /* RFC 1662 7.1, length 6 */
    UPPP_LCP_OPT_AUTH = 3,    /* 6.2, length >= 4 */
    UPPP_LCP_OPT_QUALITY = 4, /* 6.3 */
    UPPP_LCP_OPT_MAGIC = 5,   /* 6.4, length 6 */
    UPPP_LCP_OPT_PFC = 7,     /* 6.5, length 2 */
    UPPP_LCP_OPT_ACFC = 8,    /* 6.6, length 2 */
};

/* RFC 1994 section 3 / RFC 2433 / RFC 2759: CHAP algorithm octet. */
enum uppp_chap_alg {
    UPPP_CHAP_MD5 = 5,
    UPPP_CHAP_MSV1 = 0x80,
    UPPP_CHAP_MSV2 = 0x81,
};

#define UPPP_LCP_DEFAULT_MRU 1500
#define UPPP_LCP_MIN_MRU 128      /* pppd's MINMRU */
#define UPPP_LCP_LOOPBACK_FAIL 10 /* pppd: Naks of our magic before "looped back" */

/* The negotiable LCP options, as one side wants or got them. */
struct uppp_lcp_opts {
    int neg_mru;
    uint16_t mru;
    int neg_accm;
    uint32_t accm;
    unsigned auth; /* one uppp_auth bit; 0 = none */
    int neg_magic;
    uint32_t magic;
    int pfc;
    int acfc;
};

struct uppp_lcp {
    struct uppp_fsm fsm;
    struct uppp_lcp_opts want; /* what we request next */
    struct uppp_lcp_opts got;  /* what the peer Acked */
    struct uppp_lcp_opts his;  /* what we Acked of the peer's */
    unsigned auth_left;        /* methods we still may demand (Nak fallback) */
    int loopbacks;             /* Naks/requests carrying our own magic */
    int accm_applies;          /* the transport escapes control characters (HDLC) */

    uint64_t echo_deadline; /* next Echo-Request; 0 = off */
    int echos_pending;      /* unanswered Echo-Requests */
    uint8_t echo_id;
};

/* What the link below and the session need from LCP once it is Opened
 * (values, so no one reads LCP's state). */
struct uppp_lcp_link {
    uint32_t tx_accm, rx_accm; /* RFC 1662 7.1; all ones until Opened */
    int tx_pfc, tx_acfc;       /* the peer asked for PFC/ACFC (RFC 1661 6.5, 6.6) */
    unsigned peer_auth;        /* we authenticate the peer with this (0: no) */
    unsigned our_auth;         /* the peer authenticates us with this (0: no) */
};

struct uppp_session;
/* accm_applies: the transport is async HDLC, so the ACCM option means
 * something (RFC 1662 section 7.1); on a frame transport it is Rejected. */
void uppp_lcp_init(struct uppp_session *s, int accm_applies);
/* The negotiated link parameters (defaults when LCP is not Opened). */
void uppp_lcp_link_params(const struct uppp_session *s, struct uppp_lcp_link *p);
/* The peer's MRU: what it named in the request we Acked last, else 1500
 * (RFC 1661 section 6.1). */
uint16_t uppp_lcp_peer_mru(const struct uppp_session *s);
/* Whether LCP is Opened (everything above it runs only then). */
int uppp_lcp_opened(const struct uppp_session *s);
/* The link is up: open LCP (Open + Up). Close administratively with
 * reason (the Terminate-Request's text). The lower layer went away. An LCP
 * packet (code onward). */
void uppp_lcp_open(struct uppp_session *s);
void uppp_lcp_close(struct uppp_session *s, const char *reason);
void uppp_lcp_lower_down(struct uppp_session *s);
void uppp_lcp_input(struct uppp_session *s, const uint8_t *pkt, size_t len);
/* Echo timer. */
void uppp_lcp_timer(struct uppp_session *s, uint64_t now);
uint64_t uppp_lcp_deadline(const struct uppp_session *s);
/* Send a Protocol-Reject for an unsupported protocol (RFC 1661 5.7). */
void uppp_lcp_protreject(struct uppp_session *s, uint16_t proto, const uint8_t *info, size_t len);

#endif
