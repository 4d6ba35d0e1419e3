/* onoma normalize: rewrite variant spellings to canonical forms, streaming. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/progress.h"

static const char help[] =
    "Usage: onoma normalize [OPTIONS] [FILE...|-]\n"
    "\n"
    "Rewrite variant spellings of known names (Suleimani, Soleymani -> Soleimani)\n"
    "to their canonical form, leaving every other byte as it is. Reads the FILEs\n"
    "(or standard input) in turn and writes the result to standard output.\n"
    "\n"
    "  -t, --table PATH         add a table: text (.tsv) or compiled; repeatable.\n"
    "                           ONOMA_TABLES (colon-separated paths) adds tables too\n"
    "      --no-default-tables  do not load the bundled tables\n"
    "  -s, --style STYLE        canonical forms of this house style (default: default)\n"
    "      --exact              byte-exact keys: no folding of case, accents, hyphens,\n"
    "                           apostrophes or letter variants; canonical forms as written\n"
    "      --invalid=MODE       invalid UTF-8 or NUL bytes: error (default: stop with\n"
    "                           the byte offset, exit 1), keep (pass through), replace (U+FFFD)\n"
    "      --no-guard           rewrite spellings that are also common words everywhere\n"
    "      --any-case           let words written in lower case match names (by default\n"
    "                           'iran' is left alone: only 'Iran', 'IRAN' match)\n"
    "      --fuzzy              also rewrite unseen spellings of known names found\n"
    "                           through the name key (onoma key): capitalised words\n"
    "                           only, when the key leads to exactly one entity and the\n"
    "                           rest of a longer name agrees; --report marks them\n"
    "                           \"kind\":\"fuzzy\" (docs/keys.md)\n"
    "      --cross-script       rewrite names written in another script than their\n"
    "                           canonical form too (قاسم سلیمانی -> Qasem Soleimani);\n"
    "                           by default they are left as written\n"
    "      --report FILE        write JSON Lines: one object per rewrite or ambiguity\n"
    CLI_ENCODING_HELP
    "  -v, --verbose            say which encoding each input was read in\n"
    "  -o, --output FILE        write to FILE (atomically: all or nothing)\n"
    "  -j, --jobs N             use N threads on large inputs (output stays in order)\n"
    CLI_PROGRESS_HELP
    "  -h, --help               show this help\n"
    "\n"
    "Matching: whole words; the longest match wins, then the leftmost; lookup folds\n"
    "case, diacritics, hyphen/space, apostrophe kinds and Arabic-script letter\n"
    "variants; the output keeps the input's case pattern. A spelling that leads to\n"
    "several entities is reported in --report and left alone.\n"
    "Exit status: 0 ok, 1 a data error (bad input, bad table), 2 usage error.\n";

typedef struct report_ctx {
    cli_out *out;
    const char *file;
    onoma__buf line;
} report_ctx;

static int on_event(void *ctx, const onoma_event *ev)
{
    report_ctx *r = ctx;
    onoma__buf *b = &r->line;
    b->len = 0;
    char num[160];
    onoma__buf_puts(b, "{\"file\":");
    cli_json_str(b, r->file, strlen(r->file));
    snprintf(num, sizeof num, ",\"line\":%llu,\"column\":%llu,\"offset\":%llu,\"length\":%llu,\"kind\":\"%s\",\"from\":",
             (unsigned long long)ev->line, (unsigned long long)ev->column, (unsigned long long)ev->offset,
             (unsigned long long)ev->length,
             ev->kind != ONOMA_EVENT_REWRITE ? "ambiguous" : ev->fuzzy ? "fuzzy" : "rewrite");
    onoma__buf_puts(b, num);
    cli_json_str(b, ev->from, ev->from_len);
    if (ev->kind == ONOMA_EVENT_REWRITE) {
        onoma__buf_puts(b, ",\"to\":");
        cli_json_str(b, ev->to, ev->to_len);
        onoma__buf_puts(b, ",\"id\":");
        cli_json_str(b, ev->id, strlen(ev->id));
        onoma__buf_puts(b, ",\"entity\":");
        cli_json_str(b, ev->display, strlen(ev->display));
        onoma__buf_puts(b, ",\"type\":");
        cli_json_str(b, ev->type, strlen(ev->type));
        if (ev->fuzzy) {
            snprintf(num, sizeof num, ",\"score\":%.4f", ev->score);
            onoma__buf_puts(b, num);
        }
    } else {
        onoma__buf_puts(b, ",\"candidates\":[");
        for (size_t i = 0; i < ev->ncandidates; i++) {
            onoma__buf_puts(b, i ? ",{\"id\":" : "{\"id\":");
            cli_json_str(b, ev->candidates[i].id, strlen(ev->candidates[i].id));
            onoma__buf_puts(b, ",\"canonical\":");
            cli_json_str(b, ev->candidates[i].canonical, strlen(ev->candidates[i].canonical));
            onoma__buf_puts(b, ",\"entity\":");
            cli_json_str(b, ev->candidates[i].display, strlen(ev->candidates[i].display));
            onoma__buf_putc(b, '}');
        }
        onoma__buf_putc(b, ']');
    }
    if (onoma__buf_puts(b, "}\n"))
        return ONOMA_ENOMEM;
    return cli_out_write(r->out, b->data, b->len);
}

/* Output bytes stand for input bytes in the progress of a pipe. */
typedef struct counted {
    cli_out *out;
    cli_progress *pg;
} counted;

static int counted_write(void *ctx, const char *p, size_t n)
{
    counted *c = ctx;
    cli_progress_add(c->pg, n);
    return cli_out_write(c->out, p, n);
}

int cmd_normalize(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_TABLE_OPTIONS,
        {"style", required_argument, NULL, 's'},
        {"exact", no_argument, NULL, 'x'},
        {"invalid", required_argument, NULL, 'I'},
        {"no-guard", no_argument, NULL, 'G'},
        {"any-case", no_argument, NULL, 'A'},
        {"fuzzy", no_argument, NULL, 'F'},
        {"cross-script", no_argument, NULL, 'X'},
        {"report", required_argument, NULL, 'r'},
        {"output", required_argument, NULL, 'o'},
        {"jobs", required_argument, NULL, 'j'},
        {"from-encoding", required_argument, NULL, 'E'},
        {"verbose", no_argument, NULL, 'v'},
        {"progress", no_argument, NULL, 'P'},
        {"no-progress", no_argument, NULL, 'Q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_tables tables = {0};
    onoma_options opt = {0, NULL, 1, NULL};
    const char *output = NULL, *report = NULL;
    /* every byte is kept: a UTF-8 byte-order mark too */
    cli_decode dec = {NULL, ONOMA__DECODE_KEEP_UTF8_BOM, 0};
    int c, progress = CLI_PROGRESS_AUTO;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":t:s:o:j:vh", longopts, NULL)) != -1) {
        int handled = cli_tables_option(&tables, c, optarg);
        if (handled < 0)
            return EXIT_FINDINGS;
        if (handled)
            continue;
        switch (c) {
        case 's': opt.style = optarg; break;
        case 'x': opt.flags |= ONOMA_EXACT; break;
        case 'G': opt.flags |= ONOMA_NO_GUARD; break;
        case 'A': opt.flags |= ONOMA_ANY_CASE; break;
        case 'F': opt.flags |= ONOMA_FUZZY; break;
        case 'X': opt.flags |= ONOMA_CROSS_SCRIPT; break;
        case 'I': {
            static const char *const modes[] = {"error", "keep", "replace", NULL};
            static const unsigned flags[] = {0, ONOMA_INVALID_KEEP, ONOMA_INVALID_REPLACE};
            static const unsigned dflags[] = {0, ONOMA__DECODE_KEEP, ONOMA__DECODE_REPLACE};
            int m = cli_choice("normalize", "--invalid", optarg, modes);
            if (m < 0)
                return EXIT_USAGE;
            opt.flags |= flags[m];
            dec.flags |= dflags[m];
            break;
        }
        case 'r': report = optarg; break;
        case 'E': dec.encoding = optarg; break;
        case 'v': dec.verbose = 1; break;
        case 'o': output = optarg; break;
        case 'j': {
            long n = cli_parse_count(optarg, 256);
            if (n < 0)
                return cli_usage("normalize", "--jobs takes a number from 1 to 256, not '%s'", optarg);
            opt.jobs = (unsigned)n;
            break;
        }
        case 'P': progress = CLI_PROGRESS_ON; break;
        case 'Q': progress = CLI_PROGRESS_OFF; break;
        case 'h':
            fputs(help, stdout);
            return fclose(stdout) ? EXIT_FINDINGS : 0;
        default:
            cli_tables_free(&tables);
            return cli_bad_option("normalize", c, argv);
        }
    }
    onoma_tables *t = NULL;
    if (cli_tables_open(&tables, (opt.flags & ONOMA_EXACT) ? ONOMA_TABLES_EXACT : 0, &t)) {
        cli_tables_free(&tables);
        return EXIT_FINDINGS;
    }
    cli_tables_free(&tables);
    onoma_normalizer *nz = NULL;
    onoma_error e;
    if (onoma_normalizer_new(t, &opt, &nz, &e)) {
        cli_report(&e);
        onoma_tables_close(&t);
        return e.code == ONOMA_ESTYLE ? EXIT_USAGE : EXIT_FINDINGS;
    }
    cli_out out, rep;
    int have_rep = 0, ok = 1;
    if (cli_out_open(&out, output)) {
        ok = 0;
        goto done;
    }
    report_ctx rctx = {&rep, "-", {0}};
    if (report) {
        if (cli_out_open(&rep, report)) {
            cli_out_close(&out, 0);
            ok = 0;
            goto done;
        }
        have_rep = 1;
        onoma_normalizer_on_event(nz, on_event, &rctx);
    }
    char *stdin_only[] = {"-"};
    char **files = optind < argc ? argv + optind : stdin_only;
    int nfiles = optind < argc ? argc - optind : 1;
    cli_progress *pg = cli_progress_start(progress, cli_progress_size(files, nfiles), !output && isatty(1));
    uint64_t done = 0;
    for (int i = 0; i < nfiles && ok; i++) {
        int fd = cli_open_input(files[i]);
        if (fd < 0) {
            ok = 0;
            break;
        }
        const char *name = fd == 0 ? "-" : files[i];
        out.line_flush = fd == 0 && isatty(0);
        rctx.file = name;
        onoma_normalizer_set_name(nz, name);
        cli_progress_track(pg, fd, done);
        counted cw = {&out, pg};
        /* other encodings (and byte-order marks) are read through a pipe
         * fed by a thread, so that --jobs works the same */
        onoma__reader *rd = NULL;
        cli_relay relay;
        if (cli_reader_open(&dec, fd, name, &rd) || cli_relay_start(&relay, rd, fd)) {
            onoma__reader_close(&rd);
            if (fd > 0)
                close(fd);
            ok = 0;
            break;
        }
        int rc = onoma_normalize_fd(nz, relay.fd, pg ? counted_write : cli_out_write, pg ? (void *)&cw : (void *)&out,
                                    &e);
        if (cli_relay_finish(&relay, 0)) {
            cli_progress_stop(&pg); /* the message gets a clean line */
            cli_report(onoma__reader_error(rd)); /* the input's own error */
            ok = 0;
        } else if (rc) {
            cli_progress_stop(&pg);
            if (!out.failed && !(have_rep && rep.failed))
                cli_report(&e);
            ok = 0;
        }
        onoma__reader_close(&rd);
        done += cli_progress_size(&files[i], 1);
        cli_progress_track(pg, -1, done);
        if (fd > 0)
            close(fd);
    }
    cli_progress_stop(&pg);
    onoma__buf_free(&rctx.line);
    if (have_rep && cli_out_close(&rep, ok))
        ok = 0;
    if (cli_out_close(&out, ok))
        ok = 0;
done:
    onoma_normalizer_free(&nz);
    onoma_tables_close(&t);
    return ok ? 0 : EXIT_FINDINGS;
}
