/*
 * Capture readers (md_capture.h): pcap/pcapng via libpcap with PPP link
 * types (tcpdump.org LINKTYPE_PPP, PPP_HDLC, PPP_WITH_DIR) or link types
 * carrying IP, where PPTP is demultiplexed (md_ip.h, md_pptp.h); pppd's
 * record file (pppd(8) "record"), and the shared/captures hex dumps.
 */
#include "md_capture.h"
#include "md_ip.h"
#include "md_pptp.h"
#include "md_wire.h"

#include <uppp/err.h>
#include <uppp/hex.h>

#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum md_format { FMT_PCAP, FMT_RECORD, FMT_HEX };

struct md_input {
    enum md_format fmt;
    FILE *fp;
    pcap_t *pcap;
    int dlt;
    int pcapng;
    struct md_pptp *pptp; /* link types carrying IP */
    int eof;
    uint64_t skipped;
    char err[256];
    /* record: the clock in tenths of a second past rec_base */
    uint64_t rec_base_s, rec_tenths;
    uint64_t rec_off;
    /* one record or line at a time */
    uint8_t *buf;
    char *line;
};

static void set_err(struct md_input *in, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_err(struct md_input *in, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(in->err, sizeof(in->err), fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------------------------ pcap */

/* One decoder per PPP link type: the record's octets to a unit. Returns 1
 * with *u filled, 0 to skip the record. Link types carrying IP go to the
 * PPTP demultiplexer instead (md_link_carries_ip()). */
typedef int (*link_decode_fn)(const uint8_t *p, size_t n, struct md_unit *u);

static int decode_ppp(const uint8_t *p, size_t n, struct md_unit *u)
{
    /* LINKTYPE_PPP and PPP_HDLC: Cisco HDLC (first octet 0x0F/0x8F) can
     * share PPP_HDLC; it carries no PPP, so it is skipped. */
    if (n < 1 || p[0] == 0x0f || p[0] == 0x8f)
        return 0;
    u->dir = MD_DIR_UNKNOWN;
    u->data = p;
    u->len = n;
    return 1;
}

static int decode_ppp_with_dir(const uint8_t *p, size_t n, struct md_unit *u)
{
    if (n < 2)
        return 0;
    /* Octet 0: 0 = received by the capturing host, non-zero = sent. */
    u->dir = p[0] ? MD_DIR_A : MD_DIR_B;
    u->data = p + 1;
    u->len = n - 1;
    return 1;
}

static const struct {
    int dlt;
    link_decode_fn decode;
} link_types[] = {
    {MD_DLT_PPP, decode_ppp},
    {MD_DLT_PPP_SERIAL, decode_ppp},
    {MD_DLT_PPP_WITH_DIR, decode_ppp_with_dir},
};

static link_decode_fn find_decoder(int dlt)
{
    for (size_t i = 0; i < sizeof(link_types) / sizeof(link_types[0]); i++)
        if (link_types[i].dlt == dlt)
            return link_types[i].decode;
    return NULL;
}

/* A record of a link type carrying IP: to the PPTP demultiplexer, which
 * queues the frames it completes. */
static int pcap_ip_record(struct md_input *in, uint64_t ts_us, const uint8_t *p, size_t n)
{
    const uint8_t *ip;
    size_t len;
    if (!md_link_ipv4(in->dlt, p, n, &ip, &len)) {
        in->skipped++;
        return 0;
    }
    return md_pptp_input(in->pptp, ts_us, ip, len);
}

static int pcap_next_unit(struct md_input *in, struct md_unit *u)
{
    link_decode_fn dec = find_decoder(in->dlt);
    for (;;) {
        if (in->pptp != NULL && md_pptp_next(in->pptp, u))
            return 1;
        if (in->eof)
            return in->err[0] != '\0' ? UPPP_ERR_PARSE : 0;
        struct pcap_pkthdr *h;
        const u_char *p;
        int rc = pcap_next_ex(in->pcap, &h, &p);
        if (rc != 1 && rc != PCAP_ERROR_BREAK)
            set_err(in, "%s", pcap_geterr(in->pcap));
        if (rc != 1) {
            /* The end, or a truncated file: what the PPTP receivers still
             * hold comes out first. */
            in->eof = 1;
            if (in->pptp != NULL && (rc = md_pptp_finish(in->pptp)) != 0)
                return rc;
            continue;
        }
        if (in->pptp != NULL) {
            rc = pcap_ip_record(in, (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec, p,
                                h->caplen);
            if (rc != 0)
                return rc;
            continue;
        }
        /* libpcap checks caplen against the snapshot length; bound it to
         * what a PPP frame can be here too. */
        size_t n = h->caplen < MD_MAX_FRAME + 8 ? h->caplen : MD_MAX_FRAME + 8;
        memset(u, 0, sizeof(*u));
        u->ts_us = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
        u->kind = MD_UNIT_FRAME;
        if (dec != NULL && dec(p, n, u))
            return 1;
        in->skipped++;
    }
}

/* ---------------------------------------------------------- pppd record */

static int rd(struct md_input *in, void *p, size_t n)
{
    if (n == 0)
        return 0;
    if (fread(p, 1, n, in->fp) != n) {
        set_err(in, "pppd record truncated at offset %llu", (unsigned long long)in->rec_off);
        return UPPP_ERR_PARSE;
    }
    in->rec_off += n;
    return 0;
}

static int record_next_unit(struct md_input *in, struct md_unit *u)
{
    for (;;) {
        int c = fgetc(in->fp);
        if (c == EOF)
            return 0;
        uint64_t at = in->rec_off++;
        uint8_t b[4];
        switch (c) {
        case MD_REC_SENT:
        case MD_REC_RECV: {
            if (rd(in, b, 2) != 0)
                return UPPP_ERR_PARSE;
            size_t n = (size_t)b[0] << 8 | b[1];
            if (rd(in, in->buf, n) != 0)
                return UPPP_ERR_PARSE;
            memset(u, 0, sizeof(*u));
            u->ts_us = in->rec_base_s * 1000000u + in->rec_tenths * 100000u;
            u->dir = c == MD_REC_SENT ? MD_DIR_A : MD_DIR_B;
            u->kind = MD_UNIT_HDLC;
            u->data = in->buf;
            u->len = n;
            return 1;
        }
        case MD_REC_SEND_END:
        case MD_REC_RECV_END:
            break;
        case MD_REC_STEP32:
            if (rd(in, b, 4) != 0)
                return UPPP_ERR_PARSE;
            in->rec_tenths += (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | b[2] << 8 | b[3];
            break;
        case MD_REC_STEP8:
            if (rd(in, b, 1) != 0)
                return UPPP_ERR_PARSE;
            in->rec_tenths += b[0];
            break;
        case MD_REC_TIMESTART:
            if (rd(in, b, 4) != 0)
                return UPPP_ERR_PARSE;
            in->rec_base_s = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | b[2] << 8 | b[3];
            in->rec_tenths = 0;
            break;
        default:
            set_err(in, "pppd record: unknown item type %d at offset %llu", c,
                    (unsigned long long)at);
            return UPPP_ERR_PARSE;
        }
    }
}

/* ------------------------------------------------------------- hex dump */

/* "<seconds> <A>P|P>A> wire=<hex> ppp=<hex> fcs=ok|BAD": the ppp= field is
 * the frame unstuffed, without flags and FCS. Lines with fcs=BAD are
 * skipped as a receiver would drop them. */
static int hex_next_unit(struct md_input *in, struct md_unit *u)
{
    unsigned long lineno = 0;
    while (fgets(in->line, MD_HEX_MAX_LINE, in->fp) != NULL) {
        lineno++;
        size_t ll = strlen(in->line);
        if (ll == MD_HEX_MAX_LINE - 1 && in->line[ll - 1] != '\n' && !feof(in->fp)) {
            set_err(in, "hex dump: a line longer than %d characters", MD_HEX_MAX_LINE - 2);
            return UPPP_ERR_PARSE;
        }
        if (in->line[0] == '#' || in->line[0] == '\n')
            continue;
        char *end;
        double t = strtod(in->line, &end);
        if (end == in->line || t < 0 || t > 1e12) {
            set_err(in, "hex dump: a line without a time stamp");
            return UPPP_ERR_PARSE;
        }
        enum md_dir dir;
        if (strncmp(end, " A>P ", 5) == 0)
            dir = MD_DIR_A;
        else if (strncmp(end, " P>A ", 5) == 0)
            dir = MD_DIR_B;
        else {
            set_err(in, "hex dump: a line without A>P or P>A");
            return UPPP_ERR_PARSE;
        }
        const char *ppp = strstr(end, " ppp=");
        if (ppp == NULL) {
            set_err(in, "hex dump: a line without ppp=");
            return UPPP_ERR_PARSE;
        }
        if (strstr(end, " fcs=ok") == NULL) {
            in->skipped++;
            continue;
        }
        /* The frame is the run of digit pairs after ppp=; an odd last
         * digit is not part of it. */
        const char *hex = ppp + 5;
        size_t digits = 0;
        while (uppp_hex_digit((unsigned char)hex[digits]) >= 0)
            digits++;
        int n = uppp_hex_decode(in->buf, MD_MAX_FRAME, hex, digits & ~(size_t)1);
        if (n < 0) {
            set_err(in, "hex dump: a frame longer than %d octets", MD_MAX_FRAME);
            return UPPP_ERR_PARSE;
        }
        memset(u, 0, sizeof(*u));
        u->ts_us = (uint64_t)(t * 1e6 + 0.5);
        u->dir = dir;
        u->kind = MD_UNIT_FRAME;
        u->data = in->buf;
        u->len = (size_t)n;
        return 1;
    }
    return 0;
}

/* ------------------------------------------------------------- dispatch */

int md_input_open(struct md_input **out, FILE *fp, char *err, size_t errlen)
{
    uint8_t m[4] = {0};
    size_t got = fread(m, 1, sizeof(m), fp);
    if (fseek(fp, 0, SEEK_SET) != 0) {
        snprintf(err, errlen, "the capture must be a regular file (cannot seek)");
        fclose(fp);
        return UPPP_ERR_PARSE;
    }
    struct md_input *in = calloc(1, sizeof(*in));
    if (in == NULL) {
        fclose(fp);
        return UPPP_ERR_NOMEM;
    }
    in->fp = fp;
    uint32_t be = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
    /* pcap (µs and ns, either byte order) and pcapng's section header. */
    if (got == 4 && (be == 0xa1b2c3d4 || be == 0xd4c3b2a1 || be == 0xa1b23c4d || be == 0x4d3cb2a1 ||
                     be == 0x0a0d0d0a)) {
        char ebuf[PCAP_ERRBUF_SIZE] = "";
        in->fmt = FMT_PCAP;
        in->pcapng = be == 0x0a0d0d0a;
        in->pcap = pcap_fopen_offline(fp, ebuf);
        if (in->pcap == NULL) {
            snprintf(err, errlen, "libpcap: %s", ebuf);
            md_input_close(in);
            return UPPP_ERR_PARSE;
        }
        in->fp = NULL; /* pcap_close() closes it */
        in->dlt = pcap_datalink(in->pcap);
        if (md_link_carries_ip(in->dlt) && md_pptp_new(&in->pptp) != 0) {
            md_input_close(in);
            return UPPP_ERR_NOMEM;
        }
        if (find_decoder(in->dlt) == NULL && in->pptp == NULL) {
            const char *name = pcap_datalink_val_to_name(in->dlt);
            snprintf(err, errlen,
                     "link type %d (%s) is not read: PPP, PPP_SERIAL, PPP_WITH_DIR, and for "
                     "PPTP Ethernet, LINUX_SLL, LINUX_SLL2, RAW and IPV4 are",
                     in->dlt, name ? name : "unknown");
            md_input_close(in);
            return UPPP_ERR_PARSE;
        }
        *out = in;
        return 0;
    }
    if (got >= 1 && m[0] >= MD_REC_SENT && m[0] <= MD_REC_TIMESTART) {
        in->fmt = FMT_RECORD;
        in->buf = malloc(MD_REC_MAX_DATA);
    } else if (got >= 1 && (m[0] == '#' || (m[0] >= '0' && m[0] <= '9'))) {
        in->fmt = FMT_HEX;
        in->buf = malloc(MD_MAX_FRAME);
        in->line = malloc(MD_HEX_MAX_LINE);
        if (in->line == NULL) {
            md_input_close(in);
            return UPPP_ERR_NOMEM;
        }
    } else {
        snprintf(err, errlen, "%s: not a pcap, pcapng, pppd record file or hex dump",
                 got == 0 ? "empty file" : "unknown format");
        md_input_close(in);
        return UPPP_ERR_PARSE;
    }
    if (in->buf == NULL) {
        md_input_close(in);
        return UPPP_ERR_NOMEM;
    }
    *out = in;
    return 0;
}

int md_input_next(struct md_input *in, struct md_unit *u)
{
    if (in->err[0] != '\0' && in->fmt != FMT_PCAP)
        return UPPP_ERR_PARSE;
    switch (in->fmt) {
    case FMT_PCAP:
        return pcap_next_unit(in, u);
    case FMT_RECORD:
        return record_next_unit(in, u);
    case FMT_HEX:
        return hex_next_unit(in, u);
    }
    return UPPP_ERR_INVALID;
}

const char *md_input_format(const struct md_input *in)
{
    switch (in->fmt) {
    case FMT_PCAP:
        return in->pcapng ? "pcapng" : "pcap";
    case FMT_RECORD:
        return "pppd-record";
    case FMT_HEX:
        return "hex";
    }
    return "?";
}

const char *md_input_error(const struct md_input *in)
{
    return in->err;
}

uint64_t md_input_skipped(const struct md_input *in)
{
    return in->skipped;
}

const struct md_pptp_stats *md_input_pptp(const struct md_input *in, const struct md_ip_stats **ip)
{
    if (in->pptp == NULL)
        return NULL;
    if (ip != NULL)
        *ip = md_pptp_ip_stats(in->pptp);
    return md_pptp_stats(in->pptp);
}

void md_input_close(struct md_input *in)
{
    if (in == NULL)
        return;
    if (in->pcap != NULL)
        pcap_close(in->pcap);
    md_pptp_del(in->pptp);
    if (in->fp != NULL)
        fclose(in->fp);
    free(in->buf);
    free(in->line);
    free(in);
}
