"""The signature the person edited in the dialog: parameters renamed, reordered, given a
literal default. The replacement cell still passes the notebook's variables, in the
function's order, so the behaviour does not change; only the function reads differently."""

from __future__ import annotations

import ast
import keyword
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypedDict, cast

import libcst as cst
from libcst.metadata import MetadataWrapper, ScopeProvider

from ..errors import RequestError
from .plan import refuse

# One parameter as JSON: the plan's ``signature`` entries. ("as" is a keyword: the
# functional form.)
SignatureEntry = TypedDict("SignatureEntry", {"name": str, "as": str, "default": str | None})

_EditFields = TypedDict("_EditFields", {"as": str | None, "default": str | None}, total=False)


class ParamEdit(_EditFields):
    """One entry of the request's ``"parameters"`` (the dialog's edit) or of the signature
    proposed for UPPER_CASE constants: the variable, and optionally its new name and default."""

    name: str


_TIGHT_EQUAL = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))


@dataclass
class Param:
    """One parameter: the notebook variable the call passes, its name in the function,
    and a default (Python literal text) or None."""

    name: str
    as_name: str
    default: str | None = None

    def to_json(self) -> SignatureEntry:
        return {"name": self.name, "as": self.as_name, "default": self.default}


def parse_parameters(value: object) -> list[ParamEdit] | None:
    """The request's ``"parameters"``: a list of ``{"name", "as"?, "default"?}`` or null."""
    if value is None:
        return None
    if not isinstance(value, list):
        raise RequestError('"parameters" must be a list of {"name", "as", "default"} objects')
    seen: set[str] = set()
    for i, item in enumerate(value):
        what = f'"parameters" item {i + 1}'
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise RequestError(f'{what} must be an object with a "name"')
        if item["name"] in seen:
            raise RequestError(f"{what} lists {item['name']} twice")
        seen.add(item["name"])
        if item.get("as") is not None and not isinstance(item["as"], str):
            raise RequestError(f'{what}: "as" must be text')
        if item.get("default") is not None and not isinstance(item["default"], str):
            raise RequestError(f'{what}: "default" must be text (a Python literal) or null')
    return cast("list[ParamEdit]", value)  # checked above, item by item


def edited_signature(params: list[str], edits: list[ParamEdit] | None, taken: set[str]) -> list[Param]:
    """``params`` (the inferred ones, in order) with the edits applied: listed ones first, in
    the edits' order, then the others. ``taken``: names the function already uses (its
    body, its name, the module's imports), which a new name may not take."""
    by_name = {e["name"]: e for e in edits or [] if e["name"] in params}
    order = [n for n in by_name] + [n for n in params if n not in by_name]
    result: list[Param] = []
    for n in order:
        edit: ParamEdit = by_name.get(n) or {"name": n}
        as_name = (edit.get("as") or n).strip()
        default = edit.get("default")
        default = default.strip() or None if isinstance(default, str) else None
        if not as_name.isidentifier() or keyword.iskeyword(as_name):
            refuse(None, None, f"parameter {as_name!r} (for {n}) is not a Python name: choose another")
        if as_name != n and as_name in taken:
            refuse(None, None, f"parameter {as_name} (for {n}) is already a name in the function: choose another")
        if any(q.as_name == as_name for q in result):
            refuse(None, None, f"two parameters are named {as_name}: choose another name")
        if default is not None:
            try:
                ast.literal_eval(default)
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                refuse(None, None, f"the default of {as_name} must be a Python literal (a number, text, True, None, …)")
        elif any(q.default is not None for q in result):
            refuse(None, None, f"{as_name} has no default but comes after a parameter with one: move it up")
        result.append(Param(n, as_name, default))
    return result


def names_in(trees: Iterable[ast.AST]) -> set[str]:
    """Every identifier the trees use or bind (names, arguments, definitions, aliases)."""
    found: set[str] = set()
    for tree in trees:
        for n in ast.walk(tree):
            if isinstance(n, ast.Name):
                found.add(n.id)
            elif isinstance(n, ast.arg):
                found.add(n.arg)
            elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found.add(n.name)
            elif isinstance(n, ast.alias):
                found.add((n.asname or n.name).split(".")[0])
            elif isinstance(n, (ast.Global, ast.Nonlocal)):
                found.update(n.names)
    return found


def rename_parameters(func: cst.FunctionDef, signature: list[Param]) -> cst.FunctionDef:
    """``func`` with its parameters as ``signature`` says (names, order, defaults) and every
    use of a renamed parameter in its body renamed (closures included)."""
    func = func.with_changes(
        params=cst.Parameters(
            params=[
                cst.Param(
                    cst.Name(q.name),
                    default=None if q.default is None else cst.parse_expression(q.default),
                    equal=cst.MaybeSentinel.DEFAULT if q.default is None else _TIGHT_EQUAL,
                )
                for q in signature
            ]
        )
    )
    renames = {q.name: q.as_name for q in signature if q.as_name != q.name}
    if not renames:
        return func
    wrapper = MetadataWrapper(cst.Module(body=[func]), unsafe_skip_copy=True)
    scopes = wrapper.resolve(ScopeProvider)
    scope = scopes[func.body.body[0]]  # the function's own scope
    targets: dict[cst.CSTNode, str] = {}
    assert scope is not None
    for old, new in renames.items():
        for assignment in scope.assignments[old]:
            node = getattr(assignment, "node", None)
            if isinstance(node, cst.Param):
                targets[node.name] = new
            elif isinstance(node, cst.Name):
                targets[node] = new
            else:  # an import or a def rebinding it: keep the name the code uses
                refuse(None, None, f"{old} is rebound by an import or a definition in the function: keep its name")
            for access in assignment.references:
                if isinstance(access.node, cst.Name):
                    targets[access.node] = new
                else:
                    refuse(None, None, f"{old} is read in a string annotation or an f-string debug: keep its name")

    class Rename(cst.CSTTransformer):
        def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
            new = targets.get(original)
            return updated if new is None else updated.with_changes(value=new)

    renamed = wrapper.module.visit(Rename()).body[0]
    assert isinstance(renamed, cst.FunctionDef)
    return renamed


def constant_parameters(
    params: list[str], returns: list[str], taken: set[str], literal_of: Callable[[str], str | None]
) -> list[ParamEdit] | None:
    """The signature a reviewer would write for UPPER_CASE notebook constants: a
    lowercase parameter whose default is the constant's literal (the call still passes
    the constant), after the other parameters; None when no parameter is one."""
    plain: list[ParamEdit] = []
    constants: list[ParamEdit] = []
    for n in params:
        lower = n.lower()
        literal = literal_of(n) if n.isupper() and n not in returns else None
        if (
            literal is not None
            and lower not in taken
            and lower not in params
            and lower.isidentifier()
            and not keyword.iskeyword(lower)
        ):
            constants.append({"name": n, "as": lower, "default": literal})
        else:
            plain.append({"name": n})
    return plain + constants if constants else None


def simple_literal(value: ast.expr) -> str | None:
    """The source of a short immutable literal (a number, text, True/False/None, a tuple
    of those), or None: what may be a parameter's default."""
    items = value.elts if isinstance(value, ast.Tuple) else [value]
    for item in items:
        if isinstance(item, ast.UnaryOp) and isinstance(item.op, ast.USub):
            item = item.operand
        if not isinstance(item, ast.Constant) or isinstance(item.value, bytes):
            return None
    text = ast.unparse(value)
    return text if len(text) <= 40 else None
