"""One code cell -> its facts: what it defines, reads, mutates, imports, calls.

The cell text first goes through IPython's own input transformer, so magics, shell
escapes and help syntax are understood the way the kernel understands them; the
result is parsed with ``ast`` and walked once by a compact scope walker (in the
manner of pyflakes) that follows Python's scoping rules: function bodies,
lambdas, comprehensions and class bodies each get their own scope.

``cell_facts`` is pure, memoised by source text, and never raises.
"""

from __future__ import annotations

import ast
import re
import sys
import warnings
from dataclasses import MISSING, dataclass, field, fields, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from typing import TypeAlias

    from IPython.core.inputtransformer2 import TransformerManager

    # A handler is called only with a node of the type it is registered for (see _dispatch).
    _StmtHandler: TypeAlias = Callable[["_Walker", ast.stmt], None]
    _ExprHandler: TypeAlias = Callable[["_Walker", ast.expr], None]
    _Handlers: TypeAlias = tuple[dict[type[ast.stmt], _StmtHandler], dict[type[ast.expr], _ExprHandler]]
    if sys.version_info >= (3, 11):
        _TryNode: TypeAlias = ast.Try | ast.TryStar
    else:
        _TryNode: TypeAlias = ast.Try

__all__ = ["CellFacts", "Magic", "cell_facts"]


@dataclass(frozen=True)
class Magic:
    """One IPython magic, shell escape or help request in a cell."""

    line: int
    kind: Literal["line", "cell", "shell", "help"]
    name: str
    text: str
    reads: tuple[str, ...]


@dataclass(frozen=True)
class CellFacts:
    """What one code cell does to the kernel namespace (see docs/architecture.md)."""

    source: str
    python: str
    error: str | None
    defines: tuple[str, ...] = ()
    uncertain_defines: frozenset[str] = frozenset()
    reads: tuple[str, ...] = ()
    calls: tuple[str, ...] = ()
    functions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    deletes: tuple[str, ...] = ()
    mutates: tuple[str, ...] = ()
    uncertain_mutates: frozenset[str] = frozenset()
    imports: dict[str, str] = field(default_factory=dict)
    star_import: int | None = None
    globals_declared: tuple[str, ...] = ()
    nonlocal_used: bool = False
    dynamic_namespace: tuple[tuple[str, int], ...] = ()
    output_history: tuple[str, ...] = ()
    displays: bool = False
    is_async: bool = False
    magics: tuple[Magic, ...] = ()
    reads_dunder: tuple[str, ...] = ()
    # Extensions beyond the documented contract:
    error_line: int | None = None  # 1-based line of ``error`` in the original source
    # called name -> names this cell had already bound before its first call there, so a
    # consumer adding the callee's free globals to ``reads`` can leave those out
    calls_bound: dict[str, frozenset[str]] = field(default_factory=dict)
    # What the versioned replay (namespace.py) needs beyond names:
    # name -> the constant keys it is read through (``df["a"]`` -> ``['a']``, ``obj.x`` ->
    # ``.x``, ``obj.f()`` -> ``.f()``, ``y = x`` -> ``&``: the object, not its contents);
    # a name read whole at least once is absent.
    keyed_reads: dict[str, frozenset[str]] = field(default_factory=dict)
    # name -> the keys it is changed at (``df["a"] = …``, ``obj.x = …``); absent: whole.
    keyed_mutates: dict[str, frozenset[str]] = field(default_factory=dict)
    grow_mutates: frozenset[str] = frozenset()  # changed only by append/extend
    # name -> constant keys the cell surely assigns (``df["a"] = …``) before it reads the
    # name whole or at that key: their earlier values are not inputs of the cell.
    overwrites: dict[str, frozenset[str]] = field(default_factory=dict)
    # Changes that never repeat harmlessly: ``n += 1``, ``lst.append(x)``, ``lst.pop()``.
    repeat_harm: frozenset[str] = frozenset()
    aliases: dict[str, str] = field(default_factory=dict)  # ``y = x``: y names x's object
    # name -> the random state a call draws from: ``np.random.rand()`` -> ``.random``,
    # ``rng.normal()`` / ``random.choice()`` -> ``~rng``
    draws: dict[str, str] = field(default_factory=dict)
    generators: frozenset[str] = frozenset()  # bound to a new random generator
    volatile: bool = False  # reads the clock or the OS: a re-run gives a new value
    guarded: frozenset[str] = frozenset()  # read under ``try: … except NameError``
    # top-level function -> names it updates (``n += 1``) without declaring them global
    unbound_locals: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # name -> the text that alone makes its value, when the cell binds it once, by a
    # literal (``SEED = 42``), an import or a plain ``def``: its version is that text,
    # whatever else the cell does (a changed ``TEST_SIZE`` leaves ``SEED`` as it was)
    pure_defines: dict[str, str] = field(default_factory=dict)
    _tree: ast.Module | None = field(default=None, repr=False, compare=False)

    @property
    def tree(self) -> ast.Module | None:
        """The ast of ``python`` (None when it does not parse).

        Built on first use and then kept: the memo of thousands of cells holds no trees
        unless someone asks, which keeps the garbage collector's full passes short.
        """
        if self.error is not None:
            return None
        if self._tree is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                object.__setattr__(self, "_tree", ast.parse(self.python))
        return self._tree


_FACT_DEFAULTS = {f.name: f.default for f in fields(CellFacts) if f.default is not MISSING}
_FACT_FACTORIES = tuple((f.name, f.default_factory) for f in fields(CellFacts) if f.default_factory is not MISSING)


def _new_facts(**values: object) -> CellFacts:
    """``CellFacts(**values)`` without the frozen dataclass's ``__init__``, which sets its 36
    fields one ``object.__setattr__`` at a time (about a sixth of a cold analysis). Every
    field must be given or have a default, as for the constructor."""
    d = dict(_FACT_DEFAULTS)
    for name, make in _FACT_FACTORIES:
        if name not in values:
            d[name] = make()
    d.update(values)
    facts = object.__new__(CellFacts)
    facts.__dict__.update(d)
    return facts


# Method names that change their receiver in place (lists, dicts, sets, arrays, frames).
MUTATING_METHODS = frozenset(
    """append extend insert remove pop popitem clear sort reverse update setdefault add
    discard difference_update intersection_update symmetric_difference_update
    __setitem__ __delitem__ __iadd__ fill resize itemset put partition setflags
    appendleft extendleft popleft rotate""".split()
)

# Changes that give another result when repeated (``lst.append(1)`` twice); ``+=`` too.
REPEAT_METHODS = frozenset("append extend insert remove pop popitem appendleft extendleft popleft rotate".split())
# Changes that only add at the end: ``lst[0]`` reads the same before and after.
GROW_METHODS = frozenset({"append", "extend"})
# Pandas indexers: ``df.loc[...] = v`` changes the frame, not an attribute named loc.
_INDEXERS = frozenset({"loc", "iloc", "at", "iat", "values"})
# Draws from a random state (the names of ``random``'s and numpy's functions and methods).
RANDOM_FUNCS = frozenset(
    """random randint randrange choice choices shuffle sample uniform gauss normalvariate
    getrandbits rand randn normal permutation integers standard_normal binomial poisson
    exponential beta gamma multinomial random_sample ranf bytes triangular lognormal
    random_integers multivariate_normal dirichlet laplace logistic geometric""".split()
)
# Calls that make a new random generator (its draws are state, see ``draws``).
GENERATOR_CTORS = frozenset({"default_rng", "RandomState", "Random", "Generator"})
# Calls that read the clock or the OS: a re-run of the cell gives another value.
VOLATILE_CALLS = frozenset(
    {"now", "today", "utcnow", "time", "time_ns", "perf_counter", "monotonic", "uuid1", "uuid4", "urandom"}
)
_GUARDS = frozenset({"NameError", "Exception", "BaseException"})

# Methods whose statement-call is common and does not change the receiver; without this
# list the "a method call used as a statement may mutate" heuristic would be noise.
PURE_METHODS = frozenset(
    """head tail describe info copy count index keys values items get format join split
    strip lower upper startswith endswith sum mean min max std var median mode
    value_counts unique nunique isna isnull notna notnull tolist to_list to_numpy to_dict
    to_csv to_json to_parquet to_excel to_pickle to_sql to_html to_string to_markdown
    plot hist boxplot scatter corr cov sample query round abs any all groupby agg
    memory_usage show savefig display print encode decode read readlines exists
    is_file is_dir glob summary predict predict_proba transform score get_params
    shape dtypes""".split()
)

# Line magics whose argument is Python code run in the user namespace.
CODE_MAGICS = frozenset({"time", "timeit", "prun", "debug"})
# Cell magics whose body is Python code run in the user namespace.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})
HELP_MAGICS = frozenset({"pinfo", "pinfo2", "psearch"})
_OPTIONS_WITH_VALUE = {"timeit": "nrp", "prun": "lsTD"}

_MODULE_DUNDERS = frozenset(
    "__name__ __file__ __doc__ __spec__ __loader__ __package__ __builtins__ __annotations__".split()
)
_HISTORY = re.compile(r"_+|_\d+|_i+|_i\d+|Out|In|_oh|_ih|_dh")
_DYNAMIC_NOARG = frozenset({"globals", "locals", "vars", "dir"})
_TERMINATORS = (ast.Raise, ast.Return, ast.Break, ast.Continue)
_BRACE = re.compile(r"(?<!\{)\{([^{}]+)\}(?!\})")
_DOLLAR = re.compile(r"(?<!\$)\$([A-Za-z_][A-Za-z0-9_]*)")

_FUNC, _CLASS, _COMP = 0, 1, 2


class _Scope:
    """A non-module scope. Function scopes resolve names when they close (Python decides
    locals statically); class and comprehension scopes resolve as they go."""

    __slots__ = ("called", "globals", "kind", "loads", "names", "nonlocals", "parent", "sink")

    def __init__(self, kind: int, parent: _Scope | None, sink: str | None = None) -> None:
        self.kind = kind  # _FUNC, _CLASS or _COMP
        self.parent = parent
        self.names: set[str] = set()  # locals (function), bound-so-far (class), targets (comprehension)
        self.loads: list[str] = []
        self.called: set[str] = set()
        self.globals: set[str] = set()
        self.nonlocals: set[str] = set()
        # Where free globals of a function that reaches module level go: the name of the
        # module-level def/class/lambda-assignment it belongs to, or None (read right now).
        self.sink = sink


def _root(node: ast.expr) -> str | None:
    """The name at the root of ``a.b[c].d``, or None."""
    while True:
        if type(node) is ast.Name:
            return node.id
        if type(node) is ast.Attribute or type(node) is ast.Subscript:
            node = node.value
        else:
            return None


def terminates(body: Sequence[ast.stmt]) -> bool:
    """The block's last statement leaves it (``raise``, ``return``, ``break``, ``continue``)."""
    return bool(body) and isinstance(body[-1], _TERMINATORS)


def match_is_exhaustive(node: ast.Match) -> bool:
    """Some case of the ``match`` always runs: the last one is an unguarded ``case _``/``case x``."""
    last = node.cases[-1] if node.cases else None
    return (
        last is not None
        and last.guard is None
        and isinstance(last.pattern, ast.MatchAs)
        and last.pattern.pattern is None
    )


def _is_suppress(item: ast.withitem) -> bool:
    f = item.context_expr.func if isinstance(item.context_expr, ast.Call) else None
    return (isinstance(f, ast.Name) and f.id == "suppress") or (isinstance(f, ast.Attribute) and f.attr == "suppress")


def _expand_reads(text: str) -> tuple[str, ...]:
    """Names IPython interpolates into a magic/shell line: ``{expr}`` and ``$name``.

    All-uppercase ``$NAME`` is taken to be an environment variable for the shell.
    """
    if not text:
        return ()
    out: dict[str, None] = {}
    for m in _BRACE.finditer(text):
        try:
            tree = ast.parse(m.group(1).strip(), mode="eval")
        except (SyntaxError, ValueError):
            continue
        for n in ast.walk(tree):
            if isinstance(n, ast.Name):
                out[n.id] = None
    for m in _DOLLAR.finditer(text):
        if not m.group(1).isupper():
            out[m.group(1)] = None
    return tuple(out)


def _strip_options(arg: str, magic: str) -> str:
    """The code part of ``%timeit -n 10 -r 3 f(x)``."""
    with_value = _OPTIONS_WITH_VALUE.get(magic, "")
    words = arg.split(" ")
    i = 0
    while i < len(words):
        w = words[i]
        if not w:
            i += 1
        elif w.startswith("-") and len(w) > 1 and w[1].isalpha():
            i += 2 if (w[1] in with_value and len(w) == 2) else 1
        else:
            break
    return " ".join(words[i:])


def _magic_call(node: ast.Call) -> str | None:
    """``get_ipython().<method>(...)`` -> method, else None."""
    f = node.func
    if type(f) is ast.Attribute and type(f.value) is ast.Call:
        g = f.value.func
        if (
            type(g) is ast.Name
            and g.id == "get_ipython"
            and f.attr
            in (
                "run_line_magic",
                "system",
                "getoutput",
            )
        ):
            return f.attr
    return None


def _str_args(node: ast.Call) -> list[str]:
    return [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else "" for a in node.args]


def _import_text(node: ast.Import | ast.ImportFrom, alias: ast.alias) -> str:
    asname = f" as {alias.asname}" if alias.asname else ""
    if isinstance(node, ast.Import):
        return f"import {alias.name}{asname}"
    return f"from {'.' * node.level}{node.module or ''} import {alias.name}{asname}"


_STMT_HANDLERS: dict[type[ast.stmt], str] = {
    ast.Expr: "_s_expr",
    ast.Assign: "_s_assign",
    ast.AugAssign: "_s_augassign",
    ast.AnnAssign: "_s_annassign",
    ast.Import: "_s_import",
    ast.ImportFrom: "_s_import",
    ast.FunctionDef: "_s_def",
    ast.AsyncFunctionDef: "_s_def",
    ast.ClassDef: "_s_class",
    ast.If: "_s_if",
    ast.For: "_s_for",
    ast.AsyncFor: "_s_for",
    ast.While: "_s_while",
    ast.With: "_s_with",
    ast.AsyncWith: "_s_with",
    ast.Try: "_s_try",
    ast.Delete: "_s_delete",
    ast.Global: "_s_global",
    ast.Nonlocal: "_s_nonlocal",
    ast.Match: "_s_match",
}
if sys.version_info >= (3, 11):
    _STMT_HANDLERS[ast.TryStar] = "_s_try"
_EXPR_HANDLERS: dict[type[ast.expr], str] = {
    ast.Call: "_e_call",
    ast.Lambda: "_e_lambda",
    ast.ListComp: "_e_comp",
    ast.SetComp: "_e_comp",
    ast.GeneratorExp: "_e_comp",
    ast.DictComp: "_e_comp",
    ast.NamedExpr: "_e_walrus",
    ast.BoolOp: "_e_boolop",
    ast.IfExp: "_e_ifexp",
    ast.Await: "_e_await",
    ast.Subscript: "_e_subscript",
}
_DISPATCH: dict[type[_Walker], _Handlers] = {}


def _dispatch(cls: type[_Walker]) -> _Handlers:
    """The statement and expression handlers of walker class ``cls`` (a subclass's
    overrides included), as functions taking the walker: looked up once per class, not
    bound once per cell."""
    fns = _DISPATCH.get(cls)
    if fns is None:
        fns = _DISPATCH[cls] = (
            {t: getattr(cls, n) for t, n in _STMT_HANDLERS.items()},
            {t: getattr(cls, n) for t, n in _EXPR_HANDLERS.items()},
        )
    return fns


class _Walker:
    """Walks one parsed cell once, collecting its facts.

    Its definite assignment (``definite``: the module names certainly bound on the
    current path) is the one analysis of it: extraction subclasses this walker.
    """

    def __init__(self, lines: list[str], offset: int = 0) -> None:
        # The dicts of names to None are ordered sets: the facts list names in walk order.
        self.lines = lines
        self.offset = offset  # added to tree line numbers to get original lines
        self.scope: _Scope | None = None  # None = module level
        self.fn_depth = 0  # > 0 inside a def/lambda body (runs later, or not at all)
        self.cond = 0  # > 0 under a branch, loop, try or comprehension
        self.top_def: str | None = None  # the module-level def/class/lambda being walked
        self.bound: set[str] = set()  # module names the cell may have bound so far
        self.definite: set[str] = set()  # module names certainly bound on the current path
        self.certain: set[str] = set()
        self.defines: dict[str, None] = {}
        self.reads: dict[str, None] = {}
        self.calls: dict[str, frozenset[str]] = {}  # called name -> names bound before
        self.functions: dict[str, dict[str, None]] = {}  # a def's name -> the globals it reads
        self.deletes: dict[str, None] = {}
        self.mutates: dict[str, None] = {}
        self.mut_certain: set[str] = set()
        self.imports: dict[str, str] = {}  # name -> the import statement binding it
        self.star_import: int | None = None
        self.globals_declared: dict[str, None] = {}
        self.nonlocal_used = False
        self.dynamic: list[tuple[str, int]] = []  # (what, line)
        self.history: dict[str, None] = {}
        self.is_async = False
        self.magics: list[Magic] = []
        self.dunders: dict[str, None] = {}
        self._key: str | None = None  # the constant key of the load being made (see keyed_reads)
        self.whole: set[str] = set()  # module names read whole at least once
        self.keyed: dict[str, set[str]] = {}  # module name -> keys it is read through
        self.mut_whole: set[str] = set()
        self.mut_keys: dict[str, set[str]] = {}
        self.overwrites: dict[str, set[str]] = {}  # module name -> keys assigned before any read of them
        self.not_grow: set[str] = set()  # mutated whole by something other than append/extend
        self.repeat: dict[str, None] = {}
        self.aliases: dict[str, str] = {}
        self.draws: dict[str, str] = {}
        self.generators: dict[str, None] = {}
        self.volatile = False
        self.guarded: dict[str, None] = {}
        self.unbound: dict[str, dict[str, None]] = {}  # top-level def -> names it updates
        self.future_annotations = False
        self.binds: dict[str, int] = {}  # module name -> how many places bind it
        self.stmt, self.expr_special = _dispatch(type(self))

    # ----- names -------------------------------------------------------------------
    def load(self, name: str) -> bool:
        if name[0] == "_" and name in _MODULE_DUNDERS:
            self.dunders[name] = None
        s = self.scope
        while s is not None:
            k = s.kind
            if k is _FUNC:
                s.loads.append(name)
                return False
            if name in s.names:
                return False
            s = s.parent
        self._module_read(name)
        return True

    def _module_read(self, name: str) -> None:
        if name not in self.bound:
            self.reads[name] = None
            key = self._key
            if key is None:
                self.whole.add(name)
            else:
                self.keyed.setdefault(name, set()).add(key)
            if (name[0] == "_" or name[0] in "IO") and _HISTORY.fullmatch(name):
                self.history[name] = None

    def store(self, name: str) -> None:
        s = self.scope
        if s is None:
            self.bind(name)
        elif s.kind is _FUNC:
            if name in s.globals:
                self._func_global(name)
            elif name not in s.nonlocals:
                s.names.add(name)
        else:
            s.names.add(name)

    def bind(self, name: str) -> None:
        """A module-level binding by this cell."""
        self.binds[name] = self.binds.get(name, 0) + 1
        self.defines.setdefault(name, None)
        self.bound.add(name)
        self.definite.add(name)
        if not self.cond:
            self.certain.add(name)

    def _func_global(self, name: str) -> None:
        # bound only if the function runs: a define, never a certain one
        self.defines.setdefault(name, None)

    def _call_name(self, name: str) -> None:
        if name not in self.calls:
            self.calls[name] = frozenset(self.bound)

    def _keyed_load(self, name: str, key: str) -> None:
        prev, self._key = self._key, key
        self.load(name)
        self._key = prev

    def mutate(self, target: ast.expr, heuristic: bool = False, method: str | None = None) -> None:
        if self.fn_depth:
            return
        name = _root(target)
        if name is None:
            return
        s = self.scope
        while s is not None:  # a comprehension target or class attribute is not a global
            if name in s.names:
                return
            s = s.parent
        self.mutates.setdefault(name, None)
        if not heuristic and not self.cond:
            self.mut_certain.add(name)
        key = _mutation_key(target)
        if key is None:
            self.mut_whole.add(name)
            if method not in GROW_METHODS:
                self.not_grow.add(name)
        else:
            self.mut_keys.setdefault(name, set()).add(key)
        if method in REPEAT_METHODS:
            self.repeat[name] = None

    # ----- statements --------------------------------------------------------------
    def block(self, body: Iterable[ast.stmt]) -> None:
        stmt = self.stmt
        for node in body:
            h = stmt.get(type(node))
            if h is not None:
                h(self, node)
            else:
                self.generic(node)

    def generic(self, node: ast.AST) -> None:
        expr = self.expr
        for f in node._fields:
            v = getattr(node, f)
            if type(v) is list:
                for x in v:
                    if isinstance(x, ast.expr):
                        expr(x)
                    elif isinstance(x, ast.stmt):
                        self.block((x,))
            elif isinstance(v, ast.expr):
                expr(v)

    def _s_expr(self, node: ast.Expr) -> None:
        v = node.value
        self.expr(v)
        if type(v) is ast.Await:
            v = v.value
        if type(v) is ast.Call and type(v.func) is ast.Attribute:
            meth = v.func.attr
            if meth not in MUTATING_METHODS and meth not in PURE_METHODS:
                self.mutate(v.func.value, heuristic=True)

    def _s_assign(self, node: ast.Assign) -> None:
        v = node.value
        t = node.targets
        one = t[0] if len(t) == 1 and type(t[0]) is ast.Name and self.scope is None else None
        if one is not None and type(v) is ast.Name and not self.cond:
            self.aliases[one.id] = v.id
            self._keyed_load(v.id, "&")
        elif one is not None and type(v) is ast.Call and _callee(v) in GENERATOR_CTORS:
            self.generators[one.id] = None
            self.expr(v)
        elif type(v) is ast.Lambda and self.scope is None and len(t) == 1 and type(t[0]) is ast.Name:
            name = t[0].id
            self.functions.setdefault(name, {})
            prev, self.top_def = self.top_def, name
            self._e_lambda(v)
            self.top_def = prev
        else:
            self.expr(v)
        for target in t:
            self.target(target)

    def _s_augassign(self, node: ast.AugAssign) -> None:
        t = node.target
        if isinstance(t, ast.Name):
            s = self.scope
            name = t.id
            if (
                s is not None
                and s.kind is _FUNC
                and self.top_def is not None
                and name not in s.names
                and name not in s.globals
                and name not in s.nonlocals
            ):
                self.unbound.setdefault(self.top_def, {})[name] = None
            self.load(name)
            self.expr(node.value)
            self.store(name)
            if s is None:
                self.repeat[name] = None
        else:
            self.expr(t.value)
            if type(t) is ast.Subscript:
                self.expr(t.slice)
            self.expr(node.value)
            self.mutate(t, method="__iadd__")
            if not self.fn_depth:
                root = _root(t)
                if root is not None:
                    self.repeat[root] = None

    def _s_annassign(self, node: ast.AnnAssign) -> None:
        # annotations of locals never run; with ``from __future__ import annotations`` none do
        if (self.scope is None or self.scope.kind is _CLASS) and not self.future_annotations:
            self.expr(node.annotation)
        if node.value is not None:
            self.expr(node.value)
            self.target(node.target)
        elif type(node.target) is ast.Name and self.scope is not None:
            self.scope.names.add(node.target.id)

    def _s_import(self, node: ast.Import | ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name == "*":
                if self.scope is None and self.star_import is None:
                    self.star_import = node.lineno + self.offset
                continue
            if isinstance(node, ast.ImportFrom) and node.module == "__future__":
                self.future_annotations = self.future_annotations or alias.name == "annotations"
                continue  # a compiler directive: binds nothing
            name = alias.asname or alias.name.partition(".")[0]
            self.store(name)
            if self.scope is None:
                self.imports[name] = _import_text(node, alias)

    def _decorators(self, decorators: list[ast.expr]) -> None:
        for d in decorators:
            if type(d) is ast.Name:
                if self.load(d.id):
                    self._call_name(d.id)
            else:
                self.expr(d)

    def _arguments(self, args: ast.arguments) -> list[str]:
        """Defaults and annotations run in the enclosing scope; returns parameter names."""
        for d in args.defaults:
            self.expr(d)
        for k in args.kw_defaults:
            if k is not None:
                self.expr(k)
        params = []
        for a in (*args.posonlyargs, *args.args, args.vararg, *args.kwonlyargs, args.kwarg):
            if a is not None:
                params.append(a.arg)
                if a.annotation is not None and not self.future_annotations:
                    self.expr(a.annotation)
        return params

    def _s_def(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._decorators(node.decorator_list)
        params = self._arguments(node.args)
        if node.returns is not None and not self.future_annotations:
            self.expr(node.returns)
        top = self.scope is None
        if top:
            self.functions.setdefault(node.name, {})
            prev, self.top_def = self.top_def, node.name
        scope = _Scope(_FUNC, self.scope, self.top_def)
        scope.names.update(params)
        self._enter(scope)
        self.block(node.body)
        self._leave(scope)
        if top:
            self.top_def = prev
        self.store(node.name)

    def _s_class(self, node: ast.ClassDef) -> None:
        self._decorators(node.decorator_list)
        for b in node.bases:
            self.expr(b)
        for k in node.keywords:
            self.expr(k.value)
        top = self.scope is None
        if top:
            self.functions.setdefault(node.name, {})
            prev, self.top_def = self.top_def, node.name
        scope = _Scope(_CLASS, self.scope)
        prev_scope, self.scope = self.scope, scope
        self.block(node.body)
        self.scope = prev_scope
        if top:
            self.top_def = prev
        self.store(node.name)

    def _enter(self, scope: _Scope) -> None:
        self.scope = scope
        self.fn_depth += 1

    def _leave(self, scope: _Scope) -> None:
        """Close a function scope: pass its free names to where they resolve."""
        self.scope = scope.parent
        self.fn_depth -= 1
        names, glob = scope.names, scope.globals
        seen = set()
        for name in scope.loads:
            if name in seen or (name in names and name not in glob):
                continue
            seen.add(name)
            called = name in scope.called
            s = None if name in glob else scope.parent
            while s is not None:
                if s.kind is _FUNC:
                    s.loads.append(name)
                    if called:
                        s.called.add(name)
                    break
                if s.kind is _COMP and name in s.names:
                    break
                s = s.parent
            else:
                if scope.sink is None:
                    self._module_read(name)
                    if called:
                        self._call_name(name)
                else:
                    self.functions[scope.sink][name] = None

    def _branches(self, blocks: Iterable[Sequence[ast.stmt]]) -> None:
        """Walk alternative blocks from the same state; keep what all that fall through bind."""
        if self.scope is not None:
            self.cond += 1
            for b in blocks:
                self.block(b)
            self.cond -= 1
            return
        before = self.definite
        merged = None
        self.cond += 1
        for b in blocks:
            self.definite = set(before)
            self.block(b)
            if not terminates(b):
                merged = self.definite if merged is None else merged & self.definite
        self.cond -= 1
        self.definite = before if merged is None else merged
        if not self.cond:
            self.certain |= self.definite

    def _s_if(self, node: ast.If) -> None:
        self.expr(node.test)
        self._branches((node.body, node.orelse))

    def _loop_body(self, node: ast.For | ast.AsyncFor | ast.While, target: ast.expr | None = None) -> None:
        before = self.definite
        self.cond += 1
        if self.scope is None:
            self.definite = set(before)
        if target is not None:
            self.target(target)
        self.block(node.body)
        self.block(node.orelse)
        self.cond -= 1
        self.definite = before

    def _s_for(self, node: ast.For | ast.AsyncFor) -> None:
        self.expr(node.iter)
        if type(node) is ast.AsyncFor and not self.fn_depth:
            self.is_async = True
        self._loop_body(node, node.target)

    def _s_while(self, node: ast.While) -> None:
        self.expr(node.test)
        self._loop_body(node)

    def _s_with(self, node: ast.With | ast.AsyncWith) -> None:
        if type(node) is ast.AsyncWith and not self.fn_depth:
            self.is_async = True
        suppress = False
        for item in node.items:
            self.expr(item.context_expr)
            suppress = suppress or _is_suppress(item)
            if item.optional_vars is not None:
                self.target(item.optional_vars)
        if suppress:
            self._branches((node.body, []))
        else:
            self.block(node.body)

    def _s_try(self, node: _TryNode) -> None:
        if self.scope is None and any(_catches_name_error(h.type) for h in node.handlers):
            # ``try: data`` / ``except NameError: data = load()``: the read may fail on purpose
            for n in ast.walk(ast.Module(body=node.body, type_ignores=[])):
                if type(n) is ast.Name and type(n.ctx) is ast.Load:
                    self.guarded[n.id] = None
        blocks = [node.body + node.orelse]
        for h in node.handlers:
            if h.type is not None:
                self.expr(h.type)
            body = h.body
            if h.name:
                body = [ast.Assign(targets=[ast.Name(h.name, ast.Store())], value=ast.Constant(None)), *body]
            blocks.append(body)
        before = self.definite
        if node.handlers:
            self._branches(blocks)
        else:  # past a try/finally, its body ran to the end (or the exception goes on)
            self.definite = set(before)
            self.block(node.body)
            self.block(node.orelse)
        after = self.definite
        # the finally block may run after the body stopped anywhere
        self.definite = set(before)
        self.block(node.finalbody)
        self.definite |= after

    def _s_delete(self, node: ast.Delete) -> None:
        for t in node.targets:
            self._delete(t)

    def _delete(self, t: ast.expr) -> None:
        # the parser allows names, tuples and lists of targets, attributes and subscripts
        if type(t) is ast.Name:
            name = t.id
            s = self.scope
            if s is None:
                if name not in self.bound:
                    self.reads[name] = None
                self.deletes[name] = None
                self.definite.discard(name)
            elif s.kind is _FUNC:
                if name in s.globals:
                    self._func_global(name)
                else:
                    s.names.add(name)
        elif type(t) is ast.Tuple or type(t) is ast.List:
            for e in t.elts:
                self._delete(e)
        elif type(t) is ast.Attribute or type(t) is ast.Subscript:
            self.expr(t.value)
            if type(t) is ast.Subscript:
                self.expr(t.slice)
            self.mutate(t)

    def _s_global(self, node: ast.Global) -> None:
        for name in node.names:
            self.globals_declared[name] = None
            if self.scope is not None and self.scope.kind is _FUNC:
                self.scope.globals.add(name)

    def _s_nonlocal(self, node: ast.Nonlocal) -> None:
        self.nonlocal_used = True
        if self.scope is not None:
            self.scope.nonlocals.update(node.names)

    def _s_match(self, node: ast.Match) -> None:
        self.expr(node.subject)
        if self.scope is None:
            before = self.definite
            merged = None
            self.cond += 1
            for case in node.cases:
                self.definite = set(before)
                self._case(case)
                if not terminates(case.body):
                    merged = self.definite if merged is None else merged & self.definite
            self.cond -= 1
            self.definite = merged if (match_is_exhaustive(node) and merged is not None) else before
            if not self.cond:
                self.certain |= self.definite
        else:
            for case in node.cases:
                self._case(case)

    def _case(self, case: ast.match_case) -> None:
        self._pattern(case.pattern)
        if case.guard is not None:
            self.expr(case.guard)
        self.block(case.body)

    def _pattern(self, p: ast.pattern) -> None:
        if type(p) is ast.MatchValue:
            self.expr(p.value)
        elif type(p) is ast.MatchAs:
            if p.pattern is not None:
                self._pattern(p.pattern)
            if p.name:
                self.store(p.name)
        elif type(p) is ast.MatchStar:
            if p.name:
                self.store(p.name)
        elif type(p) is ast.MatchMapping:
            for k in p.keys:
                self.expr(k)
            for q in p.patterns:
                self._pattern(q)
            if p.rest:
                self.store(p.rest)
        elif type(p) is ast.MatchClass:
            self.expr(p.cls)
            for q in (*p.patterns, *p.kwd_patterns):
                self._pattern(q)
        elif type(p) is ast.MatchSequence or type(p) is ast.MatchOr:
            for q in p.patterns:
                self._pattern(q)

    def target(self, t: ast.expr) -> None:
        if type(t) is ast.Name:
            self.store(t.id)
        elif type(t) is ast.Tuple or type(t) is ast.List:
            for e in t.elts:
                self.target(e)
        elif type(t) is ast.Starred:
            self.target(t.value)
        elif type(t) is ast.Attribute:
            self._container(t.value)
            self.mutate(t)
            self._overwrite(t)
        elif type(t) is ast.Subscript:
            self._container(t.value)
            self.expr(t.slice)
            self.mutate(t)
            self._overwrite(t)

    def _overwrite(self, t: ast.Attribute | ast.Subscript) -> None:
        """A plain store at a constant key of a module name, unconditional, before any
        read of that name but of the object itself or of other constant subscripts (a
        method or attribute may read every key): the key's old value is not read."""
        v = t.value
        if self.cond or self.fn_depth or self.scope is not None or type(v) is not ast.Name:
            return
        key = _mutation_key(t)
        name = v.id
        if key is None or name in self.whole:
            return
        if all(k == "&" or (k[0] == "[" and k != key) for k in self.keyed.get(name, ())):
            self.overwrites.setdefault(name, set()).add(key)

    def _container(self, node: ast.expr) -> None:
        """The object a store goes into: ``df`` in ``df["a"] = …`` is needed, not read."""
        if type(node) is ast.Name:
            self._keyed_load(node.id, "&")
        elif type(node) is ast.Attribute and type(node.value) is ast.Name:
            self._keyed_load(node.value.id, "&")  # `plt.rcParams[k] = v`
        else:
            self.expr(node)

    # ----- expressions -------------------------------------------------------------
    def expr(self, node: ast.expr) -> None:
        if type(node) is ast.Name:
            self.load(node.id)
        elif type(node) is ast.Constant:
            return
        elif type(node) is ast.Attribute:
            v = node.value
            if type(v) is ast.Name:
                self._keyed_load(v.id, "." + node.attr)
            else:
                self.expr(v)
        else:
            h = self.expr_special.get(type(node))
            if h is not None:
                h(self, node)
            else:
                self.generic(node)

    def _e_subscript(self, node: ast.Subscript) -> None:
        v = node.value
        # Out[12] is output history entry 12
        if type(v) is ast.Name and v.id == "Out" and type(node.slice) is ast.Constant:
            if self.load("Out") and isinstance(node.slice.value, int):
                self.history[f"_{node.slice.value}"] = None
        elif type(v) is ast.Name and (key := _constant_key(node.slice)) is not None:
            self._keyed_load(v.id, key)
        else:
            self.expr(v)
        self.expr(node.slice)

    def _e_call(self, node: ast.Call) -> None:
        f = node.func
        if type(f) is ast.Name:
            name = f.id
            if name in VOLATILE_CALLS and not self.fn_depth:
                self.volatile = True
            if self.load(name):
                self._call_name(name)
            elif self.scope is not None and self.scope.kind is _FUNC:
                self.scope.called.add(name)
            if name in _DYNAMIC_NOARG:
                if not node.args and not node.keywords and (name == "globals" or not self.fn_depth):
                    self.dynamic.append((f"{name}()", node.lineno + self.offset))
            elif name in ("exec", "eval") and len(node.args) < 2 and not node.keywords:
                if not self.fn_depth:
                    self.dynamic.append((name, node.lineno + self.offset))
        elif type(f) is ast.Attribute:
            magic = _magic_call(node)
            if magic is not None:
                self._magic(node, magic)
                return
            if f.attr in MUTATING_METHODS or any(
                k.arg == "inplace" and type(k.value) is ast.Constant and k.value.value is True for k in node.keywords
            ):
                self.mutate(f.value, method=f.attr)
            if not self.fn_depth:
                self._draw(f)
                if f.attr in VOLATILE_CALLS:
                    self.volatile = True
            if type(f.value) is ast.Name:
                self._keyed_load(f.value.id, f".{f.attr}()")
            else:
                self.expr(f)
        else:
            self.expr(f)
        for a in node.args:
            self.expr(a)
        for k in node.keywords:
            self.expr(k.value)

    def _draw(self, f: ast.Attribute) -> None:
        """``np.random.rand()``, ``random.choice(x)``, ``rng.normal()``: a draw from a random
        state, which changes it (``seed`` sets it: ``=`` before the key)."""
        parts = [f.attr]
        node = f.value
        while type(node) is ast.Attribute:
            parts.append(node.attr)
            node = node.value
        if type(node) is not ast.Name:
            return
        parts.reverse()
        last = parts[-1]
        if "random" in parts[:-1] and last not in GENERATOR_CTORS and last not in {"SeedSequence", "PCG64", "MT19937"}:
            key = ".random"
        elif len(parts) == 1 and (last in RANDOM_FUNCS or last == "seed"):
            key = "~rng"
        else:
            return
        before = self.draws.get(node.id)
        if before is None:
            # seeding sets the state; so does making the generator earlier in this cell
            fresh = last == "seed" or node.id in self.bound
            self.draws[node.id] = ("=" + key) if fresh else key
        elif not before.startswith("="):
            self.draws[node.id] = key

    def _e_lambda(self, node: ast.Lambda) -> None:
        params = self._arguments(node.args)
        scope = _Scope(_FUNC, self.scope, self.top_def)
        scope.names.update(params)
        self._enter(scope)
        self.expr(node.body)
        self._leave(scope)

    def _e_comp(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> None:
        gens = node.generators
        self.expr(gens[0].iter)
        before = set(self.definite)  # ``:=`` in it binds in the cell, if it yields at all
        scope = _Scope(_COMP, self.scope)
        prev = self.scope
        self.scope = scope
        self.cond += 1
        for i, g in enumerate(gens):
            if i:
                self.expr(g.iter)
            self.target(g.target)
            if g.is_async and not self.fn_depth:
                self.is_async = True
            for c in g.ifs:
                self.expr(c)
        if isinstance(node, ast.DictComp):
            self.expr(node.key)
            self.expr(node.value)
        else:
            self.expr(node.elt)
        self.cond -= 1
        self.scope = prev
        self.definite = before

    def _e_walrus(self, node: ast.NamedExpr) -> None:
        self.expr(node.value)
        name = node.target.id
        s = self.scope
        while s is not None and s.kind is _COMP:
            s = s.parent
        prev, self.scope = self.scope, s
        self.store(name)
        self.scope = prev

    def _e_boolop(self, node: ast.BoolOp) -> None:
        values = node.values
        self.expr(values[0])
        before = set(self.definite)
        self.cond += 1  # the right operands may not run
        for v in values[1:]:
            self.expr(v)
        self.cond -= 1
        self.definite = before

    def _e_ifexp(self, node: ast.IfExp) -> None:
        self.expr(node.test)
        before = set(self.definite)
        self.cond += 1
        self.expr(node.body)
        self.expr(node.orelse)
        self.cond -= 1
        self.definite = before

    def _e_await(self, node: ast.Await) -> None:
        if not self.fn_depth:
            self.is_async = True
        self.expr(node.value)

    # ----- magics ------------------------------------------------------------------
    def _magic(self, node: ast.Call, method: str) -> None:
        line = node.lineno + self.offset
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        args = [*_str_args(node), "", ""]
        if method != "run_line_magic":
            reads = _expand_reads(args[0])
            magic = Magic(line, "shell", "!", text, reads)
        else:
            name, arg = args[0], args[1]
            if name in HELP_MAGICS:
                reads = tuple(dict.fromkeys(_names_in(arg.strip().rstrip("?*"))))
                magic = Magic(line, "help", "?", text, reads)
            elif name in CODE_MAGICS:
                sub = cell_facts(_strip_options(arg, name))
                reads = sub.reads
                tree = None if name == "timeit" else sub.tree  # None when it does not parse
                if tree is not None:
                    prev, self.offset = self.offset, line - 1
                    self.block(tree.body)
                    self.offset = prev
                    reads = ()  # already loaded by the walk
                magic = Magic(line, "line", name, text, sub.reads)
            else:
                reads = _expand_reads(arg)
                if name == "store":
                    words = arg.split()
                    if "-r" in words:
                        self.cond += 1  # restored only if it was stored before
                        for w in words:
                            if w.isidentifier():
                                self.store(w)
                        self.cond -= 1
                    elif not any(w.startswith("-") for w in words):
                        reads = reads + tuple(w for w in words if w.isidentifier())
                elif name == "run":
                    self.dynamic.append(("%run", line))
                magic = Magic(line, "line", name, text, reads)
        for r in reads:
            self.load(r)
        self.magics.append(magic)

    def facts(self, source: str, python: str, body: list[ast.stmt], lines: list[str]) -> CellFacts:
        displays = False
        if body and type(body[-1]) is ast.Expr:
            last = body[-1]
            end = (last.end_lineno or last.lineno) - 1
            # ast columns count UTF-8 bytes
            rest = lines[end].encode()[last.end_col_offset :].decode(errors="ignore") if end < len(lines) else ""
            v = last.value
            quiet = False
            if type(v) is ast.Call:
                method = _magic_call(v)
                quiet = method == "system" or (method == "run_line_magic" and (_str_args(v) or [""])[0] in HELP_MAGICS)
            displays = not quiet and not rest.lstrip().startswith(";")
        defines = tuple(self.defines)
        certain = self.certain
        mutates = tuple(self.mutates)
        return _new_facts(
            source=source,
            python=python,
            error=None,
            defines=defines,
            uncertain_defines=frozenset(n for n in defines if n not in certain),
            reads=tuple(self.reads),
            calls=tuple(self.calls),
            functions={k: tuple(v) for k, v in self.functions.items()},
            deletes=tuple(self.deletes),
            mutates=mutates,
            uncertain_mutates=frozenset(n for n in mutates if n not in self.mut_certain),
            imports=self.imports,
            star_import=self.star_import,
            globals_declared=tuple(self.globals_declared),
            nonlocal_used=self.nonlocal_used,
            dynamic_namespace=tuple(self.dynamic),
            output_history=tuple(self.history),
            displays=displays,
            is_async=self.is_async,
            magics=tuple(self.magics),
            reads_dunder=tuple(self.dunders),
            calls_bound=dict(self.calls),
            keyed_reads={n: frozenset(k) for n, k in self.keyed.items() if n not in self.whole and n in self.reads},
            keyed_mutates={n: frozenset(k) for n, k in self.mut_keys.items() if n not in self.mut_whole},
            grow_mutates=frozenset(n for n in self.mut_whole if n not in self.not_grow and n not in self.mut_keys),
            overwrites={n: frozenset(k) for n, k in self.overwrites.items()},
            repeat_harm=frozenset(self.repeat),
            aliases=self.aliases,
            draws=self.draws,
            generators=frozenset(self.generators),
            volatile=self.volatile,
            guarded=frozenset(n for n in self.guarded if n in self.reads),
            unbound_locals={k: tuple(v) for k, v in self.unbound.items()},
            pure_defines=_pure_defines(body, python, self) if body else {},
        )


_LITERAL_NODES = (ast.Constant, ast.List, ast.Tuple, ast.Dict, ast.Set, ast.UnaryOp, ast.BinOp)


def _pure_defines(body: list[ast.stmt], python: str, walker: _Walker) -> dict[str, str]:
    """See ``CellFacts.pure_defines``: top-level statements that make one name's value
    from text alone; a name bound anywhere else in the cell is left out."""
    candidates: dict[str, str] = {}
    lines: list[str] | None = None
    for node in body:
        if (
            type(node) is ast.Assign
            and len(node.targets) == 1
            and type(node.targets[0]) is ast.Name
            and type(node.value) in _LITERAL_NODES
        ):
            try:
                value = ast.literal_eval(node.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                continue
            candidates[node.targets[0].id] = "=" + repr(value)
        elif type(node) is ast.Import or type(node) is ast.ImportFrom:
            for alias in node.names:
                name = alias.asname or alias.name.partition(".")[0]
                text = walker.imports.get(name)
                if text is not None:
                    candidates[name] = text
        elif type(node) is ast.FunctionDef and not node.decorator_list:
            a = node.args
            if all(type(d) is ast.Constant for d in (*a.defaults, *(d for d in a.kw_defaults if d is not None))):
                if lines is None:
                    lines = python.splitlines(keepends=True)
                candidates[node.name] = "".join(lines[node.lineno - 1 : node.end_lineno])
    if not candidates:
        return {}
    bound = walker.binds
    return {
        n: text
        for n, text in candidates.items()
        if bound.get(n, 0) == 1 and n not in walker.mutates and n not in walker.deletes and n in walker.certain
    }


def _callee(call: ast.Call) -> str | None:
    """The last name of what a call calls: ``np.random.default_rng(0)`` -> ``default_rng``."""
    f = call.func
    return f.id if type(f) is ast.Name else f.attr if type(f) is ast.Attribute else None


def _constant_key(node: ast.expr) -> str | None:
    """``["a"]`` / ``[0]`` for a constant string or int subscript, else None."""
    if type(node) is ast.Constant and type(node.value) in (str, int):
        return f"[{node.value!r}]"
    if type(node) is ast.UnaryOp and type(node.op) is ast.USub and type(node.operand) is ast.Constant:
        if type(node.operand.value) is int:
            return f"[{-node.operand.value!r}]"
    return None


def _mutation_key(target: ast.expr) -> str | None:
    """The key a change is made at: ``df["a"] = …`` -> ``['a']``, ``obj.x = …`` -> ``.x``;
    None when it changes the object as a whole (``lst.append``, ``df.loc[m] = …``)."""
    node = target
    while True:
        if type(node) is ast.Attribute:
            inner = node.value
            if type(inner) is ast.Name:
                return None if node.attr in _INDEXERS else "." + node.attr
        elif type(node) is ast.Subscript:
            inner = node.value
            if type(inner) is ast.Name:
                return _constant_key(node.slice)
        else:
            return None
        node = inner


def _catches_name_error(handler_type: ast.expr | None) -> bool:
    if handler_type is None:
        return True
    names = handler_type.elts if type(handler_type) is ast.Tuple else [handler_type]
    return any(type(n) is ast.Name and n.id in _GUARDS for n in names)


def _names_in(expr_text: str) -> Sequence[str]:
    try:
        tree = ast.parse(expr_text, mode="eval")
    except (SyntaxError, ValueError):
        return ()
    return [n.id for n in ast.walk(tree) if isinstance(n, ast.Name)]


_transformer: TransformerManager | None = None


def _transform(source: str) -> str:
    global _transformer
    if _transformer is None:
        from IPython.core.inputtransformer2 import TransformerManager

        _transformer = TransformerManager()
    return _transformer.transform_cell(source)


def _line_map(orig: list[str], new: list[str]) -> list[int]:
    """Original line (1-based) of each transformed line: continued magic lines are joined."""
    out = [0]
    i = 0
    if new and new[0].strip():  # IPython drops leading blank lines
        while i < len(orig) - 1 and not orig[i].strip():
            i += 1
    for text in new:
        out.append(min(i, len(orig) - 1) + 1 if orig else 1)
        if i < len(orig) and orig[i].strip() != text.strip():
            while i < len(orig) - 1 and orig[i].rstrip().endswith("\\"):
                i += 1
        i += 1
    return out


def _error(err: BaseException, line_of: Sequence[int] | None = None) -> tuple[str, int]:
    line = getattr(err, "lineno", None) or 1
    if line_of is not None:
        line = line_of[min(line, len(line_of) - 1)]
    msg = getattr(err, "msg", None) or str(err) or type(err).__name__
    return f"{type(err).__name__}: {msg} (line {line})", line


def _failed(source: str, python: str, message: str, line: int) -> CellFacts:
    return CellFacts(source=source, python=python, error=message, error_line=line)


Walker = _Walker  # public: extraction walks a selection with it
Scope = _Scope  # what a walker's scope hooks (_enter, _leave) are given


def may_hold(facts: CellFacts, *texts: str) -> bool:
    """Whether a cell that compiles may hold what a lint rule, the report or config's
    parameters look for in its tree: its text has one of ``texts``. Asked before reading
    ``facts.tree``, which parses the cell again and keeps the tree (see
    ``CellFacts.tree``): most cells hold none of them, and their trees are then never
    built."""
    return facts.error is None and any(t in facts.python for t in texts)


def may_name(facts: CellFacts, name: str) -> bool:
    """Whether a cell's names (its facts', its tree's) may include ``name``: its text or
    the Python IPython made of it holds it, or is not ASCII (the parser folds some
    letters of names: NFKC). Asked before reading the tree for one name."""
    return name in facts.source or name in facts.python or not facts.python.isascii()


def may_define(facts: CellFacts) -> bool:
    """Whether a cell may hold a ``def`` or ``class`` statement."""
    return may_hold(facts, "def", "class")


def cell_facts(source: str) -> CellFacts:
    """Facts of one code cell. Pure; memoised by source text; never raises."""
    if not isinstance(source, str):
        return _failed(repr(source), "", "TypeError: cell source is not a string (line 1)", 1)
    return _cached_facts(source)


@lru_cache(maxsize=4096)
def _cached_facts(source: str) -> CellFacts:
    try:
        with warnings.catch_warnings():  # `"\d"` and the like are the user's business, not the log's
            warnings.simplefilter("ignore")
            return _cell_facts(source)
    except RecursionError:
        return _failed(source, source, "RecursionError: the cell is nested too deeply to analyse (line 1)", 1)
    except Exception as err:
        return _failed(source, source, f"{type(err).__name__}: {err} (line 1)", 1)


def _cell_facts(source: str) -> CellFacts:
    line_of = None
    try:
        # Plain Python parses as is; IPython's transformer only changes text that is
        # not valid Python (magics, !, ?, prompts, leading indent), so skip it then.
        tree = ast.parse(source)
        python = source
    except (SyntaxError, ValueError):
        try:
            python = _transform(source)
        except Exception as err:
            message, line = _error(err)
            return _failed(source, source, message, line)
        if python.lstrip().startswith("get_ipython().run_cell_magic("):
            return _cell_magic(source, python)
        try:
            tree = ast.parse(python)
        except (SyntaxError, ValueError) as err:
            message, line = _error(err, _line_map(source.splitlines(), python.splitlines()))
            return _failed(source, python, message, line)
        if python != source:
            line_of = _line_map(source.splitlines(), python.splitlines())
    lines = source.splitlines()
    walker = _Walker(lines)
    walker.block(tree.body)
    facts = walker.facts(source, python, tree.body, python.splitlines())
    if line_of is not None and facts.magics:
        facts = replace(
            facts,
            magics=tuple(
                replace(m, line=line_of[m.line], text=lines[line_of[m.line] - 1])
                for m in facts.magics
                if m.line < len(line_of)
            ),
        )
    return facts


def _cell_magic(source: str, python: str) -> CellFacts:
    """``%%name line`` + body: Python bodies are analysed as cells of their own."""
    tree = ast.parse(python)
    stmt = tree.body[0]
    # what IPython's transformer makes of a cell magic; a cell that merely starts like one
    # fails here, and its facts say so (cell_facts never raises)
    assert type(stmt) is ast.Expr and type(stmt.value) is ast.Call, "not a cell magic call"
    call = stmt.value
    name, line, body = ([*_str_args(call), "", "", ""])[:3]
    lines = source.splitlines()
    first = next((t for t in lines if t.strip()), "")
    head = lines.index(first) + 1 if first in lines else 1
    words = line.split()
    defines = []
    if name == "capture" and words and not words[-1].startswith("-"):
        defines.append(words[-1])
    for opt in ("--out", "--err", "--proc"):
        if opt in words[:-1]:
            defines.append(words[words.index(opt) + 1])
    if name not in PYTHON_CELL_MAGICS:
        magic = Magic(head, "cell", name, first, _expand_reads(line))
        return CellFacts(
            source=source,
            python=python,
            error=None,
            defines=tuple(defines),
            reads=magic.reads,
            magics=(magic,),
        )
    sub = cell_facts(body)
    magic = Magic(head, "cell", name, first, sub.reads)
    shift = head

    def moved(n: int) -> int:
        return n + shift

    extra = tuple(d for d in defines if d not in sub.defines)
    timeit = name == "timeit"  # runs the body inside a function: nothing stays defined
    return replace(
        sub,
        source=source,
        python=python,
        _tree=None,
        error=None if sub.error is None else _shift_error(sub.error, sub.error_line, shift),
        error_line=None if sub.error_line is None else moved(sub.error_line),
        defines=extra if timeit else sub.defines + extra,
        uncertain_defines=frozenset() if timeit else sub.uncertain_defines,
        functions={} if timeit else sub.functions,
        imports={} if timeit else sub.imports,
        star_import=None if sub.star_import is None else moved(sub.star_import),
        dynamic_namespace=tuple((c, moved(n)) for c, n in sub.dynamic_namespace),
        magics=(magic, *(replace(m, line=moved(m.line)) for m in sub.magics)),
        displays=sub.displays and name == "time",
    )


def _shift_error(message: str, line: int | None, shift: int) -> str:
    # a failed analysis always has its line (see _failed)
    return message if line is None else message.replace(f"(line {line})", f"(line {line + shift})")
