"""Run a notebook cell by cell in a live kernel and record what analyze() needs.

Used by bench/bench_trust.py and tests/test_clean_run.py. Only jupyter_client, nbformat
and the standard library here (plus jupyter_nbrefactor for the request).

    with LiveSession(workdir) as s:
        s.run_all(cells)                       # top to bottom
        s.run_cell(cell_id, new_source)        # edit one cell and re-run it
        s.run_cells([...])                     # re-run a list of cells
        req = s.request(cells)                 # the analyze() request of this session

Every execution appends a run record ``{"cell_id", "source", "execution_count",
"error": ename or None, "fingerprints": {name: str}}`` to ``s.runs`` and keeps the cell's
normalised outputs in ``s.outputs[cell_id]`` (its latest run: what the notebook shows).
Two sets of fingerprints come from silent ``user_expressions`` evaluated after the cell's
code, in the same request, by a helper module put on the kernel's ``sys.path`` (nothing is
added to the user namespace), for each name the cell binds or mutates at top level:

- the run record's, which analyze() is given: the extension's own probe (src/probe.ts's
  FINGERPRINT_CODE, read from the file), so the engine sees what JupyterLab would send it;
- ``s.fingerprints[cell_id]``, the ground truth's: repr of small scalars and strings,
  type + shape + dtype + a content hash for arrays and frames, a hash of node and edge lists
  for graphs, a hash of the pickle for other objects that pickle (a fitted estimator's repr
  shows only its parameters; a random generator's its address), else repr with memory
  addresses removed.
"""

from __future__ import annotations

import ast
import hashlib
import os
import queue
import re
import shutil
import tempfile
import time
from pathlib import Path

ADDRESS = re.compile(r"0x[0-9a-fA-F]{4,}")
# Elapsed times and the like that no edit is responsible for.
TIMING = re.compile(r"\b\d+(\.\d+)?\s*(s|sec|seconds|ms|µs|us)\b")
# Element ids a library numbers per session (scikit-learn's HTML repr: sk-container-id-3).
HTML_ID = re.compile(r"\b([\w-]*-id-)\d+\b")

HELPER = r"""
import hashlib, re

_ADDR = re.compile(r"0x[0-9a-fA-F]{4,}")


def _h(b):
    return hashlib.blake2b(b, digest_size=8).hexdigest()


def fp(v, depth=0):
    t = type(v)
    tn = t.__module__ + "." + t.__qualname__
    try:
        if v is None or isinstance(v, (bool, int, float, complex)):
            return repr(v)
        if isinstance(v, (str, bytes)):
            return repr(v) if len(v) <= 120 else f"{tn} len={len(v)} {_h(v if isinstance(v, bytes) else v.encode('utf-8', 'replace'))}"
        mod = t.__module__.split(".")[0]
        if mod == "numpy":
            import numpy as np
            if isinstance(v, np.ndarray):
                if v.dtype == object:
                    return f"ndarray{v.shape} object {_h(repr(v.tolist()).encode())}"
                return f"ndarray{v.shape} {v.dtype} {_h(np.ascontiguousarray(v).tobytes())}"
            if isinstance(v, np.generic):
                return f"{tn} {v!r}"
            # a RandomState or Generator: its repr is its address, its pickle its state
        if mod == "pandas":
            import pandas as pd
            if isinstance(v, (pd.DataFrame, pd.Series, pd.Index)):
                try:
                    h = int(pd.util.hash_pandas_object(v, index=not isinstance(v, pd.Index)).sum())
                except Exception:
                    h = _h(repr(v).encode())
                shape = getattr(v, "shape", None)
                cols = list(map(str, v.columns)) if isinstance(v, pd.DataFrame) else getattr(v, "name", None)
                return f"{tn}{shape} {cols} {h}"
        if mod == "networkx":
            import networkx as nx
            if isinstance(v, nx.Graph):
                return f"{tn} {_h(repr(sorted(map(repr, v.nodes(data=True)))).encode())} {_h(repr(sorted(map(repr, v.edges(data=True)))).encode())}"
        if depth < 2 and isinstance(v, (list, tuple, set, frozenset)):
            items = sorted(map(repr, v)) if isinstance(v, (set, frozenset)) else [fp(x, depth + 1) for x in list(v)[:200]]
            return f"{tn} len={len(v)} {_h(repr(items).encode())}"
        if depth < 2 and isinstance(v, dict):
            items = [(repr(k), fp(x, depth + 1)) for k, x in list(v.items())[:200]]
            return f"{tn} len={len(v)} {_h(repr(items).encode())}"
        if callable(v) and hasattr(v, "__code__"):
            c = v.__code__
            return f"function {v.__qualname__} {_h(c.co_code + repr(c.co_consts).encode() + repr(v.__defaults__).encode())}"
        if mod not in ("matplotlib", "builtins", "IPython"):
            # fitted estimators, models, results: their repr shows parameters, not state
            import pickle
            try:
                b = pickle.dumps(v, protocol=4)
            except Exception:
                b = None
            if b is not None and len(b) < 200_000_000:
                return f"{tn} pickle {_h(b)}"
        r = repr(v)
        r = _ADDR.sub("0x?", r)
        return f"{tn} {r if len(r) <= 160 else _h(r.encode())}"
    except Exception as e:
        return f"{tn} <unfingerprintable {type(e).__name__}>"


def fingerprints(names):
    ns = get_ipython().user_ns
    return {n: fp(ns[n]) for n in names if n in ns}


def names():
    ns = get_ipython().user_ns
    hidden = get_ipython().user_ns_hidden
    return sorted(n for n in ns if not n.startswith("_") and n not in hidden)


def get_ipython():
    from IPython import get_ipython as g
    return g()
"""

PROBE_TS = Path(__file__).resolve().parent.parent / "src" / "probe.ts"


def probe_code() -> str:
    """The extension's own fingerprint function (src/probe.ts's FINGERPRINT_CODE): what the
    engine is given is what JupyterLab would send it, bounded samples and all."""
    text = PROBE_TS.read_text(encoding="utf-8")
    match = re.search(r"const FINGERPRINT_CODE = `(.*?)`;", text, re.S)
    if not match:
        raise RuntimeError(f"FINGERPRINT_CODE not found in {PROBE_TS}")
    # compiled apart, as the extension does, so that its ``fingerprints`` stays its own
    return (
        f"\n_PROBE = {{}}\nexec({match.group(1)!r}, _PROBE)\n\n\n"
        "def probe(names):\n    return _PROBE['fingerprints'](get_ipython().user_ns, names)\n"
    )


def cell_names(source: str) -> list[str]:
    """Names a cell binds or mutates at top level (assignment targets and the base name of
    subscript/attribute targets, augmented assignments, for/with targets, receivers of
    top-level method calls, del). Not imports, defs or classes: those are not values worth
    a fingerprint. Cells that do not parse (magics) give what their parseable lines give."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
        try:
            tree = ast.parse("\n".join(lines))
        except SyntaxError:
            return []
    out: list[str] = []

    def base(node):
        while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
            node = node.value
        return node.id if isinstance(node, ast.Name) else None

    def targets(node):
        if isinstance(node, (ast.Tuple, ast.List)):
            for elt in node.elts:
                targets(elt)
        else:
            n = base(node)
            if n:
                out.append(n)

    for stmt in tree.body:
        if isinstance(stmt, ast.Assign):
            for t in stmt.targets:
                targets(t)
        elif isinstance(stmt, (ast.AugAssign, ast.AnnAssign)):
            targets(stmt.target)
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            targets(stmt.target)
            for sub in ast.walk(stmt):
                if isinstance(sub, (ast.Assign, ast.AugAssign)):
                    for t in getattr(sub, "targets", None) or [sub.target]:
                        targets(t)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                if item.optional_vars is not None:
                    targets(item.optional_vars)
        elif (
            isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Attribute)
        ):
            n = base(stmt.value.func.value)
            if n:
                out.append(n)
        elif isinstance(stmt, ast.Delete):
            for t in stmt.targets:
                targets(t)
    return list(dict.fromkeys(out))


def normalise_text(text: str) -> str:
    text = ADDRESS.sub("0x?", text)
    text = HTML_ID.sub(r"\1N", text)
    return TIMING.sub("<t>", text)


def notebook_cells(nb) -> list[dict]:
    """The analyze() cells of an nbformat notebook: every cell, in order, with its id."""
    cells = []
    for i, cell in enumerate(nb["cells"]):
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else src
        cells.append({"id": cell.get("id") or f"c{i}", "source": src, "cell_type": cell.get("cell_type", "code")})
    return cells


class KernelDied(RuntimeError):
    pass


class LiveSession:
    """One kernel, driven cell by cell, with the log of its runs."""

    def __init__(
        self,
        workdir: str | os.PathLike | None = None,
        data_dir: str | os.PathLike | None = None,
        timeout: float = 60,
        fingerprints: bool = True,
        kernel_name: str = "python3",
        inline_figures: bool = True,
    ):
        self._tmp = tempfile.TemporaryDirectory(prefix="nbr-trust-")
        self.workdir = Path(workdir) if workdir else Path(self._tmp.name) / "work"
        self.workdir.mkdir(parents=True, exist_ok=True)
        if data_dir:
            shutil.copytree(data_dir, self.workdir, dirs_exist_ok=True)
        helper_dir = Path(self._tmp.name) / "helper"
        helper_dir.mkdir()
        (helper_dir / "_nbr_trust_probe.py").write_text(HELPER + probe_code())
        self.timeout = timeout
        self.use_fingerprints = fingerprints
        self.kernel_name = kernel_name
        self.helper_dir = helper_dir
        self.inline_figures = inline_figures
        self.runs: list[dict] = []
        self.outputs: dict[str, list] = {}
        self.fingerprints: dict[str, dict] = {}
        self.km = self.kc = None

    # -- kernel lifetime ---------------------------------------------------------------
    def start(self):
        from jupyter_client import KernelManager

        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(self.helper_dir), env.get("PYTHONPATH")]))
        if self.inline_figures:
            env.pop("MPLBACKEND", None)  # the inline backend: figures become outputs
        env["PYTHONHASHSEED"] = "0"
        self.km = KernelManager(kernel_name=self.kernel_name)
        self.km.start_kernel(cwd=str(self.workdir), env=env)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        return self

    def stop(self):
        if self.kc is not None:
            self.kc.stop_channels()
        if self.km is not None:
            self.km.shutdown_kernel(now=True)
        self.km = self.kc = None
        self._tmp.cleanup()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- execution ---------------------------------------------------------------------
    def _execute(self, code: str, silent=False, store_history=True, user_expressions=None, timeout=None):
        timeout = self.timeout if timeout is None else timeout
        msg_id = self.kc.execute(
            code, silent=silent, store_history=store_history, user_expressions=user_expressions or {}, allow_stdin=False
        )
        deadline = time.monotonic() + timeout
        outputs, idle, reply = [], False, None
        while not (idle and reply is not None):
            left = deadline - time.monotonic()
            if left <= 0:
                self.km.interrupt_kernel()
                raise TimeoutError(f"cell did not finish within {timeout} s")
            if not idle:
                try:
                    msg = self.kc.get_iopub_msg(timeout=min(left, 1))
                except queue.Empty:
                    if not self.km.is_alive():
                        raise KernelDied("the kernel died") from None
                    continue
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                t, c = msg["msg_type"], msg["content"]
                if t == "status" and c["execution_state"] == "idle":
                    idle = True
                elif t == "stream":
                    outputs.append(("stream", c["name"], normalise_text(c["text"])))
                elif t in ("execute_result", "display_data"):
                    data = c.get("data", {})
                    item = [t == "execute_result" and "result" or "display", normalise_text(data.get("text/plain", ""))]
                    for mime in ("image/png", "text/html"):
                        if mime in data:
                            item.append(
                                (mime, hashlib.blake2b(normalise_text(data[mime]).encode(), digest_size=8).hexdigest())
                            )
                    outputs.append(tuple(item))
                elif t == "error":
                    outputs.append(("error", c["ename"], normalise_text(c["evalue"])))
                elif t == "clear_output":
                    outputs.clear()
            else:
                try:
                    r = self.kc.get_shell_msg(timeout=min(left, 1))
                except queue.Empty:
                    if not self.km.is_alive():
                        raise KernelDied("the kernel died") from None
                    continue
                if r["parent_header"].get("msg_id") == msg_id:
                    reply = r["content"]
        # Merge consecutive stream chunks (how they are split is not content).
        merged = []
        for o in outputs:
            if merged and o[0] == "stream" and merged[-1][0] == "stream" and merged[-1][1] == o[1]:
                merged[-1] = ("stream", o[1], merged[-1][2] + o[2])
            else:
                merged.append(o)
        return reply, merged

    def run_cell(self, cell_id: str, source: str) -> dict:
        """Execute one cell's source as the notebook would; append and return its run record."""
        names = cell_names(source) if self.use_fingerprints else []
        expr = (
            {
                "fp": f"__import__('_nbr_trust_probe').fingerprints({names!r})",
                "probe": f"__import__('_nbr_trust_probe').probe({names!r})",
            }
            if names
            else {}
        )
        try:
            reply, outputs = self._execute(source, user_expressions=expr)
        except KernelDied:
            reply, outputs = (
                {"status": "error", "ename": "KernelDied", "execution_count": None},
                [("error", "KernelDied", "")],
            )
        except TimeoutError:
            reply, outputs = (
                {"status": "error", "ename": "TimeoutError", "execution_count": None},
                [("error", "TimeoutError", "")],
            )
        error = None if reply.get("status") == "ok" else (reply.get("ename") or "Error")
        record = {"cell_id": cell_id, "source": source, "execution_count": reply.get("execution_count"), "error": error}
        fps, probed = (self._expression(reply, key) for key in ("fp", "probe"))
        if probed:
            record["fingerprints"] = probed
        self.runs.append(record)
        self.outputs[cell_id] = outputs
        self.fingerprints[cell_id] = fps
        return record

    @staticmethod
    def _expression(reply: dict, key: str) -> dict:
        ue = (reply.get("user_expressions") or {}).get(key)
        if not ue or ue.get("status") != "ok":
            return {}
        try:
            return ast.literal_eval(ue["data"]["text/plain"])
        except (ValueError, SyntaxError):
            return {}

    def run_cells(self, cells: list[dict], ids: list[str] | None = None, stop_on_error=False) -> list[dict]:
        """Run the code cells of ``cells`` (analyze()-style dicts) in order, or only ``ids``."""
        done = []
        for cell in cells:
            if cell["cell_type"] != "code" or (ids is not None and cell["id"] not in ids):
                continue
            rec = self.run_cell(cell["id"], cell["source"])
            done.append(rec)
            if (stop_on_error and rec["error"]) or rec["error"] in ("KernelDied", "TimeoutError"):
                break  # a dead or stuck kernel: the rest would only wait for it
        return done

    def run_all(self, cells: list[dict], stop_on_error=True) -> list[dict]:
        return self.run_cells(cells, stop_on_error=stop_on_error)

    def kernel_names(self) -> list[str] | None:
        reply, _ = self._execute(
            "", silent=True, store_history=False, user_expressions={"n": "__import__('_nbr_trust_probe').names()"}
        )
        ue = (reply.get("user_expressions") or {}).get("n")
        if not ue or ue.get("status") != "ok":
            return None
        return ast.literal_eval(ue["data"]["text/plain"])

    def request(self, cells: list[dict], kernel_names: bool = True, fingerprints: bool = True) -> dict:
        runs = [dict(r) for r in self.runs]
        if not fingerprints:
            for r in runs:
                r.pop("fingerprints", None)
        return {
            "cells": [dict(c) for c in cells],
            "runs": runs,
            "kernel_names": self.kernel_names() if kernel_names else None,
        }

    def shown(self, cell_id: str):
        """What the notebook shows for a cell: the outputs and bound values of its latest run."""
        return self.outputs.get(cell_id), self.fingerprints.get(cell_id)


def fresh_run(
    cells: list[dict], data_dir=None, timeout: float = 60, fingerprints=True, past_errors=False
) -> LiveSession:
    """A fresh kernel running every code cell top to bottom and stopping at the first error, as
    JupyterLab's Restart & Run All does (the cells below then show nothing), stopped after;
    its ``outputs``/``fingerprints``/``runs`` stay readable, and the cells it never reached
    are absent from ``outputs``. ``past_errors``: run on after an error instead."""
    s = LiveSession(data_dir=data_dir, timeout=timeout, fingerprints=fingerprints).start()
    try:
        s.run_all(cells, stop_on_error=not past_errors)
    finally:
        s.stop()
    return s


VERDICT_KINDS = ("stale", "depends-on-stale", "out-of-order", "hidden-state")
