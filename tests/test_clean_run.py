"""A clean top-to-bottom run in a fresh kernel gives no verdict warning (issue 20).

For every notebook of tests/data/clean_run/ (see its README.md) and the repo's
examples/big_messy_notebook.ipynb: start a real kernel, run every code cell in order
(bench/trust_harness.py, with the kernel-side fingerprints of the names each cell binds),
analyse the session with ``jupyter_nbrefactor.analyze`` and expect zero warnings of the
kinds stale, depends-on-stale, out-of-order and hidden-state: the session shows exactly
what Restart & Run All shows. The same property over a large corpus of real notebooks is
measured by bench/bench_trust.py, not here (too slow).
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from jupyter_nbrefactor import analyze

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "clean_run"


def _harness():
    spec = importlib.util.spec_from_file_location("nbr_trust_harness", ROOT / "bench" / "trust_harness.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("nbr_trust_harness", mod)
    spec.loader.exec_module(mod)
    return mod


harness = _harness()

NOTEBOOKS = sorted(DATA.glob("*.ipynb")) + [ROOT / "examples" / "big_messy_notebook.ipynb"]
NEEDS = ("numpy", "pandas", "matplotlib", "sklearn", "ipykernel")


@pytest.mark.skipif(any(importlib.util.find_spec(m) is None for m in NEEDS), reason="needs the [examples] extra")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_clean_run_has_no_verdict_warning(path, tmp_path):
    if path.parent.name == "examples":
        shutil.copytree(path.parent / "data", tmp_path / "data")
    nb = nbformat.read(path, as_version=4)
    cells = harness.notebook_cells(nb)
    with harness.LiveSession(workdir=tmp_path, timeout=60) as session:
        runs = session.run_all(cells, stop_on_error=True)
        failed = [r for r in runs if r["error"]]
        assert not failed, f"{path.name}: cell {failed[0]['cell_id']} raised {failed[0]['error']}"
        request = session.request(cells)
    # With the probe's fingerprints (what the extension sends) and without them (a kernel
    # whose probe failed, or a log replayed from history): both must be clean.
    bare = dict(request, runs=[{k: v for k, v in r.items() if k != "fingerprints"} for r in request["runs"]])
    bad = [
        (label, w)
        for label, req in (("fingerprints", request), ("no fingerprints", bare))
        for w in analyze(req)["warnings"]
        if w["kind"] in harness.VERDICT_KINDS
    ]
    assert not bad, "\n".join(
        f"{path.name} ({label}): {w['kind']} on cell {w['cell_id']} "
        f"({'certain' if w['certain'] else 'uncertain'}): {w['message']}"
        for label, w in bad
    )
