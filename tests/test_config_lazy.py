"""find_parameters reads the tree of a cell only where its text may hold a parameter or a
refusal (issue 12: the Health report's first view): the same candidates and refusals as
reading every tree, and the trees of the other cells are never built."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from jupyter_nbrefactor import config
from jupyter_nbrefactor.cells import cell_facts
from jupyter_nbrefactor.config import find_parameters

ROOT = Path(__file__).parent.parent
KERNEL = {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}}

# Each branch of the text test, and names whose uses are only in cells it does not read.
EDGES = [
    "import pandas as pd\nfrom sklearn.model_selection import train_test_split\n"
    "from sklearn.ensemble import RandomForestClassifier",
    "md:## Settings",
    "SEED = 42; TEST = 0.2\nLR: float = 1e-3\nN = (10)",
    "LABEL = f'run {SEED}'\nDATA = 'data/x.csv'  # the input\nOUT = ('out/y.txt')",
    "N = 20",  # bound twice: refused
    "ITEMS = [1, 2,]\nSHAPE = {'a': -1, 'b': (2, 3)}",
    "ITEMS.append(3)",  # changed in place: refused
    "df = pd.read_csv(DATA)",  # DATA passed to a reading call: its key
    "X = train_test_split(df, test_size=TEST, random_state=SEED)",
    "model = RandomForestClassifier(n_estimators=100, max_depth=None)",
    "with open(('notes.txt')) as fh:\n    notes = fh.read()",
    "def scale(values, k=3):\n    return [v * k for v in values]",
    "%matplotlib inline\nALPHA = 0.5",
    "\ufb01le = 'data/z.csv'",  # a ligature the parser folds: `file`
    "rows = [i for i in range(3)]\nwhile False: pass",
    "print(LABEL, OUT, N, ITEMS, SHAPE, LR, ALPHA, file, rows, scale(rows))",
]


def notebook(*sources: str):
    cells = [new_markdown_cell(s[3:]) if s.startswith("md:") else new_code_cell(s) for s in sources]
    return new_notebook(cells=cells, metadata=KERNEL)


def as_json(found):
    candidates, refusals = found
    return [[c.__dict__ for c in candidates], [r.to_json() for r in refusals]]


def every_tree(monkeypatch, nb):
    with monkeypatch.context() as m:
        m.setattr(config, "_may_hold_parameters", lambda cell, readers: True)
        return as_json(find_parameters(nb))


def test_the_edges_find_what_reading_every_tree_finds(monkeypatch):
    nb = notebook(*EDGES)
    found = as_json(find_parameters(nb))
    assert found == every_tree(monkeypatch, nb)
    candidates, refusals = found
    assert [c["what"] for c in candidates] == [
        *("SEED", "TEST", "LR", "DATA", "OUT", "RandomForestClassifier(n_estimators=…)", "open(…)", "ALPHA", "file")
    ]
    assert [r["what"] for r in refusals] == ["N", "LABEL", "N", "ITEMS", "SHAPE", "scale(k=…)"]


@pytest.mark.parametrize("path", sorted(ROOT.glob("examples/*.ipynb")) + sorted(ROOT.glob("tests/data/**/*.ipynb")))
def test_notebooks_find_what_reading_every_tree_finds(monkeypatch, path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert as_json(find_parameters(nb)) == every_tree(monkeypatch, nb)


def test_cells_without_a_possible_parameter_are_not_parsed_again():
    chain = [f"lazy_r{i} = [r + 1 for r in lazy_r{i - 1}]\nprint(lazy_r{i}[:3])" for i in range(1, 30)]
    nb = notebook("lazy_r0 = [1, 2]", *chain, "lazy_out = lazy_r29")
    for cell in nb.cells:
        cell_facts(cell.source)  # as the live analysis leaves them: no trees
    candidates, _ = find_parameters(nb)
    assert [c.what for c in candidates] == ["lazy_r0"]
    parsed = [i for i, cell in enumerate(nb.cells) if cell_facts(cell.source)._tree is not None]
    assert parsed == [0, 1]  # the literal's cell, and the one cell whose text holds its name
