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
#include <unistd.h>

#define NBUCKETS 1024 /* power of two; chains stay short for thousands of calls */
#define READ_BURST 64 /* reads per readiness event, as sess.c: other fds get their turn */
#define RCVBUF (4 * 1024 * 1024) /* absorb a burst from many calls between two passes */
#define IPPROTO_GRE_NUM 47

#define FROM(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

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

static void read_socket(struct upppd_gre_sock *g)
{
    uint8_t *buf = g->loop->scratch;
    uint64_t now = upppd_loop_now();
    for (int i = 0; i < READ_BURST; i++) {
        ssize_t n = recv(g->fd, buf, UPPPD_LOOP_SCRATCH, MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; /* EAGAIN; a raw socket has no EOF */
        upppd_gre_sock_demux(g, buf, (size_t)n, now);
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
    if (local != 0) {
        struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = local};
        if (bind(g->fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
            goto fail;
    }
    g->w = (struct upppd_watch){.fd = g->fd, .cb = on_readable};
    if (upppd_loop_watch(loop, &g->w, EPOLLIN) < 0)
        goto fail;
    return 0;
fail:;
    int e = errno;
    if (g->fd >= 0)
        close(g->fd);
    g->fd = -1;
    free(g->buckets);
    g->buckets = NULL;
    errno = e;
    return -1;
}

void upppd_gre_sock_close(struct upppd_gre_sock *g)
{
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
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = peer};
    for (;;) {
        ssize_t n = sendto(g->fd, pkt, len, MSG_DONTWAIT, (struct sockaddr *)&sin, sizeof(sin));
        if (n >= 0) {
            g->st.tx_packets++;
            return 0;
        }
        if (errno != EINTR)
            break;
    }
    g->st.tx_errors++;
    return -1;
}
