"""The dataflow graph (graph.py): edges and names, upstream and downstream."""

import nbformat
import pytest

from jupyter_nbrefactor.errors import RequestError
from jupyter_nbrefactor.graph import downstream, graph_dot, notebook_graph, notebook_graph_of, upstream


def graph(*sources, **extra):
    """The graph of code cells c1, c2, … (a source starting with "md:" is a markdown cell)."""
    cells = []
    for i, s in enumerate(sources, 1):
        if s.startswith("md:"):
            cells.append({"id": f"m{i}", "source": s[3:], "cell_type": "markdown"})
        else:
            cells.append({"id": f"c{i}", "source": s, "cell_type": "code"})
    return notebook_graph({"cells": cells, **extra})


def edges(g):
    return [(e["from"], e["to"], e["names"]) for e in g["edges"]]


def test_edge_from_the_nearest_redefinition_above():
    g = graph("x = 0", "y = x", "x = 1", "z = x + y")
    assert sorted(edges(g)) == [("c1", "c2", ["x"]), ("c2", "c4", ["y"]), ("c3", "c4", ["x"])]


def test_edges_are_in_order_of_reader_then_producer():
    g = graph("x = 0", "y = x", "x = 1", "z = x + y")
    assert edges(g) == [("c1", "c2", ["x"]), ("c2", "c4", ["y"]), ("c3", "c4", ["x"])]


def test_a_mutation_is_a_writer_between_definition_and_reader():
    g = graph("df = load()", "df['a'] = 1", "lst = []", "lst.append(df)", "print(df, lst)")
    assert edges(g) == [
        ("c1", "c2", ["df"]),
        ("c2", "c4", ["df"]),
        ("c3", "c4", ["lst"]),
        ("c2", "c5", ["df"]),
        ("c4", "c5", ["lst"]),
    ]
    assert [e["certain"] for e in g["edges"]] == [True, True, True, True, True]


def test_a_method_call_mutation_is_an_uncertain_edge():
    g = graph("model = Model()", "model.fit(1)", "model.predict(2)")
    assert edges(g) == [("c1", "c2", ["model"]), ("c2", "c3", ["model"])]
    assert [e["certain"] for e in g["edges"]] == [True, False]


def test_a_function_reading_a_global_links_the_global_to_its_callers():
    g = graph("rate = 0.1", "def scale(v):\n    return v * rate", "out = scale(3)")
    assert edges(g) == [("c1", "c3", ["rate"]), ("c2", "c3", ["scale"])]
    # defining the function reads nothing yet
    assert g["nodes"][1]["reads"] == []


def test_magics_are_read_through_ipythons_transformer():
    g = graph("n = 10", "%time total = sum(range(n))", "%%time\nhalf = total / 2", "!echo $half")
    assert edges(g) == [("c1", "c2", ["n"]), ("c2", "c3", ["total"]), ("c3", "c4", ["half"])]


def test_a_conditional_definition_links_every_writer_up_to_a_certain_one():
    g = graph("x = 0", "if flag:\n    x = 1", "y = x")
    assert edges(g) == [("c1", "c3", ["x"]), ("c2", "c3", ["x"])]
    assert [e["certain"] for e in g["edges"] if e["to"] == "c3"] == [True, False]


def test_names_read_in_one_edge_are_grouped_and_sorted():
    g = graph("b = 1\na = 2", "c = a + b")
    assert edges(g) == [("c1", "c2", ["a", "b"])]


def test_nodes_number_every_cell_and_name_their_section():
    g = graph("md:# Load", "x = 1", "md:text only", "md:## Clean up\nmore", "y = x", "z = (")
    assert [(n["id"], n["number"], n["section"]) for n in g["nodes"]] == [
        ("c2", 2, 1),
        ("c5", 5, 4),
        ("c6", 6, 4),
    ]
    assert g["sections"] == [
        {"id": "m1", "number": 1, "level": 1, "title": "Load"},
        {"id": "m4", "number": 4, "level": 2, "title": "Clean up"},
    ]
    assert g["nodes"][2]["error"] is not None
    assert edges(g) == [("c2", "c5", ["x"])]


def test_names_table_lists_definers_changers_readers_and_reads_before_definition():
    g = graph("print(x)", "x = [1]", "x.append(2)", "y = x", "import os")
    assert g["names"] == [
        {"name": "os", "defined_by": ["c5"], "mutated_by": [], "read_by": [], "below_only": []},
        {
            "name": "x",
            "defined_by": ["c2"],
            "mutated_by": ["c3"],
            "read_by": ["c3", "c4"],
            "below_only": ["c1"],
        },
        {"name": "y", "defined_by": ["c4"], "mutated_by": [], "read_by": [], "below_only": []},
    ]


def test_upstream_and_downstream_are_transitive_and_in_notebook_order():
    g = graph("a = 1", "b = 2", "c = a", "d = c + b", "e = 5", "f = d")
    ids = [n["id"] for n in g["nodes"]]
    assert upstream(g["edges"], "c4", ids) == ["c1", "c2", "c3"]
    assert upstream(g["edges"], "c6", ids) == ["c1", "c2", "c3", "c4"]
    assert upstream(g["edges"], "c5", ids) == []
    assert downstream(g["edges"], "c1", ids) == ["c3", "c4", "c6"]
    assert downstream(g["edges"], "c6", ids) == []


def test_upstream_of_a_redefined_name_skips_the_overwritten_definition():
    g = graph("x = 0", "x = 1", "y = x")
    assert upstream(g["edges"], "c3", [n["id"] for n in g["nodes"]]) == ["c2"]


def test_cell_id_adds_that_cells_upstream_and_downstream():
    g = graph("a = 1", "b = a", "c = b", cell_id="c2")
    assert (g["upstream"], g["downstream"]) == (["c1"], ["c3"])


def test_cell_id_of_no_code_cell_is_a_request_error():
    with pytest.raises(RequestError, match="cell_id 'm1' is not a code cell of the notebook"):
        graph("md:# T", "a = 1", cell_id="m1")


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        ([], "request must be a JSON object"),
        ({}, "cells is required"),
        ({"cells": [{"source": "x"}]}, r"cells\[0\].id must be a string"),
        ({"cells": [], "cell_id": 3}, "cell_id must be a string"),
    ],
)
def test_bad_requests_are_request_errors(request_, message):
    with pytest.raises(RequestError, match=message):
        notebook_graph(request_)


def test_a_notebook_in_another_language_has_nodes_and_no_edges():
    g = graph("x=1", "echo $x", language="bash")
    assert [n["id"] for n in g["nodes"]] == ["c1", "c2"]
    assert (g["edges"], g["names"]) == ([], [])
    assert g["notice"] == "No dataflow for bash notebooks: only Python is understood."


def test_graph_of_a_saved_notebook_uses_its_ids_and_language():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# T"),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("x"),
    ]
    g = notebook_graph_of(nb)
    assert edges(g) == [(nb.cells[1].id, nb.cells[2].id, ["x"])]
    assert [n["number"] for n in g["nodes"]] == [2, 3]


def test_graph_of_an_old_notebook_names_cells_by_number():
    nb = {"cells": [{"cell_type": "code", "source": ["x = 1"]}, {"cell_type": "code", "source": "y = x"}]}
    assert edges(notebook_graph_of(nb)) == [("cell-1", "cell-2", ["x"])]


def test_dot_has_one_box_per_cell_and_one_labelled_arrow_per_edge():
    g = graph("x = 0", "model.fit(x)", 'print("a", model)')
    assert graph_dot(g) == (
        "digraph notebook {\n"
        "  rankdir=TB;\n"
        '  node [shape=box, fontname="monospace"];\n'
        '  "c1" [label="[1] x"];\n'
        '  "c2" [label="[2]"];\n'
        '  "c3" [label="[3]"];\n'
        '  "c1" -> "c2" [label="x"];\n'
        '  "c2" -> "c3" [label="model", style=dashed];\n'
        "}\n"
    )
