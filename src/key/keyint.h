/* Internals shared by the files of src/key: the loaded rules, the string
 * map used for word lists and the token cache, and the keyer. */
#ifndef ONOMA_KEY_KEYINT_H
#define ONOMA_KEY_KEYINT_H

#include <stddef.h>
#include <stdint.h>

#include <unicode/utrans.h>

#include "key.h"

#define KR_MAX_FILES 32 /* file masks are uint32_t */
#define KR_MAX_LANGS 255

/* word lists; one map holds all of them, with a file mask per list */
enum { KR_DROP, KR_DROP_LEAD, KR_JOIN_NEXT, KR_JOIN_PREV, KR_HEAD, KR_TAIL, KR_COMMON, KR_NLISTS };

/* ------------------------------------------------------------ string map */

/* Open addressing map from byte strings to a uint32_t value. Keys live in
 * an arena owned by the map. */
typedef struct {
    uint32_t *slots; /* entry index + 1; 0 is empty */
    size_t nslots;   /* power of two */
    struct kr_ent {
        uint64_t hash;
        uint32_t off, len, val;
    } *ents;
    size_t nents, capents;
    char *arena;
    size_t alen, acap;
} kr_strmap;

void onoma__kr_strmap_init(kr_strmap *m);
void onoma__kr_strmap_free(kr_strmap *m);
void onoma__kr_strmap_clear(kr_strmap *m);
uint64_t onoma__kr_hash(const char *s, size_t n);
/* entry index or -1 */
long onoma__kr_strmap_find(const kr_strmap *m, const char *s, size_t n, uint64_t h);
/* entry index of the new entry (key must not be present) or -1 (no memory) */
long onoma__kr_strmap_add(kr_strmap *m, const char *s, size_t n, uint64_t h, uint32_t val);
/* append bytes to the arena (for values kept next to the keys); offset or -1 */
long onoma__kr_strmap_store(kr_strmap *m, const char *s, size_t n);

/* ------------------------------------------------------------------ rules */

/* Pattern elements: a byte < 128 is a literal character (a-z 0-9 '), a
 * byte >= 128 the class (byte - 128), 0..25 for A..Z. */
typedef struct {
    const unsigned char *left, *match, *right;
    const char *repl;
    uint8_t llen, mlen, rlen, replen;
    uint8_t bol, eol;
    uint8_t copy; /* replacement "=": the matched text */
} kr_rule;

typedef struct {
    int squeeze;       /* 0: a phase of rules; 1: collapse runs of a letter */
    int squeeze_class; /* -1: any letter */
    int track;         /* 0: key and fine form; 1: key only; 2: fine form only */
    int file;
    kr_rule *rules;
    size_t nrules, caprules;
    /* rules whose first match element accepts character c, in rule order:
     * first[c] .. first[c + 1] in byfirst */
    uint32_t first[129];
    uint16_t *byfirst;
} kr_step;

typedef struct {
    char *path;
    uint32_t is_all;     /* langs: * */
    uint32_t no_auto;    /* auto: no -- only for its languages, not "auto" */
    unsigned char *langs; /* lang ids named in "# langs:" */
    size_t nlangs;
    /* settings made in this file (-1: not set here) */
    int initials_drop, select_first_last, min_ending_stem;
} kr_file;

typedef struct {
    uint16_t cp; /* BMP code point */
    uint8_t file;
    char repl[11];
} kr_map;

typedef struct {
    char *s;
    size_t n;
    int file;
} kr_ending;

struct onoma__keyrules {
    kr_file files[KR_MAX_FILES];
    size_t nfiles;
    char *langcodes[KR_MAX_LANGS + 1]; /* id -> code; [0] unused ("auto") */
    size_t nlangs;
    int has_class[26];
    unsigned char classes[26][128];
    kr_step *steps;
    size_t nsteps;
    kr_strmap words;                  /* word -> index into wmask */
    uint32_t (*wmask)[KR_NLISTS];     /* file masks per list */
    size_t nwmask, capwmask;
    kr_ending *endings;
    size_t nendings;
    kr_map *maps; /* sorted by (cp, file) */
    size_t nmaps;
    char *pool; /* pattern bytes of all rules */
    size_t poollen, poolcap;
    /* What the keys depend on: the rule files (names and contents, in load
     * order) and ONOMA__KEY_ENGINE_VERSION. Names indexes stored in
     * compiled tables (normalize --fuzzy) are used only under rules of the
     * same digest. */
    uint64_t digest;
};

/* Bump when the engine (keyer.c, rules.c) changes the keys it makes from
 * the same rules: indexes of keys stored in compiled tables are then
 * rebuilt at run time until the tables are recompiled. */
#define ONOMA__KEY_ENGINE_VERSION 1

/* ------------------------------------------------------------------ keyer */

typedef struct {
    uint32_t off, len; /* in keyer->tok */
} kr_span;

struct onoma__keyer {
    const onoma__keyrules *r;
    unsigned flags;
    uint32_t active; /* mask of files in use */
    const kr_step **steps, **fsteps; /* for the key, for the fine form */
    size_t nsteps, nfsteps;
    int initials_drop, select_first_last, min_ending_stem;
    kr_strmap cache;  /* token -> offset of its key record in the arena */
    kr_strmap fcache; /* token -> its fine form (match only) */
    kr_strmap common; /* keys of the 'common' words */
    onoma__key_translit_fn translit;
    void *translit_ctx;
    UTransliterator *any_latin, *latin_ascii;
    /* scratch */
    char *txt; /* the name as lowercase ASCII, separators as ' ' */
    size_t txtcap;
    char *tok; /* token text, joined tokens appended */
    size_t toklen, tokcap;
    kr_span *spans, *spans2;
    size_t nspans, spancap;
    char *rw[2]; /* rewrite buffers */
    size_t rwcap;
    uint16_t *u[2]; /* UTF-16 buffers for non-ASCII names (UChar) */
    size_t ucap;
    char *u8; /* hook output */
    size_t u8cap;
    kr_span *keys; /* key of each token, in keybuf */
    char *keybuf;
    size_t keylen, keycap, nkeys, keyscap;
    void *mscratch; /* match: Jaro flags, Levenshtein rows */
    size_t mscratchcap;
    struct onoma__kr_mwork *mwork; /* match: units, candidates */
};

void onoma__kr_mwork_free(struct onoma__kr_mwork *w);

/* tokens of a name after the token rules, in k->spans (text in k->tok);
 * for_match keeps the words a key leaves out because they often are (drop-lead,
 * patronymics). Returns the number of tokens or < 0. */
int onoma__kr_tokens(onoma__keyer *k, const char *name, size_t len, int for_match);
/* key of one token (through the cache); *out points into the cache arena,
 * valid until the next call that may add to the cache. 0 or < 0. */
int onoma__kr_token_key(onoma__keyer *k, const char *t, size_t n, const char **out,
                        size_t *outlen);
/* empty the token cache if it grew too big (only between names: keys
 * handed out point into it) */
void onoma__kr_cache_bound(onoma__keyer *k);
/* the same for the fine form: steps marked "fine" instead of "key" */
int onoma__kr_token_fine(onoma__keyer *k, const char *t, size_t n, const char **out,
                         size_t *outlen);
int onoma__kr_is_common(onoma__keyer *k, const char *key, size_t n);
/* Jaro-Winkler similarity of two byte strings (the match's); flags: la + lb
 * bytes of scratch */
double onoma__kr_jaro_winkler(const char *a, size_t la, const char *b, size_t lb, unsigned char *flags);
/* grow *buf to hold need bytes */
int onoma__kr_grow(void **buf, size_t *cap, size_t need, size_t size);

#endif
