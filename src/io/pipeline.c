#include "io/pipeline.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"

long onoma__fd_read(void *ctx, char *buf, size_t cap, onoma_error *err)
{
    onoma__fd_reader *r = ctx;
    for (;;) {
        ssize_t n = read(r->fd, buf, cap);
        if (n >= 0) {
            r->pos += (uint64_t)n;
            return (long)n;
        }
        if (errno != EINTR)
            return onoma__error(err, ONOMA_EIO, r->name, 0, r->pos, "read error: %s", strerror(errno));
    }
}

typedef struct item {
    onoma__buf in, out, aux;
    onoma__chunk c;
    int rc;
    onoma_error err;
    int state; /* 0 queued, 1 taken, 2 done */
    struct item *next;
} item;

typedef struct pool {
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    item *head, *tail; /* in input order */
    int stop;
    const onoma__pipeline_ops *ops;
    void *proto;
} pool;

static void *worker(void *arg)
{
    pool *p = arg;
    void *w = NULL;
    onoma_error e;
    int ok = p->ops->worker_new(p->proto, &w, &e) == 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        item *it = p->head;
        while (it && it->state != 0)
            it = it->next;
        if (!it) {
            if (p->stop)
                break;
            pthread_cond_wait(&p->work, &p->mu);
            continue;
        }
        it->state = 1;
        pthread_mutex_unlock(&p->mu);
        it->out.len = it->aux.len = 0;
        onoma__error_clear(&it->err);
        it->c.data = it->in.data;
        it->c.len = it->in.len;
        if (ok)
            it->rc = p->ops->run(w, &it->c, &it->out, &it->aux, &it->err);
        else
            it->rc = onoma__error(&it->err, e.code ? e.code : ONOMA_ENOMEM, NULL, 0, 0, "%s", e.message);
        pthread_mutex_lock(&p->mu);
        it->state = 2;
        pthread_cond_broadcast(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    if (ok)
        p->ops->worker_free(w);
    return NULL;
}

static void free_item(item *it)
{
    onoma__buf_free(&it->in);
    onoma__buf_free(&it->out);
    onoma__buf_free(&it->aux);
    free(it);
}

/* Wait for the oldest chunk, replay and write it, put it on the free list
 * (its buffers are reused: no new allocation per chunk). */
static int retire(pool *p, onoma_write_fn sink, void *ctx, onoma_error *err, item **spare)
{
    pthread_mutex_lock(&p->mu);
    item *it = p->head;
    while (it->state != 2)
        pthread_cond_wait(&p->done, &p->mu);
    p->head = it->next;
    if (!p->head)
        p->tail = NULL;
    pthread_mutex_unlock(&p->mu);
    int rc = 0;
    if (p->ops->replay)
        rc = p->ops->replay(p->proto, &it->aux);
    if (!rc && it->out.len) {
        int r = sink(ctx, it->out.data, it->out.len);
        rc = r ? (r < 0 ? r : ONOMA_EABORTED) : 0;
    }
    if (!rc && it->rc) {
        rc = it->rc;
        if (err)
            *err = it->err;
    }
    it->next = *spare;
    *spare = it;
    return rc;
}

static size_t count_lines(const char *s, size_t n)
{
    size_t c = 0;
    for (const char *q = s, *end = s + n; (q = memchr(q, '\n', (size_t)(end - q))) != NULL; q++)
        c++;
    return c;
}

/* The streaming fallback: carry first, then the rest of the input. */
static int stream_rest(const onoma__pipeline_ops *ops, void *proto, onoma__buf *carry, int eof,
                       onoma__pipe_read_fn read, void *rctx, onoma_write_fn sink, void *ctx, const char *name,
                       onoma_error *err)
{
    int rc = ops->stream_feed(proto, carry->data, carry->len, eof, sink, ctx, err);
    char *buf = NULL;
    if (!rc && !eof && !(buf = malloc(ONOMA__PIPE_CHUNK)))
        rc = onoma__error(err, ONOMA_ENOMEM, name, 0, 0, NULL);
    while (!rc && !eof) {
        long r = read(rctx, buf, ONOMA__PIPE_CHUNK, err);
        if (r < 0) {
            rc = (int)r;
            break;
        }
        eof = r == 0;
        rc = ops->stream_feed(proto, buf, (size_t)r, eof, sink, ctx, err);
    }
    free(buf);
    return rc;
}

int onoma__pipeline(const onoma__pipeline_ops *ops, void *proto, unsigned jobs, onoma__pipe_read_fn read,
                    void *rctx, onoma_write_fn sink, void *ctx, const char *name, onoma_error *err)
{
    pool p;
    memset(&p, 0, sizeof p);
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.work, NULL);
    pthread_cond_init(&p.done, NULL);
    p.ops = ops;
    p.proto = proto;
    unsigned started = 0;
    pthread_t *th = calloc(jobs ? jobs : 1, sizeof *th);
    int rc = th ? 0 : onoma__error(err, ONOMA_ENOMEM, name, 0, 0, NULL);
    for (; th && started < jobs; started++)
        if (pthread_create(&th[started], NULL, worker, &p) != 0)
            break;
    if (!rc && !started)
        rc = onoma__error(err, ONOMA_ENOMEM, name, 0, 0, "cannot start threads");
    int eof = 0, stream = 0;
    size_t inflight = 0;
    uint64_t base = 0, line = 1;
    onoma__buf carry = {0};
    item *spare = NULL;
    while (!rc && !eof && !stream) {
        item *it = spare ? spare : calloc(1, sizeof *it);
        if (spare)
            spare = spare->next;
        if (!it) {
            rc = onoma__error(err, ONOMA_ENOMEM, name, 0, 0, NULL);
            break;
        }
        it->in.len = 0;
        it->rc = 0;
        it->state = 0;
        it->next = NULL;
        memset(&it->c, 0, sizeof it->c);
        if (onoma__buf_put(&it->in, carry.data, carry.len)) {
            free_item(it);
            rc = onoma__error(err, ONOMA_ENOMEM, name, 0, 0, NULL);
            break;
        }
        carry.len = 0;
        const char *nl = NULL;
        size_t scanned = 0;
        while (!rc) {
            if (it->in.len >= ONOMA__PIPE_CHUNK) {
                nl = memrchr(it->in.data + scanned, '\n', it->in.len - scanned);
                if (nl)
                    break;
                scanned = it->in.len;
                if (it->in.len >= ONOMA__PIPE_MAX_CHUNK)
                    break;
            }
            if (onoma__buf_reserve(&it->in, ONOMA__PIPE_CHUNK)) {
                rc = onoma__error(err, ONOMA_ENOMEM, name, 0, 0, NULL);
                break;
            }
            long r = read(rctx, it->in.data + it->in.len, it->in.cap - it->in.len, err);
            if (r < 0) {
                rc = (int)r;
                break;
            }
            if (r == 0) {
                eof = 1;
                break;
            }
            it->in.len += (size_t)r;
        }
        if (rc) {
            free_item(it);
            break;
        }
        if (!eof && !nl) {
            /* a line longer than the longest chunk: finish the chunks in flight, then stream */
            stream = 1;
            while (!rc && inflight) {
                rc = retire(&p, sink, ctx, err, &spare);
                inflight--;
            }
            if (!rc && onoma__buf_put(&carry, it->in.data, it->in.len))
                rc = onoma__error(err, ONOMA_ENOMEM, name, 0, 0, NULL);
            free_item(it);
            break;
        }
        if (nl && !eof) {
            size_t cut = (size_t)(nl - it->in.data) + 1;
            if (onoma__buf_put(&carry, it->in.data + cut, it->in.len - cut)) {
                free_item(it);
                rc = onoma__error(err, ONOMA_ENOMEM, name, 0, 0, NULL);
                break;
            }
            it->in.len = cut;
        }
        it->c.base = base;
        it->c.line = line;
        it->c.final = eof;
        base += it->in.len;
        line += count_lines(it->in.data, it->in.len);
        pthread_mutex_lock(&p.mu);
        if (p.tail)
            p.tail->next = it;
        else
            p.head = it;
        p.tail = it;
        pthread_cond_signal(&p.work);
        pthread_mutex_unlock(&p.mu);
        inflight++;
        while (!rc && (inflight >= 2 * (size_t)started || (eof && inflight))) {
            rc = retire(&p, sink, ctx, err, &spare);
            inflight--;
        }
    }
    /* stop the workers; drop what is still queued after an error */
    pthread_mutex_lock(&p.mu);
    p.stop = 1;
    pthread_cond_broadcast(&p.work);
    pthread_mutex_unlock(&p.mu);
    for (unsigned i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    free(th);
    while (p.head) {
        item *n = p.head->next;
        free_item(p.head);
        p.head = n;
    }
    while (spare) {
        item *n = spare->next;
        free_item(spare);
        spare = n;
    }
    if (!rc && stream) {
        ops->stream_begin(proto, base, line);
        rc = stream_rest(ops, proto, &carry, eof, read, rctx, sink, ctx, name, err);
    }
    onoma__buf_free(&carry);
    pthread_mutex_destroy(&p.mu);
    pthread_cond_destroy(&p.work);
    pthread_cond_destroy(&p.done);
    return rc;
}
