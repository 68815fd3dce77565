"""Mode "function": the selection becomes one function, called by the replacement cell."""

from __future__ import annotations

import ast

import libcst as cst

from .analysis import (
    IPYTHON_IMPORTS,
    KERNEL_BUILTINS,
    CodeCell,
    Flow,
    Planner,
    Statement,
    Unit,
    bound_name,
    check_name_free,
    check_outside_functions,
    classify,
    draws_figure,
    import_text,
    is_print_call,
    lift_definitions,
    loop_binds,
    magic_method,
    plotting_names,
    walk_scope,
)
from .plan import Moved, refuse
from .rewrite import (
    cells_label,
    display_nodes,
    docstring_node,
    drop_last,
    fresh_name,
    import_lines,
    indented,
    merge,
    tuple_of,
    with_leading,
)
from .signature import constant_parameters, edited_signature, names_in, rename_parameters, simple_literal


def plan_function(p: Planner) -> Moved:
    req = p.req
    name = req.name
    assert name is not None  # parse_request: mode "function" has a name
    p.check_selection()
    for c in p.sel:
        for inner in walk_scope(c.tree):
            if isinstance(inner, ast.ClassDef) and inner not in c.tree.body:
                refuse(
                    c.pos,
                    inner.lineno + c.shift,
                    f'class {inner.name} would become local to {name}() (its repr and pickling change): move classes with mode "module"',
                )
            if isinstance(inner, ast.AnnAssign) and inner.value is None and isinstance(inner.target, ast.Name):
                refuse(
                    c.pos,
                    inner.lineno + c.shift,
                    f"the bare annotation of {inner.target.id} would make it a local variable",
                )
    sel = p.split_selection()

    sel_defines: dict[str, CodeCell] = {}
    for c in p.sel:
        for n in (*c.facts.defines, *c.facts.deletes):
            sel_defines.setdefault(n, c)

    # Leading top-level imports move to the module's imports; their names are then
    # module globals, not the function's locals.
    def import_only_in_selection(n: str) -> bool:
        return all(c.import_only(n) for c in p.sel if n in c.facts.defines)

    leading: list[Unit] = []
    for u in sel.units:
        if not isinstance(u.node, cst.SimpleStatementLine) or not all(
            isinstance(s, (ast.Import, ast.ImportFrom)) and getattr(s, "module", None) != "__future__" for s in u.stmts
        ):
            break
        if not all(import_only_in_selection(bound_name(a)) for _, a in _imported(u)):
            break
        leading.append(u)
    hoisted_imports = {bound_name(a): import_text(s, a) for u in leading for s, a in _imported(u)}
    body_units = sel.units[len(leading) :]
    local_names = {n for n in sel_defines if n not in hoisted_imports}
    if name in local_names:
        refuse(
            sel_defines[name].pos,
            sel_defines[name].line_of(name, True),
            f"the selection itself binds {name}: choose another function name",
        )
    # Top-level defs and classes go to the module's top level (their qualified name and
    # pickling stay as they were) and are imported back.
    lift = lift_definitions(p, sel, body_units, hoisted_imports, local_names)
    lifted_ids = {id(u.stmts[0]) for u in lift.units}
    body_units = [u for u in body_units if id(u.stmts[0]) not in lifted_ids]
    local_names -= set(lift.names)

    # Displayed values: the last one becomes the function's result, the others display().
    last_cell = p.sel[-1]
    shadowed_print = {n for n in ("print", "display") if p.shadowed_anywhere(n) or n in local_names}
    display_unit = None
    shown: ast.expr | None = None  # the value the last cell displays
    if last_cell.facts.displays and body_units and body_units[-1].cell is last_cell:
        u = body_units[-1]
        value = u.stmts[-1].value if isinstance(u.stmts[-1], ast.Expr) else None
        if value is not None and not is_print_call(value, shadowed_print):
            display_unit, shown = u, value
    display_name = None
    skip = {id(s) for u in leading for s in u.stmts} | lifted_ids
    if display_unit is not None and isinstance(shown, ast.Name):
        display_name = shown.id
        skip.add(id(display_unit.stmts[-1]))
    flow = Flow({*hoisted_imports, *lift.names})
    for c in p.sel:
        flow.walk(c, [s for u in sel.units if u.cell is c for s in u.stmts if id(s) not in skip])
        for inner in walk_scope(c.tree):
            if isinstance(inner, ast.Delete) and inner not in c.tree.body:
                target = next((t.id for t in inner.targets if isinstance(t, ast.Name)), None)
                if target is not None:
                    refuse(
                        c.pos,
                        inner.lineno + c.shift,
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
        if not any(
            isinstance(m, ast.Name) and m.id == display_name and m is not shown for c in p.sel for m in ast.walk(c.tree)
        ):
            needed.pop(display_name)

    params: list[str] = []
    module_imports: dict[str, str] = dict(lift.imports)  # name -> import statement text
    module_globals: set[str] = set(lift.builtins)  # builtins the module's code reads from its scope
    for n, (pos, line, deferred) in needed.items():
        kind = classify(p, n, local_names)
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
            below = p.later_binders(n)
            where = f"only cell {below.pos}, below the selection, defines it" if below else "no cell defines it"
            who = "a function defined here reads" if deferred else "reads"
            refuse(pos, line, f"{who} {n}, but {where}")

    # A function defined in the selection keeps the values it closes over; a later cell
    # rebinding one of them would no longer reach it.
    for c in p.sel:
        for fn, free in c.facts.functions.items():
            for n in free:
                below = p.later_binders(n)
                if below is not None:
                    refuse(
                        c.pos,
                        c.line_of(fn, True),
                        f"{fn} reads the global {n}, which cell {below.pos} rebinds later; inside {name}() it would keep the old value",
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

    check_outside_functions(p, local_names)

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
    loop_bound = {n for c in p.sel for n in loop_binds(c.tree)}
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
            refuse(
                c.pos,
                c.line_of(n, True),
                f"{n} is bound only on some paths (if/try/for/while/match) and no cell above gives it a value, but later code reads it",
            )
    dels = [n for n in flow.deleted if n in params or p.earlier_binders(n)]
    dels = [n for n in sel_defines if n in dels]

    carried_early = {n: s for n, s in hoisted_imports.items() if n in later or n == display_name}
    replacement_names = {*params, *returns, *carried_early, *carried_late, *module_imports, *hoisted_imports}
    check_name_free(p, [name], later)
    if name in replacement_names or name in KERNEL_BUILTINS:
        refuse(None, None, f"{name} is already used by the selection or is a builtin: choose another function name")

    # ---- generate the function ----
    is_async = any(c.facts.is_async for c in p.sel)
    display_var = None
    body: list[Statement] = []
    carry: list[cst.EmptyLine] = []  # comments waiting for the next statement
    needs_display = False
    used = {n for c in p.cells.values() for n in c.facts.defines} | set(params) | set(module_imports)
    # Jupyter shows and closes a cell's matplotlib figures when the cell ends; in one
    # function they would become one figure, so each drawing cell ends with show().
    drawing = [c for c in p.sel[:-1] if draws_figure(c, plotting_names(p))]
    pyplot = _pyplot_name(p, module_imports, hoisted_imports, local_names, used) if drawing else None
    for c in p.sel:
        units = [u for u in body_units if u.cell is c]
        pending = carry + ([cst.EmptyLine(indent=False)] if body and units else []) + list(sel.headers[c.index])
        carry = []
        for j, u in enumerate(units):
            node: Statement = u.node
            if u is display_unit:
                simple = u.node
                assert isinstance(simple, cst.SimpleStatementLine)  # it ends with an expression
                if display_name is not None:
                    kept, dropped = drop_last(simple)
                    pending += dropped
                    if kept is None:
                        continue
                    node = kept
                else:
                    last_expr = simple.body[-1]
                    assert isinstance(last_expr, cst.Expr)
                    if returns or dels:
                        display_var = fresh_name(f"_{name}_out", used)
                    returned = tuple_of([*(cst.Name(r) for r in returns), last_expr.value])
                    node = simple.with_changes(body=[*simple.body[:-1], cst.Return(value=returned)])
            elif (
                j == len(units) - 1
                and c is not last_cell
                and c.facts.displays
                and isinstance(u.stmts[-1], ast.Expr)
                and magic_method(u.stmts[-1]) is None
                and not is_print_call(u.stmts[-1].value, shadowed_print)
            ):
                assert isinstance(node, cst.SimpleStatementLine)  # it ends with an expression
                node, *rest = display_nodes(node, u.stmts[-1].value, used)
                body.append(with_leading(node, pending))
                body.extend(rest)
                pending = []
                needs_display = True
                p.notes.append(f"the value cell {c.pos} displayed is shown with display()")
                continue
            body.append(with_leading(node, pending))
            pending = []
        if c in drawing and units:
            body.append(with_leading(cst.parse_statement(f"{pyplot}.show()\n"), pending))
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
        ret = cst.SimpleStatementLine([cst.Return(tuple_of([cst.Name(r) for r in returns]))])
        body.append(with_leading(ret, carry))
        carry = []
    if needs_display:
        if "display" in local_names or "display" in params:
            refuse(None, None, "the selection's display is not IPython's, which the function needs to show values")
        module_imports.setdefault("display", IPYTHON_IMPORTS["display"])

    results = [*returns, *(["the displayed value"] if complex_display else [])]
    # names the function's body uses: the selection's, and the ones generation added
    taken = {*names_in(c.tree for c in p.sel), *(n for n in used if n.startswith("_")), name}
    taken |= set(module_imports) | module_globals | set(lift.names)
    edits = req.parameters
    if edits is None:
        edits = constant_parameters(params, returns, taken, lambda n: _constant_literal(p, n))
        for e in edits or []:
            if "as" in e:
                p.notes.append(
                    f"{e['name']} becomes the parameter {e['as']}={e['default']} (the call passes {e['name']})"
                )
    signature = edited_signature(params, edits, taken)
    params = [q.name for q in signature]
    doc_lines = [f"{cells_label(p.sel)} of {req.notebook_name}."]
    if params or results:
        param_text = ", ".join(q.as_name for q in signature)
        doc_lines += ["", f"Parameters: {param_text or 'none'}.", f"Returns: {', '.join(results) or 'nothing'}."]
    docstring = docstring_node(doc_lines)
    func = cst.FunctionDef(
        name=cst.Name(name),
        params=cst.Parameters(),
        body=cst.IndentedBlock(body=[docstring, *body], footer=[indented(line) for line in carry]),
        asynchronous=cst.Asynchronous() if is_async else None,
    )
    func = rename_parameters(func, signature)

    imports: list[tuple[str, str, Unit | None]] = [(n, s, None) for n, s in module_imports.items()]
    imports += [(bound_name(a), import_text(s, a), u) for u in leading for s, a in _imported(u)]
    definitions = [(u.node, [n]) for u, n in zip(lift.units, lift.names)]
    module_source = merge(p, imports, [*definitions, (func, [name])], module_globals)

    # ---- the replacement cell ----
    lines = list(sel.hoisted)
    lines += import_lines(leading, carried_early)
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
    return Moved(params, returns, module_source, "\n".join(lines), [q.to_json() for q in signature])


def _pyplot_name(
    p: Planner, module_imports: dict[str, str], hoisted: dict[str, str], local_names: set[str], used: set[str]
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
    n = fresh_name("_plt", used)
    module_imports[n] = f"import matplotlib.pyplot as {n}"
    return n


def _constant_literal(p: Planner, n: str) -> str | None:
    """The literal an UPPER_CASE name is bound to by the one cell above that binds it
    (and no cell below rebinds), else None."""
    binders = p.earlier_binders(n)
    if len(binders) != 1 or p.later_binders(n) is not None:
        return None
    found = [
        s.value
        for s in binders[0].tree.body
        if isinstance(s, ast.Assign)
        and len(s.targets) == 1
        and isinstance(s.targets[0], ast.Name)
        and s.targets[0].id == n
    ]
    stores = [
        m for m in ast.walk(binders[0].tree) if isinstance(m, ast.Name) and m.id == n and isinstance(m.ctx, ast.Store)
    ]
    return simple_literal(found[0]) if len(found) == 1 and len(stores) == 1 else None


def _imported(u: Unit) -> list[tuple[ast.Import | ast.ImportFrom, ast.alias]]:
    """The unit's import statements, each with every name it imports (none for other statements)."""
    return [(s, a) for s in u.stmts if isinstance(s, (ast.Import, ast.ImportFrom)) for a in s.names]
