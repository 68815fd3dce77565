"""Speed of the dataflow graph (``POST graph``, ``report --graph``) on generated notebooks.

    python bench/bench_graph.py [--cells 500 1000 2000] [--repeat 5]

Each notebook: a markdown heading every 10 cells; code cell i reads the two cells above
and a setting of the first (``v{i} = v{i-1} + v{i-2} * scale``), one cell in 10 changes a
list in place and one in 10 defines a function reading a global. Timed: ``notebook_graph``
with ``cell_id`` (the view's request when a cell is selected), cold (facts cache cleared)
and warm (facts cached, as in a running server whose live analysis parsed the cells).
"""

from __future__ import annotations

import argparse
import statistics
import time

from jupyter_nbrefactor.cells import _cached_facts
from jupyter_nbrefactor.graph import notebook_graph


def request(n: int) -> dict:
    cells = []
    for i in range(n):
        if i % 10 == 0:
            cells.append({"id": f"md-{i}", "source": f"## Part {i // 10}", "cell_type": "markdown"})
        if i == 0:
            source = "scale = 2\nv0 = 1\nitems = []"
        elif i == 1:
            source = "v1 = v0 * scale"
        elif i % 10 == 3:
            source = f"def f{i}(x):\n    return x * scale\nv{i} = f{i}(v{i - 1})"
        elif i % 10 == 7:
            source = f"items.append(v{i - 1})\nv{i} = v{i - 1} + len(items)"
        else:
            source = f"v{i} = v{i - 1} + v{i - 2} * scale"
        cells.append({"id": f"cell-{i}", "source": source, "cell_type": "code"})
    return {"cells": cells, "cell_id": f"cell-{n // 2}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cells", type=int, nargs="+", default=[500, 1000, 2000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{'cells':>6} {'edges':>6} {'cold ms':>8} {'warm ms':>8}")
    for n in args.cells:
        req = request(n)
        cold, warm = [], []
        for _ in range(args.repeat):
            _cached_facts.cache_clear()
            t0 = time.perf_counter()
            graph = notebook_graph(req)
            cold.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            notebook_graph(req)
            warm.append((time.perf_counter() - t0) * 1000)
        print(f"{n:>6} {len(graph['edges']):>6} {statistics.median(cold):>8.1f} {statistics.median(warm):>8.1f}")


if __name__ == "__main__":
    main()
