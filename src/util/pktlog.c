/*
 * pppd 2.4.9 debug-log rendering of PPP packets (include/uppp/pktlog.h).
 *
 * Packets are RFC 1661 section 5 (Code, Identifier, Length, Data) with
 * options as in section 6; the option numbers come from RFC 1661 (LCP),
 * RFC 1990 (MRRU, SSNHF, endpoint), RFC 1332 and 1877 (IPCP), RFC 5072
 * (IPV6CP), RFC 1962, 1974, 1977, 1978, 1979 and 3078 (CCP), RFC 1552
 * (IPXCP), RFC 1334 (PAP), RFC 1994 (CHAP), RFC 2284 (EAP) and Microsoft's
 * CBCP draft. The text is pppd's, reproduced byte for byte from its
 * behaviour, including its quirks (each is commented where it happens).
 *
 * pppd's printers walk a raw pointer with few bounds checks. We keep their
 * pointer arithmetic, so that malformed packets come out as they do in
 * pppd's log, but read through pk_at(), which returns 0 beyond the packet
 * where pppd would read whatever its buffer held before. Every loop is
 * bounded by the packet's Length field, so the work is linear in len.
 */
#include <uppp/pktlog.h>
#include <uppp/err.h>
#include <uppp/escape.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- output: a string builder that keeps the longest prefix that fits ---- */

struct out {
    char *buf;
    size_t cap; /* >= 1 */
    size_t len; /* < cap; buf[len] == '\0' */
};

static void out_mem(struct out *o, const char *s, size_t n)
{
    size_t room = o->cap - 1 - o->len;
    if (n > room)
        n = room;
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = '\0';
}

static void out_str(struct out *o, const char *s)
{
    out_mem(o, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void out_fmt(struct out *o, const char *fmt, ...)
{
    /* Every format used here expands to well under 64 characters. */
    char tmp[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(tmp))
        n = (int)sizeof(tmp) - 1;
    out_mem(o, tmp, (size_t)n);
}

/* ---- input: the packet with pppd's unchecked reads made safe ---- */

struct ctx {
    struct out o;
    const uint8_t *b; /* the information field */
    long n;           /* its length */
    unsigned flags;
    /* A PAP Authenticate-Request while passwords are hidden: bytes that pppd
     * would dump in hex may hold the password, so they are not shown. */
    int hide_dump;
};

static unsigned at(const struct ctx *c, long i)
{
    return (i >= 0 && i < c->n) ? c->b[i] : 0;
}

static unsigned u16at(const struct ctx *c, long i)
{
    return at(c, i) << 8 | at(c, i + 1);
}

static uint32_t u32at(const struct ctx *c, long i)
{
    return (uint32_t)u16at(c, i) << 16 | u16at(c, i + 2);
}

/* pppd's "%I": dotted quad of an address read in network order. */
static void put_ip(struct ctx *c, long p)
{
    out_fmt(&c->o, "%u.%u.%u.%u", at(c, p), at(c, p + 1), at(c, p + 2), at(c, p + 3));
}

/* pppd's " %.2x" loops and "%.*B": each byte as a space and two hex digits. */
static void put_hex(struct ctx *c, long p, long n)
{
    if (n <= 0)
        return;
    if (c->hide_dump) {
        out_str(&c->o, " <hidden>");
        return;
    }
    for (long i = 0; i < n; i++)
        out_fmt(&c->o, " %02x", at(c, p + i));
}

/* utils.c print_string(): the bytes in double quotes, '"' and '\\' escaped,
 * \n \r \t by name and anything else in octal. pppd reads the bytes through
 * a plain char, which is signed on x86, so 0x80..0xff reach its printf as
 * negative ints and print as the octal of 0xffffff80..0xffffffff, e.g.
 * "\37777777751" for 0xe9 (Debian amd64 pppd 2.4.9 does this). The escaper
 * is the one every log line with a peer string uses (escape.h). */
static void put_string(struct ctx *c, long p, long len)
{
    out_str(&c->o, "\"");
    for (; len > 0; --len, ++p) {
        char e[UPPP_ESCAPE_CHAR_MAX];
        uppp_escape_char(e, (uint8_t)at(c, p), UPPP_ESCAPE_PPPD_SIGNED);
        out_str(&c->o, e);
    }
    out_str(&c->o, "\"");
}

/* " code=0x%x" unless the code has a name. */
static void put_code(struct ctx *c, unsigned code, const char *const *names, unsigned count)
{
    if (code >= 1 && code <= count && names[code - 1] != NULL)
        out_fmt(&c->o, " %s", names[code - 1]);
    else
        out_fmt(&c->o, " code=0x%x", code);
}

/* ---- the control protocols built on the RFC 1661 automaton ---- */

/* RFC 1661 section 5 codes. */
enum {
    CONFREQ = 1,
    CONFACK = 2,
    CONFNAK = 3,
    CONFREJ = 4,
    TERMREQ = 5,
    TERMACK = 6,
    ECHOREQ = 9,
    ECHOREP = 10,
    DISCREQ = 11,
    IDENTIF = 12, /* RFC 1570 */
    TIMEREM = 13, /* RFC 1570 */
};

struct cp_desc {
    const char *const *codes;
    unsigned ncodes;
    /* Print the body of one option that starts at p and ends at optend;
     * return where pppd's pointer is left (it may pass optend). */
    long (*option)(struct ctx *c, unsigned type, unsigned olen, long p, long optend);
    /* Codes beyond Terminate-Ack (LCP only). */
    void (*extra)(struct ctx *c, unsigned code, long *p, long *len);
    int term_space; /* " " before a Terminate reason; CCP prints none */
    int rest_max32; /* LCP dumps at most 32 trailing bytes, then " ..." */
};

static long print_cp(struct ctx *c, const struct cp_desc *d)
{
    if (c->n < 4)
        return 0;
    unsigned code = at(c, 0), id = at(c, 1);
    long len = (long)u16at(c, 2);
    if (len < 4 || len > c->n)
        return 0;
    put_code(c, code, d->codes, d->ncodes);
    out_fmt(&c->o, " id=0x%x", id);
    len -= 4;
    long p = 4;

    if (code >= CONFREQ && code <= CONFREJ) {
        while (len >= 2) {
            unsigned type = at(c, p), olen = at(c, p + 1);
            if (olen < 2 || olen > len)
                break;
            out_str(&c->o, " <");
            len -= olen;
            long optend = p + olen;
            p = d->option(c, type, olen, p, optend);
            for (; p < optend; p++)
                out_fmt(&c->o, " %02x", at(c, p));
            out_str(&c->o, ">");
        }
    } else if (code == TERMREQ || code == TERMACK) {
        /* The reason is shown only if it starts with a printable byte. */
        if (len > 0 && at(c, p) >= 0x20 && at(c, p) < 0x7f) {
            if (d->term_space)
                out_str(&c->o, " ");
            put_string(c, p, len);
            p += len;
            len = 0;
        }
    } else if (d->extra != NULL) {
        d->extra(c, code, &p, &len);
    }

    if (d->rest_max32 && len > 32) {
        put_hex(c, p, 32);
        out_str(&c->o, " ...");
    } else {
        put_hex(c, p, len);
    }
    return p + len;
}

/* LCP (RFC 1661 section 6; RFC 1990 for MRRU, SSNHF and endpoint). */

static const char *const lcp_codes[] = {"ConfReq", "ConfAck", "ConfNak", "ConfRej", "TermReq",
                                        "TermAck", "CodeRej", "ProtRej", "EchoReq", "EchoRep",
                                        "DiscReq", "Ident",   "TimeRem"};

/* multilink.c epdisc_to_str(); RFC 1990 section 5.1.3 classes. pppd shows
 * at most 20 bytes here and dumps the rest of the option in hex. */
static void put_endpoint(struct ctx *c, unsigned cls, long p, unsigned elen)
{
    static const char *const names[] = {"null", "local", "IP", "MAC", "magic", "phone"};
    out_str(&c->o, "endpoint [");
    if (cls == 0 && elen == 0) {
        out_str(&c->o, "null");
    } else if (cls == 2 && elen == 4) {
        out_str(&c->o, "IP:");
        put_ip(c, p);
    } else {
        char sep = ':', next = '.';
        unsigned group = 0; /* bytes between separators, minus one */
        if (cls == 3 && elen == 6)
            next = ':';
        else if (cls == 4 && elen % 4 == 0)
            group = 3;
        if (cls < sizeof(names) / sizeof(names[0]))
            out_str(&c->o, names[cls]);
        else
            out_fmt(&c->o, "%u", cls);
        for (unsigned i = 0; i < elen; i++) {
            if ((i & group) == 0) {
                out_mem(&c->o, &sep, 1);
                sep = next;
            }
            out_fmt(&c->o, "%02x", at(c, p + i));
        }
    }
    out_str(&c->o, "]");
}

static long lcp_option(struct ctx *c, unsigned type, unsigned olen, long p, long optend)
{
    struct out *o = &c->o;
    switch (type) {
    case 1: /* Maximum-Receive-Unit */
        if (olen == 4) {
            out_fmt(o, "mru %u", u16at(c, p + 2));
            p += 4;
        }
        break;
    case 2: /* Async-Control-Character-Map */
        if (olen == 6) {
            out_fmt(o, "asyncmap 0x%x", (unsigned)u32at(c, p + 2));
            p += 6;
        }
        break;
    case 3: /* Authentication-Protocol */
        if (olen >= 4) {
            unsigned proto = u16at(c, p + 2);
            p += 4;
            out_str(o, "auth ");
            if (proto == 0xc023) {
                out_str(o, "pap");
            } else if (proto == 0xc223) {
                out_str(o, "chap");
                /* RFC 1994 section 3 (5), RFC 2433 (0x80), RFC 2759 (0x81);
                 * any other algorithm is left to the hex dump. */
                if (p < optend) {
                    unsigned alg = at(c, p);
                    const char *s = alg == 5      ? " MD5"
                                    : alg == 0x80 ? " MS"
                                    : alg == 0x81 ? " MS-v2"
                                                  : NULL;
                    if (s != NULL) {
                        out_str(o, s);
                        p++;
                    }
                }
            } else if (proto == 0xc227) {
                out_str(o, "eap");
            } else {
                out_fmt(o, "0x%x", proto);
            }
        }
        break;
    case 4: /* Quality-Protocol */
        if (olen >= 4) {
            unsigned proto = u16at(c, p + 2);
            p += 4;
            if (proto == 0xc025)
                out_str(o, "quality lqr");
            else
                out_fmt(o, "quality 0x%x", proto);
        }
        break;
    case 5: /* Magic-Number */
        if (olen == 6) {
            out_fmt(o, "magic 0x%x", (unsigned)u32at(c, p + 2));
            p += 6;
        }
        break;
    case 7: /* Protocol-Field-Compression */
        if (olen == 2) {
            out_str(o, "pcomp");
            p += 2;
        }
        break;
    case 8: /* Address-and-Control-Field-Compression */
        if (olen == 2) {
            out_str(o, "accomp");
            p += 2;
        }
        break;
    case 13: /* Callback (RFC 1570); operation 6 is Microsoft's CBCP */
        if (olen >= 3) {
            unsigned op = at(c, p + 2);
            p += 3;
            if (op == 6)
                out_str(o, "callback CBCP");
            else
                out_fmt(o, "callback 0x%x", op);
        }
        break;
    case 17: /* Multilink-MRRU */
        if (olen == 4) {
            out_fmt(o, "mrru %u", u16at(c, p + 2));
            p += 4;
        }
        break;
    case 18: /* Multilink-Short-Sequence-Number-Header-Format */
        if (olen == 2) {
            out_str(o, "ssnhf");
            p += 2;
        }
        break;
    case 19: /* Endpoint-Discriminator */
        if (olen >= 3) {
            unsigned elen = olen - 3 > 20 ? 20 : olen - 3;
            put_endpoint(c, at(c, p + 2), p + 3, elen);
            p += 3 + elen;
        }
        break;
        /* Everything else, FCS-Alternatives (9) included, is not decoded by
         * pppd 2.4.9 and comes out as "< 09 03 02>". */
    }
    return p;
}

static void lcp_extra(struct ctx *c, unsigned code, long *pp, long *lenp)
{
    long p = *pp, len = *lenp;
    switch (code) {
    case ECHOREQ:
    case ECHOREP:
    case DISCREQ:
        if (len >= 4) {
            out_fmt(&c->o, " magic=0x%x", (unsigned)u32at(c, p));
            p += 4;
            len -= 4;
        }
        break;
    case IDENTIF:
    case TIMEREM:
        if (len >= 4) {
            out_fmt(&c->o, " magic=0x%x", (unsigned)u32at(c, p));
            p += 4;
            len -= 4;
        }
        if (code == TIMEREM) {
            if (len < 4)
                break;
            out_fmt(&c->o, " seconds=%u", (unsigned)u32at(c, p));
            p += 4;
            len -= 4;
        }
        if (len > 0) {
            out_str(&c->o, " ");
            put_string(c, p, len);
            p += len;
            len = 0;
        }
        break;
        /* Code-Reject and Protocol-Reject are left to the hex dump. */
    }
    *pp = p;
    *lenp = len;
}

static const struct cp_desc lcp_desc = {lcp_codes, 13, lcp_option, lcp_extra, 1, 1};

static long print_lcp(struct ctx *c)
{
    return print_cp(c, &lcp_desc);
}

/* IPCP (RFC 1332; RFC 1877 for the Microsoft DNS and NBNS options). */

static const char *const ncp_codes[] = {"ConfReq", "ConfAck", "ConfNak", "ConfRej",
                                        "TermReq", "TermAck", "CodeRej"};

static long ipcp_option(struct ctx *c, unsigned type, unsigned olen, long p, long optend)
{
    (void)optend;
    switch (type) {
    case 1: /* IP-Addresses (deprecated) */
        if (olen == 10) {
            out_str(&c->o, "addrs ");
            put_ip(c, p + 2);
            out_str(&c->o, " ");
            put_ip(c, p + 6);
            p += 10;
        }
        break;
    case 2: /* IP-Compression-Protocol */
        if (olen >= 4) {
            unsigned proto = u16at(c, p + 2);
            p += 4;
            if (proto == 0x002d)
                out_str(&c->o, "compress VJ");
            else if (proto == 0x0037)
                out_str(&c->o, "compress old-VJ");
            else
                out_fmt(&c->o, "compress 0x%x", proto);
        }
        break;
    case 3: /* IP-Address */
        if (olen == 6) {
            out_str(&c->o, "addr ");
            put_ip(c, p + 2);
            p += 6;
        }
        break;
    case 129: /* Primary-DNS */
    case 131: /* Secondary-DNS */
    case 130: /* Primary-NBNS */
    case 132: /* Secondary-NBNS */
        /* pppd checks no length here: it always reads four bytes and moves
         * on six, so a short option shifts the parse of the rest. */
        out_fmt(&c->o, "ms-%s%u ", (type & 1) ? "dns" : "wins", type <= 130 ? 1u : 2u);
        put_ip(c, p + 2);
        p += 6;
        break;
    }
    return p;
}

static const struct cp_desc ipcp_desc = {ncp_codes, 7, ipcp_option, NULL, 1, 0};

static long print_ipcp(struct ctx *c)
{
    return print_cp(c, &ipcp_desc);
}

/* IPV6CP (RFC 5072). */

static long ipv6cp_option(struct ctx *c, unsigned type, unsigned olen, long p, long optend)
{
    (void)optend;
    if (type == 1 && olen == 10) { /* Interface-Identifier */
        /* ipv6cp.c llv6_ntoa(): always four groups of four hex digits. */
        out_str(&c->o, "addr fe80::");
        for (int g = 0; g < 4; g++)
            out_fmt(&c->o, g ? ":%04x" : "%04x", u16at(c, p + 2 + 2 * g));
        p += 10;
    } else if (type == 2 && olen >= 4) { /* IPv6-Compression-Protocol */
        out_fmt(&c->o, "compress 0x%x", u16at(c, p + 2));
        p += 4;
    }
    return p;
}

static const struct cp_desc ipv6cp_desc = {ncp_codes, 7, ipv6cp_option, NULL, 1, 0};

static long print_ipv6cp(struct ctx *c)
{
    return print_cp(c, &ipv6cp_desc);
}

/* CCP (RFC 1962; codes 14 and 15 are Reset-Request and Reset-Ack). */

static const char *const ccp_codes[] = {"ConfReq", "ConfAck", "ConfNak", "ConfRej",  "TermReq",
                                        "TermAck", "CodeRej", NULL,      NULL,       NULL,
                                        NULL,      NULL,      NULL,      "ResetReq", "ResetAck"};

static long ccp_option(struct ctx *c, unsigned type, unsigned olen, long p, long optend)
{
    (void)optend;
    struct out *o = &c->o;
    switch (type) {
    case 18: /* MPPE, RFC 3078 section 2.1 */
        if (olen >= 6) {
            unsigned b0 = at(c, p + 2), b1 = at(c, p + 3), b2 = at(c, p + 4), b3 = at(c, p + 5);
            /* Bits RFC 3078 does not define: anything but H in the first
             * octet, the middle octets, and 0x02, 0x04, 0x08 in the last. */
            int unknown = (b0 & ~0x01u) || b1 || b2 || (b3 & ~0xf1u);
            out_fmt(o, "mppe %cH %cM %cS %cL %cD %cC%s", (b0 & 0x01) ? '+' : '-',
                    (b3 & 0x80) ? '+' : '-', (b3 & 0x40) ? '+' : '-', (b3 & 0x20) ? '+' : '-',
                    (b3 & 0x10) ? '+' : '-', (b3 & 0x01) ? '+' : '-', unknown ? " +U" : "");
            if (unknown)
                out_fmt(o, " (%02x %02x %02x %02x)", b0, b1, b2, b3);
            p += 6;
        }
        break;
    case 26: /* Deflate, RFC 1979 */
    case 24: /* Deflate with the draft's option number */
        if (olen >= 4) {
            unsigned w = at(c, p + 2), chk = at(c, p + 3);
            out_fmt(o, "deflate%s %u", type == 24 ? "(old#)" : "", (w >> 4) + 8);
            if ((w & 0x0f) != 8)
                out_fmt(o, " method %u", w & 0x0f);
            if (chk != 0)
                out_fmt(o, " check %u", chk);
            p += 4;
        }
        break;
    case 21: /* BSD-Compress, RFC 1977 */
        if (olen >= 3) {
            unsigned v = at(c, p + 2);
            out_fmt(o, "bsd v%u %u", v >> 5, v & 0x1f);
            p += 3;
        }
        break;
    case 1: /* Predictor type 1, RFC 1978 */
    case 2: /* Predictor type 2 */
        out_fmt(o, "predictor %u", type);
        p += 2;
        break;
    }
    return p;
}

/* pppd's ccp_printpkt prints a Terminate reason straight after the id. */
static const struct cp_desc ccp_desc = {ccp_codes, 15, ccp_option, NULL, 0, 0};

static long print_ccp(struct ctx *c)
{
    return print_cp(c, &ccp_desc);
}

/* IPXCP (RFC 1552). */

static long ipxcp_option(struct ctx *c, unsigned type, unsigned olen, long p, long optend)
{
    struct out *o = &c->o;
    switch (type) {
    case 1: /* IPX-Network-Number */
        if (olen == 6) {
            out_fmt(o, "network %x", (unsigned)u32at(c, p + 2));
            p += 6;
        }
        break;
    case 2: /* IPX-Node-Number */
        if (olen == 8) {
            out_str(o, "node ");
            for (p += 2; p < optend; p++)
                out_fmt(o, "%02x", at(c, p));
        }
        break;
    case 3: /* IPX-Compression-Protocol */
        if (olen == 4) {
            out_fmt(o, "compression %u", u16at(c, p + 2));
            p += 4;
        }
        break;
    case 4: /* IPX-Routing-Protocol */
        if (olen == 4) {
            out_fmt(o, "router proto %u", u16at(c, p + 2));
            p += 4;
        }
        break;
    case 5: /* IPX-Router-Name: printable bytes raw, others as " \xx" */
        if (olen >= 3) {
            out_str(o, "router name \"");
            for (p += 2; p < optend; p++) {
                unsigned ch = at(c, p);
                if (ch >= 0x20 && ch <= 0x7e) {
                    char s = (char)ch;
                    out_mem(o, &s, 1);
                } else {
                    out_fmt(o, " \\%02x", ch);
                }
            }
            out_str(o, "\"");
        }
        break;
    case 6: /* IPX-Configuration-Complete */
        if (olen == 2) {
            out_str(o, "complete");
            p += 2;
        }
        break;
    }
    return p;
}

static const struct cp_desc ipxcp_desc = {ncp_codes, 7, ipxcp_option, NULL, 1, 0};

static long print_ipxcp(struct ctx *c)
{
    return print_cp(c, &ipxcp_desc);
}

/* ECP (RFC 1968): pppd 2.4.9 has no printer for it, so the whole packet is
 * dumped in hex after "[ECP]". */
static long print_ecp(struct ctx *c)
{
    (void)c;
    return 0;
}

/* ---- authentication protocols ---- */

/* PAP, RFC 1334 section 2.2. */
static long print_pap(struct ctx *c)
{
    static const char *const codes[] = {"AuthReq", "AuthAck", "AuthNak"};
    if (c->n < 4)
        return 0;
    unsigned code = at(c, 0), id = at(c, 1);
    long len = (long)u16at(c, 2);
    if (len < 4 || len > c->n)
        return 0;
    put_code(c, code, codes, 3);
    out_fmt(&c->o, " id=0x%x", id);
    len -= 4;
    long p = 4;
    if (code == 1 && len >= 1) {
        long ulen = at(c, p);
        if (len >= ulen + 2) {
            long wlen = at(c, p + ulen + 1);
            if (len >= ulen + wlen + 2) {
                out_str(&c->o, " user=");
                put_string(c, p + 1, ulen);
                out_str(&c->o, " password=");
                if (c->flags & UPPP_PKTLOG_SHOW_PASSWORD)
                    put_string(c, p + ulen + 2, wlen);
                else
                    out_str(&c->o, "<hidden>");
                p += ulen + wlen + 2;
                len -= ulen + wlen + 2;
                /* What follows the password is padding: safe to show. */
                c->hide_dump = 0;
            }
        }
    } else if ((code == 2 || code == 3) && len >= 1) {
        long mlen = at(c, p);
        if (len >= mlen + 1) {
            out_str(&c->o, " ");
            put_string(c, p + 1, mlen);
            p += mlen + 1;
            len -= mlen + 1;
        }
    }
    put_hex(c, p, len);
    return p + len;
}

/* CHAP, RFC 1994 section 4; MS-CHAP values (RFC 2433, 2759) are shown as
 * the same hex string. pppd reports the whole Length as consumed even when
 * it could not decode the packet. */
static long print_chap(struct ctx *c)
{
    static const char *const codes[] = {"Challenge", "Response", "Success", "Failure"};
    if (c->n < 4)
        return 0;
    unsigned code = at(c, 0), id = at(c, 1);
    long len = (long)u16at(c, 2);
    if (len < 4 || len > c->n)
        return 0;
    put_code(c, code, codes, 4);
    out_fmt(&c->o, " id=0x%x", id);
    len -= 4;
    switch (code) {
    case 1:
    case 2:
        if (len >= 1) {
            long clen = at(c, 4);
            if (len >= clen + 1) {
                out_str(&c->o, " <");
                for (long i = 0; i < clen; i++)
                    out_fmt(&c->o, "%02x", at(c, 5 + i));
                out_str(&c->o, ">, name = ");
                put_string(c, 5 + clen, len - clen - 1);
            }
        }
        break;
    case 3:
    case 4:
        out_str(&c->o, " ");
        put_string(c, 4, len);
        break;
    default:
        put_hex(c, 4, len);
        break;
    }
    return len + 4;
}

/* Microsoft CBCP (draft-ietf-pppext-callback-cp-02). */
static long print_cbcp(struct ctx *c)
{
    static const char *const codes[] = {"Request", "Response", "Ack"};
    static const char *const types[] = {"NoCallback", "UserDefined", "AdminDefined", "List"};
    if (c->n < 4)
        return 0;
    unsigned code = at(c, 0), id = at(c, 1);
    long len = (long)u16at(c, 2);
    if (len < 4 || len > c->n)
        return 0;
    put_code(c, code, codes, 3);
    out_fmt(&c->o, " id=0x%x", id);
    len -= 4;
    long p = 4;
    if (code >= 1 && code <= 3) {
        while (len >= 2) {
            /* pppd steps over type and length before checking them, and
             * does not step over the number: a long option shifts the
             * parse of the next one. */
            unsigned type = at(c, p), olen = at(c, p + 1);
            p += 2;
            if (olen < 2 || olen > len)
                break;
            out_str(&c->o, " <");
            len -= olen;
            if (type >= 1 && type <= 4)
                out_fmt(&c->o, " %s", types[type - 1]);
            else
                out_fmt(&c->o, " option=0x%x", type);
            if (olen > 2)
                out_fmt(&c->o, " delay = %u", at(c, p++));
            if (olen > 3) {
                p++; /* address type */
                /* pppd copies the number to a C string and prints it raw,
                 * up to its first NUL. */
                out_str(&c->o, " number = ");
                for (long i = 0; i < (long)olen - 4 && at(c, p + i) != 0; i++) {
                    char ch = (char)at(c, p + i);
                    out_mem(&c->o, &ch, 1);
                }
            }
            out_str(&c->o, ">");
        }
    }
    put_hex(c, p, len);
    return p + len;
}

/* EAP, RFC 2284 (and RFC 2716 for TLS), as printed by pppd 2.4.9, which
 * has EAP-TLS and EAP-MSCHAPv2 but no SRP in Debian's build. */
static const char *const eap_types[] = {
    "Identity", "Notification", "Nak",          "MD5-Challenge", "OTP",   "Generic-Token",
    NULL,       NULL,           "RSA",          "DSS",           "KEA",   "KEA-Validate",
    "TLS",      "Defender",     "Windows 2000", "Arcot",         "Cisco", "Nokia",
    "SRP",      NULL,           "TTLS",         "RAS",           "AKA",   "3COM",
    "PEAP",     "MSCHAPv2"};

static const char *eap_type_name(unsigned t)
{
    return (t >= 1 && t <= sizeof(eap_types) / sizeof(eap_types[0])) ? eap_types[t - 1] : NULL;
}

static void put_eap_type(struct ctx *c, unsigned t)
{
    /* pppd passes the NULL names of types 7, 8 and 20 to its printf, which
     * crashes; we show those as unknown types instead. */
    const char *s = eap_type_name(t);
    if (s != NULL)
        out_fmt(&c->o, " %s", s);
    else
        out_fmt(&c->o, " type=0x%x", t);
}

/* " <Name "..."> " or the given alternative when there is no name left. */
static void eap_name(struct ctx *c, const char *pre, long *p, long *len, const char *none)
{
    if (*len > 0) {
        out_fmt(&c->o, "%s<Name ", pre);
        put_string(c, *p, *len);
        out_str(&c->o, ">");
        *p += *len;
        *len = 0;
    } else if (none != NULL) {
        out_str(&c->o, none);
    }
}

static void eap_tls_flags(struct ctx *c, long *p, long *len)
{
    if (*len < 1)
        return;
    unsigned f = at(c, (*p)++);
    (*len)--;
    if (f == 0 && *len == 0) {
        out_str(&c->o, " Ack");
        return;
    }
    /* Length-included, More-fragments, Start (RFC 2716 section 4.1). */
    out_str(&c->o, (f & 0x80) ? " L" : " -");
    out_str(&c->o, (f & 0x40) ? "M" : "-");
    out_str(&c->o, (f & 0x20) ? "S" : "- ");
}

static long print_eap(struct ctx *c)
{
    static const char *const codes[] = {"Request", "Response", "Success", "Failure"};
    if (c->n < 4)
        return 0;
    unsigned code = at(c, 0), id = at(c, 1);
    long len = (long)u16at(c, 2);
    if (len < 4 || len > c->n)
        return 0;
    put_code(c, code, codes, 4);
    out_fmt(&c->o, " id=0x%x", id);
    len -= 4;
    long p = 4, vallen;
    unsigned rtype, op;

    if (code == 1) { /* Request */
        if (len < 1) {
            out_str(&c->o, " <missing type>");
            goto rest;
        }
        rtype = at(c, p++);
        len--;
        put_eap_type(c, rtype);
        switch (rtype) {
        case 1: /* Identity */
        case 2: /* Notification */
            if (len > 0) {
                out_str(&c->o, " <Message ");
                put_string(c, p, len);
                out_str(&c->o, ">");
                p += len;
                len = 0;
            } else {
                out_str(&c->o, " <No message>");
            }
            break;
        case 4: /* MD5-Challenge */
            if (len <= 0)
                break;
            vallen = at(c, p++);
            len--;
            if (vallen > len)
                goto truncated;
            out_str(&c->o, " <Value");
            put_hex(c, p, vallen);
            out_str(&c->o, ">");
            p += vallen;
            len -= vallen;
            eap_name(c, " ", &p, &len, " <No name>");
            break;
        case 26: /* MSCHAPv2: OpCode, MS-CHAPv2-ID, MS-Length, data */
            if (len <= 0)
                break;
            op = at(c, p++);
            len--;
            /* pppd skips the id and MS-Length without checking len. */
            p += 3;
            len -= 3;
            if (op == 1) {
                vallen = at(c, p++);
                len--;
                if (vallen > len)
                    goto truncated;
                len -= vallen;
                out_str(&c->o, " Challenge <");
                for (; vallen > 0; vallen--)
                    out_fmt(&c->o, "%02x", at(c, p++));
                out_str(&c->o, ">");
                eap_name(c, ", ", &p, &len, ", <No name>");
            } else if (op == 3 || op == 4) {
                /* The message is printed but not consumed, so the trailing
                 * dump shows it again. */
                out_str(&c->o, op == 3 ? " Success <Message " : " Failure <Message ");
                put_string(c, p, len);
                out_str(&c->o, ">");
            } else {
                out_fmt(&c->o, " opcode=0x%x <", op);
                put_hex(c, p, len);
                out_str(&c->o, ">");
            }
            break;
        case 13: /* TLS */
            eap_tls_flags(c, &p, &len);
            break;
        }
    } else if (code == 2) { /* Response */
        if (len < 1)
            goto rest;
        rtype = at(c, p++);
        len--;
        put_eap_type(c, rtype);
        switch (rtype) {
        case 1: /* Identity */
            eap_name(c, " ", &p, &len, NULL);
            break;
        case 13: /* TLS */
            eap_tls_flags(c, &p, &len);
            break;
        case 3: /* Nak */
            if (len <= 0) {
                out_str(&c->o, " <missing hint>");
                break;
            }
            rtype = at(c, p++);
            len--;
            /* pppd's "%02X" prints lower-case digits. */
            out_fmt(&c->o, " <Suggested-type %02x", rtype);
            if (eap_type_name(rtype) != NULL)
                out_fmt(&c->o, " (%s)", eap_type_name(rtype));
            out_str(&c->o, ">");
            break;
        case 4: /* MD5-Challenge */
            if (len <= 0) {
                out_str(&c->o, " <missing length>");
                break;
            }
            vallen = at(c, p++);
            len--;
            if (vallen > len)
                goto truncated;
            out_str(&c->o, " <Value");
            put_hex(c, p, vallen);
            out_str(&c->o, ">");
            p += vallen;
            len -= vallen;
            eap_name(c, " ", &p, &len, " <No name>");
            break;
        case 26: /* MSCHAPv2 */
            if (len <= 0)
                break;
            op = at(c, p++);
            len--;
            if (op == 2) {
                p += 3;
                len -= 3;
                vallen = at(c, p++);
                len--;
                if (vallen > len)
                    goto truncated;
                len -= vallen;
                out_str(&c->o, " Response <");
                for (; vallen > 0; vallen--)
                    out_fmt(&c->o, "%02x", at(c, p++));
                out_str(&c->o, ">");
                eap_name(c, ", ", &p, &len, ", <No name>");
            } else if (op == 3) {
                out_str(&c->o, " Success");
            } else if (op == 4) {
                out_str(&c->o, " Failure");
            } else {
                out_fmt(&c->o, " opcode=0x%x <", op);
                put_hex(c, p, len);
                out_str(&c->o, ">");
            }
            break;
        }
    }
    goto rest;
truncated:
    out_str(&c->o, " <truncated>");
rest:
    /* pppd's "%8B..." has a width but no precision, so it prints no byte at
     * all: more than eight trailing bytes show as a bare "...". */
    if (len > 8)
        out_str(&c->o, "...");
    else
        put_hex(c, p, len);
    return p + len;
}

/* ---- dispatch, as pppd's format_packet() ---- */

struct proto_desc {
    uint16_t number;
    const char *name;
    const char *data_name; /* name of the matching network protocol */
    long (*print)(struct ctx *c);
};

/* In the order of pppd's protocols[] table, which decides which entry a
 * data protocol (control protocol minus 0x8000) matches first. */
static const struct proto_desc protocols[] = {
    {0xc021, "LCP", NULL, print_lcp},         {0xc023, "PAP", NULL, print_pap},
    {0xc223, "CHAP", NULL, print_chap},       {0xc029, "CBCP", NULL, print_cbcp},
    {0x8021, "IPCP", "IP", print_ipcp},       {0x8057, "IPV6CP", "IPv6", print_ipv6cp},
    {0x80fd, "CCP", "Compressed", print_ccp}, {0x8053, "ECP", "Encrypted", print_ecp},
    {0x802b, "IPXCP", "IPX", print_ipxcp},    {0xc227, "EAP", NULL, print_eap},
};

#define NPROTOCOLS (sizeof(protocols) / sizeof(protocols[0]))

static void render(struct ctx *c, uint16_t protocol)
{
    const struct proto_desc *d = NULL;
    long len = c->n, p = 0;
    for (size_t i = 0; i < NPROTOCOLS && d == NULL; i++)
        if (protocols[i].number == protocol)
            d = &protocols[i];
    if (d != NULL) {
        out_fmt(&c->o, "[%s", d->name);
        long n = d->print(c);
        out_str(&c->o, "]");
        p += n;
        len -= n;
    } else {
        for (size_t i = 0; i < NPROTOCOLS && d == NULL; i++)
            if ((protocols[i].number & 0x7fff) == protocol)
                d = &protocols[i];
        if (d != NULL && d->data_name != NULL) {
            /* A network-layer packet: its first eight bytes. */
            out_fmt(&c->o, "[%s data]", d->data_name);
            put_hex(c, 0, len > 8 ? 8 : len);
            if (len > 8)
                out_str(&c->o, " ...");
            len = 0;
        } else {
            out_fmt(&c->o, "[proto=0x%x]", protocol);
        }
    }
    /* Whatever the printer did not consume (padding, or all of a packet it
     * could not parse); nothing if it read past the end. */
    put_hex(c, p, len > 32 ? 32 : len);
    if (len > 32)
        out_str(&c->o, " ...");
}

int uppp_pktlog_format(char *buf, size_t cap, const char *dir, uint16_t protocol,
                       const uint8_t *info, size_t len, unsigned flags)
{
    if (buf == NULL || cap == 0 || (info == NULL && len > 0) || len > INT32_MAX ||
        (flags & ~UPPP_PKTLOG_SHOW_PASSWORD) != 0)
        return UPPP_ERR_INVALID;
    struct ctx c = {
        .o = {.buf = buf, .cap = cap, .len = 0},
        .b = info,
        .n = (long)len,
        .flags = flags,
        .hide_dump =
            protocol == 0xc023 && len > 0 && info[0] == 1 && !(flags & UPPP_PKTLOG_SHOW_PASSWORD),
    };
    buf[0] = '\0';
    if (dir != NULL) {
        out_str(&c.o, dir);
        out_str(&c.o, " ");
    }
    render(&c, protocol);
    return (int)c.o.len;
}

int uppp_pktlog_format_frame(char *buf, size_t cap, const char *dir, const uint8_t *frame,
                             size_t len, unsigned flags)
{
    if (buf == NULL || cap == 0 || (frame == NULL && len > 0))
        return UPPP_ERR_INVALID;
    buf[0] = '\0';
    size_t off = 0;
    if (len >= 2 && frame[0] == 0xff && frame[1] == 0x03)
        off = 2; /* RFC 1662 section 3.1 Address and Control; absent with ACFC */
    if (off >= len)
        return UPPP_ERR_PARSE;
    uint16_t protocol;
    if (frame[off] & 1) {
        /* RFC 1661 section 6.5: a compressed field is the odd low octet. */
        protocol = frame[off];
        off += 1;
    } else {
        if (len - off < 2)
            return UPPP_ERR_PARSE;
        protocol = (uint16_t)(frame[off] << 8 | frame[off + 1]);
        off += 2;
    }
    return uppp_pktlog_format(buf, cap, dir, protocol, frame + off, len - off, flags);
}

bool uppp_pktlog_is_lcp_echo(uint16_t protocol, const uint8_t *info, size_t len)
{
    if (protocol != 0xc021 || info == NULL || len < 4)
        return false;
    size_t l = (size_t)info[2] << 8 | info[3];
    return (info[0] == ECHOREQ || info[0] == ECHOREP) && l >= 4 && l <= len;
}
