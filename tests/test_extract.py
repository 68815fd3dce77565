"""plan_extraction: parameters, returns, generated code, merging, refusals."""

import hashlib
import re

import pytest
from extract_cases import CASES
from nbformat.v4 import new_code_cell, new_notebook

from jupyter_nbrefactor import plan_extraction
from jupyter_nbrefactor.apply import kernel_code, replace_cells
from jupyter_nbrefactor.errors import RequestError


def plan(cells, selected, name="f", module="src/m.py", **extra):
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    return plan_extraction(
        {"notebook": nb, "cells": selected, "name": name, "module": module, "path": "nb.ipynb", **extra}
    )


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case):
    result = plan_extraction(case.request())
    if case.refused is not None:
        assert result["refused"] is not None and result["refused"].startswith(case.refused), result["refused"]
        assert result["module_source"] is None and result["replacement"] is None
        where = re.match(r"cell (\d+)(?: line (\d+))?: ", case.refused)
        assert result["refused_at"] == (
            {"cell": int(where[1]) - 1, "line": where[2] and int(where[2])} if where else None
        )
        return
    assert result["refused"] is None and result["refused_at"] is None
    assert result["params"] == case.params
    assert result["returns"] == case.returns
    if case.replacement is not None:
        assert result["replacement"] == case.replacement
    for text in case.module_has:
        assert text in result["module_source"]
    compile(result["module_source"], "m.py", "exec")


def test_plan_has_exactly_the_contract_keys():
    result = plan(["x = 1", "y = x"], [1])
    assert set(result) == {
        "params",
        "signature",
        "returns",
        "module_path",
        "module_source",
        "base_hash",
        "replacement",
        "notes",
        "refused",
        "refused_at",
        "overwrite_would_help",
        "replaces",
        "inserted_lines",
    }
    assert result["module_path"] == "src/m.py"
    assert result["base_hash"] is None


def test_generated_module_text_exactly():
    result = plan(["import math\nr = 2", "# area\narea = math.pi * r ** 2\narea", "print(area)"], [1], name="disc")
    assert result["module_source"] == (
        '"""Code moved out of nb.ipynb by jupyter-nbrefactor."""\n'
        "\n"
        "import math\n"
        "\n"
        "\n"
        "def disc(r):\n"
        '    """Cell 2 of nb.ipynb.\n'
        "\n"
        "    Parameters: r.\n"
        "    Returns: area.\n"
        '    """\n'
        "    # area\n"
        "    area = math.pi * r ** 2\n"
        "    return area\n"
    )
    assert result["replacement"] == "from src.m import disc\narea = disc(r)\narea"
    assert result["notes"] == ["src/m.py imports what the code uses instead of taking it as a parameter: import math"]


def test_cells_are_joined_with_a_blank_line_and_keep_comments():
    result = plan(["a = 1", "# first\nb = a + 1  # inline", "c = b * 2\n# trailing note", "print(c)"], [1, 2])
    assert result["params"] == ["a"] and result["returns"] == ["c"]
    assert (
        "    # first\n    b = a + 1  # inline\n\n    c = b * 2\n    # trailing note\n    return c\n"
        in result["module_source"]
    )


def test_merge_keeps_every_existing_byte_and_adds_missing_imports():
    existing = '"""Helpers."""\n\nimport os  # for paths\n\n\ndef here():\n    return os.getcwd()\n\n# end of helpers\n'
    result = plan(["import os\nimport json", "s = json.dumps(os.sep)", "print(s)"], [1], module_source=existing)
    text = result["module_source"]
    assert result["base_hash"] == hashlib.sha256(existing.encode()).hexdigest()
    assert text.startswith(
        '"""Helpers."""\n\nimport os  # for paths\nimport json\n\n\ndef here():\n    return os.getcwd()\n'
    )
    assert text.count("import os") == 1
    assert "# end of helpers\n" in text and "def f():" in text
    assert text.index("# end of helpers") < text.index("def f():") or text.endswith("# end of helpers\n")


def test_merge_into_a_module_without_trailing_newline():
    result = plan(["y = 1"], [0], module_source="X = 1")
    assert result["module_source"].startswith("X = 1\n\n\ndef f():\n")


def test_merge_refuses_a_different_binding_of_an_import_name():
    result = plan(["import numpy as np", "a = np.zeros(2)", "print(a)"], [1], module_source="np = None\n")
    assert result["refused"] == "src/m.py already binds np (not by an import), differently from `import numpy as np`"
    assert result["refused_at"] is None  # the module, not a cell, is the problem


def test_merge_refuses_a_module_that_does_not_parse():
    result = plan(["y = 1"], [0], module_source="def broken(:\n")
    assert result["refused"].startswith("src/m.py does not parse")


def test_merge_refuses_an_import_that_changes_what_existing_code_reads():
    result = plan(
        ["from gzip import open", "fh = open('x')", "print(fh)"],
        [1],
        module_source="def read(p):\n    return open(p).read()\n",
    )
    assert (
        result["refused"]
        == "adding `from gzip import open` to src/m.py would change what its existing code reads as open"
    )


def test_overwrite_replaces_the_function_in_the_module_in_place():
    existing = "# helpers\ndef f():\n    return 'old'\n\n\ndef g():\n    return 2\n"
    result = plan(["v = 'new'\nprint(v)"], [0], module_source=existing, overwrite=True)
    assert result["refused"] is None
    text = result["module_source"]
    assert text.startswith("# helpers\ndef f():\n")
    assert "'old'" not in text and "v = 'new'" in text
    assert text.endswith("def g():\n    return 2\n")


def test_overwrite_would_help_says_when_overwrite_would_plan():
    # A function of that name in the module: overwriting replaces it.
    result = plan(["y = 2"], [0], module_source="def f():\n    return 1\n")
    assert result["refused"] == "src/m.py already defines f: choose another name (or ask to overwrite)"
    assert result["overwrite_would_help"] is True
    assert plan(["y = 2"], [0], module_source="def f():\n    return 1\n", overwrite=True)["refused"] is None
    # A notebook cell defines the name, and nothing after the selection uses it.
    result = plan(["def f():\n    return 1", "y = 2"], [1])
    assert (
        result["refused"]
        == "cell 1 line 1: f already exists in the notebook: choose another name (or ask to overwrite)"
    )
    assert result["overwrite_would_help"] is True
    # ... but a later cell still calls the notebook's f: overwriting would change it.
    result = plan(["def f():\n    return 1", "y = 2", "print(f())"], [1])
    assert result["refused"] == "cell 1 line 1: f already exists in the notebook: choose another name"
    assert result["overwrite_would_help"] is False
    # A constant (not a def/class) in module mode is never overwritten.
    result = plan(["LIMIT = 3"], [0], mode="module", module_source="LIMIT = 2\n")
    assert result["overwrite_would_help"] is False
    # Planned, or refused for another reason: false.
    assert plan(["x = 1", "y = x"], [1])["overwrite_would_help"] is False


def test_module_mode_merges_and_refuses_existing_names():
    result = plan(["LIMIT = 3"], [0], mode="module", module_source="LIMIT = 2\n")
    assert result["refused"] == "src/m.py already defines LIMIT: choose another name"
    result = plan(
        ["LIMIT = 3\n# why\ndef cap(v):\n    return min(v, LIMIT)"], [0], mode="module", module_source="import os\n"
    )
    assert result["module_source"] == "import os\n\n\nLIMIT = 3\n\n\n# why\ndef cap(v):\n    return min(v, LIMIT)\n"
    assert result["replacement"] == "from src.m import LIMIT, cap"
    assert result["returns"] == ["LIMIT", "cap"]


def test_module_mode_copies_earlier_imports():
    result = plan(["import math", "def half_pi():\n    return math.pi / 2", "print(half_pi())"], [1], mode="module")
    assert "import math\n" in result["module_source"]
    assert result["replacement"] == "from src.m import half_pi"


def test_module_mode_does_not_need_a_name():
    nb = new_notebook(cells=[new_code_cell("K = 1")])
    result = plan_extraction({"notebook": nb, "cells": [0], "module": "src/m.py", "mode": "module"})
    assert result["refused"] is None and result["replacement"] == "from src.m import K"


def test_list_sources_are_accepted():
    nb = new_notebook(cells=[new_code_cell("x = 1"), new_code_cell("y = x\n")])
    nb.cells[1].source = ["y = x\n", "z = y + 1"]
    result = plan_extraction({"notebook": nb, "cells": [1], "name": "f", "module": "m.py"})
    assert result["params"] == ["x"] and "z = y + 1" in result["module_source"]


def test_docstring_names_the_cells_params_and_returns():
    result = plan(["a = 1", "b = 2", "c = a + b", "d = c", "print(d)"], [2, 3])
    assert (
        '    """Cells 3-4 of nb.ipynb.\n\n    Parameters: a, b.\n    Returns: d.\n    """\n' in result["module_source"]
    )


def test_eval_inside_a_nested_function_is_refused():
    result = plan(["t = 1", "def g():\n    return eval('t')\nv = g()"], [1])
    assert (
        result["refused"]
        == "cell 2 line 2: eval without an explicit namespace sees the notebook's variables, not the moved code's"
    )
    assert result["refused_at"] == {"cell": 1, "line": 2}


@pytest.mark.parametrize(
    "metadata, language",
    [
        ({"language_info": {"name": "bash"}}, "bash"),
        ({"kernelspec": {"name": "ir", "display_name": "R", "language": "R"}}, "r"),
        # The kernel's own language_info wins over the kernelspec.
        (
            {
                "language_info": {"name": "julia"},
                "kernelspec": {"name": "python3", "display_name": "P", "language": "python"},
            },
            "julia",
        ),
    ],
)
def test_non_python_notebook_is_refused(metadata, language):
    nb = new_notebook(cells=[new_code_cell("x=1"), new_code_cell("echo $x")], metadata=metadata)
    result = plan_extraction({"notebook": nb, "cells": [0], "name": "f", "module": "src/m.py"})
    assert result["refused"] == f"this notebook runs {language}, not Python: only Python cells can move into a module"
    assert result["refused_at"] is None and result["module_source"] is None and result["replacement"] is None


def test_python_recorded_or_unrecorded_language_is_planned():
    for metadata in (
        {},
        {"language_info": {"name": "python"}},
        {"kernelspec": {"name": "python3", "display_name": "P", "language": "Python"}},
    ):
        nb = new_notebook(cells=[new_code_cell("x = 1"), new_code_cell("print(x)")], metadata=metadata)
        result = plan_extraction({"notebook": nb, "cells": [0], "name": "f", "module": "src/m.py"})
        assert result["refused"] is None and result["returns"] == ["x"], metadata


def test_future_import_is_refused():
    result = plan(["from __future__ import annotations\nx = 1"], [0])
    assert result["refused"] == "cell 1 line 1: `from __future__` imports cannot move"


def test_name_no_cell_defines_is_refused():
    result = plan(["y = mystery + 1"], [0])
    assert result["refused"] == "cell 1 line 1: reads mystery, but no cell defines it"


def test_name_defined_only_below_is_refused():
    result = plan(["y = later + 1", "later = 2"], [0])
    assert result["refused"] == "cell 1 line 1: reads later, but only cell 2, below the selection, defines it"


def test_name_deleted_by_an_earlier_cell_is_refused():
    result = plan(["x = 1", "del x", "if False:\n    print(x)"], [2])
    assert result["refused"] == "cell 2 line 1: deletes x, which the selection reads"


def test_read_before_the_selection_rebinds_it_is_a_param():
    result = plan(["x = 1", "print(x)\nx = 2", "print(x)"], [1])
    assert result["params"] == ["x"] and result["returns"] == ["x"]


def test_same_import_again_with_an_earlier_function_reading_it_is_fine():
    result = plan(["import math\ndef r():\n    return math.pi", "import math\nv = r()", "print(v)"], [1])
    assert result["refused"] is None
    assert result["params"] == ["r"] and result["returns"] == ["v"]
    assert result["replacement"] == "import math\nfrom src.m import f\nv = f(r)"  # r reads math later


def test_overwrite_is_refused_when_the_name_is_a_builtin():
    result = plan(["y = 1"], [0], name="len", overwrite=True)
    assert result["refused"] == "len is already used by the selection or is a builtin: choose another function name"


def test_replace_cells_puts_the_replacement_where_the_first_selected_cell_was():
    nb = new_notebook(cells=[new_code_cell(s) for s in ("a", "b", "c", "d")])
    new = replace_cells(nb, [1, 2], "R")
    assert [c.source for c in new.cells] == ["a", "R", "d"]
    assert [c.source for c in nb.cells] == ["a", "b", "c", "d"]
    assert new.cells[1].outputs == [] and new.cells[1].execution_count is None


def test_replace_cells_without_ids_before_nbformat_4_5():
    nb = new_notebook(cells=[new_code_cell("a")])
    nb.nbformat_minor = 4
    del nb.cells[0]["id"]
    assert "id" not in replace_cells(nb, [0], "R").cells[0]


def test_kernel_code_reloads_an_imported_module_and_binds_nothing(tmp_path, monkeypatch):
    (tmp_path / "pkg_k").mkdir()
    (tmp_path / "pkg_k" / "__init__.py").write_text("")
    (tmp_path / "pkg_k" / "mod.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import pkg_k.mod

    (tmp_path / "pkg_k" / "mod.py").write_text("VALUE = 2  # changed\n")
    namespace = {}
    exec(kernel_code("pkg_k/mod.py"), namespace)  # the code under test
    assert set(namespace) == {"__builtins__"}
    assert pkg_k.mod.VALUE == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"notebook": None}, '"notebook" must be an nbformat v4 notebook'),
        ({"notebook": {"cells": [{"source": "x"}]}}, "notebook cell 1 is not an nbformat cell"),
        (
            {"notebook": {"cells": [{"cell_type": "code", "source": 3}]}},
            "notebook cell 1 has a source that is not text",
        ),
        ({"cells": []}, '"cells" must be a non-empty list'),
        ({"cells": [True]}, '"cells" must be a non-empty list'),
        ({"cells": [0, 0]}, '"cells" lists a cell twice'),
        ({"cells": [5]}, '"cells": cell index 5 is out of range (the notebook has 2 cells)'),
        ({"name": "class"}, '"name" must be a Python identifier'),
        ({"name": None}, '"name" must be a Python identifier'),
        ({"mode": "script"}, '"mode" must be "function" or "module"'),
        ({"module": "src/data.txt"}, "must end in .py"),
        ({"module_source": 3}, '"module_source" must be text or null'),
        ({"overwrite": "yes"}, '"overwrite" must be true or false'),
    ],
)
def test_bad_requests_raise_request_error(change, message):
    request = {
        "notebook": new_notebook(cells=[new_code_cell("x = 1"), new_code_cell("y = x")]),
        "cells": [1],
        "name": "f",
        "module": "src/m.py",
    }
    request.update(change)
    with pytest.raises(RequestError) as err:
        plan_extraction(request)
    assert message in str(err.value)
    assert err.value.status == 400


def test_importing_the_target_module_itself_is_refused():
    result = plan(["import src.m as mm", "v = mm.X", "print(v)"], [1])
    assert result["refused"] == "`import src.m as mm` imports src/m.py itself: extract into another module"


def test_name_imported_from_the_target_module_is_its_global():
    existing = "def add(v):\n    return v + 1\n"
    result = plan(["from src.m import add", "t = add(1)", "print(t)"], [1], module_source=existing)
    assert result["refused"] is None and result["params"] == []
    assert result["module_source"] == existing + (
        '\n\ndef f():\n    """Cell 2 of nb.ipynb.\n\n    Parameters: none.\n    Returns: t.\n    """\n    t = add(1)\n    return t\n'
    )


@pytest.mark.parametrize(
    ("source", "certain", "uncertain"),
    [
        ("try:\n    x = 1\nfinally:\n    done = True", {"x", "done"}, set()),
        ("try:\n    x = int('1')\nexcept ValueError:\n    pass", set(), {"x"}),
        ("try:\n    x = int('1')\nexcept ValueError:\n    x = 0\nfinally:\n    y = 2", {"x", "y"}, set()),
        ("ok = True or (x := 1)", {"ok"}, {"x"}),
        ("v = 1 if len('a') else (x := 2)", {"v"}, {"x"}),
        ("import contextlib\nwith contextlib.suppress(Exception):\n    x = 1", {"contextlib"}, {"x"}),
        ("if len('a'):\n    x = 1\nelse:\n    x = 2", {"x"}, set()),
    ],
)
def test_extraction_reads_the_cell_walkers_definite_assignment(source, certain, uncertain):
    """One definite-assignment walker (cells.py): what a cell certainly binds is what
    extraction returns without a parameter; what it binds on some paths only is refused
    when a later cell reads it (try/finally used to be read differently by the two)."""
    from jupyter_nbrefactor.cells import cell_facts

    facts = cell_facts(source)
    assert set(facts.defines) - facts.uncertain_defines == certain
    assert facts.uncertain_defines == uncertain
    for name in sorted((certain | uncertain) - set(facts.imports)):  # imports are repeated, not returned
        result = plan([source, f"print({name})"], [0])
        if name in certain:
            assert result["refused"] is None, result["refused"]
            assert name in result["returns"] and result["params"] == []
        else:
            assert f"{name} is bound only on some paths" in result["refused"]


# ---- the signature edited in the dialog (issue 19, point 6) ----

SIGNATURE_CELLS = [
    "import pandas as pd\ndf = pd.DataFrame({'a': [1, 2, 5]})\nLIMIT = 3",
    "kept = df[df.a > LIMIT]\nbig = lambda r: r + df.a.sum()\nprint(kept, [df for df in range(2)])",
    "print(kept)",
]


def signed(parameters):
    nb = new_notebook(cells=[new_code_cell(s) for s in SIGNATURE_CELLS])
    return plan_extraction(
        {"notebook": nb, "cells": [1], "name": "keep_large", "module": "src/m.py", "parameters": parameters}
    )


def test_an_upper_case_constant_becomes_a_lowercase_parameter_with_its_value_as_default():
    result = signed(None)
    assert result["signature"] == [
        {"name": "df", "as": "df", "default": None},
        {"name": "LIMIT", "as": "limit", "default": "3"},
    ]
    assert "def keep_large(df, limit=3):" in result["module_source"]
    assert "kept = df[df.a > limit]" in result["module_source"]
    assert result["replacement"].endswith("kept = keep_large(df, LIMIT)")  # the notebook's value is passed
    assert "LIMIT becomes the parameter limit=3 (the call passes LIMIT)" in result["notes"]


@pytest.mark.parametrize(
    "cells",
    [
        ["LIMIT = 3\nLIMIT = 4", "print(LIMIT)"],  # bound twice
        ["LIMIT = [3]", "print(LIMIT)"],  # a mutable default is not what a reviewer writes
        ["LIMIT = 3", "print(LIMIT)", "LIMIT = 5"],  # rebound below
        ["LIMIT = 3\nlimit = 1", "print(LIMIT, limit)"],  # the lowercase name is taken
    ],
)
def test_a_constant_stays_as_it_is_when_its_value_is_not_one_literal(cells):
    result = plan(cells, [1])
    assert {"name": "LIMIT", "as": "LIMIT", "default": None} in result["signature"]


def test_a_renamed_parameter_is_renamed_in_the_body_and_closures_but_not_where_rebound():
    result = signed([{"name": "df", "as": "data"}, {"name": "LIMIT", "as": "limit", "default": "3"}])
    assert result["refused"] is None
    source = result["module_source"]
    assert "def keep_large(data, limit=3):" in source
    assert "kept = data[data.a > limit]" in source
    assert "big = lambda r: r + data.a.sum()" in source
    assert "[df for df in range(2)]" in source  # the comprehension's own df
    assert "Parameters: data, limit." in source
    # the call still passes the notebook's variables, in the function's order
    assert result["replacement"].endswith("kept = keep_large(df, LIMIT)")
    assert result["params"] == ["df", "LIMIT"]
    compile(source, "m.py", "exec")


def test_reordered_parameters_are_passed_in_the_new_order():
    result = signed([{"name": "LIMIT", "as": "limit"}, {"name": "df", "as": "df"}])
    assert "def keep_large(limit, df):" in result["module_source"]
    assert result["replacement"].endswith("kept = keep_large(LIMIT, df)")


def test_the_generated_function_with_an_edited_signature_behaves_the_same():
    result = signed([{"name": "df", "as": "frame"}, {"name": "LIMIT", "as": "limit", "default": "3"}])
    ns: dict = {}
    exec(result["module_source"], ns)
    import pandas as pd

    frame = pd.DataFrame({"a": [1, 2, 5]})
    assert list(ns["keep_large"](frame, 3).a) == [5]


@pytest.mark.parametrize(
    "parameters, reason",
    [
        ([{"name": "df", "as": "kept"}], "parameter kept (for df) is already a name in the function"),
        ([{"name": "df", "as": "class"}], "parameter 'class' (for df) is not a Python name"),
        ([{"name": "df", "as": "x"}, {"name": "LIMIT", "as": "x"}], "two parameters are named x"),
        ([{"name": "df", "default": "load()"}], "the default of df must be a Python literal"),
        ([{"name": "LIMIT", "default": "3"}, {"name": "df"}], "df has no default but comes after a parameter with one"),
    ],
)
def test_a_signature_that_cannot_work_is_refused_with_the_reason(parameters, reason):
    assert signed(parameters)["refused"].startswith(reason)


def test_a_malformed_parameters_field_is_a_request_error():
    with pytest.raises(RequestError):
        signed({"df": "data"})
    with pytest.raises(RequestError):
        signed([{"name": "df"}, {"name": "df"}])


# ---- generated code a reviewer keeps (issue 19, point 6): no None check where none is needed ----


@pytest.mark.parametrize(
    "shown, direct",
    [
        ("xs.copy()", True),  # a value-returning method
        ("len(xs)", True),  # a builtin the notebook does not rebind
        ("-xs[0]", True),
        ("xs.pop()", False),  # could be None
        ("sorted(xs, key=str).index(1)", False),
    ],
)
def test_an_intermediate_value_is_displayed_as_written_when_it_cannot_be_none(shown, direct):
    source = plan(["xs = [1, 2]", shown, "ys = xs"], [1, 2])["module_source"]
    assert (f"    display({shown})\n" in source) is direct, source
    assert ("_shown" in source) is not direct


def test_a_rebound_builtin_or_inplace_call_keeps_the_none_check():
    source = plan(["def len(v):\n    return None", "xs = [1]", "len(xs)", "ys = xs"], [2, 3])["module_source"]
    assert "if _shown is not None:" in source
    source = plan(["import pandas as pd\ndf = pd.DataFrame({'a': [1]})", "df.dropna(inplace=True)", "b = df"], [1, 2])[
        "module_source"
    ]
    assert "if _shown is not None:" in source


def test_move_to_module_on_an_imports_cell_says_what_the_mode_is_for():
    result = plan(["import math\nfrom os import path", "print(math.pi, path.sep)"], [0], mode="module")
    assert result["refused"].startswith("the selection only imports: imports stay in the notebook")
    assert "moves definitions (def, class, constants)" in result["refused"]


def test_a_merged_module_says_which_lines_are_new():
    existing = "import math\n\n\ndef old(v):\n    return math.sqrt(v)\n"
    result = plan(["import math\nx = 4", "y = math.floor(x)", "print(y)"], [1], name="floor_x", module_source=existing)
    lines = result["module_source"].splitlines()
    assert result["inserted_lines"], result["module_source"]
    new = [lines[i - 1] for a, b in result["inserted_lines"] for i in range(a, b + 1)]
    assert "def floor_x(x):" in new and "def old(v):" not in new
    assert plan(["x = 1", "y = x"], [1])["inserted_lines"] == []  # a new file: all of it is new
