/* Helpers shared by the unit tests. */
#ifndef ONOMA_TEST_UTIL_H
#define ONOMA_TEST_UTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "onoma.h"

/* Write text to a new temporary file with the given suffix; returns its path (static buffer per call slot). */
static inline const char *tmp_file(const char *text, size_t len, const char *suffix)
{
    static char paths[8][64];
    static int slot;
    char *p = paths[slot++ % 8];
    snprintf(p, 64, "/tmp/onoma-test-XXXXXX%s", suffix);
    int fd = mkstemps(p, (int)strlen(suffix));
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
    close(fd);
    return p;
}

static inline onoma_tables *open_text_table(const char *tsv)
{
    const char *path = tmp_file(tsv, strlen(tsv), ".tsv");
    onoma_tables *t = NULL;
    onoma_error e;
    int rc = onoma_tables_open(&path, 1, 0, &t, &e);
    ck_assert_msg(rc == 0, "open: %s:%llu: %s", e.file, (unsigned long long)e.line, e.message);
    unlink(path);
    return t;
}

/* Normalize s with the tables and flags; returns a malloc'd string. */
static inline char *norm(const onoma_tables *t, unsigned flags, const char *style, const char *s)
{
    onoma_options o = {flags, style, 1, NULL};
    char *out = NULL;
    size_t n;
    onoma_error e;
    int rc = onoma_normalize(t, &o, s, strlen(s), &out, &n, &e);
    ck_assert_msg(rc == 0, "normalize: %s", e.message);
    ck_assert_uint_eq(strlen(out), n);
    return out;
}

#define ck_norm(t, flags, in, want)                                                                         \
    do {                                                                                                    \
        char *got_ = norm((t), (flags), NULL, (in));                                                        \
        ck_assert_str_eq(got_, (want));                                                                     \
        free(got_);                                                                                         \
    } while (0)

static inline char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    ck_assert_int_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = 0;
    fclose(f);
    if (len)
        *len = (size_t)n;
    return buf;
}

#endif
