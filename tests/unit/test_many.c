/* onoma_normalize_many: a column of texts in one call. */
#include <string.h>

#include "runner.h"
#include "util.h"

#define HDR "# name: t\n# source: test\n# license: CC0-1.0\n"

static const char names[] = HDR
    "Q1\tperson\tQasem Soleimani\tQassem Soleimani|Qasem Suleimani\n"
    "Q1/surname\tperson\tSoleimani\tSuleimani|Soleymani\n"
    "Q3\tperson\tSaeed Khatibzadeh\tSaid Khatibzadeh\n"
    "Q3/given\tname\tSaeed\t~Said\n"
    "Q6\tplace\tTehran\tTeheran\n";

static onoma_tables *T;
static onoma_normalizer *NZ;

static void setup(void)
{
    T = open_text_table(names);
    onoma_error e;
    onoma_options o = {0, NULL, 1};
    ck_assert_int_eq(onoma_normalizer_new(T, &o, &NZ, &e), 0);
}

static void teardown(void)
{
    onoma_normalizer_free(&NZ);
    onoma_tables_close(&T);
}

static char *many(const char *in, size_t len, int sep, size_t *out_len)
{
    char *out = NULL;
    onoma_error e;
    int rc = onoma_normalize_many(NZ, in, len, sep, &out, out_len, NULL, NULL, &e);
    ck_assert_msg(rc == 0, "normalize_many: %s", e.message);
    return out;
}

START_TEST(items_in_order)
{
    static const char in[] = "Suleimani\0Teheran and Soleymani\0\0plain text\0SULEIMANI";
    size_t n;
    char *out = many(in, sizeof in - 1, 0, &n);
    static const char want[] = "Soleimani\0Tehran and Soleimani\0\0plain text\0SOLEIMANI";
    ck_assert_uint_eq(n, sizeof want - 1);
    ck_assert_mem_eq(out, want, n);
    ck_assert_int_eq(out[n], 0);
    onoma_free(out);
}
END_TEST

START_TEST(same_as_one_by_one)
{
    /* each item exactly as onoma_normalize gives it: no match or guard across items */
    const char *items[] = {"Said Khatibzadeh", "Qasem", "Suleimani", "he said", "Said", "Khatibzadeh", ""};
    size_t k = sizeof items / sizeof *items;
    char joined[256], want[256];
    size_t jl = 0, wl = 0;
    for (size_t i = 0; i < k; i++) {
        size_t l = strlen(items[i]);
        memcpy(joined + jl, items[i], l);
        jl += l;
        char *one = norm(T, 0, NULL, items[i]);
        memcpy(want + wl, one, strlen(one));
        wl += strlen(one);
        free(one);
        if (i + 1 < k)
            joined[jl++] = '\n', want[wl++] = '\n';
    }
    size_t n;
    char *out = many(joined, jl, '\n', &n);
    ck_assert_uint_eq(n, wl);
    ck_assert_mem_eq(out, want, n);
    /* "Qasem\nSuleimani": two items, so not the full name's form */
    ck_assert_ptr_nonnull(strstr(out, "Qasem\nSoleimani"));
    onoma_free(out);
}
END_TEST

START_TEST(empty_and_separators_only)
{
    size_t n = 99;
    char *out = many("", 0, 0, &n);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(out[0], 0);
    onoma_free(out);
    out = many("\n\n\n", 3, '\n', &n);
    ck_assert_uint_eq(n, 3);
    ck_assert_mem_eq(out, "\n\n\n", 3);
    onoma_free(out);
}
END_TEST

START_TEST(bad_item_named)
{
    static const char in[] = "Suleimani\0ok\0bad \xff byte";
    char *out = (char *)1;
    size_t n = 7;
    onoma_error e;
    int rc = onoma_normalize_many(NZ, in, sizeof in - 1, 0, &out, &n, NULL, NULL, &e);
    ck_assert_int_eq(rc, ONOMA_EUTF8);
    ck_assert_int_eq(e.code, ONOMA_EUTF8);
    ck_assert_uint_eq(e.offset, 17); /* in the whole input */
    ck_assert_uint_eq(e.column, 5);  /* in the item */
    ck_assert_msg(strncmp(e.message, "item 3: ", 8) == 0, "message: %s", e.message);
    ck_assert_ptr_null(out);
    ck_assert_uint_eq(n, 0);
    /* the normalizer is usable afterwards */
    out = many("Suleimani", 9, 0, &n);
    ck_assert_str_eq(out, "Soleimani");
    onoma_free(out);
}
END_TEST

START_TEST(bad_arguments)
{
    char *out;
    size_t n;
    onoma_error e;
    ck_assert_int_eq(onoma_normalize_many(NZ, "a", 1, 0xC3, &out, &n, NULL, NULL, &e), ONOMA_EINVAL);
    ck_assert_int_eq(onoma_normalize_many(NZ, "a", 1, -1, &out, &n, NULL, NULL, &e), ONOMA_EINVAL);
    ck_assert_int_eq(onoma_normalize_many(NZ, NULL, 1, 0, &out, &n, NULL, NULL, &e), ONOMA_EINVAL);
    ck_assert_int_eq(onoma_normalize_many(NULL, "a", 1, 0, &out, &n, NULL, NULL, &e), ONOMA_EINVAL);
}
END_TEST

typedef struct evs {
    int n;
    uint64_t offset[8], line[8], column[8];
} evs;

static int on_ev(void *ctx, const onoma_event *ev)
{
    evs *v = ctx;
    if (v->n < 8) {
        v->offset[v->n] = ev->offset;
        v->line[v->n] = ev->line;
        v->column[v->n] = ev->column;
    }
    v->n++;
    return 0;
}

START_TEST(events_offsets_in_input)
{
    evs v = {0};
    onoma_normalizer_on_event(NZ, on_ev, &v);
    static const char in[] = "x Suleimani\0ab\ncd Teheran";
    size_t n;
    char *out = many(in, sizeof in - 1, 0, &n);
    onoma_free(out);
    ck_assert_int_eq(v.n, 2);
    ck_assert_uint_eq(v.offset[0], 2);
    ck_assert_uint_eq(v.line[0], 1);
    ck_assert_uint_eq(v.column[0], 3);
    ck_assert_uint_eq(v.offset[1], 18);
    ck_assert_uint_eq(v.line[1], 2); /* line within the item */
    ck_assert_uint_eq(v.column[1], 4);
}
END_TEST

START_TEST(options_apply)
{
    onoma_normalizer *nz;
    onoma_error e;
    onoma_options o = {ONOMA_INVALID_REPLACE | ONOMA_ANY_CASE, NULL, 1};
    ck_assert_int_eq(onoma_normalizer_new(T, &o, &nz, &e), 0);
    static const char in[] = "suleimani\n\xff teheran";
    char *out;
    size_t n;
    ck_assert_int_eq(onoma_normalize_many(nz, in, sizeof in - 1, '\n', &out, &n, NULL, NULL, &e), 0);
    ck_assert_str_eq(out, "soleimani\n\xEF\xBF\xBD tehran");
    onoma_free(out);
    onoma_normalizer_free(&nz);
}
END_TEST

START_TEST(changed_only)
{
    static const char in[] = "plain\0Suleimani\0\0also plain\0Teheran\0x";
    char *out;
    size_t n, *chg, nchg;
    onoma_error e;
    ck_assert_int_eq(onoma_normalize_many(NZ, in, sizeof in - 1, 0, &out, &n, &chg, &nchg, &e), 0);
    static const char want[] = "Soleimani\0Tehran";
    ck_assert_uint_eq(n, sizeof want - 1);
    ck_assert_mem_eq(out, want, n);
    ck_assert_uint_eq(nchg, 2);
    ck_assert_uint_eq(chg[0], 1);
    ck_assert_uint_eq(chg[1], 4);
    onoma_free(out);
    onoma_free(chg);
    /* nothing changed: empty output, no array */
    ck_assert_int_eq(onoma_normalize_many(NZ, "a\nb", 3, '\n', &out, &n, &chg, &nchg, &e), 0);
    ck_assert_uint_eq(n, 0);
    ck_assert_uint_eq(nchg, 0);
    ck_assert_ptr_null(chg);
    onoma_free(out);
    /* the last item changed, and the first */
    ck_assert_int_eq(onoma_normalize_many(NZ, "Teheran\nb\nSoleymani", 19, '\n', &out, &n, &chg, &nchg, &e), 0);
    ck_assert_str_eq(out, "Tehran\nSoleimani");
    ck_assert_uint_eq(nchg, 2);
    ck_assert_uint_eq(chg[0], 0);
    ck_assert_uint_eq(chg[1], 2);
    onoma_free(out);
    onoma_free(chg);
    /* changed needs nchanged */
    ck_assert_int_eq(onoma_normalize_many(NZ, "a", 1, 0, &out, &n, &chg, NULL, &e), ONOMA_EINVAL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("many");
    TCase *tc = tcase_create("many");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, items_in_order);
    tcase_add_test(tc, same_as_one_by_one);
    tcase_add_test(tc, empty_and_separators_only);
    tcase_add_test(tc, bad_item_named);
    tcase_add_test(tc, bad_arguments);
    tcase_add_test(tc, events_offsets_in_input);
    tcase_add_test(tc, options_apply);
    tcase_add_test(tc, changed_only);
    suite_add_tcase(s, tc);
    return onoma_test_main(s);
}
