#!/usr/bin/env python3
"""CER / exact of the C decoder on the held-out split of a pairs file (token level).

usage: evalheld.py --pairs DIR/LANG.pairs --model MODEL --nmtest PATH
"""
import argparse
import subprocess


def lev(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--pairs', required=True)
    ap.add_argument('--model', required=True)
    ap.add_argument('--nmtest', required=True)
    a = ap.parse_args()
    refs = {}
    for line in open(a.pairs, encoding='utf-8'):
        nat, lat, c, tag, sp = line.rstrip('\n').split('\t')
        if sp == 'held':
            refs.setdefault(nat, set()).add(lat)
    items = sorted(refs.items())
    inp = ''.join(n + '\n' for n, _ in items)
    out = subprocess.run([a.nmtest, '--model', a.model], input=inp, capture_output=True,
                         text=True, check=True).stdout.split('\n')
    cer = ex = 0.0
    for (nat, lats), o in zip(items, out):
        cer += min(lev(o, l) / len(l) for l in lats)
        ex += o in lats
    n = len(items)
    print('held-out: tokens=%d exact=%.3f cer=%.3f' % (n, ex / n, cer / n))


if __name__ == '__main__':
    main()
