"""Extraction planning: selected cells -> a function or a module, or a refusal.

``plan_extraction`` is pure: it reads an nbformat v4 notebook, the selection, a
function name, a module path and (optionally) the module's current text, and
answers what the module and the one replacement cell become. Nothing is written
here (``apply.py`` does that). Whenever the moved code could behave differently
from the cells it replaces, the plan is refused with a reason naming the cell
(its 1-based position, as JupyterLab shows it) and the line.

Facts about each cell come from ``cells.cell_facts``, and the selection's definite
assignment from the same walker (``cells.Walker``). The package, one idea a module:
``parse`` (the request), ``analysis`` (what the selection reads, binds, needs and
gives back; refusals), ``function`` and ``module`` (the two modes), ``rewrite``
(code generated and merged with libcst, so comments, multi-line strings and the
existing module's bytes survive), ``plan`` (the ``Plan`` answered, refusals).
"""

from __future__ import annotations

from typing import Any

from ..language import PYTHON
from .analysis import KERNEL_BUILTINS, Planner
from .function import plan_function
from .module import plan_module
from .parse import MODES, Request, parse_request
from .plan import Plan, Refused, inserted_lines, replaced_ids, source_hash

__all__ = [
    "KERNEL_BUILTINS",
    "MODES",
    "Plan",
    "Refused",
    "Request",
    "parse_request",
    "plan_extraction",
    "plan_selection",
    "replaced_ids",
    "source_hash",
]


def plan_selection(request: object) -> Plan:
    """Plan moving the selected cells into a module: a ``Plan``, planned or refused.
    A malformed request raises ``RequestError``."""
    req = parse_request(request)
    answer = Plan(req.module, source_hash(req.module_source), replaced_ids(req.cells, req.selected))
    if req.language != PYTHON:
        answer.refuse(f"this notebook runs {req.language}, not Python: only Python cells can move into a module")
        return answer
    planner = Planner(req)
    try:
        moved = plan_function(planner) if req.mode == "function" else plan_module(planner)
    except Refused as refusal:
        answer.refuse(str(refusal), refusal.at, refusal.overwritable)
        return answer
    answer.planned(moved, planner.notes)
    answer.inserted_lines = inserted_lines(req.module_source, moved.module_source)
    return answer


def plan_extraction(request: dict[str, Any]) -> dict[str, Any]:
    """Plan moving the selected cells into a module (see docs/architecture.md).

    Returns ``{"params", "returns", "module_path", "module_source", "base_hash",
    "replacement", "notes", "refused", "refused_at", "overwrite_would_help", "replaces"}``;
    ``refused_at`` is ``{"cell": <0-based index>, "line": <1-based line or null>}``
    when the refusal names a cell; ``overwrite_would_help`` is true when the same
    request with ``overwrite`` would be planned. A malformed request raises ``RequestError``.
    """
    return plan_selection(request).to_json()
