/* onoma_lookup: which entities a whole name names, and how it matched. */
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/hash.h"
#include "table/build.h"
#include "table/tables.h"
#include "text/chars.h"
#include "text/utf8.h"

typedef struct seen {
    uint32_t layer, entry;
} seen;

int onoma_lookup(const onoma_tables *t, const char *style, const char *name, size_t len, onoma_entity_fn fn,
                 void *ctx, onoma_error *err)
{
    if (!t || !name)
        return onoma__error(err, ONOMA_EINVAL, NULL, 0, 0, "no tables or no name");
    int st = onoma__style_find(t, style);
    if (st < 0)
        return onoma__error(err, ONOMA_ESTYLE, NULL, 0, 0, "unknown style '%s'", style);
    size_t bad = onoma__utf8_check(name, len, 0);
    if (bad < len)
        return onoma__error(err, name[bad] ? ONOMA_EUTF8 : ONOMA_ENUL, NULL, 0, bad, "invalid UTF-8 at byte %zu", bad);
    if (onoma__chars_init())
        return onoma__error(err, ONOMA_EICU, NULL, 0, 0, NULL);
    /* trim outer white space */
    while (len && (name[0] == ' ' || name[0] == '\t'))
        name++, len--;
    while (len && (name[len - 1] == ' ' || name[len - 1] == '\t' || name[len - 1] == '\r'))
        len--;
    onoma__buf f = {0};
    if (onoma__fold_append(&f, name, len)) {
        onoma__buf_free(&f);
        return onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    }
    while (f.len && f.data[f.len - 1] == ' ')
        f.len--;
    seen found[256];
    int n = 0, rc = 0;
    /* latest tables first: they take precedence */
    for (size_t l = t->nlayers; l-- > 0 && !rc;) {
        const onoma__layer *L = &t->layers[l];
        for (int k = 0; k < 2 && !rc; k++) {
            const char *key = k == ONOMA__IDX_EXACT ? name : f.data;
            size_t klen = k == ONOMA__IDX_EXACT ? len : f.len;
            if (!L->idx[k].slots || !klen)
                continue;
            const onoma__slot *sl = onoma__layer_find(L, &L->idx[k], key, klen, onoma__hash(key, klen));
            if (!sl || !((sl->len_flags >> 24) & ONOMA__SLOT_KEY))
                continue;
            uint32_t ntg;
            const uint32_t *tg = onoma__slot_targets(L, sl, &ntg);
            for (uint32_t j = 0; j < ntg && !rc; j++) {
                uint32_t e = tg[j] >> ONOMA__T_BITS;
                int dup = 0;
                for (int i = 0; i < n; i++)
                    dup |= found[i].layer == l && found[i].entry == e;
                if (dup || n == 256)
                    continue;
                found[n++] = (seen){(uint32_t)l, e};
                size_t cl, dl;
                onoma_entity ent;
                ent.id = onoma__lstr(L, L->entries[e].id);
                ent.type = onoma__type_names[L->entries[e].type];
                ent.canonical = onoma__canonical(t, (uint32_t)l, e, (uint32_t)st, &cl);
                ent.display = onoma__display(t, (uint32_t)l, e, (uint32_t)st, &dl);
                ent.table = onoma__lstr(L, L->sources[L->entries[e].source].name);
                ent.match = k == ONOMA__IDX_EXACT ? ONOMA_MATCH_EXACT : ONOMA_MATCH_FOLDED;
                ent.guarded = (tg[j] & ONOMA__T_GUARDED) != 0;
                if (fn) {
                    int r = fn(ctx, &ent);
                    if (r)
                        rc = r < 0 ? r : ONOMA_EABORTED;
                }
            }
        }
    }
    onoma__buf_free(&f);
    return rc ? rc : n;
}
