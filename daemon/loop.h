/*
 * The daemon's event loop: one epoll set, one timerfd and one timer heap
 * for every session in the process. Users register fd watches and timers
 * (intrusive nodes they embed in their own structs) and "deferred" work
 * that runs once per pass after all events and timers of that pass (a
 * session flushes its output and re-reads its deadline there, so a burst of
 * frames goes out in one write). Nothing here knows about PPP.
 *
 * The clock is CLOCK_MONOTONIC in milliseconds (upppd_loop_now()).
 *
 * A watch must stay valid until the pass that unwatches it ends (its event
 * may already be in this pass's batch): free sessions from deferred work
 * or between passes, never from a watch or timer callback.
 */
#ifndef UPPPD_LOOP_H
#define UPPPD_LOOP_H

#include "timerheap.h"

#include <stdint.h>

struct upppd_loop;

/* An fd in the epoll set. cb gets the epoll event bits. */
struct upppd_watch {
    int fd;
    void (*cb)(struct upppd_watch *w, uint32_t events);
};

/* A timer in the heap. fire runs once the deadline has passed; set the
 * timer again from inside fire to repeat it. */
struct upppd_loop_timer {
    struct upppd_timer node; /* first: the heap hands back this pointer */
    void (*fire)(struct upppd_loop_timer *t, uint64_t now);
};

/* Work run at the end of the pass in which it was queued. */
struct upppd_defer {
    struct upppd_defer *next;
    int queued;
    void (*run)(struct upppd_defer *d);
};

struct upppd_loop {
    int ep, tfd;
    struct upppd_watch timer_watch;
    struct upppd_timerheap heap;
    uint64_t armed; /* deadline the timerfd holds, UPPPD_TIMER_NONE if disarmed */
    struct upppd_defer *defer_head, **defer_tail;
    uint8_t *scratch; /* UPPPD_LOOP_SCRATCH bytes, shared by every reader in the loop */
    /* sess.c's TUN receive coalescer, made on first use and freed with the
     * loop: one per loop, since one pass coalesces for one session at a
     * time (another session's packet flushes it). */
    void *tun_gro;
};

/* A 64 KiB TCP super-packet from a TUN with offloads and its 10-octet
 * virtio-net header fit; so do 16 of the largest PPTP packets (20 + 16 +
 * 4096 octets) in gre_sock's slots of 4160. */
#define UPPPD_LOOP_SCRATCH (16 * 4160)

uint64_t upppd_loop_now(void);

/* Returns 0, or -1 with errno (epoll, timerfd or memory). */
int upppd_loop_init(struct upppd_loop *l);
void upppd_loop_fini(struct upppd_loop *l);

/* Add fd w->fd watching events; 0 or -1 with errno (EPERM: epoll cannot
 * watch a regular file or /dev/null). */
int upppd_loop_watch(struct upppd_loop *l, struct upppd_watch *w, uint32_t events);
int upppd_loop_rewatch(struct upppd_loop *l, struct upppd_watch *w, uint32_t events);
void upppd_loop_unwatch(struct upppd_loop *l, struct upppd_watch *w);

void upppd_loop_timer_init(struct upppd_loop_timer *t,
                           void (*fire)(struct upppd_loop_timer *t, uint64_t now));
/* Queue t at the absolute deadline (UPPPD_TIMER_NONE cancels). 0 or -1
 * (out of memory: the timer is then not queued). */
int upppd_loop_timer_set(struct upppd_loop *l, struct upppd_loop_timer *t, uint64_t deadline);
void upppd_loop_timer_cancel(struct upppd_loop *l, struct upppd_loop_timer *t);

void upppd_loop_defer_init(struct upppd_defer *d, void (*run)(struct upppd_defer *d));
/* Queue d for the end of this pass (once, however often it is queued). */
void upppd_loop_defer(struct upppd_loop *l, struct upppd_defer *d);
/* Drop d from the queue (its owner is going away). */
void upppd_loop_undefer(struct upppd_loop *l, struct upppd_defer *d);

/* One pass: run deferred work queued since the last pass (and then do not
 * block), arm the timerfd at the earliest deadline, wait for events (at
 * most timeout_ms; -1 waits for ever), dispatch them, fire due timers, run
 * the deferred work. Returns the number of fd events dispatched, 0 on
 * timeout or EINTR, -1 on an epoll error (errno set). */
int upppd_loop_run_once(struct upppd_loop *l, int timeout_ms);

#endif
