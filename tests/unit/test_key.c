/* onoma_key and onoma_match through the public API: the bundled rules,
 * errors, buffers, the cases of tests/data/keys, the fixture's variants. */
#include <pthread.h>
#include <string.h>

#include "common/buf.h"
#include "runner.h"
#include "util.h"
#include "key/key.h"

static onoma_keyrules *R;
static onoma_keyer *K;

static void setup(void)
{
    onoma_error e;
    int rc = onoma_keyrules_open(ONOMA_SOURCE_DIR "/tables/keys", &R, &e);
    ck_assert_msg(rc == 0, "rules: %s:%llu: %s", e.file, (unsigned long long)e.line, e.message);
    ck_assert_int_eq(onoma_keyer_new(R, NULL, &K, &e), 0);
}

static void teardown(void)
{
    onoma_keyer_free(&K);
    onoma_keyrules_close(&R);
}

/* The key of s (static buffer per call slot). */
static const char *key_of(onoma_keyer *k, const char *s, size_t n)
{
    static char bufs[4][512];
    static int slot;
    char *b = bufs[slot++ % 4];
    onoma_error e;
    int rc = onoma_key(k, s, n, b, sizeof bufs[0], &e);
    ck_assert_msg(rc >= 0 && (size_t)rc < sizeof bufs[0], "key of '%.*s': %d %s", (int)n, s, rc, e.message);
    ck_assert_uint_eq(strlen(b), (size_t)rc);
    return b;
}
#define KEY(s) key_of(K, (s), strlen(s))

START_TEST(issue_examples)
{
    /* spellings and scripts of one name meet */
    char q[64];
    snprintf(q, sizeof q, "%s", KEY("Qasem Soleimani"));
    ck_assert_str_ne(q, "");
    ck_assert_str_eq(KEY("Qassem Suleimani"), q);
    ck_assert_str_eq(KEY("Ghassem Solaimani"), q);
    ck_assert_str_eq(KEY("Kasem Soleymani"), q);
    ck_assert_str_eq(KEY("قاسم سلیمانی"), q);
    ck_assert_str_eq(KEY("Касем Сулеймани"), q);
    /* native script goes through the transliteration module: its BGN/PCGN
     * schemes write the Arabic ta marbuta as -a, as Latin spellings do
     * (ICU's Any-Latin, the engine's fallback, gives -t) */
    ck_assert_str_eq(KEY("فاطمة"), KEY("Fatima"));
    ck_assert_str_eq(KEY("حمزة"), KEY("Hamza"));
    /* token order is ignored, unless asked */
    ck_assert_str_eq(KEY("Soleimani, Qasem"), q);
    onoma_keyer *ko;
    onoma_key_options o = {ONOMA_KEY_ORDERED, NULL};
    ck_assert_int_eq(onoma_keyer_new(R, &o, &ko, NULL), 0);
    ck_assert_str_ne(key_of(ko, "Soleimani Qasem", 15), key_of(ko, "Qasem Soleimani", 15));
    onoma_keyer_free(&ko);
    /* different names stay apart */
    ck_assert_str_ne(KEY("Qasem Soleimani"), KEY("Ali Shamkhani"));
    ck_assert_str_ne(KEY("Suleiman"), KEY("Soleimani"));
    /* nothing in, nothing out */
    ck_assert_str_eq(KEY(""), "");
    ck_assert_str_eq(KEY(" -- "), "");
}
END_TEST

START_TEST(buffers_and_errors)
{
    char small[4];
    onoma_error e;
    int need = onoma_key(K, "Qasem Soleimani", 15, small, sizeof small, &e);
    ck_assert_int_eq(need, (int)strlen(KEY("Qasem Soleimani")));
    ck_assert_uint_eq(strlen(small), 3); /* truncated, terminated */
    ck_assert_int_eq(onoma_key(K, "Qasem", 5, NULL, 0, &e), (int)strlen(KEY("Qasem")));
    /* invalid UTF-8 and NUL: errors with the byte offset */
    ck_assert_int_eq(onoma_key(K, "Qa\xC3(sem", 7, small, sizeof small, &e), ONOMA_EUTF8);
    ck_assert_uint_eq(e.offset, 2);
    ck_assert_int_eq(onoma_key(K, "Qa\0sem", 6, small, sizeof small, &e), ONOMA_ENUL);
    ck_assert_int_eq(onoma_key(NULL, "x", 1, small, sizeof small, &e), ONOMA_EINVAL);
    double s;
    ck_assert_int_eq(onoma_match(K, "Qasem", 5, "x\xFF", 2, &s, NULL, NULL, &e), ONOMA_EUTF8);
    ck_assert_ptr_nonnull(strstr(e.message, "second name"));
    /* options */
    onoma_keyer *k2 = NULL;
    onoma_key_options bad = {0x80, NULL};
    ck_assert_int_eq(onoma_keyer_new(R, &bad, &k2, &e), ONOMA_EFLAGS);
    onoma_key_options lang = {0, "xx"};
    ck_assert_int_eq(onoma_keyer_new(R, &lang, &k2, &e), ONOMA_EINVAL);
    ck_assert_ptr_null(k2);
    lang.lang = "fa";
    ck_assert_int_eq(onoma_keyer_new(R, &lang, &k2, &e), 0);
    ck_assert_str_eq(key_of(k2, "Qasem Soleimani", 15), KEY("Qasem Soleimani"));
    onoma_keyer_free(&k2);
    onoma_keyer_free(&k2); /* harmless twice */
    int found_fa = 0;
    for (size_t i = 0; onoma_keyrules_lang(R, i); i++)
        found_fa |= strcmp(onoma_keyrules_lang(R, i), "fa") == 0;
    ck_assert(found_fa);
}
END_TEST

START_TEST(rule_errors)
{
    onoma_keyrules *r = NULL;
    onoma_error e;
    ck_assert_int_eq(onoma_keyrules_open("/nonexistent/keys", &r, &e), ONOMA_ENOENT);
    ck_assert_ptr_null(r);
    static const char bad[] = "# name: t\n# source: test\n# license: CC0-1.0\n"
                              "phase p\n"
                              "a > b > c\n";
    const char *p = tmp_file(bad, sizeof bad - 1, ".txt");
    ck_assert_int_eq(onoma_keyrules_open(p, &r, &e), ONOMA_ETABLE);
    ck_assert_str_eq(e.file, p);
    ck_assert_uint_eq(e.line, 5);
    ck_assert(e.message[0] != 0);
    unlink(p);
    /* a rule file of one's own */
    static const char mine[] = "# name: mine\n# source: test\n# license: CC0-1.0\n"
                               "phase p\n"
                               "ph > f\n";
    p = tmp_file(mine, sizeof mine - 1, ".txt");
    ck_assert_int_eq(onoma_keyrules_open(p, &r, &e), 0);
    onoma_keyer *k;
    ck_assert_int_eq(onoma_keyer_new(r, NULL, &k, &e), 0);
    ck_assert_str_eq(key_of(k, "Philip Fillip", 13), "filip fillip");
    onoma_keyer_free(&k);
    onoma_keyrules_close(&r);
    onoma_keyrules_close(&r);
    unlink(p);
}
END_TEST

/* The spelling pairs of tests/data/keys/same-key.tsv share a key, or not. */
START_TEST(same_key_cases)
{
    char *text = read_all(onoma_test_data("keys/same-key.tsv"), NULL);
    int n = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#')
            continue;
        char *a = line, *b = strchr(a, '\t');
        ck_assert_ptr_nonnull(b);
        *b++ = 0;
        char *want = strchr(b, '\t');
        ck_assert_ptr_nonnull(want);
        *want++ = 0;
        int same = strcmp(KEY(a), KEY(b)) == 0;
        ck_assert_msg(same == (strcmp(want, "same") == 0), "%s / %s: want %s key, got %s / %s", a, b, want, KEY(a),
                      KEY(b));
        n++;
    }
    ck_assert_int_gt(n, 10);
    free(text);
}
END_TEST

/* Verdicts of tests/data/keys/match.tsv at the documented threshold. */
START_TEST(match_cases)
{
    ck_assert(ONOMA_MATCH_THRESHOLD == ONOMA__MATCH_THRESHOLD);
    char *text = read_all(onoma_test_data("keys/match.tsv"), NULL);
    int n = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#')
            continue;
        char *a = line, *b = strchr(a, '\t');
        *b++ = 0;
        char *want = strchr(b, '\t');
        *want++ = 0;
        double s = -1;
        onoma_error e;
        int rc = onoma_match(K, a, strlen(a), b, strlen(b), &s, NULL, NULL, &e);
        ck_assert_int_ge(rc, 0);
        ck_assert(s >= 0.0 && s <= 1.0);
        ck_assert_int_eq(rc, s >= ONOMA_MATCH_THRESHOLD);
        ck_assert_msg(rc == (strcmp(want, "same") == 0), "%s / %s: %.4f, want %s", a, b, s, want);
        n++;
    }
    ck_assert_int_gt(n, 10);
    free(text);
}
END_TEST

static void collect(void *ctx, const char *line)
{
    onoma__buf *b = ctx;
    onoma__buf_puts(b, line);
    onoma__buf_putc(b, '\n');
}

START_TEST(match_explain)
{
    onoma__buf b = {0};
    double s;
    onoma_error e;
    /* a dropped patronymic costs little; the explanation says what matched */
    ck_assert_int_eq(onoma_match(K, "Sergey Viktorovich Lavrov", 25, "Sergei Lavrov", 13, &s, collect, &b, &e), 1);
    onoma__buf_putc(&b, 0);
    ck_assert_ptr_nonnull(strstr(b.data, "sergey"));
    ck_assert_ptr_nonnull(strstr(b.data, "unmatched (1st name)"));
    ck_assert_ptr_nonnull(strstr(b.data, "score "));
    ck_assert(s < 1.0 && s >= ONOMA_MATCH_THRESHOLD);
    b.len = 0;
    ck_assert_int_eq(onoma_match(K, "Hassan", 6, "Hossein", 7, &s, NULL, NULL, &e), 0);
    ck_assert_int_eq(onoma_match(K, "Saeed", 5, "said", 4, NULL, NULL, NULL, &e), 0);
    ck_assert_int_eq(onoma_match(K, "قاسم سلیمانی", strlen("قاسم سلیمانی"), "Qasem Soleimani", 15, &s, NULL, NULL, &e),
                     1);
    onoma__buf_free(&b);
}
END_TEST

/* Every respelled name of the variants fixture has the key of the form in
 * the original article: the two files differ word for word only there. */
START_TEST(fixture_variants)
{
    char *orig = read_all(onoma_test_data("fixtures/mehr-soleimani-revenge.txt"), NULL);
    char *var = read_all(onoma_test_data("fixtures/mehr-soleimani-revenge.variants.txt"), NULL);
    char *so, *sv;
    char *wo = strtok_r(orig, " ", &so), *wv = strtok_r(var, " ", &sv);
    char a[256], b[256];
    int checked = 0;
    while (wo && wv) {
        a[0] = b[0] = 0;
        /* a run of differing words is one name */
        while (wo && wv && strcmp(wo, wv) != 0) {
            snprintf(a + strlen(a), sizeof a - strlen(a), "%s%s", a[0] ? " " : "", wo);
            snprintf(b + strlen(b), sizeof b - strlen(b), "%s%s", b[0] ? " " : "", wv);
            wo = strtok_r(NULL, " ", &so);
            wv = strtok_r(NULL, " ", &sv);
        }
        if (a[0]) {
            /* the name without trailing punctuation or a possessive */
            char *ends[] = {a, b};
            for (int i = 0; i < 2; i++) {
                char *p = strstr(ends[i], "\xE2\x80\x99s");
                if (p)
                    *p = 0;
                size_t n = strlen(ends[i]);
                while (n && strchr(".,;:", ends[i][n - 1]))
                    ends[i][--n] = 0;
            }
            ck_assert_msg(strcmp(KEY(a), KEY(b)) == 0, "'%s' [%s] vs '%s' [%s]", a, KEY(a), b, KEY(b));
            checked++;
        }
        if (!wo || !wv)
            break;
        wo = strtok_r(NULL, " ", &so);
        wv = strtok_r(NULL, " ", &sv);
    }
    ck_assert_ptr_null(wo);
    ck_assert_ptr_null(wv);
    ck_assert_int_ge(checked, 10);
    free(orig);
    free(var);
}
END_TEST

static void *thread_keys(void *arg)
{
    onoma_keyer *k;
    if (onoma_keyer_new(arg, NULL, &k, NULL))
        return (void *)1;
    static const char *const names[] = {"Qasem Soleimani", "Ghassem Solaimani", "قاسم سلیمانی", "Ali Shamkhani"};
    char buf[4][64];
    for (int round = 0; round < 200; round++)
        for (int i = 0; i < 4; i++) {
            char now[64];
            if (onoma_key(k, names[i], strlen(names[i]), now, sizeof now, NULL) < 0)
                return (void *)1;
            if (round == 0)
                strcpy(buf[i], now);
            else if (strcmp(buf[i], now) != 0)
                return (void *)1;
        }
    int same = strcmp(buf[0], buf[1]) == 0 && strcmp(buf[0], buf[2]) == 0 && strcmp(buf[0], buf[3]) != 0;
    onoma_keyer_free(&k);
    return same ? NULL : (void *)1;
}

START_TEST(threads_share_rules)
{
    pthread_t th[3];
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, thread_keys, R), 0);
    for (int i = 0; i < 3; i++) {
        void *r;
        pthread_join(th[i], &r);
        ck_assert_ptr_null(r);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("key");
    TCase *tc = tcase_create("key");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, issue_examples);
    tcase_add_test(tc, buffers_and_errors);
    tcase_add_test(tc, rule_errors);
    tcase_add_test(tc, same_key_cases);
    tcase_add_test(tc, match_cases);
    tcase_add_test(tc, match_explain);
    tcase_add_test(tc, fixture_variants);
    tcase_add_test(tc, threads_share_rules);
    suite_add_tcase(s, tc);
    return onoma_test_main(s);
}
