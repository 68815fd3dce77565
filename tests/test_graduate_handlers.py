"""POST /jupyter-nbrefactor/graduate/plan and graduate/apply, and undoing an apply with
extract/restore."""

import json

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from tornado.httpclient import HTTPClientError

NOTEBOOK = new_notebook(
    cells=[
        new_markdown_cell("# Prices"),
        new_code_cell("SCALE = 3"),
        new_markdown_cell("## Load data"),
        new_code_cell("values = [1, 2, 3, 4]\nprint(len(values))"),
        new_markdown_cell("## Fit model"),
        new_code_cell("total = sum(v * SCALE for v in values)\nprint('total:', total)"),
    ]
)


async def post(jp_fetch, route, payload, **kw):
    response = await jp_fetch("jupyter-nbrefactor", *route.split("/"), method="POST", body=json.dumps(payload), **kw)
    return response.code, json.loads(response.body)


def files(root):
    return sorted(
        str(p.relative_to(root)) for p in root.rglob("*") if not {"__pycache__", ".ipynb_checkpoints"} & set(p.parts)
    )


async def test_plan_answers_the_files_and_writes_nothing(jp_fetch, jp_root_dir):
    (jp_root_dir / "work").mkdir()
    code, plan = await post(jp_fetch, "graduate/plan", {"notebook": NOTEBOOK, "path": "work/prices.ipynb"})
    assert code == 200 and plan["refused"] is None
    assert [f["path"] for f in plan["files"]] == ["src/data.py", "src/model.py", "scripts/train.py", "src/__init__.py"]
    assert plan["report"]["before"][0]["path"] == "prices.ipynb"
    assert files(jp_root_dir) == ["work"]


async def test_apply_writes_and_the_undo_steps_take_it_back(jp_fetch, jp_root_dir):
    (jp_root_dir / "work").mkdir()
    code, plan = await post(jp_fetch, "graduate/plan", {"notebook": NOTEBOOK, "path": "work/prices.ipynb"})
    hashes = {f["path"]: f["base_hash"] for f in plan["files"]}
    body = {"notebook": NOTEBOOK, "path": "work/prices.ipynb", "base_hashes": hashes}
    code, answer = await post(jp_fetch, "graduate/apply", body)
    assert code == 200
    assert answer["written"] == [
        "work/src/data.py",
        "work/src/model.py",
        "work/scripts/train.py",
        "work/src/__init__.py",
    ]
    assert (jp_root_dir / "work" / "scripts" / "train.py").read_text() == plan["files"][2]["source"]
    created = {s["module"]: s["created"] for s in answer["undo"] if s["created"]}
    assert created == {"src/model.py": ["src/__init__.py", "src"], "scripts/train.py": ["scripts"]}
    assert [s["module"] for s in answer["undo"]][:1] == ["src/data.py"]  # folders go last
    for step in answer["undo"]:
        code, _ = await post(jp_fetch, "extract/restore", {"path": "work/prices.ipynb", **step})
        assert code == 200
    assert files(jp_root_dir) == ["work"]


async def test_apply_is_409_when_a_file_changed_since_the_plan(jp_fetch, jp_root_dir):
    (jp_root_dir / "work").mkdir()
    _, plan = await post(jp_fetch, "graduate/plan", {"notebook": NOTEBOOK, "path": "work/prices.ipynb"})
    (jp_root_dir / "work" / "src").mkdir()
    (jp_root_dir / "work" / "src" / "data.py").write_text("X = 1\n")
    hashes = {f["path"]: f["base_hash"] for f in plan["files"]}
    with pytest.raises(HTTPClientError) as err:
        await post(
            jp_fetch, "graduate/apply", {"notebook": NOTEBOOK, "path": "work/prices.ipynb", "base_hashes": hashes}
        )
    assert err.value.code == 409
    assert json.loads(err.value.response.body)["message"] == (
        "src/data.py changed since the graduation was planned: plan again"
    )
    assert files(jp_root_dir) == ["work", "work/src", "work/src/data.py"]


async def test_existing_script_is_a_refusal_not_a_write(jp_fetch, jp_root_dir):
    (jp_root_dir / "work" / "scripts").mkdir(parents=True)
    (jp_root_dir / "work" / "scripts" / "train.py").write_text("print('mine')\n")
    code, answer = await post(jp_fetch, "graduate/apply", {"notebook": NOTEBOOK, "path": "work/prices.ipynb"})
    assert code == 200 and answer["written"] is None
    assert answer["refused"] == "scripts/train.py already exists: choose another --script (or ask to overwrite)"
    assert (jp_root_dir / "work" / "scripts" / "train.py").read_text() == "print('mine')\n"


async def test_bad_notebook_is_400(jp_fetch, jp_root_dir):
    with pytest.raises(HTTPClientError) as err:
        await post(jp_fetch, "graduate/plan", {"notebook": [], "path": "prices.ipynb"})
    assert err.value.code == 400


@pytest.mark.parametrize("route", ["graduate/plan", "graduate/apply"])
async def test_forbidden_without_a_token(jp_fetch, jp_root_dir, route):
    with pytest.raises(HTTPClientError) as err:
        await post(jp_fetch, route, {"notebook": NOTEBOOK, "path": "prices.ipynb"}, headers={"Authorization": ""})
    assert err.value.code == 403
    assert files(jp_root_dir) == []
