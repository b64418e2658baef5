/*
 * Tests for the PPTP control connection and call state machines (RFC 2637
 * sections 3.1 and 3.2): a PNS and a PAC wired back to back in memory under
 * a virtual millisecond clock; every teardown order from each side,
 * including the ones real peers use (pptpd closes TCP in answer to
 * Call-Clear-Request, pptp-linux closes TCP after its Call-Clear-Request);
 * timers; and hostile input: wrong lengths, bad cookie, messages out of
 * order, 10,000 Start-Control-Connection-Requests, exhausted Call IDs, a
 * byte-at-a-time stream and a slowloris.
 */
#include "testutil.h"

#include <uppp/pptp_ctrl.h>
#include <uppp/pptp_msg.h>
#include <uppp/err.h>

#include <stdio.h>
#include <stdlib.h>

#define MAXEV 64
#define OUTCAP (1u << 21)

struct end {
    struct uppp_pptp_ctrl *c;
    uint8_t *out; /* bytes it wrote to TCP, not yet delivered */
    size_t out_len;
    size_t out_total;
    struct uppp_pptp_event ev[MAXEV];
    size_t nev;
    unsigned sent[UPPP_PPTP_CTRL_TYPE_MAX + 1]; /* messages it sent, by type */
};

static void on_output(void *user, const uint8_t *d, size_t n)
{
    struct end *e = user;
    assert_true(e->out_len + n <= OUTCAP);
    memcpy(e->out + e->out_len, d, n);
    e->out_len += n;
    e->out_total += n;
    /* Whole messages always come out in one call: count them by type. */
    assert_true(n >= UPPP_PPTP_HEADER_LEN);
    unsigned t = (unsigned)(d[8] << 8 | d[9]);
    assert_true(t >= 1 && t <= UPPP_PPTP_CTRL_TYPE_MAX);
    e->sent[t]++;
}

static void on_event(void *user, const struct uppp_pptp_event *ev)
{
    struct end *e = user;
    assert_true(e->nev < MAXEV);
    e->ev[e->nev++] = *ev;
}

static void end_init(struct end *e, enum uppp_pptp_role role,
                     void (*tweak)(struct uppp_pptp_ctrl_config *))
{
    memset(e, 0, sizeof(*e));
    e->out = malloc(OUTCAP);
    assert_non_null(e->out);
    struct uppp_pptp_ctrl_config cfg;
    uppp_pptp_ctrl_config_init(&cfg, role);
    if (tweak)
        tweak(&cfg);
    struct uppp_pptp_ctrl_callbacks cb = {.output = on_output, .event = on_event};
    assert_int_equal(uppp_pptp_ctrl_new(&e->c, &cfg, &cb, e), 0);
}

static void end_free(struct end *e)
{
    uppp_pptp_ctrl_del(e->c);
    free(e->out);
}

/* Move what from wrote to to, in one read. Returns to's read result. */
static int deliver(struct end *from, struct end *to, uint64_t now)
{
    if (!from->out_len)
        return 0;
    size_t n = from->out_len;
    from->out_len = 0;
    return uppp_pptp_ctrl_read(to->c, from->out, n, now);
}

static void pump(struct end *a, struct end *b, uint64_t now)
{
    while (a->out_len || b->out_len) {
        deliver(a, b, now);
        deliver(b, a, now);
    }
}

static size_t count_ev(const struct end *e, enum uppp_pptp_event_type t)
{
    size_t n = 0;
    for (size_t i = 0; i < e->nev; i++)
        n += e->ev[i].type == t;
    return n;
}

static const struct uppp_pptp_event *last_ev(const struct end *e)
{
    assert_true(e->nev > 0);
    return &e->ev[e->nev - 1];
}

/* A PNS and a PAC with their control connection up at time 0. */
static void connect_pair(struct end *pns, struct end *pac,
                         void (*pns_tweak)(struct uppp_pptp_ctrl_config *),
                         void (*pac_tweak)(struct uppp_pptp_ctrl_config *))
{
    end_init(pns, UPPP_PPTP_PNS, pns_tweak);
    end_init(pac, UPPP_PPTP_PAC, pac_tweak);
    assert_int_equal(uppp_pptp_ctrl_start(pac->c, 0), 0);
    assert_int_equal(uppp_pptp_ctrl_start(pns->c, 0), 0);
    pump(pns, pac, 0);
    assert_int_equal(uppp_pptp_ctrl_state(pns->c), UPPP_PPTP_CONN_ESTABLISHED);
}

/* PNS and PAC up, one call placed by the PNS: returns the PNS's Call ID. */
static uint16_t bring_up(struct end *pns, struct end *pac, uint64_t now)
{
    assert_int_equal(uppp_pptp_ctrl_start(pac->c, now), 0);
    assert_int_equal(uppp_pptp_ctrl_start(pns->c, now), 0);
    pump(pns, pac, now);
    assert_int_equal(uppp_pptp_ctrl_state(pns->c), UPPP_PPTP_CONN_ESTABLISHED);
    assert_int_equal(uppp_pptp_ctrl_state(pac->c), UPPP_PPTP_CONN_ESTABLISHED);
    uint16_t id;
    assert_int_equal(uppp_pptp_ctrl_call(pns->c, now, &id), 0);
    pump(pns, pac, now);
    assert_int_equal(uppp_pptp_ctrl_call_state(pns->c, id), UPPP_PPTP_CALL_ESTABLISHED);
    return id;
}

/* ------------------------------------------------------------ set-up */

static void test_outgoing_call(void **state)
{
    (void)state;
    struct end pns, pac;
    end_init(&pns, UPPP_PPTP_PNS, NULL);
    end_init(&pac, UPPP_PPTP_PAC, NULL);
    uint16_t id = bring_up(&pns, &pac, 1);
    /* Events: CONNECTED then CALL_UP on each side, Call IDs crossed. */
    assert_int_equal(pns.nev, 2);
    assert_int_equal(pac.nev, 2);
    assert_int_equal(pns.ev[0].type, UPPP_PPTP_EV_CONNECTED);
    assert_int_equal(pac.ev[0].type, UPPP_PPTP_EV_CONNECTED);
    const struct uppp_pptp_event *a = &pns.ev[1], *b = &pac.ev[1];
    assert_int_equal(a->type, UPPP_PPTP_EV_CALL_UP);
    assert_int_equal(b->type, UPPP_PPTP_EV_CALL_UP);
    assert_int_equal(a->call_id, id);
    assert_int_equal(b->peer_call_id, id);
    assert_int_equal(a->peer_call_id, b->call_id);
    /* Our PAC numbers calls from 0 as pptpd does, and the PNS takes 0 as
     * an ordinary Call ID. */
    assert_int_equal(b->call_id, 0);
    assert_int_equal(a->peer_window, 64);
    assert_int_equal(b->peer_window, 64);
    assert_int_equal(pns.sent[UPPP_PPTP_SCCRQ], 1);
    assert_int_equal(pac.sent[UPPP_PPTP_SCCRP], 1);
    assert_int_equal(pns.sent[UPPP_PPTP_OCRQ], 1);
    assert_int_equal(pac.sent[UPPP_PPTP_OCRP], 1);
    end_free(&pns);
    end_free(&pac);
}

static void test_incoming_call(void **state)
{
    (void)state;
    struct end pns, pac;
    connect_pair(&pns, &pac, NULL, NULL);
    uint16_t id;
    assert_int_equal(uppp_pptp_ctrl_call(pac.c, 5, &id), 0);
    /* ICRQ -> ICRP -> ICCN (section 3.2.3). */
    deliver(&pac, &pns, 5);
    assert_int_equal(pns.sent[UPPP_PPTP_ICRP], 1);
    assert_int_equal(count_ev(&pns, UPPP_PPTP_EV_CALL_UP), 0);
    deliver(&pns, &pac, 5);
    assert_int_equal(pac.sent[UPPP_PPTP_ICCN], 1);
    assert_int_equal(last_ev(&pac)->type, UPPP_PPTP_EV_CALL_UP);
    deliver(&pac, &pns, 5);
    assert_int_equal(last_ev(&pns)->type, UPPP_PPTP_EV_CALL_UP);
    assert_int_equal(last_ev(&pns)->peer_call_id, id);
    assert_int_equal(last_ev(&pac)->peer_call_id, last_ev(&pns)->call_id);
    /* Set-Link-Info goes PNS -> PAC and names the PAC's Call ID. */
    assert_int_equal(uppp_pptp_ctrl_set_link_info(pns.c, last_ev(&pns)->call_id, 0xffffffff, 0), 0);
    deliver(&pns, &pac, 6);
    assert_int_equal(last_ev(&pac)->type, UPPP_PPTP_EV_SET_LINK_INFO);
    assert_int_equal(last_ev(&pac)->call_id, id);
    assert_int_equal(last_ev(&pac)->send_accm, 0xffffffff);
    assert_int_equal(uppp_pptp_ctrl_set_link_info(pac.c, id, 0, 0), UPPP_ERR_INVALID);
    end_free(&pns);
    end_free(&pac);
}

/* ---------------------------------------------------------- teardown */

enum step {
    END,
    PNS_STOP, /* uppp_pptp_ctrl_stop on the PNS */
    PAC_STOP,
    PNS_CLEAR, /* uppp_pptp_ctrl_clear of the call on the PNS */
    PAC_CLEAR,
    PUMP,   /* deliver everything both ways */
    TO_PAC, /* deliver the PNS's bytes only */
    TO_PNS,
    DROP_TO_PAC, /* lose what the PNS wrote */
    DROP_TO_PNS,
    PNS_TCP_GONE, /* the PNS sees TCP close (the PAC closed it) */
    PAC_TCP_GONE,
    WAIT_3S, /* advance the clock by stop_timeout and run timers */
};

struct teardown {
    const char *name;
    enum step steps[10];
    enum uppp_pptp_close_reason pns_reason, pac_reason;
    unsigned pns_ccrq, pac_cdn, pns_stop_rq, pac_stop_rq; /* messages sent */
    uint8_t pns_down_result;                              /* CDN result in the PNS's CALL_DOWN */
};

static const struct teardown teardowns[] = {
    {"PNS stops: CCRQ, CDN, StopCCRQ, StopCCRP (issue 10's order)",
     {PNS_STOP, PUMP, END},
     UPPP_PPTP_CLOSE_LOCAL,
     UPPP_PPTP_CLOSE_PEER_STOP,
     1,
     1,
     1,
     0,
     UPPP_PPTP_CDN_REQUEST},
    {"PAC stops: CDN, StopCCRQ, StopCCRP",
     {PAC_STOP, PUMP, END},
     UPPP_PPTP_CLOSE_PEER_STOP,
     UPPP_PPTP_CLOSE_LOCAL,
     0,
     1,
     0,
     1,
     UPPP_PPTP_CDN_ADMIN_SHUTDOWN},
    {"PNS stops, pptpd-like PAC closes TCP instead of CDN",
     {PNS_STOP, DROP_TO_PAC, PNS_TCP_GONE, PAC_TCP_GONE, END},
     UPPP_PPTP_CLOSE_LOCAL,
     UPPP_PPTP_CLOSE_PEER_TCP,
     1,
     0,
     0,
     0,
     0},
    {"PNS clears the call, pptpd-like PAC closes TCP",
     {PNS_CLEAR, DROP_TO_PAC, PNS_TCP_GONE, PAC_TCP_GONE, END},
     UPPP_PPTP_CLOSE_PEER_TCP,
     UPPP_PPTP_CLOSE_PEER_TCP,
     1,
     0,
     0,
     0,
     0},
    {"pptp-linux-like PNS: CCRQ then TCP close, no StopCCRQ",
     {PNS_CLEAR, TO_PAC, PAC_TCP_GONE, DROP_TO_PNS, PNS_TCP_GONE, END},
     UPPP_PPTP_CLOSE_PEER_TCP,
     UPPP_PPTP_CLOSE_PEER_TCP,
     1,
     1,
     0,
     0,
     0},
    {"PNS clears, then stops after the CDN",
     {PNS_CLEAR, PUMP, PNS_STOP, PUMP, END},
     UPPP_PPTP_CLOSE_LOCAL,
     UPPP_PPTP_CLOSE_PEER_STOP,
     1,
     1,
     1,
     0,
     UPPP_PPTP_CDN_REQUEST},
    {"PAC clears, then stops",
     {PAC_CLEAR, PUMP, PAC_STOP, PUMP, END},
     UPPP_PPTP_CLOSE_PEER_STOP,
     UPPP_PPTP_CLOSE_LOCAL,
     0,
     1,
     0,
     1,
     UPPP_PPTP_CDN_ADMIN_SHUTDOWN},
    {"PNS stops, silent PAC: each step times out",
     {PNS_STOP, DROP_TO_PAC, WAIT_3S, DROP_TO_PAC, WAIT_3S, PAC_TCP_GONE, END},
     UPPP_PPTP_CLOSE_LOCAL_TIMEOUT,
     UPPP_PPTP_CLOSE_PEER_TCP,
     1,
     0,
     1,
     0,
     0},
    {"PAC stops, silent PNS: StopCCRP times out",
     {PAC_STOP, DROP_TO_PNS, WAIT_3S, PNS_TCP_GONE, END},
     UPPP_PPTP_CLOSE_PEER_TCP,
     UPPP_PPTP_CLOSE_LOCAL_TIMEOUT,
     0,
     1,
     0,
     1,
     0},
    {"both stop at once",
     {PNS_STOP, PAC_STOP, PUMP, PNS_TCP_GONE, PAC_TCP_GONE, END},
     UPPP_PPTP_CLOSE_LOCAL,
     UPPP_PPTP_CLOSE_LOCAL,
     1,
     1,
     1,
     1,
     UPPP_PPTP_CDN_ADMIN_SHUTDOWN},
    {"PAC closes TCP with the call up",
     {PNS_TCP_GONE, PAC_TCP_GONE, END},
     UPPP_PPTP_CLOSE_PEER_TCP,
     UPPP_PPTP_CLOSE_PEER_TCP,
     0,
     0,
     0,
     0,
     0},
    {"PNS closes TCP with the call up",
     {PAC_TCP_GONE, PNS_TCP_GONE, END},
     UPPP_PPTP_CLOSE_PEER_TCP,
     UPPP_PPTP_CLOSE_PEER_TCP,
     0,
     0,
     0,
     0,
     0},
};

static void run_teardown(const struct teardown *t)
{
    struct end pns, pac;
    end_init(&pns, UPPP_PPTP_PNS, NULL);
    end_init(&pac, UPPP_PPTP_PAC, NULL);
    uint64_t now = 1000;
    uint16_t id = bring_up(&pns, &pac, now);
    uint16_t pac_id = last_ev(&pac)->call_id;
    for (const enum step *s = t->steps; *s != END; s++) {
        switch (*s) {
        case PNS_STOP:
            assert_int_equal(uppp_pptp_ctrl_stop(pns.c, now), 0);
            break;
        case PAC_STOP:
            assert_int_equal(uppp_pptp_ctrl_stop(pac.c, now), 0);
            break;
        case PNS_CLEAR:
            assert_int_equal(uppp_pptp_ctrl_clear(pns.c, id, now), 0);
            break;
        case PAC_CLEAR:
            assert_int_equal(uppp_pptp_ctrl_clear(pac.c, pac_id, now), 0);
            break;
        case PUMP:
            pump(&pns, &pac, now);
            break;
        case TO_PAC:
            deliver(&pns, &pac, now);
            break;
        case TO_PNS:
            deliver(&pac, &pns, now);
            break;
        case DROP_TO_PAC:
            pns.out_len = 0;
            break;
        case DROP_TO_PNS:
            pac.out_len = 0;
            break;
        case PNS_TCP_GONE:
            uppp_pptp_ctrl_tcp_closed(pns.c, now);
            break;
        case PAC_TCP_GONE:
            uppp_pptp_ctrl_tcp_closed(pac.c, now);
            break;
        case WAIT_3S:
            now += 3000;
            uppp_pptp_ctrl_handle_timer(pns.c, now);
            uppp_pptp_ctrl_handle_timer(pac.c, now);
            break;
        case END:
            break;
        }
    }
    if (uppp_pptp_ctrl_state(pns.c) != UPPP_PPTP_CONN_CLOSED ||
        uppp_pptp_ctrl_state(pac.c) != UPPP_PPTP_CONN_CLOSED)
        fprintf(stderr, "%s: states %d %d\n", t->name, uppp_pptp_ctrl_state(pns.c),
                uppp_pptp_ctrl_state(pac.c));
    assert_int_equal(uppp_pptp_ctrl_state(pns.c), UPPP_PPTP_CONN_CLOSED);
    assert_int_equal(uppp_pptp_ctrl_state(pac.c), UPPP_PPTP_CONN_CLOSED);
    /* Each side: exactly one CALL_DOWN, before exactly one CLOSED, last. */
    for (int side = 0; side < 2; side++) {
        struct end *e = side ? &pac : &pns;
        assert_int_equal(count_ev(e, UPPP_PPTP_EV_CALL_DOWN), 1);
        assert_int_equal(count_ev(e, UPPP_PPTP_EV_CLOSED), 1);
        assert_int_equal(last_ev(e)->type, UPPP_PPTP_EV_CLOSED);
        assert_int_equal(last_ev(e)->err, 0);
        assert_int_equal(uppp_pptp_ctrl_next_timer(e->c), UINT64_MAX);
    }
    if (last_ev(&pns)->reason != t->pns_reason || last_ev(&pac)->reason != t->pac_reason)
        fprintf(stderr, "%s: reasons %d %d\n", t->name, last_ev(&pns)->reason,
                last_ev(&pac)->reason);
    assert_int_equal(last_ev(&pns)->reason, t->pns_reason);
    assert_int_equal(last_ev(&pac)->reason, t->pac_reason);
    assert_int_equal(pns.sent[UPPP_PPTP_CCRQ], t->pns_ccrq);
    assert_int_equal(pac.sent[UPPP_PPTP_CDN], t->pac_cdn);
    assert_int_equal(pns.sent[UPPP_PPTP_STOPCCRQ], t->pns_stop_rq);
    assert_int_equal(pac.sent[UPPP_PPTP_STOPCCRQ], t->pac_stop_rq);
    for (size_t i = 0; i < pns.nev; i++)
        if (pns.ev[i].type == UPPP_PPTP_EV_CALL_DOWN)
            assert_int_equal(pns.ev[i].result, t->pns_down_result);
    /* Nothing is accepted after the end. */
    uint8_t junk[16] = {0};
    assert_int_equal(uppp_pptp_ctrl_read(pns.c, junk, sizeof(junk), now), UPPP_ERR_CLOSED);
    assert_int_equal(uppp_pptp_ctrl_stop(pac.c, now), UPPP_ERR_CLOSED);
    end_free(&pns);
    end_free(&pac);
}

static void test_teardown_orders(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(teardowns) / sizeof(teardowns[0]); i++)
        run_teardown(&teardowns[i]);
}

/* The silent-PAC case, step by step on the clock: CCRQ at t, StopCCRQ at
 * t + 3 s, closed at t + 6 s. */
static void test_teardown_timing(void **state)
{
    (void)state;
    struct end pns, pac;
    end_init(&pns, UPPP_PPTP_PNS, NULL);
    end_init(&pac, UPPP_PPTP_PAC, NULL);
    bring_up(&pns, &pac, 100);
    assert_int_equal(uppp_pptp_ctrl_stop(pns.c, 200), 0);
    assert_int_equal(pns.sent[UPPP_PPTP_CCRQ], 1);
    assert_int_equal(uppp_pptp_ctrl_next_timer(pns.c), 3200);
    assert_int_equal(uppp_pptp_ctrl_handle_timer(pns.c, 3199), 0);
    assert_int_equal(pns.sent[UPPP_PPTP_STOPCCRQ], 0);
    assert_int_equal(uppp_pptp_ctrl_handle_timer(pns.c, 3200), 0);
    assert_int_equal(pns.sent[UPPP_PPTP_STOPCCRQ], 1);
    assert_int_equal(last_ev(&pns)->type, UPPP_PPTP_EV_CALL_DOWN);
    assert_int_equal(uppp_pptp_ctrl_state(pns.c), UPPP_PPTP_CONN_WAIT_STOP_REPLY);
    assert_int_equal(uppp_pptp_ctrl_next_timer(pns.c), 6200);
    assert_int_equal(uppp_pptp_ctrl_handle_timer(pns.c, 6200), UPPP_ERR_CLOSED);
    assert_int_equal(last_ev(&pns)->reason, UPPP_PPTP_CLOSE_LOCAL_TIMEOUT);
    end_free(&pns);
    end_free(&pac);
}

/* ------------------------------------------------------------- timers */

static void test_timers(void **state)
{
    (void)state;
    struct end pns, pac;
    /* No SCCRP: the PNS gives up after reply_timeout (60 s). */
    end_init(&pns, UPPP_PPTP_PNS, NULL);
    uppp_pptp_ctrl_start(pns.c, 0);
    assert_int_equal(uppp_pptp_ctrl_next_timer(pns.c), 60000);
    assert_int_equal(uppp_pptp_ctrl_handle_timer(pns.c, 60000), UPPP_ERR_CLOSED);
    assert_int_equal(last_ev(&pns)->reason, UPPP_PPTP_CLOSE_TIMEOUT);
    end_free(&pns);

    /* No SCCRQ: the PAC closes the half-open connection after 10 s. */
    end_init(&pac, UPPP_PPTP_PAC, NULL);
    uppp_pptp_ctrl_start(pac.c, 0);
    assert_int_equal(uppp_pptp_ctrl_next_timer(pac.c), 10000);
    assert_int_equal(uppp_pptp_ctrl_handle_timer(pac.c, 10000), UPPP_ERR_CLOSED);
    assert_int_equal(last_ev(&pac)->reason, UPPP_PPTP_CLOSE_TIMEOUT);
    end_free(&pac);

    /* pptp-linux sends its OCRQ about 2 s after the SCCRP: nothing on the
     * PAC expires in between. Then keep-alive: 60 s of silence brings an
     * Echo-Request; an answer keeps the connection. */
    connect_pair(&pns, &pac, NULL, NULL);
    assert_int_equal(uppp_pptp_ctrl_next_timer(pac.c), 60000); /* echo only */
    uppp_pptp_ctrl_handle_timer(pac.c, 2000);
    uint16_t id;
    uppp_pptp_ctrl_call(pns.c, 2000, &id);
    pump(&pns, &pac, 2000);
    assert_int_equal(last_ev(&pac)->type, UPPP_PPTP_EV_CALL_UP);
    assert_int_equal(uppp_pptp_ctrl_next_timer(pac.c), 62000);
    assert_int_equal(uppp_pptp_ctrl_handle_timer(pac.c, 62000), 0);
    assert_int_equal(pac.sent[UPPP_PPTP_ECHORQ], 1);
    pump(&pns, &pac, 62010);
    assert_int_equal(pns.sent[UPPP_PPTP_ECHORP], 1);
    assert_int_equal(uppp_pptp_ctrl_next_timer(pac.c), 122010);
    /* The next echo goes unanswered: dead 60 s later. */
    assert_int_equal(uppp_pptp_ctrl_handle_timer(pac.c, 122010), 0);
    assert_int_equal(pac.sent[UPPP_PPTP_ECHORQ], 2);
    pac.out_len = 0;
    assert_int_equal(uppp_pptp_ctrl_next_timer(pac.c), 182010);
    assert_int_equal(uppp_pptp_ctrl_handle_timer(pac.c, 182009), 0);
    assert_int_equal(uppp_pptp_ctrl_handle_timer(pac.c, 182010), UPPP_ERR_CLOSED);
    assert_int_equal(last_ev(&pac)->reason, UPPP_PPTP_CLOSE_NO_ECHO);
    assert_int_equal(count_ev(&pac, UPPP_PPTP_EV_CALL_DOWN), 1);
    end_free(&pns);
    end_free(&pac);

    /* The OCRQ goes unanswered: the call is down after 60 s, the
     * connection stays. */
    connect_pair(&pns, &pac, NULL, NULL);
    uppp_pptp_ctrl_call(pns.c, 10, &id);
    pns.out_len = 0;
    assert_int_equal(uppp_pptp_ctrl_next_timer(pns.c), 60000); /* the echo comes first */
    uppp_pptp_ctrl_handle_timer(pns.c, 60000);
    pump(&pns, &pac, 60000);
    assert_int_equal(uppp_pptp_ctrl_next_timer(pns.c), 60010);
    uppp_pptp_ctrl_handle_timer(pns.c, 60010);
    assert_int_equal(last_ev(&pns)->type, UPPP_PPTP_EV_CALL_DOWN);
    assert_int_equal(uppp_pptp_ctrl_state(pns.c), UPPP_PPTP_CONN_ESTABLISHED);
    end_free(&pns);
    end_free(&pac);
}

/* ------------------------------------------------------------ hostile */

static size_t msg(unsigned type, uint8_t *buf, void (*edit)(struct uppp_pptp_msg *))
{
    struct uppp_pptp_msg m;
    memset(&m, 0, sizeof(m));
    m.type = (enum uppp_pptp_ctrl_type)type;
    if (type == UPPP_PPTP_SCCRQ || type == UPPP_PPTP_SCCRP) {
        m.u.sccrq.version = UPPP_PPTP_PROTOCOL_VERSION;
        m.u.sccrq.result = 1;
    }
    if (edit)
        edit(&m);
    int n = uppp_pptp_msg_build(&m, buf, UPPP_PPTP_MSG_MAX_LEN);
    assert_true(n > 0);
    return (size_t)n;
}

static void bad_version(struct uppp_pptp_msg *m)
{
    m->u.sccrq.version = 0x0200;
}

/* A fresh started PAC fed one crafted input: what it returns and why it
 * closes. */
static void test_hostile_table(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        int established_first; /* send a good SCCRQ first */
        unsigned type;
        void (*edit)(struct uppp_pptp_msg *);
        int off; /* octet to damage, -1 none */
        uint8_t val;
        int want;
        enum uppp_pptp_close_reason reason;
        uint8_t sccrp_result; /* in the last SCCRP sent, 0 none */
    } rows[] = {
        {"length one long", 0, UPPP_PPTP_SCCRQ, NULL, 1, 157, UPPP_ERR_PARSE,
         UPPP_PPTP_CLOSE_PROTOCOL, 0},
        {"length of an Echo-Request", 0, UPPP_PPTP_SCCRQ, NULL, 1, 16, UPPP_ERR_PARSE,
         UPPP_PPTP_CLOSE_PROTOCOL, 0},
        {"bad cookie", 0, UPPP_PPTP_SCCRQ, NULL, 6, 0, UPPP_ERR_PARSE, UPPP_PPTP_CLOSE_PROTOCOL, 0},
        {"management message type", 0, UPPP_PPTP_SCCRQ, NULL, 3, 2, UPPP_ERR_PARSE,
         UPPP_PPTP_CLOSE_PROTOCOL, 0},
        {"SCCRP to a PAC", 0, UPPP_PPTP_SCCRP, NULL, -1, 0, UPPP_ERR_PROTO,
         UPPP_PPTP_CLOSE_PROTOCOL, 0},
        {"OCRQ before SCCRQ", 0, UPPP_PPTP_OCRQ, NULL, -1, 0, UPPP_ERR_PROTO,
         UPPP_PPTP_CLOSE_PROTOCOL, 0},
        {"Echo-Request before SCCRQ", 0, UPPP_PPTP_ECHORQ, NULL, -1, 0, UPPP_ERR_PROTO,
         UPPP_PPTP_CLOSE_PROTOCOL, 0},
        {"StopCCRP nobody asked for", 1, UPPP_PPTP_STOPCCRP, NULL, -1, 0, UPPP_ERR_PROTO,
         UPPP_PPTP_CLOSE_PROTOCOL, 1},
        {"second SCCRQ", 1, UPPP_PPTP_SCCRQ, NULL, -1, 0, UPPP_ERR_PROTO, UPPP_PPTP_CLOSE_PROTOCOL,
         1},
        {"OCRP to a PAC", 1, UPPP_PPTP_OCRP, NULL, -1, 0, UPPP_ERR_PROTO, UPPP_PPTP_CLOSE_PROTOCOL,
         1},
        {"CDN to a PAC", 1, UPPP_PPTP_CDN, NULL, -1, 0, UPPP_ERR_PROTO, UPPP_PPTP_CLOSE_PROTOCOL,
         1},
        {"WAN-Error-Notify to a PAC", 1, UPPP_PPTP_WEN, NULL, -1, 0, UPPP_ERR_PROTO,
         UPPP_PPTP_CLOSE_PROTOCOL, 1},
        {"protocol version 2.0", 0, UPPP_PPTP_SCCRQ, bad_version, -1, 0, UPPP_ERR_PROTO,
         UPPP_PPTP_CLOSE_PROTOCOL, UPPP_PPTP_SCCRP_BAD_VERSION},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct end pac;
        end_init(&pac, UPPP_PPTP_PAC, NULL);
        uppp_pptp_ctrl_start(pac.c, 0);
        uint8_t buf[UPPP_PPTP_MSG_MAX_LEN];
        if (rows[i].established_first) {
            size_t n = msg(UPPP_PPTP_SCCRQ, buf, NULL);
            assert_int_equal(uppp_pptp_ctrl_read(pac.c, buf, n, 1), 0);
        }
        size_t n = msg(rows[i].type, buf, rows[i].edit);
        if (rows[i].off >= 0)
            buf[rows[i].off] = rows[i].val;
        int r = uppp_pptp_ctrl_read(pac.c, buf, n, 2);
        if (r != rows[i].want)
            fprintf(stderr, "row %zu (%s): %d\n", i, rows[i].what, r);
        assert_int_equal(r, rows[i].want);
        assert_int_equal(uppp_pptp_ctrl_state(pac.c), UPPP_PPTP_CONN_CLOSED);
        assert_int_equal(last_ev(&pac)->type, UPPP_PPTP_EV_CLOSED);
        assert_int_equal(last_ev(&pac)->reason, rows[i].reason);
        assert_int_equal(last_ev(&pac)->err, r);
        if (rows[i].sccrp_result) {
            assert_int_equal(pac.sent[UPPP_PPTP_SCCRP], 1);
            /* The SCCRP's Result Code is octet 14. */
            assert_int_equal(pac.out[14], rows[i].sccrp_result);
        } else {
            assert_int_equal(pac.out_total, 0);
        }
        end_free(&pac);
    }
}

/* 10,000 SCCRQs in one read, and again one read each: one SCCRP, the
 * connection closed at the second, and nothing done for the rest. */
static void test_sccrq_flood(void **state)
{
    (void)state;
    enum { N = 10000 };
    uint8_t *flood = malloc((size_t)N * UPPP_PPTP_SCCRQ_LEN);
    assert_non_null(flood);
    for (int i = 0; i < N; i++)
        msg(UPPP_PPTP_SCCRQ, flood + (size_t)i * UPPP_PPTP_SCCRQ_LEN, NULL);
    for (int mode = 0; mode < 2; mode++) {
        struct end pac;
        end_init(&pac, UPPP_PPTP_PAC, NULL);
        uppp_pptp_ctrl_start(pac.c, 0);
        int last = 0;
        if (mode == 0) {
            last = uppp_pptp_ctrl_read(pac.c, flood, (size_t)N * UPPP_PPTP_SCCRQ_LEN, 1);
            assert_int_equal(last, UPPP_ERR_PROTO);
        } else {
            int closed = 0;
            for (int i = 0; i < N; i++) {
                last = uppp_pptp_ctrl_read(pac.c, flood + (size_t)i * UPPP_PPTP_SCCRQ_LEN,
                                           UPPP_PPTP_SCCRQ_LEN, 1);
                closed += last == UPPP_ERR_CLOSED;
            }
            assert_int_equal(closed, N - 2);
        }
        assert_int_equal(pac.sent[UPPP_PPTP_SCCRP], 1);
        assert_int_equal(pac.nev, 2); /* CONNECTED, CLOSED */
        assert_int_equal(last_ev(&pac)->reason, UPPP_PPTP_CLOSE_PROTOCOL);
        end_free(&pac);
    }
    free(flood);
}

/* A valid message flood: Echo-Requests past max_msgs_per_sec (50). */
static void test_rate_limit(void **state)
{
    (void)state;
    struct end pac;
    end_init(&pac, UPPP_PPTP_PAC, NULL);
    uppp_pptp_ctrl_start(pac.c, 0);
    uint8_t buf[UPPP_PPTP_MSG_MAX_LEN];
    size_t n = msg(UPPP_PPTP_SCCRQ, buf, NULL);
    assert_int_equal(uppp_pptp_ctrl_read(pac.c, buf, n, 0), 0);
    n = msg(UPPP_PPTP_ECHORQ, buf, NULL);
    /* 49 more in the first second (the SCCRQ was the first): fine. */
    for (int i = 0; i < 49; i++)
        assert_int_equal(uppp_pptp_ctrl_read(pac.c, buf, n, 10 + (uint64_t)i), 0);
    /* A new second starts a new count. */
    for (int i = 0; i < 50; i++)
        assert_int_equal(uppp_pptp_ctrl_read(pac.c, buf, n, 1000), 0);
    assert_int_equal(uppp_pptp_ctrl_read(pac.c, buf, n, 1999), UPPP_ERR_LIMIT);
    assert_int_equal(pac.sent[UPPP_PPTP_ECHORP], 99);
    assert_int_equal(last_ev(&pac)->reason, UPPP_PPTP_CLOSE_RATE);
    end_free(&pac);
}

static void two_calls(struct uppp_pptp_ctrl_config *cfg)
{
    cfg->max_calls = 2;
    cfg->max_msgs_per_sec = 0;
}

static void last_call(struct uppp_pptp_ctrl_config *cfg)
{
    cfg->first_call_id = 0xffff;
    cfg->max_calls = 3;
}

static void test_call_ids(void **state)
{
    (void)state;
    struct end pns, pac;
    /* The PAC holds two calls; the third OCRQ gets No-Resource. */
    connect_pair(&pns, &pac, NULL, two_calls);
    uint16_t ids[3];
    for (int i = 0; i < 3; i++)
        assert_int_equal(uppp_pptp_ctrl_call(pns.c, 1, &ids[i]), 0);
    pump(&pns, &pac, 1);
    assert_int_equal(count_ev(&pac, UPPP_PPTP_EV_CALL_UP), 2);
    assert_int_equal(count_ev(&pns, UPPP_PPTP_EV_CALL_UP), 2);
    assert_int_equal(last_ev(&pns)->type, UPPP_PPTP_EV_CALL_DOWN);
    assert_int_equal(last_ev(&pns)->call_id, ids[2]);
    assert_int_equal(last_ev(&pns)->result, UPPP_PPTP_OCRP_GENERAL_ERROR);
    assert_int_equal(last_ev(&pns)->error, UPPP_PPTP_ERROR_NO_RESOURCE);
    /* A clear frees a slot for the next call. */
    uppp_pptp_ctrl_clear(pns.c, ids[0], 2);
    pump(&pns, &pac, 2);
    uint16_t again;
    uppp_pptp_ctrl_call(pns.c, 3, &again);
    pump(&pns, &pac, 3);
    assert_int_equal(last_ev(&pac)->type, UPPP_PPTP_EV_CALL_UP);
    /* A forged OCRQ reusing a PNS Call ID in use: Bad-Call ID. */
    uint8_t buf[UPPP_PPTP_MSG_MAX_LEN];
    struct uppp_pptp_msg m = {.type = UPPP_PPTP_OCRQ};
    m.u.ocrq.call_id = ids[1];
    int n = uppp_pptp_msg_build(&m, buf, sizeof(buf));
    pac.out_len = 0;
    assert_int_equal(uppp_pptp_ctrl_read(pac.c, buf, (size_t)n, 4), 0);
    struct uppp_pptp_msg reply;
    assert_int_equal(uppp_pptp_msg_parse(pac.out, pac.out_len, &reply), 0);
    assert_int_equal(reply.type, UPPP_PPTP_OCRP);
    assert_int_equal(reply.u.ocrp.error, UPPP_PPTP_ERROR_BAD_CALL_ID);
    /* Messages naming calls that do not exist are ignored. */
    m.type = UPPP_PPTP_CCRQ;
    m.u.ccrq.call_id = 0x7777;
    n = uppp_pptp_msg_build(&m, buf, sizeof(buf));
    assert_int_equal(uppp_pptp_ctrl_read(pac.c, buf, (size_t)n, 5), 0);
    assert_int_equal(uppp_pptp_ctrl_state(pac.c), UPPP_PPTP_CONN_ESTABLISHED);
    assert_int_equal(count_ev(&pac, UPPP_PPTP_EV_CALL_DOWN), 1);
    end_free(&pns);
    end_free(&pac);

    /* Our own Call IDs wrap at 0xffff, skip those in use, and run out at
     * max_calls. */
    connect_pair(&pns, &pac, last_call, NULL);
    for (int i = 0; i < 3; i++)
        assert_int_equal(uppp_pptp_ctrl_call(pns.c, 1, &ids[i]), 0);
    assert_int_equal(ids[0], 0xffff);
    assert_int_equal(ids[1], 0);
    assert_int_equal(ids[2], 1);
    assert_int_equal(uppp_pptp_ctrl_call(pns.c, 1, &again), UPPP_ERR_LIMIT);
    end_free(&pns);
    end_free(&pac);
}

/* The whole PNS side of a session fed to the PAC one byte per read gives
 * what one read gives. */
static void test_byte_at_a_time(void **state)
{
    (void)state;
    struct end pns, pac, pac2;
    end_init(&pns, UPPP_PPTP_PNS, NULL);
    end_init(&pac, UPPP_PPTP_PAC, NULL);
    end_init(&pac2, UPPP_PPTP_PAC, NULL);
    uppp_pptp_ctrl_start(pns.c, 0);
    uppp_pptp_ctrl_start(pac.c, 0);
    uppp_pptp_ctrl_start(pac2.c, 0);
    /* SCCRQ, then (as if the SCCRP had come) an OCRQ, an Echo and a
     * CCRQ: build them on the PNS side by hand. */
    uint8_t stream[1024];
    size_t len = pns.out_len;
    memcpy(stream, pns.out, len);
    len += msg(UPPP_PPTP_OCRQ, stream + len, NULL);
    len += msg(UPPP_PPTP_ECHORQ, stream + len, NULL);
    len += msg(UPPP_PPTP_CCRQ, stream + len, NULL);
    for (size_t i = 0; i < len; i++)
        assert_int_equal(uppp_pptp_ctrl_read(pac.c, stream + i, 1, 1), 0);
    assert_int_equal(uppp_pptp_ctrl_read(pac2.c, stream, len, 1), 0);
    assert_int_equal(pac.out_len, pac2.out_len);
    assert_memory_equal(pac.out, pac2.out, pac.out_len);
    assert_int_equal(pac.nev, pac2.nev);
    assert_int_equal(pac.nev, 3); /* CONNECTED, CALL_UP, CALL_DOWN */
    assert_int_equal(pac.sent[UPPP_PPTP_CDN], 1);
    end_free(&pns);
    end_free(&pac);
    end_free(&pac2);
}

/* One byte a second: the half-open timer closes it at 10 s, with 10 bytes
 * of the SCCRQ read. */
static void test_slowloris(void **state)
{
    (void)state;
    struct end pac;
    end_init(&pac, UPPP_PPTP_PAC, NULL);
    uppp_pptp_ctrl_start(pac.c, 0);
    uint8_t buf[UPPP_PPTP_MSG_MAX_LEN];
    msg(UPPP_PPTP_SCCRQ, buf, NULL);
    uint64_t now = 0;
    size_t i = 0;
    for (; i < sizeof(buf); i++) {
        if (uppp_pptp_ctrl_next_timer(pac.c) <= now &&
            uppp_pptp_ctrl_handle_timer(pac.c, now) == UPPP_ERR_CLOSED)
            break;
        assert_int_equal(uppp_pptp_ctrl_read(pac.c, buf + i, 1, now), 0);
        now += 1000;
    }
    assert_int_equal(i, 10);
    assert_int_equal(last_ev(&pac)->reason, UPPP_PPTP_CLOSE_TIMEOUT);
    assert_int_equal(pac.out_total, 0);
    end_free(&pac);
}

static void test_invalid_args(void **state)
{
    (void)state;
    struct uppp_pptp_ctrl_config cfg;
    uppp_pptp_ctrl_config_init(&cfg, UPPP_PPTP_PAC);
    struct uppp_pptp_ctrl_callbacks cb = {.output = on_output, .event = on_event};
    struct uppp_pptp_ctrl *c;
    assert_int_equal(uppp_pptp_ctrl_new(NULL, &cfg, &cb, NULL), UPPP_ERR_INVALID);
    cfg.max_calls = 0;
    assert_int_equal(uppp_pptp_ctrl_new(&c, &cfg, &cb, NULL), UPPP_ERR_INVALID);
    cfg.max_calls = UPPP_PPTP_MAX_CALLS_LIMIT + 1;
    assert_int_equal(uppp_pptp_ctrl_new(&c, &cfg, &cb, NULL), UPPP_ERR_INVALID);
    cfg.max_calls = 1;
    cb.event = NULL;
    assert_int_equal(uppp_pptp_ctrl_new(&c, &cfg, &cb, NULL), UPPP_ERR_INVALID);
    struct end e;
    end_init(&e, UPPP_PPTP_PNS, NULL);
    uint8_t b[1] = {0};
    uint16_t id;
    assert_int_equal(uppp_pptp_ctrl_read(e.c, b, 1, 0), UPPP_ERR_PROTO); /* not started */
    assert_int_equal(uppp_pptp_ctrl_call(e.c, 0, &id), UPPP_ERR_PROTO);
    assert_int_equal(uppp_pptp_ctrl_start(e.c, 0), 0);
    assert_int_equal(uppp_pptp_ctrl_start(e.c, 0), UPPP_ERR_PROTO);
    assert_int_equal(uppp_pptp_ctrl_clear(e.c, 5, 0), UPPP_ERR_INVALID);
    assert_int_equal(uppp_pptp_ctrl_read(NULL, b, 1, 0), UPPP_ERR_INVALID);
    end_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outgoing_call),   cmocka_unit_test(test_incoming_call),
        cmocka_unit_test(test_teardown_orders), cmocka_unit_test(test_teardown_timing),
        cmocka_unit_test(test_timers),          cmocka_unit_test(test_hostile_table),
        cmocka_unit_test(test_sccrq_flood),     cmocka_unit_test(test_rate_limit),
        cmocka_unit_test(test_call_ids),        cmocka_unit_test(test_byte_at_a_time),
        cmocka_unit_test(test_slowloris),       cmocka_unit_test(test_invalid_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
