"""outputs.py: the normalisation table (a test per rule), the normalised form, the tolerance;
verify.py's cell pairing. No kernel here."""

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from jupyter_nbrefactor.outputs import (
    NORMALISATION,
    RELATIVE_TOLERANCE,
    diff_outputs,
    lines_equal,
    normalise_outputs,
    normalise_text,
)
from jupyter_nbrefactor.verify import pair_cells

# One case per rule: (rule, what a run printed, what another run printed) -> the same.
RULE_CASES = {
    "ansi-colours": ("\x1b[1;31mError\x1b[0m: bad", "Error: bad"),
    "carriage-return": ("epoch 1/3\repoch 2/3\repoch 3/3 done\n", "epoch 3/3 done\n"),
    "progress-bar": (
        " 40%|####      | 4/10 [00:00<00:01,  5.12it/s]\rfit: 100%|##########| 10/10 [00:02<00:00,  4.99it/s]\n",
        "fit: 100%|##########| 10/10 [00:01<00:00,  7.30it/s]\n",
    ),
    "deprecation-warning": (
        "/tmp/ipykernel_811/1736.py:4: DeprecationWarning: inplace is deprecated\n  df.reset_index(inplace=True)\n",
        "",
    ),
    "warning-location": (
        '/tmp/ipykernel_811/1736.py:2: FutureWarning: old API\n  warnings.warn("old API", FutureWarning)\n',
        "/home/me/project/src/api.py:14: FutureWarning: old API\n  warn_old()\n",
    ),
    "temporary-and-site-packages-paths": (
        "loaded /home/a/.venv/lib/python3.11/site-packages/sklearn/datasets/data/iris.csv",
        "loaded /usr/lib/python3/dist-packages/sklearn/datasets/data/iris.csv",
    ),
    "memory-address": (
        "[<matplotlib.lines.Line2D at 0x7f3a2c1b9e50>]",
        "[<matplotlib.lines.Line2D at 0x7fe0011aa2d0>]",
    ),
    "iso-datetime": ("started 2026-12-04 18:01:37.5", "started 2026-12-05T09:12:00Z"),
    "timeit": (
        "812 ns ± 4.2 ns per loop (mean ± std. dev. of 7 runs, 1,000,000 loops each)",
        "10.1 µs ± 90 ns per loop (mean ± std. dev. of 7 runs, 100,000 loops each)",
    ),
    "durations": ("trained in 2.31s (12 ms per batch)", "trained in 1.97s (10 ms per batch)"),
    "html-whitespace": ("<table>\n  <tr><td>1</td></tr>\n</table>\n", "<table> <tr><td>1</td></tr> </table>"),
}


def test_every_rule_of_the_table_has_a_test_case():
    assert set(RULE_CASES) == {rule.name for rule in NORMALISATION}


@pytest.mark.parametrize("rule", NORMALISATION, ids=lambda rule: rule.name)
def test_rule_example_normalises_as_documented(rule):
    before, after = rule.example
    assert normalise_text(before, rule.applies_to) == after
    assert rule.why


@pytest.mark.parametrize("name", sorted(RULE_CASES))
def test_rule_makes_two_runs_the_same_and_is_needed(name):
    rule = next(r for r in NORMALISATION if r.name == name)
    one, two = RULE_CASES[name]
    assert normalise_text(one, rule.applies_to) == normalise_text(two, rule.applies_to)
    # without this rule the two would differ: each rule earns its place
    others = [r for r in NORMALISATION if r.name != name]

    def without(text):
        for r in others:
            if r.applies_to in ("text", rule.applies_to):
                text = r.apply(text)
        return text

    assert without(one) != without(two)


def test_numbers_within_the_relative_tolerance_are_equal():
    assert RELATIVE_TOLERANCE == 1e-9
    assert lines_equal("0.30000000000000004", "0.3")
    assert lines_equal("mean=1234.5678901234 std=2.0", "mean=1234.5678901237 std=2")
    assert not lines_equal("0.3001", "0.3")
    assert not lines_equal("x = 1", "y = 1")
    assert not lines_equal("1 2", "1 2 3")


def test_streams_are_joined_per_cell_where_they_first_appeared():
    outputs = [
        new_output("stream", name="stdout", text="a\n"),
        new_output("stream", name="stderr", text="warn\n"),
        new_output("execute_result", data={"text/plain": "42"}, execution_count=1),
        new_output("stream", name="stdout", text="b\n"),
    ]
    assert normalise_outputs(outputs) == ["[stdout]", "a", "b", "[stderr]", "warn", "[text/plain]", "42"]
    # printing the same lines in two outputs or in one is the same
    assert normalise_outputs([new_output("stream", name="stdout", text="a\nb\n")]) == ["[stdout]", "a", "b"]


def test_errors_are_name_and_value_without_traceback():
    error = new_output("error", ename="ZeroDivisionError", evalue="division by zero", traceback=["\x1b[0;31mlong"])
    assert normalise_outputs([error]) == ["[error] ZeroDivisionError: division by zero"]


def test_images_are_placeholders_by_type_in_order_and_html_only_without_plain_text():
    outputs = [
        new_output(
            "display_data", data={"image/png": "iVBORw0KGgo=AAAA", "text/plain": "<Figure size 640x480 with 1 Axes>"}
        ),
        new_output("display_data", data={"text/html": "<b>\n bold</b>"}),
        new_output("display_data", data={"text/html": "<table/>", "text/plain": "   a\n0  1"}),
    ]
    assert normalise_outputs(outputs) == [
        "[image image/png]",
        "[text/plain]",
        "<Figure size 640x480 with 1 Axes>",
        "[text/html]",
        "<b> bold</b>",
        "[text/plain]",
        "   a",
        "0  1",
    ]
    other_bytes = [
        new_output("display_data", data={"image/png": "ZZZZ", "text/plain": "<Figure size 640x480 with 1 Axes>"})
    ]
    assert diff_outputs(normalise_outputs(outputs[:1]), normalise_outputs(other_bytes)) is None
    assert diff_outputs(normalise_outputs(outputs[:1]), []) is not None


def test_the_scratch_folder_reads_as_the_notebook_folder():
    printed = [new_output("stream", name="stdout", text="/tmp/nbrefactor-verify-abc/run/data.csv\n")]
    assert normalise_outputs(printed, {"/tmp/nbrefactor-verify-abc/run": "/home/me/nb"}) == [
        "[stdout]",
        "/home/me/nb/data.csv",
    ]


def test_diff_is_a_short_unified_diff_from_reference_to_candidate():
    diff = diff_outputs(["[stdout]", "6", "0.1"], ["[stdout]", "7", "0.10000000000000001"], ("saved", "fresh run"))
    assert diff == "--- saved\n+++ fresh run\n@@ -1,3 +1,3 @@\n [stdout]\n-6\n+7\n 0.1"
    long = diff_outputs([str(i) for i in range(100)], [])
    assert long.splitlines()[-1].startswith("… ") and len(long.splitlines()) == 41


def _nb(*cells, minor=5):
    nb = new_notebook(cells=list(cells))
    nb.nbformat_minor = minor
    return nb


def test_pairing_by_replaces_then_id_then_position_and_no_output_left_behind():
    original = _nb(
        new_markdown_cell("# t", id="m"),
        new_code_cell("a = 1", id="a"),
        new_code_cell("b = 2\nprint(b)", id="b"),
        new_code_cell("c = a + b", id="c"),
        new_code_cell("print(c)", id="d"),
        new_code_cell("print('gone')", id="e"),
    )
    refactored = _nb(
        new_markdown_cell("# t", id="m"),
        new_code_cell("a = 1", id="a"),
        new_code_cell("from m import f\nb, c = f(a)", id="r", metadata={"nbrefactor": {"replaces": ["b", "c"]}}),
        new_code_cell("print(c)", id="x1"),  # a new id, same source: paired by position
    )
    # e is unpaired: its output must appear with the cell that reproduces the one above it
    assert pair_cells(refactored, original) == {1: [1], 2: [2, 3], 3: [4, 5]}


def test_pairing_without_ids_aligns_sources():
    original = _nb(new_code_cell("x = 1"), new_code_cell("y = x"), new_code_cell("print(y)"), minor=4)
    refactored = _nb(
        new_code_cell("x = 1"), new_code_cell("new = 0"), new_code_cell("y = x"), new_code_cell("print(y)"), minor=4
    )
    for nb in (original, refactored):
        for cell in nb.cells:
            cell.pop("id", None)
    assert pair_cells(refactored, original) == {0: [0], 1: [], 2: [1], 3: [2]}
