"""Speed of an extraction: plan + apply on a 500-cell notebook (issue 4 target: <= 200 ms).

    python bench/bench_extract.py [--cells 500] [--repeat 7]

The notebook: 500 code cells of ~12 lines (assignments, a def that reads only
``math`` so it moves to the module's top level, a loop, a comprehension,
a displayed value) and a markdown cell every 10 cells; the selection is 3 cells in the
middle; the module already exists with 40 functions (the merge path). Timed:

- cold: cell facts not cached (the first extraction after opening the notebook);
- warm: facts cached (a second extraction on the same notebook, as in the UI).

"plan" is ``plan_extraction``; "apply" is ``replace_cells`` (the notebook edit) +
``write_module`` (an atomic write of the module to a temporary folder): what the server
does, the frontend applying the edit to the open document. The CLI also saves the
notebook (nbformat's validation + JSON); that is timed separately as "save".
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from jupyter_nbrefactor.apply import replace_cells, write_module, write_text_atomic
from jupyter_nbrefactor.cells import _cached_facts
from jupyter_nbrefactor.extract import plan_extraction

TEMPLATE = '''# step {i}
rows_{i} = [r for r in base if r % {m} == 0]
total_{i} = sum(rows_{i}) + offset
def scale_{i}(v, k={m}):
    """Scale one value."""
    return v * k + math.pi
scaled_{i} = [scale_{i}(r) for r in rows_{i}]
for r in rows_{i}[:3]:
    total_{i} += r
summary_{i} = {{"n": len(rows_{i}), "total": total_{i}}}
text_{i} = f"step {i}: {{summary_{i}['n']}} rows"
summary_{i}'''


def notebook(n_cells: int):
    cells = [new_code_cell("import math\nbase = list(range(200))\noffset = 3")]
    for i in range(1, n_cells):
        if i % 10 == 0:
            cells.append(new_markdown_cell(f"## Part {i // 10}"))
        cells.append(new_code_cell(TEMPLATE.format(i=i, m=i % 7 + 2)))
    cells.append(new_code_cell("print(total_250, summary_251, scale_252(1))"))
    return new_notebook(cells=cells)


def existing_module() -> str:
    return "import math\n" + "".join(f"\n\ndef helper_{i}(v):\n    return math.sqrt(v) + {i}\n" for i in range(40))


def once(nb, selection, module_text, folder: Path, cold: bool) -> tuple[float, float, float]:
    if cold:
        _cached_facts.cache_clear()
    (folder / "src").mkdir(exist_ok=True)
    (folder / "src" / "steps.py").write_text(module_text)
    t0 = time.perf_counter()
    plan = plan_extraction(
        {
            "notebook": nb,
            "cells": selection,
            "name": "steps_250",
            "module": "src/steps.py",
            "module_source": module_text,
        }
    )
    t1 = time.perf_counter()
    assert plan["refused"] is None, plan["refused"]
    new_nb = replace_cells(nb, selection, plan["replacement"])
    write_module(folder, plan)
    t2 = time.perf_counter()
    write_text_atomic(folder / "nb.ipynb", nbformat.writes(new_nb))
    t3 = time.perf_counter()
    return (t1 - t0) * 1000, (t2 - t1) * 1000, (t3 - t2) * 1000


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    nb = notebook(args.cells)
    positions = [
        i
        for i, c in enumerate(nb.cells)
        if "# step 250\n" in c.source or "# step 251\n" in c.source or "# step 252\n" in c.source
    ]
    module_text = existing_module()
    code = sum(c.cell_type == "code" for c in nb.cells)
    print(f"notebook: {len(nb.cells)} cells ({code} code), selection: cells {[p + 1 for p in positions]}")
    with tempfile.TemporaryDirectory() as tmp:
        for label, cold in (("cold", True), ("warm", False)):
            once(nb, positions, module_text, Path(tmp), cold)  # imports, first-call costs
            runs = [once(nb, positions, module_text, Path(tmp), cold) for _ in range(args.repeat)]
            plan_ms, apply_ms, save_ms = (statistics.median(r[k] for r in runs) for k in range(3))
            total = statistics.median(r[0] + r[1] for r in runs)
            verdict = "ok" if total <= 200 else "OVER TARGET"
            print(
                f"{label}: plan {plan_ms:.1f} ms + apply {apply_ms:.1f} ms = {total:.1f} ms "
                f"(target <= 200 ms: {verdict}); CLI save of the notebook {save_ms:.1f} ms; median of {args.repeat}"
            )


if __name__ == "__main__":
    main()
