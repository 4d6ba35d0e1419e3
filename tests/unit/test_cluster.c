/* onoma_cluster: mentions, groups, order, streaming. */
#include <string.h>

#include "common/buf.h"
#include "runner.h"
#include "util.h"

static onoma_keyrules *R;

static void setup(void)
{
    onoma_error e;
    ck_assert_int_eq(onoma_keyrules_open(ONOMA_SOURCE_DIR "/tables/keys", &R, &e), 0);
}

static void teardown(void) { onoma_keyrules_close(&R); }

/* The groups as text: one line a group, "count: spelling/count | ...". */
typedef struct dump {
    onoma__buf b;
    int ngroups;
    char file[64];
    uint64_t line;
} dump;

static int on_group(void *ctx, const onoma_cluster_group *g)
{
    dump *d = ctx;
    char num[64];
    snprintf(num, sizeof num, "%llu:", (unsigned long long)g->count);
    onoma__buf_puts(&d->b, num);
    uint64_t sum = 0, prev = UINT64_MAX;
    for (size_t i = 0; i < g->nspellings; i++) {
        const onoma_cluster_spelling *s = &g->spellings[i];
        ck_assert(s->count <= prev); /* most frequent first */
        prev = s->count;
        sum += s->count;
        ck_assert_ptr_nonnull(memmem(s->context, s->context_len, s->text, s->len));
        snprintf(num, sizeof num, "/%llu", (unsigned long long)s->count);
        onoma__buf_puts(&d->b, i ? " | " : " ");
        onoma__buf_put(&d->b, s->text, s->len);
        onoma__buf_puts(&d->b, num);
        if (!d->file[0]) {
            snprintf(d->file, sizeof d->file, "%s", s->file);
            d->line = s->line;
        }
    }
    ck_assert_uint_ge(g->nspellings, 2);
    ck_assert_uint_eq(sum, g->count);
    onoma__buf_putc(&d->b, '\n');
    d->ngroups++;
    return 0;
}

static char *run(const char *text, uint64_t min_count, size_t chunk, dump *d)
{
    onoma_cluster *c;
    onoma_cluster_options o = {0, NULL, min_count};
    onoma_error e;
    ck_assert_int_eq(onoma_cluster_new(R, &o, &c, &e), 0);
    onoma_cluster_set_name(c, "input.txt");
    size_t n = strlen(text);
    for (size_t i = 0; i < n; i += chunk)
        ck_assert_int_eq(onoma_cluster_feed(c, text + i, n - i < chunk ? n - i : chunk, &e), 0);
    memset(d, 0, sizeof *d);
    ck_assert_int_eq(onoma_cluster_groups(c, on_group, d, &e), 0);
    onoma__buf_putc(&d->b, 0);
    onoma_cluster_free(&c);
    return d->b.data;
}

START_TEST(fixture_groups)
{
    char *orig = read_all(onoma_test_data("fixtures/mehr-soleimani-revenge.txt"), NULL);
    char *var = read_all(onoma_test_data("fixtures/mehr-soleimani-revenge.variants.txt"), NULL);
    onoma__buf both = {0};
    onoma__buf_puts(&both, var);
    onoma__buf_puts(&both, "\n");
    onoma__buf_puts(&both, orig);
    onoma__buf_putc(&both, 0);
    dump d;
    char *g = run(both.data, 1, 1 << 20, &d);
    /* the Soleimani, al-Muhandis and Ain al-Asad groups */
    ck_assert_msg(strstr(g, " Soleimani/") && strstr(g, "Sulaimani/") && strstr(g, "Soleymani/"), "%s", g);
    ck_assert_ptr_null(strstr(g, "General")); /* titles are no part of the name */
    ck_assert_msg(strstr(g, "al-Muhandis/3 | al-Mohandis/1"), "%s", g);
    ck_assert_msg(strstr(g, "Ain al-Assad/3 | Ayn al-Asad/1"), "%s", g);
    /* no group of common words ("said" / "Said") */
    ck_assert_ptr_null(strstr(g, "said"));
    ck_assert_str_eq(d.file, "input.txt");
    ck_assert_uint_ge(d.line, 1);
    /* largest first */
    ck_assert_msg(strstr(g, "Soleimani") < strstr(g, "al-Muhandis/"), "%s", g);
    /* fed a byte at a time: the same */
    dump d2;
    char *g2 = run(both.data, 1, 1, &d2);
    ck_assert_str_eq(g, g2);
    /* min_count leaves out the small groups */
    dump d3;
    char *g3 = run(both.data, 4, 1 << 20, &d3);
    ck_assert_int_lt(d3.ngroups, d.ngroups);
    ck_assert_ptr_null(strstr(g3, "Abu Mahdi"));
    ck_assert_ptr_nonnull(strstr(g3, "al-Muhandis"));
    free(g);
    free(g2);
    free(g3);
    free(orig);
    free(var);
    onoma__buf_free(&both);
}
END_TEST

START_TEST(mentions)
{
    dump d;
    /* a capitalised word that opens a sentence is not part of the name when
     * it is a common word (seen in lower case); possessives are left out */
    char *g = run("The Solaymani house stood. Soleimani's men came. In the end the Solaymani men won.\n"
                  "They met Soleimani in the house.\n",
                  1, 1 << 20, &d);
    ck_assert_msg(strstr(g, "Solaymani/2 | Soleimani/2"), "%s", g); /* a tie: by text */
    ck_assert_ptr_null(strstr(g, "The "));
    free(g);
    /* a name in its own script next to the Latin one joins the group */
    g = run("Qasem Soleimani (قاسم سلیمانی) and Qassem Soleimani met.\n"
            "همه چیز درباره یک روز طولانی در تهران و شهرهای دیگر است\n",
            1, 1 << 20, &d);
    ck_assert_msg(strstr(g, "قاسم سلیمانی/1"), "%s", g);
    ck_assert_int_eq(d.ngroups, 1); /* a sentence in that script is no name */
    free(g);
    /* different names with one key stay apart */
    g = run("Hassan met Hossein. Hassan and Hossein left.\n", 1, 1 << 20, &d);
    ck_assert_int_eq(d.ngroups, 0);
    free(g);
    /* invalid UTF-8 is a separator */
    g = run("Solaymani\xFF and Soleimani\n", 1, 1 << 20, &d);
    ck_assert_msg(strstr(g, "Solaymani/1") && strstr(g, "Soleimani/1"), "%s", g);
    free(g);
}
END_TEST

START_TEST(errors)
{
    onoma_cluster *c = NULL;
    onoma_error e;
    onoma_cluster_options bad = {1, NULL, 0};
    ck_assert_int_eq(onoma_cluster_new(R, &bad, &c, &e), ONOMA_EFLAGS);
    onoma_cluster_options lang = {0, "xx", 0};
    ck_assert_int_eq(onoma_cluster_new(R, &lang, &c, &e), ONOMA_EINVAL);
    ck_assert_ptr_null(c);
    ck_assert_int_eq(onoma_cluster_new(NULL, NULL, &c, &e), ONOMA_EINVAL);
    ck_assert_int_eq(onoma_cluster_new(R, NULL, &c, &e), 0);
    ck_assert_int_eq(onoma_cluster_groups(c, NULL, NULL, &e), ONOMA_EINVAL);
    onoma_cluster_free(&c);
    onoma_cluster_free(&c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cluster");
    TCase *tc = tcase_create("cluster");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, fixture_groups);
    tcase_add_test(tc, mentions);
    tcase_add_test(tc, errors);
    suite_add_tcase(s, tc);
    return onoma_test_main(s);
}
