"""Applying an extraction plan: the notebook edit, the module file, the kernel reload.

``replace_cells`` is pure (nbformat in, nbformat out). ``write_module`` and
``write_text_atomic`` touch the local disk, for the CLI; the server writes
through its ContentsManager instead (see handlers.py).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Awaitable, Mapping
from pathlib import Path
from typing import Any, Protocol

import nbformat

from .errors import RequestError
from .extract import replaced_ids, source_hash
from .modpath import dotted_name, package_folders


class Contents(Protocol):
    """What the engine uses of a jupyter_server ``ContentsManager``: each method answers
    directly or (an ``AsyncContentsManager``) with an awaitable, hence ``ensure_async``."""

    def dir_exists(self, path: str) -> bool | Awaitable[bool]: ...

    def file_exists(self, path: str) -> bool | Awaitable[bool]: ...

    def get(
        self, path: str, content: bool = True, type: str | None = None, format: str | None = None
    ) -> dict[str, Any] | Awaitable[dict[str, Any]]: ...

    def save(self, model: dict[str, Any], path: str) -> dict[str, Any] | Awaitable[dict[str, Any]]: ...


def replace_cells(notebook: Mapping[str, Any], cells: list[int], replacement: str) -> nbformat.NotebookNode:
    """A copy of ``notebook`` with the selected cells (0-based) replaced by one code cell
    holding ``replacement``, placed where the first selected cell was. The replacement
    names the cells it replaced (``metadata.nbrefactor.replaces``: their ids), so
    ``verify`` compares its outputs with theirs."""
    selected = set(cells)
    first = min(selected)
    cell: nbformat.NotebookNode = nbformat.v4.new_code_cell(replacement)
    replaces = replaced_ids(notebook["cells"], cells)
    if replaces:
        cell.metadata["nbrefactor"] = {"replaces": replaces}
    if (notebook.get("nbformat"), notebook.get("nbformat_minor", 0)) < (4, 5):
        cell.pop("id", None)  # cell ids exist from nbformat 4.5 on
    kept = [c for i, c in enumerate(notebook["cells"]) if i not in selected]
    # from_dict copies every dict and list, so the result shares no container with the input
    new: nbformat.NotebookNode = nbformat.from_dict({**notebook, "cells": [*kept[:first], cell, *kept[first:]]})
    return new


def kernel_code(module_path: str) -> str:
    """Python a running kernel must execute (silently) to see the module's new code.

    It binds no name in the user's namespace: a later ``from pkg.mod import f``
    then finds the reloaded module."""
    name = dotted_name(module_path)
    return (
        '__import__("importlib").invalidate_caches()\n'
        f'if {name!r} in __import__("sys").modules:\n'
        f'    __import__("importlib").reload(__import__("sys").modules[{name!r}])\n'
    )


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and ``os.replace``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def read_module(folder: Path, module_path: str) -> str | None:
    """The module's current text (relative to the notebook's ``folder``), None if absent."""
    path = folder / module_path
    return path.read_text(encoding="utf-8") if path.is_file() else None


def write_module(folder: Path, plan: Mapping[str, Any]) -> list[Path]:
    """Write a plan's module under the notebook's ``folder`` and the packages'
    ``__init__.py`` files; returns the files written.

    Re-reads the module first: if it no longer has the text the plan was made
    against (``base_hash``), nothing is written (``RequestError``, status 409)."""
    module_path = plan["module_path"]
    if source_hash(read_module(folder, module_path)) != plan["base_hash"]:
        raise RequestError(f"{module_path} changed since the extraction was planned: plan again", 409)
    written = []
    for package in package_folders(module_path):
        directory = folder / package
        directory.mkdir(exist_ok=True)
        init = directory / "__init__.py"
        if not init.exists():
            write_text_atomic(init, "")
            written.append(init)
    target = folder / module_path
    write_text_atomic(target, plan["module_source"])
    written.append(target)
    return written


# ----- through a jupyter_server ContentsManager (the REST routes) ----------------------


def notebook_folder(path: object) -> str:
    """The server-relative folder of a notebook's server-relative ``path``, normalised
    (no empty or ``.`` segments), so one module has one server path."""
    if not isinstance(path, str) or not path.strip("/"):
        raise RequestError('"path" must be the notebook\'s path relative to the server root')
    if "\x00" in path or "\\" in path:
        raise RequestError(f'"path" {path!r} must stay inside the server root')
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise RequestError(f'"path" {path!r} must stay inside the server root')
    return "/".join(parts[:-1])


async def module_target(contents_manager: Contents, folder: str, module_path: str) -> str:
    """The server path of a validated module path under the notebook's ``folder``, or a
    ``RequestError`` when writing it could escape the server root or break an import:
    a symbolic link on the way that leads outside the root, a hidden or missing notebook
    folder, a folder where the module or one of its packages would go (or the reverse),
    a module the new package would hide."""
    from jupyter_core.utils import ensure_async

    target = f"{folder}/{module_path}" if folder else module_path
    real = local_real_path(contents_manager, target)
    root = local_real_path(contents_manager, "")
    if real is not None and root is not None and os.path.commonpath([root, real]) != root:
        raise RequestError(f"{target} leads outside the server root (through a symbolic link)")
    cm = contents_manager
    if any(part.startswith(".") for part in folder.split("/")) and not getattr(cm, "allow_hidden", False):
        raise RequestError(f"{folder} is a hidden folder: the server does not write there")
    if folder and not await ensure_async(cm.dir_exists(folder)):
        raise RequestError(f"the notebook's folder {folder} does not exist", 404)
    if await ensure_async(cm.dir_exists(target)):
        raise RequestError(f"{target} is a folder, not a module")
    if await ensure_async(cm.dir_exists(target[: -len(".py")])):
        raise RequestError(f"the folder {target[: -len('.py')]} would be imported instead of {target}")
    for package in package_folders(module_path):
        directory = f"{folder}/{package}" if folder else package
        if await ensure_async(cm.file_exists(directory)):
            raise RequestError(f"{directory} is a file: it cannot become a package folder")
        if await ensure_async(cm.file_exists(f"{directory}.py")):
            raise RequestError(f"a package folder {directory} would hide the module {directory}.py")
    return target


def local_real_path(contents_manager: Contents, path: str) -> str | None:
    """Where a server ``path`` really is, symbolic links followed, for a contents manager
    on the local disk; None for others (they have no links to follow)."""
    from jupyter_server.services.contents.fileio import FileManagerMixin

    if not isinstance(contents_manager, FileManagerMixin):
        return None
    root: str = contents_manager.root_dir  # type: ignore[attr-defined]  # the mixin's host (FileContentsManager) has it
    return os.path.realpath(os.path.join(root, *path.split("/")))


async def read_contents_text(contents_manager: Contents, path: str) -> str | None:
    """A file's text through the ContentsManager, None when it does not exist."""
    from jupyter_core.utils import ensure_async

    if not await ensure_async(contents_manager.file_exists(path)):
        return None
    model = await ensure_async(contents_manager.get(path, content=True, type="file", format="text"))
    text: str = model["content"]
    return text


async def save_module_contents(contents_manager: Contents, folder: str, plan: Mapping[str, Any]) -> str:
    """Write a plan's module (and missing package folders / ``__init__.py``) through the
    ContentsManager, relative to the notebook's server ``folder``; returns its server path."""
    from jupyter_core.utils import ensure_async

    cm = contents_manager
    for package in package_folders(plan["module_path"]):
        directory = f"{folder}/{package}" if folder else package
        if not await ensure_async(cm.dir_exists(directory)):
            await ensure_async(cm.save({"type": "directory"}, directory))
        init = f"{directory}/__init__.py"
        if not await ensure_async(cm.file_exists(init)):
            await ensure_async(cm.save({"type": "file", "format": "text", "content": ""}, init))
    target = f"{folder}/{plan['module_path']}" if folder else plan["module_path"]
    await ensure_async(cm.save({"type": "file", "format": "text", "content": plan["module_source"]}, target))
    return target
