/* Text tables, the compiler's checks, compiled tables, styles, lookup. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "runner.h"
#include "table/format.h"
#include "util.h"

#define HDR "# name: t\n# source: test\n# license: CC0-1.0\n"

static const char good[] = HDR
    "Q1\tperson\tQasem Soleimani\tQassem Soleimani|Ghasem Soleimani|قاسم سلیمانی\tap=Qassem Soleimani\n"
    "Q1/surname\tperson\tSoleimani\tSuleimani|Soleymani\n"
    "Q2\tplace\tTehran\tTeheran|تهران\n";

/* Compile tsv; return the error code, with *e filled. */
static int compile_text(const char *tsv, onoma_error *e)
{
    const char *p = tmp_file(tsv, strlen(tsv), ".tsv");
    int rc = onoma_compile(&p, 1, NULL, NULL, NULL, e);
    unlink(p);
    return rc;
}

#define ck_table_error(tsv_, code_, line_, needle_)                                                          \
    do {                                                                                                     \
        onoma_error e_;                                                                                      \
        ck_assert_int_eq(compile_text((tsv_), &e_), (code_));                                                \
        ck_assert_uint_eq(e_.line, (line_));                                                                 \
        ck_assert_msg(strstr(e_.message, (needle_)) != NULL, "message '%s' lacks '%s'", e_.message, (needle_)); \
        ck_assert_msg(strstr(e_.file, ".tsv") != NULL, "no file name in the error");                        \
    } while (0)

START_TEST(good_table)
{
    onoma_error e;
    ck_assert_int_eq(compile_text(good, &e), 0);
    onoma_tables *t = open_text_table(good);
    ck_assert_uint_eq(onoma_tables_count(t), 1);
    onoma_table_info in;
    ck_assert_int_eq(onoma_tables_info(t, 0, &in), 0);
    ck_assert_str_eq(in.name, "t");
    ck_assert_str_eq(in.kind, "names");
    ck_assert_str_eq(in.license, "CC0-1.0");
    ck_assert_uint_eq(in.entries, 3);
    ck_assert_uint_eq(in.variants, 11); /* 3 canonical + 1 style form + 7 variants */
    ck_assert_uint_eq(onoma_styles_count(t), 2);
    ck_assert_str_eq(onoma_style_name(t, 1), "ap");
    ck_assert_uint_eq(onoma_style_coverage(t, 1), 1);
    onoma_tables_close(&t);
    ck_assert_ptr_null(t);
    onoma_tables_close(&t); /* harmless twice */
}
END_TEST

START_TEST(errors_with_lines)
{
    ck_table_error(HDR "Q1\tperson\tA\n" "Q2\tperson\tB\n" "Q1\tperson\tC\n", ONOMA_EDUPLICATE, 6, "duplicate id");
    ck_table_error(HDR "Q1\tperson\tAli\tAly\n" "Q2\tperson\tAlly\tAly\n", ONOMA_ECONFLICT, 5, "also claimed");
    ck_table_error(HDR "Q1\tperson\tAli\tALY\n" "Q2\tperson\tAlly\taly\n", ONOMA_ECONFLICT, 5, "after folding");
    ck_table_error(HDR "Q1\tperson\tAli\n" "Q2\tperson\n", ONOMA_ETABLE, 5, "malformed line");
    ck_table_error(HDR "Q1\tperson\tAli\n" "Q2\tpeople\tBob\n", ONOMA_ETABLE, 5, "unknown type");
    ck_table_error(HDR "Q 1\tperson\tAli\n", ONOMA_ETABLE, 4, "bad id");
    ck_table_error(HDR "Q1\tperson\tAli\t-Aly\n", ONOMA_ETABLE, 4, "begin and end with a letter");
    ck_table_error(HDR "Q1\tperson\tAli\tAly\tap\n", ONOMA_ETABLE, 4, "bad style form");
    ck_table_error(HDR "Q1\tperson\tAli\tA\x01ly\n", ONOMA_ETABLE, 4, "control character");
    ck_table_error(HDR "Q1\tperson\tAli\tAly\ta\tb\tc\n", ONOMA_ETABLE, 4, "too many fields");
    ck_table_error("Aly\tAli\nAlly\tAli\nAly\tAli\n", ONOMA_EDUPLICATE, 3, "duplicate variant");
    ck_table_error("Aly\tAli\nAly\tAlly\n", ONOMA_EDUPLICATE, 2, "also claimed");
    ck_table_error("# kind: style\nQ1\tX\n", ONOMA_ETABLE, 0, "style");
    /* shared spellings are allowed */
    onoma_error e;
    ck_assert_int_eq(compile_text(HDR "Q1\tplace\tGeorgia\t\n" "Q2\tplace\tGeorgia (country)\t?Georgia\n", &e),
                     ONOMA_ECONFLICT);
    ck_assert_int_eq(compile_text(HDR "Q1\tplace\tGeorgia\n" "Q2\tplace\tSakartvelo\t?Georgia\n", &e),
                     ONOMA_ECONFLICT); /* a canonical form is never shared */
    ck_assert_int_eq(compile_text(HDR "Q1\tplace\tGeorgia, US\t?Georgia\n" "Q2\tplace\tSakartvelo\t?Georgia\n", &e), 0);
}
END_TEST

START_TEST(bad_utf8_and_nul)
{
    onoma_error e;
    static const char bad[] = HDR "Q1\tperson\tAli\tAl\xFFy\n";
    ck_assert_int_eq(compile_text(bad, &e), ONOMA_EUTF8);
    ck_assert_uint_eq(e.line, 4);
    ck_assert_uint_eq(e.offset, strlen(HDR) + 16);
    static const char nul[] = HDR "Q1\tperson\tA\0li\n";
    const char *p = tmp_file(nul, sizeof nul - 1, ".tsv");
    ck_assert_int_eq(onoma_compile(&p, 1, NULL, NULL, NULL, &e), ONOMA_ENUL);
    ck_assert_uint_eq(e.line, 4);
    ck_assert_int_eq(onoma_compile_ex(&p, 1, NULL, 1u << 7, NULL, NULL, &e), ONOMA_EINVAL); /* unknown flag */
    unlink(p);
}
END_TEST

static void count_diag(void *ctx, const onoma_error *e)
{
    ck_assert_uint_gt(e->line, 0);
    (*(int *)ctx)++;
}

START_TEST(all_errors_reported)
{
    static const char tsv[] = HDR "Q1\tperson\tA1\n" "Q1\tperson\tB1\n" "Q3\tnope\tC1\n" "Q4\tperson\tD1\tA1\n";
    const char *p = tmp_file(tsv, sizeof tsv - 1, ".tsv");
    int n = 0;
    onoma_error e;
    ck_assert_int_ne(onoma_compile(&p, 1, NULL, count_diag, &n, &e), 0);
    ck_assert_int_ge(n, 3); /* duplicate id, unknown type, claimed canonical (exact and folded) */
    ck_assert_uint_eq(e.line, 5); /* the first */
    unlink(p);
}
END_TEST

START_TEST(compiled_roundtrip)
{
    const char *src = tmp_file(good, strlen(good), ".tsv");
    char out[] = "/tmp/onoma-test-XXXXXX.onb";
    int fd = mkstemps(out, 4);
    close(fd);
    onoma_error e;
    ck_assert_int_eq(onoma_compile(&src, 1, out, NULL, NULL, &e), 0);
    const char *paths[] = {out};
    onoma_tables *t;
    ck_assert_int_eq(onoma_tables_open(paths, 1, 0, &t, &e), 0);
    onoma_table_info in;
    onoma_tables_info(t, 0, &in);
    ck_assert_int_eq(in.compiled, 1);
    ck_assert_uint_eq(in.entries, 3);
    ck_norm(t, 0, "Ghasem Soleimani met Suleimani in TEHERAN.", "Qasem Soleimani met Soleimani in TEHRAN.");
    char *ap = norm(t, 0, "ap", "Qasem Soleimani");
    ck_assert_str_eq(ap, "Qassem Soleimani");
    free(ap);
    onoma_tables_close(&t);

    /* another format version: refused with a clear message */
    size_t len;
    char *img = read_all(out, &len);
    uint32_t v = 99;
    memcpy(img + 8, &v, 4);
    const char *bad = tmp_file(img, len, ".onb");
    const char *bp[] = {bad};
    ck_assert_int_eq(onoma_tables_open(bp, 1, 0, &t, &e), ONOMA_EVERSION);
    ck_assert_ptr_null(t);
    ck_assert_msg(strstr(e.message, "format version 99") && strstr(e.message, "recompile"), "%s", e.message);
    unlink(bad);
    memcpy(img + 8, &(uint32_t){ONOMA__TABLE_FORMAT}, 4);
    /* truncated */
    const char *tr = tmp_file(img, len - 100, ".onb");
    const char *tp[] = {tr};
    ck_assert_int_eq(onoma_tables_open(tp, 1, 0, &t, &e), ONOMA_EFORMAT);
    unlink(tr);
    /* damaged anywhere: refused with a clear message, never opened, never a crash */
    for (size_t off = 0; off < len; off += 13) {
        char saved = img[off];
        img[off] = (char)(img[off] ^ 0x5A);
        const char *dp = tmp_file(img, len, ".onb");
        const char *dpp[] = {dp};
        int rc = onoma_tables_open(dpp, 1, 0, &t, &e);
        /* a damaged magic number makes it a (bad) text table */
        ck_assert_msg(rc == ONOMA_EFORMAT || rc == ONOMA_EVERSION ||
                          (off < 8 && (rc == ONOMA_ENUL || rc == ONOMA_EUTF8 || rc == ONOMA_ETABLE)),
                      "byte %zu: rc %d", off, rc);
        ck_assert_ptr_null(t);
        unlink(dp);
        img[off] = saved;
    }
    free(img);
    unlink(src);
    unlink(out);
}
END_TEST

START_TEST(style_table)
{
    static const char style[] = "# name: house\n# kind: style\n# style: house\n# source: t\n# license: CC0-1.0\n"
                                "Q1\tQassem Suleimani\n";
    const char *p1 = tmp_file(good, strlen(good), ".tsv");
    const char *p2 = tmp_file(style, strlen(style), ".tsv");
    const char *paths[] = {p1, p2};
    onoma_tables *t;
    onoma_error e;
    ck_assert_int_eq(onoma_tables_open(paths, 2, 0, &t, &e), 0);
    ck_assert_int_eq(onoma_styles_count(t), 3);
    char *o = norm(t, 0, "house", "Ghasem Soleimani and Qasem Soleimani; Teheran");
    ck_assert_str_eq(o, "Qassem Suleimani and Qassem Suleimani; Tehran");
    free(o);
    onoma_options bad = {0, "nosuch", 1, NULL};
    onoma_normalizer *nz;
    ck_assert_int_eq(onoma_normalizer_new(t, &bad, &nz, &e), ONOMA_ESTYLE);
    onoma_tables_close(&t);
    unlink(p1);
    unlink(p2);
}
END_TEST

typedef struct found {
    int n;
    char id[8][64];
    int match[8];
} found;

static int on_entity(void *ctx, const onoma_entity *e)
{
    found *f = ctx;
    snprintf(f->id[f->n], 64, "%s", e->id);
    f->match[f->n++] = e->match;
    return 0;
}

START_TEST(lookup)
{
    onoma_tables *t = open_text_table(good);
    found f = {0};
    onoma_error e;
    ck_assert_int_eq(onoma_lookup(t, NULL, "Ghasem Soleimani", 16, on_entity, &f, &e), 1);
    ck_assert_str_eq(f.id[0], "Q1");
    ck_assert_int_eq(f.match[0], ONOMA_MATCH_EXACT);
    memset(&f, 0, sizeof f);
    ck_assert_int_eq(onoma_lookup(t, NULL, " SULEIMANI ", 11, on_entity, &f, &e), 1);
    ck_assert_str_eq(f.id[0], "Q1/surname");
    ck_assert_int_eq(f.match[0], ONOMA_MATCH_FOLDED);
    ck_assert_int_eq(onoma_lookup(t, NULL, "Nobody", 6, on_entity, &f, &e), 0);
    ck_assert_int_eq(onoma_lookup(t, "nosuch", "Nobody", 6, on_entity, &f, &e), ONOMA_ESTYLE);
    ck_assert_int_eq(onoma_lookup(t, NULL, "\xFF", 1, on_entity, &f, &e), ONOMA_EUTF8);
    onoma_tables_close(&t);
}
END_TEST

START_TEST(missing_and_unknown)
{
    onoma_tables *t;
    onoma_error e;
    const char *p[] = {"/nonexistent/table.tsv"};
    ck_assert_int_eq(onoma_tables_open(p, 1, 0, &t, &e), ONOMA_ENOENT);
    ck_assert_str_eq(e.file, "/nonexistent/table.tsv");
    ck_assert_int_eq(onoma_tables_open(NULL, 0, 1u << 20, &t, &e), ONOMA_EFLAGS);
    ck_assert_str_eq(onoma_strerror(ONOMA_EUTF8), "invalid UTF-8");
    ck_assert_str_eq(onoma_err_name(ONOMA_ECONFLICT), "ONOMA_ECONFLICT");
    ck_assert_str_eq(onoma_strerror(-999), "unknown error");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("table");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, good_table);
    tcase_add_test(tc, errors_with_lines);
    tcase_add_test(tc, bad_utf8_and_nul);
    tcase_add_test(tc, all_errors_reported);
    tcase_add_test(tc, compiled_roundtrip);
    tcase_add_test(tc, style_table);
    tcase_add_test(tc, lookup);
    tcase_add_test(tc, missing_and_unknown);
    suite_add_tcase(s, tc);
    return onoma_test_main(s);
}
