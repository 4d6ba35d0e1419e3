/* Name mentions in running text (mention.h). */
#include "key/mention.h"

#include <stdint.h>
#include <string.h>

#include "key/api.h"
#include "key/keyint.h"
#include "text/chars.h"
#include "text/utf8.h"

/* Particles written apart from the name they belong to. The rule files'
 * article and join-next words (al, el, abu ...) count too, but only when
 * hyphenated: spaced, "an", "as", "at" are English words. */
static const struct {
    char s[8];
    size_t n;
} spaced_particles[] = {
    {"al", 2},  {"el", 2},  {"bin", 3}, {"ibn", 3}, {"bint", 4},  {"ben", 3}, {"da", 2},  {"das", 3},
    {"de", 2},  {"del", 3}, {"della", 5}, {"der", 3}, {"den", 3}, {"di", 2},  {"do", 2},  {"dos", 3},
    {"du", 2},  {"la", 2},  {"le", 2},  {"ter", 3}, {"van", 3},   {"von", 3}, {"zu", 2},
};

static uint32_t cp_at(const unsigned char *s, size_t n, size_t i, int *len)
{
    uint32_t cp;
    *len = onoma__utf8_decode(s + i, n - i, &cp);
    return cp;
}

static int is_word_at(const unsigned char *s, size_t n, size_t i)
{
    if (i >= n)
        return 0;
    if (s[i] < 0x80)
        return onoma__ascii_word[s[i]];
    int len;
    uint32_t cp = cp_at(s, n, i, &len);
    return len > 0 && onoma__is_word(cp);
}

/* An apostrophe (' ’ ʼ) at s[i]: its length, or 0. */
static size_t apostrophe(const unsigned char *s, size_t n, size_t i)
{
    if (i >= n)
        return 0;
    if (s[i] == '\'')
        return 1;
    if (i + 2 < n && s[i] == 0xE2 && s[i + 1] == 0x80 && s[i + 2] == 0x99)
        return 3;
    if (i + 1 < n && s[i] == 0xCA && s[i + 1] == 0xBC)
        return 2;
    return 0;
}

size_t onoma__mention_word(const unsigned char *s, size_t n, size_t i, int *first_case, int *allcaps,
                           int *possessive)
{
    int first = 1, fc = 0, lower = 0;
    *possessive = 0;
    for (;;) {
        while (i < n) {
            int len;
            uint32_t cp;
            if (s[i] < 0x80) {
                if (!onoma__ascii_word[s[i]])
                    break;
                cp = s[i];
                len = 1;
            } else {
                cp = cp_at(s, n, i, &len);
                if (len <= 0 || !onoma__is_word(cp))
                    break;
            }
            int c = cp - 'a' < 26u ? -1 : cp - 'A' < 26u ? 1 : cp < 0x80 ? 0 : onoma__char_case(cp);
            if (first)
                fc = c;
            first = 0;
            lower |= c < 0;
            i += (size_t)len;
        }
        size_t a = apostrophe(s, n, i);
        if (!a || !is_word_at(s, n, i + a))
            break;
        if ((s[i + a] == 's' || s[i + a] == 'S') && !is_word_at(s, n, i + a + 1)) {
            *possessive = 1;
            break;
        }
        i += a; /* Sha'bi, O'Brien */
    }
    *first_case = fc;
    *allcaps = !lower;
    return i;
}

size_t onoma__mention_sep(const unsigned char *s, size_t n, size_t i)
{
    if (i >= n)
        return 0;
    if (s[i] == ' ' || s[i] == '-')
        return 1;
    if (i + 1 < n && s[i] == 0xC2 && s[i + 1] == 0xA0)
        return 2; /* no-break space */
    if (i + 2 < n && s[i] == 0xE2 && s[i + 1] == 0x80 && (s[i + 2] == 0x90 || s[i + 2] == 0x91))
        return 3; /* hyphen, non-breaking hyphen */
    return 0;
}

int onoma__mention_particle(const onoma_keyrules *r, const char *s, size_t n, int hyphen)
{
    if (n < 2 || n > 6 || (unsigned)(s[0] - 'a') >= 26u)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < 'a' || s[i] > 'z')
            return 0;
    /* the lengths of the spaced particles by first letter (bit n; keep in
     * step with spaced_particles): most short words of running text
     * ("said", "and") are none, at a glance */
    static const uint8_t lens[26] = {['a' - 'a'] = 1u << 2, ['b' - 'a'] = 1u << 3 | 1u << 4, ['d' - 'a'] = 1u << 2 | 1u << 3 | 1u << 5,
                                     ['e' - 'a'] = 1u << 2, ['i' - 'a'] = 1u << 3, ['l' - 'a'] = 1u << 2,
                                     ['t' - 'a'] = 1u << 3, ['v' - 'a'] = 1u << 3, ['z' - 'a'] = 1u << 2};
    if (!((lens[s[0] - 'a'] >> n) & 1) && !hyphen)
        return 0;
    for (size_t i = 0; i < sizeof spaced_particles / sizeof *spaced_particles; i++)
        if (spaced_particles[i].n == n && spaced_particles[i].s[0] == s[0] && memcmp(spaced_particles[i].s, s, n) == 0)
            return 1;
    if (!hyphen || !r)
        return 0;
    const onoma__keyrules *kr = r->r;
    long e = onoma__kr_strmap_find(&kr->words, s, n, onoma__kr_hash(s, n));
    if (e < 0)
        return 0;
    const uint32_t *m = kr->wmask[kr->words.ents[e].val];
    return (m[KR_DROP] | m[KR_JOIN_NEXT]) != 0;
}

int onoma__mention_listed(const onoma_keyrules *r, const char *s, size_t n, int list)
{
    char low[32];
    if (!r || !n || n > sizeof low)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80)
            return 0;
        low[i] = (char)((unsigned)(c - 'A') < 26u ? c + 32 : c);
    }
    const onoma__keyrules *kr = r->r;
    long e = onoma__kr_strmap_find(&kr->words, low, n, onoma__kr_hash(low, n));
    return e >= 0 && kr->wmask[kr->words.ents[e].val][list == ONOMA__ML_DROP ? KR_DROP : KR_COMMON] != 0;
}

/* Start of the character that ends just before p (p > lim). */
static size_t char_before(const unsigned char *s, size_t lim, size_t p)
{
    size_t q = p - 1, stop = p - lim > 4 ? p - 4 : lim;
    while (q > stop && (s[q] & 0xC0) == 0x80)
        q--;
    return q;
}

size_t onoma__mention_prev(const unsigned char *s, size_t lim, size_t i, size_t *end, int *hyphen)
{
    size_t sep;
    if (i >= lim + 1 && (s[i - 1] == ' ' || s[i - 1] == '-'))
        sep = 1;
    else if (i >= lim + 2 && s[i - 2] == 0xC2 && s[i - 1] == 0xA0)
        sep = 2;
    else if (i >= lim + 3 && s[i - 3] == 0xE2 && s[i - 2] == 0x80 && (s[i - 1] == 0x90 || s[i - 1] == 0x91))
        sep = 3;
    else
        return SIZE_MAX;
    *hyphen = s[i - sep] != ' ' && s[i - sep] != 0xC2;
    size_t e = i - sep, p = e, floor = e > lim + 64 ? e - 64 : lim;
    while (p > floor) {
        size_t q = char_before(s, floor, p);
        if (!is_word_at(s, e, q))
            break;
        p = q;
    }
    if (p == e || (p == floor && floor > lim))
        return SIZE_MAX; /* none, or too long to tell */
    *end = e;
    return p;
}

size_t onoma__mention_run(const onoma_keyrules *r, const unsigned char *s, size_t n, size_t i, onoma__mword *w,
                          size_t max)
{
    size_t nw = 0, ncap = 0;
    while (nw < max && i < n) {
        if (nw && (unsigned)(s[i] - 'a') < 26u) {
            /* a lower-case word after the first: a particle is short, most
             * such words are not, and need no full look */
            size_t k = i + 1;
            while (k < n && k - i <= 6 && (unsigned)(s[k] - 'a') < 26u)
                k++;
            if (k - i > 6)
                break;
        }
        int fc, caps, poss;
        size_t e = onoma__mention_word(s, n, i, &fc, &caps, &poss);
        if (e == i)
            break;
        size_t sep = poss ? 0 : onoma__mention_sep(s, n, e);
        if (fc > 0) {
            w[nw++] = (onoma__mword){i, e, ONOMA__MW_CAP, caps};
            ncap = nw;
        } else if (fc < 0 && sep && is_word_at(s, n, e + sep) &&
                   onoma__mention_particle(r, (const char *)s + i, e - i, s[e] != ' ' && s[e] != 0xC2)) {
            /* only if a capitalised word follows; checked by the next round */
            w[nw++] = (onoma__mword){i, e, ONOMA__MW_PARTICLE, 0};
        } else
            break;
        if (!sep || poss)
            break;
        i = e + sep;
    }
    return ncap; /* trailing particles are not part of it */
}
