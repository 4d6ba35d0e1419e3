/* onoma match: are two names the same? */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static const char help[] =
    "Usage: onoma match [OPTIONS] NAME1 NAME2\n"
    "       onoma match [OPTIONS] --pairs FILE|-\n"
    "\n"
    "Score two names in [0, 1] and decide whether they are the same name:\n"
    "prints SCORE<TAB>same|different. Token order does not matter, and a\n"
    "dropped middle name, patronymic or particle costs little ('Sergey\n"
    "Viktorovich Lavrov' and 'Sergei Lavrov' are the same). With --pairs, reads\n"
    "NAME1<TAB>NAME2 lines (more fields are ignored) and prints one result line\n"
    "per pair, in order. Rule-based (share/onoma/keys, docs/keys.md); never\n"
    "looks at the tables.\n"
    "\n"
    "  -p, --pairs FILE     read the pairs from FILE (- for standard input)\n"
    "  -e, --explain        also print which tokens were aligned, with their keys\n"
    "                       and scores, and which were left over (with --pairs\n"
    "                       as lines starting with '#<TAB>' after the result)\n"
    "      --threshold X    decide 'same' from score X on (default 0.86, the\n"
    "                       calibrated threshold: docs/keys.md)\n"
    "  -l, --lang L         rules for language L only (default auto)\n"
    "      --rules PATH     key rules: a directory of rule files or one file\n"
    "  -o, --output FILE    write to FILE (atomically: all or nothing)\n"
    CLI_DECODE_HELP
    "  -h, --help           show this help\n"
    "\n"
    "Exit status: 0 ok (whatever the verdicts), 1 a data error (a line without a\n"
    "tab, invalid UTF-8, a bad rule file), 2 usage error.\n";

typedef struct match_ctx {
    onoma_keyer *k;
    cli_out *out;
    const char *file;
    double threshold;
    int explain;
    const char *prefix; /* of explanation lines */
    int failed;
} match_ctx;

static void explain_line(void *ctx, const char *line)
{
    match_ctx *m = ctx;
    if (cli_out_printf(m->out, "%s%s\n", m->prefix, line))
        m->failed = 1;
}

/* 0, or -1 after a message */
static int one_pair(match_ctx *m, const char *a, size_t alen, const char *b, size_t blen, const char *where)
{
    onoma_error e;
    double score;
    int rc = onoma_match(m->k, a, alen, b, blen, &score, NULL, NULL, &e);
    if (rc < 0) {
        cli_error("%s%s", where, e.message);
        return -1;
    }
    char line[64];
    int n = snprintf(line, sizeof line, "%.4f\t%s\n", score, score >= m->threshold ? "same" : "different");
    if (cli_out_write(m->out, line, (size_t)n))
        return -1;
    if (m->explain) {
        onoma_match(m->k, a, alen, b, blen, NULL, explain_line, m, &e);
        if (m->failed)
            return -1;
    }
    return 0;
}

static int pair_line(void *ctx, char *line, size_t len, uint64_t lineno)
{
    match_ctx *m = ctx;
    char where[600];
    snprintf(where, sizeof where, "%s:%llu: ", m->file, (unsigned long long)lineno);
    char *tab = memchr(line, '\t', len);
    if (!tab) {
        cli_error("%sexpected NAME1<TAB>NAME2", where);
        return -1;
    }
    const char *b = tab + 1;
    size_t alen = (size_t)(tab - line), rest = len - alen - 1;
    const char *tab2 = memchr(b, '\t', rest);
    return one_pair(m, line, alen, b, tab2 ? (size_t)(tab2 - b) : rest, where);
}

int cmd_match(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"pairs", required_argument, NULL, 'p'},
        {"explain", no_argument, NULL, 'e'},
        {"threshold", required_argument, NULL, 'T'},
        {"lang", required_argument, NULL, 'l'},
        {"rules", required_argument, NULL, 'R'},
        {"output", required_argument, NULL, 'o'},
        CLI_DECODE_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *lang = NULL, *rules_path = NULL, *output = NULL, *pairs = NULL;
    match_ctx m = {NULL, NULL, "-", ONOMA_MATCH_THRESHOLD, 0, "", 0};
    int c;
    cli_decode dec = {NULL, 0, 0};
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":p:el:o:h", longopts, NULL)) != -1) {
        if (cli_decode_option(&dec, c, optarg))
            continue;
        switch (c) {
        case 'p': pairs = optarg; break;
        case 'e': m.explain = 1; break;
        case 'T': {
            char *end;
            errno = 0;
            m.threshold = strtod(optarg, &end);
            if (errno || end == optarg || *end || !(m.threshold >= 0.0 && m.threshold <= 1.0))
                return cli_usage("match", "--threshold takes a number from 0 to 1, not '%s'", optarg);
            break;
        }
        case 'l': lang = optarg; break;
        case 'R': rules_path = optarg; break;
        case 'o': output = optarg; break;
        case 'h':
            fputs(help, stdout);
            return fclose(stdout) ? EXIT_FINDINGS : 0;
        default: return cli_bad_option("match", c, argv);
        }
    }
    int nargs = argc - optind;
    if (pairs ? nargs != 0 : nargs != 2)
        return cli_usage("match", "%s", pairs ? "--pairs takes no names" : "expected two names (or --pairs FILE)");
    onoma_keyrules *rules = NULL;
    int rc = cli_keyer_open(rules_path, lang, 0, "match", &rules, &m.k);
    if (rc)
        return rc == -2 ? EXIT_USAGE : EXIT_FINDINGS;
    cli_out out;
    int ok = 1;
    if (cli_out_open(&out, output)) {
        onoma_keyer_free(&m.k);
        onoma_keyrules_close(&rules);
        return EXIT_FINDINGS;
    }
    m.out = &out;
    if (pairs) {
        cli_input in;
        if (cli_input_open(&in, &dec, pairs))
            ok = 0;
        else {
            m.file = in.name;
            m.prefix = "#\t";
            out.line_flush = in.raw == 0 && isatty(0);
            if (cli_each_line(in.fd, m.file, pair_line, &m))
                ok = 0;
            if (cli_input_close(&in))
                ok = 0;
        }
    } else {
        const char *a = argv[optind], *b = argv[optind + 1];
        if (one_pair(&m, a, strlen(a), b, strlen(b), ""))
            ok = 0;
    }
    if (cli_out_close(&out, ok))
        ok = 0;
    onoma_keyer_free(&m.k);
    onoma_keyrules_close(&rules);
    return ok ? 0 : EXIT_FINDINGS;
}
