"""The notebook health report: figures, verdict, extraction candidates."""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from jupyter_nbrefactor.extract import plan_extraction
from jupyter_nbrefactor.lint import Config
from jupyter_nbrefactor.naming import suggest
from jupyter_nbrefactor.report import format_report, health_report

EXAMPLE = Path(__file__).parent.parent / "examples" / "big_messy_notebook.ipynb"


def example_report():
    return health_report(nbformat.read(EXAMPLE, as_version=4), "examples/big_messy_notebook.ipynb")


def test_example_notebook_figures():
    report = example_report()
    assert report["lines_of_code"] == 134
    assert (report["cells"], report["code_cells"]) == (48, 40)
    assert report["module_level_names"] == 41
    assert report["names"][:6] == ["DATA_PATH", "SEED", "TEST_SIZE", "df", "q1", "q3"]
    assert (report["functions"], report["classes"]) == ([], [])
    assert report["findings_by_rule"] == {"NR101": 4, "NR102": 10, "NR107": 1, "NR203": 1, "NR204": 1, "NR205": 2}
    assert len(report["findings"]) == 19


def test_example_notebook_out_of_order_cells():
    ooo = example_report()["out_of_order_cells"]
    assert [
        (o["cell_index"], o["execution_count"], o["after_cell_index"], o["after_execution_count"]) for o in ooo
    ] == [
        (6, 5, 5, 6),
        (10, 9, 8, 11),
        (15, 16, 14, 19),
        (21, 24, 20, 25),
    ]
    assert ooo[0]["cell_id"] == "5a535a33"


def test_example_notebook_duplicated_blocks():
    # the copy-pasted outlier clipping and the two histograms
    assert example_report()["duplicated_blocks"] == [
        {"cell_index": 15, "line": 2, "of_cell_index": 14, "of_line": 2, "lines": 8},
        {"cell_index": 23, "line": 1, "of_cell_index": 22, "of_line": 1, "lines": 8},
    ]


def test_example_notebook_verdict():
    assert example_report()["verdict"] == {
        "level": "refactor",
        "summary": "time to move code into modules",
        "reasons": [
            "41 module-level names (more than 30)",
            "134 lines of code and not one function or class",
            "2 duplicated blocks of code",
            "4 cells ran out of order",
        ],
    }


def test_example_notebook_extraction_candidates_are_accepted_by_the_engine():
    nb = nbformat.read(EXAMPLE, as_version=4)
    candidates = example_report()["extraction_candidates"]
    assert [(c["cells"], c["name"], c["lines"]) for c in candidates] == [
        (list(range(10, 17)), "clean_data", 29),
        (list(range(18, 25)), "explore_data", 24),
        ([37], "plot_model", 12),
    ]
    assert candidates[0]["params"] == ["df"] and candidates[0]["returns"] == []
    # named by naming.suggest, as the extract dialog names them: modules from the sections
    assert [c["module"] for c in candidates] == ["src/cleaning.py", "src/exploration.py", "src/model.py"]
    for c in candidates:
        assert {"name": c["name"], "module": c["module"]} == suggest(nb, c["cells"])
        assert c["cell_ids"] == [nb.cells[i].id for i in c["cells"]]
        plan = plan_extraction({"notebook": nb, "cells": c["cells"], "name": c["name"], "module": c["module"]})
        assert plan["refused"] is None
        assert (plan["params"], plan["returns"]) == (c["params"], c["returns"])


def test_example_notebook_text_report():
    text = format_report(example_report())
    assert text.splitlines()[:12] == [
        "Health report: examples/big_messy_notebook.ipynb",
        "  lines of code       134",
        "  cells               48 (40 code)",
        "  module-level names  41",
        "  functions           0",
        "  classes             0",
        "  out-of-order cells  4: cells 7, 11, 16, 22",
        "  duplicated blocks   2: cell 16 (8 lines, like cell 15); cell 24 (8 lines, like cell 23)",
        "  findings            NR101 4, NR102 10, NR107 1, NR203 1, NR204 1, NR205 2",
        "Verdict: time to move code into modules",
        "  - 41 module-level names (more than 30)",
        "  - 134 lines of code and not one function or class",
    ]
    assert text.splitlines()[-3:] == [
        "  1. cells 11-17 (29 lines) -> clean_data(df) returns nothing, in src/cleaning.py",
        "  2. cells 19-25 (24 lines) -> explore_data(df) returns nothing, in src/exploration.py",
        "  3. cell 38 (12 lines) -> plot_model(cm) returns nothing, in src/model.py",
    ]


def test_small_tidy_notebook_is_healthy():
    nb = new_notebook(
        cells=[
            new_code_cell("import math", execution_count=1),
            new_code_cell("def area(r):\n    return math.pi * r * r", execution_count=2),
            new_code_cell("print(area(2))", execution_count=3),
        ]
    )
    report = health_report(nb, "tidy.ipynb")
    assert report["verdict"] == {"level": "healthy", "summary": "fine as a notebook", "reasons": []}
    assert (report["lines_of_code"], report["functions"], report["module_level_names"]) == (4, ["area"], 0)
    assert report["findings"] == [] and report["findings_by_rule"] == {}
    assert report["extraction_candidates"] == []  # nothing of 4 lines or more outside a function


def test_thresholds_come_from_the_config():
    cells = [new_markdown_cell("## Setup"), new_code_cell("\n".join(f"v{i} = {i}" for i in range(5)))]
    nb = new_notebook(cells=cells)
    config = Config.from_table({"max-module-names": 4, "max-cell-lines": 4})
    report = health_report(nb, "", config)
    assert report["verdict"]["reasons"] == ["5 module-level names (more than 4)", "1 cell longer than 4 lines"]
    assert report["findings_by_rule"] == {"NR202": 1, "NR204": 1}
    [candidate] = report["extraction_candidates"]
    assert (candidate["cells"], candidate["name"], candidate["module"]) == ([1], "setup", "src/setup.py")
