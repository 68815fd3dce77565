"""`jupyter nbrefactor config`: exit codes, files written, --select, --dry-run, --json."""

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from jupyter_nbrefactor.cli import main
from jupyter_nbrefactor.config import HELPER_SOURCE


@pytest.fixture
def notebook(tmp_path):
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Model"),
            new_code_cell("from sklearn.model_selection import train_test_split\nTEST_SIZE = 0.2"),
            new_code_cell("parts = train_test_split([1, 2, 3, 4, 5], test_size=TEST_SIZE, random_state=0)"),
        ],
        metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}},
    )
    path = tmp_path / "model.ipynb"
    nbformat.write(nb, path)
    return path


def run(*argv):
    return main([str(a) for a in argv])


def test_config_writes_yaml_helper_and_notebook(notebook, capsys):
    assert run("config", notebook) == 0
    folder = notebook.parent
    assert (folder / "config.yaml").read_text() == "split:\n  test_size: 0.2\n  random_state: 0\n"
    assert (folder / "src" / "config.py").read_text() == HELPER_SOURCE
    assert (folder / "src" / "__init__.py").read_text() == ""
    nb = nbformat.read(notebook, as_version=4)
    assert [c.source for c in nb.cells[1:]] == [
        'from src.config import load_config\n\nconfig = load_config("config.yaml")',
        'from sklearn.model_selection import train_test_split\nTEST_SIZE = config["split"]["test_size"]',
        'parts = train_test_split([1, 2, 3, 4, 5], test_size=TEST_SIZE, random_state=config["split"]["random_state"])',
    ]
    assert capsys.readouterr().out.splitlines()[0] == "moved 2 parameters to config.yaml"


def test_select_and_output_leave_the_rest_and_the_original_alone(notebook, tmp_path):
    before = notebook.read_text()
    out = tmp_path / "out.ipynb"
    assert run("config", notebook, "--select", "split.random_state", "--output", out) == 0
    assert notebook.read_text() == before
    assert (tmp_path / "config.yaml").read_text() == "split:\n  random_state: 0\n"
    assert nbformat.read(out, as_version=4).cells[2].source.endswith("TEST_SIZE = 0.2")


def test_dry_run_prints_the_yaml_and_the_cells_and_writes_nothing(notebook, capsys):
    before = notebook.read_text()
    assert run("config", notebook, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "+++ b/config.yaml\n" in out
    assert "+  test_size: 0.2\n" in out
    assert "new cell 2 (loads the config):\n" in out
    assert '-TEST_SIZE = 0.2\n+TEST_SIZE = config["split"]["test_size"]\n' in out
    assert notebook.read_text() == before
    assert sorted(p.name for p in notebook.parent.iterdir()) == ["model.ipynb"]


def test_json_lists_candidates_with_key_value_cell_and_line(notebook, capsys):
    assert run("config", notebook, "--dry-run", "--json") == 0
    plan = json.loads(capsys.readouterr().out)
    assert [(c["key"], c["value"], c["cell_index"] + 1, c["line"]) for c in plan["candidates"]] == [
        ("split.test_size", 0.2, 2, 2),
        ("split.random_state", 0, 3, 1),
    ]


def test_json_writes_nothing_unless_asked_to_apply(notebook, capsys):
    before = notebook.read_text()
    assert run("config", notebook, "--json") == 0
    assert [c["key"] for c in json.loads(capsys.readouterr().out)["candidates"]] == [
        "split.test_size",
        "split.random_state",
    ]
    assert notebook.read_text() == before
    assert sorted(p.name for p in notebook.parent.iterdir()) == ["model.ipynb"]

    assert run("config", notebook, "--json", "--apply") == 0
    assert json.loads(capsys.readouterr().out)["config_path"] == "config.yaml"  # only the plan on stdout
    assert (notebook.parent / "config.yaml").read_text() == "split:\n  test_size: 0.2\n  random_state: 0\n"
    assert nbformat.read(notebook, as_version=4).cells[1].source.endswith('config = load_config("config.yaml")')


def test_existing_config_merged_and_a_clash_never_overwritten(notebook, capsys):
    existing = "# tuned by hand\nsplit:\n  test_size: 0.3  # keep\n"
    (notebook.parent / "config.yaml").write_text(existing)
    assert run("config", notebook, "--select", "split.test_size_2") == 0
    assert (notebook.parent / "config.yaml").read_text() == existing + "  test_size_2: 0.2\n"


def test_an_existing_helper_without_load_config_is_refused_and_nothing_written(notebook, capsys):
    (notebook.parent / "src").mkdir()
    (notebook.parent / "src" / "config.py").write_text("X = 1\n")
    before = notebook.read_text()
    assert run("config", notebook) == 1
    assert capsys.readouterr().err.startswith("refused: src/config.py exists and has no load_config function")
    assert notebook.read_text() == before
    assert not (notebook.parent / "config.yaml").exists()


def test_unknown_key_and_bad_config_path_are_usage_errors(notebook, capsys):
    assert run("config", notebook, "--select", "model.trees") == 2
    assert "no parameter 'model.trees'" in capsys.readouterr().err
    assert run("config", notebook, "--config", "../config.yaml") == 2
    assert run("config", notebook, "--config", "config.toml") == 2


def test_nothing_to_move_is_not_an_error(tmp_path, capsys):
    path = tmp_path / "empty.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("print(1)")]), path)
    assert run("config", path) == 0
    assert "no hard-coded parameter found" in capsys.readouterr().err
