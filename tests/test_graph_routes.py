"""POST /jupyter-nbrefactor/graph and ``jupyter nbrefactor report --graph``."""

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from tornado.httpclient import HTTPClientError

from jupyter_nbrefactor.cli import main
from jupyter_nbrefactor.graph import notebook_graph_of

CELLS = [
    {"id": "t", "source": "# Data", "cell_type": "markdown"},
    {"id": "a", "source": "x = 1", "cell_type": "code"},
    {"id": "b", "source": "y = x * 2", "cell_type": "code"},
    {"id": "c", "source": "print(y)", "cell_type": "code"},
]


async def post(jp_fetch, payload, **kw):
    try:
        response = await jp_fetch("jupyter-nbrefactor", "graph", method="POST", body=json.dumps(payload), **kw)
    except HTTPClientError as err:
        assert err.response is not None
        return err.code, json.loads(err.response.body)
    return response.code, json.loads(response.body)


async def test_graph_route_answers_nodes_edges_and_the_cells_upstream(jp_fetch):
    code, graph = await post(jp_fetch, {"cells": CELLS, "cell_id": "b"})
    assert code == 200
    assert [(n["id"], n["number"], n["section"]) for n in graph["nodes"]] == [("a", 2, 1), ("b", 3, 1), ("c", 4, 1)]
    assert graph["edges"] == [
        {"from": "a", "to": "b", "names": ["x"], "certain": True},
        {"from": "b", "to": "c", "names": ["y"], "certain": True},
    ]
    assert (graph["upstream"], graph["downstream"]) == (["a"], ["c"])


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({}, "cells is required"),
        ({"cells": "x"}, "cells must be a list"),
        ({"cells": CELLS, "cell_id": "zz"}, "cell_id 'zz' is not a code cell of the notebook"),
    ],
)
async def test_graph_route_answers_400_with_the_reason(jp_fetch, payload, message):
    assert await post(jp_fetch, payload) == (400, {"message": message})


async def test_graph_route_is_forbidden_without_a_token(jp_fetch):
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch(
            "jupyter-nbrefactor",
            "graph",
            method="POST",
            body=json.dumps({"cells": CELLS}),
            headers={"Authorization": ""},
        )
    assert err.value.code == 403


@pytest.fixture
def saved(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    nb = new_notebook()
    nb.cells = [new_markdown_cell("# T"), new_code_cell("x = 1"), new_code_cell("y = x")]
    nb.cells[1].id, nb.cells[2].id = "one", "two"
    nbformat.write(nb, "n.ipynb")
    return nb


def test_report_graph_json_prints_the_engines_graph(saved, capsys):
    assert main(["report", "n.ipynb", "--graph", "json"]) == 0
    graph = json.loads(capsys.readouterr().out)
    assert graph == json.loads(json.dumps(notebook_graph_of(saved)))
    assert graph["edges"] == [{"from": "one", "to": "two", "names": ["x"], "certain": True}]
    assert [n["number"] for n in graph["nodes"]] == [2, 3]


def test_report_graph_dot_prints_graphviz(saved, capsys):
    assert main(["report", "n.ipynb", "--graph", "dot"]) == 0
    assert capsys.readouterr().out == (
        "digraph notebook {\n"
        "  rankdir=TB;\n"
        '  node [shape=box, fontname="monospace"];\n'
        '  "one" [label="[2] x"];\n'
        '  "two" [label="[3] y"];\n'
        '  "one" -> "two" [label="x"];\n'
        "}\n"
    )


def test_report_graph_of_an_unknown_form_is_a_usage_error(saved, capsys):
    with pytest.raises(SystemExit) as err:
        main(["report", "n.ipynb", "--graph", "svg"])
    assert err.value.code == 2
    assert "invalid choice: 'svg'" in capsys.readouterr().err
