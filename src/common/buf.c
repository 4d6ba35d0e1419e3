#include "common/buf.h"

#include <stdint.h>
#include <stdlib.h>

#include "onoma.h"

int onoma__buf_reserve(onoma__buf *b, size_t extra)
{
    if (b->cap - b->len >= extra)
        return 0;
    size_t need = b->len + extra;
    if (need < b->len)
        return ONOMA_ENOMEM;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need) {
        if (cap > SIZE_MAX / 2)
            return ONOMA_ENOMEM;
        cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (!p)
        return ONOMA_ENOMEM;
    b->data = p;
    b->cap = cap;
    return 0;
}

void onoma__buf_free(onoma__buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *onoma__strndup(const char *p, size_t n)
{
    if (n == SIZE_MAX)
        return NULL;
    char *s = malloc(n + 1);
    if (!s)
        return NULL;
    if (n)
        memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

int onoma__grow(void **buf, size_t *cap, size_t need, size_t size, size_t min)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : (min ? min : 1);
    while (n < need) {
        if (n > SIZE_MAX / 2 / size)
            return ONOMA_ENOMEM;
        n *= 2;
    }
    if (n > SIZE_MAX / size)
        return ONOMA_ENOMEM;
    void *p = realloc(*buf, n * size);
    if (!p)
        return ONOMA_ENOMEM;
    *buf = p;
    *cap = n;
    return 0;
}
