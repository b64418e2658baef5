/*
 * TCP stream reassembly for the PPTP control connection (md_tcp.h).
 * Sequence numbers compare as RFC 793 section 3.3 says: modulo 2^32, by
 * the signed difference.
 */
#include "md_tcp.h"

#include <uppp/err.h>
#include <uppp/pptp_wire.h>

#include <stdlib.h>
#include <string.h>

static int32_t sdiff(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b);
}

void md_tcp_init(struct md_tcp_dir *d)
{
    memset(d, 0, sizeof(*d));
    uppp_pptp_stream_init(&d->st);
}

void md_tcp_clear(struct md_tcp_dir *d)
{
    for (size_t i = 0; i < d->nheld; i++)
        free(d->held[i].data);
    md_tcp_init(d);
}

/* Where the next PPTP header starts in p, or n if none is whole in it:
 * the Length of a known type, control message type 1, the Magic Cookie
 * (RFC 2637 section 1.4). */
static size_t find_header(const uint8_t *p, size_t n)
{
    for (size_t k = 0; k + UPPP_PPTP_HEADER_LEN <= n; k++) {
        uint32_t cookie = (uint32_t)p[k + 4] << 24 | (uint32_t)p[k + 5] << 16 |
                          (uint32_t)p[k + 6] << 8 | p[k + 7];
        if (cookie != UPPP_PPTP_MAGIC_COOKIE || p[k + 2] != 0 ||
            p[k + 3] != UPPP_PPTP_MSG_TYPE_CONTROL)
            continue;
        size_t len = (size_t)p[k] << 8 | p[k + 1];
        unsigned type = (unsigned)p[k + 8] << 8 | p[k + 9];
        if (len != 0 && uppp_pptp_msg_len(type) == len)
            return k;
    }
    return n;
}

static void resynced(struct md_tcp_dir *d)
{
    d->resync = 0;
    d->carry_n = 0;
    uppp_pptp_stream_init(&d->st);
}

/* Looking for a header in p: 1 if one starts in the octets carried over
 * (they are in the reassembler now, p goes on after them), 0 with *skip
 * set if one starts in p at *skip, or 0 with *skip = n if none: the last
 * octets are carried over to the next segment. */
static int seek_header(struct md_tcp_dir *d, const uint8_t *p, size_t n, size_t *skip)
{
    uint8_t tmp[2 * UPPP_PPTP_HEADER_LEN];
    size_t keep = d->carry_n, take = n < UPPP_PPTP_HEADER_LEN ? n : UPPP_PPTP_HEADER_LEN;
    memcpy(tmp, d->carry, keep);
    memcpy(tmp + keep, p, take);
    size_t k = find_header(tmp, keep + take);
    if (k < keep) {
        uint8_t head[UPPP_PPTP_HEADER_LEN];
        size_t hn = keep - k, used = 0, ml = 0;
        const uint8_t *m = NULL;
        memcpy(head, d->carry + k, hn);
        resynced(d);
        /* Fewer octets than a header: the reassembler only keeps them. */
        (void)uppp_pptp_stream_next(&d->st, head, hn, &used, &m, &ml);
        return 1;
    }
    *skip = find_header(p, n);
    if (*skip < n) {
        resynced(d);
        return 0;
    }
    size_t total = keep + n, nk = total < sizeof(d->carry) ? total : sizeof(d->carry);
    for (size_t i = 0; i < nk; i++) {
        size_t at = total - nk + i;
        tmp[i] = at < keep ? d->carry[at] : p[at - keep];
    }
    memcpy(d->carry, tmp, nk);
    d->carry_n = nk;
    return 0;
}

/* Octets in order: to the message reassembler. */
static int feed(struct md_tcp_dir *d, const uint8_t *p, size_t n, md_tcp_msg_fn cb, void *user,
                struct md_tcp_stats *st)
{
    while (n > 0) {
        if (d->resync) {
            size_t k = 0;
            if (!seek_header(d, p, n, &k)) {
                if (k == n)
                    return 0;
                p += k;
                n -= k;
            }
        }
        size_t used = 0, ml = 0;
        const uint8_t *m = NULL;
        int rc = uppp_pptp_stream_next(&d->st, p, n, &used, &m, &ml);
        if (rc == 1) {
            st->messages++;
            int r = cb(user, m, ml);
            if (r != 0)
                return r;
        } else if (rc == 0) {
            return 0;
        } else {
            /* Not a header where one should be: look for the next. */
            st->resyncs++;
            d->resync = 1;
            if (used == 0)
                used = 1;
        }
        p += used;
        n -= used;
    }
    return 0;
}

/* Feed what waits and has become contiguous. */
static int drain(struct md_tcp_dir *d, md_tcp_msg_fn cb, void *user, struct md_tcp_stats *st)
{
    for (int progress = 1; progress;) {
        progress = 0;
        for (size_t i = 0; i < d->nheld; i++) {
            struct md_tcp_held h = d->held[i];
            int32_t rel = sdiff(h.seq, d->next);
            if (rel > 0)
                continue;
            d->held[i] = d->held[--d->nheld];
            d->held_bytes -= h.len;
            int rc = 0;
            size_t skip = (uint32_t)(d->next - h.seq); /* rel <= 0: octets already had */
            if (skip < h.len) {
                d->next += (uint32_t)(h.len - skip);
                rc = feed(d, h.data + skip, h.len - skip, cb, user, st);
            }
            free(h.data);
            if (rc != 0)
                return rc;
            progress = 1;
            break;
        }
    }
    return 0;
}

/* The lowest waiting sequence number: where the stream goes on after a
 * gap is given up. */
static void give_up_gap(struct md_tcp_dir *d, struct md_tcp_stats *st)
{
    uint32_t low = d->held[0].seq;
    for (size_t i = 1; i < d->nheld; i++)
        if (sdiff(d->held[i].seq, low) < 0)
            low = d->held[i].seq;
    st->gaps += (uint32_t)(low - d->next);
    d->next = low;
    d->resync = 1;
}

int md_tcp_segment(struct md_tcp_dir *d, uint32_t seq, int syn, const uint8_t *data, size_t len,
                   md_tcp_msg_fn cb, void *user, struct md_tcp_stats *st)
{
    if (syn) {
        /* SYN takes one sequence number (RFC 793 section 3.3). A repeated
         * SYN (retransmitted) changes nothing once data flowed. */
        if (d->started && sdiff(seq + 1, d->next) <= 0)
            return 0;
        md_tcp_clear(d);
        d->started = 1;
        d->next = seq + 1;
        seq++;
    } else if (!d->started) {
        /* The capture began mid-connection: start here, at a header. */
        d->started = 1;
        d->next = seq;
        d->resync = 1;
    }
    if (len == 0)
        return 0;
    int32_t rel = sdiff(seq, d->next);
    if (rel <= 0) {
        size_t skip = (uint32_t)(d->next - seq); /* -rel, also for INT32_MIN */
        if (skip >= len)
            return 0; /* all seen before: a retransmission */
        d->next += (uint32_t)(len - skip);
        int rc = feed(d, data + skip, len - skip, cb, user, st);
        return rc != 0 ? rc : drain(d, cb, user, st);
    }
    /* Ahead of a gap: wait for it, within bounds. */
    if (d->nheld == MD_TCP_HOLD || d->held_bytes + len > MD_TCP_HOLD_BYTES) {
        if (d->nheld > 0) {
            give_up_gap(d, st);
            int rc = drain(d, cb, user, st);
            if (rc != 0)
                return rc;
        }
        if (sdiff(seq, d->next) > 0 &&
            (d->nheld == MD_TCP_HOLD || d->held_bytes + len > MD_TCP_HOLD_BYTES ||
             len > MD_TCP_HOLD_BYTES)) {
            st->gaps += (uint32_t)(seq - d->next);
            d->next = seq;
            d->resync = 1;
        }
        return md_tcp_segment(d, seq, 0, data, len, cb, user, st);
    }
    uint8_t *copy = malloc(len);
    if (copy == NULL)
        return UPPP_ERR_NOMEM;
    memcpy(copy, data, len);
    d->held[d->nheld++] = (struct md_tcp_held){.seq = seq, .len = len, .data = copy};
    d->held_bytes += len;
    return 0;
}
