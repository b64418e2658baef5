/*
 * The one timer structure of the daemon's event loop: a binary min-heap of
 * intrusive timer nodes keyed by absolute deadline (ms), so a loop that
 * carries thousands of sessions needs one timerfd armed at the earliest
 * deadline instead of one timerfd per session. Each node remembers its slot,
 * so moving or removing a session's deadline is O(log n) with no search.
 * Equal deadlines come out in the order they were set (a sequence number
 * breaks ties), which keeps a loop's behaviour reproducible.
 */
#ifndef UPPPD_TIMERHEAP_H
#define UPPPD_TIMERHEAP_H

#include <stddef.h>
#include <stdint.h>

#define UPPPD_TIMER_NONE UINT64_MAX /* "no deadline": the node is not in the heap */

struct upppd_timer {
    uint64_t deadline; /* absolute ms; meaningful while queued */
    uint64_t seq;      /* tie-break: order of upppd_timerheap_set calls */
    size_t slot;       /* index in the heap, or SIZE_MAX when not queued */
};

struct upppd_timerheap {
    struct upppd_timer **v;
    size_t n, cap;
    uint64_t next_seq;
};

/* A node starts out (and is left by remove and pop) unqueued. */
void upppd_timer_init(struct upppd_timer *t);
static inline int upppd_timer_queued(const struct upppd_timer *t)
{
    return t->slot != SIZE_MAX;
}

void upppd_timerheap_init(struct upppd_timerheap *h);
/* Frees the array only; the nodes belong to their owners. */
void upppd_timerheap_free(struct upppd_timerheap *h);
/* Queue t at deadline, or move it there if already queued.
 * UPPPD_TIMER_NONE removes it. Returns 0, or -1 (out of memory; t is then
 * unqueued). */
int upppd_timerheap_set(struct upppd_timerheap *h, struct upppd_timer *t, uint64_t deadline);
/* Unqueue t; nothing happens if it is not queued. */
void upppd_timerheap_remove(struct upppd_timerheap *h, struct upppd_timer *t);
/* The earliest node, or NULL when the heap is empty. */
struct upppd_timer *upppd_timerheap_peek(const struct upppd_timerheap *h);
/* Unqueue and return the earliest node whose deadline is <= now, or NULL. */
struct upppd_timer *upppd_timerheap_pop_due(struct upppd_timerheap *h, uint64_t now);

#endif
