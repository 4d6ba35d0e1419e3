/* The vocalisation lexicons (tables/translit/lexicon/): ar.tsv, unpointed
 * Arabic-script name tokens and their short vowels (made by
 * tools/translit/lexicon.py), and words-LANG.tsv, frequent words of a
 * language (written by hand). A word of the text that carries no vowel sign and is in
 * the lexicon gets the lexicon's signs on its own letters before a scheme
 * reads it, so that the scheme writes its short vowels (قاسم -> Qāsim,
 * Qāsem in Persian). Letter variants (ي ی ى, ك ک, ة ۀ, ه ہ ە) are one. */
#ifndef ONOMA_TRANSLIT_LEXICON_H
#define ONOMA_TRANSLIT_LEXICON_H

#include <stddef.h>

#include "onoma.h"
#include "common/buf.h"

typedef struct onoma__lexicon onoma__lexicon;

/* Load path; ONOMA_ENOENT when there is no such file (not an error for
 * the caller), another code for a file that cannot be read. */
int onoma__lexicon_open(const char *path, onoma__lexicon **out, onoma_error *err);
void onoma__lexicon_close(onoma__lexicon **lx);
size_t onoma__lexicon_size(const onoma__lexicon *lx);

/* If the word s[0..n) (leading and trailing punctuation allowed) is an
 * unpointed token of a lexicon (lx[0] first, NULL entries skipped), append
 * it with its vowel signs to out and return 1; else append nothing and
 * return 0 (or ONOMA_ENOMEM). */
int onoma__lexicon_point(const onoma__lexicon *const lx[2], const char *s, size_t n, onoma__buf *out);

/* s[0..n) with every word of the lexicons pointed (words at ASCII white
 * space), into out. */
int onoma__lexicon_point_text(const onoma__lexicon *const lx[2], const char *s, size_t n, onoma__buf *out);

#endif
