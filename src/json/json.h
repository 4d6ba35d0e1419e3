/* A small, strict JSON reader (RFC 8259) and the writing helpers the LSP
 * server needs. The reader builds a tree in one arena per document: no
 * trailing commas, no comments, no leading zeros, no lone surrogates, no raw
 * control characters, valid UTF-8 only, no duplicate keys, nesting at most
 * ONOMA__JSON_MAX_DEPTH. */
#ifndef ONOMA_JSON_JSON_H
#define ONOMA_JSON_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "onoma.h"
#include "common/buf.h"

#define ONOMA__JSON_MAX_DEPTH 128

enum { ONOMA__JSON_NULL, ONOMA__JSON_BOOL, ONOMA__JSON_NUMBER, ONOMA__JSON_STRING, ONOMA__JSON_ARRAY, ONOMA__JSON_OBJECT };

typedef struct onoma__json onoma__json;

typedef struct onoma__json_member {
    const char *key;
    size_t key_len;
    onoma__json *val;
} onoma__json_member;

struct onoma__json {
    int type;
    int is_int;     /* NUMBER: an integer that fits int64 */
    int b;          /* BOOL */
    int64_t i;      /* NUMBER, when is_int */
    double num;     /* NUMBER */
    const char *s;  /* STRING: decoded UTF-8, NUL-terminated (may hold NUL bytes: use len) */
    size_t len;     /* STRING: bytes; ARRAY / OBJECT: elements */
    onoma__json **items;        /* ARRAY */
    onoma__json_member *members; /* OBJECT, in document order */
};

typedef struct onoma__json_block onoma__json_block;
typedef struct onoma__json_doc {
    onoma__json *root;
    onoma__json_block *blocks;
} onoma__json_doc;

/* Parse s[0..n) as one JSON text. On error returns ONOMA_EINVAL (or
 * ONOMA_ENOMEM) with the byte offset and a message in err. */
int onoma__json_parse(const char *s, size_t n, onoma__json_doc *doc, onoma_error *err);
void onoma__json_doc_free(onoma__json_doc *doc);

/* Accessors: NULL / 0 when the value is absent or of another type. */
const onoma__json *onoma__json_get(const onoma__json *obj, const char *key);
const onoma__json *onoma__json_path(const onoma__json *obj, const char *const *keys, size_t n);
const char *onoma__json_str(const onoma__json *v, size_t *len);
int onoma__json_int(const onoma__json *v, int64_t *out); /* 0 ok, -1 not an integer */
int onoma__json_is(const onoma__json *v, int type);

/* Writing: a JSON string (quoted, escaped; UTF-8 passes through). */
int onoma__json_put_str(onoma__buf *b, const char *s, size_t n);
/* Re-serialize a value (compact). */
int onoma__json_put_value(onoma__buf *b, const onoma__json *v);

#endif
