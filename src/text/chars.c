#include "text/chars.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/unorm2.h>
#include <unicode/uset.h>
#include <unicode/ustring.h>

#include "onoma.h"
#include "text/utf8.h"

uint8_t onoma__word_bits[0x110000 / 8];

const uint8_t onoma__ascii_word[128] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1, ['_'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
    ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
    ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
    ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
    ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
    ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1,
};

/* ASCII fold: lower case; ' and ` are apostrophes; tab, '-' and space are
 * separators. Everything else (punctuation, controls) is itself. */
const unsigned char onoma__fold_ascii[128] = {
#define R(c) [c] = c
    R(0), R(1), R(2), R(3), R(4), R(5), R(6), R(7), R(8), [9] = ' ', R(10), R(11), R(12), R(13),
    R(14), R(15), R(16), R(17), R(18), R(19), R(20), R(21), R(22), R(23), R(24), R(25), R(26),
    R(27), R(28), R(29), R(30), R(31), [' '] = ' ', R('!'), R('"'), R('#'), R('$'), R('%'),
    R('&'), ['\''] = '\'', R('('), R(')'), R('*'), R('+'), R(','), ['-'] = ' ', R('.'), R('/'),
    R('0'), R('1'), R('2'), R('3'), R('4'), R('5'), R('6'), R('7'), R('8'), R('9'), R(':'),
    R(';'), R('<'), R('='), R('>'), R('?'), R('@'),
    ['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f', ['G'] = 'g',
    ['H'] = 'h', ['I'] = 'i', ['J'] = 'j', ['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n',
    ['O'] = 'o', ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't', ['U'] = 'u',
    ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y', ['Z'] = 'z',
    R('['), R('\\'), R(']'), R('^'), R('_'), ['`'] = '\'', R('a'), R('b'), R('c'), R('d'), R('e'),
    R('f'), R('g'), R('h'), R('i'), R('j'), R('k'), R('l'), R('m'), R('n'), R('o'), R('p'),
    R('q'), R('r'), R('s'), R('t'), R('u'), R('v'), R('w'), R('x'), R('y'), R('z'), R('{'),
    R('|'), R('}'), R('~'), R(127),
#undef R
};

static const UNormalizer2 *nfkc_cf, *nfd;
static int init_rc;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t page_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic(onoma__fold_page *) pages[0x110000 >> 8];

static void init_word_bits(void)
{
    UErrorCode st = U_ZERO_ERROR;
    static const UChar pat[] = u"[[:L:][:M:][:Nd:][:Nl:][:No:][:Pc:][:Join_Control:]]";
    USet *set = uset_openPattern(pat, -1, &st);
    if (U_FAILURE(st)) {
        init_rc = ONOMA_EICU;
        return;
    }
    int32_t n = uset_getItemCount(set);
    for (int32_t i = 0; i < n; i++) {
        UChar32 lo, hi;
        UErrorCode st2 = U_ZERO_ERROR;
        if (uset_getItem(set, i, &lo, &hi, NULL, 0, &st2) != 0)
            continue; /* a string item: none in this pattern */
        for (UChar32 c = lo; c <= hi; c++)
            onoma__word_bits[c >> 3] |= (uint8_t)(1u << (c & 7));
    }
    uset_close(set);
}

static void init(void)
{
    UErrorCode st = U_ZERO_ERROR;
    nfkc_cf = unorm2_getNFKCCasefoldInstance(&st);
    if (U_FAILURE(st)) {
        init_rc = ONOMA_EICU;
        return;
    }
    nfd = unorm2_getNFDInstance(&st);
    if (U_FAILURE(st)) {
        init_rc = ONOMA_EICU;
        return;
    }
    init_word_bits();
}

int onoma__chars_init(void)
{
    pthread_once(&init_once, init);
    return init_rc;
}

/* Characters with a fold of onoma's own, applied before and after ICU's. */
static int is_apostrophe(uint32_t c)
{
    switch (c) {
    case '\'': case '`': case 0x00B4: case 0x02B9: case 0x02BB: case 0x02BC: case 0x02BD:
    case 0x02BE: case 0x02BF: case 0x02C8: case 0x2018: case 0x2019: case 0x201B: case 0x2032:
    case 0x2035: case 0xFF07: case 0x055A: case 0x05F3:
        return 1;
    }
    return 0;
}

static int is_separator(uint32_t c)
{
    if (c == ' ' || c == '\t' || c == '-' || c == 0x00A0 || c == 0x1680 || c == 0x202F ||
        c == 0x205F || c == 0x3000 || c == 0x2212 || c == 0xFE58 || c == 0xFE63 || c == 0xFF0D ||
        c == 0x058A || c == 0x05BE || c == 0x1806 || c == 0x2E3A || c == 0x2E3B)
        return 1;
    return (c >= 0x2000 && c <= 0x200A) || (c >= 0x2010 && c <= 0x2015);
}

static int is_ignored(uint32_t c)
{
    /* ZWNJ/ZWJ and other format characters, tatweel, soft hyphen */
    return c == 0x0640 || c == 0x00AD || c == 0x200B || c == 0x200C || c == 0x200D ||
           c == 0x2060 || c == 0xFEFF || c == 0x061C || c == 0x200E || c == 0x200F;
}

/* Letter equivalences after decomposition (marks already stripped). */
static uint32_t letter_map(uint32_t c, const char **multi)
{
    *multi = NULL;
    switch (c) {
    case 0x064A: case 0x0649: case 0x06CC: case 0x06D0: case 0x06D2: case 0x06CD:
        return 0x06CC; /* yeh, alef maksura, farsi yeh, yeh barree... -> farsi yeh */
    case 0x0643: case 0x06A9: case 0x06AA:
        return 0x06A9; /* kaf -> keheh */
    case 0x0629: case 0x06C1: case 0x06C0: case 0x06D5: case 0x06BE: case 0x06C3:
        return 0x0647; /* teh marbuta, heh goal, ae, do-chashmi heh -> heh */
    case 0x0671: case 0x0672: case 0x0673: case 0x0675:
        return 0x0627; /* alef variants -> alef */
    case 0x0131: return 'i'; /* dotless i */
    case 0x0142: return 'l'; /* l with stroke */
    case 0x00F8: return 'o';
    case 0x0111: return 'd';
    case 0x0127: return 'h';
    case 0x0180: return 'b';
    case 0x01B6: return 'z';
    case 0x00E6: *multi = "ae"; return 0;
    case 0x0153: *multi = "oe"; return 0;
    case 0x00FE: *multi = "th"; return 0;
    case 0x00F0: return 'd';
    }
    return c;
}

/* The fold of one character, as UTF-8, into buf (returns its length). */
static size_t fold_char(uint32_t cp, char *buf, size_t cap)
{
    if (is_apostrophe(cp)) {
        buf[0] = '\'';
        return 1;
    }
    if (is_separator(cp)) {
        buf[0] = ' ';
        return 1;
    }
    if (is_ignored(cp) || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    UChar src[2], cf[64], dec[192];
    int32_t srclen = 0;
    U16_APPEND_UNSAFE(src, srclen, cp);
    UErrorCode st = U_ZERO_ERROR;
    int32_t n1 = unorm2_normalize(nfkc_cf, src, srclen, cf, 64, &st);
    if (U_FAILURE(st))
        n1 = srclen, memcpy(cf, src, sizeof(UChar) * (size_t)srclen), st = U_ZERO_ERROR;
    int32_t n2 = unorm2_normalize(nfd, cf, n1, dec, 192, &st);
    if (U_FAILURE(st))
        return 0;
    size_t len = 0;
    for (int32_t i = 0; i < n2;) {
        UChar32 c;
        U16_NEXT(dec, i, n2, c);
        if (U_GET_GC_MASK(c) & U_GC_M_MASK)
            continue;
        const char *multi;
        uint32_t m = letter_map((uint32_t)c, &multi);
        if (multi) {
            size_t ml = strlen(multi);
            if (len + ml <= cap)
                memcpy(buf + len, multi, ml), len += ml;
            continue;
        }
        if (is_apostrophe(m))
            m = '\'';
        else if (is_separator(m))
            m = ' ';
        else if (is_ignored(m))
            continue;
        if (len + 4 <= cap)
            len += (size_t)onoma__utf8_encode(m, buf + len);
    }
    return len;
}

static onoma__fold_page *build_page(uint32_t pg)
{
    char tmp[256][64];
    size_t lens[256], pool = 0;
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t cp = (pg << 8) | i;
        lens[i] = fold_char(cp, tmp[i], sizeof tmp[i]);
        if (lens[i] > 3)
            pool += lens[i];
    }
    onoma__fold_page *p = malloc(sizeof *p + pool + 1);
    if (!p)
        return NULL;
    size_t off = 0;
    for (uint32_t i = 0; i < 256; i++) {
        p->e[i].len = (uint8_t)lens[i];
        if (lens[i] <= 3) {
            memset(p->e[i].b, 0, 3);
            memcpy(p->e[i].b, tmp[i], lens[i]);
        } else {
            memcpy(p->pool + off, tmp[i], lens[i]);
            p->e[i].b[0] = (unsigned char)(off & 0xFF);
            p->e[i].b[1] = (unsigned char)((off >> 8) & 0xFF);
            p->e[i].b[2] = (unsigned char)((off >> 16) & 0xFF);
            off += lens[i];
        }
    }
    return p;
}

/* A page of identity-free fallbacks for when memory runs out: every
 * character folds to U+FFFD, which matches no key. */
static _Alignas(onoma__fold_page) unsigned char oom_mem[sizeof(onoma__fold_page)];

const onoma__fold_page *onoma__fold_page_get(uint32_t pg)
{
    onoma__fold_page *p = atomic_load_explicit(&pages[pg], memory_order_acquire);
    if (p)
        return p;
    pthread_mutex_lock(&page_lock);
    p = atomic_load_explicit(&pages[pg], memory_order_relaxed);
    if (!p) {
        p = build_page(pg);
        if (p)
            atomic_store_explicit(&pages[pg], p, memory_order_release);
    }
    pthread_mutex_unlock(&page_lock);
    if (!p) {
        onoma__fold_page *oom = (onoma__fold_page *)oom_mem;
        for (int i = 0; i < 256; i++) {
            oom->e[i].len = 3;
            memcpy(oom->e[i].b, "\xEF\xBF\xBD", 3);
        }
        return oom;
    }
    return p;
}

int onoma__fold_append(onoma__buf *out, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    const onoma__fold_page *cache = NULL;
    uint32_t cache_pg = 0;
    int rc = onoma__buf_reserve(out, n + 16);
    if (rc)
        return rc;
    for (size_t i = 0; i < n;) {
        const char *f;
        size_t flen;
        char one;
        if (s[i] < 0x80) {
            one = (char)onoma__fold_ascii[s[i]];
            f = &one;
            flen = 1;
            i++;
        } else {
            uint32_t cp;
            int len = onoma__utf8_decode(s + i, n - i, &cp);
            if (len <= 0) {
                f = "\xEF\xBF\xBD";
                flen = 3;
                i += len == 0 ? cp : n - i;
            } else {
                f = onoma__fold_lookup(cp, &flen, &cache, &cache_pg);
                i += (size_t)len;
            }
        }
        for (size_t k = 0; k < flen; k++) {
            if (f[k] == ' ' && (out->len == 0 || out->data[out->len - 1] == ' '))
                continue;
            if ((rc = onoma__buf_putc(out, f[k])))
                return rc;
        }
    }
    return 0;
}

int onoma__char_case(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'A' && cp <= 'Z') ? 1 : (cp >= 'a' && cp <= 'z') ? -1 : 0;
    if (u_isupper((UChar32)cp) || u_istitle((UChar32)cp))
        return 1;
    if (u_islower((UChar32)cp))
        return -1;
    return 0;
}

int onoma__first_script(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int len = onoma__utf8_decode(s + i, n - i, &cp);
        if (len <= 0)
            return -1;
        if (cp < 0x80) {
            if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')
                return USCRIPT_LATIN;
        } else {
            UErrorCode st = U_ZERO_ERROR;
            UScriptCode sc = uscript_getScript((UChar32)cp, &st);
            if (U_SUCCESS(st) && sc != USCRIPT_COMMON && sc != USCRIPT_INHERITED && sc != USCRIPT_UNKNOWN)
                return (int)sc;
        }
        i += (size_t)len;
    }
    return -1;
}

int onoma__first_case(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int len = onoma__utf8_decode(s + i, n - i, &cp);
        if (len <= 0)
            return 0;
        int c = onoma__char_case(cp);
        if (c)
            return c;
        i += (size_t)len;
    }
    return 0;
}

typedef int32_t (*case_fn)(UChar *, int32_t, const UChar *, int32_t, const char *, UErrorCode *);

static int map_case(onoma__buf *out, const char *s, size_t n, case_fn fn)
{
    if (n > INT32_MAX / 4)
        return ONOMA_ERANGE;
    UErrorCode st = U_ZERO_ERROR;
    int32_t ulen = 0;
    UChar stackbuf[256], *u = stackbuf;
    u_strFromUTF8Lenient(u, 256, &ulen, s, (int32_t)n, &st);
    if (st == U_BUFFER_OVERFLOW_ERROR) {
        u = malloc(sizeof(UChar) * (size_t)(ulen + 1));
        if (!u)
            return ONOMA_ENOMEM;
        st = U_ZERO_ERROR;
        u_strFromUTF8Lenient(u, ulen + 1, &ulen, s, (int32_t)n, &st);
    }
    int rc = 0;
    UChar *m = NULL;
    if (U_FAILURE(st)) {
        rc = ONOMA_EICU;
        goto done;
    }
    int32_t cap = ulen * 3 + 16, mlen;
    m = malloc(sizeof(UChar) * (size_t)cap);
    if (!m) {
        rc = ONOMA_ENOMEM;
        goto done;
    }
    mlen = fn(m, cap, u, ulen, "", &st);
    if (U_FAILURE(st)) {
        rc = ONOMA_EICU;
        goto done;
    }
    int32_t blen = 0;
    u_strToUTF8(NULL, 0, &blen, m, mlen, &st);
    st = U_ZERO_ERROR;
    if ((rc = onoma__buf_reserve(out, (size_t)blen + 1)))
        goto done;
    u_strToUTF8(out->data + out->len, blen + 1, &blen, m, mlen, &st);
    if (U_FAILURE(st)) {
        rc = ONOMA_EICU;
        goto done;
    }
    out->len += (size_t)blen;
done:
    free(m);
    if (u != stackbuf)
        free(u);
    return rc;
}

int onoma__to_upper(onoma__buf *out, const char *s, size_t n) { return map_case(out, s, n, u_strToUpper); }
int onoma__to_lower(onoma__buf *out, const char *s, size_t n) { return map_case(out, s, n, u_strToLower); }

int onoma__to_title_first(onoma__buf *out, const char *s, size_t n)
{
    uint32_t cp;
    int len = n ? onoma__utf8_decode((const unsigned char *)s, n, &cp) : 0;
    if (len <= 0)
        return onoma__buf_put(out, s, n);
    UChar32 t = u_totitle((UChar32)cp);
    char enc[4];
    int el = onoma__utf8_encode((uint32_t)t, enc);
    int rc = onoma__buf_put(out, enc, (size_t)el);
    return rc ? rc : onoma__buf_put(out, s + len, n - (size_t)len);
}
