#include "text/utf8.h"

#include <string.h>

size_t onoma__utf8_check(const char *str, size_t n, int nul_ok)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        /* ASCII runs, 8 bytes at a time */
        while (i + 8 <= n) {
            uint64_t v;
            memcpy(&v, s + i, 8);
            if (v & 0x8080808080808080ull)
                break;
            if (!nul_ok && ((v - 0x0101010101010101ull) & ~v & 0x8080808080808080ull))
                break;
            i += 8;
        }
        if (i >= n)
            break;
        if (s[i] < 0x80) {
            if (!s[i] && !nul_ok)
                return i;
            i++;
            continue;
        }
        uint32_t cp;
        int len = onoma__utf8_decode(s + i, n - i, &cp);
        if (len <= 0)
            return i;
        i += (size_t)len;
    }
    return n;
}

size_t onoma__utf8_count(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            count++;
    return count;
}
