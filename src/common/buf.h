/* A growable byte buffer. Functions return 0 or ONOMA_ENOMEM. */
#ifndef ONOMA_COMMON_BUF_H
#define ONOMA_COMMON_BUF_H

#include <stddef.h>
#include <string.h>

typedef struct onoma__buf {
    char *data;
    size_t len, cap;
} onoma__buf;

int onoma__buf_reserve(onoma__buf *b, size_t extra);
/* Grow the array *buf (*cap elements of size bytes) to hold at least need
 * elements, doubling from min: 0 or ONOMA_ENOMEM (then *buf and *cap are
 * as they were). */
int onoma__grow(void **buf, size_t *cap, size_t need, size_t size, size_t min);
/* A NUL-terminated copy of the n bytes at p (which need not be terminated),
 * or NULL when out of memory. */
char *onoma__strndup(const char *p, size_t n);
void onoma__buf_free(onoma__buf *b);

static inline int onoma__buf_put(onoma__buf *b, const void *p, size_t n)
{
    if (b->cap - b->len < n) {
        int rc = onoma__buf_reserve(b, n);
        if (rc)
            return rc;
    }
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

static inline int onoma__buf_putc(onoma__buf *b, char c) { return onoma__buf_put(b, &c, 1); }
static inline int onoma__buf_puts(onoma__buf *b, const char *s) { return onoma__buf_put(b, s, strlen(s)); }

#endif
