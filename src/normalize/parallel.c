/* --jobs N for normalize: the ordered pipeline of io/pipeline.c (lines are
 * independent for matching), with a normalizer per worker over the shared
 * tables; the events of each chunk are recorded by its worker and replayed
 * in input order on the calling thread. */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "io/pipeline.h"
#include "normalize/normalize.h"


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

/* A worker: a normalizer of its own over the shared tables; it records
 * events for the calling thread to replay when the prototype wants them. */
typedef struct nworker {
    onoma_normalizer *nz;
    int events;
} nworker;

static int w_new(void *proto, void **out, onoma_error *err)
{
    onoma_normalizer *p = proto;
    nworker *w = calloc(1, sizeof *w);
    if (!w)
        return onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    onoma_options o = {p->flags, NULL, 1, p->keyrules}; /* (--fuzzy: the same key rules) */
    int rc = onoma_normalizer_new(p->t, &o, &w->nz, err);
    if (rc) {
        free(w);
        return rc;
    }
    w->nz->style = p->style;
    w->events = p->on_event != NULL;
    onoma_normalizer_set_name(w->nz, p->name);
    *out = w;
    return 0;
}

static void w_free(void *worker)
{
    nworker *w = worker;
    onoma_normalizer_free(&w->nz);
    free(w);
}

/* Chunks end at a line end (or the input's end): each is scanned whole. */
static int w_run(void *worker, const onoma__chunk *c, onoma__buf *out, onoma__buf *aux, onoma_error *err)
{
    onoma_normalizer *nz = ((nworker *)worker)->nz;
    onoma__normalizer_reset(nz);
    nz->base = nz->track_pos = c->base;
    nz->line = c->line;
    if (((nworker *)worker)->events)
        onoma_normalizer_on_event(nz, record_event, aux);
    if (onoma__buf_reserve(out, c->len + c->len / 8 + 64))
        return onoma__error(err, ONOMA_ENOMEM, nz->name, 0, 0, NULL);
    size_t used;
    return onoma__scan(nz, c->data, c->len, 0, 1, &used, to_buf, out, err);
}

static int w_replay(void *proto, const onoma__buf *aux)
{
    onoma_normalizer *nz = proto;
    return nz->on_event ? replay_events(aux, nz->on_event, nz->ev_ctx) : 0;
}

static void s_begin(void *proto, uint64_t base, uint64_t line)
{
    onoma_normalizer *nz = proto;
    onoma__normalizer_reset(nz);
    nz->base = nz->track_pos = base;
    nz->line = line;
}

static int s_feed(void *proto, const char *data, size_t len, int final, onoma_write_fn sink, void *ctx,
                  onoma_error *err)
{
    onoma_normalizer *nz = proto;
    if (onoma__buf_put(&nz->in, data, len))
        return onoma__error(err, ONOMA_ENOMEM, nz->name, 0, 0, NULL);
    return onoma__consume(nz, final, sink, ctx, err);
}

static const onoma__pipeline_ops ops = {w_new, w_free, w_run, w_replay, s_begin, s_feed};

int onoma__normalize_fd_parallel(onoma_normalizer *nz, int fd, onoma_write_fn sink, void *ctx, onoma_error *err)
{
    onoma__fd_reader r = {fd, nz->name, 0};
    int rc = onoma__pipeline(&ops, nz, nz->jobs, onoma__fd_read, &r, sink, ctx, nz->name, err);
    onoma__normalizer_reset(nz);
    return rc;
}
