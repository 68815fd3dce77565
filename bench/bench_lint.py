"""`jupyter nbrefactor lint` against nborder (PyPI), side by side on the same notebooks.

    python bench/fetch_corpus.py            # once: re-creates bench/corpus/
    python bench/bench_lint.py [--corpus bench/corpus]

1. In one process, every notebook of the folder, cold (our per-cell caches are cleared
   before each notebook): our ``lint_path`` with every rule, and nborder's
   ``read_notebook`` + ``check_notebook`` with every severity. Time per notebook,
   totals and their ratio; targets: faster than nborder, every notebook under 100 ms.
2. Both command lines as a user runs them (process start included) on the same
   files: the notebooks nborder can parse, since one it cannot parse stops its run.
3. What each reports: out-of-order runs (NR101 / NB101), use-before-define
   (NR105 / NB201), undefined names (NR106 / NB102), as (notebook, cell) pairs.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

from nborder.check import check_notebook
from nborder.config import load_config
from nborder.parser.reader import NotebookParseError, read_notebook

from jupyter_nbrefactor import lint
from jupyter_nbrefactor.cells import _cached_facts

PAIRS = [("out-of-order run", "NR101", "NB101"), ("use before define", "NR105", "NB201"), ("undefined name", "NR106", "NB102")]
LEVELS = frozenset({"error", "warning", "info"})
BIN = Path(sys.executable).parent


def clock():
    """Wall and CPU time: the machine may be shared, CPU time is what the linter costs."""
    return time.perf_counter(), time.process_time()


def since(start):
    return time.perf_counter() - start[0], time.process_time() - start[1]


def ours(path: Path):
    _cached_facts.cache_clear()
    lint._scan.cache_clear()
    start = clock()
    found = lint.lint_path(path, str(path), lint.Config())
    return since(start), {(f.rule, f.cell) for f in found}


def theirs(path: Path):
    start = clock()
    try:
        found = check_notebook(read_notebook(path), load_config(path), include_levels=LEVELS)
    except NotebookParseError:
        return since(start), None
    return since(start), {(d.code, d.cell_index, _NAME.search(d.message).group(1) if _NAME.search(d.message) else "") for d in found}


_NAME = re.compile(r"`([^`]+)`")


def not_a_variable(path: Path, cell: int, name: str) -> bool:
    """nborder's name is no variable the cell reads: an attribute or a keyword argument."""
    nb = lint.read_notebook(path.read_bytes())[0]
    return name not in lint._scan(lint.cell_text(nb["cells"][cell])).name_lines


def code_cells(path: Path) -> int:
    nb = lint.read_notebook(path.read_bytes())[0]
    return 0 if nb is None else sum(c["cell_type"] == "code" for c in nb["cells"])


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def cli_seconds(argv: list[str]) -> tuple[float, int]:
    t = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t, done.returncode


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(Path(__file__).parent / "corpus"))
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")  # nbformat's missing-cell-id warnings, from nborder's reads
    files = list(lint.notebook_files([Path(args.corpus)]))
    if not files:
        sys.exit(f"no notebooks in {args.corpus}: run bench/fetch_corpus.py first")
    ours(files[0]), theirs(files[0])  # imports and first-call set-up out of the timings

    rows = []
    for path in files:
        t_ours, f_ours = ours(path)
        t_theirs, f_theirs = theirs(path)
        rows.append((path, t_ours, f_ours, t_theirs, f_theirs))
    parsed = [r for r in rows if r[4] is not None]
    cells = sum(code_cells(p) for p, *_ in rows)
    print(f"corpus: {len(rows)} notebooks ({cells} code cells) in {args.corpus}")
    print(f"nborder could not parse {len(rows) - len(parsed)} of them (IPython syntax it does not accept)")

    print("\n1. in-process, per notebook, cold")
    for kind, i in (("wall", 0), ("CPU", 1)):
        ours_all = [r[1][i] for r in rows]
        slowest = max(rows, key=lambda r: r[1][i])[0].name
        print(f"  {kind}: jupyter-nbrefactor, all {len(rows)}: total {ms(sum(ours_all))}, "
              f"median {ms(statistics.median(ours_all))}, p95 {ms(sorted(ours_all)[int(len(ours_all) * 0.95)])}, "
              f"max {ms(max(ours_all))} ({slowest}), over 100 ms: {sum(t > 0.1 for t in ours_all)}")
        a = sum(r[1][i] for r in parsed)
        b = sum(r[3][i] for r in parsed)
        print(f"  {kind}: on the {len(parsed)} both parse: jupyter-nbrefactor {ms(a)}, nborder {ms(b)}, "
              f"nborder / jupyter-nbrefactor = {b / a:.2f}x; nborder max {ms(max(r[3][i] for r in parsed))}, "
              f"over 100 ms: {sum(r[3][i] > 0.1 for r in parsed)}")

    print("\n2. command lines on the same files (process start included)")
    names = [str(r[0]) for r in parsed]
    t1, rc1 = cli_seconds([str(BIN / "jupyter-nbrefactor"), "lint", "--format", "json", *names])
    t2, rc2 = cli_seconds([str(BIN / "nborder"), "check", "--output-format", "json", "--include", "info", *names])
    print(f"  jupyter-nbrefactor lint: {t1:.2f} s (exit {rc1}); nborder check: {t2:.2f} s (exit {rc2}); "
          f"ratio {t2 / t1:.2f}x")

    print("\n3. findings on the notebooks both parse: (notebook, cell) pairs")
    for label, mine, other in PAIRS:
        a = {(r[0].name, cell) for r in parsed for rule, cell in r[2] if rule == mine}
        b = {(r[0].name, cell) for r in parsed for rule, cell, _ in r[4] if rule == other}
        notebooks_a = {n for n, _ in a}
        notebooks_b = {n for n, _ in b}
        print(f"  {label} ({mine} / {other}): cells {len(a)} / {len(b)}, both {len(a & b)}, "
              f"only ours {len(a - b)}, only nborder {len(b - a)}; notebooks {len(notebooks_a)} / {len(notebooks_b)}")
        for name, cell in sorted(a ^ b)[:3]:
            who = "only ours" if (name, cell) in a else "only nborder"
            print(f"      {who}: {name} cell {cell + 1}")
        if other != "NB101":
            only = [(r[0], cell, n) for r in parsed for rule, cell, n in r[4] if rule == other and (r[0].name, cell) not in a]
            odd = sum(not_a_variable(*d) for d in only)
            print(f"      of nborder's {len(only)} {other} findings in cells we do not flag, {odd} name an attribute "
                  "or a keyword argument, not a variable")
    counts: dict[str, int] = {}
    for r in rows:
        for rule, _ in r[2]:
            counts[rule] = counts.get(rule, 0) + 1
    print("\n  all our findings by rule: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()
