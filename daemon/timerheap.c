/*
 * Binary min-heap of intrusive timers (see timerheap.h): the classic
 * array heap, children of i at 2i+1 and 2i+2, with each node's slot kept
 * up to date on every move so set and remove need no search.
 */
#include "timerheap.h"

#include <stdlib.h>

void upppd_timer_init(struct upppd_timer *t)
{
    t->deadline = UPPPD_TIMER_NONE;
    t->seq = 0;
    t->slot = SIZE_MAX;
}

void upppd_timerheap_init(struct upppd_timerheap *h)
{
    h->v = NULL;
    h->n = h->cap = 0;
    h->next_seq = 0;
}

void upppd_timerheap_free(struct upppd_timerheap *h)
{
    for (size_t i = 0; i < h->n; i++)
        h->v[i]->slot = SIZE_MAX;
    free(h->v);
    upppd_timerheap_init(h);
}

static int earlier(const struct upppd_timer *a, const struct upppd_timer *b)
{
    return a->deadline < b->deadline || (a->deadline == b->deadline && a->seq < b->seq);
}

static void place(struct upppd_timerheap *h, size_t i, struct upppd_timer *t)
{
    h->v[i] = t;
    t->slot = i;
}

static void sift_up(struct upppd_timerheap *h, size_t i)
{
    struct upppd_timer *t = h->v[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!earlier(t, h->v[parent]))
            break;
        place(h, i, h->v[parent]);
        i = parent;
    }
    place(h, i, t);
}

static void sift_down(struct upppd_timerheap *h, size_t i)
{
    struct upppd_timer *t = h->v[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && earlier(h->v[c + 1], h->v[c]))
            c++;
        if (!earlier(h->v[c], t))
            break;
        place(h, i, h->v[c]);
        i = c;
    }
    place(h, i, t);
}

void upppd_timerheap_remove(struct upppd_timerheap *h, struct upppd_timer *t)
{
    if (!upppd_timer_queued(t))
        return;
    size_t i = t->slot;
    t->slot = SIZE_MAX;
    t->deadline = UPPPD_TIMER_NONE;
    struct upppd_timer *last = h->v[--h->n];
    if (i == h->n)
        return;
    /* The last node fills the hole and moves whichever way it must. */
    place(h, i, last);
    sift_up(h, i);
    sift_down(h, last->slot);
}

int upppd_timerheap_set(struct upppd_timerheap *h, struct upppd_timer *t, uint64_t deadline)
{
    if (deadline == UPPPD_TIMER_NONE) {
        upppd_timerheap_remove(h, t);
        return 0;
    }
    /* Unchanged: keep the node's place among equal deadlines, and skip the
     * work (the loop sets every touched session's deadline each pass). */
    if (upppd_timer_queued(t) && t->deadline == deadline)
        return 0;
    if (!upppd_timer_queued(t)) {
        if (h->n == h->cap) {
            size_t cap = h->cap ? h->cap * 2 : 16;
            struct upppd_timer **v = realloc(h->v, cap * sizeof(*v));
            if (v == NULL)
                return -1;
            h->v = v;
            h->cap = cap;
        }
        t->slot = h->n++;
        h->v[t->slot] = t;
    }
    t->deadline = deadline;
    t->seq = h->next_seq++;
    sift_up(h, t->slot);
    sift_down(h, t->slot);
    return 0;
}

struct upppd_timer *upppd_timerheap_peek(const struct upppd_timerheap *h)
{
    return h->n ? h->v[0] : NULL;
}

struct upppd_timer *upppd_timerheap_pop_due(struct upppd_timerheap *h, uint64_t now)
{
    struct upppd_timer *t = upppd_timerheap_peek(h);
    if (t == NULL || t->deadline > now)
        return NULL;
    upppd_timerheap_remove(h, t);
    return t;
}
