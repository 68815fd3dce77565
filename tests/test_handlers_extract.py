"""POST /jupyter-nbrefactor/extract/plan and extract/apply."""

import asyncio
import json

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
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


# ----- extract/suggest and extract/restore (undo) ----------------------------------------


async def test_suggest_names_from_the_section_and_avoids_the_module_names(jp_fetch, jp_root_dir):
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Churn"),
            new_markdown_cell("## Load the data"),
            new_code_cell("import pandas as pd\nmodel = 1"),
            new_code_cell("df = pd.read_csv('c.csv')"),
            new_code_cell("df, model"),
        ],
        metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}},
    )
    (jp_root_dir / "work").mkdir()
    body = json.dumps({"notebook": nb, "cells": [1, 3], "path": "work/a.ipynb"})
    code, answer = await post(jp_fetch, "suggest", body)
    assert code == 200
    assert answer == {
        "name": "load_data",
        "module": "src/data.py",
        "language": "python",
        "python": True,
        "code_cells": [3],
    }
    (jp_root_dir / "work" / "src").mkdir()
    (jp_root_dir / "work" / "src" / "data.py").write_text("def load_data():\n    return 1\n")
    code, answer = await post(jp_fetch, "suggest", body)
    assert (answer["name"], answer["module"]) == ("load_data_2", "src/data.py")


async def test_suggest_answers_the_engines_language(jp_fetch):
    nb = new_notebook(cells=[new_code_cell("x <- 1")], metadata={"jupytext": {"main_language": "R"}})
    _, answer = await post(jp_fetch, "suggest", json.dumps({"notebook": nb, "cells": [0], "path": "a.ipynb"}))
    assert (answer["language"], answer["python"]) == ("r", False)


async def test_undo_of_a_created_module_removes_it_and_the_created_package(jp_fetch, jp_root_dir):
    (jp_root_dir / "work").mkdir()
    _, applied = await post(jp_fetch, "apply", request(base_hash=None))
    assert applied["previous_source"] is None
    assert applied["created"] == ["src", "src/__init__.py"]
    assert applied["written_hash"] == source_hash((jp_root_dir / "work" / "src" / "calc.py").read_text())
    undo = {
        "path": "work/analysis.ipynb",
        "module": "src/calc.py",
        "source": applied["previous_source"],
        "expected_hash": applied["written_hash"],
        "created": applied["created"],
    }
    code, answer = await post(jp_fetch, "restore", json.dumps(undo))
    assert code == 200
    assert answer == {"restored": "work/src/calc.py", "removed": ["src/__init__.py", "src"], "kept": []}
    assert [p.name for p in (jp_root_dir / "work").iterdir() if not p.name.startswith(".")] == []
    # the same extraction is accepted again
    _, again = await post(jp_fetch, "apply", request(base_hash=None))
    assert again["written"] == "work/src/calc.py"


async def test_undo_restores_a_merged_module_byte_for_byte(jp_fetch, jp_root_dir):
    (jp_root_dir / "work" / "src").mkdir(parents=True)
    existing = "# helpers\r\nimport math\r\n\r\n\r\ndef old():\r\n    return 1\r\n"
    (jp_root_dir / "work" / "src" / "calc.py").write_bytes(existing.encode())
    (jp_root_dir / "work" / "src" / "__init__.py").write_text("")
    _, applied = await post(jp_fetch, "apply", request(base_hash=source_hash(existing)))
    assert applied["created"] == []
    undo = {
        "path": "work/analysis.ipynb",
        "module": "src/calc.py",
        "source": applied["previous_source"],
        "expected_hash": applied["written_hash"],
        "created": [],
    }
    code, answer = await post(jp_fetch, "restore", json.dumps(undo))
    assert (code, answer["removed"]) == (200, [])
    assert (jp_root_dir / "work" / "src" / "calc.py").read_bytes() == existing.encode()


async def test_undo_keeps_a_module_changed_since_the_extraction(jp_fetch, jp_root_dir):
    (jp_root_dir / "work").mkdir()
    _, applied = await post(jp_fetch, "apply", request(base_hash=None))
    module = jp_root_dir / "work" / "src" / "calc.py"
    module.write_text(module.read_text() + "\n\ndef mine():\n    return 2\n")
    changed = module.read_text()
    undo = {
        "path": "work/analysis.ipynb",
        "module": "src/calc.py",
        "source": None,
        "expected_hash": applied["written_hash"],
        "created": applied["created"],
    }
    with pytest.raises(HTTPClientError) as err:
        await post(jp_fetch, "restore", json.dumps(undo))
    assert err.value.code == 409
    assert json.loads(err.value.response.body)["message"] == (
        "work/src/calc.py changed since the extraction: it was kept as it is"
    )
    assert module.read_text() == changed
    assert (jp_root_dir / "work" / "src" / "__init__.py").exists()


async def test_restore_removes_only_the_modules_own_package_files(jp_fetch, jp_root_dir):
    (jp_root_dir / "work").mkdir()
    _, applied = await post(jp_fetch, "apply", request(base_hash=None))
    undo = {
        "path": "work/analysis.ipynb",
        "module": "src/calc.py",
        "source": None,
        "expected_hash": applied["written_hash"],
        "created": ["analysis.ipynb"],
    }
    with pytest.raises(HTTPClientError) as err:
        await post(jp_fetch, "restore", json.dumps(undo))
    assert err.value.code == 400
    assert (jp_root_dir / "work" / "src" / "calc.py").exists()


@pytest.mark.parametrize("route", ["suggest", "restore"])
async def test_suggest_and_restore_without_token_are_403(jp_fetch, route):
    with pytest.raises(HTTPClientError) as err:
        await post(jp_fetch, route, request(), headers={"Authorization": ""})
    assert err.value.code == 403
