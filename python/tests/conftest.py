"""Shared fixtures. Run from CMake (ctest) with PYTHONPATH=build/python and
ONOMA_CLI=build/bin/onoma; or by hand after installing the package:
    /usr/bin/python3 -m pytest python/tests
"""
import os
import shutil
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get("ONOMA_TEST_DATA", os.path.join(HERE, "..", "..", "tests", "data"))
ARTICLE = os.path.join(DATA, "fixtures", "mehr-soleimani-revenge.variants.txt")

HDR = "# name: t\n# source: test\n# license: CC0-1.0\n"
NAMES = HDR + (
    "Q1\tperson\tQasem Soleimani\tQassem Soleimani|Qasem Suleimani\tap=Qassem Soleimani\n"
    "Q1/surname\tperson\tSoleimani\tSuleimani|Soleymani|Sulaimani\n"
    "Q3\tperson\tSaeed Khatibzadeh\tSaid Khatibzadeh\n"
    "Q3/given\tname\tSaeed\t~Said\n"
    "Q4\tplace\tGeorgia (country)\t?Georgia\n"
    "Q5\tplace\tGeorgia (U.S. state)\t?Georgia\n"
    "Q6\tplace\tTehran\tTeheran\n"
)


@pytest.fixture(scope="session")
def cli():
    """The onoma program, to compare with (ONOMA_CLI, else onoma on PATH)."""
    path = os.environ.get("ONOMA_CLI") or shutil.which("onoma")
    if not path:
        pytest.skip("no onoma program (set ONOMA_CLI)")
    return path


def run_cli(cli, *args, data=None):
    r = subprocess.run([cli, *args], input=data, capture_output=True, check=True)
    return r.stdout


@pytest.fixture(scope="session")
def article():
    with open(ARTICLE, encoding="utf-8") as f:
        return f.read()


@pytest.fixture(scope="session")
def table_path(tmp_path_factory):
    p = tmp_path_factory.mktemp("tables") / "t.tsv"
    p.write_text(NAMES, encoding="utf-8")
    return str(p)


@pytest.fixture(scope="session")
def tables(table_path):
    import onoma

    return onoma.Tables([table_path], defaults=False)


@pytest.fixture(params=["speedups", "cffi"])
def path(request, monkeypatch):
    """Run a test on both ways of normalize_many: the C accelerator and cffi alone."""
    from onoma import _core

    if request.param == "speedups":
        if _core._speedups is None:
            pytest.skip("built without the accelerator")
    else:
        monkeypatch.setattr(_core, "_speedups", None)
    return request.param
