#!/usr/bin/python3
"""Dev harness: run an onoma transliteration scheme file with PyICU.

usage: cyrl_run_scheme.py [--scheme ID_OR_SHORT] [--lang L] [--dir DIR] [--check]

Reads tables/translit/*.txt (or --dir), picks the scheme whose `# id:` equals
--scheme, or whose `# short:` equals --scheme and whose `# lang:` lists --lang,
builds it with icu.Transliterator.createFromRules (the same rules the C library
passes to utrans_openU) and transliterates stdin lines to stdout lines.
Without --scheme, the language's `bgn` scheme is used.
--check only compiles every scheme file and reports errors.

Needs Debian's python3-icu: run with /usr/bin/python3.
"""
import argparse
import glob
import os
import sys

import icu

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DIR = os.path.normpath(os.path.join(HERE, '..', '..', 'tables', 'translit'))


def read_scheme(path):
    meta = {}
    with open(path, encoding='utf-8') as f:
        text = f.read()
    for line in text.split('\n'):
        if not line.startswith('#'):
            break
        body = line[1:].strip()
        if ':' in body:
            k, v = body.split(':', 1)
            k = k.strip()
            if k in ('id', 'short', 'lang', 'name') and k not in meta:
                meta[k] = v.strip()
    meta['path'] = path
    meta['rules'] = text
    return meta


def load_all(d):
    return [read_scheme(p) for p in sorted(glob.glob(os.path.join(d, '*.txt')))]


def build(meta):
    return icu.Transliterator.createFromRules(
        meta['id'], meta['rules'], icu.UTransDirection.FORWARD)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--scheme')
    ap.add_argument('--lang')
    ap.add_argument('--dir', default=DEFAULT_DIR)
    ap.add_argument('--check', action='store_true')
    a = ap.parse_args()
    schemes = load_all(a.dir)
    if a.check:
        bad = 0
        for m in schemes:
            try:
                build(m)
                print('ok    %s  (%s)' % (m.get('id'), os.path.basename(m['path'])))
            except icu.ICUError as e:
                bad += 1
                print('ERROR %s: %s' % (os.path.basename(m['path']), e))
        sys.exit(1 if bad else 0)
    if not a.scheme:
        if not a.lang:
            ap.error('--scheme or --lang is required')
        a.scheme = 'bgn'   # the default scheme of a language
    hits = [m for m in schemes if m.get('id') == a.scheme]
    if not hits:
        hits = [m for m in schemes if m.get('short') == a.scheme and
                (a.lang is None or a.lang in m.get('lang', '').split())]
    if len(hits) != 1:
        sys.stderr.write('cyrl_run_scheme: %d schemes match %r (lang %r)\n'
                         % (len(hits), a.scheme, a.lang))
        sys.exit(2)
    tr = build(hits[0])
    out = sys.stdout
    for line in sys.stdin:
        out.write(tr.transliterate(line.rstrip('\n')) + '\n')


if __name__ == '__main__':
    main()
