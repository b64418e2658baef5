/* Helpers shared by the cmocka unit tests. Header-only. */
#ifndef UPPP_TESTUTIL_H
#define UPPP_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <ctype.h>
#include <cmocka.h>
#include <uppp/hex.h>

/* Parse hex (spaces allowed) into out; returns the number of bytes, or fails
 * the test if the text is not hex or does not fit. */
static inline size_t tu_hex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (const char *p = hex; *p; p++) {
        if (isspace((unsigned char)*p))
            continue;
        int v = uppp_hex_digit((unsigned char)*p);
        assert_true(v >= 0);
        if (hi < 0) {
            hi = v;
        } else {
            assert_true(n < cap);
            out[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    assert_true(hi < 0);
    return n;
}

/* Assert that len bytes at got equal the hex text want. */
#define tu_assert_hex(got, len, want)                                                              \
    do {                                                                                           \
        uint8_t tu_w_[512];                                                                        \
        size_t tu_n_ = tu_hex((want), tu_w_, sizeof(tu_w_));                                       \
        assert_int_equal(tu_n_, (len));                                                            \
        assert_memory_equal((got), tu_w_, tu_n_);                                                  \
    } while (0)

#endif
