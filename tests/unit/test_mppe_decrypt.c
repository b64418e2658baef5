/*
 * Unit tests of mppe-decrypt's parts (tools/mppe_decrypt/): the PPP header
 * split (RFC 1661 section 2, ACFC/PFC of section 6.5/6.6), the pppd record
 * and hex-dump readers (md_wire.h), and the key derivation against the real
 * pppd 2.4.9 exchanges of shared/captures (password "testpass123").
 *
 * Known answers: NtPasswordHash 1efb5058... is what mppe-keys prints and
 * its S= equals pppd's Success in mschapv2-mppe128.txt; the start keys
 * were computed independently with Python's hashlib SHA-1 from RFC 3079
 * sections 2.4 (v1: SHA1(hh|hh|challenge)) and 3.4 (v2: GetMasterKey,
 * GetAsymetricStartKey with Magic3 for the server's send key).
 */
#include "testutil.h"

#include "md_capture.h"
#include "md_frame.h"
#include "md_keys.h"

#include <uppp/err.h>

#include <stdio.h>

/* ---- PPP header: table of (frame, rc, protocol, information length) ---- */
static void test_ppp_split(void **state)
{
    (void)state;
    static const struct {
        const char *hex;
        int rc;
        uint16_t proto;
        size_t info_len;
    } rows[] = {
        {"ff03c0210101", 0, 0xc021, 2}, /* Address/Control, full Protocol */
        {"c0210101", 0, 0xc021, 2},     /* ACFC */
        {"fd9000aa", 0, 0x00fd, 3},     /* ACFC + PFC: MPPE as pppd sends it */
        {"ff03fd9000", 0, 0x00fd, 2},   /* PFC only */
        {"0021", 0, 0x0021, 0},         /* empty Information */
        {"ff03", UPPP_ERR_PARSE, 0, 0}, /* no Protocol at all */
        {"00", UPPP_ERR_PARSE, 0, 0},   /* even single octet */
        {"0000", UPPP_ERR_PARSE, 0, 0}, /* even second octet: not a Protocol */
        {"", UPPP_ERR_PARSE, 0, 0},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        uint8_t f[16];
        size_t n = tu_hex(rows[i].hex, f, sizeof(f));
        uint16_t proto = 0;
        const uint8_t *info;
        size_t il = 99;
        int rc = md_ppp_split(f, n, &proto, &info, &il);
        assert_int_equal(rc, rows[i].rc);
        if (rc == 0) {
            assert_int_equal(proto, rows[i].proto);
            assert_int_equal(il, rows[i].info_len);
        }
    }
}

/* ---- readers: a file's bytes -> units or an error ---- */
struct want_unit {
    enum md_dir dir;
    enum md_unit_kind kind;
    uint64_t ts_us;
    const char *hex;
};

static void check_reader(const char *what, const uint8_t *data, size_t len, int open_rc,
                         const struct want_unit *want, size_t nwant, int end_rc,
                         const char *err_part)
{
    FILE *fp = fmemopen((void *)data, len, "rb");
    assert_non_null(fp);
    char err[256] = "";
    struct md_input *in = NULL;
    int rc = md_input_open(&in, fp, err, sizeof(err));
    if (rc != open_rc)
        fail_msg("%s: open %d, want %d (%s)", what, rc, open_rc, err);
    if (rc != 0) {
        assert_non_null(strstr(err, err_part));
        return;
    }
    for (size_t i = 0; i < nwant; i++) {
        struct md_unit u;
        assert_int_equal(md_input_next(in, &u), 1);
        uint8_t b[64];
        size_t n = tu_hex(want[i].hex, b, sizeof(b));
        assert_int_equal(u.dir, want[i].dir);
        assert_int_equal(u.kind, want[i].kind);
        assert_int_equal(u.ts_us, want[i].ts_us);
        assert_int_equal(u.len, n);
        assert_memory_equal(u.data, b, n);
    }
    struct md_unit u;
    rc = md_input_next(in, &u);
    if (rc != end_rc)
        fail_msg("%s: end %d, want %d", what, rc, end_rc);
    if (err_part != NULL)
        assert_non_null(strstr(md_input_error(in), err_part));
    md_input_close(in);
}

static void test_record_reader(void **state)
{
    (void)state;
    /* time start 100 s, 1 sent chunk, a 0.5 s step, 1 received chunk, a
     * long step of 25.6 s, 1 sent chunk, then the end markers. */
    static const uint8_t good[] = {7, 0, 0,    0, 100, 1, 0, 3, 0x7e, 0xff, 0x03, 6,    5, 2,
                                   0, 1, 0x7e, 5, 0,   0, 1, 0, 1,    0,    1,    0x7d, 3, 4};
    const struct want_unit w[] = {
        {MD_DIR_A, MD_UNIT_HDLC, 100000000, "7eff03"},
        {MD_DIR_B, MD_UNIT_HDLC, 100500000, "7e"},
        {MD_DIR_A, MD_UNIT_HDLC, 126100000, "7d"},
    };
    check_reader("record", good, sizeof(good), 0, w, 3, 0, NULL);
    /* Truncated inside a chunk, inside a length, inside a time step. */
    static const uint8_t t1[] = {1, 0, 5, 0x7e, 0x7e};
    check_reader("record data cut", t1, sizeof(t1), 0, NULL, 0, UPPP_ERR_PARSE, "truncated");
    static const uint8_t t2[] = {2, 0};
    check_reader("record length cut", t2, sizeof(t2), 0, NULL, 0, UPPP_ERR_PARSE, "truncated");
    static const uint8_t t3[] = {5, 0, 0};
    check_reader("record step cut", t3, sizeof(t3), 0, NULL, 0, UPPP_ERR_PARSE, "truncated");
    static const uint8_t bad[] = {1, 0, 1, 0x7e, 9};
    const struct want_unit wb[] = {{MD_DIR_A, MD_UNIT_HDLC, 0, "7e"}};
    check_reader("record bad type", bad, sizeof(bad), 0, wb, 1, UPPP_ERR_PARSE,
                 "unknown item type 9 at offset 4");
}

static void test_hex_reader(void **state)
{
    (void)state;
    static const char good[] = "# comment\n"
                               "1.5 A>P wire=7e ppp=ff03c021 fcs=ok\n"
                               "2.25 P>A wire=7e ppp=fd9000 fcs=BAD\n"
                               "3 P>A wire=7e ppp=fd9001 fcs=ok\n";
    const struct want_unit w[] = {
        {MD_DIR_A, MD_UNIT_FRAME, 1500000, "ff03c021"},
        {MD_DIR_B, MD_UNIT_FRAME, 3000000, "fd9001"}, /* fcs=BAD skipped */
    };
    check_reader("hex", (const uint8_t *)good, strlen(good), 0, w, 2, 0, NULL);
    static const char nodir[] = "1.0 X>Y ppp=00 fcs=ok\n";
    check_reader("hex no dir", (const uint8_t *)nodir, strlen(nodir), 0, NULL, 0, UPPP_ERR_PARSE,
                 "A>P or P>A");
    static const char noppp[] = "1.0 A>P wire=7e fcs=ok\n";
    check_reader("hex no ppp", (const uint8_t *)noppp, strlen(noppp), 0, NULL, 0, UPPP_ERR_PARSE,
                 "without ppp=");
    static const char garbage[] = "GET / HTTP/1.0\r\n";
    check_reader("garbage", (const uint8_t *)garbage, strlen(garbage), UPPP_ERR_PARSE, NULL, 0, 0,
                 "not a pcap");
    /* A pcap header cut short: libpcap refuses it. */
    static const uint8_t shortpcap[] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0};
    check_reader("short pcap", shortpcap, sizeof(shortpcap), UPPP_ERR_PARSE, NULL, 0, 0, "libpcap");
}

/* ---- keys: the real exchanges ---- */
static void handshake(struct md_handshake *h, int v2)
{
    memset(h, 0, sizeof(*h));
    h->v2 = v2;
    if (v2) {
        tu_hex("74fad8ccfe64e37624778159e1ab365e", h->chal, 16);
        tu_hex("06f79fdb67a4a96aefabf6bd0921e841 0000000000000000"
               "65a54e97b8cc1b7e6466834be39c7652a4131b79d8eaff1c 00",
               h->resp, sizeof(h->resp));
    } else {
        tu_hex("02b5951eefe7e146", h->chal, 8);
        tu_hex("000000000000000000000000000000000000000000000000"
               "f527c4cb82866b6ff3703808fefdf75231fd470938bb1896 01",
               h->resp, sizeof(h->resp));
    }
    strcpy(h->user, "testuser");
    h->user_len = 8;
}

static void test_keys(void **state)
{
    (void)state;
    static const struct {
        int v2;
        enum md_cred_kind kind;
        const char *secret; /* password, or NT hash in hex */
        int rc;
        const char *a_send, *a_recv;
    } rows[] = {
        {1, MD_CRED_PASSWORD, "testpass123", 0, "98134c550b405630632e67ae89c34be9",
         "4496b0f7381f987620252f313fc0c45d"},
        {1, MD_CRED_NTHASH, "1efb50581482d84f9e57737b846a32b0", 0,
         "98134c550b405630632e67ae89c34be9", "4496b0f7381f987620252f313fc0c45d"},
        {0, MD_CRED_PASSWORD, "testpass123", 0, "6227c876040332639bb7190a573a0060",
         "6227c876040332639bb7190a573a0060"},
        {1, MD_CRED_PASSWORD, "testpass124", UPPP_ERR_AUTH, NULL, NULL},
        {0, MD_CRED_PASSWORD, "Testpass123", UPPP_ERR_AUTH, NULL, NULL},
        {0, MD_CRED_NTHASH, "00000000000000000000000000000000", UPPP_ERR_AUTH, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct md_handshake h;
        handshake(&h, rows[i].v2);
        struct md_creds c;
        memset(&c, 0, sizeof(c));
        c.kind = rows[i].kind;
        if (c.kind == MD_CRED_PASSWORD)
            snprintf(c.password, sizeof(c.password), "%s", rows[i].secret);
        else
            assert_int_equal(md_keys_parse_hex16(rows[i].secret, c.nt_hash), 0);
        struct md_session_keys k;
        int rc = md_keys_derive(&h, &c, &k);
        if (rc != rows[i].rc)
            fail_msg("row %zu: rc %d, want %d", i, rc, rows[i].rc);
        if (rc != 0)
            continue;
        uint8_t want[16];
        tu_hex(rows[i].a_send, want, 16);
        assert_memory_equal(k.a_send, want, 16);
        tu_hex(rows[i].a_recv, want, 16);
        assert_memory_equal(k.a_recv, want, 16);
        /* v1 with a password also has the LM key (RFC 3079 2.1/2.2). */
        assert_int_equal(k.have_lm, !rows[i].v2 && c.kind == MD_CRED_PASSWORD);
    }
    /* The password check alone. */
    struct md_handshake h;
    handshake(&h, 1);
    assert_int_equal(md_keys_check_password(&h, "testpass123", 11), 0);
    assert_int_equal(md_keys_check_password(&h, "testpass12", 10), UPPP_ERR_AUTH);
    /* A user name with a domain: RFC 2759 8.2 hashes only the part after
     * the backslash, so the same response still matches. */
    strcpy(h.user, "CORP\\testuser");
    h.user_len = strlen(h.user);
    assert_int_equal(md_keys_check_password(&h, "testpass123", 11), 0);
}

static void test_parse_hex16(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int rc;
    } rows[] = {
        {"1efb50581482d84f9e57737b846a32b0", 0},
        {"1EFB50581482D84F9E57737B846A32B0", 0},
        {"1efb50581482d84f9e57737b846a32b", UPPP_ERR_PARSE},
        {"1efb50581482d84f9e57737b846a32b00", UPPP_ERR_PARSE},
        {"1efb50581482d84f9e57737b846a32bg", UPPP_ERR_PARSE},
        {"", UPPP_ERR_PARSE},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        uint8_t out[16];
        assert_int_equal(md_keys_parse_hex16(rows[i].in, out), rows[i].rc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ppp_split),   cmocka_unit_test(test_record_reader),
        cmocka_unit_test(test_hex_reader),  cmocka_unit_test(test_keys),
        cmocka_unit_test(test_parse_hex16),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
