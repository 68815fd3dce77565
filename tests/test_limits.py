"""The routes under load and abuse: body size, huge notebooks and cells, deep nesting,
malformed requests, and kernels that are not Python."""

import asyncio
import json
import time

import pytest
from nbformat.v4 import new_code_cell, new_notebook
from tornado.httpclient import HTTPClientError


@pytest.fixture
def jp_server_config(jp_server_config, request):
    """The project's server config plus ``NbRefactorApp`` settings given by indirect
    parametrisation, the way a user's ``jupyter_server_config.py`` would give them."""
    return {**jp_server_config, "NbRefactorApp": getattr(request, "param", {})}


async def call(jp_fetch, route, body, method="POST", **kw):
    """(status, answer as JSON) of one request, errors included."""
    payload = body if isinstance(body, (str, bytes)) else json.dumps(body)
    try:
        response = await jp_fetch("jupyter-nbrefactor", route, method=method, body=payload, **kw)
    except HTTPClientError as err:
        response = err.response
    return response.code, json.loads(response.body)


def extract_body(**change) -> dict:
    notebook = new_notebook(
        cells=[new_code_cell("n = 3"), new_code_cell("total = n * 2"), new_code_cell("print(total)")]
    )
    body = {
        "notebook": notebook,
        "cells": [1],
        "name": "compute",
        "module": "src/calc.py",
        "path": "work/analysis.ipynb",
    }
    body.update(change)
    return body


# ----- body size --------------------------------------------------------------------------


@pytest.mark.parametrize("jp_server_config", [{"max_body_bytes": 2000}], indirect=True)
@pytest.mark.parametrize("route", ["analyze", "extract/plan", "extract/apply"])
async def test_a_body_over_the_configured_limit_is_413_and_writes_nothing(jp_fetch, jp_root_dir, route):
    (jp_root_dir / "work").mkdir()
    body = extract_body() if route != "analyze" else {"cells": []}
    body["padding"] = "x" * 2000
    code, answer = await call(jp_fetch, route, body)
    assert code == 413
    assert answer["message"] == "request body is larger than 2000 bytes"
    assert list(jp_root_dir.rglob("*")) == [jp_root_dir / "work"]


@pytest.mark.parametrize("jp_server_config", [{"max_body_bytes": 2000}], indirect=True)
async def test_a_body_under_the_configured_limit_is_served(jp_fetch):
    body = {"cells": [{"id": "a", "source": "x = 1"}], "padding": "x" * 1800}
    assert len(json.dumps(body)) < 2000
    code, answer = await call(jp_fetch, "analyze", body)
    assert code == 200
    assert answer["cells"]["a"]["defines"] == ["x"]


def test_the_default_limit_is_20_mb():
    from jupyter_nbrefactor.app import NbRefactorApp

    assert NbRefactorApp().max_body_bytes == 20 * 1024 * 1024


# ----- big notebooks, big and deep cells ------------------------------------------------


def chain_cell(i: int) -> str:
    if i == 0:
        return "import math\nv0 = 0"
    return f"v{i} = v{i - 1} + math.sqrt({i})\ndef f{i}(a):\n    return a * v{i}\nprint(f{i}(2))"


async def test_a_10000_cell_notebook_is_analysed_and_the_server_stays_responsive(jp_fetch):
    cells = [{"id": f"c{i}", "source": chain_cell(i)} for i in range(10_000)]
    runs = [{"cell_id": f"c{i}", "source": chain_cell(i), "execution_count": i + 1} for i in range(10_000)]
    runs[5000]["source"] = "v5000 = 0"  # edited since it ran
    done = []

    async def analyse():
        started = time.perf_counter()
        result = await call(jp_fetch, "analyze", {"cells": cells, "runs": runs})
        done.append(("analyze", time.perf_counter() - started))
        return result

    async def version_meanwhile():
        await asyncio.sleep(0.5)  # the analysis has started on the engine's thread
        await jp_fetch("jupyter-nbrefactor", "version")
        done.append(("version", None))

    (code, answer), _ = await asyncio.gather(analyse(), version_meanwhile())
    assert code == 200
    assert len(answer["cells"]) == 10_000
    assert answer["cells"]["c9999"]["defines"] == ["v9999", "f9999"]
    assert [w["kind"] for w in answer["warnings"]] == ["edited"]
    # the event loop answered another request while the engine worked
    assert [name for name, _ in done] == ["version", "analyze"]


DEEP_CELLS = {
    "parens200": ("x = " + "(" * 199 + "1" + ")" * 199, None),
    "parens1000": ("x = " + "(" * 1000 + "1" + ")" * 1000, "too many nested parentheses"),
    "ifs100": (
        "".join("    " * i + "if x:\n" for i in range(100)) + "    " * 100 + "y = 1\n",
        "too many levels of indentation",
    ),
    "sum100k": ("x = " + " + ".join(["1"] * 100_000), "nested too deeply"),
    "lambdas": ("f = " + "lambda: " * 2000 + "1", "nested too deeply"),
    "attributes": ("x = a" + ".b" * 100_000, "nested too deeply"),
    "calls": ("x = f" + "()" * 50_000, "nested too deeply"),
    "lists": ("x = " + "[" * 5000 + "]" * 5000, "too many nested parentheses"),
}


async def test_deeply_nested_cells_get_a_per_cell_error_not_a_500(jp_fetch):
    cells = [{"id": name, "source": source} for name, (source, _) in DEEP_CELLS.items()]
    cells.append({"id": "after", "source": "z = y + 1"})
    code, answer = await call(jp_fetch, "analyze", {"cells": cells, "runs": []})
    assert code == 200
    for name, (_, error) in DEEP_CELLS.items():
        if error is None:
            assert answer["cells"][name]["error"] is None
        else:
            assert error in answer["cells"][name]["error"]
    assert answer["cells"]["after"] == {**answer["cells"]["after"], "reads": ["y"], "error": None}


async def test_enormous_cells_are_analysed(jp_fetch):
    lines = "\n".join(f"a{i} = {i}" for i in range(100_000))  # 1.3 MB
    one_line = "s = '" + "x" * 5_000_000 + "'"  # 5 MB
    cells = [{"id": "lines", "source": lines}, {"id": "line", "source": one_line}]
    code, answer = await call(jp_fetch, "analyze", {"cells": cells})
    assert code == 200
    assert len(answer["cells"]["lines"]["defines"]) == 100_000
    assert answer["cells"]["line"]["defines"] == ["s"]


@pytest.mark.parametrize("name", ["parens1000", "sum100k", "ifs100"])
async def test_extracting_a_deeply_nested_cell_is_refused_naming_the_cell(jp_fetch, jp_root_dir, name):
    (jp_root_dir / "work").mkdir()
    notebook = new_notebook(cells=[new_code_cell("x = 1"), new_code_cell(DEEP_CELLS[name][0])])
    code, answer = await call(jp_fetch, "extract/apply", extract_body(notebook=notebook))
    assert code == 200
    assert answer["refused"].startswith("cell 2 line ")
    assert DEEP_CELLS[name][1] in answer["refused"]
    assert answer["written"] is None
    assert list(jp_root_dir.rglob("*")) == [jp_root_dir / "work"]


async def test_extracting_an_enormous_cell_is_planned(jp_fetch, jp_root_dir):
    (jp_root_dir / "work").mkdir()
    source = "\n".join(f"a{i} = n + {i}" for i in range(20_000))
    notebook = new_notebook(cells=[new_code_cell("n = 1"), new_code_cell(source), new_code_cell("print(a19999)")])
    code, answer = await call(jp_fetch, "extract/plan", extract_body(notebook=notebook))
    assert code == 200
    assert (answer["refused"], answer["params"], answer["returns"]) == (None, ["n"], ["a19999"])


# ----- malformed requests -----------------------------------------------------------------

DEEP_JSON = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("{not json", "request body is not valid JSON"),
        ("", "request body must be a JSON object"),
        (b"\xff\xfe{}", "request body is not valid JSON"),
        (DEEP_JSON, "request body is not valid JSON: nested too deeply"),
        ('{"cells": ' + DEEP_JSON + "}", "request body is not valid JSON: nested too deeply"),
        ("[1, 2]", "request body must be a JSON object"),
        ('"text"', "request body must be a JSON object"),
    ],
)
@pytest.mark.parametrize("route", ["analyze", "extract/plan", "extract/apply"])
async def test_a_body_that_is_not_a_json_object_is_400(jp_fetch, route, raw, message):
    code, answer = await call(jp_fetch, route, raw)
    assert code == 400
    assert answer["message"].startswith(message)


@pytest.mark.parametrize(
    ("request_body", "field"),
    [
        ({}, "cells"),
        ({"cells": "x"}, "cells"),
        ({"cells": [1]}, "cells[0]"),
        ({"cells": [{"id": 1}]}, "cells[0].id"),
        ({"cells": [{"id": "a", "source": {"x": 1}}]}, "cells[0].source"),
        ({"cells": [{"id": "a", "source": ["x", 1]}]}, "cells[0].source"),
        ({"cells": [{"id": "a", "cell_type": 3}]}, "cells[0].cell_type"),
        ({"cells": [], "runs": {}}, "runs"),
        ({"cells": [], "runs": ["a"]}, "runs[0]"),
        ({"cells": [], "runs": [{"source": "x"}]}, "runs[0].cell_id"),
        ({"cells": [], "runs": [{"cell_id": "a", "execution_count": 1.5}]}, "runs[0].execution_count"),
        ({"cells": [], "runs": [{"cell_id": "a", "error": 1}]}, "runs[0].error"),
        ({"cells": [], "kernel_names": [1]}, "kernel_names"),
        ({"cells": [], "language": 3}, "language"),
    ],
)
async def test_a_malformed_analyze_request_is_400_naming_the_field(jp_fetch, request_body, field):
    code, answer = await call(jp_fetch, "analyze", request_body)
    assert code == 400
    assert answer["message"].startswith(field + " ")


MISSING = object()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"notebook": MISSING}, '"notebook"'),
        ({"notebook": []}, '"notebook"'),
        ({"notebook": {"cells": "x"}}, '"notebook"'),
        ({"notebook": {"cells": [3]}}, "notebook cell 1"),
        ({"notebook": {"cells": [{"cell_type": "code", "source": 3}]}}, "notebook cell 1"),
        ({"cells": MISSING}, '"cells"'),
        ({"cells": "1"}, '"cells"'),
        ({"cells": [1.0]}, '"cells"'),
        ({"cells": [True]}, '"cells"'),
        ({"cells": [-1]}, '"cells"'),
        ({"cells": [3]}, '"cells"'),
        ({"cells": [10**30]}, '"cells"'),
        ({"cells": [1, 1]}, '"cells"'),
        ({"name": MISSING}, '"name"'),
        ({"name": 3}, '"name"'),
        ({"name": "two words"}, '"name"'),
        ({"name": "class"}, '"name"'),
        ({"module": MISSING}, '"module"'),
        ({"mode": "script"}, '"mode"'),
        ({"overwrite": "yes"}, '"overwrite"'),
        ({"path": MISSING}, '"path"'),
        ({"path": ["work"]}, '"path"'),
    ],
)
@pytest.mark.parametrize("route", ["extract/plan", "extract/apply"])
async def test_a_malformed_extract_request_is_400_naming_the_field(jp_fetch, jp_root_dir, route, change, field):
    body = {k: v for k, v in extract_body(**change).items() if v is not MISSING}
    code, answer = await call(jp_fetch, route, body)
    assert code == 400
    assert answer["message"].startswith(field)
    assert list(jp_root_dir.rglob("*")) == []


async def test_cells_out_of_range_name_the_index_and_the_notebook_size(jp_fetch):
    code, answer = await call(jp_fetch, "extract/plan", extract_body(cells=[1, 7]))
    assert (code, answer["message"]) == (400, '"cells": cell index 7 is out of range (the notebook has 3 cells)')


# ----- kernels that are not Python --------------------------------------------------------


@pytest.mark.parametrize("language", ["R", "julia", "javascript"])
async def test_another_language_gets_no_warnings_and_a_notice(jp_fetch, language):
    cells = [{"id": "a", "source": "print(y)"}, {"id": "b", "source": "y <- 1"}]
    runs = [{"cell_id": "b", "source": "y <- 1", "execution_count": 1}]
    code, python = await call(jp_fetch, "analyze", {"cells": cells, "runs": runs})
    assert code == 200 and python["warnings"]  # the same cells warn when read as Python
    code, answer = await call(jp_fetch, "analyze", {"cells": cells, "runs": runs, "language": language})
    assert code == 200
    assert answer == {
        "cells": {},
        "warnings": [],
        "notice": f"No analysis for {language} kernels: only Python is understood.",
        "reproducible": True,
        "rerun": [],
    }
