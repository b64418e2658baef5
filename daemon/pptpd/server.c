/*
 * The server (see server.h): the listening socket, the connection limit,
 * the address slots, the raw GRE socket, freeing what ended, and the
 * orderly stop.
 */
#define _GNU_SOURCE
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#define FROM(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

/* Connections accepted per readiness event, so a SYN flood cannot starve
 * the calls already up. */
#define ACCEPT_BURST 32

void upppd_pptpd_limit_once(struct upppd_pptpd_server *s, unsigned bit, const char *fmt, ...)
{
    if (s->logged & bit)
        return;
    s->logged |= bit;
    char line[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    upppd_logf(s->log, LOG_WARNING, "%s (logged once)", line);
}

static void on_listen(struct upppd_watch *w, uint32_t events)
{
    struct upppd_pptpd_server *s = FROM(w, struct upppd_pptpd_server, w_listen);
    (void)events;
    for (int i = 0; i < ACCEPT_BURST && !s->stopping; i++) {
        struct sockaddr_in sa;
        socklen_t sl = sizeof(sa);
        int fd = accept4(s->lfd, (struct sockaddr *)&sa, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno == EMFILE || errno == ENFILE) {
                upppd_pptpd_limit_once(s, UPPPD_PPTPD_LOGGED_CONNS,
                                       "accept: %s: new connections wait", strerror(errno));
                return;
            }
            return; /* EAGAIN */
        }
        if (s->nconns >= s->conf->connections) {
            /* pptpd: "No free connection slots or IPs - no more clients
             * can connect!" It stops accepting; we accept and close, so
             * the client learns at once instead of waiting for a timeout. */
            s->st.refused_full++;
            upppd_pptpd_limit_once(s, UPPPD_PPTPD_LOGGED_CONNS,
                                   "connection limit (%d) reached: no more clients can connect",
                                   s->conf->connections);
            close(fd);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        s->st.accepted++;
        upppd_pptpd_conn_new(s, fd, sa.sin_addr.s_addr);
    }
}

/* Free connections that closed, at the end of the pass: their watches may
 * still be in this pass's batch until then (loop.h). */
static void reap(struct upppd_defer *d)
{
    struct upppd_pptpd_server *s = FROM(d, struct upppd_pptpd_server, reap);
    s->reap_pending = 0;
    struct upppd_pptpd_conn **pp = &s->conns;
    while (*pp) {
        struct upppd_pptpd_conn *c = *pp;
        if (c->closed) {
            *pp = c->next;
            s->nconns--;
            s->st.closed++;
            upppd_pptpd_conn_free(c);
        } else {
            pp = &c->next;
        }
    }
}

static int listen_socket(struct upppd_pptpd_server *s, char *err, size_t errcap)
{
    s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->lfd < 0) {
        snprintf(err, errcap, "socket: %s", strerror(errno));
        return -1;
    }
    int one = 1;
    setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)s->conf->port),
                             .sin_addr.s_addr = htonl(s->conf->listen)};
    char a[16];
    upppd_ip_str(s->conf->listen, a, sizeof(a));
    /* A backlog of 16: pptpd's 3 turns clients away under a burst of
     * honest connects, and the connection limit is ours to enforce. */
    if (bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s->lfd, 16) < 0) {
        int e = errno;
        snprintf(err, errcap, "cannot listen on %s port %d: %s", a, s->conf->port, strerror(e));
        close(s->lfd);
        s->lfd = -1;
        errno = e;
        return -1;
    }
    s->w_listen = (struct upppd_watch){.fd = s->lfd, .cb = on_listen};
    if (upppd_loop_watch(s->loop, &s->w_listen, EPOLLIN) < 0) {
        snprintf(err, errcap, "epoll: %s", strerror(errno));
        return -1;
    }
    upppd_logf(s->log, LOG_INFO, "MGR: Maximum of %d connections available; listening on %s:%d",
               s->conf->connections, a, s->conf->port);
    return 0;
}

int upppd_pptpd_server_init(struct upppd_pptpd_server *s, struct upppd_loop *loop,
                            const struct upppd_pptpd_conf *conf, const struct uppp_config *ppp,
                            const char *etc_dir, struct upppd_log *log, char *err, size_t errcap)
{
    int no_tun = s->no_tun;
    memset(s, 0, sizeof(*s));
    s->no_tun = no_tun;
    s->loop = loop;
    s->conf = conf;
    s->ppp = *ppp;
    s->ppp.framing = UPPP_FRAMING_NONE;
    s->log = log;
    s->etc_dir = etc_dir;
    s->lfd = -1;
    s->gre.fd = -1;
    upppd_loop_defer_init(&s->reap, reap);
    s->slots = calloc((size_t)conf->connections, sizeof(*s->slots));
    if (s->slots == NULL) {
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    if (upppd_gre_sock_open(&s->gre, loop, htonl(conf->listen)) < 0) {
        int e = errno;
        snprintf(err, errcap, "cannot open the raw GRE socket: %s%s", strerror(e),
                 e == EPERM ? " (needs CAP_NET_RAW)" : "");
        free(s->slots);
        s->slots = NULL;
        errno = e;
        return -1;
    }
    if (listen_socket(s, err, errcap) < 0) {
        int e = errno;
        upppd_gre_sock_close(&s->gre);
        free(s->slots);
        s->slots = NULL;
        errno = e;
        return -1;
    }
    return 0;
}

void upppd_pptpd_server_stop(struct upppd_pptpd_server *s)
{
    if (s->stopping)
        return;
    s->stopping = 1;
    if (s->lfd >= 0) {
        upppd_loop_unwatch(s->loop, &s->w_listen);
        close(s->lfd);
        s->lfd = -1;
    }
    for (struct upppd_pptpd_conn *c = s->conns; c; c = c->next) {
        int calls = 0;
        for (struct upppd_pptpd_call *k = c->calls; k; k = k->next, calls++)
            upppd_pptpd_call_close(k);
        if (calls == 0)
            c->stop = 1;
        upppd_pptpd_conn_poke(c);
    }
}

int upppd_pptpd_server_idle(const struct upppd_pptpd_server *s)
{
    return s->conns == NULL;
}

void upppd_pptpd_server_fini(struct upppd_pptpd_server *s)
{
    upppd_loop_undefer(s->loop, &s->reap);
    while (s->conns) {
        struct upppd_pptpd_conn *c = s->conns;
        s->conns = c->next;
        upppd_pptpd_conn_free(c);
    }
    s->nconns = 0;
    if (s->lfd >= 0) {
        upppd_loop_unwatch(s->loop, &s->w_listen);
        close(s->lfd);
        s->lfd = -1;
    }
    upppd_gre_sock_close(&s->gre);
    free(s->slots);
    s->slots = NULL;
}
