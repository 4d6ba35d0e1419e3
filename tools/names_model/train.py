#!/usr/bin/env python3
"""Train a joint-sequence (graphone) n-gram transliteration model for one language.

usage: train.py --pairs DIR/LANG.pairs --lang LANG --out MODEL [--order 5] [--maxlat 4]
                [--em-sample 25000] [--em-iter 6] [--cutoff 1] [--header FILE]

Steps (all deterministic):
 1. EM alignment (unigram graphone model): each native character is paired with 0..maxlat
    Latin characters; forward-backward on a sample, then Viterbi-align every training pair.
    Pairs that cannot be aligned, or whose per-character alignment score is in the worst 3%,
    are dropped as noise (the Wikidata token alignment has some).
 2. An interpolated Kneser-Ney n-gram model over the graphone sequences (with <s> </s>),
    written in back-off form; n-grams of order >= 3 seen <= cutoff times are pruned.
 3. The text model file: header, graphone inventory, n-grams (see FORMAT in README.md).
The lexicon is added by lexicon.py after decoding the training data.
"""
import argparse
import collections
import math
import os
import pickle
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def load_pairs(fn, split='train'):
    res = []
    for line in open(fn, encoding='utf-8'):
        nat, lat, c, tag, sp = line.rstrip('\n').split('\t')
        if sp == split:
            res.append((nat, lat, int(c), tag))
    return res


def em_align(pairs, maxlat, iters, sample, seed=1):
    rnd = random.Random(seed)
    sub = pairs if len(pairs) <= sample else rnd.sample(pairs, sample)
    prob = collections.defaultdict(lambda: 1e-3)
    for it in range(iters):
        counts = collections.defaultdict(float)
        total_ll = 0.0
        for nat, lat in sub:
            n, m = len(nat), len(lat)
            if m > n * maxlat:
                continue
            # forward
            fw = [[0.0] * (m + 1) for _ in range(n + 1)]
            fw[0][0] = 1.0
            for i in range(n):
                row, nxt, ch = fw[i], fw[i + 1], nat[i]
                for j in range(m + 1):
                    v = row[j]
                    if v == 0.0:
                        continue
                    for k in range(0, min(maxlat, m - j) + 1):
                        nxt[j + k] += v * prob[(ch, lat[j:j + k])]
            z = fw[n][m]
            if z <= 0.0:
                continue
            total_ll += math.log(z)
            bw = [[0.0] * (m + 1) for _ in range(n + 1)]
            bw[n][m] = 1.0
            for i in range(n - 1, -1, -1):
                row, nxt, ch = bw[i], bw[i + 1], nat[i]
                frow = fw[i]
                for j in range(m + 1):
                    acc = 0.0
                    for k in range(0, min(maxlat, m - j) + 1):
                        b = nxt[j + k]
                        if b == 0.0:
                            continue
                        key = (ch, lat[j:j + k])
                        t = prob[key] * b
                        acc += t
                        if frow[j]:
                            counts[key] += frow[j] * t / z
                    row[j] = acc
        tot = sum(counts.values())
        prob = collections.defaultdict(lambda: 1e-9)
        for k, v in counts.items():
            if v > 1e-4:
                prob[k] = v / tot
        sys.stderr.write('  em iter %d: ll=%.1f graphones=%d\n' % (it, total_ll, len(prob)))
    return prob


def viterbi(nat, lat, prob, maxlat):
    n, m = len(nat), len(lat)
    NEG = -1e30
    best = [[NEG] * (m + 1) for _ in range(n + 1)]
    bp = [[0] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n):
        ch = nat[i]
        for j in range(m + 1):
            v = best[i][j]
            if v <= NEG:
                continue
            for k in range(0, min(maxlat, m - j) + 1):
                p = prob.get((ch, lat[j:j + k]))
                if not p:
                    continue
                s = v + math.log(p)
                if s > best[i + 1][j + k]:
                    best[i + 1][j + k] = s
                    bp[i + 1][j + k] = k
    if best[n][m] <= NEG:
        return None, None
    seq = []
    j = m
    for i in range(n, 0, -1):
        k = bp[i][j]
        seq.append((nat[i - 1], lat[j - k:j]))
        j -= k
    seq.reverse()
    return seq, best[n][m]


def kn_model(seqs, order, cutoff, prune=0.0, D=(0.0, 0.6, 0.75, 0.8, 0.85, 0.9, 0.9, 0.9)):
    """Interpolated Kneser-Ney; returns {ngram tuple: (log10 p, log10 bow)}."""
    BOS, EOS = 0, 1
    counts = [collections.Counter() for _ in range(order + 1)]
    for s in seqs:
        toks = [BOS] + s + [EOS]
        for i in range(1, len(toks)):
            for n in range(1, min(order, i + 1) + 1):
                counts[n][tuple(toks[i - n + 1:i + 1])] += 1
    counts[1][(BOS,)] = 1  # BOS is only a context; keeps it in the vocabulary
    # KN continuation counts for lower orders
    cc = [collections.Counter() for _ in range(order + 1)]
    for n in range(2, order + 1):
        for g in counts[n]:
            cc[n - 1][g[1:]] += 1
    use = [None] * (order + 1)
    for n in range(1, order + 1):
        if n == order:
            use[n] = counts[n]
        else:
            # n-grams starting with BOS have no left context: keep raw counts for them
            u = collections.Counter()
            for g, c in counts[n].items():
                u[g] = c if g[0] == BOS else cc[n].get(g, c)
            use[n] = u
    # prune
    for n in range(3, order + 1):
        for g in [g for g, c in counts[n].items() if c <= cutoff]:
            del use[n][g]
    probs = {}
    # unigram
    vocab = [g for g in use[1]]
    tot1 = sum(use[1].values())
    V = len(vocab) + 1
    for g in vocab:
        probs[g] = (use[1][g] - 0) / tot1
    # contexts
    for n in range(2, order + 1):
        ctx_tot = collections.Counter()
        ctx_types = collections.Counter()
        for g, c in use[n].items():
            ctx_tot[g[:-1]] += c
            ctx_types[g[:-1]] += 1
        d = D[n]
        for g, c in use[n].items():
            h = g[:-1]
            lower = probs.get(g[1:])
            if lower is None:
                lower = lower_prob(probs, g[1:], bows=None)
            gamma = d * ctx_types[h] / ctx_tot[h]
            probs[g] = max(c - d, 0) / ctx_tot[h] + gamma * lower
    bows = compute_bows(probs)
    if prune > 0:
        probs = entropy_prune(probs, bows, counts, order, prune)
        bows = compute_bows(probs)
    out = {}
    for g, p in probs.items():
        out[g] = (math.log10(max(p, 1e-12)), math.log10(bows[g]) if g in bows else 0.0)
    return out


def compute_bows(probs):
    """Back-off weights so that every context's distribution sums to one."""
    bows = {}
    seen = collections.defaultdict(list)
    for g in probs:
        if len(g) > 1:
            seen[g[:-1]].append(g)
    for h in sorted(seen, key=len):
        gs = seen[h]
        num = 1.0 - sum(probs[g] for g in gs)
        den = 1.0 - sum(lower_prob(probs, g[1:], bows) for g in gs)
        bows[h] = num / den if num > 0 and den > 0 else 1e-6
    return bows


def entropy_prune(probs, bows, counts, order, theta):
    """Relative-entropy pruning (after Stolcke 1998, without re-estimating the
    back-off weights per candidate): drop n-grams whose removal costs less
    than theta, keeping every prefix and suffix of a kept longer n-gram (the
    decoder relies on both)."""
    total = sum(counts[1].values())
    keep = dict(probs)
    for n in range(order, 1, -1):
        need = set()
        for g in keep:
            if len(g) == n + 1:
                need.add(g[:-1])
                need.add(g[1:])
        for g in [g for g in keep if len(g) == n]:
            if g in need:
                continue
            h = g[:-1]
            ph = counts[n - 1].get(h, 0) / total
            p = probs[g]
            q = bows.get(h, 1.0) * lower_prob(probs, g[1:], bows)
            cost = ph * p * (math.log(p) - math.log(q))
            if cost < theta:
                del keep[g]
    return keep


def lower_prob(probs, g, bows):
    p = probs.get(g)
    if p is not None:
        return p
    if len(g) == 1:
        return 1e-7
    b = 1.0 if bows is None else bows.get(g[:-1], 1.0)
    return b * lower_prob(probs, g[1:], bows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--pairs', required=True)
    ap.add_argument('--lang', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--order', type=int, default=5)
    ap.add_argument('--maxlat', type=int, default=4)
    ap.add_argument('--em-sample', type=int, default=25000)
    ap.add_argument('--em-iter', type=int, default=6)
    ap.add_argument('--cutoff', type=int, default=1)
    ap.add_argument('--drop', type=float, default=0.03)
    ap.add_argument('--prune', type=float, default=0.0, help='entropy pruning threshold')
    ap.add_argument('--weight', default='', help='source weights, e.g. google=3,wd=1')
    ap.add_argument('--beam', type=int, default=8, help='decoder beam (written to the model)')
    ap.add_argument('--beam-prune', type=float, default=3.0, help='decoder drops hypotheses this far (log10) behind the best')
    ap.add_argument('--cands', type=int, default=10, help='candidate graphones per character tried by the decoder')
    ap.add_argument('--align-cache', default=None, help='pickle file to reuse the EM alignment (tuning)')
    ap.add_argument('--header', default=None, help='file with # source/# license lines')
    a = ap.parse_args()
    pairs = load_pairs(a.pairs)
    sys.stderr.write('%s: %d training pairs\n' % (a.lang, len(pairs)))
    weights = {}
    for kv in a.weight.split(','):
        if kv:
            k, v = kv.split('=')
            weights[k] = int(v)
    if a.align_cache and os.path.exists(a.align_cache):
        with open(a.align_cache, 'rb') as f:
            aligned = pickle.load(f)
    else:
        uniq = sorted({(n, l) for n, l, c, t in pairs})
        prob = dict(em_align(uniq, a.maxlat, a.em_iter, a.em_sample))
        aligned = []
        for nat, lat, c, tag in pairs:
            seq, sc = viterbi(nat, lat, prob, a.maxlat)
            if seq is None:
                continue
            aligned.append((sc / (len(nat) + len(lat)), seq, tag))
        if a.align_cache:
            with open(a.align_cache, 'wb') as f:
                pickle.dump(aligned, f)
    aligned = [(sc, seq, weights.get(tag, 1)) for sc, seq, tag in aligned]
    aligned.sort(key=lambda x: x[0])
    ndrop = int(len(aligned) * a.drop)
    kept = aligned[ndrop:]
    sys.stderr.write('  aligned %d, dropped %d worst\n' % (len(aligned), ndrop))
    gid = {}
    seqs = []
    for _, seq, w in kept:
        ids = []
        for gph in seq:
            if gph not in gid:
                gid[gph] = len(gid) + 2
            ids.append(gid[gph])
        for _ in range(w):
            seqs.append(ids)
    model = kn_model(seqs, a.order, a.cutoff, a.prune)
    inv = sorted(gid.items(), key=lambda x: x[1])
    with open(a.out, 'w', encoding='utf-8') as f:
        f.write('# onoma names model v1\n')
        if a.header:
            f.write(open(a.header, encoding='utf-8').read())
        f.write('lang\t%s\norder\t%d\nbeam\t%d\ncands\t%d\nprune\t%g\n' % (a.lang, a.order, a.beam, a.cands, a.beam_prune))
        f.write('graphones\t%d\n' % (len(inv) + 2))
        for (nat, lat), i in inv:
            f.write('g\t%s\t%s\n' % (nat, lat))
        f.write('ngrams\t%d\n' % len(model))
        for g in sorted(model, key=lambda g: (len(g), g)):
            p, b = model[g]
            if b:
                f.write('n\t%s\t%.4f\t%.4f\n' % (' '.join(map(str, g)), p, b))
            else:
                f.write('n\t%s\t%.4f\n' % (' '.join(map(str, g)), p))
    sys.stderr.write('  graphones %d, ngrams %d\n' % (len(inv), len(model)))


if __name__ == '__main__':
    main()
