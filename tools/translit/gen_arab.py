#!/usr/bin/env python3
"""Generate the Arabic-script transliteration schemes of tables/translit/.

usage: gen_arab.py [--out DIR] [--check]

Writes one ICU transform rule file per scheme (ar-bgn.txt, fa-bgn.txt, ...)
into DIR (default: tables/translit/ of this repository).  The files are
plain ICU rules and can be edited by hand, but the Arabic-script schemes
share most of their machinery, so they are written from the scheme
descriptions below: edit this script and regenerate rather than editing
the files one by one.  --check only reports whether the files are current.

The rule files run in passes (ICU `::Null ;` separates them):

  ::NFKC      presentation forms, composed hamza letters
  1 normalise tatweel, bidi controls, digits, punctuation, letter variants,
              shadda (the consonant is written twice; the sun letter after
              the article loses its shadda, the article rule doubles it)
  2 words     a private-use marker at the start of every Arabic-script
              word: U+E001 if the word carries vowel signs ("pointed"),
              U+E000 if not.  Later passes read bare و/ي after a consonant
              as w/y in pointed words, as long vowels ū/ī in unpointed ones.
  3 article   U+E002 after the word marker of words that begin with the
              article (and its prefixes); tā' marbūṭah of a word without
              the article followed by another word (iḍāfah) → U+E011
  4 letters   the scheme proper.  Note ICU semantics: text left of the
              cursor is already Latin, so left contexts test the Latin
              output (vowels, markers); right contexts see Arabic.
  5 fallback  every other Arabic-script letter (generated from Unicode
              names), stray marks, leftover markers
  6 capitals  letter after a word marker → upper case; markers removed
"""
import argparse
import os
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, '..', '..', 'tables', 'translit'))

LICENSE = 'CC0-1.0 (rules written for onoma; facts from the cited standard)'

# --------------------------------------------------------------------------
# helpers


def o(s):
    """An ICU rule output/literal: quoted unless plain letters/digits."""
    if s == '':
        return ''
    s = unicodedata.normalize('NFC', s)
    if all(c.isalnum() and unicodedata.category(c)[0] in 'LN' and
           unicodedata.combining(c) == 0 for c in s):
        return s
    return "'" + s.replace("'", "''") + "'"


def rule(key, out, before=None, after=None, comment=None):
    s = ''
    if before:
        s += before + ' { '
    s += key
    if after:
        s += ' } ' + after
    s += ' → ' + out + ' ;'
    if comment:
        s += '   # ' + comment
    return s


# Arabic-script letters (input side).  Literal letters are fine in ICU
# rules; marks are written through the variables defined in SETS.
SUN_AR = 'تثدذرزسشصضطظلن'

SETS = r"""
# ---- sets (private-use markers: E000/E001 word start unpointed/pointed,
#      E003 word start not capitalised, E004 trace of a sukūn,
#      E002 article word, E005 ZWNJ, E011 construct tā' marbūṭah,
#      E020 article lām)
$AL = [[:Arabic:]&[:L:]] ;
$AM = [\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06DC\u06DF-\u06E4\u06E7\u06E8\u06EA-\u06ED\u08CA-\u08E1\u08E3-\u08FF] ;
$VM = [\u064B-\u0652\u0670] ;
$VNS = [$AM-[\u0651]] ;
$PV = [\u064E-\u0652] ;
$SV = [\u064E-\u0650] ;
$TA = [\u064B-\u064D] ;
$FA = \u064E ;
$DA = \u064F ;
$KA = \u0650 ;
$SU = \u0652 ;
$SH = \u0651 ;
$DAG = \u0670 ;
$U = \uE000 ;
$P = \uE001 ;
$MK = [\uE000\uE001\uE003] ;
$LW = \uE003 ;
$SK = \uE004 ;
$ART = \uE002 ;
$ZW = \uE005 ;
$CT = \uE011 ;
$AP = \uE020 ;
$AQ = \uE021 ;
$W = [$AL $AM $ZW] ;
$NW = [^$AL $AM $ZW \uE000-\uE0FF] ;
$WE = [^$AL $AM] ;
$OV = [aeiouāēīōūáéíóúêîôûâàèìòùỳ] ;
$OW = [[:L:][:M:]‘’ʾʿ·\- \uE004] ;
$PREV = [[:L:][:M:]‘’ʾʿ \uE004] ;
"""

DIGITS = ''.join('%s → %d ; %s → %d ;\n' % (chr(0x660 + i), i, chr(0x6F0 + i), i)
                 for i in range(10))

PUNCT = r"""، → ',' ;
؛ → ';' ;
؟ → '?' ;
٪ → '%' ;
٫ → '.' ;
٬ → ',' ;
۔ → '.' ;
٭ → '*' ;
"""


def fallback_rules():
    """Letters of the Arabic blocks by Unicode name → a Latin value.

    Used only for letters the scheme itself does not handle (pass 5), so
    that no Arabic-script letter survives."""
    base = {
        'ALEF': 'a', 'BEH': 'b', 'TEH': 't', 'THEH': 'th', 'JEEM': 'j',
        'HAH': 'h', 'KHAH': 'kh', 'DAL': 'd', 'THAL': 'dh', 'REH': 'r',
        'ZAIN': 'z', 'SEEN': 's', 'SHEEN': 'sh', 'SAD': 's', 'DAD': 'd',
        'TAH': 't', 'ZAH': 'z', 'AIN': '‘', 'GHAIN': 'gh', 'FEH': 'f',
        'QAF': 'q', 'KAF': 'k', 'LAM': 'l', 'MEEM': 'm', 'NOON': 'n',
        'HEH': 'h', 'WAW': 'w', 'YEH': 'y', 'HAMZA': '’', 'PEH': 'p',
        'TCHEH': 'ch', 'JEH': 'zh', 'GAF': 'g', 'KEHEH': 'k', 'VEH': 'v',
        'TEHEH': 'th', 'TTEH': 'ṭ', 'TTEHEH': 'ṭh', 'DDAL': 'ḍ',
        'DDAHAL': 'ḍh', 'RREH': 'ṛ', 'NGOEH': 'ng', 'NG': 'ng', 'GUEH': 'g',
        'NYEH': 'ny', 'DYEH': 'dy', 'DUL': 'd', 'DAHAL': 'd', 'KEHEH': 'k',
        'SWASH KAF': 'k', 'TEH MARBUTA': 'h', 'ALEF MAKSURA': 'á',
        'YEH BARREE': 'e', 'KIRGHIZ OE': 'ö', 'KIRGHIZ YU': 'yu', 'OE': 'ö',
        'U': 'u', 'YU': 'ü', 'VE': 'v', 'E': 'e', 'FARSI YEH': 'y',
        'HIGH HAMZA': '’', 'DOTLESS BEH': 'b', 'DOTLESS FEH': 'f',
        'DOTLESS QAF': 'q', 'DOTLESS NOON': 'n', 'AE': 'ä',
        'TEH WITH RING': 't', 'BEHEH': 'bh', 'HEH DOACHASHMEE': 'h',
        'HEH GOAL': 'h', 'HEH YEH': 'hy', 'NOON GHUNNA': 'n', 'RNOON': 'ṇ',
        'YEH WITH TAIL': 'y', 'KEHEH WITH DOT ABOVE': 'k', 'GAF WITH RING': 'g',
        'TEH WITH SMALL TEH ABOVE': 't', 'ROHINGYA YEH': 'y', 'LOW ALEF': 'a',
        'STRAIGHT WAW': 'w', 'ZAIN WITH INVERTED V ABOVE': 'z',
        'AIN WITH THREE DOTS BELOW': '‘', 'SUBSCRIPT ALEF': 'a',
        'WAVY HAMZA BELOW': '’', 'TEH MARBUTA GOAL': 'h', 'AFRICAN FEH': 'f',
        'AFRICAN QAF': 'q', 'AFRICAN NOON': 'n', 'KASHMIRI YEH': 'y',
        'SHEEN WITH DOT BELOW': 'sh', 'KAF WITH DOT BELOW': 'k',
        'GRAF': 'g', 'PEH WITH SMALL MEEM ABOVE': 'p', 'JEEM WITH TWO DOTS ABOVE': 'j',
    }
    ranges = [(0x0620, 0x064A), (0x066E, 0x06D5), (0x06EE, 0x06EF),
              (0x06FA, 0x06FF), (0x0750, 0x077F), (0x0870, 0x0887),
              (0x0889, 0x088E), (0x08A0, 0x08C9)]
    lines = []
    for lo, hi in ranges:
        for cp in range(lo, hi + 1):
            c = chr(cp)
            try:
                name = unicodedata.name(c)
            except ValueError:
                continue
            if unicodedata.category(c)[0] != 'L':
                continue
            n = name.replace('ARABIC LETTER ', '')
            val = None
            # longest known prefix of the decorated name
            for k in sorted(base, key=len, reverse=True):
                if n == k or n.startswith(k + ' '):
                    val = base[k]
                    break
            if val is None:
                if n.startswith('ALEF') or n.startswith('LOW ALEF'):
                    val = 'a'
                else:
                    val = ''
            if n.startswith('ALEF') and 'HAMZA' in n:
                val = '’'
            if n.startswith(('WAW WITH HAMZA', 'YEH WITH HAMZA')):
                val = '’'
            lines.append('\\u%04X → %s ;   # %s' % (cp, o(val), name.lower()))
    return '\n'.join(lines)


# --------------------------------------------------------------------------
# consonant tables


def cons_table(**over):
    t = {
        'ب': 'b', 'ت': 't', 'ث': 'th', 'ج': 'j', 'ح': 'ḩ', 'خ': 'kh',
        'د': 'd', 'ذ': 'dh', 'ر': 'r', 'ز': 'z', 'س': 's', 'ش': 'sh',
        'ص': 'ş', 'ض': 'ḑ', 'ط': 'ţ', 'ظ': 'z̧', 'ع': '‘', 'غ': 'gh',
        'ف': 'f', 'ق': 'q', 'ك': 'k', 'ل': 'l', 'م': 'm', 'ن': 'n',
        'ه': 'h', 'پ': 'p', 'چ': 'ch', 'ژ': 'zh', 'گ': 'g', 'ڤ': 'v',
        'ڥ': 'v', 'ڨ': 'g', 'ڭ': 'g', 'ڴ': 'g', 'ڧ': 'q', 'ڢ': 'f',
        'ٹ': 'ṭ', 'ڈ': 'ḍ', 'ڑ': 'ṛ', 'ں': 'n', 'ھ': 'h', 'ہ': 'h',
        'ټ': 'ṯ', 'ډ': 'ḏ', 'ړ': 'ṟ', 'ږ': 'z͟h', 'ښ': 's͟h', 'ڼ': 'ṉ',
        'ځ': 'dz', 'څ': 'ts', 'ڵ': 'ł', 'ڕ': 'ř', 'ۆ': 'o', 'ۇ': 'u',
        'ۈ': 'ü', 'ۋ': 'v', 'ێ': 'ē', 'ۉ': 'ö', 'ۅ': 'ö', 'ڠ': 'ng',
        'ڞ': 'ts', 'ڃ': 'ny', 'ڄ': 'dy', 'ڇ': 'chh', 'ڍ': 'ḍ', 'ڌ': 'dh',
        'ڎ': 'ḍ', 'ڳ': 'g', 'ڱ': 'ng', 'ڻ': 'ṇ', 'ٺ': 'ṭh', 'ٻ': 'b',
        'ٽ': 'ṭ', 'ٿ': 'th', 'ڀ': 'bh', 'ڦ': 'ph', 'ڊ': 'ḍ', 'ڏ': 'ḍ',
        'ڙ': 'ṛ', 'ڪ': 'k', 'ڳ': 'g', 'ۃ': 'h',
    }
    t.update(over)
    return t


# --------------------------------------------------------------------------
# the scheme descriptions

BGN_AR_SRC = ('BGN/PCGN, Romanization of Arabic, BGN 1946 / PCGN 1956, '
              'revised 2017: https://assets.publishing.service.gov.uk/government/'
              'uploads/system/uploads/attachment_data/file/858000/ROMANIZATION_OF_ARABIC.pdf')

SCHEMES = []

UNP_AR = ('unpointed text (no rule in the standard; long vowels only): bare و ي after a '
          'consonant → ū ī, word-initial or before ا → w y; initial bare ا → a, but i in '
          'the patterns of forms VII, VIII, X and in ibn, ism, ithnān, imra’ah (Intikhāb, '
          'Istiqlāl); بن → bin, عبد → ‘abd, ية → īyah; short vowels are not guessed')


def scheme(**kw):
    SCHEMES.append(kw)
    return kw


# -- Arabic ---------------------------------------------------------------

scheme(
    file='ar-bgn.txt', id='bgnpcgn-ara-Arab-Latn-1956', short='bgn', lang='ar',
    name='BGN/PCGN romanization of Arabic (1956)',
    source=BGN_AR_SRC,
    notes=[
        'capitalised like the standard: every word, except the medial article (al, ash, ...), '
        'conjunction wa and prepositions bi, li joined to it (Khabb wa ash Sha‘f, bil Qur’ān, '
        'lil Maghāzil) and the prepositions fī min ‘an ‘alá ilá ma‘ after another word',
        'article assimilated before sun letters (Ar Riyāḑ), written as a separate word; noun phrases '
        'separated (‘Abd ar Raḩmān, ‘Abd Allāh)',
        'tā’ marbūţah: -ah, -at in an iḑāfah; iḑāfah is guessed as: next word follows and this '
        'word has no article (Muḩāfaz̧at Dimashq, Al Madīnah al Munawwarah); a noun followed by an '
        'indefinite adjective is therefore wrongly given -at',
        'nunation dropped (Note 6); final kasrah+yā’+shaddah → ī, with tā’ marbūţah → īyah (Note 7); '
        'k·h d·h s·h t·h for ك د س ت + ه (special rule, optional in the standard)',
        'initial او: the standard allows Ū (foreign words) or Aw (Arabic); Aw is used (Note 11)',
        UNP_AR,
    ],
    family='arabic',
    cons=cons_table(),
    sun=SUN_AR,
    vow=dict(a='a', i='i', u='u', aa='ā', ii='ī', uu='ū', ay='ay', aw='aw',
             am='á', uww='short', iy_final='long', iyy='long'),
    art=dict(style='bgn', vowel='a', sep=' ', assim=True, initial_cap=True,
             wa='wa', fa='fa', bi='bi', ka='ka', li='li'),
    caps=True, tanwin='drop', final_short='keep', tam=('ah', 'at'),
    hamza='’', ini_aw='aw', dot_h=True, abad_join=False, zwnj='',
    special_ar=True,
)

scheme(
    file='ar-alalc.txt', id='alalc-ara-Arab-Latn-1997', short='alalc', lang='ar',
    name='ALA-LC romanization of Arabic (1997)',
    source=('Library of Congress, ALA-LC Romanization Tables: Arabic (1997, rev. 2012): '
            'https://www.loc.gov/catdir/cpso/romanization/arabic.pdf'),
    notes=[
        'all lower case (capitalisation in ALA-LC follows the language of the catalogue); '
        'Allāh is capitalised as in the table’s examples',
        'the standard’s examples write ‘ ’ (U+2018/2019) for ‘ayn/hamzah, not ʻ ʼ',
        'final short vowels and nunation are romanised when pointed (ṣawwara, bayna yadayhi, '
        'ma‘nan, qāḍin); the examples mala’a, khaṭi’a (final hamzah with no vowel sign '
        'romanised ’a) are not followed: an unpointed final hamzah gives ’',
        'article al- never assimilated; lil- for لل, bi-al-, wa-al-; tā’ marbūṭah -ah, -at '
        'before a following word when this word has no article (riḥlat ibn jubayr, '
        'al-risālah al-bahīyah)',
        'words with an unwritten long ā (هذا هذه ذلك لكن هؤلاء) are romanised with ā (hādhā)',
        UNP_AR,
    ],
    family='arabic',
    cons=cons_table(**{'ح': 'ḥ', 'ص': 'ṣ', 'ض': 'ḍ', 'ط': 'ṭ', 'ظ': 'ẓ'}),
    sun=SUN_AR,
    vow=dict(a='a', i='i', u='u', aa='ā', ii='ī', uu='ū', ay='ay', aw='aw',
             am='á', uww='long', iy_final='long', iyy='long'),
    art=dict(style='alalc', vowel='a', sep='-', assim=False, initial_cap=False,
             wa='wa-', fa='fa-', bi='bi-', ka='ka-', li='li'),
    caps=False, tanwin='keep', final_short='keep', tam=('ah', 'at'),
    hamza='’', ini_aw='aw', dot_h=False, abad_join=False, zwnj='',
    special_ar=True,
)

scheme(
    file='ar-iso233.txt', id='iso-ara-Arab-Latn-233-2-1993', short='iso233', lang='ar',
    name='ISO 233-2:1993 simplified transliteration of Arabic',
    source=('ISO 233-2:1993 Transliteration of Arabic characters into Latin characters, '
            'Part 2: Arabic language, simplified transliteration (sample: '
            'https://cdn.standards.iteh.ai/samples/4118/2f03c828842c4055a5619c1bded39381/ISO-233-2-1993.pdf)'),
    notes=[
        'vowels supplied when pointed; sukūn and the flexional (case) endings are not written '
        '(4.1.1: Fī Nūr al-Qamar, Sa’al)',
        'initial alif and the bearer of hamzah are not written (4.1.2, 4.1.3); article always al- '
        '(4.1.4); bi-, li-, ka-, wa- joined with a hyphen (4.1.5), li + article → li-l-',
        'alif after an unvowelled consonant → â, after fatḥah → ā, as in the example al-Šâriqaẗ / '
        'al-Riyāḍ; tā’ marbūṭah → ẗ (aẗ); alif maqṣūrah → ỳ (ISO 233 table value; not in the '
        'examples)',
        'capitalised: every word except the article and the joined particles (al-Riyāḍ, bi-al-Layl)',
        'unpointed text: as the other Arabic files (long vowels only, bare و ي after a consonant '
        '→ ū ī), an alif after an unvowelled consonant is â by the rule above',
    ],
    family='arabic',
    cons=cons_table(**{'ث': 'ṯ', 'ج': 'ǧ', 'ح': 'ḥ', 'خ': 'ẖ', 'ذ': 'ḏ', 'ش': 'š',
                       'ص': 'ṣ', 'ض': 'ḍ', 'ط': 'ṭ', 'ظ': 'ẓ', 'غ': 'ġ', 'چ': 'č', 'ژ': 'ž'}),
    sun=SUN_AR,
    vow=dict(a='a', i='i', u='u', aa='ā', ii='ī', uu='ū', ay='ay', aw='aw',
             am='aỳ', am_bare='ỳ', uww='short', iy_final='short', iyy='short', alef_bare='â'),
    art=dict(style='iso', vowel='a', sep='-', assim=False, initial_cap=False,
             wa='wa-', fa='fa-', bi='bi-', ka='ka-', li='li-'),
    caps=True, tanwin='drop', final_short='drop', tam=('aẗ', 'aẗ'),
    hamza='’', ini_aw='aw', dot_h=False, abad_join=False, zwnj='',
    special_ar=False,
)

scheme(
    file='ar-din.txt', id='din-ara-Arab-Latn-31635-2011', short='din', lang='ar',
    name='DIN 31635:2011 transliteration of Arabic',
    source=('DIN 31635:2011-07 Information und Dokumentation – Umschrift des arabischen '
            'Alphabets für die Sprachen Arabisch, Osmanisch-Türkisch, Persisch, Kurdisch, '
            'Urdu und Paschtu (table summarised at https://de.wikipedia.org/wiki/DIN_31635)'),
    notes=[
        'no test data in standards.tsv: written from the DIN table (ʾ ʿ ṯ ǧ ḥ ḫ ḏ š ṣ ḍ ṭ ẓ ġ, '
        'ā ī ū, ay aw) and its rules: pausal form (no case endings, no nunation), tā’ marbūṭah '
        '-a, -at in iḍāfah, alif maqṣūrah ā, article assimilated and hyphenated (aš-Šams, '
        'ar-Riyāḍ), wa-, bi-, li- hyphenated with the elided article (wa-ʾl-, bi-ʾl-, li-ʾl-)',
        'capitalised: every word except the article and joined particles',
        UNP_AR,
    ],
    family='arabic',
    cons=cons_table(**{'ث': 'ṯ', 'ج': 'ǧ', 'ح': 'ḥ', 'خ': 'ḫ', 'ذ': 'ḏ', 'ش': 'š',
                       'ص': 'ṣ', 'ض': 'ḍ', 'ط': 'ṭ', 'ظ': 'ẓ', 'ع': 'ʿ', 'غ': 'ġ',
                       'چ': 'č', 'ژ': 'ž'}),
    sun=SUN_AR,
    vow=dict(a='a', i='i', u='u', aa='ā', ii='ī', uu='ū', ay='ay', aw='aw',
             am='ā', uww='short', iy_final='long', iyy='long'),
    art=dict(style='din', vowel='a', sep='-', assim=True, initial_cap=False,
             wa='wa-ʾ', fa='fa-ʾ', bi='bi-ʾ', ka='ka-ʾ', li='li-ʾ'),
    caps=True, tanwin='drop', final_short='drop', tam=('a', 'at'),
    hamza='ʾ', ini_aw='aw', dot_h=False, abad_join=False, zwnj='',
    special_ar=True,
)

scheme(
    file='ar-ijmes.txt', id='ijmes-ara-Arab-Latn', short='ijmes', lang='ar',
    name='IJMES transliteration of Arabic',
    source=('International Journal of Middle East Studies, IJMES Translation and Transliteration '
            'Guide: https://www.cambridge.org/core/journals/international-journal-of-middle-east-studies/'
            'information/author-resources/ijmes-translation-and-transliteration-guide'),
    notes=[
        'no test data in standards.tsv: written from the IJMES chart (ʾ ʿ th j ḥ kh dh sh ṣ ḍ ṭ ẓ '
        'gh q, ā ī ū, ay aw) and its rules: no case endings or nunation, tā’ marbūṭah -a, -at in '
        'iḍāfah, alif maqṣūrah ā, article al- never assimilated, -iyya, -ī; wa-l-, bi-l-, li-l- '
        '(alif of the article elided after a particle)',
        'full transliteration with diacritics (IJMES drops them for names and common terms; '
        'strip them with onoma’s folding if needed); capitalised: every word except the article',
        UNP_AR,
    ],
    family='arabic',
    cons=cons_table(**{'ح': 'ḥ', 'ص': 'ṣ', 'ض': 'ḍ', 'ط': 'ṭ', 'ظ': 'ẓ', 'ع': 'ʿ'}),
    sun=SUN_AR,
    vow=dict(a='a', i='i', u='u', aa='ā', ii='ī', uu='ū', ay='ay', aw='aw',
             am='ā', uww='short', iy_final='long', iyy='short'),
    art=dict(style='ijmes', vowel='a', sep='-', assim=False, initial_cap=False,
             wa='wa-', fa='fa-', bi='bi-', ka='ka-', li='li-', elide=True),
    caps=True, tanwin='drop', final_short='drop', tam=('a', 'at'),
    hamza='ʾ', ini_aw='aw', dot_h=False, abad_join=False, zwnj='',
    special_ar=True,
)

# -- Persian, Dari, Pashto, Urdu -------------------------------------------

PER_CONS = dict(**{'ث': 's̄', 'ح': 'ḩ', 'ذ': 'z̄', 'ص': 'ş', 'ض': 'ẕ', 'ط': 'ţ',
                   'ظ': 'z̧', 'و': 'v'})

scheme(
    file='fa-bgn.txt', id='bgnpcgn-per-Arab-Latn-1958', short='bgn', lang='fa',
    name='BGN/PCGN romanization of Persian (1958)',
    source=('BGN/PCGN, Romanization of Persian (BGN 1946, PCGN 1958): '
            'https://assets.publishing.service.gov.uk/government/uploads/system/uploads/'
            'attachment_data/file/693746/ROMANIZATION_OF_PERSIAN.pdf'),
    notes=[
        'vowels a e o, ā ī ū, diphthongs ey ow; و → v, ی → y as consonants; final ه and ة '
        'after a short vowel → eh (Anjīreh); ezāfe: final kasreh → -e, ی + kasreh → -ye, '
        'hamzeh on ه/ی (ۀ هٔ یٔ) → -ye (Kūh-e, Pā-ye, Dahāneh-ye)',
        'Arabic article: ol (assimilated: os, od, ...) as a separate word only when the word is '
        'pointed or follows ذو ابو بو ذی فی (Z̄ū ol Faqār), inside a word after عبد, in ...الله '
        '...الدین and after ZWNJ (‘Abdollāh, ‘Abdorraḩmān, Beynolmelalī); otherwise ال is read as '
        'letters, since most such Persian words are not Arabic (Alborz, albatteh)',
        'آباد after a space or ZWNJ is joined to the preceding word (Allāhābād), as in the '
        'standard’s gazetteer practice; ZWNJ otherwise → nothing',
        'medial آ → ’ā (Qor’ān, Ma’āb)',
        'unpointed text: bare و ی after a consonant → ū ī, initial او → ū, initial bare ا → a',
    ],
    family='persian',
    cons=cons_table(**PER_CONS),
    sun=SUN_AR,
    vow=dict(a='a', i='e', u='o', aa='ā', ii='ī', uu='ū', ay='ey', aw='ow',
             am='á', uww='short', iy_final='long', iyy='long', iy_sukun='ey',
             fa_final_h='e'),
    art=dict(style='bgn', vowel='o', sep=' ', assim=True, initial_cap=False,
             medial_only=True),
    caps=True, tanwin='drop', final_short='keep', tam=('eh', 'eh'),
    hamza='’', ini_aw='ū', dot_h=False, abad_join=True, zwnj='',
    ezafe=dict(kasra='-e', ye='-ye', hamza='-ye'),
    final_h='eh', special_ar=False, glide_w='v',
)

scheme(
    file='fa-alalc.txt', id='alalc-fas-Arab-Latn-1997', short='alalc', lang='fa',
    name='ALA-LC romanization of Persian (1997)',
    source=('Library of Congress, ALA-LC Romanization Tables: Persian (1997, rev. 2012): '
            'https://www.loc.gov/catdir/cpso/romanization/persian.pdf'),
    notes=[
        'vowels a i u, ā ī ū, diphthongs ay aw; و → v, ی → y as consonants; خو before ا → khv '
        '(Khvāstan, Khvud); ث → s̱, ذ → ẕ, ض → ż',
        'final ه/ة → ah (Astānah, Bachchah); ة → at before a following word without article '
        '(Kullīyat al-Ādāb); ezāfe: kasrah → -i, ی + kasrah → -yi, hamzah on ه (ۀ هٔ) → -’i '
        '(Astānah-’i Dar)',
        'capitalised: every word except the article al-, never assimilated',
        'ZWNJ → hyphen (mī-, -hā, as in the ALA-LC rules); medial آ → ’ā (Daryā’ābādī)',
        'unpointed text: bare و ی after a consonant → ū ī, initial bare ا → a',
    ],
    family='persian',
    cons=cons_table(**{'ث': 's̱', 'ح': 'ḥ', 'ذ': 'ẕ', 'ص': 'ṣ', 'ض': 'ż', 'ط': 'ṭ',
                       'ظ': 'ẓ', 'و': 'v'}),
    sun=SUN_AR,
    vow=dict(a='a', i='i', u='u', aa='ā', ii='ī', uu='ū', ay='ay', aw='aw',
             am='á', uww='long', iy_final='long', iyy='long', iy_sukun='ī', aw_sukun='aw'),
    art=dict(style='alalc', vowel='a', sep='-', assim=False, initial_cap=False,
             medial_only=True),
    caps=True, tanwin='drop', final_short='keep', tam=('ah', 'at'),
    hamza='’', ini_aw='ū', dot_h=False, abad_join=False, zwnj='-',
    ezafe=dict(kasra='-i', ye='-yi', hamza='-’i'),
    final_h='ah', special_ar=False, glide_w='v', tam_construct=True,
)

PS_CONS = dict(**{'ث': 's̄', 'ح': 'ḩ', 'ذ': 'z̄', 'ص': 'ş', 'ض': 'ẕ', 'ط': 'ţ',
                  'ظ': 'z̧'})

PS_NOTES = [
    'vowels a i u, ā ī ū, ō (damma + و), ē (ې), ê (zwarakay U+0659), êy (ۍ); fatḩah + و '
    '→ ow, fatḩah + ی → aī but with sukūn → ay, final ى/ی after fatḩah → ay (Pōṯakay, '
    'Maīmanah, Qayşār, Jowzjān, Tsowkêy), as in the standard’s examples',
    'ezāfe kasrah and hamzah on ه → -e (Ḩaẕrat-e Imām, Guz̄argāh-e); final ه after a short '
    'vowel → ah; the standard’s examples write the word after ezāfe both capitalised '
    '(Mazār-e Sharīf) and not (Mazār-e sharīf, Guz̄argāh-e nūr): every word is capitalised',
    'آباد after a space is joined (Jalālābād); every word capitalised, also wa (Ḏanḏ Wa Patān)',
    'the example افغانستان → Āfghānistān (initial bare alif as ā) contradicts the standard’s '
    'own rule that initial alif only carries the vowel: bare initial ا → a (Afghānistān)',
    'unpointed text: bare و ی after a consonant → ū ī, initial bare ا → a',
]

scheme(
    file='prs-bgn.txt', id='bgnpcgn-prs-Arab-Latn-2007', short='bgn', lang='prs',
    name='BGN/PCGN romanization of Dari (2007)',
    source=('BGN/PCGN, Romanization of Dari (2007): https://assets.publishing.service.gov.uk/'
            'government/uploads/system/uploads/attachment_data/file/693710/ROMANIZATION_OF_DARI.pdf'),
    notes=PS_NOTES + [
        'Arabic article after another word: as (Jabal as Sarāj); the Pashto file has us for the '
        'same example',
    ],
    family='pashto', sub='prs',
    cons=cons_table(**PS_CONS),
    sun=SUN_AR,
    vow=dict(a='a', i='i', u='u', aa='ā', ii='ī', uu='ū', ay='aī', ay_sukun='ay', aw='ow',
             am='ay', uww='short', iy_final='long', iyy='long', damma_waw='ō'),
    art=dict(style='bgn', vowel='a', sep=' ', assim=True, initial_cap=False,
             medial_only=True),
    caps=True, tanwin='drop', final_short='keep', tam=('ah', 'ah'),
    hamza='’', ini_aw='ū', dot_h=False, abad_join=True, zwnj='',
    ezafe=dict(kasra='-e', ye='-ye', hamza='-e'),
    final_h='ah', special_ar=False, glide_w='w',
)

scheme(
    file='ps-bgn.txt', id='bgnpcgn-pus-Arab-Latn-1968', short='bgn', lang='ps',
    name='BGN/PCGN romanization of Pashto (1968)',
    source=('BGN/PCGN, Romanization of Pashto (1968): https://assets.publishing.service.gov.uk/'
            'government/uploads/system/uploads/attachment_data/file/693760/ROMANIZATION_OF_PASHTO.pdf'),
    notes=PS_NOTES + [
        'Arabic article after another word: us (Jabal us Sarāj); the Dari file has as for the '
        'same example',
        'initial او → aw (the conjunction); final ی after a vowel → y',
        'final ی (nārīna yā) → ay, ي → ī, ې → ē, ۍ → êy, final ئ → əy',
    ],
    family='pashto', sub='ps',
    cons=cons_table(**PS_CONS),
    sun=SUN_AR,
    vow=dict(a='a', i='i', u='u', aa='ā', ii='ī', uu='ū', ay='aī', ay_sukun='ay', aw='ow',
             am='ay', uww='short', iy_final='long', iyy='long', damma_waw='ō'),
    art=dict(style='bgn', vowel='u', sep=' ', assim=True, initial_cap=False,
             medial_only=True),
    caps=True, tanwin='drop', final_short='keep', tam=('ah', 'ah'),
    hamza='’', ini_aw='aw', dot_h=False, abad_join=True, zwnj='',
    ezafe=dict(kasra='-e', ye='-ye', hamza='-e'),
    final_h='ah', special_ar=False, glide_w='w',
)

UR_CONS = dict(**{'ث': 's̄', 'ح': 'ḩ', 'ذ': 'z̄', 'ص': 'ş', 'ض': 'ẕ', 'ط': 'ţ',
                  'ظ': 'z̧', 'ں': 'ñ'})

scheme(
    file='ur-bgn.txt', id='bgnpcgn-urd-Arab-Latn-2007', short='bgn', lang='ur',
    name='BGN/PCGN romanization of Urdu (2007)',
    source=('BGN/PCGN, Romanization of Urdu (2007), based on the Hunterian system: '
            'https://assets.publishing.service.gov.uk/government/uploads/system/uploads/'
            'attachment_data/file/693788/ROMANIZATION_OF_URDU.pdf'),
    notes=[
        'vowels a i u, ā ī ū; fatḩah + و → au, fatḩah + ے/ی → ai (Taudah, Ḩaidar); ے → e; '
        'ھ marks aspiration (bh, ṭh, ...); ں → ñ; ئ → ’ (Zā’ī)',
        'unpointed و and ی: the standard’s own examples give o and e (Boghdī, Koṭ, Zhob, '
        'Kārākhel, ‘Alam Sher), so bare و → o and medial bare ی → e after a consonant, final '
        'bare ی → ī; standards.tsv has ميلة → Mylah, which contradicts the example '
        'بَرجُو ميلَه → Barjū Melah of the same table: Melah is produced',
        'ezāfe kasrah → -e (Note 1); final ہ/ه after a short vowel → ah',
        'آباد after a space is joined; every word capitalised',
    ],
    family='urdu', sub='bgn',
    cons=cons_table(**UR_CONS),
    sun=SUN_AR,
    vow=dict(a='a', i='i', u='u', aa='ā', ii='ī', uu='ū', ay='ai', aw='au', aw_sukun='aw',
             am='á', uww='short', iy_final='long', iyy='long'),
    glide_unp=dict(w='o', y='e', y_final='ī'),
    art=dict(style='bgn', vowel='a', sep=' ', assim=True, initial_cap=False,
             medial_only=True, inner='ul'),
    caps=True, tanwin='drop', final_short='keep', tam=('ah', 'ah'),
    hamza='’', ini_aw='o', dot_h=False, abad_join=True, zwnj='',
    ezafe=dict(kasra='-e', ye='-e', hamza='-e'),
    final_h='ah', special_ar=False, glide_w='w',
)

scheme(
    file='ur-un.txt', id='un-urd-Arab-Latn-1972', short='un', lang='ur',
    name='United Nations romanization of Urdu (1972)',
    source=('UNGEGN, United Nations romanization system for Urdu (II/11, 1972; III/12, 1977), '
            'UNGEGN Working Group on Romanization Systems report, version 4.0 (2016): '
            'https://www.eki.ee/wgrs/rom1_ur.htm'),
    notes=[
        'letter values of the UN table: ح h, ص s, ض z, ط t, ظ z, ث s, ذ z, خ ḳh, غ gh, ڑ ṙ, '
        'ژ ỵ (sic, as printed), و v (ẉ after خ), ی y, ے e / ai, ہ h, word-final after a short '
        'vowel ḥ (Āgraḥ), ھ h (aspiration), ں n; ع after fatḥah → ‘ā (Note A: M‘āmul)',
        'the table gives و and ی only consonant values and the examples keep them in unpointed '
        'words (Bvghdī, Byzvt, Kvṭ): bare و ی after a consonant → v y, so unpointed text is '
        'not vocalised in this scheme (use bgn for readable output)',
        'ئ between vowels → - (Zā-ī) as in the examples; ezāfe kasrah → -e',
        'آباد after a space is joined (Islāmābād); every word capitalised',
    ],
    family='urdu', sub='un',
    cons=cons_table(**{'ث': 's', 'ح': 'h', 'ذ': 'z', 'ص': 's', 'ض': 'z', 'ط': 't',
                       'ظ': 'z', 'خ': 'ḳh', 'ڑ': 'ṙ', 'ژ': 'ỵ', 'ں': 'n'}),
    sun=SUN_AR,
    vow=dict(a='a', i='i', u='u', aa='ā', ii='ī', uu='ū', ay='ai', aw='au', aw_sukun='aw',
             am='á', uww='short', iy_final='long', iyy='long'),
    glide_unp=dict(w='v', y='y', y_final='y'),
    art=dict(style='bgn', vowel='a', sep=' ', assim=True, initial_cap=False,
             medial_only=True, inner='ul'),
    caps=True, tanwin='drop', final_short='keep', tam=('ah', 'ah'),
    hamza='-', ini_aw='av', dot_h=False, abad_join=True, zwnj='',
    ezafe=dict(kasra='-e', ye='-e', hamza='-e'),
    final_h='ah', special_ar=False, glide_w='v', un_final_h=True, un_ain=True,
)


# --------------------------------------------------------------------------
# building the passes


def pass_normalise(s):
    fam = s['family']
    r = ['# ---- 1. normalise',
         '\\u0640 → ;   # tatweel',
         '[\\u200B\\u200D-\\u200F\\u061C\\u202A-\\u202E\\u2066-\\u2069\\uFEFF] → ;',
         '\\u200C → $ZW ;   # ZWNJ, resolved in pass 5',
         DIGITS.rstrip('\n'), PUNCT.rstrip('\n'),
         'ٱ → ا ;   # alif waşlah',
         'ۀ → ه \\u0654 ;',
         'ە → ه ;',
         'ۃ → ة ;',
         'ک → ك ;',
         'ڪ → ك ;',
         'ګ → گ ;',
         'ۓ → ئ ;' if fam != 'urdu' else '',
         ]
    if fam == 'arabic':
        r += ['ی → ي ;', '[ېۍے] → ي ;', '[ہھ] → ه ;']
    elif fam == 'persian':
        r += ['ی → ي ;', '[ېۍے] → ي ;', '[ہھ] → ه ;',
              '# ى is used for final ی in much Persian text; kept only as alif maqşūrah',
              '$FA { ى → ى ;', 'ى } $DAG → ى ;', 'ى → ي ;']
    elif fam == 'pashto':
        if s.get('sub') == 'ps':
            r += ['ی } [$VM]* $WE → ى ;   # final ی: nārīna yā (ay)', 'ی → ي ;']
        else:
            r += ['ی → ي ;']
        r += ['ے → ي ;', '[ہھ] → ه ;']
    elif fam == 'urdu':
        r += ['ی → ي ;', '[ېۍ] → ي ;']
    r += [
        '# shadda: the consonant is written twice; after the article a sun letter',
        '# loses it (the article rule writes the assimilation)',
        '$NW { ([وفبك] $VM*)? (ا $VM* ل $VM*) ([%s]) ($VNS*) $SH → $1 $2 $3 $4 ;' % s['sun'],
        '$NW { ([وف] $VM*)? (ل $VM* ل $VM*) ([%s]) ($VNS*) $SH → $1 $2 $3 $4 ;' % s['sun'],
        '$NW { (ع $VM* ب $VM* د $VM* ا $VM* ل $VM*) ([%s]) ($VNS*) $SH → $1 $2 $3 ;' % s['sun'],
        '($AL) ($VNS*) $SH ($VNS*) → $1 $1 $2 $3 ;',
        '$SH → ;',
    ]
    return [x for x in r if x]


def pass_words(s):
    return ['# ---- 2. word markers: E001 pointed word, E000 unpointed word',
            '$NW { } $AL [$W - $PV]* $PV → $P ;',
            '$NW { } $AL → $U ;']


def pass_article(s):
    r = ['# ---- 3. article words (E002) and construct tā’ marbūţah (E011)']
    art = s['art']
    if art.get('medial_only'):
        # Persian-script languages: a separate word beginning with ال is
        # mostly native (البته, البرز, الان): the article only when the word
        # is pointed, after the Arabic words ذو ابو بو ذی فی, or after ZWNJ
        arts = 'ا $VM* ل $VM* $AL $VM* $AL → $ART ;'
        r += ['[$AL $AM $CT] \' \'+ $P { } ' + arts,
              '$MK ذ $VM* [وي] $VM* \' \'+ $MK { } ' + arts,
              '$MK ا? $VM* ب $VM* [وي] $VM* \' \'+ $MK { } ' + arts,
              '$MK ف $VM* ي $VM* \' \'+ $MK { } ' + arts,
              '$ZW $MK? { } ' + arts]
    else:
        # prefixes wa-, bi- (fa-, ka- are left alone: too many names begin
        # with فال كال, e.g. Valencia, Calandria)
        r += ['$MK { } [وب] $VM* ا $VM* ل $VM* $AL $VM* $AL $VM* $AL → $ART ;',
              '$MK { } ل $VM* ل $VM* $AL $VM* $AL → $ART ;',
              '$MK { } ا $VM* ل $VM* $AL $VM* $AL → $ART ;']
    if s['family'] == 'arabic' or s.get('tam_construct'):
        r += ['$ART [$W]* { ة → ة ;',
              'ة } $VM* \' \'+ $MK → $CT ;']
    return r


def art_rules(s):
    """Pass 4: the article and the particles joined to it."""
    art = s['art']
    c = s['cons']
    sty = art['style']
    v = art['vowel']
    sep = art['sep']
    r = ['# -- the article (E002 marks an article word, E020 stands for its lām)']
    # E020 (article lām) → assimilated or not
    if art['assim']:
        for ch in s['sun']:
            r.append(rule('$AP', o(c[ch] + sep), after='$MK ' + ch))
    r.append(rule('$AP', o('l' + sep)))
    # particles
    if s['family'] == 'arabic':
        lc = '$PREV \' \'+'
        if sty == 'bgn':
            # wa, fa: separate lower-case words; bi, li, ka: bi + article lām
            r += [rule('($MK) $ART و $VM*', o(art['wa'] + ' ') + ' | $1 $ART', before=lc),
                  rule('($MK) $ART و $VM*', '$1 ' + o(art['wa'] + ' ') + ' | $1 $ART'),
                  rule('($MK) $ART ف $VM*', o(art['fa'] + ' ') + ' | $1 $ART', before=lc),
                  rule('($MK) $ART ف $VM*', '$1 ' + o(art['fa'] + ' ') + ' | $1 $ART')]
            for p, lat in (('ب', art['bi']), ('ك', art['ka'])):
                r += [rule('($MK) $ART %s $VM* ا $VM* ل $VM*' % p, o(lat) + ' | $AP $1', before=lc),
                      rule('($MK) $ART %s $VM* ا $VM* ل $VM*' % p, '$1 ' + o(lat) + ' | $AP $1')]
            r += [rule('($MK) $ART ل $VM* ل $VM*', o(art['li']) + ' | $AP $1', before=lc),
                  rule('($MK) $ART ل $VM* ل $VM*', '$1 ' + o(art['li']) + ' | $AP $1')]
            r += [rule('($MK) $ART ا $VM* ل $VM*', o(v) + ' | $AP $1', before=lc),
                  rule('($MK) $ART ا $VM* ل $VM*', '$1 ' + o(v) + ' | $AP $1')]
        else:
            # hyphenated particles, article lower case everywhere
            a_out = '' if (art.get('elide') or sty == 'din') else v
            for p, lat in (('و', art['wa']), ('ف', art['fa']), ('ب', art['bi']), ('ك', art['ka'])):
                r.append(rule('($MK) $ART %s $VM* ا $VM* ل $VM*' % p,
                              o(lat + a_out) + ' | $AP $1'))
            li = {'alalc': 'li', 'iso': 'li-', 'din': 'li-ʾ', 'ijmes': 'li-'}[sty]
            r.append(rule('($MK) $ART ل $VM* ل $VM*', o(li) + ' | $AP $1'))
            r.append(rule('($MK) $ART ا $VM* ل $VM*', o(v) + ' | $AP $1'))
    else:
        # Persian family: the article only after another word (pass 3)
        lat = v
        # after ZWNJ (beyn‌ol‌melalī): inside the word, no space, no capital
        if art['assim']:
            for ch in s['sun']:
                r.append(rule('$AQ', o(c[ch] + ('-' if s['zwnj'] == '-' else '')), after=ch))
        r.append(rule('$AQ', o('l' + ('-' if s['zwnj'] == '-' else ''))))
        r += [rule('$ZW $MK? $ART ا $VM* ل $VM*', o(('-' if s['zwnj'] == '-' else '') + lat)
                   + ' | $AQ'),
              rule('($MK) $ART ا $VM* ل $VM*', o(lat) + ' | $AP $1')]
    return r


def special_rules(s):
    r = ['# -- special words']
    allah = 'ا $VM* ل ل+ $VM* ه'
    r.append(rule('($MK) $ART? ' + allah, "'Allāh'", after='$VM* $WE'))
    if s['family'] == 'arabic':
        r.append(rule('($MK) ل $VM* ل+ $VM* ه', '$1 ' + o('lillāh'), after='$VM* $WE'))
        ain = s['cons']['ع']
        # noun phrases written as one word: ‘Abd al-..., ‘Abd Allāh
        r.append(rule('($MK) ع $VM* ب $VM* د $VM*', '$1 ' + o(ain + 'abd ') + ' | $1 $ART',
                      after='ا $VM* ل $VM* $AL'))
        # unpointed name particles: bin (BGN: Bin where written without alif),
        # ‘abd
        r.append(rule('($U) ب ن', '$1 ' + o('bin'), after='$WE'))
        r.append(rule('($U) ع ب د', '$1 ' + o(ain + 'abd'), after='$WE'))
        if s['art']['style'] == 'bgn':
            # prepositions inside a name are lower case (BGN special rule 2)
            for w in ('ف ي', 'م ن', 'ع ن', 'ع ل ى', 'إ ل ى', 'ا ل ى', 'م ع'):
                r.append(rule('$MK', '$LW', before="$PREV ' '+", after=w + ' $WE'))
        if s.get('special_ar'):
            # words whose long ā is not written (hādhā, dhālika, lākin, hā’ulā’i)
            h = s['cons']['ه']
            dh = s['cons']['ذ']
            r += [rule('ه $FA?', o(h + 'ā'), before='$MK', after='ذ'),
                  rule('ه $FA?', o(h + 'ā'), before='$MK', after='ؤ'),
                  rule('ذ $FA?', o(dh + 'ā'), before='$MK', after='ل $VM* ك $VM* $WE'),
                  rule('ل $FA?', o('lā'), before='$MK', after='ك $VM* ن $VM* $WE')]
    else:
        fam = s['family']
        # Arabic compound names inside a word (‘Abdollāh, Naşroddīn)
        vv = s['art']['vowel'] if fam != 'urdu' else 'u'
        ain = s['cons']['ع']
        abd = '($MK) ع $VM* ب $VM* د $VM*'
        r.append(rule(abd, '$1 ' + o(ain + 'abd'), after='ا $VM* ل ل+ $VM* ه $VM* $WE'))
        if s['art']['assim']:
            r.append(rule(abd + ' ا $VM* ل $VM*', '$1 ' + o(ain + 'abd' + vv) + ' | $AQ',
                          after='$AL'))
        else:
            r.append(rule(abd + ' ا $VM* ل $VM*', '$1 ' + o(ain + 'abd al-') + ' $U',
                          after='$AL'))
        if s['art']['assim']:
            r.append(rule('ا $VM* ل ل+ $VM* ه', o(vv + 'llāh'), before='[[:L:]]',
                          after='$VM* $WE'))
            r.append(rule('ا $VM* ل $VM* د $VM* ي $VM* ن', o(vv + 'ddīn'), before='[[:L:]]',
                          after='$VM* $WE'))
        else:
            r.append(rule('ا $VM* ل ل+ $VM* ه', o(' Allāh'), before='[[:L:]]',
                          after='$VM* $WE'))
            r.append(rule('ا $VM* ل $VM* د $VM* ي $VM* ن', o(' al-') + ' $U ' + o('dīn'),
                          before='[[:L:]]', after='$VM* $WE'))
    # the conjunction wa written as a word of its own
    conj = {'arabic': 'wa', 'persian': 'va', 'pashto': 'wa', 'urdu': 'o'}[s['family']]
    if s['family'] == 'pashto':
        r.append(rule('($MK) و $VM*', '$1 ' + o(conj), after='$WE'))
    elif not (s['family'] == 'urdu' and s.get('sub') == 'un'):
        r.append(rule('$MK و $VM*', o(conj), after='$WE'))
    if s.get('abad_join'):
        r.append(rule("[\\u0020 $ZW] $MK آ $VM* ب $VM* ا $VM* د", o('ābād'), after='$VM* $WE'))
        r.append(rule("$ZW آ $VM* ب $VM* ا $VM* د", o('ābād'), after='$VM* $WE'))
    return r


def hamza_rules(s):
    v = s['vow']
    hz = s['hamza']
    fam = s['family']
    r = ['# -- alif, hamzah']
    r.append(rule('$FA? آ', o(v['aa']), after='ء'))
    r.append(rule('آ', o(v['aa']), before='$MK'))
    r.append(rule('آ', o(('’' if hz == '-' else hz) + v['aa'])))
    r += [rule('[أإ]', '', before='$MK', after='$SV'),
          rule('أ ي', o(v['a'] + 'y'), before='$MK', after='[^$VM]'),
          rule('أ و', o(v['a'] + s['glide_w_cons']), before='$MK', after='[^$VM]'),
          rule('إ ي', o(v['ii']), before='$MK', after='[^$VM]'),
          rule('أ', o(v['a']), before='$MK'),
          rule('إ', o(v['i']), before='$MK'),
          rule('ا', '', before='$MK', after='$SV'),
          rule('ا ي', o(v['ii']), before='$MK', after='[^$VM]'),
          rule('ا و', o(s['ini_aw']), before='$MK', after='[^$VM]'),
          ]
    if fam == 'arabic':
        # unpointed words: the initial alif of forms VII, VIII, X and of ibn,
        # ism, ithnān, imra'ah carries i (intikhāb, ijtimā‘, istiqlāl)
        r += [rule('ا', o(v['i']), before='$U', after='[$AL-[اويىءأإآؤئ]] ت'),
              rule('ا', o(v['i']), before='$U', after='ن [$AL-[اويىةه]] $AL $AL'),
              rule('ا', o(v['i']), before='$U', after='ب ن $WE'),
              rule('ا', o(v['i']), before='$U', after='س م $WE'),
              rule('ا', o(v['i']), before='$U', after='ث ن'),
              rule('ا', o(v['i']), before='$U', after='م ر [أءؤ]')]
    r += [rule('ا', o(v['a']), before='$MK')]
    if fam == 'urdu' and s.get('sub') == 'un':
        r.append(rule('ئ', o('-')))
    elif fam == 'pashto':
        r.append(rule('ئ', o('əy'), after='$WE'))
        r.append(rule('ئ', o(hz)))
    else:
        r.append(rule('ئ', o(hz)))
    if fam == 'urdu' and s.get('sub') != 'un':
        r.append(rule('ؤ', o(hz + 'o'), after='$WE'))
    r.append(rule('[أإؤء]', o(hz)))
    return r


def vowel_rules(s):
    v = s['vow']
    fam = s['family']
    r = ['# -- vowel signs with the letters they lengthen']
    tam = '[ة $CT]'
    fa_h = v.get('fa_final_h')
    if fam in ('arabic',) or s.get('tam_construct'):
        r.append(rule('$FA', '', after=tam))
    else:
        r.append(rule('$FA', o(fa_h or v['a']), after='[ة ه] [$VM]* [$WE \\u0654\\u0674]'))
    # tanwin
    if s['tanwin'] == 'keep':
        r += [rule('\\u064B [اى]', o('an')), rule('ا \\u064B', o('an')),
              rule('\\u064B', o('an')), rule('\\u064C', o('un')), rule('\\u064D', o('in'))]
    else:
        r += [rule('\\u064B [اى]', ''), rule('ا \\u064B', '')]
    # fatha
    r += [rule('$FA ا', o(v['aa'])),
          rule('$FA? ى $DAG', o('á')),
          rule('$FA ى', o(v['am']))]
    if s.get('un_ain'):
        r.append(rule('$FA ع', o('‘ā'), after='[^$VM]'))
    if 'aw_sukun' in v:
        r.append(rule('$FA و $SU', o(v['aw_sukun'])))
    if 'ay_sukun' in v:
        r.append(rule('$FA ي $SU', o(v['ay_sukun'])))
    r += [rule('$FA', o(v['a']), after='[وي] [ا $VM]'),
          rule('$FA', o(v['a']), after='و و'),
          rule('$FA', o(v['a']), after='ي ي')]
    if fam == 'urdu':
        r.append(rule('$FA ے', o('ai')))
    r += [rule('$FA و', o(v['aw'])),
          rule('$FA ي', o(v['ay']))]
    # damma
    uu = v.get('damma_waw', v['uu'])
    r += [rule('$DA و $SU', o(uu)),
          rule('$DA', o(v['u']), after='و $VM')]
    if v['uww'] == 'long':
        r.append(rule('$DA و', o(uu), after='و'))
    else:
        r.append(rule('$DA', o(v['u']), after='و و'))
    r.append(rule('$DA و', o(uu)))
    # kasra
    r += [rule('$KA ي $SU', o(v.get('iy_sukun', v['ii']))),
          rule('$KA', o(v['i']), after='ي $VM')]
    if v['iy_final'] == 'long':
        r.append(rule('$KA ي ي', o(v['ii']), after='$TA? $WE'))
    if v['iyy'] == 'long':
        r.append(rule('$KA ي', o(v['ii']), after='ي'))
    else:
        r.append(rule('$KA', o(v['i']), after='ي ي'))
    r.append(rule('$KA ي', o(v['ii'])))
    if fam == 'pashto':
        r.append(rule('$KA ې', o('ē')))
        r.append(rule('$KA ى', o(v['ii'])))
    # ezafe
    ez = s.get('ezafe')
    if ez:
        r.append(rule('ي $KA', o(ez['ye']), before='$OV', after="' '+ $MK"))
        r.append(rule('$KA', o(ez['kasra']), after="' '+ $MK"))
        r.append(rule('[\\u0654\\u0674]', o(ez['hamza'])))
    # plain short vowels
    fs = s['final_short']
    if fs == 'drop':
        r.append(rule('$SV', '', after='$TA? $WE'))
    r += [rule('$FA', o(v['a'])), rule('$DA', o(v['u'])), rule('$KA', o(v['i'])),
          rule('$SU', '$SK'), rule('$DAG', o(v['aa'])), rule('$TA', '')]
    if fam == 'pashto':
        r.append(rule('\\u0659', o('ê')))
    return r


def tam_rules(s):
    """tā’ marbūţah, final hā’."""
    t_fin, t_con = s['tam']
    aa = s['vow']['aa']
    r = ['# -- tā’ marbūţah, final hā’']
    if s['family'] == 'arabic' or s.get('tam_construct'):
        # after ā: h / t only
        r += [rule('ة', o(t_fin[-1] if t_fin.endswith('h') else t_fin.lstrip('a')),
                   before=o(aa)),
              rule('$CT', o(t_con[1:] if t_con.startswith('a') else t_con), before=o(aa))]
        if s['tanwin'] == 'keep':
            r += [rule('ة \\u064B', o(t_con + 'an')), rule('ة \\u064C', o(t_con + 'un')),
                  rule('ة \\u064D', o(t_con + 'in'))]
        r += [rule('ة $TA?', o(t_fin)), rule('$CT $TA?', o(t_con))]
    if s['family'] != 'arabic':
        fh = s['final_h']
        if not (s['family'] == 'arabic' or s.get('tam_construct')):
            r.append(rule('ة', o('h'), before='$OV'))
            r.append(rule('ة', o(fh)))
        r.append(rule('ه', o('h'), before='$OV', after='$VM* [$WE \\u0654\\u0674]'))
        r.append(rule('ه', o(fh), after='$VM* [$WE \\u0654\\u0674]'))
        if s['family'] == 'urdu':
            hh = 'ḥ' if s.get('un_final_h') else 'h'
            r.append(rule('ہ', o(hh), before='[aiu]', after='$VM* $WE'))
            r.append(rule('ہ', o('h'), before='$OV', after='$VM* $WE'))
            r.append(rule('ہ', o('a' + hh), after='$VM* $WE'))
    return r


def glide_rules(s):
    """Bare alif, wāw, yā’, alif maqşūrah."""
    v = s['vow']
    fam = s['family']
    w = s['glide_w_cons']
    unp = s.get('glide_unp', dict(w=v['uu'], y=v['ii'], y_final=v['ii']))
    r = ['# -- bare alif, wāw, yā’ (left context = Latin output)']
    alef = v.get('alef_bare', v['aa'])
    r += [rule('ا', '', before=o(v['uu']), after='$WE'),     # silent alif after plural -ū
          rule('ا', o(v['aa']), before='$OV'),
          rule('ا', o(alef))]
    # wāw
    # Urdu: the standard's examples are partly pointed and still read a bare
    # و ی after a consonant as o e (Boghdī, Gulonā Ḍherī): no pointed-word rule
    pw = fam != 'urdu'
    r += [rule('و', o(w), before='$OV'),
          rule('و', o(w), before='$MK')]
    r.append(rule('و', o(w), before='$SK'))
    if pw:
        # pointed word: a bare و after a consonant without vowel sign is w at
        # the end of the word (dalw); inside it, pointing is often partial
        r.append(rule('و', o(w), before='$P $OW*', after='$WE'))
    r += [
          rule('و', o(w), after='[ا $VM]'),
          rule('و', o(unp['w']))]
    # yā’
    r += [rule('ي', 'y', before='$OV'),
          rule('ي', 'y', before='$MK')]
    r.append(rule('ي', 'y', before='$SK'))
    if pw:
        r.append(rule('ي', 'y', before='$P $OW*', after='$WE'))
    r += [
          rule('ي', 'y', after='[ا $VM]'),
          rule('ي', o(unp['y_final']), after='$WE')]
    if fam == 'arabic' or s.get('tam_construct'):
        # unpointed nisba + tā’ marbūţah: -īyah / -iyya
        r.append(rule('ي', o(v['ii'] + 'y' if v['iyy'] == 'long' else v['i'] + 'yy'),
                      after='[ة $CT]'))
    r += [
          rule('ي', o(unp['y']))]
    if fam == 'urdu':
        r += [rule('ے', o('e'))]
    if fam == 'pashto':
        r += [rule('ې', o('ē')), rule('ۍ', o('êy')), rule('ى', 'y', before='$OV'),
              rule('ى', o('ay'), before='[^$MK]')]
    r += [rule('ى', o(v.get('am_bare', 'á')))]
    return r


def cons_rules(s):
    r = ['# -- consonants']
    c = s['cons']
    if s.get('dot_h'):
        r.append(rule('ه', o('·h'), before='[kdst]'))
    if s['family'] == 'arabic':
        # Arabic-family tables still meet ه at word end: plain h
        pass
    for k in sorted(c):
        if k in 'اويىةهأإآؤئءے':
            continue
        r.append(rule(k, o(c[k])))
    r.append(rule('ه', o(c['ه'])))
    return r


def pass_letters(s):
    r = ['# ---- 4. letters']
    r += special_rules(s)
    r += art_rules(s)
    r += hamza_rules(s)
    r += vowel_rules(s)
    r += tam_rules(s)
    r += glide_rules(s)
    r += cons_rules(s)
    return r


def pass_fallback(s):
    return ['# ---- 5. other Arabic-script letters (by Unicode name), marks, ZWNJ',
            '$ZW → %s ;' % o(s['zwnj']),
            '$ART → ;', '$CT → t ;', '$AP → l ;', '$AQ → l ;', '$SK → ;',
            "\\u06E5 → ū ;   # small waw (Qur’anic long vowel)",
            "\\u06E6 → ī ;   # small yeh",
            "\\uFE73 → ;     # tail fragment",
            fallback_rules(),
            '$AM → ;']


def pass_caps(s):
    r = ['# ---- 6. capitals']
    if s['caps']:
        r.append("[$U $P] ([‘’ʿʾ]?) ([:Ll:]) → $1 &Any-Upper($2) ;")
    r.append('[\\uE000-\\uE0FF] → ;')
    return r


def build(s):
    s.setdefault('glide_w_cons', s.get('glide_w', 'w'))
    hdr = ['# id: ' + s['id'], '# short: ' + s['short'], '# lang: ' + s['lang'],
           '# name: ' + s['name'], '# source: ' + s['source'], '# license: ' + LICENSE]
    hdr += ['# note: ' + n for n in s['notes']]
    hdr += ['# note: generated by tools/translit/gen_arab.py (edit the generator and regenerate)']
    parts = ['\n'.join(hdr), SETS.strip('\n'),
             '# compatibility forms of the Arabic blocks only (other text is left as it is)',
             '::[\\u0600-\\u06FF\\u0750-\\u077F\\u0870-\\u08FF\\uFB50-\\uFDFF\\uFE70-\\uFEFE] NFKC ;',
             '\n'.join(pass_normalise(s)), '::Null ;',
             '\n'.join(pass_words(s)), '::Null ;',
             '\n'.join(pass_article(s)), '::Null ;',
             '\n'.join(pass_letters(s)), '::Null ;',
             '\n'.join(pass_fallback(s)), '::Null ;',
             '\n'.join(pass_caps(s))]
    return '\n'.join(parts) + '\n'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=OUT)
    ap.add_argument('--check', action='store_true')
    ap.add_argument('--only')
    a = ap.parse_args()
    stale = 0
    for s in SCHEMES:
        if a.only and a.only not in (s['file'], s['id']):
            continue
        text = build(s)
        path = os.path.join(a.out, s['file'])
        if a.check:
            cur = open(path, encoding='utf-8').read() if os.path.exists(path) else None
            if cur != text:
                print('stale: ' + path)
                stale += 1
            continue
        with open(path, 'w', encoding='utf-8') as f:
            f.write(text)
    sys.exit(1 if stale else 0)


if __name__ == '__main__':
    main()
