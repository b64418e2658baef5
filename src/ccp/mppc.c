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
 *
 * Speed (issue 13 asks for twice FreeRDP's, at a ratio no worse): most
 * tokens are short copies, and the position after one depends on its
 * length, so the compressor keeps that path short: two candidates in one
 * 32-bit slot, both compared 16 octets at once, the longer taken without a
 * branch, codes from small tables, bits out 8 octets at a time. Literal
 * or copy, the branch mispredicted most, is decided first on 3 octets of
 * each candidate in general registers, so a wrong guess costs less. Ratio
 * comes from the two candidates and from indexing the position after each
 * copy's start (one candidate alone, or without that, falls below
 * FreeRDP's). The decompressor decodes a copy without branches and copies
 * in 16- or 8-octet chunks, putting back what they overran.
 */
#include <uppp/err.h>
#include <uppp/mppc.h>

#include "crypto.h"

#include <stdlib.h>
#include <string.h>
/* UPPP_MPPC_PORTABLE: the code without SSE2, to test it on x86. */
#if defined(__SSE2__) && !defined(UPPP_MPPC_PORTABLE)
#define MPPC_SSE2 1
#include <emmintrin.h>
#endif

#define HIST UPPP_MPPC_HIST
/* 4096 slots of two positions (16 KiB): 8192 gain 0.2% in ratio and lose
 * as much in speed, 2048 the other way round. hash3 wants HASH_BITS = 12. */
#define HASH_BITS 12
#define HASH_SIZE (1u << HASH_BITS)
/* After 2^SKIP_SHIFT positions in a row without a match, look only at every
 * other one, and so on. */
#define SKIP_SHIFT 5
/* Octets after the history that 16-octet loads, and the decompressor's
 * 16-octet stores, may touch (their contents never count). */
#define SLACK 16

struct uppp_mppc_comp {
    uint8_t hist[HIST + SLACK];
    /* For each hash of 3 octets, the last two positions that had it, the
     * newest first; as two 16-bit loads rather than one of 32 bits, each
     * comes zero-extended, no shift or mask on the path (~2%). */
    uint16_t tab[HASH_SIZE][2];
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

static inline void store_be64(uint8_t *p, uint64_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    memcpy(p, &v, 8);
}

/*
 * Bits out, most significant first. acc holds n bits at its top; after
 * each token its whole octets go out, so n < 8 between tokens and a token
 * (at most 40 bits) always fits. Output counts only if it is shorter than
 * the input: it may not reach limit (out + len - 1). While o <= fast
 * (limit - 8) the whole octets go out as one 8-octet store (the octets
 * past them are rewritten by the next store); then one at a time, and
 * the first that would reach limit ends the packet's compression.
 */
struct bitw {
    uint64_t acc;
    unsigned n;
    uint8_t *o, *fast, *limit;
};

static inline void put(struct bitw *w, uint64_t v, unsigned nb)
{
    w->acc |= v << (64 - w->n - nb);
    w->n += nb;
}

/* The whole octets out; 0 once at the limit (the packet does not pay). */
static inline int drain(struct bitw *w)
{
    if (__builtin_expect(w->o <= w->fast, 1)) {
        store_be64(w->o, w->acc);
        w->o += w->n >> 3;
        w->acc <<= w->n & ~7u;
        w->n &= 7;
        return 1;
    }
    while (w->n >= 8) {
        if (w->o >= w->limit)
            return 0;
        *w->o++ = (uint8_t)(w->acc >> 56);
        w->acc <<= 8;
        w->n -= 8;
    }
    return 1;
}

static inline void put_literal(struct bitw *w, unsigned b)
{
    /* 0x00..0x7f as they are in 8 bits; 0x80..0xff as 10 + 7 bits, which
     * is b + 0x80 in 9 bits. */
    put(w, b + (b & 0x80u), 8u + (b >> 7));
}

/* Offset codes (section 4.2.1) by off >> 6, as what to add to off and the
 * number of bits: 1111 + 6 bits below 64; 1110 + 8 bits of off - 64 below
 * 320; 110 + 13 bits of off - 320 from there. */
#define OFF_CODE(add, bits) ((uint32_t)(add) << 8 | (bits))
static const uint32_t off_enc[HIST >> 6] = {
    [0] = OFF_CODE(0x3c0, 10),
    [1 ... 4] = OFF_CODE(0xe00 - 64, 12),
    [5 ...(HIST >> 6) - 1] = OFF_CODE(0xc000 - 320, 16),
};

/* Length codes (section 4.2.2): 3 is "0"; from 4, with k = floor(log2
 * len) (2..12), k - 1 ones, a zero, the k low bits. Below 32 from a table
 * of code << 5 | bits. */
#define LK(n) ((n) >= 16 ? 4u : (n) >= 8 ? 3u : 2u)
#define LC(n)                                                                                      \
    ((n) == 3 ? 1u                                                                                 \
              : (((1u << LK(n)) - 2u) << LK(n) | ((n) & ((1u << LK(n)) - 1u))) << 5 | 2 * LK(n))
#define LC4(n) LC(n), LC(n + 1), LC(n + 2), LC(n + 3)
static const uint16_t len_enc[32] = {0,       0,       0,       LC(3),   LC4(4), LC4(8),
                                     LC4(12), LC4(16), LC4(20), LC4(24), LC4(28)};

/* One token for <off, len>, offset code then length code, at most 16 +
 * 24 bits; from tables rather than branches, which would go one way or
 * the other with the data and so be mispredicted often. */
static inline void put_copy(struct bitw *w, unsigned off, unsigned len)
{
    uint32_t oc = off_enc[off >> 6];
    uint32_t lc;
    unsigned ln;
    if (__builtin_expect(len < 32, 1)) {
        lc = len_enc[len] >> 5;
        ln = len_enc[len] & 31;
    } else {
        unsigned k = 31u - (unsigned)__builtin_clz(len);
        lc = ((1u << k) - 2u) << k | (len & ((1u << k) - 1u));
        ln = 2 * k;
    }
    put(w, (uint64_t)(off + (oc >> 8)) << ln | lc, (oc & 0xff) + ln);
}

static inline uint64_t load8(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint32_t load4(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* Nonzero when the first 3 of the 4 octets x and y, loaded from memory,
 * differ. */
static inline uint32_t differ3(uint32_t x, uint32_t y)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return (x ^ y) << 8;
#else
    return (x ^ y) >> 8;
#endif
}

/* Octets at the front of d = x ^ y that agree (x, y 8 octets loaded from
 * memory: the first is the low one on a little-endian CPU), at most 7: 7
 * may mean more. */
static inline unsigned same7(uint64_t d)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return (unsigned)__builtin_ctzll(d | 1ull << 63) >> 3;
#else
    return (unsigned)__builtin_clzll(d | 1) >> 3;
#endif
}

/* The 3 octets at p folded in two halves of 12 bits: two cycles shorter
 * than a multiplication on the path to the next position, 3-4% faster for
 * 0.4% of ratio (the low nibbles of text, which vary most, land apart).
 * The halves come from two 16-bit loads, at p and p + 1, with one shift
 * and no 64-bit load to cut down (~1-2% over the latter). On a big-endian
 * CPU the halves are other bits: a worse hash, same output. */
static inline unsigned hash3(const uint8_t *p)
{
    uint16_t lo, hi;
    memcpy(&lo, p, 2);
    memcpy(&hi, p + 1, 2);
    return (lo & (HASH_SIZE - 1)) ^ (unsigned)(hi >> 4);
}

/* Front octets that a and b share, at most 16 (16 may mean more). */
static inline unsigned front16(const uint8_t *a, const uint8_t *b)
{
#ifdef MPPC_SSE2
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)a);
    __m128i y = _mm_loadu_si128((const __m128i *)(const void *)b);
    /* The mask has 16 bits: its complement has a one at bit 16. */
    return (unsigned)__builtin_ctz(~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, y)));
#else
    uint64_t d = load8(a) ^ load8(b);
    if (d != 0)
        return same7(d);
    d = load8(a + 8) ^ load8(b + 8);
    return 8 + (d != 0 ? same7(d) : 8);
#endif
}

/* Octets from a and b that agree, at most max, given that the first 16
 * do; a is before b, both in hist, whose SLACK takes the 16-octet loads
 * past b + max. */
static inline unsigned match_len(const uint8_t *a, const uint8_t *b, unsigned max)
{
    unsigned n = 16;
    while (n < max) {
        unsigned k = front16(a + n, b + n);
        n += k;
        if (k < 16)
            break;
    }
    return n < max ? n : max;
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
    if (c->pos == 0) {
        fl |= UPPP_MPPE_BIT_B;
        /* A new round: every position in the table is then one of this
         * round's, before the one looked up, so a candidate needs no check
         * that it is older (16 KiB cleared every 8 KiB of input, or every
         * packet when stateless, against ~4 instructions per token). 0 in
         * an empty slot is a position like any other once position 0 is
         * written, which is why that one goes out as a literal. */
        memset(c->tab, 0, sizeof(c->tab));
    }
    c->flush = 0;

    uint8_t *h = c->hist;
    uint16_t(*tab)[2] = c->tab;
    unsigned i = c->pos, end = c->pos + (unsigned)len;
    memcpy(h + i, in, len);
    /* Worth sending only if at least one octet smaller: at most len - 1
     * octets, the last one partly padding. A packet under 16 octets goes to
     * tmp first, where 8-octet stores always fit. */
    uint8_t tmp[32];
    uint8_t *dst = len >= 16 ? out : tmp;
    struct bitw w = {0, 0, dst, dst + (len >= 16 ? len - 9 : 16), dst + len - 1};

    unsigned misses = 0;
    int ok = 1;
    if (i == 0) {
        put_literal(&w, h[i++]);
        (void)drain(&w); /* the first octet always fits */
    }
    /* The loop walks a pointer: loads from it need no address computed
     * first, a cycle less on the path to the next position (~2%). */
    const uint8_t *p = h + i, *pend = h + end;
    while (p + UPPP_MPPC_MIN_MATCH <= pend) {
        i = (unsigned)(p - h);
        uint32_t x = load4(p);
        unsigned hv = hash3(p);
        unsigned c1 = tab[hv][0], c2 = tab[hv][1];
        tab[hv][1] = (uint16_t)c1;
        tab[hv][0] = (uint16_t)i;
        /* Literal or copy is the branch that goes wrong most (a quarter of
         * the time), and the CPU learns which only once it is decided: so
         * it is decided on 3 octets of each candidate in a general
         * register, some 8 cycles before the 16-octet compares below have
         * a length (1-10% faster, most on machine code). */
        if (differ3(load4(h + c1), x) != 0 && differ3(load4(h + c2), x) != 0) {
            put_literal(&w, *p++);
            if (!(ok = drain(&w)))
                goto done;
            /* Data without matches (already compressed, say) is looked at
             * more sparsely the longer it goes on, as LZ4 does: the skipped
             * octets go out as literals all the same. */
            if (__builtin_expect(++misses > 1u << SKIP_SHIFT, 0)) {
                for (unsigned skip = (misses - 1) >> SKIP_SHIFT; skip > 0 && p < pend; skip--) {
                    put_literal(&w, *p++);
                    if (!(ok = drain(&w)))
                        goto done;
                }
            }
            continue;
        }
        misses = 0;
        /* The longer of the two candidates' first 16 octets (past the
         * packet they compare older history or SLACK: l is cut to end). */
        unsigned l1 = front16(h + c1, p), l2 = front16(h + c2, p);
        unsigned cand = l2 > l1 ? c2 : c1, l = l2 > l1 ? l2 : l1;
        /* Up to 15 octets, l stops inside the packet. Near its end or at 16
         * (more may agree) it needs a look: seldom, so a branch, which
         * keeps the common case short (the next position depends on l). */
        if (__builtin_expect(l == 16 || pend - p < 16, 0)) {
            unsigned max = (unsigned)(pend - p);
            if (max > UPPP_MPPC_MAX_MATCH)
                max = UPPP_MPPC_MAX_MATCH;
            if (l == 16) {
                /* Both may go on: the longer wins. */
                unsigned m1 = l1 == 16 ? match_len(h + c1, p, max) : 0;
                unsigned m2 = l2 == 16 ? match_len(h + c2, p, max) : 0;
                cand = m2 > m1 ? c2 : c1;
                l = m2 > m1 ? m2 : m1;
            }
            if (l > max)
                l = max;
        }
        put_copy(&w, i - cand, l);
        if (!(ok = drain(&w)))
            goto done;
        /* Index the position after the match's start for later packets;
         * the rest of a match seldom pays back. Near the end its octets
         * reach past the packet: harmless, since a candidate is compared,
         * never trusted, and cheaper than a branch. */
        unsigned hn = hash3(p + 1);
        tab[hn][1] = tab[hn][0];
        tab[hn][0] = (uint16_t)(i + 1);
        p += l;
    }
    i = (unsigned)(p - h);
    while (i < end) {
        put_literal(&w, h[i++]);
        if (!(ok = drain(&w)))
            goto done;
    }
    if (w.n > 0) {
        /* The last partial octet, padded with zero bits. */
        put(&w, 0, 8 - w.n);
        ok = drain(&w);
    }
done:
    if (!ok || w.o > w.limit) {
        /* It would grow: send it as it is and start over (FreeBSD). */
        memcpy(out, in, len);
        c->flush = 1;
        c->pos = 0;
        *flags = fl & UPPP_MPPE_BIT_A;
        return (int)len;
    }
    if (dst == tmp)
        memcpy(out, tmp, (size_t)(w.o - tmp));
    c->pos = end;
    *flags = fl | UPPP_MPPE_BIT_C;
    return (int)(w.o - dst);
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
        uint64_t v;
        memcpy(&v, r->p, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        v = __builtin_bswap64(v);
#endif
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

/* Offset codes by the 2 bits after the leading 11 (section 4.2.1): 110x is
 * 110 + 13 bits of off - 320, 1110 + 8 bits of off - 64, 1111 + 6 bits. */
static const struct {
    uint8_t nb;   /* bits of the whole code */
    uint8_t bits; /* bits of the value */
    uint16_t add;
} off_codes[4] = {{16, 13, 320}, {16, 13, 320}, {12, 8, 64}, {10, 6, 0}};

/* 16 octets from s to d (they may overlap: read first). */
static inline void copy16(uint8_t *d, const uint8_t *s)
{
    uint8_t t[16];
    memcpy(t, s, 16);
    memcpy(d, t, 16);
}

static inline void copy8(uint8_t *d, const uint8_t *s)
{
    uint64_t t;
    memcpy(&t, s, 8);
    memcpy(d, &t, 8);
}

/*
 * A copy of n octets from off back, within this round (off <= the
 * position). RFC 2118 section 4.2: it may overlap what it writes,
 * repeating the last off octets. From 8 back on, whole chunks that may
 * run up to 15 octets past the end; those octets are put back as they
 * were, since behind a B wrap they are the round before's history, which
 * a later copy may still reach (hist has SLACK for them at its end).
 */
static inline void copy_back(uint8_t *dst, unsigned off, unsigned n)
{
    const uint8_t *s = dst - off;
    if (off >= 8) {
        uint8_t keep[16];
        memcpy(keep, dst + n, 16);
        if (off >= 16) {
            for (unsigned k = 0; k < n; k += 16)
                copy16(dst + k, s + k);
        } else {
            for (unsigned k = 0; k < n; k += 8)
                copy8(dst + k, s + k);
        }
        memcpy(dst + n, keep, 16);
        return;
    }
    for (unsigned k = 0; k < n; k++)
        dst[k] = s[k];
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
        if (t < 0xc000000000000000u) {
            /* Literals, 0xxxxxxx or 10xxxxxxx, as many as the refill
             * holds (each at most 9 bits; 56 bits are there). Six of them
             * without a check per literal when 64 real bits are left and
             * 6 octets of room. */
            if (r.left >= 64 && lim - o >= 6) {
                unsigned six = 6;
                do {
                    unsigned hi = (unsigned)(t >> 63);
                    h[o++] = (uint8_t)((t >> (56 - hi)) | (hi << 7));
                    consume(&r, 8 + hi);
                    t = r.bb;
                } while (--six > 0 && t < 0xc000000000000000u);
                continue;
            }
            do {
                unsigned hi = (unsigned)(t >> 63);
                unsigned nb = 8 + hi;
                if (nb > r.left)
                    return decomp_fail(d, UPPP_ERR_PARSE);
                if (o >= lim)
                    return decomp_fail(d, UPPP_ERR_LIMIT);
                /* 10xxxxxxx: the 8 bits after the 1 are 0xxxxxxx. */
                h[o++] = (uint8_t)((t >> (56 - hi)) | (hi << 7));
                consume(&r, nb);
                t = r.bb;
            } while (r.bn >= 9 && r.left >= 8 && t < 0xc000000000000000u);
            continue;
        }
        /* A copy: the offset code, then the length code (section 4.2.2):
         * "0" for 3; else k - 1 ones, a zero and k bits for 2^k + those
         * bits (k = 2..12). At most 16 + 24 bits: the refill holds them. */
        unsigned cls = (unsigned)(t >> 60) & 3;
        unsigned nb = off_codes[cls].nb;
        unsigned off = (unsigned)(t >> (64 - nb)) & ((1u << off_codes[cls].bits) - 1u);
        off += off_codes[cls].add;
        uint64_t u = t << nb;
        unsigned ones = (unsigned)__builtin_clzll(~u); /* ~u has nb low ones */
        if (ones >= 12)
            return decomp_fail(d, UPPP_ERR_PARSE);
        unsigned k = ones + 1;
        unsigned mlen = (1u << k) | (unsigned)((u << k) >> (64 - k));
        /* Length 3 ("0") comes out as 2 or 3 in 2 bits: fixed without a
         * branch, which would be mispredicted about as often as taken. */
        unsigned is3 = ones == 0;
        mlen |= is3;
        unsigned lb = 2 * k - is3;
        if (nb + lb > r.left)
            return decomp_fail(d, UPPP_ERR_PARSE);
        consume(&r, nb + lb);
        if (off == 0)
            return decomp_fail(d, UPPP_ERR_PARSE);
        if (mlen > lim - o)
            return decomp_fail(d, UPPP_ERR_LIMIT);
        if (off <= o) {
            copy_back(h + o, off, mlen);
        } else {
            /* Behind a B wrap: into the history of the round before,
             * which must have been written since the last flush. */
            unsigned s = o + HIST - off;
            unsigned top = s + mlen < HIST ? s + mlen : HIST;
            if (top > d->filled)
                return decomp_fail(d, UPPP_ERR_PARSE);
            for (unsigned j = 0; j < mlen; j++)
                h[o + j] = h[(s + j) & (HIST - 1)];
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
