/* The normalizer's state, shared by normalize.c (the scanner and the
 * rewriting) and parallel.c (--jobs). */
#ifndef ONOMA_NORMALIZE_NORMALIZE_H
#define ONOMA_NORMALIZE_NORMALIZE_H

#include "onoma.h"
#include "common/buf.h"
#include "table/tables.h"

/* Bytes of text a match may span, and so how far the scanner must see past
 * a word start before it decides (when the line is not complete yet). */
#define ONOMA__LOOKAHEAD (64 * 1024)
/* Bytes kept before the scan position for looking back (guards). */
#define ONOMA__CONTEXT 128

struct onoma_normalizer {
    const onoma_tables *t;
    unsigned flags;
    unsigned jobs;
    uint32_t style;
    int idx;               /* ONOMA__IDX_EXACT or ONOMA__IDX_FOLD */
    uint32_t max_key_len;  /* over the layers */
    onoma_event_fn on_event;
    void *ev_ctx;
    char *name;            /* input name for messages */

    onoma__buf in;         /* context + carried bytes + newly fed ones */
    size_t start;          /* in.data[0..start) is context, already written */
    uint64_t base;         /* absolute offset of in.data[0] (or of the buffer being scanned) */

    uint64_t track_pos;    /* line tracking: absolute offset counted up to */
    uint64_t line;         /* 1-based line at track_pos */
    uint64_t col;          /* characters from the line's start to track_pos */

    onoma__buf fold, rep, tmp;
    /* the pair filters of all layers merged, and the byte classes of this mode */
    unsigned char cls[256];
    int lower_rule; /* lower-case words match lower-case spellings only */
    uint64_t pair[1024], lpair[1024];
};

/* Scan s[start..n) (s[0] is at absolute offset nz->base; s[0..start) is
 * context, already written). Emits output up to *consumed; when not final,
 * stops at a word start whose line is incomplete and has less than the
 * lookahead after it. */
int onoma__scan(onoma_normalizer *nz, const char *s, size_t n, size_t start, int final, size_t *consumed,
                onoma_write_fn sink, void *ctx, onoma_error *err);

/* Move line tracking forward over s[from..to) (absolute offsets; s holds the
 * bytes at nz->base). */
void onoma__track(onoma_normalizer *nz, const char *s, uint64_t to);

/* Scan what is buffered in nz->in; keep the unscanned rest, and up to
 * ONOMA__CONTEXT bytes before it (already written) for the look-back of
 * guards. */
int onoma__consume(onoma_normalizer *nz, int final, onoma_write_fn sink, void *ctx, onoma_error *err);

/* Reset the per-input state (offsets, lines) for a new input. */
void onoma__normalizer_reset(onoma_normalizer *nz);

int onoma__normalize_fd_parallel(onoma_normalizer *nz, int fd, onoma_write_fn sink, void *ctx, onoma_error *err);

#endif
