"""GET /jupyter-nbrefactor/lint and /jupyter-nbrefactor/report."""

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from tornado.httpclient import HTTPClientError


def save(root, rel, *sources):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i}"
    nbformat.write(nb, path)


async def get(jp_fetch, route, path, **kw):
    response = await jp_fetch("jupyter-nbrefactor", route, params={"path": path}, **kw)
    return response.code, json.loads(response.body)


async def test_lint_answers_the_findings_of_a_saved_notebook(jp_fetch, jp_root_dir):
    save(jp_root_dir, "work/a.ipynb", "print(total)", "total = 1")
    code, answer = await get(jp_fetch, "lint", "work/a.ipynb")
    assert code == 200
    assert answer == {
        "path": "work/a.ipynb",
        "findings": [
            {
                "path": "work/a.ipynb",
                "cell_index": 0,
                "cell_id": "c0",
                "line": 1,
                "rule": "NR105",
                "severity": "error",
                "message": "total is used here but defined only further down, in cell 2",
            }
        ],
    }


async def test_lint_uses_the_pyproject_inside_the_server_root(jp_fetch, jp_root_dir):
    (jp_root_dir / "pyproject.toml").write_text('[tool.jupyter-nbrefactor]\nignore = ["NR105"]\n')
    save(jp_root_dir, "work/a.ipynb", "print(total)", "total = 1")
    code, answer = await get(jp_fetch, "lint", "/work/a.ipynb")
    assert (code, answer["findings"]) == (200, [])


async def test_lint_of_an_unreadable_notebook_is_an_nr000_finding(jp_fetch, jp_root_dir):
    (jp_root_dir / "bad.ipynb").write_text('{"cells": []}')
    code, answer = await get(jp_fetch, "lint", "bad.ipynb")
    assert code == 200
    assert [(f["rule"], f["message"]) for f in answer["findings"]] == [("NR000", "not a notebook: no nbformat version")]


@pytest.mark.parametrize(
    "route, path, status, message",
    [
        ("lint", "missing.ipynb", 404, "no notebook at missing.ipynb"),
        ("lint", "notes.txt", 400, "notes.txt is not a notebook (.ipynb)"),
        ("lint", "", 400, 'the "path" query argument must name a notebook relative to the server root'),
        ("report", "work", 400, "work is not a notebook (.ipynb)"),
        (
            "report",
            "bad.ipynb",
            400,
            "bad.ipynb: not a notebook: invalid JSON (Expecting value: line 1 column 1 (char 0))",
        ),
    ],
)
async def test_bad_paths_answer_json_messages(jp_fetch, jp_root_dir, route, path, status, message):
    (jp_root_dir / "notes.txt").write_text("hi")
    (jp_root_dir / "work").mkdir()
    (jp_root_dir / "bad.ipynb").write_text("")
    with pytest.raises(HTTPClientError) as err:
        await get(jp_fetch, route, path)
    assert err.value.code == status
    assert json.loads(err.value.response.body) == {"message": message}


async def test_a_path_outside_the_root_is_refused(jp_fetch, jp_root_dir):
    with pytest.raises(HTTPClientError) as err:
        await get(jp_fetch, "lint", "../outside.ipynb")
    assert err.value.code in (400, 404)
    assert "message" in json.loads(err.value.response.body)


async def test_report_answers_the_health_report(jp_fetch, jp_root_dir):
    save(jp_root_dir, "r.ipynb", "import math", "r = 2\narea = math.pi * r * r\nprint(area)\nprint(r)")
    code, report = await get(jp_fetch, "report", "r.ipynb")
    assert code == 200
    assert report["path"] == "r.ipynb"
    assert (report["lines_of_code"], report["code_cells"], report["module_level_names"]) == (5, 2, 2)
    assert report["verdict"]["level"] == "healthy"
    assert [(c["cells"], c["name"], c["params"], c["returns"]) for c in report["extraction_candidates"]] == [
        ([0, 1], "compute_area", [], [])
    ]


@pytest.mark.parametrize("route", ["lint", "report"])
async def test_routes_need_a_token(jp_fetch, jp_root_dir, route):
    save(jp_root_dir, "a.ipynb", "x = 1")
    with pytest.raises(HTTPClientError) as err:
        await get(jp_fetch, route, "a.ipynb", headers={"Authorization": ""})
    assert err.value.code == 403


async def test_the_server_answers_while_a_big_report_is_computed(jp_fetch, jp_root_dir, monkeypatch):
    """The report runs on the engine's thread: GET version answers within 100 ms meanwhile
    (the median of five, since the engine's thread takes the GIL every few milliseconds
    and the machine may be busy; a report on the event loop would hold every one for
    seconds)."""
    import asyncio
    import statistics
    import threading
    import time

    from jupyter_nbrefactor import report

    started = threading.Event()
    real = report.health_report

    def health_report(*args, **kwargs):
        started.set()
        return real(*args, **kwargs)

    monkeypatch.setattr(report, "health_report", health_report)
    sources = [f"v{i} = v{i - 1} + 1\nw{i} = [v{i}] * 3\nprint(w{i})" for i in range(1, 4000)]
    save(jp_root_dir, "big.ipynb", "v0 = 0", *sources)
    pending = asyncio.ensure_future(get(jp_fetch, "report", "big.ipynb"))
    deadline = time.monotonic() + 60
    while not started.is_set():
        assert time.monotonic() < deadline and not pending.done()
        await asyncio.sleep(0.005)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        response = await jp_fetch("jupyter-nbrefactor", "version")
        times.append(time.perf_counter() - t0)
        assert response.code == 200
    assert not pending.done(), "the report finished before the version requests: nothing was measured"
    assert statistics.median(times) < 0.1, times
    code, answer = await pending
    assert (code, answer["code_cells"]) == (200, 4000)
