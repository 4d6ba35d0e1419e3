#!/usr/bin/env bash
# onoma's own normalize benchmark: the figures the peer harness does not give.
#
#   bench/normalize.sh [BUILD_DIR]      (default: build)
#
# Needs the inputs of ../shared/bench/gen.py in $BENCH_CACHE (default
# /tmp/onoma-bench; run that harness once, or gen.py, to make them) and GNU
# time. Prints a Markdown table per part:
#   1. compile time, compiled size, open time, peak RSS, per gazetteer size
#   2. exact mode (the reference job) and the default folding mode, MB/s
#   3. --jobs scaling on the 100 MB corpus
# Each figure is the best of REPEAT runs (default 3), wall time of the whole
# process. Machines are shared and noisy: compare figures from one run.
set -eu
BUILD=${1:-build}
ONOMA=$BUILD/bin/onoma
DIR=${BENCH_CACHE:-/tmp/onoma-bench}
REPEAT=${REPEAT:-3}
EN=$DIR/en-100mb.txt
[ -x "$ONOMA" ] || { echo "no $ONOMA: build first" >&2; exit 2; }
[ -f "$EN" ] || { echo "no $EN: run ../shared/bench/gen.py --dir $DIR" >&2; exit 2; }
TMP=$(mktemp -d /tmp/onoma-bench-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
MB=$(( $(stat -c %s "$EN") / 1000000 ))

# best wall seconds of REPEAT runs of "$@" < IN > /dev/null
best() {
    local in=$1; shift
    local b=""
    for _ in $(seq "$REPEAT"); do
        local t
        t=$( { /usr/bin/time -f '%e' "$@" < "$in" > /dev/null; } 2>&1 | tail -1 )
        if [ -z "$b" ] || awk "BEGIN{exit !($t < $b)}"; then b=$t; fi
    done
    echo "$b"
}
rss() { local in=$1; shift; { /usr/bin/time -f '%M' "$@" < "$in" > /dev/null; } 2>&1 | tail -1; }
mbs() { awk "BEGIN{printf \"%.0f\", $MB / ($1 > 0 ? $1 : 0.001)}"; }

echo "onoma $("$ONOMA" --version | head -1 | cut -d' ' -f2), $(nproc) cores, inputs in $DIR ($MB MB English corpus)"
echo
echo "## Tables: compile, open, memory"
echo
echo "| table | keys | compile s | compiled MB | open s (text) | open s (compiled) | RSS MB (compiled, 100 MB run) |"
echo "|---|---|---|---|---|---|---|"
for g in g10 g1k g100k g1m; do
    tsv=$DIR/$g.tsv
    [ -f "$tsv" ] || continue
    c=$( { /usr/bin/time -f '%e' "$ONOMA" compile --quiet "$tsv" -o "$TMP/$g.onb"; } 2>&1 | tail -1 )
    size=$(awk "BEGIN{printf \"%.1f\", $(stat -c %s "$TMP/$g.onb") / 1e6}")
    ot=$(best /dev/null "$ONOMA" normalize --exact --no-default-tables --table "$tsv")
    oc=$(best /dev/null "$ONOMA" normalize --exact --no-default-tables --table "$TMP/$g.onb")
    r=$(rss "$EN" "$ONOMA" normalize --exact --no-default-tables --table "$TMP/$g.onb")
    echo "| $g | $(wc -l < "$tsv") | $c | $size | $ot | $oc | $((r / 1024)) |"
done
echo
echo "## Throughput, MB/s (wall, start-up and table loading included)"
echo
echo "| table | exact, text table | exact, compiled | default folding mode, compiled |"
echo "|---|---|---|---|"
for g in g10 g1k g100k g1m; do
    [ -f "$TMP/$g.onb" ] || continue
    e1=$(best "$EN" "$ONOMA" normalize --exact --no-default-tables --table "$DIR/$g.tsv")
    e2=$(best "$EN" "$ONOMA" normalize --exact --no-default-tables --table "$TMP/$g.onb")
    f=$(best "$EN" "$ONOMA" normalize --no-default-tables --table "$TMP/$g.onb")
    echo "| $g | $(mbs "$e1") | $(mbs "$e2") | $(mbs "$f") |"
done
b=$(best "$EN" "$ONOMA" normalize)
br=$(rss "$EN" "$ONOMA" normalize)
echo "| bundled tables ($("$ONOMA" tables | awk '/^total/{print $2 " entities"}')) | | | $(mbs "$b") (RSS $((br / 1024)) MB) |"
echo
echo "## --jobs scaling (100 MB corpus)"
echo
echo "| table | --jobs 1 MB/s | --jobs 2 MB/s | ratio |"
echo "|---|---|---|---|"
for g in g1k g100k; do
    [ -f "$TMP/$g.onb" ] || continue
    j1=$(best "$EN" "$ONOMA" normalize --jobs 1 --exact --no-default-tables --table "$TMP/$g.onb")
    j2=$(best "$EN" "$ONOMA" normalize --jobs 2 --exact --no-default-tables --table "$TMP/$g.onb")
    echo "| $g exact | $(mbs "$j1") | $(mbs "$j2") | $(awk "BEGIN{printf \"%.2f\", $j1 / $j2}") |"
done
j1=$(best "$EN" "$ONOMA" normalize --jobs 1)
j2=$(best "$EN" "$ONOMA" normalize --jobs 2)
echo "| bundled, default mode | $(mbs "$j1") | $(mbs "$j2") | $(awk "BEGIN{printf \"%.2f\", $j1 / $j2}") |"
