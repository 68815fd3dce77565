"""Mode "module": imports, defs, classes and constants move as they are and are imported back."""

from __future__ import annotations

import ast

from .analysis import DEFS, IPYTHON_IMPORTS, KERNEL_BUILTINS, CodeCell, Planner, Statement, bound_name, import_text
from .plan import Moved, refuse
from .rewrite import merge

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


def plan_module(p: Planner) -> Moved:
    req = p.req
    p.check_selection()
    sel = p.split_selection()
    moved: dict[str, CodeCell] = {}  # names defined by moved defs, classes and constants
    imports_moved: dict[str, str] = {}
    definitions: list[tuple[Statement, list[str]]] = []
    for u in sel.units:
        c = u.cell
        names = []
        for s in u.stmts:
            line = s.lineno + c.shift
            if isinstance(s, (ast.Import, ast.ImportFrom)):
                for a in s.names:
                    imports_moved[bound_name(a)] = import_text(s, a)
            elif isinstance(s, DEFS):
                names.append(s.name)
            elif isinstance(s, (ast.Assign, ast.AnnAssign)) and s.value is not None and _is_constant(s.value):
                targets = s.targets if isinstance(s, ast.Assign) else [s.target]
                names += [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
            else:
                refuse(
                    c.pos,
                    line,
                    'only imports, def, class and constant assignments can move as they are (use mode "function" for other code)',
                )
        for n in names:
            moved.setdefault(n, c)
        if not all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in u.stmts):
            definitions.append((u.node, names))
    if not moved:
        refuse(
            None,
            None,
            'the selection only imports: imports stay in the notebook, where later cells use them; this mode moves definitions (def, class, constants), and their module imports what they need (use mode "function" to move code)',
        )
    for n in imports_moved:
        if n in moved or not all(c.import_only(n) for c in p.sel if n in c.facts.defines):
            refuse(None, None, f"{n} is both imported and assigned in the selection")
    local = set(moved) | set(imports_moved)
    module_imports: dict[str, str] = {}
    module_globals: set[str] = set()
    for c in p.sel:
        deps: list[tuple[str, str | None]] = [(n, None) for n in c.facts.reads]
        deps += [(n, fn) for fn, free in c.facts.functions.items() for n in free]
        for n, fn in deps:
            if n in local:
                continue
            user = f"{fn} reads" if fn else "the code reads"
            binders = p.earlier_binders(n)
            if binders and all(b.import_only(n) for b in binders):
                module_imports[n] = binders[-1].facts.imports[n]
            elif binders:
                refuse(
                    c.pos,
                    c.line_of(n, False),
                    f'{user} {n}, which cell {binders[-1].pos} defines and which does not move with it (move that cell too, or use mode "function")',
                )
            elif n not in KERNEL_BUILTINS and p.star_imports():
                module_imports.update(p.star_imports())
            elif n in KERNEL_BUILTINS:
                shadow = p.shadowed_anywhere(n)
                if shadow is not None:
                    refuse(
                        c.pos,
                        c.line_of(n, False),
                        f"{user} {n}, which cell {shadow.pos} rebinds: in a module it would be the builtin",
                    )
                module_globals.add(n)
                if n in IPYTHON_IMPORTS:
                    module_imports[n] = IPYTHON_IMPORTS[n]
            else:
                below = p.later_binders(n)
                where = f"only cell {below.pos}, below the selection, defines it" if below else "no cell defines it"
                refuse(c.pos, c.line_of(n, False), f"{user} {n}, but {where}")
        for fn, free in c.facts.functions.items():
            for n in free:
                below = p.later_binders(n)
                if below is not None:
                    refuse(
                        c.pos,
                        c.line_of(fn, True),
                        f"{fn} reads {n}, which cell {below.pos} rebinds later; in the module it would keep the old value",
                    )
    imports = [(n, s, None) for n, s in module_imports.items()]
    imports += [(n, s, None) for n, s in imports_moved.items()]
    module_source = merge(p, imports, definitions, module_globals)
    later = p.later_needs()
    names = list(moved)
    lines = list(sel.hoisted)
    lines += list(dict.fromkeys(s for n, s in imports_moved.items() if n in later))
    if names:
        lines.append(f"from {p.dotted} import {', '.join(names)}")
    p.notes.append(f"the definitions move to {req.module} unchanged and are imported back")
    return Moved([], names, module_source, "\n".join(lines))


def _is_constant(value: ast.expr) -> bool:
    """Whether an assignment's value may move as it is (a lambda, or no calls)."""
    if isinstance(value, ast.Lambda):
        return True
    return all(isinstance(n, _CONSTANT_NODES) for n in ast.walk(value))
