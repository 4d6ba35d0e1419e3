#!/usr/bin/env python3
"""Quick in-process evaluation of the prototype key on dumped pairs.

usage: evalkeys.py PAIRS.tsv [--rules DIR] [--show-miss N] [--show-merge N]
PAIRS.tsv comes from devpairs.py (kind, lang, name1, name2).  Figures match
score.py --cmd on the same sample; this is only faster to iterate with.
"""
import argparse
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onomakey  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('pairs', nargs='+')
    ap.add_argument('--rules', default=onomakey.DEFAULT_RULES)
    ap.add_argument('--show-miss', type=int, default=0)
    ap.add_argument('--show-merge', type=int, default=0)
    ap.add_argument('--lang', help='only show examples of this lang')
    ap.add_argument('--match', action='store_true', help='evaluate match, not key')
    a = ap.parse_args()
    k = onomakey.Keyer(onomakey.Rules(a.rules))
    if a.match:
        import onomamatch
        same = lambda x, y: onomamatch.match(k, x, y) >= onomamatch.THRESHOLD
    else:
        memo = {}

        def key(n):
            r = memo.get(n)
            if r is None:
                r = memo[n] = k.key(n)
            return r
        same = lambda x, y: bool(key(x)) and key(x) == key(y)
    for path in a.pairs:
        stats = {}
        miss, merge = [], []
        for line in open(path, encoding='utf-8'):
            kind, lang, x, y = line.rstrip('\n').split('\t')
            st = stats.setdefault(lang, [0, 0, 0, 0])
            s = same(x, y)
            if kind == 'pos':
                st[0] += s
                st[1] += 1
                if not s and (not a.lang or a.lang == lang):
                    miss.append((lang, x, y))
            else:
                st[2] += s
                st[3] += 1
                if s and (not a.lang or a.lang == lang):
                    merge.append((lang, x, y))
        tot = [sum(v[i] for v in stats.values()) for i in range(4)]
        print('== %s' % path)
        for lang in sorted(stats) + ['ALL']:
            v = tot if lang == 'ALL' else stats[lang]
            print('%-18s recall=%s fm=%s  (%d/%d, %d/%d)' % (
                lang, '%.3f' % (v[0] / v[1]) if v[1] else '  -  ',
                '%.4f' % (v[2] / v[3]) if v[3] else '  -  ', v[0], v[1], v[2], v[3]))
        rnd = random.Random(5)
        for title, lst, n in (('MISS', miss, a.show_miss), ('MERGE', merge, a.show_merge)):
            for lang, x, y in rnd.sample(lst, min(n, len(lst))):
                if a.match:
                    print('%s %s\t%s\t%s\t%.3f' % (title, lang, x, y, onomamatch.match(k, x, y)))
                else:
                    print('%s %s\t%s\t%s\t[%s] [%s]' % (title, lang, x, y, key(x), key(y)))


if __name__ == '__main__':
    main()
