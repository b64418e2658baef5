/*
 * Fuzz target for the MPPE receiver (RFC 3078 sections 3.1, 7, 8): arbitrary
 * packets into a stateful and a stateless receiver, interleaved with genuine
 * traffic from matching senders that the input loses, duplicates, swaps and
 * resets.
 *
 * Input: byte 0 picks the configuration (bits 0-1: 40/56/128 bits, bit 2:
 * RFC 3078 reset policy, bits 3-4: stateless cap default/1/16/2048). Then a
 * sequence of operations, the low 2 bits of an op byte saying which:
 *   0  raw packet: length = next byte + 256 * (op >> 2 & 7), then that many
 *      bytes (clamped to what is left), given to both receivers;
 *   1  genuine traffic: (op >> 2) + 1 packets from each sender, each with a
 *      control byte (bit 0 lose, bit 1 duplicate, bit 2 hold back and
 *      deliver after the next one, bit 3 Reset-Request before it);
 *   2  a gap: 4 * next byte packets from each sender, all lost;
 *   3  Reset-Request to both senders.
 *
 * Checked on every call: no error return, result and reason consistent, an
 * OK payload inside the buffer with an MPPE protocol, bounded key changes,
 * counters adding up, FATAL sticky. And an oracle: a genuine packet decrypted
 * OK carries exactly what was sent, for as long as MPPE itself can promise
 * it: no junk has reached that receiver (junk that happens to decrypt to a
 * valid protocol moves it), the sender never got more than 2000 counts
 * ahead of the last packet accepted nor delivered a held-back one very
 * late (the 12-bit count is ambiguous), and, under Linux's reset policy, no
 * Reset answer was
 * lost or overtaken (Linux's scheme cannot recover from that; see
 * test_mppe.c).
 *
 * Seeds in fuzz/corpus/mppe_decrypt/ were made with the senders of this
 * library and the same start key: genuine traffic in each configuration,
 * and raw records holding real encrypted packets.
 */
#include <uppp/mppe.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PKT_MAX 2048
#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c))                                                                                  \
            abort();                                                                               \
    } while (0)

/* RFC 3079 section 3.5's server send start key. */
static const uint8_t start_key[16] = {0x8b, 0x7c, 0xdc, 0x14, 0x9b, 0x99, 0x3a, 0x1b,
                                      0xa1, 0x18, 0xcb, 0x15, 0x3f, 0x56, 0xdc, 0xcb};

struct pkt {
    uint8_t b[PKT_MAX];
    size_t len;
    uint8_t payload[32];
    size_t plen;
    int genuine;
    int answers_reset;
    int64_t seq;
};

struct side {
    struct uppp_mppe *tx, *rx;
    int stateless, linux_policy;
    unsigned max_rekey;
    int64_t seq, last_ok_seq;
    int reset_pending;
    int tainted; /* the stateful oracle no longer applies */
    uint64_t calls;
    int fatal;
    struct pkt held;
    int have_held;
};

static int side_init(struct side *s, int bits, int stateless, int policy, unsigned max_rekey)
{
    struct uppp_mppe_config cfg = {
        .bits = bits, .stateless = stateless, .reset_policy = policy, .max_rekey = max_rekey};
    memcpy(cfg.start_key, start_key, 16);
    memset(s, 0, sizeof(*s));
    s->stateless = stateless;
    s->linux_policy = policy == UPPP_MPPE_RESET_LINUX;
    s->max_rekey = max_rekey ? max_rekey : UPPP_MPPE_DEFAULT_MAX_REKEY;
    s->last_ok_seq = -1; /* the initial count 4095 */
    if (uppp_mppe_new(&s->tx, &cfg) != 0)
        return -1;
    if (uppp_mppe_new(&s->rx, &cfg) != 0) {
        uppp_mppe_del(s->tx);
        return -1;
    }
    return 0;
}

static void deliver(struct side *s, const struct pkt *p)
{
    uint8_t buf[PKT_MAX];
    memcpy(buf, p->b, p->len);
    struct uppp_mppe_stats before, after;
    CHECK(uppp_mppe_get_stats(s->rx, &before) == 0);
    struct uppp_mppe_rx rx;
    int res = uppp_mppe_decrypt(s->rx, buf, p->len, &rx);
    s->calls++;
    CHECK(res >= UPPP_MPPE_OK && res <= UPPP_MPPE_FATAL);
    CHECK(uppp_mppe_get_stats(s->rx, &after) == 0);
    /* Work per packet is bounded: the stateless cap, or at most 15 missed
     * flag packets, one key change and (Linux policy) 3 for lost answers in
     * stateful mode. */
    CHECK(after.rekeys - before.rekeys <= (s->stateless ? s->max_rekey : 16 + 3));
    CHECK(after.packets + after.dropped == s->calls);
    if (s->fatal)
        CHECK(res == UPPP_MPPE_FATAL && rx.reason == UPPP_MPPE_DROP_DEAD);
    if (res == UPPP_MPPE_FATAL)
        s->fatal = 1;
    if (res == UPPP_MPPE_NEED_RESET)
        CHECK(!s->stateless && rx.reason == UPPP_MPPE_DROP_PACKET_LOSS &&
              uppp_mppe_rx_waiting(s->rx));
    if (res != UPPP_MPPE_OK) {
        CHECK(rx.reason > UPPP_MPPE_DROP_NONE && rx.reason < UPPP_MPPE_DROP_REASON_COUNT);
        CHECK(rx.payload == NULL && rx.payload_len == 0);
        CHECK(uppp_mppe_drop_reason_str(rx.reason) != NULL);
        return;
    }
    CHECK(rx.reason == UPPP_MPPE_DROP_NONE);
    CHECK(uppp_mppe_protocol_encrypted(rx.protocol) && (rx.protocol & 1));
    CHECK(rx.payload > buf && rx.payload + rx.payload_len == buf + p->len);
    if (p->genuine && !s->tainted) {
        CHECK(rx.protocol == 0x0021);
        CHECK(rx.payload_len == p->plen && memcmp(rx.payload, p->payload, p->plen) == 0);
        s->last_ok_seq = p->seq;
    }
}

static void send_one(struct side *s, struct pkt *p)
{
    if (s->seq - s->last_ok_seq > 2000)
        s->tainted = 1;
    p->seq = s->seq;
    p->plen = 1 + (size_t)(s->seq % 31);
    for (size_t i = 0; i < p->plen; i++)
        p->payload[i] = (uint8_t)(s->seq * 7 + i);
    int n = uppp_mppe_encrypt(s->tx, 0x0021, p->payload, p->plen, p->b, sizeof(p->b));
    CHECK(n == (int)p->plen + UPPP_MPPE_OVERHEAD);
    p->len = (size_t)n;
    p->genuine = 1;
    p->answers_reset = !s->stateless && s->reset_pending;
    s->reset_pending = 0;
    s->seq++;
}

static void reset_request(struct side *s)
{
    CHECK(uppp_mppe_reset_requested(s->tx) == 0);
    s->reset_pending = 1;
}

static void traffic(struct side *s, uint8_t ctl)
{
    struct pkt p;
    if (ctl & 8)
        reset_request(s);
    send_one(s, &p);
    /* Under Linux's policy, a lost or overtaken Reset answer desyncs. */
    int fragile = s->linux_policy && p.answers_reset;
    if (ctl & 1) {
        s->tainted |= fragile;
    } else if ((ctl & 4) && !s->have_held) {
        s->held = p;
        s->have_held = 1;
        s->tainted |= fragile;
        return;
    } else {
        deliver(s, &p);
        if (ctl & 2)
            deliver(s, &p);
    }
    if (s->have_held) {
        s->have_held = 0;
        /* Held back across a gap: a packet that late is indistinguishable
         * from one far ahead (stateful receivers treat up to 256 counts
         * behind as late, stateless ones half the count space), so MPPE
         * cannot promise anything about it. */
        if (s->seq - s->held.seq > (s->stateless ? 2000 : 200))
            s->tainted = 1;
        deliver(s, &s->held);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const int bits_of[4] = {40, 56, 128, 128};
    static const unsigned cap_of[4] = {0, 1, 16, UPPP_MPPE_MAX_REKEY_LIMIT};
    int bits = bits_of[data[0] & 3];
    int policy = (data[0] & 4) ? UPPP_MPPE_RESET_RFC3078 : UPPP_MPPE_RESET_LINUX;
    unsigned cap = cap_of[(data[0] >> 3) & 3];
    static struct side sides[2];
    if (side_init(&sides[0], bits, 0, policy, cap) != 0)
        return 0;
    if (side_init(&sides[1], bits, 1, policy, cap) != 0) {
        uppp_mppe_del(sides[0].tx);
        uppp_mppe_del(sides[0].rx);
        return 0;
    }
    size_t i = 1;
    /* Bound the work per input, keeping enough to cross the count wrap
     * twice: at most 64 operations and 8192 packets from each sender. */
    for (int ops = 0; i < size && ops < 64 && sides[0].seq < 8192; ops++) {
        uint8_t op = data[i++];
        switch (op & 3) {
        case 0: {
            size_t len = (size_t)((op >> 2) & 7) * 256;
            if (i < size)
                len += data[i++];
            if (len > size - i)
                len = size - i;
            static struct pkt p;
            memcpy(p.b, data + i, len);
            p.len = len;
            p.genuine = 0;
            i += len;
            for (int k = 0; k < 2; k++) {
                sides[k].tainted = 1;
                deliver(&sides[k], &p);
            }
            break;
        }
        case 1:
            for (int n = (op >> 2) + 1; n > 0 && i < size; n--, i++)
                for (int k = 0; k < 2; k++)
                    traffic(&sides[k], data[i]);
            break;
        case 2: {
            int n = i < size ? 4 * data[i++] : 0;
            for (int k = 0; k < 2; k++) {
                static struct pkt p;
                for (int j = 0; j < n; j++) {
                    send_one(&sides[k], &p);
                    sides[k].tainted |= sides[k].linux_policy && p.answers_reset;
                }
            }
            break;
        }
        case 3:
            for (int k = 0; k < 2; k++)
                reset_request(&sides[k]);
            break;
        }
    }
    for (int k = 0; k < 2; k++) {
        uppp_mppe_del(sides[k].tx);
        uppp_mppe_del(sides[k].rx);
    }
    return 0;
}
