"""Can the live warnings be trusted? Real notebooks, real kernels, against Restart & Run All.

    python bench/corpus_runnable.py                 # once: bench/corpus_runnable/
    python bench/bench_trust.py [--corpus bench/corpus_runnable] [--limit N] [--jobs 2]
                                [--params 1] [--timeout 60] [--json OUT]

For every notebook of the runnable corpus (bench/trust_harness.py drives the kernels):

(a) clean run: run every code cell top to bottom in a fresh kernel, analyse the session
    (with the probe's fingerprints, and without them), count the warnings by kind. Target:
    0 stale, depends-on-stale, out-of-order and hidden-state.
(b) edit and re-run: pick parameter-like cells (a top-level ``name = <int or float
    literal>`` whose name a later cell reads), change the literal (int + 1, float x 2), and
    - variant 1: re-run only that cell in the live session;
    - variant 2: then re-run every code cell below it except one reader of the name;
    analyse after each. Ground truth: a fresh run of the edited notebook that stops at the
    first error, as Restart & Run All does. A cell is truly stale when what the live session
    shows for it (the outputs of its latest run: text/plain, streams, errors, hashes of
    images/HTML, memory addresses, per-session element ids and timings normalised; and the
    fingerprints of the names it binds) differs from the fresh run's. Cells that differ
    between two fresh runs of the unedited notebook are non-deterministic, and cells below
    the fresh run's first error are never reached by it: both are left out of the truth and
    the warnings (the second counted; ``--truth-past-errors`` runs on past the error and
    compares them too, as this bench did before). With ``--params`` > 1 the edits accumulate in one
    session. The engine is given the fingerprints the extension's probe computes.
Reported: precision and recall, per notebook and overall, of
- ``certain_verdict``: the cells with a certain warning of any verdict kind. The target
  (issue 20: P >= 0.95, R >= 0.95 for certain warnings) is read on this set: a cell that
  shows something else than Restart & Run All is found when the engine says so with
  certainty, and the issue's own definitions decide the kind — the edited cell re-run on
  its own leftovers (a new random draw, ``x = f(x)``) is ``out-of-order`` (point 2), not
  stale, so the set of stale + depends-on-stale alone would score that right answer a miss;
- ``certain``: certain stale + depends-on-stale only (the issue's literal set), for comparison;
- ``stale_any`` and ``verdict``: the same without the certainty;
and every wrong certain stale/depends-on-stale cell is listed.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_jobs import measure_each, runnable  # noqa: E402
from trust_harness import VERDICT_KINDS, LiveSession, fresh_run, notebook_cells  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RANDOM = re.compile(r"\brandom\.|\brandn?\(|\brng\b|default_rng|RandomState|\.sample\(|shuffle")


def source_of(cells, cid):
    return next((c["source"] for c in cells if c["id"] == cid), "")


SETS = ("certain", "certain_verdict", "stale_any", "verdict")  # the predicted sets


def load_names(source: str) -> set[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def find_params(cells: list[dict]) -> list[dict]:
    """Top-level ``name = <numeric literal>`` statements whose name a later code cell reads
    (kind "param"); then, as a fallback, top-level assignments whose value holds a numeric
    literal (``G = nx.gnp_random_graph(20, 0.3, seed=7)``) and whose target a later code
    cell reads (kind "literal": the first such literal is edited)."""
    params, literals = [], []
    code = [(i, c) for i, c in enumerate(cells) if c["cell_type"] == "code"]
    for k, (i, cell) in enumerate(code):
        try:
            tree = ast.parse(cell["source"])
        except SyntaxError:
            continue
        later = [(c["id"], load_names(c["source"])) for _, c in code[k + 1 :]]
        for stmt in tree.body:
            if not isinstance(stmt, ast.Assign):
                continue
            names = [t.id for t in stmt.targets if isinstance(t, ast.Name)]
            names += [e.id for t in stmt.targets if isinstance(t, ast.Tuple) for e in t.elts if isinstance(e, ast.Name)]
            readers = [cid for cid, loads in later if loads & set(names)]
            if not readers:
                continue
            node = stmt.value
            value = literal(node)
            if value is not None and len(names) == 1:
                params.append(
                    {
                        "kind": "param",
                        "cell_id": cell["id"],
                        "name": names[0],
                        "value": value,
                        "readers": readers,
                        "span": span(node),
                    }
                )
                continue
            for sub in ast.walk(node):
                v = literal(sub)
                if v is not None and not isinstance(getattr(sub, "parent", None), ast.UnaryOp):
                    literals.append(
                        {
                            "kind": "literal",
                            "cell_id": cell["id"],
                            "name": ",".join(names),
                            "value": v,
                            "readers": readers,
                            "span": span(sub),
                        }
                    )
                    break
    return params + literals


def literal(node):
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) in (int, float)
    ):
        return -node.operand.value
    return None


def span(node):
    return (node.lineno, node.col_offset, node.end_lineno, node.end_col_offset)


def edited_source(source: str, param: dict) -> str:
    value = param["value"]
    new = value + 1 if isinstance(value, int) else (value * 2 if value else 0.5)
    l1, c1, l2, c2 = param["span"]
    lines = source.splitlines(keepends=True)
    if l1 != l2:
        raise ValueError("multi-line literal")
    b = lines[l1 - 1].encode("utf-8")
    lines[l1 - 1] = (b[:c1] + repr(new).encode() + b[c2:]).decode("utf-8")
    return "".join(lines)


def engine_commit() -> str:
    """The last commit of the engine (the package), and whether the working tree differs from
    it (the engine is edited in the shared tree while this runs)."""
    import hashlib

    import jupyter_nbrefactor

    where = Path(jupyter_nbrefactor.__file__).resolve().parent
    if where != ROOT / "jupyter_nbrefactor":
        return f"engine imported from {where}"
    try:
        log = subprocess.run(
            ["git", "log", "-1", "--format=%h %s", "--", "jupyter_nbrefactor"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()[:80]
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "jupyter_nbrefactor"], cwd=ROOT, capture_output=True, text=True
        ).stdout.split()
    except OSError:
        return "?"
    if dirty:
        h = hashlib.sha1()
        for f in sorted((ROOT / "jupyter_nbrefactor").glob("*.py")):
            h.update(f.read_bytes())
        log += f" + uncommitted changes (engine sources sha1 {h.hexdigest()[:10]})"
    return log


def predicted(warnings: list[dict]) -> dict[str, set]:
    return {
        "certain": {w["cell_id"] for w in warnings if w["kind"] in ("stale", "depends-on-stale") and w["certain"]},
        "certain_verdict": {w["cell_id"] for w in warnings if w["kind"] in VERDICT_KINDS and w["certain"]},
        "stale_any": {w["cell_id"] for w in warnings if w["kind"] in ("stale", "depends-on-stale")},
        "verdict": {w["cell_id"] for w in warnings if w["kind"] in VERDICT_KINDS},
    }


def shown(session, cid):
    return session.outputs.get(cid), session.fingerprints.get(cid)


def differing(a, b, ids) -> set[str]:
    return {cid for cid in ids if shown(a, cid) != shown(b, cid)}


def describe_diff(live, fresh, cid) -> str:
    (lo, lf), (fo, ff) = shown(live, cid), shown(fresh, cid)
    if (lf or {}) != (ff or {}):
        names = sorted(n for n in set(lf or {}) | set(ff or {}) if (lf or {}).get(n) != (ff or {}).get(n))
        return "values differ: " + ", ".join(names)
    return "outputs differ"


def score(pred: set, truth: set) -> dict:
    return {"tp": len(pred & truth), "fp": len(pred - truth), "fn": len(truth - pred)}


def one_notebook(path: str, data_dir: str | None, params: int, timeout: float, past_errors: bool = False) -> dict:
    import nbformat

    from jupyter_nbrefactor import analyze

    t0 = time.perf_counter()
    nb = nbformat.read(path, as_version=4)
    cells = notebook_cells(nb)
    code_ids = [c["id"] for c in cells if c["cell_type"] == "code"]
    number = {c["id"]: n for n, c in enumerate(cells, 1)}  # position among all cells, as JupyterLab shows
    row = {"notebook": Path(path).name, "code_cells": len(code_ids), "edits": [], "wrong_certain": []}
    live = LiveSession(data_dir=data_dir, timeout=timeout).start()
    try:
        live.run_all(cells, stop_on_error=False)
        errors = [r["cell_id"] for r in live.runs if r["error"]]
        row["clean_errors"] = len(errors)
        req = live.request(cells)
        bare = dict(req, runs=[{k: v for k, v in r.items() if k != "fingerprints"} for r in req["runs"]])
        for label, r in (("clean", req), ("clean_nofp", bare)):
            ws = analyze(r)["warnings"]
            row[label] = dict(Counter(w["kind"] + ("" if w["certain"] else "?") for w in ws))
            if label == "clean":
                row["clean_wrong"] = [
                    {
                        "cell": number.get(w["cell_id"]),
                        "kind": w["kind"],
                        "certain": w["certain"],
                        "message": w["message"],
                    }
                    for w in ws
                    if w["kind"] in VERDICT_KINDS
                ]
        # Non-determinism: a second fresh run of the unedited notebook.
        ref = fresh_run(cells, data_dir=data_dir, timeout=timeout)
        nondet = differing(live, ref, code_ids)
        row["nondeterministic"] = len(nondet)
        for param in find_params(cells)[:params]:
            try:
                new_src = edited_source(next(c["source"] for c in cells if c["id"] == param["cell_id"]), param)
            except ValueError:
                continue
            cells = [dict(c, source=new_src) if c["id"] == param["cell_id"] else c for c in cells]
            truth_run = fresh_run(cells, data_dir=data_dir, timeout=timeout, past_errors=past_errors)
            reader = next((r for r in param["readers"]), None)
            below = code_ids[code_ids.index(param["cell_id"]) + 1 :]
            for variant in (1, 2):
                if variant == 1:
                    live.run_cell(param["cell_id"], new_src)
                else:
                    if reader is None:
                        break
                    live.run_cells(cells, ids=[cid for cid in below if cid != reader])
                ws = analyze(live.request(cells))["warnings"]
                # Restart & Run All stops at the first error: the cells below it show nothing,
                # so "what would this cell show" has no answer to compare with. Left out of
                # both sets and counted, with the warnings the engine gave them.
                unreached = {cid for cid in code_ids if cid not in truth_run.outputs}
                considered = [cid for cid in code_ids if cid not in nondet | unreached]
                truth = differing(live, truth_run, considered)
                warned = predicted(ws)
                pred = {k: v - nondet - unreached for k, v in warned.items()}
                edit = {
                    "cell": number[param["cell_id"]],
                    "name": param["name"],
                    "variant": variant,
                    "kind": param["kind"],
                    "value": param["value"],
                    "reader": number.get(reader) if variant == 2 else None,
                    "truth": sorted(number[c] for c in truth),
                    "unreached": len(unreached),
                    "unreached_warned": len(unreached & warned["certain_verdict"]),
                    **{k: score(pred[k], truth) for k in SETS},
                }
                row["edits"].append(edit)
                by_cell = {}
                for w in ws:
                    if w["kind"] in ("stale", "depends-on-stale") and w["certain"]:
                        by_cell.setdefault(w["cell_id"], w)
                for cid in sorted(pred["certain"] - truth, key=number.get):
                    row["wrong_certain"].append(
                        {
                            "edit": f"{param['name']} (cell {edit['cell']}) v{variant}",
                            "cell": number[cid],
                            "error": "false positive",
                            "kind": by_cell[cid]["kind"],
                            "message": by_cell[cid]["message"],
                        }
                    )
                for cid in sorted(truth - pred["certain"], key=number.get):
                    row["wrong_certain"].append(
                        {
                            "edit": f"{param['name']} (cell {edit['cell']}) v{variant}",
                            "cell": number[cid],
                            "error": "missed",
                            "kind": next(
                                (w["kind"] + ("" if w["certain"] else "?") for w in ws if w["cell_id"] == cid), None
                            ),
                            "message": describe_diff(live, truth_run, cid)
                            + (
                                " (the cell draws random numbers: the global generator's state is a hidden input)"
                                if RANDOM.search(source_of(cells, cid))
                                else ""
                            ),
                        }
                    )
    except Exception as e:  # a kernel that died, a timeout: report, do not stop the bench
        row["failure"] = f"{type(e).__name__}: {e}"[:200]
    finally:
        live.stop()
    row["seconds"] = round(time.perf_counter() - t0, 1)
    return row


def pr(s: dict) -> tuple[str, str]:
    p = s["tp"] / (s["tp"] + s["fp"]) if s["tp"] + s["fp"] else None
    r = s["tp"] / (s["tp"] + s["fn"]) if s["tp"] + s["fn"] else None
    f = lambda x: "  -  " if x is None else f"{x:5.2f}"  # noqa: E731
    return f(p), f(r)


def add(a: dict, b: dict) -> dict:
    return {k: a.get(k, 0) + b.get(k, 0) for k in ("tp", "fp", "fn")}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(Path(__file__).parent / "corpus_runnable"))
    parser.add_argument(
        "--limit", type=int, default=0, help="at most N notebooks, spread over the corpus (default all)"
    )
    parser.add_argument("--jobs", type=int, default=2, help="notebooks measured at once")
    parser.add_argument("--params", type=int, default=1, help="parameter cells edited per notebook")
    parser.add_argument("--timeout", type=float, default=60, help="seconds per cell")
    parser.add_argument("--only", help="notebooks whose file name contains this")
    parser.add_argument("--with-edits", action="store_true", help="only the notebooks that have a cell to edit")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument(
        "--truth-past-errors",
        action="store_true",
        help="the fresh run goes on after an error (the measure before 2026-12-05) instead of stopping there",
    )
    parser.add_argument("--engine-label", default="", help="a note on the engine measured, kept in the JSON")
    args = parser.parse_args(argv)
    corpus = Path(args.corpus)
    entries = runnable(corpus)
    if args.only:
        entries = [r for r in entries if args.only in r["file"]]
    if args.with_edits:
        import nbformat

        entries = [
            e for e in entries if find_params(notebook_cells(nbformat.read(str(corpus / e["file"]), as_version=4)))
        ]
    if args.limit and args.limit < len(entries):
        # spread over the sorted list, so that every package is in the sample
        entries = [entries[i * len(entries) // args.limit] for i in range(args.limit)]
    commit = engine_commit() + (f" [{args.engine_label}]" if args.engine_label else "")
    print(f"engine: {commit}; {len(entries)} notebooks; jobs {args.jobs}", flush=True)
    t0 = time.perf_counter()

    def crashed(entry: dict, err: Exception) -> dict:
        return {"notebook": entry["file"], "failure": repr(err)[:200], "edits": [], "wrong_certain": []}

    def report(row: dict) -> None:
        failure = f"  FAILED {row['failure']}" if row.get("failure") else ""
        print(f"  {row['notebook']}: {row.get('seconds', '?')} s{failure}", flush=True)

    work_args = (args.params, args.timeout, args.truth_past_errors)
    rows = measure_each(corpus, entries, one_notebook, work_args, args.jobs, crashed, report)
    rows.sort(key=lambda r: r["notebook"])

    # (a) clean runs
    clean, clean_nofp = Counter(), Counter()
    for r in rows:
        clean.update(r.get("clean", {}))
        clean_nofp.update(r.get("clean_nofp", {}))

    def verdict(c):
        return sum(v for k, v in c.items() if k.rstrip("?") in VERDICT_KINDS)

    dirty = [r for r in rows if any(k.rstrip("?") in VERDICT_KINDS for k in r.get("clean", {}))]
    print(
        f"\n(a) clean top-to-bottom runs: {len(rows)} notebooks, {sum(r.get('code_cells', 0) for r in rows)} code cells"
    )
    print(
        f"    verdict warnings with fingerprints: {verdict(clean)} in {len(dirty)} notebooks; "
        f"without: {verdict(clean_nofp)}"
    )
    for kind in VERDICT_KINDS:
        print(
            f"    {kind:17} certain {clean.get(kind, 0):4}  uncertain {clean.get(kind + '?', 0):4}"
            f"   (no fingerprints: {clean_nofp.get(kind, 0)} / {clean_nofp.get(kind + '?', 0)})"
        )
    others = {k: v for k, v in clean.items() if k.rstrip("?") not in VERDICT_KINDS}
    print(f"    other kinds: {dict(sorted(others.items()))}")

    # (b) edits
    print("\n(b) edit and re-run: precision / recall of the cells warned about")
    head = (
        f"{'notebook':52} {'edit':>16} {'truth':>5} | {'certain P/R':>12} | {'cert. any P/R':>13} "
        f"| {'stale any P/R':>13} | {'verdict P/R':>12}"
    )
    print(head)
    print("-" * len(head))
    totals = {v: {k: {"tp": 0, "fp": 0, "fn": 0} for k in SETS} for v in (1, 2)}
    for r in rows:
        for e in r["edits"]:
            for k in SETS:
                totals[e["variant"]][k] = add(totals[e["variant"]][k], e[k])
            cells = [f"{'/'.join(pr(e[k]))}" for k in SETS]
            print(
                f"{r['notebook'][:52]:52} {e['name'][:10]:>10}@{e['cell']:<2}v{e['variant']} {len(e['truth']):5} | "
                f"{cells[0]:>12} | {cells[1]:>13} | {cells[2]:>13} | {cells[3]:>12}"
            )
    overall = {k: add(totals[1][k], totals[2][k]) for k in SETS}
    for label, t in (
        ("variant 1 (edit, re-run it)", totals[1]),
        ("variant 2 (... and all below but one reader)", totals[2]),
        ("overall", overall),
    ):
        print(
            f"{label:46}\n    "
            + "\n    ".join(
                f"{k}: P {pr(t[k])[0]} R {pr(t[k])[1]} ({t[k]['tp']}/{t[k]['fp']}/{t[k]['fn']} tp/fp/fn)" for k in SETS
            )
        )
    unreached = [e for r in rows for e in r["edits"] if e.get("unreached")]
    print(
        f"cells below the fresh run's first error (Restart & Run All stops there; left out): "
        f"{sum(e['unreached'] for e in unreached)} in {len(unreached)} measurements, "
        f"{sum(e['unreached_warned'] for e in unreached)} of them with a certain verdict warning"
    )
    wrong = [(r["notebook"], w) for r in rows for w in r["wrong_certain"]]
    if wrong:
        print(f"\nwrong certain stale/depends-on-stale ({len(wrong)}):")
        for nbname, w in wrong:
            print(f"  {nbname}: {w['edit']}: cell {w['cell']} {w['error']} ({w['kind']}): {w['message']}")
    dirty_list = [(r["notebook"], w) for r in rows for w in r.get("clean_wrong", [])]
    if dirty_list:
        print(f"\nverdict warnings after clean runs ({len(dirty_list)}), first 40:")
        for nbname, w in dirty_list[:40]:
            print(f"  {nbname}: cell {w['cell']} {w['kind']}{'' if w['certain'] else '?'}: {w['message']}")
    print(f"\n{time.perf_counter() - t0:.0f} s wall; failures: {[r['notebook'] for r in rows if r.get('failure')]}")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "engine": commit,
                    "notebooks": len(rows),
                    "clean": dict(clean),
                    "clean_nofp": dict(clean_nofp),
                    "totals": {"variant1": totals[1], "variant2": totals[2], "overall": overall},
                    "rows": rows,
                    "machine": {"nproc": os.cpu_count(), "loadavg": os.getloadavg()},
                },
                indent=1,
            )
            + "\n"
        )


if __name__ == "__main__":
    main()
