#include "check/config.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/hash.h"

/* ----------------------------------------------------------- string lists */

int onoma__strv_add(onoma__strv *s, const char *str, size_t n)
{
    if (onoma__grow((void **)&s->v, &s->cap, s->n + 1, sizeof *s->v, 8))
        return ONOMA_ENOMEM;
    if (!(s->v[s->n] = onoma__strndup(str, n)))
        return ONOMA_ENOMEM;
    s->n++;
    return 0;
}

void onoma__strv_free(onoma__strv *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

static int strv_copy(onoma__strv *dst, const onoma__strv *src)
{
    for (size_t i = 0; i < src->n; i++)
        if (onoma__strv_add(dst, src->v[i], strlen(src->v[i])))
            return ONOMA_ENOMEM;
    return 0;
}

static int globs_add(onoma__globs *g, const char *pat, size_t n, const char *base)
{
    if (onoma__grow((void **)&g->v, &g->cap, g->n + 1, sizeof *g->v, 8))
        return ONOMA_ENOMEM;
    onoma__glob *x = &g->v[g->n];
    x->pat = onoma__strndup(pat, n);
    x->base = strdup(base);
    if (!x->pat || !x->base) {
        free(x->pat);
        free(x->base);
        return ONOMA_ENOMEM;
    }
    g->n++;
    return 0;
}

static void globs_free(onoma__globs *g)
{
    for (size_t i = 0; i < g->n; i++) {
        free(g->v[i].pat);
        free(g->v[i].base);
    }
    free(g->v);
    memset(g, 0, sizeof *g);
}

static int globs_copy(onoma__globs *dst, const onoma__globs *src)
{
    for (size_t i = 0; i < src->n; i++)
        if (globs_add(dst, src->v[i].pat, strlen(src->v[i].pat), src->v[i].base))
            return ONOMA_ENOMEM;
    return 0;
}

void onoma__settings_init(onoma__settings *s)
{
    memset(s, 0, sizeof *s);
    s->root = s->default_tables = s->fuzzy = s->near = s->near_places = s->markup = -1;
}

void onoma__settings_free(onoma__settings *s)
{
    free(s->style);
    onoma__strv_free(&s->tables);
    globs_free(&s->include);
    globs_free(&s->exclude);
    onoma__strv_free(&s->ignore);
    onoma__strv_free(&s->files);
    onoma__settings_init(s);
}

/* Merge top over base (scalars: top wins when set; lists add up). */
static int settings_merge(onoma__settings *out, const onoma__settings *top)
{
    if (top->style) {
        free(out->style);
        if (!(out->style = strdup(top->style)))
            return ONOMA_ENOMEM;
    }
#define TAKE(f) \
    if (top->f >= 0) \
        out->f = top->f;
    TAKE(root)
    TAKE(default_tables)
    TAKE(fuzzy)
    TAKE(near)
    TAKE(near_places)
    TAKE(markup)
#undef TAKE
    out->nflags |= top->nflags;
    if (top->include_set)
        globs_free(&out->include);
    if (strv_copy(&out->tables, &top->tables) || globs_copy(&out->include, &top->include) ||
        globs_copy(&out->exclude, &top->exclude) || strv_copy(&out->ignore, &top->ignore) ||
        strv_copy(&out->files, &top->files))
        return ONOMA_ENOMEM;
    return 0;
}

/* ------------------------------------------------------------------ paths */

char *onoma__abs_path(const char *path)
{
    onoma__buf b = {0};
    if (path[0] != '/') {
        char *cwd = getcwd(NULL, 0);
        if (!cwd)
            return NULL;
        onoma__buf_puts(&b, cwd);
        free(cwd);
    }
    onoma__buf_putc(&b, '/');
    onoma__buf_puts(&b, path);
    if (onoma__buf_putc(&b, 0)) {
        onoma__buf_free(&b);
        return NULL;
    }
    /* resolve ".", ".." and repeated slashes */
    char *src = b.data, *out = malloc(b.len + 1);
    if (!out) {
        onoma__buf_free(&b);
        return NULL;
    }
    size_t o = 0;
    for (char *p = src; *p;) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 1 && p[0] == '.') {
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
        } else {
            out[o++] = '/';
            memcpy(out + o, p, n);
            o += n;
        }
        p += n;
    }
    if (!o)
        out[o++] = '/';
    out[o] = 0;
    onoma__buf_free(&b);
    return out;
}

static char *dir_of(const char *abs)
{
    const char *slash = strrchr(abs, '/');
    if (!slash || slash == abs)
        return strdup("/");
    return onoma__strndup(abs, (size_t)(slash - abs));
}

static char *join(const char *dir, const char *name, size_t n)
{
    size_t dl = strlen(dir);
    char *p = malloc(dl + n + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, dl);
    size_t o = dl;
    if (!dl || dir[dl - 1] != '/')
        p[o++] = '/';
    memcpy(p + o, name, n);
    p[o + n] = 0;
    return p;
}

/* ------------------------------------------------------------- parsing */

static int parse_bool(const char *v, size_t n, int *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"}, *const no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strlen(yes[i]) == n && strncasecmp(v, yes[i], n) == 0)
            return *out = 1, 0;
        if (strlen(no[i]) == n && strncasecmp(v, no[i], n) == 0)
            return *out = 0, 0;
    }
    return -1;
}

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t'))
        (*s)++, (*n)--;
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
        (*n)--;
}

typedef int (*item_fn)(onoma__settings *out, const char *dir, const char *item, size_t n);

static int add_table(onoma__settings *out, const char *dir, const char *item, size_t n)
{
    char *p = item[0] == '/' ? onoma__strndup(item, n) : join(dir, item, n);
    if (!p)
        return ONOMA_ENOMEM;
    int rc = onoma__strv_add(&out->tables, p, strlen(p));
    free(p);
    return rc;
}

static int add_include(onoma__settings *out, const char *dir, const char *item, size_t n)
{
    return globs_add(&out->include, item, n, dir);
}

static int add_exclude(onoma__settings *out, const char *dir, const char *item, size_t n)
{
    return globs_add(&out->exclude, item, n, dir);
}

static int add_ignore(onoma__settings *out, const char *dir, const char *item, size_t n)
{
    return onoma__strv_add(&out->ignore, item, n);
}

static int each_item(onoma__settings *out, const char *dir, const char *v, size_t n, item_fn fn)
{
    while (n) {
        const char *comma = memchr(v, ',', n);
        size_t len = comma ? (size_t)(comma - v) : n;
        const char *it = v;
        size_t il = len;
        trim(&it, &il);
        if (il) {
            int rc = fn(out, dir, it, il);
            if (rc)
                return rc;
        }
        if (!comma)
            break;
        n -= len + 1;
        v = comma + 1;
    }
    return 0;
}

int onoma__config_parse(const char *path, const char *dir, const char *text, size_t len, onoma__settings *out,
                        onoma_diag_fn warn, void *ctx, onoma_error *err)
{
    uint64_t lineno = 0;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - text) : len;
        const char *line = text + i;
        size_t n = end - i;
        i = end + 1;
        lineno++;
        if (lineno == 1 && n >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0)
            line += 3, n -= 3; /* a BOM */
        trim(&line, &n);
        if (!n || line[0] == '#' || line[0] == ';')
            continue;
        const char *eq = memchr(line, '=', n);
        if (!eq)
            return onoma__error(err, ONOMA_EINVAL, path, lineno, 0, "expected 'key = value'");
        const char *k = line, *v = eq + 1;
        size_t kn = (size_t)(eq - line), vn = n - kn - 1;
        trim(&k, &kn);
        trim(&v, &vn);
#define KEY(s) (kn == sizeof(s) - 1 && strncasecmp(k, s, kn) == 0)
        int rc = 0, b;
        if (KEY("root") || KEY("default-tables") || KEY("fuzzy") || KEY("near-miss") || KEY("near-places")) {
            if (parse_bool(v, vn, &b))
                return onoma__error(err, ONOMA_EINVAL, path, lineno, 0, "'%.*s' takes true or false, not '%.*s'",
                                    (int)kn, k, (int)vn, v);
            if (KEY("root"))
                out->root = b;
            else if (KEY("default-tables"))
                out->default_tables = b;
            else if (KEY("fuzzy"))
                out->fuzzy = b;
            else if (KEY("near-miss"))
                out->near = b;
            else
                out->near_places = b;
        } else if (KEY("style")) {
            free(out->style);
            if (!(out->style = onoma__strndup(v, vn)))
                rc = ONOMA_ENOMEM;
        } else if (KEY("tables") || KEY("table")) {
            rc = each_item(out, dir, v, vn, add_table);
        } else if (KEY("include")) {
            rc = each_item(out, dir, v, vn, add_include);
        } else if (KEY("exclude")) {
            rc = each_item(out, dir, v, vn, add_exclude);
        } else if (KEY("ignore")) {
            rc = each_item(out, dir, v, vn, add_ignore);
        } else if (KEY("markup")) {
            char name[32];
            snprintf(name, sizeof name, "%.*s", (int)(vn < 31 ? vn : 31), v);
            int m = strcasecmp(name, "auto") == 0 ? -1 : onoma_markup_from_name(name);
            if (m < 0 && strcasecmp(name, "auto") != 0)
                return onoma__error(err, ONOMA_EINVAL, path, lineno, 0, "unknown markup '%.*s'", (int)vn, v);
            out->markup = m;
        } else if (warn) {
            onoma_error w;
            onoma__error(&w, ONOMA_EINVAL, path, lineno, 0, "unknown key '%.*s' (ignored)", (int)kn, k);
            warn(ctx, &w);
        }
#undef KEY
        if (rc)
            return onoma__error(err, rc, path, lineno, 0, NULL);
    }
    return 0;
}

/* ------------------------------------------------------------- globs */

int onoma__glob_match(const onoma__glob *g, const char *abs, int is_dir)
{
    const char *pat = g->pat;
    size_t pl = strlen(pat);
    char buf[4096];
    if (pl && pat[pl - 1] == '/') {
        if (!is_dir)
            return 0; /* "drafts/" names folders only */
        snprintf(buf, sizeof buf, "%.*s", (int)(pl - 1), pat);
        pat = buf;
    }
    if (!strchr(pat, '/')) {
        const char *slash = strrchr(abs, '/');
        return fnmatch(pat, slash ? slash + 1 : abs, FNM_PERIOD) == 0;
    }
    /* relative to the base folder; '*' may cross '/', "**" too */
    size_t bl = strlen(g->base);
    if (strncmp(abs, g->base, bl) != 0 || (abs[bl] != '/' && bl > 1))
        return 0;
    const char *rel = abs + bl + (abs[bl] == '/');
    if (pat[0] == '/')
        pat++;
    return fnmatch(pat, rel, 0) == 0;
}

int onoma__settings_excluded(const onoma__settings *s, const char *abs, int is_dir)
{
    for (size_t i = 0; i < s->exclude.n; i++)
        if (onoma__glob_match(&s->exclude.v[i], abs, is_dir))
            return 1;
    return 0;
}

int onoma__settings_included(const onoma__settings *s, const char *abs)
{
    if (!s->include.n) {
        static const char *const ext[] = {".txt", ".md", ".markdown", ".rst", ".html", ".htm", ".tex"};
        size_t n = strlen(abs);
        for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
            size_t el = strlen(ext[i]);
            if (n > el && strcasecmp(abs + n - el, ext[i]) == 0)
                return 1;
        }
        return 0;
    }
    for (size_t i = 0; i < s->include.n; i++)
        if (onoma__glob_match(&s->include.v[i], abs, 0))
            return 1;
    return 0;
}

/* -------------------------------------------------------------- project */

typedef struct dir_ent {
    char *dir;
    onoma__settings s; /* merged: .onoma files up to here, then the command line */
    onoma__settings raw; /* merged .onoma files only (for the folders below) */
    struct dir_ent *next;
} dir_ent;

typedef struct ck_ent {
    char *sig;
    onoma_tables *t; /* owned when own_t */
    int own_t;
    onoma_checker *ck;
} ck_ent;

struct onoma__project {
    onoma__settings cli;
    int use_config;
    onoma_diag_fn warn;
    void *ctx;
    dir_ent *dirs[256];
    ck_ent *cks;
    size_t ncks, capcks;
};

int onoma__project_new(const onoma__settings *cli, int use_config, onoma_diag_fn warn, void *ctx,
                       onoma__project **out, onoma_error *err)
{
    *out = NULL;
    onoma__project *p = calloc(1, sizeof *p);
    if (!p)
        return onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    onoma__settings_init(&p->cli);
    if (cli && settings_merge(&p->cli, cli)) {
        onoma__project_free(&p);
        return onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    }
    if (cli)
        p->cli.include_set = cli->include_set;
    p->use_config = use_config;
    p->warn = warn;
    p->ctx = ctx;
    *out = p;
    return 0;
}

void onoma__project_forget(onoma__project *p)
{
    for (size_t i = 0; i < 256; i++) {
        dir_ent *d = p->dirs[i];
        while (d) {
            dir_ent *nx = d->next;
            free(d->dir);
            onoma__settings_free(&d->s);
            onoma__settings_free(&d->raw);
            free(d);
            d = nx;
        }
        p->dirs[i] = NULL;
    }
}

void onoma__project_free(onoma__project **pp)
{
    onoma__project *p = pp ? *pp : NULL;
    if (!p)
        return;
    onoma__project_forget(p);
    for (size_t i = 0; i < p->ncks; i++) {
        onoma_checker_free(&p->cks[i].ck);
        free(p->cks[i].sig);
    }
    for (size_t i = 0; i < p->ncks; i++) /* after the checkers: some share tables */
        if (p->cks[i].own_t)
            onoma_tables_close(&p->cks[i].t);
    free(p->cks);
    onoma__settings_free(&p->cli);
    free(p);
    *pp = NULL;
}

static int read_file(const char *path, onoma__buf *b, int *missing)
{
    *missing = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        *missing = errno == ENOENT || errno == ENOTDIR;
        return -1;
    }
    char chunk[4096];
    size_t r;
    while ((r = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (onoma__buf_put(b, chunk, r)) {
            fclose(f);
            return -1;
        }
    int bad = ferror(f);
    fclose(f);
    return bad ? -1 : 0;
}

static dir_ent *dir_find(onoma__project *p, const char *dir)
{
    uint64_t h = onoma__hash(dir, strlen(dir));
    for (dir_ent *d = p->dirs[h & 255]; d; d = d->next)
        if (strcmp(d->dir, dir) == 0)
            return d;
    return NULL;
}

/* The settings of folder dir (absolute), computed from its parent's. */
static int dir_settings(onoma__project *p, const char *dir, dir_ent **out, onoma_error *err)
{
    dir_ent *d = dir_find(p, dir);
    if (d) {
        *out = d;
        return 0;
    }
    d = calloc(1, sizeof *d);
    if (!d || !(d->dir = strdup(dir))) {
        free(d);
        return onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    }
    onoma__settings_init(&d->s);
    onoma__settings_init(&d->raw);
    int rc = 0;
    onoma__settings own;
    onoma__settings_init(&own);
    int have = 0;
    if (p->use_config) {
        char *cfg = join(dir, ONOMA__CONFIG_NAME, sizeof ONOMA__CONFIG_NAME - 1);
        struct stat st;
        if (!cfg) {
            rc = onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
        } else if (stat(cfg, &st) == 0 && S_ISREG(st.st_mode)) {
            onoma__buf b = {0};
            int missing;
            if (read_file(cfg, &b, &missing))
                rc = onoma__error(err, ONOMA_EIO, cfg, 0, 0, "cannot read: %s", strerror(errno));
            else
                rc = onoma__config_parse(cfg, dir, b.data ? b.data : "", b.len, &own, p->warn, p->ctx, err);
            onoma__buf_free(&b);
            if (!rc)
                rc = onoma__strv_add(&own.files, cfg, strlen(cfg)) ? onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL) : 0;
            have = 1;
        }
        free(cfg);
    }
    /* the parent's files first, unless this one is a root */
    if (!rc && strcmp(dir, "/") != 0 && !(have && own.root == 1) && p->use_config) {
        char *parent = dir_of(dir);
        dir_ent *pd;
        if (!parent)
            rc = onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
        else if (!(rc = dir_settings(p, parent, &pd, err)))
            rc = settings_merge(&d->raw, &pd->raw) ? onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL) : 0;
        free(parent);
    }
    if (!rc && have && settings_merge(&d->raw, &own))
        rc = onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    onoma__settings_free(&own);
    if (!rc && (settings_merge(&d->s, &d->raw) || settings_merge(&d->s, &p->cli)))
        rc = onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    if (rc) {
        free(d->dir);
        onoma__settings_free(&d->s);
        onoma__settings_free(&d->raw);
        free(d);
        return rc;
    }
    uint64_t h = onoma__hash(dir, strlen(dir));
    d->next = p->dirs[h & 255];
    p->dirs[h & 255] = d;
    *out = d;
    return 0;
}

int onoma__project_settings(onoma__project *p, const char *file, const onoma__settings **out, onoma_error *err)
{
    char *abs = onoma__abs_path(file);
    if (!abs)
        return onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    struct stat st;
    char *dir = stat(abs, &st) == 0 && S_ISDIR(st.st_mode) ? strdup(abs) : dir_of(abs);
    free(abs);
    if (!dir)
        return onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    dir_ent *d;
    int rc = dir_settings(p, dir, &d, err);
    free(dir);
    if (rc)
        return rc;
    *out = &d->s;
    return 0;
}

static int sig_add(onoma__buf *b, const char *s)
{
    onoma__buf_puts(b, s ? s : "");
    return onoma__buf_putc(b, '\x1f');
}

int onoma__project_checker(onoma__project *p, const onoma__settings *s, onoma_checker **out, onoma_error *err)
{
    /* what the tables depend on, then what the checker adds */
    onoma__buf sig = {0};
    char num[64];
    snprintf(num, sizeof num, "%d|%u", s->default_tables != 0, s->nflags & ONOMA_EXACT);
    sig_add(&sig, num);
    for (size_t i = 0; i < s->tables.n; i++)
        sig_add(&sig, s->tables.v[i]);
    size_t tables_sig = sig.len;
    unsigned cf = (s->near == 0 ? ONOMA_CHECK_NO_NEAR : 0) | (s->fuzzy == 1 ? ONOMA_CHECK_FUZZY : 0) |
                  (s->near_places == 1 ? ONOMA_CHECK_NEAR_PLACES : 0);
    snprintf(num, sizeof num, "\x1e%u|%u", s->nflags, cf);
    sig_add(&sig, num);
    sig_add(&sig, s->style);
    for (size_t i = 0; i < s->ignore.n; i++)
        sig_add(&sig, s->ignore.v[i]);
    if (onoma__buf_putc(&sig, 0)) {
        onoma__buf_free(&sig);
        return onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    }
    for (size_t i = 0; i < p->ncks; i++) {
        if (strcmp(p->cks[i].sig, sig.data) == 0) {
            onoma__buf_free(&sig);
            *out = p->cks[i].ck;
            return 0;
        }
    }
    /* tables: shared with another checker when they are the same */
    onoma_tables *t = NULL;
    int own_t = 0, rc = 0;
    for (size_t i = 0; i < p->ncks && !t; i++)
        if (strncmp(p->cks[i].sig, sig.data, tables_sig) == 0 && p->cks[i].sig[tables_sig - 1] == '\x1f' &&
            p->cks[i].sig[tables_sig] == '\x1e')
            t = p->cks[i].t;
    if (!t) {
        rc = onoma_tables_open((const char *const *)s->tables.v, s->tables.n,
                               (s->default_tables != 0 ? ONOMA_TABLES_DEFAULTS : 0) |
                                   ((s->nflags & ONOMA_EXACT) ? ONOMA_TABLES_EXACT : 0),
                               &t, err);
        own_t = 1;
    }
    onoma_checker *ck = NULL;
    if (!rc) {
        onoma_check_options o = {s->nflags, cf, s->style};
        rc = onoma_checker_new(t, &o, &ck, err);
    }
    if (!rc)
        rc = onoma_checker_set_ignore(ck, (const char *const *)s->ignore.v, s->ignore.n, err);
    if (!rc && p->ncks == p->capcks) {
        size_t nc = p->capcks ? p->capcks * 2 : 4;
        ck_ent *v = realloc(p->cks, nc * sizeof *v);
        if (!v)
            rc = onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
        else
            p->cks = v, p->capcks = nc;
    }
    if (rc) {
        onoma_checker_free(&ck);
        if (own_t)
            onoma_tables_close(&t);
        onoma__buf_free(&sig);
        return rc;
    }
    p->cks[p->ncks++] = (ck_ent){sig.data, t, own_t, ck};
    *out = ck;
    return 0;
}
