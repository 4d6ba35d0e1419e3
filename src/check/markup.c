#include "check/markup.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "onoma.h"

/* --------------------------------------------------------------- ranges */

int onoma__ranges_add(onoma__ranges *r, size_t a, size_t b)
{
    if (b <= a)
        return 0;
    if (r->n && r->v[r->n - 1].b >= a && r->v[r->n - 1].a <= a) {
        if (b > r->v[r->n - 1].b)
            r->v[r->n - 1].b = b; /* the common case: in order, touching */
        return 0;
    }
    if (onoma__grow((void **)&r->v, &r->cap, r->n + 1, sizeof *r->v, 64))
        return ONOMA_ENOMEM;
    r->v[r->n++] = (onoma__range){a, b};
    return 0;
}

static int cmp_range(const void *x, const void *y)
{
    const onoma__range *a = x, *b = y;
    return a->a < b->a ? -1 : a->a > b->a ? 1 : (a->b < b->b ? -1 : a->b > b->b);
}

void onoma__ranges_normalize(onoma__ranges *r)
{
    if (r->n < 2)
        return;
    qsort(r->v, r->n, sizeof *r->v, cmp_range);
    size_t k = 0;
    for (size_t i = 1; i < r->n; i++) {
        if (r->v[i].a <= r->v[k].b) {
            if (r->v[i].b > r->v[k].b)
                r->v[k].b = r->v[i].b;
        } else {
            r->v[++k] = r->v[i];
        }
    }
    r->n = k + 1;
}

void onoma__ranges_free(onoma__ranges *r)
{
    free(r->v);
    memset(r, 0, sizeof *r);
}

/* --------------------------------------------------------------- helpers */

typedef struct scan {
    const unsigned char *s;
    size_t n;
    onoma__ranges *out;
    int rc;
    int disabled;       /* inside onoma-disable ... */
    size_t disable_from;
} scan;

static void skip(scan *c, size_t a, size_t b)
{
    if (!c->rc && b > a)
        c->rc = onoma__ranges_add(c->out, a, b > c->n ? c->n : b);
}

static inline int is_alpha(unsigned ch) { return (ch | 32) >= 'a' && (ch | 32) <= 'z'; }
static inline int is_digit(unsigned ch) { return ch >= '0' && ch <= '9'; }
static inline int is_alnum(unsigned ch) { return is_alpha(ch) || is_digit(ch); }
/* a byte that may be part of a word (non-ASCII counts: letters of other scripts) */
static inline int is_wordish(unsigned ch) { return is_alnum(ch) || ch == '_' || ch >= 0x80; }
static inline int is_space(unsigned ch) { return ch == ' ' || ch == '\t' || ch == '\r'; }

static size_t line_start(const scan *c, size_t i)
{
    while (i > 0 && c->s[i - 1] != '\n')
        i--;
    return i;
}

static size_t line_end(const scan *c, size_t i)
{
    const unsigned char *nl = i < c->n ? memchr(c->s + i, '\n', c->n - i) : NULL;
    return nl ? (size_t)(nl - c->s) : c->n;
}

static int starts_with_ci(const scan *c, size_t i, const char *lit)
{
    size_t k = strlen(lit);
    return i + k <= c->n && strncasecmp((const char *)c->s + i, lit, k) == 0;
}

static int starts_with(const scan *c, size_t i, const char *lit)
{
    size_t k = strlen(lit);
    return i + k <= c->n && memcmp(c->s + i, lit, k) == 0;
}

/* Is there a blank line between a and b? (Markdown spans never cross one.) */
static int blank_line_at(const scan *c, size_t nl)
{
    size_t j = nl + 1;
    while (j < c->n && is_space(c->s[j]))
        j++;
    return j >= c->n || c->s[j] == '\n';
}

/* ------------------------------------------------------------ directives */

/* Comments that switch checking off, in a comment spanning [a, b):
 * onoma-ignore (its line, or the next line when the comment stands alone),
 * onoma-disable / onoma-enable (everything between). */
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* The next "onoma-" in s[i..b), or NULL. Big plain texts are searched
 * whole, so 16 bytes at a time: 'o', 'a' four bytes on and '-' five on
 * must line up before the rest is compared. */
static const unsigned char *find_tag(const unsigned char *s, size_t i, size_t b)
{
#if defined(__SSE2__)
    const __m128i o = _mm_set1_epi8('o'), a = _mm_set1_epi8('a'), d = _mm_set1_epi8('-');
    for (; i + 21 <= b; i += 16) {
        __m128i v0 = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i v4 = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 4));
        __m128i v5 = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 5));
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_and_si128(_mm_cmpeq_epi8(v0, o), _mm_and_si128(_mm_cmpeq_epi8(v4, a), _mm_cmpeq_epi8(v5, d))));
        while (m) {
            size_t at = i + (unsigned)__builtin_ctz(m);
            if (memcmp(s + at, "onoma-", 6) == 0)
                return s + at;
            m &= m - 1;
        }
    }
#endif
    return i + 6 <= b ? memmem(s + i, b - i, "onoma-", 6) : NULL;
}

static void directives_in(scan *c, size_t a, size_t b, int token_only)
{
    static const char tag[] = "onoma-";
    for (size_t i = a; i + sizeof tag - 1 < b;) {
        const unsigned char *p = find_tag(c->s, i, b);
        if (!p)
            return;
        size_t at = (size_t)(p - c->s), w = at + sizeof tag - 1, e = w;
        while (e < b && (is_alnum(c->s[e]) || c->s[e] == '-'))
            e++;
        i = e;
        if (at > 0 && is_wordish(c->s[at - 1]))
            continue;
        size_t len = e - w;
        const char *word = (const char *)c->s + w;
        /* plain text has no comments: the directive word stands for one */
        size_t ca = token_only ? at : a, cb = token_only ? e : b;
        if (len == 6 && memcmp(word, "ignore", 6) == 0) {
            size_t ls = line_start(c, ca), le = line_end(c, cb - 1);
            int alone = 1;
            for (size_t k = ls; k < le && alone; k++)
                if ((k < ca || k >= cb) && is_wordish(c->s[k]))
                    alone = 0;
            if (!alone) {
                skip(c, ls, le);
            } else {
                /* the next line that is not blank */
                size_t nx = le;
                while (nx < c->n) {
                    size_t l2 = nx + 1, e2 = line_end(c, l2), p2;
                    for (p2 = l2; p2 < e2 && is_space(c->s[p2]); p2++)
                        ;
                    if (p2 < e2) {
                        skip(c, l2, e2);
                        break;
                    }
                    nx = e2;
                }
            }
        } else if (len == 7 && memcmp(word, "disable", 7) == 0) {
            if (!c->disabled) {
                c->disabled = 1;
                c->disable_from = cb;
            }
        } else if (len == 6 && memcmp(word, "enable", 6) == 0) {
            if (c->disabled) {
                skip(c, c->disable_from, ca);
                c->disabled = 0;
            }
        }
    }
}

static void directives(scan *c, size_t a, size_t b) { directives_in(c, a, b, 0); }

static void directives_end(scan *c)
{
    if (c->disabled)
        skip(c, c->disable_from, c->n);
}

/* ------------------------------------------------------- URLs and emails */

/* End of a URL that starts at i (its scheme or www.). */
static size_t url_end(const scan *c, size_t i)
{
    size_t j = i;
    int parens = 0;
    while (j < c->n) {
        unsigned ch = c->s[j];
        if (ch <= ' ' || ch == '<' || ch == '>' || ch == '"' || ch == '`' || ch == 0x7F)
            break;
        if (ch == 0xC2 && j + 1 < c->n && c->s[j + 1] == 0xA0)
            break; /* no-break space */
        if (ch == '(')
            parens++;
        if (ch == ')' && --parens < 0)
            break;
        j++;
    }
    /* trailing punctuation is the sentence's, not the URL's */
    while (j > i && strchr(".,:;!?*_~'", c->s[j - 1]))
        j--;
    return j;
}

/* A URL or an email address around position i (i is at ':' of "://", at
 * 'w' of "www." or at '@'): its range, or 0. */
static int url_at(const scan *c, size_t i, size_t *a, size_t *b)
{
    const unsigned char *s = c->s;
    if (s[i] == ':') {
        size_t st = i;
        while (st > 0 && (is_alnum(s[st - 1]) || s[st - 1] == '+' || s[st - 1] == '.' || s[st - 1] == '-'))
            st--;
        while (st < i && !is_alpha(s[st]))
            st++;
        if (i - st < 2 || (st > 0 && is_wordish(s[st - 1])))
            return 0;
        int slashes = i + 2 < c->n && s[i + 1] == '/' && s[i + 2] == '/';
        int mailto = i - st == 6 && strncasecmp((const char *)s + st, "mailto", 6) == 0;
        if (!slashes && !mailto)
            return 0;
        size_t e = url_end(c, i + 1);
        if (e <= i + (slashes ? 3 : 1))
            return 0;
        *a = st;
        *b = e;
        return 1;
    }
    if (s[i] == 'w' || s[i] == 'W') {
        if (!starts_with_ci(c, i, "www.") || (i > 0 && (is_wordish(s[i - 1]) || s[i - 1] == '.' || s[i - 1] == '/')))
            return 0;
        size_t e = url_end(c, i);
        if (e <= i + 5)
            return 0;
        *a = i;
        *b = e;
        return 1;
    }
    if (s[i] == '@') {
        size_t st = i;
        while (st > 0 && (is_alnum(s[st - 1]) || strchr("._%+-", s[st - 1])))
            st--;
        if (st == i || (st > 0 && s[st - 1] >= 0x80))
            return 0;
        size_t e = i + 1;
        int dots = 0;
        while (e < c->n && (is_alnum(s[e]) || s[e] == '-' || (s[e] == '.' && e + 1 < c->n && is_alnum(s[e + 1]))))
            dots += s[e++] == '.';
        if (!dots || e == i + 1)
            return 0;
        *a = st;
        *b = e;
        return 1;
    }
    return 0;
}

/* Try a URL at i; on success skip it and return its end, else 0. */
static size_t try_url(scan *c, size_t i)
{
    size_t a, b;
    if (!url_at(c, i, &a, &b))
        return 0;
    skip(c, a, b);
    return b;
}

/* ------------------------------------------------------------ plain text */

static void scan_text(scan *c)
{
    /* Directives anywhere on a line: plain text has no comment syntax of its
     * own, so '# onoma-ignore', '// onoma-disable' ... all count. URLs are
     * not looked for here: onoma__text_in_url asks about a span when there
     * is something to report (big plain texts need no URL pass). */
    directives_in(c, 0, c->n, 1);
    directives_end(c);
}

int onoma__text_in_url(const char *text, size_t n, size_t a, size_t b)
{
    scan c = {(const unsigned char *)text, n, NULL, 0, 0, 0};
    const unsigned char *s = c.s;
    enum { LIM = 4096 };
    size_t ts = a, te = b;
    while (ts > 0 && a - ts < LIM && s[ts - 1] > ' ' && s[ts - 1] != '<' && s[ts - 1] != '"')
        ts--;
    while (te < n && te - b < LIM && s[te] > ' ' && s[te] != '>' && s[te] != '"')
        te++;
    for (size_t i = ts; i < te; i++) {
        unsigned ch = s[i];
        size_t ua, ub;
        if ((ch == ':' || ch == '@' || ch == 'w' || ch == 'W') && url_at(&c, i, &ua, &ub) && ua <= a && ub >= b)
            return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------ HTML */

static size_t find_ci(const scan *c, size_t i, size_t lim, const char *lit)
{
    size_t k = strlen(lit);
    while (i + k <= lim) {
        const unsigned char *p = memchr(c->s + i, lit[0], lim - i);
        const unsigned char *q = memchr(c->s + i, lit[0] ^ 32, lim - i);
        if (!p || (q && q < p))
            p = q;
        if (!p)
            return SIZE_MAX;
        size_t at = (size_t)(p - c->s);
        if (at + k <= lim && strncasecmp((const char *)c->s + at, lit, k) == 0)
            return at;
        i = at + 1;
    }
    return SIZE_MAX;
}

/* The end of a tag starting at i ('<'), quotes respected; 0 if it is not
 * a tag. With stop_blank, a blank line ends the search (Markdown). Sets
 * name/name_len for element tags; *closing for </x>. */
static size_t tag_end(const scan *c, size_t i, int stop_blank, const unsigned char **name, size_t *name_len,
                      int *closing)
{
    const unsigned char *s = c->s;
    size_t j = i + 1;
    *name = NULL;
    *name_len = 0;
    *closing = 0;
    if (j < c->n && s[j] == '/') {
        *closing = 1;
        j++;
    }
    if (j >= c->n)
        return 0;
    if (!*closing && (s[j] == '!' || s[j] == '?')) {
        /* <!DOCTYPE ...>, <?xml ...?>, <![CDATA[ ... ]]> */
        if (starts_with(c, j, "![CDATA[")) {
            const unsigned char *p = memmem(s + j, c->n - j, "]]>", 3);
            return p ? (size_t)(p - s) + 3 : c->n;
        }
        const unsigned char *p = memchr(s + j, '>', c->n - j);
        return p ? (size_t)(p - s) + 1 : 0;
    }
    if (!is_alpha(s[j]))
        return 0;
    *name = s + j;
    while (j < c->n && (is_alnum(s[j]) || s[j] == '-' || s[j] == ':'))
        j++;
    *name_len = (size_t)(s + j - *name);
    if (j < c->n && !(is_space(s[j]) || s[j] == '\n' || s[j] == '>' || s[j] == '/'))
        return 0;
    char q = 0;
    for (; j < c->n; j++) {
        unsigned ch = s[j];
        if (q) {
            if (ch == (unsigned char)q)
                q = 0;
        } else if (ch == '"' || ch == '\'') {
            q = (char)ch;
        } else if (ch == '>') {
            return j + 1;
        } else if (ch == '<') {
            return 0;
        }
        if (ch == '\n' && stop_blank && blank_line_at(c, j))
            return 0;
    }
    return 0;
}

static int raw_element(const unsigned char *name, size_t len)
{
    static const char *const raw[] = {"script", "style", "pre", "code", "textarea", "kbd", "samp", "tt", "var", "math", "svg"};
    for (size_t k = 0; k < sizeof raw / sizeof *raw; k++)
        if (strlen(raw[k]) == len && strncasecmp((const char *)name, raw[k], len) == 0)
            return 1;
    return 0;
}

/* A tag, comment or raw element at i ('<'): skip it, return its end (0 if
 * none). */
static size_t html_at(scan *c, size_t i, int stop_blank)
{
    if (starts_with(c, i, "<!--")) {
        const unsigned char *p = memmem(c->s + i + 4, c->n - i - 4, "-->", 3);
        size_t e = p ? (size_t)(p - c->s) + 3 : c->n;
        skip(c, i, e);
        directives(c, i, e);
        return e;
    }
    const unsigned char *name;
    size_t nlen;
    int closing;
    size_t e = tag_end(c, i, stop_blank, &name, &nlen, &closing);
    if (!e)
        return 0;
    if (name && !closing && raw_element(name, nlen) && !(e >= 2 && c->s[e - 2] == '/')) {
        char close[24];
        if (nlen + 3 < sizeof close) {
            close[0] = '<';
            close[1] = '/';
            memcpy(close + 2, name, nlen);
            close[nlen + 2] = 0;
            size_t at = find_ci(c, e, c->n, close);
            if (at != SIZE_MAX) {
                const unsigned char *gt = memchr(c->s + at, '>', c->n - at);
                e = gt ? (size_t)(gt - c->s) + 1 : c->n;
            } else {
                e = c->n;
            }
        }
    }
    skip(c, i, e);
    return e;
}

/* &amp; &#233; &#xE9; */
static size_t entity_at(scan *c, size_t i)
{
    size_t j = i + 1;
    if (j < c->n && c->s[j] == '#') {
        j++;
        int hex = j < c->n && (c->s[j] == 'x' || c->s[j] == 'X');
        j += (size_t)hex;
        size_t st = j;
        while (j < c->n && j - st < 8 && (hex ? (is_digit(c->s[j]) || ((c->s[j] | 32) >= 'a' && (c->s[j] | 32) <= 'f')) : is_digit(c->s[j])))
            j++;
        if (j == st)
            return 0;
    } else {
        size_t st = j;
        while (j < c->n && j - st < 32 && is_alnum(c->s[j]))
            j++;
        if (j == st || !is_alpha(c->s[st]))
            return 0;
    }
    if (j >= c->n || c->s[j] != ';')
        return 0;
    skip(c, i, j + 1);
    return j + 1;
}

/* Bytes at which a scanner has something to look at. */
static const unsigned char html_tab[256] = {['<'] = 1, ['&'] = 1, [':'] = 1, ['w'] = 1, ['W'] = 1, ['@'] = 1};
static const unsigned char md_tab[256] = {['\\'] = 1, ['`'] = 1, ['<'] = 1, [']'] = 1, ['&'] = 1,
                                          [':'] = 1,  ['w'] = 1, ['W'] = 1, ['@'] = 1};
static const unsigned char tex_tab[256] = {['%'] = 1, ['\\'] = 1, ['$'] = 1, [':'] = 1, ['w'] = 1, ['W'] = 1, ['@'] = 1};

static void scan_html(scan *c)
{
    const unsigned char *tab = html_tab;
    for (size_t i = 0; i < c->n;) {
        unsigned ch = c->s[i];
        if (!tab[ch]) {
            i++;
            continue;
        }
        size_t e = 0;
        if (ch == '<')
            e = html_at(c, i, 0);
        else if (ch == '&')
            e = entity_at(c, i);
        else
            e = try_url(c, i);
        i = e > i ? e : i + 1;
    }
    directives_end(c);
}

/* -------------------------------------------------------------- Markdown */

/* Indentation in columns (tab = to the next multiple of 4) and the first
 * non-blank byte of the line [ls, le). */
static size_t indent(const scan *c, size_t ls, size_t le, size_t *first)
{
    size_t col = 0, i = ls;
    for (; i < le; i++) {
        if (c->s[i] == ' ')
            col++;
        else if (c->s[i] == '\t')
            col += 4 - col % 4;
        else
            break;
    }
    *first = i;
    return col;
}

static int blank_line(const scan *c, size_t p, size_t le)
{
    while (p < le && is_space(c->s[p]))
        p++;
    return p >= le;
}

/* A fence: ``` or ~~~ (3 or more); its character and length. */
static size_t fence(const scan *c, size_t p, size_t le, char *ch)
{
    if (p >= le || (c->s[p] != '`' && c->s[p] != '~'))
        return 0;
    size_t k = p;
    while (k < le && c->s[k] == c->s[p])
        k++;
    if (k - p < 3)
        return 0;
    if (c->s[p] == '`' && memchr(c->s + k, '`', le - k))
        return 0; /* an info string with a backtick: inline code */
    *ch = (char)c->s[p];
    return k - p;
}

static int list_item(const scan *c, size_t p, size_t le)
{
    if (p + 1 < le && strchr("-*+", c->s[p]) && (c->s[p + 1] == ' ' || c->s[p + 1] == '\t'))
        return 1;
    size_t k = p;
    while (k < le && k - p < 9 && is_digit(c->s[k]))
        k++;
    return k > p && k + 1 < le && (c->s[k] == '.' || c->s[k] == ')') && (c->s[k + 1] == ' ' || c->s[k + 1] == '\t');
}

/* Inline constructs of [a, b): code spans, HTML, autolinks, link targets,
 * entities, bare URLs. */
static void md_inline(scan *c, size_t a, size_t b)
{
    const unsigned char *tab = md_tab;
    const unsigned char *s = c->s;
    for (size_t i = a; i < b;) {
        unsigned ch = s[i];
        if (!tab[ch]) {
            i++;
            continue;
        }
        size_t e = 0;
        switch (ch) {
        case '\\':
            e = i + 2;
            break;
        case '`': {
            size_t k = i;
            while (k < b && s[k] == '`')
                k++;
            size_t run = k - i;
            /* the closing run of the same length, before a blank line */
            for (size_t j = k; j < b;) {
                if (s[j] == '\n' && blank_line_at(c, j))
                    break;
                if (s[j] != '`') {
                    j++;
                    continue;
                }
                size_t r = j;
                while (r < b && s[r] == '`')
                    r++;
                if (r - j == run) {
                    e = r;
                    break;
                }
                j = r;
            }
            if (e)
                skip(c, i, e);
            else
                e = k;
            break;
        }
        case '<': {
            /* autolink <scheme:...> or <user@host> */
            size_t j = i + 1;
            while (j < b && j - i < 34 && (is_alnum(s[j]) || s[j] == '+' || s[j] == '.' || s[j] == '-'))
                j++;
            if (j < b && j - i >= 3 && is_alpha(s[i + 1]) && (s[j] == ':' || s[j] == '@')) {
                size_t k = j;
                while (k < b && s[k] > ' ' && s[k] != '<' && s[k] != '>')
                    k++;
                if (k < b && s[k] == '>') {
                    skip(c, i, k + 1);
                    e = k + 1;
                    break;
                }
            }
            e = html_at(c, i, 1);
            break;
        }
        case ']':
            if (i + 1 < b && s[i + 1] == '(') {
                int depth = 0;
                size_t j = i + 1;
                for (; j < b; j++) {
                    if (s[j] == '\\') {
                        j++;
                        continue;
                    }
                    if (s[j] == '(')
                        depth++;
                    else if (s[j] == ')' && --depth == 0)
                        break;
                    else if (s[j] == '\n' && blank_line_at(c, j))
                        break;
                }
                if (j < b && s[j] == ')') {
                    skip(c, i + 1, j + 1);
                    e = j + 1;
                }
            }
            break;
        case '&':
            e = entity_at(c, i);
            break;
        default:
            e = try_url(c, i);
        }
        i = e > i ? e : i + 1;
    }
}

static void scan_markdown(scan *c)
{
    size_t para = SIZE_MAX; /* start of the prose run being collected */
    int prev_blank = 1, list_ctx = 0, in_indented = 0;
    size_t fence_start = 0, fence_len = 0;
    char fence_ch = 0;
    int in_fence = 0;
    for (size_t ls = 0; ls < c->n;) {
        size_t le = line_end(c, ls), next = le < c->n ? le + 1 : c->n, p;
        size_t ind = indent(c, ls, le, &p);
        int blank = blank_line(c, p, le);
        if (in_fence) {
            char ch = 0;
            size_t k = ind < 4 ? fence(c, p, le, &ch) : 0;
            if (k >= fence_len && ch == fence_ch && blank_line(c, p + k, le)) {
                skip(c, fence_start, le);
                in_fence = 0;
                prev_blank = 0;
            }
            ls = next;
            continue;
        }
        char ch = 0;
        size_t k = ind < 4 ? fence(c, p, le, &ch) : 0;
        int code_line = !blank && ind >= 4 && (prev_blank || in_indented) && !list_ctx;
        if (k || code_line || blank) {
            if (para != SIZE_MAX) {
                md_inline(c, para, ls);
                para = SIZE_MAX;
            }
        }
        if (k) {
            in_fence = 1;
            fence_start = ls;
            fence_len = k;
            fence_ch = ch;
            in_indented = 0;
        } else if (code_line) {
            skip(c, ls, le);
            in_indented = 1;
        } else if (blank) {
            /* an indented block goes on over blank lines */
        } else {
            in_indented = 0;
            if (list_item(c, p, le))
                list_ctx = 1;
            else if (ind == 0 && prev_blank)
                list_ctx = 0;
            /* a link reference definition: [label]: destination "title" */
            if (ind < 4 && c->s[p] == '[') {
                const unsigned char *q = memchr(c->s + p, ']', le - p);
                if (q && (size_t)(q - c->s) + 1 < le && q[1] == ':') {
                    skip(c, (size_t)(q - c->s) + 2, le);
                    ls = next;
                    prev_blank = 0;
                    continue;
                }
            }
            if (para == SIZE_MAX)
                para = ls;
        }
        prev_blank = blank;
        ls = next;
    }
    if (in_fence)
        skip(c, fence_start, c->n);
    if (para != SIZE_MAX)
        md_inline(c, para, c->n);
    directives_end(c);
}

/* ------------------------------------------------------- reStructuredText */

static int code_directive(const unsigned char *name, size_t len)
{
    static const char *const code[] = {"code-block", "code", "sourcecode", "literalinclude", "math", "raw",
                                       "highlight", "include", "doctest", "testcode", "testoutput",
                                       "productionlist", "graphviz", "graph", "digraph", "uml", "csv-table"};
    for (size_t k = 0; k < sizeof code / sizeof *code; k++)
        if (strlen(code[k]) == len && memcmp(name, code[k], len) == 0)
            return 1;
    return 0;
}

static int code_role(const unsigned char *name, size_t len)
{
    static const char *const roles[] = {"code", "literal", "file", "math", "kbd", "samp", "command", "program",
                                        "envvar", "option", "ref", "doc", "download", "term", "py:func", "func",
                                        "class", "meth", "mod", "attr", "data", "const", "exc", "obj"};
    for (size_t k = 0; k < sizeof roles / sizeof *roles; k++)
        if (strlen(roles[k]) == len && memcmp(name, roles[k], len) == 0)
            return 1;
    return 0;
}

static void rst_inline(scan *c, size_t a, size_t b)
{
    const unsigned char *s = c->s;
    for (size_t i = a; i < b;) {
        unsigned ch = s[i];
        size_t e = 0;
        if (ch == '\\') {
            e = i + 2;
        } else if (ch == '`' && i + 1 < b && s[i + 1] == '`') {
            const unsigned char *p = memmem(s + i + 2, b - i - 2, "``", 2);
            e = p ? (size_t)(p - s) + 2 : b;
            skip(c, i, e);
        } else if (ch == ':' && i + 1 < b && is_alpha(s[i + 1]) && (i == a || !is_wordish(s[i - 1]))) {
            /* :role:`text` */
            size_t j = i + 1;
            while (j < b && (is_alnum(s[j]) || s[j] == '-' || s[j] == '_' || s[j] == ':' || s[j] == '.'))
                j++;
            if (j < b && s[j] == '`' && s[j - 1] == ':') {
                skip(c, i, j);
                const unsigned char *p = memchr(s + j + 1, '`', b - j - 1);
                size_t close = p ? (size_t)(p - s) + 1 : b;
                if (code_role(s + i + 1, j - i - 2))
                    skip(c, j, close);
                e = close;
            }
        } else if (ch == '<' && i > a && (s[i - 1] == ' ' || s[i - 1] == '`')) {
            /* `text <target>`_ */
            const unsigned char *p = memchr(s + i, '>', b - i);
            if (p && (size_t)(p - s) + 1 < b && p[1] == '`') {
                e = (size_t)(p - s) + 1;
                skip(c, i, e);
            }
        } else if (ch == ':' || ch == 'w' || ch == 'W' || ch == '@') {
            e = try_url(c, i);
        }
        i = e > i ? e : i + 1;
    }
}

static void scan_rst(scan *c)
{
    size_t block_ind = 0, block_start = 0;
    int in_block = 0;      /* a literal block / code directive body / comment: skipped */
    int expect_literal = 0; /* the previous paragraph ended with "::" */
    size_t expect_ind = 0;
    int in_options = 0;    /* the option lines right after a directive */
    size_t dir_ind = 0;
    for (size_t ls = 0; ls < c->n;) {
        size_t le = line_end(c, ls), next = le < c->n ? le + 1 : c->n, p;
        size_t ind = indent(c, ls, le, &p);
        int blank = blank_line(c, p, le);
        if (in_block) {
            if (blank || ind > block_ind) {
                ls = next;
                continue;
            }
            skip(c, block_start, ls);
            in_block = 0;
        }
        if (blank) {
            in_options = 0;
            ls = next;
            continue;
        }
        if (expect_literal) {
            expect_literal = 0;
            if (ind > expect_ind) {
                in_block = 1;
                block_ind = expect_ind;
                block_start = ls;
                ls = next;
                continue;
            }
        }
        if (in_options && ind > dir_ind && c->s[p] == ':') {
            skip(c, ls, le); /* :option: value */
            ls = next;
            continue;
        }
        in_options = 0;
        if (p + 2 < le && c->s[p] == '.' && c->s[p + 1] == '.' && (c->s[p + 2] == ' ' || c->s[p + 2] == '\t')) {
            size_t q = p + 3;
            while (q < le && is_space(c->s[q]))
                q++;
            size_t r = q;
            while (r < le && (is_alnum(c->s[r]) || c->s[r] == '-' || c->s[r] == '_' || c->s[r] == ':'))
                r++;
            if (q < le && (c->s[q] == '_' || c->s[q] == '|')) {
                skip(c, ls, le); /* a hyperlink target or a substitution definition */
            } else if (q < le && c->s[q] == '[') {
                const unsigned char *rb = memchr(c->s + q, ']', le - q);
                size_t e = rb ? (size_t)(rb - c->s) + 1 : le;
                skip(c, ls, e); /* a footnote or citation label; its text is prose */
                rst_inline(c, e, le);
            } else if (r > q + 2 && c->s[r - 1] == ':' && c->s[r - 2] == ':') {
                /* a directive: ".. name:: arguments" */
                size_t nlen = r - q - 2;
                int code = code_directive(c->s + q, nlen);
                /* the arguments of a code directive name a language or a
                   file; those of others (note, warning ...) are prose */
                skip(c, ls, code ? le : r);
                if (!code)
                    rst_inline(c, r, le);
                if (code) {
                    in_block = 1;
                    block_ind = ind;
                    block_start = next;
                } else {
                    in_options = 1;
                    dir_ind = ind;
                }
            } else {
                /* a comment, with its indented continuation */
                size_t e = next;
                while (e < c->n) {
                    size_t le2 = line_end(c, e), p2;
                    size_t ind2 = indent(c, e, le2, &p2);
                    if (!blank_line(c, p2, le2) && ind2 <= ind)
                        break;
                    e = le2 < c->n ? le2 + 1 : c->n;
                }
                skip(c, ls, e);
                directives(c, ls, e);
                ls = e;
                continue;
            }
            ls = next;
            continue;
        }
        rst_inline(c, ls, le);
        /* "paragraph::" introduces a literal block */
        size_t t = le;
        while (t > p && is_space(c->s[t - 1]))
            t--;
        if (t >= p + 2 && c->s[t - 1] == ':' && c->s[t - 2] == ':') {
            expect_literal = 1;
            expect_ind = ind;
        }
        ls = next;
    }
    if (in_block)
        skip(c, block_start, c->n);
    directives_end(c);
}

/* ------------------------------------------------------------------- TeX */

static int verbatim_env(const unsigned char *name, size_t len)
{
    static const char *const envs[] = {"verbatim", "verbatim*", "Verbatim", "lstlisting", "minted", "comment",
                                       "equation", "equation*", "align", "align*", "displaymath", "math",
                                       "gather", "gather*", "multline", "multline*", "eqnarray", "eqnarray*",
                                       "alltt", "tikzpicture", "tabbing", "filecontents"};
    for (size_t k = 0; k < sizeof envs / sizeof *envs; k++)
        if (strlen(envs[k]) == len && memcmp(name, envs[k], len) == 0)
            return 1;
    return 0;
}

static int arg_command(const unsigned char *name, size_t len)
{
    static const char *const cmds[] = {"url", "href", "ref", "eqref", "pageref", "autoref", "cref", "Cref",
                                       "label", "cite", "citep", "citet", "citeauthor", "citeyear", "nocite",
                                       "input", "include", "includegraphics", "usepackage", "documentclass",
                                       "bibliography", "bibliographystyle", "begin", "end", "newcommand",
                                       "renewcommand", "newenvironment", "setlength", "hspace", "vspace",
                                       "pagestyle", "thispagestyle", "color", "textcolor", "definecolor",
                                       "lstinline", "texttt", "path", "hypersetup", "graphicspath"};
    for (size_t k = 0; k < sizeof cmds / sizeof *cmds; k++)
        if (strlen(cmds[k]) == len && memcmp(name, cmds[k], len) == 0)
            return 1;
    return 0;
}

/* End of a balanced group starting at i ('{' or '['). */
static size_t group_end(const scan *c, size_t i)
{
    unsigned char open = c->s[i], close = open == '{' ? '}' : ']';
    int depth = 0;
    for (size_t j = i; j < c->n; j++) {
        if (c->s[j] == '\\') {
            j++;
            continue;
        }
        if (c->s[j] == open)
            depth++;
        else if (c->s[j] == close && --depth == 0)
            return j + 1;
    }
    return c->n;
}

static void scan_tex(scan *c)
{
    const unsigned char *s = c->s;
    const unsigned char *tab = tex_tab;
    for (size_t i = 0; i < c->n;) {
        unsigned ch = s[i];
        if (!tab[ch]) {
            i++;
            continue;
        }
        size_t e = 0;
        if (ch == '%') {
            e = line_end(c, i);
            skip(c, i, e);
            directives(c, i, e);
        } else if (ch == '$') {
            int dbl = i + 1 < c->n && s[i + 1] == '$';
            size_t j = i + 1 + (size_t)dbl;
            for (; j < c->n; j++) {
                if (s[j] == '\\') {
                    j++;
                    continue;
                }
                if (s[j] == '$')
                    break;
            }
            e = j < c->n ? j + 1 + (size_t)(dbl && j + 1 < c->n && s[j + 1] == '$') : c->n;
            skip(c, i, e);
        } else if (ch == '\\') {
            size_t j = i + 1;
            if (j < c->n && is_alpha(s[j])) {
                while (j < c->n && is_alpha(s[j]))
                    j++;
                if (j < c->n && s[j] == '*')
                    j++;
                const unsigned char *name = s + i + 1;
                size_t nlen = (size_t)(s + j - name);
                skip(c, i, j);
                e = j;
                if (nlen == 4 && memcmp(name, "verb", 4) == 0 && j < c->n) {
                    const unsigned char *p = memchr(s + j + 1, s[j], c->n - j - 1);
                    e = p ? (size_t)(p - s) + 1 : c->n;
                    skip(c, i, e);
                } else if (arg_command(name, nlen)) {
                    size_t k = j;
                    while (k < c->n && is_space(s[k]))
                        k++;
                    if (k < c->n && s[k] == '[')
                        k = group_end(c, k);
                    if (k < c->n && s[k] == '{') {
                        size_t g = group_end(c, k);
                        skip(c, j, g);
                        e = g;
                        if (nlen == 5 && memcmp(name, "begin", 5) == 0 && verbatim_env(s + k + 1, g - k - 2)) {
                            char endtag[64];
                            size_t el = g - k - 2;
                            if (el + 6 < sizeof endtag) {
                                memcpy(endtag, "\\end{", 5);
                                memcpy(endtag + 5, s + k + 1, el);
                                endtag[5 + el] = '}';
                                endtag[6 + el] = 0;
                                const unsigned char *p = memmem(s + g, c->n - g, endtag, el + 6);
                                e = p ? (size_t)(p - s) + el + 6 : c->n;
                                skip(c, i, e);
                            }
                        }
                    }
                }
            } else if (j < c->n && (s[j] == '(' || s[j] == '[')) {
                const char *close = s[j] == '(' ? "\\)" : "\\]";
                const unsigned char *p = memmem(s + j, c->n - j, close, 2);
                e = p ? (size_t)(p - s) + 2 : c->n;
                skip(c, i, e);
            } else {
                e = j + 1;
                skip(c, i, e);
            }
        } else {
            e = try_url(c, i);
        }
        i = e > i ? e : i + 1;
    }
    directives_end(c);
}

/* ------------------------------------------------------------------ entry */

int onoma__markup_ranges(const char *s, size_t n, int markup, onoma__ranges *out)
{
    out->n = 0;
    scan c = {(const unsigned char *)s, n, out, 0, 0, 0};
    switch (markup) {
    case ONOMA_MARKUP_MARKDOWN: scan_markdown(&c); break;
    case ONOMA_MARKUP_HTML: scan_html(&c); break;
    case ONOMA_MARKUP_RST: scan_rst(&c); break;
    case ONOMA_MARKUP_TEX: scan_tex(&c); break;
    default: scan_text(&c); break;
    }
    if (c.rc)
        return c.rc;
    onoma__ranges_normalize(out);
    return 0;
}

/* ---------------------------------------------------------------- naming */

static const char *const markup_names[ONOMA_MARKUP_COUNT] = {"text", "markdown", "html", "rst", "tex"};

const char *onoma_markup_name(int markup)
{
    return markup >= 0 && markup < ONOMA_MARKUP_COUNT ? markup_names[markup] : "text";
}

int onoma_markup_from_name(const char *name)
{
    static const struct {
        const char *name;
        int markup;
    } alias[] = {
        {"text", ONOMA_MARKUP_TEXT},         {"txt", ONOMA_MARKUP_TEXT},          {"plaintext", ONOMA_MARKUP_TEXT},
        {"plain", ONOMA_MARKUP_TEXT},        {"markdown", ONOMA_MARKUP_MARKDOWN}, {"md", ONOMA_MARKUP_MARKDOWN},
        {"html", ONOMA_MARKUP_HTML},         {"htm", ONOMA_MARKUP_HTML},          {"xhtml", ONOMA_MARKUP_HTML},
        {"rst", ONOMA_MARKUP_RST},           {"restructuredtext", ONOMA_MARKUP_RST},
        {"tex", ONOMA_MARKUP_TEX},           {"latex", ONOMA_MARKUP_TEX},
    };
    if (!name)
        return -1;
    for (size_t i = 0; i < sizeof alias / sizeof *alias; i++)
        if (strcasecmp(name, alias[i].name) == 0)
            return alias[i].markup;
    return -1;
}

int onoma_markup_for_path(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    const char *base = slash ? slash + 1 : path;
    const char *dot = base ? strrchr(base, '.') : NULL;
    if (!dot || dot == base)
        return ONOMA_MARKUP_TEXT;
    static const struct {
        const char *ext;
        int markup;
    } ext[] = {
        {"md", ONOMA_MARKUP_MARKDOWN}, {"markdown", ONOMA_MARKUP_MARKDOWN}, {"mdown", ONOMA_MARKUP_MARKDOWN},
        {"mkd", ONOMA_MARKUP_MARKDOWN}, {"html", ONOMA_MARKUP_HTML},        {"htm", ONOMA_MARKUP_HTML},
        {"xhtml", ONOMA_MARKUP_HTML},  {"rst", ONOMA_MARKUP_RST},          {"rest", ONOMA_MARKUP_RST},
        {"tex", ONOMA_MARKUP_TEX},     {"ltx", ONOMA_MARKUP_TEX},          {"sty", ONOMA_MARKUP_TEX},
    };
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++)
        if (strcasecmp(dot + 1, ext[i].ext) == 0)
            return ext[i].markup;
    return ONOMA_MARKUP_TEXT;
}
