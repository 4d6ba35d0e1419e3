#include "table/tables.h"
#include "normalize/keyix.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <unicode/uchar.h>
#include <unicode/uversion.h>

#include "onoma_config.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/hash.h"
#include "io/atomic.h"
#include "table/build.h"
#include "table/source.h"
#include "text/chars.h"

#define BUNDLE_NAME "names.onb"

const char *onoma_version(void) { return ONOMA_VERSION_STRING; }
int onoma_api_version(void) { return ONOMA_API_VERSION; }
int onoma_table_format_version(void) { return ONOMA__TABLE_FORMAT; }

const char *onoma_unicode_version(void)
{
    static char buf[U_MAX_VERSION_STRING_LENGTH];
    if (!buf[0]) {
        UVersionInfo v;
        u_getUnicodeVersion(v);
        u_versionToString(v, buf);
    }
    return buf;
}

const char *onoma_icu_version(void)
{
    static char buf[U_MAX_VERSION_STRING_LENGTH];
    if (!buf[0]) {
        UVersionInfo v;
        u_getVersion(v);
        u_versionToString(v, buf);
    }
    return buf;
}

static int file_exists(const char *p) { return access(p, R_OK) == 0; }

/* The bundled table sits in share/onoma beside the bin/ or lib/ folder the
 * library or program runs from (the build tree has the same layout as an
 * installation), else in the configured installation folder. */
int onoma_default_tables_path(char *buf, size_t cap)
{
    char self[PATH_MAX] = "";
    static const char anchor = 0; /* an object of this library, to ask where it lives */
    Dl_info info;
    if (dladdr(&anchor, &info) && info.dli_fname && strchr(info.dli_fname, '/'))
        snprintf(self, sizeof self, "%s", info.dli_fname);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    const char *cands[2] = {self, NULL};
    if (n > 0) {
        exe[n] = 0;
        cands[1] = exe;
    }
    char path[PATH_MAX + 64];
    for (int i = 0; i < 2; i++) {
        if (!cands[i] || !cands[i][0])
            continue;
        char real[PATH_MAX];
        if (!realpath(cands[i], real))
            continue;
        char *slash = strrchr(real, '/');
        if (!slash)
            continue;
        *slash = 0;
        snprintf(path, sizeof path, "%s/../share/onoma/%s", real, BUNDLE_NAME);
        if (file_exists(path))
            return snprintf(buf, cap, "%s", path);
    }
    snprintf(path, sizeof path, "%s/%s", ONOMA_INSTALL_DATADIR, BUNDLE_NAME);
    if (file_exists(path))
        return snprintf(buf, cap, "%s", path);
    return ONOMA_ENOENT;
}

int onoma__style_find(const onoma_tables *t, const char *name)
{
    if (!name || !*name || strcmp(name, "default") == 0)
        return 0;
    for (size_t i = 1; i < t->nstyles; i++)
        if (strcmp(t->styles[i], name) == 0)
            return (int)i;
    return -1;
}

static uint64_t ovr_hash(uint32_t layer, uint32_t entry, uint32_t style)
{
    uint32_t k[3] = {layer, entry, style};
    return onoma__hash(k, sizeof k);
}

static const onoma__ovr *ovr_find(const onoma_tables *t, uint32_t layer, uint32_t entry, uint32_t style)
{
    if (!t->novr)
        return NULL;
    for (uint32_t i = (uint32_t)ovr_hash(layer, entry, style) & t->ovr_mask;; i = (i + 1) & t->ovr_mask) {
        const onoma__ovr *o = &t->ovr[i];
        if (!o->form)
            return NULL;
        if (o->layer == layer && o->entry == entry && o->style == style)
            return o;
    }
}

const char *onoma__canonical(const onoma_tables *t, uint32_t layer, uint32_t entry, uint32_t style, size_t *len)
{
    const onoma__layer *L = &t->layers[layer];
    if (style) {
        const onoma__ovr *o = ovr_find(t, layer, entry, style);
        if (o) {
            *len = o->len;
            return o->form;
        }
        uint32_t local = L->style_local[style];
        if (local) {
            onoma__str f = L->forms[(size_t)entry * L->h->nstyles + local - 1];
            if (f.len) {
                *len = f.len;
                return onoma__lstr(L, f);
            }
        }
    }
    onoma__str c = L->entries[entry].canonical;
    *len = c.len;
    return onoma__lstr(L, c);
}

const char *onoma__display(const onoma_tables *t, uint32_t layer, uint32_t entry, uint32_t style, size_t *len)
{
    uint32_t p = t->layers[layer].entries[entry].parent;
    return onoma__canonical(t, layer, p == UINT32_MAX ? entry : p, style, len);
}

static int add_style(onoma_tables *t, const char *name, size_t n)
{
    for (size_t i = 0; i < t->nstyles; i++)
        if (strlen(t->styles[i]) == n && memcmp(t->styles[i], name, n) == 0)
            return (int)i;
    char **ns = realloc(t->styles, (t->nstyles + 1) * sizeof *ns);
    if (!ns)
        return ONOMA_ENOMEM;
    t->styles = ns;
    if (!(t->styles[t->nstyles] = onoma__strndup(name, n)))
        return ONOMA_ENOMEM;
    return (int)t->nstyles++;
}

/* Styles across layers, and the overrides of style tables resolved by id. */
static int link_layers(onoma_tables *t)
{
    int rc = add_style(t, "default", 7);
    if (rc < 0)
        return rc;
    size_t nov = 0;
    for (size_t l = 0; l < t->nlayers; l++) {
        const onoma__layer *L = &t->layers[l];
        for (uint32_t s = 0; s < L->h->nstyles; s++) {
            onoma__str name = L->styles[s];
            if ((rc = add_style(t, onoma__lstr(L, name), name.len)) < 0)
                return rc;
        }
        nov += L->h->noverrides;
        t->nsrcs += L->h->nsources;
    }
    t->srcs = calloc(t->nsrcs ? t->nsrcs : 1, sizeof *t->srcs);
    t->coverage = calloc(t->nstyles, sizeof *t->coverage);
    if (!t->srcs || !t->coverage)
        return ONOMA_ENOMEM;
    size_t si = 0;
    for (size_t l = 0; l < t->nlayers; l++) {
        onoma__layer *L = &t->layers[l];
        L->style_local = calloc(t->nstyles, sizeof *L->style_local);
        if (!L->style_local)
            return ONOMA_ENOMEM;
        for (uint32_t s = 0; s < L->h->nstyles; s++) {
            int g = onoma__style_find(t, onoma__lstr(L, L->styles[s]));
            L->style_local[g] = s + 1;
            for (uint32_t e = 0; e < L->h->nentries; e++)
                if (L->forms[(size_t)e * L->h->nstyles + s].len)
                    t->coverage[g]++;
        }
        for (uint32_t s = 0; s < L->h->nsources; s++, si++)
            t->srcs[si].layer = (uint32_t)l, t->srcs[si].source = s;
    }
    t->coverage[0] = 0;
    for (size_t l = 0; l < t->nlayers; l++)
        t->coverage[0] += t->layers[l].h->nentries;
    if (!nov)
        return 0;
    /* Each override applies to every layer that has the id. */
    t->ovr_mask = 15;
    while (t->ovr_mask + 1 < 2 * nov * t->nlayers + 2)
        t->ovr_mask = t->ovr_mask * 2 + 1;
    t->ovr = calloc((size_t)t->ovr_mask + 1, sizeof *t->ovr);
    if (!t->ovr)
        return ONOMA_ENOMEM;
    for (size_t l = 0; l < t->nlayers; l++) {
        const onoma__layer *L = &t->layers[l];
        for (uint32_t i = 0; i < L->h->noverrides; i++) {
            const onoma__override *o = &L->ov[i];
            uint32_t style = (uint32_t)onoma__style_find(t, onoma__lstr(L, L->styles[o->style]));
            for (size_t m = 0; m < t->nlayers; m++) {
                uint32_t e = onoma__layer_find_id(&t->layers[m], onoma__lstr(L, o->id), o->id.len);
                if (e == UINT32_MAX)
                    continue;
                uint32_t j = (uint32_t)ovr_hash((uint32_t)m, e, style) & t->ovr_mask;
                while (t->ovr[j].form && !(t->ovr[j].layer == m && t->ovr[j].entry == e && t->ovr[j].style == style))
                    j = (j + 1) & t->ovr_mask;
                if (!t->ovr[j].form) {
                    t->novr++;
                    t->coverage[style]++;
                }
                t->ovr[j] = (onoma__ovr){(uint32_t)m, e, style, onoma__lstr(L, o->form), o->form.len};
            }
        }
    }
    return 0;
}

int onoma_tables_open(const char *const *paths, size_t npaths, unsigned flags, onoma_tables **out,
                      onoma_error *err)
{
    *out = NULL;
    if (flags & ~ONOMA_TABLES_ALL_FLAGS)
        return onoma__error(err, ONOMA_EFLAGS, NULL, 0, 0, "unknown flags 0x%x", flags & ~ONOMA_TABLES_ALL_FLAGS);
    char def[PATH_MAX + 64];
    int with_def = (flags & ONOMA_TABLES_DEFAULTS) != 0;
    if (with_def && onoma_default_tables_path(def, sizeof def) < 0)
        return onoma__error(err, ONOMA_ENOENT, NULL, 0, 0,
                            "bundled tables not found (looked in share/onoma beside the program and in %s)",
                            ONOMA_INSTALL_DATADIR);
    onoma_tables *t = calloc(1, sizeof *t);
    size_t n = npaths + (size_t)with_def;
    if (!t || !(t->layers = calloc(n ? n : 1, sizeof *t->layers))) {
        free(t);
        return onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    }
    pthread_mutex_init(&t->ext_mu, NULL);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        const char *p = with_def ? (i == 0 ? def : paths[i - 1]) : paths[i];
        char named[PATH_MAX + 64];
        /* a bare name that is no file: a compiled table shipped beside the bundle */
        if (!strchr(p, '/') && !file_exists(p) && onoma_default_tables_path(named, sizeof named) > 0) {
            char *slash = strrchr(named, '/');
            if (slash && strlen(p) < 128) {
                snprintf(slash + 1, sizeof named - (size_t)(slash + 1 - named), "%s.onb", p);
                if (file_exists(named))
                    p = named;
            }
        }
        if ((rc = onoma__layer_open(p, flags, &t->layers[t->nlayers], err)))
            break;
        t->nlayers++;
    }
    if (!rc && (rc = link_layers(t)))
        onoma__error(err, rc, NULL, 0, 0, NULL);
    if (rc) {
        onoma_tables_close(&t);
        return rc;
    }
    *out = t;
    return 0;
}

void onoma_tables_close(onoma_tables **tp)
{
    onoma_tables *t = tp ? *tp : NULL;
    if (!t)
        return;
    if (t->ext_free)
        t->ext_free(t->ext);
    pthread_mutex_destroy(&t->ext_mu);
    for (size_t i = 0; i < t->nlayers; i++)
        onoma__layer_close(&t->layers[i]);
    free(t->layers);
    for (size_t i = 0; i < t->nstyles; i++)
        free(t->styles[i]);
    free(t->styles);
    free(t->coverage);
    free(t->ovr);
    free(t->srcs);
    free(t);
    *tp = NULL;
}

size_t onoma_tables_count(const onoma_tables *t) { return t ? t->nsrcs : 0; }

int onoma_tables_info(const onoma_tables *t, size_t i, onoma_table_info *info)
{
    if (!t || i >= t->nsrcs || !info)
        return ONOMA_EINVAL;
    const onoma__layer *L = &t->layers[t->srcs[i].layer];
    const onoma__source_rec *s = &L->sources[t->srcs[i].source];
    static const char *const kinds[] = {"names", "pairs", "style"};
    info->path = L->h->nsources == 1 && !L->mapped ? L->path : onoma__lstr(L, s->path);
    info->name = onoma__lstr(L, s->name);
    info->version = onoma__lstr(L, s->version);
    info->license = onoma__lstr(L, s->license);
    info->source = onoma__lstr(L, s->source);
    info->kind = kinds[s->kind];
    info->entries = s->entries;
    info->variants = s->variants;
    info->compiled = L->mapped;
    return 0;
}

size_t onoma_styles_count(const onoma_tables *t) { return t ? t->nstyles : 0; }
const char *onoma_style_name(const onoma_tables *t, size_t i) { return t && i < t->nstyles ? t->styles[i] : NULL; }
size_t onoma_style_coverage(const onoma_tables *t, size_t i) { return t && i < t->nstyles ? t->coverage[i] : 0; }

struct diag_fwd {
    onoma_diag_fn fn;
    void *ctx;
};

static void diag_forward(void *ctx, const onoma_error *e)
{
    struct diag_fwd *f = ctx;
    if (f->fn)
        f->fn(f->ctx, e);
}

int onoma_compile(const char *const *paths, size_t npaths, const char *out_path, onoma_diag_fn diag, void *ctx,
                  onoma_error *err)
{
    return onoma_compile_ex(paths, npaths, out_path, 0, diag, ctx, err);
}

int onoma_compile_ex(const char *const *paths, size_t npaths, const char *out_path, unsigned flags,
                     onoma_diag_fn diag, void *ctx, onoma_error *err)
{
    onoma__error_clear(err);
    if (flags & ~ONOMA_COMPILE_NO_KEY_INDEX)
        return onoma__error(err, ONOMA_EINVAL, NULL, 0, 0, "unknown compile flags 0x%x", flags);
    onoma__source **src = calloc(npaths ? npaths : 1, sizeof *src);
    if (!src)
        return onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    int rc = 0;
    struct diag_fwd fwd = {diag, ctx};
    size_t nsrc = 0;
    for (size_t i = 0; i < npaths; i++) {
        onoma_error e1;
        onoma__error_clear(&e1);
        int r = onoma__source_load(paths[i], &src[nsrc], diag_forward, &fwd, &e1);
        if (r && !rc) {
            rc = r;
            if (err)
                *err = e1;
        }
        if (r && !src[nsrc] && !(e1.line || e1.offset))
            diag_forward(&fwd, &e1); /* the file itself: unreadable */
        if (src[nsrc])
            nsrc++;
    }
    if (rc != ONOMA_ENOMEM) {
        /* even after line errors, build what parsed: its checks list the rest */
        void *image;
        size_t size;
        onoma_error e2;
        int r = onoma__build(src, nsrc, 0, &image, &size, diag_forward, &fwd, rc ? &e2 : err);
        /* the key index of its spellings for normalize --fuzzy, made with
         * the bundled key rules (when found) */
        if (!rc && !r && out_path && !(flags & ONOMA_COMPILE_NO_KEY_INDEX))
            r = onoma__kix_attach(&image, &size, err);
        if (!rc && !r && out_path)
            r = onoma__write_atomic(out_path, image, size, err);
        if (!r)
            free(image);
        if (!rc)
            rc = r;
    }
    for (size_t i = 0; i < nsrc; i++)
        onoma__source_free(&src[i]);
    free(src);
    return rc;
}
