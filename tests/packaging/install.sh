#!/usr/bin/env bash
# `cmake --install` into a fresh prefix: every piece a user expects is there
# and works from there (the program, tables, man pages, completion, the
# Python package), and the Python package also installs with pip.
#   install.sh BUILD_DIR SOURCE_DIR PYTHON
set -eu
BUILD=$1 SRC=$2 PY=$3
TMP=$(mktemp -d /tmp/onoma-install-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
pass=0
ok() { echo "ok   $*"; pass=$((pass + 1)); }
fail() { echo "FAIL $*"; exit 1; }

P=$TMP/prefix
cmake --install "$BUILD" --prefix "$P" > "$TMP/install.log" || { cat "$TMP/install.log"; fail "cmake --install"; }
want="bin/onoma include/onoma.h lib/libonoma.so lib/libonoma.a lib/pkgconfig/onoma.pc
lib/cmake/onoma/onomaConfig.cmake lib/cmake/onoma/onomaTargets.cmake share/onoma/names.onb
share/man/man1/onoma.1.gz share/man/man3/onoma.3.gz share/bash-completion/completions/onoma"
for f in $want; do # lib/X may be lib/<multiarch>/X
    [ -e "$P/$f" ] || [ -n "$(find "$P/lib" -path "$P/lib/*/${f#lib/}" 2>/dev/null)" ] || fail "not installed: $f"
done
ok "installed: program, library, header, onoma.pc, CMake package, tables, man pages, completion"

"$P/bin/onoma" --version | grep -q "^onoma [0-9]" || fail "onoma --version"
[ "$(echo Suleimani | "$P/bin/onoma" normalize)" = Soleimani ] || fail "installed onoma normalize"
ok "installed onoma runs (--version, normalize with the installed tables)"

# man pages render: onoma(1) names every command, onoma(3) the API
if command -v man > /dev/null; then
    MANWIDTH=100 man -l "$P/share/man/man1/onoma.1.gz" 2> /dev/null | grep -q "onoma normalize" || fail "man onoma(1)"
    MANWIDTH=100 man -l "$P/share/man/man3/onoma.3.gz" 2> /dev/null | grep -q "onoma_tables_open" || fail "man onoma(3)"
    ok "man pages render"
fi

# completion, from the installed file, with the installed program
out=$(PATH="$P/bin:$PATH" bash -c 'source "$1"; COMP_WORDS=(onoma norm); COMP_CWORD=1; _onoma; echo "${COMPREPLY[*]}"' _ \
    "$P/share/bash-completion/completions/onoma")
[ "$out" = normalize ] || fail "completion: '$out'"
ok "bash completion completes commands"

# the Python package where cmake put it finds the installed library by itself
site=$(cd "$P" && ls -d lib/python3*/*-packages | head -1)
[ -n "$site" ] && [ -f "$P/$site/onoma/_install.py" ] || fail "no Python package under $P/lib"
out=$(env -u ONOMA_LIBRARY PYTHONPATH="$P/$site" "$PY" -c \
    'import onoma, os; print(onoma.normalize("Qassem Suleimani"), os.path.realpath(onoma.LIBRARY_PATH))')
[ "$out" = "Qasem Soleimani $(realpath "$P"/lib/libonoma.so.0* | head -1)" ] || fail "python from the prefix: $out"
ok "Python package from the prefix ($site) uses the installed library"

# pip: the package alone, from a copy of python/ (pip builds in the source folder)
cp -r "$SRC/python" "$TMP/src"
ONOMA_INCLUDE="$SRC/include" "$PY" -m pip install --quiet --no-build-isolation --no-deps --no-cache-dir \
    --target "$TMP/pip" "$TMP/src" > "$TMP/pip.log" 2>&1 || { cat "$TMP/pip.log"; fail "pip install ./python"; }
out=$(ONOMA_LIBRARY="$(ls "$P"/lib*/libonoma.so.0 "$P"/lib/*/libonoma.so.0 2>/dev/null | head -1)" PYTHONPATH="$TMP/pip" \
    "$PY" -c 'import onoma; print(onoma.normalize("Teheran"), onoma.__file__)')
case $out in "Tehran $TMP/pip/onoma/__init__.py") ;; *) fail "pip-installed package: $out" ;; esac
ok "pip install ./python works (with ONOMA_LIBRARY naming the library)"
echo "$pass passed, 0 failed"
