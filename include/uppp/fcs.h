/*
 * PPP Frame Check Sequences, RFC 1662 appendix C: FCS-16 (section C.2, the
 * CRC-16 of ISO 3309 / ITU-T X.25, reflected polynomial 0x8408) and FCS-32
 * (section C.3, the CRC-32 of IEEE 802.3, reflected polynomial 0xedb88320).
 *
 * Both run over whole buffers eight bytes at a time ("slice-by-8"). Usage as
 * in RFC 1662 C.2: start from the INIT value, run over the frame, send the
 * ones' complement least significant byte first; a receiver that runs over
 * the frame plus its FCS gets the GOOD value.
 */
#ifndef UPPP_FCS_H
#define UPPP_FCS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define UPPP_FCS16_INIT 0xffffu     /* RFC 1662 C.2 PPPINITFCS16 */
#define UPPP_FCS16_GOOD 0xf0b8u     /* RFC 1662 C.2 PPPGOODFCS16 */
#define UPPP_FCS32_INIT 0xffffffffu /* RFC 1662 C.3 PPPINITFCS32 */
#define UPPP_FCS32_GOOD 0xdebb20e3u /* RFC 1662 C.3 PPPGOODFCS32 */

/* Continue an FCS-16 over len bytes at p (p may be NULL when len is 0).
 * Returns the updated FCS; never fails. */
uint16_t uppp_fcs16(uint16_t fcs, const uint8_t *p, size_t len);

/* Continue an FCS-32 over len bytes at p (p may be NULL when len is 0).
 * Returns the updated FCS; never fails. */
uint32_t uppp_fcs32(uint32_t fcs, const uint8_t *p, size_t len);

#ifdef __cplusplus
}
#endif

#endif
