#!/usr/bin/env bash
# cpack -G DEB builds a Debian package; its file list holds what a user
# expects, and the program and the Python package run from it (unpacked
# into a fresh directory: nothing is installed on this machine).
#   deb.sh BUILD_DIR PYTHON
set -eu
BUILD=$1 PY=$2
TMP=$(mktemp -d /tmp/onoma-deb-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
pass=0
ok() { echo "ok   $*"; pass=$((pass + 1)); }
fail() { echo "FAIL $*"; exit 1; }

(cd "$BUILD" && cpack -G DEB -B "$TMP" > "$TMP/cpack.log" 2>&1) || { cat "$TMP/cpack.log"; fail "cpack -G DEB"; }
deb=$(ls "$TMP"/onoma_*.deb)
ok "cpack -G DEB: $(basename "$deb")"

[ "$(dpkg-deb -f "$deb" Package)" = onoma ] || fail "package name"
dpkg-deb -f "$deb" Depends | grep -q libicu || fail "no dependency on ICU: $(dpkg-deb -f "$deb" Depends)"
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./||' > "$TMP/files"
for f in usr/bin/onoma usr/include/onoma.h usr/share/onoma/names.onb usr/share/man/man1/onoma.1.gz \
         usr/share/man/man3/onoma.3.gz usr/share/bash-completion/completions/onoma; do
    grep -qx "$f" "$TMP/files" || fail "not in the package: $f"
done
for re in 'usr/lib/(.*/)?libonoma\.so\.0' 'usr/lib/(.*/)?pkgconfig/onoma\.pc' 'usr/lib/(.*/)?cmake/onoma/onomaConfig\.cmake' \
          'usr/lib/python3[^/]*/dist-packages/onoma/__init__\.py'; do
    grep -qE "^$re\$" "$TMP/files" || fail "not in the package: $re"
done
ok "package holds program, library, header, onoma.pc, CMake package, tables, man pages, completion, Python package"

dpkg-deb -x "$deb" "$TMP/root"
"$TMP/root/usr/bin/onoma" --version | grep -q "^onoma [0-9]" || fail "onoma --version from the package"
[ "$(echo Teheran | "$TMP/root/usr/bin/onoma" normalize)" = Tehran ] || fail "normalize from the package"
ok "onoma --version and normalize run from the unpacked package"

site=$(cd "$TMP/root" && ls -d usr/lib/python3*/dist-packages)
out=$(env -u ONOMA_LIBRARY PYTHONPATH="$TMP/root/$site" "$PY" -c 'import onoma; print(onoma.normalize("Suleimani"))')
[ "$out" = Soleimani ] || fail "python from the package: $out"
ok "the Python package runs from the unpacked package"
echo "$pass passed, 0 failed"
