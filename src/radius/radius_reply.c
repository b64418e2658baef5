/*
 * Decoding an Access-Accept/Reject into what a NAS acts on: RFC 2865
 * section 5 attributes, RFC 2869 Acct-Interim-Interval, and the Microsoft
 * vendor attributes of RFC 2548 (MS-CHAP2-Success, MS-CHAP-Error, the MPPE
 * keys, policy and types).
 */
#include <uppp/radius.h>
#include <uppp/err.h>

#include "crypto.h"

#include <stddef.h>
#include <string.h>

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A string attribute, NUL-terminated; embedded NULs end it early. */
static void take_string(char dst[254], const uint8_t *val, size_t len)
{
    memcpy(dst, val, len);
    dst[len] = '\0';
}

struct u32_attr {
    uint8_t type;
    unsigned have;
    size_t off;
};
static const struct u32_attr u32_attrs[] = {
    {UPPP_RA_FRAMED_IP_ADDRESS, UPPP_RADIUS_HAVE_FRAMED_IP,
     offsetof(struct uppp_radius_reply, framed_ip)},
    {UPPP_RA_FRAMED_IP_NETMASK, UPPP_RADIUS_HAVE_NETMASK,
     offsetof(struct uppp_radius_reply, framed_netmask)},
    {UPPP_RA_FRAMED_MTU, UPPP_RADIUS_HAVE_MTU, offsetof(struct uppp_radius_reply, framed_mtu)},
    {UPPP_RA_SESSION_TIMEOUT, UPPP_RADIUS_HAVE_SESSION_TIMEOUT,
     offsetof(struct uppp_radius_reply, session_timeout)},
    {UPPP_RA_IDLE_TIMEOUT, UPPP_RADIUS_HAVE_IDLE_TIMEOUT,
     offsetof(struct uppp_radius_reply, idle_timeout)},
    {UPPP_RA_ACCT_INTERIM_INTERVAL, UPPP_RADIUS_HAVE_INTERIM,
     offsetof(struct uppp_radius_reply, interim_interval)},
};

static void ms_attr(struct uppp_radius_reply *r, uint8_t vtype, const uint8_t *val, size_t vlen,
                    const uint8_t req_auth[16], const uint8_t *secret, size_t secret_len,
                    unsigned *keys)
{
    uint8_t buf[UPPP_RADIUS_PASSWORD_MAX];
    switch (vtype) {
    case UPPP_RA_MS_CHAP2_SUCCESS:
        /* Ident, then "S=<40 hex>" (and maybe " M=..."): the message our
         * CHAP Success carries unchanged. */
        if (vlen >= 2) {
            take_string(r->chap2_success, val + 1, vlen - 1);
            r->have |= UPPP_RADIUS_HAVE_CHAP2_SUCCESS;
        }
        break;
    case UPPP_RA_MS_CHAP_ERROR:
        if (vlen >= 2) {
            take_string(r->chap_error, val + 1, vlen - 1);
            r->have |= UPPP_RADIUS_HAVE_CHAP_ERROR;
        }
        break;
    case UPPP_RA_MS_MPPE_ENCRYPTION_POLICY:
    case UPPP_RA_MS_MPPE_ENCRYPTION_TYPES:
        if (vlen == 4) {
            int pol = vtype == UPPP_RA_MS_MPPE_ENCRYPTION_POLICY;
            *(pol ? &r->mppe_policy : &r->mppe_types) = get32(val);
            r->have |= pol ? UPPP_RADIUS_HAVE_MPPE_POLICY : UPPP_RADIUS_HAVE_MPPE_TYPES;
        }
        break;
    case UPPP_RA_MS_MPPE_SEND_KEY:
    case UPPP_RA_MS_MPPE_RECV_KEY: {
        /* FreeRADIUS sends 16-octet keys; pppd takes the first 16 of a
         * longer one, so do we. */
        int n =
            uppp_radius_mppe_key_decrypt(val, vlen, req_auth, secret, secret_len, buf, sizeof(buf));
        if (n >= 16) {
            int send = vtype == UPPP_RA_MS_MPPE_SEND_KEY;
            memcpy(send ? r->send_key : r->recv_key, buf, 16);
            *keys |= send ? 1 : 2;
        }
        break;
    }
    case UPPP_RA_MS_CHAP_MPPE_KEYS: {
        /* RFC 2548 2.4.1: LM key (8) | NT key (16) | padding, hidden as a
         * User-Password. FreeRADIUS fills the NT key with the NT hash
         * hash, as Get_Start_Key (RFC 3079 2.4) wants it. */
        int n = vlen == 32
                    ? uppp_radius_unhide(val, vlen, req_auth, secret, secret_len, buf, sizeof(buf))
                    : -1;
        if (n == 32) {
            memcpy(r->v1_keys, buf, 24);
            r->have |= UPPP_RADIUS_HAVE_V1_KEYS;
        }
        break;
    }
    default:
        break;
    }
    uppp_memzero(buf, sizeof(buf));
}

int uppp_radius_reply_decode(const uint8_t *pkt, size_t len, const uint8_t req_auth[16],
                             const uint8_t *secret, size_t secret_len, struct uppp_radius_reply *r)
{
    size_t plen;
    if (r == NULL || uppp_radius_check_framing(pkt, len, &plen) != 0)
        return UPPP_ERR_PARSE;
    memset(r, 0, sizeof(*r));
    r->code = pkt[0];
    size_t pos = UPPP_RADIUS_HDR_LEN, vlen;
    uint8_t type;
    const uint8_t *val;
    unsigned keys = 0;
    while (uppp_radius_next_attr(pkt, plen, &pos, &type, &val, &vlen)) {
        for (size_t i = 0; i < sizeof(u32_attrs) / sizeof(u32_attrs[0]); i++)
            if (u32_attrs[i].type == type && vlen == 4) {
                memcpy((uint8_t *)r + u32_attrs[i].off, &(uint32_t){get32(val)}, 4);
                r->have |= u32_attrs[i].have;
            }
        if (type == UPPP_RA_REPLY_MESSAGE && !(r->have & UPPP_RADIUS_HAVE_REPLY_MESSAGE)) {
            take_string(r->reply_message, val, vlen);
            r->have |= UPPP_RADIUS_HAVE_REPLY_MESSAGE;
        } else if (type == UPPP_RA_CLASS && r->nclass < UPPP_RADIUS_MAX_CLASS) {
            memcpy(r->class_val[r->nclass], val, vlen);
            r->class_len[r->nclass++] = vlen;
        } else if (type == UPPP_RA_VENDOR_SPECIFIC) {
            size_t vp = 0, svlen;
            uint8_t vtype;
            const uint8_t *sval;
            while (uppp_radius_next_vsa(val, vlen, UPPP_RADIUS_VENDOR_MICROSOFT, &vp, &vtype, &sval,
                                        &svlen))
                ms_attr(r, vtype, sval, svlen, req_auth, secret, secret_len, &keys);
        }
    }
    if (keys == 3)
        r->have |= UPPP_RADIUS_HAVE_MPPE_KEYS;
    return 0;
}

void uppp_radius_reply_wipe(struct uppp_radius_reply *r)
{
    if (r != NULL)
        uppp_memzero(r, sizeof(*r));
}
