/* UTF-8 decoding and encoding, strict (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF). */
#ifndef ONOMA_TEXT_UTF8_H
#define ONOMA_TEXT_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decode one character at s (n > 0 bytes available). Returns its length
 * (1..4) and sets *cp; returns 0 for an invalid sequence, with *cp set to
 * the length of the maximal invalid subpart (1..3, the bytes to skip), or
 * -1 when the bytes are a valid but truncated prefix (more input needed). */
static inline int onoma__utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    int len;
    uint32_t v;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        v = c & 0x0F;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        v = c & 0x07;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        *cp = 1;
        return 0;
    }
    for (int i = 1; i < len; i++) {
        if ((size_t)i >= n)
            return -1;
        unsigned b = s[i];
        if (b < lo || b > hi) {
            *cp = (uint32_t)i;
            return 0;
        }
        lo = 0x80;
        hi = 0xBF;
        v = (v << 6) | (b & 0x3F);
    }
    *cp = v;
    return len;
}

/* Encode cp (valid scalar value) into out (4 bytes room); returns the length. */
static inline int onoma__utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Offset of the first invalid byte (or NUL when nul_ok is 0) in s, or n if
 * the whole buffer is valid UTF-8. */
size_t onoma__utf8_check(const char *s, size_t n, int nul_ok);

/* Number of characters in s (valid UTF-8 assumed; invalid bytes count one each). */
size_t onoma__utf8_count(const char *s, size_t n);

#endif
