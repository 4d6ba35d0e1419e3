/* The checker (onoma_check, onoma_check_apply), its markup ranges and
 * near-miss index, the .onoma configuration, the JSON reader and the LSP
 * server's position encodings and protocol. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check/config.h"
#include "check/markup.h"
#include "check/near.h"
#include "json/json.h"
#include "lsp/server.h"
#include "runner.h"
#include "table/tables.h"
#include "util.h"

static const char table_tsv[] =
    "# name: t\n# source: test\n# license: CC0-1.0\n# styles: ap\n"
    "# id\ttype\tcanonical\tvariants\tstyles\n"
    "P1\tperson\tQasem Soleimani\tQassem Suleimani|Qasem Suleimani\tap=Qassem Soleimani\n"
    "P1/surname\tperson\tSoleimani\tSuleimani|Soleymani\n"
    "P2/surname\tperson\tKhatibzadeh\tKhatib-Zadeh\n"
    "P3\tperson\tQasemi\n"
    "C1\tplace\tTehran\tTeheran\n"
    "A1\tperson\tJon Smyth\t?John Smith\n"
    "A2\tperson\tJohn Smithe\t?John Smith\n";

static onoma_tables *tables(void) { return open_text_table(table_tsv); }

static onoma_checker *checker(const onoma_tables *t, unsigned check_flags, const char *style)
{
    onoma_check_options o = {0, check_flags, style};
    onoma_checker *ck = NULL;
    onoma_error e;
    ck_assert_int_eq(onoma_checker_new(t, &o, &ck, &e), 0);
    return ck;
}

static int run(onoma_checker *ck, const char *text, int markup, const onoma_finding **f, size_t *n)
{
    onoma_error e;
    int rc = onoma_check(ck, "t", text, strlen(text), markup, f, n, &e);
    ck_assert_msg(rc >= 0, "check: %s", e.message);
    return rc;
}

/* ------------------------------------------------------------- onoma_check */

START_TEST(findings_positions)
{
    onoma_tables *t = tables();
    onoma_checker *ck = checker(t, 0, NULL);
    const onoma_finding *f;
    size_t n;
    const char *text = "Ünïcode: Suleimani\nand Qassem Suleimani in Teheran.";
    ck_assert_int_eq(run(ck, text, ONOMA_MARKUP_TEXT, &f, &n), 3);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(f[0].kind, ONOMA_FINDING_REWRITE);
    ck_assert_uint_eq(f[0].line, 1);
    ck_assert_uint_eq(f[0].column, 10); /* characters, not bytes (Ü, ï are two bytes) */
    ck_assert_uint_eq(f[0].offset, 11);
    ck_assert_uint_eq(f[0].end_column, 19);
    ck_assert(f[0].fixable);
    ck_assert_int_eq(memcmp(f[0].to, "Soleimani", f[0].to_len), 0);
    ck_assert_str_eq(f[0].id, "P1/surname");
    ck_assert_str_eq(f[0].display, "Qasem Soleimani");
    ck_assert_uint_eq(f[1].line, 2);
    ck_assert_uint_eq(f[1].column, 5);
    ck_assert_int_eq(memcmp(f[1].from, "Qassem Suleimani", f[1].from_len), 0);
    ck_assert_int_eq(memcmp(f[2].to, "Tehran", f[2].to_len), 0);
    onoma_checker_free(&ck);
    ck_assert_ptr_null(ck);
    onoma_checker_free(&ck); /* harmless twice */
    onoma_tables_close(&t);
}
END_TEST

START_TEST(style_and_ambiguity)
{
    onoma_tables *t = tables();
    onoma_checker *ck = checker(t, 0, "ap");
    const onoma_finding *f;
    size_t n;
    ck_assert_int_eq(run(ck, "Qasem Soleimani met John Smith.", ONOMA_MARKUP_TEXT, &f, &n), 2);
    ck_assert_int_eq(memcmp(f[0].to, "Qassem Soleimani", f[0].to_len), 0);
    ck_assert_int_eq(f[1].kind, ONOMA_FINDING_AMBIGUOUS);
    ck_assert(!f[1].fixable);
    ck_assert_ptr_null(f[1].to);
    ck_assert_uint_eq(f[1].ncandidates, 2);
    onoma_checker_free(&ck);
    onoma_tables_close(&t);
}
END_TEST

START_TEST(options_checked)
{
    onoma_tables *t = tables();
    onoma_checker *ck = NULL;
    onoma_error e;
    onoma_check_options bad = {0, 1u << 7, NULL};
    ck_assert_int_eq(onoma_checker_new(t, &bad, &ck, &e), ONOMA_EFLAGS);
    onoma_check_options inv = {ONOMA_INVALID_KEEP, 0, NULL};
    ck_assert_int_eq(onoma_checker_new(t, &inv, &ck, &e), ONOMA_EINVAL);
    onoma_check_options style = {0, 0, "nosuch"};
    ck_assert_int_eq(onoma_checker_new(t, &style, &ck, &e), ONOMA_ESTYLE);
    ck_assert_ptr_null(ck);
    ck = checker(t, 0, NULL);
    const onoma_finding *f;
    size_t n;
    ck_assert_int_eq(onoma_check(ck, "t", "x", 1, 99, &f, &n, &e), ONOMA_EINVAL);
    onoma_checker_free(&ck);
    onoma_tables_close(&t);
}
END_TEST

START_TEST(bad_text)
{
    onoma_tables *t = tables();
    onoma_checker *ck = checker(t, 0, NULL);
    const onoma_finding *f;
    size_t n;
    onoma_error e;
    const char bad[] = "Suleimani\nab\xC3(cd";
    ck_assert_int_eq(onoma_check(ck, "bad.txt", bad, sizeof bad - 1, ONOMA_MARKUP_TEXT, &f, &n, &e), ONOMA_EUTF8);
    ck_assert_uint_eq(e.line, 2);
    ck_assert_uint_eq(e.column, 3);
    ck_assert_uint_eq(e.offset, 12);
    ck_assert_str_eq(e.file, "bad.txt");
    const char nul[] = "Suleimani\0x";
    ck_assert_int_eq(onoma_check(ck, "nul.txt", nul, sizeof nul - 1, ONOMA_MARKUP_TEXT, &f, &n, &e), ONOMA_ENUL);
    ck_assert_uint_eq(e.offset, 9);
    /* and the checker goes on */
    ck_assert_int_eq(run(ck, "Suleimani", ONOMA_MARKUP_TEXT, &f, &n), 1);
    onoma_checker_free(&ck);
    onoma_tables_close(&t);
}
END_TEST

START_TEST(ignore_list)
{
    onoma_tables *t = tables();
    onoma_checker *ck = checker(t, 0, NULL);
    const char *ign[] = {"teheran", "P1/surname"};
    onoma_error e;
    ck_assert_int_eq(onoma_checker_set_ignore(ck, ign, 2, &e), 0);
    const onoma_finding *f;
    size_t n;
    ck_assert_int_eq(run(ck, "Suleimani in Teheran, Qasem Suleimani.", ONOMA_MARKUP_TEXT, &f, &n), 1);
    ck_assert_int_eq(memcmp(f[0].from, "Qasem Suleimani", f[0].from_len), 0);
    ck_assert_int_eq(onoma_checker_set_ignore(ck, NULL, 0, &e), 0);
    ck_assert_int_eq(run(ck, "Suleimani in Teheran.", ONOMA_MARKUP_TEXT, &f, &n), 2);
    onoma_checker_free(&ck);
    onoma_tables_close(&t);
}
END_TEST

START_TEST(markup_masks_without_moving)
{
    onoma_tables *t = tables();
    onoma_checker *ck = checker(t, 0, NULL);
    const onoma_finding *f;
    size_t n;
    /* code with multi-byte characters before the name: columns stay right */
    const char *md = "`Ünï Suleimani` Teheran <!-- Suleimani -->\n```\nSuleimani\n```\nx Soleymani";
    ck_assert_int_eq(run(ck, md, ONOMA_MARKUP_MARKDOWN, &f, &n), 2);
    ck_assert_uint_eq(f[0].column, 17);
    ck_assert_int_eq(memcmp(f[0].from, "Teheran", 7), 0);
    ck_assert_uint_eq(f[1].line, 5);
    ck_assert_uint_eq(f[1].column, 3);
    /* as plain text everything is prose */
    ck_assert_int_eq(run(ck, md, ONOMA_MARKUP_TEXT, &f, &n), 5);
    /* a name split by code is not matched across it */
    ck_assert_int_eq(run(ck, "`Qasem` Suleimani", ONOMA_MARKUP_MARKDOWN, &f, &n), 1);
    ck_assert_int_eq(memcmp(f[0].from, "Suleimani", f[0].from_len), 0);
    onoma_checker_free(&ck);
    onoma_tables_close(&t);
}
END_TEST

static int to_buf(void *ctx, const char *p, size_t n) { return onoma__buf_put(ctx, p, n); }
static int refuse(void *ctx, const char *p, size_t n) { return -1; }

START_TEST(apply_equals_normalize)
{
    onoma_tables *t = tables();
    onoma_checker *ck = checker(t, 0, NULL);
    const char *text = "SULEIMANI and Qassem Suleimani’s trip to Teheran; John Smith stays.\r\n";
    const onoma_finding *f;
    size_t n;
    run(ck, text, ONOMA_MARKUP_TEXT, &f, &n);
    onoma__buf b = {0};
    onoma_error e;
    ck_assert_int_eq(onoma_check_apply(text, strlen(text), f, n, to_buf, &b, &e), 3);
    char *want = norm(t, 0, NULL, text);
    ck_assert_uint_eq(b.len, strlen(want));
    ck_assert_int_eq(memcmp(b.data, want, b.len), 0);
    free(want);
    onoma__buf_free(&b);
    ck_assert_int_lt(onoma_check_apply(text, strlen(text), f, n, refuse, NULL, &e), 0);
    onoma_checker_free(&ck);
    onoma_tables_close(&t);
}
END_TEST

START_TEST(near_misses)
{
    onoma_tables *t = tables();
    onoma_checker *ck = checker(t, 0, NULL);
    const onoma_finding *f;
    size_t n;
    ck_assert_int_eq(run(ck, "Soleimanni met Khatibzadah and SOLEIMANNI.", ONOMA_MARKUP_TEXT, &f, &n), 0);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(f[0].kind, ONOMA_FINDING_NEAR);
    ck_assert_int_eq(f[0].severity, ONOMA_SEVERITY_NOTE);
    ck_assert(!f[0].fixable);
    ck_assert_int_eq(f[0].near_via, ONOMA_NEAR_EDIT);
    ck_assert_int_eq(memcmp(f[0].to, "Soleimani", f[0].to_len), 0);
    ck_assert_int_eq(memcmp(f[1].to, "Khatibzadeh", f[1].to_len), 0);
    ck_assert_uint_eq(f[2].column, 32);
    ck_assert_int_eq(memcmp(f[2].to, "SOLEIMANI", f[2].to_len), 0); /* the case of the text */
    /* lower case, known spellings, short words, common-word distance: nothing */
    ck_assert_int_eq(run(ck, "soleimanni Soleymani Solei Soleimani Tehran", ONOMA_MARKUP_TEXT, &f, &n), 1);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(f[0].kind, ONOMA_FINDING_REWRITE);
    onoma_checker_free(&ck);
    ck = checker(t, ONOMA_CHECK_FUZZY, NULL);
    ck_assert_int_eq(run(ck, "Soleimanni", ONOMA_MARKUP_TEXT, &f, &n), 1);
    ck_assert_int_eq(f[0].severity, ONOMA_SEVERITY_WARNING);
    onoma_checker_free(&ck);
    ck = checker(t, ONOMA_CHECK_NO_NEAR, NULL);
    ck_assert_int_eq(run(ck, "Soleimanni", ONOMA_MARKUP_TEXT, &f, &n), 0);
    ck_assert_uint_eq(n, 0);
    onoma_checker_free(&ck);
    onoma_tables_close(&t);
}
END_TEST

static size_t cps(const char *s, uint32_t *out)
{
    size_t n = 0;
    for (; *s; s++)
        out[n++] = (unsigned char)*s;
    return n;
}

static unsigned cost(const char *a, const char *b)
{
    uint32_t x[64], y[64];
    size_t nx = cps(a, x), ny = cps(b, y);
    return onoma__near_cost(x, nx, y, ny);
}

/* Big texts scan for near misses in a second thread: the same findings. */
START_TEST(near_misses_big_text)
{
    onoma_tables *t = tables();
    onoma_checker *ck = checker(t, 0, NULL);
    const char unit[] = "Soleimanni met Qasem Suleimani and Soleimanni.\n";
    size_t ul = sizeof unit - 1, reps = (2u << 20) / ul + 1;
    char *big = malloc(ul * reps + 1);
    for (size_t i = 0; i < reps; i++)
        memcpy(big + i * ul, unit, ul);
    big[ul * reps] = 0;
    const onoma_finding *f;
    size_t n;
    onoma_error e;
    ck_assert_int_eq(onoma_check(ck, "big", big, ul * reps, ONOMA_MARKUP_TEXT, &f, &n, &e), (int)reps);
    ck_assert_uint_eq(n, 3 * reps);
    for (size_t i = 0; i < n; i++) {
        size_t r = i / 3, k = i % 3;
        ck_assert_uint_eq(f[i].line, r + 1);
        ck_assert_uint_eq(f[i].offset, r * ul + (k == 0 ? 0 : k == 1 ? 15 : 35));
        ck_assert_int_eq(f[i].kind, k == 1 ? ONOMA_FINDING_REWRITE : ONOMA_FINDING_NEAR);
        ck_assert_uint_eq(f[i].column, k == 0 ? 1 : k == 1 ? 16 : 36);
    }
    free(big);
    onoma_checker_free(&ck);
    onoma_tables_close(&t);
}
END_TEST

START_TEST(near_cost)
{
    ck_assert_uint_eq(cost("soleimani", "soleimani"), 0);
    ck_assert_uint_eq(cost("soleimanni", "soleimani"), 1); /* a doubled letter */
    ck_assert_uint_eq(cost("khatibzadah", "khatibzadeh"), 1); /* vowel for vowel */
    ck_assert_uint_eq(cost("kasem", "qasem"), 3);             /* the first letter */
    ck_assert_uint_eq(cost("american", "america"), 3);        /* a letter added at the end */
    ck_assert_uint_eq(cost("soliemani", "soleimani"), 1);     /* a transposition */
    ck_assert_uint_eq(cost("shamkani", "shamkhani"), 1);      /* h after a consonant */
    ck_assert_uint_eq(cost("clinton", "clifton"), 2);         /* any other letter */
    ck_assert_uint_eq(onoma__near_allowed(4, 9), 0);
    ck_assert_uint_eq(onoma__near_allowed(6, 9), 1);
    ck_assert_uint_eq(onoma__near_allowed(10, 9), 2);
}
END_TEST

START_TEST(near_index)
{
    onoma_tables *t = tables();
    onoma__near_index *ix = NULL;
    ck_assert_int_eq(onoma__near_build(t, 0, 0, &ix), 0);
    /* one-word canonical forms of 5 letters or more; the place Tehran has
       too few spellings to count as prominent */
    ck_assert_uint_eq(onoma__near_targets(ix), 3);
    uint32_t w[64];
    onoma__near_hit h;
    ck_assert_int_eq(onoma__near_edit_lookup(ix, w, cps("soleimanni", w), &h), 1);
    ck_assert_uint_eq(h.cost, 1);
    ck_assert_int_eq(onoma__near_edit_lookup(ix, w, cps("tehrann", w), &h), 0);
    ck_assert_int_eq(onoma__near_edit_lookup(ix, w, cps("zoleimani", w), &h), 0);
    onoma__near_free(&ix);
    ck_assert_int_eq(onoma__near_build(t, 0, 1, &ix), 0);
    ck_assert_uint_eq(onoma__near_targets(ix), 4);
    ck_assert_int_eq(onoma__near_edit_lookup(ix, w, cps("tehrann", w), &h), 1);
    onoma__near_free(&ix);
    onoma_tables_close(&t);
}
END_TEST

START_TEST(near_by_key)
{
    onoma_tables *t = tables();
    onoma__near_source src;
    ck_assert_int_eq(onoma__near_key_source(t, 0, 0, "/nonexistent/keys", &src), ONOMA_ENOENT);
    ck_assert_int_eq(onoma__near_key_source(t, 0, 0, ONOMA_SOURCE_DIR "/tables/keys", &src), 0);
    uint32_t w[64];
    onoma__near_hit h;
    /* four letters differ from Soleimani: too far for the edit index, the same key */
    ck_assert_int_eq(src.lookup(src.impl, w, cps("sulaymany", w), &h), 1);
    ck_assert_int_eq(h.via, ONOMA_NEAR_KEY);
    ck_assert_str_eq(onoma__lstr(&t->layers[h.layer], t->layers[h.layer].entries[h.entry].id), "P1/surname");
    /* the first letter may change within its class only */
    ck_assert_int_eq(src.lookup(src.impl, w, cps("ghasemi", w), &h), 1);
    ck_assert_int_eq(src.lookup(src.impl, w, cps("kasemy", w), &h), 1);
    ck_assert_int_eq(src.lookup(src.impl, w, cps("hasemi", w), &h), 0);
    /* places are not key targets; a shared key far in letters is no near miss */
    ck_assert_int_eq(src.lookup(src.impl, w, cps("tihrun", w), &h), 0);
    ck_assert_int_eq(src.lookup(src.impl, w, cps("slmnxxxxxi", w), &h), 0);
    src.free(src.impl);
    onoma_tables_close(&t);
}
END_TEST

/* ------------------------------------------------------------------ markup */

/* The skipped text of s as "[...]" marks over the prose, for comparisons. */
static char *marked(const char *s, int markup)
{
    onoma__ranges r = {0};
    ck_assert_int_eq(onoma__markup_ranges(s, strlen(s), markup, &r), 0);
    size_t n = strlen(s);
    char *out = malloc(n + 1);
    memcpy(out, s, n + 1);
    for (size_t i = 0; i < r.n; i++) {
        if (i)
            ck_assert_uint_gt(r.v[i].a, r.v[i - 1].b); /* sorted, merged */
        for (size_t k = r.v[i].a; k < r.v[i].b; k++)
            if (out[k] != '\n')
                out[k] = '#';
    }
    onoma__ranges_free(&r);
    return out;
}

#define ck_marked(s, markup, want)                                                                          \
    do {                                                                                                    \
        char *m_ = marked((s), (markup));                                                                   \
        ck_assert_str_eq(m_, (want));                                                                       \
        free(m_);                                                                                           \
    } while (0)

START_TEST(markup_markdown)
{
    ck_marked("a `b` c ``d ` e`` f", ONOMA_MARKUP_MARKDOWN, "a ### c ######### f");
    ck_marked("[t](http://x.org/a_(b)) <http://y> <b>z</b>", ONOMA_MARKUP_MARKDOWN,
              "[t]#################### ########## ###z####");
    ck_marked("x\n```py\ncode\n```\ny", ONOMA_MARKUP_MARKDOWN, "x\n#####\n####\n###\ny");
    ck_marked("p\n\n    code\n\nq", ONOMA_MARKUP_MARKDOWN, "p\n\n########\n\nq");
    ck_marked("- item\n\n    more\n", ONOMA_MARKUP_MARKDOWN, "- item\n\n    more\n");
    ck_marked("[ref]: http://x.org\nok", ONOMA_MARKUP_MARKDOWN, "[ref]:#############\nok");
    ck_marked("a &amp; b \\`c` www.x.org/p.", ONOMA_MARKUP_MARKDOWN, "a ##### b \\`c` ###########.");
    ck_marked("a\n<!-- onoma-ignore -->\nb\nc <!-- onoma-ignore -->\nd", ONOMA_MARKUP_MARKDOWN,
              "a\n#####################\n#\n#######################\nd");
    ck_marked("a\n<!-- onoma-disable -->\nb\n<!-- onoma-enable -->\nc", ONOMA_MARKUP_MARKDOWN,
              "a\n######################\n#\n#####################\nc");
    ck_marked("a\n<!-- onoma-disable -->\nb", ONOMA_MARKUP_MARKDOWN, "a\n######################\n#");
    ck_marked("unclosed ``` fence\n```\nx", ONOMA_MARKUP_MARKDOWN, "unclosed ``` fence\n###\n#");
}
END_TEST

START_TEST(markup_others)
{
    ck_marked("<p title='a>b'>T &eacute;</p><pre>x\ny</pre>z", ONOMA_MARKUP_HTML,
              "###############T ##################\n#######z");
    ck_marked("a <script>if (a<b) x</script> b", ONOMA_MARKUP_HTML, "a ########################### b");
    ck_marked("\\textbf{A} $x$ % c\n\\cite{k} B", ONOMA_MARKUP_TEX, "#######{A} ### ###\n######## B");
    ck_marked("\\begin{verbatim}\nA\n\\end{verbatim}\nB", ONOMA_MARKUP_TEX, "################\n#\n##############\nB");
    ck_marked("A ``x`` :code:`y` :emph:`z` `t <http://u>`_", ONOMA_MARKUP_RST,
              "A ##### ######### ######`z` `t ##########`_");
    ck_marked("Para::\n\n    lit\n\nB", ONOMA_MARKUP_RST, "Para::\n\n#######\n\nB");
    ck_marked(".. comment\n   more\nC", ONOMA_MARKUP_RST, "##########\n#######\nC");
    /* plain text: directives only (URLs are asked about finding by finding) */
    ck_marked("x # onoma-ignore\ny\n// onoma-ignore\nz", ONOMA_MARKUP_TEXT,
              "################\ny\n// onoma-ignore\n#");
    const char *u = "see https://x.org/Suleimani, or a@b.org.";
    ck_assert(onoma__text_in_url(u, strlen(u), 18, 27));
    ck_assert(!onoma__text_in_url(u, strlen(u), 0, 3));
    ck_assert(onoma__text_in_url(u, strlen(u), 33, 34));
    ck_assert_int_eq(onoma_markup_for_path("a/b.MD"), ONOMA_MARKUP_MARKDOWN);
    ck_assert_int_eq(onoma_markup_for_path("x.tex"), ONOMA_MARKUP_TEX);
    ck_assert_int_eq(onoma_markup_for_path(".md"), ONOMA_MARKUP_TEXT);
    ck_assert_int_eq(onoma_markup_from_name("restructuredtext"), ONOMA_MARKUP_RST);
    ck_assert_int_eq(onoma_markup_from_name("cobol"), -1);
    ck_assert_str_eq(onoma_markup_name(ONOMA_MARKUP_HTML), "html");
}
END_TEST

/* ------------------------------------------------------------------ config */

START_TEST(config_parse)
{
    const char *cfg = "# c\nroot = true\nstyle= ap\ntables = a.tsv, /abs/b.onb\nignore = Teheran, Abu Mahdi\n"
                      "fuzzy = yes\nmarkup = md\nfrobnicate = 1\n";
    onoma__settings s;
    onoma__settings_init(&s);
    onoma_error e;
    ck_assert_int_eq(onoma__config_parse("/p/.onoma", "/p", cfg, strlen(cfg), &s, NULL, NULL, &e), 0);
    ck_assert_int_eq(s.root, 1);
    ck_assert_str_eq(s.style, "ap");
    ck_assert_uint_eq(s.tables.n, 2);
    ck_assert_str_eq(s.tables.v[0], "/p/a.tsv");
    ck_assert_str_eq(s.tables.v[1], "/abs/b.onb");
    ck_assert_uint_eq(s.ignore.n, 2);
    ck_assert_str_eq(s.ignore.v[1], "Abu Mahdi");
    ck_assert_int_eq(s.fuzzy, 1);
    ck_assert_int_eq(s.markup, ONOMA_MARKUP_MARKDOWN);
    onoma__settings_free(&s);
    const char *bad = "style = ap\nfuzzy = maybe\n";
    ck_assert_int_eq(onoma__config_parse("/p/.onoma", "/p", bad, strlen(bad), &s, NULL, NULL, &e), ONOMA_EINVAL);
    ck_assert_uint_eq(e.line, 2);
    onoma__settings_free(&s);
    const char *noeq = "style ap\n";
    ck_assert_int_eq(onoma__config_parse("/p/.onoma", "/p", noeq, strlen(noeq), &s, NULL, NULL, &e), ONOMA_EINVAL);
    onoma__settings_free(&s);
}
END_TEST

START_TEST(config_globs_and_paths)
{
    onoma__glob g1 = {"*.md", "/p"}, g2 = {"docs/*.txt", "/p"}, g3 = {"vendor/", "/p"}, g4 = {"/a/**", "/p"};
    ck_assert(onoma__glob_match(&g1, "/p/x/y.md", 0));
    ck_assert(!onoma__glob_match(&g1, "/p/x/y.txt", 0));
    ck_assert(onoma__glob_match(&g2, "/p/docs/sub/z.txt", 0)); /* '*' crosses folders */
    ck_assert(!onoma__glob_match(&g2, "/q/docs/z.txt", 0));
    ck_assert(onoma__glob_match(&g3, "/p/x/vendor", 1));
    ck_assert(!onoma__glob_match(&g3, "/p/x/vendor", 0));
    ck_assert(onoma__glob_match(&g4, "/p/a/b/c", 0));
    char *a = onoma__abs_path("/x/./y/../z//w/");
    ck_assert_str_eq(a, "/x/z/w");
    free(a);
    a = onoma__abs_path("/..");
    ck_assert_str_eq(a, "/");
    free(a);
    onoma__settings s;
    onoma__settings_init(&s);
    ck_assert(onoma__settings_included(&s, "/p/a.rst"));
    ck_assert(!onoma__settings_included(&s, "/p/a.c"));
    onoma__settings_free(&s);
}
END_TEST

START_TEST(config_walk_up)
{
    char dir[] = "/tmp/onoma-cfg-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[512], sub[256], file[512];
    snprintf(sub, sizeof sub, "%s/a/b", dir);
    snprintf(path, sizeof path, "%s/a", dir);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    ck_assert_int_eq(mkdir(sub, 0755), 0);
    snprintf(path, sizeof path, "%s/.onoma", dir);
    FILE *f = fopen(path, "w");
    fputs("root = true\nstyle = ap\nignore = X\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/.onoma", sub);
    f = fopen(path, "w");
    fputs("ignore = Y\nfuzzy = true\n", f);
    fclose(f);
    snprintf(file, sizeof file, "%s/doc.md", sub);
    onoma__settings cli;
    onoma__settings_init(&cli);
    cli.fuzzy = 0; /* the command line wins */
    onoma__strv_add(&cli.ignore, "Z", 1);
    onoma__project *p;
    onoma_error e;
    ck_assert_int_eq(onoma__project_new(&cli, 1, NULL, NULL, &p, &e), 0);
    const onoma__settings *s;
    ck_assert_int_eq(onoma__project_settings(p, file, &s, &e), 0);
    ck_assert_str_eq(s->style, "ap");
    ck_assert_uint_eq(s->ignore.n, 3);
    ck_assert_str_eq(s->ignore.v[0], "X");
    ck_assert_str_eq(s->ignore.v[1], "Y");
    ck_assert_str_eq(s->ignore.v[2], "Z");
    ck_assert_int_eq(s->fuzzy, 0);
    ck_assert_uint_eq(s->files.n, 2);
    const onoma__settings *s2;
    ck_assert_int_eq(onoma__project_settings(p, file, &s2, &e), 0);
    ck_assert_ptr_eq(s, s2); /* cached */
    onoma__project_free(&p);
    onoma__settings_free(&cli);
    unlink(path);
    snprintf(path, sizeof path, "%s/.onoma", dir);
    unlink(path);
    rmdir(sub);
    snprintf(path, sizeof path, "%s/a", dir);
    rmdir(path);
    rmdir(dir);
}
END_TEST

/* -------------------------------------------------------------------- JSON */

static int parses(const char *s)
{
    onoma__json_doc d;
    onoma_error e;
    int rc = onoma__json_parse(s, strlen(s), &d, &e);
    if (!rc)
        onoma__json_doc_free(&d);
    return rc == 0;
}

START_TEST(json_reader)
{
    const char *s = "{\"a\": [1, -2.5e3, true, false, null, \"x\\u00e9\\ud83d\\ude00\\n\"], \"b\": {\"c\": 9007199254740993}}";
    onoma__json_doc d;
    onoma_error e;
    ck_assert_int_eq(onoma__json_parse(s, strlen(s), &d, &e), 0);
    const onoma__json *a = onoma__json_get(d.root, "a");
    ck_assert(onoma__json_is(a, ONOMA__JSON_ARRAY));
    ck_assert_uint_eq(a->len, 6);
    int64_t i;
    ck_assert_int_eq(onoma__json_int(a->items[0], &i), 0);
    ck_assert_int_eq(i, 1);
    ck_assert_int_eq(onoma__json_int(a->items[1], &i), -1);
    ck_assert(a->items[1]->num == -2500.0);
    ck_assert(a->items[2]->b && !a->items[3]->b && a->items[4]->type == ONOMA__JSON_NULL);
    size_t n;
    const char *str = onoma__json_str(a->items[5], &n);
    ck_assert_str_eq(str, "x\xC3\xA9\xF0\x9F\x98\x80\n");
    static const char *const path[] = {"b", "c"};
    ck_assert_int_eq(onoma__json_int(onoma__json_path(d.root, path, 2), &i), 0);
    ck_assert_int_eq(i, 9007199254740993LL); /* integers stay exact */
    ck_assert_ptr_null(onoma__json_get(d.root, "zz"));
    onoma__buf b = {0};
    onoma__json_put_value(&b, d.root);
    onoma__buf_putc(&b, 0);
    ck_assert_str_eq(b.data, "{\"a\":[1,-2500,true,false,null,\"x\xC3\xA9\xF0\x9F\x98\x80\\n\"],\"b\":{\"c\":9007199254740993}}");
    onoma__buf_free(&b);
    onoma__json_doc_free(&d);
    ck_assert(parses("0"));
    ck_assert(parses(" \"\" "));
    ck_assert(parses("[[],{}]"));
    /* strictness */
    ck_assert(!parses(""));
    ck_assert(!parses("[1,]"));
    ck_assert(!parses("{\"a\":1,}"));
    ck_assert(!parses("01"));
    ck_assert(!parses("1."));
    ck_assert(!parses("+1"));
    ck_assert(!parses("[1] x"));
    ck_assert(!parses("\"\\ud800\""));
    ck_assert(!parses("\"\\udc00\""));
    ck_assert(!parses("\"a\tb\""));
    ck_assert(!parses("\"\xC3(\""));
    ck_assert(!parses("\"\\x\""));
    ck_assert(!parses("{\"a\":1,\"a\":2}"));
    ck_assert(!parses("tru"));
    ck_assert(!parses("// c\n1"));
    char deep[600];
    memset(deep, '[', 300);
    memset(deep + 300, ']', 300);
    deep[599] = 0;
    deep[299] = '1';
    deep[300] = ']';
    ck_assert(!parses(deep));
    ck_assert_int_eq(onoma__json_parse("[1,", 3, &d, &e), ONOMA_EINVAL);
    ck_assert_uint_eq(e.offset, 3);
}
END_TEST

START_TEST(json_writer)
{
    onoma__buf b = {0};
    onoma__json_put_str(&b, "a\"b\\c\x01\x7f\xC3\xA9", 9);
    onoma__buf_putc(&b, 0);
    ck_assert_str_eq(b.data, "\"a\\\"b\\\\c\\u0001\\u007f\xC3\xA9\"");
    onoma__buf_free(&b);
}
END_TEST

/* --------------------------------------------------------------------- LSP */

START_TEST(lsp_encodings)
{
    const char *s = "a\xC3\xA9\xF0\x9D\x94\x98z"; /* a é 𝔘 z */
    size_t n = strlen(s);
    ck_assert_uint_eq(onoma__lsp_units(s, n, ONOMA__ENC_UTF8), 8);
    ck_assert_uint_eq(onoma__lsp_units(s, n, ONOMA__ENC_UTF16), 5);
    ck_assert_uint_eq(onoma__lsp_units(s, n, ONOMA__ENC_UTF32), 4);
    ck_assert_uint_eq(onoma__lsp_advance(s, n, 2, ONOMA__ENC_UTF16), 3);
    ck_assert_uint_eq(onoma__lsp_advance(s, n, 4, ONOMA__ENC_UTF16), 7);
    ck_assert_uint_eq(onoma__lsp_advance(s, n, 3, ONOMA__ENC_UTF16), 3); /* inside the pair: its start */
    ck_assert_uint_eq(onoma__lsp_advance(s, n, 3, ONOMA__ENC_UTF32), 7);
    ck_assert_uint_eq(onoma__lsp_advance(s, n, 2, ONOMA__ENC_UTF8), 1); /* inside é: its start */
    ck_assert_uint_eq(onoma__lsp_advance(s, n, 99, ONOMA__ENC_UTF16), n);
}
END_TEST

typedef struct sent {
    onoma__buf all;
    int count;
} sent;

static int capture(void *ctx, const char *body, size_t len)
{
    sent *s = ctx;
    s->count++;
    onoma__buf_put(&s->all, body, len);
    return onoma__buf_putc(&s->all, '\n');
}

static int handle(onoma__lsp *srv, const char *msg)
{
    int code = -1;
    int rc = onoma__lsp_handle(srv, msg, strlen(msg), &code);
    ck_assert_int_ge(rc, 0);
    if (!rc && onoma__lsp_pending(srv))
        ck_assert_int_eq(onoma__lsp_idle(srv), 0);
    return rc ? code : -1;
}

START_TEST(lsp_protocol)
{
    const char *tsv = tmp_file(table_tsv, strlen(table_tsv), ".tsv");
    const char *tabs[] = {tsv};
    onoma__lsp_options o = {NULL, tabs, 1, 1, 0};
    sent out = {{0}, 0};
    onoma__lsp *srv;
    onoma_error e;
    ck_assert_int_eq(onoma__lsp_new(&o, capture, &out, &srv, &e), 0);
    handle(srv, "{\"jsonrpc\":\"2.0\",\"id\":\"s1\",\"method\":\"initialize\",\"params\":{\"capabilities\":"
                "{\"general\":{\"positionEncodings\":[\"utf-32\",\"utf-16\"]}}}}");
    onoma__buf_putc(&out.all, 0);
    ck_assert_ptr_nonnull(strstr(out.all.data, "\"id\":\"s1\""));
    ck_assert_ptr_nonnull(strstr(out.all.data, "\"positionEncoding\":\"utf-32\""));
    out.all.len = 0;
    handle(srv, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":"
                "{\"uri\":\"untitled:1\",\"languageId\":\"plaintext\",\"version\":4,\"text\":\"\xF0\x9D\x94\x98 Teheran\"}}}");
    onoma__buf_putc(&out.all, 0);
    ck_assert_ptr_nonnull(strstr(out.all.data, "\"version\":4"));
    /* UTF-32: the astral letter is one unit */
    ck_assert_ptr_nonnull(strstr(out.all.data, "\"start\":{\"line\":0,\"character\":2},\"end\":{\"line\":0,\"character\":9}"));
    out.all.len = 0;
    handle(srv, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"textDocument/codeAction\",\"params\":{\"textDocument\":"
                "{\"uri\":\"untitled:1\"},\"range\":{\"start\":{\"line\":0,\"character\":3},\"end\":{\"line\":0,"
                "\"character\":3}},\"context\":{\"diagnostics\":[]}}}");
    onoma__buf_putc(&out.all, 0);
    ck_assert_ptr_nonnull(strstr(out.all.data, "\"newText\":\"Tehran\""));
    ck_assert_ptr_nonnull(strstr(out.all.data, "source.fixAll.onoma"));
    ck_assert_int_eq(handle(srv, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"shutdown\"}"), -1);
    ck_assert_int_eq(handle(srv, "{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}"), 0);
    onoma__lsp_free(&srv);
    onoma__buf_free(&out.all);
    unlink(tsv);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("check");
    TCase *c = tcase_create("check");
    tcase_add_test(c, findings_positions);
    tcase_add_test(c, style_and_ambiguity);
    tcase_add_test(c, options_checked);
    tcase_add_test(c, bad_text);
    tcase_add_test(c, ignore_list);
    tcase_add_test(c, markup_masks_without_moving);
    tcase_add_test(c, apply_equals_normalize);
    tcase_add_test(c, near_misses);
    tcase_add_test(c, near_misses_big_text);
    tcase_add_test(c, near_cost);
    tcase_add_test(c, near_index);
    tcase_add_test(c, near_by_key);
    suite_add_tcase(s, c);
    TCase *m = tcase_create("markup");
    tcase_add_test(m, markup_markdown);
    tcase_add_test(m, markup_others);
    suite_add_tcase(s, m);
    TCase *g = tcase_create("config");
    tcase_add_test(g, config_parse);
    tcase_add_test(g, config_globs_and_paths);
    tcase_add_test(g, config_walk_up);
    suite_add_tcase(s, g);
    TCase *j = tcase_create("json");
    tcase_add_test(j, json_reader);
    tcase_add_test(j, json_writer);
    suite_add_tcase(s, j);
    TCase *l = tcase_create("lsp");
    tcase_add_test(l, lsp_encodings);
    tcase_add_test(l, lsp_protocol);
    suite_add_tcase(s, l);
    return s;
}

int main(void) { return onoma_test_main(suite()); }
