"""POST /jupyter-nbrefactor/config/plan and config/apply."""

import json

import pytest
from nbformat.v4 import new_code_cell, new_notebook
from tornado.httpclient import HTTPClientError

from jupyter_nbrefactor.config import HELPER_SOURCE
from jupyter_nbrefactor.extract import source_hash

NOTEBOOK = new_notebook(
    cells=[
        new_code_cell("from sklearn.ensemble import RandomForestClassifier\nSEED = 42"),
        new_code_cell("model = RandomForestClassifier(n_estimators=100, random_state=SEED)"),
    ],
    metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}},
)


def body(**extra):
    return json.dumps({"notebook": NOTEBOOK, "path": "work/analysis.ipynb", **extra})


async def post(jp_fetch, route, payload, **kw):
    response = await jp_fetch("jupyter-nbrefactor", "config", route, method="POST", body=payload, **kw)
    return response.code, json.loads(response.body)


async def error(jp_fetch, route, payload, **kw):
    with pytest.raises(HTTPClientError) as err:
        await post(jp_fetch, route, payload, **kw)
    return err.value.code, json.loads(err.value.response.body)


async def test_plan_reads_the_config_and_helper_itself_and_writes_nothing(jp_fetch, jp_root_dir):
    (jp_root_dir / "work").mkdir()
    existing = "# mine\nmodel:\n  random_state: 42  # fixed\n"
    (jp_root_dir / "work" / "config.yaml").write_text(existing)
    code, plan = await post(jp_fetch, "plan", body(config_source="ignored"))
    assert code == 200
    assert plan["refused"] is None
    assert [c["key"] for c in plan["candidates"]] == ["model.random_state", "model.n_estimators"]
    assert plan["base_hash"] == source_hash(existing)
    assert plan["config_source"] == existing + "  n_estimators: 100\n"
    assert plan["notes"] == ["model.random_state is already in config.yaml with this value: reused"]
    assert sorted(p.name for p in (jp_root_dir / "work").iterdir()) == ["config.yaml"]


async def test_apply_writes_config_and_helper_and_answers_the_kernel_code(jp_fetch, jp_root_dir):
    (jp_root_dir / "work").mkdir()
    code, answer = await post(jp_fetch, "apply", body(select=["model.n_estimators"], base_hash=None))
    assert code == 200
    assert answer["written"] == ["work/src/config.py", "work/config.yaml"]
    assert (jp_root_dir / "work" / "config.yaml").read_text() == "model:\n  n_estimators: 100\n"
    assert (jp_root_dir / "work" / "src" / "config.py").read_text() == HELPER_SOURCE
    assert (jp_root_dir / "work" / "src" / "__init__.py").read_text() == ""
    assert answer["kernel_code"].endswith('config = load_config("config.yaml")\n')
    assert answer["cells"] == [
        {
            "index": 1,
            "id": NOTEBOOK.cells[1].id,
            "source": 'model = RandomForestClassifier(n_estimators=config["model"]["n_estimators"], random_state=SEED)',
        }
    ]


async def test_apply_keeps_an_existing_helper(jp_fetch, jp_root_dir):
    (jp_root_dir / "work" / "src").mkdir(parents=True)
    mine = "def load_config(path):\n    return {}  # my own\n"
    (jp_root_dir / "work" / "src" / "config.py").write_text(mine)
    _, answer = await post(jp_fetch, "apply", body())
    assert answer["written"] == ["work/config.yaml"]
    assert (jp_root_dir / "work" / "src" / "config.py").read_text() == mine


async def test_apply_after_the_config_changed_is_a_409_and_writes_nothing(jp_fetch, jp_root_dir):
    (jp_root_dir / "work").mkdir()
    (jp_root_dir / "work" / "config.yaml").write_text("seed: 7\n")
    code, answer = await error(jp_fetch, "apply", body(base_hash=None))
    assert code == 409
    assert answer["message"] == "work/config.yaml changed since the parameters were planned: plan again"
    assert (jp_root_dir / "work" / "config.yaml").read_text() == "seed: 7\n"
    assert not (jp_root_dir / "work" / "src").exists()


async def test_a_refused_apply_writes_nothing(jp_fetch, jp_root_dir):
    (jp_root_dir / "work").mkdir()
    (jp_root_dir / "work" / "config.yaml").write_text("model:\n  random_state: 7\n")
    renamed = {"model.random_state_2": "model.random_state"}
    code, answer = await post(jp_fetch, "apply", body(select=["model.random_state_2"], keys=renamed))
    assert code == 200
    assert answer["refused"].startswith("key model.random_state is 7 in config.yaml, the notebook has 42")
    assert answer["written"] is None and answer["kernel_code"] is None
    assert (jp_root_dir / "work" / "config.yaml").read_text() == "model:\n  random_state: 7\n"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"config_path": "../config.yaml"}, "\"config_path\" '../config.yaml' must stay inside the notebook's folder"),
        ({"config_path": "params.toml"}, "\"config_path\" 'params.toml' must end in .yaml or .yml"),
        ({"select": "seed"}, '"select" must be a list of strings or null'),
        (
            {"select": ["nope"]},
            "no parameter 'nope' in this notebook (candidates: model.random_state, model.n_estimators)",
        ),
    ],
)
async def test_bad_requests_are_400_with_the_reason(jp_fetch, jp_root_dir, extra, message):
    (jp_root_dir / "work").mkdir()
    code, answer = await error(jp_fetch, "plan", body(**extra))
    assert (code, answer["message"]) == (400, message)


@pytest.mark.parametrize("route", ["plan", "apply"])
async def test_forbidden_without_a_token(jp_fetch, jp_root_dir, route):
    (jp_root_dir / "work").mkdir()
    code, _ = await error(jp_fetch, route, body(), headers={"Authorization": ""})
    assert code == 403
    assert sorted(p.name for p in (jp_root_dir / "work").iterdir()) == []
