"""onoma on Dask: normalize corpora and columns across a cluster.

The library does the work inside each worker; Dask does the scheduling,
the retries and the data movement. Tables travel as their paths only: a
worker process opens them on first use (compiled tables are mapped into
memory, so the pages are shared by the workers of one machine) and reuses
them for every later task, whatever its thread.

    from dask.distributed import Client
    import onoma.dask

    client = Client("tcp://scheduler:8786")          # or Client() for a local cluster
    onoma.dask.normalize_files("corpus/*.txt", "out/")  # out/NAME for each corpus/NAME

    bag = dask.bag.read_text("corpus/*.txt")          # lines
    onoma.dask.normalize(bag).to_textfiles("out/*.txt")

    ddf["name"] = onoma.dask.normalize(ddf["name"])   # a dask.dataframe column

Every path (inputs, outputs, your own tables) must be reachable under the
same name from every worker: a shared file system, or the same layout on
every machine.
"""
from __future__ import annotations

import glob
import os
import secrets
import time
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import dask
import dask.bag as db

from ._core import Error, Tables, _flags, default_tables

__all__ = ["normalize", "normalize_files", "worker_stats"]

# What this process did (for worker_stats): tasks run, bytes read and written.
_stats = {"tasks": 0, "bytes_in": 0, "bytes_out": 0}


def worker_stats() -> Dict[str, int]:
    """Figures of the calling process: its pid, how many table sets it has
    opened (one per distinct set of tables, however many tasks ran), tasks
    and bytes. ``client.run(onoma.dask.worker_stats)`` asks every worker."""
    return dict(_stats, pid=os.getpid(), tables_opened=Tables.shared_opens)


def _resolve(tables: Optional[Tables]) -> Tables:
    return tables if tables is not None else default_tables()


# ---------------------------------------------------------------- collections

def _normalize_partition(part: Iterable[Any], tables: Tables, flags: int, style: Optional[str]) -> List[Any]:
    items = list(part)
    tables._replace(items, flags, style, 1)  # one thread: Dask runs the partitions in parallel
    _stats["tasks"] += 1
    return items


def _normalize_pandas(s: Any, tables: Tables, flags: int, style: Optional[str]) -> Any:
    import numpy as np
    import pandas as pd

    src = np.ascontiguousarray(s.to_numpy(dtype=object), dtype=object)
    values = np.empty(len(src), dtype=object)
    tables._replace(values, flags, style, 1, src)
    _stats["tasks"] += 1
    return pd.Series(values, index=s.index, name=s.name, dtype=s.dtype, copy=False)


def normalize(collection: Any, style: Optional[str] = None, *, fuzzy: bool = True, tables: Optional[Tables] = None,
              guard: bool = True, any_case: bool = False, invalid: str = "error",
              column: Optional[str] = None) -> Any:
    """Normalize every text of a Dask collection, lazily:

    - a ``dask.bag.Bag`` of str (e.g. the lines of ``dask.bag.read_text``):
      a Bag of the normalized texts, partition for partition;
    - a ``dask.dataframe.Series`` of text: a Series (missing values stay);
    - a ``dask.dataframe.DataFrame`` and ``column``: the frame with that
      column normalized.

    Each text is normalized on its own (see :func:`onoma.normalize` for the
    options). For whole files, byte for byte as ``onoma normalize`` writes
    them, use :func:`normalize_files`.
    """
    flags = _flags(fuzzy, guard, any_case, invalid)
    t = _resolve(tables)
    if isinstance(collection, db.Bag):
        return collection.map_partitions(_normalize_partition, t, flags, style)
    dd: Any
    try:
        import dask.dataframe as dd
    except ImportError:  # pragma: no cover - dask without its dataframe part
        dd = None
    if dd is not None and isinstance(collection, dd.DataFrame):
        if column is None:
            raise ValueError("normalize() of a DataFrame needs column=")
        return collection.assign(**{column: normalize(collection[column], style, fuzzy=fuzzy, tables=t, guard=guard,
                                                      any_case=any_case, invalid=invalid)})
    if dd is not None and isinstance(collection, dd.Series):
        return collection.map_partitions(_normalize_pandas, t, flags, style, meta=collection._meta)
    raise TypeError(f"onoma.dask.normalize() takes a dask Bag, Series or DataFrame, not {type(collection).__name__}")


# ----------------------------------------------------------------------- files

def _write_atomic(path: str, data: bytes) -> None:
    """All or nothing: a temporary file in the same folder, renamed over path.
    Created with mode 0666 less the umask, as the command line's -o does."""
    folder = os.path.dirname(path) or "."
    for _ in range(100):
        tmp = os.path.join(folder, f".{os.path.basename(path)}.onoma-{secrets.token_hex(4)}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
            break
        except FileExistsError:
            continue
    else:  # pragma: no cover
        raise FileExistsError(f"{path}: no free temporary name beside it")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _normalize_file(job: Tuple[str, str], tables: Tables, flags: int,
                    style: Optional[str]) -> Tuple[str, int, int, int, float]:
    cpu0 = time.thread_time()
    src, dst = job
    with open(src, "rb") as f:
        data = f.read()
    try:
        if b"\0" in data:
            out = tables._whole(data, flags, style)
        else:
            out = tables._many(tables._normalizer(flags, style), data)
    except Error as e:
        e.file = src  # the library names no file: it saw a buffer
        e.index = None
        raise
    _write_atomic(dst, out)
    _stats["tasks"] += 1
    _stats["bytes_in"] += len(data)
    _stats["bytes_out"] += len(out)
    return dst, len(data), len(out), os.getpid(), time.thread_time() - cpu0


def _inputs(inputs: Union[str, Sequence[str]]) -> List[str]:
    if isinstance(inputs, (str, os.PathLike)):
        p = os.fspath(inputs)
        if os.path.isdir(p):
            paths = sorted(os.path.join(p, n) for n in os.listdir(p) if not n.startswith("."))
        else:
            paths = sorted(glob.glob(p)) if glob.has_magic(p) else [p]
    else:
        paths = [os.fspath(x) for x in inputs]
    if not paths:
        raise FileNotFoundError(f"no input files: {inputs!r}")
    return [os.path.abspath(p) for p in paths]


def normalize_files(inputs: Union[str, Sequence[str]], output_dir: str, style: Optional[str] = None, *,
                    fuzzy: bool = True, tables: Optional[Tables] = None, guard: bool = True, any_case: bool = False,
                    invalid: str = "error", client: Any = None, details: bool = False) -> Any:
    """Normalize text files on the cluster, one task per file: each output is
    ``output_dir/NAME`` for the input ``.../NAME``, byte for byte what
    ``onoma normalize NAME`` writes, written atomically (a temporary file
    renamed into place), so that a task that Dask runs again after losing
    a worker rewrites the same bytes and a reader never sees half a file.

    ``inputs``: a list of paths, a glob pattern, or a folder (its files, in
    name order). Returns the output paths in input order (with
    ``details=True``: tuples (output, bytes in, bytes out, worker pid)).
    Runs on ``client`` if given, else on Dask's current scheduler (the
    last ``Client`` made, or local threads). An input with invalid UTF-8
    raises :class:`onoma.Error` naming the file, as the command line does.
    """
    flags = _flags(fuzzy, guard, any_case, invalid)
    paths = _inputs(inputs)
    out_dir = os.path.abspath(os.fspath(output_dir))
    names = [os.path.basename(p) for p in paths]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f"inputs share a name, their outputs would collide: {', '.join(dup)}")
    for p in paths:
        if os.path.dirname(p) == out_dir:
            raise ValueError(f"{p}: the output would overwrite the input")
    os.makedirs(out_dir, exist_ok=True)
    jobs = [(p, os.path.join(out_dir, n)) for p, n in zip(paths, names)]
    bag = db.from_sequence(jobs, npartitions=len(jobs)).map(_normalize_file, _resolve(tables), flags, style)
    if client is not None:
        res = client.compute(bag).result()
    else:
        (res,) = dask.compute(bag)
    return list(res) if details else [r[0] for r in res]
