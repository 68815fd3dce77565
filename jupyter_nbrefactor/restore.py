"""Undoing an extraction's writes through the ContentsManager: the module back to its
exact text before (or removed, when the extraction created it), and the package folders
and ``__init__.py`` files it created removed. Never clobbers: nothing is restored unless
the module still holds exactly what the extraction wrote."""

from __future__ import annotations

from typing import Any

from jupyter_core.utils import ensure_async

from .errors import RequestError
from .extract import source_hash
from .modpath import package_folders


async def missing_packages(contents_manager: Any, folder: str, module_path: str) -> list[str]:
    """The package folders of ``module_path`` (relative to the notebook's ``folder``) that
    writing it would create, and the ``__init__.py`` files it would add, as paths relative
    to the notebook's folder, outermost first (what ``restore_module`` may remove)."""
    cm = contents_manager
    created: list[str] = []
    for package in package_folders(module_path):
        directory = f"{folder}/{package}" if folder else package
        if not await ensure_async(cm.dir_exists(directory)):
            created.append(package)
        if not await ensure_async(cm.file_exists(f"{directory}/__init__.py")):
            created.append(f"{package}/__init__.py")
    return created


async def restore_module(
    contents_manager: Any,
    folder: str,
    module_path: str,
    target: str,
    source: str | None,
    expected_hash: str | None,
    created: list[str],
) -> dict[str, Any]:
    """Put the module at server path ``target`` back to ``source`` (None: remove it) when
    its text still hashes to ``expected_hash`` (None: it must not exist), then remove what ``created`` names (each
    must be one of the module's package folders or their ``__init__.py``; an
    ``__init__.py`` that is no longer empty and a folder that holds anything else stay).
    A module that changed since is a 409 and nothing is touched.
    Answers ``{"restored": target, "removed": [...], "kept": [...]}``."""
    cm = contents_manager
    allowed = {p for package in package_folders(module_path) for p in (package, f"{package}/__init__.py")}
    for path in created:
        if path not in allowed:
            raise RequestError(f'"created": {path!r} is not a package folder of {module_path}')
    exists = await ensure_async(cm.file_exists(target))
    current = None
    if exists:
        model = await ensure_async(cm.get(target, content=True, type="file", format="text"))
        current = model["content"]
    if source_hash(current) != expected_hash:
        raise RequestError(f"{target} changed since the extraction: it was kept as it is", 409)
    if source is None:
        if exists:
            await ensure_async(cm.delete(target))
    else:
        await ensure_async(cm.save({"type": "file", "format": "text", "content": source}, target))
    removed: list[str] = []
    kept: list[str] = []
    # innermost first: a folder is removed after its __init__.py
    for path in sorted(created, key=lambda p: (-p.count("/"), p.endswith("__init__.py") is False)):
        server_path = f"{folder}/{path}" if folder else path
        if path.endswith("__init__.py"):
            gone = await _remove_empty_file(cm, server_path)
        else:
            gone = await _remove_empty_folder(cm, server_path)
        (removed if gone else kept).append(path)
    return {"restored": target, "removed": removed, "kept": kept}


async def _remove_empty_file(cm: Any, path: str) -> bool:
    if not await ensure_async(cm.file_exists(path)):
        return True
    model = await ensure_async(cm.get(path, content=True, type="file", format="text"))
    if model["content"]:
        return False
    await ensure_async(cm.delete(path))
    return True


async def _remove_empty_folder(cm: Any, path: str) -> bool:
    if not await ensure_async(cm.dir_exists(path)):
        return True
    listing = await ensure_async(cm.get(path, content=True, type="directory"))
    if listing["content"]:  # anything, even the kernel's __pycache__, keeps the folder
        return False
    await ensure_async(cm.delete(path))
    return True
