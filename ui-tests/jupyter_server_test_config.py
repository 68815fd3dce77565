"""Server configuration for the Galata tests.

Never use this configuration in production: it opens the server to the world
and exposes JupyterLab's JavaScript objects on the window.
"""
import os

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821

# playwright.config.js picks a free port (GALATA_PORT); Galata's configuration says 8888.
c.ServerApp.port = int(os.environ.get("GALATA_PORT", "8888"))  # noqa: F821

if os.geteuid() == 0:
    # CI and our development machines run as root.
    c.ServerApp.allow_root = True  # noqa: F821

# Notebook 7, served by the same server, has its own flag for window.jupyterapp.
c.JupyterNotebookApp.expose_app_in_browser = True  # noqa: F821
