/* Shared pieces of the onoma command line. */
#ifndef ONOMA_CLI_CLI_H
#define ONOMA_CLI_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "onoma.h"
#include "common/buf.h"
#include "io/atomic.h"
#include "io/decode.h"

#define EXIT_FINDINGS 1 /* findings or a data error */
#define EXIT_USAGE 2

extern const char *cli_prog; /* "onoma" */

/* "onoma: error: ..." on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An onoma_error as "onoma: error: FILE:LINE:COL: message" (or "FILE: message"
 * for bad input, whose message gives the byte offset and line). */
void cli_report(const onoma_error *e);
/* Usage error: message, a pointer to --help, returns EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* For getopt's '?' and ':' returns. */
int cli_bad_option(const char *cmd, int opt, char **argv);

/* --table / --no-default-tables / ONOMA_TABLES. */
typedef struct cli_tables {
    const char **paths;
    size_t n, cap;
    int no_defaults;
} cli_tables;
int cli_tables_add(cli_tables *t, const char *path);
/* The long options every table-using subcommand takes: --table (-t), --no-default-tables. */
#define CLI_TABLE_OPTIONS {"table", required_argument, NULL, 't'}, {"no-default-tables", no_argument, NULL, 'N'}
/* Handle getopt's c if it is a table option: 1 handled, 0 not one, -1 error (printed). */
int cli_tables_option(cli_tables *t, int c, const char *arg);
/* The index of arg in choices (NULL-terminated), or -1 after a usage message. */
int cli_choice(const char *cmd, const char *opt, const char *arg, const char *const *choices);
/* Open: bundled (unless no_defaults), ONOMA_TABLES (colon-separated), then --table in order. */
int cli_tables_open(cli_tables *t, unsigned flags, onoma_tables **out);
void cli_tables_free(cli_tables *t);

/* Buffered output to stdout or, atomically, to a file (-o). */
typedef struct cli_out {
    int fd;
    int atomic;
    int line_flush; /* flush whenever a newline was written (interactive input) */
    onoma__afile af;
    const char *name;
    char *buf;
    size_t len, cap;
    int failed;
} cli_out;
int cli_out_open(cli_out *o, const char *path);
int cli_out_write(void *ctx, const char *p, size_t n); /* an onoma_write_fn */
int cli_out_puts(cli_out *o, const char *s);
int cli_out_printf(cli_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_out_flush(cli_out *o);
/* ok: commit (rename into place / check the final write); else drop the output. Returns 0 or -1. */
int cli_out_close(cli_out *o, int ok);

/* Open an input ("-" = stdin). Returns fd or -1 (message printed). */
int cli_open_input(const char *path);

/* --from-encoding: inputs read as UTF-8 whatever their encoding. */
typedef struct cli_decode {
    const char *encoding; /* NULL: UTF-8 (a byte-order mark decides) */
    unsigned flags;       /* ONOMA__DECODE_* */
    int verbose;          /* say which encoding was read (and the detector's confidence) */
} cli_decode;
/* Open a reader over fd (message printed on failure). */
int cli_reader_open(const cli_decode *d, int fd, const char *name, onoma__reader **out);
/* A descriptor that reads as UTF-8: fd itself when nothing is to be done,
 * else a pipe filled by a thread from the reader. Finish after reading it
 * to its end (or giving up): 0, or -1 with the reader's error printed. */
typedef struct cli_relay {
    onoma__reader *rd;
    int fd;       /* read this */
    int pipe_w;
    int started;
    int rc;
    void *thread; /* pthread_t */
} cli_relay;
int cli_relay_start(cli_relay *r, onoma__reader *rd, int fd);
int cli_relay_finish(cli_relay *r, int report);

/* An input read as UTF-8 ("-" = stdin), whatever its encoding: in->fd. */
typedef struct cli_input {
    int fd;     /* read this */
    int raw;    /* the file's own descriptor */
    const char *name;
    onoma__reader *rd;
    cli_relay relay;
} cli_input;
/* Open (message printed on failure: -1). */
int cli_input_open(cli_input *in, const cli_decode *d, const char *path);
/* Close; -1 (message printed) when the input could not be decoded. */
int cli_input_close(cli_input *in);
/* The long options for it: --from-encoding (as 'E' unless taken) and --verbose. */
#define CLI_DECODE_OPT_ENC 0x1E0
#define CLI_DECODE_OPT_VERBOSE 0x1E1
#define CLI_DECODE_OPTIONS {"from-encoding", required_argument, NULL, CLI_DECODE_OPT_ENC}, \
                           {"verbose", no_argument, NULL, CLI_DECODE_OPT_VERBOSE}
/* Handle getopt's c if it is one of them: 1 handled, 0 not. */
int cli_decode_option(cli_decode *d, int c, const char *arg);
#define CLI_DECODE_HELP \
    "      --from-encoding ENC  read the input in ENC (CP1256, KOI8-R, UTF-16, ..., or auto);\n" \
    "                           a UTF-8/UTF-16 byte-order mark is recognised anyway\n" \
    "      --verbose            say which encoding each input was read in\n"
#define CLI_ENCODING_HELP                                                                                    \
    "      --from-encoding ENC  read input in ENC (CP1256, ISO-8859-6, CP1251, KOI8-R, KOI8-U,\n"             \
    "                           ISO-8859-5, ISO-8859-7, CP1253, ISO-8859-8, CP1255, UTF-16, any\n"            \
    "                           name of 'iconv -l'), or 'auto' (ICU's detector; --verbose shows\n"           \
    "                           its guess and confidence). A UTF-8 or UTF-16 byte-order mark is\n"           \
    "                           recognised without it\n"

/* JSON string (with quotes) into b. */
void cli_json_str(onoma__buf *b, const char *s, size_t n);

/* Parse a positive integer option value; -1 if bad. */
long cli_parse_count(const char *s, long max);

/* The lines of an input (fd, named name in messages), in chunks of 1 MB:
 * fn gets each line without its "\n" or "\r\n" (the last one even without
 * a newline) and its number. Returns 0, fn's first non-zero value, or -1
 * after a read error (printed). */
typedef int (*cli_line_fn)(void *ctx, char *line, size_t len, uint64_t lineno);
int cli_each_line(int fd, const char *name, cli_line_fn fn, void *ctx);

/* Key rules for key, match, cluster: --rules PATH (NULL: bundled) and
 * --lang; prints the error and returns -1 (usage errors: -2). */
int cli_keyer_open(const char *rules_path, const char *lang, unsigned flags, const char *cmd, onoma_keyrules **rules,
                   onoma_keyer **keyer);

/* Subcommands. */
int cmd_normalize(int argc, char **argv);
int cmd_compile(int argc, char **argv);
int cmd_tables(int argc, char **argv);
int cmd_lookup(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_match(int argc, char **argv);
int cmd_cluster(int argc, char **argv);
int cmd_translit(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_lsp(int argc, char **argv);

#endif
