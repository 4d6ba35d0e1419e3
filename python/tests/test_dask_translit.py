"""onoma.dask translit and key on a LocalCluster of two worker processes:
outputs byte-identical to the command line's."""
import glob
import logging
import os
import random

import pandas as pd
import pytest

import onoma
import onoma.dask
import onoma.pandas
from conftest import DATA, run_cli

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")
import dask.bag as db  # noqa: E402
import dask.dataframe as dd  # noqa: E402
from dask.distributed import Client, LocalCluster  # noqa: E402

NFILES = 8


def sources():
    """The source texts of the published translit examples (Arabic, Persian,
    Russian, Ukrainian, Greek, Hebrew ...) and the key test names."""
    texts = []
    for p in sorted(glob.glob(os.path.join(DATA, "translit", "*.tsv"))):
        with open(p, encoding="utf-8") as f:
            texts += [line.split("\t")[0] for line in f.read().splitlines() if line and not line.startswith("#")]
    for p in sorted(glob.glob(os.path.join(DATA, "keys", "*.tsv"))):
        with open(p, encoding="utf-8") as f:
            for line in f.read().splitlines():
                if line and not line.startswith("#"):
                    texts += line.split("\t")[:2]
    return texts


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """NFILES files of those lines, shuffled; CRLF in some, a UTF-8
    byte-order mark in one, no final line end in others."""
    folder = tmp_path_factory.mktemp("corpus")
    texts = sources()
    assert len(texts) > 300
    rnd = random.Random(20261126)
    paths = []
    for i in range(NFILES):
        lines = [rnd.choice(texts) for _ in range(400)]
        eol = "\r\n" if i % 4 == 3 else "\n"
        data = (eol.join(lines) + (eol if i % 2 else "")).encode()
        if i == 5:
            data = b"\xef\xbb\xbf" + data
        p = folder / f"part-{i:03d}.txt"
        p.write_bytes(data)
        paths.append(str(p))
    return paths


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as c:
        c.wait_for_workers(2, timeout=60)
        yield c


def check_outputs(cli, inputs, out_dir, *args):
    assert sorted(os.listdir(out_dir)) == sorted(os.path.basename(p) for p in inputs)
    for p in inputs:
        want = run_cli(cli, *args, p)
        with open(os.path.join(out_dir, os.path.basename(p)), "rb") as f:
            got = f.read()
        assert got == want, f"{p}: output differs from `onoma {' '.join(args)}`"
        assert got != open(p, "rb").read()


@pytest.mark.parametrize("opts,kw", [([], {}), (["--names", "--ascii"], {"names": True, "ascii": True}),
                                     (["-s", "alalc"], {"scheme": "alalc"})])
def test_translit_files_same_as_cli(client, corpus, cli, tmp_path, opts, kw):
    out = tmp_path / "out"
    res = onoma.dask.translit_files(corpus, str(out), client=client, details=True, **kw)
    assert [r[0] for r in res] == [str(out / os.path.basename(p)) for p in corpus]  # in input order
    assert len({r[3] for r in res}) == 2  # both workers took part
    check_outputs(cli, corpus, str(out), "translit", *opts)


@pytest.mark.parametrize("opts,kw", [([], {}), (["--ordered"], {"ordered": True})])
def test_key_files_same_as_cli(client, corpus, cli, tmp_path, opts, kw):
    out = tmp_path / "out"
    res = onoma.dask.key_files(os.path.dirname(corpus[0]), str(out), client=client, **kw)
    assert res == [str(out / os.path.basename(p)) for p in corpus]
    check_outputs(cli, corpus, str(out), "key", *opts)


def test_workers_set_up_once(client, corpus, tmp_path):
    onoma.dask.translit_files(corpus, str(tmp_path / "a"), lang="ru", client=client)
    before = client.run(onoma.dask.worker_stats)
    onoma.dask.translit_files(corpus, str(tmp_path / "b"), lang="ru", client=client)
    onoma.dask.key_files(corpus, str(tmp_path / "c"), client=client)
    after = client.run(onoma.dask.worker_stats)
    for w, a in after.items():
        # the second run reused the first run's transliterator
        assert a["transliterators"] == before[w]["transliterators"] + 0
        assert a["keyers"] <= 2
    assert sum(a["tasks"] - before[w]["tasks"] for w, a in after.items()) == 2 * NFILES


def test_bag_and_dataframe(client, corpus):
    bag = db.read_text(corpus[:3], blocksize=None)
    lines = [line for p in corpus[:3] for line in open(p, encoding="utf-8-sig")]
    # read_text keeps the byte-order mark of part 5 only: parts 0-2 have none
    assert onoma.dask.translit(bag).compute() == onoma.translit_many(lines)
    assert onoma.dask.key(bag.map(str.rstrip)).compute() == onoma.keys([x.rstrip() for x in lines])
    texts = sources()[:200] + [None] * 3
    df = pd.DataFrame({"id": range(len(texts)), "text": texts})
    ddf = dd.from_pandas(df, npartitions=4)
    got = onoma.dask.translit(ddf, column="text", names=True).compute()
    pd.testing.assert_series_equal(got["text"], onoma.pandas.translit_series(df["text"], names=True))
    keys = onoma.dask.key(ddf["text"]).compute()
    pd.testing.assert_series_equal(keys, onoma.pandas.key_series(df["text"]))


def test_errors(client, corpus, tmp_path):
    with pytest.raises(onoma.Error) as ei:  # on the client, before any task
        onoma.dask.translit_files(corpus, str(tmp_path / "o"), scheme="no-such-scheme", client=client)
    assert ei.value.name == "ONOMA_ESCHEME"
    assert not (tmp_path / "o").exists() or os.listdir(tmp_path / "o") == []
    bad = tmp_path / "in" / "bad.txt"
    bad.parent.mkdir()
    bad.write_bytes("Путин\nok\n".encode() + b"\xff\n")
    with pytest.raises(onoma.Error) as ei:
        onoma.dask.translit_files([corpus[0], str(bad)], str(tmp_path / "t"), client=client)
    assert ei.value.name == "ONOMA_EUTF8" and ei.value.file == str(bad) and ei.value.offset == 14
    with pytest.raises(onoma.Error) as ei:
        onoma.dask.key_files([str(bad)], str(tmp_path / "k"), client=client)
    assert ei.value.name == "ONOMA_EUTF8" and ei.value.file == str(bad) and ei.value.line == 3
    assert [n for d in ("t", "k") for n in os.listdir(tmp_path / d) if n.startswith(".") or n == "bad.txt"] == []
    with pytest.raises(TypeError):
        onoma.dask.key(["not", "dask"])
    with pytest.raises(ValueError, match="column"):
        onoma.dask.translit(dd.from_pandas(pd.DataFrame({"a": ["x"]}), npartitions=1))
