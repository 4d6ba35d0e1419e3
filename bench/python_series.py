#!/usr/bin/python3
"""How fast onoma.pandas.normalize_series is, against plain Python.

  bench/python_series.py [--n 1000000] [--table /tmp/onoma-bench/g1k.tsv]
                         [--corpus /tmp/onoma-bench/en-100mb.txt] [--repeat 3]

Makes a Series of N short texts (1 to 4 consecutive words of the corpus, so
with the names the benchmark generator injected; /work/shared/bench/gen.py
makes the files), then times, on the same Series:

  dict    a pure-Python dict-based replacement, row by row: split the text
          into word and non-word runs, try the longest table key first
          (flashtext's way), replace
  onoma   normalize_series with the same table, exact (fuzzy=False,
          defaults=False): the same job, so the outputs must be equal
  onoma+  normalize_series with the bundled tables (folding, guards,
          styles): the library's full matching, for scale

and prints the best wall and CPU seconds of --repeat rounds (the contenders
take turns, so that a change in the machine's load falls on all), rows per
second, and the speedup of onoma over dict. On a shared machine the CPU
figures are the steadier (with threads=1 they count the same work). Needs pandas and the onoma package (PYTHONPATH=python,
ONOMA_LIBRARY=build/lib/libonoma.so from a build tree).
"""
import argparse
import random
import re
import sys
import time

import pandas as pd

import onoma
import onoma.pandas

TOKENS = re.compile(r"\w+|\W+")


def load_table(path):
    table = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            key, canon = line.rstrip("\n").split("\t")
            table[key] = canon
    return table


def dict_replacer(table):
    """The plain-Python peer: a function of one text."""
    spans, firsts = set(), set()
    for key in table:
        toks = TOKENS.findall(key)
        spans.add(len(toks))
        firsts.add(toks[0])
    spans = sorted(spans, reverse=True)
    findall, get = TOKENS.findall, table.get

    def replace(text):
        toks = findall(text)
        i, n, res = 0, len(toks), []
        while i < n:
            t = toks[i]
            if t in firsts:
                for s in spans:
                    if i + s <= n:
                        c = get(t if s == 1 else "".join(toks[i:i + s]))
                        if c is not None:
                            res.append(c)
                            i += s
                            break
                else:
                    res.append(t)
                    i += 1
            else:
                res.append(t)
                i += 1
        return "".join(res)

    return replace


def make_series(corpus, n, seed=20261125):
    rnd = random.Random(seed)
    words = []
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            words.extend(line.split())
            if len(words) > 400_000:
                break
    rows = []
    for _ in range(n):
        k = rnd.randint(1, 4)
        j = rnd.randrange(len(words) - k)
        rows.append(" ".join(words[j:j + k]))
    return pd.Series(rows, name="text")


def rounds(contenders, repeat):
    """Run the contenders in turn, repeat rounds (so that a change in the
    machine's load falls on all of them); the best wall and CPU times of
    each, and its last output."""
    wall = {k: float("inf") for k in contenders}
    cpu = dict(wall)
    out = {}
    for _ in range(repeat):
        for k, fn in contenders.items():
            w0, c0 = time.perf_counter(), time.process_time()
            out[k] = fn()
            wall[k] = min(wall[k], time.perf_counter() - w0)
            cpu[k] = min(cpu[k], time.process_time() - c0)
    return wall, cpu, out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--table", default="/tmp/onoma-bench/g1k.tsv")
    ap.add_argument("--corpus", default="/tmp/onoma-bench/en-100mb.txt")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=None, help="threads for normalize_series (default 1)")
    a = ap.parse_args()

    s = make_series(a.corpus, a.n)
    nbytes = sum(len(x.encode()) for x in s)
    print(f"{len(s):,} rows, {nbytes / len(s):.1f} bytes a row on average; table {a.table}")
    table = load_table(a.table)
    replace = dict_replacer(table)
    exact = onoma.Tables([a.table], defaults=False, exact_only=True)
    bundled = onoma.default_tables()

    wall, cpu, out = rounds({
        "dict": lambda: s.map(replace),
        "onoma": lambda: onoma.pandas.normalize_series(s, fuzzy=False, tables=exact, threads=a.threads),
        "onoma+": lambda: onoma.pandas.normalize_series(s, tables=bundled, threads=a.threads),
    }, a.repeat)
    out_dict, out_on = out["dict"], out["onoma"]

    equal = out_dict.equals(out_on)
    changed = int((out_on != s).sum())
    accel = "with the C accelerator" if onoma._core._speedups is not None else "cffi only (no accelerator)"
    print(f"normalize_series {accel}, threads={a.threads or 1}; best of {a.repeat} rounds")
    print(f"{'':8} {'wall s':>8} {'CPU s':>8} {'rows/s (wall)':>14}")
    for name in ("dict", "onoma", "onoma+"):
        print(f"{name:8} {wall[name]:8.3f} {cpu[name]:8.3f} {len(s) / wall[name]:14,.0f}")
    print(f"rows changed by the table: {changed:,}; outputs equal (dict, onoma): {'yes' if equal else 'NO'}")
    print(f"speedup onoma / dict: {wall['dict'] / wall['onoma']:.1f}x wall, {cpu['dict'] / cpu['onoma']:.1f}x CPU "
          f"(bundled tables, full matching: {wall['dict'] / wall['onoma+']:.1f}x wall, "
          f"{cpu['dict'] / cpu['onoma+']:.1f}x CPU)")
    if not equal:
        diff = (out_dict != out_on)
        for i in list(diff[diff].index[:5]):
            print(f"  {s[i]!r}: dict {out_dict[i]!r}, onoma {out_on[i]!r}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
