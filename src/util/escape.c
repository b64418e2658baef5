/* Escaping of peer- and file-supplied bytes for log lines
 * (include/uppp/escape.h): pppd's print_string() style, and its "%v". */
#include <uppp/escape.h>

#include <stdio.h>

static size_t visible(char *out, uint8_t ch)
{
    size_t n = 0;
    if (ch >= 0x80) {
        out[n++] = 'M';
        out[n++] = '-';
        ch &= 0x7f;
    }
    /* pppd keeps a tab as it is under %v; scripts' environments take it. */
    if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
        out[n++] = '^';
        out[n++] = (char)(ch ^ 0x40);
    } else {
        out[n++] = (char)ch;
    }
    out[n] = '\0';
    return n;
}

size_t uppp_escape_char(char out[UPPP_ESCAPE_CHAR_MAX], uint8_t ch, unsigned flags)
{
    if (flags & UPPP_ESCAPE_VISIBLE)
        return visible(out, ch);
    int n;
    if (ch >= 0x20 && ch <= 0x7e)
        n = snprintf(out, UPPP_ESCAPE_CHAR_MAX, (ch == '\\' || ch == '"') ? "\\%c" : "%c", ch);
    else if (ch == '\n')
        n = snprintf(out, UPPP_ESCAPE_CHAR_MAX, "\\n");
    else if (ch == '\r')
        n = snprintf(out, UPPP_ESCAPE_CHAR_MAX, "\\r");
    else if (ch == '\t')
        n = snprintf(out, UPPP_ESCAPE_CHAR_MAX, "\\t");
    else if (ch < 0x80 || !(flags & UPPP_ESCAPE_PPPD_SIGNED))
        n = snprintf(out, UPPP_ESCAPE_CHAR_MAX, "\\%03o", ch);
    else
        n = snprintf(out, UPPP_ESCAPE_CHAR_MAX, "\\%o", 0xffffff00u | ch);
    return (size_t)n;
}

size_t uppp_escape(char *buf, size_t cap, const void *s, size_t len, unsigned flags)
{
    const uint8_t *p = s;
    size_t o = 0;
    if (cap == 0)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char e[UPPP_ESCAPE_CHAR_MAX];
        size_t n = uppp_escape_char(e, p[i], flags);
        if (o + n >= cap)
            break;
        for (size_t k = 0; k < n; k++)
            buf[o++] = e[k];
    }
    buf[o] = '\0';
    return o;
}
