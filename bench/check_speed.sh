#!/usr/bin/env bash
# onoma check against onoma normalize on the same file: MB/s of each (the
# fastest of N runs, wall time, output to /dev/null) and their ratio.
#   bench/check_speed.sh [ONOMA_BINARY] [FILE] [RUNS]
# Defaults: build/bin/onoma, /tmp/onoma-bench/en-100mb.txt (made by
# /work/shared/bench/gen.py), 5 runs. Also prints CPU seconds (user+sys),
# steadier than wall time on a shared machine. Exits 1 when check runs at
# less than half of normalize's speed (wall time).
set -eu
ONOMA=${1:-$(dirname "$0")/../build/bin/onoma}
FILE=${2:-/tmp/onoma-bench/en-100mb.txt}
RUNS=${3:-5}
[ -r "$FILE" ] || { echo "no $FILE: run /work/shared/bench/gen.py first" >&2; exit 2; }
MB=$(python3 -c "import os,sys; print(os.path.getsize(sys.argv[1]) / 1e6)" "$FILE")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

best() { # best wall and cpu seconds of RUNS runs of "$@"
    local bw=999999 bc=999999
    for _ in $(seq "$RUNS"); do
        local rc=0
        /usr/bin/time -o "$TMP/t" -f "%e %U %S" "$@" > /dev/null 2> "$TMP/err" || rc=$?
        # 0: clean, 1: findings; anything else is a failed run, not a figure
        if [ "$rc" -gt 1 ]; then
            echo "failed (exit $rc): $* : $(head -c 300 "$TMP/err")" >&2
            exit 2
        fi
        read -r w u s < <(tail -1 "$TMP/t")
        bw=$(python3 -c "print(min($bw, $w))")
        bc=$(python3 -c "print(min($bc, $u + $s))")
    done
    echo "$bw $bc"
}
read -r nw nc < <(best "$ONOMA" normalize "$FILE")
read -r cw cc < <(best "$ONOMA" check "$FILE")
read -r jw jc < <(best "$ONOMA" check --format jsonl "$FILE")
python3 - "$MB" "$nw" "$nc" "$cw" "$cc" "$jw" "$jc" <<'PY'
import sys
mb, nw, nc, cw, cc, jw, jc = map(float, sys.argv[1:])
print(f"input: {mb:.1f} MB")
for name, w, c in (("normalize", nw, nc), ("check (text)", cw, cc), ("check --format jsonl", jw, jc)):
    print(f"{name:22s} wall {w:6.2f} s  {mb / w:7.1f} MB/s   cpu {c:6.2f} s  {mb / c:7.1f} MB/s")
print(f"check / normalize: {nw / cw:.0%} of the speed (wall), {nc / cc:.0%} (cpu); jsonl {nw / jw:.0%} (wall)")
sys.exit(0 if nw / cw >= 0.5 else 1)
PY
