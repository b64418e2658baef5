/*
 * RADIUS wire format: requests built from their attributes, responses
 * framed and authenticated (RFC 2865 sections 3 and 5, RFC 2866 sections 3
 * and 4, RFC 3579 section 3.2 Message-Authenticator).
 *
 * Every Access-Request carries a Message-Authenticator, and by default a
 * response without one is refused: the Blast-RADIUS attack (CVE-2024-3596)
 * forges an Accept by an MD5 collision on the Response Authenticator, which
 * the HMAC over the whole packet prevents. FreeRADIUS 3.2 answers an
 * Access-Request that carried one with one of its own.
 */
#include <uppp/radius.h>
#include <uppp/err.h>

#include "crypto.h"

#include <string.h>

void uppp_radius_req_init(struct uppp_radius_req *r, uint8_t code)
{
    memset(r, 0, sizeof(*r));
    r->code = code;
}

int uppp_radius_req_add(struct uppp_radius_req *r, uint8_t type, const void *val, size_t len)
{
    if (r == NULL || len > 253 || (val == NULL && len > 0))
        return UPPP_ERR_INVALID;
    if (r->attrs_len + 2 + len > sizeof(r->attrs))
        return UPPP_ERR_NOBUF;
    r->attrs[r->attrs_len] = type;
    r->attrs[r->attrs_len + 1] = (uint8_t)(len + 2);
    if (len > 0)
        memcpy(r->attrs + r->attrs_len + 2, val, len);
    r->attrs_len += 2 + len;
    return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

int uppp_radius_req_add_u32(struct uppp_radius_req *r, uint8_t type, uint32_t v)
{
    uint8_t b[4];
    put32(b, v);
    return uppp_radius_req_add(r, type, b, 4);
}

int uppp_radius_req_add_vsa(struct uppp_radius_req *r, uint32_t vendor, uint8_t vtype,
                            const void *val, size_t len)
{
    if (len > 247 || (val == NULL && len > 0))
        return UPPP_ERR_INVALID;
    uint8_t b[253];
    put32(b, vendor);
    b[4] = vtype;
    b[5] = (uint8_t)(len + 2);
    if (len > 0)
        memcpy(b + 6, val, len);
    return uppp_radius_req_add(r, UPPP_RA_VENDOR_SPECIFIC, b, len + 6);
}

int uppp_radius_req_set_password(struct uppp_radius_req *r, const uint8_t *pw, size_t len)
{
    if (r == NULL || pw == NULL || len == 0 || len > UPPP_RADIUS_PASSWORD_MAX)
        return UPPP_ERR_INVALID;
    memcpy(r->password, pw, len);
    r->password_len = len;
    r->has_password = 1;
    return 0;
}

void uppp_radius_req_wipe(struct uppp_radius_req *r)
{
    if (r == NULL)
        return;
    uppp_memzero(r->password, sizeof(r->password));
    r->password_len = 0;
    r->has_password = 0;
}

static int md5(size_t n, const uint8_t *const a[], const size_t l[], uint8_t out[16])
{
    return uppp_md5_vector(n, a, l, out) == 0 ? 0 : UPPP_ERR_CRYPTO;
}

/* HMAC-MD5 over the packet with the Request Authenticator field replaced
 * by auth and the Message-Authenticator value (at ma) by zeros. */
static int compute_ma(const uint8_t *pkt, size_t len, const uint8_t auth[16], size_t ma,
                      const uint8_t *secret, size_t secret_len, uint8_t out[16])
{
    static const uint8_t zero[16];
    const uint8_t *a[5] = {pkt, auth, pkt + UPPP_RADIUS_HDR_LEN, zero, pkt + ma + 16};
    size_t l[5] = {4, 16, ma - UPPP_RADIUS_HDR_LEN, 16, len - ma - 16};
    return uppp_hmac_md5_vector(secret, secret_len, 5, a, l, out) == 0 ? 0 : UPPP_ERR_CRYPTO;
}

int uppp_radius_encode(const struct uppp_radius_req *r, uint8_t id, uint8_t req_auth[16],
                       const uint8_t *secret, size_t secret_len, uint8_t *out, size_t cap)
{
    if (r == NULL || req_auth == NULL || out == NULL || secret == NULL || secret_len == 0 ||
        secret_len > UPPP_RADIUS_SECRET_MAX)
        return UPPP_ERR_INVALID;
    int access = r->code != UPPP_RADIUS_ACCOUNTING_REQUEST;
    size_t pwlen = r->has_password ? 2 + ((r->password_len + 15) & ~(size_t)15) : 0;
    size_t len = UPPP_RADIUS_HDR_LEN + r->attrs_len + pwlen + (access ? UPPP_RADIUS_MA_LEN : 0);
    if (len > cap || len > UPPP_RADIUS_MAX_PACKET)
        return UPPP_ERR_NOBUF;
    out[0] = r->code;
    out[1] = id;
    out[2] = (uint8_t)(len >> 8);
    out[3] = (uint8_t)len;
    size_t pos = UPPP_RADIUS_HDR_LEN;
    memcpy(out + pos, r->attrs, r->attrs_len);
    pos += r->attrs_len;
    int rc = 0;
    if (r->has_password) {
        out[pos] = UPPP_RA_USER_PASSWORD;
        out[pos + 1] = (uint8_t)pwlen;
        rc = uppp_radius_hide(r->password, r->password_len, req_auth, secret, secret_len,
                              out + pos + 2, pwlen - 2);
        if (rc < 0)
            return rc;
        pos += pwlen;
    }
    if (access) {
        memcpy(out + 4, req_auth, 16);
        out[pos] = UPPP_RA_MESSAGE_AUTHENTICATOR;
        out[pos + 1] = UPPP_RADIUS_MA_LEN;
        memset(out + pos + 2, 0, 16);
        uint8_t mac[16];
        rc = compute_ma(out, len, req_auth, pos + 2, secret, secret_len, mac);
        if (rc != 0)
            return rc;
        memcpy(out + pos + 2, mac, 16);
        return (int)len;
    }
    /* RFC 2866 section 3: MD5(Code | Identifier | Length | 16 zero octets
     * | attributes | secret). */
    memset(out + 4, 0, 16);
    const uint8_t *a[2] = {out, secret};
    size_t l[2] = {len, secret_len};
    rc = md5(2, a, l, req_auth);
    if (rc != 0)
        return rc;
    memcpy(out + 4, req_auth, 16);
    return (int)len;
}

int uppp_radius_check_framing(const uint8_t *pkt, size_t len, size_t *len_out)
{
    if (pkt == NULL || len < UPPP_RADIUS_HDR_LEN)
        return UPPP_ERR_PARSE;
    size_t plen = (size_t)pkt[2] << 8 | pkt[3];
    if (plen < UPPP_RADIUS_HDR_LEN || plen > len || plen > UPPP_RADIUS_MAX_PACKET)
        return UPPP_ERR_PARSE;
    for (size_t p = UPPP_RADIUS_HDR_LEN; p < plen;) {
        if (plen - p < 2 || pkt[p + 1] < 2 || pkt[p + 1] > plen - p)
            return UPPP_ERR_PARSE;
        p += pkt[p + 1];
    }
    if (len_out != NULL)
        *len_out = plen;
    return 0;
}

int uppp_radius_next_attr(const uint8_t *pkt, size_t len, size_t *pos, uint8_t *type,
                          const uint8_t **val, size_t *vlen)
{
    size_t p = *pos;
    if (p + 2 > len || pkt[p + 1] < 2 || pkt[p + 1] > len - p)
        return 0;
    *type = pkt[p];
    *val = pkt + p + 2;
    *vlen = (size_t)pkt[p + 1] - 2;
    *pos = p + pkt[p + 1];
    return 1;
}

int uppp_radius_next_vsa(const uint8_t *vsa, size_t vsa_len, uint32_t vendor, size_t *pos,
                         uint8_t *vtype, const uint8_t **val, size_t *vlen)
{
    if (vsa_len < 4 || ((uint32_t)vsa[0] << 24 | (uint32_t)vsa[1] << 16 | (uint32_t)vsa[2] << 8 |
                        vsa[3]) != vendor)
        return 0;
    size_t p = *pos < 4 ? 4 : *pos;
    if (p + 2 > vsa_len || vsa[p + 1] < 2 || vsa[p + 1] > vsa_len - p)
        return 0;
    *vtype = vsa[p];
    *val = vsa + p + 2;
    *vlen = (size_t)vsa[p + 1] - 2;
    *pos = p + vsa[p + 1];
    return 1;
}

/* Where the one Message-Authenticator's value starts; 0 if there is none,
 * UPPP_ERR_PARSE if there are two or it is not 16 octets (RFC 3579 3.2). */
static long find_ma(const uint8_t *pkt, size_t len)
{
    size_t pos = UPPP_RADIUS_HDR_LEN, vlen;
    uint8_t type;
    const uint8_t *val;
    long at = 0;
    while (uppp_radius_next_attr(pkt, len, &pos, &type, &val, &vlen)) {
        if (type != UPPP_RA_MESSAGE_AUTHENTICATOR)
            continue;
        if (at != 0 || vlen != 16)
            return UPPP_ERR_PARSE;
        at = (long)(val - pkt);
    }
    return at;
}

int uppp_radius_check_ma(const uint8_t *pkt, size_t len, const uint8_t *auth, const uint8_t *secret,
                         size_t secret_len)
{
    size_t plen;
    if (uppp_radius_check_framing(pkt, len, &plen) != 0)
        return UPPP_ERR_PARSE;
    long at = find_ma(pkt, plen);
    if (at < 0)
        return (int)at;
    if (at == 0)
        return UPPP_ERR_AUTH;
    uint8_t mac[16];
    int rc = compute_ma(pkt, plen, auth ? auth : pkt + 4, (size_t)at, secret, secret_len, mac);
    if (rc != 0)
        return rc;
    return uppp_ct_memeq(mac, pkt + at, 16) ? 0 : UPPP_ERR_AUTH;
}

int uppp_radius_verify_response(const uint8_t *pkt, size_t len, const uint8_t req_auth[16],
                                const uint8_t *secret, size_t secret_len, int require_ma)
{
    size_t plen;
    if (req_auth == NULL || secret == NULL || uppp_radius_check_framing(pkt, len, &plen) != 0)
        return UPPP_ERR_PARSE;
    /* RFC 2865 section 3: MD5(Code | ID | Length | RequestAuth | attributes
     * | secret); RFC 2866 section 4 the same for Accounting-Response. */
    const uint8_t *a[4] = {pkt, req_auth, pkt + UPPP_RADIUS_HDR_LEN, secret};
    size_t l[4] = {4, 16, plen - UPPP_RADIUS_HDR_LEN, secret_len};
    uint8_t want[16];
    int rc = md5(4, a, l, want);
    if (rc != 0)
        return rc;
    if (!uppp_ct_memeq(want, pkt + 4, 16))
        return UPPP_ERR_AUTH;
    long at = find_ma(pkt, plen);
    if (at < 0)
        return (int)at;
    if (at == 0) {
        int access = pkt[0] == UPPP_RADIUS_ACCESS_ACCEPT || pkt[0] == UPPP_RADIUS_ACCESS_REJECT ||
                     pkt[0] == UPPP_RADIUS_ACCESS_CHALLENGE;
        return require_ma && access ? UPPP_ERR_AUTH : 0;
    }
    /* RFC 3579 3.2: in a response the HMAC is computed with the Request
     * Authenticator in the authenticator field. */
    return uppp_radius_check_ma(pkt, plen, req_auth, secret, secret_len);
}

const char *uppp_radius_code_name(unsigned code)
{
    switch (code) {
    case UPPP_RADIUS_ACCESS_REQUEST:
        return "Access-Request";
    case UPPP_RADIUS_ACCESS_ACCEPT:
        return "Access-Accept";
    case UPPP_RADIUS_ACCESS_REJECT:
        return "Access-Reject";
    case UPPP_RADIUS_ACCOUNTING_REQUEST:
        return "Accounting-Request";
    case UPPP_RADIUS_ACCOUNTING_RESPONSE:
        return "Accounting-Response";
    case UPPP_RADIUS_ACCESS_CHALLENGE:
        return "Access-Challenge";
    default:
        return "unknown";
    }
}
