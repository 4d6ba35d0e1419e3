"""onoma.pandas: translit_series and key_series."""
import numpy as np
import pandas as pd
import pytest

import onoma
import onoma.pandas
from conftest import run_cli

TEXTS = ["Владимир Путин", None, "قاسم سلیمانی", np.nan, "Qasem Soleimani", "", "Слава Україні!"]


@pytest.fixture(params=["speedups", "cffi"])
def mpath(request, monkeypatch):
    """Both ways: the C loop of the accelerator and cffi alone."""
    from onoma import _key, _translit

    if request.param == "speedups":
        if _key._speedups is None:
            pytest.skip("built without the accelerator")
    else:
        monkeypatch.setattr(_key, "_speedups", None)
        monkeypatch.setattr(_translit, "_speedups", None)
    return request.param


def test_translit_series(mpath):
    s = pd.Series(TEXTS, index=range(10, 17), name="who")
    out = onoma.pandas.translit_series(s)
    want = [onoma.translit(t) if isinstance(t, str) else t for t in TEXTS]
    assert out[10] == "Vladimir Putin" and out[11] is None and np.isnan(out[13]) and out[14] == "Qasem Soleimani"
    assert out.tolist()[:1] + out.tolist()[2:3] + out.tolist()[4:] == want[:1] + want[2:3] + want[4:]
    assert out.index.tolist() == list(range(10, 17)) and out.name == "who" and s[10] == "Владимир Путин"
    assert onoma.pandas.translit_series(s, names=True)[12] == "Qasem Soleimani"
    assert s.onoma.translit("ru", "iso9")[10] == "Vladimir Putin"
    st = pd.Series(["Путин", pd.NA], dtype="string")
    o = st.onoma.translit()
    assert o.dtype == "string" and o[0] == "Putin" and o[1] is pd.NA


def test_key_series(mpath, cli, tmp_path):
    s = pd.Series(TEXTS)
    out = onoma.pandas.key_series(s)
    texts = [t for t in TEXTS if isinstance(t, str)]
    p = tmp_path / "n.txt"
    p.write_text("\n".join(texts) + "\n", encoding="utf-8")
    want = run_cli(cli, "key", str(p)).decode().split("\n")[:-1]
    assert [k for k in out if isinstance(k, str)] == want
    assert out[1] is None and np.isnan(out[3])
    assert s.onoma.key(ordered=True)[0] == onoma.key("Владимир Путин", ordered=True)
    view = pd.Series(["Qasem Soleimani", "x", "Ghassem Solaimani", "y"] * 3)[::2]
    assert onoma.pandas.key_series(view).tolist() == ["ksm srmni"] * 6


def test_series_errors(mpath):
    with pytest.raises(onoma.Error) as ei:
        onoma.pandas.translit_series(pd.Series(["a", None, "Путин\0"], index=list("abc")))
    assert ei.value.index == 2 and ei.value.name == "ONOMA_ENUL"
    with pytest.raises(onoma.Error) as ei:
        onoma.pandas.key_series(pd.Series(["a", "b\0"]))
    assert ei.value.index == 1
    with pytest.raises(TypeError):
        onoma.pandas.key_series(pd.Series(["a", 3]))
    with pytest.raises(TypeError):
        onoma.pandas.translit_series(pd.Series(["a", 3]))
    assert onoma.pandas.key_series(pd.Series([], dtype=object)).empty
    assert onoma.pandas.translit_series(pd.Series([], dtype=object)).empty
