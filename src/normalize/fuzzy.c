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
 * their token keys. */
typedef uint32_t winfo; /* 0: not plain; 1: plain, empty key; else tk_hash of its token key */

/* Tables on hashes alone, without the text: a collision can only send a
 * span to the full check (resolve), which keys its text, or miss a fuzzy
 * match; never make a wrong rewrite. A word slot holds a 32-bit tag of the
 * word's hash (0: empty) and its winfo. */
typedef uint64_t wslot;
#define WORDS_MAX (1u << 17) /* words remembered (then forgotten all at once) */
#define KEY_FILTER_BITS (1u << 20)

typedef struct kslot {
    uint32_t h;
    uint32_t nwords; /* as in fz_group */
} kslot;

static uint32_t tk_hash(const char *tk, size_t n)
{
    uint64_t h = onoma__hash(tk, n);
    uint32_t v = (uint32_t)(h ^ (h >> 32));
    return v > 1 ? v : v + 2;
}

static uint32_t key_hash_add(uint32_t acc, uint32_t tkh)
{
    uint32_t m = tkh * 0x9E3779B1u;
    return acc + (m ^ (m >> 15));
}

/* The order-free hash of a key: its space-separated token keys. */
static uint32_t key_hash(const char *key, size_t n)
{
    uint32_t acc = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && key[j] != ' ')
            j++;
        acc = key_hash_add(acc, tk_hash(key + i, j - i));
        i = j + 1;
    }
    return acc ? acc : 1;
}

typedef struct fz_rec {
    uint32_t layer, entry;
    const char *spelling; /* in the layer's strings */
    uint32_t len;
    uint32_t words; /* its words folded, each ended by a NUL, in fz_index.toks */
    uint32_t nwords; /* words as written (al-Muhandis: 2) */
} fz_rec;

/* The key index of the spellings of one onoma_tables, for one set of rules. */
typedef struct fz_index {
    uint64_t rules_id;
    int script; /* 0: spellings in Latin letters, 1: in other cased scripts */
    kr_strmap keys; /* key -> group */
    struct fz_group {
        uint32_t first, n;
        uint32_t nwords; /* bit w - 1: a spelling of w words (w <= 32) has the key */
    } *groups;
    size_t ngroups;
    fz_rec *recs;
    size_t nrecs;
    onoma__buf toks;
    kslot *kh; /* the keys by hash, for the plain-word path */
    size_t kmask;
    /* bit filters on the key hashes, to spare most probes of kh: keys of
     * one-word spellings (few: people's names), of longer ones */
    uint64_t one[64], many[KEY_FILTER_BITS / 64];
    struct fz_index *next;
} fz_index;

/* What hangs on onoma_tables.ext. */
typedef struct fz_ext {
    onoma_keyrules *bundled; /* loaded for normalizers that name no rules */
    fz_index *indexes;
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
    const fz_index *ix[2]; /* by script; the second made when first needed */
    onoma_keyer *kr;
    kr_strmap cache; /* span text -> fz_result (bytes in the arena) */
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

static void index_free(fz_index *ix)
{
    onoma__kr_strmap_free(&ix->keys);
    free(ix->groups);
    free(ix->recs);
    onoma__buf_free(&ix->toks);
    free(ix->kh);
    free(ix);
}

static void ext_free(void *p)
{
    fz_ext *x = p;
    if (!x)
        return;
    for (fz_index *ix = x->indexes, *next; ix; ix = next) {
        next = ix->next;
        index_free(ix);
    }
    onoma_keyrules_close(&x->bundled);
    free(x);
}

/* Words of s as written (apostrophes inside a word, Sha'bi, keep it one),
 * at most 255, and whether it has a lower-case letter; with out, their
 * folds (case, marks: text/chars.h) appended, each ended by a NUL. */
static int words(const char *s, size_t n, onoma__buf *out, int *lower)
{
    const unsigned char *u = (const unsigned char *)s;
    int nw = 0;
    *lower = 0;
    for (size_t i = 0; i < n;) {
        int fc, caps, poss;
        size_t e = onoma__mention_word(u, n, i, &fc, &caps, &poss);
        if (e > i) {
            nw += nw < 255;
            *lower |= !caps;
            if (out && (onoma__fold_append(out, s + i, e - i) || onoma__buf_putc(out, 0)))
                return -1;
            i = e;
        } else
            i++;
    }
    return nw;
}

/* Is the first letter of s Latin? (Cyrillic text is matched against
 * Cyrillic spellings, Latin text against Latin ones; spellings in uncased
 * scripts are not Latin, and are left out later.) */
static int latin(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if ((unsigned)((c | 0x20) - 'a') < 26u)
                return 1;
            i++;
            continue;
        }
        uint32_t cp;
        int len = onoma__utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (len <= 0)
            return 0;
        if (onoma__is_word(cp)) /* the first letter decides */
            return cp < 0x250 || (cp >= 0x1E00 && cp < 0x1F00);
        i += (size_t)len;
    }
    return 0;
}

/* May text be rewritten to this target of a spelling of nw words? Not to
 * a guarded spelling; one word only to a person or a name (see the top of
 * the file): which also keeps the index small. */
static int usable(const onoma__layer *L, uint32_t target, int nw)
{
    if (target & ONOMA__T_GUARDED)
        return 0;
    uint32_t type = L->entries[target >> ONOMA__T_BITS].type;
    return nw > 1 || type == ONOMA__TYPE_PERSON || type == ONOMA__TYPE_NAME;
}

typedef struct pending {
    fz_rec rec;
    uint32_t group;
} pending;

/* Every spelling of every layer (the exact index holds them as written),
 * but guarded ones and those without a cased letter: text spans are
 * capitalised, so a spelling in an uncased script could only repeat the
 * key of a Latin one. */
static int index_build(const onoma_tables *t, const onoma_keyrules *r, onoma_keyer *kr, int script, fz_index **out,
                       onoma_error *err)
{
    int rc = 0;
    fz_index *ix = calloc(1, sizeof *ix);
    pending *pend = NULL;
    size_t npend = 0, cappend = 0;
    onoma__buf kb = {0};
    if (!ix) {
        rc = ONOMA_ENOMEM;
        goto done;
    }
    ix->rules_id = r->id;
    ix->script = script;
    onoma__kr_strmap_init(&ix->keys);
    for (size_t l = 0; l < t->nlayers && !rc; l++) {
        const onoma__layer *L = &t->layers[l];
        const onoma__layer_index *x = &L->idx[ONOMA__IDX_EXACT];
        if (!x->slots)
            continue;
        for (uint64_t i = 0; i <= x->mask && !rc; i++) {
            const onoma__slot *sl = &x->slots[i];
            if (!sl->len_flags || !((sl->len_flags >> 24) & ONOMA__SLOT_KEY))
                continue;
            const char *sp = L->str + sl->key_off;
            uint32_t slen = sl->len_flags & 0xFFFFFFu, ntg;
            const uint32_t *tg = onoma__slot_targets(L, sl, &ntg);
            if (latin(sp, slen) != !script)
                continue;
            /* most spellings are one word of a place: skipped before counting words */
            uint32_t open = 0;
            for (uint32_t j = 0; j < ntg; j++)
                open += usable(L, tg[j], 1);
            if (!open && !memchr(sp, ' ', slen) && !memchr(sp, '-', slen))
                continue;
            int lower, nw = words(sp, slen, NULL, &lower);
            if (!lower)
                continue; /* no cased letter (another script), or an acronym (IRNA) */
            open = 0;
            for (uint32_t j = 0; j < ntg; j++)
                open += usable(L, tg[j], nw);
            if (!open)
                continue;
            if ((rc = onoma__key_buf(kr, sp, slen, &kb)))
                break;
            if (!kb.len)
                continue;
            uint64_t h = onoma__hash(kb.data, kb.len);
            long e = onoma__kr_strmap_find(&ix->keys, kb.data, kb.len, h);
            if (e < 0 && (ix->ngroups >= UINT32_MAX ||
                          (e = onoma__kr_strmap_add(&ix->keys, kb.data, kb.len, h, (uint32_t)ix->ngroups++)) < 0)) {
                rc = ONOMA_ENOMEM;
                break;
            }
            uint32_t g = ix->keys.ents[e].val;
            size_t toff = ix->toks.len;
            if (words(sp, slen, &ix->toks, &lower) < 0 || toff > UINT32_MAX) {
                rc = ONOMA_ENOMEM;
                break;
            }
            if (onoma__kr_grow((void **)&pend, &cappend, npend + open, sizeof *pend)) {
                rc = ONOMA_ENOMEM;
                break;
            }
            for (uint32_t j = 0; j < ntg; j++)
                if (usable(L, tg[j], nw))
                    pend[npend++] = (pending){{(uint32_t)l, tg[j] >> ONOMA__T_BITS, sp, slen, (uint32_t)toff, (uint8_t)nw},
                                               g};
        }
    }
    if (rc)
        goto done;
    /* records grouped by key (a counting sort) */
    ix->groups = calloc(ix->ngroups + 1, sizeof *ix->groups);
    ix->recs = malloc((npend ? npend : 1) * sizeof *ix->recs);
    if (!ix->groups || !ix->recs) {
        rc = ONOMA_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < npend; i++) {
        ix->groups[pend[i].group].n++;
        if (pend[i].rec.nwords && pend[i].rec.nwords <= 32)
            ix->groups[pend[i].group].nwords |= 1u << (pend[i].rec.nwords - 1);
    }
    uint32_t at = 0;
    for (size_t g = 0; g < ix->ngroups; g++) {
        ix->groups[g].first = at;
        at += ix->groups[g].n;
        ix->groups[g].n = 0;
    }
    for (size_t i = 0; i < npend; i++) {
        struct fz_group *g = &ix->groups[pend[i].group];
        ix->recs[g->first + g->n++] = pend[i].rec;
    }
    ix->nrecs = npend;
    /* the keys by hash */
    ix->kmask = 15;
    while (ix->kmask + 1 < 2 * ix->ngroups + 2)
        ix->kmask = ix->kmask * 2 + 1;
    if (!(ix->kh = calloc(ix->kmask + 1, sizeof *ix->kh))) {
        rc = ONOMA_ENOMEM;
        goto done;
    }
    for (size_t e = 0; e < ix->keys.nents; e++) {
        uint32_t h = key_hash(ix->keys.arena + ix->keys.ents[e].off, ix->keys.ents[e].len);
        size_t j = (h * 0x9E3779B1u) & ix->kmask;
        while (ix->kh[j].h && ix->kh[j].h != h)
            j = (j + 1) & ix->kmask;
        ix->kh[j].h = h;
        uint32_t nw = ix->groups[ix->keys.ents[e].val].nwords;
        ix->kh[j].nwords |= nw;
        if (nw & 1)
            ix->one[(h >> 6) & 63] |= 1ull << (h & 63);
        if (nw & ~1u)
            ix->many[(h >> 6) & (KEY_FILTER_BITS / 64 - 1)] |= 1ull << (h & 63);
    }
done:
    free(pend);
    onoma__buf_free(&kb);
    if (rc) {
        if (ix)
            index_free(ix);
        return err && err->code == rc ? rc : onoma__error(err, rc, NULL, 0, 0, "building the key index: %s",
                                                          onoma_strerror(rc));
    }
    *out = ix;
    return 0;
}

/* ------------------------------------------------------------- lifecycle */

/* The index of the tables' spellings in a script, made by the first
 * normalizer that needs it. (The tables are immutable but for this cache,
 * made under their mutex.) */
static int get_index(onoma_tables *t, const onoma_keyrules *r, onoma_keyer *kr, int script, const fz_index **out,
                     onoma_error *err)
{
    int rc = 0;
    pthread_mutex_lock(&t->ext_mu);
    fz_ext *x = t->ext;
    const fz_index *ix = NULL;
    for (fz_index *i = x->indexes; i && !ix; i = i->next)
        if (i->rules_id == r->id && i->script == script)
            ix = i;
    if (!ix) {
        fz_index *made = NULL;
        if (!(rc = index_build(t, r, kr, script, &made, err))) {
            made->next = x->indexes;
            x->indexes = made;
            ix = made;
        }
    }
    pthread_mutex_unlock(&t->ext_mu);
    *out = ix;
    return rc;
}

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
    /* the Latin index now, so that its cost and its errors come here (made
     * with this keyer: its token cache then holds the spellings' tokens) */
    if ((rc = onoma__keyer_make(rules, 0, &fz->kr, err)) || (rc = get_index(t, rules, fz->kr, 0, &fz->ix[0], err))) {
        onoma_keyer_free(&fz->kr);
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
    free(fz->words);
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
    int lat = latin(span, len);
    if (!fz->ix[!lat]) {
        int rc = get_index(fz->t, fz->rules, fz->kr, !lat, &fz->ix[!lat], NULL);
        if (rc)
            return rc;
    }
    const fz_index *ix = fz->ix[!lat];
    int rc = onoma__key_buf(fz->kr, span, len, &fz->key);
    if (rc || !fz->key.len)
        return rc;
    long e = onoma__kr_strmap_find(&ix->keys, fz->key.data, fz->key.len, onoma__hash(fz->key.data, fz->key.len));
    if (e < 0)
        return 0;
    const struct fz_group *g = &ix->groups[ix->keys.ents[e].val];
    if (g->n > MAX_GROUP)
        return 0;
    const fz_rec *rec = ix->recs + g->first;
    int ntok = onoma__kr_tokens(fz->kr->k, span, len, 1);
    if (ntok <= 0)
        return ntok < 0 ? onoma__key_error(ntok, NULL) : 0;
    fz->toks.len = 0;
    int lower, nw = words(span, len, &fz->toks, &lower);
    if (nw < 0)
        return ONOMA_ENOMEM;
    double best = -1.0, sc = 0.0;
    uint32_t bi = 0;
    const char *canon = NULL;
    size_t clen = 0;
    int ok = 0;
    for (uint32_t i = 0; i < g->n; i++) {
        if (rec[i].nwords != (uint32_t)nw)
            continue; /* more or fewer words (Abdallah is not Abdullah II) */
        if (!i || rec[i].spelling != rec[i - 1].spelling) { /* one spelling, several entries: scored once */
            ok = reads_alike(fz, ix->toks.data + rec[i].words, nw);
            if (ok) {
                sc = onoma__match(fz->kr->k, span, len, rec[i].spelling, rec[i].len, NULL, NULL);
                if (sc < 0)
                    return onoma__key_error((int)sc, NULL);
                ok = sc >= ONOMA_MATCH_THRESHOLD;
            }
        }
        if (!ok)
            continue;
        size_t l1;
        const char *c1 = onoma__canonical(nz->t, rec[i].layer, rec[i].entry, nz->style, &l1);
        if (canon && (l1 != clen || memcmp(c1, canon, clen) != 0))
            return 0; /* two entities */
        canon = c1;
        clen = l1;
        if (sc > best) {
            best = sc;
            bi = i;
        }
    }
    /* a spelling, not another name: the canonical form has as many words */
    if (!canon || words(canon, clen, NULL, &lower) != nw)
        return 0;
    const char *sw = ix->toks.data + rec[bi].words;
    *res = (fz_result){1, rec[bi].layer, rec[bi].entry, ntok, best, strcmp(fz->toks.data, sw) == 0};
    return 0;
}

static int lookup(struct onoma__fuzzy *fz, const onoma_normalizer *nz, const char *span, size_t len, fz_result *res)
{
    kr_strmap *c = &fz->cache;
    uint64_t h = onoma__hash(span, len);
    long e = onoma__kr_strmap_find(c, span, len, h);
    if (e >= 0) {
        memcpy(res, c->arena + c->ents[e].val, sizeof *res);
        return 0;
    }
    memset(res, 0, sizeof *res);
    int rc = resolve(fz, nz, span, len, res);
    if (rc)
        return rc;
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
    if (fz->words) {
        for (size_t j = tag & fz->wmask;; j = (j + 1) & fz->wmask) {
            wslot v = fz->words[j];
            if ((uint32_t)(v >> 32) == tag) {
                *wi = (winfo)v;
                return 0;
            }
            if (!v)
                break;
        }
    }
    *wi = 0;
    onoma__keyer *k = fz->kr->k;
    const onoma__keyrules *r = k->r;
    char low[64];
    int plain = n >= 2 && n <= sizeof low;
    for (size_t i = 0; i < n && plain; i++) {
        unsigned c0 = s[i] | 0x20u;
        plain = c0 - 'a' < 26u;
        low[i] = (char)c0;
    }
    if (plain)
        plain = onoma__kr_strmap_find(&r->words, low, n, onoma__kr_hash(low, n)) < 0;
    for (size_t i = 0; plain && i < r->nendings; i++)
        plain = !(k->active & (1u << r->endings[i].file)) || r->endings[i].n > n ||
                memcmp(low + n - r->endings[i].n, r->endings[i].s, r->endings[i].n) != 0;
    if (plain) {
        const char *tk;
        size_t tl;
        onoma__kr_cache_bound(k);
        int rc = onoma__kr_token_key(k, low, n, &tk, &tl);
        if (rc)
            return onoma__key_error(rc, NULL);
        *wi = tl ? tk_hash(tk, tl) : 1;
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
    fz->nwords++;
    return 0;
}

/* Is the key of the plain words wi[0..L) in the Latin index? (The engine's
 * key of such a span: the first and last token's keys with select
 * first-last, else all; empty ones left out.) */
static int plain_key_known(const struct onoma__fuzzy *fz, const winfo *wi, size_t L)
{
    int fl = fz->kr->k->select_first_last && L > 2;
    uint32_t h = 0;
    for (size_t i = 0; i < L; i++)
        if ((!fl || i == 0 || i == L - 1) && wi[i] > 1)
            h = key_hash_add(h, wi[i]);
    if (!h)
        return 0;
    const fz_index *ix = fz->ix[0];
    if (L == 1 ? !((ix->one[(h >> 6) & 63] >> (h & 63)) & 1)
               : !((ix->many[(h >> 6) & (KEY_FILTER_BITS / 64 - 1)] >> (h & 63)) & 1))
        return 0;
    for (size_t j = (h * 0x9E3779B1u) & ix->kmask; ix->kh[j].h; j = (j + 1) & ix->kmask)
        if (ix->kh[j].h == h)
            return (ix->kh[j].nwords >> (L - 1)) & 1;
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

size_t onoma__fuzzy_at(onoma_normalizer *nz, const unsigned char *s, size_t n, size_t ws, size_t we,
                       size_t min_end, size_t out, size_t *from, int *rewrite, int *rc)
{
    struct onoma__fuzzy *fz = nz->fz;
    if (s[ws] < 0x80 && (unsigned)(s[ws] - 'A') >= 26u)
        return 0; /* most words of running text */
    /* the word's slot in the word cache, loading while the run is read */
    uint64_t h0 = onoma__hash(s + ws, we - ws);
    if (fz->words)
        __builtin_prefetch(&fz->words[((uint32_t)(h0 >> 32) | 1) & fz->wmask]);
    onoma__mword w[MAX_WORDS];
    size_t nw = onoma__mention_run(fz->rules, s, n, ws, w, MAX_WORDS);
    if (!nw || w[0].kind != ONOMA__MW_CAP)
        return 0;
    /* particles right before it (al-, bin) belong to the span, if not yet written */
    size_t start = ws, nb = 0;
    for (;;) {
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
        if (nb + L == 1 && (onoma__utf8_count((const char *)s + a, b - a) < MIN_SINGLE ||
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
                uint64_t h = w[ninfo].start == ws && w[ninfo].end == we ? h0 : onoma__hash(s + w[ninfo].start, wl);
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
            continue;
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
