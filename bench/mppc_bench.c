/*
 * mppc-bench: our MPPC codec (RFC 2118, uppp/mppc.h) against FreeRDP's
 * (libfreerdp2, RDP4 mode: the same 8 KiB bitstream), run side by side in
 * one process on a corpus built here, with zlib level 1 as the reference
 * for the ratio.
 *
 * Corpora, cut into 1400-octet packets (a PPP link's IP packets) and sent
 * through one stateful history per codec, as a link would:
 *   text        English-like sentences
 *   html        the same inside tags and attributes
 *   binary      libfreerdp2's own shared object (machine code, tables)
 *   compressed  the text corpus deflated at level 9
 * zlib is one deflate stream with a Z_SYNC_FLUSH after every packet, as
 * PPP Deflate (RFC 1979) runs it.
 *
 * Each codec's time is its best of ROUNDS passes over the corpus (thread
 * CPU time, so other processes do not count), and every pass's output is
 * checked by decompressing it. ratio = input octets / output octets (an
 * uncompressed packet counts its own length); MB/s are of input octets.
 * One line per codec and corpus:
 *   codec=upppd corpus=text ratio=R comp_MBps=C decomp_MBps=D ...
 * and on upppd's lines the ratios against FreeRDP's in the same run
 * (ratio_vs_freerdp, comp_vs_freerdp, decomp_vs_freerdp: ours over
 * theirs; the goal is >= 1, >= 2, >= 2).
 *
 * Usage: mppc-bench [-r ROUNDS] [-s CORPUS_KB]
 */
#define _GNU_SOURCE /* dladdr */
#include <uppp/err.h>
#include <uppp/mppc.h>

#include <dlfcn.h>

#include "mppc_corpus.h"

#include <freerdp/codec/mppc.h>
#include <zlib.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PKT 1400

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct result {
    double ratio, comp_mbps, decomp_mbps;
};

struct stream {
    uint8_t *buf; /* every packet's output, back to back */
    size_t *len;  /* output length per packet */
    unsigned *fl; /* flags per packet */
    size_t n;
};

static void die(const char *what, size_t i)
{
    fprintf(stderr, "mppc-bench: %s (packet %zu)\n", what, i);
    exit(1);
}

/* Packet i's octets of the corpus. */
static size_t pkt_len(size_t size, size_t i)
{
    size_t off = i * PKT;
    return size - off < PKT ? size - off : PKT;
}

/* The first round's decompressed packet i must be the corpus's. */
static void check_trip(const uint8_t *data, size_t size, size_t i, const uint8_t *p, size_t pl,
                       const char *what)
{
    if (pl != pkt_len(size, i) || memcmp(p, data + i * PKT, pl) != 0)
        die(what, i);
}

/* Keep a round's best times (t0..t1 compressing, t1..t2 decompressing). */
static void keep_best(struct result *r, double t0, double t1, double t2, size_t size, size_t out)
{
    r->ratio = (double)size / (double)out;
    if (t1 - t0 < r->comp_mbps)
        r->comp_mbps = t1 - t0;
    if (t2 - t1 < r->decomp_mbps)
        r->decomp_mbps = t2 - t1;
}

static struct result run_upppd(const uint8_t *data, size_t size, int rounds, struct stream *st)
{
    struct result r = {0, 1e30, 1e30};
    size_t npk = st->n;
    for (int round = 0; round < rounds; round++) {
        struct uppp_mppc_comp *c;
        struct uppp_mppc_decomp *d;
        if (uppp_mppc_comp_new(&c) != 0 || uppp_mppc_decomp_new(&d) != 0)
            die("out of memory", 0);
        size_t out = 0;
        double t0 = now_s();
        for (size_t i = 0; i < npk; i++) {
            size_t off = i * PKT, len = pkt_len(size, i);
            unsigned fl;
            int n = uppp_mppc_compress(c, data + off, len, st->buf + out, PKT, &fl);
            if (n < 0)
                die("compress failed", i);
            st->len[i] = (size_t)n;
            st->fl[i] = fl;
            out += (size_t)n;
        }
        double t1 = now_s();
        size_t at = 0;
        for (size_t i = 0; i < npk; i++) {
            const uint8_t *p;
            size_t pl;
            if (uppp_mppc_decompress(d, st->fl[i], st->buf + at, st->len[i], PKT, &p, &pl) != 0)
                die("upppd cannot decompress its own packet", i);
            if (round == 0)
                check_trip(data, size, i, p, pl, "upppd round trip differs");
            at += st->len[i];
        }
        keep_best(&r, t0, t1, now_s(), size, out);
        uppp_mppc_comp_del(c);
        uppp_mppc_decomp_del(d);
    }
    r.comp_mbps = (double)size / 1e6 / r.comp_mbps;
    r.decomp_mbps = (double)size / 1e6 / r.decomp_mbps;
    return r;
}

static struct result run_freerdp(const uint8_t *data, size_t size, int rounds, struct stream *st)
{
    struct result r = {0, 1e30, 1e30};
    size_t npk = st->n;
    for (int round = 0; round < rounds; round++) {
        MPPC_CONTEXT *c = mppc_context_new(0, TRUE), *d = mppc_context_new(0, FALSE);
        if (c == NULL || d == NULL)
            die("out of memory", 0);
        size_t out = 0;
        double t0 = now_s();
        for (size_t i = 0; i < npk; i++) {
            size_t off = i * PKT, len = pkt_len(size, i);
            BYTE *res = st->buf + out;
            UINT32 rlen = PKT, fl = 0;
            if (mppc_compress(c, (BYTE *)data + off, (UINT32)len, &res, &rlen, &fl) < 0)
                die("FreeRDP compress failed", i);
            if (res != st->buf + out) /* sent as it is: FreeRDP points at the input */
                memcpy(st->buf + out, res, rlen);
            st->len[i] = rlen;
            st->fl[i] = fl;
            out += rlen;
        }
        double t1 = now_s();
        size_t at = 0;
        for (size_t i = 0; i < npk; i++) {
            BYTE *p = NULL;
            UINT32 pl = 0;
            if (mppc_decompress(d, st->buf + at, (UINT32)st->len[i], &p, &pl, st->fl[i]) < 0)
                die("FreeRDP cannot decompress its own packet", i);
            if (round == 0)
                check_trip(data, size, i, p, pl, "FreeRDP round trip differs");
            at += st->len[i];
        }
        keep_best(&r, t0, t1, now_s(), size, out);
        mppc_context_free(c);
        mppc_context_free(d);
    }
    r.comp_mbps = (double)size / 1e6 / r.comp_mbps;
    r.decomp_mbps = (double)size / 1e6 / r.decomp_mbps;
    return r;
}

/* PPP Deflate style: one stream, a sync flush per packet. */
static struct result run_zlib(const uint8_t *data, size_t size, int rounds, uint8_t *buf)
{
    struct result r = {0, 1e30, 1e30};
    size_t npk = (size + PKT - 1) / PKT;
    for (int round = 0; round < rounds; round++) {
        z_stream z;
        memset(&z, 0, sizeof(z));
        if (deflateInit2(&z, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            die("deflateInit", 0);
        size_t out = 0;
        double t0 = now_s();
        for (size_t i = 0; i < npk; i++) {
            size_t off = i * PKT, len = pkt_len(size, i);
            z.next_in = (Bytef *)data + off;
            z.avail_in = (uInt)len;
            z.next_out = buf;
            z.avail_out = 2 * PKT;
            if (deflate(&z, Z_SYNC_FLUSH) != Z_OK)
                die("deflate", i);
            /* RFC 1979: the 4-octet sync marker is not sent; a packet that
             * grows goes uncompressed. */
            size_t n = 2 * PKT - z.avail_out - 4;
            out += n < len ? n : len;
        }
        double t1 = now_s();
        deflateEnd(&z);
        r.ratio = (double)size / (double)out;
        if (t1 - t0 < r.comp_mbps)
            r.comp_mbps = t1 - t0;
    }
    r.comp_mbps = (double)size / 1e6 / r.comp_mbps;
    return r;
}

/* Machine code: the FreeRDP library itself (a megabyte or two), else this
 * program; repeated to size. */
static void load_binary(uint8_t *out, size_t size)
{
    Dl_info di;
    const char *path = "/proc/self/exe";
    if (dladdr((void *)mppc_compress, &di) != 0 && di.dli_fname != NULL)
        path = di.dli_fname;
    FILE *f = fopen(path, "rb");
    size_t n = 0;
    if (f != NULL) {
        n = fread(out, 1, size, f);
        fclose(f);
    }
    if (n == 0)
        die("cannot read /proc/self/exe", 0);
    for (size_t k = n; k < size; k++)
        out[k] = out[k - n];
}

int main(int argc, char **argv)
{
    int rounds = 5;
    size_t kb = 2048;
    int opt;
    while ((opt = getopt(argc, argv, "r:s:")) != -1) {
        if (opt == 'r' && atoi(optarg) > 0)
            rounds = atoi(optarg);
        else if (opt == 's' && atoi(optarg) > 0)
            kb = (size_t)atoi(optarg);
        else {
            fprintf(stderr, "usage: mppc-bench [-r ROUNDS] [-s CORPUS_KB]\n");
            return 2;
        }
    }
    size_t size = kb * 1024;
    uint8_t *data = malloc(size), *zbuf = malloc(2 * PKT);
    struct stream st;
    st.n = (size + PKT - 1) / PKT;
    st.buf = malloc(st.n * PKT + 16);
    st.len = malloc(st.n * sizeof(size_t));
    st.fl = malloc(st.n * sizeof(unsigned));
    uint8_t *text = malloc(size);
    if (!data || !zbuf || !st.buf || !st.len || !st.fl || !text)
        die("out of memory", 0);
    uint64_t seed = 0x6d707063;
    mc_text(text, size, &seed);

    static const char *const names[] = {"text", "html", "binary", "compressed"};
    for (int cx = 0; cx < 4; cx++) {
        size_t csize = size;
        if (cx == 0) {
            memcpy(data, text, size);
        } else if (cx == 1) {
            mc_html(data, size, &seed);
        } else if (cx == 2) {
            load_binary(data, size);
        } else {
            uLongf zl = (uLongf)size;
            if (compress2(data, &zl, text, size, 9) != Z_OK)
                die("compress2", 0);
            csize = zl;
            st.n = (csize + PKT - 1) / PKT;
        }
        struct result u = run_upppd(data, csize, rounds, &st);
        struct result f = run_freerdp(data, csize, rounds, &st);
        struct result z = run_zlib(data, csize, rounds, zbuf);
        printf("codec=upppd corpus=%s ratio=%.3f comp_MBps=%.1f decomp_MBps=%.1f "
               "ratio_vs_freerdp=%.3f comp_vs_freerdp=%.2f decomp_vs_freerdp=%.2f\n",
               names[cx], u.ratio, u.comp_mbps, u.decomp_mbps, u.ratio / f.ratio,
               u.comp_mbps / f.comp_mbps, u.decomp_mbps / f.decomp_mbps);
        printf("codec=freerdp corpus=%s ratio=%.3f comp_MBps=%.1f decomp_MBps=%.1f\n", names[cx],
               f.ratio, f.comp_mbps, f.decomp_mbps);
        printf("codec=zlib1 corpus=%s ratio=%.3f comp_MBps=%.1f\n", names[cx], z.ratio,
               z.comp_mbps);
        fflush(stdout);
    }
    free(data);
    free(zbuf);
    free(text);
    free(st.buf);
    free(st.len);
    free(st.fl);
    return 0;
}
