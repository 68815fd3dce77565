"""Saved notebook -> findings: the rule table behind ``jupyter nbrefactor lint``.

Every rule is a function over one ``NotebookFacts`` (the notebook's cells with
their ``cells.cell_facts`` and the position-based def-use of ``dataflow``) and
the ``Config``; it yields ``(cell position, line, message)``. ``lint_notebook``
runs the selected rules, applies the severities and the suppressions
(``# nbrefactor: ignore[NR105]`` on the line, the ``nbrefactor-ignore`` cell
tag) and answers ``Finding`` objects. Nothing here prints; ``lint_output.py`` formats
the findings for ``cli.py``, ``handlers.py`` answers them as JSON.

Cell positions are 0-based indices into the notebook's ``cells`` list (all
cells, markdown included); lines are 1-based lines of the cell's source.
"""

from __future__ import annotations

import ast
import inspect
import json
import os
import re
import shutil
import subprocess
import warnings
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from functools import cached_property, lru_cache
from itertools import pairwise
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import nbformat

from .cells import CellFacts, cell_facts, may_define, may_hold
from .dataflow import Definers, Unmet, unmet_reads
from .language import is_python

# `X as X`: lint_config's names that lint users import from here (an explicit re-export)
from .lint_config import CONFIG_TABLE as CONFIG_TABLE
from .lint_config import DEFAULT_EXCLUDE as DEFAULT_EXCLUDE
from .lint_config import SEVERITIES as SEVERITIES
from .lint_config import SHOWN_BY_DEFAULT as SHOWN_BY_DEFAULT
from .lint_config import THRESHOLDS as THRESHOLDS
from .lint_config import Config as Config
from .lint_config import ConfigError as ConfigError
from .lint_config import find_config as find_config
from .lint_config import severity_at_least as severity_at_least
from .request import as_text
from .statements import Statements, cell_statements, normalised_statements

if TYPE_CHECKING:
    from .apply import Contents

T = TypeVar("T")

IGNORE_TAG = "nbrefactor-ignore"
# `# nbrefactor: ignore` or `# nbrefactor: ignore[NR105, NR106]`
_SUPPRESS = re.compile(r"#\s*nbrefactor:\s*ignore(?:\[([A-Za-z0-9,\s]*)\])?")


# ----- findings -----------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    """One problem: ``cell`` is the 0-based position among all cells (None for the whole
    notebook), ``line`` the 1-based line in that cell (None for the whole notebook)."""

    path: str
    cell: int | None
    cell_id: str | None
    line: int | None
    rule: str
    severity: str
    message: str
    # Line of the cell line in the .ipynb file itself (SARIF points there), when known.
    file_line: int | None = field(default=None, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "cell_index": self.cell,
            "cell_id": self.cell_id,
            "line": self.line,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
        }

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, -1 if self.cell is None else self.cell, self.line or 0, self.rule, self.message)


# ----- the notebook under analysis ----------------------------------------------------
def cell_text(cell: Mapping[str, Any]) -> str:
    return as_text(cell.get("source", ""))


def code_lines(source: str) -> int:
    """Lines of code: not blank, not only a comment."""
    return sum(1 for line in source.splitlines() if line.strip() and not line.lstrip().startswith("#"))


@dataclass(frozen=True)
class Duplicate:
    """``lines`` similar statements (logical lines): cell ``cell`` from ``line`` copies
    ``of_cell`` from ``of_line``."""

    cell: int
    line: int
    of_cell: int
    of_line: int
    lines: int


@dataclass
class CodeCell:
    pos: int  # among all cells
    cell: Mapping[str, Any]
    source: str
    facts: CellFacts | None  # None when the notebook's language is not Python
    count: int | None
    ignored: bool

    @cached_property
    def lines(self) -> int:
        """Lines of code (``code_lines``), counted once for the rules and the report."""
        return code_lines(self.source)

    @property
    def statements(self) -> Statements:
        """The statements NR205 compares (``statements.normalised_statements``)."""
        return normalised_statements(self.source, False) if self.facts is None else cell_statements(self.facts)

    @property
    def python_facts(self) -> CellFacts:
        """``facts``, for what reads a Python notebook only (the ``python_only`` rules)."""
        if self.facts is None:
            raise ValueError("the cell of a notebook that is not Python has no facts")
        return self.facts


class NotebookFacts:
    """A notebook's code cells, their facts and def-use, computed once for every rule
    (and for the health report)."""

    def __init__(self, nb: Mapping[str, Any]) -> None:
        self.cells: Sequence[Mapping[str, Any]] = nb.get("cells", [])
        self.python = is_python(nb)
        self.code: list[CodeCell] = []
        self._duplicates: dict[int, list[Duplicate]] = {}
        for pos, cell in enumerate(self.cells):
            if cell.get("cell_type") != "code":
                continue
            source = cell_text(cell)
            count = cell.get("execution_count")
            if not isinstance(count, int) or isinstance(count, bool):
                count = None
            tags = cell.get("metadata", {}).get("tags")
            ignored = isinstance(tags, list) and IGNORE_TAG in tags
            self.code.append(CodeCell(pos, cell, source, cell_facts(source) if self.python else None, count, ignored))

    @cached_property
    def definers(self) -> Definers:
        """Def-use over the code cells; its positions index ``self.code``."""
        return Definers([c.facts for c in self.code])

    @cached_property
    def unmet(self) -> list[Unmet]:
        """Reads Restart & Run All would not satisfy (the pass the live warnings use)."""
        return unmet_reads([c.facts for c in self.code], self.definers)

    @cached_property
    def lines_of_code(self) -> int:
        return sum(c.lines for c in self.code)

    @cached_property
    def module_names(self) -> list[str]:
        """Module-level variables: what cells bind, less imports, functions and classes."""
        out: dict[str, None] = {}
        for c in self.code:
            f = c.facts
            if f is None or f.error is not None:
                continue
            for name in f.defines:
                if name != "_" and name not in f.imports and name not in f.functions:
                    out[name] = None
        return list(out)

    @cached_property
    def definitions(self) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
        """(functions, classes) defined at module level, each as (cell position, line, name)."""
        functions, classes = [], []
        for c in self.code:
            tree = c.facts.tree if c.facts is not None and may_define(c.facts) else None
            if tree is None:
                continue
            stack = list(tree.body)
            while stack:
                node = stack.pop()
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    functions.append((c.pos, node.lineno, node.name))
                elif isinstance(node, ast.ClassDef):
                    classes.append((c.pos, node.lineno, node.name))
                else:  # defs under if/try/with at module level are module-level too
                    for name in ("body", "orelse", "finalbody", "handlers", "cases"):
                        stack.extend(getattr(node, name, ()))
        return sorted(functions), sorted(classes)

    @cached_property
    def out_of_order(self) -> list[tuple[CodeCell, CodeCell]]:
        """(cell, the nearest executed cell above it) where the cell's count is lower."""
        out = []
        above = None
        for c in self.code:
            if c.count is None:
                continue
            if above is not None and above.count is not None and c.count < above.count:
                out.append((c, above))
            above = c
        return out

    def duplicates(self, min_lines: int) -> list[Duplicate]:
        """Blocks of at least ``min_lines`` similar statements that a cell shares with a
        cell above it (each block reported once, at its later copy)."""
        if not self.python:
            return []
        if min_lines not in self._duplicates:  # NR205 and the report both ask
            self._duplicates[min_lines] = self._find_duplicates(min_lines)
        return self._duplicates[min_lines]

    def _find_duplicates(self, min_lines: int) -> list[Duplicate]:
        # a cell of fewer lines of code than a block has fewer statements: not tokenized
        norm = [c.statements if c.lines >= min_lines else () for c in self.code]
        texts_of = [[t for _, t in lines] for lines in norm]
        # window of lines, joined (a string, which the garbage collector does not track:
        # tuples here made it walk every ast of the notebook) -> (code index, offset)
        first: dict[str, tuple[int, int]] = {}
        out = []
        for k, lines in enumerate(norm):
            texts = texts_of[k]
            j = 0
            while j + min_lines <= len(texts):
                hit = first.get("\n".join(texts[j : j + min_lines]))
                if hit is None:
                    j += 1
                    continue
                a, i = hit
                other = texts_of[a]
                n = min_lines
                while j + n < len(texts) and i + n < len(other) and texts[j + n] == other[i + n]:
                    n += 1
                out.append(Duplicate(self.code[k].pos, lines[j][0], self.code[a].pos, norm[a][i][0], n))
                j += n
            for j in range(len(texts) - min_lines + 1):
                first.setdefault("\n".join(texts[j : j + min_lines]), (k, j))
        return out

    @cached_property
    def open_namespace(self) -> bool:
        """Names may come from where no static analysis sees: ``import *``, ``%run``,
        ``%pylab``, ``%store -r``, ``globals()``/``exec``."""
        for c in self.code:
            f = c.facts
            if f is None:
                continue
            if f.star_import is not None or f.dynamic_namespace:
                return True
            for m in f.magics:
                if m.name in ("run", "pylab") or (m.name == "store" and " -r" in f" {m.text}"):
                    return True
        return False


def _label(pos: int) -> str:
    """A cell as JupyterLab numbers it: 1-based among all cells."""
    return f"cell {pos + 1}"


@dataclass(frozen=True)
class _Scan:
    """What the rules look up in a cell's ast, gathered in one walk."""

    name_lines: dict[str, int]  # name -> first line it appears on
    strings: tuple[tuple[int, str], ...]  # (line, value) of every string constant
    sys_path_edits: tuple[int, ...]  # lines that change sys.path
    # (line, name, value) of ``NAME = "/data"``: a folder directly under the filesystem root
    root_folders: tuple[tuple[int, str, str], ...]
    # names used as a path: passed to open(), Path(), os.path.join(), read_csv() & co., or
    # followed by ``+ "/file"``, ``/ "file"`` or ``f"{name}/file"``
    path_names: frozenset[str]


# Folders under the root that every machine has (a literal naming one is not a user's data).
_SYSTEM_ROOTS = frozenset(
    {"tmp", "usr", "bin", "etc", "dev", "proc", "sys", "var", "lib", "lib64", "sbin", "boot", "run"}
)
_ROOT_FOLDER = re.compile(r"^/([A-Za-z0-9_.-]+)/?$")
_PATH_CALLS = frozenset(
    {"open", "Path", "PurePath", "join", "listdir", "scandir", "walk", "glob", "iglob", "exists", "isdir", "isfile"}
    | {"makedirs", "mkdir", "chdir", "load", "loadtxt", "genfromtxt", "imread", "savefig", "save", "savetxt"}
)


def _path_call(func: ast.expr) -> bool:
    name = func.attr if type(func) is ast.Attribute else func.id if type(func) is ast.Name else ""
    return name in _PATH_CALLS or name.startswith(("read_", "to_"))


def _path_names(node: Any, t: type[ast.AST], out: set[str]) -> None:
    """Add the names ``node`` (of type ``t``) uses as a path (see ``_Scan.path_names``)."""
    if t is ast.Call and _path_call(node.func):
        out.update(a.id for a in (*node.args, *(k.value for k in node.keywords)) if type(a) is ast.Name)
    elif t is ast.BinOp and type(node.left) is ast.Name:
        right = node.right
        if type(node.op) is ast.Div or (
            type(node.op) is ast.Add and type(right) is ast.Constant and str(right.value).startswith("/")
        ):
            out.add(node.left.id)
    elif t is ast.JoinedStr:
        parts = node.values
        for a, b in pairwise(parts):
            if type(a) is ast.FormattedValue and type(a.value) is ast.Name and type(b) is ast.Constant:
                if str(b.value).startswith("/"):
                    out.add(a.value.id)


@lru_cache(maxsize=4096)
def _scan(source: str) -> _Scan:
    tree = cell_facts(source).tree
    names: dict[str, int] = {}
    strings = []
    edits = set()
    folders: list[tuple[int, str, str]] = []
    path_names: set[str] = set()
    nodes: Iterable[Any] = ast.walk(tree) if tree is not None else ()  # `type(node) is` below is the narrowing
    for node in nodes:
        t = type(node)
        if t is ast.Name:
            if node.lineno < names.get(node.id, node.lineno + 1):
                names[node.id] = node.lineno
        elif t is ast.Constant:
            if type(node.value) is str:
                strings.append((node.lineno, node.value))
        elif t is ast.Call:
            f = node.func
            if type(f) is ast.Attribute and f.attr in _PATH_METHODS and _is_sys_path(f.value):
                edits.add(node.lineno)
        elif t is ast.Assign or t is ast.AugAssign or t is ast.AnnAssign:
            targets = node.targets if t is ast.Assign else (node.target,)
            for target in targets:
                if _is_sys_path(target) or (type(target) is ast.Subscript and _is_sys_path(target.value)):
                    edits.add(node.lineno)
            value = node.value
            if len(targets) == 1 and type(targets[0]) is ast.Name and type(value) is ast.Constant:
                text = value.value if type(value.value) is str else ""
                m = _ROOT_FOLDER.match(text)
                if m and m.group(1) not in _SYSTEM_ROOTS:
                    folders.append((node.lineno, targets[0].id, text))
        _path_names(node, t, path_names)
    return _Scan(names, tuple(sorted(strings)), tuple(sorted(edits)), tuple(folders), frozenset(path_names))


_PATH_METHODS = frozenset({"append", "insert", "extend", "remove", "pop", "clear"})


def _is_sys_path(node: Any) -> bool:
    return (
        type(node) is ast.Attribute and node.attr == "path" and type(node.value) is ast.Name and node.value.id == "sys"
    )


def first_line(facts: CellFacts, name: str) -> int:
    """The line where a cell first uses ``name``: a Name in its code, else the magic
    that interpolates it, else 1."""
    line = _scan(facts.source).name_lines.get(name)
    if line is None:
        line = next((m.line for m in facts.magics if name in m.reads), 1)
    return line


# ----- the rules ----------------------------------------------------------------------
# (cell position or None, line or None, message) of each problem a rule finds
Hits = Iterable[tuple[int | None, int | None, str]]
Check = Callable[[NotebookFacts, Config], Hits]


@dataclass(frozen=True)
class Rule:
    """One lint rule: its fixed id, its name (kebab-case: SARIF, the docs), its default
    severity, a one-line summary, and the function that checks it, whose docstring says
    why the rule exists and shows an example."""

    id: str
    name: str
    severity: str
    summary: str
    check: Check
    python_only: bool = True

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or "")


_DECLARED: list[Rule] = []


def rule(id: str, severity: str, summary: str, *, python_only: bool = True) -> Callable[[Check], Check]:
    """Declare the decorated function as the check of rule ``id``; the rule's name is the
    function's, in kebab-case (``out_of_order_run`` -> ``out-of-order-run``)."""

    def declare(check: Check) -> Check:
        _DECLARED.append(Rule(id, check.__name__.replace("_", "-"), severity, summary, check, python_only))
        return check

    return declare


@rule("NR000", "error", "the file is not a readable notebook", python_only=False)
def invalid_notebook(nb: NotebookFacts, cfg: Config) -> Hits:
    """The file is not a notebook the other rules can read (not UTF-8, not JSON, no
    nbformat version, malformed cells). Reported by the reader (``invalid_findings``),
    never by a check over a notebook: there is none.

    Why: a broken file in a folder of notebooks should fail CI, not be skipped.
    Example: ``{"cells": []}`` (no ``nbformat``)."""
    return ()


@rule("NR001", "error", "a code cell does not compile")
def syntax_error(nb: NotebookFacts, cfg: Config) -> Hits:
    """A code cell does not compile after IPython's input transformation (magics are fine).

    Why: Restart & Run All stops there, and no other rule can see the cell's names.
    Example: ``df = load(`` (an unclosed call)."""
    for c in nb.code:
        if c.python_facts.error is not None:
            yield c.pos, c.python_facts.error_line or 1, f"the cell does not compile: {c.python_facts.error}"


@rule("NR101", "warning", "execution counts not increasing top to bottom", python_only=False)
def out_of_order_run(nb: NotebookFacts, cfg: Config) -> Hits:
    """A cell's execution count is lower than the nearest executed cell's above it.

    Why: the notebook was not run top to bottom; Restart & Run All may give other results.
    Example: cell 1 shows ``[5]``, cell 2 below it ``[3]``."""
    for c, above in nb.out_of_order:
        yield (
            c.pos,
            1,
            f"ran as [{c.count}], before {_label(above.pos)} above it ran as [{above.count}]: "
            "Restart & Run All may give other results",
        )


@rule("NR102", "info", "gap in execution counts", python_only=False)
def execution_count_gap(nb: NotebookFacts, cfg: Config) -> Hits:
    """The sorted execution counts skip numbers (or do not start at 1).

    Why: runs happened that the notebook no longer shows (a cell re-run or deleted), so
    the saved outputs may rest on state no cell shows.
    Example: counts ``[1]``, ``[2]``, ``[7]``."""
    counted = sorted((c.count, c.pos) for c in nb.code if c.count is not None)
    previous = 0
    for count, pos in counted:
        missing = count - previous - 1
        if missing > 0:
            runs = f"{missing} run{'s' if missing > 1 else ''}"
            if previous:
                yield pos, 1, f"execution counts jump from [{previous}] to [{count}]: {runs} not in the notebook"
            else:
                yield pos, 1, f"the first execution count is [{count}]: {runs} before it not in the notebook"
        previous = count


@rule("NR103", "warning", "two cells share an execution count", python_only=False)
def shared_execution_count(nb: NotebookFacts, cfg: Config) -> Hits:
    """Two code cells carry the same execution count.

    Why: one of them was copied or merged in; its output is not from this run.
    Example: two cells both showing ``[4]``."""
    seen: dict[int, int] = {}
    for c in nb.code:
        if c.count is None:
            continue
        if c.count in seen:
            yield c.pos, 1, f"{_label(seen[c.count])} has the same execution count [{c.count}]"
        else:
            seen[c.count] = c.pos


@rule("NR104", "warning", "unexecuted code cell above executed ones", python_only=False)
def unexecuted_cell(nb: NotebookFacts, cfg: Config) -> Hits:
    """A non-empty code cell was never run although cells below it were.

    Why: the outputs below were computed without it; Restart & Run All will run it.
    Example: cell 2 shows ``[ ]`` between cells ``[1]`` and ``[2]``."""
    last_run = max((i for i, c in enumerate(nb.code) if c.count is not None), default=0)
    for c in nb.code[:last_run]:
        if c.count is None and c.source.strip():
            yield c.pos, 1, "this cell was never run, but cells below it were"


def _reads(nb: NotebookFacts) -> Iterator[tuple[int, CodeCell, str, str | None]]:
    """(code index, code cell, name, function it is read through or None) on Restart & Run All."""
    defs = nb.definers
    for k, c in enumerate(nb.code):
        if c.python_facts.error is not None:
            continue
        for name, via in defs.reads(k).items():
            yield k, c, name, via


def _use(name: str, via: str | None) -> str:
    return f"{name} is used" if via is None else f"{name} is used by {via}()"


@rule("NR105", "error", "name used in a cell but defined only in a cell below")
def use_before_define(nb: NotebookFacts, cfg: Config) -> Hits:
    """A cell reads a name (directly, through a magic, or in a function it calls) that only
    a cell further down defines.

    Why: Restart & Run All fails there with a NameError.
    Example: ``print(total)`` above ``total = 1``."""
    for u in nb.unmet:
        if u.certain and u.why in ("below", "deleted") and u.source is not None:  # the definer below, the deleter
            c = nb.code[u.pos]
            where = "defined only further down" if u.why == "below" else "deleted above"
            yield (
                c.pos,
                first_line(c.python_facts, u.via or u.name),
                (f"{_use(u.name, u.via)} here but {where}, in {_label(nb.code[u.source].pos)}"),
            )


@rule("NR106", "error", "undefined name")
def undefined_name(nb: NotebookFacts, cfg: Config) -> Hits:
    """A cell reads a name no cell defines (builtins, IPython's names and names bound by
    magics are known), or uses it before it defines it itself. Off when names may come
    from where static analysis does not see (``import *``, ``%run``, ``exec``, ...).

    Why: the notebook runs only in the kernel that still holds that name.
    Example: ``model.fit(X)`` with no cell defining ``model``."""
    if nb.open_namespace:
        return
    for u in nb.unmet:
        c = nb.code[u.pos]
        line = first_line(c.python_facts, u.via or u.name)
        if u.why == "unbound-local":
            yield (
                c.pos,
                line,
                f"{u.via}() assigns {u.name} without declaring it global: calling it raises UnboundLocalError",
            )
        elif u.why == "nowhere":
            if u.name in c.python_facts.defines:
                yield c.pos, line, f"{_use(u.name, u.via)} before this cell defines it"
            else:
                yield c.pos, line, f"undefined name {u.name}: no cell defines it"


@rule("NR107", "warning", "a cell ran before the cell producing its input")
def output_predates_input(nb: NotebookFacts, cfg: Config) -> Hits:
    """A cell ran as ``[c]`` but the nearest cell above defining a name it reads ran later,
    as ``[p] > c``.

    Why: the saved output was computed from an older value than the notebook shows.
    A re-run import is not a new value (Python hands back the module it already loaded).
    Example: ``df = load()`` ran as ``[5]``, ``show(df)`` below it as ``[4]``."""
    defs = nb.definers
    for k, c, name, via in _reads(nb):
        if c.count is None:
            continue
        p = defs.above(name, k)
        if p is None:
            continue
        producer = nb.code[p]
        if name in producer.python_facts.imports and name in producer.python_facts.pure_defines:
            continue  # bound only by the import: the same module object, however often it runs
        if producer.count is not None and producer.count > c.count:
            yield (
                c.pos,
                first_line(c.python_facts, via or name),
                f"ran as [{c.count}], but {name} comes from {_label(producer.pos)}, which ran later "
                f"as [{producer.count}]: its output predates its inputs",
            )


@rule("NR201", "info", "too many lines of code in the notebook", python_only=False)
def notebook_too_long(nb: NotebookFacts, cfg: Config) -> Hits:
    """More than ``max-notebook-lines`` lines of code in the notebook.

    Why: past that size code is easier to test and reuse in modules.
    Example: 800 lines of code with the default limit of 500."""
    limit = cfg["max-notebook-lines"]
    if nb.lines_of_code > limit:
        yield None, None, f"{nb.lines_of_code} lines of code (more than {limit}): move code into modules"


@rule("NR202", "info", "too many lines of code in one cell", python_only=False)
def cell_too_long(nb: NotebookFacts, cfg: Config) -> Hits:
    """A code cell with more than ``max-cell-lines`` lines of code.

    Why: a long cell does several things; as functions each could be named and tested.
    Example: a 120-line cell with the default limit of 60."""
    limit = cfg["max-cell-lines"]
    for c in nb.code:
        n = c.lines
        if n > limit:
            yield c.pos, 1, f"{n} lines of code in one cell (more than {limit})"


@rule("NR203", "info", "long notebook with no functions")
def no_functions(nb: NotebookFacts, cfg: Config) -> Hits:
    """More than ``no-functions-lines`` lines of code and not one ``def`` or ``class`` at
    module level.

    Why: nothing in the notebook can be reused or tested on its own.
    Example: 150 lines of top-level statements."""
    limit = cfg["no-functions-lines"]
    functions, classes = nb.definitions
    if nb.lines_of_code > limit and not functions and not classes:
        yield None, None, f"{nb.lines_of_code} lines of code and not one function or class"


@rule("NR204", "warning", "too many module-level names")
def too_many_names(nb: NotebookFacts, cfg: Config) -> Hits:
    """More than ``max-module-names`` module-level variables (imports, functions, classes
    and ``_`` not counted).

    Why: every global is state a later cell may read by accident (hidden state).
    Example: ``df``, ``df2``, ``df_clean``, ... 20 of them."""
    limit = cfg["max-module-names"]
    names = nb.module_names
    if len(names) > limit:
        shown = ", ".join(names[:10]) + (", ..." if len(names) > 10 else "")
        yield None, None, f"{len(names)} module-level names (more than {limit}): {shown}"


@rule("NR205", "warning", "duplicated code across cells")
def duplicated_code(nb: NotebookFacts, cfg: Config) -> Hits:
    """A block of at least ``duplicate-lines`` similar statements (literals, comments and
    layout left out: a call spread over six lines is one statement) that a cell shares with
    a cell above it.

    Why: copies drift; one function called twice does not.
    Example: the same 8 cleaning lines for ``train`` and for ``test``."""
    for d in nb.duplicates(cfg["duplicate-lines"]):
        yield (
            d.cell,
            d.line,
            f"{d.lines} statement{'s here are' if d.lines != 1 else ' here is'} similar to {_label(d.of_cell)} from line {d.of_line}: "
            "make it a function",
        )


_INSTALL = re.compile(r"\b(?:pip3?|conda|mamba|micromamba|uv\s+pip)\s+install\b")


@rule("NR301", "warning", "package installation inside the notebook")
def install_in_notebook(nb: NotebookFacts, cfg: Config) -> Hits:
    """``%pip``, ``%conda``, ``%mamba`` or a shell escape running ``pip install`` & co.

    Why: dependencies belong in requirements or pyproject, where CI and colleagues see them.
    Example: ``!pip install pandas``."""
    for c in nb.code:
        for m in c.python_facts.magics:
            if m.name in ("pip", "conda", "mamba") or (m.kind == "shell" and _INSTALL.search(m.text)):
                yield c.pos, m.line, f"{m.text.strip()}: declare dependencies in requirements or pyproject instead"


@rule("NR302", "warning", "%run, %store or sys.path edits")
def hidden_state_hack(nb: NotebookFacts, cfg: Config) -> Hits:
    """``%run``, ``%store`` or a change to ``sys.path``.

    Why: code and values arrive from outside the notebook's cells; import a package instead.
    Example: ``sys.path.append("../src")``."""
    for c in nb.code:
        f = c.python_facts
        for m in f.magics:
            if m.name == "run":
                yield c.pos, m.line, f"{m.text.strip()}: runs code into this namespace; import a module instead"
            elif m.name == "store":
                yield c.pos, m.line, f"{m.text.strip()}: passes values between notebooks outside the code"
        if not may_hold(f, "sys"):
            continue  # no sys.path to change: the cell's tree is not needed
        for line in _scan(c.source).sys_path_edits:
            yield c.pos, line, "sys.path edit: install the code as a package (pip install -e .) instead"


# POSIX roots that hold user data (not /tmp or /usr, which every machine has, nor /api/...
# routes or regular expressions), Windows
# drives and UNC shares; a path inside a URL (preceded by a word character, ``/`` or ``:``)
# does not count.
_ABSOLUTE = re.compile(
    r"(?<![\w/:.\\])(?:"
    r"/(?:home|Users|root|mnt|media|Volumes|data|datasets|opt|srv|scratch|work|workspace|"
    r"content|kaggle|dbfs|gpfs|net|nfs|projects?|shared|storage)/[^\s'\"]*"
    r"|[A-Za-z]:[\\/][^\s'\"]*"
    r"|\\\\[\w.$-]+\\[^\s'\"]+)"
)


@rule("NR401", "warning", "absolute file path literal")
def absolute_path(nb: NotebookFacts, cfg: Config) -> Hits:
    """A string literal holding an absolute path under a user or data folder, a Windows
    drive or a UNC share (not ``/tmp``, ``/usr``, URLs or routes); or a folder directly under
    the filesystem root assigned to a name that a cell then uses as a path.

    Why: the path exists on one machine only.
    Example: ``pd.read_csv("/home/ana/data.csv")``; ``DATA = "/data"`` then
    ``open(DATA + "/sales.csv")``."""
    # a path has a / or a backslash (written as is, or in an escape)
    scans = [_scan(c.source) if may_hold(c.python_facts, "/", "\\") else None for c in nb.code]
    for k, c in enumerate(nb.code):
        scan = scans[k]
        if scan is None:
            continue
        seen = set()
        for line, value in scan.strings:
            m = _ABSOLUTE.search(value)
            if m and (line, m.group()) not in seen:
                seen.add((line, m.group()))
                yield c.pos, line, f"absolute path {m.group()!r}: it exists on one machine only"
        for line, name, value in scan.root_folders:  # a later cell may use it without a slash
            used = any(name in _scan(later.source).path_names for later in nb.code[k:])
            if used and not any(at == line for at, _ in seen):  # not already reported by the pattern
                seen.add((line, value))
                yield c.pos, line, f"absolute path {value!r}: it exists on one machine only"


@rule("NR601", "warning", "committed error output", python_only=False)
def saved_error_output(nb: NotebookFacts, cfg: Config) -> Hits:
    """A code cell with a saved ``error`` output (a traceback).

    Why: the committed notebook shows a failure its readers cannot tell is fixed.
    Example: a cell whose output is ``KeyError: 'price'``."""
    for c in nb.code:
        for out in c.cell.get("outputs", ()):
            if isinstance(out, dict) and out.get("output_type") == "error":
                yield c.pos, 1, f"saved error output: {out.get('ename', 'Error')}: {out.get('evalue', '')}".rstrip(": ")
                break


# The rule table: every rule above, in the order of its id.
RULES: dict[str, Rule] = {r.id: r for r in sorted(_DECLARED, key=lambda r: r.id)}


# ----- running the rules --------------------------------------------------------------
def _suppressions(source: str) -> dict[int, frozenset[str] | None]:
    """line -> the rules ``# nbrefactor: ignore[...]`` silences there (None: all)."""
    out: dict[int, frozenset[str] | None] = {}
    if "nbrefactor" not in source:
        return out
    for i, line in enumerate(source.splitlines(), 1):
        m = _SUPPRESS.search(line)
        if m:
            codes = m.group(1)
            out[i] = None if codes is None else frozenset(c.strip().upper() for c in codes.split(",") if c.strip())
    return out


def lint_notebook(
    nb: Mapping[str, Any],
    path: str = "",
    config: Config | None = None,
    source_text: str | None = None,
    facts: NotebookFacts | None = None,
) -> list[Finding]:
    """Findings of one notebook (an nbformat v4 node or dict), sorted by cell and line.

    ``source_text`` (the file as saved) lets each finding also carry its line in the file;
    ``facts``, the notebook's ``NotebookFacts`` when the caller has them (the report).
    """
    config = config or Config()
    facts = facts if facts is not None else NotebookFacts(nb)
    by_pos = {c.pos: c for c in facts.code}
    suppressed: dict[int, dict[int, frozenset[str] | None]] = {}
    out: list[Finding] = []
    for rule in RULES.values():
        if not config.enabled(rule.id) or (rule.python_only and not facts.python):
            continue
        severity = config.severity_of(rule)
        for pos, line, message in rule.check(facts, config):
            cell: Mapping[str, Any] | None = None
            if pos is not None:
                cell = facts.cells[pos]
                code = by_pos.get(pos)
                if code is not None and code.ignored:
                    continue
                if line is not None:
                    if pos not in suppressed:
                        suppressed[pos] = _suppressions(cell_text(cell))
                    rules = suppressed[pos].get(line, frozenset())
                    if rules is None or rule.id in rules:
                        continue
            cell_id = cell.get("id") if cell is not None else None
            out.append(
                Finding(path, pos, cell_id if isinstance(cell_id, str) else None, line, rule.id, severity, message)
            )
    if source_text is not None and any(f.cell is not None for f in out):
        lines = _file_lines(source_text, len(facts.cells))
        if lines is not None:
            out = [_with_file_line(f, lines) for f in out]
    out.sort(key=Finding.sort_key)
    return out


def _with_file_line(f: Finding, lines: list[tuple[int, bool]]) -> Finding:
    if f.cell is None:
        return f
    start, listed = lines[f.cell]
    return replace(f, file_line=start + (f.line or 1) if listed else start)


_KEY = re.compile(r'^([ \t]*)"(cell_type|source)":[ \t]*(\[?)', re.M)


def _file_lines(text: str, n_cells: int) -> list[tuple[int, bool]] | None:
    """For each cell: the 1-based file line of its ``"source"`` key and whether the source
    is a list written one line per element (nbformat's own layout). None when the file is
    laid out otherwise. Quotes inside JSON strings are escaped, so a line starting with
    ``"cell_type":`` or ``"source":`` is always a key; the cell's own keys are the ones
    indented like its first ``"cell_type"``."""
    out: list[tuple[int, bool]] = []
    indent = None
    waiting = False
    line, last = 1, 0
    for m in _KEY.finditer(text):
        line += text.count("\n", last, m.start())
        last = m.start()
        if m.group(2) == "cell_type":
            if indent is None:
                indent = m.group(1)
            if m.group(1) == indent:
                if waiting:
                    return None
                waiting = True
        elif waiting and m.group(1) == indent:
            out.append((line, bool(m.group(3))))
            waiting = False
    return out if len(out) == n_cells and not waiting else None


# ----- reading files ------------------------------------------------------------------
def invalid_findings(path: str, reason: str, config: Config) -> list[Finding]:
    """The NR000 finding of a file that is not a readable notebook (unless ignored)."""
    if not config.enabled("NR000"):
        return []
    return [Finding(path, None, None, None, "NR000", config.severity_of(RULES["NR000"]), reason)]


def read_notebook(data: bytes | str) -> tuple[dict[str, Any], str, None] | tuple[None, None, str]:
    """(notebook, text, None) or (None, None, reason it is not a usable notebook).

    nbformat 4 comes back as the parsed JSON (no schema validation: a notebook JupyterLab
    opens is linted, and a 6 MB one is parsed once); nbformat 3 is read by nbformat's
    reader (which joins its lists of lines) and converted to 4. Every command reads
    notebooks through here, so each accepts the same files and refuses the others with
    the same reason."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        raw = json.loads(text)
    except UnicodeDecodeError:
        return None, None, "not a notebook: the file is not UTF-8 text"
    except ValueError as err:
        return None, None, f"not a notebook: invalid JSON ({err})"
    if not isinstance(raw, dict) or not isinstance(raw.get("nbformat"), int):
        return None, None, "not a notebook: no nbformat version"
    if raw["nbformat"] not in (3, 4):
        return None, None, f"unsupported nbformat version {raw['nbformat']}"
    if raw["nbformat"] == 3:
        try:
            with warnings.catch_warnings():  # nbformat warns about missing cell ids: not our finding
                warnings.simplefilter("ignore")
                raw = nbformat.convert(nbformat.reader.reads(text), 4)
        except Exception as err:  # nbformat raises many kinds for malformed notebooks
            return None, None, f"not a valid notebook: {err}"
    reason = _malformed(raw)
    return (None, None, f"not a valid notebook: {reason}") if reason else (raw, text, None)


def _malformed(nb: dict[str, Any]) -> str | None:
    """What keeps the rules from reading a notebook, or None."""
    if not isinstance(nb.get("metadata", {}), dict):
        return "metadata is not an object"
    cells = nb.get("cells")
    if not isinstance(cells, list):
        return "no list of cells"
    for i, c in enumerate(cells, 1):
        if not isinstance(c, dict) or not isinstance(c.get("cell_type"), str):
            return f"cell {i} has no cell_type"
        source = c.get("source", "")
        if not isinstance(source, str) and not (isinstance(source, list) and all(isinstance(x, str) for x in source)):
            return f"cell {i} has a source that is not text"
        if not isinstance(c.get("metadata", {}), dict) or not isinstance(c.get("outputs", []), list):
            return f"cell {i} has malformed metadata or outputs"
    return None


def lint_path(path: Path, display: str | None = None, config: Config | None = None) -> list[Finding]:
    """Findings of the notebook file at ``path`` (reported as ``display``); a file that is
    not a readable notebook gives one NR000 finding. ``config`` defaults to the one found
    by walking up from the file (a ``ConfigError`` is a usage error for the caller)."""
    display = display if display is not None else str(path)
    if config is None:
        config = find_config(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        return invalid_findings(display, f"cannot read the file: {err.strerror or err}", config)
    read = read_notebook(data)
    if read[0] is None:
        return invalid_findings(display, read[2], config)
    nb, text, _ = read
    return lint_notebook(nb, display, config, text)


def notebook_files(
    paths: Iterable[Path], exclude: tuple[str, ...] | None = None, extend_exclude: tuple[str, ...] = ()
) -> Iterator[Path]:
    """The notebooks named or found (recursively, sorted) under ``paths``. A file named is
    always linted; a folder scan skips what the folder's configuration excludes (``exclude``
    replaces it, ``extend_exclude`` adds to it), virtualenvs (a folder holding
    ``pyvenv.cfg``) and what git ignores. A missing path raises FileNotFoundError; a folder
    that vanishes during the scan is skipped."""
    for p in paths:
        if p.is_dir():
            patterns = (exclude if exclude is not None else find_config(p).exclude) + tuple(extend_exclude)
            yield from _scan_folder(p, patterns)
        elif p.exists():
            yield p
        else:
            raise FileNotFoundError(str(p))


def _excluded(relative: PurePosixPath, patterns: tuple[str, ...]) -> bool:
    """Whether a glob matches the entry's name or its path below the folder scanned."""
    path = relative.as_posix()
    return any(fnmatchcase(relative.name, p) or fnmatchcase(path, p) for p in patterns)


def _scan_folder(root: Path, patterns: tuple[str, ...]) -> list[Path]:
    found: list[Path] = []
    # os.walk skips a folder it can no longer list (gone mid-scan) instead of raising
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        below = PurePosixPath(here.relative_to(root).as_posix())
        dirs[:] = [d for d in dirs if not _excluded(below / d, patterns) and not (here / d / "pyvenv.cfg").exists()]
        found.extend(here / f for f in files if f.endswith(".ipynb") and not _excluded(below / f, patterns))
    ignored = _git_ignored(root, found)
    return sorted(f for f in found if f not in ignored)


def _git_ignored(root: Path, files: list[Path]) -> set[Path]:
    """The files git ignores (none when ``root`` is not in a git work tree, or git is absent)."""
    if not files or shutil.which("git") is None:
        return set()
    names = {str(f.relative_to(root)): f for f in files}
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "check-ignore", "--stdin", "-z"],
            input="\0".join(names) + "\0",
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return set()
    if done.returncode not in (0, 1):  # 128: not a git work tree
        return set()
    return {names[n] for n in done.stdout.split("\0") if n in names}


class EngineRun(Protocol):
    """Where a function runs: ``await run(function, *args)`` (the server's engine thread)."""

    def __call__(self, function: Callable[..., T], /, *args: Any) -> Awaitable[T]: ...


async def read_contents_notebook(
    contents_manager: Contents, path: str, run: EngineRun | None = None
) -> tuple[dict[str, Any] | None, str | None, Config]:
    """(notebook or None, reason it is unreadable, Config) of a notebook saved at ``path``
    (relative to the server root), read through the ContentsManager. A missing file is a
    404, a path that is no notebook or leaves the root a 400 (``RequestError``). ``run``
    (``await run(function, *args)``) is where the JSON is parsed: the server's engine
    thread, so a big notebook does not stall the event loop; default: here."""
    from jupyter_core.utils import ensure_async
    from tornado.web import HTTPError

    from .errors import RequestError

    if not isinstance(path, str) or not path.strip("/"):
        raise RequestError('the "path" query argument must name a notebook relative to the server root')
    path = path.strip("/")
    if not path.endswith(".ipynb"):
        raise RequestError(f"{path} is not a notebook (.ipynb)")
    try:
        if not await ensure_async(contents_manager.file_exists(path)):
            raise RequestError(f"no notebook at {path}", 404)
        model = await ensure_async(contents_manager.get(path, content=True, type="file", format="text"))
    except HTTPError as err:
        raise RequestError(
            err.log_message or f"cannot read {path}", 400 if err.status_code >= 500 else err.status_code
        ) from None
    content = model["content"]
    nb, _, reason = read_notebook(content) if run is None else await run(read_notebook, content)
    config = Config()
    root = getattr(contents_manager, "root_dir", None)
    if isinstance(root, str) and Path(root).is_dir():
        try:
            config = find_config(Path(root, path), stop=Path(root))
        except ConfigError as err:
            raise RequestError(str(err)) from None
    return nb, reason, config


# The output formats moved to lint_output.py; their names stay importable from here.
_OUTPUT_NAMES = frozenset(
    {
        "FORMATS",
        "DOCS_PATH",
        "PLACEHOLDER_REPOSITORY",
        "SARIF_SCHEMA",
        "docs_url",
        "format_json",
        "format_sarif",
        "format_text",
        "repository_url",
        "rule_help_uri",
        "to_sarif",
        "web_url",
    }
)


def __getattr__(name: str) -> Any:
    if name in _OUTPUT_NAMES:  # imported on first use: lint_output imports this module
        from . import lint_output

        return getattr(lint_output, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
