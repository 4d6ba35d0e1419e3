#!/usr/bin/env python3
"""Add the token lexicon to a model: native token -> its most frequent Latin spelling,
for training tokens seen at least --min-count times whose spelling the n-gram model
does not already produce (so the lexicon holds only the exceptions).

usage: lexicon.py --pairs DIR/LANG.pairs --model MODEL --nmtest PATH [--min-count 2]
                  [--max-bytes N]
The model file is rewritten in place (x records appended after the n-grams).
"""
import argparse
import collections
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--pairs', required=True)
    ap.add_argument('--model', required=True)
    ap.add_argument('--nmtest', required=True)
    ap.add_argument('--min-count', type=int, default=2)
    ap.add_argument('--max-bytes', type=int, default=1950000)
    a = ap.parse_args()
    forms = collections.defaultdict(collections.Counter)
    for line in open(a.pairs, encoding='utf-8'):
        nat, lat, c, tag, sp = line.rstrip('\n').split('\t')
        if sp == 'train':
            forms[nat][lat] += int(c)
    cands = []
    for nat, cn in forms.items():
        tot = sum(cn.values())
        if tot < a.min_count:
            continue
        # most frequent spelling; ties broken alphabetically (deterministic)
        lat = sorted(cn.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        cands.append((tot, nat, lat))
    cands.sort(key=lambda x: (-x[0], x[1]))
    lines = [l for l in open(a.model, encoding='utf-8') if not l.startswith('x\t')]
    with open(a.model, 'w', encoding='utf-8') as f:
        f.writelines(lines)
    inp = ''.join(n + '\n' for _, n, _ in cands)
    out = subprocess.run([a.nmtest, '--model', a.model], input=inp, capture_output=True,
                         text=True, check=True).stdout.split('\n')
    size = sum(len(l.encode('utf-8')) for l in lines)
    added = 0
    with open(a.model, 'a', encoding='utf-8') as f:
        for (tot, nat, lat), o in zip(cands, out):
            if o == lat:
                continue
            rec = 'x\t%s\t%s\n' % (nat, lat)
            size += len(rec.encode('utf-8'))
            if size > a.max_bytes:
                break
            f.write(rec)
            added += 1
    sys.stderr.write('lexicon: %d candidates (count >= %d), %d exceptions added\n'
                     % (len(cands), a.min_count, added))


if __name__ == '__main__':
    main()
