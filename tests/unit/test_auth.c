/*
 * Authentication (RFC 1334, RFC 1994, RFC 2433, RFC 2759) between two
 * in-memory sessions (framing none, MPPE off): every method in each
 * direction and both at once; wrong passwords; a forged MS-CHAPv2 S=;
 * retransmitted Challenge, Response and lost Success; the Windows quirks;
 * DOMAIN\user; NT-hash secrets; a UTF-8 password; MS-CHAP password change;
 * MPPE start keys; timeouts and re-challenge.
 */
#include "testutil.h"
#include "session_harness.h"

#include <uppp/mppe_keys.h>
#include <uppp/mschap.h>

#include "ppp.h"
#include "chap.h"
#include "crypto.h"

static const unsigned methods[] = {UPPP_AUTH_PAP, UPPP_AUTH_CHAP_MD5, UPPP_AUTH_MSCHAP_V1,
                                   UPPP_AUTH_MSCHAP_V2};

static const char *mname(unsigned m)
{
    return m == UPPP_AUTH_PAP         ? "PAP"
           : m == UPPP_AUTH_CHAP_MD5  ? "CHAP-MD5"
           : m == UPPP_AUTH_MSCHAP_V1 ? "MS-CHAPv1"
                                      : "MS-CHAPv2";
}

/* ---- set-up ---- */

static void add_secret(struct th_end *e, const char *client, const char *pw)
{
    th_add_secret(e, client, "*", pw);
}

static void add_hash(struct th_end *e, const char *client, const char *pw)
{
    th_add_secret(e, client, "*", "");
    struct uppp_secret *s = &e->secrets[e->nsecrets - 1].secret;
    s->kind = UPPP_SECRET_NTHASH;
    assert_int_equal(uppp_nt_password_hash(pw, strlen(pw), s->nt_hash), 0);
}

/* a_req: what A demands of B; b_req: what B demands of A. Each side knows
 * both users' secrets; "b_pw" is what B believes its own password is. */
static void setup(struct th_link *l, uint64_t seed, unsigned a_req, unsigned b_req,
                  const char *b_pw)
{
    th_init(l, seed);
    l->a.cfg.mppe = UPPP_MPPE_OFF;
    l->b.cfg.mppe = UPPP_MPPE_OFF;
    l->a.cfg.require_auth = a_req;
    l->b.cfg.require_auth = b_req;
    add_secret(&l->a, "bob", "secret-b");
    add_secret(&l->a, "alice", "secret-a");
    add_secret(&l->b, "bob", b_pw ? b_pw : "secret-b");
    add_secret(&l->b, "alice", "secret-a");
}

/* ---- frame tampering through th_run's stop callback ---- */

/* The info of a frame of protocol proto (framing none; FF 03 optional). */
static uint8_t *frame_info(struct th_frame *f, uint16_t proto, size_t *len)
{
    size_t off = (f->len >= 2 && f->data[0] == 0xff && f->data[1] == 0x03) ? 2 : 0;
    if (f->len < off + 2 + 4 || (f->data[off] << 8 | f->data[off + 1]) != proto)
        return NULL;
    *len = f->len - off - 2;
    return f->data + off + 2;
}

enum { T_PASS, T_DROP, T_DUP };
/* Called once per frame about to cross (from: 0 = A, 1 = B). */
static int (*g_tamper)(int from, struct th_frame *f);
static int (*g_until)(struct th_link *l);

static int tamper_stop(struct th_link *l)
{
    if (g_until != NULL && g_until(l))
        return 1;
    struct th_end *e = l->a.qlen ? &l->a : l->b.qlen ? &l->b : NULL;
    if (e == NULL || g_tamper == NULL)
        return 0;
    struct th_frame *f = &e->q[e->qhead];
    int act = g_tamper(e->idx, f);
    if (act == T_DROP) {
        f->len = 0; /* the receiver counts an empty frame and moves on */
    } else if (act == T_DUP && e->qlen < TH_MAX_QUEUE) {
        e->q[(e->qhead + e->qlen) % TH_MAX_QUEUE] = *f;
        e->qlen++;
    }
    return 0;
}

static int settled(struct th_link *l)
{
    return th_both_running(l) || th_both_dead(l);
}

static void run(struct th_link *l, int (*tamper)(int, struct th_frame *))
{
    g_tamper = tamper;
    g_until = settled;
    th_run(l, l->now + 600000, tamper_stop);
    g_tamper = NULL;
    g_until = NULL;
}

static void run_until_dead(struct th_link *l, int (*tamper)(int, struct th_frame *))
{
    g_tamper = tamper;
    g_until = th_both_dead;
    th_run(l, l->now + 600000, tamper_stop);
    g_tamper = NULL;
    g_until = NULL;
}

static struct uppp_status status(struct th_end *e)
{
    struct uppp_status st;
    uppp_session_status(e->s, &st);
    return st;
}

/* Occurrences of len octets at needle in what e sent. */
static int wire_count(const struct th_end *e, const void *needle, size_t len)
{
    int n = 0;
    for (size_t i = 0; len && i + len <= e->wire_len; i++)
        if (memcmp(e->wire + i, needle, len) == 0)
            n++;
    return n;
}

/* First CHAP packet of code in e's wire (protocol C2 23, then code). */
static const uint8_t *wire_chap(const struct th_end *e, uint8_t code, size_t *len)
{
    for (size_t i = 0; i + 6 <= e->wire_len; i++) {
        const uint8_t *p = e->wire + i;
        if (p[0] == 0xc2 && p[1] == 0x23 && p[2] == code) {
            size_t n = (size_t)(p[4] << 8 | p[5]);
            if (n >= 4 && i + 2 + n <= e->wire_len) {
                *len = n;
                return p + 2;
            }
        }
    }
    return NULL;
}

static int chap_code(struct th_frame *f)
{
    size_t n;
    uint8_t *p = frame_info(f, UPPP_PROTO_CHAP, &n);
    return p ? p[0] : -1;
}

/* ---- the matrix ---- */

static void assert_keys_agree(struct th_link *l, unsigned method)
{
    const struct uppp_keys *ka = &l->a.s->keys, *kb = &l->b.s->keys;
    assert_true(ka->have);
    assert_true(kb->have);
    assert_int_equal(ka->method, method);
    assert_int_equal(kb->method, method);
    assert_memory_equal(ka->send_start, kb->recv_start, 16);
    assert_memory_equal(ka->recv_start, kb->send_start, 16);
    static const uint8_t zero[16];
    assert_memory_not_equal(ka->send_start, zero, 16);
    if (method == UPPP_AUTH_MSCHAP_V2)
        assert_memory_not_equal(ka->send_start, ka->recv_start, 16);
    else
        assert_memory_equal(ka->send_start, ka->recv_start, 16);
}

/* dir 0: A authenticates B; 1: B authenticates A; 2: both. */
static void one_success(unsigned m, int dir, uint64_t seed)
{
    struct th_link l;
    setup(&l, seed, dir != 1 ? m : 0, dir != 0 ? m : 0, NULL);
    th_start(&l);
    run(&l, NULL);
    if (!th_both_running(&l))
        fail_msg("%s dir %d did not come up:\nA:\n%s\nB:\n%s", mname(m), dir, l.a.logbuf,
                 l.b.logbuf);
    struct uppp_status sa = status(&l.a), sb = status(&l.b);
    assert_int_equal(sa.end, UPPP_END_NONE);
    assert_int_equal(sb.end, UPPP_END_NONE);
    const char *ok =
        m == UPPP_AUTH_PAP ? "PAP authentication succeeded" : "CHAP authentication succeeded";
    if (dir != 1) {
        assert_int_equal(sa.auth_peer, m);
        assert_int_equal(sb.auth_us, m);
        assert_string_equal(sa.peer_name, "bob");
        assert_non_null(strstr(l.b.logbuf, ok));
        assert_non_null(strstr(l.a.logbuf, "peer authentication succeeded for bob"));
    } else {
        assert_int_equal(sa.auth_peer, 0);
        assert_int_equal(sb.auth_us, 0);
    }
    if (dir != 0) {
        assert_int_equal(sb.auth_peer, m);
        assert_int_equal(sa.auth_us, m);
        assert_string_equal(sb.peer_name, "alice");
        assert_non_null(strstr(l.a.logbuf, ok));
    }
    int ms = m == UPPP_AUTH_MSCHAP_V1 || m == UPPP_AUTH_MSCHAP_V2;
    if (ms && dir != 2) {
        assert_keys_agree(&l, m);
    } else {
        /* No MS-CHAP, or MS-CHAP both ways (pppd then refuses MPPE). */
        assert_false(l.a.s->keys.have);
        assert_false(l.b.s->keys.have);
    }
    if (ms && dir == 2)
        assert_non_null(strstr(l.a.logbuf, "MS-CHAP in both directions: no MPPE keys"));
    th_free(&l);
}

static void test_success_matrix(void **state)
{
    (void)state;
    uint64_t seed = 100;
    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
        for (int dir = 0; dir < 3; dir++)
            one_success(methods[i], dir, seed++);
}

/* On the wire the authenticator's name is in the Challenge and the peer's
 * in the Response; pppd's challenge lengths. */
static void test_challenge_format(void **state)
{
    (void)state;
    static const struct {
        unsigned m;
        size_t min, max;
    } rows[] = {
        {UPPP_AUTH_CHAP_MD5, 16, 23}, {UPPP_AUTH_MSCHAP_V1, 8, 8}, {UPPP_AUTH_MSCHAP_V2, 16, 16}};
    for (size_t i = 0; i < 3; i++) {
        struct th_link l;
        setup(&l, 200 + i, rows[i].m, 0, NULL);
        th_start(&l);
        run(&l, NULL);
        assert_true(th_both_running(&l));
        size_t n;
        const uint8_t *c = wire_chap(&l.a, UPPP_CHAP_CHALLENGE, &n);
        assert_non_null(c);
        assert_true(c[4] >= rows[i].min && c[4] <= rows[i].max);
        assert_int_equal(n, 4 + 1 + c[4] + strlen("alice"));
        assert_memory_equal(c + 5 + c[4], "alice", 5);
        const uint8_t *r = wire_chap(&l.b, UPPP_CHAP_RESPONSE, &n);
        assert_non_null(r);
        assert_int_equal(r[1], c[1]); /* the Challenge's identifier */
        assert_memory_equal(r + n - 3, "bob", 3);
        if (rows[i].m == UPPP_AUTH_MSCHAP_V1) {
            static const uint8_t zero[24];
            assert_int_equal(r[4], 49);
            assert_memory_equal(r + 5, zero, 24); /* LM response zero-filled */
            assert_int_equal(r[5 + 48], 1);       /* use NT */
        }
        th_free(&l);
    }
}

/* ---- failures ---- */

static void one_wrong_password(unsigned m, uint64_t seed)
{
    struct th_link l;
    setup(&l, seed, m, 0, "not-the-password");
    th_start(&l);
    run_until_dead(&l, NULL);
    assert_true(th_both_dead(&l));
    struct uppp_status sa = status(&l.a), sb = status(&l.b);
    assert_int_equal(sa.end, UPPP_END_PEER_AUTH_FAILED);
    assert_string_equal(sa.reason, "Authentication failed");
    assert_int_equal(sb.end, UPPP_END_AUTH_TOPEER_FAILED);
    if (m == UPPP_AUTH_PAP) {
        assert_string_equal(sb.reason, "Failed to authenticate ourselves to peer");
        assert_non_null(strstr(l.a.logbuf, "PAP peer authentication failed for bob"));
        assert_non_null(strstr(l.b.logbuf, "PAP authentication failed"));
        assert_true(th_wire_contains(&l.a, "Login incorrect"));
    } else if (m == UPPP_AUTH_CHAP_MD5) {
        assert_string_equal(sb.reason, "Failed to authenticate ourselves to peer");
        assert_non_null(strstr(l.a.logbuf, "Peer bob failed CHAP authentication"));
        assert_non_null(strstr(l.b.logbuf, "CHAP authentication failed: Access denied"));
    } else {
        assert_string_equal(sb.reason,
                            "MS-CHAP authentication failed: E=691 Authentication failure");
        assert_non_null(
            strstr(l.b.logbuf, "MS-CHAP authentication failed: E=691 Authentication failure"));
        size_t n;
        const uint8_t *f = wire_chap(&l.a, UPPP_CHAP_FAILURE, &n);
        assert_non_null(f);
        const uint8_t *c = wire_chap(&l.a, UPPP_CHAP_CHALLENGE, &n);
        char want[128], hex[33];
        size_t clen = m == UPPP_AUTH_MSCHAP_V2 ? 16 : 8;
        for (size_t i = 0; i < clen; i++)
            snprintf(hex + 2 * i, 3, "%02X", c[5 + i]);
        if (m == UPPP_AUTH_MSCHAP_V2)
            snprintf(want, sizeof(want), "E=691 R=0 C=%s V=3 M=Authentication failed", hex);
        else
            snprintf(want, sizeof(want), "E=691 R=0 C=%s V=2", hex);
        f = wire_chap(&l.a, UPPP_CHAP_FAILURE, &n);
        assert_int_equal(n - 4, strlen(want));
        assert_memory_equal(f + 4, want, strlen(want));
    }
    assert_int_equal(sa.auth_peer, 0);
    assert_false(l.a.s->keys.have);
    assert_false(l.b.s->keys.have);
    th_free(&l);
}

static void test_wrong_password(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
        one_wrong_password(methods[i], 300 + i);
}

static int either_dead(struct th_link *l)
{
    return uppp_session_is_dead(l->a.s) || uppp_session_is_dead(l->b.s);
}

/* RFC 1661 section 3.7: the receiver of a Terminate-Request MUST NOT
 * disconnect until one Restart time after its Terminate-Ack. After a
 * failed authentication both ends send Terminate-Requests; each acks the
 * other's and then gets its own acked, which closes the automaton at once.
 * The session must stay (its end already recorded) for the Restart time,
 * so that the Terminate-Ack it just sent is not lost to its own hangup
 * (pppd 2.4.9 then ended 16 instead of 11/19 in the interop matrix), and
 * end at once when the link goes down under it. */
static void test_crossing_terminate_waits_restart_time(void **state)
{
    (void)state;
    static const uint8_t termack[] = {0xc0, 0x21, UPPP_TERMACK};
    struct th_link l;
    setup(&l, 330, UPPP_AUTH_MSCHAP_V2, 0, "not-the-password");
    l.a.cfg.restart_ms = l.b.cfg.restart_ms = 2000;
    th_start(&l);
    /* The exchange is over within a millisecond here (no delay on the
     * harness's wire); both Terminate-Acks went out and nobody hung up. */
    th_run(&l, l.now + 1000, either_dead);
    assert_false(either_dead(&l));
    assert_int_equal(wire_count(&l.a, termack, sizeof(termack)), 1);
    assert_int_equal(wire_count(&l.b, termack, sizeof(termack)), 1);
    uint64_t end_a = uppp_session_next_timer(l.a.s);
    assert_true(end_a > l.now && end_a <= l.now + 2000);
    /* B's line drops: B ends now, with its own end kept. */
    uppp_session_hangup(l.b.s, l.now);
    assert_true(uppp_session_is_dead(l.b.s));
    assert_int_equal(status(&l.b).end, UPPP_END_AUTH_TOPEER_FAILED);
    /* A ends one Restart time after its Terminate-Ack, not before. */
    th_run(&l, end_a - 1, NULL);
    assert_false(uppp_session_is_dead(l.a.s));
    th_run(&l, end_a, NULL);
    assert_true(uppp_session_is_dead(l.a.s));
    assert_int_equal(status(&l.a).end, UPPP_END_PEER_AUTH_FAILED);
    assert_non_null(strstr(l.a.logbuf, "Connection terminated: Authentication failed"));
    th_free(&l);
}

/* B authenticates A, and A has the wrong password: the roles swap. */
static void test_wrong_password_other_way(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        struct th_link l;
        setup(&l, 310 + i, 0, methods[i], NULL);
        l.a.secrets[1].secret.password[0] = 'X'; /* A's own "alice" secret */
        th_start(&l);
        run_until_dead(&l, NULL);
        assert_int_equal(status(&l.b).end, UPPP_END_PEER_AUTH_FAILED);
        assert_int_equal(status(&l.a).end, UPPP_END_AUTH_TOPEER_FAILED);
        th_free(&l);
    }
}

/* Forged authenticator responses (RFC 2759 section 5). */
static int forge_mode;
static int forge_success(int from, struct th_frame *f)
{
    size_t n;
    uint8_t *p = frame_info(f, UPPP_PROTO_CHAP, &n);
    if (from != 0 || p == NULL || p[0] != UPPP_CHAP_SUCCESS || forge_mode < 0)
        return T_PASS;
    if (forge_mode == 0) {
        /* one hex digit of S= changed */
        p[4 + 2 + 7] = p[4 + 2 + 7] == '0' ? '1' : '0';
    } else {
        /* no S= at all: an MS-CHAPv1-style "Access granted" */
        static const char msg[] = "Access granted";
        memcpy(p + 4, msg, sizeof(msg) - 1);
        size_t len = 4 + sizeof(msg) - 1;
        p[2] = (uint8_t)(len >> 8);
        p[3] = (uint8_t)len;
        f->len = (size_t)(p - f->data) + len;
    }
    forge_mode = -1;
    return T_PASS;
}

static void test_forged_s(void **state)
{
    (void)state;
    for (int mode = 0; mode < 2; mode++) {
        struct th_link l;
        setup(&l, 400 + (uint64_t)mode, UPPP_AUTH_MSCHAP_V2, 0, NULL);
        th_start(&l);
        forge_mode = mode;
        run_until_dead(&l, forge_success);
        assert_int_equal(forge_mode, -1);
        struct uppp_status sb = status(&l.b);
        assert_int_equal(sb.end, UPPP_END_AUTH_TOPEER_FAILED);
        assert_string_equal(sb.reason, "MS-CHAP mutual authentication failed");
        assert_non_null(strstr(l.b.logbuf, mode == 0
                                               ? "MS-CHAPv2 mutual authentication failed."
                                               : "MS-CHAPv2 Success packet is badly formed."));
        assert_false(l.b.s->keys.have);
        th_free(&l);
    }
}

/* ---- retransmissions ---- */

static int dup_response(int from, struct th_frame *f)
{
    static int done;
    if (from == 1 && chap_code(f) == UPPP_CHAP_RESPONSE && !done) {
        done = 1;
        return T_DUP;
    }
    return T_PASS;
}

/* A retransmitted Response (same identifier) gets the same Success. */
static void test_retransmitted_response(void **state)
{
    (void)state;
    struct th_link l;
    setup(&l, 500, UPPP_AUTH_MSCHAP_V2, 0, NULL);
    th_start(&l);
    run(&l, dup_response);
    assert_true(th_both_running(&l));
    size_t n;
    const uint8_t *succ = wire_chap(&l.a, UPPP_CHAP_SUCCESS, &n);
    assert_non_null(succ);
    assert_int_equal(wire_count(&l.a, succ, n), 2);
    assert_int_equal(status(&l.a).auth_peer, UPPP_AUTH_MSCHAP_V2);
    assert_keys_agree(&l, UPPP_AUTH_MSCHAP_V2);
    th_free(&l);
}

static int drop_first_code_from;
static int drop_first_code;
static int drop_first(int from, struct th_frame *f)
{
    if (drop_first_code && from == drop_first_code_from && chap_code(f) == drop_first_code) {
        drop_first_code = 0;
        return T_DROP;
    }
    return T_PASS;
}

/* The Response is lost: the Challenge is retransmitted (same id and value)
 * and the peer answers with the very same Response, Peer-Challenge and
 * all. */
static void test_lost_response(void **state)
{
    (void)state;
    struct th_link l;
    setup(&l, 510, UPPP_AUTH_MSCHAP_V2, 0, NULL);
    l.b.cfg.restart_ms = 20000; /* B's own retransmission would come later */
    th_start(&l);
    drop_first_code_from = 1;
    drop_first_code = UPPP_CHAP_RESPONSE;
    run(&l, drop_first);
    assert_int_equal(drop_first_code, 0);
    assert_true(th_both_running(&l));
    size_t n;
    const uint8_t *c = wire_chap(&l.a, UPPP_CHAP_CHALLENGE, &n);
    assert_int_equal(wire_count(&l.a, c, n), 2);
    const uint8_t *r = wire_chap(&l.b, UPPP_CHAP_RESPONSE, &n);
    assert_int_equal(wire_count(&l.b, r, n), 2);
    assert_keys_agree(&l, UPPP_AUTH_MSCHAP_V2);
    th_free(&l);
}

/* The Success is lost: the peer retransmits its Response on its timer and
 * the authenticator answers from its cache. Same for each method. */
static void test_lost_success(void **state)
{
    (void)state;
    for (size_t i = 1; i < sizeof(methods) / sizeof(methods[0]); i++) {
        struct th_link l;
        setup(&l, 520 + i, methods[i], 0, NULL);
        th_start(&l);
        drop_first_code_from = 0;
        drop_first_code = UPPP_CHAP_SUCCESS;
        run(&l, drop_first);
        assert_int_equal(drop_first_code, 0);
        assert_true(th_both_running(&l));
        size_t n;
        const uint8_t *succ = wire_chap(&l.a, UPPP_CHAP_SUCCESS, &n);
        assert_true(wire_count(&l.a, succ, n) >= 2);
        th_free(&l);
    }
}

static int drop_first_pap;
static int drop_pap(int from, struct th_frame *f)
{
    size_t n;
    uint8_t *p = frame_info(f, UPPP_PROTO_PAP, &n);
    if (p != NULL && drop_first_pap && from == drop_first_pap - 1) {
        drop_first_pap = 0;
        return T_DROP;
    }
    return T_PASS;
}

/* PAP: a lost Authenticate-Request is retransmitted; a lost Ack is
 * recovered by the retransmission getting the same answer. */
static void test_pap_retransmit(void **state)
{
    (void)state;
    for (int who = 1; who <= 2; who++) {
        struct th_link l;
        setup(&l, 530 + (uint64_t)who, UPPP_AUTH_PAP, 0, NULL);
        th_start(&l);
        drop_first_pap = who == 1 ? 2 : 1; /* B's request, or A's Ack */
        run(&l, drop_pap);
        assert_int_equal(drop_first_pap, 0);
        assert_true(th_both_running(&l));
        assert_true(wire_count(&l.b, "bob", 3) >= 2);
        th_free(&l);
    }
}

static int drop_all_chap(int from, struct th_frame *f)
{
    (void)from;
    return chap_code(f) >= 0 ? T_DROP : T_PASS;
}

/* Nobody answers: Max tries Challenges, then the authenticator fails;
 * the peer, never challenged, gives up waiting too. */
static void test_challenge_timeout(void **state)
{
    (void)state;
    struct th_link l;
    setup(&l, 540, UPPP_AUTH_CHAP_MD5, 0, NULL);
    l.a.cfg.auth_max_tries = 3;
    l.b.cfg.auth_max_tries = 10; /* B waits 30 s for a Challenge: A gives up first */
    th_start(&l);
    run_until_dead(&l, drop_all_chap);
    assert_int_equal(status(&l.a).end, UPPP_END_PEER_AUTH_FAILED);
    assert_non_null(strstr(l.a.logbuf, "No response to 3 CHAP challenges"));
    size_t n;
    const uint8_t *c = wire_chap(&l.a, UPPP_CHAP_CHALLENGE, &n);
    assert_int_equal(wire_count(&l.a, c, n), 3);
    assert_int_equal(status(&l.b).end, UPPP_END_HANGUP);
    th_free(&l);
}

static int drop_all_pap(int from, struct th_frame *f)
{
    size_t n;
    (void)from;
    return frame_info(f, UPPP_PROTO_PAP, &n) ? T_DROP : T_PASS;
}

static void test_pap_timeout(void **state)
{
    (void)state;
    struct th_link l;
    setup(&l, 541, 0, UPPP_AUTH_PAP, NULL);
    l.a.cfg.auth_max_tries = 4;
    l.b.cfg.auth_max_tries = 100;
    th_start(&l);
    run_until_dead(&l, drop_all_pap);
    struct uppp_status sa = status(&l.a);
    assert_int_equal(sa.end, UPPP_END_AUTH_TOPEER_FAILED);
    assert_string_equal(sa.reason, "No response to PAP authenticate-requests");
    assert_int_equal(wire_count(&l.a, "secret-a", 8), 4);
    th_free(&l);
}

/* chap-interval: the authenticator challenges again while the link runs. */
static void test_rechallenge(void **state)
{
    (void)state;
    struct th_link l;
    setup(&l, 550, UPPP_AUTH_MSCHAP_V2, 0, NULL);
    l.a.cfg.chap_interval_ms = 10000;
    th_start(&l);
    run(&l, NULL);
    assert_true(th_both_running(&l));
    uint8_t keys[16];
    memcpy(keys, l.b.s->keys.send_start, 16);
    th_run(&l, l.now + 35000, NULL);
    assert_true(th_both_running(&l));
    int challenges = 0;
    for (size_t i = 0; i + 3 <= l.a.wire_len; i++)
        if (l.a.wire[i] == 0xc2 && l.a.wire[i + 1] == 0x23 && l.a.wire[i + 2] == 1)
            challenges++;
    assert_int_equal(challenges, 4);
    /* the keys in use are not replaced by a re-challenge */
    assert_memory_equal(keys, l.b.s->keys.send_start, 16);
    assert_keys_agree(&l, UPPP_AUTH_MSCHAP_V2);
    th_free(&l);
}

/* ---- quirks ---- */

static int win2019(int from, struct th_frame *f)
{
    size_t n;
    uint8_t *p = frame_info(f, UPPP_PROTO_CHAP, &n);
    if (from != 0 || p == NULL || p[0] != UPPP_CHAP_SUCCESS)
        return T_PASS;
    /* "S=<40 hex> M=Access granted" -> "S=<40 hex>M=Access granted" */
    size_t len = (size_t)(p[2] << 8 | p[3]);
    assert_true(len > 4 + 43 && p[4 + 42] == ' ');
    memmove(p + 4 + 42, p + 4 + 43, len - (4 + 43));
    len--;
    p[2] = (uint8_t)(len >> 8);
    p[3] = (uint8_t)len;
    f->len--;
    return T_PASS;
}

static void test_win2019_success(void **state)
{
    (void)state;
    struct th_link l;
    setup(&l, 600, UPPP_AUTH_MSCHAP_V2, 0, NULL);
    th_start(&l);
    run(&l, win2019);
    assert_true(th_both_running(&l));
    assert_int_equal(status(&l.b).auth_us, UPPP_AUTH_MSCHAP_V2);
    th_free(&l);
}

static void test_win98_no_m(void **state)
{
    (void)state;
    struct th_link l;
    setup(&l, 610, UPPP_AUTH_MSCHAP_V2, 0, NULL);
    l.a.cfg.mschap_win98_flags = 1;
    th_start(&l);
    run(&l, NULL);
    assert_true(th_both_running(&l));
    size_t n;
    assert_non_null(wire_chap(&l.a, UPPP_CHAP_SUCCESS, &n));
    assert_int_equal(n, 4 + 42); /* "S=" and 40 hex digits, nothing else */
    assert_false(th_wire_contains(&l.a, "M="));
    th_free(&l);
}

/* Win98 sets the Flags octet; pppd then leaves M= out, and so do we. */
static int set_flags(int from, struct th_frame *f)
{
    size_t n;
    uint8_t *p = frame_info(f, UPPP_PROTO_CHAP, &n);
    if (from == 1 && p != NULL && p[0] == UPPP_CHAP_RESPONSE)
        p[4 + 1 + 48] = 4;
    return T_PASS;
}

static void test_win98_flags_octet(void **state)
{
    (void)state;
    struct th_link l;
    setup(&l, 611, UPPP_AUTH_MSCHAP_V2, 0, NULL);
    th_start(&l);
    run(&l, set_flags);
    assert_true(th_both_running(&l));
    size_t n;
    assert_non_null(wire_chap(&l.a, UPPP_CHAP_SUCCESS, &n));
    assert_int_equal(n, 4 + 42);
    th_free(&l);
}

static void test_domain_user(void **state)
{
    (void)state;
    /* The full name in the secrets. */
    for (size_t i = 1; i < 4; i++) {
        struct th_link l;
        setup(&l, 620 + i, methods[i], 0, NULL);
        snprintf(l.b.cfg.our_name, sizeof(l.b.cfg.our_name), "CORP\\bob");
        add_secret(&l.a, "CORP\\bob", "domain-pw");
        add_secret(&l.b, "CORP\\bob", "domain-pw");
        th_start(&l);
        run(&l, NULL);
        assert_true(th_both_running(&l));
        assert_string_equal(status(&l.a).peer_name, "CORP\\bob");
        th_free(&l);
    }
    /* chapms-strip-domain: the secrets know only "bob". */
    for (size_t i = 1; i < 4; i++) {
        struct th_link l;
        setup(&l, 630 + i, methods[i], 0, NULL);
        l.a.cfg.strip_domain = 1;
        snprintf(l.b.cfg.our_name, sizeof(l.b.cfg.our_name), "CORP\\bob");
        add_secret(&l.b, "CORP\\bob", "secret-b");
        th_start(&l);
        run(&l, NULL);
        assert_true(th_both_running(&l));
        assert_string_equal(status(&l.a).peer_name, "bob");
        th_free(&l);
    }
}

/* Secrets stored as NT hashes: fine for MS-CHAP in both roles; PAP and
 * CHAP-MD5 fail with a clear message. */
static void test_nthash_secret(void **state)
{
    (void)state;
    for (size_t i = 0; i < 4; i++) {
        for (int role = 0; role < 2; role++) {
            unsigned m = methods[i];
            struct th_link l;
            th_init(&l, 700 + i * 2 + (uint64_t)role);
            l.a.cfg.mppe = l.b.cfg.mppe = UPPP_MPPE_OFF;
            l.a.cfg.require_auth = m;
            if (role == 0) { /* the authenticator holds a hash */
                add_hash(&l.a, "bob", "hashed-pw");
                add_secret(&l.b, "bob", "hashed-pw");
            } else { /* the peer does */
                add_secret(&l.a, "bob", "hashed-pw");
                add_hash(&l.b, "bob", "hashed-pw");
            }
            th_start(&l);
            run(&l, NULL);
            int ms = m == UPPP_AUTH_MSCHAP_V1 || m == UPPP_AUTH_MSCHAP_V2;
            if (ms) {
                assert_true(th_both_running(&l));
                assert_keys_agree(&l, m);
                /* no LAN Manager key without the plaintext on both */
                assert_false(l.a.s->keys.have_lm && l.b.s->keys.have_lm);
            } else {
                run_until_dead(&l, NULL);
                assert_true(th_both_dead(&l));
                struct th_end *holder = role == 0 ? &l.a : &l.b;
                assert_non_null(strstr(holder->logbuf, "NT hash"));
                assert_int_equal(status(&l.a).end,
                                 role == 0 ? UPPP_END_PEER_AUTH_FAILED : status(&l.a).end);
                if (role == 1)
                    assert_int_equal(status(&l.b).end, UPPP_END_AUTH_TOPEER_FAILED);
            }
            th_free(&l);
        }
    }
}

/* "Pässwörd-€" as UTF-8 on the peer; the authenticator holds the MD4 of
 * its UTF-16LE, written out here by hand, so the conversion is tested end
 * to end (pppd's byte zero-extension would give another hash). */
static void test_utf8_password(void **state)
{
    (void)state;
    static const char pw[] = "P\xc3\xa4ssw\xc3\xb6rd-\xe2\x82\xac";
    static const uint8_t utf16[] = {'P',  0, 0xe4, 0, 's', 0, 's', 0, 'w',  0,
                                    0xf6, 0, 'r',  0, 'd', 0, '-', 0, 0xac, 0x20};
    for (int v = 0; v < 2; v++) {
        unsigned m = v ? UPPP_AUTH_MSCHAP_V2 : UPPP_AUTH_MSCHAP_V1;
        struct th_link l;
        th_init(&l, 800 + (uint64_t)v);
        l.a.cfg.mppe = l.b.cfg.mppe = UPPP_MPPE_OFF;
        l.a.cfg.require_auth = m;
        add_secret(&l.a, "bob", "");
        struct uppp_secret *sec = &l.a.secrets[0].secret;
        sec->kind = UPPP_SECRET_NTHASH;
        assert_int_equal(uppp_nt_password_hash_utf16le(utf16, sizeof(utf16), sec->nt_hash), 0);
        add_secret(&l.b, "bob", pw);
        th_start(&l);
        run(&l, NULL);
        assert_true(th_both_running(&l));
        assert_keys_agree(&l, m);
        th_free(&l);
    }
    /* ... and plaintext on both ends, MS-CHAPv2 in the other direction. */
    struct th_link l;
    setup(&l, 802, 0, UPPP_AUTH_MSCHAP_V2, NULL);
    snprintf(l.a.secrets[1].secret.password, sizeof(l.a.secrets[1].secret.password), "%s", pw);
    snprintf(l.b.secrets[1].secret.password, sizeof(l.b.secrets[1].secret.password), "%s", pw);
    th_start(&l);
    run(&l, NULL);
    assert_true(th_both_running(&l));
    th_free(&l);
}

/* The MPPE start keys are those RFC 3079 derives from this very exchange. */
static void test_keys_from_exchange(void **state)
{
    (void)state;
    struct th_link l;
    setup(&l, 900, UPPP_AUTH_MSCHAP_V2, 0, NULL);
    th_start(&l);
    run(&l, NULL);
    assert_true(th_both_running(&l));
    size_t n;
    const uint8_t *r = wire_chap(&l.b, UPPP_CHAP_RESPONSE, &n);
    assert_non_null(r);
    uint8_t h[16], hh[16], send[16], recv[16];
    assert_int_equal(uppp_nt_password_hash("secret-b", 8, h), 0);
    assert_int_equal(uppp_hash_nt_password_hash(h, hh), 0);
    assert_int_equal(uppp_mppe_v2_start_keys(hh, r + 5 + 24, 1, send, recv), 0);
    assert_memory_equal(l.a.s->keys.send_start, send, 16);
    assert_memory_equal(l.a.s->keys.recv_start, recv, 16);
    th_free(&l);

    /* MS-CHAPv1: NT key on the challenge, plus the LM key (plaintext known). */
    setup(&l, 901, UPPP_AUTH_MSCHAP_V1, 0, NULL);
    th_start(&l);
    run(&l, NULL);
    assert_true(th_both_running(&l));
    const uint8_t *c = wire_chap(&l.a, UPPP_CHAP_CHALLENGE, &n);
    assert_int_equal(uppp_mppe_v1_nt_start_key(c + 5, hh, send), 0);
    assert_memory_equal(l.a.s->keys.send_start, send, 16);
    uint8_t lm[16];
    assert_int_equal(uppp_lm_password_hash("secret-b", 8, lm), 0);
    assert_int_equal(uppp_mppe_v1_lm_start_key(lm, send), 0);
    assert_true(l.a.s->keys.have_lm && l.b.s->keys.have_lm);
    assert_memory_equal(l.a.s->keys.lm_start, send, 16);
    assert_memory_equal(l.b.s->keys.lm_start, send, 16);
    th_free(&l);
}

/* ---- password change (RFC 2759 section 7, RFC 2433 section 10) ---- */

static struct {
    int calls;
    int refuse;
    char client[64];
    struct uppp_secret got;
} pwstore;

static int set_password(void *user, const struct uppp_secret_query *q, const struct uppp_secret *ns)
{
    struct th_end *e = user;
    pwstore.calls++;
    snprintf(pwstore.client, sizeof(pwstore.client), "%s", q->client);
    pwstore.got = *ns;
    if (pwstore.refuse)
        return -1;
    for (int i = 0; i < e->nsecrets; i++)
        if (strcmp(e->secrets[i].client, q->client) == 0)
            e->secrets[i].secret = *ns;
    return 0;
}

static void start_with_set_password(struct th_link *l)
{
    struct th_end *ends[2] = {&l->a, &l->b};
    for (int i = 0; i < 2; i++) {
        struct uppp_callbacks cb = {
            .user = ends[i],
            .output = th_output,
            .deliver = th_deliver,
            .event = th_event,
            .random = th_random,
            .get_secret = th_get_secret,
            .log = th_log,
            .set_password = set_password,
        };
        assert_int_equal(uppp_session_new(&ends[i]->s, &ends[i]->cfg, &cb), 0);
        assert_int_equal(uppp_session_start(ends[i]->s, l->now), 0);
    }
}

static void change_setup(struct th_link *l, uint64_t seed, unsigned m, const char *newpw)
{
    setup(l, seed, m, 0, "old-pw");
    snprintf(l->a.secrets[0].secret.password, sizeof(l->a.secrets[0].secret.password), "old-pw");
    l->a.secrets[0].secret.expired = 1;
    l->b.cfg.new_password = newpw; /* copied when the session is made */
    memset(&pwstore, 0, sizeof(pwstore));
}

static void test_change_password(void **state)
{
    (void)state;
    static const char newpw[] = "N\xc3\xa9w-pass-1";
    for (int v = 0; v < 2; v++) {
        unsigned m = v ? UPPP_AUTH_MSCHAP_V2 : UPPP_AUTH_MSCHAP_V1;
        struct th_link l;
        change_setup(&l, 1000 + (uint64_t)v, m, newpw);
        start_with_set_password(&l);
        run(&l, NULL);
        if (!th_both_running(&l))
            fail_msg("A:\n%s\nB:\n%s", l.a.logbuf, l.b.logbuf);
        assert_int_equal(pwstore.calls, 1);
        assert_string_equal(pwstore.client, "bob");
        assert_int_equal(pwstore.got.kind, UPPP_SECRET_PASSWORD);
        assert_string_equal(pwstore.got.password, newpw);
        uint8_t h[16];
        assert_int_equal(uppp_nt_password_hash(newpw, strlen(newpw), h), 0);
        assert_memory_equal(pwstore.got.nt_hash, h, 16);
        assert_true(th_wire_contains(&l.a, v ? "E=648 R=0 C=" : "E=648 R=0 C="));
        assert_true(th_wire_contains(&l.a, v ? " V=3 M=Password expired" : " V=2"));
        size_t n;
        assert_non_null(wire_chap(&l.b, v ? UPPP_CHAP_MSV2_CHPW : UPPP_CHAP_MSV1_CHPW2, &n));
        assert_int_equal(n, v ? 586 : 1118);
        assert_non_null(strstr(l.b.logbuf, "MS-CHAP password changed"));
        assert_non_null(strstr(l.a.logbuf, "bob changed the expired password"));
        assert_string_equal(status(&l.a).peer_name, "bob");
        assert_keys_agree(&l, m);
        /* The keys come from the new password. */
        uint8_t hh[16], send[16], recv[16];
        assert_int_equal(uppp_hash_nt_password_hash(h, hh), 0);
        const uint8_t *cp = wire_chap(&l.b, v ? UPPP_CHAP_MSV2_CHPW : UPPP_CHAP_MSV1_CHPW2, &n);
        if (v) {
            assert_int_equal(uppp_mppe_v2_start_keys(hh, cp + 4 + 556, 0, send, recv), 0);
            assert_memory_equal(l.b.s->keys.send_start, send, 16);
        }
        /* The new password works for a fresh session too. */
        th_free(&l);
        setup(&l, 1010 + (uint64_t)v, m, 0, newpw);
        l.a.secrets[0].secret = pwstore.got;
        th_start(&l);
        run(&l, NULL);
        assert_true(th_both_running(&l));
        th_free(&l);
    }
}

static void test_change_password_refused(void **state)
{
    (void)state;
    struct th_link l;
    change_setup(&l, 1020, UPPP_AUTH_MSCHAP_V2, "new-pw");
    pwstore.refuse = 1;
    start_with_set_password(&l);
    run_until_dead(&l, NULL);
    assert_int_equal(pwstore.calls, 1);
    assert_int_equal(status(&l.a).end, UPPP_END_PEER_AUTH_FAILED);
    struct uppp_status sb = status(&l.b);
    assert_int_equal(sb.end, UPPP_END_AUTH_TOPEER_FAILED);
    assert_string_equal(sb.reason, "MS-CHAP authentication failed: E=709 Error changing password");
    th_free(&l);
}

/* Without a new password the peer just fails, naming the reason. */
static void test_expired_no_new_password(void **state)
{
    (void)state;
    for (int v = 0; v < 2; v++) {
        struct th_link l;
        change_setup(&l, 1030 + (uint64_t)v, v ? UPPP_AUTH_MSCHAP_V2 : UPPP_AUTH_MSCHAP_V1, "");
        start_with_set_password(&l);
        run_until_dead(&l, NULL);
        assert_int_equal(pwstore.calls, 0);
        /* A waits for a Change-Password; B gives up and terminates. */
        assert_int_equal(status(&l.a).end, UPPP_END_HANGUP);
        assert_int_equal(status(&l.a).auth_peer, 0);
        assert_int_equal(status(&l.b).end, UPPP_END_AUTH_TOPEER_FAILED);
        assert_string_equal(status(&l.b).reason,
                            "MS-CHAP authentication failed: E=648 Password expired");
        th_free(&l);
    }
    /* ... and the old password wrong: E=691, not 648. */
    struct th_link l;
    change_setup(&l, 1032, UPPP_AUTH_MSCHAP_V2, "new");
    snprintf(l.b.secrets[0].secret.password, sizeof(l.b.secrets[0].secret.password), "wrong");
    start_with_set_password(&l);
    run_until_dead(&l, NULL);
    assert_int_equal(pwstore.calls, 0);
    assert_string_equal(status(&l.b).reason,
                        "MS-CHAP authentication failed: E=691 Authentication failure");
    th_free(&l);
}

/* The peer's error codes in words (RFC 2759 section 6). */
static int rewrite_code;
static int rewrite_failure(int from, struct th_frame *f)
{
    size_t n;
    uint8_t *p = frame_info(f, UPPP_PROTO_CHAP, &n);
    if (from == 0 && p != NULL && p[0] == UPPP_CHAP_FAILURE) {
        char code[4];
        snprintf(code, sizeof(code), "%03d", rewrite_code);
        memcpy(p + 4 + 2, code, 3); /* "E=691" -> "E=<code>" */
    }
    return T_PASS;
}

static void test_failure_words(void **state)
{
    (void)state;
    static const struct {
        int code;
        const char *words;
    } rows[] = {{646, "E=646 Restricted logon hours"},
                {647, "E=647 Account disabled"},
                {649, "E=649 No dialin permission"},
                {691, "E=691 Authentication failure"},
                {709, "E=709 Error changing password"}};
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct th_link l;
        setup(&l, 1100 + i, UPPP_AUTH_MSCHAP_V2, 0, "wrong");
        th_start(&l);
        rewrite_code = rows[i].code;
        run_until_dead(&l, rewrite_failure);
        char want[128];
        snprintf(want, sizeof(want), "MS-CHAP authentication failed: %s", rows[i].words);
        assert_string_equal(status(&l.b).reason, want);
        assert_non_null(strstr(l.b.logbuf, want));
        th_free(&l);
    }
}

/* ---- pppd 2.4.9 interop: the captured exchanges, byte for byte ---- */

struct scripted {
    struct th_end e; /* first: the harness callbacks take it as their user */
    const uint8_t *rnd;
    size_t rnd_len, rnd_off;
};

static int scripted_random(void *user, void *buf, size_t len)
{
    struct scripted *w = user;
    assert_true(w->rnd_off + len <= w->rnd_len); /* every random draw is scripted */
    memcpy(buf, w->rnd + w->rnd_off, len);
    w->rnd_off += len;
    return 0;
}

/* The next frame w's session sent of protocol proto, without FF 03. */
static size_t next_frame(struct scripted *w, uint16_t proto, uint8_t *out)
{
    struct th_end *e = &w->e;
    while (e->qlen) {
        struct th_frame *f = th_pop(e);
        size_t n;
        uint8_t *p = frame_info(f, proto, &n);
        if (p != NULL) {
            memcpy(out, p - 2, n + 2);
            return n + 2;
        }
    }
    return 0;
}

static void feed_hex(struct scripted *w, const char *hex)
{
    uint8_t f[600];
    size_t n = tu_hex(hex, f, sizeof(f));
    assert_int_equal(uppp_session_input_frame(w->e.s, f, n, 5), 0);
}

/* Bring w's session through LCP; auth: the Auth-Protocol option the fake
 * peer puts in its request (hex, may be empty). */
static void scripted_start(struct scripted *w, const struct uppp_config *cfg, const char *auth,
                           const uint8_t *rnd, size_t rnd_len)
{
    memset(w, 0, sizeof(*w));
    w->rnd = rnd;
    w->rnd_len = rnd_len;
    w->e.q = calloc(TH_MAX_QUEUE, sizeof(struct th_frame));
    assert_non_null(w->e.q);
    w->e.log_debug = getenv("TH_DEBUG") != NULL;
    struct uppp_callbacks cb = {.user = w,
                                .output = th_output,
                                .random = scripted_random,
                                .get_secret = th_get_secret,
                                .log = th_log};
    w->e.cfg = *cfg;
    assert_int_equal(uppp_session_new(&w->e.s, &w->e.cfg, &cb), 0);
    assert_int_equal(uppp_session_start(w->e.s, 1), 0);
    char req[64];
    size_t alen = strlen(auth) / 2;
    snprintf(req, sizeof(req), "c021 01 01 00%02zx %s", 4 + alen, auth);
    feed_hex(w, req);
    uint8_t f[600];
    size_t n = next_frame(w, UPPP_PROTO_LCP, f);
    assert_true(n > 2 && f[2] == 1);
    f[2] = 2; /* Ack our own request */
    assert_int_equal(uppp_session_input_frame(w->e.s, f, n, 5), 0);
    assert_int_equal(status(&w->e).phase, UPPP_PHASE_AUTHENTICATE);
}

static void scripted_free(struct scripted *w)
{
    uppp_session_del(w->e.s);
    free(w->e.q);
    free(w->e.wire);
}

static const struct {
    unsigned m;
    const char *alg, *chal_id, *chal, *challenge, *response, *success;
    const char *peer_chal; /* the peer's random draw (MS-CHAPv2) */
} captured[] = {
    {UPPP_AUTH_MSCHAP_V2, "81", "0f", "74fad8ccfe64e37624778159e1ab365e",
     /* mschapv2-mppe128.hex frames 7, 8, 9 */
     "c2230110001e1074fad8ccfe64e37624778159e1ab365e707070642d61757468",
     "c2230210003e3106f79fdb67a4a96aefabf6bd0921e841000000000000000065a54e97b8cc1b7e6466834be39c"
     "7652a4131b79d8eaff1c007465737475736572",
     "c2230310003f533d30373231353134354232444643443741413942433933333136324132464541333238374643"
     "443937204d3d416363657373206772616e746564",
     "06f79fdb67a4a96aefabf6bd0921e841"},
    {UPPP_AUTH_MSCHAP_V1, "80", "14", "02b5951eefe7e146",
     /* mschapv1-mppe128.hex frames 7, 8, 9 */
     "c223011500160802b5951eefe7e146707070642d61757468",
     "c2230215003e31000000000000000000000000000000000000000000000000f527c4cb82866b6ff3703808fefd"
     "f75231fd470938bb1896017465737475736572",
     "c22303150012416363657373206772616e746564", ""},
};

static void assert_frame_hex(struct scripted *w, const char *hex)
{
    uint8_t f[600], want[600];
    size_t n = next_frame(w, UPPP_PROTO_CHAP, f);
    size_t wn = tu_hex(hex, want, sizeof(want));
    assert_int_equal(n, wn);
    assert_memory_equal(f, want, wn);
}

/* As the peer, with the captured Challenge and our random Peer-Challenge
 * scripted to pppd's, our Response is pppd's byte for byte, and pppd's
 * Success (S=) is accepted. */
static void test_pppd_capture_peer(void **state)
{
    (void)state;
    for (size_t i = 0; i < 2; i++) {
        struct uppp_config cfg;
        uppp_config_init(&cfg);
        cfg.framing = UPPP_FRAMING_NONE;
        cfg.mppe = UPPP_MPPE_OFF;
        cfg.no_magic = 1;
        snprintf(cfg.our_name, sizeof(cfg.our_name), "testuser");
        snprintf(cfg.remote_name, sizeof(cfg.remote_name), "pppd-auth");
        struct scripted w;
        uint8_t rnd[16];
        size_t rn = tu_hex(captured[i].peer_chal, rnd, sizeof(rnd));
        char auth[16];
        snprintf(auth, sizeof(auth), "0305c223%s", captured[i].alg);
        scripted_start(&w, &cfg, auth, rnd, rn);
        th_add_secret(&w.e, "testuser", "pppd-auth", "testpass123");
        feed_hex(&w, captured[i].challenge);
        assert_frame_hex(&w, captured[i].response);
        feed_hex(&w, captured[i].success);
        struct uppp_status st = status(&w.e);
        assert_int_equal(st.auth_us, captured[i].m);
        assert_true(w.e.s->keys.have);
        assert_non_null(strstr(w.e.logbuf, "CHAP authentication succeeded"));
        scripted_free(&w);
    }
}

/* As the authenticator, with pppd's challenge scripted: our Challenge is
 * pppd's, pppd's Response is accepted, and our Success is pppd's, S= and
 * M=Access granted. */
static void test_pppd_capture_authenticator(void **state)
{
    (void)state;
    for (size_t i = 0; i < 2; i++) {
        struct uppp_config cfg;
        uppp_config_init(&cfg);
        cfg.framing = UPPP_FRAMING_NONE;
        cfg.mppe = UPPP_MPPE_OFF;
        cfg.no_magic = 1;
        cfg.require_auth = captured[i].m;
        snprintf(cfg.our_name, sizeof(cfg.our_name), "pppd-auth");
        struct scripted w;
        char script[64];
        snprintf(script, sizeof(script), "%s%s", captured[i].chal_id, captured[i].chal);
        uint8_t rnd[17];
        size_t rn = tu_hex(script, rnd, sizeof(rnd));
        /* The random draws: CHAP identifier (then incremented), challenge. */
        scripted_start(&w, &cfg, "", rnd, rn);
        assert_int_equal(w.rnd_off, rn);
        th_add_secret(&w.e, "testuser", "pppd-auth", "testpass123");
        assert_frame_hex(&w, captured[i].challenge);
        feed_hex(&w, captured[i].response);
        assert_frame_hex(&w, captured[i].success);
        struct uppp_status st = status(&w.e);
        assert_int_equal(st.auth_peer, captured[i].m);
        assert_string_equal(st.peer_name, "testuser");
        scripted_free(&w);
    }
}

/* uppp_md5_vector (added to crypto.h for CHAP-MD5): RFC 1321 appendix A.5
 * test suite, whole and in pieces. */
static void test_md5_kat(void **state)
{
    (void)state;
    static const struct {
        const char *in, *md;
    } rows[] = {
        {"", "d41d8cd98f00b204e9800998ecf8427e"},
        {"abc", "900150983cd24fb0d6963f7d28e17f72"},
        {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
        {"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
         "57edf4a22be3c955ac49da2e2107b67a"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        uint8_t md[16];
        size_t n = strlen(rows[i].in), half = n / 2;
        const uint8_t *addr[2] = {(const uint8_t *)rows[i].in, (const uint8_t *)rows[i].in + half};
        const size_t lens[2] = {half, n - half};
        assert_int_equal(uppp_md5_vector(2, addr, lens, md), 0);
        tu_assert_hex(md, 16, rows[i].md);
        assert_int_equal(uppp_md5_vector(1, addr, &n, md), 0);
        tu_assert_hex(md, 16, rows[i].md);
    }
}

/* CHAP-MD5 as the peer, to a 64-octet challenge (longer than pppd's, but
 * RFC 1994 4.1 bounds it only by its size octet): the Response value is
 * MD5(Identifier | secret | Challenge), here computed with Python's
 * hashlib. */
static void test_md5_long_challenge(void **state)
{
    (void)state;
    struct uppp_config cfg;
    uppp_config_init(&cfg);
    cfg.framing = UPPP_FRAMING_NONE;
    cfg.mppe = UPPP_MPPE_OFF;
    cfg.no_magic = 1;
    snprintf(cfg.our_name, sizeof(cfg.our_name), "me");
    struct scripted w;
    scripted_start(&w, &cfg, "0305c22305", NULL, 0);
    th_add_secret(&w.e, "me", "auth", "md5-secret");
    char chal[512] = "c223 01 2a 0049 40";
    for (int i = 0; i < 64; i++)
        snprintf(chal + strlen(chal), sizeof(chal) - strlen(chal), "%02x", i);
    strcat(chal, "61757468"); /* "auth" */
    feed_hex(&w, chal);
    assert_frame_hex(&w, "c223 02 2a 0017 10 2bfd337c9f2e48463439bc5237fec499 6d65");
    feed_hex(&w, "c223 03 2a 0004");
    assert_int_equal(status(&w.e).auth_us, UPPP_AUTH_CHAP_MD5);
    scripted_free(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_md5_kat),
        cmocka_unit_test(test_success_matrix),
        cmocka_unit_test(test_challenge_format),
        cmocka_unit_test(test_wrong_password),
        cmocka_unit_test(test_crossing_terminate_waits_restart_time),
        cmocka_unit_test(test_wrong_password_other_way),
        cmocka_unit_test(test_forged_s),
        cmocka_unit_test(test_retransmitted_response),
        cmocka_unit_test(test_lost_response),
        cmocka_unit_test(test_lost_success),
        cmocka_unit_test(test_pap_retransmit),
        cmocka_unit_test(test_challenge_timeout),
        cmocka_unit_test(test_pap_timeout),
        cmocka_unit_test(test_rechallenge),
        cmocka_unit_test(test_win2019_success),
        cmocka_unit_test(test_win98_no_m),
        cmocka_unit_test(test_win98_flags_octet),
        cmocka_unit_test(test_domain_user),
        cmocka_unit_test(test_nthash_secret),
        cmocka_unit_test(test_utf8_password),
        cmocka_unit_test(test_keys_from_exchange),
        cmocka_unit_test(test_change_password),
        cmocka_unit_test(test_change_password_refused),
        cmocka_unit_test(test_expired_no_new_password),
        cmocka_unit_test(test_failure_words),
        cmocka_unit_test(test_pppd_capture_peer),
        cmocka_unit_test(test_pppd_capture_authenticator),
        cmocka_unit_test(test_md5_long_challenge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
