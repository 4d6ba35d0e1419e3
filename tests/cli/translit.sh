#!/usr/bin/env bash
# End-to-end checks of onoma translit and of --from-encoding (every
# subcommand). Encoded fixtures are made here with iconv from UTF-8 text.
#   translit.sh ONOMA_BINARY TEST_DATA_DIR SOURCE_DIR
# Prints one line per check and "N passed, M failed" last.
set -u
ONOMA=$1
DATA=$2
SRC=$3
TMP=$(mktemp -d /tmp/onoma-cli-tl-XXXXXX)
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
# same NAME WANT COMMAND...: stdout of the command must be WANT
same() {
    local name=$1 want=$2; shift 2
    local got
    got=$("$@" 2> "$TMP/err")
    if [ "$got" = "$want" ]; then ok "$name"; else bad "$name" "got '$got', want '$want'"; fi
}
tl() { "$ONOMA" translit "$@"; }

# --- help, usage, list
status "translit --help" 0 "$ONOMA" translit --help
check "help text" contains "$TMP/out" "Usage: onoma translit"
check "main help lists translit" bash -c "'$ONOMA' --help | grep -q translit"
status "unknown option" 2 "$ONOMA" translit --frobnicate
status "unknown scheme: usage error" 2 "$ONOMA" translit --scheme nosuch < /dev/null
check "unknown scheme named" contains "$TMP/err" "nosuch"
status "scheme without the language: usage error" 2 "$ONOMA" translit --scheme alalc --lang bg < /dev/null
status "unknown language: usage error" 2 "$ONOMA" translit --lang xx < /dev/null
status "bad --jobs" 2 "$ONOMA" translit --jobs 0 < /dev/null
status "bad --invalid" 2 "$ONOMA" translit --invalid=maybe < /dev/null
status "--list" 0 "$ONOMA" translit --list
for id in bgnpcgn-ara-Arab-Latn-1956 bgnpcgn-per-Arab-Latn-1958 bgnpcgn-prs-Arab-Latn-2007 bgnpcgn-pus-Arab-Latn-1968 \
          bgnpcgn-urd-Arab-Latn-2007 alalc-ara-Arab-Latn-1997 alalc-fas-Arab-Latn-1997 iso-ara-Arab-Latn-233-2-1993 \
          din-ara-Arab-Latn-31635-2011 ijmes-ara-Arab-Latn un-urd-Arab-Latn-1972 bgnpcgn-heb-Hebr-Latn-1962 \
          bgnpcgn-rus-Cyrl-Latn-1947 alalc-rus-Cyrl-Latn-2012 gost-rus-Cyrl-Latn-7.79-2000-2002 \
          bgnpcgn-ukr-Cyrl-Latn-2019 ua-ukr-Cyrl-Latn-2010 alalc-ukr-Cyrl-Latn-1997 bgnpcgn-bel-Cyrl-Latn-1979 \
          bgnpcgn-bul-Cyrl-Latn-2013 un-bul-Cyrl-Latn-1977 iso-Cyrl-Latn-9-1995 bgnpcgn-ell-Grek-Latn-1996 \
          elot-ell-Grek-Latn-743-1982-tl alalc-ell-Grek-Latn-2010; do
    check "--list shows $id" contains "$TMP/out" "^$id "
done
check "--list shows sources" contains "$TMP/out" "source: .*ROMANIZATION_OF_PERSIAN"

# --- schemes, by short name and id, from the build tree without environment
same "Persian BGN/PCGN" "Kūh-e Marghūb" tl --scheme bgnpcgn-per-Arab-Latn-1958 <<< "كُوهِ مَرغُوب"
same "short name with --lang" "Kūh-e Marghūb" tl --scheme bgn --lang fa <<< "كُوهِ مَرغُوب"
same "file stem" "Kūh-e Marghūb" tl --scheme fa-bgn <<< "كُوهِ مَرغُوب"
same "Ukrainian national" "Zghorany Kyiv" tl --scheme national --lang uk <<< "Згорани Київ"
same "Russian ALA-LC" "Shchukin" tl --scheme alalc --lang ru <<< "Щукин"
same "icu:ID" "Moskva" tl --scheme icu:Any-Latin <<< "Москва"
same "--icu ID" "Moskva" tl --icu Any-Latin <<< "Москва"
same "--lang auto, line by line" "$(printf 'Kyiv\nMoskva\nKtāb Pdr')" tl <<< "$(printf 'Київ\nМосква\nکتاب پدر')"
same "English text: other scripts still done" "Hello, Putin!" tl --lang en <<< "Hello, Путин!"
same "digits and ZWNJ" "1400 va Mīkhvāhm" tl --lang fa <<< "۱۴۰۰ و می‌خواهم"
same "Urdu letters" "Ṭren Ḍākṭr" tl --lang ur <<< "ٹرین ڈاکٹر"
same "--ascii" "'Abd Allah Qasem" tl --ascii --lang ar <<< "عبد الله Qāsem"
same "--any" "nino" tl --any <<< "ნინო"
same "other scripts stay without --any" "ნინო" tl <<< "ნინო"
printf 'a  b\r\n\tقاسم\n\nend' > "$TMP/ws.txt"
tl --lang fa "$TMP/ws.txt" > "$TMP/ws.out"
check "spacing, CRLF and the missing final newline kept" cmp -s "$TMP/ws.out" <(printf 'a  b\r\n\tQāsem\n\nend')
same "lexicon: short vowels of a frequent name" "Moḩammad Ḩoseyn" tl --lang fa <<< "محمد حسین"
same "--no-lexicon" "Mḩmd Ḩsīn" tl --lang fa --no-lexicon <<< "محمد حسین"

# --- a user's scheme file and ONOMA_TRANSLIT_PATH
mkdir -p "$TMP/schemes"
printf '# id: my-rus-Cyrl-Latn\n# short: mine\n# lang: ru\n# name: mine\n# source: test\n# license: CC0-1.0\nа > A ; [:Cyrillic:] > x ;\n' > "$TMP/schemes/mine.txt"
same "--scheme-file" "Axx" tl --scheme-file "$TMP/schemes/mine.txt" --scheme mine --lang ru <<< "абв"
same "ONOMA_TRANSLIT_PATH" "Axx" env ONOMA_TRANSLIT_PATH="$TMP/schemes" "$ONOMA" translit --scheme my-rus-Cyrl-Latn <<< "абв"
check "ONOMA_TRANSLIT_PATH: listed" bash -c "ONOMA_TRANSLIT_PATH='$TMP/schemes' '$ONOMA' translit --list | grep -q '^my-rus-Cyrl-Latn '"
printf '# id: broken-Cyrl-Latn\nа > ( ;\n' > "$TMP/broken.txt"
status "a broken scheme file: exit 1" 1 "$ONOMA" translit --scheme-file "$TMP/broken.txt" --scheme broken-Cyrl-Latn < /dev/null
check "broken scheme file named" contains "$TMP/err" "broken.txt"

# --- names
same "--names: canonical form of a known name" "Qasem Soleimani" tl --names --lang fa <<< "قاسم سلیمانی"
same "--names --style ap" "Qassem Soleimani" tl --names --style ap --lang fa <<< "قاسم سلیمانی"
status "--names with an unknown style: usage error" 2 "$ONOMA" translit --names --style nosuch < /dev/null

# --- --no-cache gives the same bytes, --jobs too
for f in "$DATA/fixtures/"*.txt; do cat "$f"; done > "$TMP/mixed.txt"
for l in fa ar ru uk el he; do
    cut -f1 "$DATA/translit/"*"$l"*.tsv 2> /dev/null | grep -v '^#' >> "$TMP/mixed.txt"
done
for i in 1 2 3 4 5 6 7 8; do cat "$TMP/mixed.txt"; done > "$TMP/big.txt"
tl < "$TMP/big.txt" > "$TMP/a.out"
tl --no-cache < "$TMP/big.txt" > "$TMP/b.out"
tl --jobs 3 < "$TMP/big.txt" > "$TMP/c.out"
check "words = whole lines" cmp -s "$TMP/a.out" "$TMP/b.out"
check "--jobs 3 = one thread" cmp -s "$TMP/a.out" "$TMP/c.out"
check "output has as many lines" test "$(wc -l < "$TMP/a.out")" -eq "$(wc -l < "$TMP/big.txt")"
# a line of 3 MB (cut at white space inside, the same way each time)
python3 -c 'import sys; sys.stdout.write(" ".join(["قاسم", "سلیمانی", "Москва", "x"] * 300000))' > "$TMP/long.txt"
tl < "$TMP/long.txt" > "$TMP/l1.out"
tl --jobs 2 < "$TMP/long.txt" > "$TMP/l2.out"
check "a 3 MB line: --jobs agrees" cmp -s "$TMP/l1.out" "$TMP/l2.out"
check "a 3 MB line: every word there" test "$(wc -w < "$TMP/l1.out")" -eq 1200000
# --from-encoding with --jobs
iconv -f UTF-8 -t UTF-16 "$TMP/big.txt" > "$TMP/big16.txt"
tl --jobs 2 --from-encoding UTF-16 "$TMP/big16.txt" > "$TMP/d.out"
check "--from-encoding UTF-16 with --jobs 2" cmp -s "$TMP/a.out" "$TMP/d.out"

# --- -o is atomic
printf 'ok\nbad \xff\n' > "$TMP/bad.txt"
echo "previous" > "$TMP/keep.out"
status "invalid UTF-8: exit 1" 1 "$ONOMA" translit -o "$TMP/keep.out" "$TMP/bad.txt"
check "invalid UTF-8: file, byte and line" contains "$TMP/err" "error: $TMP/bad.txt: invalid UTF-8 at byte 7 (line 2)"
check "invalid UTF-8: -o untouched" test "$(cat "$TMP/keep.out")" = "previous"
status "--invalid=replace" 0 "$ONOMA" translit --invalid=replace "$TMP/bad.txt"
check "--invalid=replace writes U+FFFD" cmp -s "$TMP/out" <(printf 'ok\nbad \xef\xbf\xbd\n')
status "--invalid=keep" 0 "$ONOMA" translit --invalid=keep "$TMP/bad.txt"
check "--invalid=keep passes the byte" cmp -s "$TMP/out" <(printf 'ok\nbad \xff\n')
status "write error" 1 "$ONOMA" translit -o /dev/full "$TMP/mixed.txt"

# --- encodings: fixtures made with iconv
fa='قاسم سليماني در تهران گفت که کتاب‌ها رسيد'
ar='قال الرئيس في المدينة المنورة'
ru='Выборы депутатов Государственной Думы и съезд'
uk='Київ, Львів і Ґалаґан'
el='Καλημέρα κόσμε, η Αθήνα'
he='שלום עולם, ירושלים'
enc_check() { # TEXT ENCODING [LANG]
    local text=$1 enc=$2 want
    printf '%s\n' "$text" | iconv -f UTF-8 -t "$enc" > "$TMP/enc.txt" || { bad "iconv cannot make $enc"; return; }
    want=$(printf '%s\n' "$text" | "$ONOMA" translit)
    same "translit --from-encoding $enc" "$want" "$ONOMA" translit --from-encoding "$enc" "$TMP/enc.txt"
}
enc_check "$fa" CP1256
enc_check "$ar" ISO-8859-6
enc_check "$ru" CP1251
enc_check "$ru" KOI8-R
enc_check "$uk" KOI8-U
enc_check "$ru" ISO-8859-5
enc_check "$el" ISO-8859-7
enc_check "$el" CP1253
enc_check "$he" ISO-8859-8
enc_check "$he" CP1255
enc_check "$fa" UTF-16
enc_check "$ru" UTF-16LE
enc_check "$ar" UTF-16BE
# a byte-order mark is recognised without the option, from a file or a pipe
printf '%s\n' "$ru" | iconv -f UTF-8 -t UTF-16 > "$TMP/bom16.txt"
same "UTF-16 with a BOM, no option" "$(printf '%s\n' "$ru" | tl)" tl "$TMP/bom16.txt"
same "UTF-16 with a BOM, from a pipe" "$(printf '%s\n' "$ru" | tl)" bash -c "cat '$TMP/bom16.txt' | '$ONOMA' translit"
printf '\xef\xbb\xbf%s\n' "$ru" > "$TMP/bom8.txt"
same "UTF-8 BOM dropped by translit" "$(printf '%s\n' "$ru" | tl)" tl "$TMP/bom8.txt"
# auto, with the confidence under --verbose
for i in $(seq 30); do printf '%s\n' "$ru"; done | iconv -f UTF-8 -t CP1251 > "$TMP/auto.txt"
status "--from-encoding auto" 0 "$ONOMA" translit --from-encoding auto --verbose "$TMP/auto.txt"
check "auto: decoded right" test "$(head -1 "$TMP/out")" = "$(printf '%s\n' "$ru" | tl)"
check "auto: --verbose reports encoding and confidence" contains "$TMP/err" "encoding windows-1251 (detected, confidence [0-9]*%)"
# an invalid byte for the encoding: its offset, exit 1; kept or replaced on request
printf 'ok\nab\xa1cd\n' > "$TMP/bad8.txt" # 0xA1 is no character of ISO-8859-8
status "invalid byte in the encoding: exit 1" 1 "$ONOMA" translit --from-encoding ISO-8859-8 "$TMP/bad8.txt"
check "invalid byte: offset and line" contains "$TMP/err" "error: $TMP/bad8.txt: invalid byte sequence for ISO-8859-8 at byte 5 (line 2)"
same "invalid byte replaced" "$(printf 'ok\nab\xef\xbf\xbdcd')" tl --from-encoding ISO-8859-8 --invalid=replace "$TMP/bad8.txt"
status "unknown encoding: exit 1" 1 "$ONOMA" translit --from-encoding NO-SUCH-CHARSET < /dev/null
check "unknown encoding named" contains "$TMP/err" "NO-SUCH-CHARSET"
# the other subcommands
printf 'SULEIMANI in Teheran\n' | iconv -f UTF-8 -t UTF-16 > "$TMP/n16.txt"
same "normalize: UTF-16 with a BOM" "SOLEIMANI in Tehran" "$ONOMA" normalize "$TMP/n16.txt"
printf 'Сулеймани\n' | iconv -f UTF-8 -t KOI8-R > "$TMP/koi.txt"
same "normalize --from-encoding KOI8-R" "$(printf 'Сулеймани\n' | "$ONOMA" normalize)" "$ONOMA" normalize --from-encoding KOI8-R "$TMP/koi.txt"
same "normalize --from-encoding with --jobs" "SOLEIMANI in Tehran" "$ONOMA" normalize --jobs 2 --from-encoding UTF-16 "$TMP/n16.txt"
status "normalize: invalid byte in the encoding" 1 "$ONOMA" normalize --from-encoding ISO-8859-8 "$TMP/bad8.txt"
check "normalize: offset reported" contains "$TMP/err" "at byte 5 (line 2)"
printf '\xef\xbb\xbfSuleimani\n' > "$TMP/n8.txt"
check "normalize keeps a UTF-8 BOM (every byte kept)" cmp -s <("$ONOMA" normalize "$TMP/n8.txt") <(printf '\xef\xbb\xbfSoleimani\n')
printf 'قاسم سلیمانی\n' | iconv -f UTF-8 -t UTF-16LE > "$TMP/l16.txt"
check "lookup --from-encoding" bash -c "'$ONOMA' lookup --from-encoding UTF-16LE < '$TMP/l16.txt' | grep -q 'Qasem Soleimani'"

# --- installed: the program finds its schemes (and lexicon, names models) without a variable
BUILD=$(dirname "$(dirname "$ONOMA")")
if [ -f "$BUILD/cmake_install.cmake" ] && cmake --install "$BUILD" --prefix "$TMP/prefix" > /dev/null 2>&1; then
    same "installed onoma translit" "Moskva Muḩammad" env -u ONOMA_TRANSLIT_PATH "$TMP/prefix/bin/onoma" translit <<< "Москва محمد"
    check "installed: schemes listed from share/onoma/translit" bash -c "'$TMP/prefix/bin/onoma' translit --list | grep -q 'file: $TMP/prefix/.*share/onoma/translit/fa-bgn.txt'"
else
    bad "cmake --install into a temporary prefix"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
