/* onoma_translit: set-up (schemes, languages), compiling the transforms
 * once and copying them per thread, streaming by lines, --jobs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "io/pipeline.h"
#include "text/chars.h"
#include "text/utf8.h"
#include "translit/engine.h"
#include "common/hash.h"

#define DEFAULT_CACHE (64u << 20)
#define MAX_LINE (1u << 20)   /* a longer line is cut at white space */
#define FLUSH_AT (1u << 16)

/* The ASCII pass: apostrophe and quote letters first (Latin-ASCII leaves
 * ʿ ʾ alone), then ICU's Latin-ASCII, then marks dropped; what is still
 * not ASCII (symbols without an ASCII form) is dropped rather than written
 * as '?'. */
static const char ascii_rules[] =
    "::NFC ;\n"
    "[\\u02BF\\u02BE\\u02BB\\u02BC\\u02BD\\u2018\\u2019\\u02B9\\u2032\\u00B4\\u02C8] > \\' ;\n"
    "[\\u201C\\u201D\\u02BA\\u2033\\u201E\\u00AB\\u00BB] > '\"' ;\n"
    "\\u00B7 > ;\n"
    "::Any-Latin ;\n"
    "::Latin-ASCII ;\n"
    "::NFD ;\n"
    "::[:M:] Remove ;\n"
    "::NFC ;\n"
    "[^\\u0000-\\u007F] > ;\n";

/* -------------------------------------------------- how rules cross spaces */

/* The rule text without comments (a '#' outside quotes to the line end). */
static char *strip_comments(const char *s, size_t n)
{
    char *o = malloc(n + 1), *p = o;
    if (!o)
        return NULL;
    int q = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\\' && i + 1 < n && !q) {
            *p++ = c;
            *p++ = s[++i];
            continue;
        }
        if (c == '\'')
            q = !q;
        if (c == '\n')
            q = 0;
        if (c == '#' && !q) {
            while (i < n && s[i] != '\n')
                i++;
            *p++ = '\n';
            continue;
        }
        *p++ = c;
    }
    *p = 0;
    return o;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0, len = strlen(needle);
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += len)
        n++;
    return n;
}

/* TOKEN when no rule mentions a space; FEATURE for Arabic-script rule
 * files whose every space-crossing rule is one of the kinds line.c knows
 * (the ones tools/translit/gen_arab.py writes); CHAIN otherwise. */
static int scheme_mode(const char *rules, size_t n, int script)
{
    char *s = strip_comments(rules, n);
    if (!s)
        return ONOMA__MODE_CHAIN;
    static const char *const opaque[] = {"[:Z", "\\p{Z", "\\p{z", "WSpace", "White_Space", "hite_space",
                                         "[:Whitespace", "\\s", "\\ ", "\\x{20}", "\\x20", "\\U00000020",
                                         "[:^", "\\P{"};
    int mode = ONOMA__MODE_TOKEN;
    for (size_t i = 0; i < sizeof opaque / sizeof *opaque; i++)
        if (strstr(s, opaque[i]))
            mode = ONOMA__MODE_CHAIN;
    size_t spaces = count(s, "' '") + count(s, "\\u0020");
    if (mode == ONOMA__MODE_TOKEN && spaces) {
        static const char *const known[] = {
            "' '+ $MK \xE2\x86\x92 $CT",     /* ة before a word: construct state */
            "' '+ $P { } \xD8\xA7",          /* pointed article word after a word */
            "' '+ $MK { } \xD8\xA7",         /* article after a particle */
            "[\\u0020 $ZW] $MK \xD8\xA2",    /* آباد joined to the word before */
            "$KA } ' '+ $MK",                /* ezāfe */
            "$PREV ' '+ {",                  /* article and particles after a word */
        };
        size_t k = 0;
        for (size_t i = 0; i < sizeof known / sizeof *known; i++)
            k += count(s, known[i]);
        mode = script == ONOMA__SCRIPT_ARAB && k == spaces ? ONOMA__MODE_FEATURE : ONOMA__MODE_CHAIN;
    }
    free(s);
    return mode;
}

/* ------------------------------------------------------------ transforms */

static int run_str(onoma_translit *tr, UTransliterator *t, const char *s, onoma__buf *out)
{
    out->len = 0;
    int rc = onoma__icu_run(t, &tr->ub, s, strlen(s), out);
    if (!rc)
        rc = onoma__buf_putc(out, 0);
    if (!rc)
        out->len--;
    return rc;
}

static int probe_into(onoma_translit *tr, onoma__rt *R, onoma__buf *b, onoma_error *err);

/* Whether ASCII punctuation is changed; the stand-ins' output (FEATURE). */
static int probe(onoma_translit *tr, onoma__rt *R, onoma_error *err)
{
    onoma__buf own = {0}, *b = &own; /* not a buffer of tr: a caller may be using those */
    int rc = probe_into(tr, R, b, err);
    onoma__buf_free(&own);
    return rc;
}

static int probe_into(onoma_translit *tr, onoma__rt *R, onoma__buf *b, onoma_error *err)
{
    static const char punct[] = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    if (run_str(tr, R->proto, punct, b))
        return onoma__error(err, ONOMA_EICU, NULL, 0, 0, "transliteration failed");
    R->ascii_punct = strcmp(b->data, punct) != 0;
    if (R->mode != ONOMA__MODE_FEATURE)
        return 0;
    for (int k = ONOMA__NB_ARAB; k <= ONOMA__NB_OTH; k++) {
        if (run_str(tr, R->proto, onoma__nb_standin[k], b) || b->len >= sizeof R->dl[k])
            goto chain;
        memcpy(R->dl[k], b->data, b->len + 1);
        char two[64];
        snprintf(two, sizeof two, "x %s", onoma__nb_standin[k]);
        if (run_str(tr, R->proto, two, b) || b->len < 2 || memcmp(b->data, "x ", 2) != 0 ||
            b->len - 2 >= sizeof R->dr[k])
            goto chain;
        memcpy(R->dr[k], b->data + 2, b->len - 1);
    }
    return 0;
chain:
    R->mode = ONOMA__MODE_CHAIN; /* stand-ins that are not left alone: no word-by-word */
    return 0;
}

static int compile(onoma_translit *tr, onoma__rt *R, onoma_error *err)
{
    onoma__tshared *sh = tr->sh;
    int rc = 0;
    if (R->kind == ONOMA__RT_SCHEME) {
        const onoma__scheme *sc = &sh->schemes.v[R->scheme];
        char *text;
        size_t len;
        if ((rc = onoma__scheme_read_rules(sc, &text, &len, err)))
            return rc;
        rc = onoma__icu_from_rules(sc->id, text, len, sc->path, &R->proto, err);
        if (!rc)
            R->mode = scheme_mode(text, len, R->script);
        R->rules = text;
        R->rules_len = len;
    } else if (R->kind == ONOMA__RT_ICU) {
        if (strcmp(R->icu_id, "onoma-ascii") == 0) {
            rc = onoma__icu_from_rules("onoma-ascii", ascii_rules, sizeof ascii_rules - 1, "(ASCII rules)",
                                       &R->proto, err);
            R->rules = strdup(ascii_rules);
            R->rules_len = sizeof ascii_rules - 1;
            if (!rc && !R->rules)
                rc = onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
        } else
            rc = onoma__icu_from_id(R->icu_id, &R->proto, err);
        R->mode = ONOMA__MODE_TOKEN;
    } else {
        R->mode = ONOMA__MODE_TOKEN; /* names model: words */
        return 0;
    }
    if (!rc)
        rc = probe(tr, R, err);
    return rc;
}

/* A scheme leaves the letters of the other transliterated scripts to
 * their own schemes (some schemes end with a fallback for every script):
 * so that a line through several schemes in turn is the same as each word
 * through its own. */
static const char *other_scripts(int script)
{
    switch (script) {
    case ONOMA__SCRIPT_ARAB: return "[^[:Cyrillic:][:Greek:][:Hebrew:]]";
    case ONOMA__SCRIPT_CYRL: return "[^[:Arabic:][:Greek:][:Hebrew:]]";
    case ONOMA__SCRIPT_GREK: return "[^[:Arabic:][:Cyrillic:][:Hebrew:]]";
    default: return "[^[:Arabic:][:Cyrillic:][:Greek:]]";
    }
}

int onoma__rt_get(onoma_translit *tr, long idx, UTransliterator **out, onoma_error *err)
{
    onoma__tshared *sh = tr->sh;
    onoma__rt *R = &sh->rt[idx];
    if (tr->tr[idx]) {
        *out = tr->tr[idx];
        return 0;
    }
    int rc = 0;
    pthread_mutex_lock(&sh->mu);
    if (!R->ready && !R->failed) {
        rc = compile(tr, R, &R->err);
        if (rc) {
            R->failed = 1;
            R->err.code = rc;
        }
        R->ready = !rc;
    }
    if (R->failed) {
        rc = R->err.code ? R->err.code : ONOMA_EICU;
        if (err)
            *err = R->err;
    }
    pthread_mutex_unlock(&sh->mu);
    if (rc)
        return rc;
    if (R->kind == ONOMA__RT_NAMES) {
        *out = NULL;
        return 0;
    }
    /* not utrans_clone: ICU 72's copies of these rule-based compound
     * transliterators keep state from one call to the next (wrong output
     * after some inputs), so each thread compiles its own */
    if (R->rules)
        rc = onoma__icu_from_rules(R->kind == ONOMA__RT_SCHEME ? sh->schemes.v[R->scheme].id : R->icu_id, R->rules,
                                   R->rules_len, R->kind == ONOMA__RT_SCHEME ? sh->schemes.v[R->scheme].path : NULL,
                                   &tr->tr[idx], err);
    else
        rc = onoma__icu_from_id(R->icu_id, &tr->tr[idx], err);
    if (!rc && R->kind == ONOMA__RT_SCHEME && R->script != ONOMA__SCRIPT_OTHER)
        rc = onoma__icu_set_filter(tr->tr[idx], other_scripts(R->script), err);
    if (rc)
        return rc;
    *out = tr->tr[idx];
    return 0;
}

/* ----------------------------------------------------------------- set-up */

static long add_rt(onoma__tshared *sh, int kind, long scheme, const char *icu_id, int script)
{
    onoma__rt *R = &sh->rt[sh->nrt];
    memset(R, 0, sizeof *R);
    R->kind = kind;
    R->scheme = scheme;
    R->script = script;
    R->lang = -1;
    R->lex_lang = -1;
    if (icu_id && !(R->icu_id = strdup(icu_id)))
        return -1;
    return (long)sh->nrt++;
}

static int lang_index(const char *code);

static long rt_of_scheme(onoma__tshared *sh, long scheme)
{
    for (size_t i = 0; i < sh->nrt; i++)
        if (sh->rt[i].kind == ONOMA__RT_SCHEME && sh->rt[i].scheme == scheme)
            return (long)i;
    long r = add_rt(sh, ONOMA__RT_SCHEME, scheme, NULL, sh->schemes.v[scheme].script);
    if (r >= 0) {
        /* the word lexicon of the scheme's (first) language; Dari reads Persian's */
        char first[16] = "";
        sscanf(sh->schemes.v[scheme].langs, "%15s", first);
        sh->rt[r].lex_lang = strcmp(first, "prs") == 0 ? ONOMA__L_FA : lang_index(first);
    }
    return r;
}

static int lang_index(const char *code)
{
    for (int i = 0; i < ONOMA__L_COUNT; i++)
        if (strcmp(onoma__lang_codes[i], code) == 0)
            return i;
    return -1;
}

/* The lexicon: lexicon/ar.tsv of the first scheme folder that has one (the
 * folders of scheme_path, then the bundled one). */
static int lexicon_open(onoma__tshared *sh, const onoma_translit_options *opt, onoma_error *err)
{
    char dirs[4096] = "";
    if (opt->scheme_path)
        snprintf(dirs, sizeof dirs, "%s", opt->scheme_path);
    if (!(opt->flags & ONOMA_TRANSLIT_NO_DEFAULT_SCHEMES)) {
        char d[2048];
        int n = onoma__translit_default_dir(d, sizeof d);
        if (n > 0 && (size_t)n < sizeof d) {
            size_t l = strlen(dirs);
            snprintf(dirs + l, sizeof dirs - l, "%s%s", l ? ":" : "", d);
        }
    }
    /* each file from the first folder that has it */
    static const int word_langs[] = {ONOMA__L_AR, ONOMA__L_FA};
    for (int f = -1; f < 2; f++) {
        onoma__lexicon **slot = f < 0 ? &sh->lexicon : &sh->words[word_langs[f]];
        char copy[4096];
        snprintf(copy, sizeof copy, "%s", dirs);
        for (char *save = NULL, *tok = strtok_r(copy, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
            char path[4200];
            if (f < 0)
                snprintf(path, sizeof path, "%s/lexicon/ar.tsv", tok);
            else
                snprintf(path, sizeof path, "%s/lexicon/words-%s.tsv", tok, onoma__lang_codes[word_langs[f]]);
            int rc = onoma__lexicon_open(path, slot, err);
            if (rc == 0)
                break;
            if (rc != ONOMA_ENOENT)
                return rc;
        }
    }
    return 0;
}

static void shared_free(onoma__tshared *sh)
{
    if (!sh)
        return;
    onoma__names_hook_close(sh);
    onoma__lexicon_close(&sh->lexicon);
    for (int i = 0; i < ONOMA__L_COUNT; i++)
        onoma__lexicon_close(&sh->words[i]);
    for (size_t i = 0; i < sh->nrt; i++) {
        if (sh->rt[i].proto)
            utrans_close(sh->rt[i].proto);
        free(sh->rt[i].icu_id);
        free(sh->rt[i].rules);
    }
    free(sh->rt);
    free(sh->style);
    onoma__schemes_free(&sh->schemes);
    pthread_mutex_destroy(&sh->mu);
    free(sh);
}

static int shared_new(const onoma_translit_options *opt, onoma__tshared **out, onoma_error *err)
{
    *out = NULL;
    if (opt->flags & ~(unsigned)ONOMA_TRANSLIT_ALL_FLAGS)
        return onoma__error(err, ONOMA_EFLAGS, NULL, 0, 0, NULL);
    if ((opt->flags & ONOMA_TRANSLIT_INVALID_KEEP) && (opt->flags & ONOMA_TRANSLIT_INVALID_REPLACE))
        return onoma__error(err, ONOMA_EINVAL, NULL, 0, 0, "INVALID_KEEP and INVALID_REPLACE exclude each other");
    if (onoma__chars_init())
        return onoma__error(err, ONOMA_EICU, NULL, 0, 0, "cannot load ICU character data");
    onoma__line_init();
    onoma__tshared *sh = calloc(1, sizeof *sh);
    if (!sh)
        return onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    pthread_mutex_init(&sh->mu, NULL);
    sh->flags = opt->flags;
    sh->tables = opt->tables;
    sh->jobs = opt->jobs ? opt->jobs : 1;
    sh->cache_bytes = opt->cache_bytes ? opt->cache_bytes : DEFAULT_CACHE;
    sh->all_rt = sh->any_rt = sh->ascii_rt = sh->fix_rt = -1;
    for (int i = 0; i < ONOMA__SCRIPT_COUNT; i++) {
        sh->script_rt[i] = -1;
        sh->script_lang[i] = -1;
    }
    for (int i = 0; i < ONOMA__L_COUNT; i++)
        sh->lang_rt[i] = sh->names_rt[i] = -1;
    int rc = onoma__schemes_load(&sh->schemes, opt->scheme_files, opt->nscheme_files, opt->scheme_path,
                                 !(opt->flags & ONOMA_TRANSLIT_NO_DEFAULT_SCHEMES), err);
    if (rc) {
        shared_free(sh);
        return rc;
    }
    sh->rt = calloc(sh->schemes.n + 5 + ONOMA__L_COUNT, sizeof *sh->rt);
    if (!sh->rt || (opt->style && !(sh->style = strdup(opt->style)))) {
        shared_free(sh);
        return onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    }
    const char *scheme = opt->scheme && *opt->scheme ? opt->scheme : NULL;
    const char *lang = opt->lang && *opt->lang && strcmp(opt->lang, "auto") != 0 ? onoma__lang_canonical(opt->lang)
                                                                                   : NULL;
    const char *short_name = NULL; /* per language */
    rc = 0;
    if (scheme && strncmp(scheme, "icu:", 4) == 0) {
        if (!scheme[4])
            rc = onoma__error(err, ONOMA_ESCHEME, NULL, 0, 0, "icu: needs an ICU transform id (icu:Any-Latin)");
        else
            sh->all_rt = add_rt(sh, ONOMA__RT_ICU, -1, scheme + 4, ONOMA__SCRIPT_OTHER);
    } else if (scheme) {
        long idx = onoma__schemes_find(&sh->schemes, scheme, NULL);
        if (idx >= 0) {
            long r = rt_of_scheme(sh, idx);
            int sc = sh->schemes.v[idx].script;
            if (sc == ONOMA__SCRIPT_OTHER)
                sh->all_rt = r;
            else
                sh->script_rt[sc] = r;
            /* the scheme's language decides for its script */
            const char *l0 = sh->schemes.v[idx].langs;
            char first[16] = "";
            sscanf(l0, "%15s", first);
            int li = lang_index(first);
            if (sc != ONOMA__SCRIPT_OTHER && li >= 0 && !lang)
                sh->script_lang[sc] = li;
        } else if (onoma__schemes_is_short(&sh->schemes, scheme)) {
            short_name = scheme;
        } else {
            rc = onoma__error(err, ONOMA_ESCHEME, NULL, 0, 0, "no scheme '%s' (see onoma translit --list)", scheme);
        }
    }
    /* every language that can be told apart gets its scheme: the short
     * name's where it has one, else its default */
    for (int li = 0; li < ONOMA__L_COUNT && !rc; li++) {
        long idx = short_name ? onoma__schemes_find(&sh->schemes, short_name, onoma__lang_codes[li]) : -1;
        if (idx < 0)
            idx = onoma__schemes_find(&sh->schemes, NULL, onoma__lang_codes[li]);
        if (idx >= 0)
            sh->lang_rt[li] = rt_of_scheme(sh, idx);
    }
    if (!rc && lang && onoma__lang_latin(lang) && !short_name)
        lang = NULL; /* Latin-script text: only its words in other scripts change */
    if (!rc && lang) {
        int sc = onoma__lang_script(lang);
        long idx = onoma__schemes_find(&sh->schemes, short_name, lang);
        if (idx < 0 && short_name)
            rc = onoma__error(err, ONOMA_ESCHEME, NULL, 0, 0, "no scheme '%s' for language '%s' (see onoma translit --list)",
                              short_name, lang);
        else if (idx < 0 && sc == ONOMA__SCRIPT_OTHER && sh->all_rt < 0)
            rc = onoma__error(err, ONOMA_ESCHEME, NULL, 0, 0, "no scheme for language '%s' (see onoma translit --list)",
                              lang);
        else if (sc == ONOMA__SCRIPT_OTHER && idx >= 0 && sh->all_rt < 0)
            sh->all_rt = rt_of_scheme(sh, idx); /* a language of a user's scheme */
        else if (sc != ONOMA__SCRIPT_OTHER) {
            int li = lang_index(lang);
            sh->script_lang[sc] = li;
            if (idx >= 0 && sh->script_rt[sc] < 0 && (li < 0 || sh->lang_rt[li] != rt_of_scheme(sh, idx)))
                sh->script_rt[sc] = rt_of_scheme(sh, idx); /* e.g. prs: not told apart, but asked for */
        }
    }
    if (!rc && (opt->flags & (ONOMA_TRANSLIT_ANY | ONOMA_TRANSLIT_ASCII)))
        sh->any_rt = add_rt(sh, ONOMA__RT_ICU, -1, "Any-Latin", ONOMA__SCRIPT_OTHER);
    if (!rc && (opt->flags & ONOMA_TRANSLIT_ASCII))
        sh->ascii_rt = add_rt(sh, ONOMA__RT_ICU, -1, "onoma-ascii", ONOMA__SCRIPT_OTHER);
    if (!rc)
        sh->fix_rt = add_rt(sh, ONOMA__RT_ICU, -1, "Any-Latin", ONOMA__SCRIPT_OTHER);
    if (!rc && !(opt->flags & ONOMA_TRANSLIT_NO_LEXICON))
        rc = lexicon_open(sh, opt, err);
    if (!rc && (opt->flags & ONOMA_TRANSLIT_NAMES)) {
        rc = onoma__names_hook_open(sh, err);
        for (int li = 0; li < ONOMA__L_COUNT && !rc; li++)
            if (sh->names_model[li]) {
                sh->names_rt[li] = add_rt(sh, ONOMA__RT_NAMES, -1, NULL, onoma__lang_script(onoma__lang_codes[li]));
                sh->rt[sh->names_rt[li]].lang = li;
            }
    }
    if (rc) {
        shared_free(sh);
        return rc;
    }
    *out = sh;
    return 0;
}

static int state_new(onoma__tshared *sh, onoma_translit **out, onoma_error *err)
{
    onoma_translit *tr = calloc(1, sizeof *tr);
    if (!tr)
        return onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    tr->sh = sh;
    tr->lineno = 1;
    tr->tr = calloc(sh->nrt ? sh->nrt : 1, sizeof *tr->tr);
    if (!tr->tr || onoma__tcache_init(&tr->cache, sh->cache_bytes)) {
        free(tr->tr);
        free(tr);
        return onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    }
    if ((sh->flags & ONOMA_TRANSLIT_NAMES) && sh->tables) {
        onoma_options o = {ONOMA_CROSS_SCRIPT, sh->style, 1, NULL}; /* native forms to their canonical form */
        int rc = onoma_normalizer_new(sh->tables, &o, &tr->nz, err);
        if (rc) {
            onoma__tcache_free(&tr->cache);
            free(tr->tr);
            free(tr);
            return rc;
        }
    }
    *out = tr;
    return 0;
}

static void state_free(onoma_translit *tr)
{
    if (!tr)
        return;
    for (size_t i = 0; i < tr->sh->nrt; i++)
        if (tr->tr[i])
            utrans_close(tr->tr[i]);
    free(tr->tr);
    onoma__tcache_free(&tr->cache);
    onoma__ubuf_free(&tr->ub);
    onoma__buf *bufs[] = {&tr->lexw, &tr->lexid, &tr->lexl, &tr->in, &tr->line, &tr->rep, &tr->out, &tr->key, &tr->tmp, &tr->tmp2, &tr->syn, &tr->spans};
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++)
        onoma__buf_free(bufs[i]);
    onoma_normalizer_free(&tr->nz);
    free(tr->toks);
    free(tr->name);
    free(tr);
}

int onoma_translit_new(const onoma_translit_options *opt, onoma_translit **out, onoma_error *err)
{
    onoma__error_clear(err);
    if (!out)
        return onoma__error(err, ONOMA_EINVAL, NULL, 0, 0, NULL);
    *out = NULL;
    onoma_translit_options none;
    if (!opt) {
        memset(&none, 0, sizeof none);
        opt = &none;
    }
    onoma__tshared *sh;
    int rc = shared_new(opt, &sh, err);
    if (rc)
        return rc;
    if (sh->style && sh->tables) {
        /* an unknown style is the caller's mistake: say so now */
        int found = strcmp(sh->style, "default") == 0;
        for (size_t i = 0; i < onoma_styles_count(sh->tables) && !found; i++)
            found = strcmp(onoma_style_name(sh->tables, i), sh->style) == 0;
        if (!found) {
            rc = onoma__error(err, ONOMA_ESTYLE, NULL, 0, 0, "unknown style '%s'", sh->style);
            shared_free(sh);
            return rc;
        }
    }
    if ((rc = state_new(sh, out, err))) {
        shared_free(sh);
        return rc;
    }
    (*out)->owns_sh = 1;
    /* compile what is forced now, so that a bad rule file is reported
     * before any output */
    for (int sc = 0; sc < ONOMA__SCRIPT_COUNT && !rc; sc++)
        if (sh->script_rt[sc] >= 0) {
            UTransliterator *t;
            rc = onoma__rt_get(*out, sh->script_rt[sc], &t, err);
        }
    if (!rc && sh->all_rt >= 0) {
        UTransliterator *t;
        rc = onoma__rt_get(*out, sh->all_rt, &t, err);
    }
    for (int sc = 0; sc < ONOMA__SCRIPT_COUNT && !rc; sc++)
        if (sh->script_lang[sc] >= 0 && sh->lang_rt[sh->script_lang[sc]] >= 0) {
            UTransliterator *t;
            rc = onoma__rt_get(*out, sh->lang_rt[sh->script_lang[sc]], &t, err);
        }
    if (rc)
        onoma_translit_free(out);
    return rc;
}

void onoma_translit_free(onoma_translit **trp)
{
    if (!trp || !*trp)
        return;
    onoma_translit *tr = *trp;
    onoma__tshared *sh = tr->owns_sh ? tr->sh : NULL;
    state_free(tr);
    shared_free(sh);
    *trp = NULL;
}

void onoma_translit_set_name(onoma_translit *tr, const char *name)
{
    free(tr->name);
    tr->name = name ? strdup(name) : NULL;
}

/* ---------------------------------------------------------------- names */

typedef struct span {
    uint64_t off, len;
    size_t to_at, to_len; /* in tr->tmp */
} span;

static int on_name(void *ctx, const onoma_event *ev)
{
    onoma_translit *tr = ctx;
    if (ev->kind != ONOMA_EVENT_REWRITE)
        return 0;
    /* only spellings in a transliterated script: Latin text stays as written */
    int native = 0;
    for (size_t i = 0; i < ev->from_len && !native;) {
        uint32_t cp;
        int len = onoma__utf8_decode((const unsigned char *)ev->from + i, ev->from_len - i, &cp);
        if (len <= 0)
            break;
        native = onoma__cp_script(cp) != ONOMA__SCRIPT_OTHER;
        i += (size_t)len;
    }
    if (!native)
        return 0;
    span sp = {ev->offset, ev->length, tr->tmp.len, ev->to_len};
    if (onoma__buf_put(&tr->tmp, ev->to, ev->to_len) || onoma__buf_put(&tr->spans, &sp, sizeof sp))
        return ONOMA_ENOMEM;
    return 0;
}

static int discard(void *ctx, const char *p, size_t n)
{
    (void)ctx, (void)p, (void)n;
    return 0;
}

/* Known names on the line rewritten to their canonical form (in tr->line). */
static int names_pass(onoma_translit *tr, const char **s, size_t *n, onoma_error *err)
{
    tr->spans.len = 0;
    tr->tmp.len = 0;
    onoma_normalizer_on_event(tr->nz, on_name, tr);
    int rc = onoma_normalize_buffer(tr->nz, *s, *n, discard, NULL, err);
    if (rc)
        return rc;
    if (!tr->spans.len)
        return 0;
    onoma__buf *o = &tr->tmp2;
    o->len = 0;
    size_t at = 0;
    for (size_t k = 0; k < tr->spans.len / sizeof(span); k++) {
        span sp;
        memcpy(&sp, tr->spans.data + k * sizeof sp, sizeof sp);
        if (sp.off < at || sp.off + sp.len > *n)
            continue;
        onoma__buf_put(o, *s + at, (size_t)sp.off - at);
        onoma__buf_put(o, tr->tmp.data + sp.to_at, sp.to_len);
        at = (size_t)(sp.off + sp.len);
    }
    if (onoma__buf_put(o, *s + at, *n - at))
        return onoma__error(err, ONOMA_ENOMEM, tr->name, 0, 0, NULL);
    tr->line.len = 0;
    if (onoma__buf_put(&tr->line, o->data, o->len))
        return onoma__error(err, ONOMA_ENOMEM, tr->name, 0, 0, NULL);
    *s = tr->line.data;
    *n = tr->line.len;
    return 0;
}

/* ------------------------------------------------------------ streaming */

static int emit(onoma_write_fn sink, void *ctx, onoma__buf *b)
{
    if (!b->len)
        return 0;
    int r = sink(ctx, b->data, b->len);
    b->len = 0;
    return r ? (r < 0 ? r : ONOMA_EABORTED) : 0;
}

/* s[0..n) with every invalid sequence (and NUL) replaced by U+FFFD, in tr->rep. */
static int replace_invalid(onoma_translit *tr, const char *s, size_t n)
{
    onoma__buf *l = &tr->rep;
    l->len = 0;
    for (size_t i = 0; i < n;) {
        size_t ok = onoma__utf8_check(s + i, n - i, 0);
        if (onoma__buf_put(l, s + i, ok))
            return ONOMA_ENOMEM;
        i += ok;
        if (i >= n)
            break;
        uint32_t skip = 1;
        if (s[i] == 0 || onoma__utf8_decode((const unsigned char *)s + i, n - i, &skip) != 0)
            skip = 1; /* NUL, or a sequence cut by the line's end: a byte at a time */
        if (onoma__buf_put(l, "\xEF\xBF\xBD", 3))
            return ONOMA_ENOMEM;
        i += skip ? skip : 1;
    }
    return 0;
}

static int invalid_at(onoma_translit *tr, const char *s, size_t bad, uint64_t off, onoma_error *err)
{
    int nul = s[bad] == 0;
    int rc = onoma__error(err, nul ? ONOMA_ENUL : ONOMA_EUTF8, tr->name, tr->lineno, off + bad,
                          nul ? "NUL byte at byte %llu (line %llu)" : "invalid UTF-8 at byte %llu (line %llu)",
                          (unsigned long long)(off + bad), (unsigned long long)tr->lineno);
    if (err)
        err->column = onoma__utf8_count(s, bad) + 1;
    return rc;
}

/* One line s[0..n) at absolute offset off: checked, then transliterated. */
static int do_line(onoma_translit *tr, const char *s, size_t n, uint64_t off, onoma_error *err)
{
    unsigned f = tr->sh->flags;
    if (tr->nz) {
        /* the names pass reads the line first: check it here */
        size_t bad = onoma__utf8_check(s, n, (f & ONOMA_TRANSLIT_INVALID_KEEP) != 0);
        if (bad < n && !(f & (ONOMA_TRANSLIT_INVALID_KEEP | ONOMA_TRANSLIT_INVALID_REPLACE)))
            return invalid_at(tr, s, bad, off, err);
        if (bad < n && (f & ONOMA_TRANSLIT_INVALID_REPLACE)) {
            if (replace_invalid(tr, s, n))
                return onoma__error(err, ONOMA_ENOMEM, tr->name, 0, 0, NULL);
            s = tr->rep.data;
            n = tr->rep.len;
        }
        if (!(bad < n && (f & ONOMA_TRANSLIT_INVALID_KEEP))) {
            int rc = names_pass(tr, &s, &n, err);
            if (rc)
                return rc;
        }
    }
    size_t bad;
    int rc = onoma__translit_line(tr, s, n, &bad, err);
    if (rc != ONOMA_EUTF8 && rc != ONOMA_ENUL)
        return rc;
    if (!(f & ONOMA_TRANSLIT_INVALID_REPLACE))
        return invalid_at(tr, s, bad, off, err);
    if (replace_invalid(tr, s, n))
        return onoma__error(err, ONOMA_ENOMEM, tr->name, 0, 0, NULL);
    rc = onoma__translit_line(tr, tr->rep.data, tr->rep.len, &bad, err);
    return rc == ONOMA_EUTF8 || rc == ONOMA_ENUL ? onoma__error(err, rc, tr->name, tr->lineno, off, NULL) : rc;
}

/* Lines of tr->in; with final, the rest too. */
static int consume(onoma_translit *tr, int final, onoma_write_fn sink, void *ctx, onoma_error *err)
{
    size_t pos = 0;
    int rc = 0;
    while (pos < tr->in.len) {
        const char *p = tr->in.data + pos;
        size_t avail = tr->in.len - pos;
        const char *nl = memchr(p, '\n', avail);
        size_t len, next;
        if (nl) {
            len = (size_t)(nl - p);
            next = len + 1;
        } else if (avail > MAX_LINE) {
            /* a very long line: cut at white space (or a character's start) */
            len = MAX_LINE;
            while (len > MAX_LINE / 2 && p[len - 1] != ' ' && p[len - 1] != '\t')
                len--;
            if (len <= MAX_LINE / 2) {
                len = MAX_LINE;
                while (len > 0 && ((unsigned char)p[len] & 0xC0) == 0x80)
                    len--;
            }
            next = len;
        } else if (final) {
            len = next = avail;
        } else {
            break;
        }
        if ((rc = do_line(tr, p, len, tr->base + pos, err)))
            break;
        if (nl) {
            if ((rc = onoma__buf_putc(&tr->out, '\n')))
                break;
            tr->lineno++;
        }
        pos += next;
        if (tr->out.len >= FLUSH_AT && (rc = emit(sink, ctx, &tr->out)))
            break;
    }
    if (!rc)
        rc = emit(sink, ctx, &tr->out);
    tr->out.len = 0;
    if (pos)
        memmove(tr->in.data, tr->in.data + pos, tr->in.len - pos);
    tr->in.len -= pos;
    tr->base += pos;
    return rc;
}

static void reset(onoma_translit *tr)
{
    tr->in.len = 0;
    tr->out.len = 0;
    tr->base = 0;
    tr->lineno = 1;
}

int onoma_translit_feed(onoma_translit *tr, const char *data, size_t len, onoma_write_fn sink, void *ctx,
                        onoma_error *err)
{
    onoma__error_clear(err);
    if (onoma__buf_put(&tr->in, data, len))
        return onoma__error(err, ONOMA_ENOMEM, tr->name, 0, 0, NULL);
    if (!memchr(data, '\n', len) && tr->in.len <= MAX_LINE)
        return 0;
    int rc = consume(tr, 0, sink, ctx, err);
    if (rc)
        reset(tr);
    return rc;
}

int onoma_translit_finish(onoma_translit *tr, onoma_write_fn sink, void *ctx, onoma_error *err)
{
    onoma__error_clear(err);
    int rc = consume(tr, 1, sink, ctx, err);
    reset(tr);
    return rc;
}

int onoma_translit_buffer(onoma_translit *tr, const char *in, size_t len, onoma_write_fn sink, void *ctx,
                          onoma_error *err)
{
    int rc = onoma_translit_feed(tr, in, len, sink, ctx, err);
    if (!rc)
        rc = onoma_translit_finish(tr, sink, ctx, err);
    return rc;
}

/* ---------------------------------------------------------------- --jobs */

#define CHUNK (1u << 20)

static int to_buf(void *ctx, const char *p, size_t n) { return onoma__buf_put(ctx, p, n); }

/* --jobs: the ordered pipeline of io/pipeline.c, a transliterator state per
 * worker. Chunks end at a line end, so a chunk other than the last leaves
 * nothing behind. */
static int w_new(void *proto, void **out, onoma_error *err)
{
    onoma_translit *p = proto, *w = NULL;
    int rc = state_new(p->sh, &w, err);
    if (rc)
        return rc;
    if (p->name)
        onoma_translit_set_name(w, p->name);
    *out = w;
    return 0;
}

static void w_free(void *w) { state_free(w); }

static int w_run(void *worker, const onoma__chunk *c, onoma__buf *out, onoma__buf *aux, onoma_error *err)
{
    onoma_translit *w = worker;
    (void)aux;
    reset(w);
    w->base = c->base;
    w->lineno = c->line;
    int rc = onoma_translit_feed(w, c->data, c->len, to_buf, out, err);
    if (!rc && c->final)
        rc = onoma_translit_finish(w, to_buf, out, err);
    else if (!rc && w->in.len)
        rc = onoma__error(err, ONOMA_EINVAL, w->name, 0, 0, "internal: chunk cut inside a line");
    return rc;
}

static void s_begin(void *proto, uint64_t base, uint64_t line)
{
    onoma_translit *tr = proto;
    reset(tr);
    tr->base = base;
    tr->lineno = line;
}

static int s_feed(void *proto, const char *data, size_t len, int final, onoma_write_fn sink, void *ctx,
                  onoma_error *err)
{
    int rc = onoma_translit_feed(proto, data, len, sink, ctx, err);
    return !rc && final ? onoma_translit_finish(proto, sink, ctx, err) : rc;
}

static const onoma__pipeline_ops pipe_ops = {w_new, w_free, w_run, NULL, s_begin, s_feed};

/* The caller's reader, with a message on failure. */
typedef struct rd_adapter {
    onoma_read_fn fn;
    void *ctx;
    const char *name;
    uint64_t pos;
} rd_adapter;

static long read_some(void *ctx, char *buf, size_t cap, onoma_error *err)
{
    rd_adapter *a = ctx;
    long r = a->fn(a->ctx, buf, cap);
    if (r < 0)
        return onoma__error(err, r >= -(long)ONOMA__ERRNO_END_ ? (int)r : ONOMA_EIO, a->name, 0, a->pos, "read error");
    a->pos += (uint64_t)r;
    return r;
}

int onoma_translit_read(onoma_translit *tr, onoma_read_fn rd, void *rctx, onoma_write_fn sink, void *ctx,
                        onoma_error *err)
{
    onoma__error_clear(err);
    reset(tr);
    rd_adapter a = {rd, rctx, tr->name, 0};
    int rc;
    if (tr->sh->jobs > 1) {
        rc = onoma__pipeline(&pipe_ops, tr, tr->sh->jobs, read_some, &a, sink, ctx, tr->name, err);
        reset(tr);
        return rc;
    }
    char *buf = malloc(CHUNK);
    if (!buf)
        return onoma__error(err, ONOMA_ENOMEM, tr->name, 0, 0, NULL);
    for (;;) {
        long r = read_some(&a, buf, CHUNK, err);
        if (r < 0) {
            rc = (int)r;
            break;
        }
        if ((rc = s_feed(tr, buf, (size_t)r, r == 0, sink, ctx, err)) || r == 0)
            break;
    }
    free(buf);
    reset(tr);
    return rc;
}

static long fd_read(void *ctx, char *buf, size_t cap)
{
    int fd = *(int *)ctx;
    for (;;) {
        ssize_t r = read(fd, buf, cap);
        if (r < 0 && errno == EINTR)
            continue;
        return r < 0 ? ONOMA_EIO : (long)r;
    }
}

int onoma_translit_fd(onoma_translit *tr, int fd, onoma_write_fn sink, void *ctx, onoma_error *err)
{
    return onoma_translit_read(tr, fd_read, &fd, sink, ctx, err);
}

int onoma_translit_string(const onoma_translit_options *opt, const char *in, size_t len, char **out, size_t *out_len,
                   onoma_error *err)
{
    *out = NULL;
    onoma_translit *tr;
    int rc = onoma_translit_new(opt, &tr, err);
    if (rc)
        return rc;
    onoma__buf b = {0};
    rc = onoma_translit_buffer(tr, in, len, to_buf, &b, err);
    if (!rc && onoma__buf_putc(&b, 0))
        rc = onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    onoma_translit_free(&tr);
    if (rc) {
        onoma__buf_free(&b);
        return rc;
    }
    *out = b.data;
    if (out_len)
        *out_len = b.len - 1;
    return 0;
}

/* -------------------------------------------------------------- listing */

int onoma_translit_schemes(const onoma_translit_options *opt, onoma_scheme_fn fn, void *ctx, onoma_error *err)
{
    onoma__error_clear(err);
    onoma__schemes s;
    int rc = onoma__schemes_load(&s, opt ? opt->scheme_files : NULL, opt ? opt->nscheme_files : 0,
                                 opt ? opt->scheme_path : NULL,
                                 !(opt && (opt->flags & ONOMA_TRANSLIT_NO_DEFAULT_SCHEMES)), err);
    if (rc)
        return rc;
    for (size_t i = 0; i < s.n && !rc; i++) {
        const onoma__scheme *sc = &s.v[i];
        onoma_scheme_info info = {sc->id, sc->short_name, sc->langs, sc->name, sc->source,
                                  sc->license, sc->notes, sc->path};
        int r = fn(ctx, &info);
        if (r)
            rc = r < 0 ? r : ONOMA_EABORTED;
    }
    size_t n = s.n;
    onoma__schemes_free(&s);
    return rc ? rc : (int)n;
}

const char *onoma_translit_detect(const char *text, size_t len)
{
    int script = ONOMA__SCRIPT_OTHER;
    for (size_t i = 0; i < len && script == ONOMA__SCRIPT_OTHER;) {
        uint32_t cp;
        int l = onoma__utf8_decode((const unsigned char *)text + i, len - i, &cp);
        if (l <= 0) {
            i++;
            continue;
        }
        script = onoma__cp_script(cp);
        i += (size_t)l;
    }
    if (script == ONOMA__SCRIPT_OTHER)
        return NULL;
    onoma__vote v;
    memset(&v, 0, sizeof v);
    onoma__vote_add(&v, script, text, len);
    int li = onoma__vote_decide(&v, script);
    return li >= 0 ? onoma__lang_codes[li] : NULL;
}

uint64_t onoma__translit_digest(const onoma_translit *tr)
{
    /* the schemes loaded: names and contents, in order */
    const onoma__schemes *s = &tr->sh->schemes;
    uint64_t d = 0x5452414E534C4954ull;
    for (size_t i = 0; i < s->n; i++) {
        const char *base = strrchr(s->v[i].path, '/');
        base = base ? base + 1 : s->v[i].path;
        char *text = NULL;
        size_t len = 0;
        if (onoma__scheme_read_rules(&s->v[i], &text, &len, NULL))
            return 0;
        d = onoma__mix(d ^ onoma__hash(base, strlen(base)), 0x9E3779B97F4A7C15ull);
        d = onoma__mix(d ^ onoma__hash(text, len), 0xD6E8FEB86659FD93ull);
        free(text);
    }
    return d ? d : 1;
}
