/* What in a text is not prose: the byte ranges a check skips (code, URLs,
 * tags, math, ...), and the ranges that comments switch off (onoma-ignore:
 * a line; onoma-disable ... onoma-enable: a block). Approximate parsers of
 * each markup, made to err on the side of skipping: a name missed in an
 * unusual construct is better than a "fix" inside code. */
#ifndef ONOMA_CHECK_MARKUP_H
#define ONOMA_CHECK_MARKUP_H

#include <stddef.h>

typedef struct onoma__range {
    size_t a, b; /* [a, b) */
} onoma__range;

typedef struct onoma__ranges {
    onoma__range *v;
    size_t n, cap;
} onoma__ranges;

int onoma__ranges_add(onoma__ranges *r, size_t a, size_t b);
/* Sort and merge overlapping or touching ranges. */
void onoma__ranges_normalize(onoma__ranges *r);
void onoma__ranges_free(onoma__ranges *r);

/* The ranges of s[0..n) to skip for this markup (ONOMA_MARKUP_*), sorted
 * and merged, appended to out (cleared first). 0 or ONOMA_ENOMEM. */
int onoma__markup_ranges(const char *s, size_t n, int markup, onoma__ranges *out);

/* Plain text: is s[a..b) part of a URL or an email address? (Plain text
 * leaves URLs out of the ranges, for speed: ask this about a finding.) */
int onoma__text_in_url(const char *s, size_t n, size_t a, size_t b);

#endif
