"""Graduating a notebook (plan_graduation, `jupyter nbrefactor graduate`): sections from
headings, what moves and what stays, the script, refusals, and the proof on the example."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from jupyter_nbrefactor.cli import main
from jupyter_nbrefactor.errors import RequestError
from jupyter_nbrefactor.graduate import choose_level, headings, markdown_headings, plan_graduation, stay_reason

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def small_notebook():
    return new_notebook(
        cells=[
            new_markdown_cell("# Prices"),
            new_code_cell("SCALE = 3"),
            new_markdown_cell("## Load data"),
            new_code_cell("values = [1, 2, 3, 4]\nprint(len(values))"),
            new_code_cell("values"),
            new_markdown_cell("## Fit model"),
            new_code_cell(
                "class Model:\n    def fit(self, xs):\n        self.mean = sum(xs) / len(xs)\n        return self"
            ),
            new_code_cell("model = Model()\nmodel.fit([v * SCALE for v in values])\nprint('mean:', model.mean)"),
        ]
    )


def test_sections_at_the_level_that_gives_two_to_eight():
    nb = small_notebook()
    found = headings(nb.cells)
    assert found == [(2, 2, "Load data"), (5, 2, "Fit model")]  # the title is no section
    assert choose_level(found, nb.cells) == 2


def test_setext_and_rst_headings_count_as_headings():
    # sphinx-gallery examples converted to notebooks title and split themselves this way
    text = "===============\nBasic Animation\n===============\n\nSome text.\n\nDefine a graph\n--------------\n"
    assert markdown_headings(text) == [(1, "Basic Animation"), (2, "Define a graph")]
    assert markdown_headings("Load data\n=========\n") == [(1, "Load data")]


def test_lines_that_only_look_like_headings_are_not_headings():
    text = "a paragraph\nof two lines\n---\n\n- item\n---\n\n```\n# a comment\n```\n\n    code\n    ---\n"
    assert markdown_headings(text) == []
    assert markdown_headings("## Done ##\n#hashtag\n") == [(2, "Done")]


def test_display_only_cell_stays_and_printing_cell_moves():
    nb = small_notebook()
    assert stay_reason(nb.cells, 4) == "only displays or plots (nothing it makes is used below)"
    assert stay_reason(nb.cells, 3) is None  # it prints (and binds values, read below)


def test_plan_names_modules_and_functions_from_headings():
    plan = plan_graduation({"notebook": small_notebook(), "path": "prices.ipynb"})
    assert plan["refused"] is None
    moves = [(m["name"], m["module"], m["cells"]) for s in plan["sections"] for m in s["moves"]]
    assert moves[0] == ("load_data", "src/data.py", [3])
    assert moves[1][1] == "src/model.py"
    assert [k["cell"] for k in plan["kept"]] == [4]
    assert [f["path"] for f in plan["files"]] == ["src/data.py", "src/model.py", "scripts/train.py", "src/__init__.py"]
    assert plan["fitted"] == ["model"]
    script = plan["files"][2]["source"]
    assert 'parser.add_argument("--output"' in script
    assert 'joblib.dump(model, output / "model.joblib")' in script
    assert script.endswith('if __name__ == "__main__":\n    main()\n')
    assert "--config" not in script  # the notebook reads no config.yaml
    assert plan["report"]["before"] == [{"path": "prices.ipynb", "lines": 11, "globals": 4, "functions": 1}]


def test_script_has_config_when_the_notebook_loads_one():
    nb = small_notebook()
    nb.cells.insert(1, new_code_cell('from src.config import load_config\n\nconfig = load_config("config.yaml")'))
    plan = plan_graduation({"notebook": nb, "path": "prices.ipynb"})
    script = next(f["source"] for f in plan["files"] if f["path"] == "scripts/train.py")
    assert 'parser.add_argument("--config", default="config.yaml"' in script
    assert "config = load_config(args.config)" in script
    assert "Run it from the project folder: python scripts/train.py --config config.yaml --output models/" in script
    assert plan["config"] == "config.yaml"


def test_existing_script_refused_without_overwrite():
    request = {"notebook": small_notebook(), "sources": {"scripts/train.py": "print('mine')\n"}}
    plan = plan_graduation(request)
    assert plan["refused"] == "scripts/train.py already exists: choose another --script (or ask to overwrite)"
    assert plan["files"] == [] and plan["notebook"] is None
    assert plan_graduation({**request, "overwrite": True})["refused"] is None


def test_other_language_refused():
    nb = small_notebook()
    nb.metadata["kernelspec"] = {"name": "bash", "language": "bash", "display_name": "Bash"}
    nb.metadata["language_info"] = {"name": "bash"}
    assert plan_graduation({"notebook": nb})["refused"].startswith("this notebook runs bash, not Python")


def test_nothing_to_move_is_a_refusal():
    nb = new_notebook(cells=[new_markdown_cell("## A"), new_code_cell("1 + 1"), new_markdown_cell("## B")])
    assert (
        plan_graduation({"notebook": nb})["refused"]
        == "no sections: the notebook has no headings and no code the extraction accepts"
    )


def test_refused_extraction_names_section_and_cell():
    nb = new_notebook(
        cells=[
            new_markdown_cell("## One"),
            new_code_cell("x = 1\nglobal y"),
            new_markdown_cell("## Two"),
            new_code_cell("z = x + 1\nprint(z)"),
        ]
    )
    plan = plan_graduation({"notebook": nb})
    refused = [k for k in plan["kept"] if k.get("refused")]
    assert refused and refused[0]["cell"] == 1 and refused[0]["section"] == "One"
    assert "cell 2" in refused[0]["reason"]


def test_bad_request_is_a_request_error():
    with pytest.raises(RequestError, match='"notebook" must be'):
        plan_graduation({"notebook": []})
    with pytest.raises(RequestError, match=r"must end in \.py"):
        plan_graduation({"notebook": small_notebook(), "script": "scripts/train"})


# ----- the command line ------------------------------------------------------------------------


@pytest.fixture
def prices(tmp_path):
    path = tmp_path / "prices.ipynb"
    nbformat.write(small_notebook(), path)
    return path


def test_cli_dry_run_writes_nothing(prices, capsys):
    assert main(["graduate", str(prices), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "+++ b/scripts/train.py" in out and "+++ b/src/data.py" in out and "+++ b/prices.ipynb" in out
    assert sorted(p.name for p in prices.parent.iterdir()) == ["prices.ipynb"]


def test_cli_writes_and_refuses_second_time(prices, capsys):
    before = prices.read_bytes()
    assert main(["graduate", str(prices), "--output", str(prices.parent / "driver.ipynb")]) == 0
    folder = prices.parent
    assert (folder / "scripts" / "train.py").is_file() and (folder / "src" / "data.py").is_file()
    assert prices.read_bytes() == before  # --output: the original is left as it was
    capsys.readouterr()
    script = (folder / "scripts" / "train.py").read_bytes()
    assert main(["graduate", str(prices)]) == 1
    assert "refused: scripts/train.py already exists" in capsys.readouterr().err
    assert (folder / "scripts" / "train.py").read_bytes() == script and prices.read_bytes() == before


def test_cli_json_prints_the_plan_and_writes_nothing_unless_asked_to_apply(prices, capsys):
    before = prices.read_bytes()
    assert main(["graduate", str(prices), "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["script"] == "scripts/train.py" and plan["refused"] is None
    assert sorted(p.name for p in prices.parent.iterdir()) == ["prices.ipynb"]
    assert prices.read_bytes() == before
    assert main(["graduate", str(prices), "--json", "--verify"]) == 2  # --verify would write
    assert "--apply" in capsys.readouterr().err

    assert main(["graduate", str(prices), "--json", "--apply"]) == 0
    assert json.loads(capsys.readouterr().out)["script"] == "scripts/train.py"  # only the plan on stdout
    assert (prices.parent / "scripts" / "train.py").is_file() and prices.read_bytes() != before


def test_cli_unreadable_notebook_is_usage_error(tmp_path, capsys):
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{not json")
    assert main(["graduate", str(bad)]) == 2


# ----- the proof on the example ------------------------------------------------------------------


def _metric_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if re.match(r"^(accuracy|all features|top 8 features):", line)]


@pytest.mark.slow
def test_example_graduates_verifies_and_script_prints_the_same_metrics(tmp_path):
    from jupyter_nbrefactor.verify import verify_notebook

    shutil.copy(EXAMPLES / "big_messy_notebook.ipynb", tmp_path)
    shutil.copytree(EXAMPLES / "data", tmp_path / "data")
    original = tmp_path / "big_messy_notebook.ipynb"
    driver = tmp_path / "graduated.ipynb"
    assert main(["graduate", str(original), "--output", str(driver)]) == 0
    src = sorted(p.name for p in (tmp_path / "src").iterdir() if p.suffix == ".py")
    # modules named from the headings: ## Load, ## Cleaning, ## Features, ## Model, ## Try 2: only the top 8 features, ## Who to call
    assert src == ["__init__.py", "cleaning.py", "features.py", "load.py", "model.py", "top.py", "who.py"]
    assert "def load_data(" in (tmp_path / "src" / "load.py").read_text()
    assert "def clean_data(df):" in (tmp_path / "src" / "cleaning.py").read_text()

    os.environ.setdefault("MPLBACKEND", "Agg")
    result = verify_notebook(driver, against=original)
    assert result["verdict"] == "same", result

    _script_prints_the_notebooks_metrics(tmp_path, original, ["--output", "models/"])


def _script_prints_the_notebooks_metrics(folder: Path, original: Path, args: list[str], trees: int = 60) -> None:
    """scripts/train.py, run from ``folder``, prints the metrics the notebook printed and
    saves the fitted model (``trees`` estimators) into models/."""
    run = subprocess.run(
        [sys.executable, "scripts/train.py", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        env={**os.environ, "MPLBACKEND": "Agg"},
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    printed = "".join(
        "".join(o.get("text", ""))
        for c in nbformat.read(original, 4).cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "stream"
    )
    assert (
        _metric_lines(run.stdout)
        == _metric_lines(printed)
        == [
            "accuracy: 0.764",
            "accuracy: 0.738",
            "all features: 0.764",
            "top 8 features: 0.738",
        ]
    )
    import joblib

    model = joblib.load(folder / "models" / "model.joblib")
    assert type(model).__name__ == "RandomForestClassifier" and len(model.estimators_) == trees


@pytest.mark.slow
def test_example_with_config_graduates_and_the_script_reads_the_config(tmp_path):
    """The lecture's end state: config.yaml (the config command), then graduate: the script
    takes --config, gives the notebook's metrics, and a changed config changes the model."""
    from jupyter_nbrefactor.verify import verify_notebook

    shutil.copy(EXAMPLES / "big_messy_notebook.ipynb", tmp_path)
    shutil.copytree(EXAMPLES / "data", tmp_path / "data")
    original = tmp_path / "big_messy_notebook.ipynb"
    configured = tmp_path / "configured.ipynb"
    driver = tmp_path / "graduated.ipynb"
    assert main(["config", str(original), "--output", str(configured)]) == 0
    assert main(["graduate", str(configured), "--output", str(driver)]) == 0
    script = (tmp_path / "scripts" / "train.py").read_text()
    assert 'parser.add_argument("--config", default="config.yaml"' in script

    os.environ.setdefault("MPLBACKEND", "Agg")
    result = verify_notebook(driver, against=original)
    assert result["verdict"] == "same", result

    _script_prints_the_notebooks_metrics(tmp_path, original, ["--config", "config.yaml", "--output", "models/"])
    smaller = (tmp_path / "config.yaml").read_text().replace("n_estimators: 60", "n_estimators: 7", 1)
    (tmp_path / "small.yaml").write_text(smaller)
    run = subprocess.run(
        [sys.executable, "scripts/train.py", "--config", "small.yaml", "--output", "small/"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "MPLBACKEND": "Agg"},
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    import joblib

    assert len(joblib.load(tmp_path / "small" / "model.joblib").estimators_) == 7


def test_a_cell_that_plots_ends_its_function():
    # statsmodels' res.plot_forest(): the figure shows when the cell ends, before the next cell prints
    nb = new_notebook(
        cells=[
            new_code_cell("from statsmodels.stats.meta_analysis import combine_effects"),
            new_markdown_cell("## Fit"),
            new_code_cell("res = combine_effects([1.0, 2.0], [0.5, 0.5])\nfig = res.plot_forest()"),
            new_code_cell("print(res.params)"),
            new_code_cell("print(res.summary())"),
            new_markdown_cell("## Report"),
            new_code_cell("print(len(res.params))"),
        ]
    )
    plan = plan_graduation({"notebook": nb, "path": "fit.ipynb"})
    assert [m["cells"] for m in plan["sections"][0]["moves"]] == [[2], [3, 4]]


def test_a_formula_naming_notebook_variables_stays():
    # patsy evaluates np and x1 where ols() is called: in a module's function they are not there
    nb = new_notebook(
        cells=[
            new_code_cell("import numpy as np\nimport statsmodels.formula.api as smf"),
            new_markdown_cell("## Data"),
            new_code_cell("x1 = np.linspace(0, 20, 50)\ny = x1 * 2\ndata = {'x1': x1, 'y': y}"),
            new_markdown_cell("## Fit"),
            new_code_cell('res = smf.ols("y ~ x1 + np.sin(x1)", data=data).fit()\nprint(res.params)'),
            new_code_cell('res2 = smf.ols("y ~ x1", data=data).fit()\nprint(res2.params)'),
        ]
    )
    plan = plan_graduation({"notebook": nb, "path": "fit.ipynb"})
    fit = plan["sections"][1]
    assert fit["kept"] == [
        {
            "cell": 4,
            "reason": "line 1: the formula 'y ~ x1 + np.sin(x1)' names np, x1, y, which it looks up where "
            "the call runs (not in a module's function)",
            "refused": True,
        },
        {
            "cell": 5,
            "reason": "line 1: the formula 'y ~ x1' names x1, y, which it looks up where the call runs "
            "(not in a module's function)",
            "refused": True,
        },
    ]
    assert "res = smf.ols(" in next(f["source"] for f in plan["files"] if f["path"] == "scripts/train.py")


def test_no_headings_falls_back_to_the_health_candidates():
    nb = new_notebook(
        cells=[
            new_code_cell("values = [3, 1, 2]"),
            new_code_cell(
                "ordered = sorted(values)\nsmallest = ordered[0]\nlargest = ordered[-1]\nspan = largest - smallest"
            ),
            new_code_cell("print(span)"),
        ]
    )
    plan = plan_graduation({"notebook": nb, "path": "n.ipynb"})
    assert plan["how"] == "health candidates"
    assert plan["refused"] is None
    assert [m["cells"] for s in plan["sections"] for m in s["moves"]] != []


def test_a_shown_tuple_stays_one_value_when_moved():
    nb = new_notebook(
        cells=[
            new_markdown_cell("## Counts"),
            new_code_cell("a = [1, 2]\nb = [3]\nlen(a), len(b)"),
            new_markdown_cell("## Total"),
            new_code_cell("total = sum(a) + sum(b)\nprint(total)"),
        ]
    )
    plan = plan_graduation({"notebook": nb})
    module = next(f["source"] for f in plan["files"] if f["path"] == "src/counts.py")
    assert "(len(a), len(b))" in module
