/*
 * mppe-decrypt's MPPC path without MPPE (tools/mppe_decrypt/md_track.c,
 * RFC 2118): a CCP Configure-Ack of the C bit alone starts a session with
 * no authentication; frames compressed by libuppp's compressor come out
 * whole; and the receiver rules of RFC 2118 sections 3.1 and 4.3 as upppd
 * applies them: an encrypted (D) or empty frame fails, a repeated count
 * fails, and after a gap compressed frames fail until one carries A.
 */
#include "testutil.h"

#include "md_track.h"
#include "md_wire.h"

#include <uppp/mppc.h>
#include <uppp/mppe_wire.h>

#include <stdio.h>
#include <string.h>

struct got {
    int n;
    size_t len;
    uint8_t last[64];
};

static void on_packet(void *user, uint64_t ts_us, const uint8_t *ip, size_t len)
{
    (void)ts_us;
    struct got *g = user;
    g->n++;
    g->len = len;
    memcpy(g->last, ip, len < sizeof(g->last) ? len : sizeof(g->last));
}

static void feed(struct md_track *t, const uint8_t *f, size_t n)
{
    struct md_unit u = {.kind = MD_UNIT_FRAME, .dir = MD_DIR_A, .data = f, .len = n};
    assert_int_equal(md_track_frame(t, &u), 0);
}

/* An IPv4 packet of 40 octets whose payload names seq, as PPP sends it:
 * protocol 0x0021 first. */
static size_t make_ip(uint8_t *p, unsigned seq)
{
    memset(p, 0, 42);
    p[1] = 0x21;
    p[2] = 0x45;
    p[5] = 40;
    snprintf((char *)p + 22, 20, "mppc packet %05u", seq);
    return 42;
}

/* The next frame from the compressor: 0x00FD, the header, the data. */
static size_t next_frame(struct uppp_mppc_comp *c, unsigned count, unsigned seq, uint8_t *f,
                         unsigned *flags)
{
    uint8_t ip[64];
    size_t n = make_ip(ip, seq);
    f[0] = 0x00;
    f[1] = 0xfd;
    int m = uppp_mppc_compress(c, ip, n, f + 4, 200, flags);
    assert_true(m > 0);
    uppp_ccp_hdr_put(f + 2, *flags, count);
    return (size_t)m + 4;
}

static void test_mppc_alone(void **state)
{
    (void)state;
    struct md_creds creds;
    memset(&creds, 0, sizeof(creds));
    struct got g = {0};
    struct md_track_config tc = {.creds = &creds, .packet = on_packet, .user = &g};
    struct md_track *t;
    assert_int_equal(md_track_new(&t, &tc), 0);
    struct uppp_mppc_comp *c;
    assert_int_equal(uppp_mppc_comp_new(&c), 0);

    /* CCP Configure-Ack, option 18 with C alone (RFC 3078 section 2). */
    static const uint8_t ack[] = {0x80, 0xfd, 2, 1, 0, 10, 18, 6, 0, 0, 0, 1};
    feed(t, ack, sizeof(ack));
    size_t ns;
    const struct md_session *s = md_track_sessions(t, &ns);
    assert_int_equal(ns, 1);
    assert_int_equal(s->auth, 0);
    assert_int_equal(s->mppc, 1);
    assert_int_equal(s->bits, 0);

    uint8_t f[256];
    unsigned fl;
    unsigned count = 0, seq = 0;
    for (; seq < 5; seq++) {
        size_t n = next_frame(c, count++, seq, f, &fl);
        feed(t, f, n);
    }
    s = md_track_sessions(t, &ns);
    assert_int_equal(s->decrypted, 5);
    assert_int_equal(g.n, 5);
    assert_int_equal(g.len, 40);
    assert_memory_equal(g.last + 20, "mppc packet 00004", 17);
    /* Later frames are compressed against the history. */
    assert_true(fl & UPPP_MPPE_BIT_C);

    /* Encrypted where no MPPE was agreed, or no data: refused. */
    memcpy(f, (const uint8_t[]){0x00, 0xfd, 0x10, 0x40, 0x21}, 5);
    feed(t, f, 5);
    feed(t, f, 4);
    /* The last count again: a repeat. */
    size_t n = next_frame(c, count - 1, seq++, f, &fl);
    feed(t, f, n);
    s = md_track_sessions(t, &ns);
    assert_int_equal(s->failed, 3);
    assert_int_equal(g.n, 5);

    /* A gap: the history parted; compressed frames fail until A. The
     * repeat above is the sender's history, not ours, so flush it here
     * as a Reset-Request would (RFC 2118 section 4.3). */
    count += 3;
    for (int i = 0; i < 2; i++) {
        n = next_frame(c, count++, seq++, f, &fl);
        assert_false(fl & UPPP_MPPE_BIT_A);
        feed(t, f, n);
    }
    s = md_track_sessions(t, &ns);
    assert_int_equal(s->failed, 5);
    uppp_mppc_comp_flush(c);
    n = next_frame(c, count++, seq++, f, &fl);
    assert_true(fl & UPPP_MPPE_BIT_A);
    feed(t, f, n);
    n = next_frame(c, count++, seq, f, &fl);
    feed(t, f, n);
    s = md_track_sessions(t, &ns);
    assert_int_equal(s->decrypted, 7);
    assert_int_equal(s->frames, 12);
    assert_memory_equal(g.last + 20, "mppc packet ", 12);

    uppp_mppc_comp_del(c);
    md_track_del(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mppc_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
