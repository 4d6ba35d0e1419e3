#!/usr/bin/env bash
# onoma translit: speed against uconv, and the checks behind the fast path.
#
#   bench/translit.sh speed [ONOMA]   the shared harness (shared/bench/run --translit):
#                                     MB/s of `onoma translit --lang L` and of
#                                     `uconv -x Any-Latin` on the 100 MB fa, ar, ru corpora
#   bench/translit.sh check [ONOMA]   for every scheme: word-by-word output = whole lines
#                                     (--no-cache), and = the PyICU harness (Debian
#                                     python3-icu) on its test cases and running text
#   bench/translit.sh score [ONOMA]   the scorer on the standards, names and text sets
#
# ONOMA defaults to build/bin/onoma; SHARED to /work/shared (the shared data and bench).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
what=${1:-speed}
ONOMA=$(realpath "${2:-$ROOT/build/bin/onoma}")
SHARED=${SHARED:-/work/shared}
TMP=$(mktemp -d /tmp/onoma-bench-tl-XXXXXX)
trap 'rm -rf "$TMP"' EXIT

case $what in
speed)
    TOOL_TRANSLIT="$ONOMA translit --lang {lang}" "$SHARED/bench/run" --translit --repeat "${REPEAT:-2}"
    ;;
check)
    status=0
    for f in "$ROOT"/tables/translit/*.txt; do
        id=$(sed -n 's/^# id: *//p' "$f" | head -1)
        langs=$(sed -n 's/^# lang: *//p' "$f" | head -1)
        : > "$TMP/in"
        grep -v '^#' "$ROOT"/tests/data/translit/*"$id".tsv 2> /dev/null | cut -f1 | sed 's/^[^:]*://' >> "$TMP/in"
        for l in $langs; do
            case $l in prs | ps | ur) l=fa ;; be | bg | sr | mk) l=ru ;; esac
            [ -f "$SHARED/data/text/$l.txt" ] && cat "$SHARED/data/text/$l.txt" >> "$TMP/in"
            break
        done
        "$ONOMA" translit --scheme "$id" < "$TMP/in" > "$TMP/words"
        "$ONOMA" translit --scheme "$id" --no-cache < "$TMP/in" > "$TMP/lines"
        d1=$(diff "$TMP/words" "$TMP/lines" | grep -c '^<')
        d2=-
        if /usr/bin/python3 -c 'import icu' 2> /dev/null; then
            /usr/bin/python3 "$ROOT/tools/translit/cyrl_run_scheme.py" --scheme "$id" < "$TMP/in" > "$TMP/py"
            # PyICU runs the rule file alone: compare without the lexicon
            "$ONOMA" translit --scheme "$id" --no-cache --no-lexicon < "$TMP/in" > "$TMP/lines0"
            d2=$(diff "$TMP/lines0" "$TMP/py" | grep -c '^<')
        fi
        printf '%-40s lines %6d  words!=lines %4s  lines(no lexicon)!=pyicu %4s\n' "$id" "$(wc -l < "$TMP/in")" "$d1" "$d2"
    done
    echo "Lines that differ hold words of other scripts (Armenian, Japanese, an Arabic or Greek"
    echo "word in Russian text): a scheme's own fallback for them applies to whole lines (and in"
    echo "PyICU), while word by word they get their own script's scheme or are copied"
    echo "(docs/translit.md, 'Where the two ways differ by design')."
    exit $status
    ;;
score)
    cd "$SHARED/data/translit" || exit 2
    systems="bgnpcgn-ara-Arab-Latn-1956 bgnpcgn-per-Arab-Latn-1958 bgnpcgn-prs-Arab-Latn-2007
             bgnpcgn-pus-Arab-Latn-1968 bgnpcgn-urd-Arab-Latn-2007 alalc-ara-Arab-Latn-1997
             alalc-fas-Arab-Latn-1997 iso-ara-Arab-Latn-233-2-1993 un-urd-Arab-Latn-1972
             bgnpcgn-rus-Cyrl-Latn-1947 alalc-rus-Cyrl-Latn-2012 gost-rus-Cyrl-Latn-7.79-2000-2002
             bgnpcgn-ukr-Cyrl-Latn-2019 ua-ukr-Cyrl-Latn-2010 alalc-ukr-Cyrl-Latn-1997
             bgnpcgn-bel-Cyrl-Latn-1979 un-bul-Cyrl-Latn-1977 bgnpcgn-ell-Grek-Latn-1996
             elot-ell-Grek-Latn-743-1982-tl alalc-ell-Grek-Latn-2010"
    args=()
    for s in $systems; do args+=(--system "$s"); done
    python3 score.py --set standards "${args[@]}" --cmd "$ONOMA translit --scheme {system}"
    python3 score.py --set text --cmd "$ONOMA translit --lang {lang}"
    python3 score.py --set names --cmd "$ONOMA translit --names --lang {lang}"
    ;;
*)
    echo "usage: $0 speed|check|score [ONOMA]" >&2
    exit 2
    ;;
esac
