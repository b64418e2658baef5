/* The daemon's timer heap (daemon/timerheap.c): a table of insert, move,
 * remove and pop steps with the node expected at each pop; equal deadlines
 * leaving in the order they were set; 10,000 random operations checked
 * step by step against a sorted array; the heap's invariants after every
 * step (each node's slot, no child earlier than its parent). */
#include "testutil.h"

#include "timerheap.h"

#include <stdlib.h>

#define NT 8

static void check_invariants(const struct upppd_timerheap *h)
{
    for (size_t i = 0; i < h->n; i++) {
        assert_int_equal(h->v[i]->slot, i);
        if (i > 0) {
            const struct upppd_timer *p = h->v[(i - 1) / 2], *c = h->v[i];
            assert_true(p->deadline < c->deadline ||
                        (p->deadline == c->deadline && p->seq < c->seq));
        }
    }
}

enum op { SET, REMOVE, POP, PEEK, END };

struct step {
    enum op op;
    int timer;         /* which of NT timers (SET, REMOVE) */
    uint64_t deadline; /* SET: new deadline; POP: now */
    int want;          /* POP, PEEK: timer expected, -1 for none */
    size_t n;          /* entries in the heap after the step */
};

static const struct step table[] = {
    /* empty heap */
    {PEEK, 0, 0, -1, 0},
    {POP, 0, 1000, -1, 0},
    {REMOVE, 3, 0, 0, 0}, /* removing an unqueued node does nothing */
    /* insert in reverse order, pop in deadline order */
    {SET, 0, 50, 0, 1},
    {SET, 1, 40, 0, 2},
    {SET, 2, 30, 0, 3},
    {SET, 3, 20, 0, 4},
    {SET, 4, 10, 0, 5},
    {PEEK, 0, 0, 4, 5},
    {POP, 0, 9, -1, 5}, /* nothing due before 10 */
    {POP, 0, 10, 4, 4},
    {POP, 0, 25, 3, 3},
    {POP, 0, 25, -1, 3},
    /* move a queued node earlier, later, and to where it is */
    {SET, 0, 5, 0, 3},
    {PEEK, 0, 0, 0, 3},
    {SET, 0, 45, 0, 3},
    {PEEK, 0, 0, 2, 3},
    {SET, 2, 30, 0, 3}, /* unchanged deadline: stays queued, count unchanged */
    /* remove the head and a middle node */
    {REMOVE, 2, 0, 0, 2},
    {PEEK, 0, 0, 1, 2},
    {REMOVE, 0, 0, 0, 1},
    {PEEK, 0, 0, 1, 1},
    /* UPPPD_TIMER_NONE removes */
    {SET, 1, UPPPD_TIMER_NONE, 0, 0},
    {PEEK, 0, 0, -1, 0},
    /* a node popped can be set again */
    {SET, 5, 7, 0, 1},
    {POP, 0, 100, 5, 0},
    {SET, 5, 8, 0, 1},
    {SET, 6, 8, 0, 2},
    {SET, 7, 8, 0, 3},
    {SET, 5, 9, 0, 3}, /* moving 5 puts it behind */
    {POP, 0, 100, 6, 2},
    {POP, 0, 100, 7, 1},
    {POP, 0, 100, 5, 0},
    /* deadline 0 is a deadline, not "none" */
    {SET, 3, 0, 0, 1},
    {POP, 0, 0, 3, 0},
    {END, 0, 0, 0, 0},
};

static void test_table(void **state)
{
    (void)state;
    struct upppd_timerheap h;
    struct upppd_timer t[NT];
    upppd_timerheap_init(&h);
    for (int i = 0; i < NT; i++)
        upppd_timer_init(&t[i]);
    for (const struct step *s = table; s->op != END; s++) {
        struct upppd_timer *got = NULL;
        switch (s->op) {
        case SET:
            assert_int_equal(upppd_timerheap_set(&h, &t[s->timer], s->deadline), 0);
            break;
        case REMOVE:
            upppd_timerheap_remove(&h, &t[s->timer]);
            assert_false(upppd_timer_queued(&t[s->timer]));
            break;
        case POP:
            got = upppd_timerheap_pop_due(&h, s->deadline);
            if (got)
                assert_false(upppd_timer_queued(got));
            /* fall through */
        case PEEK:
            if (s->op == PEEK)
                got = upppd_timerheap_peek(&h);
            if (s->want < 0)
                assert_null(got);
            else
                assert_ptr_equal(got, &t[s->want]);
            break;
        case END:
            break;
        }
        assert_int_equal(h.n, s->n);
        check_invariants(&h);
    }
    upppd_timerheap_free(&h);
}

/* A loop with thousands of sessions sets many to the same millisecond
 * (they all started together): they leave in the order they were set, none
 * is lost, and one moved away and back goes to the end of its group. */
static void test_equal_deadlines(void **state)
{
    (void)state;
    enum { N = 2000 };
    struct upppd_timerheap h;
    struct upppd_timer *t = calloc(N, sizeof(*t));
    assert_non_null(t);
    upppd_timerheap_init(&h);
    for (int i = 0; i < N; i++) {
        upppd_timer_init(&t[i]);
        assert_int_equal(upppd_timerheap_set(&h, &t[i], i % 2 ? 500 : 1000), 0);
    }
    check_invariants(&h);
    assert_int_equal(upppd_timerheap_set(&h, &t[1], 1), 0);
    assert_int_equal(upppd_timerheap_set(&h, &t[1], 500), 0);
    /* odd ones at 500 in order 3, 5, ..., 1999, then 1; even ones at 1000 */
    for (int i = 3; i < N; i += 2)
        assert_ptr_equal(upppd_timerheap_pop_due(&h, 999), &t[i]);
    assert_ptr_equal(upppd_timerheap_pop_due(&h, 999), &t[1]);
    assert_null(upppd_timerheap_pop_due(&h, 999));
    for (int i = 0; i < N; i += 2)
        assert_ptr_equal(upppd_timerheap_pop_due(&h, 1000), &t[i]);
    assert_int_equal(h.n, 0);
    upppd_timerheap_free(&h);
    free(t);
}

/* ---- random operations against a sorted array ---- */

#define RN 300

struct ref {
    int id[RN];
    uint64_t dl[RN], seq[RN];
    int n;
};

static int ref_find(const struct ref *r, int id)
{
    for (int i = 0; i < r->n; i++)
        if (r->id[i] == id)
            return i;
    return -1;
}

static void ref_remove(struct ref *r, int id)
{
    int i = ref_find(r, id);
    if (i < 0)
        return;
    memmove(&r->id[i], &r->id[i + 1], (size_t)(r->n - i - 1) * sizeof(r->id[0]));
    memmove(&r->dl[i], &r->dl[i + 1], (size_t)(r->n - i - 1) * sizeof(r->dl[0]));
    memmove(&r->seq[i], &r->seq[i + 1], (size_t)(r->n - i - 1) * sizeof(r->seq[0]));
    r->n--;
}

/* Insert in (deadline, seq) order; seq only grows, so equal deadlines go
 * after the ones already there. */
static void ref_insert(struct ref *r, int id, uint64_t dl, uint64_t seq)
{
    int i = r->n;
    while (i > 0 && r->dl[i - 1] > dl)
        i--;
    memmove(&r->id[i + 1], &r->id[i], (size_t)(r->n - i) * sizeof(r->id[0]));
    memmove(&r->dl[i + 1], &r->dl[i], (size_t)(r->n - i) * sizeof(r->dl[0]));
    memmove(&r->seq[i + 1], &r->seq[i], (size_t)(r->n - i) * sizeof(r->seq[0]));
    r->id[i] = id;
    r->dl[i] = dl;
    r->seq[i] = seq;
    r->n++;
}

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void test_random_against_sorted(void **state)
{
    (void)state;
    struct upppd_timerheap h;
    struct upppd_timer t[RN];
    struct ref r = {.n = 0};
    uint64_t seed = 0x1234567887654321ull, seq = 0, now = 0;
    unsigned pops = 0, moves = 0;
    upppd_timerheap_init(&h);
    for (int i = 0; i < RN; i++)
        upppd_timer_init(&t[i]);
    for (int step = 0; step < 10000; step++) {
        int id = (int)(rnd(&seed) % RN);
        unsigned what = (unsigned)(rnd(&seed) % 10);
        if (what < 5) {
            /* Deadlines from a small range, so many are equal. */
            uint64_t dl = now + rnd(&seed) % 256;
            int at = ref_find(&r, id);
            if (at >= 0 && r.dl[at] == dl)
                continue; /* an unchanged deadline keeps its place in both */
            moves += at >= 0;
            assert_int_equal(upppd_timerheap_set(&h, &t[id], dl), 0);
            ref_remove(&r, id);
            ref_insert(&r, id, dl, seq++);
        } else if (what < 7) {
            upppd_timerheap_remove(&h, &t[id]);
            ref_remove(&r, id);
        } else {
            now += rnd(&seed) % 4;
            for (struct upppd_timer *p; (p = upppd_timerheap_pop_due(&h, now)) != NULL; pops++) {
                assert_true(r.n > 0);
                assert_true(r.dl[0] <= now);
                assert_ptr_equal(p, &t[r.id[0]]);
                ref_remove(&r, r.id[0]);
            }
            assert_true(r.n == 0 || r.dl[0] > now);
        }
        assert_int_equal(h.n, (size_t)r.n);
        struct upppd_timer *head = upppd_timerheap_peek(&h);
        if (r.n == 0)
            assert_null(head);
        else
            assert_ptr_equal(head, &t[r.id[0]]);
        check_invariants(&h);
    }
    /* The run really exercised pops and moves, not just inserts. */
    assert_true(pops > 1000);
    assert_true(moves > 1000);
    upppd_timerheap_free(&h);
    for (int i = 0; i < RN; i++)
        assert_false(upppd_timer_queued(&t[i]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_equal_deadlines),
        cmocka_unit_test(test_random_against_sorted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
