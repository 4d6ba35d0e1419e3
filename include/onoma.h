/*
 * onoma: multilingual name normalization and transliteration.
 *
 * The one public header. Everything public is prefixed onoma_ / ONOMA_.
 * Handles are opaque; functions that can fail return a negative ONOMA_E*
 * code (0 or a size on success) and fill a caller-owned onoma_error with
 * the details. The library never prints and never exits.
 */
#ifndef ONOMA_H
#define ONOMA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define ONOMA_EXTERN __declspec(dllexport)
#elif defined(__GNUC__)
#define ONOMA_EXTERN __attribute__((visibility("default")))
#else
#define ONOMA_EXTERN
#endif

/* ---------------------------------------------------------------- versions */

/* Version of the library, e.g. "0.1.0". */
ONOMA_EXTERN const char *onoma_version(void);
/* Version of the API (bumped on incompatible changes of this header). */
#define ONOMA_API_VERSION 2
ONOMA_EXTERN int onoma_api_version(void);
/* Version of the compiled table format this library reads and writes. */
ONOMA_EXTERN int onoma_table_format_version(void);
/* Unicode version of the character data in use (from ICU), e.g. "15.0". */
ONOMA_EXTERN const char *onoma_unicode_version(void);
/* Version of ICU the library runs with, e.g. "72.1". */
ONOMA_EXTERN const char *onoma_icu_version(void);

/* ------------------------------------------------------------------ errors */

/* X(NAME, message): one list, kept once. Codes are negative: ONOMA_E##NAME. */
#define ONOMA_ERRNO_MAP(X)                                                   \
    X(NOMEM, "out of memory")                                                \
    X(INVAL, "invalid argument")                                             \
    X(FLAGS, "unknown option flag")                                          \
    X(IO, "input/output error")                                              \
    X(NOENT, "no such file or directory")                                    \
    X(UTF8, "invalid UTF-8")                                                 \
    X(NUL, "NUL byte in text")                                               \
    X(TABLE, "malformed table")                                              \
    X(DUPLICATE, "duplicate entry")                                          \
    X(CONFLICT, "variant claimed by two entries")                            \
    X(FORMAT, "not a compiled onoma table")                                  \
    X(VERSION, "compiled table of another format or Unicode version")        \
    X(STYLE, "unknown style")                                                \
    X(SCHEME, "unknown transliteration scheme")                              \
    X(ENCODING, "unknown or unsupported encoding")                           \
    X(ICU, "error in ICU")                                                   \
    X(RANGE, "value out of range")                                           \
    X(ABORTED, "stopped by callback")

enum {
    ONOMA_OK = 0,
#define ONOMA__ERRNO_ENUM(name, msg) ONOMA__ERRNO_##name,
    ONOMA__ERRNO_FIRST_ = 0,
    ONOMA_ERRNO_MAP(ONOMA__ERRNO_ENUM)
#undef ONOMA__ERRNO_ENUM
    ONOMA__ERRNO_END_
};
#define ONOMA__ERRNO_CODE(name) (-(int)ONOMA__ERRNO_##name)
enum {
#define ONOMA__ERRNO_DEF(name, msg) ONOMA_E##name = ONOMA__ERRNO_CODE(name),
    ONOMA_ERRNO_MAP(ONOMA__ERRNO_DEF)
#undef ONOMA__ERRNO_DEF
    ONOMA__ERRNO_LAST_ = 0
};

/* The message of an error code ("unknown error" for codes not in the list). */
ONOMA_EXTERN const char *onoma_strerror(int code);
/* The symbolic name of an error code, e.g. "ONOMA_EUTF8". */
ONOMA_EXTERN const char *onoma_err_name(int code);

/* Details of a failure. file is empty, line/column/offset are 0 when not
 * known. line and column are 1-based; column counts characters; offset is a
 * 0-based byte offset in the file or input. */
typedef struct onoma_error {
    int code;
    char file[512];
    uint64_t line;
    uint64_t column;
    uint64_t offset;
    char message[512];
} onoma_error;

/* Memory the library allocates for the caller is freed with this. */
ONOMA_EXTERN void onoma_free(void *p);

/* ------------------------------------------------------------------ tables */

typedef struct onoma_tables onoma_tables;

/* Flags for onoma_tables_open. */
#define ONOMA_TABLES_DEFAULTS (1u << 0) /* load the bundled tables first */
#define ONOMA_TABLES_EXACT (1u << 1)    /* text tables: build only the exact index */
#define ONOMA_TABLES_ALL_FLAGS (ONOMA_TABLES_DEFAULTS | ONOMA_TABLES_EXACT)

/* Open a set of tables: the bundled ones (with ONOMA_TABLES_DEFAULTS), then
 * each path in order, text (.tsv) or compiled. A bare name that is not a
 * file ("villages") names an optional compiled table shipped beside the
 * bundle. Later tables take precedence where they claim the same spelling.
 * The result is immutable and may be shared by any number of threads. */
ONOMA_EXTERN int onoma_tables_open(const char *const *paths, size_t npaths, unsigned flags,
                                   onoma_tables **out, onoma_error *err);
ONOMA_EXTERN void onoma_tables_close(onoma_tables **t);

/* Where the bundled compiled table is looked for: writes the path into buf
 * and returns its length (snprintf style), or ONOMA_ENOENT when none exists. */
ONOMA_EXTERN int onoma_default_tables_path(char *buf, size_t cap);

/* Compile text tables into one binary table at out_path (written atomically:
 * a temporary file in the same folder, renamed). With out_path NULL, only
 * validate. diag (may be NULL) receives every problem found, like a
 * compiler's error list; err holds the first. */
typedef void (*onoma_diag_fn)(void *ctx, const onoma_error *e);
ONOMA_EXTERN int onoma_compile(const char *const *paths, size_t npaths, const char *out_path,
                               onoma_diag_fn diag, void *ctx, onoma_error *err);

/* onoma_compile with flags (0: as onoma_compile). ONOMA_COMPILE_NO_KEY_INDEX
 * leaves out the stored key index of the spellings (the table is about a
 * third smaller and compiles faster; normalize --fuzzy then builds the index
 * when it opens the table). Unknown bits: ONOMA_EINVAL. */
#define ONOMA_COMPILE_NO_KEY_INDEX (1u << 0)
ONOMA_EXTERN int onoma_compile_ex(const char *const *paths, size_t npaths, const char *out_path, unsigned flags,
                                  onoma_diag_fn diag, void *ctx, onoma_error *err);

/* Describing loaded tables (for `onoma tables`). */
typedef struct onoma_table_info {
    const char *path;    /* file the layer was loaded from */
    const char *name;    /* metadata name */
    const char *version; /* metadata version, "" if none */
    const char *license; /* metadata licence(s), "; " separated */
    const char *source;  /* metadata source(s), "; " separated */
    const char *kind;    /* "names", "pairs" or "style" */
    size_t entries;      /* records */
    size_t variants;     /* spellings (canonical and style forms included) */
    int compiled;        /* 1 if opened from a compiled file */
} onoma_table_info;
/* Number of source tables (a compiled bundle counts each of its sources). */
ONOMA_EXTERN size_t onoma_tables_count(const onoma_tables *t);
ONOMA_EXTERN int onoma_tables_info(const onoma_tables *t, size_t i, onoma_table_info *info);
/* Styles: index 0 is "default". Coverage = records with a form of their own in that style. */
ONOMA_EXTERN size_t onoma_styles_count(const onoma_tables *t);
ONOMA_EXTERN const char *onoma_style_name(const onoma_tables *t, size_t i);
ONOMA_EXTERN size_t onoma_style_coverage(const onoma_tables *t, size_t i);

/* --------------------------------------------------------------- lookup */

typedef struct onoma_entity {
    const char *id;        /* e.g. "Q1392218" or "Q1392218/surname" */
    const char *type;      /* person, place, org, name, other */
    const char *canonical; /* form in the requested style */
    const char *display;   /* canonical form of the parent entity (full name) */
    const char *table;     /* name of the table that holds it */
    int match;             /* ONOMA_MATCH_EXACT or ONOMA_MATCH_FOLDED */
    int guarded;           /* the spelling is a common word, guarded in text */
} onoma_entity;
#define ONOMA_MATCH_EXACT 1
#define ONOMA_MATCH_FOLDED 2

/* Look a whole name up. Calls fn once per matching entity; returns the
 * number of entities found (0 = none) or a negative error. Pointers in the
 * onoma_entity are valid during the call only. */
typedef int (*onoma_entity_fn)(void *ctx, const onoma_entity *e);
ONOMA_EXTERN int onoma_lookup(const onoma_tables *t, const char *style, const char *name,
                              size_t len, onoma_entity_fn fn, void *ctx, onoma_error *err);

/* ------------------------------------------------------------- normalize */

/* Flags for onoma_options.flags. */
#define ONOMA_EXACT (1u << 0)           /* byte-exact keys: no folding, no case mapping */
#define ONOMA_INVALID_KEEP (1u << 1)    /* pass invalid UTF-8 / NUL through */
#define ONOMA_INVALID_REPLACE (1u << 2) /* replace invalid UTF-8 / NUL with U+FFFD */
#define ONOMA_NO_GUARD (1u << 3)        /* rewrite guarded (common-word) spellings everywhere */
#define ONOMA_ANY_CASE (1u << 4)        /* let words written in lower case match capitalised names */
#define ONOMA_CROSS_SCRIPT (1u << 5)    /* rewrite a name written in another script (قاسم سلیمانی)
                                           to the canonical form; by default it is left as written */
#define ONOMA_FUZZY (1u << 6)           /* rewrite unseen spellings found through the name key (below) */
#define ONOMA_ALL_FLAGS                                                                                    \
    (ONOMA_EXACT | ONOMA_INVALID_KEEP | ONOMA_INVALID_REPLACE | ONOMA_NO_GUARD | ONOMA_ANY_CASE | ONOMA_CROSS_SCRIPT | \
     ONOMA_FUZZY)

typedef struct onoma_options {
    unsigned flags;    /* ONOMA_EXACT | ONOMA_INVALID_* ... */
    const char *style; /* NULL or "default" for the default style */
    unsigned jobs;     /* threads for onoma_normalize_fd; 0 or 1 = one */
    /* ONOMA_FUZZY: the key rules (NULL: the bundled ones); they must
     * outlive the normalizer. The key index of the tables' spellings is
     * built once per tables and rules, by the first normalizer that asks. */
    const struct onoma_keyrules *keyrules;
} onoma_options;

/* What normalize reports. */
#define ONOMA_EVENT_REWRITE 1   /* a spelling was rewritten */
#define ONOMA_EVENT_AMBIGUOUS 2 /* a spelling leads to several entities; left alone */

typedef struct onoma_candidate {
    const char *id;
    const char *canonical;
    const char *display;
} onoma_candidate;

typedef struct onoma_event {
    int kind;
    uint64_t offset;    /* byte offset of the span in the whole input */
    uint64_t length;    /* bytes of the span */
    uint64_t line;      /* 1-based */
    uint64_t column;    /* 1-based, in characters */
    const char *from;   /* the span as written (not NUL-terminated) */
    size_t from_len;
    const char *to;     /* the replacement (REWRITE only; not NUL-terminated) */
    size_t to_len;
    const char *id;        /* entity id (REWRITE) */
    const char *canonical; /* canonical form of the matched name, in the style */
    const char *display;   /* canonical form of the entity (parent's full name) */
    const char *type;
    size_t ncandidates;    /* AMBIGUOUS: the entities it could be */
    const onoma_candidate *candidates;
    /* REWRITE under ONOMA_FUZZY: 1 when the span is no listed spelling but
     * was found through its name key; score is then its onoma_match score
     * against the listed spelling it met */
    int fuzzy;
    double score;
} onoma_event;

/* Sink for output bytes; return 0 to go on, non-zero to stop (the library
 * then returns ONOMA_EABORTED, or the sink's value if it is negative). */
typedef int (*onoma_write_fn)(void *ctx, const char *data, size_t len);
/* Receiver of events; same return convention. Pointers are valid during the
 * call only. */
typedef int (*onoma_event_fn)(void *ctx, const onoma_event *ev);

typedef struct onoma_normalizer onoma_normalizer;

/* A normalizer holds per-thread state (scratch buffers); create one per
 * thread. The tables must outlive it. */
ONOMA_EXTERN int onoma_normalizer_new(const onoma_tables *t, const onoma_options *opt,
                                      onoma_normalizer **out, onoma_error *err);
ONOMA_EXTERN void onoma_normalizer_free(onoma_normalizer **nz);
/* Receive events (rewrites, ambiguities) for the following calls. */
ONOMA_EXTERN void onoma_normalizer_on_event(onoma_normalizer *nz, onoma_event_fn fn, void *ctx);
/* Set the name used in error messages (e.g. the input file name). */
ONOMA_EXTERN void onoma_normalizer_set_name(onoma_normalizer *nz, const char *name);

/* Streaming: feed any number of byte chunks (split anywhere, even inside a
 * character), then finish. Output goes to the sink as soon as it is known;
 * memory stays bounded whatever the line length. After finish the
 * normalizer is ready for a new input. */
ONOMA_EXTERN int onoma_normalizer_feed(onoma_normalizer *nz, const char *data, size_t len,
                                       onoma_write_fn sink, void *ctx, onoma_error *err);
ONOMA_EXTERN int onoma_normalizer_finish(onoma_normalizer *nz, onoma_write_fn sink, void *ctx,
                                         onoma_error *err);
/* A whole buffer: feed + finish. */
ONOMA_EXTERN int onoma_normalize_buffer(onoma_normalizer *nz, const char *in, size_t len,
                                        onoma_write_fn sink, void *ctx, onoma_error *err);
/* A whole file descriptor, read to its end; with opt->jobs > 1, split by
 * lines across threads sharing the tables, output in order. */
ONOMA_EXTERN int onoma_normalize_fd(onoma_normalizer *nz, int fd, onoma_write_fn sink, void *ctx,
                                    onoma_error *err);

/* Convenience: normalize a buffer into a new NUL-terminated string (free it
 * with onoma_free). */
ONOMA_EXTERN int onoma_normalize(const onoma_tables *t, const onoma_options *opt, const char *in,
                                 size_t len, char **out, size_t *out_len, onoma_error *err);

/* ------------------------------------------------------------ key / match */

/* Name keys (docs/keys.md): spellings of one name get one key, so that
 * unseen variants meet ("Qasim Suleimani", "Ghassem Solaimani" and
 * قاسم سلیمانی all give "ksm srmni"). Name match: a similarity of two names
 * in [0, 1] and a same/different decision. Both are made by rules read from
 * text files (share/onoma/keys; users may write their own) and never
 * consult the tables, so they work for names nobody listed. */

typedef struct onoma_keyrules onoma_keyrules; /* immutable: shared by any number of threads */
typedef struct onoma_keyer onoma_keyer;       /* per thread: token cache, scratch */

/* Where the bundled key rules are looked for (a directory): $ONOMA_KEY_RULES,
 * else share/onoma/keys beside the bundled tables, else the installed one.
 * Writes its path into buf and returns its length (snprintf style), or
 * ONOMA_ENOENT. */
ONOMA_EXTERN int onoma_default_keyrules_path(char *buf, size_t cap);
/* Load key rules: a directory (its *.txt files in name order) or one rule
 * file; NULL for the bundled ones. A malformed file gives ONOMA_ETABLE
 * with its name and line in err. */
ONOMA_EXTERN int onoma_keyrules_open(const char *path, onoma_keyrules **out, onoma_error *err);
ONOMA_EXTERN void onoma_keyrules_close(onoma_keyrules **r);
/* The language codes some rule file is for ("ar", "fa", "ru", ...): the
 * i-th, or NULL past the last. */
ONOMA_EXTERN const char *onoma_keyrules_lang(const onoma_keyrules *r, size_t i);

/* Flags for onoma_key_options.flags. */
#define ONOMA_KEY_ORDERED (1u << 0) /* keep the token order in the key (default: sorted) */
#define ONOMA_KEY_ALL_FLAGS (ONOMA_KEY_ORDERED)

typedef struct onoma_key_options {
    unsigned flags;   /* ONOMA_KEY_* */
    const char *lang; /* rules for this language only (a code of onoma_keyrules_lang);
                         NULL or "auto": all rule files meant for any language */
} onoma_key_options;

/* A keyer holds a per-token cache (a corpus costs one rewrite per distinct
 * word) and scratch; create one per thread. The rules must outlive it. An
 * unknown language is ONOMA_EINVAL. */
ONOMA_EXTERN int onoma_keyer_new(const onoma_keyrules *r, const onoma_key_options *opt, onoma_keyer **out,
                                 onoma_error *err);
ONOMA_EXTERN void onoma_keyer_free(onoma_keyer **k);

/* The key of one name (UTF-8). Writes at most cap bytes including a NUL;
 * returns the key's length (snprintf style: call again with more room if
 * it is >= cap) or a negative error (ONOMA_EUTF8, ONOMA_ENUL with the
 * byte offset in err). An empty name, or one with no letters, gives "". */
ONOMA_EXTERN int onoma_key(onoma_keyer *k, const char *name, size_t len, char *out, size_t cap, onoma_error *err);

/* Names scoring at least this are the same (calibrated on the dev data:
 * docs/keys.md). */
#define ONOMA_MATCH_THRESHOLD 0.86

/* Receives the lines of a match explanation: one per aligned token pair
 * ("sergey [srhi] ~ sergei [srhi] 1.000"), one per token left over
 * ("viktorovich [fktrfsh] unmatched (1st name)") and "score S" last. */
typedef void (*onoma_explain_fn)(void *ctx, const char *line);

/* Compare two names: *score (may be NULL) gets their similarity in [0, 1].
 * Returns 1 (same: score >= ONOMA_MATCH_THRESHOLD), 0 (different), or a
 * negative error. Token order does not matter; a dropped middle name,
 * patronymic or particle costs little. explain may be NULL. */
ONOMA_EXTERN int onoma_match(onoma_keyer *k, const char *a, size_t alen, const char *b, size_t blen, double *score,
                             onoma_explain_fn explain, void *ctx, onoma_error *err);

/* ----------------------------------------------------------------- cluster */

/* Finding the spelling variants of names in a corpus (like OpenRefine's
 * clustering, across scripts): name mentions (runs of capitalised words,
 * with particles such as al- or bin inside; short runs of an uncased
 * script next to them) are counted, grouped by key and, within a key, by
 * onoma_match. Memory grows with the distinct mentions, not the input. */

typedef struct onoma_cluster onoma_cluster;

typedef struct onoma_cluster_options {
    unsigned flags;     /* none yet: 0 */
    const char *lang;   /* as in onoma_key_options */
    uint64_t min_count; /* groups with fewer mentions in all are left out (0 = 1) */
} onoma_cluster_options;

typedef struct onoma_cluster_spelling {
    const char *text; /* the mention as written (possessive 's left out) */
    size_t len;
    uint64_t count;      /* mentions */
    const char *context; /* the line around its first mention (at most about
                            100 bytes, whitespace as single spaces) */
    size_t context_len;
    const char *file;    /* where that mention is (the name set with
                            onoma_cluster_set_name) */
    uint64_t line;
} onoma_cluster_spelling;

typedef struct onoma_cluster_group {
    const char *key;  /* the spellings' key */
    uint64_t count;   /* mentions of all its spellings */
    size_t nspellings; /* >= 2 */
    const onoma_cluster_spelling *spellings; /* most frequent first */
} onoma_cluster_group;

/* Receiver of groups; return 0 to go on (other values as onoma_write_fn).
 * Pointers are valid during the call only. */
typedef int (*onoma_cluster_fn)(void *ctx, const onoma_cluster_group *g);

ONOMA_EXTERN int onoma_cluster_new(const onoma_keyrules *r, const onoma_cluster_options *opt,
                                   onoma_cluster **out, onoma_error *err);
ONOMA_EXTERN void onoma_cluster_free(onoma_cluster **c);
/* Name of the input fed next (for contexts and error messages); starts a
 * new input (line numbers from 1). */
ONOMA_EXTERN void onoma_cluster_set_name(onoma_cluster *c, const char *name);
/* Feed text (split anywhere); invalid UTF-8 counts as a separator. */
ONOMA_EXTERN int onoma_cluster_feed(onoma_cluster *c, const char *data, size_t len, onoma_error *err);
/* The groups of everything fed so far, largest first (by mentions, then by
 * the first spelling); every group has two spellings or more. */
ONOMA_EXTERN int onoma_cluster_groups(onoma_cluster *c, onoma_cluster_fn fn, void *ctx, onoma_error *err);

/* ---------------------------------------------------------------- batches */

/* Many short texts in one call (a column of a data frame, a list of names),
 * without a call per text: in[0..len) holds the items separated by the byte
 * sep (0 to 127), which therefore cannot occur inside an item; NUL suits
 * text, where it is an error anyway. Each item is normalized on its own,
 * exactly as onoma_normalize_buffer would (no match and no guard looks
 * across items). The result is a new buffer (free it with onoma_free): the
 * normalized items in order, separated by sep, NUL-terminated; *out_len is
 * its length without the NUL. n separators in give n separators out.
 *
 * With changed not NULL, only the items that normalizing changed are
 * written (still separated by sep), and *changed receives a new array (free
 * it with onoma_free; NULL when none changed) of their 0-based numbers,
 * *nchanged its length: a caller that holds the texts already then only
 * replaces those (most texts of a column usually stay as they are).
 *
 * Events give offsets in `in` and lines and columns within the item; an
 * error gives the byte offset in `in` (err->offset) and the line and column
 * within the item, and its message names the item (1-based). */
ONOMA_EXTERN int onoma_normalize_many(onoma_normalizer *nz, const char *in, size_t len, int sep, char **out,
                                      size_t *out_len, size_t **changed, size_t *nchanged, onoma_error *err);

/* -------------------------------------------------------------- translit */

/* Transliteration into Latin script by published schemes (BGN/PCGN,
 * ALA-LC, ISO 9, ...), kept as ICU transform rule files (*.txt in
 * share/onoma/translit; users add their own). The text is cut into words at
 * ASCII white space; each word (with what the scheme needs to know of its
 * neighbours) is transliterated once and remembered, so running text costs
 * a hash lookup per word. Everything that is not of a transliterated script
 * is copied as it is: spacing, line ends, punctuation, Latin text. */

/* Flags for onoma_translit_options.flags. */
#define ONOMA_TRANSLIT_NAMES (1u << 0)   /* name-aware: known names in canonical form, names model, title case */
#define ONOMA_TRANSLIT_ASCII (1u << 1)   /* plain ASCII output (ā -> a, ʿ -> ', ş -> s) */
#define ONOMA_TRANSLIT_ANY (1u << 2)     /* other scripts through ICU Any-Latin (default: copied) */
#define ONOMA_TRANSLIT_INVALID_KEEP (1u << 3)    /* pass invalid UTF-8 / NUL through */
#define ONOMA_TRANSLIT_INVALID_REPLACE (1u << 4) /* replace invalid UTF-8 / NUL with U+FFFD */
#define ONOMA_TRANSLIT_NO_CACHE (1u << 5) /* run ICU on every line as a whole (slow; for checking) */
#define ONOMA_TRANSLIT_NO_DEFAULT_SCHEMES (1u << 6) /* do not load the bundled scheme files */
#define ONOMA_TRANSLIT_NO_LEXICON (1u << 7) /* no short vowels from the lexicon */
#define ONOMA_TRANSLIT_ALL_FLAGS                                                                             \
    (ONOMA_TRANSLIT_NAMES | ONOMA_TRANSLIT_ASCII | ONOMA_TRANSLIT_ANY | ONOMA_TRANSLIT_INVALID_KEEP |        \
     ONOMA_TRANSLIT_INVALID_REPLACE | ONOMA_TRANSLIT_NO_CACHE | ONOMA_TRANSLIT_NO_DEFAULT_SCHEMES |         \
     ONOMA_TRANSLIT_NO_LEXICON)

typedef struct onoma_translit_options {
    unsigned flags;
    /* Language of the text: a code such as "fa", "ru", "uk" (or "fas",
     * "rus"); NULL or "auto" to tell it per line and script from the
     * letters (Persian, Arabic, Urdu, Pashto; Russian, Ukrainian,
     * Belarusian, Bulgarian, Serbian, Macedonian). A language given here
     * decides for its script; other scripts are still told apart. */
    const char *lang;
    /* Scheme: a short name ("bgn", "alalc", "iso9": the one of the
     * language), a scheme id ("bgnpcgn-per-Arab-Latn-1958"), a file stem
     * ("fa-bgn"), or "icu:ID" for any ICU transform. NULL: each language's
     * default (its BGN/PCGN scheme). */
    const char *scheme;
    const char *const *scheme_files; /* extra scheme files, looked at first */
    size_t nscheme_files;
    const char *scheme_path; /* extra folders of scheme files, ':'-separated (NULL: none) */
    /* NAMES: the gazetteer whose native-script spellings are rewritten to
     * their canonical form (NULL: none), and the style of that form. */
    const onoma_tables *tables;
    const char *style;
    unsigned jobs;      /* threads for onoma_translit_fd; 0 or 1 = one */
    size_t cache_bytes; /* memory for remembered words per thread; 0 = default (64 MB) */
} onoma_translit_options;

typedef struct onoma_translit onoma_translit;

/* Set up a transliterator (per thread; the tables must outlive it). Fails
 * with ONOMA_ESCHEME for a scheme or language it has no scheme for, with
 * the rule file's line in err for a rule file ICU rejects. */
ONOMA_EXTERN int onoma_translit_new(const onoma_translit_options *opt, onoma_translit **out, onoma_error *err);
ONOMA_EXTERN void onoma_translit_free(onoma_translit **tr);
/* Name used in error messages (the input file). */
ONOMA_EXTERN void onoma_translit_set_name(onoma_translit *tr, const char *name);

/* Streaming, as for normalize: feed chunks split anywhere, then finish. */
ONOMA_EXTERN int onoma_translit_feed(onoma_translit *tr, const char *data, size_t len, onoma_write_fn sink,
                                     void *ctx, onoma_error *err);
ONOMA_EXTERN int onoma_translit_finish(onoma_translit *tr, onoma_write_fn sink, void *ctx, onoma_error *err);
ONOMA_EXTERN int onoma_translit_buffer(onoma_translit *tr, const char *in, size_t len, onoma_write_fn sink,
                                       void *ctx, onoma_error *err);
/* Reads by calling read_fn(ctx, buf, cap) until it returns 0 (end) or a
 * negative error; with opt->jobs > 1 lines are shared out to threads
 * (output in order). */
typedef long (*onoma_read_fn)(void *ctx, char *buf, size_t cap);
ONOMA_EXTERN int onoma_translit_read(onoma_translit *tr, onoma_read_fn read_fn, void *read_ctx,
                                     onoma_write_fn sink, void *ctx, onoma_error *err);
ONOMA_EXTERN int onoma_translit_fd(onoma_translit *tr, int fd, onoma_write_fn sink, void *ctx, onoma_error *err);
/* Convenience: a buffer into a new NUL-terminated string (onoma_free it). */
ONOMA_EXTERN int onoma_translit_string(const onoma_translit_options *opt, const char *in, size_t len, char **out,
                                size_t *out_len, onoma_error *err);

/* The schemes found (bundled, scheme_path, scheme_files of opt; opt may be
 * NULL): fn is called once per scheme in id order of discovery; returns
 * the number of schemes or a negative error. Pointers are valid during the
 * call only. */
typedef struct onoma_scheme_info {
    const char *id;         /* "bgnpcgn-per-Arab-Latn-1958" */
    const char *short_name; /* "bgn" */
    const char *langs;      /* "fa" (space-separated when several) */
    const char *name;       /* "BGN/PCGN romanization of Persian (1958)" */
    const char *source;     /* the standard's document ("; " separated) */
    const char *license;
    const char *notes;      /* "; " separated */
    const char *path;       /* the rule file */
} onoma_scheme_info;
typedef int (*onoma_scheme_fn)(void *ctx, const onoma_scheme_info *info);
ONOMA_EXTERN int onoma_translit_schemes(const onoma_translit_options *opt, onoma_scheme_fn fn, void *ctx,
                                        onoma_error *err);

/* What --lang auto decided for a piece of text (the language of the
 * letters of script of its first transliterable letter), e.g. "fa", "uk";
 * NULL when there is none. */
ONOMA_EXTERN const char *onoma_translit_detect(const char *text, size_t len);
/* ------------------------------------------------------------------- check */

/* Checking a text against a house style (`onoma check`, `onoma lsp`): the
 * rewrites the normalizer would make, reported as findings with positions,
 * plus near misses (capitalised words that match no spelling but look like a
 * known name) as suggestions. Markup-aware: code, URLs and tags are not
 * prose; comments can switch checking off (onoma-ignore, onoma-disable /
 * onoma-enable). */

/* Which parts of a text are prose. */
#define ONOMA_MARKUP_TEXT 0     /* plain text: URLs are skipped */
#define ONOMA_MARKUP_MARKDOWN 1 /* code blocks and spans, URLs, link targets, HTML */
#define ONOMA_MARKUP_HTML 2     /* tags and attributes, comments, script/style/pre/code, entities */
#define ONOMA_MARKUP_RST 3      /* literal blocks, inline literals, directives' options, URLs */
#define ONOMA_MARKUP_TEX 4      /* commands, comments, math, verbatim, \url */
#define ONOMA_MARKUP_COUNT 5

/* The markup for a file name by its extension (TEXT when unknown). */
ONOMA_EXTERN int onoma_markup_for_path(const char *path);
/* A markup by name ("text", "markdown", "html", "rst", "tex" and the usual
 * aliases: md, htm, restructuredtext, latex, plaintext ...), or -1. */
ONOMA_EXTERN int onoma_markup_from_name(const char *name);
ONOMA_EXTERN const char *onoma_markup_name(int markup);

/* Flags for onoma_check_options.check_flags. */
#define ONOMA_CHECK_NO_NEAR (1u << 0)    /* no near-miss suggestions */
#define ONOMA_CHECK_FUZZY (1u << 1)      /* near misses are warnings (still never fixed) */
#define ONOMA_CHECK_NEAR_PLACES (1u << 2) /* near misses of every place, not only prominent ones */
#define ONOMA_CHECK_ALL_FLAGS (ONOMA_CHECK_NO_NEAR | ONOMA_CHECK_FUZZY | ONOMA_CHECK_NEAR_PLACES)

typedef struct onoma_check_options {
    unsigned flags;       /* normalize flags: ONOMA_EXACT, ONOMA_NO_GUARD, ONOMA_ANY_CASE
                             (invalid input is an error: INVALID_* are refused) */
    unsigned check_flags; /* ONOMA_CHECK_* */
    const char *style;    /* NULL or "default" for the default style */
} onoma_check_options;

/* Kinds of finding. */
#define ONOMA_FINDING_REWRITE 1   /* a spelling the style writes otherwise (fixable) */
#define ONOMA_FINDING_AMBIGUOUS 2 /* a spelling of several entities (never fixed) */
#define ONOMA_FINDING_NEAR 3      /* a near miss: a suggestion (never fixed) */
/* Severities. */
#define ONOMA_SEVERITY_WARNING 1
#define ONOMA_SEVERITY_NOTE 2
/* How a near miss was found. */
#define ONOMA_NEAR_EDIT 1 /* within a small edit distance of a canonical form */
#define ONOMA_NEAR_KEY 2  /* same name key as a known spelling */

typedef struct onoma_finding {
    int kind;           /* ONOMA_FINDING_* */
    int severity;       /* ONOMA_SEVERITY_*: notes do not count as findings */
    int fixable;        /* 1 for REWRITE: onoma_check_apply replaces it */
    uint64_t offset;    /* byte offset of the span in the text */
    uint64_t length;    /* bytes of the span */
    uint64_t line;      /* 1-based */
    uint64_t column;    /* 1-based, in characters (code points) */
    uint64_t end_column; /* column just after the span (same line) */
    const char *from;   /* the span as written (points into the text) */
    size_t from_len;
    const char *to;     /* REWRITE: the replacement; NEAR: the suggestion; NULL for AMBIGUOUS */
    size_t to_len;
    const char *id;        /* entity id ("" for AMBIGUOUS) */
    const char *canonical; /* canonical form in the style ("" for AMBIGUOUS) */
    const char *display;   /* canonical form of the entity (its full name) */
    const char *type;      /* person, place, org, name, other ("" for AMBIGUOUS) */
    size_t ncandidates;    /* AMBIGUOUS: the entities it could be */
    const onoma_candidate *candidates;
    int near_via;          /* NEAR: ONOMA_NEAR_EDIT or ONOMA_NEAR_KEY */
    unsigned distance;     /* NEAR (EDIT): edit cost */
} onoma_finding;

typedef struct onoma_checker onoma_checker;

/* A checker holds per-thread state (a normalizer, scratch, the findings of
 * the last check) and the near-miss index of the tables (built on first
 * use). The tables must outlive it. */
ONOMA_EXTERN int onoma_checker_new(const onoma_tables *t, const onoma_check_options *opt,
                                   onoma_checker **out, onoma_error *err);
ONOMA_EXTERN void onoma_checker_free(onoma_checker **ck);
/* Spellings (compared without regard to ASCII case) or entity ids that are
 * accepted as they are: never reported. Copies the strings; replaces the
 * previous list. */
ONOMA_EXTERN int onoma_checker_set_ignore(onoma_checker *ck, const char *const *items, size_t n,
                                          onoma_error *err);

/* Check a whole text (name is used in error messages). On success returns
 * the number of findings of severity WARNING and sets *findings / *n to all
 * findings (notes included) in text order; they stay valid until the next
 * call on this checker or its free, and point into text (from). Invalid
 * UTF-8 or a NUL byte: ONOMA_EUTF8 / ONOMA_ENUL with line, column, offset. */
ONOMA_EXTERN int onoma_check(onoma_checker *ck, const char *name, const char *text, size_t len, int markup,
                             const onoma_finding **findings, size_t *n, onoma_error *err);

/* Write text to sink with the replacement of every fixable finding (sorted,
 * not overlapping, as onoma_check gives them); everything else is copied
 * byte for byte. Returns the number of replacements made, or an error. */
ONOMA_EXTERN int onoma_check_apply(const char *text, size_t len, const onoma_finding *findings, size_t n,
                                   onoma_write_fn sink, void *ctx, onoma_error *err);

#ifdef __cplusplus
}
#endif
#endif /* ONOMA_H */
