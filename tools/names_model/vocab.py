#!/usr/bin/env python3
"""Write the list of known Latin name spellings (the Latin sides of the training pairs of
every language, train split only).  The decoder gives a bonus to candidate spellings that
are on the list (record `vocab FILE BONUS` in a model).

usage: vocab.py --out FILE [--exclude-latin TSV] PAIRS...
  --exclude-latin  names-dev.tsv: also drop every Latin token of its reference column
                   (used only to measure how much the list helps on unseen spellings)
"""
import argparse
import datetime
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nmnorm  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True)
    ap.add_argument('--exclude-latin')
    ap.add_argument('pairs', nargs='+')
    a = ap.parse_args()
    words = set()
    for fn in a.pairs:
        for line in open(fn, encoding='utf-8'):
            nat, lat, c, tag, sp = line.rstrip('\n').split('\t')
            if sp == 'train' and len(lat) >= 2:
                words.add(lat)
    if a.exclude_latin:
        for line in open(a.exclude_latin, encoding='utf-8'):
            if line.startswith('#'):
                continue
            p = line.rstrip('\n').split('\t')
            for alt in p[2].split('|'):
                for t in re.split(r"[^\w']+", nmnorm.fold_latin(alt)):
                    words.discard(t)
    with open(a.out, 'w', encoding='utf-8') as f:
        f.write('# name: latin-names\n# version: %s\n' % datetime.date.today().isoformat())
        f.write('# source: steveash/NETransliteration-COLING2018 @ 5d5f59e561ecea45a6d3602121e1049baa7a76c3 '
                'data/wd_{arabic,hebrew}.normalized.aligned.tokens, data/wd_russian_{80,20} (Wikidata), English side\n')
        f.write('# license: CC0-1.0\n')
        f.write('# source: google/transliteration @ b2265a6494f4db49458fd79d586287f1fbbcf2f4 ar2en.txt, English side\n')
        f.write('# license: Apache-2.0\n')
        f.write('# note: Latin spellings of names (lower case, accents removed) from the training pairs of\n'
                '# note: tools/names_model (pairs whose native token is in an onoma dev set are left out).\n')
        for w in sorted(words):
            f.write(w + '\n')
    sys.stderr.write('vocab: %d words\n' % len(words))


if __name__ == '__main__':
    main()
