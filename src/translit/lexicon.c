#include "translit/lexicon.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/hash.h"
#include "text/utf8.h"

typedef struct entry {
    uint32_t key, klen, val, vlen; /* offsets into the pool */
} entry;

struct onoma__lexicon {
    char *pool;
    size_t npool;
    entry *slots;
    size_t mask, n;
};

static uint32_t fold_letter(uint32_t cp)
{
    switch (cp) {
    case 0x06CC: return 0x064A; /* ی -> ي (not ى: على, on, is not علي, Ali) */
    case 0x06A9: return 0x0643;              /* ک -> ك */
    case 0x06C0: return 0x0629;              /* ۀ -> ة */
    case 0x06C1: case 0x06D5: return 0x0647; /* ہ ە -> ه */
    default: return cp;
    }
}

static int is_mark(uint32_t cp) { return (cp >= 0x064B && cp <= 0x065F) || cp == 0x0670; }

static int is_arab_letter(uint32_t cp)
{
    return (cp >= 0x0621 && cp <= 0x064A && cp != 0x0640) || (cp >= 0x0671 && cp <= 0x06D3) || cp == 0x06D5 ||
           (cp >= 0x06FA && cp <= 0x06FF);
}

static entry *find(const onoma__lexicon *lx, const char *k, size_t kn)
{
    for (size_t i = (size_t)onoma__hash(k, kn) & lx->mask;; i = (i + 1) & lx->mask) {
        entry *e = &lx->slots[i];
        if (!e->klen)
            return NULL;
        if (e->klen == kn && memcmp(lx->pool + e->key, k, kn) == 0)
            return e;
    }
}

int onoma__lexicon_open(const char *path, onoma__lexicon **out, onoma_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return ONOMA_ENOENT;
        return onoma__error(err, ONOMA_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    }
    onoma__lexicon *lx = calloc(1, sizeof *lx);
    onoma__buf pool = {0};
    entry *list = NULL;
    size_t n = 0, cap = 0, lineno = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    int rc = lx ? 0 : ONOMA_ENOMEM;
    while (!rc && (len = getline(&line, &lcap, f)) >= 0) {
        lineno++;
        if (len == 0 || line[0] == '#' || line[0] == '\n')
            continue;
        char *tab = strchr(line, '\t');
        char *tab2 = tab ? strchr(tab + 1, '\t') : NULL;
        if (!tab) {
            rc = onoma__error(err, ONOMA_ETABLE, path, lineno, 0, "expected KEY<TAB>POINTED");
            break;
        }
        size_t kn = (size_t)(tab - line);
        size_t vn = tab2 ? (size_t)(tab2 - tab - 1) : strlen(tab + 1);
        while (!tab2 && vn && (tab[vn] == '\n' || tab[vn] == '\r'))
            vn--;
        if (n == cap) {
            cap = cap ? 2 * cap : 4096;
            entry *nl = realloc(list, cap * sizeof *nl);
            if (!nl) {
                rc = ONOMA_ENOMEM;
                break;
            }
            list = nl;
        }
        /* keys are looked up folded: fold them here (hand-written files
         * may spell ی ک) */
        list[n].key = (uint32_t)pool.len;
        for (size_t i = 0; i < kn && !rc;) {
            uint32_t cp;
            int l = onoma__utf8_decode((const unsigned char *)line + i, kn - i, &cp);
            if (l <= 0) {
                rc = onoma__error(err, ONOMA_EUTF8, path, lineno, 0, "invalid UTF-8");
                break;
            }
            char enc[4];
            int el = onoma__utf8_encode(fold_letter(cp), enc);
            if (onoma__buf_put(&pool, enc, (size_t)el))
                rc = ONOMA_ENOMEM;
            i += (size_t)l;
        }
        if (rc)
            break;
        list[n].klen = (uint32_t)(pool.len - list[n].key);
        list[n].val = (uint32_t)pool.len;
        list[n].vlen = (uint32_t)vn;
        if (onoma__buf_put(&pool, tab + 1, vn)) {
            rc = ONOMA_ENOMEM;
            break;
        }
        n++;
    }
    free(line);
    fclose(f);
    if (!rc) {
        size_t slots = 16;
        while (slots < 2 * n + 2)
            slots *= 2;
        lx->slots = calloc(slots, sizeof *lx->slots);
        if (!lx->slots)
            rc = ONOMA_ENOMEM;
        else {
            lx->mask = slots - 1;
            lx->pool = pool.data;
            lx->npool = pool.len;
            pool.data = NULL;
            for (size_t i = 0; i < n; i++) {
                const char *k = lx->pool + list[i].key;
                if (find(lx, k, list[i].klen))
                    continue; /* the first record of a key wins */
                for (size_t j = (size_t)onoma__hash(k, list[i].klen) & lx->mask;; j = (j + 1) & lx->mask)
                    if (!lx->slots[j].klen) {
                        lx->slots[j] = list[i];
                        break;
                    }
                lx->n++;
            }
        }
    }
    free(list);
    onoma__buf_free(&pool);
    if (rc) {
        if (rc == ONOMA_ENOMEM)
            onoma__error(err, rc, path, 0, 0, NULL);
        onoma__lexicon_close(&lx);
        return rc;
    }
    *out = lx;
    return 0;
}

void onoma__lexicon_close(onoma__lexicon **lxp)
{
    if (!lxp || !*lxp)
        return;
    free((*lxp)->pool);
    free((*lxp)->slots);
    free(*lxp);
    *lxp = NULL;
}

size_t onoma__lexicon_size(const onoma__lexicon *lx) { return lx ? lx->n : 0; }

static int point_one(const onoma__lexicon *lx, const char *key, size_t kn, const char *s, size_t n, size_t a,
                     size_t b, onoma__buf *out);

int onoma__lexicon_point(const onoma__lexicon *const lxs[2], const char *s, size_t n, onoma__buf *out)
{
    /* the core: from the first Arabic letter to the last; nothing else but
     * punctuation around it, no vowel sign anywhere */
    char key[256];
    size_t kn = 0, a = n, b = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int len = onoma__utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (len <= 0)
            return 0;
        if (is_mark(cp) || cp == 0x200C || cp == 0x200D || cp == 0x0640)
            return 0;
        if (is_arab_letter(cp)) {
            if (b && b != i)
                return 0; /* two words in one (a letter after punctuation) */
            if (a == n)
                a = i;
            b = i + (size_t)len;
            char enc[4];
            int el = onoma__utf8_encode(fold_letter(cp), enc);
            if (kn + (size_t)el > sizeof key)
                return 0;
            memcpy(key + kn, enc, (size_t)el);
            kn += (size_t)el;
        } else if (cp >= 0x80 && !(cp >= 0x2000 && cp <= 0x206F) && !(cp >= 0x060C && cp <= 0x061F) &&
                   cp != 0x00AB && cp != 0x00BB && cp != 0x06D4) {
            return 0; /* letters of another script, digits ...: not a name token */
        } else if (cp < 0x80 && ((cp | 0x20) - 'a' < 26u || cp - '0' < 10u)) {
            return 0;
        }
        i += (size_t)len;
    }
    if (a == n)
        return 0;
    for (int k = 0; k < 2; k++)
        if (lxs[k]) {
            int r = point_one(lxs[k], key, kn, s, n, a, b, out);
            if (r)
                return r;
        }
    return 0;
}

static int point_one(const onoma__lexicon *lx, const char *key, size_t kn, const char *s, size_t n, size_t a,
                     size_t b, onoma__buf *out)
{
    const entry *e = find(lx, key, kn);
    if (!e)
        return 0;
    /* the text's own letters, with the signs that follow each letter in
     * the lexicon's form */
    const char *v = lx->pool + e->val, *vend = v + e->vlen;
    size_t at0 = out->len;
    if (onoma__buf_put(out, s, a))
        return ONOMA_ENOMEM;
    size_t i = a;
    while (i < b) {
        uint32_t cp;
        int len = onoma__utf8_decode((const unsigned char *)s + i, b - i, &cp);
        uint32_t vc;
        int vl = v < vend ? onoma__utf8_decode((const unsigned char *)v, (size_t)(vend - v), &vc) : 0;
        if (len <= 0 || vl <= 0) {
            out->len = at0; /* out of step: leave the word alone */
            return 0;
        }
        if (onoma__buf_put(out, s + i, (size_t)len))
            return ONOMA_ENOMEM;
        i += (size_t)len;
        v += vl;
        while (v < vend) {
            uint32_t mc;
            int ml = onoma__utf8_decode((const unsigned char *)v, (size_t)(vend - v), &mc);
            if (ml <= 0 || !is_mark(mc))
                break;
            if (onoma__buf_put(out, v, (size_t)ml))
                return ONOMA_ENOMEM;
            v += ml;
        }
    }
    if (onoma__buf_put(out, s + b, n - b))
        return ONOMA_ENOMEM;
    return 1;
}

int onoma__lexicon_point_text(const onoma__lexicon *const lx[2], const char *s, size_t n, onoma__buf *out)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r' || s[j] == '\v' || s[j] == '\f' || s[j] == '\n'))
            j++;
        if (onoma__buf_put(out, s + i, j - i))
            return ONOMA_ENOMEM;
        i = j;
        while (j < n && !(s[j] == ' ' || s[j] == '\t' || s[j] == '\r' || s[j] == '\v' || s[j] == '\f' || s[j] == '\n'))
            j++;
        if (j > i) {
            int r = onoma__lexicon_point(lx, s + i, j - i, out);
            if (r < 0)
                return r;
            if (r == 0 && onoma__buf_put(out, s + i, j - i))
                return ONOMA_ENOMEM;
        }
        i = j;
    }
    return 0;
}
