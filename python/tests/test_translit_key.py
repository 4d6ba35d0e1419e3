"""translit, key, match, cluster: the binding against the command line."""
import glob
import os
import pickle
import re
import threading
import time

import pytest

import onoma
from conftest import DATA, run_cli

TRANSLIT = os.path.join(DATA, "translit")
KEYS = os.path.join(DATA, "keys")

NAMES = ["Владимир Путин", "Сергей Викторович Лавров", "Володимир Зеленський", "قاسم سلیمانی", "قاسم سليماني",
         "أبو مهدي المهندس", "محمد جواد ظریف", "Qasem Soleimani", "", "  ", "Ghassem Solaimani, Teheran"]


def scheme_cases(n=6):
    """(scheme id, source texts) of the test data: published examples in
    Arabic, Persian, Russian, Ukrainian, Greek, Hebrew ... script."""
    cases = []
    for p in sorted(glob.glob(os.path.join(TRANSLIT, "*.tsv"))):
        with open(p, encoding="utf-8") as f:
            text = f.read()
        m = re.search(r"^# scheme: (\S+)", text, re.M)
        src = [line.split("\t")[0] for line in text.splitlines() if line and not line.startswith("#")]
        if m and src:
            cases.append((m.group(1), src))
    assert len(cases) >= 20
    return cases


@pytest.fixture(scope="module")
def cases():
    return scheme_cases()


def test_translit_examples():
    assert onoma.translit("Владимир Путин", lang="ru") == "Vladimir Putin"
    assert onoma.translit("Владимир Путин") == "Vladimir Putin"  # told from the letters
    assert onoma.translit("قاسم سليماني", names=True) == "Qasem Soleimani"
    assert onoma.translit(b"\xd0\x9f\xd1\x83\xd1\x82\xd0\xb8\xd0\xbd") == b"Putin"
    assert onoma.translit("plain Latin, kept: 12.") == "plain Latin, kept: 12."
    assert onoma.translit("") == ""
    assert onoma.translit("Щукин", lang="ru", scheme="iso9") == "Ŝukin"
    assert onoma.translit("Щукин", lang="ru", scheme="iso9", ascii=True) == "Sukin"
    assert onoma.detect_language("Слава Україні") == "uk" and onoma.detect_language("abc") is None


def test_translit_same_as_cli(cli, cases, tmp_path):
    """Every scheme's published examples, through the binding one text at a
    time and batched (both paths), byte for byte what `onoma translit -s ID` writes."""
    from onoma import _translit

    for scheme, src in cases:
        p = tmp_path / "in.txt"
        p.write_text("\n".join(src) + "\n", encoding="utf-8")
        want = run_cli(cli, "translit", "-s", scheme, str(p)).decode("utf-8").split("\n")[:-1]
        tr = onoma.Transliterator(scheme=scheme)
        assert [tr(s) for s in src] == want, scheme
        assert tr.translit_many(src) == want, scheme
        saved = _translit._speedups
        _translit._speedups = None
        try:
            assert tr.translit_many(src) == want, scheme
        finally:
            _translit._speedups = saved
        # and the whole file at once
        assert tr.translit(p.read_text(encoding="utf-8")) == "\n".join(want) + "\n"


@pytest.mark.parametrize("opts", [[], ["--names"], ["--ascii"], ["--names", "--ascii"], ["-l", "fa"],
                                  ["-s", "alalc"]])
def test_translit_options_same_as_cli(cli, tmp_path, opts):
    p = tmp_path / "names.txt"
    p.write_text("\n".join(NAMES) + "\nMixed: Путин и قاسم سليماني.\r\n", encoding="utf-8")
    want = run_cli(cli, "translit", *opts, str(p)).decode("utf-8")
    kw = {"names": "--names" in opts, "ascii": "--ascii" in opts}
    if "-l" in opts:
        kw["lang"] = opts[opts.index("-l") + 1]
    if "-s" in opts:
        kw["scheme"] = opts[opts.index("-s") + 1]
    assert onoma.translit(p.read_bytes().decode("utf-8"), **kw) == want
    lines = want.split("\n")[:-2]
    assert onoma.translit_many(NAMES, **kw) == lines


def test_translit_reuses_transliterator():
    from onoma import _translit

    onoma.translit("Путин", lang="ru")
    n = len(_translit._shared)
    tr = _translit._shared[next(k for k in _translit._shared if k[0] == "ru")]
    h = tr._handle()
    for _ in range(3):
        onoma.translit("Путин", lang="ru")
    assert len(_translit._shared) == n and tr._handle() == h
    # pickling sends the options: the receiver gets this process's transliterator back
    assert pickle.loads(pickle.dumps(tr)) is tr


def test_translit_errors():
    with pytest.raises(onoma.Error) as ei:
        onoma.translit("x", scheme="no-such-scheme")
    assert ei.value.code == onoma.CODES["ONOMA_ESCHEME"] and ei.value.name == "ONOMA_ESCHEME"
    assert "no-such-scheme" in str(ei.value)
    with pytest.raises(onoma.Error) as ei:
        onoma.Transliterator(lang="xx")
    assert ei.value.code == onoma.CODES["ONOMA_ESCHEME"]
    with pytest.raises(onoma.Error) as ei:
        onoma.translit("Путин\0", lang="ru")
    assert ei.value.name == "ONOMA_ENUL" and ei.value.offset == 10 and ei.value.column == 6
    bad = b"\xd0\x9f \xff".decode("utf-8", "surrogateescape")
    with pytest.raises(onoma.Error) as ei:
        onoma.translit(bad)
    assert ei.value.name == "ONOMA_EUTF8" and ei.value.offset == 3
    assert onoma.translit(bad, invalid="keep") == "P \udcff"
    assert onoma.translit(bad, invalid="replace") == "P \ufffd"
    with pytest.raises(ValueError):
        onoma.translit("x", invalid="drop")
    with pytest.raises(TypeError):
        onoma.translit(3)


@pytest.mark.parametrize("speedups", [True, False])
def test_translit_many_errors(speedups, monkeypatch):
    from onoma import _translit

    if speedups and _translit._speedups is None:
        pytest.skip("built without the accelerator")
    if not speedups:
        monkeypatch.setattr(_translit, "_speedups", None)
    assert onoma.translit_many(["Путин", None, float("nan"), "a\nПутин"]) [:2] == ["Putin", None]
    with pytest.raises(onoma.Error) as ei:
        onoma.translit_many(["Путин", "ok", "Путин\0"])
    e = ei.value
    assert e.index == 2 and e.name == "ONOMA_ENUL" and e.offset == 10 and str(e).startswith("texts[2]: ")
    with pytest.raises(TypeError):
        onoma.translit_many(["a", 3])


def test_schemes_listed(cli):
    got = onoma.schemes()
    listed = [line.split()[0] for line in run_cli(cli, "translit", "--list").decode().splitlines()
              if line and not line.startswith(" ")]
    assert [s.id for s in got] == listed
    fa = next(s for s in got if s.id == "bgnpcgn-per-Arab-Latn-1958")
    assert fa.short_name == "bgn" and fa.langs == ("fa",) and os.path.exists(fa.path)


# ---------------------------------------------------------------------- keys

def key_names():
    names = []
    for n in ("keys.tsv", "same-key.tsv"):
        with open(os.path.join(KEYS, n), encoding="utf-8") as f:
            for line in f:
                if line.strip() and not line.startswith("#"):
                    names.extend(line.rstrip("\n").split("\t")[:2])
    return names + NAMES


def test_key_same_as_cli(cli, tmp_path):
    names = key_names()
    assert len(names) > 100
    p = tmp_path / "names.txt"
    p.write_text("\n".join(names) + "\n", encoding="utf-8")
    for opts, kw in (([], {}), (["--ordered"], {"ordered": True}), (["-l", "fa"], {"lang": "fa"})):
        want = run_cli(cli, "key", *opts, str(p)).decode("utf-8").split("\n")[:-1]
        k = onoma.Keyer(**kw)
        assert [k.key(n) for n in names] == want, opts
        assert k.keys(names) == want, opts
        assert onoma.keys(names, **kw) == want, opts
    assert onoma.key("Ghassem Solaimani") == onoma.key("قاسم سلیمانی") == "ksm srmni"
    assert onoma.key(b"Qasem Soleimani") == b"ksm srmni"
    assert onoma.key("") == "" and onoma.key(" !? ") == ""


def test_keys_both_paths(monkeypatch):
    from onoma import _key

    names = key_names()
    fast = onoma.keys(names + [None])
    monkeypatch.setattr(_key, "_speedups", None)
    assert onoma.keys(names + [None]) == fast and fast[-1] is None


def test_key_errors():
    with pytest.raises(onoma.Error) as ei:
        onoma.key("x", lang="zz")
    assert ei.value.code == onoma.CODES["ONOMA_EINVAL"] and "fa" in ei.value.message
    with pytest.raises(onoma.Error) as ei:
        onoma.key("a\0b")
    assert ei.value.name == "ONOMA_ENUL" and ei.value.offset == 1
    with pytest.raises(onoma.Error) as ei:
        onoma.keys(["ok", "a\0b"])
    assert ei.value.index == 1
    with pytest.raises(TypeError):
        onoma.keys(["ok", 1])
    with pytest.raises(onoma.Error) as ei:
        onoma.Keyer(rules="/nonexistent/rules")
    assert ei.value.code < 0
    assert "fa" in onoma.Keyer().langs and os.path.isdir(onoma.default_keyrules_path())


def test_keyer_threads():
    k = onoma.Keyer()
    names = key_names()
    want = k.keys(names)
    got = {}

    def run(i):
        got[i] = [k.key(n) for n in names]

    ths = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in ths:
        t.start()
    for t in ths:
        t.join()
    assert all(v == want for v in got.values())
    assert pickle.loads(pickle.dumps(k)).key("Qasem Soleimani") == "ksm srmni"


# --------------------------------------------------------------------- match

def test_match_same_as_cli(cli, tmp_path):
    pairs = []
    with open(os.path.join(KEYS, "match.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                a, b, verdict = line.rstrip("\n").split("\t")[:3]
                pairs.append((a, b, verdict))
    p = tmp_path / "pairs.tsv"
    p.write_text("".join(f"{a}\t{b}\n" for a, b, _ in pairs), encoding="utf-8")
    want = run_cli(cli, "match", "--pairs", str(p)).decode().splitlines()
    got = [str(onoma.match(a, b)) for a, b, _ in pairs]
    assert got == want
    assert [onoma.match(a, b).verdict for a, b, _ in pairs] == [v for _, _, v in pairs]
    m = onoma.match("Sergey Viktorovich Lavrov", "Sergei Lavrov")
    assert m.same and bool(m) and m.score == pytest.approx(0.96) and m.threshold == onoma.MATCH_THRESHOLD
    assert run_cli(cli, "match", "Sergey Viktorovich Lavrov", "Sergei Lavrov").decode() == str(m) + "\n"
    # --threshold and --explain
    assert not onoma.match("Sergey Viktorovich Lavrov", "Sergei Lavrov", threshold=0.99).same
    ex = onoma.match("Sergey Viktorovich Lavrov", "Sergei Lavrov", explain=True).explanation
    want = run_cli(cli, "match", "--explain", "Sergey Viktorovich Lavrov", "Sergei Lavrov").decode().splitlines()
    assert list(ex) == want[1:] and ex[-1] == "score 0.9600"
    with pytest.raises(ValueError):
        onoma.match("a", "b", threshold=2)
    with pytest.raises(onoma.Error) as ei:
        onoma.match("a\0", "b")
    assert ei.value.name == "ONOMA_ENUL"


# ------------------------------------------------------------------- cluster

def test_cluster_same_as_cli(cli, tmp_path, article):
    p = tmp_path / "corpus.txt"
    with open(os.path.join(DATA, "fixtures", "mehr-soleimani-revenge.txt"), encoding="utf-8") as f:
        text = f.read() + "\n" + article + "\nقاسم سلیمانی و Qasem Soleimani\n"
    p.write_text(text, encoding="utf-8")
    import json

    want = [json.loads(line) for line in run_cli(cli, "cluster", "-f", "json", str(p)).decode().splitlines()]
    c = onoma.Cluster()
    c.feed(text, name=str(p))
    got = c.groups()
    assert len(got) == len(want) >= 3
    for g, w in zip(got, want):
        assert g.key == w["key"] and g.count == w["mentions"]
        assert [(s.text, s.count, s.source, s.line, s.context) for s in g.spellings] == \
            [(s["text"], s["count"], s["file"], s["line"], s["context"]) for s in w["spellings"]]
    # the function form: texts as lines
    groups = onoma.cluster(text.splitlines())
    assert [(g.key, g.count) for g in groups] == [(w["key"], w["mentions"]) for w in want]
    assert onoma.cluster(text.splitlines(), min_count=1000) == []


# ----------------------------------------------------------------------- GIL

@pytest.mark.parametrize("what", ["translit", "translit_many", "keys", "check"])
def test_gil_released(what):
    """A thread keeps running while another is inside the library."""
    from test_core import _longest_pause

    tr = onoma.Transliterator()
    k = onoma.Keyer()
    ck = onoma.Checker()
    with open(os.path.join(DATA, "fixtures", "mehr-soleimani-revenge.variants.txt"), encoding="utf-8") as f:
        article = f.read()
    copies = 50
    while True:  # enough work to take a tenth of a second
        names = [n + str(i) for i in range(copies) for n in NAMES]
        fn = {"translit": lambda: tr.translit("\n".join(names)),  # noqa: E731
              "translit_many": lambda: tr.translit_many(names),
              "keys": lambda: k.keys(names),
              "check": lambda: ck.check(article * (copies // 10 + 1))}[what]
        t0 = time.perf_counter()
        fn()
        alone = time.perf_counter() - t0
        if alone > 0.1:
            break
        copies *= 2
    pause = min(_longest_pause(fn) for _ in range(2))
    assert pause < alone / 2, f"paused {pause:.3f} s of a {alone:.3f} s call"
