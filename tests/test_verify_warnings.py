"""outputs.py: a DeprecationWarning (or PendingDeprecationWarning) that only a cell shows
(Python shows them for code in __main__, not in a module) is no difference; a FutureWarning
or UserWarning still is. No kernel here."""

from nbformat.v4 import new_output

from jupyter_nbrefactor.outputs import diff_outputs, normalise_outputs

DEPRECATION = (
    "/tmp/ipykernel_77/2831.py:3: DeprecationWarning: the inplace parameter is deprecated\n"
    "  df.reset_index(inplace=True)\n"
)
PENDING = "/tmp/ipykernel_77/2831.py:9: PendingDeprecationWarning: soon gone\n  old()\n"
FUTURE = "/tmp/ipykernel_77/2831.py:5: FutureWarning: the default will change\n  df.groupby('a').mean()\n"
USER = '/tmp/ipykernel_77/2831.py:7: UserWarning: careful\n  warnings.warn("careful")\n'


def stderr(text: str) -> dict:
    return new_output("stream", name="stderr", text=text)


def stdout(text: str) -> dict:
    return new_output("stream", name="stdout", text=text)


def result(text: str) -> dict:
    return new_output("execute_result", data={"text/plain": text}, execution_count=1)


def test_only_deprecation_warnings_on_stderr_is_no_stderr_at_all():
    cell = [stderr(DEPRECATION), stderr(PENDING), result("42")]
    assert normalise_outputs(cell) == ["[text/plain]", "42"]
    assert diff_outputs(normalise_outputs(cell), normalise_outputs([result("42")])) is None
    # both sides: the module's run shows it, the notebook's does not
    assert diff_outputs(normalise_outputs([result("42")]), normalise_outputs(cell)) is None


def test_other_stderr_around_a_deprecation_warning_is_kept_and_compared():
    cell = [stdout("fitted\n"), stderr("start\n" + DEPRECATION + "done\n")]
    assert normalise_outputs(cell) == ["[stdout]", "fitted", "[stderr]", "start", "done"]
    assert (
        diff_outputs(normalise_outputs(cell), normalise_outputs([stdout("fitted\n"), stderr("start\ndone\n")])) is None
    )
    assert diff_outputs(normalise_outputs(cell), normalise_outputs([stdout("fitted\n"), stderr("start\n")])) is not None


def test_a_future_warning_difference_is_still_changed():
    with_future = normalise_outputs([stderr(FUTURE), result("42")])
    assert with_future == ["[stderr]", "FutureWarning: the default will change", "[text/plain]", "42"]
    diff = diff_outputs(with_future, normalise_outputs([result("42")]))
    assert diff is not None and "-FutureWarning: the default will change" in diff


def test_a_user_warning_difference_is_still_changed():
    assert diff_outputs(normalise_outputs([stderr(USER)]), normalise_outputs([])) is not None
    assert normalise_outputs([stderr(DEPRECATION + USER)]) == ["[stderr]", "UserWarning: careful"]


def test_a_deprecation_warning_does_not_hide_different_values():
    one = normalise_outputs([stderr(DEPRECATION), result("0.25")])
    two = normalise_outputs([result("0.26")])
    assert diff_outputs(one, two) is not None


def test_text_that_only_mentions_deprecation_is_kept():
    line = "DeprecationWarning: is a category, said the lecture\n"
    assert normalise_outputs([stdout(line)]) == ["[stdout]", line.rstrip("\n")]


PANDAS4 = (
    "/home/me/src/data.py:12: Pandas4Warning: The inplace keyword in DataFrame.reset_index is deprecated"
    " and will be removed in a future version (PDEP-8).\n"
    "See https://pandas.pydata.org/docs/dev/whatsnew/v3.1.0.html#deprecation-inplace for more details.\n"
    "  df_a.reset_index(inplace=True)\n"
)


def test_deprecation_subclasses_with_a_message_of_several_lines_are_dropped_whole():
    # pandas 3's Pandas4Warning is a DeprecationWarning, its message two lines (statsmodels' glm_weights)
    cell = [stderr(PANDAS4 + "done\n"), result("42")]
    assert normalise_outputs(cell) == ["[stderr]", "done", "[text/plain]", "42"]
    pending = "x.py:3: Pandas5Warning: soon\n  f()\n"
    matplotlib = "x.py:4: MatplotlibDeprecationWarning: old\n  plt.f()\n"
    assert normalise_outputs([stderr(pending + matplotlib)]) == []


def test_visible_deprecation_warning_is_a_user_warning_and_still_counts():
    visible = "x.py:3: VisibleDeprecationWarning: ragged\n  np.array(rows)\n"
    assert normalise_outputs([stderr(visible)]) == ["[stderr]", "VisibleDeprecationWarning: ragged"]
    future = "x.py:5: PandasFutureWarning: will change\n  df.f()\n"
    assert normalise_outputs([stderr(future)]) == ["[stderr]", "PandasFutureWarning: will change"]


def test_a_deprecation_warning_without_its_source_line_keeps_the_output_after_it():
    assert normalise_outputs([stderr("<string>:1: DeprecationWarning: old\nfitted\n")]) == ["[stderr]", "fitted"]
