#!/usr/bin/python3
"""Run tests/data/translit/<id>.tsv against tables/translit/ (python3-icu).

usage: check_tests.py [FILE.tsv ...]     (default: every .tsv of the folder)
Exit status 1 when a case fails.
"""
import glob
import os
import sys
import unicodedata

import icu

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from run_scheme import find, DEFAULT_DIR  # noqa: E402

TESTS = os.path.normpath(os.path.join(HERE, '..', '..', 'tests', 'data', 'translit'))


def main():
    files = sys.argv[1:] or sorted(glob.glob(os.path.join(TESTS, '*.tsv')))
    fails = 0
    for path in files:
        sid = os.path.basename(path)[:-4]
        try:
            spath, _ = find(DEFAULT_DIR, sid, None)
        except SystemExit:
            continue          # another helper's scheme
        tr = icu.Transliterator.createFromRules(sid, open(spath, encoding='utf-8').read(),
                                                icu.UTransDirection.FORWARD)
        n = bad = 0
        for line in open(path, encoding='utf-8'):
            if line.startswith('#') or not line.strip():
                continue
            src, exp = line.rstrip('\n').split('\t')
            out = unicodedata.normalize('NFC', tr.transliterate(src))
            n += 1
            if out not in [unicodedata.normalize('NFC', e) for e in exp.split('|')]:
                bad += 1
                print('  %s: %s -> %s (expected %s)' % (sid, src, out, exp))
        print('%-36s %d/%d' % (sid, n - bad, n))
        fails += bad
    sys.exit(1 if fails else 0)


if __name__ == '__main__':
    main()
