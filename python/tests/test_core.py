"""The binding over the C library: tables, normalize, lookup, errors."""
import os
import pickle
import subprocess
import sys
import threading
import time

import pytest

import onoma
from conftest import ARTICLE, run_cli


def test_versions():
    v = onoma.versions()
    assert v["library"] == onoma.__version__
    assert v["api"] == 1 and v["table_format"] >= 1
    assert v["unicode"].count(".") >= 1 and v["icu"]
    assert os.path.exists(onoma.LIBRARY_PATH)


def test_normalize_bundled_tables():
    assert onoma.normalize("Qassem Suleimani visited Teheran") == "Qasem Soleimani visited Tehran"
    assert onoma.normalize("SULEIMANI") == "SOLEIMANI"
    assert onoma.normalize("") == ""
    assert onoma.normalize(b"Suleimani") == b"Soleimani"


def test_normalize_same_as_cli(cli, article):
    # the whole sample article, and a dozen variant spellings in it
    want = run_cli(cli, "normalize", ARTICLE).decode("utf-8")
    got = onoma.normalize(article)
    assert got == want
    assert got != article and "Soleimani" in got and "Suleimani" not in got


def test_options(tables):
    t = tables
    assert t.normalize("Qasem Suleimani") == "Qasem Soleimani"
    assert t.normalize("Qasem Suleimani", "ap") == "Qassem Soleimani"
    assert t.styles == ["default", "ap"]
    # fuzzy=False: spellings byte for byte (no case folding)
    assert t.normalize("SULEIMANI") == "SOLEIMANI"
    assert t.normalize("SULEIMANI", fuzzy=False) == "SULEIMANI"
    assert t.normalize("Suleimani", fuzzy=False) == "Soleimani"
    # words in lower case are not names, unless any_case
    assert t.normalize("suleimani") == "suleimani"
    assert t.normalize("suleimani", any_case=True) == "soleimani"
    # guarded common words: only next to a name, unless guard=False
    assert t.normalize("He said so.") == "He said so."
    assert t.normalize("Said Khatibzadeh said so.") == "Saeed Khatibzadeh said so."
    assert t.normalize("with Said Soleimani") == "with Saeed Soleimani"
    assert t.normalize("Said the minister.", guard=False) == "Saeed the minister."
    # ambiguous spellings stay
    assert t.normalize("Georgia") == "Georgia"


def test_invalid_input(tables):
    with pytest.raises(onoma.Error) as ei:
        tables.normalize("a\0b Suleimani")
    e = ei.value
    assert e.code == onoma.CODES["ONOMA_ENUL"] and e.name == "ONOMA_ENUL"
    assert e.offset == 1 and e.index is None
    assert "NUL" in str(e) and "[ONOMA_ENUL]" in str(e)
    assert tables.normalize("a\0b Suleimani", invalid="keep") == "a\0b Soleimani"
    assert tables.normalize("a\0b Suleimani", invalid="replace") == "a\ufffdb Soleimani"
    # bytes that are not UTF-8 (str with surrogate escapes, as from os.fsdecode)
    bad = b"x \xff Teheran".decode("utf-8", "surrogateescape")
    with pytest.raises(onoma.Error) as ei:
        tables.normalize(bad)
    assert ei.value.name == "ONOMA_EUTF8" and ei.value.offset == 2
    assert tables.normalize(bad, invalid="keep") == "x \udcff Tehran"
    assert tables.normalize(b"x \xff Teheran", invalid="keep") == b"x \xff Tehran"
    assert tables.normalize(b"x \xff Teheran", invalid="replace") == "x \ufffd Tehran".encode()
    with pytest.raises(ValueError):
        tables.normalize("x", invalid="ignore")
    with pytest.raises(TypeError):
        tables.normalize(42)


def test_unknown_style_is_an_error(tables):
    with pytest.raises(onoma.Error) as ei:
        tables.normalize("Suleimani", "nyt")
    assert ei.value.name == "ONOMA_ESTYLE" and "nyt" in ei.value.message


def test_error_pickles():
    e = onoma.Error(onoma.CODES["ONOMA_EUTF8"], "invalid UTF-8 at byte 3", "f.txt", 2, 4, 3, None)
    e2 = pickle.loads(pickle.dumps(e))
    assert (e2.code, e2.name, e2.message, e2.file, e2.line, e2.column, e2.offset) == \
        (e.code, "ONOMA_EUTF8", e.message, "f.txt", 2, 4, 3)
    assert str(e2) == "f.txt:2:4: invalid UTF-8 at byte 3 [ONOMA_EUTF8]"


def test_lookup(tables):
    (e,) = tables.lookup("Suleimani")
    assert (e.id, e.type, e.canonical, e.entity, e.table, e.match, e.guarded) == \
        ("Q1/surname", "person", "Soleimani", "Qasem Soleimani", "t", "exact", False)
    (e,) = tables.lookup("suleimani")
    assert e.match == "folded"
    assert {x.id for x in tables.lookup("Georgia")} == {"Q4", "Q5"}
    assert tables.lookup("Nobody Atall") == []
    assert tables.lookup("Qasem Suleimani", "ap")[0].canonical == "Qassem Soleimani"
    (g,) = tables.lookup("Said")
    assert g.guarded
    assert onoma.lookup("Qaddafi")  # the bundled tables


def test_tables_info_and_sets(tmp_path, table_path):
    t = onoma.Tables([table_path], defaults=False)
    (info,) = t.info()
    assert (info.name, info.kind, info.license, info.compiled) == ("t", "names", "CC0-1.0", False)
    assert info.entries == 7 and info.path == table_path
    bundled = onoma.default_tables()
    assert bundled.info()[0].compiled and onoma.default_tables_path().endswith(".onb")
    both = onoma.Tables(table_path)  # the bundled tables, then ours
    assert len(both.info()) == len(bundled.info()) + 1
    # compile, and open the compiled table: the same answers
    out = tmp_path / "t.onb"
    onoma.compile_tables([table_path], out)
    c = onoma.Tables([out], defaults=False)
    assert c.info()[0].compiled
    assert c.normalize("Qasem Suleimani in Teheran", "ap") == "Qassem Soleimani in Tehran"


def test_compile_reports_every_error(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("# name: bad\n# source: x\n# license: CC0-1.0\nQ1\tperson\tA\tB\nQ1\tperson\tC\tD\nQ2\tperson\n",
                   encoding="utf-8")
    with pytest.raises(onoma.Error) as ei:
        onoma.compile_tables([bad])
    errs = ei.value.errors
    assert len(errs) >= 2
    assert all(x.file == str(bad) and x.line > 0 for x in errs)
    assert not (tmp_path / "bad.onb").exists()


def test_open_errors(tmp_path):
    with pytest.raises(onoma.Error) as ei:
        onoma.Tables([tmp_path / "missing.tsv"], defaults=False)
    assert ei.value.name == "ONOMA_ENOENT" or ei.value.name == "ONOMA_EIO"
    assert "missing.tsv" in str(ei.value)


def test_close(table_path):
    with onoma.Tables([table_path], defaults=False) as t:
        assert t.normalize("Teheran") == "Tehran"
    with pytest.raises(ValueError):
        t.normalize("Teheran")
    t.close()  # twice: harmless


def test_pickle_shares_tables(table_path):
    t = onoma.Tables([table_path], defaults=False)
    before = onoma.Tables.shared_opens
    t1 = pickle.loads(pickle.dumps(t))
    t2 = pickle.loads(pickle.dumps(t))
    assert t1 is t2 and t1 is not t  # one set of tables per process
    assert onoma.Tables.shared_opens == before + 1
    assert t1.normalize("Teheran") == "Tehran"


# ----------------------------------------------------------------- batches

def test_normalize_many(tables, path):
    texts = ["Suleimani", "plain", "", "Teheran and Soleymani", "SULEIMANI", "Qasem Suleimani"]
    assert tables.normalize_many(texts) == [tables.normalize(t) for t in texts]
    assert tables.normalize_many(texts, "ap")[-1] == "Qassem Soleimani"
    assert tables.normalize_many([]) == []
    assert tables.normalize_many(iter(["Teheran"])) == ["Tehran"]
    assert texts[0] == "Suleimani"  # the input is left alone


def test_each_text_on_its_own(tables, path):
    # "Qasem" and "Suleimani" apart are two texts: no match across them
    assert tables.normalize_many(["Qasem", "Suleimani"], "ap") == ["Qasem", "Soleimani"]
    assert tables.normalize_many(["he said", "Said Khatibzadeh"]) == ["he said", "Saeed Khatibzadeh"]


def test_missing_values(tables, path):
    nan = float("nan")
    out = tables.normalize_many(["Teheran", None, nan, "Suleimani"])
    assert out[0] == "Tehran" and out[1] is None and out[2] is nan and out[3] == "Soleimani"
    with pytest.raises(TypeError, match="item 1"):
        tables.normalize_many(["Teheran", 7])


def test_texts_with_nul(tables, path):
    assert tables.normalize_many(["Teheran", "a\0Teheran", "Suleimani"], invalid="keep") == \
        ["Tehran", "a\0Tehran", "Soleimani"]
    with pytest.raises(onoma.Error) as ei:
        tables.normalize_many(["Teheran", "ok", "a\0b"])
    assert ei.value.name == "ONOMA_ENUL" and ei.value.index == 2 and ei.value.offset == 1
    assert str(ei.value).startswith("texts[2]: ")


def test_error_names_the_item(tables, path):
    bad = b"Suleimani \xff".decode("utf-8", "surrogateescape")
    with pytest.raises(onoma.Error) as ei:
        tables.normalize_many(["ok", None, "fine", bad, "never"])
    e = ei.value
    assert e.name == "ONOMA_EUTF8" and e.index == 3 and e.offset == 10 and e.column == 11


def test_big_batches_in_chunks(tables, path, monkeypatch):
    from onoma import _core

    monkeypatch.setattr(_core, "_CHUNK", 1000)  # many chunks, on two threads
    texts = [("Teheran %d" % i) if i % 3 else ("plain %d" % i) for i in range(10_500)]
    texts[7777] = None
    want = [None if t is None else t.replace("Teheran", "Tehran") for t in texts]
    assert tables.normalize_many(texts, threads=2) == want
    assert tables.normalize_many(texts, threads=1) == want
    texts[9_999] = "bad \0"
    with pytest.raises(onoma.Error) as ei:
        tables.normalize_many(texts, threads=2)
    assert ei.value.index == 9_999


def test_same_as_one_by_one(article, path):
    # sentences of the sample article, with the bundled tables
    parts = [p + "." for p in article.split(".")]
    assert onoma.normalize_many(parts) == [onoma.normalize(p) for p in parts]


# --------------------------------------------------------------------- GIL

def _longest_pause(fn):
    """Run fn on a thread; the longest time this thread could not run meanwhile."""
    done = threading.Event()
    th = threading.Thread(target=lambda: (fn(), done.set()))
    last = time.perf_counter()
    pause = 0.0
    th.start()
    while not done.is_set():
        now = time.perf_counter()
        pause = max(pause, now - last)
        last = now
    th.join()
    return pause


@pytest.mark.parametrize("what", ["normalize", "normalize_many"])
def test_gil_released(article, what, path):
    t = onoma.default_tables()
    copies = 500
    while True:  # enough work to take a tenth of a second
        if what == "normalize":
            text = article * copies
            fn = lambda: t.normalize(text)  # noqa: E731
        else:
            texts = article.split() * copies
            fn = lambda: t.normalize_many(texts, threads=1)  # noqa: E731
        t0 = time.perf_counter()
        fn()
        alone = time.perf_counter() - t0
        if alone > 0.1:
            break
        copies *= 2
    pause = min(_longest_pause(fn) for _ in range(2))
    # holding the GIL through the call would stop this thread for all of it
    assert pause < alone / 2, f"paused {pause:.3f} s of a {alone:.3f} s call"


def test_import_without_library(tmp_path):
    env = dict(os.environ, ONOMA_LIBRARY=str(tmp_path / "nope.so"))
    r = subprocess.run([sys.executable, "-c", "import onoma"], env=env, capture_output=True, text=True)
    assert r.returncode != 0 and "cannot load libonoma" in r.stderr and "ONOMA_LIBRARY" in r.stderr
