"""Name keys, name matching and clustering: Keyer over onoma_keyrules /
onoma_keyer / onoma_key / onoma_match / onoma_cluster_*."""
from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Tuple

from ._core import CODES, Error, PathLike, _str
from ._core import _map_speedups as _speedups  # the loop of keys() in C (optional)
from ._ffi import ffi, lib

_KEY_FN = int(ffi.cast("uintptr_t", lib.onoma_key))

_KEY_ORDERED = 1 << 0
#: Names scoring at least this are the same (ONOMA_MATCH_THRESHOLD).
MATCH_THRESHOLD = 0.86
_MAP_KEY = 1  # kinds of _speedups.map_*

__all__ = ["Keyer", "Match", "Cluster", "ClusterGroup", "ClusterSpelling", "MATCH_THRESHOLD",
           "default_keyrules_path"]


def _close_rules(h: Any) -> None:
    lib.onoma_keyrules_close(ffi.new("onoma_keyrules **", h))


def _free_keyer(h: Any) -> None:
    lib.onoma_keyer_free(ffi.new("onoma_keyer **", h))


def _free_cluster(h: Any) -> None:
    lib.onoma_cluster_free(ffi.new("onoma_cluster **", h))


def _utf8(text: Any, what: str) -> bytes:
    if isinstance(text, str):
        return text.encode("utf-8", "surrogateescape")
    if isinstance(text, (bytes, bytearray, memoryview)):
        return bytes(text)
    raise TypeError(f"{what} takes str or bytes, not {type(text).__name__}")


def _missing(t: Any) -> bool:
    na = getattr(sys.modules.get("pandas"), "NA", None)
    return t is None or t is na or (isinstance(t, float) and t != t)


class _Rules:
    """Loaded key rules (immutable, shared by threads), one per path and process."""

    _lock = threading.Lock()
    _cache: Dict[Optional[str], "_Rules"] = {}

    def __init__(self, path: Optional[str]) -> None:
        out: Any = ffi.new("onoma_keyrules **")
        err: Any = ffi.new("onoma_error *")
        rc = lib.onoma_keyrules_open(os.fsencode(path) if path else ffi.NULL, out, err)
        if rc < 0:
            raise Error._from(err, rc)
        self.h: Any = ffi.gc(out[0], _close_rules)
        langs = []
        i = 0
        while True:
            p = lib.onoma_keyrules_lang(self.h, i)
            if p == ffi.NULL:
                break
            langs.append(_str(p))
            i += 1
        self.langs = langs

    @classmethod
    def get(cls, path: Optional[str]) -> "_Rules":
        with cls._lock:
            r = cls._cache.get(path)
            if r is None:
                r = cls._cache[path] = _Rules(path)
            return r


@dataclass(frozen=True)
class Match:
    """The result of :meth:`Keyer.match`: ``score`` in [0, 1] and the
    decision ``same`` (score >= ``threshold``), as ``onoma match`` prints
    them (``str(m)`` is its line: ``0.9600<TAB>same``)."""

    score: float
    same: bool
    threshold: float
    explanation: Tuple[str, ...] = ()  #: with explain=True: the aligned tokens, as ``onoma match --explain``

    @property
    def verdict(self) -> str:
        """"same" or "different"."""
        return "same" if self.same else "different"

    def __bool__(self) -> bool:
        return self.same

    def __str__(self) -> str:
        return f"{self.score:.4f}\t{self.verdict}"


@dataclass(frozen=True)
class ClusterSpelling:
    """One spelling of a :class:`ClusterGroup`."""

    text: str  #: as written
    count: int  #: mentions
    context: str  #: the line around its first mention
    source: str  #: the name of the text of its first mention (see :meth:`Cluster.feed`)
    line: int  #: its line there (1-based)


@dataclass(frozen=True)
class ClusterGroup:
    """Spellings that share a name key and match each other."""

    key: str
    count: int  #: mentions of all its spellings
    spellings: Tuple[ClusterSpelling, ...]  #: most frequent first


@ffi.callback("void(void *, const char *)")
def _on_explain(ctx: Any, line: Any) -> None:
    ffi.from_handle(ctx).append(_str(line))


@ffi.callback("int(void *, const onoma_cluster_group *)")
def _on_group(ctx: Any, g: Any) -> int:
    def s(p: Any, n: int) -> str:
        return ffi.buffer(p, n)[:].decode("utf-8", "surrogateescape") if n else ""

    sp = tuple(ClusterSpelling(s(x.text, x.len), x.count, s(x.context, x.context_len), _str(x.file), x.line)
               for x in (g.spellings[i] for i in range(g.nspellings)))
    ffi.from_handle(ctx).append(ClusterGroup(_str(g.key), g.count, sp))
    return 0


class Keyer:
    """Name keys and name matching by the key rules (``onoma key``,
    ``onoma match``; docs/keys.md). Spellings of one name share a key:

        >>> k = onoma.Keyer()
        >>> k.key("Ghassem Solaimani"), k.key("قاسم سلیمانی")
        ('ksm srmni', 'ksm srmni')
        >>> k.match("Sergey Viktorovich Lavrov", "Sergei Lavrov")
        Match(score=0.96, same=True, threshold=0.86, explanation=())

    ``lang``: rules of that language only (``"ar"``, ``"fa"``, ``"ru"`` ...;
    see :attr:`langs`), default all rules meant for any language;
    ``ordered=True`` keeps the token order in keys; ``rules``: a folder of
    rule files or one file instead of the bundled ones. The rules are
    loaded once per process and path; each thread gets its own keyer (the
    library's per-thread token cache), so a Keyer may be shared by threads.
    Pickling sends only the options. Keys never consult the name tables.
    """

    def __init__(self, lang: Optional[str] = None, *, ordered: bool = False,
                 rules: Optional[PathLike] = None) -> None:
        self.lang = None if lang in (None, "", "auto") else lang
        self.ordered = ordered
        self.rules = os.path.abspath(os.fsdecode(rules)) if rules is not None else None
        self._rules = _Rules.get(self.rules)
        self._local = threading.local()
        self._keyer()  # an unknown language fails here, not on first use

    def __reduce__(self):  # only the options travel; the receiver loads the rules once per process
        return (_unpickle_keyer, (self.lang, self.ordered, self.rules))

    def __repr__(self) -> str:
        return f"Keyer(lang={self.lang!r}, ordered={self.ordered}, rules={self.rules!r})"

    @property
    def langs(self) -> List[str]:
        """The language codes some loaded rule file is for."""
        return list(self._rules.langs)

    _shared_lock = threading.Lock()
    _shared: Dict[Tuple[Any, ...], "Keyer"] = {}

    @classmethod
    def shared(cls, lang: Optional[str] = None, *, ordered: bool = False,
               rules: Optional[PathLike] = None) -> "Keyer":
        """One Keyer per option set and process (what the module-level
        functions and the Dask helpers use)."""
        key = (None if lang in (None, "", "auto") else lang, ordered,
               os.path.abspath(os.fsdecode(rules)) if rules is not None else None)
        with cls._shared_lock:
            k = cls._shared.get(key)
        if k is None:
            k = Keyer(key[0], ordered=ordered, rules=key[2])
            with cls._shared_lock:
                k = cls._shared.setdefault(key, k)
        return k

    def _keyer(self) -> Any:
        """This thread's onoma_keyer (created on first use)."""
        k = getattr(self._local, "k", None)
        if k is None:
            clang: Any = ffi.new("char[]", self.lang.encode()) if self.lang else ffi.NULL
            opt: Any = ffi.new("onoma_key_options *", {"flags": _KEY_ORDERED if self.ordered else 0, "lang": clang})
            out: Any = ffi.new("onoma_keyer **")
            err: Any = ffi.new("onoma_error *")
            rc = lib.onoma_keyer_new(self._rules.h, opt, out, err)
            if rc < 0:
                e = Error._from(err, rc)
                if rc == CODES["ONOMA_EINVAL"] and self.lang:  # ONOMA_EINVAL: say which languages there are
                    e.message += f" (languages: {' '.join(self._rules.langs)})"
                raise e
            # the pair keeps the rules alive as long as the keyer, and a scratch buffer
            k = self._local.k = [ffi.gc(out[0], _free_keyer), self._rules, ffi.new("char[]", 256), 256]
        return k

    def _key_bytes(self, k: List[Any], data: bytes) -> bytes:
        err: Any = ffi.new("onoma_error *")
        n = lib.onoma_key(k[0], data, len(data), k[2], k[3], err)
        if n >= k[3]:
            k[2] = ffi.new("char[]", n + 1)
            k[3] = n + 1
            n = lib.onoma_key(k[0], data, len(data), k[2], k[3], err)
        if n < 0:
            raise Error._from(err, n)
        out = ffi.buffer(k[2], n)[:]
        return out

    def key(self, name: Any) -> Any:
        """The key of one name (``str`` in, ``str`` out; ``bytes`` in, ``bytes``
        out): what ``onoma key`` prints for that line. A name with no letters
        gives ``""``; invalid UTF-8 or NUL raises :class:`onoma.Error`."""
        out = self._key_bytes(self._keyer(), _utf8(name, "key()"))
        return out.decode("utf-8", "surrogateescape") if isinstance(name, str) else out

    def keys(self, names: Iterable[Any]) -> List[Any]:
        """``[key(n) for n in names]`` without a Python-level call per name
        when the accelerator is there (the GIL is released per block of
        1,024 names); missing values (None, NaN, pd.NA) stay. On an error,
        the :class:`onoma.Error`'s ``index`` is the position of the name."""
        res = list(names)
        self._map(res)
        return res

    def _map(self, items: Any, src: Any = None) -> None:
        """Key, in place, a list or a 1-D contiguous numpy object array (with
        src: dst=items, holding None, receives src's keys)."""
        n = len(items)
        if n == 0:
            return
        k = self._keyer()
        if _speedups is not None:
            na = getattr(sys.modules.get("pandas"), "NA", None)
            addr = int(ffi.cast("uintptr_t", k[0]))
            try:
                if isinstance(items, list):
                    err = _speedups.map_list(_MAP_KEY, _KEY_FN, addr, items, 0, n, na)
                else:
                    err = _speedups.map_array(_MAP_KEY, _KEY_FN, addr, 0 if src is None else src.ctypes.data,
                                              items.ctypes.data, n, na)
            except UnicodeError:  # lone surrogates: the cffi path escapes them
                pass
            else:
                if err is not None:
                    i, code, message, file, line, column, offset = err
                    raise Error(code, message.decode("utf-8", "surrogateescape"), "", line, column, offset, i)
                return
        if src is not None:
            items[:] = src
        for i in range(n):
            t = items[i]
            if isinstance(t, str):
                try:
                    items[i] = self._key_bytes(k, t.encode("utf-8", "surrogateescape")).decode(
                        "utf-8", "surrogateescape")
                except Error as e:
                    raise Error(e.code, e.message, "", e.line, e.column, e.offset, i) from None
            elif not _missing(t):
                raise TypeError(f"item {i}: keys() takes texts (str) or missing values, not {type(t).__name__}")

    def match(self, a: Any, b: Any, *, threshold: Optional[float] = None, explain: bool = False) -> Match:
        """Score two names in [0, 1] and decide whether they are the same
        name, as ``onoma match A B`` does: same when the score is at least
        ``threshold`` (default :data:`MATCH_THRESHOLD`, 0.86, calibrated:
        docs/keys.md). Token order does not matter; a dropped middle name,
        patronymic or particle costs little. ``explain=True`` also gives the
        aligned tokens with their keys and scores (``--explain``)."""
        if threshold is None:
            threshold = MATCH_THRESHOLD
        elif not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold takes a number from 0 to 1, not {threshold!r}")
        da, dbb = _utf8(a, "match()"), _utf8(b, "match()")
        k = self._keyer()
        score: Any = ffi.new("double *")
        err: Any = ffi.new("onoma_error *")
        rc = lib.onoma_match(k[0], da, len(da), dbb, len(dbb), score, ffi.NULL, ffi.NULL, err)
        if rc < 0:
            raise Error._from(err, rc)
        lines: List[str] = []
        if explain:
            handle = ffi.new_handle(lines)
            rc = lib.onoma_match(k[0], da, len(da), dbb, len(dbb), ffi.NULL, _on_explain, handle, err)
            if rc < 0:
                raise Error._from(err, rc)
        s = float(score[0])
        return Match(s, s >= threshold, threshold, tuple(lines))

    def cluster(self, texts: Iterable[Any] = (), *, min_count: int = 1) -> "Cluster":
        """A :class:`Cluster` with these rules, fed ``texts``."""
        c = Cluster(lang=self.lang, rules=self.rules, min_count=min_count)
        c.feed_many(texts)
        return c


class Cluster:
    """Spelling variants of the names in a corpus (``onoma cluster``): name
    mentions are counted, grouped by key and, within a key, by match.

        c = onoma.Cluster()
        c.feed(open("a.txt").read(), name="a.txt")
        for g in c.groups():
            print(g.key, [s.text for s in g.spellings])

    Memory grows with the distinct mentions, not the input. Not thread-safe
    (one per thread; the rules are shared)."""

    def __init__(self, *, lang: Optional[str] = None, rules: Optional[PathLike] = None, min_count: int = 1) -> None:
        self._rules = _Rules.get(os.path.abspath(os.fsdecode(rules)) if rules is not None else None)
        if min_count < 0:
            raise ValueError("min_count must be >= 0")
        clang: Any = ffi.new("char[]", lang.encode()) if lang and lang != "auto" else ffi.NULL
        opt: Any = ffi.new("onoma_cluster_options *", {"flags": 0, "lang": clang, "min_count": min_count})
        out: Any = ffi.new("onoma_cluster **")
        err: Any = ffi.new("onoma_error *")
        rc = lib.onoma_cluster_new(self._rules.h, opt, out, err)
        if rc < 0:
            raise Error._from(err, rc)
        self._h: Any = ffi.gc(out[0], _free_cluster)
        self._lock = threading.Lock()

    def feed(self, text: Any, name: Optional[str] = None) -> None:
        """Add a text (str or UTF-8 bytes; invalid UTF-8 counts as a
        separator). ``name`` (e.g. its file name) starts a new input: the
        groups name it with the line of a spelling's first mention."""
        data = _utf8(text, "feed()")
        err: Any = ffi.new("onoma_error *")
        with self._lock:
            if name is not None:
                lib.onoma_cluster_set_name(self._h, os.fsencode(name))  # copied by the library
            rc = lib.onoma_cluster_feed(self._h, data, len(data), err)
        if rc < 0:
            raise Error._from(err, rc)

    def feed_many(self, texts: Iterable[Any]) -> None:
        """Add texts, each on a line of its own (missing values are skipped)."""
        buf: List[bytes] = []
        size = 0
        for t in texts:
            if _missing(t):
                continue
            b = _utf8(t, "feed_many()")
            buf.append(b)
            size += len(b) + 1
            if size >= 1 << 20:
                self.feed(b"\n".join(buf) + b"\n")
                buf, size = [], 0
        if buf:
            self.feed(b"\n".join(buf) + b"\n")

    def groups(self) -> List[ClusterGroup]:
        """The groups of everything fed so far, largest first; each has two
        spellings or more."""
        found: List[ClusterGroup] = []
        handle = ffi.new_handle(found)
        err: Any = ffi.new("onoma_error *")
        with self._lock:
            rc = lib.onoma_cluster_groups(self._h, _on_group, handle, err)
        if rc < 0:
            raise Error._from(err, rc)
        return found


def default_keyrules_path() -> Optional[str]:
    """Folder of the bundled key rules, or None when none is found."""
    buf: Any = ffi.new("char[]", 4096)
    rc = lib.onoma_default_keyrules_path(buf, 4096)
    return _str(buf) if rc >= 0 else None


def key(name: Any, lang: Optional[str] = None, *, ordered: bool = False) -> Any:
    """The name key of ``name`` (``onoma key``): ``key("Ghassem Solaimani")``
    gives ``"ksm srmni"``, as does ``key("قاسم سلیمانی")``. The rules are
    loaded once per process (see :class:`Keyer`)."""
    return Keyer.shared(lang, ordered=ordered).key(name)


def keys(names: Iterable[Any], lang: Optional[str] = None, *, ordered: bool = False) -> List[Any]:
    """:func:`key` over many names, batched (see :meth:`Keyer.keys`)."""
    return Keyer.shared(lang, ordered=ordered).keys(names)


def match(a: Any, b: Any, *, lang: Optional[str] = None, threshold: Optional[float] = None,
          explain: bool = False) -> Match:
    """Are two names the same? ``match("Sergey Viktorovich Lavrov", "Sergei
    Lavrov")`` gives ``Match(score=0.96, same=True, ...)``, as ``onoma match``
    prints ``0.9600<TAB>same`` (see :meth:`Keyer.match`)."""
    return Keyer.shared(lang).match(a, b, threshold=threshold, explain=explain)


def cluster(texts: Iterable[Any], *, lang: Optional[str] = None, min_count: int = 1) -> List[ClusterGroup]:
    """The groups of spelling variants among the names mentioned in
    ``texts`` (each text a line; see :class:`Cluster`)."""
    c = Cluster(lang=lang, min_count=min_count)
    c.feed_many(texts)
    return c.groups()


def _unpickle_keyer(lang: Optional[str], ordered: bool, rules: Optional[str]) -> Keyer:
    return Keyer.shared(lang, ordered=ordered, rules=rules)
