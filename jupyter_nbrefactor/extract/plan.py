"""The plan's shape (``Plan``, JSON at the edge with ``to_json``) and refusals: a reason
naming the cell and line."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn, TypedDict

if TYPE_CHECKING:
    from .signature import SignatureEntry


class CellLine(TypedDict):
    """Where a refusal points: the cell (0-based index) and the 1-based line in it, if known."""

    cell: int
    line: int | None


@dataclass
class Moved:
    """What a mode planned: the function's signature, the module's new text, the cell."""

    params: list[str]
    returns: list[str]
    module_source: str
    replacement: str
    signature: list[SignatureEntry] = field(default_factory=list)  # in the function's order


@dataclass
class Plan:
    """The answer of ``plan_extraction`` (see docs/architecture.md for each field)."""

    module_path: str
    base_hash: str | None
    replaces: list[str]
    params: list[str] = field(default_factory=list)
    signature: list[SignatureEntry] = field(default_factory=list)
    returns: list[str] = field(default_factory=list)
    module_source: str | None = None
    replacement: str | None = None
    notes: list[str] = field(default_factory=list)
    refused: str | None = None
    refused_at: CellLine | None = None
    overwrite_would_help: bool = False
    inserted_lines: list[list[int]] = field(default_factory=list)

    def planned(self, moved: Moved, notes: list[str]) -> None:
        self.params, self.returns = moved.params, moved.returns
        self.signature = moved.signature or [{"name": n, "as": n, "default": None} for n in moved.params]
        self.module_source, self.replacement = moved.module_source, moved.replacement
        self.notes = list(dict.fromkeys(notes))

    def refuse(self, reason: str, at: CellLine | None = None, overwritable: bool = False) -> None:
        self.refused, self.refused_at, self.overwrite_would_help = reason, at, overwritable

    def to_json(self) -> dict[str, Any]:
        """The documented JSON shape, fields in the documented order."""
        return {
            "params": list(self.params),
            "signature": [dict(q) for q in self.signature],
            "returns": list(self.returns),
            "module_path": self.module_path,
            "module_source": self.module_source,
            "base_hash": self.base_hash,
            "replacement": self.replacement,
            "notes": list(self.notes),
            "refused": self.refused,
            "refused_at": self.refused_at,
            "overwrite_would_help": self.overwrite_would_help,
            "replaces": list(self.replaces),
            "inserted_lines": [list(r) for r in self.inserted_lines],
        }


class Refused(Exception):
    """The selection cannot move without changing behaviour; the message says why."""

    def __init__(self, message: str, at: CellLine | None = None, overwritable: bool = False) -> None:
        super().__init__(message)
        self.at = at
        self.overwritable = overwritable


_OVERWRITE_HINT = " (or ask to overwrite)"


def refuse(pos: int | None, line: int | None, message: str, overwritable: bool = False) -> NoReturn:
    """Refuse; ``pos`` is the cell's 1-based position, ``line`` 1-based in that cell.

    ``overwritable``: the same request with ``overwrite`` would be planned (said in
    the message, and as the plan's ``overwrite_would_help``).
    """
    where = "" if pos is None else f"cell {pos}" + (f" line {line}" if line else "") + ": "
    at: CellLine | None = None if pos is None else {"cell": pos - 1, "line": line or None}
    raise Refused(where + message + (_OVERWRITE_HINT if overwritable else ""), at, overwritable)


def source_hash(text: str | None) -> str | None:
    """The ``base_hash`` of a module text: sha256 hex of its UTF-8 bytes, None when absent."""
    return None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()


def replaced_ids(cells: list[dict[str, Any]], selected: list[int]) -> list[str]:
    """The plan's ``replaces``: the ids of the selected cells (0-based), in notebook order,
    which the replacement cell records; empty unless every one has an id (nbformat >= 4.5)."""
    ids = [cells[i].get("id") for i in sorted(set(selected))]
    return [i for i in ids if isinstance(i, str) and i] if all(isinstance(i, str) and i for i in ids) else []


def inserted_lines(before: str | None, after: str | None) -> list[list[int]]:
    """The lines of ``after`` that ``before`` (an existing module) did not have, as
    1-based inclusive ``[first, last]`` ranges; none when there was no module."""
    if not before or after is None:
        return []
    import difflib

    old, new = before.splitlines(), after.splitlines()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [[j1 + 1, j2] for tag, _i1, _i2, j1, j2 in matcher.get_opcodes() if tag in ("insert", "replace")]
