"""Every route of the server extension: answers, and refuses callers without a token."""

import json

import pytest
from tornado.httpclient import HTTPClientError

from jupyter_nbrefactor import __version__
from jupyter_nbrefactor.handlers import ROUTES


async def test_version_route_answers_the_package_version(jp_fetch):
    response = await jp_fetch("jupyter-nbrefactor", "version")

    assert response.code == 200
    assert json.loads(response.body) == {"version": __version__}


@pytest.mark.parametrize("path", [path for path, _ in ROUTES])
@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_every_route_is_forbidden_without_a_token(jp_fetch, path, method):
    body = json.dumps({}) if method == "POST" else None
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch(
            "jupyter-nbrefactor",
            path,
            method=method,
            body=body,
            headers={"Authorization": ""},
        )
    assert err.value.code == 403
