"""Issue 20's "what was seen", one test each: the warnings answer "does what this session
shows match what Restart & Run All would show?" (see also test_session_scenarios.py)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from jupyter_nbrefactor import analyze

EXAMPLE = Path(__file__).parent.parent / "examples" / "big_messy_notebook.ipynb"
VERDICT = {"stale", "depends-on-stale", "out-of-order", "hidden-state"}


def session(cells, runs, kernel_names=None):
    """cells: [(id, source)]; runs: id (its current source) or (id, source[, error])."""
    sources = dict(cells)
    log = []
    for count, r in enumerate(runs, 1):
        cid, source, *error = (r, sources[r]) if isinstance(r, str) else r
        log.append({"cell_id": cid, "source": source, "execution_count": count, "error": (error or [None])[0]})
    return analyze({"cells": [{"id": i, "source": s} for i, s in cells], "runs": log, "kernel_names": kernel_names})


def found(result):
    return {(w["kind"], w["cell_id"], tuple(w["names"]), w["certain"]) for w in result["warnings"]}


def example():
    nb = nbformat.read(EXAMPLE, as_version=4)
    return nb, [{"id": c.id, "source": c.source, "cell_type": c.cell_type} for c in nb.cells]


def run_all(cells):
    code = [c for c in cells if c["cell_type"] == "code"]
    return [{"cell_id": c["id"], "source": c["source"], "execution_count": i} for i, c in enumerate(code, 1)]


def test_the_example_after_restart_and_run_all_has_no_warning():
    _, cells = example()
    result = analyze({"cells": cells, "runs": run_all(cells)})
    assert result["warnings"] == []
    assert result["reproducible"] is True
    assert result["rerun"] == []


def test_the_example_after_changing_test_size_marks_exactly_what_it_feeds():
    _nb, cells = example()
    runs = run_all(cells)
    param = next(c for c in cells if "TEST_SIZE = 0.25" in c["source"])
    param["source"] = param["source"].replace("TEST_SIZE = 0.25", "TEST_SIZE = 0.3")
    runs.append({"cell_id": param["id"], "source": param["source"], "execution_count": len(runs) + 1})
    result = analyze({"cells": cells, "runs": runs})
    number = {c["id"]: i for i, c in enumerate(cells, 1)}
    stale = sorted(number[w["cell_id"]] for w in result["warnings"] if w["kind"] == "stale")
    assert stale == [33, 42]  # the two train_test_split cells
    assert [number[c] for c in result["rerun"]] == [33, 34, 35, 36, 37, 38, 39, 40, 42, 43, 44, 45, 47, 48]
    assert all(w["certain"] for w in result["warnings"])
    assert {w["kind"] for w in result["warnings"]} == {"stale", "depends-on-stale"}


def test_run_all_of_three_cells_shows_nothing():
    result = session([("a", "x = 1"), ("b", "y = x * 2"), ("c", "x = 10")], ["a", "b", "c"])
    assert result["warnings"] == []
    assert result["rerun"] == []  # Run Stale Cells has nothing to run (y stays 2)
    assert result["reproducible"] is True


def test_a_pandas_analysis_that_rebinds_df_further_down_shows_nothing():
    cells = [
        ("c1", "import pandas as pd\nimport numpy as np"),
        ("c2", "df = pd.DataFrame({'a': [1, 2, None], 'b': ['x', 'y', 'z']})"),
        ("c3", "df.head()"),
        ("c4", "df.shape"),
        ("c5", "df['a'].mean()"),
        ("c6", "df.describe()"),
        ("c7", "df = df.dropna()"),
        ("c8", "df['c'] = df['a'] * 2"),
        ("c9", "df.groupby('b')['c'].sum()"),
        ("c10", "totals = df['c'].sum()"),
        ("c11", "df = df[df['c'] > 0]"),
        ("c12", "print(totals, len(df))"),
        ("c13", "df.info()"),
        ("c14", "np.mean(df['a'])"),
    ]
    assert session(cells, [c for c, _ in cells])["warnings"] == []


def test_run_stale_cells_never_includes_a_cell_above_the_change():
    result = session(
        [("a", "x = 1"), ("b", "y = x * 2"), ("c", "x = 10"), ("d", "z = x + 1")],
        ["a", "b", "c", "d", ("c", "x = 10")],
    )
    assert result["warnings"] == [] and result["rerun"] == []
    edited = session(
        [("a", "x = 1"), ("b", "y = x * 2"), ("c", "x = 20"), ("d", "z = x + 1")],
        ["a", "b", ("c", "x = 10"), "d", "c"],
    )
    assert edited["rerun"] == ["d"]


def test_rerunning_the_imports_cell_changes_nothing():
    cells = [("i", "import numpy as np"), ("a", "x = np.arange(3)"), ("b", "print(np.sum(x))")]
    assert session(cells, ["i", "a", "b", "i"])["warnings"] == []


def test_rerunning_an_unchanged_literal_changes_nothing():
    cells = [("a", "y = 7"), ("b", "z = y * 2"), ("c", "print(z)")]
    assert session(cells, ["a", "b", "c", "a"])["warnings"] == []


def test_a_frame_built_column_by_column_is_not_stale():
    cells = [
        ("a", "import pandas as pd\ndf = pd.DataFrame({'x': [1, 2]})"),
        ("b", "df['a'] = df['x'] + 1"),
        ("c", "df['b'] = df['x'] * 2"),
        ("d", "df['c'] = df['x'] - 1"),
        ("e", "print(df['a'].sum())"),
    ]
    assert session(cells, ["a", "b", "c", "d", "e", "c", "d"])["warnings"] == []


def test_append_does_not_stale_readers_of_the_first_item():
    cells = [("a", "lst = [1]"), ("b", "first = lst[0]"), ("c", "lst.append(2)")]
    assert session(cells, ["a", "b", "c"])["warnings"] == []
    assert (
        session([("a", "lst = [1]"), ("c", "lst.append(2)"), ("b", "first = lst[0]")], ["a", "b", "c"])["warnings"]
        == []
    )


def test_deleting_the_cell_that_made_the_value_shown_is_hidden_state():
    # SEED = 42 / print(SEED) / SEED = 7, run 1, 3, 2, then the third cell deleted
    result = session([("a", "SEED = 42"), ("b", "print(SEED)")], ["a", ("c", "SEED = 7"), "b"])
    assert found(result) == {("hidden-state", "b", ("SEED",), True)}
    assert result["reproducible"] is False


def test_a_value_stored_into_a_list_carries_its_input():
    cells = [("x", "x = 77"), ("a", "lst = []"), ("b", "lst.extend([x])"), ("c", "print(lst)")]
    result = session(cells, [("x", "x = 1"), "a", "b", "c", "x"])
    assert found(result) == {("stale", "b", ("x",), True), ("depends-on-stale", "c", ("lst",), True)}


def test_a_column_computed_from_a_parameter_carries_it():
    cells = [
        ("k", "k = 3"),
        ("a", "import pandas as pd\ndf = pd.DataFrame({'a': [1.0]})"),
        ("b", "df['pred'] = df.a * k"),
        ("c", "print(df)"),
    ]
    result = session(cells, [("k", "k = 2"), "a", "b", "c", "k"])
    assert found(result) == {("stale", "b", ("k",), True), ("depends-on-stale", "c", ("df",), True)}


def test_del_then_a_read_below_is_use_before_define():
    result = session([("a", "df = 1"), ("b", "del df"), ("c", "print(df)")], [])
    assert [(w["kind"], w["cell_id"], w["message"]) for w in result["warnings"]] == [
        ("use-before-define", "c", "df is deleted above, by cell 2")
    ]


def test_a_function_that_updates_an_undeclared_global_is_flagged_where_called():
    result = session([("a", "total = 0\ndef add(x):\n    total += x"), ("b", "add(1)")], [])
    assert [(w["kind"], w["cell_id"], w["names"]) for w in result["warnings"]] == [("undefined", "b", ["total"])]
    declared = session([("a", "total = 0\ndef add(x):\n    global total\n    total += x"), ("b", "add(1)")], [])
    assert declared["warnings"] == []


@pytest.mark.parametrize(
    "source",
    [
        "try:\n    data\nexcept NameError:\n    data = [1]",
        "from __future__ import annotations\ndef f(x: Frame) -> Frame:\n    return x",
        "print(__builtins__, __name__)",
        "class A:\n    def m(self):\n        return __class__",
        "d = {'a': (n := 5), 'b': n}",
    ],
    ids=["name-error-caching", "future-annotations", "module-dunders", "class-cell", "walrus-in-dict"],
)
def test_no_false_undefined(source):
    assert session([("a", source)], ["a"])["warnings"] == []


def test_a_star_import_is_not_hidden_state():
    assert session([("a", "from math import *"), ("b", "print(sqrt(2))")], ["a", "b"], ["sqrt", "pi"])["warnings"] == []


def test_calling_numpy_or_setting_rcparams_does_not_change_the_module():
    cells = [
        ("a", "import numpy as np\nimport matplotlib.pyplot as plt\nx = np.arange(5)"),
        ("b", "print(np.mean(x))"),
        ("c", "np.add(x, 2)\nnp.sort(x)\nplt.rcParams['figure.dpi'] = 80"),
        ("d", "plt.plot(x)"),
    ]
    assert session(cells, ["a", "b", "c", "d", "c"])["warnings"] == []


def test_a_seeded_generator_advanced_by_a_rerun_is_out_of_order():
    cells = [
        ("a", "import numpy as np\nnp.random.seed(0)"),
        ("b", "u = np.random.rand()"),
        ("c", "v = np.random.rand()"),
    ]
    result = session(cells, ["a", "b", "c", "b"])
    assert found(result) == {("out-of-order", "b", ("np",), True)}
    assert session(cells, ["a", "b", "c", "a", "b", "c"])["warnings"] == []
    # re-run on its own draw (statsmodels' wls: the edited cell draws its noise again)
    assert found(session(cells, ["a", "b", "b"])) == {("out-of-order", "b", ("np",), True)}


def test_a_failed_rerun_leaves_the_old_value_and_its_readers_say_so():
    cells = [("a", "x = int('7x')"), ("b", "y = x + 1")]
    result = session(cells, [("a", "x = 7"), "b", ("a", "x = int('7x')", "ValueError")])
    assert [
        (w["kind"], w["cell_id"], w["certain"], w["message"]) for w in result["warnings"] if w["kind"] != "edited"
    ] == [
        (
            "stale",
            "b",
            True,
            "cell 1 failed after this cell ran, so Restart & Run All would stop there; x may still hold the value of its earlier run",
        )
    ]


def test_a_cell_that_reads_and_rebinds_the_same_name_rerun_is_out_of_order():
    result = session([("a", "n = 1"), ("b", "n = n * 2")], ["a", "b", "b"])
    assert found(result) == {("out-of-order", "b", ("n",), False)}
    result = session([("a", "n = 1"), ("b", "n += 2")], ["a", "b", "b"])
    assert found(result) == {("out-of-order", "b", ("n",), True)}


def test_certain_warnings_rest_on_no_heuristic():
    # a statement method call on an object may or may not change it
    cells = [("a", "import collections\nc = collections.Counter('ab')"), ("m", "c.subtract('a')"), ("b", "print(c)")]
    result = session(cells, ["a", "b", "m"])
    assert found(result) == {("stale", "b", ("c",), False)}
    assert result["reproducible"] is False


def test_verdict_ignores_edited_and_position_warnings():
    result = session([("a", "x = 2"), ("b", "print(y)")], [("a", "x = 1")])
    assert {w["kind"] for w in result["warnings"]} == {"edited", "undefined"}
    assert result["reproducible"] is True
    assert not VERDICT & {w["kind"] for w in result["warnings"]}


def test_a_generator_made_and_drawn_in_one_cell_is_no_input():
    # rho edited; eta drawn from a generator seeded in the same cell: same values
    old = "import numpy as np\nrng = np.random.default_rng(1)\neta = rng.standard_normal(5)\nrho = 0.8"
    new = old.replace("0.8", "1.6")
    cells = [("a", new), ("b", "print(eta)"), ("c", "print(rho)")]
    log = [("a", old), "b", "c", ("a", new)]
    assert found(session(cells, log)) == {("stale", "b", ("eta",), True), ("stale", "c", ("rho",), True)}
    # the probe saw the same eta: only rho changed
    result = analyze(
        {
            "cells": [{"id": i, "source": s} for i, s in cells],
            "runs": [
                {"cell_id": "a", "source": old, "execution_count": 1, "fingerprints": {"eta": "e1", "rho": "r1"}},
                {"cell_id": "b", "source": "print(eta)", "execution_count": 2},
                {"cell_id": "c", "source": "print(rho)", "execution_count": 3},
                {"cell_id": "a", "source": new, "execution_count": 4, "fingerprints": {"eta": "e1", "rho": "r2"}},
            ],
        }
    )
    assert found(result) == {("stale", "c", ("rho",), True)}


def test_a_cell_above_that_failed_after_rebinding_still_stops_restart_and_run_all():
    cells = [("a", "mod = make(2)\nres = mod.fit()"), ("b", "print(mod)")]
    log = [("a", "mod = make(1)\nres = mod.fit()"), "b", ("a", "mod = make(2)\nres = mod.fit()", "ValueError")]
    result = session(cells, log, ["make", "mod", "res"])
    assert [(w["kind"], w["certain"]) for w in result["warnings"] if w["cell_id"] == "b"] == [("stale", True)]


def test_an_idempotent_rerun_the_probe_confirms_changes_nothing_downstream():
    cells = [("a", "x = [3, 1, 2]"), ("b", "x = sorted(x)"), ("c", "print(x)"), ("d", "y = len(x)")]
    runs = []
    for count, cid in enumerate(["a", "b", "c", "d", "b", "d"], 1):
        run = {"cell_id": cid, "source": dict(cells)[cid], "execution_count": count}
        if cid == "b":
            run["fingerprints"] = {"x": "list:1,2,3"}
        runs.append(run)
    result = analyze({"cells": [{"id": i, "source": s} for i, s in cells], "runs": runs})
    assert result["warnings"] == []


def test_readers_of_a_cell_made_stale_by_a_failed_rerun_depend_on_it_certainly():
    cells = [("a", "x = int('7x')"), ("b", "y = x + 1"), ("c", "print(y)")]
    result = session(cells, [("a", "x = 7"), "b", "c", ("a", "x = int('7x')", "ValueError")])
    assert {(w["kind"], w["cell_id"], w["certain"]) for w in result["warnings"] if w["kind"] != "edited"} == {
        ("stale", "b", True),
        ("depends-on-stale", "c", True),
    }


def test_the_example_after_run_stale_cells_would_reproduce():
    """Run Stale Cells re-runs the cells in ``rerun``; then nothing is left to warn. The
    risk-score cell assigns ``df["churn_risk"]`` before it reads ``df``: the column its own
    first run left is no input of its second."""
    _nb, cells = example()
    runs = run_all(cells)
    param = next(c for c in cells if "TEST_SIZE = 0.25" in c["source"])
    param["source"] = param["source"].replace("TEST_SIZE = 0.25", "TEST_SIZE = 0.3")
    runs.append({"cell_id": param["id"], "source": param["source"], "execution_count": len(runs) + 1})
    source = {c["id"]: c["source"] for c in cells}
    for cid in analyze({"cells": cells, "runs": runs})["rerun"]:
        runs.append({"cell_id": cid, "source": source[cid], "execution_count": len(runs) + 1})
    result = analyze({"cells": cells, "runs": runs})
    assert result["warnings"] == []
    assert result["reproducible"] is True


def test_a_key_assigned_before_any_read_is_no_input_of_the_re_run():
    cells = [("a", "df = dict(a=1)"), ("k", "k = 2"), ("r", 'df["risk"] = k * 2\ndf.get("risk")')]
    result = session(cells, ["a", ("k", "k = 1"), "r", "k", "r"])
    assert result["warnings"] == []
    assert result["reproducible"] is True


@pytest.mark.parametrize(
    "reader",
    [
        'print(df)\ndf["risk"] = k * 2',  # read whole before the assignment
        'df["risk"] = df.get("risk", 0) + k',  # the value assigned reads the old one
        'if k:\n    df["risk"] = k * 2\ndf.get("risk")',  # the assignment may not happen
    ],
)
def test_a_key_read_before_it_is_assigned_is_still_an_input(reader):
    cells = [("a", "df = dict(a=1)"), ("k", "k = 1"), ("r", reader)]
    result = session(cells, ["a", "k", "r", "r"])
    assert ("out-of-order", "r", ("df",)) in {w[:3] for w in found(result)}
    assert result["reproducible"] is False


@pytest.mark.parametrize(
    ("make", "change"),
    [("data = [1, 2, 3]", "data.append(k)"), ("data = {'v': 1}", "data['v'] = k")],
    ids=["append", "store"],
)
@pytest.mark.parametrize("reader_rerun", [False, True], ids=["as-run", "reader-re-run"])
def test_staleness_follows_the_cell_that_changed_the_value_not_the_one_that_made_it(make, change, reader_rerun):
    # k edited and re-run: the cell that stored k into data is stale, its reader depends on
    # it, also when the reader is re-run without it (the mutation was skipped)
    cells = [("a", make), ("b", "k = 2"), ("c", change), ("d", "print(data)")]
    runs = ["a", ("b", "k = 1"), "c", "d", "b"] + (["d"] if reader_rerun else [])
    result = session(cells, runs)
    assert found(result) == {("stale", "c", ("k",), True), ("depends-on-stale", "d", ("data",), True)}
    assert result["rerun"] == ["c", "d"]


@pytest.mark.parametrize(
    "source",
    ["x = 1", "df['a'] = k\nprint(df)", "import numpy as np\nrng = np.random.default_rng(1)", "%%time\ny = 2", "x = ("],
)
def test_facts_made_without_the_dataclass_init_equal_the_constructors(source):
    from dataclasses import fields

    from jupyter_nbrefactor.cells import CellFacts, _cached_facts, cell_facts

    _cached_facts.cache_clear()
    facts = cell_facts(source)
    again = CellFacts(**{f.name: getattr(facts, f.name) for f in fields(CellFacts)})
    assert facts == again
    assert vars(facts).keys() == vars(again).keys()


def test_the_same_text_run_again_below_does_not_make_a_stale_read_out_of_order():
    # statsmodels' plots_boxplots: party_ID = np.arange(7) in two cells; the first edited and
    # re-run, the second re-run: the reader above read the first's value, so it is stale
    cells = [("i", "import numpy as np"), ("a", "p = np.arange(8)"), ("b", "age = [p]"), ("c", "p = np.arange(7)")]
    result = session(cells, ["i", ("a", "p = np.arange(7)"), "b", "c", "a", "c"])
    assert found(result) == {("stale", "b", ("p",), True)}
    assert "redefined by cell 2" in result["warnings"][0]["message"]
