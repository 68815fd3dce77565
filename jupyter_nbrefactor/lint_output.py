"""Lint findings -> text, JSON and SARIF (GitHub code scanning), as ``jupyter nbrefactor
lint --format`` writes them; the SARIF rules link to their section of docs/lint.md."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from .lint import RULES, Finding


def format_text(findings: list[Finding]) -> str:
    """``path:cell N:line L: NR101 message``, N counted from 1 among all cells."""
    lines = []
    for f in findings:
        where = f.path
        if f.cell is not None:
            where += f":cell {f.cell + 1}"
            if f.line is not None:
                where += f":line {f.line}"
        lines.append(f"{where}: {f.rule} {f.message}")
    return "".join(line + "\n" for line in lines)


def format_json(findings: list[Finding]) -> str:
    return json.dumps([f.to_json() for f in findings], indent=2) + "\n"


SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
# Used when the package's metadata is not there (a source tree never installed). It is
# package.json's placeholder too, until the project has a public repository: docs/lint.md
# ("SARIF") says so.
PLACEHOLDER_REPOSITORY = "https://github.com/OWNER/jupyter-nbrefactor"
# The rule reference, relative to the repository's web page.
DOCS_PATH = "blob/main/docs/lint.md"


@lru_cache(maxsize=1)
def repository_url() -> str:
    """The project's repository as a web address: package.json's ``repository.url``, which
    the wheel carries as its ``Repository`` Project-URL, without ``git+`` and ``.git``."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        urls = metadata("jupyter-nbrefactor").get_all("Project-URL") or []
    except PackageNotFoundError:
        urls = []
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "repository" and url.strip():
            return web_url(url.strip())
    return PLACEHOLDER_REPOSITORY


def web_url(repository: str) -> str:
    """``git+https://host/o/r.git`` or ``git@host:o/r.git`` -> ``https://host/o/r``."""
    url = repository.removeprefix("git+")
    if url.startswith("git@"):
        host, _, path = url[4:].partition(":")
        url = f"https://{host}/{path}"
    return url.removesuffix(".git").rstrip("/")


def docs_url() -> str:
    """The rule reference (docs/lint.md) in the repository."""
    return f"{repository_url()}/{DOCS_PATH}"


def rule_help_uri(rule_id: str) -> str:
    """The rule's section of docs/lint.md (its ``### NR101`` heading's anchor)."""
    return f"{docs_url()}#{rule_id.lower()}"


def to_sarif(findings: list[Finding], version: str = "dev") -> dict[str, Any]:
    """A SARIF 2.1.0 log that GitHub code scanning accepts: one run, every rule described,
    each result located in the .ipynb file (on the cell's line when the file has
    nbformat's usual layout) with the cell and line in the message."""
    ids = list(RULES)
    rules = [
        {
            "id": r.id,
            "name": r.name,
            "shortDescription": {"text": r.summary},
            "fullDescription": {"text": r.summary},
            "helpUri": rule_help_uri(r.id),
            "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity]},
            "properties": {"tags": ["notebook"]},
        }
        for r in RULES.values()
    ]
    results = []
    for f in findings:
        where = "" if f.cell is None else f"cell {f.cell + 1}" + (f", line {f.line}" if f.line else "") + ": "
        location: dict[str, Any] = {"artifactLocation": {"uri": Path(f.path).as_posix(), "uriBaseId": "%SRCROOT%"}}
        location["region"] = {"startLine": f.file_line or 1}
        result = {
            "ruleId": f.rule,
            "ruleIndex": ids.index(f.rule),
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": where + f.message},
            "locations": [{"physicalLocation": location}],
            "partialFingerprints": {"nbrefactor/v1": _fingerprint(f)},
            "properties": {"cellIndex": f.cell, "cellId": f.cell_id, "cellLine": f.line},
        }
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "jupyter-nbrefactor",
                        "informationUri": docs_url(),
                        "version": version,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": "./"}},
                "results": results,
            }
        ],
    }


def _fingerprint(f: Finding) -> str:
    """Stable across edits elsewhere in the notebook: the cell id (or position) + rule +
    message, so code scanning tracks one alert instead of opening a new one."""
    key = f"{f.path}|{f.cell_id or f.cell}|{f.rule}|{f.message}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def format_sarif(findings: list[Finding], version: str = "dev") -> str:
    return json.dumps(to_sarif(findings, version), indent=2) + "\n"


FORMATS: dict[str, Callable[..., str]] = {"text": format_text, "json": format_json, "sarif": format_sarif}
