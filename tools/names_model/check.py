#!/usr/bin/env python3
"""Run the names-model decoder test cases through nmtest.

usage: check.py NMTEST [CASES.tsv ...]   (default: tests/data/names_model/*cases.tsv)
A cases file has `model  input  expected`; model paths are relative to the cases file
(real models: ../../../tables/translit/names/xx.model).  Prints 'N passed, N failed'.
"""
import glob
import os
import subprocess
import sys


def main():
    nmtest = sys.argv[1]
    files = sys.argv[2:] or sorted(glob.glob('tests/data/names_model/*cases.tsv'))
    ok = bad = 0
    for fn in files:
        d = os.path.dirname(fn)
        for ln, line in enumerate(open(fn, encoding='utf-8'), 1):
            if line.startswith('#') or not line.strip():
                continue
            model, inp, exp = line.rstrip('\n').split('\t')
            r = subprocess.run([nmtest, '--model', os.path.join(d, model)], input=inp + '\n',
                               capture_output=True, text=True)
            got = r.stdout.rstrip('\n')
            if r.returncode == 0 and got == exp:
                ok += 1
            else:
                bad += 1
                print('%s:%d: %r -> %r, expected %r %s' % (fn, ln, inp, got, exp, r.stderr.strip()))
    # a malformed model must be refused
    bm = os.path.join('tests/data/names_model', 'bad.model')
    if os.path.exists(bm):
        r = subprocess.run([nmtest, '--model', bm], input='', capture_output=True, text=True)
        if r.returncode != 0 and 'malformed record' in r.stderr:
            ok += 1
        else:
            bad += 1
            print('%s: was not refused' % bm)
    print('%d passed, %d failed' % (ok, bad))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
