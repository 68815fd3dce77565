"""Local modules under a running kernel: which ones a session's runs used, and whether the
kernel still holds their old code.

Two halves, one idea ("a value made by a function remembers the function's code"):

- On the server (I/O, named so): ``snapshot`` resolves the local imports of a notebook's
  cells and runs to ``.py`` files under the notebook's folder (else the server root),
  follows the imports of those files in turn, and hashes each top-level definition by its
  ``ast`` (comments and formatting do not count). A definition's hash includes the hashes
  of the module's names it uses and of the local definitions it imports, so a change to a
  helper, a constant or a module it imports changes the functions that use them.
- In the engine (pure): ``ModuleLog`` replays a run log with, for each run, the snapshot
  that was on disk when it ran (the front end stamps it) and the Reload Module actions
  taken, as the kernel sees modules: a module is loaded once, at its first import (a
  re-import finds ``sys.modules``), ``%autoreload`` reloads loaded modules before a run,
  Reload Module reloads and rebinds the names bound from it. It answers which runs used
  code that is no longer on disk, and whether the kernel still has that old code.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Protocol, TypedDict, TypeVar

from .cells import CellFacts, cell_facts
from .dataflow import reads_through_calls
from .errors import RequestError
from .request import INTEGER, JSON_OBJECT, LIST, OBJECT, STRINGS, check, get_field

MAX_MODULE_BYTES = 1_000_000  # a hand-written module is far smaller; larger files are skipped
MAX_MODULES = 200  # the closure followed from one notebook

# ----- the snapshot's shape (JSON: the front end stamps runs with it and sends it back) -----


class ModuleEntry(TypedDict):
    """One module file of a snapshot, as the engine reads it back (a request's ``modules``)."""

    module: str  # its dotted name
    defs: dict[str, str]  # top-level name -> hash (``_DeepHashes``)
    imports: list[str]  # the local module files it imports (snapshot paths)


class SnapshotEntry(ModuleEntry):
    """One module file as ``snapshot`` found it on disk."""

    error: str | None  # why it has no ``defs`` (unreadable, does not parse)


# path (relative to the notebook's folder) -> its entry, None for a file that is gone
Snapshot = Mapping[str, ModuleEntry | None]


class ModuleFields(NamedTuple):
    """An analyze request's module fields (``parse``)."""

    current: dict[str, ModuleEntry | None]  # the modules on disk now
    stamps: list[dict[str, ModuleEntry | None] | None]  # per run: the modules when it ran
    reloads: list[tuple[int, tuple[str, ...], dict[str, ModuleEntry | None]]]  # (after run, paths, modules)


# ----- per-definition hashes (pure) --------------------------------------------------------


@dataclass(frozen=True)
class ModuleText:
    """What one module file defines: each top-level name's own hash, the module-level
    names it uses, and the local names it imports (name -> (module, attribute or None))."""

    own: dict[str, str]
    uses: dict[str, frozenset[str]]
    imports: dict[str, tuple[str, str | None]]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _absolute(module: str | None, level: int, this: str, is_package: bool) -> str:
    """``from .x import y`` inside module ``this`` -> the absolute module name."""
    if not level:
        return module or ""
    parts = this.split(".")
    base = parts if is_package else parts[:-1]
    base = base[: len(base) - (level - 1)] if level > 1 else base
    return ".".join([*base, module] if module else base)


def module_text(source: str, name: str = "", is_package: bool = False) -> ModuleText:
    """Per-definition facts of one module's text (``SyntaxError`` when it does not parse)."""
    tree = ast.parse(source)
    own: dict[str, str] = {}
    uses: dict[str, frozenset[str]] = {}
    imports: dict[str, tuple[str, str | None]] = {}

    def bind(target: str, node: ast.AST, used: frozenset[str]) -> None:
        text = ast.dump(node, include_attributes=False)
        own[target] = _digest(own[target] + text) if target in own else _digest(text)
        uses[target] = uses.get(target, frozenset()) | used

    def names_in(node: ast.AST) -> frozenset[str]:
        return frozenset(n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load))

    def statements(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bind(node.name, node, names_in(node))
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    if alias.name == "*":
                        continue
                    if isinstance(node, ast.Import):
                        bound = alias.asname or alias.name.partition(".")[0]
                        imports[bound] = (alias.name if alias.asname else bound, None)
                    else:
                        bound = alias.asname or alias.name
                        module = _absolute(node.module, node.level, name, is_package)
                        imports[bound] = (module, alias.name)
                    bind(bound, ast.Module(body=[node], type_ignores=[]), frozenset())
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                used = names_in(node.value) if node.value is not None else frozenset()
                for t in targets:
                    for n in ast.walk(t):
                        if isinstance(n, ast.Name):
                            bind(n.id, node, used)
            elif isinstance(node, (ast.If, ast.Try)):
                # conditional definitions (``try: import x except ImportError: …``)
                statements(node.body)
                statements(getattr(node, "orelse", []))
                for h in getattr(node, "handlers", []):
                    statements(h.body)
                statements(getattr(node, "finalbody", []))

    statements(tree.body)
    return ModuleText(own, uses, imports)


# ----- the snapshot of a notebook's local modules (reads files) ----------------------------

_IMPORT_LINE = re.compile(r"^\s*(from\s+\S+\s+)?import\s", re.M)
_CACHE: dict[tuple[str, str], tuple[tuple[int, int], ModuleText | None]] = {}


def _read(path: Path, dotted: str) -> ModuleText | None:
    """A module file's facts (its dotted name resolves its relative imports), memoised by
    modification time and size; None when unreadable, too big or not parsing."""
    try:
        st = path.stat()
    except OSError:
        return None
    stamp = (st.st_mtime_ns, st.st_size)
    got = _CACHE.get((str(path), dotted))
    if got is not None and got[0] == stamp:
        return got[1]
    facts = None
    if st.st_size <= MAX_MODULE_BYTES:
        try:
            facts = module_text(path.read_text(encoding="utf-8"), dotted, path.name == "__init__.py")
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError, RecursionError):
            facts = None
    _CACHE[(str(path), dotted)] = (stamp, facts)
    return facts


def imported_modules(source: str) -> list[str]:
    """The dotted module names a cell's source imports at its top level (``from a import
    b`` gives ``a.b`` and ``a``: b may be a module)."""
    facts = cell_facts(source)
    out: list[str] = []
    for text in dict.fromkeys(facts.imports.values()):
        try:
            node = ast.parse(text).body[0]
        except (SyntaxError, IndexError):
            continue
        if isinstance(node, ast.Import):
            out.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.extend(f"{node.module}.{a.name}" for a in node.names)
            out.append(node.module)
    return out


class _Resolver:
    """Dotted names -> module files under the notebook's folder, else the server root."""

    def __init__(self, folder: Path, root: Path):
        self.folder = folder.resolve()
        self.root = root.resolve()
        self.bases = [self.folder] if self.folder == self.root else [self.folder, self.root]

    def file(self, dotted: str) -> Path | None:
        parts = dotted.split(".")
        if not all(p.isidentifier() for p in parts):
            return None
        for base in self.bases:
            for candidate in (base.joinpath(*parts).with_suffix(".py"), base.joinpath(*parts, "__init__.py")):
                if candidate.is_file():
                    real = candidate.resolve()
                    if real.is_relative_to(self.root):  # a symbolic link out of the root is not local
                        return candidate
        return None

    def key(self, path: Path) -> str:
        """The file's path relative to the notebook's folder, with ``/``."""
        return Path(os.path.relpath(path, self.folder)).as_posix()


def snapshot(
    sources: list[str], folder: str | Path, root: str | Path, known: list[str] | None = None
) -> dict[str, SnapshotEntry | None]:
    """The local modules the sources import, transitively: ``{path: {"module": dotted name,
    "defs": {name: hash}, "imports": [paths]}}`` with paths relative to ``folder``; a path
    of ``known`` (paths runs were stamped with) that is gone maps to None."""
    resolver = _Resolver(Path(folder), Path(root))
    files: dict[str, tuple[str, Path]] = {}  # dotted -> (key, path)
    todo = [m for s in sources if _IMPORT_LINE.search(s) for m in imported_modules(s)]
    texts: dict[str, ModuleText | None] = {}
    seen: set[str] = set()
    while todo and len(files) < MAX_MODULES:
        dotted = todo.pop()
        if dotted in seen:
            continue
        seen.add(dotted)
        path = resolver.file(dotted)
        if path is None:
            continue
        key = resolver.key(path)
        files[dotted] = (key, path)
        facts = _read(path, dotted)
        texts[dotted] = facts
        if facts is not None:
            for module, attr in facts.imports.values():
                todo.append(module)
                if attr is not None:
                    todo.append(f"{module}.{attr}")
    out: dict[str, SnapshotEntry | None] = {}
    deep = _DeepHashes(texts)
    for dotted, (key, _) in files.items():
        facts = texts[dotted]
        local = [files[m][0] for m, _a in (facts.imports.values() if facts else ()) if m in files]
        local += [files[f"{m}.{a}"][0] for m, a in (facts.imports.values() if facts else ()) if f"{m}.{a}" in files]
        out[key] = {
            "module": dotted,
            "defs": {} if facts is None else {n: deep.of(dotted, n) for n in facts.own},
            "imports": sorted(set(local) - {key}),
            "error": None if facts is not None else "unreadable or does not parse",
        }
    for key in known or ():
        if key not in out and not (resolver.folder / key).is_file():
            out[key] = None
    return out


class _DeepHashes:
    """A definition's hash with those of the module names and local imports it uses."""

    def __init__(self, texts: dict[str, ModuleText | None]):
        self.texts = texts
        self.memo: dict[tuple[str, str], str] = {}

    def of(self, module: str, name: str, busy: frozenset[tuple[str, str]] = frozenset()) -> str:
        key = (module, name)
        got = self.memo.get(key)
        if got is not None:
            return got
        facts = self.texts.get(module)
        if facts is None or name not in facts.own:
            return "-"
        if key in busy:  # mutual recursion: the cycle is hashed once, by its own texts
            return facts.own[name]
        busy = busy | {key}
        parts = [facts.own[name]]
        for used in sorted(facts.uses.get(name, ())):
            if used == name:
                continue
            if used in facts.imports:
                m, attr = facts.imports[used]
                if attr is not None and m in self.texts:
                    parts.append(f"{used}={self.of(m, attr, busy)}")
                elif attr is not None and f"{m}.{attr}" in self.texts:
                    parts.append(f"{used}={self._module(f'{m}.{attr}', busy)}")
                elif attr is None and m in self.texts:
                    parts.append(f"{used}={self._module(m, busy)}")
            elif used in facts.own:
                parts.append(f"{used}={self.of(module, used, busy)}")
        got = _digest(" ".join(parts))
        if not busy - {key}:
            self.memo[key] = got
        return got

    def _module(self, module: str, busy: frozenset[tuple[str, str]]) -> str:
        facts = self.texts.get(module)
        if facts is None:
            return "-"
        return _digest(" ".join(f"{n}={self.of(module, n, busy)}" for n in sorted(facts.own)))


def modules_for_request(
    request: Mapping[str, Any], folder: str | Path, root: str | Path
) -> dict[str, SnapshotEntry | None]:
    """``snapshot`` for an analyze request: the cells' and runs' sources, and the paths
    its runs were stamped with (so a deleted module reads as gone)."""
    sources: list[str] = []
    known: list[str] = []
    for c in request.get("cells") or []:
        if isinstance(c, dict) and isinstance(c.get("source"), str):
            sources.append(c["source"])
    for r in request.get("runs") or []:
        if isinstance(r, dict):
            if isinstance(r.get("source"), str):
                sources.append(r["source"])
            stamp = r.get("modules")
            if isinstance(stamp, dict):
                known.extend(k for k in stamp if isinstance(k, str))
    return snapshot(sources, folder, root, list(dict.fromkeys(known)))


def analyze_in_folder(request: dict[str, Any], root: str | Path | None) -> dict[str, Any]:
    """``analyze`` for a notebook saved at ``request["path"]`` (relative to the server root
    ``root``): the request gets the snapshot of its local modules as they are on disk now,
    and the answer carries it as ``modules`` (the front end stamps its next runs with it).
    Without ``path`` (or a root on disk) it is plain ``analyze``."""
    from .session import analyze

    path = request.get("path") if isinstance(request, dict) else None
    if path is None or root is None:
        return analyze(request)
    if not isinstance(path, str):
        raise RequestError("path must be a string")
    base = Path(root).resolve()
    notebook = base.joinpath(path.strip("/")).resolve()
    if not notebook.is_relative_to(base):
        raise RequestError(f"path {path!r} is outside the server root")
    current = modules_for_request(request, notebook.parent, base)
    answer = analyze({**request, "modules": current})
    answer["modules"] = current
    return answer


def reload_code(order: list[str], snapshot_now: Snapshot) -> str:
    """Python a running kernel executes (silently) to reload the modules of ``order``
    (``reload_order``: dependencies first) and to rebind each name of
    the user's namespace that was bound to an object of an old module (``from m import f``)
    to the new one. It binds nothing else in the user's namespace."""
    names = [entry["module"] for entry in map(snapshot_now.get, order) if entry]
    return (
        "__import__('builtins').exec(" + repr(_RELOAD) + ", {'__names': " + repr(names) + ", "
        "'__ns': get_ipython().user_ns})\n"
    )


_RELOAD = """\
import importlib, sys
importlib.invalidate_caches()
for name in __names:
    old = sys.modules.get(name)
    if old is None:
        continue
    before = {id(v): k for k, v in list(vars(old).items()) if callable(v) and not k.startswith('__')}
    kept = dict(vars(old))
    new = importlib.reload(old)
    for var, value in list(__ns.items()):
        attr = before.get(id(value))
        if attr is not None and kept.get(attr) is value and not var.startswith('_'):
            __ns[var] = getattr(new, attr, value)
"""


def reload_order(paths: list[str], snapshot_now: Snapshot) -> list[str]:
    """``paths`` and the modules that import them, transitively, dependencies first."""
    importers: dict[str, set[str]] = {}
    for p, entry in snapshot_now.items():
        for dep in entry["imports"] if entry else ():
            importers.setdefault(dep, set()).add(p)
    wanted: set[str] = set()
    todo = list(paths)
    while todo:
        p = todo.pop()
        if p in wanted or p not in snapshot_now:
            continue
        wanted.add(p)
        todo.extend(importers.get(p, ()))
    order: list[str] = []

    def visit(p: str, busy: set[str]) -> None:
        if p in order or p in busy or p not in wanted:
            return
        busy.add(p)
        entry = snapshot_now.get(p)
        for dep in sorted(entry["imports"] if entry else ()):
            visit(dep, busy)
        order.append(p)

    for p in sorted(wanted):
        visit(p, set())
    return order


# ----- the engine's pass over a run log (pure) ---------------------------------------------

_ENTRY = OBJECT.or_null()


def parse(request: Mapping[str, Any]) -> ModuleFields | None:
    """The request's module fields (all optional): the current snapshot, each run's stamp,
    and the reloads; None when the request has no ``modules``."""
    current = get_field(request, "modules", _ENTRY, default=None, null_is_absent=True)
    if current is None:
        return None
    runs_in = request.get("runs") or []
    stamps: list[dict[str, ModuleEntry | None] | None] = []
    for i, r in enumerate(runs_in):
        stamp = get_field(r, "modules", _ENTRY, f"runs[{i}].modules", default=None, null_is_absent=True)
        stamps.append(_entries(stamp, f"runs[{i}].modules") if stamp is not None else None)
    reloads: list[tuple[int, tuple[str, ...], dict[str, ModuleEntry | None]]] = []
    for i, rl in enumerate(get_field(request, "reloads", LIST, default=[], null_is_absent=True)):
        at = f"reloads[{i}]"
        check(rl, JSON_OBJECT, at)
        after = get_field(rl, "after", INTEGER, f"{at}.after")
        paths = get_field(rl, "paths", STRINGS, f"{at}.paths")
        snap = _entries(get_field(rl, "modules", OBJECT, f"{at}.modules", default={}), f"{at}.modules")
        reloads.append((after, tuple(paths), snap))
    return ModuleFields(_entries(current, "modules"), stamps, reloads)


def _entries(obj: Mapping[str, Any], at: str) -> dict[str, ModuleEntry | None]:
    out: dict[str, ModuleEntry | None] = {}
    for path, entry in obj.items():
        if entry is None:
            out[path] = None
            continue
        check(entry, OBJECT, f"{at}[{path!r}]")
        defs = entry.get("defs") or {}
        if not isinstance(defs, dict) or not all(isinstance(v, str) for v in defs.values()):
            raise RequestError(f"{at}[{path!r}].defs must be an object of strings")
        module = entry.get("module")
        if not isinstance(module, str):
            raise RequestError(f"{at}[{path!r}].module must be a string")
        imports = entry.get("imports") or []
        out[path] = {"module": module, "defs": defs, "imports": [i for i in imports if isinstance(i, str)]}
    return out


@dataclass
class _Binding:
    """A notebook name bound to local code: ``from m import f`` (attr f) or ``import m``
    (attr None). ``hash`` is the code the kernel holds under that name now."""

    path: str
    attr: str | None
    hash: str
    run: int  # the run that bound it
    used: set[str] = field(default_factory=set)  # ``import m``: the attributes runs used


@dataclass(frozen=True)
class Used:
    """Local code a run used: the notebook name, the module file, the definition, the hash
    of the code it ran, and whether it came through a ``from … import`` binding."""

    name: str
    path: str
    attr: str
    hash: str
    from_import: bool
    held: bool = False  # the module object an ``import m`` run bound (its value is no result)


class ReplayedRun(Protocol):
    """What ``module_findings`` reads of a run of the session's replay."""

    @property
    def index(self) -> int: ...

    @property
    def facts(self) -> CellFacts: ...

    @property
    def error(self) -> str | None: ...


R = TypeVar("R", bound=ReplayedRun)


@dataclass(frozen=True)
class Finding:
    """A run that used local code no longer on disk."""

    path: str
    names: tuple[str, ...]  # notebook names
    attrs: tuple[str, ...]  # the module's definitions
    message: str
    tag: str  # for the walk of Restart & Run All: the code it would run now
    reload_paths: tuple[str, ...]  # what Reload Module reloads, dependencies first
    reload_code: str  # the kernel code that does it


def _autoreload(facts: CellFacts) -> bool | None:
    """True when a run switches ``%autoreload`` on, False when off, None when untouched."""
    state = None
    for m in facts.magics:
        if m.kind == "line" and m.name == "autoreload":
            arg = m.text.split(None, 1)[1].strip() if len(m.text.split(None, 1)) > 1 else ""
            state = arg not in ("0", "off")
    return state


class ModuleLog:
    """The run log as the kernel's module cache saw it (see the module docstring)."""

    def __init__(self, current: Snapshot):
        self.current = current
        self.by_module: dict[str, str] = {}
        self.loaded: dict[str, ModuleEntry] = {}  # path -> the entry the kernel loaded
        self.bindings: dict[str, _Binding] = {}
        self.functions: dict[str, tuple[str, ...]] = {}
        self.used: dict[int, list[Used]] = {}
        self.autoreload = False  # %autoreload switched on by a run
        self.made: dict[int, list[_Binding]] = {}  # run -> bindings it made

    def _path(self, dotted: str, stamp: Snapshot) -> str | None:
        for table in (stamp, self.current):
            for path, entry in table.items():
                if entry is not None and entry["module"] == dotted:
                    return path
        return None

    def _load(self, path: str, stamp: Snapshot) -> None:
        if path in self.loaded:
            return
        entry = stamp.get(path) or self.current.get(path)
        if entry is None:
            return
        self.loaded[path] = entry
        for dep in entry["imports"]:
            self._load(dep, stamp)

    def _hash(self, path: str, attr: str) -> str:
        entry = self.loaded.get(path)
        return "-" if entry is None else entry["defs"].get(attr, "-")

    def run(self, index: int, facts: CellFacts, stamp: Snapshot | None, failed: bool) -> None:
        if facts.error is not None:
            return
        stamp = stamp if stamp is not None else {p: e for p, e in self.current.items() if e is not None}
        switched = _autoreload(facts)
        if self.autoreload:  # %autoreload reloads changed modules before the run
            for path in list(self.loaded):
                entry = stamp.get(path)
                if entry is not None:
                    self.loaded[path] = entry
        used: list[Used] = []
        # what it reads, directly or through the notebook's functions
        reads = dict.fromkeys((*facts.reads, *facts.calls))
        reads.update(reads_through_calls(facts, self.functions.get, self.functions))
        for name in reads:
            b = self.bindings.get(name)
            if b is not None:
                used.extend(self._uses(name, b, facts.keyed_reads.get(name)))
        # what it imports: from the cache when loaded, else the file as it is now
        made = []
        for name, text in facts.imports.items():
            b = self._bind(text, stamp, index)
            if b is None:
                if not failed:
                    self.bindings.pop(name, None)
                continue
            if not failed or name not in self.bindings:
                self.bindings[name] = b
                made.append(b)
        for b in made:  # used in the same cell after the import: the code of now
            name = next(n for n, x in self.bindings.items() if x is b)
            keys = _attributes(facts, name)
            if b.attr is None:
                used.extend(self._uses(name, b, keys))
            elif keys is None or keys:
                used.append(Used(name, b.path, b.attr, b.hash, True))
        if not failed:
            for name in (*facts.defines, *facts.deletes):
                if name not in facts.imports:
                    self.bindings.pop(name, None)
        self.functions.update(facts.functions)
        self.made[index] = made
        self.used[index] = used
        if switched is not None:
            self.autoreload = switched

    def _bind(self, text: str, stamp: Snapshot, index: int) -> _Binding | None:
        try:
            node = ast.parse(text).body[0]
        except (SyntaxError, IndexError):
            return None
        if isinstance(node, ast.Import):
            path = self._path(node.names[0].name, stamp)
            if path is None:
                return None
            self._load(path, stamp)
            return _Binding(path, None, "", index)
        if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
            return None
        alias = node.names[0]
        as_module = self._path(f"{node.module}.{alias.name}", stamp)
        if as_module is not None:
            self._load(as_module, stamp)
            return _Binding(as_module, None, "", index)
        path = self._path(node.module, stamp)
        if path is None:
            return None
        self._load(path, stamp)
        return _Binding(path, alias.name, self._hash(path, alias.name), index)

    def _uses(self, name: str, b: _Binding, keys: frozenset[str] | None) -> list[Used]:
        if b.attr is not None:
            return [Used(name, b.path, b.attr, b.hash, True)]
        entry = self.loaded.get(b.path)
        if entry is None:
            return []
        attrs: Collection[str] = (
            entry["defs"].keys() if keys is None else [k.strip(".()") for k in keys if k.startswith(".")]
        )
        b.used.update(attrs)
        return [Used(name, b.path, a, self._hash(b.path, a), False) for a in attrs]

    def reload(self, paths: Collection[str], snap: Snapshot) -> None:
        """Reload Module: the kernel loads the files again and the names bound from them
        are rebound to the new code."""
        for p in paths:
            entry = snap.get(p) or self.current.get(p)
            if entry is not None:
                self.loaded[p] = entry
        for b in self.bindings.values():
            if b.path in paths and b.attr is not None:
                b.hash = self._hash(b.path, b.attr)

    def findings(self, index: int) -> list[Finding]:
        """What run ``index`` used that is no longer on disk, by module file."""
        used = list(self.used.get(index, ()))
        for b in self.made.get(index, ()):  # an import's result is what the kernel holds now
            name = next((n for n, x in self.bindings.items() if x is b), None)
            if name is None:
                continue
            if b.attr is not None:
                used.append(Used(name, b.path, b.attr, b.hash, True))
            else:  # the module object: the attributes any run used through it
                used.extend(Used(name, b.path, a, self._hash(b.path, a), False, True) for a in sorted(b.used))
        by_path: dict[str, list[Used]] = {}
        for u in used:
            entry = self.current.get(u.path)
            now = "-" if entry is None else entry["defs"].get(u.attr, "-")
            if entry is not None and not entry["defs"] and u.path in self.current:
                continue  # a file that does not parse now: nothing to compare
            if now != u.hash:
                by_path.setdefault(u.path, []).append(u)
        return [self._finding(path, us) for path, us in sorted(by_path.items())]

    def _finding(self, path: str, used: list[Used]) -> Finding:
        names = tuple(dict.fromkeys(u.name for u in used))
        attrs = tuple(dict.fromkeys(u.attr for u in used))
        entry = self.current.get(path)
        quoted = ", ".join(f"`{a}`" for a in attrs)
        held = []
        for u in used:
            b = self.bindings.get(u.name)
            if u.from_import:
                held.append(b.hash if b is not None and b.path == path and b.attr == u.attr else u.hash)
            else:
                held.append(self._hash(path, u.attr))
        kernel_old = any(
            h != (entry["defs"].get(u.attr, "-") if entry else "-") for h, u in zip(held, used, strict=True)
        )
        if entry is None:
            message = f"{path} was deleted after this cell ran: the kernel still has the old {quoted}"
        elif kernel_old and self.autoreload:
            from_bound = [f"`{u.name}`" for u in used if u.from_import]
            message = f"{path} changed after this cell ran: %autoreload reloads it on the next run"
            if from_bound:
                message += (
                    f", but {', '.join(dict.fromkeys(from_bound))}, bound by `from … import`, "
                    "may keep the old code until its import runs again"
                )
            else:
                message += f"; re-run this cell to use the new {quoted}"
        elif kernel_old:
            gone = [f"`{a}`" for a in attrs if entry["defs"].get(a) is None]
            if gone:
                message = (
                    f"{path} changed after this cell ran: it no longer defines {', '.join(gone)}, "
                    "which the kernel still has"
                )
            else:
                message = f"{path} changed after this cell ran: the kernel still has the old {quoted}"
        else:
            message = (
                f"{path} changed after this cell ran: its result came from the old {quoted}; re-run to use the new code"
            )
        now = entry["defs"] if entry else {}
        # Restart & Run All would make new values with the new code; a module object bound
        # by ``import m`` stays one value (its callers are stale themselves)
        tag = "" if all(u.held for u in used) else _digest(" ".join(f"{path}:{a}={now.get(a, '-')}" for a in attrs))
        # Reload Module is offered while the kernel holds the old code and the file exists
        order = tuple(reload_order([path], self.current)) if entry is not None and kernel_old else ()
        code = reload_code(list(order), self.current) if order else ""
        return Finding(path, names, attrs, message, tag, order, code)


def _attributes(facts: CellFacts, name: str) -> frozenset[str] | None:
    """The attributes a cell reads on ``name`` in its own code (after importing it)."""
    tree = facts.tree
    if tree is None:
        return None
    found = set()
    whole = False
    parents = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
            up = parents.get(node)
            if isinstance(up, ast.Attribute):
                found.add("." + up.attr)
            else:
                whole = True
    return None if whole else frozenset(found)


def module_findings(
    parsed: ModuleFields | None, runs: Sequence[R], cells_by_run: Callable[[R], bool]
) -> dict[int, list[Finding]] | None:
    """For an analyze request's module fields (``parse``): run index -> what it used that
    changed. ``runs`` are the replay's runs (``facts``, ``error``); ``cells_by_run`` (run ->
    bool) says which runs are the last of a cell now in the notebook."""
    if parsed is None:
        return None
    current, stamps, reloads = parsed
    # A run without a stamp (rebuilt from history, or given to an extraction's new cell)
    # saw the disk as the next stamped run did: the nearest later stamp, else now.
    later = None
    for i in range(len(stamps) - 1, -1, -1):
        if stamps[i] is None:
            stamps[i] = later
        else:
            later = stamps[i]
    log = ModuleLog(current)
    pending = sorted(reloads, key=lambda r: r[0])
    for i, run in enumerate(runs):
        while pending and pending[0][0] <= i:
            _, paths, snap = pending.pop(0)
            log.reload(paths, snap)
        log.run(i, run.facts, stamps[i] if i < len(stamps) else None, run.error is not None)
    for _, paths, snap in pending:
        log.reload(paths, snap)
    out = {}
    for run in runs:
        if cells_by_run(run):
            found = log.findings(run.index)
            if found:
                out[run.index] = found
    return out
