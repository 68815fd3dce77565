"""Extraction planning: selected cells -> a function or a module, or a refusal.

``plan_extraction`` is pure: it reads an nbformat v4 notebook, the selection, a
function name, a module path and (optionally) the module's current text, and
answers what the module and the one replacement cell become. Nothing is written
here (``apply.py`` does that). Whenever the moved code could behave differently
from the cells it replaces, the plan is refused with a reason naming the cell
(its 1-based position, as JupyterLab shows it) and the line.

Facts about each cell come from ``cells.cell_facts``; what they do not say
(definite assignment in the selection's own order, where a displayed value
is, which statements are imports) is computed here from the cell's ``ast``.
Code is generated and merged with libcst, so comments, multi-line strings and
the existing module's bytes survive.
"""

from __future__ import annotations

import ast
import builtins
import difflib
import hashlib
import keyword
import posixpath
from dataclasses import dataclass, field

import libcst as cst

from .cells import CellFacts, Walker, cell_facts
from .errors import RequestError
from .language import PYTHON, notebook_language
from .modpath import dotted_name, validate_module_path
from .request import BOOLEAN, JSON_OBJECT, Kind, as_text, check, get_field, is_text

MODES = ("function", "module")

# Names a cell can use although no cell binds them: Python's builtins plus the
# ones IPython injects while code runs in the kernel.
KERNEL_BUILTINS = frozenset(dir(builtins)) | {"display", "get_ipython"}
# A module imported by the kernel does see IPython's injected names, but only while
# a cell runs; importing them explicitly makes the module work anywhere.
IPYTHON_IMPORTS = {
    "display": "from IPython.display import display",
    "get_ipython": "from IPython import get_ipython",
}
# Line magics that return None: a cell ending with one displays nothing, so the
# magic can move into the replacement cell without losing an output.
QUIET_MAGICS = frozenset(
    "matplotlib load_ext reload_ext autoreload aimport config pip conda run cd colors "
    "xmode pylab alias unalias store reset logstart logstop".split()
)
# Line magics whose argument is code run in the user namespace: never hoisted.
CODE_MAGICS = frozenset({"time", "timeit", "prun", "debug"})
_MAGIC_METHODS = ("run_line_magic", "system", "getoutput", "run_cell_magic")
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
# Expressions whose value is never None: display(E) shows exactly what the cell showed.
_NEVER_NONE = (
    ast.JoinedStr,
    ast.List,
    ast.Tuple,
    ast.Set,
    ast.Dict,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
    ast.Lambda,
)
# What a constant assignment moved as-is may contain (no calls: they could have effects).
_CONSTANT_NODES = (
    ast.Constant,
    ast.Tuple,
    ast.List,
    ast.Set,
    ast.Dict,
    ast.UnaryOp,
    ast.BinOp,
    ast.BoolOp,
    ast.Compare,
    ast.Name,
    ast.Attribute,
    ast.Subscript,
    ast.Slice,
    ast.JoinedStr,
    ast.FormattedValue,
    ast.IfExp,
    ast.Starred,
    ast.expr_context,
    ast.operator,
    ast.unaryop,
    ast.boolop,
    ast.cmpop,
)


class Refused(Exception):
    """The selection cannot move without changing behaviour; the message says why."""

    def __init__(self, message: str, at: dict | None = None, overwritable: bool = False):
        super().__init__(message)
        self.at = at
        self.overwritable = overwritable


_OVERWRITE_HINT = " (or ask to overwrite)"


def _refuse(pos: int | None, line: int | None, message: str, overwritable: bool = False):
    """Refuse; ``pos`` is the cell's 1-based position, ``line`` 1-based in that cell.

    ``overwritable``: the same request with ``overwrite`` would be planned (said in
    the message, and as the plan's ``overwrite_would_help``).
    """
    where = "" if pos is None else f"cell {pos}" + (f" line {line}" if line else "") + ": "
    at = None if pos is None else {"cell": pos - 1, "line": line or None}
    raise Refused(where + message + (_OVERWRITE_HINT if overwritable else ""), at, overwritable)


def source_hash(text: str | None) -> str | None:
    """The ``base_hash`` of a module text: sha256 hex of its UTF-8 bytes, None when absent."""
    return None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()


def replaced_ids(cells: list[dict], selected: list[int]) -> list[str]:
    """The plan's ``replaces``: the ids of the selected cells (0-based), in notebook order,
    which the replacement cell records; empty unless every one has an id (nbformat >= 4.5)."""
    ids = [cells[i].get("id") for i in sorted(set(selected))]
    return ids if all(isinstance(i, str) and i for i in ids) else []


# ----- request ------------------------------------------------------------------------


@dataclass
class Request:
    cells: list[dict]
    selected: list[int]
    name: str | None
    module: str
    mode: str
    module_source: str | None
    overwrite: bool
    notebook_name: str
    language: str


_NOTEBOOK = Kind(
    'an nbformat v4 notebook with a "cells" list',
    lambda value: isinstance(value, dict) and isinstance(value.get("cells"), list),
)
_SELECTION = Kind(
    "a non-empty list of 0-based cell indices",
    lambda value: (
        isinstance(value, list) and bool(value) and all(isinstance(i, int) and not isinstance(i, bool) for i in value)
    ),
)
_MODULE_SOURCE = Kind("text", lambda value: isinstance(value, str)).or_null()


def parse_request(request: object) -> Request:
    """Validate a plan request; a malformed one raises ``RequestError``."""
    check(request, JSON_OBJECT, "the request")
    cells = get_field(request, "notebook", _NOTEBOOK, '"notebook"')["cells"]
    for i, cell in enumerate(cells):
        if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
            raise RequestError(f"notebook cell {i + 1} is not an nbformat cell")
        if not is_text(cell.get("source", "")):
            raise RequestError(f"notebook cell {i + 1} has a source that is not text")
    selected = get_field(request, "cells", _SELECTION, '"cells"')
    if len(set(selected)) != len(selected):
        raise RequestError('"cells" lists a cell twice')
    for i in selected:
        if not 0 <= i < len(cells):
            raise RequestError(f'"cells": cell index {i} is out of range (the notebook has {len(cells)} cells)')
    mode = request.get("mode", "function")
    if mode not in MODES:
        raise RequestError(f'"mode" must be "function" or "module", not {mode!r}')
    name = request.get("name") if mode == "function" else None  # mode "module" keeps the names
    if mode == "function" and (not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name)):
        raise RequestError(f'"name" must be a Python identifier, not {name!r}')
    module = validate_module_path(request.get("module"))
    module_source = get_field(request, "module_source", _MODULE_SOURCE, '"module_source"', default=None)
    if module_source is not None and not module_source.isascii():
        try:
            module_source.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates, which JSON can carry
            raise RequestError('"module_source" is not valid Unicode text') from None
    overwrite = get_field(request, "overwrite", BOOLEAN, '"overwrite"', default=False)
    path = request.get("path")
    notebook_name = posixpath.basename(path) if isinstance(path, str) and path else "the notebook"
    language = notebook_language(request["notebook"])
    return Request(cells, sorted(selected), name, module, mode, module_source, overwrite, notebook_name, language)


# ----- small ast helpers --------------------------------------------------------------


def _walk_scope(node):
    """Nodes of ``node`` that run in its own scope (not inside nested defs, lambdas, classes)."""
    stack = list(ast.iter_child_nodes(node))
    while stack:
        n = stack.pop()
        yield n
        if not isinstance(n, _SCOPES):
            stack.extend(ast.iter_child_nodes(n))


def _bound_names(node) -> set[str]:
    """Every name any part of ``node`` binds or deletes (over-approximation)."""
    out = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
            out.add(n.id)
        elif isinstance(n, _DEFS):
            out.add(n.name)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            out.update(_bound(a) for a in n.names)
        elif isinstance(n, ast.ExceptHandler) and n.name:
            out.add(n.name)
        elif isinstance(n, (ast.MatchAs, ast.MatchStar)) and n.name:
            out.add(n.name)
        elif isinstance(n, ast.MatchMapping) and n.rest:
            out.add(n.rest)
        elif isinstance(n, (ast.Global, ast.Nonlocal)):
            out.update(n.names)
    return out


def _magic_method(stmt) -> str | None:
    """``get_ipython().<method>(...)`` as a statement (or its value) -> method."""
    value = stmt.value if isinstance(stmt, (ast.Expr, ast.Assign)) else None
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        inner = value.func.value
        if (
            isinstance(inner, ast.Call)
            and isinstance(inner.func, ast.Name)
            and inner.func.id == "get_ipython"
            and value.func.attr in _MAGIC_METHODS
        ):
            return value.func.attr
    return None


@dataclass
class _Cell:
    """One code cell of the notebook with what extraction needs to know about it."""

    index: int
    facts: CellFacts
    shift: int = 0  # original line = tree line + shift (IPython drops leading blank lines)

    @property
    def pos(self) -> int:
        return self.index + 1

    def line_of(self, name: str, store: bool | None = None) -> int | None:
        """First line where ``name`` is used (``store``: bound) in this cell."""
        tree = self.facts.tree
        if tree is None:
            return None
        best = None
        for n in ast.walk(tree):
            line = None
            if isinstance(n, ast.Name) and n.id == name:
                if store is None or store == (not isinstance(n.ctx, ast.Load)):
                    line = n.lineno
            elif store is not False and isinstance(n, _DEFS) and n.name == name:
                line = n.lineno
            elif store is not False and isinstance(n, (ast.Import, ast.ImportFrom)):
                if any(_bound(a) == name for a in n.names):
                    line = n.lineno
            if line is not None and (best is None or line < best):
                best = line
        return None if best is None else best + self.shift

    def import_only(self, name: str) -> bool:
        """True when this cell binds ``name`` only by top-level imports, all the same one."""
        statement = self.facts.imports.get(name)
        if statement is None or name in self.facts.uncertain_defines:
            return False
        for n in ast.walk(self.facts.tree):
            if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load):
                return False
            if isinstance(n, _DEFS) and n.name == name:
                return False
            if isinstance(n, (ast.Import, ast.ImportFrom)):
                for a in n.names:
                    if _bound(a) == name and _import_text(n, a) != statement:
                        return False
        return True


def _import_text(node, alias) -> str:
    asname = f" as {alias.asname}" if alias.asname else ""
    if isinstance(node, ast.Import):
        return f"import {alias.name}{asname}"
    return f"from {'.' * node.level}{node.module or ''} import {alias.name}{asname}"


def _leading_blank(text: str) -> int:
    count = 0
    for line in text.splitlines():
        if line.strip():
            break
        count += 1
    return count


# ----- definite assignment over the selection ---------------------------------------


class _Flow(Walker):
    """cells.py's walker (the one definite-assignment analysis) over the selection's
    module-level code, cell after cell. Besides what it always tracks, it records each
    name read (or deleted) at a point where the selection may not have bound it yet: in
    a function those reads would see the function's own, possibly unbound, local instead
    of the notebook's global.

    The body of a def or lambda runs later: its free names count as read where it is
    defined (``deferred``), unless already certainly bound there (then the closure sees
    that binding).
    """

    def __init__(self, known: set[str]):
        super().__init__([])
        self.open: dict[str, tuple[int, int, bool]] = {}  # name -> (pos, line, deferred only)
        self.cell: _Cell | None = None
        self._line = 1
        self._deferred = 0
        for name in known:  # bound at the module's top: certainly there
            self.bind(name)

    @property
    def deleted(self) -> set[str]:
        """Names the selection deletes and does not certainly bind again."""
        return {n for n in self.deletes if n not in self.definite}

    def walk(self, cell: _Cell, statements: list[ast.stmt]) -> None:
        self.cell = cell
        self.block(statements)

    def read_open(self, name: str, deferred: bool = False) -> None:
        if name in self.definite or self.cell is None:
            return
        seen = self.open.get(name)
        if seen is None:
            self.open[name] = (self.cell.pos, self._line + self.cell.shift, deferred)
        elif seen[2] and not deferred:
            self.open[name] = (seen[0], seen[1], False)

    # the walker's hooks
    def block(self, body):
        for node in body:
            self._line = getattr(node, "lineno", self._line)
            super().block([node])

    def expr(self, node):
        self._line = getattr(node, "lineno", self._line)
        super().expr(node)

    def _module_read(self, name):
        super()._module_read(name)
        self.read_open(name, self._deferred > 0)

    def _leave(self, scope):
        self._deferred += 1  # a def's or lambda's free names: read when it runs
        try:
            super()._leave(scope)
        finally:
            self._deferred -= 1

    def _s_def(self, node):
        super()._s_def(node)
        self._defined(node)

    def _s_class(self, node):
        super()._s_class(node)
        self._defined(node)

    def _defined(self, node):
        if self.scope is None:
            self._line = node.lineno
            for name in self.functions.get(node.name, ()):
                self.read_open(name, deferred=True)

    def _delete(self, t):
        if isinstance(t, ast.Name) and self.scope is None:
            self._line = t.lineno
            self.read_open(t.id)
        super()._delete(t)


# ----- the planner --------------------------------------------------------------------


@dataclass
class _Unit:
    """One libcst statement of a selected cell and the ast statements it holds."""

    node: cst.BaseStatement
    stmts: list[ast.stmt]
    cell: _Cell


@dataclass
class _Selection:
    units: list[_Unit] = field(default_factory=list)
    hoisted: list[str] = field(default_factory=list)  # magic lines for the replacement cell
    headers: dict[int, list] = field(default_factory=dict)  # cell index -> comments before code
    footers: dict[int, list] = field(default_factory=dict)


class _Planner:
    def __init__(self, req: Request):
        self.req = req
        self.notes: list[str] = []
        self.cells: dict[int, _Cell] = {}
        for i, c in enumerate(req.cells):
            if c.get("cell_type") == "code":
                source = as_text(c.get("source", ""))
                facts = cell_facts(source)
                shift = 0
                if facts.python != source and facts.tree is not None:
                    shift = _leading_blank(source) - _leading_blank(facts.python)
                self.cells[i] = _Cell(i, facts, shift)
        self.sel = [self.cells[i] for i in req.selected if i in self.cells]
        first, last = req.selected[0], req.selected[-1]
        self.before = [c for i, c in self.cells.items() if i < first]
        self.after = [c for i, c in self.cells.items() if i > last]
        self.outside = self.before + self.after
        self.dotted = dotted_name(req.module)

    # --- checks shared by both modes ---
    def check_selection(self):
        req = self.req
        for i in req.selected:
            kind = req.cells[i].get("cell_type")
            if kind != "code":
                _refuse(i + 1, None, f"is a {kind} cell: select code cells only")
        for i, c in self.cells.items():
            if c.facts.tree is not None and not c.facts.tree.body and not c.facts.magics:
                continue  # only comments (or nothing): it stays where it is
            if req.selected[0] < i < req.selected[-1] and i not in req.selected:
                _refuse(
                    i + 1,
                    None,
                    "is a code cell between the selected cells: select cells with no code cell between them",
                )
        for c in self.sel:
            f = c.facts
            if f.error is not None:
                _refuse(c.pos, f.error_line, f"the cell does not parse ({f.error})")
            if f.star_import is not None:
                _refuse(c.pos, f.star_import, "`import *` hides which names the code uses")
            for call, line in f.dynamic_namespace:
                if call != "%run":  # a leading %run moves to the replacement cell
                    _refuse(
                        c.pos,
                        line,
                        f"{call} without an explicit namespace sees the notebook's variables, not the moved code's",
                    )
            for n in ast.walk(f.tree):
                line = getattr(n, "lineno", 0) + c.shift
                if isinstance(n, ast.Global):
                    _refuse(c.pos, line, f"`global {', '.join(n.names)}` cannot move: the global would be the module's")
                if isinstance(n, ast.Nonlocal):
                    _refuse(c.pos, line, "`nonlocal` cannot move safely")
                if isinstance(n, ast.ImportFrom) and n.module == "__future__":
                    _refuse(c.pos, line, "`from __future__` imports cannot move")
                if (
                    isinstance(n, ast.Call)
                    and isinstance(n.func, ast.Name)
                    and n.func.id in ("exec", "eval")
                    and len(n.args) < 2
                    and not n.keywords
                ):
                    # cells.py reports only module-level ones; in a def, too, the globals
                    # would become the module's
                    _refuse(
                        c.pos,
                        line,
                        f"{n.func.id} without an explicit namespace sees the notebook's variables, not the moved code's",
                    )
            for name in f.output_history:
                _refuse(
                    c.pos,
                    c.line_of(name) or c.line_of("Out"),
                    f"reads the output history ({name}), which depends on the cell order",
                )
            for name in f.reads_dunder:
                _refuse(c.pos, c.line_of(name), f"reads {name}, which is different inside a module")
            for n in _walk_scope(f.tree):
                if isinstance(n, (ast.Return, ast.Yield, ast.YieldFrom)):
                    _refuse(c.pos, n.lineno + c.shift, f"`{type(n).__name__.lower()}` outside a function")
        for c in self.after:
            f = c.facts
            lines = f.source.splitlines()
            for call, line in f.dynamic_namespace:
                text = lines[line - 1] if call == "%run" and 0 < line <= len(lines) else ""
                if call != "%run" or " -i" in text:
                    _refuse(
                        c.pos,
                        line,
                        f"{call} may read any variable, so the names the selection must give back are unknown",
                    )
            for name in f.output_history:
                _refuse(
                    c.pos,
                    c.line_of(name) or c.line_of("Out"),
                    f"reads the output history ({name}), which changes when cells are replaced",
                )

    def split_selection(self) -> _Selection:
        """The selected cells as libcst statements, leading magics taken out for hoisting."""
        out = _Selection()
        code_started = False
        for c in self.sel:
            f = c.facts
            magics = sorted(f.magics, key=lambda m: m.line)
            for m in magics:
                if m.kind == "cell":
                    _refuse(c.pos, m.line, f"the cell magic {m.text.split()[0]} cannot move into a module")
            body = f.tree.body
            k = 0
            while (
                not code_started
                and k < len(body)
                and _magic_method(body[k]) in ("run_line_magic", "system")
                and isinstance(body[k], ast.Expr)
            ):
                if k >= len(magics):
                    break
                m = magics[k]
                if m.kind not in ("line", "shell") or m.reads or m.name in CODE_MAGICS:
                    break
                if k == len(body) - 1 and f.displays and m.kind == "line" and m.name not in QUIET_MAGICS:
                    _refuse(c.pos, m.line, f"the value %{m.name} shows would be lost")
                k += 1
            if k < len(magics):
                m = magics[k]
                _refuse(
                    c.pos,
                    m.line,
                    f"the magic `{m.text.strip()}` comes after code (or reads variables): only leading magics without variables can move into the replacement cell",
                )
            if k < len(body):
                code_started = True
            lines = f.source.splitlines(keepends=True)
            removed = 0
            kept = []
            i = 0
            while i < len(lines):
                text = lines[i].lstrip()
                if removed < k and (text.startswith("%") or text.startswith("!")):
                    hoisted = [lines[i]]
                    while lines[i].rstrip("\r\n").endswith("\\") and i + 1 < len(lines):
                        i += 1
                        hoisted.append(lines[i])
                    out.hoisted.append("".join(hoisted).rstrip("\r\n"))
                    removed += 1
                else:
                    kept.append(lines[i])
                i += 1
            code = "".join(kept)
            if k or f.python != f.source:
                try:
                    same = ast.dump(ast.parse(code)) == ast.dump(ast.Module(body=body[k:], type_ignores=[]))
                except (SyntaxError, ValueError):
                    same = False
                if not same:
                    _refuse(c.pos, None, "uses IPython syntax that cannot move into a module")
            try:
                module = cst.parse_module(code)
            except cst.ParserSyntaxError as err:
                _refuse(c.pos, err.raw_line, f"libcst cannot parse the cell ({err.message})")
            start = k  # an index, not slicing the rest off each time: quadratic on huge cells
            for node in module.body:
                n = len(node.body) if isinstance(node, cst.SimpleStatementLine) else 1
                out.units.append(_Unit(node, body[start : start + n], c))
                start += n
            out.headers[c.index] = list(module.header)
            out.footers[c.index] = list(module.footer)
        return out

    def later_needs(self) -> set[str]:
        """Names read after the selection: by later cells before they rebind them, and
        by any function defined outside the selection (it may be called later)."""
        need = set()
        killed = set()
        for c in self.after:
            need.update(n for n in c.facts.reads if n not in killed)
            killed.update(n for n in c.facts.defines if n not in c.facts.uncertain_defines)
        for c in self.outside:
            for free in c.facts.functions.values():
                need.update(free)
        return need

    def later_binders(self, name: str) -> _Cell | None:
        for c in self.after:
            if name in c.facts.defines or name in c.facts.deletes:
                return c
        return None

    def star_imports(self) -> dict[str, str]:
        """The ``from m import *`` statements of the cells above the selection, in order
        (keyed ``*m``): a name nothing binds may come from one of them."""
        out = {}
        for c in self.before:
            if c.facts.star_import is None or c.facts.tree is None:
                continue
            for n in _walk_scope(c.facts.tree):
                if isinstance(n, ast.ImportFrom) and any(a.name == "*" for a in n.names):
                    module = "." * n.level + (n.module or "")
                    out[f"*{module}"] = f"from {module} import *"
        return out

    def earlier_binders(self, name: str) -> list[_Cell]:
        return [c for c in self.before if name in c.facts.defines]

    def shadowed_anywhere(self, name: str) -> _Cell | None:
        for c in self.outside:
            if name in c.facts.defines:
                return c
        return None


# ----- mode "function" ----------------------------------------------------------------


def _plan_function(p: _Planner) -> dict:
    req = p.req
    name = req.name
    p.check_selection()
    for c in p.sel:
        for n in _walk_scope(c.facts.tree):
            if isinstance(n, ast.ClassDef) and n not in c.facts.tree.body:
                _refuse(
                    c.pos,
                    n.lineno + c.shift,
                    f'class {n.name} would become local to {name}() (its repr and pickling change): move classes with mode "module"',
                )
            if isinstance(n, ast.AnnAssign) and n.value is None and isinstance(n.target, ast.Name):
                _refuse(
                    c.pos, n.lineno + c.shift, f"the bare annotation of {n.target.id} would make it a local variable"
                )
    sel = p.split_selection()

    sel_defines: dict[str, _Cell] = {}
    for c in p.sel:
        for n in (*c.facts.defines, *c.facts.deletes):
            sel_defines.setdefault(n, c)

    # Leading top-level imports move to the module's imports; their names are then
    # module globals, not the function's locals.
    def import_only_in_selection(n):
        return all(c.import_only(n) for c in p.sel if n in c.facts.defines)

    leading: list[_Unit] = []
    for u in sel.units:
        if not isinstance(u.node, cst.SimpleStatementLine) or not all(
            isinstance(s, (ast.Import, ast.ImportFrom)) and getattr(s, "module", None) != "__future__" for s in u.stmts
        ):
            break
        if not all(import_only_in_selection(_bound(a)) for s in u.stmts for a in s.names):
            break
        leading.append(u)
    hoisted_imports = {_bound(a): _import_text(s, a) for u in leading for s in u.stmts for a in s.names}
    body_units = sel.units[len(leading) :]
    local_names = {n for n in sel_defines if n not in hoisted_imports}
    if name in local_names:
        _refuse(
            sel_defines[name].pos,
            sel_defines[name].line_of(name, True),
            f"the selection itself binds {name}: choose another function name",
        )
    # Top-level defs and classes go to the module's top level (their qualified name and
    # pickling stay as they were) and are imported back.
    lift = _lift_definitions(p, sel, body_units, hoisted_imports, local_names)
    lifted_ids = {id(u.stmts[0]) for u in lift.units}
    body_units = [u for u in body_units if id(u.stmts[0]) not in lifted_ids]
    local_names -= set(lift.names)

    # Displayed values: the last one becomes the function's result, the others display().
    last_cell = p.sel[-1]
    shadowed_print = {n for n in ("print", "display") if p.shadowed_anywhere(n) or n in local_names}
    display_unit = None
    if last_cell.facts.displays and body_units and body_units[-1].cell is last_cell:
        u = body_units[-1]
        value = u.stmts[-1].value if isinstance(u.stmts[-1], ast.Expr) else None
        if value is not None and not _is_print_call(value, shadowed_print):
            display_unit = u
    display_name = None
    skip = {id(s) for u in leading for s in u.stmts} | lifted_ids
    if display_unit is not None and isinstance(display_unit.stmts[-1].value, ast.Name):
        display_name = display_unit.stmts[-1].value.id
        skip.add(id(display_unit.stmts[-1]))
    flow = _Flow({*hoisted_imports, *lift.names})
    for c in p.sel:
        flow.walk(c, [s for u in sel.units if u.cell is c for s in u.stmts if id(s) not in skip])
        for n in _walk_scope(c.facts.tree):
            if isinstance(n, ast.Delete) and n not in c.facts.tree.body:
                target = next((t.id for t in n.targets if isinstance(t, ast.Name)), None)
                if target is not None:
                    _refuse(
                        c.pos,
                        n.lineno + c.shift,
                        f"`del {target}` runs only on some paths, so whether {target} exists afterwards is unknown",
                    )

    # cells.py's reads are exact for what they cover; add them to the flow's.
    certain = set(hoisted_imports) | set(lift.names)
    needed: dict[str, tuple[int, int, bool]] = dict(flow.open)
    for c in p.sel:
        for n in lift.reads.get(c.index, c.facts.reads):
            if n not in certain and n not in needed:
                needed[n] = (c.pos, c.line_of(n, False) or 1, False)
        certain.update(n for n in c.facts.defines if n not in c.facts.uncertain_defines)
    if display_name is not None and display_name in needed and display_name not in local_names:
        # that read moves to the replacement cell, which reads the notebook's variable itself
        shown = display_unit.stmts[-1].value
        if not any(
            isinstance(m, ast.Name) and m.id == display_name and m is not shown
            for c in p.sel
            for m in ast.walk(c.facts.tree)
        ):
            needed.pop(display_name)

    params: list[str] = []
    module_imports: dict[str, str] = dict(lift.imports)  # name -> import statement text
    module_globals: set[str] = set(lift.builtins)  # builtins the module's code reads from its scope
    for n, (pos, line, deferred) in needed.items():
        kind = _classify(p, n, local_names)
        if kind == "param":
            params.append(n)
        elif kind == "import":
            module_imports[n] = p.earlier_binders(n)[-1].facts.imports[n]
        elif kind == "builtin":
            module_globals.add(n)
            if n in IPYTHON_IMPORTS:
                module_imports[n] = IPYTHON_IMPORTS[n]
        elif kind == "star":
            module_imports.update(p.star_imports())
        elif kind == "kernel":
            # Passing it would fail at the call even where the cells never read it.
            later = p.later_binders(n)
            where = f"only cell {later.pos}, below the selection, defines it" if later else "no cell defines it"
            who = "a function defined here reads" if deferred else "reads"
            _refuse(pos, line, f"{who} {n}, but {where}")

    # A function defined in the selection keeps the values it closes over; a later cell
    # rebinding one of them would no longer reach it.
    for c in p.sel:
        for fn, free in c.facts.functions.items():
            for n in free:
                later = p.later_binders(n)
                if later is not None:
                    _refuse(
                        c.pos,
                        c.line_of(fn, True),
                        f"{fn} reads the global {n}, which cell {later.pos} rebinds later; inside {name}() it would keep the old value",
                    )
    nested = [fn for c in p.sel for fn in c.facts.functions if fn not in lift.names]
    if nested:
        p.notes.append(
            f"{', '.join(nested)} become{'s' if len(nested) == 1 else ''} local to {name}() "
            f"(the qualified name shows {name}.<locals>)"
        )
    if lift.names:
        p.notes.append(
            f"{', '.join(lift.names)} move{'s' if len(lift.names) == 1 else ''} to {req.module} as defined and are imported back"
        )

    _check_outside_functions(p, local_names)

    # Returns: what the selection binds that is read afterwards, plus rebound parameters.
    later = p.later_needs()
    returns = []
    for n in sel_defines:
        if n in hoisted_imports or n in flow.deleted or n in lift.names:
            continue
        if n in later or n == display_name:
            returns.append(n)
    carried_late: dict[str, str] = {}
    for n in list(returns):
        if n not in params and import_only_in_selection(n):
            # a later cell uses a name the selection imports: repeat the import instead
            returns.remove(n)
            carried_late[n] = next(c.facts.imports[n] for c in p.sel if n in c.facts.imports)
    loop_bound = {n for c in p.sel for n in _loop_binds(c.facts.tree)}
    for n in returns:
        if n in flow.definite or n in params:
            continue
        # the function may end without binding it: start from the notebook's value
        binders = p.earlier_binders(n)
        c = sel_defines[n]
        if binders and any(n not in b.facts.uncertain_defines for b in binders):
            params.append(n)
        elif n in KERNEL_BUILTINS and not binders:
            params.append(n)
        elif n not in loop_bound:
            # a loop's names are returned as they are: when the loop never runs, the
            # call fails where the later cell would have failed
            _refuse(
                c.pos,
                c.line_of(n, True),
                f"{n} is bound only on some paths (if/try/for/while/match) and no cell above gives it a value, but later code reads it",
            )
    dels = [n for n in flow.deleted if n in params or p.earlier_binders(n)]
    dels = [n for n in sel_defines if n in dels]

    carried_early = {n: s for n, s in hoisted_imports.items() if n in later or n == display_name}
    replacement_names = {*params, *returns, *carried_early, *carried_late, *module_imports, *hoisted_imports}
    _check_name_free(p, [name], later)
    if name in replacement_names or name in KERNEL_BUILTINS:
        _refuse(None, None, f"{name} is already used by the selection or is a builtin: choose another function name")

    # ---- generate the function ----
    is_async = any(c.facts.is_async for c in p.sel)
    display_var = None
    body: list[cst.BaseStatement] = []
    carry: list[cst.EmptyLine] = []  # comments waiting for the next statement
    needs_display = False
    used = {n for c in p.cells.values() for n in c.facts.defines} | set(params) | set(module_imports)
    # Jupyter shows and closes a cell's matplotlib figures when the cell ends; in one
    # function they would become one figure, so each drawing cell ends with show().
    drawing = [c for c in p.sel[:-1] if _draws(c, _plotting_names(p))]
    pyplot = _pyplot_name(p, module_imports, hoisted_imports, local_names, used) if drawing else None
    for c in p.sel:
        units = [u for u in body_units if u.cell is c]
        pending = carry + ([cst.EmptyLine(indent=False)] if body and units else []) + list(sel.headers[c.index])
        carry = []
        for j, u in enumerate(units):
            node = u.node
            if u is display_unit:
                if display_name is not None:
                    node, dropped = _drop_last(node)
                    pending += dropped
                    if node is None:
                        continue
                else:
                    shown = node.body[-1].value
                    if returns or dels:
                        display_var = _fresh(f"_{name}_out", used)
                    value = _tuple([*(cst.Name(r) for r in returns), shown])
                    node = node.with_changes(body=[*node.body[:-1], cst.Return(value=value)])
            elif (
                j == len(units) - 1
                and c is not last_cell
                and c.facts.displays
                and isinstance(u.stmts[-1], ast.Expr)
                and _magic_method(u.stmts[-1]) is None
                and not _is_print_call(u.stmts[-1].value, shadowed_print)
            ):
                node, *rest = _display_nodes(node, u.stmts[-1].value, used)
                body.append(_with_leading(node, pending))
                body.extend(rest)
                pending = []
                needs_display = True
                p.notes.append(f"the value cell {c.pos} displayed is shown with display()")
                continue
            body.append(_with_leading(node, pending))
            pending = []
        if c in drawing and units:
            body.append(_with_leading(cst.parse_statement(f"{pyplot}.show()\n"), pending))
            pending = []
            p.notes.append(f"the figure cell {c.pos} draws is shown where the cell ended ({pyplot}.show())")
        carry = pending + list(sel.footers[c.index])
    if body:  # no blank line opens the function (a moved definition may have been above)
        first = body[0]
        blank = 0
        while blank < len(first.leading_lines) and first.leading_lines[blank].comment is None:
            blank += 1
        body[0] = first.with_changes(leading_lines=first.leading_lines[blank:])
    complex_display = display_unit is not None and display_name is None
    if returns and not complex_display:
        ret = cst.SimpleStatementLine([cst.Return(_tuple([cst.Name(r) for r in returns]))])
        body.append(_with_leading(ret, carry))
        carry = []
    if needs_display:
        if "display" in local_names or "display" in params:
            _refuse(None, None, "the selection's display is not IPython's, which the function needs to show values")
        module_imports.setdefault("display", IPYTHON_IMPORTS["display"])

    results = [*returns, *(["the displayed value"] if complex_display else [])]
    doc_lines = [f"{_cells_label(p.sel)} of {req.notebook_name}."]
    if params or results:
        doc_lines += ["", f"Parameters: {', '.join(params) or 'none'}.", f"Returns: {', '.join(results) or 'nothing'}."]
    docstring = _docstring(doc_lines)
    func = cst.FunctionDef(
        name=cst.Name(name),
        params=cst.Parameters(params=[cst.Param(cst.Name(n)) for n in params]),
        body=cst.IndentedBlock(body=[docstring, *body], footer=[_indented(line) for line in carry]),
        asynchronous=cst.Asynchronous() if is_async else None,
    )

    imports = [(n, s, None) for n, s in module_imports.items()]
    imports += [(_bound(a), _import_text(s, a), u) for u in leading for s in u.stmts for a in s.names]
    definitions = [(u.node, [u.stmts[0].name]) for u in lift.units]
    module_source = _merge(p, imports, [*definitions, (func, [name])], module_globals)

    # ---- the replacement cell ----
    lines = list(sel.hoisted)
    lines += _import_lines(leading, carried_early)
    lines.append(f"from {p.dotted} import {', '.join([name, *lift.names])}")
    call = f"{'await ' if is_async else ''}{name}({', '.join(params)})"
    if complex_display and not display_var:
        lines.append(call)
    elif returns or display_var:
        targets = [*returns, *([display_var] if display_var else [])]
        lines.append(f"{', '.join(targets)} = {call}")
    else:
        lines.append(call)
    if dels:
        lines.append(f"del {', '.join(dels)}")
    lines += list(dict.fromkeys(carried_late.values()))
    if display_name is not None:
        lines.append(display_name)
    elif display_var is not None:
        lines.append(display_var)
        p.notes.append(f"the displayed value is kept in {display_var} so the cell still shows it")
    for text in sel.hoisted:
        p.notes.append(f"`{text.strip()}` stays in the notebook, before the call")
    if module_imports:
        p.notes.append(
            f"{req.module} imports what the code uses instead of taking it as a parameter: {', '.join(dict.fromkeys(module_imports.values()))}"
        )
    return {
        "params": params,
        "returns": returns,
        "module_source": module_source,
        "replacement": "\n".join(lines),
    }


# Calls that draw on a matplotlib figure (pandas' and seaborn's plotting included).
_PLOT_CALLS = frozenset(
    "plot hist scatter bar barh boxplot imshow matshow pie hexbin kde density area violinplot "
    "heatmap pairplot histplot lineplot scatterplot barplot countplot boxplot displot catplot "
    "relplot lmplot regplot jointplot subplots figure errorbar fill_between stem step contour contourf".split()
)


def _plotting_names(p: _Planner) -> set[str]:
    """Names the notebook binds by importing matplotlib or seaborn."""
    return {
        n
        for c in p.cells.values()
        for n, statement in c.facts.imports.items()
        if statement.split()[1].split(".")[0] in ("matplotlib", "seaborn")
    }


def _draws(c: _Cell, plotting: set[str]) -> bool:
    """Whether the cell's own code (not a def's body) may draw a matplotlib figure."""
    for n in _walk_scope(c.facts.tree):
        if not isinstance(n, ast.Call):
            continue
        func = n.func
        if isinstance(func, ast.Attribute) and func.attr in _PLOT_CALLS:
            return True
        while isinstance(func, ast.Attribute):
            func = func.value
        if isinstance(func, ast.Name) and func.id in plotting:
            return True
    return False


def _pyplot_name(
    p: _Planner, module_imports: dict[str, str], hoisted: dict[str, str], local_names: set[str], used: set[str]
) -> str:
    """The module's name for matplotlib.pyplot: the notebook's own when it imports it,
    else ``plt`` (or a fresh name), added to the module's imports."""
    for n, statement in {**module_imports, **hoisted}.items():
        if statement == f"import matplotlib.pyplot as {n}":
            return n
    for n in ("plt", "pyplot"):
        statement = f"import matplotlib.pyplot as {n}" if n == "plt" else "from matplotlib import pyplot"
        binders = [c for c in p.cells.values() if n in c.facts.defines]
        if n not in local_names and all(b.import_only(n) and b.facts.imports[n] == statement for b in binders):
            module_imports[n] = statement
            return n
    n = _fresh("_plt", used)
    module_imports[n] = f"import matplotlib.pyplot as {n}"
    return n


@dataclass
class _Lift:
    """The selection's top-level defs and classes that move to the module's top level."""

    units: list[_Unit] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    imports: dict[str, str] = field(default_factory=dict)  # what they need imported in the module
    builtins: set[str] = field(default_factory=set)
    reads: dict[int, tuple[str, ...]] = field(default_factory=dict)  # cell index -> reads of the rest


def _lift_definitions(
    p: _Planner, sel: _Selection, units: list[_Unit], hoisted: dict[str, str], local_names: set[str]
) -> _Lift:
    """Which top-level defs and classes of the selection can live at the module's top level:
    those bound once, whose every name resolves there (an import, a builtin, another moved
    definition). A def that reads a name local to the selection is refused (inside the
    function its repr and pickling would change); such a class stays in the function."""
    candidates = {
        u.stmts[0].name: u
        for u in units
        if len(u.stmts) == 1 and isinstance(u.stmts[0], _DEFS) and u.stmts[0] in u.cell.facts.tree.body
    }
    for n in list(candidates):
        binders = [s for v in sel.units for s in v.stmts if n in _scope_binds(s)]
        if len(binders) != 1 or any(n in c.facts.uncertain_defines for c in p.sel):
            del candidates[n]
    needs = {n: _definition_needs(u) for n, u in candidates.items()}
    out = _Lift()
    resolved: dict[str, tuple[str, str | None]] = {}  # name -> (how, import statement)

    def resolve(n: str) -> tuple[str, str | None] | None:
        if n in hoisted:
            return ("import", None)
        if n in local_names:
            if all(c.import_only(n) for c in p.sel if n in c.facts.defines):
                statements = {c.facts.imports[n] for c in p.sel if n in c.facts.defines}
                earlier = {b.facts.imports.get(n) for b in p.earlier_binders(n)}
                if len(statements) == 1 and earlier <= statements:
                    return ("import", statements.pop())
            return None
        kind = _classify(p, n, local_names)
        if kind == "import":
            return ("import", p.earlier_binders(n)[-1].facts.imports[n])
        if kind == "builtin":
            return ("builtin", IPYTHON_IMPORTS.get(n))
        if kind == "star":
            out.imports.update(p.star_imports())
            return ("star", None)
        return None

    failed: dict[str, str] = {}
    changed = True
    while changed:
        changed = False
        for n, (now, later) in needs.items():
            if n in failed:
                continue
            for m in (*now, *later):
                if m == n or (m in candidates and m not in failed):
                    continue
                if m not in resolved:
                    how = resolve(m)
                    if how is None:
                        failed[n] = m
                        changed = True
                        break
                    resolved[m] = how
    order = list(candidates)
    for n, u in candidates.items():
        if n in failed:
            if isinstance(u.stmts[0], ast.ClassDef):
                continue
            m = failed[n]
            c = u.cell
            later = p.later_binders(m)
            if m in local_names:
                why = "which the selection binds"
            elif p.earlier_binders(m):
                b = p.earlier_binders(m)[-1]
                movable = any(isinstance(d, _DEFS) and d.name == m for d in b.facts.tree.body)
                why = f"which cell {b.pos} defines" + (" (select that cell too)" if movable else "")
            elif later is not None:
                why = f"which only cell {later.pos}, below the selection, defines"
            else:
                why = "which no cell defines"
            _refuse(
                c.pos,
                u.stmts[0].lineno + c.shift,
                f"def {n} would become local to {p.req.name}() (its repr and pickling change): it reads {m}, {why}",
            )
        # a name read while defining it must be defined before it
        early = [m for m in needs[n][0] if m in candidates and m not in failed and order.index(m) > order.index(n)]
        if early:
            continue
        out.units.append(u)
        out.names.append(n)
        for m in (*needs[n][0], *needs[n][1]):
            how, statement = resolved.get(m, ("", None))
            if how == "builtin":
                out.builtins.add(m)
            if statement is not None:
                out.imports[m] = statement
    moved = {id(u.stmts[0]) for u in out.units}
    for c in p.sel:
        kept = [s for s in c.facts.tree.body if id(s) not in moved]
        if len(kept) != len(c.facts.tree.body):
            out.reads[c.index] = cell_facts(ast.unparse(ast.Module(body=kept, type_ignores=[]))).reads
    return out


def _loop_binds(tree: ast.Module) -> set[str]:
    """Names a cell binds whenever a top-level loop body runs (its target and its plain
    statements) or a comprehension yields (``:=`` binds in the cell's scope)."""
    out = set()
    for stmt in tree.body:
        if isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
            if not isinstance(stmt, ast.While):
                out |= _scope_binds(ast.Assign(targets=[stmt.target], value=ast.Constant(None)))
            for s in stmt.body:
                if not isinstance(s, (ast.If, ast.For, ast.AsyncFor, ast.While, ast.Try, ast.Match, *_DEFS)):
                    out |= _scope_binds(s)
    for n in _walk_scope(tree):
        if isinstance(n, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            out.update(m.target.id for m in ast.walk(n) if isinstance(m, ast.NamedExpr))
    return out


def _definition_needs(u: _Unit) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The names a top-level def or class reads when it is defined, and later (its body)."""
    stmt = u.stmts[0]
    facts = cell_facts(ast.unparse(stmt))
    return facts.reads, facts.functions.get(stmt.name, ())


def _scope_binds(stmt: ast.stmt) -> set[str]:
    """Names a top-level statement binds in the cell's scope (not in nested scopes)."""
    if isinstance(stmt, _DEFS):
        return {stmt.name}
    out = set()
    for n in (stmt, *_walk_scope(stmt)):
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
            out.add(n.id)
        elif isinstance(n, _DEFS):
            out.add(n.name)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            out.update(_bound(a) for a in n.names)
        elif isinstance(n, ast.ExceptHandler) and n.name:
            out.add(n.name)
    return out


def _import_lines(units: list[_Unit], wanted: dict[str, str]) -> list[str]:
    """The import statements binding ``wanted`` names: a cell's own import line when all
    its names are wanted, else one normalised statement per name."""
    lines: list[str] = []
    for u in units:
        names = [_bound(a) for s in u.stmts for a in s.names]
        if all(n in wanted for n in names):
            lines.append(cst.Module(body=[u.node.with_changes(leading_lines=[])]).code.strip())
        else:
            lines += [wanted[n] for n in names if n in wanted]
    return list(dict.fromkeys(lines))


def _classify(p: _Planner, n: str, local_names: set[str]) -> str:
    """How the function gets ``n``, read where the selection may not have bound it:
    "param", "import" (copied into the module), "builtin", "local" (no earlier value
    exists: the cells would fail the same way), "star" (only an earlier ``import *`` can
    bind it: the module repeats those) or "kernel" (no cell above binds it)."""
    binders = p.earlier_binders(n)
    deleter = next((c for c in reversed(p.before) if n in c.facts.deletes), None)
    if deleter is not None and binders and deleter.index > binders[-1].index:
        _refuse(deleter.pos, deleter.line_of(n), f"deletes {n}, which the selection reads")
    if binders:
        if all(n in b.facts.uncertain_defines for b in binders):
            b = binders[-1]
            _refuse(
                b.pos,
                b.line_of(n, True),
                f"{n} is bound only on some paths (if/try/for/while), so it cannot be passed to the function",
            )
        if n not in local_names and all(b.import_only(n) for b in binders):
            return "import"
        return "param"
    if n in KERNEL_BUILTINS:
        return "param" if n in local_names else "builtin"
    if n in local_names:
        return "local"
    return "star" if p.star_imports() else "kernel"


def _check_outside_functions(p: _Planner, local_names: set[str]):
    """Refuse when the selection uses a notebook function that reads or assigns a global
    the selection binds: that function sees the notebook's globals, not the new locals."""
    free: dict[str, tuple[_Cell, tuple[str, ...]]] = {}
    for c in p.before:
        for fn, names in c.facts.functions.items():
            free[fn] = (c, names)
    referenced = {
        n.id for c in p.sel for n in ast.walk(c.facts.tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }
    reached: dict[str, str] = {}  # global name -> a function that reads it
    stack = [n for n in referenced if n in free]
    seen = set(stack)
    while stack:
        fn = stack.pop()
        c, names = free[fn]
        for g in names:
            reached.setdefault(g, fn)
            if g in free and g not in seen:
                seen.add(g)
                stack.append(g)
        node = next((n for n in c.facts.tree.body if isinstance(n, _DEFS) and n.name == fn), None)
        for n in ast.walk(node) if node is not None else ():
            if isinstance(n, ast.Global):
                for g in n.names:
                    if g in referenced or g in local_names:
                        _refuse(
                            c.pos,
                            n.lineno + c.shift,
                            f"{fn} assigns the global {g}, which the selection also uses: inside a function the selection would not see the change",
                        )
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in ("globals", "exec", "eval"):
                _refuse(c.pos, n.lineno + c.shift, f"{fn} calls {n.func.id}(), which works on the notebook's globals")
    for g, fn in reached.items():
        if g not in local_names:
            continue
        binders = [c for c in p.sel if g in c.facts.defines or g in c.facts.deletes]
        earlier = {b.facts.imports.get(g) for b in p.earlier_binders(g)}
        if all(b.import_only(g) for b in binders) and earlier == {b.facts.imports[g] for b in binders}:
            continue  # the same import again: the value does not change
        b = binders[0]
        _refuse(
            b.pos,
            b.line_of(g, True),
            f"rebinds {g}, which {fn} (cell {free[fn][0].pos}) reads as a global; inside a function the new value would not reach {fn}",
        )


def _check_name_free(p: _Planner, names, later):
    """A new name must not already mean something in the notebook (unless overwriting,
    and then nothing after the selection may still use the old one)."""
    for n in names:
        for c in p.cells.values():
            if n in c.facts.defines and (not p.req.overwrite or n in later):
                _refuse(
                    c.pos,
                    c.line_of(n, True),
                    f"{n} already exists in the notebook: choose another name",
                    overwritable=not p.req.overwrite and n not in later,
                )


def _is_print_call(value, shadowed) -> bool:
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id in ("print", "display")
        and value.func.id not in shadowed
    )


def _fresh(base: str, used: set[str]) -> str:
    name, k = base, 1
    while name in used:
        k += 1
        name = f"{base}{k}"
    used.add(name)
    return name


def _tuple(items):
    if len(items) == 1:
        return items[0]
    return cst.Tuple([cst.Element(e) for e in items], lpar=[], rpar=[])


def _drop_last(node: cst.SimpleStatementLine):
    """Remove the last small statement; comments it carried are returned for the next one."""
    extra = list(node.leading_lines)
    comment = node.trailing_whitespace.comment
    if len(node.body) > 1:
        rest = list(node.body[:-1])
        rest[-1] = rest[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        return node.with_changes(body=rest), []
    if comment is not None:
        extra.append(cst.EmptyLine(comment=comment))
    return None, extra


def _display_nodes(node: cst.SimpleStatementLine, value: ast.expr, used: set[str]):
    """``E`` as the last statement of a cell -> code that shows what Jupyter showed."""
    expr = node.body[-1].value
    head = list(node.body[:-1])
    if head:
        head[-1] = head[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
    call = cst.Call(func=cst.Name("display"), args=[cst.Arg(expr)])
    if isinstance(value, _NEVER_NONE) or (isinstance(value, ast.Constant) and value.value is not None):
        return [node.with_changes(body=[*head, cst.Expr(call)])]
    var = _fresh("_shown", used)
    assign = cst.Assign(targets=[cst.AssignTarget(cst.Name(var))], value=expr)
    check = cst.parse_statement(f"if {var} is not None:\n    display({var})\n")
    return [node.with_changes(body=[*head, assign]), check]


def _with_leading(node, lines):
    """``node`` moved into the function, preceded by the comments in ``lines``."""
    return node.with_changes(leading_lines=[_indented(line) for line in (*lines, *node.leading_lines)])


def _indented(line: cst.EmptyLine) -> cst.EmptyLine:
    """A comment at the block's indentation; a blank line without trailing spaces."""
    return line.with_changes(indent=line.comment is not None, whitespace=cst.SimpleWhitespace(""))


def _docstring(lines: list[str]) -> cst.SimpleStatementLine:
    text = "".join(f"\n    {line}" if line else "\n" for line in lines[1:])
    text = lines[0] + (text + "\n    " if text else "")
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return cst.SimpleStatementLine([cst.Expr(cst.SimpleString(f'"""{text}"""'))])


def _cells_label(cells: list[_Cell]) -> str:
    positions = [c.pos for c in cells]
    if len(positions) == 1:
        return f"Cell {positions[0]}"
    if positions == list(range(positions[0], positions[-1] + 1)):
        return f"Cells {positions[0]}-{positions[-1]}"
    return "Cells " + ", ".join(map(str, positions))


# ----- mode "module" ------------------------------------------------------------------


def _plan_module(p: _Planner) -> dict:
    req = p.req
    p.check_selection()
    sel = p.split_selection()
    moved: dict[str, _Cell] = {}  # names defined by moved defs, classes and constants
    imports_moved: dict[str, str] = {}
    definitions: list[tuple[cst.BaseStatement, list[str]]] = []
    for u in sel.units:
        c = u.cell
        names = []
        for s in u.stmts:
            line = s.lineno + c.shift
            if isinstance(s, (ast.Import, ast.ImportFrom)):
                for a in s.names:
                    imports_moved[_bound(a)] = _import_text(s, a)
            elif isinstance(s, _DEFS):
                names.append(s.name)
            elif isinstance(s, (ast.Assign, ast.AnnAssign)) and s.value is not None and _is_constant(s):
                targets = s.targets if isinstance(s, ast.Assign) else [s.target]
                names += [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
            else:
                _refuse(
                    c.pos,
                    line,
                    'only imports, def, class and constant assignments can move as they are (use mode "function" for other code)',
                )
        for n in names:
            moved.setdefault(n, c)
        if not all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in u.stmts):
            definitions.append((u.node, names))
    for n in imports_moved:
        if n in moved or not all(c.import_only(n) for c in p.sel if n in c.facts.defines):
            _refuse(None, None, f"{n} is both imported and assigned in the selection")
    local = set(moved) | set(imports_moved)
    module_imports: dict[str, str] = {}
    module_globals: set[str] = set()
    for c in p.sel:
        deps = [(n, None) for n in c.facts.reads]
        deps += [(n, fn) for fn, free in c.facts.functions.items() for n in free]
        for n, fn in deps:
            if n in local:
                continue
            user = f"{fn} reads" if fn else "the code reads"
            binders = p.earlier_binders(n)
            if binders and all(b.import_only(n) for b in binders):
                module_imports[n] = binders[-1].facts.imports[n]
            elif binders:
                _refuse(
                    c.pos,
                    c.line_of(n, False),
                    f'{user} {n}, which cell {binders[-1].pos} defines and which does not move with it (move that cell too, or use mode "function")',
                )
            elif n not in KERNEL_BUILTINS and p.star_imports():
                module_imports.update(p.star_imports())
            elif n in KERNEL_BUILTINS:
                shadow = p.shadowed_anywhere(n)
                if shadow is not None:
                    _refuse(
                        c.pos,
                        c.line_of(n, False),
                        f"{user} {n}, which cell {shadow.pos} rebinds: in a module it would be the builtin",
                    )
                module_globals.add(n)
                if n in IPYTHON_IMPORTS:
                    module_imports[n] = IPYTHON_IMPORTS[n]
            else:
                later = p.later_binders(n)
                where = f"only cell {later.pos}, below the selection, defines it" if later else "no cell defines it"
                _refuse(c.pos, c.line_of(n, False), f"{user} {n}, but {where}")
        for fn, free in c.facts.functions.items():
            for n in free:
                later = p.later_binders(n)
                if later is not None:
                    _refuse(
                        c.pos,
                        c.line_of(fn, True),
                        f"{fn} reads {n}, which cell {later.pos} rebinds later; in the module it would keep the old value",
                    )
    imports = [(n, s, None) for n, s in module_imports.items()]
    imports += [(n, s, None) for n, s in imports_moved.items()]
    module_source = _merge(p, imports, definitions, module_globals)
    later = p.later_needs()
    names = list(moved)
    lines = list(sel.hoisted)
    lines += list(dict.fromkeys(s for n, s in imports_moved.items() if n in later))
    if names:
        lines.append(f"from {p.dotted} import {', '.join(names)}")
    p.notes.append(f"the definitions move to {req.module} unchanged and are imported back")
    return {"params": [], "returns": names, "module_source": module_source, "replacement": "\n".join(lines)}


def _bound(alias: ast.alias) -> str:
    return alias.asname or alias.name.partition(".")[0]


def _is_constant(stmt) -> bool:
    if isinstance(stmt.value, ast.Lambda):
        return True
    return all(isinstance(n, _CONSTANT_NODES) for n in ast.walk(stmt.value))


# ----- writing the module -------------------------------------------------------------


def _merge(p: _Planner, imports, definitions, module_globals: set[str]) -> str:
    """The module's new text: the existing one (if any) with missing imports added after
    its imports and the new definitions at the end; nothing existing changes (unless
    overwriting a definition of the same name).

    ``imports``: (bound name, normalised statement, the selection's unit or None);
    ``definitions``: (libcst statement, names it defines).
    """
    req = p.req
    text = req.module_source
    if text:
        try:
            module = cst.parse_module(text)
        except cst.ParserSyntaxError as err:
            _refuse(None, None, f"{req.module} does not parse (line {err.raw_line}): fix it first")
        existing = cell_facts(text)
        if existing.tree is None:
            _refuse(None, None, f"{req.module} does not parse: fix it first")
    else:
        module = cst.Module(body=[])
        existing = cell_facts("")
    existing_reads = set(existing.reads) | {n for free in existing.functions.values() for n in free}

    new_imports: list[cst.BaseStatement] = []
    seen: set[str] = set()
    for name, statement, unit in imports:
        if statement in seen or existing.imports.get(name) == statement:
            continue
        if _imports_module(statement, p.dotted):
            # what an earlier extraction put here: inside the module it is a global already
            if statement.startswith(f"from {p.dotted} import ") and _top_level_binds(existing, name):
                continue
            _refuse(None, None, f"`{statement}` imports {req.module} itself: extract into another module")
        if name in existing.defines:
            current = existing.imports.get(name) or "not by an import"
            _refuse(None, None, f"{req.module} already binds {name} ({current}), differently from `{statement}`")
        if name in existing_reads:
            _refuse(
                None, None, f"adding `{statement}` to {req.module} would change what its existing code reads as {name}"
            )
        whole = [(_bound(a), _import_text(s, a)) for s in unit.stmts for a in s.names] if unit else []
        if whole and all(
            n not in existing.defines and t not in seen and not _imports_module(t, p.dotted) for n, t in whole
        ):
            # the selection's own import line, with its comments
            comments = [ln for ln in unit.node.leading_lines if ln.comment is not None]
            new_imports.append(unit.node.with_changes(leading_lines=comments))
            seen.update(t for _, t in whole)
        else:
            new_imports.append(cst.parse_statement(statement + "\n"))
            seen.add(statement)
    for g in module_globals:
        if g in existing.defines:
            _refuse(None, None, f"{req.module} defines {g}, which the moved code uses as the builtin {g}")

    body = list(module.body)
    appended: list[cst.BaseStatement] = []
    for k, (node, names) in enumerate(definitions):
        index = None
        for n in names:
            if n in existing.defines:
                index = _top_level_def(module, n)
                if not req.overwrite or index is None or len(names) != 1:
                    _refuse(
                        None,
                        None,
                        f"{req.module} already defines {n}: choose another name",
                        overwritable=index is not None and len(names) == 1 and not req.overwrite,
                    )
            elif n in existing_reads:
                _refuse(None, None, f"adding {n} to {req.module} would change what its existing code reads as {n}")
        if index is not None:
            body[index] = node.with_changes(leading_lines=module.body[index].leading_lines)
            continue
        if k == 0 or isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            comments = [ln for ln in node.leading_lines if ln.comment is not None]
            blank = 2 if (module.body or new_imports or appended or not text) else 0
            node = node.with_changes(leading_lines=[cst.EmptyLine()] * blank + comments)
        appended.append(node)

    at = _import_position(module)
    if not text:
        doc = f'"""Code moved out of {req.notebook_name} by jupyter-nbrefactor."""'.replace("\\", "\\\\")
        new_imports = [cst.SimpleStatementLine([cst.Expr(cst.SimpleString(doc))])] + [
            imp.with_changes(leading_lines=[cst.EmptyLine(), *imp.leading_lines]) if k == 0 else imp
            for k, imp in enumerate(new_imports)
        ]
    new_text = module.with_changes(body=body[:at] + new_imports + body[at:] + appended).code
    if text and not req.overwrite:
        _check_only_insertions(text, new_text, req.module)
    try:
        compile(new_text, req.module, "exec", dont_inherit=True)
    except SyntaxError as err:  # a bug in the generator: never write it
        _refuse(None, None, f"internal error: the generated module does not compile ({err.msg}, line {err.lineno})")
    return new_text


def _imports_module(statement: str, dotted: str) -> bool:
    """Whether an import statement imports the module ``dotted`` itself."""
    words = statement.split()
    return words[1] == dotted if words[0] in ("from", "import") and len(words) > 1 else False


def _top_level_binds(facts: CellFacts, name: str) -> bool:
    return facts.tree is not None and name in {
        n for stmt in facts.tree.body for n in _bound_names(stmt) if not isinstance(stmt, (ast.Import, ast.ImportFrom))
    }


def _top_level_def(module: cst.Module, name: str) -> int | None:
    for i, stmt in enumerate(module.body):
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)) and stmt.name.value == name:
            return i
    return None


def _import_position(module: cst.Module) -> int:
    """Where new imports go: after the module's last top-level import, else after its
    docstring (and ``__future__`` imports)."""
    at = 0
    for i, stmt in enumerate(module.body):
        if isinstance(stmt, cst.SimpleStatementLine) and any(
            isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body
        ):
            at = i + 1
    if at == 0 and module.body:
        first = module.body[0]
        if (
            isinstance(first, cst.SimpleStatementLine)
            and isinstance(first.body[0], cst.Expr)
            and isinstance(first.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
        ):
            at = 1
    return at


def _check_only_insertions(old: str, new: str, path: str):
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    if old_lines and not old_lines[-1].endswith(("\n", "\r")):
        old_lines[-1] += "\n"  # the file gains the newline that ends its last line
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, *_ in matcher.get_opcodes():
        if tag not in ("equal", "insert"):
            _refuse(None, None, f"internal error: merging into {path} would change existing lines")


# ----- entry point --------------------------------------------------------------------


def plan_extraction(request: dict) -> dict:
    """Plan moving the selected cells into a module (see docs/architecture.md).

    Returns ``{"params", "returns", "module_path", "module_source", "base_hash",
    "replacement", "notes", "refused", "refused_at", "overwrite_would_help", "replaces"}``;
    ``refused_at`` is ``{"cell": <0-based index>, "line": <1-based line or null>}``
    when the refusal names a cell; ``overwrite_would_help`` is true when the same
    request with ``overwrite`` would be planned. A malformed request raises ``RequestError``.
    """
    req = parse_request(request)
    plan = {
        "params": [],
        "returns": [],
        "module_path": req.module,
        "module_source": None,
        "base_hash": source_hash(req.module_source),
        "replacement": None,
        "notes": [],
        "refused": None,
        "refused_at": None,
        "overwrite_would_help": False,
        "replaces": replaced_ids(req.cells, req.selected),
    }
    if req.language != PYTHON:
        plan["refused"] = f"this notebook runs {req.language}, not Python: only Python cells can move into a module"
        return plan
    planner = _Planner(req)
    try:
        result = _plan_function(planner) if req.mode == "function" else _plan_module(planner)
    except Refused as refusal:
        plan["refused"] = str(refusal)
        plan["refused_at"] = refusal.at
        plan["overwrite_would_help"] = refusal.overwritable
        return plan
    plan.update(result)
    plan["notes"] = list(dict.fromkeys(planner.notes))
    return plan
