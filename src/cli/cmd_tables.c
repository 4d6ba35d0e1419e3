/* onoma tables: what is loaded, with counts, licences and styles. */
#include <dirent.h>
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"

static const char help[] =
    "Usage: onoma tables [--table PATH]... [--no-default-tables] [--format text|json]\n"
    "\n"
    "List the loaded tables (name, kind, entries, spellings, version, licence,\n"
    "source) and the house styles with the number of records each covers.\n"
    "\n"
    "  -t, --table PATH         add a table (text or compiled); repeatable\n"
    "      --no-default-tables  do not load the bundled tables\n"
    "      --format FMT         text (default) or json\n"
    "  -h, --help               show this help\n";

/* The optional tables shipped beside the bundle (loaded with --table NAME). */
static void list_optional(cli_out *o)
{
    char path[4096];
    if (onoma_default_tables_path(path, sizeof path) <= 0)
        return;
    char *slash = strrchr(path, '/');
    if (!slash)
        return;
    *slash = 0;
    DIR *d = opendir(path);
    if (!d)
        return;
    int header = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n < 5 || strcmp(de->d_name + n - 4, ".onb") != 0 || strcmp(de->d_name, "names.onb") == 0)
            continue;
        if (!header++)
            cli_out_printf(o, "\n%-24s %s\n", "OPTIONAL TABLE", "(load with --table NAME)");
        cli_out_printf(o, "%.*s\n", (int)(n - 4), de->d_name);
    }
    closedir(d);
}

int cmd_tables(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_TABLE_OPTIONS,
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_tables tables = {0};
    static const char *const formats[] = {"text", "json", NULL};
    int json = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":t:h", longopts, NULL)) != -1) {
        int handled = cli_tables_option(&tables, c, optarg);
        if (handled < 0)
            return EXIT_FINDINGS;
        if (handled)
            continue;
        switch (c) {
        case 'f':
            if ((json = cli_choice("tables", "--format", optarg, formats)) < 0)
                return EXIT_USAGE;
            break;
        case 'h':
            fputs(help, stdout);
            return fclose(stdout) ? EXIT_FINDINGS : 0;
        default:
            cli_tables_free(&tables);
            return cli_bad_option("tables", c, argv);
        }
    }
    if (optind < argc) {
        cli_tables_free(&tables);
        return cli_usage("tables", "unexpected argument '%s'", argv[optind]);
    }
    onoma_tables *t;
    int rc = cli_tables_open(&tables, 0, &t);
    cli_tables_free(&tables);
    if (rc)
        return EXIT_FINDINGS;
    cli_out o;
    if (cli_out_open(&o, NULL)) {
        onoma_tables_close(&t);
        return EXIT_FINDINGS;
    }
    onoma__buf b = {0};
    size_t n = onoma_tables_count(t), ent = 0, var = 0;
    if (json) {
        onoma__buf_puts(&b, "{\"tables\":[");
        for (size_t i = 0; i < n; i++) {
            onoma_table_info in;
            onoma_tables_info(t, i, &in);
            char num[128];
            onoma__buf_puts(&b, i ? ",{\"name\":" : "{\"name\":");
            cli_json_str(&b, in.name, strlen(in.name));
            onoma__buf_puts(&b, ",\"kind\":");
            cli_json_str(&b, in.kind, strlen(in.kind));
            snprintf(num, sizeof num, ",\"entries\":%zu,\"variants\":%zu,\"compiled\":%s,\"version\":", in.entries,
                     in.variants, in.compiled ? "true" : "false");
            onoma__buf_puts(&b, num);
            cli_json_str(&b, in.version, strlen(in.version));
            onoma__buf_puts(&b, ",\"license\":");
            cli_json_str(&b, in.license, strlen(in.license));
            onoma__buf_puts(&b, ",\"source\":");
            cli_json_str(&b, in.source, strlen(in.source));
            onoma__buf_puts(&b, ",\"path\":");
            cli_json_str(&b, in.path, strlen(in.path));
            onoma__buf_putc(&b, '}');
        }
        onoma__buf_puts(&b, "],\"styles\":[");
        for (size_t i = 0; i < onoma_styles_count(t); i++) {
            char num[64];
            onoma__buf_puts(&b, i ? ",{\"name\":" : "{\"name\":");
            const char *s = onoma_style_name(t, i);
            cli_json_str(&b, s, strlen(s));
            snprintf(num, sizeof num, ",\"coverage\":%zu}", onoma_style_coverage(t, i));
            onoma__buf_puts(&b, num);
        }
        onoma__buf_puts(&b, "]}\n");
        cli_out_write(&o, b.data, b.len);
    } else {
        cli_out_printf(&o, "%-24s %-6s %9s %10s  %-12s %-20s %s\n", "TABLE", "KIND", "ENTRIES", "SPELLINGS", "VERSION",
                       "LICENSE", "SOURCE");
        for (size_t i = 0; i < n; i++) {
            onoma_table_info in;
            onoma_tables_info(t, i, &in);
            ent += in.entries;
            var += in.variants;
            cli_out_printf(&o, "%-24s %-6s %9zu %10zu  %-12s %-20s %s\n", in.name, in.kind, in.entries, in.variants,
                           in.version[0] ? in.version : "-", in.license[0] ? in.license : "-",
                           in.source[0] ? in.source : "-");
        }
        cli_out_printf(&o, "%-24s %-6s %9zu %10zu\n\n%-24s %s\n", "total", "", ent, var, "STYLE", "COVERAGE");
        for (size_t i = 0; i < onoma_styles_count(t); i++)
            cli_out_printf(&o, "%-24s %zu%s\n", onoma_style_name(t, i), onoma_style_coverage(t, i),
                           i == 0 ? " (every record)" : "");
        list_optional(&o);
    }
    onoma__buf_free(&b);
    onoma_tables_close(&t);
    return cli_out_close(&o, 1) ? EXIT_FINDINGS : 0;
}
