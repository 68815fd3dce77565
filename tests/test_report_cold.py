"""The cold health report reads a cell's ast only where a rule or the ranking may find
something in it (issue 12): the findings stay what a scan of every tree gives."""

from __future__ import annotations

import ast
import gc

import pytest
from nbformat.v4 import new_code_cell, new_notebook

from jupyter_nbrefactor import report
from jupyter_nbrefactor.cells import cell_facts
from jupyter_nbrefactor.lint import lint_notebook
from jupyter_nbrefactor.report import health_report

KERNEL = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}


def _notebook(*sources: str):
    return new_notebook(cells=[new_code_cell(s) for s in sources], metadata=KERNEL)


def _hits(nb, rule: str) -> list[tuple[int | None, int | None]]:
    return [(f.cell, f.line) for f in lint_notebook(nb) if f.rule == rule]


def test_lint_keeps_no_tree_of_cells_without_def_slash_or_sys():
    sources = [f"cold_a{i} = {i} + 1\ncold_b{i} = cold_a{i} * 2\nprint(cold_b{i})" for i in range(12)]
    lint_notebook(_notebook(*sources))
    assert all(cell_facts(s)._tree is None for s in sources)


def test_a_root_folder_used_later_without_a_slash_is_still_found():
    nb = _notebook('COLD_DATA = "/data"', "x = 1", "handle = open(COLD_DATA)")
    assert _hits(nb, "NR401") == [(0, 1)]


def test_a_path_written_with_escapes_is_still_found():
    nb = _notebook('cold_p = "\\x2fhome/ana/data.csv"\nprint(cold_p)')
    assert _hits(nb, "NR401") == [(0, 1)]


def test_sys_path_edits_and_nested_defs_are_still_found():
    nb = _notebook("import sys\nsys.path.insert(0, 'src')", "if True:\n    def cold_f():\n        return 1")
    assert _hits(nb, "NR302") == [(0, 2)]
    report = health_report(nb, "cold.ipynb")
    assert report["functions"] == ["cold_f"]


def test_short_cells_are_not_duplicates_and_long_copies_are():
    block = "\n".join(f"cold_v{i} = cold_v{i - 1} + 1" for i in range(1, 8))
    short = "\n".join(f"cold_s{i} = {i}" for i in range(5))
    nb = _notebook("cold_v0 = 0", block, block.replace("+ 1", "+ 2"), short, short)
    assert _hits(nb, "NR205") == [(2, 1)]


def test_the_collector_is_paused_during_a_report_and_restored_after(monkeypatch):
    seen = []
    real = report.extraction_candidates

    def candidates(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    nb = _notebook("cold_g = 1", "print(cold_g)")
    monkeypatch.setattr(report, "extraction_candidates", candidates)
    assert gc.isenabled()
    health_report(nb, "cold.ipynb")
    assert seen == [False] and gc.isenabled()
    gc.disable()  # off already (the caller's choice): left off
    try:
        health_report(nb, "cold.ipynb")
        assert not gc.isenabled()
    finally:
        gc.enable()
    monkeypatch.setattr(report, "extraction_candidates", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        health_report(nb, "cold.ipynb")
    assert gc.isenabled()


def test_a_report_parses_a_cell_without_def_or_literal_once_and_keeps_no_tree(monkeypatch):
    """A cold report makes every cell's facts (one parse each); it reads the tree again only
    of cells that may hold what it looks for (defs, literals: config's parameters)."""
    sources = ["cold_t = list()", "cold_u = cold_t + cold_t\nprint(cold_u)", "def cold_f(cold_k=1):\n    pass"]
    parsed = []
    real = ast.parse
    monkeypatch.setattr(ast, "parse", lambda text, *a, **k: parsed.append(text) or real(text, *a, **k))
    health_report(_notebook(*sources), "cold.ipynb")
    assert [parsed.count(s) for s in sources] == [1, 1, 2]
    assert [cell_facts(s)._tree is not None for s in sources] == [False, False, True]
