/* A small open-addressing map from byte strings to uint32_t, for the rule
 * files' word lists and the keyer's token cache. */
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "keyint.h"

int onoma__kr_grow(void **buf, size_t *cap, size_t need, size_t size)
{
    return onoma__grow(buf, cap, need, size, 16) ? ONOMA__KEY_ENOMEM : 0;
}

/* FNV-1a: tokens are short, so a simple byte hash is fast enough */
uint64_t onoma__kr_hash(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3u;
    }
    return h;
}

void onoma__kr_strmap_init(kr_strmap *m)
{
    memset(m, 0, sizeof *m);
}

void onoma__kr_strmap_free(kr_strmap *m)
{
    free(m->slots);
    free(m->ents);
    free(m->arena);
    memset(m, 0, sizeof *m);
}

void onoma__kr_strmap_clear(kr_strmap *m)
{
    if (m->slots)
        memset(m->slots, 0, m->nslots * sizeof *m->slots);
    m->nents = 0;
    m->alen = 0;
}

long onoma__kr_strmap_find(const kr_strmap *m, const char *s, size_t n, uint64_t h)
{
    if (!m->nslots)
        return -1;
    size_t mask = m->nslots - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        uint32_t e = m->slots[i];
        if (!e)
            return -1;
        const struct kr_ent *en = &m->ents[e - 1];
        if (en->hash == h && en->len == n && memcmp(m->arena + en->off, s, n) == 0)
            return (long)(e - 1);
    }
}

static int rehash(kr_strmap *m, size_t nslots)
{
    uint32_t *slots = calloc(nslots, sizeof *slots);
    if (!slots)
        return ONOMA__KEY_ENOMEM;
    size_t mask = nslots - 1;
    for (size_t e = 0; e < m->nents; e++) {
        size_t i = (size_t)m->ents[e].hash & mask;
        while (slots[i])
            i = (i + 1) & mask;
        slots[i] = (uint32_t)(e + 1);
    }
    free(m->slots);
    m->slots = slots;
    m->nslots = nslots;
    return 0;
}

long onoma__kr_strmap_store(kr_strmap *m, const char *s, size_t n)
{
    if (m->alen + n > UINT32_MAX)
        return -1;
    if (onoma__kr_grow((void **)&m->arena, &m->acap, m->alen + n + 1, 1))
        return -1;
    memcpy(m->arena + m->alen, s, n);
    long off = (long)m->alen;
    m->alen += n;
    return off;
}

long onoma__kr_strmap_add(kr_strmap *m, const char *s, size_t n, uint64_t h, uint32_t val)
{
    /* keep the load factor at most 1/2 */
    if ((m->nents + 1) * 2 > m->nslots && rehash(m, m->nslots ? m->nslots * 2 : 64))
        return -1;
    if (m->nents >= UINT32_MAX - 1 ||
        onoma__kr_grow((void **)&m->ents, &m->capents, m->nents + 1, sizeof *m->ents))
        return -1;
    long off = onoma__kr_strmap_store(m, s, n);
    if (off < 0)
        return -1;
    struct kr_ent *en = &m->ents[m->nents];
    en->hash = h;
    en->off = (uint32_t)off;
    en->len = (uint32_t)n;
    en->val = val;
    size_t mask = m->nslots - 1;
    size_t i = (size_t)h & mask;
    while (m->slots[i])
        i = (i + 1) & mask;
    m->slots[i] = (uint32_t)(m->nents + 1);
    return (long)m->nents++;
}
