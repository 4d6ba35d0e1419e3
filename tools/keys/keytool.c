/* keytool: a standalone driver of src/key, to score and time the C code
 * before it is part of the onoma CLI.
 *
 *   keytool [--rules DIR] [--lang L] key [--ordered] [FILE...|-]
 *   keytool [--rules DIR] [--lang L] match [--explain] NAME1 NAME2
 *   keytool [--rules DIR] [--lang L] match [--explain] --pairs FILE|-
 *   keytool [--rules DIR] bench key|match FILE [SECONDS]
 *
 * Build (from the repository root):
 *   cc -O2 -std=c11 -Wall -Wextra -o keytool tools/keys/keytool.c src/key/[a-z]*.c \
 *      $(pkg-config --cflags --libs icu-uc icu-i18n)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../src/key/key.h"

static void usage(void)
{
    fputs("usage: keytool [--rules DIR] [--lang L] key [--ordered] [FILE...|-]\n"
          "       keytool [--rules DIR] [--lang L] match [--explain] NAME1 NAME2\n"
          "       keytool [--rules DIR] [--lang L] match [--explain] --pairs FILE|-\n"
          "       keytool [--rules DIR] bench key|match FILE [SECONDS]\n",
          stderr);
    exit(2);
}

static void die(const char *what, int code)
{
    fprintf(stderr, "keytool: error: %s (%d)\n", what, code);
    exit(1);
}

static FILE *open_in(const char *path)
{
    if (strcmp(path, "-") == 0)
        return stdin;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "keytool: error: cannot open %s\n", path);
        exit(1);
    }
    return f;
}

static size_t chomp(char *line, size_t n)
{
    if (n && line[n - 1] == '\n')
        n--;
    if (n && line[n - 1] == '\r')
        n--;
    line[n] = 0;
    return n;
}

static void explain_out(void *ctx, const char *line)
{
    fprintf((FILE *)ctx, "#\t%s\n", line);
}

static void explain_plain(void *ctx, const char *line)
{
    fprintf((FILE *)ctx, "%s\n", line);
}

static char *keybuf;
static size_t keycap;

static const char *key_of(onoma__keyer *k, const char *s, size_t n)
{
    int need = onoma__key(k, s, n, keybuf, keycap);
    if (need < 0)
        die("key failed", need);
    if ((size_t)need >= keycap) {
        keycap = (size_t)need + 1;
        keybuf = realloc(keybuf, keycap);
        if (!keybuf)
            die("out of memory", 0);
        need = onoma__key(k, s, n, keybuf, keycap);
        if (need < 0)
            die("key failed", need);
    }
    return keybuf;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* time keys or pair matches over the lines of a file, repeated until at
 * least `seconds` of work; output is discarded */
static void bench(onoma__keyer *k, const char *what, const char *path, double seconds)
{
    FILE *f = open_in(path);
    char **lines = NULL;
    size_t *lens = NULL, n = 0, cap = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t got;
    while ((got = getline(&line, &lcap, f)) >= 0) {
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            char **nl = realloc(lines, cap * sizeof *lines);
            if (!nl)
                die("out of memory", 0);
            lines = nl;
            size_t *ns = realloc(lens, cap * sizeof *lens);
            if (!ns)
                die("out of memory", 0);
            lens = ns;
        }
        size_t m = chomp(line, (size_t)got);
        lines[n] = strdup(line);
        if (!lines[n])
            die("out of memory", 0);
        lens[n++] = m;
    }
    free(line);
    if (f != stdin)
        fclose(f);
    int is_match = strcmp(what, "match") == 0;
    size_t done = 0, rounds = 0;
    double sink = 0, t0 = now(), t;
    do {
        for (size_t i = 0; i < n; i++) {
            if (is_match) {
                char *tab = memchr(lines[i], '\t', lens[i]);
                size_t la = tab ? (size_t)(tab - lines[i]) : lens[i];
                const char *b = tab ? tab + 1 : "";
                size_t lb = tab ? lens[i] - la - 1 : 0;
                double s = onoma__match(k, lines[i], la, b, lb, NULL, NULL);
                if (s < 0)
                    die("match failed", (int)s);
                sink += s;
            } else
                sink += (double)key_of(k, lines[i], lens[i])[0];
        }
        done += n;
        rounds++;
        t = now() - t0;
    } while (t < seconds && n);
    printf("%s: %zu %s in %.2f s (%zu rounds of %zu): %.0f per second [%g]\n", what, done,
           is_match ? "pairs" : "names", t, rounds, n, (double)done / t, sink > 0 ? 1.0 : 0.0);
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
    free(lens);
}

int main(int argc, char **argv)
{
    const char *rules = "tables/keys", *lang = "auto";
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        if (strcmp(argv[i], "--rules") == 0 && i + 1 < argc)
            rules = argv[++i];
        else if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
            lang = argv[++i];
        else
            usage();
    }
    if (i >= argc)
        usage();
    const char *cmd = argv[i++];
    char msg[512];
    onoma__keyrules *r;
    int rc = onoma__keyrules_load(rules, &r, msg, sizeof msg);
    if (rc) {
        fprintf(stderr, "keytool: %s\n", msg[0] ? msg : "cannot load rules");
        return 1;
    }
    int lid = onoma__keyrules_lang(r, lang);
    if (lid < 0) {
        fprintf(stderr, "keytool: error: no rule file is for language '%s'\n", lang);
        return 2;
    }
    unsigned flags = ONOMA__KEY_LANG(lid);
    int explain = 0;
    const char *pairs = NULL;
    const char *args[8];
    int nargs = 0;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--ordered") == 0)
            flags |= ONOMA__KEY_ORDERED;
        else if (strcmp(argv[i], "--explain") == 0)
            explain = 1;
        else if (strcmp(argv[i], "--pairs") == 0 && i + 1 < argc)
            pairs = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1] == '-')
            usage();
        else if (nargs < 8)
            args[nargs++] = argv[i];
        else
            usage();
    }
    onoma__keyer *k;
    if ((rc = onoma__keyer_new(r, flags, &k)))
        die("keyer", rc);
    char *line = NULL;
    size_t lcap = 0;
    ssize_t got;
    if (strcmp(cmd, "key") == 0) {
        if (!nargs)
            args[nargs++] = "-";
        for (int a = 0; a < nargs; a++) {
            FILE *f = open_in(args[a]);
            while ((got = getline(&line, &lcap, f)) >= 0) {
                size_t n = chomp(line, (size_t)got);
                fputs(key_of(k, line, n), stdout);
                putchar('\n');
            }
            if (f != stdin)
                fclose(f);
        }
    } else if (strcmp(cmd, "match") == 0) {
        if (pairs) {
            FILE *f = open_in(pairs);
            while ((got = getline(&line, &lcap, f)) >= 0) {
                size_t n = chomp(line, (size_t)got);
                char *tab = memchr(line, '\t', n);
                size_t la = tab ? (size_t)(tab - line) : n;
                const char *b = tab ? tab + 1 : "";
                const char *tab2 = tab ? memchr(b, '\t', n - la - 1) : NULL;
                size_t lb = tab ? (tab2 ? (size_t)(tab2 - b) : n - la - 1) : 0;
                double s = onoma__match(k, line, la, b, lb, NULL, NULL);
                if (s < 0)
                    die("match failed", (int)s);
                printf("%.4f\t%s\n", s, s >= ONOMA__MATCH_THRESHOLD ? "same" : "different");
                if (explain)
                    onoma__match(k, line, la, b, lb, explain_out, stdout);
            }
            if (f != stdin)
                fclose(f);
        } else {
            if (nargs != 2)
                usage();
            double s = onoma__match(k, args[0], strlen(args[0]), args[1], strlen(args[1]),
                                    NULL, NULL);
            if (s < 0)
                die("match failed", (int)s);
            printf("%.4f\t%s\n", s, s >= ONOMA__MATCH_THRESHOLD ? "same" : "different");
            if (explain)
                onoma__match(k, args[0], strlen(args[0]), args[1], strlen(args[1]),
                             explain_plain, stdout);
        }
    } else if (strcmp(cmd, "bench") == 0) {
        if (nargs < 2)
            usage();
        bench(k, args[0], args[1], nargs > 2 ? atof(args[2]) : 10.0);
    } else
        usage();
    free(line);
    free(keybuf);
    onoma__keyer_free(&k);
    onoma__keyrules_free(&r);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "keytool: error: write failed\n");
        return 1;
    }
    return 0;
}
