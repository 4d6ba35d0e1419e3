/* --jobs N: the input is cut into chunks that end at a line end (lines are
 * independent for matching), workers normalize chunks with normalizers of
 * their own over the shared tables, and the calling thread writes the
 * chunks' output and replays their events in input order. At most 2N
 * chunks are in flight, so memory stays bounded. A line longer than
 * MAX_ITEM has no place to cut: from there on the input is streamed on the
 * calling thread. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "normalize/normalize.h"

#define CHUNK (4u << 20)
#define MAX_ITEM (64u << 20)

typedef struct item {
    onoma__buf in, out, ev; /* ev: recorded events */
    uint64_t base, line;
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
    onoma_normalizer *proto;
} pool;

/* Events are recorded as a fixed header and their strings, then replayed. */
typedef struct rec_hdr {
    onoma_event ev;
    size_t size; /* bytes of this record */
} rec_hdr;

static int put_str(onoma__buf *b, const char *s, size_t n, size_t *off)
{
    *off = b->len;
    return onoma__buf_put(b, s ? s : "", s ? n : 0) || onoma__buf_putc(b, 0) ? ONOMA_ENOMEM : 0;
}

static int record_event(void *ctx, const onoma_event *ev)
{
    onoma__buf *b = ctx;
    size_t start = b->len, o[6];
    rec_hdr h;
    memset(&h, 0, sizeof h);
    if (onoma__buf_put(b, &h, sizeof h))
        return ONOMA_ENOMEM;
    size_t nc = ev->ncandidates;
    size_t *co = nc ? malloc(3 * nc * sizeof *co) : NULL;
    if (nc && !co)
        return ONOMA_ENOMEM;
    int rc = put_str(b, ev->from, ev->from_len, &o[0]) || put_str(b, ev->to, ev->to_len, &o[1]) ||
             put_str(b, ev->id, ev->id ? strlen(ev->id) : 0, &o[2]) ||
             put_str(b, ev->canonical, ev->canonical ? strlen(ev->canonical) : 0, &o[3]) ||
             put_str(b, ev->display, ev->display ? strlen(ev->display) : 0, &o[4]) ||
             put_str(b, ev->type, ev->type ? strlen(ev->type) : 0, &o[5]);
    for (size_t i = 0; i < nc && !rc; i++)
        rc = put_str(b, ev->candidates[i].id, strlen(ev->candidates[i].id), &co[3 * i]) ||
             put_str(b, ev->candidates[i].canonical, strlen(ev->candidates[i].canonical), &co[3 * i + 1]) ||
             put_str(b, ev->candidates[i].display, strlen(ev->candidates[i].display), &co[3 * i + 2]);
    if (!rc && nc)
        rc = onoma__buf_put(b, co, 3 * nc * sizeof *co);
    free(co);
    if (rc)
        return ONOMA_ENOMEM;
    /* offsets travel in the pointer fields until replay */
    h.ev = *ev;
    h.ev.from = (const char *)(uintptr_t)(o[0] - start);
    h.ev.to = (const char *)(uintptr_t)(o[1] - start);
    h.ev.id = (const char *)(uintptr_t)(o[2] - start);
    h.ev.canonical = (const char *)(uintptr_t)(o[3] - start);
    h.ev.display = (const char *)(uintptr_t)(o[4] - start);
    h.ev.type = (const char *)(uintptr_t)(o[5] - start);
    h.ev.candidates = NULL;
    h.size = b->len - start;
    memcpy(b->data + start, &h, sizeof h);
    return 0;
}

static int replay_events(const onoma__buf *b, onoma_event_fn fn, void *ctx)
{
    for (size_t pos = 0; pos < b->len;) {
        rec_hdr h;
        memcpy(&h, b->data + pos, sizeof h);
        const char *base = b->data + pos;
        onoma_event ev = h.ev;
        ev.from = base + (uintptr_t)h.ev.from;
        ev.to = base + (uintptr_t)h.ev.to;
        ev.id = base + (uintptr_t)h.ev.id;
        ev.canonical = base + (uintptr_t)h.ev.canonical;
        ev.display = base + (uintptr_t)h.ev.display;
        ev.type = base + (uintptr_t)h.ev.type;
        if (ev.kind == ONOMA_EVENT_REWRITE) {
            ev.to_len = h.ev.to_len;
        } else {
            ev.to = NULL;
            ev.id = NULL;
            ev.canonical = NULL;
            ev.display = NULL;
            ev.type = NULL;
        }
        onoma_candidate cs[64];
        size_t nc = ev.ncandidates < 64 ? ev.ncandidates : 64;
        if (nc) {
            size_t co[3 * 64];
            memcpy(co, base + h.size - 3 * ev.ncandidates * sizeof(size_t), 3 * nc * sizeof(size_t));
            for (size_t i = 0; i < nc; i++) {
                cs[i].id = b->data + co[3 * i];
                cs[i].canonical = b->data + co[3 * i + 1];
                cs[i].display = b->data + co[3 * i + 2];
            }
            ev.candidates = cs;
            ev.ncandidates = nc;
        }
        int r = fn(ctx, &ev);
        if (r)
            return r < 0 ? r : ONOMA_EABORTED;
        pos += h.size;
    }
    return 0;
}

static int to_buf(void *ctx, const char *p, size_t n) { return onoma__buf_put(ctx, p, n); }

static void run_item(onoma_normalizer *nz, item *it)
{
    onoma__normalizer_reset(nz);
    nz->base = nz->track_pos = it->base;
    nz->line = it->line;
    it->out.len = 0;
    it->ev.len = 0;
    size_t used;
    onoma__error_clear(&it->err);
    if (onoma__buf_reserve(&it->out, it->in.len + it->in.len / 8 + 64)) {
        it->rc = onoma__error(&it->err, ONOMA_ENOMEM, nz->name, 0, 0, NULL);
        return;
    }
    it->rc = onoma__scan(nz, it->in.data, it->in.len, 0, 1, &used, to_buf, &it->out, &it->err);
}

static void *worker(void *arg)
{
    pool *p = arg;
    onoma_normalizer *nz = NULL;
    onoma_options o = {p->proto->flags, NULL, 1};
    onoma_error e;
    int ok = onoma_normalizer_new(p->proto->t, &o, &nz, &e) == 0;
    if (ok) {
        nz->style = p->proto->style;
        onoma_normalizer_set_name(nz, p->proto->name);
    }
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
        if (ok) {
            if (p->proto->on_event)
                onoma_normalizer_on_event(nz, record_event, &it->ev);
            run_item(nz, it);
        } else {
            it->rc = onoma__error(&it->err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
        }
        pthread_mutex_lock(&p->mu);
        it->state = 2;
        pthread_cond_broadcast(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    onoma_normalizer_free(&nz);
    return NULL;
}

static void free_item(item *it)
{
    onoma__buf_free(&it->in);
    onoma__buf_free(&it->out);
    onoma__buf_free(&it->ev);
    free(it);
}

/* Wait for the oldest chunk, write it, put it on the free list *spare (its
 * buffers are reused: no new allocation per chunk). */
static int retire(pool *p, onoma_normalizer *nz, onoma_write_fn sink, void *ctx, onoma_error *err, item **spare)
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
    if (nz->on_event)
        rc = replay_events(&it->ev, nz->on_event, nz->ev_ctx);
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
    for (const char *p = s, *end = s + n; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
        c++;
    return c;
}

int onoma__normalize_fd_parallel(onoma_normalizer *nz, int fd, onoma_write_fn sink, void *ctx, onoma_error *err)
{
    pool p;
    memset(&p, 0, sizeof p);
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.work, NULL);
    pthread_cond_init(&p.done, NULL);
    p.proto = nz;
    unsigned nthreads = nz->jobs, started = 0;
    pthread_t *th = calloc(nthreads, sizeof *th);
    if (!th)
        return onoma__error(err, ONOMA_ENOMEM, nz->name, 0, 0, NULL);
    for (; started < nthreads; started++)
        if (pthread_create(&th[started], NULL, worker, &p) != 0)
            break;
    int rc = 0, eof = 0, stream = 0;
    size_t inflight = 0;
    uint64_t base = 0, line = 1;
    onoma__buf carry = {0};
    item *spare = NULL;
    if (!started)
        rc = onoma__error(err, ONOMA_ENOMEM, nz->name, 0, 0, "cannot start threads");
    while (!rc && !eof && !stream) {
        item *it = spare ? spare : calloc(1, sizeof *it);
        if (spare)
            spare = spare->next;
        if (!it) {
            rc = onoma__error(err, ONOMA_ENOMEM, nz->name, 0, 0, NULL);
            break;
        }
        it->in.len = 0;
        it->rc = 0;
        it->state = 0;
        it->next = NULL;
        if (onoma__buf_put(&it->in, carry.data, carry.len)) {
            free_item(it);
            rc = onoma__error(err, ONOMA_ENOMEM, nz->name, 0, 0, NULL);
            break;
        }
        carry.len = 0;
        const char *nl = NULL;
        size_t scanned = 0;
        while (!rc) {
            if (it->in.len >= CHUNK) {
                nl = memrchr(it->in.data + scanned, '\n', it->in.len - scanned);
                if (nl)
                    break;
                scanned = it->in.len;
                if (it->in.len >= MAX_ITEM)
                    break;
            }
            if (onoma__buf_reserve(&it->in, CHUNK)) {
                rc = onoma__error(err, ONOMA_ENOMEM, nz->name, 0, 0, NULL);
                break;
            }
            ssize_t r = read(fd, it->in.data + it->in.len, it->in.cap - it->in.len);
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0) {
                rc = onoma__error(err, ONOMA_EIO, nz->name, 0, base + it->in.len, "read error: %s", strerror(errno));
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
            /* a line longer than MAX_ITEM: finish the chunks in flight, then stream */
            stream = 1;
            while (!rc && inflight) {
                rc = retire(&p, nz, sink, ctx, err, &spare);
                inflight--;
            }
            if (!rc && onoma__buf_put(&carry, it->in.data, it->in.len))
                rc = onoma__error(err, ONOMA_ENOMEM, nz->name, 0, 0, NULL);
            free_item(it);
            break;
        }
        if (nl) {
            size_t cut = (size_t)(nl - it->in.data) + 1;
            if (onoma__buf_put(&carry, it->in.data + cut, it->in.len - cut)) {
                free_item(it);
                rc = onoma__error(err, ONOMA_ENOMEM, nz->name, 0, 0, NULL);
                break;
            }
            it->in.len = cut;
        }
        it->base = base;
        it->line = line;
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
        while (!rc && (inflight >= 2 * nthreads || (eof && inflight))) {
            rc = retire(&p, nz, sink, ctx, err, &spare);
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
        /* stream the rest on this thread, from where the chunks ended */
        onoma__normalizer_reset(nz);
        nz->base = nz->track_pos = base;
        nz->line = line;
        nz->in = carry;
        carry = (onoma__buf){0};
        nz->jobs = 1;
        for (;;) {
            if ((rc = onoma__consume(nz, eof, sink, ctx, err)))
                break;
            if (eof)
                break;
            if (onoma__buf_reserve(&nz->in, CHUNK)) {
                rc = onoma__error(err, ONOMA_ENOMEM, nz->name, 0, 0, NULL);
                break;
            }
            ssize_t r = read(fd, nz->in.data + nz->in.len, CHUNK);
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0) {
                rc = onoma__error(err, ONOMA_EIO, nz->name, 0, nz->base + nz->in.len, "read error: %s",
                                  strerror(errno));
                break;
            }
            if (r == 0)
                eof = 1;
            nz->in.len += (size_t)r;
        }
        nz->jobs = p.proto == nz ? nthreads : nz->jobs;
    }
    onoma__buf_free(&carry);
    pthread_mutex_destroy(&p.mu);
    pthread_cond_destroy(&p.work);
    pthread_cond_destroy(&p.done);
    onoma__normalizer_reset(nz);
    return rc;
}
