"""Behaviour: a refactored notebook, run top to bottom in a fresh kernel, shows the same
text outputs, and the same number of images in the same places, as the original.

Every accepted case of extract_cases.py runs both ways (two kernels at once). When
examples/big_messy_notebook.ipynb exists, every contiguous run of 1-3 of its code
cells must either be refused with a reason or keep all of the notebook's text outputs.
"""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from extract_cases import CASES
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from jupyter_nbrefactor import plan_extraction
from jupyter_nbrefactor.apply import replace_cells, write_module

EXAMPLE = Path(__file__).parent.parent / "examples" / "big_messy_notebook.ipynb"
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def text_outputs(nb) -> list[str]:
    """The notebook's text outputs in order; stream pieces joined (merging cells
    moves where one stream output ends), object addresses blanked; an image is
    ``<image/png>`` (the number and order of figures count, not their pixels)."""
    out: list[str] = []
    stream = False
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            kind = output["output_type"]
            if kind == "stream":
                text = f"[{output['name']}] {output['text']}"
                if stream:
                    out[-1] += output["text"]
                else:
                    out.append(text)
                stream = True
                continue
            stream = False
            if kind in ("execute_result", "display_data"):
                images = [f"<{mime}>" for mime in output["data"] if mime.startswith("image/")]
                out.append(" ".join(images) or output["data"].get("text/plain", ""))
            elif kind == "error":
                out.append(f"{output['ename']}: {output['evalue']}")
    return [_ADDRESS.sub(" at 0x?", text) for text in out]


async def execute(nb, folder: Path) -> list[str]:
    client = NotebookClient(
        nb, kernel_name="python3", timeout=120, allow_errors=True, resources={"metadata": {"path": str(folder)}}
    )
    await client.async_execute()
    return text_outputs(nb)


def refactor(nb, cells: list[int], folder: Path, **request) -> tuple[dict, object]:
    """Plan on ``nb`` and, when accepted, write the module under ``folder``."""
    plan = plan_extraction({"notebook": nb, "cells": cells, "path": "nb.ipynb", **request})
    if plan["refused"] is None:
        write_module(folder, plan)
        return plan, replace_cells(nb, cells, plan["replacement"])
    return plan, None


ACCEPTED = [c for c in CASES if c.refused is None]


@pytest.mark.parametrize("case", ACCEPTED, ids=[c.id for c in ACCEPTED])
async def test_refactored_notebook_prints_the_same(case, tmp_path):
    original_dir, refactored_dir = tmp_path / "original", tmp_path / "refactored"
    original_dir.mkdir()
    refactored_dir.mkdir()
    request = {k: v for k, v in case.request().items() if k not in ("notebook", "cells", "path")}
    request.pop("module_source", None)
    plan, new_nb = refactor(case.notebook(), case.selected, refactored_dir, **request)
    assert plan["refused"] is None
    before, after = await asyncio.gather(execute(case.notebook(), original_dir), execute(new_nb, refactored_dir))
    assert before, "the case should print something"
    assert not any(text.startswith(("NameError", "UnboundLocalError")) for text in before)
    assert after == before


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """The example notebook, a folder with its data, and its outputs (run once)."""
    if not EXAMPLE.exists():
        pytest.skip("examples/big_messy_notebook.ipynb is not there yet")
    folder = tmp_path_factory.mktemp("example")
    for data in EXAMPLE.parent.iterdir():
        if data.name != EXAMPLE.name and not data.name.startswith("."):
            (shutil.copytree if data.is_dir() else shutil.copy)(data, folder / data.name)
    nb = nbformat.read(EXAMPLE, as_version=4)
    run = nbformat.from_dict(nb)
    NotebookClient(run, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(folder)}}).execute()
    return nb, folder, text_outputs(run)


async def _example_outputs(example, cells, plan, folder):
    nb, source, _ = example
    shutil.copytree(source, folder)
    write_module(folder, plan)
    return await execute(replace_cells(nb, cells, plan["replacement"]), folder)


@pytest.mark.parametrize(
    ("positions", "mode"),
    [
        ([15, 16], "function"),  # the copy-pasted outlier clipping
        ([47, 48], "function"),  # two displayed values
        ([2, 3, 4], "function"),  # a magic, the imports, the settings
        ([29], "module"),  # column lists, as they are
    ],
)
async def test_example_extraction_keeps_outputs(example, tmp_path, positions, mode):
    nb, _, original = example
    cells = [p - 1 for p in positions]
    plan = plan_extraction({"notebook": nb, "cells": cells, "name": "step", "module": "src/steps.py", "mode": mode})
    assert plan["refused"] is None
    assert await _example_outputs(example, cells, plan, tmp_path / "run") == original


@pytest.mark.slow  # about 9 minutes on 2 cores: ~120 extractions, one full run each
async def test_every_small_extraction_of_the_example_refuses_or_keeps_outputs(example, tmp_path):
    """Sweep: every contiguous run of 1-3 code cells (markdown between them allowed),
    as a function and as a module."""
    nb, _, original = example
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    runs = [
        [i for i in range(code[k], code[k + n - 1] + 1) if nb.cells[i].cell_type == "code"]
        for n in (1, 2, 3)
        for k in range(len(code) - n + 1)
    ]
    jobs = []
    for number, cells in enumerate(runs):
        for mode in ("function", "module"):
            plan = plan_extraction(
                {
                    "notebook": nb,
                    "cells": cells,
                    "name": f"extracted_{number}",
                    "module": f"src/sweep_{number}.py",
                    "mode": mode,
                }
            )
            if plan["refused"] is None:
                jobs.append((cells, plan))
            else:
                assert plan["refused"].startswith("cell "), plan["refused"]
    failures = []
    limit = asyncio.Semaphore(2)

    async def check(number, cells, plan):
        async with limit:
            outputs = await _example_outputs(example, cells, plan, tmp_path / f"run_{number}")
        if outputs != original:
            failures.append((cells, plan["module_source"], plan["replacement"]))

    await asyncio.gather(*(check(number, cells, plan) for number, (cells, plan) in enumerate(jobs)))
    assert not failures, f"{len(failures)} of {len(jobs)} extractions changed the outputs: {failures[:3]}"


async def test_second_extraction_into_the_same_module_uses_the_first(tmp_path):
    """The second selection calls what the first extraction moved: the module must not
    import itself, and the notebook must still print the same."""
    cells = ["def add(v):\n    return v + 10", "total = add(1)\nprint(total)", "print(total * 2)"]
    original = new_notebook(cells=[new_code_cell(c) for c in cells])
    folder = tmp_path / "refactored"
    folder.mkdir()
    plan1, step1 = refactor(original, [0], folder, module="src/m.py", mode="module")
    assert plan1["refused"] is None and step1.cells[0].source == "from src.m import add"
    plan2 = plan_extraction(
        {
            "notebook": step1,
            "cells": [1],
            "name": "first_total",
            "module": "src/m.py",
            "module_source": plan1["module_source"],
        }
    )
    assert plan2["refused"] is None, plan2["refused"]
    assert "import" not in plan2["module_source"]
    write_module(folder, plan2)
    step2 = replace_cells(step1, [1], plan2["replacement"])
    (tmp_path / "original").mkdir()
    before, after = await asyncio.gather(execute(original, tmp_path / "original"), execute(step2, folder))
    assert after == before == ["[stdout] 11\n22\n"]
