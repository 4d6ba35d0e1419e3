/* onoma_key, onoma_match and their handles: the engine of src/key behind
 * the library's conventions (ONOMA_E* codes, onoma_error details, UTF-8
 * checked, bundled rules found beside the bundled tables). */
#include "key/api.h"

#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "onoma_config.h"
#include "common/buf.h"
#include "common/error.h"
#include "key/keyint.h"
#include "common/hash.h"
#include "translit/engine.h"
#include "text/utf8.h"

#define KEYS_DIR "keys"

int onoma__key_error(int code, onoma_error *err)
{
    switch (code) {
    case ONOMA__KEY_ENOMEM: return onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    case ONOMA__KEY_EICU: return onoma__error(err, ONOMA_EICU, NULL, 0, 0, "ICU failed while keying a name");
    case ONOMA__KEY_ETRANSLIT:
        return onoma__error(err, ONOMA_EICU, NULL, 0, 0, "transliteration failed while keying a name");
    case ONOMA__KEY_EIO: return onoma__error(err, ONOMA_EIO, NULL, 0, 0, NULL);
    case ONOMA__KEY_ERULE: return onoma__error(err, ONOMA_ETABLE, NULL, 0, 0, NULL);
    default: return onoma__error(err, ONOMA_EINVAL, NULL, 0, 0, NULL);
    }
}

/* ------------------------------------------------------------ rules */

int onoma_default_keyrules_path(char *buf, size_t cap)
{
    /* $ONOMA_KEY_RULES (as onoma check has it), else beside the bundled name
     * table (share/onoma/keys), else the installed one */
    const char *env = getenv("ONOMA_KEY_RULES");
    if (env && *env)
        return snprintf(buf, cap, "%s", env);
    char names[PATH_MAX];
    struct stat st;
    int n = onoma_default_tables_path(names, sizeof names);
    if (n > 0 && (size_t)n < sizeof names) {
        char *slash = strrchr(names, '/');
        if (slash) {
            *slash = 0;
            char dir[PATH_MAX + 16];
            snprintf(dir, sizeof dir, "%s/" KEYS_DIR, names);
            if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
                return snprintf(buf, cap, "%s", dir);
        }
    }
    if (stat(ONOMA_INSTALL_DATADIR "/" KEYS_DIR, &st) == 0 && S_ISDIR(st.st_mode))
        return snprintf(buf, cap, "%s", ONOMA_INSTALL_DATADIR "/" KEYS_DIR);
    return ONOMA_ENOENT;
}

/* The engine's message is "FILE:LINE: error: text" or "PATH: error: text". */
static void rule_error(const char *msg, onoma_error *err)
{
    if (!err)
        return;
    const char *sep = strstr(msg, ": error: ");
    if (!sep) {
        snprintf(err->message, sizeof err->message, "%.500s", msg[0] ? msg : onoma_strerror(err->code));
        return;
    }
    size_t flen = (size_t)(sep - msg);
    const char *colon = NULL;
    for (size_t i = flen; i > 0; i--)
        if (msg[i - 1] == ':') {
            colon = msg + i - 1;
            break;
        }
    uint64_t line = 0;
    if (colon && colon + 1 < sep) {
        const char *p = colon + 1;
        while (p < sep && *p >= '0' && *p <= '9')
            line = line * 10 + (uint64_t)(*p++ - '0');
        if (p == sep)
            flen = (size_t)(colon - msg);
        else
            line = 0;
    }
    if (flen >= sizeof err->file)
        flen = sizeof err->file - 1;
    memcpy(err->file, msg, flen);
    err->file[flen] = 0;
    err->line = line;
    snprintf(err->message, sizeof err->message, "%.500s", sep + 9);
}

int onoma_keyrules_open(const char *path, onoma_keyrules **out, onoma_error *err)
{
    static atomic_uint_fast64_t next_id = 1;
    onoma__error_clear(err);
    if (!out)
        return onoma__error(err, ONOMA_EINVAL, NULL, 0, 0, NULL);
    *out = NULL;
    char def[PATH_MAX + 16];
    if (!path) {
        if (onoma_default_keyrules_path(def, sizeof def) < 0)
            return onoma__error(err, ONOMA_ENOENT, NULL, 0, 0,
                                "bundled key rules not found (looked in share/onoma/" KEYS_DIR
                                " beside the program and in %s)",
                                ONOMA_INSTALL_DATADIR);
        path = def;
    }
    struct stat st;
    if (stat(path, &st) != 0)
        return onoma__error(err, errno == ENOENT ? ONOMA_ENOENT : ONOMA_EIO, path, 0, 0, "%s",
                            strerror(errno));
    onoma_keyrules *r = calloc(1, sizeof *r);
    if (!r)
        return onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    char msg[1024];
    int rc = onoma__keyrules_load(path, &r->r, msg, sizeof msg);
    if (rc) {
        free(r);
        rc = onoma__key_error(rc, err);
        if (rc != ONOMA_ENOMEM)
            rule_error(msg, err);
        return rc;
    }
    r->id = atomic_fetch_add(&next_id, 1);
    *out = r;
    return 0;
}

void onoma_keyrules_close(onoma_keyrules **rp)
{
    if (!rp || !*rp)
        return;
    onoma__keyrules_free(&(*rp)->r);
    free(*rp);
    *rp = NULL;
}

const char *onoma_keyrules_lang(const onoma_keyrules *r, size_t i)
{
    if (!r || i >= r->r->nlangs)
        return NULL;
    return r->r->langcodes[i + 1];
}

/* ------------------------------------------------------------ keyer */

static int to_buf(void *ctx, const char *p, size_t n) { return onoma__buf_put(ctx, p, n); }

/* The keyer's transliteration hook: native script through the library's
 * transliteration (the BGN/PCGN scheme of the language it tells from the
 * letters; other scripts through ICU Any-Latin), names not looked up in any
 * table: a key never consults the gazetteer. */
/* Has s a letter of another script than Latin? (Latin with diacritics,
 * Müller, Soleymānī, needs no transliteration: the engine folds it.) */
static int other_script(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int len = onoma__utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (len <= 0)
            return 1;
        if (cp >= 0x370 && !(cp >= 0x1E00 && cp < 0x1F00) && !(cp >= 0x2000 && cp < 0x2070))
            return 1;
        i += (size_t)len;
    }
    return 0;
}

static int translit_hook(void *ctx, const char *in, size_t len, char *out, size_t cap)
{
    onoma_keyer *k = ctx;
    onoma__buf *b = k->tbuf;
    b->len = 0;
    if (!other_script(in, len)) {
        if (onoma__buf_put(b, in, len))
            return -1;
    } else if (onoma_translit_buffer(k->tr, in, len, to_buf, b, NULL))
        return -1;
    if (b->len > INT_MAX)
        return -1;
    if (cap) {
        size_t n = b->len < cap - 1 ? b->len : cap - 1;
        memcpy(out, b->data, n);
        out[n] = 0;
    }
    return (int)b->len;
}

int onoma__keyer_make(const onoma_keyrules *r, unsigned flags, onoma_keyer **out, onoma_error *err)
{
    onoma_keyer *k = calloc(1, sizeof *k);
    if (!k)
        return onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    int rc = onoma__keyer_new(r->r, flags, &k->k);
    if (rc) {
        free(k);
        return onoma__key_error(rc, err);
    }
    k->rules = r;
    /* the transliteration module when it can start (its schemes are found);
     * else the engine's own ICU transliteration */
    onoma_translit_options o;
    memset(&o, 0, sizeof o);
    o.flags = ONOMA_TRANSLIT_ANY | ONOMA_TRANSLIT_INVALID_REPLACE | ONOMA_TRANSLIT_NO_LEXICON;
    if (!onoma_translit_new(&o, &k->tr, NULL) && (k->tbuf = calloc(1, sizeof *k->tbuf)))
        onoma__keyer_set_translit(k->k, translit_hook, k);
    else
        onoma_translit_free(&k->tr);
    *out = k;
    return 0;
}

uint64_t onoma__keyer_digest(onoma_keyer *k)
{
    if (!k->digest) {
        uint64_t t = k->tr ? onoma__translit_digest(k->tr) : 0x4E4F5452ull; /* "NOTR" */
        uint64_t d = onoma__mix(k->rules->r->digest ^ t, 0x9E3779B97F4A7C15ull);
        k->digest = d ? d : 1;
    }
    return k->digest;
}

int onoma_keyer_new(const onoma_keyrules *r, const onoma_key_options *opt, onoma_keyer **out, onoma_error *err)
{
    onoma__error_clear(err);
    if (!out)
        return onoma__error(err, ONOMA_EINVAL, NULL, 0, 0, NULL);
    *out = NULL;
    if (!r)
        return onoma__error(err, ONOMA_EINVAL, NULL, 0, 0, "no key rules");
    onoma_key_options none = {0, NULL};
    if (!opt)
        opt = &none;
    if (opt->flags & ~ONOMA_KEY_ALL_FLAGS)
        return onoma__error(err, ONOMA_EFLAGS, NULL, 0, 0, "unknown flags 0x%x", opt->flags & ~ONOMA_KEY_ALL_FLAGS);
    int lang = onoma__keyrules_lang(r->r, opt->lang);
    if (lang < 0)
        return onoma__error(err, ONOMA_EINVAL, NULL, 0, 0, "no key rule file is for language '%s'", opt->lang);
    unsigned flags = ONOMA__KEY_LANG(lang) | ((opt->flags & ONOMA_KEY_ORDERED) ? ONOMA__KEY_ORDERED : 0);
    return onoma__keyer_make(r, flags, out, err);
}

void onoma_keyer_free(onoma_keyer **kp)
{
    if (!kp || !*kp)
        return;
    onoma__keyer_free(&(*kp)->k);
    onoma_translit_free(&(*kp)->tr);
    if ((*kp)->tbuf)
        onoma__buf_free((*kp)->tbuf);
    free((*kp)->tbuf);
    free(*kp);
    *kp = NULL;
}

/* Names are UTF-8 without NUL; ASCII (the common case) is checked on the way. */
static int check_name(const char *s, size_t n, const char *what, onoma_error *err)
{
    size_t i = 0;
    while (i < n && (unsigned char)s[i] - 1u < 0x7Fu)
        i++;
    if (i == n)
        return 0;
    size_t bad = onoma__utf8_check(s, n, 0);
    if (bad == n)
        return 0;
    int nul = s[bad] == 0;
    return onoma__error(err, nul ? ONOMA_ENUL : ONOMA_EUTF8, NULL, 0, bad,
                        "%s at byte %zu of the %s", nul ? "NUL byte" : "invalid UTF-8", bad, what);
}

int onoma_key(onoma_keyer *k, const char *name, size_t len, char *out, size_t cap, onoma_error *err)
{
    if (!k || (!name && len) || (!out && cap) || len > INT_MAX)
        return onoma__error(err, ONOMA_EINVAL, NULL, 0, 0, NULL);
    int rc = check_name(name, len, "name", err);
    if (rc)
        return rc;
    rc = onoma__key(k->k, name ? name : "", len, out, cap);
    return rc < 0 ? onoma__key_error(rc, err) : rc;
}

int onoma__key_buf(onoma_keyer *k, const char *name, size_t len, onoma__buf *b)
{
    if (len > INT_MAX)
        return ONOMA_EINVAL;
    b->len = 0;
    for (;;) {
        int need = onoma__key(k->k, name, len, b->data, b->cap);
        if (need < 0)
            return onoma__key_error(need, NULL);
        if ((size_t)need < b->cap) {
            b->len = (size_t)need;
            return 0;
        }
        if (onoma__buf_reserve(b, (size_t)need + 1))
            return ONOMA_ENOMEM;
    }
}

int onoma_match(onoma_keyer *k, const char *a, size_t alen, const char *b, size_t blen, double *score,
                onoma_explain_fn explain, void *ctx, onoma_error *err)
{
    if (!k || (!a && alen) || (!b && blen))
        return onoma__error(err, ONOMA_EINVAL, NULL, 0, 0, NULL);
    int rc = check_name(a, alen, "first name", err);
    if (!rc)
        rc = check_name(b, blen, "second name", err);
    if (rc)
        return rc;
    double s = onoma__match(k->k, a ? a : "", alen, b ? b : "", blen, explain, ctx);
    if (s < 0)
        return onoma__key_error((int)s, err);
    if (score)
        *score = s;
    return s >= ONOMA_MATCH_THRESHOLD;
}
