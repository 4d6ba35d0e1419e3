#include "table/source.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"
#include "table/format.h"
#include "text/utf8.h"

int onoma__read_file(const char *path, char **data, size_t *len, onoma_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return onoma__error(err, errno == ENOENT ? ONOMA_ENOENT : ONOMA_EIO, path, 0, 0,
                            "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
        int e = S_ISDIR(st.st_mode) ? EISDIR : errno;
        close(fd);
        return onoma__error(err, ONOMA_EIO, path, 0, 0, "cannot read: %s", strerror(e));
    }
    size_t cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 4096, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        close(fd);
        return onoma__error(err, ONOMA_ENOMEM, path, 0, 0, NULL);
    }
    for (;;) {
        if (n + 1 >= cap) {
            char *nb = cap < SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
            if (!nb) {
                free(buf);
                close(fd);
                return onoma__error(err, ONOMA_ENOMEM, path, 0, 0, NULL);
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - n - 1);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(buf);
            close(fd);
            return onoma__error(err, ONOMA_EIO, path, 0, n, "read error: %s", strerror(e));
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = 0;
    *data = buf;
    *len = n;
    return 0;
}

static int set_meta(onoma__buf *b, const char *v, size_t n, int append)
{
    if (b->len && !append)
        b->len = 0;
    if (b->len) {
        b->len--; /* drop the NUL */
        if (onoma__buf_put(b, "; ", 2))
            return ONOMA_ENOMEM;
    }
    if (onoma__buf_put(b, v, n) || onoma__buf_putc(b, 0))
        return ONOMA_ENOMEM;
    return 0;
}

/* "# key: value" header lines before the first record. */
static int parse_meta(onoma__source *s, const char *line, size_t n, uint32_t lineno, onoma_error *err)
{
    size_t i = 1;
    while (i < n && line[i] == ' ')
        i++;
    size_t k0 = i;
    while (i < n && ((line[i] >= 'a' && line[i] <= 'z') || line[i] == '-' || line[i] == '_'))
        i++;
    if (i == k0 || i >= n || line[i] != ':')
        return 0; /* a plain comment */
    size_t k1 = i++;
    while (i < n && line[i] == ' ')
        i++;
    size_t vlen = n - i;
    while (vlen && line[i + vlen - 1] == ' ')
        vlen--;
    const char *key = line + k0, *v = line + i;
    size_t klen = k1 - k0;
#define IS(lit) (klen == sizeof(lit) - 1 && memcmp(key, lit, klen) == 0)
    int rc = 0;
    if (IS("name"))
        rc = set_meta(&s->name, v, vlen, 0);
    else if (IS("version"))
        rc = set_meta(&s->version, v, vlen, 0);
    else if (IS("license") || IS("licence"))
        rc = set_meta(&s->license, v, vlen, 1);
    else if (IS("source"))
        rc = set_meta(&s->source, v, vlen, 1);
    else if (IS("style"))
        rc = set_meta(&s->style, v, vlen, 0);
    else if (IS("kind") || IS("format")) {
        if (vlen == 5 && memcmp(v, "names", 5) == 0)
            s->kind = ONOMA__KIND_NAMES;
        else if (vlen == 5 && memcmp(v, "pairs", 5) == 0)
            s->kind = ONOMA__KIND_PAIRS;
        else if (vlen == 5 && memcmp(v, "style", 5) == 0)
            s->kind = ONOMA__KIND_STYLE;
        else
            return onoma__error(err, ONOMA_ETABLE, s->path, lineno, 0,
                                "unknown table kind '%.*s' (names, pairs or style)", (int)vlen, v);
    }
#undef IS
    return rc ? onoma__error(err, rc, s->path, lineno, 0, NULL) : 0;
}

/* A line-level problem: reported, remembered (the first one in err), skipped. */
typedef struct perr {
    onoma_diag_fn diag;
    void *ctx;
    onoma_error *err;
    int rc;
} perr;

static int line_error(perr *pe, int code, const char *path, uint32_t line, uint64_t off, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static int line_error(perr *pe, int code, const char *path, uint32_t line, uint64_t off, const char *fmt, ...)
{
    onoma_error e;
    onoma__error_clear(&e);
    e.code = code;
    snprintf(e.file, sizeof e.file, "%s", path);
    e.line = line;
    e.offset = off;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e.message, sizeof e.message, fmt, ap);
    va_end(ap);
    if (pe->diag)
        pe->diag(pe->ctx, &e);
    if (!pe->rc) {
        pe->rc = code;
        if (pe->err)
            *pe->err = e;
    }
    return code;
}

int onoma__source_parse(const char *path, char *data, size_t len, onoma__source **out, onoma_diag_fn diag,
                        void *ctx, onoma_error *err)
{
    perr pe = {diag, ctx, err, 0};
    onoma__source *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        free(data);
        return onoma__error(err, ONOMA_ENOMEM, path, 0, 0, NULL);
    }
    s->data = data;
    s->len = len;
    s->kind = -1;
    int rc = 0;
    size_t pos = 0;
    uint32_t lineno = 0;
    int in_header = 1;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        pos = 3; /* a BOM: allowed, ignored */
    while (pos < len) {
        lineno++;
        char *line = data + pos;
        char *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) : len - pos;
        pos += n + (nl ? 1 : 0);
        if (n && line[n - 1] == '\r')
            n--;
        if (n == 0)
            continue;
        size_t bad = onoma__utf8_check(line, n, 0);
        if (bad < n) {
            size_t at = (size_t)(line - data) + bad;
            line_error(&pe, line[bad] ? ONOMA_EUTF8 : ONOMA_ENUL, path, lineno, at,
                       line[bad] ? "invalid UTF-8 at byte %zu" : "NUL byte at byte %zu", at);
            continue;
        }
        if (line[0] == '#') {
            onoma_error me;
            if (in_header && (rc = parse_meta(s, line, n, lineno, &me))) {
                if (rc == ONOMA_ENOMEM)
                    goto fail;
                line_error(&pe, rc, path, lineno, 0, "%s", me.message);
                rc = 0;
            }
            continue;
        }
        in_header = 0;
        onoma__record r = {.line = lineno};
        size_t f0 = 0;
        for (size_t i = 0; i <= n; i++) {
            if (i < n && line[i] != '\t') {
                unsigned char c = (unsigned char)line[i];
                if (c < 0x20 || c == 0x7F) {
                    line_error(&pe, ONOMA_ETABLE, path, lineno, (size_t)(line - data) + i,
                               "control character U+%04X in a field", c);
                    r.nf = -1;
                    break;
                }
                continue;
            }
            if (r.nf == 5) {
                line_error(&pe, ONOMA_ETABLE, path, lineno, (size_t)(line - data) + i,
                           "too many fields (at most 5: id, type, canonical, variants, styles)");
                r.nf = -1;
                break;
            }
            r.f[r.nf].p = line + f0;
            r.f[r.nf].len = (uint32_t)(i - f0);
            r.nf++;
            f0 = i + 1;
        }
        if (r.nf < 0)
            continue;
        if (s->kind < 0)
            s->kind = r.nf == 2 ? ONOMA__KIND_PAIRS : ONOMA__KIND_NAMES;
        int want_lo = s->kind == ONOMA__KIND_NAMES ? 3 : 2, want_hi = s->kind == ONOMA__KIND_NAMES ? 5 : 2;
        if (r.nf < want_lo || r.nf > want_hi) {
            static const char *const shape[] = {"id, type, canonical[, variants[, styles]]",
                                                "variant, canonical", "id, canonical form"};
            line_error(&pe, ONOMA_ETABLE, path, lineno, (size_t)(line - data),
                       "malformed line: %d field%s, expected %s", r.nf, r.nf == 1 ? "" : "s", shape[s->kind]);
            continue;
        }
        if (len > UINT32_MAX) {
            rc = line_error(&pe, ONOMA_ERANGE, path, lineno, 0, "table file over 4 GB");
            goto fail;
        }
        if (s->nrec == s->caprec) {
            size_t nc = s->caprec ? s->caprec * 2 : 64;
            onoma__line *nr = realloc(s->rec, nc * sizeof *nr);
            if (!nr) {
                rc = onoma__error(err, ONOMA_ENOMEM, path, lineno, 0, NULL);
                goto fail;
            }
            s->rec = nr;
            s->caprec = nc;
        }
        s->rec[s->nrec++] = (onoma__line){(uint32_t)(line - data), lineno};
    }
    if (s->kind < 0)
        s->kind = ONOMA__KIND_NAMES;
    if (s->kind == ONOMA__KIND_STYLE && !s->style.len) {
        rc = line_error(&pe, ONOMA_ETABLE, path, 0, 0, "a style table needs a '# style: NAME' line");
        goto fail;
    }
    if (!s->name.len) {
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        size_t bl = strlen(base);
        const char *dot = strrchr(base, '.');
        if (dot && dot != base)
            bl = (size_t)(dot - base);
        if (set_meta(&s->name, base, bl, 0)) {
            rc = onoma__error(err, ONOMA_ENOMEM, path, 0, 0, NULL);
            goto fail;
        }
    }
    *out = s;
    return pe.rc;
fail:
    onoma__source_free(&s);
    return rc;
}

void onoma__source_record(const onoma__source *s, size_t i, onoma__record *out)
{
    const char *line = s->data + s->rec[i].off;
    const char *nl = memchr(line, '\n', s->len - s->rec[i].off);
    size_t n = nl ? (size_t)(nl - line) : s->len - s->rec[i].off;
    if (n && line[n - 1] == '\r')
        n--;
    out->nf = 0;
    out->line = s->rec[i].line;
    size_t f0 = 0;
    for (size_t k = 0; k <= n && out->nf < 5; k++) {
        if (k < n && line[k] != '\t')
            continue;
        out->f[out->nf].p = line + f0;
        out->f[out->nf].len = (uint32_t)(k - f0);
        out->nf++;
        f0 = k + 1;
    }
}

int onoma__source_load(const char *path, onoma__source **out, onoma_diag_fn diag, void *ctx, onoma_error *err)
{
    char *data;
    size_t len;
    *out = NULL;
    int rc = onoma__read_file(path, &data, &len, err);
    if (rc)
        return rc;
    return onoma__source_parse(path, data, len, out, diag, ctx, err);
}

void onoma__source_free(onoma__source **sp)
{
    onoma__source *s = sp ? *sp : NULL;
    if (!s)
        return;
    free(s->path);
    free(s->data);
    free(s->rec);
    onoma__buf_free(&s->name);
    onoma__buf_free(&s->version);
    onoma__buf_free(&s->license);
    onoma__buf_free(&s->source);
    onoma__buf_free(&s->style);
    free(s);
    *sp = NULL;
}
