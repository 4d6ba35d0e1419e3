"""Tables, normalize, lookup: the Python face of libonoma's C API."""
from __future__ import annotations

import os
import re
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, TypeVar, Union, overload

from ._ffi import ffi, lib

try:  # the loop of normalize_many in C (built with the package by CMake; optional)
    if os.environ.get("ONOMA_PY_SPEEDUPS", "1") == "0":
        raise ImportError("switched off by ONOMA_PY_SPEEDUPS=0")
    from . import _speedups  # type: ignore[attr-defined]

    _NORMALIZE_BUFFER = int(ffi.cast("uintptr_t", lib.onoma_normalize_buffer))
except ImportError:
    _speedups = None
# The accelerator's map_* loops (keys(), translit_many()): absent from one
# built before keys came, which then serves normalize only.
_map_speedups = _speedups if hasattr(_speedups, "map_list") else None

# Flags, as in include/onoma.h.
_EXACT = 1 << 0
_INVALID_KEEP = 1 << 1
_INVALID_REPLACE = 1 << 2
_NO_GUARD = 1 << 3
_ANY_CASE = 1 << 4
_TABLES_DEFAULTS = 1 << 0
_TABLES_EXACT = 1 << 1
_MATCH_EXACT = 1

# Items per call of onoma_normalize_many: big enough that the per-call cost
# vanishes, small enough to bound the memory of the joined copies.
_CHUNK = 1 << 17

PathLike = Union[str, "os.PathLike[str]"]
Text = TypeVar("Text", str, bytes)


def _str(p: Any) -> str:
    if p == ffi.NULL:
        return ""
    b: Any = ffi.string(p)
    return b.decode("utf-8", "surrogateescape")


def _error_names() -> Dict[int, str]:
    names: Dict[int, str] = {}
    code = -1
    while True:
        name = _str(lib.onoma_err_name(code))
        if not name.startswith("ONOMA_E") or name == "ONOMA_E?":
            return names
        names[code] = name
        code -= 1


class Error(Exception):
    """A failure reported by libonoma.

    Attributes: ``code`` (the library's negative ONOMA_E* code), ``name``
    (e.g. ``"ONOMA_EUTF8"``), ``message``, and where known ``file``, ``line``,
    ``column`` (1-based), ``offset`` (0-based byte offset in the UTF-8 input)
    and, for the vectorized functions, ``index``: the position of the item
    that failed.
    """

    code: int
    name: str
    message: str
    file: str
    line: int
    column: int
    offset: int
    index: Optional[int]

    def __init__(self, code: int, message: str = "", file: str = "", line: int = 0, column: int = 0,
                 offset: int = 0, index: Optional[int] = None) -> None:
        self.code = code
        self.name = ERROR_NAMES.get(code, "ONOMA_E?")
        self.message = message or _str(lib.onoma_strerror(code))
        self.file = file
        self.line = line
        self.column = column
        self.offset = offset
        self.index = index
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line:
                where += f":{self.line}"
                if self.column:
                    where += f":{self.column}"
            where += ": "
        elif self.index is not None:
            where = f"texts[{self.index}]: "
        return f"{where}{self.message} [{self.name}]"

    def __reduce__(self):  # survives pickling (Dask sends errors back to the client)
        return (Error, (self.code, self.message, self.file, self.line, self.column, self.offset, self.index))

    @classmethod
    def _from(cls, err: Any, code: int, index: Optional[int] = None) -> "Error":
        file = _str(err.file)
        if file == "-":  # the library's name for an unnamed input
            file = ""
        return cls(err.code or code, _str(err.message), file, err.line, err.column, err.offset, index)


ERROR_NAMES = _error_names()
#: The library's error codes by name, e.g. ``CODES["ONOMA_EUTF8"]``.
CODES = {v: k for k, v in ERROR_NAMES.items()}


@dataclass(frozen=True)
class Entity:
    """One entity a name names (from :meth:`Tables.lookup`)."""

    id: str  #: e.g. "Q1392218" or "Q1392218/surname"
    type: str  #: person, place, org, name, other
    canonical: str  #: form of the matched name in the requested style
    entity: str  #: canonical form of the whole entity (the full name)
    table: str  #: name of the table that holds it
    match: str  #: "exact" or "folded"
    guarded: bool  #: the spelling is a common word, rewritten in text only next to a name


@dataclass(frozen=True)
class TableInfo:
    """One source table of a :class:`Tables` set."""

    path: str
    name: str
    version: str
    license: str
    source: str
    kind: str  #: "names", "pairs" or "style"
    entries: int
    variants: int
    compiled: bool


@ffi.callback("int(void *, const onoma_entity *)")
def _on_entity(ctx: Any, e: Any) -> int:
    ffi.from_handle(ctx).append(Entity(
        _str(e.id), _str(e.type), _str(e.canonical), _str(e.display), _str(e.table),
        "exact" if e.match == _MATCH_EXACT else "folded", bool(e.guarded)))
    return 0


@ffi.callback("void(void *, const onoma_error *)")
def _on_diag(ctx: Any, e: Any) -> None:
    ffi.from_handle(ctx).append(Error._from(e, e.code))


def _flags(fuzzy: bool, guard: bool, any_case: bool, invalid: str) -> int:
    f = 0 if fuzzy else _EXACT
    if not guard:
        f |= _NO_GUARD
    if any_case:
        f |= _ANY_CASE
    if invalid == "keep":
        f |= _INVALID_KEEP
    elif invalid == "replace":
        f |= _INVALID_REPLACE
    elif invalid != "error":
        raise ValueError(f"invalid= takes 'error', 'keep' or 'replace', not {invalid!r}")
    return f


def _close_tables(h: Any) -> None:
    lib.onoma_tables_close(ffi.new("onoma_tables **", h))


def _free_normalizer(h: Any) -> None:
    lib.onoma_normalizer_free(ffi.new("onoma_normalizer **", h))


def _paths(paths: Union[PathLike, Iterable[PathLike], None]) -> Tuple[str, ...]:
    if paths is None:
        return ()
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    return tuple(os.path.abspath(os.fsdecode(p)) for p in paths)


class Tables:
    """A set of name tables, opened once and shared by threads.

    ``Tables()`` opens the bundled tables; ``Tables(["ours.tsv"])`` adds
    tables of your own (text ``.tsv`` or compiled ``.onb``; later tables
    take precedence), ``defaults=False`` leaves the bundled ones out.
    Compiled tables are mapped into memory, not read: opening them is cheap
    and their pages are shared by every process that opens them.
    ``exact_only=True`` builds only the exact index of text tables (faster
    to open, for ``fuzzy=False``).

    A Tables object is immutable and thread-safe. Pickling it (as Dask does
    to ship it to workers) sends only its paths: each process that unpickles
    it opens the tables once and reuses them (see :meth:`shared`).
    """

    def __init__(self, paths: Union[PathLike, Iterable[PathLike], None] = None, *, defaults: bool = True,
                 exact_only: bool = False) -> None:
        self.paths = _paths(paths)
        self.defaults = defaults
        self.exact_only = exact_only
        cpaths = [ffi.new("char[]", os.fsencode(p)) for p in self.paths]
        arr: Any = ffi.new("const char *[]", cpaths) if cpaths else ffi.NULL
        out: Any = ffi.new("onoma_tables **")
        err: Any = ffi.new("onoma_error *")
        flags = (_TABLES_DEFAULTS if defaults else 0) | (_TABLES_EXACT if exact_only else 0)
        rc = lib.onoma_tables_open(arr, len(cpaths), flags, out, err)
        if rc < 0:
            raise Error._from(err, rc)
        self._h: Any = ffi.gc(out[0], _close_tables)
        self._local = threading.local()

    # -- lifetime

    def close(self) -> None:
        """Release the tables (at once, unless another thread still uses them)."""
        self._h = None
        self._local = threading.local()

    def __enter__(self) -> "Tables":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _handle(self) -> Any:
        h = self._h
        if h is None:
            raise ValueError("the tables are closed")
        return h

    _shared_lock = threading.Lock()
    _shared: dict = {}
    #: How many Tables this process opened through :meth:`shared` (for checking reuse).
    shared_opens = 0

    @classmethod
    def shared(cls, paths: Union[PathLike, Iterable[PathLike], None] = None, *, defaults: bool = True,
               exact_only: bool = False) -> "Tables":
        """The process-wide Tables for these arguments, opened on first use."""
        key = (_paths(paths), defaults, exact_only)
        with cls._shared_lock:
            t = cls._shared.get(key)
            if t is None or t._h is None:
                t = cls(key[0], defaults=defaults, exact_only=exact_only)
                cls._shared[key] = t
                Tables.shared_opens += 1
            return t

    def __reduce__(self):
        return (_unpickle_tables, (self.paths, self.defaults, self.exact_only))

    def __dask_tokenize__(self) -> Tuple[Any, ...]:  # stable task names in Dask graphs
        return ("onoma.Tables", self.paths, self.defaults, self.exact_only)

    def __repr__(self) -> str:
        state = "closed" if self._h is None else f"{len(self.info())} tables"
        return f"<onoma.Tables {list(self.paths)!r} defaults={self.defaults} ({state})>"

    # -- what is loaded

    def info(self) -> List[TableInfo]:
        """The source tables, in load order."""
        h = self._handle()
        res = []
        info: Any = ffi.new("onoma_table_info *")
        for i in range(lib.onoma_tables_count(h)):
            if lib.onoma_tables_info(h, i, info) == 0:
                res.append(TableInfo(_str(info.path), _str(info.name), _str(info.version), _str(info.license),
                                     _str(info.source), _str(info.kind), info.entries, info.variants,
                                     bool(info.compiled)))
        return res

    @property
    def styles(self) -> List[str]:
        """House styles the tables know; the first is "default"."""
        h = self._handle()
        return [_str(lib.onoma_style_name(h, i)) for i in range(lib.onoma_styles_count(h))]

    # -- lookup

    def lookup(self, name: str, style: Optional[str] = None) -> List[Entity]:
        """The entities a whole name names (empty if none): ``lookup("Suleimani")``."""
        h = self._handle()
        data = name.encode("utf-8", "surrogateescape")
        found: List[Entity] = []
        handle = ffi.new_handle(found)
        err: Any = ffi.new("onoma_error *")
        rc = lib.onoma_lookup(h, style.encode() if style else ffi.NULL, data, len(data), _on_entity, handle, err)
        if rc < 0:
            raise Error._from(err, rc)
        return found

    # -- normalize

    def _normalizer(self, flags: int, style: Optional[str]) -> Tuple[Any, Any]:
        """This thread's normalizer for these options (created on first use)."""
        h = self._handle()
        cache = self._local.__dict__.setdefault("nz", {})
        key = (flags, style)
        nz = cache.get(key)
        if nz is None:
            cstyle: Any = ffi.new("char[]", style.encode()) if style else ffi.NULL
            opt: Any = ffi.new("onoma_options *", {"flags": flags, "style": cstyle, "jobs": 1})
            out: Any = ffi.new("onoma_normalizer **")
            err: Any = ffi.new("onoma_error *")
            rc = lib.onoma_normalizer_new(h, opt, out, err)
            if rc < 0:
                raise Error._from(err, rc)
            # the tuple keeps the tables alive as long as the normalizer
            nz = cache[key] = (ffi.gc(out[0], _free_normalizer), h)
        return nz

    def _whole(self, data: bytes, flags: int, style: Optional[str]) -> bytes:
        """One text that may hold NUL bytes: onoma_normalize."""
        cstyle: Any = ffi.new("char[]", style.encode()) if style else ffi.NULL
        opt: Any = ffi.new("onoma_options *", {"flags": flags, "style": cstyle, "jobs": 1})
        out: Any = ffi.new("char **")
        n: Any = ffi.new("size_t *")
        err: Any = ffi.new("onoma_error *")
        rc = lib.onoma_normalize(self._handle(), opt, data, len(data), out, n, err)
        if rc < 0:
            raise Error._from(err, rc)
        try:
            res: Any = ffi.unpack(out[0], n[0])
            return bytes(res)
        finally:
            lib.onoma_free(out[0])

    def _many(self, nz: Tuple[Any, Any], data: bytes, changed: bool = False) -> Any:
        """onoma_normalize_many over NUL-separated items. All items: the
        output bytes; changed=True: (item numbers, their texts as str)."""
        out: Any = ffi.new("char **")
        n: Any = ffi.new("size_t *")
        chg: Any = ffi.new("size_t **") if changed else ffi.NULL
        nchg: Any = ffi.new("size_t *") if changed else ffi.NULL
        err: Any = ffi.new("onoma_error *")
        rc = lib.onoma_normalize_many(nz[0], data, len(data), 0, out, n, chg, nchg, err)
        if rc < 0:
            e = Error._from(err, rc)
            if 0 <= e.offset <= len(data):
                # the item, and the offset within it (the library counts in the whole input)
                e.index = data.count(b"\0", 0, e.offset)
                e.offset -= data.rfind(b"\0", 0, e.offset) + 1
                e.message = re.sub(r"^item [0-9]+: ", "", e.message)
                e.message = re.sub(r"at byte [0-9]+", f"at byte {e.offset}", e.message)
            raise e
        try:
            if not changed:
                return ffi.unpack(out[0], n[0])
            if nchg[0] == 0:
                return [], []
            idx = ffi.unpack(chg[0], nchg[0])
            buf: Any = ffi.buffer(out[0], n[0])
            texts = str(buf, "utf-8", "surrogateescape").split("\0")
            return idx, texts
        finally:
            lib.onoma_free(out[0])
            if changed:
                lib.onoma_free(chg[0])

    @overload
    def normalize(self, text: str, style: Optional[str] = ..., *, fuzzy: bool = ..., guard: bool = ...,
                  any_case: bool = ..., invalid: str = ...) -> str: ...

    @overload
    def normalize(self, text: bytes, style: Optional[str] = ..., *, fuzzy: bool = ..., guard: bool = ...,
                  any_case: bool = ..., invalid: str = ...) -> bytes: ...

    def normalize(self, text, style=None, *, fuzzy=True, guard=True, any_case=False, invalid="error"):
        """Rewrite variant spellings of known names in ``text`` to their
        canonical form, leaving every other character as it is.

        ``style``: a house style (see :attr:`styles`), default "default".
        ``fuzzy=False`` matches spellings byte for byte (``onoma normalize
        --exact``); by default lookup folds case, accents, hyphens,
        apostrophes and letter variants. ``guard=False`` rewrites spellings
        that are also common words everywhere; ``any_case=True`` lets words
        in lower case match names. ``invalid``: what to do with NUL or
        (for bytes) invalid UTF-8: "error" (raise :class:`Error`), "keep",
        "replace" (U+FFFD). ``str`` in, ``str`` out; ``bytes`` in, ``bytes`` out.
        """
        flags = _flags(fuzzy, guard, any_case, invalid)
        if isinstance(text, str):
            data = text.encode("utf-8", "surrogateescape")
        elif isinstance(text, (bytes, bytearray, memoryview)):
            data = bytes(text)
        else:
            raise TypeError(f"normalize() takes str or bytes, not {type(text).__name__}")
        if b"\0" in data:
            out = self._whole(data, flags, style)
        else:
            try:
                out = self._many(self._normalizer(flags, style), data)
            except Error as e:
                e.index = None  # one text: no item to name
                raise
        return out.decode("utf-8", "surrogateescape") if isinstance(text, str) else out

    def normalize_many(self, texts: Iterable[Any], style: Optional[str] = None, *, fuzzy: bool = True,
                       guard: bool = True, any_case: bool = False, invalid: str = "error",
                       threads: Optional[int] = None) -> List[Any]:
        """``[normalize(t) for t in texts]``, in a few calls into the library
        instead of one per text. Each text is normalized on its own; missing
        values (None, NaN, pandas.NA) stay as they are. Big inputs go in
        chunks; ``threads=N`` normalizes them on N threads (default one: on
        a busy machine, or inside Dask workers, more threads than free cores
        only slow it down). On an error, the :class:`Error`'s ``index``
        gives the item."""
        res = list(texts)
        self._replace(res, _flags(fuzzy, guard, any_case, invalid), style, threads)
        return res

    def _replace(self, items: Any, flags: int, style: Optional[str], threads: Optional[int],
                 src: Any = None) -> None:
        """Normalize, in place, a list or a 1-D contiguous numpy object array
        that the caller owns: only the texts that change are replaced. With
        src (a numpy object array as long as items, which then holds None),
        items receives src's texts normalized."""
        n = len(items)
        if n == 0:
            return
        ranges = [(i, min(i + _CHUNK, n)) for i in range(0, n, _CHUNK)]
        threads = max(1, min(threads or 1, len(ranges)))
        is_list = isinstance(items, list)

        def run(r: Tuple[int, int]) -> None:
            a, b = r
            if _speedups is not None:
                nz = self._normalizer(flags, style)
                na = getattr(sys.modules.get("pandas"), "NA", None)
                addr = int(ffi.cast("uintptr_t", nz[0]))
                try:
                    if is_list:
                        err = _speedups.replace_list(_NORMALIZE_BUFFER, addr, items, a, b, na)
                    else:
                        size = items.itemsize
                        err = _speedups.replace_array(_NORMALIZE_BUFFER, addr,
                                                      0 if src is None else src.ctypes.data + a * size,
                                                      items.ctypes.data + a * size, b - a, na)
                except UnicodeError:  # lone surrogates: the cffi path escapes them
                    pass
                else:
                    if err is not None:
                        i, code, message, file, line, column, offset = err
                        file = file.decode("utf-8", "surrogateescape")
                        raise Error(code, message.decode("utf-8", "surrogateescape"),
                                    "" if file == "-" else file, line, column, offset, a + i)
                    return
            if src is not None:
                items[a:b] = src[a:b]
            idx, new = self._chunk_changes(items[a:b] if is_list else items[a:b].tolist(), a, flags, style)
            for i, t in zip(idx, new):
                items[i] = t

        if threads == 1:
            for r in ranges:
                run(r)
        else:
            with ThreadPoolExecutor(threads) as ex:
                for _ in ex.map(run, ranges):
                    pass

    def _chunk_changes(self, items: Sequence[Any], base: int, flags: int,
                       style: Optional[str]) -> Tuple[List[int], List[str]]:
        try:
            joined = "\0".join(items)
        except TypeError:  # missing values, or not text
            return self._sparse_changes(items, base, flags, style)
        if joined.count("\0") != len(items) - 1:  # a text holds NUL itself
            return self._sparse_changes(items, base, flags, style)
        data = joined.encode("utf-8", "surrogateescape")
        try:
            idx, new = self._many(self._normalizer(flags, style), data, True)
        except Error as e:
            e.index = base + (e.index or 0)
            raise
        if base:
            idx = [i + base for i in idx]
        return idx, new

    def _sparse_changes(self, items: Sequence[Any], base: int, flags: int,
                        style: Optional[str]) -> Tuple[List[int], List[str]]:
        """The slow path: missing values, and texts that hold NUL bytes."""
        plain, where = [], []
        idx, new = [], []
        na = getattr(sys.modules.get("pandas"), "NA", None)
        for i, t in enumerate(items):
            if isinstance(t, str):
                if "\0" not in t:
                    plain.append(t)
                    where.append(i)
                    continue
                try:
                    o = self._whole(t.encode("utf-8", "surrogateescape"), flags, style).decode(
                        "utf-8", "surrogateescape")
                except Error as e:
                    e.index = base + i
                    raise
                if o != t:
                    idx.append(base + i)
                    new.append(o)
            elif not (t is None or t is na or (isinstance(t, float) and t != t)):
                raise TypeError(f"item {base + i}: normalize_many() takes texts (str) or missing values, "
                                f"not {type(t).__name__}")
        if plain:
            try:
                pi, pn = self._many(self._normalizer(flags, style), "\0".join(plain).encode(
                    "utf-8", "surrogateescape"), True)
            except Error as e:
                e.index = base + where[e.index or 0]
                raise
            idx.extend(base + where[i] for i in pi)
            new.extend(pn)
            if len(idx) != len(pi):  # the texts with NUL came first: back into order
                order = sorted(range(len(idx)), key=idx.__getitem__)
                idx = [idx[k] for k in order]
                new = [new[k] for k in order]
        return idx, new


def _unpickle_tables(paths: Tuple[str, ...], defaults: bool, exact_only: bool) -> Tables:
    return Tables.shared(paths, defaults=defaults, exact_only=exact_only)


def default_tables() -> Tables:
    """The bundled tables, opened once per process."""
    return Tables.shared()


def normalize(text: Text, style: Optional[str] = None, *, fuzzy: bool = True, tables: Optional[Tables] = None,
              guard: bool = True, any_case: bool = False, invalid: str = "error") -> Text:
    """Rewrite variant spellings of known names to their canonical form:
    ``normalize("Qassem Suleimani visited Teheran")`` gives ``"Qasem
    Soleimani visited Tehran"``. With the bundled tables unless ``tables``
    is given; the options are those of :meth:`Tables.normalize`."""
    t = tables if tables is not None else default_tables()
    return t.normalize(text, style, fuzzy=fuzzy, guard=guard, any_case=any_case, invalid=invalid)


def normalize_many(texts: Iterable[Optional[str]], style: Optional[str] = None, *, fuzzy: bool = True,
                   tables: Optional[Tables] = None, guard: bool = True, any_case: bool = False,
                   invalid: str = "error", threads: Optional[int] = None) -> List[Optional[str]]:
    """:func:`normalize` over a list of texts, batched (see :meth:`Tables.normalize_many`)."""
    t = tables if tables is not None else default_tables()
    return t.normalize_many(texts, style, fuzzy=fuzzy, guard=guard, any_case=any_case, invalid=invalid,
                            threads=threads)


def lookup(name: str, style: Optional[str] = None, *, tables: Optional[Tables] = None) -> List[Entity]:
    """The entities a whole name names, in the bundled tables unless ``tables`` is given."""
    t = tables if tables is not None else default_tables()
    return t.lookup(name, style)


def compile_tables(paths: Union[PathLike, Iterable[PathLike]], output: Optional[PathLike] = None) -> None:
    """Check text tables and compile them into one binary table at ``output``
    (written atomically), as ``onoma compile``. With ``output=None``, only
    check. Raises :class:`Error` with every problem found in ``errors``."""
    ps = _paths(paths)
    cpaths = [ffi.new("char[]", os.fsencode(p)) for p in ps]
    arr: Any = ffi.new("const char *[]", cpaths)
    diags: List[Error] = []
    handle = ffi.new_handle(diags)
    err: Any = ffi.new("onoma_error *")
    out: Any = ffi.new("char[]", os.fsencode(output)) if output is not None else ffi.NULL
    rc = lib.onoma_compile(arr, len(cpaths), out, _on_diag, handle, err)
    if rc < 0:
        e = Error._from(err, rc)
        e.errors = diags or [Error._from(err, rc)]  # type: ignore[attr-defined]
        raise e


def default_tables_path() -> Optional[str]:
    """Path of the bundled compiled table, or None when none is found."""
    buf: Any = ffi.new("char[]", 4096)
    rc = lib.onoma_default_tables_path(buf, 4096)
    return _str(buf) if rc >= 0 else None


def versions() -> dict:
    """Versions of the library, its API, its compiled table format, ICU and Unicode."""
    return {
        "library": _str(lib.onoma_version()),
        "api": lib.onoma_api_version(),
        "table_format": lib.onoma_table_format_version(),
        "icu": _str(lib.onoma_icu_version()),
        "unicode": _str(lib.onoma_unicode_version()),
    }
