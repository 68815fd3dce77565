"""Module paths for extraction: validation and the dotted import name.

A module path is relative to the notebook's folder, uses ``/`` between folders,
ends in ``.py`` and names an importable module (``src/data.py`` -> ``src.data``).
"""

from __future__ import annotations

import keyword
import re
import sys

from .errors import RequestError

# Device names Windows refuses as file names, whatever the extension.
_WINDOWS_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
}
# A top-level module with one of these names would shadow (or be shadowed by)
# the standard library or the interpreter's own entry points.
_RESERVED_TOP = set(sys.stdlib_module_names) | {"__main__", "__init__", "IPython", "ipykernel"}
_PERCENT_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")
# Far above any real module path, far below the file systems' limits (255 per name).
MAX_PATH_LENGTH = 200


def validate_module_path(path: object) -> str:
    """Return ``path`` normalised to ``a/b.py`` or raise ``RequestError`` saying why not."""
    if not isinstance(path, str) or not path.strip():
        raise RequestError('"module" must be a non-empty path such as "src/data.py"')
    if "\x00" in path:
        raise RequestError("module path must not contain NUL characters")
    if _PERCENT_ESCAPE.search(path):
        raise RequestError(f"module path {path!r} must not contain URL escapes (%xx)")
    if "\\" in path:
        raise RequestError(f"module path {path!r} must use '/' between folders")
    if path.startswith("/") or re.match(r"^[A-Za-z]:", path) or path.startswith("~"):
        raise RequestError(f"module path {path!r} must be relative to the notebook's folder")
    if len(path) > MAX_PATH_LENGTH:
        raise RequestError(f"module path must be at most {MAX_PATH_LENGTH} characters, not {len(path)}")
    parts = path.split("/")
    if ".." in parts:
        raise RequestError(f"module path {path!r} must stay inside the notebook's folder ('..')")
    if parts[0] == "." and len(parts) > 1:
        parts = parts[1:]  # "./src/data.py" is how people write a relative path
    if not parts[-1].endswith(".py"):
        raise RequestError(f"module path {path!r} must end in .py")
    if "" in parts or "." in parts:
        raise RequestError(f"module path {path!r} has an empty folder name ('//' or '/./')")
    segments = [*parts[:-1], parts[-1][: -len(".py")]]
    for segment in segments:
        if not segment.isidentifier() or not segment.isascii():
            raise RequestError(
                f"module path {path!r}: {segment!r} is not a valid Python module name "
                "(letters, digits and _ only, not starting with a digit)"
            )
        if keyword.iskeyword(segment):
            raise RequestError(f"module path {path!r}: {segment!r} is a Python keyword")
        if segment.lower() in _WINDOWS_RESERVED:
            raise RequestError(f"module path {path!r}: {segment!r} is a reserved file name")
    if segments[-1] == "__init__" or segments[-1] == "__main__":
        raise RequestError(f"module path {path!r}: extract into a named module, not {parts[-1]}")
    if segments[0] in _RESERVED_TOP:
        raise RequestError(f"module path {path!r}: top-level name {segments[0]!r} would shadow a standard module")
    return "/".join(parts)


def dotted_name(path: str) -> str:
    """The import name of a validated module path: ``src/data.py`` -> ``src.data``."""
    return validate_module_path(path)[: -len(".py")].replace("/", ".")


def package_folders(path: str) -> list[str]:
    """Folders of a validated module path that need an ``__init__.py``, outermost first."""
    parts = validate_module_path(path).split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]
