/* A fast 64-bit hash for short keys (names, tokens). Not for adversarial
 * input: tables are trusted data, and text only probes them. Reads 8 bytes
 * at a time and mixes with 128-bit multiplication. */
#ifndef ONOMA_COMMON_HASH_H
#define ONOMA_COMMON_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t onoma__mix(uint64_t a, uint64_t b)
{
    __uint128_t r = (__uint128_t)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t onoma__load64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint64_t onoma__hash(const void *data, size_t n)
{
    const unsigned char *p = data;
    const uint64_t k0 = 0x9e3779b97f4a7c15ull, k1 = 0xd6e8feb86659fd93ull, k2 = 0xa0761d6478bd642full;
    uint64_t h = k0 ^ (n * k1);
    while (n >= 8) {
        h = onoma__mix(h ^ onoma__load64(p), k2);
        p += 8;
        n -= 8;
    }
    /* the last 0..7 bytes without a variable-length copy: two overlapping
     * 4-byte loads, or the first, middle and last byte */
    uint64_t tail;
    if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, p, 4);
        memcpy(&b, p + n - 4, 4);
        tail = (uint64_t)a << 32 | b;
    } else if (n) {
        tail = (uint64_t)p[0] << 16 | (uint64_t)p[n / 2] << 8 | p[n - 1];
    } else {
        tail = 0;
    }
    h = onoma__mix(h ^ tail ^ ((uint64_t)n << 56), k1);
    return onoma__mix(h, k2 ^ 0x5bd1e995ull);
}

#endif
