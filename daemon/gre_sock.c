/*
 * The raw GRE socket and its demultiplexer (see gre_sock.h): IPv4 header
 * checks (RFC 791 section 3.1), the enhanced GRE header through
 * uppp_gre_parse (RFC 2637 section 4.1), and a hash table of calls keyed
 * by (peer address, our Call ID).
 */
#define _GNU_SOURCE
#include "gre_sock.h"

#include <uppp/err.h>
#include <uppp/pptp_gre.h>

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define NBUCKETS 1024 /* power of two; chains stay short for thousands of calls */
#define READ_BURST 64 /* reads per readiness event, as sess.c: other fds get their turn */
#define RCVBUF (4 * 1024 * 1024) /* absorb a burst from many calls between two passes */
#define IPPROTO_GRE_NUM 47

#define FROM(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

/* Sending: packets of one pass leave in one sendmmsg (a burst read from a
 * TUN becomes one system call instead of one per packet). */
#define TXQ_SLOTS 64  /* a 64 KiB TSO read from a TUN is ~45 packets: one call */
#define TXQ_SLOT 4224 /* 16 + 4096 octets is the most uppp_pptp_gre sends */

struct upppd_gre_txq {
    int n;
    uint32_t peer[TXQ_SLOTS];
    uint32_t local[TXQ_SLOTS]; /* source address, 0: the kernel's choice */
    size_t len[TXQ_SLOTS];
    uint8_t buf[TXQ_SLOTS][TXQ_SLOT];
};

static void tx_flush(struct upppd_gre_sock *g)
{
    struct upppd_gre_txq *q = g->txq;
    if (q == NULL || q->n == 0)
        return;
    struct mmsghdr msgs[TXQ_SLOTS];
    struct iovec iov[TXQ_SLOTS];
    struct sockaddr_in to[TXQ_SLOTS];
    union {
        char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
        struct cmsghdr align;
    } ctl[TXQ_SLOTS];
    memset(msgs, 0, sizeof(msgs));
    memset(ctl, 0, sizeof(ctl));
    for (int i = 0; i < q->n; i++) {
        to[i] = (struct sockaddr_in){.sin_family = AF_INET, .sin_addr.s_addr = q->peer[i]};
        iov[i] = (struct iovec){.iov_base = q->buf[i], .iov_len = q->len[i]};
        msgs[i].msg_hdr = (struct msghdr){
            .msg_name = &to[i], .msg_namelen = sizeof(to[i]), .msg_iov = &iov[i], .msg_iovlen = 1};
        if (q->local[i] != 0) {
            /* The source address for this packet only (ip(7) IP_PKTINFO:
             * ipi_spec_dst), whatever the route's preferred source is. */
            msgs[i].msg_hdr.msg_control = ctl[i].buf;
            msgs[i].msg_hdr.msg_controllen = sizeof(ctl[i].buf);
            struct cmsghdr *cm = CMSG_FIRSTHDR(&msgs[i].msg_hdr);
            cm->cmsg_level = IPPROTO_IP;
            cm->cmsg_type = IP_PKTINFO;
            cm->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
            struct in_pktinfo pi = {.ipi_spec_dst.s_addr = q->local[i]};
            memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
        }
    }
    int done = 0;
    while (done < q->n) {
        int r = sendmmsg(g->fd, msgs + done, (unsigned)(q->n - done), MSG_DONTWAIT);
        if (r > 0) {
            g->st.tx_packets += (uint64_t)r;
            done += r;
        } else if (r < 0 && errno == EINTR) {
            continue;
        } else {
            /* This one cannot go (full buffer, no route): drop it, try the rest. */
            g->st.tx_errors++;
            done++;
        }
    }
    q->n = 0;
}

static void on_txflush(struct upppd_defer *d)
{
    tx_flush(FROM(d, struct upppd_gre_sock, txflush));
}

static size_t bucket_of(uint32_t peer, uint16_t call_id)
{
    /* Keys are chosen by us (Call IDs) and by the routing (addresses): a
     * multiplicative hash spreads both without a secret seed. */
    uint32_t h = (peer * 2654435761u) ^ ((uint32_t)call_id * 40503u);
    return (h ^ (h >> 16)) & (NBUCKETS - 1);
}

int upppd_gre_sock_init(struct upppd_gre_sock *g, struct upppd_loop *loop)
{
    memset(g, 0, sizeof(*g));
    g->loop = loop;
    g->fd = -1;
    g->buckets = calloc(NBUCKETS, sizeof(*g->buckets));
    if (g->buckets == NULL) {
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

/* Packets per recvmmsg and the room for each: the loop's scratch buffer
 * cut in slots. A PPTP packet is at most 20 + 16 + 4096 octets (our
 * max_payload); a longer one is truncated and then fails the IP length
 * check. */
#define MMSG_SLOTS 16
#define MMSG_SLOT (UPPPD_LOOP_SCRATCH / MMSG_SLOTS)
_Static_assert(MMSG_SLOT >= 20 + 16 + 4096, "a slot holds the largest PPTP packet");

static void read_socket(struct upppd_gre_sock *g)
{
    uint8_t *buf = g->loop->scratch;
    uint64_t now = upppd_loop_now();
    struct mmsghdr msgs[MMSG_SLOTS];
    struct iovec iov[MMSG_SLOTS];
    /* READ_BURST packets per readiness event, in batches of MMSG_SLOTS:
     * one system call for a burst of a busy call's packets. */
    for (int done = 0; done < READ_BURST;) {
        memset(msgs, 0, sizeof(msgs));
        for (int i = 0; i < MMSG_SLOTS; i++) {
            iov[i] = (struct iovec){.iov_base = buf + (size_t)i * MMSG_SLOT, .iov_len = MMSG_SLOT};
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        int n = recvmmsg(g->fd, msgs, MMSG_SLOTS, MSG_DONTWAIT, NULL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; /* EAGAIN; a raw socket has no EOF */
        for (int i = 0; i < n; i++)
            upppd_gre_sock_demux(g, buf + (size_t)i * MMSG_SLOT, msgs[i].msg_len, now);
        if (n < MMSG_SLOTS)
            return; /* drained */
        done += n;
    }
}

static void on_readable(struct upppd_watch *w, uint32_t events)
{
    (void)events;
    read_socket(FROM(w, struct upppd_gre_sock, w));
}

int upppd_gre_sock_open(struct upppd_gre_sock *g, struct upppd_loop *loop, uint32_t local)
{
    if (upppd_gre_sock_init(g, loop) < 0)
        return -1;
    g->fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_GRE_NUM);
    if (g->fd < 0)
        goto fail;
    int sz = RCVBUF;
    /* As root the limit of net.core.rmem_max does not apply; otherwise
     * take what the kernel allows. */
    if (setsockopt(g->fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
        (void)setsockopt(g->fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
    /* One 64 KiB TSO read from a TUN leaves as ~45 packets in a row; the
     * default send buffer (wmem_default, ~200 KiB) held only a few such
     * bursts while a slow NIC was still sending, and a send that finds it
     * full drops the packet (tx_flush). */
    if (setsockopt(g->fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) < 0)
        (void)setsockopt(g->fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
    if (local != 0) {
        struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = local};
        if (bind(g->fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
            goto fail;
    }
    g->txq = malloc(sizeof(*g->txq));
    if (g->txq == NULL) {
        errno = ENOMEM;
        goto fail;
    }
    g->txq->n = 0;
    upppd_loop_defer_init(&g->txflush, on_txflush);
    g->w = (struct upppd_watch){.fd = g->fd, .cb = on_readable};
    if (upppd_loop_watch(loop, &g->w, EPOLLIN) < 0)
        goto fail;
    return 0;
fail:;
    int e = errno;
    if (g->fd >= 0)
        close(g->fd);
    g->fd = -1;
    free(g->txq);
    g->txq = NULL;
    free(g->buckets);
    g->buckets = NULL;
    errno = e;
    return -1;
}

void upppd_gre_sock_close(struct upppd_gre_sock *g)
{
    if (g->txq != NULL) {
        tx_flush(g); /* last words (a Terminate-Ack) still go */
        upppd_loop_undefer(g->loop, &g->txflush);
        free(g->txq);
        g->txq = NULL;
    }
    if (g->fd >= 0) {
        upppd_loop_unwatch(g->loop, &g->w);
        close(g->fd);
        g->fd = -1;
    }
    free(g->buckets);
    g->buckets = NULL;
    g->ncalls = 0;
}

struct upppd_gre_call *upppd_gre_sock_find(const struct upppd_gre_sock *g, uint32_t peer,
                                           uint16_t call_id)
{
    if (g->buckets == NULL)
        return NULL;
    for (struct upppd_gre_call *c = g->buckets[bucket_of(peer, call_id)]; c; c = c->next)
        if (c->peer == peer && c->call_id == call_id)
            return c;
    return NULL;
}

int upppd_gre_sock_register(struct upppd_gre_sock *g, struct upppd_gre_call *c)
{
    if (c->recv == NULL || c->registered || g->buckets == NULL) {
        errno = EINVAL;
        return -1;
    }
    if (upppd_gre_sock_find(g, c->peer, c->call_id) != NULL) {
        errno = EEXIST;
        return -1;
    }
    struct upppd_gre_call **head = &g->buckets[bucket_of(c->peer, c->call_id)];
    c->next = *head;
    *head = c;
    c->registered = 1;
    g->ncalls++;
    return 0;
}

void upppd_gre_sock_unregister(struct upppd_gre_sock *g, struct upppd_gre_call *c)
{
    if (!c->registered || g->buckets == NULL)
        return;
    for (struct upppd_gre_call **p = &g->buckets[bucket_of(c->peer, c->call_id)]; *p;
         p = &(*p)->next) {
        if (*p == c) {
            *p = c->next;
            break;
        }
    }
    c->next = NULL;
    c->registered = 0;
    g->ncalls--;
}

int upppd_gre_sock_demux(struct upppd_gre_sock *g, const uint8_t *ip, size_t len, uint64_t now)
{
    g->st.rx_packets++;
    /* RFC 791 3.1. The kernel hands a raw socket reassembled datagrams, so
     * a fragment here is forged or broken; the total length bounds the
     * GRE packet (link padding may follow it). */
    if (len < 20 || (ip[0] >> 4) != 4 || ip[9] != IPPROTO_GRE_NUM) {
        g->st.rx_bad_ip++;
        return UPPP_ERR_PARSE;
    }
    size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
    size_t total = (size_t)ip[2] << 8 | ip[3];
    uint16_t frag = (uint16_t)((ip[6] & 0x3f) << 8 | ip[7]); /* MF and the offset */
    if (ihl < 20 || total < ihl || total > len || frag != 0) {
        g->st.rx_bad_ip++;
        return UPPP_ERR_PARSE;
    }
    uint32_t src;
    memcpy(&src, ip + 12, 4); /* network byte order, as registered */
    const uint8_t *gre = ip + ihl;
    size_t glen = total - ihl;
    struct uppp_gre_hdr h;
    if (uppp_gre_parse(gre, glen, &h) < 0) {
        g->st.rx_bad_gre++;
        return UPPP_ERR_PARSE;
    }
    struct upppd_gre_call *c = upppd_gre_sock_find(g, src, h.call_id);
    if (c == NULL) {
        g->st.rx_unknown++;
        return UPPP_ERR_PROTO;
    }
    g->st.rx_delivered++;
    c->recv(c, gre, glen, now);
    return 0;
}

int upppd_gre_sock_send(struct upppd_gre_sock *g, uint32_t peer, const uint8_t *pkt, size_t len)
{
    return upppd_gre_sock_send_from(g, 0, peer, pkt, len);
}

int upppd_gre_sock_send_from(struct upppd_gre_sock *g, uint32_t local, uint32_t peer,
                             const uint8_t *pkt, size_t len)
{
    struct upppd_gre_txq *q = g->txq;
    if (g->fd < 0 || q == NULL) {
        g->st.tx_errors++;
        errno = EBADF;
        return -1;
    }
    if (len > TXQ_SLOT) {
        g->st.tx_errors++;
        errno = EMSGSIZE;
        return -1;
    }
    if (q->n == TXQ_SLOTS)
        tx_flush(g);
    q->peer[q->n] = peer;
    q->local[q->n] = local;
    q->len[q->n] = len;
    memcpy(q->buf[q->n], pkt, len);
    q->n++;
    upppd_loop_defer(g->loop, &g->txflush);
    return 0;
}
