"""Issue 12: "which reads would Restart & Run All not satisfy?" is answered once
(``dataflow.unmet_reads``); the live warnings and lint agree on the cases where their
two copies used to disagree."""

from __future__ import annotations

import pytest
from nbformat.v4 import new_code_cell, new_notebook

from jupyter_nbrefactor import analyze
from jupyter_nbrefactor.cells import cell_facts
from jupyter_nbrefactor.dataflow import Unmet, unmet_reads
from jupyter_nbrefactor.lint import Config, lint_notebook


def live(sources):
    cells = [{"id": f"c{i}", "source": s} for i, s in enumerate(sources)]
    return sorted((w["kind"], int(w["cell_id"][1:]), tuple(w["names"])) for w in analyze({"cells": cells})["warnings"])


def linted(sources):
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    found = lint_notebook(nb, "nb.ipynb", Config.from_table({"select": ["NR105", "NR106"]}))
    return sorted((f.rule, f.cell) for f in found)


CASES = [
    # (sources, live warnings, lint findings)
    (["x = (", "print(x)"], [], []),  # a cell that does not compile may define x
    (["df = 1", "del df", "print(df)"], [("use-before-define", 2, ("df",))], [("NR105", 2)]),
    (["print(total)", "total = 1"], [("use-before-define", 0, ("total",))], [("NR105", 0)]),
    (["print(nothing)"], [("undefined", 0, ("nothing",))], [("NR106", 0)]),
    (
        ["total = 0\ndef add(x):\n    total += x", "add(1)"],
        [("undefined", 1, ("total",))],
        [("NR106", 1)],
    ),
    (["try:\n    data\nexcept NameError:\n    data = 1"], [], []),
]


@pytest.mark.parametrize(("sources", "warnings", "findings"), CASES)
def test_live_warnings_and_lint_agree(sources, warnings, findings):
    assert live(sources) == warnings
    assert linted(sources) == findings


def test_unmet_reads_says_why():
    facts = [cell_facts(s) for s in ["y = x", "x = 1", "del x", "print(x)", "print(q)"]]
    assert unmet_reads(facts) == [
        Unmet(0, "x", "below", 1, True),
        Unmet(3, "x", "deleted", 2, True),
        Unmet(4, "q", "nowhere", None, True),
    ]


def test_a_star_import_above_leaves_names_open_and_exec_makes_them_uncertain():
    assert unmet_reads([cell_facts("from math import *"), cell_facts("sqrt(2)")]) == []
    assert unmet_reads([cell_facts("exec('q = 1')"), cell_facts("print(q)")]) == [Unmet(1, "q", "nowhere", None, False)]
