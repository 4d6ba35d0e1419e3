/* ICU transliterators behind UTF-8 functions: the rest of the translit
 * code sees UTF-8 and onoma errors only. */
#ifndef ONOMA_TRANSLIT_ICU_H
#define ONOMA_TRANSLIT_ICU_H

#include <stddef.h>
#include <unicode/utrans.h>

#include "onoma.h"
#include "common/buf.h"

/* Scratch UTF-16 buffer, grown as needed. */
typedef struct onoma__ubuf {
    UChar *u;
    int32_t cap;
} onoma__ubuf;
void onoma__ubuf_free(onoma__ubuf *b);

/* Compile rule text (UTF-8) into a transliterator; a rule ICU rejects is
 * reported with path and the rule's place. */
int onoma__icu_from_rules(const char *id, const char *rules, size_t len, const char *path, UTransliterator **out,
                          onoma_error *err);
/* A system transform by ICU id ("Any-Latin", "Latin-ASCII", ...). */
int onoma__icu_from_id(const char *id, UTransliterator **out, onoma_error *err);

/* Restrict t to the characters of an ICU set pattern (e.g. "[^[:Greek:]]"). */
int onoma__icu_set_filter(UTransliterator *t, const char *pattern, onoma_error *err);

/* Transliterate in[0..n) (valid UTF-8) and append the UTF-8 result to
 * out. Returns 0, ONOMA_ENOMEM or ONOMA_EICU. */
int onoma__icu_run(const UTransliterator *t, onoma__ubuf *ub, const char *in, size_t n, onoma__buf *out);

#endif
