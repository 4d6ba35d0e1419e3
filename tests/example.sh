#!/usr/bin/env bash
# Install onoma into a temporary prefix, then build and run examples/ against
# it twice: with pkg-config (onoma.pc) and with find_package(onoma).
#   example.sh BUILD_DIR SOURCE_DIR
set -eu
BUILD=$1
SRC=$2
TMP=$(mktemp -d /tmp/onoma-example-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
cmake --install "$BUILD" --prefix "$TMP/prefix" > /dev/null
export PKG_CONFIG_PATH="$TMP/prefix/lib/pkgconfig:$TMP/prefix/$(cd "$TMP/prefix" && ls -d lib/*/pkgconfig 2>/dev/null | head -1)"
export LD_LIBRARY_PATH="$TMP/prefix/lib:$(ls -d "$TMP"/prefix/lib/*-linux-gnu 2>/dev/null | head -1)"
cc -std=c11 -Wall -Werror "$SRC/examples/normalize_text.c" $(pkg-config --cflags --libs onoma) -o "$TMP/ex_pc"
out=$(echo "Qassem Suleimani visited Teheran" | "$TMP/ex_pc" 2> "$TMP/report")
want="Gen. Qasem Soleimani and Abu Mahdi al-Muhandis
Qasem Soleimani visited Tehran"
[ "$out" = "$want" ] || { echo "pkg-config build: unexpected output: $out"; exit 1; }
grep -q "'Teheran' -> 'Tehran'" "$TMP/report" || { echo "no report on stderr"; exit 1; }
echo "ok   pkg-config build runs"
cmake -S "$SRC/examples" -B "$TMP/b" -DCMAKE_PREFIX_PATH="$TMP/prefix" > /dev/null
cmake --build "$TMP/b" > /dev/null
out=$(echo "Qassem Suleimani visited Teheran" | "$TMP/b/normalize_text" 2> /dev/null)
[ "$out" = "$want" ] || { echo "find_package build: unexpected output: $out"; exit 1; }
echo "ok   find_package(onoma) build runs"
# the installed program finds the installed tables without any variable
out=$(echo "Suleimani" | "$TMP/prefix/bin/onoma" normalize)
[ "$out" = "Soleimani" ] || { echo "installed onoma: $out"; exit 1; }
echo "ok   installed onoma finds its tables"
echo "3 passed, 0 failed"
