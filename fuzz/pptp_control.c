/*
 * Fuzz target for the PPTP control connection (RFC 2637 sections 1.4, 2
 * and 3; include/uppp/pptp_msg.h, pptp_ctrl.h): the stream reassembler,
 * the message parser and the state machine fed arbitrary TCP bytes.
 *
 * Input: 2 header octets, then the bytes the peer sends.
 *   [0] bit 0: we are the PAC (else the PNS); bit 1: place a call after
 *       each chunk; bit 2: stop at the end; bit 3: clear call IDs 0..3
 *       midway; bit 4: the peer closes TCP at the end; bit 5: no rate
 *       limit
 *   [1] seed for the chunk sizes
 * The clock stands still while bytes are read (so both feeds see the same
 * times), then runs through every pending timer.
 *
 * Checks:
 * 1. Fed whole and fed in random chunks (the clock advancing the same way
 *    per byte), the object writes the same bytes and raises the same events.
 * 2. Everything it writes is a sequence of valid messages (the reassembler
 *    and the parser accept it), it never writes after CLOSED, CLOSED comes
 *    at most once and last, no more calls are up than the table holds,
 *    and none is left up at CLOSED.
 * 3. The parser alone, on each 220-octet window of the input, either fails
 *    or round-trips through the builder byte for byte where the RFC fields
 *    are not reserved (checked by re-parsing the rebuilt message).
 */
#include <uppp/pptp_ctrl.h>
#include <uppp/pptp_msg.h>
#include <uppp/err.h>

#include <stdlib.h>
#include <string.h>

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if (!(x))                                                                                  \
            abort();                                                                               \
    } while (0)

#define OUTCAP 65536
#define MAXEV 4096

struct run {
    uint8_t out[OUTCAP];
    size_t out_len;
    int closed;
    int ev[MAXEV];
    size_t nev;
    long calls_up;
};

static void on_output(void *user, const uint8_t *d, size_t n)
{
    struct run *r = user;
    CHECK(!r->closed);
    if (r->out_len + n <= OUTCAP) {
        memcpy(r->out + r->out_len, d, n);
        r->out_len += n;
    }
}

static void on_event(void *user, const struct uppp_pptp_event *ev)
{
    struct run *r = user;
    CHECK(!r->closed);
    if (ev->type == UPPP_PPTP_EV_CLOSED)
        r->closed = 1;
    /* CALL_DOWN also ends calls that never came up (refused, timed out),
     * so only this holds: no more calls up than the table has slots. */
    if (ev->type == UPPP_PPTP_EV_CALL_UP)
        r->calls_up++;
    if (ev->type == UPPP_PPTP_EV_CALL_DOWN && r->calls_up > 0)
        r->calls_up--;
    CHECK(r->calls_up <= 4);
    if (ev->type == UPPP_PPTP_EV_CLOSED)
        CHECK(r->calls_up == 0); /* every call went down first */
    if (r->nev < MAXEV)
        r->ev[r->nev++] = (int)ev->type;
}

static uint32_t next_rand(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 16;
}

static void run_once(uint8_t mode, uint32_t seed, const uint8_t *body, size_t n, int chunked,
                     struct run *r)
{
    struct uppp_pptp_ctrl_config cfg;
    uppp_pptp_ctrl_config_init(&cfg, (mode & 1) ? UPPP_PPTP_PAC : UPPP_PPTP_PNS);
    cfg.max_calls = 4;
    if (mode & 32)
        cfg.max_msgs_per_sec = 0; /* reach deeper than 50 messages */
    struct uppp_pptp_ctrl_callbacks cb = {.output = on_output, .event = on_event};
    struct uppp_pptp_ctrl *c = NULL;
    CHECK(uppp_pptp_ctrl_new(&c, &cfg, &cb, r) == 0);
    uint64_t now = 0;
    CHECK(uppp_pptp_ctrl_start(c, now) == 0);
    size_t off = 0;
    while (off < n) {
        size_t take = n - off;
        if (chunked)
            take = 1 + next_rand(&seed) % (take < 300 ? take : 300);
        int rc = uppp_pptp_ctrl_read(c, body + off, take, now);
        CHECK(rc == 0 || rc == UPPP_ERR_PARSE || rc == UPPP_ERR_PROTO || rc == UPPP_ERR_LIMIT ||
              rc == UPPP_ERR_CLOSED);
        CHECK(rc == 0 || r->closed); /* every error closes */
        off += take;
        if (mode & 2) {
            uint16_t id;
            int cr = uppp_pptp_ctrl_call(c, now, &id);
            CHECK(cr == 0 || cr == UPPP_ERR_PROTO || cr == UPPP_ERR_LIMIT);
        }
        if ((mode & 8) && off >= n / 2 && off - take < n / 2)
            for (uint16_t id = 0; id < 4; id++)
                uppp_pptp_ctrl_clear(c, id, now);
    }
    /* Then time passes: every timer fires in turn, bounded. */
    for (int i = 0; i < 16; i++) {
        uint64_t t = uppp_pptp_ctrl_next_timer(c);
        if (t == UINT64_MAX)
            break;
        CHECK(t >= now || i == 0);
        now = t > now ? t : now;
        uppp_pptp_ctrl_handle_timer(c, now);
    }
    if (mode & 4)
        uppp_pptp_ctrl_stop(c, now);
    if (mode & 16)
        uppp_pptp_ctrl_tcp_closed(c, now);
    uppp_pptp_ctrl_del(c);
}

/* What the object wrote must be whole, valid messages. */
static void check_output(const struct run *r)
{
    struct uppp_pptp_stream s;
    uppp_pptp_stream_init(&s);
    size_t off = 0;
    while (off < r->out_len) {
        size_t used, mlen;
        const uint8_t *m;
        int rc = uppp_pptp_stream_next(&s, r->out + off, r->out_len - off, &used, &m, &mlen);
        CHECK(rc >= 0);
        off += used;
        if (rc == 0)
            break;
        struct uppp_pptp_msg msg;
        CHECK(uppp_pptp_msg_parse(m, mlen, &msg) == 0);
    }
    CHECK(s.have == 0);
    if (r->closed)
        CHECK(r->nev > 0 && r->ev[r->nev - 1] == UPPP_PPTP_EV_CLOSED);
}

static void check_parser(const uint8_t *d, size_t n)
{
    for (size_t off = 0; off < n; off += 1 + off % 17) {
        size_t len = n - off;
        if (len > UPPP_PPTP_MSG_MAX_LEN)
            len = UPPP_PPTP_MSG_MAX_LEN;
        if (len >= 2 && ((size_t)(d[off] << 8 | d[off + 1])) <= len)
            len = (size_t)(d[off] << 8 | d[off + 1]);
        struct uppp_pptp_msg m, back;
        if (uppp_pptp_msg_parse(d + off, len, &m) != 0)
            continue;
        uint8_t buf[UPPP_PPTP_MSG_MAX_LEN];
        int bl = uppp_pptp_msg_build(&m, buf, sizeof(buf));
        CHECK(bl == (int)len);
        CHECK(uppp_pptp_msg_parse(buf, (size_t)bl, &back) == 0);
        uint8_t again[UPPP_PPTP_MSG_MAX_LEN];
        CHECK(uppp_pptp_msg_build(&back, again, sizeof(again)) == bl);
        CHECK(memcmp(buf, again, (size_t)bl) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > 100000)
        return 0;
    const uint8_t mode = data[0];
    const uint32_t seed = data[1];
    const uint8_t *body = data + 2;
    const size_t n = size - 2;

    static struct run whole, chunks;
    memset(&whole, 0, sizeof(whole));
    memset(&chunks, 0, sizeof(chunks));
    /* Calls placed per chunk differ between feeds, so compare only
     * without bit 1 (and without bit 3, which depends on chunk ends). */
    run_once(mode, seed, body, n, 0, &whole);
    run_once(mode, seed, body, n, 1, &chunks);
    check_output(&whole);
    check_output(&chunks);
    if (!(mode & 0x0a)) {
        CHECK(whole.out_len == chunks.out_len);
        CHECK(memcmp(whole.out, chunks.out, whole.out_len) == 0);
        CHECK(whole.nev == chunks.nev);
        CHECK(memcmp(whole.ev, chunks.ev, whole.nev * sizeof(int)) == 0);
    }
    check_parser(body, n);
    return 0;
}
