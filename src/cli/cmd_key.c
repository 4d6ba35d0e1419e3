/* onoma key: the name key of each line. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static const char help[] =
    "Usage: onoma key [OPTIONS] [FILE...|-]\n"
    "\n"
    "Print the name key of each input line: one name a line in, exactly one key\n"
    "a line out, in order (an empty line gives an empty key). Spellings of one\n"
    "name share a key: 'Qasem Soleimani', 'Ghassem Solaimani' and 'قاسم سلیمانی'\n"
    "all give 'ksm srmni'. Purely rule-based (share/onoma/keys, docs/keys.md):\n"
    "it never looks at the tables, so it works for names nobody listed.\n"
    "\n"
    "  -l, --lang L       rules for language L only (ar, fa, ru, uk, tr, el, ...);\n"
    "                     default auto: the rules meant for any language\n"
    "      --ordered      keep the order of the tokens (default: sorted, so that\n"
    "                     'Soleimani, Qasem' and 'Qasem Soleimani' meet)\n"
    "      --rules PATH   key rules: a directory of rule files or one file\n"
    "                     (default: the bundled ones)\n"
    "  -o, --output FILE  write to FILE (atomically: all or nothing)\n"
    CLI_DECODE_HELP
    "  -h, --help         show this help\n"
    "\n"
    "Exit status: 0 ok, 1 a data error (invalid UTF-8, a bad rule file), 2 usage error.\n";

typedef struct key_ctx {
    onoma_keyer *k;
    cli_out *out;
    const char *file;
    char *buf;
    size_t cap;
} key_ctx;

static int one_line(void *ctx, char *line, size_t len, uint64_t lineno)
{
    key_ctx *c = ctx;
    onoma_error e;
    int n = onoma_key(c->k, line, len, c->buf, c->cap, &e);
    if (n >= 0 && (size_t)n >= c->cap) {
        size_t cap = (size_t)n + 1;
        char *nb = realloc(c->buf, cap);
        if (!nb) {
            cli_error("out of memory");
            return -1;
        }
        c->buf = nb;
        c->cap = cap;
        n = onoma_key(c->k, line, len, c->buf, c->cap, &e);
    }
    if (n < 0) {
        cli_error("%s:%llu: %s", c->file, (unsigned long long)lineno, e.message);
        return -1;
    }
    c->buf[n] = '\n';
    return cli_out_write(c->out, c->buf, (size_t)n + 1) ? -1 : 0;
}

int cmd_key(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"lang", required_argument, NULL, 'l'},
        {"ordered", no_argument, NULL, 'O'},
        {"rules", required_argument, NULL, 'R'},
        {"output", required_argument, NULL, 'o'},
        CLI_DECODE_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *lang = NULL, *rules_path = NULL, *output = NULL;
    unsigned flags = 0;
    int c;
    cli_decode dec = {NULL, 0, 0};
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":l:o:h", longopts, NULL)) != -1) {
        if (cli_decode_option(&dec, c, optarg))
            continue;
        switch (c) {
        case 'l': lang = optarg; break;
        case 'O': flags |= ONOMA_KEY_ORDERED; break;
        case 'R': rules_path = optarg; break;
        case 'o': output = optarg; break;
        case 'h':
            fputs(help, stdout);
            return fclose(stdout) ? EXIT_FINDINGS : 0;
        default: return cli_bad_option("key", c, argv);
        }
    }
    onoma_keyrules *rules = NULL;
    onoma_keyer *k = NULL;
    int rc = cli_keyer_open(rules_path, lang, flags, "key", &rules, &k);
    if (rc)
        return rc == -2 ? EXIT_USAGE : EXIT_FINDINGS;
    cli_out out;
    int ok = 1;
    key_ctx kc = {k, &out, "-", NULL, 256};
    if (!(kc.buf = malloc(kc.cap)) || cli_out_open(&out, output)) {
        if (!kc.buf)
            cli_error("out of memory");
        free(kc.buf);
        onoma_keyer_free(&k);
        onoma_keyrules_close(&rules);
        return EXIT_FINDINGS;
    }
    char *stdin_only[] = {"-"};
    char **files = optind < argc ? argv + optind : stdin_only;
    int nfiles = optind < argc ? argc - optind : 1;
    for (int i = 0; i < nfiles && ok; i++) {
        cli_input in;
        if (cli_input_open(&in, &dec, files[i])) {
            ok = 0;
            break;
        }
        kc.file = in.name;
        out.line_flush = in.raw == 0 && isatty(0);
        if (cli_each_line(in.fd, kc.file, one_line, &kc))
            ok = 0;
        if (cli_input_close(&in))
            ok = 0;
    }
    if (cli_out_close(&out, ok))
        ok = 0;
    free(kc.buf);
    onoma_keyer_free(&k);
    onoma_keyrules_close(&rules);
    return ok ? 0 : EXIT_FINDINGS;
}
