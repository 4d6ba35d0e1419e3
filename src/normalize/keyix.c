/* The key index of a table layer (keyix.h; layout in table/format.h). */
#include "normalize/keyix.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "key/api.h"
#include "key/keyint.h"
#include "key/mention.h"
#include "text/chars.h"
#include "text/utf8.h"

int onoma__kix_words(const char *s, size_t n, onoma__buf *out, int *lower)
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

/* (Cyrillic text is matched against Cyrillic spellings, Latin text against
 * Latin ones; spellings in uncased scripts are not Latin, and are left out
 * later.) */
int onoma__kix_latin(const char *s, size_t n)
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
 * a guarded spelling; one word only to a person or a name (fuzzy.c): which
 * also keeps the index small. */
static int usable(const onoma__layer *L, uint32_t target, int nw)
{
    if (target & ONOMA__T_GUARDED)
        return 0;
    uint32_t type = L->entries[target >> ONOMA__T_BITS].type;
    return nw > 1 || type == ONOMA__TYPE_PERSON || type == ONOMA__TYPE_NAME;
}

/* The order-free hash of a key: its space-separated token keys. */
static uint32_t key_hash(const char *key, size_t n)
{
    uint32_t acc = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && key[j] != ' ')
            j++;
        acc = onoma__kix_hash_add(acc, onoma__kix_tk_hash(key + i, j - i));
        i = j + 1;
    }
    return acc ? acc : 1;
}

typedef struct pending {
    onoma__kix_rec rec;
    uint32_t group;
} pending;

static uint32_t pow2_mask(size_t n)
{
    size_t m = 15;
    while (m + 1 < 2 * n + 2)
        m = m * 2 + 1;
    return (uint32_t)m;
}

static size_t align8(size_t n) { return (n + 7) & ~(size_t)7; }

/* Every spelling of the layer (the exact index holds them as written) in
 * the script, but guarded ones and those without a cased letter: text
 * spans are capitalised, so a spelling in an uncased script could only
 * repeat the key of a Latin one. Records of a key keep the order of the
 * exact index's slots and, within a spelling, of its targets. */
int onoma__kix_build(const onoma__layer *L, onoma_keyer *kr, int script, onoma__buf *out)
{
    int rc = 0;
    kr_strmap keys;
    onoma__kr_strmap_init(&keys);
    pending *pend = NULL;
    size_t npend = 0, cappend = 0;
    onoma__buf kb = {0}, toks = {0};
    const onoma__layer_index *x = &L->idx[ONOMA__IDX_EXACT];
    for (uint64_t i = 0; x->slots && i <= x->mask && !rc; i++) {
        const onoma__slot *sl = &x->slots[i];
        if (!sl->len_flags || !((sl->len_flags >> 24) & ONOMA__SLOT_KEY))
            continue;
        const char *sp = L->str + sl->key_off;
        uint32_t slen = sl->len_flags & 0xFFFFFFu, ntg;
        const uint32_t *tg = onoma__slot_targets(L, sl, &ntg);
        if (onoma__kix_latin(sp, slen) != !script)
            continue;
        /* most spellings are one word of a place: skipped before counting words */
        uint32_t open = 0;
        for (uint32_t j = 0; j < ntg; j++)
            open += usable(L, tg[j], 1);
        if (!open && !memchr(sp, ' ', slen) && !memchr(sp, '-', slen))
            continue;
        int lower, nw = onoma__kix_words(sp, slen, NULL, &lower);
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
        long e = onoma__kr_strmap_find(&keys, kb.data, kb.len, h);
        if (e < 0 && (keys.nents >= UINT32_MAX / 2 ||
                      (e = onoma__kr_strmap_add(&keys, kb.data, kb.len, h, (uint32_t)keys.nents)) < 0)) {
            rc = ONOMA_ENOMEM;
            break;
        }
        uint32_t g = keys.ents[e].val;
        size_t toff = toks.len;
        if (onoma__kix_words(sp, slen, &toks, &lower) < 0 || toff > UINT32_MAX ||
            onoma__kr_grow((void **)&pend, &cappend, npend + open, sizeof *pend)) {
            rc = ONOMA_ENOMEM;
            break;
        }
        for (uint32_t j = 0; j < ntg; j++)
            if (usable(L, tg[j], nw))
                pend[npend++] = (pending){{tg[j] >> ONOMA__T_BITS, sl->key_off, slen, (uint32_t)toff, (uint32_t)nw}, g};
    }
    if (rc)
        goto done;
    size_t ngroups = keys.nents;
    uint32_t kmask = pow2_mask(ngroups), khmask = pow2_mask(ngroups);
    size_t keystr_len = keys.alen;
    onoma__kix_part pt;
    memset(&pt, 0, sizeof pt);
    size_t off = align8(sizeof pt);
    pt.keys_mask = kmask;
    pt.ngroups = (uint32_t)ngroups;
    pt.nrecs = (uint32_t)npend;
    pt.kh_mask = khmask;
    /* the filter of longer keys: about 32 bits a key (only a prefilter: its
     * size changes no answer) */
    pt.many_log2 = 12;
    while (pt.many_log2 < 20 && (1ull << pt.many_log2) < 32ull * ngroups)
        pt.many_log2++;
    uint32_t many_mask = (uint32_t)((1ull << pt.many_log2) / 64 - 1);
    pt.keys_off = off, off = align8(off + ((size_t)kmask + 1) * sizeof(onoma__kix_key));
    pt.keystr_off = off, pt.keystr_len = keystr_len, off = align8(off + keystr_len);
    pt.groups_off = off, off = align8(off + ngroups * sizeof(onoma__kix_group));
    pt.recs_off = off, off = align8(off + npend * sizeof(onoma__kix_rec));
    pt.words_off = off, pt.words_len = toks.len, off = align8(off + toks.len);
    pt.kh_off = off, off = align8(off + ((size_t)khmask + 1) * sizeof(onoma__kix_kh));
    pt.one_off = off, off += ONOMA__KIX_ONE_WORDS * 8;
    pt.many_off = off, off += (1ull << pt.many_log2) / 8;
    if (npend > UINT32_MAX || keystr_len > UINT32_MAX || toks.len > UINT32_MAX) {
        rc = ONOMA_ERANGE;
        goto done;
    }
    size_t base = out->len;
    if ((rc = onoma__buf_reserve(out, off)))
        goto done;
    unsigned char *p = (unsigned char *)out->data + base;
    memset(p, 0, off);
    out->len += off;
    memcpy(p, &pt, sizeof pt);
    onoma__kix_key *kt = (onoma__kix_key *)(p + pt.keys_off);
    onoma__kix_group *gr = (onoma__kix_group *)(p + pt.groups_off);
    onoma__kix_rec *rec = (onoma__kix_rec *)(p + pt.recs_off);
    onoma__kix_kh *kh = (onoma__kix_kh *)(p + pt.kh_off);
    uint64_t *one = (uint64_t *)(p + pt.one_off), *many = (uint64_t *)(p + pt.many_off);
    if (keystr_len)
        memcpy(p + pt.keystr_off, keys.arena, keystr_len);
    if (toks.len)
        memcpy(p + pt.words_off, toks.data, toks.len);
    /* records grouped by key (a counting sort: stable) */
    for (size_t i = 0; i < npend; i++) {
        gr[pend[i].group].n++;
        if (pend[i].rec.nwords && pend[i].rec.nwords <= 32)
            gr[pend[i].group].nwords |= 1u << (pend[i].rec.nwords - 1);
    }
    uint32_t at = 0;
    for (size_t g = 0; g < ngroups; g++) {
        gr[g].first = at;
        at += gr[g].n;
        gr[g].n = 0;
    }
    for (size_t i = 0; i < npend; i++) {
        onoma__kix_group *g = &gr[pend[i].group];
        rec[g->first + g->n++] = pend[i].rec;
    }
    for (size_t e = 0; e < keys.nents; e++) {
        const struct kr_ent *en = &keys.ents[e];
        const char *k = keys.arena + en->off;
        uint64_t h = onoma__hash(k, en->len);
        uint32_t j = (uint32_t)(h >> 32) & kmask;
        while (kt[j].len)
            j = (j + 1) & kmask;
        kt[j] = (onoma__kix_key){(uint32_t)h, en->off, en->len, en->val};
        /* the keys by their order-free hash */
        uint32_t kh32 = key_hash(k, en->len);
        j = (kh32 * 0x9E3779B1u) & khmask;
        while (kh[j].h && kh[j].h != kh32)
            j = (j + 1) & khmask;
        kh[j].h = kh32;
        uint32_t nw = gr[en->val].nwords;
        kh[j].nwords |= nw;
        if (nw & 1)
            one[(kh32 >> 6) & (ONOMA__KIX_ONE_WORDS - 1)] |= 1ull << (kh32 & 63);
        if (nw & ~1u)
            many[(kh32 >> 6) & many_mask] |= 1ull << (kh32 & 63);
    }
done:
    free(pend);
    onoma__buf_free(&kb);
    onoma__buf_free(&toks);
    onoma__kr_strmap_free(&keys);
    return rc;
}

void onoma__kix_view(const unsigned char *p, onoma__kix *v)
{
    const onoma__kix_part *pt = (const onoma__kix_part *)p;
    v->keys = (const onoma__kix_key *)(p + pt->keys_off);
    v->keys_mask = pt->keys_mask;
    v->kh_mask = pt->kh_mask;
    v->keystr = (const char *)p + pt->keystr_off;
    v->groups = (const onoma__kix_group *)(p + pt->groups_off);
    v->recs = (const onoma__kix_rec *)(p + pt->recs_off);
    v->words = (const char *)p + pt->words_off;
    v->kh = (const onoma__kix_kh *)(p + pt->kh_off);
    v->one = (const uint64_t *)(p + pt->one_off);
    v->many = (const uint64_t *)(p + pt->many_off);
    v->many_mask = (uint32_t)((1ull << pt->many_log2) / 64 - 1);
}

int onoma__kix_attach(void **image, size_t *size, onoma_error *err)
{
    onoma_keyrules *rules = NULL;
    onoma_keyer *kr = NULL;
    onoma_error e;
    int rc = onoma_keyrules_open(NULL, &rules, &e);
    if (rc)
        return rc == ONOMA_ENOMEM ? onoma__error(err, rc, NULL, 0, 0, NULL) : 0; /* no bundled rules: no index */
    if ((rc = onoma__keyer_make(rules, 0, &kr, &e))) {
        onoma_keyrules_close(&rules);
        return rc == ONOMA_ENOMEM ? onoma__error(err, rc, NULL, 0, 0, NULL) : 0;
    }
    onoma__layer L;
    onoma__buf sec = {0};
    if ((rc = onoma__layer_from_image("(compiling)", *image, *size, &L, err)))
        goto done;
    onoma__kix_hdr kh;
    memset(&kh, 0, sizeof kh);
    memcpy(kh.magic, ONOMA__KIX_MAGIC, 8);
    kh.version = ONOMA__KIX_VERSION;
    kh.rules_digest = onoma__keyer_digest(kr);
    if ((rc = onoma__buf_put(&sec, &kh, sizeof kh)))
        goto done_layer;
    for (int s = 0; s < 2 && !rc; s++) {
        while (sec.len % 8 && !rc)
            rc = onoma__buf_putc(&sec, 0);
        if (rc)
            break;
        size_t at = sec.len;
        if ((rc = onoma__kix_build(&L, kr, s, &sec)))
            break;
        kh.part_off[s] = at;
        kh.part_len[s] = sec.len - at;
    }
    if (rc)
        goto done_layer;
    memcpy(sec.data, &kh, sizeof kh);
    size_t off = align8(*size), total = off + align8(sec.len);
    unsigned char *img = realloc(*image, total);
    if (!img) {
        rc = ONOMA_ENOMEM;
        goto done_layer;
    }
    memset(img + *size, 0, total - *size);
    memcpy(img + off, sec.data, sec.len);
    onoma__table_hdr *hp = (onoma__table_hdr *)(void *)img;
    hp->keyix_off = off;
    hp->keyix_len = sec.len;
    hp->size = total;
    hp->checksum = 0;
    hp->checksum = onoma__checksum(img, sizeof *hp) ^ onoma__checksum(img + sizeof *hp, total - sizeof *hp);
    *image = img;
    *size = total;
done_layer:
    free(L.path);
    free(L.style_local);
done:
    onoma__buf_free(&sec);
    onoma_keyer_free(&kr);
    onoma_keyrules_close(&rules);
    return rc && !(err && err->code == rc) ? onoma__error(err, rc, NULL, 0, 0, "building the key index: %s",
                                                        onoma_strerror(rc))
                                           : rc;
}
