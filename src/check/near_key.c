/* Near misses by name key (src/key, docs/keys.md): a word is a near miss
 * of a target form when both have the same key and the name match scores
 * them as the same name. Keys are coarse on purpose (they drop most
 * vowels), so the match decides. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check/near.h"
#include "common/buf.h"
#include "common/hash.h"
#include "key/key.h"
#include "table/tables.h"
#include "text/utf8.h"

typedef struct key_target {
    uint32_t layer, entry;
    uint32_t off, len; /* its folded form in cps */
    uint32_t next; /* index + 1 of the next target with the same key, 0 = none */
} key_target;

typedef struct key_source {
    const onoma_tables *t;
    uint32_t style;
    onoma__keyrules *rules;
    onoma__keyer *keyer;
    uint64_t *keys;  /* key hash per slot */
    uint32_t *heads; /* target index + 1 */
    uint32_t mask;
    key_target *tg;
    size_t ntg, captg;
    uint32_t *cps;
    size_t ncps, capcps;
    uint8_t first[128]; /* ASCII first letters a word may have to be looked up (class of a target's) */
    int first_other;    /* some target starts with a letter outside ASCII */
    char kbuf[512], wbuf[ONOMA__NEAR_MAX_CPS * 4 + 1];
} key_source;

int onoma__key_rules_dir(char *buf, size_t cap)
{
    const char *env = getenv("ONOMA_KEY_RULES");
    if (env && *env)
        return snprintf(buf, cap, "%s", env);
    char tab[PATH_MAX];
    int n = onoma_default_tables_path(tab, sizeof tab);
    if (n < 0 || (size_t)n >= sizeof tab)
        return ONOMA_ENOENT;
    char *slash = strrchr(tab, '/');
    if (!slash)
        return ONOMA_ENOENT;
    *slash = 0;
    char dir[PATH_MAX + 8];
    snprintf(dir, sizeof dir, "%s/keys", tab);
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return ONOMA_ENOENT;
    return snprintf(buf, cap, "%s", dir);
}

static void key_free(void *impl)
{
    key_source *k = impl;
    if (!k)
        return;
    onoma__keyer_free(&k->keyer);
    onoma__keyrules_free(&k->rules);
    free(k->keys);
    free(k->heads);
    free(k->tg);
    free(k->cps);
    free(k);
}

static uint32_t *slot_of(key_source *k, uint64_t h)
{
    uint32_t i = (uint32_t)h & k->mask;
    while (k->heads[i] && k->keys[i] != h)
        i = (i + 1) & k->mask;
    k->keys[i] = h;
    return &k->heads[i];
}

/* May two names start with these letters? The same letter, or letters that
 * romanizations interchange (Qasim/Kasem/Ghasem, Ismail/Esmail, Yusuf/Jusuf,
 * Vladimir/Wladimir, Sergei/Zergei); not b/p or d/t, whose keys meet words. */
static int first_ok(uint32_t a, uint32_t b)
{
    static const char *const classes[] = {"kqgc", "aeiou", "jy", "vw", "sz"};
    if (a == b)
        return 1;
    if (a >= 128 || b >= 128)
        return 0;
    for (size_t i = 0; i < sizeof classes / sizeof *classes; i++)
        if (strchr(classes[i], (int)a) && strchr(classes[i], (int)b))
            return 1;
    return 0;
}

static int add_target(void *ctx, uint32_t layer, uint32_t entry, const char *canon, size_t clen,
                      const uint32_t *w, size_t n)
{
    key_source *k = ctx;
    uint32_t type = k->t->layers[layer].entries[entry].type;
    if (type != ONOMA__TYPE_PERSON && type != ONOMA__TYPE_NAME)
        return 0; /* keys are coarse: places and bodies have namesakes among common words */
    /* the folded form (lower case, no marks): "Erdoğan" is keyed as
       "erdogan", in ASCII, without opening an ICU transliterator */
    size_t fl = 0;
    for (size_t i = 0; i < n && fl + 4 < sizeof k->wbuf; i++)
        fl += (size_t)onoma__utf8_encode(w[i], k->wbuf + fl);
    int kl = onoma__key(k->keyer, k->wbuf, fl, k->kbuf, sizeof k->kbuf);
    if (kl <= 0 || (size_t)kl >= sizeof k->kbuf)
        return kl < 0 && kl == ONOMA__KEY_ENOMEM ? ONOMA_ENOMEM : 0;
    if (onoma__grow((void **)&k->tg, &k->captg, k->ntg + 1, sizeof *k->tg, 1024) ||
        onoma__grow((void **)&k->cps, &k->capcps, k->ncps + n, sizeof *k->cps, 4096))
        return ONOMA_ENOMEM;
    memcpy(k->cps + k->ncps, w, n * sizeof *w);
    for (uint32_t c = 0; c < 128; c++)
        if (first_ok(c, w[0]))
            k->first[c] = 1;
    if (w[0] >= 128)
        k->first_other = 1;
    uint32_t *head = slot_of(k, onoma__hash(k->kbuf, (size_t)kl));
    k->tg[k->ntg] = (key_target){layer, entry, (uint32_t)k->ncps, (uint32_t)n, *head};
    k->ncps += n;
    *head = (uint32_t)++k->ntg;
    return 0;
}

static int key_lookup(void *impl, const uint32_t *w, size_t n, onoma__near_hit *hit)
{
    key_source *k = impl;
    /* no target can start like this word: no key to compute (keys cost);
       nor for words of five letters, whose keys meet too many others */
    if (n < 6 || (w[0] < 128 ? !k->first[w[0]] : !k->first_other))
        return 0;
    size_t wl = 0;
    for (size_t i = 0; i < n; i++)
        wl += (size_t)onoma__utf8_encode(w[i], k->wbuf + wl);
    int kl = onoma__key(k->keyer, k->wbuf, wl, k->kbuf, sizeof k->kbuf);
    if (kl <= 0 || (size_t)kl >= sizeof k->kbuf)
        return 0;
    uint64_t h = onoma__hash(k->kbuf, (size_t)kl);
    uint32_t i = (uint32_t)h & k->mask;
    while (k->heads[i] && k->keys[i] != h)
        i = (i + 1) & k->mask;
    double best = -1;
    const key_target *bt = NULL;
    int tie = 0;
    for (uint32_t p = k->heads[i]; p; p = k->tg[p - 1].next) {
        const key_target *tg = &k->tg[p - 1];
        const uint32_t *t = k->cps + tg->off;
        if (!first_ok(w[0], t[0]))
            continue;
        /* a key says little about one word ("Nothing" and "Netanyahu"
           share one): the spellings must also be close, letter by letter,
           with the first letter free within its class */
        uint32_t w2[ONOMA__NEAR_MAX_CPS];
        memcpy(w2, w, n * sizeof *w);
        w2[0] = t[0];
        unsigned cost = onoma__near_cost(w2, n, t, tg->len) + (w[0] != t[0]);
        if (cost > 2 + n / 4)
            continue;
        char fbuf[sizeof k->wbuf];
        size_t cl = 0;
        for (size_t m = 0; m < tg->len && cl + 4 < sizeof fbuf; m++)
            cl += (size_t)onoma__utf8_encode(t[m], fbuf + cl);
        const char *c = fbuf;
        double sc = onoma__match(k->keyer, k->wbuf, wl, c, cl, NULL, NULL);
        if (sc > best) {
            best = sc;
            bt = tg;
            tie = 0;
            hit->layer = tg->layer;
            hit->entry = tg->entry;
        } else if (sc == best && bt &&
                   (tg->len != bt->len || memcmp(t, k->cps + bt->off, tg->len * sizeof *t) != 0)) {
            tie = 1; /* two names fit as well: suggest neither */
        }
    }
    if (best < ONOMA__MATCH_THRESHOLD || tie)
        return 0;
    hit->cost = 0;
    hit->via = ONOMA_NEAR_KEY;
    hit->shared = 0;
    return 1;
}

int onoma__near_key_source(const onoma_tables *t, uint32_t style, int all_places, const char *rules,
                           onoma__near_source *out)
{
    memset(out, 0, sizeof *out);
    char dir[PATH_MAX];
    if (!rules) {
        int n = onoma__key_rules_dir(dir, sizeof dir);
        if (n < 0 || (size_t)n >= sizeof dir)
            return ONOMA_ENOENT;
        rules = dir;
    }
    key_source *k = calloc(1, sizeof *k);
    if (!k)
        return ONOMA_ENOMEM;
    k->t = t;
    k->style = style;
    char msg[256];
    int rc = onoma__keyrules_load(rules, &k->rules, msg, sizeof msg);
    if (rc == 0)
        rc = onoma__keyer_new(k->rules, 0, &k->keyer);
    if (rc) {
        key_free(k);
        return rc == ONOMA__KEY_ENOMEM ? ONOMA_ENOMEM : ONOMA_ENOENT;
    }
    size_t nent = 0;
    for (size_t l = 0; l < t->nlayers; l++)
        nent += t->layers[l].h->nentries;
    uint32_t cap = 1024;
    while (cap < nent + nent / 2 + 16)
        cap *= 2;
    k->mask = cap - 1;
    k->keys = calloc(cap, sizeof *k->keys);
    k->heads = calloc(cap, sizeof *k->heads);
    if (!k->keys || !k->heads) {
        key_free(k);
        return ONOMA_ENOMEM;
    }
    if ((rc = onoma__near_each_target(t, style, all_places, add_target, k))) {
        key_free(k);
        return rc;
    }
    out->impl = k;
    out->lookup = key_lookup;
    out->free = key_free;
    return 0;
}
