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


def _bash_kernel_without_login_files() -> str:
    """A data directory whose `bash` kernel spec gives the kernel an empty HOME.

    bash_kernel starts bash with pexpect's rcfile, which sources ~/.bashrc: the
    tests would depend on the machine's shell setup (on ours it runs `pyenv init`,
    which can wait up to a minute on pyenv's rehash lock, longer than pexpect
    waits for the first prompt; the kernel then dies and restarts, never ready).
    The spec is the one `make setup` installs (`python -m bash_kernel.install`)
    with HOME added; JUPYTER_PATH puts this copy before it.
    """
    import json
    import tempfile

    from jupyter_client.kernelspec import KernelSpecManager

    with open(os.path.join(KernelSpecManager().find_kernel_specs()["bash"], "kernel.json")) as f:
        spec = json.load(f)
    root = tempfile.mkdtemp(prefix="galata-kernels-")
    home = os.path.join(root, "home")
    folder = os.path.join(root, "kernels", "bash")
    os.makedirs(home)
    os.makedirs(folder)
    spec["env"] = {**spec.get("env", {}), "HOME": home}
    with open(os.path.join(folder, "kernel.json"), "w") as f:
        json.dump(spec, f)
    return root


os.environ["JUPYTER_PATH"] = os.pathsep.join(
    [_bash_kernel_without_login_files(), *filter(None, [os.environ.get("JUPYTER_PATH")])]
)
