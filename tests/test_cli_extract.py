"""`jupyter nbrefactor extract`: exit codes, files written, --dry-run, --json."""

import json
import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from jupyter_nbrefactor.cli import main


@pytest.fixture
def notebook(tmp_path):
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Analysis"),
            new_code_cell("import math\nradius = 2.0"),
            new_code_cell("# area of the disc\narea = math.pi * radius ** 2"),
            new_code_cell("print(round(area, 2))"),
        ]
    )
    path = tmp_path / "analysis.ipynb"
    nbformat.write(nb, path)
    return path


def run(*argv):
    return main([str(a) for a in argv])


def test_extract_writes_module_init_and_rewrites_notebook(notebook, capsys):
    code = run("extract", notebook, "--cells", "3", "--name", "disc_area", "--module", "src/geometry.py")
    assert code == 0
    folder = notebook.parent
    assert (folder / "src" / "__init__.py").read_text() == ""
    module = (folder / "src" / "geometry.py").read_text()
    assert "import math\n" in module
    assert "def disc_area(radius):" in module
    assert "    # area of the disc\n    area = math.pi * radius ** 2\n    return area\n" in module
    nb = nbformat.read(notebook, as_version=4)
    assert [c.source for c in nb.cells[1:]] == [
        "import math\nradius = 2.0",
        "from src.geometry import disc_area\narea = disc_area(radius)",
        "print(round(area, 2))",
    ]
    out = capsys.readouterr().out
    assert "must reload it" in out


def test_output_leaves_the_original_notebook_alone(notebook, tmp_path):
    before = notebook.read_text()
    out = tmp_path / "out.ipynb"
    assert run("extract", notebook, "--cells", "3", "--name", "disc_area", "--module", "src/g.py", "--output", out) == 0
    assert notebook.read_text() == before
    assert nbformat.read(out, as_version=4).cells[2].source.startswith("from src.g import disc_area")


def test_dry_run_prints_diffs_and_writes_nothing(notebook, capsys):
    before = sorted(p.name for p in notebook.parent.iterdir())
    text = notebook.read_text()
    assert run("extract", notebook, "--cells", "3", "--name", "disc_area", "--module", "src/g.py", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "--- a/src/g.py\n+++ b/src/g.py\n" in out
    assert "+def disc_area(radius):\n" in out
    assert "--- a/analysis.ipynb\n+++ b/analysis.ipynb\n" in out
    assert sorted(p.name for p in notebook.parent.iterdir()) == before
    assert notebook.read_text() == text


def test_json_prints_the_plan(notebook, capsys):
    assert (
        run("extract", notebook, "--cells", "3", "--name", "disc_area", "--module", "src/g.py", "--json", "--dry-run")
        == 0
    )
    plan = json.loads(capsys.readouterr().out)
    assert plan["params"] == ["radius"]
    assert plan["returns"] == ["area"]
    assert plan["refused"] is None
    assert plan["base_hash"] is None


def test_json_writes_nothing_unless_asked_to_apply(notebook, capsys):
    folder = notebook.parent
    before = sorted(p.name for p in folder.iterdir())
    text = notebook.read_text()
    args = ("extract", notebook, "--cells", "3", "--name", "disc_area", "--module", "src/g.py", "--json")
    assert run(*args) == 0
    assert json.loads(capsys.readouterr().out)["returns"] == ["area"]
    assert sorted(p.name for p in folder.iterdir()) == before
    assert notebook.read_text() == text

    assert run(*args, "--apply") == 0
    assert json.loads(capsys.readouterr().out)["returns"] == ["area"]  # only the plan on stdout
    assert "def disc_area(radius):" in (folder / "src" / "g.py").read_text()
    assert "from src.g import disc_area" in notebook.read_text()


def test_json_verify_without_apply_is_a_usage_error(notebook, capsys):
    args = ("extract", notebook, "--cells", "3", "--name", "disc_area", "--module", "src/g.py", "--json", "--verify")
    assert run(*args) == 2
    assert "--apply" in capsys.readouterr().err
    assert not (notebook.parent / "src").exists()


def test_refused_exits_1_with_reason_and_writes_nothing(notebook, capsys):
    text = notebook.read_text()
    code = run("extract", notebook, "--cells", "3", "--name", "radius", "--module", "src/g.py")
    assert code == 1
    err = capsys.readouterr().err
    assert (
        err
        == "refused: cell 2 line 2: radius already exists in the notebook: choose another name (or ask to overwrite)\n"
    )
    assert not (notebook.parent / "src").exists()
    assert notebook.read_text() == text


def test_module_mode(notebook, tmp_path):
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.insert(2, new_code_cell("def circumference(r):\n    return 2 * math.pi * r"))
    nbformat.write(nb, notebook)
    assert run("extract", notebook, "--cells", "3", "--module", "src/geo.py", "--mode", "module") == 0
    module = (tmp_path / "src" / "geo.py").read_text()
    assert "import math\n" in module and "def circumference(r):" in module
    assert nbformat.read(notebook, as_version=4).cells[2].source == "from src.geo import circumference"


def test_merges_into_an_existing_module_keeping_its_text(notebook):
    src = notebook.parent / "src"
    src.mkdir()
    existing = '"""Helpers."""\n# keep me\nimport os\n\n\ndef here():\n    return os.getcwd()  # cwd\n'
    (src / "g.py").write_text(existing)
    assert run("extract", notebook, "--cells", "3", "--name", "disc_area", "--module", "src/g.py") == 0
    text = (src / "g.py").read_text()
    assert text.startswith(
        '"""Helpers."""\n# keep me\nimport os\nimport math\n\n\ndef here():\n    return os.getcwd()  # cwd\n'
    )
    assert text.endswith("    return area\n")


def test_extract_without_name_uses_the_dialogs_suggestion(notebook, capsys):
    # naming.py, as the dialog: a verb and the noun the code works on (`radius` read, `area` bound)
    assert run("extract", notebook, "--cells", "3", "--module", "src/geometry.py") == 0
    assert "def compute_area(radius):" in (notebook.parent / "src" / "geometry.py").read_text()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--cells", "9", "--name", "f", "--module", "m.py"],
            "--cells: cell 9 does not exist (the notebook has 4 cells)",
        ),
        (["--cells", "2-x", "--name", "f", "--module", "m.py"], "is not a cell number or range"),
        (["--cells", "3", "--name", "f", "--module", "../m.py"], "must stay inside the notebook's folder"),
        (["--cells", "3", "--name", "f"], "the following arguments are required: --module"),
        (["--cells", "3", "--name", "f", "--module", "m.py", "--mode", "x"], "invalid choice"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(notebook, capsys, argv, message):
    try:
        code = run("extract", notebook, *argv)
    except SystemExit as exit_:  # argparse's own usage errors
        code = exit_.code
    assert code == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1


def test_unreadable_notebook_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{not json")
    assert run("extract", bad, "--cells", "1", "--name", "f", "--module", "m.py") == 2
    err = capsys.readouterr().err
    assert err.startswith("jupyter nbrefactor extract: error: cannot read") and err.count("\n") == 1
    assert run("extract", tmp_path / "missing.ipynb", "--cells", "1", "--name", "f", "--module", "m.py") == 2


def test_console_script_entry_point(notebook):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter_nbrefactor.cli",
            "extract",
            str(notebook),
            "--cells",
            "3",
            "--name",
            "f",
            "--module",
            "src/g.py",
            "--dry-run",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "+def f(radius):" in result.stdout


def test_markdown_cells_in_the_range_stay(notebook):
    assert run("extract", notebook, "--cells", "1-3", "--name", "setup", "--module", "src/g.py") == 0
    nb = nbformat.read(notebook, as_version=4)
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "code"]
    assert nb.cells[0].source == "# Analysis"
    assert nb.cells[1].source == "from src.g import setup\narea = setup()"


def _files(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_output_in_a_missing_folder_writes_nothing_and_the_retry_works(notebook, capsys):
    folder = notebook.parent
    before = _files(folder)
    argv = ["extract", notebook, "--cells", "3", "--name", "g", "--module", "src/y.py"]
    assert run(*argv, "--output", folder / "nodir" / "out.ipynb") == 2
    err = capsys.readouterr().err
    assert err.endswith(
        f"cannot write {folder / 'nodir' / 'out.ipynb'}: the folder {folder / 'nodir'} does not exist\n"
    )
    assert _files(folder) == before
    assert not (folder / "src").exists()
    assert run(*argv, "--output", folder / "out.ipynb") == 0
    assert "def g(radius):" in (folder / "src" / "y.py").read_text()


def test_a_failed_write_puts_back_every_file(notebook, capsys, monkeypatch):
    """The module is written, then the notebook's write fails: the module, the package
    folder and its __init__.py go away again."""
    import jupyter_nbrefactor.apply as apply

    folder = notebook.parent
    before = _files(folder)
    real = apply.write_text_atomic

    def failing(path, text):
        if path.suffix == ".ipynb":
            raise OSError(28, "No space left on device")
        real(path, text)

    monkeypatch.setattr(apply, "write_text_atomic", failing)
    assert run("extract", notebook, "--cells", "3", "--name", "g", "--module", "src/y.py") == 2
    assert capsys.readouterr().err.endswith("cannot write: [Errno 28] No space left on device\n")
    assert _files(folder) == before
    assert not (folder / "src").exists()


def test_a_package_path_that_is_a_file_writes_nothing(notebook, capsys):
    folder = notebook.parent
    (folder / "src").write_text("not a folder")
    before = _files(folder)
    assert run("extract", notebook, "--cells", "3", "--name", "g", "--module", "src/y.py") == 2
    assert "src is a file, not a folder" in capsys.readouterr().err
    assert _files(folder) == before
