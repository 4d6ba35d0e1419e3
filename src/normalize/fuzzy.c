/* normalize --fuzzy: a capitalised run that starts no listed spelling is
 * keyed (key rules, per-token cache) and looked up in a key index of the
 * tables' spellings. It is rewritten only when
 *   - among the listed spellings with its key, in its script and with as
 *     many words (so that no word of the text is dropped), those it matches
 *     (onoma_match >= ONOMA_MATCH_THRESHOLD) are all of exactly one entity
 *     (one canonical form in the style),
 *   - it is no guarded spelling (those are not in the index), not one word
 *     at a sentence start ("Said"), not a word in capitals (acronyms),
 *     not shorter than MIN_SINGLE characters alone, and neither begins nor
 *     ends with a word the key drops (a title),
 *   - one word only names a person or a name record: gazetteers of places
 *     and organisations are full of spellings that are common words of some
 *     language (Ministry, Fate), so those take two capitalised words of
 *     three letters or more,
 *   - every word reads like the listed spelling's word in the same place
 *     (reads_alike): equal keys alone are coarse; a word opening a sentence
 *     must even be spelled as there (it may be a common word: The, In),
 *   - the canonical form has as many words as the span: a spelling, not
 *     another name of the entity ("Alli" is not Mustafa Âlî),
 *   - for a name of a longer name (a surname record): the capitalised words
 *     around it, if the key keeps any of them, match that longer name too
 *     ("Ali Solaymani" is not Qasem Soleimani).
 * Results are cached per span text: running text repeats its names. */
#include "normalize/fuzzy.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/hash.h"
#include "key/api.h"
#include "key/keyint.h"
#include "key/mention.h"
#include "normalize/keyix.h"
#include "table/tables.h"
#include "text/chars.h"
#include "text/utf8.h"

#define MAX_WORDS 5     /* words of a span (capitalised words and particles) */
#define MAX_BEFORE 2    /* particles before the capitalised word joined to the span */
#define MIN_SINGLE 4    /* characters of a one-word span */
#define MAX_GROUP 64    /* listed spellings of one key a span is matched against */
#define TOKEN_SIM 0.84  /* Jaro-Winkler of each word with the spelling's word in the same place */
#define TOKEN_MEAN 0.88 /* ... and on average over the words of three letters or more */
#define TOKEN_MAX 64    /* letters of a token compared */
#define CACHE_MAX_ENTRIES (1u << 20)
#define CACHE_MAX_BYTES ((size_t)64 << 20)

/* What a word of running text gives the key, when it is plain: ASCII
 * letters only, two or more, in no word list of the rules and with no
 * patronymic ending. A plain word is one token whose key is its token key,
 * so whether the key of a span of plain words is known is told from their
 * cached token keys, without the engine: most capitalised runs then cost a
 * few lookups in small tables. Keys are compared by a hash that ignores
 * token order (the engine sorts the tokens): the sum of the mixed hashes of
 * their token keys. A word the engine drops before anything else (a title
 * of a drop list, an initial) is plain too: it gives no token (but the
 * span's words as written count it). */
typedef uint32_t winfo; /* WI_*, else onoma__kix_tk_hash of its token key (> WI_DROP), | WI_LIMITED */
#define WI_NONE 0  /* not plain: the span goes to the engine */
#define WI_EMPTY 1 /* plain, a token with an empty key */
#define WI_DROP 2  /* plain, no token */
/* plain in spans of one or two tokens only: a word of the 'common' or
 * 'drop-lead' lists, or with a patronymic ending (the engine looks at them
 * in longer names only) */
#define WI_LIMITED 0x80000000u

/* Tables on hashes alone, without the text: a collision can only send a
 * span to the full check (resolve), which keys its text, or miss a fuzzy
 * match; never make a wrong rewrite. A word slot holds a 32-bit tag of the
 * word's hash (0: empty) and its winfo. */
typedef uint64_t wslot;
#define WORDS_MAX (1u << 17) /* words remembered (then forgotten all at once) */
#define HOT_WORDS 4096 /* a direct-mapped table of the last words looked at, before the words */

/* The key index of each layer's spellings (normalize/keyix.h): the one a
 * compiled table stores, when made with the same rules; else one built at
 * run time, kept here, per rules, layer and script. */
typedef struct fz_built {
    uint64_t rules_id;
    size_t layer;
    int script;
    onoma__buf part;
    struct fz_built *next;
} fz_built;

/* What hangs on onoma_tables.ext. */
typedef struct fz_ext {
    onoma_keyrules *bundled; /* loaded for normalizers that name no rules */
    fz_built *built;
} fz_ext;

typedef struct fz_result {
    int found;
    uint32_t layer, entry;
    int ntok; /* tokens of the span (match tokens) */
    double score;
    int first_same; /* the span's first word is the spelling's first word (folded) */
} fz_result;


struct onoma__fuzzy {
    const onoma_keyrules *rules;
    onoma_tables *t;
    onoma__kix *ix[2]; /* by script, one per layer; the second made when first needed */
    const onoma__kix_group **grp; /* resolve: the group of a key in each layer */
    onoma_keyer *kr;
    kr_strmap cache; /* span text -> fz_result (bytes in the arena), for spans that matched */
    uint64_t *miss;  /* hashes of span texts that did not (0: empty); a collision can only miss a match */
    size_t nmiss, missmask;
    wslot hot[HOT_WORDS];
    wslot *words; /* word as written -> winfo */
    size_t nwords, wmask;
    /* the word infos of the last run, by absolute offset: the next word of
     * a run is looked at again when the run did not match from its start */
    uint64_t memo_at[MAX_WORDS];
    winfo memo[MAX_WORDS];
    size_t nmemo;
    onoma__buf key, toks; /* toks: the span's tokens, NUL-separated */
};


/* ----------------------------------------------------------------- index */

static void ext_free(void *p)
{
    fz_ext *x = p;
    if (!x)
        return;
    for (fz_built *b = x->built, *next; b; b = next) {
        next = b->next;
        onoma__buf_free(&b->part);
        free(b);
    }
    onoma_keyrules_close(&x->bundled);
    free(x);
}

static int words(const char *s, size_t n, onoma__buf *out, int *lower)
{
    return onoma__kix_words(s, n, out, lower);
}

/* The index part of a layer in a script: the stored one when the rules are
 * those it was made with, else one built now (under the tables' mutex: the
 * tables are immutable but for this cache) and kept. */
static int layer_index(onoma_tables *t, size_t l, const onoma_keyrules *r, onoma_keyer *kr, int script,
                       onoma__kix *v)
{
    const onoma__layer *L = &t->layers[l];
    const onoma__table_hdr *h = L->h;
    if (h->keyix_len) {
        const unsigned char *sec = L->base + h->keyix_off;
        const onoma__kix_hdr *kh = (const onoma__kix_hdr *)sec;
        if (kh->rules_digest == onoma__keyer_digest(kr) && kh->part_len[script]) {
            onoma__kix_view(sec + kh->part_off[script], v);
            return 0;
        }
    }
    int rc = 0;
    pthread_mutex_lock(&t->ext_mu);
    fz_ext *x = t->ext;
    fz_built *b = x->built;
    while (b && !(b->rules_id == r->id && b->layer == l && b->script == script))
        b = b->next;
    if (!b) {
        if (!(b = calloc(1, sizeof *b)))
            rc = ONOMA_ENOMEM;
        else if ((rc = onoma__kix_build(L, kr, script, &b->part))) {
            onoma__buf_free(&b->part);
            free(b);
            b = NULL;
        } else {
            b->rules_id = r->id;
            b->layer = l;
            b->script = script;
            b->next = x->built;
            x->built = b;
        }
    }
    pthread_mutex_unlock(&t->ext_mu);
    if (b)
        onoma__kix_view((const unsigned char *)b->part.data, v);
    return rc;
}

/* The index parts of every layer in a script, made by the first normalizer
 * that needs them. */
static int get_index(struct onoma__fuzzy *fz, int script, onoma_error *err)
{
    onoma_tables *t = fz->t;
    onoma__kix *v = calloc(t->nlayers ? t->nlayers : 1, sizeof *v);
    int rc = v ? 0 : ONOMA_ENOMEM;
    for (size_t l = 0; l < t->nlayers && !rc; l++)
        rc = layer_index(t, l, fz->rules, fz->kr, script, &v[l]);
    if (rc) {
        free(v);
        return onoma__error(err, rc, NULL, 0, 0, "building the key index: %s", onoma_strerror(rc));
    }
    fz->ix[script] = v;
    return 0;
}

/* ------------------------------------------------------------- lifecycle */

int onoma__fuzzy_new(onoma_normalizer *nz, const onoma_keyrules *rules, onoma_error *err)
{
    onoma_tables *t = (onoma_tables *)nz->t;
    int rc = 0;
    pthread_mutex_lock(&t->ext_mu);
    fz_ext *x = t->ext;
    if (!x) {
        if (!(x = calloc(1, sizeof *x)))
            rc = onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
        else {
            t->ext = x;
            t->ext_free = ext_free;
        }
    }
    if (!rc && !rules) {
        if (!x->bundled)
            rc = onoma_keyrules_open(NULL, &x->bundled, err);
        rules = x->bundled;
    }
    pthread_mutex_unlock(&t->ext_mu);
    struct onoma__fuzzy *fz = rc ? NULL : calloc(1, sizeof *fz);
    if (!rc && !fz)
        rc = onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    if (rc)
        return rc;
    fz->rules = rules;
    fz->t = t;
    onoma__kr_strmap_init(&fz->cache);
    if (!(fz->grp = calloc(t->nlayers ? t->nlayers : 1, sizeof *fz->grp)))
        rc = onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    /* the Latin index now, so that its cost and its errors come here */
    if (rc || (rc = onoma__keyer_make(rules, 0, &fz->kr, err)) || (rc = get_index(fz, 0, err))) {
        onoma_keyer_free(&fz->kr);
        free(fz->grp);
        free(fz);
        return rc;
    }
    nz->fz = fz;
    return 0;
}

void onoma__fuzzy_free(struct onoma__fuzzy **p)
{
    struct onoma__fuzzy *fz = p ? *p : NULL;
    if (!fz)
        return;
    onoma__kr_strmap_free(&fz->cache);
    free(fz->miss);
    free(fz->words);
    free(fz->ix[0]);
    free(fz->ix[1]);
    free(fz->grp);
    onoma__buf_free(&fz->key);
    onoma__buf_free(&fz->toks);
    onoma_keyer_free(&fz->kr);
    free(fz);
    *p = NULL;
}
/* ---------------------------------------------------------------- lookup */

static int tokens(struct onoma__fuzzy *fz, const char *s, size_t n)
{
    int rc = onoma__kr_tokens(fz->kr->k, s, n, 1);
    return rc < 0 ? onoma__key_error(rc, NULL) : rc;
}

/* Does the spelling read like the span, word by word in their order
 * (folded: Jaro-Winkler >= TOKEN_SIM, TOKEN_MEAN on average, lengths within
 * a third)? Equal keys
 * alone are too coarse for rewriting against a large gazetteer (Mario
 * Alberto ~ Porto Maria, al-Hassan ~ Imam Hassan). The span's words are
 * in fz->toks, the spelling's in t; nw each. */
static int reads_alike(const struct onoma__fuzzy *fz, const char *t, int nw)
{
    const char *a = fz->toks.data;
    unsigned char flags[2 * TOKEN_MAX];
    double sum = 0.0;
    int nlong = 0;
    for (int i = 0; i < nw; i++) {
        size_t la = strlen(a), lb = strlen(t), lmin = la < lb ? la : lb, diff = la < lb ? lb - la : la - lb;
        if (diff > 1 && diff * 3 > lmin)
            return 0;
        double jw = onoma__kr_jaro_winkler(a, la < TOKEN_MAX ? la : TOKEN_MAX, t, lb < TOKEN_MAX ? lb : TOKEN_MAX,
                                           flags);
        if (jw < TOKEN_SIM)
            return 0;
        if (lmin >= 3) { /* particles (al, de) say little */
            sum += jw;
            nlong++;
        }
        a += la + 1;
        t += lb + 1;
    }
    return !nlong || sum >= TOKEN_MEAN * nlong;
}

/* The entity a span names through its key: among the listed spellings with
 * its key, in its script and with as many tokens, those it matches
 * (onoma_match >= ONOMA_MATCH_THRESHOLD, and reads_alike) must all be of
 * one entity (one canonical form in the style). A key shared by more than
 * MAX_GROUP spellings says too little. */
static int resolve(struct onoma__fuzzy *fz, const onoma_normalizer *nz, const char *span, size_t len, fz_result *res)
{
    int lat = onoma__kix_latin(span, len);
    if (!fz->ix[!lat]) {
        int rc = get_index(fz, !lat, NULL);
        if (rc)
            return rc;
    }
    const onoma__kix *ix = fz->ix[!lat];
    int rc = onoma__key_buf(fz->kr, span, len, &fz->key);
    if (rc || !fz->key.len)
        return rc;
    /* the key's spellings in every layer, in layer order */
    uint64_t kh = onoma__hash(fz->key.data, fz->key.len);
    size_t nl = fz->t->nlayers, total = 0;
    for (size_t l = 0; l < nl; l++) {
        fz->grp[l] = onoma__kix_find(&ix[l], fz->key.data, fz->key.len, kh);
        if (fz->grp[l])
            total += fz->grp[l]->n;
    }
    if (!total || total > MAX_GROUP)
        return 0;
    fz->toks.len = 0;
    int lower, nw = words(span, len, &fz->toks, &lower);
    if (nw < 0)
        return ONOMA_ENOMEM;
    double best = -1.0, sc = 0.0;
    const onoma__kix_rec *bi = NULL;
    size_t bl = 0;
    const char *canon = NULL;
    size_t clen = 0;
    int ok = 0;
    for (size_t l = 0; l < nl; l++) {
        const onoma__kix_group *g = fz->grp[l];
        if (!g)
            continue;
        const onoma__kix_rec *rec = ix[l].recs + g->first;
        const char *str = fz->t->layers[l].str;
        for (uint32_t i = 0; i < g->n; i++) {
            if (rec[i].nwords != (uint32_t)nw)
                continue; /* more or fewer words (Abdallah is not Abdullah II) */
            if (!i || rec[i].spelling != rec[i - 1].spelling) { /* one spelling, several entries: scored once */
                ok = reads_alike(fz, ix[l].words + rec[i].words, nw);
                if (ok) {
                    sc = onoma__match(fz->kr->k, span, len, str + rec[i].spelling, rec[i].len, NULL, NULL);
                    if (sc < 0)
                        return onoma__key_error((int)sc, NULL);
                    ok = sc >= ONOMA_MATCH_THRESHOLD;
                }
            }
            if (!ok)
                continue;
            size_t l1;
            const char *c1 = onoma__canonical(nz->t, (uint32_t)l, rec[i].entry, nz->style, &l1);
            if (canon && (l1 != clen || memcmp(c1, canon, clen) != 0))
                return 0; /* two entities */
            canon = c1;
            clen = l1;
            if (sc > best) {
                best = sc;
                bi = &rec[i];
                bl = l;
            }
        }
    }
    /* a spelling, not another name: the canonical form has as many words */
    if (!canon || words(canon, clen, NULL, &lower) != nw)
        return 0;
    /* (a non-empty key has tokens) */
    int ntok = onoma__kr_tokens(fz->kr->k, span, len, 1);
    if (ntok <= 0)
        return ntok < 0 ? onoma__key_error(ntok, NULL) : 0;
    const char *sw = ix[bl].words + bi->words;
    *res = (fz_result){1, (uint32_t)bl, bi->entry, ntok, best, strcmp(fz->toks.data, sw) == 0};
    return 0;
}

static int miss_add(struct onoma__fuzzy *fz, uint64_t h)
{
    if (!fz->miss || 4 * (fz->nmiss + 1) > 3 * (fz->missmask + 1)) {
        size_t cap = fz->miss ? 2 * (fz->missmask + 1) : 4096;
        if (cap > 2 * CACHE_MAX_ENTRIES) { /* forget them all at once */
            memset(fz->miss, 0, (fz->missmask + 1) * sizeof *fz->miss);
            fz->nmiss = 0;
        } else {
            uint64_t *m = calloc(cap, sizeof *m);
            if (!m)
                return ONOMA_ENOMEM;
            for (size_t i = 0; fz->miss && i <= fz->missmask; i++)
                if (fz->miss[i]) {
                    size_t j = (size_t)(fz->miss[i] >> 20) & (cap - 1);
                    while (m[j])
                        j = (j + 1) & (cap - 1);
                    m[j] = fz->miss[i];
                }
            free(fz->miss);
            fz->miss = m;
            fz->missmask = cap - 1;
        }
    }
    size_t j = (size_t)(h >> 20) & fz->missmask;
    while (fz->miss[j])
        j = (j + 1) & fz->missmask;
    fz->miss[j] = h;
    fz->nmiss++;
    return 0;
}

static int lookup(struct onoma__fuzzy *fz, const onoma_normalizer *nz, const char *span, size_t len, fz_result *res)
{
    uint64_t h = onoma__hash(span, len);
    uint64_t mh = h ? h : 1;
    if (fz->miss)
        for (size_t j = (size_t)(mh >> 20) & fz->missmask; fz->miss[j]; j = (j + 1) & fz->missmask)
            if (fz->miss[j] == mh) {
                memset(res, 0, sizeof *res);
                return 0;
            }
    kr_strmap *c = &fz->cache;
    long e = onoma__kr_strmap_find(c, span, len, h);
    if (e >= 0) {
        memcpy(res, c->arena + c->ents[e].val, sizeof *res);
        return 0;
    }
    memset(res, 0, sizeof *res);
    int rc = resolve(fz, nz, span, len, res);
    if (rc)
        return rc;
    if (!res->found)
        return miss_add(fz, mh);
    if (c->nents >= CACHE_MAX_ENTRIES || c->alen >= CACHE_MAX_BYTES)
        onoma__kr_strmap_clear(c);
    long off = onoma__kr_strmap_store(c, (const char *)res, sizeof *res);
    if (off < 0 || onoma__kr_strmap_add(c, span, len, h, (uint32_t)off) < 0)
        return ONOMA_ENOMEM;
    return 0;
}

/* ------------------------------------------------------------ in the text */

static int word_info(struct onoma__fuzzy *fz, const unsigned char *s, size_t n, uint64_t h, winfo *wi)
{
    uint32_t tag = (uint32_t)(h >> 32) | 1; /* also picks the home slot */
    /* the frequent words first, in a small table that stays in the core's
     * cache (the capitalised words of running text are few and repeat) */
    wslot *hot = &fz->hot[(tag >> 12) & (HOT_WORDS - 1)];
    if ((uint32_t)(*hot >> 32) == tag) {
        *wi = (winfo)*hot;
        return 0;
    }
    if (fz->words) {
        for (size_t j = tag & fz->wmask;; j = (j + 1) & fz->wmask) {
            wslot v = fz->words[j];
            if ((uint32_t)(v >> 32) == tag) {
                *wi = (winfo)v;
                *hot = v;
                return 0;
            }
            if (!v)
                break;
        }
    }
    *wi = WI_NONE;
    onoma__keyer *k = fz->kr->k;
    const onoma__keyrules *r = k->r;
    char low[64];
    size_t tn = n;
    int plain = n >= 1 && n <= sizeof low;
    for (size_t i = 0; i < n && plain; i++) {
        unsigned c0 = s[i] | 0x20u;
        plain = c0 - 'a' < 26u;
        low[i] = (char)c0;
    }
    if (!plain) {
        /* accents, apostrophes: the engine's token of the word alone (its
         * text is made character by character, as in a span), when it
         * gives one */
        int nt = onoma__kr_tokens(k, (const char *)s, n, 0);
        if (nt < 0)
            return onoma__key_error(nt, NULL);
        tn = nt == 1 ? k->spans[0].len : 0;
        plain = tn >= 1 && tn <= sizeof low;
        for (size_t i = 0; i < tn && plain; i++) {
            unsigned c0 = (unsigned char)k->tok[k->spans[0].off + i];
            plain = c0 - 'a' < 26u || c0 - '0' < 10u || c0 == '\'';
            low[i] = (char)c0;
        }
    }
    winfo limited = 0;
    if (plain && tn == 1) {
        plain = 0;
        if (k->initials_drop)
            *wi = WI_DROP; /* an initial */
    } else if (plain) {
        long e = onoma__kr_strmap_find(&r->words, low, tn, onoma__kr_hash(low, tn));
        if (e >= 0) {
            const uint32_t *m = r->wmask[r->words.ents[e].val];
            if (m[KR_DROP] & k->active) {
                plain = 0;
                *wi = WI_DROP; /* dropped first, whatever else it is */
            } else if ((m[KR_JOIN_NEXT] | m[KR_JOIN_PREV] | m[KR_TAIL]) & k->active)
                plain = 0; /* joins its neighbour */
            else if ((m[KR_COMMON] | m[KR_DROP_LEAD]) & k->active)
                limited = WI_LIMITED;
        }
    }
    for (size_t i = 0; plain && !limited && i < r->nendings; i++)
        if ((k->active & (1u << r->endings[i].file)) && r->endings[i].n <= tn &&
            memcmp(low + tn - r->endings[i].n, r->endings[i].s, r->endings[i].n) == 0)
            limited = WI_LIMITED;
    if (plain) {
        const char *tk;
        size_t tl;
        onoma__kr_cache_bound(k);
        int rc = onoma__kr_token_key(k, low, tn, &tk, &tl);
        if (rc)
            return onoma__key_error(rc, NULL);
        *wi = (tl ? onoma__kix_tk_hash(tk, tl) : WI_EMPTY) | limited;
    }
    /* remember it: grow (at 3/4 full) to WORDS_MAX, then start again */
    if (!fz->words || 4 * (fz->nwords + 1) > 3 * (fz->wmask + 1)) {
        size_t cap = fz->words ? 2 * (fz->wmask + 1) : 4096;
        if (cap > 2 * WORDS_MAX) {
            memset(fz->words, 0, (fz->wmask + 1) * sizeof *fz->words);
            fz->nwords = 0;
        } else {
            wslot *nw = calloc(cap, sizeof *nw);
            if (!nw)
                return ONOMA_ENOMEM;
            for (size_t i = 0; fz->words && i <= fz->wmask; i++)
                if (fz->words[i]) {
                    size_t j = (size_t)(fz->words[i] >> 32) & (cap - 1);
                    while (nw[j])
                        j = (j + 1) & (cap - 1);
                    nw[j] = fz->words[i];
                }
            free(fz->words);
            fz->words = nw;
            fz->wmask = cap - 1;
        }
    }
    size_t j = tag & fz->wmask;
    while (fz->words[j])
        j = (j + 1) & fz->wmask;
    fz->words[j] = (uint64_t)tag << 32 | *wi;
    *hot = fz->words[j];
    fz->nwords++;
    return 0;
}

/* Is the key of the plain words wi[0..L) in the Latin index? (The engine's
 * key of such a span: its tokens are the words it does not drop; the first
 * and last token's keys with select first-last and more than two tokens,
 * else all; empty ones left out.) -1: cannot tell (every word dropped: the
 * engine then keeps them; a WI_LIMITED word among more than two tokens). */
static int plain_key_known(const struct onoma__fuzzy *fz, const winfo *wi, size_t L)
{
    size_t ntok = 0, first = L, last = 0;
    winfo limited = 0;
    for (size_t i = 0; i < L; i++)
        if (wi[i] != WI_DROP) {
            ntok++;
            first = first < L ? first : i;
            last = i;
            limited |= wi[i];
        }
    if (!ntok || (ntok > 2 && (limited & WI_LIMITED)))
        return -1;
    int fl = fz->kr->k->select_first_last && ntok > 2;
    uint32_t h = 0;
    for (size_t i = first; i <= last; i++) {
        winfo v = wi[i] & ~WI_LIMITED;
        if ((!fl || i == first || i == last) && v > WI_DROP)
            h = onoma__kix_hash_add(h, v);
    }
    if (!h)
        return 0;
    for (size_t l = 0; l < fz->t->nlayers; l++)
        if (onoma__kix_known(&fz->ix[0][l], h, L))
            return 1;
    return 0;
}

static int dropped(const struct onoma__fuzzy *fz, const unsigned char *s, const onoma__mword *w)
{
    int letters = 0;
    for (size_t i = w->start; i < w->end && letters < 2; i++)
        letters += (s[i] & 0xC0) != 0x80;
    return letters < 2 ||
           onoma__mention_listed(fz->rules, (const char *)s + w->start, w->end - w->start, ONOMA__ML_DROP);
}

/* May a particle (a word of two to six letters a-z: onoma__mention_particle)
 * end at the separator before s[i], after s[lim]? A look at a few bytes
 * that rules out most words; onoma__mention_prev and the particle lists
 * decide the rest. */
static int particle_before(const onoma_keyrules *r, const unsigned char *s, size_t lim, size_t i)
{
    size_t sep;
    if (i >= lim + 1 && (s[i - 1] == ' ' || s[i - 1] == '-'))
        sep = 1;
    else if (i >= lim + 2 && s[i - 2] == 0xC2 && s[i - 1] == 0xA0)
        sep = 2;
    else if (i >= lim + 3 && s[i - 3] == 0xE2 && s[i - 2] == 0x80 && (s[i - 1] == 0x90 || s[i - 1] == 0x91))
        sep = 3;
    else
        return 0;
    size_t e = i - sep, q = e;
    while (q > lim && e - q < 7 && (unsigned)(s[q - 1] - 'a') < 26u)
        q--;
    if (e - q < 2 || e - q > 6)
        return 0;
    if (q > lim && s[q - 1] >= 0x80)
        return 1; /* a letter, maybe: the word may be longer */
    if (q > lim && onoma__ascii_word[s[q - 1]])
        return 0; /* a longer word */
    return onoma__mention_particle(r, (const char *)s + q, e - q, s[i - sep] != ' ' && s[i - sep] != 0xC2);
}

/* Is the capitalised word ending at we a run of its own (would
 * onoma__mention_run stop after it)? A look at the next bytes; 0 when
 * unsure (an apostrophe, a short lower-case word that may be a particle,
 * a capital or a letter beyond ASCII after a space or hyphen). */
static int run_alone(const unsigned char *s, size_t n, size_t we)
{
    /* (onoma__mention_run reads a following lower-case word as a particle
     * only when it is one: for a word followed by a space, one of the
     * spaced particles, which onoma__mention_particle tells without rules) */
    if (we >= n)
        return 1;
    unsigned c = s[we];
    if (c == '\'' || c == 0xE2 || c == 0xCA)
        return 0; /* apostrophes (Sha'bi), Unicode hyphens */
    size_t sep = c == ' ' || c == '-' ? 1 : c == 0xC2 && we + 1 < n && s[we + 1] == 0xA0 ? 2 : 0;
    if (!sep)
        return 1;
    size_t i = we + sep;
    if (i >= n)
        return 1;
    unsigned d = s[i];
    if (d - 'a' < 26u) { /* as onoma__mention_run: a particle is short */
        size_t k = i + 1;
        while (k < n && k - i <= 6 && (unsigned)(s[k] - 'a') < 26u)
            k++;
        if (k - i > 6 || k >= n)
            return k - i > 6;
        unsigned c2 = s[k];
        if (c2 == ' ')
            return !onoma__mention_particle(NULL, (const char *)s + i, k - i, 0);
        return c2 < 0x80 && !onoma__ascii_word[c2] && c2 != '\'' && c2 != '-'; /* no separator: no particle */
    }
    return d < 0x80 && d - 'A' >= 26u; /* a digit, a sign, a space */
}

size_t onoma__fuzzy_at(onoma_normalizer *nz, const unsigned char *s, size_t n, size_t ws, size_t we,
                       size_t min_end, size_t out, size_t *from, int *rewrite, int *rc)
{
    struct onoma__fuzzy *fz = nz->fz;
    if (s[ws] < 0x80 && (unsigned)(s[ws] - 'A') >= 26u)
        return 0; /* most words of running text */
    onoma__mword w[MAX_WORDS];
    size_t nw;
    int alone_ok = 0; /* a lone word, no particle before it, long enough, not opening a sentence */
    if (run_alone(s, n, we)) {
        /* most capitalised words stand alone: one span, ruled out at once
         * when it is short or opens a sentence (and no particle comes
         * before it); else the word as onoma__mention_run sees it */
        size_t wl = we - ws;
        int lower = 0, other = 0;
        for (size_t i = ws; i < we; i++) {
            lower |= (unsigned)(s[i] - 'a') < 26u;
            other |= s[i] >= 0x80;
        }
        int pb = particle_before(fz->rules, s, out, ws);
        if (!pb && (we <= min_end || (other ? onoma__utf8_count((const char *)s + ws, wl) : wl) < MIN_SINGLE ||
                    onoma__nz_sentence_start(s, ws)))
            return 0;
        alone_ok = !pb;
        /* an ASCII word as onoma__mention_word reads it (the apostrophes
         * that would join it are ruled out) */
        if (s[ws] < 0x80 && !other)
            w[0] = (onoma__mword){ws, we, ONOMA__MW_CAP, !lower};
        else {
            int fc, caps, poss;
            size_t e = onoma__mention_word(s, n, ws, &fc, &caps, &poss);
            if (fc <= 0 || e <= ws)
                return 0;
            w[0] = (onoma__mword){ws, e, ONOMA__MW_CAP, caps};
        }
        nw = 1;
    } else
        nw = onoma__mention_run(fz->rules, s, n, ws, w, MAX_WORDS);
    if (!nw || w[0].kind != ONOMA__MW_CAP)
        return 0;
    /* the first word's slots in the word tables, loading meanwhile */
    /* the words' slots in the word tables, all loading meanwhile */
    uint64_t hw[MAX_WORDS];
    for (size_t i = 0; i < nw; i++) {
        hw[i] = onoma__hash(s + w[i].start, w[i].end - w[i].start);
        uint32_t tag = (uint32_t)(hw[i] >> 32) | 1;
        __builtin_prefetch(&fz->hot[(tag >> 12) & (HOT_WORDS - 1)]);
        if (fz->words)
            __builtin_prefetch(&fz->words[tag & fz->wmask]);
    }
    if (alone_ok) {
        /* the one span of a lone word: what the loop below would do first
         * (an acronym, a plain word of no known key: nothing), at once */
        if (w[0].allcaps && w[0].end - w[0].start > 1)
            return 0;
        winfo w0;
        if ((*rc = word_info(fz, s + ws, w[0].end - ws, hw[0], &w0)))
            return 0;
        if (w0 != WI_NONE && !plain_key_known(fz, &w0, 1))
            return 0;
    }
    /* particles right before it (al-, bin) belong to the span, if not yet written */
    size_t start = ws, nb = 0;
    while (!alone_ok && particle_before(fz->rules, s, out, start)) {
        size_t pe;
        int hy;
        size_t ps = onoma__mention_prev(s, out, start, &pe, &hy);
        if (ps == SIZE_MAX || nb == MAX_BEFORE || (unsigned)(s[ps] - 'a') >= 26u ||
            !onoma__mention_particle(fz->rules, (const char *)s + ps, pe - ps, hy))
            break;
        start = ps;
        nb++;
    }
    winfo wi[MAX_WORDS];
    size_t ninfo = 0, nplain = 0; /* words looked up; of those, plain in a row from the first */
    for (size_t L = nw; L >= 1; L--) {
        const onoma__mword *last = &w[L - 1];
        if (last->kind != ONOMA__MW_CAP || last->end <= min_end)
            continue;
        int caps = 0;
        for (size_t i = 0; i < L; i++)
            caps |= w[i].kind == ONOMA__MW_CAP && w[i].allcaps && w[i].end - w[i].start > 1;
        if (caps)
            continue; /* IRGC, TEHRAN: acronyms and headlines */
        size_t a = start, b = last->end;
        if (nb + L == 1 && !alone_ok && (onoma__utf8_count((const char *)s + a, b - a) < MIN_SINGLE ||
                            onoma__nz_sentence_start(s, ws)))
            continue;
        if (!nb && L > 1 && w[0].end - w[0].start <= 2 && onoma__nz_sentence_start(s, ws))
            continue; /* In, At, On opening a sentence ("In Brie" is not In Buri) */
        /* plain words: their key, made from the word cache, must be known */
        while (nplain < L && nplain == ninfo) {
            uint64_t at = nz->base + w[ninfo].start;
            size_t m = 0;
            while (m < fz->nmemo && fz->memo_at[m] != at)
                m++;
            if (m < fz->nmemo)
                wi[ninfo] = fz->memo[m];
            else {
                size_t wl = w[ninfo].end - w[ninfo].start;
                uint64_t h = hw[ninfo];
                if ((*rc = word_info(fz, s + w[ninfo].start, wl, h, &wi[ninfo])))
                    return 0;
            }
            ninfo++;
            if (wi[ninfo - 1])
                nplain++;
        }
        if (L == nw || ninfo > fz->nmemo) {
            for (size_t i = 0; i < ninfo; i++) {
                fz->memo_at[i] = nz->base + w[i].start;
                fz->memo[i] = wi[i];
            }
            fz->nmemo = ninfo;
        }
        if (!nb && nplain >= L && !plain_key_known(fz, wi, L))
            continue; /* (-1: to the engine) */
        fz_result res;
        if ((*rc = lookup(fz, nz, (const char *)s + a, b - a, &res)))
            return 0;
        if (!res.found)
            continue;
        if (!nb && !res.first_same && onoma__nz_sentence_start(s, ws))
            continue; /* a word opening a sentence may be a common word ("The Boak" is not Thea Bock) */
        const onoma__entry_rec *er = &nz->t->layers[res.layer].entries[res.entry];
        if (er->type != ONOMA__TYPE_PERSON && er->type != ONOMA__TYPE_NAME) {
            /* a place or an organisation takes two words that say something
             * ("de Russ" is not Ross, nor "al-Ubaydi" a place) */
            int named = 0;
            for (size_t i = 0; i < L; i++)
                named += w[i].kind == ONOMA__MW_CAP && onoma__utf8_count((const char *)s + w[i].start,
                                                                          w[i].end - w[i].start) >= 3;
            if (named < 2)
                continue;
        }
        /* a word the key drops (a title, an initial) at either end: the
         * name is inside (but Al-Muhandis keeps its article) */
        if (L > 1 && ((s[w[0].end] == ' ' && dropped(fz, s, &w[0])) || dropped(fz, s, last)))
            continue;
        /* a name of a longer name: the capitalised words around it agree */
        if (er->parent != UINT32_MAX) {
            size_t ca = a, cb = b, pe;
            int hy;
            size_t ps = onoma__mention_prev(s, 0, a, &pe, &hy);
            if (ps != SIZE_MAX && (s[ps] >= 0x80 || (unsigned)(s[ps] - 'A') < 26u) &&
                (!onoma__nz_sentence_start(s, ps) ||
                 onoma__mention_listed(fz->rules, (const char *)s + ps, pe - ps, ONOMA__ML_COMMON))) {
                /* (a capitalised word that opens a sentence tells nothing,
                 * "Then", unless it is a common given name, "Ali") */
                int fc, ac, poss;
                onoma__mention_word(s, pe, ps, &fc, &ac, &poss);
                if (fc > 0)
                    ca = ps;
            }
            for (size_t i = L; i < nw; i++)
                if (w[i].kind == ONOMA__MW_CAP)
                    cb = w[i].end;
            if (ca != a || cb != b) {
                int nt = tokens(fz, (const char *)s + ca, cb - ca);
                if (nt < 0) {
                    *rc = nt;
                    return 0;
                }
                if (nt != res.ntok) {
                    size_t dl;
                    const char *d = onoma__display(nz->t, res.layer, res.entry, nz->style, &dl);
                    double sc = onoma__match(fz->kr->k, (const char *)s + ca, cb - ca, d, dl, NULL, NULL);
                    if (sc < 0) {
                        *rc = onoma__key_error((int)sc, NULL);
                        return 0;
                    }
                    if (sc < ONOMA_MATCH_THRESHOLD)
                        continue;
                }
            }
        }
        *from = a;
        *rc = onoma__nz_fuzzy_rewrite(nz, s, a, b, res.layer, res.entry, res.score, rewrite);
        return b;
    }
    return 0;
}
