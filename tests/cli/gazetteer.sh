#!/usr/bin/env bash
# Checks of the bundled gazetteer (tables/names) through the built onoma.
#   gazetteer.sh ONOMA_BINARY TEST_DATA_DIR SOURCE_DIR
# 1. the variant -> canonical pairs of tests/data/gazetteer-pairs.tsv (written
#    from sources independent of the tables' imports): pass rate >= 95 %;
# 2. canonical identity: normalizing every canonical form of the bundled
#    names tables, one per line, in the default style, changes nothing;
# 3. common English sentences (tests/data/gazetteer-sentences.txt) come out
#    unchanged (sentence-initial As/May/Nice/Reading...).
# (The sample article's fixtures are checked by run.sh.)
# Prints one line per check and "N passed, M failed" last.
set -u
ONOMA=$1
DATA=$2
SRC=$3
TMP=$(mktemp -d /tmp/onoma-gaz-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1${2:+: $2}"; }

# --- 1. test pairs
# The matcher keeps the text's case pattern (ISIL -> ISLAMIC STATE, a
# sentence-initial Al-Qaida -> Al-Qaeda): the expected form is compared in
# the variant's case pattern.
grep -v '^#' "$DATA/gazetteer-pairs.tsv" | grep -v '^$' > "$TMP/pairs"
cut -f1 "$TMP/pairs" > "$TMP/variants"
if "$ONOMA" normalize --cross-script "$TMP/variants" > "$TMP/got" 2> "$TMP/err"; then
    python3 - "$TMP/pairs" "$TMP/got" > "$TMP/score" <<'PY'
import sys
pairs = [l.rstrip("\n").split("\t")[:2] for l in open(sys.argv[1], encoding="utf-8")]
got = [l.rstrip("\n") for l in open(sys.argv[2], encoding="utf-8")]
def cased(want, like):
    letters = [c for c in like if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return want.upper()
    if letters and letters[0].isupper() and want[:1].islower():
        return want[:1].upper() + want[1:]
    return want
good = 0
for (v, want), g in zip(pairs, got):
    if g == want or g == cased(want, v):
        good += 1
    else:
        print("  miss: %s -> %s (want %s)" % (v, g, want))
print("%d %d" % (good, len(pairs)))
PY
    read -r good total < <(tail -1 "$TMP/score")
    pct=$(awk -v g="$good" -v t="$total" 'BEGIN { printf "%.1f", t ? 100 * g / t : 0 }')
    echo "pairs: $good/$total rewritten to the expected canonical form ($pct %)"
    head -n -1 "$TMP/score" | head -30
    if [ "$total" -ge 300 ] && awk -v g="$good" -v t="$total" 'BEGIN { exit !(g >= 0.95 * t) }'; then
        ok "pairs pass rate $pct % >= 95 % ($total pairs)"
    else
        bad "pairs pass rate $pct % (want >= 95 % of >= 300 pairs)"
    fi
else
    bad "normalize the pairs" "$(head -c 300 "$TMP/err")"
fi

# --- 2. canonical identity (default style)
for f in "$SRC"/tables/names/*.tsv "$SRC"/tables/names/*/*.tsv; do
    [ -f "$f" ] || continue
    # names tables only (pairs and style tables have no canonical column)
    grep -q '^# kind: *\(pairs\|style\)' "$f" && continue
    grep -v '^#' "$f" | awk -F'\t' 'NF >= 3 && $3 != "" { sub(/^~/, "", $3); print $3 }'
done | sort -u > "$TMP/canon"
ncanon=$(wc -l < "$TMP/canon")
if "$ONOMA" normalize --cross-script "$TMP/canon" > "$TMP/canon.out" 2> "$TMP/err"; then
    nchanged=$(paste "$TMP/canon" "$TMP/canon.out" | awk -F'\t' '$1 != $2' | wc -l)
    paste "$TMP/canon" "$TMP/canon.out" | awk -F'\t' '$1 != $2 { print "  changed: " $1 " -> " $2 }' | head -20
    if [ "$ncanon" -gt 1000 ] && [ "$nchanged" -eq 0 ]; then
        ok "identity: all $ncanon canonical forms normalize to themselves"
    else
        bad "identity" "$nchanged of $ncanon canonical forms changed"
    fi
else
    bad "normalize the canonical forms" "$(head -c 300 "$TMP/err")"
fi

# --- 3. common English sentences stay as they are
grep -v '^#' "$DATA/gazetteer-sentences.txt" > "$TMP/sent"
nsent=$(wc -l < "$TMP/sent")
if "$ONOMA" normalize "$TMP/sent" > "$TMP/sent.out" 2> "$TMP/err"; then
    diff "$TMP/sent" "$TMP/sent.out" | grep '^[<>]' | head -20
    if [ "$nsent" -ge 30 ] && cmp -s "$TMP/sent" "$TMP/sent.out"; then
        ok "$nsent common English sentences unchanged"
    else
        bad "common English sentences" "$(diff "$TMP/sent" "$TMP/sent.out" | grep -c '^>') changed"
    fi
else
    bad "normalize the sentences" "$(head -c 300 "$TMP/err")"
fi

# the guard itself: Aš stays a town where the text means it
got=$(echo "As Cheb and Aš are towns, Aš stays." | "$ONOMA" normalize)
if [ "$got" = "As Cheb and Aš are towns, Aš stays." ]; then ok "As and Aš kept apart"; else bad "As and Aš kept apart" "$got"; fi

# --- the bgn style: BGN/PCGN romanization of the native name
got=$(echo "Tehran, Athens, Saint Petersburg and Qasem Soleimani; Soleimani in Baghdad." | "$ONOMA" normalize --style bgn)
want="Tehrān, Athína, Sankt-Peterburg and Qāsem Soleymānī; Soleymānī in Baghdād."
if [ "$got" = "$want" ]; then ok "--style bgn: Persian, Greek, Russian, Arabic forms"; else bad "--style bgn" "$got"; fi
got=$(echo "Тегеран" | "$ONOMA" normalize --cross-script --style bgn)
if [ "$got" = "Tehrān" ]; then ok "--style bgn: a native spelling"; else bad "--style bgn: a native spelling" "$got"; fi
cov=$("$ONOMA" tables | grep -E '^ *bgn' || true)
n=$(echo "$cov" | grep -oE '[0-9]+' | head -1)
if [ -n "$n" ] && [ "$n" -ge 1000 ]; then ok "onoma tables: bgn style with $n entities"; else bad "onoma tables: bgn coverage" "$cov"; fi

# --- 4. with the optional village tables (tables/names/optional/villages)
vil=("$SRC"/tables/names/optional/villages/*.tsv)
if [ -f "${vil[0]}" ]; then
    all=("$SRC"/tables/names/*.tsv)
    for f in "$SRC"/tables/names/*/*.tsv; do all+=("$f"); done
    if "$ONOMA" compile --quiet "${all[@]}" "${vil[@]}" -o "$TMP/all.onb" 2> "$TMP/err"; then
        ok "bundle + village tables compile cleanly"
        for f in "${vil[@]}"; do
            grep -v '^#' "$f" | awk -F'\t' 'NF >= 3 { sub(/^~/, "", $3); print $3 }'
        done | sort -u > "$TMP/vcanon"
        "$ONOMA" normalize --no-default-tables --table "$TMP/all.onb" "$TMP/canon" "$TMP/vcanon" > "$TMP/vout"
        cat "$TMP/canon" "$TMP/vcanon" > "$TMP/vin"
        n=$(paste "$TMP/vin" "$TMP/vout" | awk -F'\t' '$1 != $2' | wc -l)
        paste "$TMP/vin" "$TMP/vout" | awk -F'\t' '$1 != $2 { print "  changed: " $1 " -> " $2 }' | head -10
        if [ "$n" -eq 0 ]; then ok "with villages: all $(wc -l < "$TMP/vin") canonical forms normalize to themselves"
        else bad "with villages: identity" "$n changed"; fi
        "$ONOMA" normalize --no-default-tables --table "$TMP/all.onb" "$TMP/sent" > "$TMP/vsent"
        diff "$TMP/sent" "$TMP/vsent" | grep '^[<>]' | head -10
        if cmp -s "$TMP/sent" "$TMP/vsent"; then ok "with villages: common English sentences unchanged"
        else bad "with villages: common English sentences"; fi
    else
        bad "bundle + village tables compile" "$(head -c 500 "$TMP/err")"
    fi
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
