/* onoma compile: validate text tables and compile them into one binary table. */
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"

static const char help[] =
    "Usage: onoma compile [--check] [--no-key-index] SRC... [-o OUT]\n"
    "\n"
    "Check text tables (duplicate ids, a spelling claimed by two entities, bad\n"
    "UTF-8, malformed lines: reported as FILE:LINE: error: ...) and compile them\n"
    "into one binary table (versioned, opened by mmap) written atomically to OUT.\n"
    "\n"
    "      --check          only check; write nothing (-o not needed)\n"
    "  -o, --output OUT     the compiled table\n"
    "      --no-key-index   leave out the key index of the spellings that\n"
    "                       normalize --fuzzy uses (a third smaller; --fuzzy\n"
    "                       then builds it when it opens the table)\n"
    "  -q, --quiet          no summary on success\n"
    "  -h, --help           show this help\n"
    "Exit status: 0 ok, 1 errors in the tables, 2 usage error.\n";

typedef struct diag_ctx {
    size_t n;
} diag_ctx;

static void on_diag(void *ctx, const onoma_error *e)
{
    diag_ctx *d = ctx;
    d->n++;
    if (e->file[0] && e->line)
        fprintf(stderr, "%s:%llu: error: %s\n", e->file, (unsigned long long)e->line, e->message);
    else if (e->file[0])
        fprintf(stderr, "%s: error: %s\n", e->file, e->message);
    else
        fprintf(stderr, "%s: error: %s\n", cli_prog, e->message[0] ? e->message : onoma_strerror(e->code));
}

int cmd_compile(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"check", no_argument, NULL, 'c'},
        {"output", required_argument, NULL, 'o'},
        {"no-key-index", no_argument, NULL, 'K'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int check = 0, quiet = 0, c;
    unsigned flags = 0;
    const char *out = NULL;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': check = 1; break;
        case 'o': out = optarg; break;
        case 'q': quiet = 1; break;
        case 'K': flags |= ONOMA_COMPILE_NO_KEY_INDEX; break;
        case 'h':
            fputs(help, stdout);
            return fclose(stdout) ? EXIT_FINDINGS : 0;
        default:
            return cli_bad_option("compile", c, argv);
        }
    }
    if (optind >= argc)
        return cli_usage("compile", "no source table given");
    if (!check && !out)
        return cli_usage("compile", "no output given (-o OUT), and not --check");
    diag_ctx d = {0};
    onoma_error e;
    int rc = onoma_compile_ex((const char *const *)argv + optind, (size_t)(argc - optind), check ? NULL : out, flags,
                              on_diag, &d, &e);
    if (rc) {
        if (!d.n)
            cli_report(&e);
        else
            fprintf(stderr, "%s: %zu error%s\n", cli_prog, d.n, d.n == 1 ? "" : "s");
        return EXIT_FINDINGS;
    }
    if (!quiet && !check)
        fprintf(stderr, "%s: compiled %d table%s into %s\n", cli_prog, argc - optind, argc - optind == 1 ? "" : "s",
                out);
    return 0;
}
