/*
 * RADIUS in upppd-pptpd (issue 12): "plugin radius.so",
 * "radius-config-file" and "avpair" in the PPP options file make every
 * call authenticate through RADIUS, as pptpd's pppd does with its radius
 * plugin. One upppd_radius per process (daemon/radius.h: its sockets on
 * the server's loop), one upppd_radius_call per PPTP call:
 *
 *   - NAS-Port: the call's pppN unit (pppd's map-to-ifname); the address
 *     slot without a TUN (tests);
 *   - NAS-Port-Type Virtual (5);
 *   - Calling-Station-Id: the client's IP address, which pptpd 1.4.0's
 *     pptpctrl always hands pppd as "remotenumber" (after the options
 *     file, so it wins over one there), "ipparam" or not;
 *   - Framed-IP-Address replaces the slot's remote address, unless
 *     another call has that address: then the peer is refused;
 *   - accounting Start when IPCP is up, Stop with the call's counters when
 *     the session is over;
 *   - Session-Timeout and Idle-Timeout end this call only, counted from
 *     IPCP up as pppd's maxconnect and idle are.
 *
 * A call waiting for the server waits alone: the request is in flight on
 * the loop and every other call runs on.
 */
#ifndef UPPPD_PPTPD_RADIUS_CALLS_H
#define UPPPD_PPTPD_RADIUS_CALLS_H

#include "server.h"

#include "options.h"

#include <uppp/session.h>

#include <stddef.h>

/* Open the process's RADIUS client from the PPP options o (nothing when
 * o->radius is off) and keep it in s->rad; s must be initialised. log
 * takes its lines. Returns 0, or -1 with err (the radiusclient
 * configuration, a server name, a socket). */
int upppd_pptpd_radius_open(struct upppd_pptpd_server *s, const struct upppd_opts *o, char *err,
                            size_t errcap);
/* Close it (after upppd_pptpd_server_fini). */
void upppd_pptpd_radius_close(struct upppd_pptpd_server *s);
/* Accounting and authentication requests still in flight (0 without
 * RADIUS): the server waits for its Stops before it exits. */
size_t upppd_pptpd_radius_pending(const struct upppd_pptpd_server *s);

/* The call's RADIUS state, before its session is made from ops: the
 * peer's requests go to RADIUS (ops->auth_request), the secrets lookup
 * answers for our own name only, no secrets-file address check. Nothing
 * to do (0) without RADIUS. Returns 0 or UPPP_ERR_NOMEM. */
int upppd_pptpd_radius_call_new(struct upppd_pptpd_call *k, struct upppd_sess_ops *ops);
/* IPCP came up: accounting Start, the timeouts from the server. */
void upppd_pptpd_radius_ip_up(struct upppd_pptpd_call *k);
/* The session is over: a pending request is cancelled, accounting Stop
 * with its counters and end. Once; later calls do nothing. */
void upppd_pptpd_radius_call_end(struct upppd_pptpd_call *k);
/* Free the call's state (ends it first if needed). */
void upppd_pptpd_radius_call_free(struct upppd_pptpd_call *k);

#endif
