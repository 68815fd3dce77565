"""Property tests: generated programs, random text and random JSON through the engine.

``analyze`` and ``plan_extraction`` must never raise anything but ``RequestError`` (and
that only for a request of the wrong shape), and an accepted plan's module compiles.
Sized to run in well under two minutes on a 2-core machine.
"""

import json
import keyword

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from jupyter_nbrefactor import analyze, plan_extraction
from jupyter_nbrefactor.errors import RequestError

pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")

# hypothesmith's generation dominates the time and varies a lot from run to run (300 of
# its programs take 7 to 75 s on the 2-core VM), hence 100 examples of the tests using it.
FUZZ = settings(
    max_examples=100,
    deadline=None,
    # No example database: hypothesmith steers towards ever bigger programs, and replaying
    # the biggest ones it saved made a run grow from seconds to minutes.
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

# Lines a notebook has and a grammar does not: magics, shell escapes, half-written code.
NOTEBOOK_LINES = [
    "x = 1",
    "y = x + 1",
    "print(y)",
    "del x",
    "x += 1",
    "import math",
    "from os import path",
    "%time z = x",
    "%matplotlib inline",
    "!ls {x}",
    "%%capture out",
    "%%time",
    "def f(a):",
    "    return a + y",
    "class C:",
    "    n = x",
    "for i in range(3):",
    "    x = i",
    "if y:",
    "    global x",
    "lambda: x",
    "await g()",
    "x.append(1)",
    "df.drop(columns=['a'], inplace=True)",
    "_",
    "Out[1]",
    "_3",
    "globals()['q'] = 1",
    "exec('w = 1')",
    "%run other.py",
    "yield x",
    "return x",
    "(",
    "'''",
    "    ",
    "\t",
    "x = (",
    "\\",
    "@dec",
    "match x:",
    "    case 1: pass",
]

programs = hypothesmith.from_grammar() | hypothesmith.from_node()
# Any characters, lone surrogates included: JSON can carry them.
random_text = st.text(st.characters(exclude_categories=()), max_size=200)
notebookish = st.lists(st.sampled_from(NOTEBOOK_LINES), max_size=8).map("\n".join)
other_sources = random_text | notebookish


@st.composite
def cell_texts(draw, max_size):
    """Cell sources, one of them a generated program (hypothesmith allows one per example)."""
    texts = draw(st.lists(other_sources, max_size=max_size - 1))
    texts.insert(draw(st.integers(0, len(texts))), draw(programs))
    return texts


identifiers = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True).filter(lambda n: not keyword.iskeyword(n))


@st.composite
def analyze_requests(draw):
    texts = draw(cell_texts(5))
    ids = [f"c{i}" for i in range(len(texts))]
    cells = [
        {"id": i, "source": t, "cell_type": draw(st.sampled_from(["code", "code", "markdown"]))}
        for i, t in zip(ids, texts)
    ]
    runs = []
    for k in draw(st.lists(st.integers(0, len(texts)), max_size=8)):
        # index len(texts): a run of a cell that was deleted since
        cell_id, text = (ids[k], texts[k]) if k < len(texts) else ("gone", draw(other_sources))
        if draw(st.booleans()):
            text = draw(other_sources)  # the cell was edited after this run
        runs.append(
            {
                "cell_id": cell_id,
                "source": text,
                "execution_count": len(runs) + 1,
                "error": draw(st.none() | st.sampled_from(["NameError", "ValueError"])),
            }
        )
    names = draw(st.none() | st.lists(identifiers, max_size=5))
    return {"cells": cells, "runs": runs, "kernel_names": names}


@FUZZ
@given(analyze_requests())
def test_analyze_never_raises_on_a_well_formed_request(request):
    result = analyze(request)
    json.dumps(result)
    code_ids = {c["id"] for c in request["cells"] if c["cell_type"] == "code"}
    assert set(result["cells"]) == code_ids
    for warning in result["warnings"]:
        assert warning["cell_id"] in code_ids


@st.composite
def plan_requests(draw):
    texts = draw(cell_texts(4))
    cells = [new_markdown_cell(t) if draw(st.integers(0, 5)) == 0 else new_code_cell(t) for t in texts]
    first = draw(st.integers(0, len(cells) - 1))
    last = draw(st.integers(first, len(cells) - 1))
    return {
        "notebook": new_notebook(cells=cells),
        "cells": list(range(first, last + 1)),
        "name": draw(identifiers),
        "module": draw(st.sampled_from(["src/data.py", "helpers.py", "pkg/sub/mod.py"])),
        "mode": draw(st.sampled_from(["function", "module"])),
        "module_source": draw(st.none() | other_sources),
        "overwrite": draw(st.booleans()),
    }


@FUZZ
@given(plan_requests())
def test_plan_extraction_never_raises_and_accepted_modules_compile(request):
    plan = plan_extraction(request)
    json.dumps(plan)
    assert plan["refused"] is None or isinstance(plan["refused"], str)
    if plan["refused"] is None:
        compile(plan["module_source"], plan["module_path"], "exec")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | random_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(random_text, children, max_size=4),
    max_leaves=20,
)
# Objects with the contract's keys, holding random values.
json_requests = (
    st.dictionaries(
        st.sampled_from(
            [
                "cells",
                "runs",
                "kernel_names",
                "language",
                "notebook",
                "name",
                "module",
                "mode",
                "module_source",
                "overwrite",
                "path",
            ]
        ),
        json_values,
    )
    | json_values
)


@settings(FUZZ, max_examples=300)
@given(json_requests)
def test_random_json_is_a_request_error_or_an_answer(request):
    for engine in (analyze, plan_extraction):
        try:
            json.dumps(engine(request))
        except RequestError as err:
            assert str(err)
