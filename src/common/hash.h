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
    uint64_t tail = 0;
    if (n)
        memcpy(&tail, p, n);
    h = onoma__mix(h ^ tail ^ ((uint64_t)n << 56), k1);
    return onoma__mix(h, k2 ^ 0x5bd1e995ull);
}

#endif
