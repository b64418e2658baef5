/*
 * Linux compatibility of the MPPE engine on real wire data: the captures in
 * shared/captures/ are pppd 2.4.9 + Linux 6.1 ppp_mppe sessions (MPPE
 * 128-bit stateless, password "testpass123"). From the CHAP exchange in the
 * capture we derive the start keys (RFC 3079 sections 2.4 and 3.4), then
 * decrypt every MPPE frame in both directions and check that each is a
 * well-formed IPv4 (header checksum, total length) or IPv6 packet.
 *
 * NtPasswordHash (RFC 2759 section 8.3) is done here with MD4 directly, since
 * the MS-CHAP module lives on another branch; the password is ASCII, so
 * UTF-16LE is a zero byte after each character.
 */
#include "testutil.h"

#include <uppp/err.h>
#include <uppp/hex.h>
#include <uppp/mppe.h>
#include <uppp/mppe_keys.h>

#include "crypto.h"

#include <stdio.h>
#include <stdlib.h>

#define PASSWORD "testpass123"
#define MAX_FRAMES 256
#define MAX_FRAME 2048

struct frame {
    int a_to_p; /* 1: authenticator -> peer */
    size_t len;
    uint8_t ppp[MAX_FRAME];
};

struct capture {
    size_t n;
    struct frame f[MAX_FRAMES];
};

/* Reads "<t> <A>P|P>A> wire=... ppp=<hex> fcs=ok" lines; keeps ppp=. */
static void load_capture(const char *name, struct capture *cap)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/captures/%s", UPPP_SHARED_DIR, name);
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        fail_msg("cannot open %s", path);
    static char line[16384];
    cap->n = 0;
    while (fgets(line, sizeof(line), fp) != NULL) {
        if (line[0] == '#')
            continue;
        const char *dir = strstr(line, " A>P ") ? "A>P" : strstr(line, " P>A ") ? "P>A" : NULL;
        const char *ppp = strstr(line, " ppp=");
        if (dir == NULL || ppp == NULL)
            continue;
        assert_non_null(strstr(line, " fcs=ok"));
        assert_true(cap->n < MAX_FRAMES);
        struct frame *f = &cap->f[cap->n++];
        f->a_to_p = dir[0] == 'A';
        const char *hex = ppp + 5;
        size_t digits = 0;
        while (uppp_hex_digit((unsigned char)hex[digits]) >= 0)
            digits++;
        int n = uppp_hex_decode(f->ppp, MAX_FRAME, hex, digits & ~(size_t)1);
        assert_true(n >= 0);
        f->len = (size_t)n;
    }
    fclose(fp);
    assert_true(cap->n > 0);
}

/* Strips Address/Control if present and the (possibly PFC-compressed)
 * protocol; returns the information field or NULL if proto differs. */
static const uint8_t *ppp_info(const struct frame *f, uint16_t proto, size_t *len)
{
    const uint8_t *p = f->ppp;
    size_t n = f->len;
    if (n >= 2 && p[0] == 0xff && p[1] == 0x03) {
        p += 2;
        n -= 2;
    }
    uint16_t got;
    if (n >= 1 && (p[0] & 1)) {
        got = p[0];
        p++;
        n--;
    } else if (n >= 2) {
        got = (uint16_t)(p[0] << 8 | p[1]);
        p += 2;
        n -= 2;
    } else {
        return NULL;
    }
    if (got != proto)
        return NULL;
    *len = n;
    return p;
}

/* RFC 2759 section 8.3 NtPasswordHash and 8.4 HashNtPasswordHash for an
 * ASCII password. */
static void password_hash_hash(uint8_t hh[16])
{
    uint8_t u16[2 * sizeof(PASSWORD)], h[16];
    size_t n = strlen(PASSWORD);
    for (size_t i = 0; i < n; i++) {
        u16[2 * i] = (uint8_t)PASSWORD[i];
        u16[2 * i + 1] = 0;
    }
    assert_int_equal(uppp_md4(u16, 2 * n, h), 0);
    assert_int_equal(uppp_md4(h, 16, hh), 0);
}

/* The CHAP packet (RFC 1994 section 4) with this code: its Value. */
static const uint8_t *chap_value(const struct capture *cap, uint8_t code, size_t *vlen)
{
    for (size_t i = 0; i < cap->n; i++) {
        size_t n;
        const uint8_t *c = ppp_info(&cap->f[i], 0xc223, &n);
        if (c == NULL || n < 5 || c[0] != code)
            continue;
        assert_true((size_t)c[4] + 5 <= n);
        *vlen = c[4];
        return c + 5;
    }
    fail_msg("no CHAP code %u in capture", code);
    return NULL;
}

static uint16_t csum16(const uint8_t *p, size_t n)
{
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        s += (uint32_t)p[n - 1] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static void assert_ip_packet(uint16_t proto, const uint8_t *p, size_t n)
{
    if (proto == 0x0021) {
        assert_true(n >= 20);
        assert_int_equal(p[0] >> 4, 4);
        size_t ihl = (size_t)(p[0] & 0xf) * 4;
        assert_true(ihl >= 20 && ihl <= n);
        assert_int_equal((size_t)(p[2] << 8 | p[3]), n);
        assert_int_equal(csum16(p, ihl), 0);
    } else {
        assert_int_equal(proto, 0x0057);
        assert_true(n >= 40);
        assert_int_equal(p[0] >> 4, 6);
        assert_int_equal((size_t)(p[4] << 8 | p[5]) + 40, n);
    }
}

/* Decrypts every MPPE frame with receivers keyed a_send (A>P) and p_send
 * (P>A); returns the number decrypted per direction. */
static void decrypt_all(const struct capture *cap, const uint8_t a_send[16],
                        const uint8_t p_send[16], int counts[2])
{
    struct uppp_mppe_config cfg = {.bits = 128, .stateless = 1};
    struct uppp_mppe *rx[2];
    memcpy(cfg.start_key, p_send, 16);
    assert_int_equal(uppp_mppe_new(&rx[0], &cfg), 0);
    memcpy(cfg.start_key, a_send, 16);
    assert_int_equal(uppp_mppe_new(&rx[1], &cfg), 0);
    counts[0] = counts[1] = 0;
    int ipv4 = 0;
    for (size_t i = 0; i < cap->n; i++) {
        const struct frame *f = &cap->f[i];
        size_t n;
        const uint8_t *m = ppp_info(f, UPPP_PPP_PROTO_MPPE, &n);
        if (m == NULL)
            continue;
        /* Linux stateless: every packet FLUSHED and encrypted, and the
         * first one in each direction carries count 0. */
        assert_true(n > UPPP_MPPE_OVERHEAD);
        assert_int_equal(m[0] & 0xf0, UPPP_MPPE_BIT_FLUSHED | UPPP_MPPE_BIT_ENCRYPTED);
        if (counts[f->a_to_p] == 0)
            assert_int_equal(((m[0] & 0x0f) << 8) | m[1], 0);
        uint8_t buf[MAX_FRAME];
        memcpy(buf, m, n);
        struct uppp_mppe_rx r;
        assert_int_equal(uppp_mppe_decrypt(rx[f->a_to_p], buf, n, &r), UPPP_MPPE_OK);
        assert_ip_packet(r.protocol, r.payload, r.payload_len);
        ipv4 += r.protocol == 0x0021;
        counts[f->a_to_p]++;
    }
    /* The sessions ping both ways: ICMP echo over IPv4 in each direction. */
    assert_true(ipv4 >= 6);
    for (int d = 0; d < 2; d++) {
        struct uppp_mppe_stats s;
        assert_int_equal(uppp_mppe_get_stats(rx[d], &s), 0);
        assert_int_equal(s.packets, (uint64_t)counts[d]);
        assert_int_equal(s.dropped, 0);
        uppp_mppe_del(rx[d]);
    }
}

/* MS-CHAPv2 (RFC 2759): keys from MasterKey (RFC 3079 section 3.4). */
static void test_capture_mschapv2(void **state)
{
    (void)state;
    static struct capture cap;
    load_capture("mschapv2-mppe128.hex", &cap);
    size_t vlen;
    const uint8_t *resp = chap_value(&cap, 2, &vlen);
    /* Response value: PeerChallenge[16] Reserved[8] NT-Response[24] Flags */
    assert_int_equal(vlen, 49);
    uint8_t hh[16], a_send[16], a_recv[16];
    password_hash_hash(hh);
    assert_int_equal(uppp_mppe_v2_start_keys(hh, resp + 24, 1, a_send, a_recv), 0);
    int counts[2];
    decrypt_all(&cap, a_send, a_recv, counts);
    assert_int_equal(counts[0], 8); /* P>A */
    assert_int_equal(counts[1], 7); /* A>P */
}

/* MS-CHAPv1 (RFC 2433): one 128-bit start key from the NT hash and the
 * authenticator's challenge (RFC 3079 section 2.4), both directions. */
static void test_capture_mschapv1(void **state)
{
    (void)state;
    static struct capture cap;
    load_capture("mschapv1-mppe128.hex", &cap);
    size_t vlen;
    const uint8_t *chal = chap_value(&cap, 1, &vlen);
    assert_int_equal(vlen, 8);
    uint8_t hh[16], start[16];
    password_hash_hash(hh);
    assert_int_equal(uppp_mppe_v1_nt_start_key(chal, hh, start), 0);
    int counts[2];
    decrypt_all(&cap, start, start, counts);
    assert_true(counts[0] > 0 && counts[1] > 0);
    assert_int_equal(counts[0] + counts[1], 15);
}

/* The wrong password must not decrypt: the IPv4 checks are not vacuous. */
static void test_capture_wrong_key_fails(void **state)
{
    (void)state;
    static struct capture cap;
    load_capture("mschapv2-mppe128.hex", &cap);
    struct uppp_mppe_config cfg = {.bits = 128, .stateless = 1};
    memset(cfg.start_key, 0x42, 16);
    struct uppp_mppe *rx;
    assert_int_equal(uppp_mppe_new(&rx, &cfg), 0);
    int ok_ip = 0;
    for (size_t i = 0; i < cap.n; i++) {
        size_t n;
        const uint8_t *m = ppp_info(&cap.f[i], UPPP_PPP_PROTO_MPPE, &n);
        if (m == NULL || !cap.f[i].a_to_p)
            continue;
        uint8_t buf[MAX_FRAME];
        memcpy(buf, m, n);
        struct uppp_mppe_rx r;
        int res = uppp_mppe_decrypt(rx, buf, n, &r);
        assert_true(res == UPPP_MPPE_OK || res == UPPP_MPPE_DROP);
        if (res == UPPP_MPPE_OK && r.protocol == 0x0021 && r.payload_len >= 20 &&
            (r.payload[0] >> 4) == 4 && csum16(r.payload, 20) == 0)
            ok_ip++;
    }
    assert_int_equal(ok_ip, 0);
    uppp_mppe_del(rx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capture_mschapv2),
        cmocka_unit_test(test_capture_mschapv1),
        cmocka_unit_test(test_capture_wrong_key_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
