"""Cell outputs in a normalised form, and whether two cells' outputs are the same.

A fresh run never prints exactly what the saved notebook shows: addresses, clocks,
progress bars and temporary paths differ on every run. ``NORMALISATION`` is the one
table of what is ignored, each rule with an example (tests/test_verify_outputs.py
checks every rule and that each has a test); ``RELATIVE_TOLERANCE`` is how far two
numbers found in the text may be apart and still be the same.

The normalised form of one cell is a list of lines, each output led by a header
line: ``[stdout]``, ``[stderr]`` (all of a cell's stream text of that name joined,
where it first appeared), ``[error] ValueError: bad`` (name and value, no traceback),
``[text/plain]``, ``[text/html]`` (only when there is no text/plain: the kernel's
plain rendering of the same object says what the HTML says) and ``[image image/png]``
(a placeholder: images are compared by count, order and type, never by bytes).
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from typing import Any

RELATIVE_TOLERANCE = 1e-9
"""Two numbers in the same place of a line are equal when ``math.isclose(a, b, rel_tol=1e-9)``."""

MAX_DIFF_LINES = 40


@dataclass(frozen=True)
class Rule:
    """One normalisation: ``pattern`` (multiline) replaced by ``replacement`` in the
    text of ``applies_to`` ("text": every text; "text/html": HTML only)."""

    name: str
    pattern: re.Pattern[str]
    replacement: str
    why: str
    example: tuple[str, str]
    applies_to: str = "text"

    def apply(self, text: str) -> str:
        return self.pattern.sub(self.replacement, text)


def _rule(
    name: str,
    pattern: str,
    replacement: str,
    why: str,
    example: tuple[str, str],
    applies_to: str = "text",
    flags: int = re.MULTILINE,
) -> Rule:
    return Rule(name, re.compile(pattern, flags), replacement, why, example, applies_to)


DEPRECATION_CATEGORIES = (
    "DeprecationWarning",
    "PendingDeprecationWarning",
    r"Pandas(?:Pending)?DeprecationWarning",
    r"Pandas\d+Warning",
    "MatplotlibDeprecationWarning",
)
"""Regexes of the warning categories Python's default filters show only for code in __main__:
DeprecationWarning, PendingDeprecationWarning and the subclasses notebooks meet most (pandas'
Pandas4Warning is a DeprecationWarning, Pandas5Warning a PendingDeprecationWarning)."""

# Applied in this order: the terminal's own rewriting first, then what a run varies.
NORMALISATION: list[Rule] = [
    _rule(
        "ansi-colours",
        r"\x1b\[[0-9;?]*[A-Za-z]",
        "",
        "colour and cursor escapes depend on the terminal, not the result",
        ("\x1b[31mred\x1b[0m", "red"),
    ),
    _rule(
        "carriage-return",
        r"[^\n\r]*\r(?!\n)",
        "",
        "text before a carriage return on the same line was overwritten on screen (progress updates)",
        ("step 1\rstep 2\rdone\n", "done\n"),
    ),
    _rule(
        "progress-bar",
        r"^.*\d+%\|.*\|\s*[\d.]+[kMG]?/[\d.]+[kMG]?\s*\[.*\].*$",
        "<progress bar>",
        "tqdm bars carry rates and elapsed times that change on every run",
        ("train: 100%|##########| 10/10 [00:01<00:00,  9.87it/s]", "<progress bar>"),
    ),
    _rule(
        "deprecation-warning",
        r"^[^\n]*?:\d+: (?:" + "|".join(DEPRECATION_CATEGORIES) + r"): [^\n]*\n"
        # a message of a few lines (pandas adds "See https://…"), then the source line echoed under it
        r"(?:(?:(?![^\n]*?:\d+: \w+: )[^ \n][^\n]*\n){0,3}?  [^\n]*\n)?",
        "",
        "Python shows a DeprecationWarning (and a PendingDeprecationWarning) only when code in"
        " __main__ triggers it: the same call moved into a module (cell -> module) is silent and"
        " every value stays the same; the warning (its message lines and the source line echoed"
        " under it) is dropped. Only DEPRECATION_CATEGORIES: FutureWarning, UserWarning and"
        " numpy's VisibleDeprecationWarning (a UserWarning) still count",
        (
            "/tmp/ipykernel_4242/3341.py:3: DeprecationWarning: old\n  df.reset_index(inplace=True)\nok\n",
            "ok\n",
        ),
    ),
    _rule(
        "warning-location",
        r"^[^\n]*?\.py:\d+: (\w+): (.*)\n(?:  [^\n]*\n)?",
        r"\1: \2\n",
        "a warning names the file and line that raised it, which a refactor moves (cell -> module)"
        " and each kernel names differently (/tmp/ipykernel_<pid>/<hash>.py); the source line echoed"
        " under it goes with it",
        (
            '/tmp/ipykernel_4242/3341.py:3: UserWarning: careful\n  warnings.warn("careful")\n',
            "UserWarning: careful\n",
        ),
    ),
    _rule(
        "temporary-and-site-packages-paths",
        r"(?:/tmp|/var/folders|[^\s'\"(]*?/(?:site|dist)-packages)/(?:[^\s'\":/]+/)*([^\s'\":/]+)",
        r"\1",
        "temporary folders and the environment's install location differ between machines and runs:"
        " only the file's name is kept",
        ("see /usr/lib/python3/site-packages/sklearn/base.py", "see base.py"),
    ),
    _rule(
        "memory-address",
        r"\b0x[0-9a-fA-F]{6,}\b",
        "0x…",
        "object addresses change on every run (<Figure at 0x7f3a...>)",
        ("<function f at 0x7f3a2c1b9e50>", "<function f at 0x…>"),
    ),
    _rule(
        "iso-datetime",
        r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\b",
        "<datetime>",
        "clock readings (datetime.now(), log lines) are never the same twice",
        ("run at 2026-12-04T18:01:37.123456+00:00", "run at <datetime>"),
    ),
    _rule(
        "timeit",
        r"^.*± .* per loop \(mean ± std\. dev\. of .*\)$",
        "<timeit>",
        "%timeit reports a measured speed and picks its loop count by it",
        ("1.23 µs ± 45.6 ns per loop (mean ± std. dev. of 7 runs, 1,000,000 loops each)", "<timeit>"),
    ),
    _rule(
        "durations",
        r"(?<![\w.])\d+(?:\.\d+)?(?:e-?\d+)? ?(?:ns|µs|us|ms|s|sec|secs|seconds?|min)\b",
        "<duration>",
        "a number with a unit of time is a measured duration (print(f'took {t:.2f}s'))",
        ("fitted in 0.53s, scored in 12 ms", "fitted in <duration>, scored in <duration>"),
    ),
    _rule(
        "html-whitespace",
        r"\s+",
        " ",
        "HTML renders runs of whitespace as one space",
        ("<td>1</td>\n    <td>2</td>", "<td>1</td> <td>2</td>"),
        applies_to="text/html",
        flags=0,
    ),
]


def normalise_text(text: str, mime: str = "text") -> str:
    """``text`` with every rule of ``NORMALISATION`` that applies to ``mime`` applied."""
    for rule in NORMALISATION:
        if rule.applies_to in ("text", mime):
            text = rule.apply(text)
    return text.strip() if mime == "text/html" else text


def _text(value: object) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def normalise_outputs(outputs: list[dict[str, Any]], paths: dict[str, str] | None = None) -> list[str]:
    """One cell's outputs (nbformat v4 dicts) -> the normalised lines compared by ``diff_outputs``.

    ``paths`` maps a folder the run used to the folder it stands for (the scratch copy to
    the notebook's own folder), replaced in all text before the rules apply."""

    def text(value: object, mime: str = "text") -> str:
        value = _text(value)
        for old, new in (paths or {}).items():
            value = value.replace(old, new)
        return normalise_text(value, mime)

    blocks: list[list[str] | str] = []  # a str is the name of a stream, placed where it first appeared
    streams: dict[str, list[str]] = {}
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream":
            name = output.get("name", "stdout")
            if name not in streams:
                streams[name] = []
                blocks.append(name)
            streams[name].append(_text(output.get("text", "")))
        elif kind == "error":
            blocks.append([f"[error] {output.get('ename', '')}: {text(output.get('evalue', ''))}"])
        elif kind in ("execute_result", "display_data"):
            data = output.get("data", {})
            lines = [f"[image {mime}]" for mime in data if mime.startswith("image/")]
            if "text/plain" in data:
                lines += ["[text/plain]", *text(data["text/plain"]).splitlines()]
            elif "text/html" in data:
                lines += ["[text/html]", *text(data["text/html"], "text/html").splitlines()]
            blocks.append(lines)
    out: list[str] = []
    for block in blocks:
        # a stream is joined before normalising: a progress bar's \r updates span outputs
        if isinstance(block, str):
            lines = text("".join(streams[block])).splitlines()
            if lines:  # a stream left empty by the rules (only deprecation warnings) is no output
                out += [f"[{block}]", *lines]
        else:
            out += block
    return out


_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|[-+]?(?:inf|nan)\b")


def lines_equal(a: str, b: str) -> bool:
    """The same line, or the same but for numbers within ``RELATIVE_TOLERANCE``."""
    if a == b:
        return True
    if _NUMBER.sub("#", a) != _NUMBER.sub("#", b):
        return False
    for x, y in zip(_NUMBER.findall(a), _NUMBER.findall(b)):
        if x == y:
            continue
        try:
            fx, fy = float(x), float(y)
        except ValueError:
            return False
        if not math.isclose(fx, fy, rel_tol=RELATIVE_TOLERANCE):
            return False
    return True


def diff_outputs(
    reference: list[str], candidate: list[str], labels: tuple[str, str] = ("expected", "fresh run")
) -> str | None:
    """None when the two normalised outputs are the same (numbers within the tolerance),
    else a short unified diff (at most ``MAX_DIFF_LINES`` lines) from ``reference`` to ``candidate``."""
    if len(reference) == len(candidate) and all(map(lines_equal, reference, candidate)):
        return None
    # lines equal within the tolerance are shown as the reference's, so the diff shows real changes
    matched = [
        ref if i < len(reference) and lines_equal(ref := reference[i], line) else line
        for i, line in enumerate(candidate)
    ]
    lines = list(difflib.unified_diff(reference, matched, labels[0], labels[1], n=1, lineterm=""))
    if len(lines) > MAX_DIFF_LINES:
        lines = [*lines[:MAX_DIFF_LINES], f"… {len(lines) - MAX_DIFF_LINES} more diff lines"]
    return "\n".join(lines)
