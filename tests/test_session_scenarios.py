"""analyze(): a table of notebooks + run sequences and the exact warnings they get."""

from __future__ import annotations

import pytest

from jupyter_nbrefactor.session import analyze

RANDOM_IF = "import random\nif random.random() > 2:\n    x = 1"


def request(cells, runs, kernel_names=None):
    """cells: [(id, source)]; runs: "id" (current source), (id, source) or (id, source, error)."""
    sources = dict(cells)
    run_list = []
    for count, r in enumerate(runs, 1):
        if isinstance(r, str):
            r = (r, sources[r])
        cid, source, *error = r
        run_list.append({"cell_id": cid, "source": source, "execution_count": count, "error": (error or [None])[0]})
    req = {"cells": [{"id": i, "source": s, "cell_type": "code"} for i, s in cells], "runs": run_list}
    if kernel_names is not None:
        req["kernel_names"] = kernel_names
    return req


def W(kind, names, source, certain=True):
    return (kind, tuple(names.split()), source, certain)


# (name, cells, runs, kernel_names, {cell_id: {warnings}})
SCENARIOS = [
    # ----- stale ------------------------------------------------------------------------
    ("stale_when_input_redefined_after_run",
     [("a", "x = 0"), ("b", "y = x"), ("c", "x = 5")], ["a", "b", "c"], None,
     {"b": {W("stale", "x", "c")}}),
    ("not_stale_when_rerun_after_redefinition",
     [("a", "x = 0"), ("c", "x = 5"), ("b", "y = x")], ["a", "b", "c", "b"], None, {}),
    ("overwritten_output_is_not_stale",
     [("a", "x = 1"), ("b", "x = 2")], ["a", "b"], None, {}),
    ("redefinition_later_in_the_same_cell_is_not_staleness",
     [("a", "x = 0"), ("b", "y = x\nx = y + 1")], ["a", "b"], None, {}),
    ("a_local_that_shadows_a_stale_global_is_not_a_read",
     [("a", "x = 0"), ("b", "def f():\n    x = 1\n    return x\nr = f()"), ("c", "x = 2")], ["a", "b", "c"], None, {}),
    ("a_parameter_that_shadows_a_global_is_not_a_read",
     [("a", "x = 0"), ("b", "def f(x):\n    return x\nr = f(3)"), ("c", "x = 2")], ["a", "b", "c"], None, {}),
    ("a_comprehension_target_is_not_a_read",
     [("a", "x = 0"), ("b", "ys = [x for x in range(3)]"), ("c", "x = 9")], ["a", "b", "c"], None, {}),
    ("stale_when_input_mutated_by_append",
     [("a", "lst = []"), ("b", "n = len(lst)"), ("c", "lst.append(1)")], ["a", "b", "c"], None,
     {"b": {W("stale", "lst", "c")}}),
    ("stale_when_input_mutated_by_item_assignment",
     [("a", "d = {}"), ("b", "n = len(d)"), ("c", "d['k'] = 1")], ["a", "b", "c"], None,
     {"b": {W("stale", "d", "c")}}),
    ("stale_when_input_mutated_by_attribute_assignment",
     [("a", "import types\nns = types.SimpleNamespace()"), ("b", "v = vars(ns)"), ("c", "ns.a = 1")],
     ["a", "b", "c"], None, {"b": {W("stale", "ns", "c")}}),
    ("stale_when_item_deleted",
     [("a", "d = {'k': 1}"), ("b", "n = len(d)"), ("c", "del d['k']")], ["a", "b", "c"], None,
     {"b": {W("stale", "d", "c")}}),
    ("method_call_statement_is_an_uncertain_mutation",
     [("a", "import collections\nobj = collections.Counter('ab')"), ("b", "total = sum(obj.values())"),
      ("c", "obj.subtract('a')")], ["a", "b", "c"], None,
     {"b": {W("stale", "obj", "c", False)}}),
    ("pure_method_call_statement_is_no_mutation",
     [("a", "s = 'abc'"), ("b", "n = len(s)"), ("c", "s.upper()")], ["a", "b", "c"], None, {}),
    ("method_call_on_an_imported_module_is_no_mutation",
     [("a", "import matplotlib.pyplot as plt"), ("b", "plt.figure()"), ("c", "plt.plot([1])")],
     ["a", "b", "c"], None, {}),
    ("inplace_true_is_a_certain_mutation",
     [("a", "import pandas as pd\ndf = pd.DataFrame()"), ("b", "n = len(df)"),
      ("c", "df.drop(columns=[], inplace=True)")], ["a", "b", "c"], None,
     {"b": {W("stale", "df", "c")}}),
    ("an_untaken_branch_is_only_an_uncertain_redefinition",
     [("a", "x = 0"), ("b", "y = x"), ("c", RANDOM_IF)], ["a", "b", "c"], None,
     {"b": {W("stale", "x", "c", False)}}),
    ("stale_when_input_deleted",
     [("a", "x = 0"), ("b", "y = x"), ("c", "del x")], ["a", "b", "c"], None,
     {"b": {W("stale", "x", "c")}}),
    ("failed_cell_becomes_stale_once_the_name_is_defined",
     [("a", "y = x + 1"), ("b", "x = 1")], [("a", "y = x + 1", "NameError"), "b"], None,
     {"a": {W("stale", "x", "b"), W("use-before-define", "x", "b")}}),
    ("stale_through_a_called_functions_global",
     [("a", "k = 2"), ("b", "def f():\n    return k * 2"), ("c", "r = f()"), ("d", "k = 3")],
     ["a", "b", "c", "d"], None, {"c": {W("stale", "k", "d")}}),
    ("stale_through_a_chain_of_calls_across_cells",
     [("a", "k = 2"), ("b", "def g():\n    return k"), ("c", "def f():\n    return g()"), ("d", "r = f()"),
      ("e", "k = 5")], ["a", "b", "c", "d", "e"], None, {"d": {W("stale", "k", "e")}}),
    ("stale_when_the_called_function_is_redefined",
     [("a", "def f():\n    return 1"), ("b", "r = f()"), ("c", "def f():\n    return 2")], ["a", "b", "c"], None,
     {"b": {W("stale", "f", "c")}}),
    ("a_global_the_cell_binds_before_the_call_is_not_read_through_the_function",
     [("a", "k = 1"), ("b", "def f():\n    return k"), ("c", "k = 2\nr = f()"), ("d", "k = 3")],
     ["a", "b", "c", "d"], None, {}),
    ("stale_through_a_class_method_global",
     [("a", "scale = 2"), ("b", "class M:\n    def go(self):\n        return scale"), ("c", "m = M()"),
      ("d", "scale = 3")], ["a", "b", "c", "d"], None, {"c": {W("stale", "scale", "d")}}),
    ("augmented_assignment_reads_its_target",
     [("a", "n = 0"), ("b", "n += 1"), ("c", "n = 10")], ["a", "b", "c"], None,
     {"b": {W("stale", "n", "c")}}),
    ("stale_through_shell_interpolation",
     [("a", "folder = '.'"), ("b", "!ls {folder}"), ("c", "folder = '/'")], ["a", "b", "c"], None,
     {"b": {W("stale", "folder", "c")}}),
    ("stale_through_time_magic",
     [("a", "x = 1"), ("b", "%time y = x + 1"), ("c", "x = 2")], ["a", "b", "c"], None,
     {"b": {W("stale", "x", "c")}}),
    ("stale_through_a_default_argument",
     [("a", "d0 = 1"), ("b", "def f(a=d0):\n    return a"), ("c", "d0 = 2")], ["a", "b", "c"], None,
     {"b": {W("stale", "d0", "c")}}),
    ("stale_through_a_decorator",
     [("a", "def deco(f):\n    return f"), ("b", "@deco\ndef g():\n    pass"), ("c", "def deco(f):\n    return None")],
     ["a", "b", "c"], None, {"b": {W("stale", "deco", "c")}}),
    ("stale_through_an_f_string",
     [("a", "name = 'a'"), ("b", "s = f'{name}!'"), ("c", "name = 'b'")], ["a", "b", "c"], None,
     {"b": {W("stale", "name", "c")}}),
    ("stale_through_a_class_body",
     [("a", "base = 1"), ("b", "class A:\n    v = base"), ("c", "base = 2")], ["a", "b", "c"], None,
     {"b": {W("stale", "base", "c")}}),
    ("class_body_names_are_not_globals",
     [("a", "v = 1"), ("b", "class A:\n    v = 2\n    w = v"), ("c", "v = 3")], ["a", "b", "c"], None, {}),
    ("stale_through_a_comprehension_condition",
     [("a", "lim = 3"), ("b", "ys = [i for i in range(9) if i < lim]"), ("c", "lim = 4")], ["a", "b", "c"], None,
     {"b": {W("stale", "lim", "c")}}),
    ("stale_through_a_lambda",
     [("a", "k = 1"), ("b", "ys = sorted([3, 1], key=lambda v: v * k)"), ("c", "k = -1")], ["a", "b", "c"], None,
     {"b": {W("stale", "k", "c")}}),
    ("stale_through_a_walrus_definition",
     [("a", "data = [1]"), ("b", "if (n := len(data)):\n    pass"), ("c", "m = n"), ("d", "n = 5")],
     ["a", "b", "c", "d"], None, {"c": {W("stale", "n", "d")}}),
    ("several_names_from_one_cell_are_one_warning",
     [("a", "x = 0\ny = 0"), ("b", "z = x + y"), ("c", "x = 1\ny = 1")], ["a", "b", "c"], None,
     {"b": {W("stale", "x y", "c")}}),
    # ----- depends-on-stale ---------------------------------------------------------------
    ("depends_on_stale",
     [("a", "x = 0"), ("b", "y = x"), ("c", "z = y"), ("d", "x = 5")], ["a", "b", "c", "d"], None,
     {"b": {W("stale", "x", "d")}, "c": {W("depends-on-stale", "y", "b")}}),
    ("depends_on_stale_is_transitive",
     [("a", "x = 0"), ("b", "y = x"), ("c", "z = y"), ("e", "w = z"), ("d", "x = 5")], ["a", "b", "c", "e", "d"], None,
     {"b": {W("stale", "x", "d")}, "c": {W("depends-on-stale", "y", "b")}, "e": {W("depends-on-stale", "z", "c")}}),
    ("rerunning_the_stale_cell_makes_the_consumer_stale_not_depends_on_stale",
     [("a", "x = 0"), ("d", "x = 5"), ("b", "y = x"), ("c", "z = y")], ["a", "b", "c", "d", "b"], None,
     {"c": {W("stale", "y", "b")}}),
    ("depends_on_uncertain_staleness_is_uncertain",
     [("a", "x = 0"), ("b", "y = x"), ("c", "z = y"), ("d", RANDOM_IF)], ["a", "b", "c", "d"], None,
     {"b": {W("stale", "x", "d", False)}, "c": {W("depends-on-stale", "y", "b", False)}}),
    ("no_depends_on_stale_when_nothing_is_stale",
     [("a", "x = 0"), ("b", "y = x"), ("c", "z = y")], ["a", "b", "c"], None, {}),
    ("reading_a_fresh_name_from_a_stale_cell_still_depends_on_stale",
     [("a", "x = 0"), ("b", "y = x\nq = 1"), ("c", "z = q"), ("d", "x = 5")], ["a", "b", "c", "d"], None,
     {"b": {W("stale", "x", "d")}, "c": {W("depends-on-stale", "q", "b")}}),
    # ----- out-of-order ------------------------------------------------------------------
    ("out_of_order_when_value_came_from_below",
     [("a", "y = x"), ("b", "x = 1")], ["b", "a"], None, {"a": {W("out-of-order", "x", "b")}}),
    ("in_order_is_not_out_of_order",
     [("a", "x = 1"), ("b", "y = x")], ["a", "b"], None, {}),
    ("out_of_order_even_when_a_cell_above_also_defines_it",
     [("a", "x = 1"), ("b", "y = x"), ("c", "x = 2")], ["a", "c", "b"], None, {"b": {W("out-of-order", "x", "c")}}),
    ("out_of_order_and_stale_together",
     [("a", "y = x"), ("b", "x = 1")], ["b", "a", "b"], None,
     {"a": {W("out-of-order", "x", "b"), W("stale", "x", "b")}}),
    ("out_of_order_on_an_uncertain_definition_is_uncertain",
     [("a", "y = x"), ("b", RANDOM_IF)], ["b", "a"], None,
     {"a": {W("out-of-order", "x", "b", False)}}),
    ("reading_from_a_cell_above_that_ran_later_is_in_order",
     [("a", "x = 1"), ("b", "y = x")], ["b", "a", "b"], None, {}),
    # ----- edited ------------------------------------------------------------------------
    ("edited_since_it_ran",
     [("a", "x = 1")], [("a", "x = 0")], None, {"a": {W("edited", "", "a")}}),
    ("not_edited_when_unchanged",
     [("a", "x = 1")], ["a"], None, {}),
    ("never_run_is_not_edited",
     [("a", "x = 1")], [], None, {}),
    ("edited_cell_is_analysed_with_its_current_text",
     [("a", "y = q")], [("a", "y = 1")], None, {"a": {W("edited", "", "a"), W("undefined", "q", None)}}),
    # ----- hidden-state ------------------------------------------------------------------
    ("hidden_state_when_producer_cell_was_deleted",
     [("b", "y = x")], [("gone", "x = 1"), "b"], None, {"b": {W("hidden-state", "x", "gone")}}),
    ("hidden_state_when_producer_no_longer_defines_it",
     [("a", "x2 = 1"), ("b", "y = x")], [("a", "x = 1"), "b"], None,
     {"a": {W("edited", "", "a")}, "b": {W("hidden-state", "x", "a")}}),
    ("kernel_names_without_the_name_means_undefined",
     [("b", "y = x")], [("gone", "x = 1"), "b"], ["y"], {"b": {W("undefined", "x", None)}}),
    ("kernel_names_holding_a_name_no_cell_defines_is_hidden_state",
     [("a", "y = secret")], [], ["secret"], {"a": {W("hidden-state", "secret", None)}}),
    ("not_hidden_state_when_a_cell_above_defines_it",
     [("a", "x = 1"), ("b", "y = x")], [("gone", "x = 1"), "b"], None, {}),
    ("not_hidden_state_when_the_producer_exists",
     [("a", "x = 1"), ("b", "y = x")], ["a", "b"], ["x", "y"], {}),
    ("a_cell_reading_only_its_own_earlier_value_is_hidden_state",
     [("b", "n += 1")], [("gone", "n = 0"), "b"], None,
     {"b": {W("hidden-state", "n", "b")}}),
    ("output_history_of_a_deleted_cell_is_hidden_state",
     [("b", "y = _1 * 2")], [("gone", "1 + 1"), "b"], None, {"b": {W("hidden-state", "_1", "gone")}}),
    ("out_subscript_of_a_deleted_cell_is_hidden_state",
     [("b", "y = Out[1]")], [("gone", "1 + 1"), "b"], None, {"b": {W("hidden-state", "_1", "gone")}}),
    ("output_history_of_an_existing_cell_is_fine",
     [("a", "1 + 1"), ("b", "y = _1 * 2")], ["a", "b"], None, {}),
    # ----- use-before-define -------------------------------------------------------------
    ("use_before_define",
     [("a", "y = x"), ("b", "x = 1")], [], None, {"a": {W("use-before-define", "x", "b")}}),
    ("defined_above_is_fine",
     [("a", "x = 1"), ("b", "y = x")], [], None, {}),
    ("use_before_define_is_uncertain_when_above_is_only_conditional",
     [("a", RANDOM_IF), ("b", "y = x"), ("c", "x = 2")], [], None,
     {"b": {W("use-before-define", "x", "c", False)}}),
    ("the_cells_own_later_definition_does_not_count",
     [("a", "print(x)\nx = 1"), ("b", "x = 2")], [], None, {"a": {W("use-before-define", "x", "b")}}),
    ("use_before_define_through_a_called_function",
     [("a", "def f():\n    return k"), ("b", "r = f()"), ("c", "k = 1")], [], None,
     {"b": {W("use-before-define", "k", "c")}}),
    ("a_function_body_alone_uses_nothing",
     [("a", "def f():\n    return k"), ("b", "k = 1")], [], None, {}),
    ("function_called_in_its_own_cell_before_the_global_is_bound",
     [("a", "def f():\n    return k\nr = f()\nk = 1")], [], None, {"a": {W("undefined", "k", None)}}),
    # ----- undefined ---------------------------------------------------------------------
    ("undefined_name",
     [("a", "y = nope")], [], None, {"a": {W("undefined", "nope", None)}}),
    ("builtins_and_ipython_names_are_defined",
     [("a", "print(len([1]))\ndisplay(1)\nget_ipython()\nIn\nOut\nexit\nquit\n_\n__\n___\n_i\n__name__")],
     [], None, {}),
    ("star_import_makes_undefined_uncertain",
     [("a", "from os.path import *"), ("b", "y = join('a', 'b')")], [], None,
     {"b": {W("undefined", "join", None, False)}}),
    ("a_comprehension_target_is_not_undefined",
     [("a", "[i for i in range(3)]")], [], None, {}),
    ("augmented_assignment_of_nothing_is_undefined",
     [("a", "n += 1")], [], None, {"a": {W("undefined", "n", None)}}),
    ("del_of_nothing_is_undefined",
     [("a", "del ghost")], [], None, {"a": {W("undefined", "ghost", None)}}),
    ("undefined_through_a_called_function",
     [("a", "def f():\n    return missing"), ("b", "f()")], [], None, {"b": {W("undefined", "missing", None)}}),
    ("undefined_through_a_class_method",
     [("a", "class A:\n    def m(self):\n        return zz"), ("b", "A().m()")], [], None,
     {"b": {W("undefined", "zz", None)}}),
    ("undefined_through_shell_interpolation",
     [("a", "!echo {nothere} $HOME")], [], None, {"a": {W("undefined", "nothere", None)}}),
    ("syntax_error_cell_gets_no_warnings_and_others_are_analysed",
     [("a", "x = ("), ("b", "z = w")], [], None, {"b": {W("undefined", "w", None)}}),
    ("names_defined_by_magics_are_defined",
     [("a", "files = !ls\n%store -r cfg"), ("b", "n = len(files)\nc = cfg")], [], None, {}),
    # ----- robustness --------------------------------------------------------------------
    ("runs_of_deleted_cells_only",
     [("a", "z = 1")], [("gone", "x = 1"), ("gone2", "y = x")], None, {}),
    ("duplicate_ids",
     [("a", "x = 1"), ("a", "y = x")], [("a", "x = 1"), ("a", "y = x")], None, {}),
    ("rerunning_a_cell_that_was_moved_above_its_producer",
     [("b", "y = x"), ("a", "x = 1")], ["a", "b"], None, {"b": {W("out-of-order", "x", "a")}}),
    ("empty_notebook",
     [], [], None, {}),
    ("run_with_a_syntax_error_defines_nothing",
     [("a", "y = x")], [("gone", "x = (")], None, {"a": {W("undefined", "x", None)}}),
    ("failed_run_is_not_a_redefinition",
     [("a", "x = 0"), ("b", "y = x"), ("c", "x = 1 / 0")], ["a", "b", ("c", "x = 1 / 0", "ZeroDivisionError")],
     None, {}),
    ("failed_run_may_define_a_missing_name",
     [("a", "y = x")], [("gone", "x = 1\nraise ValueError", "ValueError"), "a"], None,
     {"a": {W("hidden-state", "x", "gone")}}),
]


@pytest.mark.parametrize(("cells", "runs", "kernel_names", "expected"), [s[1:] for s in SCENARIOS],
                         ids=[s[0] for s in SCENARIOS])
def test_scenario(cells, runs, kernel_names, expected):
    result = analyze(request(cells, runs, kernel_names))
    got: dict[str, set] = {}
    for w in result["warnings"]:
        got.setdefault(w["cell_id"], set()).add((w["kind"], tuple(w["names"]), w["source_cell_id"], w["certain"]))
    assert got == expected


def test_there_are_enough_scenarios_for_every_kind():
    assert len(SCENARIOS) >= 60
    kinds = {w[0] for s in SCENARIOS for ws in s[4].values() for w in ws}
    assert kinds == {"stale", "depends-on-stale", "out-of-order", "edited", "hidden-state", "use-before-define",
                     "undefined"}


def messages(cells, runs, kernel_names=None):
    return [w["message"] for w in analyze(request(cells, runs, kernel_names))["warnings"]]


def test_messages_use_execution_counts_and_positions():
    assert messages([("a", "x = 0"), ("b", "y = x"), ("c", "x = 5"), ("d", "z = y")], ["a", "b", "d", "c"]) == [
        "x was redefined by cell [4] after this cell ran",
        "y was produced by cell [2], which is stale",
    ]
    assert messages([("a", "y = x"), ("b", "x = 1")], []) == [
        "x is defined only further down, by the cell at position 2"
    ]
    assert messages([("a", "y = x + 1"), ("b", "x = 1")], [("a", "y = x + 1", "NameError"), "b"]) == [
        "x was defined by cell [2] after this cell failed",
        "x is defined only further down, by cell [2]",
    ]
    assert messages([("a", "y = x"), ("b", "x = 1")], ["b", "a"]) == [
        "x came from cell [1], below this cell: Restart & Run All would not reproduce it"
    ]
    assert messages([("a", "x = 1")], [("a", "x = 0")]) == ["This cell was edited after it ran as [1]."]
    assert messages([("b", "y = x")], [("gone", "x = 1"), "b"]) == ["x comes from cell [1], which no longer exists"]
    assert messages([("a", "y = p + q")], [], ["p", "q"]) == ["p, q exist only in the kernel: no cell defines it"]
    assert messages([("a", "y = p + q")], []) == ["p, q are not defined by any cell"]
    assert messages([("a", "x = 0"), ("b", "y = x"), ("c", RANDOM_IF)], ["a", "b", "c"]) == [
        "x may have been redefined by cell [3] after this cell ran"
    ]
    assert messages(
        [("a", "lst = []"), ("b", "n = len(lst)"), ("c", "lst.append(1)")], ["a", "b", "c"]
    ) == ["lst was modified by cell [3] after this cell ran"]
    assert messages([("a", "x = 0"), ("b", "y = x"), ("c", "del x")], ["a", "b", "c"]) == [
        "x was deleted by cell [3] after this cell ran"
    ]


def test_positions_in_messages_count_every_cell():
    req = {"cells": [{"id": "m", "source": "# Title", "cell_type": "markdown"}, {"id": "a", "source": "y = x"},
                     {"id": "r", "source": "x = 1", "cell_type": "raw"}, {"id": "b", "source": "x = 1"}]}
    assert [w["message"] for w in analyze(req)["warnings"]] == [
        "x is defined only further down, by the cell at position 4"
    ]


def test_nbformat_cells_are_accepted():
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("y = x + z")])
    cells = [{"id": c.id, "source": c.source, "cell_type": c.cell_type} for c in nb.cells]
    result = analyze({"cells": nb.cells, "runs": []})
    assert result == analyze({"cells": cells, "runs": []})
    assert [(w["kind"], w["names"]) for w in result["warnings"]] == [("undefined", ["z"])]


def test_response_cells_carry_facts():
    result = analyze(request([("a", "import numpy as np\nx = np.zeros(3)\nx[0] = 1\nprint(y)"), ("b", "y = (")], ["a"]))
    assert result["cells"] == {
        "a": {
            "defines": ["np", "x"],
            "reads": ["y"],
            "mutates": ["x"],
            "imports": ["import numpy as np"],
            "error": None,
            "execution_count": 1,
        },
        "b": {
            "defines": [],
            "reads": [],
            "mutates": [],
            "imports": [],
            "error": "SyntaxError: '(' was never closed (line 1)",
            "execution_count": None,
        },
    }


def test_other_languages_get_a_notice_and_no_warnings():
    result = analyze({"cells": [{"id": "a", "source": "x <- y"}], "runs": [], "language": "R"})
    assert result == {"cells": {}, "warnings": [], "notice": "No analysis for R kernels: only Python is understood."}
    assert analyze({"cells": [{"id": "a", "source": "y"}], "language": "python3"})["warnings"][0]["kind"] == "undefined"


def test_warnings_are_ordered_by_cell_position():
    result = analyze(request([("a", "p = q"), ("b", "r = s"), ("c", "t = u")], []))
    assert [w["cell_id"] for w in result["warnings"]] == ["a", "b", "c"]


def test_long_chain_of_stale_dependencies_is_linear():
    n = 1000
    cells = [("c0", "v0 = 0")] + [(f"c{i}", f"v{i} = v{i - 1} + 1") for i in range(1, n)] + [("z", "v0 = 1")]
    runs = [c for c, _ in cells]
    result = analyze(request(cells, runs))
    kinds = [w["kind"] for w in result["warnings"]]
    assert kinds == ["stale"] + ["depends-on-stale"] * (n - 2)


# ----- analyze never raises ----------------------------------------------------------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
import hypothesmith  # noqa: E402

# hypothesmith may be drawn once per example (it records hypothesis targets)
_sources = st.one_of(
    st.text(max_size=60),
    st.text(alphabet="%!?$ {}\n\tabx=()[]:;'\"\\#.,*@", max_size=40),
    st.sampled_from(["%time y = f(x)", "!ls {d}", "x?", "%%bash\nls", "del x", "x = (", "x += 1", "%%time\nq ="]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    program=hypothesmith.from_grammar(),
    cells=st.lists(st.tuples(st.sampled_from("abcde"), _sources), max_size=5),
    runs=st.lists(
        st.tuples(st.sampled_from("abcdefg"), _sources, st.one_of(st.none(), st.integers(-5, 50)),
                  st.one_of(st.none(), st.text(max_size=5))),
        max_size=6,
    ),
    kernel_names=st.one_of(st.none(), st.lists(st.text(max_size=3), max_size=4)),
)
def test_analyze_never_raises(program, cells, runs, kernel_names):
    cells = [("p", program), *cells]
    req = {
        "cells": [{"id": i, "source": s} for i, s in cells],
        "runs": [{"cell_id": "p", "source": program, "execution_count": 1}]
        + [{"cell_id": i, "source": s, "execution_count": n, "error": e} for i, s, n, e in runs],
        "kernel_names": kernel_names,
    }
    result = analyze(req)
    assert set(result) == {"cells", "warnings"}
    for w in result["warnings"]:
        assert w["kind"] in {"stale", "depends-on-stale", "out-of-order", "edited", "hidden-state",
                             "use-before-define", "undefined"}
        assert isinstance(w["message"], str) and w["message"]
