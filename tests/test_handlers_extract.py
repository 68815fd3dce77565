"""POST /jupyter-nbrefactor/extract/plan and extract/apply."""

import asyncio
import json

import pytest
from nbformat.v4 import new_code_cell, new_notebook
from tornado.httpclient import HTTPClientError

from jupyter_nbrefactor.extract import source_hash

NOTEBOOK = new_notebook(
    cells=[
        new_code_cell("import math\nn = 3"),
        new_code_cell("squares = [math.pow(i, 2) for i in range(n)]\ntotal = sum(squares)"),
        new_code_cell("print(total)"),
    ]
)


def request(**extra):
    payload = {
        "notebook": NOTEBOOK,
        "cells": [1],
        "name": "compute",
        "module": "src/calc.py",
        "path": "work/analysis.ipynb",
    }
    payload.update(extra)
    return json.dumps(payload)


async def post(jp_fetch, route, payload, **kw):
    response = await jp_fetch("jupyter-nbrefactor", "extract", route, method="POST", body=payload, **kw)
    return response.code, json.loads(response.body)


async def test_plan_reads_the_module_itself_and_writes_nothing(jp_fetch, jp_root_dir):
    (jp_root_dir / "work" / "src").mkdir(parents=True)
    existing = "import math\n\n\ndef old():\n    return 1\n"
    (jp_root_dir / "work" / "src" / "calc.py").write_text(existing)
    code, plan = await post(jp_fetch, "plan", request(module_source="ignored"))
    assert code == 200
    assert plan["refused"] is None
    assert plan["params"] == ["n"]
    assert plan["returns"] == ["total"]
    assert plan["base_hash"] == source_hash(existing)
    assert plan["module_source"].startswith(existing)
    assert "def compute(n):" in plan["module_source"]
    assert plan["replacement"] == "from src.calc import compute\ntotal = compute(n)"
    assert (jp_root_dir / "work" / "src" / "calc.py").read_text() == existing


async def test_apply_writes_module_and_init_and_answers_kernel_code(jp_fetch, jp_root_dir):
    (jp_root_dir / "work").mkdir()
    code, answer = await post(jp_fetch, "apply", request(base_hash=None))
    assert code == 200
    assert answer["refused"] is None
    assert answer["written"] == "work/src/calc.py"
    assert (jp_root_dir / "work" / "src" / "__init__.py").read_text() == ""
    assert (jp_root_dir / "work" / "src" / "calc.py").read_text() == answer["module_source"]
    assert answer["kernel_code"] == (
        '__import__("importlib").invalidate_caches()\n'
        "if 'src.calc' in __import__(\"sys\").modules:\n"
        '    __import__("importlib").reload(__import__("sys").modules[\'src.calc\'])\n'
    )


async def test_apply_is_409_when_the_module_changed_since_the_plan(jp_fetch, jp_root_dir):
    (jp_root_dir / "work" / "src").mkdir(parents=True)
    (jp_root_dir / "work" / "src" / "calc.py").write_text("X = 1\n")
    with pytest.raises(HTTPClientError) as err:
        await post(jp_fetch, "apply", request(base_hash=source_hash("X = 0\n")))
    assert err.value.code == 409
    assert "changed since the extraction was planned" in json.loads(err.value.response.body)["message"]
    assert (jp_root_dir / "work" / "src" / "calc.py").read_text() == "X = 1\n"


async def test_apply_of_a_refused_plan_writes_nothing(jp_fetch, jp_root_dir):
    (jp_root_dir / "work").mkdir()
    code, answer = await post(jp_fetch, "apply", request(cells=[1], name="math"))
    assert code == 200
    assert answer["refused"].startswith("cell 1 line 1: math already exists in the notebook")
    assert answer["written"] is None and answer["kernel_code"] is None
    assert not (jp_root_dir / "work" / "src").exists()


async def test_concurrent_applies_to_one_module_both_land(jp_fetch, jp_root_dir):
    (jp_root_dir / "work").mkdir()
    first = request(name="compute_a")
    second = request(name="compute_b")
    (c1, _), (c2, _) = await asyncio.gather(post(jp_fetch, "apply", first), post(jp_fetch, "apply", second))
    assert (c1, c2) == (200, 200)
    text = (jp_root_dir / "work" / "src" / "calc.py").read_text()
    assert "def compute_a(n):" in text and "def compute_b(n):" in text
    assert text.count("import math") == 1


async def test_notebook_at_the_server_root(jp_fetch, jp_root_dir):
    _, answer = await post(jp_fetch, "apply", request(path="analysis.ipynb", module="helpers.py"))
    assert answer["written"] == "helpers.py"
    assert (jp_root_dir / "helpers.py").exists()
    assert not (jp_root_dir / "__init__.py").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"module": "../evil.py"}, "must stay inside the notebook's folder"),
        ({"module": "/etc/evil.py"}, "must be relative"),
        ({"module": "src/%2e%2e/x.py"}, "URL escapes"),
        ({"path": "../up.ipynb"}, "must stay inside the server root"),
        ({"path": None}, '"path" must be'),
        ({"cells": []}, '"cells" must be a non-empty list'),
        ({"name": "not an identifier"}, '"name" must be a Python identifier'),
    ],
)
@pytest.mark.parametrize("route", ["plan", "apply"])
async def test_bad_requests_are_400(jp_fetch, route, change, message):
    with pytest.raises(HTTPClientError) as err:
        await post(jp_fetch, route, request(**change))
    assert err.value.code == 400
    assert message in json.loads(err.value.response.body)["message"]


@pytest.mark.parametrize("route", ["plan", "apply"])
async def test_extract_routes_without_token_are_403(jp_fetch, jp_root_dir, route):
    with pytest.raises(HTTPClientError) as err:
        await post(jp_fetch, route, request(), headers={"Authorization": ""})
    assert err.value.code == 403
    assert not (jp_root_dir / "src").exists()
