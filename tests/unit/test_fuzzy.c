/* normalize --fuzzy: unseen spellings rewritten through the key, and the
 * guards around it. */
#include <fcntl.h>
#include <string.h>

#include "common/buf.h"
#include "key/api.h"
#include "key/keyint.h"
#include "runner.h"
#include "table/format.h"
#include "util.h"

#define HDR "# name: t\n# source: test\n# license: CC0-1.0\n"

static const char names[] = HDR
    "Q1\tperson\tQasem Soleimani\tQassem Soleimani|Qasem Suleimani\n"
    "Q1/surname\tperson\tSoleimani\tSuleimani|Soleymani\n"
    "Q2\tperson\tAbu Mahdi al-Muhandis\tAbu Mahdi al-Mohandes\n"
    "Q2/surname\tperson\tal-Muhandis\tal-Mohandes|al-Mohandis\n"
    "Q3\tperson\tSaeed Khatibzadeh\tSaid Khatibzadeh\n"
    "Q3/given\tname\tSaeed\t~Said\n"
    "Q4\tplace\tAin al-Asad\tAyn al-Asad\n"
    "Q5\tplace\tTehran\tTeheran\n"
    "Q6\tperson\tIraj Masjedi\tIraj Masjidi\n"
    "Q6/surname\tperson\tMasjedi\tMasjidi\n"
    "Q7\tperson\tHossein Taeb\n"
    "Q8\tperson\tHassan Taeb\n"
    "Q9\tperson\tMohsen Rezaei\n"
    "Q10\tperson\tMohsen Rezaee\n"
    "Q11\tperson\tMustafa Kamal\tKemâl\n";

static onoma_tables *T;
static onoma_keyrules *R;

static void setup(void)
{
    T = open_text_table(names);
    onoma_error e;
    ck_assert_int_eq(onoma_keyrules_open(ONOMA_SOURCE_DIR "/tables/keys", &R, &e), 0);
}

static void teardown(void)
{
    onoma_tables_close(&T);
    onoma_keyrules_close(&R);
}

typedef struct evs {
    int fuzzy, rewrite;
    double score;
    char last_to[128], last_id[64];
} evs;

static int on_ev(void *ctx, const onoma_event *ev)
{
    evs *v = ctx;
    if (ev->kind != ONOMA_EVENT_REWRITE)
        return 0;
    if (ev->fuzzy) {
        v->fuzzy++;
        v->score = ev->score;
    } else
        v->rewrite++;
    snprintf(v->last_to, sizeof v->last_to, "%.*s", (int)ev->to_len, ev->to);
    snprintf(v->last_id, sizeof v->last_id, "%s", ev->id);
    return 0;
}

static int to_buf(void *ctx, const char *p, size_t n) { return onoma__buf_put(ctx, p, n); }

/* Normalize s with --fuzzy (and extra flags); events into v (may be NULL). */
static char *fz(const onoma_tables *t, unsigned flags, const char *s, evs *v)
{
    onoma_options o = {ONOMA_FUZZY | flags, NULL, 1, R};
    onoma_normalizer *nz;
    onoma_error e;
    int rc = onoma_normalizer_new(t, &o, &nz, &e);
    ck_assert_msg(rc == 0, "new: %s", e.message);
    if (v) {
        memset(v, 0, sizeof *v);
        onoma_normalizer_on_event(nz, on_ev, v);
    }
    onoma__buf b = {0};
    ck_assert_int_eq(onoma_normalize_buffer(nz, s, strlen(s), to_buf, &b, &e), 0);
    onoma__buf_putc(&b, 0);
    onoma_normalizer_free(&nz);
    return b.data;
}

#define ck_fz(in, want)                                                                                          \
    do {                                                                                                         \
        char *got_ = fz(T, 0, (in), NULL);                                                                       \
        ck_assert_str_eq(got_, (want));                                                                          \
        free(got_);                                                                                              \
    } while (0)

START_TEST(unseen_spellings)
{
    evs v;
    char *o = fz(T, 0, "They met Qassem Solaymani in May.", &v);
    ck_assert_str_eq(o, "They met Qasem Soleimani in May.");
    free(o);
    ck_assert_int_eq(v.fuzzy, 1);
    ck_assert_str_eq(v.last_id, "Q1");
    ck_assert(v.score >= ONOMA_MATCH_THRESHOLD && v.score <= 1.0);
    /* a surname alone, a title before it kept, a possessive kept */
    ck_fz("it was Solaymani who spoke", "it was Soleimani who spoke");
    ck_fz("General Solaymani's men", "General Soleimani's men");
    /* a particle belongs to the span */
    ck_fz("they met al-Mohandiss there", "they met al-Muhandis there");
    ck_fz("the base of Ayn al-Asadd in Iraq", "the base of Ain al-Asad in Iraq");
    ck_fz("so Masjidy said", "so Masjedi said");
    /* case pattern of the text */
    ck_fz("with GHASSEM SOLAYMANI", "with GHASSEM SOLAYMANI"); /* words in capitals: never */
}
END_TEST

START_TEST(guards)
{
    /* without the flag, nothing new */
    char *plain = norm(T, 0, NULL, "They met Qassem Solaymani.");
    ck_assert_str_eq(plain, "They met Qassem Solaymani.");
    free(plain);
    /* the verb, and a guarded spelling, are never rewritten */
    ck_fz("Masjedi said that. Said the man. So said Said.", "Masjedi said that. Said the man. So said Said.");
    /* ...but a longer span that starts with one may be a name */
    ck_fz("Said Khatibzadeeh spoke.", "Saeed Khatibzadeh spoke.");
    ck_fz("he said so", "he said so");
    /* lower case: not a name */
    ck_fz("the solaymani tree", "the solaymani tree");
    /* one word at a sentence start may be a common word */
    ck_fz("Solaymani spoke.", "Solaymani spoke.");
    ck_fz("Then Solaymani spoke.", "Then Soleimani spoke.");
    /* the rest of a longer name must agree */
    ck_fz("then Ali Solaymani spoke", "then Ali Solaymani spoke");
    /* Hassan and Hossein Taeb share a key, but only one reads like this */
    ck_fz("then Hasan Taeb spoke", "then Hassan Taeb spoke");
    /* a spelling of two entities: left alone */
    ck_fz("then Mohsen Rezaie spoke", "then Mohsen Rezaie spoke");
    /* the words the key drops must read alike too */
    ck_fz("then al-Hassan Taeb spoke", "then al-Hassan Taeb spoke");
    /* a place takes two words: one is too little evidence */
    ck_fz("in Teheraan today", "in Teheraan today");
    /* a word opening a sentence must be spelled as listed; others need only read alike */
    ck_fz("Ghassem Solaymani spoke.", "Ghassem Soleimani spoke."); /* (the surname alone, as listed ones) */
    ck_fz("Qassem Solaymani spoke.", "Qasem Soleimani spoke.");
    /* a spelling, not another name: the canonical form has as many words */
    ck_fz("they met Kemall today", "they met Kemall today");
    /* no word of the text is dropped to make a match */
    ck_fz("then Ghassem Ali Solaymani spoke", "then Ghassem Ali Solaymani spoke");
    /* listed spellings work as before */
    ck_fz("Qasem Suleimani and Teheran", "Qasem Soleimani and Tehran");
}
END_TEST

START_TEST(options)
{
    onoma_normalizer *nz;
    onoma_error e;
    /* the bundled rules when none are given */
    onoma_options o = {ONOMA_FUZZY, NULL, 1, NULL};
    ck_assert_int_eq(onoma_normalizer_new(T, &o, &nz, &e), 0);
    char *out = NULL;
    size_t n;
    ck_assert_int_eq(onoma_normalize(T, &o, "met Qassem Solaymani", 20, &out, &n, &e), 0);
    ck_assert_str_eq(out, "met Qasem Soleimani");
    onoma_free(out);
    onoma_normalizer_free(&nz);
    /* with exact keys too */
    char *x = fz(T, ONOMA_EXACT, "met Qassem Solaymani", NULL);
    ck_assert_str_eq(x, "met Qasem Soleimani");
    free(x);
}
END_TEST

/* The sample article: --fuzzy changes nothing there (all its names are
 * listed) and keeps every 'said'. */
START_TEST(fixtures)
{
    onoma_tables *t;
    onoma_error e;
    ck_assert_int_eq(onoma_tables_open(NULL, 0, ONOMA_TABLES_DEFAULTS, &t, &e), 0);
    static const char *const files[] = {"fixtures/mehr-soleimani-revenge.txt",
                                        "fixtures/mehr-soleimani-revenge.variants.txt"};
    char *outs[2];
    for (int i = 0; i < 2; i++) {
        char *text = read_all(onoma_test_data(files[i]), NULL);
        outs[i] = fz(t, 0, text, NULL);
        char *plain = norm(t, 0, NULL, text);
        ck_assert_str_eq(outs[i], plain);
        int said_in = 0, said_out = 0;
        for (const char *p = text; (p = strstr(p, " said")); p++)
            said_in++;
        for (const char *p = outs[i]; (p = strstr(p, " said")); p++)
            said_out++;
        ck_assert_int_gt(said_in, 5);
        ck_assert_int_eq(said_in, said_out);
        free(plain);
        free(text);
    }
    ck_assert_str_eq(outs[0], outs[1]);
    free(outs[0]);
    free(outs[1]);
    onoma_tables_close(&t);
}
END_TEST

/* --jobs: the same output and events as one thread (the index is shared
 * through the tables). */
START_TEST(threads)
{
    onoma__buf in = {0};
    for (int i = 0; i < 20000; i++)
        onoma__buf_puts(&in, i % 3 ? "They met Qassem Solaymani and al-Mohandiss.\n" : "Nothing here, said Ali.\n");
    const char *path = tmp_file(in.data, in.len, ".txt");
    char *res[2];
    int nev[2];
    for (int j = 0; j < 2; j++) {
        onoma_options o = {ONOMA_FUZZY, NULL, j ? 2u : 1u, R};
        onoma_normalizer *nz;
        onoma_error e;
        ck_assert_int_eq(onoma_normalizer_new(T, &o, &nz, &e), 0);
        evs v = {0};
        onoma_normalizer_on_event(nz, on_ev, &v);
        onoma__buf b = {0};
        int fd = open(path, O_RDONLY);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(onoma_normalize_fd(nz, fd, to_buf, &b, &e), 0);
        close(fd);
        onoma__buf_putc(&b, 0);
        res[j] = b.data;
        nev[j] = v.fuzzy;
        onoma_normalizer_free(&nz);
    }
    ck_assert_int_gt(nev[0], 20000);
    ck_assert_int_eq(nev[0], nev[1]);
    ck_assert_str_eq(res[0], res[1]);
    ck_assert_ptr_nonnull(strstr(res[0], "They met Qasem Soleimani and al-Muhandis.\n"));
    free(res[0]);
    free(res[1]);
    onoma__buf_free(&in);
    unlink(path);
}
END_TEST

/* Normalize each line of text with the tables and rules r; the outputs
 * and the fuzzy rewrites, one after the other. */
static char *fz_lines(const onoma_tables *t, const onoma_keyrules *r, const char *const *lines, size_t n)
{
    onoma__buf all = {0};
    for (size_t i = 0; i < n; i++) {
        onoma_options o = {ONOMA_FUZZY, NULL, 1, r};
        onoma_normalizer *nz;
        onoma_error e;
        ck_assert_int_eq(onoma_normalizer_new(t, &o, &nz, &e), 0);
        evs v = {0};
        onoma_normalizer_on_event(nz, on_ev, &v);
        ck_assert_int_eq(onoma_normalize_buffer(nz, lines[i], strlen(lines[i]), to_buf, &all, &e), 0);
        char ev[256];
        snprintf(ev, sizeof ev, " [%d %s %s]\n", v.fuzzy, v.last_id, v.last_to);
        onoma__buf_puts(&all, ev);
        onoma_normalizer_free(&nz);
    }
    onoma__buf_putc(&all, 0);
    return all.data;
}

static const char *const sample[] = {
    "They met Qassem Solaymani in May.",
    "it was Solaymani who spoke",
    "General Solaymani's men",
    "they met al-Mohandiss there",
    "the base of Ayn al-Asadd in Iraq",
    "so Masjidy said",
    "Hossain Taeb and Hasan Taeb met Mohsen Rezaie.",
    "Said Khatibzade spoke; Saeed Khatibzadeh too.",
};
#define NSAMPLE (sizeof sample / sizeof *sample)

/* The key index onoma compile stores (for the bundled rules, the same as
 * R): used when the rules match, with the same results as one built at
 * run time; not used under other rules; layers consulted together. */
START_TEST(compiled_index)
{
    const char *src = tmp_file(names, sizeof names - 1, ".tsv");
    char out[256];
    snprintf(out, sizeof out, "%s.onb", src);
    onoma_error e;
    const char *sp[] = {src};
    ck_assert_int_eq(onoma_compile(sp, 1, out, NULL, NULL, &e), 0);
    size_t len;
    char *img = read_all(out, &len);
    onoma__table_hdr h;
    memcpy(&h, img, sizeof h);
    ck_assert_uint_gt(h.keyix_len, sizeof(onoma__kix_hdr));
    onoma__kix_hdr kh;
    memcpy(&kh, img + h.keyix_off, sizeof kh);
    onoma_keyer *k;
    ck_assert_int_eq(onoma__keyer_make(R, 0, &k, &e), 0);
    ck_assert_uint_eq(kh.rules_digest, onoma__keyer_digest(k));
    onoma_keyer_free(&k);
    ck_assert_uint_gt(kh.part_len[0], 0);
    free(img);
    const char *op[] = {out};
    onoma_tables *c;
    ck_assert_int_eq(onoma_tables_open(op, 1, 0, &c, &e), 0);
    char *a = fz_lines(T, R, sample, NSAMPLE), *b = fz_lines(c, R, sample, NSAMPLE);
    ck_assert_str_eq(a, b);
    ck_assert_ptr_nonnull(strstr(a, "They met Qasem Soleimani in May. [1 Q1"));
    free(a);
    free(b);
    /* other rules (the base file alone): another digest; the stored index
     * is not used, one is built for them */
    onoma_keyrules *r2;
    ck_assert_int_eq(onoma_keyrules_open(ONOMA_SOURCE_DIR "/tables/keys/00-base.txt", &r2, &e), 0);
    ck_assert_uint_ne(r2->r->digest, R->r->digest);
    ck_assert_int_eq(onoma__keyer_make(r2, 0, &k, &e), 0);
    ck_assert_uint_ne(kh.rules_digest, onoma__keyer_digest(k));
    onoma_keyer_free(&k);
    a = fz_lines(T, r2, sample, NSAMPLE);
    b = fz_lines(c, r2, sample, NSAMPLE);
    char *a1 = fz_lines(T, R, sample, NSAMPLE);
    ck_assert_str_eq(a, b);
    ck_assert_str_ne(a, a1); /* (the rules make a difference here) */
    free(a);
    free(b);
    free(a1);
    onoma_keyrules_close(&r2);
    onoma_tables_close(&c);

    /* layers: a spelling of the same key in a second layer (text, its
     * index built at run time), of another entity: two entities, no
     * rewrite of the name; of the same canonical form: still one */
    static const char other[] = HDR "Z6\tperson\tIraj Masjidi\n";
    static const char same[] = HDR "Z1\tperson\tQasem Soleimani\tGhasem Soleymani\n";
    const char *p2[] = {out, tmp_file(other, sizeof other - 1, ".tsv")};
    ck_assert_int_eq(onoma_tables_open(p2, 2, 0, &c, &e), 0);
    const char *const l1[] = {"Iraj Masjedy spoke."};
    a = fz_lines(T, R, l1, 1);
    b = fz_lines(c, R, l1, 1);
    ck_assert_str_eq(a, "Iraj Masjedi spoke. [1 Q6 Iraj Masjedi]\n");
    /* (the whole name is refused; the surname alone still leads to Q6) */
    ck_assert_str_eq(b, "Iraj Masjedi spoke. [1 Q6/surname Masjedi]\n");
    free(a);
    free(b);
    onoma_tables_close(&c);
    const char *p3[] = {out, tmp_file(same, sizeof same - 1, ".tsv")};
    ck_assert_int_eq(onoma_tables_open(p3, 2, 0, &c, &e), 0);
    const char *const l2[] = {"They met Qassem Solaymani in May."};
    b = fz_lines(c, R, l2, 1);
    ck_assert_str_eq(b, "They met Qasem Soleimani in May. [1 Q1 Qasem Soleimani]\n");
    free(b);
    onoma_tables_close(&c);
    unlink(out);
}
END_TEST

/* A key shared by more than MAX_GROUP (64) spellings says too little, all
 * layers counted: 40 spellings in one layer rewrite, 40 + 30 in two do not. */
START_TEST(group_limit_across_layers)
{
    onoma__buf t1 = {0}, t2 = {0};
    onoma__buf_puts(&t1, HDR "G1\tperson\tKhorram Shahri\t");
    onoma__buf_puts(&t2, HDR "G2\tperson\tKhorram Shahri\t");
    /* spellings of one key: letters doubled (the key folds them) */
    static const char base[] = "Khoram Shahri";
    int made = 0;
    for (unsigned m = 1; made < 70; m++) {
        char v[64];
        size_t o = 0;
        for (size_t i = 0; base[i]; i++) {
            v[o++] = base[i];
            if (i < 12 && base[i] != ' ' && ((m >> i) & 1))
                v[o++] = base[i] >= 'A' && base[i] <= 'Z' ? (char)(base[i] + 32) : base[i];
        }
        v[o] = 0;
        onoma__buf *t = made < 40 ? &t1 : &t2;
        if (made != 0 && made != 40)
            onoma__buf_putc(t, '|');
        onoma__buf_puts(t, v);
        made++;
    }
    onoma__buf_putc(&t1, '\n');
    onoma__buf_putc(&t2, '\n');
    const char *p[] = {tmp_file(t1.data, t1.len, ".tsv"), tmp_file(t2.data, t2.len, ".tsv")};
    onoma_tables *c;
    onoma_error e;
    const char *const l[] = {"They met Khorram Shahrie there."};
    ck_assert_int_eq(onoma_tables_open(p, 1, 0, &c, &e), 0);
    char *a = fz_lines(c, R, l, 1);
    ck_assert_str_eq(a, "They met Khorram Shahri there. [1 G1 Khorram Shahri]\n");
    free(a);
    onoma_tables_close(&c);
    ck_assert_int_eq(onoma_tables_open(p, 2, 0, &c, &e), 0);
    a = fz_lines(c, R, l, 1);
    ck_assert_str_eq(a, "They met Khorram Shahrie there. [0  ]\n");
    free(a);
    onoma_tables_close(&c);
    onoma__buf_free(&t1);
    onoma__buf_free(&t2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fuzzy");
    TCase *tc = tcase_create("fuzzy");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, unseen_spellings);
    tcase_add_test(tc, guards);
    tcase_add_test(tc, options);
    tcase_add_test(tc, fixtures);
    tcase_add_test(tc, threads);
    tcase_add_test(tc, compiled_index);
    tcase_add_test(tc, group_limit_across_layers);
    suite_add_tcase(s, tc);
    return onoma_test_main(s);
}
