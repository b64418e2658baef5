/*
 * PPTP wire formats (RFC 2637): the control-connection messages of section
 * 2 with their fixed lengths, result and error codes (sections 2.2-2.16),
 * and the enhanced GRE header of section 4.1. Sizes and limits are named
 * here once; the codecs are in pptp.h and pptp_gre.h.
 */
#ifndef UPPP_PPTP_WIRE_H
#define UPPP_PPTP_WIRE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------ control connection */

#define UPPP_PPTP_TCP_PORT 1723
#define UPPP_PPTP_MAGIC_COOKIE 0x1A2B3C4Du
#define UPPP_PPTP_MSG_TYPE_CONTROL 1 /* PPTP Message Type (section 1.4) */
#define UPPP_PPTP_MSG_TYPE_MGMT 2    /* defined by the RFC, never used: rejected */
#define UPPP_PPTP_PROTOCOL_VERSION 0x0100

/* Length, PPTP Message Type, Magic Cookie, Control Message Type, Reserved0 */
#define UPPP_PPTP_HEADER_LEN 12
#define UPPP_PPTP_HOSTNAME_LEN 64
#define UPPP_PPTP_VENDOR_LEN 64
#define UPPP_PPTP_PHONE_LEN 64
#define UPPP_PPTP_SUBADDR_LEN 64
#define UPPP_PPTP_STATS_LEN 128

/* Control Message Types (section 1.4, figure "Control Message Types"). */
enum uppp_pptp_ctrl_type {
    UPPP_PPTP_SCCRQ = 1, /* Start-Control-Connection-Request */
    UPPP_PPTP_SCCRP = 2, /* Start-Control-Connection-Reply */
    UPPP_PPTP_STOPCCRQ = 3,
    UPPP_PPTP_STOPCCRP = 4,
    UPPP_PPTP_ECHORQ = 5,
    UPPP_PPTP_ECHORP = 6,
    UPPP_PPTP_OCRQ = 7, /* Outgoing-Call-Request */
    UPPP_PPTP_OCRP = 8,
    UPPP_PPTP_ICRQ = 9, /* Incoming-Call-Request */
    UPPP_PPTP_ICRP = 10,
    UPPP_PPTP_ICCN = 11, /* Incoming-Call-Connected */
    UPPP_PPTP_CCRQ = 12, /* Call-Clear-Request */
    UPPP_PPTP_CDN = 13,  /* Call-Disconnect-Notify */
    UPPP_PPTP_WEN = 14,  /* WAN-Error-Notify */
    UPPP_PPTP_SLI = 15,  /* Set-Link-Info */
    UPPP_PPTP_CTRL_TYPE_MAX = 15,
};

/* Every message has one fixed total length (section 2.x figures). */
#define UPPP_PPTP_SCCRQ_LEN 156
#define UPPP_PPTP_SCCRP_LEN 156
#define UPPP_PPTP_STOPCCRQ_LEN 16
#define UPPP_PPTP_STOPCCRP_LEN 16
#define UPPP_PPTP_ECHORQ_LEN 16
#define UPPP_PPTP_ECHORP_LEN 20
#define UPPP_PPTP_OCRQ_LEN 168
#define UPPP_PPTP_OCRP_LEN 32
#define UPPP_PPTP_ICRQ_LEN 220
#define UPPP_PPTP_ICRP_LEN 24
#define UPPP_PPTP_ICCN_LEN 28
#define UPPP_PPTP_CCRQ_LEN 16
#define UPPP_PPTP_CDN_LEN 148
#define UPPP_PPTP_WEN_LEN 40
#define UPPP_PPTP_SLI_LEN 24
/* The longest one (ICRQ): what a reassembler must be able to hold. */
#define UPPP_PPTP_MSG_MAX_LEN 220

/* Framing and Bearer Capabilities / Types (sections 2.1, 2.7). */
#define UPPP_PPTP_FRAMING_ASYNC 1u
#define UPPP_PPTP_FRAMING_SYNC 2u
#define UPPP_PPTP_BEARER_ANALOG 1u
#define UPPP_PPTP_BEARER_DIGITAL 2u

/* Start-Control-Connection-Reply Result Code (section 2.2). */
enum uppp_pptp_sccrp_result {
    UPPP_PPTP_SCCRP_OK = 1,
    UPPP_PPTP_SCCRP_GENERAL_ERROR = 2,
    UPPP_PPTP_SCCRP_EXISTS = 3,
    UPPP_PPTP_SCCRP_NOT_AUTHORIZED = 4,
    UPPP_PPTP_SCCRP_BAD_VERSION = 5,
};

/* Stop-Control-Connection-Request Reason (section 2.3). */
enum uppp_pptp_stop_reason {
    UPPP_PPTP_STOP_NONE = 1,
    UPPP_PPTP_STOP_PROTOCOL = 2,
    UPPP_PPTP_STOP_LOCAL_SHUTDOWN = 3,
};

/* Stop-Control-Connection-Reply and Echo-Reply Result Code (2.4, 2.6). */
enum uppp_pptp_simple_result {
    UPPP_PPTP_RESULT_OK = 1,
    UPPP_PPTP_RESULT_GENERAL_ERROR = 2,
};

/* Outgoing-Call-Reply Result Code (section 2.8). */
enum uppp_pptp_ocrp_result {
    UPPP_PPTP_OCRP_CONNECTED = 1,
    UPPP_PPTP_OCRP_GENERAL_ERROR = 2,
    UPPP_PPTP_OCRP_NO_CARRIER = 3,
    UPPP_PPTP_OCRP_BUSY = 4,
    UPPP_PPTP_OCRP_NO_DIAL_TONE = 5,
    UPPP_PPTP_OCRP_TIMEOUT = 6,
    UPPP_PPTP_OCRP_DO_NOT_ACCEPT = 7,
};

/* Incoming-Call-Reply Result Code (section 2.10). */
enum uppp_pptp_icrp_result {
    UPPP_PPTP_ICRP_CONNECT = 1,
    UPPP_PPTP_ICRP_GENERAL_ERROR = 2,
    UPPP_PPTP_ICRP_DO_NOT_ACCEPT = 3,
};

/* Call-Disconnect-Notify Result Code (section 2.13). */
enum uppp_pptp_cdn_result {
    UPPP_PPTP_CDN_LOST_CARRIER = 1,
    UPPP_PPTP_CDN_GENERAL_ERROR = 2,
    UPPP_PPTP_CDN_ADMIN_SHUTDOWN = 3,
    UPPP_PPTP_CDN_REQUEST = 4, /* answer to a Call-Clear-Request */
};

/* General Error Codes (section 2.16). */
enum uppp_pptp_error {
    UPPP_PPTP_ERROR_NONE = 0,
    UPPP_PPTP_ERROR_NOT_CONNECTED = 1,
    UPPP_PPTP_ERROR_BAD_FORMAT = 2,
    UPPP_PPTP_ERROR_BAD_VALUE = 3,
    UPPP_PPTP_ERROR_NO_RESOURCE = 4,
    UPPP_PPTP_ERROR_BAD_CALL_ID = 5,
    UPPP_PPTP_ERROR_PAC_ERROR = 6,
};

/* ------------------------------------------------ enhanced GRE (4.1) */

#define UPPP_GRE_PROTO_PPP 0x880B /* Protocol Type: PPP */
#define UPPP_GRE_VERSION_PPTP 1
/* First octet: C R K S s Recur(3); second octet: A Flags(4) Ver(3). */
#define UPPP_GRE_FLAG_C 0x80
#define UPPP_GRE_FLAG_R 0x40
#define UPPP_GRE_FLAG_K 0x20
#define UPPP_GRE_FLAG_S 0x10
#define UPPP_GRE_FLAG_s 0x08
#define UPPP_GRE_RECUR_MASK 0x07
#define UPPP_GRE_FLAG_A 0x80
#define UPPP_GRE_FLAGS2_MASK 0x78
#define UPPP_GRE_VER_MASK 0x07
/* Flags, Protocol Type, Key (Payload Length + Call ID). */
#define UPPP_GRE_BASE_LEN 8
#define UPPP_GRE_SEQ_LEN 4
#define UPPP_GRE_ACK_LEN 4
#define UPPP_GRE_MAX_HEADER_LEN 16

#ifdef __cplusplus
}
#endif

#endif
