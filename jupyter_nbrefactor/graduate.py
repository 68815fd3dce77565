"""Graduating a notebook: its sections become ``src/*.py`` modules, a ``scripts/train.py``
with a command line runs them, and the notebook becomes a short driver.

``plan_graduation`` is pure (JSON in, JSON out) and writes nothing; ``apply_graduation``
and ``write_files`` apply a plan. It is built on ``plan_extraction``: every section's code
is moved by one (or, around kept cells, a few) extraction plans, applied one after the
other to the notebook, so each move is checked and refused exactly as ``extract`` would.

What moves and what stays:

- The notebook is split at the markdown headings of the level that gives 2-8 sections
  (``choose_level``); the cells above the first section (imports, constants) are the
  preamble and stay. A notebook without such headings falls back to the extraction
  candidates the Health report ranks, one section each.
- In a section, a code cell that only displays or plots (it binds or changes nothing a
  later cell reads, and prints nothing) stays, with that reason; the other cells move,
  one function per run of adjacent cells (module mode when the run holds only imports,
  definitions and constants). A run the extraction refuses stays, with its refusal.
- The script runs the preamble, then the replacement calls in notebook order, and saves
  the fitted objects the calls give back (a name ``.fit(``-ted in the notebook) with
  joblib into ``--output``.
"""

from __future__ import annotations

import ast
import posixpath
import re
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

import nbformat

from .cells import cell_facts
from .errors import RequestError
from .extract import plan_extraction, replaced_ids, source_hash
from .language import notebook_language
from .modpath import package_folders, validate_module_path
from .naming import suggest
from .request import BOOLEAN, JSON_OBJECT, STRING, Kind, as_text, check, get_field

if TYPE_CHECKING:
    from .apply import Contents

DEFAULT_SCRIPT = "scripts/train.py"
MIN_SECTIONS, MAX_SECTIONS = 2, 8
FIT_METHODS = frozenset({"fit", "fit_transform", "fit_predict", "partial_fit"})
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$")
_UNDERLINE = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_LIST_ITEM = re.compile(r"^\s*([-*+>|]|\d+[.)])(\s|$)")
# Magics a script can drop: they only configure how the notebook shows things.
_DROPPABLE_MAGICS = re.compile(r"^\s*%(matplotlib|config|load_ext|autoreload|aimport)\b.*$", re.M)
_NOTEBOOK = Kind(
    'an nbformat v4 notebook with a "cells" list',
    lambda value: isinstance(value, dict) and isinstance(value.get("cells"), list),
)
_SOURCES = Kind(
    "an object mapping paths to their text (or null when absent)",
    lambda value: isinstance(value, dict) and all(isinstance(v, (str, type(None))) for v in value.values()),
)


# ----- the plan's parts -------------------------------------------------------------------


class Section(TypedDict):
    """A part of the notebook that becomes one module: its heading and every cell under it."""

    title: str
    cells: list[int]


class _Kept(TypedDict):
    cell: int
    reason: str


class Kept(_Kept, total=False):
    """A code cell that stays in the notebook, and why."""

    refused: bool  # present (true) when it stays because it cannot move, not by choice


class KeptInSection(Kept):
    section: str


class Move(TypedDict):
    """A run of cells moved by one extraction."""

    cells: list[int]
    name: str  # the function (or, module mode, the module's first definition)
    module: str
    mode: str  # "function" or "module"
    params: list[str]
    returns: list[str]
    replacement: str  # the cell that takes their place


class _RefusedRun(TypedDict):
    section: str
    refused: str
    refused_at: dict[str, Any]  # the extraction's ``refused_at``, empty when it gave none


class SectionPlan(TypedDict):
    title: str
    cells: list[int]
    moves: list[Move]
    kept: list[Kept]


class FileToWrite(TypedDict):
    path: str  # relative to the notebook's folder
    source: str
    base_hash: str | None  # of its text when planned (None: absent)
    exists: bool


class CodeFigures(TypedDict):
    lines: int
    globals: int
    functions: int


class Figures(CodeFigures):
    path: str


class BeforeAfter(TypedDict):
    before: list[Figures]
    after: list[Figures]


class RestoreStep(TypedDict):
    """An ``extract/restore`` request that takes one written file back."""

    module: str
    source: str | None
    expected_hash: str | None
    created: list[str]


class _Request(TypedDict):
    notebook: dict[str, Any]
    script: str
    sources: dict[str, str | None]
    overwrite: bool
    path: str


# ----- sections ---------------------------------------------------------------------------


def headings(nb_cells: Sequence[Mapping[str, Any]]) -> list[tuple[int, int, str]]:
    """(cell index, level, text) of every markdown heading; a title (a level-1 heading in
    the first markdown cell) is left out: it names the notebook, not a section."""
    first_markdown = next((i for i, c in enumerate(nb_cells) if c.get("cell_type") == "markdown"), None)
    out = []
    for i, cell in enumerate(nb_cells):
        if cell.get("cell_type") != "markdown":
            continue
        for level, text in markdown_headings(as_text(cell.get("source", ""))):
            if i == first_markdown and level == 1:
                continue
            out.append((i, level, text))
    return out


def markdown_headings(text: str) -> list[tuple[int, str]]:
    """(level, text) of the headings in a markdown cell: ``## Title`` and the setext form
    (a line underlined with ``===``: level 1, ``---``: level 2), as JupyterLab renders
    them; RST-style titles (sphinx-gallery's, also over-lined) are setext headings too.
    Lines inside fenced code blocks are not headings."""
    lines = text.splitlines()
    out: list[tuple[int, str]] = []
    fenced = False
    for k, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        atx = _HEADING.match(line)
        if atx:
            out.append((len(atx.group(1)), atx.group(2)))
            continue
        under = _UNDERLINE.match(lines[k + 1]) if k + 1 < len(lines) else None
        if under and _setext_text(line, lines[k - 1] if k else ""):
            out.append((1 if under.group(1)[0] == "=" else 2, line.strip()))
    return out


def _setext_text(line: str, above: str) -> bool:
    """Whether ``line`` (underlined) is a heading's text: a paragraph's only line (after a
    blank line, a heading, a fence or an RST overline), not a list item, quote or table."""
    if not line.strip() or _UNDERLINE.match(line) or _LIST_ITEM.match(line) or line.startswith(("    ", "\t")):
        return False
    return (
        not above.strip()
        or bool(_HEADING.match(above) or _FENCE.match(above))
        or bool(_UNDERLINE.match(above) and above.strip()[0] == "=")
    )


def choose_level(found: list[tuple[int, int, str]], nb_cells: Sequence[Mapping[str, Any]]) -> int | None:
    """The shallowest heading level whose headings (and those above it) cut the notebook
    into 2-8 sections with code; None when no level does."""
    for level in range(1, 7):
        starts = sorted({i for i, lv, _ in found if lv <= level})
        sections = [s for s in _spans(starts, len(nb_cells)) if any(_is_code(nb_cells[j]) for j in s)]
        if MIN_SECTIONS <= len(sections) <= MAX_SECTIONS:
            return level
    return None


def _spans(starts: list[int], n: int) -> list[list[int]]:
    return [list(range(a + 1, b)) for a, b in zip(starts, [*starts[1:], n])]


def _is_code(cell: Mapping[str, Any]) -> bool:
    return cell.get("cell_type") == "code"


def find_sections(nb: Mapping[str, Any]) -> tuple[list[Section], str]:
    """The sections (``{"title", "cells"}``, cells: every cell index under the heading) and
    how they were found (``"headings level N"`` or ``"health candidates"``)."""
    nb_cells = nb["cells"]
    found = headings(nb_cells)
    level = choose_level(found, nb_cells)
    if level is not None:
        chosen = [(i, text) for i, lv, text in found if lv <= level]
        starts: dict[int, str] = {}
        for i, text in chosen:
            starts.setdefault(i, text)  # a cell with two headings: its first names the section
        order = sorted(starts)
        return [
            {"title": starts[a], "cells": span} for a, span in zip(order, _spans(order, len(nb_cells)))
        ], f"headings level {level}"
    from .lint import NotebookFacts
    from .report import extraction_candidates

    facts = NotebookFacts(nb)
    candidates = extraction_candidates(nb, facts, limit=MAX_SECTIONS)
    sections: list[Section] = [{"title": c["name"].replace("_", " "), "cells": c["cells"]} for c in candidates]
    return sorted(sections, key=lambda s: s["cells"][0]), "health candidates"


# ----- what moves ----------------------------------------------------------------------------


def _prints(tree: ast.AST | None) -> bool:
    return tree is not None and any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "print" for n in ast.walk(tree)
    )


def stay_reason(nb_cells: Sequence[Mapping[str, Any]], index: int) -> str | None:
    """Why the code cell at ``index`` stays in the notebook (it only displays or plots), or
    None when it moves: it binds or changes a name a later cell reads, or it prints."""
    facts = cell_facts(as_text(nb_cells[index].get("source", "")))
    if facts.error is not None or _prints(facts.tree):
        return None
    changed = set(facts.defines) | set(facts.mutates) | set(facts.deletes)
    killed: set[str] = set()
    for cell in nb_cells[index + 1 :]:
        if not _is_code(cell):
            continue
        later = cell_facts(as_text(cell.get("source", "")))
        if any(n in changed and n not in killed for n in later.reads):
            return None
        killed.update(n for n in later.defines if n not in later.uncertain_defines)
    if not (facts.source.strip()):
        return "empty"
    return "only displays or plots (nothing it makes is used below)"


def formula_reads(source: str, notebook_names: set[str]) -> str | None:
    """Why a cell cannot move into a function, or None: it passes a model formula
    (``"y ~ x1 + np.sin(x1)"``) naming the notebook's variables or imports, which patsy
    looks up where the call runs; in a module's function they are not there."""
    tree = cell_facts(source).tree
    if tree is None:
        return None
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and "~" in arg.value:
                names = sorted(set(re.findall(r"[A-Za-z_]\w*", arg.value)) & notebook_names)
                if names:
                    return (
                        f"line {arg.lineno}: the formula {arg.value.strip()!r} names {', '.join(names)}, "
                        "which it looks up where the call runs (not in a module's function)"
                    )
    return None


def _may_draw(source: str) -> bool:
    """Whether a cell may draw a figure through a library's plotting method
    (``res.plot_forest()``, ``sm.qqplot(…)``, ``df.plot(…)``): Jupyter shows it when the
    cell ends, so a run of moved cells ends there too (one function would show it later,
    after the next cells' output; extraction only knows matplotlib's and seaborn's calls)."""
    tree = cell_facts(source).tree
    if tree is None:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name.lower().startswith("plot") or name.lower().endswith("plot"):
                return True
    return False


def _module_only(source: str) -> bool:
    """Only imports, definitions and constant assignments: moves as it is (module mode)."""
    tree = cell_facts(source).tree
    if tree is None or not tree.body:
        return False
    for stmt in tree.body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(stmt.value, ast.Constant):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
            continue
        return False
    return any(isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) for s in tree.body)


def fitted_names(nb_cells: Sequence[Mapping[str, Any]]) -> list[str]:
    """Names the notebook fits (``model.fit(…)``), in the order of their first fit."""
    out: list[str] = []
    for cell in nb_cells:
        if not _is_code(cell):
            continue
        tree = cell_facts(as_text(cell.get("source", ""))).tree
        if tree is None:
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in FIT_METHODS
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id not in out
            ):
                out.append(node.func.value.id)
    return out


# ----- the request ---------------------------------------------------------------------------


def _parse(request: object) -> _Request:
    check(request, JSON_OBJECT, "the request")
    assert isinstance(request, dict)
    nb = get_field(request, "notebook", _NOTEBOOK, '"notebook"')
    script = get_field(request, "script", STRING, default=DEFAULT_SCRIPT, null_is_absent=True)
    script = validate_module_path(script)
    sources = get_field(request, "sources", _SOURCES, default={}, null_is_absent=True)
    overwrite = get_field(request, "overwrite", BOOLEAN, default=False, null_is_absent=True)
    path = get_field(request, "path", STRING, default="notebook.ipynb", null_is_absent=True)
    for i, cell in enumerate(nb["cells"]):
        if not isinstance(cell, dict) or "source" not in cell:
            raise RequestError(f'"notebook": cell {i + 1} has no "source"')
    return {"notebook": nb, "script": script, "sources": sources, "overwrite": overwrite, "path": path}


# ----- planning ------------------------------------------------------------------------------


def plan_graduation(request: Mapping[str, Any]) -> dict[str, Any]:
    """Plan graduating a notebook.

    Request: ``{"notebook": <nbformat v4>, "script"?: "scripts/train.py", "sources"?:
    {path: current text or null} for the files the plan may write (relative to the
    notebook's folder; a path left out is taken as absent), "overwrite"?: false,
    "path"?: the notebook's file name, for the report}.

    Response: ``{"refused": null | reason, "refused_at", "sections": [{"title", "cells",
    "moves": [{"cells", "name", "module", "mode", "params", "returns"}], "kept": [{"cell",
    "reason"}]}], "kept", "files": [{"path", "source", "base_hash", "exists"}], "notebook":
    <the graduated notebook>, "replaced": [ids of moved cells], "fitted", "script",
    "report": {"before", "after"}, "report_text", "how"}``. Nothing is written."""
    req = _parse(request)
    nb: nbformat.NotebookNode = nbformat.from_dict(req["notebook"])
    base: dict[str, Any] = {
        "refused": None,
        "refused_at": None,
        "sections": [],
        "kept": [],
        "files": [],
        "notebook": None,
        "replaced": [],
        "fitted": [],
        "script": req["script"],
        "report": None,
        "report_text": "",
        "how": None,
    }
    language = notebook_language(nb)
    if language != "python":
        return {**base, "refused": f"this notebook runs {language}, not Python: only Python notebooks graduate"}
    sections, how = find_sections(nb)
    base["how"] = how
    if not sections:
        return {**base, "refused": "no sections: the notebook has no headings and no code the extraction accepts"}
    sources: dict[str, str | None] = dict(req["sources"])
    moved_to: dict[str, str] = {}  # module -> its text with the moves so far
    original = nb.cells
    fitted = fitted_names(original)
    # A last cell that reads the fitted objects: every extraction gives them back, so the
    # script can save them (the notebook only gains the names; nothing reads them there).
    reader: nbformat.NotebookNode | None = nbformat.v4.new_code_cell(", ".join(fitted)) if fitted else None
    work: nbformat.NotebookNode = nbformat.from_dict(nb)
    shift = 0  # how many cells the extractions so far removed above the current one
    taken: set[str] = set()
    kept_all: list[KeptInSection] = []
    done: list[Move] = []  # the runs moved, in notebook order
    refused_runs: list[_RefusedRun] = []
    out_sections: list[SectionPlan] = []
    notebook_names = {n for c in original if _is_code(c) for n in cell_facts(as_text(c.get("source", ""))).defines}
    for section in sections:
        code = [i for i in section["cells"] if _is_code(original[i])]
        kept: list[Kept] = []
        runs: list[list[int]] = []
        run: list[int] = []
        for i in code:
            reason = stay_reason(original, i)
            formula = formula_reads(as_text(original[i].get("source", "")), notebook_names)
            if reason is None and formula is not None:
                kept.append({"cell": i, "reason": formula, "refused": True})
                if run:
                    runs.append(run)
                    run = []
                continue
            if reason is None:
                run.append(i)
                if _may_draw(as_text(original[i].get("source", ""))):
                    runs.append(run)  # its figure shows where the cell ended, as in the notebook
                    run = []
                continue
            kept.append({"cell": i, "reason": reason})
            if run:
                runs.append(run)
                run = []
        if run:
            runs.append(run)
        if not code:
            kept = []
        moves: list[Move] = []
        for cells in runs:
            at = [i - shift for i in cells]
            # markdown between the run's code cells stays where it is: only code is selected
            plan, name, module, mode = _plan_run(work, reader, at, section, sources, req, taken)
            if plan["refused"]:
                refused_at = plan.get("refused_at") or {}
                kept.extend(
                    {"cell": i, "reason": f"the extraction refused it: {plan['refused']}", "refused": True}
                    for i in cells
                )
                refused_runs.append({"section": section["title"], "refused": plan["refused"], "refused_at": refused_at})
                continue
            taken.add(name)
            sources[module] = moved_to[module] = plan["module_source"]
            work = _replace(work, at, plan["replacement"])
            shift += len(at) - 1
            move: Move = {
                "cells": cells,
                "name": name,
                "module": module,
                "mode": mode,
                "params": plan["params"],
                "returns": plan["returns"],
                "replacement": plan["replacement"],
            }
            moves.append(move)
            done.append(move)
        kept.sort(key=lambda k: k["cell"])
        kept_all.extend({**k, "section": section["title"]} for k in kept)
        out_sections.append({"title": section["title"], "cells": section["cells"], "moves": moves, "kept": kept})
    if not done:
        first = refused_runs[0] if refused_runs else None
        reason = (
            f"section {first['section']!r}: {first['refused']}"
            if first
            else "every section only displays or plots: nothing to move"
        )
        where = first["refused_at"] if first else None
        return {**base, "sections": out_sections, "kept": kept_all, "refused": reason, "refused_at": where or None}
    bound = {n for m in done for n in m["returns"]}
    saved = [n for n in fitted if n in bound]
    script_source, config_path = script_text(original, done, saved, req["script"], req["path"], kept_all)
    files: list[FileToWrite] = []
    modules = sorted({m["module"] for m in done}, key=lambda p: min(x["cells"][0] for x in done if x["module"] == p))
    for module in modules:
        before = req["sources"].get(module)
        files.append(
            {"path": module, "source": moved_to[module], "base_hash": source_hash(before), "exists": before is not None}
        )
    existing_script = req["sources"].get(req["script"])
    if existing_script is not None and not req["overwrite"]:
        return {
            **base,
            "sections": out_sections,
            "kept": kept_all,
            "refused": f"{req['script']} already exists: choose another --script (or ask to overwrite)",
            "overwrite_would_help": True,
        }
    files.append(
        {
            "path": req["script"],
            "source": script_source,
            "base_hash": source_hash(existing_script),
            "exists": existing_script is not None,
        }
    )
    for package in sorted({p for f in files[:-1] for p in package_folders(f["path"])}):
        init = f"{package}/__init__.py"
        if req["sources"].get(init) is None:
            files.append({"path": init, "source": "", "base_hash": None, "exists": False})
    report = before_after(original, work, files, req["path"])
    return {
        **base,
        "sections": out_sections,
        "kept": kept_all,
        "files": files,
        "notebook": work,
        "replaced": [i for m in done for i in replaced_ids(original, m["cells"])],
        "fitted": saved,
        "config": config_path,
        "report": report,
        "report_text": format_report(report),
        "overwrite_would_help": False,
    }


def parenthesize_shown_tuple(source: str) -> str:
    """``a, b`` as a cell's last line -> ``(a, b)``: the same value, shown the same way.

    Works around extraction showing an unparenthesized tuple as ``display(a, b)`` (two
    outputs instead of one tuple's repr), found by bench_graduate on statsmodels'
    rankcompare notebook; extract.py is another helper's to fix."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    last = tree.body[-1] if tree.body else None
    if not (isinstance(last, ast.Expr) and isinstance(last.value, ast.Tuple) and last.value.elts):
        return source
    lines = source.splitlines(keepends=True)
    start = sum(len(line) for line in lines[: last.lineno - 1]) + len(
        lines[last.lineno - 1].encode()[: last.col_offset].decode()
    )
    segment = ast.get_source_segment(source, last.value)
    if segment is None or source[start:].startswith("("):
        return source
    return source[:start] + "(" + segment + ")" + source[start + len(segment) :]


def _plan_run(
    work: nbformat.NotebookNode,
    reader: nbformat.NotebookNode | None,
    at: list[int],
    section: Section,
    sources: Mapping[str, str | None],
    req: _Request,
    taken: set[str],
) -> tuple[dict[str, Any], str, str, str]:
    """One extraction plan for the cells ``at`` of the notebook as edited so far."""
    planned: nbformat.NotebookNode = nbformat.from_dict(work)
    for i in at:
        planned.cells[i].source = parenthesize_shown_tuple(as_text(planned.cells[i].source))
    if reader is not None:
        planned.cells.append(reader)
    sources_code = [as_text(work.cells[i].source) for i in at]
    mode = "module" if all(_module_only(s) for s in sources_code) else "function"
    module = _section_module(section["title"]) or suggest(planned, at)["module"]
    name = suggest(planned, at, module_source=sources.get(module), avoid=taken)["name"]
    plan = plan_extraction(
        {
            "notebook": planned,
            "cells": at,
            "name": name,
            "module": module,
            "mode": mode,
            "module_source": sources.get(module),
            "overwrite": req["overwrite"],
            "path": req["path"],
        }
    )
    return plan, name, module, mode


def _section_module(title: str) -> str:
    """The module ``naming.suggest_module`` gives a section with this heading."""
    from .naming import suggest_module

    cells = [
        nbformat.v4.new_markdown_cell("# notebook"),
        nbformat.v4.new_markdown_cell(f"## {title}"),
        nbformat.v4.new_code_cell("pass"),
    ]
    return suggest_module(cells, [2])


def _replace(nb: nbformat.NotebookNode, at: list[int], replacement: str) -> nbformat.NotebookNode:
    from .apply import replace_cells

    return replace_cells(nb, at, replacement)


# ----- the script ----------------------------------------------------------------------------


def _script_lines(source: str) -> list[str]:
    """A notebook cell's code as script lines: view-only magics dropped, a last bare
    expression (what the cell showed) dropped."""
    text = _DROPPABLE_MAGICS.sub("", source)
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return [f"# (IPython syntax, not run here) {line}" for line in text.splitlines() if line.strip()]
    lines = text.splitlines()
    if tree.body and isinstance(tree.body[-1], ast.Expr) and not isinstance(tree.body[-1].value, ast.Call):
        last = tree.body[-1]
        lines = lines[: last.lineno - 1] + lines[(last.end_lineno or last.lineno) :]
    return [line.rstrip() for line in lines if line.strip()]


def _imports_only(source: str) -> bool:
    try:
        tree = ast.parse(_DROPPABLE_MAGICS.sub("", source))
    except SyntaxError:
        return False
    return bool(tree.body) and all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in tree.body)


def _config_literal(source: str) -> str | None:
    """The path a ``config = load_config("config.yaml")`` line (issue 15's load cell) reads."""
    from .config import CONFIG_NAME

    match = re.search(rf"^{CONFIG_NAME}\s*=\s*load_config\(\s*(['\"])([^'\"]+\.ya?ml)\1\s*\)", source, re.M)
    return match.group(2) if match else None


def script_text(
    nb_cells: Sequence[Mapping[str, Any]],
    moves: Sequence[Move],
    saved: list[str],
    script: str,
    notebook_path: str,
    kept: Sequence[Kept],
) -> tuple[str, str | None]:
    """The script's text and the config path its ``--config`` defaults to (None: no
    ``--config``): module-level imports, then ``main()`` running the cells that are not
    display-only in notebook order (moved ones as their calls), saving ``saved``."""
    display_only = {k["cell"] for k in kept if not k.get("refused")}
    by_first = {m["cells"][0]: m for m in moves}
    moved = {i for m in moves for i in m["cells"]}
    header: list[str] = []
    body: list[str] = []
    config_path = None
    first_move = min(by_first)
    for i, cell in enumerate(nb_cells):
        if not _is_code(cell) or i in display_only:
            continue
        source = as_text(cell.get("source", ""))
        if i in by_first:
            body.append(f"# {by_first[i]['module']}: {_cells_label(by_first[i]['cells'])} of the notebook")
            body.extend(_script_lines(by_first[i]["replacement"]))
            continue
        if i in moved:
            continue
        if i < first_move and _imports_only(source):
            header.extend(_script_lines(source))
            continue
        path = _config_literal(source)
        lines = _script_lines(source)
        if path is not None:
            config_path = path
            lines = [line.replace(f'"{path}"', "args.config").replace(f"'{path}'", "args.config") for line in lines]
        if lines:
            body.append(f"# cell {i + 1} of the notebook")
            body.extend(lines)
    depth = len(script.split("/")) - 1
    title = posixpath.basename(notebook_path)
    out = [
        f'"""The pipeline of {title}, as a script (graduated by jupyter-nbrefactor).',
        "",
        f"Run it from the project folder: {run_command(script, config_path)}",
        '"""',
        "",
        "import argparse",
        "import sys",
        "from pathlib import Path",
        "",
        *(["import joblib", ""] if saved else []),
    ]
    if depth:
        out += [
            "# the project folder (where src/ is), so that `import src.…` works from anywhere",
            f"sys.path.insert(0, str(Path(__file__).resolve().parents[{depth}]))",
            "",
        ]
    if header:
        out += [*header, ""]
    out += ["", "def main(argv=None):"]
    out += [
        f'    parser = argparse.ArgumentParser(description="Run the pipeline of {title}.")',
    ]
    if config_path is not None:
        out.append(
            f'    parser.add_argument("--config", default="{config_path}", help="the parameters (default: {config_path})")'
        )
    out += [
        '    parser.add_argument("--output", default="models", help="folder the fitted models are saved in")',
        "    args = parser.parse_args(argv)",
    ]
    out += [f"    {line}" if line else "" for line in body]
    if saved:
        out += [
            "    output = Path(args.output)",
            "    output.mkdir(parents=True, exist_ok=True)",
        ]
        for name in saved:
            out += [
                f'    joblib.dump({name}, output / "{name}.joblib")',
                f'    print("saved", output / "{name}.joblib")',
            ]
    out += ["", "", 'if __name__ == "__main__":', "    main()", ""]
    text = "\n".join(out)
    compile(text, script, "exec", dont_inherit=True)
    return text, config_path


def run_command(script: str, config: str | None) -> str:
    """How to run the graduated script from the project folder."""
    return f"python {script}" + (f" --config {config}" if config else "") + " --output models/"


def _cells_label(cells: list[int]) -> str:
    return f"cells {cells[0] + 1}-{cells[-1] + 1}" if len(cells) > 1 else f"cell {cells[0] + 1}"


# ----- the before/after report -------------------------------------------------------------


def code_figures(sources: Sequence[str]) -> CodeFigures:
    """``{"lines", "globals", "functions"}``: non-blank code lines, names bound at module
    level, functions defined (at any depth) — the lecture's measure of a notebook's mess."""
    lines = 0
    names: set[str] = set()
    functions = 0
    for source in sources:
        facts = cell_facts(source)
        lines += sum(1 for line in source.splitlines() if line.strip() and not line.strip().startswith("#"))
        names.update(n for n in facts.defines if not n.startswith("_"))
        if facts.tree is not None:
            functions += sum(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) for n in ast.walk(facts.tree))
    return {"lines": lines, "globals": len(names), "functions": functions}


def _code_sources(nb: Mapping[str, Any]) -> list[str]:
    return [as_text(c.get("source", "")) for c in nb["cells"] if _is_code(c)]


def before_after(
    original: Sequence[Mapping[str, Any]], new_nb: Mapping[str, Any], files: Sequence[FileToWrite], path: str
) -> BeforeAfter:
    name = posixpath.basename(path)
    before: list[Figures] = [
        {"path": name, **code_figures([as_text(c.get("source", "")) for c in original if _is_code(c)])}
    ]
    after: list[Figures] = [{"path": name, **code_figures(_code_sources(new_nb))}]
    after += [{"path": f["path"], **code_figures([f["source"]])} for f in files if f["source"]]
    return {"before": before, "after": after}


def _figures(row: Figures) -> str:
    fn = "function" if row["functions"] == 1 else "functions"
    return f"{row['path']}: {row['lines']} lines, {row['globals']} globals, {row['functions']} {fn}"


def format_report(report: BeforeAfter) -> str:
    """``big.ipynb: 134 lines, 41 globals, 0 functions → src/data.py …`` (one per line)."""
    before = "; ".join(_figures(r) for r in report["before"])
    return "\n".join([f"before: {before}", "after:", *(f"  {_figures(r)}" for r in report["after"])]) + "\n"


# ----- applying (the local disk: the CLI; the server writes through its ContentsManager) -----


def read_sources(folder: Path, plan_paths: Sequence[str]) -> dict[str, str | None]:
    """The current text of each path under ``folder`` (None: absent), for ``"sources"``."""
    out: dict[str, str | None] = {}
    for rel in plan_paths:
        file = folder / rel
        out[rel] = file.read_text(encoding="utf-8") if file.is_file() else None
    return out


def candidate_paths(nb: Mapping[str, Any], script: str) -> list[str]:
    """Every file a graduation of ``nb`` may write: the section modules, their packages'
    ``__init__.py`` and the script (so the caller can read them before planning)."""
    sections, _ = find_sections(nb)
    modules = {_section_module(s["title"]) for s in sections}
    modules |= {
        suggest(nb, [i for i in s["cells"] if _is_code(nb["cells"][i])] or s["cells"])["module"] for s in sections
    }
    inits = {f"{p}/__init__.py" for m in modules for p in package_folders(m)}
    return sorted({*modules, *inits, script})


def check_bases(plan: Mapping[str, Any], current: Mapping[str, str | None]) -> None:
    """A ``RequestError`` (409) when a file the plan writes changed since it was planned."""
    for f in plan["files"]:
        if source_hash(current.get(f["path"])) != f["base_hash"]:
            raise RequestError(f"{f['path']} changed since the graduation was planned: plan again", 409)


def write_files(folder: Path, plan: Mapping[str, Any], notebook_out: Path) -> list[Path]:
    """Write the plan's files under ``folder`` and the graduated notebook to
    ``notebook_out``, all or nothing: a file that changed since planning (409) or a
    failed write puts back everything written so far. Returns the files written."""
    from .apply import write_text_atomic

    check_bases(plan, read_sources(folder, [f["path"] for f in plan["files"]]))
    targets = [folder / f["path"] for f in plan["files"]] + [notebook_out]
    for target in targets:
        if target.is_dir():
            raise RequestError(f"cannot write {target}: it is a folder")
    before = {t: t.read_bytes() if t.is_file() else None for t in targets}
    made: list[Path] = []
    written: list[Path] = []
    try:
        for f in plan["files"]:
            target = folder / f["path"]
            missing = [p for p in [target.parent, *target.parent.parents] if not p.exists()]
            for directory in reversed(missing):
                directory.mkdir()
                made.append(directory)
            write_text_atomic(target, f["source"])
            written.append(target)
        text: str = nbformat.writes(nbformat.from_dict(plan["notebook"]))
        write_text_atomic(notebook_out, text if text.endswith("\n") else text + "\n")
        written.append(notebook_out)
    except BaseException:
        undo(before, made)
        raise
    return written


def snapshot(folder: Path, plan: Mapping[str, Any], notebook_out: Path) -> tuple[dict[Path, bytes | None], list[Path]]:
    """What ``undo`` needs to take a written plan back: every target's bytes (None: absent)
    and the folders writing it will create, outermost first."""
    targets = [*(folder / f["path"] for f in plan["files"]), notebook_out]
    made = {p for t in targets for p in [t.parent, *t.parent.parents] if not p.exists()}
    return {t: t.read_bytes() if t.is_file() else None for t in targets}, sorted(made, key=lambda d: len(d.parts))


def undo(before: Mapping[Path, bytes | None], made: Sequence[Path]) -> None:
    """Put files back as ``before`` says (None: remove) and remove the folders ``made``
    if they are empty again."""
    from .apply import write_text_atomic

    for file, data in before.items():
        if data is None:
            file.unlink(missing_ok=True)
        elif not file.is_file() or file.read_bytes() != data:
            write_text_atomic(file, data.decode("utf-8"))
    for directory in reversed(list(made)):
        pycache = directory / "__pycache__"
        if pycache.is_dir():
            shutil.rmtree(pycache)
        if directory.is_dir() and not any(directory.iterdir()):
            directory.rmdir()


# ----- through a jupyter_server ContentsManager (the REST routes) ----------------------------


def _server_path(folder: str, rel: str) -> str:
    return f"{folder}/{rel}" if folder else rel


async def _target(contents_manager: Contents, folder: str, rel: str) -> str:
    """The server path of a file a graduation writes: a module or the script checked by
    ``apply.module_target``; a package's ``__init__.py`` goes with its package's modules."""
    from .apply import module_target

    if rel.endswith("/__init__.py"):
        return _server_path(folder, rel)
    return await module_target(contents_manager, folder, rel)


async def read_graduation_sources(
    contents_manager: Contents, folder: str, paths: Sequence[str]
) -> dict[str, dict[str, str | None]]:
    """``{"sources": {path: text or None}}`` of the files a graduation may write
    (``candidate_paths``), read through the ContentsManager; each path is checked as
    ``apply.module_target`` checks a module (it stays in the server root, breaks no import)."""
    from .apply import read_contents_text

    sources: dict[str, str | None] = {}
    for rel in paths:
        sources[rel] = await read_contents_text(contents_manager, await _target(contents_manager, folder, rel))
    return {"sources": sources}


async def save_graduation_contents(
    contents_manager: Contents, folder: str, plan: Mapping[str, Any]
) -> tuple[list[str], list[RestoreStep]]:
    """Write a plan's files through the ContentsManager under the notebook's server
    ``folder``; returns the server paths written and the undo steps, in the order to send
    them to ``extract/restore`` (``{"module", "source", "expected_hash", "created"}``: each
    module and the script back to its text before, or removed; the package folders and
    ``__init__.py`` files it created go with the last module written in them).

    Every file's current text is checked against the plan's ``base_hash`` first: one that
    changed since planning is a 409 and nothing is written."""
    from jupyter_core.utils import ensure_async

    from .apply import read_contents_text

    cm = contents_manager
    targets = {f["path"]: await _target(cm, folder, f["path"]) for f in plan["files"]}
    before = {p: await read_contents_text(cm, t) for p, t in targets.items()}
    check_bases(plan, before)
    made: list[str] = []
    written: list[str] = []
    for f in plan["files"]:
        parts = f["path"].split("/")[:-1]
        for package in ("/".join(parts[: i + 1]) for i in range(len(parts))):
            if not await ensure_async(cm.dir_exists(_server_path(folder, package))):
                await ensure_async(cm.save({"type": "directory"}, _server_path(folder, package)))
                made.append(package)
        await ensure_async(cm.save({"type": "file", "format": "text", "content": f["source"]}, targets[f["path"]]))
        written.append(targets[f["path"]])
    steps: list[RestoreStep] = [
        {"module": f["path"], "source": before[f["path"]], "expected_hash": source_hash(f["source"]), "created": []}
        for f in plan["files"]
        if not f["path"].endswith("/__init__.py")
    ]
    created_inits = [
        f["path"] for f in plan["files"] if f["path"].endswith("/__init__.py") and before[f["path"]] is None
    ]
    for extra in [*created_inits, *made]:
        package = extra[: -len("/__init__.py")] if extra.endswith("/__init__.py") else extra
        last = max(i for i, s in enumerate(steps) if s["module"].startswith(package + "/"))
        steps[last]["created"].append(extra)
    # the steps that remove folders come last, so the other modules are gone by then
    return written, sorted(steps, key=lambda s: bool(s["created"]))
