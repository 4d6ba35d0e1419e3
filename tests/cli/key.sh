#!/usr/bin/env bash
# End-to-end checks of onoma key, match, cluster and normalize --fuzzy.
#   key.sh ONOMA_BINARY TEST_DATA_DIR SOURCE_DIR
# Prints one line per check and "N passed, M failed" last; fails when any
# check failed or when none ran.
set -u
ONOMA=$1
DATA=$2
SRC=$3
FIX=$DATA/fixtures
TMP=$(mktemp -d /tmp/onoma-cli-key-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1${2:+: $2}"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
status() {
    local name=$1 want=$2; shift 2
    "$@" > "$TMP/out" 2> "$TMP/err"
    local got=$?
    if [ "$got" -eq "$want" ]; then ok "$name"; else bad "$name" "exit $got, want $want; stderr: $(head -c 300 "$TMP/err")"; fi
}
contains() { grep -q -- "$2" "$1"; }
same_lines() { test "$(sed -n "$2p" "$1")" = "$(sed -n "$3p" "$1")"; }

# --- help and usage
for sub in key match cluster; do
    status "$sub --help" 0 "$ONOMA" "$sub" --help
    check "$sub --help text" contains "$TMP/out" "Usage: onoma $sub"
done
status "normalize --help names --fuzzy" 0 "$ONOMA" normalize --help
check "--fuzzy documented" contains "$TMP/out" "--fuzzy"
status "key: unknown option" 2 "$ONOMA" key --frobnicate
status "key: unknown language" 2 "$ONOMA" key --lang xx
check "key: the languages are listed" contains "$TMP/err" "fa"
status "match: one name" 2 "$ONOMA" match Qasem
status "match: names and --pairs" 2 "$ONOMA" match --pairs - a b
status "match: bad threshold" 2 "$ONOMA" match --threshold 2 a b
status "cluster: bad format" 2 "$ONOMA" cluster --format xml
status "cluster: bad --min-count" 2 "$ONOMA" cluster --min-count 0

# --- onoma key: one key a line, in order, empty lines kept
printf 'Qasem Soleimani\n\nGhassem Solaimani\r\nقاسم سلیمانی\nКасем Сулеймани\nAli Shamkhani\nSoleimani, Qasem' > "$TMP/names"
status "key: runs" 0 "$ONOMA" key "$TMP/names"
check "key: one line out per line in" test "$(wc -l < "$TMP/out")" -eq 7
check "key: empty line, empty key" test -z "$(sed -n 2p "$TMP/out")"
check "key: spellings meet" same_lines "$TMP/out" 1 3
check "key: Persian script meets Latin" same_lines "$TMP/out" 1 4
check "key: Cyrillic meets Latin" same_lines "$TMP/out" 1 5
check "key: token order ignored" same_lines "$TMP/out" 1 7
check "key: other names apart" test "$(sed -n 1p "$TMP/out")" != "$(sed -n 6p "$TMP/out")"
status "key --ordered" 0 "$ONOMA" key --ordered "$TMP/names"
check "key --ordered: order kept" test "$(sed -n 1p "$TMP/out")" != "$(sed -n 7p "$TMP/out")"
"$ONOMA" key < "$TMP/names" > "$TMP/stdin.out"
"$ONOMA" key "$TMP/names" > "$TMP/file.out"
check "key: stdin and file alike" cmp -s "$TMP/stdin.out" "$TMP/file.out"
status "key -o" 0 "$ONOMA" key -o "$TMP/keys.txt" "$TMP/names"
check "key -o writes the file" cmp -s "$TMP/keys.txt" "$TMP/file.out"
printf 'Qasem\nQa\xffsem\n' > "$TMP/bad"
status "key: invalid UTF-8 is an error" 1 "$ONOMA" key "$TMP/bad"
check "key: the error names file and line" contains "$TMP/err" "bad:2:"
status "key: missing file" 1 "$ONOMA" key "$TMP/nonexistent"
mkdir "$TMP/rules"
printf '# name: r\n# source: test\n# license: CC0-1.0\nphase p\na > b > c\n' > "$TMP/rules/r.txt"
status "key: a bad rule file" 1 "$ONOMA" key --rules "$TMP/rules" < /dev/null
check "key: the rule error names file and line" contains "$TMP/err" "r.txt:5"
printf '# name: r\n# source: test\n# license: CC0-1.0\nphase p\nph > f\n' > "$TMP/rules/r.txt"
status "key: rules of one's own" 0 "$ONOMA" key --rules "$TMP/rules" <<< "Philip"
check "key: own rules used" test "$(cat "$TMP/out")" = "filip"

# --- onoma match
status "match: same" 0 "$ONOMA" match "Sergey Viktorovich Lavrov" "Sergei Lavrov"
check "match: score and verdict" grep -qE '^0\.9[0-9]{3}	same$' "$TMP/out"
status "match: different" 0 "$ONOMA" match Hassan Hossein
check "match: different verdict" grep -qE '^0\.[0-9]{4}	different$' "$TMP/out"
status "match --explain" 0 "$ONOMA" match --explain "Sergey Viktorovich Lavrov" "Sergei Lavrov"
check "match --explain: the dropped patronymic" contains "$TMP/out" "viktorovich .* unmatched"
printf 'Qassem Soleimani\tQasim Suleimani\nHassan\tHossein\nقاسم سلیمانی\tQasem Soleimani\textra field\n' > "$TMP/pairs"
status "match --pairs" 0 "$ONOMA" match --pairs "$TMP/pairs"
check "match --pairs: one line a pair" test "$(wc -l < "$TMP/out")" -eq 3
check "match --pairs: verdicts in order" test "$(cut -f2 "$TMP/out" | tr '\n' ' ')" = "same different same "
"$ONOMA" match --pairs - < "$TMP/pairs" > "$TMP/pairs.stdin"
check "match --pairs -: stdin" cmp -s "$TMP/out" "$TMP/pairs.stdin"
status "match --threshold" 0 "$ONOMA" match --threshold 0.5 --pairs "$TMP/pairs"
check "match --threshold: decides" test "$(cut -f2 "$TMP/out" | tr '\n' ' ')" = "same same same "
printf 'Qasem\tQasim\nno tab here\n' > "$TMP/badpairs"
status "match --pairs: a line without a tab" 1 "$ONOMA" match --pairs "$TMP/badpairs"
check "match --pairs: error names the line" contains "$TMP/err" "badpairs:2:"
status "match --pairs --explain" 0 "$ONOMA" match --explain --pairs "$TMP/pairs"
check "match --pairs --explain: result lines stay parseable" test "$(grep -vc '^#' "$TMP/out")" -eq 3

# --- onoma cluster on the variants fixture and the original
{ cat "$FIX/mehr-soleimani-revenge.variants.txt"; echo; cat "$FIX/mehr-soleimani-revenge.txt"; echo; } > "$TMP/both.txt"
status "cluster" 0 "$ONOMA" cluster "$TMP/both.txt"
check "cluster: the Soleimani group" grep -qE '^ +[0-9]+  Sulaimani	' "$TMP/out"
check "cluster: the al-Muhandis group" grep -qE '^ +1  al-Mohandis	' "$TMP/out"
check "cluster: the Ain al-Asad group" grep -qE '^ +1  Ayn al-Asad	' "$TMP/out"
check "cluster: contexts name file and line" contains "$TMP/out" "both.txt:[12]: "
status "cluster --format json" 0 "$ONOMA" cluster --format json "$TMP/both.txt"
check "cluster json: valid, groups of 2+" python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert rows and all(len(r["spellings"]) >= 2 and r["mentions"] == sum(s["count"] for s in r["spellings"]) for r in rows)
assert any({"al-Muhandis", "al-Mohandis"} <= {s["text"] for s in r["spellings"]} for r in rows)
' "$TMP/out"
status "cluster --format tsv" 0 "$ONOMA" cluster --format tsv --min-count 4 "$TMP/both.txt"
check "cluster tsv: header and 8 fields" awk -F'\t' 'NR == 1 && $1 != "group" {exit 1} NF != 8 {exit 1}' "$TMP/out"
check "cluster --min-count: small groups left out" test "$(cut -f5 "$TMP/out" | grep -c 'Abu Mahdi')" -eq 0
status "cluster --emit-table" 0 "$ONOMA" cluster --emit-table "$TMP/draft.tsv" "$TMP/both.txt"
status "cluster: the draft table compiles" 0 "$ONOMA" compile --check "$TMP/draft.tsv"
echo "Sulaimani met al-Mohandis at Ayn al-Asad." > "$TMP/s.txt"
status "cluster: the draft table normalizes" 0 "$ONOMA" normalize --no-default-tables --table "$TMP/draft.tsv" "$TMP/s.txt"
check "cluster: draft table rewrites to the most frequent spelling" \
    test "$(cat "$TMP/out")" = "Soleimani met al-Muhandis at Ain al-Assad."
status "cluster: stdin" 0 "$ONOMA" cluster < "$TMP/both.txt"

# --- normalize --fuzzy
"$ONOMA" normalize "$FIX/mehr-soleimani-revenge.variants.txt" > "$TMP/plain.out"
status "normalize --fuzzy on the fixture" 0 "$ONOMA" normalize --fuzzy --report "$TMP/rep.jsonl" "$FIX/mehr-soleimani-revenge.variants.txt"
check "--fuzzy: the fixture as without it" cmp -s "$TMP/out" "$TMP/plain.out"
n_said_in=$(grep -o -w said "$FIX/mehr-soleimani-revenge.variants.txt" | wc -l)
check "--fuzzy: every 'said' stays ($n_said_in)" test "$(grep -o -w said "$TMP/out" | wc -l)" -eq "$n_said_in"
echo "They met Ghassem Solaymani and al-Mohandiss. Said the man: Solaymani spoke." > "$TMP/f.txt"
status "normalize --fuzzy" 0 "$ONOMA" normalize --fuzzy --report "$TMP/rep.jsonl" "$TMP/f.txt"
check "--fuzzy: unseen spellings rewritten" \
    test "$(cat "$TMP/out")" = "They met Qasem Soleimani and al-Muhandis. Said the man: Solaymani spoke."
check "--fuzzy: --report marks them" python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [r["kind"] for r in rows] == ["fuzzy", "fuzzy"], rows
assert rows[0]["from"] == "Ghassem Solaymani" and rows[0]["to"] == "Qasem Soleimani" and 0.86 <= rows[0]["score"] <= 1
' "$TMP/rep.jsonl"
status "normalize without --fuzzy" 0 "$ONOMA" normalize "$TMP/f.txt"
check "without --fuzzy: unchanged" cmp -s "$TMP/out" "$TMP/f.txt"
for i in $(seq 3000); do cat "$TMP/f.txt"; done > "$TMP/many.txt"
"$ONOMA" normalize --fuzzy "$TMP/many.txt" > "$TMP/j1"
"$ONOMA" normalize --fuzzy --jobs 2 "$TMP/many.txt" > "$TMP/j2"
check "--fuzzy --jobs 2: same output" cmp -s "$TMP/j1" "$TMP/j2"

# --- other encodings, for key, match and cluster
want=$(printf 'Qassem Soleimani\nСулеймани\n' | "$ONOMA" key)
check "key: UTF-16 with a byte-order mark" test "$(printf 'Qassem Soleimani\nСулеймани\n' | iconv -t UTF-16 | "$ONOMA" key)" = "$want"
check "key: --from-encoding KOI8-R" test "$(printf 'Сулеймани\n' | iconv -t KOI8-R | "$ONOMA" key --from-encoding KOI8-R)" = "$(echo "$want" | tail -1)"
check "match: --from-encoding CP1256" test "$(printf 'قاسم سليماني\tQasem Soleimani\n' | iconv -t CP1256 | "$ONOMA" match --pairs - --from-encoding CP1256 | cut -f2)" = "same"
printf 'bad \xff\n' > "$TMP/bad.txt"
status "key: invalid UTF-8 is an error" 1 "$ONOMA" key "$TMP/bad.txt"
printf 'Soleimani met Suleimani.\n' | iconv -t ISO-8859-1 > "$TMP/l1.txt"
check "cluster: --from-encoding ISO-8859-1" test -n "$("$ONOMA" cluster --min-count 1 --from-encoding ISO-8859-1 "$TMP/l1.txt")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
