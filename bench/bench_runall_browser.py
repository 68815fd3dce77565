"""Run All in the browser with the extension enabled vs disabled (issue 5).

    python bench/bench_runall_browser.py [--rounds 5] [--repeats 3]

Each round starts JupyterLab twice through Galata (ui-tests/tests/bench-runall.spec.ts),
once with the extension and once with it listed in `disabledExtensions` (the page
option JupyterLab itself reads), the first variant alternating between rounds. In
each start, Run All runs `--repeats` times on a freshly restarted kernel over the
300 short cells of bench/bench_kernel_slowdown.py, timed in the page from the command
to the last cell's execution count with the kernel idle. Prints every time, the
medians and their ratio. Needs the ui-tests dependencies (`make test-ui` installs them).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXTENSION = "jupyter-nbrefactor"
LINE = re.compile(r"RUNALL extension=(enabled|disabled) cells=(\d+) ms=(\d+)")


def run_variant(variant: str, repeats: int, config: str | None) -> list[float]:
    """One JupyterLab start with the extension enabled or disabled; the Run All times in ms."""
    with tempfile.TemporaryDirectory(prefix="nbr-runall-") as config_dir:
        disabled = {EXTENSION: True} if variant == "disabled" else {}
        # Other lab extensions stay as they are in both variants; ipyflow's, when
        # installed, are switched off in both (its server extension traces nothing
        # here, but keep the two pages identical but for ours).
        disabled["jupyterlab-ipyflow"] = True
        (Path(config_dir) / "labconfig").mkdir()
        (Path(config_dir) / "labconfig" / "page_config.json").write_text(
            json.dumps({"disabledExtensions": disabled})
        )
        (Path(config_dir) / "jupyter_server_config.json").write_text(
            json.dumps({"ServerApp": {"jpserver_extensions": {"ipyflow": False}}})
        )
        env = dict(
            os.environ,
            CI="1",
            NBREFACTOR_BENCH="1",
            NBREFACTOR_BENCH_REPEATS=str(repeats),
            NBREFACTOR_BENCH_EXPECT=variant,
            JUPYTER_CONFIG_PATH=config_dir,
            PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        )
        command = ["jlpm", "playwright", "test", "--retries", "0", "tests/bench-runall.spec.ts"]
        if config:
            command[3:3] = ["-c", config]
        done = subprocess.run(command, cwd=ROOT / "ui-tests", env=env, capture_output=True, text=True)
    times = [float(m[3]) for m in LINE.finditer(done.stdout) if m[1] == variant]
    if done.returncode != 0 or len(times) != repeats:
        sys.exit(f"{variant} run failed (exit {done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3, help="Run Alls per JupyterLab start")
    parser.add_argument("--config", help="another Playwright config (e.g. one on another port)")
    args = parser.parse_args()
    times: dict[str, list[float]] = {"enabled": [], "disabled": []}
    for round_ in range(args.rounds):
        order = ["enabled", "disabled"] if round_ % 2 == 0 else ["disabled", "enabled"]
        for variant in order:
            got = run_variant(variant, args.repeats, args.config)
            times[variant].extend(got)
            print(f"round {round_ + 1} {variant:8}: " + ", ".join(f"{t / 1000:.2f}" for t in got) + " s", flush=True)
    print(f"\nRun All, 300 short cells, {args.rounds} rounds x {args.repeats} runs per variant:")
    for variant, values in times.items():
        print(
            f"  {variant:8} median {statistics.median(values) / 1000:.2f} s"
            f"  min {min(values) / 1000:.2f}  max {max(values) / 1000:.2f}"
        )
    ratio = statistics.median(times["enabled"]) / statistics.median(times["disabled"])
    print(f"  ratio enabled / disabled (medians): {ratio:.3f}x")


if __name__ == "__main__":
    main()
