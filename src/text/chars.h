/* Character classes and the lookup fold.
 *
 * Word characters (what "whole word" means): letters, marks, numbers,
 * connector punctuation and the joiners ZWNJ/ZWJ (so Persian words with a
 * ZWNJ stay one word). Taken from ICU's properties once, kept as a bitmap.
 *
 * The fold (what lookup compares): NFKC case folding, then marks stripped
 * after canonical decomposition, then onoma's own equivalences: apostrophe
 * kinds -> ', hyphens/dashes/spaces -> ' ', Arabic-script letter variants,
 * a few letters that users type without their stroke (l for ł, o for ø).
 * Computed per character from ICU on first use (256 characters at a time)
 * and cached; ASCII is a static table. */
#ifndef ONOMA_TEXT_CHARS_H
#define ONOMA_TEXT_CHARS_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

/* Version of the fold: part of the compiled table header. Bump when the fold changes. */
#define ONOMA__FOLD_VERSION 1

/* Must be called (once; thread-safe, cheap after the first) before the rest. */
int onoma__chars_init(void);

extern uint8_t onoma__word_bits[0x110000 / 8];
/* 1 for ASCII word bytes [A-Za-z0-9_]; 0 otherwise (>= 0x80 included). */
extern const uint8_t onoma__ascii_word[128];

static inline int onoma__is_word(uint32_t cp)
{
    return cp < 0x110000 && ((onoma__word_bits[cp >> 3] >> (cp & 7)) & 1);
}

/* The fold of one character, looked up by 256-character page. */
typedef struct onoma__fold_page onoma__fold_page;
const onoma__fold_page *onoma__fold_page_get(uint32_t page);

/* Per character: its fold's length, and the bytes inline when they fit in
 * 3, else their offset (24 bits, little-endian) in the page's pool. */
typedef struct onoma__fold_entry {
    uint8_t len;
    unsigned char b[3];
} onoma__fold_entry;
struct onoma__fold_page {
    onoma__fold_entry e[256];
    char pool[];
};

static inline const char *onoma__fold_lookup(uint32_t cp, size_t *len, const onoma__fold_page **cache,
                                             uint32_t *cache_page)
{
    uint32_t pg = cp >> 8;
    const onoma__fold_page *p;
    if (*cache && *cache_page == pg) {
        p = *cache;
    } else {
        p = onoma__fold_page_get(pg);
        *cache = p;
        *cache_page = pg;
    }
    const onoma__fold_entry *e = &p->e[cp & 0xFF];
    *len = e->len;
    if (e->len <= 3)
        return (const char *)e->b;
    return p->pool + ((size_t)e->b[0] | (size_t)e->b[1] << 8 | (size_t)e->b[2] << 16);
}

extern const unsigned char onoma__fold_ascii[128];

/* Append the fold of s[0..n) to out, collapsing runs of ' ' into one and
 * never starting with ' ' when out is empty or ends with ' '. Invalid UTF-8
 * bytes are appended as U+FFFD (they never match a key). */
int onoma__fold_append(onoma__buf *out, const char *s, size_t n);

/* Case of a character: 1 upper/title, -1 lower, 0 uncased. */
int onoma__char_case(uint32_t cp);
/* The script (ICU UScriptCode) of the first letter of s[0..n) that has one
 * of its own (not Common or Inherited); -1 when none. */
int onoma__first_script(const char *s, size_t n);

/* Case of the first cased letter of s[0..n): 1, -1, or 0 when none (or invalid UTF-8). */
int onoma__first_case(const char *s, size_t n);

/* Upper-case / lower-case a UTF-8 string (root locale) into out. */
int onoma__to_upper(onoma__buf *out, const char *s, size_t n);
int onoma__to_lower(onoma__buf *out, const char *s, size_t n);
int onoma__to_title_first(onoma__buf *out, const char *s, size_t n);

#endif
