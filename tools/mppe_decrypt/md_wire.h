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
/* Link types that carry IP, where PPTP is found (GRE and TCP 1723). The
 * values are libpcap's DLT_ numbers as pcap_datalink() reports them: the
 * file's LINKTYPE_RAW (101) comes back as DLT_RAW, 12 on Linux (pcap.h's
 * DLT_RAW is used for it in md_ip.c). */
#define MD_DLT_EN10MB 1       /* Ethernet II, 802.1Q/802.1ad tags inside */
#define MD_DLT_LINUX_SLL 113  /* Linux cooked v1: 16-octet header */
#define MD_DLT_IPV4 228       /* LINKTYPE_IPV4: a bare IPv4 packet */
#define MD_DLT_LINUX_SLL2 276 /* Linux cooked v2: 20-octet header */
#define MD_ETH_HDR_LEN 14
#define MD_SLL_HDR_LEN 16
#define MD_SLL2_HDR_LEN 20
#define MD_ETHERTYPE_IPV4 0x0800
#define MD_ETHERTYPE_VLAN 0x8100 /* 802.1Q */
#define MD_ETHERTYPE_QINQ 0x88a8 /* 802.1ad */
#define MD_ETHERTYPE_QINQ_OLD 0x9100
#define MD_VLAN_TAG_LEN 4
#define MD_MAX_VLAN_TAGS 4 /* nested tags followed; more are not IP to us */

/* IPv4 (RFC 791 section 3.1) and the two protocols PPTP uses. */
#define MD_IPV4_MIN_HDR 20
#define MD_IPPROTO_TCP 6
#define MD_IPPROTO_GRE 47
#define MD_IP_MF 0x2000
#define MD_IP_OFFMASK 0x1fff
/* TCP header (RFC 793 section 3.1): flags in octet 13. */
#define MD_TCP_MIN_HDR 20
#define MD_TCP_FIN 0x01
#define MD_TCP_SYN 0x02
#define MD_TCP_RST 0x04

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
