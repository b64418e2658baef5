/*
 * The event loop (see loop.h): epoll for fds, one timerfd armed at the
 * head of the timer heap (absolute CLOCK_MONOTONIC time, so a late wakeup
 * never pushes a deadline back), and a FIFO of deferred work.
 */
#include "loop.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define MAX_EVENTS 64

uint64_t upppd_loop_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void on_timerfd(struct upppd_watch *w, uint32_t events)
{
    struct upppd_loop *l =
        (struct upppd_loop *)((char *)w - offsetof(struct upppd_loop, timer_watch));
    uint64_t expirations;
    (void)events;
    /* Only drains it: due timers fire after every pass anyway. It has
     * expired, so it must be set again even if the head stays put. */
    if (read(w->fd, &expirations, sizeof(expirations)) < 0) {
        /* EAGAIN: a spurious wakeup, nothing to drain */
    }
    l->armed = UPPPD_TIMER_NONE;
}

int upppd_loop_init(struct upppd_loop *l)
{
    memset(l, 0, sizeof(*l));
    l->ep = epoll_create1(EPOLL_CLOEXEC);
    l->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    l->scratch = malloc(UPPPD_LOOP_SCRATCH);
    upppd_timerheap_init(&l->heap);
    l->armed = UPPPD_TIMER_NONE;
    l->defer_head = NULL;
    l->defer_tail = &l->defer_head;
    l->timer_watch.fd = l->tfd;
    l->timer_watch.cb = on_timerfd;
    if (l->ep < 0 || l->tfd < 0 || l->scratch == NULL ||
        upppd_loop_watch(l, &l->timer_watch, EPOLLIN) < 0) {
        int e = l->scratch == NULL ? ENOMEM : errno;
        upppd_loop_fini(l);
        errno = e;
        return -1;
    }
    return 0;
}

void upppd_loop_fini(struct upppd_loop *l)
{
    if (l->tfd >= 0)
        close(l->tfd);
    if (l->ep >= 0)
        close(l->ep);
    l->tfd = l->ep = -1;
    upppd_timerheap_free(&l->heap);
    free(l->scratch);
    l->scratch = NULL;
    free(l->tun_gro);
    l->tun_gro = NULL;
}

int upppd_loop_watch(struct upppd_loop *l, struct upppd_watch *w, uint32_t events)
{
    struct epoll_event ev = {.events = events, .data.ptr = w};
    return epoll_ctl(l->ep, EPOLL_CTL_ADD, w->fd, &ev);
}

int upppd_loop_rewatch(struct upppd_loop *l, struct upppd_watch *w, uint32_t events)
{
    struct epoll_event ev = {.events = events, .data.ptr = w};
    return epoll_ctl(l->ep, EPOLL_CTL_MOD, w->fd, &ev);
}

void upppd_loop_unwatch(struct upppd_loop *l, struct upppd_watch *w)
{
    epoll_ctl(l->ep, EPOLL_CTL_DEL, w->fd, NULL);
}

void upppd_loop_timer_init(struct upppd_loop_timer *t,
                           void (*fire)(struct upppd_loop_timer *t, uint64_t now))
{
    upppd_timer_init(&t->node);
    t->fire = fire;
}

int upppd_loop_timer_set(struct upppd_loop *l, struct upppd_loop_timer *t, uint64_t deadline)
{
    return upppd_timerheap_set(&l->heap, &t->node, deadline);
}

void upppd_loop_timer_cancel(struct upppd_loop *l, struct upppd_loop_timer *t)
{
    upppd_timerheap_remove(&l->heap, &t->node);
}

void upppd_loop_defer_init(struct upppd_defer *d, void (*run)(struct upppd_defer *d))
{
    d->next = NULL;
    d->queued = 0;
    d->run = run;
}

void upppd_loop_defer(struct upppd_loop *l, struct upppd_defer *d)
{
    if (d->queued)
        return;
    d->queued = 1;
    d->next = NULL;
    *l->defer_tail = d;
    l->defer_tail = &d->next;
}

void upppd_loop_undefer(struct upppd_loop *l, struct upppd_defer *d)
{
    if (!d->queued)
        return;
    for (struct upppd_defer **p = &l->defer_head; *p != NULL; p = &(*p)->next)
        if (*p == d) {
            *p = d->next;
            if (l->defer_tail == &d->next)
                l->defer_tail = p;
            break;
        }
    d->queued = 0;
    d->next = NULL;
}

/* The timerfd follows the heap's head; it is only rewritten when the head
 * moved, which is rare next to the number of passes. Returns the epoll
 * timeout to use: 0 when a timer is already due (one left for the next pass
 * by fire_due), else timeout_ms. */
static int arm(struct upppd_loop *l, int timeout_ms)
{
    struct upppd_timer *head = upppd_timerheap_peek(&l->heap);
    uint64_t t = head ? head->deadline : UPPPD_TIMER_NONE;
    if (t != UPPPD_TIMER_NONE && t <= upppd_loop_now())
        return 0;
    if (t == l->armed)
        return timeout_ms;
    l->armed = t;
    struct itimerspec its;
    memset(&its, 0, sizeof(its));
    if (t != UPPPD_TIMER_NONE) {
        if (t == 0)
            t = 1; /* an absolute 0 would disarm it */
        its.it_value.tv_sec = (time_t)(t / 1000);
        its.it_value.tv_nsec = (long)(t % 1000) * 1000000;
    }
    timerfd_settime(l->tfd, TFD_TIMER_ABSTIME, &its, NULL);
    return timeout_ms;
}

static void fire_due(struct upppd_loop *l)
{
    uint64_t now = upppd_loop_now();
    struct upppd_timer *n;
    /* A timer set again from its own fire at a deadline <= now waits for
     * the next pass, so a zero-length timer cannot starve the fds. */
    size_t budget = l->heap.n;
    while (budget-- > 0 && (n = upppd_timerheap_pop_due(&l->heap, now)) != NULL) {
        struct upppd_loop_timer *t = (struct upppd_loop_timer *)n;
        t->fire(t, now);
    }
}

static void run_deferred(struct upppd_loop *l)
{
    /* Work queued while this runs (a flush that finds the link dead and
     * hangs up) runs in the same pass. */
    while (l->defer_head != NULL) {
        struct upppd_defer *d = l->defer_head;
        l->defer_head = d->next;
        if (l->defer_head == NULL)
            l->defer_tail = &l->defer_head;
        d->next = NULL;
        d->queued = 0;
        d->run(d);
    }
}

int upppd_loop_run_once(struct upppd_loop *l, int timeout_ms)
{
    /* Work queued between passes (a packet sent, a session started or
     * closed by its owner) runs now, and the pass does not block after it:
     * the owner gets to look at what it did (a session that died). */
    if (l->defer_head != NULL) {
        run_deferred(l);
        timeout_ms = 0;
    }
    timeout_ms = arm(l, timeout_ms);
    struct epoll_event evs[MAX_EVENTS];
    int n = epoll_wait(l->ep, evs, MAX_EVENTS, timeout_ms);
    if (n < 0 && errno != EINTR)
        return -1;
    if (n < 0)
        n = 0;
    for (int i = 0; i < n; i++) {
        struct upppd_watch *w = evs[i].data.ptr;
        w->cb(w, evs[i].events);
    }
    fire_due(l);
    run_deferred(l);
    return n;
}
