/* Joint-sequence (graphone) n-gram decoder for name transliteration.
 * See names_model.h; the model is made by tools/names_model/train.py and
 * decoded the same way as tools/names_model/decode.py (the reference). */
#include "names_model.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#define NM_MAX_ORDER 8
#define NM_BEAM 16      /* hypotheses kept per position */
#define NM_MAX_RUN 48   /* longer runs of letters are decoded in pieces */
#define NM_MAX_TOK 512  /* code points of one token handled on the stack */
#define NM_UNK_LOGP (-7.0)

typedef struct {
    float lp;  /* log10 p */
    float bow; /* log10 back-off weight */
} ng_ent;

typedef struct {
    uint32_t cp;    /* 0 = empty slot */
    uint32_t start; /* into cand[] (graphone list) or pool (maps) */
    uint32_t count;
} cp_ent;

typedef struct {
    uint32_t hash; /* 0 = empty slot */
    uint32_t key_off, key_len, val_off, val_len;
} lex_ent;

struct onoma__names_model {
    char lang[16];
    int order;
    int beam;          /* hypotheses kept per position (<= NM_BEAM) */
    uint32_t maxcand;  /* candidate graphones tried per character */
    double prune;      /* hypotheses this far (log10) behind the best are dropped */
    unsigned idbits;
    uint32_t ngraph;   /* graphone ids 0 (<s>), 1 (</s>), 2.. */
    uint32_t *g_cp;    /* native code point of each graphone */
    float *g_uni;      /* unigram log10 p of each graphone (back-off floor) */
    uint32_t *g_off;   /* Latin string of each graphone, in pool */
    uint8_t *g_len;
    char *pool;
    size_t pool_len, pool_cap;
    /* n-gram hash: keys apart from values, so that probing (most lookups
     * miss: back-off) touches one dense array */
    uint64_t *ng_key; /* 0 = empty slot */
    ng_ent *ng;
    size_t ng_mask;
    cp_ent *chars; /* code point -> candidate graphones */
    size_t chars_mask;
    uint32_t *cand;
    lex_ent *lex;
    size_t lex_mask;
    cp_ent *fb; /* fallback: code point -> Latin string in pool */
    size_t fb_mask;
    cp_ent *pm; /* pre-map: code point -> UTF-8 native string in pool */
    size_t pm_mask;
    /* substitution: a letter the data lacks (Persian gaf) is decoded as a
     * related one (kaf) and its Latin chunk edited (k -> g) */
    cp_ent *sb; /* code point -> index into sub[] (in start) */
    size_t sb_mask;
    struct nm_sub {
        uint32_t base;              /* code point decoded instead */
        uint32_t rules_off, rules_len; /* "from>to from>to ..." in pool */
    } *sub;
    size_t nsub;
    /* known Latin spellings (record "vocab FILE BONUS"): a candidate on
     * the list gets BONUS (log10) added before the best one is chosen */
    lex_ent *voc;
    size_t voc_mask;
    double voc_bonus;
    const UNormalizer2 *nfc;
};

/* ------------------------------------------------------------ helpers */

static void set_msg(char *msg, size_t cap, const char *fmt, ...)
{
    va_list ap;
    if (!msg || cap == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, cap, fmt, ap);
    va_end(ap);
}

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h ? h : 1;
}

static size_t table_size(size_t n)
{
    size_t s = 16;
    while (s < n * 2 + 1)
        s <<= 1;
    return s;
}

static int pool_add(onoma__names_model *m, const char *s, size_t n,
                    uint32_t *off)
{
    if (m->pool_len + n + 1 > m->pool_cap) {
        size_t cap = m->pool_cap ? m->pool_cap : 4096;
        while (m->pool_len + n + 1 > cap)
            cap *= 2;
        char *p = realloc(m->pool, cap);
        if (!p)
            return ONOMA__NM_ENOMEM;
        m->pool = p;
        m->pool_cap = cap;
    }
    if (m->pool_len > UINT32_MAX - n - 1)
        return ONOMA__NM_EFORMAT;
    memcpy(m->pool + m->pool_len, s, n);
    m->pool[m->pool_len + n] = '\0';
    *off = (uint32_t)m->pool_len;
    m->pool_len += n + 1;
    return 0;
}

/* Decode one UTF-8 code point from s[0..n); returns bytes used or 0. */
static size_t utf8_dec(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n == 0)
        return 0;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    size_t len;
    uint32_t c;
    if ((u[0] & 0xE0) == 0xC0) {
        len = 2;
        c = u[0] & 0x1F;
    } else if ((u[0] & 0xF0) == 0xE0) {
        len = 3;
        c = u[0] & 0x0F;
    } else if ((u[0] & 0xF8) == 0xF0) {
        len = 4;
        c = u[0] & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (u[i] & 0x3F);
    }
    *cp = c;
    return len;
}

static size_t utf8_enc(uint32_t c, char *b)
{
    if (c < 0x80) {
        b[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        b[0] = (char)(0xC0 | (c >> 6));
        b[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        b[0] = (char)(0xE0 | (c >> 12));
        b[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        b[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    b[0] = (char)(0xF0 | (c >> 18));
    b[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    b[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    b[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* ------------------------------------------------------------ tables */

static uint64_t pack(const uint16_t *ids, int n, unsigned bits)
{
    uint64_t k = 0;
    for (int i = 0; i < n; i++)
        k = (k << bits) | (uint64_t)(ids[i] + 1u);
    return k;
}

static const ng_ent *ng_get(const onoma__names_model *m, uint64_t key)
{
    size_t i = (size_t)mix64(key) & m->ng_mask;
    for (;;) {
        uint64_t k = m->ng_key[i];
        if (k == key)
            return &m->ng[i];
        if (k == 0)
            return NULL;
        i = (i + 1) & m->ng_mask;
    }
}

static ng_ent *ng_slot(onoma__names_model *m, uint64_t key)
{
    size_t i = (size_t)mix64(key) & m->ng_mask;
    while (m->ng_key[i] != 0 && m->ng_key[i] != key)
        i = (i + 1) & m->ng_mask;
    m->ng_key[i] = key;
    return &m->ng[i];
}

static const cp_ent *cp_get(const cp_ent *t, size_t mask, uint32_t cp)
{
    if (!t)
        return NULL;
    size_t i = (size_t)mix64(cp) & mask;
    for (;;) {
        if (t[i].cp == cp)
            return &t[i];
        if (t[i].cp == 0)
            return NULL;
        i = (i + 1) & mask;
    }
}

static cp_ent *cp_slot(cp_ent *t, size_t mask, uint32_t cp)
{
    size_t i = (size_t)mix64(cp) & mask;
    while (t[i].cp != 0 && t[i].cp != cp)
        i = (i + 1) & mask;
    return &t[i];
}

static const lex_ent *lex_get(const onoma__names_model *m, const char *s,
                              size_t n)
{
    if (!m->lex)
        return NULL;
    uint32_t h = hash_bytes(s, n);
    size_t i = (size_t)mix64(h) & m->lex_mask;
    for (;;) {
        const lex_ent *e = &m->lex[i];
        if (e->hash == 0)
            return NULL;
        if (e->hash == h && e->key_len == n &&
            memcmp(m->pool + e->key_off, s, n) == 0)
            return e;
        i = (i + 1) & m->lex_mask;
    }
}

static int voc_has(const onoma__names_model *m, const char *s, size_t n)
{
    if (!m->voc)
        return 0;
    uint32_t h = hash_bytes(s, n);
    size_t i = (size_t)mix64(h) & m->voc_mask;
    for (;;) {
        const lex_ent *e = &m->voc[i];
        if (e->hash == 0)
            return 0;
        if (e->hash == h && e->key_len == n &&
            memcmp(m->pool + e->key_off, s, n) == 0)
            return 1;
        i = (i + 1) & m->voc_mask;
    }
}

/* ------------------------------------------------------------ loading */

typedef struct {
    char *f[6];
    int n;
} fields;

static void split_tabs(char *line, fields *fs)
{
    fs->n = 0;
    char *p = line;
    for (;;) {
        if (fs->n < 6)
            fs->f[fs->n++] = p;
        char *t = strchr(p, '\t');
        if (!t)
            break;
        *t = '\0';
        p = t + 1;
    }
}

static int single_cp(const char *s, uint32_t *cp)
{
    size_t n = strlen(s);
    size_t k = utf8_dec(s, n, cp);
    return k > 0 && k == n && *cp != 0;
}

static int read_file(const char *path, char **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ONOMA__NM_EIO;
    size_t cap = 1 << 20, n = 0;
    char *b = malloc(cap);
    if (!b) {
        fclose(f);
        return ONOMA__NM_ENOMEM;
    }
    for (;;) {
        if (n + 65536 + 1 > cap) {
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                fclose(f);
                return ONOMA__NM_ENOMEM;
            }
            b = nb;
            cap *= 2;
        }
        size_t k = fread(b + n, 1, 65536, f);
        n += k;
        if (k < 65536) {
            if (ferror(f)) {
                free(b);
                fclose(f);
                return ONOMA__NM_EIO;
            }
            break;
        }
    }
    fclose(f);
    b[n] = '\0';
    *buf = b;
    *len = n;
    return 0;
}

/* Code point -> candidate graphones (sized for the worst case of one
 * graphone per letter). */
static int build_maps(onoma__names_model *m)
{
    m->chars_mask = table_size(m->ngraph) - 1;
    m->chars = calloc(m->chars_mask + 1, sizeof *m->chars);
    m->cand = malloc((m->ngraph + 1) * sizeof *m->cand);
    if (!m->chars || !m->cand)
        return ONOMA__NM_ENOMEM;
    for (uint32_t g = 2; g < m->ngraph; g++) {
        cp_ent *e = cp_slot(m->chars, m->chars_mask, m->g_cp[g]);
        e->cp = m->g_cp[g];
        e->count++;
    }
    uint32_t pos = 0;
    for (size_t i = 0; i <= m->chars_mask; i++) {
        if (m->chars[i].cp) {
            m->chars[i].start = pos;
            pos += m->chars[i].count;
            m->chars[i].count = 0;
        }
    }
    for (uint32_t g = 2; g < m->ngraph; g++) {
        cp_ent *e = cp_slot(m->chars, m->chars_mask, m->g_cp[g]);
        m->cand[e->start + e->count++] = g;
    }
    /* Most probable (unigram) candidates first, so that the beam fills
     * with likely hypotheses early and prunes more.  Insertion sort: qsort
     * has no context argument in C11 and the lists are short. */
    for (size_t i = 0; i <= m->chars_mask; i++) {
        cp_ent *e = &m->chars[i];
        if (!e->cp)
            continue;
        uint32_t *c = m->cand + e->start;
        for (uint32_t a = 1; a < e->count; a++) {
            uint32_t v = c[a];
            uint16_t iv = (uint16_t)v;
            const ng_ent *ev = ng_get(m, pack(&iv, 1, m->idbits));
            float pv = ev ? ev->lp : -99.0f;
            uint32_t b = a;
            while (b > 0) {
                uint16_t iu = (uint16_t)c[b - 1];
                const ng_ent *eu = ng_get(m, pack(&iu, 1, m->idbits));
                float pu = eu ? eu->lp : -99.0f;
                if (pu >= pv)
                    break;
                c[b] = c[b - 1];
                b--;
            }
            c[b] = v;
        }
    }
    return 0;
}

/* Load the word list FILE (relative to the model's folder): one word a
 * line, '#' comments. */
static int load_vocab(onoma__names_model *m, const char *path,
                      const char *name, char *msg, size_t msgcap)
{
    const char *slash = strrchr(path, '/');
    size_t dlen = slash ? (size_t)(slash - path + 1) : 0, nlen = strlen(name);
    char vpath[4096];
    if (nlen == 0 || strchr(name, '/') || dlen + nlen + 1 > sizeof vpath) {
        set_msg(msg, msgcap, "%s: bad vocab record", path);
        return ONOMA__NM_EFORMAT;
    }
    memcpy(vpath, path, dlen);
    memcpy(vpath + dlen, name, nlen + 1);
    char *buf;
    size_t len;
    int rc = read_file(vpath, &buf, &len);
    if (rc < 0) {
        set_msg(msg, msgcap, "%s: %s", vpath,
                rc == ONOMA__NM_EIO ? strerror(errno) : "out of memory");
        return rc;
    }
    size_t nw = 0;
    for (size_t i = 0; i < len; i++)
        nw += buf[i] == '\n';
    free(m->voc);
    m->voc_mask = table_size(nw + 1) - 1;
    m->voc = calloc(m->voc_mask + 1, sizeof *m->voc);
    if (!m->voc) {
        free(buf);
        set_msg(msg, msgcap, "%s: out of memory", vpath);
        return ONOMA__NM_ENOMEM;
    }
    char *p = buf, *end = buf + len;
    while (p < end && *p) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t wl = nl ? (size_t)(nl - p) : strlen(p);
        if (wl && p[wl - 1] == '\r')
            wl--;
        if (wl && p[0] != '#') {
            lex_ent e = {0, 0, 0, 0, 0};
            e.hash = hash_bytes(p, wl);
            e.key_len = (uint32_t)wl;
            if ((rc = pool_add(m, p, wl, &e.key_off)) < 0) {
                free(buf);
                set_msg(msg, msgcap, "%s: out of memory", vpath);
                return rc;
            }
            size_t i = (size_t)mix64(e.hash) & m->voc_mask;
            while (m->voc[i].hash != 0)
                i = (i + 1) & m->voc_mask;
            m->voc[i] = e;
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    free(buf);
    return 0;
}

/* A model may start with "base<TAB>FILE" (FILE relative to the model's
 * folder): a language without pair data (fa, uk) reuses the model of a
 * related one and adds only its own records (m, f, x, lang), which follow
 * the base's and so win.  The base's text is put in front of the rest. */
static int load_base(const char *path, char **buf, size_t *len, char *msg,
                     size_t msgcap)
{
    char *p = *buf, *end = *buf + *len;
    while (p < end && *p == '#') { /* skip the comment header */
        char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return 0;
        p = nl + 1;
    }
    if (strncmp(p, "base\t", 5) != 0)
        return 0;
    char *name = p + 5;
    size_t nlen = strcspn(name, "\r\n");
    if (nlen == 0 || memchr(name, '/', nlen) || nlen > 200) {
        set_msg(msg, msgcap, "%s: bad base record", path);
        return ONOMA__NM_EFORMAT;
    }
    const char *slash = strrchr(path, '/');
    size_t dlen = slash ? (size_t)(slash - path + 1) : 0;
    char bpath[4096];
    if (dlen + nlen + 1 > sizeof bpath) {
        set_msg(msg, msgcap, "%s: base path too long", path);
        return ONOMA__NM_EFORMAT;
    }
    memcpy(bpath, path, dlen);
    memcpy(bpath + dlen, name, nlen);
    bpath[dlen + nlen] = '\0';
    char *bbuf;
    size_t blen;
    int rc = read_file(bpath, &bbuf, &blen);
    if (rc < 0) {
        set_msg(msg, msgcap, "%s: %s", bpath,
                rc == ONOMA__NM_EIO ? strerror(errno) : "out of memory");
        return rc;
    }
    if (strncmp(bbuf, "base\t", 5) == 0 || strstr(bbuf, "\nbase\t")) {
        free(bbuf);
        set_msg(msg, msgcap, "%s: a base model cannot have a base", bpath);
        return ONOMA__NM_EFORMAT;
    }
    char *rest = name + nlen;
    size_t rlen = *len - (size_t)(rest - *buf);
    char *nb = malloc(blen + 1 + rlen + 1);
    if (!nb) {
        free(bbuf);
        set_msg(msg, msgcap, "%s: out of memory", path);
        return ONOMA__NM_ENOMEM;
    }
    memcpy(nb, bbuf, blen);
    nb[blen] = '\n';
    memcpy(nb + blen + 1, rest, rlen);
    nb[blen + 1 + rlen] = '\0';
    free(bbuf);
    free(*buf);
    *buf = nb;
    *len = blen + 1 + rlen;
    return 0;
}

int onoma__names_model_open(const char *path, onoma__names_model **out,
                            char *msg, size_t msgcap)
{
    if (!path || !out) {
        set_msg(msg, msgcap, "names model: bad argument");
        return ONOMA__NM_EINVAL;
    }
    *out = NULL;
    char *buf;
    size_t len;
    int rc = read_file(path, &buf, &len);
    if (rc < 0) {
        set_msg(msg, msgcap, "%s: %s", path,
                rc == ONOMA__NM_EIO ? strerror(errno) : "out of memory");
        return rc;
    }
    if ((rc = load_base(path, &buf, &len, msg, msgcap)) < 0) {
        free(buf);
        return rc;
    }
    onoma__names_model *m = calloc(1, sizeof *m);
    if (!m) {
        free(buf);
        set_msg(msg, msgcap, "%s: out of memory", path);
        return ONOMA__NM_ENOMEM;
    }
    m->order = 0;
    m->beam = NM_BEAM;
    m->maxcand = 65535;
    m->prune = 1e9;
    UErrorCode st = U_ZERO_ERROR;
    m->nfc = unorm2_getNFCInstance(&st);
    if (U_FAILURE(st)) {
        set_msg(msg, msgcap, "%s: ICU NFC: %s", path, u_errorName(st));
        rc = ONOMA__NM_EICU;
        goto fail;
    }

    /* First pass: counts, so the tables are sized once. */
    size_t nlex = 0, nfb = 0, npm = 0, nsb = 0;
    for (char *p = buf; *p; p++) {
        if ((p == buf || p[-1] == '\n') && p[1] == '\t') {
            if (*p == 'x')
                nlex++;
            else if (*p == 'f')
                nfb++;
            else if (*p == 'm')
                npm++;
            else if (*p == 's')
                nsb++;
        }
    }
    if (nlex) {
        m->lex_mask = table_size(nlex) - 1;
        m->lex = calloc(m->lex_mask + 1, sizeof *m->lex);
    }
    m->fb_mask = table_size(nfb) - 1;
    m->fb = calloc(m->fb_mask + 1, sizeof *m->fb);
    m->pm_mask = table_size(npm) - 1;
    m->pm = calloc(m->pm_mask + 1, sizeof *m->pm);
    m->sb_mask = table_size(nsb) - 1;
    m->sb = calloc(m->sb_mask + 1, sizeof *m->sb);
    m->sub = calloc(nsb + 1, sizeof *m->sub);
    if ((nlex && !m->lex) || !m->fb || !m->pm || !m->sb || !m->sub) {
        rc = ONOMA__NM_ENOMEM;
        set_msg(msg, msgcap, "%s: out of memory", path);
        goto fail;
    }

    uint32_t gnext = 2;
    size_t lineno = 0;
    char *line = buf, *end = buf + len;
    while (line && line < end && *line) {
        char *nl = memchr(line, '\n', (size_t)(end - line));
        if (nl)
            *nl = '\0';
        lineno++;
        size_t ll = strlen(line);
        if (ll && line[ll - 1] == '\r')
            line[--ll] = '\0';
        if (ll == 0 || line[0] == '#')
            goto next;
        fields fs;
        split_tabs(line, &fs);
        const char *t = fs.f[0];
        if (strcmp(t, "n") == 0) {
            if (fs.n < 3 || !m->ng)
                goto bad;
            uint16_t ids[NM_MAX_ORDER];
            int k = 0;
            char *s = fs.f[1];
            while (*s) {
                char *e;
                unsigned long v = strtoul(s, &e, 10);
                if (e == s || v >= m->ngraph || k >= m->order)
                    goto bad;
                ids[k++] = (uint16_t)v;
                s = e;
                while (*s == ' ')
                    s++;
            }
            if (k == 0)
                goto bad;
            ng_ent *e = ng_slot(m, pack(ids, k, m->idbits));
            e->lp = strtof(fs.f[2], NULL);
            e->bow = fs.n > 3 ? strtof(fs.f[3], NULL) : 0.0f;
        } else if (strcmp(t, "g") == 0) {
            uint32_t cp;
            if (fs.n < 3 || !m->g_cp || gnext >= m->ngraph ||
                !single_cp(fs.f[1], &cp) || strlen(fs.f[2]) > 255)
                goto bad;
            m->g_cp[gnext] = cp;
            m->g_len[gnext] = (uint8_t)strlen(fs.f[2]);
            if ((rc = pool_add(m, fs.f[2], m->g_len[gnext], &m->g_off[gnext])) < 0)
                goto fail_mem;
            gnext++;
        } else if (strcmp(t, "x") == 0) {
            if (fs.n < 3)
                goto bad;
            lex_ent ne;
            size_t kl = strlen(fs.f[1]), vl = strlen(fs.f[2]);
            if (kl == 0)
                goto bad;
            ne.hash = hash_bytes(fs.f[1], kl);
            ne.key_len = (uint32_t)kl;
            ne.val_len = (uint32_t)vl;
            if ((rc = pool_add(m, fs.f[1], kl, &ne.key_off)) < 0 ||
                (rc = pool_add(m, fs.f[2], vl, &ne.val_off)) < 0)
                goto fail_mem;
            size_t i = (size_t)mix64(ne.hash) & m->lex_mask;
            while (m->lex[i].hash != 0) {
                if (m->lex[i].hash == ne.hash && m->lex[i].key_len == kl &&
                    memcmp(m->pool + m->lex[i].key_off, fs.f[1], kl) == 0)
                    break; /* later entry wins */
                i = (i + 1) & m->lex_mask;
            }
            m->lex[i] = ne;
        } else if (strcmp(t, "f") == 0 || strcmp(t, "m") == 0) {
            uint32_t cp;
            if (fs.n < 3 || !single_cp(fs.f[1], &cp))
                goto bad;
            int isf = t[0] == 'f';
            cp_ent *e = isf ? cp_slot(m->fb, m->fb_mask, cp)
                            : cp_slot(m->pm, m->pm_mask, cp);
            e->cp = cp;
            e->count = (uint32_t)strlen(fs.f[2]);
            if ((rc = pool_add(m, fs.f[2], e->count, &e->start)) < 0)
                goto fail_mem;
        } else if (strcmp(t, "s") == 0) {
            uint32_t cp, base;
            if (fs.n < 4 || !single_cp(fs.f[1], &cp) || !single_cp(fs.f[2], &base) ||
                m->nsub >= nsb || !strchr(fs.f[3], '>'))
                goto bad;
            struct nm_sub *sb = &m->sub[m->nsub];
            sb->base = base;
            sb->rules_len = (uint32_t)strlen(fs.f[3]);
            if ((rc = pool_add(m, fs.f[3], sb->rules_len, &sb->rules_off)) < 0)
                goto fail_mem;
            cp_ent *e = cp_slot(m->sb, m->sb_mask, cp);
            e->cp = cp;
            e->start = (uint32_t)m->nsub++;
        } else if (strcmp(t, "vocab") == 0) {
            if (fs.n < 3)
                goto bad;
            m->voc_bonus = strtod(fs.f[2], NULL);
            if ((rc = load_vocab(m, path, fs.f[1], msg, msgcap)) < 0)
                goto fail;
        } else if (strcmp(t, "lang") == 0) {
            if (fs.n < 2)
                goto bad;
            snprintf(m->lang, sizeof m->lang, "%s", fs.f[1]);
        } else if (strcmp(t, "order") == 0) {
            if (fs.n < 2)
                goto bad;
            m->order = atoi(fs.f[1]);
            if (m->order < 1 || m->order > NM_MAX_ORDER)
                goto bad;
        } else if (strcmp(t, "beam") == 0) {
            m->beam = fs.n > 1 ? atoi(fs.f[1]) : 0;
            if (m->beam < 1 || m->beam > NM_BEAM)
                goto bad;
        } else if (strcmp(t, "prune") == 0) {
            m->prune = fs.n > 1 ? strtod(fs.f[1], NULL) : -1.0;
            if (!(m->prune > 0.0))
                goto bad;
        } else if (strcmp(t, "cands") == 0) {
            long v = fs.n > 1 ? atol(fs.f[1]) : 0;
            if (v < 1 || v > 65535)
                goto bad;
            m->maxcand = (uint32_t)v;
        } else if (strcmp(t, "graphones") == 0) {
            long v = fs.n > 1 ? atol(fs.f[1]) : 0;
            if (v < 2 || v > 65000 || m->g_cp || m->order < 1)
                goto bad;
            m->ngraph = (uint32_t)v;
            m->idbits = 1;
            while ((1u << m->idbits) <= m->ngraph + 1)
                m->idbits++;
            if (m->idbits * (unsigned)m->order > 64) {
                set_msg(msg, msgcap, "%s:%zu: order %d too high for %u graphones",
                        path, lineno, m->order, (unsigned)m->ngraph);
                rc = ONOMA__NM_EFORMAT;
                goto fail;
            }
            m->g_cp = calloc(m->ngraph, sizeof *m->g_cp);
            m->g_off = calloc(m->ngraph, sizeof *m->g_off);
            m->g_len = calloc(m->ngraph, sizeof *m->g_len);
            if (!m->g_cp || !m->g_off || !m->g_len)
                goto fail_mem;
        } else if (strcmp(t, "ngrams") == 0) {
            long v = fs.n > 1 ? atol(fs.f[1]) : -1;
            if (v < 0 || m->ng || !m->g_cp)
                goto bad;
            m->ng_mask = table_size((size_t)v * 2) - 1; /* load <= 1/4 */
            m->ng = calloc(m->ng_mask + 1, sizeof *m->ng);
            m->ng_key = calloc(m->ng_mask + 1, sizeof *m->ng_key);
            if (!m->ng || !m->ng_key)
                goto fail_mem;
        } else {
            goto bad; /* an unknown record is an error, never ignored */
        }
    next:
        line = nl ? nl + 1 : NULL;
        continue;
    bad:
        set_msg(msg, msgcap, "%s:%zu: malformed record", path, lineno);
        rc = ONOMA__NM_EFORMAT;
        goto fail;
    }
    if (!m->ng || gnext != m->ngraph) {
        set_msg(msg, msgcap, "%s: missing graphones or n-grams", path);
        rc = ONOMA__NM_EFORMAT;
        goto fail;
    }
    m->g_uni = malloc(m->ngraph * sizeof *m->g_uni);
    if (!m->g_uni)
        goto fail_mem;
    for (uint32_t g = 0; g < m->ngraph; g++) {
        uint16_t id = (uint16_t)g;
        const ng_ent *e = ng_get(m, pack(&id, 1, m->idbits));
        m->g_uni[g] = e ? e->lp : (float)NM_UNK_LOGP;
    }
    if ((rc = build_maps(m)) < 0)
        goto fail_mem;
    free(buf);
    *out = m;
    return 0;
fail_mem:
    rc = ONOMA__NM_ENOMEM;
    set_msg(msg, msgcap, "%s: out of memory", path);
fail:
    free(buf);
    onoma__names_model_close(&m);
    return rc;
}

void onoma__names_model_close(onoma__names_model **pm)
{
    if (!pm || !*pm)
        return;
    onoma__names_model *m = *pm;
    free(m->g_cp);
    free(m->g_uni);
    free(m->g_off);
    free(m->g_len);
    free(m->pool);
    free(m->ng);
    free(m->ng_key);
    free(m->chars);
    free(m->cand);
    free(m->lex);
    free(m->fb);
    free(m->pm);
    free(m->sb);
    free(m->sub);
    free(m->voc);
    free(m);
    *pm = NULL;
}

const char *onoma__names_model_lang(const onoma__names_model *m)
{
    return m ? m->lang : "";
}

/* ------------------------------------------------------------ decoding */

typedef struct {
    char *buf;
    size_t cap, n;
} writer;

static void put(writer *w, const char *s, size_t n)
{
    if (w->n < w->cap) {
        size_t k = w->cap - w->n;
        memcpy(w->buf + w->n, s, n < k ? n : k);
    }
    w->n += n;
}

static void put_cp(writer *w, uint32_t c)
{
    char b[4];
    put(w, b, utf8_enc(c, b));
}

typedef struct {
    double score;
    int32_t back; /* index of the previous hypothesis in the lattice */
    uint16_t gid;
    uint8_t nst;
    uint16_t st[NM_MAX_ORDER - 1];
} hyp;

/* Back-off context of one hypothesis: the keys of its state's suffixes
 * and the summed back-off weights, computed once and shared by all the
 * candidates that extend it. */
typedef struct {
    int n;                             /* state length */
    uint64_t key[NM_MAX_ORDER];        /* key[s]: state[s..n) */
    double bo[NM_MAX_ORDER + 1];       /* bo[s]: sum of bows of state[0..s) suffixes */
} bctx;

static void bctx_init(const onoma__names_model *m, const uint16_t *st, int n,
                      bctx *b)
{
    b->n = n;
    b->bo[0] = 0.0;
    for (int s = 0; s < n; s++) {
        b->key[s] = pack(st + s, n - s, m->idbits);
        const ng_ent *c = ng_get(m, b->key[s]);
        b->bo[s + 1] = b->bo[s] + (c ? (double)c->bow : 0.0);
    }
}

/* log10 p(w | state) with back-off; *lvl receives the suffix start s of the
 * n-gram that was found (state[s..n) w), or n + 1 when w is unknown. */
static double logp(const onoma__names_model *m, const bctx *b, uint16_t w,
                   int *lvl)
{
    for (int s = 0; s < b->n; s++) {
        const ng_ent *e = ng_get(m, (b->key[s] << m->idbits) | (uint64_t)(w + 1u));
        if (e) {
            *lvl = s;
            return b->bo[s] + (double)e->lp;
        }
    }
    /* unigrams from an array: every back-off ends here */
    *lvl = (double)m->g_uni[w] > NM_UNK_LOGP ? b->n : b->n + 1;
    return b->bo[b->n] + (double)m->g_uni[w];
}

/* Decode a run of known code points into w. */
/* Latin chunk of graphone g for the input letter orig; when orig has a
 * substitution, the first of its rules "from>to" whose "from" occurs in the
 * chunk rewrites that occurrence.  Returns the length written. */
static size_t chunk(const onoma__names_model *m, uint16_t g, uint32_t orig,
                    char *o, size_t room)
{
    const char *s = m->pool + m->g_off[g];
    size_t n = m->g_len[g];
    const cp_ent *e = m->nsub ? cp_get(m->sb, m->sb_mask, orig) : NULL;
    if (e) {
        const struct nm_sub *sb = &m->sub[e->start];
        const char *r = m->pool + sb->rules_off, *end = r + sb->rules_len;
        while (r < end) {
            const char *gt = memchr(r, '>', (size_t)(end - r));
            if (!gt)
                break;
            const char *sp = memchr(gt, ' ', (size_t)(end - gt));
            if (!sp)
                sp = end;
            size_t fl = (size_t)(gt - r), tl = (size_t)(sp - gt - 1);
            for (size_t i = 0; fl && i + fl <= n; i++) {
                if (memcmp(s + i, r, fl) != 0)
                    continue;
                size_t k = 0;
                for (size_t j = 0; j < i && k < room; j++)
                    o[k++] = s[j];
                for (size_t j = 0; j < tl && k < room; j++)
                    o[k++] = gt[1 + j];
                for (size_t j = i + fl; j < n && k < room; j++)
                    o[k++] = s[j];
                return k;
            }
            r = sp + 1;
        }
    }
    if (n > room)
        n = room;
    memcpy(o, s, n);
    return n;
}

static void decode_run(const onoma__names_model *m, const uint32_t *cps,
                       const uint32_t *orig, int n, writer *w)
{
    hyp lat[(NM_MAX_RUN + 1) * NM_BEAM];
    int cnt[NM_MAX_RUN + 1];
    int ctx = m->order - 1;
    const int B = m->beam;
    lat[0].score = 0.0;
    lat[0].back = -1;
    lat[0].gid = 0;
    lat[0].nst = ctx > 0 ? 1 : 0;
    lat[0].st[0] = 0; /* <s> */
    cnt[0] = 1;
    for (int i = 0; i < n; i++) {
        const cp_ent *ce = cp_get(m->chars, m->chars_mask, cps[i]);
        hyp *cur = lat + i * NM_BEAM, *nxt = lat + (i + 1) * NM_BEAM;
        int nn = 0;
        for (int h = 0; h < cnt[i]; h++) {
            const hyp *hp = &cur[h];
            /* cur is sorted best first: the rest are too far behind */
            if (hp->score < cur[0].score - m->prune)
                break;
            bctx bc;
            bctx_init(m, hp->st, hp->nst, &bc);
            uint32_t nc = ce->count < m->maxcand ? ce->count : m->maxcand;
            for (uint32_t c = 0; c < nc; c++) {
                uint16_t g = (uint16_t)m->cand[ce->start + c];
                int lvl;
                double sc = hp->score + logp(m, &bc, g, &lvl);
                if (nn == B && sc <= nxt[B - 1].score)
                    continue;
                /* new state: the longest suffix of (st, g), at most order-1
                 * long, that is in the model, so that equal futures merge.  The
                 * n-gram st[lvl..) g exists and no longer one does; its
                 * suffixes exist too (pruning keeps them). */
                uint16_t ns[NM_MAX_ORDER];
                int nl = 0;
                if (lvl <= hp->nst) {
                    nl = hp->nst - lvl;
                    memcpy(ns, hp->st + lvl, (size_t)nl * sizeof *ns);
                    ns[nl++] = g;
                }
                int off = nl > ctx ? nl - ctx : 0;
                int sl = nl - off;
                /* merge with an equal state */
                int j;
                for (j = 0; j < nn; j++) {
                    if (nxt[j].nst == sl &&
                        memcmp(nxt[j].st, ns + off, (size_t)sl * sizeof *ns) == 0)
                        break;
                }
                if (j < nn) {
                    if (sc <= nxt[j].score)
                        continue;
                } else if (nn < B) {
                    j = nn++;
                } else {
                    j = B - 1;
                }
                hyp nh;
                nh.score = sc;
                nh.back = i * NM_BEAM + h;
                nh.gid = g;
                nh.nst = (uint8_t)sl;
                memcpy(nh.st, ns + off, (size_t)sl * sizeof *ns);
                /* keep nxt sorted by score, best first */
                while (j > 0 && nxt[j - 1].score < sc) {
                    nxt[j] = nxt[j - 1];
                    j--;
                }
                nxt[j] = nh;
            }
        }
        cnt[i + 1] = nn;
        if (nn == 0)
            return;
    }
    /* End of word.  Paths that spell the same Latin string through
     * different alignments are one answer: sum their probabilities. */
    hyp *last = lat + n * NM_BEAM;
    char outs[NM_BEAM][NM_MAX_RUN * 8];
    size_t olen[NM_BEAM];
    double tot[NM_BEAM];
    int nout = 0;
    for (int h = 0; h < cnt[n]; h++) {
        bctx bc;
        int lvl;
        bctx_init(m, last[h].st, last[h].nst, &bc);
        double sc = last[h].score + logp(m, &bc, 1, &lvl);
        uint16_t path[NM_MAX_RUN];
        int idx = n * NM_BEAM + h;
        for (int i = n; i > 0; i--) {
            path[i - 1] = lat[idx].gid;
            idx = lat[idx].back;
        }
        char o[NM_MAX_RUN * 8];
        size_t ol = 0;
        for (int i = 0; i < n; i++)
            ol += chunk(m, path[i], orig[i], o + ol, sizeof o - ol);
        int j;
        for (j = 0; j < nout; j++)
            if (olen[j] == ol && memcmp(outs[j], o, ol) == 0)
                break;
        if (j == nout) {
            memcpy(outs[j], o, ol);
            olen[j] = ol;
            tot[j] = sc;
            nout++;
        } else {
            /* log10(10^a + 10^b) */
            double hi = tot[j] > sc ? tot[j] : sc, lo = tot[j] > sc ? sc : tot[j];
            tot[j] = hi + log10(1.0 + pow(10.0, lo - hi));
        }
    }
    /* the known-spelling bonus; looked up only where it can change the
     * answer (the list is large, lookups miss the cache) */
    if (m->voc && m->voc_bonus > 0.0) {
        double top = tot[0];
        for (int j = 1; j < nout; j++)
            if (tot[j] > top)
                top = tot[j];
        for (int j = 0; j < nout; j++)
            if (tot[j] + m->voc_bonus > top && voc_has(m, outs[j], olen[j]))
                tot[j] += m->voc_bonus;
    }
    int best = 0;
    for (int j = 1; j < nout; j++)
        if (tot[j] > tot[best])
            best = j;
    put(w, outs[best], olen[best]);
}

/* The trainer's normalisation (tools/names_model/nmnorm.py): replacement
 * for one NFC code point; returns the number of code points written to r
 * (0 = dropped). */
static int norm_cp(uint32_t c, uint32_t *r)
{
    if ((c >= 0x064B && c <= 0x065F) || c == 0x0670 || c == 0x0640 ||
        (c >= 0x0591 && c <= 0x05BD) || c == 0x05BF || c == 0x05C1 ||
        c == 0x05C2 || c == 0x05C4 || c == 0x05C5 || c == 0x05C7 ||
        (c >= 0x200B && c <= 0x200F) || c == 0x061C || c == 0xFEFF ||
        (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ||
        c == 0x0300 || c == 0x0301 || c == 0x0306 || c == 0x0308)
        return 0;
    switch (c) {
    case 0x05F3: case 0x2019: case 0x2018: case 0x0060: case 0x00B4:
    case 0x02BC:
        r[0] = '\'';
        return 1;
    case 0x05F0: r[0] = 0x05D5; r[1] = 0x05D5; return 2;
    case 0x05F1: r[0] = 0x05D5; r[1] = 0x05D9; return 2;
    case 0x05F2: r[0] = 0x05D9; r[1] = 0x05D9; return 2;
    case 0x06CC: r[0] = 0x064A; return 1;
    case 0x06A9: r[0] = 0x0643; return 1;
    case 0x06BE: case 0x06C1: case 0x06D5: r[0] = 0x0647; return 1;
    case 0x05BE: case 0x2010: case 0x2011: case 0x2013: case 0x2014:
        r[0] = '-';
        return 1;
    default:
        r[0] = (uint32_t)u_tolower((UChar32)c);
        return 1;
    }
}

static int is_word(uint32_t c)
{
    return c == '\'' || u_isalpha((UChar32)c);
}

/* Transliterate one word (letters and apostrophes, normalised). */
static void translit_word(const onoma__names_model *m, const uint32_t *in,
                          int n, writer *w)
{
    uint32_t cps[NM_MAX_TOK];
    int k = 0;
    for (int i = 0; i < n; i++) {
        const cp_ent *e = cp_get(m->pm, m->pm_mask, in[i]);
        if (!e) {
            if (k < NM_MAX_TOK)
                cps[k++] = in[i];
            continue;
        }
        const char *s = m->pool + e->start;
        size_t len = e->count, p = 0;
        while (p < len) {
            uint32_t c;
            size_t d = utf8_dec(s + p, len - p, &c);
            if (!d)
                break;
            if (k < NM_MAX_TOK)
                cps[k++] = c;
            p += d;
        }
    }
    int a = 0, b = k;
    while (a < b && cps[a] == '\'')
        a++;
    while (b > a && cps[b - 1] == '\'')
        b--;
    if (a == b)
        return;
    if (m->lex) {
        char key[NM_MAX_TOK * 4];
        size_t kl = 0;
        for (int i = a; i < b; i++)
            kl += utf8_enc(cps[i], key + kl);
        const lex_ent *e = lex_get(m, key, kl);
        if (e) {
            put(w, m->pool + e->val_off, e->val_len);
            return;
        }
    }
    /* substitutions: decode as the related letter, remember the original */
    uint32_t orig[NM_MAX_TOK];
    for (int i = a; i < b; i++) {
        orig[i] = cps[i];
        const cp_ent *e = cp_get(m->sb, m->sb_mask, cps[i]);
        if (e)
            cps[i] = m->sub[e->start].base;
    }
    int i = a;
    while (i < b) {
        if (cp_get(m->chars, m->chars_mask, cps[i])) {
            int j = i;
            while (j < b && j - i < NM_MAX_RUN &&
                   cp_get(m->chars, m->chars_mask, cps[j]))
                j++;
            decode_run(m, cps + i, orig + i, j - i, w);
            i = j;
        } else {
            const cp_ent *f = cp_get(m->fb, m->fb_mask, orig[i]);
            if (f)
                put(w, m->pool + f->start, f->count);
            else
                put_cp(w, orig[i]);
            i++;
        }
    }
}

int onoma__names_model_translit(const onoma__names_model *m, const char *tok,
                                size_t len, char *out, size_t cap)
{
    if (!m || (!tok && len) || (!out && cap))
        return ONOMA__NM_EINVAL;
    if (len > INT32_MAX / 4)
        return ONOMA__NM_EINVAL;
    UChar s16[NM_MAX_TOK], n16[NM_MAX_TOK * 3];
    UChar *src = s16, *nrm = n16;
    int32_t cap16 = NM_MAX_TOK, slen = 0, nlen = 0;
    int rc = 0;
    if ((int32_t)len + 1 > cap16) {
        cap16 = (int32_t)len + 1;
        src = malloc((size_t)cap16 * sizeof *src);
        nrm = malloc((size_t)cap16 * 3 * sizeof *nrm);
        if (!src || !nrm) {
            rc = ONOMA__NM_ENOMEM;
            goto done;
        }
    }
    UErrorCode st = U_ZERO_ERROR;
    u_strFromUTF8(src, cap16, &slen, tok, (int32_t)len, &st);
    if (U_FAILURE(st)) {
        rc = st == U_INVALID_CHAR_FOUND ? ONOMA__NM_EUTF8 : ONOMA__NM_EICU;
        goto done;
    }
    int32_t ncap = src == s16 ? NM_MAX_TOK * 3 : cap16 * 3;
    nlen = unorm2_normalize(m->nfc, src, slen, nrm, ncap, &st);
    if (U_FAILURE(st)) {
        rc = ONOMA__NM_EICU;
        goto done;
    }
    writer w = {out, cap, 0};
    uint32_t word[NM_MAX_TOK];
    int wn = 0;
    int32_t i = 0;
    while (i < nlen) {
        /* UTF-16 to code points (ICU's U16_NEXT trips -Wsign-conversion) */
        uint32_t c = nrm[i++];
        if (c >= 0xD800u && c <= 0xDBFFu && i < nlen && nrm[i] >= 0xDC00u &&
            nrm[i] <= 0xDFFFu)
            c = 0x10000u + ((c - 0xD800u) << 10) + ((uint32_t)nrm[i++] - 0xDC00u);
        uint32_t r[2];
        int k = norm_cp(c, r);
        for (int j = 0; j < k; j++) {
            if (is_word(r[j])) {
                if (wn < NM_MAX_TOK)
                    word[wn++] = r[j];
                continue;
            }
            if (wn) {
                translit_word(m, word, wn, &w);
                wn = 0;
            }
            put_cp(&w, r[j]);
        }
    }
    if (wn)
        translit_word(m, word, wn, &w);
    if (cap)
        out[w.n < cap ? w.n : cap - 1] = '\0';
    rc = w.n > INT32_MAX ? ONOMA__NM_EINVAL : (int)w.n;
done:
    if (src != s16)
        free(src);
    if (nrm != n16)
        free(nrm);
    return rc;
}
