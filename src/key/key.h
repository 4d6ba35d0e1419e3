/* Name keys and name match (onoma key, onoma match).
 *
 * A key is made by rules read from text files (the .txt files of tables/keys, format in
 * docs/keys.md): letter maps for native scripts and diacritics, token rules
 * (words to drop or join, patronymic endings, compounds) and ordered rewrite
 * phases applied to each token. It never looks at a gazetteer. The match
 * aligns the tokens of two names and scores them in [0, 1].
 *
 * Self-contained: libc and ICU only. Nothing here prints or exits. */
#ifndef ONOMA_KEY_KEY_H
#define ONOMA_KEY_KEY_H

#include <stddef.h>

/* Errors (negative). The library maps them onto its ONOMA_E* codes. */
#define ONOMA__KEY_ENOMEM (-1) /* out of memory */
#define ONOMA__KEY_EIO (-2)    /* a rule file or directory cannot be read */
#define ONOMA__KEY_ERULE (-3)  /* a rule file is malformed (msg: FILE:LINE) */
#define ONOMA__KEY_EINVAL (-4) /* bad argument, unknown flag bits */
#define ONOMA__KEY_EICU (-5)   /* an ICU call failed */
#define ONOMA__KEY_ETRANSLIT (-6) /* the transliteration hook failed */

/* Keyer flags. The language goes in bits 8..15: ONOMA__KEY_LANG(id) with an
 * id from onoma__keyrules_lang(); 0 is "auto" (all rule files). */
#define ONOMA__KEY_ORDERED 0x1u /* keep token order in the key */
#define ONOMA__KEY_LANG(id) (((unsigned)(id) & 0xFFu) << 8)
#define ONOMA__KEY_FLAGS_KNOWN (ONOMA__KEY_ORDERED | 0xFF00u)

/* A pair scores "same" when onoma__match() >= this (calibrated on the dev
 * split, see docs/keys.md). */
#define ONOMA__MATCH_THRESHOLD 0.86

typedef struct onoma__keyrules onoma__keyrules; /* immutable, shareable between threads */
typedef struct onoma__keyer onoma__keyer;       /* per thread: token cache, scratch */

/* Load every *.txt of a directory (in file-name order) or one file. On error
 * returns < 0 and writes "FILE:LINE: message" to msg (if msgcap > 0). */
int onoma__keyrules_load(const char *dir_or_file, onoma__keyrules **out, char *msg,
                         size_t msgcap);
void onoma__keyrules_free(onoma__keyrules **r);

/* Language id for a code named in some rule file's "# langs:" header (ar,
 * fa, ru, ...), for ONOMA__KEY_LANG(); 0 for "auto" or NULL; < 0 if no rule
 * file names the code. */
int onoma__keyrules_lang(const onoma__keyrules *r, const char *code);

int onoma__keyer_new(const onoma__keyrules *r, unsigned flags, onoma__keyer **out);
void onoma__keyer_free(onoma__keyer **k);

/* Transliterates native-script UTF-8 text to Latin UTF-8; returns the length
 * needed (snprintf style, without the NUL) or < 0 on error. Without a hook
 * the keyer uses ICU "Russian-Latin/BGN; Greek-Latin/BGN; Any-Latin".
 * Either way lowercasing, the rule files' letter maps and ICU "Latin-ASCII"
 * follow. */
typedef int (*onoma__key_translit_fn)(void *ctx, const char *in, size_t len, char *out,
                                      size_t cap);
void onoma__keyer_set_translit(onoma__keyer *k, onoma__key_translit_fn fn, void *ctx);

/* Key of one name (UTF-8; invalid bytes count as separators). Writes at most
 * cap bytes including a NUL; returns the key length needed (snprintf style)
 * or < 0 on error. An empty name gives an empty key. */
int onoma__key(onoma__keyer *k, const char *name, size_t len, char *out, size_t cap);

/* Similarity of two names in [0, 1], or < 0 on error (an ONOMA__KEY_E*
 * code). explain (optional) receives one line per aligned or left-over
 * token and a last line with the score. */
double onoma__match(onoma__keyer *k, const char *a, size_t alen, const char *b, size_t blen,
                    void (*explain)(void *ctx, const char *line), void *ctx);

#endif
