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
    # ----- stale: a cell ABOVE changed an input after this cell ran ------------------------
    (
        "stale_when_a_cell_above_is_rerun_with_another_value",
        [("a", "x = 5"), ("b", "y = x")],
        [("a", "x = 0"), "b", "a"],
        None,
        {"b": {W("stale", "x", "a")}},
    ),
    (
        "stale_when_a_cell_above_ran_only_after_it",
        [("a", "x = 0"), ("c", "x = 5"), ("b", "y = x")],
        ["a", "b", "c"],
        None,
        {"b": {W("stale", "x", "c")}},
    ),
    (
        "not_stale_when_rerun_after_redefinition",
        [("a", "x = 0"), ("c", "x = 5"), ("b", "y = x")],
        ["a", "b", "c", "b"],
        None,
        {},
    ),
    ("overwritten_output_is_not_stale", [("a", "x = 1"), ("b", "x = 2")], ["a", "b"], None, {}),
    (
        "redefinition_later_in_the_same_cell_is_not_staleness",
        [("a", "x = 0"), ("b", "y = x\nx = y + 1")],
        ["a", "b"],
        None,
        {},
    ),
    (
        "a_local_that_shadows_a_stale_global_is_not_a_read",
        [("a", "x = 2"), ("b", "def f():\n    x = 1\n    return x\nr = f()")],
        [("a", "x = 0"), "b", "a"],
        None,
        {},
    ),
    (
        "a_parameter_that_shadows_a_global_is_not_a_read",
        [("a", "x = 2"), ("b", "def f(x):\n    return x\nr = f(3)")],
        [("a", "x = 0"), "b", "a"],
        None,
        {},
    ),
    (
        "a_comprehension_target_is_not_a_read",
        [("a", "x = 9"), ("b", "ys = [x for x in range(3)]")],
        [("a", "x = 0"), "b", "a"],
        None,
        {},
    ),
    (
        "stale_when_input_mutated_by_append_above",
        [("a", "lst = []"), ("c", "lst.append(1)"), ("b", "n = len(lst)")],
        ["a", "b", "c"],
        None,
        {"b": {W("stale", "lst", "c")}},
    ),
    (
        "stale_when_input_mutated_by_item_assignment_above",
        [("a", "d = {}"), ("c", "d['k'] = 1"), ("b", "n = len(d)")],
        ["a", "b", "c"],
        None,
        {"b": {W("stale", "d", "c")}},
    ),
    (
        "stale_when_input_mutated_by_attribute_assignment_above",
        [("a", "import types\nns = types.SimpleNamespace()"), ("c", "ns.a = 1"), ("b", "v = vars(ns)")],
        ["a", "b", "c"],
        None,
        {"b": {W("stale", "ns", "c")}},
    ),
    (
        "stale_when_item_deleted_above",
        [("a", "d = {'k': 1}"), ("c", "del d['k']"), ("b", "n = len(d)")],
        ["a", "b", "c"],
        None,
        {"b": {W("stale", "d", "c")}},
    ),
    (
        "method_call_statement_is_an_uncertain_mutation",
        [
            ("a", "import collections\nobj = collections.Counter('ab')"),
            ("c", "obj.subtract('a')"),
            ("b", "total = sum(obj.values())"),
        ],
        ["a", "b", "c"],
        None,
        {"b": {W("stale", "obj", "c", False)}},
    ),
    (
        "pure_method_call_statement_is_no_mutation",
        [("a", "s = 'abc'"), ("c", "s.upper()"), ("b", "n = len(s)")],
        ["a", "b", "c"],
        None,
        {},
    ),
    (
        "method_call_on_an_imported_module_is_no_mutation",
        [("a", "import matplotlib.pyplot as plt"), ("c", "plt.plot([1])"), ("b", "plt.figure()")],
        ["a", "b", "c"],
        None,
        {},
    ),
    (
        "inplace_true_is_a_certain_mutation",
        [
            ("a", "import pandas as pd\ndf = pd.DataFrame()"),
            ("c", "df.drop(columns=[], inplace=True)"),
            ("b", "n = len(df)"),
        ],
        ["a", "b", "c"],
        None,
        {"b": {W("stale", "df", "c")}},
    ),
    (
        "an_untaken_branch_is_only_an_uncertain_redefinition",
        [("a", "x = 0"), ("c", RANDOM_IF), ("b", "y = x")],
        ["a", "b", "c"],
        None,
        {"b": {W("stale", "x", "c", False)}},
    ),
    (
        "stale_when_input_deleted_above",
        [("a", "x = 0"), ("c", "del x"), ("b", "y = x")],
        ["a", "b", "c"],
        None,
        {"b": {W("stale", "x", "c"), W("use-before-define", "x", "c")}},
    ),
    (
        "failed_cell_becomes_stale_once_a_cell_above_defines_the_name",
        [("b", "x = 1"), ("a", "y = x + 1")],
        [("a", "y = x + 1", "NameError"), "b"],
        None,
        {"a": {W("stale", "x", "b")}},
    ),
    (
        "stale_through_a_called_functions_global",
        [("a", "k = 3"), ("b", "def f():\n    return k * 2"), ("c", "r = f()")],
        [("a", "k = 2"), "b", "c", "a"],
        None,
        {"c": {W("stale", "k", "a")}},
    ),
    (
        "stale_through_a_chain_of_calls_across_cells",
        [("a", "k = 5"), ("b", "def g():\n    return k"), ("c", "def f():\n    return g()"), ("d", "r = f()")],
        [("a", "k = 2"), "b", "c", "d", "a"],
        None,
        {"d": {W("stale", "k", "a")}},
    ),
    (
        "stale_when_the_called_function_is_redefined",
        [("a", "def f():\n    return 2"), ("b", "r = f()")],
        [("a", "def f():\n    return 1"), "b", "a"],
        None,
        {"b": {W("stale", "f", "a")}},
    ),
    (
        "a_global_the_cell_binds_before_the_call_is_not_read_through_the_function",
        [("a", "k = 3"), ("b", "def f():\n    return k"), ("c", "k = 2\nr = f()")],
        [("a", "k = 1"), "b", "c", "a"],
        None,
        {},
    ),
    (
        "stale_through_a_class_method_global",
        [("a", "scale = 3"), ("b", "class M:\n    def go(self):\n        return scale"), ("c", "m = M()")],
        [("a", "scale = 2"), "b", "c", "a"],
        None,
        {"c": {W("stale", "scale", "a")}},
    ),
    (
        "augmented_assignment_reads_its_target",
        [("a", "n = 10"), ("b", "n += 1")],
        [("a", "n = 0"), "b", "a"],
        None,
        {"b": {W("stale", "n", "a")}},
    ),
    (
        "stale_through_shell_interpolation",
        [("a", "folder = '/'"), ("b", "!ls {folder}")],
        [("a", "folder = '.'"), "b", "a"],
        None,
        {"b": {W("stale", "folder", "a")}},
    ),
    (
        "stale_through_time_magic",
        [("a", "x = 2"), ("b", "%time y = x + 1")],
        [("a", "x = 1"), "b", "a"],
        None,
        {"b": {W("stale", "x", "a")}},
    ),
    (
        "stale_through_a_default_argument",
        [("a", "d0 = 2"), ("b", "def f(a=d0):\n    return a")],
        [("a", "d0 = 1"), "b", "a"],
        None,
        {"b": {W("stale", "d0", "a")}},
    ),
    (
        "stale_through_a_decorator",
        [("a", "def deco(f):\n    return None"), ("b", "@deco\ndef g():\n    pass")],
        [("a", "def deco(f):\n    return f"), "b", "a"],
        None,
        {"b": {W("stale", "deco", "a")}},
    ),
    (
        "stale_through_an_f_string",
        [("a", "name = 'b'"), ("b", "s = f'{name}!'")],
        [("a", "name = 'a'"), "b", "a"],
        None,
        {"b": {W("stale", "name", "a")}},
    ),
    (
        "stale_through_a_class_body",
        [("a", "base = 2"), ("b", "class A:\n    v = base")],
        [("a", "base = 1"), "b", "a"],
        None,
        {"b": {W("stale", "base", "a")}},
    ),
    (
        "class_body_names_are_not_globals",
        [("a", "v = 3"), ("b", "class A:\n    v = 2\n    w = v")],
        [("a", "v = 1"), "b", "a"],
        None,
        {},
    ),
    (
        "stale_through_a_comprehension_condition",
        [("a", "lim = 4"), ("b", "ys = [i for i in range(9) if i < lim]")],
        [("a", "lim = 3"), "b", "a"],
        None,
        {"b": {W("stale", "lim", "a")}},
    ),
    (
        "stale_through_a_lambda",
        [("a", "k = -1"), ("b", "ys = sorted([3, 1], key=lambda v: v * k)")],
        [("a", "k = 1"), "b", "a"],
        None,
        {"b": {W("stale", "k", "a")}},
    ),
    (
        "stale_through_a_walrus_definition",
        [("a", "data = [1, 2]"), ("b", "if (n := len(data)):\n    pass"), ("c", "m = n")],
        [("a", "data = [1]"), "b", "c", "a", "b"],
        None,
        {"c": {W("stale", "n", "b")}},
    ),
    (
        "several_names_from_one_cell_are_one_warning",
        [("a", "x = 1\ny = 1"), ("b", "z = x + y")],
        [("a", "x = 0\ny = 0"), "b", "a"],
        None,
        {"b": {W("stale", "x y", "a")}},
    ),
    # ----- forward flow: changes by cells below are what Restart & Run All does too -----
    (
        "a_redefinition_below_is_forward_flow",
        [("a", "x = 1"), ("b", "y = x * 2"), ("c", "x = 10")],
        ["a", "b", "c"],
        None,
        {},
    ),
    (
        "a_mutation_below_is_forward_flow",
        [("a", "lst = []"), ("b", "n = len(lst)"), ("c", "lst.append(1)")],
        ["a", "b", "c"],
        None,
        {},
    ),
    ("a_del_below_is_forward_flow", [("a", "x = 0"), ("b", "y = x"), ("c", "del x")], ["a", "b", "c"], None, {}),
    (
        "rebinding_df_further_down_is_forward_flow",
        [
            ("a", "import pandas as pd\ndf = pd.DataFrame({'a': [1, None]})"),
            ("b", "print(df.shape)"),
            ("c", "df = df.dropna()"),
            ("d", "print(df.shape)"),
        ],
        ["a", "b", "c", "d"],
        None,
        {},
    ),
    # ----- same value is no change -----------------------------------------------------
    (
        "rerunning_the_imports_cell_changes_nothing",
        [("a", "import numpy as np"), ("b", "y = np.zeros(3)")],
        ["a", "b", "a"],
        None,
        {},
    ),
    (
        "rerunning_an_unchanged_literal_changes_nothing",
        [("a", "y = 7"), ("b", "z = y + 1"), ("c", "print(z)")],
        ["a", "b", "c", "a"],
        None,
        {},
    ),
    (
        "rerunning_an_unchanged_def_changes_nothing",
        [("a", "def f():\n    return 1"), ("b", "r = f()")],
        ["a", "b", "a"],
        None,
        {},
    ),
    (
        "a_rerun_that_reads_the_clock_is_an_uncertain_change",
        [("a", "import time\nt = time.time()"), ("b", "print(t)")],
        ["a", "b", "a"],
        None,
        {"b": {W("stale", "t", "a", False)}},
    ),
    # ----- granularity and aliases -----------------------------------------------------
    (
        "columns_built_one_by_one_are_separate_inputs",
        [
            ("a", "import pandas as pd\ndf = pd.DataFrame({'x': [1]})"),
            ("b", "df['a'] = df['x'] * 2"),
            ("c", "df['b'] = df['x'] * 3"),
            ("d", "print(df['a'])"),
        ],
        ["a", "b", "c", "d", "c"],
        None,
        {},
    ),
    (
        "a_new_column_above_stales_readers_of_the_whole_frame",
        [
            ("a", "import pandas as pd\ndf = pd.DataFrame({'x': [1]})"),
            ("b", "df['a'] = df['x'] * 3"),
            ("d", "print(df)"),
        ],
        [("a", "import pandas as pd\ndf = pd.DataFrame({'x': [1]})"), ("b", "df['a'] = df['x'] * 2"), "d", "b"],
        None,
        {"d": {W("stale", "df", "b")}},
    ),
    (
        "append_does_not_change_the_first_item",
        [("a", "lst = [1]"), ("c", "lst.append(2)"), ("b", "print(lst[0])")],
        ["a", "b", "c"],
        None,
        {},
    ),
    (
        "append_changes_the_last_item",
        [("a", "lst = [1]"), ("c", "lst.append(2)"), ("b", "print(lst[-1])")],
        ["a", "b", "c"],
        None,
        {"b": {W("stale", "lst", "c")}},
    ),
    (
        "an_alias_is_not_stale_when_the_object_changes_in_place",
        [("a", "x = [1]"), ("c", "x.append(2)"), ("b", "y = x")],
        ["a", "b", "c"],
        None,
        {},
    ),
    (
        "a_value_stored_into_an_object_carries_its_inputs",
        [("x", "x = 77"), ("a", "lst = []"), ("b", "lst.extend([x])"), ("c", "print(lst)")],
        [("x", "x = 1"), "a", "b", "c", "x"],
        None,
        {"b": {W("stale", "x", "x")}, "c": {W("depends-on-stale", "lst", "b")}},
    ),
    (
        "a_column_computed_from_a_parameter_carries_it",
        [
            ("k", "k = 3"),
            ("a", "import pandas as pd\ndf = pd.DataFrame({'a': [1]})"),
            ("b", "df['pred'] = df.a * k"),
            ("c", "print(df)"),
        ],
        [("k", "k = 1"), "a", "b", "c", "k"],
        None,
        {"b": {W("stale", "k", "k")}, "c": {W("depends-on-stale", "df", "b")}},
    ),
    (
        "calling_a_modules_function_is_not_changing_the_module",
        [
            ("a", "import numpy as np\nimport matplotlib.pyplot as plt\nx = np.ones(2)"),
            ("c", "np.add(x, 2)\nnp.sort(x)\nplt.rcParams['lines.linewidth'] = 2"),
            ("b", "print(np.mean(x))\nplt.plot(x)"),
        ],
        ["a", "b", "c"],
        None,
        {},
    ),
    # ----- hidden inputs: random state, failed re-runs -----------------------------------
    (
        "a_draw_rerun_advances_the_random_state",
        [("a", "import numpy as np\nnp.random.seed(0)"), ("b", "u = np.random.rand()"), ("c", "v = np.random.rand()")],
        ["a", "b", "c", "b"],
        None,
        {"b": {W("out-of-order", "np", "c")}},
    ),
    (
        "reseeding_and_redrawing_in_order_reproduces",
        [("a", "import numpy as np\nnp.random.seed(0)"), ("b", "u = np.random.rand()"), ("c", "v = np.random.rand()")],
        ["a", "b", "c", "a", "b", "c"],
        None,
        {},
    ),
    (
        "a_generator_object_is_random_state",
        [
            ("a", "import numpy as np\nrng = np.random.default_rng(0)"),
            ("b", "u = rng.normal()"),
            ("c", "v = rng.normal()"),
        ],
        ["a", "b", "c", "b"],
        None,
        {"b": {W("out-of-order", "rng", "c")}},
    ),
    (
        "a_failed_rerun_leaves_the_earlier_value_and_its_readers_say_so",
        [("a", "x = 1 / 0"), ("b", "y = x + 1")],
        [("a", "x = 1"), "b", ("a", "x = 1 / 0", "ZeroDivisionError")],
        None,
        {"b": {W("stale", "x", "a")}},
    ),
    # ----- depends-on-stale ---------------------------------------------------------------
    (
        "depends_on_stale",
        [("a", "x = 5"), ("b", "y = x + 0"), ("c", "z = y")],
        [("a", "x = 0"), "b", "c", "a"],
        None,
        {"b": {W("stale", "x", "a")}, "c": {W("depends-on-stale", "y", "b")}},
    ),
    (
        "depends_on_stale_is_transitive",
        [("a", "x = 5"), ("b", "y = x + 0"), ("c", "z = y + 0"), ("e", "w = z")],
        [("a", "x = 0"), "b", "c", "e", "a"],
        None,
        {"b": {W("stale", "x", "a")}, "c": {W("depends-on-stale", "y", "b")}, "e": {W("depends-on-stale", "z", "c")}},
    ),
    (
        "rerunning_the_stale_cell_makes_the_consumer_stale_not_depends_on_stale",
        [("a", "x = 5"), ("b", "y = x + 0"), ("c", "z = y")],
        [("a", "x = 0"), "b", "c", "a", "b"],
        None,
        {"c": {W("stale", "y", "b")}},
    ),
    (
        "depends_on_uncertain_staleness_is_uncertain",
        [("a", "x = 0"), ("d", RANDOM_IF), ("b", "y = x + 0"), ("c", "z = y")],
        ["a", "b", "c", "d"],
        None,
        {"b": {W("stale", "x", "d", False)}, "c": {W("depends-on-stale", "y", "b", False)}},
    ),
    (
        "no_depends_on_stale_when_nothing_is_stale",
        [("a", "x = 0"), ("b", "y = x"), ("c", "z = y")],
        ["a", "b", "c"],
        None,
        {},
    ),
    (
        "reading_a_fresh_name_from_a_stale_cell_still_depends_on_stale",
        [("a", "x = 5"), ("b", "y = x + 0\nq = list(range(3))"), ("c", "z = q")],
        [("a", "x = 0"), "b", "c", "a"],
        None,
        {"b": {W("stale", "x", "a")}, "c": {W("depends-on-stale", "q", "b")}},
    ),
    (
        "a_literal_of_a_stale_cell_is_the_same_value",
        [("a", "x = 5"), ("b", "y = x + 0\nq = 1"), ("c", "z = q")],
        [("a", "x = 0"), "b", "c", "a"],
        None,
        {"b": {W("stale", "x", "a")}},
    ),
    (
        "changing_one_parameter_of_a_parameter_cell_leaves_the_others",
        [
            ("p", "PATH = 'a.csv'\nSEED = 42\nTEST_SIZE = 0.3"),
            ("a", "data = load(PATH)"),
            ("b", "split = TEST_SIZE * 2"),
            ("c", "print(SEED, data)"),
        ],
        [("p", "PATH = 'a.csv'\nSEED = 42\nTEST_SIZE = 0.25"), "a", "b", "c", "p"],
        ["load"],
        {"b": {W("stale", "TEST_SIZE", "p")}, "a": {W("hidden-state", "load", None)}},
    ),
    (
        "a_mutation_by_a_stale_cell_makes_its_readers_depend_on_it",
        [("k", "k = 2"), ("a", "data = {'v': 1}"), ("b", "data['v'] = data['v'] * k"), ("c", "print(data)")],
        [("k", "k = 1"), "a", "b", "c", "k"],
        None,
        {"b": {W("stale", "k", "k")}, "c": {W("depends-on-stale", "data", "b")}},
    ),
    (
        "a_skipped_cell_above_makes_its_reader_stale",
        [("a", "x = 1"), ("b", "x = 5"), ("c", "print(x)")],
        ["a", "c"],
        None,
        {"c": {W("stale", "x", "b")}},
    ),
    # ----- out-of-order ------------------------------------------------------------------
    (
        "out_of_order_when_value_came_from_below",
        [("a", "y = x"), ("b", "x = 1")],
        ["b", "a"],
        None,
        {"a": {W("out-of-order", "x", "b")}},
    ),
    ("in_order_is_not_out_of_order", [("a", "x = 1"), ("b", "y = x")], ["a", "b"], None, {}),
    (
        "out_of_order_even_when_a_cell_above_also_defines_it",
        [("a", "x = 1"), ("b", "y = x"), ("c", "x = 2")],
        ["a", "c", "b"],
        None,
        {"b": {W("out-of-order", "x", "c")}},
    ),
    (
        "out_of_order_when_the_value_was_changed_below_before_it_ran",
        [("a", "lst = []"), ("b", "n = len(lst)"), ("c", "lst.append(1)")],
        ["a", "c", "b"],
        None,
        {"b": {W("out-of-order", "lst", "c")}},
    ),
    (
        "reading_its_own_leftovers_is_out_of_order",
        [("a", "x = 0"), ("b", "x += 1")],
        ["a", "b", "b"],
        None,
        {"b": {W("out-of-order", "x", "b")}},
    ),
    (
        "appending_twice_is_out_of_order",
        [("a", "lst = []"), ("b", "lst.append(1)")],
        ["a", "b", "b"],
        None,
        {"b": {W("out-of-order", "lst", "b")}},
    ),
    (
        "an_idempotent_looking_rebinding_rerun_is_uncertain",
        [("a", "import pandas as pd\ndf = pd.DataFrame()"), ("b", "df = df.dropna()")],
        ["a", "b", "b"],
        None,
        {"b": {W("out-of-order", "df", "b", False)}},
    ),
    (
        "out_of_order_on_an_uncertain_definition_is_uncertain",
        [("a", "y = x"), ("b", RANDOM_IF)],
        ["b", "a"],
        None,
        {"a": {W("out-of-order", "x", "b", False)}},
    ),
    (
        "reading_from_a_cell_above_that_ran_later_is_in_order",
        [("a", "x = 1"), ("b", "y = x")],
        ["b", "a", "b"],
        None,
        {},
    ),
    # ----- edited ------------------------------------------------------------------------
    ("edited_since_it_ran", [("a", "x = 1")], [("a", "x = 0")], None, {"a": {W("edited", "", "a")}}),
    ("not_edited_when_unchanged", [("a", "x = 1")], ["a"], None, {}),
    ("never_run_is_not_edited", [("a", "x = 1")], [], None, {}),
    (
        "edited_cell_is_analysed_with_its_current_text",
        [("a", "y = q")],
        [("a", "y = 1")],
        None,
        {"a": {W("edited", "", "a"), W("undefined", "q", None)}},
    ),
    # ----- hidden-state ------------------------------------------------------------------
    (
        "hidden_state_when_producer_cell_was_deleted",
        [("b", "y = x")],
        [("gone", "x = 1"), "b"],
        None,
        {"b": {W("hidden-state", "x", "gone")}},
    ),
    (
        "hidden_state_when_producer_no_longer_defines_it",
        [("a", "x2 = 1"), ("b", "y = x")],
        [("a", "x = 1"), "b"],
        None,
        {"a": {W("edited", "", "a")}, "b": {W("hidden-state", "x", "a")}},
    ),
    (
        "kernel_names_without_the_name_means_undefined",
        [("b", "y = x")],
        [("gone", "x = 1")],
        ["y"],
        {"b": {W("undefined", "x", None)}},
    ),
    (
        "hidden_state_when_the_producing_cell_was_deleted_though_another_defines_the_name",
        [("a", "SEED = 42"), ("b", "print(SEED)")],
        ["a", ("c", "SEED = 7"), "b"],
        None,
        {"b": {W("hidden-state", "SEED", "c")}},
    ),
    (
        "kernel_names_holding_a_name_no_cell_defines_is_hidden_state",
        [("a", "y = secret")],
        [],
        ["secret"],
        {"a": {W("hidden-state", "secret", None)}},
    ),
    (
        "not_hidden_state_when_a_cell_above_defines_it",
        [("a", "x = 1"), ("b", "y = x")],
        [("gone", "x = 1"), "b"],
        None,
        {},
    ),
    ("not_hidden_state_when_the_producer_exists", [("a", "x = 1"), ("b", "y = x")], ["a", "b"], ["x", "y"], {}),
    (
        "a_cell_reading_only_its_own_earlier_value_is_hidden_state",
        [("b", "n += 1")],
        [("gone", "n = 0"), "b", "b"],
        None,
        {"b": {W("hidden-state", "n", "b"), W("out-of-order", "n", "b")}},
    ),
    (
        "output_history_of_a_deleted_cell_is_hidden_state",
        [("b", "y = _1 * 2")],
        [("gone", "1 + 1"), "b"],
        None,
        {"b": {W("hidden-state", "_1", "gone")}},
    ),
    (
        "out_subscript_of_a_deleted_cell_is_hidden_state",
        [("b", "y = Out[1]")],
        [("gone", "1 + 1"), "b"],
        None,
        {"b": {W("hidden-state", "_1", "gone")}},
    ),
    ("output_history_of_an_existing_cell_is_fine", [("a", "1 + 1"), ("b", "y = _1 * 2")], ["a", "b"], None, {}),
    # ----- use-before-define -------------------------------------------------------------
    ("use_before_define", [("a", "y = x"), ("b", "x = 1")], [], None, {"a": {W("use-before-define", "x", "b")}}),
    ("defined_above_is_fine", [("a", "x = 1"), ("b", "y = x")], [], None, {}),
    (
        "use_before_define_is_uncertain_when_above_is_only_conditional",
        [("a", RANDOM_IF), ("b", "y = x"), ("c", "x = 2")],
        [],
        None,
        {"b": {W("use-before-define", "x", "c", False)}},
    ),
    (
        "the_cells_own_later_definition_does_not_count",
        [("a", "print(x)\nx = 1"), ("b", "x = 2")],
        [],
        None,
        {"a": {W("use-before-define", "x", "b")}},
    ),
    (
        "use_before_define_through_a_called_function",
        [("a", "def f():\n    return k"), ("b", "r = f()"), ("c", "k = 1")],
        [],
        None,
        {"b": {W("use-before-define", "k", "c")}},
    ),
    ("a_function_body_alone_uses_nothing", [("a", "def f():\n    return k"), ("b", "k = 1")], [], None, {}),
    (
        "function_called_in_its_own_cell_before_the_global_is_bound",
        [("a", "def f():\n    return k\nr = f()\nk = 1")],
        [],
        None,
        {"a": {W("undefined", "k", None)}},
    ),
    # ----- undefined ---------------------------------------------------------------------
    ("undefined_name", [("a", "y = nope")], [], None, {"a": {W("undefined", "nope", None)}}),
    (
        "builtins_and_ipython_names_are_defined",
        [("a", "print(len([1]))\ndisplay(1)\nget_ipython()\nIn\nOut\nexit\nquit\n_\n__\n___\n_i\n__name__")],
        [],
        None,
        {},
    ),
    (
        "a_name_a_star_import_above_may_bind_is_no_warning",
        [("a", "from os.path import *"), ("b", "y = join('a', 'b')")],
        ["a", "b"],
        None,
        {},
    ),
    (
        "exec_makes_undefined_uncertain",
        [("a", "exec('q = 1')"), ("b", "y = q")],
        [],
        None,
        {"b": {W("undefined", "q", None, False)}},
    ),
    (
        "the_name_error_caching_idiom_is_not_undefined",
        [("a", "try:\n    data\nexcept NameError:\n    data = 1")],
        [],
        None,
        {},
    ),
    (
        "future_annotations_are_not_reads",
        [("a", "from __future__ import annotations\ndef f(x: Foo) -> Bar:\n    return x")],
        [],
        None,
        {},
    ),
    (
        "module_dunders_are_defined",
        [("a", "print(__builtins__)\nclass A:\n    def m(self):\n        return __class__")],
        [],
        None,
        {},
    ),
    ("a_walrus_in_a_dict_literal_binds", [("a", "d = {'a': (n := 5), 'b': n}")], [], None, {}),
    (
        "a_read_below_a_del_is_use_before_define",
        [("a", "df = 1"), ("b", "del df"), ("c", "print(df)")],
        [],
        None,
        {"c": {W("use-before-define", "df", "b")}},
    ),
    (
        "a_function_updating_an_undeclared_global_is_flagged_where_called",
        [("a", "total = 0\ndef add(x):\n    total += x"), ("b", "add(1)")],
        [],
        None,
        {"b": {W("undefined", "total", "a")}},
    ),
    ("a_comprehension_target_is_not_undefined", [("a", "[i for i in range(3)]")], [], None, {}),
    ("augmented_assignment_of_nothing_is_undefined", [("a", "n += 1")], [], None, {"a": {W("undefined", "n", None)}}),
    ("del_of_nothing_is_undefined", [("a", "del ghost")], [], None, {"a": {W("undefined", "ghost", None)}}),
    (
        "undefined_through_a_called_function",
        [("a", "def f():\n    return missing"), ("b", "f()")],
        [],
        None,
        {"b": {W("undefined", "missing", None)}},
    ),
    (
        "undefined_through_a_class_method",
        [("a", "class A:\n    def m(self):\n        return zz"), ("b", "A().m()")],
        [],
        None,
        {"b": {W("undefined", "zz", None)}},
    ),
    (
        "undefined_through_shell_interpolation",
        [("a", "!echo {nothere} $HOME")],
        [],
        None,
        {"a": {W("undefined", "nothere", None)}},
    ),
    (
        "syntax_error_cell_gets_no_warnings_and_others_are_analysed",
        [("a", "x = ("), ("b", "z = w")],
        [],
        None,
        {"b": {W("undefined", "w", None)}},
    ),
    (
        "names_defined_by_magics_are_defined",
        [("a", "files = !ls\n%store -r cfg"), ("b", "n = len(files)\nc = cfg")],
        [],
        None,
        {},
    ),
    # ----- robustness --------------------------------------------------------------------
    ("runs_of_deleted_cells_only", [("a", "z = 1")], [("gone", "x = 1"), ("gone2", "y = x")], None, {}),
    ("duplicate_ids", [("a", "x = 1"), ("a", "y = x")], [("a", "x = 1"), ("a", "y = x")], None, {}),
    (
        "rerunning_a_cell_that_was_moved_above_its_producer",
        [("b", "y = x"), ("a", "x = 1")],
        ["a", "b"],
        None,
        {"b": {W("out-of-order", "x", "a")}},
    ),
    ("empty_notebook", [], [], None, {}),
    (
        "run_with_a_syntax_error_defines_nothing",
        [("a", "y = x")],
        [("gone", "x = (")],
        None,
        {"a": {W("undefined", "x", None)}},
    ),
    (
        "failed_run_is_not_a_redefinition",
        [("a", "x = 0"), ("b", "y = x"), ("c", "x = 1 / 0")],
        ["a", "b", ("c", "x = 1 / 0", "ZeroDivisionError")],
        None,
        {},
    ),
    (
        "failed_run_may_define_a_missing_name",
        [("a", "y = x")],
        [("gone", "x = 1\nraise ValueError", "ValueError"), "a"],
        None,
        {"a": {W("hidden-state", "x", "gone")}},
    ),
]


@pytest.mark.parametrize(
    ("cells", "runs", "kernel_names", "expected"), [s[1:] for s in SCENARIOS], ids=[s[0] for s in SCENARIOS]
)
def test_scenario(cells, runs, kernel_names, expected):
    result = analyze(request(cells, runs, kernel_names))
    got: dict[str, set] = {}
    for w in result["warnings"]:
        got.setdefault(w["cell_id"], set()).add((w["kind"], tuple(w["names"]), w["source_cell_id"], w["certain"]))
    assert got == expected


def test_there_are_enough_scenarios_for_every_kind():
    assert len(SCENARIOS) >= 60
    kinds = {w[0] for s in SCENARIOS for ws in s[4].values() for w in ws}
    assert kinds == {
        "stale",
        "depends-on-stale",
        "out-of-order",
        "edited",
        "hidden-state",
        "use-before-define",
        "undefined",
    }


def messages(cells, runs, kernel_names=None):
    return [w["message"] for w in analyze(request(cells, runs, kernel_names))["warnings"]]


def test_messages_name_cells_by_position():
    assert messages([("a", "x = 5"), ("b", "y = x + 0"), ("d", "z = y")], [("a", "x = 0"), "b", "d", "a"]) == [
        "x was redefined by cell 1 after this cell ran",
        "y was produced by cell 2, which is stale",
    ]
    assert messages([("a", "y = x"), ("b", "x = 1")], []) == ["x is defined only further down, by cell 2"]
    assert messages([("b", "x = 1"), ("a", "y = x + 1")], [("a", "y = x + 1", "NameError"), "b"]) == [
        "x was defined by cell 1 after this cell failed",
    ]
    assert messages([("a", "y = x"), ("b", "x = 1")], ["b", "a"]) == [
        "x came from cell 2, below this cell: Restart & Run All would not reproduce it"
    ]
    assert messages([("a", "x = 0"), ("b", "x += 1")], ["a", "b", "b"]) == [
        "x came from this cell's own previous run: Restart & Run All would not reproduce it; "
        "re-run from cell 1, which creates x"
    ]
    assert messages([("a", "x = 1")], [("a", "x = 0")]) == ["This cell was edited after it ran as [1]."]
    assert messages([("b", "y = x")], [("gone", "x = 1"), "b"]) == ["x comes from a deleted cell ([1])"]
    assert messages([("a", "y = p + q")], [], ["p", "q"]) == ["p, q exist only in the kernel: no cell defines them"]
    assert messages([("a", "y = p + q")], []) == ["p, q are not defined by any cell"]
    assert messages([("a", "x = 0"), ("c", RANDOM_IF), ("b", "y = x")], ["a", "b", "c"]) == [
        "x may have been redefined by cell 2 after this cell ran"
    ]
    assert messages([("a", "lst = []"), ("c", "lst.append(1)"), ("b", "n = len(lst)")], ["a", "b", "c"]) == [
        "lst was modified by cell 2 after this cell ran"
    ]
    assert messages([("a", "x = 0"), ("c", "del x"), ("b", "y = x")], ["a", "b", "c"]) == [
        "x was deleted by cell 2 after this cell ran",
        "x is deleted above, by cell 2",
    ]
    assert messages([("a", "x = 1"), ("b", "x = 5"), ("c", "print(x)")], ["a", "c"]) == [
        "x would be redefined by cell 2, which has not run"
    ]
    assert messages(
        [("a", "x = 1 / 0"), ("b", "y = x + 1")], [("a", "x = 1"), "b", ("a", "x = 1 / 0", "ZeroDivisionError")]
    ) == [
        "cell 1 failed after this cell ran, so Restart & Run All would stop there; x may still hold the value of its earlier run"
    ]


def test_forward_flow_is_a_quiet_note_not_a_warning():
    result = analyze(request([("a", "x = 1"), ("b", "y = x * 2"), ("c", "x = 10")], ["a", "b", "c"]))
    assert result["warnings"] == []
    assert result["reproducible"] is True
    assert result["cells"]["b"]["notes"] == ["re-running this cell now would see x as changed below by cell 3"]


def test_verdict_and_rerun_list():
    result = analyze(
        request(
            [("a", "x = 5"), ("b", "y = x + 0"), ("c", "z = y"), ("d", "w = 1")], [("a", "x = 0"), "b", "c", "d", "a"]
        )
    )
    assert result["reproducible"] is False
    assert result["rerun"] == ["b", "c"]
    edited_only = analyze(request([("a", "x = 5")], [("a", "x = 0")]))
    assert edited_only["reproducible"] is True and edited_only["rerun"] == []


def test_out_of_order_offers_the_cell_to_rerun_from():
    result = analyze(request([("a", "x = 0"), ("b", "x += 1")], ["a", "b", "b"]))
    assert [(w["kind"], w["fix_cell_id"]) for w in result["warnings"]] == [("out-of-order", "a")]


def test_fingerprints_tell_an_idempotent_rerun_from_a_change():
    cells = [("a", "import pandas as pd\ndf = pd.DataFrame()"), ("b", "df = df.dropna()")]
    base = request(cells, ["a", "b", "b"])
    same = dict(base, runs=[dict(r) for r in base["runs"]])
    same["runs"][1]["fingerprints"] = {"df": "frame(0, 0)"}
    same["runs"][2]["fingerprints"] = {"df": "frame(0, 0)"}
    assert analyze(same)["warnings"] == []
    changed = dict(base, runs=[dict(r) for r in base["runs"]])
    changed["runs"][1]["fingerprints"] = {"df": "frame(9, 2)"}
    changed["runs"][2]["fingerprints"] = {"df": "frame(7, 2)"}
    assert [(w["kind"], w["certain"]) for w in analyze(changed)["warnings"]] == [("out-of-order", True)]


def test_a_rerun_with_the_same_fingerprint_does_not_stale_its_readers():
    # the first cell is edited (3 -> 4) but the value the second makes is the same (True)
    cells = [("a", "x = 4"), ("b", "flag = x > 0"), ("c", "print(flag)")]
    req = request(cells, [("a", "x = 3"), "b", "c", "a", "b"])
    req["runs"][1]["fingerprints"] = {"flag": "bool:True"}
    req["runs"][4]["fingerprints"] = {"flag": "bool:True"}
    assert analyze(req)["warnings"] == []
    del req["runs"][4]["fingerprints"]
    assert [(w["kind"], w["cell_id"]) for w in analyze(req)["warnings"]] == [("stale", "c")]


def test_positions_in_messages_count_every_cell():
    req = {
        "cells": [
            {"id": "m", "source": "# Title", "cell_type": "markdown"},
            {"id": "a", "source": "y = x"},
            {"id": "r", "source": "x = 1", "cell_type": "raw"},
            {"id": "b", "source": "x = 1"},
        ]
    }
    assert [w["message"] for w in analyze(req)["warnings"]] == ["x is defined only further down, by cell 4"]


def test_positions_in_messages_follow_inserted_cells():
    cells = [("a", "x = 5"), ("b", "y = x")]
    runs = [("a", "x = 0"), "b", "a"]
    assert messages(cells, runs) == ["x was redefined by cell 1 after this cell ran"]
    req = request(cells, runs)
    req["cells"][:0] = [
        {"id": "m1", "source": "# A", "cell_type": "markdown"},
        {"id": "m2", "source": "b", "cell_type": "markdown"},
    ]
    assert [w["message"] for w in analyze(req)["warnings"]] == ["x was redefined by cell 3 after this cell ran"]


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
    assert result == {
        "cells": {},
        "warnings": [],
        "notice": "No analysis for R kernels: only Python is understood.",
        "reproducible": True,
        "rerun": [],
    }
    assert analyze({"cells": [{"id": "a", "source": "y"}], "language": "python3"})["warnings"][0]["kind"] == "undefined"


def test_warnings_are_ordered_by_cell_position():
    result = analyze(request([("a", "p = q"), ("b", "r = s"), ("c", "t = u")], []))
    assert [w["cell_id"] for w in result["warnings"]] == ["a", "b", "c"]


def test_long_chain_of_stale_dependencies_is_linear():
    n = 1000
    cells = [("c0", "v0 = 1")] + [(f"c{i}", f"v{i} = v{i - 1} + 1") for i in range(1, n)]
    runs = [("c0", "v0 = 0")] + [c for c, _ in cells[1:]] + ["c0"]
    result = analyze(request(cells, runs))
    kinds = [w["kind"] for w in result["warnings"]]
    assert kinds == ["stale"] + ["depends-on-stale"] * (n - 2)
    assert all(w["certain"] for w in result["warnings"])


# ----- analyze never raises ----------------------------------------------------------------
import hypothesmith  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

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
        st.tuples(
            st.sampled_from("abcdefg"),
            _sources,
            st.one_of(st.none(), st.integers(-5, 50)),
            st.one_of(st.none(), st.text(max_size=5)),
        ),
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
    assert set(result) == {"cells", "warnings", "reproducible", "rerun"}
    for w in result["warnings"]:
        assert w["kind"] in {
            "stale",
            "depends-on-stale",
            "out-of-order",
            "edited",
            "hidden-state",
            "use-before-define",
            "undefined",
        }
        assert isinstance(w["message"], str) and w["message"]
