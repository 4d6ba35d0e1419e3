"""The C library, through cffi in ABI mode: no compiler is needed to install
the package, only libonoma itself.

The declarations below mirror include/onoma.h (structs must match it field
for field). cffi releases the GIL around every call into the library.
"""
from __future__ import annotations

import ctypes.util
import os

from cffi import FFI

CDEF = r"""
const char *onoma_version(void);
int onoma_api_version(void);
int onoma_table_format_version(void);
const char *onoma_unicode_version(void);
const char *onoma_icu_version(void);

const char *onoma_strerror(int code);
const char *onoma_err_name(int code);

typedef struct onoma_error {
    int code;
    char file[512];
    uint64_t line;
    uint64_t column;
    uint64_t offset;
    char message[512];
} onoma_error;

void onoma_free(void *p);

typedef struct onoma_tables onoma_tables;
int onoma_tables_open(const char *const *paths, size_t npaths, unsigned flags,
                      onoma_tables **out, onoma_error *err);
void onoma_tables_close(onoma_tables **t);
int onoma_default_tables_path(char *buf, size_t cap);

typedef void (*onoma_diag_fn)(void *ctx, const onoma_error *e);
int onoma_compile(const char *const *paths, size_t npaths, const char *out_path,
                  onoma_diag_fn diag, void *ctx, onoma_error *err);

typedef struct onoma_table_info {
    const char *path;
    const char *name;
    const char *version;
    const char *license;
    const char *source;
    const char *kind;
    size_t entries;
    size_t variants;
    int compiled;
} onoma_table_info;
size_t onoma_tables_count(const onoma_tables *t);
int onoma_tables_info(const onoma_tables *t, size_t i, onoma_table_info *info);
size_t onoma_styles_count(const onoma_tables *t);
const char *onoma_style_name(const onoma_tables *t, size_t i);
size_t onoma_style_coverage(const onoma_tables *t, size_t i);

typedef struct onoma_entity {
    const char *id;
    const char *type;
    const char *canonical;
    const char *display;
    const char *table;
    int match;
    int guarded;
} onoma_entity;
typedef int (*onoma_entity_fn)(void *ctx, const onoma_entity *e);
int onoma_lookup(const onoma_tables *t, const char *style, const char *name,
                 size_t len, onoma_entity_fn fn, void *ctx, onoma_error *err);

typedef struct onoma_keyrules onoma_keyrules;
typedef struct onoma_options {
    unsigned flags;
    const char *style;
    unsigned jobs;
    const onoma_keyrules *keyrules;
} onoma_options;

typedef struct onoma_candidate {
    const char *id;
    const char *canonical;
    const char *display;
} onoma_candidate;

typedef struct onoma_event {
    int kind;
    uint64_t offset;
    uint64_t length;
    uint64_t line;
    uint64_t column;
    const char *from;
    size_t from_len;
    const char *to;
    size_t to_len;
    const char *id;
    const char *canonical;
    const char *display;
    const char *type;
    size_t ncandidates;
    const onoma_candidate *candidates;
    int fuzzy;
    double score;
} onoma_event;

typedef int (*onoma_event_fn)(void *ctx, const onoma_event *ev);

typedef struct onoma_normalizer onoma_normalizer;
int onoma_normalizer_new(const onoma_tables *t, const onoma_options *opt,
                         onoma_normalizer **out, onoma_error *err);
void onoma_normalizer_free(onoma_normalizer **nz);
void onoma_normalizer_on_event(onoma_normalizer *nz, onoma_event_fn fn, void *ctx);
typedef int (*onoma_write_fn)(void *ctx, const char *data, size_t len);
int onoma_normalize_buffer(onoma_normalizer *nz, const char *in, size_t len,
                           onoma_write_fn sink, void *ctx, onoma_error *err);
int onoma_normalize(const onoma_tables *t, const onoma_options *opt, const char *in,
                    size_t len, char **out, size_t *out_len, onoma_error *err);
int onoma_normalize_many(onoma_normalizer *nz, const char *in, size_t len, int sep,
                         char **out, size_t *out_len, size_t **changed, size_t *nchanged,
                         onoma_error *err);

/* key / match */
int onoma_default_keyrules_path(char *buf, size_t cap);
int onoma_keyrules_open(const char *path, onoma_keyrules **out, onoma_error *err);
void onoma_keyrules_close(onoma_keyrules **r);
const char *onoma_keyrules_lang(const onoma_keyrules *r, size_t i);
typedef struct onoma_key_options {
    unsigned flags;
    const char *lang;
} onoma_key_options;
typedef struct onoma_keyer onoma_keyer;
int onoma_keyer_new(const onoma_keyrules *r, const onoma_key_options *opt, onoma_keyer **out,
                    onoma_error *err);
void onoma_keyer_free(onoma_keyer **k);
int onoma_key(onoma_keyer *k, const char *name, size_t len, char *out, size_t cap, onoma_error *err);
typedef void (*onoma_explain_fn)(void *ctx, const char *line);
int onoma_match(onoma_keyer *k, const char *a, size_t alen, const char *b, size_t blen, double *score,
                onoma_explain_fn explain, void *ctx, onoma_error *err);

/* cluster */
typedef struct onoma_cluster onoma_cluster;
typedef struct onoma_cluster_options {
    unsigned flags;
    const char *lang;
    uint64_t min_count;
} onoma_cluster_options;
typedef struct onoma_cluster_spelling {
    const char *text;
    size_t len;
    uint64_t count;
    const char *context;
    size_t context_len;
    const char *file;
    uint64_t line;
} onoma_cluster_spelling;
typedef struct onoma_cluster_group {
    const char *key;
    uint64_t count;
    size_t nspellings;
    const onoma_cluster_spelling *spellings;
} onoma_cluster_group;
typedef int (*onoma_cluster_fn)(void *ctx, const onoma_cluster_group *g);
int onoma_cluster_new(const onoma_keyrules *r, const onoma_cluster_options *opt,
                      onoma_cluster **out, onoma_error *err);
void onoma_cluster_free(onoma_cluster **c);
void onoma_cluster_set_name(onoma_cluster *c, const char *name);
int onoma_cluster_feed(onoma_cluster *c, const char *data, size_t len, onoma_error *err);
int onoma_cluster_groups(onoma_cluster *c, onoma_cluster_fn fn, void *ctx, onoma_error *err);

/* translit */
typedef struct onoma_translit_options {
    unsigned flags;
    const char *lang;
    const char *scheme;
    const char *const *scheme_files;
    size_t nscheme_files;
    const char *scheme_path;
    const onoma_tables *tables;
    const char *style;
    unsigned jobs;
    size_t cache_bytes;
} onoma_translit_options;
typedef struct onoma_translit onoma_translit;
int onoma_translit_new(const onoma_translit_options *opt, onoma_translit **out, onoma_error *err);
void onoma_translit_free(onoma_translit **tr);
void onoma_translit_set_name(onoma_translit *tr, const char *name);
int onoma_translit_buffer(onoma_translit *tr, const char *in, size_t len, onoma_write_fn sink,
                          void *ctx, onoma_error *err);
int onoma_translit_string(const onoma_translit_options *opt, const char *in, size_t len, char **out,
                          size_t *out_len, onoma_error *err);
typedef struct onoma_scheme_info {
    const char *id;
    const char *short_name;
    const char *langs;
    const char *name;
    const char *source;
    const char *license;
    const char *notes;
    const char *path;
} onoma_scheme_info;
typedef int (*onoma_scheme_fn)(void *ctx, const onoma_scheme_info *info);
int onoma_translit_schemes(const onoma_translit_options *opt, onoma_scheme_fn fn, void *ctx,
                           onoma_error *err);
const char *onoma_translit_detect(const char *text, size_t len);

/* check */
int onoma_markup_for_path(const char *path);
int onoma_markup_from_name(const char *name);
const char *onoma_markup_name(int markup);
typedef struct onoma_check_options {
    unsigned flags;
    unsigned check_flags;
    const char *style;
} onoma_check_options;
typedef struct onoma_finding {
    int kind;
    int severity;
    int fixable;
    uint64_t offset;
    uint64_t length;
    uint64_t line;
    uint64_t column;
    uint64_t end_column;
    const char *from;
    size_t from_len;
    const char *to;
    size_t to_len;
    const char *id;
    const char *canonical;
    const char *display;
    const char *type;
    size_t ncandidates;
    const onoma_candidate *candidates;
    int near_via;
    unsigned distance;
} onoma_finding;
typedef struct onoma_checker onoma_checker;
int onoma_checker_new(const onoma_tables *t, const onoma_check_options *opt,
                      onoma_checker **out, onoma_error *err);
void onoma_checker_free(onoma_checker **ck);
int onoma_checker_set_ignore(onoma_checker *ck, const char *const *items, size_t n, onoma_error *err);
int onoma_check(onoma_checker *ck, const char *name, const char *text, size_t len, int markup,
                const onoma_finding **findings, size_t *n, onoma_error *err);
int onoma_check_apply(const char *text, size_t len, const onoma_finding *findings, size_t n,
                      onoma_write_fn sink, void *ctx, onoma_error *err);
"""

API_VERSION = 2  # the ONOMA_API_VERSION these declarations follow

ffi = FFI()
ffi.cdef(CDEF)


def _candidates() -> list[str]:
    """Where libonoma is looked for, in order."""
    cands = []
    env = os.environ.get("ONOMA_LIBRARY")
    if env:
        return [env]  # asked for explicitly: nothing else
    try:  # written by `cmake --install` beside the package: the library it installed
        from . import _install  # type: ignore[attr-defined]

        cands.append(os.path.normpath(os.path.join(os.path.dirname(__file__), _install.LIBRARY)))
    except ImportError:
        pass
    cands.append("libonoma.so.0")  # the dynamic loader's path (ldconfig, LD_LIBRARY_PATH)
    found = ctypes.util.find_library("onoma")
    if found:
        cands.append(found)
    for prefix in ("/usr/local/lib", "/usr/local/lib64", "/usr/local/lib/x86_64-linux-gnu"):
        cands.append(os.path.join(prefix, "libonoma.so.0"))
    return cands


def _load():
    errors = []
    for c in _candidates():
        if os.sep in c and not os.path.exists(c):
            errors.append(f"{c}: no such file")
            continue
        try:
            lib = ffi.dlopen(c)
        except OSError as e:
            errors.append(f"{c}: {e}")
            continue
        if lib.onoma_api_version() != API_VERSION:
            errors.append(f"{c}: API version {lib.onoma_api_version()}, this package needs {API_VERSION}")
            continue
        return lib, c
    raise ImportError(
        "onoma: cannot load libonoma (install the C library with `cmake --install`, "
        "or set ONOMA_LIBRARY to the path of libonoma.so):\n  " + "\n  ".join(errors)
    )


lib, LIBRARY_PATH = _load()
