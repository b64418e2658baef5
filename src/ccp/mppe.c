/*
 * The MPPE packet cipher: RFC 3078 sections 3.1 (packet format), 5 and 6
 * (RC4), 7 (key changes) and 8 (synchronisation), behaving as Linux 6.1
 * drivers/net/ppp/ppp_mppe.c. mppe.h lists where Linux and the RFC differ
 * and which one we follow where.
 *
 * Where the receiver does better than Linux without changing what goes on
 * the wire, it says so below ("Linux:"). None of it changes the keys either
 * side computes for a packet Linux would have accepted.
 */
#include <uppp/err.h>
#include <uppp/mppe.h>
#include <uppp/mppe_keys.h>

#include "crypto.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* Linux ppp_mppe's sanity score: a packet no correct peer would send adds
 * SANITY_BOGON, a late one SANITY_LATE, a good one halves the score, and
 * reaching SANITY_MAX is fatal. One corrupted packet now and then is
 * forgiven; a stream of nonsense is not. */
#define SANITY_MAX 1600
#define SANITY_BOGON 100
#define SANITY_LATE 1

/* Stateful receiver: a count at most this far behind the expected one is a
 * duplicate or a reordered packet and is dropped on its own. Linux treats
 * every unexpected count as loss and asks for a reset, so one duplicated
 * frame costs a Reset-Request round trip there. A real loss of more than
 * 4096 - 256 packets looks like this too; it is then detected as loss once
 * the peer's count moves out of the window, within 256 packets. (OpenBSD
 * npppd has the same idea with a 256-packet window.) */
#define STATEFUL_OLD_WINDOW 256

/* What the sender's flush_pending holds: a Reset-Request to answer (by the
 * link's policy), or MPPC's history flush (uppp_mppe_encrypt_mppc with A),
 * which FLUSHED means as well (RFC 3078 section 3.1) and which takes the
 * next count as Linux's answer would. */
enum { FLUSH_NONE = 0, FLUSH_RESET = 1, FLUSH_NEXT = 2 };

enum { ROLE_NONE = 0, ROLE_TX, ROLE_RX };

struct uppp_mppe {
    struct uppp_rc4 *rc4; /* keyed with session_key between packets */
    uint8_t start_key[UPPP_MPPE_START_KEY_LEN];
    uint8_t session_key[UPPP_MPPE_MAX_KEY_LEN];
    size_t keylen; /* 8 or 16 */
    int bits;      /* 40, 56, 128 */
    unsigned max_rekey;
    /* Last count sent or accepted. Starts at 4095 so that the first packet
     * carries 0, as in Linux (RFC 3078 does not say). */
    unsigned ccount;
    int sanity;
    uint8_t stateless;
    uint8_t policy;
    uint8_t role;
    uint8_t flush_pending; /* sender: FLUSH_RESET or FLUSH_NEXT pending */
    uint8_t mppc;          /* the payload is MPPC's (RFC 2118) output */
    uint8_t discard;       /* stateful receiver: lost sync, wait for FLUSHED */
    uint8_t dead;          /* receiver: FATAL was returned */
    uint8_t broken;        /* a crypto call failed half-way; unusable */
    struct uppp_mppe_stats stats;
};

static const char *const drop_reason_str[UPPP_MPPE_DROP_REASON_COUNT] = {
    [UPPP_MPPE_DROP_NONE] = "not dropped",
    [UPPP_MPPE_DROP_NOT_ENCRYPTED] = "encrypted (D) bit clear",
    [UPPP_MPPE_DROP_TOO_SHORT] = "packet too short",
    [UPPP_MPPE_DROP_NOT_FLUSHED] = "FLUSHED bit missing where required",
    [UPPP_MPPE_DROP_COUNT_JUMP] = "coherency count jumped too far",
    [UPPP_MPPE_DROP_OLD_COUNT] = "duplicate or late coherency count",
    [UPPP_MPPE_DROP_PACKET_LOSS] = "packet loss detected, reset needed",
    [UPPP_MPPE_DROP_WAIT_FLUSHED] = "discarding until a FLUSHED packet",
    [UPPP_MPPE_DROP_BAD_PROTOCOL] = "decrypted protocol invalid (wrong key?)",
    [UPPP_MPPE_DROP_DEAD] = "MPPE receiver failed (too many bad packets)",
};

const char *uppp_mppe_drop_reason_str(enum uppp_mppe_drop_reason reason)
{
    if ((unsigned)reason >= UPPP_MPPE_DROP_REASON_COUNT)
        return "unknown MPPE drop reason";
    return drop_reason_str[reason];
}

int uppp_mppe_protocol_encrypted(uint16_t protocol)
{
    return protocol >= UPPP_MPPE_PROTO_MIN && protocol <= UPPP_MPPE_PROTO_MAX;
}

/* RFC 3078 section 7.3: next = the key change of cur (they may alias):
 * interim = GetNewKeyFromSHA(start, cur); RC4 under interim of interim;
 * then the 40/56-bit salt. The RC4 step runs in a local RC4 on the stack
 * (8 or 16 octets of keystream: all key schedule, which ours does faster
 * than OpenSSL's, see rc4.c) and leaves st->rc4 alone; the caller installs
 * the key it ends up with. (Linux's mppe_rekey is this plus the install;
 * we skip the install between the key changes of a stateless count jump.) */
static int key_change(struct uppp_mppe *st, const uint8_t *cur, uint8_t *next)
{
    uint8_t interim[UPPP_MPPE_MAX_KEY_LEN];
    int rc = uppp_get_new_key_from_sha(st->start_key, cur, st->keylen, interim);
    if (rc == 0) {
        struct uppp_rc4_local r;
        uppp_rc4_local_setkey(&r, interim, st->keylen);
        uppp_rc4_local_crypt(&r, interim, next, st->keylen);
        uppp_memzero(&r, sizeof(r));
        rc = uppp_mppe_reduce_key(next, st->bits);
    }
    uppp_memzero(interim, sizeof(interim));
    st->stats.rekeys++;
    return rc;
}

/* Key change of the session key, installed: Linux's mppe_rekey(state, 0). */
static int rekey(struct uppp_mppe *st)
{
    int rc = key_change(st, st->session_key, st->session_key);
    if (rc == 0)
        rc = uppp_rc4_setkey(st->rc4, st->session_key, st->keylen);
    return rc;
}

/* RFC 3078 section 8.2: re-initialise RC4 with the current session key. */
static int rc4_reinit(struct uppp_mppe *st)
{
    st->stats.rc4_reinits++;
    return uppp_rc4_setkey(st->rc4, st->session_key, st->keylen);
}

static int fail(struct uppp_mppe *st, int rc)
{
    /* A crypto primitive failed between two key updates: the two ends can
     * no longer agree, so refuse everything from now on. */
    st->broken = 1;
    return rc < 0 ? rc : UPPP_ERR_CRYPTO;
}

int uppp_mppe_new(struct uppp_mppe **out, const struct uppp_mppe_config *cfg)
{
    if (out == NULL)
        return UPPP_ERR_INVALID;
    *out = NULL;
    if (cfg == NULL)
        return UPPP_ERR_INVALID;
    int keylen = uppp_mppe_key_len(cfg->bits);
    if (keylen < 0)
        return keylen;
    if (cfg->reset_policy != UPPP_MPPE_RESET_LINUX &&
        cfg->reset_policy != UPPP_MPPE_RESET_RFC3078 &&
        cfg->reset_policy != UPPP_MPPE_RESET_LINUX_FLAG)
        return UPPP_ERR_INVALID;
    if (cfg->max_rekey > UPPP_MPPE_MAX_REKEY_LIMIT)
        return UPPP_ERR_INVALID;

    struct uppp_mppe *st = calloc(1, sizeof(*st));
    if (st == NULL)
        return UPPP_ERR_NOMEM;
    int rc = uppp_rc4_new(&st->rc4);
    if (rc != 0) {
        free(st);
        return rc;
    }
    st->keylen = (size_t)keylen;
    st->bits = cfg->bits;
    st->stateless = cfg->stateless != 0;
    st->policy = (uint8_t)cfg->reset_policy;
    st->mppc = cfg->mppc != 0;
    st->max_rekey = cfg->max_rekey ? cfg->max_rekey : UPPP_MPPE_DEFAULT_MAX_REKEY;
    st->ccount = UPPP_MPPE_CCOUNT_MASK;
    memcpy(st->start_key, cfg->start_key, sizeof(st->start_key));
    /* RFC 3079 / Linux mppe_init: GetNewKeyFromSHA(start, start) and the
     * salt, no RC4 step; RFC 3078 section 5: RC4 keyed with it. */
    rc = uppp_mppe_initial_session_key(st->start_key, st->bits, st->session_key);
    if (rc == 0)
        rc = uppp_rc4_setkey(st->rc4, st->session_key, st->keylen);
    if (rc != 0) {
        uppp_mppe_del(st);
        return rc;
    }
    *out = st;
    return 0;
}

void uppp_mppe_del(struct uppp_mppe *st)
{
    if (st == NULL)
        return;
    uppp_rc4_free(st->rc4); /* wipes the key schedule */
    uppp_memzero(st, sizeof(*st));
    free(st);
}

int uppp_mppe_reset_requested(struct uppp_mppe *st)
{
    if (st == NULL || st->role == ROLE_RX)
        return UPPP_ERR_INVALID;
    /* Linux mppe_comp_reset: only mark; the key changes once on the next
     * packet however many Reset-Requests arrive before it (a lost Reset-Ack
     * makes the peer repeat its request, and it cannot know how many of
     * them we would otherwise have acted on). */
    st->flush_pending = FLUSH_RESET;
    st->stats.resets++;
    return 0;
}

int uppp_mppe_next_flushed(const struct uppp_mppe *st)
{
    if (st == NULL)
        return 0;
    unsigned cc = (st->ccount + 1) & UPPP_MPPE_CCOUNT_MASK;
    return st->stateless || st->flush_pending || (cc & 0xff) == UPPP_MPPE_FLAG_LOW_OCTET;
}

/* The next packet's count and header flags, with the key change or RC4
 * re-init they call for done. Returns 0 or a negative uppp_err. */
static int tx_begin(struct uppp_mppe *st, unsigned *cc_out, unsigned *bits_out)
{
    unsigned cc = (st->ccount + 1) & UPPP_MPPE_CCOUNT_MASK;
    if (!st->stateless && st->flush_pending == FLUSH_RESET &&
        st->policy == UPPP_MPPE_RESET_LINUX_FLAG) {
        /* Answer a Reset-Request with the flag packet of this block; see
         * enum uppp_mppe_reset_policy. */
        cc |= UPPP_MPPE_FLAG_LOW_OCTET;
    }
    unsigned bits = UPPP_MPPE_BIT_ENCRYPTED;
    int rc = 0;
    if (st->stateless || (cc & 0xff) == UPPP_MPPE_FLAG_LOW_OCTET) {
        /* Section 7.1: stateless changes key before every packet (Linux:
         * the first included); section 7.2: stateful before the flag
         * packet. Both are FLUSHED: the tables were re-initialised. */
        rc = rekey(st);
        bits |= UPPP_MPPE_BIT_FLUSHED;
    } else if (st->flush_pending) {
        /* Answer to a Reset-Request (or MPPC's flush); see enum
         * uppp_mppe_reset_policy. */
        rc = st->policy == UPPP_MPPE_RESET_RFC3078 ? rc4_reinit(st) : rekey(st);
        bits |= UPPP_MPPE_BIT_FLUSHED;
    }
    if (rc != 0)
        return rc;
    st->flush_pending = FLUSH_NONE;
    st->ccount = cc;
    *cc_out = cc;
    *bits_out = bits;
    return 0;
}

static int tx_done(struct uppp_mppe *st, unsigned bits, size_t len)
{
    st->stats.packets++;
    st->stats.bytes += len;
    if (bits & UPPP_MPPE_BIT_FLUSHED)
        st->stats.flushed++;
    return 0;
}

int uppp_mppe_encrypt(struct uppp_mppe *st, uint16_t protocol, const uint8_t *payload, size_t len,
                      uint8_t *out, size_t out_cap)
{
    if (st == NULL || out == NULL || (payload == NULL && len != 0) || st->role == ROLE_RX ||
        st->mppc)
        return UPPP_ERR_INVALID;
    if (st->broken)
        return UPPP_ERR_CRYPTO;
    if (!uppp_mppe_protocol_encrypted(protocol) || len > (size_t)INT_MAX - UPPP_MPPE_OVERHEAD)
        return UPPP_ERR_INVALID;
    if (out_cap < len + UPPP_MPPE_OVERHEAD)
        return UPPP_ERR_NOBUF;
    st->role = ROLE_TX;

    unsigned cc, bits;
    int rc = tx_begin(st, &cc, &bits);
    if (rc != 0)
        return fail(st, rc);
    uppp_ccp_hdr_put(out, bits, cc);
    uint8_t *enc = out + UPPP_MPPE_HDR_LEN;
    if (payload == out + UPPP_MPPE_OVERHEAD) {
        /* Zero copy: one RC4 pass over protocol and payload. */
        enc[0] = (uint8_t)(protocol >> 8);
        enc[1] = (uint8_t)protocol;
        rc = uppp_rc4_crypt(st->rc4, enc, enc, len + 2);
    } else {
        /* Section 3.1: the protocol field is encrypted first, then the data;
         * always uncompressed, as Linux sends it. */
        const uint8_t proto[2] = {(uint8_t)(protocol >> 8), (uint8_t)protocol};
        rc = uppp_rc4_crypt(st->rc4, proto, enc, 2);
        if (rc == 0 && len != 0)
            rc = uppp_rc4_crypt(st->rc4, payload, enc + 2, len);
    }
    if (rc != 0)
        return fail(st, rc);
    tx_done(st, bits, len);
    return (int)(len + UPPP_MPPE_OVERHEAD);
}

int uppp_mppe_encrypt_mppc(struct uppp_mppe *st, unsigned mppc_bits, const uint8_t *data,
                           size_t len, uint8_t *out, size_t out_cap)
{
    if (st == NULL || out == NULL || data == NULL || len == 0 || st->role == ROLE_RX || !st->mppc ||
        len > (size_t)INT_MAX - UPPP_MPPE_HDR_LEN)
        return UPPP_ERR_INVALID;
    if (st->broken)
        return UPPP_ERR_CRYPTO;
    if (out_cap < len + UPPP_MPPE_HDR_LEN)
        return UPPP_ERR_NOBUF;
    st->role = ROLE_TX;
    if ((mppc_bits & UPPP_MPPE_BIT_A) && !uppp_mppe_next_flushed(st))
        st->flush_pending = FLUSH_NEXT;
    unsigned cc, bits;
    int rc = tx_begin(st, &cc, &bits);
    if (rc != 0)
        return fail(st, rc);
    bits |= mppc_bits & (UPPP_MPPE_BIT_B | UPPP_MPPE_BIT_C);
    uppp_ccp_hdr_put(out, bits, cc);
    rc = uppp_rc4_crypt(st->rc4, data, out + UPPP_MPPE_HDR_LEN, len);
    if (rc != 0)
        return fail(st, rc);
    tx_done(st, bits, len);
    return (int)(len + UPPP_MPPE_HDR_LEN);
}

static int rx_drop(struct uppp_mppe *st, struct uppp_mppe_rx *rx, enum uppp_mppe_drop_reason reason,
                   int sanity)
{
    st->stats.dropped++;
    st->stats.drops[reason]++;
    rx->reason = reason;
    if (sanity != 0) {
        st->sanity += sanity;
        /* Linux: "take LCP down if the peer is sending too many bogons". */
        if (st->sanity >= SANITY_MAX) {
            st->dead = 1;
            return UPPP_MPPE_FATAL;
        }
    }
    return UPPP_MPPE_DROP;
}

/* The decrypted protocol field (section 3.1). It may be PFC-compressed
 * (RFC 1661 section 6.5: an odd first octet is the whole field), which
 * Linux accepts. Only 0x0021..0x00FA are ever encrypted (section 3), and a
 * PPP protocol number is odd (RFC 1661 section 2); anything else means the
 * keys disagree or the packet was damaged. Linux passes it up regardless;
 * checking it here keeps garbage from the network layer and lets a
 * stateless receiver refuse to move its key on a forged count. */
static int parse_protocol(uint8_t *d, size_t n, struct uppp_mppe_rx *rx)
{
    uint16_t proto;
    size_t hl;
    if (d[0] & 1) {
        proto = d[0];
        hl = 1;
    } else {
        if (n < 2)
            return 0;
        proto = (uint16_t)(d[0] << 8 | d[1]);
        hl = 2;
        if ((proto & 1) == 0)
            return 0;
    }
    if (!uppp_mppe_protocol_encrypted(proto))
        return 0;
    rx->protocol = proto;
    rx->payload = d + hl;
    rx->payload_len = n - hl;
    return 1;
}

/* The decrypted data judged as parse_protocol does, or as MPPC's output
 * (RFC 2118) when the link compresses: then rx->payload is all of it
 * (protocol field included, for the decompressor) and rx->protocol 0. A
 * compressed packet that is not FLUSHED shows no protocol before it is
 * decompressed and passes; a FLUSHED one starts from an empty history, so
 * its first tokens are literals, and the literals of 0x00 and of 0x01..0x7f
 * are those octets themselves: the protocol check still holds for
 * everything up to 0x007f (IP 0x0021, IPv6 0x0057, VJ 0x002d/0x002f). */
static int check_payload(const struct uppp_mppe *st, unsigned bits, uint8_t *d, size_t n,
                         struct uppp_mppe_rx *rx)
{
    if (!st->mppc)
        return parse_protocol(d, n, rx);
    if (!(bits & UPPP_MPPE_BIT_C) || (bits & UPPP_MPPE_BIT_FLUSHED)) {
        if (!parse_protocol(d, n, rx))
            return 0;
    }
    rx->protocol = 0;
    rx->payload = d;
    rx->payload_len = n;
    return 1;
}

static int rx_deliver(struct uppp_mppe *st, struct uppp_mppe_rx *rx, int flushed)
{
    st->stats.packets++;
    st->stats.bytes += rx->payload_len;
    if (flushed)
        st->stats.flushed++;
    st->sanity >>= 1; /* Linux: good packet credit */
    return UPPP_MPPE_OK;
}

/* Sections 7.1, 8.1: one key change per count step, then decrypt. */
static int rx_stateless(struct uppp_mppe *st, unsigned cc, uint8_t *d, size_t n,
                        struct uppp_mppe_rx *rx)
{
    unsigned jump = (cc - st->ccount) & UPPP_MPPE_CCOUNT_MASK;
    /* Linux drops a count more than half the space ahead as late. It
     * decrypts a repeated count with a spent key; we drop it. */
    if (jump == 0 || jump > UPPP_MPPE_CCOUNT_SPACE / 2)
        return rx_drop(st, rx, UPPP_MPPE_DROP_OLD_COUNT, SANITY_LATE);
    /* Bound the work (FreeBSD MPPE_MAX_REKEY); Linux does up to 2048. */
    if (jump > st->max_rekey)
        return rx_drop(st, rx, UPPP_MPPE_DROP_COUNT_JUMP, SANITY_BOGON);

    /* Work on a copy and commit only if the packet decrypts to a sane
     * protocol, so a corrupted or forged count does not move us ahead of
     * the sender (after which its real packets would all look late).
     * Linux commits first. The RC4 context is free to clobber: every
     * stateless packet re-keys it. */
    uint8_t key[UPPP_MPPE_MAX_KEY_LEN];
    memcpy(key, st->session_key, st->keylen);
    int rc = 0;
    for (unsigned i = 0; i < jump && rc == 0; i++)
        rc = key_change(st, key, key);
    if (rc == 0)
        rc = uppp_rc4_setkey(st->rc4, key, st->keylen);
    if (rc == 0)
        rc = uppp_rc4_crypt(st->rc4, d, d, n);
    if (rc != 0) {
        uppp_memzero(key, sizeof(key));
        return fail(st, rc);
    }
    if (!check_payload(st, rx->bits, d, n, rx)) {
        uppp_memzero(key, sizeof(key));
        return rx_drop(st, rx, UPPP_MPPE_DROP_BAD_PROTOCOL, SANITY_BOGON);
    }
    memcpy(st->session_key, key, st->keylen);
    uppp_memzero(key, sizeof(key));
    st->ccount = cc;
    return rx_deliver(st, rx, 1);
}

/* How many key changes beyond the one a FLUSHED packet implies a Linux-
 * policy receiver tries when it resyncs (see resync_linux). */
#define RESYNC_EXTRA 4

/* Do the first n decrypted octets start an IPv4 or IPv6 packet: protocol
 * 0x0021 with version 4 and a header of at least 5 words, or 0x0057 with
 * version 6? Only the uncompressed protocol field counts (Linux always
 * sends it so): a wrong key passes this about once in 2^20 tries, where
 * parse_protocol, which must also take a PFC-compressed field, lets almost
 * every other one through. */
static int looks_like_ip(const uint8_t *d, size_t n)
{
    if (n < 3 || d[0] != 0x00)
        return 0;
    if (d[1] == 0x21)
        return d[2] >= 0x45 && d[2] <= 0x4f;
    return d[1] == 0x57 && d[2] >> 4 == 6;
}

/* Resync on a FLUSHED packet under a Linux policy. Linux answers each
 * Reset-Request with a key change and one FLUSHED packet at an ordinary
 * count; if that packet is lost, the sender is a key change ahead of
 * anything the receiver can count, and Linux's own receiver never recovers
 * (every later FLUSHED packet moves both ends by one; seen against pppd
 * 2.4.9 / Linux 6.1 over a lossy line as junk that pppd Protocol-Rejects).
 * So we try the key change the packet implies and up to RESYNC_EXTRA more,
 * and take the first under which the packet starts like IP; if none does
 * (a packet that is not IP, or damage), the first, as Linux would. The key
 * only ever moves forward. Work: at most RESYNC_EXTRA + 1 key changes and
 * 3 RC4 octets each, only on a resync. */
static int resync_linux(struct uppp_mppe *st, const uint8_t *d, size_t n)
{
    uint8_t cand[UPPP_MPPE_MAX_KEY_LEN], first[UPPP_MPPE_MAX_KEY_LEN], b[3];
    uint64_t rekeys = st->stats.rekeys;
    int rc = key_change(st, st->session_key, cand);
    memcpy(first, cand, st->keylen);
    unsigned found = 0;
    for (unsigned i = 0; rc == 0 && n >= 3 && i <= RESYNC_EXTRA; i++) {
        if (i > 0 && (rc = key_change(st, cand, cand)) != 0)
            break;
        /* 3 octets under a candidate: a local RC4, as in key_change. */
        struct uppp_rc4_local r;
        uppp_rc4_local_setkey(&r, cand, st->keylen);
        uppp_rc4_local_crypt(&r, d, b, sizeof(b));
        uppp_memzero(&r, sizeof(r));
        /* Every candidate, the key the counts explain included, must look
         * like IP: a weaker test there (any valid protocol, about 1 wrong
         * key in 500 passes) once chose that key over the sender's real
         * one. */
        if (looks_like_ip(b, sizeof(b))) {
            found = i;
            break;
        }
    }
    /* Count the key changes we keep, not the ones we tried. */
    st->stats.rekeys = rekeys + 1 + found;
    st->stats.resync_extra_keys += found;
    if (rc == 0) {
        memcpy(st->session_key, found ? cand : first, st->keylen);
        rc = uppp_rc4_setkey(st->rc4, st->session_key, st->keylen);
    }
    uppp_memzero(cand, sizeof(cand));
    uppp_memzero(first, sizeof(first));
    uppp_memzero(b, sizeof(b));
    return rc;
}

/* An in-order packet decrypted to junk. Under RFC 3078 resets that is
 * damage to this packet only: the RC4 stream goes on. Under a Linux policy
 * it may mean the last resync guessed a key change behind the sender (its
 * witness did not look like IP); then every FLUSHED packet moves both ends
 * one key on and the streams never meet again, as between two Linux peers.
 * So discard until the next FLUSHED packet, as after a loss, and resync
 * there with the look-ahead: the caller's Reset-Request brings it. */
static void lost_sync(struct uppp_mppe *st)
{
    if (!st->stateless && st->policy != UPPP_MPPE_RESET_RFC3078)
        st->discard = 1;
}

/* Sections 7.2, 8.2. */
static int rx_stateful(struct uppp_mppe *st, unsigned cc, int flushed, uint8_t *d, size_t n,
                       struct uppp_mppe_rx *rx)
{
    unsigned expect = (st->ccount + 1) & UPPP_MPPE_CCOUNT_MASK;
    unsigned ahead = (cc - expect) & UPPP_MPPE_CCOUNT_MASK;
    if (ahead >= UPPP_MPPE_CCOUNT_SPACE - STATEFUL_OLD_WINDOW)
        return rx_drop(st, rx, UPPP_MPPE_DROP_OLD_COUNT, SANITY_LATE);

    int rc = 0, resync = 0;
    if (ahead != 0 || st->discard) {
        if (!flushed) {
            if (st->discard)
                return rx_drop(st, rx, UPPP_MPPE_DROP_WAIT_FLUSHED, 0);
            /* Section 8.2: loss; drop, ask for a reset, discard until a
             * FLUSHED packet. expect stays the first missing count. */
            st->discard = 1;
            st->stats.resets++;
            rx_drop(st, rx, UPPP_MPPE_DROP_PACKET_LOSS, 0);
            return UPPP_MPPE_NEED_RESET;
        }
        /* A FLUSHED packet after a loss resyncs (section 8.2). Linux only
         * does this once it has seen the loss and entered its discard state,
         * so it throws away a FLUSHED packet that is the first to reveal the
         * loss (a flag packet, say) and waits for the next one; the keys are
         * the same either way, so we take it. First the key changes the
         * sender made for the flag packets we missed, i.e. for each count
         * with low octet 0xFF in [expect, cc): one per 256-count block
         * boundary crossed (at most 15). */
        unsigned missed = ((cc >> 8) - (expect >> 8)) & 0xF;
        for (unsigned i = 0; i < missed && rc == 0; i++)
            rc = key_change(st, st->session_key, st->session_key);
        resync = 1;
    }
    if (rc == 0 && flushed) {
        /* Linux: every FLUSHED packet means a key change. RFC 3078: a flag
         * packet means a key change (section 7.2); any other FLUSHED packet
         * an RC4 re-init with the current key (section 8.2). Either way RC4
         * ends up freshly keyed, as FLUSHED (bit A, section 3.1) says. */
        if (resync && st->policy != UPPP_MPPE_RESET_RFC3078)
            rc = resync_linux(st, d, n);
        else if (st->policy != UPPP_MPPE_RESET_RFC3078 || (cc & 0xff) == UPPP_MPPE_FLAG_LOW_OCTET)
            rc = rekey(st);
        else
            rc = rc4_reinit(st);
    }
    /* Otherwise in order and not FLUSHED: the RC4 stream just continues. */
    if (rc == 0)
        rc = uppp_rc4_crypt(st->rc4, d, d, n);
    if (rc != 0)
        return fail(st, rc);
    /* Committed: our RC4 stream has moved exactly as the sender's did, so a
     * bad protocol below is this packet's damage, not a loss of sync. */
    st->ccount = cc;
    st->discard = 0;
    if (resync)
        st->stats.resyncs++;
    if (!check_payload(st, rx->bits, d, n, rx)) {
        lost_sync(st);
        return rx_drop(st, rx, UPPP_MPPE_DROP_BAD_PROTOCOL, SANITY_BOGON);
    }
    return rx_deliver(st, rx, flushed);
}

int uppp_mppe_decrypt(struct uppp_mppe *st, uint8_t *pkt, size_t len, struct uppp_mppe_rx *rx)
{
    if (st == NULL || rx == NULL || (pkt == NULL && len != 0) || st->role == ROLE_TX)
        return UPPP_ERR_INVALID;
    memset(rx, 0, sizeof(*rx));
    if (st->broken)
        return UPPP_ERR_CRYPTO;
    st->role = ROLE_RX;
    if (st->dead) {
        rx_drop(st, rx, UPPP_MPPE_DROP_DEAD, 0);
        return UPPP_MPPE_FATAL;
    }
    /* Linux: at least one encrypted byte after the header. Linux drops
     * shorter packets without scoring them; nobody sends them, so we do. */
    if (len < UPPP_MPPE_HDR_LEN + 1)
        return rx_drop(st, rx, UPPP_MPPE_DROP_TOO_SHORT, SANITY_BOGON);

    unsigned bits = uppp_ccp_hdr_flags(pkt);
    unsigned cc = uppp_ccp_hdr_count(pkt);
    rx->bits = bits;
    int flushed = (bits & UPPP_MPPE_BIT_FLUSHED) != 0;
    /* Linux's sanity checks, each worth SANITY_BOGON. A clear D bit would
     * mean plaintext: never passed up. */
    if (!(bits & UPPP_MPPE_BIT_ENCRYPTED))
        return rx_drop(st, rx, UPPP_MPPE_DROP_NOT_ENCRYPTED, SANITY_BOGON);
    /* Sections 3.1 and 7: stateless packets and stateful flag packets are
     * always FLUSHED. */
    if (!flushed && (st->stateless || (cc & 0xff) == UPPP_MPPE_FLAG_LOW_OCTET))
        return rx_drop(st, rx, UPPP_MPPE_DROP_NOT_FLUSHED, SANITY_BOGON);

    uint8_t *d = pkt + UPPP_MPPE_HDR_LEN;
    size_t n = len - UPPP_MPPE_HDR_LEN;
    if (st->stateless)
        return rx_stateless(st, cc, d, n, rx);
    return rx_stateful(st, cc, flushed, d, n, rx);
}

int uppp_mppe_rx_junk(struct uppp_mppe *st)
{
    if (st == NULL || st->role == ROLE_TX)
        return UPPP_ERR_INVALID;
    lost_sync(st);
    return 0;
}

int uppp_mppe_rx_waiting(const struct uppp_mppe *st)
{
    return st != NULL && st->discard;
}

int uppp_mppe_get_stats(const struct uppp_mppe *st, struct uppp_mppe_stats *stats)
{
    if (st == NULL || stats == NULL)
        return UPPP_ERR_INVALID;
    *stats = st->stats;
    stats->sanity = st->sanity;
    return 0;
}
