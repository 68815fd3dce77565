"""``jupyter nbrefactor``: the command line, on the same engine as the server.

Each subcommand is one ``add_*`` function in ``SUBCOMMANDS``: it adds its parser
with ``subcommand_parser``, naming its ``run`` (args -> exit code). Exit codes: 0 done,
1 findings/refused, 2 usage errors and unreadable input (one line on stderr).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeAlias

if TYPE_CHECKING:
    import nbformat

# what ``add_subparsers`` answers (argparse names its class privately)
Subparsers: TypeAlias = "argparse._SubParsersAction[_Parser]"
# a subcommand's ``run``: the parsed arguments -> the exit code
Run: TypeAlias = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """Usage errors: one line on stderr, exit 2."""
        self.exit(2, f"{self.prog}: error: {message}\n")


class UsageError(Exception):
    """Bad arguments or unreadable input found after parsing: exit 2."""


def parse_cells(text: str, count: int) -> list[int]:
    """``"3-5,8"`` (1-based positions among all cells) -> 0-based indices."""
    out: list[int] = []
    for part in text.split(","):
        first, dash, last = part.strip().partition("-")
        try:
            lo, hi = int(first), int(last if dash else first)
        except ValueError:
            raise UsageError(f"--cells: {part.strip()!r} is not a cell number or range like 3-5") from None
        if lo < 1 or hi < lo:
            raise UsageError(f"--cells: {part.strip()!r} is not a valid range (cells are numbered from 1)")
        if hi > count:
            raise UsageError(f"--cells: cell {hi} does not exist (the notebook has {count} cells)")
        out.extend(i - 1 for i in range(lo, hi + 1) if i - 1 not in out)
    return out


def subcommand_parser(
    subparsers: Subparsers, name: str, run: Run, *, help: str, description: str, epilog: str | None = None
) -> argparse.ArgumentParser:
    """The parser of subcommand ``name``, carried out by ``run`` (args -> exit code)."""
    parser = subparsers.add_parser(
        name,
        help=help,
        description=description,
        epilog=epilog,
        # an epilog is laid out by hand; without one the description is wrapped as usual
        formatter_class=argparse.RawDescriptionHelpFormatter if epilog else argparse.HelpFormatter,
    )
    parser.set_defaults(run=run)
    return parser


# ----- extract ------------------------------------------------------------------------

EXTRACT_EPILOG = """\
The module path is relative to the notebook's folder; missing package folders get an
__init__.py. Nothing is written when the extraction is refused (exit 1, reason on stderr),
with --dry-run, or with --json unless --apply. A kernel that already imported the module
keeps the old code until it runs: import importlib, sys; importlib.invalidate_caches();
importlib.reload(sys.modules["<package.module>"]) (or restart the kernel).
"""


def add_extract(subparsers: Subparsers) -> None:
    p = subcommand_parser(
        subparsers,
        "extract",
        run_extract,
        help="move notebook cells into a module as a function or as they are",
        description="Move code cells into a Python module and import them back.",
        epilog=EXTRACT_EPILOG,
    )
    p.add_argument("notebook", help="the .ipynb file")
    p.add_argument(
        "--cells", required=True, help="1-based positions among all cells: 3-5,8 (markdown cells in it stay)"
    )
    p.add_argument(
        "--name", help="name of the new function (mode function); default: the name the extract dialog suggests"
    )
    p.add_argument("--module", required=True, help="module path relative to the notebook: src/data.py")
    p.add_argument("--mode", choices=("function", "module"), default="function")
    p.add_argument("--output", help="write the notebook here instead of rewriting it in place")
    p.add_argument("--dry-run", action="store_true", help="print unified diffs, write nothing")
    p.add_argument("--json", action="store_true", help="print the plan as JSON; writes nothing without --apply")
    p.add_argument("--apply", action="store_true", help="with --json: write the module and the notebook too")
    p.add_argument("--overwrite", action="store_true", help="replace a function of the same name")
    p.add_argument(
        "--verify",
        action="store_true",
        help="run the new notebook and the old one in fresh kernels; when they differ, put the notebook"
        " and the module back as they were and exit 1",
    )


def read_nbformat(path: Path) -> nbformat.NotebookNode:
    """The notebook at ``path`` as an nbformat v4 node; an unreadable one is a ``UsageError``
    with the reason every command gives (``lint.read_notebook`` decides what is readable)."""
    import warnings

    import nbformat

    from .lint import read_notebook

    try:
        data = path.read_bytes()
    except OSError as err:
        raise UsageError(f"cannot read {path}: {err.strerror or err}") from None
    _, text, reason = read_notebook(data)
    if text is None:
        raise UsageError(f"cannot read {path}: {reason}")
    with warnings.catch_warnings():  # nbformat warns about missing cell ids: nothing to act on here
        warnings.simplefilter("ignore")
        nb: nbformat.NotebookNode = nbformat.reads(text, as_version=4)
        return nb


def notebook_diff(old: nbformat.NotebookNode, new: nbformat.NotebookNode, old_name: str, new_name: str) -> list[str]:
    """A unified diff of two notebooks' cells as people read them (``# %%`` before each
    code cell, ``# %% [markdown]`` before each markdown cell, then its source): outputs,
    metadata and base64 images are not what a refactor changes."""

    def lines(nb: nbformat.NotebookNode) -> list[str]:
        out: list[str] = []
        for cell in nb.cells:
            out.append("# %%\n" if cell.cell_type == "code" else f"# %% [{cell.cell_type}]\n")
            out.extend(line + "\n" for line in "".join(cell.source).splitlines())
        return out

    return list(difflib.unified_diff(lines(old), lines(new), f"a/{old_name}", f"b/{new_name}"))


def _snapshot(folder: Path, module: str, output: Path) -> tuple[dict[Path, bytes | None], list[Path]]:
    """What a failed write or ``--verify`` puts back: the bytes of every file the extraction
    may write (None: absent) and the package folders it may create."""
    from .modpath import package_folders

    packages = [folder / p for p in package_folders(module)]
    files = [output, folder / module, *(p / "__init__.py" for p in packages)]
    return {f: f.read_bytes() if f.is_file() else None for f in files}, [p for p in packages if not p.exists()]


def _check_destinations(folder: Path, module: str, output: Path) -> None:
    """Every file ``extract`` writes, checked before any is written (a ``UsageError`` names
    the first that cannot be), so a failure never leaves half an extraction behind."""
    from .modpath import package_folders

    packages = [folder / p for p in package_folders(module)]
    for package in packages:
        if package.exists() and not package.is_dir():
            raise UsageError(f"cannot write {folder / module}: {package} is a file, not a folder")
    for target in (*(p / "__init__.py" for p in packages), folder / module, output):
        if target.is_dir():
            raise UsageError(f"cannot write {target}: it is a folder")
        if target.exists() and not os.access(target, os.W_OK):
            raise UsageError(f"cannot write {target}: permission denied")
        existing = target.parent
        while not existing.exists() and existing in packages:
            existing = existing.parent  # write_module creates the package folders
        if not existing.is_dir():
            raise UsageError(f"cannot write {target}: the folder {target.parent} does not exist")
        if not os.access(existing, os.W_OK | os.X_OK):
            raise UsageError(f"cannot write {target}: permission denied in {existing}")


def _restore(files: dict[Path, bytes | None], folders: list[Path]) -> None:
    from .apply import write_text_atomic

    for file, data in files.items():
        if data is None:
            file.unlink(missing_ok=True)
        elif not file.is_file() or file.read_bytes() != data:
            write_text_atomic(file, data.decode("utf-8"))  # written with newline="": the same bytes
    for folder in reversed(folders):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def _verified(
    new_notebook: nbformat.NotebookNode, output: Path, notebook: nbformat.NotebookNode, folder: Path, quiet: bool
) -> bool:
    """``extract --verify``: the new notebook against the old one, in fresh kernels."""
    from .verify import format_result, verify

    result = verify(new_notebook, output.parent, notebook, folder)
    print(format_result(result, output.name), end="", file=sys.stderr if quiet else sys.stdout)
    return result["verdict"] == "same"


def run_extract(args: argparse.Namespace) -> int:
    import nbformat

    from .apply import read_module, replace_cells, write_module, write_text_atomic
    from .errors import RequestError
    from .extract import plan_extraction
    from .modpath import dotted_name
    from .naming import suggest_name

    if args.json and args.verify and not (args.apply or args.dry_run):
        raise UsageError("--json writes nothing without --apply: add --apply to extract and verify")
    path = Path(args.notebook)
    notebook = read_nbformat(path)
    cells = parse_cells(args.cells, len(notebook.cells))
    code = [i for i in cells if notebook.cells[i].cell_type == "code"]
    cells = code or cells  # markdown in a range stays where it is; alone, it is refused
    folder = path.parent
    request = {
        "notebook": notebook,
        "cells": cells,
        "name": args.name,
        "module": args.module,
        "mode": args.mode,
        "overwrite": args.overwrite,
        "path": path.name,
    }
    try:
        dotted_name(args.module)
        request["module_source"] = read_module(folder, args.module)
        if args.mode == "function" and not args.name:  # the one suggester (naming.py), as in the dialog
            request["name"] = suggest_name(notebook.cells, cells, request["module_source"])
        plan = plan_extraction(request)
    except (RequestError, OSError, UnicodeDecodeError) as err:
        raise UsageError(str(err)) from None
    if plan["refused"]:
        print(f"refused: {plan['refused']}", file=sys.stderr)
        return 1
    new_notebook = replace_cells(notebook, cells, plan["replacement"])
    output = Path(args.output) if args.output else path
    if args.json:
        print(json.dumps(plan, indent=2))
    if args.dry_run or (args.json and not args.apply):  # a plan to read never writes
        if not args.json:
            old_module = (request["module_source"] or "").splitlines(keepends=True)
            sys.stdout.writelines(
                difflib.unified_diff(
                    old_module, plan["module_source"].splitlines(keepends=True), f"a/{args.module}", f"b/{args.module}"
                )
            )
            sys.stdout.writelines(notebook_diff(notebook, new_notebook, path.name, output.name))
        return 0
    _check_destinations(folder, args.module, output)
    before = _snapshot(folder, args.module, output)
    try:
        written = write_module(folder, plan)
        text = nbformat.writes(new_notebook)
        write_text_atomic(output, text if text.endswith("\n") else text + "\n")
    except RequestError as err:  # the module changed between planning and writing
        _restore(*before)
        print(f"refused: {err}", file=sys.stderr)
        return 1
    except OSError as err:  # all or nothing: put back what was written
        _restore(*before)
        raise UsageError(f"cannot write: {err}") from None
    if args.verify and not _verified(new_notebook, output, notebook, folder, args.json):
        _restore(*before)
        print("verify: the extraction changes what the notebook shows: put everything back", file=sys.stderr)
        return 1
    if not args.json:
        for file in written:
            print(f"wrote {file}")
        print(f"wrote {output}")
        print(
            f"A running kernel that already imported {dotted_name(args.module)} must reload it (see --help) or restart."
        )
    return 0


# ----- lint and report ------------------------------------------------------------------

LINT_EPILOG = """\
Folders are searched recursively for *.ipynb, skipping what git ignores, virtualenvs and
the folders ruff skips (.venv, node_modules, .ipynb_checkpoints, ...; see --exclude). Settings
come from the nearest pyproject.toml with a [tool.jupyter-nbrefactor] table above each
notebook; --select/--ignore replace its select/ignore. Info findings (execution-count gaps,
size hints) are shown with --include info. Exit codes: 0 no finding at the --fail-on level,
1 findings at or above it, 2 usage errors, a bad configuration or an unreadable notebook
(NR000). Rules, settings and suppression: docs/lint.md.
"""


def _rule_list(text: str | None) -> list[str] | None:
    return None if text is None else [c for c in (p.strip() for p in text.split(",")) if c]


def _list(text: str | None) -> tuple[str, ...] | None:
    return None if text is None else tuple(p.strip() for p in text.split(",") if p.strip())


def add_lint(subparsers: Subparsers) -> None:
    from .lint_config import OUTPUT_FORMATS, SEVERITIES, SHOWN_BY_DEFAULT

    p = subcommand_parser(
        subparsers,
        "lint",
        run_lint,
        help="check saved notebooks (CI, pre-commit)",
        description="Check saved notebooks for hidden state, run-order problems and code smells.",
        epilog=LINT_EPILOG,
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="notebooks or folders")
    p.add_argument("--format", choices=OUTPUT_FORMATS, default="text")
    p.add_argument("--fail-on", choices=SEVERITIES[::-1], default="error", help="exit 1 from this severity up")
    p.add_argument("--select", help="only these rules (codes or prefixes, comma-separated): NR1,NR205")
    p.add_argument("--ignore", help="skip these rules (codes or prefixes, comma-separated)")
    p.add_argument(
        "--include",
        metavar="LEVELS",
        help=f"also show findings of these severities (comma-separated; {' and '.join(SHOWN_BY_DEFAULT)}"
        " are always shown): --include info",
    )
    p.add_argument("--exclude", metavar="GLOBS", help="folders and files a folder scan skips, replacing the defaults")
    p.add_argument("--extend-exclude", metavar="GLOBS", help="more to skip, added to the defaults (or to --exclude)")


def run_lint(args: argparse.Namespace) -> int:
    from . import __version__
    from .lint import (
        SEVERITIES,
        SHOWN_BY_DEFAULT,
        Config,
        ConfigError,
        find_config,
        lint_path,
        notebook_files,
        severity_at_least,
    )
    from .lint_output import FORMATS

    overrides = {
        k: v for k, v in (("select", _rule_list(args.select)), ("ignore", _rule_list(args.ignore))) if v is not None
    }
    include = _list(args.include) or ()
    unknown = [level for level in include if level not in SEVERITIES]
    if unknown:
        raise UsageError(f"--include: unknown severity {unknown[0]!r} (choose from {', '.join(SEVERITIES)})")
    shown = {*SHOWN_BY_DEFAULT, *include}
    findings = []
    hidden = count = 0
    try:
        Config.from_table(overrides)  # unknown codes on the command line are usage errors
        for path in notebook_files(
            (Path(p) for p in args.paths), _list(args.exclude), _list(args.extend_exclude) or ()
        ):
            if not path.is_file():  # gone since the scan listed it
                continue
            config = find_config(path)
            if overrides:
                config = Config.from_table({**config.table, **overrides}, config.source)
            for finding in lint_path(path, str(path), config):
                if finding.severity in shown:
                    findings.append(finding)
                else:
                    hidden += 1
            count += 1
    except FileNotFoundError as err:
        raise UsageError(f"no such file or folder: {err}") from None
    except ConfigError as err:
        raise UsageError(str(err)) from None
    if args.format == "sarif":
        sys.stdout.write(FORMATS["sarif"](findings, __version__))
    else:
        sys.stdout.write(FORMATS[args.format](findings))
    if args.format == "text":
        by = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
        more = f"; {hidden} info hidden (--include info)" if hidden else ""
        print(
            f"{len(findings)} finding{'s' * (len(findings) != 1)} ({by['error']} error, {by['warning']} warning, "
            f"{by['info']} info) in {count} notebook{'s' * (count != 1)}{more}",
            file=sys.stderr,
        )
    if any(f.rule == "NR000" for f in findings):
        return 2
    return 1 if any(severity_at_least(f.severity, args.fail_on) for f in findings) else 0


def add_report(subparsers: Subparsers) -> None:
    p = subcommand_parser(
        subparsers,
        "report",
        run_report,
        help="health report of a notebook: size, globals, run order, duplicates, what to extract",
        description="Health report of a saved notebook, a verdict, and the best cells to extract first.",
    )
    p.add_argument("notebook", help="the .ipynb file")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument(
        "--graph",
        choices=("json", "dot"),
        help="print the dataflow graph instead (cells, and edges from producer to reader labelled with the names)",
    )


def run_report(args: argparse.Namespace) -> int:
    from .lint import ConfigError, find_config, read_notebook
    from .report import format_report, health_report

    path = Path(args.notebook)
    try:
        nb, _, reason = read_notebook(path.read_bytes())
        config = find_config(path)
    except OSError as err:
        raise UsageError(f"cannot read {path}: {err.strerror or err}") from None
    except ConfigError as err:
        raise UsageError(str(err)) from None
    if nb is None:
        raise UsageError(f"cannot read {path}: {reason}")
    if args.graph:
        from .graph import graph_dot, notebook_graph_of

        graph = notebook_graph_of(nb)
        sys.stdout.write(json.dumps(graph, indent=2) + "\n" if args.graph == "json" else graph_dot(graph))
        return 0
    report = health_report(nb, str(path), config)
    sys.stdout.write(json.dumps(report, indent=2) + "\n" if args.format == "json" else format_report(report))
    return 0


# ----- verify ---------------------------------------------------------------------------

VERIFY_EPILOG = """\
Runs the notebook top to bottom in a fresh kernel (its kernelspec, else python3) in a scratch
copy of its folder (it reads its data files; what it writes is thrown away) and compares each
code cell's outputs with the saved ones. With --against, runs both notebooks fresh and compares
them cell by cell (a replacement cell with the cells it replaced). Addresses, clocks, progress
bars and temporary paths are ignored, numbers compared within 1e-9 relative. A cell that
differs is run once more: one whose two fresh runs differ is non-deterministic (not a failure).
Exit codes: 0 all the same, 1 a cell changed or the run failed, 2 usage errors and unreadable
notebooks.
"""


def add_verify(subparsers: Subparsers) -> None:
    p = subcommand_parser(
        subparsers,
        "verify",
        run_verify,
        help="run a notebook in a fresh kernel and check it shows what it shows (or what another shows)",
        description="Reproducibility check: run the notebook in a fresh kernel and compare its outputs.",
        epilog=VERIFY_EPILOG,
    )
    p.add_argument("notebook", help="the .ipynb file")
    p.add_argument("--against", metavar="OTHER.ipynb", help="compare with a fresh run of this notebook (the original)")
    # no default here: importing verify (nbformat, nbclient) would slow every --help
    p.add_argument("--timeout", type=float, help="seconds one cell may run (default: 600)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")


def run_verify(args: argparse.Namespace) -> int:
    from .verify import DEFAULT_TIMEOUT, format_result, verify

    if args.timeout is None:
        args.timeout = DEFAULT_TIMEOUT
    if not args.timeout > 0:
        raise UsageError("--timeout must be a positive number of seconds")
    path = Path(args.notebook)
    notebook = read_nbformat(path)
    against = Path(args.against) if args.against else None
    original = read_nbformat(against) if against else None
    result = verify(notebook, path.parent, original, against.parent if against else None, timeout=args.timeout)
    sys.stdout.write(json.dumps(result, indent=2) + "\n" if args.json else format_result(result, str(path)))
    return 0 if result["verdict"] == "same" else 1


# ----- config ---------------------------------------------------------------------------

CONFIG_EPILOG = """\
Moves hard-coded parameters (names bound to literals that later cells read, literal settings
of calls such as RandomForestClassifier(n_estimators=100), data paths) into a YAML file that
the notebook loads in a new first code cell: config = load_config("config.yaml"), the helper
living in src/config.py (created once, never overwritten). An existing config file is merged
into, its comments kept; a key it holds with another value is never overwritten (the
parameter gets another key, or the plan is refused). Nothing is written when the plan is
refused (exit 1, reason on stderr), with --dry-run, or with --json unless --apply.
"""


def add_config(subparsers: Subparsers) -> None:
    p = subcommand_parser(
        subparsers,
        "config",
        run_config,
        help="move hard-coded parameters into config.yaml",
        description="Move a notebook's hard-coded parameters into a config.yaml it loads.",
        epilog=CONFIG_EPILOG,
    )
    p.add_argument("notebook", help="the .ipynb file")
    p.add_argument("--select", nargs="+", metavar="KEY", help="only these parameters (keys as --json lists them)")
    p.add_argument("--config", default="config.yaml", help="the YAML file, relative to the notebook (config.yaml)")
    p.add_argument("--output", help="write the notebook here instead of rewriting it in place")
    p.add_argument(
        "--dry-run", action="store_true", help="print the YAML and the changed cells as diffs, write nothing"
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="print the plan (candidates with key, value, cell, line) as JSON; writes nothing without --apply",
    )
    p.add_argument("--apply", action="store_true", help="with --json: write config.yaml and the notebook too")


def run_config(args: argparse.Namespace) -> int:
    import nbformat

    from .apply import read_module, write_text_atomic
    from .config import HELPER_PATH, apply_config, plan_config, validate_config_path, write_config_files
    from .errors import RequestError

    path = Path(args.notebook)
    notebook = read_nbformat(path)
    folder = path.parent
    try:
        config_path = validate_config_path(args.config)
        target = folder / config_path
        request = {
            "notebook": notebook,
            "config_path": config_path,
            "config_source": target.read_text(encoding="utf-8") if target.is_file() else None,
            "helper_source": read_module(folder, HELPER_PATH),
            "select": args.select,
        }
        plan = plan_config(request)
    except (RequestError, OSError, UnicodeDecodeError) as err:
        raise UsageError(str(err)) from None
    if args.json:
        print(json.dumps(plan, indent=2))
    if not plan["candidates"] and plan["refused"]:
        if not args.json:
            print(f"{path}: {plan['refused']}", file=sys.stderr)
        return 0
    if plan["refused"]:
        print(f"refused: {plan['refused']}", file=sys.stderr)
        return 1
    output = Path(args.output) if args.output else path
    new_notebook = apply_config(notebook, plan)
    if args.dry_run or (args.json and not args.apply):  # a plan to read never writes
        if not args.json:
            old = (request["config_source"] or "").splitlines(keepends=True)
            new = plan["config_source"].splitlines(keepends=True)
            sys.stdout.writelines(difflib.unified_diff(old, new, f"a/{config_path}", f"b/{config_path}"))
            if plan["load_cell"]:
                n = plan["load_cell"]["index"] + 1
                sys.stdout.write(f"new cell {n} (loads the config):\n")
                sys.stdout.writelines(f"+{line}\n" for line in plan["load_cell"]["source"].splitlines())
            for change in plan["cells"]:
                n = change["index"] + 1
                old_cell = "".join(notebook.cells[change["index"]].source).splitlines(keepends=True)
                sys.stdout.writelines(
                    line if line.endswith("\n") else line + "\n"
                    for line in difflib.unified_diff(
                        old_cell, change["source"].splitlines(keepends=True), f"a/cell {n}", f"b/cell {n}"
                    )
                )
            for note in plan["notes"]:
                print(f"note: {note}")
        return 0
    try:
        written = write_config_files(folder, plan)
        text = nbformat.writes(new_notebook)
        write_text_atomic(output, text if text.endswith("\n") else text + "\n")
    except RequestError as err:  # the config changed between planning and writing
        print(f"refused: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        raise UsageError(f"cannot write: {err}") from None
    if not args.json:
        moved = sum(1 for c in plan["candidates"] if c["selected"])
        print(f"moved {moved} parameter{'s' * (moved != 1)} to {config_path}")
        for file in written:
            print(f"wrote {file}")
        print(f"wrote {output}")
        for note in plan["notes"]:
            print(f"note: {note}")
    return 0


# ----- graduate -------------------------------------------------------------------------

GRADUATE_EPILOG = """\
Splits the notebook at its headings (the level that gives 2-8 sections), moves each section's
code into src/<section>.py as a function (plan_extraction, as extract does), keeps the cells
that only display or plot, and writes a script (--script, default scripts/train.py) whose
main() runs the sections in order and saves the fitted models (joblib) into its --output
folder: python scripts/train.py --output models/. An existing module is merged into; an
existing script is never replaced without --overwrite. With --verify the graduated notebook
and the original run in fresh kernels; when they differ everything is put back (exit 1).
Nothing is written with --dry-run, or with --json unless --apply.
Exit codes as extract: 0 done, 1 refused (nothing written) or changed, 2 usage errors.
"""


def add_graduate(subparsers: Subparsers) -> None:
    p = subcommand_parser(
        subparsers,
        "graduate",
        run_graduate,
        help="turn a notebook's sections into src/ modules and a scripts/train.py with a command line",
        description="Graduate a notebook: its sections become modules, a script runs them.",
        epilog=GRADUATE_EPILOG,
    )
    p.add_argument("notebook", help="the .ipynb file")
    p.add_argument("--script", default="scripts/train.py", help="the script, relative to the notebook's folder")
    p.add_argument("--output", help="write the notebook here instead of rewriting it in place")
    p.add_argument("--dry-run", action="store_true", help="print every file and the notebook as diffs, write nothing")
    p.add_argument("--overwrite", action="store_true", help="replace an existing script and same-named functions")
    p.add_argument(
        "--verify",
        action="store_true",
        help="run the graduated notebook and the original in fresh kernels; when they differ, put everything back",
    )
    p.add_argument("--json", action="store_true", help="print the plan as JSON; writes nothing without --apply")
    p.add_argument("--apply", action="store_true", help="with --json: write the files and the notebook too")


def run_graduate(args: argparse.Namespace) -> int:
    import nbformat

    from .errors import RequestError
    from .graduate import candidate_paths, plan_graduation, read_sources, run_command, snapshot, undo, write_files

    if args.json and args.verify and not (args.apply or args.dry_run):
        raise UsageError("--json writes nothing without --apply: add --apply to graduate and verify")
    path = Path(args.notebook)
    notebook = read_nbformat(path)
    folder = path.parent
    output = Path(args.output) if args.output else path
    try:
        sources = read_sources(folder, candidate_paths(notebook, args.script))
        plan = plan_graduation(
            {
                "notebook": notebook,
                "script": args.script,
                "sources": sources,
                "overwrite": args.overwrite,
                "path": path.name,
            }
        )
    except (RequestError, OSError, UnicodeDecodeError) as err:
        raise UsageError(str(err)) from None
    if args.json:
        print(json.dumps(plan, indent=2))
    if plan["refused"]:
        print(f"refused: {plan['refused']}", file=sys.stderr)
        return 1
    if args.dry_run or (args.json and not args.apply):  # a plan to read never writes
        if not args.json:
            for f in plan["files"]:
                old = (sources.get(f["path"]) or "").splitlines(keepends=True)
                sys.stdout.writelines(
                    difflib.unified_diff(old, f["source"].splitlines(keepends=True), f"a/{f['path']}", f"b/{f['path']}")
                )
            new_nb = nbformat.from_dict(plan["notebook"])
            sys.stdout.writelines(notebook_diff(notebook, new_nb, path.name, output.name))
            print(plan["report_text"], end="")
        return 0
    before = snapshot(folder, plan, output)
    try:
        written = write_files(folder, plan, output)
    except RequestError as err:  # a file changed between planning and writing
        print(f"refused: {err}", file=sys.stderr)
        return 1
    except OSError as err:  # write_files put back what it wrote
        raise UsageError(f"cannot write: {err}") from None
    new_notebook = nbformat.from_dict(plan["notebook"])
    if args.verify and not _verified(new_notebook, output, notebook, folder, args.json):
        undo(*before)
        print("verify: the graduation changes what the notebook shows: put everything back", file=sys.stderr)
        return 1
    if not args.json:
        for file in written:
            print(f"wrote {file}")
        for kept in plan["kept"]:
            print(f"kept cell {kept['cell'] + 1} ({kept['section']}): {kept['reason']}")
        print(plan["report_text"], end="")
        print(f"run it from {folder.resolve()}: {run_command(plan['script'], plan['config'])}")
    return 0


SUBCOMMANDS = [add_extract, add_lint, add_report, add_verify, add_config, add_graduate]


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``jupyter nbrefactor`` / ``jupyter-nbrefactor``. Building the parser
    imports nothing heavy: each subcommand imports the engine in its ``run``."""
    from . import __version__

    parser = _Parser(prog="jupyter nbrefactor", description="Find hidden state in notebooks; move cells into modules.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for add in SUBCOMMANDS:
        add(sub)
    args = parser.parse_args(argv)
    if args.command is None:  # bare `jupyter nbrefactor`: what it can do, as a usage error
        parser.print_help(sys.stderr)
        return 2
    try:
        run: Run = args.run  # set by subcommand_parser
        status = run(args)
        sys.stdout.flush()
    except UsageError as err:
        print(f"{parser.prog} {args.command}: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `... | head` stopped reading: not an error worth a traceback
        # Python flushes stdout again at exit: point it at devnull so that cannot fail
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return status


if __name__ == "__main__":
    sys.exit(main())
