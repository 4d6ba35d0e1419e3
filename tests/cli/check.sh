#!/usr/bin/env bash
# End-to-end checks of `onoma check`.
#   check.sh ONOMA_BINARY TEST_DATA_DIR
# Prints one line per check and "N passed, M failed" last; fails when any
# check failed or when none ran.
set -u
ONOMA=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
DATA=$(cd "$2" && pwd)
FIX=$DATA/fixtures
ORIG=$FIX/mehr-soleimani-revenge.txt
VAR=$FIX/mehr-soleimani-revenge.variants.txt
TMP=$(mktemp -d /tmp/onoma-check-XXXXXX)
trap 'chmod -R u+w "$TMP" 2>/dev/null; rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1${2:+: $2}"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
# status NAME WANT COMMAND...: the command's exit status must be WANT (stdout in out, stderr in err)
status() {
    local name=$1 want=$2; shift 2
    "$@" > "$TMP/out" 2> "$TMP/err"
    local got=$?
    if [ "$got" -eq "$want" ]; then ok "$name"; else bad "$name" "exit $got, want $want; stderr: $(head -c 400 "$TMP/err")"; fi
}
contains() { grep -q -- "$2" "$1"; }
lacks() { ! grep -q -- "$2" "$1"; }
py() { python3 -c "$@"; }

# ------------------------------------------------------------ usage
status "--help" 0 "$ONOMA" check --help
check "--help text" contains out "Usage: onoma check"
status "lsp --help" 0 "$ONOMA" lsp --help
check "lsp --help text" contains out "Usage: onoma lsp"
status "unknown option" 2 "$ONOMA" check --frobnicate "$VAR"
status "bad --format" 2 "$ONOMA" check --format xml "$VAR"
status "bad --color" 2 "$ONOMA" check --color=sometimes "$VAR"
status "--fix with --diff" 2 "$ONOMA" check --fix --diff "$VAR"
status "--fix of standard input" 2 "$ONOMA" check --fix - < "$VAR"
status "unknown style" 2 "$ONOMA" check --style nosuch "$VAR"
status "lsp: unexpected argument" 2 "$ONOMA" lsp extra

# ------------------------------------------------------------ the fixtures
status "variants: findings, exit 1" 1 "$ONOMA" check "$VAR"
check "text format like a compiler's" contains err "mehr-soleimani-revenge.variants.txt:1:356: warning: 'Suleimani' → 'Soleimani' (Qasem Soleimani) \[style: default\]"
check "summary line on stderr" contains err "onoma: 1 file checked, 12 findings, 0 fixed"
check "text goes to stderr, not stdout" test ! -s out
for f in "$ORIG" "$VAR"; do
    b=$(basename "$f")
    "$ONOMA" normalize --report "$TMP/$b.report" "$f" > "$TMP/$b.norm"
    "$ONOMA" check --format jsonl "$f" > "$TMP/$b.jsonl" 2> /dev/null
    check "$b: findings = normalize --report rewrites" py '
import json, sys
key = ("line", "column", "offset", "length", "kind", "from", "to", "id", "entity", "type")
a = [tuple(r.get(k) for k in key) for r in map(json.loads, open(sys.argv[1], encoding="utf-8"))]
b = [tuple(r.get(k) for k in key) for r in map(json.loads, open(sys.argv[2], encoding="utf-8"))]
assert a and a == b, (len(a), len(b))
' "$TMP/$b.report" "$TMP/$b.jsonl"
    check "$b: JSON Lines fields" py '
import json, sys
text = open(sys.argv[2], "rb").read()
for r in map(json.loads, open(sys.argv[1], encoding="utf-8")):
    assert {"file", "line", "column", "end_line", "end_column", "offset", "length", "kind", "severity",
            "from", "to", "id", "entity", "style", "fixed"} <= r.keys(), r
    assert text[r["offset"]:r["offset"] + r["length"]].decode() == r["from"]
    assert r["end_column"] - r["column"] == len(r["from"])
' "$TMP/$b.jsonl" "$f"
    cp "$f" "$TMP/$b"
    "$ONOMA" check --diff "$b" > "$TMP/$b.diff" 2> /dev/null
    check "$b: --diff changes nothing" cmp -s "$b" "$f"
    check "$b: --diff applies cleanly with patch" patch -s -p0 "$b" "$TMP/$b.diff"
    check "$b: patched = normalize" cmp -s "$b" "$TMP/$b.norm"
    cp "$f" "$TMP/$b"
    chmod 640 "$b"
    status "$b: --fix fixes every finding (exit 0)" 0 "$ONOMA" check --fix "$b"
    check "$b: --fix = normalize, byte for byte" cmp -s "$b" "$TMP/$b.norm"
    check "$b: --fix keeps the permissions" test "$(stat -c %a "$b")" = 640
    check "$b: --fix reports what it fixed" contains err ": fixed: '"
    status "$b: check of the fixed file: nothing (exit 0)" 0 "$ONOMA" check "$b"
    check "$b: ... and no diagnostics at all" lacks err "warning\|note:"
done
status "normalized fixture: exit 0" 0 "$ONOMA" check "$TMP/mehr-soleimani-revenge.txt.norm"
# Every respelled name of the variants file: exactly one finding, at its line
# and column (characters), computed here independently of onoma.
check "each respelled name reported once, at the right line and column" py '
import json, re, sys
orig = open(sys.argv[1], encoding="utf-8").read()
var = open(sys.argv[2], encoding="utf-8").read()
rows = [json.loads(l) for l in open(sys.argv[3], encoding="utf-8")]
wo = [(m.start(), m.group()) for m in re.finditer(r"\S+", orig)]
wv = [(m.start(), m.group()) for m in re.finditer(r"\S+", var)]
assert len(wo) == len(wv)
changed = [pos for (po, a), (pos, b) in zip(wo, wv) if a != b]
assert len(changed) >= 12, changed
bvar = var.encode("utf-8")
for r in rows:
    start = len(bvar[:r["offset"]].decode("utf-8"))
    line = var.count("\n", 0, start) + 1
    col = start - (var.rfind("\n", 0, start) + 1) + 1
    assert (r["line"], r["column"]) == (line, col), (r, line, col)
for pos in changed:
    hits = [r for r in rows if len(bvar[:r["offset"]].decode()) <= pos < len(bvar[:r["offset"] + r["length"]].decode())]
    assert len(hits) == 1, (pos, var[pos:pos + 20], hits)
' "$ORIG" "$VAR" "$TMP/mehr-soleimani-revenge.variants.txt.jsonl"

# ------------------------------------------------------------ SARIF
"$ONOMA" check --format sarif "$VAR" > sarif.json 2> /dev/null
check "SARIF 2.1.0 structure" py '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d["version"] == "2.1.0" and "sarif-2.1.0" in d["$schema"]
run = d["runs"][0]
rules = run["tool"]["driver"]["rules"]
assert run["tool"]["driver"]["name"] == "onoma" and rules
ids = [r["id"] for r in rules]
assert len(ids) == len(set(ids))
assert len(run["results"]) == 12
for r in run["results"]:
    assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
    assert r["level"] == "warning" and r["message"]["text"]
    reg = r["locations"][0]["physicalLocation"]["region"]
    assert reg["startLine"] == 1 and reg["startColumn"] >= 1 and reg["endColumn"] > reg["startColumn"]
    assert "byteOffset" in reg and "byteLength" in reg
    rep = r["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert rep["insertedContent"]["text"] and rep["deletedRegion"]["byteLength"] == reg["byteLength"]
assert run["columnKind"] == "unicodeCodePoints"
assert run["invocations"][0]["executionSuccessful"] is True
' sarif.json

# ------------------------------------------------------------ near misses, ambiguity, stdin
printf 'Soleimanni met Khatibzadah in Tehran.\n' > near.txt
status "near misses are notes: exit 0" 0 "$ONOMA" check near.txt
check "note: did you mean" contains err "near.txt:1:1: note: 'Soleimanni': did you mean 'Soleimani'? (Qasem Soleimani)"
check "note for Khatibzadah" contains err "near.txt:1:16: note: 'Khatibzadah': did you mean 'Khatibzadeh'?"
status "--fuzzy: near misses are findings (exit 1)" 1 "$ONOMA" check --fuzzy near.txt
check "--fuzzy: a warning" contains err "warning: 'Soleimanni': did you mean 'Soleimani'?"
cp near.txt near2.txt
status "--fix --fuzzy: near misses stay (exit 1)" 1 "$ONOMA" check --fix --fuzzy near2.txt
check "--fix never applies a near miss" cmp -s near.txt near2.txt
printf 'Sulaymany spoke.\n' | "$ONOMA" check --format jsonl - > key.jsonl 2> /dev/null
check "near miss by name key" py '
import json; r = json.loads(open("key.jsonl").readline())
assert (r["kind"], r["via"], r["to"], r["severity"]) == ("near-miss", "key", "Soleimani", "note"), r'
status "--no-near-miss" 0 "$ONOMA" check --no-near-miss near.txt
check "--no-near-miss: no note" lacks err "note:"
printf '# name: amb\n# source: test\n# license: CC0-1.0\n# id\ttype\tcanonical\tvariants\nX1\tperson\tJon Smyth\t?John Smith|Jon Smith\nX2\tperson\tJohn Smithe\t?John Smith\n' > amb.tsv
printf 'We met John Smith and Jon Smith.\n' > amb.txt
cp amb.txt amb2.txt
status "ambiguous spelling: a finding" 1 "$ONOMA" check --table amb.tsv amb.txt
check "ambiguous: both candidates" contains err "'John Smith' is ambiguous: 'Jon Smyth' (Jon Smyth) or 'John Smithe' (John Smithe)"
status "--fix: the ambiguous name stays (exit 1)" 1 "$ONOMA" check --fix --table amb.tsv amb2.txt
check "--fix: only the unambiguous name changed" test "$(cat amb2.txt)" = "We met John Smith and Jon Smyth."
printf 'General SULEIMANI\r\nin Teheran\r\n' > crlf.txt
"$ONOMA" normalize crlf.txt > crlf.norm
"$ONOMA" check -q --fix crlf.txt 2> /dev/null
check "CRLF kept by --fix" cmp -s crlf.txt crlf.norm
status "standard input" 1 "$ONOMA" check - < "$VAR"
check "standard input is named -" contains err "^-:1:128: warning"
printf 'See `Suleimani` here.\n' | "$ONOMA" check --stdin-filename notes.md > /dev/null 2> err
check "--stdin-filename gives the markup" contains err "0 findings"
status "--ignore a spelling" 0 "$ONOMA" check --ignore Teheran --ignore onoma:qasem-soleimani/surname - <<< 'Suleimani in Teheran.'
printf 'Suleimani in Teheran.\n' > cap.txt
status "--caret=always --color=always" 1 "$ONOMA" check --caret=always --color=always cap.txt
check "caret under the span, in colour" py '
e = open("err", encoding="utf-8").read()
assert "    1 | Suleimani in Teheran." in e and "      | \x1b[1;32m^~~~~~~~~\x1b[0m" in e, e'
status "--color=never" 1 "$ONOMA" check --caret=always --color=never cap.txt
check "no escape codes with --color=never" py '
e = open("err", encoding="utf-8").read()
assert "\x1b" not in e and "    1 | Suleimani in Teheran." in e and "      | ^~~~~~~~~" in e, e'
printf 'a\tb Ü Suleimani\n' > tab.txt
"$ONOMA" check --caret=always tab.txt 2> err
check "caret: columns count characters (tab, Ü)" py '
e = open("err", encoding="utf-8").read().splitlines()
line = [l for l in e if l.startswith("    1 | ")][0]; caret = [l for l in e if "^" in l][0]
assert caret.index("^") == line.index("Suleimani"), (line, caret)
assert "tab.txt:1:7:" in e[0], e[0]'

# ------------------------------------------------------------ markup
cat > doc.md <<'EOF'
# Suleimani

Inline `Suleimani` code and a [link to Teheran](https://example.com/Teheran) and <https://x.org/Soleymani>.
<span title="Suleimani">Sulaimani</span> &amp; Teheran

```
Suleimani in a fence
```

    Suleimani in an indented block

Visit www.example.com/Suleimani or mail suleimani@example.com.
<!-- onoma-ignore -->
Suleimani on an ignored line.
Teheran here too <!-- onoma-ignore -->
<!-- onoma-disable -->
Suleimani, Soleymani, Teheran: all off.
<!-- onoma-enable -->
Last: Soleymani.
EOF
cp doc.md doc.orig.md
"$ONOMA" check --format jsonl doc.md > doc.jsonl 2> /dev/null
check "Markdown: only prose is checked" py '
import json
rows = [json.loads(l) for l in open("doc.jsonl", encoding="utf-8")]
got = [(r["line"], r["column"], r["from"]) for r in rows]
want = [(1, 3, "Suleimani"), (3, 40, "Teheran"), (4, 25, "Sulaimani"), (4, 48, "Teheran"), (19, 7, "Soleymani")]
assert got == want, got
'
"$ONOMA" check -q --fix doc.md 2> /dev/null
check "Markdown: --fix leaves code, URLs, tags and suppressed lines alone" py '
a = open("doc.orig.md", encoding="utf-8").read().splitlines()
b = open("doc.md", encoding="utf-8").read().splitlines()
diff = [(i + 1, x, y) for i, (x, y) in enumerate(zip(a, b)) if x != y]
assert len(a) == len(b) and [d[0] for d in diff] == [1, 3, 4, 19], diff
assert b[2].count("https://example.com/Teheran") == 1 and "`Suleimani`" in b[2] and "Soleymani>" in b[2]
assert b[3] == "<span title=\"Suleimani\">Soleimani</span> &amp; Tehran", b[3]
'
cat > doc.html <<'EOF'
<html><head><title>Suleimani</title><style>.Suleimani { color: red }</style></head>
<body><p class="Suleimani" data-x='Teheran'>Sulaimani in <b>Teheran</b></p>
<pre>Suleimani</pre><code>Soleymani</code><script>var Teheran = 1;</script>
<!-- Suleimani in a comment --></body></html>
EOF
"$ONOMA" check --format jsonl doc.html > html.jsonl 2> /dev/null
check "HTML: text, not tags, attributes, pre, code, script, comments" py '
import json
rows = [json.loads(l) for l in open("html.jsonl", encoding="utf-8")]
assert [(r["line"], r["from"]) for r in rows] == [(1, "Suleimani"), (2, "Sulaimani"), (2, "Teheran")], rows
'
cat > doc.tex <<'EOF'
\section{Suleimani} % Teheran in a comment
\textbf{Sulaimani} met $Soleymani$ \cite{Teheran} \url{https://x.org/Teheran}.
\begin{verbatim}
Suleimani
\end{verbatim}
Teheran. % onoma-ignore
EOF
"$ONOMA" check --format jsonl doc.tex > tex.jsonl 2> /dev/null
check "TeX: commands, comments, math, verbatim, \\cite, \\url" py '
import json
rows = [json.loads(l) for l in open("tex.jsonl", encoding="utf-8")]
assert [(r["line"], r["from"]) for r in rows] == [(1, "Suleimani"), (2, "Sulaimani")], rows
'
cat > doc.rst <<'EOF'
Suleimani
=========

Inline ``Suleimani`` and :code:`Teheran` and `Tehran <https://x.org/Teheran>`_.
A literal block follows::

    Suleimani in a literal block

.. code-block:: python

   Teheran = 1

.. note:: Sulaimani in a note.

.. onoma-ignore

Teheran ignored.
EOF
"$ONOMA" check --format jsonl doc.rst > rst.jsonl 2> /dev/null
check "reST: literals, roles, code directives, comments" py '
import json
rows = [json.loads(l) for l in open("rst.jsonl", encoding="utf-8")]
assert [(r["line"], r["from"]) for r in rows] == [(1, "Suleimani"), (13, "Sulaimani")], rows
'
printf 'See https://example.com/Suleimani and Teheran. # onoma-ignore\nSoleymani\n# onoma-ignore\nTeheran\n' > plain.txt
"$ONOMA" check --format jsonl plain.txt > plain.jsonl 2> /dev/null
check "plain text: URLs and onoma-ignore" py '
import json
rows = [json.loads(l) for l in open("plain.jsonl", encoding="utf-8")]
assert [(r["line"], r["from"]) for r in rows] == [(2, "Soleymani")], rows
'
status "--markup overrides the extension" 1 "$ONOMA" check --markup text doc.orig.md
check "--markup text: code is checked" contains err "doc.orig.md:7:1: warning: 'Suleimani'"

# ------------------------------------------------------------ folders, .onoma
mkdir -p proj/docs/sub proj/.hidden proj/vendor proj/drafts
printf 'Suleimani\n' > proj/docs/a.md
printf 'Teheran\n' > proj/docs/sub/b.txt
printf 'Soleymani\n' > proj/docs/c.rst
printf 'Suleimani\n' > proj/docs/d.csv
printf 'Suleimani\n' > proj/.hidden/e.md
printf 'Suleimani\n' > proj/vendor/f.md
printf 'Suleimani\n' > proj/drafts/g.md
printf 'Suleimani\0binary\n' > proj/docs/h.txt
printf 'Suleimani \xff\xfe broken\n' > proj/docs/i.txt
ln -s a.md proj/docs/link.md
ln -s ../vendor proj/docs/vendorlink
ln -s nowhere proj/docs/dangling.md
printf 'root = true\nexclude = vendor/, drafts/*\nstyle = ap\nignore = Soleymani\n' > proj/.onoma
printf 'Qasem Soleimani\n' > proj/docs/sub/q.md
printf 'Qassem Soleimani\n' > proj/docs/sub/r.md
status "a folder: findings, a bad file: exit 1" 1 "$ONOMA" check --format jsonl proj
check "recursion: text files, .onoma excludes, hidden skipped, links to folders not followed" py '
import json
rows = [json.loads(l) for l in open("out", encoding="utf-8")]
files = sorted({r["file"] for r in rows})
assert files == ["proj/docs/a.md", "proj/docs/link.md", "proj/docs/sub/b.txt", "proj/docs/sub/q.md"], files
assert all(r["style"] == "ap" for r in rows)
q = [r for r in rows if r["file"].endswith("q.md")][0]
assert q["to"] == "Qassem Soleimani", q
'
check "binary file skipped with a note" contains err "note: proj/docs/h.txt: binary file, skipped"
check "invalid UTF-8: file, line, column and byte offset; skipped" contains err "error: proj/docs/i.txt: invalid UTF-8 at byte 10 (line 1, column 11); file skipped"
check "dangling link: a note" contains err "proj/docs/dangling.md: broken symbolic link"
status "command line wins over .onoma" 1 "$ONOMA" check --format jsonl --style default proj/docs/sub/r.md
check "--style default over style = ap" py '
import json; r = json.loads(open("out").readline()); assert r["style"] == "default" and r["to"] == "Qasem Soleimani", r'
status "--include replaces the extensions" 1 "$ONOMA" check --format jsonl --include '*.csv' proj/docs
check "--include: only the csv" py '
import json; rows = [json.loads(l) for l in open("out")]; assert [r["file"] for r in rows] == ["proj/docs/d.csv"], rows'
status "--exclude" 0 "$ONOMA" check --exclude docs proj
check "--exclude: summary" contains err "0 files checked"
status "--no-config: .onoma not read" 1 "$ONOMA" check --format jsonl --no-config proj/docs/c.rst
check "--no-config: Soleymani reported" contains out '"from":"Soleymani"'
mkdir -p outer/inner && printf 'style = ap\n' > outer/.onoma && printf 'ignore = Teheran\n' > outer/inner/.onoma
printf 'Qasem Soleimani in Teheran\n' > outer/inner/x.txt
status ".onoma files merge walking up" 1 "$ONOMA" check --format jsonl outer/inner/x.txt
check ".onoma: style from above, ignore from here" py '
import json; rows = [json.loads(l) for l in open("out")]
assert [(r["from"], r["to"], r["style"]) for r in rows] == [("Qasem Soleimani", "Qassem Soleimani", "ap")], rows'
printf 'style = ap\nbogus line\n' > outer/inner/.onoma
status "bad .onoma: usage error with file and line" 2 "$ONOMA" check outer/inner/x.txt
check "bad .onoma: named" contains err "outer/inner/.onoma:2: expected 'key = value'"

# ------------------------------------------------------------ bad input, --fix safety
status "a bad table: exit 1, said once" 1 "$ONOMA" check --table nosuch.tsv near.txt near.txt
check "a bad table: one error" test "$(grep -c 'nosuch.tsv' err)" -eq 1
status "missing file: exit 1, others still checked" 1 "$ONOMA" check nosuch.txt near.txt
check "missing file: named" contains err "error: nosuch.txt: cannot open"
check "missing file: the other file checked" contains err "1 file checked"
if [ -r /proc/self/mem ]; then
    status "a file that fails to read: exit 1" 1 "$ONOMA" check /proc/self/mem near.txt
    check "read error: named, the other file checked" py '
e = open("err").read(); assert "error: /proc/self/mem: cannot read:" in e and "1 file checked" in e and "1 skipped" in e, e'
fi
cp "$VAR" ro.txt && chmod 444 ro.txt
status "read-only file under --fix: exit 1" 1 "$ONOMA" check --fix ro.txt
check "read-only: clear error" contains err "ro.txt: cannot fix: the file is read-only"
check "read-only: nothing lost" cmp -s ro.txt "$VAR"
mkdir rodir && cp "$VAR" rodir/x.txt && chmod 555 rodir
if [ "$(id -u)" != 0 ]; then
    status "read-only folder under --fix: exit 1" 1 "$ONOMA" check --fix rodir/x.txt
    check "read-only folder: file intact" cmp -s rodir/x.txt "$VAR"
fi
chmod 755 rodir
cp "$VAR" target.txt && chmod u+w target.txt && ln -s target.txt link.txt
"$ONOMA" check -q --fix link.txt 2> /dev/null
check "symlink: the target is fixed" cmp -s target.txt "$TMP/mehr-soleimani-revenge.variants.txt.norm"
check "symlink: the link stays a link" test -L link.txt
cp "$ORIG" clean.txt && "$ONOMA" normalize "$ORIG" > clean.txt
before=$(stat -c '%i %Y.%y' clean.txt)
status "--fix, no findings: exit 0" 0 "$ONOMA" check --fix clean.txt
check "a file without findings is never touched (inode, mtime)" test "$before" = "$(stat -c '%i %Y.%y' clean.txt)"
# a failed write: the file size limit makes the temporary file's write fail
for i in $(seq 1 200); do cat "$VAR"; done > big.txt
cp big.txt big.orig
(ulimit -f 200; trap '' XFSZ; exec "$ONOMA" check -q --fix big.txt) > /dev/null 2> err
check "failed write: an error" contains err "big.txt: cannot fix: write error"
check "failed write: the original is intact" cmp -s big.txt big.orig
check "failed write: no temporary file left" test -z "$(ls -A | grep '\.big\.txt\.onoma-')"
# killed during a fix: the file is the old one or the new one, never a part
for i in $(seq 1 40); do cat big.orig; done > huge.txt
cp huge.txt huge.orig
"$ONOMA" normalize huge.orig > huge.norm
check "killed during --fix: original intact" python3 - "$ONOMA" <<'EOF'
import os, signal, subprocess, sys, time
p = subprocess.Popen([sys.argv[1], "check", "-q", "--fix", "huge.txt"], stderr=subprocess.DEVNULL)
seen = False
deadline = time.time() + 60
while p.poll() is None and time.time() < deadline:
    if any(n.startswith(".huge.txt.onoma-") for n in os.listdir(".")):
        seen = True
        os.kill(p.pid, signal.SIGKILL)
        break
p.wait()
data = open("huge.txt", "rb").read()
if seen:
    # killed while the temporary file was being written
    sys.exit(0 if p.returncode == -signal.SIGKILL and data == open("huge.orig", "rb").read() else 1)
print("(the fix finished before the kill: the result must be whole)")
sys.exit(0 if data == open("huge.norm", "rb").read() else 1)
EOF

# --- encodings: read in the file's encoding, fixed and written back in it
printf 'Ghasem Soleimani and Suleimani in Teheran.\n' | iconv -f UTF-8 -t CP1256 > enc1256.txt
status "--from-encoding CP1256: findings" 1 "$ONOMA" check --from-encoding CP1256 enc1256.txt
check "--from-encoding CP1256: positions in characters" contains err "enc1256.txt:1:22: warning: 'Suleimani'"
"$ONOMA" check -q --fix --from-encoding CP1256 enc1256.txt 2> /dev/null
check "--fix writes CP1256 back" test "$(iconv -f CP1256 -t UTF-8 enc1256.txt)" = "Qasem Soleimani and Soleimani in Tehran."
printf 'Suleimani\n' | iconv -f UTF-8 -t UTF-16 > enc16.txt
status "a UTF-16 file (byte-order mark) is read" 1 "$ONOMA" check enc16.txt
"$ONOMA" check -q --fix enc16.txt 2> /dev/null
check "--fix keeps UTF-16 and its byte-order mark" test "$(iconv -f UTF-16 -t UTF-8 enc16.txt)" = "Soleimani"
printf 'Soleimani (قاسم سليماني)\n' > xs.txt
status "another script: left as written" 0 "$ONOMA" check xs.txt
status "--cross-script: reported" 1 "$ONOMA" check --cross-script xs.txt

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
