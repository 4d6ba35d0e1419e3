#!/usr/bin/python3
"""Validate onoma names tables and measure them against a test set.

    /usr/bin/python3 tools/gazetteer/check.py [TABLE.tsv|DIR ...] \
        [--pairs tests/data/gazetteer-pairs.tsv]

Without table arguments it checks tables/names/*.tsv and
tables/names/gen/*.tsv.  It applies the folding of docs/tables.md
("Matching"; tools/gazetteer/fold.py) and reports:
  * format errors (FILE:LINE: error: ...), as `onoma compile --check` will;
  * conflicts: a key leading to two canonical forms without both claims
    marked `?`; duplicates inside a record;
  * sizes: files, bytes, entities by type, variants, native-script variants
    by script, guarded and shared variants;
  * with --pairs: the share of `variant<TAB>expected` pairs that a lookup by
    folded key rewrites to the expected canonical form, and whether every
    canonical form normalizes to itself (identity).
Exit status: 0 clean, 1 errors or conflicts (or pass rate under --min-pass).
"""

import argparse
import collections
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fold import fold, script_of  # noqa: E402
from tablefmt import TYPES, ID_RE, read_table  # noqa: E402


def table_files(args):
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    paths = args or [os.path.join(root, "tables/names"),
                     os.path.join(root, "tables/names/gen")]
    out = []
    for p in paths:
        if os.path.isdir(p):
            out += sorted(glob.glob(os.path.join(p, "*.tsv")))
        else:
            out.append(p)
    return out


def ok_form(s):
    return bool(s) and s[0].isalnum() and s[-1].isalnum() and \
        not any(ord(c) < 32 or c == "\x7f" for c in s)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tables", nargs="*")
    ap.add_argument("--pairs", help="variant<TAB>canonical test file")
    ap.add_argument("--min-pass", type=float, default=0.0,
                    help="fail if the pair pass rate is below this (0..1)")
    ap.add_argument("--show-fails", type=int, default=30)
    ap.add_argument("--max-bytes", type=int, default=2_000_000)
    args = ap.parse_args()

    files = table_files(args.tables)
    errors = []
    recs = []
    nbytes = {}
    for path in files:
        try:
            with open(path, "rb") as f:
                raw = f.read()
            raw.decode("utf-8")
        except UnicodeDecodeError as e:
            errors.append("%s: error: invalid UTF-8 at byte %d" % (path, e.start))
            continue
        nbytes[path] = len(raw)
        if b"\0" in raw:
            errors.append("%s: error: NUL byte" % path)
        meta, rs, errs = read_table(path)
        kind = meta.get("kind", ["names"])[0]
        if kind != "names":
            continue
        if "/gen/" in path or "/tables/" in path:
            for key in ("source", "license"):
                if key not in meta:
                    errors.append("%s: error: no '# %s:' header" % (path, key))
        if len(raw) > args.max_bytes:
            errors.append("%s: error: %d bytes, over %d"
                          % (path, len(raw), args.max_bytes))
        errors += errs
        recs += rs

    ids = {}
    claims = collections.defaultdict(list)   # key -> [(canonical, flag, id)]
    dup_in_record = 0
    for r in recs:
        where = "%s:%d" % (r.origin, r.line)
        if r.id in ids:
            errors.append("%s: error: duplicate id %s (first at %s)"
                          % (where, r.id, ids[r.id]))
        ids[r.id] = where
        if not ID_RE.match(r.id):
            errors.append("%s: error: bad id %r" % (where, r.id))
        if r.type not in TYPES:
            errors.append("%s: error: unknown type %r" % (where, r.type))
        if not r.canonical:
            errors.append("%s: error: empty canonical" % where)
            continue
        forms = [(r.canonical, "")] + [(f, fl) for f, fl in r.variants] + \
            [(f, "") for f in r.styles.values()]
        seen = set()
        for f, fl in forms:
            if not ok_form(f):
                errors.append("%s: error: form %r must begin and end with a "
                              "letter or digit" % (where, f))
            k = fold(f)
            if k in seen and (f, fl) not in ((r.canonical, ""),):
                if (f, fl) in [(v[0], v[1]) for v in r.variants]:
                    dup_in_record += 1
                continue
            seen.add(k)
            claims[k].append((r.canonical, fl, r.id))

    conflicts = []
    for k, cl in claims.items():
        canons = {c for c, _, _ in cl}
        if len(canons) > 1 and not all(fl == "?" for _, fl, _ in cl):
            conflicts.append((k, cl))

    # sizes
    by_type = collections.Counter(r.type for r in recs)
    nvar = sum(len(r.variants) for r in recs)
    guarded = sum(1 for r in recs for v in r.variants if v[1] == "~")
    shared = sum(1 for r in recs for v in r.variants if v[1] == "?")
    scripts = collections.Counter()
    for r in recs:
        for f, _ in r.variants:
            scripts[script_of(f) or "none"] += 1
    ap_forms = sum(1 for r in recs if "ap" in r.styles)
    cguarded = sum(1 for r in recs if r.cguard)

    print("files: %d, %d bytes, largest %d bytes" % (
        len(nbytes), sum(nbytes.values()), max(nbytes.values() or [0])))
    print("entities: %d  %s" % (len(recs), dict(sorted(by_type.items()))))
    print("variants: %d (guarded ~ %d, shared ? %d); records with ap= %d"
          % (nvar, guarded, shared, ap_forms))
    print("guarded canonical forms (~): %d" % cguarded)
    print("variants by script: %s" % dict(scripts.most_common()))
    print("duplicate forms inside a record: %d" % dup_in_record)
    print("conflicts: %d" % len(conflicts))
    for k, cl in conflicts[:20]:
        print("  conflict %r: %s" % (k, "; ".join(
            "%s%s (%s)" % (fl, c, i) for c, fl, i in cl[:6])))
    for e in errors[:50]:
        print(e)
    if len(errors) > 50:
        print("... %d more errors" % (len(errors) - 50))
    status = 1 if errors or conflicts else 0

    if args.pairs:
        def lookup(text):
            cl = claims.get(fold(text), [])
            canons = {c for c, _, _ in cl}
            if not canons:
                return None, "unknown"
            if len(canons) > 1:
                return None, "ambiguous"
            return canons.pop(), "ok"

        total = passed = 0
        fails = []
        with open(args.pairs, encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if not line or line.startswith("#"):
                    continue
                v, exp = line.split("\t")[:2]
                total += 1
                got, why = lookup(v)
                if got == exp:
                    passed += 1
                else:
                    fails.append((v, exp, got, why))
        rate = passed / total if total else 0.0
        print("pairs: %d/%d rewritten to the expected canonical (%.1f%%)"
              % (passed, total, 100 * rate))
        for v, exp, got, why in fails[:args.show_fails]:
            print("  FAIL %s -> %s (got %s, %s)" % (v, exp, got, why))
        if rate < args.min_pass:
            status = 1

        # identity: every canonical form must normalize to itself
        bad = 0
        for r in recs:
            got, why = lookup(r.canonical)
            if why == "ok" and got != r.canonical:
                bad += 1
                if bad <= 10:
                    print("  IDENTITY %s -> %s" % (r.canonical, got))
        amb = sum(1 for r in recs if lookup(r.canonical)[1] == "ambiguous")
        print("identity: %d canonical forms rewritten to another; %d "
              "ambiguous (left alone)" % (bad, amb))
        if bad:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
