#!/usr/bin/env bash
# End-to-end checks of the onoma command line.
#   run.sh ONOMA_BINARY TEST_DATA_DIR SOURCE_DIR
# Prints one line per check and "N passed, M failed" last; fails when any
# check failed or when none ran.
set -u
ONOMA=$1
DATA=$2
SRC=$3
FIX=$DATA/fixtures
TMP=$(mktemp -d /tmp/onoma-cli-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1${2:+: $2}"; }
# check NAME COMMAND...: the command must succeed
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
# status NAME WANT COMMAND...: the command's exit status must be WANT
status() {
    local name=$1 want=$2; shift 2
    "$@" > "$TMP/out" 2> "$TMP/err"
    local got=$?
    if [ "$got" -eq "$want" ]; then ok "$name"; else bad "$name" "exit $got, want $want; stderr: $(head -c 300 "$TMP/err")"; fi
}
contains() { grep -q -- "$2" "$1"; }

# --- version, help, usage errors
status "--version" 0 "$ONOMA" --version
check "--version names the table format and ICU" grep -q "table format" "$TMP/out"
check "--version names Unicode" grep -q "Unicode" "$TMP/out"
for sub in normalize compile tables lookup; do
    status "$sub --help" 0 "$ONOMA" "$sub" --help
    check "$sub --help text" contains "$TMP/out" "Usage: onoma $sub"
done
status "no command" 2 "$ONOMA"
status "unknown command" 2 "$ONOMA" frobnicate
status "unknown option" 2 "$ONOMA" normalize --frobnicate
check "unknown option named" contains "$TMP/err" "frobnicate"
status "missing option value" 2 "$ONOMA" normalize --table
status "bad --invalid" 2 "$ONOMA" normalize --invalid=maybe
status "bad --jobs" 2 "$ONOMA" normalize --jobs 0
status "unknown style" 2 "$ONOMA" normalize --style nosuch < /dev/null

# --- the sample article
"$ONOMA" normalize "$FIX/mehr-soleimani-revenge.txt" > "$TMP/orig.out"
"$ONOMA" normalize < "$FIX/mehr-soleimani-revenge.variants.txt" > "$TMP/var.out"
check "fixtures give byte-identical output" cmp -s "$TMP/orig.out" "$TMP/var.out"
n_said_in=$(grep -o -w said "$FIX/mehr-soleimani-revenge.txt" | wc -l)
n_said_out=$(grep -o -w said "$TMP/orig.out" | wc -l)
check "every 'said' stays ($n_said_in)" test "$n_said_in" -eq "$n_said_out" -a "$n_said_in" -gt 5
check "no Saeed from said" test "$(grep -o Saeed "$TMP/var.out" | wc -l)" -eq "$(grep -o Saeed "$FIX/mehr-soleimani-revenge.txt" | wc -l)"
# word-level diff of the original: only name spellings change
tr ' ' '\n' < "$FIX/mehr-soleimani-revenge.txt" > "$TMP/w1"
tr ' ' '\n' < "$TMP/orig.out" > "$TMP/w2"
changed=$(diff "$TMP/w1" "$TMP/w2" | grep '^[<>]' | sort -u | tr '\n' ' ')
check "original: word count unchanged" test "$(wc -l < "$TMP/w1")" -eq "$(wc -l < "$TMP/w2")"
check "original: only names change ($changed)" test "$changed" = "< Qassem < al-Assad > Qasem > al-Asad "
for w in Suleimani Soleymani Sulaimani al-Mohandes al-Mohandis Shamkhany Khatib-Zadeh Masjidi Mobilisation Ayn; do
    check "variants: no '$w' left" test "$(grep -c -- "$w" "$TMP/var.out")" -eq 0
done
check "curly possessive kept" contains "$TMP/var.out" "General Soleimani’s blood"
check "no newline added at EOF" test "$(tail -c 1 "$TMP/var.out" | od -An -c | tr -d ' ')" = "."

# --- report
"$ONOMA" normalize --report "$TMP/rep.jsonl" < "$FIX/mehr-soleimani-revenge.variants.txt" > /dev/null
check "report: one line per rewrite" test "$(wc -l < "$TMP/rep.jsonl")" -eq 12
check "report: JSON with line, column, offset, from, to, id" python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert all({"line","column","offset","from","to","id","entity","kind"} <= r.keys() for r in rows)
text = open(sys.argv[2], "rb").read()
assert all(text[r["offset"]:r["offset"] + r["length"]].decode() == r["from"] for r in rows)
assert any(r["from"] == "Suleimani’s" or r["from"] == "Suleimani" for r in rows)
' "$TMP/rep.jsonl" "$FIX/mehr-soleimani-revenge.variants.txt"

# --- case, CRLF, empty input
printf 'SULEIMANI met Qasem Suleimani\r\nin Teheran\r\n' | "$ONOMA" normalize > "$TMP/crlf"
check "case pattern and CRLF kept" test "$(od -An -c "$TMP/crlf" | tr -d ' \n')" = "$(printf 'SOLEIMANI met Qasem Soleimani\r\nin Tehran\r\n' | od -An -c | tr -d ' \n')"
status "empty input" 0 "$ONOMA" normalize < /dev/null
check "empty output" test ! -s "$TMP/out"
printf 'x' | "$ONOMA" normalize > "$TMP/x"
check "one byte, no newline added" test "$(cat "$TMP/x")" = "x" -a "$(wc -c < "$TMP/x")" -eq 1

# --- bad input
printf 'Suleimani ok\nbad \xff here\n' > "$TMP/bad.txt"
echo "previous content" > "$TMP/keep.out"
status "invalid UTF-8: exit 1" 1 "$ONOMA" normalize -o "$TMP/keep.out" "$TMP/bad.txt"
check "invalid UTF-8: message with file, byte and line" contains "$TMP/err" "error: $TMP/bad.txt: invalid UTF-8 at byte 17 (line 2)"
check "invalid UTF-8: -o left untouched" test "$(cat "$TMP/keep.out")" = "previous content"
check "invalid UTF-8: no temporary file left" test -z "$(ls -A "$TMP" | grep onoma-)"
status "--invalid=keep" 0 "$ONOMA" normalize --invalid=keep "$TMP/bad.txt"
check "--invalid=keep passes the byte" cmp -s "$TMP/out" <(printf 'Soleimani ok\nbad \xff here\n')
status "--invalid=replace" 0 "$ONOMA" normalize --invalid=replace "$TMP/bad.txt"
check "--invalid=replace writes U+FFFD" cmp -s "$TMP/out" <(printf 'Soleimani ok\nbad \xef\xbf\xbd here\n')
printf 'a\0b Suleimani\n' > "$TMP/nul.txt"
status "NUL byte: exit 1" 1 "$ONOMA" normalize "$TMP/nul.txt"
check "NUL byte: message" contains "$TMP/err" "NUL byte at byte 1 (line 1)"
status "NUL byte kept on request" 0 "$ONOMA" normalize --invalid=keep "$TMP/nul.txt"
check "NUL byte kept" cmp -s "$TMP/out" <(printf 'a\0b Soleimani\n')
status "missing file" 1 "$ONOMA" normalize "$TMP/nonexistent.txt"
check "missing file named" contains "$TMP/err" "nonexistent.txt: cannot open"
status "a directory as input" 1 "$ONOMA" normalize "$TMP"
status "write error (-o /dev/full)" 1 "$ONOMA" normalize -o /dev/full "$FIX/mehr-soleimani-revenge.txt"
check "write error reported" contains "$TMP/err" "write error"
if [ -w /dev/full ]; then
    "$ONOMA" normalize "$FIX/mehr-soleimani-revenge.txt" > /dev/full 2> "$TMP/err"
    got=$?
    check "full disk on stdout: exit 1" test "$got" -eq 1
fi

# --- tables
printf '# name: bad\n# source: t\n# license: CC0-1.0\nQ1\tperson\tAli\tAly\nQ2\tperson\tAlly\tAly\nQ3\tperson\n' > "$TMP/bad.tsv"
status "compile --check of a bad table" 1 "$ONOMA" compile --check "$TMP/bad.tsv"
check "compile errors as FILE:LINE: error:" contains "$TMP/err" "$TMP/bad.tsv:5: error:"
check "compile lists every error" contains "$TMP/err" "$TMP/bad.tsv:6: error: malformed line"
status "normalize with a bad table" 1 "$ONOMA" normalize --table "$TMP/bad.tsv" < /dev/null
printf '# name: mine\n# source: t\n# license: CC0-1.0\nX1\tperson\tJohn Smyth\tJon Smith|Jonn Smith\n' > "$TMP/mine.tsv"
status "compile" 0 "$ONOMA" compile "$TMP/mine.tsv" -o "$TMP/mine.onb"
check "compiled table is used" test "$(echo 'Jon Smith met Suleimani' | "$ONOMA" normalize --table "$TMP/mine.onb")" = "John Smyth met Soleimani"
status "compile --no-key-index" 0 "$ONOMA" compile --quiet --no-key-index "$TMP/mine.tsv" -o "$TMP/mine-nk.onb"
check "--no-key-index: a smaller table" test "$(stat -c %s "$TMP/mine-nk.onb")" -lt "$(stat -c %s "$TMP/mine.onb")"
check "--no-key-index: --fuzzy gives the same output" test \
    "$(echo 'Jon Smith met Suleymani' | "$ONOMA" normalize --fuzzy --table "$TMP/mine-nk.onb")" = \
    "$(echo 'Jon Smith met Suleymani' | "$ONOMA" normalize --fuzzy --table "$TMP/mine.onb")"
check "--no-default-tables" test "$(echo 'Jon Smith met Suleimani' | "$ONOMA" normalize --no-default-tables --table "$TMP/mine.tsv")" = "John Smyth met Suleimani"
check "ONOMA_TABLES adds tables" test "$(echo 'Jonn Smith' | ONOMA_TABLES="$TMP/mine.tsv" "$ONOMA" normalize)" = "John Smyth"
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[8] = 7; open(sys.argv[2], "wb").write(b)' "$TMP/mine.onb" "$TMP/old.onb"
status "compiled table of another version refused" 1 "$ONOMA" normalize --table "$TMP/old.onb" < /dev/null
check "refusal names the version" contains "$TMP/err" "format version 7"
status "tables" 0 "$ONOMA" tables --table "$TMP/mine.tsv"
check "tables lists entries and styles" contains "$TMP/out" "mine"
check "tables lists the ap style" grep -q "^ap " "$TMP/out"
status "tables --format json" 0 "$ONOMA" tables --format json
check "tables json parses" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["tables"] and d["styles"][0]["name"]=="default"' "$TMP/out"

status "tables lists the optional tables" 0 "$ONOMA" tables
check "the village table is offered" grep -q "^villages" "$TMP/out"
check "--table villages loads it by name" test "$(echo 'Bandar-e Torkaman' | "$ONOMA" normalize --table villages)" = "Bandar Torkaman"

# --- lookup
status "lookup: all found" 0 "$ONOMA" lookup Suleimani "Qassem Soleimani"
check "lookup: canonical and entity" contains "$TMP/out" "^Suleimani	.*	person	Soleimani	Qasem Soleimani	exact"
status "lookup: one not found" 1 "$ONOMA" lookup Suleimani Nobodyatall
printf 'SULEIMANI\nقاسم سلیمانی\n' | "$ONOMA" lookup --format json > "$TMP/lk.json"
check "lookup: names on stdin, json" python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert len(rows) == 2 and rows[0]["matches"][0]["match"] == "folded"
assert rows[1]["matches"][0]["canonical"] == "Qasem Soleimani"' "$TMP/lk.json"

# --- --jobs: same bytes as one thread
python3 - "$FIX/mehr-soleimani-revenge.variants.txt" "$TMP/big.txt" <<'EOF'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
with open(sys.argv[2], "w", encoding="utf-8", newline="") as f:
    for i in range(3000):
        f.write(text[(i * 37) % 500:] + ("\r\n" if i % 3 else "\n"))
EOF
"$ONOMA" normalize --jobs 1 --report "$TMP/r1" < "$TMP/big.txt" > "$TMP/j1"
"$ONOMA" normalize --jobs 3 --report "$TMP/r3" < "$TMP/big.txt" > "$TMP/j3"
check "--jobs 3 output equals --jobs 1" cmp -s "$TMP/j1" "$TMP/j3"
check "--jobs 3 report equals --jobs 1" cmp -s "$TMP/r1" "$TMP/r3"

# --- a 200 MB line without a newline: memory stays bounded
if [ -x /usr/bin/time ] && [ -z "${ONOMA_SANITIZED:-}" ]; then
    python3 -c '
import sys
chunk = ("Qasem Suleimani and al-Mohandes met in Teheran, " * 20000).encode()
out = sys.stdout.buffer
for _ in range(200_000_000 // len(chunk)):
    out.write(chunk)' | /usr/bin/time -f '%M' "$ONOMA" normalize 2> "$TMP/rss" | wc -c > "$TMP/bytes"
    rss_kb=$(tail -1 "$TMP/rss")
    echo "     200 MB line: peak RSS ${rss_kb} KB"
    check "200 MB line: RSS under 100 MB (${rss_kb} KB)" test "$rss_kb" -lt 102400
    check "200 MB line: all output written" test "$(cat "$TMP/bytes")" -gt 190000000
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
