/* A loaded table image (one layer of an onoma_tables), and the lookups the
 * matcher makes on it. */
#ifndef ONOMA_TABLE_LAYER_H
#define ONOMA_TABLE_LAYER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "onoma.h"
#include "table/format.h"

typedef struct onoma__layer_index {
    const onoma__slot *slots;
    const uint64_t *filter;
    const uint64_t *pair, *lpair, *lpre, *cont;
    uint32_t mask, filter_log2, max_key_len;
    uint32_t shift; /* home slot = h >> shift */
    uint32_t cont_log2, lpre_log2;
} onoma__layer_index;

typedef struct onoma__layer {
    char *path;
    unsigned char *base;
    size_t size;
    int mapped; /* munmap, else free */
    const onoma__table_hdr *h;
    const char *str;
    const onoma__source_rec *sources;
    const onoma__entry_rec *entries;
    const onoma__str *styles, *forms;
    const uint32_t *targets, *ids;
    const onoma__override *ov;
    onoma__layer_index idx[2];
    uint32_t *style_local; /* global style index -> local index + 1 (0 = none) */
} onoma__layer;

/* Open a compiled file, or compile a text table in memory. */
int onoma__layer_open(const char *path, unsigned flags, onoma__layer *L, onoma_error *err);
/* Take an in-memory image (malloc'd) as a layer. */
int onoma__layer_from_image(const char *path, void *image, size_t size, onoma__layer *L, onoma_error *err);
void onoma__layer_close(onoma__layer *L);

static inline const char *onoma__lstr(const onoma__layer *L, onoma__str s) { return L->str + s.off; }

/* May a word starting with these bytes (see onoma__pair_class) begin a key? */
static inline int onoma__layer_pair(const onoma__layer_index *ix, unsigned idx)
{
    return (int)((ix->pair[idx >> 6] >> (idx & 63)) & 1);
}

static inline int onoma__layer_filter(const onoma__layer_index *ix, uint64_t h)
{
    uint64_t b = (h * 0x9E3779B97F4A7C15ull) >> (64 - ix->filter_log2);
    return (int)((ix->filter[b >> 6] >> (b & 63)) & 1);
}

static inline const onoma__slot *onoma__layer_find(const onoma__layer *L, const onoma__layer_index *ix,
                                                   const char *key, size_t n, uint64_t h)
{
    uint32_t h32 = (uint32_t)h;
    for (uint32_t i = (uint32_t)(h >> ix->shift);; i = (i + 1) & ix->mask) {
        const onoma__slot *sl = &ix->slots[i];
        if (!sl->len_flags)
            return NULL;
        if (sl->hash32 == h32 && (sl->len_flags & 0xFFFFFFu) == n && memcmp(L->str + sl->key_off, key, n) == 0)
            return sl;
    }
}

/* The targets of a key slot (entry << ONOMA__T_BITS | flags), *n of them. */
static inline const uint32_t *onoma__slot_targets(const onoma__layer *L, const onoma__slot *sl, uint32_t *n)
{
    if ((sl->len_flags >> 24) & ONOMA__SLOT_ONE) {
        *n = 1;
        return &sl->targets;
    }
    const uint32_t *t = L->targets + sl->targets;
    *n = t[0];
    return t + 1;
}

/* Entry index of an id, or UINT32_MAX. */
uint32_t onoma__layer_find_id(const onoma__layer *L, const char *id, size_t n);

#endif
