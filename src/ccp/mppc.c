/*
 * MPPC (RFC 2118 section 4): the compressor and decompressor of the
 * bitstream, no I/O. uppp/mppc.h says what each side promises.
 *
 * The code (section 4.1, 4.2), most significant bit first:
 *   literal 0x00..0x7f   0 + 7 bits              (8 bits)
 *   literal 0x80..0xff   10 + low 7 bits         (9 bits)
 *   offset 0..63         1111 + 6 bits           (10 bits)
 *   offset 64..319       1110 + 8 bits of off-64 (12 bits)
 *   offset 320..8191     110 + 13 bits of off-320 (16 bits)
 *   length 3             0
 *   length 2^k..2^(k+1)-1 (k = 2..12): k-1 ones, a zero, the low k bits
 * The packet is padded with zero bits to an octet; fewer than 8 bits left
 * can hold no token, so the decoder stops there.
 */
#include <uppp/err.h>
#include <uppp/mppc.h>

#include "crypto.h"

#include <stdlib.h>
#include <string.h>

#define HIST UPPP_MPPC_HIST
#define HASH_BITS 12
#define HASH_SIZE (1u << HASH_BITS)
#define WAYS UPPP_MPPC_CANDIDATES
/* A match this long ends the search. */
#define GOOD_ENOUGH 32
/* Positions inside a match indexed for later ones. */
#ifndef INSERT_MAX
#define INSERT_MAX 2
#endif
/* After 2^SKIP_SHIFT positions in a row without a match, look only at every
 * other one, and so on. */
#ifndef SKIP_SHIFT
#define SKIP_SHIFT 5
#endif
/* Octets after the history that 8-octet loads may touch (never used). */
#define SLACK 8

struct uppp_mppc_comp {
    uint8_t hist[HIST + SLACK];
    /* For each hash of 3 octets, the last WAYS positions that had it, the
     * newest first. Entries left from before a flush or wrap are not
     * cleared: every candidate is checked against the history itself and
     * must lie before the position being matched. */
    uint16_t bkt[HASH_SIZE][WAYS];
    unsigned pos; /* where the next packet goes */
    int flush;    /* the next packet starts an empty history, with A */
};

struct uppp_mppc_decomp {
    uint8_t hist[HIST + SLACK];
    unsigned pos;    /* where the next packet goes */
    unsigned filled; /* octets [0, filled) written since the last flush */
    int waiting;     /* refuse compressed packets until one has A */
};

/* ---- compressor ---- */

int uppp_mppc_comp_new(struct uppp_mppc_comp **out)
{
    if (out == NULL)
        return UPPP_ERR_INVALID;
    *out = calloc(1, sizeof(**out));
    if (*out == NULL)
        return UPPP_ERR_NOMEM;
    (*out)->flush = 1;
    return 0;
}

void uppp_mppc_comp_del(struct uppp_mppc_comp *c)
{
    if (c == NULL)
        return;
    uppp_memzero(c, sizeof(*c));
    free(c);
}

void uppp_mppc_comp_flush(struct uppp_mppc_comp *c)
{
    if (c != NULL)
        c->flush = 1;
}

int uppp_mppc_comp_flush_pending(const struct uppp_mppc_comp *c)
{
    return c != NULL && c->flush;
}

/* The 3 octets at p as a number (4 are read: hist has SLACK after it). */
static inline uint32_t load3(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return v & 0xffffffu;
#else
    return v >> 8;
#endif
}

static inline unsigned hash3(const uint8_t *p)
{
    return (load3(p) * 2654435761u) >> (32 - HASH_BITS);
}

/* Position i becomes a bucket's newest entry; its oldest goes. */
static inline void insert(uint16_t *b, unsigned i)
{
    for (int k = WAYS - 1; k > 0; k--)
        b[k] = b[k - 1];
    b[0] = (uint16_t)i;
}

/* Bits out, most significant first, 32 at a time; full once out of room. */
struct bitw {
    uint64_t acc;
    unsigned n; /* bits in acc not yet written */
    uint8_t *o, *end;
    int full;
};

static inline void put(struct bitw *w, uint32_t v, unsigned nb)
{
    w->acc = (w->acc << nb) | v;
    w->n += nb;
    if (w->n >= 32) {
        w->n -= 32;
        if (w->end - w->o < 4) {
            w->full = 1;
            w->n = 0;
            return;
        }
        uint32_t x = (uint32_t)(w->acc >> w->n);
        w->o[0] = (uint8_t)(x >> 24);
        w->o[1] = (uint8_t)(x >> 16);
        w->o[2] = (uint8_t)(x >> 8);
        w->o[3] = (uint8_t)x;
        w->o += 4;
    }
}

static inline void put_literal(struct bitw *w, uint8_t b)
{
    /* 0x00..0x7f as they are in 8 bits; 0x80..0xff as 10 + 7 bits, which
     * is b + 0x80 in 9 bits. */
    put(w, (uint32_t)b + (b & 0x80u), 8u + (b >> 7));
}

static inline void put_copy(struct bitw *w, unsigned off, unsigned len)
{
    if (off < 64)
        put(w, 0x3c0u | off, 10);
    else if (off < 320)
        put(w, 0xe00u | (off - 64), 12);
    else
        put(w, 0xc000u | (off - 320), 16);
    if (len == 3) {
        put(w, 0, 1);
        return;
    }
    /* k = floor(log2(len)), 2..12: k-1 ones, a zero, k low bits. */
    unsigned k = 31u - (unsigned)__builtin_clz(len);
    put(w, ((1u << k) - 2u) << k | (len & ((1u << k) - 1u)), 2 * k);
}

/* Octets from a and b that agree, at most max; both lie in hist, and b is
 * later, so reading max octets from b stays within what was written. */
static inline unsigned match_len(const uint8_t *a, const uint8_t *b, unsigned max)
{
    unsigned n = 0;
    while (n + 8 <= max) {
        uint64_t x, y;
        memcpy(&x, a + n, 8);
        memcpy(&y, b + n, 8);
        uint64_t d = x ^ y;
        if (d != 0) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            return n + ((unsigned)__builtin_ctzll(d) >> 3);
#else
            return n + ((unsigned)__builtin_clzll(d) >> 3);
#endif
        }
        n += 8;
    }
    while (n < max && a[n] == b[n])
        n++;
    return n;
}

int uppp_mppc_compress(struct uppp_mppc_comp *c, const uint8_t *in, size_t len, uint8_t *out,
                       size_t out_cap, unsigned *flags)
{
    if (c == NULL || in == NULL || out == NULL || flags == NULL || len == 0 || len > HIST)
        return UPPP_ERR_INVALID;
    if (out_cap < len)
        return UPPP_ERR_NOBUF;
    unsigned fl = 0;
    if (c->flush) {
        c->pos = 0;
        fl |= UPPP_MPPE_BIT_A;
    }
    if (c->pos + len > HIST)
        c->pos = 0;
    if (c->pos == 0)
        fl |= UPPP_MPPE_BIT_B;
    c->flush = 0;

    uint8_t *h = c->hist;
    unsigned i = c->pos, end = c->pos + (unsigned)len;
    memcpy(h + i, in, len);
    /* Worth sending only if at least one octet smaller. */
    struct bitw w = {0, 0, out, out + (len - 1 < out_cap ? len - 1 : out_cap), 0};

    unsigned misses = 0;
    while (i + UPPP_MPPC_MIN_MATCH <= end && !w.full) {
        uint32_t cur = load3(h + i);
        unsigned hv = (cur * 2654435761u) >> (32 - HASH_BITS);
        uint16_t *b = c->bkt[hv];
        unsigned max = end - i, best = 0, boff = 0;
        if (max > UPPP_MPPC_MAX_MATCH)
            max = UPPP_MPPC_MAX_MATCH;
        for (int k = 0; k < WAYS; k++) {
            unsigned cand = b[k];
            /* Earlier, the same first 3 octets, and the octet that would
             * make it longer than the best so far. */
            if (cand < i && load3(h + cand) == cur && h[cand + best] == h[i + best]) {
                unsigned l = match_len(h + cand, h + i, max);
                if (l > best) {
                    best = l;
                    boff = i - cand;
                    if (l >= GOOD_ENOUGH || l == max)
                        break;
                }
            }
        }
        insert(b, i);
        if (best < UPPP_MPPC_MIN_MATCH) {
            /* Data without matches (already compressed, say) is looked at
             * more sparsely the longer it goes on, as LZ4 does: the skipped
             * octets go out as literals all the same. */
            unsigned step = 1 + (misses++ >> SKIP_SHIFT);
            if (step > end - i)
                step = end - i;
            while (step--)
                put_literal(&w, h[i++]);
            continue;
        }
        misses = 0;
        put_copy(&w, boff, best);
        /* Index the start of the match's tail for later packets; the
         * positions of a long match beyond that seldom pay back. */
        unsigned stop = i + best, idx = best > INSERT_MAX ? i + INSERT_MAX : stop;
        for (i++; i < idx && i + UPPP_MPPC_MIN_MATCH <= end; i++) {
            insert(c->bkt[hash3(h + i)], i);
        }
        i = stop;
    }
    while (i < end && !w.full)
        put_literal(&w, h[i++]);
    if (!w.full && w.n > 0) {
        unsigned nbytes = (w.n + 7) / 8;
        if ((size_t)(w.end - w.o) < nbytes) {
            w.full = 1;
        } else {
            uint64_t x = w.acc << (64 - w.n); /* pad with zero bits */
            for (unsigned k = 0; k < nbytes; k++)
                *w.o++ = (uint8_t)(x >> (56 - 8 * k));
        }
    }
    if (w.full) {
        /* It would grow: send it as it is and start over (FreeBSD). */
        memcpy(out, in, len);
        c->flush = 1;
        c->pos = 0;
        *flags = fl & UPPP_MPPE_BIT_A;
        return (int)len;
    }
    c->pos = end;
    *flags = fl | UPPP_MPPE_BIT_C;
    return (int)(w.o - out);
}

/* ---- decompressor ---- */

int uppp_mppc_decomp_new(struct uppp_mppc_decomp **out)
{
    if (out == NULL)
        return UPPP_ERR_INVALID;
    *out = calloc(1, sizeof(**out));
    return *out == NULL ? UPPP_ERR_NOMEM : 0;
}

void uppp_mppc_decomp_del(struct uppp_mppc_decomp *d)
{
    if (d == NULL)
        return;
    uppp_memzero(d, sizeof(*d));
    free(d);
}

void uppp_mppc_decomp_lost(struct uppp_mppc_decomp *d)
{
    if (d != NULL)
        d->waiting = 1;
}

int uppp_mppc_decomp_waiting(const struct uppp_mppc_decomp *d)
{
    return d != NULL && d->waiting;
}

/* Bits in, most significant first: the top bn bits of bb are valid. Past
 * the end of the input it reads zero bits; left counts the real ones. */
struct bitr {
    uint64_t bb;
    unsigned bn;
    const uint8_t *p, *end;
    size_t left;
};

static inline void refill(struct bitr *r)
{
    if (r->end - r->p >= 8) {
        uint64_t v = (uint64_t)r->p[0] << 56 | (uint64_t)r->p[1] << 48 | (uint64_t)r->p[2] << 40 |
                     (uint64_t)r->p[3] << 32 | (uint64_t)r->p[4] << 24 | (uint64_t)r->p[5] << 16 |
                     (uint64_t)r->p[6] << 8 | (uint64_t)r->p[7];
        /* Whole octets only count as read; the bits of a partial one
         * below bn are the stream's own and are ORed in again next time. */
        r->bb |= v >> r->bn;
        r->p += (63 - r->bn) >> 3;
        r->bn |= 56;
        return;
    }
    while (r->bn <= 56) {
        uint64_t b = r->p < r->end ? *r->p++ : 0;
        r->bb |= b << (56 - r->bn);
        r->bn += 8;
    }
}

static inline void consume(struct bitr *r, unsigned k)
{
    r->bb <<= k;
    r->bn -= k;
    r->left -= k;
}

static int decomp_fail(struct uppp_mppc_decomp *d, int rc)
{
    d->waiting = 1;
    return rc;
}

int uppp_mppc_decompress(struct uppp_mppc_decomp *d, unsigned flags, const uint8_t *in, size_t len,
                         size_t max_out, const uint8_t **out, size_t *out_len)
{
    if (d == NULL || out == NULL || out_len == NULL || (in == NULL && len != 0))
        return UPPP_ERR_INVALID;
    *out = NULL;
    *out_len = 0;
    if (flags & UPPP_MPPE_BIT_A) {
        d->pos = 0;
        d->filled = 0;
        d->waiting = 0;
    }
    if (flags & UPPP_MPPE_BIT_B)
        d->pos = 0;
    if (!(flags & UPPP_MPPE_BIT_C)) {
        if (len > max_out)
            return UPPP_ERR_LIMIT;
        *out = in;
        *out_len = len;
        return 0;
    }
    if (d->waiting)
        return UPPP_ERR_PROTO;

    uint8_t *h = d->hist;
    unsigned start = d->pos, o = start;
    unsigned lim = HIST - start;
    if (max_out < lim)
        lim = (unsigned)max_out;
    lim += start;
    if (len > SIZE_MAX / 8)
        return decomp_fail(d, UPPP_ERR_LIMIT);
    struct bitr r = {0, 0, in, in + len, len * 8};

    while (r.left >= 8) {
        refill(&r);
        uint64_t t = r.bb;
        if (!(t >> 63) || !((t >> 62) & 1)) {
            /* Literals, 0xxxxxxx or 10xxxxxxx, as many as the refill
             * holds (each at most 9 bits; 56 bits are there). */
            do {
                unsigned hi = (unsigned)(t >> 63);
                unsigned nb = 8 + hi;
                if (nb > r.left)
                    return decomp_fail(d, UPPP_ERR_PARSE);
                if (o >= lim)
                    return decomp_fail(d, UPPP_ERR_LIMIT);
                h[o++] = hi ? (uint8_t)(0x80 | ((t >> 55) & 0x7f)) : (uint8_t)(t >> 56);
                consume(&r, nb);
                t = r.bb;
            } while (r.bn >= 9 && r.left >= 8 && (!(t >> 63) || !((t >> 62) & 1)));
            continue;
        }
        unsigned off, nb;
        if ((t >> 60) == 0xf) {
            off = (unsigned)(t >> 54) & 0x3f;
            nb = 10;
        } else if ((t >> 60) == 0xe) {
            off = ((unsigned)(t >> 52) & 0xff) + 64;
            nb = 12;
        } else {
            off = ((unsigned)(t >> 48) & 0x1fff) + 320;
            nb = 16;
        }
        uint64_t u = t << nb;
        unsigned len_bits, mlen;
        if (!(u >> 63)) {
            mlen = 3;
            len_bits = 1;
        } else {
            unsigned ones = (unsigned)__builtin_clzll(~u);
            if (ones >= 12)
                return decomp_fail(d, UPPP_ERR_PARSE);
            unsigned k = ones + 1;
            mlen = (1u << k) | (unsigned)((u << k) >> (64 - k));
            len_bits = 2 * k;
        }
        if (nb + len_bits > r.left)
            return decomp_fail(d, UPPP_ERR_PARSE);
        consume(&r, nb + len_bits);
        if (off == 0)
            return decomp_fail(d, UPPP_ERR_PARSE);
        if (mlen > lim - o)
            return decomp_fail(d, UPPP_ERR_LIMIT);
        if (off <= o) {
            const uint8_t *s = h + o - off;
            uint8_t *dst = h + o;
            if (off >= 8 && mlen >= 8) {
                /* 8 octets at a time, the last chunk flush with the end:
                 * never past this copy (what lies behind it may be the
                 * round before's history), and every chunk read is final
                 * since the source is at least 8 octets back. */
                unsigned k = 0;
                uint64_t v;
                for (; k + 8 < mlen; k += 8) {
                    memcpy(&v, s + k, 8);
                    memcpy(dst + k, &v, 8);
                }
                memcpy(&v, s + mlen - 8, 8);
                memcpy(dst + mlen - 8, &v, 8);
            } else if (off >= 4 && mlen >= 4) {
                uint32_t v;
                unsigned k = 0;
                for (; k + 4 < mlen; k += 4) {
                    memcpy(&v, s + k, 4);
                    memcpy(dst + k, &v, 4);
                }
                memcpy(&v, s + mlen - 4, 4);
                memcpy(dst + mlen - 4, &v, 4);
            } else {
                /* RFC 2118 section 4.2: a copy may overlap what it writes,
                 * repeating the last off octets. */
                for (unsigned k = 0; k < mlen; k++)
                    dst[k] = s[k];
            }
        } else {
            /* Behind a B wrap: into the history of the round before,
             * which must have been written since the last flush. */
            unsigned s = o + HIST - off;
            unsigned top = s + mlen < HIST ? s + mlen : HIST;
            if (top > d->filled)
                return decomp_fail(d, UPPP_ERR_PARSE);
            for (unsigned k = 0; k < mlen; k++)
                h[o + k] = h[(s + k) & (HIST - 1)];
        }
        o += mlen;
    }
    if (o > d->filled)
        d->filled = o;
    d->pos = o;
    *out = h + start;
    *out_len = o - start;
    return 0;
}
