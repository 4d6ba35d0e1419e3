/* onoma_check: the normalizer's rewrites and ambiguities as findings, with
 * the parts of the text that are not prose (markup.c) taken out, plus near
 * misses (near.c) for capitalised words that matched nothing.
 *
 * Skipped ranges are masked, not cut: a copy of the text has each of their
 * characters replaced by a non-word character of the same byte length, so
 * that offsets, lines and columns stay those of the original and no name
 * can match into or across code. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "check/markup.h"
#include "check/near.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/hash.h"
#include "normalize/normalize.h"
#include "table/build.h"
#include "table/tables.h"
#include "text/chars.h"
#include "text/utf8.h"

/* ------------------------------------------------------------------ arena */

typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    char data[];
} arena_block;

typedef struct arena {
    arena_block *head;
} arena;

static void *arena_alloc(arena *a, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    if (!a->head || a->head->cap - a->head->used < n) {
        size_t cap = n > 60000 ? n : 60000;
        arena_block *b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->next = a->head;
        b->used = 0;
        b->cap = cap;
        a->head = b;
    }
    void *p = a->head->data + a->head->used;
    a->head->used += n;
    return p;
}

static const char *arena_str(arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = 0;
    return p;
}

/* Keep one block (the newest) for the next round. */
static void arena_reset(arena *a)
{
    if (!a->head)
        return;
    arena_block *b = a->head->next;
    while (b) {
        arena_block *nx = b->next;
        free(b);
        b = nx;
    }
    a->head->next = NULL;
    a->head->used = 0;
}

static void arena_free(arena *a)
{
    arena_reset(a);
    free(a->head);
    a->head = NULL;
}

/* ---------------------------------------------------------------- checker */

#define MAX_SOURCES 4
#define CACHE_LOG2 16

/* What a folded word gave the near-miss sources, cached (text repeats): one
 * 64-bit word per slot, the hash's high 40 bits as the tag and 24 bits of
 * value: 0 empty, 1 nothing, 2 a known spelling, 3 + i hit i. Small, so
 * that it stays in the cache of the processor. */
#define CACHE_NOTHING 1
#define CACHE_KNOWN 2
#define CACHE_HIT 3
#define CACHE_VAL 0xFFFFFFull

typedef struct near_rec {
    uint32_t layer, entry;
    uint8_t cost, via, shared;
} near_rec;

typedef struct findings {
    onoma_finding *v;
    size_t n, cap;
} findings;

struct onoma_checker {
    const onoma_tables *t;
    onoma_normalizer *nz;
    unsigned flags, check_flags;
    uint32_t style;
    char *style_name;
    onoma__near_source sources[MAX_SOURCES];
    size_t nsources;
    int near_ready; /* sources built (or failed: then no near misses) */
    char **ignore;
    size_t nignore;
    /* per check */
    const char *text; /* the original */
    size_t len;
    int markup;
    onoma__ranges ranges;
    onoma__buf masked;
    findings ev, near, all;
    arena ar, ar_near; /* the normalizer's findings and the near misses (two threads) */
    const onoma_finding *scan_ev; /* the findings the near-miss scan skips (NULL: none yet) */
    size_t scan_nev;
    int rc;
    uint64_t *cache;
    near_rec *hits;
    size_t nhits, caphits;
    /* line tracking for near misses */
    size_t cur_pos;
    uint64_t cur_line, cur_col;
    onoma__buf tmp;
};

int onoma_checker_new(const onoma_tables *t, const onoma_check_options *opt, onoma_checker **out,
                      onoma_error *err)
{
    *out = NULL;
    onoma_check_options none = {0, 0, NULL};
    if (!opt)
        opt = &none;
    if (!t)
        return onoma__error(err, ONOMA_EINVAL, NULL, 0, 0, "no tables");
    if (opt->check_flags & ~ONOMA_CHECK_ALL_FLAGS)
        return onoma__error(err, ONOMA_EFLAGS, NULL, 0, 0, "unknown check flags 0x%x",
                            opt->check_flags & ~ONOMA_CHECK_ALL_FLAGS);
    if (opt->flags & (ONOMA_INVALID_KEEP | ONOMA_INVALID_REPLACE))
        return onoma__error(err, ONOMA_EINVAL, NULL, 0, 0, "a check reports invalid input; INVALID_* do not apply");
    onoma_options nopt = {opt->flags, opt->style, 1, NULL};
    onoma_checker *ck = calloc(1, sizeof *ck);
    if (!ck)
        return onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    int rc = onoma_normalizer_new(t, &nopt, &ck->nz, err);
    if (rc) {
        free(ck);
        return rc;
    }
    ck->t = t;
    ck->flags = opt->flags;
    ck->check_flags = opt->check_flags;
    ck->style = (uint32_t)onoma__style_find(t, opt->style);
    ck->style_name = strdup(opt->style && *opt->style ? opt->style : "default");
    ck->cache = calloc((size_t)1 << CACHE_LOG2, sizeof *ck->cache);
    if (!ck->style_name || !ck->cache) {
        onoma_checker_free(&ck);
        return onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    }
    *out = ck;
    return 0;
}

static void free_ignore(onoma_checker *ck)
{
    for (size_t i = 0; i < ck->nignore; i++)
        free(ck->ignore[i]);
    free(ck->ignore);
    ck->ignore = NULL;
    ck->nignore = 0;
}

void onoma_checker_free(onoma_checker **p)
{
    onoma_checker *ck = p ? *p : NULL;
    if (!ck)
        return;
    onoma_normalizer_free(&ck->nz);
    for (size_t i = 0; i < ck->nsources; i++)
        if (ck->sources[i].free)
            ck->sources[i].free(ck->sources[i].impl);
    free_ignore(ck);
    free(ck->style_name);
    onoma__ranges_free(&ck->ranges);
    onoma__buf_free(&ck->masked);
    onoma__buf_free(&ck->tmp);
    free(ck->ev.v);
    free(ck->near.v);
    free(ck->all.v);
    free(ck->cache);
    free(ck->hits);
    arena_free(&ck->ar);
    arena_free(&ck->ar_near);
    free(ck);
    *p = NULL;
}

int onoma_checker_set_ignore(onoma_checker *ck, const char *const *items, size_t n, onoma_error *err)
{
    free_ignore(ck);
    if (!n)
        return 0;
    ck->ignore = calloc(n, sizeof *ck->ignore);
    if (!ck->ignore)
        return onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    for (size_t i = 0; i < n; i++) {
        if (!items[i])
            continue;
        if (!(ck->ignore[ck->nignore] = strdup(items[i]))) {
            free_ignore(ck);
            return onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
        }
        ck->nignore++;
    }
    return 0;
}

static int ascii_caseeq(const char *a, size_t n, const char *b)
{
    size_t bl = strlen(b);
    if (bl != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x += 32;
        if (y >= 'A' && y <= 'Z')
            y += 32;
        if (x != y)
            return 0;
    }
    return 1;
}

static int ignored(const onoma_checker *ck, const char *from, size_t n, const char *id)
{
    for (size_t i = 0; i < ck->nignore; i++)
        if (ascii_caseeq(from, n, ck->ignore[i]) || (id && *id && strcmp(id, ck->ignore[i]) == 0))
            return 1;
    return 0;
}

static onoma_finding *push(onoma_checker *ck, findings *f)
{
    if (onoma__grow((void **)&f->v, &f->cap, f->n + 1, sizeof *f->v, 64))
        return NULL;
    onoma_finding *x = &f->v[f->n++];
    memset(x, 0, sizeof *x);
    return x;
}

/* ----------------------------------------------------- normalizer events */

static int on_event(void *ctx, const onoma_event *ev)
{
    onoma_checker *ck = ctx;
    const char *from = ck->text + ev->offset; /* the original, not the masked copy */
    if (ck->markup == ONOMA_MARKUP_TEXT && onoma__text_in_url(ck->text, ck->len, (size_t)ev->offset,
                                                               (size_t)(ev->offset + ev->length)))
        return 0;
    if (ev->kind == ONOMA_EVENT_REWRITE && ignored(ck, from, ev->from_len, ev->id))
        return 0;
    if (ev->kind == ONOMA_EVENT_AMBIGUOUS) {
        if (ignored(ck, from, ev->from_len, NULL))
            return 0;
        for (size_t i = 0; i < ev->ncandidates; i++)
            if (ignored(ck, "", 0, ev->candidates[i].id))
                return 0;
    }
    onoma_finding *f = push(ck, &ck->ev);
    if (!f)
        return ONOMA_ENOMEM;
    f->offset = ev->offset;
    f->length = ev->length;
    f->line = ev->line;
    f->column = ev->column;
    f->end_column = ev->column + onoma__utf8_count(from, ev->from_len);
    f->from = from;
    f->from_len = ev->from_len;
    f->severity = ONOMA_SEVERITY_WARNING;
    if (ev->kind == ONOMA_EVENT_REWRITE) {
        f->kind = ONOMA_FINDING_REWRITE;
        f->fixable = 1;
        if (!(f->to = arena_str(&ck->ar, ev->to, ev->to_len)))
            return ONOMA_ENOMEM;
        f->to_len = ev->to_len;
        f->id = ev->id;
        f->canonical = ev->canonical;
        f->display = ev->display;
        f->type = ev->type;
    } else {
        f->kind = ONOMA_FINDING_AMBIGUOUS;
        f->id = f->canonical = f->type = "";
        f->display = "";
        onoma_candidate *cs = arena_alloc(&ck->ar, ev->ncandidates * sizeof *cs + 1);
        if (!cs)
            return ONOMA_ENOMEM;
        memcpy(cs, ev->candidates, ev->ncandidates * sizeof *cs);
        f->candidates = cs;
        f->ncandidates = ev->ncandidates;
    }
    return 0;
}

/* ----------------------------------------------------------- near misses */

static int build_sources(onoma_checker *ck)
{
    ck->near_ready = 1;
    if ((ck->check_flags & ONOMA_CHECK_NO_NEAR) || (ck->flags & ONOMA_EXACT))
        return 0;
    onoma__near_index *ix;
    int rc = onoma__near_build(ck->t, ck->style, (ck->check_flags & ONOMA_CHECK_NEAR_PLACES) != 0, &ix);
    if (rc)
        return rc;
    ck->sources[ck->nsources++] = onoma__near_edit_source(ix);
    /* then by name key, when the key rules are installed */
    onoma__near_source ks;
    rc = onoma__near_key_source(ck->t, ck->style, (ck->check_flags & ONOMA_CHECK_NEAR_PLACES) != 0, NULL, &ks);
    if (rc == 0)
        ck->sources[ck->nsources++] = ks;
    return rc == ONOMA_ENOMEM ? rc : 0;
}

/* Move the line tracking to byte pos (forward only). */
static void track(onoma_checker *ck, const char *s, size_t pos)
{
    if (pos <= ck->cur_pos)
        return;
    const char *p = s + ck->cur_pos, *end = s + pos;
    for (;;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break;
        ck->cur_line++;
        ck->cur_col = 0;
        p = nl + 1;
    }
    ck->cur_col += onoma__utf8_count(p, (size_t)(end - p));
    ck->cur_pos = pos;
}

/* Is s[a..b) a spelling of the tables (in any case)? */
static int known(onoma_checker *ck, const char *s, size_t a, size_t b)
{
    onoma_error e;
    return onoma_lookup(ck->t, ck->style_name, s + a, b - a, NULL, NULL, &e) > 0;
}

static int is_word_at(const unsigned char *s, size_t n, size_t i)
{
    if (s[i] < 0x80)
        return onoma__ascii_word[s[i]];
    uint32_t cp;
    return onoma__utf8_decode(s + i, n - i, &cp) > 0 && onoma__is_word(cp);
}

static size_t char_len(const unsigned char *s, size_t n, size_t i)
{
    uint32_t cp;
    int l = s[i] < 0x80 ? 1 : onoma__utf8_decode(s + i, n - i, &cp);
    return l > 0 ? (size_t)l : 1;
}

static size_t char_before(const unsigned char *s, size_t p)
{
    size_t q = p - 1;
    while (q > 0 && (s[q] & 0xC0) == 0x80 && p - q < 4)
        q--;
    return q;
}

/* Is the word s[ws..we) part of a longer spelling of the tables, with up to
 * three words before or after it on its line? (The normalizer reports
 * rewrites only: a name already in its canonical form leaves no trace.) */
static int in_known_name(onoma_checker *ck, const unsigned char *s, size_t n, size_t ws, size_t we)
{
    enum { W = 3, MAX_SEP = 4 };
    size_t starts[W], ends[W];
    int nb = 0, na = 0;
    for (size_t p = ws; nb < W;) {
        size_t q = p;
        int seps = 0, word = 0;
        while (q > 0 && seps <= MAX_SEP) {
            size_t r = char_before(s, q);
            if (s[r] == '\n' || s[r] == '\r')
                break;
            if (is_word_at(s, n, r)) {
                word = 1;
                break;
            }
            q = r;
            seps++;
        }
        if (!word || seps > MAX_SEP)
            break;
        while (q > 0 && is_word_at(s, n, char_before(s, q)))
            q = char_before(s, q);
        starts[nb++] = q;
        p = q;
    }
    for (size_t p = we; na < W;) {
        size_t q = p;
        int seps = 0;
        while (q < n && seps <= MAX_SEP && s[q] != '\n' && s[q] != '\r' && !is_word_at(s, n, q)) {
            q += char_len(s, n, q);
            seps++;
        }
        if (q >= n || seps > MAX_SEP || !is_word_at(s, n, q))
            break;
        while (q < n && is_word_at(s, n, q))
            q += char_len(s, n, q);
        ends[na++] = q;
        p = q;
    }
    for (int b = 0; b <= nb; b++)
        for (int a = 0; a <= na; a++)
            if ((a || b) && known(ck, (const char *)s, b ? starts[b - 1] : ws, a ? ends[a - 1] : we))
                return 1;
    return 0;
}

/* The suggestion in the case pattern of the word (SOLEIMANNI -> SOLEIMANI). */
static int suggestion(onoma_checker *ck, const unsigned char *w, size_t wl, const char *c, size_t cl,
                      const char **out, size_t *out_len)
{
    size_t up = 0, low = 0;
    for (size_t i = 0; i < wl;) {
        uint32_t cp;
        int len = onoma__utf8_decode(w + i, wl - i, &cp);
        if (len <= 0) {
            i++;
            continue;
        }
        int cs = onoma__char_case(cp);
        up += cs > 0;
        low += cs < 0;
        i += (size_t)len;
    }
    ck->tmp.len = 0;
    int rc = up >= 2 && !low ? onoma__to_upper(&ck->tmp, c, cl) : onoma__buf_put(&ck->tmp, c, cl);
    if (rc)
        return rc;
    if (!(*out = arena_str(&ck->ar_near, ck->tmp.data, ck->tmp.len)))
        return ONOMA_ENOMEM;
    *out_len = ck->tmp.len;
    return 0;
}

/* Fold the word s[ws..) into fb (UTF-8, *fl bytes); returns its end, with
 * *nw its code points, 0 when it cannot be a near miss (too long, digits,
 * folds to something not a letter). */
#define FOLD_CAP (ONOMA__NEAR_MAX_CPS * 4)
static size_t fold_word(const unsigned char *s, size_t n, size_t ws, char *fb, size_t *fl, size_t *nw)
{
    const onoma__fold_page *pc = NULL;
    uint32_t pg = 0;
    size_t k = 0, i = ws, o = 0;
    int ok = 1;
    /* the common case first: ASCII letters, lowered by one bit */
    while (i < n && o < FOLD_CAP && ((s[i] | 32u) - 'a') < 26u)
        fb[o++] = (char)(s[i++] | 32);
    k = o;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            if (!onoma__ascii_word[c])
                break;
            if ((c >= '0' && c <= '9') || c == '_')
                ok = 0;
            if (o < FOLD_CAP)
                fb[o++] = (char)onoma__fold_ascii[c];
            k++;
            i++;
            continue;
        }
        uint32_t cp;
        int len = onoma__utf8_decode(s + i, n - i, &cp);
        if (len <= 0 || !onoma__is_word(cp))
            break;
        size_t flen;
        const char *fs = onoma__fold_lookup(cp, &flen, &pc, &pg);
        for (size_t j = 0; j < flen;) {
            uint32_t f;
            int l2 = onoma__utf8_decode((const unsigned char *)fs + j, flen - j, &f);
            if (l2 <= 0 || !onoma__is_word(f)) {
                ok = 0;
                break;
            }
            if (o + (size_t)l2 <= FOLD_CAP) {
                memcpy(fb + o, fs + j, (size_t)l2);
                o += (size_t)l2;
            } else {
                ok = 0;
            }
            k++;
            j += (size_t)l2;
        }
        i += (size_t)len;
    }
    *fl = o;
    *nw = ok && k <= ONOMA__NEAR_MAX_CPS ? k : 0;
    return i;
}

static inline uint64_t *cache_set(const onoma_checker *ck, uint64_t h)
{
    /* 4-way sets (32 bytes): few conflicts for the memory of a direct map */
    return &ck->cache[h & (((uint64_t)1 << CACHE_LOG2) - 4)];
}

static int near_word(onoma_checker *ck, const unsigned char *s, size_t n, size_t ws, size_t we, const char *fb,
                     size_t fl, size_t nw, uint64_t h)
{
    uint64_t *set = cache_set(ck, h);
    uint64_t val = 0;
    for (int k = 0; k < 4 && !val; k++)
        if ((set[k] & ~CACHE_VAL) == (h & ~CACHE_VAL))
            val = set[k] & CACHE_VAL;
    if (!val) {
        onoma__near_hit hit;
        uint32_t w[ONOMA__NEAR_MAX_CPS];
        size_t k = 0;
        for (size_t j = 0; j < fl && k < nw;) {
            int l2 = onoma__utf8_decode((const unsigned char *)fb + j, fl - j, &w[k]);
            j += l2 > 0 ? (size_t)l2 : 1;
            k++;
        }
        val = CACHE_NOTHING;
        for (size_t i = 0; i < ck->nsources; i++) {
            if (!ck->sources[i].lookup(ck->sources[i].impl, w, nw, &hit))
                continue;
            if (known(ck, (const char *)s, ws, we)) {
                val = CACHE_KNOWN;
            } else if (ck->nhits < CACHE_VAL - CACHE_HIT) {
                if (ck->nhits == ck->caphits) {
                    size_t nc = ck->caphits ? ck->caphits * 2 : 256;
                    near_rec *v = realloc(ck->hits, nc * sizeof *v);
                    if (!v)
                        return ONOMA_ENOMEM;
                    ck->hits = v;
                    ck->caphits = nc;
                }
                ck->hits[ck->nhits] = (near_rec){hit.layer, hit.entry, (uint8_t)hit.cost, (uint8_t)hit.via,
                                                 (uint8_t)hit.shared};
                val = CACHE_HIT + ck->nhits++;
            }
            break;
        }
        memmove(set + 1, set, 3 * sizeof *set); /* the oldest goes */
        set[0] = (h & ~CACHE_VAL) | val;
    }
    if (val < CACHE_HIT)
        return 0;
    near_rec hit = ck->hits[val - CACHE_HIT];
    if (ignored(ck, (const char *)s + ws, we - ws, NULL))
        return 0;
    const onoma__layer *L = &ck->t->layers[hit.layer];
    const char *id = onoma__lstr(L, L->entries[hit.entry].id);
    if (!hit.shared && ignored(ck, "", 0, id))
        return 0;
    if (ck->markup == ONOMA_MARKUP_TEXT && onoma__text_in_url(ck->text, ck->len, ws, we))
        return 0;
    if (in_known_name(ck, s, n, ws, we))
        return 0;
    onoma_finding *f = push(ck, &ck->near);
    if (!f)
        return ONOMA_ENOMEM;
    track(ck, (const char *)s, ws);
    f->kind = ONOMA_FINDING_NEAR;
    f->severity = (ck->check_flags & ONOMA_CHECK_FUZZY) ? ONOMA_SEVERITY_WARNING : ONOMA_SEVERITY_NOTE;
    f->offset = ws;
    f->length = we - ws;
    f->line = ck->cur_line;
    f->column = ck->cur_col + 1;
    f->from = ck->text + ws;
    f->from_len = we - ws;
    f->end_column = f->column + onoma__utf8_count(f->from, f->from_len);
    size_t cl, dl;
    const char *canon = onoma__canonical(ck->t, hit.layer, hit.entry, ck->style, &cl);
    int rc = suggestion(ck, s + ws, we - ws, canon, cl, &f->to, &f->to_len);
    if (rc)
        return rc;
    f->canonical = canon;
    if (hit.shared) {
        f->id = "";
        f->display = canon;
        f->type = "";
    } else {
        f->id = id;
        f->display = onoma__display(ck->t, hit.layer, hit.entry, ck->style, &dl);
        f->type = onoma__type_names[L->entries[hit.entry].type];
    }
    f->near_via = hit.via;
    f->distance = hit.cost;
    return 0;
}

#if defined(__SSE2__)
#include <emmintrin.h>
/* 16 ASCII bytes at p: 0 if any is not ASCII; else 1, with a bit per word
 * byte ([A-Za-z0-9_]) in *word and per capital letter in *upper. */
static inline int ascii_block(const unsigned char *p, unsigned *word, unsigned *upper)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    if (_mm_movemask_epi8(v))
        return 0;
    __m128i up = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('A' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('Z' + 1)));
    __m128i lo = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('a' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('z' + 1)));
    __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    __m128i us = _mm_cmpeq_epi8(v, _mm_set1_epi8('_'));
    *upper = (unsigned)_mm_movemask_epi8(up);
    *word = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(up, lo), _mm_or_si128(digit, us)));
    return 1;
}
#endif

/* A word waiting for its near-miss lookup: its cache set was prefetched
 * when it was found, and is looked at when the next word is (the memory
 * latency overlaps the scan in between). */
typedef struct pending {
    int on;
    size_t ws, we, fl, nw;
    uint64_t h;
    char fb[FOLD_CAP];
} pending;

static int flush_pending(onoma_checker *ck, const unsigned char *s, size_t n, pending *p)
{
    if (!p->on)
        return 0;
    p->on = 0;
    return near_word(ck, s, n, p->ws, p->we, p->fb, p->fl, p->nw, p->h);
}

/* The capitalised word at i: a near miss? Returns its end. */
static size_t near_at(onoma_checker *ck, const unsigned char *s, size_t n, size_t i, size_t *ei, pending *p, int *rc)
{
    char fb[FOLD_CAP];
    size_t nw, fl;
    size_t we = fold_word(s, n, i, fb, &fl, &nw);
    if (nw < ONOMA__NEAR_MIN_CPS)
        return we;
    /* the pending word first: lines are tracked forward only */
    if ((*rc = flush_pending(ck, s, n, p)))
        return we;
    const onoma_finding *ev = ck->scan_ev;
    size_t nev = ck->scan_nev;
    while (*ei < nev && ev[*ei].offset + ev[*ei].length <= i) {
        if (ev[*ei].offset > ck->cur_pos) {
            ck->cur_pos = (size_t)ev[*ei].offset;
            ck->cur_line = ev[*ei].line;
            ck->cur_col = ev[*ei].column - 1;
        }
        ++*ei;
    }
    if (*ei < nev && ev[*ei].offset < we)
        return we; /* part of a finding */
    p->on = 1;
    p->ws = i;
    p->we = we;
    p->fl = fl;
    p->nw = nw;
    p->h = onoma__hash(fb, fl);
    memcpy(p->fb, fb, fl);
    __builtin_prefetch(cache_set(ck, p->h));
    return we;
}

/* Capitalised words outside the findings and the skipped ranges (masked). */
static int near_scan(onoma_checker *ck, const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t ei = 0;
    pending p;
    p.on = 0;
    ck->cur_pos = 0;
    ck->cur_line = 1;
    ck->cur_col = 0;
    int prevw = 0, rc = 0;
    for (size_t i = 0; i < n && !rc;) {
#if defined(__SSE2__)
        unsigned wm, um;
        if (i + 16 <= n && ascii_block(s + i, &wm, &um)) {
            unsigned starts = um & ~((wm << 1) | (unsigned)prevw);
            size_t blk = i;
            prevw = (int)((wm >> 15) & 1);
            i = blk + 16;
            if (!starts)
                continue;
            /* words of fewer than 5 letters are never near misses: with
               the next 16 bytes' word bits, most are seen to be short here */
            unsigned w2, u2;
            if (blk + 32 > n || !ascii_block(s + blk + 16, &w2, &u2))
                w2 = 0xFFFFu; /* unknown (the end, or not ASCII): may go on */
            uint32_t w32 = wm | (uint32_t)w2 << 16;
            starts &= (unsigned)((w32 >> 1) & (w32 >> 2) & (w32 >> 3) & (w32 >> 4));
            if (starts) {
                /* one word at a time: it may run past the block */
                i = near_at(ck, s, n, blk + (unsigned)__builtin_ctz(starts), &ei, &p, &rc);
                prevw = 1;
            }
            continue;
        }
#endif
        unsigned c = s[i];
        if (c < 0x80) {
            if (!onoma__ascii_word[c]) {
                prevw = 0;
                i++;
                continue;
            }
            if (prevw || c < 'A' || c > 'Z') {
                prevw = 1;
                i++;
                continue;
            }
        } else {
            uint32_t cp;
            int len = onoma__utf8_decode(s + i, n - i, &cp);
            if (len <= 0) {
                prevw = 0;
                i++;
                continue;
            }
            if (!onoma__is_word(cp)) {
                prevw = 0;
                i += (size_t)len;
                continue;
            }
            if (prevw || onoma__char_case(cp) <= 0) {
                prevw = 1;
                i += (size_t)len;
                continue;
            }
        }
        i = near_at(ck, s, n, i, &ei, &p, &rc);
        prevw = 1;
    }
    return rc ? rc : flush_pending(ck, s, n, &p);
}

/* -------------------------------------------------------------- masking */

/* Replace each character of the skipped ranges by a non-word character of
 * the same length (newlines stay, so do invalid bytes: they are errors). */
static int mask(onoma_checker *ck, const char *text, size_t len, const char **out)
{
    ck->masked.len = 0;
    if (onoma__buf_put(&ck->masked, text, len))
        return ONOMA_ENOMEM;
    unsigned char *m = (unsigned char *)ck->masked.data;
    for (size_t r = 0; r < ck->ranges.n; r++) {
        size_t a = ck->ranges.v[r].a, b = ck->ranges.v[r].b;
        for (size_t i = a; i < b && i < len;) {
            unsigned c = m[i];
            if (c < 0x80) {
                if (c != '\n' && c != '\r' && c != 0)
                    m[i] = ' ';
                i++;
                continue;
            }
            uint32_t cp;
            int l = onoma__utf8_decode(m + i, len - i, &cp);
            if (l <= 0) {
                i++;
                continue;
            }
            static const char *const fill[5] = {"", " ", "\xC2\xA0", "\xE2\x80\x80", "\xF0\x9F\x98\x80"};
            memcpy(m + i, fill[l], (size_t)l); /* NBSP, EN QUAD, an emoji: never word characters */
            i += (size_t)l;
        }
    }
    *out = ck->masked.data;
    return 0;
}

static int discard(void *ctx, const char *p, size_t n) { return 0; }

typedef struct near_job {
    onoma_checker *ck;
    const char *text;
    size_t len;
    int rc;
} near_job;

static void *near_thread(void *arg)
{
    near_job *j = arg;
    j->rc = near_scan(j->ck, j->text, j->len);
    return NULL;
}

/* Drop the near misses inside a finding (the scan ran without them). */
static void drop_covered(onoma_checker *ck)
{
    const findings *a = &ck->ev;
    findings *b = &ck->near;
    size_t k = 0, i = 0;
    for (size_t j = 0; j < b->n; j++) {
        while (i < a->n && a->v[i].offset + a->v[i].length <= b->v[j].offset)
            i++;
        if (i < a->n && a->v[i].offset < b->v[j].offset + b->v[j].length)
            continue;
        b->v[k++] = b->v[j];
    }
    b->n = k;
}

/* Texts from this size on are scanned for near misses in a second thread,
 * beside the normalizer. */
#define NEAR_THREAD_MIN (1u << 20)

int onoma_check(onoma_checker *ck, const char *name, const char *text, size_t len, int markup,
                const onoma_finding **out, size_t *nout, onoma_error *err)
{
    *out = NULL;
    *nout = 0;
    if (!ck || (!text && len))
        return onoma__error(err, ONOMA_EINVAL, name, 0, 0, "no checker or no text");
    if (markup < 0 || markup >= ONOMA_MARKUP_COUNT)
        return onoma__error(err, ONOMA_EINVAL, name, 0, 0, "unknown markup %d", markup);
    arena_reset(&ck->ar);
    arena_reset(&ck->ar_near);
    ck->ev.n = ck->near.n = ck->all.n = 0;
    ck->text = text;
    ck->len = len;
    ck->markup = markup;
    if (!ck->near_ready && build_sources(ck))
        return onoma__error(err, ONOMA_ENOMEM, name, 0, 0, "cannot build the near-miss index");
    if (onoma__markup_ranges(text, len, markup, &ck->ranges))
        return onoma__error(err, ONOMA_ENOMEM, name, 0, 0, NULL);
    const char *scan = text;
    if (ck->ranges.n && mask(ck, text, len, &scan))
        return onoma__error(err, ONOMA_ENOMEM, name, 0, 0, NULL);
    /* near misses: beside the normalizer for big texts (the scan then looks
       at every capitalised word, and those inside findings go afterwards),
       else after it, skipping the findings */
    near_job job = {ck, scan, len, 0};
    pthread_t th;
    int threaded = ck->nsources && len >= NEAR_THREAD_MIN;
    ck->scan_ev = NULL;
    ck->scan_nev = 0;
    if (threaded && pthread_create(&th, NULL, near_thread, &job) != 0)
        threaded = 0;
    onoma_normalizer_set_name(ck->nz, name ? name : "-");
    onoma_normalizer_on_event(ck->nz, on_event, ck);
    int rc = onoma_normalize_buffer(ck->nz, scan, len, discard, NULL, err);
    onoma_normalizer_on_event(ck->nz, NULL, NULL);
    if (threaded)
        pthread_join(th, NULL);
    if (rc) {
        if (rc == ONOMA_ENOMEM)
            onoma__error(err, rc, name, 0, 0, NULL);
        return rc;
    }
    if (threaded) {
        if (job.rc)
            return onoma__error(err, job.rc, name, 0, 0, NULL);
        drop_covered(ck);
    } else if (ck->nsources) {
        ck->scan_ev = ck->ev.v;
        ck->scan_nev = ck->ev.n;
        if ((rc = near_scan(ck, scan, len)))
            return onoma__error(err, rc, name, 0, 0, NULL);
    }
    /* merge the two ordered lists */
    const findings *a = &ck->ev, *b = &ck->near;
    if (!b->n) {
        *out = a->v;
        *nout = a->n;
    } else {
        findings *m = &ck->all;
        size_t need = a->n + b->n;
        if (m->cap < need) {
            onoma_finding *v = realloc(m->v, need * sizeof *v);
            if (!v)
                return onoma__error(err, ONOMA_ENOMEM, name, 0, 0, NULL);
            m->v = v;
            m->cap = need;
        }
        size_t i = 0, j = 0, k = 0;
        while (i < a->n || j < b->n)
            m->v[k++] = j >= b->n || (i < a->n && a->v[i].offset <= b->v[j].offset) ? a->v[i++] : b->v[j++];
        m->n = k;
        *out = m->v;
        *nout = m->n;
    }
    int warnings = 0;
    for (size_t i = 0; i < *nout; i++)
        warnings += (*out)[i].severity == ONOMA_SEVERITY_WARNING;
    return warnings;
}

int onoma_check_apply(const char *text, size_t len, const onoma_finding *f, size_t n, onoma_write_fn sink,
                      void *ctx, onoma_error *err)
{
    size_t at = 0;
    int applied = 0;
    for (size_t i = 0; i < n; i++) {
        if (!f[i].fixable || !f[i].to)
            continue;
        if (f[i].offset < at || f[i].offset + f[i].length > len)
            return onoma__error(err, ONOMA_EINVAL, NULL, f[i].line, f[i].offset, "findings out of order");
        int r = 0;
        if ((f[i].offset > at && (r = sink(ctx, text + at, (size_t)f[i].offset - at))) ||
            (f[i].to_len && (r = sink(ctx, f[i].to, f[i].to_len))))
            return onoma__error(err, r < 0 ? r : ONOMA_EABORTED, NULL, 0, at, NULL);
        at = (size_t)(f[i].offset + f[i].length);
        applied++;
    }
    if (len > at) {
        int r = sink(ctx, text + at, len - at);
        if (r)
            return onoma__error(err, r < 0 ? r : ONOMA_EABORTED, NULL, 0, at, NULL);
    }
    return applied;
}

/* ------------------------------------------------------------- messages */

const char *onoma__check_rule(const onoma_finding *f)
{
    return f->kind == ONOMA_FINDING_AMBIGUOUS ? "onoma/ambiguous" : f->kind == ONOMA_FINDING_NEAR ? "onoma/near-miss" : f->id;
}

int onoma__check_message(onoma__buf *b, const onoma_finding *f, const char *style)
{
    if (f->kind == ONOMA_FINDING_REWRITE) {
        onoma__buf_putc(b, '\'');
        onoma__buf_put(b, f->from, f->from_len);
        onoma__buf_puts(b, "' → '");
        onoma__buf_put(b, f->to, f->to_len);
        onoma__buf_puts(b, "' (");
        onoma__buf_puts(b, f->display);
        onoma__buf_puts(b, ")");
    } else if (f->kind == ONOMA_FINDING_AMBIGUOUS) {
        onoma__buf_putc(b, '\'');
        onoma__buf_put(b, f->from, f->from_len);
        onoma__buf_puts(b, "' is ambiguous: ");
        for (size_t i = 0; i < f->ncandidates; i++) {
            onoma__buf_puts(b, i == 0 ? "'" : i + 1 == f->ncandidates ? " or '" : ", '");
            onoma__buf_puts(b, f->candidates[i].canonical);
            onoma__buf_puts(b, "' (");
            onoma__buf_puts(b, f->candidates[i].display);
            onoma__buf_putc(b, ')');
        }
    } else {
        onoma__buf_putc(b, '\'');
        onoma__buf_put(b, f->from, f->from_len);
        onoma__buf_puts(b, "': did you mean '");
        onoma__buf_put(b, f->to, f->to_len);
        onoma__buf_puts(b, "'?");
        if (f->id[0]) {
            onoma__buf_puts(b, " (");
            onoma__buf_puts(b, f->display);
            onoma__buf_putc(b, ')');
        }
    }
    if (f->kind != ONOMA_FINDING_NEAR) {
        onoma__buf_puts(b, " [style: ");
        onoma__buf_puts(b, style);
        onoma__buf_putc(b, ']');
    } else if (f->severity == ONOMA_SEVERITY_WARNING)
        onoma__buf_puts(b, " [near miss]");
    return onoma__buf_reserve(b, 0);
}
