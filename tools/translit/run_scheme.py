#!/usr/bin/python3
"""Dev harness: run a tables/translit/*.txt scheme with ICU (python3-icu).

usage: run_scheme.py --scheme ID_OR_SHORT [--lang L] [--dir DIR] [--list]
       run_scheme.py --lang L            (the language's default scheme: bgn)

Reads lines on stdin, writes one transliterated line per input line.
A scheme is found by its `# id:` or by `# short:` + `# lang:` (lang may be
given as a two- or three-letter code: ar/ara, fa/fas/per, prs, ps/pus,
ur/urd, he/heb).  Run with /usr/bin/python3 (Debian python3-icu).
"""
import argparse
import glob
import os
import sys

import icu

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DIR = os.path.normpath(os.path.join(HERE, '..', '..', 'tables', 'translit'))
LANG2 = {'ara': 'ar', 'fas': 'fa', 'per': 'fa', 'pus': 'ps', 'urd': 'ur',
         'heb': 'he', 'rus': 'ru', 'ukr': 'uk', 'ell': 'el', 'gre': 'el'}


def read_header(path):
    meta = {}
    with open(path, encoding='utf-8') as f:
        for line in f:
            if not line.startswith('#'):
                break
            body = line[1:].strip()
            if ':' in body:
                k, v = body.split(':', 1)
                meta.setdefault(k.strip(), v.strip())
    return meta


def find(schemes_dir, scheme, lang):
    lang = LANG2.get(lang, lang) if lang else None
    cands = []
    for path in sorted(glob.glob(os.path.join(schemes_dir, '*.txt'))):
        m = read_header(path)
        if 'id' not in m:
            continue
        if scheme and m['id'] == scheme:
            return path, m
        if (m.get('short') == (scheme or 'bgn')
                and (lang is None or m.get('lang') == lang)):
            cands.append((path, m))
    if len(cands) == 1:
        return cands[0]
    if not cands:
        sys.exit('run_scheme.py: no scheme %r for lang %r' % (scheme, lang))
    sys.exit('run_scheme.py: scheme %r is ambiguous, give --lang' % scheme)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--scheme')
    ap.add_argument('--lang')
    ap.add_argument('--dir', default=DEFAULT_DIR)
    ap.add_argument('--list', action='store_true')
    a = ap.parse_args()
    if a.list:
        for path in sorted(glob.glob(os.path.join(a.dir, '*.txt'))):
            m = read_header(path)
            if 'id' in m:
                print('%-40s %-8s %-4s %s' % (m['id'], m.get('short'), m.get('lang'),
                                              os.path.basename(path)))
        return
    if not a.scheme and not a.lang:
        ap.error('give --scheme or --lang')
    path, meta = find(a.dir, a.scheme, a.lang)
    with open(path, encoding='utf-8') as f:
        rules = f.read()
    try:
        tr = icu.Transliterator.createFromRules(meta['id'], rules,
                                                icu.UTransDirection.FORWARD)
    except icu.ICUError as e:
        sys.exit('run_scheme.py: %s: %s' % (path, e))
    out = sys.stdout
    for line in sys.stdin:
        out.write(tr.transliterate(line.rstrip('\n')) + '\n')


if __name__ == '__main__':
    main()
