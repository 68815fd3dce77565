"""Saved notebook -> health report: the figures a team lead looks at before deciding to
refactor, a verdict with its reasons, and the best runs of cells to extract first.

The figures come from ``lint.NotebookFacts`` (the same facts the lint rules use) and
the candidates are checked with the extraction engine (``extract.plan_extraction``):
only runs it accepts are proposed, named by ``naming.suggest`` as the extract dialog is.
"""

from __future__ import annotations

import ast
import gc
import heapq
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from .cells import may_define
from .dataflow import is_predefined
from .errors import RequestError
from .lint import CodeCell, Finding, NotebookFacts, code_lines, lint_notebook
from .lint_config import Config
from .naming import suggest

# How many candidate runs are ranked cheaply, then planned by the engine at most.
MAX_RUN_CELLS = 8
MAX_PLANS = 12
MIN_CANDIDATE_LINES = 4


def health_report(
    nb: Mapping[str, Any], path: str = "", config: Config | None = None, candidates: int = 3
) -> dict[str, Any]:
    """The health report of one notebook (nbformat v4 node or dict) as JSON-ready data."""
    with _collector_paused():
        return _health_report(nb, path, config or Config(), candidates)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while one report is made, if it was on.

    A cold report (the CLI, a notebook the server has not analysed) makes the facts and
    the tree of every cell and keeps them (the facts memo; config's scan): some hundred
    thousand new objects, which set off full collections, each walking every object of
    the process: more than a third of a cold report at 1,000 cells. Reference counting
    still frees what the report drops; what becomes cyclic garbage meanwhile, here or in
    another thread, is collected once the collector is back on (its next young collections
    then walk the report's new objects once: bench/bench_report.py times them too)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _health_report(nb: Mapping[str, Any], path: str, config: Config, candidates: int) -> dict[str, Any]:
    facts = NotebookFacts(nb)
    findings = lint_notebook(nb, path, config, facts=facts)
    functions, classes = facts.definitions
    duplicates = facts.duplicates(config["duplicate-lines"])
    report: dict[str, Any] = {
        "path": path,
        "lines_of_code": facts.lines_of_code,
        "cells": len(facts.cells),
        "code_cells": len(facts.code),
        "module_level_names": len(facts.module_names),
        "names": facts.module_names,
        "functions": [name for _, _, name in functions],
        "classes": [name for _, _, name in classes],
        "out_of_order_cells": [
            {
                "cell_index": c.pos,
                "cell_id": _id(c.cell),
                "execution_count": c.count,
                "after_cell_index": above.pos,
                "after_execution_count": above.count,
            }
            for c, above in facts.out_of_order
        ],
        "duplicated_blocks": [
            {
                "cell_index": d.cell,
                "line": d.line,
                "of_cell_index": d.of_cell,
                "of_line": d.of_line,
                "lines": d.lines,
            }
            for d in duplicates
        ],
        "findings_by_rule": dict(sorted(Counter(f.rule for f in findings).items())),
        "findings": [f.to_json() for f in findings],
    }
    report["verdict"] = _verdict(report, facts, config, findings)
    report["extraction_candidates"] = extraction_candidates(nb, facts, path, candidates)
    report["hard_coded_parameters"] = hard_coded_parameters(nb)
    return report


def _id(cell: Mapping[str, Any]) -> str | None:
    cid = cell.get("id")
    return cid if isinstance(cid, str) else None


def _verdict(report: dict[str, Any], facts: NotebookFacts, config: Config, findings: list[Finding]) -> dict[str, Any]:
    """``refactor`` past a size/structure threshold, ``attention`` when only the run order
    or error findings are wrong, ``healthy`` otherwise; each reason is one sentence."""
    loc = report["lines_of_code"]
    structure = []
    if loc > config["max-notebook-lines"]:
        structure.append(f"{loc} lines of code (more than {config['max-notebook-lines']})")
    if report["module_level_names"] > config["max-module-names"]:
        structure.append(f"{report['module_level_names']} module-level names (more than {config['max-module-names']})")
    if loc > config["no-functions-lines"] and not report["functions"] and not report["classes"]:
        structure.append(f"{loc} lines of code and not one function or class")
    if report["duplicated_blocks"]:
        n = len(report["duplicated_blocks"])
        structure.append(f"{n} duplicated block{'s' if n > 1 else ''} of code")
    long_cells = sum(1 for c in facts.code if c.lines > config["max-cell-lines"])
    if long_cells:
        structure.append(
            f"{long_cells} cell{'s' if long_cells > 1 else ''} longer than {config['max-cell-lines']} lines"
        )
    order = []
    if report["out_of_order_cells"]:
        n = len(report["out_of_order_cells"])
        order.append(f"{n} cell{'s' if n > 1 else ''} ran out of order")
    errors = sum(1 for f in findings if f.severity == "error")
    if errors:
        order.append(
            f"{errors} error finding{'s' if errors > 1 else ''} (the notebook may not survive Restart & Run All)"
        )
    if structure:
        level, summary = "refactor", "time to move code into modules"
    elif order:
        level, summary = "attention", "restart and run all, then fix the findings"
    else:
        level, summary = "healthy", "fine as a notebook"
    return {"level": level, "summary": summary, "reasons": structure + order}


# ----- extraction candidates ----------------------------------------------------------
def extraction_candidates(
    nb: Mapping[str, Any], facts: NotebookFacts, path: str = "", limit: int = 3
) -> list[dict[str, Any]]:
    """Up to ``limit`` non-overlapping runs of adjacent code cells that the extraction
    engine accepts as a function, best first: many lines of code outside functions,
    few parameters and returns."""
    from .extract import plan_extraction

    if not facts.python or limit <= 0:
        return []
    taken: set[int] = set()
    proposed: set[str] = set()
    out: list[dict[str, Any]] = []
    planned = 0
    for _, run, lines in _ranked_runs(facts):
        if len(out) >= limit or planned >= MAX_PLANS:
            break
        positions = [facts.code[k].pos for k in run]
        if taken.intersection(positions):
            continue
        suggestion = suggest(nb, positions, avoid=proposed)
        name, module = suggestion["name"], suggestion["module"]
        planned += 1
        try:
            plan = plan_extraction(
                {"notebook": nb, "cells": positions, "name": name, "module": module, "mode": "function", "path": path}
            )
        except RequestError:  # a cell the engine cannot read: not a candidate
            continue
        if plan["refused"] is not None:
            continue
        proposed.add(name)
        taken.update(positions)
        out.append(
            {
                "cells": positions,
                "cell_ids": [_id(facts.cells[p]) for p in positions],
                "name": name,
                "module": module,
                "params": plan["params"],
                "returns": plan["returns"],
                "lines": lines,
            }
        )
    return out


def _ranked_runs(facts: NotebookFacts) -> Iterator[tuple[float, list[int], int]]:
    """(score, code indices, lines of code) of every run of up to MAX_RUN_CELLS code cells
    with no other cell between them, best first. The score estimates the engine's
    params/returns from the def-use: names read from cells above the run (imports are
    not parameters: the module imports them), names defined in it and read below.

    Linear in the number of cells: the def-use is indexed once, each run's estimate looks
    at its own cells only, and the runs come off a heap, as many as the caller takes."""
    defs = facts.definers
    code = facts.code
    facts_of = [c.python_facts for c in code]
    imports: set[str] = set()
    for f in facts_of:
        if f.error is None:
            imports.update(f.imports)
    # read_by[k]: (name, producing code index) of what cell k reads from a cell above it;
    # last_read[p]: name -> the last code index reading the value that cell p produced.
    read_by: list[list[tuple[str, int]]] = [[] for _ in code]
    last_read: list[dict[str, int]] = [{} for _ in code]
    for k, f in enumerate(facts_of):
        if f.error is not None:
            continue
        for name in defs.reads(k):
            p = defs.above(name, k)
            if p is not None and not is_predefined(name):
                read_by[k].append((name, p))
                last_read[p][name] = k
    loose = [_loose_lines(c) if f.error is None else 0 for c, f in zip(code, facts_of)]
    runs: list[tuple[float, int, int, list[int], int]] = []
    for start in range(len(code)):
        lines = 0
        params: set[str] = set()
        for end in range(start, min(start + MAX_RUN_CELLS, len(code))):
            if facts_of[end].error is not None or (end > start and code[end].pos != code[end - 1].pos + 1):
                break
            lines += loose[end]
            params.update(n for n, p in read_by[end] if p < start and n not in imports)
            if lines < MIN_CANDIDATE_LINES:
                continue
            returns = {n for p in range(start, end + 1) for n, k in last_read[p].items() if k > end}
            score = lines / (1 + len(params) + len(returns))
            # ties: the run that starts first, then the shorter one
            runs.append((-score, start, end, list(range(start, end + 1)), lines))
    heapq.heapify(runs)
    while runs:
        neg_score, _, _, run, lines = heapq.heappop(runs)
        yield -neg_score, run, lines


def _loose_lines(cell: CodeCell) -> int:
    """Lines of code of a cell (one that compiles) outside its def/class statements: code
    not reusable yet. The tree is read only when the cell may define something."""
    inside: set[int] = set()
    tree = cell.python_facts.tree if may_define(cell.python_facts) else None
    for node in tree.body if tree is not None else ():
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            inside.update(range(first, (node.end_lineno or node.lineno) + 1))
    if not inside:
        return cell.lines
    return code_lines("\n".join(line for i, line in enumerate(cell.source.splitlines(), 1) if i not in inside))


def hard_coded_parameters(nb: Mapping[str, Any]) -> int:
    """How many parameters ``jupyter nbrefactor config`` would move (``config.find_parameters``)."""
    from .config import find_parameters

    return len(find_parameters(nb)[0])


# ----- text -----------------------------------------------------------------------------
def _cells(positions: list[int]) -> str:
    """1-based cell numbers, runs shortened: ``cells 11-17``."""
    numbers = [p + 1 for p in positions]
    if len(numbers) > 1 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"cells {numbers[0]}-{numbers[-1]}"
    return ("cells " if len(numbers) > 1 else "cell ") + ", ".join(map(str, numbers))


def format_report(report: dict[str, Any]) -> str:
    """The report as text for a terminal."""
    ooo = report["out_of_order_cells"]
    dup = report["duplicated_blocks"]
    rows = [
        ("lines of code", str(report["lines_of_code"])),
        ("cells", f"{report['cells']} ({report['code_cells']} code)"),
        ("module-level names", str(report["module_level_names"])),
        ("functions", str(len(report["functions"]))),
        ("classes", str(len(report["classes"]))),
        ("out-of-order cells", str(len(ooo)) + (f": {_cells([o['cell_index'] for o in ooo])}" if ooo else "")),
        (
            "duplicated blocks",
            str(len(dup))
            + (
                ": "
                + "; ".join(
                    f"{_cells([d['cell_index']])} ({d['lines']} lines, like cell {d['of_cell_index'] + 1})" for d in dup
                )
                if dup
                else ""
            ),
        ),
        (
            "findings",
            ", ".join(f"{rule} {n}" for rule, n in report["findings_by_rule"].items()) or "none",
        ),
    ]
    width = max(len(k) for k, _ in rows)
    out = [f"Health report: {report['path']}" if report["path"] else "Health report"]
    out += [f"  {k.ljust(width)}  {v}" for k, v in rows]
    verdict = report["verdict"]
    out.append(f"Verdict: {verdict['summary']}")
    out += [f"  - {r}" for r in verdict["reasons"]]
    parameters = report.get("hard_coded_parameters", 0)
    if parameters:
        command = f"jupyter nbrefactor config {report['path'] or 'NOTEBOOK'}"
        out.append(f"Hard-coded parameters: {parameters} (move them to config.yaml: {command})")
    else:
        out.append("Hard-coded parameters: none")
    candidates = report["extraction_candidates"]
    out.append("Extraction candidates:" if candidates else "Extraction candidates: none")
    for i, c in enumerate(candidates, 1):
        returns = ", ".join(c["returns"]) or "nothing"
        out.append(
            f"  {i}. {_cells(c['cells'])} ({c['lines']} lines) -> {c['name']}({', '.join(c['params'])}) "
            f"returns {returns}, in {c['module']}"
        )
    return "\n".join(out) + "\n"
