"""Normalisation shared by the trainer and (re-implemented) by the C decoder.

Keep this in step with norm_cp() in src/translit/names_model.c.
"""
import unicodedata

# code points removed: vowel points, cantillation, tatweel, bidi/format marks
_DROP = set(range(0x064B, 0x0660)) | {0x0670, 0x0640} \
    | set(range(0x0591, 0x05BE)) | {0x05BF, 0x05C1, 0x05C2, 0x05C4, 0x05C5, 0x05C7} \
    | {0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x061C, 0xFEFF} \
    | set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A)) | {0x0301, 0x0300, 0x0308, 0x0306}
# one-to-one (or one-to-few) replacements
_MAP = {
    0x05F3: "'", 0x2019: "'", 0x2018: "'", 0x0060: "'", 0x00B4: "'", 0x02BC: "'",
    0x05F0: '\u05d5\u05d5', 0x05F1: '\u05d5\u05d9', 0x05F2: '\u05d9\u05d9',
    0x06CC: '\u064a', 0x06A9: '\u0643', 0x06BE: '\u0647', 0x06C1: '\u0647',
    0x06D5: '\u0647', 0x0649: '\u0649',
    0x05BE: '-', 0x2010: '-', 0x2011: '-', 0x2013: '-', 0x2014: '-',
}


def norm_cp(ch):
    """Normalised replacement for one code point ('' = dropped)."""
    c = ord(ch)
    if c in _DROP:
        return ''
    r = _MAP.get(c)
    if r is not None:
        return r
    return ch.lower()


def norm(s):
    s = unicodedata.normalize('NFC', s)
    return ''.join(norm_cp(ch) for ch in s)


def is_word_char(ch):
    """Characters that belong to a name token (letters, the geresh/apostrophe)."""
    return ch == "'" or unicodedata.category(ch).startswith('L')


def pieces(s):
    """Split a normalised string into (is_word, text) runs."""
    out = []
    for ch in s:
        w = is_word_char(ch)
        if out and out[-1][0] == w:
            out[-1][1] += ch
        else:
            out.append([w, ch])
    return [(w, t) for w, t in out]


def words(s):
    """Word runs of a raw string (after norm), apostrophes trimmed at the edges."""
    res = []
    for w, t in pieces(norm(s)):
        if w:
            t = t.strip("'")
            if t:
                res.append(t)
    return res


_LATIN_FOLD = {'ø': 'o', 'ß': 'ss', 'ł': 'l', 'ı': 'i', 'æ': 'ae', 'œ': 'oe',
               'đ': 'd', 'ð': 'd', 'þ': 'th', 'ʻ': "'", '’': "'", 'ʼ': "'"}


def fold_latin(s):
    """Lower-case ASCII spelling of a Latin token (accents stripped)."""
    s = s.lower()
    s = ''.join(_LATIN_FOLD.get(c, c) for c in s)
    s = unicodedata.normalize('NFKD', s)
    return ''.join(c for c in s if not unicodedata.combining(c))
