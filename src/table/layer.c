#include "table/layer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unicode/uchar.h>

#include "common/error.h"
#include "common/hash.h"
#include "table/build.h"
#include "table/source.h"
#include "text/chars.h"

uint32_t onoma__layer_find_id(const onoma__layer *L, const char *id, size_t n)
{
    uint64_t h = onoma__hash(id, n);
    uint32_t mask = L->h->ids_mask;
    for (uint32_t i = (uint32_t)h & mask;; i = (i + 1) & mask) {
        uint32_t e = L->ids[i];
        if (!e)
            return UINT32_MAX;
        onoma__str s = L->entries[e - 1].id;
        if (s.len == n && memcmp(onoma__lstr(L, s), id, n) == 0)
            return e - 1;
    }
}

static int in_range(uint64_t off, uint64_t len, uint64_t size) { return off <= size && len <= size - off; }

/* The key index section (format.h): every offset in range, every record
 * within the pools, every probe sequence ending. */
static const char *check_kix(const unsigned char *base, size_t size, const onoma__table_hdr *h)
{
    if (!h->keyix_len)
        return h->keyix_off ? "bad key index" : NULL;
    if (!in_range(h->keyix_off, h->keyix_len, size) || h->keyix_off % 8 || h->keyix_len < sizeof(onoma__kix_hdr))
        return "key index outside the file";
    const unsigned char *sec = base + h->keyix_off;
    const onoma__kix_hdr *kh = (const onoma__kix_hdr *)sec;
    if (memcmp(kh->magic, ONOMA__KIX_MAGIC, 8) != 0 || kh->version != ONOMA__KIX_VERSION)
        return "bad key index header";
    for (int p = 0; p < 2; p++) {
        uint64_t pl = kh->part_len[p];
        if (!pl)
            continue;
        if (!in_range(kh->part_off[p], pl, h->keyix_len) || kh->part_off[p] % 8 || pl < sizeof(onoma__kix_part))
            return "key index part outside the section";
        const unsigned char *pb = sec + kh->part_off[p];
        const onoma__kix_part *pt = (const onoma__kix_part *)pb;
        if (((pt->keys_mask + 1ull) & pt->keys_mask) || ((pt->kh_mask + 1ull) & pt->kh_mask) ||
            !in_range(pt->keys_off, ((uint64_t)pt->keys_mask + 1) * sizeof(onoma__kix_key), pl) ||
            !in_range(pt->keystr_off, pt->keystr_len, pl) ||
            !in_range(pt->groups_off, (uint64_t)pt->ngroups * sizeof(onoma__kix_group), pl) ||
            !in_range(pt->recs_off, (uint64_t)pt->nrecs * sizeof(onoma__kix_rec), pl) ||
            !in_range(pt->words_off, pt->words_len, pl) ||
            !in_range(pt->kh_off, ((uint64_t)pt->kh_mask + 1) * sizeof(onoma__kix_kh), pl) ||
            !in_range(pt->one_off, ONOMA__KIX_ONE_WORDS * 8ull, pl) ||
            pt->many_log2 < 12 || pt->many_log2 > 24 || !in_range(pt->many_off, (1ull << pt->many_log2) / 8, pl) ||
            (pt->keys_off | pt->groups_off | pt->recs_off | pt->kh_off | pt->one_off | pt->many_off) % 4)
            return "bad key index part";
        const onoma__kix_key *k = (const onoma__kix_key *)(pb + pt->keys_off);
        uint64_t used = 0;
        for (uint64_t i = 0; i <= pt->keys_mask; i++) {
            if (!k[i].len)
                continue;
            used++;
            if ((uint64_t)k[i].off + k[i].len > pt->keystr_len || k[i].group >= pt->ngroups)
                return "bad key index key";
        }
        if (used > pt->keys_mask)
            return "full key index";
        const onoma__kix_group *g = (const onoma__kix_group *)(pb + pt->groups_off);
        for (uint32_t i = 0; i < pt->ngroups; i++)
            if (g[i].first > pt->nrecs || g[i].n > pt->nrecs - g[i].first)
                return "bad key index group";
        const onoma__kix_rec *r = (const onoma__kix_rec *)(pb + pt->recs_off);
        const char *w = (const char *)pb + pt->words_off;
        for (uint32_t i = 0; i < pt->nrecs; i++) {
            if (r[i].entry >= h->nentries || (uint64_t)r[i].spelling + r[i].len >= h->strings_len ||
                r[i].nwords > 255)
                return "bad key index record";
            /* its words: nwords strings, each ended within the words */
            uint64_t at = r[i].words;
            for (uint32_t j = 0; j < r[i].nwords; j++) {
                const char *z = at < pt->words_len ? memchr(w + at, 0, pt->words_len - at) : NULL;
                if (!z)
                    return "bad key index words";
                at = (uint64_t)(z - w) + 1;
            }
        }
        const onoma__kix_kh *x = (const onoma__kix_kh *)(pb + pt->kh_off);
        used = 0;
        for (uint64_t i = 0; i <= pt->kh_mask; i++)
            used += x[i].h != 0;
        if (used > pt->kh_mask)
            return "full key index";
    }
    return NULL;
}

/* Structural check of an image, so that no lookup can read out of bounds
 * whatever the file holds. Linear in the table's size; fast. */
static const char *check_image(const unsigned char *base, size_t size)
{
    const onoma__table_hdr *h = (const onoma__table_hdr *)base;
    if (h->size != size)
        return "truncated or padded file";
    /* the checksum covers everything, with its own field taken as zero */
    onoma__table_hdr copy;
    memcpy(&copy, base, sizeof copy);
    copy.checksum = 0;
    uint64_t sum = onoma__checksum((const unsigned char *)&copy, sizeof copy);
    uint64_t body = onoma__checksum(base + sizeof copy, size - sizeof copy);
    if ((sum ^ body) != h->checksum)
        return "checksum mismatch (a damaged or modified file)";
    uint64_t sl = h->strings_len;
    if (!in_range(h->strings_off, sl, size) || sl == 0 ||
        !in_range(h->sources_off, (uint64_t)h->nsources * sizeof(onoma__source_rec), size) ||
        !in_range(h->entries_off, (uint64_t)h->nentries * sizeof(onoma__entry_rec), size) ||
        !in_range(h->styles_off, (uint64_t)h->nstyles * sizeof(onoma__str), size) ||
        !in_range(h->forms_off, (uint64_t)h->nentries * h->nstyles * sizeof(onoma__str), size) ||
        !in_range(h->targets_off, (uint64_t)h->ntargets * 4, size) ||
        !in_range(h->ids_off, ((uint64_t)h->ids_mask + 1) * 4, size) ||
        !in_range(h->overrides_off, (uint64_t)h->noverrides * sizeof(onoma__override), size))
        return "a section lies outside the file";
    if (((h->ids_mask + 1) & h->ids_mask) != 0)
        return "bad id index size";
    const char *str = (const char *)base + h->strings_off;
    if (str[sl - 1] != 0)
        return "string pool not terminated";
#define STR_OK(s) ((uint64_t)(s).off + (s).len < sl)
    const onoma__source_rec *src = (const onoma__source_rec *)(base + h->sources_off);
    for (uint32_t i = 0; i < h->nsources; i++)
        if (!STR_OK(src[i].path) || !STR_OK(src[i].name) || !STR_OK(src[i].version) ||
            !STR_OK(src[i].license) || !STR_OK(src[i].source) || src[i].kind > ONOMA__KIND_STYLE ||
            (src[i].kind == ONOMA__KIND_STYLE && src[i].style >= h->nstyles))
            return "bad source record";
    const onoma__entry_rec *ent = (const onoma__entry_rec *)(base + h->entries_off);
    for (uint32_t i = 0; i < h->nentries; i++)
        if (!STR_OK(ent[i].id) || !STR_OK(ent[i].canonical) || ent[i].type >= ONOMA__NTYPES ||
            (ent[i].parent != UINT32_MAX && ent[i].parent >= h->nentries) || ent[i].source >= h->nsources)
            return "bad entry record";
    const onoma__str *st = (const onoma__str *)(base + h->styles_off);
    for (uint32_t i = 0; i < h->nstyles; i++)
        if (!STR_OK(st[i]))
            return "bad style name";
    const onoma__str *fm = (const onoma__str *)(base + h->forms_off);
    for (uint64_t i = 0; i < (uint64_t)h->nentries * h->nstyles; i++)
        if (!STR_OK(fm[i]))
            return "bad style form";
    const onoma__override *ov = (const onoma__override *)(base + h->overrides_off);
    for (uint32_t i = 0; i < h->noverrides; i++)
        if (!STR_OK(ov[i].id) || !STR_OK(ov[i].form) || ov[i].style >= h->nstyles || ov[i].source >= h->nsources)
            return "bad style record";
    const uint32_t *ids = (const uint32_t *)(base + h->ids_off);
    for (uint64_t i = 0; i <= h->ids_mask; i++)
        if (ids[i] > h->nentries)
            return "bad id index";
    const uint32_t *tg = (const uint32_t *)(base + h->targets_off);
    for (int k = 0; k < 2; k++) {
        const onoma__index_hdr *ix = &h->idx[k];
        if (!ix->slots_off)
            continue;
        if (((ix->mask + 1) & ix->mask) != 0 || ix->mask < 15 || ix->filter_log2 < 6 || ix->filter_log2 > 40 ||
            !in_range(ix->slots_off, ((uint64_t)ix->mask + 1) * sizeof(onoma__slot), size) ||
            !in_range(ix->filter_off, (1ull << ix->filter_log2) / 8, size) ||
            !in_range(ix->pair_off, 65536 / 8, size) || ix->lpre_log2 < 6 || ix->lpre_log2 > 30 ||
            !in_range(ix->lpair_off, 65536 / 8, size) || !in_range(ix->lpre_off, (1ull << ix->lpre_log2) / 8, size) ||
            ix->cont_log2 < 6 || ix->cont_log2 > 40 || !in_range(ix->cont_off, (1ull << ix->cont_log2) / 8, size))
            return "bad index header";
        const onoma__slot *s = (const onoma__slot *)(base + ix->slots_off);
        uint64_t used = 0;
        for (uint64_t i = 0; i <= ix->mask; i++) {
            if (!s[i].len_flags)
                continue;
            used++;
            if ((uint64_t)s[i].key_off + (s[i].len_flags & 0xFFFFFF) > sl)
                return "bad key";
            if (((s[i].len_flags >> 24) & (ONOMA__SLOT_KEY | ONOMA__SLOT_ONE)) == (ONOMA__SLOT_KEY | ONOMA__SLOT_ONE)) {
                if ((s[i].targets >> ONOMA__T_BITS) >= h->nentries)
                    return "bad target";
            } else if ((s[i].len_flags >> 24) & ONOMA__SLOT_KEY) {
                uint64_t t = s[i].targets;
                if (t >= h->ntargets || tg[t] == 0 || tg[t] > h->ntargets - t - 1)
                    return "bad target list";
                for (uint32_t j = 1; j <= tg[t]; j++)
                    if ((tg[t + j] >> ONOMA__T_BITS) >= h->nentries)
                        return "bad target";
            }
        }
        if (used > ix->mask)
            return "full index"; /* lookups of absent keys would never end */
    }
    return check_kix(base, size, h);
#undef STR_OK
}

int onoma__layer_from_image(const char *path, void *image, size_t size, onoma__layer *L, onoma_error *err)
{
    memset(L, 0, sizeof *L);
    L->base = image;
    L->size = size;
    L->path = strdup(path);
    if (!L->path)
        return onoma__error(err, ONOMA_ENOMEM, path, 0, 0, NULL);
    const onoma__table_hdr *h = L->h = image;
    L->str = (const char *)L->base + h->strings_off;
    L->sources = (const onoma__source_rec *)(L->base + h->sources_off);
    L->entries = (const onoma__entry_rec *)(L->base + h->entries_off);
    L->styles = (const onoma__str *)(L->base + h->styles_off);
    L->forms = (const onoma__str *)(L->base + h->forms_off);
    L->targets = (const uint32_t *)(L->base + h->targets_off);
    L->ids = (const uint32_t *)(L->base + h->ids_off);
    L->ov = (const onoma__override *)(L->base + h->overrides_off);
    for (int k = 0; k < 2; k++) {
        if (!h->idx[k].slots_off)
            continue;
        L->idx[k].slots = (const onoma__slot *)(L->base + h->idx[k].slots_off);
        L->idx[k].filter = (const uint64_t *)(L->base + h->idx[k].filter_off);
        L->idx[k].pair = (const uint64_t *)(L->base + h->idx[k].pair_off);
        L->idx[k].lpair = (const uint64_t *)(L->base + h->idx[k].lpair_off);
        L->idx[k].lpre = (const uint64_t *)(L->base + h->idx[k].lpre_off);
        L->idx[k].cont = (const uint64_t *)(L->base + h->idx[k].cont_off);
        L->idx[k].cont_log2 = h->idx[k].cont_log2;
        L->idx[k].lpre_log2 = h->idx[k].lpre_log2;
        L->idx[k].mask = h->idx[k].mask;
        L->idx[k].shift = 64;
        for (uint32_t m = h->idx[k].mask; m; m >>= 1)
            L->idx[k].shift--;
        L->idx[k].filter_log2 = h->idx[k].filter_log2;
        L->idx[k].max_key_len = h->idx[k].max_key_len;
    }
    return 0;
}

static int open_compiled(const char *path, int fd, size_t size, onoma__layer *L, onoma_error *err)
{
    if (size < sizeof(onoma__table_hdr))
        return onoma__error(err, ONOMA_EFORMAT, path, 0, 0, "compiled table too short");
    void *m = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED)
        return onoma__error(err, ONOMA_EIO, path, 0, 0, "cannot map: %s", strerror(errno));
    const onoma__table_hdr *h = m;
    char uni[16] = {0};
    UVersionInfo uv;
    u_getUnicodeVersion(uv);
    u_versionToString(uv, uni);
    int rc = 0;
    const char *why;
    if (h->format != ONOMA__TABLE_FORMAT)
        rc = onoma__error(err, ONOMA_EVERSION, path, 0, 0,
                          "compiled table has format version %u; this onoma reads version %d: recompile it "
                          "with 'onoma compile'",
                          h->format, ONOMA__TABLE_FORMAT);
    else if (h->hash_check != onoma__hash(ONOMA__HASH_PROBE, sizeof ONOMA__HASH_PROBE - 1))
        rc = onoma__error(err, ONOMA_EVERSION, path, 0, 0,
                          "compiled table was built with another hash function: recompile it with 'onoma compile'");
    else if (h->fold_version != ONOMA__FOLD_VERSION || strncmp(h->unicode, uni, sizeof uni) != 0)
        rc = onoma__error(err, ONOMA_EVERSION, path, 0, 0,
                          "compiled table was built for Unicode %.15s (fold %u); this onoma uses Unicode %s "
                          "(fold %d): recompile it with 'onoma compile'",
                          h->unicode, h->fold_version, uni, ONOMA__FOLD_VERSION);
    else if ((why = check_image(m, size)) != NULL)
        rc = onoma__error(err, ONOMA_EFORMAT, path, 0, 0, "corrupt compiled table: %s", why);
    if (rc) {
        munmap(m, size);
        return rc;
    }
    madvise(m, size, MADV_WILLNEED);
    rc = onoma__layer_from_image(path, m, size, L, err);
    L->mapped = 1;
    if (rc) {
        munmap(m, size);
        memset(L, 0, sizeof *L);
    }
    return rc;
}

int onoma__layer_open(const char *path, unsigned flags, onoma__layer *L, onoma_error *err)
{
    int rc = onoma__chars_init();
    if (rc)
        return onoma__error(err, rc, path, 0, 0, "cannot initialise ICU character data");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return onoma__error(err, errno == ENOENT ? ONOMA_ENOENT : ONOMA_EIO, path, 0, 0, "cannot open: %s",
                            strerror(errno));
    struct stat st;
    char magic[8];
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return onoma__error(err, ONOMA_EIO, path, 0, 0, "not a regular file");
    }
    ssize_t got = pread(fd, magic, 8, 0);
    if (got == 8 && memcmp(magic, ONOMA__TABLE_MAGIC, 8) == 0) {
        rc = open_compiled(path, fd, (size_t)st.st_size, L, err);
        close(fd);
        return rc;
    }
    close(fd);
    onoma__source *src;
    if ((rc = onoma__source_load(path, &src, NULL, NULL, err))) {
        onoma__source_free(&src);
        return rc;
    }
    void *image;
    size_t size;
    rc = onoma__build(&src, 1, ONOMA__BUILD_FREE_SOURCES | ((flags & ONOMA_TABLES_EXACT) ? ONOMA__BUILD_EXACT_ONLY : 0),
                      &image, &size, NULL, NULL, err);
    onoma__source_free(&src);
    if (rc)
        return rc;
    rc = onoma__layer_from_image(path, image, size, L, err);
    if (rc)
        free(image);
    return rc;
}

void onoma__layer_close(onoma__layer *L)
{
    if (!L->base)
        return;
    if (L->mapped)
        munmap(L->base, L->size);
    else
        free(L->base);
    free(L->path);
    free(L->style_local);
    memset(L, 0, sizeof *L);
}
