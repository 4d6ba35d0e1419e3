/* The keyer: a name's text as lowercase ASCII (ICU only for non-ASCII
 * names), its tokens after the token rules, each token rewritten by the
 * rule phases (with a cache), and the key. Mirrors tools/keys/onomakey.py. */
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include "keyint.h"

/* Fallback transliterator for native script when no hook is set: BGN
 * (English-style) romanization for Cyrillic and Greek, which matches how
 * those names are usually written in Latin, and ICU's default for the rest.
 * tools/keys/onomakey.py uses the same. */
#define ONOMA__KR_TRANSLIT_ID "Russian-Latin/BGN; Greek-Latin/BGN; Any-Latin"

/* the cache is emptied when it grows past these, to bound memory */
#define CACHE_MAX_ENTRIES (1u << 20)
#define CACHE_MAX_BYTES ((size_t)64 << 20)

int onoma__keyer_new(const onoma__keyrules *r, unsigned flags, onoma__keyer **out)
{
    if (!r || !out || (flags & ~ONOMA__KEY_FLAGS_KNOWN))
        return ONOMA__KEY_EINVAL;
    *out = NULL;
    unsigned lang = (flags >> 8) & 0xFFu;
    if (lang > r->nlangs)
        return ONOMA__KEY_EINVAL;
    onoma__keyer *k = calloc(1, sizeof *k);
    if (!k)
        return ONOMA__KEY_ENOMEM;
    k->r = r;
    k->flags = flags;
    k->initials_drop = 1;
    k->select_first_last = 0;
    k->min_ending_stem = 3;
    for (size_t i = 0; i < r->nfiles; i++) {
        const kr_file *f = &r->files[i];
        int on = lang == 0 ? !f->no_auto : f->is_all != 0;
        for (size_t j = 0; !on && j < f->nlangs; j++)
            on = f->langs[j] == lang;
        if (!on)
            continue;
        k->active |= (uint32_t)1 << i;
        /* settings: the last file (in name order) that sets one wins */
        if (f->initials_drop >= 0)
            k->initials_drop = f->initials_drop;
        if (f->select_first_last >= 0)
            k->select_first_last = f->select_first_last;
        if (f->min_ending_stem >= 0)
            k->min_ending_stem = f->min_ending_stem;
    }
    k->steps = malloc((r->nsteps ? r->nsteps : 1) * sizeof *k->steps);
    k->fsteps = malloc((r->nsteps ? r->nsteps : 1) * sizeof *k->fsteps);
    if (!k->steps || !k->fsteps) {
        free(k->steps);
        free(k->fsteps);
        free(k);
        return ONOMA__KEY_ENOMEM;
    }
    for (size_t i = 0; i < r->nsteps; i++) {
        if (!(k->active & ((uint32_t)1 << r->steps[i].file)))
            continue;
        if (r->steps[i].track != 2)
            k->steps[k->nsteps++] = &r->steps[i];
        if (r->steps[i].track != 1)
            k->fsteps[k->nfsteps++] = &r->steps[i];
    }
    onoma__kr_strmap_init(&k->cache);
    onoma__kr_strmap_init(&k->fcache);
    onoma__kr_strmap_init(&k->common);
    *out = k;
    return 0;
}

void onoma__keyer_free(onoma__keyer **kp)
{
    if (!kp || !*kp)
        return;
    onoma__keyer *k = *kp;
    if (k->any_latin)
        utrans_close(k->any_latin);
    if (k->latin_ascii)
        utrans_close(k->latin_ascii);
    onoma__kr_strmap_free(&k->cache);
    onoma__kr_strmap_free(&k->fcache);
    onoma__kr_strmap_free(&k->common);
    free(k->steps);
    free(k->fsteps);
    free(k->txt);
    free(k->tok);
    free(k->spans);
    free(k->spans2);
    free(k->rw[0]);
    free(k->rw[1]);
    free(k->u[0]);
    free(k->u[1]);
    free(k->u8);
    free(k->keys);
    free(k->keybuf);
    free(k->mscratch);
    onoma__kr_mwork_free(k->mwork);
    free(k);
    *kp = NULL;
}

void onoma__keyer_set_translit(onoma__keyer *k, onoma__key_translit_fn fn, void *ctx)
{
    k->translit = fn;
    k->translit_ctx = ctx;
}

/* ------------------------------------------------------------ to ASCII */

static char ascii_of(uint32_t c)
{
    if (c >= 'A' && c <= 'Z')
        return (char)(c + 32);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
        return (char)c;
    /* apostrophes and ayn/hamza signs join: Mut'ab, Sa'id */
    if (c == '\'' || c == '`' || c == 0x2019 || c == 0x2018 || c == 0x02BC || c == 0x02BB ||
        c == 0x02BF || c == 0x02BE || c == 0xB4)
        return '\'';
    return ' ';
}

static int ugrow(onoma__keyer *k, size_t need)
{
    if (need <= k->ucap)
        return 0;
    size_t cap0 = k->ucap, cap1 = k->ucap;
    if (onoma__kr_grow((void **)&k->u[0], &cap0, need, sizeof(UChar)) ||
        onoma__kr_grow((void **)&k->u[1], &cap1, need, sizeof(UChar)))
        return ONOMA__KEY_ENOMEM;
    k->ucap = cap0 < cap1 ? cap0 : cap1;
    return 0;
}

/* run a transliterator over k->u[0][0..*n) in place, growing as needed */
static int translit_u(onoma__keyer *k, UTransliterator *t, int32_t *n)
{
    for (int tries = 0; tries < 8; tries++) {
        size_t cap = (size_t)*n * 4 + 64;
        if (ugrow(k, cap))
            return ONOMA__KEY_ENOMEM;
        if (cap > (size_t)INT32_MAX)
            return ONOMA__KEY_EINVAL;
        memcpy(k->u[1], k->u[0], (size_t)*n * sizeof(UChar)); /* for a retry */
        int32_t len = *n, limit = *n;
        UErrorCode st = U_ZERO_ERROR;
        utrans_transUChars(t, (UChar *)k->u[0], &len, (int32_t)k->ucap, 0, &limit, &st);
        if (st == U_BUFFER_OVERFLOW_ERROR) {
            memcpy(k->u[0], k->u[1], (size_t)*n * sizeof(UChar));
            if (ugrow(k, k->ucap * 2))
                return ONOMA__KEY_ENOMEM;
            continue;
        }
        if (U_FAILURE(st))
            return ONOMA__KEY_EICU;
        *n = len;
        return 0;
    }
    return ONOMA__KEY_EICU;
}

static int open_trans(UTransliterator **t, const char *id)
{
    if (*t)
        return 0;
    UChar uid[128];
    u_uastrcpy(uid, id);
    UErrorCode st = U_ZERO_ERROR;
    *t = utrans_openU(uid, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
    if (U_FAILURE(st)) {
        *t = NULL;
        return ONOMA__KEY_EICU;
    }
    return 0;
}

/* the rule files' letter map for c among the active files, or NULL */
static const char *map_of(const onoma__keyer *k, uint32_t c)
{
    const kr_map *m = k->r->maps;
    size_t lo = 0, hi = k->r->nmaps;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (m[mid].cp < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    const char *found = NULL;
    for (; lo < k->r->nmaps && m[lo].cp == c; lo++)
        if (k->active & ((uint32_t)1 << m[lo].file))
            found = m[lo].repl; /* a later file wins */
    return found;
}

/* non-ASCII names: ONOMA__KR_TRANSLIT_ID (or the hook), lowercase, maps,
 * Latin-ASCII */
static int asciify_icu(onoma__keyer *k, const char *name, size_t len, size_t *outlen)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = 0;
    const char *src = name;
    size_t srclen = len;
    if (k->translit) {
        for (;;) {
            int need = k->translit(k->translit_ctx, name, len, k->u8, k->u8cap);
            if (need < 0)
                return ONOMA__KEY_ETRANSLIT;
            if ((size_t)need < k->u8cap)
                break;
            if (onoma__kr_grow((void **)&k->u8, &k->u8cap, (size_t)need + 1, 1))
                return ONOMA__KEY_ENOMEM;
        }
        src = k->u8;
        srclen = strlen(k->u8);
    }
    if (srclen > (size_t)INT32_MAX / 8)
        return ONOMA__KEY_EINVAL;
    if (ugrow(k, srclen * 4 + 64))
        return ONOMA__KEY_ENOMEM;
    u_strFromUTF8WithSub((UChar *)k->u[0], (int32_t)k->ucap, &n, src, (int32_t)srclen, 0xFFFD,
                         NULL, &st);
    if (U_FAILURE(st))
        return ONOMA__KEY_EICU;
    int rc;
    if (!k->translit) {
        if ((rc = open_trans(&k->any_latin, ONOMA__KR_TRANSLIT_ID)) ||
            (rc = translit_u(k, k->any_latin, &n)))
            return rc;
    }
    /* lowercase into u[1], back into u[0] */
    for (;;) {
        st = U_ZERO_ERROR;
        int32_t m = u_strToLower((UChar *)k->u[1], (int32_t)k->ucap, (UChar *)k->u[0], n, "",
                                 &st);
        if (st == U_BUFFER_OVERFLOW_ERROR || (U_SUCCESS(st) && (size_t)m >= k->ucap)) {
            if (ugrow(k, (size_t)m + 1))
                return ONOMA__KEY_ENOMEM;
            continue;
        }
        if (U_FAILURE(st))
            return ONOMA__KEY_EICU;
        n = m;
        break;
    }
    /* maps: u[1] -> u[0] (an entry is at most 10 characters) */
    if (ugrow(k, (size_t)n * 10 + 1))
        return ONOMA__KEY_ENOMEM;
    int32_t o = 0;
    int nonascii = 0;
    for (int32_t i = 0; i < n; i++) {
        uint32_t c = k->u[1][i];
        const char *rep = c >= 0x80 && k->r->nmaps ? map_of(k, c) : NULL;
        if (rep) {
            for (; *rep; rep++)
                k->u[0][o++] = (UChar)(unsigned char)*rep;
        } else {
            k->u[0][o++] = (UChar)c;
            nonascii |= c >= 0x80;
        }
    }
    n = o;
    if (nonascii) {
        if ((rc = open_trans(&k->latin_ascii, "Latin-ASCII")) ||
            (rc = translit_u(k, k->latin_ascii, &n)))
            return rc;
    }
    if (onoma__kr_grow((void **)&k->txt, &k->txtcap, (size_t)n + 1, 1))
        return ONOMA__KEY_ENOMEM;
    for (int32_t i = 0; i < n; i++)
        k->txt[i] = ascii_of(k->u[0][i]);
    *outlen = (size_t)n;
    return 0;
}

static int asciify(onoma__keyer *k, const char *name, size_t len, size_t *outlen)
{
    size_t i = 0;
    while (i < len && (unsigned char)name[i] < 0x80)
        i++;
    if (i < len)
        return asciify_icu(k, name, len, outlen);
    if (onoma__kr_grow((void **)&k->txt, &k->txtcap, len + 1, 1))
        return ONOMA__KEY_ENOMEM;
    for (i = 0; i < len; i++)
        k->txt[i] = ascii_of((unsigned char)name[i]);
    *outlen = len;
    return 0;
}

/* -------------------------------------------------------------- tokens */

static const uint32_t *wmask(const onoma__keyer *k, const char *s, size_t n)
{
    long e = onoma__kr_strmap_find(&k->r->words, s, n, onoma__kr_hash(s, n));
    return e < 0 ? NULL : k->r->wmask[k->r->words.ents[e].val];
}

static int in_list(const onoma__keyer *k, const uint32_t *m, int list)
{
    return m && (m[list] & k->active);
}

static int span_add(onoma__keyer *k, kr_span **sp, size_t *n, uint32_t off, uint32_t len)
{
    /* spans and spans2 share one capacity */
    if (*n >= k->spancap) {
        size_t c1 = k->spancap, c2 = k->spancap;
        if (onoma__kr_grow((void **)&k->spans, &c1, *n + 1, sizeof(kr_span)) ||
            onoma__kr_grow((void **)&k->spans2, &c2, *n + 1, sizeof(kr_span)))
            return ONOMA__KEY_ENOMEM;
        k->spancap = c1 < c2 ? c1 : c2;
    }
    (*sp)[*n].off = off;
    (*sp)[*n].len = len;
    (*n)++;
    return 0;
}

/* append a + b (offsets into k->tok) as a new token text; its offset */
static long tok_cat(onoma__keyer *k, kr_span a, kr_span b)
{
    size_t need = k->toklen + a.len + b.len;
    if (need > UINT32_MAX || onoma__kr_grow((void **)&k->tok, &k->tokcap, need + 1, 1))
        return -1;
    memmove(k->tok + k->toklen, k->tok + a.off, a.len);
    memmove(k->tok + k->toklen + a.len, k->tok + b.off, b.len);
    long off = (long)k->toklen;
    k->toklen = need;
    return off;
}

static int ends_patronymic(const onoma__keyer *k, const char *t, size_t n)
{
    const onoma__keyrules *r = k->r;
    for (size_t i = 0; i < r->nendings; i++) {
        const kr_ending *e = &r->endings[i];
        if (!(k->active & ((uint32_t)1 << e->file)) || n < e->n ||
            n - e->n < (size_t)k->min_ending_stem)
            continue;
        if (memcmp(t + n - e->n, e->s, e->n) == 0)
            return 1;
    }
    return 0;
}

int onoma__kr_tokens(onoma__keyer *k, const char *name, size_t len, int for_match)
{
    size_t tl;
    int rc = asciify(k, name, len, &tl);
    if (rc)
        return rc;
    if (tl >= UINT32_MAX || onoma__kr_grow((void **)&k->tok, &k->tokcap, tl * 2 + 1, 1))
        return ONOMA__KEY_ENOMEM;
    k->toklen = 0;
    size_t nraw = 0;
    /* split; a token's leading and trailing apostrophes go */
    for (size_t i = 0; i < tl;) {
        while (i < tl && k->txt[i] == ' ')
            i++;
        size_t s = i;
        while (i < tl && k->txt[i] != ' ')
            i++;
        size_t e = i;
        while (s < e && k->txt[s] == '\'')
            s++;
        while (e > s && k->txt[e - 1] == '\'')
            e--;
        if (s == e)
            continue;
        memcpy(k->tok + k->toklen, k->txt + s, e - s);
        if ((rc = span_add(k, &k->spans, &nraw, (uint32_t)k->toklen, (uint32_t)(e - s))))
            return rc;
        k->toklen += e - s;
    }
    if (!nraw)
        return 0;
    /* 1. listed words and initials; if that leaves nothing, keep the words
     *    longer than one letter (or all of them) */
    memcpy(k->spans2, k->spans, nraw * sizeof *k->spans);
    size_t n = 0;
    for (size_t i = 0; i < nraw; i++) {
        kr_span t = k->spans2[i];
        if (t.len == 1 && k->initials_drop)
            continue;
        if (in_list(k, wmask(k, k->tok + t.off, t.len), KR_DROP))
            continue;
        k->spans[n++] = t;
    }
    if (!n) {
        for (size_t i = 0; i < nraw; i++)
            if (k->spans2[i].len > 1)
                k->spans[n++] = k->spans2[i];
        if (!n) {
            memcpy(k->spans, k->spans2, nraw * sizeof *k->spans);
            n = nraw;
        }
    }
    /* 2. patronymic-like endings: middle tokens, else the last of >= 3
     *    (order "Ivanov Ivan Ivanovich"); never the first */
    if (!for_match && n >= 3 && k->r->nendings) {
        int mid = 0;
        for (size_t i = 1; i + 1 < n; i++)
            mid |= ends_patronymic(k, k->tok + k->spans[i].off, k->spans[i].len);
        if (mid) {
            size_t m = 1;
            for (size_t i = 1; i + 1 < n; i++)
                if (!ends_patronymic(k, k->tok + k->spans[i].off, k->spans[i].len))
                    k->spans[m++] = k->spans[i];
            k->spans[m++] = k->spans[n - 1];
            n = m;
        } else if (ends_patronymic(k, k->tok + k->spans[n - 1].off, k->spans[n - 1].len))
            n--;
    }
    /* 3. joins: join-next words glue to the next word, join-prev words and
     *    compound tails (after a head) to the previous one */
    size_t no = 0;
    for (size_t i = 0; i < n; i++) {
        kr_span t = k->spans[i];
        while (i + 1 < n && in_list(k, wmask(k, k->tok + t.off, t.len), KR_JOIN_NEXT)) {
            long off = tok_cat(k, t, k->spans[++i]);
            if (off < 0)
                return ONOMA__KEY_ENOMEM;
            t.len += k->spans[i].len;
            t.off = (uint32_t)off;
        }
        int glue = 0;
        if (no) {
            const uint32_t *m = wmask(k, k->tok + t.off, t.len);
            glue = in_list(k, m, KR_JOIN_PREV);
            if (!glue && in_list(k, m, KR_TAIL)) {
                kr_span p = k->spans2[no - 1];
                glue = in_list(k, wmask(k, k->tok + p.off, p.len), KR_HEAD);
            }
        }
        if (glue) {
            kr_span p = k->spans2[no - 1];
            long off = tok_cat(k, p, t);
            if (off < 0)
                return ONOMA__KEY_ENOMEM;
            k->spans2[no - 1].off = (uint32_t)off;
            k->spans2[no - 1].len = p.len + t.len;
        } else if ((rc = span_add(k, &k->spans2, &no, t.off, t.len)))
            return rc;
    }
    /* 4. a leading word often left out ("Mohammad Javad Zarif"), when two
     *    more follow */
    size_t first = 0;
    while (!for_match && no - first >= 3 &&
           in_list(k, wmask(k, k->tok + k->spans2[first].off, k->spans2[first].len),
                   KR_DROP_LEAD))
        first++;
    memmove(k->spans, k->spans2 + first, (no - first) * sizeof *k->spans);
    k->nspans = no - first;
    return (int)k->nspans;
}

/* ------------------------------------------------------------- rewrite */

static int at(const onoma__keyrules *r, const unsigned char *pat, size_t plen,
              const char *s, size_t n, size_t i)
{
    if (i + plen > n)
        return 0;
    for (size_t j = 0; j < plen; j++) {
        unsigned e = pat[j], c = (unsigned char)s[i + j];
        if (e < 128 ? e != c : (c >= 128 || !r->classes[e - 128][c]))
            return 0;
    }
    return 1;
}

static int rw_grow(onoma__keyer *k, size_t need)
{
    if (need <= k->rwcap)
        return 0;
    size_t c0 = k->rwcap, c1 = k->rwcap;
    if (onoma__kr_grow((void **)&k->rw[0], &c0, need, 1) ||
        onoma__kr_grow((void **)&k->rw[1], &c1, need, 1))
        return ONOMA__KEY_ENOMEM;
    k->rwcap = c0 < c1 ? c0 : c1;
    return 0;
}

/* one phase: a left-to-right pass; at each position the first rule (in
 * file order) whose match and contexts fit the phase's input applies */
static int phase(onoma__keyer *k, const kr_step *st, int from, size_t n, size_t *outlen)
{
    const onoma__keyrules *r = k->r;
    int to = !from;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        const char *s = k->rw[from]; /* again after each growth */
        unsigned c = (unsigned char)s[i];
        const kr_rule *hit = NULL;
        if (c < 128)
            for (uint32_t x = st->first[c]; x < st->first[c + 1]; x++) {
                const kr_rule *ru = &st->rules[st->byfirst[x]];
                if (ru->bol && i != ru->llen)
                    continue;
                if (ru->eol && i + ru->mlen + ru->rlen != n)
                    continue;
                if (!at(r, ru->match, ru->mlen, s, n, i))
                    continue;
                if (ru->llen && (i < ru->llen || !at(r, ru->left, ru->llen, s, n, i - ru->llen)))
                    continue;
                if (ru->rlen && !at(r, ru->right, ru->rlen, s, n, i + ru->mlen))
                    continue;
                hit = ru;
                break;
            }
        size_t add = hit ? (hit->copy ? hit->mlen : hit->replen) : 1;
        if (rw_grow(k, o + add + 1))
            return ONOMA__KEY_ENOMEM;
        s = k->rw[from];
        if (hit) {
            memcpy(k->rw[to] + o, hit->copy ? s + i : hit->repl, add);
            o += add;
            i += hit->mlen;
        } else
            k->rw[to][o++] = s[i++];
    }
    *outlen = o;
    return 0;
}

/* rewrite token t into k->rw[*which][0..*n), with the key's steps or the
 * fine form's */
static int rewrite(onoma__keyer *k, const char *t, size_t tn, int fine, int *which, size_t *n)
{
    const kr_step *const *steps = fine ? k->fsteps : k->steps;
    size_t nsteps = fine ? k->nfsteps : k->nsteps;
    if (rw_grow(k, tn + 1))
        return ONOMA__KEY_ENOMEM;
    memcpy(k->rw[0], t, tn);
    int cur = 0;
    size_t len = tn;
    for (size_t si = 0; si < nsteps && len; si++) {
        const kr_step *st = steps[si];
        if (st->squeeze) {
            char *s = k->rw[cur];
            size_t o = 0;
            for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)s[i];
                if (o && (unsigned char)s[o - 1] == c &&
                    (st->squeeze_class < 0 || (c < 128 && k->r->classes[st->squeeze_class][c])))
                    continue;
                s[o++] = (char)c;
            }
            len = o;
            continue;
        }
        size_t out;
        int rc = phase(k, st, cur, len, &out);
        if (rc)
            return rc;
        cur = !cur;
        len = out;
    }
    *which = cur;
    *n = len;
    return 0;
}

static int cached(onoma__keyer *k, kr_strmap *cache, int fine, const char *t, size_t n,
                  const char **out, size_t *outlen)
{
    uint64_t h = onoma__kr_hash(t, n);
    long e = onoma__kr_strmap_find(cache, t, n, h);
    if (e < 0) {
        int which;
        size_t kl;
        int rc = rewrite(k, t, n, fine, &which, &kl);
        if (rc)
            return rc;
        /* the value is the arena offset of: 4-byte length, key bytes */
        uint32_t l32 = (uint32_t)kl;
        long off = onoma__kr_strmap_store(cache, (const char *)&l32, sizeof l32);
        if (off < 0 || onoma__kr_strmap_store(cache, k->rw[which], kl) < 0)
            return ONOMA__KEY_ENOMEM;
        e = onoma__kr_strmap_add(cache, t, n, h, (uint32_t)off);
        if (e < 0)
            return ONOMA__KEY_ENOMEM;
    }
    const char *rec = cache->arena + cache->ents[e].val;
    uint32_t l32;
    memcpy(&l32, rec, sizeof l32);
    *out = rec + sizeof l32;
    *outlen = l32;
    return 0;
}

int onoma__kr_token_key(onoma__keyer *k, const char *t, size_t n, const char **out,
                        size_t *outlen)
{
    return cached(k, &k->cache, 0, t, n, out, outlen);
}

int onoma__kr_token_fine(onoma__keyer *k, const char *t, size_t n, const char **out,
                         size_t *outlen)
{
    return cached(k, &k->fcache, 1, t, n, out, outlen);
}

int onoma__kr_is_common(onoma__keyer *k, const char *key, size_t n)
{
    if (!k->common.nslots) {
        /* keys of the active 'common' words, made once */
        const onoma__keyrules *r = k->r;
        for (size_t e = 0; e < r->words.nents; e++) {
            if (!(r->wmask[r->words.ents[e].val][KR_COMMON] & k->active))
                continue;
            int which;
            size_t kl;
            if (rewrite(k, r->words.arena + r->words.ents[e].off, r->words.ents[e].len, 0, &which,
                        &kl))
                return ONOMA__KEY_ENOMEM;
            uint64_t h = onoma__kr_hash(k->rw[which], kl);
            if (onoma__kr_strmap_find(&k->common, k->rw[which], kl, h) < 0 &&
                onoma__kr_strmap_add(&k->common, k->rw[which], kl, h, 0) < 0)
                return ONOMA__KEY_ENOMEM;
        }
        if (!k->common.nslots && onoma__kr_strmap_add(&k->common, "", 0, 0, 0) < 0)
            return ONOMA__KEY_ENOMEM; /* marks "made" */
    }
    if (!n)
        return 0;
    return onoma__kr_strmap_find(&k->common, key, n, onoma__kr_hash(key, n)) >= 0;
}

/* ------------------------------------------------------------------ key */

void onoma__kr_cache_bound(onoma__keyer *k)
{
    if (k->cache.nents > CACHE_MAX_ENTRIES || k->cache.alen > CACHE_MAX_BYTES)
        onoma__kr_strmap_clear(&k->cache);
    if (k->fcache.nents > CACHE_MAX_ENTRIES || k->fcache.alen > CACHE_MAX_BYTES)
        onoma__kr_strmap_clear(&k->fcache);
}

static int cmp_key(const void *a, const void *b, void *base)
{
    const kr_span *x = a, *y = b;
    const char *s = base;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(s + x->off, s + y->off, n);
    if (c)
        return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

/* insertion sort: a name has few tokens */
static void sort_keys(kr_span *v, size_t n, const char *base)
{
    for (size_t i = 1; i < n; i++) {
        kr_span t = v[i];
        size_t j = i;
        while (j > 0 && cmp_key(&v[j - 1], &t, (void *)base) > 0) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = t;
    }
}

int onoma__key(onoma__keyer *k, const char *name, size_t len, char *out, size_t cap)
{
    if (!k || (!name && len) || (!out && cap))
        return ONOMA__KEY_EINVAL;
    onoma__kr_cache_bound(k);
    int n = onoma__kr_tokens(k, name ? name : "", len, 0);
    if (n < 0)
        return n;
    size_t first = 0, count = (size_t)n;
    size_t pick[2];
    const size_t *idx = NULL;
    if (k->select_first_last && count > 2) {
        /* the first and the last token; a very common name element at the
         * end of a long name (a grandfather's "Ali") is often left out, so
         * the last token that is not one */
        size_t last = count - 1;
        while (last > 1 && in_list(k, wmask(k, k->tok + k->spans[last].off, k->spans[last].len),
                                   KR_COMMON))
            last--;
        pick[0] = 0;
        pick[1] = last;
        idx = pick;
        count = 2;
    }
    if (onoma__kr_grow((void **)&k->keys, &k->keyscap, count + 1, sizeof *k->keys))
        return ONOMA__KEY_ENOMEM;
    k->keylen = 0;
    k->nkeys = 0;
    for (size_t i = 0; i < count; i++) {
        kr_span t = k->spans[idx ? idx[i] : first + i];
        const char *kk;
        size_t kl;
        int rc = onoma__kr_token_key(k, k->tok + t.off, t.len, &kk, &kl);
        if (rc)
            return rc;
        if (!kl)
            continue;
        if (onoma__kr_grow((void **)&k->keybuf, &k->keycap, k->keylen + kl + 1, 1))
            return ONOMA__KEY_ENOMEM;
        memcpy(k->keybuf + k->keylen, kk, kl);
        k->keys[k->nkeys].off = (uint32_t)k->keylen;
        k->keys[k->nkeys++].len = (uint32_t)kl;
        k->keylen += kl;
    }
    if (!(k->flags & ONOMA__KEY_ORDERED))
        sort_keys(k->keys, k->nkeys, k->keybuf);
    size_t need = 0;
    for (size_t i = 0; i < k->nkeys; i++)
        need += k->keys[i].len + (i > 0);
    if (need > (size_t)INT32_MAX)
        return ONOMA__KEY_EINVAL;
    if (cap) {
        size_t o = 0;
        for (size_t i = 0; i < k->nkeys && o + 1 < cap; i++) {
            if (i && o + 1 < cap)
                out[o++] = ' ';
            size_t l = k->keys[i].len;
            if (l > cap - 1 - o)
                l = cap - 1 - o;
            memcpy(out + o, k->keybuf + k->keys[i].off, l);
            o += l;
        }
        out[o] = 0;
    }
    return (int)need;
}
