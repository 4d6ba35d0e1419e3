#!/usr/bin/env python3
"""Build the per-language training pairs (native token, Latin token, count).

usage: prep.py --netranslit DIR --google DIR --exclude FILE [--exclude FILE ...] --out DIR

  --netranslit  folder holding the data files of steveash/NETransliteration-COLING2018
                (wd_arabic.normalized.aligned.tokens, wd_hebrew.normalized.aligned.tokens,
                wd_russian_80, wd_russian_20), CC0-1.0
  --google      folder holding ar2en.txt of google/transliteration, Apache-2.0
  --exclude     TSV file(s) whose native-script column's tokens are DEV data: every pair whose
                native token occurs there is dropped (names-dev.tsv: column 2; native.tsv: column 3)
  --out         writes {ar,he,ru}.pairs (native TAB latin TAB count TAB source TAB split),
                split = train | held (a held-out 5% of native tokens, chosen by a hash)
"""
import argparse
import collections
import hashlib
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nmnorm  # noqa: E402

SCRIPT = {'ar': re.compile(r'^[\u0621-\u064a]+$'),
          'he': re.compile(r"^[\u05d0-\u05ea][\u05d0-\u05ea']*$"),
          'ru': re.compile(r'^[\u0430-\u044f\u0451]+$')}
LATIN = re.compile(r"^[a-z][a-z']*$")


def exclusion_set(files):
    ex = set()
    for fn in files:
        with open(fn, encoding='utf-8') as f:
            header = f.readline().rstrip('\n').split('\t')
            col = 2 if 'native_script_name' in header else 1
            for line in f:
                p = line.rstrip('\n').split('\t')
                if len(p) > col:
                    ex.update(nmnorm.words(p[col]))
    return ex


def split_of(nat):
    h = hashlib.md5(nat.encode('utf-8')).digest()
    return 'held' if h[0] % 20 == 0 else 'train'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--netranslit', required=True)
    ap.add_argument('--google', required=True)
    ap.add_argument('--exclude', action='append', default=[])
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    ex = exclusion_set(a.exclude)
    sys.stderr.write('excluded native tokens: %d\n' % len(ex))
    srcs = {
        'ar': [('google', os.path.join(a.google, 'ar2en.txt')),
               ('wd', os.path.join(a.netranslit, 'wd_arabic.normalized.aligned.tokens'))],
        'he': [('wd', os.path.join(a.netranslit, 'wd_hebrew.normalized.aligned.tokens'))],
        'ru': [('wd', os.path.join(a.netranslit, 'wd_russian_80')),
               ('wd', os.path.join(a.netranslit, 'wd_russian_20'))],
    }
    os.makedirs(a.out, exist_ok=True)
    for lang, files in srcs.items():
        cnt = collections.Counter()
        dropped = collections.Counter()
        for tag, fn in files:
            for line in open(fn, encoding='utf-8'):
                p = line.rstrip('\n').split('\t')
                if tag == 'google':
                    if len(p) < 2:
                        continue
                    nat, lat, c = p[0], p[1], 1
                else:
                    if len(p) < 3:
                        continue
                    lat, nat, c = p[0], p[1].replace(' ', ''), int(p[2])
                nat = nmnorm.norm(nat).strip("'")
                lat = nmnorm.fold_latin(lat)
                if not SCRIPT[lang].match(nat) or not LATIN.match(lat):
                    dropped['form'] += 1
                    continue
                if nat in ex:
                    dropped['dev'] += 1
                    continue
                cnt[(nat, lat, tag)] += c
        with open(os.path.join(a.out, lang + '.pairs'), 'w', encoding='utf-8') as f:
            for (nat, lat, tag), c in sorted(cnt.items()):
                f.write('%s\t%s\t%d\t%s\t%s\n' % (nat, lat, c, tag, split_of(nat)))
        sys.stderr.write('%s: %d pairs, %d native tokens, dropped %s\n' % (
            lang, len(cnt), len({k[0] for k in cnt}), dict(dropped)))


if __name__ == '__main__':
    main()
