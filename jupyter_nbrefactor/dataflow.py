"""Notebook order -> def-use: who defines what, the producer of a name for a cell, and
the names a cell reads through the functions it calls.

Everything here is position-based (the order of the cells on the page, which is what
Restart & Run All follows); the time-based view of a kernel session is in session.py.
"""

from __future__ import annotations

import builtins
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .cells import CellFacts

BUILTIN_NAMES = frozenset(dir(builtins))
# Names the IPython kernel puts in every user namespace.
IPYTHON_NAMES = frozenset("display get_ipython In Out exit quit _ __ ___ _i _ii _iii _oh _ih _dh _sh".split())
# Names every module namespace has (and ``__class__``, which methods see).
MODULE_NAMES = frozenset("__name__ __doc__ __builtins__ __spec__ __loader__ __package__ __class__".split())
_HISTORY_ENTRY = re.compile(r"_i?\d+")


@lru_cache(maxsize=65536)
def is_predefined(name: str) -> bool:
    """True for builtins, IPython's injected names and output/input history entries."""
    return (
        name in BUILTIN_NAMES
        or name in IPYTHON_NAMES
        or name in MODULE_NAMES
        or _HISTORY_ENTRY.fullmatch(name) is not None
    )


FunctionLookup = Callable[[str], "tuple[str, ...] | None"]


def reads_through_calls(
    facts: CellFacts,
    lookup: FunctionLookup,
    functions: Collection[str] | None = None,
    skipped: list[str] | None = None,
) -> dict[str, str]:
    """Names a cell reads inside the functions it uses, transitively: name -> the function
    of the cell's own that leads there. ``lookup(name)`` gives the free globals of the
    function (or class) ``name`` as the cell would find it, or None if it is no function;
    ``functions`` (optional, for speed) holds every name that may be a function, and the
    names it turns away are appended to ``skipped`` when given.

    A function that is only passed along (``df.apply(clean)``) counts as used: it is
    almost always called. Names the cell itself bound before the call are not reads.
    """
    own = facts.functions
    names: list[str] = list(dict.fromkeys((*facts.calls, *facts.reads)))
    if functions is not None:
        if skipped is not None:
            skipped.extend(n for n in names if n not in functions)
        names = [n for n in names if n in functions or n in own]
    out: dict[str, str] = {}
    if not names:
        return out
    seen: set[str] = set()
    stack = []
    empty: frozenset[str] = frozenset()
    for name in names:
        seen.add(name)
        shadow = facts.calls_bound.get(name, empty)
        frees = own.get(name) if name in shadow else lookup(name)
        if frees:
            stack.append((name, frees, shadow))
    direct = set(facts.reads)
    while stack:
        via, frees, shadow = stack.pop()
        for g in frees:
            if g in shadow:
                inner = own.get(g)
            else:
                if g not in direct and g not in out:
                    out[g] = via
                if functions is None or g in functions:
                    inner = lookup(g)
                else:
                    inner = None
                    if skipped is not None:
                        skipped.append(g)
            if inner and g not in seen:
                seen.add(g)
                stack.append((via, inner, shadow))
    return out


class Definers:
    """Positions of the cells that define each name, for "nearest above/below" queries.

    Built for a fast common case: most reads are of a name some cell above defines,
    which ``first`` answers; the full position lists are built on first need.
    """

    def __init__(self, facts: Sequence[CellFacts | None]):
        self.facts = facts
        self.first: dict[str, int] = {}  # name -> position of its first definer
        self.last: dict[str, int] = {}  # name -> position of its last definer
        self.uncertain: set[str] = set()  # names some cell defines only conditionally
        self.function_names: set[str] = set()  # names some cell defines as a def/class/lambda
        self._all: dict[str, list[int]] | None = None
        self._certain: dict[str, list[int]] = {}
        per_cell = []  # {name: pos} of each cell, in order
        last = self.last
        for pos, f in enumerate(facts):
            if f is None or f.error is not None or not f.defines:
                continue
            here = dict.fromkeys(f.defines, pos)
            per_cell.append(here)
            last.update(here)
            if f.uncertain_defines:
                self.uncertain.update(f.uncertain_defines)
            if f.functions:
                self.function_names.update(f.functions)
        first = self.first
        for here in reversed(per_cell):
            first.update(here)

    @property
    def all(self) -> dict[str, list[int]]:
        """name -> positions of every cell defining it, ascending."""
        if self._all is None:
            self._all = {}
            for pos, f in enumerate(self.facts):
                if f is not None and f.error is None:
                    for name in f.defines:
                        self._all.setdefault(name, []).append(pos)
        return self._all

    def _positions(self, name: str) -> Sequence[int]:
        first = self.first[name]
        return (first,) if first == self.last[name] else self.all[name]

    def above(self, name: str, pos: int) -> int | None:
        """Nearest cell above ``pos`` that defines ``name``: its producer on Run All."""
        first = self.first.get(name)
        if first is None or first >= pos:
            return None
        positions = self._positions(name)
        return positions[bisect_left(positions, pos) - 1]

    def certainly_above(self, name: str, pos: int) -> bool:
        if name not in self.uncertain:
            return self.first.get(name, pos) < pos
        positions = self._certain.get(name)
        if positions is None:
            facts = self.facts
            positions = self._certain[name] = [
                p for p in self.all[name] if name not in _defined(facts[p]).uncertain_defines
            ]
        return bool(positions) and positions[0] < pos

    def below(self, name: str, pos: int) -> int | None:
        """Nearest cell below ``pos`` that defines ``name``."""
        if name not in self.first:
            return None
        positions = self._positions(name)
        i = bisect_right(positions, pos)
        return positions[i] if i < len(positions) else None

    def anywhere(self, name: str) -> bool:
        return name in self.first

    def function_lookup(self, pos: int) -> FunctionLookup:
        """``lookup`` for ``reads_through_calls`` as seen by the cell at ``pos`` on Run All."""

        def lookup(name: str) -> tuple[str, ...] | None:
            p = self.above(name, pos)
            return None if p is None else _defined(self.facts[p]).functions.get(name)

        return lookup

    def through(self, pos: int) -> dict[str, str]:
        """Names the cell at ``pos`` reads inside the functions it uses on Run All
        (name -> the function), see ``reads_through_calls``."""
        f = self.facts[pos]
        fn = self.function_names
        if f is None or f.error is not None:
            return {}
        if not f.functions and fn.isdisjoint(f.reads) and fn.isdisjoint(f.calls):
            return {}
        # Memoised by cell text across calls, with the lookups it made: still valid while
        # each looked-up name resolves to the same function and no skipped name became one.
        memo = _THROUGH.get(f.source)
        if memo is not None:
            result, was_looked, was_skipped = memo
            if fn.isdisjoint(was_skipped):
                facts, above = self.facts, self.above
                for n, frees in was_looked:
                    p = above(n, pos)
                    if (None if p is None else _defined(facts[p]).functions.get(n)) is not frees:
                        break
                else:
                    return result
        looked: list[tuple[str, tuple[str, ...] | None]] = []
        skipped: list[str] = []
        base = self.function_lookup(pos)

        def lookup(name: str) -> tuple[str, ...] | None:
            frees = base(name)
            looked.append((name, frees))
            return frees

        result = reads_through_calls(f, lookup, fn, skipped)
        if len(_THROUGH) > 8192:
            _THROUGH.clear()
        _THROUGH[f.source] = (result, tuple(looked), frozenset(skipped))
        return result

    def reads(self, pos: int) -> dict[str, str | None]:
        """What the cell at ``pos`` reads on Run All: direct reads (-> None) then names read
        through the functions it uses (-> that function)."""
        f = self.facts[pos]
        if f is None or f.error is not None:
            return {}
        out: dict[str, str | None] = dict.fromkeys(f.reads)
        out.update(self.through(pos))
        return out


# cell source -> (names read through calls, the lookups made, the names skipped)
_THROUGH: dict[str, tuple[dict[str, str], tuple[tuple[str, tuple[str, ...] | None], ...], frozenset[str]]] = {}


def _defined(facts: CellFacts | None) -> CellFacts:
    """The facts of a cell that ``Definers`` found defining a name (never None there)."""
    assert facts is not None
    return facts


@dataclass(frozen=True, slots=True)
class Unmet:
    """A read Restart & Run All would not satisfy, on the cells as they are now.

    ``why``: ``below`` (only cells below define it), ``deleted`` (a cell above ``del``s it
    after its last definition above), ``nowhere`` (no cell defines it), ``unbound-local``
    (the cell calls a function that updates the global ``name`` without declaring it:
    UnboundLocalError). ``source``: the position of the definer below, the deleter, or
    the cell defining the function; ``via``: the function it is read through, if any.
    """

    pos: int
    name: str
    why: str
    source: int | None
    certain: bool
    via: str | None = None


def unmet_reads(facts: Sequence[CellFacts | None], definers: Definers | None = None) -> list[Unmet]:
    """Every read of the notebook in order that Restart & Run All would not satisfy: the
    one position-based pass behind the live warnings (``use-before-define``,
    ``undefined``, ``hidden-state``) and lint's NR105/NR106.

    Not reported: builtins and IPython's names, reads under ``try: … except NameError``,
    cells that do not compile, and names a non-compiling cell mentions (it may define
    them). A name nothing defines is uncertain when a cell above star-imports or any cell
    uses ``globals()``, ``exec`` or ``%run``; a name defined above only conditionally
    and also below is an uncertain ``below``.
    """
    defs = definers or Definers(facts)
    first, uncertain = defs.first, defs.uncertain
    deleted: dict[str, list[int]] = {}
    broken: list[str] = []
    dynamic = False
    unbound = False
    for pos, f in enumerate(facts):
        if f is None:
            continue
        if f.error is not None:
            broken.append(f.source)
            continue
        for n in f.deletes:
            deleted.setdefault(n, []).append(pos)
        dynamic = dynamic or bool(f.dynamic_namespace)
        unbound = unbound or bool(f.unbound_locals)
    mentioned = set(_WORD.findall("\n".join(broken))) if broken else set()
    star_above = False
    out: list[Unmet] = []
    for pos, f in enumerate(facts):
        if f is None or f.error is not None:
            continue
        guarded = f.guarded
        for n, via in defs.reads(pos).items():
            if n in guarded:
                continue
            p = first.get(n)
            if p is not None and p < pos:  # defined above: fine on Run All, unless deleted since
                gone = _last_before(deleted.get(n), pos) if deleted else None
                if gone is not None and (defs.above(n, pos) or 0) < gone:
                    out.append(Unmet(pos, n, "deleted", gone, n not in uncertain, via))
                elif n in uncertain and not defs.certainly_above(n, pos):
                    below = defs.below(n, pos)
                    if below is not None:
                        out.append(Unmet(pos, n, "below", below, False, via))
                continue
            if is_predefined(n):
                continue
            below = defs.below(n, pos)
            if below is not None:
                out.append(Unmet(pos, n, "below", below, True, via))
            elif n not in mentioned and not star_above:
                out.append(Unmet(pos, n, "nowhere", None, not dynamic, via))
        if unbound and f.calls:
            for name in f.calls:
                p = defs.above(name, pos)
                if p is None and name in f.functions:
                    p = pos
                bad = None if p is None else _defined(facts[p]).unbound_locals.get(name)
                for n in bad or ():
                    out.append(Unmet(pos, n, "unbound-local", p, True, name))
        star_above = star_above or f.star_import is not None
    return out


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _last_before(positions: list[int] | None, pos: int) -> int | None:
    """The last of ascending ``positions`` that is above ``pos``, or None."""
    best = None
    for p in positions or ():
        if p >= pos:
            break
        best = p
    return best
