"""The verify job API: POST starts a fresh-kernel run on a thread, GET follows it, DELETE cancels."""

import asyncio
import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output
from server_auth import RecordingAuthorizer, login_cookie, recording_server_config
from tornado.httpclient import HTTPClientError


@pytest.fixture
def jp_server_config(jp_server_config):
    return recording_server_config(jp_server_config)


@pytest.fixture(autouse=True)
def authorizer():
    return RecordingAuthorizer.reset()


async def fetch(jp_fetch, method="GET", body=None, **params):
    response = await jp_fetch(
        "jupyter-nbrefactor", "verify", method=method, params=params, body=None if body is None else json.dumps(body)
    )
    return response.code, json.loads(response.body)


async def error(jp_fetch, method="GET", body=None, **params):
    with pytest.raises(HTTPClientError) as err:
        await fetch(jp_fetch, method, body, **params)
    return err.value.code, json.loads(err.value.response.body)["message"]


async def until_finished(jp_fetch, job, seconds=60):
    for _ in range(int(seconds / 0.2)):
        code, state = await fetch(jp_fetch, job=job)
        assert code == 200
        if state["state"] != "running":
            return state
        await asyncio.sleep(0.2)
    raise AssertionError(f"job {job} still running after {seconds} s")


def write(path, *cells):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(new_notebook(cells=list(cells)), path)


async def test_post_starts_a_job_that_ends_with_verify_s_answer(jp_fetch, jp_root_dir):
    write(jp_root_dir / "work" / "nb.ipynb", new_code_cell("print(6 * 7)", outputs=[new_output("stream", text="42\n")]))
    (jp_root_dir / "work" / "extra.txt").write_text("kept")
    before = sorted(p.name for p in (jp_root_dir / "work").iterdir())

    code, answer = await fetch(jp_fetch, "POST", {"path": "work/nb.ipynb", "timeout": 60})
    assert code == 202
    state = await until_finished(jp_fetch, answer["job"])

    assert state["state"] == "done"
    assert state["job"] == answer["job"]
    assert state["progress"]["cell"] == state["progress"]["of"] == 1, state["result"]
    assert state["result"]["verdict"] == "same"
    assert state["result"]["cells"][0]["status"] == "same"
    assert sorted(p.name for p in (jp_root_dir / "work").iterdir()) == before


async def test_delete_cancels_a_running_job(jp_fetch, jp_root_dir):
    write(jp_root_dir / "slow.ipynb", new_code_cell("import time\ntime.sleep(60)"), new_code_cell("print(1)"))
    write(jp_root_dir / "original.ipynb", new_code_cell("print(1)"))
    _, answer = await fetch(jp_fetch, "POST", {"path": "slow.ipynb", "against": "original.ipynb"})
    job = answer["job"]
    for _ in range(100):  # until the kernel is up and the first cell runs
        _, state = await fetch(jp_fetch, job=job)
        if state["progress"]["of"]:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)

    code, state = await fetch(jp_fetch, "DELETE", job=job)
    assert code == 200
    state = await until_finished(jp_fetch, job, seconds=20)

    assert state["state"] == "cancelled"
    assert state["result"]["verdict"] == "failed"
    assert [c["status"] for c in state["result"]["cells"]] == ["skipped", "skipped"]


@pytest.mark.parametrize(
    "body, status, message",
    [
        ({"path": "missing.ipynb"}, 404, "no notebook at missing.ipynb"),
        ({"path": "notes.txt"}, 400, "notes.txt is not a notebook (.ipynb)"),
        ({}, 400, '"path" must be a notebook path relative to the server root'),
        ({"path": "ok.ipynb", "against": "gone.ipynb"}, 404, "no notebook at gone.ipynb"),
        ({"path": "ok.ipynb", "timeout": 0}, 400, '"timeout" must be a positive number of seconds'),
        ({"path": "ok.ipynb", "timeout": True}, 400, '"timeout" must be a positive number of seconds'),
        ({"path": "broken.ipynb"}, 400, "broken.ipynb: not a notebook: invalid JSON"),
        ({"path": "../outside.ipynb"}, 404, "../outside.ipynb is outside root"),
    ],
)
async def test_post_refuses_bad_requests_before_starting_anything(jp_fetch, jp_root_dir, body, status, message):
    write(jp_root_dir / "ok.ipynb", new_code_cell("1"))
    (jp_root_dir / "broken.ipynb").write_text("{")
    (jp_root_dir / "notes.txt").write_text("")
    code, text = await error(jp_fetch, "POST", body)
    assert (code, text[: len(message)]) == (status, message)


def original_and_extracted(folder, replacement):
    """The notebook before an extraction (returned as JSON, never saved) and after it (saved
    as ``folder/nb.ipynb``): two cells replaced by one that names them, as the extraction does."""
    original = new_notebook(cells=[new_code_cell("a = 6", id="set-a"), new_code_cell("print(a * 7)", id="show")])
    cell = new_code_cell(replacement, id="new", metadata={"nbrefactor": {"replaces": ["set-a", "show"]}})
    write(folder / "nb.ipynb", cell)  # saved without outputs: only the original's fresh run can say
    return json.loads(nbformat.writes(original))


@pytest.mark.parametrize("replacement, verdict", [("a = 6\nprint(a * 7)", "same"), ("a = 6\nprint(a * 8)", "changed")])
async def test_against_notebook_runs_the_original_fresh_and_pairs_the_replacement(
    jp_fetch, jp_root_dir, replacement, verdict
):
    original = original_and_extracted(jp_root_dir / "work", replacement)
    before = sorted(p.name for p in (jp_root_dir / "work").iterdir())

    code, answer = await fetch(jp_fetch, "POST", {"path": "work/nb.ipynb", "against_notebook": original})
    assert code == 202
    state = await until_finished(jp_fetch, answer["job"])

    assert state["state"] == "done", state
    assert state["result"]["verdict"] == verdict, state["result"]
    assert [(c["id"], c["status"]) for c in state["result"]["cells"]] == [("new", verdict)]
    if verdict == "changed":
        assert "-42" in state["result"]["cells"][0]["diff"] and "+48" in state["result"]["cells"][0]["diff"]
    assert sorted(p.name for p in (jp_root_dir / "work").iterdir()) == before  # the original was never written


@pytest.mark.parametrize(
    "against_notebook, message",
    [
        ("nb.ipynb", '"against_notebook" must be a notebook (a JSON object)'),
        ({"cells": []}, '"against_notebook" is not a notebook of format 4 (its "nbformat" is None)'),
        (
            {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code"}]},
            '"against_notebook" is not a valid notebook: ',
        ),
    ],
)
async def test_against_notebook_must_be_a_valid_notebook(jp_fetch, jp_root_dir, against_notebook, message):
    write(jp_root_dir / "nb.ipynb", new_code_cell("1"))
    code, text = await error(jp_fetch, "POST", {"path": "nb.ipynb", "against_notebook": against_notebook})
    assert (code, text[: len(message)]) == (400, message)
    assert not list(jp_root_dir.glob("*.json"))


async def test_against_and_against_notebook_together_are_refused(jp_fetch, jp_root_dir):
    write(jp_root_dir / "nb.ipynb", new_code_cell("1"))
    body = {"path": "nb.ipynb", "against": "nb.ipynb", "against_notebook": json.loads(nbformat.writes(new_notebook()))}
    assert await error(jp_fetch, "POST", body) == (
        400,
        'give "against" (a path) or "against_notebook" (a notebook), not both',
    )


@pytest.mark.parametrize("method", ["GET", "DELETE"])
async def test_an_unknown_job_is_404_and_a_missing_one_400(jp_fetch, method):
    assert await error(jp_fetch, method, job="nope") == (404, "no verify job 'nope'")
    assert await error(jp_fetch, method) == (400, "no verify job ''")


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
async def test_every_verb_is_forbidden_without_a_token(jp_fetch, method):
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch(
            "jupyter-nbrefactor",
            "verify",
            method=method,
            params={"job": "x"} if method != "POST" else {},
            body=json.dumps({"path": "x.ipynb"}) if method == "POST" else None,
            headers={"Authorization": ""},
        )
    assert err.value.code == 403


async def test_each_verb_asks_for_kernels_since_verify_runs_code(jp_fetch, jp_root_dir, authorizer):
    write(jp_root_dir / "nb.ipynb", new_code_cell("x = 1"))
    _, answer = await fetch(jp_fetch, "POST", {"path": "nb.ipynb"})
    await fetch(jp_fetch, job=answer["job"])
    await until_finished(jp_fetch, answer["job"])
    await fetch(jp_fetch, "DELETE", job=answer["job"])
    assert set(authorizer.asked) == {
        ("verify", "POST", "execute", "kernels"),
        ("verify", "GET", "read", "kernels"),
        ("verify", "DELETE", "execute", "kernels"),
    }


async def test_a_user_who_may_not_execute_code_cannot_start_or_cancel_a_run(jp_fetch, jp_root_dir, authorizer):
    write(jp_root_dir / "nb.ipynb", new_code_cell("open('ran.txt', 'w')"))
    authorizer.denied = {("execute", "kernels")}
    assert (await error(jp_fetch, "POST", {"path": "nb.ipynb"}))[0] == 403
    assert (await error(jp_fetch, "DELETE", job="any"))[0] == 403
    assert jp_root_dir.joinpath("ran.txt").exists() is False


async def test_post_with_the_login_cookie_needs_the_xsrf_token(jp_fetch, jp_root_dir):
    write(jp_root_dir / "nb.ipynb", new_code_cell("x = 1"))
    cookie = await login_cookie(jp_fetch)
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch(
            "jupyter-nbrefactor",
            "verify",
            method="POST",
            body=json.dumps({"path": "nb.ipynb"}),
            headers={"Authorization": "", "Cookie": cookie},
        )
    assert err.value.code == 403
