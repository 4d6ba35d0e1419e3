#!/usr/bin/python3
"""How fast onoma.pandas.translit_series and key_series are, against one
call per row.

  PYTHONPATH=build/python /usr/bin/python3 bench/python_translit_key.py [--n 200000] [--repeat 3]

Makes a Series of N names and short texts in Arabic, Persian, Urdu, Pashto,
Russian, Ukrainian, Belarusian, Bulgarian, Serbian, Greek, Hebrew and Latin
script (drawn at random from the source column of tests/data/translit/*.tsv
and the names of tests/data/keys/*.tsv; 1 to 3 of them joined by a space)
and times, on the same Series:

  per-row      [tr.translit(x) for x in s] / [k.key(x) for x in s]: one cffi
               call per row, on a Transliterator / Keyer made beforehand
  series       translit_series / key_series with the accelerator
               (onoma._speedups: a C loop, GIL released per 1,024 rows)
  series-cffi  the same without the accelerator (translit: rows joined by
               line ends, a few MB per call; key: one call per row)

The outputs must be equal. Prints the best wall and CPU seconds of --repeat
rounds (the contenders take turns) and rows per second.
"""
import argparse
import glob
import os
import random
import time

import pandas as pd

import onoma
import onoma.pandas
from onoma import _key, _translit

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "tests", "data")


def texts(n):
    pool = []
    for p in sorted(glob.glob(os.path.join(DATA, "translit", "*.tsv"))):
        with open(p, encoding="utf-8") as f:
            pool += [line.split("\t")[0] for line in f.read().splitlines() if line and not line.startswith("#")]
    for p in sorted(glob.glob(os.path.join(DATA, "keys", "*.tsv"))):
        with open(p, encoding="utf-8") as f:
            for line in f.read().splitlines():
                if line and not line.startswith("#"):
                    pool += line.split("\t")[:2]
    pool = [t for t in pool if len(t) <= 80]  # names and short texts, not the long sentences
    rnd = random.Random(7)
    return [" ".join(rnd.choice(pool) for _ in range(rnd.randint(1, 3))) for _ in range(n)]


def timed(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - w, time.process_time() - c, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    s = pd.Series(texts(a.n))
    tr = onoma.Transliterator()
    k = onoma.Keyer()
    fast = (_translit._speedups, _key._speedups)
    assert all(fast), "built without the accelerator"

    def no_speedups(fn):
        def run():
            _translit._speedups = _key._speedups = None
            try:
                return fn()
            finally:
                _translit._speedups, _key._speedups = fast
        return run

    jobs = {
        ("translit", "per-row"): lambda: [tr.translit(x) for x in s],
        ("translit", "series"): lambda: onoma.pandas.translit_series(s, transliterator=tr).tolist(),
        ("translit", "series-cffi"): no_speedups(lambda: onoma.pandas.translit_series(s, transliterator=tr).tolist()),
        ("key", "per-row"): lambda: [k.key(x) for x in s],
        ("key", "series"): lambda: onoma.pandas.key_series(s, keyer=k).tolist(),
        ("key", "series-cffi"): no_speedups(lambda: onoma.pandas.key_series(s, keyer=k).tolist()),
    }
    best = {}
    outs = {}
    for _ in range(a.repeat):
        for name, fn in jobs.items():
            w, c, out = timed(fn)
            outs.setdefault(name[0], out)
            assert out == outs[name[0]], f"{name}: output differs"
            b = best.get(name)
            best[name] = (min(b[0], w), min(b[1], c)) if b else (w, c)
    print(f"{a.n} rows, {sum(len(x.encode()) for x in s) / a.n:.1f} bytes a row on average; best of {a.repeat}")
    print(f"{'job':<22} {'wall s':>8} {'CPU s':>8} {'rows/s (CPU)':>14} {'vs per-row (CPU)':>17}")
    for (what, how), (w, c) in best.items():
        base = best[(what, "per-row")][1]
        print(f"{what + ' ' + how:<22} {w:8.3f} {c:8.3f} {a.n / c:14,.0f} {base / c:16.1f}x")


if __name__ == "__main__":
    main()
