"""Notebook order -> the dataflow graph: code cells as nodes, an edge from the cell that
last wrote a name (defined or changed it) to each cell below that reads it, the
module-level names, and a cell's upstream and downstream.

What Restart & Run All would do with the cells as they are now (position-based, like
``dataflow.Definers``); the kernel session's warnings are ``session.analyze``'s. The CLI
(``report --graph``), the REST route ``graph`` and the panel's Dependency and Variables
views all draw this one answer.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .cells import CellFacts, cell_facts
from .dataflow import Definers, is_predefined, unmet_reads
from .errors import RequestError
from .language import PYTHON, language_name, notebook_language
from .request import JSON_OBJECT, LIST, OBJECT, STRING, Kind, as_text, check, get_field, is_text

_SOURCE = Kind("a string", is_text)
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$", re.M)


def notebook_graph(request: dict[str, Any]) -> dict[str, Any]:
    """``{"cells": [{"id", "source", "cell_type"}], "language"?, "cell_id"?}`` -> the graph.

    ``nodes``: the code cells in order, each ``{"id", "number"`` (1-based among all cells)
    ``, "defines", "mutates", "reads", "error", "section"`` (number of the markdown heading
    cell above, or null)``}``. ``edges``: ``{"from", "to", "names", "certain"}``, from the
    cell that last wrote each name above the reader (``certain`` false when every name of
    the edge rests on a conditional definition or a guessed in-place change), in order of
    ``to`` then ``from``. ``names``: every module-level name, ``{"name", "defined_by",
    "mutated_by", "read_by", "below_only"}`` (``below_only``: cells reading it before any
    cell defines it). ``sections``: the markdown headings, ``{"id", "number", "level",
    "title"}``. With ``cell_id``: also ``upstream`` and ``downstream`` of that cell.
    For a notebook that is not Python: the nodes, no edges and a ``notice``.
    """
    cells, language, target = _parse(request)
    python = language_name(language) == PYTHON
    return build_graph(cells, python, language, target)


def notebook_graph_of(nb: Mapping[str, Any]) -> dict[str, Any]:
    """The graph of a saved notebook (nbformat v4 node or dict): cells without an id
    (before nbformat 4.5) are named ``cell-<number>``."""
    cells = []
    for i, cell in enumerate(nb.get("cells", [])):
        cid = cell.get("id")
        source = cell.get("source", "")
        cells.append(
            (
                cid if isinstance(cid, str) and cid else f"cell-{i + 1}",
                as_text(source) if is_text(source) else "",
                str(cell.get("cell_type", "code")),
            )
        )
    language = notebook_language(nb)
    return build_graph(cells, language == PYTHON, language, None)


def _parse(request: Any) -> tuple[list[tuple[str, str, str]], str, str | None]:
    check(request, JSON_OBJECT, "request")
    if "cells" not in request:
        raise RequestError("cells is required")
    cells = []
    for i, c in enumerate(get_field(request, "cells", LIST)):
        at = f"cells[{i}]"
        check(c, OBJECT, at)
        cid = get_field(c, "id", STRING, f"{at}.id")
        cell_type = get_field(c, "cell_type", STRING, f"{at}.cell_type", default="code")
        source = as_text(get_field(c, "source", _SOURCE, f"{at}.source", default=""))
        cells.append((cid, source, cell_type))
    language = get_field(request, "language", STRING, default="python", null_is_absent=True)
    target = get_field(request, "cell_id", STRING, default=None, null_is_absent=True)
    return cells, language, target


def build_graph(
    cells: Sequence[tuple[str, str, str]], python: bool, language: str, target: str | None
) -> dict[str, Any]:
    """The graph of ``cells`` (id, source, cell_type) in notebook order; see ``notebook_graph``."""
    code: list[tuple[str, str, int]] = []  # (id, source, number)
    sections: list[dict[str, Any]] = []
    section_of: list[int | None] = []
    for number, (cid, source, cell_type) in enumerate(cells, 1):
        if cell_type == "code":
            code.append((cid, source, number))
            section_of.append(sections[-1]["number"] if sections else None)
        elif cell_type == "markdown":
            heading = _HEADING.search(source)
            if heading:
                sections.append(
                    {"id": cid, "number": number, "level": len(heading.group(1)), "title": heading.group(2)}
                )
    facts: list[CellFacts | None] = [cell_facts(src) if python else None for _, src, _ in code]
    nodes = []
    for (cid, _, number), f, section in zip(code, facts, section_of, strict=True):
        nodes.append(
            {
                "id": cid,
                "number": number,
                "defines": list(f.defines) if f else [],
                "mutates": list(f.mutates) if f else [],
                "reads": [n for n in f.reads if not is_predefined(n)] if f else [],
                "error": f.error if f else None,
                "section": section,
            }
        )
    out: dict[str, Any] = {"nodes": nodes, "edges": [], "names": [], "sections": sections}
    if not python:
        out["notice"] = f"No dataflow for {language} notebooks: only Python is understood."
    else:
        out["edges"], out["names"] = _edges_and_names(code, facts)
    if target is not None:
        ids = [cid for cid, _, _ in code]
        if target not in ids:
            raise RequestError(f"cell_id {target!r} is not a code cell of the notebook")
        out["upstream"] = upstream(out["edges"], target, ids)
        out["downstream"] = downstream(out["edges"], target, ids)
    return out


def _edges_and_names(
    code: Sequence[tuple[str, str, int]], facts: Sequence[CellFacts | None]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    defs = Definers(facts)
    # name -> positions of the cells writing it (defining or changing it), ascending
    writers: dict[str, list[int]] = {}
    for pos, f in enumerate(facts):
        if f is None or f.error is not None:
            continue
        for name in dict.fromkeys((*f.defines, *f.mutates)):
            writers.setdefault(name, []).append(pos)
    edges: list[dict[str, Any]] = []
    readers: dict[str, list[int]] = {}
    for pos, f in enumerate(facts):
        if f is None or f.error is not None:
            continue
        incoming: dict[int, dict[str, bool]] = {}  # producer -> {name: certain}
        for name in defs.reads(pos):
            at = writers.get(name)
            if not at or at[0] >= pos:
                continue
            readers.setdefault(name, []).append(pos)
            for p, certain in _producers(facts, at, pos, name):
                names = incoming.setdefault(p, {})
                names[name] = names.get(name, False) or certain
        for p in sorted(incoming):
            names = incoming[p]
            edges.append(
                {"from": code[p][0], "to": code[pos][0], "names": sorted(names), "certain": any(names.values())}
            )
    below: dict[str, list[int]] = {}
    for u in unmet_reads(facts, defs):
        if u.why == "below":
            below.setdefault(u.name, []).append(u.pos)
    table = []
    for name in sorted(writers):
        defined = [p for p in writers[name] if name in _facts(facts[p]).defines]
        mutated = [p for p in writers[name] if name in _facts(facts[p]).mutates]
        table.append(
            {
                "name": name,
                "defined_by": [code[p][0] for p in defined],
                "mutated_by": [code[p][0] for p in mutated],
                "read_by": [code[p][0] for p in readers.get(name, ())],
                "below_only": [code[p][0] for p in dict.fromkeys(below.get(name, ()))],
            }
        )
    return edges, table


def _producers(facts: Sequence[CellFacts | None], at: list[int], pos: int, name: str) -> Iterable[tuple[int, bool]]:
    """The writers of ``name`` above ``pos`` that the cell at ``pos`` may read it from:
    the nearest, and past it, while each only may write it (``if …: x = 1``), the next
    ones up to one that certainly does. Yields (position, whether it certainly writes)."""
    i = bisect_left(at, pos) - 1
    while i >= 0:
        f = _facts(facts[at[i]])
        certain = name not in f.uncertain_defines and (name in f.defines or name not in f.uncertain_mutates)
        yield at[i], certain
        if name not in f.uncertain_defines:
            return
        i -= 1


def _facts(f: CellFacts | None) -> CellFacts:
    assert f is not None  # writers are cells that compiled
    return f


def upstream(edges: Sequence[Mapping[str, Any]], cell_id: str, order: Sequence[str]) -> list[str]:
    """The cells ``cell_id`` needs, transitively, in notebook ``order`` (itself excluded):
    what *Run Cell with Upstream* runs before it."""
    into: dict[str, list[str]] = {}
    for e in edges:
        into.setdefault(e["to"], []).append(e["from"])
    return _in_order(_reach(into, cell_id), order)


def downstream(edges: Sequence[Mapping[str, Any]], cell_id: str, order: Sequence[str]) -> list[str]:
    """The cells that read, transitively, what ``cell_id`` writes, in notebook ``order``
    (itself excluded): what *Run Cell and Downstream* runs after it."""
    out: dict[str, list[str]] = {}
    for e in edges:
        out.setdefault(e["from"], []).append(e["to"])
    return _in_order(_reach(out, cell_id), order)


def _reach(step: Mapping[str, list[str]], start: str) -> set[str]:
    seen: set[str] = set()
    stack = [start]
    while stack:
        for nxt in step.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    seen.discard(start)
    return seen


def _in_order(ids: set[str], order: Sequence[str]) -> list[str]:
    return [i for i in order if i in ids]


# ----- output for the command line -----------------------------------------------------
def graph_dot(graph: Mapping[str, Any]) -> str:
    """The graph in Graphviz's DOT language: one box per code cell (its number and first
    line), one arrow per edge labelled with its names (dashed when uncertain)."""
    lines = ["digraph notebook {", "  rankdir=TB;", '  node [shape=box, fontname="monospace"];']
    for n in graph["nodes"]:
        label = f"[{n['number']}] " + ", ".join(n["defines"][:4]) + ("…" if len(n["defines"]) > 4 else "")
        lines.append(f"  {_dot_str(n['id'])} [label={_dot_str(label.strip())}];")
    for e in graph["edges"]:
        style = "" if e["certain"] else ", style=dashed"
        lines.append(
            f"  {_dot_str(e['from'])} -> {_dot_str(e['to'])} [label={_dot_str(', '.join(e['names']))}{style}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
