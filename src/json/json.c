#include "json/json.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "text/utf8.h"

/* ------------------------------------------------------------------ arena */

struct onoma__json_block {
    onoma__json_block *next;
    size_t used, cap;
    max_align_t align_[];
};

static void *doc_alloc(onoma__json_doc *d, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    onoma__json_block *b = d->blocks;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > 32768 ? n : 32768;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->next = d->blocks;
        b->used = 0;
        b->cap = cap;
        d->blocks = b;
    }
    void *p = (char *)b->align_ + b->used;
    b->used += n;
    return p;
}

void onoma__json_doc_free(onoma__json_doc *d)
{
    onoma__json_block *b = d->blocks;
    while (b) {
        onoma__json_block *nx = b->next;
        free(b);
        b = nx;
    }
    d->blocks = NULL;
    d->root = NULL;
}

/* ----------------------------------------------------------------- parser */

typedef struct parser {
    const unsigned char *s;
    size_t n, i;
    onoma__json_doc *doc;
    onoma_error *err;
    int rc;
} parser;

static int fail(parser *p, const char *what)
{
    if (!p->rc)
        p->rc = onoma__error(p->err, ONOMA_EINVAL, NULL, 0, p->i, "JSON: %s at byte %zu", what, p->i);
    return p->rc;
}

static int nomem(parser *p)
{
    if (!p->rc)
        p->rc = onoma__error(p->err, ONOMA_ENOMEM, NULL, 0, p->i, NULL);
    return p->rc;
}

static void ws(parser *p)
{
    while (p->i < p->n) {
        unsigned c = p->s[p->i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        p->i++;
    }
}

static int literal(parser *p, const char *lit)
{
    size_t k = strlen(lit);
    if (p->n - p->i < k || memcmp(p->s + p->i, lit, k) != 0)
        return fail(p, "invalid literal");
    p->i += k;
    return 0;
}

static int hex4(parser *p, uint32_t *out)
{
    if (p->n - p->i < 4)
        return fail(p, "truncated \\u escape");
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
        unsigned c = p->s[p->i + (size_t)k];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= c - '0';
        else if ((c | 32) >= 'a' && (c | 32) <= 'f')
            v |= (c | 32) - 'a' + 10;
        else
            return fail(p, "bad \\u escape");
    }
    p->i += 4;
    *out = v;
    return 0;
}

static int string(parser *p, const char **out, size_t *out_len)
{
    p->i++; /* the opening quote */
    /* the decoded string is never longer than the raw one */
    size_t start = p->i;
    const unsigned char *q = memchr(p->s + start, '"', p->n - start);
    size_t guess = q ? (size_t)(q - p->s) - start : p->n - start;
    size_t cap = guess + 1;
    char *buf = doc_alloc(p->doc, cap);
    if (!buf)
        return nomem(p);
    size_t o = 0;
    for (;;) {
        if (p->i >= p->n)
            return fail(p, "unterminated string");
        unsigned c = p->s[p->i];
        if (c == '"') {
            p->i++;
            break;
        }
        if (c < 0x20)
            return fail(p, "control character in string");
        char tmp[4];
        size_t tl = 0;
        const char *src = tmp;
        if (c == '\\') {
            if (++p->i >= p->n)
                return fail(p, "unterminated escape");
            unsigned e = p->s[p->i++];
            switch (e) {
            case '"': tmp[0] = '"', tl = 1; break;
            case '\\': tmp[0] = '\\', tl = 1; break;
            case '/': tmp[0] = '/', tl = 1; break;
            case 'b': tmp[0] = '\b', tl = 1; break;
            case 'f': tmp[0] = '\f', tl = 1; break;
            case 'n': tmp[0] = '\n', tl = 1; break;
            case 'r': tmp[0] = '\r', tl = 1; break;
            case 't': tmp[0] = '\t', tl = 1; break;
            case 'u': {
                uint32_t cp = 0;
                if (hex4(p, &cp))
                    return p->rc;
                if (cp >= 0xDC00 && cp <= 0xDFFF)
                    return fail(p, "lone low surrogate");
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    uint32_t lo = 0;
                    if (p->n - p->i < 2 || p->s[p->i] != '\\' || p->s[p->i + 1] != 'u')
                        return fail(p, "lone high surrogate");
                    p->i += 2;
                    if (hex4(p, &lo))
                        return p->rc;
                    if (lo < 0xDC00 || lo > 0xDFFF)
                        return fail(p, "bad surrogate pair");
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                }
                tl = (size_t)onoma__utf8_encode(cp, tmp);
                break;
            }
            default:
                p->i--;
                return fail(p, "bad escape");
            }
        } else if (c < 0x80) {
            /* a run of plain ASCII */
            size_t j = p->i;
            while (j < p->n && p->s[j] >= 0x20 && p->s[j] < 0x80 && p->s[j] != '"' && p->s[j] != '\\')
                j++;
            src = (const char *)p->s + p->i;
            tl = j - p->i;
            p->i = j;
        } else {
            uint32_t cp;
            int l = onoma__utf8_decode(p->s + p->i, p->n - p->i, &cp);
            if (l <= 0)
                return fail(p, "invalid UTF-8 in string");
            src = (const char *)p->s + p->i;
            tl = (size_t)l;
            p->i += (size_t)l;
        }
        if (o + tl >= cap) {
            /* escapes never grow a string; only a wrong guess (a quote
               inside escapes) gets here */
            size_t nc = (o + tl + 1) * 2;
            char *nb = doc_alloc(p->doc, nc);
            if (!nb)
                return nomem(p);
            memcpy(nb, buf, o);
            buf = nb;
            cap = nc;
        }
        memcpy(buf + o, src, tl);
        o += tl;
    }
    buf[o] = 0;
    *out = buf;
    *out_len = o;
    return 0;
}

static int number(parser *p, onoma__json *v)
{
    size_t st = p->i;
    int integer = 1;
    if (p->s[p->i] == '-')
        p->i++;
    if (p->i >= p->n)
        return fail(p, "bad number");
    if (p->s[p->i] == '0') {
        p->i++;
    } else if (p->s[p->i] >= '1' && p->s[p->i] <= '9') {
        while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
            p->i++;
    } else {
        return fail(p, "bad number");
    }
    if (p->i < p->n && p->s[p->i] == '.') {
        integer = 0;
        p->i++;
        size_t d = p->i;
        while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
            p->i++;
        if (p->i == d)
            return fail(p, "bad fraction");
    }
    if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
        integer = 0;
        p->i++;
        if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
            p->i++;
        size_t d = p->i;
        while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
            p->i++;
        if (p->i == d)
            return fail(p, "bad exponent");
    }
    char tmp[64];
    size_t len = p->i - st;
    if (len >= sizeof tmp) {
        char *big = malloc(len + 1);
        if (!big)
            return nomem(p);
        memcpy(big, p->s + st, len);
        big[len] = 0;
        v->num = strtod(big, NULL);
        free(big);
        integer = 0;
    } else {
        memcpy(tmp, p->s + st, len);
        tmp[len] = 0;
        v->num = strtod(tmp, NULL);
        if (integer) {
            char *end;
            long long ll = strtoll(tmp, &end, 10);
            /* strtoll saturates on overflow: keep those as doubles */
            if (*end || ll == LLONG_MAX || ll == LLONG_MIN)
                integer = 0;
            else
                v->i = ll;
        }
    }
    v->type = ONOMA__JSON_NUMBER;
    v->is_int = integer;
    return 0;
}

/* a growable pointer list in the arena (copied once at the end) */
typedef struct plist {
    void **v;
    size_t n, cap;
} plist;

static int plist_add(plist *l, void *x)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 8;
        void **nv = realloc(l->v, nc * sizeof *nv);
        if (!nv)
            return -1;
        l->v = nv;
        l->cap = nc;
    }
    l->v[l->n++] = x;
    return 0;
}

static onoma__json *value(parser *p, int depth);

static int array(parser *p, onoma__json *v, int depth)
{
    p->i++;
    plist items = {0};
    ws(p);
    if (p->i < p->n && p->s[p->i] == ']') {
        p->i++;
    } else {
        for (;;) {
            onoma__json *it = value(p, depth + 1);
            if (!it || plist_add(&items, it)) {
                free(items.v);
                return it ? nomem(p) : p->rc;
            }
            ws(p);
            if (p->i < p->n && p->s[p->i] == ',') {
                p->i++;
                continue;
            }
            if (p->i < p->n && p->s[p->i] == ']') {
                p->i++;
                break;
            }
            free(items.v);
            return fail(p, "expected ',' or ']'");
        }
    }
    v->type = ONOMA__JSON_ARRAY;
    v->len = items.n;
    v->items = doc_alloc(p->doc, (items.n + 1) * sizeof *v->items);
    if (!v->items) {
        free(items.v);
        return nomem(p);
    }
    if (items.n)
        memcpy(v->items, items.v, items.n * sizeof *v->items);
    free(items.v);
    return 0;
}

static int object(parser *p, onoma__json *v, int depth)
{
    p->i++;
    plist keys = {0}, vals = {0};
    size_t *klens = NULL, kcap = 0;
    int rc = 0;
    ws(p);
    if (p->i < p->n && p->s[p->i] == '}') {
        p->i++;
    } else {
        for (;;) {
            ws(p);
            if (p->i >= p->n || p->s[p->i] != '"') {
                rc = fail(p, "expected a key");
                break;
            }
            const char *k;
            size_t kl;
            if ((rc = string(p, &k, &kl)))
                break;
            for (size_t j = 0; j < keys.n; j++)
                if (klens[j] == kl && memcmp(keys.v[j], k, kl) == 0) {
                    rc = fail(p, "duplicate key");
                    break;
                }
            if (rc)
                break;
            ws(p);
            if (p->i >= p->n || p->s[p->i] != ':') {
                rc = fail(p, "expected ':'");
                break;
            }
            p->i++;
            onoma__json *val = value(p, depth + 1);
            if (!val) {
                rc = p->rc;
                break;
            }
            if (keys.n == kcap) {
                kcap = kcap ? kcap * 2 : 8;
                size_t *nk = realloc(klens, kcap * sizeof *nk);
                if (!nk) {
                    rc = nomem(p);
                    break;
                }
                klens = nk;
            }
            klens[keys.n] = kl;
            if (plist_add(&keys, (void *)k) || plist_add(&vals, val)) {
                rc = nomem(p);
                break;
            }
            ws(p);
            if (p->i < p->n && p->s[p->i] == ',') {
                p->i++;
                continue;
            }
            if (p->i < p->n && p->s[p->i] == '}') {
                p->i++;
                break;
            }
            rc = fail(p, "expected ',' or '}'");
            break;
        }
    }
    if (!rc) {
        v->type = ONOMA__JSON_OBJECT;
        v->len = keys.n;
        v->members = doc_alloc(p->doc, (keys.n + 1) * sizeof *v->members);
        if (!v->members)
            rc = nomem(p);
        for (size_t j = 0; !rc && j < keys.n; j++)
            v->members[j] = (onoma__json_member){keys.v[j], klens[j], vals.v[j]};
    }
    free(keys.v);
    free(vals.v);
    free(klens);
    return rc;
}

static onoma__json *value(parser *p, int depth)
{
    if (depth > ONOMA__JSON_MAX_DEPTH) {
        fail(p, "nesting too deep");
        return NULL;
    }
    ws(p);
    if (p->i >= p->n) {
        fail(p, "unexpected end");
        return NULL;
    }
    onoma__json *v = doc_alloc(p->doc, sizeof *v);
    if (!v) {
        nomem(p);
        return NULL;
    }
    memset(v, 0, sizeof *v);
    int rc;
    switch (p->s[p->i]) {
    case '{': rc = object(p, v, depth); break;
    case '[': rc = array(p, v, depth); break;
    case '"':
        v->type = ONOMA__JSON_STRING;
        rc = string(p, &v->s, &v->len);
        break;
    case 't':
        v->type = ONOMA__JSON_BOOL;
        v->b = 1;
        rc = literal(p, "true");
        break;
    case 'f':
        v->type = ONOMA__JSON_BOOL;
        rc = literal(p, "false");
        break;
    case 'n':
        v->type = ONOMA__JSON_NULL;
        rc = literal(p, "null");
        break;
    default:
        if (p->s[p->i] == '-' || (p->s[p->i] >= '0' && p->s[p->i] <= '9'))
            rc = number(p, v);
        else
            rc = fail(p, "unexpected character");
    }
    return rc ? NULL : v;
}

int onoma__json_parse(const char *s, size_t n, onoma__json_doc *doc, onoma_error *err)
{
    doc->root = NULL;
    doc->blocks = NULL;
    parser p = {(const unsigned char *)s, n, 0, doc, err, 0};
    onoma__json *v = value(&p, 0);
    if (v) {
        ws(&p);
        if (p.i < p.n)
            fail(&p, "trailing characters");
    }
    if (p.rc || !v) {
        onoma__json_doc_free(doc);
        return p.rc ? p.rc : ONOMA_EINVAL;
    }
    doc->root = v;
    return 0;
}

/* -------------------------------------------------------------- accessors */

const onoma__json *onoma__json_get(const onoma__json *obj, const char *key)
{
    if (!obj || obj->type != ONOMA__JSON_OBJECT)
        return NULL;
    size_t kl = strlen(key);
    for (size_t i = 0; i < obj->len; i++)
        if (obj->members[i].key_len == kl && memcmp(obj->members[i].key, key, kl) == 0)
            return obj->members[i].val;
    return NULL;
}

const onoma__json *onoma__json_path(const onoma__json *obj, const char *const *keys, size_t n)
{
    for (size_t i = 0; i < n && obj; i++)
        obj = onoma__json_get(obj, keys[i]);
    return obj;
}

const char *onoma__json_str(const onoma__json *v, size_t *len)
{
    if (!v || v->type != ONOMA__JSON_STRING)
        return NULL;
    if (len)
        *len = v->len;
    return v->s;
}

int onoma__json_int(const onoma__json *v, int64_t *out)
{
    if (!v || v->type != ONOMA__JSON_NUMBER || !v->is_int)
        return -1;
    *out = v->i;
    return 0;
}

int onoma__json_is(const onoma__json *v, int type) { return v && v->type == type; }

/* ---------------------------------------------------------------- writing */

int onoma__json_put_str(onoma__buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    if (onoma__buf_reserve(b, n + 2))
        return ONOMA_ENOMEM;
    onoma__buf_putc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7F)
            continue;
        onoma__buf_put(b, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': onoma__buf_put(b, "\\\"", 2); break;
        case '\\': onoma__buf_put(b, "\\\\", 2); break;
        case '\n': onoma__buf_put(b, "\\n", 2); break;
        case '\r': onoma__buf_put(b, "\\r", 2); break;
        case '\t': onoma__buf_put(b, "\\t", 2); break;
        default: {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            onoma__buf_put(b, u, 6);
        }
        }
    }
    onoma__buf_put(b, s + run, n - run);
    return onoma__buf_putc(b, '"');
}

int onoma__json_put_value(onoma__buf *b, const onoma__json *v)
{
    char num[64];
    if (!v)
        return onoma__buf_puts(b, "null");
    switch (v->type) {
    case ONOMA__JSON_NULL: return onoma__buf_puts(b, "null");
    case ONOMA__JSON_BOOL: return onoma__buf_puts(b, v->b ? "true" : "false");
    case ONOMA__JSON_NUMBER:
        if (v->is_int)
            snprintf(num, sizeof num, "%lld", (long long)v->i);
        else if (isfinite(v->num))
            snprintf(num, sizeof num, "%.17g", v->num);
        else
            snprintf(num, sizeof num, "null");
        return onoma__buf_puts(b, num);
    case ONOMA__JSON_STRING: return onoma__json_put_str(b, v->s, v->len);
    case ONOMA__JSON_ARRAY:
        onoma__buf_putc(b, '[');
        for (size_t i = 0; i < v->len; i++) {
            if (i)
                onoma__buf_putc(b, ',');
            if (onoma__json_put_value(b, v->items[i]))
                return ONOMA_ENOMEM;
        }
        return onoma__buf_putc(b, ']');
    default:
        onoma__buf_putc(b, '{');
        for (size_t i = 0; i < v->len; i++) {
            if (i)
                onoma__buf_putc(b, ',');
            onoma__json_put_str(b, v->members[i].key, v->members[i].key_len);
            onoma__buf_putc(b, ':');
            if (onoma__json_put_value(b, v->members[i].val))
                return ONOMA_ENOMEM;
        }
        return onoma__buf_putc(b, '}');
    }
}
