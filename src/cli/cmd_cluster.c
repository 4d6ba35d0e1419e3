/* onoma cluster: candidate spelling variants of the names in a corpus. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

static const char help[] =
    "Usage: onoma cluster [OPTIONS] [FILE...|-]\n"
    "\n"
    "Find the names mentioned in a corpus (runs of capitalised words, with\n"
    "particles such as al- or bin; short runs of a native script next to them),\n"
    "group their spellings by name key and, within a key, by similarity (onoma\n"
    "match), and print the groups of two spellings or more: largest first, each\n"
    "spelling with its count and the line of its first mention, most frequent\n"
    "spelling first. Like OpenRefine's clustering, for names across scripts.\n"
    "\n"
    "  -m, --min-count N     only groups with at least N mentions in all (default 1)\n"
    "  -f, --format FMT      text (default), json (one object per group a line) or\n"
    "                        tsv (one spelling a line: group, key, mentions, count,\n"
    "                        spelling, file, line, context)\n"
    "      --emit-table FILE also write the groups as a draft names table\n"
    "                        (docs/tables.md): the most frequent spelling as the\n"
    "                        canonical form, the others as variants; review it,\n"
    "                        then use it with --table\n"
    "  -l, --lang L          key rules for language L only (default auto)\n"
    "      --rules PATH      key rules: a directory of rule files or one file\n"
    "  -o, --output FILE     write to FILE (atomically: all or nothing)\n"
    CLI_DECODE_HELP
    "  -h, --help            show this help\n"
    "\n"
    "Exit status: 0 ok, 1 an error (unreadable input, a bad rule file), 2 usage error.\n";

enum { FMT_TEXT, FMT_JSON, FMT_TSV };

typedef struct cl_ctx {
    cli_out *out, *table;
    int format;
    size_t ngroups;
    onoma__buf b;
} cl_ctx;

/* Text for a TSV field: tabs and line breaks become spaces. */
static void tsv_field(onoma__buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        onoma__buf_putc(b, s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ? ' ' : s[i]);
}

static int on_group(void *ctx, const onoma_cluster_group *g)
{
    cl_ctx *c = ctx;
    onoma__buf *b = &c->b;
    b->len = 0;
    c->ngroups++;
    char num[96];
    if (c->format == FMT_TEXT) {
        snprintf(num, sizeof num, "%s%s  (%llu mentions, %zu spellings)\n", c->ngroups > 1 ? "\n" : "", g->key,
                 (unsigned long long)g->count, g->nspellings);
        onoma__buf_puts(b, num);
        for (size_t i = 0; i < g->nspellings; i++) {
            const onoma_cluster_spelling *s = &g->spellings[i];
            snprintf(num, sizeof num, "%8llu  ", (unsigned long long)s->count);
            onoma__buf_puts(b, num);
            onoma__buf_put(b, s->text, s->len);
            snprintf(num, sizeof num, "\t%s:%llu: ", s->file, (unsigned long long)s->line);
            onoma__buf_puts(b, num);
            onoma__buf_put(b, s->context, s->context_len);
            onoma__buf_putc(b, '\n');
        }
    } else if (c->format == FMT_JSON) {
        onoma__buf_puts(b, "{\"key\":");
        cli_json_str(b, g->key, strlen(g->key));
        snprintf(num, sizeof num, ",\"mentions\":%llu,\"spellings\":[", (unsigned long long)g->count);
        onoma__buf_puts(b, num);
        for (size_t i = 0; i < g->nspellings; i++) {
            const onoma_cluster_spelling *s = &g->spellings[i];
            onoma__buf_puts(b, i ? ",{\"text\":" : "{\"text\":");
            cli_json_str(b, s->text, s->len);
            snprintf(num, sizeof num, ",\"count\":%llu,\"file\":", (unsigned long long)s->count);
            onoma__buf_puts(b, num);
            cli_json_str(b, s->file, strlen(s->file));
            snprintf(num, sizeof num, ",\"line\":%llu,\"context\":", (unsigned long long)s->line);
            onoma__buf_puts(b, num);
            cli_json_str(b, s->context, s->context_len);
            onoma__buf_putc(b, '}');
        }
        onoma__buf_puts(b, "]}\n");
    } else {
        for (size_t i = 0; i < g->nspellings; i++) {
            const onoma_cluster_spelling *s = &g->spellings[i];
            snprintf(num, sizeof num, "%zu\t", c->ngroups);
            onoma__buf_puts(b, num);
            onoma__buf_puts(b, g->key);
            snprintf(num, sizeof num, "\t%llu\t%llu\t", (unsigned long long)g->count, (unsigned long long)s->count);
            onoma__buf_puts(b, num);
            tsv_field(b, s->text, s->len);
            onoma__buf_putc(b, '\t');
            tsv_field(b, s->file, strlen(s->file));
            snprintf(num, sizeof num, "\t%llu\t", (unsigned long long)s->line);
            onoma__buf_puts(b, num);
            tsv_field(b, s->context, s->context_len);
            onoma__buf_putc(b, '\n');
        }
    }
    if (onoma__buf_putc(b, 0))
        return ONOMA_ENOMEM;
    if (cli_out_write(c->out, b->data, b->len - 1))
        return ONOMA_EIO;
    if (!c->table)
        return 0;
    /* id, type, canonical, variants: the spellings never hold tabs or line
     * breaks (they are words and one-character separators) */
    b->len = 0;
    snprintf(num, sizeof num, "cluster:%zu\tname\t", c->ngroups);
    onoma__buf_puts(b, num);
    for (size_t i = 0; i < g->nspellings; i++) {
        if (i > 1)
            onoma__buf_putc(b, '|');
        onoma__buf_put(b, g->spellings[i].text, g->spellings[i].len);
        if (i == 0)
            onoma__buf_putc(b, '\t');
    }
    if (onoma__buf_putc(b, '\n'))
        return ONOMA_ENOMEM;
    return cli_out_write(c->table, b->data, b->len) ? ONOMA_EIO : 0;
}

int cmd_cluster(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"min-count", required_argument, NULL, 'm'},
        {"format", required_argument, NULL, 'f'},
        {"emit-table", required_argument, NULL, 'E'},
        {"lang", required_argument, NULL, 'l'},
        {"rules", required_argument, NULL, 'R'},
        {"output", required_argument, NULL, 'o'},
        CLI_DECODE_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *lang = NULL, *rules_path = NULL, *output = NULL, *emit = NULL;
    onoma_cluster_options opt = {0, NULL, 1};
    int format = FMT_TEXT, c;
    cli_decode dec = {NULL, 0, 0};
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":m:f:l:o:h", longopts, NULL)) != -1) {
        if (cli_decode_option(&dec, c, optarg))
            continue;
        switch (c) {
        case 'm': {
            long n = cli_parse_count(optarg, 1000000000L);
            if (n < 0)
                return cli_usage("cluster", "--min-count takes a positive number, not '%s'", optarg);
            opt.min_count = (uint64_t)n;
            break;
        }
        case 'f': {
            static const char *const fmts[] = {"text", "json", "tsv", NULL};
            if ((format = cli_choice("cluster", "--format", optarg, fmts)) < 0)
                return EXIT_USAGE;
            break;
        }
        case 'E': emit = optarg; break;
        case 'l': lang = optarg; break;
        case 'R': rules_path = optarg; break;
        case 'o': output = optarg; break;
        case 'h':
            fputs(help, stdout);
            return fclose(stdout) ? EXIT_FINDINGS : 0;
        default: return cli_bad_option("cluster", c, argv);
        }
    }
    onoma_keyrules *rules = NULL;
    onoma_keyer *probe = NULL;
    /* the keyer only checks --lang and --rules before any input is read */
    int rc = cli_keyer_open(rules_path, lang, 0, "cluster", &rules, &probe);
    if (rc)
        return rc == -2 ? EXIT_USAGE : EXIT_FINDINGS;
    onoma_keyer_free(&probe);
    opt.lang = lang;
    onoma_cluster *cl = NULL;
    onoma_error e;
    if (onoma_cluster_new(rules, &opt, &cl, &e)) {
        cli_report(&e);
        onoma_keyrules_close(&rules);
        return EXIT_FINDINGS;
    }
    int ok = 1;
    char *stdin_only[] = {"-"};
    char **files = optind < argc ? argv + optind : stdin_only;
    int nfiles = optind < argc ? argc - optind : 1;
    enum { CHUNK = 1 << 20 };
    char *buf = malloc(CHUNK);
    if (!buf) {
        cli_error("out of memory");
        ok = 0;
    }
    for (int i = 0; i < nfiles && ok; i++) {
        cli_input in;
        if (cli_input_open(&in, &dec, files[i])) {
            ok = 0;
            break;
        }
        const char *name = in.name;
        onoma_cluster_set_name(cl, name);
        for (;;) {
            ssize_t r = read(in.fd, buf, CHUNK);
            if (r < 0) {
                cli_error("%s: read error: %s", name, strerror(errno));
                ok = 0;
                break;
            }
            if (r == 0)
                break;
            if (onoma_cluster_feed(cl, buf, (size_t)r, &e)) {
                cli_report(&e);
                ok = 0;
                break;
            }
        }
        if (cli_input_close(&in))
            ok = 0;
    }
    free(buf);
    cli_out out, table;
    cl_ctx cc = {&out, NULL, format, 0, {0}};
    if (ok && cli_out_open(&out, output))
        ok = 0;
    else if (ok && emit) {
        if (cli_out_open(&table, emit)) {
            cli_out_close(&out, 0);
            ok = 0;
        } else {
            cc.table = &table;
            char date[32] = "";
            time_t now = time(NULL);
            struct tm tm;
            if (gmtime_r(&now, &tm))
                strftime(date, sizeof date, "%Y-%m-%d", &tm);
            cli_out_printf(&table,
                           "# name: cluster-draft\n# version: %s\n"
                           "# source: onoma cluster over %d input(s): a draft, to be reviewed before use\n"
                           "# license: the licence of the corpus (fill in)\n"
                           "# id\ttype\tcanonical\tvariants\tstyles\n",
                           date, nfiles);
        }
    }
    if (ok) {
        if (format == FMT_TSV)
            cli_out_puts(&out, "group\tkey\tmentions\tcount\tspelling\tfile\tline\tcontext\n");
        if (onoma_cluster_groups(cl, on_group, &cc, &e)) {
            if (!out.failed && !(cc.table && cc.table->failed))
                cli_report(&e);
            ok = 0;
        }
        if (cc.table && cli_out_close(cc.table, ok))
            ok = 0;
        if (cli_out_close(&out, ok))
            ok = 0;
    }
    onoma__buf_free(&cc.b);
    onoma_cluster_free(&cl);
    onoma_keyrules_close(&rules);
    return ok ? 0 : EXIT_FINDINGS;
}
