/*
 * Asynchronous HDLC-like framing for PPP: RFC 1662 sections 3.1 (frame
 * format), 3.2 (ACFC), 4.1 to 4.4 (flag, transparency, invalid frames, time
 * fill) and 7.1 (ACCM).
 *
 * Where RFC 1662 leaves a choice we do what Linux ppp_async (the framing
 * under pppd 2.4.9 on Linux 6.1) does, so both ends agree on which frames
 * survive:
 * - An unescaped octet below 0x20 that is in the receive ACCM is removed
 *   (RFC 1662 section 4.2; ppp_async scan_ordinary() stops at it and the
 *   input loop skips it). That holds right after a Control Escape too: the
 *   escape stays pending and applies to the next octet kept.
 * - 7D 7D reads as 5D, like any other escaped octet.
 * - A frame shorter than FCS + 1 octet is too short. RFC 1662 section 4.3
 *   says "less than 4 octets" for FCS-16; ppp_async drops below 3, so a
 *   one-octet compressed Protocol with an empty Information field passes.
 * - FF not followed by 03 drops the frame, as does FF 03 with nothing after
 *   it, and an even first Protocol octet with no second one (ppp_async
 *   process_input_packet()). RFC 1662 section 3.2 would instead read such a
 *   frame as "compressed", which yields Protocol values that do not exist.
 * - A frame that outgrows the buffer is dropped at once and the rest of it
 *   skipped up to the next flag (ppp_async SC_TOSS).
 * - Two flags in a row are an empty frame, silently ignored (RFC 1662
 *   section 3.1; pppd ends and begins frames with their own flags).
 * Unlike ppp_async, octets before the very first flag are not taken as a
 * frame: they are counted as garbage, not as a frame error.
 *
 * Transmit side, also as ppp_async: FCS after Address/Control, then every
 * octet after the opening flag escaped per the map; the opening flag and
 * LCP's all-control-characters escaping are the caller's choice per frame.
 *
 * Speed: both directions skip over runs of octets that need no attention
 * (no 7D/7E, no control character when the ACCM maps any) 16 at a time
 * with SSE2, or 8 at a time in a 64-bit word elsewhere, and the FCS runs
 * slice-by-8 over the finished frame (bench/hdlc_bench.c).
 */
#include <uppp/hdlc.h>
#include <uppp/err.h>

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- helpers */

/* ordinary_prefix(p, ctl): how many of the BLOCK octets at p certainly
 * need no attention: not 7D or 7E and, if ctl, not below 0x20. It may stop
 * early at a harmless octet (the slow path sorts that out), never late. */
#if defined(__SSE2__) && !defined(UPPP_NO_SIMD)
#include <emmintrin.h>

#define BLOCK 16

static inline size_t ordinary_prefix(const uint8_t *p, bool ctl)
{
    const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i m = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x7e)),
                             _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7d)));
    if (ctl) /* unsigned v <= 0x1f */
        m = _mm_or_si128(m, _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v));
    unsigned mask = (unsigned)_mm_movemask_epi8(m);
    return mask ? (size_t)__builtin_ctz(mask) : BLOCK;
}

#else /* eight octets in a 64-bit word */

#define BLOCK 8
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Nonzero iff some octet of w is below n (0 <= n <= 128). Borrows only
 * flag octets above a real hit, so the lowest flag is exact. */
static inline uint64_t has_less(uint64_t w, uint64_t n)
{
    return (w - ONES * n) & ~w & HIGHS;
}

static inline size_t ordinary_prefix(const uint8_t *p, bool ctl)
{
    uint64_t w;
    memcpy(&w, p, sizeof(w));
    /* 7C..7F in one test: 7D and 7E differ only in their low two bits. */
    uint64_t hit = has_less((w | ONES * 3) ^ (ONES * 0x7f), 1) | has_less(w, ctl ? 0x20 : 0);
    if (hit == 0)
        return BLOCK;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return (size_t)__builtin_ctzll(hit) / 8;
#else
    return 0;
#endif
}
#endif

static int fcs_len_of(enum uppp_hdlc_fcs_type fcs)
{
    switch (fcs) {
    case UPPP_HDLC_FCS16:
        return 2;
    case UPPP_HDLC_FCS32:
        return 4;
    }
    return UPPP_ERR_INVALID;
}

/* ---------------------------------------------------------------- encoder */

#define TX_FLAGS_ALL (UPPP_HDLC_TX_ADDR_CTRL | UPPP_HDLC_TX_NO_OPEN_FLAG | UPPP_HDLC_TX_ALL_CTRL)

/* 7D and 7E are always escaped (RFC 1662 section 4.2): bits 29 and 30 of
 * the word for 0x60..0x7f. 5E never is (section 7.1), nor 0x20..0x3f: the
 * MAY of section 7.1 covers 0x40..0xff only, and for good reason, since an
 * escaped 0x20..0x3f goes out as 7D 00..1F and a receiver that has that
 * control character in its ACCM (Linux ppp_async does the same as we do)
 * drops it and corrupts the frame. pppd's "escape" option does not refuse
 * them; we do. */
#define MAP3_MUST 0x60000000u
#define MAP2_NEVER 0x40000000u

int uppp_hdlc_tx_init(struct uppp_hdlc_tx *tx, enum uppp_hdlc_fcs_type fcs)
{
    if (tx == NULL || fcs_len_of(fcs) < 0)
        return UPPP_ERR_INVALID;
    memset(tx, 0, sizeof(*tx));
    tx->fcs_len = (uint8_t)fcs_len_of(fcs);
    return uppp_hdlc_tx_set_accm(tx, UPPP_HDLC_DEFAULT_ACCM);
}

int uppp_hdlc_tx_set_accm(struct uppp_hdlc_tx *tx, uint32_t accm)
{
    if (tx == NULL)
        return UPPP_ERR_INVALID;
    memset(tx->xaccm, 0, sizeof(tx->xaccm));
    tx->xaccm[0] = accm;
    tx->xaccm[3] = MAP3_MUST;
    tx->ext = false;
    return 0;
}

int uppp_hdlc_tx_set_xaccm(struct uppp_hdlc_tx *tx, const uint32_t map[8])
{
    if (tx == NULL || map == NULL)
        return UPPP_ERR_INVALID;
    memcpy(tx->xaccm, map, sizeof(tx->xaccm));
    tx->xaccm[1] = 0;
    tx->xaccm[2] &= ~MAP2_NEVER;
    tx->xaccm[3] |= MAP3_MUST;
    tx->ext = tx->xaccm[3] != MAP3_MUST;
    for (int i = 2; i < 8; i++)
        if (i != 3 && tx->xaccm[i] != 0)
            tx->ext = true;
    return 0;
}

int uppp_hdlc_tx_set_fcs(struct uppp_hdlc_tx *tx, enum uppp_hdlc_fcs_type fcs)
{
    if (tx == NULL || fcs_len_of(fcs) < 0)
        return UPPP_ERR_INVALID;
    tx->fcs_len = (uint8_t)fcs_len_of(fcs);
    return 0;
}

size_t uppp_hdlc_encode_bound(const struct uppp_hdlc_tx *tx, unsigned flags, size_t len)
{
    size_t fixed = (flags & UPPP_HDLC_TX_ADDR_CTRL ? 2 : 0) + (tx ? tx->fcs_len : 4);
    if (len > (SIZE_MAX - 2) / 2 - fixed)
        return SIZE_MAX;
    return 2 * (len + fixed) + 2;
}

/* The escape test for octet c: map0 is the map for 0x00-0x1f in force for
 * this frame, map the rest. */
static inline int must_escape(const uint32_t *map, uint32_t map0, uint8_t c)
{
    uint32_t word = c < 0x20 ? map0 : map[c >> 5];
    return (word >> (c & 31)) & 1;
}

static size_t escaped_size(const uint32_t *map, uint32_t map0, const uint8_t *p, size_t n)
{
    size_t out = n;
    for (size_t i = 0; i < n; i++)
        out += (size_t)must_escape(map, map0, p[i]);
    return out;
}

static inline uint8_t *put_one(uint8_t *o, const uint32_t *map, uint32_t map0, uint8_t c)
{
    if (must_escape(map, map0, c)) {
        *o++ = UPPP_HDLC_ESCAPE;
        *o++ = c ^ UPPP_HDLC_TRANS;
    } else {
        *o++ = c;
    }
    return o;
}

/* Every input octet makes at least one output octet and the FCS and flag
 * follow, so while BLOCK input octets remain, BLOCK output octets fit. */
static uint8_t *put_escaped(uint8_t *o, const uint32_t *map, uint32_t map0, bool ext,
                            const uint8_t *p, size_t n)
{
    const uint8_t *end = p + n;
    if (!ext) {
        /* Only 7D, 7E and the control characters can need escaping. */
        const bool ctl = map0 != 0;
        while (end - p >= BLOCK) {
            size_t k = ordinary_prefix(p, ctl);
            memcpy(o, p, BLOCK);
            o += k;
            p += k;
            if (k < BLOCK)
                o = put_one(o, map, map0, *p++);
        }
    }
    for (; p < end; p++)
        o = put_one(o, map, map0, *p);
    return o;
}

int uppp_hdlc_encode(const struct uppp_hdlc_tx *tx, unsigned flags, const uint8_t *frame,
                     size_t frame_len, uint8_t *out, size_t out_cap, size_t *out_len)
{
    return uppp_hdlc_encode2(tx, flags, NULL, 0, frame, frame_len, out, out_cap, out_len);
}

int uppp_hdlc_encode2(const struct uppp_hdlc_tx *tx, unsigned flags, const uint8_t *head,
                      size_t head_len, const uint8_t *body, size_t body_len, uint8_t *out,
                      size_t out_cap, size_t *out_len)
{
    static const uint8_t ac[2] = {UPPP_PPP_ADDRESS, UPPP_PPP_CONTROL};

    if (tx == NULL || out == NULL || out_len == NULL || (head == NULL && head_len != 0) ||
        (body == NULL && body_len != 0) || (flags & ~(unsigned)TX_FLAGS_ALL) != 0 ||
        (tx->fcs_len != 2 && tx->fcs_len != 4) || body_len > SIZE_MAX - head_len)
        return UPPP_ERR_INVALID;
    *out_len = 0;

    const bool add_ac = flags & UPPP_HDLC_TX_ADDR_CTRL;
    const uint32_t map0 = tx->xaccm[0] | (flags & UPPP_HDLC_TX_ALL_CTRL ? 0xffffffffu : 0);

    /* RFC 1662 section 3.1: the FCS covers Address, Control, Protocol,
     * Information and Padding, and goes out least significant octet
     * first, complemented (appendix C.2, C.3). */
    uint8_t fcs[4];
    if (tx->fcs_len == 2) {
        uint16_t f = UPPP_FCS16_INIT;
        if (add_ac)
            f = uppp_fcs16(f, ac, 2);
        if (head_len != 0)
            f = uppp_fcs16(f, head, head_len);
        f = (uint16_t)~uppp_fcs16(f, body, body_len);
        fcs[0] = (uint8_t)f;
        fcs[1] = (uint8_t)(f >> 8);
    } else {
        uint32_t f = UPPP_FCS32_INIT;
        if (add_ac)
            f = uppp_fcs32(f, ac, 2);
        if (head_len != 0)
            f = uppp_fcs32(f, head, head_len);
        f = ~uppp_fcs32(f, body, body_len);
        for (int i = 0; i < 4; i++)
            fcs[i] = (uint8_t)(f >> (8 * i));
    }

    const size_t open = flags & UPPP_HDLC_TX_NO_OPEN_FLAG ? 0 : 1;
    const size_t frame_len = head_len + body_len;
    if (out_cap < uppp_hdlc_encode_bound(tx, flags, frame_len)) {
        /* Tight buffer: count exactly before writing anything. */
        size_t need = open + 1 + escaped_size(tx->xaccm, map0, fcs, tx->fcs_len);
        if (add_ac)
            need += escaped_size(tx->xaccm, map0, ac, 2);
        if (need > out_cap || frame_len > out_cap - need)
            return UPPP_ERR_NOBUF;
        need += escaped_size(tx->xaccm, map0, head, head_len);
        if (need > out_cap || escaped_size(tx->xaccm, map0, body, body_len) > out_cap - need)
            return UPPP_ERR_NOBUF;
    }

    uint8_t *o = out;
    if (open)
        *o++ = UPPP_HDLC_FLAG;
    if (add_ac)
        o = put_escaped(o, tx->xaccm, map0, true, ac, 2);
    if (head_len != 0)
        o = put_escaped(o, tx->xaccm, map0, tx->ext, head, head_len);
    if (body_len != 0)
        o = put_escaped(o, tx->xaccm, map0, tx->ext, body, body_len);
    o = put_escaped(o, tx->xaccm, map0, true, fcs, tx->fcs_len);
    *o++ = UPPP_HDLC_FLAG;
    *out_len = (size_t)(o - out);
    return 0;
}

/* ---------------------------------------------------------------- decoder */

/* Receiver states. HUNT: before the first flag; DATA: inside a frame (the
 * flag that closed one frame opens the next); ESC: a Control Escape was the
 * last octet kept; TOSS: the frame is already dropped, skip to a flag. */
enum { ST_HUNT, ST_DATA, ST_ESC, ST_TOSS };

/* What an incoming octet is; cls[] maps every octet to one of these. */
enum { C_DATA, C_FLAG, C_ESC, C_DROP };

/* Room for FF 03 and an uncompressed Protocol field besides the MRU. */
#define HDR_LEN 4

struct uppp_hdlc_rx {
    uint8_t cls[256];
    uint32_t accm;
    uint8_t state;
    uint8_t fcs_len;
    bool after_error;
    size_t len;      /* octets of the current frame in buf */
    size_t limit;    /* a frame longer than this is too long */
    size_t mru;      /* as configured */
    size_t slack;    /* as configured */
    size_t max_body; /* mru + slack at creation: buf holds HDR_LEN + this + 4 */
    struct uppp_hdlc_stats stats;
    uint8_t buf[];
};

static void set_limit(struct uppp_hdlc_rx *d)
{
    d->limit = HDR_LEN + d->mru + d->slack + d->fcs_len;
}

int uppp_hdlc_rx_new(struct uppp_hdlc_rx **out, const struct uppp_hdlc_rx_config *cfg)
{
    if (out == NULL)
        return UPPP_ERR_INVALID;
    *out = NULL;
    if (cfg == NULL || fcs_len_of(cfg->fcs) < 0 || cfg->mru > UPPP_HDLC_MAX_MRU ||
        cfg->slack > UPPP_HDLC_MAX_MRU - cfg->mru)
        return UPPP_ERR_INVALID;
    size_t body = cfg->mru + cfg->slack;
    struct uppp_hdlc_rx *d = calloc(1, sizeof(*d) + HDR_LEN + body + 4);
    if (d == NULL)
        return UPPP_ERR_NOMEM;
    d->mru = cfg->mru;
    d->slack = cfg->slack;
    d->max_body = body;
    d->fcs_len = (uint8_t)fcs_len_of(cfg->fcs);
    set_limit(d);
    uppp_hdlc_rx_set_accm(d, cfg->accm);
    d->state = ST_HUNT;
    *out = d;
    return 0;
}

void uppp_hdlc_rx_free(struct uppp_hdlc_rx *d)
{
    free(d);
}

void uppp_hdlc_rx_reset(struct uppp_hdlc_rx *d)
{
    if (d == NULL)
        return;
    d->state = ST_HUNT;
    d->len = 0;
    d->after_error = false;
}

int uppp_hdlc_rx_set_accm(struct uppp_hdlc_rx *d, uint32_t accm)
{
    if (d == NULL)
        return UPPP_ERR_INVALID;
    d->accm = accm;
    for (int c = 0; c < 256; c++)
        d->cls[c] = c < 0x20 && (accm >> c & 1) ? C_DROP : C_DATA;
    d->cls[UPPP_HDLC_FLAG] = C_FLAG;
    d->cls[UPPP_HDLC_ESCAPE] = C_ESC;
    return 0;
}

int uppp_hdlc_rx_set_fcs(struct uppp_hdlc_rx *d, enum uppp_hdlc_fcs_type fcs)
{
    if (d == NULL || fcs_len_of(fcs) < 0)
        return UPPP_ERR_INVALID;
    d->fcs_len = (uint8_t)fcs_len_of(fcs);
    set_limit(d);
    return 0;
}

int uppp_hdlc_rx_set_mru(struct uppp_hdlc_rx *d, size_t mru)
{
    if (d == NULL || mru > d->max_body || d->slack > d->max_body - mru)
        return UPPP_ERR_INVALID;
    d->mru = mru;
    set_limit(d);
    return 0;
}

const struct uppp_hdlc_stats *uppp_hdlc_rx_stats(const struct uppp_hdlc_rx *d)
{
    return d == NULL ? NULL : &d->stats;
}

static void frame_error(struct uppp_hdlc_rx *d, uint64_t *counter)
{
    (*counter)++;
    d->after_error = true;
}

/* A flag closed a non-empty frame of n octets: check it (RFC 1662 sections
 * 3.1, 3.2, 4.3) and fill *fr. Returns whether it is good. */
static bool finish_frame(struct uppp_hdlc_rx *d, size_t n, struct uppp_hdlc_frame *fr)
{
    const uint8_t *b = d->buf;
    const size_t fl = d->fcs_len;

    if (n < fl + 1) {
        frame_error(d, &d->stats.too_short);
        return false;
    }
    bool good = fl == 2 ? uppp_fcs16(UPPP_FCS16_INIT, b, n) == UPPP_FCS16_GOOD
                        : uppp_fcs32(UPPP_FCS32_INIT, b, n) == UPPP_FCS32_GOOD;
    if (!good) {
        frame_error(d, &d->stats.fcs_errors);
        return false;
    }
    n -= fl;
    bool ac = false;
    if (b[0] == UPPP_PPP_ADDRESS) {
        if (n < 2 || b[1] != UPPP_PPP_CONTROL) {
            frame_error(d, &d->stats.bad_addr_ctrl);
            return false;
        }
        b += 2;
        n -= 2;
        ac = true;
    }
    /* A Protocol field: one odd octet (PFC) or two (RFC 1661 section 2). */
    if (n == 0 || ((b[0] & 1) == 0 && n < 2)) {
        frame_error(d, &d->stats.too_short);
        return false;
    }
    fr->data = b;
    fr->len = n;
    fr->addr_ctrl = ac;
    fr->after_error = d->after_error;
    d->after_error = false;
    d->stats.frames++;
    return true;
}

int uppp_hdlc_rx_next(struct uppp_hdlc_rx *d, const uint8_t *in, size_t len, size_t *used,
                      struct uppp_hdlc_frame *frame)
{
    if (d == NULL || used == NULL || frame == NULL || (in == NULL && len != 0))
        return UPPP_ERR_INVALID;
    *used = 0;
    if (len == 0)
        return 0;

    const uint8_t *p = in;
    const uint8_t *const end = in + len;
    const uint8_t *const cls = d->cls;
    uint8_t *const buf = d->buf;
    const size_t lim = d->limit;
    /* Control characters need the slow path only if the ACCM maps any. */
    const bool ctl = d->accm != 0;
    size_t n = d->len;
    unsigned st = d->state;
    int rv = 0;
    uint8_t c;

    switch (st) {
    case ST_DATA:
        goto data;
    case ST_ESC:
        goto esc;
    default:
        goto skip;
    }

skip : /* ST_HUNT or ST_TOSS: everything up to a flag goes. */
{
    const uint8_t *q = memchr(p, UPPP_HDLC_FLAG, (size_t)(end - p));
    if (q == NULL) {
        if (st == ST_HUNT)
            d->stats.garbage_bytes += (uint64_t)(end - p);
        p = end;
        goto out;
    }
    if (st == ST_HUNT)
        d->stats.garbage_bytes += (uint64_t)(q - p);
    p = q + 1;
    n = 0;
    st = ST_DATA;
}

data:
    for (;;) {
        /* A block of ordinary octets at a time, while there is room; the
         * whole block is copied but only its ordinary prefix counts. */
        while (end - p >= BLOCK && n + BLOCK <= lim) {
            size_t k = ordinary_prefix(p, ctl);
            memcpy(buf + n, p, BLOCK);
            n += k;
            p += k;
            if (k < BLOCK)
                break;
        }
        if (p == end) {
            st = ST_DATA;
            goto out;
        }
        c = *p++;
        switch (cls[c]) {
        case C_DATA:
            if (n >= lim)
                goto too_long;
            buf[n++] = c;
            break;
        case C_FLAG:
            if (n == 0)
                break; /* RFC 1662 section 3.1: empty frame, not an error */
            {
                bool good = finish_frame(d, n, frame);
                n = 0;
                if (good) {
                    st = ST_DATA;
                    rv = 1;
                    goto out;
                }
            }
            break;
        case C_ESC:
            goto esc;
        default:
            d->stats.accm_discards++;
            break;
        }
    }

esc: /* the previous octet kept was 7D */
    for (;;) {
        if (p == end) {
            st = ST_ESC;
            goto out;
        }
        c = *p++;
        if (c == UPPP_HDLC_FLAG) {
            /* RFC 1662 section 4.3: 7D 7E aborts the frame; the flag
             * still opens the next one. */
            frame_error(d, &d->stats.aborts);
            n = 0;
            goto data;
        }
        if (cls[c] == C_DROP) {
            d->stats.accm_discards++;
            continue;
        }
        if (n >= lim)
            goto too_long;
        buf[n++] = c ^ UPPP_HDLC_TRANS;
        goto data;
    }

too_long:
    frame_error(d, &d->stats.too_long);
    n = 0;
    st = ST_TOSS;
    goto skip;

out:
    d->len = n;
    d->state = (uint8_t)st;
    *used = (size_t)(p - in);
    d->stats.bytes += *used;
    return rv;
}

int uppp_hdlc_rx_input(struct uppp_hdlc_rx *d, const uint8_t *in, size_t len, uppp_hdlc_frame_cb cb,
                       void *user)
{
    if (d == NULL || cb == NULL || (in == NULL && len != 0))
        return UPPP_ERR_INVALID;
    while (len > 0) {
        struct uppp_hdlc_frame fr;
        size_t used;
        int rv = uppp_hdlc_rx_next(d, in, len, &used, &fr);
        if (rv < 0)
            return rv;
        in += used;
        len -= used;
        if (rv == 1)
            cb(user, &fr);
    }
    return 0;
}
