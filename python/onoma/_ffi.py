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

typedef struct onoma_options {
    unsigned flags;
    const char *style;
    unsigned jobs;
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
"""

API_VERSION = 1  # the ONOMA_API_VERSION these declarations follow

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
