"""How long ``jupyter nbrefactor`` takes to answer before it does any work.

    python bench/bench_cli_startup.py [--runs 10]

Runs each command line ``--runs`` times as a user would (a new process each time, from
this venv's bin/) and prints the median and the best wall time; target: ``--help``
under 0.5 s. ``python -c pass`` is the floor (the interpreter's own start-up).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
COMMANDS = [
    [sys.executable, "-c", "pass"],
    [str(BIN / "jupyter-nbrefactor"), "--help"],
    [str(BIN / "jupyter-nbrefactor"), "--version"],
    [str(BIN / "jupyter-nbrefactor"), "lint", "--help"],
    [str(BIN / "jupyter"), "nbrefactor", "--help"],
]


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    for argv in COMMANDS:
        times = [timed(argv) for _ in range(args.runs)]
        shown = " ".join([Path(argv[0]).name, *argv[1:]])
        print(f"{shown:40} median {statistics.median(times):6.3f} s   best {min(times):6.3f} s")


if __name__ == "__main__":
    main()
