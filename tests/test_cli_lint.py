"""``jupyter nbrefactor lint`` and ``report`` on files: formats, exit codes, configuration."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from jupyter_nbrefactor import __version__
from jupyter_nbrefactor.cli import main
from jupyter_nbrefactor.lint import RULES


def write(path, *cells):
    path.parent.mkdir(parents=True, exist_ok=True)
    nb = new_notebook(cells=list(cells))
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i}"
    nbformat.write(nb, path)
    return path


def code(source, count=None):
    return new_code_cell(source, execution_count=count)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A folder with one clean notebook, one with an error, one with warnings only."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "nbs" / "clean.ipynb", code("x = 1", 1), code("print(x)", 2))
    write(tmp_path / "nbs" / "sub" / "late.ipynb", new_markdown_cell("# t"), code("print(y)", 1), code("y = 2", 2))
    write(tmp_path / "warn.ipynb", code("a = 1", 3), code("b = a", 1))
    return tmp_path


def run(capsys, *argv, include_info=True):
    """``lint`` with every severity shown unless ``include_info`` is False (the default of
    the command itself is to hide info findings)."""
    try:
        status = main(["lint", *argv, *(["--include", "info"] if include_info else [])])
    except SystemExit as exit:  # argparse's own usage errors
        status = exit.code
    out, err = capsys.readouterr()
    return status, out, err


def test_text_format_one_line_per_finding_and_exit_1_on_errors(project, capsys):
    code, out, err = run(capsys, "nbs", "warn.ipynb")
    assert code == 1
    assert out.splitlines() == [
        "nbs/sub/late.ipynb:cell 2:line 1: NR105 y is used here but defined only further down, in cell 3",
        "warn.ipynb:cell 1:line 1: NR102 execution counts jump from [1] to [3]: 1 run not in the notebook",
        "warn.ipynb:cell 2:line 1: NR101 ran as [1], before cell 1 above it ran as [3]: "
        "Restart & Run All may give other results",
        "warn.ipynb:cell 2:line 1: NR107 ran as [1], but a comes from cell 1, which ran later as [3]: "
        "its output predates its inputs",
    ]
    assert err == "4 findings (1 error, 2 warning, 1 info) in 3 notebooks\n"


def test_fail_on_levels(project, capsys):
    assert run(capsys, "warn.ipynb")[0] == 0
    assert run(capsys, "warn.ipynb", "--fail-on", "warning")[0] == 1
    assert run(capsys, "nbs/clean.ipynb", "--fail-on", "info")[0] == 0
    assert run(capsys, "warn.ipynb", "--fail-on", "info", "--select", "NR102")[0] == 1
    assert run(capsys, "warn.ipynb", "--fail-on", "info", "--ignore", "NR1")[0] == 0


@pytest.mark.parametrize(
    "argv, message",
    [
        (["missing.ipynb"], "jupyter nbrefactor lint: error: no such file or folder: missing.ipynb\n"),
        (
            ["warn.ipynb", "--select", "XY1"],
            "jupyter nbrefactor lint: error: [tool.jupyter-nbrefactor] select: no rule matches 'XY1'\n",
        ),
        (["warn.ipynb", "--format", "xml"], None),
        (["warn.ipynb", "--fail-on", "never"], None),
        ([], None),
    ],
)
def test_usage_errors_exit_2(project, capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    if message is not None:
        assert err == message
    else:
        assert err.startswith("jupyter nbrefactor lint: error: ")


def test_unreadable_notebook_is_a_finding_and_exit_2(project, capsys):
    (project / "nbs" / "broken.ipynb").write_text("{")
    code, out, err = run(capsys, "nbs", "--format", "json")
    assert code == 2
    found = json.loads(out)
    assert [(f["path"], f["rule"], f["cell_index"], f["line"]) for f in found] == [
        ("nbs/broken.ipynb", "NR000", None, None),
        ("nbs/sub/late.ipynb", "NR105", 1, 1),
    ]
    assert found[0]["message"].startswith("not a notebook: invalid JSON")
    assert "Traceback" not in err


def test_json_format(project, capsys):
    code, out, _ = run(capsys, "nbs/sub/late.ipynb", "--format", "json")
    assert code == 1
    assert json.loads(out) == [
        {
            "path": "nbs/sub/late.ipynb",
            "cell_index": 1,
            "cell_id": "c1",
            "line": 1,
            "rule": "NR105",
            "severity": "error",
            "message": "y is used here but defined only further down, in cell 3",
        }
    ]


def test_sarif_structure_for_github_code_scanning(project, capsys):
    code, out, _ = run(capsys, "nbs", "warn.ipynb", "--format", "sarif")
    assert code == 1
    log = json.loads(out)
    assert log["version"] == "2.1.0"
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    [sarif_run] = log["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "jupyter-nbrefactor" and driver["version"] == __version__
    assert [r["id"] for r in driver["rules"]] == list(RULES)
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["defaultConfiguration"]["level"] in (
            "error",
            "warning",
            "note",
        )
    results = sarif_run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("NR105", "error"),
        ("NR102", "note"),
        ("NR101", "warning"),
        ("NR107", "warning"),
    ]
    late = project / "nbs" / "sub" / "late.ipynb"
    first = results[0]
    assert driver["rules"][first["ruleIndex"]]["id"] == "NR105"
    assert first["message"]["text"] == "cell 2, line 1: y is used here but defined only further down, in cell 3"
    [location] = first["locations"]
    physical = location["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "nbs/sub/late.ipynb", "uriBaseId": "%SRCROOT%"}
    # The region is the line of the offending code in the .ipynb file itself.
    assert late.read_text().splitlines()[physical["region"]["startLine"] - 1].strip() == '"print(y)"'
    assert all(isinstance(r["partialFingerprints"]["nbrefactor/v1"], str) for r in results)
    assert len({r["partialFingerprints"]["nbrefactor/v1"] for r in results}) == len(results)


def test_sarif_without_findings_is_still_a_valid_log(project, capsys):
    code, out, _ = run(capsys, "nbs/clean.ipynb", "--format", "sarif")
    assert code == 0
    assert json.loads(out)["runs"][0]["results"] == []


def test_pyproject_config_and_suppression(project, capsys):
    (project / "pyproject.toml").write_text(
        '[tool.jupyter-nbrefactor]\nignore = ["NR102"]\nseverity = { NR101 = "error" }\n'
    )
    write(
        project / "nbs" / "quiet.ipynb",
        code("print(p)  # nbrefactor: ignore[NR106]\nprint(q)  # nbrefactor: ignore[NR105]", 1),
    )
    status, out, _ = run(capsys, "warn.ipynb", "nbs/quiet.ipynb")
    assert status == 1
    assert out.splitlines() == [
        "warn.ipynb:cell 2:line 1: NR101 ran as [1], before cell 1 above it ran as [3]: "
        "Restart & Run All may give other results",
        "warn.ipynb:cell 2:line 1: NR107 ran as [1], but a comes from cell 1, which ran later as [3]: "
        "its output predates its inputs",
        "nbs/quiet.ipynb:cell 1:line 2: NR106 undefined name q: no cell defines it",
    ]
    # --select on the command line replaces the file's select; its ignore still holds.
    status, out, _ = run(capsys, "warn.ipynb", "--select", "NR101,NR102")
    assert (status, len(out.splitlines())) == (1, 1)


def test_broken_pyproject_is_a_usage_error(project, capsys):
    (project / "pyproject.toml").write_text("[tool.jupyter-nbrefactor]\nmax-cell-lines = 'many'\n")
    code, out, err = run(capsys, "warn.ipynb")
    assert code == 2 and out == ""
    assert err == (
        f"jupyter nbrefactor lint: error: {project / 'pyproject.toml'}: [tool.jupyter-nbrefactor] "
        "max-cell-lines must be a positive integer\n"
    )


def test_report_command_text_and_json(project, capsys):
    assert main(["report", "nbs/sub/late.ipynb"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "Health report: nbs/sub/late.ipynb"
    assert "Verdict: restart and run all, then fix the findings" in out
    assert main(["report", "nbs/sub/late.ipynb", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["findings_by_rule"] == {"NR105": 1}
    assert report["verdict"]["level"] == "attention"


def test_report_of_an_unreadable_notebook_exits_2(project, capsys):
    (project / "bad.ipynb").write_text("[]")
    assert main(["report", "bad.ipynb"]) == 2
    assert capsys.readouterr().err == (
        "jupyter nbrefactor report: error: cannot read bad.ipynb: not a notebook: no nbformat version\n"
    )
    assert main(["report", "nothere.ipynb"]) == 2
    assert capsys.readouterr().err == (
        "jupyter nbrefactor report: error: cannot read nothere.ipynb: No such file or directory\n"
    )


def test_pre_commit_hook_runs_the_lint_command_on_notebooks():
    import yaml

    from jupyter_nbrefactor.lint_config import tomllib  # tomli before Python 3.11

    root = Path(__file__).parent.parent
    [hook] = yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text())
    scripts = tomllib.loads((root / "pyproject.toml").read_text())["project"]["scripts"]
    assert hook["id"] == "nbrefactor-lint"
    assert hook["entry"] == "jupyter-nbrefactor lint"
    assert scripts["jupyter-nbrefactor"] == "jupyter_nbrefactor.cli:main"
    assert (hook["language"], hook["types"]) == ("python", ["jupyter"])


def test_sarif_help_uri_is_the_rule_section_of_docs_lint_md_in_the_repository():
    from jupyter_nbrefactor.lint_output import to_sarif

    root = Path(__file__).parent.parent
    repository = json.loads((root / "package.json").read_text())["repository"]["url"].removesuffix(".git")
    driver = to_sarif([])["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == f"{repository}/blob/main/docs/lint.md"
    assert [r["helpUri"] for r in driver["rules"]] == [
        f"{repository}/blob/main/docs/lint.md#{rule.lower()}" for rule in RULES
    ]
    headings = {
        line[4:].strip().lower()
        for line in (root / "docs" / "lint.md").read_text().splitlines()
        if line.startswith("### ")
    }
    assert {rule.lower() for rule in RULES} <= headings  # every anchor exists


@pytest.mark.parametrize(
    "url, web",
    [
        ("https://github.com/o/r.git", "https://github.com/o/r"),
        ("git+https://github.com/o/r.git", "https://github.com/o/r"),
        ("git@github.com:o/r.git", "https://github.com/o/r"),
        ("https://gitlab.com/g/r/", "https://gitlab.com/g/r"),
    ],
)
def test_repository_urls_become_web_addresses(url, web):
    from jupyter_nbrefactor.lint_output import web_url

    assert web_url(url) == web


# ----- what a folder scan lints ---------------------------------------------------------
def scanned(capsys, *argv):
    status, out, err = run(capsys, *argv, "--format", "json")
    assert status in (0, 1), err
    return sorted({f["path"] for f in json.loads(out)})


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """One notebook with a finding in each folder a scan may or may not enter."""
    monkeypatch.chdir(tmp_path)
    for folder in ("nbs", ".venv/lib", "node_modules/pkg", "nbs/.ipynb_checkpoints", "env", "data/raw", "build"):
        write(tmp_path / folder / "n.ipynb", code("print(y)", 1))
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr/bin\n")  # a virtualenv by any name
    return tmp_path


def test_folder_scan_skips_virtualenvs_node_modules_and_checkpoints(tree, capsys):
    assert scanned(capsys, ".") == ["build/n.ipynb", "data/raw/n.ipynb", "nbs/n.ipynb"]


def test_a_notebook_named_on_the_command_line_is_always_linted(tree, capsys):
    assert scanned(capsys, ".venv/lib/n.ipynb") == [".venv/lib/n.ipynb"]


def test_folder_scan_skips_git_ignored_files(tree, capsys):
    subprocess.run(["git", "init", "-q", str(tree)], check=True)
    (tree / ".gitignore").write_text("build/\n*.tmp.ipynb\n")
    write(tree / "nbs" / "scratch.tmp.ipynb", code("print(y)", 1))
    assert scanned(capsys, ".") == ["data/raw/n.ipynb", "nbs/n.ipynb"]
    assert scanned(capsys, "nbs") == ["nbs/n.ipynb"]


def test_exclude_replaces_the_defaults_and_extend_exclude_adds(tree, capsys):
    assert scanned(capsys, ".", "--extend-exclude", "data/raw,build") == ["nbs/n.ipynb"]
    assert scanned(capsys, ".", "--exclude", "nbs") == [
        ".venv/lib/n.ipynb",
        "build/n.ipynb",
        "data/raw/n.ipynb",
        "node_modules/pkg/n.ipynb",
    ]


def test_extend_exclude_in_pyproject(tree, capsys):
    (tree / "pyproject.toml").write_text('[tool.jupyter-nbrefactor]\nextend-exclude = ["data", "b*ld"]\n')
    assert scanned(capsys, ".") == ["nbs/n.ipynb"]


def test_a_folder_that_vanishes_during_the_scan_is_skipped(tree, capsys, monkeypatch):
    real = os.scandir

    def scandir(path="."):
        # data/raw is removed between listing data/ and entering it
        if isinstance(path, (str, os.PathLike)) and Path(path).name == "raw":
            shutil.rmtree(path)
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert scanned(capsys, ".") == ["build/n.ipynb", "nbs/n.ipynb"]


def test_info_findings_are_hidden_unless_included(project, capsys):
    status, out, err = run(capsys, "warn.ipynb", include_info=False)
    assert status == 0
    assert [line.split(": ")[1].split()[0] for line in out.splitlines()] == ["NR101", "NR107"]
    assert err == "2 findings (0 error, 2 warning, 0 info) in 1 notebook; 1 info hidden (--include info)\n"
    status, out, err = run(capsys, "warn.ipynb", "--include", "info", include_info=False)
    assert "NR102" in out and err == "3 findings (0 error, 2 warning, 1 info) in 1 notebook\n"
    status, _, err = run(capsys, "warn.ipynb", "--include", "debug", include_info=False)
    assert status == 2 and err.endswith("--include: unknown severity 'debug' (choose from info, warning, error)\n")


def test_unknown_key_in_pyproject_is_a_usage_error_naming_the_nearest_key(project, capsys):
    (project / "pyproject.toml").write_text("[tool.jupyter-nbrefactor]\nmax-cel-lines = 80\n")
    status, out, err = run(capsys, "nbs")
    assert (status, out) == (2, "")
    assert err == (
        f"jupyter nbrefactor lint: error: {project / 'pyproject.toml'}: [tool.jupyter-nbrefactor] "
        "unknown key 'max-cel-lines' (did you mean 'max-cell-lines'?)\n"
    )
