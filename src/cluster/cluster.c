/* onoma cluster: spelling variants of names in a corpus.
 *
 * One pass over the text counts name mentions (key/mention.h: capitalised
 * runs with particles; short runs of an uncased script next to cased words)
 * by their text, with the line of the first one as an example. Lower-case
 * words are counted too (by hash only), so that at the end a capitalised
 * word that opens a sentence can be told from a name: it is a common word
 * when it occurs in lower case more often than capitalised inside
 * sentences ("The", "However", "Said" in "Said Khatibzadeh said").
 * At the end the distinct mentions are keyed, blocked by key, and split
 * within a block by onoma_match against each group's most frequent
 * spelling. */
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/hash.h"
#include "key/api.h"
#include "key/keyint.h"
#include "key/mention.h"
#include "text/chars.h"
#include "text/utf8.h"

#define MAX_RUN 8          /* words of a capitalised run */
#define MAX_NATIVE 4       /* words of a run of an uncased script */
#define CONTEXT 48         /* bytes of example context on each side */
#define MAX_LINE (1u << 20) /* a longer line is cut at a word boundary */
#define MAX_HEADS 64       /* groups of a key block a spelling is compared with */

typedef struct mention {
    uint64_t count;
    uint32_t ctx_off, ctx_len; /* in c->ctx */
    uint32_t file;             /* index into c->files */
    uint64_t line;
} mention;

typedef struct wstat {
    uint64_t h; /* 0: empty */
    uint32_t lower, midcap;
} wstat;

struct onoma_cluster {
    const onoma_keyrules *rules;
    onoma_keyer *kr;
    uint64_t min_count;
    char **files;
    size_t nfiles;
    uint64_t line;
    onoma__buf pend; /* an incomplete line */
    kr_strmap ments;  /* text + 1 byte (sentence start) -> index in m */
    mention *m;
    size_t nm, capm;
    onoma__buf ctx;
    wstat *ws;        /* open addressing on word hashes */
    size_t nws, capws;
};

/* ------------------------------------------------------------- lifecycle */

int onoma_cluster_new(const onoma_keyrules *r, const onoma_cluster_options *opt, onoma_cluster **out, onoma_error *err)
{
    onoma__error_clear(err);
    if (!out || !r)
        return onoma__error(err, ONOMA_EINVAL, NULL, 0, 0, NULL);
    *out = NULL;
    onoma_cluster_options none = {0, NULL, 0};
    if (!opt)
        opt = &none;
    if (opt->flags)
        return onoma__error(err, ONOMA_EFLAGS, NULL, 0, 0, "unknown flags 0x%x", opt->flags);
    if (onoma__chars_init())
        return onoma__error(err, ONOMA_EICU, NULL, 0, 0, "cannot initialise ICU character data");
    onoma_cluster *c = calloc(1, sizeof *c);
    if (!c)
        return onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    onoma_key_options ko = {0, opt->lang};
    int rc = onoma_keyer_new(r, &ko, &c->kr, err);
    if (rc) {
        free(c);
        return rc;
    }
    c->rules = r;
    c->min_count = opt->min_count ? opt->min_count : 1;
    onoma__kr_strmap_init(&c->ments);
    onoma_cluster_set_name(c, "-");
    if (!c->nfiles) {
        onoma_cluster_free(&c);
        return onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    }
    *out = c;
    return 0;
}

void onoma_cluster_free(onoma_cluster **p)
{
    onoma_cluster *c = p ? *p : NULL;
    if (!c)
        return;
    onoma_keyer_free(&c->kr);
    for (size_t i = 0; i < c->nfiles; i++)
        free(c->files[i]);
    free(c->files);
    onoma__buf_free(&c->pend);
    onoma__kr_strmap_free(&c->ments);
    free(c->m);
    onoma__buf_free(&c->ctx);
    free(c->ws);
    free(c);
    *p = NULL;
}

void onoma_cluster_set_name(onoma_cluster *c, const char *name)
{
    /* what is left of the previous input is a last line of its own */
    if (c->pend.len)
        onoma_cluster_feed(c, "\n", 1, NULL);
    char *n = strdup(name ? name : "-");
    char **nf = n ? realloc(c->files, (c->nfiles + 1) * sizeof *nf) : NULL;
    if (!nf) {
        free(n);
        return; /* keeps the previous name */
    }
    c->files = nf;
    c->files[c->nfiles++] = n;
    c->line = 1;
}

/* ------------------------------------------------------------ word stats */

static wstat *wstat_at(onoma_cluster *c, uint64_t h)
{
    if (!h)
        h = 1;
    if ((c->nws + 1) * 2 > c->capws) {
        size_t nc = c->capws ? c->capws * 2 : 4096;
        wstat *nw = calloc(nc, sizeof *nw);
        if (!nw)
            return NULL;
        for (size_t i = 0; i < c->capws; i++)
            if (c->ws[i].h) {
                size_t j = (size_t)c->ws[i].h & (nc - 1);
                while (nw[j].h)
                    j = (j + 1) & (nc - 1);
                nw[j] = c->ws[i];
            }
        free(c->ws);
        c->ws = nw;
        c->capws = nc;
    }
    size_t j = (size_t)h & (c->capws - 1);
    while (c->ws[j].h && c->ws[j].h != h)
        j = (j + 1) & (c->capws - 1);
    if (!c->ws[j].h) {
        c->ws[j].h = h;
        c->nws++;
    }
    return &c->ws[j];
}

static const wstat *wstat_find(const onoma_cluster *c, uint64_t h)
{
    if (!h)
        h = 1;
    if (!c->capws)
        return NULL;
    size_t j = (size_t)h & (c->capws - 1);
    while (c->ws[j].h && c->ws[j].h != h)
        j = (j + 1) & (c->capws - 1);
    return c->ws[j].h ? &c->ws[j] : NULL;
}

/* A word's hash with an ASCII first letter lowered (Said and said meet);
 * 0 for words that do not start with an ASCII letter. */
static uint64_t word_hash(const unsigned char *s, size_t n)
{
    if (!n || (unsigned)((s[0] | 0x20) - 'a') >= 26u)
        return 0;
    unsigned char buf[64];
    if (n > sizeof buf)
        return 0;
    memcpy(buf, s, n);
    buf[0] |= 0x20;
    uint64_t h = onoma__hash(buf, n);
    return h ? h : 1;
}

/* ------------------------------------------------------------- mentions */

static int add_context(onoma_cluster *c, const unsigned char *s, size_t n, size_t a, size_t b, mention *m)
{
    size_t from = a > CONTEXT ? a - CONTEXT : 0, to = b + CONTEXT < n ? b + CONTEXT : n;
    while (from > 0 && (s[from] & 0xC0) == 0x80)
        from--;
    while (to < n && (s[to] & 0xC0) == 0x80)
        to++;
    size_t start = c->ctx.len;
    int space = 0;
    for (size_t i = from; i < to; i++) {
        unsigned char ch = s[i];
        if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\v' || ch == '\f') {
            space = c->ctx.len > start;
            continue;
        }
        if ((space && onoma__buf_putc(&c->ctx, ' ')) || onoma__buf_putc(&c->ctx, (char)ch))
            return ONOMA_ENOMEM;
        space = 0;
    }
    if (c->ctx.len > UINT32_MAX)
        return ONOMA_ENOMEM;
    m->ctx_off = (uint32_t)start;
    m->ctx_len = (uint32_t)(c->ctx.len - start);
    return 0;
}

static int add_mention(onoma_cluster *c, const unsigned char *s, size_t n, size_t a, size_t b, int sent)
{
    char key[256];
    size_t len = b - a;
    if (len + 1 > sizeof key)
        return 0; /* no name is that long */
    memcpy(key, s + a, len);
    key[len] = (char)(sent ? 1 : 0);
    uint64_t h = onoma__kr_hash(key, len + 1);
    long e = onoma__kr_strmap_find(&c->ments, key, len + 1, h);
    if (e >= 0) {
        c->m[c->ments.ents[e].val].count++;
        return 0;
    }
    if (c->nm >= UINT32_MAX || onoma__kr_grow((void **)&c->m, &c->capm, c->nm + 1, sizeof *c->m))
        return ONOMA_ENOMEM;
    mention *m = &c->m[c->nm];
    *m = (mention){1, 0, 0, (uint32_t)(c->nfiles - 1), c->line};
    int rc = add_context(c, s, n, a, b, m);
    if (rc)
        return rc;
    if (onoma__kr_strmap_add(&c->ments, key, len + 1, h, (uint32_t)c->nm) < 0)
        return ONOMA_ENOMEM;
    c->nm++;
    return 0;
}

static int is_cased_word(const unsigned char *s, size_t n, size_t i)
{
    int fc, caps, poss;
    return onoma__mention_word(s, n, i, &fc, &caps, &poss) > i && fc != 0;
}

static int word_at(const unsigned char *s, size_t n, size_t i, int *len)
{
    if (s[i] < 0x80) {
        *len = 1;
        return onoma__ascii_word[s[i]];
    }
    uint32_t cp;
    *len = onoma__utf8_decode(s + i, n - i, &cp);
    if (*len <= 0) {
        *len = 1;
        return 0;
    }
    return onoma__is_word(cp);
}

/* A title before a name (General, Sheikh): a capitalised word the key
 * rules drop, followed by a space, and not an article (Al Asad). */
static int is_title(const onoma_cluster *c, const unsigned char *s, const onoma__mword *w)
{
    size_t n = w->end - w->start;
    char low[16];
    if (w->kind != ONOMA__MW_CAP || s[w->end] != ' ' || n >= sizeof low ||
        !onoma__mention_listed(c->rules, (const char *)s + w->start, n, ONOMA__ML_DROP))
        return 0;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)(s[w->start + i] | 0x20);
    return !onoma__mention_particle(c->rules, low, n, 0);
}

/* A word after a name that is no part of its spelling: an initial, or a
 * word the key rules drop (II, IV, Jr). */
static int is_tail(const onoma_cluster *c, const unsigned char *s, const onoma__mword *w)
{
    size_t n = w->end - w->start;
    return n == 1 || onoma__mention_listed(c->rules, (const char *)s + w->start, n, ONOMA__ML_DROP);
}

/* One line (without its newline). */
static int scan_line(onoma_cluster *c, const unsigned char *s, size_t n)
{
    int sent = 1, prev_cased = 0, rc;
    onoma__mword w[MAX_RUN];
    for (size_t i = 0; i < n;) {
        int len;
        if (!word_at(s, n, i, &len)) {
            unsigned ch = s[i];
            if (ch == '.' || ch == '!' || ch == '?' || ch == ':')
                sent = 1;
            else if (ch == ',' || ch == ';')
                sent = 0;
            i += (size_t)len;
            continue;
        }
        int fc, caps, poss;
        size_t e = onoma__mention_word(s, n, i, &fc, &caps, &poss);
        if (e == i)
            e = i + (size_t)len; /* a connector such as '_' */
        size_t nw = fc != 0 ? onoma__mention_run(c->rules, s, n, i, w, MAX_RUN) : 0;
        if (nw) {
            size_t first = 0, last = nw - 1;
            while (first < last && is_title(c, s, &w[first]))
                first++; /* General Soleimani is Soleimani */
            while (last > first && is_tail(c, s, &w[last]))
                last--; /* Soleimani II, Soleimani Jr: one spelling */
            size_t end = w[last].end, mlen = end - w[first].start;
            /* one letter (I, U) or a short acronym (EU, USA) is no name */
            int skip = first == last && (mlen == 1 || (mlen <= 3 && w[first].allcaps));
            if (!skip && (rc = add_mention(c, s, n, w[first].start, end, sent && !first)))
                return rc;
            for (size_t k = 0; k < nw; k++)
                if (w[k].kind == ONOMA__MW_CAP && (k || !sent)) {
                    uint64_t h = word_hash(s + w[k].start, w[k].end - w[k].start);
                    wstat *st = h ? wstat_at(c, h) : NULL;
                    if (h && !st)
                        return ONOMA_ENOMEM;
                    if (st)
                        st->midcap++;
                }
            i = w[nw - 1].end;
            prev_cased = 1;
        } else if (fc < 0) {
            uint64_t h = word_hash(s + i, e - i);
            wstat *st = h ? wstat_at(c, h) : NULL;
            if (h && !st)
                return ONOMA_ENOMEM;
            if (st)
                st->lower++;
            i = e;
            prev_cased = 1;
        } else if (fc == 0 && s[i] >= 0x80) {
            /* an uncased script: a short run next to cased words is a name
             * written natively (Qasem Soleimani (قاسم سلیمانی)); in a text of
             * that script runs are long, or stand alone */
            size_t k = 0, j = i, end = i;
            for (;;) {
                int f2, c2, p2;
                size_t e2 = onoma__mention_word(s, n, j, &f2, &c2, &p2);
                if (e2 == j || f2 != 0 || s[j] < 0x80)
                    break;
                end = e2;
                k++;
                size_t sep = s[e2] == ' ' ? 1 : 0;
                if (!sep || e2 + 1 >= n || !word_at(s, n, e2 + 1, &len))
                    break;
                j = e2 + sep;
            }
            size_t after = end;
            while (after < n && after - end < 8 && !word_at(s, n, after, &len))
                after += (size_t)len;
            int next_cased = after < n && is_cased_word(s, n, after);
            if (k && k <= MAX_NATIVE && (prev_cased || next_cased) && (rc = add_mention(c, s, n, i, end, 0)))
                return rc;
            i = end > i ? end : e;
            prev_cased = 0;
        } else {
            i = e;
            prev_cased = 0;
        }
        sent = 0;
    }
    return 0;
}

int onoma_cluster_feed(onoma_cluster *c, const char *data, size_t len, onoma_error *err)
{
    if (!c || (!data && len))
        return onoma__error(err, ONOMA_EINVAL, NULL, 0, 0, NULL);
    const char *p = data, *end = data + len;
    int rc = 0;
    while (p < end && !rc) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) {
            if (onoma__buf_put(&c->pend, p, (size_t)(end - p)))
                rc = ONOMA_ENOMEM;
            else if (c->pend.len > MAX_LINE) {
                /* cut a very long line at its last space */
                size_t cut = c->pend.len;
                while (cut > 0 && c->pend.data[cut - 1] != ' ')
                    cut--;
                if (!cut)
                    cut = c->pend.len;
                rc = scan_line(c, (const unsigned char *)c->pend.data, cut);
                memmove(c->pend.data, c->pend.data + cut, c->pend.len - cut);
                c->pend.len -= cut;
            }
            break;
        }
        if (c->pend.len) {
            if (onoma__buf_put(&c->pend, p, (size_t)(nl - p)))
                rc = ONOMA_ENOMEM;
            else
                rc = scan_line(c, (const unsigned char *)c->pend.data, c->pend.len);
            c->pend.len = 0;
        } else
            rc = scan_line(c, (const unsigned char *)p, (size_t)(nl - p));
        c->line++;
        p = nl + 1;
    }
    if (rc)
        return onoma__error(err, rc, c->files[c->nfiles - 1], c->line, 0, NULL);
    return 0;
}

/* --------------------------------------------------------------- groups */

typedef struct spelling {
    const char *text; /* in the spellings' arena (set once it is complete) */
    uint32_t off, len;
    uint64_t count;
    uint32_t m;     /* the mention whose context is shown */
    uint32_t key;   /* index of the key block */
    uint32_t group;
} spelling;

typedef struct gsum {
    uint64_t count;
    uint32_t first, n; /* in the sorted spelling order */
    const spelling *head;
} gsum;

/* No lower-case letter (TEHRAN): last among spellings as frequent. */
static int shouted(const spelling *x)
{
    for (uint32_t i = 0; i < x->len; i++)
        if ((unsigned)(x->text[i] - 'a') < 26u)
            return 0;
    return 1;
}

static int cmp_count(const void *pa, const void *pb)
{
    const spelling *a = pa, *b = pb;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    int sa = shouted(a), sb = shouted(b);
    if (sa != sb)
        return sa - sb;
    size_t n = a->len < b->len ? a->len : b->len;
    int r = memcmp(a->text, b->text, n);
    return r ? r : (a->len > b->len) - (a->len < b->len);
}

static int cmp_block(const void *pa, const void *pb)
{
    const spelling *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return cmp_count(pa, pb);
}

static int cmp_group(const void *pa, const void *pb)
{
    const spelling *a = pa, *b = pb;
    if (a->group != b->group)
        return a->group < b->group ? -1 : 1;
    return cmp_count(pa, pb);
}

static int cmp_gsum(const void *pa, const void *pb)
{
    const gsum *a = pa, *b = pb;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return cmp_count(a->head, b->head);
}

/* Drop the leading words of a mention that opened a sentence while they are
 * common words (see the top of the file). Returns the new start. */
static size_t strip_common(const onoma_cluster *c, const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        int fc, caps, poss;
        size_t e = onoma__mention_word(s, n, i, &fc, &caps, &poss);
        if (e == i || fc <= 0)
            break;
        uint64_t h = word_hash(s + i, e - i);
        const wstat *st = h ? wstat_find(c, h) : NULL;
        if (!st || st->lower <= st->midcap)
            break;
        i = e;
        size_t sep = onoma__mention_sep(s, n, i);
        if (!sep)
            return n;
        i += sep;
    }
    return i;
}

int onoma_cluster_groups(onoma_cluster *c, onoma_cluster_fn fn, void *ctx, onoma_error *err)
{
    onoma__error_clear(err);
    if (!c || !fn)
        return onoma__error(err, ONOMA_EINVAL, NULL, 0, 0, NULL);
    if (c->pend.len) {
        int rc = onoma_cluster_feed(c, "\n", 1, err);
        if (rc)
            return rc;
        c->line--;
    }
    int rc = 0;
    kr_strmap texts, keys;
    onoma__kr_strmap_init(&texts);
    onoma__kr_strmap_init(&keys);
    spelling *sp = NULL;
    gsum *gs = NULL;
    onoma_cluster_spelling *out = NULL;
    size_t nsp = 0, capsp = 0, ngs = 0, capout = 0;
    onoma__buf kb = {0};
    /* 1. mentions to spellings: sentence openers without their common words */
    for (size_t e = 0; e < c->ments.nents && !rc; e++) {
        const struct kr_ent *en = &c->ments.ents[e];
        const unsigned char *t = (const unsigned char *)c->ments.arena + en->off;
        size_t len = en->len - 1, a = t[len] ? strip_common(c, t, len) : 0;
        if (a >= len)
            continue;
        const mention *m = &c->m[en->val];
        uint64_t h = onoma__kr_hash((const char *)t + a, len - a);
        long f = onoma__kr_strmap_find(&texts, (const char *)t + a, len - a, h);
        if (f >= 0) {
            spelling *x = &sp[texts.ents[f].val];
            x->count += m->count;
            if (m->file < c->m[x->m].file || (m->file == c->m[x->m].file && m->line < c->m[x->m].line))
                x->m = en->val; /* the first mention as example */
            continue;
        }
        if (onoma__kr_grow((void **)&sp, &capsp, nsp + 1, sizeof *sp) ||
            (f = onoma__kr_strmap_add(&texts, (const char *)t + a, len - a, h, (uint32_t)nsp)) < 0) {
            rc = ONOMA_ENOMEM;
            break;
        }
        sp[nsp++] = (spelling){NULL, texts.ents[f].off, (uint32_t)(len - a), m->count, en->val, 0, 0};
    }
    for (size_t i = 0; i < nsp; i++)
        sp[i].text = texts.arena + sp[i].off;
    /* 2. keys: a block per key */
    for (size_t i = 0; i < nsp && !rc; i++) {
        if ((rc = onoma__key_buf(c->kr, texts.arena + sp[i].off, sp[i].len, &kb)))
            break;
        if (!kb.len) {
            sp[i].key = UINT32_MAX;
            continue;
        }
        uint64_t h = onoma__kr_hash(kb.data, kb.len);
        long f = onoma__kr_strmap_find(&keys, kb.data, kb.len, h);
        if (f < 0 && (f = onoma__kr_strmap_add(&keys, kb.data, kb.len, h, 0)) < 0)
            rc = ONOMA_ENOMEM;
        else
            sp[i].key = (uint32_t)f;
    }
    if (rc)
        goto done;
    if (nsp > 1)
        qsort(sp, nsp, sizeof *sp, cmp_block);
    /* 3. within a block: a spelling joins the first group whose most
     *    frequent spelling it matches, else starts one */
    uint32_t ngroup = 0;
    for (size_t b = 0; b < nsp && !rc;) {
        size_t e = b;
        while (e < nsp && sp[e].key == sp[b].key)
            e++;
        if (sp[b].key == UINT32_MAX || e - b < 2) {
            for (size_t i = b; i < e; i++)
                sp[i].group = UINT32_MAX;
            b = e;
            continue;
        }
        size_t heads[MAX_HEADS], nh = 0;
        for (size_t i = b; i < e && !rc; i++) {
            size_t j = 0;
            for (; j < nh; j++) {
                const spelling *h = &sp[heads[j]];
                double s = onoma__match(c->kr->k, h->text, h->len, sp[i].text, sp[i].len, NULL, NULL);
                if (s < 0) {
                    rc = onoma__key_error((int)s, NULL);
                    break;
                }
                if (s >= ONOMA_MATCH_THRESHOLD)
                    break;
            }
            if (rc)
                break;
            if (j < nh)
                sp[i].group = sp[heads[j]].group;
            else {
                sp[i].group = ngroup++;
                if (nh < MAX_HEADS)
                    heads[nh++] = i;
            }
        }
        b = e;
    }
    if (rc)
        goto done;
    if (nsp > 1)
        qsort(sp, nsp, sizeof *sp, cmp_group);
    /* 4. groups of two spellings or more, largest first */
    for (size_t b = 0; b < nsp && !rc;) {
        size_t e = b;
        uint64_t total = 0;
        while (e < nsp && sp[e].group == sp[b].group)
            total += sp[e++].count;
        if (sp[b].group != UINT32_MAX && e - b >= 2 && total >= c->min_count) {
            if (onoma__kr_grow((void **)&gs, &capout, ngs + 1, sizeof *gs))
                rc = ONOMA_ENOMEM;
            else
                gs[ngs++] = (gsum){total, (uint32_t)b, (uint32_t)(e - b), NULL};
        }
        b = e;
    }
    if (rc)
        goto done;
    for (size_t g = 0; g < ngs; g++)
        gs[g].head = &sp[gs[g].first];
    if (ngs > 1)
        qsort(gs, ngs, sizeof *gs, cmp_gsum);
    capout = 0;
    for (size_t g = 0; g < ngs && !rc; g++) {
        if (onoma__kr_grow((void **)&out, &capout, gs[g].n, sizeof *out)) {
            rc = ONOMA_ENOMEM;
            break;
        }
        for (uint32_t i = 0; i < gs[g].n; i++) {
            const spelling *x = &sp[gs[g].first + i];
            const mention *m = &c->m[x->m];
            out[i] = (onoma_cluster_spelling){x->text, x->len, x->count, c->ctx.data + m->ctx_off,
                                              m->ctx_len, c->files[m->file], m->line};
        }
        const struct kr_ent *ke = &keys.ents[sp[gs[g].first].key];
        if (onoma__buf_reserve(&kb, ke->len + 1)) {
            rc = ONOMA_ENOMEM;
            break;
        }
        memcpy(kb.data, keys.arena + ke->off, ke->len);
        kb.data[ke->len] = 0;
        onoma_cluster_group grp = {kb.data, gs[g].count, gs[g].n, out};
        int r = fn(ctx, &grp);
        if (r)
            rc = r < 0 ? r : ONOMA_EABORTED;
    }
done:
    if (rc && err && err->code != rc)
        onoma__error(err, rc, NULL, 0, 0, NULL);
    onoma__kr_strmap_free(&texts);
    onoma__kr_strmap_free(&keys);
    onoma__buf_free(&kb);
    free(sp);
    free(gs);
    free(out);
    return rc;
}
