"""plan_config: which literals are parameters, their keys and values, the refusals, the
merge into an existing config.yaml, and the notebook the plan makes."""

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from ruamel.yaml import YAML

from jupyter_nbrefactor.config import HELPER_SOURCE, apply_config, find_parameters, plan_config, write_config_files
from jupyter_nbrefactor.errors import RequestError
from jupyter_nbrefactor.extract import source_hash


def nb(*sources):
    return new_notebook(
        cells=[new_markdown_cell(s[3:]) if s.startswith("md:") else new_code_cell(s) for s in sources],
        metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}},
    )


def plan(notebook, **extra):
    return plan_config({"notebook": notebook, **extra})


def keys(p):
    return {c["key"]: c["value"] for c in p["candidates"]}


ML = nb(
    "import pandas as pd\nfrom sklearn.model_selection import train_test_split\n"
    "from sklearn.ensemble import RandomForestClassifier",
    "TEST_SIZE = 0.2\nSEED = 42",
    "df = pd.read_csv('data/churn.csv')",
    "X_train, X_test, y_train, y_test = train_test_split(df, df.y, test_size=TEST_SIZE, random_state=SEED)",
    "model = RandomForestClassifier(n_estimators=100, max_depth=10, random_state=SEED)",
)


def test_finds_names_keywords_and_paths_with_keys_grouped_by_what_they_configure():
    p = plan(ML)
    assert [(c["key"], c["value"], c["kind"], c["cell_index"], c["line"]) for c in p["candidates"]] == [
        ("split.test_size", 0.2, "name", 1, 1),
        ("seed", 42, "name", 1, 2),
        ("data.churn_path", "data/churn.csv", "path", 2, 1),
        ("model.n_estimators", 100, "keyword", 4, 1),
        ("model.max_depth", 10, "keyword", 4, 1),
    ]
    assert p["refusals"] == []
    assert p["refused"] is None


def test_reads_counts_the_cells_reading_a_name():
    p = plan(ML)
    reads = {c["key"]: c["reads"] for c in p["candidates"]}
    assert reads["seed"] == 2
    assert reads["split.test_size"] == 1


def test_moves_every_literal_and_keeps_the_parameter_cell_reading_as_before():
    p = plan(ML)
    cells = {c["index"]: c["source"] for c in p["cells"]}
    assert cells == {
        1: 'TEST_SIZE = config["split"]["test_size"]\nSEED = config["seed"]',
        2: 'df = pd.read_csv(config["data"]["churn_path"])',
        4: 'model = RandomForestClassifier(n_estimators=config["model"]["n_estimators"], '
        'max_depth=config["model"]["max_depth"], random_state=SEED)',
    }
    assert p["load_cell"] == {
        "index": 0,
        "source": 'from src.config import load_config\n\nconfig = load_config("config.yaml")',
    }
    assert p["config_source"] == (
        "split:\n  test_size: 0.2\nseed: 42\ndata:\n  churn_path: data/churn.csv\n"
        "model:\n  n_estimators: 100\n  max_depth: 10\n"
    )
    assert p["helper_source"] == HELPER_SOURCE
    assert p["kernel_code"].endswith('config = load_config("config.yaml")\n')


def test_select_moves_only_the_chosen_keys():
    p = plan(ML, select=["model.n_estimators"])
    assert [c["index"] for c in p["cells"]] == [4]
    assert p["config_source"] == "model:\n  n_estimators: 100\n"
    assert [c["key"] for c in p["candidates"] if c["selected"]] == ["model.n_estimators"]


def test_an_unknown_selected_key_is_a_request_error():
    with pytest.raises(RequestError, match=r"no parameter 'model\.trees'"):
        plan(ML, select=["model.trees"])


def test_keys_renames_a_candidate():
    p = plan(ML, select=["seed"], keys={"seed": "random.seed"})
    assert p["config_source"] == "random:\n  seed: 42\n"
    assert p["cells"][0]["source"] == 'TEST_SIZE = 0.2\nSEED = config["random"]["seed"]'


def test_a_renamed_key_must_be_plain_names():
    p = plan(ML, select=["seed"], keys={"seed": "random seed"})
    assert (
        p["refused"]
        == "key 'random seed': 'random seed' is not a plain name (letters, digits and _, separated by dots)"
    )
    assert p["cells"] == [] and p["config_source"] is None


def test_grouped_by_markdown_heading_when_no_call_says_more():
    p = plan(nb("md:## Features", "cols = ['a', 'b']", "print(df[cols])"))
    assert keys(p) == {"features.cols": ["a", "b"]}


def test_a_name_only_its_own_cell_reads_is_not_a_parameter():
    assert plan(nb("n = 3\nprint(n)", "print(1)"))["candidates"] == []


def test_values_keep_their_types_exactly():
    p = plan(
        nb(
            "A = 1\nB = 1.0\nC = True\nD = None\nE = 'x'\nF = -2\nG = {'k': [1, 2.5, 'no']}\nH = '1e-5'",
            "print(A, B, C, D, E, F, G, H)",
        )
    )
    assert keys(p) == {
        "a": 1,
        "b": 1.0,
        "c": True,
        "d": None,
        "e": "x",
        "f": -2,
        "g": {"k": [1, 2.5, "no"]},
        "h": "1e-5",
    }
    back = YAML(typ="safe", pure=True).load(p["config_source"])
    assert [type(back[k]) for k in "abcdefgh"] == [int, float, bool, type(None), str, int, dict, str]
    assert back["h"] == "1e-5"


def test_a_tuple_becomes_a_list_read_back_as_a_tuple():
    p = plan(nb("SIZE = (5, 3)", "print(SIZE)"))
    assert p["candidates"][0]["convert"] == "tuple"
    assert p["cells"][0]["source"] == 'SIZE = tuple(config["size"])'
    assert p["config_source"] == "size:\n- 5\n- 3\n"
    assert p["notes"] == ["size is a tuple: YAML keeps it as a list, the notebook reads it back with tuple(...)"]


def test_a_tuple_inside_a_list_is_refused_with_cell_and_line():
    p = plan(nb("x = 1", "PAIRS = [(1, 2)]", "print(PAIRS)"))
    assert p["candidates"] == []
    assert [r["message"] for r in p["refusals"]] == [
        "cell 2 line 1: PAIRS: a tuple inside a list or dict: YAML has no tuple, and it would come back as a list"
    ]


def test_f_strings_are_refused_with_cell_and_line():
    p = plan(nb("import pandas as pd\nyear = 2024", "PATH = f'data/{year}.csv'\nX = 1", "df = pd.read_csv(PATH)"))
    assert [r["message"] for r in p["refusals"]] == [
        "cell 2 line 1: PATH: an f-string: its text is made when the cell runs, so it is not one value a file can hold"
    ]
    assert "year" in keys(p)


def test_default_arguments_of_notebook_functions_are_refused():
    p = plan(nb("def train(df, n_estimators=100, *, depth=None):\n    return n_estimators", "train(1)"))
    assert p["candidates"] == []
    assert [r["message"] for r in p["refusals"]] == [
        "cell 1 line 1: train(n_estimators=…): a default argument of a notebook function is fixed when the "
        "function is defined: pass the value where it is called instead"
    ]


def test_values_changed_later_are_refused():
    p = plan(nb("COLS = ['a']\nLIMIT = 3", "COLS.append('b')", "LIMIT += 1", "print(COLS, LIMIT)"))
    assert p["candidates"] == []
    assert [r["message"] for r in p["refusals"]] == [
        "cell 1 line 1: COLS: changed in place at cell 2 line 1: not one fixed value",
        "cell 1 line 2: LIMIT: also bound at cell 3 line 1: not one fixed value",
    ]


def test_method_and_module_function_keywords_are_not_parameters():
    p = plan(nb("import matplotlib.pyplot as plt", "fig, ax = plt.subplots(figsize=(5, 3))\nax.hist([1], bins=30)"))
    assert p["candidates"] == []


def test_the_same_value_under_one_key_is_one_candidate_read_at_each_place():
    notebook = nb(
        "from sklearn.metrics import classification_report",
        "print(classification_report(a, b, digits=3))",
        "print(classification_report(c, d, digits=3))",
        "print(classification_report(c, d, digits=4))",
    )
    p = plan(notebook)
    assert [(c["key"], c["value"], [pl["cell_index"] for pl in c["places"]]) for c in p["candidates"]] == [
        ("classification_report.digits", 3, [1, 2]),
        ("classification_report.digits_2", 4, [3]),
    ]


EXISTING = """\
# Parameters of the churn model
# (edit me, then Restart & Run All)

model:
    n_estimators: 100   # trees
    max_depth: 10
data:
    # the billing export
    train_path: 'data/old.csv'
"""


def test_merges_into_an_existing_config_keeping_its_text_byte_for_byte():
    p = plan(ML, config_source=EXISTING, select=["split.test_size", "seed"])
    assert p["refused"] is None
    assert p["config_source"] == EXISTING + "split:\n    test_size: 0.2\nseed: 42\n"
    assert p["base_hash"] == source_hash(EXISTING)


def test_the_same_value_already_in_the_config_is_reused():
    p = plan(ML, config_source=EXISTING, select=["model.n_estimators", "model.max_depth"])
    assert p["config_source"] == EXISTING
    assert p["notes"] == [
        "model.n_estimators is already in config.yaml with this value: reused",
        "model.max_depth is already in config.yaml with this value: reused",
    ]
    assert p["cells"][0]["source"].startswith(
        'model = RandomForestClassifier(n_estimators=config["model"]["n_estimators"]'
    )


def test_a_different_value_under_an_existing_key_gets_another_key_and_says_so():
    clashing = EXISTING.replace("n_estimators: 100", "n_estimators: 300")
    p = plan(ML, config_source=clashing)
    c = next(c for c in p["candidates"] if c["what"] == "RandomForestClassifier(n_estimators=…)")
    assert c["key"] == "model.n_estimators_2"
    assert c["clash"] == {
        "key": "model.n_estimators",
        "existing": 300,
        "blocked_by": None,
        "suggested": "model.n_estimators_2",
    }
    assert "n_estimators: 300   # trees\n" in p["config_source"]
    assert "n_estimators_2: 100\n" in p["config_source"]


def test_renaming_back_onto_a_clashing_key_is_refused_never_overwritten():
    clashing = EXISTING.replace("n_estimators: 100", "n_estimators: 300")
    p = plan(
        ML, config_source=clashing, select=["model.n_estimators_2"], keys={"model.n_estimators_2": "model.n_estimators"}
    )
    assert p["refused"] == (
        "key model.n_estimators is 300 in config.yaml, the notebook has 100 (cell 5 line 1): rename the key "
        "(or leave this parameter out); the file is never overwritten"
    )
    assert p["config_source"] is None


def test_invalid_existing_yaml_is_refused_and_nothing_planned():
    p = plan(ML, config_source="model: [1,\n")
    assert p["refused"].startswith("config.yaml is not valid YAML")
    assert p["cells"] == []


def test_the_name_config_already_used_is_refused():
    p = plan(nb("config = {'a': 1}", "SEED = 1", "print(SEED, config)"))
    assert p["refused"] == "cell 1 line 1: the notebook already has a variable named config: rename it first"


def test_an_existing_helper_without_load_config_is_refused():
    p = plan(ML, helper_source="def other():\n    pass\n")
    assert p["refused"] == (
        "src/config.py exists and has no load_config function: add one (see the README) or move src/config.py away"
    )


def test_an_existing_helper_with_load_config_is_kept():
    p = plan(ML, helper_source=HELPER_SOURCE)
    assert p["refused"] is None
    assert p["helper_source"] is None


def test_a_second_run_finds_nothing_left_and_adds_no_second_loading_cell():
    first = plan(ML)
    new = apply_config(ML, first)
    assert new.cells[0].source == first["load_cell"]["source"]
    second = plan(new, config_source=first["config_source"], helper_source=HELPER_SOURCE)
    assert second["candidates"] == []
    assert second["refused"] == "no hard-coded parameter found"


def test_a_new_literal_after_a_first_run_joins_the_existing_loading_cell():
    first = plan(ML, select=["seed"])
    new = apply_config(ML, first)
    second = plan(new, config_source=first["config_source"], helper_source=HELPER_SOURCE, select=["split.test_size"])
    assert second["load_cell"] is None
    assert second["config_source"] == "seed: 42\nsplit:\n  test_size: 0.2\n"


def test_apply_config_changes_the_cells_and_inserts_the_loader_before_the_first_code_cell():
    notebook = nb("md:# Title", "import pandas as pd", "df = pd.read_csv('data/a.csv')")
    p = plan(notebook)
    new = apply_config(notebook, p)
    assert [c.source for c in new.cells] == [
        "# Title",
        'from src.config import load_config\n\nconfig = load_config("config.yaml")',
        "import pandas as pd",
        'df = pd.read_csv(config["data"]["a_path"])',
    ]
    assert new.cells[1].metadata["nbrefactor"] == {"config": "config.yaml"}
    assert notebook.cells[2].source == "df = pd.read_csv('data/a.csv')"


def test_comments_and_magics_around_a_literal_stay():
    notebook = nb("%matplotlib inline\nSEED = 42  # the answer\n", "print(SEED)")
    p = plan(notebook)
    assert p["cells"][0]["source"] == '%matplotlib inline\nSEED = config["seed"]  # the answer\n'


def test_write_config_files_writes_helper_package_and_config(tmp_path):
    p = plan(ML)
    written = write_config_files(tmp_path, p)
    assert [w.relative_to(tmp_path).as_posix() for w in written] == ["src/__init__.py", "src/config.py", "config.yaml"]
    assert (tmp_path / "config.yaml").read_text() == p["config_source"]


def test_write_config_files_refuses_a_config_changed_since_the_plan(tmp_path):
    p = plan(ML)
    (tmp_path / "config.yaml").write_text("seed: 1\n")
    with pytest.raises(RequestError, match="changed since the parameters were planned") as err:
        write_config_files(tmp_path, p)
    assert err.value.status == 409
    assert (tmp_path / "config.yaml").read_text() == "seed: 1\n"
    assert not (tmp_path / "src").exists()


def test_the_example_notebook_moves_its_data_path_split_seed_and_model_settings():
    import nbformat

    notebook = nbformat.read("examples/big_messy_notebook.ipynb", as_version=4)
    candidates, refusals = find_parameters(notebook)
    found = {c.id: c.value for c in candidates}
    assert found["data.data_path"] == "data/churn.csv"
    assert found["split.test_size"] == 0.25
    assert found["seed"] == 42
    assert found["model.n_estimators"] == 60
    assert found["model.max_depth"] == 8
    assert refusals == []


def test_a_non_python_notebook_has_no_parameters():
    notebook = new_notebook(
        cells=[new_code_cell("x <- 1")], metadata={"kernelspec": {"name": "ir", "language": "R", "display_name": "R"}}
    )
    assert plan(notebook)["candidates"] == []


def test_the_health_report_counts_hard_coded_parameters_and_names_the_command():
    import nbformat

    from jupyter_nbrefactor.report import format_report, health_report

    notebook = nbformat.read("examples/big_messy_notebook.ipynb", as_version=4)
    report = health_report(notebook, "examples/big_messy_notebook.ipynb")
    assert report["hard_coded_parameters"] == 14
    assert (
        "Hard-coded parameters: 14 (move them to config.yaml: jupyter nbrefactor config "
        "examples/big_messy_notebook.ipynb)"
    ) in format_report(report).splitlines()


# ----- the cold plan's shortcuts give what the slow ways gave -------------------------

WALK_SAMPLE = """\
@decorate(D1, key=D2)
def f(a: Ann1, b=DEF1, *args: Ann2, c=DEF2, d, **kw: Ann3) -> Ret:
    x = BODY1 + a
    g = lambda y=LAMBDA_DEF: y + LAMBDA_BODY
    class Inner(InnerBase):
        z = INNER
    return x
@deco
class K(Base1, metaclass=Meta, **Opts):
    attr = CLASS_BODY
    def m(self, q=METHOD_DEF):
        return Q
h = lambda p=TOP_LAMBDA_DEF: p + TOP_LAMBDA_BODY
model = Model(n=1, m=h(2), path=open("a.csv"))
del gone
for i in range(N):
    total += [i for i in COMP if i]
async def af(k=ADEF):
    await k
"""


def _module_scope_reference(node):
    """config._module_scope as it was before the one-walk _scan (ast.iter_child_nodes)."""
    import ast

    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
            stack.extend([*n.decorator_list, *n.args.defaults, *(d for d in n.args.kw_defaults if d is not None)])
        elif isinstance(n, ast.ClassDef):
            stack.extend([*n.decorator_list, *n.bases, *n.keywords])
        elif not isinstance(n, ast.Lambda):
            stack.extend(ast.iter_child_nodes(n))


@pytest.mark.parametrize("source", [WALK_SAMPLE, *(c["source"] for c in ML["cells"])])
def test_one_walk_scan_equals_ast_walk_and_the_module_scope_walk(source):
    import ast

    from jupyter_nbrefactor.config import _scan

    tree = ast.parse(source)
    scope, first, loads = _scan(tree)
    kinds = (ast.Name, ast.Assign, ast.Call, ast.FunctionDef, ast.AsyncFunctionDef)
    assert list(scope) == [n for n in _module_scope_reference(tree) if isinstance(n, kinds)]
    want_first, want_loads = {}, {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            want_first[node.id] = min(want_first.get(node.id, node.lineno), node.lineno)
            if isinstance(node.ctx, ast.Load):
                want_loads[node.id] = want_loads.get(node.id, 0) + 1
    assert first == want_first
    assert loads == want_loads


def test_ints_bools_and_none_need_no_yaml_round_trip_they_come_back_exactly():
    from jupyter_nbrefactor.config import _EXACT, _dump_text, _loader, _round_trip_problems, _same

    values = [0, 1, -1, 7, 10**30, -(10**30), 2**63, True, False, None, 0o17, 0x1F]
    assert all(type(v) in _EXACT for v in values)
    back = _loader().load(_dump_text({f"v{i}": v for i, v in enumerate(values)}))
    assert all(_same(v, back[f"v{i}"]) for i, v in enumerate(values))
    assert _round_trip_problems(values) == [None] * len(values)
    assert _round_trip_problems(["yes", 1.5, "0o17"]) == [None, None, None]  # these still go through YAML


@pytest.mark.parametrize("text", ["a:\n  b: 1\n", "a:\n    b: 1\n", "a:\n  - 1\n", "a:\n    - 1\n", "x: 1\n"])
def test_the_indent_is_guessed_as_ruamel_guesses_it(text):
    from ruamel.yaml.util import load_yaml_guess_indent

    from jupyter_nbrefactor.config import _guess_indent

    _, mapping, offset = load_yaml_guess_indent(text)
    assert _guess_indent(text) == (mapping or 2, offset or 0)
