#include "lsp/server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "check/config.h"
#include "common/buf.h"
#include "common/error.h"
#include "json/json.h"
#include "text/utf8.h"

/* JSON-RPC error codes */
#define PARSE_ERROR (-32700)
#define INVALID_REQUEST (-32600)
#define METHOD_NOT_FOUND (-32601)
#define INVALID_PARAMS (-32602)
#define SERVER_NOT_INITIALIZED (-32002)

/* LSP severities */
#define SEV_ERROR 1
#define SEV_WARNING 2
#define SEV_INFORMATION 3

typedef struct lsp_finding {
    int kind, severity, fixable;
    size_t offset, length;
    uint64_t line, c0, c1; /* in the negotiated encoding */
    size_t to, to_len;     /* offsets into the document's pool */
    size_t msg, msg_len;
    size_t code, code_len;
    size_t cand, ncand;    /* pairs (canonical, display) in cands */
} lsp_finding;

typedef struct doc {
    char *uri, *path, *lang;
    int64_t version;
    onoma__buf text;
    size_t *lines; /* line starts */
    size_t nlines, cap_lines;
    lsp_finding *f;
    size_t nf, capf;
    onoma__buf pool;
    size_t *cands; /* pool offsets: canonical, len, display, len */
    size_t ncands, capcands;
    int dirty;
    struct doc *next;
} doc;

struct onoma__lsp {
    onoma__lsp_send_fn send;
    void *ctx;
    onoma__lsp_options opt;
    int enc;
    int initialized, shutdown;
    onoma__project *proj;
    onoma__settings cli;
    doc *docs;
    onoma__buf out;
    char *last_error; /* the last problem shown (not repeated) */
    char *root;       /* workspace folder, for untitled documents */
};

/* ------------------------------------------------------------- encodings */

uint64_t onoma__lsp_units(const char *str, size_t n, int enc)
{
    const unsigned char *s = (const unsigned char *)str;
    if (enc == ONOMA__ENC_UTF8)
        return n;
    uint64_t u = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned c = s[i];
        if ((c & 0xC0) != 0x80)
            u += 1 + (enc == ONOMA__ENC_UTF16 && c >= 0xF0); /* astral: a surrogate pair */
    }
    return u;
}

size_t onoma__lsp_advance(const char *str, size_t n, uint64_t units, int enc)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    uint64_t u = 0;
    while (i < n && u < units) {
        unsigned c = s[i];
        size_t l = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        uint64_t w = enc == ONOMA__ENC_UTF8 ? l : (enc == ONOMA__ENC_UTF16 && l == 4) ? 2 : 1;
        if (u + w > units)
            break; /* a position inside a character: its start */
        u += w;
        i += l;
    }
    return i > n ? n : i;
}

/* ------------------------------------------------------------- documents */

static int build_lines(doc *d)
{
    d->nlines = 0;
    const char *s = d->text.data ? d->text.data : "";
    size_t n = d->text.len;
    int has_cr = n && memchr(s, '\r', n) != NULL;
    size_t i = 0;
    for (;;) {
        if (d->nlines == d->cap_lines) {
            size_t nc = d->cap_lines ? d->cap_lines * 2 : 256;
            size_t *v = realloc(d->lines, nc * sizeof *v);
            if (!v)
                return ONOMA_ENOMEM;
            d->lines = v;
            d->cap_lines = nc;
        }
        d->lines[d->nlines++] = i;
        if (i >= n)
            break;
        size_t nl;
        if (!has_cr) {
            const char *p = memchr(s + i, '\n', n - i);
            if (!p)
                break;
            nl = (size_t)(p - s) + 1;
        } else {
            /* \n, \r\n and a lone \r all end a line */
            size_t j = i;
            while (j < n && s[j] != '\n' && s[j] != '\r')
                j++;
            if (j >= n)
                break;
            nl = j + 1 + (s[j] == '\r' && j + 1 < n && s[j + 1] == '\n');
        }
        i = nl;
    }
    return 0;
}

/* End of line k's content (its line break excluded). */
static size_t line_content_end(const doc *d, size_t k)
{
    size_t e = k + 1 < d->nlines ? d->lines[k + 1] : d->text.len;
    if (k + 1 < d->nlines) {
        if (e > d->lines[k] && d->text.data[e - 1] == '\n')
            e--;
        if (e > d->lines[k] && d->text.data[e - 1] == '\r')
            e--;
    }
    return e;
}

static size_t pos_to_offset(const doc *d, uint64_t line, uint64_t ch, int enc)
{
    if (line >= d->nlines)
        return d->text.len;
    size_t ls = d->lines[line], le = line_content_end(d, (size_t)line);
    return ls + onoma__lsp_advance(d->text.data + ls, le - ls, ch, enc);
}

/* Offsets to positions, for offsets in increasing order. */
typedef struct cursor {
    size_t line, off;
    uint64_t units;
} cursor;

static void offset_to_pos(const doc *d, size_t off, int enc, cursor *c, uint64_t *line, uint64_t *ch)
{
    if (off < c->off || (c->line + 1 < d->nlines && off >= d->lines[c->line + 1])) {
        /* another line: binary search */
        size_t lo = 0, hi = d->nlines;
        while (hi - lo > 1) {
            size_t mid = (lo + hi) / 2;
            if (d->lines[mid] <= off)
                lo = mid;
            else
                hi = mid;
        }
        c->line = lo;
        c->off = d->lines[lo];
        c->units = 0;
    }
    c->units += onoma__lsp_units(d->text.data + c->off, off - c->off, enc);
    c->off = off;
    *line = c->line;
    *ch = c->units;
}

static doc *doc_find(onoma__lsp *s, const char *uri)
{
    for (doc *d = s->docs; d; d = d->next)
        if (strcmp(d->uri, uri) == 0)
            return d;
    return NULL;
}

static void doc_free(doc *d)
{
    free(d->uri);
    free(d->path);
    free(d->lang);
    onoma__buf_free(&d->text);
    free(d->lines);
    free(d->f);
    onoma__buf_free(&d->pool);
    free(d->cands);
    free(d);
}

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : (c | 32) >= 'a' && (c | 32) <= 'f' ? (c | 32) - 'a' + 10 : -1;
}

/* The file path of a file: URI (percent-decoded), or NULL. */
static char *uri_path(const char *uri)
{
    if (strncmp(uri, "file://", 7) != 0)
        return NULL;
    const char *p = uri + 7;
    if (*p != '/') {
        /* file://host/path: only the local host */
        const char *slash = strchr(p, '/');
        if (!slash || (slash - p != 9 || strncmp(p, "localhost", 9) != 0))
            return NULL;
        p = slash;
    }
    size_t n = strlen(p);
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int h1, h2;
        if (p[i] == '%' && i + 2 < n && (h1 = hexval(p[i + 1])) >= 0 && (h2 = hexval(p[i + 2])) >= 0) {
            out[o++] = (char)(h1 << 4 | h2);
            i += 2;
        } else if (p[i] == '?' || p[i] == '#') {
            break;
        } else {
            out[o++] = p[i];
        }
    }
    out[o] = 0;
    return out;
}

/* ------------------------------------------------------------- messages */

static int send_buf(onoma__lsp *s)
{
    int rc = s->send(s->ctx, s->out.data, s->out.len);
    s->out.len = 0;
    return rc;
}

static int respond_error(onoma__lsp *s, const onoma__json *id, int code, const char *msg)
{
    onoma__buf *b = &s->out;
    b->len = 0;
    onoma__buf_puts(b, "{\"jsonrpc\":\"2.0\",\"id\":");
    onoma__json_put_value(b, id);
    char num[64];
    snprintf(num, sizeof num, ",\"error\":{\"code\":%d,\"message\":", code);
    onoma__buf_puts(b, num);
    onoma__json_put_str(b, msg, strlen(msg));
    onoma__buf_puts(b, "}}");
    return send_buf(s);
}

/* Start a response: the caller appends the result and "}". */
static void respond_begin(onoma__lsp *s, const onoma__json *id)
{
    onoma__buf *b = &s->out;
    b->len = 0;
    onoma__buf_puts(b, "{\"jsonrpc\":\"2.0\",\"id\":");
    onoma__json_put_value(b, id);
    onoma__buf_puts(b, ",\"result\":");
}

static int show_message(onoma__lsp *s, int type, const char *msg)
{
    if (s->last_error && strcmp(s->last_error, msg) == 0)
        return 0;
    free(s->last_error);
    s->last_error = strdup(msg);
    onoma__buf *b = &s->out;
    b->len = 0;
    char num[96];
    snprintf(num, sizeof num, "{\"jsonrpc\":\"2.0\",\"method\":\"window/showMessage\",\"params\":{\"type\":%d,", type);
    onoma__buf_puts(b, num);
    onoma__buf_puts(b, "\"message\":");
    onoma__json_put_str(b, msg, strlen(msg));
    onoma__buf_puts(b, "}}");
    return send_buf(s);
}

static void put_pos(onoma__buf *b, uint64_t line, uint64_t ch)
{
    char num[64];
    snprintf(num, sizeof num, "{\"line\":%llu,\"character\":%llu}", (unsigned long long)line, (unsigned long long)ch);
    onoma__buf_puts(b, num);
}

static void put_range(onoma__buf *b, const lsp_finding *f)
{
    onoma__buf_puts(b, "{\"start\":");
    put_pos(b, f->line, f->c0);
    onoma__buf_puts(b, ",\"end\":");
    put_pos(b, f->line, f->c1);
    onoma__buf_putc(b, '}');
}

static void put_diagnostic(onoma__buf *b, const doc *d, const lsp_finding *f)
{
    char num[32];
    onoma__buf_puts(b, "{\"range\":");
    put_range(b, f);
    snprintf(num, sizeof num, ",\"severity\":%d", f->severity);
    onoma__buf_puts(b, num);
    onoma__buf_puts(b, ",\"code\":");
    onoma__json_put_str(b, d->pool.data + f->code, f->code_len);
    onoma__buf_puts(b, ",\"source\":\"onoma\",\"message\":");
    onoma__json_put_str(b, d->pool.data + f->msg, f->msg_len);
    onoma__buf_putc(b, '}');
}

static int publish(onoma__lsp *s, const doc *d)
{
    onoma__buf *b = &s->out;
    b->len = 0;
    onoma__buf_puts(b, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/publishDiagnostics\",\"params\":{\"uri\":");
    onoma__json_put_str(b, d->uri, strlen(d->uri));
    char num[48];
    snprintf(num, sizeof num, ",\"version\":%lld,\"diagnostics\":[", (long long)d->version);
    onoma__buf_puts(b, num);
    for (size_t i = 0; i < d->nf; i++) {
        if (i)
            onoma__buf_putc(b, ',');
        put_diagnostic(b, d, &d->f[i]);
    }
    if (onoma__buf_puts(b, "]}}"))
        return ONOMA_ENOMEM;
    return send_buf(s);
}

static int clear_diagnostics(onoma__lsp *s, const char *uri)
{
    onoma__buf *b = &s->out;
    b->len = 0;
    onoma__buf_puts(b, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/publishDiagnostics\",\"params\":{\"uri\":");
    onoma__json_put_str(b, uri, strlen(uri));
    onoma__buf_puts(b, ",\"diagnostics\":[]}}");
    return send_buf(s);
}

/* --------------------------------------------------------------- checking */

static size_t pool_add(doc *d, const char *p, size_t n)
{
    size_t at = d->pool.len;
    onoma__buf_put(&d->pool, p, n);
    return at;
}

static lsp_finding *push_finding(doc *d)
{
    if (d->nf == d->capf) {
        size_t nc = d->capf ? d->capf * 2 : 64;
        lsp_finding *v = realloc(d->f, nc * sizeof *v);
        if (!v)
            return NULL;
        d->f = v;
        d->capf = nc;
    }
    lsp_finding *f = &d->f[d->nf++];
    memset(f, 0, sizeof *f);
    return f;
}

static int markup_of(const doc *d, const onoma__settings *set)
{
    if (set && set->markup >= 0)
        return set->markup;
    if (d->lang) {
        int m = onoma_markup_from_name(d->lang);
        if (m >= 0)
            return m;
    }
    return onoma_markup_for_path(d->path ? d->path : d->uri);
}

/* Check a document and keep its findings (as positions in the encoding). */
static int check_doc(onoma__lsp *s, doc *d)
{
    d->dirty = 0;
    d->nf = 0;
    d->pool.len = 0;
    d->ncands = 0;
    onoma_error e;
    const onoma__settings *set;
    char fallback[4096];
    const char *where = d->path;
    if (!where) {
        snprintf(fallback, sizeof fallback, "%s/untitled", s->root ? s->root : ".");
        where = fallback;
    }
    if (onoma__project_settings(s->proj, where, &set, &e)) {
        char msg[1200];
        snprintf(msg, sizeof msg, "onoma: %s%s%s", e.file, e.file[0] ? ": " : "", e.message);
        return show_message(s, 1, msg);
    }
    onoma_checker *ck;
    if (onoma__project_checker(s->proj, set, &ck, &e)) {
        char msg[1200];
        snprintf(msg, sizeof msg, "onoma: %s%s%s", e.file, e.file[0] ? ": " : "", e.message);
        return show_message(s, 1, msg);
    }
    const char *style = set->style ? set->style : "default";
    const onoma_finding *f;
    size_t n;
    int rc = onoma_check(ck, d->uri, d->text.data ? d->text.data : "", d->text.len, markup_of(d, set), &f, &n, &e);
    cursor c = {0, 0, 0};
    if (rc < 0) {
        if (rc != ONOMA_EUTF8 && rc != ONOMA_ENUL)
            return show_message(s, 1, e.message);
        /* bad text (a NUL): one error where it is */
        lsp_finding *x = push_finding(d);
        if (!x)
            return ONOMA_ENOMEM;
        x->severity = SEV_ERROR;
        x->offset = (size_t)e.offset;
        offset_to_pos(d, x->offset, s->enc, &c, &x->line, &x->c0);
        x->c1 = x->c0;
        x->msg = pool_add(d, e.message, strlen(e.message));
        x->msg_len = strlen(e.message);
        x->code = pool_add(d, "onoma/invalid-text", 18);
        x->code_len = 18;
        return 0;
    }
    onoma__buf msg = {0};
    for (size_t i = 0; i < n; i++) {
        lsp_finding *x = push_finding(d);
        if (!x) {
            onoma__buf_free(&msg);
            return ONOMA_ENOMEM;
        }
        x->kind = f[i].kind;
        x->severity = f[i].severity == ONOMA_SEVERITY_WARNING ? SEV_WARNING : SEV_INFORMATION;
        x->fixable = f[i].fixable;
        x->offset = (size_t)f[i].offset;
        x->length = (size_t)f[i].length;
        uint64_t l2, c1;
        offset_to_pos(d, x->offset, s->enc, &c, &x->line, &x->c0);
        offset_to_pos(d, x->offset + x->length, s->enc, &c, &l2, &c1);
        x->c1 = c1;
        if (f[i].to) {
            x->to = pool_add(d, f[i].to, f[i].to_len);
            x->to_len = f[i].to_len;
        }
        msg.len = 0;
        onoma__check_message(&msg, &f[i], style);
        x->msg = pool_add(d, msg.data, msg.len);
        x->msg_len = msg.len;
        const char *rule = onoma__check_rule(&f[i]);
        x->code = pool_add(d, rule, strlen(rule));
        x->code_len = strlen(rule);
        x->cand = d->ncands;
        x->ncand = f[i].ncandidates;
        for (size_t k = 0; k < f[i].ncandidates; k++) {
            if (d->ncands + 4 > d->capcands) {
                size_t nc = d->capcands ? d->capcands * 2 : 64;
                size_t *v = realloc(d->cands, nc * sizeof *v);
                if (!v) {
                    onoma__buf_free(&msg);
                    return ONOMA_ENOMEM;
                }
                d->cands = v;
                d->capcands = nc;
            }
            const onoma_candidate *cd = &f[i].candidates[k];
            d->cands[d->ncands++] = pool_add(d, cd->canonical, strlen(cd->canonical));
            d->cands[d->ncands++] = strlen(cd->canonical);
            d->cands[d->ncands++] = pool_add(d, cd->display, strlen(cd->display));
            d->cands[d->ncands++] = strlen(cd->display);
        }
    }
    onoma__buf_free(&msg);
    return onoma__buf_reserve(&d->pool, 0);
}

static int check_and_publish(onoma__lsp *s, doc *d)
{
    int rc = check_doc(s, d);
    if (rc)
        return rc;
    return publish(s, d);
}

int onoma__lsp_pending(const onoma__lsp *s)
{
    for (const doc *d = s->docs; d; d = d->next)
        if (d->dirty)
            return 1;
    return 0;
}

int onoma__lsp_idle(onoma__lsp *s)
{
    for (doc *d = s->docs; d; d = d->next)
        if (d->dirty) {
            int rc = check_and_publish(s, d);
            if (rc)
                return rc;
        }
    return 0;
}

static int recheck_all(onoma__lsp *s)
{
    for (doc *d = s->docs; d; d = d->next)
        d->dirty = 1;
    return 0;
}

/* -------------------------------------------------------------- handlers */

static const char *str_at(const onoma__json *o, const char *key) { return onoma__json_str(onoma__json_get(o, key), NULL); }

/* Settings from initializationOptions / didChangeConfiguration. */
static int apply_options(onoma__lsp *s, const onoma__json *o)
{
    if (!o || o->type != ONOMA__JSON_OBJECT)
        return 0;
    const onoma__json *inner = onoma__json_get(o, "onoma");
    if (inner && inner->type == ONOMA__JSON_OBJECT)
        o = inner;
    const char *style = str_at(o, "style");
    if (style) {
        free(s->cli.style);
        s->cli.style = strdup(style);
    }
    const onoma__json *v;
    if ((v = onoma__json_get(o, "fuzzy")) && v->type == ONOMA__JSON_BOOL)
        s->cli.fuzzy = v->b;
    if ((v = onoma__json_get(o, "nearMiss")) && v->type == ONOMA__JSON_BOOL)
        s->cli.near = v->b;
    if ((v = onoma__json_get(o, "markup")) && v->type == ONOMA__JSON_STRING)
        s->cli.markup = onoma_markup_from_name(v->s);
    if ((v = onoma__json_get(o, "tables")) && v->type == ONOMA__JSON_ARRAY)
        for (size_t i = 0; i < v->len; i++)
            if (v->items[i]->type == ONOMA__JSON_STRING)
                onoma__strv_add(&s->cli.tables, v->items[i]->s, v->items[i]->len);
    if ((v = onoma__json_get(o, "ignore")) && v->type == ONOMA__JSON_ARRAY)
        for (size_t i = 0; i < v->len; i++)
            if (v->items[i]->type == ONOMA__JSON_STRING)
                onoma__strv_add(&s->cli.ignore, v->items[i]->s, v->items[i]->len);
    return 0;
}

static int make_project(onoma__lsp *s)
{
    onoma__project_free(&s->proj);
    onoma_error e;
    if (onoma__project_new(&s->cli, s->opt.use_config, NULL, NULL, &s->proj, &e))
        return ONOMA_ENOMEM;
    return 0;
}

static int on_initialize(onoma__lsp *s, const onoma__json *id, const onoma__json *params)
{
    static const char *const enc_path[] = {"capabilities", "general", "positionEncodings"};
    const onoma__json *encs = onoma__json_path(params, enc_path, 3);
    int have8 = 0, have32 = 0;
    if (encs && encs->type == ONOMA__JSON_ARRAY)
        for (size_t i = 0; i < encs->len; i++) {
            const char *e = onoma__json_str(encs->items[i], NULL);
            have8 |= e && strcmp(e, "utf-8") == 0;
            have32 |= e && strcmp(e, "utf-32") == 0;
        }
    /* UTF-8 costs nothing to convert; UTF-16 is the protocol's default */
    s->enc = have8 ? ONOMA__ENC_UTF8 : have32 ? ONOMA__ENC_UTF32 : ONOMA__ENC_UTF16;
    const char *root = str_at(params, "rootUri");
    const onoma__json *folders = onoma__json_get(params, "workspaceFolders");
    if (!root && folders && folders->type == ONOMA__JSON_ARRAY && folders->len)
        root = str_at(folders->items[0], "uri");
    free(s->root);
    s->root = root ? uri_path(root) : NULL;
    if (!s->root && str_at(params, "rootPath"))
        s->root = strdup(str_at(params, "rootPath"));
    apply_options(s, onoma__json_get(params, "initializationOptions"));
    if (make_project(s))
        return respond_error(s, id, -32603, "out of memory");
    s->initialized = 1;
    respond_begin(s, id);
    onoma__buf *b = &s->out;
    onoma__buf_puts(b, "{\"capabilities\":{\"positionEncoding\":");
    onoma__buf_puts(b, s->enc == ONOMA__ENC_UTF8 ? "\"utf-8\"" : s->enc == ONOMA__ENC_UTF32 ? "\"utf-32\"" : "\"utf-16\"");
    onoma__buf_puts(b, ",\"textDocumentSync\":{\"openClose\":true,\"change\":2,\"save\":{\"includeText\":false}},"
                       "\"codeActionProvider\":{\"codeActionKinds\":[\"quickfix\",\"source.fixAll.onoma\"]}},"
                       "\"serverInfo\":{\"name\":\"onoma\",\"version\":");
    onoma__json_put_str(b, onoma_version(), strlen(onoma_version()));
    onoma__buf_puts(b, "}}}");
    return send_buf(s);
}

static int on_did_open(onoma__lsp *s, const onoma__json *params)
{
    const onoma__json *td = onoma__json_get(params, "textDocument");
    size_t tl;
    const char *uri = str_at(td, "uri"), *text = onoma__json_str(onoma__json_get(td, "text"), &tl);
    if (!uri || !text)
        return 0;
    doc *d = doc_find(s, uri);
    if (!d) {
        d = calloc(1, sizeof *d);
        if (!d || !(d->uri = strdup(uri))) {
            free(d);
            return ONOMA_ENOMEM;
        }
        d->path = uri_path(uri);
        if (onoma__buf_reserve(&d->text, 1)) {
            doc_free(d);
            return ONOMA_ENOMEM;
        }
        d->next = s->docs;
        s->docs = d;
    }
    free(d->lang);
    d->lang = str_at(td, "languageId") ? strdup(str_at(td, "languageId")) : NULL;
    int64_t v = 0;
    onoma__json_int(onoma__json_get(td, "version"), &v);
    d->version = v;
    d->text.len = 0;
    if (onoma__buf_put(&d->text, text, tl) || onoma__buf_reserve(&d->text, 1) || build_lines(d))
        return ONOMA_ENOMEM;
    onoma__project_forget(s->proj); /* a .onoma may have changed meanwhile */
    return check_and_publish(s, d);
}

/* Replace bytes [a, b) of the document with t. */
static int replace(doc *d, size_t a, size_t b, const char *t, size_t tl)
{
    if (b < a)
        b = a;
    size_t tail = d->text.len - b;
    if (onoma__buf_reserve(&d->text, tl + 1))
        return ONOMA_ENOMEM;
    memmove(d->text.data + a + tl, d->text.data + b, tail);
    memcpy(d->text.data + a, t, tl);
    d->text.len = a + tl + tail;
    return 0;
}

static int on_did_change(onoma__lsp *s, const onoma__json *params)
{
    const onoma__json *td = onoma__json_get(params, "textDocument");
    const char *uri = str_at(td, "uri");
    doc *d = uri ? doc_find(s, uri) : NULL;
    if (!d)
        return 0;
    int64_t v;
    if (!onoma__json_int(onoma__json_get(td, "version"), &v))
        d->version = v;
    const onoma__json *ch = onoma__json_get(params, "contentChanges");
    if (!ch || ch->type != ONOMA__JSON_ARRAY)
        return 0;
    for (size_t i = 0; i < ch->len; i++) {
        size_t tl;
        const char *t = onoma__json_str(onoma__json_get(ch->items[i], "text"), &tl);
        if (!t)
            continue;
        const onoma__json *r = onoma__json_get(ch->items[i], "range");
        int rc;
        if (!r) {
            d->text.len = 0;
            rc = onoma__buf_put(&d->text, t, tl);
        } else {
            int64_t l0 = 0, c0 = 0, l1 = 0, c1 = 0;
            const onoma__json *st = onoma__json_get(r, "start"), *en = onoma__json_get(r, "end");
            if (onoma__json_int(onoma__json_get(st, "line"), &l0) || onoma__json_int(onoma__json_get(st, "character"), &c0) ||
                onoma__json_int(onoma__json_get(en, "line"), &l1) || onoma__json_int(onoma__json_get(en, "character"), &c1) ||
                l0 < 0 || c0 < 0 || l1 < 0 || c1 < 0)
                continue;
            size_t a = pos_to_offset(d, (uint64_t)l0, (uint64_t)c0, s->enc);
            size_t b = pos_to_offset(d, (uint64_t)l1, (uint64_t)c1, s->enc);
            rc = replace(d, a, b, t, tl);
        }
        if (rc || build_lines(d))
            return ONOMA_ENOMEM;
    }
    d->dirty = 1; /* checked when no more input waits (onoma__lsp_idle) */
    return 0;
}

static int on_did_close(onoma__lsp *s, const onoma__json *params)
{
    const char *uri = str_at(onoma__json_get(params, "textDocument"), "uri");
    if (!uri)
        return 0;
    for (doc **p = &s->docs; *p; p = &(*p)->next) {
        if (strcmp((*p)->uri, uri) == 0) {
            doc *d = *p;
            *p = d->next;
            doc_free(d);
            break;
        }
    }
    return clear_diagnostics(s, uri);
}

static int on_did_save(onoma__lsp *s, const onoma__json *params)
{
    const char *uri = str_at(onoma__json_get(params, "textDocument"), "uri");
    onoma__project_forget(s->proj);
    size_t ul = uri ? strlen(uri) : 0;
    if (ul >= 7 && strcmp(uri + ul - 7, "/.onoma") == 0)
        return recheck_all(s); /* the configuration itself */
    doc *d = uri ? doc_find(s, uri) : NULL;
    if (d)
        d->dirty = 1;
    return 0;
}

static void put_edit(onoma__buf *b, const doc *d, const lsp_finding *f, const char *text, size_t len)
{
    onoma__buf_puts(b, "{\"range\":");
    put_range(b, f);
    onoma__buf_puts(b, ",\"newText\":");
    onoma__json_put_str(b, text, len);
    onoma__buf_putc(b, '}');
}

static int kind_wanted(const onoma__json *only, const char *kind)
{
    if (!only || only->type != ONOMA__JSON_ARRAY)
        return 1;
    for (size_t i = 0; i < only->len; i++) {
        size_t n;
        const char *o = onoma__json_str(only->items[i], &n);
        if (o && strncmp(kind, o, n) == 0 && (kind[n] == 0 || kind[n] == '.'))
            return 1;
    }
    return 0;
}

static void action(onoma__buf *b, int *first, const doc *d, const char *title, const char *kind, int preferred,
                   const lsp_finding *diag, const lsp_finding *edits, size_t nedits, const char *text, size_t tlen)
{
    onoma__buf_puts(b, *first ? "{\"title\":" : ",{\"title\":");
    *first = 0;
    onoma__json_put_str(b, title, strlen(title));
    onoma__buf_puts(b, ",\"kind\":");
    onoma__json_put_str(b, kind, strlen(kind));
    if (preferred)
        onoma__buf_puts(b, ",\"isPreferred\":true");
    if (diag) {
        onoma__buf_puts(b, ",\"diagnostics\":[");
        put_diagnostic(b, d, diag);
        onoma__buf_putc(b, ']');
    }
    onoma__buf_puts(b, ",\"edit\":{\"changes\":{");
    onoma__json_put_str(b, d->uri, strlen(d->uri));
    onoma__buf_puts(b, ":[");
    int firstedit = 1;
    for (size_t i = 0; i < nedits; i++) {
        const lsp_finding *f = &edits[i];
        if (text) {
            put_edit(b, d, f, text, tlen);
        } else {
            if (!f->fixable)
                continue;
            if (!firstedit)
                onoma__buf_putc(b, ',');
            put_edit(b, d, f, d->pool.data + f->to, f->to_len);
        }
        firstedit = 0;
    }
    onoma__buf_puts(b, "]}}}");
}

static int on_code_action(onoma__lsp *s, const onoma__json *id, const onoma__json *params)
{
    const char *uri = str_at(onoma__json_get(params, "textDocument"), "uri");
    doc *d = uri ? doc_find(s, uri) : NULL;
    respond_begin(s, id);
    onoma__buf *b = &s->out;
    if (!d) {
        onoma__buf_puts(b, "[]}");
        return send_buf(s);
    }
    if (d->dirty) {
        /* the answer must see the latest text: check (and publish) first */
        size_t keep = b->len;
        char *saved = malloc(keep);
        if (!saved)
            return ONOMA_ENOMEM;
        memcpy(saved, b->data, keep);
        int rc = check_and_publish(s, d);
        b->len = 0;
        onoma__buf_put(b, saved, keep);
        free(saved);
        if (rc)
            return rc;
    }
    const onoma__json *r = onoma__json_get(params, "range");
    const onoma__json *st = onoma__json_get(r, "start"), *en = onoma__json_get(r, "end");
    int64_t l0 = 0, c0 = 0, l1 = 0, c1 = 0;
    onoma__json_int(onoma__json_get(st, "line"), &l0);
    onoma__json_int(onoma__json_get(st, "character"), &c0);
    onoma__json_int(onoma__json_get(en, "line"), &l1);
    onoma__json_int(onoma__json_get(en, "character"), &c1);
    size_t ra = pos_to_offset(d, (uint64_t)(l0 < 0 ? 0 : l0), (uint64_t)(c0 < 0 ? 0 : c0), s->enc);
    size_t rb = pos_to_offset(d, (uint64_t)(l1 < 0 ? 0 : l1), (uint64_t)(c1 < 0 ? 0 : c1), s->enc);
    const onoma__json *only = onoma__json_get(onoma__json_get(params, "context"), "only");
    int first = 1;
    onoma__buf_putc(b, '[');
    char title[1024];
    size_t nfix = 0;
    for (size_t i = 0; i < d->nf; i++) {
        const lsp_finding *f = &d->f[i];
        nfix += (size_t)f->fixable;
        if (f->offset > rb || f->offset + f->length < ra || !kind_wanted(only, "quickfix") || !f->severity ||
            f->severity == SEV_ERROR)
            continue;
        const char *from = d->text.data + f->offset;
        if (f->kind == ONOMA_FINDING_REWRITE) {
            snprintf(title, sizeof title, "Replace '%.*s' with '%.*s'", (int)f->length, from, (int)f->to_len,
                     d->pool.data + f->to);
            action(b, &first, d, title, "quickfix", 1, f, f, 1, d->pool.data + f->to, f->to_len);
        } else if (f->kind == ONOMA_FINDING_AMBIGUOUS) {
            for (size_t k = 0; k < f->ncand; k++) {
                const size_t *c = d->cands + f->cand + 4 * k;
                snprintf(title, sizeof title, "Replace '%.*s' with '%.*s' (%.*s)", (int)f->length, from, (int)c[1],
                         d->pool.data + c[0], (int)c[3], d->pool.data + c[2]);
                action(b, &first, d, title, "quickfix", 0, f, f, 1, d->pool.data + c[0], c[1]);
            }
        } else {
            snprintf(title, sizeof title, "Replace '%.*s' with '%.*s' (did you mean?)", (int)f->length, from,
                     (int)f->to_len, d->pool.data + f->to);
            action(b, &first, d, title, "quickfix", 0, f, f, 1, d->pool.data + f->to, f->to_len);
        }
    }
    if (nfix && kind_wanted(only, "source.fixAll.onoma")) {
        snprintf(title, sizeof title, "Fix all onoma findings in this file (%zu)", nfix);
        action(b, &first, d, title, "source.fixAll.onoma", 0, NULL, d->f, d->nf, NULL, 0);
    }
    if (onoma__buf_puts(b, "]}"))
        return ONOMA_ENOMEM;
    return send_buf(s);
}

/* ------------------------------------------------------------- dispatch */

int onoma__lsp_handle(onoma__lsp *s, const char *body, size_t len, int *exit_code)
{
    onoma__json_doc jd;
    onoma_error e;
    if (onoma__json_parse(body, len, &jd, &e))
        return respond_error(s, NULL, PARSE_ERROR, e.message);
    const onoma__json *m = jd.root;
    const onoma__json *id = onoma__json_get(m, "id");
    const char *method = str_at(m, "method");
    const onoma__json *params = onoma__json_get(m, "params");
    int rc = 0;
    if (m->type != ONOMA__JSON_OBJECT || (id && id->type != ONOMA__JSON_NUMBER && id->type != ONOMA__JSON_STRING)) {
        rc = respond_error(s, NULL, INVALID_REQUEST, "not a JSON-RPC message");
    } else if (!method) {
        /* a response to a request of ours (we send none that need one) */
        if (!onoma__json_get(m, "result") && !onoma__json_get(m, "error"))
            rc = respond_error(s, id, INVALID_REQUEST, "no method");
    } else if (strcmp(method, "exit") == 0) {
        *exit_code = s->shutdown ? 0 : 1;
        rc = 1;
    } else if (!s->initialized && strcmp(method, "initialize") != 0) {
        if (id)
            rc = respond_error(s, id, SERVER_NOT_INITIALIZED, "initialize first");
    } else if (s->shutdown) {
        if (id)
            rc = respond_error(s, id, INVALID_REQUEST, "shutting down");
    } else if (strcmp(method, "initialize") == 0) {
        rc = id ? (s->initialized ? respond_error(s, id, INVALID_REQUEST, "already initialized")
                                  : on_initialize(s, id, params))
                : 0;
    } else if (strcmp(method, "shutdown") == 0) {
        s->shutdown = 1;
        respond_begin(s, id);
        onoma__buf_puts(&s->out, "null}");
        rc = id ? send_buf(s) : 0;
    } else if (strcmp(method, "textDocument/didOpen") == 0) {
        rc = on_did_open(s, params);
    } else if (strcmp(method, "textDocument/didChange") == 0) {
        rc = on_did_change(s, params);
    } else if (strcmp(method, "textDocument/didClose") == 0) {
        rc = on_did_close(s, params);
    } else if (strcmp(method, "textDocument/didSave") == 0) {
        rc = on_did_save(s, params);
    } else if (strcmp(method, "textDocument/codeAction") == 0 && id) {
        rc = on_code_action(s, id, params);
    } else if (strcmp(method, "workspace/didChangeConfiguration") == 0) {
        apply_options(s, onoma__json_get(params, "settings"));
        rc = make_project(s);
        if (!rc)
            rc = recheck_all(s);
    } else if (strcmp(method, "workspace/didChangeWatchedFiles") == 0) {
        onoma__project_forget(s->proj);
        rc = recheck_all(s);
    } else if (id) {
        rc = respond_error(s, id, METHOD_NOT_FOUND, method);
    }
    onoma__json_doc_free(&jd);
    return rc;
}

int onoma__lsp_new(const onoma__lsp_options *opt, onoma__lsp_send_fn send, void *ctx, onoma__lsp **out,
                   onoma_error *err)
{
    *out = NULL;
    onoma__lsp *s = calloc(1, sizeof *s);
    if (!s)
        return onoma__error(err, ONOMA_ENOMEM, NULL, 0, 0, NULL);
    s->send = send;
    s->ctx = ctx;
    onoma__lsp_options none = {NULL, NULL, 0, 0, 1};
    s->opt = opt ? *opt : none;
    onoma__settings_init(&s->cli);
    if (s->opt.style)
        s->cli.style = strdup(s->opt.style);
    for (size_t i = 0; i < s->opt.ntables; i++)
        onoma__strv_add(&s->cli.tables, s->opt.tables[i], strlen(s->opt.tables[i]));
    if (s->opt.no_default_tables)
        s->cli.default_tables = 0;
    s->opt.style = NULL;
    s->opt.tables = NULL;
    *out = s;
    return 0;
}

void onoma__lsp_free(onoma__lsp **p)
{
    onoma__lsp *s = p ? *p : NULL;
    if (!s)
        return;
    while (s->docs) {
        doc *d = s->docs;
        s->docs = d->next;
        doc_free(d);
    }
    onoma__project_free(&s->proj);
    onoma__settings_free(&s->cli);
    onoma__buf_free(&s->out);
    free(s->last_error);
    free(s->root);
    free(s);
    *p = NULL;
}
