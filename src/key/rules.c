/* Loading the key rule files (the .txt files of tables/keys; format in docs/keys.md).
 * tools/keys/onomakey.py reads the same files the same way. */
#define _POSIX_C_SOURCE 200809L /* opendir, stat, strdup */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "keyint.h"
#include "common/hash.h"

typedef struct {
    onoma__keyrules *r;
    const char *path;
    int line;
    char *msg;
    size_t msgcap;
    int file;
    kr_step *phase; /* the phase rules are added to, or NULL */
} parser;

static int fail(parser *p, int code, const char *fmt, ...)
{
    if (p->msg && p->msgcap) {
        int n = snprintf(p->msg, p->msgcap, "%s:%d: error: ", p->path, p->line);
        if (n >= 0 && (size_t)n < p->msgcap) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(p->msg + n, p->msgcap - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return code;
}

static int is_sym(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'';
}

static int is_ws(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int all_sym(const char *s)
{
    for (; *s; s++)
        if (!is_sym((unsigned char)*s))
            return 0;
    return 1;
}

/* strip ASCII white space in place; returns the start */
static char *strip(char *s)
{
    while (is_ws((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && is_ws((unsigned char)s[n - 1]))
        s[--n] = 0;
    return s;
}

/* split on white space in place; at most max words */
static size_t split(char *s, char **w, size_t max)
{
    size_t n = 0;
    for (;;) {
        while (is_ws((unsigned char)*s))
            s++;
        if (!*s)
            return n;
        if (n == max)
            return max + 1;
        w[n++] = s;
        while (*s && !is_ws((unsigned char)*s))
            s++;
        if (*s)
            *s++ = 0;
    }
}

/* valid UTF-8 without NUL; byte offset of the first bad byte or -1 */
static long utf8_bad(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t len;
        unsigned lo = 0x80, hi = 0xBF;
        if (c == 0)
            return (long)i;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            len = 2;
        else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        } else
            return (long)i;
        if (i + len > n)
            return (long)i;
        for (size_t k = 1; k < len; k++) {
            unsigned b = s[i + k];
            if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF))
                return (long)i;
        }
        i += len;
    }
    return -1;
}

/* one code point of a whole UTF-8 word, or -1 */
static long one_char(const char *w)
{
    const unsigned char *s = (const unsigned char *)w;
    size_t n = strlen(w);
    uint32_t cp;
    size_t len;
    if (s[0] < 0x80)
        return -1;
    if (s[0] < 0xE0) {
        len = 2;
        cp = s[0] & 0x1Fu;
    } else if (s[0] < 0xF0) {
        len = 3;
        cp = s[0] & 0x0Fu;
    } else {
        len = 4;
        cp = s[0] & 0x07u;
    }
    if (n != len)
        return -1;
    for (size_t i = 1; i < len; i++)
        cp = (cp << 6) | (s[i] & 0x3Fu);
    return (long)cp;
}

static int pool_add(onoma__keyrules *r, const void *s, size_t n, const char **out)
{
    /* offsets now, pointers once the pool stops moving (finish()) */
    if (onoma__kr_grow((void **)&r->pool, &r->poolcap, r->poollen + n + 1, 1))
        return ONOMA__KEY_ENOMEM;
    memcpy(r->pool + r->poollen, s, n);
    r->pool[r->poollen + n] = 0;
    *out = (const char *)(uintptr_t)r->poollen;
    r->poollen += n + 1;
    return 0;
}

static int add_word(parser *p, int list, const char *w)
{
    onoma__keyrules *r = p->r;
    size_t n = strlen(w);
    uint64_t h = onoma__kr_hash(w, n);
    long e = onoma__kr_strmap_find(&r->words, w, n, h);
    size_t idx;
    if (e < 0) {
        if (onoma__kr_grow((void **)&r->wmask, &r->capwmask, r->nwmask + 1, sizeof *r->wmask))
            return ONOMA__KEY_ENOMEM;
        idx = r->nwmask++;
        memset(r->wmask[idx], 0, sizeof r->wmask[idx]);
        if (onoma__kr_strmap_add(&r->words, w, n, h, (uint32_t)idx) < 0)
            return ONOMA__KEY_ENOMEM;
    } else
        idx = r->words.ents[e].val;
    r->wmask[idx][list] |= (uint32_t)1 << p->file;
    return 0;
}

static int lang_id(onoma__keyrules *r, const char *code, int add)
{
    for (size_t i = 1; i <= r->nlangs; i++)
        if (strcmp(r->langcodes[i], code) == 0)
            return (int)i;
    if (!add)
        return -1;
    if (r->nlangs == KR_MAX_LANGS)
        return ONOMA__KEY_EINVAL;
    char *c = strdup(code);
    if (!c)
        return ONOMA__KEY_ENOMEM;
    r->langcodes[++r->nlangs] = c;
    return (int)r->nlangs;
}

/* "LEFT { MATCH } RIGHT > REPL" */
static int parse_rule(parser *p, char *s)
{
    onoma__keyrules *r = p->r;
    char *gt = strchr(s, '>');
    if (!gt || strchr(gt + 1, '>'))
        return fail(p, ONOMA__KEY_ERULE, "a rule needs exactly one \">\"");
    *gt = 0;
    char *repl = strip(gt + 1);
    int copy = strcmp(repl, "=") == 0; /* keep the matched text */
    if (copy)
        repl[0] = 0;
    else if (!all_sym(repl))
        return fail(p, ONOMA__KEY_ERULE, "replacement must be a-z, 0-9, ' or =");
    /* the left side without blanks */
    char lhs[256];
    size_t n = 0;
    for (char *q = s; *q; q++) {
        if (*q == ' ' || *q == '\t')
            continue;
        if (n + 1 >= sizeof lhs)
            return fail(p, ONOMA__KEY_ERULE, "rule too long");
        lhs[n++] = *q;
    }
    lhs[n] = 0;
    char *left = lhs + n, *match = lhs, *right = lhs + n; /* empty strings */
    char *ob = strchr(lhs, '{'), *cb = strchr(lhs, '}');
    if (ob || cb) {
        if (!ob || !cb || strchr(ob + 1, '{') || strchr(cb + 1, '}') || ob > cb)
            return fail(p, ONOMA__KEY_ERULE, "expected \"LEFT { MATCH } RIGHT\"");
        *ob = 0;
        *cb = 0;
        left = lhs;
        match = ob + 1;
        right = cb + 1;
    }
    int bol = 0, eol = 0;
    if (left[0] == '^') {
        bol = 1;
        left++;
    } else if (!left[0] && match[0] == '^') {
        bol = 1;
        match++;
    }
    size_t rl = strlen(right), ml = strlen(match);
    if (rl && right[rl - 1] == '$') {
        eol = 1;
        right[--rl] = 0;
    } else if (!rl && ml && match[ml - 1] == '$') {
        eol = 1;
        match[--ml] = 0;
    }
    char *parts[3] = {left, match, right};
    unsigned char enc[3][256];
    size_t lens[3];
    for (int k = 0; k < 3; k++) {
        size_t i = 0;
        for (char *q = parts[k]; *q; q++, i++) {
            int c = (unsigned char)*q;
            if (is_sym(c))
                enc[k][i] = (unsigned char)c;
            else if (c >= 'A' && c <= 'Z') {
                if (!r->has_class[c - 'A'])
                    return fail(p, ONOMA__KEY_ERULE, "unknown class %c", c);
                enc[k][i] = (unsigned char)(128 + c - 'A');
            } else
                return fail(p, ONOMA__KEY_ERULE, "unexpected '%c'", c);
        }
        if (i > 255)
            return fail(p, ONOMA__KEY_ERULE, "rule too long");
        lens[k] = i;
    }
    if (!lens[1])
        return fail(p, ONOMA__KEY_ERULE, "empty match");
    if (strlen(repl) > 255)
        return fail(p, ONOMA__KEY_ERULE, "rule too long");
    kr_step *st = p->phase;
    if (onoma__kr_grow((void **)&st->rules, &st->caprules, st->nrules + 1, sizeof *st->rules))
        return ONOMA__KEY_ENOMEM;
    kr_rule *ru = &st->rules[st->nrules];
    memset(ru, 0, sizeof *ru);
    const char *o[4];
    if (pool_add(r, enc[0], lens[0], &o[0]) || pool_add(r, enc[1], lens[1], &o[1]) ||
        pool_add(r, enc[2], lens[2], &o[2]) || pool_add(r, repl, strlen(repl), &o[3]))
        return ONOMA__KEY_ENOMEM;
    ru->left = (const unsigned char *)o[0];
    ru->match = (const unsigned char *)o[1];
    ru->right = (const unsigned char *)o[2];
    ru->repl = o[3];
    ru->llen = (uint8_t)lens[0];
    ru->mlen = (uint8_t)lens[1];
    ru->rlen = (uint8_t)lens[2];
    ru->replen = (uint8_t)strlen(repl);
    ru->copy = (uint8_t)copy;
    ru->bol = (uint8_t)bol;
    ru->eol = (uint8_t)eol;
    st->nrules++;
    return 0;
}

static int new_step(parser *p, int squeeze, int cls, int track)
{
    onoma__keyrules *r = p->r;
    size_t cap = r->nsteps;
    if (onoma__kr_grow((void **)&r->steps, &cap, r->nsteps + 1, sizeof *r->steps))
        return ONOMA__KEY_ENOMEM;
    kr_step *st = &r->steps[r->nsteps++];
    memset(st, 0, sizeof *st);
    st->squeeze = squeeze;
    st->squeeze_class = cls;
    st->track = track;
    st->file = p->file;
    p->phase = squeeze ? NULL : st;
    return 0;
}

static int directive(parser *p, char *line)
{
    onoma__keyrules *r = p->r;
    kr_file *f = &r->files[p->file];
    char buf[4096];
    if (strlen(line) >= sizeof buf)
        return fail(p, ONOMA__KEY_ERULE, "line too long");
    strcpy(buf, line);
    char *w[512];
    size_t nw = split(buf, w, 511);
    if (nw > 511)
        return fail(p, ONOMA__KEY_ERULE, "too many words on a line");
    const char *d = w[0];
    static const char *const lists[] = {"drop", "drop-lead", "join-next", "join-prev",
                                        NULL, NULL, "common"};
    if (strcmp(d, "class") == 0) {
        if (nw != 4 || strcmp(w[2], "=") != 0 || strlen(w[1]) != 1 || w[1][0] < 'A' ||
            w[1][0] > 'Z')
            return fail(p, ONOMA__KEY_ERULE, "expected \"class X = letters\"");
        if (!f->is_all)
            return fail(p, ONOMA__KEY_ERULE, "classes belong in a file for all languages");
        int c = w[1][0] - 'A';
        if (r->has_class[c])
            return fail(p, ONOMA__KEY_ERULE, "class %s defined twice", w[1]);
        for (const char *q = w[3]; *q; q++) {
            if (!is_sym((unsigned char)*q))
                return fail(p, ONOMA__KEY_ERULE, "bad class member '%c'", *q);
            r->classes[c][(unsigned char)*q] = 1;
        }
        r->has_class[c] = 1;
        return 0;
    }
    if (strcmp(d, "map") == 0) {
        long cp = (nw == 2 || nw == 3) ? one_char(w[1]) : -1;
        if (cp < 0x80 || cp > 0xFFFF)
            return fail(p, ONOMA__KEY_ERULE,
                        "expected \"map CHAR [ascii]\" with one non-ASCII BMP character");
        const char *rep = nw == 3 ? w[2] : "";
        for (const char *q = rep; *q; q++)
            if (!is_sym((unsigned char)*q) && *q != '-')
                return fail(p, ONOMA__KEY_ERULE, "map output must be a-z, 0-9, ' or -");
        kr_map m;
        memset(&m, 0, sizeof m);
        if (strlen(rep) >= sizeof m.repl)
            return fail(p, ONOMA__KEY_ERULE, "map output too long");
        m.cp = (uint16_t)cp;
        m.file = (uint8_t)p->file;
        for (size_t i = 0; rep[i]; i++)
            m.repl[i] = rep[i] == '-' ? ' ' : rep[i];
        size_t cap = r->nmaps;
        if (onoma__kr_grow((void **)&r->maps, &cap, r->nmaps + 1, sizeof *r->maps))
            return ONOMA__KEY_ENOMEM;
        r->maps[r->nmaps++] = m;
        return 0;
    }
    for (int l = 0; l < KR_NLISTS; l++) {
        if (!lists[l] || strcmp(d, lists[l]) != 0)
            continue;
        for (size_t i = 1; i < nw; i++) {
            if (!all_sym(w[i]))
                return fail(p, ONOMA__KEY_ERULE, "bad word '%s'", w[i]);
            int e = add_word(p, l, w[i]);
            if (e)
                return e;
        }
        return 0;
    }
    if (strcmp(d, "drop-ending") == 0) {
        for (size_t i = 1; i < nw; i++) {
            if (!all_sym(w[i]))
                return fail(p, ONOMA__KEY_ERULE, "bad word '%s'", w[i]);
            size_t cap = r->nendings;
            if (onoma__kr_grow((void **)&r->endings, &cap, r->nendings + 1,
                               sizeof *r->endings))
                return ONOMA__KEY_ENOMEM;
            kr_ending *e = &r->endings[r->nendings];
            e->s = strdup(w[i]);
            if (!e->s)
                return ONOMA__KEY_ENOMEM;
            e->n = strlen(w[i]);
            e->file = p->file;
            r->nendings++;
        }
        return 0;
    }
    if (strcmp(d, "compound") == 0) {
        size_t bar = 0;
        for (size_t i = 1; i < nw; i++)
            if (strcmp(w[i], "|") == 0 && !bar)
                bar = i;
        if (!bar)
            return fail(p, ONOMA__KEY_ERULE, "expected \"compound HEADS | TAILS\"");
        for (size_t i = 1; i < nw; i++) {
            if (i == bar)
                continue;
            if (!all_sym(w[i]))
                return fail(p, ONOMA__KEY_ERULE, "bad word '%s'", w[i]);
            int e = add_word(p, i < bar ? KR_HEAD : KR_TAIL, w[i]);
            if (e)
                return e;
        }
        return 0;
    }
    if (strcmp(d, "initials") == 0 || strcmp(d, "select") == 0 ||
        strcmp(d, "min-ending-stem") == 0) {
        if (nw != 2)
            return fail(p, ONOMA__KEY_ERULE, "expected \"%s VALUE\"", d);
        if (d[0] == 'i') {
            if (strcmp(w[1], "drop") && strcmp(w[1], "keep"))
                return fail(p, ONOMA__KEY_ERULE, "initials is one of drop, keep");
            f->initials_drop = strcmp(w[1], "drop") == 0;
        } else if (d[0] == 's') {
            if (strcmp(w[1], "all") && strcmp(w[1], "first-last"))
                return fail(p, ONOMA__KEY_ERULE, "select is one of all, first-last");
            f->select_first_last = strcmp(w[1], "first-last") == 0;
        } else {
            char *end;
            errno = 0;
            long v = strtol(w[1], &end, 10);
            if (*end || w[1][0] < '0' || w[1][0] > '9' || errno || v > 100)
                return fail(p, ONOMA__KEY_ERULE, "min-ending-stem needs a number");
            f->min_ending_stem = (int)v;
        }
        return 0;
    }
    if (strcmp(d, "phase") == 0 || strcmp(d, "squeeze") == 0) {
        /* an optional last word: the step is for the key or the fine form
         * (the match's second look at tokens with equal keys) only */
        int track = 0;
        if (nw >= 2 && (strcmp(w[nw - 1], "key") == 0 || strcmp(w[nw - 1], "fine") == 0)) {
            track = w[nw - 1][0] == 'k' ? 1 : 2;
            nw--;
        }
        if (d[0] == 'p') {
            if (nw != 2)
                return fail(p, ONOMA__KEY_ERULE, "expected \"phase NAME [key|fine]\"");
            return new_step(p, 0, -1, track);
        }
        int cls = -1;
        if (nw > 2 || (nw == 2 && (strlen(w[1]) != 1 || w[1][0] < 'A' || w[1][0] > 'Z' ||
                                   !r->has_class[w[1][0] - 'A'])))
            return fail(p, ONOMA__KEY_ERULE, "expected \"squeeze [CLASS] [key|fine]\"");
        if (nw == 2)
            cls = w[1][0] - 'A';
        return new_step(p, 1, cls, track);
    }
    if (!p->phase)
        return fail(p, ONOMA__KEY_ERULE, "rule outside a phase: '%s'", line);
    return parse_rule(p, line);
}

static int load_file(onoma__keyrules *r, const char *path, char *msg, size_t msgcap)
{
    parser p = {r, path, 0, msg, msgcap, (int)r->nfiles, NULL};
    if (r->nfiles == KR_MAX_FILES)
        return fail(&p, ONOMA__KEY_ERULE, "more than %d rule files", KR_MAX_FILES);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return fail(&p, ONOMA__KEY_EIO, "cannot open: %s", strerror(errno));
    char *data = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (onoma__kr_grow((void **)&data, &cap, len + 65536 + 1, 1)) {
            fclose(fp);
            free(data);
            return ONOMA__KEY_ENOMEM;
        }
        size_t got = fread(data + len, 1, cap - len - 1, fp);
        len += got;
        if (got == 0)
            break;
    }
    int err = ferror(fp);
    fclose(fp);
    if (err) {
        free(data);
        return fail(&p, ONOMA__KEY_EIO, "read error");
    }
    data[len] = 0;
    long bad = utf8_bad((const unsigned char *)data, len);
    if (bad >= 0) {
        free(data);
        return fail(&p, ONOMA__KEY_ERULE, "invalid UTF-8 or NUL at byte %ld", bad);
    }
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    r->digest = onoma__mix(r->digest ^ onoma__hash(base, strlen(base)), 0x9E3779B97F4A7C15ull);
    r->digest = onoma__mix(r->digest ^ onoma__hash(data, len), 0xD6E8FEB86659FD93ull);
    kr_file *f = &r->files[r->nfiles++];
    memset(f, 0, sizeof *f);
    f->initials_drop = f->select_first_last = f->min_ending_stem = -1;
    f->path = strdup(path);
    if (!f->path) {
        free(data);
        return ONOMA__KEY_ENOMEM;
    }
    /* header: "# key: value" comment lines before the first other line */
    int have_name = 0, have_source = 0, have_license = 0, have_langs = 0, rc = 0;
    char *s = data;
    for (int header = 1; header && *s;) {
        char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        char line[4096];
        if (n >= sizeof line)
            n = sizeof line - 1;
        memcpy(line, s, n);
        line[n] = 0;
        s = nl ? nl + 1 : s + strlen(s);
        char *t = strip(line);
        if (t[0] == '#') {
            char *body = strip(t + 1), *colon = strchr(body, ':');
            if (!colon)
                continue;
            *colon = 0;
            char *k = strip(body), *v = strip(colon + 1);
            if (!k[0] || strchr(k, ' '))
                continue;
            have_name |= strcmp(k, "name") == 0;
            have_source |= strcmp(k, "source") == 0;
            have_license |= strcmp(k, "license") == 0;
            if (strcmp(k, "auto") == 0) {
                if (strcmp(v, "yes") && strcmp(v, "no")) {
                    p.line = 1;
                    rc = fail(&p, ONOMA__KEY_ERULE, "\"# auto:\" is yes or no");
                    break;
                }
                f->no_auto = strcmp(v, "no") == 0;
            }
            if (strcmp(k, "langs") == 0) {
                char *lw[64];
                size_t nl2 = split(v, lw, 63);
                if (nl2 > 63) {
                    p.line = 1;
                    rc = fail(&p, ONOMA__KEY_ERULE, "too many langs");
                    break;
                }
                have_langs = 1;
                for (size_t i = 0; i < nl2 && !rc; i++) {
                    if (strcmp(lw[i], "*") == 0) {
                        f->is_all = 1;
                        continue;
                    }
                    int id = lang_id(r, lw[i], 1);
                    if (id < 0) {
                        rc = id;
                        break;
                    }
                    unsigned char *nlangs = realloc(f->langs, f->nlangs + 1);
                    if (!nlangs) {
                        rc = ONOMA__KEY_ENOMEM;
                        break;
                    }
                    f->langs = nlangs;
                    f->langs[f->nlangs++] = (unsigned char)id;
                }
            }
        } else if (t[0])
            header = 0;
    }
    if (!have_langs)
        f->is_all = 1;
    p.line = 1;
    if (!rc && !have_name)
        rc = fail(&p, ONOMA__KEY_ERULE, "missing \"# name:\" header");
    if (!rc && !have_source)
        rc = fail(&p, ONOMA__KEY_ERULE, "missing \"# source:\" header");
    if (!rc && !have_license)
        rc = fail(&p, ONOMA__KEY_ERULE, "missing \"# license:\" header");
    /* directives */
    s = data;
    for (int ln = 1; !rc && *s; ln++) {
        char *nl = strchr(s, '\n');
        if (nl)
            *nl = 0;
        char *line = s;
        s = nl ? nl + 1 : s + strlen(s);
        p.line = ln;
        /* '#' starts a comment at the line start or after white space */
        for (char *h = strchr(line, '#'); h; h = strchr(h + 1, '#'))
            if (h == line || h[-1] == ' ' || h[-1] == '\t') {
                *h = 0;
                break;
            }
        char *t = strip(line);
        if (t[0])
            rc = directive(&p, t);
    }
    free(data);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_map(const void *a, const void *b)
{
    const kr_map *x = a, *y = b;
    if (x->cp != y->cp)
        return x->cp < y->cp ? -1 : 1;
    return x->file < y->file ? -1 : x->file > y->file;
}

/* pool offsets -> pointers; first-character index of each phase */
static int finish(onoma__keyrules *r)
{
    for (size_t i = 0; i < r->nsteps; i++) {
        kr_step *st = &r->steps[i];
        for (size_t j = 0; j < st->nrules; j++) {
            kr_rule *ru = &st->rules[j];
            ru->left = (const unsigned char *)r->pool + (uintptr_t)ru->left;
            ru->match = (const unsigned char *)r->pool + (uintptr_t)ru->match;
            ru->right = (const unsigned char *)r->pool + (uintptr_t)ru->right;
            ru->repl = r->pool + (uintptr_t)ru->repl;
        }
        if (st->squeeze)
            continue;
        size_t total = 0;
        for (int c = 0; c < 128; c++) {
            st->first[c] = (uint32_t)total;
            for (size_t j = 0; j < st->nrules; j++) {
                unsigned e = st->rules[j].match[0];
                if (e < 128 ? e == (unsigned)c : r->classes[e - 128][c])
                    total++;
            }
        }
        st->first[128] = (uint32_t)total;
        st->byfirst = malloc((total ? total : 1) * sizeof *st->byfirst);
        if (!st->byfirst)
            return ONOMA__KEY_ENOMEM;
        size_t k = 0;
        for (int c = 0; c < 128; c++)
            for (size_t j = 0; j < st->nrules; j++) {
                unsigned e = st->rules[j].match[0];
                if (e < 128 ? e == (unsigned)c : r->classes[e - 128][c])
                    st->byfirst[k++] = (uint16_t)j;
            }
        if (st->nrules > UINT16_MAX)
            return ONOMA__KEY_ERULE;
    }
    if (r->nmaps > 1) /* qsort wants an array, even an empty one */
        qsort(r->maps, r->nmaps, sizeof *r->maps, cmp_map);
    return 0;
}

int onoma__keyrules_load(const char *path, onoma__keyrules **out, char *msg, size_t msgcap)
{
    if (!path || !out)
        return ONOMA__KEY_EINVAL;
    *out = NULL;
    if (msg && msgcap)
        msg[0] = 0;
    onoma__keyrules *r = calloc(1, sizeof *r);
    if (!r)
        return ONOMA__KEY_ENOMEM;
    onoma__kr_strmap_init(&r->words);
    r->digest = ONOMA__KEY_ENGINE_VERSION;
    int rc = 0;
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (msg && msgcap)
            snprintf(msg, msgcap, "%s: error: %s", path, strerror(errno));
        rc = ONOMA__KEY_EIO;
    } else if (S_ISDIR(sb.st_mode)) {
        DIR *d = opendir(path);
        char **names = NULL;
        size_t nn = 0, cap = 0;
        if (!d) {
            if (msg && msgcap)
                snprintf(msg, msgcap, "%s: error: %s", path, strerror(errno));
            rc = ONOMA__KEY_EIO;
        }
        for (struct dirent *de; !rc && d && (de = readdir(d));) {
            size_t n = strlen(de->d_name);
            if (n < 4 || strcmp(de->d_name + n - 4, ".txt") != 0)
                continue;
            size_t pl = strlen(path);
            char *full = malloc(pl + n + 2);
            if (!full || onoma__kr_grow((void **)&names, &cap, nn + 1, sizeof *names)) {
                free(full);
                rc = ONOMA__KEY_ENOMEM;
                break;
            }
            memcpy(full, path, pl);
            full[pl] = '/';
            memcpy(full + pl + 1, de->d_name, n + 1);
            names[nn++] = full;
        }
        if (d)
            closedir(d);
        qsort(names, nn, sizeof *names, cmp_str);
        if (!rc && nn == 0) {
            if (msg && msgcap)
                snprintf(msg, msgcap, "%s: error: no rule files (*.txt)", path);
            rc = ONOMA__KEY_EIO;
        }
        for (size_t i = 0; i < nn; i++) {
            if (!rc)
                rc = load_file(r, names[i], msg, msgcap);
            free(names[i]);
        }
        free(names);
    } else
        rc = load_file(r, path, msg, msgcap);
    if (!rc)
        rc = finish(r);
    if (rc) {
        onoma__keyrules_free(&r);
        return rc;
    }
    *out = r;
    return 0;
}

void onoma__keyrules_free(onoma__keyrules **rp)
{
    if (!rp || !*rp)
        return;
    onoma__keyrules *r = *rp;
    for (size_t i = 0; i < r->nfiles; i++) {
        free(r->files[i].path);
        free(r->files[i].langs);
    }
    for (size_t i = 1; i <= r->nlangs; i++)
        free(r->langcodes[i]);
    for (size_t i = 0; i < r->nsteps; i++) {
        free(r->steps[i].rules);
        free(r->steps[i].byfirst);
    }
    free(r->steps);
    onoma__kr_strmap_free(&r->words);
    free(r->wmask);
    for (size_t i = 0; i < r->nendings; i++)
        free(r->endings[i].s);
    free(r->endings);
    free(r->maps);
    free(r->pool);
    free(r);
    *rp = NULL;
}

int onoma__keyrules_lang(const onoma__keyrules *r, const char *code)
{
    if (!code || strcmp(code, "auto") == 0)
        return 0;
    for (size_t i = 1; i <= r->nlangs; i++)
        if (strcmp(r->langcodes[i], code) == 0)
            return (int)i;
    return -1;
}
