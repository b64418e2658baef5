/*
 * Tests for the PPTP control message codec and stream reassembler (RFC 2637
 * sections 1.4 and 2): known answers laid out by hand from the RFC's field
 * figures, a round trip of every message type, every way a header can be
 * wrong, and the reassembler fed whole, in random chunks and byte by byte.
 */
#include "testutil.h"

#include <uppp/pptp_msg.h>
#include <uppp/err.h>

#include <stdio.h>
#include <stdlib.h>

/* ------------------------------------------------------- known answers */

/* The hex is the message up to its last non-zero octet (from the RFC 2637
 * figure of that message); the rest up to len must be zero padding. */
struct ka {
    const char *name;
    struct uppp_pptp_msg m;
    size_t len;
    const char *hex;
};

static void text(struct uppp_pptp_text64 *t, const char *s)
{
    uppp_pptp_text_set(t, s);
}

static void check_ka(const struct ka *k)
{
    uint8_t buf[UPPP_PPTP_MSG_MAX_LEN + 8], want[UPPP_PPTP_MSG_MAX_LEN];
    memset(want, 0, sizeof(want));
    size_t n = tu_hex(k->hex, want, sizeof(want));
    assert_true(n <= k->len);
    int r = uppp_pptp_msg_build(&k->m, buf, sizeof(buf));
    if (r != (int)k->len)
        fprintf(stderr, "%s: built %d, want %zu\n", k->name, r, k->len);
    assert_int_equal(r, (int)k->len);
    assert_memory_equal(buf, want, k->len);
    /* And back. */
    struct uppp_pptp_msg back;
    assert_int_equal(uppp_pptp_msg_parse(buf, k->len, &back), 0);
    uint8_t again[UPPP_PPTP_MSG_MAX_LEN];
    assert_int_equal(uppp_pptp_msg_build(&back, again, sizeof(again)), (int)k->len);
    assert_memory_equal(again, buf, k->len);
}

static void test_known_answers(void **state)
{
    (void)state;
    static struct ka kas[8];
    memset(kas, 0, sizeof(kas));
    int i = 0;

    /* pptp-linux's SCCRQ: host "local", vendor "cananian" (its pptp_ctrl.c
     * defaults), version 1.0, async+sync framing, analog+digital bearer. */
    kas[i].name = "SCCRQ";
    kas[i].m.type = UPPP_PPTP_SCCRQ;
    kas[i].m.u.sccrq.version = 0x0100;
    kas[i].m.u.sccrq.framing_caps = 3;
    kas[i].m.u.sccrq.bearer_caps = 3;
    kas[i].m.u.sccrq.max_channels = 0;
    kas[i].m.u.sccrq.firmware = 1;
    text(&kas[i].m.u.sccrq.host, "local");
    text(&kas[i].m.u.sccrq.vendor, "cananian");
    kas[i].len = 156;
    /* The host field is "local" and 59 NULs; the vendor follows it. */
    static char sccrq_hex[600];
    snprintf(sccrq_hex, sizeof(sccrq_hex), "%s%s%.*s%s",
             "009c 0001 1a2b3c4d 0001 0000 "           /* header */
             "0100 0000 00000003 00000003 0000 0001 ", /* version .. firmware */
             "6c6f63616c", 59 * 2,
             "0000000000000000000000000000000000000000000000000000000000000000"
             "0000000000000000000000000000000000000000000000000000000000000000",
             "63616e616e69616e");
    kas[i].hex = sccrq_hex;
    i++;

    kas[i].name = "SCCRP";
    kas[i].m.type = UPPP_PPTP_SCCRP;
    kas[i].m.u.sccrq.version = 0x0100;
    kas[i].m.u.sccrq.result = UPPP_PPTP_SCCRP_BAD_VERSION;
    kas[i].m.u.sccrq.error = UPPP_PPTP_ERROR_NONE;
    kas[i].m.u.sccrq.framing_caps = 1;
    kas[i].m.u.sccrq.bearer_caps = 1;
    kas[i].m.u.sccrq.max_channels = 1;
    kas[i].len = 156;
    kas[i].hex = "009c 0001 1a2b3c4d 0002 0000 0100 05 00 00000001 00000001 0001";
    i++;

    kas[i].name = "StopCCRQ";
    kas[i].m.type = UPPP_PPTP_STOPCCRQ;
    kas[i].m.u.stop.reason_or_result = UPPP_PPTP_STOP_LOCAL_SHUTDOWN;
    kas[i].m.u.stop.error = 9; /* Reserved1 in a request: never sent */
    kas[i].len = 16;
    kas[i].hex = "0010 0001 1a2b3c4d 0003 0000 03 00 0000";
    i++;

    kas[i].name = "Echo-Reply";
    kas[i].m.type = UPPP_PPTP_ECHORP;
    kas[i].m.u.echo.id = 0xdeadbeef;
    kas[i].m.u.echo.result = 1;
    kas[i].m.u.echo.error = 0;
    kas[i].len = 20;
    kas[i].hex = "0014 0001 1a2b3c4d 0006 0000 deadbeef 01 00 0000";
    i++;

    kas[i].name = "OCRQ";
    kas[i].m.type = UPPP_PPTP_OCRQ;
    kas[i].m.u.ocrq.call_id = 0x1234;
    kas[i].m.u.ocrq.serial = 0x0002;
    kas[i].m.u.ocrq.min_bps = 2400;
    kas[i].m.u.ocrq.max_bps = 10000000;
    kas[i].m.u.ocrq.bearer_type = 3;
    kas[i].m.u.ocrq.framing_type = 3;
    kas[i].m.u.ocrq.recv_window = 64;
    kas[i].m.u.ocrq.proc_delay = 0;
    kas[i].m.u.ocrq.phone_len = 0;
    text(&kas[i].m.u.ocrq.subaddr, "x");
    kas[i].len = 168;
    /* The Phone Number field is 64 NULs, the Subaddress "x". */
    static char ocrq_hex[600];
    snprintf(ocrq_hex, sizeof(ocrq_hex), "%s%.*s%s",
             "00a8 0001 1a2b3c4d 0007 0000 1234 0002 00000960 00989680 00000003 00000003 "
             "0040 0000 0000 0000 ",
             64 * 2,
             "0000000000000000000000000000000000000000000000000000000000000000"
             "0000000000000000000000000000000000000000000000000000000000000000",
             "78");
    kas[i].hex = ocrq_hex;
    i++;

    kas[i].name = "OCRP";
    kas[i].m.type = UPPP_PPTP_OCRP;
    kas[i].m.u.ocrp.call_id = 0; /* pptpd's first Call ID */
    kas[i].m.u.ocrp.peer_call_id = 0x1234;
    kas[i].m.u.ocrp.result = 1;
    kas[i].m.u.ocrp.cause = 0;
    kas[i].m.u.ocrp.speed = 100000000;
    kas[i].m.u.ocrp.recv_window = 64;
    kas[i].m.u.ocrp.proc_delay = 0;
    kas[i].m.u.ocrp.channel_id = 0;
    kas[i].len = 32;
    kas[i].hex = "0020 0001 1a2b3c4d 0008 0000 0000 1234 01 00 0000 05f5e100 0040 0000 00000000";
    i++;

    kas[i].name = "CDN";
    kas[i].m.type = UPPP_PPTP_CDN;
    kas[i].m.u.cdn.call_id = 7;
    kas[i].m.u.cdn.result = UPPP_PPTP_CDN_REQUEST;
    kas[i].m.u.cdn.error = 0;
    kas[i].m.u.cdn.cause = 0x10;
    kas[i].m.u.cdn.stats[0] = 'S';
    kas[i].len = 148;
    kas[i].hex = "0094 0001 1a2b3c4d 000d 0000 0007 04 00 0010 0000 53";
    i++;

    kas[i].name = "SLI";
    kas[i].m.type = UPPP_PPTP_SLI;
    kas[i].m.u.sli.peer_call_id = 0x0102;
    kas[i].m.u.sli.send_accm = 0xffffffff;
    kas[i].m.u.sli.recv_accm = 0x000a0000;
    kas[i].len = 24;
    kas[i].hex = "0018 0001 1a2b3c4d 000f 0000 0102 0000 ffffffff 000a0000";
    i++;

    for (int k = 0; k < i; k++)
        check_ka(&kas[k]);
}

/* The text fields sit at 12 + 16 and 12 + 16 + 64 (section 2.1 figure). */
static void test_sccrq_offsets(void **state)
{
    (void)state;
    struct uppp_pptp_msg m = {.type = UPPP_PPTP_SCCRQ};
    text(&m.u.sccrq.host, "h");
    text(&m.u.sccrq.vendor, "v");
    uint8_t buf[256];
    assert_int_equal(uppp_pptp_msg_build(&m, buf, sizeof(buf)), 156);
    assert_int_equal(buf[28], 'h');
    assert_int_equal(buf[92], 'v');
    /* A 64-octet host name fills the field without a NUL and parses back
     * with length 64. */
    memset(m.u.sccrq.host.s, 'A', 64);
    m.u.sccrq.host.len = 64;
    assert_int_equal(uppp_pptp_msg_build(&m, buf, sizeof(buf)), 156);
    struct uppp_pptp_msg back;
    assert_int_equal(uppp_pptp_msg_parse(buf, 156, &back), 0);
    assert_int_equal(back.u.sccrq.host.len, 64);
    assert_int_equal(back.u.sccrq.vendor.len, 1);
}

/* ------------------------------------------------------ every message */

static void fill_random(struct uppp_pptp_msg *m, unsigned type, unsigned seed)
{
    memset(m, 0, sizeof(*m));
    m->type = (enum uppp_pptp_ctrl_type)type;
    /* Fill the union with a pattern, then fix the text lengths: every
     * field then round-trips (reserved fields are not in the struct). */
    uint8_t *p = (uint8_t *)&m->u;
    for (size_t i = 0; i < sizeof(m->u); i++)
        p[i] = (uint8_t)(seed * 31 + i * 7 + 1);
    struct uppp_pptp_text64 *t[3] = {NULL, NULL, NULL};
    switch (type) {
    case UPPP_PPTP_SCCRQ:
    case UPPP_PPTP_SCCRP:
        t[0] = &m->u.sccrq.host;
        t[1] = &m->u.sccrq.vendor;
        break;
    case UPPP_PPTP_OCRQ:
        t[0] = &m->u.ocrq.phone;
        t[1] = &m->u.ocrq.subaddr;
        break;
    case UPPP_PPTP_ICRQ:
        t[0] = &m->u.icrq.dialed;
        t[1] = &m->u.icrq.dialing;
        t[2] = &m->u.icrq.subaddr;
        break;
    }
    for (int i = 0; i < 3; i++)
        if (t[i])
            text(t[i], "+1 555 0100");
}

static void test_round_trip_all_types(void **state)
{
    (void)state;
    for (unsigned type = 1; type <= UPPP_PPTP_CTRL_TYPE_MAX; type++) {
        struct uppp_pptp_msg m, back;
        fill_random(&m, type, type);
        uint8_t a[UPPP_PPTP_MSG_MAX_LEN], b[UPPP_PPTP_MSG_MAX_LEN];
        size_t len = uppp_pptp_msg_len(type);
        assert_true(len >= 16 && len <= UPPP_PPTP_MSG_MAX_LEN);
        assert_int_equal(uppp_pptp_msg_build(&m, a, sizeof(a)), (int)len);
        assert_int_equal(a[0] << 8 | a[1], (int)len);
        assert_int_equal(a[8] << 8 | a[9], (int)type);
        assert_int_equal(uppp_pptp_msg_build(&m, a, len - 1), UPPP_ERR_NOBUF);
        assert_int_equal(uppp_pptp_msg_parse(a, len, &back), 0);
        assert_int_equal(back.type, type);
        assert_int_equal(uppp_pptp_msg_build(&back, b, sizeof(b)), (int)len);
        assert_memory_equal(a, b, len);
        assert_string_not_equal(uppp_pptp_type_name(type), "unknown");
    }
}

/* The fixed lengths, from the RFC 2637 figures: header 12 + body. */
static void test_lengths(void **state)
{
    (void)state;
    static const struct {
        unsigned type;
        size_t len;
    } rows[] = {
        {UPPP_PPTP_SCCRQ, 12 + 2 + 2 + 4 + 4 + 2 + 2 + 64 + 64},
        {UPPP_PPTP_SCCRP, 12 + 2 + 1 + 1 + 4 + 4 + 2 + 2 + 64 + 64},
        {UPPP_PPTP_STOPCCRQ, 12 + 1 + 1 + 2},
        {UPPP_PPTP_STOPCCRP, 12 + 1 + 1 + 2},
        {UPPP_PPTP_ECHORQ, 12 + 4},
        {UPPP_PPTP_ECHORP, 12 + 4 + 1 + 1 + 2},
        {UPPP_PPTP_OCRQ, 12 + 2 + 2 + 4 + 4 + 4 + 4 + 2 + 2 + 2 + 2 + 64 + 64},
        {UPPP_PPTP_OCRP, 12 + 2 + 2 + 1 + 1 + 2 + 4 + 2 + 2 + 4},
        {UPPP_PPTP_ICRQ, 12 + 2 + 2 + 4 + 4 + 2 + 2 + 64 + 64 + 64},
        {UPPP_PPTP_ICRP, 12 + 2 + 2 + 1 + 1 + 2 + 2 + 2},
        {UPPP_PPTP_ICCN, 12 + 2 + 2 + 4 + 2 + 2 + 4},
        {UPPP_PPTP_CCRQ, 12 + 2 + 2},
        {UPPP_PPTP_CDN, 12 + 2 + 1 + 1 + 2 + 2 + 128},
        {UPPP_PPTP_WEN, 12 + 2 + 2 + 6 * 4},
        {UPPP_PPTP_SLI, 12 + 2 + 2 + 4 + 4},
        {0, 0},
        {16, 0},
        {0xffff, 0},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        assert_int_equal(uppp_pptp_msg_len(rows[i].type), rows[i].len);
}

static void test_names(void **state)
{
    (void)state;
    static const struct {
        unsigned type, code;
        const char *want;
    } rows[] = {
        {UPPP_PPTP_SCCRP, 1, "Successful channel establishment"},
        {UPPP_PPTP_SCCRP, 5, "Protocol version not supported"},
        {UPPP_PPTP_SCCRP, 6, "unknown"},
        {UPPP_PPTP_OCRP, 7, "Do Not Accept"},
        {UPPP_PPTP_OCRP, 0, "unknown"},
        {UPPP_PPTP_ICRP, 3, "Do Not Accept"},
        {UPPP_PPTP_CDN, 4, "Request"},
        {UPPP_PPTP_STOPCCRP, 2, "General error"},
        {UPPP_PPTP_ECHORP, 1, "OK"},
        {UPPP_PPTP_CCRQ, 1, "unknown"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        assert_string_equal(uppp_pptp_result_name(rows[i].type, rows[i].code), rows[i].want);
    assert_string_equal(uppp_pptp_error_name(4), "No-Resource");
    assert_string_equal(uppp_pptp_error_name(5), "Bad-Call ID");
    assert_string_equal(uppp_pptp_error_name(7), "unknown");
    assert_string_equal(uppp_pptp_stop_reason_name(3), "Stop-Local-Shutdown");
    assert_string_equal(uppp_pptp_type_name(13), "Call-Disconnect-Notify");
    assert_string_equal(uppp_pptp_type_name(0), "unknown");
    assert_string_equal(uppp_pptp_type_name(16), "unknown");
}

/* ----------------------------------------------------------- bad input */

static size_t good(unsigned type, uint8_t *buf)
{
    struct uppp_pptp_msg m;
    fill_random(&m, type, 3);
    int n = uppp_pptp_msg_build(&m, buf, UPPP_PPTP_MSG_MAX_LEN);
    assert_true(n > 0);
    return (size_t)n;
}

static void test_parse_rejects(void **state)
{
    (void)state;
    /* Each row damages a good Echo-Request (16 octets) or SCCRQ. */
    static const struct {
        const char *what;
        unsigned type;
        int off; /* octet to set, -1 none */
        uint8_t val;
        int len_adj; /* passed length minus the real one */
    } rows[] = {
        {"length field +1", UPPP_PPTP_ECHORQ, 1, 17, 0},
        {"length field -1", UPPP_PPTP_ECHORQ, 1, 15, 0},
        {"length field 0", UPPP_PPTP_ECHORQ, 1, 0, 0},
        {"length field of another type", UPPP_PPTP_ECHORQ, 1, 20, 0},
        {"buffer one short", UPPP_PPTP_ECHORQ, -1, 0, -1},
        {"buffer one long", UPPP_PPTP_ECHORQ, -1, 0, 1},
        {"header only", UPPP_PPTP_ECHORQ, -1, 0, -4},
        {"management message", UPPP_PPTP_ECHORQ, 3, 2, 0},
        {"message type 0", UPPP_PPTP_ECHORQ, 3, 0, 0},
        {"cookie first octet", UPPP_PPTP_ECHORQ, 4, 0x1b, 0},
        {"cookie last octet", UPPP_PPTP_ECHORQ, 7, 0x4c, 0},
        {"control type 0", UPPP_PPTP_ECHORQ, 9, 0, 0},
        {"control type 16", UPPP_PPTP_ECHORQ, 9, 16, 0},
        {"control type 0x0105", UPPP_PPTP_ECHORQ, 8, 1, 0},
        {"SCCRQ length 157", UPPP_PPTP_SCCRQ, 1, 157, 0},
        {"SCCRQ as SCCRP-length-less", UPPP_PPTP_SCCRQ, 9, UPPP_PPTP_STOPCCRQ, 0},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        uint8_t buf[UPPP_PPTP_MSG_MAX_LEN + 8] = {0};
        size_t len = good(rows[i].type, buf);
        if (rows[i].off >= 0)
            buf[rows[i].off] = rows[i].val;
        struct uppp_pptp_msg m;
        int r = uppp_pptp_msg_parse(buf, (size_t)((int)len + rows[i].len_adj), &m);
        if (r != UPPP_ERR_PARSE)
            fprintf(stderr, "row %zu (%s): %d\n", i, rows[i].what, r);
        assert_int_equal(r, UPPP_ERR_PARSE);
    }
    struct uppp_pptp_msg m;
    uint8_t buf[16] = {0};
    assert_int_equal(uppp_pptp_msg_parse(NULL, 16, &m), UPPP_ERR_INVALID);
    assert_int_equal(uppp_pptp_msg_parse(buf, 16, NULL), UPPP_ERR_INVALID);
    assert_int_equal(uppp_pptp_msg_parse(buf, 0, &m), UPPP_ERR_PARSE);
    m.type = (enum uppp_pptp_ctrl_type)16;
    assert_int_equal(uppp_pptp_msg_build(&m, buf, sizeof(buf)), UPPP_ERR_INVALID);
}

/* -------------------------------------------------------------- stream */

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* All fifteen messages back to back. */
static size_t all_messages(uint8_t *out, size_t *lens)
{
    size_t off = 0;
    for (unsigned t = 1; t <= UPPP_PPTP_CTRL_TYPE_MAX; t++) {
        lens[t - 1] = good(t, out + off);
        off += lens[t - 1];
    }
    return off;
}

/* Feed data in chunks (chunk 0: random sizes) and check that the messages
 * come out whole and in order. */
static void feed_and_check(size_t chunk)
{
    uint8_t stream[16 * UPPP_PPTP_MSG_MAX_LEN];
    size_t lens[UPPP_PPTP_CTRL_TYPE_MAX];
    size_t total = all_messages(stream, lens);
    struct uppp_pptp_stream s;
    uppp_pptp_stream_init(&s);
    size_t off = 0, msg_off = 0;
    unsigned next = 1;
    while (off < total) {
        size_t n = chunk ? chunk : 1 + rnd() % 300;
        if (n > total - off)
            n = total - off;
        const uint8_t *d = stream + off;
        size_t left = n;
        for (;;) {
            size_t used;
            const uint8_t *msg;
            size_t mlen;
            int r = uppp_pptp_stream_next(&s, d, left, &used, &msg, &mlen);
            assert_true(r >= 0);
            d += used;
            left -= used;
            if (r == 0)
                break;
            assert_int_equal(mlen, lens[next - 1]);
            assert_memory_equal(msg, stream + msg_off, mlen);
            msg_off += mlen;
            next++;
        }
        assert_int_equal(left, 0);
        off += n;
    }
    assert_int_equal(next, UPPP_PPTP_CTRL_TYPE_MAX + 1);
    assert_int_equal(s.have, 0);
}

static void test_stream_splits(void **state)
{
    (void)state;
    static const size_t chunks[] = {1, 2, 3, 11, 12, 13, 16, 155, 156, 157, 4096, 0, 0, 0};
    for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++)
        feed_and_check(chunks[i]);
}

/* Garbage is refused once 12 octets are in, and the error sticks. */
static void test_stream_garbage(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "474554202f20485454502f312e310d0a", /* "GET / HTTP/1.1\r\n" */
        "ffff 0001 1a2b3c4d 0001 0000",     /* a 64 KiB length */
        "009c 0001 1a2b3c4d 0005 0000",     /* SCCRQ length, Echo type */
        "0010 0001 00000000 0005 0000",     /* no cookie */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint8_t buf[64];
        size_t n = tu_hex(bad[i], buf, sizeof(buf));
        struct uppp_pptp_stream s;
        uppp_pptp_stream_init(&s);
        size_t used = 0, mlen;
        const uint8_t *msg;
        int r = 0;
        /* One octet at a time: nothing for 11 octets, refused at the 12th. */
        size_t k;
        for (k = 0; k < n && r == 0; k++)
            r = uppp_pptp_stream_next(&s, buf + k, 1, &used, &msg, &mlen);
        assert_int_equal(r, UPPP_ERR_PARSE);
        assert_int_equal(k, UPPP_PPTP_HEADER_LEN);
        assert_int_equal(uppp_pptp_stream_next(&s, buf, n, &used, &msg, &mlen), UPPP_ERR_PARSE);
        assert_int_equal(used, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_answers),
        cmocka_unit_test(test_sccrq_offsets),
        cmocka_unit_test(test_round_trip_all_types),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test(test_stream_splits),
        cmocka_unit_test(test_stream_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
