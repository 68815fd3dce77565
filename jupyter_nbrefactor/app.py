"""The jupyter_server extension: configuration and the route table."""

from jupyter_server.extension.application import ExtensionApp
from traitlets import Int

from .handlers import ROUTES


class NbRefactorApp(ExtensionApp):
    """Serves the engine under ``/jupyter-nbrefactor/``.

    Configure it the Jupyter way, e.g. in ``jupyter_server_config.py``::

        c.NbRefactorApp.max_body_bytes = 50 * 1024 * 1024
    """

    name = "jupyter_nbrefactor"
    load_other_extensions = True

    max_body_bytes = Int(
        20 * 1024 * 1024,
        config=True,
        help="Request bodies larger than this are refused with 413.",
    )

    def initialize_handlers(self) -> None:
        self.handlers.extend((f"/jupyter-nbrefactor/{path}", handler) for path, handler in ROUTES)
