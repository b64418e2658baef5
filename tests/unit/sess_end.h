/*
 * One end of a daemon session pair in the daemon's tests (daemon/sess.c
 * on daemon/loop.c): what its callbacks saw (IPCP and CCP up, the end,
 * the last IP packet delivered), predicates over it, and a bounded run of
 * the loop until a predicate holds for every end. Used by
 * test_daemon_loop.c (many pairs over socketpairs) and
 * test_daemon_sess_frames.c (frame mode, in memory and over GRE), which
 * wrap it in their own struct when they need more.
 * Header-only; include after testutil.h.
 */
#ifndef UPPP_TEST_SESS_END_H
#define UPPP_TEST_SESS_END_H

#include "loop.h"
#include "sess.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sess_end {
    struct upppd_sess sess;
    int idx;    /* the test's own number for the end or its pair */
    int server; /* the authenticator of the pair */
    int ip_up, ccp_up, dead;
    unsigned got; /* IP packets delivered */
    uint8_t last[256];
    size_t last_len;
};

/* upppd_sess_ops.event; user is the struct sess_end. */
static inline void se_on_event(void *user, const struct uppp_event *ev)
{
    struct sess_end *e = user;
    if (ev->type == UPPP_EVENT_IP_UP)
        e->ip_up = 1;
    else if (ev->type == UPPP_EVENT_CCP_UP)
        e->ccp_up = 1;
    else if (ev->type == UPPP_EVENT_DEAD)
        e->dead = 1;
}

/* upppd_sess_ops.deliver: IPv4 only, kept in last. */
static inline void se_on_deliver(void *user, uint16_t proto, const uint8_t *pkt, size_t len)
{
    struct sess_end *e = user;
    assert_int_equal(proto, UPPP_PROTO_IP);
    assert_true(len <= sizeof(e->last));
    memcpy(e->last, pkt, len);
    e->last_len = len;
    e->got++;
}

static inline int se_is_running(const struct sess_end *e)
{
    return e->ip_up && e->ccp_up;
}

static inline int se_got_one(const struct sess_end *e)
{
    return e->got >= 1;
}

static inline int se_is_dead(const struct sess_end *e)
{
    return e->dead && upppd_sess_is_dead(&e->sess);
}

/* Run loop passes until pred holds for each of the n ends at first,
 * stride octets apart (an array of struct sess_end, or of a struct that
 * begins with one), at most 30 s of real time. LOOP_DEBUG=1 prints how
 * long it took. */
static inline void se_run_until(struct upppd_loop *l, const void *first, size_t n, size_t stride,
                                int (*pred)(const struct sess_end *))
{
    uint64_t until = upppd_loop_now() + 30000;
    for (;;) {
        size_t i = 0;
        while (i < n && pred((const struct sess_end *)((const char *)first + i * stride)))
            i++;
        if (i == n)
            break;
        assert_true(upppd_loop_now() < until);
        assert_true(upppd_loop_run_once(l, 1000) >= 0);
    }
    if (getenv("LOOP_DEBUG"))
        fprintf(stderr, "phase done after %llu ms\n",
                (unsigned long long)(upppd_loop_now() + 30000 - until));
}

#endif
