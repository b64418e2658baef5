/*
 * PPTP control messages (RFC 2637 section 2): build and parse each of the
 * fifteen, and reassemble them from a TCP byte stream (section 1.4: the
 * Length field leads every message).
 *
 * Parsing is strict: the Magic Cookie, the PPTP Message Type, the Control
 * Message Type and the one fixed length of that type are all checked, so a
 * message either parses whole or is refused with UPPP_ERR_PARSE. Text
 * fields (host name, vendor, phone numbers) are copied raw with their
 * length up to the first NUL: they are the peer's bytes, so escape them
 * (escape.h) before they reach a log line.
 */
#ifndef UPPP_PPTP_MSG_H
#define UPPP_PPTP_MSG_H

#include <stddef.h>
#include <stdint.h>

#include <uppp/pptp_wire.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A fixed-size text field as received: len octets before the first NUL. */
struct uppp_pptp_text64 {
    uint8_t s[64];
    uint8_t len;
};

struct uppp_pptp_sccrq { /* also SCCRP (result/error used there only) */
    uint16_t version;
    uint8_t result, error; /* SCCRP only */
    uint32_t framing_caps, bearer_caps;
    uint16_t max_channels, firmware;
    struct uppp_pptp_text64 host, vendor;
};

struct uppp_pptp_stop { /* STOPCCRQ: reason; STOPCCRP: result, error */
    uint8_t reason_or_result, error;
};

struct uppp_pptp_echo { /* ECHORQ: id; ECHORP: id, result, error */
    uint32_t id;
    uint8_t result, error;
};

struct uppp_pptp_ocrq {
    uint16_t call_id, serial;
    uint32_t min_bps, max_bps, bearer_type, framing_type;
    uint16_t recv_window, proc_delay, phone_len;
    struct uppp_pptp_text64 phone, subaddr;
};

struct uppp_pptp_ocrp {
    uint16_t call_id, peer_call_id;
    uint8_t result, error;
    uint16_t cause;
    uint32_t speed;
    uint16_t recv_window, proc_delay;
    uint32_t channel_id;
};

struct uppp_pptp_icrq {
    uint16_t call_id, serial;
    uint32_t bearer_type, channel_id;
    uint16_t dialed_len, dialing_len;
    struct uppp_pptp_text64 dialed, dialing, subaddr;
};

struct uppp_pptp_icrp {
    uint16_t call_id, peer_call_id;
    uint8_t result, error;
    uint16_t recv_window, tx_delay;
};

struct uppp_pptp_iccn {
    uint16_t peer_call_id;
    uint32_t speed;
    uint16_t recv_window, tx_delay;
    uint32_t framing_type;
};

struct uppp_pptp_ccrq {
    uint16_t call_id;
};

struct uppp_pptp_cdn {
    uint16_t call_id;
    uint8_t result, error;
    uint16_t cause;
    uint8_t stats[UPPP_PPTP_STATS_LEN]; /* Call Statistics: text, raw */
};

struct uppp_pptp_wen {
    uint16_t peer_call_id;
    uint32_t crc_errors, framing_errors, hw_overruns, buf_overruns, timeouts, alignment;
};

struct uppp_pptp_sli {
    uint16_t peer_call_id;
    uint32_t send_accm, recv_accm;
};

struct uppp_pptp_msg {
    enum uppp_pptp_ctrl_type type;
    union {
        struct uppp_pptp_sccrq sccrq; /* SCCRQ and SCCRP */
        struct uppp_pptp_stop stop;   /* STOPCCRQ and STOPCCRP */
        struct uppp_pptp_echo echo;   /* ECHORQ and ECHORP */
        struct uppp_pptp_ocrq ocrq;
        struct uppp_pptp_ocrp ocrp;
        struct uppp_pptp_icrq icrq;
        struct uppp_pptp_icrp icrp;
        struct uppp_pptp_iccn iccn;
        struct uppp_pptp_ccrq ccrq;
        struct uppp_pptp_cdn cdn;
        struct uppp_pptp_wen wen;
        struct uppp_pptp_sli sli;
    } u;
};

/* The fixed total length of a message of this type (section 2), or 0 for
 * a type that is not one of the fifteen. */
size_t uppp_pptp_msg_len(unsigned type);

/* Name of a Control Message Type ("Start-Control-Connection-Request"), or
 * "unknown". Never NULL. */
const char *uppp_pptp_type_name(unsigned type);

/* Text of a result code for a message type (section 2.x tables), or
 * "unknown". Never NULL. */
const char *uppp_pptp_result_name(unsigned type, unsigned result);

/* Text of a General Error Code (section 2.16), or "unknown". Never NULL. */
const char *uppp_pptp_error_name(unsigned error);

/* Text of a Stop-Control-Connection-Request Reason (section 2.3). */
const char *uppp_pptp_stop_reason_name(unsigned reason);

/* Fill a text field from a C string (truncated to 64 octets). */
void uppp_pptp_text_set(struct uppp_pptp_text64 *t, const char *s);

/* Build m into buf. Reserved fields are zero; text fields are NUL-padded.
 * Returns the message length (uppp_pptp_msg_len(m->type)),
 * UPPP_ERR_INVALID for a NULL pointer or an unknown type, or
 * UPPP_ERR_NOBUF if cap is too small. */
int uppp_pptp_msg_build(const struct uppp_pptp_msg *m, uint8_t *buf, size_t cap);

/* Parse exactly one message of len octets. Returns 0, UPPP_ERR_INVALID for
 * a NULL pointer, or UPPP_ERR_PARSE when len or the Length field is not the
 * fixed length of the type, the PPTP Message Type is not 1 (control), the
 * Magic Cookie is not 0x1A2B3C4D or the Control Message Type is not 1-15.
 * Reserved fields are not checked: the RFC says "MUST be 0" of the sender
 * only, and no peer is known to set them, so refusing them gains nothing. */
int uppp_pptp_msg_parse(const uint8_t *buf, size_t len, struct uppp_pptp_msg *m);

/* ------------------------------------------------ stream reassembly */

/* Splits a TCP byte stream into whole control messages. It holds at most
 * one partial message (UPPP_PPTP_MSG_MAX_LEN octets) and checks the header
 * as soon as its first 12 octets are in, so garbage is refused after at
 * most 12 octets instead of being buffered. */
struct uppp_pptp_stream {
    uint8_t buf[UPPP_PPTP_MSG_MAX_LEN];
    size_t have; /* octets of the current partial message */
    int error;   /* sticky: once the stream is broken it stays broken */
};

void uppp_pptp_stream_init(struct uppp_pptp_stream *s);

/* Take up to len octets from *data and return one complete message in
 * *msg / *msg_len (pointing into s->buf or into data; valid until the next
 * call). *used says how many octets of data were consumed. Returns 1 with
 * a message, 0 when all of data was consumed without completing one,
 * UPPP_ERR_INVALID for a NULL pointer, or UPPP_ERR_PARSE (sticky) when the
 * header is bad: Length not that of a known type, not a control message, a
 * wrong Magic Cookie. Call it again with the rest of data until it
 * returns 0. */
int uppp_pptp_stream_next(struct uppp_pptp_stream *s, const uint8_t *data, size_t len, size_t *used,
                          const uint8_t **msg, size_t *msg_len);

#ifdef __cplusplus
}
#endif

#endif
