"""The man pages and the bash completion keep up with the program: every
subcommand and option `onoma --help` lists is in onoma(1) and completed by
the completion; every function include/onoma.h exports is in onoma(3)."""
import os
import re
import subprocess

import pytest

CLI = os.environ["ONOMA_CLI"]
SRC = os.environ["ONOMA_SOURCE_DIR"]


def run(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True, check=True).stdout


def commands():
    out = run("--help")
    block = out.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    cmds = [line.split()[0] for line in block.splitlines() if line.startswith("  ")]
    assert "normalize" in cmds and len(cmds) >= 4
    return cmds


def long_options(cmd):
    opts = set(re.findall(r"(?:^|[ ,])(--[a-z][a-z-]*)", run(cmd, "--help"), re.M))
    assert "--help" in opts
    return opts


def man(page):
    with open(os.path.join(SRC, "man", page), encoding="utf-8") as f:
        text = f.read()
    # roff escapes: \- is a hyphen, \fB..\fP fonts
    return re.sub(r"\\f[BIRP]", "", text).replace("\\-", "-")


def test_man1_covers_every_command_and_option():
    page = man("onoma.1")
    for cmd in commands():
        assert re.search(rf"^\.SS {cmd}$", page, re.M), f"onoma(1) has no section for '{cmd}'"
        section = page.split(f".SS {cmd}\n", 1)[1].split("\n.SS ", 1)[0].split("\n.SH ", 1)[0]
        for opt in long_options(cmd) - {"--help"}:
            assert opt in section, f"onoma(1), {cmd}: {opt} is not described"
    assert "--version" in page and "ONOMA_TABLES" in page


def test_man3_covers_every_function():
    with open(os.path.join(SRC, "include", "onoma.h"), encoding="utf-8") as f:
        header = f.read()
    funcs = set(re.findall(r"ONOMA_EXTERN[^;(]*?\b(onoma_[a-z0-9_]+)\s*\(", header, re.S))
    assert "onoma_normalize" in funcs and len(funcs) > 20
    page = man("onoma.3")
    missing = sorted(f for f in funcs if not re.search(rf"\b{f}\b", page))
    assert not missing, f"onoma(3) does not describe: {', '.join(missing)}"


@pytest.mark.parametrize("page", ["onoma.1", "onoma.3"])
def test_man_pages_render_cleanly(page):
    if not shutil_which("man"):
        pytest.skip("no man")
    r = subprocess.run(["man", "--warnings", "-l", os.path.join(SRC, "man", page)], capture_output=True, text=True,
                       env=dict(os.environ, MANWIDTH="80", MANPAGER="cat", PAGER="cat"))
    assert r.returncode == 0 and "ONOMA" in r.stdout
    assert r.stderr == "", r.stderr


def shutil_which(name):
    import shutil

    return shutil.which(name)


def complete(*words):
    """COMPREPLY for the command line `words` (the last is the word under the cursor)."""
    script = ('source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); '
              '_onoma; printf "%s\\n" "${COMPREPLY[@]}"')
    r = subprocess.run(["bash", "-c", script, "_", os.path.join(SRC, "completion", "onoma.bash"), CLI, *words],
                       capture_output=True, text=True, check=True)
    return [w for w in r.stdout.splitlines() if w]


def test_completion_commands_and_options():
    assert set(complete("")) == set(commands()) | {"--help", "--version"}
    assert complete("nor") == ["normalize"]
    for cmd in commands():
        got = {w.rstrip("=") for w in complete(cmd, "--")}
        assert got == long_options(cmd), cmd


def test_completion_values(tmp_path):
    assert complete("normalize", "--style", "") == ["default", "ap", "bgn"]
    assert complete("normalize", "--invalid", "=", "r") == ["replace"]
    assert complete("lookup", "--format", "j") == ["json"]
    (tmp_path / "ours.tsv").write_text("x")
    assert complete("normalize", "-t", str(tmp_path / "ou")) == [str(tmp_path / "ours.tsv")]
