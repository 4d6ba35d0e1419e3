/* The key index of a table layer's spellings, for normalize --fuzzy: its
 * usable spellings grouped by their name key (format.h, onoma__kix_*).
 * `onoma compile` stores one for the bundled key rules in the compiled
 * table; fuzzy.c builds one at run time for a layer without a matching one
 * (text tables, other rules). */
#ifndef ONOMA_NORMALIZE_KEYIX_H
#define ONOMA_NORMALIZE_KEYIX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/buf.h"
#include "common/hash.h"
#include "onoma.h"
#include "table/layer.h"

/* A view of one part (one script) of a key index. */
typedef struct onoma__kix {
    const onoma__kix_key *keys;
    uint32_t keys_mask, kh_mask, many_mask; /* many_mask: words of many, less one */
    const char *keystr;
    const onoma__kix_group *groups;
    const onoma__kix_rec *recs;
    const char *words;
    const onoma__kix_kh *kh;
    const uint64_t *one, *many;
} onoma__kix;

/* Build the part of script (0: Latin, 1: other cased scripts) of layer L's
 * key index with keyer kr (made with engine flags 0), appended to out at
 * out->len (which must be a multiple of 8). 0 or an ONOMA_E* code. */
int onoma__kix_build(const onoma__layer *L, onoma_keyer *kr, int script, onoma__buf *out);

/* The view of a part starting at p (8-aligned, checked: layer.c). */
void onoma__kix_view(const unsigned char *p, onoma__kix *v);

/* For onoma_compile: append a key index for the bundled key rules to a
 * table image (realloc'd; header and checksum updated). Without bundled
 * rules (none found), the image is left as it is. 0 or an ONOMA_E* code. */
int onoma__kix_attach(void **image, size_t *size, onoma_error *err);

/* Words of s as written (apostrophes inside a word, Sha'bi, keep it one),
 * at most 255, and whether it has a lower-case letter; with out, their
 * folds (case, marks: text/chars.h) appended, each ended by a NUL. -1: no
 * memory. */
int onoma__kix_words(const char *s, size_t n, onoma__buf *out, int *lower);
/* Is the first letter of s Latin? */
int onoma__kix_latin(const char *s, size_t n);

/* The group of a key, or NULL. */
static inline const onoma__kix_group *onoma__kix_find(const onoma__kix *v, const char *key, size_t n, uint64_t h)
{
    uint32_t h32 = (uint32_t)h;
    for (uint32_t i = (uint32_t)(h >> 32) & v->keys_mask;; i = (i + 1) & v->keys_mask) {
        const onoma__kix_key *k = &v->keys[i];
        if (!k->len)
            return NULL;
        if (k->hash32 == h32 && k->len == n && memcmp(v->keystr + k->off, key, n) == 0)
            return &v->groups[k->group];
    }
}

/* Hashes of token keys and of keys (order-free: the engine sorts the
 * tokens), for the plain-word path of fuzzy.c; part of the format (the kh
 * tables hold them): a change needs ONOMA__KIX_VERSION bumped. */
static inline uint32_t onoma__kix_tk_hash(const char *tk, size_t n)
{
    uint64_t h = onoma__hash(tk, n);
    uint32_t v = (uint32_t)(h ^ (h >> 32)) & 0x7FFFFFFFu;
    return v > 2 ? v : v + 3; /* 0..2 and the top bit say other things in fuzzy.c */
}

static inline uint32_t onoma__kix_hash_add(uint32_t acc, uint32_t tkh)
{
    uint32_t m = tkh * 0x9E3779B1u;
    return acc + (m ^ (m >> 15));
}

/* Does any key of the part with order-free hash h have a spelling of L
 * words? */
static inline int onoma__kix_known(const onoma__kix *v, uint32_t h, size_t L)
{
    if (L == 1 ? !((v->one[(h >> 6) & (ONOMA__KIX_ONE_WORDS - 1)] >> (h & 63)) & 1)
               : !((v->many[(h >> 6) & v->many_mask] >> (h & 63)) & 1))
        return 0;
    for (uint32_t j = (h * 0x9E3779B1u) & v->kh_mask; v->kh[j].h; j = (j + 1) & v->kh_mask)
        if (v->kh[j].h == h)
            return (int)((v->kh[j].nwords >> (L - 1)) & 1);
    return 0;
}

#endif
