"""The progress bar of `onoma normalize`: on a terminal by default, never
in pipes unless asked (--progress), never with --no-progress."""
import os
import pty
import re
import select
import subprocess
import time

import pytest

CLI = os.environ["ONOMA_CLI"]


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """Some text (20 MB)."""
    src = os.path.join(os.environ["ONOMA_TEST_DATA"], "fixtures", "mehr-soleimani-revenge.variants.txt")
    with open(src, "rb") as f:
        article = f.read()
    p = tmp_path_factory.mktemp("progress") / "big.txt"
    with open(p, "wb") as f:
        for _ in range(5_000):
            f.write(article + b"\n")
    return str(p)


def run_with_tty_stderr(args):
    """Run onoma with standard error on a pseudo-terminal and standard output
    on a pipe read slowly (so that the job lasts over a second whatever the
    machine); what it wrote on the terminal."""
    master, slave = pty.openpty()
    p = subprocess.Popen([CLI, *args], stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    chunks, out_open, err_open = [], True, True
    out_fd = p.stdout.fileno()
    while out_open or err_open:
        fds = ([out_fd] if out_open else []) + ([master] if err_open else [])
        r, _, _ = select.select(fds, [], [], 60)
        if not r:
            p.kill()
            raise AssertionError("onoma hung")
        if master in r:
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO: the other side is closed
                data = b""
            if data:
                chunks.append(data)
            else:
                err_open = False
        if out_fd in r:
            if not os.read(out_fd, 128 * 1024):
                out_open = False
            time.sleep(0.008)  # about 16 MB/s
    os.close(master)
    p.stdout.close()
    assert p.wait(60) == 0
    return b"".join(chunks).decode("utf-8", "replace")


BAR = re.compile(r"onoma: \[[#-]+\] +\d+%")


def test_bar_on_a_terminal(big, tmp_path):
    err = run_with_tty_stderr(["normalize", big])
    assert BAR.search(err), repr(err[:300])
    assert re.search(r"%  [0-9.]+ MB / [0-9.]+ MB  [0-9.]+ MB/s", err), repr(err[:300])
    assert err.endswith("\r\x1b[K")  # the line is given back clean


def test_no_bar_when_asked(big, tmp_path):
    err = run_with_tty_stderr(["normalize", "--no-progress", big])
    assert err == ""


def test_no_bar_when_output_is_the_terminal_too(tmp_path):
    # output to the same terminal as standard error: a bar would mix with the text
    small = tmp_path / "s.txt"
    small.write_text("Suleimani\n")
    master, slave = pty.openpty()
    p = subprocess.Popen([CLI, "normalize", str(small)], stdout=slave, stderr=slave)
    os.close(slave)
    out = b""
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        out += data
    os.close(master)
    assert p.wait(30) == 0
    assert out.replace(b"\r\n", b"\n") == b"Soleimani\n"


def test_never_in_pipes_by_default(big):
    r = subprocess.run([CLI, "normalize", big], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    assert r.stderr == b""


def test_forced_in_pipes(big):
    with open(big, "rb") as f:
        r = subprocess.run([CLI, "normalize", "--progress", "-"], stdin=f, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, check=True)
    err = r.stderr.decode()
    assert BAR.search(err)
    # not a terminal: the final state stays, on its own line
    assert re.search(r"\] 100%  ([0-9.]+ MB) / \1  [0-9.]+ MB/s\n$", err), repr(err[-200:])
    # from a pipe the size is unknown: bytes and rate, no percentage
    r = subprocess.run(f"cat '{big}' | '{CLI}' normalize --progress", shell=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, check=True)
    last = r.stderr.decode().rstrip("\n").split("\r")[-1]
    assert re.fullmatch(r"onoma: [0-9.]+ [kMG]?B  [0-9.]+ [kMG]?B/s", last), last
    assert "%" not in r.stderr.decode()


def test_output_unchanged_by_the_bar(big, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    subprocess.run([CLI, "normalize", "--progress", big, "-o", str(a)], check=True, capture_output=True)
    subprocess.run([CLI, "normalize", "--no-progress", big, "-o", str(b)], check=True, capture_output=True)
    assert a.read_bytes() == b.read_bytes()


def test_help_lists_the_options():
    out = subprocess.run([CLI, "normalize", "--help"], capture_output=True, text=True, check=True).stdout
    assert "--progress" in out and "--no-progress" in out
    r = subprocess.run([CLI, "normalize", "--progressive"], capture_output=True, text=True)
    assert r.returncode == 2
