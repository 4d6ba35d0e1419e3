#!/usr/bin/env python3
"""Build the vocalisation lexicon of Arabic-script name tokens
(tables/translit/lexicon/ar.tsv): unpointed token -> the same token with its
short vowels (fatha, kasra, damma) and shadda, read off the token's most
frequent Latin spelling.

usage: lexicon.py --pairs FILE [--exclude TSV ...] [--min-count 10] --out FILE

--pairs   data/wd_arabic.normalized.aligned.tokens of
          steveash/NETransliteration-COLING2018 @ 5d5f59e561ecea45a6d3602121e1049baa7a76c3
          (Wikidata labels, CC0-1.0): "latin<TAB>space-separated letters<TAB>count", e.g.
          git --git-dir=SNAPSHOT show HEAD:data/wd_arabic.normalized.aligned.tokens > pairs
--exclude TSV files whose native tokens must not be in the lexicon (the shared dev lists:
          shared/data/translit/names-dev.tsv, shared/data/names-dev/native.tsv)

A token is kept when it was seen --min-count times or more, one Latin spelling
Latin spellings that can be read letter by letter (consonants, long-vowel
letters, short vowels between them) vote, by their counts, for each letter's
marks: a -> fatha, i -> kasra, o u -> damma, e -> fatha or kasra (half a
vote each: Ahmed, Mohammed are fatha, Khaled kasra), a doubled consonant ->
shadda, a long-vowel letter read as a vowel -> the matching mark on the
letter before it (as in pointed text). A mark needs more than half the
votes. Tokens whose spellings mostly cannot be read so (a foreign name whose
letters do not fit) are left out: the schemes' rules read them.
"""
import argparse
import collections
import sys
import unicodedata

FATHA, DAMMA, KASRA, SHADDA = '\u064E', '\u064F', '\u0650', '\u0651'
EITHER = 'E'  # Latin e: fatha (Ahmed, Mohammed) or kasra (Khaled): the spellings vote
VOWEL_MARK = {'a': FATHA, 'e': EITHER, 'i': KASRA, 'o': DAMMA, 'u': DAMMA}

# the key's letter variants (one letter for one letter, so marks can be
# carried over to the text's own letters)
FOLD = {'ی': 'ي', 'ک': 'ك', 'ۀ': 'ة', 'ہ': 'ه', 'ە': 'ه'}  # not ى: على (on) is not علي, علی (Ali)

# consonant letters and the Latin they may be written with
CONS = {
    'ب': ['b', 'p'], 'پ': ['p'], 'ت': ['t'], 'ث': ['th', 's', 't'], 'ج': ['j', 'g', 'dj', 'dsch'],
    'چ': ['ch', 'tch', 'tsch'], 'ح': ['h', ''], 'خ': ['kh', 'h', 'ch', 'x'], 'د': ['d'],
    'ذ': ['dh', 'z', 'th', 'd'], 'ر': ['r'], 'ز': ['z', 's'], 'ژ': ['zh', 'j', 'g'], 'س': ['s', 'c'],
    'ش': ['sh', 'ch', 'sch', 's'], 'ص': ['s'], 'ض': ['d', 'dh', 'z'], 'ط': ['t'], 'ظ': ['z', 'dh'],
    'ع': ['', "'"], 'غ': ['gh', 'g', 'r'], 'ف': ['f', 'ph', 'v'], 'ق': ['q', 'k', 'g', 'c'],
    'ك': ['k', 'c', 'ck', 'ch', 'q'], 'گ': ['g'], 'ل': ['l'], 'م': ['m'], 'ن': ['n'],
    'ه': ['h', ''], 'ء': ['', "'"], 'ئ': ['', "'", 'y'], 'ؤ': ['', "'"], 'ة': ['', 'h', 't'],
}
# long-vowel letters: as a vowel (the mark the letter before gets), or as a consonant
LONG = {
    'ا': [('a', FATHA), ('aa', FATHA), ('e', FATHA), ('o', FATHA)],
    'و': [('ou', DAMMA), ('oo', DAMMA), ('u', DAMMA), ('o', DAMMA), ('w', None), ('v', None)],
    'ي': [('ee', KASRA), ('ie', KASRA), ('i', KASRA), ('y', None), ('ey', FATHA), ('ei', FATHA),
          ('ai', FATHA), ('ay', FATHA), ('e', KASRA)],
}
VOWELS = 'aeiou'


def align(letters, latin):
    """Marks per letter (list of strings) or None."""
    n, m = len(letters), len(latin)
    # state: (letter index, latin index) -> (cost, back pointer)
    best = {(0, 0): (0, None)}
    order = [(0, 0)]
    seen = {(0, 0)}
    # breadth by letter index: each letter consumes a consonant or long-vowel
    # reading, then optionally one short vowel (1 or 2 Latin vowels)
    for i in range(n):
        states = sorted(s for s in best if s[0] == i)
        for (_, j) in states:
            cost0 = best[(i, j)][0]
            ch = letters[i]
            opts = []
            if ch in LONG:
                for lat, mark in LONG[ch]:
                    opts.append((lat, 'long', mark))
                if i == 0 and ch == 'ا':
                    opts = [('', 'alef0', None)]
            elif ch in CONS:
                for lat in CONS[ch]:
                    opts.append((lat, 'cons', None))
            else:
                return None
            for lat, kind, mark in opts:
                if latin.startswith(lat, j):
                    j2 = j + len(lat)
                    # a doubled consonant for one letter: shadda
                    dbl = False
                    if kind == 'cons' and lat and latin.startswith(lat, j2) and not (i + 1 < n and letters[i + 1] == ch):
                        j2 += len(lat)
                        # gemination between vowels (Muhammad, Hassan); English
                        # doubles a final consonant (Barr, Budd): no shadda
                        dbl = j > 0 and latin[j - 1] in VOWELS and j2 < m and latin[j2] in VOWELS
                    # then an optional short vowel (not before a long-vowel letter read as vowel)
                    for vlen in (0, 1, 2):
                        v = latin[j2:j2 + vlen]
                        if vlen and (len(v) < vlen or any(c not in VOWELS for c in v)):
                            continue
                        if vlen == 2 and v[0] != v[1]:
                            continue
                        if kind == 'long' and (mark is not None or lat == '') and vlen:
                            continue  # a long vowel, or a silent letter, takes no short vowel
                        if ch == 'ة' and vlen:
                            continue  # the vowel before tā' marbūṭah is the letter's before
                        c = cost0 + (1 if lat == '' and kind != 'alef0' else 0) + (0 if vlen != 2 else 1)
                        key = (i + 1, j2 + vlen)
                        if key not in best or best[key][0] > c:
                            best[key] = (c, ((i, j), kind, mark, dbl, v[:1] if v else ''))
    end = (n, m)
    if end not in best:
        return None
    marks = [''] * n
    state = end
    while best[state][1] is not None:
        prev, kind, mark, dbl, v = best[state][1]
        i = prev[0]
        s = ''
        if dbl:
            s += SHADDA
        if v:
            s += VOWEL_MARK[v]
        if kind == 'long' and mark is not None and i > 0 and not marks[i - 1]:
            marks[i - 1] = mark   # the long vowel's mark on the letter before it
        if kind == 'alef0' and v:
            s = VOWEL_MARK[v]
        marks[i] = s + marks[i] if not marks[i] else marks[i]
        state = prev
    return marks


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--pairs', required=True)
    ap.add_argument('--exclude', action='append', default=[])
    ap.add_argument('--min-count', type=int, default=10)
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    excl = set()
    for path in a.exclude:
        for line in open(path, encoding='utf-8'):
            if line.startswith('#'):
                continue
            for field in line.rstrip('\n').split('\t')[:3]:
                for tok in field.replace('-', ' ').split():
                    excl.add(''.join(FOLD.get(c, c) for c in unicodedata.normalize('NFC', tok)))
    spell = collections.defaultdict(collections.Counter)
    for line in open(a.pairs, encoding='utf-8'):
        p = line.rstrip('\n').split('\t')
        if len(p) < 3:
            continue
        lat, nat, cnt = p[0].lower(), ''.join(p[1].split()), int(p[2])
        if not lat.isascii() or not lat.isalpha():
            continue
        key = ''.join(FOLD.get(c, c) for c in unicodedata.normalize('NFC', nat))
        if len(key) < 3 or key in excl:  # two-letter tokens are mostly words (an, man, fi)
            continue
        spell[key][lat] += cnt
    rows, tried = [], 0
    for key, cn in spell.items():
        tot = sum(cn.values())
        if tot < a.min_count:
            continue
        tried += 1
        # every spelling that can be read votes, by its count, for the marks
        # of each letter (short vowel, shadda)
        votes = [collections.Counter() for _ in key]
        dbl = [collections.Counter() for _ in key]
        weight = 0
        best_lat = None
        for lat, c in sorted(cn.items(), key=lambda kv: (-kv[1], kv[0])):
            marks = align(list(key), lat)
            if marks is None:
                continue
            weight += c
            best_lat = best_lat or lat
            for i, mk in enumerate(marks):
                dbl[i][SHADDA in mk] += c
                v = mk.replace(SHADDA, '')
                if v == EITHER:
                    votes[i][FATHA] += c / 2
                    votes[i][KASRA] += c / 2
                else:
                    votes[i][v] += c
        if weight < a.min_count or 2 * weight < tot:
            continue
        out = []
        for i, letter in enumerate(key):
            v, vc = sorted(votes[i].items(), key=lambda kv: (-kv[1], kv[0]))[0]
            mk = (SHADDA if 2 * dbl[i][True] > weight else '') + (v if 2 * vc > weight else '')
            out.append(letter + mk)
        pointed = ''.join(out)
        if pointed == key:
            continue
        rows.append((key, pointed, best_lat, tot))
    rows.sort()
    with open(a.out, 'w', encoding='utf-8') as f:
        f.write('# name: translit-lexicon-ar\n')
        f.write('# source: steveash/NETransliteration-COLING2018 @ 5d5f59e561ecea45a6d3602121e1049baa7a76c3 '
                'data/wd_arabic.normalized.aligned.tokens (Wikidata labels of people, Arabic and Latin)\n')
        f.write('# license: CC0-1.0\n')
        f.write('# made-by: tools/translit/lexicon.py (min count %d; dev lists excluded)\n' % a.min_count)
        f.write('# format: unpointed token (letter variants folded)<TAB>the token with the short vowels and '
                'shadda its spellings agree on<TAB>its most frequent Latin spelling<TAB>times seen\n')
        for key, pointed, lat, tot in rows:
            f.write('%s\t%s\t%s\t%d\n' % (key, pointed, lat, tot))
    sys.stderr.write('lexicon: %d tokens seen %d+ times with one main spelling, %d written\n'
                     % (tried, a.min_count, len(rows)))


if __name__ == '__main__':
    main()
