"""``jupyter nbrefactor report NOTEBOOK --graph json|dot``: the engine's graph for docs and CI."""

import json
from pathlib import Path

import nbformat
import pytest

from jupyter_nbrefactor.cli import main

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "big_messy_notebook.ipynb"


@pytest.fixture
def notebook(tmp_path, monkeypatch):
    """analysis.ipynb: a heading, then x = 1, a reader of x, and x redefined below it."""
    monkeypatch.chdir(tmp_path)
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Load", id="md"),
        nbformat.v4.new_code_cell("x = 1", id="a"),
        nbformat.v4.new_code_cell("if x:\n    y = x * 2", id="b"),
        nbformat.v4.new_code_cell('print("y", y)\nx = 10', id="c"),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, "analysis.ipynb")
    return "analysis.ipynb"


def call(capsys, *argv):
    try:
        status = main(list(argv))
    except SystemExit as exit:  # argparse's usage errors
        status = exit.code
    out, err = capsys.readouterr()
    return status, out, err


def test_graph_json_numbers_cells_among_all_cells_and_labels_edges(notebook, capsys):
    status, out, err = call(capsys, "report", notebook, "--graph", "json")
    assert (status, err) == (0, "")
    graph = json.loads(out)
    assert [(n["id"], n["number"], n["defines"], n["section"]) for n in graph["nodes"]] == [
        ("a", 2, ["x"], 1),
        ("b", 3, ["y"], 1),
        ("c", 4, ["x"], 1),
    ]
    assert graph["edges"] == [
        {"from": "a", "to": "b", "names": ["x"], "certain": True},
        {"from": "b", "to": "c", "names": ["y"], "certain": False},
    ]
    assert graph["sections"] == [{"id": "md", "number": 1, "level": 1, "title": "Load"}]
    assert [(v["name"], v["defined_by"], v["read_by"]) for v in graph["names"]] == [
        ("x", ["a", "c"], ["b"]),
        ("y", ["b"], ["c"]),
    ]


def test_graph_dot_draws_the_same_edges_for_graphviz(notebook, capsys):
    status, out, err = call(capsys, "report", notebook, "--graph", "dot")
    assert (status, err) == (0, "")
    assert out == (
        "digraph notebook {\n"
        "  rankdir=TB;\n"
        '  node [shape=box, fontname="monospace"];\n'
        '  "a" [label="[2] x"];\n'
        '  "b" [label="[3] y"];\n'
        '  "c" [label="[4] x"];\n'
        '  "a" -> "b" [label="x"];\n'
        '  "b" -> "c" [label="y", style=dashed];\n'
        "}\n"
    )


def test_graph_of_the_example_has_its_40_code_cells_and_70_links(capsys):
    """The counts the Galata test asserts in the Dependencies tab (ui-tests/tests/graph.spec.ts)."""
    status, out, _ = call(capsys, "report", str(EXAMPLE), "--graph", "json")
    graph = json.loads(out)
    assert (status, len(graph["nodes"]), len(graph["edges"])) == (0, 40, 70)
    df_head = next(n for n in graph["nodes"] if n["number"] == 7)
    into = sorted(
        next(n["number"] for n in graph["nodes"] if n["id"] == e["from"])
        for e in graph["edges"]
        if e["to"] == df_head["id"]
    )
    assert into == [6]


def test_graph_of_another_language_has_its_cells_no_edges_and_a_notice(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x=1", id="a"), nbformat.v4.new_code_cell("echo $x", id="b")]
    nb.metadata["kernelspec"] = {"name": "bash", "display_name": "Bash", "language": "bash"}
    nbformat.write(nb, "script.ipynb")
    status, out, _ = call(capsys, "report", "script.ipynb", "--graph", "json")
    graph = json.loads(out)
    assert status == 0
    assert [n["id"] for n in graph["nodes"]] == ["a", "b"]
    assert graph["edges"] == []
    assert "only Python" in graph["notice"]


def test_graph_of_an_unreadable_notebook_or_an_unknown_format_exits_2(notebook, capsys):
    Path("bad.ipynb").write_text("{")
    status, out, err = call(capsys, "report", "bad.ipynb", "--graph", "json")
    assert (status, out) == (2, "")
    assert err.startswith("jupyter nbrefactor report: error: cannot read bad.ipynb:")
    status, out, err = call(capsys, "report", notebook, "--graph", "svg")
    assert (status, out) == (2, "")
    assert "argument --graph: invalid choice: 'svg' (choose from" in err
