"""onoma for pandas: normalize, transliterate or key a Series of texts in a few
calls into the library.

    >>> import pandas as pd, onoma.pandas
    >>> onoma.pandas.normalize_series(pd.Series(["Suleimani", None, "Teheran"]))
    0    Soleimani
    1         None
    2       Tehran
    dtype: object

    >>> onoma.pandas.translit_series(pd.Series(["Владимир Путин", "قاسم سليماني"]), names=True)
    0     Vladimir Putin
    1    Qasem Soleimani
    dtype: object
    >>> onoma.pandas.key_series(pd.Series(["Qasem Soleimani", "Ghassem Solaimani"]))
    0    ksm srmni
    1    ksm srmni
    dtype: object

Importing this module also adds the ``.onoma`` accessor to Series:
``s.onoma.normalize(style="ap")``, ``s.onoma.translit(lang="ru")``,
``s.onoma.key()``.
"""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np
import pandas as pd

from ._core import PathLike, Tables, _flags, default_tables
from ._key import Keyer
from ._translit import Transliterator, shared

__all__ = ["normalize_series", "translit_series", "key_series"]


def _mapped(series: "pd.Series", fn) -> "pd.Series":
    src = np.ascontiguousarray(series.to_numpy(dtype=object), dtype=object)  # may be the Series' own: only read
    values = np.empty(len(src), dtype=object)  # ours: receives the results
    fn(values, src)
    return pd.Series(values, index=series.index, name=series.name, dtype=series.dtype, copy=False)


def normalize_series(series: "pd.Series", style: Optional[str] = None, *, fuzzy: bool = True,
                     tables: Optional[Tables] = None, guard: bool = True, any_case: bool = False,
                     invalid: str = "error", threads: Optional[int] = None) -> "pd.Series":
    """A new Series with every text normalized (see :func:`onoma.normalize`
    for the options); index, name and dtype are kept, missing values (None,
    NaN, pd.NA) stay as they are. The texts go to the library joined in a
    few big buffers (``onoma_normalize_many``), not one call per row, and
    only the rows that change come back.
    ``threads=N`` uses N threads for big Series (default one).
    Raises :class:`onoma.Error` (its ``index`` is the row's position) or
    TypeError for values that are neither text nor missing."""
    t = tables if tables is not None else default_tables()
    src = np.ascontiguousarray(series.to_numpy(dtype=object), dtype=object)  # may be the Series' own: only read
    values = np.empty(len(src), dtype=object)  # ours: receives the texts, normalized
    t._replace(values, _flags(fuzzy, guard, any_case, invalid), style, threads, src)
    return pd.Series(values, index=series.index, name=series.name, dtype=series.dtype, copy=False)


def translit_series(series: "pd.Series", lang: Optional[str] = None, scheme: Optional[str] = None, *,
                    names: bool = False, style: Optional[str] = None, ascii: bool = False, any_script: bool = False,
                    invalid: str = "error", tables: Optional[Tables] = None, lexicon: bool = True,
                    scheme_files: Sequence[PathLike] = (), scheme_path: Optional[str] = None,
                    transliterator: Optional[Transliterator] = None) -> "pd.Series":
    """A new Series with every text transliterated (see
    :class:`onoma.Transliterator` for the options, or pass one as
    ``transliterator``); index, name and dtype are kept, missing values
    stay. With the accelerator the texts are read in place and
    transliterated in a C loop with the GIL released; without it they go to
    the library joined by line ends, a few MB per call. Raises
    :class:`onoma.Error` (``index``: the row's position) or TypeError."""
    tr = transliterator or shared(lang, scheme, names=names, style=style, tables=tables, ascii=ascii,
                                  any_script=any_script, invalid=invalid, lexicon=lexicon,
                                  scheme_files=scheme_files, scheme_path=scheme_path)
    return _mapped(series, tr._map)


def key_series(series: "pd.Series", lang: Optional[str] = None, *, ordered: bool = False,
               rules: Optional[PathLike] = None, keyer: Optional[Keyer] = None) -> "pd.Series":
    """A new Series with the name key of every text (``onoma key``; see
    :class:`onoma.Keyer`); index, name and dtype are kept, missing values
    stay. With the accelerator, one C loop with the GIL released per block
    of 1,024 rows; without it, one call into the library per row."""
    k = keyer or Keyer.shared(lang, ordered=ordered, rules=rules)
    return _mapped(series, k._map)


@pd.api.extensions.register_series_accessor("onoma")
class OnomaAccessor:
    """``series.onoma.normalize(...)``, ``.translit(...)``, ``.key(...)``:
    :func:`normalize_series`, :func:`translit_series` and :func:`key_series`
    as methods."""

    def __init__(self, series: "pd.Series") -> None:
        self._s = series

    def normalize(self, style: Optional[str] = None, **kw) -> "pd.Series":
        return normalize_series(self._s, style, **kw)

    def translit(self, lang: Optional[str] = None, scheme: Optional[str] = None, **kw) -> "pd.Series":
        return translit_series(self._s, lang, scheme, **kw)

    def key(self, lang: Optional[str] = None, **kw) -> "pd.Series":
        return key_series(self._s, lang, **kw)
