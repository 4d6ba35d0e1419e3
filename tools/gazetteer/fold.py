"""Lookup-key folding, as specified in docs/tables.md ("Matching").

Shared by build.py (conflict resolution) and check.py (validation), so that
both agree with each other and with the C library: a difference here would
let the importer accept tables that `onoma compile --check` rejects.

Order matters: apostrophe kinds are unified *before* NFKD, because NFKD
turns U+00B4 ACUTE ACCENT into a space plus a combining mark.
"""

import unicodedata

# Keep in step with src/text/chars.c (is_apostrophe, is_separator,
# is_ignored, letter_map): `onoma compile --check` is the final judge.
APOSTROPHES = "'\u2019\u02bc\u02bf\u02be\u2018`\u00b4\u02b9\u02bb\u02bd\u02c8\u201b\u2032\u2035\uff07\u055a\u05f3"
_APOS_MAP = {ord(c): "'" for c in APOSTROPHES}

# Arabic-script letter variants (after NFKD has split off hamza and madda).
_ARABIC_MAP = {
    0x064A: "\u06CC",  # ي ARABIC YEH -> ی FARSI YEH
    0x0649: "\u06CC",  # ى ALEF MAKSURA -> ی
    0x0643: "\u06A9",  # ك ARABIC KAF -> ک KEHEH
    0x0629: "\u0647",  # ة TEH MARBUTA -> ه HEH
    0x06C1: "\u0647",  # ہ HEH GOAL -> ه
    0x06D5: "\u0647",  # ە AE -> ه
    0x0671: "\u0627",  # ٱ ALEF WASLA -> ا
    0x0623: "\u0627",  # أ (in case NFKD was skipped)
    0x0625: "\u0627",  # إ
    0x0622: "\u0627",  # آ
    0x06D0: "\u06CC", 0x06D2: "\u06CC", 0x06CD: "\u06CC",  # yeh variants
    0x06AA: "\u06A9",  # swash kaf
    0x06C0: "\u0647", 0x06BE: "\u0647", 0x06C3: "\u0647",  # heh variants
    0x0672: "\u0627", 0x0673: "\u0627", 0x0675: "\u0627",  # alef variants
    0x0640: None,      # tatweel
    0x200C: None,      # ZWNJ
    0x00AD: None, 0x200B: None, 0x200D: None, 0x2060: None, 0xFEFF: None,
    0x061C: None, 0x200E: None, 0x200F: None,
    # letters typed without their stroke or as two letters
    0x0131: "i", 0x0142: "l", 0x00F8: "o", 0x0111: "d", 0x0127: "h", 0x0180: "b",
    0x01B6: "z", 0x00E6: "ae", 0x0153: "oe", 0x00FE: "th", 0x00F0: "d",
}


def _is_sep(ch):
    if ch in "\t\n\r\u00a0":
        return True
    cat = unicodedata.category(ch)
    return cat == "Pd" or cat == "Zs" or ch == "\u2212"


def fold(s):
    """Return the lookup key of a form."""
    s = s.translate(_APOS_MAP)
    s = unicodedata.normalize("NFKD", s)
    s = s.casefold()
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.category(ch).startswith("M"))
    s = s.translate(_ARABIC_MAP)
    out = []
    prev_sep = False
    for ch in s:
        if _is_sep(ch):
            if not prev_sep:
                out.append(" ")
            prev_sep = True
        else:
            out.append(ch)
            prev_sep = False
    return "".join(out).strip(" ")


SCRIPTS = ("Latin", "Arabic", "Cyrillic", "Greek", "Hebrew", "Armenian",
           "Georgian", "Devanagari", "CJK", "Hangul", "Other")


def script_of_char(ch):
    """Coarse script of a letter, from its Unicode name (no ICU needed)."""
    if not ch.isalpha():
        return None
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return "Other"
    for key, script in (("LATIN", "Latin"), ("ARABIC", "Arabic"),
                        ("CYRILLIC", "Cyrillic"), ("GREEK", "Greek"),
                        ("HEBREW", "Hebrew"), ("ARMENIAN", "Armenian"),
                        ("GEORGIAN", "Georgian"), ("DEVANAGARI", "Devanagari"),
                        ("CJK", "CJK"), ("HIRAGANA", "CJK"),
                        ("KATAKANA", "CJK"), ("HANGUL", "Hangul")):
        if name.startswith(key) or (" " + key + " ") in name:
            return script
    return "Other"


def scripts_of(s):
    """Set of scripts of the letters of s."""
    out = set()
    for ch in s:
        sc = script_of_char(ch)
        if sc:
            out.add(sc)
    return out


def script_of(s):
    """The single script of s, 'Mixed' if several, None if no letters."""
    sc = scripts_of(s)
    if not sc:
        return None
    if len(sc) == 1:
        return next(iter(sc))
    return "Mixed"
