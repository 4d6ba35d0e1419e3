#!/usr/bin/python3
"""Write tests/data/translit/<lang>-<id>.tsv for the Cyrillic/Greek schemes.

usage: cyrl_make_tests.py STANDARDS_TSV [--out tests/data/translit] [--max 30]

STANDARDS_TSV is /work/shared/data/translit/standards.tsv (interscript/maps
test cases, MIT).  For each scheme it keeps up to --max reference cases that
the scheme reproduces, chosen greedily to cover the most distinct
letter pairs (so context rules and capitals get exercised), plus the
hand-listed cases in EXTRA below (examples printed in the standards'
own notes, or reference cases corrected where the scheme file's `# note:`
explains why).  Every case is re-checked against the scheme before writing.
"""
import argparse
import os
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cyrl_run_scheme as run  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.normpath(os.path.join(HERE, '..', '..', 'tests', 'data', 'translit'))

# scheme id -> (file prefix, reference system id in standards.tsv or None)
SCHEMES = {
    'bgnpcgn-rus-Cyrl-Latn-1947': ('ru', 'bgnpcgn-rus-Cyrl-Latn-1947'),
    'alalc-rus-Cyrl-Latn-2012': ('ru', 'alalc-rus-Cyrl-Latn-2012'),
    'gost-rus-Cyrl-Latn-7.79-2000-2002': ('ru', 'gost-rus-Cyrl-Latn-7.79-2000-2002'),
    'gost-rus-Cyrl-Latn-7.79-2000-2002-b': ('ru', None),
    'iso-Cyrl-Latn-9-1995': ('iso9', 'gost-rus-Cyrl-Latn-7.79-2000-2002'),
    'bgnpcgn-ukr-Cyrl-Latn-2019': ('uk', 'bgnpcgn-ukr-Cyrl-Latn-2019'),
    'ua-ukr-Cyrl-Latn-2010': ('uk', 'ua-ukr-Cyrl-Latn-2010'),
    'alalc-ukr-Cyrl-Latn-1997': ('uk', 'alalc-ukr-Cyrl-Latn-1997'),
    'bgnpcgn-bel-Cyrl-Latn-1979': ('be', 'bgnpcgn-bel-Cyrl-Latn-1979'),
    'bgnpcgn-bul-Cyrl-Latn-2013': ('bg', 'bgnpcgn-bul-Cyrl-Latn-2013'),
    'un-bul-Cyrl-Latn-1977': ('bg', 'un-bul-Cyrl-Latn-1977'),
    'bgnpcgn-ell-Grek-Latn-1996': ('el', 'bgnpcgn-ell-Grek-Latn-1996'),
    'elot-ell-Grek-Latn-743-1982-tl': ('el', 'elot-ell-Grek-Latn-743-1982-tl'),
    'alalc-ell-Grek-Latn-2010': ('el', 'alalc-ell-Grek-Latn-2010'),
    'bgnpcgn-ell-Grek-Latn-1962': ('el', 'bgnpcgn-ell-Grek-Latn-1962'),
}

# Extra cases: (source, expected, comment).
EXTRA = {
    'bgnpcgn-rus-Cyrl-Latn-1947': [
        ('Российская объединенная', 'Rossiyskaya ob\u201dyedinennaya',
         'standards.tsv case with the hard sign as U+201D (BGN/PCGN table) instead of an ASCII "'),
        ('ЩУКА', 'SHCHUKA', 'all-capital word (BGN/PCGN: upper and lower case as appropriate)'),
    ],
    'alalc-rus-Cyrl-Latn-2012': [
        ('Грозный', 'Groznyĭ', 'standards.tsv case with й = ĭ (breve, ALA-LC table) instead of ǐ'),
        ('Юбилейный', 'I\u0361Ubileĭnyĭ', 'as above'),
        ('Йошкар-Ола', 'Ĭoshkar-Ola', 'as above'),
    ],
    'gost-rus-Cyrl-Latn-7.79-2000-2002': [
        ('съезд', 's\u02baezd', 'standards.tsv case with ъ = ʺ (U+02BA, as ISO 9) instead of ASCII "'),
        ('альбом', 'al\u02b9bom', 'standards.tsv case with ь = ʹ (U+02B9) instead of an acute accent'),
    ],
    'iso-Cyrl-Latn-9-1995': [
        ('съезд', 's\u02baezd', 'gost A (= ISO 9) case with ъ = ʺ (U+02BA)'),
        ('альбом', 'al\u02b9bom', 'gost A (= ISO 9) case with ь = ʹ (U+02B9)'),
        ('Ґанок', 'G\u0300anok', 'ISO 9 table 1: ґ = g̀'),
        ('Їжак', 'Ïžak', 'ISO 9 table 1: ї = ï'),
        ('Љубљана', 'L\u0302ubl\u0302ana', 'ISO 9 table 1: љ = l̂'),
        ('Ђурђевдан', 'Đurđevdan', 'ISO 9 table 1: ђ = đ'),
        ('Өскемен', 'Ôskemen', 'ISO 9 table 1: ө = ô'),
        ('ЎЗБЕК', 'ŬZBEK', 'ISO 9 table 1: ў = ŭ'),
    ],
    'ua-ukr-Cyrl-Latn-2010': [
        ('ЗГОРАНИ', 'ZGHORANY', 'зг = zgh, in capitals'),
        ('КИЇВ', 'KYIV', 'ї inside a word = i, in capitals'),
    ],
    'bgnpcgn-ukr-Cyrl-Latn-2019': [
        ('Згурський', 'Zghurskyi', 'BGN/PCGN 2019 note: зг = zgh'),
    ],
    'alalc-ukr-Cyrl-Latn-1997': [
        ('Єнакієве', 'I\u0361Enakii\u0361eve',
         'standards.tsv case with capital Є = I͡E (both capitals, as the Russian ALA-LC cases) instead of I͡e'),
    ],
    'bgnpcgn-bul-Cyrl-Latn-2013': [
        ('Република България', 'Republika Bulgaria', 'note 2 of the BGN/PCGN document: the state name'),
        ('ледник Щерна', 'lednik Shterna', 'bgna-bul-Cyrl-Latn-2009 case (same letter table)'),
        ('връх Дъбник', 'vrah Dabnik', 'bgna-bul-Cyrl-Latn-2009 case'),
        ('ледник Джераси', 'lednik Dzherasi', 'bgna-bul-Cyrl-Latn-2009 case'),
        ('Жефарович камък', 'Zhefarovich kamak', 'bgna-bul-Cyrl-Latn-2009 case'),
        ('хълм Цамблак', 'halm Tsamblak', 'bgna-bul-Cyrl-Latn-2009 case'),
        ('нунатак Филип Тотю', 'nunatak Filip Totyu', 'bgna-bul-Cyrl-Latn-2009 case'),
        ('ледник Ябланица', 'lednik Yablanitsa', 'bgna-bul-Cyrl-Latn-2009 case'),
        ('ледник Сабазий', 'lednik Sabaziy', 'bgna-bul-Cyrl-Latn-2009 case'),
        ('ОБОРИЩЕ', 'OBORISHTE', 'capitals'),
    ],
    'un-bul-Cyrl-Latn-1977': [
        ('нос Бяга БЯГА', 'nos Bjaga BJAGA',
         'standards.tsv case with я = ja (annex of UN resolution III/10) instead of ya'),
        ('нунатак Филип Тотю', 'nunatak Filip Totju', 'as above, ю = ju'),
        ('Република България', 'Republika Bǎlgarija', 'as above'),
    ],
    'gost-rus-Cyrl-Latn-7.79-2000-2002-b': [],
}

# GOST 7.79-2000 system B has no reference cases: the words of the system A
# cases, romanized with table 2 of the standard.
GOST_B_WORDS = [
    ('адрес', 'adres'), ('ёлка', 'yolka'), ('журнал', 'zhurnal'), ('первый', 'pervy\'j'),
    ('нижний', 'nizhnij'), ('общество', 'obshhestvo'), ('товарищ', 'tovarishh'),
    ('химический', 'ximicheskij'), ('центр', 'centr'), ('часы', 'chasy\''),
    ('школа', 'shkola'), ('щит', 'shhit'), ('съезд', 's``ezd'), ('был', 'by\'l'),
    ('альбом', 'al`bom'), ('это', 'e`to'), ('южный', 'yuzhny\'j'), ('яма', 'yama'),
    ('цапля', 'czaplya'), ('цыган', 'cy\'gan'), ('Щука', 'Shhuka'), ('ЩУКА', 'SHHUKA'),
]


def bigrams(s):
    s = unicodedata.normalize('NFC', s)
    return {s[i:i + 2] for i in range(len(s) - 1)} | set(s)


def select(cases, tr, n):
    ok = [(s, e) for s, e in cases
          if unicodedata.normalize('NFC', tr.transliterate(s)) == unicodedata.normalize('NFC', e)]
    ok = [c for c in ok if len(c[0]) <= 160] or ok
    chosen, seen = [], set()
    pool = list(ok)
    while pool and len(chosen) < n:
        best = max(pool, key=lambda c: (len(bigrams(c[0]) - seen), -len(c[0])))
        if not (bigrams(best[0]) - seen) and chosen:
            break
        chosen.append(best)
        seen |= bigrams(best[0])
        pool.remove(best)
    return chosen


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('standards')
    ap.add_argument('--out', default=DEFAULT_OUT)
    ap.add_argument('--max', type=int, default=30)
    a = ap.parse_args()
    ref = {}
    for line in open(a.standards, encoding='utf-8'):
        if line.startswith('#') or not line.strip():
            continue
        p = line.rstrip('\n').split('\t')
        ref.setdefault(p[0], []).append((p[2], p[3]))
    schemes = {m['id']: m for m in run.load_all(run.DEFAULT_DIR)}
    os.makedirs(a.out, exist_ok=True)
    bad = 0
    for sid, (prefix, refid) in SCHEMES.items():
        m = schemes[sid]
        tr = run.build(m)
        extra = EXTRA.get(sid, [])
        if sid.endswith('-b'):
            extra = [(s, e, 'GOST 7.79-2000 table 2 applied to a word of the system A cases')
                     for s, e in GOST_B_WORDS]
        n_ref = max(0, a.max - len(extra)) if refid else 0
        picked = select(ref.get(refid, []), tr, n_ref) if refid else []
        path = os.path.join(a.out, '%s-%s.tsv' % (prefix, sid))
        with open(path, 'w', encoding='utf-8') as f:
            f.write('# scheme: %s (tables/translit/%s)\n' % (sid, os.path.basename(m['path'])))
            if refid:
                f.write('# source: interscript/maps test cases for %s (standards.tsv, MIT, '
                        'see README-cyrl.md), examples from the standard documents\n' % refid)
            f.write('# format: source<TAB>expected (NFC); lines starting with # are comments\n')
            for s, e in picked:
                f.write('%s\t%s\n' % (s, e))
            for s, e, why in extra:
                f.write('# %s\n%s\t%s\n' % (why, s, unicodedata.normalize('NFC', e)))
        for s, e in picked + [(x[0], x[1]) for x in extra]:
            got = unicodedata.normalize('NFC', tr.transliterate(s))
            if got != unicodedata.normalize('NFC', e):
                bad += 1
                print('MISMATCH %s: %r -> %r, expected %r' % (sid, s, got, e))
        print('%-45s %2d reference + %2d extra -> %s' % (sid, len(picked), len(extra),
                                                        os.path.relpath(path)))
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
