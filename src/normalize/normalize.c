#include "normalize/normalize.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "common/hash.h"
#include "normalize/fuzzy.h"
#include "text/chars.h"
#include "text/utf8.h"

#define MAX_CANDS 64
#define MAX_SEP 16 /* bytes between two words of one name */

typedef struct cand {
    size_t end;
    uint32_t layer;
    const onoma__slot *sl;
} cand;

/* ------------------------------------------------------------- lifecycle */

void onoma__normalizer_reset(onoma_normalizer *nz)
{
    nz->in.len = 0;
    nz->start = 0;
    nz->base = 0;
    nz->track_pos = 0;
    nz->line = 1;
    nz->col = 0;
}

int onoma_normalizer_new(const onoma_tables *t, const onoma_options *opt, onoma_normalizer **out,
                         onoma_error *err)
{
    *out = NULL;
    onoma_options none = {0, NULL, 0, NULL};
    if (!opt)
        opt = &none;
    if (!t)
        return onoma__error(err, ONOMA_EINVAL, NULL, 0, 0, "no tables");
    if (opt->flags & ~ONOMA_ALL_FLAGS)
        return onoma__error(err, ONOMA_EFLAGS, NULL, 0, 0, "unknown flags 0x%x", opt->flags & ~ONOMA_ALL_FLAGS);
    if ((opt->flags & ONOMA_INVALID_KEEP) && (opt->flags & ONOMA_INVALID_REPLACE))
        return onoma__error(err, ONOMA_EINVAL, NULL, 0, 0, "INVALID_KEEP and INVALID_REPLACE exclude each other");
    int style = onoma__style_find(t, opt->style);
    if (style < 0)
        return onoma__error(err, ONOMA_ESTYLE, NULL, 0, 0, "unknown style '%s'", opt->style);
    int idx = (opt->flags & ONOMA_EXACT) ? ONOMA__IDX_EXACT : ONOMA__IDX_FOLD;
    for (size_t l = 0; l < t->nlayers; l++)
        if (!t->layers[l].idx[idx].slots)
            return onoma__error(err, ONOMA_EINVAL, t->layers[l].path, 0, 0,
                                "table was loaded for exact matching only");
    if (t->nlayers > 64)
        return onoma__error(err, ONOMA_ERANGE, NULL, 0, 0, "too many tables (at most 64)");
    if (onoma__chars_init())
        return onoma__error(err, ONOMA_EICU, NULL, 0, 0, "cannot initialise ICU character data");
    onoma_normalizer *nz = calloc(1, sizeof *nz);
    if (!nz)
        return onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    nz->t = t;
    nz->flags = opt->flags;
    nz->jobs = opt->jobs ? opt->jobs : 1;
    nz->style = (uint32_t)style;
    nz->idx = idx;
    for (size_t l = 0; l < t->nlayers; l++)
        if (t->layers[l].idx[idx].max_key_len > nz->max_key_len)
            nz->max_key_len = t->layers[l].idx[idx].max_key_len;
    for (unsigned b = 0; b < 256; b++)
        nz->cls[b] = (unsigned char)onoma__pair_class((unsigned char)b, idx == ONOMA__IDX_FOLD, onoma__ascii_word);
    nz->lower_rule = idx == ONOMA__IDX_FOLD && !(opt->flags & ONOMA_ANY_CASE);
    for (size_t l = 0; l < t->nlayers; l++)
        for (int w = 0; w < 1024; w++) {
            nz->pair[w] |= t->layers[l].idx[idx].pair[w];
            nz->lpair[w] |= t->layers[l].idx[idx].lpair[w];
        }
    /* the fold of a word that can still match fits: no checks per character */
    if (onoma__buf_reserve(&nz->fold, (size_t)nz->max_key_len + 64)) {
        free(nz);
        return onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    }
    nz->name = strdup("-");
    if (!nz->name) {
        free(nz);
        return onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    }
    nz->keyrules = opt->keyrules;
    if (opt->flags & ONOMA_FUZZY) {
        int rc = onoma__fuzzy_new(nz, opt->keyrules, err);
        if (rc) {
            onoma_normalizer_free(&nz);
            return rc;
        }
    }
    onoma__normalizer_reset(nz);
    *out = nz;
    return 0;
}

void onoma_normalizer_free(onoma_normalizer **p)
{
    onoma_normalizer *nz = p ? *p : NULL;
    if (!nz)
        return;
    onoma__buf_free(&nz->in);
    onoma__buf_free(&nz->fold);
    onoma__buf_free(&nz->rep);
    onoma__buf_free(&nz->tmp);
    onoma__fuzzy_free(&nz->fz);
    free(nz->name);
    free(nz);
    *p = NULL;
}

void onoma_normalizer_on_event(onoma_normalizer *nz, onoma_event_fn fn, void *ctx)
{
    nz->on_event = fn;
    nz->ev_ctx = ctx;
}

void onoma_normalizer_set_name(onoma_normalizer *nz, const char *name)
{
    char *n = strdup(name ? name : "-");
    if (n) {
        free(nz->name);
        nz->name = n;
    }
}

/* --------------------------------------------------------- line tracking */

void onoma__track(onoma_normalizer *nz, const char *s, uint64_t to)
{
    if (to <= nz->track_pos)
        return;
    const char *p = s + (nz->track_pos - nz->base), *end = s + (to - nz->base);
    for (;;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break;
        nz->line++;
        nz->col = 0;
        p = nl + 1;
    }
    nz->col += onoma__utf8_count(p, (size_t)(end - p));
    nz->track_pos = to;
}

/* ------------------------------------------------------------- scanning */

/* Decode at s[i]; *len 0 = invalid (cp = bytes to skip), -1 = truncated. */
static inline uint32_t next_cp(const unsigned char *s, size_t n, size_t i, int *len)
{
    uint32_t cp;
    *len = onoma__utf8_decode(s + i, n - i, &cp);
    return cp;
}

/* End of the word starting at i. Folds it into nz->fold in fold mode (only
 * as far as a key could reach: a longer word matches nothing). */
static size_t scan_word(onoma_normalizer *nz, const unsigned char *s, size_t n, size_t i, int fold)
{
    /* locals, not nz->fold's fields: a char store could alias them, which
     * would make the compiler reload them for every character */
    const size_t cap = (size_t)nz->max_key_len + 8;
    onoma__buf *f = &nz->fold;
    char *out = f->data;
    size_t len = f->len;
    const onoma__fold_page *pc = NULL;
    uint32_t pg = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            if (!onoma__ascii_word[c])
                break;
            if (fold && len < cap) /* room reserved for cap + 8 */
                out[len++] = (char)onoma__fold_ascii[c];
            i++;
            continue;
        }
        int clen;
        uint32_t cp = next_cp(s, n, i, &clen);
        if (clen <= 0 || !onoma__is_word(cp))
            break;
        if (fold && len < cap) {
            size_t fl;
            const char *fs = onoma__fold_lookup(cp, &fl, &pc, &pg);
            f->len = len;
            for (size_t k = 0; k < fl; k++) {
                if (fs[k] == ' ' && (f->len == 0 || f->data[f->len - 1] == ' '))
                    continue;
                if (onoma__buf_putc(f, fs[k]))
                    break;
            }
            out = f->data;
            len = f->len;
        }
        i += (size_t)clen;
    }
    f->len = len;
    return i;
}

/* The separator after a word: its end (start of the next word), or 0 when
 * no name can continue across it (too long, a line break, invalid bytes). */
static size_t scan_sep(const unsigned char *s, size_t n, size_t i)
{
    size_t start = i;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            if (onoma__ascii_word[c])
                return i;
            if (c == '\n' || c == '\r' || c == 0)
                return 0;
            i++;
        } else {
            int len;
            uint32_t cp = next_cp(s, n, i, &len);
            if (len <= 0)
                return 0;
            if (onoma__is_word(cp))
                return i;
            i += (size_t)len;
        }
        if (i - start > MAX_SEP)
            return 0;
    }
    return 0;
}

/* All table keys that start at ws, by growing the span word by word.
 * Candidates come out by increasing end; for the same end, the latest layer. */
static int candidates(onoma_normalizer *nz, const unsigned char *s, size_t n, size_t ws, size_t we, uint64_t h,
                      int final, cand *out)
{
    const onoma_tables *t = nz->t;
    int k = nz->idx, nc = 0;
    uint64_t alive = 0;
    /* start loading the home slots while the filters are tested */
    for (size_t l = 0; l < t->nlayers; l++)
        __builtin_prefetch(&t->layers[l].idx[k].slots[h >> t->layers[l].idx[k].shift]);
    for (size_t l = 0; l < t->nlayers; l++)
        if (onoma__layer_filter(&t->layers[l].idx[k], h))
            alive |= 1ull << l;
    size_t end = we;
    while (alive) {
        const char *key = k == ONOMA__IDX_EXACT ? (const char *)s + ws : nz->fold.data;
        size_t klen = k == ONOMA__IDX_EXACT ? end - ws : nz->fold.len;
        for (size_t l = 0; l < t->nlayers; l++) {
            if (!(alive >> l & 1))
                continue;
            const onoma__layer *L = &t->layers[l];
            const onoma__slot *sl = onoma__layer_find(L, &L->idx[k], key, klen, h);
            if (!sl) {
                alive &= ~(1ull << l);
                continue;
            }
            uint32_t fl = sl->len_flags >> 24;
            if (fl & ONOMA__SLOT_KEY) {
                if (nc && out[nc - 1].end == end)
                    out[nc - 1] = (cand){end, (uint32_t)l, sl};
                else if (nc < MAX_CANDS)
                    out[nc++] = (cand){end, (uint32_t)l, sl};
            }
            if (!(fl & ONOMA__SLOT_LONGER))
                alive &= ~(1ull << l);
        }
        if (!alive)
            break;
        size_t next = scan_sep(s, n, end);
        if (!next)
            break;
        if (s[next] < 0x80 && (next + 1 < n || final)) {
            /* may the next word continue any live prefix? */
            unsigned c0 = onoma__pair_class(s[next], k, onoma__ascii_word);
            unsigned c1 = onoma__pair_class(next + 1 < n ? s[next + 1] : ' ', k, onoma__ascii_word);
            uint64_t go = 0;
            for (size_t l = 0; l < t->nlayers; l++) {
                if (!(alive >> l & 1))
                    continue;
                const onoma__layer_index *ix = &t->layers[l].idx[k];
                uint64_t bit = onoma__cont_bit(h, c0 << 8 | c1, ix->cont_log2);
                if ((ix->cont[bit >> 6] >> (bit & 63)) & 1)
                    go |= 1ull << l;
            }
            if (!(alive &= go))
                break;
        }
        /* scan_sep has checked the separator's UTF-8 */
        if (k == ONOMA__IDX_FOLD && onoma__fold_append(&nz->fold, (const char *)s + end, next - end))
            break;
        size_t e2 = scan_word(nz, s, n, next, k == ONOMA__IDX_FOLD);
        if (e2 - ws > ONOMA__LOOKAHEAD)
            break;
        klen = k == ONOMA__IDX_EXACT ? e2 - ws : nz->fold.len;
        if (klen > nz->max_key_len)
            break;
        end = e2;
        h = onoma__hash(k == ONOMA__IDX_EXACT ? (const char *)s + ws : nz->fold.data, klen);
    }
    return nc;
}

static int first_cap(const unsigned char *s, size_t n, size_t i)
{
    if (i >= n)
        return 0;
    int len;
    uint32_t cp = next_cp(s, n, i, &len);
    return len > 0 && onoma__char_case(cp) > 0;
}

/* Start of the character that ends just before position p (p > 0). */
static size_t char_before(const unsigned char *s, size_t p)
{
    size_t q = p - 1, lim = p > 4 ? p - 4 : 0;
    while (q > lim && (s[q] & 0xC0) == 0x80)
        q--;
    return q;
}

static int is_word_at(const unsigned char *s, size_t n, size_t i)
{
    if (s[i] < 0x80)
        return onoma__ascii_word[s[i]];
    int len;
    uint32_t cp = next_cp(s, n, i, &len);
    return len > 0 && onoma__is_word(cp);
}

/* Is the word before ws (one space or hyphen away) capitalised? Looks back
 * at most 64 bytes; the scanner keeps that much context before its input. */
static int prev_word_cap(const unsigned char *s, size_t n, size_t ws)
{
    if (ws < 2 || (s[ws - 1] != ' ' && s[ws - 1] != '-'))
        return 0;
    size_t p = ws - 1, lim = ws > 66 ? ws - 66 : 0;
    if (!is_word_at(s, n, char_before(s, p)))
        return 0;
    while (p > lim) {
        size_t q = char_before(s, p);
        if (!is_word_at(s, n, q))
            break;
        p = q;
    }
    if (p == lim && lim > 0)
        return 0; /* a very long word: do not guess */
    return first_cap(s, n, p);
}

/* Does a sentence (or the text, or a line) start at ws? Looks back over
 * spaces and opening quotes and brackets. */
static int sentence_start(const unsigned char *s, size_t ws)
{
    size_t p = ws, lim = ws > 32 ? ws - 32 : 0;
    while (p > lim) {
        size_t q = char_before(s, p);
        unsigned c = s[q];
        if (c == ' ' || c == '\t' || c == '"' || c == '(' || c == '[' || c == '\'' ||
            (c == 0xE2 && p - q == 3 && s[q + 1] == 0x80 && (s[q + 2] == 0x9C || s[q + 2] == 0x98)) ||
            (c == 0xC2 && p - q == 2 && (s[q + 1] == 0xA0 || s[q + 1] == 0xAB))) {
            p = q;
            continue;
        }
        return c == '.' || c == '!' || c == '?' || c == '\n' || c == '\r' || c == ':';
    }
    return p == 0;
}

/* A guarded spelling (a common word too) counts only when capitalised, not
 * at the start of a sentence, and next to another capitalised word, one
 * space or hyphen away. */
static int guard_ok(const unsigned char *s, size_t n, size_t ws, size_t end)
{
    if (!first_cap(s, n, ws) || sentence_start(s, ws))
        return 0;
    if (prev_word_cap(s, n, ws))
        return 1;
    return end + 1 < n && (s[end] == ' ' || s[end] == '-') && first_cap(s, n, end + 1);
}

/* Write canonical c into nz->rep, in the case pattern of the span. */
static int apply_case(onoma_normalizer *nz, const unsigned char *span, size_t slen, const char *c, size_t clen,
                      int caps_spelling)
{
    nz->rep.len = 0;
    if (nz->idx == ONOMA__IDX_EXACT)
        return onoma__buf_put(&nz->rep, c, clen);
    size_t up = 0, low = 0;
    int first = 0;
    for (size_t i = 0; i < slen;) {
        int len;
        uint32_t cp = next_cp(span, slen, i, &len);
        if (len <= 0) {
            i++;
            continue;
        }
        int cs = onoma__char_case(cp);
        if (cs && !first)
            first = cs;
        if (cs > 0)
            up++;
        else if (cs < 0)
            low++;
        i += (size_t)len;
    }
    if (up >= 2 && low == 0 && !caps_spelling)
        return onoma__to_upper(&nz->rep, c, clen);
    if (low >= 1 && up == 0)
        return onoma__to_lower(&nz->rep, c, clen);
    if (first > 0 && clen) {
        int len;
        uint32_t cp = next_cp((const unsigned char *)c, clen, 0, &len);
        if (len > 0 && onoma__char_case(cp) < 0)
            return onoma__to_title_first(&nz->rep, c, clen);
    }
    return onoma__buf_put(&nz->rep, c, clen);
}

static int deliver(onoma_normalizer *nz, const onoma_event *ev)
{
    if (!nz->on_event)
        return 0;
    int r = nz->on_event(nz->ev_ctx, ev);
    return r ? (r < 0 ? r : ONOMA_EABORTED) : 0;
}

/* An event about the span s[ws..ws+slen) (buf is the scanned buffer). */
static void span_event(onoma_normalizer *nz, onoma_event *ev, int kind, const char *buf, size_t ws, size_t slen)
{
    memset(ev, 0, sizeof *ev);
    onoma__track(nz, buf, nz->base + ws);
    ev->kind = kind;
    ev->offset = nz->base + ws;
    ev->length = slen;
    ev->line = nz->line;
    ev->column = nz->col + 1;
    ev->from = buf + ws;
    ev->from_len = slen;
}

static const char *type_name(uint32_t t)
{
    static const char *const names[] = {"person", "place", "org", "name", "other"};
    return t < ONOMA__NTYPES ? names[t] : "other";
}

/* Decide what the longest acceptable candidate does. Returns the end of the
 * consumed span (0 when nothing matched), with *rewrite set when nz->rep
 * holds a replacement for s[ws..end). */
static size_t decide(onoma_normalizer *nz, const unsigned char *s, size_t n, size_t ws, cand *c, int nc,
                     int *rewrite, const char *buf, int *rc)
{
    const onoma_tables *t = nz->t;
    int guard = -1, lower = -1, caps = 0;
    *rewrite = 0;
    for (int i = nc - 1; i >= 0; i--) {
        const onoma__layer *L = &t->layers[c[i].layer];
        uint32_t ntg;
        const uint32_t *tg = onoma__slot_targets(L, c[i].sl, &ntg);
        uint32_t ok[MAX_CANDS];
        size_t nok = 0;
        for (uint32_t j = 0; j < ntg && nok < MAX_CANDS; j++) {
            if (!(tg[j] & ONOMA__T_LOWER) && nz->idx == ONOMA__IDX_FOLD && !(nz->flags & ONOMA_ANY_CASE)) {
                if (lower < 0)
                    lower = onoma__first_case((const char *)s + ws, c[i].end - ws) < 0;
                if (lower)
                    continue; /* "iran" is not the name Iran */
            }
            if ((tg[j] & ONOMA__T_GUARDED) && !(nz->flags & ONOMA_NO_GUARD)) {
                if (guard < 0)
                    guard = guard_ok(s, n, ws, c[i].end);
                if (!guard)
                    continue;
            }
            if (!nok)
                caps = (tg[j] & ONOMA__T_CAPS) != 0;
            ok[nok++] = tg[j] >> ONOMA__T_BITS;
        }
        if (!nok)
            continue;
        size_t clen;
        const char *canon = onoma__canonical(t, c[i].layer, ok[0], nz->style, &clen);
        int ambiguous = 0;
        for (size_t j = 1; j < nok; j++) {
            size_t l2;
            const char *c2 = onoma__canonical(t, c[i].layer, ok[j], nz->style, &l2);
            if (l2 != clen || memcmp(c2, canon, clen) != 0)
                ambiguous = 1;
        }
        size_t end = c[i].end, slen = end - ws;
        onoma_event ev;
        if (ambiguous) {
            if (nz->on_event) {
                onoma_candidate cs[MAX_CANDS];
                for (size_t j = 0; j < nok; j++) {
                    size_t l1, l2;
                    cs[j].id = onoma__lstr(L, L->entries[ok[j]].id);
                    cs[j].canonical = onoma__canonical(t, c[i].layer, ok[j], nz->style, &l1);
                    cs[j].display = onoma__display(t, c[i].layer, ok[j], nz->style, &l2);
                }
                span_event(nz, &ev, ONOMA_EVENT_AMBIGUOUS, buf, ws, slen);
                ev.ncandidates = nok;
                ev.candidates = cs;
                *rc = deliver(nz, &ev);
            }
            return end;
        }
        /* a name in another script than its canonical form stays as written */
        if (!(nz->flags & ONOMA_CROSS_SCRIPT) && s[ws] >= 0x80 &&
            onoma__first_script((const char *)s + ws, slen) != onoma__first_script(canon, clen))
            return end;
        if ((*rc = apply_case(nz, s + ws, slen, canon, clen, caps)))
            return end;
        if (nz->rep.len == slen && memcmp(nz->rep.data, s + ws, slen) == 0)
            return end; /* already canonical */
        *rewrite = 1;
        if (nz->on_event) {
            size_t dl;
            const onoma__entry_rec *e = &L->entries[ok[0]];
            span_event(nz, &ev, ONOMA_EVENT_REWRITE, buf, ws, slen);
            ev.to = nz->rep.data;
            ev.to_len = nz->rep.len;
            ev.id = onoma__lstr(L, e->id);
            ev.canonical = canon;
            ev.display = onoma__display(t, c[i].layer, ok[0], nz->style, &dl);
            ev.type = type_name(e->type);
            *rc = deliver(nz, &ev);
        }
        return end;
    }
    return 0;
}

static int emit(onoma_write_fn sink, void *ctx, const char *p, size_t n)
{
    if (!n)
        return 0;
    int r = sink(ctx, p, n);
    return r ? (r < 0 ? r : ONOMA_EABORTED) : 0;
}

static int invalid(onoma_normalizer *nz, const char *buf, size_t i, int nul, onoma_error *err)
{
    onoma__track(nz, buf, nz->base + i);
    int rc = onoma__error(err, nul ? ONOMA_ENUL : ONOMA_EUTF8, nz->name, nz->line, nz->base + i,
                          nul ? "NUL byte at byte %llu (line %llu)" : "invalid UTF-8 at byte %llu (line %llu)",
                          (unsigned long long)(nz->base + i), (unsigned long long)nz->line);
    if (err)
        err->column = nz->col + 1;
    return rc;
}

/* May a word at ws begin a key of some layer? Two bytes decide, for most
 * words (format.h, onoma__pair_class); unknown bytes say yes. */
static inline int pair_pass(const onoma_normalizer *nz, const unsigned char *s, size_t n, size_t ws, int final)
{
    unsigned b0 = s[ws];
    if (b0 >= 0x80 || (ws + 1 >= n && !final))
        return 1;
    unsigned idx = (unsigned)nz->cls[b0] << 8 | nz->cls[ws + 1 < n ? s[ws + 1] : ' '];
    /* a word written in lower case: only spellings written so (proper-noun rule) */
    if (nz->lower_rule && b0 - 'a' < 26u) {
        if (!((nz->lpair[idx >> 6] >> (idx & 63)) & 1))
            return 0; /* two bytes rule most words out */
        if (ws + 4 > n && !final)
            return 1;
        const onoma_tables *t = nz->t;
        uint32_t ph = onoma__prefix_hash(s + ws, n - ws, onoma__ascii_word);
        for (size_t l = 0; l < t->nlayers; l++) {
            const onoma__layer_index *ix = &t->layers[l].idx[nz->idx];
            uint32_t b = ph >> (32 - ix->lpre_log2);
            if ((ix->lpre[b >> 6] >> (b & 63)) & 1)
                return 1;
        }
        return 0;
    }
    return (int)((nz->pair[idx >> 6] >> (idx & 63)) & 1);
}

#if defined(__SSE2__)
#include <emmintrin.h>
/* 16 bytes at p: the number of ASCII bytes before the first other one (16
 * if none), with a bit per word byte ([A-Za-z0-9_]) in *word and per NUL in
 * *nul, for those bytes. */
static inline unsigned ascii_block(const unsigned char *p, unsigned *word, unsigned *nul)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    unsigned hi = (unsigned)_mm_movemask_epi8(v);
    unsigned lanes = hi ? (unsigned)__builtin_ctz(hi) : 16;
    if (!lanes)
        return 0;
    unsigned keep = lanes == 16 ? 0xFFFFu : (1u << lanes) - 1;
    __m128i lo = _mm_or_si128(v, _mm_set1_epi8(0x20));
    __m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(lo, _mm_set1_epi8('a' - 1)), _mm_cmplt_epi8(lo, _mm_set1_epi8('z' + 1)));
    __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    __m128i us = _mm_cmpeq_epi8(v, _mm_set1_epi8('_'));
    *word = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(alpha, digit), us)) & keep;
    *nul = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128())) & keep;
    return lanes;
}
#endif

/* Everything about the word at ws: lookup, decision, output. Returns the end
 * of what it consumed (the word, or the whole matched span). */
static size_t at_word(onoma_normalizer *nz, const unsigned char *s, size_t n, size_t ws, int final, int listed,
                      size_t *out, onoma_write_fn sink, void *ctx, int *rc)
{
    cand cs[MAX_CANDS];
    const int fold = nz->idx == ONOMA__IDX_FOLD && listed;
    nz->fold.len = 0;
    size_t we = scan_word(nz, s, n, ws, fold);
    const char *key = fold ? nz->fold.data : (const char *)s + ws;
    size_t klen = fold ? nz->fold.len : we - ws;
    size_t end = 0, from = ws;
    int rewrite = 0, nc = 0;
    if (listed && klen && klen <= nz->max_key_len) {
        nc = candidates(nz, s, n, ws, we, onoma__hash(key, klen), final, cs);
        if (nc)
            end = decide(nz, s, n, ws, cs, nc, &rewrite, (const char *)s, rc);
        if (*rc)
            return ws;
    }
    if (!end && nz->fz) {
        /* --fuzzy: no listed spelling starts here (or none was taken: then
         * only a longer span may match); the span may begin before ws (a
         * particle, al-), but never before what is written */
        end = onoma__fuzzy_at(nz, s, n, ws, we, nc ? cs[nc - 1].end : 0, *out, &from, &rewrite, rc);
        if (*rc)
            return ws;
    }
    if (rewrite) {
        if ((*rc = emit(sink, ctx, (const char *)s + *out, from - *out)) ||
            (*rc = emit(sink, ctx, nz->rep.data, nz->rep.len)))
            return ws;
        *out = end;
    }
    return end ? end : we;
}

/* ---------------------------------------------------------- for fuzzy.c */

int onoma__nz_sentence_start(const unsigned char *s, size_t ws) { return sentence_start(s, ws); }

int onoma__nz_fuzzy_rewrite(onoma_normalizer *nz, const unsigned char *s, size_t ws, size_t end, uint32_t layer,
                            uint32_t entry, double score, int *rewrite)
{
    const onoma_tables *t = nz->t;
    size_t clen, slen = end - ws;
    const char *canon = onoma__canonical(t, layer, entry, nz->style, &clen);
    *rewrite = 0;
    /* as for listed spellings: another script than the canonical form's stays */
    if (!(nz->flags & ONOMA_CROSS_SCRIPT) && s[ws] >= 0x80 &&
        onoma__first_script((const char *)s + ws, slen) != onoma__first_script(canon, clen))
        return 0;
    int rc = apply_case(nz, s + ws, slen, canon, clen, 0); /* (no span in capitals comes here) */
    if (rc)
        return rc;
    *rewrite = nz->rep.len != slen || memcmp(nz->rep.data, s + ws, slen) != 0;
    if (!*rewrite || !nz->on_event)
        return 0;
    const onoma__layer *L = &t->layers[layer];
    const onoma__entry_rec *e = &L->entries[entry];
    size_t dl;
    onoma_event ev;
    span_event(nz, &ev, ONOMA_EVENT_REWRITE, (const char *)s, ws, slen);
    ev.to = nz->rep.data;
    ev.to_len = nz->rep.len;
    ev.id = onoma__lstr(L, e->id);
    ev.canonical = canon;
    ev.display = onoma__display(t, layer, entry, nz->style, &dl);
    ev.type = type_name(e->type);
    ev.fuzzy = 1;
    ev.score = score;
    return deliver(nz, &ev);
}

int onoma__scan(onoma_normalizer *nz, const char *buf, size_t n, size_t start, int final, size_t *consumed,
                onoma_write_fn sink, void *ctx, onoma_error *err)
{
    const unsigned char *s = (const unsigned char *)buf;
    const int keep = (nz->flags & ONOMA_INVALID_KEEP) != 0, repl = (nz->flags & ONOMA_INVALID_REPLACE) != 0;
    size_t i = start, out = start, safe = n;
    int prevw = start > 0 && is_word_at(s, n, char_before(s, start)), rc = 0;
    if (!final) {
        const char *nl = memrchr(buf + start, '\n', n - start);
        safe = nl ? (size_t)(nl - buf) + 1 : start;
    }
    while (i < n) {
#if defined(__SSE2__)
        unsigned wm, zm, lanes;
        if (i + 16 <= n && (lanes = ascii_block(s + i, &wm, &zm)) != 0 && (!zm || keep)) {
            /* the ASCII bytes of the block; a non-ASCII character after them goes
             * through the code below */
            unsigned starts = wm & ~((wm << 1) | (unsigned)prevw);
            size_t blk = i;
            i = blk + lanes;
            prevw = (int)((wm >> (lanes - 1)) & 1);
            while (starts) {
                size_t ws = blk + (unsigned)__builtin_ctz(starts);
                starts &= starts - 1;
                int listed = pair_pass(nz, s, n, ws, final);
                if (!listed && (!nz->fz || (unsigned)(s[ws] - 'A') >= 26u))
                    continue; /* (--fuzzy looks at capitalised words too) */
                if (!final && ws >= safe && n - ws < ONOMA__LOOKAHEAD) {
                    i = ws;
                    goto stop;
                }
                i = at_word(nz, s, n, ws, final, listed, &out, sink, ctx, &rc);
                if (rc)
                    goto stop;
                prevw = 1;
                break;
            }
            continue;
        }
#endif
        unsigned c = s[i];
        if (c < 0x80) {
            if (!onoma__ascii_word[c]) {
                if (c == 0 && !keep) {
                    if (!repl) {
                        rc = invalid(nz, buf, i, 1, err);
                        break;
                    }
                    if ((rc = emit(sink, ctx, buf + out, i - out)) || (rc = emit(sink, ctx, "\xEF\xBF\xBD", 3)))
                        break;
                    out = i + 1;
                }
                prevw = 0;
                i++;
                continue;
            }
            if (prevw) {
                i++;
                continue;
            }
        } else {
            int len;
            uint32_t cp = next_cp(s, n, i, &len);
            if (len < 0 && !final)
                break; /* a character cut by the end of the buffer */
            if (len <= 0) {
                size_t skip = len < 0 ? n - i : cp;
                if (!keep) {
                    if (!repl) {
                        rc = invalid(nz, buf, i, 0, err);
                        break;
                    }
                    if ((rc = emit(sink, ctx, buf + out, i - out)) || (rc = emit(sink, ctx, "\xEF\xBF\xBD", 3)))
                        break;
                    out = i + skip;
                }
                prevw = 0;
                i += skip;
                continue;
            }
            if (!onoma__is_word(cp)) {
                prevw = 0;
                i += (size_t)len;
                continue;
            }
            if (prevw) {
                i += (size_t)len;
                continue;
            }
        }
        /* A word starts at i. */
        prevw = 1;
        int listed = pair_pass(nz, s, n, i, final);
        if (!listed && (!nz->fz || (unsigned)(s[i] - 'A') >= 26u)) {
            i++;
            continue;
        }
        if (!final && i >= safe && n - i < ONOMA__LOOKAHEAD)
            break;
        i = at_word(nz, s, n, i, final, listed, &out, sink, ctx, &rc);
        if (rc)
            break;
    }
stop:
    if (!rc && i > out)
        rc = emit(sink, ctx, buf + out, i - out);
    if (rc)
        return rc;
    *consumed = i;
    return 0;
}

/* ------------------------------------------------------------- streaming */

int onoma__consume(onoma_normalizer *nz, int final, onoma_write_fn sink, void *ctx, onoma_error *err)
{
    size_t used = 0;
    int rc = onoma__scan(nz, nz->in.data, nz->in.len, nz->start, final, &used, sink, ctx, err);
    if (rc)
        return rc;
    onoma__track(nz, nz->in.data, nz->base + used);
    size_t keep_from = used > ONOMA__CONTEXT ? used - ONOMA__CONTEXT : 0;
    memmove(nz->in.data, nz->in.data + keep_from, nz->in.len - keep_from);
    nz->in.len -= keep_from;
    nz->base += keep_from;
    nz->start = used - keep_from;
    return 0;
}

int onoma_normalizer_feed(onoma_normalizer *nz, const char *data, size_t len, onoma_write_fn sink, void *ctx,
                          onoma_error *err)
{
    if (onoma__buf_put(&nz->in, data, len))
        return onoma__error(err, ONOMA_ENOMEM, nz->name, 0, 0, NULL);
    return onoma__consume(nz, 0, sink, ctx, err);
}

int onoma_normalizer_finish(onoma_normalizer *nz, onoma_write_fn sink, void *ctx, onoma_error *err)
{
    int rc = onoma__consume(nz, 1, sink, ctx, err);
    onoma__normalizer_reset(nz);
    return rc;
}

int onoma_normalize_buffer(onoma_normalizer *nz, const char *in, size_t len, onoma_write_fn sink, void *ctx,
                           onoma_error *err)
{
    onoma__normalizer_reset(nz);
    size_t used;
    int rc = onoma__scan(nz, in, len, 0, 1, &used, sink, ctx, err);
    onoma__normalizer_reset(nz);
    return rc;
}

#define READ_CHUNK (1u << 20)

int onoma_normalize_fd(onoma_normalizer *nz, int fd, onoma_write_fn sink, void *ctx, onoma_error *err)
{
    onoma__normalizer_reset(nz);
    if (nz->jobs > 1)
        return onoma__normalize_fd_parallel(nz, fd, sink, ctx, err);
    int rc = 0;
    for (;;) {
        if (onoma__buf_reserve(&nz->in, READ_CHUNK)) {
            rc = onoma__error(err, ONOMA_ENOMEM, nz->name, 0, 0, NULL);
            break;
        }
        ssize_t r = read(fd, nz->in.data + nz->in.len, READ_CHUNK);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            rc = onoma__error(err, ONOMA_EIO, nz->name, 0, nz->base + nz->in.len, "read error: %s",
                              strerror(errno));
            break;
        }
        nz->in.len += (size_t)r;
        if ((rc = onoma__consume(nz, r == 0, sink, ctx, err)) || r == 0)
            break;
    }
    onoma__normalizer_reset(nz);
    return rc;
}

/* ----------------------------------------------------------- convenience */

static int to_buf(void *ctx, const char *p, size_t n) { return onoma__buf_put(ctx, p, n); }

int onoma_normalize(const onoma_tables *t, const onoma_options *opt, const char *in, size_t len, char **out,
                    size_t *out_len, onoma_error *err)
{
    *out = NULL;
    onoma_normalizer *nz;
    int rc = onoma_normalizer_new(t, opt, &nz, err);
    if (rc)
        return rc;
    onoma__buf b = {0};
    rc = onoma_normalize_buffer(nz, in, len, to_buf, &b, err);
    if (!rc && onoma__buf_putc(&b, 0))
        rc = onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    onoma_normalizer_free(&nz);
    if (rc) {
        onoma__buf_free(&b);
        return rc;
    }
    *out = b.data;
    if (out_len)
        *out_len = b.len - 1;
    return 0;
}
