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
    return NULL;
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
