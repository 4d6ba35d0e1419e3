/* Using libonoma from C: open the bundled tables, normalize a string, then
 * stream standard input to standard output with a report of each rewrite.
 *
 *   cc normalize_text.c $(pkg-config --cflags --libs onoma) -o normalize_text
 *   echo "Qassem Suleimani visited Teheran" | ./normalize_text
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <onoma.h>

static int write_out(void *ctx, const char *data, size_t len)
{
    (void)ctx;
    return fwrite(data, 1, len, stdout) == len ? 0 : -1;
}

static int report(void *ctx, const onoma_event *ev)
{
    (void)ctx;
    if (ev->kind == ONOMA_EVENT_REWRITE)
        fprintf(stderr, "%llu:%llu: '%.*s' -> '%.*s' (%s)\n", (unsigned long long)ev->line,
                (unsigned long long)ev->column, (int)ev->from_len, ev->from, (int)ev->to_len, ev->to, ev->display);
    return 0;
}

int main(void)
{
    onoma_tables *tables;
    onoma_error err;
    if (onoma_tables_open(NULL, 0, ONOMA_TABLES_DEFAULTS, &tables, &err) != 0) {
        fprintf(stderr, "normalize_text: %s: %s\n", err.file, err.message);
        return 1;
    }

    /* One call on a string. */
    const char text[] = "Gen. Qassem Suleimani and Abu Mahdi al-Mohandes";
    char *out;
    size_t out_len;
    onoma_options opt = {0, NULL, 1, NULL};
    if (onoma_normalize(tables, &opt, text, sizeof text - 1, &out, &out_len, &err) != 0) {
        fprintf(stderr, "normalize_text: %s\n", err.message);
        onoma_tables_close(&tables);
        return 1;
    }
    printf("%s\n", out);
    onoma_free(out);

    /* Streaming: a normalizer per thread, fed from a file descriptor. */
    onoma_normalizer *nz;
    if (onoma_normalizer_new(tables, &opt, &nz, &err) != 0) {
        fprintf(stderr, "normalize_text: %s\n", err.message);
        onoma_tables_close(&tables);
        return 1;
    }
    onoma_normalizer_set_name(nz, "stdin");
    onoma_normalizer_on_event(nz, report, NULL);
    int rc = onoma_normalize_fd(nz, STDIN_FILENO, write_out, NULL, &err);
    if (rc != 0)
        fprintf(stderr, "normalize_text: %s: %s\n", err.file, err.message);
    onoma_normalizer_free(&nz);
    onoma_tables_close(&tables);
    return rc == 0 && fflush(stdout) == 0 ? 0 : 1;
}
