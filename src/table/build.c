#include "table/build.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>

#include "common/error.h"
#include "common/hash.h"
#include "table/format.h"
#include "text/chars.h"
#include "text/utf8.h"

const char *const onoma__type_names[] = {"person", "place", "org", "name", "other"};

/* A spelling claimed by an entry, before hashing. */
typedef struct claim {
    uint32_t off, len;  /* key bytes in the index's key pool */
    uint32_t ef;        /* entry << 3 | ONOMA__T_* */
    uint32_t olen;      /* the spelling as written, for messages */
    const char *orig;
    uint32_t next;      /* next claim of the same key + 1 */
} claim;

typedef struct index_builder {
    onoma__buf keys;
    claim *c;
    size_t nc, capc;
    onoma__slot *slots;
    uint32_t mask;
    uint64_t *filter;
    uint32_t filter_log2;
    uint32_t max_len, nkeys;
} index_builder;

typedef struct builder {
    onoma__source *const *src;
    size_t nsrc;
    unsigned flags;
    onoma_diag_fn diag;
    void *ctx;
    onoma_error *err;
    int rc;        /* first error */
    size_t nerr;
    onoma__buf strings;
    onoma__source_rec *sources;
    onoma__entry_rec *entries;
    size_t nentries, capentries;
    uint32_t *ids; /* entry + 1 */
    uint32_t ids_mask;
    onoma__buf style_names; /* NUL-separated */
    uint32_t nstyles;
    onoma__str *forms;      /* nentries * MAX_STYLES, compacted at the end */
    onoma__override *ov;
    size_t nov, capov;
    index_builder idx[2];
    onoma__buf targets;     /* uint32 */
    onoma__buf scratch;
} builder;

#define MAX_STYLES 64
#define MAX_ERRORS 10000

static int fail(builder *b, int code, const onoma__source *s, uint32_t line, const char *fmt, ...)
    ONOMA__PRINTF(5, 6);

static int fail(builder *b, int code, const onoma__source *s, uint32_t line, const char *fmt, ...)
{
    onoma_error e;
    onoma__error_clear(&e);
    e.code = code;
    snprintf(e.file, sizeof e.file, "%s", s ? s->path : "");
    e.line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e.message, sizeof e.message, fmt, ap);
    va_end(ap);
    if (!b->rc) {
        b->rc = code;
        if (b->err)
            *b->err = e;
    }
    if (b->diag && b->nerr < MAX_ERRORS)
        b->diag(b->ctx, &e);
    b->nerr++;
    return code;
}

static onoma__str put_str(builder *b, const char *p, size_t n)
{
    onoma__str s = {(uint32_t)b->strings.len, (uint32_t)n};
    if (onoma__buf_put(&b->strings, p, n) || onoma__buf_putc(&b->strings, 0))
        b->rc = b->rc ? b->rc : ONOMA_ENOMEM;
    return s;
}

static const char *str_at(const builder *b, onoma__str s) { return b->strings.data + s.off; }

static int first_last_word(const char *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    uint32_t cp;
    if (!n || onoma__utf8_decode(s, n, &cp) <= 0 || !onoma__is_word(cp))
        return 0;
    size_t i = n - 1;
    while (i > 0 && (s[i] & 0xC0) == 0x80)
        i--;
    return onoma__utf8_decode(s + i, n - i, &cp) > 0 && onoma__is_word(cp);
}

static int valid_id(const char *p, size_t n)
{
    if (!n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '.' || c == ':' || c == '/' || c == '-'))
            return 0;
    }
    return 1;
}

static int valid_style_name(const char *p, size_t n)
{
    if (!n || n > 32 || (n == 7 && memcmp(p, "default", 7) == 0))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '_' || p[i] == '-'))
            return 0;
    return 1;
}

/* Index of a style name, adding it; -1 when there are too many. */
static int style_index(builder *b, const char *p, size_t n)
{
    const char *s = b->style_names.data;
    for (uint32_t i = 0; i < b->nstyles; i++) {
        size_t l = strlen(s);
        if (l == n && memcmp(s, p, n) == 0)
            return (int)i;
        s += l + 1;
    }
    if (b->nstyles == MAX_STYLES)
        return -1;
    if (onoma__buf_put(&b->style_names, p, n) || onoma__buf_putc(&b->style_names, 0)) {
        b->rc = b->rc ? b->rc : ONOMA_ENOMEM;
        return -1;
    }
    return (int)b->nstyles++;
}

static uint32_t *id_slot(builder *b, const char *id, size_t n)
{
    uint64_t h = onoma__hash(id, n);
    for (uint32_t i = (uint32_t)h & b->ids_mask;; i = (i + 1) & b->ids_mask) {
        uint32_t e = b->ids[i];
        if (!e)
            return &b->ids[i];
        onoma__str s = b->entries[e - 1].id;
        if (s.len == n && memcmp(str_at(b, s), id, n) == 0)
            return &b->ids[i];
    }
}

static int add_entry(builder *b, onoma__entry_rec *e)
{
    if (b->nentries == b->capentries) {
        size_t nc = b->capentries ? b->capentries * 2 : 256;
        onoma__entry_rec *ne = realloc(b->entries, nc * sizeof *ne);
        onoma__str *nf = realloc(b->forms, nc * MAX_STYLES * sizeof *nf);
        if (ne)
            b->entries = ne;
        if (nf)
            b->forms = nf;
        if (!ne || !nf)
            return b->rc = ONOMA_ENOMEM;
        b->capentries = nc;
    }
    memset(b->forms + b->nentries * MAX_STYLES, 0, MAX_STYLES * sizeof *b->forms);
    b->entries[b->nentries++] = *e;
    return 0;
}

/* Add a spelling of entry e to both indexes. */
static void add_claim(builder *b, const onoma__source *s, uint32_t line, uint32_t entry, uint32_t tflags,
                      const char *p, size_t n)
{
    if (!first_last_word(p, n)) {
        fail(b, ONOMA_ETABLE, s, line, "'%.*s' must begin and end with a letter or digit", (int)n, p);
        return;
    }
    if (n > 4096) {
        fail(b, ONOMA_ETABLE, s, line, "spelling longer than 4096 bytes");
        return;
    }
    for (int k = 0; k < 2; k++) {
        index_builder *ib = &b->idx[k];
        if (k == ONOMA__IDX_FOLD && (b->flags & ONOMA__BUILD_EXACT_ONLY))
            break;
        const char *key = p;
        size_t klen = n;
        if (k == ONOMA__IDX_FOLD) {
            b->scratch.len = 0;
            if (onoma__fold_append(&b->scratch, p, n)) {
                b->rc = ONOMA_ENOMEM;
                return;
            }
            key = b->scratch.data;
            klen = b->scratch.len;
            while (klen && key[klen - 1] == ' ')
                klen--;
            if (!klen) {
                fail(b, ONOMA_ETABLE, s, line, "'%.*s' folds to nothing", (int)n, p);
                return;
            }
        }
        if (ib->nc == ib->capc) {
            size_t nc = ib->capc ? ib->capc * 2 : 1024;
            claim *c = realloc(ib->c, nc * sizeof *c);
            if (!c) {
                b->rc = ONOMA_ENOMEM;
                return;
            }
            ib->c = c;
            ib->capc = nc;
        }
        claim *c = &ib->c[ib->nc++];
        c->off = (uint32_t)ib->keys.len;
        c->len = (uint32_t)klen;
        c->ef = entry << 3 | tflags;
        c->orig = p;
        c->olen = (uint32_t)n;
        c->next = 0;
        if (onoma__buf_put(&ib->keys, key, klen))
            b->rc = ONOMA_ENOMEM;
    }
}

static uint32_t parse_type(const char *p, size_t n)
{
    for (uint32_t t = 0; t < ONOMA__NTYPES; t++)
        if (strlen(onoma__type_names[t]) == n && memcmp(onoma__type_names[t], p, n) == 0)
            return t;
    return UINT32_MAX;
}

static void load_names(builder *b, uint32_t si)
{
    const onoma__source *s = b->src[si];
    for (size_t r = 0; r < s->nrec && b->rc != ONOMA_ENOMEM; r++) {
        const onoma__record *rec = &s->rec[r];
        const onoma__field *f = rec->f;
        if (!valid_id(f[0].p, f[0].len)) {
            fail(b, ONOMA_ETABLE, s, rec->line, "bad id '%.*s' (letters, digits and _ . : / - only)",
                 (int)f[0].len, f[0].p);
            continue;
        }
        uint32_t type = parse_type(f[1].p, f[1].len);
        if (type == UINT32_MAX) {
            fail(b, ONOMA_ETABLE, s, rec->line, "unknown type '%.*s' (person, place, org, name, other)",
                 (int)f[1].len, f[1].p);
            continue;
        }
        if (!f[2].len) {
            fail(b, ONOMA_ETABLE, s, rec->line, "empty canonical form");
            continue;
        }
        uint32_t *slot = id_slot(b, f[0].p, f[0].len);
        if (*slot) {
            const onoma__entry_rec *o = &b->entries[*slot - 1];
            fail(b, ONOMA_EDUPLICATE, s, rec->line, "duplicate id '%.*s' (first at %s:%u)", (int)f[0].len,
                 f[0].p, b->src[o->source]->path, o->line);
            continue;
        }
        onoma__entry_rec e = {.type = type, .parent = UINT32_MAX, .source = si, .line = rec->line};
        e.id = put_str(b, f[0].p, f[0].len);
        e.canonical = put_str(b, f[2].p, f[2].len);
        uint32_t ei = (uint32_t)b->nentries;
        if (add_entry(b, &e))
            return;
        *slot = ei + 1;
        add_claim(b, s, rec->line, ei, ONOMA__T_IDENTITY, f[2].p, f[2].len);
        if (rec->nf > 3) { /* variants: a|~b|?c */
            const char *p = f[3].p, *end = p + f[3].len;
            while (p < end) {
                const char *bar = memchr(p, '|', (size_t)(end - p));
                const char *q = bar ? bar : end;
                uint32_t tf = 0;
                while (p < q && (*p == '~' || *p == '?'))
                    tf |= *p++ == '~' ? ONOMA__T_GUARDED : ONOMA__T_SHARED;
                if (q > p)
                    add_claim(b, s, rec->line, ei, tf, p, (size_t)(q - p));
                else if (tf)
                    fail(b, ONOMA_ETABLE, s, rec->line, "a flag without a variant in '%.*s'", (int)f[3].len,
                         f[3].p);
                p = q + 1;
            }
        }
        if (rec->nf > 4) { /* styles: ap=X;bgn=Y */
            const char *p = f[4].p, *end = p + f[4].len;
            while (p < end) {
                const char *semi = memchr(p, ';', (size_t)(end - p));
                const char *q = semi ? semi : end;
                const char *eq = memchr(p, '=', (size_t)(q - p));
                if (q == p) {
                    p = q + 1;
                    continue;
                }
                int st = eq ? (valid_style_name(p, (size_t)(eq - p)) ? style_index(b, p, (size_t)(eq - p)) : -2)
                            : -2;
                if (st == -2 || eq + 1 >= q) {
                    fail(b, ONOMA_ETABLE, s, rec->line, "bad style form '%.*s' (expected style=form)",
                         (int)(q - p), p);
                } else if (st < 0) {
                    fail(b, ONOMA_ETABLE, s, rec->line, "too many styles (at most %d)", MAX_STYLES);
                } else {
                    b->forms[(size_t)ei * MAX_STYLES + (size_t)st] = put_str(b, eq + 1, (size_t)(q - eq - 1));
                    add_claim(b, s, rec->line, ei, ONOMA__T_IDENTITY, eq + 1, (size_t)(q - eq - 1));
                }
                p = q + 1;
            }
        }
    }
}

static void load_pairs(builder *b, uint32_t si)
{
    const onoma__source *s = b->src[si];
    for (size_t r = 0; r < s->nrec && b->rc != ONOMA_ENOMEM; r++) {
        const onoma__record *rec = &s->rec[r];
        const onoma__field *f = rec->f;
        if (!f[1].len) {
            fail(b, ONOMA_ETABLE, s, rec->line, "empty canonical form");
            continue;
        }
        /* One entry per canonical form; its id is the canonical form. */
        uint32_t *slot = id_slot(b, f[1].p, f[1].len);
        uint32_t ei;
        if (*slot) {
            ei = *slot - 1;
        } else {
            onoma__entry_rec e = {.type = ONOMA__TYPE_OTHER, .parent = UINT32_MAX, .source = si, .line = rec->line};
            e.canonical = e.id = put_str(b, f[1].p, f[1].len);
            ei = (uint32_t)b->nentries;
            if (add_entry(b, &e))
                return;
            *slot = ei + 1;
        }
        add_claim(b, s, rec->line, ei, 0, f[0].p, f[0].len);
    }
}

static void load_style(builder *b, uint32_t si)
{
    const onoma__source *s = b->src[si];
    int st = valid_style_name(s->style.data, s->style.len - 1) ? style_index(b, s->style.data, s->style.len - 1) : -2;
    if (st < 0) {
        fail(b, ONOMA_ETABLE, s, 0, st == -2 ? "bad style name '%s'" : "too many styles ('%s')", s->style.data);
        return;
    }
    b->sources[si].style = (uint32_t)st;
    for (size_t r = 0; r < s->nrec; r++) {
        const onoma__record *rec = &s->rec[r];
        if (!valid_id(rec->f[0].p, rec->f[0].len) || !rec->f[1].len) {
            fail(b, ONOMA_ETABLE, s, rec->line, "malformed style record (expected id, form)");
            continue;
        }
        if (b->nov == b->capov) {
            size_t nc = b->capov ? b->capov * 2 : 64;
            onoma__override *no = realloc(b->ov, nc * sizeof *no);
            if (!no) {
                b->rc = ONOMA_ENOMEM;
                return;
            }
            b->ov = no;
            b->capov = nc;
        }
        onoma__override *o = &b->ov[b->nov++];
        o->id = put_str(b, rec->f[0].p, rec->f[0].len);
        o->form = put_str(b, rec->f[1].p, rec->f[1].len);
        o->style = (uint32_t)st;
        o->source = si;
    }
}

static uint32_t pow2_at_least(size_t n)
{
    uint32_t p = 16;
    while (p < n && p < (1u << 31))
        p <<= 1;
    return p;
}

/* Positions after which a word ends inside the key (prefix lengths). */
static size_t word_ends(const char *key, size_t n, uint32_t *ends, size_t max)
{
    const unsigned char *s = (const unsigned char *)key;
    size_t k = 0;
    int prev_word = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int len = onoma__utf8_decode(s + i, n - i, &cp);
        if (len <= 0)
            len = 1, cp = 0xFFFD;
        int w = onoma__is_word(cp);
        if (prev_word && !w && k < max)
            ends[k++] = (uint32_t)i;
        prev_word = w;
        i += (size_t)len;
    }
    return k;
}

static onoma__slot *find_slot(index_builder *ib, const char *key, size_t n, uint64_t h, int *found)
{
    uint32_t h32 = (uint32_t)(h >> 32);
    for (uint32_t i = (uint32_t)h & ib->mask;; i = (i + 1) & ib->mask) {
        onoma__slot *sl = &ib->slots[i];
        if (!sl->len_flags) {
            *found = 0;
            return sl;
        }
        if (sl->hash32 == h32 && (sl->len_flags & 0xFFFFFF) == n && memcmp(ib->keys.data + sl->key_off, key, n) == 0) {
            *found = 1;
            return sl;
        }
    }
}

static uint64_t filter_bit(uint64_t h, uint32_t log2) { return (h * 0x9E3779B97F4A7C15ull) >> (64 - log2); }

/* Hash all claims of one index into its slot array. */
static void hash_index(builder *b, int k)
{
    index_builder *ib = &b->idx[k];
    uint32_t ends[256];
    size_t bound = 0;
    for (size_t i = 0; i < ib->nc; i++)
        bound += 1 + word_ends(ib->keys.data + ib->c[i].off, ib->c[i].len, ends, 256);
    ib->mask = pow2_at_least(bound + bound / 2 + 1) - 1;
    ib->slots = calloc((size_t)ib->mask + 1, sizeof *ib->slots);
    ib->filter_log2 = 10;
    while (ib->filter_log2 < 27 && (1ull << ib->filter_log2) < 16 * (uint64_t)ib->nc)
        ib->filter_log2++;
    ib->filter = calloc((1ull << ib->filter_log2) / 64, sizeof(uint64_t));
    if (!ib->slots || !ib->filter) {
        b->rc = ONOMA_ENOMEM;
        return;
    }
    for (size_t i = 0; i < ib->nc; i++) {
        claim *c = &ib->c[i];
        const char *key = ib->keys.data + c->off;
        int found;
        uint64_t h = onoma__hash(key, c->len);
        onoma__slot *sl = find_slot(ib, key, c->len, h, &found);
        if (!found) {
            sl->hash32 = (uint32_t)(h >> 32);
            sl->key_off = c->off;
            sl->len_flags = c->len;
            ib->nkeys++;
        }
        sl->len_flags |= ONOMA__SLOT_KEY << 24;
        c->next = sl->targets;
        sl->targets = (uint32_t)i + 1;
        if (c->len > ib->max_len)
            ib->max_len = c->len;
        size_t ne = word_ends(key, c->len, ends, 256);
        uint64_t fh = ne ? onoma__hash(key, ends[0]) : h;
        uint64_t fb = filter_bit(fh, ib->filter_log2);
        ib->filter[fb >> 6] |= 1ull << (fb & 63);
        for (size_t e = 0; e < ne; e++) {
            uint64_t ph = onoma__hash(key, ends[e]);
            onoma__slot *ps = find_slot(ib, key, ends[e], ph, &found);
            if (!found) {
                ps->hash32 = (uint32_t)(ph >> 32);
                ps->key_off = c->off;
                ps->len_flags = ends[e];
                ib->nkeys++;
            }
            ps->len_flags |= ONOMA__SLOT_LONGER << 24;
        }
    }
}

static int same_canonical(const builder *b, uint32_t e1, uint32_t e2)
{
    onoma__str a = b->entries[e1].canonical, c = b->entries[e2].canonical;
    return a.len == c.len && memcmp(str_at(b, a), str_at(b, c), a.len) == 0;
}

/* Turn each key's claim list into its target list, checking conflicts. */
static void resolve_targets(builder *b, int k)
{
    index_builder *ib = &b->idx[k];
    uint32_t tmp[64];
    for (uint32_t i = 0; i <= ib->mask && b->rc != ONOMA_ENOMEM; i++) {
        onoma__slot *sl = &ib->slots[i];
        if (!((sl->len_flags >> 24) & ONOMA__SLOT_KEY))
            continue;
        size_t n = 0;
        int all_shared = 1, reported = 0;
        for (uint32_t ci = sl->targets; ci; ci = ib->c[ci - 1].next) {
            const claim *c = &ib->c[ci - 1];
            uint32_t e = c->ef >> 3, tf = c->ef & 7;
            if (!(tf & ONOMA__T_SHARED))
                all_shared = 0;
            size_t j = 0;
            while (j < n && (tmp[j] >> 3) != e)
                j++;
            if (j < n) { /* the same entry again: merge */
                uint32_t old = tmp[j] & 7;
                uint32_t g = (old & tf & ONOMA__T_GUARDED);
                tmp[j] = e << 3 | g | ((old | tf) & (ONOMA__T_SHARED | ONOMA__T_IDENTITY));
                if (k == ONOMA__IDX_EXACT && b->sources[b->entries[e].source].kind == ONOMA__KIND_PAIRS &&
                    !reported) {
                    const onoma__entry_rec *er = &b->entries[e];
                    fail(b, ONOMA_EDUPLICATE, b->src[er->source], er->line, "duplicate variant '%.*s'",
                         (int)c->olen, c->orig);
                    reported = 1;
                }
                continue;
            }
            if (n == 64)
                continue; /* more than 64 entities on one spelling: keep the first 64 */
            tmp[n++] = c->ef;
        }
        /* Conflict: different canonical forms, not all marked shared. */
        if (!all_shared && !reported) {
            for (size_t j = 1; j < n && !reported; j++) {
                if (same_canonical(b, tmp[0] >> 3, tmp[j] >> 3))
                    continue;
                const onoma__entry_rec *a = &b->entries[tmp[0] >> 3], *c = &b->entries[tmp[j] >> 3];
                const claim *cl = NULL;
                for (uint32_t ci = sl->targets; ci; ci = ib->c[ci - 1].next)
                    if (ib->c[ci - 1].ef >> 3 == tmp[j] >> 3)
                        cl = &ib->c[ci - 1];
                int pairs = b->sources[c->source].kind == ONOMA__KIND_PAIRS;
                fail(b, pairs ? ONOMA_EDUPLICATE : ONOMA_ECONFLICT, b->src[c->source], c->line,
                     "'%.*s' of '%s' is also claimed by '%s' (%s:%u)%s%s", (int)cl->olen, cl->orig,
                     str_at(b, c->id), str_at(b, a->id), b->src[a->source]->path, a->line,
                     k == ONOMA__IDX_FOLD ? " after folding" : "",
                     pairs ? "" : "; mark it '?' in both to report it as ambiguous");
                reported = 1;
            }
        }
        sl->targets = (uint32_t)(b->targets.len / 4);
        uint32_t cnt = (uint32_t)n;
        if (onoma__buf_put(&b->targets, &cnt, 4) || onoma__buf_put(&b->targets, tmp, 4 * n))
            b->rc = ONOMA_ENOMEM;
    }
}

static size_t align8(size_t n) { return (n + 7) & ~(size_t)7; }

static void builder_free(builder *b)
{
    onoma__buf_free(&b->strings);
    free(b->sources);
    free(b->entries);
    free(b->ids);
    onoma__buf_free(&b->style_names);
    free(b->forms);
    free(b->ov);
    for (int k = 0; k < 2; k++) {
        onoma__buf_free(&b->idx[k].keys);
        free(b->idx[k].c);
        free(b->idx[k].slots);
        free(b->idx[k].filter);
    }
    onoma__buf_free(&b->targets);
    onoma__buf_free(&b->scratch);
}

static void link_parents(builder *b)
{
    for (size_t i = 0; i < b->nentries; i++) {
        onoma__entry_rec *e = &b->entries[i];
        const char *id = str_at(b, e->id);
        const char *slash = strrchr(id, '/');
        if (!slash || b->sources[e->source].kind != ONOMA__KIND_NAMES)
            continue;
        uint32_t *p = id_slot(b, id, (size_t)(slash - id));
        if (*p)
            e->parent = *p - 1;
    }
}

static int assemble(builder *b, void **image, size_t *size)
{
    size_t nst = b->nstyles;
    size_t koff[2] = {b->strings.len, b->strings.len + b->idx[0].keys.len};
    size_t strings_len = koff[1] + b->idx[1].keys.len + 1; /* + a final NUL */
    size_t off = align8(sizeof(onoma__table_hdr));
    onoma__table_hdr h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, ONOMA__TABLE_MAGIC, 8);
    h.format = ONOMA__TABLE_FORMAT;
    h.fold_version = ONOMA__FOLD_VERSION;
    UVersionInfo uv;
    u_getUnicodeVersion(uv);
    u_versionToString(uv, h.unicode);
    h.nsources = (uint32_t)b->nsrc;
    h.nentries = (uint32_t)b->nentries;
    h.nstyles = (uint32_t)nst;
    h.ntargets = (uint32_t)(b->targets.len / 4);
    h.strings_off = off, h.strings_len = strings_len, off = align8(off + strings_len);
    h.sources_off = off, off = align8(off + b->nsrc * sizeof(onoma__source_rec));
    h.entries_off = off, off = align8(off + b->nentries * sizeof(onoma__entry_rec));
    h.styles_off = off, off = align8(off + nst * sizeof(onoma__str));
    h.forms_off = off, off = align8(off + b->nentries * nst * sizeof(onoma__str));
    h.targets_off = off, off = align8(off + b->targets.len);
    h.ids_off = off, h.ids_mask = b->ids_mask, off = align8(off + ((size_t)b->ids_mask + 1) * 4);
    h.overrides_off = off, h.noverrides = (uint32_t)b->nov, off = align8(off + b->nov * sizeof(onoma__override));
    for (int k = 0; k < 2; k++) {
        index_builder *ib = &b->idx[k];
        if (!ib->slots)
            continue;
        h.idx[k].slots_off = off, off = align8(off + ((size_t)ib->mask + 1) * sizeof(onoma__slot));
        h.idx[k].filter_off = off, off = align8(off + (1ull << ib->filter_log2) / 8);
        h.idx[k].mask = ib->mask;
        h.idx[k].filter_log2 = ib->filter_log2;
        h.idx[k].max_key_len = ib->max_len;
        h.idx[k].nkeys = ib->nkeys;
    }
    h.size = off;
    if (off > UINT32_MAX * 2ull || strings_len > UINT32_MAX)
        return ONOMA_ERANGE;
    unsigned char *img = calloc(1, off);
    if (!img)
        return ONOMA_ENOMEM;
    memcpy(img, &h, sizeof h);
    memcpy(img + h.strings_off, b->strings.data, b->strings.len);
    memcpy(img + h.strings_off + koff[0], b->idx[0].keys.data, b->idx[0].keys.len);
    if (b->idx[1].keys.len)
        memcpy(img + h.strings_off + koff[1], b->idx[1].keys.data, b->idx[1].keys.len);
    memcpy(img + h.sources_off, b->sources, b->nsrc * sizeof(onoma__source_rec));
    memcpy(img + h.entries_off, b->entries, b->nentries * sizeof(onoma__entry_rec));
    /* The style names were interned last; scratch holds their onoma__str. */
    memcpy(img + h.styles_off, b->scratch.data, nst * sizeof(onoma__str));
    onoma__str *forms = (onoma__str *)(img + h.forms_off);
    for (size_t e = 0; e < b->nentries; e++)
        for (size_t s = 0; s < nst; s++)
            forms[e * nst + s] = b->forms[e * MAX_STYLES + s];
    memcpy(img + h.targets_off, b->targets.data, b->targets.len);
    memcpy(img + h.ids_off, b->ids, ((size_t)b->ids_mask + 1) * 4);
    memcpy(img + h.overrides_off, b->ov, b->nov * sizeof(onoma__override));
    for (int k = 0; k < 2; k++) {
        index_builder *ib = &b->idx[k];
        if (!ib->slots)
            continue;
        onoma__slot *sl = (onoma__slot *)(img + h.idx[k].slots_off);
        for (uint32_t i = 0; i <= ib->mask; i++) {
            sl[i] = ib->slots[i];
            if (sl[i].len_flags)
                sl[i].key_off += (uint32_t)koff[k];
        }
        memcpy(img + h.idx[k].filter_off, ib->filter, (1ull << ib->filter_log2) / 8);
    }
    *image = img;
    *size = off;
    return 0;
}

int onoma__build(onoma__source *const *src, size_t nsrc, unsigned flags, void **image, size_t *size,
                 onoma_diag_fn diag, void *ctx, onoma_error *err)
{
    int rc = onoma__chars_init();
    if (rc)
        return onoma__error(err, rc, NULL, 0, 0, "cannot initialise ICU character data");
    builder b;
    memset(&b, 0, sizeof b);
    b.src = src, b.nsrc = nsrc, b.flags = flags, b.diag = diag, b.ctx = ctx, b.err = err;
    size_t nrec = 0;
    for (size_t i = 0; i < nsrc; i++)
        nrec += src[i]->nrec;
    b.ids_mask = pow2_at_least(2 * nrec + 2) - 1;
    b.ids = calloc((size_t)b.ids_mask + 1, 4);
    b.sources = calloc(nsrc ? nsrc : 1, sizeof *b.sources);
    if (!b.ids || !b.sources) {
        builder_free(&b);
        return onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    }
    onoma__buf_putc(&b.strings, 0); /* offset 0: the empty string */
    for (uint32_t i = 0; i < nsrc; i++) {
        const onoma__source *s = src[i];
        onoma__source_rec *r = &b.sources[i];
        r->path = put_str(&b, s->path, strlen(s->path));
#define META(field) r->field = s->field.len ? put_str(&b, s->field.data, s->field.len - 1) : (onoma__str){0, 0}
        META(name);
        META(version);
        META(license);
        META(source);
#undef META
        r->kind = (uint32_t)s->kind;
        size_t before = b.nentries;
        if (s->kind == ONOMA__KIND_NAMES)
            load_names(&b, i);
        else if (s->kind == ONOMA__KIND_PAIRS)
            load_pairs(&b, i);
        else
            load_style(&b, i);
        r->entries = (uint32_t)(s->kind == ONOMA__KIND_STYLE ? s->nrec : b.nentries - before);
        if (b.rc == ONOMA_ENOMEM)
            break;
    }
    /* Variants per source: claims of the exact index. */
    for (size_t i = 0; i < b.idx[0].nc; i++)
        b.sources[b.entries[b.idx[0].c[i].ef >> 3].source].variants++;
    link_parents(&b);
    for (int k = 0; k < 2 && b.rc != ONOMA_ENOMEM; k++) {
        if (k == ONOMA__IDX_FOLD && (flags & ONOMA__BUILD_EXACT_ONLY))
            break;
        hash_index(&b, k);
        if (b.rc != ONOMA_ENOMEM)
            resolve_targets(&b, k);
        free(b.idx[k].c); /* claims are no longer needed */
        b.idx[k].c = NULL;
    }
    /* Style names into the string pool (scratch holds their onoma__str). */
    b.scratch.len = 0;
    const char *sn = b.style_names.data;
    for (uint32_t i = 0; i < b.nstyles && b.rc != ONOMA_ENOMEM; i++) {
        size_t l = strlen(sn);
        onoma__str s = put_str(&b, sn, l);
        if (onoma__buf_put(&b.scratch, &s, sizeof s))
            b.rc = ONOMA_ENOMEM;
        sn += l + 1;
    }
    if (!b.rc)
        b.rc = assemble(&b, image, size);
    rc = b.rc;
    if (rc == ONOMA_ENOMEM || rc == ONOMA_ERANGE)
        onoma__error(err, rc, NULL, 0, 0, rc == ONOMA_ERANGE ? "table too large (over 4 GB)" : NULL);
    builder_free(&b);
    return rc;
}
