"""The lint rules: each with a notebook that has the problem and one that does not."""

import json

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from jupyter_nbrefactor.lint import (
    RULES,
    Config,
    ConfigError,
    find_config,
    lint_notebook,
    lint_path,
    notebook_files,
)


def code(source, count=None, **kw):
    return new_code_cell(source, execution_count=count, **kw)


def lint(cells, rule, table=None, metadata=None):
    """(cell index, line, message) of one rule's findings."""
    nb = new_notebook(cells=cells, metadata=metadata or {})
    config = Config.from_table({"select": [rule], **(table or {})})
    found = lint_notebook(nb, "nb.ipynb", config)
    assert {f.rule for f in found} <= {rule}
    return [(f.cell, f.line, f.message) for f in found]


# ----- NR001 ------------------------------------------------------------------------
def test_nr001_cell_that_does_not_compile():
    assert lint([code("x = 1"), code("def f(:\n    pass")], "NR001") == [
        (1, 1, "the cell does not compile: SyntaxError: invalid syntax (line 1)")
    ]


def test_nr001_magics_and_shell_lines_compile():
    assert lint([code("%matplotlib inline\n!ls -l\nx = 1")], "NR001") == []


# ----- NR101 ------------------------------------------------------------------------
def test_nr101_count_lower_than_the_cell_above():
    cells = [code("a = 1", 1), code("b = 2", 4), new_markdown_cell("# m"), code("c = 3", 3), code("d = 4", 5)]
    assert lint(cells, "NR101") == [
        (3, 1, "ran as [3], before cell 2 above it ran as [4]: Restart & Run All may give other results")
    ]


def test_nr101_increasing_counts_with_unrun_cells_between():
    assert lint([code("a = 1", 1), code("b = 2"), code("c = 3", 7)], "NR101") == []


# ----- NR102 ------------------------------------------------------------------------
def test_nr102_gap_between_counts_and_before_the_first():
    cells = [code("a = 1", 2), code("b = 2", 3), code("c = 3", 6)]
    assert lint(cells, "NR102") == [
        (0, 1, "the first execution count is [2]: 1 run before it not in the notebook"),
        (2, 1, "execution counts jump from [3] to [6]: 2 runs not in the notebook"),
    ]


def test_nr102_consecutive_counts_in_any_order():
    assert lint([code("a = 1", 2), code("b = 2", 1), code("c = 3", 3)], "NR102") == []


# ----- NR103 ------------------------------------------------------------------------
def test_nr103_two_cells_with_one_count():
    assert lint([code("a = 1", 1), code("b = 2", 2), code("c = 3", 1)], "NR103") == [
        (2, 1, "cell 1 has the same execution count [1]")
    ]


def test_nr103_distinct_counts():
    assert lint([code("a = 1", 1), code("b = 2", 2), code("c = 3")], "NR103") == []


# ----- NR104 ------------------------------------------------------------------------
def test_nr104_unrun_cell_above_a_run_one():
    cells = [code("a = 1", 1), code("b = 2"), code(""), code("c = 3", 2), code("d = 4")]
    assert lint(cells, "NR104") == [(1, 1, "this cell was never run, but cells below it were")]


def test_nr104_notebook_with_cleared_counts():
    assert lint([code("a = 1"), code("b = a")], "NR104") == []


# ----- NR105 ------------------------------------------------------------------------
def test_nr105_name_defined_only_below():
    cells = [code("import math"), code("r = 2\nprint(math.pi * r, area)"), new_markdown_cell("x"), code("area = 3")]
    assert lint(cells, "NR105") == [(1, 2, "area is used here but defined only further down, in cell 4")]


def test_nr105_name_read_by_a_called_function():
    cells = [code("def f():\n    return limit"), code("x = 1\ny = f()"), code("limit = 10")]
    assert lint(cells, "NR105") == [(1, 2, "limit is used by f() here but defined only further down, in cell 3")]


def test_nr105_name_defined_above_and_redefined_below():
    assert lint([code("n = 1"), code("print(n)"), code("n = 2")], "NR105") == []


def test_nr105_name_interpolated_by_a_magic():
    assert lint([code("!echo {folder}"), code("folder = 'out'")], "NR105") == [
        (0, 1, "folder is used here but defined only further down, in cell 2")
    ]


# ----- NR106 ------------------------------------------------------------------------
def test_nr106_undefined_and_used_before_its_own_definition():
    cells = [code("total = price * 2"), code("print(k)\nk = 1")]
    assert lint(cells, "NR106") == [
        (0, 1, "undefined name price: no cell defines it"),
        (1, 1, "k is used before this cell defines it"),
    ]


def test_nr106_builtins_ipython_names_and_magics_are_known():
    cells = [
        code("%matplotlib inline\nfiles = !ls\nprint(len(files), display, get_ipython, In, Out, _, __name__)"),
        code("%time y = sorted(files)\n%timeit -n 3 sum(range(10))\ny"),
    ]
    assert lint(cells, "NR106") == []


def test_nr106_dunder_file_is_undefined_in_a_notebook():
    assert lint([code("import os\nhere = os.path.dirname(__file__)")], "NR106") == [
        (0, 2, "undefined name __file__: no cell defines it")
    ]


def test_nr106_names_of_a_cell_that_does_not_compile_are_not_undefined():
    cells = [code("def f(x):\n    return x +\nlimit = 3"), code("print(f(limit), g)")]
    assert lint(cells, "NR106") == [(1, 1, "undefined name g: no cell defines it")]


@pytest.mark.parametrize("source", ["from numpy import *", "%run setup.py", "%pylab inline", "exec(code)"])
def test_nr106_off_when_names_can_come_from_elsewhere(source):
    assert lint([code(source), code("print(mystery)")], "NR106") == []


# ----- NR107 ------------------------------------------------------------------------
def test_nr107_reader_ran_before_the_producer():
    cells = [code("df = load()\nscale = 3", 5), code("print(2)\nshow(df)", 4)]
    found = lint([*cells, code("def load(): pass\ndef show(x): pass", 1)], "NR107")
    assert found == [
        (1, 2, "ran as [4], but df comes from cell 1, which ran later as [5]: its output predates its inputs")
    ]


def test_nr107_reader_ran_after_the_producer():
    assert lint([code("x = 1", 1), code("y = x", 2), code("z = y")], "NR107") == []


def test_nr107_a_re_run_import_is_not_a_newer_input():
    cells = [code("import pandas as pd\nimport numpy as np", 7), code("df = pd.DataFrame(np.ones(3))", 2)]
    assert lint(cells, "NR107") == []
    rebound = [code("import pandas as pd\npd = pd.api", 7), code("df = pd.DataFrame()", 2)]
    assert [m for _, _, m in lint(rebound, "NR107")] == [
        "ran as [2], but pd comes from cell 1, which ran later as [7]: its output predates its inputs"
    ]


# ----- NR201 / NR202 / NR203 / NR204 -----------------------------------------------
def lines(n, prefix="v"):
    return "\n".join(f"{prefix}{i} = {i}" for i in range(n))


def test_nr201_notebook_over_the_line_limit():
    cells = [code(lines(4, "a") + "\n# comment\n\n"), code(lines(3, "b"))]
    assert lint(cells, "NR201", {"max-notebook-lines": 6}) == [
        (None, None, "7 lines of code (more than 6): move code into modules")
    ]
    assert lint(cells, "NR201", {"max-notebook-lines": 7}) == []


def test_nr201_default_limit_is_500():
    assert lint([code(lines(500))], "NR201") == []
    assert lint([code(lines(501))], "NR201") == [
        (None, None, "501 lines of code (more than 500): move code into modules")
    ]


def test_nr202_cell_over_the_line_limit():
    cells = [code(lines(61)), code(lines(60))]
    assert lint(cells, "NR202") == [(0, 1, "61 lines of code in one cell (more than 60)")]
    assert lint(cells, "NR202", {"max-cell-lines": 61}) == []


def test_nr203_long_notebook_without_functions():
    assert lint([code(lines(101))], "NR203") == [(None, None, "101 lines of code and not one function or class")]


def test_nr203_a_function_or_a_short_notebook_is_fine():
    assert lint([code(lines(100)), code("if True:\n    def f():\n        pass")], "NR203") == []
    assert lint([code(lines(100))], "NR203") == []


def test_nr204_too_many_module_level_names():
    cells = [code("import os\ndef f(): pass\nclass C: pass\n" + lines(31)), code("for _ in range(3): pass")]
    assert lint(cells, "NR204") == [
        (None, None, "31 module-level names (more than 30): v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, ...")
    ]
    assert lint(cells, "NR204", {"max-module-names": 31}) == []


# ----- NR205 ------------------------------------------------------------------------
CLIP = """q1 = df["{c}"].quantile(0.25)
q3 = df["{c}"].quantile(0.75)
iqr = q3 - q1
low = q1 - 1.5 * iqr
high = q3 + 1.5 * iqr
df["{c}"] = df["{c}"].clip(low, high)
print("{c}", low, high)"""


def test_nr205_copy_differing_only_in_literals():
    cells = [
        code("import pandas as pd\ndf = pd.DataFrame()\n" + CLIP.format(c="a")),
        code("# again\n" + CLIP.format(c="b")),
    ]
    assert lint(cells, "NR205") == [(1, 2, "7 statements here are similar to cell 1 from line 3: make it a function")]


def test_nr205_short_or_different_blocks():
    short = "\n".join(CLIP.format(c="a").splitlines()[:5])
    assert lint([code(short), code(short)], "NR205") == []
    renamed = CLIP.format(c="a").replace("q1", "first")
    assert lint([code(CLIP.format(c="a")), code(renamed)], "NR205") == []
    assert lint([code(short), code(short)], "NR205", {"duplicate-lines": 5}) == [
        (1, 1, "5 statements here are similar to cell 1 from line 1: make it a function")
    ]


def test_nr205_counts_statements_not_the_lines_a_call_is_spread_over():
    call = 'model = train(\n    data,\n    target="y",\n    epochs=10,\n    seed=0,\n    verbose=True,\n)'
    reformatted = 'model = train(data, target="z",\n              epochs=20, seed=1, verbose=False)'
    assert lint([code(call), code(call)], "NR205") == []
    assert lint([code(call), code(reformatted)], "NR205", {"duplicate-lines": 1}) == [
        (1, 1, "1 statement here is similar to cell 1 from line 1: make it a function")
    ]
    magics = "%matplotlib inline\n!pip install x\n" + CLIP.format(c="a")
    assert lint([code(magics), code(CLIP.format(c="b"))], "NR205") == [
        (1, 1, "7 statements here are similar to cell 1 from line 3: make it a function")
    ]


# ----- NR301 / NR302 ------------------------------------------------------------------
def test_nr301_installs_in_the_notebook():
    cells = [code("!pip install pandas\n%pip install numpy\n%conda install scipy\n!python -m pip install x")]
    suffix = ": declare dependencies in requirements or pyproject instead"
    assert lint(cells, "NR301") == [
        (0, 1, "!pip install pandas" + suffix),
        (0, 2, "%pip install numpy" + suffix),
        (0, 3, "%conda install scipy" + suffix),
        (0, 4, "!python -m pip install x" + suffix),
    ]


def test_nr301_other_shell_commands_and_pip_list():
    assert lint([code("!pip list\n!ls\n%pip freeze\nimport pip")], "NR301") == [
        (0, 3, "%pip freeze: declare dependencies in requirements or pyproject instead")
    ]


def test_nr302_run_store_and_sys_path_edits():
    cells = [
        code("%run helpers.py\n%store results"),
        code("import sys\nsys.path.append('..')\nsys.path[0:0] = ['lib']"),
    ]
    assert lint(cells, "NR302") == [
        (0, 1, "%run helpers.py: runs code into this namespace; import a module instead"),
        (0, 2, "%store results: passes values between notebooks outside the code"),
        (1, 2, "sys.path edit: install the code as a package (pip install -e .) instead"),
        (1, 3, "sys.path edit: install the code as a package (pip install -e .) instead"),
    ]


def test_nr302_reading_sys_path_is_fine():
    assert lint([code("import sys\nprint(sys.path)\n%time x = 1")], "NR302") == []


# ----- NR401 ------------------------------------------------------------------------
def test_nr401_absolute_paths():
    cells = [
        code(
            'df = open("/home/ann/data/sales.csv")\nraw = r"C:\\Users\\ann\\x.csv"\n%cd /mnt/data\n'
            'share = r"\\\\server\\share\\f.txt"'
        )
    ]
    suffix = ": it exists on one machine only"
    assert lint(cells, "NR401") == [
        (0, 1, "absolute path '/home/ann/data/sales.csv'" + suffix),
        (0, 2, "absolute path 'C:\\\\Users\\\\ann\\\\x.csv'" + suffix),
        (0, 3, "absolute path '/mnt/data'" + suffix),
        (0, 4, "absolute path '\\\\\\\\server\\\\share\\\\f.txt'" + suffix),
    ]


def test_nr401_relative_paths_urls_and_routes():
    cells = [
        code(
            'a = "data/sales.csv"\nb = "https://example.org/home/x"\nc = "/api/v1/items"\nd = "file:///home/x"\ne = "/tmp/out"'
        )
    ]
    assert lint(cells, "NR401") == []


def test_nr401_a_folder_under_the_root_assigned_then_used_as_a_path():
    cells = [
        code('DATA = "/data"\nOUT = "/results/"\nAPI = "/predict"\nTMP = "/tmp"'),
        code('df = pd.read_csv(DATA + "/sales.csv")\nsave(f"{OUT}/model.pkl")\npost(API, x)\nopen(TMP)'),
        code('ROOT = "/mnt/"\nfiles = os.listdir(ROOT)\nBASE = "/srv"\np = Path(BASE) / "x"'),
    ]
    suffix = ": it exists on one machine only"
    assert lint(cells, "NR401") == [
        (0, 1, "absolute path '/data'" + suffix),
        (0, 2, "absolute path '/results/'" + suffix),
        (2, 1, "absolute path '/mnt/'" + suffix),
        (2, 3, "absolute path '/srv'" + suffix),
    ]


# ----- NR601 ------------------------------------------------------------------------
def test_nr601_saved_traceback():
    error = new_output("error", ename="KeyError", evalue="'price'", traceback=["..."])
    cells = [
        code("x = {}['price']", 1, outputs=[error]),
        code("print(1)", 2, outputs=[new_output("stream", text="1\n")]),
    ]
    assert lint(cells, "NR601") == [(0, 1, "saved error output: KeyError: 'price'")]


def test_nr601_clean_outputs():
    assert lint([code("print(1)", 1, outputs=[new_output("stream", name="stderr", text="warning\n")])], "NR601") == []


# ----- language ---------------------------------------------------------------------------
def test_jupytext_main_language_marks_an_r_notebook():
    nb = new_notebook(cells=[code("x <- rnorm(5)\nmean(x)")], metadata={"jupytext": {"main_language": "R"}})
    assert lint_notebook(nb) == []


def test_only_language_neutral_rules_for_other_kernels():
    meta = {"kernelspec": {"name": "ir", "language": "R", "display_name": "R"}}
    cells = [code("x <- y", 3), code("y <- 1", 1)]
    nb = new_notebook(cells=cells, metadata=meta)
    assert [f.rule for f in lint_notebook(nb)] == ["NR102", "NR101"]


# ----- suppression ------------------------------------------------------------------------
def test_suppression_comment_silences_listed_rules_on_its_line():
    cells = [
        code(
            "print(a)  # nbrefactor: ignore[NR106]\nprint(b)  # nbrefactor: ignore[NR105]\nprint(c)  # nbrefactor: ignore"
        )
    ]
    assert lint(cells, "NR106") == [(0, 2, "undefined name b: no cell defines it")]


def test_ignore_tag_silences_the_whole_cell_but_it_still_defines_names():
    cells = [code("y = x\nprint(z)", metadata={"tags": ["nbrefactor-ignore"]}), code("x = 1\nprint(y, w)")]
    assert lint(cells, "NR106") == [(1, 2, "undefined name w: no cell defines it")]


def test_findings_carry_cell_ids_and_json_fields():
    cell = code("print(q)")
    cell["id"] = "abc"
    nb = new_notebook(cells=[new_markdown_cell("t"), cell])
    [finding] = lint_notebook(nb, "a.ipynb", Config.from_table({"select": ["NR106"]}))
    assert finding.to_json() == {
        "path": "a.ipynb",
        "cell_index": 1,
        "cell_id": "abc",
        "line": 1,
        "rule": "NR106",
        "severity": "error",
        "message": "undefined name q: no cell defines it",
    }


# ----- configuration ------------------------------------------------------------------
def test_config_select_prefix_ignore_and_severity():
    config = Config.from_table({"select": ["NR1"], "ignore": ["NR102"], "severity": {"NR101": "error"}})
    nb = new_notebook(cells=[code("a = b", 3), code("b = 1", 1)])
    assert [(f.rule, f.severity) for f in lint_notebook(nb, "", config)] == [
        ("NR105", "error"),
        ("NR101", "error"),
    ]


@pytest.mark.parametrize(
    "table, message",
    [
        ({"select": ["NR9"]}, "select: no rule matches 'NR9'"),
        ({"ignore": "NR101"}, "ignore must be a list of rule codes"),
        ({"severity": {"NR101": "fatal"}}, "severity.NR101 must be one of info, warning, error"),
        ({"severity": {"NR999": "info"}}, "severity: unknown rule 'NR999'"),
        ({"max-cell-lines": 0}, "max-cell-lines must be a positive integer"),
        ({"max-cell-line": 80}, "unknown key 'max-cell-line' (did you mean 'max-cell-lines'?)"),
        ({"selct": ["NR1"]}, "unknown key 'selct' (did you mean 'select'?)"),
        ({"extend_exclude": ["data"]}, "unknown key 'extend_exclude' (did you mean 'extend-exclude'?)"),
        (
            {"colour": True},
            "unknown key 'colour'; known keys: select, ignore, severity, exclude, extend-exclude, "
            "max-notebook-lines, max-cell-lines, no-functions-lines, max-module-names, duplicate-lines",
        ),
        ({"exclude": "data"}, "exclude must be a list of glob patterns"),
    ],
)
def test_config_errors(table, message):
    with pytest.raises(ConfigError) as err:
        Config.from_table(table)
    assert str(err.value) == f"[tool.jupyter-nbrefactor] {message}"


def test_config_found_by_walking_up(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.jupyter-nbrefactor]\nignore = ["NR2"]\nmax-cell-lines = 10\n')
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "sub" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    config = find_config(tmp_path / "sub" / "deeper" / "a.ipynb")
    assert config.source == tmp_path / "pyproject.toml"
    assert config["max-cell-lines"] == 10
    assert not config.enabled("NR205") and config.enabled("NR105")


def test_no_config_means_defaults(tmp_path):
    config = find_config(tmp_path / "a.ipynb", stop=tmp_path)
    assert config.source is None and config["max-notebook-lines"] == 500 and config.enabled("NR401")


# ----- files --------------------------------------------------------------------------
def test_unreadable_files_are_nr000_findings(tmp_path):
    cases = {
        "broken.ipynb": b"{not json",
        "latin.ipynb": "caf\xe9".encode("latin-1"),
        "list.ipynb": b"[1, 2]",
        "v5.ipynb": json.dumps({"nbformat": 5, "cells": []}).encode(),
        "cells.ipynb": json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [1]}).encode(),
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    messages = {
        name: [(f.rule, f.cell, f.message) for f in lint_path(tmp_path / name, name, Config())] for name in cases
    }
    assert messages["broken.ipynb"] == [
        (
            "NR000",
            None,
            "not a notebook: invalid JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))",
        )
    ]
    assert messages["latin.ipynb"] == [("NR000", None, "not a notebook: the file is not UTF-8 text")]
    assert messages["list.ipynb"] == [("NR000", None, "not a notebook: no nbformat version")]
    assert messages["v5.ipynb"] == [("NR000", None, "unsupported nbformat version 5")]
    assert [m[0] for m in messages["cells.ipynb"]] == ["NR000"]


def test_notebook_files_recurse_and_skip_checkpoints(tmp_path):
    for rel in ("b.ipynb", "a/c.ipynb", "a/.ipynb_checkpoints/c-checkpoint.ipynb", "a/notes.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("{}")
    found = list(notebook_files([tmp_path, tmp_path / "b.ipynb"]))
    assert found == [tmp_path / "a" / "c.ipynb", tmp_path / "b.ipynb", tmp_path / "b.ipynb"]
    with pytest.raises(FileNotFoundError):
        list(notebook_files([tmp_path / "missing.ipynb"]))


def test_findings_point_at_their_line_in_the_saved_file(tmp_path):
    import nbformat

    nb = new_notebook(cells=[new_markdown_cell("# t"), code("a = 1\nb = 2\nprint(c)", 1)])
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    [finding] = lint_path(path, "n.ipynb", Config.from_table({"select": ["NR106"]}))
    assert path.read_text().splitlines()[finding.file_line - 1].strip() == '"print(c)"'


def test_every_rule_has_a_unique_kebab_name_and_a_known_severity():
    names = [r.name for r in RULES.values()]
    assert len(set(names)) == len(names)
    assert {r.severity for r in RULES.values()} <= {"info", "warning", "error"}
    assert list(RULES) == sorted(RULES)


def test_an_edited_pyproject_is_read_again(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.jupyter-nbrefactor]\nignore = ["NR101"]\n')
    assert not find_config(tmp_path / "a.ipynb").enabled("NR101")
    pyproject.write_text('[tool.jupyter-nbrefactor]\nignore = ["NR102", "NR103"]\n')
    config = find_config(tmp_path / "a.ipynb")
    assert config.enabled("NR101") and not config.enabled("NR103")


# ----- the rule reference ---------------------------------------------------------------
def test_docs_lint_md_lists_exactly_the_rule_table():
    """docs/lint.md's table has one row per rule, with its id, name and severity, and a
    section per rule (the SARIF helpUri anchors)."""
    import re
    from pathlib import Path

    text = (Path(__file__).parent.parent / "docs" / "lint.md").read_text()
    rows = re.findall(r"^\| \[(NR\d{3})\]\(#(nr\d{3})\) \| ([a-z-]+) +\| (\w+) +\|", text, re.M)
    assert [(i, anchor, name, severity) for i, anchor, name, severity in rows] == [
        (r.id, r.id.lower(), r.name, r.severity) for r in RULES.values()
    ]
    assert re.findall(r"^### (NR\d{3})$", text, re.M) == list(RULES)


def test_every_rule_is_a_documented_function_named_by_what_it_checks():
    for r in RULES.values():
        assert r.check.__name__ == r.name.replace("-", "_")
        assert "Why:" in r.doc and "Example:" in r.doc, r.id
