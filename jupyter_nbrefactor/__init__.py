"""jupyter-nbrefactor: see hidden state in notebooks and move cells into modules safely.

The engine is pure Python, JSON in and JSON out; the server extension, the CLI
and the tests all call the same two functions re-exported here.
"""

try:
    from ._version import __version__
except ImportError:  # running from a source tree that was never built
    __version__ = "dev"


def analyze(request: dict) -> dict:
    """Per-cell facts and live session warnings (see docs/architecture.md)."""
    from .session import analyze as _analyze

    return _analyze(request)


def plan_extraction(request: dict) -> dict:
    """Plan moving selected cells into a module (see docs/architecture.md)."""
    from .extract import plan_extraction as _plan

    return _plan(request)


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "jupyter-nbrefactor"}]


def _jupyter_server_extension_points():
    from .app import NbRefactorApp

    return [{"module": "jupyter_nbrefactor.app", "app": NbRefactorApp}]
