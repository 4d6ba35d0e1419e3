/* Matching semantics, bad input, streaming, threads. */
#include <pthread.h>
#include <string.h>

#include "runner.h"
#include "util.h"

#define HDR "# name: t\n# source: test\n# license: CC0-1.0\n"

static const char names[] = HDR
    "Q1\tperson\tQasem Soleimani\tQassem Soleimani|Qasem Suleimani|قاسم سلیمانی\tap=Qassem Soleimani\n"
    "Q1/surname\tperson\tSoleimani\tSuleimani|Soleymani|Sulaimani\n"
    "Q2\tperson\tAbu Mahdi al-Muhandis\tAbu Mahdi al-Mohandes\n"
    "Q2/surname\tperson\tal-Muhandis\tal-Mohandes|al-Mohandis\n"
    "Q3\tperson\tSaeed Khatibzadeh\tSaid Khatibzadeh|Said Khatib-Zadeh\n"
    "Q3/given\tname\tSaeed\t~Said\n"
    "Q3/surname\tperson\tKhatibzadeh\tKhatib-Zadeh\n"
    "Q4\tplace\tGeorgia (country)\t?Georgia\n"
    "Q5\tplace\tGeorgia (U.S. state)\t?Georgia\n"
    "Q6\tplace\tTehran\tTeheran\n"
    "Q7\torg\tIslamic State\tISIL|Daesh\n";

static onoma_tables *T;

static void setup(void) { T = open_text_table(names); }
static void teardown(void) { onoma_tables_close(&T); }

START_TEST(whole_words_longest_leftmost)
{
    ck_norm(T, 0, "Suleimani", "Soleimani");
    ck_norm(T, 0, "Suleimanis and xSuleimani and Suleimani2", "Suleimanis and xSuleimani and Suleimani2");
    ck_norm(T, 0, "(Suleimani)", "(Soleimani)");
    /* the multiword entry beats its parts */
    ck_norm(T, 0, "Qasem Suleimani met Abu Mahdi al-Mohandes.", "Qasem Soleimani met Abu Mahdi al-Muhandis.");
    ck_norm(T, 0, "al-Mohandes and Sulaimani", "al-Muhandis and Soleimani");
    /* folding: hyphen/space, apostrophes, diacritics, letter variants */
    ck_norm(T, 0, "Abu Mahdi al Mohandes", "Abu Mahdi al-Muhandis");
    ck_norm(T, 0, "Abu\u00A0Mahdi al\u2010Mohandes", "Abu Mahdi al-Muhandis");
    ck_norm(T, 0, "Sūleimani", "Soleimani");
    /* a name in another script is left as written, unless asked (Arabic yeh for Persian yeh) */
    ck_norm(T, 0, "Qasem Soleimani (قاسم سليماني)", "Qasem Soleimani (قاسم سليماني)");
    ck_norm(T, ONOMA_CROSS_SCRIPT, "قاسم سليماني", "Qasem Soleimani");
}
END_TEST

START_TEST(case_patterns)
{
    ck_norm(T, 0, "SULEIMANI", "SOLEIMANI");
    ck_norm(T, 0, "QASEM SULEIMANI", "QASEM SOLEIMANI");
    ck_norm(T, 0, "Al-Mohandes said", "Al-Muhandis said");     /* capital kept at a sentence start */
    ck_norm(T, 0, "suleimani", "suleimani");                   /* lower case: not the name */
    ck_norm(T, ONOMA_ANY_CASE, "suleimani", "soleimani");      /* unless asked */
    ck_norm(T, 0, "al-mohandes", "al-muhandis");               /* spelled in lower case in the table */
    /* capitals that are the spelling itself (an acronym) are not carried over */
    ck_norm(T, 0, "ISIL and DAESH", "Islamic State and ISLAMIC STATE");
}
END_TEST

START_TEST(possessives)
{
    ck_norm(T, 0, "Suleimani’s blood", "Soleimani’s blood");
    ck_norm(T, 0, "Suleimani's blood", "Soleimani's blood");
    ck_norm(T, 0, "SULEIMANI'S", "SOLEIMANI'S");
}
END_TEST

START_TEST(bytes_kept)
{
    ck_norm(T, 0, "Suleimani\r\nx\r\n", "Soleimani\r\nx\r\n");
    ck_norm(T, 0, "a\n\nSuleimani", "a\n\nSoleimani");
    ck_norm(T, 0, "", "");
    ck_norm(T, 0, "  \t Suleimani  \t", "  \t Soleimani  \t");
    ck_norm(T, 0, "日本 Suleimani Ж", "日本 Soleimani Ж");
    /* a name is never matched across a line break */
    ck_norm(T, 0, "Qasem\nSuleimani", "Qasem\nSoleimani");
}
END_TEST

START_TEST(guarded_common_words)
{
    ck_norm(T, 0, "He said that Said Khatibzadeh said so.", "He said that Saeed Khatibzadeh said so.");
    ck_norm(T, 0, "said Said Khatib-Zadeh", "said Saeed Khatibzadeh");
    ck_norm(T, 0, "Said the minister.", "Said the minister.");            /* not next to a name */
    ck_norm(T, 0, "Ali. Said Soleimani", "Ali. Said Soleimani");          /* sentence start */
    ck_norm(T, 0, "with Said Soleimani", "with Saeed Soleimani");         /* capitalised, next to a name */
    ck_norm(T, 0, "with Mr. Said", "with Mr. Said");                      /* "Mr." then space: not adjacent word */
    ck_norm(T, ONOMA_NO_GUARD, "Said the minister.", "Saeed the minister.");
}
END_TEST

typedef struct events {
    int n, rewrites, ambiguous;
    char last_id[64];
    size_t ncand;
    uint64_t line, column, offset;
} events;

static int on_event(void *ctx, const onoma_event *ev)
{
    events *e = ctx;
    e->n++;
    if (ev->kind == ONOMA_EVENT_REWRITE) {
        e->rewrites++;
        snprintf(e->last_id, sizeof e->last_id, "%s", ev->id);
    } else {
        e->ambiguous++;
        e->ncand = ev->ncandidates;
    }
    e->line = ev->line;
    e->column = ev->column;
    e->offset = ev->offset;
    return 0;
}

static int to_buf(void *ctx, const char *p, size_t n)
{
    char *b = ctx;
    size_t l = strlen(b);
    ck_assert_uint_lt(l + n, 4096);
    memcpy(b + l, p, n);
    b[l + n] = 0;
    return 0;
}

START_TEST(ambiguity_reported)
{
    onoma_normalizer *nz;
    onoma_error e;
    ck_assert_int_eq(onoma_normalizer_new(T, NULL, &nz, &e), 0);
    events ev = {0};
    onoma_normalizer_on_event(nz, on_event, &ev);
    char out[4096] = "";
    const char *in = "x\nWe flew to Georgia.";
    ck_assert_int_eq(onoma_normalize_buffer(nz, in, strlen(in), to_buf, out, &e), 0);
    ck_assert_str_eq(out, in); /* left alone */
    ck_assert_int_eq(ev.ambiguous, 1);
    ck_assert_uint_eq(ev.ncand, 2);
    ck_assert_uint_eq(ev.line, 2);
    ck_assert_uint_eq(ev.column, 12);
    ck_assert_uint_eq(ev.offset, 13);
    /* a rewrite's event names the entity and its place, in characters */
    memset(&ev, 0, sizeof ev);
    out[0] = 0;
    in = "ق x\nسلام Abu Mahdi al-Mohandes";
    ck_assert_int_eq(onoma_normalize_buffer(nz, in, strlen(in), to_buf, out, &e), 0);
    ck_assert_int_eq(ev.rewrites, 1);
    ck_assert_str_eq(ev.last_id, "Q2");
    ck_assert_uint_eq(ev.line, 2);
    ck_assert_uint_eq(ev.column, 6);
    onoma_normalizer_free(&nz);
    ck_assert_ptr_null(nz);
}
END_TEST

START_TEST(invalid_input)
{
    onoma_options o = {0, NULL, 1, NULL};
    char *out;
    size_t n;
    onoma_error e;
    const char bad[] = "ok Suleimani\nbad \xC3\x28 Suleimani";
    ck_assert_int_eq(onoma_normalize(T, &o, bad, sizeof bad - 1, &out, &n, &e), ONOMA_EUTF8);
    ck_assert_uint_eq(e.offset, 17);
    ck_assert_uint_eq(e.line, 2);
    ck_assert_ptr_null(out);
    o.flags = ONOMA_INVALID_KEEP;
    ck_assert_int_eq(onoma_normalize(T, &o, bad, sizeof bad - 1, &out, &n, &e), 0);
    ck_assert_uint_eq(n, sizeof bad - 1);
    ck_assert_mem_eq(out, "ok Soleimani\nbad \xC3\x28 Soleimani", n);
    free(out);
    o.flags = ONOMA_INVALID_REPLACE;
    ck_assert_int_eq(onoma_normalize(T, &o, bad, sizeof bad - 1, &out, &n, &e), 0);
    ck_assert_str_eq(out, "ok Soleimani\nbad \xEF\xBF\xBD( Soleimani");
    free(out);
    const char nul[] = "a\0Suleimani";
    o.flags = 0;
    ck_assert_int_eq(onoma_normalize(T, &o, nul, sizeof nul - 1, &out, &n, &e), ONOMA_ENUL);
    ck_assert_uint_eq(e.offset, 1);
    o.flags = ONOMA_INVALID_KEEP;
    ck_assert_int_eq(onoma_normalize(T, &o, nul, sizeof nul - 1, &out, &n, &e), 0);
    ck_assert_uint_eq(n, sizeof nul - 1);
    ck_assert_mem_eq(out, "a\0Soleimani", n);
    free(out);
    /* a truncated character at the very end */
    o.flags = 0;
    ck_assert_int_eq(onoma_normalize(T, &o, "Suleimani \xE2\x80", 12, &out, &n, &e), ONOMA_EUTF8);
    ck_assert_uint_eq(e.offset, 10);
    o.flags = ONOMA_INVALID_KEEP | ONOMA_INVALID_REPLACE;
    ck_assert_int_eq(onoma_normalize(T, &o, "x", 1, &out, &n, &e), ONOMA_EINVAL);
    o.flags = 1u << 30;
    ck_assert_int_eq(onoma_normalize(T, &o, "x", 1, &out, &n, &e), ONOMA_EFLAGS);
}
END_TEST

START_TEST(exact_mode)
{
    ck_norm(T, ONOMA_EXACT, "Suleimani SULEIMANI suleimani", "Soleimani SULEIMANI suleimani");
    /* no folding of the hyphen either */
    ck_norm(T, ONOMA_EXACT, "Abu Mahdi al Mohandes; al-Mohandes", "Abu Mahdi al Mohandes; al-Muhandis");
}
END_TEST

/* Stream text in chunks of every size from 1 to 17 bytes: the output must not
 * depend on where the input was split, even inside a character. */
typedef struct sbuf {
    char *p;
    size_t n, cap;
} sbuf;

static int to_sbuf(void *ctx, const char *p, size_t n)
{
    sbuf *b = ctx;
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
    b->p[b->n] = 0;
    return 0;
}

START_TEST(stream_any_split)
{
    const char *in = "Qasem Suleimani, SULEIMANI’s men; He said Said Khatib-Zadeh\r\n"
                     "and Abu Mahdi al-Mohandes met قاسم سلیمانی in Teheran. Said the man.\n"
                     "Georgia? Soleymani";
    char *want = norm(T, 0, NULL, in);
    onoma_normalizer *nz;
    onoma_error e;
    ck_assert_int_eq(onoma_normalizer_new(T, NULL, &nz, &e), 0);
    for (size_t step = 1; step <= 17; step++) {
        sbuf b = {0};
        size_t len = strlen(in);
        for (size_t i = 0; i < len; i += step)
            ck_assert_int_eq(onoma_normalizer_feed(nz, in + i, len - i < step ? len - i : step, to_sbuf, &b, &e), 0);
        ck_assert_int_eq(onoma_normalizer_finish(nz, to_sbuf, &b, &e), 0);
        ck_assert_msg(b.p && strcmp(b.p, want) == 0, "step %zu: %s", step, b.p ? b.p : "(null)");
        free(b.p);
    }
    onoma_normalizer_free(&nz);
    free(want);
}
END_TEST

START_TEST(long_line_streamed)
{
    /* 8 MB without a newline, in 4 KB chunks: output equals the input with every name rewritten */
    const char *unit = "Suleimani and Abu Mahdi al-Mohandes spoke; ";
    size_t ul = strlen(unit), reps = (8u << 20) / ul;
    onoma_normalizer *nz;
    onoma_error e;
    ck_assert_int_eq(onoma_normalizer_new(T, NULL, &nz, &e), 0);
    char *in = malloc(ul * reps);
    for (size_t i = 0; i < reps; i++)
        memcpy(in + i * ul, unit, ul);
    sbuf b = {0};
    for (size_t i = 0; i < ul * reps; i += 4096)
        ck_assert_int_eq(onoma_normalizer_feed(nz, in + i, ul * reps - i < 4096 ? ul * reps - i : 4096, to_sbuf, &b, &e), 0);
    ck_assert_int_eq(onoma_normalizer_finish(nz, to_sbuf, &b, &e), 0);
    const char *want = "Soleimani and Abu Mahdi al-Muhandis spoke; ";
    size_t wl = strlen(want);
    ck_assert_uint_eq(b.n, wl * reps);
    for (size_t i = 0; i < reps; i++)
        ck_assert(memcmp(b.p + i * wl, want, wl) == 0);
    free(b.p);
    free(in);
    onoma_normalizer_free(&nz);
}
END_TEST

/* ---- differential test of exact mode against a naive reference ---- */

static int is_w(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c >= '0' && c <= '9'); }

/* At each word start, the longest key followed by a non-word byte or the end. */
static char *reference(char **keys, char **canon, int nk, const char *s)
{
    size_t n = strlen(s), cap = n * 4 + 16, o = 0;
    char *out = malloc(cap);
    for (size_t i = 0; i < n;) {
        if (is_w((unsigned char)s[i]) && (i == 0 || !is_w((unsigned char)s[i - 1]))) {
            int best = -1;
            size_t bl = 0;
            for (int k = 0; k < nk; k++) {
                size_t kl = strlen(keys[k]);
                if (kl > bl && i + kl <= n && memcmp(s + i, keys[k], kl) == 0 &&
                    (i + kl == n || !is_w((unsigned char)s[i + kl])))
                    best = k, bl = kl;
            }
            if (best >= 0) {
                size_t cl = strlen(canon[best]);
                memcpy(out + o, canon[best], cl);
                o += cl;
                i += bl;
                continue;
            }
        }
        out[o++] = s[i++];
    }
    out[o] = 0;
    return out;
}

START_TEST(exact_differential)
{
    static const char *words[] = {"a", "ab", "b", "Ab", "abc", "x_1", "Z"};
    static const char *seps[] = {" ", "-", "'", ". ", "  "};
    srand(12345);
    for (int round = 0; round < 200; round++) {
        int nk = 1 + rand() % 12;
        char *keys[12], *canon[12];
        char tsv[4096] = "";
        for (int k = 0; k < nk; k++) {
            char key[64] = "";
            int nw = 1 + rand() % 3;
            for (int w = 0; w < nw; w++) {
                if (w)
                    strcat(key, seps[rand() % 5]);
                strcat(key, words[rand() % 7]);
            }
            int dup = 0;
            for (int j = 0; j < k; j++)
                dup |= strcmp(keys[j], key) == 0;
            if (dup || strstr(key, ". ") || strstr(key, "  ")) { /* keep keys unique and single-spaced */
                k--;
                nk--;
                continue;
            }
            keys[k] = strdup(key);
            char c[64];
            snprintf(c, sizeof c, "<%d>", k);
            canon[k] = strdup(c);
            char line[160];
            snprintf(line, sizeof line, "%s\t%s\n", keys[k], canon[k]);
            strcat(tsv, line);
        }
        if (nk <= 0)
            continue;
        onoma_tables *t = open_text_table(tsv);
        char text[512] = "";
        int nw = rand() % 40;
        for (int w = 0; w < nw; w++) {
            if (w)
                strcat(text, seps[rand() % 5]);
            strcat(text, words[rand() % 7]);
        }
        char *want = reference(keys, canon, nk, text);
        char *got = norm(t, ONOMA_EXACT, NULL, text);
        ck_assert_msg(strcmp(got, want) == 0, "text '%s'\nwant '%s'\ngot  '%s'\ntable:\n%s", text, want, got, tsv);
        free(want);
        free(got);
        onoma_tables_close(&t);
        for (int k = 0; k < nk; k++) {
            free(keys[k]);
            free(canon[k]);
        }
    }
}
END_TEST

/* ---- 8 threads sharing one table ---- */

typedef struct job {
    const onoma_tables *t;
    const char *in;
    char *out;
} job;

static void *worker(void *arg)
{
    job *j = arg;
    onoma_options o = {0, NULL, 1, NULL};
    size_t n;
    onoma_error e;
    for (int r = 0; r < 20; r++) {
        char *out;
        if (onoma_normalize(j->t, &o, j->in, strlen(j->in), &out, &n, &e) != 0)
            return NULL;
        free(j->out);
        j->out = out;
    }
    return NULL;
}

START_TEST(threads_share_tables)
{
    size_t len;
    char *text = read_all(onoma_test_data("fixtures/mehr-soleimani-revenge.variants.txt"), &len);
    char *want = norm(T, 0, NULL, text);
    pthread_t th[8];
    job jobs[8];
    for (int i = 0; i < 8; i++) {
        jobs[i] = (job){T, text, NULL};
        ck_assert_int_eq(pthread_create(&th[i], NULL, worker, &jobs[i]), 0);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(th[i], NULL);
        ck_assert_ptr_nonnull(jobs[i].out);
        ck_assert_str_eq(jobs[i].out, want);
        free(jobs[i].out);
    }
    ck_assert_str_ne(want, text); /* something was rewritten */
    free(want);
    free(text);
}
END_TEST

START_TEST(parallel_fd_in_order)
{
    /* 12 MB of lines through onoma_normalize_fd with 1 and 4 threads */
    char path[] = "/tmp/onoma-test-XXXXXX";
    int fd = mkstemp(path);
    const char *lines[] = {"Qasem Suleimani met al-Mohandes in Teheran.\n", "nothing here\r\n",
                           "Said Khatib-Zadeh said: Georgia!\n", "قاسم سلیمانی\n"};
    size_t total = 0;
    for (int i = 0; total < (12u << 20); i++) {
        const char *l = lines[i % 4];
        ck_assert_int_eq(write(fd, l, strlen(l)), (ssize_t)strlen(l));
        total += strlen(l);
    }
    sbuf outs[2] = {{0}, {0}};
    events evs[2] = {{0}, {0}};
    unsigned jobs[2] = {1, 4};
    for (int k = 0; k < 2; k++) {
        onoma_options o = {0, NULL, jobs[k], NULL};
        onoma_normalizer *nz;
        onoma_error e;
        ck_assert_int_eq(onoma_normalizer_new(T, &o, &nz, &e), 0);
        onoma_normalizer_on_event(nz, on_event, &evs[k]);
        lseek(fd, 0, SEEK_SET);
        ck_assert_int_eq(onoma_normalize_fd(nz, fd, to_sbuf, &outs[k], &e), 0);
        onoma_normalizer_free(&nz);
    }
    ck_assert_uint_eq(outs[0].n, outs[1].n);
    ck_assert(memcmp(outs[0].p, outs[1].p, outs[0].n) == 0);
    ck_assert_int_eq(evs[0].rewrites, evs[1].rewrites);
    ck_assert_int_gt(evs[0].rewrites, 100000);
    ck_assert_int_eq(evs[0].ambiguous, evs[1].ambiguous);
    ck_assert_uint_eq(evs[0].line, evs[1].line);      /* the last event: same line, column, offset */
    ck_assert_uint_eq(evs[0].offset, evs[1].offset);
    free(outs[0].p);
    free(outs[1].p);
    close(fd);
    unlink(path);
}
END_TEST

START_TEST(fixtures_identical)
{
    const char *paths[] = {ONOMA_SOURCE_DIR "/tables/names/core.tsv"};
    onoma_tables *t;
    onoma_error e;
    ck_assert_int_eq(onoma_tables_open(paths, 1, 0, &t, &e), 0);
    char *orig = read_all(onoma_test_data("fixtures/mehr-soleimani-revenge.txt"), NULL);
    char *var = read_all(onoma_test_data("fixtures/mehr-soleimani-revenge.variants.txt"), NULL);
    char *a = norm(t, 0, NULL, orig), *b = norm(t, 0, NULL, var);
    ck_assert_str_eq(a, b);
    onoma_tables_close(&t);
    free(orig);
    free(var);
    free(a);
    free(b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("normalize");
    TCase *tc = tcase_create("semantics");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, whole_words_longest_leftmost);
    tcase_add_test(tc, case_patterns);
    tcase_add_test(tc, possessives);
    tcase_add_test(tc, bytes_kept);
    tcase_add_test(tc, guarded_common_words);
    tcase_add_test(tc, ambiguity_reported);
    tcase_add_test(tc, invalid_input);
    tcase_add_test(tc, exact_mode);
    tcase_add_test(tc, stream_any_split);
    tcase_add_test(tc, long_line_streamed);
    tcase_add_test(tc, exact_differential);
    tcase_add_test(tc, threads_share_tables);
    tcase_add_test(tc, parallel_fd_in_order);
    tcase_add_test(tc, fixtures_identical);
    suite_add_tcase(s, tc);
    return onoma_test_main(s);
}
