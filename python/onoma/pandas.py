"""onoma for pandas: normalize a Series of texts in a few calls into the library.

    >>> import pandas as pd, onoma.pandas
    >>> onoma.pandas.normalize_series(pd.Series(["Suleimani", None, "Teheran"]))
    0    Soleimani
    1         None
    2       Tehran
    dtype: object

Importing this module also adds the ``.onoma`` accessor to Series:
``s.onoma.normalize(style="ap")``.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd

from ._core import Tables, _flags, default_tables

__all__ = ["normalize_series"]


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


@pd.api.extensions.register_series_accessor("onoma")
class OnomaAccessor:
    """``series.onoma.normalize(...)``: :func:`normalize_series` as a method."""

    def __init__(self, series: "pd.Series") -> None:
        self._s = series

    def normalize(self, style: Optional[str] = None, **kw) -> "pd.Series":
        return normalize_series(self._s, style, **kw)
