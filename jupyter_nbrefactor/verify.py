"""Proof by a fresh kernel: does Restart & Run All give what the notebook shows, and does a
refactored notebook give what the original gave?

``verify_notebook(path)`` runs a saved notebook top to bottom in a fresh kernel (nbclient,
the notebook's kernelspec, else python3) and compares every code cell's new outputs with
its saved ones; ``verify_notebook(path, against=original)`` runs both notebooks fresh and
compares them cell by cell. Outputs are compared in the normalised form of outputs.py.

A cell that differs is run once more: the reference notebook runs a second time, fresh
(only when something differs), and a cell whose two fresh runs of the same notebook
differ too is ``non-deterministic`` (unseeded randomness, the clock), never ``changed``.

The runs happen in a scratch folder (see ``scratch_copy``): the notebook reads its data
files as usual, what it writes is thrown away, the user's folder is left as it was.

The answer is plain JSON: ``{"verdict": "same"|"changed"|"failed", "cells": [{"index",
"id", "status", "diff"}], "first_difference", "totals", "seconds", "message",
"cancelled"}``; ``VerifyJob`` runs it on a thread for the REST job API.
"""

from __future__ import annotations

import asyncio
import difflib
import os
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Coroutine, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Literal, Protocol, TypedDict

import nbformat
from nbformat.v4.rwbase import rejoin_lines  # sources saved as lists of lines, as read from disk

from .outputs import diff_outputs, normalise_outputs

DEFAULT_TIMEOUT = 600
"""Seconds one cell may run before the run stops (the cell is an ``error``)."""

STATUSES = ("same", "changed", "non-deterministic", "error", "skipped")

# The scratch folder copies the notebook's folder; these are linked, not copied: big files
# (data sets) and folders a notebook only reads (version control, environments).
LINK_FILES_OVER = 32 * 1024 * 1024
MAX_COPIED_FILES = 5000
LINKED_FOLDERS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", ".tox", ".ipynb_checkpoints"})

Status = Literal["same", "changed", "non-deterministic", "error", "skipped"]


class ProgressEvent(TypedDict):
    """How far a verification got: which run, the cells it ran, of how many, for how long."""

    run: str  # "notebook", "against", "repeat"
    cell: int
    of: int
    seconds: float


Progress = Callable[[ProgressEvent], None]


class CellResult(TypedDict):
    """One code cell of the answer (by index in the verified notebook)."""

    index: int
    id: str | None
    status: Status
    diff: str | None


class VerifyResult(TypedDict):
    """``verify``'s answer (see the module's docstring)."""

    verdict: Literal["same", "changed", "failed"]
    cells: list[CellResult]
    first_difference: int | None
    totals: dict[str, int]  # status -> cells, every status of ``STATUSES``
    seconds: float
    message: str | None
    cancelled: bool
    notes: list[str]


# ----- the scratch folder ---------------------------------------------------------------


def scratch_copy(folder: Path, scratch: Path) -> list[Path]:
    """Fill ``scratch`` with the contents of ``folder``; returns what was linked.

    Files are copied, so a run that rewrites a file (``df.to_csv("results.csv")``)
    rewrites the copy: a symbolic link would be written through. Files over
    ``LINK_FILES_OVER`` bytes, the folders of ``LINKED_FOLDERS`` and everything past
    ``MAX_COPIED_FILES`` files are symbolic links instead (copying a data set per run
    would cost more than the run): reading them works, writing into one in place would
    reach the original (``verify`` notes it when it happens)."""
    linked: list[Path] = []
    copied = 0
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        target = scratch / here.relative_to(folder)
        target.mkdir(exist_ok=True)
        for name in list(dirs):
            if name in LINKED_FOLDERS or (here / name).is_symlink():
                dirs.remove(name)
                os.symlink(here / name, target / name)
                linked.append(here / name)
        for name in files:
            source = here / name
            try:
                big = source.stat().st_size > LINK_FILES_OVER
            except OSError:  # a dangling link: copied as the link it is
                big = False
            if big or copied >= MAX_COPIED_FILES:
                os.symlink(source, target / name)
                linked.append(source)
            else:
                shutil.copy2(source, target / name, follow_symlinks=False)
                copied += 1
    return linked


def _stamp(paths: list[Path]) -> dict[Path, tuple[int, ...]]:
    def one(path: Path) -> tuple[int, ...]:
        try:
            st = path.stat()
        except OSError:
            return ()
        return (st.st_size, st.st_mtime_ns)

    return {p: one(p) for p in paths if not p.is_dir()}


# ----- one fresh run --------------------------------------------------------------------


@dataclass
class Run:
    """One fresh run of a notebook: the outputs of every code cell it ran (by index), why
    it stopped early (``stopped``: "timed out after 5 s", "cancelled", …, and at which cell)."""

    outputs: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    stopped: str | None = None
    stopped_at: int | None = None
    cancelled: bool = False
    notes: list[str] = field(default_factory=list)
    paths: dict[str, str] = field(default_factory=dict)


def kernel_name(nb: Mapping[str, Any]) -> str:
    """The notebook's kernelspec name when such a kernel is installed, else python3."""
    from jupyter_client.kernelspec import KernelSpecManager

    name: str | None = (nb.get("metadata", {}).get("kernelspec") or {}).get("name")
    if name and name in KernelSpecManager().find_kernel_specs():
        return name
    return "python3"


def code_cells(nb: Mapping[str, Any]) -> list[int]:
    return [i for i, c in enumerate(nb["cells"]) if c.get("cell_type") == "code"]


def run_fresh(
    nb: Mapping[str, Any],
    folder: Path,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    label: str = "notebook",
    on_progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Run:
    """Run ``nb`` top to bottom in a fresh kernel, in a scratch copy of ``folder``."""
    run = Run()
    if cancel is not None and cancel.is_set():  # cancelled before it started: no kernel, no copy
        run.cancelled, run.stopped = True, "cancelled"
        run.stopped_at = next(iter(code_cells(nb)), None)
        return run
    with tempfile.TemporaryDirectory(prefix="nbrefactor-verify-") as tmp:
        scratch = Path(tmp, "run")
        scratch.mkdir()
        linked = scratch_copy(Path(folder), scratch)
        before = _stamp(linked)
        real = str(Path(folder).resolve())
        run.paths = {str(scratch): real, str(scratch.resolve()): real}  # /tmp may itself be a link
        _in_own_loop(_execute(rejoin_lines(nbformat.from_dict(nb)), scratch, run, timeout, label, on_progress, cancel))
        run.notes += [
            f"the run wrote into {p}, which is linked, not copied" for p, s in _stamp(linked).items() if s != before[p]
        ]
    return run


def _in_own_loop(coroutine: Coroutine[Any, Any, None]) -> None:
    """Run ``coroutine`` to the end on an event loop of its own (a thread when this one runs a loop)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(coroutine)
        return
    errors: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(coroutine)
        except BaseException as err:
            errors.append(err)

    thread = threading.Thread(target=target, name="nbrefactor-verify-run")
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


async def _execute(
    nb: nbformat.NotebookNode,
    scratch: Path,
    run: Run,
    timeout: float,
    label: str,
    on_progress: Progress | None,
    cancel: threading.Event | None,
) -> None:
    from jupyter_core.utils import ensure_async
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=kernel_name(nb),
        allow_errors=True,
        shutdown_kernel="immediate",
        record_timing=False,
        resources={"metadata": {"path": str(scratch)}},
    )
    cells = code_cells(nb)
    started = time.monotonic()

    def progress(done: int) -> None:
        if on_progress is not None:
            on_progress({"run": label, "cell": done, "of": len(cells), "seconds": round(time.monotonic() - started, 3)})

    progress(0)
    index: int | None = None  # the cell being run; None while the kernel starts
    try:
        # the kernel process's own log (not what cells print, which comes over ZMQ) is not ours to show
        async with client.async_setup_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
            for done, index in enumerate(cells):
                if cancel is not None and cancel.is_set():
                    run.cancelled, run.stopped, run.stopped_at = True, "cancelled", index
                    return
                task = asyncio.ensure_future(client.async_execute_cell(nb["cells"][index], index))
                while not task.done():
                    await asyncio.wait([task], timeout=0.1)
                    if cancel is not None and cancel.is_set() and not task.done():
                        await ensure_async(client.km.interrupt_kernel())  # type: ignore[union-attr]  # set up above
                        run.cancelled, run.stopped, run.stopped_at = True, "cancelled", index
                        await asyncio.wait([task], timeout=5)
                        task.cancel()
                        return
                try:
                    task.result()
                except CellTimeoutError:
                    run.stopped, run.stopped_at = f"timed out after {timeout:g} s", index
                    return
                except DeadKernelError:
                    run.stopped, run.stopped_at = "the kernel died", index
                    return
                run.outputs[index] = nb["cells"][index].get("outputs", [])
                progress(done + 1)
    except Exception as err:  # no such kernel, it would not start, a malformed cell, …
        if run.stopped is None:
            first = str(err).splitlines()[0] if str(err) else type(err).__name__
            # a kernel that never started is no cell's failure: every cell is skipped
            why = "the kernel did not start" if index is None else "the run failed"
            run.stopped, run.stopped_at = f"{why}: {first}", index


# ----- pairing the cells of two notebooks -------------------------------------------------


def pair_cells(nb: Mapping[str, Any], reference: Mapping[str, Any]) -> dict[int, list[int]]:
    """Each code cell of ``nb`` (by index) -> the code cells of ``reference`` whose outputs
    it must reproduce, in order.

    A replacement cell names the cells it replaced (``metadata.nbrefactor.replaces``: cell
    ids); other cells pair by id, then by position (difflib's alignment of the two
    sequences of sources, so a cell inserted or removed shifts nothing). A reference cell
    left unpaired joins the cell that reproduces the one above it: its output must still
    appear somewhere."""
    mine, theirs = code_cells(nb), code_cells(reference)
    ids = {reference["cells"][i].get("id"): i for i in theirs if reference["cells"][i].get("id")}
    pairs: dict[int, list[int]] = {}
    used: set[int] = set()
    for i in mine:
        replaces = ((nb["cells"][i].get("metadata") or {}).get("nbrefactor") or {}).get("replaces")
        if isinstance(replaces, list) and replaces and all(r in ids for r in replaces):
            pairs[i] = sorted(ids[r] for r in replaces if ids[r] not in used)
            used.update(pairs[i])
    for i in mine:
        j = ids.get(nb["cells"][i].get("id"))
        if i not in pairs and j is not None and j not in used:
            pairs[i] = [j]
            used.add(j)
    rest = [i for i in mine if i not in pairs]
    others = [j for j in theirs if j not in used]
    matcher = difflib.SequenceMatcher(
        None,
        [_source(nb["cells"][i]) for i in rest],
        [_source(reference["cells"][j]) for j in others],
        autojunk=False,
    )
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag in ("equal", "replace"):
            for i, j in zip(rest[a0:a1], others[b0:b1]):
                pairs[i] = [j]
                used.add(j)
    for i in mine:
        pairs.setdefault(i, [])
    for j in theirs:
        if j in used:
            continue
        above = [i for i in mine if pairs[i] and min(pairs[i]) < j]
        below = [i for i in mine if pairs[i] and min(pairs[i]) > j]
        home = max(above, key=lambda i: max(pairs[i])) if above else (min(below) if below else None)
        if home is not None:
            pairs[home] = sorted([*pairs[home], j])
    return pairs


def _source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    text: str = "".join(source) if isinstance(source, list) else source
    return text


# ----- verify ----------------------------------------------------------------------------


def verify(
    nb: Mapping[str, Any],
    folder: Path | str,
    against: Mapping[str, Any] | None = None,
    against_folder: Path | str | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    on_progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> VerifyResult:
    """Run ``nb`` (in a scratch copy of ``folder``) fresh and compare it with its saved
    outputs, or with a fresh run of ``against`` (in ``against_folder``, default ``folder``).
    The answer is described in the module's docstring."""
    started = time.monotonic()
    folder = Path(folder)
    run = partial(run_fresh, timeout=timeout, on_progress=on_progress, cancel=cancel)
    fresh = run(nb, folder, label="notebook")
    ref_nb, ref_folder = (nb, folder) if against is None else (against, Path(against_folder or folder))
    pairs = {i: [i] for i in code_cells(nb)} if against is None else pair_cells(nb, against)
    if against is None:
        ref_run = Run(outputs={i: nb["cells"][i].get("outputs", []) for i in code_cells(nb)})
        labels = ("saved", "fresh run")
        if not any(nb["cells"][i].get("outputs") or nb["cells"][i].get("execution_count") for i in code_cells(nb)):
            ref_run.notes.append(
                "the notebook was saved without outputs (never run, or stripped): verify it --against another"
            )
    else:
        ref_run = run(against, ref_folder, label="against") if not fresh.cancelled else Run()
        labels = ("original", "refactored")

    cells = [_compare(nb, i, pairs[i], fresh, ref_run, labels) for i in code_cells(nb)]
    differing = [c for c in cells if c["status"] == "changed"]
    cancelled = fresh.cancelled or ref_run.cancelled
    if differing and not cancelled:
        # the reference once more: a cell whose two fresh runs differ is not reproducible at all
        again = run(ref_nb, ref_folder, label="repeat")
        first = fresh if against is None else ref_run
        for cell in differing:
            refs = [cell["index"]] if against is None else pairs[cell["index"]]
            if any(j not in again.outputs or j not in first.outputs for j in refs):
                continue
            one = normalise_outputs([o for j in refs for o in first.outputs[j]], first.paths)
            two = normalise_outputs([o for j in refs for o in again.outputs[j]], again.paths)
            if diff_outputs(one, two) is not None:
                cell["status"] = "non-deterministic"
        cancelled = cancelled or again.cancelled

    totals = {status: sum(1 for c in cells if c["status"] == status) for status in STATUSES}
    stops = [(r.stopped, name) for r, name in ((fresh, "notebook"), (ref_run, "against")) if r.stopped]
    verdict: Literal["same", "changed", "failed"]
    if totals["error"] or stops:
        verdict = "failed"
    else:
        verdict = "changed" if totals["changed"] else "same"
    return {
        "verdict": verdict,
        "cells": cells,
        "first_difference": next((c["index"] for c in cells if c["status"] in ("changed", "error")), None),
        "totals": totals,
        "seconds": round(time.monotonic() - started, 3),
        "message": "; ".join(f"{name} run: {why}" for why, name in stops) or None,
        "cancelled": cancelled,
        "notes": fresh.notes + ref_run.notes,
    }


def _compare(
    nb: Mapping[str, Any], index: int, refs: list[int], fresh: Run, reference: Run, labels: tuple[str, str]
) -> CellResult:
    cell: CellResult = {"index": index, "id": nb["cells"][index].get("id"), "status": "same", "diff": None}
    if fresh.stopped_at == index and not fresh.cancelled:
        cell["status"], cell["diff"] = "error", f"the fresh run stopped here: {fresh.stopped}"
        return cell
    if index not in fresh.outputs or any(j not in reference.outputs for j in refs):
        cell["status"] = "skipped"
        return cell
    # the replaced cells' outputs as one cell's: their streams merge as the replacement's do
    want = normalise_outputs([o for j in refs for o in reference.outputs[j]], reference.paths)
    got = normalise_outputs(fresh.outputs[index], fresh.paths)
    diff = diff_outputs(want, got, labels)
    if diff is not None:
        new_errors = {line for line in got if line.startswith("[error]")} - set(want)
        cell["status"], cell["diff"] = ("error" if new_errors else "changed"), diff
    return cell


def verify_notebook(
    path: str | Path,
    against: str | Path | Mapping[str, Any] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    on_progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> VerifyResult:
    """``verify`` for the notebook saved at ``path``; ``against``: the original notebook's
    path, or the notebook itself (run in ``path``'s folder). Unreadable files raise
    ``OSError`` or nbformat's errors."""
    path = Path(path)
    nb: nbformat.NotebookNode = nbformat.read(path, as_version=4)
    other: Mapping[str, Any] | None = None
    other_folder: Path | None = None
    if isinstance(against, (str, Path)):
        other, other_folder = nbformat.read(against, as_version=4), Path(against).parent
    elif against is not None:
        other = against
    return verify(nb, path.parent, other, other_folder, timeout=timeout, on_progress=on_progress, cancel=cancel)


def format_result(result: VerifyResult, name: str) -> str:
    """One line per cell that is not the same, then a summary line."""
    lines = []
    for cell in result["cells"]:
        if cell["status"] != "same":
            diff = (cell["diff"] or "").splitlines()
            removed = next((d for d in diff if d[:1] == "-" and not d.startswith("---")), None)
            added = next((d for d in diff if d[:1] == "+" and not d.startswith("+++")), None)
            detail = " ".join(d for d in (removed, added) if d) or (diff[0] if diff else "")
            lines.append(f"{name}:cell {cell['index'] + 1}: {cell['status']}" + (f": {detail}" if detail else ""))
    totals = ", ".join(f"{n} {status}" for status, n in result["totals"].items() if n)
    summary = f"{name}: {result['verdict']} ({totals or 'no code cells'}) in {result['seconds']:.1f} s"
    if result.get("message"):
        summary += f": {result['message']}"
    lines += [f"note: {note}" for note in result.get("notes", [])]
    return "\n".join([*lines, summary]) + "\n"


# ----- a verification on a thread (the REST job API) --------------------------------------


class VerifyFunction(Protocol):
    """A verification to run as a job (``verify`` with its notebooks bound)."""

    def __call__(self, *, on_progress: Progress, cancel: threading.Event) -> VerifyResult: ...


class JobState(TypedDict):
    """A job as the REST API shows it."""

    job: str
    state: str  # "running", "done", "cancelled", "error"
    progress: ProgressEvent
    result: VerifyResult | None
    message: str | None


class VerifyJob:
    """``verify`` on a thread of its own: ``progress``, ``cancel()``, and the result once
    ``state`` is done/cancelled/error. ``function`` is called with ``on_progress`` and
    ``cancel``, once the job holds one of ``slots`` (a semaphore shared by the jobs that
    may not all run at once: each run is a kernel); until then it waits, "running" at cell 0."""

    def __init__(self, function: VerifyFunction, slots: threading.Semaphore | None = None):
        self.id = uuid.uuid4().hex
        self.state = "running"
        self.progress: ProgressEvent = {"cell": 0, "of": 0, "seconds": 0.0, "run": "notebook"}
        self.result: VerifyResult | None = None
        self.message: str | None = None
        self.finished: float | None = None
        self._cancel = threading.Event()
        self._started = time.monotonic()
        self._slots = slots
        self._thread = threading.Thread(target=self._work, args=(function,), name=f"nbrefactor-verify-{self.id[:8]}")
        self._thread.daemon = True
        self._thread.start()

    def _work(self, function: VerifyFunction) -> None:
        try:
            with self._slots or nullcontext():
                self.result = result = function(on_progress=self._on_progress, cancel=self._cancel)
            self.state = "cancelled" if result.get("cancelled") else "done"
        except Exception as err:
            self.message = str(err) or type(err).__name__
            self.state = "error"
        self.finished = time.monotonic()

    def _on_progress(self, progress: ProgressEvent) -> None:
        self.progress = {**progress, "seconds": round(time.monotonic() - self._started, 3)}

    def cancel(self) -> None:
        self._cancel.set()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def to_json(self) -> JobState:
        return {
            "job": self.id,
            "state": self.state,
            "progress": self.progress,
            "result": self.result,
            "message": self.message,
        }
