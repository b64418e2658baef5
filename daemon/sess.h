/*
 * One PPP session carried by the event loop (loop.h): its link fds (one
 * fd for a tty, pty or socket, two for stdin/stdout), an optional TUN fd,
 * the uppp_session, the link output buffer with TUN backpressure, and the
 * session's node in the loop's timer heap. Many of these share one loop.
 *
 * Two kinds of link: an fd carrying async HDLC (upppd_sess_attach), or
 * whole frames moved by the owner (upppd_sess_attach_frames; the session
 * is configured with UPPP_FRAMING_NONE): each frame the session emits goes
 * to the owner's send_frame callback at once, and the owner feeds what it
 * received with upppd_sess_input_frame (PPTP's GRE, one call per session).
 *
 * Without a TUN fd, received IP goes to the owner's deliver callback (a
 * server routing by address, or a test). Everything the session reports
 * (events, log lines, secrets, address checks) goes to the owner's ops.
 */
#ifndef UPPPD_SESS_H
#define UPPPD_SESS_H

#include "loop.h"

#include <uppp/session.h>

#include <stddef.h>
#include <stdint.h>

/* The owner's side. user is passed back as the first argument; any member
 * may be NULL (no log, no secrets, any address allowed, IP dropped). */
struct upppd_sess_ops {
    void *user;
    void (*event)(void *user, const struct uppp_event *ev);
    void (*deliver)(void *user, uint16_t proto, const uint8_t *pkt, size_t len);
    void (*log)(void *user, int level, const char *line);
    int (*get_secret)(void *user, const struct uppp_secret_query *q, struct uppp_secret *out);
    int (*check_addr)(void *user, const char *peer, uint32_t addr);
    /* The peer's PAP request or CHAP response, to be answered later with
     * uppp_session_auth_verdict() (RADIUS, daemon/radius.h); as the
     * library's auth_request callback. */
    int (*auth_request)(void *user, const struct uppp_auth_request *req);
    /* What LCP agreed (ACCMs for PPTP's Set-Link-Info); see session.h. */
    void (*link_params)(void *user, const struct uppp_link_params *p);
};

/* Frame mode: one PPP frame (no HDLC) for the owner to send. It runs
 * inside the session's callbacks: it must not call back into the session. */
typedef void (*upppd_sess_send_frame_fn)(void *user, const uint8_t *frame, size_t len);

struct upppd_sess {
    struct upppd_loop *loop;
    struct upppd_sess_ops ops;
    struct uppp_session *s;
    int rfd, wfd, tunfd; /* -1 when absent */
    struct upppd_watch w_link, w_out, w_tun;
    struct upppd_loop_timer timer; /* uppp_session_next_timer() */
    struct upppd_defer after;      /* end of pass: flush, hang up, re-read the deadline */
    uint8_t *obuf;                 /* link output not yet written */
    size_t olen, ocap;
    int watching, out_armed, tun_paused;
    int link_dead;                       /* a link write failed: hang up at the end of the pass */
    uint64_t last_activity;              /* last IP packet either way (idle option) */
    char tun_name[16];                   /* for log lines */
    upppd_sess_send_frame_fn send_frame; /* frame mode when set */
    void *frame_user;
    int tun_vnet;     /* the TUN has offloads (upppd_tun_open_offload): virtio-net headers */
    uint64_t tun_bad; /* reads from such a TUN that uppp_tso_split refused */
};

/* Create the uppp_session (cfg is copied). Returns 0 or the library's
 * error (UPPP_ERR_NOMEM, UPPP_ERR_INVALID, UPPP_ERR_CRYPTO_UNAVAILABLE). */
int upppd_sess_init(struct upppd_sess *x, struct upppd_loop *loop, const struct uppp_config *cfg,
                    const struct upppd_sess_ops *ops);
/* Watch the link (rfd, wfd may be equal) and the TUN (tunfd, or -1; name
 * for log lines). The fds stay the caller's. Returns 0, or -1 with errno
 * (EPERM: a regular file or /dev/null cannot be watched). */
int upppd_sess_attach(struct upppd_sess *x, int rfd, int wfd, int tunfd, const char *tun_name);
/* Frame mode: no link fd; frames go to send_frame(user, ...) and come in
 * through upppd_sess_input_frame. The session must have been created with
 * framing UPPP_FRAMING_NONE. TUN as in upppd_sess_attach. Returns 0, -1
 * with errno (the TUN fd cannot be watched; EINVAL: no send_frame). */
/* The TUN given to upppd_sess_attach* was opened with offloads (its
 * vnet): reads are cut into IP packets (uppp_tso_split), and delivered
 * TCP segments are coalesced within a pass (struct uppp_gro) and written
 * with a virtio-net header. Call after attaching. */
void upppd_sess_set_tun_vnet(struct upppd_sess *x, int vnet);

int upppd_sess_attach_frames(struct upppd_sess *x, int tunfd, const char *tun_name,
                             upppd_sess_send_frame_fn send_frame, void *user);
/* Frame mode: one PPP frame the owner received (borrowed for the call).
 * Ignored once the session is dead. */
void upppd_sess_input_frame(struct upppd_sess *x, const uint8_t *frame, size_t len);
/* Start LCP at now and send what it produced. */
void upppd_sess_start(struct upppd_sess *x, uint64_t now);
/* The owner called into x->s directly (a close on a signal): flush and
 * re-read the deadline at the end of this pass. */
void upppd_sess_touch(struct upppd_sess *x);
/* The kernel's CSPRNG (getrandom), as the library's random callback
 * wants it; user is ignored. Returns 0 or -1. */
int upppd_random(void *user, void *buf, size_t len);
/* End the session at once because the link went away, logging why. */
void upppd_sess_hangup(struct upppd_sess *x, const char *why);
/* Send an IP packet as if read from the TUN. Returns uppp_session_send_ip's
 * result. */
int upppd_sess_send_ip(struct upppd_sess *x, uint16_t proto, const uint8_t *pkt, size_t len);
int upppd_sess_is_dead(const struct upppd_sess *x);
/* Write what is still buffered (a Terminate-Ack's last words) and stop
 * watching the fds; the session object stays for its status. */
void upppd_sess_detach(struct upppd_sess *x);
/* Detach if needed, free the session and the buffer. */
void upppd_sess_free(struct upppd_sess *x);

#endif
