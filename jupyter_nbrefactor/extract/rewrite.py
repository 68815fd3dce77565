"""Writing code with libcst: the function's statements (displays, returns, the
docstring) and the merge into the module's existing text (nothing existing changes).
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Iterable, Sequence

import libcst as cst

from ..cells import CellFacts, cell_facts
from .analysis import CodeCell, Planner, Statement, Unit, bound_name, bound_names, import_text
from .plan import refuse

# Expressions whose value is never None: display(E) shows exactly what the cell showed.
_NEVER_NONE = (
    ast.JoinedStr,
    ast.List,
    ast.Tuple,
    ast.Set,
    ast.Dict,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
    ast.Lambda,
    ast.BinOp,  # arithmetic: an operator returning None would be a bug of its own
    ast.UnaryOp,
    ast.Compare,
)
# Builtins that always return a value (unless the notebook rebinds the name).
_VALUE_BUILTINS = frozenset(
    "abs all any bool bytes dict divmod enumerate float format frozenset hash hex int isinstance "
    "len list max min oct ord pow range repr reversed round set sorted str sum tuple type zip".split()
)
# Methods of pandas/NumPy/Python objects that return a value (not with inplace=...): the
# value a cell ends with is then shown by display(E) as written, without a None check.
_VALUE_METHODS = frozenset(
    "agg aggregate astype copy corr count cumsum describe drop drop_duplicates dropna fillna "
    "format get_dummies groupby head isin isna isnull items join keys lower max mean median "
    "merge min notna nunique pivot_table quantile query rename reset_index round sample "
    "set_index sort_index sort_values split std strip sum tail to_dict to_frame tolist "
    "transpose unique upper value_counts values var".split()
)


def never_none(value: ast.expr, shadowed: set[str]) -> bool:
    """Whether ``value`` (a cell's last expression) cannot be None, so ``display(value)``
    shows what the cell showed: literals, displays, arithmetic, value-returning builtins
    the notebook does not rebind, and calls of well-known value-returning methods."""
    if isinstance(value, _NEVER_NONE) or (isinstance(value, ast.Constant) and value.value is not None):
        return True
    if not isinstance(value, ast.Call) or any(k.arg == "inplace" for k in value.keywords):
        return False
    func = value.func
    if isinstance(func, ast.Name):
        return func.id in _VALUE_BUILTINS and func.id not in shadowed
    return isinstance(func, ast.Attribute) and func.attr in _VALUE_METHODS


def import_lines(units: list[Unit], wanted: dict[str, str]) -> list[str]:
    """The import statements binding ``wanted`` names: a cell's own import line when all
    its names are wanted, else one normalised statement per name."""
    lines: list[str] = []
    for u in units:
        names = [bound_name(a) for s in u.stmts if isinstance(s, (ast.Import, ast.ImportFrom)) for a in s.names]
        if all(n in wanted for n in names):
            lines.append(cst.Module(body=[u.node.with_changes(leading_lines=[])]).code.strip())
        else:
            lines += [wanted[n] for n in names if n in wanted]
    return list(dict.fromkeys(lines))


def fresh_name(base: str, used: set[str]) -> str:
    name, k = base, 1
    while name in used:
        k += 1
        name = f"{base}{k}"
    used.add(name)
    return name


def tuple_of(items: Sequence[cst.BaseExpression]) -> cst.BaseExpression:
    if len(items) == 1:
        return items[0]
    return cst.Tuple([cst.Element(e) for e in items], lpar=[], rpar=[])


def drop_last(node: cst.SimpleStatementLine) -> tuple[cst.SimpleStatementLine | None, list[cst.EmptyLine]]:
    """Remove the last small statement; comments it carried are returned for the next one."""
    extra = list(node.leading_lines)
    comment = node.trailing_whitespace.comment
    if len(node.body) > 1:
        rest = list(node.body[:-1])
        rest[-1] = rest[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        return node.with_changes(body=rest), []
    if comment is not None:
        extra.append(cst.EmptyLine(comment=comment))
    return None, extra


def display_nodes(node: cst.SimpleStatementLine, value: ast.expr, used: set[str]) -> list[Statement]:
    """``E`` as the last statement of a cell -> code that shows what Jupyter showed."""
    last = node.body[-1]
    assert isinstance(last, cst.Expr)  # the caller's: a cell's last expression
    expr = last.value
    head = list(node.body[:-1])
    if head:
        head[-1] = head[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
    call = cst.Call(func=cst.Name("display"), args=[cst.Arg(expr)])
    if never_none(value, used):
        return [node.with_changes(body=[*head, cst.Expr(call)])]
    var = fresh_name("_shown", used)
    assign = cst.Assign(targets=[cst.AssignTarget(cst.Name(var))], value=expr)
    check = cst.parse_statement(f"if {var} is not None:\n    display({var})\n")
    return [node.with_changes(body=[*head, assign]), check]


def with_leading(node: Statement, lines: Iterable[cst.EmptyLine]) -> Statement:
    """``node`` moved into the function, preceded by the comments in ``lines``."""
    return node.with_changes(leading_lines=[indented(line) for line in (*lines, *node.leading_lines)])


def indented(line: cst.EmptyLine) -> cst.EmptyLine:
    """A comment at the block's indentation; a blank line without trailing spaces."""
    return line.with_changes(indent=line.comment is not None, whitespace=cst.SimpleWhitespace(""))


def docstring_node(lines: list[str]) -> cst.SimpleStatementLine:
    text = "".join(f"\n    {line}" if line else "\n" for line in lines[1:])
    text = lines[0] + (text + "\n    " if text else "")
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return cst.SimpleStatementLine([cst.Expr(cst.SimpleString(f'"""{text}"""'))])


def cells_label(cells: list[CodeCell]) -> str:
    positions = [c.pos for c in cells]
    if len(positions) == 1:
        return f"Cell {positions[0]}"
    if positions == list(range(positions[0], positions[-1] + 1)):
        return f"Cells {positions[0]}-{positions[-1]}"
    return "Cells " + ", ".join(map(str, positions))


def merge(
    p: Planner,
    imports: Sequence[tuple[str, str, Unit | None]],
    definitions: Sequence[tuple[Statement, list[str]]],
    module_globals: set[str],
) -> str:
    """The module's new text: the existing one (if any) with missing imports added after
    its imports and the new definitions at the end; nothing existing changes (unless
    overwriting a definition of the same name).

    ``imports``: (bound name, normalised statement, the selection's unit or None);
    ``definitions``: (libcst statement, names it defines).
    """
    req = p.req
    text = req.module_source
    if text:
        try:
            module = cst.parse_module(text)
        except cst.ParserSyntaxError as err:
            refuse(None, None, f"{req.module} does not parse (line {err.raw_line}): fix it first")
        existing = cell_facts(text)
        if existing.tree is None:
            refuse(None, None, f"{req.module} does not parse: fix it first")
    else:
        module = cst.Module(body=[])
        existing = cell_facts("")
    existing_reads = set(existing.reads) | {n for free in existing.functions.values() for n in free}

    new_imports: list[Statement] = []
    seen: set[str] = set()
    for name, statement, unit in imports:
        if statement in seen or existing.imports.get(name) == statement:
            continue
        if _imports_module(statement, p.dotted):
            # what an earlier extraction put here: inside the module it is a global already
            if statement.startswith(f"from {p.dotted} import ") and _top_level_binds(existing, name):
                continue
            refuse(None, None, f"`{statement}` imports {req.module} itself: extract into another module")
        if name in existing.defines:
            current = existing.imports.get(name) or "not by an import"
            refuse(None, None, f"{req.module} already binds {name} ({current}), differently from `{statement}`")
        if name in existing_reads:
            refuse(
                None, None, f"adding `{statement}` to {req.module} would change what its existing code reads as {name}"
            )
        whole = [
            (bound_name(a), import_text(s, a))
            for s in (unit.stmts if unit else [])
            if isinstance(s, (ast.Import, ast.ImportFrom))  # all are: the unit is an import line
            for a in s.names
        ]
        if (
            unit is not None
            and whole
            and all(n not in existing.defines and t not in seen and not _imports_module(t, p.dotted) for n, t in whole)
        ):
            # the selection's own import line, with its comments
            comments = [ln for ln in unit.node.leading_lines if ln.comment is not None]
            new_imports.append(unit.node.with_changes(leading_lines=comments))
            seen.update(t for _, t in whole)
        else:
            new_imports.append(cst.parse_statement(statement + "\n"))
            seen.add(statement)
    for g in module_globals:
        if g in existing.defines:
            refuse(None, None, f"{req.module} defines {g}, which the moved code uses as the builtin {g}")

    body = list(module.body)
    appended: list[Statement] = []
    for k, (node, names) in enumerate(definitions):
        index = None
        for n in names:
            if n in existing.defines:
                index = _top_level_def(module, n)
                if not req.overwrite or index is None or len(names) != 1:
                    refuse(
                        None,
                        None,
                        f"{req.module} already defines {n}: choose another name",
                        overwritable=index is not None and len(names) == 1 and not req.overwrite,
                    )
            elif n in existing_reads:
                refuse(None, None, f"adding {n} to {req.module} would change what its existing code reads as {n}")
        if index is not None:
            body[index] = node.with_changes(leading_lines=module.body[index].leading_lines)
            continue
        if k == 0 or isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            comments = [ln for ln in node.leading_lines if ln.comment is not None]
            blank = 2 if (module.body or new_imports or appended or not text) else 0
            node = node.with_changes(leading_lines=[cst.EmptyLine()] * blank + comments)
        appended.append(node)

    at = _import_position(module)
    if not text:
        doc = f'"""Code moved out of {req.notebook_name} by jupyter-nbrefactor."""'.replace("\\", "\\\\")
        docstring: Statement = cst.SimpleStatementLine([cst.Expr(cst.SimpleString(doc))])
        new_imports = [docstring] + [
            imp.with_changes(leading_lines=[cst.EmptyLine(), *imp.leading_lines]) if k == 0 else imp
            for k, imp in enumerate(new_imports)
        ]
    new_text = module.with_changes(body=body[:at] + new_imports + body[at:] + appended).code
    if text and not req.overwrite:
        _check_only_insertions(text, new_text, req.module)
    try:
        compile(new_text, req.module, "exec", dont_inherit=True)
    except SyntaxError as err:  # a bug in the generator: never write it
        refuse(None, None, f"internal error: the generated module does not compile ({err.msg}, line {err.lineno})")
    return new_text


def _imports_module(statement: str, dotted: str) -> bool:
    """Whether an import statement imports the module ``dotted`` itself."""
    words = statement.split()
    return words[1] == dotted if words[0] in ("from", "import") and len(words) > 1 else False


def _top_level_binds(facts: CellFacts, name: str) -> bool:
    return facts.tree is not None and name in {
        n for stmt in facts.tree.body for n in bound_names(stmt) if not isinstance(stmt, (ast.Import, ast.ImportFrom))
    }


def _top_level_def(module: cst.Module, name: str) -> int | None:
    for i, stmt in enumerate(module.body):
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)) and stmt.name.value == name:
            return i
    return None


def _import_position(module: cst.Module) -> int:
    """Where new imports go: after the module's last top-level import, else after its
    docstring (and ``__future__`` imports)."""
    at = 0
    for i, stmt in enumerate(module.body):
        if isinstance(stmt, cst.SimpleStatementLine) and any(
            isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body
        ):
            at = i + 1
    if at == 0 and module.body:
        first = module.body[0]
        if (
            isinstance(first, cst.SimpleStatementLine)
            and isinstance(first.body[0], cst.Expr)
            and isinstance(first.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
        ):
            at = 1
    return at


def _check_only_insertions(old: str, new: str, path: str) -> None:
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    if old_lines and not old_lines[-1].endswith(("\n", "\r")):
        old_lines[-1] += "\n"  # the file gains the newline that ends its last line
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, *_ in matcher.get_opcodes():
        if tag not in ("equal", "insert"):
            refuse(None, None, f"internal error: merging into {path} would change existing lines")
