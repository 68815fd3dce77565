"""A cell's statements with literals, comments and layout left out: what NR205 and the
health report compare to find duplicated blocks of code.

The tokens are ``tokenize``'s. Before Python 3.12 ``tokenize`` is pure Python and the
health report's slowest part (some 80 ms of a 1,000-cell report); for a cell that
compiles as it is, ``_lex`` finds the same tokens with one regular expression over the
whole text, built from ``tokenize``'s own patterns (``tests/test_statements.py`` checks
that both give the same statements). Every other cell (magics, a syntax error, old Mac
line ends), and every cell from 3.12 on, where ``tokenize`` runs on the C tokenizer and
the regular expression no longer knows every f-string, goes through ``tokenize``.
"""

from __future__ import annotations

import io
import re
import sys
import tokenize
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .cells import CellFacts

__all__ = ["cell_statements", "normalised_statements"]

# (first line, text) of each statement
Statements = tuple[tuple[int, str], ...]

_CONSTANTS = frozenset({"True", "False", "None"})
_SKIPPED_TOKENS = frozenset({tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER})
# Python 3.12+: an f-string is FSTRING_START, its parts and FSTRING_END; one literal, as before 3.12
_FSTRING_START = getattr(tokenize, "FSTRING_START", None)
_FSTRING_END = getattr(tokenize, "FSTRING_END", None)
_LEXED = sys.version_info < (3, 12)


@lru_cache(maxsize=8192)  # by source: the Health tab asks again after every save
def normalised_statements(source: str, compiles: bool) -> Statements:
    """(first line, text) of each statement of a cell (a logical line: a call spread over
    six lines is one, a compound statement's header is one), with literals, comments and
    layout left out, so copies that differ only in a column name, a constant or their
    formatting compare equal. ``compiles``: the text is Python that compiles as it is
    (no magics), which lets the fast lexer read it."""
    if compiles and _LEXED and "\r" not in source:
        return _statements(_lex(source))
    return _statements(_tokens(source))


def cell_statements(facts: CellFacts) -> Statements:
    """A cell's statements; its facts say whether it compiles as it is (no magics)."""
    return normalised_statements(facts.source, facts.error is None and facts.python == facts.source)


def _statements(tokens: Iterable[tuple[str, int, str]]) -> Statements:
    """Statements from (kind, line, text) tokens; kind: "S" a string, "0" a number or
    constant, "\\n" the end of a logical line, "" anything else that counts."""
    out: list[tuple[int, str]] = []
    words: list[str] = []
    line = 0
    for kind, at, text in tokens:
        if kind == "\n":
            if words:
                out.append((line, " ".join(words)))
            words = []
            continue
        if not words:
            line = at
        elif text in ")]}" and words[-1] == ",":
            words.pop()  # a trailing comma is layout too
        words.append(kind or text)
    if words:
        out.append((line, " ".join(words)))
    return tuple(out)


def _tokens(source: str) -> Iterable[tuple[str, int, str]]:
    """``tokenize``'s tokens that count, up to the first error (an unclosed bracket or
    string: what came before counts)."""
    fstrings = 0  # depth in f-strings (3.12+): all of one is one literal
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == _FSTRING_START:
                if not fstrings:
                    yield "S", tok.start[0], tok.string
                fstrings += 1
            elif tok.type == _FSTRING_END:
                fstrings -= 1
            elif fstrings:
                continue
            elif tok.type == tokenize.NEWLINE:
                yield "\n", tok.start[0], tok.string
            elif tok.type not in _SKIPPED_TOKENS:
                literal = tok.type == tokenize.NUMBER or tok.string in _CONSTANTS
                yield "S" if tok.type == tokenize.STRING else "0" if literal else "", tok.start[0], tok.string
    except (tokenize.TokenError, SyntaxError):
        return


def _non_capturing(pattern: str) -> str:
    return re.sub(r"(?<!\\)\((?!\?)", "(?:", pattern)


_PREFIX = _non_capturing(tokenize.StringPrefix)
# One token (what it matches first, in tokenize's order: a continuation, a comment or a
# triple-quoted string, a number, a line end, an operator, a one-line string, a name, one
# other character),
# after the blanks before it. Strings are matched whole: a compiling text has no open one.
_TOKEN = re.compile(
    r"[ \f\t]*("
    r"\\\r?\n|#[^\r\n]*"
    rf"|{_PREFIX}(?:'''{tokenize.Single3}|\"\"\"{tokenize.Double3})"
    rf"|{_non_capturing(tokenize.Number)}"
    r"|\r?\n"
    rf"|{_non_capturing(tokenize.Special)}"
    rf"""|{_PREFIX}(?:'[^\n'\\]*(?:\\.[^\n'\\]*)*'|"[^\n"\\]*(?:\\.[^\n"\\]*)*")"""
    r"|\w+"
    r"|.)",  # a character no token starts with: tokenize's ERRORTOKEN (a combining mark in a name)
    re.DOTALL,
)
_QUOTES = frozenset("'\"")
_OPENING, _CLOSING = frozenset("([{"), frozenset(")]}")


def _lex(source: str) -> Iterable[tuple[str, int, str]]:
    """The tokens ``_tokens`` gives for a text that compiles (the line ends of logical
    lines: outside brackets and continuations, after a token that counts)."""
    line, depth, pending = 1, 0, False
    for text in _TOKEN.findall(source):
        first = text[0]
        if first == "\n" or first == "\r":
            if depth == 0 and pending:
                yield "\n", line, text
                pending = False
            line += 1
        elif first == "#":
            continue
        elif first == "\\":
            line += 1
        else:
            pending = True
            if first in _OPENING:
                depth += 1
            elif first in _CLOSING:
                depth -= 1
            if text[-1] in _QUOTES:
                yield "S", line, text
                line += text.count("\n")
            elif text in _CONSTANTS or first.isdigit() or (first == "." and len(text) > 1 and text != "..."):
                yield "0", line, text
            else:
                yield "", line, text
