/*
 * Session tracking and MPPE decryption for mppe-decrypt (md_track.h).
 *
 * Per link: the MS-CHAP Challenge/Response/Success (RFC 1994 section 4)
 * makes a session; the CCP Configure-Ack sent in a direction fixes that
 * direction's MPPE options (RFC 1962 section 2: a Configure-Request says
 * what its sender will receive, so the Ack's sender is the one who sends
 * with them); a new LCP Configure-Request or Terminate-Request after the
 * Success ends the session (RFC 1661 section 3.4: the link went back to
 * Establish, and MPPE keys come anew with the next authentication).
 *
 * The receivers are libuppp's (uppp/mppe.h) under the Linux reset policy,
 * as upppd keys them: a passive observer sees the same FLUSHED packets the
 * real receiver saw, so it resyncs where upppd would and loses what upppd
 * lost.
 *
 * Where the Ack carries the C bit, the direction is MPPC-compressed too
 * (RFC 2118; RFC 3078 section 2), under MPPE or alone: each receiver gets a
 * decompressor (uppp/mppc.h) fed after the cipher, as ccp_mppe.c and
 * ccp_mppc.c do it in upppd, so the history parts and comes back (on the
 * next packet with A) exactly where upppd's would.
 */
#include "md_track.h"
#include "md_frame.h"
#include "md_wire.h"

#include <uppp/err.h>
#include <uppp/mppc.h>
#include <uppp/mppe.h>
#include <uppp/mppe_keys.h>

#include <stdlib.h>
#include <string.h>

struct dirstate {
    /* Candidate receivers: one, or two while MS-CHAPv1 40/56-bit keys
     * from the NT and the LM hash are both possible (the first frame that
     * decrypts settles it). */
    struct uppp_mppe *rx[2];
    /* With MPPC: candidate i's decompressor (the histories hold what
     * each key decrypted). MPPC alone: dc[0] only, rx[0] NULL. */
    struct uppp_mppc_decomp *dc[2];
    int ncand;
    int have_opt;
    uint32_t opt;
    int last_count; /* -1: none yet */
    int mppc_cc;    /* MPPC alone: the last count taken, -1: none yet */
    uint64_t frames;
};

struct link {
    uint32_t id;
    int have_chal, have_resp;
    enum md_dir auth_dir;
    uint8_t chal_id, resp_id;
    struct md_handshake hs;
    long sess; /* index in sessions, -1 if none */
    int have_keys;
    struct md_session_keys keys;
    struct dirstate d[2];
};

struct md_track {
    struct md_track_config cfg;
    struct md_track_stats st;
    struct link *links;
    size_t nlinks, caplinks;
    size_t last; /* the link of the last frame: frames come in runs */
    struct md_session *sess;
    size_t nsess, capsess;
    uint8_t scratch[2][MD_MAX_FRAME];
};

static void dir_clear(struct dirstate *d)
{
    for (int i = 0; i < 2; i++) {
        uppp_mppe_del(d->rx[i]);
        uppp_mppc_decomp_del(d->dc[i]);
    }
    memset(d, 0, sizeof(*d));
    d->last_count = -1;
    d->mppc_cc = -1;
}

static void link_end_session(struct link *l)
{
    for (int i = 0; i < 2; i++)
        dir_clear(&l->d[i]);
    explicit_bzero(&l->keys, sizeof(l->keys));
    l->have_keys = 0;
    l->have_chal = l->have_resp = 0;
    l->sess = -1;
}

int md_track_new(struct md_track **out, const struct md_track_config *cfg)
{
    if (out == NULL || cfg == NULL || cfg->creds == NULL)
        return UPPP_ERR_INVALID;
    struct md_track *t = calloc(1, sizeof(*t));
    if (t == NULL)
        return UPPP_ERR_NOMEM;
    t->cfg = *cfg;
    *out = t;
    return 0;
}

void md_track_del(struct md_track *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->nlinks; i++)
        link_end_session(&t->links[i]);
    free(t->links);
    free(t->sess);
    explicit_bzero(t->scratch, sizeof(t->scratch));
    free(t);
}

static struct link *find_link(struct md_track *t, uint32_t id)
{
    if (t->last < t->nlinks && t->links[t->last].id == id)
        return &t->links[t->last];
    for (size_t i = 0; i < t->nlinks; i++)
        if (t->links[i].id == id) {
            t->last = i;
            return &t->links[i];
        }
    if (t->nlinks == MD_MAX_LINKS)
        return NULL;
    if (t->nlinks == t->caplinks) {
        size_t nc = t->caplinks ? t->caplinks * 2 : 4;
        struct link *nl = realloc(t->links, nc * sizeof(*nl));
        if (nl == NULL)
            return NULL;
        t->links = nl;
        t->caplinks = nc;
    }
    struct link *l = &t->links[t->nlinks++];
    memset(l, 0, sizeof(*l));
    l->id = id;
    l->sess = -1;
    l->d[0].last_count = l->d[1].last_count = -1;
    l->d[0].mppc_cc = l->d[1].mppc_cc = -1;
    return l;
}

/* Strength from the option word (RFC 3078 section 2): an Ack carries one. */
static int opt_bits(uint32_t opt)
{
    if (opt & UPPP_MPPE_OPT_S)
        return 128;
    if (opt & UPPP_MPPE_OPT_M)
        return 56;
    if (opt & UPPP_MPPE_OPT_L)
        return 40;
    return 0;
}

static int make_rx(struct uppp_mppe **out, const uint8_t start[16], uint32_t opt)
{
    struct uppp_mppe_config mc;
    memset(&mc, 0, sizeof(mc));
    mc.bits = opt_bits(opt);
    mc.stateless = (opt & UPPP_MPPE_OPT_H) != 0;
    mc.reset_policy = UPPP_MPPE_RESET_LINUX;
    mc.mppc = (opt & UPPP_MPPE_OPT_C) != 0;
    memcpy(mc.start_key, start, 16);
    int rc = uppp_mppe_new(out, &mc);
    explicit_bzero(&mc, sizeof(mc));
    return rc;
}

/* Key direction d's receivers, if both the keys and the option are known;
 * with the C bit, give each a decompressor (MPPC alone needs no key). */
static int key_dir(struct md_track *t, struct link *l, int d)
{
    struct dirstate *ds = &l->d[d];
    for (int i = 0; i < 2; i++) {
        uppp_mppe_del(ds->rx[i]);
        uppp_mppc_decomp_del(ds->dc[i]);
        ds->rx[i] = NULL;
        ds->dc[i] = NULL;
    }
    ds->ncand = 0;
    ds->last_count = -1;
    ds->mppc_cc = -1;
    int bits = opt_bits(ds->opt), mppc = (ds->opt & UPPP_MPPE_OPT_C) != 0;
    if (!ds->have_opt || (bits == 0 && !mppc) || l->sess < 0)
        return 0;
    struct md_session *s = &t->sess[l->sess];
    if (bits != 0)
        s->bits = bits;
    /* RFC 3078 section 3.1: H makes MPPC stateless too. */
    s->stateless = (ds->opt & UPPP_MPPE_OPT_H) != 0;
    s->mppc |= mppc;
    int rc;
    if (bits == 0) {
        if ((rc = uppp_mppc_decomp_new(&ds->dc[0])) != 0)
            return rc;
        ds->ncand = 1;
        return 0;
    }
    if (!l->have_keys)
        return 0;
    int from_auth = (enum md_dir)d == l->auth_dir;
    const uint8_t *start = from_auth ? l->keys.a_send : l->keys.a_recv;
    if ((rc = make_rx(&ds->rx[0], start, ds->opt)) != 0)
        return rc;
    if (mppc && (rc = uppp_mppc_decomp_new(&ds->dc[0])) != 0)
        return rc;
    ds->ncand = 1;
    if (!l->hs.v2 && bits < 128 && l->keys.have_lm) {
        if ((rc = make_rx(&ds->rx[1], l->keys.lm, ds->opt)) != 0)
            return rc;
        if (mppc && (rc = uppp_mppc_decomp_new(&ds->dc[1])) != 0)
            return rc;
        ds->ncand = 2;
    }
    return 0;
}

/* The session's keys from the credentials and the link's handshake. */
static int derive_keys(struct md_track *t, struct link *l, struct md_session *s)
{
    const struct md_creds *c = t->cfg.creds;
    if (c->kind == MD_CRED_NONE) {
        s->key = MD_KEY_NONE;
        return 0;
    }
    int rc = md_keys_derive(&l->hs, c, &l->keys);
    if (rc == UPPP_ERR_AUTH || rc == UPPP_ERR_UTF8 || rc == UPPP_ERR_PASSWORD_TOO_LONG) {
        s->key = MD_KEY_WRONG;
        return 0;
    }
    if (rc != 0)
        return rc;
    s->key = c->kind == MD_CRED_KEYS ? MD_KEY_GIVEN : MD_KEY_OK;
    l->have_keys = 1;
    return 0;
}

/* A new session on l: after an MS-CHAP Success (auth 1), or (auth 0) at a
 * CCP Configure-Ack of MPPC alone on a link without one: MPPC needs no key
 * (PAP, CHAP-MD5 or no authentication may come before it). */
static int start_session(struct md_track *t, struct link *l, int auth)
{
    if (t->nsess == MD_MAX_SESSIONS)
        return 0;
    if (t->nsess == t->capsess) {
        size_t nc = t->capsess ? t->capsess * 2 : 4;
        struct md_session *ns = realloc(t->sess, nc * sizeof(*ns));
        if (ns == NULL)
            return UPPP_ERR_NOMEM;
        t->sess = ns;
        t->capsess = nc;
    }
    struct md_session *s = &t->sess[t->nsess];
    memset(s, 0, sizeof(*s));
    s->id = (unsigned)t->nsess + 1;
    s->link = l->id;
    s->stateless = -1;
    s->auth = auth;
    l->sess = (long)t->nsess++;
    if (!auth) {
        s->key = MD_KEY_NONE;
        return 0;
    }
    s->hs = l->hs;
    return derive_keys(t, l, s);
}

/* Key both directions now that the session exists: CCP may have been
 * acked before the Success reached the capture. */
static int on_success(struct md_track *t, struct link *l)
{
    int rc;
    if (l->sess >= 0) {
        struct md_session *s = &t->sess[l->sess];
        if (s->auth)
            return 0; /* a re-challenge (RFC 1994 section 3) keeps the MPPE keys */
        /* The Ack of MPPC alone reached the capture first: the session is
         * this one's. Directions already decompressing are left alone. */
        s->auth = 1;
        s->hs = l->hs;
        if ((rc = derive_keys(t, l, s)) != 0)
            return rc;
        for (int d = 0; d < 2; d++)
            if (l->d[d].ncand == 0 && (rc = key_dir(t, l, d)) != 0)
                return rc;
        return 0;
    }
    rc = start_session(t, l, 1);
    if (rc != 0 || l->sess < 0)
        return rc;
    for (int d = 0; d < 2; d++) {
        rc = key_dir(t, l, d);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int chap_input(struct md_track *t, struct link *l, enum md_dir dir, const uint8_t *p,
                      size_t n)
{
    if (n < MD_CP_HDR_LEN)
        return 0;
    size_t len = (size_t)p[2] << 8 | p[3];
    if (len < MD_CP_HDR_LEN || len > n)
        return 0;
    uint8_t code = p[0], id = p[1];
    const uint8_t *v = p + MD_CP_HDR_LEN;
    size_t vn = len - MD_CP_HDR_LEN;
    switch (code) {
    case MD_CHAP_CHALLENGE:
        if (vn < 1 || (v[0] != MD_MSCHAP1_CHAL_LEN && v[0] != MD_MSCHAP2_CHAL_LEN) ||
            (size_t)v[0] + 1 > vn)
            return 0; /* MD5-CHAP or malformed: nothing to key MPPE with */
        t->st.seen_challenge = 1;
        l->have_chal = 1;
        l->have_resp = 0;
        l->chal_id = id;
        l->auth_dir = dir == MD_DIR_UNKNOWN ? MD_DIR_A : dir;
        memset(&l->hs, 0, sizeof(l->hs));
        l->hs.v2 = v[0] == MD_MSCHAP2_CHAL_LEN;
        memcpy(l->hs.chal, v + 1, v[0]);
        return 0;
    case MD_CHAP_RESPONSE:
        if (!l->have_chal || id != l->chal_id || vn < 1 + MD_MSCHAP_RESP_LEN ||
            v[0] != MD_MSCHAP_RESP_LEN)
            return 0;
        t->st.seen_response = 1;
        l->have_resp = 1;
        l->resp_id = id;
        memcpy(l->hs.resp, v + 1, MD_MSCHAP_RESP_LEN);
        l->hs.user_len = vn - 1 - MD_MSCHAP_RESP_LEN;
        if (l->hs.user_len > MD_MAX_NAME)
            l->hs.user_len = MD_MAX_NAME;
        memcpy(l->hs.user, v + 1 + MD_MSCHAP_RESP_LEN, l->hs.user_len);
        l->hs.user[l->hs.user_len] = '\0';
        return 0;
    case MD_CHAP_SUCCESS:
        if (!l->have_resp || id != l->resp_id)
            return 0;
        t->st.seen_success = 1;
        l->have_resp = 0;
        return on_success(t, l);
    case MD_CHAP_FAILURE:
        l->have_resp = 0;
        return 0;
    }
    return 0;
}

static int ccp_input(struct md_track *t, struct link *l, enum md_dir dir, const uint8_t *p,
                     size_t n)
{
    if (n < MD_CP_HDR_LEN || p[0] != MD_CP_CONF_ACK)
        return 0;
    size_t len = (size_t)p[2] << 8 | p[3];
    if (len < MD_CP_HDR_LEN || len > n)
        return 0;
    for (size_t off = MD_CP_HDR_LEN; off + 2 <= len;) {
        size_t olen = p[off + 1];
        if (olen < 2 || off + olen > len)
            return 0;
        if (p[off] == UPPP_CCP_OPT_MPPE && olen == UPPP_CCP_OPT_MPPE_LEN) {
            uint32_t opt = (uint32_t)p[off + 2] << 24 | (uint32_t)p[off + 3] << 16 |
                           (uint32_t)p[off + 4] << 8 | p[off + 5];
            t->st.seen_ccp = 1;
            if (l->sess < 0 && (opt & UPPP_MPPE_OPT_C) && opt_bits(opt) == 0) {
                int rc = start_session(t, l, 0);
                if (rc != 0)
                    return rc;
                /* The other direction's Ack may have come first. */
                for (int d = 0; d < 2; d++)
                    if (l->sess >= 0 && d != (int)dir && (rc = key_dir(t, l, d)) != 0)
                        return rc;
            }
            /* Without a direction the Ack cannot be placed: both get it. */
            for (int d = 0; d < 2; d++) {
                if (dir != MD_DIR_UNKNOWN && d != (int)dir)
                    continue;
                l->d[d].have_opt = 1;
                l->d[d].opt = opt;
                if (l->sess >= 0) {
                    int rc = key_dir(t, l, d);
                    if (rc != 0)
                        return rc;
                }
            }
        }
        off += olen;
    }
    return 0;
}

/* A frame without a direction: the direction whose next coherency count
 * it is most plausibly (smallest step forward), the quieter one on a tie.
 * A direction with no frame yet expects count 0 (RFC 3078 section 3.1),
 * one step beyond a busy direction's next count, so that one side sending
 * alone is not split across both. */
static int guess_dir(const struct link *l, unsigned count)
{
    unsigned best = UPPP_MPPE_CCOUNT_SPACE + 1;
    int bd = 0;
    for (int d = 0; d < 2; d++) {
        const struct dirstate *ds = &l->d[d];
        if (ds->ncand == 0)
            continue;
        unsigned dist = ds->last_count < 0
                            ? count + 1
                            : ((count - (unsigned)ds->last_count) & UPPP_MPPE_CCOUNT_MASK);
        if (dist == 0 && ds->last_count >= 0)
            dist = UPPP_MPPE_CCOUNT_SPACE;
        if (dist < best || (dist == best && ds->frames < l->d[bd].frames)) {
            best = dist;
            bd = d;
        }
    }
    return bd;
}

/* For choosing between candidate keys: the protocol check alone passes one
 * wrong key in a few hundred, so ask for a plausible IP header too: IPv4
 * version, header length and total length (RFC 791 section 3.1), IPv6
 * version and payload length (RFC 8200 section 3). */
static int plausible_ip(uint16_t proto, const uint8_t *p, size_t n)
{
    if (proto == MD_PROTO_IP)
        return n >= 20 && (p[0] >> 4) == 4 && (p[0] & 0xf) >= 5 && ((size_t)p[2] << 8 | p[3]) == n;
    if (proto == MD_PROTO_IPV6)
        return n >= 40 && (p[0] >> 4) == 6 && ((size_t)p[4] << 8 | p[5]) + 40 == n;
    return 0;
}

/* A packet after the cipher (or MPPC's header alone): what it holds once
 * decompressed, as upppd's ccp_mppc.c reads it. */
struct plain {
    uint16_t proto;
    const uint8_t *p;
    size_t n;
};

/* Decompress data (len octets, header flags bits) with dc and split off the
 * protocol field, PFC-compressed or not (RFC 1661 section 6.5). Returns 1
 * with *out set, or 0: the decompressor refused it, or it made nonsense (a
 * history that parted from the sender's: it then waits for A). */
static int mppc_expand(struct uppp_mppc_decomp *dc, unsigned bits, const uint8_t *data, size_t len,
                       struct plain *out)
{
    const uint8_t *p;
    size_t pl;
    if (uppp_mppc_decompress(dc, bits, data, len, UPPP_MPPC_HIST, &p, &pl) != 0)
        return 0;
    size_t hl = pl >= 1 && (p[0] & 1) ? 1 : 2;
    if (pl < hl || (hl == 2 && !(p[1] & 1))) {
        uppp_mppc_decomp_lost(dc);
        return 0;
    }
    out->proto = hl == 1 ? p[0] : (uint16_t)(p[0] << 8 | p[1]);
    out->p = p + hl;
    out->n = pl - hl;
    return 1;
}

/* Counts this far behind the last one are late or repeated packets, as
 * upppd's MPPC receiver (ccp_mppc.c) and its stateful MPPE one judge. */
#define MPPC_OLD_WINDOW 256

/* MPPC without MPPE (RFC 2118 section 3.1): the count is MPPC's own, and
 * a gap in it means the histories parted until a packet carries A
 * (section 4.3), as uppp_ccp_mppc_input() has it. Returns 1 with *out set,
 * or 0 (counted as failed by the caller). */
static int mppc_alone(struct dirstate *ds, const uint8_t *p, size_t n, struct plain *out)
{
    if (n < UPPP_MPPE_HDR_LEN + 1 || (uppp_ccp_hdr_flags(p) & UPPP_MPPE_BIT_D))
        return 0; /* too short, or encrypted where no MPPE was agreed */
    unsigned bits = uppp_ccp_hdr_flags(p), cc = uppp_ccp_hdr_count(p);
    if (ds->mppc_cc >= 0) {
        unsigned ahead = (cc - (unsigned)ds->mppc_cc - 1) & UPPP_MPPE_CCOUNT_MASK;
        if (ahead >= UPPP_MPPE_CCOUNT_SPACE - MPPC_OLD_WINDOW)
            return 0;
        if (ahead != 0 && !(bits & UPPP_MPPE_BIT_A))
            uppp_mppc_decomp_lost(ds->dc[0]);
    }
    ds->mppc_cc = (int)cc;
    return mppc_expand(ds->dc[0], bits, p + UPPP_MPPE_HDR_LEN, n - UPPP_MPPE_HDR_LEN, out);
}

/* Candidate i decrypts (and decompresses) its copy of the frame. Returns 1
 * with *out set when it came out whole, 0 if not, or a negative error. */
static int try_candidate(struct md_track *t, struct dirstate *ds, int i, const uint8_t *p, size_t n,
                         struct plain *out)
{
    struct uppp_mppe_rx r;
    memcpy(t->scratch[i], p, n);
    int res = uppp_mppe_decrypt(ds->rx[i], t->scratch[i], n, &r);
    if (res < 0)
        return res;
    if (ds->dc[i] == NULL) {
        if (res != UPPP_MPPE_OK)
            return 0;
        out->proto = r.protocol;
        out->p = r.payload;
        out->n = r.payload_len;
        return 1;
    }
    if (res != UPPP_MPPE_OK) {
        /* A packet the sender's history holds and this one will not
         * (ccp_mppe.c does the same), unless it was a repeat. */
        if (!(res == UPPP_MPPE_DROP && r.reason == UPPP_MPPE_DROP_OLD_COUNT))
            uppp_mppc_decomp_lost(ds->dc[i]);
        return 0;
    }
    /* RFC 3078 section 3.1: decrypt, then decompress. */
    return mppc_expand(ds->dc[i], r.bits, r.payload, r.payload_len, out);
}

static int mppe_input(struct md_track *t, struct link *l, const struct md_unit *u, const uint8_t *p,
                      size_t n)
{
    if (l->sess < 0) {
        t->st.orphan_mppe++;
        return 0;
    }
    struct md_session *s = &t->sess[l->sess];
    s->frames++;
    unsigned count = n >= 2 ? ((unsigned)(p[0] & 0x0f) << 8 | p[1]) : 0;
    int d = u->dir == MD_DIR_UNKNOWN ? guess_dir(l, count) : (int)u->dir;
    struct dirstate *ds = &l->d[d];
    ds->frames++;
    if (ds->ncand == 0 || n > MD_MAX_FRAME) {
        s->failed++;
        return 0;
    }
    ds->last_count = (int)count;
    struct plain pl[2];
    int win = -1;
    if (ds->rx[0] == NULL) {
        /* upppd hands up whatever the history gives; only IP counts here. */
        if (mppc_alone(ds, p, n, &pl[0]) && plausible_ip(pl[0].proto, pl[0].p, pl[0].n))
            win = 0;
        goto judged;
    }
    for (int i = 0; i < ds->ncand; i++) {
        int rc = try_candidate(t, ds, i, p, n, &pl[i]);
        if (rc < 0)
            return rc;
        if (win < 0 && rc == 1 && (ds->ncand == 1 || plausible_ip(pl[i].proto, pl[i].p, pl[i].n)))
            win = i;
    }
    if (ds->ncand == 2 && win >= 0) {
        /* The key that decrypted this frame to IP is the one in use. */
        uppp_mppe_del(ds->rx[1 - win]);
        uppp_mppc_decomp_del(ds->dc[1 - win]);
        ds->rx[0] = ds->rx[win];
        ds->dc[0] = ds->dc[win];
        ds->rx[1] = NULL;
        ds->dc[1] = NULL;
        ds->ncand = 1;
        pl[0] = pl[win];
        win = 0;
    }
    if (win >= 0 && !plausible_ip(pl[0].proto, pl[0].p, pl[0].n)) {
        /* Not IP: with PFC a wrong key passes the receiver's protocol
         * check for almost half the packets (any odd first octet
         * 0x21..0xF9), so only a plausible IP packet counts as decrypted.
         * In stateful mode the receiver then waits for FLUSHED, as
         * upppd's does (ccp_mppe.c), and so does the history. */
        if (!(ds->opt & UPPP_MPPE_OPT_H)) {
            (void)uppp_mppe_rx_junk(ds->rx[0]);
            if (ds->dc[0] != NULL)
                uppp_mppc_decomp_lost(ds->dc[0]);
        }
        win = -1;
    }
judged:
    if (win < 0) {
        s->failed++;
        return 0;
    }
    s->decrypted++;
    if (t->cfg.packet != NULL)
        t->cfg.packet(t->cfg.user, u->ts_us, pl[win].p, pl[win].n);
    return 0;
}

int md_track_frame(struct md_track *t, const struct md_unit *u)
{
    t->st.frames++;
    uint16_t proto;
    const uint8_t *p;
    size_t n;
    if (md_ppp_split(u->data, u->len, &proto, &p, &n) != 0) {
        t->st.bad_frames++;
        return 0;
    }
    struct link *l = find_link(t, u->link);
    if (l == NULL)
        return UPPP_ERR_NOMEM;
    switch (proto) {
    case MD_PROTO_LCP:
        if (n >= 1 && (p[0] == MD_CP_CONF_REQ || p[0] == MD_CP_TERM_REQ) && l->sess >= 0)
            link_end_session(l);
        return 0;
    case MD_PROTO_CHAP:
        return chap_input(t, l, u->dir, p, n);
    case MD_PROTO_CCP:
        return ccp_input(t, l, u->dir, p, n);
    case MD_PROTO_MPPE:
        return mppe_input(t, l, u, p, n);
    default:
        t->st.other_protocol++;
        return 0;
    }
}

int md_track_link_end(struct md_track *t, uint32_t id)
{
    for (size_t i = 0; i < t->nlinks; i++)
        if (t->links[i].id == id) {
            link_end_session(&t->links[i]);
            t->links[i] = t->links[--t->nlinks];
            t->last = 0;
            break;
        }
    return 0;
}

const struct md_session *md_track_sessions(const struct md_track *t, size_t *n)
{
    *n = t->nsess;
    return t->sess;
}

const struct md_track_stats *md_track_stats(const struct md_track *t)
{
    return &t->st;
}
