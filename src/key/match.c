/* The name match: tokens of two names (and joined neighbours, so that a
 * split compound meets a solid one) are aligned greedily by similarity; the
 * score is the mean similarity over the shorter name, with small costs for
 * tokens left out. Mirrors tools/keys/onomamatch.py operation by operation,
 * so that both give the same scores. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyint.h"

#define KEY_SIM_WEIGHT 1.0
#define RAW_SIM_WEIGHT 0.85
#define TOKEN_FLOOR 0.70   /* weaker token pairs are not aligned */
#define SIM_MAX_LEN 64     /* similarities look at most at this many letters */
#define MAX_TOKENS 32      /* tokens of a name aligned (the alignment is quadratic) */
#define OMIT_PENALTY 0.04  /* per token left unmatched, either name */
#define FINE_DIFF 0.80     /* equal keys whose fine forms differ */
#define COMMON_CAP 0.85    /* tokens left out and only common ones match */
#define JOIN_FACTOR 0.97   /* two tokens joined against one */
#define SINGLE_CAP 0.80    /* a one-word name against a longer one */
#define ONE_TOKEN_CAP 0.75 /* two names of >= 2 words meeting in one pair */

typedef struct {
    uint32_t raw, rawlen, key, keylen; /* offsets into the text buffer */
    uint32_t fine, finelen;            /* fine form; finelen UINT32_MAX: not made */
    int t0, t1;                        /* tokens covered */
} unit;

typedef struct {
    double s;
    int cover, a0, b0, x, y;
} cand;

struct onoma__kr_mwork {
    char *text;
    size_t len, cap;
    unit *u;
    size_t nu, capu;
    cand *c;
    size_t nc, capc;
    unsigned char *used;
    size_t capused;
};
typedef struct onoma__kr_mwork mwork;

void onoma__kr_mwork_free(mwork *w)
{
    if (!w)
        return;
    free(w->text);
    free(w->u);
    free(w->c);
    free(w->used);
    free(w);
}

static double jaro_winkler(const char *s1, size_t l1, const char *s2, size_t l2, unsigned char *f)
{
    if (l1 == l2 && memcmp(s1, s2, l1) == 0)
        return 1.0;
    if (!l1 || !l2)
        return 0.0;
    long rng = (long)(l1 > l2 ? l1 : l2) / 2 - 1;
    if (rng < 0)
        rng = 0;
    unsigned char *f1 = f, *f2 = f + l1;
    memset(f, 0, l1 + l2);
    long m = 0;
    for (long i = 0; i < (long)l1; i++) {
        long lo = i > rng ? i - rng : 0;
        long hi = i + rng + 1 < (long)l2 ? i + rng + 1 : (long)l2;
        for (long j = lo; j < hi; j++)
            if (!f2[j] && s2[j] == s1[i]) {
                f1[i] = f2[j] = 1;
                m++;
                break;
            }
    }
    if (!m)
        return 0.0;
    long t = 0, k = 0;
    for (long i = 0; i < (long)l1; i++)
        if (f1[i]) {
            while (!f2[k])
                k++;
            if (s1[i] != s2[k])
                t++;
            k++;
        }
    t /= 2;
    double j = ((double)m / (double)l1 + (double)m / (double)l2 + (double)(m - t) / (double)m) / 3.0;
    if (j <= 0.7)
        return j;
    long p = 0;
    long lim = 4;
    if ((long)l1 < lim)
        lim = (long)l1;
    if ((long)l2 < lim)
        lim = (long)l2;
    for (long x = 0; x < lim && s1[x] == s2[x]; x++)
        p++;
    return j + (double)p * 0.1 * (1.0 - j);
}

/* 1 - Levenshtein distance / length of the longer string */
static double lev_sim(const char *a, size_t la, const char *b, size_t lb, size_t *row)
{
    if (!la || !lb)
        return la == lb ? 1.0 : 0.0;
    size_t *prev = row, *cur = row + lb + 1;
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t d = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            if (prev[j] + 1 < d)
                d = prev[j] + 1;
            if (cur[j - 1] + 1 < d)
                d = cur[j - 1] + 1;
            cur[j] = d;
        }
        size_t *t = prev;
        prev = cur;
        cur = t;
    }
    return 1.0 - (double)prev[lb] / (double)(la > lb ? la : lb);
}

/* append a copy of w->text[from .. from + n) */
static int text_dup(mwork *w, uint32_t from, size_t n, uint32_t *off)
{
    if (w->len + n > UINT32_MAX || onoma__kr_grow((void **)&w->text, &w->cap, w->len + n + 1, 1))
        return ONOMA__KEY_ENOMEM;
    memmove(w->text + w->len, w->text + from, n);
    *off = (uint32_t)w->len;
    w->len += n;
    return 0;
}

static int text_add(mwork *w, const char *s, size_t n, uint32_t *off)
{
    if (w->len + n > UINT32_MAX || onoma__kr_grow((void **)&w->text, &w->cap, w->len + n + 1, 1))
        return ONOMA__KEY_ENOMEM;
    memcpy(w->text + w->len, s, n);
    *off = (uint32_t)w->len;
    w->len += n;
    return 0;
}

/* the units of one name: its tokens, then each pair of neighbours joined */
static int units(onoma__keyer *k, mwork *w, const char *name, size_t len, size_t *first,
                 int *ntok)
{
    int n = onoma__kr_tokens(k, name, len, 1);
    if (n < 0)
        return n;
    if (n > MAX_TOKENS)
        n = MAX_TOKENS;
    *first = w->nu;
    *ntok = n;
    /* copy the token texts: the next onoma__kr_tokens call reuses k->tok */
    size_t base = w->len;
    for (int i = 0; i < n; i++) {
        uint32_t off;
        int rc = text_add(w, k->tok + k->spans[i].off, k->spans[i].len, &off);
        if (rc)
            return rc;
    }
    size_t need = w->nu + (size_t)(n > 0 ? 2 * n - 1 : 0);
    if (onoma__kr_grow((void **)&w->u, &w->capu, need + 1, sizeof *w->u))
        return ONOMA__KEY_ENOMEM;
    size_t o = base;
    for (int i = 0; i < n; i++) {
        unit *u = &w->u[w->nu++];
        u->raw = (uint32_t)o;
        u->rawlen = k->spans[i].len;
        u->t0 = u->t1 = i;
        o += k->spans[i].len;
    }
    for (int i = 0; i + 1 < n; i++) {
        unit *a = &w->u[*first + (size_t)i], *b = a + 1;
        unit *u = &w->u[w->nu++];
        uint32_t off, off2;
        int rc = text_dup(w, a->raw, a->rawlen, &off);
        if (rc || (rc = text_dup(w, b->raw, b->rawlen, &off2)))
            return rc;
        u->raw = off;
        u->rawlen = a->rawlen + b->rawlen;
        u->t0 = i;
        u->t1 = i + 1;
    }
    for (size_t x = *first; x < w->nu; x++) {
        const char *kk;
        size_t kl;
        int rc = onoma__kr_token_key(k, w->text + w->u[x].raw, w->u[x].rawlen, &kk, &kl);
        if (rc)
            return rc;
        uint32_t off;
        if ((rc = text_add(w, kk, kl, &off)))
            return rc;
        w->u[x].key = off;
        w->u[x].keylen = (uint32_t)kl;
        w->u[x].finelen = UINT32_MAX;
    }
    return 0;
}

/* the fine form of unit x, made once */
static int fine_of(onoma__keyer *k, mwork *w, size_t x)
{
    if (w->u[x].finelen != UINT32_MAX)
        return 0;
    const char *f;
    size_t fl;
    int rc = onoma__kr_token_fine(k, w->text + w->u[x].raw, w->u[x].rawlen, &f, &fl);
    uint32_t off;
    if (rc || (rc = text_add(w, f, fl, &off)))
        return rc;
    w->u[x].fine = off;
    w->u[x].finelen = (uint32_t)fl;
    return 0;
}

static int cmp_cand(const void *pa, const void *pb)
{
    const cand *a = pa, *b = pb;
    if (a->s != b->s)
        return a->s > b->s ? -1 : 1;
    if (a->cover != b->cover)
        return a->cover < b->cover ? -1 : 1;
    if (a->a0 != b->a0)
        return a->a0 < b->a0 ? -1 : 1;
    if (a->b0 != b->b0)
        return a->b0 < b->b0 ? -1 : 1;
    if (a->x != b->x)
        return a->x < b->x ? -1 : 1;
    return (a->y > b->y) - (a->y < b->y);
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void say(void (*explain)(void *, const char *), void *ctx, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    explain(ctx, line);
}

static double match(onoma__keyer *k, mwork *w, const char *a, size_t alen, const char *b,
                    size_t blen, void (*explain)(void *, const char *), void *ctx)
{
    size_t fa, fb;
    int na, nb;
    int rc = units(k, w, a, alen, &fa, &na);
    if (!rc)
        rc = units(k, w, b, blen, &fb, &nb);
    if (rc)
        return rc;
    if (!na || !nb) {
        if (explain)
            explain(ctx, "no tokens");
        return 0.0;
    }
    size_t ea = fb, eb = w->nu; /* unit ranges [fa, ea) and [fb, eb) */
    size_t maxlen = 0;
    for (size_t x = 0; x < w->nu; x++) {
        if (w->u[x].rawlen > maxlen)
            maxlen = w->u[x].rawlen;
        if (w->u[x].keylen > maxlen)
            maxlen = w->u[x].keylen;
    }
    if (maxlen > SIM_MAX_LEN)
        maxlen = SIM_MAX_LEN;
    /* scratch for Jaro flags and Levenshtein rows */
    size_t scr = 2 * (maxlen + 1) * sizeof(size_t) + 2 * maxlen + 16;
    if (onoma__kr_grow(&k->mscratch, &k->mscratchcap, scr, 1))
        return ONOMA__KEY_ENOMEM;
    size_t *row = k->mscratch;
    unsigned char *flags = (unsigned char *)(row + 2 * (maxlen + 1));
    w->nc = 0;
    for (size_t x = fa; x < ea; x++)
        for (size_t y = fb; y < eb; y++) {
            const unit *ua = &w->u[x], *ub = &w->u[y];
            int ja = ua->t0 != ua->t1, jb = ub->t0 != ub->t1;
            if (ja && jb)
                continue; /* two joined pairs: their parts are compared anyway */
            const char *ka = w->text + ua->key, *kb = w->text + ub->key;
            int eq = ua->keylen == ub->keylen && memcmp(ka, kb, ua->keylen) == 0;
            if ((ja || jb) && !eq)
                continue; /* a joined pair only counts with an equal key */
            double s;
            if (eq) {
                if (!ua->keylen)
                    s = 0.0;
                else {
                    /* equal keys, but the fine forms tell Hassan from Hossein */
                    int rc2 = fine_of(k, w, x);
                    if (!rc2)
                        rc2 = fine_of(k, w, y);
                    if (rc2)
                        return rc2;
                    ua = &w->u[x];
                    ub = &w->u[y];
                    s = ua->finelen == ub->finelen &&
                                memcmp(w->text + ua->fine, w->text + ub->fine, ua->finelen) == 0
                            ? 1.0
                            : FINE_DIFF;
                }
            } else {
                /* capped lengths: a pathological token must not cost
                 * quadratic time */
                size_t kla = ua->keylen < SIM_MAX_LEN ? ua->keylen : SIM_MAX_LEN;
                size_t klb = ub->keylen < SIM_MAX_LEN ? ub->keylen : SIM_MAX_LEN;
                size_t rla = ua->rawlen < SIM_MAX_LEN ? ua->rawlen : SIM_MAX_LEN;
                size_t rlb = ub->rawlen < SIM_MAX_LEN ? ub->rawlen : SIM_MAX_LEN;
                double s1 = KEY_SIM_WEIGHT * lev_sim(ka, kla, kb, klb, row);
                double s2 = RAW_SIM_WEIGHT *
                            jaro_winkler(w->text + ua->raw, rla, w->text + ub->raw, rlb, flags);
                s = s1 > s2 ? s1 : s2;
            }
            if (ja || jb)
                s *= JOIN_FACTOR; /* a single token wins over a joined pair */
            if (s >= TOKEN_FLOOR) {
                if (onoma__kr_grow((void **)&w->c, &w->capc, w->nc + 1, sizeof *w->c))
                    return ONOMA__KEY_ENOMEM;
                cand *c = &w->c[w->nc++];
                c->s = s;
                c->cover = ua->t1 - ua->t0 + ub->t1 - ub->t0;
                c->a0 = ua->t0;
                c->b0 = ub->t0;
                c->x = (int)(x - fa);
                c->y = (int)(y - fb);
            }
        }
    if (w->nc > 1)
        qsort(w->c, w->nc, sizeof *w->c, cmp_cand);
    if (onoma__kr_grow((void **)&w->used, &w->capused, (size_t)na + (size_t)nb, 1))
        return ONOMA__KEY_ENOMEM;
    unsigned char *useda = w->used, *usedb = w->used + na;
    memset(w->used, 0, (size_t)na + (size_t)nb);
    size_t np = 0; /* accepted pairs are moved to the front of w->c */
    for (size_t i = 0; i < w->nc; i++) {
        cand c = w->c[i];
        const unit *ua = &w->u[fa + (size_t)c.x], *ub = &w->u[fb + (size_t)c.y];
        int taken = 0;
        for (int t = ua->t0; t <= ua->t1; t++)
            taken |= useda[t];
        for (int t = ub->t0; t <= ub->t1; t++)
            taken |= usedb[t];
        if (taken)
            continue;
        for (int t = ua->t0; t <= ua->t1; t++)
            useda[t] = 1;
        for (int t = ub->t0; t <= ub->t1; t++)
            usedb[t] = 1;
        w->c[np++] = c;
    }
    int shortn = na < nb ? na : nb;
    double total = 0.0;
    int covered = 0;
    for (size_t i = 0; i < np; i++) {
        const unit *ua = &w->u[fa + (size_t)w->c[i].x], *ub = &w->u[fb + (size_t)w->c[i].y];
        int ca = ua->t1 - ua->t0 + 1, cb = ub->t1 - ub->t0 + 1;
        int c = na <= nb ? ca : cb;
        total += w->c[i].s * (double)c;
        covered++;
    }
    double score = total / (double)shortn;
    if (score > 1.0)
        score = 1.0;
    if ((na == 1) != (nb == 1) && score > SINGLE_CAP)
        score = SINGLE_CAP;
    int left = 0;
    for (int i = 0; i < na + nb; i++)
        left |= !w->used[i];
    if (left && score > COMMON_CAP) {
        /* a token left out is fine when the tokens that do match say
         * something; matching only very common name elements is not enough */
        int all_common = 1;
        for (size_t i = 0; i < np && all_common; i++) {
            const unit *ua = &w->u[fa + (size_t)w->c[i].x], *ub = &w->u[fb + (size_t)w->c[i].y];
            int ca = onoma__kr_is_common(k, w->text + ua->key, ua->keylen);
            if (ca < 0)
                return ca;
            int cb = ca ? 1 : onoma__kr_is_common(k, w->text + ub->key, ub->keylen);
            if (cb < 0)
                return cb;
            all_common = ca || cb;
        }
        if (all_common)
            score = COMMON_CAP;
    }
    for (int i = 0; i < na + nb; i++)
        if (!w->used[i])
            score -= OMIT_PENALTY;
    if (na >= 2 && nb >= 2 && covered < 2 && score > ONE_TOKEN_CAP)
        score = ONE_TOKEN_CAP;
    if (score < 0.0)
        score = 0.0;
    if (explain) {
        /* pairs in token order */
        for (size_t i = 1; i < np; i++) {
            cand t = w->c[i];
            size_t j = i;
            while (j > 0) {
                cand p = w->c[j - 1];
                const unit *pa = &w->u[fa + (size_t)p.x], *ta = &w->u[fa + (size_t)t.x];
                const unit *pb = &w->u[fb + (size_t)p.y], *tb = &w->u[fb + (size_t)t.y];
                if (pa->t0 < ta->t0 || (pa->t0 == ta->t0 && pb->t0 <= tb->t0))
                    break;
                w->c[j] = p;
                j--;
            }
            w->c[j] = t;
        }
        for (size_t i = 0; i < np; i++) {
            const unit *ua = &w->u[fa + (size_t)w->c[i].x], *ub = &w->u[fb + (size_t)w->c[i].y];
            say(explain, ctx, "%.*s [%.*s] ~ %.*s [%.*s] %.3f", (int)ua->rawlen,
                w->text + ua->raw, (int)ua->keylen, w->text + ua->key, (int)ub->rawlen,
                w->text + ub->raw, (int)ub->keylen, w->text + ub->key, w->c[i].s);
        }
        for (int side = 0; side < 2; side++) {
            int n = side ? nb : na;
            size_t f = side ? fb : fa;
            const unsigned char *used = side ? usedb : useda;
            for (int i = 0; i < n; i++)
                if (!used[i]) {
                    const unit *u = &w->u[f + (size_t)i];
                    say(explain, ctx, "%.*s [%.*s] unmatched (%s name)", (int)u->rawlen,
                        w->text + u->raw, (int)u->keylen, w->text + u->key,
                        side ? "2nd" : "1st");
                }
        }
        say(explain, ctx, "score %.4f", score);
    }
    return score;
}

double onoma__match(onoma__keyer *k, const char *a, size_t alen, const char *b, size_t blen,
                    void (*explain)(void *ctx, const char *line), void *ctx)
{
    if (!k || (!a && alen) || (!b && blen))
        return ONOMA__KEY_EINVAL;
    onoma__kr_cache_bound(k);
    /* the match scratch lives in the keyer between calls */
    if (!k->mwork && !(k->mwork = calloc(1, sizeof(mwork))))
        return ONOMA__KEY_ENOMEM;
    mwork *w = k->mwork;
    w->len = 0;
    w->nu = 0;
    w->nc = 0;
    return match(k, w, a ? a : "", alen, b ? b : "", blen, explain, ctx);
}
