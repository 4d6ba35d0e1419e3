/* Name mentions in running text: a run of capitalised words, one space or
 * hyphen apart, with lower-case particles between or before them
 * (al-Muhandis, Osama bin Laden, Vincent van Gogh). Used by normalize
 * --fuzzy (the spans it may rewrite) and by cluster (what it counts). */
#ifndef ONOMA_KEY_MENTION_H
#define ONOMA_KEY_MENTION_H

#include <stddef.h>
#include <stdint.h>

#include "onoma.h"

#define ONOMA__MW_CAP 1      /* first letter upper or title case */
#define ONOMA__MW_PARTICLE 2 /* a lower-case particle inside the run */

typedef struct onoma__mword {
    size_t start, end; /* apostrophes between letters are inside (Sha'bi); a possessive 's is not */
    int kind;          /* ONOMA__MW_* */
    int allcaps;       /* no lower-case letter (IRGC, TEHRAN) */
} onoma__mword;

/* Case of the word's first character (1 upper/title, -1 lower, 0 uncased
 * or not a letter) and the end of the word at s[i] (a word character).
 * *possessive is set when the word is followed by 's / ’s. */
size_t onoma__mention_word(const unsigned char *s, size_t n, size_t i, int *first_case, int *allcaps,
                           int *possessive);

/* The run that starts with the word at s[i]: up to max words into w; the
 * first is capitalised or a particle before a capitalised word, and the
 * last is capitalised. A possessive ends the run, as does anything but one
 * space, no-break space or hyphen between words. Returns the number of
 * words (0: no run starts at i). r (the particle lists) may be NULL. */
size_t onoma__mention_run(const onoma_keyrules *r, const unsigned char *s, size_t n, size_t i, onoma__mword *w,
                          size_t max);

/* The word before position i, when one separator of a run lies between
 * them: its start (and its end in *end), with *hyphen set when the
 * separator is a hyphen; SIZE_MAX when there is none. Looks back at most
 * 64 bytes, never before s[lim]. */
size_t onoma__mention_prev(const unsigned char *s, size_t lim, size_t i, size_t *end, int *hyphen);

/* The separator at s[i] that may join two words of a run: its length, or 0. */
size_t onoma__mention_sep(const unsigned char *s, size_t n, size_t i);

/* Is s[0..n) (lower case) a particle that may stand before a capitalised
 * word, joined by a hyphen (hyphen = 1: the rules' article and join-next
 * words, al-, as-, abu-) or a space (van, de, bin)? */
int onoma__mention_particle(const onoma_keyrules *r, const char *s, size_t n, int hyphen);

/* Is the word s[0..n) (compared in lower case; ASCII only) in a word list
 * of the rules: dropped from names (titles, articles: ONOMA__ML_DROP) or a
 * very common name element (Ali, Muhammad: ONOMA__ML_COMMON)? */
#define ONOMA__ML_DROP 0
#define ONOMA__ML_COMMON 1
int onoma__mention_listed(const onoma_keyrules *r, const char *s, size_t n, int list);

#endif
