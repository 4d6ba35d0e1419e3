/* The word cache: key bytes -> output bytes, open addressing over an
 * append-only arena. Bounded: when the arena would pass its budget the
 * whole cache is emptied (running text is Zipfian, so the frequent words
 * come back at once). One per thread; no locking. */
#ifndef ONOMA_TRANSLIT_CACHE_H
#define ONOMA_TRANSLIT_CACHE_H

#include <stddef.h>
#include <stdint.h>

typedef struct onoma__tslot {
    uint32_t tag; /* high bits of the hash */
    uint32_t off; /* record offset + 1 in the arena; 0 = empty */
} onoma__tslot;

typedef struct onoma__tcache {
    onoma__tslot *slots;
    size_t mask;  /* slots - 1 */
    size_t used;
    char *arena;
    size_t len, cap, budget;
    uint64_t hits, misses, resets;
} onoma__tcache;

int onoma__tcache_init(onoma__tcache *c, size_t budget);
void onoma__tcache_free(onoma__tcache *c);
void onoma__tcache_clear(onoma__tcache *c);

/* Output for key (NULL when absent); *vlen its length, *flags the value's
 * flags. Valid until the next put. */
const char *onoma__tcache_get(onoma__tcache *c, uint64_t h, const char *key, size_t klen, size_t *vlen,
                              unsigned *flags);
/* Remember key -> val. Returns 0 or ONOMA_ENOMEM (the cache is then left
 * usable, without the entry). */
int onoma__tcache_put(onoma__tcache *c, uint64_t h, const char *key, size_t klen, const char *val, size_t vlen,
                      unsigned flags);

#endif
