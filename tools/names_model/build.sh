#!/bin/sh
# Rebuild tables/translit/names/{ar,he,ru}.model and latin-names.txt from the source data
# (deterministic but for the version date).  fa.model and uk.model are written by hand.
#
# usage: tools/names_model/build.sh NETRANSLIT_DATA GOOGLE_DIR DEV_TSV NATIVE_TSV [WORK]
#
#   NETRANSLIT_DATA  folder with wd_arabic.normalized.aligned.tokens,
#                    wd_hebrew.normalized.aligned.tokens, wd_russian_80, wd_russian_20 from
#                    steveash/NETransliteration-COLING2018 @ 5d5f59e561ecea45a6d3602121e1049baa7a76c3
#                    (data/, CC0-1.0), e.g. extracted with
#                    git --git-dir=SNAPSHOT show HEAD:data/wd_russian_80 > DIR/wd_russian_80
#   GOOGLE_DIR       folder with ar2en.txt from google/transliteration
#                    @ b2265a6494f4db49458fd79d586287f1fbbcf2f4 (Apache-2.0)
#   DEV_TSV          shared/data/translit/names-dev.tsv  (its native tokens are EXCLUDED)
#   NATIVE_TSV       shared/data/names-dev/native.tsv    (its native tokens are EXCLUDED)
#                    ('-' for either: no exclusion, e.g. for a release build after evaluation)
#   WORK             scratch folder (default /tmp/names_model_build)
#
# Run from the repository root.  Takes about 5 minutes on one core.
set -eu
NT=$1; GG=$2; DEV=$3; NAT=$4; WORK=${5:-/tmp/names_model_build}
HERE=tools/names_model
OUT=tables/translit/names
PY=${PYTHON:-python3}
mkdir -p "$WORK" "$OUT"
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Isrc/translit -o "$WORK/nmtest" \
   $HERE/nmtest.c src/translit/names_model.c $(pkg-config --cflags --libs icu-uc) -lm
EXCL=""
[ "$DEV" != - ] && EXCL="$EXCL --exclude $DEV"
[ "$NAT" != - ] && EXCL="$EXCL --exclude $NAT"
$PY $HERE/prep.py --netranslit "$NT" --google "$GG" $EXCL --out "$WORK/pairs"

header() {
  printf '# name: names-%s\n# version: %s\n' "$1" "$(date -u +%Y-%m-%d)"
  case $1 in
  ar) printf '# source: google/transliteration @ b2265a6494f4db49458fd79d586287f1fbbcf2f4 ar2en.txt (Arabic-English name pairs)\n# license: Apache-2.0\n'
      printf '# source: steveash/NETransliteration-COLING2018 @ 5d5f59e561ecea45a6d3602121e1049baa7a76c3 data/wd_arabic.normalized.aligned.tokens (Wikidata)\n# license: CC0-1.0\n' ;;
  he) printf '# source: steveash/NETransliteration-COLING2018 @ 5d5f59e561ecea45a6d3602121e1049baa7a76c3 data/wd_hebrew.normalized.aligned.tokens (Wikidata)\n# license: CC0-1.0\n' ;;
  ru) printf '# source: steveash/NETransliteration-COLING2018 @ 5d5f59e561ecea45a6d3602121e1049baa7a76c3 data/wd_russian_80 + data/wd_russian_20 (Wikidata)\n# license: CC0-1.0\n' ;;
  esac
  printf '# note: joint-sequence (graphone) 5-gram model, interpolated Kneser-Ney, entropy-pruned; x = lexicon exceptions. Made by tools/names_model/build.sh; every native token of the onoma dev sets is excluded.\n'
}

# known Latin spellings (train splits of all three languages), shared by the models
$PY $HERE/vocab.py --out "$OUT/latin-names.txt" "$WORK/pairs/ar.pairs" "$WORK/pairs/he.pairs" \
    "$WORK/pairs/ru.pairs"

for L in ar he ru; do
  header $L > "$WORK/$L.header"
  MAXLAT=4; [ $L = ru ] && MAXLAT=3
  $PY $HERE/train.py --pairs "$WORK/pairs/$L.pairs" --lang $L --out "$OUT/$L.model" \
      --maxlat $MAXLAT --order 5 --cutoff 0 --prune 1e-5 --header "$WORK/$L.header"
  printf 'vocab\tlatin-names.txt\t0.5\n' >> "$OUT/$L.model"
  [ -f $HERE/extra-$L.txt ] && grep -v '^#' $HERE/extra-$L.txt >> "$OUT/$L.model"
  $PY $HERE/lexicon.py --pairs "$WORK/pairs/$L.pairs" --model "$OUT/$L.model" --nmtest "$WORK/nmtest"
  $PY $HERE/evalheld.py --pairs "$WORK/pairs/$L.pairs" --model "$OUT/$L.model" --nmtest "$WORK/nmtest"
done
ls -l $OUT
