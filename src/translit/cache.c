#include "translit/cache.h"

#include <stdlib.h>
#include <string.h>

#include "onoma.h"

/* A record in the arena: u32 key length, u32 value length, u32 flags,
 * then the key and value bytes. */
#define REC_HDR 12u
#define MIN_SLOTS 4096u

int onoma__tcache_init(onoma__tcache *c, size_t budget)
{
    memset(c, 0, sizeof *c);
    c->budget = budget < (1u << 16) ? (1u << 16) : budget;
    if (c->budget > 0xF0000000u)
        c->budget = 0xF0000000u; /* offsets are 32-bit */
    c->slots = calloc(MIN_SLOTS, sizeof *c->slots);
    if (!c->slots)
        return ONOMA_ENOMEM;
    c->mask = MIN_SLOTS - 1;
    return 0;
}

void onoma__tcache_free(onoma__tcache *c)
{
    free(c->slots);
    free(c->arena);
    memset(c, 0, sizeof *c);
}

void onoma__tcache_clear(onoma__tcache *c)
{
    memset(c->slots, 0, (c->mask + 1) * sizeof *c->slots);
    c->used = 0;
    c->len = 0;
    c->resets++;
}

static inline uint32_t rd32(const char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

const char *onoma__tcache_get(onoma__tcache *c, uint64_t h, const char *key, size_t klen, size_t *vlen,
                              unsigned *flags)
{
    uint32_t tag = (uint32_t)(h >> 32);
    for (size_t i = (size_t)h & c->mask;; i = (i + 1) & c->mask) {
        const onoma__tslot *s = &c->slots[i];
        if (!s->off) {
            c->misses++;
            return NULL;
        }
        if (s->tag != tag)
            continue;
        const char *r = c->arena + s->off - 1;
        if (rd32(r) == klen && memcmp(r + REC_HDR, key, klen) == 0) {
            *vlen = rd32(r + 4);
            *flags = rd32(r + 8);
            c->hits++;
            return r + REC_HDR + klen;
        }
    }
}

static int grow_slots(onoma__tcache *c)
{
    size_t n = (c->mask + 1) * 2;
    onoma__tslot *ns = calloc(n, sizeof *ns);
    if (!ns)
        return ONOMA_ENOMEM;
    /* each record keeps its full hash just before it (see put) */
    for (size_t i = 0; i <= c->mask; i++) {
        onoma__tslot s = c->slots[i];
        if (!s.off)
            continue;
        const char *r = c->arena + s.off - 1;
        uint64_t h;
        memcpy(&h, r - 8, 8);
        for (size_t j = (size_t)h & (n - 1);; j = (j + 1) & (n - 1))
            if (!ns[j].off) {
                ns[j] = s;
                break;
            }
    }
    free(c->slots);
    c->slots = ns;
    c->mask = n - 1;
    return 0;
}

int onoma__tcache_put(onoma__tcache *c, uint64_t h, const char *key, size_t klen, const char *val, size_t vlen,
                      unsigned flags)
{
    /* 8 bytes of full hash before each record, for rehashing */
    size_t need = 8 + REC_HDR + klen + vlen;
    need = (need + 7) & ~(size_t)7;
    if (klen > 0xFFFFFFFu || vlen > 0xFFFFFFFu || need > c->budget / 4)
        return 0; /* too big to be worth remembering */
    if (c->len + need > c->budget)
        onoma__tcache_clear(c);
    if ((c->used + 1) * 2 > c->mask + 1 && grow_slots(c))
        return ONOMA_ENOMEM;
    if (c->cap - c->len < need) {
        size_t nc = c->cap ? c->cap : (1u << 16);
        while (nc - c->len < need)
            nc *= 2;
        if (nc > c->budget)
            nc = c->budget;
        char *na = realloc(c->arena, nc);
        if (!na)
            return ONOMA_ENOMEM;
        c->arena = na;
        c->cap = nc;
    }
    char *p = c->arena + c->len;
    memcpy(p, &h, 8);
    uint32_t hdr[3] = {(uint32_t)klen, (uint32_t)vlen, flags};
    memcpy(p + 8, hdr, REC_HDR);
    memcpy(p + 8 + REC_HDR, key, klen);
    if (vlen)
        memcpy(p + 8 + REC_HDR + klen, val, vlen);
    uint32_t off = (uint32_t)(c->len + 8 + 1);
    c->len += need;
    uint32_t tag = (uint32_t)(h >> 32);
    for (size_t i = (size_t)h & c->mask;; i = (i + 1) & c->mask)
        if (!c->slots[i].off) {
            c->slots[i].tag = tag;
            c->slots[i].off = off;
            break;
        }
    c->used++;
    return 0;
}
