"""verify: fresh-kernel runs of tiny notebooks (real kernels; each notebook runs once per module)."""

import hashlib
import threading

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from jupyter_nbrefactor import plan_extraction
from jupyter_nbrefactor.apply import read_module, replace_cells, write_module
from jupyter_nbrefactor.verify import verify, verify_notebook


def stdout(text):
    return new_output("stream", name="stdout", text=text)


def result(text, count=1):
    return new_output("execute_result", data={"text/plain": text}, execution_count=count)


def folder_state(folder):
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        for p in sorted(folder.rglob("*"))
    }


# ----- a saved notebook against its own saved outputs ------------------------------------

SAVED_CELLS = [
    # 0: reads a data file of its folder; rewrites it and writes a new one (thrown away)
    new_code_cell(
        "rows = open('numbers.csv').read().split()\n"
        "open('numbers.csv', 'w').write('overwritten')\n"
        "open('results.txt', 'w').write('new')\n"
        "print(len(rows))",
        outputs=[stdout("3\n")],
    ),
    # 1: the saved output was edited by hand: the fresh run shows 7
    new_code_cell("3 + 4", outputs=[result("8")]),
    # 2: unseeded randomness
    new_code_cell("import random\nprint(random.random())", outputs=[stdout("0.123\n")]),
    # 3: what every run varies, normalised away: an address, float noise, a warning's path, image bytes
    new_code_cell(
        "import warnings\nfrom IPython.display import display\n"
        "print(object())\nprint(0.1 + 0.2)\nwarnings.warn('careful')\n"
        "display({'image/png': 'iVBORw0KGgo=', 'text/plain': '<Figure>'}, raw=True)",
        outputs=[
            stdout("<object object at 0x7f0000123456>\n0.3\n"),
            new_output(
                "stream",
                name="stderr",
                text="/tmp/ipykernel_1/99.py:5: UserWarning: careful\n  warnings.warn('careful')\n",
            ),
            new_output("display_data", data={"image/png": "b3RoZXIgYnl0ZXM=", "text/plain": "<Figure>"}),
        ],
    ),
    # 4: an error the saved notebook shows too
    new_code_cell("1 / 0", outputs=[new_output("error", ename="ZeroDivisionError", evalue="division by zero")]),
    # 5: an error the saved notebook does not show
    new_code_cell("undefined_name", outputs=[]),
]


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    folder = tmp_path_factory.mktemp("saved")
    (folder / "numbers.csv").write_text("1\n2\n3\n")
    nb = new_notebook(cells=[new_markdown_cell("# Saved"), *SAVED_CELLS])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "saved.ipynb")
    before = folder_state(folder)
    progress = []
    answer = verify_notebook(folder / "saved.ipynb", on_progress=progress.append)
    return answer, before, folder_state(folder), progress


def test_each_cell_is_judged_against_its_saved_outputs(saved):
    answer = saved[0]
    statuses = [(c["index"], c["status"]) for c in answer["cells"]]
    assert statuses == [(1, "same"), (2, "changed"), (3, "non-deterministic"), (4, "same"), (5, "same"), (6, "error")]
    assert answer["verdict"] == "failed"
    assert answer["first_difference"] == 2
    assert answer["totals"] == {"same": 3, "changed": 1, "non-deterministic": 1, "error": 1, "skipped": 0}
    assert answer["cells"][0]["diff"] is None


def test_a_changed_cell_has_a_unified_diff_from_saved_to_fresh(saved):
    changed = saved[0]["cells"][1]
    assert changed["diff"] == "--- saved\n+++ fresh run\n@@ -1,2 +1,2 @@\n [text/plain]\n-8\n+7"
    assert "NameError" in saved[0]["cells"][5]["diff"]


def test_the_notebook_folder_is_byte_identical_after_a_run_that_writes(saved):
    _, before, after, _ = saved
    assert after == before
    assert set(before) == {"numbers.csv", "saved.ipynb"}


def test_progress_counts_the_cells_of_each_run(saved):
    progress = saved[3]
    runs = [p for p in progress if p["run"] == "notebook"]
    assert [(p["cell"], p["of"]) for p in runs] == [(i, 6) for i in range(7)]
    assert {p["run"] for p in progress} == {"notebook", "repeat"}  # differences: the notebook ran twice


def test_same_when_saved_outputs_match_and_runs_only_once(tmp_path):
    nb = new_notebook(
        cells=[
            new_code_cell("x = 21\nprint(x)", outputs=[stdout("21\n")]),
            new_code_cell("x * 2", outputs=[result("42")]),
        ]
    )
    nbformat.write(nb, tmp_path / "ok.ipynb")
    progress = []
    answer = verify_notebook(tmp_path / "ok.ipynb", on_progress=progress.append)
    assert answer["verdict"] == "same"
    assert answer["first_difference"] is None
    assert [c["status"] for c in answer["cells"]] == ["same", "same"]
    assert {p["run"] for p in progress} == {"notebook"}


def test_a_cell_over_the_timeout_fails_and_the_rest_is_skipped(tmp_path):
    nb = new_notebook(
        cells=[new_code_cell("import time\ntime.sleep(30)"), new_code_cell("print(1)", outputs=[stdout("1\n")])]
    )
    answer = verify(nb, tmp_path, timeout=1)
    assert answer["verdict"] == "failed"
    assert [c["status"] for c in answer["cells"]] == ["error", "skipped"]
    assert answer["cells"][0]["diff"] == "the fresh run stopped here: timed out after 1 s"
    assert answer["seconds"] < 20


def test_cancel_interrupts_the_running_cell_and_skips_the_rest(tmp_path):
    nb = new_notebook(cells=[new_code_cell("import time\ntime.sleep(60)"), new_code_cell("print(1)")])
    cancel = threading.Event()

    def on_progress(progress):
        if progress["cell"] == 0:
            threading.Timer(2.5, cancel.set).start()  # the kernel is up, the cell sleeping

    answer = verify(nb, tmp_path, on_progress=on_progress, cancel=cancel)
    assert answer["cancelled"] is True
    assert answer["verdict"] == "failed"
    assert [c["status"] for c in answer["cells"]] == ["skipped", "skipped"]
    assert answer["seconds"] < 20


# ----- a refactored notebook against the original ---------------------------------------

ORIGINAL = [
    new_markdown_cell("# Demo"),
    new_code_cell("import math\nradius = 2.0\nrate = 0.05"),
    new_code_cell('area = math.pi * radius ** 2\nprint("area", round(area, 3))'),
    new_code_cell("factor = 3\nscaled = radius * factor\nscaled"),
    new_code_cell("lo = min(radius, rate)\nhi = max(radius, rate)"),
    new_code_cell("print(lo, hi)"),
]
EXTRACTIONS = [(2, "disc_area", "src/geo.py"), (3, "scale", "src/scale.py"), (4, "bounds", "src/bounds.py")]
BREAKAGES = {  # module -> (text, broken text): a dropped print, a changed constant, a swapped return
    "src/geo.py": ('    print("area", round(area, 3))\n', "    pass\n"),
    "src/scale.py": ("factor = 3", "factor = 4"),
    "src/bounds.py": ("return lo, hi", "return hi, lo"),
}


def extract_all(folder):
    """The original notebook with each of EXTRACTIONS applied (plan + apply, as the CLI does)."""
    nb = new_notebook(cells=[nbformat.from_dict(c) for c in ORIGINAL])
    for index, name, module in EXTRACTIONS:
        request = {"notebook": nb, "cells": [index], "name": name, "module": module, "mode": "function"}
        plan = plan_extraction({**request, "module_source": read_module(folder, module)})
        assert plan["refused"] is None
        write_module(folder, plan)
        nb = replace_cells(nb, [index], plan["replacement"])
    return nb


@pytest.fixture(scope="module")
def refactors(tmp_path_factory):
    original = new_notebook(cells=[nbformat.from_dict(c) for c in ORIGINAL])
    good, broken = tmp_path_factory.mktemp("good"), tmp_path_factory.mktemp("broken")
    good_nb, broken_nb = extract_all(good), extract_all(broken)
    for module, (text, wrong) in BREAKAGES.items():
        path = broken / module
        assert text in path.read_text()
        path.write_text(path.read_text().replace(text, wrong))
    return original, verify(good_nb, good, original, good), verify(broken_nb, broken, original, good), broken_nb


def test_the_replacement_cell_names_the_cells_it_replaced(refactors):
    original, _, _, refactored = refactors
    assert refactored.cells[2].metadata.nbrefactor == {"replaces": [original.cells[2].id]}


def test_a_faithful_extraction_verifies_same_against_the_original(refactors):
    answer = refactors[1]
    assert answer["verdict"] == "same", answer
    assert answer["totals"]["same"] == 5


def test_broken_refactors_are_caught_as_changed(refactors):
    answer = refactors[2]
    assert answer["verdict"] == "changed"
    changed = {c["index"]: c["diff"] for c in answer["cells"] if c["status"] != "same"}
    assert sorted(changed) == [2, 3, 5]  # dropped print, changed constant, the reader of the swapped return
    assert changed[2] == "--- original\n+++ refactored\n@@ -1,2 +0,0 @@\n-[stdout]\n-area 12.566"
    assert "-6.0\n+8.0" in changed[3]
    assert "-0.05 2.0\n+2.0 0.05" in changed[5]
    assert answer["first_difference"] == 2


def test_a_kernel_that_does_not_start_fails_the_run_and_blames_no_cell(tmp_path, monkeypatch):
    from jupyter_nbrefactor import verify as verify_module

    monkeypatch.setattr(verify_module, "kernel_name", lambda nb: "no-such-kernel")
    answer = verify(new_notebook(cells=[new_code_cell("x = 1"), new_code_cell("print(x)")]), tmp_path)
    assert answer["verdict"] == "failed"
    assert [c["status"] for c in answer["cells"]] == ["skipped", "skipped"]
    assert answer["first_difference"] is None
    assert answer["message"].startswith("notebook run: the kernel did not start: ")
    assert "no-such-kernel" in answer["message"]


def test_cancelled_before_it_starts_runs_no_kernel(tmp_path):
    cancel = threading.Event()
    cancel.set()
    answer = verify(new_notebook(cells=[new_code_cell("print(1)")]), tmp_path, cancel=cancel)
    assert (answer["verdict"], answer["cancelled"], answer["totals"]["skipped"]) == ("failed", True, 1)
    assert answer["seconds"] < 1


def test_jobs_beyond_the_slots_wait_their_turn_and_report_their_state():
    from jupyter_nbrefactor.verify import VerifyJob

    release, calls = threading.Event(), []

    def first(on_progress, cancel):
        calls.append("first")
        on_progress({"run": "notebook", "cell": 1, "of": 3, "seconds": 0.0})
        release.wait(10)
        return {"verdict": "same", "cancelled": False}

    def second(on_progress, cancel):
        calls.append("second")
        return {"verdict": "failed", "cancelled": cancel.is_set()}

    def broken(on_progress, cancel):
        raise RuntimeError("no kernel")

    slots = threading.BoundedSemaphore(1)
    one = VerifyJob(first, slots)
    two = VerifyJob(second, slots)
    two.cancel()
    one.join(0.3)
    assert calls == ["first"]  # the second waits for the slot
    assert (one.to_json()["state"], one.to_json()["progress"]["cell"], two.to_json()["state"]) == (
        "running",
        1,
        "running",
    )
    release.set()
    one.join(10)
    two.join(10)
    assert calls == ["first", "second"]
    assert (one.state, one.result, two.state) == ("done", {"verdict": "same", "cancelled": False}, "cancelled")
    three = VerifyJob(broken)
    three.join(10)
    assert (three.state, three.message, three.result) == ("error", "no kernel", None)
