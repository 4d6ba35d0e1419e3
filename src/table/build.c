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
    uint32_t ef;        /* entry << ONOMA__T_BITS | ONOMA__T_* */
    uint32_t olen;      /* the spelling as written, for messages */
    const char *orig;
    uint32_t line;      /* where it is claimed */
    uint32_t next;      /* spare: targets of a key placed late */
} claim;

typedef struct index_builder {
    onoma__buf keys;
    claim *c;
    size_t nc, capc;
    onoma__slot *slots;
    uint32_t mask;
    uint64_t *filter;
    uint64_t *pair, *lpair, *lpre, *cont;
    uint32_t cont_log2, lpre_log2;
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
    uint64_t *ids; /* hash32 << 32 | entry + 1; the image keeps only the entry */
    uint32_t ids_mask;
    onoma__buf style_names; /* NUL-separated */
    uint32_t nstyles;
    struct sform { uint32_t entry, style; onoma__str form; } *forms; /* sparse, made dense at the end */
    size_t nforms, capforms;
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

/* The slot of an id: entry + 1 in its low 32 bits, 0 when absent (then
 * set it with id_set). */
static uint64_t *id_slot_h(builder *b, const char *id, size_t n, uint64_t h)
{
    uint64_t tag = h >> 32 << 32;
    for (uint32_t i = (uint32_t)h & b->ids_mask;; i = (i + 1) & b->ids_mask) {
        uint64_t v = b->ids[i];
        if (!v)
            return &b->ids[i];
        if ((v & ~0xFFFFFFFFull) != tag)
            continue;
        onoma__str s = b->entries[(uint32_t)v - 1].id;
        if (s.len == n && memcmp(str_at(b, s), id, n) == 0)
            return &b->ids[i];
    }
}

static uint64_t *id_slot(builder *b, const char *id, size_t n) { return id_slot_h(b, id, n, onoma__hash(id, n)); }

static void id_set(uint64_t *slot, const char *id, size_t n, uint32_t entry)
{
    *slot = onoma__hash(id, n) >> 32 << 32 | (entry + 1);
}

static int add_entry(builder *b, onoma__entry_rec *e)
{
    if (b->nentries == b->capentries) {
        size_t nc = b->capentries ? b->capentries * 2 : 256;
        onoma__entry_rec *ne = realloc(b->entries, nc * sizeof *ne);
        if (!ne)
            return b->rc = ONOMA_ENOMEM;
        b->entries = ne;
        b->capentries = nc;
    }
    b->entries[b->nentries++] = *e;
    return 0;
}

/* Add a spelling of entry e to both indexes. A canonical or style form
 * that does not begin and end with a letter or digit ("U.S.") is kept as a
 * replacement but cannot be matched. */
/* At least two cased letters, all capitals. */
static int all_caps(const char *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t up = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int len = onoma__utf8_decode(s + i, n - i, &cp);
        if (len <= 0)
            return 0;
        int c = onoma__char_case(cp);
        if (c < 0)
            return 0;
        up += c > 0;
        i += (size_t)len;
    }
    return up >= 2;
}

static void add_claim(builder *b, const onoma__source *s, uint32_t line, uint32_t entry, uint32_t tflags,
                      const char *p, size_t n)
{
    if (onoma__first_case(p, n) <= 0) /* lower case first, or no case at all */
        tflags |= ONOMA__T_LOWER;
    if (all_caps(p, n))
        tflags |= ONOMA__T_CAPS;
    if (!first_last_word(p, n)) {
        if (!(tflags & ONOMA__T_IDENTITY))
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
        c->ef = entry << ONOMA__T_BITS | tflags;
        c->orig = p;
        c->olen = (uint32_t)n;
        c->line = line;
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
        onoma__record rv;
        onoma__source_record(s, r, &rv);
        const onoma__record *rec = &rv;
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
        uint64_t *slot = id_slot(b, f[0].p, f[0].len);
        if (*slot) {
            const onoma__entry_rec *o = &b->entries[(uint32_t)*slot - 1];
            fail(b, ONOMA_EDUPLICATE, s, rec->line, "duplicate id '%.*s' (first at %s:%u)", (int)f[0].len,
                 f[0].p, b->src[o->source]->path, o->line);
            continue;
        }
        /* "~Nice": a canonical form that is a common word too, guarded like a variant */
        int cguard = f[2].p[0] == '~';
        const char *cp = f[2].p + cguard;
        size_t cl = f[2].len - (size_t)cguard;
        if (!cl) {
            fail(b, ONOMA_ETABLE, s, rec->line, "empty canonical form");
            continue;
        }
        onoma__entry_rec e = {.type = type, .parent = UINT32_MAX, .source = si, .line = rec->line};
        e.id = put_str(b, f[0].p, f[0].len);
        e.canonical = put_str(b, cp, cl);
        uint32_t ei = (uint32_t)b->nentries;
        if (add_entry(b, &e))
            return;
        id_set(slot, f[0].p, f[0].len, ei);
        add_claim(b, s, rec->line, ei, ONOMA__T_IDENTITY | (cguard ? ONOMA__T_GUARDED : 0), cp, cl);
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
                    if (b->nforms == b->capforms) {
                        size_t nc = b->capforms ? b->capforms * 2 : 64;
                        struct sform *nf = realloc(b->forms, nc * sizeof *nf);
                        if (!nf) {
                            b->rc = ONOMA_ENOMEM;
                            return;
                        }
                        b->forms = nf;
                        b->capforms = nc;
                    }
                    b->forms[b->nforms++] = (struct sform){ei, (uint32_t)st, put_str(b, eq + 1, (size_t)(q - eq - 1))};
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
    enum { AHEAD = 8 };
    uint64_t hs[AHEAD];
    for (size_t r = 0; r < s->nrec && r < AHEAD; r++) {
        onoma__record ra;
        onoma__source_record(s, r, &ra);
        hs[r] = onoma__hash(ra.f[1].p, ra.f[1].len);
    }
    for (size_t r = 0; r < s->nrec && b->rc != ONOMA_ENOMEM; r++) {
        onoma__record rv;
        onoma__source_record(s, r, &rv);
        const onoma__record *rec = &rv;
        const onoma__field *f = rec->f;
        uint64_t h = hs[r % AHEAD];
        if (r + AHEAD < s->nrec) { /* the id table is large: fetch ahead */
            onoma__record ra;
            onoma__source_record(s, r + AHEAD, &ra);
            uint64_t h2 = onoma__hash(ra.f[1].p, ra.f[1].len);
            hs[r % AHEAD] = h2;
            __builtin_prefetch(&b->ids[(uint32_t)h2 & b->ids_mask]);
        }
        if (!f[1].len) {
            fail(b, ONOMA_ETABLE, s, rec->line, "empty canonical form");
            continue;
        }
        /* One entry per canonical form; its id is the canonical form. */
        uint64_t *slot = id_slot_h(b, f[1].p, f[1].len, h);
        uint32_t ei;
        if (*slot) {
            ei = (uint32_t)*slot - 1;
        } else {
            onoma__entry_rec e = {.type = ONOMA__TYPE_OTHER, .parent = UINT32_MAX, .source = si, .line = rec->line};
            e.canonical = e.id = put_str(b, f[1].p, f[1].len);
            ei = (uint32_t)b->nentries;
            if (add_entry(b, &e))
                return;
            *slot = h >> 32 << 32 | (ei + 1);
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
        onoma__record rv;
        onoma__source_record(s, r, &rv);
        const onoma__record *rec = &rv;
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

/* An index entry to place: a key (a claim's spelling) or a prefix of one. */
typedef struct item {
    uint64_t h;
    uint32_t ci;  /* claim */
    uint32_t len; /* bytes; top bit = a prefix */
} item;
#define ITEM_PREFIX 0x80000000u

/* Stable LSD radix sort on the top 32 bits of h: equal keys end up next to
 * each other, and in the order of their home slots (the top bits). */
static int sort_items(item **v, size_t n)
{
    item *tmp = malloc(n * sizeof *tmp), *a = *v;
    if (!tmp && n)
        return ONOMA_ENOMEM;
    for (int shift = 32; shift < 64; shift += 8) {
        size_t count[257] = {0};
        for (size_t i = 0; i < n; i++)
            count[((a[i].h >> shift) & 0xFF) + 1]++;
        for (int d = 0; d < 256; d++)
            count[d + 1] += count[d];
        for (size_t i = 0; i < n; i++)
            tmp[count[(a[i].h >> shift) & 0xFF]++] = a[i];
        item *t = a;
        a = tmp;
        tmp = t;
    }
    *v = a;
    free(tmp);
    return 0;
}

static uint64_t filter_bit(uint64_t h, uint32_t log2) { return (h * 0x9E3779B97F4A7C15ull) >> (64 - log2); }

static int same_canonical(const builder *b, uint32_t e1, uint32_t e2)
{
    onoma__str a = b->entries[e1].canonical, c = b->entries[e2].canonical;
    return a.len == c.len && memcmp(str_at(b, a), str_at(b, c), a.len) == 0;
}

/* The target list of one key from its claims: merged per entry, checked for
 * conflicts (different canonical forms, not all marked shared). */
/* Returns the slot flags to add (ONOMA__SLOT_ONE when *targets holds the one target itself). */
static uint32_t add_targets(builder *b, int k, const item *g, size_t ng, uint32_t *targets)
{
    index_builder *ib = &b->idx[k];
    uint32_t tmp[64];
    size_t n = 0;
    int all_shared = 1, reported = 0;
    for (size_t x = 0; x < ng; x++) {
        if (g[x].len & ITEM_PREFIX)
            continue;
        const claim *c = &ib->c[g[x].ci];
        uint32_t e = c->ef >> ONOMA__T_BITS, tf = c->ef & ONOMA__T_MASK;
        if (!(tf & ONOMA__T_SHARED))
            all_shared = 0;
        size_t j = 0;
        while (j < n && (tmp[j] >> ONOMA__T_BITS) != e)
            j++;
        if (j < n) { /* the same entry again: merge */
            uint32_t old = tmp[j] & ONOMA__T_MASK;
            tmp[j] = e << ONOMA__T_BITS | (old & tf & (ONOMA__T_GUARDED | ONOMA__T_CAPS)) |
                     ((old | tf) & (ONOMA__T_SHARED | ONOMA__T_IDENTITY | ONOMA__T_LOWER));
            if (k == ONOMA__IDX_EXACT && b->sources[b->entries[e].source].kind == ONOMA__KIND_PAIRS && !reported) {
                const onoma__entry_rec *er = &b->entries[e];
                fail(b, ONOMA_EDUPLICATE, b->src[er->source], c->line, "duplicate variant '%.*s'", (int)c->olen,
                     c->orig);
                reported = 1;
            }
            continue;
        }
        if (n < 64) /* more than 64 entities on one spelling: keep the first 64 */
            tmp[n++] = c->ef;
    }
    for (size_t j = 1; j < n && !all_shared && !reported; j++) {
        if (same_canonical(b, tmp[0] >> ONOMA__T_BITS, tmp[j] >> ONOMA__T_BITS))
            continue;
        const onoma__entry_rec *a = &b->entries[tmp[0] >> ONOMA__T_BITS], *c = &b->entries[tmp[j] >> ONOMA__T_BITS];
        /* a replacement list is exact data: spellings that only fold alike are
         * left to the matcher, which reports them as ambiguous */
        if (k == ONOMA__IDX_FOLD && b->sources[a->source].kind == ONOMA__KIND_PAIRS &&
            b->sources[c->source].kind == ONOMA__KIND_PAIRS)
            continue;
        const claim *cl = NULL, *c0 = NULL;
        for (size_t x = 0; x < ng; x++) {
            if (g[x].len & ITEM_PREFIX)
                continue;
            const claim *cx = &ib->c[g[x].ci];
            if (!cl && cx->ef >> ONOMA__T_BITS == tmp[j] >> ONOMA__T_BITS)
                cl = cx;
            if (!c0 && cx->ef >> ONOMA__T_BITS == tmp[0] >> ONOMA__T_BITS)
                c0 = cx;
        }
        /* the same spelling as written was reported by the exact index already */
        if (k == ONOMA__IDX_FOLD && c0 && cl && c0->olen == cl->olen && memcmp(c0->orig, cl->orig, cl->olen) == 0 &&
            !(b->flags & ONOMA__BUILD_EXACT_ONLY)) {
            reported = 1;
            continue;
        }
        int pairs = b->sources[c->source].kind == ONOMA__KIND_PAIRS;
        fail(b, pairs ? ONOMA_EDUPLICATE : ONOMA_ECONFLICT, b->src[c->source], cl->line,
             "'%.*s' of '%s' is also claimed by '%s' (%s:%u)%s%s", (int)cl->olen, cl->orig, str_at(b, c->id),
             str_at(b, a->id), b->src[a->source]->path, a->line, k == ONOMA__IDX_FOLD ? " after folding" : "",
             pairs ? "" : "; mark it '?' in both to report it as ambiguous");
        reported = 1;
    }
    if (n == 1) {
        *targets = tmp[0];
        return ONOMA__SLOT_ONE;
    }
    *targets = (uint32_t)(b->targets.len / 4);
    uint32_t cnt = (uint32_t)n;
    if (onoma__buf_put(&b->targets, &cnt, 4) || onoma__buf_put(&b->targets, tmp, 4 * n))
        b->rc = ONOMA_ENOMEM;
    return 0;
}

static void place(index_builder *ib, uint32_t pos, const item *rep, uint32_t flags)
{
    onoma__slot *sl = &ib->slots[pos];
    sl->hash32 = (uint32_t)rep->h;
    sl->key_off = ib->c[rep->ci].off;
    sl->len_flags = (rep->len & ~ITEM_PREFIX) | flags << 24;
    ib->nkeys++;
}

/* Build one index: every claim's key and its word-end prefixes, sorted by
 * hash, grouped per key, placed by linear probing in slot order (so the
 * slot array is written front to back). */
static void hash_index(builder *b, int k)
{
    index_builder *ib = &b->idx[k];
    uint32_t ends[256];
    size_t nitems = 0;
    for (size_t i = 0; i < ib->nc; i++)
        nitems += 1 + word_ends(ib->keys.data + ib->c[i].off, ib->c[i].len, ends, 256);
    ib->cont_log2 = 10;
    while (ib->cont_log2 < 30 && (1ull << ib->cont_log2) < 16 * (uint64_t)(nitems - ib->nc))
        ib->cont_log2++;
    ib->cont = calloc((1ull << ib->cont_log2) / 64, sizeof(uint64_t));
    item *it = malloc((nitems ? nitems : 1) * sizeof *it);
    ib->filter_log2 = 10;
    while (ib->filter_log2 < 27 && (1ull << ib->filter_log2) < 8 * (uint64_t)ib->nc)
        ib->filter_log2++;
    ib->filter = calloc((1ull << ib->filter_log2) / 64, sizeof(uint64_t));
    ib->pair = calloc(65536 / 64, sizeof(uint64_t));
    size_t nlower = 0;
    for (size_t i = 0; i < ib->nc; i++) /* the keys that set bits: lower case, ASCII first */
        nlower += (ib->c[i].ef & ONOMA__T_LOWER) && (unsigned char)ib->keys.data[ib->c[i].off] < 0x80;
    ib->lpre_log2 = 12;
    while (ib->lpre_log2 < 24 && (1ull << ib->lpre_log2) < 64 * 4 * (uint64_t)nlower)
        ib->lpre_log2++;
    ib->lpair = calloc(65536 / 64, sizeof(uint64_t));
    ib->lpre = calloc((1ull << ib->lpre_log2) / 64, sizeof(uint64_t));
    if (!it || !ib->filter || !ib->pair || !ib->lpair || !ib->lpre || !ib->cont) {
        free(it);
        b->rc = ONOMA_ENOMEM;
        return;
    }
    size_t m = 0;
    for (size_t i = 0; i < ib->nc; i++) {
        const claim *c = &ib->c[i];
        const char *key = ib->keys.data + c->off;
        uint64_t h = onoma__hash(key, c->len);
        it[m++] = (item){h, (uint32_t)i, c->len};
        if (c->len > ib->max_len)
            ib->max_len = c->len;
        size_t ne = word_ends(key, c->len, ends, 256);
        int fold = k == ONOMA__IDX_FOLD;
        for (size_t e = 0; e < ne; e++) {
            uint64_t ph = onoma__hash(key, ends[e]);
            it[m++] = (item){ph, (uint32_t)i, ends[e] | ITEM_PREFIX};
            /* the word that continues the prefix: its first two bytes */
            const unsigned char *u = (const unsigned char *)key;
            size_t w = ends[e];
            while (w < c->len && !(u[w] < 0x80 ? onoma__ascii_word[u[w]] : 1))
                w++;
            if (w >= c->len || u[w] >= 0x80)
                continue; /* the scanner never filters such words */
            unsigned c0 = onoma__pair_class(u[w], fold, onoma__ascii_word);
            unsigned c1 = onoma__pair_class(w + 1 < c->len ? u[w + 1] : ' ', fold, onoma__ascii_word);
            uint64_t b1 = onoma__cont_bit(ph, c0 << 8 | c1, ib->cont_log2);
            uint64_t b2 = onoma__cont_bit(ph, c0 << 8 | 0x80, ib->cont_log2);
            ib->cont[b1 >> 6] |= 1ull << (b1 & 63);
            if (fold || c1 == 0)
                ib->cont[b2 >> 6] |= 1ull << (b2 & 63);
        }
        uint64_t fb = filter_bit(ne ? it[m - ne].h : h, ib->filter_log2);
        ib->filter[fb >> 6] |= 1ull << (fb & 63);
        /* the pair filter: first two bytes (see format.h) */
        const unsigned char *u0 = (const unsigned char *)key;
        if (u0[0] < 0x80) {
            unsigned c0 = onoma__pair_class(u0[0], fold, onoma__ascii_word);
            unsigned c1 = onoma__pair_class(c->len > 1 ? u0[1] : ' ', fold, onoma__ascii_word);
            unsigned p1 = c0 << 8 | c1, p2 = c0 << 8 | 0x80;
            /* a non-ASCII second character may fold to anything, or end the word */
            int both = fold || c1 == 0;
            ib->pair[p1 >> 6] |= 1ull << (p1 & 63);
            if (both)
                ib->pair[p2 >> 6] |= 1ull << (p2 & 63);
            /* words written in lower case can only match spellings that are too:
             * register the key's first ASCII bytes, and the same cut at 1..3 by a
             * non-ASCII character (text whose character there folds to ASCII) */
            if (fold && (c->ef & ONOMA__T_LOWER)) {
                ib->lpair[p1 >> 6] |= 1ull << (p1 & 63);
                if (both)
                    ib->lpair[p2 >> 6] |= 1ull << (p2 & 63);
                unsigned char v[4];
                size_t np = 0;
                while (np < 4 && np < c->len && u0[np] < 0x80 && onoma__ascii_word[u0[np]])
                    v[np] = u0[np], np++;
                for (size_t cut = 0; cut <= np && cut < 4; cut++) {
                    unsigned char w[4];
                    size_t wl = cut ? cut : np;
                    memcpy(w, v, wl);
                    if (cut)
                        w[wl++] = 0x80;
                    if (!wl || (!cut && !np))
                        continue;
                    uint32_t ph = onoma__prefix_hash(w, wl, onoma__ascii_word) >> (32 - ib->lpre_log2);
                    ib->lpre[ph >> 6] |= 1ull << (ph & 63);
                }
            }
        }
    }
    if (sort_items(&it, m)) {
        free(it);
        b->rc = ONOMA_ENOMEM;
        return;
    }
    /* distinct keys (an upper bound: equal hashes of different keys are split below) */
    size_t distinct = 0;
    for (size_t i = 0; i < m; i++)
        distinct += i == 0 || it[i].h != it[i - 1].h || (it[i].len & ~ITEM_PREFIX) != (it[i - 1].len & ~ITEM_PREFIX);
    uint32_t size = pow2_at_least(distinct + distinct / 3 + 16);
    uint32_t bits = 0;
    while ((1u << bits) < size)
        bits++;
    ib->mask = size - 1;
    ib->slots = calloc(size, sizeof *ib->slots);
    item *spill = NULL;
    size_t nspill = 0;
    if (!ib->slots) {
        free(it);
        b->rc = ONOMA_ENOMEM;
        return;
    }
    uint32_t next = 0; /* first slot not yet taken by the in-order placement */
    int wrapped = 0;
    for (size_t i = 0; i < m && b->rc != ONOMA_ENOMEM;) {
        /* the run of items with these top 32 bits, then split by hash, length and bytes */
        size_t j = i + 1;
        while (j < m && (it[j].h >> 32) == (it[i].h >> 32))
            j++;
        for (size_t a = i; a < j; a++) {
            if (it[a].ci == UINT32_MAX)
                continue; /* already grouped */
            uint32_t alen = it[a].len & ~ITEM_PREFIX;
            const char *akey = ib->keys.data + ib->c[it[a].ci].off;
            uint32_t flags = 0;
            item grp[256];
            size_t ng = 0;
            for (size_t x = a; x < j; x++) {
                if (it[x].ci == UINT32_MAX || it[x].h != it[a].h || (it[x].len & ~ITEM_PREFIX) != alen)
                    continue;
                if (x != a && memcmp(ib->keys.data + ib->c[it[x].ci].off, akey, alen) != 0)
                    continue;
                flags |= (it[x].len & ITEM_PREFIX) ? ONOMA__SLOT_LONGER : ONOMA__SLOT_KEY;
                if (!(it[x].len & ITEM_PREFIX) && ng < 256)
                    grp[ng++] = it[x];
                if (x != a)
                    it[x].ci = UINT32_MAX;
            }
            item rep = it[a];
            uint32_t home = (uint32_t)(rep.h >> (64 - bits));
            uint32_t pos = home > next ? home : next;
            if (wrapped || pos >= size) {
                /* past the end: placed after the in-order pass, by probing */
                item *ns = realloc(spill, (nspill + 1) * sizeof *ns);
                if (!ns) {
                    b->rc = ONOMA_ENOMEM;
                    break;
                }
                spill = ns;
                spill[nspill] = rep;
                spill[nspill].len = alen | flags << 24; /* flags travel in the top byte */
                nspill++;
                if (flags & ONOMA__SLOT_KEY) {
                    /* targets now, slot later: keep them in the claim's spare field */
                    flags |= add_targets(b, k, grp, ng, &ib->c[rep.ci].next);
                    spill[nspill - 1].len = alen | flags << 24;
                }
                wrapped = 1;
                continue;
            }
            place(ib, pos, &rep, flags);
            if (flags & ONOMA__SLOT_KEY)
                ib->slots[pos].len_flags |= add_targets(b, k, grp, ng, &ib->slots[pos].targets) << 24;
            next = pos + 1;
        }
        i = j;
    }
    for (size_t i = 0; i < nspill && b->rc != ONOMA_ENOMEM; i++) {
        uint32_t flags = spill[i].len >> 24, len = spill[i].len & 0xFFFFFF;
        uint32_t pos = (uint32_t)(spill[i].h >> (64 - bits));
        while (ib->slots[pos].len_flags)
            pos = (pos + 1) & ib->mask;
        item rep = {spill[i].h, spill[i].ci, len};
        place(ib, pos, &rep, flags);
        if (flags & ONOMA__SLOT_KEY)
            ib->slots[pos].targets = ib->c[spill[i].ci].next;
    }
    free(spill);
    free(it);
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
        free(b->idx[k].pair);
        free(b->idx[k].lpair);
        free(b->idx[k].lpre);
        free(b->idx[k].cont);
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
        uint64_t *p = id_slot(b, id, (size_t)(slash - id));
        if (*p)
            e->parent = (uint32_t)*p - 1;
    }
}

/* memcpy that also accepts an empty source (NULL, 0). */
static void copy(void *dst, const void *src, size_t n)
{
    if (n)
        memcpy(dst, src, n);
}

static int assemble(builder *b, void **image, size_t *size)
{
    size_t nst = b->nstyles;
    size_t koff[2] = {b->strings.len, b->strings.len + b->idx[0].keys.len};
    size_t strings_len = koff[1] + b->idx[1].keys.len + 1; /* + a final NUL */
    size_t off = align8(sizeof(onoma__table_hdr));
    onoma__table_hdr h;
    memset(&h, 0, sizeof h);
    copy(h.magic, ONOMA__TABLE_MAGIC, 8);
    h.format = ONOMA__TABLE_FORMAT;
    h.fold_version = ONOMA__FOLD_VERSION;
    h.hash_check = onoma__hash(ONOMA__HASH_PROBE, sizeof ONOMA__HASH_PROBE - 1);
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
        h.idx[k].pair_off = off, off = align8(off + 65536 / 8);
        h.idx[k].lpair_off = off, off = align8(off + 65536 / 8);
        h.idx[k].lpre_off = off, off = align8(off + (1ull << ib->lpre_log2) / 8);
        h.idx[k].lpre_log2 = ib->lpre_log2;
        h.idx[k].cont_off = off, off = align8(off + (1ull << ib->cont_log2) / 8);
        h.idx[k].cont_log2 = ib->cont_log2;
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
    copy(img, &h, sizeof h);
    /* each piece is freed once copied: the image and the builder do not both stay whole */
    copy(img + h.strings_off, b->strings.data, b->strings.len);
    onoma__buf_free(&b->strings);
    copy(img + h.strings_off + koff[0], b->idx[0].keys.data, b->idx[0].keys.len);
    onoma__buf_free(&b->idx[0].keys);
    if (b->idx[1].keys.len)
        copy(img + h.strings_off + koff[1], b->idx[1].keys.data, b->idx[1].keys.len);
    onoma__buf_free(&b->idx[1].keys);
    copy(img + h.sources_off, b->sources, b->nsrc * sizeof(onoma__source_rec));
    copy(img + h.entries_off, b->entries, b->nentries * sizeof(onoma__entry_rec));
    free(b->entries);
    b->entries = NULL;
    /* The style names were interned last; scratch holds their onoma__str. */
    copy(img + h.styles_off, b->scratch.data, nst * sizeof(onoma__str));
    onoma__str *forms = (onoma__str *)(img + h.forms_off);
    for (size_t i = 0; i < b->nforms; i++)
        forms[(size_t)b->forms[i].entry * nst + b->forms[i].style] = b->forms[i].form;
    copy(img + h.targets_off, b->targets.data, b->targets.len);
    onoma__buf_free(&b->targets);
    uint32_t *ids = (uint32_t *)(img + h.ids_off);
    for (size_t i = 0; i <= b->ids_mask; i++)
        ids[i] = (uint32_t)b->ids[i];
    free(b->ids);
    b->ids = NULL;
    copy(img + h.overrides_off, b->ov, b->nov * sizeof(onoma__override));
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
        free(ib->slots);
        ib->slots = NULL;
        copy(img + h.idx[k].filter_off, ib->filter, (1ull << ib->filter_log2) / 8);
        copy(img + h.idx[k].pair_off, ib->pair, 65536 / 8);
        copy(img + h.idx[k].lpair_off, ib->lpair, 65536 / 8);
        copy(img + h.idx[k].lpre_off, ib->lpre, (1ull << ib->lpre_log2) / 8);
        copy(img + h.idx[k].cont_off, ib->cont, (1ull << ib->cont_log2) / 8);
    }
    onoma__table_hdr *hp = (onoma__table_hdr *)(void *)img;
    hp->checksum = onoma__checksum(img, sizeof *hp) ^ onoma__checksum(img + sizeof *hp, off - sizeof *hp);
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
    b.ids_mask = pow2_at_least(nrec + nrec / 2 + 2) - 1;
    b.ids = calloc((size_t)b.ids_mask + 1, sizeof *b.ids);
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
        b.sources[b.entries[b.idx[0].c[i].ef >> ONOMA__T_BITS].source].variants++;
    link_parents(&b);
    for (int k = 0; k < 2 && b.rc != ONOMA_ENOMEM; k++) {
        if (k == ONOMA__IDX_FOLD && (flags & ONOMA__BUILD_EXACT_ONLY))
            break;
        hash_index(&b, k);
        free(b.idx[k].c); /* claims are no longer needed */
        b.idx[k].c = NULL;
    }
    if (flags & ONOMA__BUILD_FREE_SOURCES) /* all strings are in the pools now */
        for (size_t i = 0; i < nsrc; i++) {
            free(src[i]->data);
            free(src[i]->rec);
            src[i]->data = NULL;
            src[i]->rec = NULL;
            src[i]->nrec = src[i]->len = 0;
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
