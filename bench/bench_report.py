"""Speed of the health report (``GET report``, ``jupyter nbrefactor report``) on generated
notebooks of 500 to 4,000 code cells (issue 12 target: <= 200 ms at 1,000 cells).

    python bench/bench_report.py [--cells 500 1000 2000 4000] [--repeat 3] [--clock cpu]

Each notebook: code cells of ~8 lines that read what the cells just above define (a
chain, so every run of cells has parameters and returns), a function every 5 cells, a
markdown heading every 10. Timed: ``health_report`` (lint findings, figures, verdict
and the extraction candidates, which the engine plans), cold and warm:

- cold: every memo by cell text cleared (the facts, lint's scans and statements,
  config's scan, naming's names), as in a new process: ``jupyter nbrefactor report``,
  or a notebook the server has not analysed. "cold, facts" clears the facts memo only
  (the figure before issue 12's second round: the other memos stayed warm).
  "+ collect" adds the young collections the report leaves to do (``gc.collect(1)``
  right after it: the report pauses the cyclic collector, see report.py).
- first view: every memo cleared, then the facts of every cell made as the live analysis
  of an open notebook makes them (no trees): the Health tab opened on it the first time.
- warm: every memo kept (the Health tab of an open notebook, asked again after a save).

The candidates' share (ranking + the engine's plans) is timed on its own, warm.
``--clock cpu`` times the process's CPU instead of the wall clock (a shared machine).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from jupyter_nbrefactor import config, lint, naming, statements
from jupyter_nbrefactor.cells import _cached_facts, cell_facts
from jupyter_nbrefactor.lint import NotebookFacts
from jupyter_nbrefactor.report import extraction_candidates, health_report

# Every memo keyed by a cell's text (or its tree) that a report fills.
MEMOS = (_cached_facts, lint._scan, statements.normalised_statements, config._scan, naming._names_in_cell)

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


CLOCK = time.perf_counter


def timed(function, repeat: int, clear=(), collect: bool = False, prepare=None) -> float:
    """Median ms of ``function()`` with the memos ``clear`` cleared and then ``prepare()``
    called (untimed) before each call (and, with ``collect``, the young collections it
    leaves: ``gc.collect(1)``)."""
    times = []
    for _ in range(repeat):
        for memo in clear:
            memo.cache_clear()
        if prepare is not None:
            prepare()
        gc.collect()  # the previous call's garbage is not this one's
        t0 = CLOCK()
        function()
        if collect:
            gc.collect(1)
        times.append((CLOCK() - t0) * 1000)
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, nargs="+", default=[500, 1000, 2000, 4000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall")
    args = parser.parse_args(argv)
    global CLOCK
    CLOCK = time.process_time if args.clock == "cpu" else time.perf_counter
    columns = ("cold", "+ collect", "cold, facts", "first view", "warm", "candidates")
    print(f"{'cells':>6} " + " ".join(f"{c:>12}" for c in columns) + "  target at 1,000 cells: <= 200 ms")
    for n in args.cells:
        nb = notebook(n)

        def report(nb=nb):
            return health_report(nb, "bench.ipynb")

        def analysed(nb=nb):  # what the live analysis of the open notebook leaves: facts, no trees
            for cell in nb.cells:
                if cell.cell_type == "code":
                    cell_facts(cell.source)

        report()  # first-call costs (imports)
        figures = [
            timed(report, args.repeat, clear=MEMOS),
            timed(report, args.repeat, clear=MEMOS, collect=True),
            timed(report, args.repeat, clear=(_cached_facts,)),
            timed(report, args.repeat, clear=MEMOS, prepare=analysed),
            timed(report, args.repeat),
        ]
        facts = NotebookFacts(nb)
        figures.append(timed(lambda nb=nb, f=facts: extraction_candidates(nb, f, "bench.ipynb"), args.repeat))
        target = ", ".join(
            f"{name} {'ok' if figures[i] <= 200 else 'OVER'}"
            for name, i in (("cold", 0), ("first view", 3), ("warm", 4))
        )
        print(
            f"{n:>6} " + " ".join(f"{t:>9.0f} ms" for t in figures) + ("  " + target if n == 1000 else ""), flush=True
        )


if __name__ == "__main__":
    main()
