#!/usr/bin/env python3
"""Dump the scorer's sampled pairs (positives/negatives) as TSV for analysis.

usage: devpairs.py SCORE_DIR [--lang L] [--seed S] [--sample N] > pairs.tsv
Output: kind<TAB>lang<TAB>name1<TAB>name2 (kind = pos | neg-jw | neg-prefix).
Reads score.py and groups.tsv from SCORE_DIR (the dev data is for measuring:
never copy it into tables).
"""
import argparse, importlib.util, os, random, sys

ap = argparse.ArgumentParser()
ap.add_argument('dir')
ap.add_argument('--lang')
ap.add_argument('--seed', type=int, default=1)
ap.add_argument('--sample', type=int, default=20000)
a = ap.parse_args()
spec = importlib.util.spec_from_file_location('score', os.path.join(a.dir, 'score.py'))
sc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sc)
groups = sc.load_groups(os.path.join(a.dir, 'groups.tsv'))
if a.lang:
    want = [x.strip() for x in a.lang.split(',') if x.strip()]
    ok = lambda l: any(l.startswith(w[:-1]) if w.endswith('*') else l == w for w in want)
    groups = {g: v for g, v in groups.items() if ok(v[0])}
comp = sc.link(groups)
rng = random.Random(a.seed)
pos = sc.stratified(sc.positives(groups), a.sample, rng)
neg = sc.stratified(sc.negatives(groups, comp, a.seed), a.sample, rng)
out = sys.stdout
for lang in sorted(pos):
    for x, y in pos[lang]:
        out.write('pos\t%s\t%s\t%s\n' % (lang, x, y))
for lang in sorted(neg):
    for x, y, k in neg[lang]:
        out.write('neg-%s\t%s\t%s\t%s\n' % (k, lang, x, y))
