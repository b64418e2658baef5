/*
 * gre-blast: the most a user-space PPTP data path can carry between two
 * hosts at PPTP's packet size (issue 10's VM bench, way d and e of
 * bench/pptp_vm.sh). One side blasts enhanced GRE packets (RFC 2637
 * section 4.1) of 1400 payload octets on a raw IPPROTO_GRE socket with
 * sendmmsg, the other counts them with recvmmsg: no TCP, no TUN, no PPP
 * state. Whatever a real PPTP implementation adds per packet can only make
 * it slower, so the sink's rate is a ceiling for upppd in the same bed.
 *
 * With -m both ends do what upppd does to every data packet besides: the
 * sender encrypts it with stateless MPPE-128 (RFC 3078: a key change per
 * packet) through libuppp, the sink decrypts it and checks it, so the
 * difference to the plain run is MPPE's share.
 *
 * Pacing: a blaster faster than its sink would only measure how the
 * sink's kernel drops packets (which costs it CPU too). So the sink acks
 * the highest sequence number every ACK_EVERY data packets with an ack-only
 * GRE packet, and the sender keeps at most WINDOW packets unacked, as
 * PPTP's sliding window does (section 4.2). An ack that does not come
 * within 200 ms is given up (counted as a stall) so loss cannot hang it.
 *
 * Control packets are ack-only GRE packets on call ID BLAST_CALL with
 * reserved ack numbers: HELLO (the sender repeats it until the sink answers
 * HELLO_ACK, so either side may start first; on loopback a raw socket also
 * reads what it sent itself, hence two numbers) and END (the sender repeats it after
 * the last data packet; the sink stops there, or after IDLE_S seconds
 * without data once data has flowed). The sink's exit status is 1 when no
 * good data packet came (with -m on one end only, every packet is bad).
 *
 * Usage (root or CAP_NET_RAW):
 *   gre-blast sink [-m]                   prints one line:
 *     gre-sink mode= packets= bytes= lost= bad= secs= MBps= user_s= sys_s=
 *              guest_busy_pct=
 *   gre-blast send [-m] [-w WINDOW] DST BYTES
 *     gre-blast mode= packets= bytes= secs= MBps= stalls= user_s= sys_s=
 *   gre-blast cost                        the price of one clock read and
 *     of one trivial system call:  gre-cost clock_ns= syscall_ns=
 * secs run from the first data packet to the last one (sink) or from the
 * first send to the last (sender); MB = 10^6 octets of GRE payload;
 * guest_busy_pct is the machine's non-idle share of /proc/stat's cpu line
 * over the same interval. Exit status 0, 1 on an error (message on stderr),
 * 2 on bad usage.
 */
#define _GNU_SOURCE
#include <uppp/err.h>
#include <uppp/mppe.h>
#include <uppp/pptp_gre.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PAYLOAD 1400
#define BATCH 64
#define ACK_EVERY 32
#define DEFAULT_WINDOW 512
#define IDLE_S 5
#define BLAST_CALL 0x4242
#define HELLO 0xFFFFFFF0u
#define HELLO_ACK 0xFFFFFFF1u
#define END 0xFFFFFFFEu
#define GRE_HDR_MAX 16
#define IP_HDR_MAX 60
#define PKT_MAX (IP_HDR_MAX + GRE_HDR_MAX + PAYLOAD)
/* The PPP frame inside: address, control, protocol 0x00FD (RFC 3078),
 * then MPPE's header and the encrypted protocol + datagram. */
#define PPP_HDR 4
#define MPPE_DATA (PAYLOAD - PPP_HDR - UPPP_MPPE_OVERHEAD)

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Non-idle and total jiffies of /proc/stat's first line (0s if absent). */
static void cpu_jiffies(unsigned long long *busy, unsigned long long *total)
{
    unsigned long long v[8] = {0};
    *busy = *total = 0;
    FILE *f = fopen("/proc/stat", "r");
    if (f == NULL)
        return;
    int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
                   &v[4], &v[5], &v[6], &v[7]);
    fclose(f);
    for (int i = 0; i < n; i++)
        *total += v[i];
    *busy = *total - (n > 4 ? v[3] + v[4] : 0);
}

static void rusage_s(double *user, double *sys)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    *user = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
    *sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int raw_gre_socket(int bufopt, int bytes)
{
    int fd = socket(AF_INET, SOCK_RAW, IPPROTO_GRE);
    if (fd < 0) {
        perror("gre-blast: socket(IPPROTO_GRE)");
        return -1;
    }
    /* The FORCE variant passes net.core.*mem_max as root; fall back. */
    if (setsockopt(fd, SOL_SOCKET, bufopt, &bytes, sizeof(bytes)) != 0) {
        int plain = bufopt == SO_RCVBUFFORCE ? SO_RCVBUF : SO_SNDBUF;
        setsockopt(fd, SOL_SOCKET, plain, &bytes, sizeof(bytes));
    }
    return fd;
}

/* An ack-only control or window packet to dst. */
static void send_ack(int fd, const struct sockaddr_in *dst, uint32_t ack)
{
    uint8_t b[GRE_HDR_MAX];
    struct uppp_gre_hdr h = {.call_id = BLAST_CALL, .has_ack = 1, .ack = ack};
    int n = uppp_gre_build(&h, b, sizeof(b));
    if (n > 0)
        sendto(fd, b, (size_t)n, 0, (const struct sockaddr *)dst, dst ? sizeof(*dst) : 0);
}

/* The GRE packet inside a raw socket's IPv4 datagram: 0 and h filled, its
 * payload at *payload, or -1 (not ours or malformed). */
static int parse_ip_gre(const uint8_t *ip, size_t len, struct uppp_gre_hdr *h,
                        const uint8_t **payload)
{
    if (len < 20 || (ip[0] >> 4) != 4 || ip[9] != IPPROTO_GRE)
        return -1;
    size_t ihl = (size_t)(ip[0] & 15) * 4;
    if (ihl < 20 || ihl > len)
        return -1;
    int hl = uppp_gre_parse(ip + ihl, len - ihl, h);
    if (hl < 0 || h->call_id != BLAST_CALL)
        return -1;
    *payload = ip + ihl + hl;
    return 0;
}

static struct uppp_mppe *mppe_state(void)
{
    /* A fixed key: both ends must agree, secrecy is not the point. */
    struct uppp_mppe_config cfg = {
        .bits = 128, .stateless = 1, .max_rekey = UPPP_MPPE_MAX_REKEY_LIMIT};
    memset(cfg.start_key, 0x5a, sizeof(cfg.start_key));
    struct uppp_mppe *st = NULL;
    int rc = uppp_mppe_new(&st, &cfg);
    if (rc != 0) {
        fprintf(stderr, "gre-blast: uppp_mppe_new: %d\n", rc);
        return NULL;
    }
    return st;
}

static int run_sink(int mppe)
{
    int fd = raw_gre_socket(SO_RCVBUFFORCE, 8 << 20);
    if (fd < 0)
        return 1;
    struct uppp_mppe *st = NULL;
    if (mppe && (st = mppe_state()) == NULL)
        return 1;
    struct timeval tv = {.tv_sec = 1};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

    static uint8_t bufs[BATCH][PKT_MAX];
    struct iovec iov[BATCH];
    struct sockaddr_in from[BATCH];
    struct mmsghdr msgs[BATCH];
    uint64_t packets = 0, bytes = 0, bad = 0;
    uint32_t max_seq = 0, first_seq = 0, since_ack = 0;
    double t_first = 0, t_last = 0, t_idle = now_s();
    unsigned long long busy0 = 0, total0 = 0, busy1, total1;
    double u0 = 0, s0 = 0, u1, s1;
    struct sockaddr_in peer = {0};
    int done = 0;
    while (!done) {
        for (int i = 0; i < BATCH; i++) {
            iov[i] = (struct iovec){bufs[i], PKT_MAX};
            msgs[i].msg_hdr = (struct msghdr){.msg_name = &from[i],
                                              .msg_namelen = sizeof(from[i]),
                                              .msg_iov = &iov[i],
                                              .msg_iovlen = 1};
        }
        int n = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
        double t = now_s();
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                perror("gre-blast: recvmmsg");
                return 1;
            }
            if (packets + bad > 0 && t - t_idle > IDLE_S)
                break; /* the END packets were lost */
            continue;
        }
        for (int i = 0; i < n; i++) {
            struct uppp_gre_hdr h;
            const uint8_t *pl;
            if (parse_ip_gre(bufs[i], msgs[i].msg_len, &h, &pl) != 0)
                continue; /* someone else's GRE */
            if (!h.has_seq) {
                if (h.has_ack && h.ack == HELLO) {
                    peer = from[i];
                    send_ack(fd, &peer, HELLO_ACK);
                } else if (h.has_ack && h.ack == END && peer.sin_family == AF_INET) {
                    done = 1;
                }
                continue;
            }
            if (h.payload_len != PAYLOAD) {
                bad++;
                continue;
            }
            if (st != NULL) {
                /* Decrypted in place: the buffer is ours until the next
                 * recvmmsg. The sender put FF 03 00 FD before MPPE. */
                struct uppp_mppe_rx rx;
                int rc = uppp_mppe_decrypt(st, (uint8_t *)pl + PPP_HDR, PAYLOAD - PPP_HDR, &rx);
                if (pl[2] != 0x00 || pl[3] != 0xfd || rc != UPPP_MPPE_OK ||
                    rx.payload_len != MPPE_DATA) {
                    bad++;
                    continue;
                }
            }
            if (packets == 0) {
                t_first = t;
                first_seq = h.seq;
                cpu_jiffies(&busy0, &total0);
                rusage_s(&u0, &s0);
            }
            packets++;
            bytes += PAYLOAD;
            if ((int32_t)(h.seq - max_seq) > 0 || packets == 1)
                max_seq = h.seq;
            t_last = t;
            if (++since_ack >= ACK_EVERY && peer.sin_family == AF_INET) {
                send_ack(fd, &peer, max_seq);
                since_ack = 0;
            }
        }
        t_idle = t;
    }
    cpu_jiffies(&busy1, &total1);
    rusage_s(&u1, &s1);
    uppp_mppe_del(st);
    close(fd);
    double secs = t_last - t_first;
    uint64_t expected = packets ? (uint64_t)(max_seq - first_seq) + 1 : 0;
    printf("gre-sink mode=%s packets=%llu bytes=%llu lost=%lld bad=%llu secs=%.3f MBps=%.3f "
           "user_s=%.2f sys_s=%.2f guest_busy_pct=%.0f\n",
           mppe ? "mppe" : "plain", (unsigned long long)packets, (unsigned long long)bytes,
           (long long)(expected - packets), (unsigned long long)bad, secs,
           secs > 0 ? (double)bytes / secs / 1e6 : 0.0, u1 - u0, s1 - s0,
           total1 > total0 ? 100.0 * (double)(busy1 - busy0) / (double)(total1 - total0) : 0.0);
    return packets > 0 ? 0 : 1;
}

/* Read every ack waiting (non-blocking); the highest data ack in *acked.
 * Returns 1 if the sink's HELLO answer was among them. */
static int drain_acks(int fd, uint32_t *acked)
{
    uint8_t b[PKT_MAX];
    int hello = 0;
    for (;;) {
        ssize_t n = recv(fd, b, sizeof(b), MSG_DONTWAIT);
        if (n < 0)
            return hello;
        struct uppp_gre_hdr h;
        const uint8_t *pl;
        if (parse_ip_gre(b, (size_t)n, &h, &pl) != 0 || !h.has_ack || h.has_seq)
            continue;
        if (h.ack == HELLO_ACK)
            hello = 1;
        else if (h.ack < HELLO && (int32_t)(h.ack - *acked) > 0)
            *acked = h.ack;
    }
}

static int wait_readable(int fd, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, ms) > 0;
}

static int run_send(int mppe, unsigned window, const char *dst_s, unsigned long long total)
{
    struct sockaddr_in dst = {.sin_family = AF_INET};
    if (inet_pton(AF_INET, dst_s, &dst.sin_addr) != 1) {
        fprintf(stderr, "gre-blast: bad IPv4 address\n");
        return 2;
    }
    int fd = raw_gre_socket(SO_SNDBUFFORCE, 4 << 20);
    if (fd < 0)
        return 1;
    /* Only acks come in, except on loopback, where the sender's own data
     * does too and must not crowd the acks out. */
    int rcv = 4 << 20;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) != 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
    if (connect(fd, (struct sockaddr *)&dst, sizeof(dst)) != 0) {
        perror("gre-blast: connect");
        return 1;
    }
    struct uppp_mppe *st = NULL;
    if (mppe && (st = mppe_state()) == NULL)
        return 1;
    /* The sink may not be up yet: HELLO every 200 ms, for up to 5 min. By
     * the clock, not by wakeups: on loopback each HELLO of ours wakes us
     * too. */
    int up = 0;
    uint32_t dummy = 0;
    for (double end = now_s() + 300; !up && now_s() < end;) {
        send_ack(fd, NULL, HELLO);
        for (double until = now_s() + 0.2, t; !up && (t = now_s()) < until;)
            if (wait_readable(fd, (int)((until - t) * 1000) + 1))
                up = drain_acks(fd, &dummy);
    }
    if (!up) {
        fprintf(stderr, "gre-blast: no answer from the sink\n");
        return 1;
    }

    static uint8_t bufs[BATCH][GRE_HDR_MAX + PAYLOAD];
    static uint8_t data[MPPE_DATA];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 7 + 1);
    data[0] = 0x45; /* looks like IPv4; the sink does not care */
    struct iovec iov[BATCH];
    struct mmsghdr msgs[BATCH];
    unsigned long long npkts = (total + PAYLOAD - 1) / PAYLOAD, sent = 0, stalls = 0;
    uint32_t seq = 0, acked = (uint32_t)-1;
    double u0, s0, u1, s1;
    unsigned long long busy0, total0, busy1, total1;
    rusage_s(&u0, &s0);
    cpu_jiffies(&busy0, &total0);
    double t0 = now_s();
    while (sent < npkts) {
        unsigned n = npkts - sent < BATCH ? (unsigned)(npkts - sent) : BATCH;
        drain_acks(fd, &acked);
        while (seq - (acked + 1) + n > window) {
            if (!wait_readable(fd, 200)) {
                stalls++;
                acked = seq - 1; /* lost acks or packets: carry on */
                break;
            }
            drain_acks(fd, &acked);
        }
        for (unsigned i = 0; i < n; i++) {
            struct uppp_gre_hdr h = {
                .payload_len = PAYLOAD, .call_id = BLAST_CALL, .has_seq = 1, .seq = seq + i};
            int hl = uppp_gre_build(&h, bufs[i], GRE_HDR_MAX);
            if (hl < 0)
                return 1;
            uint8_t *pl = bufs[i] + hl;
            if (st != NULL) {
                pl[0] = 0xff, pl[1] = 0x03, pl[2] = 0x00, pl[3] = 0xfd;
                int rc = uppp_mppe_encrypt(st, 0x0021, data, sizeof(data), pl + PPP_HDR,
                                           PAYLOAD - PPP_HDR);
                if (rc != PAYLOAD - PPP_HDR) {
                    fprintf(stderr, "gre-blast: uppp_mppe_encrypt: %d\n", rc);
                    return 1;
                }
            } else if (sent == 0) {
                memset(pl, 0xa5, PAYLOAD);
            }
            iov[i] = (struct iovec){bufs[i], (size_t)hl + PAYLOAD};
            msgs[i].msg_hdr = (struct msghdr){.msg_iov = &iov[i], .msg_iovlen = 1};
        }
        unsigned done = 0;
        while (done < n) {
            int r = sendmmsg(fd, msgs + done, n - done, 0);
            if (r < 0) {
                if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) {
                    wait_readable(fd, 1);
                    continue;
                }
                perror("gre-blast: sendmmsg");
                return 1;
            }
            done += (unsigned)r;
        }
        seq += n;
        sent += n;
    }
    double secs = now_s() - t0;
    for (int i = 0; i < 5; i++) {
        send_ack(fd, NULL, END);
        usleep(20000);
    }
    rusage_s(&u1, &s1);
    cpu_jiffies(&busy1, &total1);
    uppp_mppe_del(st);
    close(fd);
    printf("gre-blast mode=%s packets=%llu bytes=%llu secs=%.3f MBps=%.3f stalls=%llu "
           "user_s=%.2f sys_s=%.2f guest_busy_pct=%.0f\n",
           mppe ? "mppe" : "plain", sent, sent * PAYLOAD, secs,
           secs > 0 ? (double)(sent * PAYLOAD) / secs / 1e6 : 0.0, stalls, u1 - u0, s1 - s0,
           total1 > total0 ? 100.0 * (double)(busy1 - busy0) / (double)(total1 - total0) : 0.0);
    return 0;
}

/* What a clock read and the cheapest system call cost here (in a TCG
 * guest with tsc=unstable the clock is a system call plus an emulated
 * HPET read): the unit for counting a data path's calls per packet. */
static int run_cost(void)
{
    enum { N = 20000 };
    struct timespec ts;
    double t0 = now_s();
    for (int i = 0; i < N; i++)
        clock_gettime(CLOCK_MONOTONIC, &ts);
    double t1 = now_s();
    for (int i = 0; i < N; i++)
        (void)getppid();
    double t2 = now_s();
    printf("gre-cost clock_ns=%.0f syscall_ns=%.0f\n", (t1 - t0) / N * 1e9, (t2 - t1) / N * 1e9);
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: gre-blast sink [-m]\n"
                    "       gre-blast cost\n"
                    "       gre-blast send [-m] [-w WINDOW] DST BYTES\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    int mppe = 0;
    unsigned window = DEFAULT_WINDOW;
    int i = 2;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-m") == 0) {
            mppe = 1;
        } else if (strcmp(argv[i], "-w") == 0 && i + 1 < argc) {
            char *end;
            unsigned long w = strtoul(argv[++i], &end, 10);
            if (*end != 0 || w < BATCH || w > 65536)
                return usage();
            window = (unsigned)w;
        } else {
            return usage();
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (strcmp(argv[1], "cost") == 0 && i == argc)
        return run_cost();
    if (strcmp(argv[1], "sink") == 0 && i == argc)
        return run_sink(mppe);
    if (strcmp(argv[1], "send") == 0 && i + 2 == argc) {
        char *end;
        unsigned long long bytes = strtoull(argv[i + 1], &end, 10);
        if (*end != 0 || bytes == 0 || bytes > (1ull << 40))
            return usage();
        return run_send(mppe, window, argv[i], bytes);
    }
    return usage();
}
