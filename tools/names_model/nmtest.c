/* Standalone driver for the names-model decoder (not part of the library).
 *
 *   cc -O2 -Isrc/translit -o tools/names_model/nmtest tools/names_model/nmtest.c \
 *      src/translit/names_model.c $(pkg-config --cflags --libs icu-uc)
 *   tools/names_model/nmtest --model tables/translit/names/ar.model < in > out
 *   tools/names_model/nmtest --model M --bench N < in    (tokens/s on stderr)
 *
 * Reads lines, splits them into tokens on spaces, transliterates each token
 * and writes one line per input line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "names_model.h"

static int run(const onoma__names_model *m, const char *line, size_t len,
               FILE *out, long *ntok)
{
    char buf[1024];
    size_t i = 0;
    int first = 1;
    while (i < len) {
        while (i < len && (line[i] == ' ' || line[i] == '\t'))
            i++;
        size_t j = i;
        while (j < len && line[j] != ' ' && line[j] != '\t')
            j++;
        if (j == i)
            break;
        int n = onoma__names_model_translit(m, line + i, j - i, buf, sizeof buf);
        if (n < 0)
            return n;
        if (out) {
            if (!first)
                fputc(' ', out);
            if ((size_t)n >= sizeof buf) {
                char *big = malloc((size_t)n + 1);
                if (!big)
                    return -2;
                onoma__names_model_translit(m, line + i, j - i, big, (size_t)n + 1);
                fputs(big, out);
                free(big);
            } else {
                fputs(buf, out);
            }
        }
        first = 0;
        (*ntok)++;
        i = j;
    }
    if (out)
        fputc('\n', out);
    return 0;
}

int main(int argc, char **argv)
{
    const char *model = NULL;
    long bench = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--model") == 0 && i + 1 < argc)
            model = argv[++i];
        else if (strcmp(argv[i], "--bench") == 0 && i + 1 < argc)
            bench = atol(argv[++i]);
        else {
            fprintf(stderr, "usage: nmtest --model FILE [--bench N] < lines\n");
            return 2;
        }
    }
    if (!model) {
        fprintf(stderr, "usage: nmtest --model FILE [--bench N] < lines\n");
        return 2;
    }
    onoma__names_model *m;
    char msg[256];
    int rc = onoma__names_model_open(model, &m, msg, sizeof msg);
    if (rc < 0) {
        fprintf(stderr, "nmtest: error: %s\n", msg);
        return 1;
    }
    char *line = NULL;
    size_t cap = 0, nlines = 0, lcap = 0;
    char **lines = NULL;
    ssize_t n;
    long ntok = 0;
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        size_t len = (size_t)n;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        line[len] = '\0';
        if (bench) {
            if (nlines == lcap) {
                lcap = lcap ? lcap * 2 : 1024;
                lines = realloc(lines, lcap * sizeof *lines);
                if (!lines)
                    return 1;
            }
            lines[nlines++] = strdup(line);
            continue;
        }
        if (run(m, line, len, stdout, &ntok) < 0) {
            fprintf(stderr, "nmtest: error: bad input line\n");
            fputc('\n', stdout);
        }
    }
    free(line);
    if (bench) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (long r = 0; r < bench; r++)
            for (size_t i = 0; i < nlines; i++)
                run(m, lines[i], strlen(lines[i]), NULL, &ntok);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        fprintf(stderr, "%ld tokens in %.3f s: %.0f tokens/s\n", ntok, s, (double)ntok / s);
        for (size_t i = 0; i < nlines; i++)
            free(lines[i]);
        free(lines);
    }
    onoma__names_model_close(&m);
    if (fclose(stdout) != 0) {
        fprintf(stderr, "nmtest: error: write failed\n");
        return 1;
    }
    return 0;
}
