/*
 * The MPPE packet cipher (RFC 3078), one state per direction.
 *
 * It behaves as Linux 6.1 drivers/net/ppp/ppp_mppe.c, which is what real
 * pppd peers run, and says where it parts from RFC 3078:
 *  - the initial session key is GetNewKeyFromSHA(start, start) plus the
 *    40/56-bit salt, with no RC4 step (RFC 3079 section 3.5 agrees), and the
 *    first packet carries coherency count 0;
 *  - stateless: a key change before every packet, the first included, and
 *    every packet carries FLUSHED;
 *  - stateful: the first packet uses the initial key without FLUSHED
 *    (contrary to RFC 3078 section 3.1); the flag packet (count low octet
 *    0xFF) gets a key change and FLUSHED (sections 7.2, 8.2);
 *  - the reaction to a CCP Reset-Request is selectable per link, see
 *    enum uppp_mppe_reset_policy.
 *
 * The receiver never hands up a packet whose D bit is clear, and bounds its
 * work per packet: a stateless count jump costs one key change per skipped
 * count, so jumps beyond a cap are dropped (as FreeBSD's MPPE_MAX_REKEY),
 * and a sanity score (Linux's SANITY_MAX) turns a stream of nonsense into
 * UPPP_MPPE_FATAL instead of endless work.
 *
 * The engine allocates nothing per packet, key changes included: one RC4
 * state per direction is re-keyed in place, and a key change's SHA-1 and
 * RC4 run in contexts on the stack, wiped afterwards (mppe-bench counts
 * every malloc per packet, OpenSSL's included: mallocs_per_packet=0).
 */
#ifndef UPPP_MPPE_H
#define UPPP_MPPE_H

#include <stddef.h>
#include <stdint.h>

#include <uppp/mppe_wire.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What the sender does for a CCP Reset-Request (RFC 1962 section 2.4), and
 * what the receiver expects on a FLUSHED packet in stateful mode. Both ends
 * of a link must agree; stateless mode is the same under either policy.
 *
 * UPPP_MPPE_RESET_LINUX (the default): the next packet sent gets a full key
 * change (RFC 3078 section 7.3) and FLUSHED. As a receiver, Linux does a
 * full key change on *every* FLUSHED packet, after one key change per flag
 * packet it missed. This is Linux ppp_mppe (mppe_comp_reset, then
 * mppe_compress / mppe_decompress), hence every pppd peer.
 *
 * UPPP_MPPE_RESET_RFC3078: RFC 3078 section 8.2 as written: the sender
 * re-initialises RC4 with the *current* session key (no key change) and
 * sets FLUSHED; the receiver, on a FLUSHED packet, does the key changes for
 * the flag packets it missed, then re-initialises RC4 with the current key,
 * or does a key change if the packet is itself a flag packet. FreeBSD
 * (ppp / mpd over ng_mppc) and OpenBSD npppd work this way.
 *
 * The two disagree on every reset: a Linux receiver changes key where an
 * RFC sender did not, and vice versa, so after the first Reset-Request the
 * link decrypts garbage. Pick the peer's behaviour per link.
 *
 * Note the RFC scheme survives the loss of the FLUSHED packet that answers
 * a Reset-Request (the key did not change, so a later FLUSHED packet still
 * resyncs); Linux's does not (a Linux receiver cannot know the sender
 * changed key one more time), which is why stateful MPPE between two Linux
 * peers is only as good as the delivery of that packet.
 *
 * UPPP_MPPE_RESET_LINUX_FLAG: what a Linux receiver expects, made to
 * survive that loss. The sender answers a Reset-Request with the flag
 * packet of the current 256-count block (skipping the counts before it)
 * instead of a key change on the next count. A Linux receiver resyncs on
 * it exactly as on Linux's own answer: in its discard state any FLUSHED
 * packet goes, after one key change per block boundary crossed. But now
 * every key change the sender makes sits on a flag packet, so the
 * receiver's block arithmetic counts each one even when the answer is
 * lost. The receiver side is the same as UPPP_MPPE_RESET_LINUX. The CCP
 * layer uses this policy with pppd peers unless told otherwise.
 *
 * Under both Linux policies our receiver, when it resyncs, also tries a few
 * key changes beyond the one Linux would count, so a Linux sender whose
 * answer was lost is caught up with. */
enum uppp_mppe_reset_policy {
    UPPP_MPPE_RESET_LINUX = 0,
    UPPP_MPPE_RESET_RFC3078 = 1,
    UPPP_MPPE_RESET_LINUX_FLAG = 2,
};

/* FreeBSD's default MPPE_MAX_REKEY. One key change costs about a
 * microsecond (mppe-bench prints the exact cost). */
#define UPPP_MPPE_DEFAULT_MAX_REKEY 1000
/* Linux treats a stateless count more than half the count space ahead as a
 * late packet, so no cap above this makes sense. */
#define UPPP_MPPE_MAX_REKEY_LIMIT 2048

struct uppp_mppe_config {
    /* Key strength: 40, 56 or 128. (Linux and pppd offer 40 and 128.) */
    int bits;
    /* Non-zero for stateless mode (CCP option H bit), 0 for stateful. */
    int stateless;
    /* This direction's start key from MS-CHAP (mppe_keys.h); 40- and
     * 56-bit use its first 8 bytes. */
    uint8_t start_key[16];
    enum uppp_mppe_reset_policy reset_policy;
    /* Stateless receiver: the most key changes one packet may cost, i.e.
     * the largest count jump accepted. 0 means UPPP_MPPE_DEFAULT_MAX_REKEY;
     * larger than UPPP_MPPE_MAX_REKEY_LIMIT is UPPP_ERR_INVALID. */
    unsigned max_rekey;
    /* Non-zero when MPPC (RFC 2118) is negotiated in this direction too:
     * the sender takes MPPC's output through uppp_mppe_encrypt_mppc(); the
     * receiver hands back all the decrypted data (rx.protocol 0), to be
     * decompressed, and checks the protocol field only where it must be in
     * the clear (see uppp_mppe_decrypt). */
    int mppc;
};

/* Result of uppp_mppe_decrypt() (non-negative; API errors are negative
 * uppp_err values). */
enum uppp_mppe_result {
    /* In order and good: rx->protocol and rx->payload are set. */
    UPPP_MPPE_OK = 0,
    /* Stateful mode lost packets: send a CCP Reset-Request. This packet is
     * dropped, and so are later ones until a FLUSHED packet resyncs
     * (UPPP_MPPE_DROP_WAIT_FLUSHED meanwhile; re-send the Reset-Request on
     * your timer while uppp_mppe_rx_waiting() says so). */
    UPPP_MPPE_NEED_RESET = 1,
    /* Drop this packet; rx->reason says why. */
    UPPP_MPPE_DROP = 2,
    /* The peer sent too much nonsense (the sanity score ran out), or an
     * earlier call already said FATAL: take the link down (Linux makes
     * pppd close CCP, which with MPPE required terminates LCP). Sticky. */
    UPPP_MPPE_FATAL = 3,
};

/* Why a packet was not delivered. Also indexes uppp_mppe_stats.drops. */
enum uppp_mppe_drop_reason {
    UPPP_MPPE_DROP_NONE = 0,
    /* D bit clear: never passed up as plaintext (Linux: sanity +100). */
    UPPP_MPPE_DROP_NOT_ENCRYPTED,
    /* Fewer than header + one encrypted byte. */
    UPPP_MPPE_DROP_TOO_SHORT,
    /* FLUSHED missing where it is mandatory: any stateless packet, or a
     * stateful flag packet (Linux: sanity +100). */
    UPPP_MPPE_DROP_NOT_FLUSHED,
    /* Stateless: the count jumped further than max_rekey. */
    UPPP_MPPE_DROP_COUNT_JUMP,
    /* A count already seen: duplicate, or a late (reordered) packet. */
    UPPP_MPPE_DROP_OLD_COUNT,
    /* Stateful: a gap in the counts (comes with UPPP_MPPE_NEED_RESET). */
    UPPP_MPPE_DROP_PACKET_LOSS,
    /* Stateful: discarding after a loss until a FLUSHED packet arrives. */
    UPPP_MPPE_DROP_WAIT_FLUSHED,
    /* The decrypted protocol is not one MPPE carries (0x0021..0x00FA, odd):
     * wrong key or corrupted packet. */
    UPPP_MPPE_DROP_BAD_PROTOCOL,
    /* The state is dead after UPPP_MPPE_FATAL. */
    UPPP_MPPE_DROP_DEAD,
    UPPP_MPPE_DROP_REASON_COUNT
};

/* One line of English for a reason; never NULL. */
const char *uppp_mppe_drop_reason_str(enum uppp_mppe_drop_reason reason);

/* What uppp_mppe_decrypt() found. payload points into the packet buffer
 * passed in (decryption is in place). */
struct uppp_mppe_rx {
    uint16_t protocol;
    uint8_t *payload;
    size_t payload_len;
    /* UPPP_MPPE_DROP_NONE when OK. */
    enum uppp_mppe_drop_reason reason;
    /* The header's flags (UPPP_MPPE_BIT_A..D): MPPC's B and C among them. */
    unsigned bits;
};

struct uppp_mppe_stats {
    uint64_t packets;           /* encrypted (sender) or delivered (receiver) */
    uint64_t bytes;             /* payload bytes of those, protocol excluded */
    uint64_t rekeys;            /* key changes computed (RFC 3078 section 7.3) */
    uint64_t rc4_reinits;       /* RFC 3078 policy: RC4 re-init, current key */
    uint64_t flushed;           /* packets sent / accepted with FLUSHED */
    uint64_t resets;            /* sender: Reset-Requests honoured;
                                 * receiver: UPPP_MPPE_NEED_RESET returned */
    uint64_t resyncs;           /* receiver, stateful: resync on FLUSHED after loss */
    uint64_t resync_extra_keys; /* key changes found beyond Linux's count on resync
                                   (a lost answer to a Reset-Request) */
    uint64_t dropped;           /* receiver: all drops, FATAL included */
    uint64_t drops[UPPP_MPPE_DROP_REASON_COUNT]; /* per reason */
    int sanity;                                  /* current sanity score */
};

struct uppp_mppe;

/* Create one direction's state from a copy of cfg, with the initial session
 * key in place (RFC 3079: GetNewKeyFromSHA(start, start), then the salt).
 * Returns 0, UPPP_ERR_INVALID (bits, max_rekey, policy or NULL),
 * UPPP_ERR_NOMEM, UPPP_ERR_CRYPTO_UNAVAILABLE or UPPP_ERR_CRYPTO. */
int uppp_mppe_new(struct uppp_mppe **out, const struct uppp_mppe_config *cfg);

/* Wipe the keys and free. NULL is fine. */
void uppp_mppe_del(struct uppp_mppe *st);

/* 1 if protocol goes through MPPE (0x0021..0x00FA, as Linux), else 0. */
int uppp_mppe_protocol_encrypted(uint16_t protocol);

/* Encrypt one packet: writes the 2-byte MPPE header and the RC4 of the
 * 2-byte protocol plus payload, len + UPPP_MPPE_OVERHEAD bytes, into out.
 * The caller puts it after PPP protocol 0x00FD. For zero copy, payload may
 * be exactly out + UPPP_MPPE_OVERHEAD (encrypted in place); otherwise it
 * must not overlap out.
 * Returns the number of bytes written, or UPPP_ERR_NOBUF (out_cap too
 * small), UPPP_ERR_INVALID (protocol not encrypted per
 * uppp_mppe_protocol_encrypted, NULL, len too large, or a state already
 * used to decrypt), UPPP_ERR_CRYPTO. */
int uppp_mppe_encrypt(struct uppp_mppe *st, uint16_t protocol, const uint8_t *payload, size_t len,
                      uint8_t *out, size_t out_cap);

/* Sender with config.mppc: encrypt one packet of MPPC's output (data, len
 * octets: the compressed or uncompressed protocol field and payload) and
 * write header + data, len + UPPP_MPPE_HDR_LEN octets, into out (no
 * overlap). mppc_bits are the compressor's flags: B and C go into the
 * header; A (the history was flushed) makes this packet FLUSHED, with the
 * key change or RC4 re-init the reset policy does for a Reset-Request, but
 * on the next count (RFC 3078 section 3.1: FLUSHED means both). The
 * compressor must flush too whenever uppp_mppe_next_flushed() says the
 * cipher will. Returns the octets written, or UPPP_ERR_INVALID (NULL, len 0,
 * a state without mppc or used to decrypt), UPPP_ERR_NOBUF,
 * UPPP_ERR_CRYPTO. (uppp_mppe_encrypt refuses a state with mppc.) */
int uppp_mppe_encrypt_mppc(struct uppp_mppe *st, unsigned mppc_bits, const uint8_t *data,
                           size_t len, uint8_t *out, size_t out_cap);

/* Sender: 1 if the next packet will be FLUSHED whatever MPPC says
 * (stateless, a stateful flag packet, a Reset-Request to answer), else 0;
 * MPPC must then flush its history before compressing it. */
int uppp_mppe_next_flushed(const struct uppp_mppe *st);

/* Sender: the peer sent a CCP Reset-Request. The next packet carries
 * FLUSHED, after a key change (Linux policy) or an RC4 re-init with the
 * current key (RFC 3078 policy). Several requests before the next packet
 * count as one, as in Linux. A no-op in stateless mode (every packet is
 * FLUSHED there). Returns 0 or UPPP_ERR_INVALID. */
int uppp_mppe_reset_requested(struct uppp_mppe *st);

/* Decrypt one MPPE packet (the bytes after protocol 0x00FD) in place.
 * With config.mppc, rx->payload is all the decrypted data and
 * rx->protocol 0 (decompress it with rx->bits); the protocol check that
 * guards against a wrong key applies to packets sent uncompressed or
 * FLUSHED only, whose first octets are the protocol field itself.
 * Returns an enum uppp_mppe_result and fills rx; or UPPP_ERR_INVALID (NULL
 * arguments, or a state already used to encrypt), UPPP_ERR_CRYPTO. The
 * protocol may be PFC-compressed inside (first decrypted byte odd). */
int uppp_mppe_decrypt(struct uppp_mppe *st, uint8_t *pkt, size_t len, struct uppp_mppe_rx *rx);

/* Receiver: the caller found the packet just delivered to be junk (a
 * protocol it does not carry, in a stateful stream that carries only IP).
 * Under a Linux reset policy the receiver then discards until the next
 * FLUSHED packet and resyncs there, as after a loss; send a Reset-Request.
 * Otherwise nothing changes. Returns 0 or UPPP_ERR_INVALID. */
int uppp_mppe_rx_junk(struct uppp_mppe *st);

/* Receiver, stateful: 1 while discarding after a loss, waiting for a
 * FLUSHED packet (the time to repeat a Reset-Request), else 0. */
int uppp_mppe_rx_waiting(const struct uppp_mppe *st);

/* Copy the counters out. Returns 0 or UPPP_ERR_INVALID. */
int uppp_mppe_get_stats(const struct uppp_mppe *st, struct uppp_mppe_stats *stats);

#ifdef __cplusplus
}
#endif

#endif
