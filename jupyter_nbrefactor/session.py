"""Execution log replay -> live warnings (the ``analyze`` contract of DESIGN.md).

The warnings answer one question: does what this session shows match what Restart & Run
All would show? Notebook order is the reference.

- run-based: the runs are replayed in order over a versioned namespace (namespace.py),
  recording what each run read; then the cells are walked in notebook order, each as it
  last ran (a cell that never ran as it is now), over a fresh namespace: Restart & Run
  All. A cell whose last run read another version than that walk gives it is out of
  date, and the writers of the differing versions say why: a deleted cell or one whose
  code no longer makes the name (``hidden-state``), a cell below or the cell's own
  previous run (``out-of-order``), a cell that is itself out of date
  (``depends-on-stale``), else a cell above that changed it after this cell ran
  (``stale``). Changes made afterwards by cells below are forward flow: a quiet note.
  The replay of a run log is memoised and extended when runs are appended.
- position-based (``dataflow.Definers``): what Restart & Run All would do with the
  cells as they are now: ``use-before-define``, ``undefined``, ``hidden-state``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Any, Literal, TypeAlias, TypedDict, get_args

from .cells import CellFacts, cell_facts
from .dataflow import Definers, is_predefined, unmet_reads
from .errors import RequestError
from .language import PYTHON, language_name
from .modules import ModuleFields, module_findings
from .modules import parse as parse_modules
from .namespace import UNBOUND, Differ, Inputs, Namespace, Op, Version, Versions, Write, components
from .request import INTEGER, JSON_OBJECT, LIST, OBJECT, STRING, STRINGS, Kind, as_text, check, get_field, is_text

WarningKind: TypeAlias = Literal[
    "stale", "depends-on-stale", "out-of-order", "edited", "hidden-state", "use-before-define", "undefined"
]
KINDS: tuple[WarningKind, ...] = get_args(WarningKind)
_KIND_ORDER = {k: i for i, k in enumerate(KINDS)}
# The kinds that mean "Restart & Run All would show something else": the verdict.
VERDICT_KINDS: frozenset[WarningKind] = frozenset({"stale", "depends-on-stale", "out-of-order", "hidden-state"})


# ----- the answer's shape (JSON: src/tokens.ts's IAnalyzeResponse) ------------------------
class _Warning(TypedDict):
    kind: WarningKind
    cell_id: str
    names: list[str]
    source_cell_id: str | None
    certain: bool
    message: str


class SessionWarning(_Warning, total=False):
    """One warning of the answer; ``message`` has ``{names}`` placeholders until ``_final``."""

    fix_cell_id: str | None  # out-of-order: the cell to re-run from, if any
    module: str  # stale because of a local module: its path relative to the notebook
    reload_paths: list[str]  # what Reload Module reloads, dependencies first
    reload_code: str  # the kernel code that does it


class _ShownFacts(TypedDict):
    defines: list[str]
    reads: list[str]
    mutates: list[str]
    imports: list[str]
    error: str | None


class ShownFacts(_ShownFacts, total=False):
    """A cell's facts as the answer shows them (``_cell_json``: without ``notes``)."""

    notes: list[str]  # quiet forward-flow notes


class CellEntry(ShownFacts):
    """One cell of the answer."""

    execution_count: int | None  # of its last run


# ----- the request, as read (``_parse``) --------------------------------------------------
CellIn: TypeAlias = "tuple[str, str, int]"  # a code cell: (id, source, 1-based number among all cells)
# a run: (cell id, source, execution count, error, fingerprints as sorted (name, fingerprint))
RunIn: TypeAlias = "tuple[str, str, int | None, str | None, tuple[tuple[str, str], ...]]"


@dataclass(slots=True)
class _Cell:
    id: str
    source: str
    pos: int  # among the code cells
    facts: CellFacts
    number: int  # 1-based position among all cells, as JupyterLab shows it


@dataclass(slots=True)
class _Run:
    index: int
    cell_id: str
    source: str
    count: int | None
    error: str | None
    facts: CellFacts
    fingerprints: dict[str, str]
    inputs: Inputs = ()  # ((name, keys, version), ...) as the replay saw them
    nonce: int = 0  # a re-run of code that reads the clock makes new values
    ops: tuple[Op, ...] = ()  # what it did to the namespace (Namespace.apply)


# (kind, cell id, source cell id, certain, message, what else tells warnings apart)
_WarningKey: TypeAlias = "tuple[WarningKind, str, str | None, bool, str, *tuple[str | None, ...]]"
_Flag: TypeAlias = "tuple[WarningKind, bool]"  # a cell's worst kind, and whether it is certain
# What the walk of Restart & Run All depends on: each cell (id, number, its last run's index
# or, never run, its source), and the local module code each cell would run now.
_WalkKey: TypeAlias = "tuple[tuple[tuple[str, int, str | int], ...], tuple[tuple[int, str], ...]]"
# The run-based warnings of an analysis (``_Session._run_warnings``), memoised on the replay:
# (what they were computed from, the warnings the walk added, the cells it flagged, the notes).
_Memo: TypeAlias = "tuple[_WalkKey, list[tuple[_WarningKey, SessionWarning]], dict[str, _Flag], dict[str, list[str]]]"


# ----- request ---------------------------------------------------------------------------
_SOURCE = Kind("a string", is_text)  # nbformat's multi-line form too
_COUNT = INTEGER.or_null()
_ERROR = STRING.or_null()
_FINGERPRINTS = Kind(
    "an object of strings", lambda v: isinstance(v, dict) and all(isinstance(x, str) for x in v.values())
)


def _parse(request: Mapping[str, Any]) -> tuple[list[CellIn], list[RunIn], frozenset[str] | None, str]:
    check(request, JSON_OBJECT, "request")
    if "cells" not in request:
        raise RequestError("cells is required")
    cells_in = get_field(request, "cells", LIST)
    runs_in = get_field(request, "runs", LIST, default=[], null_is_absent=True)
    names = get_field(request, "kernel_names", STRINGS.or_null(), default=None)
    language = get_field(request, "language", STRING, default="python", null_is_absent=True)
    cells: list[CellIn] = []
    for i, c in enumerate(cells_in):
        # The usual entry (string fields, no fingerprints) is read directly; any other goes
        # through the checks, which word the error. Same result either way.
        if type(c) is dict:
            cid, cell_type, source = c.get("id"), c.get("cell_type", "code"), c.get("source", "")
            if type(cid) is str and type(cell_type) is str and type(source) is str:
                if cell_type == "code":
                    cells.append((cid, source, i + 1))
                continue
        cid, cell_type, source = _checked_cell(c, f"cells[{i}]")
        if cell_type == "code":
            cells.append((cid, source, i + 1))
    runs: list[RunIn] = []
    for i, r in enumerate(runs_in):
        if type(r) is dict:
            cid, source, count = r.get("cell_id"), r.get("source", ""), r.get("execution_count")
            error, fps = r.get("error"), r.get("fingerprints")
            if (
                type(cid) is str
                and type(source) is str
                and (count is None or type(count) is int)
                and (error is None or type(error) is str)
                and (fps is None or (type(fps) is dict and all(type(x) is str for x in fps.values())))
            ):
                runs.append((cid, source, count, error, tuple(sorted(fps.items())) if fps else ()))
                continue
        runs.append(_checked_run(r, f"runs[{i}]"))
    return cells, runs, None if names is None else frozenset(names), language


def _checked_cell(entry: object, at: str) -> tuple[str, str, str]:
    c: dict[str, Any] = check(entry, OBJECT, at)
    cid = get_field(c, "id", STRING, f"{at}.id")
    cell_type = get_field(c, "cell_type", STRING, f"{at}.cell_type", default="code")
    source = as_text(get_field(c, "source", _SOURCE, f"{at}.source", default=""))
    return cid, cell_type, source


def _checked_run(entry: object, at: str) -> RunIn:
    r: dict[str, Any] = check(entry, OBJECT, at)
    cid = get_field(r, "cell_id", STRING, f"{at}.cell_id")
    source = as_text(get_field(r, "source", _SOURCE, f"{at}.source", default=""))
    count = get_field(r, "execution_count", _COUNT, f"{at}.execution_count", default=None)
    error = get_field(r, "error", _ERROR, f"{at}.error", default=None)
    fps = get_field(r, "fingerprints", _FINGERPRINTS, f"{at}.fingerprints", default=None, null_is_absent=True)
    return cid, source, count, error, tuple(sorted(fps.items())) if fps else ()


# ----- analysis --------------------------------------------------------------------------
def analyze(request: Mapping[str, Any]) -> dict[str, Any]:
    """Per-cell facts and live session warnings for one notebook and its kernel session."""
    cells_in, runs_in, kernel_names, language = _parse(request)
    if language_name(language) != PYTHON:
        return {
            "cells": {},
            "warnings": [],
            "notice": f"No analysis for {language} kernels: only Python is understood.",
            "reproducible": True,
            "rerun": [],
        }
    modules = parse_modules(request)
    return _Session(cells_in, replay(tuple(runs_in)), kernel_names, modules).response()


class Replay:
    """The kernel namespace as the run log left it, and what each run read."""

    def __init__(self) -> None:
        self.versions = Versions()
        self.namespace = Namespace(self.versions)
        self.runs: list[_Run] = []
        self.last_run: dict[str, _Run] = {}
        self.counts: dict[str, int] = {}  # cell id -> how many runs it had
        self.dynamic = False  # some run used a star import, globals(), exec, %run
        self._last_runs: list[_Run] | None = None
        # the run-based warnings of the last analysis and what they were computed from
        self.memo: _Memo | None = None

    def last_runs(self) -> list[_Run]:
        """Each cell's last run, oldest first."""
        if self._last_runs is None:
            self._last_runs = sorted(self.last_run.values(), key=lambda r: r.index)
        return self._last_runs

    def extend(self, runs_in: Iterable[RunIn]) -> Replay:
        ns = self.namespace
        for cid, src, count, error, fps in runs_in:
            run = _Run(len(self.runs), cid, src, count, error, cell_facts(src), dict(fps))
            self.runs.append(run)
            self.last_run[cid] = run
            f = run.facts
            if f.error is not None:  # did not compile: it ran nothing
                continue
            if f.star_import is not None or f.dynamic_namespace:
                self.dynamic = True
            seen = self.counts.get(cid, 0)
            self.counts[cid] = seen + 1
            # A re-run of code that reads the clock or the OS makes new values.
            run.nonce = run.index + 1 if f.volatile and seen else 0
            run.inputs, run.ops = ns.run(f, run.index, run.error is not None, run.nonce, run.fingerprints)
        self._last_runs = None
        self.memo = None
        return self


_REPLAYS: OrderedDict[tuple[RunIn, ...], Replay] = OrderedDict()
_REPLAYS_KEPT = 8


def replay(runs_in: tuple[RunIn, ...]) -> Replay:
    """The replay of a run log, memoised; a log that extends a memoised one resumes it."""
    done = _REPLAYS.get(runs_in)
    if done is not None:
        _REPLAYS.move_to_end(runs_in)
        return done
    for key in reversed(_REPLAYS):
        if len(key) < len(runs_in) and runs_in[: len(key)] == key:
            # Resumed in place: the shorter log is rarely asked for again.
            done = _REPLAYS.pop(key).extend(runs_in[len(key) :])
            break
    else:
        done = Replay().extend(runs_in)
    _REPLAYS[runs_in] = done
    while len(_REPLAYS) > _REPLAYS_KEPT:
        _REPLAYS.popitem(last=False)
    return done


_VERBS = {"def": "redefined", "mut": "modified", "grow": "modified", "del": "deleted", "draw": "drawn from"}
_FLAG_WORDS = {
    "stale": "which is stale",
    "depends-on-stale": "which depends on a stale cell",
    "out-of-order": "which ran out of order",
    "hidden-state": "which read hidden state",
}


class _Session:
    def __init__(
        self,
        cells_in: Iterable[CellIn],
        replayed: Replay,
        kernel_names: frozenset[str] | None,
        modules: ModuleFields | None = None,
    ) -> None:
        self.cells = [_Cell(cid, src, pos, cell_facts(src), number) for pos, (cid, src, number) in enumerate(cells_in)]
        self.by_id: dict[str, _Cell] = {}
        self.dupes: dict[str, list[_Cell]] = {}
        for c in self.cells:
            if c.id in self.by_id:
                self.dupes.setdefault(c.id, [self.by_id[c.id]]).append(c)
            else:
                self.by_id[c.id] = c  # a duplicated id names its first cell...
        self.replay = replayed
        self.runs = replayed.runs
        self.last_run = replayed.last_run
        self.kernel_names = kernel_names
        self.definers = Definers([c.facts for c in self.cells])
        self.warnings: dict[_WarningKey, SessionWarning] = {}
        self.flagged: dict[str, _Flag] = {}  # cell id -> (worst kind, certain)
        self.notes: dict[str, list[str]] = {}
        self.labels: dict[tuple[str, int | None], str] = {}
        self.positions: dict[str, int] | None = None
        self.modules = modules  # the request's module fields (modules.parse), or None
        self.module_tags: dict[int, str] = {}  # cell position -> the module code it would run now
        self.module_names: dict[str, set[str]] = {}  # cell id -> names its module warning covers

    # ----- run-based ---------------------------------------------------------------------
    def _run_warnings(self) -> None:
        """Edited cells, then the walk of Restart & Run All against the replay."""
        cell_of = self._cell_of
        run_of: dict[int, _Run] = {}  # cell position -> its last run
        for run in self.replay.last_runs():
            cell = cell_of(run)
            if cell is None:
                continue
            run_of[cell.pos] = run
            if cell.source != run.source:
                self._add("edited", cell.id, (), cell.id, True, f"This cell was edited after it ran as {_count(run)}.")
        if not run_of:
            return
        self._module_warnings(run_of)
        self._no_longer_defined(run_of)
        # Edits change the walk only where a cell that never ran changes; cell numbers are
        # in the messages.
        key: _WalkKey | None = None
        if not self.dupes:
            walked: tuple[tuple[str, int, str | int], ...] = tuple(
                (c.id, c.number, c.source) if (r := run_of.get(c.pos)) is None else (c.id, c.number, r.index)
                for c in self.cells
            )
            key = (walked, tuple(sorted(self.module_tags.items())))
            memo = self.replay.memo
            if memo is not None and memo[0] == key:
                _, warnings, flagged, self.notes = memo
                self.flagged.update(flagged)
                for k, w in warnings:
                    self.warnings[k] = {**w, "names": list(w["names"])}
                return
        before = dict(self.warnings)
        flagged = dict(self.flagged)
        self._walk(run_of)
        if key is not None:
            found: list[tuple[_WarningKey, SessionWarning]] = [
                (k, {**w, "names": list(w["names"])}) for k, w in self.warnings.items() if k not in before
            ]
            self.replay.memo = (key, found, {k: v for k, v in self.flagged.items() if k not in flagged}, self.notes)

    def _walk(self, run_of: dict[int, _Run]) -> None:
        """Restart & Run All over a fresh namespace, compared cell by cell with the replay."""
        replay = self.replay
        sim = Namespace(replay.versions)
        self.sim = sim
        self.differ = Differ(replay.versions)
        for cell in self.cells:
            run = run_of.get(cell.pos)
            if run is None:
                if cell.facts.error is None:  # never ran: Restart & Run All runs it as it is
                    sim.run(cell.facts, cell.pos)
                continue
            if run.facts.error is not None:
                continue
            tag = self.module_tags.get(cell.pos, "")
            if self._compare(cell, run, sim) and run.error is None and not tag:
                sim.apply(run.ops, cell.pos)  # it read what Run All gives it: it does the same
            else:  # (with a module's new code, Run All would make new values too)
                sim.run(run.facts, cell.pos, run.error is not None, run.nonce, None, tag)
        self._forward_notes(run_of)

    def _compare(self, cell: _Cell, run: _Run, sim: Namespace) -> bool:
        """Warn where ``run`` (the cell's last) read another version than Restart & Run
        All would give it at ``cell``; the writers of the difference say why. True when it
        read the same throughout."""
        runs, writer = self.runs, self.replay.namespace.writer
        writes = self.replay.versions.writes
        cell_of = self._cell_of
        failed = run.error is not None
        same = True
        by_module = self.module_names.get(cell.id, ())
        for name, keys, seen in run.inputs:
            rra = sim.read(name, keys)
            if rra == seen or name in by_module:
                continue
            ours = components(seen) - components(rra)
            theirs = components(rra) - components(seen)
            gone = below = flagged = None
            for v in ours:
                at = self._maker(v, run, writer)
                if at is None:
                    continue
                w_run = runs[at]
                w_cell = cell_of(w_run)
                if w_cell is None:
                    gone = w_run
                elif w_cell.pos >= cell.pos:
                    if below is None or w_run.index > below[0].index:
                        below = (w_run, w_cell, v)
                elif w_cell.id in self.flagged and self.last_run.get(w_cell.id) is w_run:
                    flagged = w_cell
            if gone is not None:
                self._hidden(cell, name, gone.cell_id, f"come{{s}} from {self._label(gone.cell_id, gone)}")
            elif below is not None:
                if not self._out_of_order(cell, run, name, below, rra, sim):
                    continue  # an idempotent re-run (the probe saw the same value): as Run All
            elif flagged is not None:
                kind, certain = self.flagged[flagged.id]
                self._flag(cell, "depends-on-stale", certain)
                self._add(
                    "depends-on-stale",
                    cell.id,
                    (name,),
                    flagged.id,
                    certain,
                    f"{{names}} {{was}} produced by {self._label(flagged.id)}, {_FLAG_WORDS[kind]}",
                )
            else:
                self._stale(cell, run, name, seen, rra, theirs, ours, sim, writes, failed)
            same = False
        return same

    def _maker(self, v: int, run: _Run, writer: dict[int, int]) -> int | None:
        """The run that made version ``v`` as ``run`` read it. The replay keeps the latest
        writer of each version; a run after ``run`` that made the same version again (the
        same text: ``p = np.arange(7)`` in two cells) did not make what ``run`` saw."""
        at = writer.get(v)
        if at is None or at < run.index:
            return at
        for earlier in reversed(self.runs[: run.index]):
            if any(op[0] != "alias" and op[2] == v for op in earlier.ops):
                return earlier.index
        return None

    def _module_warnings(self, run_of: dict[int, _Run]) -> None:
        """Cells whose last run used local module code that is no longer on disk
        (modules.py): stale, and Restart & Run All would run them with the new code."""
        lasts = {run.index for run in run_of.values()}
        found = module_findings(self.modules, self.runs, lambda r: r.index in lasts)
        if not found:
            return
        for pos, run in run_of.items():
            cell = self.cells[pos]
            for fd in found.get(run.index, ()):
                self._flag(cell, "stale", True)
                message = fd.message.replace("{", "{{").replace("}", "}}")
                w = self._add("stale", cell.id, fd.names, None, True, message, key=("module", fd.path))
                w.update({"module": fd.path, "reload_paths": list(fd.reload_paths), "reload_code": fd.reload_code})
                self.module_tags[pos] = self.module_tags.get(pos, "") + fd.tag
                self.module_names.setdefault(cell.id, set()).update(fd.names)

    def _no_longer_defined(self, run_of: dict[int, _Run]) -> None:
        """A cell read a value made by a cell whose code, edited since, no longer makes it:
        hidden state (Restart & Run All would not make it)."""
        # the last run of an edited cell -> names it made that its code no longer does
        # (looked up by the run that made a version: None when none did)
        lost: dict[int | None, tuple[_Cell, set[str]]] = {}
        for pos, run in run_of.items():
            cell = self.cells[pos]
            if cell.source != run.source:
                names = set(run.facts.defines) - set(cell.facts.defines)
                if names:
                    lost[run.index] = (cell, names)
        if not lost:
            return
        writer = self.replay.namespace.writer
        for pos, run in run_of.items():
            for name, _, seen in run.inputs:
                made = writer.get(seen[0]) if seen[0] > 0 else None
                gone = lost.get(made)
                if gone is not None and name in gone[1]:
                    here = gone[0]
                    why = f"come{{s}} from {self._label(here.id)}, whose code no longer defines it"
                    self._hidden(self.cells[pos], name, here.id, why)

    def _stale(
        self,
        cell: _Cell,
        run: _Run,
        name: str,
        seen: Version,
        rra: Version,
        theirs: set[int],
        ours: set[int],
        sim: Namespace,
        writes: list[Write],
        failed: bool,
    ) -> None:
        """Something above changed ``name`` after ``run``: who, and how."""
        certain = self.differ.certain(seen, rra)
        by: tuple[_Cell, str, _Run | None] | None = None  # (cell, verb, its run or None)
        latest = -1
        for v in theirs:
            pos = sim.writer.get(v)
            if pos is None:
                continue
            d = self.cells[pos]
            d_run = self.last_run.get(d.id)
            index = -1 if d_run is None or self._cell_of(d_run) is not d else d_run.index
            if by is None or index > latest:
                verb = _VERBS[writes[v].kind]
                if verb == "redefined" and seen[0] == UNBOUND:
                    verb = "defined"
                by, latest = (d, verb, None if index < 0 else d_run), index
        if by is None:
            for v in ours:  # the writer ran again since, with another result
                at = self._maker(v, run, self.replay.namespace.writer)
                if at is None:
                    continue
                w_cell = self._cell_of(self.runs[at])
                if w_cell is not None and w_cell.pos < cell.pos:
                    by = (w_cell, _VERBS[writes[v].kind], self.last_run.get(w_cell.id))
                    break
        if by is None:
            return
        d, verb, d_run = by
        after = "failed" if failed else "ran"
        if d_run is None:
            message = f"{{names}} would be {verb} by {self._label(d.id)}, which has not run"
        elif d_run.error is not None and d_run.index > run.index:
            # Restart & Run All would stop there (what the failed run bound before the line
            # that raised is not known, so the value may or may not be the old one)
            certain = True
            message = (
                f"{self._label(d.id, d_run)} failed after this cell ran, so Restart & Run All would stop "
                "there; {names} may still hold the value of its earlier run"
            )
        elif d_run.index < run.index:
            message = f"{{names}} now come{{s}} from {self._label(d.id)}, moved above this cell"
        elif certain:
            message = f"{{names}} {{was}} {verb} by {self._label(d.id, d_run)} after this cell {after}"
        else:
            message = f"{{names}} may have been {verb} by {self._label(d.id, d_run)} after this cell {after}"
        self._flag(cell, "stale", certain)
        self._add("stale", cell.id, (name,), d.id, certain, message, key=(verb,))

    def _out_of_order(
        self, cell: _Cell, run: _Run, name: str, below: tuple[_Run, _Cell, int], rra: Version, sim: Namespace
    ) -> bool:
        w_run, w_cell, v = below
        write = self.replay.versions.writes[v]
        certain = write.certain
        if w_cell is cell:
            fp_now = run.fingerprints.get(name)
            fp_before = w_run.fingerprints.get(name)
            if fp_now is not None and fp_before is not None:
                if fp_now == fp_before:
                    return False  # re-ran and gave the same value: idempotent, as Run All
                certain = certain and True
            else:  # a draw always advances the random state: it never repeats harmlessly
                certain = certain and (write.kind == "draw" or name in w_run.facts.repeat_harm)
            where = "this cell's own previous run"
        else:
            where = f"{self._label(w_cell.id)}, below this cell"
        fix = None
        if rra[0] > 0:
            pos = sim.writer.get(rra[0])
            if pos is not None:
                fix = self.cells[pos].id
        message = f"{{names}} came from {where}: Restart & Run All would not reproduce it"
        if fix is not None:
            message += f"; re-run from {self._label(fix)}, which creates {{names}}"
        self._flag(cell, "out-of-order", certain)
        w = self._add("out-of-order", cell.id, (name,), w_cell.id, certain, message)
        w["fix_cell_id"] = fix
        return True

    def _hidden(self, cell: _Cell, name: str, source: str, why: str) -> None:
        self._flag(cell, "hidden-state", True)
        self._add("hidden-state", cell.id, (name,), source, True, f"{{names}} {why}", key=(source,))

    def _flag(self, cell: _Cell, kind: WarningKind, certain: bool) -> None:
        was = self.flagged.get(cell.id)
        if was is None or (certain and not was[1]):
            self.flagged[cell.id] = (kind, certain)

    def _forward_notes(self, run_of: dict[int, _Run]) -> None:
        """Changes made after a cell ran by cells below it: forward flow, not a warning, but
        worth a quiet note (re-running the cell now would see them)."""
        ns, runs = self.replay.namespace, self.runs
        for pos, run in run_of.items():
            cell = self.cells[pos]
            if cell.id in self.flagged:
                continue
            for name, keys, seen in run.inputs:
                now = ns.read(name, keys)
                if now == seen:
                    continue
                later = [ns.writer.get(v) for v in components(now) - components(seen)]
                below = [c for c in (self._cell_of(runs[i]) for i in later if i is not None) if c and c.pos > cell.pos]
                if below:
                    d = max(below, key=lambda c: c.pos)
                    self.notes.setdefault(cell.id, []).append(
                        f"re-running this cell now would see {name} as changed below by {self._label(d.id)}"
                    )

    def _cell_of(self, run: _Run) -> _Cell | None:
        """The cell a run belongs to; of duplicated ids, the one whose text it ran."""
        if self.dupes:
            same = self.dupes.get(run.cell_id)
            if same:
                return next((c for c in same if c.source == run.source), same[0])
        return self.by_id.get(run.cell_id)

    # ----- position-based ----------------------------------------------------------------
    def _position_warnings(self) -> None:
        """What Restart & Run All would do with the cells as they are now
        (``dataflow.unmet_reads``, the pass lint uses too)."""
        late = {(w["cell_id"], n) for w in self.warnings.values() if w["kind"] == "out-of-order" for n in w["names"]}
        self.hidden = {
            (w["cell_id"], n) for w in self.warnings.values() if w["kind"] == "hidden-state" for n in w["names"]
        }
        cells = self.cells
        for u in unmet_reads([c.facts for c in cells], self.definers):
            cid, n = cells[u.pos].id, u.name
            if u.why == "nowhere":
                self._nowhere(cid, n, u.certain and not self.replay.dynamic)
                continue
            assert u.source is not None  # each other reason names the cell it comes from
            if u.why == "unbound-local":
                self._add(
                    "undefined",
                    cid,
                    (n,),
                    cells[u.source].id,
                    True,
                    f"{u.via}() assigns {{names}} without declaring {{names}} global: "
                    "calling it raises UnboundLocalError",
                )
            elif (cid, n) in late:
                continue  # out-of-order already says where it came from
            elif u.why == "deleted":
                d = cells[u.source].id
                self._add(
                    "use-before-define",
                    cid,
                    (n,),
                    d,
                    u.certain,
                    f"{{names}} {{is_}} deleted above, by {self._label(d)}",
                )
            else:
                self._use_before_define(cid, n, u.source, u.certain)
        for cell in cells:
            if cell.facts.error is None and cell.facts.output_history:
                self._history_warnings(cell)

    def _nowhere(self, cid: str, name: str, certain: bool) -> None:
        """No cell defines ``name``: hidden state if the kernel holds it, else undefined."""
        if (cid, name) in self.hidden:
            return  # the replay already said where the value it read came from
        kernel = self.kernel_names
        env = self.replay.namespace.env
        if not (name in kernel if kernel is not None else name in env):
            self._add("undefined", cid, (name,), None, certain, "{names} {is_} not defined by any cell")
            return
        at = self.replay.namespace.writer.get(env[name].vid) if name in env else None
        run = None if at is None else self.runs[at]
        source = None if run is None else run.cell_id
        if source is None:
            why = "exist{s} only in the kernel: no cell defines {it}"
        elif source == cid:
            why = "exist{s} only in the kernel: this cell reads it before defining it and no other cell does"
        elif source in self.by_id:
            why = f"come{{s}} from {self._label(source)}, whose code no longer defines it"
        else:
            why = f"come{{s}} from {self._label(source, run)}"
        self._add("hidden-state", cid, (name,), source, True, f"{{names}} {why}", key=(source,))

    def _use_before_define(self, cid: str, name: str, below: int, certain: bool) -> None:
        self._add(
            "use-before-define",
            cid,
            (name,),
            self.cells[below].id,
            certain,
            f"{{names}} {{is_}} defined only further down, by {self._label(self.cells[below].id)}",
        )

    def _history_warnings(self, cell: _Cell) -> None:
        """``_12`` / ``Out[12]``: the output of run [12] — gone with its cell."""
        for n in cell.facts.output_history:
            if not (n[1:].isdigit() and n[0] == "_"):
                continue
            count = int(n[1:])
            run = next((r for r in reversed(self.runs) if r.count == count), None)
            if run is not None and run.cell_id not in self.by_id:
                self._add(
                    "hidden-state",
                    cell.id,
                    (n,),
                    run.cell_id,
                    True,
                    f"{{names}} {{is_}} the output of [{count}], whose cell no longer exists",
                    key=("history",),
                )

    # ----- output ------------------------------------------------------------------------
    def _add(
        self,
        kind: WarningKind,
        cid: str,
        names: Iterable[str],
        source: str | None,
        certain: bool,
        message: str,
        key: tuple[str | None, ...] = (),
    ) -> SessionWarning:
        """Warnings of one kind, cell, source and certainty are merged into one naming all."""
        k: _WarningKey = (kind, cid, source, certain, message, *key)
        w = self.warnings.get(k)
        if w is None:
            self.warnings[k] = w = {
                "kind": kind,
                "cell_id": cid,
                "names": [],
                "source_cell_id": source,
                "certain": certain,
                "message": message,
            }
        for n in names:
            if n not in w["names"]:
                w["names"].append(n)
        return w

    def _label(self, cid: str, run: _Run | None = None) -> str:
        """``cell 5`` (its position as JupyterLab shows it), or ``a deleted cell ([12])``."""
        key = (cid, None if run is None else run.index)
        label = self.labels.get(key)
        if label is None:
            cell = self.by_id.get(cid)
            if cell is not None:
                label = f"cell {cell.number}"
            else:
                run = run or self.last_run.get(cid)
                label = "a deleted cell" + (f" ([{run.count}])" if run is not None and run.count is not None else "")
            self.labels[key] = label
        return label

    def _order(self, w: SessionWarning) -> tuple[int, int, list[str]]:
        """Warnings are listed in notebook order, then by kind and names."""
        if self.positions is None:
            self.positions = {c.id: c.pos for c in reversed(self.cells)}
        return self.positions.get(w["cell_id"], -1), _KIND_ORDER[w["kind"]], w["names"]

    def response(self) -> dict[str, Any]:
        self._run_warnings()
        self._position_warnings()
        found = [(self._order(w), w) for w in map(_final, self.warnings.values())]
        found.sort(key=itemgetter(0))
        out = [w for _, w in found]
        cells: dict[str, CellEntry] = {}
        anywhere = self.definers.anywhere
        for c in self.cells:
            if c.id in cells:
                continue
            facts, predefined_reads = _cell_json(c.source)
            if predefined_reads and any(anywhere(n) for n in predefined_reads):
                facts = {**facts, "reads": [n for n in c.facts.reads if not is_predefined(n) or anywhere(n)]}
            run = self.last_run.get(c.id)
            entry: CellEntry = {**facts, "execution_count": None if run is None else run.count}
            notes = self.notes.get(c.id)
            if notes:
                entry["notes"] = notes
            cells[c.id] = entry
        rerun = {w["cell_id"] for w in out if w["kind"] in ("stale", "depends-on-stale")}
        return {
            "cells": cells,
            "warnings": out,
            "reproducible": not any(w["kind"] in VERDICT_KINDS for w in out),
            "rerun": list(dict.fromkeys(c.id for c in self.cells if c.id in rerun)),  # notebook order, once
        }


def _final(w: SessionWarning) -> SessionWarning:
    """The warning with its message written out for its names."""
    names = w["names"]
    one = len(names) == 1
    w["message"] = w["message"].format(
        names=", ".join(names),
        is_="is" if one else "are",
        was="was" if one else "were",
        s="s" if one else "",
        it="it" if one else "them",
    )
    return w


@lru_cache(maxsize=4096)
def _cell_json(source: str) -> tuple[ShownFacts, tuple[str, ...]]:
    """A cell's facts as the response shows them (reads without builtins), memoised."""
    f = cell_facts(source)
    entry: ShownFacts = {
        "defines": list(f.defines),
        "reads": [n for n in f.reads if not is_predefined(n)],
        "mutates": list(f.mutates),
        "imports": list(dict.fromkeys(f.imports.values())),
        "error": f.error,
    }
    return entry, tuple(n for n in f.reads if is_predefined(n))


def _count(run: _Run) -> str:
    return f"[{run.count}]" if run.count is not None else "an earlier run"
