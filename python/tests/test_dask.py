"""onoma.dask on a real (local) Dask cluster: two worker processes."""
import json
import logging
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time

import pandas as pd
import pytest

import onoma
import onoma.dask
import onoma.pandas
from conftest import run_cli

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")
import dask.bag as db  # noqa: E402
import dask.dataframe as dd  # noqa: E402
from dask.distributed import Client, LocalCluster  # noqa: E402

NFILES = 12


def make_corpus(folder, article, nfiles=NFILES, size=150_000):
    """nfiles text files of the sample article's sentences, shuffled, with
    CRLF in some and other scripts in others."""
    os.makedirs(folder, exist_ok=True)
    sentences = [s.strip() + "." for s in article.split(".") if s.strip()]
    extra = ["قاسم سليماني في طهران", "Генерал Сулеймани", "Abu Mahdi al-Mohandes and SULEIMANI",
             "he said that Said Khatib-Zadeh said so"]
    rnd = random.Random(20261125)
    paths = []
    for i in range(nfiles):
        eol = "\r\n" if i % 4 == 3 else "\n"
        lines, n = [], 0
        while n < size:
            k = rnd.randint(1, 4)
            line = " ".join(rnd.choice(sentences + extra) for _ in range(k))
            lines.append(line)
            n += len(line) + 1
        p = os.path.join(folder, f"part-{i:03d}.txt")
        with open(p, "w", encoding="utf-8", newline="") as f:
            f.write(eol.join(lines) + (eol if i % 2 else ""))
        paths.append(p)
    return paths


def start_cluster():
    return LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                        silence_logs=logging.ERROR)


@pytest.fixture(scope="module")
def client():
    with start_cluster() as cluster, Client(cluster) as c:
        c.wait_for_workers(2, timeout=60)
        yield c


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, article):
    return make_corpus(str(tmp_path_factory.mktemp("corpus")), article)


def check_outputs(cli, inputs, out_dir):
    """Every output is the command line's output of its input; nothing else is there."""
    names = sorted(os.path.basename(p) for p in inputs)
    assert sorted(os.listdir(out_dir)) == names  # no temporary file left, nothing missing or extra
    changed = 0
    for p in inputs:
        want = run_cli(cli, "normalize", p)
        with open(os.path.join(out_dir, os.path.basename(p)), "rb") as f:
            got = f.read()
        assert got == want, f"{p}: output differs from the command line's"
        with open(p, "rb") as f:
            changed += f.read() != got
    assert changed == len(inputs)  # the corpus does have names to rewrite


def test_files_same_as_cli(client, corpus, cli, tmp_path):
    before = client.run(onoma.dask.worker_stats)
    assert len(before) == 2
    out = tmp_path / "out"
    res = onoma.dask.normalize_files(corpus, str(out), client=client, details=True)
    assert [r[0] for r in res] == [str(out / os.path.basename(p)) for p in corpus]  # in input order
    check_outputs(cli, corpus, str(out))
    assert sum(r[1] for r in res) == sum(os.path.getsize(p) for p in corpus)
    # again, by folder: the workers reuse the tables they opened
    onoma.dask.normalize_files(os.path.dirname(corpus[0]), str(tmp_path / "again"), client=client)
    after = client.run(onoma.dask.worker_stats)
    assert sum(a["tasks"] - before[w]["tasks"] for w, a in after.items()) == 2 * len(corpus)
    assert all(a["tables_opened"] == 1 for a in after.values()), after


def test_bag_of_lines(client, corpus):
    bag = db.read_text(corpus[:4], blocksize=None)  # lines, one partition per file
    got = onoma.dask.normalize(bag).compute()
    # read_text reads in text mode: universal newlines, as open() does by default
    lines = [line for p in corpus[:4] for line in open(p, encoding="utf-8")]
    assert got == onoma.normalize_many(lines)
    assert got != lines


def test_dataframe_column(client, article):
    names = article.split(", ") + [None] * 3
    df = pd.DataFrame({"id": range(len(names)), "text": names})
    ddf = dd.from_pandas(df, npartitions=4)
    got = onoma.dask.normalize(ddf, column="text", style="ap").compute()
    want = onoma.pandas.normalize_series(df["text"], "ap")
    pd.testing.assert_series_equal(got["text"], want)
    assert (got["id"] == df["id"]).all()
    s = onoma.dask.normalize(ddf["text"]).compute()
    pd.testing.assert_series_equal(s, onoma.pandas.normalize_series(df["text"]))


def test_bad_file_named(client, corpus, tmp_path):
    bad = tmp_path / "in" / "bad.txt"
    bad.parent.mkdir()
    bad.write_bytes(b"Suleimani\nok \xff here\n")
    with pytest.raises(onoma.Error) as ei:
        onoma.dask.normalize_files([corpus[0], str(bad)], str(tmp_path / "out"), client=client)
    assert ei.value.name == "ONOMA_EUTF8" and ei.value.file == str(bad) and ei.value.offset == 13
    assert not (tmp_path / "out" / "bad.txt").exists()
    assert [n for n in os.listdir(tmp_path / "out") if n.startswith(".")] == []


def test_usage_errors(corpus, tmp_path):
    with pytest.raises(ValueError, match="share a name"):
        onoma.dask.normalize_files([corpus[0], corpus[0]], str(tmp_path))
    with pytest.raises(ValueError, match="overwrite"):
        onoma.dask.normalize_files(corpus[:1], os.path.dirname(corpus[0]))
    with pytest.raises(FileNotFoundError):
        onoma.dask.normalize_files(str(tmp_path / "none-*.txt"), str(tmp_path / "o"))
    with pytest.raises(TypeError):
        onoma.dask.normalize(["not", "dask"])


def test_worker_killed_mid_run(corpus, cli, tmp_path):
    """SIGKILL a worker while it works on a file: Dask runs the task again
    (on the other worker or on the one its nanny restarts), and the job
    ends with every output as the command line writes it. To kill it
    mid-task for sure, one input is a named pipe: its task blocks reading
    until the test writes the text, after the kill."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    paths = []
    for p in corpus:
        q = inputs / os.path.basename(p)
        q.write_bytes(open(p, "rb").read())
        paths.append(str(q))
    k = len(paths) // 2
    fifo = paths[k]
    text = open(fifo, "rb").read()
    os.unlink(fifo)
    os.mkfifo(fifo)
    out = tmp_path / "out"
    result, failure = [], []

    def job():
        try:
            result.append(onoma.dask.normalize_files(paths, str(out), client=c))
        except BaseException as e:  # pragma: no cover - reported below
            failure.append(e)

    with start_cluster() as cluster, Client(cluster) as c:
        c.wait_for_workers(2, timeout=60)
        pids = c.run(os.getpid)
        th = threading.Thread(target=job)
        th.start()
        victim, key = None, None
        deadline = time.monotonic() + 60
        while victim is None and time.monotonic() < deadline:
            for w, keys in c.processing().items():
                for kk in keys:
                    if "_normalize_file" in str(kk) and str(kk).endswith(f", {k})"):
                        victim, key = w, kk
            time.sleep(0.02)
        assert victim, "the pipe's task never started"
        # wait until the other worker has written outputs: the job is mid-run
        while len(os.listdir(out)) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        done_before = set(os.listdir(out))
        assert 2 <= len(done_before) < len(paths)
        os.kill(pids[victim], signal.SIGKILL)
        # the scheduler notices, counts the task as suspicious, and runs it again
        while time.monotonic() < deadline:
            state = c.run_on_scheduler(lambda dask_scheduler, key=key: (
                dask_scheduler.tasks[key].suspicious, dask_scheduler.tasks[key].state))
            if state[0] >= 1 and state[1] == "processing":
                break
            time.sleep(0.05)
        assert state == (1, "processing"), state
        with open(fifo, "wb") as f:  # the rerun reads it now
            f.write(text)
        th.join(120)
        assert not th.is_alive() and not failure, failure
        assert c.run(os.getpid) != pids  # a new worker process took the killed one's place
    os.unlink(fifo)  # a plain file again, for the command line to read
    with open(fifo, "wb") as f:
        f.write(text)
    assert result[0] == [str(out / os.path.basename(p)) for p in paths]
    check_outputs(cli, paths, str(out))


EXAMPLE = os.path.join(os.environ.get("ONOMA_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..")),
                       "examples", "dask_normalize.py")


def run_example(*args):
    r = subprocess.run([sys.executable, EXAMPLE, *args], capture_output=True, text=True, timeout=240)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_example_local_cluster(corpus, cli, tmp_path):
    # one big file cut into parts: the parts' outputs, joined, are the command line's output of the file
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        for p in corpus:
            f.write(open(p, "rb").read())
    out = run_example("--split", "8", "--parts", str(tmp_path / "parts"), str(big), "-o", str(tmp_path / "out"))
    assert re.search(r"^8 files, [0-9.]+ MB, 2 workers: ", out, re.M), out
    parts = sorted(os.listdir(tmp_path / "parts"))
    assert len(parts) == 8 and sorted(os.listdir(tmp_path / "out")) == parts
    joined = b"".join(open(tmp_path / "out" / n, "rb").read() for n in parts)
    assert joined == run_cli(cli, "normalize", str(big))


def test_example_on_a_scheduler(corpus, cli, tmp_path):
    """The example against a scheduler and workers started as on a real
    cluster (`dask scheduler`, `dask worker`), here on this machine."""
    sched_file = tmp_path / "scheduler.json"
    procs = []
    try:
        procs.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--port", "0",
                                       "--no-dashboard", "--scheduler-file", str(sched_file)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + 60
        while not sched_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.2)  # written in full
        address = json.loads(sched_file.read_text())["address"]
        procs.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address, "--nworkers", "2",
                                       "--nthreads", "1", "--no-dashboard"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        with Client(address) as c:
            c.wait_for_workers(2, timeout=60)
        out = run_example("--scheduler", address, *corpus[:6], "-o", str(tmp_path / "out"))
        assert re.search(r"^6 files, [0-9.]+ MB, 2 workers: ", out, re.M), out
        check_outputs(cli, corpus[:6], str(tmp_path / "out"))
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
