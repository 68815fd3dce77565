"""Execution log replay -> live warnings (the ``analyze`` contract of DESIGN.md).

Two views are combined:

- time-based (``Replay``): the runs are replayed in order, keeping for every name
  the run that defined its current value and the last run that changed it (defined,
  deleted or mutated it). A cell is ``stale`` when a name its last run read was
  changed by a later run. The replay of a run log is memoised and extended when
  runs are appended, so re-analysing after an edit or a new run costs little.
- position-based (``dataflow.Definers``): what Restart & Run All would do with the
  cells as they are now: ``use-before-define``, ``undefined``, ``hidden-state``.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter

from .cells import CellFacts, cell_facts
from .dataflow import Definers, is_predefined, reads_through_calls
from .errors import RequestError
from .request import INTEGER, JSON_OBJECT, LIST, OBJECT, STRING, STRINGS, Kind, as_text, check, get_field, is_text

KINDS = ("stale", "depends-on-stale", "out-of-order", "edited", "hidden-state", "use-before-define", "undefined")
_KIND_ORDER = {k: i for i, k in enumerate(KINDS)}


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
    reads: tuple[str, ...] = ()  # what it read, when it is its cell's last run
    # producing run index (None: nothing had defined it) -> [(name, function it was read
    # through or None, that producer's definition was certain)]
    sources: dict | None = None


# ----- request ---------------------------------------------------------------------------
_SOURCE = Kind("a string", is_text)  # nbformat's multi-line form too
_COUNT = INTEGER.or_null()
_ERROR = STRING.or_null()


def _parse(request):
    check(request, JSON_OBJECT, "request")
    if "cells" not in request:
        raise RequestError("cells is required")
    cells_in = get_field(request, "cells", LIST)
    runs_in = get_field(request, "runs", LIST, default=[], null_is_absent=True)
    names = get_field(request, "kernel_names", STRINGS.or_null(), default=None)
    language = get_field(request, "language", STRING, default="python", null_is_absent=True)
    cells = []
    for i, c in enumerate(cells_in):
        at = f"cells[{i}]"
        check(c, OBJECT, at)
        cid = get_field(c, "id", STRING, f"{at}.id")
        cell_type = get_field(c, "cell_type", STRING, f"{at}.cell_type", default="code")
        source = as_text(get_field(c, "source", _SOURCE, f"{at}.source", default=""))
        if cell_type == "code":
            cells.append((cid, source, i + 1))
    runs = []
    for i, r in enumerate(runs_in):
        at = f"runs[{i}]"
        check(r, OBJECT, at)
        cid = get_field(r, "cell_id", STRING, f"{at}.cell_id")
        source = as_text(get_field(r, "source", _SOURCE, f"{at}.source", default=""))
        count = get_field(r, "execution_count", _COUNT, f"{at}.execution_count", default=None)
        error = get_field(r, "error", _ERROR, f"{at}.error", default=None)
        runs.append((cid, source, count, error))
    return cells, runs, None if names is None else frozenset(names), language


# ----- analysis --------------------------------------------------------------------------
def analyze(request: dict) -> dict:
    """Per-cell facts and live session warnings for one notebook and its kernel session."""
    cells_in, runs_in, kernel_names, language = _parse(request)
    if not language.lower().startswith(("python", "ipython")):
        return {
            "cells": {},
            "warnings": [],
            "notice": f"No analysis for {language} kernels: only Python is understood.",
        }
    return _Session(cells_in, replay(tuple(runs_in)), kernel_names).response()


class Replay:
    """The kernel namespace as the run log left it, name by name."""

    def __init__(self):
        self.runs: list[_Run] = []
        self.last_run: dict[str, _Run] = {}
        self.producer: dict[str, int] = {}  # name -> run that defined its current value
        self.sure: dict[str, bool] = {}  # name -> that definition is certain
        self.changed: dict[str, int] = {}  # name -> run of its last change
        self.verb: dict[str, str] = {}  # name -> what that change was
        self.certain_changed: dict[str, int] = {}  # the same for the last certain change
        self.certain_verb: dict[str, str] = {}
        self.functions: set[str] = set()  # names some run defined as a function
        self.dynamic = False  # some run used a star import, globals(), exec, %run
        self._last_runs: list[_Run] | None = None
        self.memo: tuple | None = None  # the session's run-based warnings for one cell order

    def last_runs(self) -> list[_Run]:
        """Each cell's last run, oldest first."""
        if self._last_runs is None:
            self._last_runs = sorted(self.last_run.values(), key=lambda r: r.index)
        return self._last_runs

    def lookup(self, name):
        i = self.producer.get(name)
        return None if i is None else self.runs[i].facts.functions.get(name)

    def extend(self, runs_in):
        start = len(self.runs)
        new = [
            _Run(start + k, cid, src, count, error, cell_facts(src))
            for k, (cid, src, count, error) in enumerate(runs_in)
        ]
        self.runs.extend(new)
        self._last_runs = None
        self.memo = None
        last = {}
        for r in new:
            last[r.cell_id] = r
        self.last_run.update(last)
        producer, sure, functions = self.producer, self.sure, self.functions
        changed, verb = self.changed, self.verb
        certain_changed, certain_verb = self.certain_changed, self.certain_verb
        runs = self.runs
        for run in new:
            f = run.facts
            if f.error is not None:  # did not compile: it ran nothing
                continue
            i = run.index
            if f.star_import is not None or f.dynamic_namespace:
                self.dynamic = True
            if last[run.cell_id] is run:  # only a cell's last run can make it stale
                self._record(run, f)
            if f.functions:
                functions.update(f.functions)
            failed = run.error is not None
            unsure = f.uncertain_defines
            for n in f.defines:
                # A failed run stopped somewhere unknown: trust it only for names that had
                # no value at all (an uncertain definition), never as a redefinition.
                if n in producer:
                    if failed:
                        continue
                    verb[n] = "redefined"
                else:
                    verb[n] = "defined"
                changed[n] = i
                producer[n] = i
                certain = sure[n] = not failed and n not in unsure
                if certain:
                    certain_changed[n] = i
                    certain_verb[n] = verb[n]
            if failed:
                continue
            for n in f.deletes:
                producer.pop(n, None)
                changed[n] = certain_changed[n] = i
                verb[n] = certain_verb[n] = "deleted"
            for n in f.mutates:
                heuristic = n in f.uncertain_mutates
                if heuristic:
                    p = producer.get(n)
                    if p is not None and n in runs[p].facts.imports:
                        continue  # `plt.plot()` does not make every cell using plt stale
                else:
                    certain_changed[n] = i
                    certain_verb[n] = "modified"
                changed[n] = i
                verb[n] = "modified"
        return self

    def _record(self, run, f):
        producer, sure = self.producer, self.sure
        read = [(n, None) for n in f.reads]
        fn = self.functions
        if f.functions or not (fn.isdisjoint(f.reads) and fn.isdisjoint(f.calls)):
            read.extend(reads_through_calls(f, self.lookup, fn).items())
        sources: dict = {}
        for n, via in read:
            p = producer.get(n)
            group = sources.get(p)
            if group is None:
                sources[p] = group = []
            group.append((n, via, sure.get(n, False)))
        run.reads = tuple(n for n, _ in read)
        run.sources = sources


_REPLAYS: OrderedDict[tuple, Replay] = OrderedDict()
_REPLAYS_KEPT = 8


def replay(runs_in: tuple) -> Replay:
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


class _Session:
    def __init__(self, cells_in, replayed: Replay, kernel_names):
        self.cells = [
            _Cell(cid, src, pos, cell_facts(src), number) for pos, (cid, src, number) in enumerate(cells_in)
        ]
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
        self.producer = replayed.producer
        self.kernel_names = kernel_names
        self.definers = Definers([c.facts for c in self.cells])
        self.dynamic = replayed.dynamic or any(
            c.facts.star_import is not None or c.facts.dynamic_namespace for c in self.cells
        )
        self.warnings: dict[tuple, dict] = {}
        self.late: set[tuple[str, str]] = set()  # (cell id, name) reported out-of-order
        self.labels: dict[tuple, str] = {}
        self.positions: dict[str, int] | None = None
        self.done: list[tuple[tuple, dict]] = []  # run-based warnings, final, with their order

    # ----- time-based --------------------------------------------------------------------
    def _time_warnings(self):
        """Edited cells, then stale / out-of-order / depends-on-stale. The latter depend on
        the cells only by their ids and order, so they are memoised on the replay."""
        cell_of = self._cell_of
        for run in self.replay.last_runs():
            cell = cell_of(run)
            if cell is not None and cell.source != run.source:
                self._add("edited", cell.id, (), cell.id, True, f"This cell was edited after it ran as {_count(run)}.")
        key = None if self.dupes else (len(self.runs), tuple(c.id for c in self.cells))
        memo = self.replay.memo
        if key is not None and memo is not None and memo[0] == key:
            _, self.done, self.late = memo
            return
        edited, self.warnings = self.warnings, {}
        self._run_warnings()
        self.done = [(self._order(w), w) for w in map(_final, self.warnings.values())]
        self.warnings = edited
        self.late = frozenset(self.late)
        if key is not None:
            self.replay.memo = (key, self.done, self.late)

    def _run_warnings(self):
        flagged: dict[str, bool] = {}  # cell id -> stale or depends-on-stale (certain?)
        r = self.replay
        runs, last_run = self.runs, self.last_run
        changed, certain_changed = r.changed, r.certain_changed
        changed_get = changed.get
        cell_of = self._cell_of
        for run in r.last_runs():
            cell = cell_of(run)
            if cell is None:
                continue
            cid = cell.id
            i = run.index
            if run.sources is None:
                continue
            stale = [n for n in run.reads if changed_get(n, -1) > i]
            for p, group in run.sources.items():
                source = None if p is None else runs[p]
                for n, via, _ in group if stale else ():
                    if n in stale:
                        certain = certain_changed.get(n, -1) > i
                        j = (certain_changed if certain else changed)[n]
                        flagged[cid] = flagged.get(cid, False) or certain
                        what = (r.certain_verb if certain else r.verb)[n]
                        self._add_stale(cid, n, runs[j], what, certain, run.error is not None and p is None, via)
                d = None if source is None else cell_of(source)
                if d is None:
                    continue
                if d.pos > cell.pos:
                    for n, _, p_sure in group:
                        self.late.add((cid, n))
                        self._add(
                            "out-of-order",
                            cid,
                            (n,),
                            d.id,
                            p_sure,
                            f"{{names}} came from {self._label(d.id)}, below this cell: "
                            "Restart & Run All would not reproduce it",
                        )
                if d.id != cid and d.id in flagged and last_run.get(d.id) is source:
                    certain = flagged[d.id]
                    fresh = [n for n, _, _ in group if n not in stale]
                    if fresh:
                        flagged[cid] = flagged.get(cid, False) or certain
                        self._add(
                            "depends-on-stale",
                            cid,
                            fresh,
                            d.id,
                            certain,
                            f"{{names}} {{was}} produced by {self._label(d.id)}, which is stale",
                        )

    def _cell_of(self, run):
        """The cell a run belongs to; of duplicated ids, the one whose text it ran."""
        if self.dupes:
            same = self.dupes.get(run.cell_id)
            if same:
                return next((c for c in same if c.source == run.source), same[0])
        return self.by_id.get(run.cell_id)

    def _add_stale(self, cid, name, by, verb, certain, failed, via):
        after = "failed" if failed else "ran"
        how = f"{{was}} {verb}" if certain else f"may have been {verb}"
        self._add(
            "stale",
            cid,
            (name,),
            by.cell_id,
            certain,
            f"{{names}} {how} by {self._label(by.cell_id, by)} after this cell {after}",
            key=(verb, via is None),
        )

    # ----- position-based ----------------------------------------------------------------
    def _position_warnings(self):
        defs = self.definers
        first, uncertain = defs.first, defs.uncertain
        late = self.late
        for cell in self.cells:
            f = cell.facts
            if f.error is not None:
                continue
            cid, pos = cell.id, cell.pos
            through = defs.through(pos)
            for n in (*f.reads, *through) if through else f.reads:
                p = first.get(n)
                if p is not None and p < pos:  # defined above: fine on Run All
                    if n in uncertain and not defs.certainly_above(n, pos) and (cid, n) not in late:
                        below = defs.below(n, pos)
                        if below is not None:
                            self._use_before_define(cid, n, below, False)
                    continue
                if is_predefined(n):
                    continue
                below = defs.below(n, pos)
                if below is not None:
                    if (cid, n) not in late:
                        self._use_before_define(cid, n, below, True)
                else:
                    self._nowhere(cid, n)
            if f.output_history:
                self._history_warnings(cell)

    def _nowhere(self, cid, name):
        """No cell defines ``name``: hidden state if the kernel holds it, else undefined."""
        kernel = self.kernel_names
        if not (name in kernel if kernel is not None else name in self.producer):
            self._add("undefined", cid, (name,), None, not self.dynamic, "{names} {is_} not defined by any cell")
            return
        p = self.producer.get(name)
        source = None if p is None else self.runs[p].cell_id
        if source is None:
            why = "exist{s} only in the kernel: no cell defines it"
        elif source == cid:
            why = "exist{s} only in the kernel: this cell reads it before defining it and no other cell does"
        elif source in self.by_id:
            why = f"come{{s}} from {self._label(source)}, whose code no longer defines it"
        else:
            why = f"come{{s}} from {self._label(source, self.runs[p])}, which no longer exists"
        self._add("hidden-state", cid, (name,), source, True, f"{{names}} {why}", key=(source,))

    def _use_before_define(self, cid, name, below, certain):
        self._add(
            "use-before-define",
            cid,
            (name,),
            self.cells[below].id,
            certain,
            f"{{names}} {{is_}} defined only further down, by {self._label(self.cells[below].id)}",
        )

    def _history_warnings(self, cell):
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
    def _add(self, kind, cid, names, source, certain, message, key=()):
        """Warnings of one kind, cell, source and certainty are merged into one naming all."""
        k = (kind, cid, source, certain, message, *key)
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

    def _label(self, cid, run=None):
        """``cell [12]`` (its execution count) or ``the cell at position 5``."""
        key = (cid, run and run.index)
        label = self.labels.get(key)
        if label is None:
            label = self.labels[key] = self._new_label(cid, run)
        return label

    def _new_label(self, cid, run):
        run = run or self.last_run.get(cid)
        if run is not None and run.count is not None:
            return f"cell [{run.count}]"
        cell = self.by_id.get(cid)
        if cell is not None:
            return f"the cell at position {cell.number}"
        return "a deleted cell"

    def _order(self, w):
        """Warnings are listed in notebook order, then by kind and names."""
        if self.positions is None:
            self.positions = {c.id: c.pos for c in reversed(self.cells)}
        return self.positions.get(w["cell_id"], -1), _KIND_ORDER[w["kind"]], w["names"]

    def response(self):
        self._time_warnings()
        self._position_warnings()
        found = [(self._order(w), w) for w in map(_final, self.warnings.values())]
        # the memoised run-based warnings are shared between calls: hand out copies
        found.extend((k, dict(w, names=list(w["names"]))) for k, w in self.done)
        found.sort(key=itemgetter(0))
        out = [w for _, w in found]
        cells = {}
        anywhere = self.definers.anywhere
        for c in self.cells:
            if c.id in cells:
                continue
            entry, predefined_reads = _cell_json(c.source)
            if predefined_reads and any(anywhere(n) for n in predefined_reads):
                entry = dict(entry, reads=[n for n in c.facts.reads if not is_predefined(n) or anywhere(n)])
            run = self.last_run.get(c.id)
            cells[c.id] = dict(entry, execution_count=None if run is None else run.count)
        return {"cells": cells, "warnings": out}


def _final(w):
    """The warning with its message written out for its names."""
    names = w["names"]
    one = len(names) == 1
    w["message"] = w["message"].format(
        names=", ".join(names), is_="is" if one else "are", was="was" if one else "were", s="s" if one else ""
    )
    return w


@lru_cache(maxsize=4096)
def _cell_json(source):
    """A cell's facts as the response shows them (reads without builtins), memoised."""
    f = cell_facts(source)
    entry = {
        "defines": list(f.defines),
        "reads": [n for n in f.reads if not is_predefined(n)],
        "mutates": list(f.mutates),
        "imports": list(dict.fromkeys(f.imports.values())),
        "error": f.error,
    }
    return entry, tuple(n for n in f.reads if is_predefined(n))


def _count(run):
    return f"[{run.count}]" if run.count is not None else "an earlier run"
