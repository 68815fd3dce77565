"""The kernel namespace as versions: what each run read, and what it changed.

A value's version is named by how it was made: the code of the run that made it and the
versions of everything that code read (a build system's view of a notebook). Two runs of
the same code on the same inputs make the same version, so a re-run that rebinds the same
value (a re-import, the same literal, the same ``def``) changes nothing.

``session.py`` walks the same ``Namespace`` twice: over the kernel session's runs as they
happened (the replay), and over the cells in notebook order, each as it last ran (what
Restart & Run All would do). A cell whose last run read other versions than Restart & Run
All would give it shows something else; the writers of the differing versions say why.

Granularity: a name is bound to an object (``y = x`` binds y to x's object); an object has
its creation version and the versions of its changes, whole (``lst.sort()``), at a
constant key (``df["a"] = …``, ``obj.x = …``), growing (``lst.append``) or drawn from
(``np.random.rand()`` advances numpy's random state, ``rng.normal()`` a generator's). A read
sees only what it reads: ``df["b"]`` does not see ``df["a"] = …``; ``lst[0]`` does not see
``lst.append(2)``; ``np.mean`` does not see ``np.random.seed(0)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

from .cells import CellFacts
from .dataflow import reads_through_calls

UNBOUND = -1  # the first component of the version of a name nothing binds

# What a read sees (``Namespace.read``): ``(UNBOUND, the del that unbound it or 0)``, an
# object's creation alone ``(vid,)``, or ``(vid, its last whole change, the last changes
# of its keys: {(key, version)})`` (the growth is the key ``"+"``).
Version: TypeAlias = "tuple[int] | tuple[int, int] | tuple[int, int, frozenset[tuple[str, int]]]"
Keys: TypeAlias = "frozenset[str] | None"  # None: the whole object
# a read at keys, or ``("but", keys the run assigns before reading them, keys)``
ReadKeys: TypeAlias = "Keys | tuple[Literal['but'], frozenset[str], Keys]"
Inputs: TypeAlias = "tuple[tuple[str, ReadKeys, Version], ...]"  # what a run read
# What a run did to the namespace (``Namespace.run``'s second answer, ``Namespace.apply``):
# (def, name, version, is a module, is a generator, a function's free globals, fingerprint)
DefOp: TypeAlias = "tuple[Literal['def'], str, int, bool, bool, tuple[str, ...] | None, str | None]"
# (mut, name, version, keys or None, only grew, fingerprint)
MutOp: TypeAlias = "tuple[Literal['mut'], str, int, Keys, bool, str | None]"
AliasOp: TypeAlias = "tuple[Literal['alias'], str, str]"  # (alias, name, the name it is bound to)
DelOp: TypeAlias = "tuple[Literal['del'], str, int]"
DrawOp: TypeAlias = "tuple[Literal['draw'], str, int, str]"  # (draw, name, version, state key)
Op: TypeAlias = "DefOp | MutOp | AliasOp | DelOp | DrawOp"


@dataclass(frozen=True, slots=True)
class Write:
    """One change: its kind (def, mut, grow, del, draw), the run it came from (``sig``: an
    id of :attr:`Versions.sigs`), the name and key it changed, and whether it surely
    happened (a conditional definition, a heuristic mutation or a failed run did not)."""

    kind: str
    sig: int
    name: str
    key: object
    certain: bool


@dataclass(frozen=True, slots=True)
class Sig:
    """What made a run's writes: its code, the versions it read, and a nonce (a re-run of
    code that reads the clock or the OS gets a new one: its values are new)."""

    source: str
    inputs: Inputs
    nonce: int
    failed: bool


_NO_WRITE = Write("", -1, "", None, False)


class Versions:
    """Interned versions and run signatures, shared by a replay and the simulations of
    Restart & Run All compared with it (the same computation gets the same id)."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, int, str, object], int] = {}
        self.writes: list[Write] = [_NO_WRITE]  # version 0: no change
        self._sig_ids: dict[tuple[str, Inputs, int, bool], int] = {}
        self.sigs: list[Sig] = []
        self.same: dict[int, int] = {}  # version -> the equal one it stands for (fingerprints)

    def sig(self, source: str, inputs: Inputs, nonce: int = 0, failed: bool = False) -> int:
        key = (source, inputs, nonce, failed)
        i = self._sig_ids.get(key)
        if i is None:
            i = self._sig_ids[key] = len(self.sigs)
            self.sigs.append(Sig(source, inputs, nonce, failed))
        return i

    def write(self, kind: str, sig: int, name: str, key: object, certain: bool) -> int:
        ident = (kind, sig, name, key)
        i = self._ids.get(ident)
        if i is None:
            i = self._ids[ident] = len(self.writes)
            self.writes.append(Write(kind, sig, name, key, certain))
        return self.same.get(i, i)


class Obj:
    """An object a name is bound to: its creation and the versions of its changes."""

    __slots__ = ("fp", "frees", "generator", "grow", "keys", "module", "vid", "whole")

    def __init__(
        self,
        vid: int,
        module: bool = False,
        generator: bool = False,
        frees: tuple[str, ...] | None = None,
        fp: str | None = None,
    ) -> None:
        self.vid = vid
        self.whole = 0  # last change of the whole object
        self.grow = 0  # last append/extend
        self.keys: dict[str, int] = {}  # key -> its last change
        self.module = module
        self.generator = generator
        self.frees = frees  # a function's or class's free globals
        self.fp = fp  # the probe's fingerprint of the current value, when known


def components(version: Version) -> set[int]:
    """The writes a version is made of."""
    out: set[int] = set()
    for part in version:
        if isinstance(part, int):
            if part > 0:
                out.add(part)
        else:
            for _, v in part:
                out.add(v)
    return out


class Namespace:
    """One walk over runs: the objects names are bound to, and who wrote each version."""

    def __init__(self, versions: Versions):
        self.versions = versions
        self.env: dict[str, Obj] = {}
        self.gone: dict[str, int] = {}  # name -> the ``del`` that unbound it
        self.writer: dict[int, int] = {}  # version -> tag of the run that wrote it
        self.functions: set[str] = set()  # names some run bound to a def/class/lambda

    # ----- reading ---------------------------------------------------------------------
    def read(self, name: str, keys: ReadKeys) -> Version:
        """The version of what a read of ``name`` at ``keys`` (None: whole) sees;
        ``("but", overwritten, keys)``: not the keys the run assigns before reading them."""
        obj = self.env.get(name)
        if obj is None:
            return (UNBOUND, self.gone.get(name, 0))
        but: frozenset[str] = frozenset()
        if isinstance(keys, tuple):
            _, but, keys = keys
        if keys is None:
            return _whole(obj, but)
        parts: list[tuple[str, int] | tuple[str, int, int] | tuple[str, int, int, frozenset[tuple[str, int]]]] = []
        for k in sorted(keys):
            c = k[0]
            if c == "&":
                continue
            if k[-1] == ")":
                if not obj.module:
                    return _whole(obj, but)  # a method reads its object whole
                k, c = k[:-2], "."
            if c == "[":
                grows = obj.grow if k[1] == "-" else 0
                parts.append((k, obj.keys.get(k, 0), grows))
            elif c == ".":
                subs = frozenset((s, v) for s, v in obj.keys.items() if s[0] == "[" and s not in but)
                parts.append((k, obj.keys.get(k, 0), obj.grow, subs))
            else:
                parts.append((k, obj.keys.get(k, 0)))
        if not parts:
            return (obj.vid,)
        flat: set[tuple[str, int]] = set()
        for p in parts:
            for x in p[1:]:
                if isinstance(x, int):
                    if x:
                        flat.add((p[0], x))
                else:
                    flat.update(x)
        return (obj.vid, obj.whole, frozenset(flat))

    def _lookup(self, name: str) -> tuple[str, ...] | None:
        obj = self.env.get(name)
        return None if obj is None else obj.frees

    def reads_of(self, f: CellFacts) -> list[tuple[str, ReadKeys]]:
        """What code with facts ``f`` reads here: (name, keys or None for whole, or
        ``("but", overwritten, keys)``, see ``read``)."""
        keyed, over = f.keyed_reads, f.overwrites
        reads: list[tuple[str, ReadKeys]] = [(n, keyed.get(n)) for n in f.reads]
        if over:  # a key the run assigns before reading it: its old value is no input
            for i, n in enumerate(f.reads):
                gone, keys = over.get(n), keyed.get(n)
                if gone is not None:
                    reads[i] = (n, ("but", gone, None if keys is None else (keys - gone) or frozenset(("&",))))
        fn = self.functions
        if f.functions or not (fn.isdisjoint(f.reads) and fn.isdisjoint(f.calls)):
            reads.extend((n, None) for n in reads_through_calls(f, self._lookup, fn))
        for n, key in f.draws.items():
            if key[0] != "=":
                reads.append((n, frozenset((key,))))
        return reads

    # ----- running ---------------------------------------------------------------------
    def run(
        self,
        f: CellFacts,
        tag: int,
        failed: bool = False,
        nonce: int = 0,
        fingerprints: dict[str, str] | None = None,
        modules: str = "",
    ) -> tuple[Inputs, tuple[Op, ...]]:
        """Apply one run of code with facts ``f``; returns what it read, ((name, keys,
        version), ...), and what it did (for ``apply``). ``modules`` names the local module
        code it ran with, when that is not the code its run had (modules.py): part of what
        made its values."""
        reads = self.reads_of(f)
        read = self.read
        inputs = tuple((n, k, read(n, k)) for n, k in reads)
        vs = self.versions
        code = f"{f.source}\0{modules}" if modules else f.source
        sig = vs.sig(code, inputs, nonce, failed)
        env, writer = self.env, self.writer
        fps = fingerprints or {}
        ops: list[Op] = []
        do = ops.append
        if not failed:
            for n in f.deletes:
                if env.pop(n, None) is not None or n in self.gone:
                    self.gone[n] = v = vs.write("del", sig, n, None, True)
                    writer[v] = tag
                    do(("del", n, v))
        for n in f.defines:
            old = env.get(n)
            fp = fps.get(n)
            if failed and old is not None and (fp is None or old.fp is None or fp == old.fp):
                continue  # a run that raised left the earlier value in place (as far as we know)
            src = f.aliases.get(n)
            if src is not None and not failed and src in env:
                env[n] = env[src]
                do(("alias", n, src))
                continue
            # a failed run whose fingerprint shows a new value did bind it before it raised
            certain = (not failed or old is not None) and n not in f.uncertain_defines
            pure = None if failed else f.pure_defines.get(n)
            if pure is not None and modules:
                pure = f"{pure}\0{modules}"
            if pure is None:
                v = vs.write("def", sig, n, None, certain)
            else:  # made by its text alone: the same text makes the same value
                v = vs.write("def", vs.sig(pure, ()), n, None, certain)
            if fp is not None and old is not None and old.fp == fp and old.vid != v:
                vs.same[v] = old.vid  # re-ran and gave the same value
                do(("def", n, old.vid, old.module, old.generator, old.frees, fp))
                continue
            frees = f.functions.get(n)
            op: DefOp = ("def", n, v, n in f.imports, n in f.generators, frees, fp)
            self._def(op, tag)
            do(op)
        if failed:
            return inputs, tuple(ops)
        for n in f.mutates:
            obj = env.get(n)
            if obj is None:
                continue
            heuristic = n in f.uncertain_mutates
            keys = f.keyed_mutates.get(n)
            if obj.module and keys is None:
                continue  # `plt.plot()`, `np.sort(x)`: calling a module's function
            fp = fps.get(n)
            if fp is not None and obj.fp == fp:
                continue  # the probe saw no change
            grow = keys is None and n in f.grow_mutates
            v = vs.write("grow" if grow else "mut", sig, n, keys, not heuristic)
            change: MutOp = ("mut", n, v, keys, grow, fp)
            self._mut(obj, change, tag)
            do(change)
        for n, key in f.draws.items():
            obj = env.get(n)
            if obj is None or not (obj.module or obj.generator):
                continue
            key = key.lstrip("=")
            v = vs.write("draw", sig, n, key, True)
            obj.keys[key] = v
            writer[v] = tag
            do(("draw", n, v, key))
        return inputs, tuple(ops)

    def _def(self, op: DefOp, tag: int) -> None:
        _, n, v, module, generator, frees, fp = op
        self.env[n] = Obj(v, module, generator, frees, fp)
        self.gone.pop(n, None)
        self.writer[v] = tag
        if frees is not None:
            self.functions.add(n)

    def _mut(self, obj: Obj, op: MutOp, tag: int) -> None:
        _, _n, v, keys, grow, fp = op
        obj.fp = fp
        self.writer[v] = tag
        if keys is not None:
            for k in keys:
                obj.keys[k] = v
        elif grow:
            obj.grow = v
        else:
            obj.whole = v

    def apply(self, ops: tuple[Op, ...], tag: int) -> None:
        """Do again what a run did (``run``'s second answer), where it read the same."""
        env = self.env
        for op in ops:
            if op[0] == "def":
                self._def(op, tag)
            elif op[0] == "mut":
                obj = env.get(op[1])
                if obj is not None:
                    self._mut(obj, op, tag)
            elif op[0] == "alias":
                if op[2] in env:
                    env[op[1]] = env[op[2]]
            elif op[0] == "del":
                env.pop(op[1], None)
                self.gone[op[1]] = op[2]
                self.writer[op[2]] = tag
            else:
                obj = env.get(op[1])
                if obj is not None:
                    obj.keys[op[3]] = op[2]
                    self.writer[op[2]] = tag


def _whole(obj: Obj, but: frozenset[str] = frozenset()) -> Version:
    keys = obj.keys.items() if not but else [(k, v) for k, v in obj.keys.items() if k not in but]
    return (obj.vid, obj.whole, frozenset(keys) | ({("+", obj.grow)} if obj.grow else frozenset()))


class Differ:
    """Whether two versions of one read certainly differ in value: they were made by
    different code, or by the same code from inputs that certainly differ. A difference
    that rests on a heuristic write, a conditional definition, a failed run or the clock is
    not certain."""

    LIMIT = 200  # deeper chains are judged by their writes alone

    def __init__(self, versions: Versions):
        self.versions = versions
        self.memo: dict[tuple[Version, Version], bool] = {}

    def certain(self, a: Version, b: Version, depth: int = 0) -> bool:
        if a == b:
            return False
        key = (a, b)
        got = self.memo.get(key)
        if got is None:
            got = self.memo[key] = self._certain(a, b, depth)
        return got

    def _certain(self, a: Version, b: Version, depth: int) -> bool:
        writes = self.versions.writes
        only_a = components(a) - components(b)
        only_b = components(b) - components(a)
        if not only_a and not only_b:
            return a[0] != b[0]  # bound vs unbound
        by_slot = {}
        for v in only_b:
            w = writes[v]
            by_slot[(w.kind, w.name, w.key)] = v
        for v in only_a:
            w = writes[v]
            twin = by_slot.pop((w.kind, w.name, w.key), None)
            if twin is None:
                if w.certain:
                    return True
            elif self._writes_differ(v, twin, depth):
                return True
        return any(writes[v].certain for v in by_slot.values())

    def _writes_differ(self, v: int, u: int, depth: int) -> bool:
        wa, wb = self.versions.writes[v], self.versions.writes[u]
        if not (wa.certain and wb.certain):
            return False
        sa, sb = self.versions.sigs[wa.sig], self.versions.sigs[wb.sig]
        if sa.source != sb.source:
            return True
        if sa.nonce != sb.nonce or sa.failed or sb.failed:
            return False
        if depth >= self.LIMIT:
            return True
        other = {(n, k): ver for n, k, ver in sb.inputs}
        for n, k, ver in sa.inputs:
            twin = other.pop((n, k), None)
            if twin is None or self.certain(ver, twin, depth + 1):
                return True
        return bool(other)
