#!/usr/bin/python3
"""Check that no non-Latin letter survives a scheme (exact counts, not rounded).

usage: cyrl_residue.py [--dir DIR] [--scheme ID ...] [TEXTFILE ...]

For every Cyrillic/Greek scheme in tables/translit (or the ones named), runs
  - every Cyrillic and Greek code point that is a letter, each alone, in
    lower/upper/title words, and in NFD form (polytonic Greek),
  - the given text files (e.g. /work/shared/data/text/ru.txt),
and prints the letters left that are not Latin / modifier letters (the same
test as score.py's residue).  Exit 1 if any is left.
"""
import argparse
import os
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cyrl_run_scheme as run  # noqa: E402


def non_latin(s):
    bad = []
    for ch in s:
        if not unicodedata.category(ch).startswith('L'):
            continue
        name = unicodedata.name(ch, '')
        if name.startswith(('LATIN', 'MODIFIER LETTER', 'FULLWIDTH LATIN')) or ch in '\u00aa\u00ba':
            continue
        bad.append(ch)
    return bad


def probe_strings():
    cps = list(range(0x370, 0x400)) + list(range(0x1F00, 0x2000)) + \
        list(range(0x400, 0x530)) + list(range(0x1C80, 0x1C90)) + \
        list(range(0xA640, 0xA6A0)) + [0x1D2B, 0x1D26, 0x1D27, 0x1D28, 0x1D29, 0x1D2A]
    letters = [chr(c) for c in cps if unicodedata.category(chr(c)).startswith('L')]
    out = []
    for ch in letters:
        out.append(ch)
        out.append(ch + ch.lower() + 'а')
        out.append(ch.upper() + 'А' + ch.upper())
        out.append(unicodedata.normalize('NFD', ch) + 'ο')
    out.append(' '.join(letters))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--dir', default=run.DEFAULT_DIR)
    ap.add_argument('--scheme', action='append')
    ap.add_argument('files', nargs='*')
    a = ap.parse_args()
    schemes = [m for m in run.load_all(a.dir)
               if os.path.basename(m['path']).startswith(('ru-', 'uk-', 'be-', 'bg-', 'el-', 'cyrl-'))]
    if a.scheme:
        schemes = [m for m in schemes if m['id'] in a.scheme]
    probes = probe_strings()
    texts = [l.rstrip('\n') for f in a.files for l in open(f, encoding='utf-8')]
    bad_any = False
    for m in schemes:
        tr = run.build(m)
        left = {}
        for s in probes + texts:
            o = tr.transliterate(s)
            for ch in non_latin(o):
                left.setdefault(ch, s)
        n_letters = sum(1 for s in texts for ch in tr.transliterate(s)
                        if unicodedata.category(ch).startswith('L')) if texts else 0
        print('%-42s left %d distinct non-Latin letters%s' % (
            m['id'], len(left), (' (text letters %d)' % n_letters) if texts else ''))
        for ch, src in sorted(left.items())[:40]:
            print('    U+%04X %s  (from %r)' % (ord(ch), unicodedata.name(ch, '?'), src[:40]))
        bad_any = bad_any or bool(left)
    sys.exit(1 if bad_any else 0)


if __name__ == '__main__':
    main()
