"""Speed of the health report (``GET report``, ``jupyter nbrefactor report``) on generated
notebooks of 500 to 4,000 code cells (issue 12 target: <= 200 ms at 1,000 cells).

    python bench/bench_report.py [--cells 500 1000 2000 4000] [--repeat 3]

Each notebook: code cells of ~8 lines that read what the cells just above define (a
chain, so every run of cells has parameters and returns), a function every 5 cells, a
markdown heading every 10. Timed: ``health_report`` (lint findings, figures, verdict
and the extraction candidates, which the engine plans), cold (the per-cell facts cache
cleared: the CLI, or a notebook the server has not analysed) and warm (facts cached:
the Health tab of an open notebook, whose cells the live analysis has already parsed).
The target applies to warm; cold adds parsing every cell (cells.py) and the def-use
(dataflow.py). The candidates' share (ranking + the engine's plans) is timed on its own.
"""

from __future__ import annotations

import argparse
import statistics
import time

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from jupyter_nbrefactor.cells import _cached_facts
from jupyter_nbrefactor.lint import NotebookFacts
from jupyter_nbrefactor.report import extraction_candidates, health_report

TEMPLATE = """# step {i}
rows_{i} = [r + offset for r in rows_{p} if r % {m}]
total_{i} = sum(rows_{i}) + total_{p}
for r in rows_{i}[:3]:
    total_{i} += r * scale
label_{i} = f"step {i}: {{len(rows_{i})}} rows"
if total_{i} > limit:
    total_{i} = limit
print(label_{i}, total_{i})"""

FUNCTION = '''def helper_{i}(values, k={m}):
    """Scale the values."""
    return [v * k for v in values]
rows_{i} = helper_{i}(rows_{p})
total_{i} = sum(rows_{i})'''


def notebook(n_cells: int):
    cells = [new_code_cell("rows_0 = list(range(100))\ntotal_0 = 0\noffset, scale, limit = 3, 2, 10**6")]
    for i in range(1, n_cells):
        if i % 10 == 0:
            cells.append(new_markdown_cell(f"## Part {i // 10}: cleaning the data"))
        template = FUNCTION if i % 5 == 0 else TEMPLATE
        cells.append(new_code_cell(template.format(i=i, p=i - 1, m=i % 7 + 2)))
    return new_notebook(
        cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    )


def timed(function, repeat: int, cold: bool) -> float:
    times = []
    for _ in range(repeat):
        if cold:
            _cached_facts.cache_clear()
        t0 = time.perf_counter()
        function()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, nargs="+", default=[500, 1000, 2000, 4000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"{'cells':>6} {'report cold':>12} {'report warm':>12} {'candidates warm':>16}  target (warm <= 200 ms)")
    for n in args.cells:
        nb = notebook(n)
        health_report(nb, "bench.ipynb")  # first-call costs (imports)
        cold = timed(lambda nb=nb: health_report(nb, "bench.ipynb"), args.repeat, cold=True)
        warm = timed(lambda nb=nb: health_report(nb, "bench.ipynb"), args.repeat, cold=False)
        facts = NotebookFacts(nb)
        candidates = timed(lambda nb=nb, f=facts: extraction_candidates(nb, f, "bench.ipynb"), args.repeat, cold=False)
        target = ("ok" if warm <= 200 else "OVER") if n == 1000 else ""
        print(f"{n:>6} {cold:>9.0f} ms {warm:>9.0f} ms {candidates:>13.0f} ms  {target}", flush=True)


if __name__ == "__main__":
    main()
