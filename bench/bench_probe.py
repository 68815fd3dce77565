"""Cost of the fingerprint probe (src/probe.ts) with a 1 GB DataFrame in the namespace.

    python bench/bench_probe.py [--gigabytes 1]

Evaluates the exact expression the extension sends as a silent user expression, on a
namespace holding a 1 GB frame, a 10M-element array and a number, asking for all three
(the worst case: the cell just bound them) and for the frame alone. Target (issue 20):
the probe adds <= 5 ms per run.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd
from bench_kernel_slowdown import fingerprint_expression


def timed(expression: str, ns: dict, repeat: int = 21) -> float:
    code = compile(expression, "<probe>", "eval")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        eval(code, {"get_ipython": lambda: None}, {"__ns": ns})
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gigabytes", type=float, default=1.0)
    args = parser.parse_args(argv)
    rows = int(args.gigabytes * 1e9) // (8 * 16)
    df = pd.DataFrame(np.random.default_rng(0).random((rows, 16)), columns=[f"c{i}" for i in range(16)])
    ns = {"df": df, "arr": np.zeros(10_000_000), "x": 1}
    size = df.memory_usage().sum() / 1e9
    for names in (["df", "arr", "x"], ["df"], ["x"]):
        expression = fingerprint_expression(names).replace("get_ipython().user_ns", "__ns")
        print(f"{size:.2f} GB frame in the namespace, fingerprints of {names}: {timed(expression, ns) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
