"""Kernel slowdown (issue 5): 300 short cells run with nbclient, wall time.

    python bench/bench_kernel_slowdown.py [--cells 300] [--repeats 5]

Variants, interleaved in every repeat so machine load hits all alike:

- ``python3``: the stock ipykernel, one cell at a time with nbclient (the
  extension disabled: it adds nothing to the kernel);
- ``python3+probe``: the same, plus after every cell the extension's namespace
  probe, the silent execute that src/watched.ts sends (the names and the
  fingerprints of what the cell binds, src/probe.ts), awaited (worst case);
- ``runall`` / ``runall+probe``: as JupyterLab's Run All does, every execute
  request sent at once; with probe, the tracker's policy: after a reply, a
  probe unless one is outstanding;
- ``ipyflow``: the ipyflow kernel, one cell at a time, for reference.

Only the cells are timed: kernel start-up and shutdown are not.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from pathlib import Path

import nbformat
from jupyter_client.manager import start_new_kernel
from nbclient import NotebookClient

from jupyter_nbrefactor.cells import cell_facts

# Exactly what src/watched.ts (_probeNames) sends.
NAMES_EXPRESSION = (
    "' '.join(sorted(k for k in get_ipython().user_ns if not k.startswith('_') "
    "and k not in get_ipython().user_ns_hidden))"
)


def make_notebook(cells: int) -> nbformat.NotebookNode:
    """Short cells: an assignment chain, with a function, a loop or a comprehension now and then."""
    sources = ["x = 0", "y = x + 1", "v2 = 0"]
    for i in range(3, cells):
        if i % 10 == 0:
            sources.append(f"def f{i}(a):\n    return a * {i}\nv{i} = f{i}(v{i - 1})")
        elif i % 10 == 5:
            sources.append(f"v{i} = sum(k for k in range(v{i - 1} % 50))")
        elif i % 10 == 7:
            sources.append(f"v{i} = v{i - 1}\nfor k in range(3):\n    v{i} += k")
        else:
            sources.append(f"v{i} = v{i - 1} + 1")
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


_PROBE_TS = (Path(__file__).parent.parent / "src" / "probe.ts").read_text(encoding="utf-8")
FINGERPRINT_CODE = re.search(r"const FINGERPRINT_CODE = `(.*?)`;", _PROBE_TS, re.S).group(1)


def fingerprint_expression(names) -> str:
    """Exactly what src/probe.ts's fingerprintExpression builds."""
    head = "(lambda ns, names, g: (exec(FINGERPRINT_CODE, g), g['fingerprints'](ns, names))[1])"
    return head.replace("FINGERPRINT_CODE", json.dumps(FINGERPRINT_CODE)) + (
        f"(get_ipython().user_ns, {json.dumps(list(names))}, {{}})"
    )


def probe(kc, source: str = "") -> str:
    """Send the namespace probe (with the fingerprints of what ``source`` binds); returns
    its message id."""
    expressions = {"names": NAMES_EXPRESSION}
    facts = cell_facts(source)
    bound = [*facts.defines, *facts.mutates]
    if bound:
        expressions["fingerprints"] = fingerprint_expression(bound)
    return kc.execute(
        "",
        silent=True,
        store_history=False,
        user_expressions=expressions,
        allow_stdin=False,
        stop_on_error=False,
    )


def run_all(cells: int, probing: bool) -> float:
    """Seconds from sending every cell at once to the last reply (and the last probe's)."""
    km, kc = start_new_kernel(kernel_name="python3")
    try:
        sources = [cell.source for cell in make_notebook(cells).cells]
        start = time.perf_counter()
        by_id = {kc.execute(source): source for source in sources}
        pending = set(by_id)
        outstanding = None
        while pending or outstanding:
            reply = kc.get_shell_msg(timeout=120)
            parent = reply["parent_header"]["msg_id"]
            if parent == outstanding:
                outstanding = None
                if reply["content"]["user_expressions"]["names"]["status"] != "ok":
                    raise RuntimeError("probe failed")
                continue
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"a cell failed: {reply['content']}")
            pending.discard(parent)
            if probing and outstanding is None:
                outstanding = probe(kc, by_id.get(parent, ""))
        return time.perf_counter() - start
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


class ProbingClient(NotebookClient):
    """Sends the extension's namespace probe after every cell and waits for its reply."""

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        result = await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        reply = await self.async_wait_for_reply(probe(self.kc, cell.source))
        names = reply["content"]["user_expressions"]["names"]
        if names["status"] != "ok":
            raise RuntimeError(f"probe failed: {names}")
        self.probe_answer = names["data"]["text/plain"]
        return result


VARIANTS = {
    "python3": (NotebookClient, "python3"),
    "python3+probe": (ProbingClient, "python3"),
    "runall": (None, "python3"),
    "runall+probe": (None, "python3"),
}
try:
    import ipyflow  # noqa: F401

    VARIANTS["ipyflow"] = (NotebookClient, "ipyflow")
except ImportError:
    pass


def run_once(variant: str, cells: int) -> float:
    """Seconds to run every cell of a fresh notebook on a fresh kernel."""
    client_class, kernel = VARIANTS[variant]
    if client_class is None:
        return run_all(cells, probing=variant.endswith("+probe"))
    nb = make_notebook(cells)
    client = client_class(nb, kernel_name=kernel, timeout=120)
    with client.setup_kernel():
        start = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        elapsed = time.perf_counter() - start
    errors = [o for c in nb.cells for o in c.outputs if o.output_type == "error"]
    if errors:
        raise RuntimeError(f"{variant}: a cell failed: {errors[0]['ename']}")
    return elapsed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)

    times: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for repeat in range(args.repeats):
        names = list(VARIANTS)
        # A different variant goes first each time: no variant always meets a cold machine.
        for name in names[repeat % len(names) :] + names[: repeat % len(names)]:
            times[name].append(run_once(name, args.cells))
        done = ", ".join(f"{n} {t[-1]:.2f} s" for n, t in times.items())
        print(f"repeat {repeat + 1}: {done}", flush=True)

    print(f"\n{args.cells} cells, {args.repeats} repeats, median wall time (cells only):")
    for name, values in times.items():
        median = statistics.median(values)
        base = statistics.median(times["runall" if name.startswith("runall") else "python3"])
        print(
            f"  {name:<14} {median:6.2f} s  (min {min(values):.2f}, max {max(values):.2f})  ratio {median / base:.3f}x"
        )


if __name__ == "__main__":
    main()
