/* A text table parsed into records (fields point into the file's bytes). */
#ifndef ONOMA_TABLE_SOURCE_H
#define ONOMA_TABLE_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "onoma.h"
#include "common/buf.h"

typedef struct onoma__field {
    const char *p;
    uint32_t len;
} onoma__field;

typedef struct onoma__record {
    onoma__field f[5]; /* names: id type canonical variants styles; pairs: variant canonical; style: id form */
    int nf;
    uint32_t line;
} onoma__record;

/* A parsed line, kept small (a table may have millions): where it starts;
 * its fields are split again on demand by onoma__source_record. */
typedef struct onoma__line {
    uint32_t off, line;
} onoma__line;

typedef struct onoma__source {
    char *path;
    char *data; /* the file's bytes, NUL-terminated */
    size_t len;
    int kind;   /* ONOMA__KIND_* */
    onoma__buf name, version, license, source, style; /* metadata (NUL-terminated when set) */
    onoma__line *rec;
    size_t nrec, caprec;
} onoma__source;

/* The fields of record i (a line that parsed well). */
void onoma__source_record(const onoma__source *s, size_t i, onoma__record *out);

/* Read and parse a text table. A bad line is reported to diag (may be NULL)
 * and skipped; the parse goes on, so that every error is listed. On return
 * *out holds the good lines even when the result is an error (free it). */
int onoma__source_load(const char *path, onoma__source **out, onoma_diag_fn diag, void *ctx, onoma_error *err);
/* Parse bytes (takes ownership of data, which must have len + 1 bytes, NUL last). */
int onoma__source_parse(const char *path, char *data, size_t len, onoma__source **out, onoma_diag_fn diag,
                        void *ctx, onoma_error *err);
void onoma__source_free(onoma__source **s);

/* Read a whole file into a NUL-terminated malloc'd buffer. */
int onoma__read_file(const char *path, char **data, size_t *len, onoma_error *err);

#endif
