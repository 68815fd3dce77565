"""Re-execute examples/big_messy_notebook.ipynb and save it with a person's out-of-order execution counts.

The notebook's code is the source of truth: edit it in JupyterLab, then run
    .venv/bin/python examples/data/rebuild_notebook.py
Outputs come from one clean top-to-bottom run (so tests can compare them); only the
execution counts are rewritten, to look like a session where cells were re-run.
"""

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

EXAMPLES = Path(__file__).resolve().parent.parent
NOTEBOOK = EXAMPLES / "big_messy_notebook.ipynb"
MAX_BYTES = 1_000_000

# After running code cell k (0-based), the person re-ran these cells; None stands for a
# scratch cell that was run and later deleted, which leaves a gap in the counts.
RERUNS_AFTER = {
    4: [3],
    7: [None, 6],
    12: [None, None, 11],
    17: [16],
    19: [None],
    27: [26, 27],
    33: [31, 32, 33],
    37: [None],
}


def session_counts(n_cells):
    """Execution count each code cell ends up with after the scripted session."""
    counts = [None] * n_cells
    count = 0
    for cell in range(n_cells):
        for ran in [cell, *RERUNS_AFTER.get(cell, [])]:
            count += 1
            if ran is not None:
                counts[ran] = count
    return counts


def merge_streams(outputs):
    """Join consecutive same-name stream outputs; how the kernel chunks them depends on timing."""
    merged = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if prev and out.output_type == prev.output_type == "stream" and out.name == prev.name:
            prev.text += out.text
        else:
            merged.append(out)
    return merged


def main():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    os.environ.setdefault("MPLBACKEND", "Agg")
    NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(EXAMPLES)}},
    ).execute()

    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    for cell in code_cells:
        cell.outputs = merge_streams(cell.outputs)
        for out in cell.outputs:
            if out.output_type == "error" or out.get("name") == "stderr":
                sys.exit(f"unexpected output in cell:\n{cell.source}\n{out}")
    for cell, count in zip(code_cells, session_counts(len(code_cells))):
        cell.execution_count = count
        for out in cell.outputs:
            if out.output_type == "execute_result":
                out.execution_count = count

    nbformat.validate(nb)
    nbformat.write(nb, NOTEBOOK)
    size = NOTEBOOK.stat().st_size
    print(f"{NOTEBOOK.name}: {len(code_cells)} code cells, {size} bytes")
    if size > MAX_BYTES:
        sys.exit(f"notebook is larger than {MAX_BYTES} bytes")


if __name__ == "__main__":
    main()
