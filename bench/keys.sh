#!/usr/bin/env bash
# Speed of onoma key, onoma match, normalize --fuzzy and onoma cluster.
#
#   bench/keys.sh [BUILD_DIR]      (default: build)
#
# Inputs: the names-dev split ($NAMES_DEV, default /work/shared/data/names-dev:
# groups.tsv, and /usr/bin/python3 for tools/keys/devpairs.py) and the English
# bench corpus ($BENCH_CACHE/en-100mb.txt, default /tmp/onoma-bench; made by
# ../shared/bench/gen.py). Needs GNU time. Prints a Markdown table:
#   1. onoma key: the dev names (one a line) repeated until WORK seconds of
#      work (default 10), single-threaded, through the CLI (read, key, write)
#   2. onoma match --pairs: the scorer's sampled pairs, repeated the same way
#   3. normalize and normalize --fuzzy on the 100 MB corpus (best of REPEAT,
#      default 3), and --fuzzy's start-up (the key index of the tables)
#   4. onoma cluster on the 100 MB corpus
# Rates are by wall time and by CPU time (user + sys) of the onoma process:
# machines are shared and noisy, CPU time less so.
set -eu
BUILD=${1:-build}
ONOMA=$BUILD/bin/onoma
DEV=${NAMES_DEV:-/work/shared/data/names-dev}
DIR=${BENCH_CACHE:-/tmp/onoma-bench}
WORK=${WORK:-10}
REPEAT=${REPEAT:-3}
EN=$DIR/en-100mb.txt
HERE=$(cd "$(dirname "$0")/.." && pwd)
[ -x "$ONOMA" ] || { echo "no $ONOMA: build first" >&2; exit 2; }
[ -f "$DEV/groups.tsv" ] || { echo "no $DEV/groups.tsv (set NAMES_DEV)" >&2; exit 2; }
TMP=$(mktemp -d /tmp/onoma-bench-keys-XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# run N "$@": feeds the lines of $TMP/in N times to "$@" and prints
# "wall cpu" seconds of the command (not of the feeding)
run() {
    local n=$1; shift
    { for _ in $(seq "$n"); do cat "$TMP/in"; done; } |
        /usr/bin/time -f '%e %U %S' "$@" > /dev/null 2> "$TMP/time"
    awk 'END {print $1, $2 + $3}' "$TMP/time"
}
# rate LINES "$@": repeats the input until the run takes at least WORK s
rate() {
    local lines=$1; shift
    local n=1 t
    t=$(run 1 "$@")
    while awk -v t="${t%% *}" -v w="$WORK" 'BEGIN {exit !(t < w)}'; do
        n=$(awk -v n="$n" -v t="${t%% *}" -v w="$WORK" 'BEGIN {m = int(n * 1.15 * w / (t > 0.05 ? t : 0.05)) + 1; print (m > 2 * n ? m : 2 * n)}')
        t=$(run "$n" "$@")
    done
    awk -v n="$n" -v l="$lines" -v w="${t%% *}" -v c="${t##* }" \
        'BEGIN {printf "%d x %d lines: %.2f s wall, %.2f s CPU | %.0f | %.0f", n, l, w, c, n * l / w, n * l / c}'
}
best() {
    local b="" t
    for _ in $(seq "$REPEAT"); do
        t=$( { /usr/bin/time -f '%e %U %S' "$@" > /dev/null; } 2>&1 | tail -1 | awk '{print $1, $2 + $3}')
        if [ -z "$b" ] || awk -v a="${t%% *}" -v b="${b%% *}" 'BEGIN {exit !(a < b)}'; then b=$t; fi
    done
    echo "$b"
}
mbs() { awk -v mb="$1" -v t="$2" 'BEGIN {printf "%.0f", mb / (t > 0.001 ? t : 0.001)}'; }

echo "onoma $("$ONOMA" --version | head -1 | cut -d' ' -f2), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| what | work | per second (wall) | per second (CPU) |"
echo "|---|---|---|---|"
cut -f4 "$DEV/groups.tsv" | tail -n +2 > "$TMP/in"
n=$(wc -l < "$TMP/in")
echo "| onoma key, dev names (names/s) | $(rate "$n" "$ONOMA" key) |"
/usr/bin/python3 "$HERE/tools/keys/devpairs.py" "$DEV" | cut -f3,4 > "$TMP/in"
n=$(wc -l < "$TMP/in")
echo "| onoma match --pairs -, scorer pairs (pairs/s) | $(rate "$n" "$ONOMA" match --pairs -) |"
if [ -f "$EN" ]; then
    MB=$(awk -v b="$(stat -c %s "$EN")" 'BEGIN {printf "%.1f", b / 1e6}')
    p=$(best "$ONOMA" normalize "$EN")
    f=$(best "$ONOMA" normalize --fuzzy "$EN")
    s=$(best "$ONOMA" normalize --fuzzy /dev/null)
    c=$(best "$ONOMA" cluster "$EN")
    echo "| normalize, $MB MB English (MB/s) | ${p%% *} s wall, ${p##* } s CPU | $(mbs "$MB" "${p%% *}") | $(mbs "$MB" "${p##* }") |"
    echo "| normalize --fuzzy, same (MB/s) | ${f%% *} s wall, ${f##* } s CPU | $(mbs "$MB" "${f%% *}") | $(mbs "$MB" "${f##* }") |"
    echo "| normalize --fuzzy start-up (key index), empty input | ${s%% *} s wall, ${s##* } s CPU | | |"
    echo "| cluster, same (MB/s) | ${c%% *} s wall, ${c##* } s CPU | $(mbs "$MB" "${c%% *}") | $(mbs "$MB" "${c##* }") |"
    echo
    awk -v p="${p%% *}" -v f="${f%% *}" -v pc="${p##* }" -v fc="${f##* }" \
        'BEGIN {printf "normalize --fuzzy runs at %.0f%% of plain normalize (wall), %.0f%% (CPU)\n", 100 * p / f, 100 * pc / fc}'
    /usr/bin/time -f '%M' "$ONOMA" cluster "$EN" > /dev/null 2> "$TMP/rss"
    echo "cluster peak RSS: $(( $(tail -1 "$TMP/rss") / 1024 )) MB"
else
    echo "(no $EN: the corpus rows are left out; run ../shared/bench/gen.py --dir $DIR)"
fi
