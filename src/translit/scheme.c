#include "translit/scheme.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "onoma_config.h"
#include "common/buf.h"
#include "common/error.h"

/* ------------------------------------------------------------ languages */

static const char *const lang_alias[][2] = {
    {"ara", "ar"}, {"fas", "fa"}, {"per", "fa"}, {"pus", "ps"}, {"urd", "ur"}, {"heb", "he"},
    {"rus", "ru"}, {"ukr", "uk"}, {"bel", "be"}, {"bul", "bg"}, {"ell", "el"}, {"gre", "el"},
    {"mkd", "mk"}, {"mac", "mk"}, {"srp", "sr"}, {"kaz", "kk"}, {"kir", "ky"}, {"tgk", "tg"},
    {"mon", "mn"}, {"uzb", "uz"}, {"aze", "az"}, {"tuk", "tk"}, {"bak", "ba"}, {"tat", "tt"},
    {"chv", "cv"}, {"che", "ce"}, {"oss", "os"}, {"abk", "ab"}, {"kom", "kv"}, {"iw", "he"},
};

const char *onoma__lang_canonical(const char *lang)
{
    for (size_t i = 0; i < sizeof lang_alias / sizeof *lang_alias; i++)
        if (strcmp(lang, lang_alias[i][0]) == 0)
            return lang_alias[i][1];
    return lang;
}

int onoma__lang_script(const char *lang)
{
    static const char *const arab[] = {"ar", "fa", "prs", "ps", "ur"};
    static const char *const cyrl[] = {"ru", "uk", "be", "bg", "mk", "sr", "rue", "kk", "ky", "tg", "mn",
                                       "uz", "az", "tk", "ba", "tt", "cv", "ce", "os", "ab", "kv", "udm",
                                       "mhr", "sah"};
    lang = onoma__lang_canonical(lang);
    for (size_t i = 0; i < sizeof arab / sizeof *arab; i++)
        if (strcmp(lang, arab[i]) == 0)
            return ONOMA__SCRIPT_ARAB;
    for (size_t i = 0; i < sizeof cyrl / sizeof *cyrl; i++)
        if (strcmp(lang, cyrl[i]) == 0)
            return ONOMA__SCRIPT_CYRL;
    if (strcmp(lang, "el") == 0)
        return ONOMA__SCRIPT_GREK;
    if (strcmp(lang, "he") == 0 || strcmp(lang, "yi") == 0)
        return ONOMA__SCRIPT_HEBR;
    return ONOMA__SCRIPT_OTHER;
}

int onoma__lang_latin(const char *lang)
{
    static const char *const latn[] = {"en", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "no", "nb", "nn",
                                       "fi", "pl", "cs", "sk", "sl", "hr", "bs", "sq", "ro", "hu", "tr", "id",
                                       "ms", "vi", "tl", "sw", "la", "ga", "cy", "eu", "ca", "gl", "et", "lv",
                                       "lt", "is", "mt", "af", "eng", "fra", "deu", "spa", "ita", "por", "tur"};
    for (size_t i = 0; i < sizeof latn / sizeof *latn; i++)
        if (strcmp(lang, latn[i]) == 0)
            return 1;
    return 0;
}

int onoma__lang_in(const char *list, const char *lang)
{
    size_t n = strlen(lang);
    for (const char *p = list; *p;) {
        while (*p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        if ((size_t)(e - p) == n && n && memcmp(p, lang, n) == 0)
            return 1;
        p = e;
    }
    return 0;
}

/* ---------------------------------------------------------------- files */

int onoma__translit_default_dir(char *buf, size_t cap)
{
    /* $ONOMA_TRANSLIT_DIR (as ONOMA_KEY_RULES for the key rules: the build
     * compiles the bundle before any lies beside the schemes), else beside
     * the bundled name table: share/onoma/translit */
    const char *env = getenv("ONOMA_TRANSLIT_DIR");
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
            snprintf(dir, sizeof dir, "%s/translit", names);
            if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
                return snprintf(buf, cap, "%s", dir);
        }
    }
    if (stat(ONOMA_INSTALL_DATADIR "/translit", &st) == 0 && S_ISDIR(st.st_mode))
        return snprintf(buf, cap, "%s", ONOMA_INSTALL_DATADIR "/translit");
    return ONOMA_ENOENT;
}

static char *dup_range(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

/* Append value to *field, "; " separated. */
static int append_field(char **field, const char *v, size_t n)
{
    size_t old = *field ? strlen(*field) : 0;
    char *p = realloc(*field, old + (old ? 2 : 0) + n + 1);
    if (!p)
        return ONOMA_ENOMEM;
    if (old) {
        memcpy(p + old, "; ", 2);
        old += 2;
    }
    memcpy(p + old, v, n);
    p[old + n] = 0;
    *field = p;
    return 0;
}

static void scheme_free(onoma__scheme *sc)
{
    free(sc->path);
    free(sc->stem);
    free(sc->id);
    free(sc->short_name);
    free(sc->langs);
    free(sc->name);
    free(sc->source);
    free(sc->license);
    free(sc->notes);
    memset(sc, 0, sizeof *sc);
}

static int script_of_id(const char *id)
{
    static const char *const tags[] = {NULL, "-Arab-", "-Cyrl-", "-Grek-", "-Hebr-"};
    for (int i = 1; i < ONOMA__SCRIPT_COUNT; i++)
        if (strstr(id, tags[i]))
            return i;
    return ONOMA__SCRIPT_OTHER;
}

/* Parse the header of the file at path into sc. Returns 0, 1 when the
 * file has no `# id:` (not a scheme), or an error. */
static int read_header(const char *path, onoma__scheme *sc, onoma_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return onoma__error(err, errno == ENOENT ? ONOMA_ENOENT : ONOMA_EIO, path, 0, 0, "cannot open: %s",
                            strerror(errno));
    memset(sc, 0, sizeof *sc);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int rc = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = 0;
        if (len == 0)
            continue;
        if (line[0] != '#')
            break;
        const char *k = line + 1;
        while (*k == ' ')
            k++;
        const char *ke = k;
        while ((*ke >= 'a' && *ke <= 'z') || *ke == '_' || *ke == '-')
            ke++;
        if (ke == k || *ke != ':')
            continue;
        const char *v = ke + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        size_t vn = strlen(v);
        while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
            vn--;
        size_t kn = (size_t)(ke - k);
        char **field = NULL;
        int repeat = 1;
#define KEY(s) (kn == sizeof(s) - 1 && memcmp(k, s, kn) == 0)
        if (KEY("id"))
            field = &sc->id, repeat = 0;
        else if (KEY("short"))
            field = &sc->short_name, repeat = 0;
        else if (KEY("lang"))
            field = &sc->langs, repeat = 0;
        else if (KEY("name"))
            field = &sc->name, repeat = 0;
        else if (KEY("source"))
            field = &sc->source;
        else if (KEY("license"))
            field = &sc->license;
        else if (KEY("note"))
            field = &sc->notes;
#undef KEY
        if (!field || (!repeat && *field))
            continue;
        if (append_field(field, v, vn)) {
            rc = onoma__error(err, ONOMA_ENOMEM, path, 0, 0, NULL);
            break;
        }
    }
    int read_err = ferror(f);
    free(line);
    fclose(f);
    if (!rc && read_err)
        rc = onoma__error(err, ONOMA_EIO, path, 0, 0, "read error");
    if (!rc && (!sc->id || !sc->id[0]))
        rc = 1;
    if (!rc) {
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        size_t bn = strlen(base);
        if (bn > 4 && strcmp(base + bn - 4, ".txt") == 0)
            bn -= 4;
        sc->path = strdup(path);
        sc->stem = dup_range(base, bn);
        char **fs[] = {&sc->short_name, &sc->langs, &sc->name, &sc->source, &sc->license, &sc->notes};
        for (size_t i = 0; i < sizeof fs / sizeof *fs; i++)
            if (!*fs[i])
                *fs[i] = strdup("");
        if (!sc->path || !sc->stem || !sc->short_name || !sc->langs || !sc->name || !sc->source ||
            !sc->license || !sc->notes)
            rc = onoma__error(err, ONOMA_ENOMEM, path, 0, 0, NULL);
        else {
            /* language codes as the rest of onoma spells them */
            onoma__buf b = {0};
            for (const char *p = sc->langs; *p && !rc;) {
                while (*p == ' ')
                    p++;
                const char *e = p;
                while (*e && *e != ' ')
                    e++;
                if (e > p) {
                    char code[16];
                    size_t cn = (size_t)(e - p) < sizeof code ? (size_t)(e - p) : sizeof code - 1;
                    memcpy(code, p, cn);
                    code[cn] = 0;
                    if ((b.len && onoma__buf_putc(&b, ' ')) || onoma__buf_puts(&b, onoma__lang_canonical(code)))
                        rc = onoma__error(err, ONOMA_ENOMEM, path, 0, 0, NULL);
                }
                p = e;
            }
            if (!rc && onoma__buf_putc(&b, 0) == 0) {
                free(sc->langs);
                sc->langs = b.data;
            } else {
                onoma__buf_free(&b);
                rc = rc ? rc : onoma__error(err, ONOMA_ENOMEM, path, 0, 0, NULL);
            }
            sc->script = script_of_id(sc->id);
        }
    }
    if (rc)
        scheme_free(sc);
    return rc;
}

static int add(onoma__schemes *s, onoma__scheme *sc)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i].id, sc->id) == 0) {
            scheme_free(sc); /* an earlier file of the same id wins */
            return 0;
        }
    if (s->n == s->cap) {
        size_t nc = s->cap ? 2 * s->cap : 32;
        onoma__scheme *nv = realloc(s->v, nc * sizeof *nv);
        if (!nv) {
            scheme_free(sc);
            return ONOMA_ENOMEM;
        }
        s->v = nv;
        s->cap = nc;
    }
    s->v[s->n++] = *sc;
    return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int load_dir(onoma__schemes *s, const char *dir, onoma_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0; /* a folder of the path that does not exist: nothing to add */
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len < 5 || strcmp(de->d_name + len - 4, ".txt") != 0 || de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn) {
                rc = ONOMA_ENOMEM;
                break;
            }
            names = nn;
        }
        if (!(names[n] = strdup(de->d_name))) {
            rc = ONOMA_ENOMEM;
            break;
        }
        n++;
    }
    closedir(d);
    if (!rc)
        qsort(names, n, sizeof *names, cmp_str); /* deterministic order */
    for (size_t i = 0; i < n && !rc; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        onoma__scheme sc;
        int r = read_header(path, &sc, err);
        if (r == 1)
            continue; /* a README or other text file */
        if (r) {
            rc = r;
            break;
        }
        rc = add(s, &sc);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (rc == ONOMA_ENOMEM)
        onoma__error(err, rc, dir, 0, 0, NULL);
    return rc;
}

int onoma__schemes_load(onoma__schemes *s, const char *const *files, size_t nfiles, const char *path,
                        int bundled, onoma_error *err)
{
    memset(s, 0, sizeof *s);
    int rc = 0;
    for (size_t i = 0; i < nfiles && !rc; i++) {
        onoma__scheme sc;
        rc = read_header(files[i], &sc, err);
        if (rc == 1)
            rc = onoma__error(err, ONOMA_ESCHEME, files[i], 0, 0, "not a scheme file (no '# id:' header line)");
        if (!rc)
            rc = add(s, &sc);
    }
    if (!rc && path) {
        char *copy = strdup(path);
        if (!copy)
            rc = onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
        for (char *save = NULL, *tok = copy ? strtok_r(copy, ":", &save) : NULL; tok && !rc;
             tok = strtok_r(NULL, ":", &save))
            rc = load_dir(s, tok, err);
        free(copy);
    }
    if (!rc && bundled) {
        char dir[PATH_MAX];
        int n = onoma__translit_default_dir(dir, sizeof dir);
        if (n > 0 && (size_t)n < sizeof dir)
            rc = load_dir(s, dir, err);
    }
    if (rc)
        onoma__schemes_free(s);
    return rc;
}

void onoma__schemes_free(onoma__schemes *s)
{
    for (size_t i = 0; i < s->n; i++)
        scheme_free(&s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

int onoma__scheme_read_rules(const onoma__scheme *sc, char **text, size_t *len, onoma_error *err)
{
    *text = NULL;
    FILE *f = fopen(sc->path, "rb");
    if (!f)
        return onoma__error(err, ONOMA_EIO, sc->path, 0, 0, "cannot open: %s", strerror(errno));
    onoma__buf b = {0};
    char chunk[16384];
    size_t n;
    int rc = 0;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (onoma__buf_put(&b, chunk, n)) {
            rc = onoma__error(err, ONOMA_ENOMEM, sc->path, 0, 0, NULL);
            break;
        }
    if (!rc && ferror(f))
        rc = onoma__error(err, ONOMA_EIO, sc->path, 0, 0, "read error");
    fclose(f);
    if (!rc && onoma__buf_putc(&b, 0))
        rc = onoma__error(err, ONOMA_ENOMEM, sc->path, 0, 0, NULL);
    if (rc) {
        onoma__buf_free(&b);
        return rc;
    }
    *text = b.data;
    *len = b.len - 1;
    return 0;
}

/* ------------------------------------------------------------ resolving */

long onoma__schemes_find(const onoma__schemes *s, const char *name, const char *lang)
{
    const char *l = lang ? onoma__lang_canonical(lang) : NULL;
    if (name) {
        for (size_t i = 0; i < s->n; i++)
            if (strcmp(s->v[i].id, name) == 0)
                return (long)i;
        for (size_t i = 0; i < s->n; i++)
            if (strcmp(s->v[i].stem, name) == 0)
                return (long)i;
    }
    if (!l)
        return -1;
    const char *want = name ? name : "bgn";
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i].short_name, want) == 0 && onoma__lang_in(s->v[i].langs, l))
            return (long)i;
    if (name)
        return -1;
    /* no bgn scheme: the first scheme that lists the language (ISO 9 for
     * Macedonian, Serbian ...) */
    for (size_t i = 0; i < s->n; i++)
        if (onoma__lang_in(s->v[i].langs, l))
            return (long)i;
    return -1;
}

int onoma__schemes_is_short(const onoma__schemes *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i].short_name, name) == 0)
            return 1;
    return 0;
}
