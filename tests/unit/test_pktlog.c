/*
 * pppd-style packet log lines (src/util/pktlog.c).
 *
 * 1. Replay: every control frame of both captured pppd 2.4.9 sessions is
 *    rendered and must appear, character for character, in the debug log
 *    of the pppd that sent it ("sent ...") and of the one that received it
 *    ("rcvd ..."). The logs and frames are read from UPPP_SHARED_DIR.
 * 2. Known answers for what the captures do not contain, worked out by hand
 *    from pppd 2.4.9's print functions (lcp.c, ipcp.c, ipv6cp.c, ccp.c,
 *    upap.c, chap-new.c, cbcp.c, ipxcp.c, eap.c, utils.c, main.c), one row
 *    per quirk.
 * 3. Buffer handling: truncation is a prefix, always NUL-terminated, never
 *    past cap; bad arguments are refused.
 */
#include "testutil.h"

#include <uppp/pktlog.h>
#include <uppp/err.h>

#include <stdio.h>
#include <stdlib.h>

/* ---- helpers ---- */

static char line[4096];

/* Render protocol + hex info with the given flags into line. */
static const char *fmt(const char *dir, uint16_t proto, const char *hex, unsigned flags)
{
    uint8_t info[1024];
    size_t n = tu_hex(hex, info, sizeof(info));
    int rc = uppp_pktlog_format(line, sizeof(line), dir, proto, info, n, flags);
    assert_true(rc >= 0);
    assert_int_equal((size_t)rc, strlen(line));
    return line;
}

/* Control packet: code, id, then body; the Length field is filled in. */
static const char *cp(uint16_t proto, unsigned code, unsigned id, const char *body, unsigned flags)
{
    uint8_t info[1024];
    size_t n = tu_hex(body, info + 4, sizeof(info) - 4) + 4;
    info[0] = (uint8_t)code;
    info[1] = (uint8_t)id;
    info[2] = (uint8_t)(n >> 8);
    info[3] = (uint8_t)n;
    int rc = uppp_pktlog_format(line, sizeof(line), NULL, proto, info, n, flags);
    assert_true(rc >= 0);
    assert_int_equal((size_t)rc, strlen(line));
    return line;
}

/* Text as hex, for strings inside packets. */
static const char *txt(const char *s)
{
    static char hex[8][600];
    static int slot;
    char *h = hex[slot++ % 8];
    h[0] = 0;
    for (; *s; s++)
        sprintf(h + strlen(h), "%02x", (unsigned char)*s);
    return h;
}

/* ---- 1. the captures ---- */

struct capture {
    char **log[2]; /* [0] = A, [1] = P: lines of each pppd's debug log */
    size_t nlog[2];
    int *used[2];
};

static char *xstrdup(const char *s)
{
    char *d = malloc(strlen(s) + 1);
    assert_non_null(d);
    strcpy(d, s);
    return d;
}

static FILE *open_shared(const char *name)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/captures/%s", UPPP_SHARED_DIR, name);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        fail_msg("cannot open %s", path);
    return f;
}

static void chomp(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = 0;
}

/* The .txt holds "==== A console log" and "==== P console log" sections. */
static void load_logs(struct capture *cap, const char *name)
{
    FILE *f = open_shared(name);
    char buf[4096];
    int side = -1;
    memset(cap, 0, sizeof(*cap));
    for (int s = 0; s < 2; s++) {
        cap->log[s] = calloc(512, sizeof(char *));
        cap->used[s] = calloc(512, sizeof(int));
        assert_non_null(cap->log[s]);
        assert_non_null(cap->used[s]);
    }
    while (fgets(buf, sizeof(buf), f) != NULL) {
        chomp(buf);
        if (strncmp(buf, "==== A console log", 18) == 0) {
            side = 0;
            continue;
        }
        if (strncmp(buf, "==== P console log", 18) == 0) {
            side = 1;
            continue;
        }
        if (side < 0)
            continue;
        assert_true(cap->nlog[side] < 512);
        cap->log[side][cap->nlog[side]++] = xstrdup(buf);
    }
    fclose(f);
    assert_true(cap->nlog[0] > 10 && cap->nlog[1] > 10);
}

static void free_logs(struct capture *cap)
{
    for (int s = 0; s < 2; s++) {
        for (size_t i = 0; i < cap->nlog[s]; i++)
            free(cap->log[s][i]);
        free(cap->log[s]);
        free(cap->used[s]);
    }
}

/* Find want among the not yet matched lines of one log; mark it matched. */
static int take(struct capture *cap, int side, const char *want)
{
    for (size_t i = 0; i < cap->nlog[side]; i++) {
        if (!cap->used[side][i] && strcmp(cap->log[side][i], want) == 0) {
            cap->used[side][i] = 1;
            return 1;
        }
    }
    return 0;
}

/* Replay one capture; returns the number of control frames checked. */
static int replay(const char *stem, const char *expect_missing)
{
    char name[256];
    struct capture cap;
    snprintf(name, sizeof(name), "%s.txt", stem);
    load_logs(&cap, name);
    snprintf(name, sizeof(name), "%s.hex", stem);
    FILE *f = open_shared(name);

    char buf[8192];
    int control = 0, data = 0, missing = 0;
    while (fgets(buf, sizeof(buf), f) != NULL) {
        chomp(buf);
        if (buf[0] == '#' || buf[0] == 0)
            continue;
        const char *dir = strstr(buf, " A>P ") ? "A>P" : strstr(buf, " P>A ") ? "P>A" : NULL;
        char *ppp = strstr(buf, " ppp=");
        assert_non_null(dir);
        assert_non_null(ppp);
        assert_non_null(strstr(buf, " fcs=ok"));
        ppp += 5;
        *strchr(ppp, ' ') = 0;
        static uint8_t frame[4096];
        size_t n = tu_hex(ppp, frame, sizeof(frame));
        int sender = dir[0] == 'A' ? 0 : 1;

        char sent[2048], rcvd[2048];
        assert_true(uppp_pktlog_format_frame(sent, sizeof(sent), "sent", frame, n, 0) > 0);
        assert_true(uppp_pktlog_format_frame(rcvd, sizeof(rcvd), "rcvd", frame, n, 0) > 0);

        /* MPPE data (protocol 0x00fd with PFC) never reaches pppd: the
         * kernel decrypts it. pppd would print it as compressed data. */
        if (frame[0] == 0xfd) {
            data++;
            assert_memory_equal(sent, "sent [Compressed data] ", 23);
            assert_string_equal(sent + strlen(sent) - 4, " ...");
            continue;
        }
        control++;
        if (!take(&cap, sender, sent))
            fail_msg("%s: %s frame %s: \"%s\" not in %c's log", stem, dir, ppp, sent, "AP"[sender]);
        if (!take(&cap, !sender, rcvd)) {
            /* The receiver may have stopped logging before the frame came. */
            missing++;
            assert_string_equal(rcvd, expect_missing);
        }
    }
    fclose(f);
    free_logs(&cap);
    assert_true(data > 10);
    /* A's pppd exits on the first Terminate-Ack and never logs the second. */
    assert_int_equal(missing, 1);
    return control;
}

static void test_capture_mschapv2(void **state)
{
    (void)state;
    assert_int_equal(replay("mschapv2-mppe128", "rcvd [LCP TermAck id=0x3]"), 25);
}

static void test_capture_mschapv1(void **state)
{
    (void)state;
    assert_int_equal(replay("mschapv1-mppe128", "rcvd [LCP TermAck id=0x3]"), 25);
}

/* ---- 2. known answers ---- */

static void test_lcp_options(void **state)
{
    (void)state;
    assert_string_equal(cp(0xc021, 1, 5,
                           "010405dc 0206000a0000 0304c023 0305c22305 0305c22380 0305c22381"
                           " 0305c22307 0304c227 03041234 0408c0250000000a 0506deadbeef"
                           " 0702 0802 0d0306 0d0301 110405f4 1202",
                           0),
                        "[LCP ConfReq id=0x5 <mru 1500> <asyncmap 0xa0000> <auth pap>"
                        " <auth chap MD5> <auth chap MS> <auth chap MS-v2> <auth chap 07>"
                        " <auth eap> <auth 0x1234> <quality lqr 00 00 00 0a>"
                        " <magic 0xdeadbeef> <pcomp> <accomp> <callback CBCP> <callback 0x1>"
                        " <mrru 1524> <ssnhf>]");
    /* Unknown options (FCS-Alternatives is one) and known ones of the wrong
     * length are dumped whole, type and length included. */
    assert_string_equal(cp(0xc021, 3, 1, "090302 010505dc00 070300 05040000", 0),
                        "[LCP ConfNak id=0x1 < 09 03 02> < 01 05 05 dc 00> < 07 03 00>"
                        " < 05 04 00 00>]");
    assert_string_equal(cp(0xc021, 4, 2, "0304c223", 0), "[LCP ConfRej id=0x2 <auth chap>]");
}

static void test_lcp_endpoint(void **state)
{
    (void)state;
    assert_string_equal(cp(0xc021, 1, 1,
                           "130300 130702c0000201 130601aabbcc 130b040102030405060708"
                           " 130605313233 130509aabb 130903001122334455",
                           0),
                        "[LCP ConfReq id=0x1 <endpoint [null]> <endpoint [IP:192.0.2.1]>"
                        " <endpoint [local:aa.bb.cc]> <endpoint [magic:01020304.05060708]>"
                        " <endpoint [phone:31.32.33]> <endpoint [9:aa.bb]>"
                        " <endpoint [MAC:00:11:22:33:44:55]>]");
    /* A 6-byte MAC class with 7 bytes is dotted; more than 20 bytes are
     * cut at 20 and the rest is dumped. */
    assert_string_equal(cp(0xc021, 1, 1,
                           "130a03 00112233445566"
                           " 1319010001020304050607080910111213141516171819 2021",
                           0),
                        "[LCP ConfReq id=0x1 <endpoint [MAC:00.11.22.33.44.55.66]>"
                        " <endpoint [local:00.01.02.03.04.05.06.07.08.09.10.11.12.13.14.15.16"
                        ".17.18.19] 20 21>]");
}

static void test_lcp_codes(void **state)
{
    (void)state;
    assert_string_equal(cp(0xc021, 5, 2, txt("MPPE disabled"), 0),
                        "[LCP TermReq id=0x2 \"MPPE disabled\"]");
    assert_string_equal(cp(0xc021, 6, 2, "", 0), "[LCP TermAck id=0x2]");
    /* A reason that does not start printable is dumped in hex. */
    assert_string_equal(cp(0xc021, 5, 2, "0141", 0), "[LCP TermReq id=0x2 01 41]");
    /* print_string escapes; a byte >= 0x80 goes through pppd's signed char
     * to "%o" as 0xffffffe9. */
    assert_string_equal(cp(0xc021, 5, 3, "41225c0a0d09007fe9", 0),
                        "[LCP TermReq id=0x3 \"A\\\"\\\\\\n\\r\\t\\000\\177\\37777777751\"]");
    assert_string_equal(cp(0xc021, 9, 3, "c3350600", 0), "[LCP EchoReq id=0x3 magic=0xc3350600]");
    assert_string_equal(cp(0xc021, 10, 3, "112233445566", 0),
                        "[LCP EchoRep id=0x3 magic=0x11223344 55 66]");
    assert_string_equal(cp(0xc021, 10, 4, "1122", 0), "[LCP EchoRep id=0x4 11 22]");
    assert_string_equal(cp(0xc021, 11, 4, "00000000", 0), "[LCP DiscReq id=0x4 magic=0x0]");
    assert_string_equal(cp(0xc021, 7, 5, "0e010004", 0), "[LCP CodeRej id=0x5 0e 01 00 04]");
    assert_string_equal(cp(0xc021, 8, 6, "80fd01010004", 0),
                        "[LCP ProtRej id=0x6 80 fd 01 01 00 04]");
    assert_string_equal(cp(0xc021, 12, 7, "00000001 68656c6c", 0),
                        "[LCP Ident id=0x7 magic=0x1 \"hell\"]");
    assert_string_equal(cp(0xc021, 13, 8, "00000002 0000003c 62796521", 0),
                        "[LCP TimeRem id=0x8 magic=0x2 seconds=60 \"bye!\"]");
    /* Time-Remaining without its seconds: the rest is hex, not a string. */
    assert_string_equal(cp(0xc021, 13, 8, "00000002 003c", 0),
                        "[LCP TimeRem id=0x8 magic=0x2 00 3c]");
    assert_string_equal(cp(0xc021, 0x20, 9, "aabb", 0), "[LCP code=0x20 id=0x9 aa bb]");
    assert_string_equal(cp(0xc021, 0, 9, "", 0), "[LCP code=0x0 id=0x9]");
}

static void test_lcp_malformed(void **state)
{
    (void)state;
    /* Length beyond the data: the printer gives up and format_packet dumps
     * everything after "[LCP]". */
    assert_string_equal(fmt(NULL, 0xc021, "01010020 010405dc", 0), "[LCP] 01 01 00 20 01 04 05 dc");
    assert_string_equal(fmt(NULL, 0xc021, "0101", 0), "[LCP] 01 01");
    assert_string_equal(fmt(NULL, 0xc021, "01010003", 0), "[LCP] 01 01 00 03");
    assert_string_equal(fmt(NULL, 0xc021, "", 0), "[LCP]");
    /* Padding after Length is dumped after the bracket. */
    assert_string_equal(fmt(NULL, 0xc021, "09010008 00000001 ffff", 0),
                        "[LCP EchoReq id=0x1 magic=0x1] ff ff");
    /* An option longer than what is left, or shorter than 2, ends the list. */
    assert_string_equal(fmt(NULL, 0xc021, "01010007 010405", 0), "[LCP ConfReq id=0x1 01 04 05]");
    assert_string_equal(fmt(NULL, 0xc021, "01010008 07000802", 0),
                        "[LCP ConfReq id=0x1 07 00 08 02]");
    /* LCP shows at most 32 trailing bytes, format_packet too. */
    char body[200] = "", want[400] = "[LCP CodeRej id=0x1";
    for (int i = 0; i < 40; i++) {
        sprintf(body + strlen(body), "%02x", i);
        if (i < 32)
            sprintf(want + strlen(want), " %02x", i);
    }
    strcat(want, " ...]");
    assert_string_equal(cp(0xc021, 7, 1, body, 0), want);
    char raw[200] = "0101ffff", want2[400] = "[LCP]";
    for (int i = 0; i < 36; i++)
        sprintf(raw + strlen(raw), "%02x", i);
    uint8_t tmp[64];
    tu_hex(raw, tmp, sizeof(tmp));
    for (int i = 0; i < 32; i++)
        sprintf(want2 + strlen(want2), " %02x", tmp[i]);
    strcat(want2, " ...");
    assert_string_equal(fmt(NULL, 0xc021, raw, 0), want2);
}

static void test_pap(void **state)
{
    (void)state;
    char body[200];
    snprintf(body, sizeof(body), "08%s06%s", txt("testuser"), txt("secret"));
    assert_string_equal(cp(0xc023, 1, 1, body, 0),
                        "[PAP AuthReq id=0x1 user=\"testuser\" password=<hidden>]");
    assert_string_equal(cp(0xc023, 1, 1, body, UPPP_PKTLOG_SHOW_PASSWORD),
                        "[PAP AuthReq id=0x1 user=\"testuser\" password=\"secret\"]");
    assert_null(strstr(cp(0xc023, 1, 1, body, 0), "secret"));
    /* Malformed (password longer than the packet): pppd dumps the bytes in
     * hex, password included; by default we do not. */
    assert_string_equal(cp(0xc023, 1, 1, "026162057365 63", UPPP_PKTLOG_SHOW_PASSWORD),
                        "[PAP AuthReq id=0x1 02 61 62 05 73 65 63]");
    assert_string_equal(cp(0xc023, 1, 1, "026162057365 63", 0), "[PAP AuthReq id=0x1 <hidden>]");
    assert_string_equal(fmt(NULL, 0xc023, "01010040 0261620573656372", 0), "[PAP] <hidden>");
    /* Padding after a well-formed request is not secret. */
    assert_string_equal(fmt(NULL, 0xc023, "0107000a 01610373 6563 eeee", 0),
                        "[PAP AuthReq id=0x7 user=\"a\" password=<hidden>] ee ee");
    assert_string_equal(cp(0xc023, 2, 1, "026f6b", 0), "[PAP AuthAck id=0x1 \"ok\"]");
    assert_string_equal(cp(0xc023, 2, 1, "026f6bff", 0), "[PAP AuthAck id=0x1 \"ok\" ff]");
    assert_string_equal(cp(0xc023, 3, 2, "00", 0), "[PAP AuthNak id=0x2 \"\"]");
    assert_string_equal(cp(0xc023, 3, 2, "05aa", 0), "[PAP AuthNak id=0x2 05 aa]");
    assert_string_equal(cp(0xc023, 9, 2, "aa", 0), "[PAP code=0x9 id=0x2 aa]");
}

static void test_chap(void **state)
{
    (void)state;
    char body[300];
    snprintf(body, sizeof(body), "%s", txt("E=691 R=1 C=0123456789ABCDEF0123456789ABCDEF V=3"));
    assert_string_equal(cp(0xc223, 4, 0x11, body, 0),
                        "[CHAP Failure id=0x11 \"E=691 R=1 C=0123456789ABCDEF0123456789ABCDEF"
                        " V=3\"]");
    assert_string_equal(cp(0xc223, 3, 1, "", 0), "[CHAP Success id=0x1 \"\"]");
    assert_string_equal(cp(0xc223, 1, 2, "02aabb", 0),
                        "[CHAP Challenge id=0x2 <aabb>, name = \"\"]");
    assert_string_equal(cp(0xc223, 2, 2, "00", 0), "[CHAP Response id=0x2 <>, name = \"\"]");
    /* A value longer than the packet: nothing more, and pppd counts the
     * whole Length as printed, so there is no dump either. */
    assert_string_equal(cp(0xc223, 1, 1, "10aabbcc", 0), "[CHAP Challenge id=0x1]");
    assert_string_equal(cp(0xc223, 2, 1, "", 0), "[CHAP Response id=0x1]");
    assert_string_equal(cp(0xc223, 7, 1, "aabb", 0), "[CHAP code=0x7 id=0x1 aa bb]");
    assert_string_equal(fmt(NULL, 0xc223, "03010005 41 ffff", 0),
                        "[CHAP Success id=0x1 \"A\"] ff ff");
}

static void test_ccp(void **state)
{
    (void)state;
    assert_string_equal(cp(0x80fd, 1, 1, "120601000040", 0),
                        "[CCP ConfReq id=0x1 <mppe +H -M +S -L -D -C>]");
    assert_string_equal(cp(0x80fd, 3, 1, "1206000000f1", 0),
                        "[CCP ConfNak id=0x1 <mppe -H +M +S +L +D +C>]");
    /* Bits outside RFC 3078 add "+U" and the four octets. */
    assert_string_equal(cp(0x80fd, 1, 2, "120601000042 120603000040 120601010040", 0),
                        "[CCP ConfReq id=0x2 <mppe +H -M +S -L -D -C +U (01 00 00 42)>"
                        " <mppe +H -M +S -L -D -C +U (03 00 00 40)>"
                        " <mppe +H -M +S -L -D -C +U (01 01 00 40)>]");
    assert_string_equal(cp(0x80fd, 1, 3,
                           "1a047800 18047800 1a047901 15032f 0102 0202 0104aabb"
                           " 110600000001 12040100 120701000040ee",
                           0),
                        "[CCP ConfReq id=0x3 <deflate 15> <deflate(old#) 15>"
                        " <deflate 15 method 9 check 1> <bsd v1 15> <predictor 1> <predictor 2>"
                        " <predictor 1 aa bb> < 11 06 00 00 00 01> < 12 04 01 00>"
                        " <mppe +H -M +S -L -D -C ee>]");
    assert_string_equal(cp(0x80fd, 14, 5, "", 0), "[CCP ResetReq id=0x5]");
    assert_string_equal(cp(0x80fd, 15, 5, "", 0), "[CCP ResetAck id=0x5]");
    /* ccp_printpkt puts no space before a Terminate reason. */
    assert_string_equal(cp(0x80fd, 5, 3, txt("nope"), 0), "[CCP TermReq id=0x3\"nope\"]");
    assert_string_equal(cp(0x80fd, 8, 1, "", 0), "[CCP code=0x8 id=0x1]");
    assert_string_equal(cp(0x80fd, 16, 1, "aa", 0), "[CCP code=0x10 id=0x1 aa]");
    /* CCP dumps every trailing byte, not just 32. */
    char body[200] = "", want[400] = "[CCP ResetReq id=0x1";
    for (int i = 0; i < 40; i++) {
        sprintf(body + strlen(body), "%02x", i);
        sprintf(want + strlen(want), " %02x", i);
    }
    strcat(want, "]");
    assert_string_equal(cp(0x80fd, 14, 1, body, 0), want);
}

static void test_ipcp(void **state)
{
    (void)state;
    assert_string_equal(cp(0x8021, 1, 1,
                           "010a0a0000010a000002 02040037 02040061 0206002d0f01 0306c0000201"
                           " 810608080808 830608080404 82060a000005 84060a000006 03040a00",
                           0),
                        "[IPCP ConfReq id=0x1 <addrs 10.0.0.1 10.0.0.2> <compress old-VJ>"
                        " <compress 0x61> <compress VJ 0f 01> <addr 192.0.2.1>"
                        " <ms-dns1 8.8.8.8> <ms-dns2 8.8.4.4> <ms-wins1 10.0.0.5>"
                        " <ms-wins2 10.0.0.6> < 03 04 0a 00>]");
    /* pppd reads a DNS option as six bytes whatever its length: a short one
     * swallows the next option and what follows the packet. */
    assert_string_equal(fmt(NULL, 0x8021, "0101000c 8102 0306c0000201 aabbccdd", 0),
                        "[IPCP ConfReq id=0x1 <ms-dns1 3.6.192.0> 02 01 aa bb cc dd]");
    assert_string_equal(cp(0x8021, 6, 2, "", 0), "[IPCP TermAck id=0x2]");
    assert_string_equal(cp(0x8021, 5, 2, txt("bye"), 0), "[IPCP TermReq id=0x2 \"bye\"]");
    assert_string_equal(cp(0x8021, 8, 2, "0102", 0), "[IPCP code=0x8 id=0x2 01 02]");
}

static void test_ipv6cp(void **state)
{
    (void)state;
    assert_string_equal(cp(0x8057, 1, 1, "010a0000000000000001 0204004f 0106000000 01", 0),
                        "[IPV6CP ConfReq id=0x1 <addr fe80::0000:0000:0000:0001>"
                        " <compress 0x4f> < 01 06 00 00 00 01>]");
    assert_string_equal(cp(0x8057, 7, 1, "aa", 0), "[IPV6CP CodeRej id=0x1 aa]");
}

static void test_other_control(void **state)
{
    (void)state;
    assert_string_equal(
        cp(0x802b, 1, 1, "01060000abcd 02080011223344 55 03040002 04040002 050661220162 0602", 0),
        "[IPXCP ConfReq id=0x1 <network abcd> <node 001122334455>"
        " <compression 2> <router proto 2> <router name \"a\" \\01b\">"
        " <complete>]");
    /* ECP has no printer in pppd: everything is dumped. */
    assert_string_equal(fmt(NULL, 0x8053, "01010004", 0), "[ECP] 01 01 00 04");
    assert_string_equal(cp(0xc029, 1, 5, "0102 03030a", 0),
                        "[CBCP Request id=0x5 < NoCallback> < AdminDefined delay = 10>]");
    /* cbcp_printpkt prints the number raw and does not step over it, so
     * format_packet dumps it again. */
    assert_string_equal(cp(0xc029, 2, 6, "020a0501353535313233", 0),
                        "[CBCP Response id=0x6 < UserDefined delay = 5 number = 555123>]"
                        " 35 35 35 31 32 33");
    /* A bad option length ends the list after pppd has stepped over it:
     * the two bytes after the packet's Length are dumped instead. */
    assert_string_equal(fmt(NULL, 0xc029, "03060006 0901 eeff", 0), "[CBCP Ack id=0x6 ee ff]");
}

static void test_eap(void **state)
{
    (void)state;
    assert_string_equal(cp(0xc227, 1, 1, "01", 0), "[EAP Request id=0x1 Identity <No message>]");
    assert_string_equal(cp(0xc227, 1, 1, "01 4e616d65", 0),
                        "[EAP Request id=0x1 Identity <Message \"Name\">]");
    assert_string_equal(cp(0xc227, 2, 1, "01 7465737475736572", 0),
                        "[EAP Response id=0x1 Identity <Name \"testuser\">]");
    assert_string_equal(cp(0xc227, 2, 2, "031a", 0),
                        "[EAP Response id=0x2 Nak <Suggested-type 1a (MSCHAPv2)>]");
    assert_string_equal(cp(0xc227, 1, 3, "04 04aabbccdd 737276", 0),
                        "[EAP Request id=0x3 MD5-Challenge <Value aa bb cc dd> <Name \"srv\">]");
    assert_string_equal(cp(0xc227, 2, 3, "04 01aa", 0),
                        "[EAP Response id=0x3 MD5-Challenge <Value aa> <No name>]");
    assert_string_equal(cp(0xc227, 3, 4, "", 0), "[EAP Success id=0x4]");
    assert_string_equal(cp(0xc227, 1, 5, "", 0), "[EAP Request id=0x5 <missing type>]");
    assert_string_equal(cp(0xc227, 1, 5, "07", 0), "[EAP Request id=0x5 type=0x7]");
    assert_string_equal(cp(0xc227, 1, 6, "0d20", 0), "[EAP Request id=0x6 TLS --S]");
    assert_string_equal(cp(0xc227, 2, 6, "0d00", 0), "[EAP Response id=0x6 TLS Ack]");
    /* "%8B..." prints no bytes: a long tail is a bare "...". */
    assert_string_equal(cp(0xc227, 1, 7, "0dc0 00010203040506070809", 0),
                        "[EAP Request id=0x7 TLS LM- ...]");
    assert_string_equal(cp(0xc227, 1, 8, "04 05aa", 0),
                        "[EAP Request id=0x8 MD5-Challenge <truncated> aa]");
    assert_string_equal(
        cp(0xc227, 1, 9, "1a 01 09 001a 10 00112233445566778899aabbccddeeff 737276", 0),
        "[EAP Request id=0x9 MSCHAPv2 Challenge <00112233445566778899aabbccddeeff>,"
        " <Name \"srv\">]");
    assert_string_equal(cp(0xc227, 2, 9, "1a 03", 0), "[EAP Response id=0x9 MSCHAPv2 Success]");
    assert_string_equal(fmt(NULL, 0xc227, "01010010 0d", 0), "[EAP] 01 01 00 10 0d");
}

static void test_data_and_unknown(void **state)
{
    (void)state;
    assert_string_equal(fmt("sent", 0x0021, "4500005400004000 4001", 0),
                        "sent [IP data] 45 00 00 54 00 00 40 00 ...");
    assert_string_equal(fmt("rcvd", 0x0057, "6000", 0), "rcvd [IPv6 data] 60 00");
    assert_string_equal(fmt("rcvd", 0x00fd, "90005fa2ab0c0be3", 0),
                        "rcvd [Compressed data] 90 00 5f a2 ab 0c 0b e3");
    assert_string_equal(fmt("rcvd", 0x0053, "01", 0), "rcvd [Encrypted data] 01");
    assert_string_equal(fmt("rcvd", 0x002b, "ffff", 0), "rcvd [IPX data] ff ff");
    assert_string_equal(fmt("rcvd", 0x0021, "", 0), "rcvd [IP data]");
    /* Compression on a single link of a bundle (RFC 1962 section 2) is not
     * in pppd's table. */
    assert_string_equal(fmt("rcvd", 0x80fb, "01010004", 0), "rcvd [proto=0x80fb] 01 01 00 04");
    assert_string_equal(fmt("rcvd", 0x00fb, "", 0), "rcvd [proto=0xfb]");
    assert_string_equal(fmt("rcvd", 0x4021, "00", 0), "rcvd [proto=0x4021] 00");
    char body[200] = "", want[400] = "[proto=0x1234]";
    for (int i = 0; i < 40; i++) {
        sprintf(body + strlen(body), "%02x", i);
        if (i < 32)
            sprintf(want + strlen(want), " %02x", i);
    }
    strcat(want, " ...");
    assert_string_equal(fmt(NULL, 0x1234, body, 0), want);
}

static void test_frames(void **state)
{
    (void)state;
    uint8_t f[64];
    char out[256];
    size_t n = tu_hex("ff03c02109010008 00000001", f, sizeof(f));
    assert_int_equal(uppp_pktlog_format_frame(out, sizeof(out), "rcvd", f, n, 0),
                     (int)strlen("rcvd [LCP EchoReq id=0x1 magic=0x1]"));
    assert_string_equal(out, "rcvd [LCP EchoReq id=0x1 magic=0x1]");
    /* ACFC and PFC */
    n = tu_hex("fd 9000", f, sizeof(f));
    assert_true(uppp_pktlog_format_frame(out, sizeof(out), NULL, f, n, 0) > 0);
    assert_string_equal(out, "[Compressed data] 90 00");
    n = tu_hex("21 45", f, sizeof(f));
    assert_true(uppp_pktlog_format_frame(out, sizeof(out), NULL, f, n, 0) > 0);
    assert_string_equal(out, "[IP data] 45");
    /* Frames that end inside the protocol field. */
    assert_int_equal(uppp_pktlog_format_frame(out, sizeof(out), NULL, f, 0, 0), UPPP_ERR_PARSE);
    assert_string_equal(out, "");
    n = tu_hex("ff03", f, sizeof(f));
    assert_int_equal(uppp_pktlog_format_frame(out, sizeof(out), NULL, f, n, 0), UPPP_ERR_PARSE);
    n = tu_hex("ff03c0", f, sizeof(f));
    assert_int_equal(uppp_pktlog_format_frame(out, sizeof(out), NULL, f, n, 0), UPPP_ERR_PARSE);
    n = tu_hex("c0", f, sizeof(f));
    assert_int_equal(uppp_pktlog_format_frame(out, sizeof(out), NULL, f, n, 0), UPPP_ERR_PARSE);
    assert_int_equal(uppp_pktlog_format_frame(NULL, 1, NULL, f, n, 0), UPPP_ERR_INVALID);
    assert_int_equal(uppp_pktlog_format_frame(out, 0, NULL, f, n, 0), UPPP_ERR_INVALID);
    assert_int_equal(uppp_pktlog_format_frame(out, 8, NULL, NULL, 1, 0), UPPP_ERR_INVALID);
}

/* ---- 3. buffers and arguments ---- */

static void test_truncation(void **state)
{
    (void)state;
    uint8_t info[64];
    size_t n = tu_hex("01010019 0206000000000305c22381050600c3350607020802", info, sizeof(info));
    const char *full = "sent [LCP ConfReq id=0x1 <asyncmap 0x0> <auth chap MS-v2>"
                       " <magic 0xc33506> <pcomp> <accomp>]";
    size_t flen = strlen(full);
    char buf[256];
    for (size_t cap = 1; cap <= flen + 3; cap++) {
        memset(buf, 'X', sizeof(buf));
        int rc = uppp_pktlog_format(buf, cap, "sent", 0xc021, info, n, 0);
        size_t want = cap - 1 < flen ? cap - 1 : flen;
        assert_int_equal(rc, (int)want);
        assert_int_equal(buf[want], '\0');
        assert_memory_equal(buf, full, want);
        for (size_t i = cap; i < sizeof(buf); i++)
            assert_int_equal(buf[i], 'X');
    }
    /* pppd's own 1024-byte line: a 396-byte CCP dump is cut at 1023. */
    static uint8_t big[400];
    big[0] = 14;
    big[2] = 400 >> 8;
    big[3] = 400 & 0xff;
    char pl[UPPP_PKTLOG_PPPD_LINE_MAX];
    int rc = uppp_pktlog_format(pl, sizeof(pl), "rcvd", 0x80fd, big, sizeof(big), 0);
    assert_int_equal(rc, UPPP_PKTLOG_PPPD_LINE_MAX - 1);
    assert_memory_equal(pl, "rcvd [CCP ResetReq id=0x0 00 00", 31);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    uint8_t info[4] = {9, 1, 0, 4};
    char buf[64] = "untouched";
    assert_int_equal(uppp_pktlog_format(NULL, 64, "sent", 0xc021, info, 4, 0), UPPP_ERR_INVALID);
    assert_int_equal(uppp_pktlog_format(buf, 0, "sent", 0xc021, info, 4, 0), UPPP_ERR_INVALID);
    assert_string_equal(buf, "untouched");
    assert_int_equal(uppp_pktlog_format(buf, 64, "sent", 0xc021, NULL, 4, 0), UPPP_ERR_INVALID);
    assert_int_equal(uppp_pktlog_format(buf, 64, "sent", 0xc021, info, 4, 0x80), UPPP_ERR_INVALID);
    assert_int_equal(uppp_pktlog_format(buf, 64, "sent", 0xc021, info, (size_t)INT32_MAX + 1, 0),
                     UPPP_ERR_INVALID);
    assert_int_equal(uppp_pktlog_format(buf, 64, "sent", 0xc021, NULL, 0, 0), 10);
    assert_string_equal(buf, "sent [LCP]");
    assert_int_equal(uppp_pktlog_format(buf, 1, "sent", 0xc021, info, 4, 0), 0);
    assert_string_equal(buf, "");
}

static void test_is_lcp_echo(void **state)
{
    (void)state;
    uint8_t e[8] = {9, 1, 0, 8, 0, 0, 0, 1};
    assert_true(uppp_pktlog_is_lcp_echo(0xc021, e, 8));
    e[0] = 10;
    assert_true(uppp_pktlog_is_lcp_echo(0xc021, e, 8));
    assert_false(uppp_pktlog_is_lcp_echo(0x8021, e, 8));
    assert_false(uppp_pktlog_is_lcp_echo(0xc021, e, 7)); /* Length beyond the data */
    assert_false(uppp_pktlog_is_lcp_echo(0xc021, e, 3));
    assert_false(uppp_pktlog_is_lcp_echo(0xc021, NULL, 8));
    e[3] = 3;
    assert_false(uppp_pktlog_is_lcp_echo(0xc021, e, 8));
    e[3] = 8;
    e[0] = 11;
    assert_false(uppp_pktlog_is_lcp_echo(0xc021, e, 8));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capture_mschapv2),
        cmocka_unit_test(test_capture_mschapv1),
        cmocka_unit_test(test_lcp_options),
        cmocka_unit_test(test_lcp_endpoint),
        cmocka_unit_test(test_lcp_codes),
        cmocka_unit_test(test_lcp_malformed),
        cmocka_unit_test(test_pap),
        cmocka_unit_test(test_chap),
        cmocka_unit_test(test_ccp),
        cmocka_unit_test(test_ipcp),
        cmocka_unit_test(test_ipv6cp),
        cmocka_unit_test(test_other_control),
        cmocka_unit_test(test_eap),
        cmocka_unit_test(test_data_and_unknown),
        cmocka_unit_test(test_frames),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_is_lcp_echo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
