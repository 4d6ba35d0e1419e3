#!/usr/bin/env python3
"""Latency of `onoma lsp`: how long after an edit to a 1 MB document the
server's new diagnostics arrive.

    bench/lsp_latency.py [--onoma build/bin/onoma] [--corpus /tmp/onoma-bench/en-100mb.txt]
                         [--mb 1] [--edits 30] [--limit-ms 50]

The document is the first MB of the English bench corpus (made by
/work/shared/bench/gen.py), opened as plain text; each edit is an
incremental didChange (a name inserted on some line, in UTF-16 positions,
the protocol's default); the time runs from writing the change to having
read the whole publishDiagnostics message for that version (parsing it is
left out of the time). Prints min / median / 90th percentile / max and
exits 1 when the median is over --limit-ms. Standard library only."""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("--onoma", default=os.path.join(os.path.dirname(__file__), "..", "build", "bin", "onoma"))
ap.add_argument("--corpus", default="/tmp/onoma-bench/en-100mb.txt")
ap.add_argument("--mb", type=float, default=1.0)
ap.add_argument("--edits", type=int, default=30)
ap.add_argument("--limit-ms", type=float, default=50.0)
args = ap.parse_args()

with open(args.corpus, "rb") as f:
    raw = f.read(int(args.mb * 1024 * 1024))
raw = raw[: raw.rfind(b"\n") + 1]
text = raw.decode("utf-8")
lines = text.split("\n")

p = subprocess.Popen([os.path.abspath(args.onoma), "lsp", "--no-config"], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE)


def send(msg):
    body = json.dumps(dict(msg, jsonrpc="2.0"), ensure_ascii=False).encode("utf-8")
    p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    p.stdin.flush()


def read_raw():
    n = None
    while True:
        line = p.stdout.readline()
        if not line:
            raise EOFError("the server closed its output")
        line = line.strip()
        if not line:
            break
        k, v = line.split(b":", 1)
        if k.strip().lower() == b"content-length":
            n = int(v)
    return p.stdout.read(n)


def wait_diagnostics(version):
    """Read until publishDiagnostics for version; returns (seconds, message)."""
    while True:
        body = read_raw()
        t = time.perf_counter()
        if b"publishDiagnostics" in body[:200]:
            m = json.loads(body)
            if m["params"].get("version") == version:
                return t, m


uri = "file:///bench/document.txt"
send({"id": 1, "method": "initialize", "params": {"processId": None, "capabilities": {}}})
read_raw()
send({"method": "initialized", "params": {}})
t0 = time.perf_counter()
send({"method": "textDocument/didOpen",
      "params": {"textDocument": {"uri": uri, "languageId": "plaintext", "version": 1, "text": text}}})
t1, m = wait_diagnostics(1)
print(f"document: {len(raw) / 1e6:.2f} MB, {len(lines)} lines; first check (tables, near-miss index, "
      f"{len(m['params']['diagnostics'])} diagnostics): {1000 * (t1 - t0):.1f} ms")

rnd = random.Random(7)
times = []
for k in range(args.edits):
    version = 2 + k
    line = rnd.randrange(len(lines) - 1)
    col = len(lines[line][: rnd.randrange(len(lines[line]) + 1)].encode("utf-16-le")) // 2
    t0 = time.perf_counter()
    send({"method": "textDocument/didChange",
          "params": {"textDocument": {"uri": uri, "version": version},
                     "contentChanges": [{"range": {"start": {"line": line, "character": col},
                                                   "end": {"line": line, "character": col}},
                                         "text": " Suleimani "}]}})
    t1, m = wait_diagnostics(version)
    times.append(1000 * (t1 - t0))
n = len(m["params"]["diagnostics"])
send({"id": 2, "method": "shutdown"})
read_raw()
send({"method": "exit"})
p.wait(timeout=30)
times.sort()
med = statistics.median(times)
p90 = times[min(len(times) - 1, int(0.9 * len(times)))]
print(f"re-check after an edit ({args.edits} edits, {n} diagnostics): min {times[0]:.1f} ms, "
      f"median {med:.1f} ms, p90 {p90:.1f} ms, max {times[-1]:.1f} ms (limit {args.limit_ms:.0f} ms)")
sys.exit(0 if med <= args.limit_ms else 1)
