"""jupyter-nbrefactor: see hidden state in notebooks and move cells into modules safely.

The engine is pure Python, JSON in and JSON out; the server extension, the CLI
and the tests all call the same two functions re-exported here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:
    from .app import NbRefactorApp

try:
    from ._version import __version__ as __version__
except ImportError:  # running from a source tree that was never built
    __version__ = "dev"


def analyze(request: dict[str, Any]) -> dict[str, Any]:
    """Per-cell facts and live session warnings (see docs/architecture.md)."""
    from .session import analyze as _analyze

    return _analyze(request)


def plan_extraction(request: dict[str, Any]) -> dict[str, Any]:
    """Plan moving selected cells into a module (see docs/architecture.md)."""
    from .extract import plan_extraction as _plan

    return _plan(request)


class _LabExtensionPath(TypedDict):
    src: str
    dest: str


class _ServerExtensionPoint(TypedDict):
    module: str
    app: type[NbRefactorApp]


def _jupyter_labextension_paths() -> list[_LabExtensionPath]:
    return [{"src": "labextension", "dest": "jupyter-nbrefactor"}]


def _jupyter_server_extension_points() -> list[_ServerExtensionPoint]:
    from .app import NbRefactorApp

    return [{"module": "jupyter_nbrefactor.app", "app": NbRefactorApp}]
