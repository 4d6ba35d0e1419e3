/* normalize --fuzzy: unseen spellings of known names, found through the
 * name key (docs/keys.md, "normalize --fuzzy"). */
#ifndef ONOMA_NORMALIZE_FUZZY_H
#define ONOMA_NORMALIZE_FUZZY_H

#include "normalize/normalize.h"

/* Set up nz->fz: the key rules (NULL: the bundled ones), the key index of
 * each layer's spellings (the one a compiled table stores for the same
 * rules, else built by the first normalizer that asks and shared through
 * the tables), a keyer and a result cache. */
int onoma__fuzzy_new(onoma_normalizer *nz, const onoma_keyrules *rules, onoma_error *err);
void onoma__fuzzy_free(struct onoma__fuzzy **fz);

/* The word at s[ws..we) starts no listed spelling that was taken: does a
 * capitalised run starting there (or at particles before it, from `out`
 * on: s[..out) is written already), and ending after min_end (the end of a
 * listed spelling that was refused, such as a guarded one), lead through
 * its key to exactly one entity? Then the span s[*from..end) is rewritten
 * (nz->rep, *rewrite = 1) or left as it is when already canonical, and its
 * end is returned; 0 when nothing matched. Errors go to *rc. */
size_t onoma__fuzzy_at(onoma_normalizer *nz, const unsigned char *s, size_t n, size_t ws, size_t we,
                       size_t min_end, size_t out, size_t *from, int *rewrite, int *rc);

/* For fuzzy.c, from normalize.c: */
/* Does a sentence (or the text, or a line) start at ws? */
int onoma__nz_sentence_start(const unsigned char *s, size_t ws);
/* Rewrite s[ws..end) to the canonical form of entry `entry` of layer
 * `layer` (into nz->rep, *rewrite = 1 unless already canonical) and report
 * it as a fuzzy rewrite with its match score. 0 or an error. */
int onoma__nz_fuzzy_rewrite(onoma_normalizer *nz, const unsigned char *s, size_t ws, size_t end, uint32_t layer,
                            uint32_t entry, double score, int *rewrite);

#endif
