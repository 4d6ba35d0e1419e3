#!/bin/sh
# Check that the C module (through tools/keys/keytool.c) and the Python
# prototype (tools/keys/onomakey.py) give identical keys and match lines,
# on the small cases in tests/data/keys and, if given, on the names and
# pairs of a names-dev directory.
#
#   tools/keys/check-c.sh [NAMES_DEV_DIR]
#
# Needs cc, pkg-config with ICU, and /usr/bin/python3 with python3-icu.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dev=${1:-}
py=${PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

cc -O2 -std=c11 -Wall -Wextra -o "$tmp/keytool" "$here/keytool.c" "$root"/src/key/*.c \
    $(pkg-config --cflags --libs icu-uc icu-i18n)
kt="$tmp/keytool --rules $root/tables/keys"
pk="$py $here/onomakey.py --rules $root/tables/keys"
fail=0

same() { # label file-c file-py
    if cmp -s "$2" "$3"; then
        echo "ok: $1 ($(wc -l <"$2") lines identical)"
    else
        echo "DIFFERENT: $1"
        diff "$2" "$3" | head -20
        fail=1
    fi
}

# expected keys and verdicts of the test cases
cut -f1 "$root/tests/data/keys/keys.tsv" | grep -v '^#' >"$tmp/names"
grep -v '^#' "$root/tests/data/keys/keys.tsv" | cut -f2 >"$tmp/want"
$kt key <"$tmp/names" >"$tmp/c"
$pk key <"$tmp/names" >"$tmp/p"
same "tests/data/keys/keys.tsv, C vs Python" "$tmp/c" "$tmp/p"
same "tests/data/keys/keys.tsv, C vs expected" "$tmp/c" "$tmp/want"
grep -v '^#' "$root/tests/data/keys/match.tsv" | cut -f1,2 >"$tmp/pairs"
grep -v '^#' "$root/tests/data/keys/match.tsv" | cut -f3 >"$tmp/want"
$kt match --pairs - <"$tmp/pairs" >"$tmp/c"
$pk match --pairs - <"$tmp/pairs" >"$tmp/p"
same "tests/data/keys/match.tsv, C vs Python" "$tmp/c" "$tmp/p"
cut -f2 "$tmp/c" >"$tmp/cv"
same "tests/data/keys/match.tsv, C vs expected" "$tmp/cv" "$tmp/want"

# pairs of spellings that must (not) share a key
grep -v '^#' "$root/tests/data/keys/same-key.tsv" >"$tmp/sk"
cut -f1 "$tmp/sk" | $kt key >"$tmp/k1"
cut -f2 "$tmp/sk" | $kt key >"$tmp/k2"
paste "$tmp/k1" "$tmp/k2" | awk -F'\t' '{print ($1 == $2 && $1 != "") ? "same" : "different"}' >"$tmp/c"
cut -f3 "$tmp/sk" >"$tmp/want"
same "tests/data/keys/same-key.tsv, C vs expected" "$tmp/c" "$tmp/want"

if [ -n "$dev" ]; then
    # every name of the dev set, Latin and native script
    { tail -n +2 "$dev/groups.tsv" | cut -f4; tail -n +2 "$dev/native.tsv" | cut -f3; } \
        | sort -u >"$tmp/devnames"
    $kt key <"$tmp/devnames" >"$tmp/c"
    $pk key <"$tmp/devnames" >"$tmp/p"
    same "dev names, keys" "$tmp/c" "$tmp/p"
    for lang in ar ru tr el; do
        $kt --lang $lang key <"$tmp/devnames" >"$tmp/c"
        $pk --lang $lang key <"$tmp/devnames" >"$tmp/p"
        same "dev names, keys, --lang $lang" "$tmp/c" "$tmp/p"
    done
    $kt key --ordered <"$tmp/devnames" >"$tmp/c"
    $pk --ordered key <"$tmp/devnames" >"$tmp/p"
    same "dev names, keys, --ordered" "$tmp/c" "$tmp/p"
    # the scorer's pairs (default sample and seed)
    $py "$here/devpairs.py" "$dev" | cut -f3,4 >"$tmp/devpairs"
    $kt match --pairs - <"$tmp/devpairs" >"$tmp/c"
    $pk match --pairs - <"$tmp/devpairs" >"$tmp/p"
    same "dev pairs, match" "$tmp/c" "$tmp/p"
    $kt match --explain --pairs - <"$tmp/pairs" >"$tmp/c"
    $pk match --explain --pairs - <"$tmp/pairs" >"$tmp/p"
    same "test pairs, match --explain" "$tmp/c" "$tmp/p"
fi
exit $fail
