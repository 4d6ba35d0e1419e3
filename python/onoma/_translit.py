"""Transliteration into Latin script: Transliterator over onoma_translit_*."""
from __future__ import annotations

import os
import re
import sys
import threading
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

from ._core import Error, PathLike, Tables, _str, default_tables
from ._core import _map_speedups as _speedups  # the loop of translit_many in C (optional)
from ._ffi import ffi, lib
from ._key import _missing, _utf8

_TRANSLIT_FN = int(ffi.cast("uintptr_t", lib.onoma_translit_buffer))

# Flags, as in include/onoma.h.
_NAMES = 1 << 0
_ASCII = 1 << 1
_ANY = 1 << 2
_INVALID_KEEP = 1 << 3
_INVALID_REPLACE = 1 << 4
_NO_LEXICON = 1 << 7
_MAP_TRANSLIT = 2  # kind of _speedups.map_*

# Bytes per call of the batched path without the accelerator.
_CHUNK_BYTES = 1 << 22

__all__ = ["Transliterator", "Scheme", "schemes", "detect_language", "translit", "translit_many"]


def _free_translit(h: Any) -> None:
    lib.onoma_translit_free(ffi.new("onoma_translit **", h))


@ffi.callback("int(void *, const char *, size_t)")
def _on_write(ctx: Any, data: Any, n: int) -> int:
    # output comes in blocks of 64 KB or per call: the GIL is taken rarely
    ffi.from_handle(ctx).append(ffi.unpack(data, n))
    return 0


@dataclass(frozen=True)
class Scheme:
    """A transliteration scheme (``onoma translit --list``)."""

    id: str  #: "bgnpcgn-per-Arab-Latn-1958"
    short_name: str  #: "bgn"
    langs: Tuple[str, ...]  #: ("fa",)
    name: str  #: "BGN/PCGN romanization of Persian (1958)"
    source: str
    license: str
    notes: str
    path: str  #: the rule file


@ffi.callback("int(void *, const onoma_scheme_info *)")
def _on_scheme(ctx: Any, s: Any) -> int:
    ffi.from_handle(ctx).append(Scheme(_str(s.id), _str(s.short_name), tuple(_str(s.langs).split()), _str(s.name),
                                       _str(s.source), _str(s.license), _str(s.notes), _str(s.path)))
    return 0


def _invalid_flags(invalid: str) -> int:
    if invalid == "keep":
        return _INVALID_KEEP
    if invalid == "replace":
        return _INVALID_REPLACE
    if invalid != "error":
        raise ValueError(f"invalid= takes 'error', 'keep' or 'replace', not {invalid!r}")
    return 0


class Transliterator:
    """Text in Arabic, Persian, Pashto, Urdu, Russian, Ukrainian, Belarusian,
    Bulgarian, Serbian, Macedonian, Greek and Hebrew script into Latin
    script by a published scheme (``onoma translit``; BGN/PCGN by default):

        >>> tr = onoma.Transliterator(lang="ru", scheme="iso9")
        >>> tr("Владимир Путин")
        'Vladimir Putin'

    Setting up ICU's transliterators is costly (tens of milliseconds), so
    make one and reuse it: each thread gets its own onoma_translit, made on
    first use, that remembers the words it has seen. :func:`onoma.translit`
    keeps one per option set.

    ``lang``: language of the text (``"fa"``, ``"ru"``, ``"uk"`` ... or
    ``"fas"``, ``"rus"``); None or ``"auto"`` tells it per line from the
    letters. ``scheme``: a short name (``"bgn"``, ``"alalc"``, ``"iso9"``
    ...), a scheme id, a file stem (``"fa-bgn"``) or ``"icu:ID"`` for any
    ICU transform; None: each language's default. ``names=True``: known
    names in their canonical form (from ``tables``, default the bundled
    ones, in ``style``), other words by the names model, title case.
    ``ascii=True``: plain ASCII. ``any_script=True``: other scripts through
    ICU's Any-Latin (default: copied). ``invalid``: "error", "keep" or
    "replace" for invalid UTF-8 and NUL. ``lexicon=False``: no short vowels
    from the lexicon. ``scheme_files``, ``scheme_path``: more scheme files
    and folders (``scheme_path`` defaults to ``$ONOMA_TRANSLIT_PATH``, as for
    the command line). An unknown scheme or language raises
    :class:`onoma.Error` (``ONOMA_ESCHEME``) here, not on first use.
    Pickling sends the options only.
    """

    def __init__(self, lang: Optional[str] = None, scheme: Optional[str] = None, *, names: bool = False,
                 style: Optional[str] = None, tables: Optional[Tables] = None, ascii: bool = False,
                 any_script: bool = False, invalid: str = "error", lexicon: bool = True,
                 scheme_files: Sequence[PathLike] = (), scheme_path: Optional[str] = None) -> None:
        self.lang = None if lang in (None, "", "auto") else lang
        self.scheme = scheme or None
        self.names = names
        self.style = style
        self.ascii = ascii
        self.any_script = any_script
        self.invalid = invalid
        self.lexicon = lexicon
        self.scheme_files = tuple(os.path.abspath(os.fsdecode(p)) for p in scheme_files)
        self.scheme_path = scheme_path if scheme_path is not None else os.environ.get("ONOMA_TRANSLIT_PATH")
        self.flags = ((_NAMES if names else 0) | (_ASCII if ascii else 0) | (_ANY if any_script else 0)
                      | _invalid_flags(invalid) | (0 if lexicon else _NO_LEXICON))
        self.tables = (tables if tables is not None else default_tables()) if names else tables
        self._local = threading.local()
        self._handle()  # a bad scheme, language or style fails here

    def _options(self) -> Tuple[Any, List[Any]]:
        keep: List[Any] = []

        def c(s: Optional[str]) -> Any:
            if s is None:
                return ffi.NULL
            p = ffi.new("char[]", os.fsencode(s))
            keep.append(p)
            return p

        files = [c(p) for p in self.scheme_files]
        arr: Any = ffi.new("const char *[]", files) if files else ffi.NULL
        keep.append(arr)
        th = self.tables._handle() if self.names and self.tables is not None else ffi.NULL
        keep.append(th)  # the tables outlive the transliterator
        opt: Any = ffi.new("onoma_translit_options *", {
            "flags": self.flags, "lang": c(self.lang), "scheme": c(self.scheme), "scheme_files": arr,
            "nscheme_files": len(files), "scheme_path": c(self.scheme_path), "tables": th,
            "style": c(self.style), "jobs": 1, "cache_bytes": 0})
        return opt, keep

    def _handle(self) -> Any:
        """This thread's onoma_translit (created on first use)."""
        h = getattr(self._local, "h", None)
        if h is None:
            opt, keep = self._options()
            out: Any = ffi.new("onoma_translit **")
            err: Any = ffi.new("onoma_error *")
            rc = lib.onoma_translit_new(opt, out, err)
            if rc < 0:
                raise Error._from(err, rc)
            h = self._local.h = (ffi.gc(out[0], _free_translit), keep)
        return h[0]

    def __reduce__(self):
        return (_unpickle_translit, (self.lang, self.scheme, self.names, self.style, self.tables, self.ascii,
                                     self.any_script, self.invalid, self.lexicon, self.scheme_files,
                                     self.scheme_path))

    def __repr__(self) -> str:
        opts = [f"lang={self.lang!r}", f"scheme={self.scheme!r}"]
        for k in ("names", "ascii", "any_script"):
            if getattr(self, k):
                opts.append(f"{k}=True")
        if self.style:
            opts.append(f"style={self.style!r}")
        return f"Transliterator({', '.join(opts)})"

    # -- one text

    def _bytes(self, data: bytes, name: Optional[str] = None) -> bytes:
        h = self._handle()
        chunks: List[bytes] = []
        handle = ffi.new_handle(chunks)
        err: Any = ffi.new("onoma_error *")
        if name is not None:
            cname = ffi.new("char[]", os.fsencode(name))
            lib.onoma_translit_set_name(h, cname)
        try:
            rc = lib.onoma_translit_buffer(h, data, len(data), _on_write, handle, err)
        finally:
            if name is not None:
                lib.onoma_translit_set_name(h, ffi.NULL)
        if rc < 0:
            raise Error._from(err, rc)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def translit(self, text: Any) -> Any:
        """Transliterate ``text``; everything not of a transliterated script
        (spacing, line ends, punctuation, Latin) is copied as it is. ``str``
        in, ``str`` out; ``bytes`` in, ``bytes`` out. The result is what
        ``onoma translit`` writes for the same text with the same options."""
        out = self._bytes(_utf8(text, "translit()"))
        return out.decode("utf-8", "surrogateescape") if isinstance(text, str) else out

    __call__ = translit

    # -- many texts

    def translit_many(self, texts: Iterable[Any]) -> List[Any]:
        """``[translit(t) for t in texts]`` in few calls into the library:
        with the accelerator, a C loop with the GIL released per block of
        1,024 texts; without it, texts joined by line ends (the library
        works line by line, so each text is transliterated on its own).
        Missing values (None, NaN, pd.NA) stay. On an error, the
        :class:`onoma.Error`'s ``index`` gives the text."""
        res = list(texts)
        self._map(res)
        return res

    def _map(self, items: Any, src: Any = None) -> None:
        """Transliterate, in place, a list or a 1-D contiguous numpy object
        array (with src: dst=items, holding None, receives src's texts)."""
        n = len(items)
        if n == 0:
            return
        if _speedups is not None:
            na = getattr(sys.modules.get("pandas"), "NA", None)
            addr = int(ffi.cast("uintptr_t", self._handle()))
            try:
                if isinstance(items, list):
                    err = _speedups.map_list(_MAP_TRANSLIT, _TRANSLIT_FN, addr, items, 0, n, na)
                else:
                    err = _speedups.map_array(_MAP_TRANSLIT, _TRANSLIT_FN, addr,
                                              0 if src is None else src.ctypes.data, items.ctypes.data, n, na)
            except UnicodeError:  # lone surrogates: the cffi path escapes them
                pass
            else:
                if err is not None:
                    i, code, message, file, line, column, offset = err
                    message = re.sub(r" \(line [0-9]+\)$", "", message.decode("utf-8", "surrogateescape"))
                    raise Error(code, message, "", line, column, offset, i)
                return
        if src is not None:
            items[:] = src
        self._map_joined(items)

    def _map_joined(self, items: Any) -> None:
        """The cffi path: runs of texts without line ends joined by "\\n"."""
        n = len(items)
        i = 0
        while i < n:
            run: List[bytes] = []
            where: List[int] = []
            size = 0
            while i < n and size < _CHUNK_BYTES:
                t = items[i]
                if isinstance(t, str):
                    b = t.encode("utf-8", "surrogateescape")
                    if b"\n" in b:  # a text of several lines: on its own
                        try:
                            items[i] = self._bytes(b).decode("utf-8", "surrogateescape")
                        except Error as e:
                            raise Error(e.code, e.message, "", e.line, e.column, e.offset, i) from None
                    else:
                        run.append(b)
                        where.append(i)
                        size += len(b) + 1
                elif not _missing(t):
                    raise TypeError(f"item {i}: translit_many() takes texts (str) or missing values, "
                                    f"not {type(t).__name__}")
                i += 1
            if not run:
                continue
            data = b"\n".join(run)
            try:
                out = self._bytes(data)
            except Error as e:
                k = max(0, int(e.line) - 1) if e.line else data.count(b"\n", 0, e.offset)
                k = min(k, len(where) - 1)
                off = e.offset - (data.rfind(b"\n", 0, e.offset) + 1)
                msg = re.sub(r"at byte [0-9]+ \(line [0-9]+\)", f"at byte {off}", e.message)
                raise Error(e.code, msg, "", 1, e.column, off, where[k]) from None
            parts = out.split(b"\n")
            if len(parts) != len(run):  # cannot happen: the library keeps the lines; be safe
                parts = [self._bytes(b) for b in run]
            for j, p in zip(where, parts):
                items[j] = p.decode("utf-8", "surrogateescape")


def _unpickle_translit(lang, scheme, names, style, tables, ascii, any_script, invalid, lexicon, scheme_files,
                       scheme_path) -> Transliterator:
    return shared(lang, scheme, names=names, style=style, tables=tables, ascii=ascii, any_script=any_script,
                  invalid=invalid, lexicon=lexicon, scheme_files=scheme_files, scheme_path=scheme_path)


_shared_lock = threading.Lock()
_shared: Dict[Tuple[Any, ...], Transliterator] = {}


def shared(lang: Optional[str] = None, scheme: Optional[str] = None, *, names: bool = False,
           style: Optional[str] = None, tables: Optional[Tables] = None, ascii: bool = False,
           any_script: bool = False, invalid: str = "error", lexicon: bool = True,
           scheme_files: Sequence[PathLike] = (), scheme_path: Optional[str] = None) -> Transliterator:
    """One Transliterator per option set and process (made on first use)."""
    if scheme_path is None:
        scheme_path = os.environ.get("ONOMA_TRANSLIT_PATH")
    files = tuple(os.path.abspath(os.fsdecode(p)) for p in scheme_files)
    key = (None if lang in (None, "", "auto") else lang, scheme or None, names, style,
           id(tables) if tables is not None else None, ascii, any_script, invalid, lexicon, files, scheme_path)
    with _shared_lock:
        tr = _shared.get(key)
    if tr is None:
        tr = Transliterator(lang, scheme, names=names, style=style, tables=tables, ascii=ascii,
                            any_script=any_script, invalid=invalid, lexicon=lexicon, scheme_files=files,
                            scheme_path=scheme_path)
        with _shared_lock:
            # tables are keyed by identity: the entry keeps them alive, so the id stays theirs
            tr = _shared.setdefault(key, tr)
    return tr


def schemes(scheme_files: Sequence[PathLike] = (), scheme_path: Optional[str] = None) -> List[Scheme]:
    """The schemes there are (``onoma translit --list``)."""
    keep = [ffi.new("char[]", os.fsencode(os.path.abspath(os.fsdecode(p)))) for p in scheme_files]
    if scheme_path is None:
        scheme_path = os.environ.get("ONOMA_TRANSLIT_PATH")
    cpath: Any = ffi.new("char[]", os.fsencode(scheme_path)) if scheme_path else ffi.NULL
    opt: Any = ffi.new("onoma_translit_options *", {
        "scheme_files": ffi.new("const char *[]", keep) if keep else ffi.NULL, "nscheme_files": len(keep),
        "scheme_path": cpath})
    found: List[Scheme] = []
    handle = ffi.new_handle(found)
    err: Any = ffi.new("onoma_error *")
    rc = lib.onoma_translit_schemes(opt, _on_scheme, handle, err)
    if rc < 0:
        raise Error._from(err, rc)
    return found


def detect_language(text: Union[str, bytes]) -> Optional[str]:
    """What ``lang="auto"`` decides for ``text``: the language of the letters
    of the script of its first transliterable letter ("fa", "uk" ...), or
    None when it has none."""
    data = _utf8(text, "detect_language()")
    p = lib.onoma_translit_detect(data, len(data))
    return None if p == ffi.NULL else _str(p)
def translit(text: Any, lang: Optional[str] = None, scheme: Optional[str] = None, *, names: bool = False,
             style: Optional[str] = None, ascii: bool = False, any_script: bool = False, invalid: str = "error",
             tables: Optional[Tables] = None, lexicon: bool = True, scheme_files: Sequence[PathLike] = (),
             scheme_path: Optional[str] = None) -> Any:
    """Transliterate ``text`` into Latin script, as ``onoma translit`` does:
    ``translit("Владимир Путин", lang="ru")`` gives ``"Vladimir Putin"``.
    The options are those of :class:`onoma.Transliterator`; the
    transliterator of each option set is made once per process (and per
    thread) and reused, so repeated calls do not set up ICU again."""
    return shared(lang, scheme, names=names, style=style, tables=tables, ascii=ascii, any_script=any_script,
                  invalid=invalid, lexicon=lexicon, scheme_files=scheme_files,
                  scheme_path=scheme_path).translit(text)


def translit_many(texts: Iterable[Any], lang: Optional[str] = None, scheme: Optional[str] = None, *,
                  names: bool = False, style: Optional[str] = None, ascii: bool = False, any_script: bool = False,
                  invalid: str = "error", tables: Optional[Tables] = None, lexicon: bool = True,
                  scheme_files: Sequence[PathLike] = (), scheme_path: Optional[str] = None) -> List[Any]:
    """:func:`translit` over many texts, batched (see :meth:`onoma.Transliterator.translit_many`)."""
    return shared(lang, scheme, names=names, style=style, tables=tables, ascii=ascii, any_script=any_script,
                  invalid=invalid, lexicon=lexicon, scheme_files=scheme_files,
                  scheme_path=scheme_path).translit_many(texts)
