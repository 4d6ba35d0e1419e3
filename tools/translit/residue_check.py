#!/usr/bin/python3
"""Feed every letter of the Arabic and Hebrew blocks (also presentation
forms, in words and alone, with and without vowel signs) through every
scheme and report any output letter that is not Latin script.

usage: residue_check.py [--dir tables/translit]
"""
import argparse
import glob
import os
import sys
import unicodedata

import icu

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from run_scheme import read_header, DEFAULT_DIR  # noqa: E402

RANGES = {
    'Hebr': [(0x0590, 0x05FF), (0xFB1D, 0xFB4F)],
    'Arab': [(0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x089F), (0x08A0, 0x08FF),
             (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)],
}


def samples(script):
    chars = [chr(c) for lo, hi in RANGES[script] for c in range(lo, hi + 1)
             if unicodedata.category(chr(c)) != 'Cn']
    out = []
    for c in chars:
        if script == 'Arab':
            out += [c, 'ب' + c + 'ا', c + 'َ', 'ال' + c + 'ة', 'و' + c + 'ي', ' ' + c + c + ' ',
                    'ي' + c + '\u200c' + c + 'ّ']
        else:
            out += [c, 'ב' + c + 'י', c + 'ַ', 'ו' + c + 'ה', ' ' + c + c + ' ', c + "'" + c]
    return out


def nonlatin(s):
    bad = []
    for ch in s:
        if unicodedata.category(ch).startswith('L'):
            n = unicodedata.name(ch, '')
            if not (n.startswith('LATIN') or n.startswith('MODIFIER LETTER') or ch in 'ªº'):
                bad.append(ch)
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--dir', default=DEFAULT_DIR)
    a = ap.parse_args()
    sm = {k: samples(k) for k in RANGES}
    bad_total = 0
    for path in sorted(glob.glob(os.path.join(a.dir, '*.txt'))):
        m = read_header(path)
        if 'id' not in m:
            continue
        tr = icu.Transliterator.createFromRules(m['id'], open(path, encoding='utf-8').read(),
                                                icu.UTransDirection.FORWARD)
        bad = {}
        script = 'Hebr' if '-Hebr-' in m['id'] else 'Arab'
        for s in sm[script]:
            o = tr.transliterate(s)
            for ch in nonlatin(o):
                bad.setdefault(ch, s)
        bad_total += len(bad)
        print('%-36s %s' % (m['id'], 'ok' if not bad else
                            ' '.join('%04X(from %r)' % (ord(k), v) for k, v in list(bad.items())[:12])))
    sys.exit(1 if bad_total else 0)


if __name__ == '__main__':
    main()
