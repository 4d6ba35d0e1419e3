/* onoma_normalize_many: a column of short texts in one call. The per-call
 * costs of the bindings (argument conversion, one allocation per result)
 * would otherwise dominate for texts of a few words. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "normalize/normalize.h"

/* The scanner writes an item as runs of the input and replacements. Runs
 * that continue the input are only counted: most items do not change, and
 * copying and comparing them would cost more than scanning them. */
typedef struct many_sink {
    onoma__buf *b;
    const char *item;   /* start of the item in the input */
    const char *expect; /* where a run continuing the input would start */
    int copying;        /* the item's output differs: it is being written to b */
} many_sink;

static int many_write(void *ctx, const char *p, size_t n)
{
    many_sink *m = ctx;
    if (!m->copying) {
        if (p == m->expect) {
            m->expect += n;
            return 0;
        }
        m->copying = 1;
        if (onoma__buf_put(m->b, m->item, (size_t)(m->expect - m->item)))
            return ONOMA_ENOMEM;
    }
    return onoma__buf_put(m->b, p, n);
}

/* "item N: " before the message (cut at its end if need be). */
static void name_item(onoma_error *err, size_t item)
{
    char pre[32];
    size_t pl = (size_t)snprintf(pre, sizeof pre, "item %zu: ", item);
    size_t ml = strnlen(err->message, sizeof err->message - 1);
    if (pl + ml > sizeof err->message - 1)
        ml = sizeof err->message - 1 - pl;
    memmove(err->message + pl, err->message, ml);
    memcpy(err->message, pre, pl);
    err->message[pl + ml] = 0;
}

int onoma_normalize_many(onoma_normalizer *nz, const char *in, size_t len, int sep, char **out, size_t *out_len,
                         size_t **changed, size_t *nchanged, onoma_error *err)
{
    if (out)
        *out = NULL;
    if (out_len)
        *out_len = 0;
    if (changed)
        *changed = NULL;
    if (nchanged)
        *nchanged = 0;
    if (!nz || !out || (!in && len) || (changed && !nchanged))
        return onoma__error(err, ONOMA_EINVAL, NULL, 0, 0, NULL);
    /* a byte of a multibyte character would cut characters apart */
    if (sep < 0 || sep > 127)
        return onoma__error(err, ONOMA_EINVAL, NULL, 0, 0, "separator must be an ASCII byte, not %d", sep);
    onoma__buf b = {0}, idx = {0};
    /* all items out: about as long as the input; one reservation avoids most growth */
    if (onoma__buf_reserve(&b, changed ? 256 : len + 1))
        return onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    int rc = 0;
    size_t pos = 0, item = 0;
    for (;;) {
        const char *end = len ? memchr(in + pos, sep, len - pos) : NULL;
        size_t n = end ? (size_t)(end - (in + pos)) : len - pos;
        size_t mark = b.len;
        if (changed && idx.len && onoma__buf_putc(&b, (char)sep)) {
            rc = onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
            break;
        }
        size_t start = b.len;
        /* as onoma_normalize_buffer, but with offsets counted in the whole input */
        onoma__normalizer_reset(nz);
        nz->base = pos;
        nz->track_pos = pos;
        many_sink m = {&b, in + pos, in + pos, 0};
        size_t used;
        rc = onoma__scan(nz, in + pos, n, 0, 1, &used, many_write, &m, err);
        if (rc) {
            if (err && (err->code == ONOMA_EUTF8 || err->code == ONOMA_ENUL))
                name_item(err, item + 1);
            break;
        }
        /* a replacement may equal what it replaces: then the item did not change */
        int same = m.copying ? b.len - start == n && memcmp(b.data + start, in + pos, n) == 0
                             : m.expect == in + pos + n;
        if (changed) {
            if (same)
                b.len = mark; /* drop it, and its separator */
            else if ((!m.copying && many_write(&m, "", 0)) || onoma__buf_put(&idx, &item, sizeof item)) {
                rc = onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
                break;
            }
        } else if (!m.copying && onoma__buf_put(&b, in + pos, (size_t)(m.expect - (in + pos)))) {
            rc = onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
            break;
        }
        if (!end)
            break;
        if (!changed && onoma__buf_putc(&b, (char)sep)) {
            rc = onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
            break;
        }
        pos += n + 1;
        item++;
    }
    onoma__normalizer_reset(nz);
    if (!rc && onoma__buf_putc(&b, 0))
        rc = onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    if (rc) {
        onoma__buf_free(&b);
        onoma__buf_free(&idx);
        return rc;
    }
    *out = b.data;
    if (out_len)
        *out_len = b.len - 1;
    if (changed) {
        *changed = (size_t *)(void *)idx.data;
        *nchanged = idx.len / sizeof(size_t);
    }
    return 0;
}
