/* The public face of the key engine (onoma_keyrules, onoma_keyer): handles
 * around the engine's objects, shared with the modules that key names
 * themselves (normalize --fuzzy, cluster). */
#ifndef ONOMA_KEY_API_H
#define ONOMA_KEY_API_H

#include <stdint.h>

#include "onoma.h"
#include "key/key.h"

struct onoma_keyrules {
    onoma__keyrules *r;
    uint64_t id; /* unique per load in this process: caches built from the rules name it */
};

struct onoma_keyer {
    onoma__keyer *k;
    const onoma_keyrules *rules;
    /* native script goes through the library's transliteration (NULL when
     * it cannot start: then the engine's ICU transliteration serves) */
    onoma_translit *tr;
    struct onoma__buf *tbuf;
    uint64_t digest; /* onoma__keyer_digest, 0 until asked */
};

/* Map an engine error (ONOMA__KEY_E*) onto an ONOMA_E* code, filling err. */
int onoma__key_error(int code, onoma_error *err);

/* A keyer for the rules with engine flags (language already resolved),
 * with the library's transliteration hook set when it has one. */
int onoma__keyer_make(const onoma_keyrules *r, unsigned flags, onoma_keyer **out, onoma_error *err);

/* What the keys of k depend on: its rules' digest, and whether and with
 * which schemes it transliterates (a hash of their files). Key indexes
 * stored in compiled tables are used only under the same digest. */
uint64_t onoma__keyer_digest(onoma_keyer *k);

/* The key of a name into b (replacing its contents; no NUL counted in
 * b->len). 0 or an ONOMA_E* code. No UTF-8 check: the engine reads
 * invalid bytes as separators. */
struct onoma__buf;
int onoma__key_buf(onoma_keyer *k, const char *name, size_t len, struct onoma__buf *b);

#endif
