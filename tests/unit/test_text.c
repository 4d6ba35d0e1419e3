/* UTF-8 decoding, word characters and the lookup fold. */
#include <string.h>

#include "runner.h"
#include "text/chars.h"
#include "text/utf8.h"

static char *fold(const char *s)
{
    static char out[4][256];
    static int k;
    char *o = out[k++ % 4];
    onoma__buf b = {0};
    ck_assert_int_eq(onoma__fold_append(&b, s, strlen(s)), 0);
    while (b.len && b.data[b.len - 1] == ' ')
        b.len--;
    ck_assert_uint_lt(b.len, 256);
    memcpy(o, b.data, b.len);
    o[b.len] = 0;
    onoma__buf_free(&b);
    return o;
}

START_TEST(utf8_decode)
{
    uint32_t cp;
    ck_assert_int_eq(onoma__utf8_decode((const unsigned char *)"A", 1, &cp), 1);
    ck_assert_uint_eq(cp, 'A');
    ck_assert_int_eq(onoma__utf8_decode((const unsigned char *)"\xD9\x82", 2, &cp), 2); /* ق */
    ck_assert_uint_eq(cp, 0x0642);
    ck_assert_int_eq(onoma__utf8_decode((const unsigned char *)"\xF0\x9F\x98\x80", 4, &cp), 4);
    ck_assert_uint_eq(cp, 0x1F600);
    /* overlong, surrogate, beyond U+10FFFF, stray continuation: invalid */
    ck_assert_int_eq(onoma__utf8_decode((const unsigned char *)"\xC0\x80", 2, &cp), 0);
    ck_assert_int_eq(onoma__utf8_decode((const unsigned char *)"\xED\xA0\x80", 3, &cp), 0);
    ck_assert_int_eq(onoma__utf8_decode((const unsigned char *)"\xF4\x90\x80\x80", 4, &cp), 0);
    ck_assert_int_eq(onoma__utf8_decode((const unsigned char *)"\x80", 1, &cp), 0);
    ck_assert_uint_eq(cp, 1);
    /* a valid prefix cut short asks for more input */
    ck_assert_int_eq(onoma__utf8_decode((const unsigned char *)"\xE2\x80", 2, &cp), -1);
    /* maximal subpart: E2 followed by 'A' skips one byte */
    ck_assert_int_eq(onoma__utf8_decode((const unsigned char *)"\xE2" "A", 2, &cp), 0);
    ck_assert_uint_eq(cp, 1);
}
END_TEST

START_TEST(utf8_check)
{
    ck_assert_uint_eq(onoma__utf8_check("abc", 3, 0), 3);
    ck_assert_uint_eq(onoma__utf8_check("ab\0c", 4, 0), 2);
    ck_assert_uint_eq(onoma__utf8_check("ab\0c", 4, 1), 4);
    const char *s = "0123456789abcdef\xC3\xA9\xFF tail";
    ck_assert_uint_eq(onoma__utf8_check(s, strlen(s), 0), 18);
    ck_assert_uint_eq(onoma__utf8_count("Soleimani’s", strlen("Soleimani’s")), 11);
}
END_TEST

START_TEST(word_chars)
{
    ck_assert_int_eq(onoma__chars_init(), 0);
    ck_assert(onoma__is_word('a'));
    ck_assert(onoma__is_word('_'));
    ck_assert(onoma__is_word('7'));
    ck_assert(onoma__is_word(0x00E9));  /* é */
    ck_assert(onoma__is_word(0x0642));  /* ق */
    ck_assert(onoma__is_word(0x064E));  /* fatha: a mark */
    ck_assert(onoma__is_word(0x200C));  /* ZWNJ keeps Persian words whole */
    ck_assert(onoma__is_word(0x0416));  /* Ж */
    ck_assert(!onoma__is_word('-'));
    ck_assert(!onoma__is_word(' '));
    ck_assert(!onoma__is_word(0x2019)); /* ’ */
    ck_assert(!onoma__is_word(0x060C)); /* Arabic comma */
}
END_TEST

START_TEST(fold_case_and_marks)
{
    ck_assert_int_eq(onoma__chars_init(), 0);
    ck_assert_str_eq(fold("SOLEIMANI"), "soleimani");
    ck_assert_str_eq(fold("Soleimání"), "soleimani");
    ck_assert_str_eq(fold("Qāsem Soleymānī"), "qasem soleymani");
    ck_assert_str_eq(fold("Łódź"), "lodz");
    ck_assert_str_eq(fold("İstanbul"), "istanbul");
    ck_assert_str_eq(fold("Bakı"), "baki");
    ck_assert_str_eq(fold("Straße"), "strasse");
    ck_assert_str_eq(fold("ΣΟΦΙΑ"), fold("σοφια"));
    ck_assert_str_eq(fold("ﬁne"), "fine");
}
END_TEST

START_TEST(fold_separators)
{
    ck_assert_int_eq(onoma__chars_init(), 0);
    ck_assert_str_eq(fold("al-Muhandis"), "al muhandis");
    ck_assert_str_eq(fold("al\u2010Muhandis"), "al muhandis");
    ck_assert_str_eq(fold("al \u2013 Muhandis"), "al muhandis");
    ck_assert_str_eq(fold("Khatib\u00A0 Zadeh"), "khatib zadeh");
    ck_assert_str_eq(fold("Sa’id"), "sa'id");
    ck_assert_str_eq(fold("Saʿid"), "sa'id");
    ck_assert_str_eq(fold("Saʼid"), "sa'id");
    ck_assert_str_eq(fold("Sa`id"), "sa'id");
}
END_TEST

START_TEST(fold_arabic_script)
{
    ck_assert_int_eq(onoma__chars_init(), 0);
    ck_assert_str_eq(fold("علي"), fold("علی"));           /* Arabic yeh / Farsi yeh */
    ck_assert_str_eq(fold("على"), fold("علی"));           /* alef maksura */
    ck_assert_str_eq(fold("كريم"), fold("کریم"));         /* kaf / keheh */
    ck_assert_str_eq(fold("فاطمة"), fold("فاطمه"));       /* teh marbuta */
    ck_assert_str_eq(fold("بـغـداد"), fold("بغداد"));     /* tatweel */
    ck_assert_str_eq(fold("أحمد"), fold("احمد"));         /* hamza on alef */
    ck_assert_str_eq(fold("مُحَمَّد"), fold("محمد"));     /* harakat */
    ck_assert_str_eq(fold("خطیب‌زاده"), fold("خطیبزاده")); /* ZWNJ */
    ck_assert_str_eq(fold("١٢٣"), "١٢٣");                  /* digits are not letters to fold */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("text");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, utf8_decode);
    tcase_add_test(tc, utf8_check);
    tcase_add_test(tc, word_chars);
    tcase_add_test(tc, fold_case_and_marks);
    tcase_add_test(tc, fold_separators);
    tcase_add_test(tc, fold_arabic_script);
    suite_add_tcase(s, tc);
    return onoma_test_main(s);
}
