"""``jupyter nbrefactor`` itself: --version, bare command, start-up cost, pipes, and every
command reading notebooks the same way (nbformat 3, bad JSON)."""

import json
import subprocess
import sys

import pytest

from jupyter_nbrefactor import __version__
from jupyter_nbrefactor.cli import main

CLI = [sys.executable, "-m", "jupyter_nbrefactor.cli"]


def call(capsys, *argv):
    try:
        status = main([str(a) for a in argv])
    except SystemExit as exit:  # argparse's --help / --version / usage errors
        status = exit.code
    out, err = capsys.readouterr()
    return status, out, err


def test_version_prints_the_package_version(capsys):
    assert call(capsys, "--version") == (0, f"jupyter nbrefactor {__version__}\n", "")


def test_bare_command_shows_help_and_exits_2(capsys):
    status, out, err = call(capsys)
    assert status == 2 and out == ""
    assert err.startswith("usage: jupyter nbrefactor [-h] [--version] COMMAND ...")
    for command in ("extract", "lint", "report", "verify"):
        assert f"\n    {command} " in err


def test_help_imports_no_engine_and_is_fast():
    """``--help`` builds every parser without nbformat, the engine or the kernel machinery."""
    probe = (
        "import sys, time\n"
        "start = time.perf_counter()\n"
        "from jupyter_nbrefactor.cli import main\n"
        "for argv in (['--help'], ['lint', '--help'], ['verify', '--help'], ['extract', '--help']):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = sorted(m for m in ('nbformat', 'nbclient', 'libcst', 'IPython', 'jupyter_server')"
        " if m in sys.modules)\n"
        "print(heavy, time.perf_counter() - start, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    heavy, seconds = done.stderr.rsplit("] ", 1)
    assert heavy + "]" == "[]"
    # about 0.03 s here (bench/bench_cli_startup.py times the whole command); the bound
    # leaves room for a loaded CI machine, the import check above is the real guard
    assert float(seconds) < 1.0


def test_verify_help_names_the_default_timeout(capsys):
    from jupyter_nbrefactor.verify import DEFAULT_TIMEOUT

    status, out, _ = call(capsys, "verify", "--help")
    assert status == 0 and f"(default: {DEFAULT_TIMEOUT})" in " ".join(out.split())


def test_output_piped_into_head_ends_without_a_traceback(tmp_path):
    cells = [{"cell_type": "code", "metadata": {}, "source": f"print(missing_{i})", "outputs": [],
              "execution_count": None} for i in range(3000)]  # fmt: skip
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}
    (tmp_path / "many.ipynb").write_text(json.dumps(nb))
    reader = subprocess.Popen(
        [*CLI, "lint", str(tmp_path / "many.ipynb")], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert reader.stdout is not None and reader.stderr is not None
    assert b"NR106" in reader.stdout.readline()
    reader.stdout.close()  # what `head -1` does after its line
    err = reader.stderr.read().decode()
    assert reader.wait() == 1
    assert "Traceback" not in err and "BrokenPipeError" not in err


# ----- one reader for every command -------------------------------------------------
V3 = {
    "metadata": {"name": ""},
    "nbformat": 3,
    "nbformat_minor": 0,
    "worksheets": [
        {
            "cells": [
                {"cell_type": "heading", "level": 1, "metadata": {}, "source": ["Old notebook"]},
                {
                    "cell_type": "code",
                    "collapsed": False,
                    "input": ["import math\n", "x = math.pi"],
                    "language": "python",
                    "metadata": {},
                    "outputs": [],
                    "prompt_number": 1,
                },
                {
                    "cell_type": "code",
                    "collapsed": False,
                    "input": ["print(x)"],
                    "language": "python",
                    "metadata": {},
                    "outputs": [{"output_type": "stream", "stream": "stdout", "text": ["3.14\n", "\n"]}],
                    "prompt_number": 3,
                },
            ]
        }
    ],
}


@pytest.fixture
def v3(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "old.ipynb").write_text(json.dumps(V3))
    return tmp_path / "old.ipynb"


def test_nbformat_3_is_read_by_lint_report_and_extract(v3, capsys):
    status, out, _ = call(capsys, "lint", "old.ipynb", "--include", "info")
    assert (status, out) == (
        0,
        "old.ipynb:cell 3:line 1: NR102 execution counts jump from [1] to [3]: 1 run not in the notebook\n",
    )
    status, out, _ = call(capsys, "report", "old.ipynb", "--format", "json")
    assert status == 0 and json.loads(out)["lines_of_code"] == 3
    status, out, _ = call(capsys, "extract", "old.ipynb", "--cells", "2", "--module", "m.py", "--mode", "module")
    assert status == 0 and "\nimport math\n\n\nx = math.pi\n" in (v3.parent / "m.py").read_text()


@pytest.mark.parametrize("command", ["report", "extract", "verify"])
def test_bad_json_gets_the_same_message_in_every_command(tmp_path, monkeypatch, capsys, command):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.ipynb").write_text("{not json")
    extra = {"extract": ["--cells", "1", "--module", "m.py", "--mode", "module"]}.get(command, [])
    status, out, err = call(capsys, command, "bad.ipynb", *extra)
    reason = (
        "not a notebook: invalid JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))"
    )
    assert (status, out, err) == (2, "", f"jupyter nbrefactor {command}: error: cannot read bad.ipynb: {reason}\n")
    status, out, _ = call(capsys, "lint", "bad.ipynb")
    assert (status, out) == (2, f"bad.ipynb: NR000 {reason}\n")


def test_extract_dry_run_diffs_the_cells_not_the_json(tmp_path, monkeypatch, capsys):
    """The notebook part of ``extract --dry-run`` shows cell sources, never outputs."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    monkeypatch.chdir(tmp_path)
    image = new_output("display_data", data={"image/png": "iVBORw0KGgo" * 200, "text/plain": "<Figure>"})
    nb = new_notebook(
        cells=[new_code_cell("x = 2", execution_count=1), new_code_cell("y = x * 3\nplot(y)", outputs=[image])]
    )
    nbformat.write(nb, "a.ipynb")
    status, out, _ = call(
        capsys, "extract", "a.ipynb", "--cells", "1", "--name", "make_x", "--module", "m.py", "--dry-run"
    )
    assert status == 0
    notebook_part = out[out.index("--- a/a.ipynb") :]
    assert notebook_part.splitlines() == [
        "--- a/a.ipynb",
        "+++ b/a.ipynb",
        "@@ -1,5 +1,6 @@",
        " # %%",
        "-x = 2",
        "+from m import make_x",
        "+x = make_x()",
        " # %%",
        " y = x * 3",
        " plot(y)",
    ]
    assert "iVBOR" not in out and not (tmp_path / "m.py").exists()
