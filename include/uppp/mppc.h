/*
 * MPPC (RFC 2118), the Microsoft Point-to-Point Compression bitstream: an
 * LZ77 over an 8 KiB history shared by the packets of one direction, one
 * compressor and one decompressor state per direction, no I/O.
 *
 * The packet header (flags A/B/C/D and the coherency count, RFC 2118
 * section 3.1) is MPPE's too and lives in uppp/mppe_wire.h; these functions
 * take and return the A (FLUSHED), B (packet at the front of the history)
 * and C (compressed) bits in place (UPPP_MPPE_BIT_A/B/C).
 *
 * Compressor: a hash table of 3-octet prefixes whose buckets keep the last
 * UPPP_MPPC_CANDIDATES positions; it tries those and no more per input
 * byte, so its work per byte is bounded whatever the data. A packet whose
 * compressed form would not be smaller than itself goes out uncompressed
 * (C clear) and the history is flushed: the next packet carries A (FreeBSD
 * ng_mppc does the same). It stops as soon as its output reaches len - 1
 * octets, and writes nothing past out_cap. The history pointer goes back to the front (B) when the
 * packet would not fit behind it; the compressor never refers across that wrap.
 *
 * Decompressor: reads only the len octets it is given and writes only into
 * its history, at most UPPP_MPPC_HIST octets and at most max_out per packet;
 * each token produces at least one octet, so the work per packet is bounded
 * too. It accepts copy offsets that reach behind a B wrap into the history
 * written before it (FreeRDP's compressor emits them; its decompressor and
 * ours mask the offset into the 8 KiB), but never into octets not written
 * since the last flush. After an error or a reported loss it refuses
 * compressed packets until one carries A (RFC 2118 section 4.3: the
 * receiver sends a CCP Reset-Request and the sender flushes).
 *
 * Memory: a compressor holds 24 KiB (8 KiB history, 16 KiB of hash
 * buckets), a decompressor 8 KiB; the CCP layer makes them only for the directions
 * that negotiated MPPC.
 */
#ifndef UPPP_MPPC_H
#define UPPP_MPPC_H

#include <stddef.h>
#include <stdint.h>

#include <uppp/mppe_wire.h>

#ifdef __cplusplus
extern "C" {
#endif

/* RFC 2118 section 4: the history buffer. */
#define UPPP_MPPC_HIST 8192
/* Earlier positions the match finder tries per input position. */
#define UPPP_MPPC_CANDIDATES 2
/* RFC 2118 section 4.2.2: matches are 3..8191 octets. */
#define UPPP_MPPC_MIN_MATCH 3
#define UPPP_MPPC_MAX_MATCH 8191

struct uppp_mppc_comp;
struct uppp_mppc_decomp;

/* Create a compressor with an empty history (its first packet carries A).
 * Returns 0, UPPP_ERR_INVALID (out NULL) or UPPP_ERR_NOMEM. */
int uppp_mppc_comp_new(struct uppp_mppc_comp **out);
/* Wipe (the history holds plaintext) and free. NULL is fine. */
void uppp_mppc_comp_del(struct uppp_mppc_comp *c);
/* Forget the history: the next packet starts afresh and carries A (a CCP
 * Reset-Request, or the MPPE sender flushing its cipher: RFC 3078 section
 * 3.1, the FLUSHED bit means both). */
void uppp_mppc_comp_flush(struct uppp_mppc_comp *c);
/* 1 if the next packet will carry A, else 0. */
int uppp_mppc_comp_flush_pending(const struct uppp_mppc_comp *c);

/* Compress one packet (for PPP: the protocol field and the information,
 * RFC 2118 section 3) of 1..UPPP_MPPC_HIST octets into out, and set *flags
 * to the header bits it needs: A if the history was flushed before it, B if
 * it starts at the front of the history, C if out holds compressed data.
 * Without C, out holds the packet as it was (len octets) and the history is
 * flushed for the next one; that happens whenever compressing would not
 * save an octet, or out_cap is too small for the compressed form.
 * Returns the number of octets written to out, or UPPP_ERR_INVALID (NULL,
 * len 0 or over UPPP_MPPC_HIST), UPPP_ERR_NOBUF (out_cap < len). */
int uppp_mppc_compress(struct uppp_mppc_comp *c, const uint8_t *in, size_t len, uint8_t *out,
                       size_t out_cap, unsigned *flags);

/* Create a decompressor with an empty history. Returns 0,
 * UPPP_ERR_INVALID or UPPP_ERR_NOMEM. */
int uppp_mppc_decomp_new(struct uppp_mppc_decomp **out);
/* Wipe and free. NULL is fine. */
void uppp_mppc_decomp_del(struct uppp_mppc_decomp *d);
/* The caller lost a packet (a gap in the coherency count): compressed
 * packets are refused until one carries A. */
void uppp_mppc_decomp_lost(struct uppp_mppc_decomp *d);
/* 1 while waiting for a packet with A after a loss or an error, else 0. */
int uppp_mppc_decomp_waiting(const struct uppp_mppc_decomp *d);

/* Decompress one packet: flags are its header bits (A, B, C; D and the
 * count are ignored), in/len what follows the header (decrypted). *out
 * points to the packet: into the history (valid until the next call) when
 * C is set, at in otherwise (an uncompressed packet does not enter the
 * history, as in FreeBSD and FreeRDP). Returns 0, or UPPP_ERR_INVALID (NULL
 * arguments), UPPP_ERR_PARSE (a code the bitstream does not have, a copy
 * offset of 0 or into unwritten history, a token cut off by the end of the
 * packet), UPPP_ERR_LIMIT (more than max_out octets, or past the end of the
 * history), UPPP_ERR_PROTO (compressed, no A, and waiting for a flush). After
 * an error on a compressed packet the decompressor waits for A; an
 * uncompressed one over max_out (UPPP_ERR_LIMIT) leaves the history as it
 * was. */
int uppp_mppc_decompress(struct uppp_mppc_decomp *d, unsigned flags, const uint8_t *in, size_t len,
                         size_t max_out, const uint8_t **out, size_t *out_len);

#ifdef __cplusplus
}
#endif

#endif
