"""Checking a text against a house style: Checker over onoma_checker_* /
onoma_check / onoma_check_apply."""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any, Iterable, List, Optional, Sequence, Tuple, Union

from ._core import _ANY_CASE, _EXACT, _NO_GUARD, Error, Tables, _str, default_tables
from ._ffi import ffi, lib
from ._key import _utf8

_CROSS_SCRIPT = 1 << 5
_NO_NEAR = 1 << 0
_NEAR_WARN = 1 << 1
_NEAR_PLACES = 1 << 2

_KINDS = {1: "rewrite", 2: "ambiguous", 3: "near-miss"}
_KIND_CODES = {v: k for k, v in _KINDS.items()}
_SEVERITIES = {1: "warning", 2: "note"}

__all__ = ["Checker", "Finding", "Candidate", "markup_for_path"]


def _free_checker(h: Any) -> None:
    lib.onoma_checker_free(ffi.new("onoma_checker **", h))


@ffi.callback("int(void *, const char *, size_t)")
def _on_write(ctx: Any, data: Any, n: int) -> int:
    ffi.from_handle(ctx).append(ffi.unpack(data, n))
    return 0


@dataclass(frozen=True)
class Candidate:
    """One entity an ambiguous spelling could name."""

    id: str
    canonical: str
    entity: str


@dataclass(frozen=True)
class Finding:
    """One finding of :meth:`Checker.check` (``onoma check --format jsonl``
    gives the same fields).

    Positions: ``line`` and ``column`` (1-based, column in characters, as
    the command line prints them), ``end_column`` (just after the span),
    ``offset`` and ``length`` in bytes of the UTF-8 text, and ``start`` /
    ``end``: the span as indices of the text given (``text[f.start:f.end]
    == f.text`` for a ``str``; byte indices for ``bytes``)."""

    kind: str  #: "rewrite" (fixable), "ambiguous" or "near-miss"
    severity: str  #: "warning" or "note" (notes are not counted as findings)
    fixable: bool  #: fix() replaces it
    line: int
    column: int
    end_column: int
    offset: int
    length: int
    start: int
    end: int
    text: str  #: the span as written
    suggestion: Optional[str]  #: the replacement (rewrite) or the suggestion (near miss); None when ambiguous
    id: str  #: entity id ("" when ambiguous)
    canonical: str  #: canonical form in the style
    entity: str  #: canonical form of the entity (its full name)
    type: str  #: person, place, org, name, other
    candidates: Tuple[Candidate, ...] = ()  #: ambiguous: the entities it could be
    near_via: Optional[str] = None  #: near miss: "edit" or "key"
    distance: int = 0  #: near miss by edit: its cost
    style: str = "default"

    @property
    def rule(self) -> str:
        """The rule id, as in the SARIF output: the entity id, "onoma/ambiguous" or "onoma/near-miss"."""
        return "onoma/ambiguous" if self.kind == "ambiguous" else "onoma/near-miss" if self.kind == "near-miss" \
            else self.id

    @property
    def message(self) -> str:
        """The message ``onoma check`` prints after "FILE:LINE:COL: warning: "."""
        if self.kind == "rewrite":
            m = f"'{self.text}' → '{self.suggestion}' ({self.entity})"
        elif self.kind == "ambiguous":
            parts = []
            for i, c in enumerate(self.candidates):
                sep = "'" if i == 0 else " or '" if i + 1 == len(self.candidates) else ", '"
                parts.append(f"{sep}{c.canonical}' ({c.entity})")
            m = f"'{self.text}' is ambiguous: " + "".join(parts)
        else:
            m = f"'{self.text}': did you mean '{self.suggestion}'?"
            if self.id:
                m += f" ({self.entity})"
        if self.kind != "near-miss":
            m += f" [style: {self.style}]"
        elif self.severity == "warning":
            m += " [near miss]"
        return m

    def __str__(self) -> str:
        return f"{self.line}:{self.column}: {self.severity}: {self.message}"


def markup_for_path(path: Union[str, "os.PathLike[str]"]) -> str:
    """The markup ``onoma check`` uses for a file by its extension: "text",
    "markdown", "html", "rst" or "tex"."""
    return _str(lib.onoma_markup_name(lib.onoma_markup_for_path(os.fsencode(path))))


def _markup(markup: Optional[str], name: Optional[str]) -> int:
    if markup is None or markup == "auto":
        return lib.onoma_markup_for_path(os.fsencode(name)) if name else 0
    m = lib.onoma_markup_from_name(markup.encode())
    if m < 0:
        raise ValueError(f"unknown markup {markup!r} (text, markdown, html, rst, tex)")
    return m


class Checker:
    """Checks texts against a house style (``onoma check``): the spellings
    the normalizer would rewrite, reported with positions, plus ambiguous
    names and near misses (capitalised words that look like a known name).

        >>> ck = onoma.Checker(style="default")
        >>> [f.message for f in ck.check("Qassem Suleimani went to Teheran.")]  # doctest: +NORMALIZE_WHITESPACE
        ["'Qassem Suleimani' → 'Qasem Soleimani' (Qasem Soleimani) [style: default]",
         "'Teheran' → 'Tehran' (Tehran) [style: default]"]
        >>> ck.fix("Qassem Suleimani went to Teheran.")
        'Qasem Soleimani went to Tehran.'

    Options as the command line's: ``style``, ``tables`` (default the
    bundled ones), ``exact`` (``--exact``), ``guard=False`` (``--no-guard``),
    ``any_case`` (``--any-case``), ``cross_script`` (``--cross-script``),
    ``near=False`` (``--no-near-miss``), ``near_warnings`` (``--fuzzy``: near
    misses count as findings), ``near_places`` (``--near-places``),
    ``ignore`` (``--ignore``: spellings or entity ids accepted as they are).
    Configuration files (``.onoma``) are the command line's business: they
    are not read here. Each thread gets its own onoma_checker.
    """

    def __init__(self, style: Optional[str] = None, *, tables: Optional[Tables] = None, exact: bool = False,
                 guard: bool = True, any_case: bool = False, cross_script: bool = False, near: bool = True,
                 near_warnings: bool = False, near_places: bool = False, ignore: Iterable[str] = ()) -> None:
        self.style = style
        self.tables = tables if tables is not None else default_tables()
        self.flags = (_EXACT if exact else 0) | (0 if guard else _NO_GUARD) | (_ANY_CASE if any_case else 0) | \
            (_CROSS_SCRIPT if cross_script else 0)
        self.check_flags = (0 if near else _NO_NEAR) | (_NEAR_WARN if near_warnings else 0) | \
            (_NEAR_PLACES if near_places else 0)
        self.ignore = tuple(ignore)
        self._local = threading.local()
        self._handle()  # an unknown style fails here

    def _handle(self) -> Any:
        """This thread's onoma_checker (created on first use)."""
        h = getattr(self._local, "h", None)
        if h is None:
            th = self.tables._handle()
            cstyle: Any = ffi.new("char[]", self.style.encode()) if self.style else ffi.NULL
            opt: Any = ffi.new("onoma_check_options *", {"flags": self.flags, "check_flags": self.check_flags,
                                                         "style": cstyle})
            out: Any = ffi.new("onoma_checker **")
            err: Any = ffi.new("onoma_error *")
            rc = lib.onoma_checker_new(th, opt, out, err)
            if rc < 0:
                raise Error._from(err, rc)
            ck = ffi.gc(out[0], _free_checker)
            if self.ignore:
                items = [ffi.new("char[]", s.encode("utf-8", "surrogateescape")) for s in self.ignore]
                rc = lib.onoma_checker_set_ignore(ck, ffi.new("const char *[]", items), len(items), err)
                if rc < 0:
                    raise Error._from(err, rc)
            # the tuple keeps the tables alive as long as the checker
            h = self._local.h = (ck, th, threading.Lock())
        return h

    def _run(self, data: bytes, markup: Optional[str], name: Optional[str]) -> Tuple[Any, Any, int]:
        """onoma_check; returns (findings pointer, their number, the handle
        tuple). The findings stay valid until the next call on this thread's
        checker: the caller holds its lock."""
        h = self._handle()
        m = _markup(markup, name)
        f: Any = ffi.new("const onoma_finding **")
        n: Any = ffi.new("size_t *")
        err: Any = ffi.new("onoma_error *")
        cname: Any = ffi.new("char[]", os.fsencode(name)) if name else ffi.NULL
        rc = lib.onoma_check(h[0], cname, data, len(data), m, f, n, err)
        if rc < 0:
            e = Error._from(err, rc)
            if name:
                e.file = name
            raise e
        return f[0], n[0], h

    def check(self, text: Any, markup: Optional[str] = "text", *, name: Optional[str] = None) -> List[Finding]:
        """The findings in ``text`` (str or UTF-8 bytes), in text order, notes
        included (see :class:`Finding`). ``markup``: "text" (default; URLs
        are skipped), "markdown", "html", "rst", "tex", or "auto" to choose by
        the extension of ``name``. Invalid UTF-8 or NUL raises
        :class:`onoma.Error` with its line, column and offset."""
        data = _utf8(text, "check()")
        h = self._handle()
        with h[2]:
            fp, n, _ = self._run(data, markup, name)
            raw = [self._finding(fp[i]) for i in range(n)]
        if not raw:
            return []
        # byte offsets to indices of the str given: one pass over the text
        if isinstance(text, str):
            cuts = sorted({o for r in raw for o in (r[4], r[4] + r[5])})
            idx = {}
            pos = 0
            ci = 0
            for o in cuts:
                ci += len(data[pos:o].decode("utf-8", "surrogateescape"))
                pos = o
                idx[o] = ci
        out = []
        for r in raw:
            kind, sev, fixable, line, off, length, col, ecol, frm, to, fid, can, disp, typ, cands, via, dist = r
            start, end = (idx[off], idx[off + length]) if isinstance(text, str) else (off, off + length)
            out.append(Finding(kind, sev, fixable, line, col, ecol, off, length, start, end, frm, to, fid, can, disp,
                               typ, cands, via, dist, self.style or "default"))
        return out

    @staticmethod
    def _finding(f: Any) -> tuple:
        def s(p: Any, n: int) -> str:
            return ffi.buffer(p, n)[:].decode("utf-8", "surrogateescape") if n else ""

        kind = _KINDS.get(f.kind, str(f.kind))
        cands = tuple(Candidate(_str(c.id), _str(c.canonical), _str(c.display))
                      for c in (f.candidates[i] for i in range(f.ncandidates)))
        return (kind, _SEVERITIES.get(f.severity, str(f.severity)), bool(f.fixable), int(f.line), int(f.offset),
                int(f.length), int(f.column), int(f.end_column), s(getattr(f, "from"), f.from_len),
                None if f.to == ffi.NULL else s(f.to, f.to_len), _str(f.id), _str(f.canonical), _str(f.display),
                _str(f.type), cands, ("key" if f.near_via == 2 else "edit") if kind == "near-miss" else None,
                int(f.distance))

    def fix(self, text: Any, findings: Optional[Sequence[Finding]] = None, markup: Optional[str] = "text", *,
            name: Optional[str] = None) -> Any:
        """``text`` with every fixable finding replaced (``onoma check --fix``
        writes the same bytes); ambiguous names and near misses are never
        fixed. ``findings``: fix only these (from :meth:`check` of the same
        text), e.g. after leaving some out; default all."""
        data = _utf8(text, "fix()")
        chunks: List[bytes] = []
        handle = ffi.new_handle(chunks)
        err: Any = ffi.new("onoma_error *")
        if findings is None:
            h = self._handle()
            with h[2]:
                fp, n, _ = self._run(data, markup, name)
                rc = lib.onoma_check_apply(data, len(data), fp, n, _on_write, handle, err)
        else:
            fs = sorted((f for f in findings if f.fixable), key=lambda f: f.offset)
            arr: Any = ffi.new("onoma_finding[]", max(1, len(fs)))
            keep = []
            at = 0
            for i, f in enumerate(fs):
                if f.offset < at or f.offset + f.length > len(data):
                    raise ValueError(f"finding at byte {f.offset}: overlaps another or lies outside the text")
                at = f.offset + f.length
                if data[f.offset:at] != f.text.encode("utf-8", "surrogateescape"):
                    raise ValueError(f"finding at byte {f.offset}: '{f.text}' is not there in this text")
                to = (f.suggestion or "").encode("utf-8", "surrogateescape")
                cto = ffi.new("char[]", to)
                keep.append(cto)
                a = arr[i]
                a.kind = _KIND_CODES[f.kind]
                a.severity = 1 if f.severity == "warning" else 2
                a.fixable = 1
                a.offset = f.offset
                a.length = f.length
                a.line = f.line
                a.column = f.column
                a.end_column = f.end_column
                a.to = cto
                a.to_len = len(to)
            rc = lib.onoma_check_apply(data, len(data), arr, len(fs), _on_write, handle, err)
        if rc < 0:
            raise Error._from(err, rc)
        out = b"".join(chunks)
        return out.decode("utf-8", "surrogateescape") if isinstance(text, str) else out


_shared_lock = threading.Lock()
_shared: dict = {}


def _shared_checker(style: Optional[str], tables: Optional[Tables], **kw: Any) -> Checker:
    key = (style, id(tables) if tables is not None else None, tuple(sorted(kw.items())))
    with _shared_lock:
        ck = _shared.get(key)
    if ck is None:
        ck = Checker(style, tables=tables, **kw)
        with _shared_lock:
            ck = _shared.setdefault(key, ck)  # keeps the tables alive: their id stays theirs
    return ck


def check(text: Any, style: Optional[str] = None, *, markup: Optional[str] = "text", name: Optional[str] = None,
          tables: Optional[Tables] = None, exact: bool = False, guard: bool = True, any_case: bool = False,
          cross_script: bool = False, near: bool = True, near_warnings: bool = False, near_places: bool = False,
          ignore: Iterable[str] = ()) -> List[Finding]:
    """The findings of ``onoma check`` in ``text``: ``check("Qassem
    Suleimani went to Teheran")`` gives two rewrites with their positions
    (see :class:`Checker`, :class:`Finding`). One Checker per option set is
    kept for the process."""
    return _shared_checker(style, tables, exact=exact, guard=guard, any_case=any_case, cross_script=cross_script,
                           near=near, near_warnings=near_warnings, near_places=near_places,
                           ignore=tuple(ignore)).check(text, markup, name=name)


def fix(text: Any, style: Optional[str] = None, *, markup: Optional[str] = "text", name: Optional[str] = None,
        tables: Optional[Tables] = None, exact: bool = False, guard: bool = True, any_case: bool = False,
        cross_script: bool = False, ignore: Iterable[str] = ()) -> Any:
    """``text`` as ``onoma check --fix`` rewrites it: ``fix("Qassem
    Suleimani went to Teheran")`` gives ``"Qasem Soleimani went to
    Tehran"`` (see :meth:`Checker.fix`)."""
    return _shared_checker(style, tables, exact=exact, guard=guard, any_case=any_case, cross_script=cross_script,
                           near=True, near_warnings=False, near_places=False,
                           ignore=tuple(ignore)).fix(text, None, markup, name=name)
