"""onoma.pandas: Series in, Series out."""
import numpy as np
import pandas as pd
import pytest

import onoma
import onoma.pandas


def test_normalize_series(tables, path):
    s = pd.Series(["Suleimani", None, "plain", np.nan, "Teheran"], index=[10, 11, 12, 13, 14], name="who")
    out = onoma.pandas.normalize_series(s, tables=tables)
    assert out.tolist()[0] == "Soleimani" and out[11] is None and np.isnan(out[13]) and out[14] == "Tehran"
    assert out.index.tolist() == [10, 11, 12, 13, 14] and out.name == "who" and out.dtype == object
    assert s[10] == "Suleimani"  # input untouched
    assert onoma.pandas.normalize_series(s, "ap", tables=tables)[10] == "Soleimani"


def test_string_dtype_and_accessor(tables, path):
    s = pd.Series(["Qasem Suleimani", pd.NA, "x"], dtype="string")
    out = s.onoma.normalize("ap", tables=tables)
    assert out.dtype == "string" and out[0] == "Qassem Soleimani" and out[1] is pd.NA


def test_empty_and_sliced(tables, path):
    assert onoma.pandas.normalize_series(pd.Series([], dtype=object), tables=tables).empty
    s = pd.Series(["Teheran", "a", "Suleimani", "b"] * 3)
    view = s[::2]  # not contiguous in the frame it comes from
    assert onoma.pandas.normalize_series(view, tables=tables).tolist() == ["Tehran", "Soleimani"] * 3


def test_error_gives_the_row(tables, path):
    s = pd.Series(["ok", None, "bad \0"], index=["a", "b", "c"])
    with pytest.raises(onoma.Error) as ei:
        onoma.pandas.normalize_series(s, tables=tables)
    assert ei.value.index == 2  # the position
    with pytest.raises(TypeError):
        onoma.pandas.normalize_series(pd.Series(["a", 3]), tables=tables)


def test_same_as_normalize(article, path):
    s = pd.Series(article.split(", "))
    out = onoma.pandas.normalize_series(s)
    assert out.tolist() == [onoma.normalize(x) for x in s]
    assert (out != s).sum() >= 5
