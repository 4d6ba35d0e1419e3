#include "common/buf.h"

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
