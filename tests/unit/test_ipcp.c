/* IPCP (RFC 1332, RFC 1877) and IPV6CP (RFC 5072): two in-memory sessions
 * (framing none, no auth, no MPPE) and a crafted peer that injects raw
 * frames into one session and reads its replies. Address semantics are
 * pppd 2.4.9's; expected log lines are pppd's, as in shared/captures. */
#include "testutil.h"
#include "session_harness.h"

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* ---- address restrictions: a check_addr callback denying one address ---- */

static uint32_t g_denied;
static unsigned g_checks;
static uint32_t g_last_checked;
static char g_last_peer[64];

static int deny_one(void *user, const char *peer, uint32_t addr)
{
    (void)user;
    g_checks++;
    g_last_checked = addr;
    snprintf(g_last_peer, sizeof(g_last_peer), "%s", peer ? peer : "(null)");
    return addr != g_denied;
}

/* th_create, plus the check_addr callback. */
static int create_checked(struct th_end *e)
{
    struct uppp_callbacks cb = {
        .user = e,
        .output = th_output,
        .deliver = th_deliver,
        .event = th_event,
        .random = th_random,
        .get_secret = th_get_secret,
        .check_addr = deny_one,
        .log = th_log,
    };
    return uppp_session_new(&e->s, &e->cfg, &cb);
}

static void plain(struct th_link *l, uint64_t seed)
{
    th_init(l, seed);
    l->a.cfg.mppe = UPPP_MPPE_OFF;
    l->b.cfg.mppe = UPPP_MPPE_OFF;
    g_denied = 0;
    g_checks = 0;
    g_last_checked = 0;
    g_last_peer[0] = '\0';
}

static struct uppp_status status_of(struct th_end *e)
{
    struct uppp_status st;
    uppp_session_status(e->s, &st);
    return st;
}

static int has_log(const struct th_end *e, const char *line)
{
    return strstr(e->logbuf, line) != NULL;
}

/* Does e's wire hold these bytes? */
static int wire_has(const struct th_end *e, const char *hex)
{
    uint8_t n[64];
    size_t len = tu_hex(hex, n, sizeof(n));
    for (size_t i = 0; i + len <= e->wire_len; i++)
        if (memcmp(e->wire + i, n, len) == 0)
            return 1;
    return 0;
}

/* One IPv4 packet each way, delivered intact. */
static void assert_ipv4_flows(struct th_link *l)
{
    uint8_t pkt[200];
    size_t n = th_make_ipv4(pkt, 100, 1, 2, "ipcp", 7);
    unsigned da = l->a.delivered, db = l->b.delivered;
    assert_int_equal(uppp_session_send_ip(l->a.s, UPPP_PROTO_IP, pkt, n, l->now), 0);
    assert_int_equal(uppp_session_send_ip(l->b.s, UPPP_PROTO_IP, pkt, n, l->now), 0);
    th_run(l, l->now, NULL);
    assert_int_equal(l->a.delivered, da + 1);
    assert_int_equal(l->b.delivered, db + 1);
    assert_int_equal(l->b.last_proto, UPPP_PROTO_IP);
    assert_int_equal(l->b.last_len, n);
    assert_memory_equal(l->b.last, pkt, n);
}

static void run_up(struct th_link *l)
{
    th_start(l);
    th_run(l, 60000, th_both_running);
}

/* ---- crafted peer: one session, raw frames in, its frames read back ---- */

/* Pop a's frames until one of protocol proto and code arrives; return its
 * info (code onward) in out. Fails the test if none is queued. */
static size_t cp_expect(struct th_end *e, uint16_t proto, uint8_t code, uint8_t *out, size_t cap)
{
    while (e->qlen > 0) {
        struct th_frame *f = th_pop(e);
        /* Framing none, nothing compressed (the crafted peer asks for no
         * PFC/ACFC): FF 03, 2-octet protocol, info. */
        assert_true(f->len >= 8);
        assert_int_equal(f->data[0], 0xff);
        assert_int_equal(f->data[1], 0x03);
        if (be16(f->data + 2) == proto && f->data[4] == code) {
            size_t n = f->len - 4;
            assert_true(n <= cap);
            memcpy(out, f->data + 4, n);
            return n;
        }
    }
    fail_msg("no frame of protocol 0x%04x code %u queued", proto, code);
    return 0;
}

static void cp_inject(struct th_link *l, uint16_t proto, const char *hex)
{
    uint8_t f[600];
    f[0] = 0xff;
    f[1] = 0x03;
    f[2] = (uint8_t)(proto >> 8);
    f[3] = (uint8_t)proto;
    size_t n = tu_hex(hex, f + 4, sizeof(f) - 4);
    assert_int_equal(uppp_session_input_frame(l->a.s, f, n + 4, l->now), 0);
}

/* Inject the reply code for a request we read (same id and options). */
static void cp_reply(struct th_link *l, uint16_t proto, uint8_t code, const uint8_t *req,
                     size_t len)
{
    uint8_t f[600];
    assert_true(len + 4 <= sizeof(f));
    f[0] = 0xff;
    f[1] = 0x03;
    f[2] = (uint8_t)(proto >> 8);
    f[3] = (uint8_t)proto;
    memcpy(f + 4, req, len);
    f[4] = code;
    assert_int_equal(uppp_session_input_frame(l->a.s, f, len + 4, l->now), 0);
}

/* Create a alone and bring it to the Network phase: Ack its LCP request,
 * send an empty LCP request of ours. */
static void cp_to_network(struct th_link *l)
{
    uint8_t req[300];
    assert_int_equal(create_checked(&l->a), 0);
    assert_int_equal(uppp_session_start(l->a.s, l->now), 0);
    size_t n = cp_expect(&l->a, UPPP_PROTO_LCP, 1, req, sizeof(req));
    cp_reply(l, UPPP_PROTO_LCP, 2, req, n);
    cp_inject(l, UPPP_PROTO_LCP, "01 42 00 04");
    n = cp_expect(&l->a, UPPP_PROTO_LCP, 2, req, sizeof(req));
    tu_assert_hex(req, n, "02 42 00 04");
    assert_true(status_of(&l->a).phase == UPPP_PHASE_NETWORK);
}

static void cp_free(struct th_link *l)
{
    uppp_session_del(l->a.s);
    free(l->a.q);
    free(l->a.wire);
    free(l->b.q);
    free(l->b.wire);
}

/* ---- IPCP between two sessions ---- */

/* A "10.0.0.1:10.0.0.2", B noipdefault: B asks for 0.0.0.0 and takes A's
 * Nak (the captured pppd setup). */
static void test_noipdefault(void **state)
{
    (void)state;
    struct th_link l;
    plain(&l, 11);
    run_up(&l);
    assert_true(th_both_running(&l));
    struct uppp_status sa = status_of(&l.a), sb = status_of(&l.b);
    assert_int_equal(sa.ip_local, IP(10, 0, 0, 1));
    assert_int_equal(sa.ip_remote, IP(10, 0, 0, 2));
    assert_int_equal(sb.ip_local, IP(10, 0, 0, 2));
    assert_int_equal(sb.ip_remote, IP(10, 0, 0, 1));
    /* B's first request was <addr 0.0.0.0>, Naked by A with <addr 10.0.0.2>. */
    assert_true(wire_has(&l.b, "80 21 01 01 00 0a 03 06 00 00 00 00"));
    assert_true(wire_has(&l.a, "80 21 03 01 00 0a 03 06 0a 00 00 02"));
    assert_true(has_log(&l.a, "local  IP address 10.0.0.1\nremote IP address 10.0.0.2\n"));
    assert_true(has_log(&l.b, "local  IP address 10.0.0.2\nremote IP address 10.0.0.1\n"));
    assert_false(has_log(&l.b, "DNS address"));
    assert_int_equal(l.a.events[UPPP_EVENT_IP_UP], 1);
    assert_int_equal(l.b.events[UPPP_EVENT_IP_UP], 1);
    assert_ipv4_flows(&l);

    /* Down: addresses cleared, IP_DOWN emitted. */
    assert_int_equal(uppp_session_close(l.a.s, "User request", l.now), 0);
    th_run(&l, l.now + 60000, th_both_dead);
    assert_int_equal(l.a.events[UPPP_EVENT_IP_DOWN], 1);
    assert_int_equal(status_of(&l.a).ip_local, 0);
    th_free(&l);
}

/* Both sides configured and agreeing: no Nak at all. */
static void test_both_configured(void **state)
{
    (void)state;
    struct th_link l;
    plain(&l, 12);
    l.a.cfg.ip_local = IP(192, 0, 2, 1);
    l.a.cfg.ip_remote = IP(192, 0, 2, 2);
    l.b.cfg.ip_local = IP(192, 0, 2, 2);
    l.b.cfg.ip_remote = IP(192, 0, 2, 1);
    run_up(&l);
    assert_true(th_both_running(&l));
    assert_int_equal(status_of(&l.a).ip_remote, IP(192, 0, 2, 2));
    assert_int_equal(status_of(&l.b).ip_remote, IP(192, 0, 2, 1));
    assert_false(wire_has(&l.a, "80 21 03"));
    assert_false(wire_has(&l.b, "80 21 03"));
    assert_ipv4_flows(&l);
    th_free(&l);
}

/* B insists on an address A does not give, without ipcp-accept-local: A
 * Naks until Max-Failure, then Rejects the option, and B gives up with
 * pppd's "Peer refused to agree to our IP address". */
static void test_refused_our_address(void **state)
{
    (void)state;
    struct th_link l;
    plain(&l, 13);
    l.b.cfg.ip_local = IP(10, 0, 0, 9);
    run_up(&l);
    th_run(&l, l.now + 120000, th_both_dead);
    assert_true(th_both_dead(&l));
    struct uppp_status sb = status_of(&l.b);
    assert_int_equal(sb.end, UPPP_END_NEGOTIATION_FAILED);
    assert_string_equal(sb.reason, "Peer refused to agree to our IP address");
    assert_true(has_log(&l.b, "Peer refused to agree to our IP address"));
    /* pppd's IPCP Max-Failure: 100 Naks with 10.0.0.2 (ids 1-100), then
     * the Reject of B's address (id 101). */
    assert_true(wire_has(&l.a, "80 21 03 64 00 0a 03 06 0a 00 00 02"));
    assert_true(wire_has(&l.a, "80 21 04 65 00 0a 03 06 0a 00 00 09"));
    assert_false(wire_has(&l.a, "80 21 04 64"));
    /* LCP went down with pppd's words. */
    assert_true(th_wire_contains(&l.b, "No network protocols running"));
    th_free(&l);
}

/* ipcp-accept-local: B takes A's idea of B's address over its own. */
static void test_accept_local(void **state)
{
    (void)state;
    struct th_link l;
    plain(&l, 14);
    l.b.cfg.ip_local = IP(10, 0, 0, 9);
    l.b.cfg.accept_local = 1;
    run_up(&l);
    assert_true(th_both_running(&l));
    assert_int_equal(status_of(&l.b).ip_local, IP(10, 0, 0, 2));
    assert_int_equal(status_of(&l.a).ip_remote, IP(10, 0, 0, 2));
    th_free(&l);
}

/* ipcp-accept-remote: A takes B's idea of B's address over its own. */
static void test_accept_remote(void **state)
{
    (void)state;
    struct th_link l;
    plain(&l, 15);
    l.a.cfg.accept_remote = 1;
    l.b.cfg.ip_local = IP(10, 0, 0, 9);
    run_up(&l);
    assert_true(th_both_running(&l));
    assert_int_equal(status_of(&l.a).ip_remote, IP(10, 0, 0, 9));
    assert_int_equal(status_of(&l.b).ip_local, IP(10, 0, 0, 9));
    assert_false(wire_has(&l.a, "80 21 03"));
    assert_ipv4_flows(&l);
    th_free(&l);
}

/* RFC 1877: A gives DNS servers (ms-dns), B asks for them (usepeerdns). */
static void test_dns(void **state)
{
    (void)state;
    struct th_link l;
    plain(&l, 16);
    l.a.cfg.dns[0] = IP(198, 51, 100, 53);
    l.a.cfg.dns[1] = IP(198, 51, 100, 54);
    l.b.cfg.use_peer_dns = 1;
    run_up(&l);
    assert_true(th_both_running(&l));
    struct uppp_status sb = status_of(&l.b), sa = status_of(&l.a);
    assert_int_equal(sb.dns[0], IP(198, 51, 100, 53));
    assert_int_equal(sb.dns[1], IP(198, 51, 100, 54));
    assert_int_equal(sa.dns[0], 0);
    assert_int_equal(sa.dns[1], 0);
    /* B asked with 0.0.0.0 and A Naked with its servers. */
    assert_true(wire_has(&l.b, "81 06 00 00 00 00 83 06 00 00 00 00"));
    assert_true(wire_has(&l.a, "81 06 c6 33 64 35 83 06 c6 33 64 36"));
    assert_true(has_log(&l.b, "primary   DNS address 198.51.100.53\n"
                              "secondary DNS address 198.51.100.54\n"));
    th_free(&l);
}

/* A has only a primary server: B's secondary request is Rejected and
 * dropped; IPCP still opens. */
static void test_dns_partial_and_none(void **state)
{
    (void)state;
    struct th_link l;
    plain(&l, 17);
    l.a.cfg.dns[0] = IP(198, 51, 100, 53);
    l.b.cfg.use_peer_dns = 1;
    run_up(&l);
    assert_true(th_both_running(&l));
    assert_int_equal(status_of(&l.b).dns[0], IP(198, 51, 100, 53));
    assert_int_equal(status_of(&l.b).dns[1], 0);
    assert_true(wire_has(&l.a, "80 21 04 01 00 0a 83 06 00 00 00 00"));
    assert_false(has_log(&l.b, "secondary DNS"));
    th_free(&l);

    plain(&l, 18);
    l.b.cfg.use_peer_dns = 1;
    run_up(&l);
    assert_true(th_both_running(&l));
    assert_int_equal(status_of(&l.b).dns[0], 0);
    assert_true(wire_has(&l.a, "80 21 04 01 00 10 81 06 00 00 00 00 83 06 00 00 00 00"));
    th_free(&l);
}

/* check_addr refuses the only address the peer can have: IPCP opens,
 * A refuses to run it (pppd: "Peer is not authorized to use remote
 * address") and, IPCP being the only NCP, closes the link. */
static void test_check_addr_refused(void **state)
{
    (void)state;
    struct th_link l;
    plain(&l, 19);
    l.a.cfg.ip_remote = 0;
    l.b.cfg.ip_local = IP(10, 0, 0, 99);
    g_denied = IP(10, 0, 0, 99);
    assert_int_equal(create_checked(&l.a), 0);
    assert_int_equal(th_create(&l.b), 0);
    assert_int_equal(uppp_session_start(l.a.s, l.now), 0);
    assert_int_equal(uppp_session_start(l.b.s, l.now), 0);
    th_run(&l, 120000, th_both_dead);
    assert_true(th_both_dead(&l));
    struct uppp_status sa = status_of(&l.a);
    assert_int_equal(sa.end, UPPP_END_NEGOTIATION_FAILED);
    assert_string_equal(sa.reason, "Peer is not authorized to use remote address 10.0.0.99");
    assert_true(g_checks > 0);
    assert_int_equal(g_last_checked, IP(10, 0, 0, 99));
    assert_string_equal(g_last_peer, ""); /* no authentication: no name */
    /* IPCP Terminate-Request with pppd's text, then LCP's. */
    assert_true(th_wire_contains(&l.a, "Unauthorized remote IP address"));
    assert_true(th_wire_contains(&l.a, "No network protocols running"));
    assert_int_equal(l.a.events[UPPP_EVENT_IP_UP], 0);
    th_free(&l);
}

/* check_addr refuses the peer's address while we have another for it
 * (ipcp-accept-remote): Nak with ours instead, and the peer takes it. */
static void test_check_addr_naked(void **state)
{
    (void)state;
    struct th_link l;
    plain(&l, 20);
    l.a.cfg.accept_remote = 1;
    l.b.cfg.ip_local = IP(10, 0, 0, 99);
    l.b.cfg.accept_local = 1;
    g_denied = IP(10, 0, 0, 99);
    assert_int_equal(create_checked(&l.a), 0);
    assert_int_equal(th_create(&l.b), 0);
    assert_int_equal(uppp_session_start(l.a.s, l.now), 0);
    assert_int_equal(uppp_session_start(l.b.s, l.now), 0);
    th_run(&l, 60000, th_both_running);
    assert_true(th_both_running(&l));
    assert_int_equal(status_of(&l.a).ip_remote, IP(10, 0, 0, 2));
    assert_int_equal(status_of(&l.b).ip_local, IP(10, 0, 0, 2));
    assert_true(wire_has(&l.a, "80 21 03 01 00 0a 03 06 0a 00 00 02"));
    assert_int_equal(g_last_checked, IP(10, 0, 0, 2));
    th_free(&l);
}

/* Nobody knows B's address (A has no remote, B noipdefault). pppd 2.4.9:
 * A Rejects B's 0.0.0.0, opens with the default 10.64.64.64 and a warning;
 * B has no local address and fails. (pppd 2.5.0's "Peer refused to agree
 * to his IP address" came after 2.4.9.) */
static void test_neither_knows_remote(void **state)
{
    (void)state;
    struct th_link l;
    plain(&l, 21);
    l.a.cfg.ip_remote = 0;
    run_up(&l);
    th_run(&l, l.now + 120000, th_both_dead);
    assert_true(th_both_dead(&l));
    struct uppp_status sb = status_of(&l.b);
    assert_int_equal(sb.end, UPPP_END_NEGOTIATION_FAILED);
    assert_string_equal(sb.reason, "Could not determine local IP address");
    assert_true(has_log(&l.b, "Could not determine local IP address"));
    assert_true(wire_has(&l.a, "80 21 04 01 00 0a 03 06 00 00 00 00"));
    assert_true(has_log(&l.a, "Could not determine remote IP address: defaulting to 10.64.64.64"));
    assert_true(has_log(&l.a, "remote IP address 10.64.64.64"));
    assert_int_equal(l.a.events[UPPP_EVENT_IP_UP], 1);
    assert_int_equal(l.a.events[UPPP_EVENT_IP_DOWN], 1);
    assert_int_equal(l.b.events[UPPP_EVENT_IP_UP], 0);
    th_free(&l);
}

/* IPCP fails but IPV6CP runs: the link stays up (pppd closes it only when
 * no network protocol is left). */
static void test_ipcp_fails_ipv6_keeps_link(void **state)
{
    (void)state;
    struct th_link l;
    plain(&l, 22);
    l.a.cfg.ip_remote = 0;
    l.a.cfg.ipv6 = l.b.cfg.ipv6 = 1;
    th_start(&l);
    th_run(&l, l.now + 60000, NULL);
    assert_false(uppp_session_is_dead(l.a.s));
    assert_false(uppp_session_is_dead(l.b.s));
    assert_true(has_log(&l.b, "Could not determine local IP address"));
    struct uppp_status sb = status_of(&l.b);
    assert_int_equal(sb.phase, UPPP_PHASE_RUNNING);
    assert_true(sb.ipv6_up);
    assert_int_equal(sb.ip_local, 0);
    th_free(&l);
}

/* The peer has no IPCP: its Protocol-Reject leaves us with no network
 * protocol, and the link closes (exit status 10 in pppd). */
static void test_ipcp_protocol_rejected(void **state)
{
    (void)state;
    struct th_link l;
    plain(&l, 23);
    l.b.cfg.no_ip = 1;
    l.b.cfg.ipv6 = 1; /* B's IPV6CP is Protocol-Rejected by A in turn */
    th_start(&l);
    th_run(&l, l.now + 120000, th_both_dead);
    struct uppp_status sa = status_of(&l.a);
    assert_true(uppp_session_is_dead(l.a.s));
    assert_int_equal(sa.end, UPPP_END_NEGOTIATION_FAILED);
    assert_true(has_log(&l.a, "Protocol-Reject for protocol 0x8021 received"));
    assert_true(th_wire_contains(&l.a, "No network protocols running"));
    th_free(&l);
}

/* ---- IPCP against a crafted peer ---- */

/* VJ compression (3.2) and IP-Addresses (3.1) are Rejected. */
static void test_vj_and_addrs_rejected(void **state)
{
    (void)state;
    struct th_link l;
    plain(&l, 24);
    l.a.cfg.ip_local = IP(192, 0, 2, 1);
    l.a.cfg.ip_remote = IP(192, 0, 2, 2);
    cp_to_network(&l);
    uint8_t r[300];
    size_t n = cp_expect(&l.a, UPPP_PROTO_IPCP, 1, r, sizeof(r));
    tu_assert_hex(r, n, "01 01 00 0a 03 06 c0 00 02 01");

    cp_inject(&l, UPPP_PROTO_IPCP, "01 07 00 10 02 06 00 2d 0f 01 03 06 c0 00 02 02");
    n = cp_expect(&l.a, UPPP_PROTO_IPCP, 4, r, sizeof(r));
    tu_assert_hex(r, n, "04 07 00 0a 02 06 00 2d 0f 01");

    cp_inject(&l, UPPP_PROTO_IPCP, "01 08 00 0e 01 0a c0 00 02 02 c0 00 02 01");
    n = cp_expect(&l.a, UPPP_PROTO_IPCP, 4, r, sizeof(r));
    tu_assert_hex(r, n, "04 08 00 0e 01 0a c0 00 02 02 c0 00 02 01");

    /* NBNS (130), an unknown option, and a truncated tail: all Rejected,
     * the malformed rest as one piece. */
    cp_inject(&l, UPPP_PROTO_IPCP, "01 09 00 13 82 06 00 00 00 00 c8 02 03 06 c0 00 02 02 03");
    n = cp_expect(&l.a, UPPP_PROTO_IPCP, 4, r, sizeof(r));
    tu_assert_hex(r, n, "04 09 00 0d 82 06 00 00 00 00 c8 02 03");
    assert_false(status_of(&l.a).ip_remote);
    cp_free(&l);
}

/* The captured pppd 2.4.9 peer (mschapv2-mppe128.txt, P side) against us
 * as A "192.0.2.1:192.0.2.2": pppd asks <compress VJ 0f 01> <addr 0.0.0.0>;
 * we Reject VJ (pppd's A Naked the address at once, having VJ), then Nak
 * the address with 192.0.2.2, then Ack. */
static void test_captured_pppd_peer(void **state)
{
    (void)state;
    struct th_link l;
    plain(&l, 25);
    l.a.cfg.ip_local = IP(192, 0, 2, 1);
    l.a.cfg.ip_remote = IP(192, 0, 2, 2);
    cp_to_network(&l);
    uint8_t r[300], ours[300];
    size_t nours = cp_expect(&l.a, UPPP_PROTO_IPCP, 1, ours, sizeof(ours));

    /* rcvd [IPCP ConfReq id=0x1 <compress VJ 0f 01> <addr 0.0.0.0>] */
    cp_inject(&l, UPPP_PROTO_IPCP, "01 01 00 10 02 06 00 2d 0f 01 03 06 00 00 00 00");
    size_t n = cp_expect(&l.a, UPPP_PROTO_IPCP, 4, r, sizeof(r));
    tu_assert_hex(r, n, "04 01 00 0a 02 06 00 2d 0f 01");
    cp_inject(&l, UPPP_PROTO_IPCP, "01 02 00 0a 03 06 00 00 00 00");
    n = cp_expect(&l.a, UPPP_PROTO_IPCP, 3, r, sizeof(r));
    tu_assert_hex(r, n, "03 02 00 0a 03 06 c0 00 02 02"); /* ConfNak <addr 192.0.2.2> */
    cp_inject(&l, UPPP_PROTO_IPCP, "01 03 00 0a 03 06 c0 00 02 02");
    n = cp_expect(&l.a, UPPP_PROTO_IPCP, 2, r, sizeof(r));
    tu_assert_hex(r, n, "02 03 00 0a 03 06 c0 00 02 02");
    /* rcvd [IPCP ConfAck id=0x1 <addr 192.0.2.1>] */
    cp_reply(&l, UPPP_PROTO_IPCP, 2, ours, nours);
    assert_true(status_of(&l.a).phase == UPPP_PHASE_RUNNING);
    /* The captured A log's lines 47-48, verbatim. */
    assert_true(has_log(&l.a, "local  IP address 192.0.2.1\nremote IP address 192.0.2.2\n"));
    cp_free(&l);
}

/* Our DNS request is Rejected: we drop it. A Nak suggesting DNS we did
 * not ask for is taken (pppd does so). A bogus Ack is ignored. */
static void test_dns_reject_and_nak_handling(void **state)
{
    (void)state;
    struct th_link l;
    plain(&l, 26);
    l.a.cfg.ip_local = 0;
    l.a.cfg.ip_remote = 0;
    l.a.cfg.use_peer_dns = 1;
    cp_to_network(&l);
    uint8_t r[300];
    size_t n = cp_expect(&l.a, UPPP_PROTO_IPCP, 1, r, sizeof(r));
    tu_assert_hex(r, n, "01 01 00 16 03 06 00 00 00 00 81 06 00 00 00 00 83 06 00 00 00 00");
    /* A Reject with a changed value is bogus: nothing is sent. */
    cp_inject(&l, UPPP_PROTO_IPCP, "04 01 00 0a 83 06 01 02 03 04");
    assert_int_equal(l.a.qlen, 0);
    cp_inject(&l, UPPP_PROTO_IPCP, "04 01 00 0a 83 06 00 00 00 00");
    n = cp_expect(&l.a, UPPP_PROTO_IPCP, 1, r, sizeof(r));
    tu_assert_hex(r, n, "01 02 00 10 03 06 00 00 00 00 81 06 00 00 00 00");
    /* Nak: our address and primary DNS. */
    cp_inject(&l, UPPP_PROTO_IPCP, "03 02 00 10 03 06 0a 01 01 05 81 06 0a 01 01 35");
    n = cp_expect(&l.a, UPPP_PROTO_IPCP, 1, r, sizeof(r));
    tu_assert_hex(r, n, "01 03 00 10 03 06 0a 01 01 05 81 06 0a 01 01 35");
    /* A wrong Ack: discarded (RFC 1661 5.2). */
    cp_inject(&l, UPPP_PROTO_IPCP, "02 03 00 0a 03 06 0a 01 01 05");
    assert_int_equal(l.a.qlen, 0);
    cp_inject(&l, UPPP_PROTO_IPCP, "02 03 00 10 03 06 0a 01 01 05 81 06 0a 01 01 35");
    /* The peer's request: it knows its address. */
    cp_inject(&l, UPPP_PROTO_IPCP, "01 01 00 0a 03 06 0a 01 01 01");
    n = cp_expect(&l.a, UPPP_PROTO_IPCP, 2, r, sizeof(r));
    struct uppp_status st = status_of(&l.a);
    assert_int_equal(st.phase, UPPP_PHASE_RUNNING);
    assert_int_equal(st.ip_local, IP(10, 1, 1, 5));
    assert_int_equal(st.ip_remote, IP(10, 1, 1, 1));
    assert_int_equal(st.dns[0], IP(10, 1, 1, 53));
    assert_int_equal(st.dns[1], 0);
    assert_true(has_log(&l.a, "primary   DNS address 10.1.1.53"));
    cp_free(&l);
}

/* A request without IP-Address is Naked once with the peer's address; a
 * repeat without it is Acked (pppd's req_addr). */
static void test_missing_address_naked_once(void **state)
{
    (void)state;
    struct th_link l;
    plain(&l, 27);
    l.a.cfg.ip_local = IP(192, 0, 2, 1);
    l.a.cfg.ip_remote = IP(192, 0, 2, 2);
    cp_to_network(&l);
    uint8_t r[300];
    cp_expect(&l.a, UPPP_PROTO_IPCP, 1, r, sizeof(r));
    cp_inject(&l, UPPP_PROTO_IPCP, "01 05 00 04");
    size_t n = cp_expect(&l.a, UPPP_PROTO_IPCP, 3, r, sizeof(r));
    tu_assert_hex(r, n, "03 05 00 0a 03 06 c0 00 02 02");
    cp_inject(&l, UPPP_PROTO_IPCP, "01 06 00 04");
    n = cp_expect(&l.a, UPPP_PROTO_IPCP, 2, r, sizeof(r));
    tu_assert_hex(r, n, "02 06 00 04");
    cp_free(&l);
}

/* ---- IPV6CP ---- */

static void assert_ipv6_flows(struct th_link *l)
{
    uint8_t pkt[80] = {0x60, 0, 0, 0, 0, 16, 58, 64};
    for (size_t i = 8; i < sizeof(pkt); i++)
        pkt[i] = (uint8_t)(i * 13);
    unsigned da = l->a.delivered, db = l->b.delivered;
    assert_int_equal(uppp_session_send_ip(l->a.s, UPPP_PROTO_IPV6, pkt, sizeof(pkt), l->now), 0);
    th_run(l, l->now, NULL);
    assert_int_equal(l->b.delivered, db + 1);
    assert_int_equal(l->b.last_proto, UPPP_PROTO_IPV6);
    assert_int_equal(l->b.last_len, sizeof(pkt));
    assert_memory_equal(l->b.last, pkt, sizeof(pkt));
    assert_int_equal(uppp_session_send_ip(l->b.s, UPPP_PROTO_IPV6, pkt, sizeof(pkt), l->now), 0);
    th_run(l, l->now, NULL);
    assert_int_equal(l->a.delivered, da + 1);
    assert_int_equal(l->a.last_proto, UPPP_PROTO_IPV6);
}

/* Random identifiers on both sides; both NCPs open; IPv6 flows. */
static void test_ipv6cp_random_ids(void **state)
{
    (void)state;
    struct th_link l;
    plain(&l, 30);
    l.a.cfg.ipv6 = l.b.cfg.ipv6 = 1;
    th_start(&l);
    th_run(&l, 60000, NULL);
    struct uppp_status sa = status_of(&l.a), sb = status_of(&l.b);
    assert_true(sa.ipv6_up && sb.ipv6_up);
    assert_true(sa.ipv6_local != 0 && sa.ipv6_remote != 0);
    assert_true(sa.ipv6_local != sa.ipv6_remote);
    assert_true(sa.ipv6_local == sb.ipv6_remote);
    assert_true(sa.ipv6_remote == sb.ipv6_local);
    assert_int_equal(l.a.events[UPPP_EVENT_IPV6_UP], 1);
    assert_int_equal(sa.ip_remote, IP(10, 0, 0, 2)); /* IPv4 too */
    char line[64];
    snprintf(line, sizeof(line), "local  LL address fe80::%04x:%04x:%04x:%04x",
             (unsigned)(sa.ipv6_local >> 48) & 0xffff, (unsigned)(sa.ipv6_local >> 32) & 0xffff,
             (unsigned)(sa.ipv6_local >> 16) & 0xffff, (unsigned)sa.ipv6_local & 0xffff);
    assert_true(has_log(&l.a, line));
    assert_ipv6_flows(&l);
    assert_ipv4_flows(&l);
    th_free(&l);
}

/* Configured identifiers, printed as pppd does (the captured pair, with
 * the zero-padded group 0d95). */
static void test_ipv6cp_configured_log_format(void **state)
{
    (void)state;
    struct th_link l;
    plain(&l, 31);
    l.a.cfg.ipv6 = l.b.cfg.ipv6 = 1;
    l.a.cfg.ipv6_local = 0xf5d4f7e8879f0d95ull;
    l.b.cfg.ipv6_local = 0x6844920be7876e48ull;
    th_start(&l);
    th_run(&l, 60000, NULL);
    assert_true(status_of(&l.a).ipv6_up);
    /* mschapv2-mppe128.txt, A log lines 43-44. */
    assert_true(has_log(&l.a, "local  LL address fe80::f5d4:f7e8:879f:0d95\n"
                              "remote LL address fe80::6844:920b:e787:6e48\n"));
    assert_true(has_log(&l.b, "local  LL address fe80::6844:920b:e787:6e48\n"
                              "remote LL address fe80::f5d4:f7e8:879f:0d95\n"));
    /* The captured ConfReq bytes: 01 0a f5 d4 f7 e8 87 9f 0d 95. */
    assert_true(wire_has(&l.a, "80 57 01 01 00 0e 01 0a f5 d4 f7 e8 87 9f 0d 95"));
    th_free(&l);
}

/* Both sides configured with the same identifier: each Naks the other's
 * with a new one (RFC 5072 4.1), and they end up distinct. */
static void test_ipv6cp_collision(void **state)
{
    (void)state;
    struct th_link l;
    plain(&l, 32);
    l.a.cfg.ipv6 = l.b.cfg.ipv6 = 1;
    l.a.cfg.ipv6_local = l.b.cfg.ipv6_local = 0x0123456789abcdefull;
    th_start(&l);
    th_run(&l, 60000, NULL);
    struct uppp_status sa = status_of(&l.a), sb = status_of(&l.b);
    assert_true(sa.ipv6_up && sb.ipv6_up);
    assert_true(sa.ipv6_local != sa.ipv6_remote);
    assert_true(sa.ipv6_local == sb.ipv6_remote && sa.ipv6_remote == sb.ipv6_local);
    assert_true(sa.ipv6_local != 0 && sb.ipv6_local != 0);
    /* A Nak of IPV6CP was sent by both. */
    assert_true(wire_has(&l.a, "80 57 03"));
    assert_true(wire_has(&l.b, "80 57 03"));
    assert_ipv6_flows(&l);
    th_free(&l);
}

static uint64_t opt_id(const uint8_t *r)
{
    return (uint64_t)be32(r + 6) << 32 | be32(r + 10);
}

/* Crafted peer: our own identifier, zero, compression, a missing option. */
static void test_ipv6cp_crafted(void **state)
{
    (void)state;
    struct th_link l;
    plain(&l, 33);
    l.a.cfg.ipv6 = 1;
    l.a.cfg.ipv6_local = 0x1111222233334444ull;
    cp_to_network(&l);
    uint8_t r[300], ours[300];
    size_t nours = cp_expect(&l.a, UPPP_PROTO_IPV6CP, 1, ours, sizeof(ours));
    tu_assert_hex(ours, nours, "01 01 00 0e 01 0a 11 11 22 22 33 33 44 44");

    /* Collision: Nak with a different non-zero identifier. */
    cp_inject(&l, UPPP_PROTO_IPV6CP, "01 01 00 0e 01 0a 11 11 22 22 33 33 44 44");
    size_t n = cp_expect(&l.a, UPPP_PROTO_IPV6CP, 3, r, sizeof(r));
    assert_int_equal(n, 14);
    uint64_t s1 = opt_id(r);
    assert_true(s1 != 0 && s1 != 0x1111222233334444ull);
    /* Zero: Nak with a non-zero one, not ours. */
    cp_inject(&l, UPPP_PROTO_IPV6CP, "01 02 00 0e 01 0a 00 00 00 00 00 00 00 00");
    n = cp_expect(&l.a, UPPP_PROTO_IPV6CP, 3, r, sizeof(r));
    assert_true(opt_id(r) != 0 && opt_id(r) != 0x1111222233334444ull);
    /* Compression (4.2): Rejected. */
    cp_inject(&l, UPPP_PROTO_IPV6CP, "01 03 00 12 02 04 00 2d 01 0a 00 00 00 00 00 00 00 05");
    n = cp_expect(&l.a, UPPP_PROTO_IPV6CP, 4, r, sizeof(r));
    tu_assert_hex(r, n, "04 03 00 08 02 04 00 2d");
    /* No identifier: Nak once with one for the peer, then Ack. */
    cp_inject(&l, UPPP_PROTO_IPV6CP, "01 04 00 04");
    n = cp_expect(&l.a, UPPP_PROTO_IPV6CP, 3, r, sizeof(r));
    assert_int_equal(n, 14);
    assert_true(opt_id(r) != 0 && opt_id(r) != 0x1111222233334444ull);
    /* The peer Naks ours with the one we just suggested to it: we must not
     * take a colliding identifier, and draw a new one instead. */
    uint8_t nak[14];
    memcpy(nak, r, sizeof(nak));
    nak[1] = 1; /* id of our request */
    char hex[64];
    int k = 0;
    for (size_t i = 0; i < sizeof(nak); i++)
        k += snprintf(hex + k, sizeof(hex) - (size_t)k, "%02x", nak[i]);
    cp_inject(&l, UPPP_PROTO_IPV6CP, hex);
    n = cp_expect(&l.a, UPPP_PROTO_IPV6CP, 1, ours, sizeof(ours));
    assert_int_equal(n, 14);
    uint64_t mine = opt_id(ours);
    assert_true(mine != 0 && mine != opt_id(r));
    cp_inject(&l, UPPP_PROTO_IPV6CP, "01 05 00 0e 01 0a 00 00 00 00 00 00 00 05");
    n = cp_expect(&l.a, UPPP_PROTO_IPV6CP, 2, r, sizeof(r));
    cp_reply(&l, UPPP_PROTO_IPV6CP, 2, ours, nours);
    assert_true(status_of(&l.a).ipv6_up);
    assert_true(status_of(&l.a).ipv6_remote == 5);
    assert_true(status_of(&l.a).ipv6_local == mine);
    assert_true(has_log(&l.a, "remote LL address fe80::0000:0000:0000:0005"));
    cp_free(&l);
}

/* B has IPv6 off: it Protocol-Rejects IPV6CP; A's IPv4 still comes up. */
static void test_ipv6_against_no_ipv6(void **state)
{
    (void)state;
    struct th_link l;
    plain(&l, 34);
    l.a.cfg.ipv6 = 1;
    th_start(&l);
    th_run(&l, 60000, NULL);
    assert_true(th_both_running(&l));
    struct uppp_status sa = status_of(&l.a);
    assert_false(sa.ipv6_up);
    assert_int_equal(sa.ip_remote, IP(10, 0, 0, 2));
    /* B's LCP Protocol-Reject (code 8) of 0x8057. */
    assert_true(wire_has(&l.b, "c0 21 08"));
    assert_true(wire_has(&l.b, "80 57 01 01"));
    assert_true(has_log(&l.a, "Protocol-Reject for protocol 0x8057 received"));
    assert_false(uppp_session_is_dead(l.a.s));
    assert_ipv4_flows(&l);
    /* IPv6 cannot be sent while IPV6CP is not up. */
    uint8_t pkt[40] = {0x60};
    assert_int_equal(uppp_session_send_ip(l.a.s, UPPP_PROTO_IPV6, pkt, sizeof(pkt), l.now),
                     UPPP_ERR_DROPPED);
    th_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_noipdefault),
        cmocka_unit_test(test_both_configured),
        cmocka_unit_test(test_refused_our_address),
        cmocka_unit_test(test_accept_local),
        cmocka_unit_test(test_accept_remote),
        cmocka_unit_test(test_dns),
        cmocka_unit_test(test_dns_partial_and_none),
        cmocka_unit_test(test_check_addr_refused),
        cmocka_unit_test(test_check_addr_naked),
        cmocka_unit_test(test_neither_knows_remote),
        cmocka_unit_test(test_ipcp_fails_ipv6_keeps_link),
        cmocka_unit_test(test_ipcp_protocol_rejected),
        cmocka_unit_test(test_vj_and_addrs_rejected),
        cmocka_unit_test(test_captured_pppd_peer),
        cmocka_unit_test(test_dns_reject_and_nak_handling),
        cmocka_unit_test(test_missing_address_naked_once),
        cmocka_unit_test(test_ipv6cp_random_ids),
        cmocka_unit_test(test_ipv6cp_configured_log_format),
        cmocka_unit_test(test_ipv6cp_collision),
        cmocka_unit_test(test_ipv6cp_crafted),
        cmocka_unit_test(test_ipv6_against_no_ipv6),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
