#!/usr/bin/env python3
"""Reference (slow) decoder for a names model; the C decoder must give the same output.

usage: decode.py --model FILE [--beam N] [--nolex] < lines > lines
       decode.py --model FILE --eval PAIRS [--split held]   (CER/exact on a pairs file)
"""
import argparse
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nmnorm  # noqa: E402


class Model:
    def __init__(self, fn):
        self.g = [('', ''), ('', '')]
        self.ng = {}
        self.lex = {}
        self.order = 5
        self.cmap = {}
        self.fb = {}
        self.vocab = set()
        self.vbonus = 0.0
        self.beam = 16
        self.prune = 1e9
        self.cands = 65535
        for line in self.lines(fn):
            if line.startswith('#'):
                continue
            p = line.rstrip('\n').split('\t')
            t = p[0]
            if t == 'n':
                ids = tuple(int(x) for x in p[1].split())
                self.ng[ids] = (float(p[2]), float(p[3]) if len(p) > 3 else 0.0)
            elif t == 'g':
                self.g.append((p[1], p[2]))
            elif t == 'x':
                self.lex[p[1]] = p[2]
            elif t == 'm':
                self.cmap[p[1]] = p[2]
            elif t == 'f':
                self.fb[p[1]] = p[2]
            elif t == 'vocab':
                self.vocab = set(w.strip() for w in open(os.path.join(os.path.dirname(fn), p[1]), encoding='utf-8')
                                 if not w.startswith('#'))
                self.vbonus = float(p[2])
            elif t == 'beam':
                self.beam = int(p[1])
            elif t == 'prune':
                self.prune = float(p[1])
            elif t == 'cands':
                self.cands = int(p[1])
            elif t == 'order':
                self.order = int(p[1])
        self.bychar = {}
        for i, (n, l) in enumerate(self.g):
            if i >= 2:
                self.bychar.setdefault(n, []).append(i)
        uni = lambda i: self.ng.get((i,), (-99.0,))[0]
        for ch in self.bychar:
            self.bychar[ch] = sorted(self.bychar[ch], key=lambda i: (-uni(i), i))[:self.cands]
        self.alpha = set(self.bychar)

    @staticmethod
    def lines(fn):
        """Records of a model file, with those of its base model first."""
        own = [l for l in open(fn, encoding='utf-8') if not l.startswith('#')]
        if own and own[0].startswith('base\t'):
            base = os.path.join(os.path.dirname(fn), own[0].rstrip('\n').split('\t')[1])
            return [l for l in open(base, encoding='utf-8') if not l.startswith('#')] + own[1:]
        return own

    def logp(self, hist, w):
        """log10 p(w | hist) with back-off; hist is a tuple (oldest first)."""
        bo = 0.0
        h = hist
        while True:
            e = self.ng.get(h + (w,))
            if e is not None:
                return bo + e[0]
            if not h:
                return bo - 7.0
            b = self.ng.get(h)
            if b is not None:
                bo += b[1]
            h = h[1:]

    def state(self, hist):
        """Shortest suffix of hist that can still be a context (for merging)."""
        h = hist[-(self.order - 1):] if self.order > 1 else ()
        while h and h not in self.ng:
            h = h[1:]
        return h

    def decode_word(self, w, beam=16, nbest=1):
        hyps = {(0,): (0.0, '')}
        for ch in w:
            cands = self.bychar.get(ch)
            if not cands:
                return None
            new = {}
            top = max(v[0] for v in hyps.values())
            for st, (sc, out) in hyps.items():
                if sc < top - self.prune:
                    continue
                for gi in cands:
                    s2 = sc + self.logp(st, gi)
                    ns = self.state(st + (gi,))
                    o2 = out + self.g[gi][1]
                    old = new.get(ns)
                    if old is None or s2 > old[0]:
                        new[ns] = (s2, o2)
            hyps = dict(sorted(new.items(), key=lambda kv: -kv[1][0])[:beam])
        fin = {}
        for st, (sc, out) in hyps.items():
            s2 = sc + self.logp(st, 1)
            if out in self.vocab:
                s2 += self.vbonus
            if out not in fin:
                fin[out] = s2
            else:  # same spelling through another alignment: sum
                hi, lo = max(fin[out], s2), min(fin[out], s2)
                fin[out] = hi + math.log10(1.0 + 10.0 ** (lo - hi))
        best = sorted(fin.items(), key=lambda kv: -kv[1])
        return best[:nbest] if nbest > 1 else best[0][0]

    def translit_token(self, tok, beam=16, uselex=True):
        out = []
        for isw, t in nmnorm.pieces(nmnorm.norm(tok)):
            if not isw:
                out.append(t)
                continue
            t = ''.join(self.cmap.get(c, c) for c in t)
            core = t.strip("'")
            if uselex and core in self.lex:
                out.append(self.lex[core])
                continue
            i = 0
            while i < len(core):
                if core[i] in self.alpha:
                    j = i
                    while j < len(core) and core[j] in self.alpha and j - i < 48:
                        j += 1
                    out.append(self.decode_word(core[i:j], beam))
                    i = j
                else:
                    out.append(self.fb.get(core[i], core[i]))
                    i += 1
        return ''.join(out)


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
    ap.add_argument('--model', required=True)
    ap.add_argument('--beam', type=int, default=0)
    ap.add_argument('--nolex', action='store_true')
    ap.add_argument('--eval')
    ap.add_argument('--split', default='held')
    ap.add_argument('--limit', type=int, default=0)
    a = ap.parse_args()
    m = Model(a.model)
    a.beam = a.beam or m.beam
    if a.eval:
        refs = {}
        for line in open(a.eval, encoding='utf-8'):
            nat, lat, c, tag, sp = line.rstrip('\n').split('\t')
            if sp == a.split:
                refs.setdefault(nat, set()).add(lat)
        items = sorted(refs.items())
        if a.limit:
            items = items[:a.limit]
        cer = ex = 0.0
        for nat, lats in items:
            o = m.translit_token(nat, a.beam, not a.nolex)
            cer += min(lev(o, l) / len(l) for l in lats)
            ex += o in lats
        print('held: n=%d exact=%.3f cer=%.3f' % (len(items), ex / len(items), cer / len(items)))
        return
    for line in sys.stdin:
        toks = line.split()
        print(' '.join(m.translit_token(t, a.beam, not a.nolex) for t in toks))


if __name__ == '__main__':
    main()
