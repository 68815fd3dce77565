"""Lint configuration: the ``[tool.jupyter-nbrefactor]`` table of the nearest
pyproject.toml -> ``Config`` (which rules run, at which severity, with which thresholds)."""

from __future__ import annotations

import difflib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # the same parser, from PyPI
    import tomli as tomllib

if TYPE_CHECKING:
    from .lint import Rule

SEVERITIES = ("info", "warning", "error")
# Shown unless asked for more (``lint --include info``): info findings are hints, not problems.
SHOWN_BY_DEFAULT = ("warning", "error")
# ``lint --format`` (lint_output.FORMATS formats them; named here so ``--help`` imports nothing).
OUTPUT_FORMATS = ("text", "json", "sarif")
_RANK = {s: i for i, s in enumerate(SEVERITIES)}
CONFIG_TABLE = "jupyter-nbrefactor"


def severity_at_least(severity: str, level: str) -> bool:
    return _RANK[severity] >= _RANK[level]


class ConfigError(ValueError):
    """``[tool.jupyter-nbrefactor]`` holds something lint cannot use (a usage error)."""


THRESHOLDS = {
    # key in pyproject.toml -> (default, rule it tunes)
    "max-notebook-lines": (500, "NR201"),
    "max-cell-lines": (60, "NR202"),
    "no-functions-lines": (100, "NR203"),
    "max-module-names": (30, "NR204"),  # above the 95th percentile of real notebooks: docs/lint.md
    "duplicate-lines": (6, "NR205"),
}

# What a folder scan skips (ruff's defaults, and Jupyter's checkpoints): matched against
# each file or folder name, and the path below the folder scanned, as shell globs.
DEFAULT_EXCLUDE = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".hg",
    ".ipynb_checkpoints",
    ".mypy_cache",
    ".nox",
    ".pytest_cache",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    ".vscode",
    "__pypackages__",
    "_build",
    "buck-out",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
)
KEYS = ("select", "ignore", "severity", "exclude", "extend-exclude", *THRESHOLDS)


def _unknown_key(key: str) -> str:
    near = difflib.get_close_matches(key, KEYS, n=1, cutoff=0.5)
    return f"unknown key {key!r}" + (f" (did you mean {near[0]!r}?)" if near else f"; known keys: {', '.join(KEYS)}")


@dataclass(frozen=True)
class Config:
    """Which rules run, at which severity, with which thresholds; ``source`` is the
    pyproject.toml it came from (None: the defaults)."""

    select: frozenset[str] | None = None  # None: every rule
    ignore: frozenset[str] = frozenset()
    severity: dict[str, str] = field(default_factory=dict)
    thresholds: dict[str, int] = field(default_factory=lambda: {k: v for k, (v, _) in THRESHOLDS.items()})
    source: Path | None = None
    table: dict[str, Any] = field(default_factory=dict)  # as written, so the CLI can override keys
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE

    def enabled(self, rule: str) -> bool:
        return (self.select is None or rule in self.select) and rule not in self.ignore

    def severity_of(self, rule: Rule) -> str:
        return self.severity.get(rule.id, rule.severity)

    def __getitem__(self, key: str) -> int:
        return self.thresholds[key]

    @classmethod
    def from_table(cls, table: dict[str, Any], source: Path | None = None) -> Config:
        """Build from a ``[tool.jupyter-nbrefactor]`` table; an unknown key is an error
        naming the nearest known one (a typo must not silently keep the default)."""
        from .lint import RULES  # the rule table, which needs this module first

        where = f"{source}: [tool.{CONFIG_TABLE}]" if source else f"[tool.{CONFIG_TABLE}]"
        for key in table:
            if key not in KEYS:
                raise ConfigError(f"{where} {_unknown_key(key)}")

        def globs(key: str) -> tuple[str, ...]:
            value = table.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise ConfigError(f"{where} {key} must be a list of glob patterns")
            return tuple(v.strip().rstrip("/") for v in value)

        def rules(key: str) -> frozenset[str] | None:
            value = table.get(key)
            if value is None:
                return None
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where} {key} must be a list of rule codes")
            out = set()
            for code in value:
                matched = {r for r in RULES if r.startswith(code.strip().upper())} if code.strip() else set()
                if not matched:
                    raise ConfigError(f"{where} {key}: no rule matches {code!r}")
                out |= matched
            return frozenset(out)

        severity = table.get("severity", {})
        if not isinstance(severity, dict):
            raise ConfigError(f"{where} severity must be a table of rule = level")
        for rule, level in severity.items():
            if rule not in RULES:
                raise ConfigError(f"{where} severity: unknown rule {rule!r}")
            if level not in SEVERITIES:
                raise ConfigError(f"{where} severity.{rule} must be one of {', '.join(SEVERITIES)}")
        thresholds = {}
        for key, (default, _) in THRESHOLDS.items():
            value = table.get(key, default)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{where} {key} must be a positive integer")
            thresholds[key] = value
        exclude = globs("exclude") if "exclude" in table else DEFAULT_EXCLUDE
        return cls(
            rules("select"),
            rules("ignore") or frozenset(),
            dict(severity),
            thresholds,
            source,
            dict(table),
            exclude + globs("extend-exclude"),
        )


def find_config(start: Path, stop: Path | None = None) -> Config:
    """The configuration of a notebook: the nearest pyproject.toml with a
    ``[tool.jupyter-nbrefactor]`` table, walking up from ``start`` (a file or folder)
    to ``stop`` (included; default: the filesystem root)."""
    start = start.resolve()
    folder = start if start.is_dir() else start.parent
    stop = stop.resolve() if stop is not None else None
    for d in (folder, *folder.parents):
        if stop is not None and not d.is_relative_to(stop):
            break
        found = _config_in(d)
        if found is not None:
            return found
    return Config()


# pyproject.toml -> ((mtime, size), its Config or None): a long-running server sees edits.
_config_cache: dict[Path, tuple[tuple[int, int], Config | None]] = {}


def _config_in(folder: Path) -> Config | None:
    candidate = folder / "pyproject.toml"
    try:
        st = candidate.stat()
    except OSError:
        return None
    stamp = (st.st_mtime_ns, st.st_size)
    cached = _config_cache.get(candidate)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        with candidate.open("rb") as f:
            table = tomllib.load(f).get("tool", {}).get(CONFIG_TABLE)
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"{candidate}: {err}") from None
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{candidate}: tool.{CONFIG_TABLE} must be a table")
    config = None if table is None else Config.from_table(table, candidate)
    _config_cache[candidate] = (stamp, config)
    return config
