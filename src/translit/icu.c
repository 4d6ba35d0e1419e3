#include "translit/icu.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ustring.h>

#include "common/error.h"

void onoma__ubuf_free(onoma__ubuf *b)
{
    free(b->u);
    b->u = NULL;
    b->cap = 0;
}

static int ubuf_reserve(onoma__ubuf *b, int64_t need)
{
    if (need <= b->cap)
        return 0;
    if (need > INT32_MAX / 2)
        return ONOMA_ENOMEM;
    int32_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    UChar *p = realloc(b->u, (size_t)cap * sizeof *p);
    if (!p)
        return ONOMA_ENOMEM;
    b->u = p;
    b->cap = cap;
    return 0;
}

int onoma__icu_from_rules(const char *id, const char *rules, size_t len, const char *path, UTransliterator **out,
                          onoma_error *err)
{
    *out = NULL;
    if (len > INT32_MAX / 2)
        return onoma__error(err, ONOMA_ERANGE, path, 0, 0, "rule file too large");
    UErrorCode st = U_ZERO_ERROR;
    int32_t ulen = 0;
    u_strFromUTF8(NULL, 0, &ulen, rules, (int32_t)len, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
        return onoma__error(err, ONOMA_EUTF8, path, 0, 0, "invalid UTF-8 in the rule file");
    UChar *u = malloc(((size_t)ulen + 1) * sizeof *u);
    UChar *uid = malloc((strlen(id) + 1) * sizeof *uid);
    if (!u || !uid) {
        free(u);
        free(uid);
        return onoma__error(err, ONOMA_ENOMEM, path, 0, 0, NULL);
    }
    st = U_ZERO_ERROR;
    u_strFromUTF8(u, ulen + 1, NULL, rules, (int32_t)len, &st);
    u_uastrcpy(uid, id);
    UParseError pe;
    memset(&pe, 0, sizeof pe);
    if (U_SUCCESS(st))
        *out = utrans_openU(uid, -1, UTRANS_FORWARD, u, ulen, &pe, &st);
    free(u);
    free(uid);
    if (U_FAILURE(st)) {
        char pre[64] = "", post[64] = "";
        u_strToUTF8(pre, sizeof pre - 1, NULL, pe.preContext, -1, &(UErrorCode){U_ZERO_ERROR});
        u_strToUTF8(post, sizeof post - 1, NULL, pe.postContext, -1, &(UErrorCode){U_ZERO_ERROR});
        *out = NULL;
        return onoma__error(err, ONOMA_ESCHEME, path, 0, 0, "ICU rejects the rules (%s) near '%s' | '%s'",
                            u_errorName(st), pre, post);
    }
    return 0;
}

int onoma__icu_from_id(const char *id, UTransliterator **out, onoma_error *err)
{
    *out = NULL;
    size_t n = strlen(id);
    if (n > 1000)
        return onoma__error(err, ONOMA_ESCHEME, NULL, 0, 0, "ICU transform id too long");
    UChar uid[1024];
    u_uastrncpy(uid, id, (int32_t)n + 1);
    UErrorCode st = U_ZERO_ERROR;
    UParseError pe;
    *out = utrans_openU(uid, -1, UTRANS_FORWARD, NULL, 0, &pe, &st);
    if (U_FAILURE(st)) {
        *out = NULL;
        return onoma__error(err, ONOMA_ESCHEME, NULL, 0, 0, "ICU has no transform '%s' (%s)", id, u_errorName(st));
    }
    return 0;
}

int onoma__icu_set_filter(UTransliterator *t, const char *pattern, onoma_error *err)
{
    UChar u[256];
    size_t n = strlen(pattern);
    if (n >= sizeof u / sizeof *u)
        return onoma__error(err, ONOMA_EINVAL, NULL, 0, 0, "filter too long");
    u_uastrncpy(u, pattern, (int32_t)n + 1);
    UErrorCode st = U_ZERO_ERROR;
    utrans_setFilter(t, u, (int32_t)n, &st);
    if (U_FAILURE(st))
        return onoma__error(err, ONOMA_EICU, NULL, 0, 0, "cannot set a filter: %s", u_errorName(st));
    return 0;
}

int onoma__icu_run(const UTransliterator *t, onoma__ubuf *ub, const char *in, size_t n, onoma__buf *out)
{
    if (n > INT32_MAX / 8)
        return ONOMA_ERANGE;
    /* UTF-16 needs at most one unit per byte; the result may grow, so
     * leave room and retry larger when ICU says it needs more */
    int64_t room = (int64_t)n * 2 + 32;
    for (;;) {
        if (ubuf_reserve(ub, room))
            return ONOMA_ENOMEM;
        UErrorCode st = U_ZERO_ERROR;
        int32_t len = 0;
        u_strFromUTF8(ub->u, ub->cap, &len, in, (int32_t)n, &st);
        if (U_FAILURE(st))
            return ONOMA_EICU;
        int32_t limit = len;
        utrans_transUChars(t, ub->u, &len, ub->cap, 0, &limit, &st);
        if (st == U_BUFFER_OVERFLOW_ERROR) {
            room = (int64_t)ub->cap * 2;
            continue;
        }
        if (U_FAILURE(st))
            return ONOMA_EICU;
        int32_t need = 0;
        st = U_ZERO_ERROR;
        u_strToUTF8(NULL, 0, &need, ub->u, len, &st);
        if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
            return ONOMA_EICU;
        if (onoma__buf_reserve(out, (size_t)need + 1))
            return ONOMA_ENOMEM;
        st = U_ZERO_ERROR;
        u_strToUTF8(out->data + out->len, (int32_t)(out->cap - out->len), NULL, ub->u, len, &st);
        if (U_FAILURE(st))
            return ONOMA_EICU;
        out->len += (size_t)need;
        return 0;
    }
}
