/* Near misses: a capitalised word that matches no spelling of the tables
 * but looks like a known name ("Soleimanni", "Khatibzadah"). A checker asks
 * its near-miss sources in turn; each is a lookup from a folded word to an
 * entity. The one source today is an edit-distance index over the
 * single-word canonical forms (below); a name-key source (same key as a known
 * spelling) plugs in through onoma__near_source when the key module lands. */
#ifndef ONOMA_CHECK_NEAR_H
#define ONOMA_CHECK_NEAR_H

#include <stddef.h>
#include <stdint.h>

#include "onoma.h"

/* Longest word (in code points) a near miss is looked for in. */
#define ONOMA__NEAR_MAX_CPS 48

typedef struct onoma__near_hit {
    uint32_t layer, entry; /* the entity (entry of that layer) */
    unsigned cost;         /* edit cost (EDIT) or 0 (KEY) */
    int via;               /* ONOMA_NEAR_EDIT or ONOMA_NEAR_KEY */
    int shared;            /* the suggested form names several entities */
} onoma__near_hit;

/* A near-miss source: look up a folded word (w: n code points, already
 * folded with the lookup fold). Returns 1 and fills *hit when it suggests
 * one entity, 0 when it has nothing (or nothing unique). */
typedef struct onoma__near_source {
    void *impl;
    int (*lookup)(void *impl, const uint32_t *w, size_t n, onoma__near_hit *hit);
    void (*free)(void *impl);
} onoma__near_source;

/* The edit-distance index. Targets: canonical forms (in the style) of one
 * word, folded, of 5 characters or more, of every entity but places, and of
 * places with at least ONOMA__NEAR_PLACE_SPELLINGS spellings (prominent
 * ones: a gazetteer has a near-namesake for most English words), or of all
 * places with all_places. */
#define ONOMA__NEAR_PLACE_SPELLINGS 10
#define ONOMA__NEAR_MIN_CPS 5

typedef struct onoma__near_index onoma__near_index;

/* Call fn on each target form (entry, canonical form, its fold as code
 * points); stops at the first non-zero return. */
typedef int (*onoma__near_target_fn)(void *ctx, uint32_t layer, uint32_t entry, const char *canonical, size_t len,
                                     const uint32_t *folded, size_t n);
int onoma__near_each_target(const onoma_tables *t, uint32_t style, int all_places, onoma__near_target_fn fn,
                            void *ctx);

int onoma__near_build(const onoma_tables *t, uint32_t style, int all_places, onoma__near_index **out);
void onoma__near_free(onoma__near_index **ix);
/* Number of target forms (for tests). */
size_t onoma__near_targets(const onoma__near_index *ix);
/* The edit-distance source over ix (which must outlive it). */
onoma__near_source onoma__near_edit_source(onoma__near_index *ix);
int onoma__near_edit_lookup(void *impl, const uint32_t *w, size_t n, onoma__near_hit *hit);

/* The name-key source (src/key): a word whose key is the key of a target
 * form, and whose match score with it reaches the match threshold (the
 * best one; none on a tie). rules: a directory of key rules or NULL for
 * onoma__key_rules_dir(). ONOMA_ENOENT when no rules are found. */
int onoma__near_key_source(const onoma_tables *t, uint32_t style, int all_places, const char *rules,
                           onoma__near_source *out);
/* Where the key rules are: $ONOMA_KEY_RULES, else keys/ beside the bundled
 * compiled table (share/onoma/keys). Length (snprintf style) or ONOMA_ENOENT. */
int onoma__key_rules_dir(char *buf, size_t cap);

/* Weighted edit cost between two folded words (code points), as the index
 * verifies candidates: spelling variation of transliterated names is cheap
 * (vowel for vowel, a doubled letter, an h after a consonant, k/q/c, s/z,
 * v/w, j/g, a transposition: 1), any other edit costs 2, and the first
 * letter or an added/removed last letter costs 3. */
unsigned onoma__near_cost(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);
/* Largest cost accepted between words of these lengths (0: none). */
unsigned onoma__near_allowed(size_t na, size_t nb);

#endif
