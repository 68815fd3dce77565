"""Extraction cases shared by test_extract.py (exact plans) and test_extract_behaviour.py
(the refactored notebook prints what the original printed).

Cells are code unless they start with "md:". ``selected`` is 0-based, as in the API.
``refused`` is the exact start of the refusal (cell and line included).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


@dataclass
class Case:
    id: str
    cells: list[str]
    selected: list[int]
    params: list[str] | None = None
    returns: list[str] | None = None
    replacement: str | None = None
    refused: str | None = None
    mode: str = "function"
    name: str = "f"
    module_has: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)

    def notebook(self):
        return new_notebook(
            cells=[new_markdown_cell(c[3:]) if c.startswith("md:") else new_code_cell(c) for c in self.cells]
        )

    def request(self):
        return {
            "notebook": self.notebook(),
            "cells": self.selected,
            "name": self.name,
            "module": "src/m.py",
            "mode": self.mode,
            "path": "nb.ipynb",
            **self.extra,
        }


CASES = [
    # ---- mode "function": parameters and returns ----
    Case("param_and_return", ["x = 1", "y = x * 2", "print(y)"], [1], ["x"], ["y"], "from src.m import f\ny = f(x)"),
    Case(
        "no_later_reader_no_return",
        ["x = 1", "y = x * 2\nprint(y)", "print(x)"],
        [1],
        ["x"],
        [],
        "from src.m import f\nf(x)",
    ),
    Case(
        "earlier_import_is_copied_not_passed",
        ["import math", "r = math.sqrt(16)", "print(r)"],
        [1],
        [],
        ["r"],
        "from src.m import f\nr = f()",
        module_has=("import math\n",),
    ),
    Case(
        "shadowed_builtin_is_a_param", ["def len(s):\n    return 0", "n = len('abc')", "print(n)"], [1], ["len"], ["n"]
    ),
    Case("builtin_is_not_a_param", ["n = len('abc')\nm = max(n, 1)", "print(n + m)"], [0], [], ["n", "m"]),
    Case(
        "later_function_free_global_is_returned",
        ["k = 2", "k = 3", "def scale(v):\n    return v * k", "print(scale(1))"],
        [1],
        [],
        ["k"],
    ),
    Case(
        "augmented_assignment_param_and_return",
        ["total = 10", "total += 5", "print(total)"],
        [1],
        ["total"],
        ["total"],
        "from src.m import f\ntotal = f(total)",
    ),
    Case("rebinding_from_itself_param_and_return", ["x = 1", "x = x + 1", "print(x)"], [1], ["x"], ["x"]),
    Case(
        "mutation_needs_no_return",
        ["items = [1]", "items.append(2)\nitems[0] = 5", "print(items)"],
        [1],
        ["items"],
        [],
        "from src.m import f\nf(items)",
    ),
    Case(
        "del_of_earlier_name",
        [
            "tmp = 1\nkeep = 2",
            "del tmp\nkept = keep * 3",
            "print(kept)\ntry:\n    tmp\nexcept NameError:\n    print('tmp is gone')",
        ],
        [1],
        ["tmp", "keep"],
        ["kept"],
        "from src.m import f\nkept = f(tmp, keep)\ndel tmp",
    ),
    Case(
        "top_level_await_makes_async_def",
        ["import asyncio", "await asyncio.sleep(0)\ndone = 'yes'", "print(done)"],
        [1],
        [],
        ["done"],
        "from src.m import f\ndone = await f()",
        module_has=("async def f():",),
    ),
    Case(
        "displayed_name_is_returned_and_shown",
        ["x = 2", "y = x + 1\ny"],
        [1],
        ["x"],
        ["y"],
        "from src.m import f\ny = f(x)\ny",
    ),
    Case(
        "displayed_expression_is_the_result",
        ["x = 2", "x * 10"],
        [1],
        ["x"],
        [],
        "from src.m import f\nf(x)",
        module_has=("    return x * 10\n",),
    ),
    Case(
        "displayed_expression_with_returns",
        ["x = 2", "y = x + 1\ny * 10", "print(y)"],
        [1],
        ["x"],
        ["y"],
        "from src.m import f\ny, _f_out = f(x)\n_f_out",
        module_has=("    return y, y * 10\n",),
    ),
    Case(
        "displayed_param_name_shown_by_the_cell",
        ["x = [3]", "x.append(4)\nx"],
        [1],
        ["x"],
        [],
        "from src.m import f\nf(x)\nx",
    ),
    Case(
        "intermediate_display_uses_display",
        ["x = 2", "x + 1", "'text'", "z = x"],
        [1, 2, 3],
        ["x"],
        [],
        module_has=(
            "from IPython.display import display\n",
            "    display(x + 1)\n",
            "    display('text')\n",
        ),
    ),
    Case(
        "intermediate_display_of_none_shows_nothing",
        ["def nothing():\n    return None", "nothing()", "z = 1", "print('end', z)"],
        [1, 2],
        ["nothing"],
        ["z"],
    ),
    Case(
        "intermediate_print_stays_a_statement",
        ["print('a')", "z = 1", "print(z)"],
        [0, 1],
        [],
        ["z"],
        module_has=("    print('a')\n",),
    ),
    Case(
        "leading_magic_is_hoisted",
        ["%matplotlib inline\nimport math\nv = math.e", "print(round(v, 3))"],
        [0],
        [],
        ["v"],
        "%matplotlib inline\nfrom src.m import f\nv = f()",
    ),
    Case(
        "selection_import_used_later_is_repeated",
        ["import json\ndata = json.dumps([1])", "print(json.loads(data))"],
        [0],
        [],
        ["data"],
        "import json\nfrom src.m import f\ndata = f()",
    ),
    Case(
        "function_reading_a_notebook_variable_is_not_nested",
        ["k = 3", "def mul(v):\n    return v * k\nout = mul(2)", "print(out, mul(1))"],
        [1],
        refused="cell 2 line 1: def mul would become local to f() (its repr and pickling change): it reads k, which cell 1 defines",
    ),
    Case(
        "function_closing_over_a_selection_local_is_not_nested",
        ["k = 3\ndef mul(v):\n    return v * k\nout = mul(2)", "print(out, mul(1))"],
        [0],
        refused="cell 1 line 2: def mul would become local to f() (its repr and pickling change): it reads k, which the selection binds",
    ),
    Case(
        "top_level_function_moves_to_the_module_and_is_imported",
        [
            "import math",
            "def hyp(a, b):\n    return math.sqrt(a * a + b * b)\nout = hyp(3, 4)",
            "print(out, hyp(1, 0), hyp.__qualname__)",
        ],
        [1],
        [],
        ["out"],
        "from src.m import f, hyp\nout = f()",
        module_has=("import math\n\n\ndef hyp(a, b):\n    return math.sqrt(a * a + b * b)\n\n\ndef f():\n",),
    ),
    Case(
        "moved_function_pickles",
        [
            "import pickle",
            "def inc(v):\n    return v + 1\nh = inc(1)",
            "print(pickle.loads(pickle.dumps(inc))(h), inc.__qualname__)",
        ],
        [1],
        [],
        ["h"],
        "from src.m import f, inc\nh = f()",
    ),
    Case(
        "moved_class_pickles_its_instances",
        [
            "import pickle",
            "class Box:\n    def __init__(self, v):\n        self.v = v\nb = Box(2)",
            "print(pickle.loads(pickle.dumps(b)).v, type(b).__qualname__)",
        ],
        [1],
        [],
        ["b"],
        "from src.m import f, Box\nb = f()",
    ),
    Case(
        "class_closing_over_a_selection_local_is_returned",
        ["k = 3\nclass Scaled:\n    factor = k\nv = Scaled.factor", "print(v, Scaled.factor)"],
        [0],
        [],
        ["Scaled", "v"],
        "from src.m import f\nScaled, v = f()",
        module_has=("    class Scaled:\n        factor = k\n",),
    ),
    Case(
        "conditional_rebinding_with_earlier_value",
        ["flag = False\nlabel = 'a'", "if flag:\n    label = 'b'\nprint(label)", "print(label)"],
        [1],
        ["flag", "label"],
        ["label"],
    ),
    Case(
        "loop_variable_read_after_loop_with_earlier_value",
        ["i = 'before'", "for i in []:\n    pass\nprint(i)"],
        [1],
        ["i"],
        [],
    ),
    Case("markdown_between_selected_cells", ["a = 1", "md:# note", "b = a + 1", "print(b)"], [0, 2], [], ["b"]),
    Case(
        "comments_and_multiline_strings_survive",
        [
            "# setup\nsql = '''\nSELECT *\n  FROM t\n'''  # query\n\n# count lines\nn = len(sql.splitlines())",
            "print(n)",
        ],
        [0],
        [],
        ["n"],
        module_has=(
            "    # setup\n    sql = '''\nSELECT *\n  FROM t\n'''  # query\n\n    # count lines\n    n = len(sql.splitlines())\n",
        ),
    ),
    Case(
        "overwrite_existing_unused_name",
        ["def f():\n    return 0", "y = 2", "print(y)"],
        [1],
        [],
        ["y"],
        extra={"overwrite": True},
    ),
    Case(
        "try_except_import_fallback",
        ["try:\n    import ujson as json\nexcept ImportError:\n    import json\nout = json.dumps(1)", "print(out)"],
        [0],
        [],
        ["out"],
    ),
    Case(
        "each_cells_figure_is_shown_where_the_cell_ended",
        [
            "%matplotlib inline\nimport matplotlib.pyplot as plt",
            "xs = [1, 2, 3]\nplt.plot(xs);",
            "print('between')\nplt.plot([3, 2, 1])\nplt.title('down');",
            "print(len(xs))",
        ],
        [1, 2],
        [],
        ["xs"],
        "from src.m import f\nxs = f()",
        module_has=("import matplotlib.pyplot as plt\n", "    plt.plot(xs);\n    plt.show()\n\n    print('between')"),
    ),
    Case(
        "figures_of_pandas_plots_and_displayed_values_keep_their_order",
        [
            "%matplotlib inline\nimport pandas as pd",
            "df = pd.DataFrame({'a': [1, 2, 3]})\ndf.plot()",
            "df['a'].hist()\nlen(df)",
            "print(df.shape)",
        ],
        [1, 2],
        [],
        ["df"],
        module_has=("import matplotlib.pyplot as plt\n", "        display(_shown)\n    plt.show()\n"),
    ),
    Case(
        "loop_target_and_loop_body_names_read_later_are_returned",
        ["data = [1, 2]", "for i in data:\n    last = i * 2", "print(i, last)"],
        [1],
        ["data"],
        ["i", "last"],
        "from src.m import f\ni, last = f(data)",
    ),
    Case(
        "while_body_name_read_later_is_returned",
        ["n = 0", "while n < 3:\n    n += 1\n    sq = n * n", "print(sq)"],
        [1],
        ["n"],
        ["sq"],
        "from src.m import f\nsq = f(n)",
    ),
    Case(
        "walrus_in_a_comprehension_binds_in_the_cell",
        ["data = [1, 2]", "ys = [y := v * 2 for v in data]", "print(y, ys)"],
        [1],
        ["data"],
        ["y", "ys"],
        "from src.m import f\ny, ys = f(data)",
    ),
    Case(
        "star_import_above_is_carried_to_the_module",
        ["from math import *", "r = sqrt(16)", "print(r)"],
        [1],
        [],
        ["r"],
        "from src.m import f\nr = f()",
        module_has=("from math import *\n\n\ndef f():\n",),
    ),
    Case(
        "star_import_above_is_carried_to_the_module_in_module_mode",
        ["from math import *", "def root(v):\n    return sqrt(v)", "print(root(9))"],
        [1],
        [],
        ["root"],
        "from src.m import root",
        mode="module",
        module_has=("from math import *\n\n\ndef root(v):\n",),
    ),
    Case(
        "comment_only_cell_between_selected_cells_stays",
        ["a = 1", "# just a note", "b = a + 1", "print(b)"],
        [0, 2],
        [],
        ["b"],
        "from src.m import f\nb = f()",
    ),
    Case(
        "rebound_name_no_later_cell_reads_is_not_returned",
        ["x = 1", "x = x + 1\nprint(x)", "print('done')"],
        [1],
        ["x"],
        [],
        "from src.m import f\nf(x)",
    ),
    Case("walrus_in_if_test_is_bound", ["if (n := 5) > 3:\n    print(n)", "print(n)"], [0], [], ["n"]),
    Case(
        "with_body_binds_for_sure",
        ["import io", "with io.StringIO('x') as fh:\n    content = fh.read()", "print(content)"],
        [1],
        [],
        ["content"],
    ),
    Case(
        "comprehension_variable_does_not_leak",
        ["x = 10", "ys = [x for x in range(3)]\nprint(x)", "print(ys)"],
        [1],
        ["x"],
        ["ys"],
    ),
    Case(
        "default_argument_reads_at_def_time",
        ["k = 2", "def g(v=k):\n    return v\nr = g()", "print(r)"],
        [1],
        refused="cell 2 line 1: def g would become local to f() (its repr and pickling change): it reads k, which cell 1 defines",
    ),
    Case(
        "recursive_decorated_function",
        [
            "import functools",
            "@functools.lru_cache\ndef fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\nprint(fib(20))",
            "print(fib(10))",
        ],
        [1],
        [],
        [],
        "from src.m import f, fib\nf()",
        module_has=("import functools\n\n\n@functools.lru_cache\ndef fib(n):\n",),
    ),
    Case(
        "match_statement",
        [
            "data = {'a': 1}",
            "match data:\n    case {'a': v}:\n        found = v\n    case _:\n        found = None\nprint(found)",
            "print(found)",
        ],
        [1],
        ["data"],
        ["found"],
    ),
    Case(
        "try_finally_and_handler_names",
        [
            "try:\n    y = 1 / 0\nexcept ZeroDivisionError as e:\n    y = str(e)\nfinally:\n    z = 2\nprint(y, z)",
            "print(y, z)",
        ],
        [0],
        [],
        ["y", "z"],
    ),
    Case("del_then_rebind", ["x = 1", "del x\nx = 2", "print(x)"], [1], ["x"], ["x"], "from src.m import f\nx = f(x)"),
    Case(
        "earlier_function_used_unchanged",
        ["def outer():\n    return 'o'", "def use():\n    return outer() + '!'\nprint(use())", "print(use())"],
        [1],
        refused="cell 2 line 1: def use would become local to f() (its repr and pickling change): it reads outer, which cell 1 defines (select that cell too)",
    ),
    Case(
        "earlier_function_used_unchanged_with_its_caller",
        ["def outer():\n    return 'o'", "def use():\n    return outer() + '!'\nprint(use())", "print(use())"],
        [0, 1],
        [],
        [],
        "from src.m import f, outer, use\nf()",
    ),
    Case(
        "leading_magic_after_blank_lines",
        ["import math", "\n\n%config InlineBackend.figure_format = 'png'\nr = math.floor(2.5)", "print(r)"],
        [1],
        [],
        ["r"],
        "%config InlineBackend.figure_format = 'png'\nfrom src.m import f\nr = f()",
    ),
    Case(
        "earlier_function_gets_a_leading_import",
        ["def dump(v):\n    return json.dumps(v)", "import json\nprint(dump([1]))"],
        [1],
        ["dump"],
        [],
        "import json\nfrom src.m import f\nf(dump)",
    ),
    # ---- mode "function": refusals ----
    Case(
        "earlier_function_needs_the_selection_import",
        ["def dump(v):\n    return json.dumps(v)", "x = 1\nimport json\nprint(dump(x))"],
        [1],
        refused="cell 2 line 2: rebinds json, which dump (cell 1) reads as a global",
    ),
    Case(
        "earlier_function_calls_a_function_the_selection_defines",
        ["def run():\n    return helper()", "def helper():\n    return 1\nprint(run())"],
        [1],
        ["run"],
        [],
        "from src.m import f, helper\nf(run)",
    ),
    Case(
        "earlier_function_reads_a_variable_the_selection_rebinds",
        ["def run():\n    return limit", "limit = 1\nprint(run())"],
        [1],
        refused="cell 2 line 1: rebinds limit, which run (cell 1) reads as a global",
    ),
    Case(
        "param_bound_only_on_some_paths",
        ["import random\nif random.random() > 2:\n    x = 1", "y = x", "print(y)"],
        [1],
        refused="cell 1 line 3: x is bound only on some paths",
    ),
    Case(
        "return_bound_only_by_if",
        ["c = True", "if c:\n    r = 1", "print(r)"],
        [1],
        refused="cell 2 line 2: r is bound only on some paths",
    ),
    Case(
        "return_bound_only_by_try",
        ["try:\n    r = int('x')\nexcept ValueError:\n    pass", "print(r)"],
        [0],
        refused="cell 1 line 2: r is bound only on some paths",
    ),
    Case(
        "global_statement",
        ["n = 0", "def inc():\n    global n\n    n += 1\ninc()"],
        [1],
        refused="cell 2 line 2: `global n` cannot move",
    ),
    Case(
        "nonlocal_statement",
        [
            "def outer():\n    v = 1\n    def inner():\n        nonlocal v\n        v = 2\n    inner()\n    return v\nr = outer()"
        ],
        [0],
        refused="cell 1 line 4: `nonlocal` cannot move",
    ),
    Case("star_import", ["from math import *\nr = sqrt(4)"], [0], refused="cell 1 line 1: `import *`"),
    Case("globals_call", ["g = globals()"], [0], refused="cell 1 line 1: globals() without an explicit namespace"),
    Case("locals_call", ["g = locals()"], [0], refused="cell 1 line 1: locals() without an explicit namespace"),
    Case("vars_call", ["a = 1\ng = vars()"], [0], refused="cell 1 line 2: vars() without an explicit namespace"),
    Case("dir_call", ["a = 1\nnames = dir()"], [0], refused="cell 1 line 2: dir() without an explicit namespace"),
    Case("exec_without_namespace", ["exec('a = 1')"], [0], refused="cell 1 line 1: exec without an explicit namespace"),
    Case(
        "eval_without_namespace",
        ["a = 1\nb = eval('a + 1')"],
        [0],
        refused="cell 1 line 2: eval without an explicit namespace",
    ),
    Case(
        "reads_dunder_name",
        ["x = 1\nif __name__ == '__main__':\n    print(x)"],
        [0],
        refused="cell 1 line 2: reads __name__",
    ),
    Case("reads_dunder_file", ["p = __file__"], [0], refused="cell 1 line 1: reads __file__"),
    Case(
        "output_history_in_selection",
        ["1 + 1", "y = _ * 2"],
        [1],
        refused="cell 2 line 1: reads the output history (_)",
    ),
    Case(
        "output_history_after_selection",
        ["x = 1", "x + 1", "print(Out[2])"],
        [0],
        refused="cell 3 line 1: reads the output history (Out)",
    ),
    Case("cell_magic", ["%%time\nx = 1"], [0], refused="cell 1 line 1: the cell magic %%time"),
    Case(
        "line_magic_after_code",
        ["x = 1\n%time y = x"],
        [0],
        refused="cell 1 line 2: the magic `%time y = x` comes after code",
    ),
    Case("shell_after_code", ["x = 1\n!echo hi"], [0], refused="cell 1 line 2: the magic `!echo hi` comes after code"),
    Case(
        "magic_in_second_cell_after_code",
        ["x = 1", "%matplotlib inline\ny = 2"],
        [0, 1],
        refused="cell 2 line 1: the magic `%matplotlib inline` comes after code",
    ),
    Case(
        "leading_shell_with_interpolation",
        ["name = 'a'", "!echo {name}\nz = 1"],
        [1],
        refused="cell 2 line 1: the magic `!echo {name}` comes after code (or reads variables)",
    ),
    Case(
        "selected_function_reads_global_rebound_later",
        ["rate = 2", "def cost(q):\n    return q * rate", "rate = 3\nprint(cost(1))"],
        [1],
        refused="cell 2 line 1: def cost would become local to f() (its repr and pickling change): it reads rate, which cell 1 defines",
    ),
    Case(
        "selected_function_reads_name_defined_only_later",
        ["def show():\n    print(later_thing)", "later_thing = 1\nshow()"],
        [0],
        refused="cell 1 line 1: def show would become local to f() (its repr and pickling change): it reads later_thing, which only cell 2, below the selection, defines",
    ),
    Case(
        "code_cell_between_selected_cells",
        ["a = 1", "b = 2", "c = a"],
        [0, 2],
        refused="cell 2: is a code cell between the selected cells",
    ),
    Case("markdown_cell_selected", ["a = 1", "md:# title"], [0, 1], refused="cell 2: is a markdown cell"),
    Case(
        "name_exists_in_notebook",
        ["def f():\n    return 0", "y = 2", "print(y, f())"],
        [1],
        refused="cell 1 line 1: f already exists in the notebook",
    ),
    Case(
        "overwrite_of_a_name_used_later_is_refused",
        ["def f():\n    return 0", "y = 2", "print(y, f())"],
        [1],
        refused="cell 1 line 1: f already exists in the notebook",
        extra={"overwrite": True},
    ),
    Case(
        "name_exists_in_module",
        ["y = 2"],
        [0],
        refused="src/m.py already defines f: choose another name (or ask to overwrite)",
        extra={"module_source": "def f():\n    return 1\n"},
    ),
    Case("syntax_error", ["x = 1\ny = (", "z = 1"], [0], refused="cell 1 line 2: the cell does not parse"),
    Case(
        "earlier_function_reads_rebound_global",
        ["def helper():\n    return k * 2", "k = 1", "k = 5\nprint(helper())"],
        [2],
        refused="cell 3 line 1: rebinds k, which helper (cell 1) reads as a global",
    ),
    Case(
        "earlier_function_reads_rebound_global_transitively",
        ["def inner():\n    return k\ndef outer():\n    return inner()", "k = 1", "k = 5\nprint(outer())"],
        [2],
        refused="cell 3 line 1: rebinds k, which inner (cell 1) reads as a global",
    ),
    Case(
        "earlier_function_assigns_global_the_selection_reads",
        ["count = 0\ndef bump():\n    global count\n    count += 1", "bump()\nprint(count)"],
        [1],
        refused="cell 1 line 3: bump assigns the global count, which the selection also uses",
    ),
    Case(
        "class_in_function_mode",
        ["if True:\n    class Point:\n        pass\np = Point()"],
        [0],
        refused="cell 1 line 2: class Point would become local",
    ),
    Case(
        "conditional_del", ["t = 1", "if t:\n    del t"], [1], refused="cell 2 line 2: `del t` runs only on some paths"
    ),
    Case(
        "name_is_a_builtin",
        ["y = 1"],
        [0],
        name="print",
        refused="print is already used by the selection or is a builtin",
    ),
    # ---- mode "module" ----
    Case(
        "module_moves_definitions",
        ["import math", "RADIUS = 2\ndef area():\n    return math.pi * RADIUS ** 2", "print(round(area(), 2))"],
        [1],
        [],
        ["RADIUS", "area"],
        "from src.m import RADIUS, area",
        mode="module",
        module_has=("import math\n", "RADIUS = 2\n\n\ndef area():\n"),
    ),
    Case(
        "module_class_and_import_used_later",
        [
            "import json\nclass Box:\n    def dump(self):\n        return json.dumps(1)",
            "print(Box().dump(), json.dumps(2))",
        ],
        [0],
        [],
        ["Box"],
        "import json\nfrom src.m import Box",
        mode="module",
    ),
    Case(
        "module_refuses_other_code",
        ["x = compute()"],
        [0],
        mode="module",
        refused="cell 1 line 1: only imports, def, class and constant assignments",
    ),
    Case(
        "module_refuses_unmoved_dependency",
        ["data = [1]", "def total():\n    return sum(data)"],
        [1],
        mode="module",
        refused="cell 2 line 2: total reads data, which cell 1 defines and which does not move with it",
    ),
    Case(
        "module_refuses_constant_rebound_later",
        ["SCALE = 2\ndef times(v):\n    return v * SCALE", "SCALE = 3"],
        [0],
        mode="module",
        refused="cell 1 line 2: times reads SCALE, which cell 2 rebinds later",
    ),
    Case(
        "module_refuses_global",
        ["def reset():\n    global state\n    state = 0"],
        [0],
        mode="module",
        refused="cell 1 line 2: `global state` cannot move",
    ),
    Case(
        "module_refuses_builtin_shadowed_in_notebook",
        ["def size(v):\n    return len(v)", "len = 3"],
        [0],
        mode="module",
        refused="cell 1 line 2: size reads len, which cell 2 rebinds",
    ),
]
