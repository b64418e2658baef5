/* The session's event queue (src/ppp.h, uppp_post): a layer's reports are
 * handled in order, after the layer call returns; a link that went down
 * voids what the layers above LCP had still queued; overflow ends the
 * session instead of losing an event. Events are posted here the way a
 * layer posts them, then a session entry point drains them. */
#include "testutil.h"
#include "session_harness.h"

#include "ppp.h"

static void up_link(struct th_link *l)
{
    l->a.cfg.mppe = UPPP_MPPE_OFF;
    l->b.cfg.mppe = UPPP_MPPE_OFF;
    th_start(l);
    th_run(l, 60000, th_both_running);
    assert_true(th_both_running(l));
}

/* FIFO: of two END events the first posted is the first handled, so its
 * reason is the session's (the first reason wins). Nothing is handled
 * before an entry point drains. */
static void test_order(void **state)
{
    (void)state;
    struct th_link l;
    th_init(&l, 11);
    up_link(&l);
    struct uppp_session *s = l.a.s;
    uppp_post_end(s, UPPP_QEV_END, UPPP_END_IDLE_TIMEOUT, "first");
    uppp_post_end(s, UPPP_QEV_END, UPPP_END_CONNECT_TIME, "second");
    assert_int_equal(s->evq_len, 2);
    assert_false(s->end_set);
    assert_int_equal(uppp_session_handle_timer(s, l.now), 0);
    assert_int_equal(s->evq_len, 0);
    assert_true(s->end_set);
    assert_int_equal(s->end, UPPP_END_IDLE_TIMEOUT);
    assert_string_equal(s->reason, "first");
    th_free(&l);
}

/* An authentication verdict queued behind LCP going down belongs to a link
 * that is gone: it is discarded, never acted on (no peer name, no method,
 * no AUTH_UP event). */
static void test_stale_after_lcp_down(void **state)
{
    (void)state;
    struct th_link l;
    th_init(&l, 12);
    up_link(&l);
    struct uppp_session *s = l.a.s;
    int auth_up = l.a.events[UPPP_EVENT_AUTH_UP];
    /* LCP leaves Opened (the peer renegotiates), as lcp_down posts it. */
    uppp_fsm_down(&s->lcp.fsm, l.now);
    struct uppp_qev ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = UPPP_QEV_AUTH;
    ev.for_peer = 1;
    ev.ok = 1;
    ev.method = UPPP_AUTH_PAP;
    snprintf(ev.why, sizeof(ev.why), "mallory");
    uppp_post(s, &ev);
    assert_int_equal(s->evq_len, 2);
    assert_int_equal(uppp_session_handle_timer(s, l.now), 0);
    struct uppp_status st;
    uppp_session_status(s, &st);
    assert_string_equal(st.peer_name, "");
    assert_int_equal(st.auth_peer, 0);
    assert_int_equal(l.a.events[UPPP_EVENT_AUTH_UP], auth_up);
    assert_int_equal(st.phase, UPPP_PHASE_TERMINATE);
    th_free(&l);
}

/* More events than the queue holds: a bug, so the session ends with
 * UPPP_END_FATAL rather than run on with one lost. */
static void test_overflow(void **state)
{
    (void)state;
    struct th_link l;
    th_init(&l, 13);
    up_link(&l);
    struct uppp_session *s = l.a.s;
    int downs = l.a.events[UPPP_EVENT_CCP_DOWN];
    for (int i = 0; i < UPPP_EVQ_LEN + 1; i++)
        uppp_post_type(s, UPPP_QEV_CCP_DOWN);
    assert_int_equal(s->evq_len, UPPP_EVQ_LEN);
    assert_int_equal(uppp_session_handle_timer(s, l.now), 0);
    assert_int_equal(l.a.events[UPPP_EVENT_CCP_DOWN], downs + UPPP_EVQ_LEN);
    th_run(&l, l.now + 60000, th_both_dead);
    struct uppp_status st;
    uppp_session_status(s, &st);
    assert_int_equal(st.end, UPPP_END_FATAL);
    assert_string_equal(st.reason, "internal error");
    assert_non_null(strstr(l.a.logbuf, "event queue overflow"));
    th_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_stale_after_lcp_down),
        cmocka_unit_test(test_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
