/* Ordered parallel processing of a byte stream (--jobs N).
 *
 * The input is cut into chunks that end at a line end; workers, each with
 * state of its own, turn chunks into output bytes (and side data, such as
 * recorded events); the calling thread writes them in input order, after
 * replaying their side data. At most 2N chunks are in flight, so memory
 * stays bounded. A line longer than ONOMA__PIPE_MAX_CHUNK has no place to
 * cut: from there on the input is streamed on the calling thread. */
#ifndef ONOMA_IO_PIPELINE_H
#define ONOMA_IO_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "onoma.h"
#include "common/buf.h"

#define ONOMA__PIPE_CHUNK (4u << 20)
#define ONOMA__PIPE_MAX_CHUNK (64u << 20)

typedef struct onoma__chunk {
    const char *data;
    size_t len;
    uint64_t base; /* absolute offset of data[0] in the input */
    uint64_t line; /* 1-based line of data[0] */
    int final;     /* the last chunk of the input (it may not end with a newline) */
} onoma__chunk;

typedef struct onoma__pipeline_ops {
    /* Per-worker state made from the caller's prototype. */
    int (*worker_new)(void *proto, void **worker, onoma_error *err);
    void (*worker_free)(void *worker);
    /* One chunk: output bytes into out, side data into aux. */
    int (*run)(void *worker, const onoma__chunk *c, onoma__buf *out, onoma__buf *aux, onoma_error *err);
    /* On the calling thread, in input order, before the chunk's output (may be NULL). */
    int (*replay)(void *proto, const onoma__buf *aux);
    /* The streaming fallback on the calling thread: begin at base/line, then
     * feed pieces; the last one has final set. */
    void (*stream_begin)(void *proto, uint64_t base, uint64_t line);
    int (*stream_feed)(void *proto, const char *data, size_t len, int final, onoma_write_fn sink, void *ctx,
                       onoma_error *err);
} onoma__pipeline_ops;

/* Reads up to cap bytes: the count, 0 at the end, or a negative ONOMA_E*
 * code with err filled. */
typedef long (*onoma__pipe_read_fn)(void *ctx, char *buf, size_t cap, onoma_error *err);

int onoma__pipeline(const onoma__pipeline_ops *ops, void *proto, unsigned jobs, onoma__pipe_read_fn read,
                    void *rctx, onoma_write_fn sink, void *ctx, const char *name, onoma_error *err);

/* A reader over a file descriptor, for onoma__pipeline. */
typedef struct onoma__fd_reader {
    int fd;
    const char *name;
    uint64_t pos;
} onoma__fd_reader;
long onoma__fd_read(void *ctx, char *buf, size_t cap, onoma_error *err);

#endif
