"""`jupyter nbrefactor verify` and `extract --verify`: exit codes, output, putting files back."""

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from jupyter_nbrefactor import verify as verify_module
from jupyter_nbrefactor.cli import main


def run(*argv):
    try:
        return main([str(a) for a in argv])
    except SystemExit as done:  # argparse's own usage errors
        return done.code


def saved_notebook(path, printed):
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Analysis"),
            new_code_cell("import math\nradius = 2.0"),
            new_code_cell("area = math.pi * radius ** 2\nprint(round(area, 2))", outputs=[]),
        ]
    )
    nb.cells[2].outputs = [new_output("stream", name="stdout", text=printed)]
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def same(tmp_path_factory):
    return saved_notebook(tmp_path_factory.mktemp("same") / "same.ipynb", "12.57\n")


def test_verify_exits_0_when_every_cell_is_the_same(same, capsys):
    assert run("verify", same) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{same}: same (2 same) in ")


def test_verify_exits_1_and_names_the_changed_cell(tmp_path, capsys):
    path = saved_notebook(tmp_path / "edited.ipynb", "12.0\n")
    assert run("verify", path, "--json") == 1
    answer = json.loads(capsys.readouterr().out)
    assert answer["verdict"] == "changed"
    assert answer["first_difference"] == 2
    assert [c["status"] for c in answer["cells"]] == ["same", "changed"]


def test_verify_against_the_same_notebook_is_same(same, capsys):
    assert run("verify", same, "--against", same, "--json") == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "same"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["verify", "missing.ipynb"], "cannot read missing.ipynb"),
        (["verify", "{same}", "--against", "missing.ipynb"], "cannot read missing.ipynb"),
        (["verify", "{same}", "--timeout", "0"], "--timeout must be a positive number of seconds"),
        (["verify", "{same}", "--timeout", "soon"], "invalid float value"),
    ],
)
def test_verify_exits_2_on_usage_errors(same, argv, message, capsys, monkeypatch):
    monkeypatch.chdir(same.parent)
    assert run(*(a.format(same=same) for a in argv)) == 2
    assert message in capsys.readouterr().err


def test_verify_exits_2_on_a_file_that_is_no_notebook(tmp_path, capsys):
    (tmp_path / "bad.ipynb").write_text("{not json")
    assert run("verify", tmp_path / "bad.ipynb") == 2
    assert "cannot read" in capsys.readouterr().err


def test_text_output_is_one_line_per_cell_that_is_not_the_same_then_a_summary():
    result = {
        "verdict": "changed",
        "cells": [
            {"index": 0, "id": "a", "status": "same", "diff": None},
            {"index": 2, "id": "b", "status": "changed", "diff": "--- saved\n+++ fresh run\n@@ -1 +1 @@\n-8\n+7"},
            {"index": 3, "id": "c", "status": "non-deterministic", "diff": "--- saved\n+++ fresh run\n-0.1\n+0.2"},
        ],
        "totals": {"same": 1, "changed": 1, "non-deterministic": 1, "error": 0, "skipped": 0},
        "seconds": 2.25,
        "message": None,
        "notes": [],
    }
    assert verify_module.format_result(result, "nb.ipynb") == (
        "nb.ipynb:cell 3: changed: -8 +7\n"
        "nb.ipynb:cell 4: non-deterministic: -0.1 +0.2\n"
        "nb.ipynb: changed (1 same, 1 changed, 1 non-deterministic) in 2.2 s\n"
    )


# ----- extract --verify --------------------------------------------------------------------


def extract_folder(folder):
    saved_notebook(folder / "analysis.ipynb", "12.57\n")
    (folder / "src").mkdir()
    (folder / "src" / "geometry.py").write_text("# helpers\r\nPI = 3.14\r\n")  # CRLF: must come back as it was
    return folder / "analysis.ipynb"


def snapshot(folder):
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else None for p in sorted(folder.rglob("*"))}


def test_extract_verify_keeps_a_faithful_extraction(tmp_path, capsys):
    path = extract_folder(tmp_path)
    argv = ["extract", path, "--cells", "3", "--name", "disc_area", "--module", "src/geometry.py", "--verify"]
    assert run(*argv) == 0
    out = capsys.readouterr().out
    assert "analysis.ipynb: same (2 same)" in out
    assert "def disc_area(radius):" in (tmp_path / "src" / "geometry.py").read_text()
    assert nbformat.read(path, as_version=4).cells[2].source.startswith("from src.geometry import disc_area")


@pytest.mark.parametrize("module", ["src/geometry.py", "pkg/sub/new.py"])
def test_extract_verify_puts_everything_back_byte_identical_when_verify_fails(tmp_path, module, capsys, monkeypatch):
    path = extract_folder(tmp_path)
    before = snapshot(tmp_path)
    seen = []

    def changed(nb, folder, against, against_folder, **_):
        seen.append((nb, against))
        return {
            "verdict": "changed",
            "cells": [{"index": 2, "id": "x", "status": "changed", "diff": "--- original\n+++ refactored\n-1\n+2"}],
            "totals": {"same": 1, "changed": 1},
            "seconds": 1.0,
            "message": None,
            "notes": [],
        }

    monkeypatch.setattr(verify_module, "verify", changed)
    argv = ["extract", path, "--cells", "3", "--name", "disc_area", "--module", module, "--verify"]
    assert run(*argv) == 1
    assert snapshot(tmp_path) == before
    new, old = seen[0]
    assert new.cells[2].metadata.nbrefactor.replaces == [old.cells[2].id]
    captured = capsys.readouterr()
    assert "analysis.ipynb:cell 3: changed: -1 +2" in captured.out
    assert "put everything back" in captured.err
