"""POST /jupyter-nbrefactor/analyze."""

import json

import pytest
from tornado.httpclient import HTTPClientError


def body(payload):
    return json.dumps(payload)


async def test_analyze_answers_facts_and_warnings(jp_fetch):
    # x = 0 / y = x / x = 1 ran top to bottom, then the first cell was edited and re-run
    request = {
        "cells": [{"id": "a", "source": "x = 5"}, {"id": "b", "source": "y = x"}, {"id": "c", "source": "x = 1"}],
        "runs": [
            {"cell_id": "a", "source": "x = 0", "execution_count": 1},
            {"cell_id": "b", "source": "y = x", "execution_count": 2},
            {"cell_id": "c", "source": "x = 1", "execution_count": 3},
            {"cell_id": "a", "source": "x = 5", "execution_count": 4},
        ],
        "kernel_names": ["x", "y"],
    }
    response = await jp_fetch("jupyter-nbrefactor", "analyze", method="POST", body=body(request))
    assert response.code == 200
    payload = json.loads(response.body)
    assert payload["cells"]["b"] == {
        "defines": ["y"],
        "reads": ["x"],
        "mutates": [],
        "imports": [],
        "error": None,
        "execution_count": 2,
    }
    assert payload["warnings"] == [
        {
            "kind": "stale",
            "cell_id": "b",
            "names": ["x"],
            "source_cell_id": "a",
            "certain": True,
            "message": "x was redefined by cell 1 after this cell ran",
        }
    ]
    assert payload["reproducible"] is False
    assert payload["rerun"] == ["b"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("{not json", "request body is not valid JSON"),
        ("[1, 2]", "request body must be a JSON object"),
        ("{}", "cells is required"),
        ('{"cells": {}}', "cells must be a list"),
        ('{"cells": [{"source": "x"}]}', "cells[0].id must be a string"),
        ('{"cells": [{"id": "a", "source": 3}]}', "cells[0].source must be a string"),
        ('{"cells": [], "runs": [{"cell_id": "a", "execution_count": "1"}]}', "runs[0].execution_count"),
        ('{"cells": [], "kernel_names": "x"}', "kernel_names must be a list"),
    ],
)
async def test_malformed_body_is_400_with_a_json_message(jp_fetch, raw, message):
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("jupyter-nbrefactor", "analyze", method="POST", body=raw)
    assert err.value.code == 400
    assert message in json.loads(err.value.response.body)["message"]


async def test_other_language_gets_a_notice(jp_fetch):
    request = {"cells": [{"id": "a", "source": "x <- 1"}], "runs": [], "language": "R"}
    response = await jp_fetch("jupyter-nbrefactor", "analyze", method="POST", body=body(request))
    payload = json.loads(response.body)
    assert payload["warnings"] == []
    assert payload["notice"] == "No analysis for R kernels: only Python is understood."


async def test_analyze_without_token_is_403(jp_fetch):
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch(
            "jupyter-nbrefactor", "analyze", method="POST", body=body({"cells": []}), headers={"Authorization": ""}
        )
    assert err.value.code == 403
