/* The edit-distance near-miss index: a deletion neighbourhood (SymSpell).
 * Every target form registers the strings made by deleting one letter (two
 * for long forms), never the first; a word looks its own deletions up, and
 * the forms found are verified with the weighted cost. A bit filter over the
 * deletion hashes answers most probes without touching the table. */
#include "check/near.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/hash.h"
#include "table/tables.h"
#include "text/chars.h"
#include "text/utf8.h"

typedef struct target {
    uint32_t layer, entry;
    uint32_t off;    /* first code point in cps */
    uint8_t len;     /* code points */
    uint8_t shared;  /* the form of several entities: suggest it without an entity */
} target;

struct onoma__near_index {
    target *tg;
    size_t ntg, captg;
    uint32_t *cps;
    size_t ncps, capcps;
    /* deletion hash -> postings */
    uint64_t *keys;
    uint32_t *heads; /* posting index + 1, 0 = empty slot */
    uint32_t mask;
    uint32_t *post_tg, *post_next;
    size_t npost, cappost;
    uint64_t *filter;
    uint32_t filter_log2;
};

static inline int is_vowel(uint32_t c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'; }

static unsigned sub_cost(uint32_t a, uint32_t b)
{
    if (a == b)
        return 0;
    if (is_vowel(a) && is_vowel(b))
        return 1;
    static const char *const groups[] = {"kqc", "sz", "vw", "jg"};
    if (a < 128 && b < 128)
        for (size_t g = 0; g < sizeof groups / sizeof *groups; g++)
            if (strchr(groups[g], (int)a) && strchr(groups[g], (int)b))
                return 1;
    return 2;
}

/* Cost of w[i] being a letter w has and the other word has not. */
static unsigned indel_cost(const uint32_t *w, size_t n, size_t i)
{
    if (i == 0)
        return 3;
    if (w[i - 1] == w[i] || (i + 1 < n && w[i + 1] == w[i]))
        return 1; /* a doubled letter, also at the end (Tehrann) */
    if (i == n - 1)
        return 3; /* America/American, Island/Islands: other words, not spellings */
    if (w[i] == 'h' && !is_vowel(w[i - 1]))
        return 1; /* kh/k, gh/g, sh/s, dh/d */
    if (is_vowel(w[i]))
        return 1;
    return 2;
}

unsigned onoma__near_cost(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    enum { M = ONOMA__NEAR_MAX_CPS + 1 };
    if (na >= M || nb >= M)
        return 99;
    unsigned d[M][M];
    d[0][0] = 0;
    for (size_t i = 0; i <= na; i++) {
        for (size_t j = 0; j <= nb; j++) {
            if (!i && !j)
                continue;
            unsigned best = 99;
            if (i && d[i - 1][j] + indel_cost(a, na, i - 1) < best)
                best = d[i - 1][j] + indel_cost(a, na, i - 1);
            if (j && d[i][j - 1] + indel_cost(b, nb, j - 1) < best)
                best = d[i][j - 1] + indel_cost(b, nb, j - 1);
            if (i && j) {
                unsigned s = d[i - 1][j - 1] + (i == 1 && j == 1 && a[0] != b[0] ? 3 : sub_cost(a[i - 1], b[j - 1]));
                if (s < best)
                    best = s;
            }
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && a[i - 1] != a[i - 2] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best > 99 ? 99 : best;
        }
    }
    return d[na][nb];
}

static unsigned dmax(size_t n) { return n >= 9 ? 2 : n >= ONOMA__NEAR_MIN_CPS ? 1 : 0; }

unsigned onoma__near_allowed(size_t na, size_t nb)
{
    unsigned x = dmax(na), y = dmax(nb);
    return x < y ? x : y;
}

/* ---------------------------------------------------------------- build */

static inline uint64_t cps_hash(const uint32_t *w, size_t n) { return onoma__hash(w, n * sizeof *w); }

static inline uint64_t filter_bit(uint64_t h, uint32_t log2) { return (h * 0x9E3779B97F4A7C15ull) >> (64 - log2); }

static int add_posting(onoma__near_index *ix, uint64_t h, uint32_t tgi)
{
    uint32_t i = (uint32_t)h & ix->mask;
    while (ix->heads[i] && ix->keys[i] != h)
        i = (i + 1) & ix->mask;
    if (ix->heads[i] && ix->post_tg[ix->heads[i] - 1] == tgi)
        return 0; /* the same form again (a doubled letter deleted either way) */
    size_t c1 = ix->cappost, c2 = ix->cappost; /* one capacity for both */
    if (onoma__grow((void **)&ix->post_tg, &c1, ix->npost + 1, sizeof *ix->post_tg, 4096) ||
        onoma__grow((void **)&ix->post_next, &c2, ix->npost + 1, sizeof *ix->post_next, 4096))
        return ONOMA_ENOMEM;
    ix->cappost = c1;
    ix->post_tg[ix->npost] = tgi;
    ix->post_next[ix->npost] = ix->heads[i];
    ix->keys[i] = h;
    ix->heads[i] = (uint32_t)++ix->npost;
    uint64_t b = filter_bit(h, ix->filter_log2);
    ix->filter[b >> 6] |= 1ull << (b & 63);
    return 0;
}

/* The hashes of the deletion variants of w (0..maxdel letters removed,
 * never the first): a polynomial hash over the letters, so that each
 * variant's hash comes from prefix hashes in constant time, then mixed.
 * Deleting either letter of a doubled pair gives one variant, made once.
 * Returns the count (at most 1 + n + n*n/2). */
#define VAR_B 0x100000001B3ull
#define MAX_VARIANTS (1 + ONOMA__NEAR_MAX_CPS + ONOMA__NEAR_MAX_CPS * ONOMA__NEAR_MAX_CPS / 2)

static inline uint64_t var_final(uint64_t h, size_t len) { return onoma__mix(h ^ ((uint64_t)len << 56), 0x9E3779B97F4A7C15ull); }

static size_t variant_hashes(const uint32_t *w, size_t n, unsigned maxdel, uint64_t *out)
{
    uint64_t P[ONOMA__NEAR_MAX_CPS + 1], pw[ONOMA__NEAR_MAX_CPS + 1];
    P[0] = 0;
    pw[0] = 1;
    for (size_t i = 0; i < n; i++) {
        P[i + 1] = P[i] * VAR_B + (uint64_t)w[i] + 1;
        pw[i + 1] = pw[i] * VAR_B;
    }
#define SPAN(a, b) (P[b] - P[a] * pw[(b) - (a)]) /* hash of w[a..b) */
    size_t k = 0;
    out[k++] = var_final(P[n], n);
    if (!maxdel)
        return k;
    for (size_t i = 1; i < n; i++) {
        if (i > 1 && w[i] == w[i - 1])
            continue;
        out[k++] = var_final(SPAN(0, i) * pw[n - 1 - i] + SPAN(i + 1, n), n - 1);
        if (maxdel < 2)
            continue;
        for (size_t j = i + 1; j < n; j++) {
            if (j > i + 1 && w[j] == w[j - 1])
                continue;
            out[k++] = var_final(SPAN(0, i) * pw[n - 2 - i] + SPAN(i + 1, j) * pw[n - 1 - j] + SPAN(j + 1, n), n - 2);
        }
    }
#undef SPAN
    return k;
}

/* Decode a folded form into code points; 0 unless it is one word of
 * letters of a usable length. */
static size_t word_cps(const char *s, size_t n, uint32_t *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int len = onoma__utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (len <= 0 || !onoma__is_word(cp) || (cp >= '0' && cp <= '9') || cp == '_' ||
            k == ONOMA__NEAR_MAX_CPS)
            return 0;
        out[k++] = cp;
        i += (size_t)len;
    }
    return k >= ONOMA__NEAR_MIN_CPS ? k : 0;
}

/* Spellings per entry of a layer (keys of the exact index, else of the
 * fold index), capped at 255. */
static uint8_t *spelling_counts(const onoma__layer *L)
{
    uint8_t *c = calloc(L->h->nentries ? L->h->nentries : 1, 1);
    const onoma__layer_index *ix = &L->idx[ONOMA__IDX_EXACT];
    if (!ix->slots)
        ix = &L->idx[ONOMA__IDX_FOLD];
    if (!c || !ix->slots)
        return c;
    for (uint64_t i = 0; i <= ix->mask; i++) {
        const onoma__slot *sl = &ix->slots[i];
        if (!sl->len_flags || !((sl->len_flags >> 24) & ONOMA__SLOT_KEY))
            continue;
        uint32_t nt;
        const uint32_t *tg = onoma__slot_targets(L, sl, &nt);
        for (uint32_t j = 0; j < nt; j++) {
            uint32_t e = tg[j] >> ONOMA__T_BITS;
            if (e < L->h->nentries && c[e] < 255)
                c[e]++;
        }
    }
    return c;
}

/* distinct folded forms: hash -> target index + 1 */
typedef struct form_map {
    uint64_t *keys;
    uint32_t *vals;
    uint32_t mask;
} form_map;

int onoma__near_each_target(const onoma_tables *t, uint32_t style, int all_places, onoma__near_target_fn fn,
                            void *ctx)
{
    onoma__buf f = {0};
    int rc = 0;
    for (size_t l = 0; l < t->nlayers && !rc; l++) {
        const onoma__layer *L = &t->layers[l];
        uint8_t *counts = all_places ? NULL : spelling_counts(L);
        if (!all_places && !counts) {
            rc = ONOMA_ENOMEM;
            break;
        }
        for (uint32_t e = 0; e < L->h->nentries && !rc; e++) {
            if (L->entries[e].type == ONOMA__TYPE_PLACE && counts && counts[e] < ONOMA__NEAR_PLACE_SPELLINGS)
                continue;
            size_t clen;
            const char *c = onoma__canonical(t, (uint32_t)l, e, style, &clen);
            f.len = 0;
            if (onoma__fold_append(&f, c, clen)) {
                rc = ONOMA_ENOMEM;
                break;
            }
            uint32_t w[ONOMA__NEAR_MAX_CPS];
            size_t n = word_cps(f.data, f.len, w);
            if (n)
                rc = fn(ctx, (uint32_t)l, e, c, clen, w, n);
        }
        free(counts);
    }
    onoma__buf_free(&f);
    return rc;
}

typedef struct build_targets {
    onoma__near_index *ix;
    form_map *fm;
    const onoma_tables *t;
    uint32_t style;
} build_targets;

static int add_target(void *ctx, uint32_t l, uint32_t e, const char *c, size_t clen, const uint32_t *w, size_t n)
{
    build_targets *b = ctx;
    onoma__near_index *ix = b->ix;
    form_map *fm = b->fm;
    uint64_t h = cps_hash(w, n);
    uint32_t i = (uint32_t)h & fm->mask;
    while (fm->vals[i] && fm->keys[i] != h)
        i = (i + 1) & fm->mask;
    if (fm->vals[i]) {
        target *old = &ix->tg[fm->vals[i] - 1];
        size_t l2;
        const char *c2 = onoma__canonical(b->t, old->layer, old->entry, b->style, &l2);
        if (l2 != clen || memcmp(c2, c, clen) != 0 || old->entry != e || old->layer != l)
            old->shared = 1;
        return 0;
    }
    if (onoma__grow((void **)&ix->tg, &ix->captg, ix->ntg + 1, sizeof *ix->tg, 1024) ||
        onoma__grow((void **)&ix->cps, &ix->capcps, ix->ncps + n, sizeof *ix->cps, 8192))
        return ONOMA_ENOMEM;
    memcpy(ix->cps + ix->ncps, w, n * sizeof *w);
    ix->tg[ix->ntg] = (target){l, e, (uint32_t)ix->ncps, (uint8_t)n, 0};
    ix->ncps += n;
    fm->keys[i] = h;
    fm->vals[i] = (uint32_t)++ix->ntg;
    return 0;
}

int onoma__near_build(const onoma_tables *t, uint32_t style, int all_places, onoma__near_index **out)
{
    *out = NULL;
    onoma__near_index *ix = calloc(1, sizeof *ix);
    if (!ix)
        return ONOMA_ENOMEM;
    int rc = 0;
    form_map fm = {0};
    size_t nent = 0;
    for (size_t l = 0; l < t->nlayers; l++)
        nent += t->layers[l].h->nentries;
    uint32_t cap = 1024;
    while (cap < nent * 2 + 16)
        cap *= 2;
    fm.mask = cap - 1;
    fm.keys = calloc(cap, sizeof *fm.keys);
    fm.vals = calloc(cap, sizeof *fm.vals);
    if (!fm.keys || !fm.vals) {
        rc = ONOMA_ENOMEM;
        goto done;
    }
    /* 1. the target forms */
    build_targets bt = {ix, &fm, t, style};
    if ((rc = onoma__near_each_target(t, style, all_places, add_target, &bt)))
        goto done;
    /* 2. their deletion variants */
    size_t nvar = 16;
    for (size_t i = 0; i < ix->ntg; i++) {
        size_t n = ix->tg[i].len;
        nvar += 1 + n + (dmax(n) >= 2 ? n * n / 2 : 0);
    }
    uint32_t slots = 1024;
    while (slots < nvar + nvar / 2)
        slots *= 2;
    ix->mask = slots - 1;
    ix->keys = malloc(slots * sizeof *ix->keys);
    ix->heads = calloc(slots, sizeof *ix->heads);
    ix->filter_log2 = 16;
    while ((1ull << ix->filter_log2) < nvar * 8 && ix->filter_log2 < 30)
        ix->filter_log2++;
    ix->filter = calloc((size_t)1 << (ix->filter_log2 - 6), sizeof *ix->filter);
    if (!ix->keys || !ix->heads || !ix->filter) {
        rc = ONOMA_ENOMEM;
        goto done;
    }
    uint64_t *hs = malloc(MAX_VARIANTS * sizeof *hs);
    if (!hs) {
        rc = ONOMA_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < ix->ntg && !rc; i++) {
        size_t nh = variant_hashes(ix->cps + ix->tg[i].off, ix->tg[i].len, dmax(ix->tg[i].len), hs);
        for (size_t k = 0; k < nh && !rc; k++)
            rc = add_posting(ix, hs[k], (uint32_t)i);
    }
    free(hs);
done:
    free(fm.keys);
    free(fm.vals);
    if (rc) {
        onoma__near_free(&ix);
        return rc;
    }
    *out = ix;
    return 0;
}

void onoma__near_free(onoma__near_index **p)
{
    onoma__near_index *ix = p ? *p : NULL;
    if (!ix)
        return;
    free(ix->tg);
    free(ix->cps);
    free(ix->keys);
    free(ix->heads);
    free(ix->post_tg);
    free(ix->post_next);
    free(ix->filter);
    free(ix);
    *p = NULL;
}

size_t onoma__near_targets(const onoma__near_index *ix) { return ix ? ix->ntg : 0; }

/* --------------------------------------------------------------- lookup */

#define MAX_SEEN 64

typedef struct query_ctx {
    const onoma__near_index *ix;
    const uint32_t *w;
    size_t n;
    uint32_t seen[MAX_SEEN];
    size_t nseen;
    unsigned best;
    uint32_t best_tg;
    int tie; /* another form at the best cost */
} query_ctx;

static void query_hash(query_ctx *q, uint64_t h)
{
    const onoma__near_index *ix = q->ix;
    uint64_t b = filter_bit(h, ix->filter_log2);
    if (!((ix->filter[b >> 6] >> (b & 63)) & 1))
        return;
    uint32_t i = (uint32_t)h & ix->mask;
    while (ix->heads[i] && ix->keys[i] != h)
        i = (i + 1) & ix->mask;
    for (uint32_t p = ix->heads[i]; p; p = ix->post_next[p - 1]) {
        uint32_t tgi = ix->post_tg[p - 1];
        int dup = 0;
        for (size_t k = 0; k < q->nseen && !dup; k++)
            dup = q->seen[k] == tgi;
        if (dup)
            continue;
        if (q->nseen < MAX_SEEN)
            q->seen[q->nseen++] = tgi;
        const target *tg = &ix->tg[tgi];
        unsigned allowed = onoma__near_allowed(q->n, tg->len);
        if (!allowed)
            continue;
        unsigned cost = onoma__near_cost(q->w, q->n, ix->cps + tg->off, tg->len);
        if (cost == 0 || cost > allowed)
            continue;
        if (cost < q->best) {
            q->best = cost;
            q->best_tg = tgi;
            q->tie = 0;
        } else if (cost == q->best && tgi != q->best_tg) {
            q->tie = 1;
        }
    }
}

int onoma__near_edit_lookup(void *impl, const uint32_t *w, size_t n, onoma__near_hit *hit)
{
    const onoma__near_index *ix = impl;
    if (!ix || !ix->ntg || n < ONOMA__NEAR_MIN_CPS || n > ONOMA__NEAR_MAX_CPS)
        return 0;
    query_ctx q;
    q.ix = ix;
    q.w = w;
    q.n = n;
    q.nseen = 0;
    q.best = 99;
    q.best_tg = 0;
    q.tie = 0;
    uint64_t hs[MAX_VARIANTS];
    size_t nh = variant_hashes(w, n, dmax(n), hs);
    for (size_t k = 0; k < nh; k++)
        query_hash(&q, hs[k]);
    if (q.best == 99 || q.tie)
        return 0;
    const target *tg = &ix->tg[q.best_tg];
    hit->layer = tg->layer;
    hit->entry = tg->entry;
    hit->cost = q.best;
    hit->via = ONOMA_NEAR_EDIT;
    hit->shared = tg->shared;
    return 1;
}

static void edit_free(void *impl)
{
    onoma__near_index *ix = impl;
    onoma__near_free(&ix);
}

onoma__near_source onoma__near_edit_source(onoma__near_index *ix)
{
    onoma__near_source s = {ix, onoma__near_edit_lookup, edit_free};
    return s;
}
