"""check and fix: the binding against `onoma check`."""
import json
import subprocess

import pytest

import onoma

MARKDOWN = """# Qassem Suleimani

Said Khatibzadeh said that `Teheran` is code, but Teheran is not.
See [Teheran](https://example.org/Teheran) and https://en.wikipedia.org/wiki/Suleimani.

```
Suleimani in a code block
```
Georgia, and Soleimanni <!-- onoma-ignore --> Suleimani here is ignored.
"""


def cli_findings(cli, path, *opts):
    r = subprocess.run([cli, "check", "--no-config", "--format", "jsonl", *opts, str(path)], capture_output=True)
    assert r.returncode in (0, 1), r.stderr
    return [json.loads(line) for line in r.stdout.decode().splitlines()]


def same(f, w):
    """A Finding and a line of `onoma check --format jsonl`."""
    assert (f.line, f.column, f.end_column, f.offset, f.length) == \
        (w["line"], w["column"], w["end_column"], w["offset"], w["length"])
    assert (f.kind, f.severity, f.text, f.suggestion) == (w["kind"], w["severity"], w["from"], w.get("to"))
    if f.kind != "ambiguous":
        assert (f.id, f.entity, f.type) == (w["id"], w["entity"], w["type"])
    else:
        assert [(c.id, c.canonical, c.entity) for c in f.candidates] == \
            [(c["id"], c["canonical"], c["entity"]) for c in w["candidates"]]
    if f.kind == "near-miss":
        assert (f.near_via, f.distance) == (w["via"], w["distance"])


@pytest.mark.parametrize("name,opts,kw", [
    ("article.txt", [], {}),
    ("article.txt", ["--style", "ap"], {"style": "ap"}),
    ("article.txt", ["--fuzzy", "--near-places"], {"near_warnings": True, "near_places": True}),
    ("article.txt", ["--no-near-miss", "--no-guard"], {"near": False, "guard": False}),
    ("doc.md", [], {}),
])
def test_findings_same_as_cli(cli, tmp_path, article, name, opts, kw):
    p = tmp_path / name
    text = article + "\nقاسم سلیمانی visited Georgia.\n" if name.endswith(".txt") else MARKDOWN
    p.write_text(text, encoding="utf-8")
    want = cli_findings(cli, p, *opts)
    ck = onoma.Checker(**kw)
    got = ck.check(text, "auto", name=str(p))
    assert len(got) == len(want) >= 3
    for f, w in zip(got, want):
        same(f, w)
        # positions in the str given
        assert text[f.start:f.end] == f.text
        assert text.encode()[f.offset:f.offset + f.length].decode() == f.text
        line = text.split("\n")[f.line - 1]
        assert line[f.column - 1:f.end_column - 1] == f.text
    assert got == onoma.check(text, markup="auto", name=str(p), **kw)
    # bytes in: byte indices
    gb = ck.check(text.encode(), "auto", name=str(p))
    assert [(f.start, f.end) for f in gb] == [(f.offset, f.offset + f.length) for f in got]


@pytest.mark.parametrize("own", [False, True])
def test_messages_same_as_cli(cli, tmp_path, article, tables, table_path, own):
    """The messages as the command line prints them; with a table of our own
    that makes Georgia ambiguous."""
    p = tmp_path / "a.txt"
    p.write_text(article + "\nGeorgia and Tehrann, Suleimani.\n", encoding="utf-8")
    opts = ["-t", table_path, "--no-default-tables"] if own else []
    r = subprocess.run([cli, "check", "--no-config", "--color=never", "--caret=never", "-q", *opts, str(p)],
                       capture_output=True)
    want = r.stderr.decode().splitlines()
    found = onoma.check(p.read_text(encoding="utf-8"), tables=tables if own else None)
    assert [f"{p}:{f}" for f in found] == want
    kinds = {f.kind for f in found}
    assert kinds == ({"rewrite", "ambiguous"} if own else {"rewrite", "near-miss"})
    amb = [f for f in found if f.kind == "ambiguous"]
    assert not own or (amb[0].rule == "onoma/ambiguous" and [c.id for c in amb[0].candidates] == ["Q4", "Q5"]
                       and amb[0].suggestion is None and not amb[0].fixable)
    assert {f.rule for f in onoma.check("Tehrann and Teheran")} == {"onoma/near-miss", "Q3616"}


def test_fix_same_as_cli(cli, tmp_path, article):
    for name, text in (("a.txt", article), ("b.md", MARKDOWN), ("c.txt", "no names here\n"),
                       ("d.txt", "Teheran\r\nقاسم سلیمانی, Suleimani’s\r\n")):
        p = tmp_path / name
        p.write_bytes(text.encode())
        subprocess.run([cli, "check", "--no-config", "-q", "--fix", str(p)], capture_output=True)
        want = p.read_bytes()
        got = onoma.fix(text, markup="auto", name=name)
        assert got.encode() == want, name
        assert onoma.fix(text.encode(), markup="auto", name=name) == want
    assert onoma.fix(article) != article


def test_fix_chosen_findings(tables):
    ck = onoma.Checker(tables=tables)
    text = "Qasem Suleimani went to Teheran. Georgia."
    fs = ck.check(text)
    assert [f.kind for f in fs] == ["rewrite", "rewrite", "ambiguous"] and [f.fixable for f in fs] == [True, True,
                                                                                                         False]
    assert ck.fix(text, fs) == ck.fix(text) == "Qasem Soleimani went to Tehran. Georgia."
    assert ck.fix(text, [fs[1]]) == "Qasem Suleimani went to Tehran. Georgia."
    assert ck.fix(text, []) == text
    with pytest.raises(ValueError):
        ck.fix("something else entirely here", [fs[1]])
    with pytest.raises(ValueError):
        ck.fix(text, [fs[0], fs[0]])  # overlapping


def test_check_options_and_errors():
    assert onoma.check("Teheran", ignore=["Teheran"]) == []
    assert onoma.check("Said Khatibzadeh said so")[0].suggestion == "Saeed Khatibzadeh"
    assert onoma.check("said so") == []
    t = "Qasem Suleimani"
    assert onoma.check(t, "ap")[0].suggestion == "Qassem Soleimani" and onoma.check(t, "ap")[0].style == "ap"
    with pytest.raises(onoma.Error) as ei:
        onoma.Checker("no-such-style")
    assert ei.value.code == onoma.CODES["ONOMA_ESTYLE"]
    with pytest.raises(onoma.Error) as ei:
        onoma.check(b"line one\nTeheran \xff", name="x.txt")
    e = ei.value
    assert e.name == "ONOMA_EUTF8" and e.line == 2 and e.column == 9 and e.offset == 17 and e.file == "x.txt"
    with pytest.raises(ValueError):
        onoma.check("x", markup="docx")
    assert onoma.markup_for_path("a.md") == "markdown" and onoma.markup_for_path("a.tex") == "tex"
