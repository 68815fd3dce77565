"""REST handlers: thin wrappers that parse JSON, call one engine function, answer JSON.

Every route is listed once, in ``ROUTES``; ``app.py`` mounts them under
``/jupyter-nbrefactor/``.
"""

from __future__ import annotations

import json

import tornado
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin

from . import __version__
from .errors import RequestError

AUTH_RESOURCE = "contents"


class BaseHandler(ExtensionHandlerMixin, APIHandler):
    """Answers JSON; a ``RequestError`` from the engine becomes ``{"message": ...}`` + 4xx."""

    auth_resource = AUTH_RESOURCE

    def _handle_request_exception(self, e):
        if isinstance(e, RequestError):
            self.reply({"message": str(e)}, e.status)
            return
        super()._handle_request_exception(e)

    def json_body(self) -> dict:
        """The request body as a JSON object, or a 400/413 ``RequestError``."""
        limit = self.extensionapp.max_body_bytes
        if len(self.request.body) > limit:
            raise RequestError(f"request body is larger than {limit} bytes", 413)
        try:
            body = json.loads(self.request.body or b"null")
        except ValueError as err:
            raise RequestError(f"request body is not valid JSON: {err}") from None
        if not isinstance(body, dict):
            raise RequestError("request body must be a JSON object")
        return body

    def reply(self, payload: dict, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(payload))


class VersionHandler(BaseHandler):
    @tornado.web.authenticated
    @authorized
    def get(self):
        self.reply({"version": __version__})


ROUTES: list[tuple[str, type]] = [
    ("version", VersionHandler),
]
