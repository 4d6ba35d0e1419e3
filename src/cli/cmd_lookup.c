/* onoma lookup: which entities a name names. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static const char help[] =
    "Usage: onoma lookup [OPTIONS] NAME...\n"
    "       onoma lookup [OPTIONS] < names.txt   (one name a line)\n"
    "\n"
    "For each name, the entities it names: id, type, canonical form (in the\n"
    "style), the entity's full canonical name, and how it matched (exact, or\n"
    "folded: case, accents, hyphens, apostrophes, letter variants). Text output\n"
    "is one tab-separated line per match:\n"
    "  NAME  ID  TYPE  CANONICAL  ENTITY  MATCH  TABLE\n"
    "Names that match nothing print nothing.\n"
    "\n"
    "  -t, --table PATH         add a table (text or compiled); repeatable\n"
    "      --no-default-tables  do not load the bundled tables\n"
    "  -s, --style STYLE        canonical forms of this style\n"
    "      --format FMT         text (default) or json (one object per name a line)\n"
    CLI_ENCODING_HELP
    "                           (for names read from standard input)\n"
    "  -v, --verbose            say which encoding standard input was read in\n"
    "  -h, --help               show this help\n"
    "Exit status: 0 every name matched, 1 some did not (or an error), 2 usage error.\n";

typedef struct lk {
    cli_out *o;
    int json;
    const char *name;
    size_t nname;
    onoma__buf b;
    size_t n;
} lk;

static int on_entity(void *ctx, const onoma_entity *e)
{
    lk *l = ctx;
    const char *how = e->match == ONOMA_MATCH_EXACT ? "exact" : "folded";
    if (!l->json)
        return cli_out_printf(l->o, "%.*s\t%s\t%s\t%s\t%s\t%s%s\t%s\n", (int)l->nname, l->name, e->id, e->type,
                              e->canonical, e->display, how, e->guarded ? ",guarded" : "", e->table)
                   ? ONOMA_EIO
                   : 0;
    onoma__buf *b = &l->b;
    onoma__buf_puts(b, l->n++ ? ",{\"id\":" : "{\"id\":");
    cli_json_str(b, e->id, strlen(e->id));
    onoma__buf_puts(b, ",\"type\":");
    cli_json_str(b, e->type, strlen(e->type));
    onoma__buf_puts(b, ",\"canonical\":");
    cli_json_str(b, e->canonical, strlen(e->canonical));
    onoma__buf_puts(b, ",\"entity\":");
    cli_json_str(b, e->display, strlen(e->display));
    onoma__buf_puts(b, ",\"match\":");
    cli_json_str(b, how, strlen(how));
    onoma__buf_puts(b, e->guarded ? ",\"guarded\":true" : ",\"guarded\":false");
    onoma__buf_puts(b, ",\"table\":");
    cli_json_str(b, e->table, strlen(e->table));
    return onoma__buf_putc(b, '}') ? ONOMA_ENOMEM : 0;
}

/* 1 matched, 0 not, -1 error */
static int one(onoma_tables *t, const char *style, lk *l, const char *name, size_t n)
{
    onoma_error e;
    l->name = name;
    l->nname = n;
    l->n = 0;
    l->b.len = 0;
    if (l->json) {
        onoma__buf_puts(&l->b, "{\"name\":");
        cli_json_str(&l->b, name, n);
        onoma__buf_puts(&l->b, ",\"matches\":[");
    }
    int rc = onoma_lookup(t, style, name, n, on_entity, l, &e);
    if (rc < 0) {
        if (rc == ONOMA_EUTF8 || rc == ONOMA_ENUL) {
            cli_error("invalid UTF-8 in name at byte %llu", (unsigned long long)e.offset);
            return 0;
        }
        cli_report(&e);
        return -1;
    }
    if (l->json) {
        onoma__buf_puts(&l->b, "]}\n");
        if (cli_out_write(l->o, l->b.data, l->b.len))
            return -1;
    }
    return rc > 0;
}

int cmd_lookup(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_TABLE_OPTIONS,
        {"style", required_argument, NULL, 's'},
        {"format", required_argument, NULL, 'f'},
        {"from-encoding", required_argument, NULL, 'E'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_tables tables = {0};
    const char *style = NULL;
    cli_decode dec = {NULL, 0, 0};
    static const char *const formats[] = {"text", "json", NULL};
    int json = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":t:s:vh", longopts, NULL)) != -1) {
        int handled = cli_tables_option(&tables, c, optarg);
        if (handled < 0)
            return EXIT_FINDINGS;
        if (handled)
            continue;
        switch (c) {
        case 's': style = optarg; break;
        case 'E': dec.encoding = optarg; break;
        case 'v': dec.verbose = 1; break;
        case 'f':
            if ((json = cli_choice("lookup", "--format", optarg, formats)) < 0)
                return EXIT_USAGE;
            break;
        case 'h':
            fputs(help, stdout);
            return fclose(stdout) ? EXIT_FINDINGS : 0;
        default:
            cli_tables_free(&tables);
            return cli_bad_option("lookup", c, argv);
        }
    }
    onoma_tables *t;
    int rc = cli_tables_open(&tables, 0, &t);
    cli_tables_free(&tables);
    if (rc)
        return EXIT_FINDINGS;
    if (style && strcmp(style, "default") != 0) {
        int found = 0;
        for (size_t i = 0; i < onoma_styles_count(t); i++)
            found |= strcmp(onoma_style_name(t, i), style) == 0;
        if (!found) {
            onoma_tables_close(&t);
            return cli_usage("lookup", "unknown style '%s'", style);
        }
    }
    cli_out o;
    if (cli_out_open(&o, NULL)) {
        onoma_tables_close(&t);
        return EXIT_FINDINGS;
    }
    lk l = {&o, json, NULL, 0, {0}, 0};
    int all = 1, err = 0;
    if (optind < argc) {
        for (int i = optind; i < argc && !err; i++) {
            int r = one(t, style, &l, argv[i], strlen(argv[i]));
            err = r < 0;
            all &= r > 0;
        }
    } else {
        o.line_flush = isatty(0);
        /* names a line, read as UTF-8 whatever the input's encoding */
        onoma__reader *rd = NULL;
        if (cli_reader_open(&dec, 0, "-", &rd)) {
            err = 1;
        } else {
            onoma__buf in = {0};
            char chunk[4096];
            long n;
            while (!err && (n = onoma__reader_read(rd, chunk, sizeof chunk)) != 0) {
                if (n < 0) {
                    cli_report(onoma__reader_error(rd));
                    err = 1;
                    break;
                }
                if (onoma__buf_put(&in, chunk, (size_t)n)) {
                    cli_error("out of memory");
                    err = 1;
                    break;
                }
                /* answer each complete line as it comes (interactive use) */
                char *nl;
                size_t start = 0;
                while (!err && (nl = memchr(in.data + start, '\n', in.len - start)) != NULL) {
                    size_t len = (size_t)(nl - (in.data + start));
                    while (len && in.data[start + len - 1] == '\r')
                        len--;
                    int r = one(t, style, &l, in.data + start, len);
                    err = r < 0;
                    all &= r > 0;
                    start = (size_t)(nl - in.data) + 1;
                }
                memmove(in.data, in.data + start, in.len - start);
                in.len -= start;
            }
            size_t len = in.len;
            while (len && in.data[len - 1] == '\r')
                len--;
            if (!err && len) {
                int r = one(t, style, &l, in.data, len);
                err = r < 0;
                all &= r > 0;
            }
            onoma__buf_free(&in);
        }
        onoma__reader_close(&rd);
    }
    onoma__buf_free(&l.b);
    onoma_tables_close(&t);
    if (cli_out_close(&o, !err))
        err = 1;
    return err ? EXIT_FINDINGS : (all ? 0 : EXIT_FINDINGS);
}
