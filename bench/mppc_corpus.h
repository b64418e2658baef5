/*
 * Made-up but realistic data for MPPC's tests and bench: English-like text,
 * HTML around it, and IPv4/TCP packets carrying either, all from a seeded
 * generator so every run sees the same octets. Header-only, no I/O.
 */
#ifndef UPPP_BENCH_MPPC_CORPUS_H
#define UPPP_BENCH_MPPC_CORPUS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t mc_next(uint64_t *s)
{
    /* xorshift64*: fast, and good enough to pick words. */
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static const char *const mc_words[] = {
    "the",      "of",      "and",    "to",        "in",       "a",       "is",       "that",
    "for",      "it",      "as",     "was",       "with",     "be",      "by",       "on",
    "not",      "he",      "this",   "are",       "or",       "his",     "from",     "at",
    "which",    "but",     "have",   "an",        "had",      "they",    "you",      "were",
    "their",    "one",     "all",    "we",        "can",      "her",     "has",      "there",
    "been",     "if",      "more",   "when",      "will",     "would",   "who",      "so",
    "no",       "network", "packet", "link",      "protocol", "session", "compress", "history",
    "buffer",   "peer",    "option", "request",   "window",   "address", "server",   "client",
    "password", "tunnel",  "header", "length",    "offset",   "literal", "bell",     "tolls",
    "island",   "entire",  "itself", "continent", "Europe",
};
#define MC_NWORDS (sizeof(mc_words) / sizeof(mc_words[0]))

/* n octets of sentences. */
static inline void mc_text(uint8_t *out, size_t n, uint64_t *s)
{
    size_t o = 0;
    int start = 1;
    while (o < n) {
        const char *w = mc_words[mc_next(s) % MC_NWORDS];
        size_t wl = strlen(w);
        for (size_t k = 0; k < wl && o < n; k++)
            out[o++] = (uint8_t)(start && k == 0 && w[k] >= 'a' ? w[k] - 32 : w[k]);
        start = 0;
        if (o >= n)
            break;
        unsigned r = (unsigned)(mc_next(s) % 16);
        if (r == 0) {
            out[o++] = '.';
            start = 1;
        } else if (r == 1) {
            out[o++] = ',';
        }
        if (o < n)
            out[o++] = (r == 2) ? '\n' : ' ';
    }
}

/* n octets of HTML: tags, attributes, text. */
static inline void mc_html(uint8_t *out, size_t n, uint64_t *s)
{
    static const char *const open[] = {
        "<div class=\"content\">",     "<p>",  "<a href=\"/docs/index.html\">",
        "<span style=\"color:#333\">", "<li>", "<td align=\"left\">",
        "<h2 id=\"section\">",
    };
    static const char *const close[] = {"</div>\n", "</p>\n", "</a>",   "</span>",
                                        "</li>\n",  "</td>",  "</h2>\n"};
    size_t o = 0;
    while (o < n) {
        unsigned t = (unsigned)(mc_next(s) % 7);
        size_t l = strlen(open[t]);
        for (size_t k = 0; k < l && o < n; k++)
            out[o++] = (uint8_t)open[t][k];
        size_t tl = 20 + mc_next(s) % 60;
        if (tl > n - o)
            tl = n - o;
        mc_text(out + o, tl, s);
        o += tl;
        l = strlen(close[t]);
        for (size_t k = 0; k < l && o < n; k++)
            out[o++] = (uint8_t)close[t][k];
    }
}

/* An IPv4/TCP packet of len octets (len >= 40) from 10.0.0.1:port to
 * 10.0.0.2:80 with sequence number seq, carrying text or HTML. The
 * checksum fields are left at zero: only the octets matter here. */
static inline void mc_ip_packet(uint8_t *out, size_t len, uint32_t seq, uint16_t port, int html,
                                uint64_t *s)
{
    memset(out, 0, 40);
    out[0] = 0x45;
    out[2] = (uint8_t)(len >> 8);
    out[3] = (uint8_t)len;
    out[4] = (uint8_t)(seq >> 3);
    out[6] = 0x40; /* DF */
    out[8] = 64;
    out[9] = 6;
    out[12] = 10, out[15] = 1;
    out[16] = 10, out[19] = 2;
    out[20] = (uint8_t)(port >> 8), out[21] = (uint8_t)port;
    out[23] = 80;
    out[24] = (uint8_t)(seq >> 24), out[25] = (uint8_t)(seq >> 16);
    out[26] = (uint8_t)(seq >> 8), out[27] = (uint8_t)seq;
    out[32] = 0x50, out[33] = 0x18; /* data offset 5, PSH ACK */
    out[34] = 0xfa, out[35] = 0xf0;
    if (html)
        mc_html(out + 40, len - 40, s);
    else
        mc_text(out + 40, len - 40, s);
}

#endif
