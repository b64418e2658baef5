/*
 * RADIUS packets without I/O: building requests, checking and decoding
 * responses (RFC 2865 authentication, RFC 2866 accounting, RFC 2548
 * Microsoft attributes, RFC 3579 Message-Authenticator).
 *
 * A request is kept as its attributes in wire form plus, apart, a PAP
 * password: the hidden User-Password (RFC 2865 5.2), the Request
 * Authenticator and the Message-Authenticator depend on the server's secret
 * and on the Identifier, so uppp_radius_encode() builds the datagram anew
 * for every server a request fails over to (radius_client.h does that).
 *
 * Functions return 0 or a negative uppp_err (uppp/err.h); each lists its
 * codes. Nothing here allocates.
 */
#ifndef UPPP_RADIUS_H
#define UPPP_RADIUS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define UPPP_RADIUS_HDR_LEN 20
#define UPPP_RADIUS_AUTH_LEN 16
#define UPPP_RADIUS_MAX_PACKET 4096  /* RFC 2865 section 3 */
#define UPPP_RADIUS_ATTRS_MAX 1500   /* what a request of ours may carry */
#define UPPP_RADIUS_PASSWORD_MAX 128 /* RFC 2865 5.2 */
#define UPPP_RADIUS_SECRET_MAX 128
#define UPPP_RADIUS_MA_LEN 18 /* the Message-Authenticator attribute, RFC 3579 3.2 */

enum uppp_radius_code {
    UPPP_RADIUS_ACCESS_REQUEST = 1,
    UPPP_RADIUS_ACCESS_ACCEPT = 2,
    UPPP_RADIUS_ACCESS_REJECT = 3,
    UPPP_RADIUS_ACCOUNTING_REQUEST = 4,
    UPPP_RADIUS_ACCOUNTING_RESPONSE = 5,
    UPPP_RADIUS_ACCESS_CHALLENGE = 11,
};

/* Attribute types (RFC 2865 section 5, RFC 2866 section 5, RFC 2869). */
enum uppp_radius_attr {
    UPPP_RA_USER_NAME = 1,
    UPPP_RA_USER_PASSWORD = 2,
    UPPP_RA_CHAP_PASSWORD = 3,
    UPPP_RA_NAS_IP_ADDRESS = 4,
    UPPP_RA_NAS_PORT = 5,
    UPPP_RA_SERVICE_TYPE = 6,
    UPPP_RA_FRAMED_PROTOCOL = 7,
    UPPP_RA_FRAMED_IP_ADDRESS = 8,
    UPPP_RA_FRAMED_IP_NETMASK = 9,
    UPPP_RA_FRAMED_MTU = 12,
    UPPP_RA_REPLY_MESSAGE = 18,
    UPPP_RA_CLASS = 25,
    UPPP_RA_VENDOR_SPECIFIC = 26,
    UPPP_RA_SESSION_TIMEOUT = 27,
    UPPP_RA_IDLE_TIMEOUT = 28,
    UPPP_RA_CALLED_STATION_ID = 30,
    UPPP_RA_CALLING_STATION_ID = 31,
    UPPP_RA_NAS_IDENTIFIER = 32,
    UPPP_RA_ACCT_STATUS_TYPE = 40,
    UPPP_RA_ACCT_DELAY_TIME = 41,
    UPPP_RA_ACCT_INPUT_OCTETS = 42,
    UPPP_RA_ACCT_OUTPUT_OCTETS = 43,
    UPPP_RA_ACCT_SESSION_ID = 44,
    UPPP_RA_ACCT_AUTHENTIC = 45,
    UPPP_RA_ACCT_SESSION_TIME = 46,
    UPPP_RA_ACCT_INPUT_PACKETS = 47,
    UPPP_RA_ACCT_OUTPUT_PACKETS = 48,
    UPPP_RA_ACCT_TERMINATE_CAUSE = 49,
    UPPP_RA_ACCT_INPUT_GIGAWORDS = 52,
    UPPP_RA_ACCT_OUTPUT_GIGAWORDS = 53,
    UPPP_RA_CHAP_CHALLENGE = 60,
    UPPP_RA_NAS_PORT_TYPE = 61,
    UPPP_RA_MESSAGE_AUTHENTICATOR = 80,
    UPPP_RA_ACCT_INTERIM_INTERVAL = 85,
};

/* Microsoft vendor attributes (RFC 2548), vendor 311. */
#define UPPP_RADIUS_VENDOR_MICROSOFT 311
enum uppp_radius_ms_attr {
    UPPP_RA_MS_CHAP_RESPONSE = 1,
    UPPP_RA_MS_CHAP_ERROR = 2,
    UPPP_RA_MS_CHAP_MPPE_KEYS = 12,
    UPPP_RA_MS_MPPE_SEND_KEY = 16,
    UPPP_RA_MS_MPPE_RECV_KEY = 17,
    UPPP_RA_MS_MPPE_ENCRYPTION_POLICY = 7,
    UPPP_RA_MS_MPPE_ENCRYPTION_TYPES = 8,
    UPPP_RA_MS_CHAP_CHALLENGE = 11,
    UPPP_RA_MS_CHAP2_RESPONSE = 25,
    UPPP_RA_MS_CHAP2_SUCCESS = 26,
};

/* MS-MPPE-Encryption-Types bits (RFC 2548 2.4.5; 56 bits as pppd). */
#define UPPP_RADIUS_MPPE_TYPE_40 0x2
#define UPPP_RADIUS_MPPE_TYPE_128 0x4
#define UPPP_RADIUS_MPPE_TYPE_56 0x8

/* Acct-Status-Type (RFC 2866 5.1) and Acct-Terminate-Cause (5.10). */
enum uppp_radius_acct_status {
    UPPP_RADIUS_ACCT_START = 1,
    UPPP_RADIUS_ACCT_STOP = 2,
    UPPP_RADIUS_ACCT_INTERIM = 3,
};
enum uppp_radius_term_cause {
    UPPP_RADIUS_TERM_USER_REQUEST = 1,
    UPPP_RADIUS_TERM_LOST_CARRIER = 2,
    UPPP_RADIUS_TERM_IDLE_TIMEOUT = 4,
    UPPP_RADIUS_TERM_SESSION_TIMEOUT = 5,
    UPPP_RADIUS_TERM_ADMIN_RESET = 6,
    UPPP_RADIUS_TERM_NAS_ERROR = 9,
    UPPP_RADIUS_TERM_NAS_REQUEST = 10,
    UPPP_RADIUS_TERM_SERVICE_UNAVAILABLE = 15,
    UPPP_RADIUS_TERM_USER_ERROR = 17,
};

/* A request before a server is chosen. */
struct uppp_radius_req {
    uint8_t code;
    size_t attrs_len;
    uint8_t attrs[UPPP_RADIUS_ATTRS_MAX]; /* wire form, no User-Password */
    size_t password_len;
    int has_password;
    uint8_t password[UPPP_RADIUS_PASSWORD_MAX]; /* PAP: hidden per server */
};

/* Start an empty request (Access-Request or Accounting-Request). */
void uppp_radius_req_init(struct uppp_radius_req *r, uint8_t code);
/* Append one attribute; len 0..253. Returns 0, UPPP_ERR_INVALID (length,
 * or NULL value with a length) or UPPP_ERR_NOBUF (the request is full). */
int uppp_radius_req_add(struct uppp_radius_req *r, uint8_t type, const void *val, size_t len);
/* An Integer/Address/Time attribute (4 octets, network order). Returns as
 * uppp_radius_req_add. */
int uppp_radius_req_add_u32(struct uppp_radius_req *r, uint8_t type, uint32_t v);
/* A Vendor-Specific attribute with one sub-attribute (RFC 2865 5.26);
 * len 0..247. Returns as uppp_radius_req_add. */
int uppp_radius_req_add_vsa(struct uppp_radius_req *r, uint32_t vendor, uint8_t vtype,
                            const void *val, size_t len);
/* The PAP password (1..128 octets), hidden when encoded. Returns 0 or
 * UPPP_ERR_INVALID. */
int uppp_radius_req_set_password(struct uppp_radius_req *r, const uint8_t *pw, size_t len);
/* Wipe the password. */
void uppp_radius_req_wipe(struct uppp_radius_req *r);

/* Build the datagram for one server. An Access-Request gets req_auth as its
 * Request Authenticator (16 random octets, the caller's), the hidden
 * User-Password and a Message-Authenticator (RFC 3579 3.2: on every
 * Access-Request, not only EAP, against Blast-RADIUS); an
 * Accounting-Request gets its Request Authenticator computed (RFC 2866 3;
 * req_auth is ignored and receives it). Returns the datagram's length, or
 * UPPP_ERR_INVALID (a secret of 0 or more than UPPP_RADIUS_SECRET_MAX
 * octets), UPPP_ERR_NOBUF (out is too small), UPPP_ERR_CRYPTO. */
int uppp_radius_encode(const struct uppp_radius_req *r, uint8_t id, uint8_t req_auth[16],
                       const uint8_t *secret, size_t secret_len, uint8_t *out, size_t cap);

/* Check a response's framing only: header, Length (trailing octets beyond
 * it are ignored, RFC 2865 section 3), each attribute's length. Returns 0
 * or UPPP_ERR_PARSE. The checked length is stored in *len_out if not NULL. */
int uppp_radius_check_framing(const uint8_t *pkt, size_t len, size_t *len_out);

/* Walk the attributes of a framed packet: *pos starts at
 * UPPP_RADIUS_HDR_LEN. Returns 1 and the next attribute, 0 at the end. */
int uppp_radius_next_attr(const uint8_t *pkt, size_t len, size_t *pos, uint8_t *type,
                          const uint8_t **val, size_t *vlen);
/* The same over one Vendor-Specific value: the sub-attributes of vendor
 * (*pos starts at 0). Returns 1 and the next one, 0 at the end or when the
 * value is not that vendor's or is malformed. */
int uppp_radius_next_vsa(const uint8_t *vsa, size_t vsa_len, uint32_t vendor, size_t *pos,
                         uint8_t *vtype, const uint8_t **val, size_t *vlen);

/* Verify a response against its request: Response Authenticator (RFC 2865
 * 3, RFC 2866 4) and, if present, Message-Authenticator (RFC 3579 3.2);
 * require_ma demands the latter on Access-Accept/Reject/Challenge. pkt is
 * framed (uppp_radius_check_framing). Returns 0, UPPP_ERR_PARSE (framing,
 * two Message-Authenticators, one of a wrong length), UPPP_ERR_AUTH (a
 * mismatch; a missing Message-Authenticator that is required),
 * UPPP_ERR_CRYPTO. */
int uppp_radius_verify_response(const uint8_t *pkt, size_t len, const uint8_t req_auth[16],
                                const uint8_t *secret, size_t secret_len, int require_ma);

/* Check the Message-Authenticator of a packet (e.g. of a request, as a
 * server would), with auth the Request Authenticator to put in its place
 * (NULL: the packet's own). Returns 0, UPPP_ERR_AUTH (absent or wrong),
 * UPPP_ERR_PARSE, UPPP_ERR_CRYPTO. */
int uppp_radius_check_ma(const uint8_t *pkt, size_t len, const uint8_t *auth, const uint8_t *secret,
                         size_t secret_len);

/* RFC 2865 5.2 hiding (User-Password; RFC 2548 2.4.1 MS-CHAP-MPPE-Keys
 * uses it too): out = in padded with zeros to a multiple of 16 octets,
 * XOR-chained with MD5(secret | auth) then MD5(secret | c(i-1)). in_len
 * 0..128 (hide) or a multiple of 16 up to 128 (unhide). Returns the output
 * length, or UPPP_ERR_INVALID, UPPP_ERR_NOBUF (cap), UPPP_ERR_CRYPTO. */
int uppp_radius_hide(const uint8_t *in, size_t in_len, const uint8_t auth[16],
                     const uint8_t *secret, size_t secret_len, uint8_t *out, size_t cap);
int uppp_radius_unhide(const uint8_t *in, size_t in_len, const uint8_t auth[16],
                       const uint8_t *secret, size_t secret_len, uint8_t *out, size_t cap);

/* RFC 2548 2.4.2-2.4.3: decrypt an MS-MPPE-Send-Key/Recv-Key value (Salt,
 * then the String: b(1) = MD5(secret | req_auth | salt), b(i) =
 * MD5(secret | c(i-1))), and return the key its first octet announces
 * (1..32 octets) in key. Returns the key length, or UPPP_ERR_PARSE (the
 * salt's high bit clear, a length that is not 2 + a multiple of 16, a key
 * length beyond the string), UPPP_ERR_NOBUF (cap), UPPP_ERR_CRYPTO. */
int uppp_radius_mppe_key_decrypt(const uint8_t *val, size_t len, const uint8_t req_auth[16],
                                 const uint8_t *secret, size_t secret_len, uint8_t *key,
                                 size_t cap);
/* The inverse, as a server does (tests, benches): salt's high bit is set
 * here. Returns the value's length, or UPPP_ERR_INVALID, UPPP_ERR_NOBUF,
 * UPPP_ERR_CRYPTO. */
int uppp_radius_mppe_key_encrypt(const uint8_t *key, size_t key_len, const uint8_t salt[2],
                                 const uint8_t req_auth[16], const uint8_t *secret,
                                 size_t secret_len, uint8_t *out, size_t cap);

/* A response, decoded: what upppd acts on. Strings are NUL-terminated as
 * received (escape them before logging). */
#define UPPP_RADIUS_MAX_CLASS 4
struct uppp_radius_reply {
    uint8_t code;
    unsigned have; /* UPPP_RADIUS_HAVE_* bits */
    uint32_t framed_ip, framed_netmask, framed_mtu;
    uint32_t session_timeout, idle_timeout, interim_interval;
    uint32_t mppe_policy, mppe_types;
    uint8_t send_key[16], recv_key[16]; /* MS-MPPE-Send/Recv-Key (NAS view) */
    uint8_t v1_keys[24];                /* MS-CHAP-MPPE-Keys: LM key (8), NT hash hash (16) */
    char chap2_success[254];            /* MS-CHAP2-Success after its Ident: "S=..." */
    char chap_error[254];               /* MS-CHAP-Error after its Ident: "E=691 R=..." */
    char reply_message[254];
    size_t nclass;
    size_t class_len[UPPP_RADIUS_MAX_CLASS];
    uint8_t class_val[UPPP_RADIUS_MAX_CLASS][253];
};
enum {
    UPPP_RADIUS_HAVE_FRAMED_IP = 1 << 0,
    UPPP_RADIUS_HAVE_NETMASK = 1 << 1,
    UPPP_RADIUS_HAVE_MTU = 1 << 2,
    UPPP_RADIUS_HAVE_SESSION_TIMEOUT = 1 << 3,
    UPPP_RADIUS_HAVE_IDLE_TIMEOUT = 1 << 4,
    UPPP_RADIUS_HAVE_INTERIM = 1 << 5,
    UPPP_RADIUS_HAVE_MPPE_POLICY = 1 << 6,
    UPPP_RADIUS_HAVE_MPPE_TYPES = 1 << 7,
    UPPP_RADIUS_HAVE_MPPE_KEYS = 1 << 8, /* both Send and Recv */
    UPPP_RADIUS_HAVE_V1_KEYS = 1 << 9,
    UPPP_RADIUS_HAVE_CHAP2_SUCCESS = 1 << 10,
    UPPP_RADIUS_HAVE_CHAP_ERROR = 1 << 11,
    UPPP_RADIUS_HAVE_REPLY_MESSAGE = 1 << 12,
};

/* Decode a verified response (uppp_radius_verify_response) of the request
 * whose Request Authenticator was req_auth; keys are decrypted. Attributes
 * of a wrong length are ignored; keys that do not decrypt are dropped (the
 * caller then has none, which a policy that requires MPPE refuses). Returns
 * 0 or UPPP_ERR_PARSE (framing). Wipe r with uppp_radius_reply_wipe. */
int uppp_radius_reply_decode(const uint8_t *pkt, size_t len, const uint8_t req_auth[16],
                             const uint8_t *secret, size_t secret_len, struct uppp_radius_reply *r);
void uppp_radius_reply_wipe(struct uppp_radius_reply *r);

const char *uppp_radius_code_name(unsigned code);

#ifdef __cplusplus
}
#endif

#endif
