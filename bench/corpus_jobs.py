"""The runnable corpus (bench/corpus_runnable.py builds it), measured a few notebooks at a
time: what bench_trust.py and bench_graduate.py share."""

from __future__ import annotations

import concurrent.futures
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

Row = dict[str, Any]


def runnable(corpus: Path) -> list[Row]:
    """The manifest's rows of the notebooks that ran top to bottom without an error."""
    manifest = json.loads((corpus / "manifest.json").read_text())
    return [e for e in manifest["notebooks"] if e["status"] == "passed"]


def measure_each(
    corpus: Path,
    entries: list[Row],
    work: Callable[..., Row],
    args: tuple[Any, ...],
    jobs: int,
    crashed: Callable[[Row, Exception], Row],
    report: Callable[[Row], None],
) -> list[Row]:
    """``work(notebook path, its data folder or None, *args)`` for every entry, ``jobs`` at a
    time in separate processes; a crash is a finding (``crashed(entry, error)`` is its row),
    not the end of the run. ``report`` sees each row as it comes."""
    rows = []
    with concurrent.futures.ProcessPoolExecutor(jobs) as pool:
        futures = {
            pool.submit(
                work, str(corpus / e["file"]), str(corpus / e["data_dir"]) if e.get("data_dir") else None, *args
            ): e
            for e in entries
        }
        for future in concurrent.futures.as_completed(futures):
            try:
                row = future.result()
            except Exception as err:
                row = crashed(futures[future], err)
            rows.append(row)
            report(row)
    return rows
