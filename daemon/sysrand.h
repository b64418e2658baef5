/*
 * The daemon's random source (getrandom()), given to libuppp as the
 * session's random callback.
 */
#ifndef UPPPD_SYSRAND_H
#define UPPPD_SYSRAND_H

#include <stddef.h>

/* len bytes from getrandom(); retries on EINTR and short reads. Returns 0
 * or UPPP_ERR_RANDOM. */
int upppd_random_bytes(void *buf, size_t len);

/* The same, shaped as struct uppp_callbacks' random member. */
int upppd_random_cb(void *user, void *buf, size_t len);

#endif
