"""Graduation on real notebooks: how many graduate and still show the same, how many are
refused (and why), and that none graduates but changes what it shows (issue 16).

    python bench/bench_graduate.py [--corpus bench/corpus_runnable] [--limit N] [--jobs 2] [--json out.json]

The corpus is bench/corpus_runnable/ (gitignored; rebuild it with bench/corpus_runnable.py):
real notebooks that ran top to bottom in a fresh kernel. Only those with headings that cut
them into 2-8 sections (``graduate.choose_level``) are measured. Each one is copied with its
data files into a scratch folder, then:

- plan + apply, timed: ``read_sources`` + ``plan_graduation`` + ``write_files`` (the modules,
  the script, the graduated notebook written next to the original), what the CLI does;
- verified: the graduated notebook and the original each run in a fresh kernel
  (``verify.verify``), compared cell by cell (not timed in plan + apply).

Outcomes: ``same`` (graduated and verified the same), ``refused`` (the reason's kind is
tallied), ``changed`` (graduated but shows something else: the figure that must be zero),
``failed`` (a run stopped: the original or the graduated notebook raised or timed out).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

import nbformat
from corpus_jobs import measure_each, runnable

from jupyter_nbrefactor.graduate import (
    DEFAULT_SCRIPT,
    candidate_paths,
    choose_level,
    headings,
    plan_graduation,
    read_sources,
    write_files,
)
from jupyter_nbrefactor.verify import verify


def has_sections(path: Path) -> bool:
    nb = nbformat.read(path, as_version=4)
    return choose_level(headings(nb.cells), nb.cells) is not None


def reason_kind(reason: str) -> str:
    """A refusal without its names and numbers, so that alike ones tally together."""
    text = re.sub(r"^section '[^']*': ", "", reason)
    text = re.sub(r"cells? \d+(-\d+)?( line \d+)?:? ?", "", text)
    text = re.sub(r"`[^`]*`|'[^']*'|\b\w+\(\)", "…", text)
    return text.split(":")[0].strip()[:90]


def one_notebook(file: str, data_dir: str | None, timeout: float) -> dict:
    os.environ.setdefault("MPLBACKEND", "Agg")
    with tempfile.TemporaryDirectory(prefix="bench-graduate-") as tmp:
        folder = Path(tmp)
        if data_dir:
            shutil.copytree(data_dir, folder, dirs_exist_ok=True)
        original = folder / Path(file).name
        shutil.copy(file, original)
        notebook = nbformat.read(original, as_version=4)
        out = folder / (original.stem + ".graduated.ipynb")
        row: dict = {"file": Path(file).name, "cells": len(notebook.cells)}
        t0 = time.perf_counter()
        sources = read_sources(folder, candidate_paths(notebook, DEFAULT_SCRIPT))
        plan = plan_graduation({"notebook": notebook, "sources": sources, "path": original.name})
        row["plan_s"] = round(time.perf_counter() - t0, 3)
        if plan["refused"]:
            row.update(outcome="refused", reason=plan["refused"], kind=reason_kind(plan["refused"]))
            return row
        t1 = time.perf_counter()
        write_files(folder, plan, out)
        row["apply_s"] = round(time.perf_counter() - t1, 3)
        row["modules"] = [f["path"] for f in plan["files"] if f["path"].startswith("src/") and f["source"]]
        row["functions"] = sum(len(s["moves"]) for s in plan["sections"])
        row["kept"] = len(plan["kept"])
        result = verify(nbformat.from_dict(plan["notebook"]), folder, notebook, folder, timeout=timeout)
        row["verify_s"] = result["seconds"]
        row["outcome"] = {"same": "same", "changed": "changed"}.get(result["verdict"], "failed")
        if result["verdict"] != "same":
            row["detail"] = result.get("message") or next(
                (f"cell {c['index'] + 1}: {c['status']}" for c in result["cells"] if c["status"] not in ("same",)),
                "",
            )
        row["totals"] = result["totals"]
        return row


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=str(Path(__file__).parent / "corpus_runnable"))
    parser.add_argument("--limit", type=int, default=0, help="at most N notebooks (default all with sections)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=120, help="seconds per cell in the verification runs")
    parser.add_argument("--json", help="write the rows here")
    args = parser.parse_args(argv)
    corpus = Path(args.corpus)
    entries = [e for e in runnable(corpus) if has_sections(corpus / e["file"])]
    if args.limit:
        entries = entries[: args.limit]
    print(f"{len(entries)} runnable notebooks with 2-8 sections; jobs {args.jobs}", flush=True)
    t0 = time.perf_counter()

    def crashed(entry: dict, err: Exception) -> dict:  # a crash of the engine is a finding
        return {"file": entry["file"], "outcome": "crash", "reason": f"{type(err).__name__}: {err}"}

    def report(row: dict) -> None:
        extra = row.get("reason") or row.get("detail") or ""
        timing = f"plan {row.get('plan_s', 0):.2f} s apply {row.get('apply_s', 0):.2f} s"
        print(f"{row['outcome']:8} {timing}  {row['file']}  {extra[:110]}", flush=True)

    rows = measure_each(corpus, entries, one_notebook, (args.timeout,), args.jobs, crashed, report)
    n = len(rows)
    tally = Counter(r["outcome"] for r in rows)
    print(f"\n{n} notebooks in {time.perf_counter() - t0:.0f} s")
    for outcome in ("same", "refused", "changed", "failed", "crash"):
        print(f"  {outcome:8} {tally[outcome]:3}  ({100 * tally[outcome] / max(n, 1):.0f}%)")
    kinds = Counter(r["kind"] for r in rows if r["outcome"] == "refused")
    for kind, count in kinds.most_common():
        print(f"  refused {count}x: {kind}")
    walls = [r["plan_s"] + r.get("apply_s", 0) for r in rows if "plan_s" in r]
    if walls:
        print(
            f"plan + apply per notebook: median {statistics.median(walls):.2f} s, max {max(walls):.2f} s "
            f"({sum(w <= 10 for w in walls)}/{len(walls)} within 10 s)"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
