"""statements.py: the statements NR205 compares, by the fast lexer and by tokenize."""

from __future__ import annotations

import ast
import inspect
import json
import sys
import warnings
from pathlib import Path

import pytest

from jupyter_nbrefactor import statements
from jupyter_nbrefactor.statements import _lex, _statements, _tokens, normalised_statements

ROOT = Path(__file__).parent.parent
LEXED = pytest.mark.skipif(not statements._LEXED, reason="the fast lexer is used before Python 3.12 only")

# Texts that compile, chosen where a lexer built from regular expressions could go wrong.
TRICKY = [
    "df = pd.read_csv('a.csv')  # load\nx = f(1,\n      2,\n)\n",
    "if\"a\":pass\nx = rb'\\''+Rb\"\\\"\" + u'é' + F'{x!r:>{w}}'\n",
    's = \'\'\'one # not a comment\ntwo \\\n\'\'\' ; t = """a"b""c"""\n',
    "s = 'line \\\ncontinued'\nn = 1if x else 2\nm = .5 + 1_000j + 0x_ff + 0o17 + 0b1 + 1e-3 + 1.e5\n",
    "x = (1,\n     # a comment inside brackets\n     2)\ny = [a for a in b\n     if a]\nz = ...\n",
    "total = a + \\\n    b\n@decorator(\n    arg=1,\n)\ndef f(x, /, *, k=None) -> int:\n    return x ** 2 // 3\n",
    "class C:\n\n    # comment only\n    a: int = 0\n\n\n    def m(self):\n        pass\nelse_ = None\n",
    "\u05e2\u05b4\u05d1\u05e8\u05b4\u05d9\u05ea = Hebrew\nx\U000e0100 = 0\n",  # combining marks in names: tokenize's ERRORTOKENs
    "x = {'a': [1, 2,], 'b': (3,)}\nif x:\n    pass\nelif y:\n    pass\nelse:\n    pass\n",
    "try:\n    import numpy as np\nexcept ImportError:  # pragma: no cover\n    np = None\nfinally:\n    done = True",
    "async def f():\n    async with a as b:\n        await c\nlambda: (yield)\nprint(*args, **kw)\nx @= y; x //= 2\n",
    "\n\n# only a comment\n\n",
    "",
]


def notebook_cells() -> list[str]:
    """The code cells of the example and of the tests' notebooks."""
    out = []
    for path in sorted([*ROOT.glob("examples/*.ipynb"), *ROOT.glob("tests/data/**/*.ipynb")]):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                source = cell["source"]
                out.append("".join(source) if isinstance(source, list) else source)
    return out


def compiles(source: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # `1if x`: a SyntaxWarning from 3.12 on
            ast.parse(source)
    except SyntaxError:
        return False
    return True


def test_statements_leave_out_literals_comments_and_layout():
    assert normalised_statements(TRICKY[0], True) == ((1, "df = pd . read_csv ( S )"), (2, "x = f ( 0 , 0 )"))
    assert normalised_statements(TRICKY[4], True) == (
        (1, "x = ( 0 , 0 )"),
        (4, "y = [ a for a in b if a ]"),
        (6, "z = ..."),
    )
    assert normalised_statements(TRICKY[-2], True) == ()
    assert normalised_statements("", True) == ()


def test_a_text_that_does_not_compile_counts_up_to_its_error():
    assert normalised_statements("%matplotlib inline\nx = 1\ny = f(", False) == (
        (1, "% matplotlib inline"),
        (2, "x = 0"),
        (3, "y = f ("),
    )
    assert normalised_statements("s = '''never closed\nx = 1\n", False) == ((1, "s ="),)


@LEXED
@pytest.mark.parametrize("source", TRICKY)
def test_the_lexer_finds_tokenizes_statements_in_tricky_texts(source):
    assert compiles(source)
    assert _statements(_lex(source)) == _statements(_tokens(source))


@LEXED
def test_the_lexer_finds_tokenizes_statements_in_notebooks_and_the_standard_library():
    import argparse
    import dataclasses
    import tokenize
    import typing

    texts = [s for s in notebook_cells() if compiles(s) and "\r" not in s]
    assert len(texts) > 60
    texts += [inspect.getsource(m) for m in (argparse, dataclasses, tokenize, typing, ast)]
    for source in texts:
        assert _statements(_lex(source)) == _statements(_tokens(source)), source[:200]


@LEXED
def test_the_lexer_reads_only_what_compiles(monkeypatch):
    read = []
    monkeypatch.setattr(statements, "_tokens", lambda source: read.append(source) or iter(()))
    source = "x = 1\ny = 2\n"
    assert normalised_statements.__wrapped__(source, True) == ((1, "x = 0"), (2, "y = 0"))
    assert read == []
    normalised_statements.__wrapped__(source, False)
    normalised_statements.__wrapped__(source.replace("\n", "\r"), True)  # old Mac line ends: tokenize's
    assert read == [source, source.replace("\n", "\r")]


@pytest.mark.skipif(sys.version_info < (3, 12), reason="f-strings are one token before Python 3.12")
def test_an_f_string_is_one_literal_from_python_3_12_on():
    source = 'x = f"a{b!r:>{w}}c" + f"{d["k"]}"\n'
    assert normalised_statements(source, True) == ((1, "x = S + S"),)
