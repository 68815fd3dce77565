"""What the selection does, read from the cells' facts and ast: the cells, the
selection's definite assignment (cells.py's walker), which names it needs and gives
back, what can move to the module's top level, and the refusals these imply.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeAlias

import libcst as cst

from ..cells import CellFacts, Scope, Walker, cell_facts
from ..modpath import dotted_name
from ..request import as_text
from .parse import Request
from .plan import refuse

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


DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


# A libcst statement of a module or a block: both kinds carry their leading lines.
Statement: TypeAlias = cst.SimpleStatementLine | cst.BaseCompoundStatement


def walk_scope(node: ast.AST) -> Iterator[ast.AST]:
    """Nodes of ``node`` that run in its own scope (not inside nested defs, lambdas, classes)."""
    stack = list(ast.iter_child_nodes(node))
    while stack:
        n = stack.pop()
        yield n
        if not isinstance(n, _SCOPES):
            stack.extend(ast.iter_child_nodes(n))


def bound_names(node: ast.AST) -> set[str]:
    """Every name any part of ``node`` binds or deletes (over-approximation)."""
    out: set[str] = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
            out.add(n.id)
        elif isinstance(n, DEFS):
            out.add(n.name)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            out.update(bound_name(a) for a in n.names)
        elif isinstance(n, ast.ExceptHandler) and n.name:
            out.add(n.name)
        elif isinstance(n, (ast.MatchAs, ast.MatchStar)) and n.name:
            out.add(n.name)
        elif isinstance(n, ast.MatchMapping) and n.rest:
            out.add(n.rest)
        elif isinstance(n, (ast.Global, ast.Nonlocal)):
            out.update(n.names)
    return out


def magic_method(stmt: ast.stmt) -> str | None:
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
class CodeCell:
    """One code cell of the notebook with what extraction needs to know about it."""

    index: int
    facts: CellFacts
    shift: int = 0  # original line = tree line + shift (IPython drops leading blank lines)

    @property
    def pos(self) -> int:
        return self.index + 1

    @property
    def tree(self) -> ast.Module:
        """The cell's ast; empty when it does not parse (a selected cell always does)."""
        return self.facts.tree or ast.Module(body=[], type_ignores=[])

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
            elif store is not False and isinstance(n, DEFS) and n.name == name:
                line = n.lineno
            elif store is not False and isinstance(n, (ast.Import, ast.ImportFrom)):
                if any(bound_name(a) == name for a in n.names):
                    line = n.lineno
            if line is not None and (best is None or line < best):
                best = line
        return None if best is None else best + self.shift

    def import_only(self, name: str) -> bool:
        """True when this cell binds ``name`` only by top-level imports, all the same one."""
        statement = self.facts.imports.get(name)
        if statement is None or name in self.facts.uncertain_defines:
            return False
        for n in ast.walk(self.tree):
            if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load):
                return False
            if isinstance(n, DEFS) and n.name == name:
                return False
            if isinstance(n, (ast.Import, ast.ImportFrom)):
                for a in n.names:
                    if bound_name(a) == name and import_text(n, a) != statement:
                        return False
        return True


def import_text(node: ast.Import | ast.ImportFrom, alias: ast.alias) -> str:
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


class Flow(Walker):
    """cells.py's walker (the one definite-assignment analysis) over the selection's
    module-level code, cell after cell. Besides what it always tracks, it records each
    name read (or deleted) at a point where the selection may not have bound it yet: in
    a function those reads would see the function's own, possibly unbound, local instead
    of the notebook's global.

    The body of a def or lambda runs later: its free names count as read where it is
    defined (``deferred``), unless already certainly bound there (then the closure sees
    that binding).
    """

    def __init__(self, known: set[str]) -> None:
        super().__init__([])
        self.open: dict[str, tuple[int, int, bool]] = {}  # name -> (pos, line, deferred only)
        self.cell: CodeCell | None = None
        self._line = 1
        self._deferred = 0
        for name in known:  # bound at the module's top: certainly there
            self.bind(name)

    @property
    def deleted(self) -> set[str]:
        """Names the selection deletes and does not certainly bind again."""
        return {n for n in self.deletes if n not in self.definite}

    def walk(self, cell: CodeCell, statements: list[ast.stmt]) -> None:
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
    def block(self, body: Iterable[ast.stmt]) -> None:
        for node in body:
            self._line = getattr(node, "lineno", self._line)
            super().block([node])

    def expr(self, node: ast.expr) -> None:
        self._line = getattr(node, "lineno", self._line)
        super().expr(node)

    def _module_read(self, name: str) -> None:
        super()._module_read(name)
        self.read_open(name, self._deferred > 0)

    def _leave(self, scope: Scope) -> None:
        self._deferred += 1  # a def's or lambda's free names: read when it runs
        try:
            super()._leave(scope)
        finally:
            self._deferred -= 1

    def _s_def(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        super()._s_def(node)
        self._defined(node)

    def _s_class(self, node: ast.ClassDef) -> None:
        super()._s_class(node)
        self._defined(node)

    def _defined(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        if self.scope is None:
            self._line = node.lineno
            for name in self.functions.get(node.name, ()):
                self.read_open(name, deferred=True)

    def _delete(self, t: ast.expr) -> None:
        if isinstance(t, ast.Name) and self.scope is None:
            self._line = t.lineno
            self.read_open(t.id)
        super()._delete(t)


@dataclass
class Unit:
    """One libcst statement of a selected cell and the ast statements it holds."""

    node: Statement
    stmts: list[ast.stmt]
    cell: CodeCell


@dataclass
class _Selection:
    units: list[Unit] = field(default_factory=list)
    hoisted: list[str] = field(default_factory=list)  # magic lines for the replacement cell
    headers: dict[int, list[cst.EmptyLine]] = field(default_factory=dict)  # cell index -> comments before code
    footers: dict[int, list[cst.EmptyLine]] = field(default_factory=dict)


class Planner:
    def __init__(self, req: Request):
        self.req = req
        self.notes: list[str] = []
        self.cells: dict[int, CodeCell] = {}
        for i, c in enumerate(req.cells):
            if c.get("cell_type") == "code":
                source = as_text(c.get("source", ""))
                facts = cell_facts(source)
                shift = 0
                if facts.python != source and facts.tree is not None:
                    shift = _leading_blank(source) - _leading_blank(facts.python)
                self.cells[i] = CodeCell(i, facts, shift)
        self.sel = [self.cells[i] for i in req.selected if i in self.cells]
        first, last = req.selected[0], req.selected[-1]
        self.before = [c for i, c in self.cells.items() if i < first]
        self.after = [c for i, c in self.cells.items() if i > last]
        self.outside = self.before + self.after
        self.dotted = dotted_name(req.module)

    # --- checks shared by both modes ---
    def check_selection(self) -> None:
        req = self.req
        for i in req.selected:
            kind = req.cells[i].get("cell_type")
            if kind != "code":
                refuse(i + 1, None, f"is a {kind} cell: select code cells only")
        for i, c in self.cells.items():
            if not req.selected[0] < i < req.selected[-1] or i in req.selected:
                continue
            if c.facts.tree is not None and not c.facts.tree.body and not c.facts.magics:
                continue  # only comments (or nothing): it stays where it is
            refuse(
                i + 1,
                None,
                "is a code cell between the selected cells: select cells with no code cell between them",
            )
        for c in self.sel:
            f = c.facts
            if f.error is not None:
                refuse(c.pos, f.error_line, f"the cell does not parse ({f.error})")
            if f.star_import is not None:
                refuse(c.pos, f.star_import, "`import *` hides which names the code uses")
            for call, line in f.dynamic_namespace:
                if call != "%run":  # a leading %run moves to the replacement cell
                    refuse(
                        c.pos,
                        line,
                        f"{call} without an explicit namespace sees the notebook's variables, not the moved code's",
                    )
            for n in ast.walk(c.tree):
                line = getattr(n, "lineno", 0) + c.shift
                if isinstance(n, ast.Global):
                    refuse(c.pos, line, f"`global {', '.join(n.names)}` cannot move: the global would be the module's")
                if isinstance(n, ast.Nonlocal):
                    refuse(c.pos, line, "`nonlocal` cannot move safely")
                if isinstance(n, ast.ImportFrom) and n.module == "__future__":
                    refuse(c.pos, line, "`from __future__` imports cannot move")
                if (
                    isinstance(n, ast.Call)
                    and isinstance(n.func, ast.Name)
                    and n.func.id in ("exec", "eval")
                    and len(n.args) < 2
                    and not n.keywords
                ):
                    # cells.py reports only module-level ones; in a def, too, the globals
                    # would become the module's
                    refuse(
                        c.pos,
                        line,
                        f"{n.func.id} without an explicit namespace sees the notebook's variables, not the moved code's",
                    )
            for name in f.output_history:
                refuse(
                    c.pos,
                    c.line_of(name) or c.line_of("Out"),
                    f"reads the output history ({name}), which depends on the cell order",
                )
            for name in f.reads_dunder:
                refuse(c.pos, c.line_of(name), f"reads {name}, which is different inside a module")
            for n in walk_scope(c.tree):
                if isinstance(n, (ast.Return, ast.Yield, ast.YieldFrom)):
                    refuse(c.pos, n.lineno + c.shift, f"`{type(n).__name__.lower()}` outside a function")
        for c in self.after:
            f = c.facts
            lines = f.source.splitlines()
            for call, line in f.dynamic_namespace:
                text = lines[line - 1] if call == "%run" and 0 < line <= len(lines) else ""
                if call != "%run" or " -i" in text:
                    refuse(
                        c.pos,
                        line,
                        f"{call} may read any variable, so the names the selection must give back are unknown",
                    )
            for name in f.output_history:
                refuse(
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
                    refuse(c.pos, m.line, f"the cell magic {m.text.split()[0]} cannot move into a module")
            body = c.tree.body
            k = 0
            while (
                not code_started
                and k < len(body)
                and magic_method(body[k]) in ("run_line_magic", "system")
                and isinstance(body[k], ast.Expr)
            ):
                if k >= len(magics):
                    break
                m = magics[k]
                if m.kind not in ("line", "shell") or m.reads or m.name in CODE_MAGICS:
                    break
                if k == len(body) - 1 and f.displays and m.kind == "line" and m.name not in QUIET_MAGICS:
                    refuse(c.pos, m.line, f"the value %{m.name} shows would be lost")
                k += 1
            if k < len(magics):
                m = magics[k]
                refuse(
                    c.pos,
                    m.line,
                    f"the magic `{m.text.strip()}` comes after code (or reads variables): only leading magics without variables can move into the replacement cell",
                )
            if k < len(body):
                code_started = True
            lines = f.source.splitlines(keepends=True)
            removed = 0
            kept: list[str] = []
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
                    refuse(c.pos, None, "uses IPython syntax that cannot move into a module")
            try:
                module = cst.parse_module(code)
            except cst.ParserSyntaxError as err:
                refuse(c.pos, err.raw_line, f"libcst cannot parse the cell ({err.message})")
            start = k  # an index, not slicing the rest off each time: quadratic on huge cells
            for node in module.body:
                n = len(node.body) if isinstance(node, cst.SimpleStatementLine) else 1
                out.units.append(Unit(node, body[start : start + n], c))
                start += n
            out.headers[c.index] = list(module.header)
            out.footers[c.index] = list(module.footer)
        return out

    def later_needs(self) -> set[str]:
        """Names read after the selection: by later cells before they rebind them, and
        by any function defined outside the selection (it may be called later)."""
        need: set[str] = set()
        killed: set[str] = set()
        for c in self.after:
            need.update(n for n in c.facts.reads if n not in killed)
            killed.update(n for n in c.facts.defines if n not in c.facts.uncertain_defines)
        for c in self.outside:
            for free in c.facts.functions.values():
                need.update(free)
        return need

    def later_binders(self, name: str) -> CodeCell | None:
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
            for n in walk_scope(c.tree):
                if isinstance(n, ast.ImportFrom) and any(a.name == "*" for a in n.names):
                    module = "." * n.level + (n.module or "")
                    out[f"*{module}"] = f"from {module} import *"
        return out

    def earlier_binders(self, name: str) -> list[CodeCell]:
        return [c for c in self.before if name in c.facts.defines]

    def shadowed_anywhere(self, name: str) -> CodeCell | None:
        for c in self.outside:
            if name in c.facts.defines:
                return c
        return None


# Calls that draw on a matplotlib figure (pandas' and seaborn's plotting included).
_PLOT_CALLS = frozenset(
    "plot hist scatter bar barh boxplot imshow matshow pie hexbin kde density area violinplot "
    "heatmap pairplot histplot lineplot scatterplot barplot countplot boxplot displot catplot "
    "relplot lmplot regplot jointplot subplots figure errorbar fill_between stem step contour contourf".split()
)


def plotting_names(p: Planner) -> set[str]:
    """Names the notebook binds by importing matplotlib or seaborn."""
    return {
        n
        for c in p.cells.values()
        for n, statement in c.facts.imports.items()
        if statement.split()[1].split(".")[0] in ("matplotlib", "seaborn")
    }


def draws_figure(c: CodeCell, plotting: set[str]) -> bool:
    """Whether the cell's own code (not a def's body) may draw a matplotlib figure."""
    for n in walk_scope(c.tree):
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


@dataclass
class _Lift:
    """The selection's top-level defs and classes that move to the module's top level."""

    units: list[Unit] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    imports: dict[str, str] = field(default_factory=dict)  # what they need imported in the module
    builtins: set[str] = field(default_factory=set)
    reads: dict[int, tuple[str, ...]] = field(default_factory=dict)  # cell index -> reads of the rest


def lift_definitions(
    p: Planner, sel: _Selection, units: list[Unit], hoisted: dict[str, str], local_names: set[str]
) -> _Lift:
    """Which top-level defs and classes of the selection can live at the module's top level:
    those bound once, whose every name resolves there (an import, a builtin, another moved
    definition). A def that reads a name local to the selection is refused (inside the
    function its repr and pickling would change); such a class stays in the function."""
    candidates = {
        u.stmts[0].name: u
        for u in units
        if len(u.stmts) == 1 and isinstance(u.stmts[0], DEFS) and u.stmts[0] in u.cell.tree.body
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
        kind = classify(p, n, local_names)
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
            below = p.later_binders(m)
            if m in local_names:
                why = "which the selection binds"
            elif p.earlier_binders(m):
                b = p.earlier_binders(m)[-1]
                movable = any(isinstance(d, DEFS) and d.name == m for d in b.tree.body)
                why = f"which cell {b.pos} defines" + (" (select that cell too)" if movable else "")
            elif below is not None:
                why = f"which only cell {below.pos}, below the selection, defines"
            else:
                why = "which no cell defines"
            refuse(
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
            kind, statement = resolved.get(m, ("", None))
            if kind == "builtin":
                out.builtins.add(m)
            if statement is not None:
                out.imports[m] = statement
    moved = {id(u.stmts[0]) for u in out.units}
    for c in p.sel:
        kept = [s for s in c.tree.body if id(s) not in moved]
        if len(kept) != len(c.tree.body):
            out.reads[c.index] = cell_facts(ast.unparse(ast.Module(body=kept, type_ignores=[]))).reads
    return out


def loop_binds(tree: ast.Module) -> set[str]:
    """Names a cell binds whenever a top-level loop body runs (its target and its plain
    statements) or a comprehension yields (``:=`` binds in the cell's scope)."""
    out = set()
    for stmt in tree.body:
        if isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
            if not isinstance(stmt, ast.While):
                out |= _scope_binds(ast.Assign(targets=[stmt.target], value=ast.Constant(None)))
            for s in stmt.body:
                if not isinstance(s, (ast.If, ast.For, ast.AsyncFor, ast.While, ast.Try, ast.Match, *DEFS)):
                    out |= _scope_binds(s)
    for n in walk_scope(tree):
        if isinstance(n, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            out.update(m.target.id for m in ast.walk(n) if isinstance(m, ast.NamedExpr))
    return out


def _definition_needs(u: Unit) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The names a top-level def or class reads when it is defined, and later (its body)."""
    stmt = u.stmts[0]
    facts = cell_facts(ast.unparse(stmt))
    return facts.reads, facts.functions.get(stmt.name, ()) if isinstance(stmt, DEFS) else ()


def _scope_binds(stmt: ast.stmt) -> set[str]:
    """Names a top-level statement binds in the cell's scope (not in nested scopes)."""
    if isinstance(stmt, DEFS):
        return {stmt.name}
    out = set()
    for n in (stmt, *walk_scope(stmt)):
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
            out.add(n.id)
        elif isinstance(n, DEFS):
            out.add(n.name)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            out.update(bound_name(a) for a in n.names)
        elif isinstance(n, ast.ExceptHandler) and n.name:
            out.add(n.name)
    return out


def classify(p: Planner, n: str, local_names: set[str]) -> str:
    """How the function gets ``n``, read where the selection may not have bound it:
    "param", "import" (copied into the module), "builtin", "local" (no earlier value
    exists: the cells would fail the same way), "star" (only an earlier ``import *`` can
    bind it: the module repeats those) or "kernel" (no cell above binds it)."""
    binders = p.earlier_binders(n)
    deleter = next((c for c in reversed(p.before) if n in c.facts.deletes), None)
    if deleter is not None and binders and deleter.index > binders[-1].index:
        refuse(deleter.pos, deleter.line_of(n), f"deletes {n}, which the selection reads")
    if binders:
        if all(n in b.facts.uncertain_defines for b in binders):
            b = binders[-1]
            refuse(
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


def check_outside_functions(p: Planner, local_names: set[str]) -> None:
    """Refuse when the selection uses a notebook function that reads or assigns a global
    the selection binds: that function sees the notebook's globals, not the new locals."""
    free: dict[str, tuple[CodeCell, tuple[str, ...]]] = {}
    for c in p.before:
        for fn, names in c.facts.functions.items():
            free[fn] = (c, names)
    referenced = {
        n.id for c in p.sel for n in ast.walk(c.tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
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
        node = next((n for n in c.tree.body if isinstance(n, DEFS) and n.name == fn), None)
        for n in ast.walk(node) if node is not None else ():
            if isinstance(n, ast.Global):
                for g in n.names:
                    if g in referenced or g in local_names:
                        refuse(
                            c.pos,
                            n.lineno + c.shift,
                            f"{fn} assigns the global {g}, which the selection also uses: inside a function the selection would not see the change",
                        )
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in ("globals", "exec", "eval"):
                refuse(c.pos, n.lineno + c.shift, f"{fn} calls {n.func.id}(), which works on the notebook's globals")
    for g, fn in reached.items():
        if g not in local_names:
            continue
        binders = [c for c in p.sel if g in c.facts.defines or g in c.facts.deletes]
        earlier = {b.facts.imports.get(g) for b in p.earlier_binders(g)}
        if all(b.import_only(g) for b in binders) and earlier == {b.facts.imports[g] for b in binders}:
            continue  # the same import again: the value does not change
        b = binders[0]
        refuse(
            b.pos,
            b.line_of(g, True),
            f"rebinds {g}, which {fn} (cell {free[fn][0].pos}) reads as a global; inside a function the new value would not reach {fn}",
        )


def check_name_free(p: Planner, names: Iterable[str], later: set[str]) -> None:
    """A new name must not already mean something in the notebook (unless overwriting,
    and then nothing after the selection may still use the old one)."""
    for n in names:
        for c in p.cells.values():
            if n in c.facts.defines and (not p.req.overwrite or n in later):
                refuse(
                    c.pos,
                    c.line_of(n, True),
                    f"{n} already exists in the notebook: choose another name",
                    overwritable=not p.req.overwrite and n not in later,
                )


def is_print_call(value: ast.expr, shadowed: set[str]) -> bool:
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id in ("print", "display")
        and value.func.id not in shadowed
    )


def bound_name(alias: ast.alias) -> str:
    return alias.asname or alias.name.partition(".")[0]
