/* onoma translit: text and names in other scripts into Latin script. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static const char help[] =
    "Usage: onoma translit [OPTIONS] [FILE...|-]\n"
    "       onoma translit --list\n"
    "\n"
    "Transliterate Arabic, Persian, Dari, Pashto, Urdu, Russian, Ukrainian,\n"
    "Belarusian, Bulgarian, Serbian, Macedonian, Greek and Hebrew text into Latin\n"
    "script by a published scheme (BGN/PCGN by default). Everything else (spacing,\n"
    "line ends, punctuation, Latin text) is copied as it is. Reads the FILEs (or\n"
    "standard input) in turn and writes to standard output.\n"
    "\n"
    "  -l, --lang L             language of the text: ar fa prs ps ur ru uk be bg sr mk\n"
    "                           el he (or fas, rus ...), or auto (default): told per line\n"
    "                           and script from the letters only one language uses\n"
    "  -s, --scheme S           a short name (bgn, alalc, iso9, un, din, ijmes, iso233,\n"
    "                           national, elot743, gost779a ...: the one of the language),\n"
    "                           a scheme id (bgnpcgn-per-Arab-Latn-1958), a file stem\n"
    "                           (fa-bgn), or icu:ID for any ICU transform (icu:Any-Latin)\n"
    "      --icu ID             the same as --scheme icu:ID\n"
    "      --scheme-file PATH   add a scheme file (ICU transform rules with '# id:' ...\n"
    "                           header lines); repeatable. ONOMA_TRANSLIT_PATH (folders,\n"
    "                           colon-separated) adds the scheme files it holds\n"
    "      --list               list the schemes: id, short name, languages, name, source\n"
    "  -n, --names              name-aware: known names (native spellings in the name\n"
    "                           tables) in their canonical form, other words through the\n"
    "                           names model where there is one, title case\n"
    "  -t, --table PATH         (--names) add a name table; repeatable\n"
    "      --no-default-tables  (--names) do not load the bundled name tables\n"
    "      --style STYLE        (--names) canonical forms of this house style\n"
    "  -a, --ascii              plain ASCII output (a for ā, ' for ʿ, s for ş; never '?')\n"
    "      --any                other scripts through ICU's Any-Latin (default: copied)\n"
    CLI_ENCODING_HELP
    "      --invalid=MODE       invalid input: error (default: stop with the byte offset,\n"
    "                           exit 1), keep (pass through), replace (U+FFFD)\n"
    "  -o, --output FILE        write to FILE (atomically: all or nothing)\n"
    "  -j, --jobs N             use N threads on large inputs (output stays in order)\n"
    "      --no-lexicon         no short vowels from the lexicon of Arabic-script names\n"
    "                           (share/onoma/translit/lexicon/ar.tsv)\n"
    "      --no-cache           transliterate every line as a whole (slow; for checking\n"
    "                           that the word-by-word fast path gives the same output)\n"
    "  -v, --verbose            say which encoding each input was read in (and how sure\n"
    "                           the detector was)\n"
    "  -h, --help               show this help\n"
    "\n"
    "Scheme files are ICU transform rules (docs/translit.md). Exit status: 0 ok,\n"
    "1 a data error (bad input, bad scheme file), 2 usage error (unknown scheme\n"
    "or language).\n";

static int list_one(void *ctx, const onoma_scheme_info *s)
{
    cli_out *o = ctx;
    return cli_out_printf(o, "%-38s %-9s %-8s %s\n    source: %s\n    license: %s\n    file: %s\n", s->id,
                          s->short_name[0] ? s->short_name : "-", s->langs[0] ? s->langs : "-", s->name,
                          s->source[0] ? s->source : "(none given)", s->license[0] ? s->license : "(none given)",
                          s->path)
               ? ONOMA_EIO
               : 0;
}

static int add_path(const char ***v, size_t *n, const char *p)
{
    const char **nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv)
        return -1;
    nv[(*n)++] = p;
    *v = nv;
    return 0;
}

int cmd_translit(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"lang", required_argument, NULL, 'l'},
        {"scheme", required_argument, NULL, 's'},
        {"icu", required_argument, NULL, 'U'},
        {"scheme-file", required_argument, NULL, 'F'},
        {"list", no_argument, NULL, 'L'},
        {"names", no_argument, NULL, 'n'},
        CLI_TABLE_OPTIONS,
        {"style", required_argument, NULL, 'S'},
        {"ascii", no_argument, NULL, 'a'},
        {"any", no_argument, NULL, 'A'},
        {"from-encoding", required_argument, NULL, 'E'},
        {"invalid", required_argument, NULL, 'I'},
        {"output", required_argument, NULL, 'o'},
        {"jobs", required_argument, NULL, 'j'},
        {"no-cache", no_argument, NULL, 'C'},
        {"no-lexicon", no_argument, NULL, 'X'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    onoma_translit_options opt;
    memset(&opt, 0, sizeof opt);
    cli_tables tables = {0};
    cli_decode dec = {NULL, 0, 0};
    const char *output = NULL;
    const char **files = NULL;
    size_t nfiles_s = 0;
    char icu_buf[512];
    int list = 0, c, rc = EXIT_FINDINGS;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":l:s:nt:ao:j:vh", longopts, NULL)) != -1) {
        int handled = cli_tables_option(&tables, c, optarg);
        if (handled < 0)
            goto done;
        if (handled)
            continue;
        switch (c) {
        case 'l': opt.lang = optarg; break;
        case 's': opt.scheme = optarg; break;
        case 'U':
            snprintf(icu_buf, sizeof icu_buf, "icu:%s", optarg);
            opt.scheme = icu_buf;
            break;
        case 'F':
            if (add_path(&files, &nfiles_s, optarg))
                goto oom;
            break;
        case 'L': list = 1; break;
        case 'n': opt.flags |= ONOMA_TRANSLIT_NAMES; break;
        case 'S': opt.style = optarg; break;
        case 'a': opt.flags |= ONOMA_TRANSLIT_ASCII; break;
        case 'A': opt.flags |= ONOMA_TRANSLIT_ANY; break;
        case 'E': dec.encoding = optarg; break;
        case 'I': {
            static const char *const modes[] = {"error", "keep", "replace", NULL};
            static const unsigned flags[] = {0, ONOMA_TRANSLIT_INVALID_KEEP, ONOMA_TRANSLIT_INVALID_REPLACE};
            static const unsigned dflags[] = {0, ONOMA__DECODE_KEEP, ONOMA__DECODE_REPLACE};
            int m = cli_choice("translit", "--invalid", optarg, modes);
            if (m < 0) {
                rc = EXIT_USAGE;
                goto done;
            }
            opt.flags |= flags[m];
            dec.flags |= dflags[m];
            break;
        }
        case 'o': output = optarg; break;
        case 'j': {
            long n = cli_parse_count(optarg, 256);
            if (n < 0) {
                rc = cli_usage("translit", "--jobs takes a number from 1 to 256, not '%s'", optarg);
                goto done;
            }
            opt.jobs = (unsigned)n;
            break;
        }
        case 'C': opt.flags |= ONOMA_TRANSLIT_NO_CACHE; break;
        case 'X': opt.flags |= ONOMA_TRANSLIT_NO_LEXICON; break;
        case 'v': dec.verbose = 1; break;
        case 'h':
            fputs(help, stdout);
            rc = fclose(stdout) ? EXIT_FINDINGS : 0;
            goto done;
        default:
            rc = cli_bad_option("translit", c, argv);
            goto done;
        }
    }
    opt.scheme_files = files;
    opt.nscheme_files = nfiles_s;
    opt.scheme_path = getenv("ONOMA_TRANSLIT_PATH");
    onoma_error e;
    if (list) {
        cli_out o;
        if (cli_out_open(&o, NULL))
            goto done;
        int n = onoma_translit_schemes(&opt, list_one, &o, &e);
        if (n < 0 && !o.failed)
            cli_report(&e);
        rc = cli_out_close(&o, n >= 0) || n < 0 ? EXIT_FINDINGS : 0;
        goto done;
    }
    onoma_tables *t = NULL;
    if ((opt.flags & ONOMA_TRANSLIT_NAMES) && cli_tables_open(&tables, 0, &t))
        goto done;
    opt.tables = t;
    onoma_translit *tr = NULL;
    if (onoma_translit_new(&opt, &tr, &e)) {
        cli_report(&e);
        rc = e.code == ONOMA_ESCHEME && !e.file[0] ? EXIT_USAGE : e.code == ONOMA_ESTYLE ? EXIT_USAGE : EXIT_FINDINGS;
        if (e.code == ONOMA_ESCHEME && !e.file[0])
            fprintf(stderr, "Try '%s translit --list' for the schemes.\n", cli_prog);
        onoma_tables_close(&t);
        goto done;
    }
    cli_out out;
    int ok = 1;
    if (cli_out_open(&out, output)) {
        ok = 0;
    } else {
        char *stdin_only[] = {"-"};
        char **in = optind < argc ? argv + optind : stdin_only;
        int nin = optind < argc ? argc - optind : 1;
        for (int i = 0; i < nin && ok; i++) {
            int fd = cli_open_input(in[i]);
            if (fd < 0) {
                ok = 0;
                break;
            }
            const char *name = fd == 0 ? "-" : in[i];
            out.line_flush = fd == 0 && isatty(0);
            onoma__reader *rd = NULL;
            if (cli_reader_open(&dec, fd, name, &rd)) {
                ok = 0;
            } else {
                onoma_translit_set_name(tr, name);
                if (onoma_translit_read(tr, onoma__reader_read, rd, cli_out_write, &out, &e)) {
                    if (!out.failed)
                        cli_report(e.code == ONOMA_EENCODING || e.code == ONOMA_EIO ? onoma__reader_error(rd) : &e);
                    ok = 0;
                }
            }
            onoma__reader_close(&rd);
            if (fd > 0)
                close(fd);
        }
        if (cli_out_close(&out, ok))
            ok = 0;
    }
    onoma_translit_free(&tr);
    onoma_tables_close(&t);
    rc = ok ? 0 : EXIT_FINDINGS;
done:
    cli_tables_free(&tables);
    free(files);
    return rc;
oom:
    cli_error("out of memory");
    cli_tables_free(&tables);
    free(files);
    return EXIT_FINDINGS;
}
