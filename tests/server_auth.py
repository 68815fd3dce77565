"""What the route tests share: an authorizer that records and denies, and the login cookie."""

from http.cookies import SimpleCookie
from typing import ClassVar

from jupyter_server.auth.authorizer import Authorizer


class RecordingAuthorizer(Authorizer):
    """Allows everything but the ``denied`` (action, resource) pairs; records each question
    asked for this extension's routes as (route, method, action, resource)."""

    asked: ClassVar[list] = []
    denied: ClassVar[set] = set()

    def is_authorized(self, handler, user, action, resource):
        path = handler.request.path
        if "/jupyter-nbrefactor/" in path:
            route = path.split("/jupyter-nbrefactor/", 1)[1]
            self.asked.append((route, handler.request.method, action, resource))
        return (action, resource) not in self.denied

    @classmethod
    def reset(cls) -> type["RecordingAuthorizer"]:
        """Nothing asked, nothing denied (each test's autouse fixture calls it)."""
        cls.asked = []
        cls.denied = set()
        return cls


def recording_server_config(config: dict) -> dict:
    """``config`` (pytest-jupyter's ``jp_server_config``) with the recording authorizer."""
    return {**config, "ServerApp": {**config["ServerApp"], "authorizer_class": RecordingAuthorizer}}


async def login_cookie(jp_fetch) -> str:
    """The login cookie the server sets for a token-authenticated request."""
    response = await jp_fetch("jupyter-nbrefactor", "version")
    cookies = SimpleCookie()
    for header in response.headers.get_list("Set-Cookie"):
        cookies.load(header)
    (name,) = [n for n in cookies if n.startswith("username-")]
    return f"{name}={cookies[name].value}"
