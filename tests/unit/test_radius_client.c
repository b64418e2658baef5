/*
 * Tests for the RADIUS client state machine (include/uppp/radius_client.h)
 * under a virtual clock: retransmission to one server with the same
 * Identifier and authenticator, failover with new ones, giving up after
 * every server, responses that must be dropped (unknown Identifier, wrong
 * server, bad authenticator, no Message-Authenticator) and the bound on
 * pending requests. The server side answers with packets signed as
 * RFC 2865 3 and RFC 3579 3.2 say, computed here from the captured request.
 */
#include "testutil.h"

#include <uppp/radius_client.h>
#include <uppp/err.h>

#include "crypto.h"

#include <stdlib.h>

struct sent {
    size_t server;
    size_t len;
    uint8_t pkt[UPPP_RADIUS_MAX_PACKET];
};

struct world {
    struct sent sent[16];
    size_t nsent;
    uint64_t done_handle[300];
    int done_result[300];
    uint32_t done_ip[300];
    size_t ndone;
    unsigned counter;
    int logs;
};

static int w_random(void *user, void *buf, size_t len)
{
    struct world *w = user;
    uint8_t *b = buf;
    for (size_t i = 0; i < len; i++)
        b[i] = (uint8_t)(w->counter++ * 37 + 11);
    return 0;
}

static void w_send(void *user, size_t server, const uint8_t *pkt, size_t len)
{
    struct world *w = user;
    struct sent *s = &w->sent[w->nsent++ % 16];
    s->server = server;
    s->len = len;
    memcpy(s->pkt, pkt, len);
}

static void w_done(void *user, uint64_t handle, int result, const struct uppp_radius_reply *r)
{
    struct world *w = user;
    assert_true(w->ndone < 300);
    w->done_handle[w->ndone] = handle;
    w->done_result[w->ndone] = result;
    w->done_ip[w->ndone] = r ? r->framed_ip : 0;
    w->ndone++;
}

static void w_log(void *user, int level, const char *line)
{
    struct world *w = user;
    (void)level;
    (void)line;
    w->logs++;
}

static const char *secrets[] = {"one", "two"};

static struct uppp_radius_client *mk(struct world *w, size_t nservers, size_t max_pending)
{
    memset(w, 0, sizeof(*w));
    struct uppp_radius_client_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.nservers = nservers;
    for (size_t i = 0; i < nservers; i++) {
        cfg.servers[i].secret_len = strlen(secrets[i]);
        memcpy(cfg.servers[i].secret, secrets[i], cfg.servers[i].secret_len);
    }
    cfg.timeout_ms = 1000;
    cfg.tries = 2;
    cfg.max_pending = max_pending;
    struct uppp_radius_client_callbacks cb = {w, w_random, w_send, w_done, w_log};
    struct uppp_radius_client *c = NULL;
    assert_int_equal(uppp_radius_client_new(&c, &cfg, &cb), 0);
    return c;
}

/* An Access-Accept to the request s, Framed-IP-Address 10.0.0.<id>. */
static size_t answer(const struct sent *s, const char *secret, int with_ma, uint8_t *p)
{
    size_t slen = strlen(secret), len = 20 + 6 + (with_ma ? 18 : 0);
    memset(p, 0, len);
    p[0] = UPPP_RADIUS_ACCESS_ACCEPT;
    p[1] = s->pkt[1];
    p[3] = (uint8_t)len;
    memcpy(p + 4, s->pkt + 4, 16);
    const uint8_t ip[6] = {8, 6, 10, 0, 0, s->pkt[1]};
    memcpy(p + 20, ip, 6);
    if (with_ma) {
        p[26] = 80;
        p[27] = 18;
        const uint8_t *a[1] = {p};
        size_t l[1] = {len};
        assert_int_equal(uppp_hmac_md5_vector((const uint8_t *)secret, slen, 1, a, l, p + 28), 0);
    }
    const uint8_t *a[2] = {p, (const uint8_t *)secret};
    size_t l[2] = {len, slen};
    uint8_t ra[16];
    assert_int_equal(uppp_md5_vector(2, a, l, ra), 0);
    memcpy(p + 4, ra, 16);
    return len;
}

static struct uppp_radius_req pap_req(void)
{
    struct uppp_radius_req r;
    uppp_radius_req_init(&r, UPPP_RADIUS_ACCESS_REQUEST);
    assert_int_equal(uppp_radius_req_add(&r, UPPP_RA_USER_NAME, "bob", 3), 0);
    assert_int_equal(uppp_radius_req_set_password(&r, (const uint8_t *)"pw", 2), 0);
    return r;
}

static void test_retransmit_then_answer(void **state)
{
    (void)state;
    struct world w;
    struct uppp_radius_client *c = mk(&w, 2, 0);
    struct uppp_radius_req r = pap_req();
    assert_int_equal(uppp_radius_client_submit(c, &r, 42, 0), 0);
    assert_int_equal(w.nsent, 1);
    assert_int_equal(uppp_radius_client_next_timer(c), 1000);
    assert_int_equal(uppp_radius_client_handle_timer(c, 999), 0);
    assert_int_equal(w.nsent, 1);
    assert_int_equal(uppp_radius_client_handle_timer(c, 1000), 0);
    assert_int_equal(w.nsent, 2);
    /* RFC 5080 2.2.1: the retransmission is the same datagram. */
    assert_int_equal(w.sent[0].len, w.sent[1].len);
    assert_memory_equal(w.sent[0].pkt, w.sent[1].pkt, w.sent[0].len);
    uint8_t p[128];
    size_t n = answer(&w.sent[1], "one", 1, p);
    /* From the wrong server, then with a wrong secret: dropped. */
    assert_int_equal(uppp_radius_client_input(c, 1, p, n, 1500), UPPP_ERR_NO_REQUEST);
    uint8_t bad[128];
    size_t bn = answer(&w.sent[1], "onx", 1, bad);
    assert_int_equal(uppp_radius_client_input(c, 0, bad, bn, 1500), UPPP_ERR_AUTH);
    bn = answer(&w.sent[1], "one", 0, bad);
    assert_int_equal(uppp_radius_client_input(c, 0, bad, bn, 1500), UPPP_ERR_AUTH);
    assert_int_equal(w.ndone, 0);
    assert_int_equal(uppp_radius_client_input(c, 0, p, n, 1500), 0);
    assert_int_equal(w.ndone, 1);
    assert_int_equal(w.done_handle[0], 42);
    assert_int_equal(w.done_result[0], 0);
    assert_int_equal(w.done_ip[0], 0x0a000000u | w.sent[1].pkt[1]);
    /* A duplicate of the answer matches nothing any more. */
    assert_int_equal(uppp_radius_client_input(c, 0, p, n, 1500), UPPP_ERR_NO_REQUEST);
    assert_int_equal(uppp_radius_client_next_timer(c), UINT64_MAX);
    struct uppp_radius_client_stats st;
    uppp_radius_client_get_stats(c, &st);
    assert_int_equal(st.retransmits, 1);
    assert_int_equal(st.dropped_bad_auth, 1);
    assert_int_equal(st.dropped_no_ma, 1);
    assert_int_equal(st.dropped_unknown, 2);
    assert_true(w.logs >= 4);
    uppp_radius_client_del(c);
}

static void test_failover_and_give_up(void **state)
{
    (void)state;
    struct world w;
    struct uppp_radius_client *c = mk(&w, 2, 0);
    struct uppp_radius_req r = pap_req();
    assert_int_equal(uppp_radius_client_submit(c, &r, 1, 0), 0);
    uint64_t now = 0;
    while (w.ndone == 0 && now < 100000) {
        now = uppp_radius_client_next_timer(c);
        assert_int_equal(uppp_radius_client_handle_timer(c, now), 0);
    }
    /* 2 tries on server 0, 2 on server 1, then the end at 4 s. */
    assert_int_equal(w.nsent, 4);
    assert_int_equal(w.sent[0].server, 0);
    assert_int_equal(w.sent[2].server, 1);
    /* Server 1's request is new: a different authenticator. */
    assert_memory_not_equal(w.sent[1].pkt + 4, w.sent[2].pkt + 4, 16);
    assert_int_equal(now, 4000);
    assert_int_equal(w.done_result[0], UPPP_ERR_TIMEOUT);
    int logs = w.logs;
    /* The next request starts at server 1 (preferred now); a second give-up
     * is not logged again as "no server answered". */
    assert_int_equal(uppp_radius_client_submit(c, &r, 2, now), 0);
    assert_int_equal(w.sent[4].server, 1);
    uint8_t p[128];
    size_t n = answer(&w.sent[4], "two", 1, p);
    assert_int_equal(uppp_radius_client_input(c, 1, p, n, now + 10), 0);
    assert_int_equal(w.done_result[1], 0);
    assert_true(w.logs >= logs);
    uppp_radius_client_del(c);
}

static void test_bound_and_cancel(void **state)
{
    (void)state;
    struct world w;
    struct uppp_radius_client *c = mk(&w, 1, 256);
    struct uppp_radius_req r = pap_req();
    for (uint64_t h = 0; h < 256; h++)
        assert_int_equal(uppp_radius_client_submit(c, &r, h, 0), 0);
    assert_int_equal(uppp_radius_client_submit(c, &r, 999, 0), UPPP_ERR_LIMIT);
    assert_int_equal(uppp_radius_client_pending(c), 256);
    assert_int_equal(uppp_radius_client_cancel(c, 7), 0);
    assert_int_equal(uppp_radius_client_cancel(c, 7), UPPP_ERR_NO_REQUEST);
    /* Its Identifier is free again; the new request takes it. */
    assert_int_equal(uppp_radius_client_submit(c, &r, 1000, 0), 0);
    assert_int_equal(uppp_radius_client_pending(c), 256);
    uppp_radius_client_del(c);
    /* Bad configurations. */
    struct uppp_radius_client_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    struct uppp_radius_client_callbacks cb = {&w, w_random, w_send, w_done, NULL};
    assert_int_equal(uppp_radius_client_new(&c, &cfg, &cb), UPPP_ERR_INVALID);
    cfg.nservers = 1;
    assert_int_equal(uppp_radius_client_new(&c, &cfg, &cb), UPPP_ERR_INVALID); /* no secret */
    cfg.servers[0].secret_len = 1;
    cfg.max_pending = 257;
    assert_int_equal(uppp_radius_client_new(&c, &cfg, &cb), UPPP_ERR_INVALID);
}

static void test_garbage_input(void **state)
{
    (void)state;
    struct world w;
    struct uppp_radius_client *c = mk(&w, 1, 4);
    uint8_t junk[40] = {2, 0, 0, 50};
    assert_int_equal(uppp_radius_client_input(c, 0, junk, sizeof(junk), 0), UPPP_ERR_PARSE);
    assert_int_equal(uppp_radius_client_input(c, 0, junk, 3, 0), UPPP_ERR_PARSE);
    assert_int_equal(uppp_radius_client_input(c, 5, junk, 3, 0), UPPP_ERR_INVALID);
    uppp_radius_client_del(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retransmit_then_answer),
        cmocka_unit_test(test_failover_and_give_up),
        cmocka_unit_test(test_bound_and_cancel),
        cmocka_unit_test(test_garbage_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
