/* Hex text to octets (include/uppp/hex.h). */
#include <uppp/err.h>
#include <uppp/hex.h>

#include <limits.h>

#include "crypto.h" /* uppp_memzero */

int uppp_hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int uppp_hex_decode(uint8_t *out, size_t cap, const char *hex, size_t len)
{
    if ((hex == NULL && len > 0) || (out == NULL && cap > 0) || len / 2 > INT_MAX)
        return UPPP_ERR_INVALID;
    if (len % 2 != 0)
        return UPPP_ERR_PARSE;
    size_t n = len / 2;
    if (n > cap)
        return UPPP_ERR_NOBUF;
    for (size_t i = 0; i < n; i++) {
        int hi = uppp_hex_digit((unsigned char)hex[2 * i]);
        int lo = uppp_hex_digit((unsigned char)hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            uppp_memzero(out, i);
            return UPPP_ERR_PARSE;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return (int)n;
}
