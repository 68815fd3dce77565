"""One answer to "is this notebook Python?" for lint, the report and extraction."""

import pytest
from nbformat.v4 import new_code_cell, new_notebook

from jupyter_nbrefactor.extract import plan_extraction
from jupyter_nbrefactor.language import is_python, language_name, notebook_language
from jupyter_nbrefactor.lint import NotebookFacts


@pytest.mark.parametrize(
    "metadata, language",
    [
        ({}, "python"),
        ({"language_info": {"name": "python"}}, "python"),
        ({"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}, "python"),
        ({"kernelspec": {"name": "ir", "display_name": "R", "language": "R"}}, "r"),
        # the kernel's own report wins over the kernelspec chosen
        ({"language_info": {"name": "julia"}, "kernelspec": {"name": "python3", "language": "python"}}, "julia"),
        # a kernelspec without "language": its name, when it is one we know
        ({"kernelspec": {"name": "python3", "display_name": "Python 3"}}, "python"),
        ({"kernelspec": {"name": "ir", "display_name": "R"}}, "r"),
        ({"kernelspec": {"name": "julia-1.10", "display_name": "Julia"}}, "julia"),
        ({"kernelspec": {"name": "conda-env-work-py", "display_name": "work"}}, "python"),
        # a custom kernel name says nothing: the default
        ({"kernelspec": {"name": "myenv", "display_name": "My env"}}, "python"),
        # jupytext
        ({"jupytext": {"main_language": "R"}}, "r"),
        ({"jupytext": {"text_representation": {"extension": ".py", "format_name": "percent"}}}, "python"),
        ({"jupytext": {"text_representation": {"extension": ".jl", "format_name": "percent"}}}, "julia"),
        ({"kernelspec": {"name": "bash", "language": "bash"}, "jupytext": {"main_language": "python"}}, "bash"),
        # malformed entries are skipped
        ({"language_info": "python", "kernelspec": {"language": ""}, "jupytext": []}, "python"),
    ],
)
def test_notebook_language(metadata, language):
    assert notebook_language({"metadata": metadata, "cells": []}) == language
    assert notebook_language(metadata) == language  # the metadata alone


@pytest.mark.parametrize("name", ["python", "Python", "python3", "ipython", "ipython3", " IPython3 "])
def test_every_python_spelling_is_python(name):
    assert language_name(name) == "python"
    assert is_python(name)


def test_is_python_of_strings_notebooks_and_nothing():
    assert is_python(None) and is_python("")
    assert not is_python("bash") and not is_python("R")
    assert is_python(new_notebook()) and not is_python({"metadata": {"language_info": {"name": "bash"}}})


def notebook(metadata):
    return new_notebook(cells=[new_code_cell("x = 1\ny = x + 1"), new_code_cell("print(y)")], metadata=metadata)


def lint_says_python(metadata) -> bool:
    return NotebookFacts(notebook(metadata)).python


def extraction_says_python(metadata) -> bool:
    plan = plan_extraction({"notebook": notebook(metadata), "cells": [0], "name": "f", "module": "src/m.py"})
    return plan["refused"] is None


# Where the two copies disagreed before they became one function: lint accepted
# "ipython3" and read jupytext's main_language, extraction did neither; lint took the
# kernelspec before the kernel's language_info, extraction the other way round.
@pytest.mark.parametrize(
    "metadata, python",
    [
        ({"kernelspec": {"name": "ipython3", "display_name": "IPython", "language": "ipython3"}}, True),
        ({"language_info": {"name": "ipython3"}}, True),
        ({"jupytext": {"main_language": "R"}}, False),
        ({"jupytext": {"text_representation": {"extension": ".R"}}}, False),
        (
            {
                "kernelspec": {"name": "python3", "display_name": "P", "language": "python"},
                "language_info": {"name": "bash"},
            },
            False,
        ),
        ({"kernelspec": {"name": "ir", "display_name": "R"}}, False),
    ],
)
def test_lint_and_extraction_agree(metadata, python):
    assert lint_says_python(metadata) is python
    assert extraction_says_python(metadata) is python
    assert is_python(notebook(metadata)) is python
