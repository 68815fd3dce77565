"""Issue 13's proof: verify says `same` for every accepted extraction case of
extract_cases.py, and catches deliberately broken refactors (a changed constant, a dropped
parameter, a missing import, a reordered cell, swapped returns). Real kernels: slow."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from extract_cases import CASES
from nbformat.v4 import new_code_cell, new_notebook

from jupyter_nbrefactor import plan_extraction
from jupyter_nbrefactor.apply import replace_cells, write_module
from jupyter_nbrefactor.verify import verify

pytestmark = pytest.mark.slow

ACCEPTED = [c for c in CASES if c.refused is None]


def extracted(nb, cells, folder: Path, **request):
    plan = plan_extraction({"notebook": nb, "cells": cells, "path": "nb.ipynb", **request})
    assert plan["refused"] is None, plan["refused"]
    write_module(folder, plan)
    return plan, replace_cells(nb, cells, plan["replacement"])


@pytest.mark.parametrize("case", ACCEPTED, ids=[c.id for c in ACCEPTED])
def test_every_accepted_extraction_verifies_same(case, tmp_path):
    original, refactored = tmp_path / "original", tmp_path / "refactored"
    original.mkdir()
    refactored.mkdir()
    request = {k: v for k, v in case.request().items() if k not in ("notebook", "cells", "path", "module_source")}
    _, new_nb = extracted(case.notebook(), case.selected, refactored, **request)
    result = verify(new_nb, refactored, case.notebook(), original, timeout=60)
    assert result["verdict"] == "same", [c for c in result["cells"] if c["status"] != "same"]


NOTEBOOK = [
    "import math\nSCALE = 3",
    "def load(n):\n    return list(range(n))",
    "data = load(5)\ntotal = sum(data) * SCALE\nroot = math.sqrt(total)",
    "print(total, round(root, 3))",
    "print(len(data))",
]


def broken(tmp_path, damage):
    """Extract cell 3 into src/steps.py, damage the result, and verify it against the original."""
    original, refactored = tmp_path / "original", tmp_path / "refactored"
    original.mkdir()
    refactored.mkdir()
    nb = new_notebook(cells=[new_code_cell(s) for s in NOTEBOOK])
    _, new_nb = extracted(copy.deepcopy(nb), [2], refactored, name="compute", module="src/steps.py")
    module = refactored / "src" / "steps.py"
    damage(new_nb, module)
    return verify(new_nb, refactored, nb, original, timeout=60)


def test_the_undamaged_extraction_is_same(tmp_path):
    assert broken(tmp_path, lambda nb, module: None)["verdict"] == "same"


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(
            lambda nb, m: m.write_text(m.read_text().replace("* SCALE", "* (SCALE + 1)")), id="changed-constant"
        ),
        pytest.param(
            lambda nb, m: nb.cells[2].update(source=nb.cells[2].source.replace(", SCALE)", ")")),
            id="dropped-parameter",
        ),
        pytest.param(lambda nb, m: m.write_text(m.read_text().replace("import math\n", "")), id="missing-import"),
        pytest.param(lambda nb, m: nb.cells.insert(3, nb.cells.pop(2)), id="reordered-cell"),
        pytest.param(
            lambda nb, m: m.write_text(m.read_text().replace("return data, total, root", "return data, root, total")),
            id="swapped-returns",
        ),
    ],
)
def test_a_broken_refactor_is_caught(tmp_path, damage):
    result = broken(tmp_path, damage)
    assert result["verdict"] in ("changed", "failed"), result["cells"]
