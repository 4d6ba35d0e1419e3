/* Project configuration for check and lsp: `.onoma` files, found by walking
 * up from each file's folder like .editorconfig, merged from the farthest to
 * the nearest (a file with `root = true` stops the walk), then the command
 * line on top. The settings of a folder, the tables and the checkers they
 * need are opened once and cached.
 *
 * File format: UTF-8 lines `key = value`, `#` or `;` comments. Keys:
 *   root = true|false          stop looking further up
 *   style = NAME               house style
 *   tables = PATH, PATH        tables to add (relative to this file's folder)
 *   default-tables = true|false load the bundled tables
 *   include = GLOB, GLOB       files to check when recursing into folders
 *   exclude = GLOB, GLOB       files and folders to leave out
 *   ignore = SPELLING, ID      spellings or entity ids accepted as they are
 *   fuzzy = true|false         near misses count as findings
 *   near-miss = true|false     look for near misses at all
 *   near-places = true|false   near misses of every place
 *   markup = auto|text|markdown|html|rst|tex
 * Lists are comma-separated and add up across files (and repeated keys). */
#ifndef ONOMA_CHECK_CONFIG_H
#define ONOMA_CHECK_CONFIG_H

#include <stddef.h>

#include "onoma.h"

#define ONOMA__CONFIG_NAME ".onoma"

typedef struct onoma__strv {
    char **v;
    size_t n, cap;
} onoma__strv;

int onoma__strv_add(onoma__strv *s, const char *str, size_t n);
void onoma__strv_free(onoma__strv *s);

/* A glob with the folder it is relative to (patterns with a '/' match the
 * path from there; others match the file or folder name). */
typedef struct onoma__glob {
    char *pat;
    char *base; /* absolute, no trailing '/' ("" for the root) */
} onoma__glob;

typedef struct onoma__globs {
    onoma__glob *v;
    size_t n, cap;
} onoma__globs;

/* Settings: of one .onoma file, of a folder (merged), or of the command line. */
typedef struct onoma__settings {
    int root;           /* -1 = not set */
    char *style;        /* NULL = not set */
    onoma__strv tables; /* absolute or relative to the current folder */
    int default_tables; /* -1 = not set */
    onoma__globs include, exclude;
    int include_set;    /* command line: include replaces */
    onoma__strv ignore;
    int fuzzy, near, near_places, markup; /* -1 = not set (markup: ONOMA_MARKUP_* or -1 for auto) */
    unsigned nflags;    /* command line: ONOMA_EXACT | ONOMA_NO_GUARD | ONOMA_ANY_CASE */
    onoma__strv files;  /* the .onoma files merged, nearest last */
} onoma__settings;

void onoma__settings_init(onoma__settings *s);
void onoma__settings_free(onoma__settings *s);

/* Parse one .onoma file's text. path names it in errors; dir is the folder
 * relative table paths and globs are taken from (absolute). */
int onoma__config_parse(const char *path, const char *dir, const char *text, size_t len, onoma__settings *out,
                        onoma_diag_fn warn, void *ctx, onoma_error *err);

/* Does the path (absolute, lexically normalized) match a glob? is_dir: it
 * names a folder. */
int onoma__glob_match(const onoma__glob *g, const char *abs_path, int is_dir);
/* Excluded / included by the settings' globs. With no include glob, the
 * default text-like extensions are included. */
int onoma__settings_excluded(const onoma__settings *s, const char *abs_path, int is_dir);
int onoma__settings_included(const onoma__settings *s, const char *abs_path);

/* The absolute form of path (from the current folder), with "." and ".."
 * resolved lexically (symlinks are not followed). malloc'd. */
char *onoma__abs_path(const char *path);

typedef struct onoma__project onoma__project;

/* cli: the command line's settings (copied); use_config 0 = no .onoma files. */
int onoma__project_new(const onoma__settings *cli, int use_config, onoma_diag_fn warn, void *ctx,
                       onoma__project **out, onoma_error *err);
void onoma__project_free(onoma__project **p);
/* The settings for a file (by its absolute folder; cached). */
int onoma__project_settings(onoma__project *p, const char *file, const onoma__settings **out, onoma_error *err);
/* The checker for those settings (tables and checker cached by what they
 * depend on). */
int onoma__project_checker(onoma__project *p, const onoma__settings *s, onoma_checker **out, onoma_error *err);
/* Forget cached settings (a .onoma file changed); checkers stay. */
void onoma__project_forget(onoma__project *p);

#endif
