/* Which script a character belongs to (for choosing a scheme), and which
 * language a piece of text is in, by the letters only one language of the
 * script uses (--lang auto). */
#ifndef ONOMA_TRANSLIT_DETECT_H
#define ONOMA_TRANSLIT_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "translit/scheme.h"

/* The script whose blocks hold cp: letters, marks, digits and punctuation
 * of the Arabic, Cyrillic, Greek and Hebrew blocks (presentation forms
 * included), ONOMA__SCRIPT_OTHER for the rest. */
static inline int onoma__cp_script(uint32_t cp)
{
    if (cp < 0x370)
        return ONOMA__SCRIPT_OTHER;
    if (cp < 0x400)
        return ONOMA__SCRIPT_GREK;
    if (cp < 0x530)
        return ONOMA__SCRIPT_CYRL;
    if (cp >= 0x591 && cp < 0x600)
        return ONOMA__SCRIPT_HEBR;
    if (cp >= 0x600 && cp < 0x700)
        return ONOMA__SCRIPT_ARAB;
    if (cp >= 0x750 && cp < 0x780)
        return ONOMA__SCRIPT_ARAB;
    if (cp >= 0x870 && cp < 0x900)
        return ONOMA__SCRIPT_ARAB;
    if (cp >= 0x1C80 && cp < 0x1C90)
        return ONOMA__SCRIPT_CYRL;
    if (cp >= 0x1F00 && cp < 0x2000)
        return ONOMA__SCRIPT_GREK;
    if (cp >= 0x2DE0 && cp < 0x2E00)
        return ONOMA__SCRIPT_CYRL;
    if (cp >= 0xA640 && cp < 0xA6A0)
        return ONOMA__SCRIPT_CYRL;
    if (cp >= 0xFB1D && cp < 0xFB50)
        return ONOMA__SCRIPT_HEBR;
    if (cp >= 0xFB50 && cp < 0xFE00)
        return ONOMA__SCRIPT_ARAB;
    if (cp >= 0xFE70 && cp < 0xFEFF)
        return ONOMA__SCRIPT_ARAB;
    return ONOMA__SCRIPT_OTHER;
}

/* Languages told apart. */
enum {
    ONOMA__L_AR, ONOMA__L_FA, ONOMA__L_UR, ONOMA__L_PS,
    ONOMA__L_RU, ONOMA__L_UK, ONOMA__L_BE, ONOMA__L_BG, ONOMA__L_SR, ONOMA__L_MK,
    ONOMA__L_EL, ONOMA__L_HE,
    ONOMA__L_COUNT
};
extern const char *const onoma__lang_codes[ONOMA__L_COUNT];

/* Evidence for one script, gathered over any number of pieces. */
typedef struct onoma__vote {
    uint32_t n[ONOMA__L_COUNT];
} onoma__vote;

/* Count the telling letters of script in s[0..n) (valid UTF-8). */
void onoma__vote_add(onoma__vote *v, int script, const char *s, size_t n);
/* The language the evidence points to (the script's default without
 * evidence: ar, ru, el, he); -1 for ONOMA__SCRIPT_OTHER. */
int onoma__vote_decide(const onoma__vote *v, int script);

#endif
