"""Which language a notebook runs: the one answer lint, the report, extraction and the
live analysis use to decide whether the notebook is Python.

A notebook records its language in several places, filled by different tools:
``metadata.language_info.name`` (what the kernel itself reported when it last ran),
``metadata.kernelspec.language`` and ``.name`` (the kernel chosen), and jupytext's
``metadata.jupytext`` (``main_language``, or the extension of its paired text file in
``text_representation``). The first of these that names a language wins, in that order;
a notebook that records none is Python, as JupyterLab assumes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

PYTHON = "python"

# Language names that are Python to us (IPython's kernels report "python"; older
# metadata and some frontends write these).
_PYTHON_NAMES = frozenset({"python", "python2", "python3", "ipython", "ipython2", "ipython3"})
# Kernelspec names whose language is known without a "language" field. A custom name
# (``ipykernel install --name myenv``) says nothing, so it is not guessed from.
_KERNEL_NAMES = {"ir": "r", "bash": "bash", "xcpp11": "c++", "xcpp14": "c++", "xcpp17": "c++"}
_KERNEL_PATTERNS = (
    (re.compile(r"(i?python[23]?)([-_.].*)?"), PYTHON),
    (re.compile(r"conda-(env|root)-.*-py"), PYTHON),
    (re.compile(r"conda-(env|root)-.*-r"), "r"),
    (re.compile(r"julia([-_.].*)?"), "julia"),
)
# jupytext's text_representation.extension -> language
_EXTENSIONS = {
    ".py": PYTHON,
    ".r": "r",
    ".jl": "julia",
    ".sh": "bash",
    ".scala": "scala",
    ".js": "javascript",
    ".ts": "typescript",
    ".cpp": "c++",
    ".rs": "rust",
    ".m": "matlab",
    ".q": "q",
    ".sas": "sas",
    ".ps1": "powershell",
}


def language_name(name: str) -> str:
    """A recorded language name in canonical form: lower case, every Python spelling
    (``Python``, ``python3``, ``ipython3``) as ``"python"``."""
    name = name.strip().lower()
    return PYTHON if name in _PYTHON_NAMES else name


def notebook_language(nb_or_metadata: Mapping[str, Any]) -> str:
    """The language a notebook runs, canonical (see ``language_name``); ``"python"`` when
    its metadata records none. Takes the notebook (nbformat node or dict) or its
    ``metadata``."""
    metadata = _metadata(nb_or_metadata)
    info = _table(metadata, "language_info")
    kernelspec = _table(metadata, "kernelspec")
    jupytext = _table(metadata, "jupytext")
    for recorded in (info.get("name"), kernelspec.get("language")):
        if isinstance(recorded, str) and recorded.strip():
            return language_name(recorded)
    kernel = kernelspec.get("name")
    if isinstance(kernel, str) and kernel.strip():
        from_kernel = _kernel_language(kernel.strip().lower())
        if from_kernel is not None:
            return from_kernel
    main = jupytext.get("main_language")
    if isinstance(main, str) and main.strip():
        return language_name(main)
    extension = _table(jupytext, "text_representation").get("extension")
    if isinstance(extension, str) and extension.lower() in _EXTENSIONS:
        return _EXTENSIONS[extension.lower()]
    return PYTHON


def is_python(notebook_or_language: Mapping[str, Any] | str | None) -> bool:
    """Whether a notebook (or its metadata, or a recorded language name such as a
    kernel's ``language_info.name``) is Python. None counts as Python (nothing recorded)."""
    if notebook_or_language is None:
        return True
    if isinstance(notebook_or_language, str):
        return not notebook_or_language.strip() or language_name(notebook_or_language) == PYTHON
    return notebook_language(notebook_or_language) == PYTHON


def _metadata(nb_or_metadata: Mapping[str, Any]) -> Mapping[str, Any]:
    """The metadata of a notebook, or the mapping itself when it is the metadata."""
    if not isinstance(nb_or_metadata, Mapping):
        return {}
    if "cells" in nb_or_metadata or "nbformat" in nb_or_metadata or "metadata" in nb_or_metadata:
        inner = nb_or_metadata.get("metadata")
        return inner if isinstance(inner, Mapping) else {}
    return nb_or_metadata


def _table(mapping: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = mapping.get(key)
    return value if isinstance(value, Mapping) else {}


def _kernel_language(kernel: str) -> str | None:
    if kernel in _KERNEL_NAMES:
        return _KERNEL_NAMES[kernel]
    for pattern, language in _KERNEL_PATTERNS:
        if pattern.fullmatch(kernel):
            return language
    return None
