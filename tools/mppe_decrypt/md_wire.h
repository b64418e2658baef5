/*
 * Wire formats mppe-decrypt reads and writes, as constants: the pcap link
 * types (tcpdump.org LINKTYPE list), pppd's "record" file (pppd(8), option
 * record; the codes of pppd's main.c record_write), the hex dumps of
 * shared/captures, and the PPP packets it looks into: LCP (RFC 1661 section
 * 5), CHAP (RFC 1994 section 4; MS-CHAP values of RFC 2433 section 5 and
 * RFC 2759 section 4), CCP (RFC 1962 section 2, MPPE option of RFC 3078
 * section 2). The sizes here bound every buffer the tool keeps.
 */
#ifndef MD_WIRE_H
#define MD_WIRE_H

/* ---- pcap link types the tool reads (and the one it writes) ---- */
/* PPP frame, optionally starting with FF 03, no FCS (LINKTYPE_PPP). */
#define MD_DLT_PPP 9
/* PPP in HDLC-like framing, unstuffed, FF 03 first (LINKTYPE_PPP_HDLC). */
#define MD_DLT_PPP_SERIAL 50
/* One direction octet (0: received by the capturing host, else sent), then
 * a frame as MD_DLT_PPP (LINKTYPE_PPP_WITH_DIR). */
#define MD_DLT_PPP_WITH_DIR 204
/* Output: a raw IPv4 or IPv6 packet, the version nibble tells which
 * (LINKTYPE_RAW). */
#define MD_LINKTYPE_RAW 101

/* ---- pppd "record" file: a byte stream of tagged items ---- */
#define MD_REC_SENT 1      /* u16 length (big-endian), bytes sent on the line */
#define MD_REC_RECV 2      /* u16 length, bytes received */
#define MD_REC_SEND_END 3  /* no payload (pppd never writes it in practice) */
#define MD_REC_RECV_END 4  /* no payload */
#define MD_REC_STEP32 5    /* u32 time step in tenths of a second */
#define MD_REC_STEP8 6     /* u8 time step in tenths of a second */
#define MD_REC_TIMESTART 7 /* u32 time_t: the clock at this point */
/* A record item never holds more (its length field is 16 bits). */
#define MD_REC_MAX_DATA 65535

/* ---- the hex dumps of shared/captures: one frame per line ---- */
/* Longest line accepted; longer lines are an error, not a realloc. */
#define MD_HEX_MAX_LINE 32768

/* ---- PPP ---- */
#define MD_PPP_ADDR 0xff
#define MD_PPP_CTRL 0x03
#define MD_PROTO_IP 0x0021
#define MD_PROTO_IPV6 0x0057
#define MD_PROTO_MPPE 0x00fd
#define MD_PROTO_CCP 0x80fd
#define MD_PROTO_LCP 0xc021
#define MD_PROTO_CHAP 0xc223
/* Largest PPP frame handled (Protocol + Information). The HDLC deframer
 * gets this as its MRU; pcap records are cut to it. */
#define MD_MAX_FRAME 16384

/* Control packet header (code, identifier, length): RFC 1661 section 5. */
#define MD_CP_HDR_LEN 4
#define MD_CP_CONF_REQ 1
#define MD_CP_CONF_ACK 2
#define MD_CP_TERM_REQ 5
#define MD_CP_TERM_ACK 6

/* CHAP codes (RFC 1994 section 4) and MS-CHAP value sizes. */
#define MD_CHAP_CHALLENGE 1
#define MD_CHAP_RESPONSE 2
#define MD_CHAP_SUCCESS 3
#define MD_CHAP_FAILURE 4
/* MS-CHAPv1 challenge (RFC 2433 section 5.1) */
#define MD_MSCHAP1_CHAL_LEN 8
/* MS-CHAPv2 challenge (RFC 2759 section 4) */
#define MD_MSCHAP2_CHAL_LEN 16
/* Response value, both versions: 49 octets. v1 (RFC 2433 section 5.2):
 * LM-Response[24] NT-Response[24] Flags[1]; v2 (RFC 2759 section 4):
 * Peer-Challenge[16] Reserved[8] NT-Response[24] Flags[1]. */
#define MD_MSCHAP_RESP_LEN 49
#define MD_MSCHAP1_NT_OFF 24
#define MD_MSCHAP2_PEER_CHAL_OFF 0
#define MD_MSCHAP2_NT_OFF 24
#define MD_MSCHAP_NT_LEN 24
/* CHAP Name: what is left of a packet; user names longer are cut. */
#define MD_MAX_NAME 256

#endif
