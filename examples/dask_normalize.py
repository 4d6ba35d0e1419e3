#!/usr/bin/python3
"""Normalize a corpus of text files on a Dask cluster with onoma.

    examples/dask_normalize.py [OPTIONS] INPUT... -o OUTDIR

Each input file is one task: the worker that runs it normalizes the file
with the C library (the tables opened once per worker process, mapped into
memory) and writes OUTDIR/NAME atomically, byte for byte what
`onoma normalize NAME` writes. If a worker dies, Dask runs its tasks again
elsewhere; the outputs come out the same.

By default the job runs on a LocalCluster of 2 worker processes on this
machine. On a real cluster, start a scheduler and workers (same Python
environment with onoma installed on every machine, and the inputs, outputs
and any --table under the same paths on every machine, e.g. over NFS):

    scheduler$ dask scheduler --port 8786
    worker1$   dask worker tcp://scheduler:8786 --nworkers 2 --nthreads 1
    worker2$   dask worker tcp://scheduler:8786 --nworkers 2 --nthreads 1
    anywhere$  examples/dask_normalize.py --scheduler tcp://scheduler:8786 corpus/*.txt -o out/

One big file can be cut first into parts at line ends (--split N), so that
N tasks share it; the parts go to --parts DIR (default OUTDIR.parts) and the
outputs are the normalized parts (`cat OUTDIR/*` joins them back).

Prints the size, the time of the job (without starting the cluster) and the
throughput, and the files and CPU time of each worker (on a machine whose
cores are busy with other work, the CPU times tell how the work was shared
when the wall time cannot).
"""
import argparse
import os
import sys
import time


def split(path, n, folder):
    """Cut path into n parts of about equal size, at line ends; their paths."""
    size = os.path.getsize(path)
    base = os.path.basename(path)
    os.makedirs(folder, exist_ok=True)
    parts = []
    with open(path, "rb") as f:
        for i in range(n):
            want = size * (i + 1) // n - f.tell() if i < n - 1 else size
            chunk = f.read(max(want, 0))
            if i < n - 1:
                chunk += f.readline()  # to the end of the line
            p = os.path.join(folder, f"{base}.{i:04d}")
            with open(p, "wb") as out:
                out.write(chunk)
            parts.append(p)
    return parts


def warm(tables):
    tables.normalize("")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("inputs", nargs="+", metavar="INPUT", help="text files (or one folder)")
    ap.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="folder for the outputs")
    ap.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="a running Dask scheduler (default: a LocalCluster)")
    ap.add_argument("--workers", type=int, default=2, help="LocalCluster: worker processes (default 2)")
    ap.add_argument("--threads-per-worker", type=int, default=1, help="LocalCluster: threads per worker (default 1)")
    ap.add_argument("--split", type=int, metavar="N", help="cut each input into N parts at line ends first")
    ap.add_argument("--parts", metavar="DIR", help="where --split writes the parts (default OUTDIR.parts)")
    ap.add_argument("-t", "--table", action="append", default=[], help="add a table (text or compiled); repeatable")
    ap.add_argument("--no-default-tables", action="store_true", help="do not load the bundled tables")
    ap.add_argument("-s", "--style", help="canonical forms of this house style")
    ap.add_argument("--exact", action="store_true", help="byte-exact keys (onoma normalize --exact)")
    a = ap.parse_args()

    import onoma
    import onoma.dask
    from dask.distributed import Client, LocalCluster

    inputs = a.inputs
    if a.split:
        folder = a.parts or a.output.rstrip("/") + ".parts"
        inputs = [p for path in a.inputs for p in split(path, a.split, folder)]
    if len(inputs) == 1 and os.path.isdir(inputs[0]):
        inputs = inputs[0]
    tables = onoma.Tables(a.table, defaults=not a.no_default_tables, exact_only=a.exact)

    cluster = None
    if a.scheduler:
        client = Client(a.scheduler)
    else:
        cluster = LocalCluster(n_workers=a.workers, threads_per_worker=a.threads_per_worker, processes=True,
                               dashboard_address=":0")
        client = Client(cluster)
    try:
        nworkers = len(client.scheduler_info()["workers"])
        client.run(warm, tables)  # every worker imports onoma and opens the tables before the clock starts
        t0 = time.perf_counter()
        res = onoma.dask.normalize_files(inputs, a.output, a.style, fuzzy=not a.exact, tables=tables, client=client,
                                         details=True)
        dt = time.perf_counter() - t0
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    mb = sum(r[1] for r in res) / 1e6
    files, cpu = {}, {}
    for r in res:
        files[r[3]] = files.get(r[3], 0) + 1
        cpu[r[3]] = cpu.get(r[3], 0.0) + r[4]
    print(f"{len(res)} files, {mb:.1f} MB, {nworkers} workers: {dt:.2f} s, {mb / dt:.1f} MB/s")
    print("per worker process (files, CPU seconds in tasks):",
          ", ".join(f"{pid}: {files[pid]}, {cpu[pid]:.2f} s" for pid in sorted(files)))
    # what the job would take on free cores: the busiest worker's CPU time
    print(f"CPU in tasks: {sum(cpu.values()):.2f} s; busiest worker {max(cpu.values()):.2f} s "
          f"({mb / max(cpu.values()):.1f} MB per CPU second of the busiest)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
