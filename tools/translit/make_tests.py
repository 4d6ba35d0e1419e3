#!/usr/bin/python3
"""Write tests/data/translit/<id>.tsv from the interscript examples.

usage: make_tests.py STANDARDS_TSV [--max 30] [--out DIR] ID...

STANDARDS_TSV is /work/shared/data/translit/standards.tsv (extracted from
github.com/interscript/maps, MIT).  For each scheme id the examples that
the scheme reproduces are written (at most --max, spread over the list);
examples it does not reproduce are listed in the header, so the C test
suite asserts only what holds.  Further examples of a standard kept in
tools/translit/extra/<id>.tsv (source, expected; provenance in its header)
are appended the same way.
"""
import argparse
import os
import sys

import icu

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from run_scheme import find, DEFAULT_DIR  # noqa: E402

OUT = os.path.normpath(os.path.join(HERE, '..', '..', 'tests', 'data', 'translit'))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('standards')
    ap.add_argument('ids', nargs='+')
    ap.add_argument('--max', type=int, default=30)
    ap.add_argument('--out', default=OUT)
    a = ap.parse_args()
    rows = {}
    with open(a.standards, encoding='utf-8') as f:
        for line in f:
            if line.startswith('#'):
                continue
            p = line.rstrip('\n').split('\t')
            if len(p) == 4:
                rows.setdefault(p[0], []).append((p[2], p[3]))
    for sid in a.ids:
        path, meta = find(DEFAULT_DIR, sid, None)
        tr = icu.Transliterator.createFromRules(sid, open(path, encoding='utf-8').read(),
                                                icu.UTransDirection.FORWARD)
        good, bad = [], []
        extra = os.path.join(HERE, 'extra', sid + '.tsv')
        xgood, xbad, xhead = [], [], []
        if os.path.exists(extra):
            for line in open(extra, encoding='utf-8'):
                if line.startswith('#'):
                    xhead.append(line.rstrip('\n'))
                    continue
                src, exp = line.rstrip('\n').split('\t')
                out = tr.transliterate(src)
                (xgood if out in exp.split('|') else xbad).append((src, exp, out))
        for src, exp in rows[sid]:
            out = tr.transliterate(src)
            (good if out in exp.split('|') else bad).append((src, exp, out))
        step = max(1, len(good) / a.max)
        pick = [good[int(i * step)] for i in range(min(a.max, len(good)))]
        with open(os.path.join(a.out, sid + '.tsv'), 'w', encoding='utf-8') as f:
            f.write('# scheme: %s (tables/translit/%s)\n' % (sid, os.path.basename(path)))
            f.write('# source: examples of %s as encoded in github.com/interscript/maps '
                    'maps/%s.imp (tests), via onoma shared data standards.tsv\n'
                    % (meta.get('name'), sid))
            f.write('# license: MIT (Ribose Inc., interscript), see README.md\n')
            f.write('# %d of %d examples reproduced; %d chosen here\n'
                    % (len(good), len(rows[sid]), len(pick)))
            for src, exp, out in bad:
                f.write('# not reproduced: %s -> %s (expected %s)\n' % (src, out, exp))
            f.write('# source\texpected\n')
            for src, exp, out in pick:
                f.write('%s\t%s\n' % (src, exp))
            if xhead or xgood or xbad:
                f.write('#\n')
                for h in xhead:
                    f.write(h + '\n')
                f.write('# %d of %d reproduced\n' % (len(xgood), len(xgood) + len(xbad)))
                for src, exp, out in xbad:
                    f.write('# not reproduced: %s -> %s (expected %s)\n' % (src, out, exp))
                for src, exp, out in xgood:
                    f.write('%s\t%s\n' % (src, exp))
        print('%s: %d/%d, wrote %d' % (sid, len(good), len(rows[sid]), len(pick)))


if __name__ == '__main__':
    main()
