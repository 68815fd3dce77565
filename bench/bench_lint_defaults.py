"""Where lint's thresholds sit in real notebooks, and how many findings each rule gives.

    python bench/bench_lint_defaults.py [FOLDER ...]    # default: bench/corpus_runnable bench/corpus

For every notebook of the folders (recursively; rebuild them with bench/corpus_runnable.py
and bench/fetch_corpus.py), the sizes the NR2xx thresholds compare: module-level names
(NR204), lines of code in the notebook (NR201) and in its longest cell (NR202), and the
longest block of statements repeated from a cell above (NR205). Prints their percentiles
per folder, then findings per 100 notebooks per rule with the default configuration (all
severities), and how many notebooks the recommended gate (``--fail-on warning``) fails.
Run it on two checkouts to compare defaults (docs/benchmarks.md, "Lint defaults").
"""

from __future__ import annotations

import argparse
import statistics
from collections import Counter
from pathlib import Path

from jupyter_nbrefactor.lint import (
    Config,
    NotebookFacts,
    code_lines,
    lint_notebook,
    notebook_files,
    read_notebook,
)

PERCENTILES = (50, 75, 90, 95, 100)


def sizes(facts: NotebookFacts) -> dict[str, int]:
    repeated = facts.duplicates(1) if facts.python else []
    return {
        "module-level names": len(facts.module_names),
        "lines of code": facts.lines_of_code,
        "longest cell": max((code_lines(c.source) for c in facts.code), default=0),
        "longest repeated block": max((d.lines for d in repeated), default=0),
    }


def percentile(values: list[int], p: int) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="*", default=["bench/corpus_runnable", "bench/corpus"])
    args = parser.parse_args()
    for folder in map(Path, args.folders):
        if not folder.is_dir():
            print(f"{folder}: missing (see this script's docstring)")
            continue
        measured: dict[str, list[int]] = {}
        by_rule: Counter[tuple[str, str]] = Counter()
        failing = count = 0
        # the corpora are git-ignored, so a folder scan would skip them: list them here
        for path in notebook_files(sorted(folder.rglob("*.ipynb"))):
            nb, text, _ = read_notebook(path.read_bytes())
            if nb is None:
                continue
            count += 1
            facts = NotebookFacts(nb)
            for key, value in sizes(facts).items():
                measured.setdefault(key, []).append(value)
            findings = lint_notebook(nb, str(path), Config(), text, facts)
            by_rule.update((f.rule, f.severity) for f in findings)
            failing += any(f.severity in ("warning", "error") for f in findings)
        print(f"== {folder}: {count} notebooks")
        if not count:
            continue
        print(f"  {'':24}" + "".join(f"{'p' + str(p) if p < 100 else 'max':>7}" for p in PERCENTILES) + "   mean")
        for key, values in measured.items():
            row = "".join(f"{percentile(values, p):>7}" for p in PERCENTILES)
            print(f"  {key:24}{row}{statistics.mean(values):>7.1f}")
        print("  findings per 100 notebooks (default configuration, every severity):")
        for (rule, severity), n in sorted(by_rule.items()):
            print(f"    {rule} {severity:8} {100 * n / count:7.1f}")
        shown = sum(n for (_, severity), n in by_rule.items() if severity != "info")
        print(f"    total    {100 * sum(by_rule.values()) / count:7.1f}   (without info: {100 * shown / count:.1f})")
        print(f"  failing `lint --fail-on warning`: {failing} of {count} ({100 * failing / count:.0f}%)")


if __name__ == "__main__":
    main()
