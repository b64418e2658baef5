/*
 * Fuzz target for the pppd-style packet formatter (src/util/pktlog.c).
 *
 * Input: protocol (2 bytes, big-endian), flags (1 byte), then the
 * information field. It is rendered into an exactly sized small buffer and a
 * large one; both must be NUL-terminated prefixes of the same line, with the
 * returned length. The whole input is also rendered as a raw frame.
 */
#include <uppp/pktlog.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *buf, size_t cap, int rc)
{
    if (rc < 0 || (size_t)rc >= cap || strlen(buf) != (size_t)rc)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    uint16_t proto = (uint16_t)(data[0] << 8 | data[1]);
    unsigned flags = data[2] & UPPP_PKTLOG_SHOW_PASSWORD;
    const uint8_t *info = data + 3;
    size_t len = size - 3;

    /* Heap buffers of the exact size, so that ASan sees any overrun. Octal
     * escapes take 12 characters per byte at most. */
    size_t big_cap = 64 + 12 * size;
    size_t small_cap = 1 + data[2] % 48;
    char *big = malloc(big_cap), *small = malloc(small_cap);
    if (big == NULL || small == NULL)
        abort();

    int rb = uppp_pktlog_format(big, big_cap, "rcvd", proto, info, len, flags);
    check(big, big_cap, rb);
    if ((size_t)rb + 1 >= big_cap) /* the large buffer must hold any line */
        abort();
    int rs = uppp_pktlog_format(small, small_cap, "rcvd", proto, info, len, flags);
    check(small, small_cap, rs);
    if (memcmp(small, big, (size_t)rs) != 0)
        abort();
    /* A hidden PAP password does not reach the line: flipping every byte of
     * where an Authenticate-Request keeps it (RFC 1334 section 2.2.1) must
     * not change the output. */
    if (proto == 0xc023 && !(flags & UPPP_PKTLOG_SHOW_PASSWORD) && len >= 6 && info[0] == 1) {
        size_t ulen = info[4], pw = 6 + ulen;
        if (pw <= len) {
            size_t wlen = info[5 + ulen], end = pw + wlen < len ? pw + wlen : len;
            uint8_t *copy = malloc(len);
            char *other = malloc(big_cap);
            if (copy == NULL || other == NULL)
                abort();
            memcpy(copy, info, len);
            for (size_t i = pw; i < end; i++)
                copy[i] ^= 0xff;
            int ro = uppp_pktlog_format(other, big_cap, "rcvd", proto, copy, len, flags);
            if (ro != rb || strcmp(other, big) != 0)
                abort();
            free(copy);
            free(other);
        }
    }

    int rf = uppp_pktlog_format_frame(big, big_cap, NULL, data, size, flags);
    if (rf >= 0)
        check(big, big_cap, rf);
    (void)uppp_pktlog_is_lcp_echo(proto, info, len);

    free(big);
    free(small);
    return 0;
}
