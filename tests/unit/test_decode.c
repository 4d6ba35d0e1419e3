/* Reading other encodings as UTF-8: fixtures made here with iconv from
 * UTF-8 text (no binary files in the repository). */
#include <fcntl.h>
#include <iconv.h>

#include "io/decode.h"
#include "runner.h"
#include "util.h"

static const char fa[] = "قاسم سلیمانی در تهران گفت که کتاب‌ها و ۱۴۰۰ نسخه رسید.\n";
static const char fa1256[] = "قاسم سليماني در تهران گفت که کتاب‌ها و پنج چاپ ژاله رسيد.\n"; /* cp1256 has no ی */
static const char ar[] = "قال الرئيس في المدينة المنورة إن الحكومة ستعقد اجتماعاً.\n";
static const char ru[] = "Выборы депутатов Государственной Думы, съезд и объём: ёж.\n";
static const char uk[] = "Київ, Львів і Ґалаґан: це її місто, сказав він.\n";
static const char el[] = "Καλημέρα κόσμε, η Αθήνα είναι η πρωτεύουσα της Ελλάδας.\n";
static const char he[] = "שלום עולם, ירושלים היא עיר הבירה של ישראל.\n";

/* text converted from UTF-8 to enc (malloc'd, *n bytes) */
static char *encode(const char *text, const char *enc, size_t *n)
{
    iconv_t cd = iconv_open(enc, "UTF-8");
    ck_assert_msg(cd != (iconv_t)-1, "iconv does not know %s", enc);
    size_t inl = strlen(text), outl = inl * 4 + 16;
    char *out = malloc(outl), *o = out, *in = (char *)text;
    ck_assert_msg(iconv(cd, &in, &inl, &o, &outl) != (size_t)-1, "cannot encode in %s", enc);
    iconv_close(cd);
    *n = (size_t)(o - out);
    return out;
}

/* read path through a reader: the UTF-8 text (malloc'd), or NULL with *rc */
static char *decode_file(const char *path, const char *enc, unsigned flags, int *rc, onoma_error *e, char *used,
                         int *conf)
{
    int fd = open(path, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    onoma__reader *r = NULL;
    *rc = onoma__reader_open(&r, fd, path, enc, flags, e);
    if (*rc) {
        close(fd);
        return NULL;
    }
    size_t cap = 1 << 20, len = 0;
    char *out = malloc(cap);
    for (;;) {
        long k = onoma__reader_read(r, out + len, 7); /* small reads: characters cut anywhere */
        if (k < 0) {
            *rc = (int)k;
            *e = *onoma__reader_error(r);
            free(out);
            out = NULL;
            break;
        }
        if (k == 0)
            break;
        len += (size_t)k;
    }
    if (out)
        out[len] = 0;
    if (used)
        strcpy(used, onoma__reader_encoding(r));
    if (conf)
        *conf = onoma__reader_confidence(r);
    onoma__reader_close(&r);
    close(fd);
    return out;
}

static void roundtrip(const char *text, const char *enc, int times)
{
    size_t total = strlen(text) * (size_t)times + 1, n;
    char *big = malloc(total);
    big[0] = 0;
    for (int i = 0; i < times; i++)
        strcat(big, text);
    char *bytes = encode(big, enc, &n);
    const char *path = tmp_file(bytes, n, ".txt");
    int rc;
    onoma_error e;
    char used[64];
    char *got = decode_file(path, enc, 0, &rc, &e, used, NULL);
    ck_assert_msg(rc == 0, "%s: %s", enc, e.message);
    ck_assert_msg(strcmp(got, big) == 0, "%s: decoded text differs", enc);
    free(got);
    unlink(path);
    free(bytes);
    free(big);
}

START_TEST(encodings)
{
    roundtrip(fa1256, "CP1256", 1);
    roundtrip(ar, "CP1256", 1);
    roundtrip(ar, "ISO-8859-6", 1);
    roundtrip(ru, "CP1251", 1);
    roundtrip(ru, "KOI8-R", 1);
    roundtrip(uk, "KOI8-U", 1);
    roundtrip(ru, "ISO-8859-5", 1);
    roundtrip(el, "ISO-8859-7", 1);
    roundtrip(el, "CP1253", 1);
    roundtrip(he, "ISO-8859-8", 1);
    roundtrip(he, "CP1255", 1);
    roundtrip(fa, "UTF-16LE", 3);
    roundtrip(ru, "UTF-16BE", 3);
}
END_TEST

/* UTF-16 with a byte-order mark (named or not), and without one */
START_TEST(utf16_and_boms)
{
    size_t n;
    for (int k = 0; k < 4; k++) {
        const char *text = k & 1 ? ru : fa;
        char *bytes = encode(text, k < 2 ? "UTF-16LE" : "UTF-16BE", &n);
        char *with = malloc(n + 2);
        with[0] = k < 2 ? '\xFF' : '\xFE';
        with[1] = k < 2 ? '\xFE' : '\xFF';
        memcpy(with + 2, bytes, n);
        const char *p1 = tmp_file(with, n + 2, ".txt");
        const char *p2 = tmp_file(bytes, n, ".txt");
        int rc;
        onoma_error e;
        char used[64];
        /* a mark is recognised without --from-encoding, and with UTF-16 */
        const char *encs[] = {NULL, "UTF-16", "auto"};
        for (int j = 0; j < 3; j++) {
            char *got = decode_file(p1, encs[j], 0, &rc, &e, used, NULL);
            ck_assert_msg(rc == 0 && strcmp(got, text) == 0, "BOM %d/%d: %s", k, j, rc ? e.message : got);
            ck_assert_str_eq(used, k < 2 ? "UTF-16LE" : "UTF-16BE");
            free(got);
        }
        /* without a mark, UTF-16 tells the byte order itself */
        char *got = decode_file(p2, "UTF-16", 0, &rc, &e, used, NULL);
        ck_assert_msg(rc == 0 && strcmp(got, text) == 0, "no BOM %d: %s", k, rc ? e.message : got);
        free(got);
        unlink(p1);
        unlink(p2);
        free(bytes);
        free(with);
    }
    /* a UTF-8 mark is dropped (or kept when asked) */
    char u8[256];
    snprintf(u8, sizeof u8, "\xEF\xBB\xBF%s", fa);
    const char *p = tmp_file(u8, strlen(u8), ".txt");
    int rc;
    onoma_error e;
    char *got = decode_file(p, NULL, 0, &rc, &e, NULL, NULL);
    ck_assert_str_eq(got, fa);
    free(got);
    got = decode_file(p, NULL, ONOMA__DECODE_KEEP_UTF8_BOM, &rc, &e, NULL, NULL);
    ck_assert_str_eq(got, u8);
    free(got);
    /* from a pipe (no seeking) */
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    ck_assert_int_eq(write(fds[1], u8, strlen(u8)), (ssize_t)strlen(u8));
    close(fds[1]);
    onoma__reader *r;
    ck_assert_int_eq(onoma__reader_open(&r, fds[0], "-", NULL, 0, &e), 0);
    char buf[512];
    long k = 0, len = 0;
    while ((k = onoma__reader_read(r, buf + len, sizeof buf - (size_t)len - 1)) > 0)
        len += k;
    buf[len] = 0;
    ck_assert_str_eq(buf, fa);
    onoma__reader_close(&r);
    close(fds[0]);
    unlink(p);
}
END_TEST

/* auto: ICU's detector, with its confidence */
START_TEST(detection)
{
    struct {
        const char *text, *enc;
        int times;
    } cases[] = {{ar, "CP1256", 20}, {ru, "CP1251", 20}, {ru, "KOI8-R", 20}, {el, "ISO-8859-7", 20},
                 {he, "CP1255", 20}, {fa, "UTF-8", 5}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t total = strlen(cases[i].text) * (size_t)cases[i].times + 1, n;
        char *big = calloc(1, total);
        for (int j = 0; j < cases[i].times; j++)
            strcat(big, cases[i].text);
        char *bytes = encode(big, cases[i].enc, &n);
        const char *path = tmp_file(bytes, n, ".txt");
        int rc, conf;
        onoma_error e;
        char used[64];
        char *got = decode_file(path, "auto", 0, &rc, &e, used, &conf);
        ck_assert_msg(rc == 0, "%s: %s", cases[i].enc, e.message);
        ck_assert_msg(strcmp(got, big) == 0, "%s detected as %s (%d%%): text differs", cases[i].enc, used, conf);
        ck_assert_int_gt(conf, 0);
        ck_assert_int_le(conf, 100);
        free(got);
        free(bytes);
        free(big);
        unlink(path);
    }
}
END_TEST

/* A byte that is not a character of the encoding: its offset and line;
 * kept or replaced on request. */
START_TEST(invalid_sequences)
{
    size_t n;
    char *bytes = encode("שלום\nעולם\n", "ISO-8859-8", &n);
    /* 0xFF is not a character of ISO-8859-8 */
    char *bad = malloc(n + 1);
    memcpy(bad, bytes, 7);
    bad[7] = '\xFF';
    memcpy(bad + 8, bytes + 7, n - 7);
    const char *path = tmp_file(bad, n + 1, ".txt");
    int rc;
    onoma_error e;
    char *got = decode_file(path, "ISO-8859-8", 0, &rc, &e, NULL, NULL);
    ck_assert_ptr_null(got);
    ck_assert_int_eq(rc, ONOMA_EENCODING);
    ck_assert_uint_eq(e.offset, 7);
    ck_assert_uint_eq(e.line, 2);
    ck_assert_msg(strstr(e.message, "byte 7") != NULL, "%s", e.message);
    got = decode_file(path, "ISO-8859-8", ONOMA__DECODE_REPLACE, &rc, &e, NULL, NULL);
    ck_assert_str_eq(got, "שלום\nעו\xEF\xBF\xBDלם\n");
    free(got);
    got = decode_file(path, "ISO-8859-8", ONOMA__DECODE_KEEP, &rc, &e, NULL, NULL);
    ck_assert_str_eq(got, "שלום\nעו\xFFלם\n");
    free(got);
    /* a UTF-16 file cut inside a character */
    char *u16 = encode("abc", "UTF-16LE", &n);
    const char *p2 = tmp_file(u16, n - 1, ".txt");
    got = decode_file(p2, "UTF-16LE", 0, &rc, &e, NULL, NULL);
    ck_assert_ptr_null(got);
    ck_assert_int_eq(rc, ONOMA_EENCODING);
    ck_assert_uint_eq(e.offset, 4);
    /* an encoding iconv does not know */
    int fd = open(path, O_RDONLY);
    onoma__reader *r;
    ck_assert_int_eq(onoma__reader_open(&r, fd, path, "NO-SUCH-CHARSET", 0, &e), ONOMA_EENCODING);
    close(fd);
    unlink(path);
    unlink(p2);
    free(bytes);
    free(bad);
    free(u16);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("decode");
    TCase *tc = tcase_create("decode");
    tcase_add_test(tc, encodings);
    tcase_add_test(tc, utf16_and_boms);
    tcase_add_test(tc, detection);
    tcase_add_test(tc, invalid_sequences);
    suite_add_tcase(s, tc);
    return onoma_test_main(s);
}
