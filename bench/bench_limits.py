"""The engine at the limits the hardening tests use (issue 8).

    python bench/bench_limits.py

- ``analyze`` of a 10,000-cell notebook with its run log (3.2 MB of JSON), parsed from
  JSON as the route does, cold (no cell facts cached) and again;
- ``plan_extraction`` of one enormous cell (20,000 and 200,000 one-line assignments).
"""

from __future__ import annotations

import json
import time

from nbformat.v4 import new_code_cell, new_notebook

from jupyter_nbrefactor import analyze, plan_extraction


def chain_cell(i: int) -> str:
    if i == 0:
        return "import math\nv0 = 0"
    return f"v{i} = v{i - 1} + math.sqrt({i})\ndef f{i}(a):\n    return a * v{i}\nprint(f{i}(2))"


def main():
    cells = [{"id": f"c{i}", "source": chain_cell(i)} for i in range(10_000)]
    runs = [{"cell_id": f"c{i}", "source": chain_cell(i), "execution_count": i + 1} for i in range(10_000)]
    body = json.dumps({"cells": cells, "runs": runs})
    for label in ("cold", "again"):
        started, cpu = time.perf_counter(), time.process_time()
        analyze(json.loads(body))
        print(f"analyze 10,000 cells ({len(body) / 1e6:.1f} MB), {label}: {_took(started, cpu)}")
    for lines in (20_000, 200_000):
        source = "\n".join(f"a{i} = n + {i}" for i in range(lines))
        notebook = new_notebook(cells=[new_code_cell("n = 1"), new_code_cell(source), new_code_cell(f"print(a{lines - 1})")])
        started, cpu = time.perf_counter(), time.process_time()
        plan = plan_extraction({"notebook": notebook, "cells": [1], "name": "f", "module": "m.py"})
        assert plan["refused"] is None
        print(f"plan one cell of {lines:,} lines ({len(source) / 1e6:.1f} MB): {_took(started, cpu)}")


def _took(started: float, cpu: float) -> str:
    return f"{time.perf_counter() - started:.2f} s wall, {time.process_time() - cpu:.2f} s CPU"


if __name__ == "__main__":
    main()
