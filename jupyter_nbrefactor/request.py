"""Typed fields of a JSON request: one way to check them and to word the error,
``<field> must be <what it accepts>`` (a ``RequestError``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from .errors import RequestError


class Kind(NamedTuple):
    """What a field accepts, and how an error message says it."""

    what: str
    accepts: Callable[[object], bool]

    def or_null(self) -> Kind:
        return Kind(f"{self.what} or null", lambda value: value is None or self.accepts(value))


def is_text(value: object) -> bool:
    """A string, or nbformat's multi-line form of one: a list of strings."""
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(s, str) for s in value))


def as_text(value: str | list[str]) -> str:
    """The string an ``is_text`` value stands for."""
    return "".join(value) if isinstance(value, list) else value


JSON_OBJECT = Kind("a JSON object", lambda value: isinstance(value, dict))
OBJECT = Kind("an object", lambda value: isinstance(value, dict))
LIST = Kind("a list", lambda value: isinstance(value, list))
STRING = Kind("a string", lambda value: isinstance(value, str))
STRINGS = Kind("a list of strings", lambda value: isinstance(value, list) and all(isinstance(s, str) for s in value))
INTEGER = Kind("an integer", lambda value: type(value) is int)  # JSON's true and false are not numbers
BOOLEAN = Kind("true or false", lambda value: isinstance(value, bool))

_ABSENT = object()


def check(value: Any, kind: Kind, where: str) -> Any:
    """``value`` if ``kind`` accepts it, else ``RequestError("<where> must be <kind.what>")``."""
    if not kind.accepts(value):
        raise RequestError(f"{where} must be {kind.what}")
    return value


def get_field(
    obj: Mapping[str, Any],
    name: str,
    kind: Kind,
    where: str | None = None,
    *,
    default: Any = _ABSENT,
    null_is_absent: bool = False,
) -> Any:
    """``obj[name]`` checked by ``check``; ``where`` names it in the error (``name`` by default).

    An absent field is ``default``, or an error when there is none; with ``null_is_absent``
    a null one is absent too.
    """
    value = obj.get(name, _ABSENT)
    if value is _ABSENT or (value is None and null_is_absent):
        if default is not _ABSENT:
            return default
        value = None  # a missing required field is worded like a wrong one
    return check(value, kind, where or name)
