/* onoma._speedups: the loop of normalize_many in C, for lists of Python
 * strings. The cffi path has to join the texts into one buffer and split
 * the result, which costs more than the normalizing itself for short texts;
 * here each text's UTF-8 is read in place (CPython keeps ASCII text as
 * UTF-8 already) and only the texts that change come back as new objects.
 *
 * Optional: onoma works without it (the package falls back to cffi). It does
 * not link libonoma: the caller passes the address of onoma_normalize_buffer
 * from the library cffi loaded, so that both use one copy of the library. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onoma.h"

typedef int (*normalize_buffer_fn)(onoma_normalizer *, const char *, size_t, onoma_write_fn, void *,
                                   onoma_error *);

typedef struct outbuf {
    char *data;
    size_t len, cap;
} outbuf;

static int out_put(outbuf *b, const char *p, size_t n)
{
    if (!n)
        return 0;
    if (b->cap - b->len < n) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap - b->len < n)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d)
            return -1;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

/* Room for n more bytes. */
static int out_reserve(outbuf *b, size_t n)
{
    if (b->cap - b->len >= n)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap - b->len < n)
        cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d)
        return -1;
    b->data = d;
    b->cap = cap;
    return 0;
}

/* As many.c's sink: runs that continue the input are only counted. */
typedef struct sink {
    outbuf *b;
    const char *item, *expect;
    int copying;
} sink;

static int sink_write(void *ctx, const char *p, size_t n)
{
    sink *m = ctx;
    if (!m->copying) {
        if (p == m->expect) {
            m->expect += n;
            return 0;
        }
        m->copying = 1;
        if (out_put(m->b, m->item, (size_t)(m->expect - m->item)))
            return ONOMA_ENOMEM;
    }
    return out_put(m->b, p, n) ? ONOMA_ENOMEM : 0;
}

#define BLOCK 1024

typedef struct text {
    const char *s;
    Py_ssize_t n;
} text;

/* Normalize items[0..n) in place: each text that normalizing changes is
 * replaced by its new form; None, float NaN and `na` stay. With src not
 * NULL, items are first set to src's (new references; items held None):
 * copying while the first pass has each object in the cache anyway saves
 * a pass over objects scattered in memory. The caller owns the container
 * (no other code may touch it during the call: the GIL is released while
 * the library works). Returns Py_None, or a tuple (index, code, message,
 * file, line, column, offset) for the first text that failed (then no text
 * was replaced), or NULL with an exception set. */
static PyObject *replace_items(normalize_buffer_fn fn, onoma_normalizer *nz, PyObject **src, PyObject **items,
                               Py_ssize_t n, PyObject *na)
{
    text *texts = PyMem_RawMalloc(BLOCK * sizeof *texts);
    outbuf out = {0};
    size_t *changed = PyMem_RawMalloc((size_t)(n ? n : 1) * sizeof *changed);
    size_t *ends = PyMem_RawMalloc((size_t)(n ? n : 1) * sizeof *ends);
    PyObject *res = NULL;
    if (!texts || !changed || !ends) {
        PyErr_NoMemory();
        goto fail;
    }
    size_t nchanged = 0;
    Py_ssize_t failed = -1;
    int rc = 0;
    onoma_error err;
    memset(&err, 0, sizeof err);
    /* In blocks, so that the texts the first pass touched are still in the
     * cache when the library reads them; the GIL is released per block. */
    for (Py_ssize_t b0 = 0; b0 < n && failed < 0; b0 += BLOCK) {
        Py_ssize_t b1 = n - b0 < BLOCK ? n : b0 + BLOCK;
        PyObject **from = src ? src : items;
        for (Py_ssize_t i = b0; i < b1; i++) {
            PyObject *o = from[i];
#if defined(__GNUC__)
            /* the objects lie anywhere in memory: ask for the header of one
             * a few places ahead while this one is looked at */
            if (i + 8 < n)
                __builtin_prefetch(from[i + 8]);
#endif
            if (src) {
                Py_INCREF(o);
                Py_SETREF(items[i], o);
            }
            if (PyUnicode_Check(o)) {
                texts[i - b0].s = PyUnicode_AsUTF8AndSize(o, &texts[i - b0].n);
                if (!texts[i - b0].s) /* lone surrogates: the caller takes the other path */
                    goto fail;
                continue;
            }
            if (o == Py_None || o == na || (PyFloat_Check(o) && PyFloat_AS_DOUBLE(o) != PyFloat_AS_DOUBLE(o))) {
                texts[i - b0].s = NULL;
                continue;
            }
            PyErr_Format(PyExc_TypeError, "item %zd: normalize_many() takes texts (str) or missing values, not %s",
                         i, Py_TYPE(o)->tp_name);
            goto fail;
        }
        Py_BEGIN_ALLOW_THREADS
        for (Py_ssize_t i = b0; i < b1; i++) {
            const text *tx = &texts[i - b0];
            if (!tx->s)
                continue;
            size_t start = out.len;
            sink m = {&out, tx->s, tx->s, 0};
            rc = fn(nz, tx->s, (size_t)tx->n, sink_write, &m, &err);
            if (rc) {
                failed = i;
                break;
            }
            /* a replacement may equal what it replaces */
            int same = m.copying ? out.len - start == (size_t)tx->n && memcmp(out.data + start, tx->s, (size_t)tx->n) == 0
                                 : m.expect == tx->s + tx->n;
            if (same) {
                out.len = start;
                continue;
            }
            if (!m.copying && out_put(&out, tx->s, (size_t)(m.expect - tx->s))) {
                rc = ONOMA_ENOMEM;
                failed = i;
                break;
            }
            changed[nchanged] = (size_t)i;
            ends[nchanged++] = out.len;
        }
        Py_END_ALLOW_THREADS
    }

    if (failed >= 0) {
        if (!err.code) {
            err.code = rc;
            snprintf(err.message, sizeof err.message, "%s", rc == ONOMA_ENOMEM ? "out of memory" : "failed");
        }
        res = Py_BuildValue("(niyyKKK)", failed, err.code, err.message, err.file, (unsigned long long)err.line,
                            (unsigned long long)err.column, (unsigned long long)err.offset);
    } else {
        /* decode every new text first, so that a failure replaces nothing */
        PyObject **news = PyMem_RawMalloc((nchanged ? nchanged : 1) * sizeof *news);
        size_t k = 0;
        if (!news)
            PyErr_NoMemory();
        for (; news && k < nchanged; k++) {
            size_t from = k ? ends[k - 1] : 0;
            news[k] = PyUnicode_DecodeUTF8(out.data + from, (Py_ssize_t)(ends[k] - from), "surrogateescape");
            if (!news[k])
                break;
        }
        if (news && k == nchanged) {
            for (k = 0; k < nchanged; k++)
                Py_SETREF(items[changed[k]], news[k]);
            Py_INCREF(Py_None);
            res = Py_None;
        } else if (news) {
            while (k-- > 0)
                Py_DECREF(news[k]);
        }
        PyMem_RawFree(news);
    }
fail:
    free(out.data);
    PyMem_RawFree(changed);
    PyMem_RawFree(ends);
    PyMem_RawFree(texts);
    return res;
}

/* replace_list(normalize_buffer_address, normalizer_address, list, start, stop, na) */
static PyObject *replace_list(PyObject *self, PyObject *args)
{
    (void)self;
    unsigned long long fn, nz;
    PyObject *list, *na;
    Py_ssize_t a, b;
    if (!PyArg_ParseTuple(args, "KKO!nnO", &fn, &nz, &PyList_Type, &list, &a, &b, &na))
        return NULL;
    if (a < 0 || b < a || b > PyList_GET_SIZE(list)) {
        PyErr_SetString(PyExc_IndexError, "replace_list: range out of the list");
        return NULL;
    }
    return replace_items((normalize_buffer_fn)(uintptr_t)fn, (onoma_normalizer *)(uintptr_t)nz, NULL,
                         PySequence_Fast_ITEMS(list) + a, b - a, na);
}

/* replace_array(normalize_buffer_address, normalizer_address, src_address, dst_address, n, na):
 * the PyObject * items of two contiguous numpy object arrays; dst (holding
 * None) receives src's texts, normalized. src_address 0: dst in place. */
static PyObject *replace_array(PyObject *self, PyObject *args)
{
    (void)self;
    unsigned long long fn, nz, src, dst;
    Py_ssize_t n;
    PyObject *na;
    if (!PyArg_ParseTuple(args, "KKKKnO", &fn, &nz, &src, &dst, &n, &na))
        return NULL;
    return replace_items((normalize_buffer_fn)(uintptr_t)fn, (onoma_normalizer *)(uintptr_t)nz,
                         (PyObject **)(uintptr_t)src, (PyObject **)(uintptr_t)dst, n, na);
}

/* ------------------------------------------------------------------ map */

/* The loops of Keyer.keys and Transliterator.translit_many: each text gets
 * a new text (its key, its transliteration), computed with the GIL released
 * per block. As for normalize, the caller passes the address of the
 * library function (onoma_key or onoma_translit_buffer) and of its
 * per-thread handle. */
enum { MAP_KEY = 1, MAP_TRANSLIT = 2 };

typedef int (*key_fn)(onoma_keyer *, const char *, size_t, char *, size_t, onoma_error *);
typedef int (*translit_buffer_fn)(onoma_translit *, const char *, size_t, onoma_write_fn, void *, onoma_error *);

static int out_sink(void *ctx, const char *p, size_t n) { return out_put(ctx, p, n) ? ONOMA_ENOMEM : 0; }

#define MISSING ((size_t)-1)

/* One text into out: 0 or a negative error (err filled). */
static int map_one(int kind, uintptr_t fn, void *h, const char *s, size_t n, outbuf *out, onoma_error *err)
{
    if (kind == MAP_TRANSLIT)
        return ((translit_buffer_fn)fn)((onoma_translit *)h, s, n, out_sink, out, err);
    for (;;) {
        size_t room = out->cap - out->len;
        if (room < 64) {
            if (out_reserve(out, 64))
                return ONOMA_ENOMEM;
            room = out->cap - out->len;
        }
        int k = ((key_fn)fn)((onoma_keyer *)h, s, n, out->data + out->len, room, err);
        if (k < 0)
            return k;
        if ((size_t)k < room) {
            out->len += (size_t)k;
            return 0;
        }
        if (out_reserve(out, (size_t)k + 1))
            return ONOMA_ENOMEM;
    }
}

/* items[0..n) (with src: first set to src's, as replace_items does) each
 * replaced by its key or transliteration; None, float NaN and `na` stay, a
 * text whose result equals it stays the same object. Returns Py_None, or a
 * tuple (index, code, message, file, line, column, offset) for the first
 * text that failed (then nothing was replaced), or NULL with an exception. */
static PyObject *map_items(int kind, uintptr_t fn, void *h, PyObject **src, PyObject **items, Py_ssize_t n, PyObject *na)
{
    text *texts = PyMem_RawMalloc(BLOCK * sizeof *texts);
    size_t *ends = PyMem_RawMalloc((size_t)(n ? n : 1) * sizeof *ends);
    outbuf out = {0};
    PyObject *res = NULL;
    const char *what = kind == MAP_KEY ? "keys" : "translit_many";
    if (!texts || !ends) {
        PyErr_NoMemory();
        goto fail;
    }
    Py_ssize_t failed = -1;
    int rc = 0;
    onoma_error err;
    memset(&err, 0, sizeof err);
    for (Py_ssize_t b0 = 0; b0 < n && failed < 0; b0 += BLOCK) {
        Py_ssize_t b1 = n - b0 < BLOCK ? n : b0 + BLOCK;
        PyObject **from = src ? src : items;
        for (Py_ssize_t i = b0; i < b1; i++) {
            PyObject *o = from[i];
            if (src) {
                Py_INCREF(o);
                Py_SETREF(items[i], o);
            }
            if (PyUnicode_Check(o)) {
                texts[i - b0].s = PyUnicode_AsUTF8AndSize(o, &texts[i - b0].n);
                if (!texts[i - b0].s)
                    goto fail;
                continue;
            }
            if (o == Py_None || o == na || (PyFloat_Check(o) && PyFloat_AS_DOUBLE(o) != PyFloat_AS_DOUBLE(o))) {
                texts[i - b0].s = NULL;
                continue;
            }
            PyErr_Format(PyExc_TypeError, "item %zd: %s() takes texts (str) or missing values, not %s", i, what,
                         Py_TYPE(o)->tp_name);
            goto fail;
        }
        Py_BEGIN_ALLOW_THREADS
        for (Py_ssize_t i = b0; i < b1; i++) {
            const text *tx = &texts[i - b0];
            if (!tx->s) {
                ends[i] = MISSING;
                continue;
            }
            rc = map_one(kind, fn, h, tx->s, (size_t)tx->n, &out, &err);
            if (rc) {
                failed = i;
                break;
            }
            ends[i] = out.len;
        }
        Py_END_ALLOW_THREADS
    }
    if (failed >= 0) {
        if (!err.code) {
            err.code = rc;
            snprintf(err.message, sizeof err.message, "%s", rc == ONOMA_ENOMEM ? "out of memory" : "failed");
        }
        res = Py_BuildValue("(niyyKKK)", failed, err.code, err.message, err.file, (unsigned long long)err.line,
                            (unsigned long long)err.column, (unsigned long long)err.offset);
        goto fail;
    }
    /* every new text first, so that a failure replaces nothing */
    PyObject **news = PyMem_RawCalloc((size_t)(n ? n : 1), sizeof *news);
    if (!news) {
        PyErr_NoMemory();
        goto fail;
    }
    size_t at = 0;
    Py_ssize_t i = 0;
    for (; i < n; i++) {
        if (ends[i] == MISSING)
            continue;
        const char *p = out.data + at;
        size_t len = ends[i] - at;
        at = ends[i];
        Py_ssize_t ilen;
        const char *orig = PyUnicode_AsUTF8AndSize(items[i], &ilen); /* cached by the first pass */
        if (orig && (size_t)ilen == len && memcmp(orig, p, len) == 0)
            continue; /* unchanged: keep the object */
        if (!(news[i] = PyUnicode_DecodeUTF8(len ? p : "", (Py_ssize_t)len, "surrogateescape")))
            break;
    }
    if (i == n) {
        for (i = 0; i < n; i++)
            if (news[i])
                Py_SETREF(items[i], news[i]);
        Py_INCREF(Py_None);
        res = Py_None;
    } else {
        for (Py_ssize_t j = 0; j < n; j++)
            Py_XDECREF(news[j]);
    }
    PyMem_RawFree(news);
fail:
    free(out.data);
    PyMem_RawFree(ends);
    PyMem_RawFree(texts);
    return res;
}

static int map_kind(int kind)
{
    if (kind == MAP_KEY || kind == MAP_TRANSLIT)
        return 0;
    PyErr_Format(PyExc_ValueError, "map: unknown kind %d", kind);
    return -1;
}

/* map_list(kind, function_address, handle_address, list, start, stop, na) */
static PyObject *map_list(PyObject *self, PyObject *args)
{
    (void)self;
    int kind;
    unsigned long long fn, h;
    PyObject *list, *na;
    Py_ssize_t a, b;
    if (!PyArg_ParseTuple(args, "iKKO!nnO", &kind, &fn, &h, &PyList_Type, &list, &a, &b, &na) || map_kind(kind))
        return NULL;
    if (a < 0 || b < a || b > PyList_GET_SIZE(list)) {
        PyErr_SetString(PyExc_IndexError, "map_list: range out of the list");
        return NULL;
    }
    return map_items(kind, (uintptr_t)fn, (void *)(uintptr_t)h, NULL, PySequence_Fast_ITEMS(list) + a, b - a,
                     na);
}

/* map_array(kind, function_address, handle_address, src_address, dst_address, n, na): as replace_array */
static PyObject *map_array(PyObject *self, PyObject *args)
{
    (void)self;
    int kind;
    unsigned long long fn, h, src, dst;
    Py_ssize_t n;
    PyObject *na;
    if (!PyArg_ParseTuple(args, "iKKKKnO", &kind, &fn, &h, &src, &dst, &n, &na) || map_kind(kind))
        return NULL;
    return map_items(kind, (uintptr_t)fn, (void *)(uintptr_t)h, (PyObject **)(uintptr_t)src,
                     (PyObject **)(uintptr_t)dst, n, na);
}

static PyMethodDef methods[] = {
    {"replace_list", replace_list, METH_VARARGS, "replace_list(fn, normalizer, list, start, stop, na) -> None or error"},
    {"replace_array", replace_array, METH_VARARGS, "replace_array(fn, normalizer, src, dst, n, na) -> None or error"},
    {"map_list", map_list, METH_VARARGS, "map_list(kind, fn, handle, list, start, stop, na) -> None or error"},
    {"map_array", map_array, METH_VARARGS, "map_array(kind, fn, handle, src, dst, n, na) -> None or error"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "onoma._speedups", NULL, -1, methods, NULL, NULL, NULL,
                                    NULL};

PyMODINIT_FUNC PyInit__speedups(void) { return PyModule_Create(&module); }
