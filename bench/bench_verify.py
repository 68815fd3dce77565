"""Cost of ``verify`` against one plain nbclient run of the same notebook (issue 13 target:
the comparison adds <= 10% to the runs it needs).

    python bench/bench_verify.py [NOTEBOOK ...] [--repeat 3]

For each notebook (default: examples/big_messy_notebook.ipynb and two scikit-learn gallery
notebooks of tests/data/clean_run), medians of ``--repeat`` runs of:

- plain: ``NotebookClient(nb, kernel_name=…, resources={"metadata": {"path": copy}}).execute()``,
  nbclient's defaults, in a copy of the notebook's folder (made before the clock starts);
- verify saved: ``verify_notebook(path)``, the saved outputs as reference: one fresh run, a
  second one when a cell differs (to tell non-deterministic cells);
- verify against itself: ``verify_notebook(path, against=path)``: two fresh runs, a third
  when a cell differs;
- copy: ``scratch_copy`` of the notebook's folder, alone (part of every verify run);
- compare: normalising and diffing every cell of one run's outputs, alone.

Overhead = verify's time / (the runs it made x plain) - 1: what verify adds to the runs
themselves (scratch copy, comparison, kernel set-up differences). nbclient's default graceful
kernel shutdown takes longer than verify's immediate one (it throws the kernel away), so the
overhead is given against both: plain with nbclient's defaults and plain with
``shutdown_kernel="immediate"`` ("plain imm").
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from jupyter_nbrefactor.verify import Run, _compare, code_cells, kernel_name, run_fresh, scratch_copy, verify_notebook

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = [
    ROOT / "examples" / "big_messy_notebook.ipynb",
    ROOT / "tests" / "data" / "clean_run" / "sklearn_linear_model_plot_nnls.ipynb",
    ROOT / "tests" / "data" / "clean_run" / "sklearn_svm_plot_svm_anova.ipynb",
]


def plain_run(path: Path, **options) -> float:
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp, "nb")
        shutil.copytree(path.parent, copy, symlinks=True)
        started = time.perf_counter()
        resources = {"metadata": {"path": str(copy)}}
        NotebookClient(nb, timeout=600, kernel_name=kernel_name(nb), resources=resources, **options).execute()
        return time.perf_counter() - started


def timed_verify(path: Path, against: Path | None) -> tuple[float, int, dict]:
    runs = []
    started = time.perf_counter()
    result = verify_notebook(path, against=against, on_progress=lambda p: runs.append(p) if p["cell"] == 0 else None)
    return time.perf_counter() - started, len(runs), result


def compare_seconds(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    fresh = run_fresh(nb, path.parent)
    saved = Run(outputs={i: nb.cells[i].get("outputs", []) for i in code_cells(nb)})
    started = time.perf_counter()
    for i in code_cells(nb):
        _compare(nb, i, [i], fresh, saved, ("saved", "fresh run"))
    return time.perf_counter() - started


def copy_seconds(path: Path) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        scratch_copy(path.parent, Path(tmp))
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(
        f"{'notebook':38} {'cells':>5} {'plain':>6} {'imm':>6} | {'saved':>6} {'runs':>4} {'ovh':>7} {'ovh imm':>7} "
        f"| {'itself':>6} {'runs':>4} {'ovh':>7} {'ovh imm':>7} | {'copy':>6} {'compare':>7}  verdicts"
        "   (seconds; copy and compare in ms)"
    )
    for path in args.notebooks:
        plain = statistics.median(plain_run(path) for _ in range(args.repeat))
        imm = statistics.median(plain_run(path, shutdown_kernel="immediate") for _ in range(args.repeat))
        saved = [timed_verify(path, None) for _ in range(args.repeat)]
        itself = [timed_verify(path, path) for _ in range(args.repeat)]
        copy = statistics.median(copy_seconds(path) for _ in range(args.repeat))
        compare = statistics.median(compare_seconds(path) for _ in range(args.repeat))
        cells = len(code_cells(nbformat.read(path, as_version=4)))
        row = f"{path.name[:38]:38} {cells:5d} {plain:6.2f} {imm:6.2f}"
        for results in (saved, itself):
            seconds, runs = statistics.median(t for t, _, _ in results), max(r for _, r, _ in results)
            row += (
                f" | {seconds:6.2f} {runs:4d} {seconds / (runs * plain) - 1:+7.1%} {seconds / (runs * imm) - 1:+7.1%}"
            )
        verdicts = f"saved: {saved[-1][2]['verdict']} ({_totals(saved[-1][2])}); itself: {itself[-1][2]['verdict']}"
        print(f"{row} | {copy * 1000:6.1f} {compare * 1000:7.1f}  {verdicts}", flush=True)


def _totals(result: dict) -> str:
    return ", ".join(f"{n} {status}" for status, n in result["totals"].items() if n)


if __name__ == "__main__":
    main()
