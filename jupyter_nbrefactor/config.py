"""Parameters -> config.yaml: find a notebook's hard-coded knobs and plan moving them.

``find_parameters`` lists the candidates (module-level names bound to literals that later
cells read, literal keyword arguments of the calls that configure something, path-like
string arguments of the calls that read or write files) and what it refuses, with cell
and line. ``plan_config`` is pure, JSON in and out, like ``plan_extraction``: it merges
the chosen values into the config text (ruamel.yaml's round trip keeps the file's
comments and layout), replaces each literal by its lookup and adds one cell that loads
the file. ``apply_config`` makes the new notebook; ``write_config_files`` writes the
files on the local disk (the CLI), through ``apply``'s atomic writers.
"""

from __future__ import annotations

import ast
import io
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

import nbformat

from .cells import CellFacts, cell_facts, may_define, may_name
from .errors import RequestError
from .extract import source_hash
from .language import is_python
from .modpath import dotted_name, validate_module_path
from .request import JSON_OBJECT, STRING, STRINGS, Kind, as_text, check, get_field, is_text
from .statements import cell_statements

if TYPE_CHECKING:
    from ruamel.yaml import YAML

    from .apply import Contents

CONFIG_NAME = "config"  # the notebook variable holding the loaded file
DEFAULT_CONFIG_PATH = "config.yaml"
HELPER_PATH = "src/config.py"
HELPER_SOURCE = '''\
"""The notebook's parameters, read from a YAML file (written by `jupyter nbrefactor config`)."""

from pathlib import Path

from ruamel.yaml import YAML


def load_config(path="config.yaml"):
    """The parameters in the YAML file at ``path``: plain dicts, lists, strings and numbers."""
    return YAML(typ="safe", pure=True).load(Path(path))
'''

# Calls whose positional string argument is a file they read or write.
_READS = ("read", "load", "open")
_WRITES = ("to_", "save", "write", "dump")
_PATH_CALLS = frozenset({"open", "Path", "PurePath"})
_PATH_LIKE = re.compile(
    r"^[\w.~/\\:-]*\.(csv|tsv|txt|json|jsonl|parquet|feather|xlsx?|pkl|pickle|joblib|h5|hdf5?|npy|npz|"
    r"zip|gz|bz2|yaml|yml|toml|sqlite|db|png|jpe?g|pdf|html|pt|onnx)$|^[\w.~-]+(/[\w.~-]+)+/?$"
)
_HEADING = re.compile(r"^\s{0,3}(#{2,6})\s+(.+?)\s*#*\s*$", re.M)
_KEY_SEGMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NEWLINE = re.compile(r"\r\n|\r|\n")


# ----- values -------------------------------------------------------------------------


class _NotLiteral(Exception):
    pass


def _literal(node: ast.expr) -> Any:
    """The value of a literal expression (numbers, strings, bools, None, and lists, dicts,
    tuples of them), or ``_NotLiteral``; ``ast.literal_eval``'s rules without sets,
    bytes, complex numbers and arithmetic."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, (bytes, complex)) or node.value is Ellipsis:
            raise _NotLiteral
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = node.operand
        if isinstance(operand, ast.Constant) and isinstance(operand.value, (int, float)):
            if isinstance(operand.value, bool):
                raise _NotLiteral
            return -operand.value if isinstance(node.op, ast.USub) else operand.value
        raise _NotLiteral
    if isinstance(node, (ast.List, ast.Tuple)):
        items = [_literal(e) for e in node.elts]
        return items if isinstance(node, ast.List) else tuple(items)
    if isinstance(node, ast.Dict):
        if any(k is None for k in node.keys):
            raise _NotLiteral
        return {_literal(k): _literal(v) for k, v in zip(node.keys, node.values)}  # type: ignore[arg-type]
    raise _NotLiteral


def _yaml_form(value: Any) -> tuple[Any, str | None, str | None]:
    """(what goes into the YAML file, the conversion the lookup needs, why it cannot
    go at all). YAML has no tuple: a tuple becomes a list read back with ``tuple(...)``."""
    convert = None
    if isinstance(value, tuple):
        value, convert = list(value), "tuple"
    problem = _unstorable(value)
    return value, convert, problem


def _unstorable(value: Any, top: bool = True) -> str | None:
    if isinstance(value, tuple):
        return "a tuple inside a list or dict: YAML has no tuple, and it would come back as a list"
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value!r}: not a number YAML can give back exactly"
    if isinstance(value, list):
        return next((p for p in (_unstorable(v, False) for v in value) if p), None)
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            return "a dict with keys that are not strings"
        return next((p for p in (_unstorable(v, False) for v in value.values()) if p), None)
    return None


def _same(a: Any, b: Any) -> bool:
    """Equal in value and in type, all the way down (``1`` is not ``1.0`` nor ``True``)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, float):
        return repr(a) == repr(b)
    return bool(a == b)


def _loader() -> YAML:
    """The reader ``load_config`` uses (HELPER_SOURCE): what it gives back is what counts."""
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True)


_ROUND_TRIPS: dict[tuple[str, str], str | None] = {}  # (type, repr) -> problem: a memo, like cell_facts'
_MAX_MEMO = 8192


def _round_trip_problems(values: list[Any]) -> list[str | None]:
    """For each value (YAML form), why it would not come back from the file exactly: each
    new value is written by the round-trip dumper the plan uses and read by ``_loader``."""
    keys = [(type(v).__name__, repr(v)) for v in values]
    new = {k: v for k, v in zip(keys, values) if k not in _ROUND_TRIPS and type(v) not in _EXACT}
    if new:
        if len(_ROUND_TRIPS) + len(new) > _MAX_MEMO:
            _ROUND_TRIPS.clear()
        batch = list(new.items())
        back = _loader().load(_dump_text({f"v{i}": v for i, (_, v) in enumerate(batch)}))
        for i, (k, v) in enumerate(batch):
            got = back[f"v{i}"]
            _ROUND_TRIPS[k] = None if _same(v, got) else f"{v!r} would come back from YAML as {got!r}"
    return [None if type(v) in _EXACT else _ROUND_TRIPS[k] for k, v in zip(keys, values)]


# Scalars the dumper writes as plain ``123`` / ``true`` / ``null`` and the loader always
# reads back as the same value and type (tests/test_config.py checks it against the round
# trip): no YAML needed to know they come back exactly.
_EXACT = frozenset({int, bool, type(None)})


def _json_value(value: Any) -> Any:
    """A value as JSON can carry it (tuples as lists; the candidate says ``convert``)."""
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    return value


# ----- finding the parameters -----------------------------------------------------------


@dataclass
class _Place:
    pos: int  # 0-based cell index
    cell_id: str | None
    line: int  # 1-based, in the cell
    span: tuple[int, int, int, int]  # start line, start column, end line, end column (characters)
    text: str  # the literal as written
    statement: str  # the line it is on, stripped


class Clash(TypedDict):
    """A candidate whose key the existing config already uses for something else."""

    key: str  # the key proposed
    existing: Any  # the value the file has there (JSON), or None when blocked
    blocked_by: str | None  # the key of a value on the way (a value, not a group)
    suggested: str  # the next free key


@dataclass
class Candidate:
    key: tuple[str, ...]
    kind: str  # "name" | "keyword" | "path"
    what: str  # TEST_SIZE / RandomForestClassifier(n_estimators=…) / pd.read_csv(…)
    value: Any  # as the notebook has it (a tuple stays a tuple)
    convert: str | None
    places: list[_Place]
    reads: int
    clash: Clash | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return ".".join(self.key)

    def to_json(self, selected: bool = True) -> dict[str, Any]:
        first = self.places[0]
        return {
            "id": self.id,
            "key": self.id,
            "kind": self.kind,
            "what": self.what,
            "value": _json_value(self.value),
            "value_text": first.text,
            "convert": self.convert,
            "cell_index": first.pos,
            "cell_id": first.cell_id,
            "line": first.line,
            "places": [
                {"cell_index": p.pos, "cell_id": p.cell_id, "line": p.line, "text": p.statement} for p in self.places
            ],
            "reads": self.reads,
            "clash": self.clash,
            "selected": selected,
        }


@dataclass
class Refusal:
    pos: int
    cell_id: str | None
    line: int
    what: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "cell_index": self.pos,
            "cell_id": self.cell_id,
            "line": self.line,
            "what": self.what,
            "reason": self.reason,
            "message": f"cell {self.pos + 1} line {self.line}: {self.what}: {self.reason}",
        }


class _Cell:
    """A code cell that compiles; its tree and the walk of it are made when first read
    (``find_parameters`` reads few: see ``_may_hold_parameters``)."""

    def __init__(self, pos: int, cell_id: str | None, facts: CellFacts):
        self.pos, self.cell_id, self.facts = pos, cell_id, facts

    @property
    def source(self) -> str:
        return self.facts.source

    @property
    def python(self) -> str:
        return self.facts.python

    @property
    def tree(self) -> ast.Module:
        tree = self.facts.tree
        assert tree is not None  # a _Cell compiles
        return tree

    @property
    def scope(self) -> tuple[ast.AST, ...]:
        """The nodes that run at module level (``_scan``)."""
        return _scan(self.tree)[0]

    @property
    def first(self) -> dict[str, int]:
        """Name -> the first line it appears on."""
        return _scan(self.tree)[1]

    @property
    def loads(self) -> dict[str, int]:
        """Name -> how often it is read (in any scope)."""
        return _scan(self.tree)[2]

    @cached_property
    def assigned(self) -> dict[int, str]:
        """id(call) -> the one name a module-level ``name = call(…)`` binds it to."""
        out = {}
        for node in self.scope:
            if type(node) is ast.Assign and len(node.targets) == 1 and type(node.targets[0]) is ast.Name:
                if type(node.value) is ast.Call:
                    out[id(node.value)] = node.targets[0].id
        return out


def _code_cells(cells: Sequence[Mapping[str, Any]]) -> list[_Cell]:
    """The code cells that compile, but the one loading config.yaml."""
    out = []
    for pos, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        source = as_text(cell.get("source", ""))
        facts = cell_facts(source)
        if facts.error is not None or _is_load_cell(source):
            continue
        cid = cell.get("id")
        out.append(_Cell(pos, cid if isinstance(cid, str) else None, facts))
    return out


def names_in_tree(tree: ast.Module) -> Iterable[str]:
    """Every ``ast.Name`` of a cell's tree (any scope, any context), from the one walk this
    module makes of every cell anyway (naming's names of a notebook read it too)."""
    return _scan(tree)[1].keys()


@lru_cache(maxsize=4096)
def _scan(tree: ast.Module) -> tuple[tuple[ast.AST, ...], dict[str, int], dict[str, int]]:
    """One walk of a cell's tree (memoised: cell_facts keeps one tree per source text):
    the nodes that run at module level (a def or class itself, its decorators and
    defaults, not its body; no lambda bodies), only the kinds the gathering and the search
    look at, in the order of a depth-first stack; each name's first line; how often each
    name is read (in any scope). Module level is walked with the stack, the bodies after
    it for their names only."""
    first: dict[str, int] = {}
    loads: dict[str, int] = {}
    scope: list[ast.AST] = []
    stack: list[ast.AST] = [tree]  # module level: popped in order, children pushed in field order
    inner: list[ast.AST] = []  # function, class and lambda bodies: names only, any order
    for todo, top in ((stack, True), (inner, False)):
        while todo:
            n: Any = todo.pop()
            t = type(n)
            if t is ast.Name:
                name, line = n.id, n.lineno
                if line < first.get(name, line + 1):
                    first[name] = line
                if type(n.ctx) is ast.Load:
                    loads[name] = loads.get(name, 0) + 1
                if top:
                    scope.append(n)
                continue
            if t in _LEAVES:
                continue
            if top:
                if t in _SCOPE_KINDS:
                    scope.append(n)
                if t is ast.FunctionDef or t is ast.AsyncFunctionDef:
                    a = n.args
                    stack.extend([*n.decorator_list, *a.defaults, *(d for d in a.kw_defaults if d is not None)])
                    _children(n, inner, _DEF_SCOPED)
                    _children(a, inner, _ARGS_SCOPED)
                    continue
                if t is ast.ClassDef:
                    stack.extend([*n.decorator_list, *n.bases, *n.keywords])
                    _children(n, inner, _CLASS_SCOPED)
                    continue
                if t is ast.Lambda:
                    _children(n, inner, ())
                    continue
            _children(n, todo, ())
    return tuple(scope), first, loads


_SCOPE_KINDS = frozenset({ast.Assign, ast.Call, ast.FunctionDef, ast.AsyncFunctionDef})  # and ast.Name
_LEAVES = frozenset(
    {
        ast.Constant,
        ast.Load,
        ast.Store,
        ast.Del,
        *ast.operator.__subclasses__(),
        *ast.unaryop.__subclasses__(),
        *ast.cmpop.__subclasses__(),
        *ast.boolop.__subclasses__(),
    }
)
_DEF_SCOPED = frozenset({"decorator_list", "args"})
_ARGS_SCOPED = frozenset({"defaults", "kw_defaults"})
_CLASS_SCOPED = frozenset({"decorator_list", "bases", "keywords"})


def _children(node: ast.AST, out: list[ast.AST], skip: frozenset[str] | tuple[()]) -> None:
    """``out.extend(ast.iter_child_nodes(node))`` without the fields in ``skip``."""
    for name in node._fields:
        if name in skip:
            continue
        value = getattr(node, name, None)
        if type(value) is list:
            out.extend([v for v in value if isinstance(v, ast.AST)])
        elif isinstance(value, ast.AST):
            out.append(value)


def _callee(call: ast.Call) -> tuple[str | None, bool]:
    """(the called name's last part, whether it is a method or module attribute)."""
    if isinstance(call.func, ast.Name):
        return call.func.id, False
    if isinstance(call.func, ast.Attribute):
        return call.func.attr, True
    return None, False


def _slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    slug = "_".join(words[:4]) or "param"
    return f"_{slug}" if slug[0].isdigit() else slug


def _snake(name: str) -> str:
    return _slug(re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name))


def _call_group(call: ast.Call, assigned: dict[int, str]) -> str:
    """The config group of a call's settings: the variable an object is made for
    (``model = RandomForestClassifier(…)``), else what the call does (reads data, splits),
    else its own name."""
    name, _ = _callee(call)
    name = name or "call"
    if id(call) in assigned and name[:1].isupper():
        return _slug(assigned[id(call)])
    if name.startswith(_READS):
        return "data"
    if "split" in name.lower():
        return "split"
    return _snake(name)


def _configures(call: ast.Call, imported: set[str]) -> bool:
    """Whether a call's literal keyword arguments are settings: a class being made
    (``RandomForestClassifier(…)``) or a function imported by name (``train_test_split``);
    not methods and module functions (``ax.hist(bins=30)``, ``plt.subplots(figsize=…)``)."""
    name, attribute = _callee(call)
    if name is None:
        return False
    if name[:1].isupper() and any(c.islower() for c in name):
        return True
    return not attribute and name in imported


def _path_call(call: ast.Call) -> str | None:
    """``data`` or ``output`` when the call reads or writes the file its first argument names."""
    name, _ = _callee(call)
    if name is None:
        return None
    if name in _PATH_CALLS or name.startswith(_READS):
        return "data"
    if name.startswith(_WRITES) or name == "savefig":
        return "output"
    return None


def _heading_group(cells: Sequence[Mapping[str, Any]], pos: int) -> tuple[str, ...]:
    """The key prefix of the nearest level-2+ markdown heading above ``pos`` (none: top level)."""
    for cell in reversed(cells[:pos]):
        if cell.get("cell_type") == "markdown":
            found = _HEADING.findall(as_text(cell.get("source", "")))
            if found:
                return (_slug(found[-1][1]),)
    return ()


class _Positions:
    """ast positions (UTF-8 byte columns in the parsed text) -> character spans of the
    cell's own source, when the two agree on those lines (IPython may have rewritten
    others)."""

    def __init__(self, cell: _Cell):
        self.cell = cell

    @cached_property  # split when a literal of the cell is placed: most cells have none
    def raw(self) -> list[str]:
        return _NEWLINE.split(self.cell.source)

    @cached_property
    def python(self) -> list[str]:
        return _NEWLINE.split(self.cell.python)

    def span(self, node: ast.expr) -> tuple[int, int, int, int] | None:
        first, last = node.lineno, node.end_lineno or node.lineno
        if last > len(self.raw) or last > len(self.python):
            return None
        if any(self.raw[i - 1] != self.python[i - 1] for i in range(first, last + 1)):
            return None
        start = len(self.raw[first - 1].encode("utf-8")[: node.col_offset].decode("utf-8", "replace"))
        end = len(self.raw[last - 1].encode("utf-8")[: node.end_col_offset].decode("utf-8", "replace"))
        return first, start, last, end

    def text(self, span: tuple[int, int, int, int]) -> str:
        first, start, last, end = span
        if first == last:
            return self.raw[first - 1][start:end]
        return "\n".join([self.raw[first - 1][start:], *self.raw[first : last - 1], self.raw[last - 1][:end]])

    def line(self, number: int) -> str:
        return self.raw[number - 1].strip()


@dataclass
class _Uses:
    """What the whole notebook does with one name."""

    binds: list[tuple[int, int]] = field(default_factory=list)  # (pos, line) per binding
    changed: tuple[int, int] | None = None  # (pos, line) of its first in-place change
    loads: int = 0  # reads, in any scope
    calls: list[tuple[str, str | None]] = field(default_factory=list)  # (group, keyword) per call it is passed to


class _Notebook:
    """The code cells and what they do with each name: who reads it and what is imported
    from the facts; the rest from the trees of the cells whose text holds the name, only
    for the names asked about (the candidates')."""

    def __init__(self, cells: list[_Cell]):
        self.cells = cells
        self.imported: set[str] = set()
        self.readers: dict[str, set[int]] = {}
        for cell in cells:
            self.imported.update(cell.facts.imports)
            for name in cell.facts.reads:
                self.readers.setdefault(name, set()).add(cell.pos)
        self._uses: dict[str, _Uses] = {}

    def uses(self, name: str) -> _Uses:
        if name not in self._uses:
            self._uses[name] = self._gather(name)
        return self._uses[name]

    def _gather(self, name: str) -> _Uses:
        u = _Uses()
        for cell in self.cells:
            facts = cell.facts
            if u.changed is None and name in facts.mutates:
                u.changed = (cell.pos, cell.first.get(name, 1))
            if not may_name(facts, name):
                continue
            bound_here = False
            for node in cell.scope:  # parsed nodes: their exact type is their kind
                if type(node) is ast.Name and node.id == name and type(node.ctx) is not ast.Load:  # Store, Del
                    u.binds.append((cell.pos, node.lineno))
                    bound_here = True
            if name in facts.defines and not bound_here:  # an import, a def, a class
                u.binds.append((cell.pos, cell.first.get(name, 1)))
            u.loads += cell.loads.get(name, 0)
            for node in cell.scope:
                if type(node) is not ast.Call:
                    continue
                if _configures(node, self.imported):
                    group = _call_group(node, cell.assigned)
                    for kw in node.keywords:
                        if kw.arg and type(kw.value) is ast.Name and kw.value.id == name:
                            u.calls.append((group, kw.arg))
                kind = _path_call(node)
                if kind and node.args and type(node.args[0]) is ast.Name and node.args[0].id == name:
                    u.calls.append((kind, None))
        return u


def _first_line(tree: ast.Module, name: str) -> int:
    return min((n.lineno for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == name), default=1)


def _name_key(name: str, nb: _Notebook, cells: Sequence[Mapping[str, Any]], pos: int) -> tuple[str, ...]:
    """A name's key: the setting it is passed as, when every read passes it to calls of one
    group (``TEST_SIZE`` -> ``split.test_size``), else under its cell's heading."""
    u = nb.uses(name)
    if u.calls and len(u.calls) == u.loads and len({g for g, _ in u.calls}) == 1:
        group = u.calls[0][0]
        keywords = {k for _, k in u.calls}
        leaf = keywords.pop() if len(keywords) == 1 and None not in keywords else _slug(name)
        return (group, leaf or _slug(name))
    return (*_heading_group(cells, pos), _slug(name))


# a literal found: (key, kind, what, value, where, how many later cells read it)
_Found = tuple[tuple[str, ...], str, str, Any, _Place, int]

_FSTRING = "an f-string: its text is made when the cell runs, so it is not one value a file can hold"


# The tokens of a literal in a statement as ``normalised_statements`` writes it.
_LITERAL_TOKENS = frozenset({"S", "0", "(", ")", "[", "]", "{", "}", ",", ":", "-", "+"})
_KEYWORD_ARGUMENT = re.compile(r"[(,] [^\W\d]\w* = ")  # `f(a, k=…)`: the "=" token, not "=="
_STRING_FIRST = re.compile(r"\((?: \()* S\b")  # `open("a.csv")`, `open(("a.csv"))`


def _may_hold_parameters(cell: _Cell, readers: Mapping[str, set[int]]) -> bool:
    """Whether ``find_parameters`` may find a literal or a refusal in the cell, from its
    text alone (its statements without literals and layout, as NR205 compares them), so
    that most cells are never parsed again: a ``def`` or ``class`` (defaults, keywords),
    ``NAME = <literal>`` with NAME read by a later cell, a keyword argument, or a call
    whose first argument is a string. Cells with magics or letters beyond ASCII are read."""
    facts = cell.facts
    if facts.python != cell.source or not cell.source.isascii() or may_define(facts):
        return True
    for _, text in cell_statements(facts):
        if _KEYWORD_ARGUMENT.search(text) or _STRING_FIRST.search(text):
            return True
        for part in text.split(" ; "):
            words = part.split(" ")
            if len(words) < 3:
                continue
            if words[1] == ":":  # an annotation (or a one-line block): read it
                return True
            if words[1] == "=" and all(w in _LITERAL_TOKENS for w in words[2:]):
                if any(p > cell.pos for p in readers.get(words[0], ())):
                    return True
    return False


def find_parameters(notebook: Mapping[str, Any]) -> tuple[list[Candidate], list[Refusal]]:
    """The notebook's hard-coded parameters (keys proposed, unique, not yet checked against
    an existing config) and the literals that look like parameters but cannot move."""
    cells: list[Mapping[str, Any]] = list(notebook.get("cells", []))
    if not is_python(notebook):
        return [], []
    nb = _Notebook(_code_cells(cells))
    found: list[_Found] = []
    refusals: list[Refusal] = []

    def refuse(cell: _Cell, node: ast.AST, what: str, reason: str) -> None:
        refusals.append(Refusal(cell.pos, cell.cell_id, getattr(node, "lineno", 1), what, reason))

    for cell in nb.cells:
        if not _may_hold_parameters(cell, nb.readers):
            continue
        where = _Positions(cell)

        def place(node: ast.expr, cell: _Cell = cell, where: _Positions = where) -> _Place | None:
            span = where.span(node)
            if span is None:
                return None
            return _Place(cell.pos, cell.cell_id, node.lineno, span, where.text(span), where.line(node.lineno))

        for stmt in cell.tree.body:
            target, bound = None, None
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                target, bound = stmt.targets[0].id, stmt.value
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                target, bound = stmt.target.id, stmt.value
            if target is None or bound is None or target == CONFIG_NAME:
                continue
            if not any(p > cell.pos for p in nb.readers.get(target, ())):
                continue  # not a parameter of later cells
            if isinstance(bound, ast.JoinedStr):
                refuse(cell, stmt, target, _FSTRING)
                continue
            try:
                value = _literal(bound)
            except _NotLiteral:
                continue
            uses = nb.uses(target)
            others = [b for b in uses.binds if b != (cell.pos, stmt.lineno)]
            if others:
                p, line = others[0]
                refuse(cell, stmt, target, f"also bound at cell {p + 1} line {line}: not one fixed value")
                continue
            if uses.changed is not None:
                p, line = uses.changed
                refuse(cell, stmt, target, f"changed in place at cell {p + 1} line {line}: not one fixed value")
                continue
            at = place(bound)
            if at is not None:
                readers = len([p for p in nb.readers[target] if p > cell.pos])
                found.append((_name_key(target, nb, cells, cell.pos), "name", target, value, at, readers))
        for node in cell.scope:
            if type(node) is ast.Name:  # most of a scope; nothing to find in one
                continue
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = node.args
                named = [*args.posonlyargs, *args.args]
                pairs = [*zip(named[len(named) - len(args.defaults) :], args.defaults)]
                pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
                for arg, default in pairs:
                    if isinstance(default, ast.Constant) and default.value is None:
                        continue
                    try:
                        _literal(default)
                    except _NotLiteral:
                        continue
                    refusals.append(
                        Refusal(
                            cell.pos,
                            cell.cell_id,
                            default.lineno,
                            f"{node.name}({arg.arg}=…)",
                            "a default argument of a notebook function is fixed when the function is defined: "
                            "pass the value where it is called instead",
                        )
                    )
            if not isinstance(node, ast.Call):
                continue
            name, _ = _callee(node)
            if _configures(node, nb.imported):
                group = _call_group(node, cell.assigned)
                for kw in node.keywords:
                    if kw.arg is None:
                        continue
                    label = f"{name}({kw.arg}=…)"
                    if isinstance(kw.value, ast.JoinedStr):
                        refuse(cell, kw.value, label, _FSTRING)
                        continue
                    if isinstance(kw.value, ast.Constant) and kw.value.value is None:
                        continue  # None switches a setting off; it is no knob
                    try:
                        value = _literal(kw.value)
                    except _NotLiteral:
                        continue
                    at = place(kw.value)
                    if at is not None:
                        found.append(((group, _slug(kw.arg)), "keyword", label, value, at, 1))
            kind = _path_call(node)
            if kind and node.args:
                first = node.args[0]
                label = f"{name}(…)"
                if isinstance(first, ast.JoinedStr):
                    refuse(cell, first, label, _FSTRING)
                    continue
                if isinstance(first, ast.Constant) and isinstance(first.value, str) and _PATH_LIKE.match(first.value):
                    at = place(first)
                    if at is not None:
                        stem = re.split(r"[/\\]", first.value.rstrip("/"))[-1].split(".")[0]
                        found.append(((kind, f"{_slug(stem)}_path"), "path", label, first.value, at, 1))
    return _merge_found(found, refusals), sorted(refusals, key=lambda r: (r.pos, r.line))


def _merge_found(found: list[_Found], refusals: list[Refusal]) -> list[Candidate]:
    """One candidate per key: the same value at several places shares one key; a different
    value under the same key gets the next free one (``_2``)."""
    values = [_yaml_form(value) for _, _, _, value, _, _ in found]
    problems = _round_trip_problems([v for v, _, p in values if p is None])
    it = iter(problems)
    out: dict[tuple[str, ...], Candidate] = {}
    taken = _Keys()
    for (key, kind, what, value, at, reads), (_, convert, problem) in zip(found, values):
        problem = problem or next(it)
        if problem:
            refusals.append(Refusal(at.pos, at.cell_id, at.line, what, problem))
            continue
        base, n = key, 2
        while key in out or taken.blocked(key):
            same = out.get(key)
            if same is not None and _same(same.value, value) and same.convert == convert and kind != "name":
                same.places.append(at)
                same.reads += reads
                break
            key, n = (*base[:-1], f"{base[-1]}_{n}"), n + 1
        else:
            out[key] = Candidate(key, kind, what, value, convert, [at], reads)
            taken.add(key)
    return list(out.values())


class _Keys:
    """A set of keys that also answers, in time linear in the key's length, whether a key
    is blocked: a prefix of another (a group, not a value) or under another (a value)."""

    def __init__(self, keys: Iterable[tuple[str, ...]] = ()):
        self.keys: set[tuple[str, ...]] = set()
        self.prefixes: dict[tuple[str, ...], int] = {}
        for key in keys:
            self.add(key)

    def __contains__(self, key: object) -> bool:
        return key in self.keys

    def add(self, key: tuple[str, ...]) -> None:
        self.keys.add(key)
        for i in range(1, len(key)):
            self.prefixes[key[:i]] = self.prefixes.get(key[:i], 0) + 1

    def discard(self, key: tuple[str, ...]) -> None:
        if key in self.keys:
            self.keys.remove(key)
            for i in range(1, len(key)):
                self.prefixes[key[:i]] -= 1
                if not self.prefixes[key[:i]]:
                    del self.prefixes[key[:i]]

    def blocked(self, key: tuple[str, ...]) -> bool:
        return key in self.prefixes or any(key[:i] in self.keys for i in range(1, len(key)))


# ----- the existing config --------------------------------------------------------------

_MISSING = object()


def _lookup(doc: Any, key: tuple[str, ...]) -> Any:
    """The value at ``key`` in the loaded config, ``_MISSING``, or a non-mapping on the way
    (returned as ``("blocked", value)``)."""
    node = doc
    for i, part in enumerate(key):
        if not isinstance(node, Mapping):
            return ("blocked", ".".join(key[:i]))
        if part not in node:
            return _MISSING
        node = node[part]
    return node


def _read_config(text: str | None, path: str) -> Any:
    """The existing config as ruamel's round-trip document (None: no file or empty)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    if text is None or not text.strip():
        return None
    yaml = YAML()
    yaml.preserve_quotes = True  # 'data/old.csv' stays quoted as the user wrote it
    try:
        doc = yaml.load(text)
    except YAMLError as err:
        raise _PlanRefused(f"{path} is not valid YAML: {str(err).strip().splitlines()[-1]}") from None
    if doc is not None and not isinstance(doc, Mapping):
        raise _PlanRefused(f"{path} does not hold a mapping of keys at its top level: it cannot take parameters")
    return doc


class _NoLoad:
    """A stand-in for ``load_yaml_guess_indent``'s loader: ``_read_config`` has the document."""

    def load(self, text: str) -> None:
        return None


def _guess_indent(text: str) -> tuple[int, int]:
    """The existing file's (mapping indent, sequence dash offset), as ruamel guesses them
    from the text alone (without parsing the file a second time)."""
    from ruamel.yaml.util import load_yaml_guess_indent

    _, mapping_indent, offset = load_yaml_guess_indent(text, yaml=_NoLoad())
    return mapping_indent or 2, offset or 0


def _plain(value: Any) -> Any:
    """A ruamel round-trip value as plain Python (what ``load_config`` would give)."""
    return _loader().load(_dump_text(value)) if isinstance(value, (Mapping, list)) else value


def _dump_text(value: Any, indent: tuple[int, int] | None = None) -> str:
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.preserve_quotes = True
    if indent:
        yaml.indent(mapping=indent[0], sequence=indent[0] + indent[1], offset=indent[1])
    stream = io.StringIO()
    yaml.dump(value, stream)
    return stream.getvalue()


def _check_existing(candidates: list[Candidate], doc: Any, path: str) -> None:
    """Mark what the existing config already holds: the same value is reused (a note), a
    different one is a clash and the proposal moves to the next free key."""
    if doc is None:
        return
    taken = _Keys(c.key for c in candidates)
    for c in candidates:
        existing = _lookup(doc, c.key)
        if existing is _MISSING:
            continue
        if not isinstance(existing, tuple) and _same(_plain(existing), _yaml_form(c.value)[0]):
            c.notes.append(f"{c.id} is already in {path} with this value: reused")
            continue
        shown = existing[1] if isinstance(existing, tuple) else _json_value(_plain(existing))
        taken.discard(c.key)
        base, n = c.key, 2
        key = c.key
        while key in taken or _lookup(doc, key) is not _MISSING or taken.blocked(key):
            key, n = (*base[:-1], f"{base[-1]}_{n}"), n + 1
        c.clash = {
            "key": c.id,
            "existing": shown if not isinstance(existing, tuple) else None,
            "blocked_by": shown if isinstance(existing, tuple) else None,
            "suggested": ".".join(key),
        }
        c.key = key
        taken.add(key)


# ----- the request ----------------------------------------------------------------------


class _PlanRefused(Exception):
    pass


_NOTEBOOK = Kind(
    'an nbformat v4 notebook with a "cells" list',
    lambda value: isinstance(value, dict) and isinstance(value.get("cells"), list),
)
_TEXT_OR_NULL = Kind("text", lambda value: isinstance(value, str)).or_null()
_RENAMES = Kind(
    "an object of candidate id -> new key",
    lambda value: isinstance(value, dict) and all(isinstance(v, str) for v in value.values()),
)


def validate_config_path(path: object) -> str:
    """A config file path relative to the notebook's folder, ``.yaml`` or ``.yml``."""
    text = check(path, STRING, '"config_path"')
    parts = [p for p in text.split("/") if p not in ("", ".")]
    if not parts or "\x00" in text or "\\" in text or text.startswith(("/", "~")) or re.match(r"^[A-Za-z]:", text):
        raise RequestError(f'"config_path" {text!r} must be a path relative to the notebook\'s folder')
    if ".." in parts:
        raise RequestError(f'"config_path" {text!r} must stay inside the notebook\'s folder')
    if not parts[-1].endswith((".yaml", ".yml")):
        raise RequestError(f'"config_path" {text!r} must end in .yaml or .yml')
    return "/".join(parts)


def parse_key(text: str) -> tuple[str, ...]:
    """``model.n_estimators`` -> its parts; each must be a plain name (letters, digits, _)."""
    parts = tuple(text.strip().split("."))
    bad = [p for p in parts if not _KEY_SEGMENT.match(p)]
    if bad:
        raise _PlanRefused(f"key {text!r}: {bad[0]!r} is not a plain name (letters, digits and _, separated by dots)")
    return parts


def lookup_code(key: tuple[str, ...], convert: str | None) -> str:
    """The Python that reads ``key`` from the loaded config: ``config["split"]["test_size"]``."""
    code = CONFIG_NAME + "".join(f'["{part}"]' for part in key)
    return f"{convert}({code})" if convert else code


def load_cell_source(config_path: str, helper_path: str = HELPER_PATH) -> str:
    """The cell that loads the config at the top of the notebook."""
    return f'from {dotted_name(helper_path)} import load_config\n\n{CONFIG_NAME} = load_config("{config_path}")'


def _is_load_cell(source: str) -> bool:
    return bool(re.search(rf"^{CONFIG_NAME}\s*=\s*load_config\(", source, re.M))


def _helper_ok(text: str, path: str) -> None:
    try:
        tree = ast.parse(text)
    except SyntaxError as err:
        raise _PlanRefused(f"{path} exists and does not parse (line {err.lineno}): fix it first") from None
    if not any(isinstance(n, ast.FunctionDef) and n.name == "load_config" for n in tree.body):
        raise _PlanRefused(
            f"{path} exists and has no load_config function: add one (see the README) or move {path} away"
        )


def plan_config(request: Mapping[str, Any]) -> dict[str, Any]:
    """Plan moving parameters into the config file.

    Request: ``{"notebook", "config_path"?: "config.yaml", "config_source"?: its current
    text or null, "helper_source"?: the current text of src/config.py or null, "select"?:
    [candidate ids or keys] (absent or null: all), "keys"?: {candidate id: new key}}``.
    Answer: ``{"candidates", "refusals", "config_path", "config_source" (the new text),
    "base_hash", "helper_path", "helper_source" (to write, or null when it exists),
    "helper_base_hash", "load_cell" ({"index", "source"} or null), "cells" ([{"index",
    "id", "source"}] changed), "kernel_code", "notes", "refused"}``.
    """
    check(request, JSON_OBJECT, "the request")
    notebook = get_field(request, "notebook", _NOTEBOOK, '"notebook"')
    for i, cell in enumerate(notebook["cells"]):
        if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
            raise RequestError(f"notebook cell {i + 1} is not an nbformat cell")
        if not is_text(cell.get("source", "")):
            raise RequestError(f"notebook cell {i + 1} has a source that is not text")
    config_path = validate_config_path(request.get("config_path", DEFAULT_CONFIG_PATH))
    config_source = get_field(request, "config_source", _TEXT_OR_NULL, '"config_source"', default=None)
    helper_source = get_field(request, "helper_source", _TEXT_OR_NULL, '"helper_source"', default=None)
    select = get_field(request, "select", STRINGS.or_null(), '"select"', default=None)
    renames = get_field(request, "keys", _RENAMES, '"keys"', default={})
    helper_path = validate_module_path(HELPER_PATH)

    candidates, refusals = find_parameters(notebook)
    plan: dict[str, Any] = {
        "candidates": [],
        "refusals": [r.to_json() for r in refusals],
        "config_path": config_path,
        "config_source": None,
        "base_hash": source_hash(config_source),
        "helper_path": helper_path,
        "helper_source": None,
        "helper_base_hash": source_hash(helper_source),
        "load_cell": None,
        "cells": [],
        "kernel_code": None,
        "notes": [],
        "refused": None,
    }
    try:
        doc = _read_config(config_source, config_path)
        _check_existing(candidates, doc, config_path)
    except _PlanRefused as err:
        plan["candidates"] = [c.to_json() for c in candidates]
        plan["refused"] = str(err)
        return plan
    ids = {c.id: c for c in candidates}
    chosen = list(candidates)
    if select is not None:
        unknown = [s for s in select if s not in ids]
        if unknown:
            raise RequestError(f"no parameter {unknown[0]!r} in this notebook (candidates: {', '.join(ids) or 'none'})")
        chosen = [c for c in candidates if c.id in set(select)]
    unknown = [k for k in renames if k not in ids]
    if unknown:
        raise RequestError(f'"keys": no parameter {unknown[0]!r} in this notebook')
    chosen_ids = {id(c) for c in chosen}
    plan["candidates"] = [c.to_json(id(c) in chosen_ids) for c in candidates]
    try:
        _plan_moves(plan, notebook, chosen, renames, doc, config_source, helper_source)
    except _PlanRefused as err:
        plan.update(config_source=None, helper_source=None, load_cell=None, cells=[], kernel_code=None)
        plan["refused"] = str(err)
    return plan


def _plan_moves(
    plan: dict[str, Any],
    notebook: Mapping[str, Any],
    chosen: list[Candidate],
    renames: Mapping[str, str],
    doc: Any,  # ruamel's round-trip document of the existing file (a mapping), or None
    config_source: str | None,
    helper_source: str | None,
) -> None:
    from ruamel.yaml.comments import CommentedMap

    if not chosen:
        raise _PlanRefused("no parameter selected" if plan["candidates"] else "no hard-coded parameter found")
    cells = notebook["cells"]
    path = plan["config_path"]
    load_at = next((i for i, c in enumerate(cells) if c.get("cell_type") == "code"), len(cells))
    existing_load = next(
        (i for i, c in enumerate(cells) if c.get("cell_type") == "code" and _is_load_cell(as_text(c["source"]))),
        None,
    )
    for i, cell in enumerate(cells):
        if cell.get("cell_type") == "code" and i != existing_load:
            facts = cell_facts(as_text(cell.get("source", "")))
            if CONFIG_NAME in facts.defines:
                line = _first_line(facts.tree, CONFIG_NAME) if facts.tree is not None else 1
                raise _PlanRefused(
                    f"cell {i + 1} line {line}: the notebook already has a variable named {CONFIG_NAME}: rename it first"
                )
    if helper_source is not None:
        _helper_ok(helper_source, plan["helper_path"])
    else:
        plan["helper_source"] = HELPER_SOURCE

    # the keys, as chosen: renames applied, then checked among themselves and against the file
    keyed: list[tuple[tuple[str, ...], Candidate]] = []
    for c in chosen:
        key = parse_key(renames[c.id]) if c.id in renames else c.key
        keyed.append((key, c))
    seen: dict[tuple[str, ...], Candidate] = {}
    taken = _Keys()
    for key, c in keyed:
        other = seen.get(key)
        if other is not None and _same(other.value, c.value) and other.convert == c.convert:
            continue
        if other is not None or taken.blocked(key):
            other_key = key if other is not None else next(k for k in seen if _Keys([k]).blocked(key))
            other = seen[other_key]
            raise _PlanRefused(
                f"key {'.'.join(key)} (cell {c.places[0].pos + 1} line {c.places[0].line}) clashes with "
                f"{'.'.join(other_key)} (cell {other.places[0].pos + 1} line {other.places[0].line}): "
                "rename one of them"
            )
        seen[key] = c
        taken.add(key)
        if doc is not None:
            existing = _lookup(doc, key)
            if isinstance(existing, tuple):
                raise _PlanRefused(
                    f"key {'.'.join(key)}: {existing[1]} in {path} is a value, not a group: rename the key"
                )
            if existing is not _MISSING and not _same(_plain(existing), _yaml_form(c.value)[0]):
                raise _PlanRefused(
                    f"key {'.'.join(key)} is {_json_value(_plain(existing))!r} in {path}, the notebook has "
                    f"{c.places[0].text} (cell {c.places[0].pos + 1} line {c.places[0].line}): rename the key "
                    "(or leave this parameter out); the file is never overwritten"
                )

    # the new config text: merged into the existing document, its layout kept
    indent = None if doc is None or config_source is None else _guess_indent(config_source)
    if doc is None:
        doc = CommentedMap()
    for key, c in keyed:
        node = doc
        for part in key[:-1]:
            if part not in node:
                node[part] = CommentedMap()
            node = node[part]
        if key[-1] not in node:
            node[key[-1]] = _yaml_form(c.value)[0]
    text = _dump_text(doc, indent)
    back = _loader().load(text)
    for key, c in keyed:
        got = _lookup(back, key)
        if not _same(got, _yaml_form(c.value)[0]):
            raise _PlanRefused(f"{'.'.join(key)}: {c.places[0].text} would come back from {path} as {got!r}")
    plan["config_source"] = text

    # the cells: each literal replaced by its lookup, from the end of the cell backwards
    edits: dict[int, list[tuple[tuple[int, int, int, int], str]]] = {}
    for key, c in keyed:
        for p in c.places:
            edits.setdefault(p.pos, []).append((p.span, lookup_code(key, c.convert)))
    for pos in sorted(edits):
        source = as_text(cells[pos]["source"])
        lines = _NEWLINE.split(source)
        seps = _NEWLINE.findall(source)
        for (first, start, last, end), code in sorted(edits[pos], reverse=True):
            head = lines[first - 1][:start]
            tail = lines[last - 1][end:]
            lines[first - 1 : last] = [head + code + tail]
            del seps[first - 1 : last - 1]
        new = "".join(line + sep for line, sep in zip(lines, [*seps, ""]))
        cid = cells[pos].get("id")
        plan["cells"].append({"index": pos, "id": cid if isinstance(cid, str) else None, "source": new})
    for key, c in keyed:
        if c.convert == "tuple":
            plan["notes"].append(
                f"{'.'.join(key)} is a tuple: YAML keeps it as a list, the notebook reads it back with tuple(...)"
            )
        plan["notes"].extend(c.notes)
    load = load_cell_source(path, plan["helper_path"])
    if existing_load is None:
        plan["load_cell"] = {"index": load_at, "source": load}
    elif existing_load > min(edits):
        raise _PlanRefused(
            f"cell {existing_load + 1} loads the config below cell {min(edits) + 1}, which would read it: "
            "move the loading cell to the top first"
        )
    from .apply import kernel_code

    plan["kernel_code"] = kernel_code(plan["helper_path"]) + load + "\n"


# ----- applying a plan ------------------------------------------------------------------


def apply_config(notebook: Mapping[str, Any], plan: Mapping[str, Any]) -> nbformat.NotebookNode:
    """A copy of ``notebook`` with the plan's cells changed and its loading cell added."""
    if plan.get("refused"):
        raise RequestError(f"the plan was refused: {plan['refused']}")
    new: nbformat.NotebookNode = nbformat.from_dict(notebook)
    for change in plan["cells"]:
        new.cells[change["index"]]["source"] = change["source"]
    load = plan.get("load_cell")
    if load:
        cell: nbformat.NotebookNode = nbformat.v4.new_code_cell(load["source"])
        cell.metadata["nbrefactor"] = {"config": plan["config_path"]}
        if (notebook.get("nbformat"), notebook.get("nbformat_minor", 0)) < (4, 5):
            cell.pop("id", None)  # cell ids exist from nbformat 4.5 on
        new.cells.insert(load["index"], cell)
    return new


def write_config_files(folder: str | Path, plan: Mapping[str, Any]) -> list[Path]:
    """Write a plan's config file and, when new, the helper module (and its package's
    ``__init__.py``) under the notebook's ``folder``, atomically; returns the paths written.

    A config file that changed since the plan (``base_hash``) is a ``RequestError`` (409)
    and nothing is written; an existing helper is never touched."""
    from .apply import write_module, write_text_atomic

    folder = Path(folder)
    target = folder / plan["config_path"]
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    if source_hash(current) != plan["base_hash"]:
        raise RequestError(f"{plan['config_path']} changed since the parameters were planned: plan again", 409)
    written: list[Path] = []
    if plan["helper_source"] is not None:
        written += write_module(
            folder,
            {
                "module_path": plan["helper_path"],
                "module_source": plan["helper_source"],
                "base_hash": plan["helper_base_hash"],
            },
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(target, plan["config_source"])
    return [*written, target]


# ----- through a jupyter_server ContentsManager (the REST routes) ----------------------


async def config_targets(contents_manager: Contents, folder: str, config_path: str) -> tuple[str, str]:
    """The server paths of the config file and of the helper module under the notebook's
    ``folder``, checked like an extraction's module (``apply.module_target``)."""
    from .apply import local_real_path, module_target

    helper = await module_target(contents_manager, folder, HELPER_PATH)
    target = f"{folder}/{config_path}" if folder else config_path
    real = local_real_path(contents_manager, target)
    root = local_real_path(contents_manager, "")
    if real is not None and root is not None and os.path.commonpath([root, real]) != root:
        raise RequestError(f"{target} leads outside the server root (through a symbolic link)")
    return target, helper


async def read_config_sources(contents_manager: Contents, target: str, helper: str) -> dict[str, str | None]:
    """The request fields ``config_source`` and ``helper_source`` read from the server."""
    from .apply import read_contents_text

    return {
        "config_source": await read_contents_text(contents_manager, target),
        "helper_source": await read_contents_text(contents_manager, helper),
    }


async def save_config_contents(
    contents_manager: Contents, folder: str, target: str, plan: Mapping[str, Any]
) -> list[str]:
    """Write a plan's helper module (when new) and config file through the ContentsManager;
    returns the server paths written."""
    from jupyter_core.utils import ensure_async

    from .apply import save_module_contents

    written = []
    if plan["helper_source"] is not None:
        module = {"module_path": plan["helper_path"], "module_source": plan["helper_source"]}
        written.append(await save_module_contents(contents_manager, folder, module))
    content = {"type": "file", "format": "text", "content": plan["config_source"]}
    await ensure_async(contents_manager.save(content, target))
    return [*written, target]
