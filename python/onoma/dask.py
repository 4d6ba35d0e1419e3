"""onoma on Dask: normalize, transliterate and key corpora and columns across
a cluster.

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

    onoma.dask.translit_files("corpus/*.txt", "latin/", lang="ru")   # as `onoma translit`
    onoma.dask.key_files("names/*.txt", "keys/")                      # as `onoma key`
    ddf["key"] = onoma.dask.key(ddf["name"])

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

from ._core import CODES, Error, PathLike, Tables, _flags, default_tables
from ._key import Keyer
from ._translit import Transliterator

__all__ = ["normalize", "normalize_files", "translit", "translit_files", "key", "key_files", "worker_stats"]

# What this process did (for worker_stats): tasks run, bytes read and written.
_stats = {"tasks": 0, "bytes_in": 0, "bytes_out": 0}


def worker_stats() -> Dict[str, int]:
    """Figures of the calling process: its pid, how many table sets it has
    opened (one per distinct set of tables, however many tasks ran), tasks
    and bytes. ``client.run(onoma.dask.worker_stats)`` asks every worker."""
    from . import _translit

    return dict(_stats, pid=os.getpid(), tables_opened=Tables.shared_opens,
                transliterators=len(_translit._shared), keyers=len(Keyer._shared))


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
    dd = _dataframe()
    if dd is not None and isinstance(collection, dd.DataFrame):
        if column is None:
            raise ValueError("normalize() of a DataFrame needs column=")
        return collection.assign(**{column: normalize(collection[column], style, fuzzy=fuzzy, tables=t, guard=guard,
                                                      any_case=any_case, invalid=invalid)})
    if dd is not None and isinstance(collection, dd.Series):
        return collection.map_partitions(_normalize_pandas, t, flags, style, meta=collection._meta)
    raise TypeError(f"onoma.dask.normalize() takes a dask Bag, Series or DataFrame, not {type(collection).__name__}")


def _dataframe() -> Any:
    """dask.dataframe, or None where dask is installed without it."""
    try:
        import dask.dataframe as dd
    except ImportError:  # pragma: no cover - dask without its dataframe part
        return None
    return dd


def _map_partition(part: Iterable[Any], mapper: Any) -> List[Any]:
    items = list(part)
    mapper._map(items)
    _stats["tasks"] += 1
    return items


def _map_pandas(s: Any, mapper: Any) -> Any:
    import numpy as np
    import pandas as pd

    src = np.ascontiguousarray(s.to_numpy(dtype=object), dtype=object)
    values = np.empty(len(src), dtype=object)
    mapper._map(values, src)
    _stats["tasks"] += 1
    return pd.Series(values, index=s.index, name=s.name, dtype=s.dtype, copy=False)


def _map_collection(collection: Any, mapper: Any, column: Optional[str], what: str) -> Any:
    if isinstance(collection, db.Bag):
        return collection.map_partitions(_map_partition, mapper)
    dd = _dataframe()
    if dd is not None and isinstance(collection, dd.DataFrame):
        if column is None:
            raise ValueError(f"{what}() of a DataFrame needs column=")
        return collection.assign(**{column: _map_collection(collection[column], mapper, None, what)})
    if dd is not None and isinstance(collection, dd.Series):
        return collection.map_partitions(_map_pandas, mapper, meta=collection._meta)
    raise TypeError(f"onoma.dask.{what}() takes a dask Bag, Series or DataFrame, not {type(collection).__name__}")


def _transliterator(tr: Optional[Transliterator], kw: Dict[str, Any]) -> Transliterator:
    if tr is not None:
        return tr
    from ._translit import shared

    return shared(**kw)  # checks the options here, on the client: a bad scheme fails at once


def translit(collection: Any, lang: Optional[str] = None, scheme: Optional[str] = None, *, names: bool = False,
             style: Optional[str] = None, ascii: bool = False, any_script: bool = False, invalid: str = "error",
             tables: Optional[Tables] = None, lexicon: bool = True, scheme_files: Sequence[PathLike] = (),
             scheme_path: Optional[str] = None, transliterator: Optional[Transliterator] = None,
             column: Optional[str] = None) -> Any:
    """Transliterate every text of a Dask collection, lazily: a Bag of str,
    a dask.dataframe Series, or a DataFrame and ``column`` (as
    :func:`normalize`). The options are those of
    :class:`onoma.Transliterator` (or pass one): it travels as its options,
    and each worker process sets it up once and reuses it. For whole files,
    byte for byte as ``onoma translit`` writes them, use :func:`translit_files`."""
    tr = _transliterator(transliterator, dict(lang=lang, scheme=scheme, names=names, style=style, tables=tables,
                                              ascii=ascii, any_script=any_script, invalid=invalid, lexicon=lexicon,
                                              scheme_files=scheme_files, scheme_path=scheme_path))
    return _map_collection(collection, tr, column, "translit")


def key(collection: Any, lang: Optional[str] = None, *, ordered: bool = False, rules: Optional[PathLike] = None,
        keyer: Optional[Keyer] = None, column: Optional[str] = None) -> Any:
    """The name key of every text of a Dask collection, lazily (a Bag, a
    Series, or a DataFrame and ``column``, whose texts are replaced by their
    keys; use ``ddf.assign(key=onoma.dask.key(ddf["name"]))`` to keep both).
    See :class:`onoma.Keyer`; each worker loads the rules once."""
    k = keyer or Keyer.shared(lang, ordered=ordered, rules=rules)
    return _map_collection(collection, k, column, "key")


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


def _read_input(src: str) -> bytes:
    with open(src, "rb") as f:
        return f.read()


def _decoded(data: bytes, src: str) -> bytes:
    """The text as the command line's reader gives it (translit, key): a
    UTF-8 byte-order mark left out, UTF-16 with a mark into UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:]
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as e:
            raise Error(CODES["ONOMA_EUTF8"], f"invalid UTF-16 at byte {e.start}", src, 0, 0, e.start) from None
    return data


def _do_normalize(data: bytes, src: str, tables: Tables, flags: int, style: Optional[str]) -> bytes:
    try:
        if b"\0" in data:
            return tables._whole(data, flags, style)
        return tables._many(tables._normalizer(flags, style), data)
    except Error as e:
        e.file = src  # the library names no file: it saw a buffer
        e.index = None
        raise


def _do_translit(data: bytes, src: str, tr: Transliterator) -> bytes:
    return tr._bytes(_decoded(data, src), name=src)


def _do_key(data: bytes, src: str, keyer: Keyer) -> bytes:
    """One key a line, as `onoma key FILE`: lines end at LF (a CR before it
    is left out), a last line without LF counts."""
    data = _decoded(data, src)
    if not data:
        return b""
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    items = [(ln[:-1] if ln.endswith(b"\r") else ln).decode("utf-8", "surrogateescape") for ln in lines]
    try:
        keyer._map(items)
    except Error as e:
        line = (e.index or 0) + 1
        raise Error(e.code, e.message, src, line, e.column, e.offset) from None
    return ("\n".join(items) + "\n").encode("utf-8", "surrogateescape")


def _process_file(job: Tuple[str, str], fn: Any, *args: Any) -> Tuple[str, int, int, int, float]:
    cpu0 = time.thread_time()
    src, dst = job
    data = _read_input(src)
    out = fn(data, src, *args)
    _write_atomic(dst, out)
    _stats["tasks"] += 1
    _stats["bytes_in"] += len(data)
    _stats["bytes_out"] += len(out)
    return dst, len(data), len(out), os.getpid(), time.thread_time() - cpu0


def _normalize_file(job: Tuple[str, str], tables: Tables, flags: int,
                    style: Optional[str]) -> Tuple[str, int, int, int, float]:
    return _process_file(job, _do_normalize, tables, flags, style)


def _translit_file(job: Tuple[str, str], tr: Transliterator) -> Tuple[str, int, int, int, float]:
    return _process_file(job, _do_translit, tr)


def _key_file(job: Tuple[str, str], keyer: Keyer) -> Tuple[str, int, int, int, float]:
    return _process_file(job, _do_key, keyer)


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
    return _run_files(inputs, output_dir, client, details, _normalize_file, _resolve(tables), flags, style)


def _run_files(inputs: Union[str, Sequence[str]], output_dir: str, client: Any, details: bool, task: Any,
               *args: Any) -> Any:
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
    bag = db.from_sequence(jobs, npartitions=len(jobs)).map(task, *args)
    if client is not None:
        res = client.compute(bag).result()
    else:
        (res,) = dask.compute(bag)
    return list(res) if details else [r[0] for r in res]


def translit_files(inputs: Union[str, Sequence[str]], output_dir: str, lang: Optional[str] = None,
                   scheme: Optional[str] = None, *, names: bool = False, style: Optional[str] = None,
                   ascii: bool = False, any_script: bool = False, invalid: str = "error",
                   tables: Optional[Tables] = None, lexicon: bool = True, scheme_files: Sequence[PathLike] = (),
                   scheme_path: Optional[str] = None, transliterator: Optional[Transliterator] = None,
                   client: Any = None, details: bool = False) -> Any:
    """Transliterate text files on the cluster, one task per file, as
    :func:`normalize_files` does: ``output_dir/NAME`` for each input, byte
    for byte what ``onoma translit NAME`` writes with the same options,
    written atomically, returned in input order. Each worker sets the
    transliterator up once (see :class:`onoma.Transliterator` for the
    options). A UTF-8 byte-order mark is left out and UTF-16 with a mark is
    read as such, as the command line does."""
    tr = _transliterator(transliterator, dict(lang=lang, scheme=scheme, names=names, style=style, tables=tables,
                                              ascii=ascii, any_script=any_script, invalid=invalid, lexicon=lexicon,
                                              scheme_files=scheme_files, scheme_path=scheme_path))
    return _run_files(inputs, output_dir, client, details, _translit_file, tr)


def key_files(inputs: Union[str, Sequence[str]], output_dir: str, lang: Optional[str] = None, *,
              ordered: bool = False, rules: Optional[PathLike] = None, keyer: Optional[Keyer] = None,
              client: Any = None, details: bool = False) -> Any:
    """The key of every line of text files (one name a line), on the cluster:
    ``output_dir/NAME`` is byte for byte what ``onoma key NAME`` writes (one
    key a line), written atomically; outputs in input order. An invalid
    line raises :class:`onoma.Error` naming the file and line."""
    k = keyer or Keyer.shared(lang, ordered=ordered, rules=rules)
    return _run_files(inputs, output_dir, client, details, _key_file, k)
