#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "json/json.h"

const char *cli_prog = "onoma";

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: error: ", cli_prog);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: warning: ", cli_prog);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void cli_report(const onoma_error *e)
{
    const char *msg = e->message[0] ? e->message : onoma_strerror(e->code);
    if (e->file[0] && (e->code == ONOMA_EUTF8 || e->code == ONOMA_ENUL || e->code == ONOMA_EENCODING) && strstr(msg, "at byte"))
        cli_error("%s: %s", e->file, msg);
    else if (e->file[0] && e->line && e->column)
        cli_error("%s:%llu:%llu: %s", e->file, (unsigned long long)e->line, (unsigned long long)e->column, msg);
    else if (e->file[0] && e->line)
        cli_error("%s:%llu: %s", e->file, (unsigned long long)e->line, msg);
    else if (e->file[0])
        cli_error("%s: %s", e->file, msg);
    else
        cli_error("%s", msg);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s%s%s: ", cli_prog, cmd ? " " : "", cmd ? cmd : "");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry '%s%s%s --help' for more information.\n", cli_prog, cmd ? " " : "", cmd ? cmd : "");
    va_end(ap);
    return EXIT_USAGE;
}

int cli_bad_option(const char *cmd, int opt, char **argv)
{
    extern int optind, optopt;
    const char *arg = argv[optind - 1];
    if (opt == ':')
        return cli_usage(cmd, "option '%s' needs a value", arg);
    if (optopt)
        return cli_usage(cmd, "unknown option '-%c'", optopt);
    return cli_usage(cmd, "unknown option '%s'", arg);
}

int cli_tables_add(cli_tables *t, const char *path)
{
    if (t->n == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 8;
        const char **np = realloc(t->paths, nc * sizeof *np);
        if (!np)
            return -1;
        t->paths = np;
        t->cap = nc;
    }
    t->paths[t->n++] = path;
    return 0;
}

int cli_tables_option(cli_tables *t, int c, const char *arg)
{
    if (c == 'N') {
        t->no_defaults = 1;
        return 1;
    }
    if (c != 't')
        return 0;
    if (cli_tables_add(t, arg)) {
        cli_error("out of memory");
        return -1;
    }
    return 1;
}

int cli_choice(const char *cmd, const char *opt, const char *arg, const char *const *choices)
{
    for (int i = 0; choices[i]; i++)
        if (strcmp(arg, choices[i]) == 0)
            return i;
    char list[256] = "";
    for (int i = 0; choices[i]; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? (choices[i + 1] ? ", " : " or ") : "",
                 choices[i]);
    cli_usage(cmd, "%s takes %s, not '%s'", opt, list, arg);
    return -1;
}

void cli_tables_free(cli_tables *t)
{
    free(t->paths);
    memset(t, 0, sizeof *t);
}

int cli_tables_open(cli_tables *t, unsigned flags, onoma_tables **out)
{
    const char **all = NULL;
    size_t n = 0;
    char *env = getenv("ONOMA_TABLES") ? strdup(getenv("ONOMA_TABLES")) : NULL;
    size_t cap = t->n + 1;
    for (const char *p = env; p && *p; p++)
        cap += *p == ':';
    all = calloc(cap, sizeof *all);
    if (!all) {
        free(env);
        cli_error("out of memory");
        return -1;
    }
    for (char *save = NULL, *tok = env ? strtok_r(env, ":", &save) : NULL; tok; tok = strtok_r(NULL, ":", &save))
        all[n++] = tok;
    for (size_t i = 0; i < t->n; i++)
        all[n++] = t->paths[i];
    onoma_error e;
    int rc = onoma_tables_open(all, n, flags | (t->no_defaults ? 0 : ONOMA_TABLES_DEFAULTS), out, &e);
    if (rc)
        cli_report(&e);
    free(all);
    free(env);
    return rc ? -1 : 0;
}

#define OUT_BUF (1u << 20)

int cli_out_open(cli_out *o, const char *path)
{
    memset(o, 0, sizeof *o);
    o->cap = OUT_BUF;
    o->buf = malloc(o->cap);
    if (!o->buf) {
        cli_error("out of memory");
        return -1;
    }
    if (!path || strcmp(path, "-") == 0) {
        o->fd = 1;
        o->name = "standard output";
        return 0;
    }
    onoma_error e;
    if (onoma__afile_open(&o->af, path, &e)) {
        cli_report(&e);
        free(o->buf);
        o->buf = NULL;
        return -1;
    }
    o->atomic = 1;
    o->fd = o->af.fd;
    o->name = path;
    return 0;
}

int cli_out_flush(cli_out *o)
{
    if (o->failed)
        return -1;
    if (!o->len)
        return 0;
    int e = onoma__write_all(o->fd, o->buf, o->len);
    o->len = 0;
    if (e) {
        o->failed = 1;
        cli_error("%s: write error: %s", o->name, strerror(-e));
        return -1;
    }
    return 0;
}

int cli_out_write(void *ctx, const char *p, size_t n)
{
    cli_out *o = ctx;
    if (o->failed)
        return ONOMA_EIO;
    if (n >= o->cap) {
        if (cli_out_flush(o))
            return ONOMA_EIO;
        int e = onoma__write_all(o->fd, p, n);
        if (e) {
            o->failed = 1;
            cli_error("%s: write error: %s", o->name, strerror(-e));
            return ONOMA_EIO;
        }
        return 0;
    }
    if (o->cap - o->len < n && cli_out_flush(o))
        return ONOMA_EIO;
    memcpy(o->buf + o->len, p, n);
    o->len += n;
    if (o->line_flush && memchr(p, '\n', n) && cli_out_flush(o))
        return ONOMA_EIO;
    return 0;
}

int cli_out_puts(cli_out *o, const char *s) { return cli_out_write(o, s, strlen(s)) ? -1 : 0; }

int cli_out_printf(cli_out *o, const char *fmt, ...)
{
    char small[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    if ((size_t)n < sizeof small)
        return cli_out_write(o, small, (size_t)n) ? -1 : 0;
    char *big = malloc((size_t)n + 1);
    if (!big)
        return -1;
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    int rc = cli_out_write(o, big, (size_t)n) ? -1 : 0;
    free(big);
    return rc;
}

int cli_out_close(cli_out *o, int ok)
{
    int rc = 0;
    if (!o->buf)
        return -1;
    if (ok && cli_out_flush(o))
        ok = 0, rc = -1;
    if (o->atomic) {
        onoma_error e;
        if (ok) {
            if (onoma__afile_commit(&o->af, &e)) {
                cli_report(&e);
                rc = -1;
            }
        } else {
            onoma__afile_abort(&o->af);
            rc = -1;
        }
    } else if (ok) {
        /* a full disk or a closed pipe must not look like success */
        if (close(1) != 0 && errno != EINTR) {
            cli_error("%s: write error: %s", o->name, strerror(errno));
            rc = -1;
        }
    } else {
        rc = -1;
    }
    free(o->buf);
    o->buf = NULL;
    return rc;
}

int cli_open_input(const char *path)
{
    if (strcmp(path, "-") == 0)
        return 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        cli_error("%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    return fd;
}

void cli_json_str(onoma__buf *b, const char *s, size_t n) { onoma__json_put_str(b, s, n); }

long cli_parse_count(const char *s, long max)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > max)
        return -1;
    return v;
}

#define LINE_CHUNK (1u << 20)

int cli_each_line(int fd, const char *name, cli_line_fn fn, void *ctx)
{
    onoma__buf b = {0};
    size_t start = 0; /* of the line not yet complete */
    uint64_t lineno = 0;
    int rc = 0;
    for (;;) {
        if (start && start == b.len)
            b.len = start = 0;
        else if (start > LINE_CHUNK) {
            memmove(b.data, b.data + start, b.len - start);
            b.len -= start;
            start = 0;
        }
        if (onoma__buf_reserve(&b, LINE_CHUNK)) {
            cli_error("out of memory");
            rc = -1;
            break;
        }
        ssize_t r = read(fd, b.data + b.len, LINE_CHUNK);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            cli_error("%s: read error: %s", name, strerror(errno));
            rc = -1;
            break;
        }
        size_t from = b.len;
        b.len += (size_t)r;
        char *p = b.data + from, *end = b.data + b.len;
        while (!rc && p < end) {
            char *nl = memchr(p, '\n', (size_t)(end - p));
            if (!nl)
                break;
            size_t len = (size_t)(nl - (b.data + start));
            if (len && b.data[start + len - 1] == '\r')
                len--;
            rc = fn(ctx, b.data + start, len, ++lineno);
            start = (size_t)(nl - b.data) + 1;
            p = nl + 1;
        }
        if (rc)
            break;
        if (r == 0) {
            size_t len = b.len - start;
            if (len && b.data[start + len - 1] == '\r')
                len--;
            if (b.len > start)
                rc = fn(ctx, b.data + start, len, ++lineno);
            break;
        }
    }
    onoma__buf_free(&b);
    return rc;
}

int cli_keyer_open(const char *rules_path, const char *lang, unsigned flags, const char *cmd, onoma_keyrules **rules,
                   onoma_keyer **keyer)
{
    onoma_error e;
    *keyer = NULL;
    if (onoma_keyrules_open(rules_path, rules, &e)) {
        cli_report(&e);
        return -1;
    }
    onoma_key_options ko = {flags, lang};
    if (onoma_keyer_new(*rules, &ko, keyer, &e)) {
        if (e.code == ONOMA_EINVAL && lang) {
            char list[512] = "";
            for (size_t i = 0; onoma_keyrules_lang(*rules, i); i++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? " " : "",
                         onoma_keyrules_lang(*rules, i));
            onoma_keyrules_close(rules);
            cli_usage(cmd, "--lang takes auto or one of: %s (not '%s')", list, lang);
            return -2;
        }
        cli_report(&e);
        onoma_keyrules_close(rules);
        return -1;
    }
    return 0;
}

int cli_reader_open(const cli_decode *d, int fd, const char *name, onoma__reader **out)
{
    onoma_error e;
    if (onoma__reader_open(out, fd, name, d->encoding, d->flags, &e)) {
        cli_report(&e);
        return -1;
    }
    if (d->verbose) {
        int conf = onoma__reader_confidence(*out);
        if (conf >= 0)
            fprintf(stderr, "%s: %s: encoding %s (detected, confidence %d%%)\n", cli_prog, name,
                    onoma__reader_encoding(*out), conf);
        else
            fprintf(stderr, "%s: %s: encoding %s\n", cli_prog, name, onoma__reader_encoding(*out));
    }
    return 0;
}

static void *relay_main(void *arg)
{
    cli_relay *r = arg;
    /* a reader that stopped early closes its end: EPIPE, not a signal */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    char *buf = malloc(1u << 16);
    r->rc = buf ? 0 : ONOMA_ENOMEM;
    while (!r->rc) {
        long n = onoma__reader_read(r->rd, buf, 1u << 16);
        if (n <= 0) {
            r->rc = (int)n;
            break;
        }
        if (onoma__write_all(r->pipe_w, buf, (size_t)n))
            break; /* the other side gave up: its error is the one to report */
    }
    free(buf);
    close(r->pipe_w);
    return NULL;
}

int cli_relay_start(cli_relay *r, onoma__reader *rd, int fd)
{
    memset(r, 0, sizeof *r);
    r->rd = rd;
    r->fd = fd;
    r->pipe_w = -1;
    if (onoma__reader_direct(rd))
        return 0;
    int p[2];
    pthread_t *t = malloc(sizeof *t);
    if (!t || pipe2(p, O_CLOEXEC) != 0) {
        free(t);
        cli_error("cannot create a pipe: %s", strerror(errno));
        return -1;
    }
    r->fd = p[0];
    r->pipe_w = p[1];
    if (pthread_create(t, NULL, relay_main, r) != 0) {
        close(p[0]);
        close(p[1]);
        free(t);
        cli_error("cannot start a thread");
        return -1;
    }
    r->thread = t;
    r->started = 1;
    return 0;
}

int cli_relay_finish(cli_relay *r, int report)
{
    if (!r->started)
        return 0;
    close(r->fd); /* unblocks the thread if the reading stopped early */
    pthread_join(*(pthread_t *)r->thread, NULL);
    free(r->thread);
    r->started = 0;
    if (r->rc < 0) {
        if (report)
            cli_report(onoma__reader_error(r->rd));
        return -1;
    }
    return 0;
}

int cli_input_open(cli_input *in, const cli_decode *d, const char *path)
{
    memset(in, 0, sizeof *in);
    in->raw = cli_open_input(path);
    if (in->raw < 0)
        return -1;
    in->name = in->raw == 0 ? "-" : path;
    if (cli_reader_open(d, in->raw, in->name, &in->rd) || cli_relay_start(&in->relay, in->rd, in->raw)) {
        onoma__reader_close(&in->rd);
        if (in->raw > 0)
            close(in->raw);
        return -1;
    }
    in->fd = in->relay.fd;
    return 0;
}

int cli_input_close(cli_input *in)
{
    int rc = 0;
    if (cli_relay_finish(&in->relay, 0)) {
        cli_report(onoma__reader_error(in->rd));
        rc = -1;
    }
    onoma__reader_close(&in->rd);
    if (in->raw > 0)
        close(in->raw);
    return rc;
}

int cli_decode_option(cli_decode *d, int c, const char *arg)
{
    if (c == CLI_DECODE_OPT_ENC)
        d->encoding = arg;
    else if (c == CLI_DECODE_OPT_VERBOSE)
        d->verbose = 1;
    else
        return 0;
    return 1;
}
