/* onoma_translit: the scheme files' test cases, word-by-word output equal
 * to whole lines, residue, ZWNJ, digits, Urdu letters, --lang auto, ASCII,
 * invalid input, streaming, threads, user schemes. */
#include <dirent.h>
#include <fcntl.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>

#include "common/buf.h"
#include "runner.h"
#include "util.h"

#define SCHEMES ONOMA_SOURCE_DIR "/tables/translit"

static onoma_translit_options base_opt(void)
{
    onoma_translit_options o;
    memset(&o, 0, sizeof o);
    o.flags = ONOMA_TRANSLIT_NO_DEFAULT_SCHEMES;
    o.scheme_path = SCHEMES;
    return o;
}

/* Transliterate s; a malloc'd string. */
static char *tl(const onoma_translit_options *o, const char *s)
{
    char *out = NULL;
    size_t n;
    onoma_error e;
    int rc = onoma_translit_string(o, s, strlen(s), &out, &n, &e);
    ck_assert_msg(rc == 0, "translit '%s': %s (%s)", s, e.message, onoma_err_name(rc));
    ck_assert_uint_eq(strlen(out), n);
    return out;
}

static char *tl_with(const char *scheme, const char *lang, unsigned flags, const char *s)
{
    onoma_translit_options o = base_opt();
    o.scheme = scheme;
    o.lang = lang;
    o.flags |= flags;
    return tl(&o, s);
}

#define ck_tl(scheme, lang, flags, in, want)                                                                \
    do {                                                                                                    \
        char *got_ = tl_with((scheme), (lang), (flags), (in));                                              \
        ck_assert_str_eq(got_, (want));                                                                     \
        free(got_);                                                                                         \
    } while (0)

static char *nfc(const char *s)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = (int32_t)strlen(s);
    UChar *u = malloc(((size_t)n + 1) * sizeof *u), *v = malloc(((size_t)n * 3 + 8) * sizeof *v);
    int32_t ul, vl;
    u_strFromUTF8(u, n + 1, &ul, s, n, &st);
    vl = unorm2_normalize(unorm2_getNFCInstance(&st), u, ul, v, n * 3 + 8, &st);
    ck_assert_msg(U_SUCCESS(st), "NFC: %s", u_errorName(st));
    char *o = malloc((size_t)vl * 4 + 1);
    u_strToUTF8(o, vl * 4 + 1, NULL, v, vl, &st);
    free(u);
    free(v);
    return o;
}

/* ------------------------------------------------- the schemes' cases */

typedef struct tcase {
    char *src, *want;
} tcase;

/* The cases of tests/data/translit/NAME (source<TAB>expected, '|' between
 * alternatives); returns the count. */
static size_t read_cases(const char *path, tcase **out)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char *line = NULL;
    size_t cap = 0, n = 0, ncap = 0;
    ssize_t len;
    *out = NULL;
    while ((len = getline(&line, &cap, f)) >= 0) {
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = 0;
        if (!len || line[0] == '#')
            continue;
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = 0;
        if (n == ncap) {
            ncap = ncap ? ncap * 2 : 64;
            *out = realloc(*out, ncap * sizeof **out);
        }
        (*out)[n].src = strdup(line);
        (*out)[n].want = strdup(tab + 1);
        n++;
    }
    free(line);
    fclose(f);
    return n;
}

static int matches(const char *got, const char *alts)
{
    char *g = nfc(got), *a = strdup(alts);
    int ok = 0;
    for (char *save = NULL, *t = strtok_r(a, "|", &save); t && !ok; t = strtok_r(NULL, "|", &save)) {
        char *w = nfc(t);
        ok = strcmp(g, w) == 0;
        free(w);
    }
    free(g);
    free(a);
    return ok;
}

/* The scheme id a case file is for: its name, or its name after "xx-". */
static int scheme_of_file(const char *file, char *id, size_t cap)
{
    onoma_translit_options o = base_opt();
    snprintf(id, cap, "%.*s", (int)(strlen(file) - 4), file);
    for (int k = 0; k < 2; k++) {
        o.scheme = id;
        onoma_translit *tr = NULL;
        onoma_error e;
        if (onoma_translit_new(&o, &tr, &e) == 0) {
            onoma_translit_free(&tr);
            return 1;
        }
        char *dash = strchr(id, '-');
        if (!dash)
            return 0;
        memmove(id, dash + 1, strlen(dash + 1) + 1);
    }
    return 0;
}

START_TEST(scheme_cases)
{
    DIR *d = opendir(ONOMA_TEST_DATA "/translit");
    ck_assert_ptr_nonnull(d);
    struct dirent *de;
    size_t files = 0, cases = 0;
    while ((de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);
        if (l < 5 || strcmp(de->d_name + l - 4, ".tsv") != 0)
            continue;
        char id[256];
        ck_assert_msg(scheme_of_file(de->d_name, id, sizeof id), "no scheme for %s", de->d_name);
        char path[1024];
        snprintf(path, sizeof path, "%s/translit/%s", ONOMA_TEST_DATA, de->d_name);
        tcase *tc;
        size_t n = read_cases(path, &tc);
        ck_assert_msg(n > 0, "%s: no cases", de->d_name);
        /* one line per case, all at once: the word cache is shared by the lines */
        size_t total = 0;
        for (size_t i = 0; i < n; i++)
            total += strlen(tc[i].src) + 1;
        char *all = malloc(total + 1), *p = all;
        for (size_t i = 0; i < n; i++)
            p += sprintf(p, "%s\n", tc[i].src);
        /* the rule files against their standards' examples: without the lexicon */
        char *got = tl_with(id, NULL, ONOMA_TRANSLIT_NO_LEXICON, all);
        char *line = got;
        for (size_t i = 0; i < n; i++) {
            char *nl = strchr(line, '\n');
            ck_assert_msg(nl != NULL, "%s: output has fewer lines than cases", id);
            *nl = 0;
            ck_assert_msg(matches(line, tc[i].want), "%s: '%s' -> '%s', want '%s'", id, tc[i].src, line,
                          tc[i].want);
            /* and alone */
            char *one = tl_with(id, NULL, ONOMA_TRANSLIT_NO_LEXICON, tc[i].src);
            ck_assert_msg(matches(one, tc[i].want), "%s alone: '%s' -> '%s', want '%s'", id, tc[i].src, one,
                          tc[i].want);
            free(one);
            line = nl + 1;
            free(tc[i].src);
            free(tc[i].want);
        }
        free(got);
        free(all);
        free(tc);
        files++;
        cases += n;
    }
    closedir(d);
    ck_assert_uint_ge(files, 27);
    ck_assert_uint_ge(cases, 700);
}
END_TEST

/* Word-by-word output is the output of whole lines: every scheme, on lines
 * made of its cases' sources (neighbours of every kind), and on the
 * cross-word rules of the Arabic-script schemes. */
START_TEST(words_equal_lines)
{
    static const char *const extra[] = {
        "ثمة أوجه تشابه", "مرة أن عليهم", "فی الکتاب", "ذو الفقار", "ابو القاسم", "في المدينة المنورة",
        "كُوهِ مَرغُوب", "پَايِ آب", "جَلال آبَاد", "اسلام آباد", "جلال  آباد", "رحلة ابن جبير", "قال للحشد الذي",
        "x الكتاب", "«المدينة» الكبيرة", "كتاب، الولد", "\xD9\x80الكتاب الكبير", "كتاب\xE2\x80\x8C الولد",
        "ﺍﻟﺴﻼﻡ عليكم", "على الأرض ومن عليها", "إلى البيت", "مع الناس"};
    DIR *d = opendir(ONOMA_TEST_DATA "/translit");
    ck_assert_ptr_nonnull(d);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);
        if (l < 5 || strcmp(de->d_name + l - 4, ".tsv") != 0)
            continue;
        char id[256], path[1024];
        ck_assert(scheme_of_file(de->d_name, id, sizeof id));
        snprintf(path, sizeof path, "%s/translit/%s", ONOMA_TEST_DATA, de->d_name);
        tcase *tc;
        size_t n = read_cases(path, &tc);
        size_t cap = 1 << 16, len = 0;
        char *text = malloc(cap);
        text[0] = 0;
        for (size_t i = 0; i < n; i++) {
            /* pairs and triples of sources on a line, and the extra phrases */
            const char *a = tc[i].src, *b = tc[(i + 1) % n].src, *c = tc[(i + 7) % n].src;
            const char *x = extra[i % (sizeof extra / sizeof *extra)];
            size_t need = strlen(a) + strlen(b) + strlen(c) + strlen(x) * 2 + 16;
            if (len + need >= cap)
                text = realloc(text, cap = 2 * (cap + need));
            len += (size_t)sprintf(text + len, "%s %s  %s\n%s %s\t%s\n", a, b, x, c, x, a);
        }
        for (size_t i = 0; i < n; i++) {
            free(tc[i].src);
            free(tc[i].want);
        }
        free(tc);
        char *words = tl_with(id, NULL, 0, text);
        char *lines = tl_with(id, NULL, ONOMA_TRANSLIT_NO_CACHE, text);
        if (strcmp(words, lines) != 0) {
            char *w = words, *li = lines;
            while (*w && *w == *li)
                w++, li++;
            ck_abort_msg("%s: words and lines differ at byte %zu: '%.60s' vs '%.60s'", id, (size_t)(w - words), w,
                         li);
        }
        free(words);
        free(lines);
        free(text);
    }
    closedir(d);
}
END_TEST

/* ------------------------------------------------------------ residue */

static int script_of(uint32_t cp)
{
    UErrorCode st = U_ZERO_ERROR;
    return (int)uscript_getScript((UChar32)cp, &st);
}

/* No letter of the script left: every letter of the script's blocks, as
 * words of their own and inside words. */
static void check_residue(const char *lang, UScriptCode sc, const uint32_t ranges[][2], size_t nr)
{
    char *text = malloc(1 << 20), *p = text;
    for (size_t r = 0; r < nr; r++)
        for (uint32_t cp = ranges[r][0]; cp <= ranges[r][1]; cp++) {
            if (!u_isalpha((UChar32)cp) || script_of(cp) != (int)sc)
                continue;
            char enc[4];
            int l = 0;
            /* alone, after a letter, before a letter */
            UChar32 base = sc == USCRIPT_ARABIC ? 0x628 : sc == USCRIPT_CYRILLIC ? 0x43E : sc == USCRIPT_GREEK ? 0x3BF : 0x5D1;
            U8_APPEND_UNSAFE(enc, l, cp);
            char b[4];
            int bl = 0;
            U8_APPEND_UNSAFE(b, bl, base);
            p += sprintf(p, "%.*s %.*s%.*s %.*s%.*s%.*s\n", l, enc, bl, b, l, enc, bl, b, l, enc, bl, b);
        }
    *p = 0;
    char *out = tl_with(NULL, lang, 0, text);
    int32_t i = 0, n = (int32_t)strlen(out);
    while (i < n) {
        UChar32 c;
        U8_NEXT(out, i, n, c);
        ck_assert_msg(c >= 0, "%s: invalid UTF-8 out", lang);
        ck_assert_msg(!(u_isalpha(c) && script_of((uint32_t)c) == (int)sc), "%s: U+%04X left in the output", lang,
                      (unsigned)c);
    }
    free(out);
    free(text);
}

START_TEST(residue)
{
    static const uint32_t arab[][2] = {{0x600, 0x6FF}, {0x750, 0x77F}, {0x870, 0x8FF}, {0xFB50, 0xFDFF}, {0xFE70, 0xFEFF}};
    static const uint32_t cyrl[][2] = {{0x400, 0x52F}, {0x1C80, 0x1C8F}, {0xA640, 0xA69F}};
    static const uint32_t grek[][2] = {{0x370, 0x3FF}, {0x1F00, 0x1FFF}};
    static const uint32_t hebr[][2] = {{0x591, 0x5FF}, {0xFB1D, 0xFB4F}};
    static const char *const arab_l[] = {"ar", "fa", "prs", "ps", "ur"};
    static const char *const cyrl_l[] = {"ru", "uk", "be", "bg", "sr", "mk"};
    for (size_t i = 0; i < 5; i++)
        check_residue(arab_l[i], USCRIPT_ARABIC, arab, 5);
    for (size_t i = 0; i < 6; i++)
        check_residue(cyrl_l[i], USCRIPT_CYRILLIC, cyrl, 3);
    check_residue("el", USCRIPT_GREEK, grek, 2);
    check_residue("he", USCRIPT_HEBREW, hebr, 2);
    check_residue(NULL, USCRIPT_ARABIC, arab, 5); /* auto */
}
END_TEST

/* ------------------------------------------------- Arabic-script text */

START_TEST(zwnj_digits_letters)
{
    /* ZWNJ joins the parts of a word and leaves no trace */
    ck_tl(NULL, "fa", 0, "می\u200Cخواهم کتاب\u200Cها", "Mīkhvāhm Ktābhā");
    /* Arabic-Indic and Persian digits */
    ck_tl(NULL, "fa", 0, "۱۴۰۰ و ١٢٣", "1400 va 123");
    ck_tl(NULL, "ar", 0, "عام ٢٠٢٠", "‘Ām 2020");
    /* letter variants: Arabic yeh/kaf in Persian text, tatweel, harakat */
    char *a = tl_with(NULL, "fa", 0, "كتاب");
    char *b = tl_with(NULL, "fa", 0, "کتاب");
    char *c = tl_with(NULL, "fa", 0, "کتــاب");
    ck_assert_str_eq(a, b);
    ck_assert_str_eq(b, c);
    free(a);
    free(b);
    free(c);
    /* Urdu letters */
    ck_tl(NULL, "ur", 0, "ٹرین ڈاکٹر بڑا کہاں", "Ṭren Ḍākṭr Bṛā Khāñ");
    /* unpointed text: long vowels from the letters, short vowels of
     * frequent names from the lexicon (in each scheme's own letters) */
    ck_tl(NULL, "fa", ONOMA_TRANSLIT_NO_LEXICON, "قاسم سلیمانی", "Qāsm Slīmānī");
    ck_tl(NULL, "fa", 0, "قاسم سلیمانی", "Qāsem Slīmānī");
    ck_tl(NULL, "ar", 0, "قاسم", "Qāsim");
    ck_tl("alalc", "ar", 0, "محمد «محمد»", "muḥammad «muḥammad»");
    /* علي (Ali) is in the lexicon; على (on) is not one with it */
    ck_tl(NULL, "ar", 0, "علي على", "‘Alī ‘lá");
    /* frequent words of the language first */
    ck_tl(NULL, "fa", 0, "در کشور", "Dar Keshvar");
    ck_tl(NULL, "ar", 0, "كان", "Kāna");
    ck_tl(NULL, "fa", ONOMA_TRANSLIT_NO_LEXICON, "در کشور", "Dr Kshūr");
    /* a pointed word is read as it is written */
    ck_tl(NULL, "ar", 0, "مُحَمِّد", "Muḩammid");
}
END_TEST

START_TEST(detect)
{
    ck_assert_str_eq(onoma_translit_detect("کتاب پدر", strlen("کتاب پدر")), "fa");
    ck_assert_str_eq(onoma_translit_detect("كتاب المدينة", strlen("كتاب المدينة")), "ar");
    ck_assert_str_eq(onoma_translit_detect("ڈاکٹر کہاں ہے", strlen("ڈاکٹر کہاں ہے")), "ur");
    ck_assert_str_eq(onoma_translit_detect("ښار ته ځي", strlen("ښار ته ځي")), "ps");
    ck_assert_str_eq(onoma_translit_detect("Київ і Львів", strlen("Київ і Львів")), "uk");
    ck_assert_str_eq(onoma_translit_detect("Мінск і Гродна ўсё", strlen("Мінск і Гродна ўсё")), "be");
    ck_assert_str_eq(onoma_translit_detect("Съединение и път", strlen("Съединение и път")), "bg");
    ck_assert_str_eq(onoma_translit_detect("Выборы в Москве", strlen("Выборы в Москве")), "ru");
    ck_assert_str_eq(onoma_translit_detect("Καλημέρα", strlen("Καλημέρα")), "el");
    ck_assert_str_eq(onoma_translit_detect("שלום", strlen("שלום")), "he");
    ck_assert_ptr_null(onoma_translit_detect("plain text", 10));
    /* auto: per line */
    ck_tl(NULL, NULL, 0, "Київ\nМосква\nکتاب پدر\n", "Kyiv\nMoskva\nKtāb Pdr\n");
    ck_tl(NULL, "auto", 0, "Пътят към България", "Patyat kam Bulgaria");
}
END_TEST

START_TEST(short_names_and_ids)
{
    /* a short name takes the language's scheme; an id decides itself */
    ck_tl("alalc", "ru", 0, "Щукин", "Shchukin");
    ck_tl("bgnpcgn-rus-Cyrl-Latn-1947", NULL, 0, "Щукин", "Shchukin");
    ck_tl("ru-gost779a", NULL, 0, "Щукин", "Ŝukin");
    ck_tl("iso9", "uk", 0, "Київ", "Kiïv");
    ck_tl("national", "uk", 0, "Київ", "Kyiv");
    ck_tl("icu:Any-Latin", NULL, 0, "Москва", "Moskva");
    onoma_translit_options o = base_opt();
    onoma_translit *tr = NULL;
    onoma_error e;
    o.scheme = "nosuch";
    ck_assert_int_eq(onoma_translit_new(&o, &tr, &e), ONOMA_ESCHEME);
    o.scheme = "alalc";
    o.lang = "bg";
    ck_assert_int_eq(onoma_translit_new(&o, &tr, &e), ONOMA_ESCHEME);
    o.scheme = "icu:No-Such-Transform";
    o.lang = NULL;
    ck_assert_int_eq(onoma_translit_new(&o, &tr, &e), ONOMA_ESCHEME);
    o.scheme = NULL;
    o.lang = "xx";
    ck_assert_int_eq(onoma_translit_new(&o, &tr, &e), ONOMA_ESCHEME);
    o.lang = NULL;
    o.flags |= 1u << 30;
    ck_assert_int_eq(onoma_translit_new(&o, &tr, &e), ONOMA_EFLAGS);
    ck_assert_ptr_null(tr);
    /* English text: nothing to do, but other scripts in it are */
    ck_tl(NULL, "en", 0, "Hello, Путин!", "Hello, Putin!");
}
END_TEST

/* ----------------------------------------------------------- options */

START_TEST(ascii)
{
    ck_tl(NULL, "ar", ONOMA_TRANSLIT_ASCII, "عبد الله", "'Abd Allah");
    ck_tl(NULL, NULL, ONOMA_TRANSLIT_ASCII, "Qāsem ‘Abbās ş z̧ “x” 東京", "Qasem 'Abbas s z \"x\" dong jing");
    char *out = tl_with(NULL, NULL, ONOMA_TRANSLIT_ASCII, "مُحافظة دِمَشق Щёкино Ἀθῆναι ☃ x");
    for (const char *p = out; *p; p++)
        ck_assert_msg((unsigned char)*p < 0x80 && *p != '?', "not plain ASCII: %s", out);
    free(out);
    /* --any: other scripts through Any-Latin; without it they stay */
    ck_tl(NULL, NULL, ONOMA_TRANSLIT_ANY, "ნინო", "nino");
    ck_tl(NULL, NULL, 0, "ნინო", "ნინო");
}
END_TEST

START_TEST(invalid_input)
{
    onoma_translit_options o = base_opt();
    o.lang = "fa";
    char *out = NULL;
    size_t n;
    onoma_error e;
    const char bad[] = "کتاب\nab\xFF" "cd\n";
    ck_assert_int_eq(onoma_translit_string(&o, bad, sizeof bad - 1, &out, &n, &e), ONOMA_EUTF8);
    ck_assert_uint_eq(e.offset, strlen("کتاب\nab"));
    ck_assert_uint_eq(e.line, 2);
    ck_assert_uint_eq(e.column, 3);
    ck_assert_ptr_null(out);
    const char nul[] = "ab\0cd";
    ck_assert_int_eq(onoma_translit_string(&o, nul, sizeof nul - 1, &out, &n, &e), ONOMA_ENUL);
    ck_assert_uint_eq(e.offset, 2);
    o.flags |= ONOMA_TRANSLIT_INVALID_REPLACE;
    ck_assert_int_eq(onoma_translit_string(&o, bad, sizeof bad - 1, &out, &n, &e), 0);
    ck_assert_str_eq(out, "Ktāb\nab\xEF\xBF\xBD" "cd\n");
    free(out);
    o.flags ^= ONOMA_TRANSLIT_INVALID_REPLACE | ONOMA_TRANSLIT_INVALID_KEEP;
    ck_assert_int_eq(onoma_translit_string(&o, bad, sizeof bad - 1, &out, &n, &e), 0);
    ck_assert_uint_eq(n, strlen("Ktāb\nab\xFF" "cd\n"));
    ck_assert_int_eq(memcmp(out, "Ktāb\nab\xFF" "cd\n", n), 0);
    free(out);
    o.flags |= ONOMA_TRANSLIT_INVALID_REPLACE;
    ck_assert_int_eq(onoma_translit_string(&o, bad, sizeof bad - 1, &out, &n, &e), ONOMA_EINVAL);
}
END_TEST

static int to_buf(void *ctx, const char *p, size_t n) { return onoma__buf_put(ctx, p, n); }

/* Any split of the input gives the same output; lines, CRLF and spacing
 * stay as they are. */
START_TEST(streaming)
{
    const char *in = "  قاسم  سلیمانی\r\n\tدر تهران \n\nПривет,  мир!\r\nend";
    /* (قاسم: short vowels from the lexicon) */
    /* (the second line has no letter only Persian uses: Arabic, BGN t·h) */
    const char *want = "  Qāsem  Slīmānī\r\n\tDr T·hrān \n\nPrivet,  mir!\r\nend";
    ck_tl(NULL, NULL, 0, in, want);
    onoma_translit_options o = base_opt();
    onoma_translit *tr;
    onoma_error e;
    ck_assert_int_eq(onoma_translit_new(&o, &tr, &e), 0);
    size_t n = strlen(in);
    for (size_t cut = 0; cut <= n; cut += 3) {
        onoma__buf b = {0};
        ck_assert_int_eq(onoma_translit_feed(tr, in, cut, to_buf, &b, &e), 0);
        ck_assert_int_eq(onoma_translit_feed(tr, in + cut, n - cut, to_buf, &b, &e), 0);
        ck_assert_int_eq(onoma_translit_finish(tr, to_buf, &b, &e), 0);
        onoma__buf_putc(&b, 0);
        ck_assert_str_eq(b.data, want);
        onoma__buf_free(&b);
    }
    onoma_translit_free(&tr);
    ck_assert_ptr_null(tr);
    onoma_translit_free(&tr); /* harmless twice */
}
END_TEST

/* --jobs and a tiny cache give the same bytes as one thread. */
START_TEST(threads_and_small_cache)
{
    const char *lines[] = {"قاسم سلیمانی در تهران گفت", "Выборы депутатов Государственной Думы",
                           "في المدينة المنورة مرة أن", "Καλημέρα κόσμε ;", "plain English line"};
    size_t cap = 8u << 20, len = 0;
    char *text = malloc(cap);
    for (unsigned i = 0; len + 200 < cap && i < 60000; i++)
        len += (size_t)snprintf(text + len, cap - len, "%s %u\n", lines[(i * 7) % 5], i % 97);
    const char *path = tmp_file(text, len, ".txt");
    onoma__buf outs[3] = {{0}};
    for (int k = 0; k < 3; k++) {
        onoma_translit_options o = base_opt();
        o.jobs = k == 1 ? 3 : 1;
        o.cache_bytes = k == 2 ? 1 : 0; /* smallest budget: emptied again and again */
        onoma_translit *tr;
        onoma_error e;
        ck_assert_int_eq(onoma_translit_new(&o, &tr, &e), 0);
        int fd = open(path, O_RDONLY);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(onoma_translit_fd(tr, fd, to_buf, &outs[k], &e), 0);
        close(fd);
        onoma_translit_free(&tr);
    }
    unlink(path);
    ck_assert_uint_gt(outs[0].len, len / 2);
    ck_assert_uint_eq(outs[0].len, outs[1].len);
    ck_assert_int_eq(memcmp(outs[0].data, outs[1].data, outs[0].len), 0);
    ck_assert_uint_eq(outs[0].len, outs[2].len);
    ck_assert_int_eq(memcmp(outs[0].data, outs[2].data, outs[0].len), 0);
    for (int k = 0; k < 3; k++)
        onoma__buf_free(&outs[k]);
    free(text);
}
END_TEST

/* A user's scheme file: found by id and short name, overrides a bundled id,
 * listed; a broken one is reported with its path. */
static int count_scheme(void *ctx, const onoma_scheme_info *s)
{
    if (strcmp(s->id, "my-test-Cyrl-Latn") == 0)
        ck_assert_str_eq(s->source, "a test");
    ++*(int *)ctx;
    return 0;
}

START_TEST(user_scheme)
{
    const char *rules = "# id: my-test-Cyrl-Latn\n# short: mine\n# lang: ru\n# name: test\n# source: a test\n"
                        "# license: CC0-1.0\nа > A ; б > B ; [:Cyrillic:] > x ;\n";
    const char *path = tmp_file(rules, strlen(rules), ".txt");
    onoma_translit_options o = base_opt();
    o.scheme_files = &path;
    o.nscheme_files = 1;
    o.scheme = "mine";
    o.lang = "ru";
    char *out = tl(&o, "аб вг");
    ck_assert_str_eq(out, "AB xx");
    free(out);
    o.scheme = "my-test-Cyrl-Latn";
    o.lang = NULL;
    out = tl(&o, "аб");
    ck_assert_str_eq(out, "AB");
    free(out);
    int n = 0;
    onoma_error e;
    ck_assert_int_ge(onoma_translit_schemes(&o, count_scheme, &n, &e), 28);
    ck_assert_int_ge(n, 28);
    const char *broken = "# id: broken-Cyrl-Latn\nа > $nosuch ;\n";
    const char *bpath = tmp_file(broken, strlen(broken), ".txt");
    o.scheme_files = &bpath;
    o.scheme = "broken-Cyrl-Latn";
    onoma_translit *tr = NULL;
    ck_assert_int_eq(onoma_translit_new(&o, &tr, &e), ONOMA_ESCHEME);
    ck_assert_str_eq(e.file, bpath);
    const char *noid = "а > b ;\n";
    const char *npath = tmp_file(noid, strlen(noid), ".txt");
    o.scheme_files = &npath;
    ck_assert_int_eq(onoma_translit_new(&o, &tr, &e), ONOMA_ESCHEME);
    unlink(path);
    unlink(bpath);
    unlink(npath);
}
END_TEST

/* --names with a gazetteer: native spellings become canonical forms in the
 * style; other words through the scheme, in title case; Latin text stays. */
START_TEST(names)
{
    onoma_tables *t = open_text_table("# id\ttype\tcanonical\tvariants\tstyles\n"
                                      "Q1\tperson\tQasem Soleimani\tقاسم سلیمانی|Qassem Suleimani\tap=Qassem Soleimani\n"
                                      "Q2\tplace\tTehran\tتهران\n");
    onoma_translit_options o = base_opt();
    o.flags |= ONOMA_TRANSLIT_NAMES;
    o.tables = t;
    o.lang = "fa";
    char *out = tl(&o, "سردار قاسم سلیمانی در تهران، Qassem Suleimani");
    /* the other words: through the names model where there is one, else
     * the scheme; title case either way */
    ck_assert_msg(strstr(out, " Qasem Soleimani ") != NULL, "%s", out);
    ck_assert_msg(strstr(out, " Tehran, Qassem Suleimani") != NULL, "%s", out);
    ck_assert_msg(out[0] == 'S' && out[1] >= 'a' && out[1] <= 'z', "%s", out);
    free(out);
    o.style = "ap";
    out = tl(&o, "قاسم سلیمانی");
    ck_assert_str_eq(out, "Qassem Soleimani");
    free(out);
    o.style = "nosuch";
    onoma_translit *tr = NULL;
    onoma_error e;
    ck_assert_int_eq(onoma_translit_new(&o, &tr, &e), ONOMA_ESTYLE);
    onoma_tables_close(&t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("translit");
    TCase *tc = tcase_create("translit");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, scheme_cases);
    tcase_add_test(tc, words_equal_lines);
    tcase_add_test(tc, residue);
    tcase_add_test(tc, zwnj_digits_letters);
    tcase_add_test(tc, detect);
    tcase_add_test(tc, short_names_and_ids);
    tcase_add_test(tc, ascii);
    tcase_add_test(tc, invalid_input);
    tcase_add_test(tc, streaming);
    tcase_add_test(tc, threads_and_small_cache);
    tcase_add_test(tc, user_scheme);
    tcase_add_test(tc, names);
    suite_add_tcase(s, tc);
    return onoma_test_main(s);
}
