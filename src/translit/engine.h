/* The transliterator's state, shared by translit.c (set-up, streaming,
 * threads) and line.c (one line: words, neighbours, cache). */
#ifndef ONOMA_TRANSLIT_ENGINE_H
#define ONOMA_TRANSLIT_ENGINE_H

#include <pthread.h>
#include <stdint.h>
#include <unicode/utrans.h>

#include "onoma.h"
#include "common/buf.h"
#include "translit/cache.h"
#include "translit/detect.h"
#include "translit/icu.h"
#include "translit/lexicon.h"
#include "translit/scheme.h"

/* How a transform may be run on words instead of whole lines:
 * TOKEN    no rule looks across white space: each word alone;
 * FEATURE  rules look across spaces only at what the neighbours' edges
 *          are (the bundled Arabic-script schemes, see line.c): each word
 *          with stand-ins for its neighbours;
 * CHAIN    anything else: each run of words joined by spaces as a whole. */
enum { ONOMA__MODE_TOKEN, ONOMA__MODE_FEATURE, ONOMA__MODE_CHAIN };

/* Neighbour classes (FEATURE): what the rules can see of a neighbour. */
enum { ONOMA__NB_NONE, ONOMA__NB_ARAB, ONOMA__NB_LET, ONOMA__NB_OTH, ONOMA__NB_ID, ONOMA__NB_HARD };

enum { ONOMA__RT_SCHEME, ONOMA__RT_ICU, ONOMA__RT_NAMES };

typedef struct onoma__rt {
    int kind;
    long scheme;     /* index in sh->schemes (RT_SCHEME) */
    char *icu_id;    /* RT_ICU */
    int lang;        /* ONOMA__L_* for RT_NAMES */
    int script;      /* ONOMA__SCRIPT_* it reads; OTHER = every non-ASCII word */
    int lex_lang;    /* ONOMA__L_* whose word lexicon applies (scheme's language), -1 none */
    int mode;
    int ready;       /* compiled and probed (under sh->mu) */
    int failed;      /* compiling failed: err holds why */
    onoma_error err;
    UTransliterator *proto; /* for probing; threads open their own (see rt_open) */
    char *rules;     /* rule text (RT_SCHEME, the ASCII pass) */
    size_t rules_len;
    int ascii_punct; /* changes some ASCII punctuation (Greek ; for ?) */
    /* FEATURE: outputs of the stand-in neighbours */
    char dl[4][48];  /* left stand-ins alone, by class */
    char dr[4][48];  /* right stand-ins after a word, by class */
} onoma__rt;

typedef struct onoma__tshared {
    onoma__schemes schemes;
    unsigned flags;
    pthread_mutex_t mu;
    onoma__rt *rt;
    size_t nrt;
    long script_rt[ONOMA__SCRIPT_COUNT]; /* forced transform per script, -1: by language */
    int script_lang[ONOMA__SCRIPT_COUNT]; /* forced language (ONOMA__L_*) per script, -1: told */
    long lang_rt[ONOMA__L_COUNT];        /* transform per detected language, -1: none */
    long all_rt;      /* icu:ID or a scheme of no known script: every non-ASCII word */
    long any_rt;      /* Any-Latin for other scripts (ANY, ASCII) */
    long ascii_rt;    /* the ASCII pass (ASCII) */
    long fix_rt;      /* Any-Latin for letters a scheme left in its script (none should) */
    long names_rt[ONOMA__L_COUNT]; /* names model per language (NAMES), -1: none */
    void *names_model[ONOMA__L_COUNT];
    onoma__lexicon *lexicon; /* short vowels of Arabic-script name tokens (NULL: none) */
    onoma__lexicon *words[ONOMA__L_COUNT]; /* frequent words of a language (NULL: none) */
    const onoma_tables *tables;
    char *style;
    unsigned jobs;
    size_t cache_bytes;
} onoma__tshared;

struct onoma_translit {
    onoma__tshared *sh;
    int owns_sh;
    UTransliterator **tr; /* per-thread copies, by rt index */
    onoma__tcache cache;
    onoma__ubuf ub;
    onoma__buf in, line, rep, out, key, tmp, tmp2, syn, lexw, lexid, lexl;
    char *name;
    uint64_t base, lineno; /* offset of in.data[0], line number there */
    onoma_normalizer *nz;  /* NAMES: the gazetteer matcher */
    onoma__buf spans;      /* NAMES: rewrites found on the line */
    /* tokens of the current line */
    struct onoma__tok *toks;
    size_t ntoks, captoks;
};

typedef struct onoma__tok {
    uint32_t s, e;   /* byte range in the line */
    int16_t script;  /* first script block met, OTHER if none */
    uint8_t ascii;   /* only ASCII bytes */
    uint8_t mixed;   /* letters of two scripts */
    uint8_t chain;   /* to be done with its neighbours as a whole */
    uint8_t format;  /* holds a format control (bidi marks, ZWNJ ...) */
    long rt;         /* transform, -1 none */
    size_t out_at;   /* output length before this word */
} onoma__tok;

/* A hash of the schemes tr loaded (file names and contents); 0 when one
 * cannot be read. */
uint64_t onoma__translit_digest(const onoma_translit *tr);

/* Compile rt (once, thread-safe) and give this thread its copy. */
int onoma__rt_get(onoma_translit *tr, long idx, UTransliterator **out, onoma_error *err);

/* Transliterate one line s[0..n) (no '\n'), appending to tr->out. A byte
 * that is not UTF-8 (or a NUL) without KEEP: returns ONOMA_EUTF8 (or
 * ONOMA_ENUL) with its offset in *bad and err untouched, output unchanged. */
int onoma__translit_line(onoma_translit *tr, const char *s, size_t n, size_t *bad, onoma_error *err);

/* The neighbours' stand-ins by class (ONOMA__NB_ARAB, _LET, _OTH). */
extern const char *const onoma__nb_standin[4];

/* Character classes the word path needs (once). */
void onoma__line_init(void);

/* Names model hook (names_model.c, when built in). */
int onoma__names_hook_open(onoma__tshared *sh, onoma_error *err);
void onoma__names_hook_close(onoma__tshared *sh);
int onoma__names_hook_run(const onoma__tshared *sh, int lang, const char *tok, size_t n, onoma__buf *out);

#endif
