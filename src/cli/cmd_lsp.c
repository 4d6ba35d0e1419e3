/* onoma lsp: the language server over standard input and output (JSON-RPC
 * messages framed by Content-Length headers). The protocol itself is in
 * src/lsp/server.c. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lsp/server.h"

static const char help[] =
    "Usage: onoma lsp [OPTIONS]\n"
    "\n"
    "A Language Server Protocol server on standard input and output: an editor\n"
    "starts it, and it publishes the findings of `onoma check` as diagnostics while\n"
    "documents are opened and edited, with a quick fix per finding and 'fix all'\n"
    "(source.fixAll.onoma). It reads the same .onoma files as `onoma check`.\n"
    "Editor set-up (Neovim, VS Code, Emacs): docs/editors.md.\n"
    "\n"
    "      --stdio              talk over standard input and output (the default)\n"
    "  -s, --style STYLE        house style (over .onoma)\n"
    "  -t, --table PATH         add a table; repeatable\n"
    "      --no-default-tables  do not load the bundled tables\n"
    "      --no-config          do not read .onoma files\n"
    "      --log FILE           append the messages exchanged to FILE (debugging)\n"
    "  -h, --help               show this help\n"
    "\n"
    "initializationOptions (or workspace/didChangeConfiguration settings.onoma):\n"
    "{\"style\": \"ap\", \"tables\": [...], \"ignore\": [...], \"fuzzy\": true,\n"
    " \"nearMiss\": false, \"markup\": \"markdown\"}\n"
    "Exit status: 0 after shutdown and exit, 1 otherwise, 2 usage error.\n";

typedef struct io {
    char *buf;
    size_t start, len, cap;
    int fd;
    FILE *log;
} io;

static int send_msg(void *ctx, const char *body, size_t n)
{
    io *o = ctx;
    char hdr[64];
    int hl = snprintf(hdr, sizeof hdr, "Content-Length: %zu\r\n\r\n", n);
    if (o->log) {
        fprintf(o->log, "<- %.*s\n", (int)(n > 2000 ? 2000 : n), body);
        fflush(o->log);
    }
    if (onoma__write_all(1, hdr, (size_t)hl) || onoma__write_all(1, body, n))
        return ONOMA_EIO;
    return 0;
}

/* More bytes into the buffer; 0 at end of input, -1 on error. */
static ssize_t fill(io *o)
{
    if (o->start && o->start == o->len)
        o->start = o->len = 0;
    if (o->start > o->cap / 2) {
        memmove(o->buf, o->buf + o->start, o->len - o->start);
        o->len -= o->start;
        o->start = 0;
    }
    if (o->cap - o->len < 65536) {
        size_t nc = o->cap ? o->cap * 2 : 1 << 20;
        char *nb = realloc(o->buf, nc);
        if (!nb)
            return -1;
        o->buf = nb;
        o->cap = nc;
    }
    for (;;) {
        ssize_t r = read(o->fd, o->buf + o->len, o->cap - o->len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r > 0)
            o->len += (size_t)r;
        return r;
    }
}

/* The next message body: 1 (with body, n), 0 at end of input, -1 on a
 * framing error. */
static int next_message(io *o, const char **body, size_t *n)
{
    for (;;) {
        char *h = o->buf + o->start;
        size_t avail = o->len - o->start;
        char *end = avail ? memmem(h, avail, "\r\n\r\n", 4) : NULL;
        if (end) {
            size_t hlen = (size_t)(end - h) + 4;
            long long clen = -1;
            for (char *line = h; line < end;) {
                char *eol = memmem(line, (size_t)(end - line) + 2, "\r\n", 2);
                if (!eol)
                    eol = end;
                if ((size_t)(eol - line) > 15 && strncasecmp(line, "Content-Length:", 15) == 0)
                    clen = strtoll(line + 15, NULL, 10);
                line = eol + 2;
            }
            if (clen < 0)
                return -1;
            while (o->len - o->start < hlen + (size_t)clen) {
                ssize_t r = fill(o);
                if (r <= 0)
                    return r < 0 ? -1 : 0;
            }
            *body = o->buf + o->start + hlen;
            *n = (size_t)clen;
            o->start += hlen + (size_t)clen;
            return 1;
        }
        if (avail > 8192)
            return -1; /* no header end in sight */
        ssize_t r = fill(o);
        if (r <= 0)
            return r < 0 ? -1 : 0;
    }
}

/* Is another message already here or on its way? */
static int input_waiting(io *o)
{
    if (o->len > o->start)
        return 1;
    struct pollfd p = {o->fd, POLLIN, 0};
    return poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP));
}

int cmd_lsp(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"stdio", no_argument, NULL, 'i'},
        {"style", required_argument, NULL, 's'},
        {"table", required_argument, NULL, 't'},
        {"no-default-tables", no_argument, NULL, 'N'},
        {"no-config", no_argument, NULL, 'C'},
        {"log", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    onoma__lsp_options opt = {NULL, NULL, 0, 0, 1};
    cli_tables tables = {0};
    const char *log_path = NULL;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":s:t:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'i': break;
        case 's': opt.style = optarg; break;
        case 't':
            if (cli_tables_add(&tables, optarg))
                return EXIT_FINDINGS;
            break;
        case 'N': opt.no_default_tables = 1; break;
        case 'C': opt.use_config = 0; break;
        case 'l': log_path = optarg; break;
        case 'h':
            cli_tables_free(&tables);
            fputs(help, stdout);
            return fclose(stdout) ? EXIT_FINDINGS : 0;
        default:
            cli_tables_free(&tables);
            return cli_bad_option("lsp", c, argv);
        }
    }
    if (optind < argc) {
        cli_tables_free(&tables);
        return cli_usage("lsp", "unexpected argument '%s'", argv[optind]);
    }
    io o = {NULL, 0, 0, 0, 0, NULL};
    if (log_path && !(o.log = fopen(log_path, "a"))) {
        cli_error("%s: cannot open: %s", log_path, strerror(errno));
        cli_tables_free(&tables);
        return EXIT_FINDINGS;
    }
    opt.tables = tables.paths;
    opt.ntables = tables.n;
    onoma__lsp *srv;
    onoma_error e;
    if (onoma__lsp_new(&opt, send_msg, &o, &srv, &e)) {
        cli_report(&e);
        cli_tables_free(&tables);
        return EXIT_FINDINGS;
    }
    cli_tables_free(&tables);
    int code = 1;
    for (;;) {
        const char *body;
        size_t n;
        int r = next_message(&o, &body, &n);
        if (r <= 0) {
            if (r < 0)
                cli_error("lsp: malformed message header");
            break; /* the client went away without "exit" */
        }
        if (o.log) {
            fprintf(o.log, "-> %.*s\n", (int)(n > 2000 ? 2000 : n), body);
            fflush(o.log);
        }
        int rc = onoma__lsp_handle(srv, body, n, &code);
        if (rc == 1)
            break;
        if (rc < 0) {
            cli_error("lsp: %s", onoma_strerror(rc));
            code = 1;
            break;
        }
        /* re-check edited documents once the edits stop coming */
        if (onoma__lsp_pending(srv) && !input_waiting(&o) && (rc = onoma__lsp_idle(srv)) < 0) {
            cli_error("lsp: %s", onoma_strerror(rc));
            code = 1;
            break;
        }
    }
    onoma__lsp_free(&srv);
    free(o.buf);
    if (o.log)
        fclose(o.log);
    return code;
}
