/*
 * mppe-bench: throughput of the MPPE engine (RFC 3078) against raw OpenSSL
 * RC4 through EVP over the same bytes, measured in the same process.
 *
 * Cases: encrypt and decrypt, stateful and stateless, 40 and 128 bits,
 * payloads of 64, 576 and 1400 bytes. Packets go in batches of 256 buffers;
 * MPPE runs over a batch (encrypt: zero copy, payload at offset 4; decrypt:
 * in place, on packets a sender made beforehand, untimed), then EVP RC4
 * runs over the same buffers, the 2 + size bytes MPPE encrypts. Each side
 * keeps its best of several rounds, which filters out noise from other
 * processes. Throughput counts payload bytes for both, so ratio is the
 * reference's time over ours. mallocs_per_packet counts every heap
 * allocation made while MPPE runs (not the reference), the library's and
 * OpenSSL's alike: this program defines malloc, calloc and realloc itself
 * and passes them on to glibc. Under a sanitizer, which owns malloc, only
 * OpenSSL's allocations are counted (through CRYPTO_set_mem_functions);
 * malloc_counted= says which.
 *
 * Last line: the cost of one key change (RFC 3078 section 7.3) measured as
 * a stateless receiver catching up a count jump, the RC4 set-key that
 * installs a key, and the heap one direction's state holds (mallinfo2
 * delta around uppp_mppe_new, malloc headers included; OpenSSL's share of
 * it on its own), the highest mallocs_per_packet of all cases, and whether
 * uppp_rc4_setkey loads our own key schedule (rc4_schedule=own) or fell
 * back to OpenSSL's. Times are thread CPU time, so other processes on the
 * machine do not count against either side.
 *
 * Usage: mppe-bench [-r ROUNDS] [-t MS_PER_ROUND]
 */
#include <uppp/err.h>
#include <uppp/mppe.h>

#include "crypto.h"

#include <malloc.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BATCH 256
#define MAX_SIZE 1400
#define BUF_SIZE (MAX_SIZE + UPPP_MPPE_OVERHEAD)

/* Every allocation in the process, by defining malloc, calloc and realloc
 * here: the dynamic linker binds libcrypto's and libuppp's calls to these.
 * Not under a sanitizer, which must see every allocation itself. */
#if defined(__SANITIZE_ADDRESS__)
#define BENCH_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define BENCH_SANITIZED 1
#endif
#endif
#ifndef BENCH_SANITIZED
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
static long heap_allocs;

void *malloc(size_t n)
{
    heap_allocs++;
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    heap_allocs++;
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
    heap_allocs++;
    return __libc_realloc(p, n);
}
#endif

/* OpenSSL's allocations, through CRYPTO_set_mem_functions: calls made, and
 * live blocks and bytes (by malloc_usable_size, so frees count too). */
static long openssl_allocs, openssl_live_allocs;
static size_t openssl_live_bytes;

static void *count_malloc(size_t n, const char *file, int line)
{
    (void)file;
    (void)line;
    void *p = malloc(n);
    if (p != NULL) {
        openssl_allocs++;
        openssl_live_allocs++;
        openssl_live_bytes += malloc_usable_size(p);
    }
    return p;
}

static void *count_realloc(void *p, size_t n, const char *file, int line)
{
    (void)file;
    (void)line;
    size_t old = p ? malloc_usable_size(p) : 0;
    void *q = realloc(p, n);
    if (q != NULL) {
        openssl_allocs++;
        openssl_live_allocs += p == NULL;
        openssl_live_bytes += malloc_usable_size(q) - old;
    }
    return q;
}

static void count_free(void *p, const char *file, int line)
{
    (void)file;
    (void)line;
    if (p != NULL) {
        openssl_live_allocs--;
        openssl_live_bytes -= malloc_usable_size(p);
    }
    free(p);
}

/* The allocation counter mallocs_per_packet is taken from. */
static long allocs_so_far(void)
{
#ifdef BENCH_SANITIZED
    return openssl_allocs;
#else
    return heap_allocs;
#endif
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, int rc)
{
    fprintf(stderr, "mppe-bench: %s: %s (%s)\n", what, uppp_strerror(rc), uppp_crypto_status());
    exit(1);
}

static const uint8_t start_key[16] = {0x8b, 0x7c, 0xdc, 0x14, 0x9b, 0x99, 0x3a, 0x1b,
                                      0xa1, 0x18, 0xcb, 0x15, 0x3f, 0x56, 0xdc, 0xcb};

static struct uppp_mppe *mk(int bits, int stateless)
{
    struct uppp_mppe_config cfg = {.bits = bits, .stateless = stateless};
    memcpy(cfg.start_key, start_key, 16);
    struct uppp_mppe *st;
    int rc = uppp_mppe_new(&st, &cfg);
    if (rc != 0)
        die("uppp_mppe_new", rc);
    return st;
}

/* The reference: OpenSSL RC4 through EVP in a library context of our own,
 * keyed once. */
static OSSL_LIB_CTX *ref_libctx;
static OSSL_PROVIDER *ref_legacy;
static EVP_CIPHER *ref_rc4;

static EVP_CIPHER_CTX *ref_new(int keylen)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL || EVP_EncryptInit_ex2(ctx, ref_rc4, NULL, NULL, NULL) != 1 ||
        EVP_CIPHER_CTX_set_key_length(ctx, keylen) != 1 ||
        EVP_EncryptInit_ex2(ctx, NULL, start_key, NULL, NULL) != 1) {
        fprintf(stderr, "mppe-bench: EVP RC4 setup failed\n");
        exit(1);
    }
    return ctx;
}

static void ref_batch(EVP_CIPHER_CTX *ctx, uint8_t bufs[][BUF_SIZE], size_t size)
{
    for (int i = 0; i < BATCH; i++) {
        int outl;
        uint8_t *p = bufs[i] + UPPP_MPPE_HDR_LEN;
        if (EVP_EncryptUpdate(ctx, p, &outl, p, (int)size + 2) != 1) {
            fprintf(stderr, "mppe-bench: EVP_EncryptUpdate failed\n");
            exit(1);
        }
    }
}

static uint8_t bufs[BATCH][BUF_SIZE];
static size_t lens[BATCH];

static void fill_payloads(size_t size)
{
    for (int i = 0; i < BATCH; i++) {
        bufs[i][UPPP_MPPE_OVERHEAD] = 0x45;
        for (size_t j = 1; j < size; j++)
            bufs[i][UPPP_MPPE_OVERHEAD + j] = (uint8_t)(i * 31 + j);
    }
}

static void mppe_encrypt_batch(struct uppp_mppe *tx, size_t size)
{
    for (int i = 0; i < BATCH; i++) {
        int n = uppp_mppe_encrypt(tx, 0x0021, bufs[i] + UPPP_MPPE_OVERHEAD, size, bufs[i],
                                  sizeof(bufs[i]));
        if (n < 0)
            die("uppp_mppe_encrypt", n);
        lens[i] = (size_t)n;
    }
}

static void mppe_decrypt_batch(struct uppp_mppe *rx)
{
    for (int i = 0; i < BATCH; i++) {
        struct uppp_mppe_rx r;
        int res = uppp_mppe_decrypt(rx, bufs[i], lens[i], &r);
        if (res != UPPP_MPPE_OK) {
            fprintf(stderr, "mppe-bench: decrypt result %d: %s\n", res,
                    uppp_mppe_drop_reason_str(r.reason));
            exit(1);
        }
    }
}

struct result {
    double mppe_mbps, rc4_mbps;
    double allocs_per_pkt;
};

/* One case: best-of-rounds throughput of MPPE and of the reference. */
static struct result run_case(int decrypt, int stateless, int bits, size_t size, int rounds,
                              double round_s)
{
    struct uppp_mppe *tx = mk(bits, stateless), *rx = decrypt ? mk(bits, stateless) : NULL;
    EVP_CIPHER_CTX *ref = ref_new(bits == 128 ? 16 : 8);
    struct result res = {0, 0, 0};
    fill_payloads(size);
    long allocs = 0, pkts = 0;
    for (int r = 0; r < rounds; r++) {
        double t_mppe = 0, t_ref = 0;
        long batches = 0;
        while (t_mppe < round_s) {
            if (decrypt) {
                mppe_encrypt_batch(tx, size); /* untimed */
                long a0 = allocs_so_far();
                double t0 = now();
                mppe_decrypt_batch(rx);
                t_mppe += now() - t0;
                allocs += allocs_so_far() - a0;
            } else {
                long a0 = allocs_so_far();
                double t0 = now();
                mppe_encrypt_batch(tx, size);
                t_mppe += now() - t0;
                allocs += allocs_so_far() - a0;
            }
            double t0 = now();
            ref_batch(ref, bufs, size);
            t_ref += now() - t0;
            batches++;
        }
        pkts += batches * BATCH;
        double bytes = (double)batches * BATCH * (double)size;
        double m = bytes / t_mppe / 1e6, f = bytes / t_ref / 1e6;
        if (m > res.mppe_mbps)
            res.mppe_mbps = m;
        if (f > res.rc4_mbps)
            res.rc4_mbps = f;
    }
    res.allocs_per_pkt = (double)allocs / (double)pkts;
    EVP_CIPHER_CTX_free(ref);
    uppp_mppe_del(tx);
    uppp_mppe_del(rx);
    return res;
}

/* One key change: a fresh stateless 128-bit receiver catching up a jump of
 * JUMP counts does JUMP key changes (RC4 set-key under the interim key, 16
 * bytes of RC4, SHA-1) and one install. Best of several. */
#define JUMP 512
static double key_change_ns(void)
{
    struct uppp_mppe *tx = mk(128, 1);
    uint8_t pkt[64];
    int n = 0;
    for (int i = 0; i <= JUMP - 1; i++)
        n = uppp_mppe_encrypt(tx, 0x0021, (const uint8_t *)"payload", 7, pkt, sizeof(pkt));
    if (n < 0)
        die("uppp_mppe_encrypt", n);
    uppp_mppe_del(tx);
    double best = 1e9;
    for (int rep = 0; rep < 40; rep++) {
        struct uppp_mppe_config cfg = {.bits = 128, .stateless = 1};
        memcpy(cfg.start_key, start_key, 16);
        struct uppp_mppe *rx = mk(128, 1);
        uint8_t buf[64];
        memcpy(buf, pkt, (size_t)n);
        struct uppp_mppe_rx r;
        double t0 = now();
        int res = uppp_mppe_decrypt(rx, buf, (size_t)n, &r);
        double t = now() - t0;
        if (res != UPPP_MPPE_OK) {
            fprintf(stderr, "mppe-bench: catch-up decrypt failed: %s\n",
                    uppp_mppe_drop_reason_str(r.reason));
            exit(1);
        }
        uppp_mppe_del(rx);
        if (t < best)
            best = t;
    }
    return best / JUMP * 1e9;
}

/* Installing a key: uppp_rc4_setkey, as the engine calls it. */
static double setkey_ns(void)
{
    struct uppp_rc4 *rc4;
    int rc = uppp_rc4_new(&rc4);
    if (rc != 0)
        die("uppp_rc4_new", rc);
    uint8_t key[16];
    memcpy(key, start_key, 16);
    double best = 1e9;
    for (int rep = 0; rep < 20; rep++) {
        double t0 = now();
        for (int i = 0; i < 1000; i++) {
            key[0] = (uint8_t)i;
            if ((rc = uppp_rc4_setkey(rc4, key, 16)) != 0)
                die("uppp_rc4_setkey", rc);
        }
        double t = (now() - t0) / 1000;
        if (t < best)
            best = t;
    }
    uppp_rc4_free(rc4);
    return best * 1e9;
}

/* Heap held by one direction's state, OpenSSL's cipher context included:
 * the average over NSTATES live states, so that one-off allocator and
 * OpenSSL cache effects wash out. */
#define NSTATES 64
static void state_size(size_t *heap, size_t *ossl_bytes, double *ossl_allocs)
{
    static struct uppp_mppe *st[NSTATES];
    uppp_mppe_del(mk(128, 0)); /* warm up: providers, algorithm caches */
    struct mallinfo2 before = mallinfo2();
    size_t ob = openssl_live_bytes;
    long oa = openssl_live_allocs;
    for (int i = 0; i < NSTATES; i++)
        st[i] = mk(128, 0);
    struct mallinfo2 after = mallinfo2();
    *heap = (after.uordblks - before.uordblks) / NSTATES;
    *ossl_bytes = (openssl_live_bytes - ob) / NSTATES;
    *ossl_allocs = (double)(openssl_live_allocs - oa) / NSTATES;
    for (int i = 0; i < NSTATES; i++)
        uppp_mppe_del(st[i]);
}

int main(int argc, char **argv)
{
    /* Must come before OpenSSL allocates anything. */
    CRYPTO_set_mem_functions(count_malloc, count_realloc, count_free);
    int rounds = 7, opt;
    double round_ms = 40;
    while ((opt = getopt(argc, argv, "r:t:h")) != -1) {
        switch (opt) {
        case 'r':
            rounds = atoi(optarg);
            break;
        case 't':
            round_ms = atof(optarg);
            break;
        default:
            fprintf(stderr, "usage: %s [-r ROUNDS] [-t MS_PER_ROUND]\n", argv[0]);
            return opt == 'h' ? 0 : 2;
        }
    }
    if (rounds < 1 || round_ms <= 0) {
        fprintf(stderr, "usage: %s [-r ROUNDS] [-t MS_PER_ROUND]\n", argv[0]);
        return 2;
    }
    int rc = uppp_crypto_init();
    if (rc != 0)
        die("crypto", rc);
    ref_libctx = OSSL_LIB_CTX_new();
    if (ref_libctx == NULL || (ref_legacy = OSSL_PROVIDER_load(ref_libctx, "legacy")) == NULL ||
        (ref_rc4 = EVP_CIPHER_fetch(ref_libctx, "RC4", NULL)) == NULL) {
        fprintf(stderr, "mppe-bench: cannot load OpenSSL RC4 for the reference\n");
        return 1;
    }

    static const int sizes[] = {64, 576, 1400};
    double allocs_max = 0;
    for (int decrypt = 0; decrypt <= 1; decrypt++)
        for (int stateless = 0; stateless <= 1; stateless++)
            for (int b = 0; b < 2; b++)
                for (int s = 0; s < 3; s++) {
                    int bits = b ? 128 : 40;
                    struct result r = run_case(decrypt, stateless, bits, (size_t)sizes[s], rounds,
                                               round_ms / 1000);
                    printf("op=%s mode=%s bits=%d size=%d mppe_MBps=%.1f rc4_MBps=%.1f "
                           "ratio=%.3f mallocs_per_packet=%g\n",
                           decrypt ? "decrypt" : "encrypt", stateless ? "stateless" : "stateful",
                           bits, sizes[s], r.mppe_mbps, r.rc4_mbps, r.mppe_mbps / r.rc4_mbps,
                           r.allocs_per_pkt);
                    fflush(stdout);
                    if (r.allocs_per_pkt > allocs_max)
                        allocs_max = r.allocs_per_pkt;
                }

    double kc = key_change_ns(), sk = setkey_ns();
    size_t heap, ob;
    double oa;
    state_size(&heap, &ob, &oa);
    printf("rekey_ns=%.1f key_change_ns=%.1f rc4_setkey_ns=%.1f state_bytes=%zu "
           "openssl_state_bytes=%zu openssl_state_allocs=%.0f mallocs_per_packet=%g "
           "malloc_counted=%s rc4_schedule=%s\n",
           kc + sk, kc, sk, heap, ob, oa, allocs_max,
#ifdef BENCH_SANITIZED
           "openssl",
#else
           "all",
#endif
           uppp_rc4_own_schedule() ? "own" : "openssl");
    fflush(stdout); /* before a sanitizer's exit-time report can end the process */
    EVP_CIPHER_free(ref_rc4);
    OSSL_PROVIDER_unload(ref_legacy);
    OSSL_LIB_CTX_free(ref_libctx);
    return 0;
}
