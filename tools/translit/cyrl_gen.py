#!/usr/bin/python3
"""Regenerate the generated blocks of the Cyrillic/Greek scheme files.

usage: cyrl_gen.py [--dir tables/translit] [--check]

Every Cyrillic scheme must leave no Cyrillic letter behind, whatever the
language of the text (pre-1918 Russian, Church Slavonic, Komi, Abkhaz ...).
Each scheme file therefore ends with a fallback pass that maps every Cyrillic
letter its own rules did not consume, following ISO 9:1995 where ISO 9 has the
letter and a transliteration in the same spirit (ALA-LC Church Slavonic / Komi /
Caucasian practice) where it does not.  Greek schemes get the same for the
archaic, Coptic and symbol letters of the Greek block.

The blocks sit between the lines
    # BEGIN generated: <name>     and     # END generated: <name>
and are rewritten in place; everything else in the files is hand-written.
<name> is one of:
    fallback            the last pass of every scheme: Cyrillic letters left
                        (ISO 9) and archaic/Coptic Greek-block letters
    iso9-main           the full ISO 9:1995 table (cyrl-iso9.txt, ru-gost779a.txt)

The mapping below is the single source; --check verifies that it covers
every Cyrillic letter Python's unicodedata knows and that the files are
up to date (exit 1 otherwise).

Facts: ISO 9:1995 table 1 (the 1995 standard; the GOST 7.79-2000 system A is
identical); letters outside ISO 9 from the ALA-LC Church Slavic and
non-Slavic Cyrillic romanization tables (facts, no text copied).
"""
import argparse
import glob
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DIR = os.path.normpath(os.path.join(HERE, '..', '..', 'tables', 'translit'))

# ---------------------------------------------------------------- ISO 9:1995
# lowercase Cyrillic (possibly with a combining mark) -> lowercase Latin.
# Uppercase pairs are derived.  Order matters only for readability.
ISO9 = [
    ('а', 'a'), ('ӓ', 'ä'), ('ӓ\u0304', 'a\u0323\u0308'), ('ӑ', 'ă'), ('а\u0304', 'ā'),
    ('ӕ', 'æ'), ('а\u0301', 'á'), ('а\u030a', 'å'),
    ('б', 'b'), ('в', 'v'), ('г', 'g'), ('ѓ', 'ǵ'), ('ғ', 'ġ'), ('ҕ', 'ğ'), ('һ', 'ḥ'),
    ('д', 'd'), ('ђ', 'đ'),
    ('е', 'e'), ('ӗ', 'ĕ'), ('ё', 'ë'), ('є', 'ê'),
    ('ж', 'ž'), ('җ', 'ž\u0327'), ('ӝ', 'z\u0304'), ('ӂ', 'z\u0306'),
    ('з', 'z'), ('ӟ', 'z\u0308'), ('ӡ', 'ź'), ('ѕ', 'ẑ'),
    ('и', 'i'), ('ӣ', 'ī'), ('и\u0301', 'í'), ('ӥ', 'î'), ('й', 'j'),
    ('і', 'ì'), ('ї', 'ï'), ('і\u0304', 'ǐ'), ('ј', 'ǰ'), ('ј\u0335', 'j\u0301'),
    ('к', 'k'), ('ќ', 'ḱ'), ('ӄ', 'ḳ'), ('ҝ', 'k\u0302'), ('ҡ', 'ǩ'), ('ҟ', 'k\u0304'),
    ('қ', 'ķ'), ('к\u0328', 'k\u0300'), ('ԛ', 'q'),
    ('л', 'l'), ('љ', 'l\u0302'), ('ԡ', 'ļ'),
    ('м', 'm'),
    ('н', 'n'), ('њ', 'n\u0302'), ('ң', 'ņ'), ('ӊ', 'ṇ'), ('ҥ', 'ṅ'), ('ԋ', 'ǹ'),
    ('ԣ', 'ń'), ('ӈ', 'ň'), ('н\u0304', 'n\u0304'),
    ('о', 'o'), ('ӧ', 'ö'), ('ө', 'ô'), ('ӫ', 'ő'), ('ӧ\u0304', 'o\u0323\u0308'),
    ('ҩ', 'ò'), ('о\u0301', 'ó'), ('о\u0304', 'ō'),
    ('п', 'p'), ('ҧ', 'ṕ'), ('ԥ', 'p\u0300'),
    ('р', 'r'),
    ('с', 's'), ('ҫ', 'ş'), ('с\u0300', 's\u0300'),
    ('т', 't'), ('ћ', 'ć'), ('ԏ', 't\u0300'), ('т\u030c', 'ť'), ('ҭ', 'ţ'),
    ('у', 'u'), ('ӱ', 'ü'), ('ӯ', 'ū'), ('ў', 'ŭ'), ('ӳ', 'ű'), ('у\u0301', 'ú'),
    ('ӱ\u0304', 'u\u0323\u0308'), ('ү', 'ù'), ('ұ', 'u\u0307'),
    ('ԝ', 'w'),
    ('ф', 'f'),
    ('х', 'h'), ('ҳ', 'ḩ'),
    ('ц', 'c'), ('ҵ', 'c\u0304'), ('џ', 'd\u0302'),
    ('ч', 'č'), ('ҷ', 'ç'), ('ӌ', 'c\u0323'), ('ӵ', 'c\u0308'), ('ҹ', 'ĉ'),
    ('ч\u0300', 'c\u0300'), ('ҽ', 'c\u0306'), ('ҿ', 'c\u0328\u0306'),
    ('ш', 'š'), ('щ', 'ŝ'),
    ('ъ', 'ʺ'), ('ы', 'y'), ('ӹ', 'ÿ'), ('ы\u0304', 'ȳ'), ('ь', 'ʹ'),
    ('э', 'è'), ('ә', 'a\u030b'), ('ӛ', 'à'),
    ('ю', 'û'), ('ю\u0304', 'û\u0304'), ('я', 'â'),
    ('ґ', 'g\u0300'), ('ѣ', 'ě'), ('ѫ', 'ǎ'), ('ѳ', 'f\u0300'), ('ѵ', 'ỳ'),
]
# Letters with no case pair in ISO 9.
ISO9_UNCASED = [('ӏ', '‡'), ('Ӏ', '‡')]

# ------------------------------------------------ letters ISO 9 does not list
# (Church Slavonic and early Cyrillic, Komi/Molodtsov, Abkhaz, Khanty, Nivkh,
# Aleut, Kurdish, Chuvash, Itelmen, ... and Cyrillic Extended-A/B/C).
EXTRA = [
    # U+0460..U+048F
    ('ѡ', 'ō'), ('ѥ', 'je'), ('ѧ', 'ę'), ('ѩ', 'ję'), ('ѭ', 'jǫ'), ('ѯ', 'ks'),
    ('ѱ', 'ps'), ('ѷ', 'ỳ\u030f'), ('ѹ', 'u'), ('ѻ', 'ō'), ('ѽ', 'ō'), ('ѿ', 'ōt'),
    ('ҁ', 'q'), ('ҋ', 'j\u0326'), ('ҍ', 'ě'), ('ҏ', 'r'),
    # U+0490..U+04FF (the ones ISO 9 lacks)
    ('ҙ', 'z\u0327'), ('ҧ', 'ṕ'), ('ӆ', 'ļ'), ('ӎ', 'm\u0326'), ('ӭ', 'è\u0308'),
    ('ӷ', 'g\u0326'), ('ӻ', 'ġ'), ('ӽ', 'ḫ'), ('ӿ', 'ẖ'), ('ѐ', 'è'), ('ѝ', 'ì'),
    ('ӏ', '‡'),
    # U+0500..U+052F
    ('ԁ', 'ď'), ('ԃ', 'đ'), ('ԅ', 'ź'), ('ԇ', 'dź'), ('ԉ', 'ľ'), ('ԍ', 'ś'),
    ('ԑ', 'ɛ'), ('ԓ', 'ḷ'), ('ԕ', 'lh'), ('ԗ', 'rh'), ('ԙ', 'jæ'), ('ԟ', 'k\u0323'),
    ('ԧ', 'ḥ\u0326'), ('ԩ', 'ņ'), ('ԫ', 'dž'), ('ԭ', 'dč'), ('ԯ', 'ļ'),
    # Cyrillic Extended-C U+1C80..U+1C88 (glyph variants of common letters)
    ('ᲀ', 'v'), ('ᲁ', 'd'), ('ᲂ', 'o'), ('ᲃ', 's'), ('ᲄ', 't'), ('ᲅ', 't'),
    ('ᲆ', 'ʺ'), ('ᲇ', 'ě'), ('ᲈ', 'u'),
    # Cyrillic Extended-B U+A640..U+A69F
    ('ꙁ', 'z'), ('ꙃ', 'dz'), ('ꙅ', 'dz'), ('ꙇ', 'i'), ('ꙉ', 'đ'), ('ꙋ', 'u'),
    ('ꙍ', 'ō'), ('ꙏ', 'ʺ'), ('ꙑ', 'y'), ('ꙓ', 'jě'), ('ꙕ', 'ju'), ('ꙗ', 'ja'),
    ('ꙙ', 'ę'), ('ꙛ', 'ǫ'), ('ꙝ', 'ję'), ('ꙟ', 'yn'), ('ꙡ', 'c'), ('ꙣ', 'ď'),
    ('ꙥ', 'ľ'), ('ꙧ', 'm\u0301'), ('ꙩ', 'o'), ('ꙫ', 'o'), ('ꙭ', 'o'),
    ('ꚁ', 'dw'), ('ꚃ', 'dzw'), ('ꚅ', 'žw'), ('ꚇ', 'č\u0323'), ('ꚉ', 'dz'),
    ('ꚋ', 't\u0326'), ('ꚍ', 'tw'), ('ꚏ', 'cw'), ('ꚑ', 'cs'), ('ꚓ', 'č'),
    ('ꚕ', 'hw'), ('ꚗ', 'šw'), ('ꚙ', 'oo'), ('ꚛ', 'o'),
]
# Letters without a case pair (or where the pair is handled above).
EXTRA_UNCASED = [
    ('ꙮ', 'o'), ('ꙿ', 'ʹ'), ('ᴫ', 'l'),
]


def upper_latin(s):
    """Uppercase form for an uppercase Cyrillic letter: Title case (first
    letter up) for multi-letter outputs, the fallback's best guess."""
    if not s:
        return s
    # keep combining marks attached to the first letter
    return s[0].upper() + s[1:]


def pairs():
    """(cyrillic, latin) pairs for the fallback, both cases, longest first."""
    out = []
    seen = set()
    for lo, la in ISO9 + EXTRA:
        base = lo[0]
        up = base.upper() + lo[1:]
        for cy, lt in ((lo, la), (up, upper_latin(la))):
            if cy in seen or cy == '':
                continue
            seen.add(cy)
            out.append((cy, lt))
    for cy, lt in ISO9_UNCASED + EXTRA_UNCASED:
        if cy not in seen:
            seen.add(cy)
            out.append((cy, lt))
    out.sort(key=lambda p: (-len(p[0]), p[0]))
    return out


def esc(s, for_output=False):
    """ICU rule literal: letters as is, everything else as \\uXXXX."""
    res = []
    for ch in s:
        cat = unicodedata.category(ch)
        if cat.startswith('L') and ord(ch) < 0x10000 and ch not in 'ʹʺ':
            res.append(ch)
        elif ch.isascii() and ch.isalnum():
            res.append(ch)
        else:
            res.append('\\u%04X' % ord(ch) if ord(ch) < 0x10000 else '\\U%08X' % ord(ch))
    return ''.join(res)


def cyr_rules():
    lines = []
    for cy, lt in pairs():
        lines.append('%s > %s ;   # %s' % (esc(cy), esc(lt), unicodedata.normalize('NFC', lt)))
    return lines


def block_iso9_main():
    return cyr_rules() + ['::Null;'] + greek_rules()


GREEK_EXTRA = [
    # archaic letters and numerals
    ('ͱ', 'h'), ('Ͱ', 'H'), ('ͳ', 'ss'), ('Ͳ', 'Ss'), ('ͷ', 'w'), ('Ͷ', 'W'),
    ('ϳ', 'j'), ('Ϳ', 'J'), ('ϙ', 'q'), ('Ϙ', 'Q'), ('ϟ', 'q'), ('Ϟ', 'Q'),
    ('ϛ', 'st'), ('Ϛ', 'St'), ('ϝ', 'w'), ('Ϝ', 'W'), ('ϡ', 'ss'), ('Ϡ', 'Ss'),
    ('ϸ', 'sh'), ('Ϸ', 'Sh'), ('ϻ', 's'), ('Ϻ', 'S'), ('ͻ', 's'), ('Ͻ', 'S'),
    ('ͼ', 's'), ('Ͼ', 'S'), ('ͽ', 's'), ('Ͽ', 'S'), ('ϲ', 's'), ('Ϲ', 'S'),
    # Coptic letters in the Greek block
    ('ϣ', 'sh'), ('Ϣ', 'Sh'), ('ϥ', 'f'), ('Ϥ', 'F'), ('ϧ', 'kh'), ('Ϧ', 'Kh'),
    ('ϩ', 'h'), ('Ϩ', 'H'), ('ϫ', 'j'), ('Ϫ', 'J'), ('ϭ', 'c'), ('Ϭ', 'C'),
    ('ϯ', 'ti'), ('Ϯ', 'Ti'),
    # symbol variants (no canonical decomposition)
    ('ϐ', 'v'), ('ϑ', 'th'), ('ϒ', 'Y'), ('ϕ', 'f'), ('ϖ', 'p'), ('ϗ', 'kai'),
    ('Ϗ', 'Kai'), ('ϰ', 'k'), ('ϱ', 'r'), ('ϴ', 'Th'), ('ϵ', 'e'), ('ϼ', 'r'),
    ('ͺ', ''), ('ᶿ', 'th'),
    # phonetic small capitals
    ('ᴦ', 'g'), ('ᴧ', 'l'), ('ᴨ', 'p'), ('ᴩ', 'r'), ('ᴪ', 'ps'),
]


def greek_rules():
    return ['%s > %s ;' % (esc(gr), esc(lt) if lt else "''")
            for gr, lt in sorted(GREEK_EXTRA, key=lambda p: p[0])]


def block_fallback():
    lines = ['# Fallback: every Cyrillic letter the rules above left, as in ISO 9:1995',
             '# (letters ISO 9 lacks: see tools/translit/cyrl_gen.py), and the archaic,',
             '# Coptic and symbol letters of the Greek block.  NFC first, so that a',
             '# Cyrillic letter split by the NFD of a Greek scheme is whole again.',
             '::NFC;']
    lines += cyr_rules()
    lines += greek_rules()
    return lines


BLOCKS = {
    'fallback': block_fallback,
    'iso9-main': block_iso9_main,
}


def coverage_errors():
    have = {c for c, _ in pairs()}
    errs = []
    for cp in list(range(0x400, 0x530)) + list(range(0x1C80, 0x1C90)) + \
            list(range(0xA640, 0xA6A0)) + [0x1D2B]:
        ch = chr(cp)
        cat = unicodedata.category(ch)
        if not cat.startswith('L'):
            continue
        name = unicodedata.name(ch, '')
        if name.startswith('MODIFIER LETTER'):
            continue
        if unicodedata.normalize('NFC', ch) != ch:
            continue
        if ch not in have:
            errs.append('U+%04X %s not mapped' % (cp, name))
    return errs


def regenerate(path, check):
    text = open(path, encoding='utf-8').read()
    new = text
    for name, fn in BLOCKS.items():
        pat = re.compile(r'(# BEGIN generated: %s\n)(.*?)(# END generated: %s\n)'
                         % (re.escape(name), re.escape(name)), re.S)
        body = '\n'.join(fn()) + '\n'
        new = pat.sub(lambda m: m.group(1) + body + m.group(3), new)
    if new != text:
        if check:
            return False
        with open(path, 'w', encoding='utf-8') as f:
            f.write(new)
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--dir', default=DEFAULT_DIR)
    ap.add_argument('--check', action='store_true')
    a = ap.parse_args()
    errs = coverage_errors()
    for e in errs:
        print('coverage: ' + e)
    stale = []
    for p in sorted(glob.glob(os.path.join(a.dir, '*.txt'))):
        b = os.path.basename(p)
        if not b.startswith(('ru-', 'uk-', 'be-', 'bg-', 'el-', 'cyrl-')):
            continue
        if not regenerate(p, a.check):
            stale.append(b)
    for s in stale:
        print('stale generated block: ' + s)
    sys.exit(1 if (errs or stale) else 0)


if __name__ == '__main__':
    main()
