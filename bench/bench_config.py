"""Speed of planning parameters -> config.yaml on a 500-cell notebook (issue 15 target:
plan <= 200 ms).

    python bench/bench_config.py [--cells 500] [--repeat 7]

The notebook: 500 code cells of ~7 lines, each with a def whose default argument is a
literal and an f-string (both refused: every cell is scanned for them); every 10th cell
binds two parameters the next one reads (``LR_i = 0.01``, ``COLS_i = ["a", "b"]``), every
25th makes a model with literal settings (``RandomForestClassifier(n_estimators=…,
max_depth=…)``), every 50th reads a CSV by path; a markdown heading every 10 cells; an
existing config.yaml of 60 commented keys is merged into. ``--heavy`` instead gives every
cell a model and a CSV path (about 1,700 candidates, far beyond a real notebook). Timed:

- cold: cell facts not cached, nor config.py's per-cell walk and its round-trip memo (the
  first plan after opening the notebook);
- analysed: the cell facts cached, config.py's own caches not (the dialog's first plan on a
  notebook the live analysis has already parsed: it fills the same facts cache);
- warm: all of them cached (the dialog opened again).

Each is timed twice per round: with Python's cyclic garbage collector on (as it runs in the
server) and off around the timed call (as ``timeit`` measures; the collection is not skipped,
only left to the next allocation). A cold plan makes ~500 new parse trees that stay cached,
which on this process's heap sets off one full collection (~100 ms of CPU traversing every
object of the process, not only the plan's): the "gc on" cold figure includes it, the
"gc off" one is what the plan's own code costs. ``full gc`` counts those collections.

"plan" is ``plan_config`` with every candidate selected (the YAML merged, the round trip
checked, every cell rewritten); "apply" is ``apply_config`` (the new notebook).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from jupyter_nbrefactor import config
from jupyter_nbrefactor.cells import _cached_facts
from jupyter_nbrefactor.config import apply_config, plan_config

TEMPLATE = """\
part_{i} = frames[{i} % 7].assign(step={i})
def score_{i}(frame, k={d}):
    return frame.mean() * k
label_{i} = f"run {i}"
res_{i} = score_{i}(part_{i}) + len(label_{i})
summary_{i} = {{"n": len(part_{i}), "res": res_{i}}}"""


def notebook(n_cells: int, heavy: bool = False):
    cells = [
        new_code_cell(
            "import pandas as pd\nfrom sklearn.ensemble import RandomForestClassifier\n"
            "SEED = 42\nframes = [pd.DataFrame({'a': [1, 2]}) for _ in range(7)]"
        )
    ]
    for i in range(1, n_cells):
        if i % 10 == 0:
            cells.append(new_markdown_cell(f"## Step {i}"))
        source = TEMPLATE.format(i=i, d=3 + i % 7)
        if i % 10 == 5:
            source = f"LR_{i} = 0.01\nCOLS_{i} = ['a', 'b']\n" + source
        if i % 10 == 6:
            source += f"\nprint(LR_{i - 1}, COLS_{i - 1}, SEED)"
        if i % 25 == 0 or heavy:
            source += (
                f"\nmodel_{i} = RandomForestClassifier(n_estimators={50 + i}, max_depth={3 + i % 7}, random_state=SEED)"
            )
        if i % 50 == 0 or heavy:
            source += f'\nextra_{i} = pd.read_csv("data/part_{i}.csv")'
        cells.append(new_code_cell(source))
    return new_notebook(
        cells=cells, metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}}
    )


EXISTING = "".join(f"# knob {i}\nexisting_{i}:\n  value: {i}  # kept\n" for i in range(60))


FULL_COLLECTIONS = [0]


def _count_full(phase: str, info: dict) -> None:
    if phase == "start" and info["generation"] == 2:
        FULL_COLLECTIONS[0] += 1


def timed(function, *args, collect: bool = True):
    """(wall ms, CPU ms of this process, the result): on a loaded machine the CPU time is
    the figure that says what the code costs. ``collect=False``: the cyclic garbage
    collector is off during the call (``timeit``'s way), on again after it."""
    if not collect:
        gc.disable()
    try:
        start, cpu = time.perf_counter(), time.process_time()
        result = function(*args)
        return (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000, result
    finally:
        gc.enable()


def cold() -> None:
    """Forget every cache a plan fills: the cell facts, config.py's walks and round trips."""
    _cached_facts.cache_clear()
    config._scan.cache_clear()
    config._ROUND_TRIPS.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--heavy", action="store_true", help="a model and a CSV path in every cell")
    args = parser.parse_args()
    nb = notebook(args.cells, args.heavy)
    request = {"notebook": nb, "config_source": EXISTING}
    figures: dict[str, list[tuple[float, float]]] = {
        "plan cold, gc on": [],
        "plan cold, gc off": [],
        "plan analysed, gc on": [],
        "plan warm, gc on": [],
        "plan warm, gc off": [],
        "apply": [],
    }
    full = {"cold": 0, "analysed": 0, "warm": 0}
    plan = None
    gc.callbacks.append(_count_full)
    plan_config(request)  # imports (ruamel's modules) are not part of a plan's time
    for _ in range(args.repeat):
        for collect in (True, False):
            on = "on" if collect else "off"
            cold()
            gc.collect()  # each round starts from the same heap
            before = FULL_COLLECTIONS[0]
            *ms, plan = timed(plan_config, request, collect=collect)
            full["cold"] += FULL_COLLECTIONS[0] - before
            figures[f"plan cold, gc {on}"].append(tuple(ms))
            before = FULL_COLLECTIONS[0]
            *ms, plan = timed(plan_config, request, collect=collect)
            full["warm"] += FULL_COLLECTIONS[0] - before
            figures[f"plan warm, gc {on}"].append(tuple(ms))
        config._scan.cache_clear()
        config._ROUND_TRIPS.clear()
        gc.collect()
        before = FULL_COLLECTIONS[0]
        *ms, plan = timed(plan_config, request)
        full["analysed"] += FULL_COLLECTIONS[0] - before
        figures["plan analysed, gc on"].append(tuple(ms))
        *ms, _ = timed(apply_config, nb, plan)
        figures["apply"].append(tuple(ms))
    gc.callbacks.remove(_count_full)
    assert plan is not None and plan["refused"] is None, plan and plan["refused"]
    print(
        f"{args.cells} cells: {len(plan['candidates'])} candidates, {len(plan['refusals'])} refused, "
        f"{len(plan['cells'])} cells changed, config.yaml {len(plan['config_source'].splitlines())} lines"
    )
    print(
        f"full collections during the gc-on plans: cold {full['cold']}, analysed {full['analysed']}, "
        f"warm {full['warm']}, in {args.repeat} plans each"
    )
    for name, values in figures.items():
        wall, cpu = [v[0] for v in values], [v[1] for v in values]
        print(
            f"{name:20s} wall median {statistics.median(wall):7.1f} ms  min {min(wall):7.1f} ms   "
            f"CPU median {statistics.median(cpu):7.1f} ms  min {min(cpu):7.1f} ms"
        )


if __name__ == "__main__":
    main()
