#include "translit/detect.h"

#include "text/utf8.h"

const char *const onoma__lang_codes[ONOMA__L_COUNT] = {"ar", "fa", "ur", "ps", "ru", "uk",
                                                       "be", "bg", "sr", "mk", "el", "he"};

/* Arabic script: Persian writes ی ک (U+06CC U+06A9) and has پ چ ژ گ;
 * Arabic writes ي ك and has ة ى; Urdu adds ٹ ڈ ڑ ں ہ ھ ے; Pashto ټ ډ ړ ښ
 * ږ ځ څ ګ ڼ ۍ ې. */
static void vote_arab(onoma__vote *v, uint32_t cp)
{
    switch (cp) {
    case 0x067E: case 0x0686: case 0x0698: case 0x06AF: case 0x06CC: case 0x06A9:
        v->n[ONOMA__L_FA]++;
        break;
    case 0x064A: case 0x0643: case 0x0629: case 0x0649:
        v->n[ONOMA__L_AR]++;
        break;
    case 0x0679: case 0x0688: case 0x0691: case 0x06BA: case 0x06C1: case 0x06BE: case 0x06D2: case 0x06C3:
        v->n[ONOMA__L_UR]++;
        break;
    case 0x067C: case 0x0689: case 0x0693: case 0x069A: case 0x0696: case 0x0681: case 0x0685:
    case 0x06AB: case 0x06BC: case 0x06CD: case 0x06D0:
        v->n[ONOMA__L_PS]++;
        break;
    default:
        break;
    }
}

static uint32_t lower_cyrl(uint32_t cp)
{
    if (cp >= 0x410 && cp <= 0x42F)
        return cp + 0x20;
    if (cp >= 0x400 && cp <= 0x40F)
        return cp + 0x50;
    if (cp == 0x490)
        return 0x491;
    return cp;
}

/* Cyrillic: ў Belarusian; і ї є ґ Ukrainian (і also Belarusian); ы э ё
 * Russian (and Belarusian); ъ before a consonant or at a word's end
 * Bulgarian, before е ё ю я Russian; ђ ћ Serbian, ѓ ќ ѕ Macedonian, ј љ
 * њ џ both. */
static void vote_cyrl(onoma__vote *v, uint32_t cp, uint32_t next)
{
    switch (lower_cyrl(cp)) {
    case 0x45E: v->n[ONOMA__L_BE] += 4; break;
    case 0x457: case 0x454: case 0x491: v->n[ONOMA__L_UK] += 2; break;
    case 0x456: v->n[ONOMA__L_UK]++; v->n[ONOMA__L_BE]++; break;
    case 0x44B: case 0x44D: case 0x451: v->n[ONOMA__L_RU]++; v->n[ONOMA__L_BE]++; break;
    case 0x438: case 0x449: v->n[ONOMA__L_RU]++; v->n[ONOMA__L_UK]++; v->n[ONOMA__L_BG]++; break; /* и щ: not be */
    case 0x44A: {
        uint32_t nx = lower_cyrl(next);
        if (nx == 0x435 || nx == 0x451 || nx == 0x44E || nx == 0x44F)
            v->n[ONOMA__L_RU]++;
        else
            v->n[ONOMA__L_BG] += 3;
        break;
    }
    case 0x452: case 0x45B: v->n[ONOMA__L_SR] += 4; break;
    case 0x453: case 0x45C: case 0x455: v->n[ONOMA__L_MK] += 4; break;
    case 0x458: case 0x459: case 0x45A: case 0x45F: v->n[ONOMA__L_SR] += 2; v->n[ONOMA__L_MK] += 2; break;
    default: break;
    }
}

void onoma__vote_add(onoma__vote *v, int script, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    if (script != ONOMA__SCRIPT_ARAB && script != ONOMA__SCRIPT_CYRL)
        return;
    uint32_t prev = 0;
    int have_prev = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] < 0x80) {
            if (have_prev && script == ONOMA__SCRIPT_CYRL)
                vote_cyrl(v, prev, s[i]);
            have_prev = 0;
            i++;
            continue;
        }
        uint32_t cp;
        int len = onoma__utf8_decode(s + i, n - i, &cp);
        if (len <= 0) {
            have_prev = 0;
            i++;
            continue;
        }
        i += (size_t)len;
        if (script == ONOMA__SCRIPT_ARAB) {
            vote_arab(v, cp);
            continue;
        }
        if (have_prev)
            vote_cyrl(v, prev, cp);
        prev = cp;
        have_prev = 1;
    }
    if (have_prev && script == ONOMA__SCRIPT_CYRL)
        vote_cyrl(v, prev, 0);
}

int onoma__vote_decide(const onoma__vote *v, int script)
{
    const uint32_t *n = v->n;
    switch (script) {
    case ONOMA__SCRIPT_ARAB:
        if (n[ONOMA__L_PS] && n[ONOMA__L_PS] >= n[ONOMA__L_UR])
            return ONOMA__L_PS;
        if (n[ONOMA__L_UR])
            return ONOMA__L_UR;
        return n[ONOMA__L_FA] > n[ONOMA__L_AR] ? ONOMA__L_FA : ONOMA__L_AR;
    case ONOMA__SCRIPT_CYRL: {
        if (n[ONOMA__L_SR] || n[ONOMA__L_MK])
            return n[ONOMA__L_MK] > n[ONOMA__L_SR] ? ONOMA__L_MK : ONOMA__L_SR;
        /* ў alone is Belarusian; without it, і ї є ґ make Ukrainian */
        int best = ONOMA__L_RU;
        uint32_t bn = n[ONOMA__L_RU];
        static const int order[] = {ONOMA__L_UK, ONOMA__L_BE, ONOMA__L_BG};
        for (size_t i = 0; i < 3; i++)
            if (n[order[i]] > bn) {
                best = order[i];
                bn = n[order[i]];
            }
        return best;
    }
    case ONOMA__SCRIPT_GREK:
        return ONOMA__L_EL;
    case ONOMA__SCRIPT_HEBR:
        return ONOMA__L_HE;
    default:
        return -1;
    }
}
