/* Transliteration scheme files: finding them, reading their headers,
 * resolving a name (--scheme) to one of them.
 *
 * A scheme file is ICU transform rule text whose leading comment lines
 * carry `# key: value` metadata (id, short, lang, name, source, license,
 * note); the whole file, comments included, is the rule text given to
 * utrans_openU. Files are looked for in order: the files given one by one
 * (--scheme-file), the folders of a colon-separated path
 * (ONOMA_TRANSLIT_PATH), the bundled folder (share/onoma/translit). The
 * first file with a given id wins, so a user's file overrides a bundled
 * one of the same id. */
#ifndef ONOMA_TRANSLIT_SCHEME_H
#define ONOMA_TRANSLIT_SCHEME_H

#include <stddef.h>

#include "onoma.h"

/* Scripts a scheme reads (from the `-Xxxx-Latn` part of its id). */
enum {
    ONOMA__SCRIPT_OTHER = 0,
    ONOMA__SCRIPT_ARAB,
    ONOMA__SCRIPT_CYRL,
    ONOMA__SCRIPT_GREK,
    ONOMA__SCRIPT_HEBR,
    ONOMA__SCRIPT_COUNT
};

typedef struct onoma__scheme {
    char *path;
    char *stem;    /* file name without folder and .txt: "fa-bgn" */
    char *id;      /* "bgnpcgn-per-Arab-Latn-1958" */
    char *short_name; /* "bgn" ("" if none) */
    char *langs;   /* space-separated language codes ("" if none) */
    char *name, *source, *license, *notes; /* "; " joined when repeated */
    int script;    /* ONOMA__SCRIPT_* */
} onoma__scheme;

typedef struct onoma__schemes {
    onoma__scheme *v;
    size_t n, cap;
} onoma__schemes;

/* Where the bundled schemes are: writes the folder into buf (snprintf
 * style) or returns ONOMA_ENOENT. */
int onoma__translit_default_dir(char *buf, size_t cap);

/* Read the headers of the files (each given file, then each *.txt of the
 * colon-separated folders in path (may be NULL), then, with bundled, the
 * bundled folder). A given file that cannot be read or has no id is an
 * error; folders that do not exist are skipped. */
int onoma__schemes_load(onoma__schemes *s, const char *const *files, size_t nfiles, const char *path,
                        int bundled, onoma_error *err);
void onoma__schemes_free(onoma__schemes *s);

/* The whole file (the rule text), NUL-terminated; free() it. */
int onoma__scheme_read_rules(const onoma__scheme *sc, char **text, size_t *len, onoma_error *err);

/* Canonical two-letter (or three-letter where none exists) language code
 * for a code such as "fas", "per", "rus", "ara"; the input itself if it is
 * not known. Never NULL. */
const char *onoma__lang_canonical(const char *lang);
/* The script a language is written in (for the languages of the bundled
 * schemes), ONOMA__SCRIPT_OTHER if unknown. */
int onoma__lang_script(const char *lang);
/* 1 for a language written in Latin script (nothing to transliterate). */
int onoma__lang_latin(const char *lang);
/* 1 if the space-separated list holds lang. */
int onoma__lang_in(const char *list, const char *lang);

/* Scheme for name and language: name is an id, a file stem ("fa-bgn"), or
 * a short name ("bgn") together with lang; with name NULL, the language's
 * default (its "bgn" scheme, else the first listing it). Returns the index
 * or -1. */
long onoma__schemes_find(const onoma__schemes *s, const char *name, const char *lang);
/* 1 if name is some scheme's short name. */
int onoma__schemes_is_short(const onoma__schemes *s, const char *name);

#endif
