"""The plan request: validated fields, or a ``RequestError`` saying which is wrong."""

from __future__ import annotations

import keyword
import posixpath
from dataclasses import dataclass
from typing import Any

from ..errors import RequestError
from ..language import notebook_language
from ..modpath import validate_module_path
from ..request import BOOLEAN, JSON_OBJECT, Kind, check, get_field, is_text
from .signature import ParamEdit, parse_parameters

MODES = ("function", "module")


@dataclass
class Request:
    cells: list[dict[str, Any]]  # nbformat cells (JSON), checked to have a cell_type and text source
    selected: list[int]
    name: str | None
    module: str
    mode: str
    module_source: str | None
    overwrite: bool
    notebook_name: str
    language: str
    parameters: list[ParamEdit] | None = None  # the signature edited in the dialog


_NOTEBOOK = Kind(
    'an nbformat v4 notebook with a "cells" list',
    lambda value: isinstance(value, dict) and isinstance(value.get("cells"), list),
)


_SELECTION = Kind(
    "a non-empty list of 0-based cell indices",
    lambda value: (
        isinstance(value, list) and bool(value) and all(isinstance(i, int) and not isinstance(i, bool) for i in value)
    ),
)


_MODULE_SOURCE = Kind("text", lambda value: isinstance(value, str)).or_null()


def parse_request(request: object) -> Request:
    """Validate a plan request; a malformed one raises ``RequestError``."""
    body: dict[str, Any] = check(request, JSON_OBJECT, "the request")
    cells = get_field(body, "notebook", _NOTEBOOK, '"notebook"')["cells"]
    for i, cell in enumerate(cells):
        if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
            raise RequestError(f"notebook cell {i + 1} is not an nbformat cell")
        if not is_text(cell.get("source", "")):
            raise RequestError(f"notebook cell {i + 1} has a source that is not text")
    selected = get_field(body, "cells", _SELECTION, '"cells"')
    if len(set(selected)) != len(selected):
        raise RequestError('"cells" lists a cell twice')
    for i in selected:
        if not 0 <= i < len(cells):
            raise RequestError(f'"cells": cell index {i} is out of range (the notebook has {len(cells)} cells)')
    mode = body.get("mode", "function")
    if mode not in MODES:
        raise RequestError(f'"mode" must be "function" or "module", not {mode!r}')
    name = body.get("name") if mode == "function" else None  # mode "module" keeps the names
    if mode == "function" and (not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name)):
        raise RequestError(f'"name" must be a Python identifier, not {name!r}')
    module = validate_module_path(body.get("module"))
    module_source = get_field(body, "module_source", _MODULE_SOURCE, '"module_source"', default=None)
    if module_source is not None and not module_source.isascii():
        try:
            module_source.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates, which JSON can carry
            raise RequestError('"module_source" is not valid Unicode text') from None
    overwrite = get_field(body, "overwrite", BOOLEAN, '"overwrite"', default=False)
    path = body.get("path")
    notebook_name = posixpath.basename(path) if isinstance(path, str) and path else "the notebook"
    language = notebook_language(body["notebook"])
    parameters = parse_parameters(body.get("parameters"))
    return Request(
        cells, sorted(selected), name, module, mode, module_source, overwrite, notebook_name, language, parameters
    )
