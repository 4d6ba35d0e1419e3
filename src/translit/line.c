/* One line: words, their neighbours, the cache.
 *
 * The reference is the line run through each transform as a whole (what
 * ONOMA_TRANSLIT_NO_CACHE does). Words are cut at ASCII white space; a
 * word's output is remembered under a key made of the transform, the word
 * and, for FEATURE transforms, what the rules can see of its neighbours:
 *
 * The bundled Arabic-script schemes have rules that reach across spaces
 * (' '+ in their contexts): the tā’ marbūṭah of a word followed by another
 * word (construct state), the ezāfe on a final kasrah, the article after a
 * word or after the particles ذو ابو بو فی, lower-case particles in BGN
 * Arabic, آباد joined to the word before it. What those rules test of a
 * neighbour is the class of its edge character (an Arabic letter or mark;
 * another letter or ‘’ʾʿ; anything else) and, before a word beginning with
 * alef, the neighbour itself when it is a short word (a particle). So the
 * word is transliterated between stand-ins of those classes ("كتاب", "x",
 * "."), or after the short word itself, and its part of the output cut
 * out; the stand-ins' own output is checked, and when it is not what it
 * must be, or a neighbour's edge is something unusual (a format control,
 * tatweel, a presentation form), the run of words joined by spaces is done
 * as a whole. scheme_mode() (translit.c) accepts FEATURE only for rule
 * files whose space-crossing rules are all of the known kinds. */
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include "common/error.h"
#include "common/hash.h"
#include "text/utf8.h"
#include "translit/engine.h"

static inline int is_ws(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

static int all_spaces(const char *s, size_t n)
{
    if (!n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ')
            return 0;
    return 1;
}

/* ------------------------------------------------------------ words */

/* Cut the line into words; *bad = offset of the first byte that is not
 * valid UTF-8 (or a NUL, unless nul_ok), n if none. Invalid bytes are left
 * out of words (KEEP copies them as they are). */
static int tokenize(onoma_translit *tr, const char *str, size_t n, int nul_ok, size_t *bad)
{
    const unsigned char *s = (const unsigned char *)str;
    tr->ntoks = 0;
    *bad = n;
    size_t i = 0;
    while (i < n) {
        while (i < n && is_ws(s[i]))
            i++;
        if (i >= n)
            break;
        onoma__tok t = {(uint32_t)i, 0, ONOMA__SCRIPT_OTHER, 1, 0, 0, 0, -1, 0};
        while (i < n && !is_ws(s[i])) {
            unsigned c = s[i];
            if (c < 0x80) {
                if (!c && !nul_ok && *bad == n)
                    *bad = i;
                i++;
                continue;
            }
            uint32_t cp;
            int len;
            if (c >= 0xC2 && c <= 0xDF && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
                cp = ((c & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu); /* the common case, inline */
                len = 2;
            } else {
                len = onoma__utf8_decode(s + i, n - i, &cp);
            }
            if (len <= 0) {
                if (*bad == n)
                    *bad = i;
                if (i == t.s) { /* an invalid byte (KEEP): left out of words */
                    i++;
                    t.s = (uint32_t)i;
                    continue;
                }
                break;
            }
            t.ascii = 0;
            if (cp >= 0x200B && ((cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
                                 cp == 0xFEFF))
                t.format = 1;
            int sc = onoma__cp_script(cp);
            if (sc != ONOMA__SCRIPT_OTHER) {
                if (t.script == ONOMA__SCRIPT_OTHER)
                    t.script = (int16_t)sc;
                else if (t.script != sc)
                    t.mixed = 1;
            }
            i += (size_t)len;
        }
        t.e = (uint32_t)i;
        if (t.e == t.s)
            continue;
        if (tr->ntoks == tr->captoks) {
            size_t nc = tr->captoks ? tr->captoks * 2 : 256;
            onoma__tok *nt = realloc(tr->toks, nc * sizeof *nt);
            if (!nt)
                return ONOMA_ENOMEM;
            tr->toks = nt;
            tr->captoks = nc;
        }
        tr->toks[tr->ntoks++] = t;
        /* an invalid byte ends the word: skip it */
        while (i < n && s[i] >= 0x80) {
            uint32_t cp;
            if (onoma__utf8_decode(s + i, n - i, &cp) > 0)
                break;
            if (*bad == n)
                *bad = i;
            i++;
        }
    }
    return 0;
}

/* ------------------------------------------------- neighbour classes */

/* Classes of U+0600..U+06FF, from ICU once (the hot path asks per word). */
enum { C_LETTER = 1, C_MARK = 2, C_UNUSUAL = 4 };
static uint8_t arab_cls[256];
static pthread_once_t arab_once = PTHREAD_ONCE_INIT;

static int slow_letter(uint32_t cp)
{
    return onoma__cp_script(cp) == ONOMA__SCRIPT_ARAB && cp < 0xFB50 && cp != 0x0640 && u_isalpha((UChar32)cp);
}

static int slow_mark(uint32_t cp)
{
    if (onoma__cp_script(cp) != ONOMA__SCRIPT_ARAB || cp >= 0xFB50)
        return 0;
    int8_t t = u_charType((UChar32)cp);
    return t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK || t == U_ENCLOSING_MARK;
}

/* Characters whose effect on the rules cannot be summed up by a class:
 * removed or rewritten before the rules look (tatweel, format controls,
 * presentation forms, private use). */
static int slow_unusual(uint32_t cp)
{
    if (cp == 0x0640 || (cp >= 0xFB50 && cp < 0xFF00 && onoma__cp_script(cp) == ONOMA__SCRIPT_ARAB))
        return 1;
    int8_t t = u_charType((UChar32)cp);
    return t == U_FORMAT_CHAR || t == U_PRIVATE_USE_CHAR || t == U_UNASSIGNED || t == U_CONTROL_CHAR ||
           t == U_SURROGATE;
}

static void arab_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t cp = 0x600 + i;
        arab_cls[i] = (uint8_t)((slow_letter(cp) ? C_LETTER : 0) | (slow_mark(cp) ? C_MARK : 0) |
                                (slow_unusual(cp) ? C_UNUSUAL : 0));
    }
}

void onoma__line_init(void) { pthread_once(&arab_once, arab_init); }

static inline int arab_letter(uint32_t cp)
{
    return cp - 0x600u < 256u ? (arab_cls[cp - 0x600] & C_LETTER) != 0 : cp > 0x6FF && slow_letter(cp);
}

static inline int arab_mark(uint32_t cp)
{
    return cp - 0x600u < 256u ? (arab_cls[cp - 0x600] & C_MARK) != 0 : cp > 0x6FF && slow_mark(cp);
}

static inline int unusual(uint32_t cp)
{
    if (cp < 0x80)
        return cp < 0x20 || cp == 0x7F;
    return cp - 0x600u < 256u ? (arab_cls[cp - 0x600] & C_UNUSUAL) != 0 : slow_unusual(cp);
}

static uint32_t last_cp(const char *s, size_t n, size_t *at)
{
    size_t i = n;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i > 0)
        i--;
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    uint32_t cp = 0xFFFD;
    if (onoma__utf8_decode((const unsigned char *)s + i, n - i, &cp) <= 0)
        cp = 0xFFFD;
    *at = i;
    return cp;
}

static uint32_t first_cp(const char *s, size_t n)
{
    uint32_t cp = 0xFFFD;
    if (onoma__utf8_decode((const unsigned char *)s, n, &cp) <= 0)
        cp = 0xFFFD;
    return cp;
}

static int starts_with_alef(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int len = onoma__utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (len <= 0)
            return 0;
        i += (size_t)len;
        if (arab_mark(cp))
            continue;
        return cp == 0x0627 || cp == 0x0623 || cp == 0x0625 || cp == 0x0622 || cp == 0x0671;
    }
    return 0;
}

/* Class of the left neighbour a[0..an) of word w; for NB_ID, id and idn give
 * the neighbour's trailing Arabic word. */
static int left_class(const char *a, size_t an, const char *w, size_t wn, const char **id, size_t *idn)
{
    size_t at;
    uint32_t c = last_cp(a, an, &at);
    if (unusual(c))
        return ONOMA__NB_HARD;
    if (arab_letter(c) || arab_mark(c)) {
        if (!starts_with_alef(w, wn))
            return ONOMA__NB_ARAB;
        /* the trailing run of Arabic letters and marks, and its letters */
        size_t start = at, letters = 0;
        size_t i = an;
        while (i > 0) {
            size_t j;
            uint32_t cp = last_cp(a, i, &j);
            if (!(arab_letter(cp) || arab_mark(cp)))
                break;
            letters += arab_letter(cp);
            start = j;
            i = j;
            if (letters > 3)
                return ONOMA__NB_ARAB;
        }
        *id = a + start;
        *idn = an - start;
        return ONOMA__NB_ID;
    }
    if (c < 0x80)
        return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ? ONOMA__NB_LET : ONOMA__NB_OTH;
    if (c == 0x2018 || c == 0x2019 || c == 0x02BE || c == 0x02BF || u_isalpha((UChar32)c))
        return ONOMA__NB_LET;
    int8_t t = u_charType((UChar32)c);
    if (t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK || t == U_ENCLOSING_MARK)
        return ONOMA__NB_LET;
    return ONOMA__NB_OTH;
}

static int right_class(const char *b, size_t bn)
{
    uint32_t c = first_cp(b, bn);
    if (unusual(c) || arab_mark(c))
        return ONOMA__NB_HARD;
    if (arab_letter(c))
        return ONOMA__NB_ARAB;
    return ONOMA__NB_OTH;
}

/* Stand-ins: by class, on the left and on the right. */
const char *const onoma__nb_standin[4] = {"", "\xD9\x83\xD8\xAA\xD8\xA7\xD8\xA8" /* كتاب */, "x", "."};

/* ------------------------------------------------------- transforms */

static int apply(onoma_translit *tr, long rt, const char *s, size_t n, onoma__buf *out, onoma_error *err);

/* A word through the names model: its letters; what stands before and
 * after them (punctuation, digits) through the language's scheme. */
static int names_word(onoma_translit *tr, long rt, const char *s, size_t n, onoma__buf *out, onoma_error *err)
{
    size_t a = n, b = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int len = onoma__utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (len <= 0)
            len = 1;
        else if (u_isalpha((UChar32)cp)) {
            if (a == n)
                a = i;
            b = i + (size_t)len;
        }
        i += (size_t)len;
    }
    int lang = tr->sh->rt[rt].lang;
    long scheme = tr->sh->lang_rt[lang];
    if (a == n) /* no letter */
        return scheme >= 0 ? apply(tr, scheme, s, n, out, err) : onoma__buf_put(out, s, n);
    int rc = 0;
    if (a > 0)
        rc = scheme >= 0 ? apply(tr, scheme, s, a, out, err) : onoma__buf_put(out, s, a);
    if (!rc && (rc = onoma__names_hook_run(tr->sh, lang, s + a, b - a, out)))
        rc = onoma__error(err, rc, tr->name, tr->lineno, 0, "the names model failed (%s)", onoma_strerror(rc));
    if (!rc && b < n)
        rc = scheme >= 0 ? apply(tr, scheme, s + b, n - b, out, err) : onoma__buf_put(out, s + b, n - b);
    return rc;
}

static int apply(onoma_translit *tr, long rt, const char *s, size_t n, onoma__buf *out, onoma_error *err)
{
    UTransliterator *t;
    int rc = onoma__rt_get(tr, rt, &t, err);
    if (rc)
        return rc;
    if (tr->sh->rt[rt].kind == ONOMA__RT_NAMES)
        return names_word(tr, rt, s, n, out, err);
    rc = onoma__icu_run(t, &tr->ub, s, n, out);
    if (rc)
        return onoma__error(err, rc, tr->name, tr->lineno, 0, "transliteration failed (%s)", onoma_strerror(rc));
    return 0;
}

/* Upper-case the first letter of each word of b[from..) (NAMES). */
static int title_words(onoma__buf *b, size_t from, onoma__buf *tmp)
{
    tmp->len = 0;
    int at_start = 1;
    for (size_t i = from; i < b->len;) {
        unsigned char c = (unsigned char)b->data[i];
        if (is_ws(c) || c == '\n') {
            at_start = 1;
            onoma__buf_putc(tmp, (char)c);
            i++;
            continue;
        }
        uint32_t cp;
        int len = onoma__utf8_decode((const unsigned char *)b->data + i, b->len - i, &cp);
        if (len <= 0) {
            onoma__buf_putc(tmp, (char)c);
            i++;
            continue;
        }
        if (at_start && u_isalpha((UChar32)cp)) {
            uint32_t up = (uint32_t)u_totitle((UChar32)cp);
            char enc[4];
            onoma__buf_put(tmp, enc, (size_t)onoma__utf8_encode(up, enc));
            at_start = 0;
        } else {
            onoma__buf_put(tmp, b->data + i, (size_t)len);
        }
        i += (size_t)len;
    }
    b->len = from;
    return onoma__buf_put(b, tmp->data, tmp->len);
}

/* A letter of a transliterated script in b[from..)? */
static int residue_in(const onoma__buf *b, size_t from)
{
    for (size_t i = from; i < b->len;) {
        unsigned char c = (unsigned char)b->data[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        int len = onoma__utf8_decode((const unsigned char *)b->data + i, b->len - i, &cp);
        if (len <= 0) {
            i++;
            continue;
        }
        i += (size_t)len;
        if (onoma__cp_script(cp) != ONOMA__SCRIPT_OTHER && u_isalpha((UChar32)cp)) {
            UErrorCode st = U_ZERO_ERROR;
            UScriptCode sc = uscript_getScript((UChar32)cp, &st);
            if (sc == USCRIPT_ARABIC || sc == USCRIPT_CYRILLIC || sc == USCRIPT_GREEK || sc == USCRIPT_HEBREW)
                return 1;
        }
    }
    return 0;
}

/* No letter of a transliterated script may be left: what a scheme misses
 * goes through Any-Latin, and what that misses is dropped. */
static int no_residue(onoma_translit *tr, onoma__buf *b, size_t from, onoma_error *err)
{
    if (!residue_in(b, from))
        return 0;
    tr->tmp.len = 0;
    int rc = apply(tr, tr->sh->fix_rt, b->data + from, b->len - from, &tr->tmp, err);
    if (rc)
        return rc;
    b->len = from;
    for (size_t i = 0; i < tr->tmp.len;) {
        uint32_t cp;
        int len = onoma__utf8_decode((const unsigned char *)tr->tmp.data + i, tr->tmp.len - i, &cp);
        if (len <= 0)
            len = 1;
        else if (onoma__cp_script(cp) != ONOMA__SCRIPT_OTHER && u_isalpha((UChar32)cp)) {
            UErrorCode st = U_ZERO_ERROR;
            UScriptCode sc = uscript_getScript((UChar32)cp, &st);
            if (sc == USCRIPT_ARABIC || sc == USCRIPT_CYRILLIC || sc == USCRIPT_GREEK || sc == USCRIPT_HEBREW) {
                i += (size_t)len;
                continue;
            }
        }
        if (onoma__buf_put(b, tr->tmp.data + i, (size_t)len))
            return onoma__error(err, ONOMA_ENOMEM, tr->name, 0, 0, NULL);
        i += (size_t)len;
    }
    return 0;
}

/* Residue, NAMES title case and the ASCII pass over b[from..). */
static int finish_unit(onoma_translit *tr, onoma__buf *b, size_t from, onoma_error *err)
{
    const onoma__tshared *sh = tr->sh;
    int rc0 = no_residue(tr, b, from, err);
    if (rc0)
        return rc0;
    if ((sh->flags & ONOMA_TRANSLIT_NAMES) && title_words(b, from, &tr->tmp))
        return onoma__error(err, ONOMA_ENOMEM, tr->name, 0, 0, NULL);
    if ((sh->flags & ONOMA_TRANSLIT_ASCII) && sh->ascii_rt >= 0) {
        tr->tmp.len = 0;
        int rc = apply(tr, sh->ascii_rt, b->data + from, b->len - from, &tr->tmp, err);
        if (rc)
            return rc;
        b->len = from;
        if (onoma__buf_put(b, tr->tmp.data, tr->tmp.len))
            return onoma__error(err, ONOMA_ENOMEM, tr->name, 0, 0, NULL);
    }
    return 0;
}

/* The transforms a whole line (or chain) goes through, in order: the
 * ones of the scripts present, then Any-Latin for the rest. */
typedef struct plan {
    long script_rt[ONOMA__SCRIPT_COUNT];
    int script_lang[ONOMA__SCRIPT_COUNT];
    int other_nonascii; /* words of other scripts that are not ASCII */
    long main;          /* transform of the script with the most words */
} plan;

static int punct_only(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
            return 0;
    }
    return 1;
}

static int run_plan(onoma_translit *tr, const plan *p, const char *s, size_t n, onoma__buf *out, onoma_error *err)
{
    onoma__buf *cur = &tr->tmp2;
    cur->len = 0;
    long ar = p->script_rt[ONOMA__SCRIPT_ARAB];
    const onoma__lexicon *lxs[2] = {ar >= 0 && tr->sh->rt[ar].lex_lang >= 0 ? tr->sh->words[tr->sh->rt[ar].lex_lang] : NULL,
                                    tr->sh->lexicon};
    if ((lxs[0] || lxs[1]) && ar >= 0 && tr->sh->rt[ar].kind == ONOMA__RT_SCHEME) {
        /* the lexicons' short vowels, as for words one by one */
        if (onoma__lexicon_point_text(lxs, s, n, cur))
            return onoma__error(err, ONOMA_ENOMEM, tr->name, 0, 0, NULL);
    } else if (onoma__buf_put(cur, s, n)) {
        return onoma__error(err, ONOMA_ENOMEM, tr->name, 0, 0, NULL);
    }
    long done[ONOMA__SCRIPT_COUNT + 1];
    size_t nd = 0;
    for (int sc = 1; sc <= ONOMA__SCRIPT_COUNT; sc++) {
        long rt = sc < ONOMA__SCRIPT_COUNT ? p->script_rt[sc] : (p->other_nonascii ? tr->sh->any_rt : -1);
        if (sc == ONOMA__SCRIPT_COUNT && tr->sh->all_rt >= 0)
            rt = tr->sh->all_rt;
        if (rt < 0)
            continue;
        if (tr->sh->rt[rt].kind == ONOMA__RT_NAMES) /* the names model reads words, not lines */
            rt = tr->sh->lang_rt[tr->sh->rt[rt].lang];
        int seen = 0;
        for (size_t k = 0; k < nd; k++)
            seen |= done[k] == rt;
        if (seen || rt < 0)
            continue;
        done[nd++] = rt;
        tr->syn.len = 0;
        int rc = apply(tr, rt, cur->data, cur->len, &tr->syn, err);
        if (rc)
            return rc;
        onoma__buf t = *cur;
        *cur = tr->syn;
        tr->syn = t;
    }
    size_t from = out->len;
    if (onoma__buf_put(out, cur->data, cur->len))
        return onoma__error(err, ONOMA_ENOMEM, tr->name, 0, 0, NULL);
    return finish_unit(tr, out, from, err);
}

/* ------------------------------------------------------------ cache */

static int key_start(onoma_translit *tr, long rt, int lf, int rf, size_t lsep, const char *id, size_t idn)
{
    onoma__buf *k = &tr->key;
    k->len = 0;
    uint32_t r = (uint32_t)rt;
    unsigned char hdr[8] = {(unsigned char)r, (unsigned char)(r >> 8), (unsigned char)lf, (unsigned char)rf,
                            (unsigned char)(lsep > 255 ? 255 : lsep), (unsigned char)(idn > 255 ? 255 : idn), 0, 0};
    if (onoma__buf_put(k, hdr, 6) || onoma__buf_put(k, id, idn))
        return ONOMA_ENOMEM;
    return 0;
}

/* One word by a TOKEN or FEATURE transform; *fail set when the stand-ins
 * misbehave (then the caller does the chain). Output (with the separator
 * before the word when lf is not NONE) is appended to tr->out. */
static int do_word(onoma_translit *tr, long rt, const char *line, size_t ti, int *fail, onoma_error *err)
{
    onoma__tok *t = &tr->toks[ti];
    const onoma__rt *R = &tr->sh->rt[rt];
    const char *w = line + t->s;
    size_t wn = t->e - t->s;
    int lf = ONOMA__NB_NONE, rf = ONOMA__NB_NONE;
    size_t lsep = 0, idn = 0;
    const char *id = NULL;
    if (R->mode == ONOMA__MODE_FEATURE) {
        if (ti > 0 && all_spaces(line + tr->toks[ti - 1].e, t->s - tr->toks[ti - 1].e)) {
            lsep = t->s - tr->toks[ti - 1].e;
            const onoma__tok *a = &tr->toks[ti - 1];
            lf = left_class(line + a->s, a->e - a->s, w, wn, &id, &idn);
        }
        if (ti + 1 < tr->ntoks && all_spaces(line + t->e, tr->toks[ti + 1].s - t->e)) {
            const onoma__tok *b = &tr->toks[ti + 1];
            rf = right_class(line + b->s, b->e - b->s);
        }
        if (lf == ONOMA__NB_HARD || rf == ONOMA__NB_HARD || lsep > 200 || idn > 200) {
            *fail = 1;
            return 0;
        }
    }
    if (key_start(tr, rt, lf, rf, lsep, id, idn) || onoma__buf_put(&tr->key, w, wn))
        return onoma__error(err, ONOMA_ENOMEM, tr->name, 0, 0, NULL);
    uint64_t h = onoma__hash(tr->key.data, tr->key.len);
    size_t vlen;
    unsigned flags;
    const char *v = onoma__tcache_get(&tr->cache, h, tr->key.data, tr->key.len, &vlen, &flags);
    if (v) {
        if (onoma__buf_put(&tr->out, v, vlen))
            return onoma__error(err, ONOMA_ENOMEM, tr->name, 0, 0, NULL);
        return 0;
    }
    /* not seen: the lexicon's short vowels, then transliterate between the
     * stand-ins */
    const onoma__lexicon *lxs[2] = {R->lex_lang >= 0 ? tr->sh->words[R->lex_lang] : NULL, tr->sh->lexicon};
    if ((lxs[0] || lxs[1]) && R->script == ONOMA__SCRIPT_ARAB && R->kind == ONOMA__RT_SCHEME) {
        tr->lexw.len = 0;
        int r = onoma__lexicon_point(lxs, w, wn, &tr->lexw);
        if (r < 0)
            return onoma__error(err, ONOMA_ENOMEM, tr->name, 0, 0, NULL);
        if (r) {
            w = tr->lexw.data;
            wn = tr->lexw.len;
        }
        tr->lexid.len = 0;
        if (id && (r = onoma__lexicon_point(lxs, id, idn, &tr->lexid)) < 0)
            return onoma__error(err, ONOMA_ENOMEM, tr->name, 0, 0, NULL);
        if (id && r) {
            id = tr->lexid.data;
            idn = tr->lexid.len;
        }
    }
    onoma__buf *syn = &tr->syn;
    syn->len = 0;
    const char *pre = "";
    onoma__buf *res = &tr->tmp2;
    res->len = 0;
    size_t prelen = 0;
    if (lf != ONOMA__NB_NONE) {
        if (lf == ONOMA__NB_ID) {
            /* the short word's output when a word like w follows it */
            int wc = right_class(w, wn);
            if (wc == ONOMA__NB_HARD) {
                *fail = 1;
                return 0;
            }
            onoma__buf_put(syn, id, idn);
            onoma__buf_putc(syn, ' ');
            onoma__buf_puts(syn, onoma__nb_standin[wc]);
            int rc = apply(tr, rt, syn->data, syn->len, res, err);
            if (rc)
                return rc;
            size_t dn = strlen(R->dr[wc]);
            if (res->len < dn + 1 || res->data[res->len - dn - 1] != ' ' ||
                memcmp(res->data + res->len - dn, R->dr[wc], dn) != 0) {
                *fail = 1;
                return 0;
            }
            res->len -= dn + 1;
            prelen = res->len;
            syn->len = 0;
            onoma__buf_put(syn, id, idn);
        } else {
            pre = R->dl[lf];
            prelen = strlen(pre);
            onoma__buf_puts(syn, onoma__nb_standin[lf]);
        }
        for (size_t k = 0; k < lsep; k++)
            onoma__buf_putc(syn, ' ');
    }
    onoma__buf_put(syn, w, wn);
    if (rf != ONOMA__NB_NONE) {
        onoma__buf_putc(syn, ' ');
        onoma__buf_puts(syn, onoma__nb_standin[rf]);
    }
    size_t from = res->len;
    int rc = apply(tr, rt, syn->data, syn->len, res, err);
    if (rc)
        return rc;
    pre = lf == ONOMA__NB_ID ? res->data : pre;
    const char *r = res->data + from;
    size_t rn = res->len - from;
    const char *suf = rf != ONOMA__NB_NONE ? R->dr[rf] : "";
    size_t sufn = strlen(suf);
    if (rn < prelen + sufn + (rf != ONOMA__NB_NONE) || memcmp(r, pre, prelen) != 0 ||
        (rf != ONOMA__NB_NONE && (r[rn - sufn - 1] != ' ' || memcmp(r + rn - sufn, suf, sufn) != 0))) {
        *fail = 1;
        return 0;
    }
    size_t mid_from = prelen, mid_to = rn - sufn - (rf != ONOMA__NB_NONE);
    size_t at = tr->out.len;
    if (onoma__buf_put(&tr->out, r + mid_from, mid_to - mid_from))
        return onoma__error(err, ONOMA_ENOMEM, tr->name, 0, 0, NULL);
    if ((rc = finish_unit(tr, &tr->out, at, err)))
        return rc;
    if (!(tr->sh->flags & ONOMA_TRANSLIT_NO_CACHE) &&
        onoma__tcache_put(&tr->cache, h, tr->key.data, tr->key.len, tr->out.data + at, tr->out.len - at, 0))
        return onoma__error(err, ONOMA_ENOMEM, tr->name, 0, 0, NULL);
    return 0;
}

/* Words ci..cj (joined by spaces) as a whole, through the plan; cached by
 * their text. */
static int do_chain(onoma_translit *tr, const plan *p, const char *line, size_t ci, size_t cj, onoma_error *err)
{
    const char *s = line + tr->toks[ci].s;
    size_t n = tr->toks[cj].e - tr->toks[ci].s;
    /* the key: the transforms of the plan, then the text */
    onoma__buf *k = &tr->key;
    k->len = 0;
    onoma__buf_put(k, "\xFF\xFF", 2);
    for (int sc = 0; sc < ONOMA__SCRIPT_COUNT; sc++) {
        uint32_t r = (uint32_t)p->script_rt[sc];
        onoma__buf_put(k, &r, 4);
    }
    onoma__buf_putc(k, (char)p->other_nonascii);
    if (onoma__buf_put(k, s, n))
        return onoma__error(err, ONOMA_ENOMEM, tr->name, 0, 0, NULL);
    uint64_t h = onoma__hash(k->data, k->len);
    size_t vlen;
    unsigned flags;
    const char *v = onoma__tcache_get(&tr->cache, h, k->data, k->len, &vlen, &flags);
    if (v)
        return onoma__buf_put(&tr->out, v, vlen) ? onoma__error(err, ONOMA_ENOMEM, tr->name, 0, 0, NULL) : 0;
    size_t at = tr->out.len;
    int rc = run_plan(tr, p, s, n, &tr->out, err);
    if (rc)
        return rc;
    /* (run_plan leaves the key buffer alone) */
    if (!(tr->sh->flags & ONOMA_TRANSLIT_NO_CACHE) &&
        onoma__tcache_put(&tr->cache, h, k->data, k->len, tr->out.data + at, tr->out.len - at, 0))
        return onoma__error(err, ONOMA_ENOMEM, tr->name, 0, 0, NULL);
    return 0;
}

/* ------------------------------------------------------------- lines */

static long pick_rt(const onoma__tshared *sh, int script, int lang)
{
    if (sh->all_rt >= 0)
        return sh->all_rt;
    if (lang >= 0 && (sh->flags & ONOMA_TRANSLIT_NAMES) && sh->names_rt[lang] >= 0)
        return sh->names_rt[lang];
    if (sh->script_rt[script] >= 0)
        return sh->script_rt[script];
    return lang >= 0 ? sh->lang_rt[lang] : -1;
}

static int make_plan(onoma_translit *tr, const char *line, plan *p, onoma_error *err)
{
    const onoma__tshared *sh = tr->sh;
    size_t present[ONOMA__SCRIPT_COUNT] = {0};
    memset(p, 0, sizeof *p);
    p->main = -1;
    for (size_t i = 0; i < tr->ntoks; i++) {
        present[tr->toks[i].script]++;
        if (tr->toks[i].script == ONOMA__SCRIPT_OTHER && !tr->toks[i].ascii)
            p->other_nonascii = 1;
    }
    for (int sc = 0; sc < ONOMA__SCRIPT_COUNT; sc++) {
        p->script_rt[sc] = -1;
        p->script_lang[sc] = -1;
        if (sc == ONOMA__SCRIPT_OTHER || !present[sc])
            continue;
        /* the language: forced for the script, else told from the words */
        int lang = sh->script_lang[sc];

        if (lang < 0 && sh->all_rt < 0) {
            onoma__vote v;
            memset(&v, 0, sizeof v);
            for (size_t i = 0; i < tr->ntoks; i++)
                if (tr->toks[i].script == sc)
                    onoma__vote_add(&v, sc, line + tr->toks[i].s, tr->toks[i].e - tr->toks[i].s);
            lang = onoma__vote_decide(&v, sc);
        }
        p->script_lang[sc] = lang;
        p->script_rt[sc] = pick_rt(sh, sc, lang);
    }
    if (!p->other_nonascii || !(sh->any_rt >= 0 || sh->all_rt >= 0))
        p->other_nonascii = 0;
    size_t best = 0;
    for (int sc = 1; sc < ONOMA__SCRIPT_COUNT; sc++)
        if (present[sc] > best && p->script_rt[sc] >= 0) {
            best = present[sc];
            p->main = p->script_rt[sc];
        }
    /* compiled now: what they are (mode, stand-ins) is read below */
    long need[ONOMA__SCRIPT_COUNT + 2];
    size_t nn = 0;
    for (int sc = 1; sc < ONOMA__SCRIPT_COUNT; sc++)
        need[nn++] = p->script_rt[sc];
    need[nn++] = p->other_nonascii ? (sh->all_rt >= 0 ? sh->all_rt : sh->any_rt) : -1;
    need[nn++] = sh->ascii_rt;
    for (size_t k = 0; k < nn; k++)
        if (need[k] >= 0) {
            UTransliterator *t;
            int rc = onoma__rt_get(tr, need[k], &t, err);
            if (rc)
                return rc;
        }
    return 0;
}

/* The chain of words around i joined by spaces: [*ci, *cj]. */
static void chain_of(const onoma_translit *tr, const char *line, size_t i, size_t *ci, size_t *cj)
{
    size_t a = i, b = i;
    while (a > 0 && all_spaces(line + tr->toks[a - 1].e, tr->toks[a].s - tr->toks[a - 1].e))
        a--;
    while (b + 1 < tr->ntoks && all_spaces(line + tr->toks[b].e, tr->toks[b + 1].s - tr->toks[b].e))
        b++;
    *ci = a;
    *cj = b;
}

int onoma__translit_line(onoma_translit *tr, const char *line, size_t n, size_t *bad, onoma_error *err)
{
    const onoma__tshared *sh = tr->sh;
    int keep = (sh->flags & ONOMA_TRANSLIT_INVALID_KEEP) != 0;
    int rc = tokenize(tr, line, n, keep, bad);
    if (rc)
        return onoma__error(err, rc, tr->name, 0, 0, NULL);
    if (*bad < n && !keep)
        return line[*bad] ? ONOMA_EUTF8 : ONOMA_ENUL; /* the caller reports or replaces */
    plan p;
    if ((rc = make_plan(tr, line, &p, err)))
        return rc;
    if (sh->flags & ONOMA_TRANSLIT_NO_CACHE) {
        int any = p.other_nonascii;
        for (int sc = 1; sc < ONOMA__SCRIPT_COUNT; sc++)
            any |= p.script_rt[sc] >= 0;
        if (!any && !(sh->flags & ONOMA_TRANSLIT_ASCII))
            return onoma__buf_put(&tr->out, line, n) ? onoma__error(err, ONOMA_ENOMEM, tr->name, 0, 0, NULL) : 0;
        return run_plan(tr, &p, line, n, &tr->out, err);
    }
    /* which transform each word needs; words that must go with their
     * neighbours */
    for (size_t i = 0; i < tr->ntoks; i++) {
        onoma__tok *t = &tr->toks[i];
        t->chain = 0;
        t->rt = -1;
        if (t->script != ONOMA__SCRIPT_OTHER) {
            t->rt = p.script_rt[t->script];
        } else if (!t->ascii) {
            t->rt = sh->all_rt >= 0 ? sh->all_rt : sh->any_rt;
            if (t->rt < 0 && t->format)
                t->rt = p.main; /* bidi marks by a number: the schemes remove them */
            if (t->rt < 0 && (sh->flags & ONOMA_TRANSLIT_ASCII))
                t->rt = sh->ascii_rt;
        } else if (p.main >= 0 && sh->rt[p.main].ascii_punct && punct_only(line + t->s, t->e - t->s)) {
            /* ASCII punctuation standing alone belongs to the line's main
             * script (Greek ; is ?); other ASCII words are left alone */
            t->rt = p.main;
        }
        if (t->mixed || (t->rt >= 0 && sh->rt[t->rt].mode == ONOMA__MODE_CHAIN))
            t->chain = 1;
    }
    for (size_t i = 0; i < tr->ntoks; i++)
        if (tr->toks[i].chain == 1) {
            size_t ci, cj;
            chain_of(tr, line, i, &ci, &cj);
            for (size_t k = ci; k <= cj; k++)
                if (!tr->toks[k].chain)
                    tr->toks[k].chain = 2;
        }
    size_t prev_end = 0;
    for (size_t i = 0; i < tr->ntoks;) {
        onoma__tok *t = &tr->toks[i];
        t->out_at = tr->out.len;
        if (t->chain) {
            size_t ci, cj;
            chain_of(tr, line, i, &ci, &cj);
            if (onoma__buf_put(&tr->out, line + prev_end, t->s - prev_end))
                return onoma__error(err, ONOMA_ENOMEM, tr->name, 0, 0, NULL);
            if ((rc = do_chain(tr, &p, line, ci, cj, err)))
                return rc;
            prev_end = tr->toks[cj].e;
            i = cj + 1;
            continue;
        }
        if (t->rt < 0) {
            if (onoma__buf_put(&tr->out, line + prev_end, t->e - prev_end))
                return onoma__error(err, ONOMA_ENOMEM, tr->name, 0, 0, NULL);
            prev_end = t->e;
            i++;
            continue;
        }
        const onoma__rt *R = &sh->rt[t->rt];
        int feature_left = R->mode == ONOMA__MODE_FEATURE && i > 0 && all_spaces(line + prev_end, t->s - prev_end);
        if (!feature_left && onoma__buf_put(&tr->out, line + prev_end, t->s - prev_end))
            return onoma__error(err, ONOMA_ENOMEM, tr->name, 0, 0, NULL);
        int fail = 0;
        if ((rc = do_word(tr, t->rt, line, i, &fail, err)))
            return rc;
        if (fail) {
            /* undo this chain's words so far and do it as a whole */
            size_t ci, cj;
            chain_of(tr, line, i, &ci, &cj);
            tr->out.len = tr->toks[ci].out_at;
            size_t sep_from = ci > 0 ? tr->toks[ci - 1].e : 0;
            if (onoma__buf_put(&tr->out, line + sep_from, tr->toks[ci].s - sep_from))
                return onoma__error(err, ONOMA_ENOMEM, tr->name, 0, 0, NULL);
            if ((rc = do_chain(tr, &p, line, ci, cj, err)))
                return rc;
            prev_end = tr->toks[cj].e;
            i = cj + 1;
            continue;
        }
        prev_end = t->e;
        i++;
    }
    if (onoma__buf_put(&tr->out, line + prev_end, n - prev_end))
        return onoma__error(err, ONOMA_ENOMEM, tr->name, 0, 0, NULL);
    return 0;
}
