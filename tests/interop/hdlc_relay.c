/*
 * hdlc-relay: a lossy line for the interop matrix (tests/interop/matrix.sh).
 *
 * It sits between upppd (its standard input and output, normally the pty
 * upppd gives a `pty` command) and qemu's unix socket for the guest's ttyS1,
 * copies the byte stream both ways, and drops whole HDLC frames (RFC 1662
 * section 4: frames between 0x7e flags, 0x7d escapes) at a given rate. Only
 * MPPE data frames (protocol 0x00fd, RFC 3078 section 3) are dropped, so the
 * test exercises the stateful-MPPE resync (RFC 3078 section 8.2, CCP
 * Reset-Request/Reset-Ack of RFC 1962 section 3.1) and nothing else: LCP,
 * CCP and the rest pass untouched. Bytes are forwarded exactly as they came;
 * a dropped frame leaves only its closing flag, so the framing of the frames
 * around it is kept. Decisions come from a seeded generator, one stream per
 * direction, so a run can be repeated.
 *
 * usage: hdlc-relay [-s SEED] [-p PERMILLE] [-a ANSWERS] [-w WARMUP] [-l LOGFILE] SOCKET
 *   -p  drop probability in 1/1000 (default 30 = 3 %)
 *   -a  also drop the first ANSWERS reset answers of each direction: the
 *       first FLUSHED MPPE frame after a CCP Reset-Request went the other
 *       way. Losing one is what stateful MPPE between Linux-style peers
 *       (every FLUSHED packet a key change) finds hardest; at 3 % it
 *       happens in about one run in two, this makes it certain.
 *   -w  never drop the first WARMUP MPPE frames of each direction (default 0)
 *   -l  log every drop and a final count per direction there (default stderr)
 * Directions are named "up>vm" (stdin to SOCKET) and "vm>up" (SOCKET to
 * stdout). The relay ends at EOF or error on either side, or on SIGTERM,
 * SIGHUP or SIGINT, after logging its counts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#define FRAME_MAX 16384 /* longer "frames" (garbage) are passed through */

struct dir {
    const char *name;
    int in, out;
    uint8_t buf[FRAME_MAX];
    size_t len;
    int overlong; /* the current frame outgrew buf: pass it on as it comes */
    uint64_t rng;
    struct dir *other;
    int answer_due; /* a Reset-Request went the other way: the next
                     * FLUSHED frame here answers it */
    unsigned long frames, mppe, dropped, bytes, answers, answers_dropped;
};

static FILE *logf_;
static unsigned permille = 30, warmup, answer_drops;
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* splitmix64: small, seedable, good enough for drop decisions. */
static uint64_t next_rand(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Undo the RFC 1662 section 4.2 escapes of the first bytes of a frame. */
static size_t unescape_head(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < len && n < cap; i++) {
        if (in[i] == 0x7d) {
            if (++i == len)
                break;
            out[n++] = in[i] ^ 0x20;
        } else {
            out[n++] = in[i];
        }
    }
    return n;
}

enum { F_OTHER, F_MPPE, F_RESETREQ };

/* What is this frame: MPPE data, a CCP Reset-Request (RFC 1962 section
 * 3.1, code 14), or anything else? Address/Control may be compressed away
 * (ACFC) and the protocol field may be one byte (PFC), RFC 1661 sections
 * 6.5 and 6.6. Fills in the MPPE header (flag bits and coherency count). */
static int classify(const uint8_t *frame, size_t len, unsigned *hdr)
{
    uint8_t h[8];
    size_t n = unescape_head(frame, len, h, sizeof(h)), i = 0;
    if (n >= 2 && h[0] == 0xff && h[1] == 0x03)
        i = 2;
    if (i >= n)
        return 0;
    unsigned proto;
    if (h[i] & 1) {
        proto = h[i];
        i += 1;
    } else {
        if (i + 1 >= n)
            return 0;
        proto = (unsigned)h[i] << 8 | h[i + 1];
        i += 2;
    }
    if (proto == 0x80fd && i < n && h[i] == 14)
        return F_RESETREQ;
    if (proto != 0x00fd)
        return F_OTHER;
    *hdr = i + 1 < n ? (unsigned)h[i] << 8 | h[i + 1] : 0;
    return F_MPPE;
}

/* A frame (without its closing flag) is complete: forward it or drop it,
 * then the flag. Returns -1 when the output side is gone. */
static int end_frame(struct dir *d)
{
    unsigned hdr = 0;
    int drop = 0, answer = 0;
    if (d->len > 0 && !d->overlong) {
        d->frames++;
        int kind = classify(d->buf, d->len, &hdr);
        if (kind == F_RESETREQ)
            d->other->answer_due = 1;
        if (kind == F_MPPE) {
            d->mppe++;
            /* Draw for every MPPE frame, warm-up or not, so the sequence
             * of decisions depends on the seed only. */
            int hit = next_rand(&d->rng) % 1000 < permille;
            drop = hit && d->mppe > warmup;
            if (d->answer_due && (hdr & 0x8000)) {
                d->answer_due = 0;
                d->answers++;
                answer = 1;
                if (d->answers_dropped < answer_drops && d->mppe > warmup) {
                    d->answers_dropped++;
                    drop = 1;
                }
            }
        }
    }
    if (drop) {
        d->dropped++;
        fprintf(logf_,
                "hdlc-relay: drop %s mppe-frame=%lu ccount=%u flushed=%u encrypted=%u "
                "len=%zu reset-answer=%d dropped=%lu\n",
                d->name, d->mppe, hdr & 0x0fff, (hdr >> 15) & 1, (hdr >> 12) & 1, d->len, answer,
                d->dropped);
        d->len = 0;
        static const uint8_t flag = 0x7e;
        return write_all(d->out, &flag, 1);
    }
    d->buf[d->len++] = 0x7e; /* room kept for it: see relay() */
    int rc = write_all(d->out, d->buf, d->len);
    d->len = 0;
    d->overlong = 0;
    return rc;
}

/* Move what is readable on d->in. Returns -1 at EOF or on an error. */
static int relay(struct dir *d)
{
    uint8_t tmp[4096];
    ssize_t n = read(d->in, tmp, sizeof(tmp));
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return 0;
    if (n <= 0)
        return -1;
    d->bytes += (size_t)n;
    for (ssize_t i = 0; i < n; i++) {
        if (tmp[i] == 0x7e) {
            if (end_frame(d) < 0)
                return -1;
            continue;
        }
        if (d->overlong) {
            if (write_all(d->out, &tmp[i], 1) < 0)
                return -1;
            continue;
        }
        if (d->len + 1 >= sizeof(d->buf)) { /* keep one byte for the flag */
            d->overlong = 1;
            if (write_all(d->out, d->buf, d->len) < 0 || write_all(d->out, &tmp[i], 1) < 0)
                return -1;
            d->len = 0;
            continue;
        }
        d->buf[d->len++] = tmp[i];
    }
    return 0;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: hdlc-relay [-s SEED] [-p PERMILLE] [-a ANSWERS] [-w WARMUP] [-l LOGFILE] "
            "SOCKET\n");
    exit(2);
}

int main(int argc, char **argv)
{
    uint64_t seed = 1;
    const char *logpath = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "s:p:a:w:l:")) != -1) {
        switch (opt) {
        case 's':
            seed = strtoull(optarg, NULL, 0);
            break;
        case 'p':
            permille = (unsigned)strtoul(optarg, NULL, 0);
            break;
        case 'a':
            answer_drops = (unsigned)strtoul(optarg, NULL, 0);
            break;
        case 'w':
            warmup = (unsigned)strtoul(optarg, NULL, 0);
            break;
        case 'l':
            logpath = optarg;
            break;
        default:
            usage();
        }
    }
    if (optind + 1 != argc || permille > 1000)
        usage();
    logf_ = stderr;
    if (logpath != NULL && (logf_ = fopen(logpath, "a")) == NULL) {
        perror(logpath);
        return 1;
    }
    setvbuf(logf_, NULL, _IOLBF, 0);

    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(argv[optind]) >= sizeof(sa.sun_path)) {
        fprintf(logf_, "hdlc-relay: socket path too long\n");
        return 1;
    }
    strcpy(sa.sun_path, argv[optind]);
    int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sock < 0 || connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        fprintf(logf_, "hdlc-relay: %s: %s\n", argv[optind], strerror(errno));
        return 1;
    }
    /* Normally stdin is upppd's pty: make it a clean 8-bit path (upppd sets
     * its own side raw; this covers the slave's line discipline too). */
    struct termios t;
    if (tcgetattr(0, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(0, TCSANOW, &t);
    }

    struct sigaction sa_sig = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa_sig, NULL);
    sigaction(SIGHUP, &sa_sig, NULL);
    sigaction(SIGINT, &sa_sig, NULL);
    signal(SIGPIPE, SIG_IGN);

    static struct dir up = {.name = "up>vm", .in = 0}, vm = {.name = "vm>up", .out = 1};
    up.out = sock;
    vm.in = sock;
    up.other = &vm;
    vm.other = &up;
    up.rng = seed ^ 0x1111111111111111ull;
    vm.rng = seed ^ 0x2222222222222222ull;
    fprintf(logf_, "hdlc-relay: start seed=%llu permille=%u answers=%u warmup=%u\n",
            (unsigned long long)seed, permille, answer_drops, warmup);

    while (!stop) {
        struct pollfd p[2] = {{.fd = up.in, .events = POLLIN}, {.fd = vm.in, .events = POLLIN}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[0].revents && relay(&up) < 0)
            break;
        if (p[1].revents && relay(&vm) < 0)
            break;
    }
    struct dir *ds[2] = {&up, &vm};
    for (int i = 0; i < 2; i++)
        fprintf(logf_,
                "hdlc-relay: end %s bytes=%lu frames=%lu mppe=%lu reset-answers=%lu "
                "answers-dropped=%lu dropped=%lu\n",
                ds[i]->name, ds[i]->bytes, ds[i]->frames, ds[i]->mppe, ds[i]->answers,
                ds[i]->answers_dropped, ds[i]->dropped);
    return 0;
}
